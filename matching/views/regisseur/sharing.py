"""Sharing the profile with corporations and the message thread per corporation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from woonkans import confirm
from woonkans.accounts.permissions import role_required
from woonkans.privacy.disclosure.policy import Relation, Stage

from ... import selectors, services
from ...forms import MessageForm, ShareForm
from ...permissions import REGISSEUR_ROLES
from .profiles import _findings_view, _to_profile


@role_required(*REGISSEUR_ROLES)
def profile_share(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id, purpose="delen")
    corporations = services.eligible_corporations(profile)
    form = ShareForm(request.POST or None, corporations=corporations)
    step = confirm.step(request) if request.method == "POST" and form.is_valid() else None
    if step in (confirm.ASK, confirm.CONFIRMED):
        chosen = list(form.cleaned_data["corporations"])
        try:
            if step is confirm.ASK:
                confirm.rehearse(
                    lambda: services.share_profile(actor=request.user, profile=profile, corporations=chosen)
                )
                return confirm.ask(request, _share_confirmation(profile, chosen))
            services.share_profile(actor=request.user, profile=profile, corporations=chosen)
        except services.IdentifyingDataFound as error:
            messages.error(request, " ".join(error.messages))
            return redirect("matching:profile_edit", profile_id=profile.pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Het profiel staat in de matchingstabel van de gekozen corporaties."))
            return _to_profile(profile)
    _sections, finding_count = _findings_view(profile)
    return render(
        request, "matching/profile_share.html", {"profile": profile, "form": form, "finding_count": finding_count}
    )


def _share_confirmation(profile, corporations):
    seen = confirm.sees(Stage.SHARED, Relation.SHARED_CORPORATION)
    return confirm.Confirmation(
        title=_("Profiel delen met corporaties"),
        action=_("Het profiel %(code)s wordt gedeeld met %(count)d corporatie(s).")
        % {"code": profile.code, "count": len(corporations)},
        facts=[(_("Profiel"), profile.code), (_("Regio"), profile.region.name)],
        recipients=[(corporation.name, seen) for corporation in corporations],
        button=_("Delen"),
        consequence=_("Een gedeeld profiel kan niet worden teruggehaald: de corporaties hebben het dan gezien."),
    )


@role_required(*REGISSEUR_ROLES)
@require_POST
def message_post(request, profile_id, corporation_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id)
    share = profile.shares.filter(corporation_id=corporation_id).select_related("corporation").first()
    if share is None:
        raise Http404
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.post_message(
                actor=request.user, profile=profile, corporation=share.corporation, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            # The thread closed with the share (placed elsewhere, stopped, ended): say so, change nothing.
            messages.error(request, " ".join(error.messages))
    return _to_profile(profile)
