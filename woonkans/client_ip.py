"""The one answer to "which address is the client?", for axes, the session binding and the logs.

Behind TRUSTED_PROXY_COUNT reverse proxies, each proxy appends the address it
received the request from to X-Forwarded-For. Only those appended entries can
be trusted, so the client is the entry TRUSTED_PROXY_COUNT places from the
right; anything further left was written by the client and may be forged.
Without a trusted proxy the header is ignored: the client is REMOTE_ADDR.
"""

from django.conf import settings
from ipware import get_client_ip


def client_ip(request):
    # Read at call time, so a changed setting (override_settings) takes effect.
    proxy_count = getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0
    if proxy_count > 0:
        # ipware counts the proxies listed in the header; the last proxy puts its
        # peer's address there but not its own, hence proxy_count - 1.
        address, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=proxy_count - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
        )
        if address:
            return address
    return request.META.get("REMOTE_ADDR")
