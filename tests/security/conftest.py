"""One world of cases for the security tests of this package, built once per test process.

It is made inside a transaction that is rolled back when the package's tests are done; every
test adds its own savepoint on top (pytest-django), so nothing a test does reaches the next one.
Every log line and e-mail written while the world is built and its pages are read is kept, for
the test that no personal data reaches them.
"""

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings

from .pages import LogCapture, walk
from .world import build_world

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="package")
def private_root(tmp_path_factory):
    return tmp_path_factory.mktemp("private")


@pytest.fixture(autouse=True)
def _test_settings(settings, private_root):
    # Replaces the suite's fixture: the world's files stay where the package put them.
    settings.PRIVATE_MEDIA_ROOT = private_root
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker, private_root):
    with django_db_blocker.unblock(), override_settings(PRIVATE_MEDIA_ROOT=private_root, PASSWORD_HASHERS=FAST_HASHERS):
        with transaction.atomic():
            outbox_before = len(getattr(mail, "outbox", []))
            with LogCapture() as capture:
                built = build_world()
            built.log_lines = list(capture.lines)
            built.mails = list(getattr(mail, "outbox", [])[outbox_before:])
            yield built
            transaction.set_rollback(True)


@pytest.fixture(scope="package")
def visits(world, django_db_blocker, private_root):
    """Every page each role may open (own organisation's objects), read once; GETs only."""
    with django_db_blocker.unblock(), override_settings(PRIVATE_MEDIA_ROOT=private_root, PASSWORD_HASHERS=FAST_HASHERS):
        with LogCapture() as capture:
            result = walk(world)
        world.log_lines += capture.lines
    return result
