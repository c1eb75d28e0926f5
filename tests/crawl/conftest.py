import tempfile

import pytest
from django.db import transaction
from django.test import Client, override_settings

from ..demo_crawl import crawl_demo


@pytest.fixture(scope="package")
def demo_crawl(django_db_setup, django_db_blocker):
    """The demo, seeded once and crawled as every demo user; rolled back afterwards.

    Package-scoped so the raw-code test and the HTML validation share one crawl (the seed and the
    crawl of fifteen users take most of this package's time)."""
    with (
        django_db_blocker.unblock(),
        tempfile.TemporaryDirectory() as private,
        override_settings(
            PRIVATE_MEDIA_ROOT=private,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
    ):
        from django.db import connection

        name = connection.settings_dict["NAME"]
        # PostgreSQL's test database is named test_…; SQLite's (a plain `make test`) lives in memory.
        in_memory = connection.vendor == "sqlite" and connection.creation.is_in_memory_db(name)
        assert name.startswith("test_") or in_memory, "the demo is seeded only into a test database"
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            from woonkans.notifications.models import OutboxMessage

            crawl = crawl_demo(Client)
            crawl.emails = [
                "\n".join([message.subject, message.intro, message.path]) for message in OutboxMessage.objects.all()
            ]
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
    return crawl
