"""Settings for every environment, read from the environment.

With no environment at all the site runs on the embedded default: a SQLite file, Celery
tasks run eagerly in-process, a local-memory cache and DEBUG on. Production sets
DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0 (see README).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from consult.i18n import countries_override

BASE_DIR = Path(__file__).resolve().parent.parent

DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"


def env_flag(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

if not DEBUG:
    # As Django's deploy check asks (security.W009): 50+ characters, 5+ different ones.
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("DEBUG is off: set SECRET_KEY to a random string of 50+ characters.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DEBUG is off: set ALLOWED_HOSTS (comma-separated host names).")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "axes",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "surveys",
    "consult",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before the session: the middlewares below it read the database.
    "consult.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "consult.audit_context.AuditAddressMiddleware",
    "consult.request_memo.RequestMemoMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# Database: SQLite file unless DATABASE_URL names another (postgres://user@host:port/name).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"].get("ENGINE") == "django.db.backends.sqlite3":
    # The demo's SQLite, served by runserver's threads: a transaction takes the write lock when it
    # begins (a deferred one that writes later fails at once with "database is locked" if another
    # writes), waits up to 20 s for it, and readers do not wait for writers (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;",
    }
# A streaming read replica of that database (REPLICA_DATABASE_URL): reports and exports read
# from it, nothing else (consult/replica.py). Unset, everything reads from default. Tests point it
# at their own database (TEST MIRROR), so that it holds what they wrote.
REPLICA_DATABASE_URL = os.environ.get("REPLICA_DATABASE_URL", "")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(
            REPLICA_DATABASE_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")), conn_health_checks=True
        ),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["consult.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: broker, result backend and cache when REDIS_URL is set; otherwise tasks run eagerly.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # A Redis that does not answer (hung, or the network drops its packets) costs a request 1 s to
    # connect or 2 s for an answer, once: the request then does without the cache (consult/cache_guard.py).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task taken by a worker that then dies whole (machine lost, SIGKILL of the main process) stays
# unacknowledged in Redis and is delivered again this many seconds after it was taken. It must be
# longer than the longest build, or a running build would be delivered a second time. Workers look
# for such tasks every 10 s (or every visibility timeout, if shorter: the tests set a few seconds).
REDIS_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": REDIS_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": min(10, REDIS_VISIBILITY_TIMEOUT),
    "unacked_restore_throttle": 1,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXTENDED = True
# Submissions within this many seconds share one run adding them to a consultation's figures
# (tens of milliseconds whatever the number of responses): a submission shows within about this long.
AGGREGATE_COALESCE_SECONDS = int(os.environ.get("AGGREGATE_COALESCE_SECONDS", "1"))
# The outbox relay publishes a task whose publication failed (Redis down) after this grace, and
# republishes one published this long ago that no worker has claimed (a task lost with Redis).
OUTBOX_PUBLISH_GRACE_SECONDS = int(os.environ.get("OUTBOX_PUBLISH_GRACE_SECONDS", "5"))
OUTBOX_REPUBLISH_AFTER_SECONDS = int(os.environ.get("OUTBOX_REPUBLISH_AFTER_SECONDS", "30"))
OUTBOX_RELAY_SECONDS = float(os.environ.get("OUTBOX_RELAY_SECONDS", "10"))
# A worker building a report renews its lease every REPORT_HEARTBEAT_SECONDS; beat looks every
# REPORT_SWEEP_SECONDS for running reports whose lease (REPORT_LEASE_SECONDS) has lapsed, as their
# worker was lost, and marks them failed, to be built again. No need to lower the visibility timeout.
REPORT_HEARTBEAT_SECONDS = float(os.environ.get("REPORT_HEARTBEAT_SECONDS", "10"))
REPORT_LEASE_SECONDS = float(os.environ.get("REPORT_LEASE_SECONDS", "45"))
REPORT_SWEEP_SECONDS = float(os.environ.get("REPORT_SWEEP_SECONDS", "10"))
# `celery -A config beat` runs these; the worker does the work.
CELERY_BEAT_SCHEDULE = {
    # A relay run not started within its own interval is dropped: the next one does the same.
    "outbox-relay": {
        "task": "consult.tasks.outbox_relay_task",
        "schedule": OUTBOX_RELAY_SECONDS,
        "options": {"expires": OUTBOX_RELAY_SECONDS},
    },
    "check-aggregates": {"task": "consult.tasks.aggregates_check_task", "schedule": 3600.0},
    # Commits ask for a seal themselves; this catches a request lost with Redis.
    "seal-audit-trail": {"task": "consult.tasks.audit_seal_task", "schedule": 60.0, "options": {"expires": 60}},
    "send-reminders": {"task": "consult.tasks.reminders_send_task", "schedule": 24 * 3600.0},
    "expire-submission-keys": {"task": "consult.tasks.submission_keys_expire_task", "schedule": 24 * 3600.0},
    "fail-stalled-reports": {
        "task": "consult.tasks.reports_fail_stalled_task",
        "schedule": REPORT_SWEEP_SECONDS,
        "options": {"expires": REPORT_SWEEP_SECONDS},
    },
}

# The API (/api/v1/, consult/api/): personal tokens or the site's session; JSON only. Requests per
# minute, hour or day ("60/minute"), counted in the cache (Redis in production) per address for
# anonymous callers and per person for the others.
API_RATE_ANONYMOUS = os.environ.get("API_RATE_ANONYMOUS", "60/minute")
API_RATE_PERSON = os.environ.get("API_RATE_PERSON", "600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "consult.api.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["consult.api.permissions.TokenScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["consult.api.throttles.AnonymousRate", "consult.api.throttles.PersonRate"],
    "DEFAULT_PAGINATION_CLASS": "consult.api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "consult.api.errors.json_error",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Migration policy consultations API",
    "DESCRIPTION": "Published consultations, figures, responses and reports; a focal point's draft answers.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ConsultationStatusEnum": "consult.models.Consultation.Status",
        "PositionStatusEnum": "consult.models.Position.Status",
        "ReportStatusEnum": "consult.models.Report.Status",
        "RecommendationStatusEnum": "consult.models.Recommendation.Status",
        "CoverageStatusEnum": "consult.selectors.coverage.CoverageStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "consult.api.schema.error_responses",
    ],
}

# Failed logins are throttled by django-axes: after AXES_FAILURE_LIMIT failures for one username
# from one address, that pair is locked out for AXES_COOLOFF_TIME hours; and per address, below.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# One address failing on many usernames (password spraying) is paused after this many failures,
# until none is newer than the cool-off; much higher than the per-username limit, so that an office
# behind one address is not paused by a few typos (consult/backends.py).
AXES_HANDLER = "consult.backends.LoginThrottle"
AXES_USERNAME_CALLABLE = "consult.backends.login_username"
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "30"))
LOGIN_ADDRESS_COOLOFF_MINUTES = int(os.environ.get("LOGIN_ADDRESS_COOLOFF_MINUTES", "15"))
# Behind N trusted reverse proxies, the client is the Nth address from the end of
# X-Forwarded-For; with none (the default) only REMOTE_ADDR is believed. The same address
# is used for the rate limits of public forms (consult.views.access.client_ip). Not
# django-ipware's proxy count: it takes the left-most address, which the client can forge.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "consult.views.access.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "consult:home"
LOGOUT_REDIRECT_URL = "consult:home"

# The six official UN languages; Arabic is laid out right to left (get_current_language_bidi).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Countries of organisations named as the UN names member and observer states ("Republic of
# Korea", "État de Palestine"), in the page's language, rather than django-countries' names.
COUNTRIES_OVERRIDE = countries_override()
TIME_ZONE = "UTC"
USE_I18N = True
# Dates in each language's order, day first in English and Arabic too (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Built reports and exports. Not served as static files: a view checks who may download them.
# With several machines, MEDIA_ROOT must be shared storage (or set STORAGES to object storage).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# An uploaded position paper is read in memory; the importer refuses anything larger.
POSITION_PAPER_MAX_BYTES = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = POSITION_PAPER_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = POSITION_PAPER_MAX_BYTES + 1024 * 1024
# A file of responses (import) or an offline questionnaire: larger files are streamed to a
# temporary file by Django, then refused by the form above this size.
RESPONSE_IMPORT_MAX_BYTES = int(os.environ.get("RESPONSE_IMPORT_MAX_BYTES", 50 * 1024 * 1024))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail goes to the console unless EMAIL_HOST names an SMTP server.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_flag("EMAIL_USE_TLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "consultation@localhost")

# HTTPS in production (DEBUG off), each part switchable from the environment. A server tried
# over plain http on the loopback (tests, benchmarks) sets SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0.
# HSTS is sent on HTTPS responses only; "preload" in it only allows the operator to submit the
# domain to the browsers' list (hstspreload.org): set SECURE_HSTS_PRELOAD=0 if that is not wanted.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = env_flag("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_flag("SECURE_COOKIES", True)
# Behind a proxy that terminates TLS, the header it sets on HTTPS requests (X-Forwarded-Proto:
# https); only set it when the proxy always sets or strips that header, or clients could fake it.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + os.environ["SECURE_PROXY_SSL_HEADER"].upper().replace("-", "_"), "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
# Neither cookie is sent on cross-site POSTs. The CSRF cookie stays readable by our scripts:
# autosave takes the token from it, as logging in again in another tab changes it.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere: scripts and stylesheets come from our own static files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
# SQLite (the demo) has no NULLS NOT DISTINCT; PostgreSQL, where the data lives, enforces it.
SILENCED_SYSTEM_CHECKS = ["models.W047"]
