"""Answer a refused write on a restricted case with a message, not an error page."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from .restriction import ProcessingRestricted


class ProcessingRestrictedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ProcessingRestricted):
            return None
        messages.error(request, str(exception))
        if request.headers.get("HX-Request"):
            # An htmx fragment: reload the whole page so the notice is shown where people look.
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        # Back to the page itself (GET): it shows the case read-only with the same notice.
        return redirect(request.path)
