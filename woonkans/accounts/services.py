"""Writes about users: memberships follow organisation and roles; logging acceptance."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import LoggingAcceptance, RoleAssignment, User
from .roles import Role, role_group_name

# What a functional administrator may manage: parties and accounts, never case data.
# Models listed without actions get all four; a lost phone is handled by
# deleting the device (never by reading its secret), a lockout by deleting the attempt.
ADMINISTRATOR_PERMISSIONS = {
    ("parties", "region"): ("view", "change"),
    ("parties", "organisation"): ("view", "add", "change"),
    ("parties", "housingstock"): ("view", "add", "change", "delete"),
    ("parties", "distributionkeyshare"): ("view", "add", "change"),
    # The agreement's term (SOK Art. 12), changed only when the parties change the agreement.
    ("parties", "agreementterm"): ("view", "change"),
    ("accounts", "user"): ("view", "add", "change"),
    ("accounts", "roleassignment"): ("view", "add", "change", "delete"),
    # The organisation's own OpenID provider, and unbinding an account from it (accounts/oidc).
    ("accounts", "oidcprovider"): ("view", "add", "change", "delete"),
    ("accounts", "oidcidentity"): ("view", "delete"),
    ("otp_totp", "totpdevice"): ("delete",),
    ("otp_static", "staticdevice"): ("delete",),
    ("axes", "accessattempt"): ("view", "delete"),
    # The target lead times per step (operator only, see admin_scope).
    ("leadtimes", "leadtimetarget"): ("view", "change"),
}


def ensure_role_groups(**kwargs):
    """Create one group per role and give the administrator group its model permissions."""
    for role in Role:
        Group.objects.get_or_create(name=role_group_name(role))
    admin_group = Group.objects.get(name=role_group_name(Role.ADMINISTRATOR))
    app_labels = {app_label for app_label, _model in ADMINISTRATOR_PERMISSIONS}
    permissions = Permission.objects.filter(content_type__app_label__in=app_labels).select_related("content_type")
    wanted = [
        permission
        for permission in permissions
        if permission.codename.split("_", 1)[0]
        in ADMINISTRATOR_PERMISSIONS.get((permission.content_type.app_label, permission.content_type.model), ())
    ]
    admin_group.permissions.set(wanted)


def sync_memberships(user):
    """Put the user in exactly their organisation's group and their roles' groups.

    Staff status (access to the management screens) follows the administrator role.
    """
    roles = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    names = {role_group_name(role) for role in roles}
    groups = list(Group.objects.filter(name__in=names))
    if user.organisation_id:
        groups.append(user.organisation.group)
    managed = Group.objects.filter(name__startswith="role:") | Group.objects.filter(name__startswith="org:")
    with transaction.atomic():
        user.groups.remove(*managed.exclude(pk__in=[g.pk for g in groups]))
        user.groups.add(*groups)
        is_staff = user.is_superuser or Role.ADMINISTRATOR in roles
        if user.is_staff != is_staff:
            User.objects.filter(pk=user.pk).update(is_staff=is_staff)
            user.is_staff = is_staff


def accept_logging_notice(*, user):
    """Record that the user read and accepted that every action is logged."""
    acceptance, _created = LoggingAcceptance.objects.get_or_create(
        user=user, notice_version=settings.LOGGING_NOTICE_VERSION
    )
    return acceptance


def has_accepted_logging_notice(user):
    return LoggingAcceptance.objects.filter(user=user, notice_version=settings.LOGGING_NOTICE_VERSION).exists()
