"""The Wmo-consultant's pages: the municipality's list, the research wizard, submission and withdrawal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from woonkans import confirm
from woonkans.accounts.permissions import role_required
from woonkans.lists import list_page
from woonkans.privacy.disclosure.policy import Relation, Stage

from .. import eligibility, filters, selectors, services
from ..forms import DocumentForm, ExceptionRequestForm, ReasonForm
from ..permissions import CONSULTANT_ROLES
from ..workflow import EDITABLE, Transition, TransitionNotAllowed, allowed
from .shared import name_search
from .steps import STEP_BY_SLUG, STEPS, build_form, next_step


@role_required(*CONSULTANT_ROLES)
@require_http_methods(["GET", "POST"])
def referral_list(request):
    referrals = selectors.municipality_referrals(user=request.user)
    name_form, referrals = name_search(request, referrals)
    page = list_page(
        request,
        referrals,
        filterset_class=filters.ReferralFilter,
        sorts=filters.MUNICIPALITY_LIST_SORTS,
        default_sort="-created_at",
    )
    labels = selectors.route_labels(page.rows)
    for referral in page.rows:
        referral.route_label = labels[referral.pk]
    return render(request, "referrals/list.html", {"page": page, "name_form": name_form})


@role_required(*CONSULTANT_ROLES)
@require_POST
def referral_start(request):
    referral = services.start_referral(actor=request.user)
    return redirect("referrals:step", referral_id=referral.pk, step="persoon")


@role_required(*CONSULTANT_ROLES)
@require_POST
def research_start(request, referral_id):
    referral = selectors.get_case_for_editing(user=request.user, referral_id=referral_id)
    try:
        services.start_research(actor=request.user, referral=referral)
    except TransitionNotAllowed:
        messages.error(request, _("Het onderzoek voor deze melding is al gestart."))
    return redirect("referrals:step", referral_id=referral.pk, step="persoon")


def _step_context(referral, step, **extra):
    return {"referral": referral, "step": step, "steps": STEPS, "editable": referral.status in EDITABLE, **extra}


@role_required(*CONSULTANT_ROLES)
def research_step(request, referral_id, step):
    referral = selectors.get_case_for_editing(user=request.user, referral_id=referral_id)
    current = STEP_BY_SLUG.get(step)
    if current is None:
        raise Http404
    if current.slug == "documenten":
        return _documents_step(request, referral, current)
    if current.slug == "controle":
        return _summary_step(request, referral, current)
    if request.method == "POST":
        if referral.status not in EDITABLE:
            messages.error(request, _("Deze aanmelding kan niet meer worden gewijzigd."))
            return redirect("referrals:detail", referral_id=referral.pk)
        form = build_form(current, referral, data=request.POST)
        if form.is_valid():
            duplicates = current.save(actor=request.user, referral=referral, form=form)
            for municipality in duplicates:
                messages.warning(
                    request,
                    _("Let op: voor deze inwoner loopt al een aanmelding bij %(municipality)s.")
                    % {"municipality": municipality},
                )
            messages.success(request, _("Opgeslagen."))
            following = next_step(current)
            if "opslaan" in request.POST or following is None or duplicates:
                return redirect("referrals:step", referral_id=referral.pk, step=current.slug)
            return redirect("referrals:step", referral_id=referral.pk, step=following.slug)
        services.save_draft(actor=request.user, referral=referral, step=current.slug, data=request.POST)
    else:
        form = build_form(current, referral)
    return render(request, current.template, _step_context(referral, current, form=form))


@role_required(*CONSULTANT_ROLES)
@require_POST
def autosave(request, referral_id, step):
    """htmx autosave of a step: keeps what was typed on the server, valid or not."""
    referral = selectors.get_case_for_editing(user=request.user, referral_id=referral_id)
    if step not in STEP_BY_SLUG or STEP_BY_SLUG[step].form_class is None:
        raise Http404
    draft = services.save_draft(actor=request.user, referral=referral, step=step, data=request.POST)
    if draft is None:
        # The status line must never keep saying an earlier concept was saved.
        return HttpResponse(_("Niet opgeslagen: deze aanmelding kan niet meer worden gewijzigd."))
    text = _("Concept opgeslagen om %(time)s") % {"time": timezone.localtime(draft.saved_at).strftime("%H:%M")}
    return HttpResponse(text)


def _documents_step(request, referral, current):
    form = DocumentForm()
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.add_document(
                    actor=request.user,
                    referral=referral,
                    kind=form.cleaned_data["kind"],
                    uploaded_file=form.cleaned_data["file"],
                )
            except TransitionNotAllowed as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Het document is toegevoegd."))
                return redirect("referrals:step", referral_id=referral.pk, step=current.slug)
    research = getattr(referral, "research", None)
    context = _step_context(
        referral,
        current,
        form=form,
        documents=referral.documents.all(),
        missing=services.missing_documents(referral, research),
    )
    return render(request, current.template, context)


@role_required(*CONSULTANT_ROLES)
@require_POST
def document_remove(request, referral_id, document_id):
    referral = selectors.get_case_for_editing(user=request.user, referral_id=referral_id)
    document = referral.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    back = reverse("referrals:step", kwargs={"referral_id": referral.pk, "step": "documenten"})
    if confirm.step(request) is not confirm.CONFIRMED:
        return confirm.ask(
            request,
            confirm.Confirmation(
                title=_("Document verwijderen"),
                action=_("Het document wordt uit de aanmelding verwijderd, ook het bestand zelf."),
                facts=[
                    (_("Aanmelding"), referral.short_reference),
                    (_("Soort document"), document.get_kind_display()),
                    (_("Bestand"), document.file_name),
                ],
                button=_("Verwijderen"),
                back_url=back,
                danger=True,
            ),
        )
    try:
        services.remove_document(actor=request.user, document=document)
        messages.success(request, _("Het document is verwijderd."))
    except TransitionNotAllowed as error:
        messages.error(request, str(error))
    return redirect("referrals:step", referral_id=referral.pk, step="documenten")


def _summary_step(request, referral, current):
    referral = selectors.get_case(user=request.user, referral_id=referral.pk, purpose="controle vóór aanmelding")
    identity = getattr(referral, "identity", None)
    research = getattr(referral, "research", None)
    consent = getattr(referral, "consent", None)
    today = timezone.localdate()
    conditions = eligibility.evaluate(referral=referral, identity=identity, research=research, on_date=today)
    problems = services.submission_problems(
        referral, identity=identity, research=research, consent=consent, on_date=today
    )
    context = _step_context(
        referral,
        current,
        identity=identity,
        research=research,
        consent=consent,
        conditions=conditions,
        eligible=not eligibility.failed(conditions) or referral.exception_granted,
        problems=problems,
        can_submit=allowed(Transition.SUBMIT, referral.status) and not problems,
        can_request_exception=allowed(Transition.REQUEST_EXCEPTION, referral.status)
        and bool(eligibility.failed(conditions))
        and not referral.exception_granted,
        # Preamble of the SOK: a case that meets every criterion may still be excluded, by the overleg.
        can_request_exclusion=allowed(Transition.REQUEST_EXCEPTION, referral.status)
        and not eligibility.failed(conditions),
        young_adult=eligibility.is_young_adult(identity, today),
    )
    return render(request, current.template, context)


@role_required(*CONSULTANT_ROLES)
@require_POST
def submit(request, referral_id):
    referral = selectors.get_case_for_editing(user=request.user, referral_id=referral_id)
    confirmed = confirm.step(request) is confirm.CONFIRMED
    try:
        if confirmed:
            services.submit_referral(actor=request.user, referral=referral)
        else:
            # What would refuse the submission is said now, not after "Indienen".
            confirm.rehearse(lambda: services.submit_referral(actor=request.user, referral=referral))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("referrals:step", referral_id=referral.pk, step="controle")
    except TransitionNotAllowed:
        messages.error(request, _("Deze aanmelding kan nu niet worden ingediend."))
        return redirect("referrals:detail", referral_id=referral.pk)
    if not confirmed:
        return confirm.ask(
            request,
            confirm.Confirmation(
                title=_("Aanmelding indienen"),
                action=_("De aanmelding %(code)s gaat naar de regisseurs van de regio %(region)s.")
                % {"code": referral.short_reference, "region": referral.region},
                facts=[(_("Aanmelding"), referral.short_reference), (_("Gemeente"), referral.municipality.name)],
                recipients=[
                    (
                        _("Regisseurs van de regio %(region)s") % {"region": referral.region},
                        confirm.sees(Stage.SUBMITTED, Relation.REGISSEUR),
                    )
                ],
                button=_("Indienen"),
                consequence=_("Na indienen kun je de aanmelding niet meer wijzigen, alleen nog intrekken."),
                back_url=reverse("referrals:step", kwargs={"referral_id": referral.pk, "step": "controle"}),
            ),
        )
    messages.success(request, _("De aanmelding is verstuurd naar de regisseur van de regio."))
    return redirect("referrals:detail", referral_id=referral.pk)


def _reason_action(
    request,
    referral_id,
    *,
    service,
    transition,
    template,
    title,
    intro,
    done,
    form_class=ReasonForm,
    field="reason",
    argument="reason",
    confirm_button=None,
):
    referral = selectors.get_case_for_editing(user=request.user, referral_id=referral_id)
    if not allowed(transition, referral.status):
        messages.error(request, _("Dat kan niet in de huidige status van deze aanmelding."))
        return redirect("referrals:detail", referral_id=referral.pk)
    form = form_class(request.POST or None)
    step = confirm.step(request) if request.method == "POST" and form.is_valid() else None
    if step is confirm.ASK and confirm_button:
        return confirm.ask(
            request,
            confirm.Confirmation(
                title=title,
                action=intro,
                facts=[
                    (_("Aanmelding"), referral.short_reference),
                    (form.fields[field].label, form.cleaned_data[field]),
                ],
                button=confirm_button,
                danger=True,
            ),
        )
    if step is confirm.CONFIRMED or (step is confirm.ASK and not confirm_button):
        try:
            service(actor=request.user, referral=referral, **{argument: form.cleaned_data[field]})
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(request, template, {"referral": referral, "form": form, "title": title, "intro": intro})


@role_required(*CONSULTANT_ROLES)
def withdraw(request, referral_id):
    return _reason_action(
        request,
        referral_id,
        service=services.withdraw_referral,
        transition=Transition.WITHDRAW,
        template="referrals/reason_form.html",
        title=_("Aanmelding intrekken"),
        intro=_("De aanmelding stopt. De regisseur verliest de toegang. Geef aan waarom."),
        done=_("De aanmelding is ingetrokken."),
        confirm_button=_("Aanmelding intrekken"),
    )


@role_required(*CONSULTANT_ROLES)
def consent_withdraw(request, referral_id):
    return _reason_action(
        request,
        referral_id,
        service=services.withdraw_consent,
        transition=Transition.WITHDRAW_CONSENT,
        template="referrals/reason_form.html",
        title=_("Toestemming ingetrokken"),
        intro=_(
            "De inwoner trekt de toestemming in. De aanmelding stopt, alle gedeelde toegang wordt ingetrokken en "
            "de regisseur krijgt bericht."
        ),
        done=_("De toestemming is ingetrokken en de aanmelding is gestopt."),
        confirm_button=_("Toestemming intrekken en stoppen"),
    )


@role_required(*CONSULTANT_ROLES)
def exception_request(request, referral_id):
    return _reason_action(
        request,
        referral_id,
        service=services.request_exception,
        transition=Transition.REQUEST_EXCEPTION,
        template="referrals/reason_form.html",
        title=_("Uitzondering of uitsluiting aanvragen"),
        intro=_(
            "Voldoet de inwoner niet aan alle doelgroepcriteria, dan kan het Woonkans-overleg van de regio met "
            "meerderheid van de aanwezigen een uitzondering maken. Voldoet de inwoner wel aan alle criteria maar "
            "is Woonkans toch niet passend, dan vraag je een incidentele uitsluiting aan: geef de reden. Het "
            "overleg ziet je motivering zonder naam of andere persoonsgegevens."
        ),
        done=_("Het uitzonderingsverzoek staat klaar voor het Woonkans-overleg."),
        form_class=ExceptionRequestForm,
        field="motivation",
        argument="motivation",
    )
