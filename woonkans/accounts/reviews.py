"""Access reviews and automatic deactivation (DPIA §16; SPEC §6).

Twice a year every organisation's administrator checks, user by user, whether
access is still needed. Accounts unused for ACCOUNT_INACTIVITY_DAYS are
deactivated without waiting for a review. Revoking or deactivating ends the
user's sessions at once.
"""

import datetime
from collections import defaultdict

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access
from woonkans.notifications import notify
from woonkans.parties.models import Organisation, OrganisationKind

from .models import AccessReview, AccessReviewItem, ReviewDecision, User
from .roles import Role

# Days an administrator has to finish a review.
REVIEW_PERIOD_DAYS = 30

# What a user could reach: guardian group object-permission tables, counted per group.
REACH_MODELS = {
    "referrals": "referrals.ReferralGroupObjectPermission",
    "profiles": "matching.ProfileGroupObjectPermission",
}


# --- who may review what -------------------------------------------------------


def is_operator_administrator(user):
    return (
        user.is_authenticated
        and user.has_role(Role.ADMINISTRATOR)
        and user.organisation_id is not None
        and user.organisation.kind == OrganisationKind.OPERATOR
    )


def may_review(actor, organisation_id):
    """An administrator reviews their own organisation; the operator's administrators review all."""
    if not actor.is_authenticated or not actor.is_active or not actor.has_role(Role.ADMINISTRATOR):
        return False
    return actor.organisation_id == organisation_id or is_operator_administrator(actor)


def reviews_visible_to(user):
    reviews = AccessReview.objects.select_related("organisation", "closed_by")
    if is_operator_administrator(user):
        return reviews
    if not user.has_role(Role.ADMINISTRATOR) or user.organisation_id is None:
        return reviews.none()
    return reviews.filter(organisation_id=user.organisation_id)


def with_progress(reviews):
    return reviews.annotate(
        item_count=Count("items", distinct=True),
        pending_count=Count("items", filter=Q(items__decision=ReviewDecision.PENDING), distinct=True),
    )


# --- reach -----------------------------------------------------------------------


def reach_counts(users):
    """{user pk: {"referrals": n, "profiles": n}} from the object permissions of the users' groups."""
    memberships = defaultdict(set)
    for user_id, group_id in User.groups.through.objects.filter(user__in=users).values_list("user_id", "group_id"):
        memberships[user_id].add(group_id)
    group_ids = set().union(*memberships.values()) if memberships else set()
    per_group = {}
    for key, label in REACH_MODELS.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        rows = model.objects.filter(group_id__in=group_ids).values("group_id").annotate(n=Count("pk"))
        per_group[key] = {row["group_id"]: row["n"] for row in rows}
    return {
        user.pk: {key: sum(counts.get(g, 0) for g in memberships[user.pk]) for key, counts in per_group.items()}
        for user in users
    }


# --- sessions --------------------------------------------------------------------


def _end_sessions(user_pks):
    wanted = {str(pk) for pk in user_pks}
    if not wanted:
        return 0
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) in wanted
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)


def end_sessions(user):
    """Log the user out everywhere: delete every database session that belongs to them."""
    return _end_sessions([user.pk])


# --- the review cycle ------------------------------------------------------------


@transaction.atomic
def open_reviews(*, today=None):
    """Open a review for every active organisation with active users, unless one is still open."""
    today = today or timezone.localdate()
    organisations = (
        Organisation.objects.active()
        .filter(users__is_active=True)
        .exclude(pk__in=AccessReview.objects.filter(closed_at__isnull=True).values("organisation_id"))
        .distinct()
    )
    opened = []
    for organisation in organisations:
        users = list(
            User.objects.filter(organisation=organisation, is_active=True).prefetch_related("role_assignments")
        )
        review = AccessReview.objects.create(
            organisation=organisation, due_on=today + datetime.timedelta(days=REVIEW_PERIOD_DAYS)
        )
        reach = reach_counts(users)
        AccessReviewItem.objects.bulk_create(
            AccessReviewItem(
                review=review,
                user=user,
                roles=",".join(user.role_codes),
                last_login=user.last_login,
                reach=reach[user.pk],
            )
            for user in users
        )
        notify(
            organisations=[organisation],
            roles=[Role.ADMINISTRATOR],
            subject=_("Toegangscontrole klaargezet"),
            intro=_("Er staat een toegangscontrole voor je organisatie klaar. Bevestig of trek de toegang in."),
            path=reverse("access_review", kwargs={"review_id": review.pk}),
        )
        opened.append(review)
    return opened


def _check_may_review(actor, organisation_id):
    if not may_review(actor, organisation_id):
        raise PermissionDenied


def _revoke(user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    for assignment in list(user.role_assignments.all()):
        assignment.delete()  # one by one: signals sync the groups, auditlog records each
    end_sessions(user)


@transaction.atomic
def decide(*, actor, item, confirm):
    """Confirm the reviewed user's access, or revoke it: deactivate, drop roles, end sessions."""
    item = AccessReviewItem.objects.select_for_update().select_related("review", "user").get(pk=item.pk)
    _check_may_review(actor, item.user.organisation_id)
    if not item.review.is_open:
        raise ValidationError(_("Deze toegangscontrole is al afgesloten."))
    if item.decision != ReviewDecision.PENDING:
        raise ValidationError(_("Over deze gebruiker is al besloten."))
    if not confirm and item.user_id == actor.pk:
        raise ValidationError(_("Je kunt je eigen toegang niet intrekken. Vraag een andere beheerder."))
    if not confirm:
        # The same rules as every other change of a user's roles or active state.
        from .user_services import check_user_change

        check_user_change(
            actor=actor, user=item.user, changed=["is_active", "roles"], organisation_id=item.user.organisation_id
        )
        _revoke(item.user)
    item.decision = ReviewDecision.CONFIRMED if confirm else ReviewDecision.REVOKED
    item.decided_by = actor
    item.decided_at = timezone.now()
    item.save(update_fields=["decision", "decided_by", "decided_at"])
    log_access(user=actor, action=AccessAction.UPDATE, obj=item.user, purpose="toegangscontrole")
    return item


@transaction.atomic
def close_review(*, actor, review):
    """Close the review once every user is decided on; records who closed it and when."""
    review = AccessReview.objects.select_for_update().get(pk=review.pk)
    _check_may_review(actor, review.organisation_id)
    if not review.is_open:
        raise ValidationError(_("Deze toegangscontrole is al afgesloten."))
    if review.items.filter(decision=ReviewDecision.PENDING).exists():
        raise ValidationError(_("Beoordeel eerst alle gebruikers; daarna kun je de controle afsluiten."))
    review.closed_at = timezone.now()
    review.closed_by = actor
    review.save(update_fields=["closed_at", "closed_by"])
    return review


# --- inactivity ------------------------------------------------------------------


def inactivity_cutoff(today=None):
    """The start of the day ACCOUNT_INACTIVITY_DAYS before today: last use before it is too long ago."""
    today = today or timezone.localdate()
    day = today - datetime.timedelta(days=settings.ACCOUNT_INACTIVITY_DAYS)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@transaction.atomic
def deactivate_inactive(*, today=None):
    """Deactivate active accounts unused for too long (superusers excepted) and end their sessions."""
    cutoff = inactivity_cutoff(today)
    users = list(
        User.objects.select_for_update()
        .filter(is_active=True, is_superuser=False)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
    )
    for user in users:
        user.is_active = False
        user.save(update_fields=["is_active"])
    _end_sessions([user.pk for user in users])
    return len(users)
