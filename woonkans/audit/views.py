from django.core.paginator import Paginator
from django.shortcuts import render

from woonkans.accounts.permissions import role_required
from woonkans.accounts.roles import Role

from . import selectors
from .forms import LogSearchForm
from .models import LOGIN_REASON_LABELS

PAGE_SIZE = 50


@role_required(Role.ADMINISTRATOR)
def log_search(request):
    form = LogSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["log"] == "login":
            entries = selectors.search_login_log(
                user=request.user, username=data["username"], date_from=data["date_from"], date_to=data["date_to"]
            )
        else:
            entries = selectors.search_access_log(
                user=request.user,
                username=data["username"],
                subject=data["subject"],
                date_from=data["date_from"],
                date_to=data["date_to"],
            )
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "audit/log_search.html",
        {
            "form": form,
            "page": page,
            "log": form.cleaned_data.get("log") if page else None,
            "reason_labels": LOGIN_REASON_LABELS,
            "query": query.urlencode(),
        },
    )
