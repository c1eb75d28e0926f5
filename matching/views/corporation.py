"""The corporation's pages: the matching table, a shared profile, and (after its own match) the tenant."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from woonkans.accounts.permissions import role_required
from woonkans.parties.models import OrganisationKind

from .. import selectors, services
from ..forms import MessageForm, ResponseForm
from ..models import AgeBand, ShareResponse
from ..permissions import CORPORATION_ROLES
from .regisseur.profiles import _profile_pdf

PAGE_SIZE = 25


@role_required(*CORPORATION_ROLES)
def matching_table(request):
    from referrals.forms import active_municipalities

    status = request.GET.get("reactie") or None
    age_band = request.GET.get("leeftijd") or None
    municipality = request.GET.get("gemeente") or None
    if status not in ShareResponse.values:
        status = None
    if age_band not in AgeBand.values:
        age_band = None
    if municipality and not municipality.isdigit():
        municipality = None
    # ?responded_at__isnull=true: the shares still awaiting this corporation's answer (the home's count).
    awaiting = request.GET.get("responded_at__isnull") == "true"
    shares = selectors.corporation_table(
        user=request.user, status=status, age_band=age_band, municipality=municipality, awaiting=awaiting
    )
    page = Paginator(shares, PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    context = {
        "page": page,
        "query": query.urlencode(),
        "responses": ShareResponse.choices[1:],
        "age_bands": AgeBand.choices,
        "municipalities": active_municipalities().filter(kind=OrganisationKind.MUNICIPALITY),
        "filters": {"reactie": status or "", "leeftijd": age_band or "", "gemeente": municipality or ""},
    }
    return render(request, "matching/matching_table.html", context)


@role_required(*CORPORATION_ROLES)
def corporation_profile(request, profile_id):
    profile, share, thread = selectors.get_profile_for_corporation(user=request.user, profile_id=profile_id)
    response_form = ResponseForm(request.POST if "reageren" in request.POST else None)
    message_form = MessageForm(request.POST if "bericht" in request.POST else None)
    if request.method == "POST":
        try:
            if "reageren" in request.POST and response_form.is_valid():
                services.respond_to_profile(
                    actor=request.user,
                    share=share,
                    response=response_form.cleaned_data["response"],
                    offer=response_form.offer(),
                )
                messages.success(request, _("Je reactie is doorgegeven aan de regisseur."))
                return redirect("matching:corporation_profile", profile_id=profile.pk)
            if "bericht" in request.POST and message_form.is_valid():
                services.post_message(
                    actor=request.user,
                    profile=profile,
                    corporation=request.user.organisation,
                    text=message_form.cleaned_data["text"],
                )
                return redirect("matching:corporation_profile", profile_id=profile.pk)
        except ValidationError as error:
            response_form.add_error(None, error)
    context = {
        "profile": profile,
        "share": share,
        "thread": thread,
        "response_form": response_form,
        "message_form": message_form,
        "sections": profile.sections(),
    }
    return render(request, "matching/corporation_profile.html", context)


@role_required(*CORPORATION_ROLES)
def corporation_profile_pdf(request, profile_id):
    profile, _share, _thread = selectors.get_profile_for_corporation(user=request.user, profile_id=profile_id)
    return _profile_pdf(request, profile)


@role_required(*CORPORATION_ROLES)
def tenant(request, profile_id):
    match, referral = selectors.get_tenant(user=request.user, profile_id=profile_id)
    return render(
        request, "matching/tenant.html", {"match": match, "referral": referral, "identity": referral.identity}
    )
