"""Settings for the Woonkans portal: one module, driven by the environment.

Local runs read `var/.env` (written by `make` with throw-away keys); production
sets real environment variables, which always win over that file.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / "var" / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# HTTPS switches on secure cookies, HSTS and the TLS redirect. Only the local
# demo (plain http on 127.0.0.1) turns it off.
HTTPS = env.bool("HTTPS", default=True)

SECRET_KEY = env.str("SECRET_KEY")
FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "axes",
    "auditlog",
    "guardian",
    "csp",
    "django_filters",
    "woonkans.parties",
    "woonkans.accounts",
    "woonkans.audit",
    "woonkans.privacy",
    "woonkans.notifications",
    "woonkans.ops",
    "referrals",
    "matching",
    "guarantee_fund",
    "monitoring",
    "subject_rights",
    "leadtimes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "woonkans.privacy.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "woonkans.accounts.middleware.ProviderMultiFactorMiddleware",
    "woonkans.audit.middleware.RequestContextMiddleware",
    "woonkans.accounts.middleware.SessionSecurityMiddleware",
    "woonkans.accounts.middleware.RequireTwoFactorMiddleware",
    "woonkans.accounts.middleware.RequireLoggingAcceptanceMiddleware",
    "woonkans.accounts.middleware.NoStoreForUsersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "woonkans.privacy.middleware.ProcessingRestrictedMiddleware",
    "woonkans.errors.DatabaseUnavailableMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Axes last, as its documentation asks: it turns lockouts into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "woonkans.urls"
WSGI_APPLICATION = "woonkans.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "woonkans.accounts.context_processors.portal",
            ],
            "libraries": {
                "money": "woonkans.templatetags.money",
                "agreement": "woonkans.templatetags.agreement",
                "lists": "woonkans.templatetags.lists",
                "labels": "woonkans.templatetags.labels",
                "widgets": "woonkans.templatetags.widgets",
                "figures": "monitoring.templatetags.figures",
            },
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'woonkans.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (a new PostgreSQL connection per request cost 10-15 ms, benchmarks/NOTES.md);
# the health check replaces a connection the server closed before a request uses it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Every model dropdown (ModelChoiceField, django-filter's ModelChoiceFilter) reads its options with
# QuerySet.iterator(), which on PostgreSQL is a server-side cursor: DECLARE ... WITH HOLD (materialised
# at once outside a transaction), FETCH and CLOSE, three round trips and 1-10 ms for a list of a dozen
# organisations, per dropdown on every form and filter page (benchmarks/NOTES.md). A plain cursor reads
# the same rows in one round trip; no query of the portal streams more rows than fit in memory.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if env.str("TEST_DATABASE_NAME", default=""):
    # scripts/run_tests.py runs two test processes side by side; each needs a test database of its own.
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL: readers never block the one writer. IMMEDIATE: a transaction takes the write lock when it
    # begins, so a second writer waits up to `timeout` seconds for it instead of failing at once with
    # "database is locked" (a deferred transaction that read first cannot wait for a lock).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20, transaction_mode="IMMEDIATE", init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "woonkans.accounts.backends.PortalModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "two_factor:login"

# Two-factor authentication: TOTP with backup codes, for everyone.
TWO_FACTOR_PATCH_ADMIN = False
TWO_FACTOR_REMEMBER_COOKIE_AGE = None
TWO_FACTOR_LOGIN_TIMEOUT = 600
OTP_TOTP_ISSUER = "Woonkans-portaal"

# django-axes: login log and lockout.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=30))
# Lock the account itself, whatever IP or browser the attempts come from. (axes.W006
# warns about rotating user agents or cookies; that cannot bypass a per-account lock.
# Locking by IP too would lock out a whole office behind one NAT address.)
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "woonkans.accounts.views.lockout_response"
# One client address for axes, the session's IP binding and the logs (woonkans/client_ip.py):
# the X-Forwarded-For entry appended by the last of TRUSTED_PROXY_COUNT proxies; 0 ignores the header.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "woonkans.client_ip.client_ip"
AXES_VERBOSE = False

# django-guardian: no anonymous user row; grants go to organisation groups.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

# Sessions: idle logout and IP binding are enforced by SessionSecurityMiddleware.
# In the database, written with one UPDATE on every signed-in request (accounts/sessions.py).
SESSION_ENGINE = "woonkans.accounts.sessions"
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=15 * 60)
SESSION_IDLE_WARNING = env.int("SESSION_IDLE_WARNING", default=2 * 60)
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True  # scripts take the token from a <meta> tag instead
SESSION_COOKIE_NAME = "__Host-woonkans_session" if HTTPS else "woonkans_session"
CSRF_COOKIE_NAME = "__Host-woonkans_csrf" if HTTPS else "woonkans_csrf"

# Logging acceptance: bump the version when the notice text changes, and
# everyone accepts again.
LOGGING_NOTICE_VERSION = "2026-11"

# Audit: retention of access, login and change logs.
AUDIT_LOG_RETENTION_DAYS = env.int("AUDIT_LOG_RETENTION_DAYS", default=365)

# Accounts unused for this many days are deactivated automatically (DPIA §16).
ACCOUNT_INACTIVITY_DAYS = env.int("ACCOUNT_INACTIVITY_DAYS", default=90)

# Security headers.
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container health check speaks plain http inside
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the source folders when nothing was collected (demo, tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Case files live outside the web root and are only served by checked views.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# A whole request: one upload plus the form around it (woonkans.privacy.middleware).
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=UPLOAD_MAX_BYTES + 1024 * 1024)

if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Used by the file backend (`make demo`): every sent e-mail becomes a file in this folder.
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@woonkans.example")
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# Notification outbox (woonkans.notifications): a failed send is retried after 1, 2, 4 ... minutes,
# at most an hour apart, and given up after NOTIFICATION_MAX_ATTEMPTS (the command can retry those).
# /healthz turns unhealthy when the oldest undelivered e-mail is older than NOTIFICATION_BACKLOG_MAX_AGE.
NOTIFICATION_RETRY_BASE_SECONDS = env.int("NOTIFICATION_RETRY_BASE_SECONDS", default=60)
NOTIFICATION_RETRY_MAX_SECONDS = env.int("NOTIFICATION_RETRY_MAX_SECONDS", default=60 * 60)
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=24)
NOTIFICATION_BACKLOG_MAX_AGE = env.int("NOTIFICATION_BACKLOG_MAX_AGE", default=30 * 60)
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", default=30)

# Celery: without a broker every task runs eagerly in-process.
CELERY_TASK_ALWAYS_EAGER = not env.str("CELERY_BROKER_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_BEAT_SCHEDULE = {
    "deliver-notifications": {
        "task": "woonkans.notifications.tasks.deliver_due_notifications",
        "schedule": 60.0,
    },
    "purge-personal-data": {
        "task": "woonkans.privacy.tasks.purge_personal_data",
        "schedule": crontab(hour=2, minute=0),
    },
    "remove-empty-drafts": {
        "task": "referrals.tasks.remove_empty_drafts",
        "schedule": crontab(hour=2, minute=30),
    },
    "prune-logs": {
        "task": "woonkans.audit.tasks.prune_logs",
        "schedule": crontab(hour=3, minute=15),
    },
    "half-year-report": {
        "task": "monitoring.tasks.produce_half_year_report",
        "schedule": crontab(hour=5, minute=0, day_of_month=1, month_of_year="1,7"),
    },
    "remind-werkgroep-meetings": {
        "task": "monitoring.tasks.remind_werkgroep_meetings",
        "schedule": crontab(hour=7, minute=10, day_of_month=1),
    },
    "remind-evaluations": {
        "task": "matching.tasks.remind_evaluations",
        "schedule": crontab(hour=7, minute=0),
    },
    "remind-subject-request-deadlines": {
        "task": "subject_rights.tasks.remind_deadlines",
        "schedule": crontab(hour=7, minute=5),
    },
    "open-access-reviews": {
        "task": "woonkans.accounts.tasks.open_access_reviews",
        "schedule": crontab(minute=0, hour=6, day_of_month=1, month_of_year="1,7"),
    },
    "deactivate-inactive-accounts": {
        "task": "woonkans.accounts.tasks.deactivate_inactive_accounts",
        "schedule": crontab(minute=30, hour=2),
    },
    # Cases past their step's target lead time: link-only reminders, the chair at twice the target.
    "remind-lead-times": {
        "task": "leadtimes.tasks.remind_lead_times",
        "schedule": crontab(hour=7, minute=10),
    },
    # SOK Art. 12.2: eight and two weeks before the non-renewal date, the werkgroep and the treasurer.
    "remind-non-renewal-date": {
        "task": "woonkans.parties.tasks.remind_non_renewal_date",
        "schedule": crontab(hour=7, minute=15),
    },
    # Every case's grants against the disclosure policy; drift is repaired and logged by case id.
    "check-disclosure": {
        "task": "woonkans.privacy.tasks.check_disclosure",
        "schedule": crontab(minute=45, hour=2),
    },
    # Point-in-time recovery (docs/backups.md): weekly full / nightly differential pgBackRest backup
    # with a files snapshot, a files snapshot every quarter hour, and an hourly check of the newest
    # backup's age. They do nothing unless BACKUP_ENABLED; they run on the "backup" queue.
    "backup": {
        "task": "woonkans.ops.tasks.nightly_backup",
        "schedule": crontab(hour=1, minute=30),
    },
    "snapshot-private-files": {
        "task": "woonkans.ops.tasks.snapshot_private_files",
        "schedule": crontab(minute="7,22,37,52"),
    },
    "check-backups": {
        "task": "woonkans.ops.tasks.check_backups",
        "schedule": crontab(minute=50),
    },
}
# Only the backup worker (docker-compose.yml) reaches the cluster's data folder and the repository.
CELERY_TASK_ROUTES = {"woonkans.ops.tasks.*": {"queue": "backup"}}

# Point-in-time recovery (woonkans/ops/pitr, docs/backups.md).
BACKUP_ENABLED = env.bool("BACKUP_ENABLED", default=False)
BACKUP_STANZA = env.str("BACKUP_STANZA", default="woonkans")
BACKUP_PGBACKREST_CONFIG = env.str("BACKUP_PGBACKREST_CONFIG", default="")
BACKUP_FILES_REPOSITORY = Path(
    env.str("BACKUP_FILES_REPOSITORY", default=str(BASE_DIR / "var" / "backups" / "private-files"))
)
BACKUP_PGDATA = env.str("BACKUP_PGDATA", default="")
# True: `manage.py restore` stops and starts the cluster itself (pg_ctl, same machine). False: the
# operator stops PostgreSQL (docker compose stop postgres) and starts it after the restore.
BACKUP_MANAGE_CLUSTER = env.bool("BACKUP_MANAGE_CLUSTER", default=False)
BACKUP_PG_BINDIR = env.str("BACKUP_PG_BINDIR", default="")
BACKUP_RUN_AS = env.str("BACKUP_RUN_AS", default="")
BACKUP_FULL_EVERY_DAYS = env.float("BACKUP_FULL_EVERY_DAYS", default=7.0)
BACKUP_MIN_INTERVAL_HOURS = env.float("BACKUP_MIN_INTERVAL_HOURS", default=12.0)
BACKUP_MAX_AGE_HOURS = env.float("BACKUP_MAX_AGE_HOURS", default=26.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request logs can carry form values in tracebacks; keep them terse.
        "django.request": {"level": "ERROR"},
        # runserver's line per request; `make demo` keeps only failures (SERVER_LOG_LEVEL=WARNING).
        "django.server": {"level": env.str("SERVER_LOG_LEVEL", default="INFO")},
        "axes": {"level": "WARNING"},
        "celery": {"level": "WARNING"},
        # WeasyPrint logs every layout step of every PDF at INFO, fontTools every font subset.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Without a broker (demo, tests) tasks run in-process on kombu's memory transport, which has
        # no host name and says so at WARNING on every use; with a real broker the warning stays.
        "kombu.connection": {"level": "ERROR" if CELERY_TASK_ALWAYS_EAGER else "WARNING"},
    },
}


FORM_RENDERER = "woonkans.forms.PortalFormRenderer"
