from django.shortcuts import render

from woonkans.accounts.permissions import role_required
from woonkans.accounts.roles import Role
from woonkans.lists import list_page

from . import filters, selectors
from .forms import LogSearchForm
from .models import LOGIN_REASON_LABELS

PAGE_SIZE = 50


@role_required(Role.ADMINISTRATOR)
def log_search(request):
    # The form checks the whole search (which log, a sensible date range); django-filter applies it.
    form = LogSearchForm(request.GET or None)
    page = None
    log = None
    if form.is_bound and form.is_valid():
        log = form.cleaned_data["log"]
        if log == "login":
            entries, filterset_class = selectors.search_login_log(user=request.user), filters.LoginLogFilter
        else:
            entries, filterset_class = selectors.search_access_log(user=request.user), filters.AccessLogFilter
        page = list_page(
            request,
            entries,
            filterset_class=filterset_class,
            sorts=filters.LOG_SORTS,
            default_sort="-at",
            page_size=PAGE_SIZE,
        )
    return render(
        request,
        "audit/log_search.html",
        {"form": form, "page": page, "log": log, "reason_labels": LOGIN_REASON_LABELS},
    )
