"""Reads for the privacy officer: only the own municipality's cases and requests, every read logged."""

from django.db.models import Case, Count, IntegerField, Min, Q, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from referrals import permissions as referral_permissions
from referrals.models import Identity, Referral
from referrals.services import BSN_INDEX_PURPOSE
from woonkans import worklist
from woonkans.audit.models import AccessAction, AccessOutcome
from woonkans.audit.services import log_access
from woonkans.privacy import crypto
from woonkans.privacy.bsn import normalise_bsn

from .models import SubjectRequest
from .services import OFFICER_ROLES, is_officer_for
from .workflow import PENDING, RequestStatus

OBJECT_TYPE = "subject_rights.subjectrequest"
PURPOSE = "rechten van betrokkene (AVG)"


def _officer_requests(user):
    if not user.is_authenticated or not user.has_role(*OFFICER_ROLES) or user.organisation_id is None:
        return SubjectRequest.objects.none()
    return SubjectRequest.objects.filter(municipality_id=user.organisation_id)


def requests_for_officer(*, user, show="pending", status=None):
    """The municipality's requests, pending first and by deadline; overdue ones flagged by the template.
    ``status`` narrows it to one status (the home's count of open requests links so)."""
    requests = _officer_requests(user).select_related("referral")
    if status:
        requests = requests.filter(status=status)
    elif show == "pending":
        requests = requests.filter(status__in=PENDING)
    elif show == "finished":
        requests = requests.exclude(status__in=PENDING)
    log_access(user=user, action=AccessAction.SEARCH, object_type=OBJECT_TYPE, purpose=PURPOSE)
    return requests.annotate(
        pending_first=Case(When(status__in=PENDING, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("pending_first", "due_on", "registered_at")


def overdue_count(*, user):
    return _officer_requests(user).overdue(timezone.localdate()).count()


def worklist_counts(user):
    """'Mijn werkvoorraad': the open requests, the earliest deadline and how many are past it (one query)."""
    if not user.has_role(*OFFICER_ROLES) or user.organisation_id is None:
        return []
    today = timezone.localdate()
    late = Q(extended_to__isnull=True, due_on__lt=today) | Q(extended_to__lt=today)
    found = (
        _officer_requests(user)
        .filter(status=RequestStatus.OPEN)
        .aggregate(n=Count("pk"), due=Min(Coalesce("extended_to", "due_on")), late=Count("pk", filter=late))
    )
    return [
        worklist.WorkCount(
            role=worklist.role_of(user, OFFICER_ROLES),
            key="subject_rights.open",
            label=gettext("Verzoeken van inwoners om te beantwoorden"),
            count=found["n"],
            url=f"{reverse('subject_rights:list')}?status={RequestStatus.OPEN}",
            due=found["due"],
            overdue=found["late"],
            order=10,
        )
    ]


def get_request(*, user, request_id, purpose=PURPOSE):
    request = (
        _officer_requests(user)
        .select_related("referral__municipality", "referral__region", "registered_by", "decided_by")
        .prefetch_related("rectifications")
        .filter(pk=request_id)
        .first()
    )
    if request is None or not is_officer_for(user, request.referral):
        log_access(
            user=user,
            action=AccessAction.READ,
            object_type=OBJECT_TYPE,
            object_id=str(request_id),
            outcome=AccessOutcome.DENIED,
            purpose=purpose,
        )
        raise Http404
    log_access(user=user, action=AccessAction.READ, obj=request, subject=str(request.referral_id), purpose=purpose)
    return request


def find_cases(*, user, reference="", bsn=""):
    """The officer's municipality's cases matching a case reference (8 characters) or a BSN; logged as a search.

    Searching is by POST only, so neither ever lands in a URL or a server log.
    """
    cases = referral_permissions.visible_referrals(
        user, Referral.objects.select_related("identity", "municipality"), OFFICER_ROLES
    )
    reference = reference.strip().lower()
    if reference.startswith("wk-"):
        cases = cases.filter(number=reference.upper())
    elif reference:
        # An older reference: the first 8 hex digits of the case id, a range on the id finds it with the index.
        cases = cases.filter(
            id__gte=f"{reference}-0000-0000-0000-000000000000", id__lte=f"{reference}-ffff-ffff-ffff-ffffffffffff"
        )
    if bsn:
        index = crypto.blind_index(normalise_bsn(bsn), purpose=BSN_INDEX_PURPOSE)
        cases = cases.filter(pk__in=Identity.objects.filter(bsn_index=index).values("referral_id"))
    log_access(user=user, action=AccessAction.SEARCH, object_type="referrals.referral", purpose=PURPOSE)
    return list(cases.order_by("-created_at")[:20])


def get_case_for_officer(*, user, referral_id):
    referral = Referral.objects.select_related("identity", "municipality").filter(pk=referral_id).first()
    if referral is None or not is_officer_for(user, referral):
        log_access(
            user=user,
            action=AccessAction.READ,
            object_type="referrals.referral",
            object_id=str(referral_id),
            outcome=AccessOutcome.DENIED,
            purpose=PURPOSE,
        )
        raise Http404
    log_access(user=user, action=AccessAction.READ, obj=referral, subject=str(referral.pk), purpose=PURPOSE)
    return referral


__all__ = ["RequestStatus"]
