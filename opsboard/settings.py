"""Opsboard settings: one module, read from the environment (see README.md and .env.example).

Defaults work on a bare checkout (SQLite under var/, Celery tasks in-process). Production is
DEBUG=false with SECRET_KEY and ALLOWED_HOSTS set; it refuses to start on the default key.
"""

import glob
import importlib.util
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.env import env_bool, env_datetime, env_int, env_list, env_str
from opsboard import databases, queues

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("OPSBOARD_VAR_DIR", str(BASE_DIR / "var")))

DEV_SECRET_KEY = "dev-insecure-opsboard-key-do-not-use-in-production"  # noqa: S105
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

if not DEBUG:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured(
            "DEBUG=false needs SECRET_KEY (or SECRET_KEY_FILE) set to a random value of "
            "at least 40 characters; refusing to start on the development key."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DEBUG=false needs ALLOWED_HOSTS.")

# The operation clock (API.md): domain "now". Authentication always uses real time.
OPSBOARD_NOW = env_datetime("OPSBOARD_NOW")
# The port `make run` serves on (runserver 127.0.0.1:$PORT). Unset OPSBOARD_PUBLIC_URL means
# http://127.0.0.1:$PORT, which only development prints on cards (field/public_url.py).
PORT = env_int("PORT", 8000, minimum=1)
OPSBOARD_PUBLIC_URL = env_str("OPSBOARD_PUBLIC_URL").rstrip("/")
OPSBOARD_TILE_URL = env_str("OPSBOARD_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")


# django-leaflet imports GeoDjango, which needs GDAL and GEOS. The pyogrio and shapely wheels
# carry both, so no system package is needed; an explicit path or a system library still wins.
def _bundled_library(package: str, pattern: str) -> str | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    libs_dir = Path(next(iter(spec.submodule_search_locations))).parent / f"{package}.libs"
    matches = sorted(glob.glob(str(libs_dir / pattern)))
    return matches[0] if matches else None


GDAL_LIBRARY_PATH = env_str("GDAL_LIBRARY_PATH") or _bundled_library("pyogrio", "libgdal*.so*")
GEOS_LIBRARY_PATH = env_str("GEOS_LIBRARY_PATH") or _bundled_library("shapely", "libgeos_c*.so*")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "leaflet",
    "csp",
    "axes",
    "simple_history",
    "import_export",
    # Ours, from the foundations up (README.md, Layout): each app imports only those above it.
    "core",
    "audit",
    "tps",
    "deployments",
    "field",
    "coordination",
    "opsboard",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost after security: every answer carries the CSP and frame headers, including those
    # that inner middleware gives without reaching a view (413, the htmx sign-in redirect, 503).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.http.SecurityHeadersMiddleware",
    # Before anything reads a body: a request larger than any upload is refused unread (413).
    "core.http.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, which serves static files precompressed: compresses pages and the JSON
    # of the map (the 839-TPS layer is ~130 KB, ~25 KB gzipped). Django pads gzip bodies
    # against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "opsboard.sessions.IdleTimeoutMiddleware",
    # Before LocaleMiddleware: only the language switch changes the language (core/http.py).
    "core.http.IgnoreBrowserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Lets the history of admin edits name the user who made them.
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.http.HtmxLoginRedirectMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.throttling.TrustedDeviceMiddleware",
    # Last, so that the session and the user are read from the primary before a view's reads
    # may go to the replica (opsboard/replica.py).
    "opsboard.replica.ReplicaReadsMiddleware",
]

ROOT_URLCONF = "opsboard.urls"
WSGI_APPLICATION = "opsboard.wsgi.application"
ASGI_APPLICATION = "opsboard.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "opsboard.context_processors.operation_clock",
                "opsboard.replica.replica_context",
            ],
        },
    }
]

