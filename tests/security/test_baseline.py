import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from woonkans.accounts.roles import Role

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        DJANGO_DEBUG="False",
        HTTPS="True",
        SECRET_KEY=secrets.token_urlsafe(60),
        FIELD_ENCRYPTION_KEY=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        ALLOWED_HOSTS="woonkans.example",
    )
    env.update(extra)
    return env


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env()
    del env["SECRET_KEY"]
    # Point the local .env away, so only the real environment counts.
    script = (
        "import environ, sys; environ.Env.read_env = lambda *a, **k: None; "
        "import django; import os; os.environ['DJANGO_SETTINGS_MODULE']='woonkans.settings'; django.setup()"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_security_headers_and_no_store_on_signed_in_pages(client, signed_in, make_user):
    signed_in(make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans"))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.content.decode()  # no inline script anywhere


@pytest.mark.django_db
def test_login_page_has_no_inline_script(client):
    page = client.get(reverse("two_factor:login")).content.decode()
    assert "<script>" not in page and "onclick=" not in page


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("status", "database", "broker")} == {
        "status": "ok",
        "database": "ok",
        "broker": "eager",
    }
    # The package's shared world may have fresh e-mails waiting; tests/notifications checks the counts.
    assert set(body["notifications"]) == {"backlog", "failed", "oldest_age_seconds", "status"}
    assert body["notifications"]["status"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "error"


@pytest.mark.django_db
@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="CI provides a real Redis")
def test_healthz_with_a_real_redis_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = os.environ["TEST_REDIS_URL"]
    response = client.get("/healthz")
    assert response.json()["broker"] == "ok"


def test_tasks_run_eagerly_without_a_broker(settings):
    from woonkans.celery import app

    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert app.conf.task_always_eager is True


def test_ci_fails_loudly_when_postgres_is_unreachable():
    env = {**os.environ, "WOONKANS_CI_PGPORT": "1"}
    result = subprocess.run(["bash", ".ci/run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "not reachable" in result.stderr


def test_check_refuses_a_malformed_field_encryption_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=production_env(FIELD_ENCRYPTION_KEY="not-a-key"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "woonkans.E001" in result.stderr
