"""Answer a refused write on a restricted case with a message, not an error page; refuse bodies too big to be
an upload before they are read."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

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


class RequestSizeLimitMiddleware:
    """Django limits form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not files: a body far above the largest
    allowed upload would be streamed to disk in full before the upload check refuses it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            return HttpResponse(
                _("Het verzoek is te groot. Een bestand mag niet groter zijn dan het toegestane maximum."),
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
