from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.utils import timezone

from woonkans.accounts.roles import Role
from woonkans.audit.models import AccessLog, LoginEvent
from woonkans.audit.services import log_access
from woonkans.audit.tasks import prune_logs

pytestmark = pytest.mark.django_db


def backdate(model, entry, days, field="at"):
    # Bypass the append-only guard the way only a test may: a raw update with the guard open.
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL woonkans.log_prune = 'on'")
            cursor.execute(f"ALTER TABLE {model._meta.db_table} DISABLE TRIGGER USER")
        cursor.execute(
            f"UPDATE {model._meta.db_table} SET {field} = %s WHERE id = %s",
            [timezone.now() - timedelta(days=days), entry.pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {model._meta.db_table} ENABLE TRIGGER USER")


def test_retention_is_twelve_months_by_default(settings):
    assert settings.AUDIT_LOG_RETENTION_DAYS == 365


def test_prune_removes_entries_older_than_retention_and_keeps_the_rest(make_user):
    user = make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans")
    old_access = log_access(user=user, action="read", object_type="x", object_id="old")
    new_access = log_access(user=user, action="read", object_type="x", object_id="new")
    old_login = LoginEvent.objects.create(username="a", outcome="success")
    new_login = LoginEvent.objects.create(username="b", outcome="success")
    backdate(AccessLog, old_access, 366)
    backdate(AccessLog, new_access, 364)
    backdate(LoginEvent, old_login, 400)
    old_change = LogEntry.objects.first()
    LogEntry.objects.filter(pk=old_change.pk).update(timestamp=timezone.now() - timedelta(days=366))

    counts = prune_logs.delay().get()

    assert counts["access_log"] == 1 and counts["login_log"] == 1 and counts["change_log"] == 1
    assert list(AccessLog.objects.values_list("object_id", flat=True)) == ["new"]
    assert list(LoginEvent.objects.values_list("pk", flat=True)) == [new_login.pk]
    assert not LogEntry.objects.filter(pk=old_change.pk).exists()


def test_prune_is_scheduled_and_has_a_command(settings, capsys):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert any(job["task"] == "woonkans.audit.tasks.prune_logs" for job in schedule.values())
    call_command("prune_logs")
    assert "access_log: 0" in capsys.readouterr().out


def test_changes_to_parties_and_users_are_in_the_change_log(make_user):
    user = make_user(Role.WERKGROEP, "Gemeente Venlo")
    user.first_name = "Anders"
    user.save()
    entries = LogEntry.objects.get_for_object(user)
    assert entries.filter(action=LogEntry.Action.UPDATE).exists()
    assert "password" not in str(list(entries.values_list("changes", flat=True)))
