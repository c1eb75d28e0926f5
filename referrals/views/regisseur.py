from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from woonkans.accounts.permissions import role_required
from woonkans.lists import list_page, row_urls

from .. import filters, selectors, services
from ..forms import FeedbackForm
from ..permissions import REGISSEUR_ROLES
from ..workflow import Status
from .shared import name_search


@role_required(*REGISSEUR_ROLES)
@require_http_methods(["GET", "POST"])
def inbox(request):
    name_form, referrals = name_search(request, selectors.regisseur_inbox(user=request.user))
    page = list_page(
        request, referrals, filterset_class=filters.InboxFilter, sorts=filters.INBOX_SORTS, default_sort="submitted_at"
    )
    # Each row's cells as text, what rows share worked out once a page (``get_status_display`` translates
    # every choice, ``{% url %}`` resolves the pattern): the page fills from 5 rows at 1 000 cases to 25 from
    # 10 000 on, and each row's cost showed. Same text: the status's label, ``date:"d-m-Y"``.
    labels = {value: str(label) for value, label in Status.choices}
    detail_url = row_urls("referrals:detail", page.rows)
    for referral in page:
        referral.status_label = labels.get(referral.status, referral.status)  # as get_status_display
        referral.url = detail_url(referral.pk)
        submitted = referral.submitted_at
        referral.submitted_text = timezone.localtime(submitted).strftime("%d-%m-%Y") if submitted else "–"
    return render(request, "referrals/inbox.html", {"page": page, "name_form": name_form})


@role_required(*REGISSEUR_ROLES)
def feedback(request, referral_id):
    referral = selectors.get_case(user=request.user, referral_id=referral_id, purpose="terugkoppeling")
    # A match sends the regisseur here with feedback 3 drafted (ids and a date in the query, nothing personal).
    form = FeedbackForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        services.give_feedback(actor=request.user, referral=referral, **form.cleaned_data)
        messages.success(request, _("De terugkoppeling staat bij de consulent in de tijdlijn."))
        return redirect("referrals:detail", referral_id=referral.pk)
    return render(request, "referrals/feedback_form.html", {"referral": referral, "form": form})
