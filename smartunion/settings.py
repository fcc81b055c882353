"""Settings for smartunion, read from the environment (see docs/operator-guide.md)."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from smartunion.core.devkeys import KEY_NAMES, ensure_dev_keys
from smartunion.core.env import env_bool, env_int, env_list, env_str, load_env_file

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SMARTUNION_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# Development keys are generated into an ignored file so `make run` needs no set-up; with DEBUG
# off they are never generated and the server refuses to start without real ones.
LOCAL_KEYS_FILE = BASE_DIR / ".local" / "keys.env"
if DEBUG or env_bool("SMARTUNION_DEV_KEYS", False):
    ensure_dev_keys(LOCAL_KEYS_FILE)
    load_env_file(LOCAL_KEYS_FILE)
_missing = [name for name in KEY_NAMES if not env_str(name)]
if _missing:
    raise ImproperlyConfigured(
        "Missing keys: " + ", ".join(_missing) + ". Set them (or NAME_FILE) in the environment; "
        "see docs/operator-guide.md. For development run with DEBUG=1."
    )

SECRET_KEY = env_str("SECRET_KEY")
SMARTUNION_PII_KEYS = env_str("SMARTUNION_PII_KEYS")
SMARTUNION_INDEX_KEY = env_str("SMARTUNION_INDEX_KEY")
# "sm4" (国密 SM4-GCM + HMAC-SM3, the default) or "aes" (AES-256-GCM + HMAC-SHA256).
SMARTUNION_CRYPTO = env_str("SMARTUNION_CRYPTO", "sm4")
if SMARTUNION_CRYPTO not in ("sm4", "aes"):
    raise ImproperlyConfigured(f"SMARTUNION_CRYPTO={SMARTUNION_CRYPTO!r}: use sm4 or aes")
# The province of this deployment (GB/T 2260 two-digit code); 62 = 甘肃省.
SMARTUNION_PROVINCE = env_str("SMARTUNION_PROVINCE", "62")
if not (SMARTUNION_PROVINCE.isdigit() and len(SMARTUNION_PROVINCE) == 2):
    raise ImproperlyConfigured(f"SMARTUNION_PROVINCE={SMARTUNION_PROVINCE!r} is not a 2-digit code")
# Age limits on joining (DOMAIN.md §3); provinces may differ.
SMARTUNION_MIN_JOIN_AGE = env_int("SMARTUNION_MIN_JOIN_AGE", 16)
SMARTUNION_MAX_JOIN_AGE = env_int("SMARTUNION_MAX_JOIN_AGE", 100)
SMARTUNION_API_TOKEN_HOURS = env_int("SMARTUNION_API_TOKEN_HOURS", 12)
# Requests per client address to the public 附近驿站 API (N/s, N/m, N/h or N/d; empty: no
# limit), counted in the database (smartunion/core/ratelimit.py, docs/decisions/0006).
SMARTUNION_NEAREST_RATE = env_str("SMARTUNION_NEAREST_RATE", "120/m")
# How many proxies in front of the server append to X-Forwarded-For (nginx: 1); 0 when
# gunicorn faces the clients itself. The client address of a rate limit depends on it.
SMARTUNION_TRUSTED_PROXIES = env_int("SMARTUNION_TRUSTED_PROXIES", 0)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

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
    "django_tasks_db",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "smartunion.core",
    "smartunion.regions",
    "smartunion.accounts",
    "smartunion.orgs",
    "smartunion.members",
    "smartunion.imports",
    "smartunion.venues",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost of ours: every answer under /api/ is JSON, whichever layer produced it.
    "smartunion.core.api.ApiErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "smartunion.core.middleware.RefuseControlCharacters",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "smartunion.urls"
WSGI_APPLICATION = "smartunion.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "smartunion" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        # An empty DATABASE_URL means the default, so `DATABASE_URL= make …` picks SQLite.
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'smartunion.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while the task worker writes; IMMEDIATE transactions take
    # the write lock up front so two writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "smartunion.accounts.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
# Lock by account, not by address: a county office's staff share one NAT address on the
# government intranet, and locking by IP would lock all of them out at once.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "smartunion" / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "smartunion" / "static"]
# Front-end libraries (Leaflet, ECharts) are npm dependencies with a committed lockfile; their
# dist folders are served from node_modules, never copied into the repository by hand.
NODE_MODULES = BASE_DIR / "node_modules"
for _package in ("leaflet", "echarts"):
    if (NODE_MODULES / _package / "dist").exists():
        STATICFILES_DIRS.append((f"vendor/{_package}", NODE_MODULES / _package / "dist"))
# In development whitenoise serves straight from the finders (no collectstatic needed for
# `make run`); in production from STATIC_ROOT after `manage.py collectstatic`.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY") else None
)

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", *env_list("SMARTUNION_TILE_HOSTS", [])],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Every log record of the process has ID, phone and bank card numbers replaced before any
# handler sees it (smartunion/core/redact.py): gunicorn's access log, runserver's, Django's.
LOGGING_CONFIG = "smartunion.core.redact.configure_logging"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Every file uploaded through a page or the API (imports, venue photos…): checked while it
# streams in, before anything is written (smartunion/core/uploads.py). Imports of bigger files
# run from the command line (manage.py import_members FILE), which reads them in place.
SMARTUNION_UPLOAD_MAX_MB = env_int("SMARTUNION_UPLOAD_MAX_MB", 50)
FILE_UPLOAD_HANDLERS = [
    "smartunion.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Listing pages never count 2.3 million rows: lists paginate by keyset/"has next" only.
SMARTUNION_PAGE_SIZE = env_int("SMARTUNION_PAGE_SIZE", 50)
# Import files this size or bigger are read, checked and prepared by a second process while
# the committing one writes (PostgreSQL): smartunion.imports.services._prepare_in_process.
SMARTUNION_IMPORT_PROCESS_BYTES = env_int("SMARTUNION_IMPORT_PROCESS_BYTES", 1024**2)
# The most rows an xlsx download from a page may have (~40 s of writing here; CSV has no
# limit, it streams): a longer one is offered as a background export (imports/export_jobs.py).
SMARTUNION_EXPORT_XLSX_WEB_ROWS = env_int("SMARTUNION_EXPORT_XLSX_WEB_ROWS", 300_000)
# How long a background export's file is kept (encrypted) for its owner to download.
SMARTUNION_EXPORT_KEEP_HOURS = env_int("SMARTUNION_EXPORT_KEEP_HOURS", 24)