# Shifts (docs/shifts.md): the least rest, in hours, between two shift duties of one person.
# The database holds it too (a trigger reads it from the connection: the session parameter
# opsboard.shift_min_rest_hours on PostgreSQL, set in opsboard/databases.py, a function on
# SQLite), so every write path refuses a shorter rest.
SHIFT_MIN_REST_HOURS = env_int("SHIFT_MIN_REST_HOURS", 8, minimum=0, maximum=72)

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'opsboard.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL and a busy timeout let the dev server and an in-process task write side by side.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The bounds on every wait for the server, PgBouncer's transaction mode and the replica are
    # explained in opsboard/databases.py; the variables are read here, with every other setting.
    DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 15, minimum=1)
    DATABASE_ANSWER_TIMEOUT = env_int(
        "DATABASE_ANSWER_TIMEOUT", DATABASE_STATEMENT_TIMEOUT + 5, minimum=1
    )
    DATABASE_POOL_MODE = env_str("DATABASE_POOL_MODE", "session")
    DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
    DATABASE_REPLICA_MAX_LAG_SECONDS = env_int("DATABASE_REPLICA_MAX_LAG_SECONDS", 10, minimum=1)
    DATABASE_REPLICA_PIN_SECONDS = env_int(
        "DATABASE_REPLICA_PIN_SECONDS", DATABASE_REPLICA_MAX_LAG_SECONDS + 5, minimum=1
    )
    databases.configure_postgresql(
        DATABASES,
        statement_timeout=DATABASE_STATEMENT_TIMEOUT,
        answer_timeout=DATABASE_ANSWER_TIMEOUT,
        pool_mode=DATABASE_POOL_MODE,
        replica_url=DATABASE_REPLICA_URL,
        shift_min_rest_hours=SHIFT_MIN_REST_HOURS,
    )
    if DATABASE_REPLICA_URL:
        DATABASE_ROUTERS = ["opsboard.replica.ReplicaRouter"]
