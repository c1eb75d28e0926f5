from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from woonkans.accounts.permissions import role_required
from woonkans.lists import list_page

from .. import filters, selectors, services
from ..forms import ReportForm
from ..permissions import REPORTER_ROLES


@role_required(*REPORTER_ROLES)
def report_list(request):
    page = list_page(
        request,
        selectors.provider_reports(user=request.user),
        count_queryset=selectors.counted_reports(user=request.user),
        filterset_class=filters.ReportFilter,
        sorts=filters.REPORT_SORTS,
        default_sort="-created_at",
    )
    return render(request, "referrals/provider_list.html", {"page": page})


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
