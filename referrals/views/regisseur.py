from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from woonkans.accounts.permissions import role_required

from .. import selectors, services
from ..forms import FeedbackForm
from ..permissions import REGISSEUR_ROLES

PAGE_SIZE = 25


@role_required(*REGISSEUR_ROLES)
def inbox(request):
    page = Paginator(selectors.regisseur_inbox(user=request.user), PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "referrals/inbox.html", {"page": page, "query": ""})


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