# Tests of the coverage engine compare PostgreSQL with SQLite on the same data (scripts/test.sh).
if env_bool("OPSBOARD_COMPARE_SQLITE", False):
    DATABASES["sqlite"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "compare.sqlite3",  # the test run uses an in-memory database
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
# Without a broker the embedded default runs tasks in-process, so `make run` needs no Redis.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Jakarta"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A dead broker must cost the request that enqueues (an admin's save) at most about 2 s, not
# kombu's default of 4 s of retries plus a 5 s read: connecting gives up after 1 s in all, a
# Redis that accepts but does not answer after 2 s. The change stays saved and beat's safety
# net recomputes (tests/hardening/test_redis_down.py). Workers reconnect on their own schedule.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# A task is acknowledged once it has run, not when a worker takes it: a worker killed
# mid-task (SIGKILL, the OOM killer, a host gone) leaves its message in Redis, which hands it out
# again after REDIS_VISIBILITY_TIMEOUT. When only the pool's child dies, the worker itself sees
# it and puts the message straight back (REJECT_ON_WORKER_LOST; without it Celery acknowledges
# the lost task). All our tasks are idempotent, so running one twice is harmless
# (tests/hardening/test_worker_killed.py). Each process takes one task at a time, so a long
# import never holds a recompute queued behind it in the same process.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longer than the longest task (a 10 MB import), or Redis hands a task still running to a second
# worker; the price is that a task of a vanished worker waits this long to be redelivered.
REDIS_VISIBILITY_TIMEOUT = env_int("REDIS_VISIBILITY_TIMEOUT", 3600, minimum=60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "visibility_timeout": REDIS_VISIBILITY_TIMEOUT,
}
# A prefix on every key the broker writes, so that two stacks (or test runs) can share one Redis
# database without reading each other's queues; their cleanup deletes their own keys only.
REDIS_KEY_PREFIX = env_str("REDIS_KEY_PREFIX", "")
if REDIS_KEY_PREFIX:
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = REDIS_KEY_PREFIX
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Coverage engine (docs/coverage.md): a burst of changes waits this long before one recompute;
# beat re-checks every COVERAGE_BEAT_SECONDS (0: no beat, as in `make run`).
COVERAGE_DEBOUNCE_SECONDS = env_int("COVERAGE_DEBOUNCE_SECONDS", 2)
COVERAGE_BEAT_SECONDS = env_int("COVERAGE_BEAT_SECONDS", 0)
# A recompute's statements may run this long on PostgreSQL (SET LOCAL in its transaction, and
# the client waits 5 s more): a national-size one takes ~13 s, near the default 15 s bound of
# every other statement (DATABASE_STATEMENT_TIMEOUT). Keep it below REDIS_VISIBILITY_TIMEOUT.
COVERAGE_STATEMENT_TIMEOUT_SECONDS = env_int("COVERAGE_STATEMENT_TIMEOUT_SECONDS", 300, minimum=1)
# The daily report (docs/daily-report.md): beat generates the draft of the day that ended, at
# this time of day, WIB (HH:MM). Idempotent: one draft per day and scope.
DAILY_REPORT_AT = env_str("DAILY_REPORT_AT", "06:00")
_daily_hour, _daily_colon, _daily_minute = DAILY_REPORT_AT.partition(":")
if not (
    len(DAILY_REPORT_AT) == 5
    and _daily_hour.isdigit()
    and _daily_minute.isdigit()
    and int(_daily_hour) < 24
    and int(_daily_minute) < 60
):
    raise ImproperlyConfigured(f"DAILY_REPORT_AT={DAILY_REPORT_AT!r}: use HH:MM, e.g. 06:00.")
# The strength ledger (docs/strength.md): a unit committed beyond this share of its people at
# hand (percent) is marked on the dashboard.
STRENGTH_COMMITTED_WARN_PERCENT = env_int(
    "STRENGTH_COMMITTED_WARN_PERCENT", 67, minimum=1, maximum=100
)
# The special report (laporan khusus): due for incidents of this severity or higher (1 Rendah,
# 2 Sedang, 3 Tinggi, 4 Darurat); beat drafts them with the daily report.
SPECIAL_REPORT_MIN_SEVERITY = env_int("SPECIAL_REPORT_MIN_SEVERITY", 3, minimum=1, maximum=4)
CELERY_BEAT_SCHEDULE = {
    "daily-report": {
        "task": "opsboard.tasks.generate_daily_report_task",
        "schedule": crontab(hour=int(_daily_hour), minute=int(_daily_minute)),
    },
    "special-reports": {
        "task": "opsboard.tasks.generate_special_reports_task",
        "schedule": crontab(hour=int(_daily_hour), minute=int(_daily_minute)),
    },
    "coverage-safety-net": {
        "task": "deployments.tasks.recompute_coverage_if_behind_task",
        "schedule": COVERAGE_BEAT_SECONDS or 300,
    },
    # UU PDP: field photos and personal data go once the pasca phase is over (idempotent).
    "purge-field-data": {"task": "opsboard.tasks.purge_field_data_task", "schedule": 6 * 60 * 60},
    # UU PDP (docs/access.md, "Retention"): personnel pseudonymised PERSONAL_DATA_RETENTION_DAYS
    # after pasca, audit lines removed after AUDIT_LOG_RETENTION_DAYS (idempotent, daily).
    "purge-personal-data": {
        "task": "opsboard.tasks.purge_personal_data_task",
        "schedule": 24 * 60 * 60,
    },
    # Incident escalation (docs/incidents.md): next level told when nobody acknowledged.
    "escalate-incidents": {"task": "field.tasks.escalate_due_task", "schedule": 60},
    # Notification deliveries whose enqueue was lost (a broker down when the incident opened).
    "requeue-notifications": {"task": "field.tasks.requeue_notifications_task", "schedule": 60},
    # Logistics legs late against their plan (docs/logistics.md); idempotent.
    "flag-late-logistics": {"task": "field.tasks.flag_late_logistics_task", "schedule": 60},
}
# Every task on a queue of its kind (opsboard/queues.py, docs/deploy.md "Queues"): coverage,
# imports, notifications, field; a worker started without -Q consumes all of them.
CELERY_TASK_DEFAULT_QUEUE = queues.DEFAULT
CELERY_TASK_QUEUES = queues.TASK_QUEUES
CELERY_TASK_ROUTES = queues.ROUTES
# How often one delivery is tried before it is recorded as failed (exponential back-off between
# tries, at most NOTIFICATION_RETRY_MAX_SECONDS), and how long one HTTP call may take.
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 5, minimum=1)
NOTIFICATION_RETRY_MAX_SECONDS = env_int("NOTIFICATION_RETRY_MAX_SECONDS", 300, minimum=1)
NOTIFICATION_SEND_TIMEOUT = env_int("NOTIFICATION_SEND_TIMEOUT", 10, minimum=1)
# Web Push (VAPID, RFC 8292): the server's P-256 private key, base64url (the raw 32 bytes or
# DER; `manage.py webpush_vapid_keys` makes a pair). Unset: Web Push is off, logged once, and
# the button to turn it on is not shown. Never commit a production key: it goes in the
# environment or a Docker secret (WEBPUSH_VAPID_PRIVATE_KEY_FILE).
WEBPUSH_VAPID_PRIVATE_KEY = env_str("WEBPUSH_VAPID_PRIVATE_KEY", "")
# The VAPID "sub" claim: how a push service reaches the operator of this server.
WEBPUSH_VAPID_SUBJECT = env_str("WEBPUSH_VAPID_SUBJECT", "mailto:opsboard@localhost")
# Host names (or ".suffix"es) of push services a browser may register: the server POSTs to the
# endpoint, so an endpoint anywhere else (an address inside the network) is refused.
WEBPUSH_ENDPOINT_HOSTS = env_list(
    "WEBPUSH_ENDPOINT_HOSTS",
    [
        "fcm.googleapis.com",
        "updates.push.services.mozilla.com",
        ".push.apple.com",
        ".notify.windows.com",
    ],
)
# Telegram Bot API: unset token, no Telegram. The base URL is a setting so that tests (and a
# relay, where api.telegram.org is blocked) point it elsewhere.
TELEGRAM_BOT_TOKEN = env_str("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_API_URL = env_str("TELEGRAM_API_URL", "https://api.telegram.org")
# Retention under UU PDP 27/2022 (docs/access.md, "Retention"): days after the end of the pasca
# phase (operation clock) that the names, phones and identifiers of Linmas and TNI, and every
# field account, are kept; days of real time that the audit log keeps a line (at least 30, the
# floor the database's purge function enforces).
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 90)
AUDIT_LOG_RETENTION_DAYS = env_int("AUDIT_LOG_RETENTION_DAYS", 365, minimum=30)

