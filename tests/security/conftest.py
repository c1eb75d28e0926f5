"""One world of cases for the security tests of this package, built once per test process.

It is made inside a transaction that is rolled back when the package's tests are done; every
test adds its own savepoint on top (pytest-django), so nothing a test does reaches the next one.
"""

import pytest
from django.db import transaction
from django.test import override_settings

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
            yield build_world()
            transaction.set_rollback(True)
