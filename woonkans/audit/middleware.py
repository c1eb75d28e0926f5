from woonkans.client_ip import client_ip

from .context import current_ip


class RequestContextMiddleware:
    """Remember the client IP for the access log (the same address axes records)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
