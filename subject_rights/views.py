"""The privacy officer's pages: the request list, registering, handling and the art. 15 overview."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from referrals.models import Identity, Research
from woonkans import confirm
from woonkans.accounts.permissions import role_required
from woonkans.lists import list_page
from woonkans.pdf import pdf_response, render_pdf

from . import filters, forms, selectors, services
from .export import as_json, build_overview, case_access_history
from .workflow import RequestKind, RequestStatus

OFFICER = services.OFFICER_ROLES
SHOW_CHOICES = {"open": "pending", "afgehandeld": "finished", "alle": "all"}


def _errors(error):
    return error.messages if isinstance(error, ValidationError) else [str(error)]


@role_required(*OFFICER)
def request_list(request):
    show = request.GET.get("toon", "open")
    requests = selectors.requests_for_officer(user=request.user, show=SHOW_CHOICES.get(show, "pending"))
    page = list_page(
        request, requests, filterset_class=filters.RequestFilter, sorts=filters.REQUEST_SORTS, default_sort="due_on"
    )
    return render(
        request,
        "subject_rights/request_list.html",
        {
            "page": page,
            "show": show if show in SHOW_CHOICES else "open",
            "today": timezone.localdate(),
            "overdue": selectors.overdue_count(user=request.user),
        },
    )


@role_required(*OFFICER)
def find_case(request):
    """Search by POST only: a BSN or case number never appears in a URL."""
    form = forms.CaseSearchForm(request.POST or None)
    cases = None
    if request.method == "POST" and form.is_valid():
        cases = selectors.find_cases(
            user=request.user, reference=form.cleaned_data["reference"], bsn=form.cleaned_data["bsn"]
        )
    return render(request, "subject_rights/find_case.html", {"form": form, "cases": cases})


@role_required(*OFFICER)
def register(request, referral_id):
    referral = selectors.get_case_for_officer(user=request.user, referral_id=referral_id)
    form = forms.RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.register_request(actor=request.user, referral=referral, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Het verzoek is geregistreerd. Uiterlijk beantwoorden op %(date)s.")
                % {"date": created.due_on.strftime("%d-%m-%Y")},
            )
            return redirect("subject_rights:detail", request_id=created.pk)
    identity = Identity.objects.filter(referral=referral).first()
    return render(request, "subject_rights/register.html", {"form": form, "referral": referral, "identity": identity})


# The handling actions on the detail page: (form, service call). Each posts to its own URL.
def _decide(user, subject_request, data):
    return services.decide_request(
        actor=user,
        request=subject_request,
        granted=data["outcome"] == "granted",
        reason=data["reason"],
        informed_on=data["informed_on"],
    )


ACTIONS = {
    "besluiten": (forms.DecideForm, _decide, _("Het besluit is vastgelegd.")),
    "verlengen": (
        forms.ExtendForm,
        lambda user, req, data: services.extend_deadline(actor=user, request=req, reason=data["reason"]),
        _("De termijn is met twee maanden verlengd."),
    ),
    "beperken": (
        forms.RestrictForm,
        lambda user, req, data: services.restrict_processing(actor=user, request=req, informed_on=data["informed_on"]),
        _("De verwerking is beperkt: de zaak is bevroren en niet meer zichtbaar voor corporaties en zorgaanbieders."),
    ),
    "opheffing-aankondigen": (
        forms.AnnounceLiftForm,
        lambda user, req, data: services.announce_lift(actor=user, request=req, announced_on=data["announced_on"]),
        _("Vastgelegd dat de inwoner over de opheffing is geïnformeerd."),
    ),
    "opheffen": (
        forms.LiftForm,
        lambda user, req, data: services.lift_restriction(actor=user, request=req, reason=data["reason"]),
        _("De beperking is opgeheven."),
    ),
    "wissen": (
        forms.EraseForm,
        lambda user, req, data: services.erase(
            actor=user, request=req, ground=data["ground"], reason=data["reason"], informed_on=data["informed_on"]
        ),
        _("De persoonsgegevens van deze zaak zijn gewist."),
    ),
}


def _erase_confirmation(subject_request, form):
    data = form.cleaned_data
    return confirm.Confirmation(
        title=_("Persoonsgegevens wissen"),
        action=_(
            "De persoonsgegevens van aanmelding %(code)s en de bestanden worden definitief verwijderd (AVG art. 17)."
        )
        % {"code": subject_request.referral.short_reference},
        facts=[
            (_("Grond"), dict(form.fields["ground"].choices)[data["ground"]]),
            (_("Motivering"), data["reason"]),
            (_("Inwoner geïnformeerd op"), data["informed_on"].strftime("%d-%m-%Y")),
        ],
        button=_("Definitief wissen"),
        danger=True,
    )


# Handling actions that cannot be undone: asked once more on the confirmation page (woonkans/confirm.py).
CONFIRMED_ACTIONS = {"wissen": _erase_confirmation}


def _available(subject_request):
    """The handling actions this request allows now (the page shows only these)."""
    status = subject_request.status
    kind = subject_request.kind
    available = set()
    if status == RequestStatus.OPEN:
        available.add("besluiten")
        if subject_request.extended_to is None:
            available.add("verlengen")
        if kind == RequestKind.RESTRICTION:
            available.add("beperken")
        if kind == RequestKind.ERASURE:
            available.add("wissen")
    if status == RequestStatus.IN_EFFECT:
        available.add("opheffen" if subject_request.lift_announced_on else "opheffing-aankondigen")
    return available


def _detail_context(subject_request, bound=None):
    forms_by_action = {name: form_class(prefix=name) for name, (form_class, _call, _message) in ACTIONS.items()}
    if bound is not None:
        forms_by_action[bound[0]] = bound[1]
    available = _available(subject_request)
    blockers = []
    if "wissen" in available:
        ground = bound[1].data.get("wissen-ground") if bound and bound[0] == "wissen" else None
        blockers = services.erasure_blockers(subject_request, ground or services.ErasureGround.UNLAWFUL)
    return {
        "req": subject_request,
        "referral": subject_request.referral,
        # Template variables cannot hold a hyphen: "opheffing-aankondigen" becomes opheffing_aankondigen.
        "forms": {name.replace("-", "_"): form for name, form in forms_by_action.items()},
        "available": available,
        "today": timezone.localdate(),
        "blockers": blockers,
        "exported": services.exported(subject_request),
    }


@role_required(*OFFICER)
def detail(request, request_id):
    subject_request = selectors.get_request(user=request.user, request_id=request_id)
    return render(request, "subject_rights/request_detail.html", _detail_context(subject_request))


@role_required(*OFFICER)
@require_POST
def act(request, request_id, action):
    if action not in ACTIONS:
        raise Http404
    subject_request = selectors.get_request(user=request.user, request_id=request_id)
    if action not in _available(subject_request):
        # A second tab or a double click: the request moved on since the page was opened.
        messages.error(request, _("Deze handeling kan bij dit verzoek nu niet meer."))
        return redirect("subject_rights:detail", request_id=subject_request.pk)
    form_class, call, success = ACTIONS[action]
    form = form_class(request.POST, prefix=action)
    step = confirm.step(request) if action in CONFIRMED_ACTIONS else confirm.CONFIRMED
    if step is not confirm.BACK and form.is_valid():
        try:
            if step is confirm.ASK:
                confirm.rehearse(lambda: call(request.user, subject_request, form.cleaned_data))
                return confirm.ask(request, CONFIRMED_ACTIONS[action](subject_request, form))
            call(request.user, subject_request, form.cleaned_data)
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            messages.success(request, success)
            return redirect("subject_rights:detail", request_id=subject_request.pk)
    # Invalid: the same page with the errors next to the fields and everything typed kept.
    subject_request.refresh_from_db()
    context = _detail_context(subject_request, bound=(action, form))
    return render(request, "subject_rights/request_detail.html", context, status=200)


@role_required(*OFFICER)
def rectify(request, request_id):
    subject_request = selectors.get_request(user=request.user, request_id=request_id)
    if subject_request.kind != RequestKind.RECTIFICATION or subject_request.status != RequestStatus.OPEN:
        raise Http404
    referral = subject_request.referral
    identity = Identity.objects.filter(referral=referral).first()
    research = Research.objects.filter(referral=referral).first()
    data = request.POST if request.method == "POST" else None
    identity_form = forms.IdentityCorrectionForm(data, instance=identity)
    research_form = forms.ResearchCorrectionForm(data, instance=research)
    reason_form = forms.RectificationReasonForm(data)
    if data is not None and all(form.is_valid() for form in (identity_form, research_form, reason_form)):
        try:
            services.rectify(
                actor=request.user,
                request=subject_request,
                identity_changes={name: identity_form.cleaned_data[name] for name in identity_form.changed_data},
                research_changes={name: research_form.cleaned_data[name] for name in research_form.changed_data},
                reason=reason_form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for message in _errors(error):
                reason_form.add_error(None, message)
        else:
            messages.success(
                request, _("De correctie is vastgelegd en gemeld aan de organisaties die de gegevens hebben.")
            )
            return redirect("subject_rights:detail", request_id=subject_request.pk)
    return render(
        request,
        "subject_rights/rectify.html",
        {
            "req": subject_request,
            "identity_form": identity_form,
            "research_form": research_form,
            "reason_form": reason_form,
        },
    )


def _access_request(user, request_id):
    """An access request (art. 15) the officer handles; the read is logged as the overview's."""
    subject_request = selectors.get_request(user=user, request_id=request_id, purpose="inzageoverzicht")
    if subject_request.kind != RequestKind.ACCESS:
        raise Http404
    return subject_request


@role_required(*OFFICER)
def access_history(request, request_id):
    """The overview's access history as a page: who looked, per day, organisation and role, in plain Dutch."""
    subject_request = _access_request(request.user, request_id)
    groups = case_access_history(subject_request.referral_id)
    services.record_export(actor=request.user, request=subject_request, file_format="html")
    return render(
        request,
        "subject_rights/access_history.html",
        {"req": subject_request, "groups": groups, "total": sum(group["count"] for group in groups)},
    )


@role_required(*OFFICER)
def export(request, request_id, file_format):
    subject_request = _access_request(request.user, request_id)
    if file_format not in ("pdf", "json"):
        raise Http404
    overview = build_overview(subject_request.referral_id)
    services.record_export(actor=request.user, request=subject_request, file_format=file_format)
    filename = f"inzage-{overview['reference']}"
    if file_format == "json":
        response = HttpResponse(
            json.dumps(overview, default=as_json, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        response["Cache-Control"] = "no-store"
        return response
    pdf = render_pdf(
        "pdf/subject_access.html",
        {"overview": overview, "req": subject_request},
        title=_("Overzicht van uw gegevens bij Woonkans"),
    )
    return pdf_response(pdf, filename=f"{filename}.pdf")
