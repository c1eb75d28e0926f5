from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from woonkans.accounts.permissions import role_required

from .. import selectors, services
from ..forms import ReportForm
from ..permissions import REPORTER_ROLES

PAGE_SIZE = 25


@role_required(*REPORTER_ROLES)
def report_list(request):
    page = Paginator(selectors.provider_reports(user=request.user), PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "referrals/provider_list.html", {"page": page, "query": ""})


@role_required(*REPORTER_ROLES)
def report_new(request):
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_resident(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("De melding is verstuurd naar het Wmo-loket van de gemeente."))
            return redirect("referrals:reports")
    return render(request, "referrals/provider_report.html", {"form": form})