# With Redis, one cache for every gunicorn worker and the Celery worker that warms it after a
# snapshot (docs/dashboard.md, "Cache"); its keys carry REDIS_KEY_PREFIX like the broker's. Short
# socket timeouts: the dashboard computes what a cut Redis cannot give (opsboard/dashboard/cache.py)
# instead of waiting on it. Without Redis (`make run`) each process keeps its own.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_KEY_PREFIX,
            "TIMEOUT": 15 * 60,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "opsboard.auth.OpsboardBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Sessions expire after 12 h idle: opsboard.sessions.IdleTimeoutMiddleware slides the expiry
# at most once a minute instead of SESSION_SAVE_EVERY_REQUEST writing the session on every
# request (a dashboard polls every 30 s, 2,285 phones open /me/). Field officers and wall screens
# get a fixed expiry at sign-in (opsboard.sessions), which is never slid.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_SLIDE_EVERY = timedelta(minutes=1)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
FIELD_SESSION_MAX = timedelta(days=4)

# Login throttling: by username and by username + IP, never by IP alone (a mobile carrier puts
# thousands of phones behind one address). The username-only limit spares a device that signed
# in to the account before (core/throttling.py), so a stranger cannot lock a named account.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = "core.throttling.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
AXES_VERBOSE = False
# Over-long usernames are cut to fit axes' table instead of failing the sign-in with a 500.
AXES_USERNAME_CALLABLE = "core.throttling.attempted_username"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Meeting attachments: outside MEDIA_ROOT, served only by a view that checks access
# (coordination/storage.py); the size limit is checked on the content, not the request.
COORDINATION_ATTACHMENT_ROOT = VAR_DIR / "private" / "attachments"
COORDINATION_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# An import sheet (XLSX/CSV) in the admin: a Polda roster of 156,000 rows is a 12.5 MB CSV.
IMPORT_MAX_BYTES = 32 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# Field reporting (docs/field.md). Report photos live outside MEDIA_ROOT and are served only by a
# view that checks who asks; a larger upload is refused before it is read. A check-in farther
# than FIELD_CHECKIN_FAR_METRES from the TPS is flagged; a sign-in link lasts until the end of
# the person's last assignment plus SIGNIN_LINK_GRACE_DAYS.
FIELD_PHOTO_ROOT = VAR_DIR / "private" / "field-photos"
FIELD_PHOTO_MAX_BYTES = env_int("FIELD_PHOTO_MAX_BYTES", 8 * 1024 * 1024, minimum=1)
FIELD_PHOTO_MAX_SIDE = 1600  # pixels of the longer side after resizing
FIELD_CHECKIN_FAR_METRES = env_int("FIELD_CHECKIN_FAR_METRES", 300, minimum=1)
# Turnout (issue #19): a TPS may count voters beyond its DPT (DPTb, DPK) up to its reserve of
# ballots, 2% of the DPT under PKPU; the bound copied onto each TurnoutReport is DPT plus this.
FIELD_TURNOUT_ADDITIONS_PERCENT = env_int("FIELD_TURNOUT_ADDITIONS_PERCENT", 2)
# Logistics custody (docs/logistics.md): a leg not arrived this many minutes after its planned
# arrival is flagged late and raises a gangguan_logistik incident (beat, every minute).
LOGISTICS_LATE_GRACE_MINUTES = env_int("LOGISTICS_LATE_GRACE_MINUTES", 30, minimum=0)
# Roll call (docs/rollcall.md): a post's commander calls the roll of a duty from this many minutes
# before its start to this many after; a check-in by the person in the same window counts as
# present while no one has called them.
ROLLCALL_OPENS_MINUTES_BEFORE = env_int("ROLLCALL_OPENS_MINUTES_BEFORE", 60, maximum=24 * 60)
ROLLCALL_CLOSES_MINUTES_AFTER = env_int(
    "ROLLCALL_CLOSES_MINUTES_AFTER", 240, minimum=1, maximum=24 * 60
)

