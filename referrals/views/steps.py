"""The research wizard's steps: each saves to the server on its own, and keeps invalid input as a draft."""

import json

from django.utils.translation import gettext_lazy as _

from .. import services
from ..forms import ConsentForm, DomainsForm, HousingForm, IdentityForm, SupportForm
from ..models import FormDraft, Research


class Step:
    def __init__(self, slug, title, form_class=None, template="referrals/step_form.html"):
        self.slug, self.title, self.form_class, self.template = slug, title, form_class, template

    def instance(self, referral):
        return None

    def save(self, *, actor, referral, form):
        raise NotImplementedError


class IdentityStep(Step):
    def instance(self, referral):
        return getattr(referral, "identity", None)

    def initial(self, referral):
        identity = self.instance(referral)
        return {"bsn": identity.bsn} if identity else {}

    def save(self, *, actor, referral, form):
        return services.save_identity(actor=actor, referral=referral, data=dict(form.cleaned_data))


class ResearchStep(Step):
    def instance(self, referral):
        return Research.objects.filter(referral=referral).first()

    def initial(self, referral):
        return {}

    def save(self, *, actor, referral, form):
        services.save_research(actor=actor, referral=referral, data=dict(form.cleaned_data), step=self.slug)
        return []


class ConsentStep(Step):
    def instance(self, referral):
        return getattr(referral, "consent", None)

    def initial(self, referral):
        return {}

    def save(self, *, actor, referral, form):
        services.record_consent(actor=actor, referral=referral, **form.cleaned_data)
        return []


STEPS = [
    IdentityStep("persoon", _("Persoon"), IdentityForm),
    ResearchStep("leefgebieden", _("Leefgebieden"), DomainsForm),
    ResearchStep("ondersteuning", _("Ondersteuning en doelgroep"), SupportForm),
    ResearchStep("wonen", _("Wonen"), HousingForm),
    Step("documenten", _("Documenten"), template="referrals/step_documents.html"),
    ConsentStep("toestemming", _("Toestemming"), ConsentForm),
    Step("controle", _("Controleren en aanmelden"), template="referrals/step_summary.html"),
]
STEP_BY_SLUG = {step.slug: step for step in STEPS}


def next_step(step):
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def build_form(step, referral, data=None):
    if step.form_class is None:
        return None
    kwargs = {"instance": step.instance(referral), "initial": step.initial(referral)}
    if data is not None:
        return step.form_class(data, **kwargs)
    draft = FormDraft.objects.filter(referral=referral, step=step.slug).first()
    if draft is not None:
        # Show what was typed last time, with its problems, rather than the saved version.
        from django.http import QueryDict

        restored = QueryDict(mutable=True)
        for key, values in json.loads(draft.data).items():
            restored.setlist(key, values)
        form = step.form_class(restored, **kwargs)
        form.restored_from_draft = draft.saved_at
        return form
    return step.form_class(**kwargs)
