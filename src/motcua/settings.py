"""motcua settings. Everything a deployment changes comes from the environment (see docs/configuration.md).

The demo and the tests need no variable at all: SQLite in var/, files in var/storage, mail to the console,
tasks run inline unless MOTCUA_TASKS_BACKEND=database (make demo starts a worker for that).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from motcua.env import (
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_path,
    env_str,
)

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = env_path("MOTCUA_VAR_DIR", BASE_DIR / "var")

DEBUG = env_bool("DEBUG", False)
_INSECURE_DEMO_KEY = "motcua-demo-only-not-secret"
SECRET_KEY = env_str("SECRET_KEY", _INSECURE_DEMO_KEY)
if not DEBUG and SECRET_KEY == _INSECURE_DEMO_KEY and env_bool("MOTCUA_REQUIRE_SECRET_KEY", False):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set in production (MOTCUA_REQUIRE_SECRET_KEY=1)")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "motcua.audit",
    "motcua.catalog",
    "motcua.identity",
    "motcua.worktime",
    "motcua.dossiers",
    "motcua.workflow",
    "motcua.signatures",
    "motcua.certification",
    "motcua.warehouse",
    "motcua.connectors",
    "motcua.reports",
    "motcua.notifications",
    "motcua.documents",
    "motcua.backoffice",
    "motcua.portal",
    "motcua.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", ""),
        sqlite_default=VAR_DIR / "motcua.sqlite3",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
# The seam for electronic identity: an OpenID Connect (VNeID-style) backend is added to this list.
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:my_dossiers"
LOGOUT_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
FORMAT_MODULE_PATH = ["motcua.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# whitenoise warns when the folder is missing; nothing is collected there by default.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve app static files straight from their folders (no collectstatic step for the demo).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads: streamed to a temp file past 64 KiB, never held whole in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None
MOTCUA_STORAGE_BACKEND = env_choice("MOTCUA_STORAGE_BACKEND", "filesystem", ("filesystem", "s3"))
MOTCUA_STORAGE_DIR = env_path("MOTCUA_STORAGE_DIR", VAR_DIR / "storage")
# Hard cap on any single upload, whatever the catalog says (bytes).
MOTCUA_MAX_UPLOAD_BYTES = env_int("MOTCUA_MAX_UPLOAD_BYTES", 50 * 1024 * 1024, minimum=1)
MEDIA_ROOT = MOTCUA_STORAGE_DIR
# The demo/test PKI (make_demo_pki) and the base URL its certificates name for CRL and OCSP.
MOTCUA_PKI_DIR = env_path("MOTCUA_PKI_DIR", VAR_DIR / "pki")
MOTCUA_PKI_BASE_URL = env_str("MOTCUA_PKI_BASE_URL", "http://127.0.0.1:8731/")
# Sealing what agencies issue (R-RES-1): an RFC 3161 timestamp authority, if any (empty = sign without a
# timestamp; `make demo` points it at the loopback TSA of `manage.py pki_services`, http://127.0.0.1:8731/tsa);
# RSA-PSS (R-SIG-2) or, for receivers that cannot verify it, PKCS#1 v1.5; whether a result may be issued
# without the agency's seal (never in production); where installed .p12 key files are kept.
MOTCUA_TSA_URL = env_str("MOTCUA_TSA_URL", "")
MOTCUA_SEAL_RSA_PSS = env_bool("MOTCUA_SEAL_RSA_PSS", True)
MOTCUA_SEAL_REQUIRED = env_bool("MOTCUA_SEAL_REQUIRED", True)
MOTCUA_KEYS_DIR = env_path("MOTCUA_KEYS_DIR", VAR_DIR / "keys")
# Signature verification (R-SIG-1). Revocation: "hard" = CRL/OCSP unreachable -> indeterminate;
# "soft" = the revocation check shows "unknown", and the verdict is still indeterminate (never a silent valid).
MOTCUA_REVOCATION_POLICY = env_choice("MOTCUA_REVOCATION_POLICY", "hard", ("hard", "soft"))
MOTCUA_REVOCATION_TIMEOUT = env_int("MOTCUA_REVOCATION_TIMEOUT", 5, minimum=1)  # seconds per request
# Limits per verified file: size, wall-clock seconds, memory of the worker process, decoded PDF streams.
MOTCUA_VERIFY_MAX_BYTES = env_int("MOTCUA_VERIFY_MAX_BYTES", MOTCUA_MAX_UPLOAD_BYTES, minimum=1)
MOTCUA_VERIFY_TIMEOUT = env_int("MOTCUA_VERIFY_TIMEOUT", 60, minimum=1)
MOTCUA_VERIFY_MEMORY_MB = env_int("MOTCUA_VERIFY_MEMORY_MB", 1024, minimum=64)
MOTCUA_VERIFY_MAX_DECODED_BYTES = env_int("MOTCUA_VERIFY_MAX_DECODED_BYTES", 256 * 1024 * 1024, minimum=1)
# Verifications run in this many long-lived worker processes (limits enforced there); 0 = in this process.
MOTCUA_VERIFY_WORKERS = env_int("MOTCUA_VERIFY_WORKERS", 2, minimum=0)

# State databases read for prefill and the officials' cross-check (R-ONCE-1, R-CHK-2): per connector its base
# URL (empty = not connected: its fields are typed by the applicant), the client id it knows us by, the NAME of
# the environment variable holding the shared HMAC secret (the secret itself never sits in settings), and the
# timeout per request in milliseconds. `make demo` points them at `manage.py connector_sandbox` (port 8732).
MOTCUA_CONNECTORS = {
    name: {
        "base_url": env_str(f"MOTCUA_CONNECTOR_{name.upper()}_URL", ""),
        "client_id": env_str(f"MOTCUA_CONNECTOR_{name.upper()}_CLIENT_ID", "motcua"),
        "secret_env": env_str(f"MOTCUA_CONNECTOR_{name.upper()}_SECRET_ENV", "MOTCUA_CONNECTOR_SECRET"),
        "timeout_ms": env_int(f"MOTCUA_CONNECTOR_{name.upper()}_TIMEOUT_MS", 2000, minimum=1),
    }
    for name in ("population", "business", "results")
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "motcua <no-reply@motcua.local>")

# Background tasks: inline by default; "database" = django-tasks-db rows run by `manage.py db_worker`.
_TASKS_BACKEND = env_choice("MOTCUA_TASKS_BACKEND", "immediate", ("immediate", "database"))
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[_TASKS_BACKEND],
    }
}

# Working calendar (R-CAL-3): two sessions a day; agencies may override days in the admin.
MOTCUA_WORK_SESSIONS = env_str("MOTCUA_WORK_SESSIONS", "07:30-11:30,13:00-17:00")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "motcua.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    # How many reverse proxies stand in front; 0 = trust only REMOTE_ADDR (throttling cannot be dodged
    # with a forged X-Forwarded-For).
    "NUM_PROXIES": env_int("MOTCUA_NUM_PROXIES", 0, minimum=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "motcua API",
    "DESCRIPTION": "Dịch vụ công trực tuyến: thủ tục, hồ sơ, nộp hồ sơ và tiếp nhận tự động; tiếp nhận, "
    "giải quyết và trả kết quả hồ sơ của cán bộ Bộ phận Một cửa.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "kind" with its own choices: name each set in the schema.
    "ENUM_NAME_OVERRIDES": {
        "DecisionKindEnum": "motcua.workflow.models.Decision.Kind",
        "EventKindEnum": "motcua.dossiers.models.DossierEvent.Kind",  # the timeline, own and public
        "StepKindEnum": "motcua.workflow.models.ProcessingStep.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
X_FRAME_OPTIONS = "SAMEORIGIN"  # the check screen previews PDFs in a frame of our own origin
