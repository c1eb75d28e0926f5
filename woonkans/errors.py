"""Error pages that need no database, and a database failure that keeps what the user typed.

When PostgreSQL is down or SQLite answers "database is locked", the request ends in 503 with
Retry-After instead of a bare 500. The page is rendered in the portal's layout without a request
context (no user, session or message lookups), and a POSTed form comes back with its text in a
form that posts to the same address again.
"""

import logging
import re
import sys

from django import forms
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
# Never echoed: passwords, one-time codes, the old CSRF token. Files are not in POST at all.
SECRET_FIELD = re.compile(r"password|wachtwoord|otp|token|secret|backup|csrf", re.IGNORECASE)
HIDDEN_WIDGETS = (forms.CheckboxInput, forms.widgets.ChoiceWidget)


class DatabaseUnavailableMiddleware:
    """A view that hits a database failure answers 503 instead of 500 (failures in other middleware,
    such as the session lookup, reach `server_error`, which answers the same)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request, exception)
        return None


def server_error(request, template_name="500.html"):
    """handler500: renders without a request context, so it works with the database gone."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        return database_unavailable(request, exception)
    return HttpResponseServerError(loader.render_to_string(template_name))


def database_unavailable(request, exception):
    # The first line only: the class and cause, never statement parameters or form values.
    logger.warning("Database unavailable (%s: %s)", type(exception).__name__, str(exception).partition("\n")[0])
    session = getattr(request, "session", None)
    if session is not None:
        session.modified = False  # saving it would hit the same failure on the way out
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if request.headers.get("HX-Request"):
        # htmx keeps the page as it is on a 5xx; the text is still in the browser.
        text = _("Het portaal kan nu niets opslaan. Probeer het over een minuut opnieuw.")
        return HttpResponse(text, status=503, headers=headers, content_type="text/plain; charset=utf-8")
    context = {"retry_url": request.get_full_path(), "retry_after": RETRY_AFTER_SECONDS}
    if request.method == "POST":
        try:
            if _passes_csrf(request):
                context.update(fields=_echo_fields(request), had_files=bool(request.FILES))
                context["csrf_token"] = get_token(request)
        except Exception:  # noqa: BLE001 - an unreadable body: the page comes without the echo
            logger.warning("Database unavailable: the submitted form could not be read back")
    return HttpResponse(loader.render_to_string("503.html", context), status=503, headers=headers)


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        # A refusal without rendering Django's failure page, which would look up the user.
        return reason


def _passes_csrf(request):
    # Only echo what the user's own page sent: a cross-site POST must not come back as a form with a
    # fresh token. A failure in the session lookup happens before the CSRF check ran, so run it here.
    if getattr(request, "csrf_processing_done", False):
        return True
    return _CsrfCheck(lambda request: None).process_view(request, None, (), {}) is None


def _echo_fields(request):
    names = {key.rpartition("-")[2] for key in request.POST}
    known = _best_matching_form_fields(names)
    fields = []
    for key, values in request.POST.lists():
        field = known.get(key.rpartition("-")[2])
        widget = field.widget if field is not None else None
        if SECRET_FIELD.search(key) or isinstance(widget, forms.PasswordInput):
            continue
        label = str(field.label) if field is not None and field.label else key.replace("_", " ").capitalize()
        for value in values:
            if widget is not None:
                visible = bool(value) and not (widget.is_hidden or isinstance(widget, HIDDEN_WIDGETS))
            else:
                visible = " " in value.strip()
            multiline = isinstance(widget, forms.Textarea) or "\n" in value or len(value) > 80
            fields.append({"name": key, "label": label, "value": value, "visible": visible, "multiline": multiline})
    return fields


def _best_matching_form_fields(names):
    """The Dutch labels: the declared fields of the form class that shares the most field names, and
    for a name it lacks, the first form that declares it."""
    best, best_hits, any_form, stack = {}, 0, {}, [forms.BaseForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        declared = getattr(cls, "base_fields", None) or {}
        for name in names & declared.keys():
            any_form.setdefault(name, declared[name])
        hits = len(names & declared.keys())
        if hits > best_hits:
            best, best_hits = declared, hits
    return {**any_form, **best}