# /me/ offers the closing figure once the TPS's status reached "Pemungutan suara ditutup", or
# from this hour (WIB) of an open TPS, for a guard who did not record the closing step.
FIELD_TURNOUT_FORM_HOUR = env_int("FIELD_TURNOUT_FORM_HOUR", 13, maximum=23)
SIGNIN_LINK_GRACE_DAYS = env_int("SIGNIN_LINK_GRACE_DAYS", 1)

# Content-Security-Policy: no inline script, no eval (STYLE.md). Tiles are the one other host.
_tile_origin = ""
if OPSBOARD_TILE_URL.startswith(("http://", "https://")):
    _scheme, _, _rest = OPSBOARD_TILE_URL.partition("://")
    _tile_origin = f"{_scheme}://{_rest.split('/', 1)[0]}".replace("{s}.", "*.")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([_tile_origin] if _tile_origin else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page's meta tag, not the cookie

# Production transport security. OPSBOARD_ALLOW_HTTP=true serves plain HTTP behind no proxy,
# for loopback load tests only (README.md).
ALLOW_HTTP = env_bool("OPSBOARD_ALLOW_HTTP", False)
if not DEBUG and not ALLOW_HTTP:
    SECURE_SSL_REDIRECT = True
    # Probes and Prometheus reach the container itself, over plain HTTP (docs/deploy.md).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (-7.82, 111.98),
    "DEFAULT_ZOOM": 11,
    "TILES": [("OSM", OPSBOARD_TILE_URL, {"attribution": "© OpenStreetMap"})]
    if OPSBOARD_TILE_URL
    else [],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "opsboard.security": {"level": "WARNING"}},
}

os.makedirs(STATIC_ROOT, exist_ok=True)  # whitenoise warns on every request without it
