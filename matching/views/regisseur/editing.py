"""Writing the profile: the edit form with its scan for identifying data, and overriding a finding."""

import difflib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from woonkans.accounts.permissions import role_required

from ... import selectors, services
from ...forms import OverrideForm, PgbExceptionForm, ProfileForm
from ...models.profile import SECTIONS
from ...permissions import REGISSEUR_ROLES, is_chair_of
from .profiles import _findings_view


@role_required(*REGISSEUR_ROLES)
def profile_edit(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id, purpose="profiel")
    is_chair = is_chair_of(request.user, profile.region)
    exception_form = PgbExceptionForm(request.POST if "uitzondering" in request.POST else None)
    if exception_form.is_bound and not is_chair:
        # The exception is the chair's alone (SOK art. 9.2b); others are refused as the handover refuses them.
        raise Http404
    if exception_form.is_bound:
        if exception_form.is_valid():
            try:
                services.grant_pgb_exception(
                    actor=request.user, profile=profile, reason=exception_form.cleaned_data["reason"]
                )
            except ValidationError as error:
                exception_form.add_error(None, error)
            else:
                messages.success(request, _("De uitzondering voor deze zorgaanbieder is vastgelegd."))
                return redirect("matching:profile", profile_id=profile.pk)
        form = ProfileForm(instance=profile)
    else:
        form = ProfileForm(request.POST or None, instance=profile)
    conflict = None
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "version"}
        try:
            saved = services.update_profile(
                actor=request.user, profile=profile, expected_version=form.cleaned_data["version"], data=data
            )
        except services.ConcurrentEdit as error:
            conflict = _diff(error.current, form.cleaned_data)
            form.add_error(
                None,
                _(
                    "Iemand anders heeft dit profiel opgeslagen nadat je het opende. Jouw tekst is niet opgeslagen "
                    "en staat nog in het formulier; vergelijk hieronder en sla opnieuw op."
                ),
            )
            form.data = form.data.copy()
            form.data["version"] = error.current.version
        except services.IdentifyingDataFound as error:
            form.add_error(None, error)
            # Show the findings of the text as typed, which was not saved.
            for field, value in data.items():
                setattr(profile, field, value)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            remaining = services.profiles.open_finding_count(saved)
            if remaining:
                # Saved, but not ready to share: a green "opgeslagen" would hide that.
                messages.warning(
                    request,
                    ngettext(
                        "Het profiel is opgeslagen, maar er staat nog %(count)d mogelijk identificerend gegeven in. "
                        "Pas de gemarkeerde tekst aan of leg uit waarom het geen identificerend gegeven is; "
                        "delen kan pas als er geen meldingen meer open staan.",
                        "Het profiel is opgeslagen, maar er staan nog %(count)d mogelijk identificerende gegevens in. "
                        "Pas de gemarkeerde tekst aan of leg uit waarom het geen identificerend gegeven is; "
                        "delen kan pas als er geen meldingen meer open staan.",
                        remaining,
                    )
                    % {"count": remaining},
                )
            else:
                messages.success(request, _("Het profiel is opgeslagen."))
            return redirect("matching:profile_edit", profile_id=profile.pk)
    sections, finding_count = _findings_view(profile)
    context = {
        "profile": profile,
        "form": form,
        "sections": sections,
        "finding_count": finding_count,
        "conflict": conflict,
        "override_form": OverrideForm(),
        "exception_form": exception_form,
        "is_chair": is_chair,
    }
    return render(request, "matching/profile_edit.html", context)


def _diff(current, mine):
    changes = []
    for field, label in SECTIONS:
        theirs, yours = getattr(current, field), mine.get(field, "")
        if theirs != yours:
            lines = difflib.unified_diff(
                theirs.splitlines(), yours.splitlines(), _("opgeslagen versie"), _("jouw versie"), lineterm=""
            )
            changes.append({"label": label, "diff": "\n".join(lines)})
    return changes


@role_required(*REGISSEUR_ROLES)
@require_POST
def finding_override(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id)
    form = OverrideForm(request.POST)
    if form.is_valid():
        services.override_finding(
            actor=request.user,
            profile=profile,
            finding_fingerprint=form.cleaned_data["fingerprint"],
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("De melding is genegeerd; de reden is vastgelegd."))
    else:
        messages.error(request, _("Geef een reden om de melding te negeren."))
    return redirect("matching:profile_edit", profile_id=profile.pk)
