"""Settings for smartunion, read from the environment (see docs/operator-guide.md)."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from smartunion.core.devkeys import KEY_NAMES, ensure_dev_keys
from smartunion.core.env import env_bool, env_int, env_list, env_str, load_env_file

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SMARTUNION_VAR_DIR", str(BASE_DIR / "var")))

# DEBUG=1 is development mode (`make run`, the tests): generated keys, static files from the
# finders, cookies over plain HTTP, uploads served by Django. Django's own DEBUG — error pages
# with tracebacks, settings and the URL list — is not part of it: whoever tries the platform
# sees the Chinese error pages of production, and tracebacks go to the log (LOGGING below).
# A developer who wants Django's pages sets SMARTUNION_TECHNICAL_ERRORS=1 as well.
DEVELOPMENT = env_bool("DEBUG", False)
DEBUG = DEVELOPMENT and env_bool("SMARTUNION_TECHNICAL_ERRORS", False)
# Development keys are generated into an ignored file so `make run` needs no set-up; with DEBUG
# off they are never generated and the server refuses to start without real ones.
LOCAL_KEYS_FILE = BASE_DIR / ".local" / "keys.env"
if DEVELOPMENT or env_bool("SMARTUNION_DEV_KEYS", False):
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
# 电子会员证 signing keys, "<key id>:<base64 key>" pairs: the first signs, all verify.
SMARTUNION_ECARD_KEYS = env_str("SMARTUNION_ECARD_KEYS")
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
# 二次验证 (TOTP): required at login for province, city and county admins and superusers, and
# for revealing full ID numbers by anyone (accounts/second_factor.py). Off only for demos and
# tests (`make run` turns it off, and the login page says so); `check --deploy` warns.
SMARTUNION_OTP_REQUIRED = env_bool("SMARTUNION_OTP_REQUIRED", True)
# Grassroots admins too at login (otherwise only when they reveal a full number).
SMARTUNION_OTP_GRASSROOTS = env_bool("SMARTUNION_OTP_GRASSROOTS", False)
OTP_TOTP_ISSUER = env_str("SMARTUNION_OTP_ISSUER", "智慧工会平台")
# Requests per client address to the public 附近驿站 API (N/s, N/m, N/h or N/d; empty: no
# limit), counted in the database (smartunion/core/ratelimit.py).
SMARTUNION_NEAREST_RATE = env_str("SMARTUNION_NEAREST_RATE", "120/m")
# The same for the public 困难职工自测 and 低保标准 API (per address, per route).
SMARTUNION_SELF_TEST_RATE = env_str("SMARTUNION_SELF_TEST_RATE", "60/m")
# 申请转入's lookups by name and ID number that find no current member, per staff account
# (members/services.py request_transfer): past it the account waits for the next slot.
SMARTUNION_TRANSFER_LOOKUP_RATE = env_str("SMARTUNION_TRANSFER_LOOKUP_RATE", "20/h")
# Workers' sign-in by SMS code (smartunion/portal, decision 0021): code requests per address
# and per number, the sender (a dotted SmsSender class) and the file outbox it writes to.
SMARTUNION_PORTAL_CODE_RATE = env_str("SMARTUNION_PORTAL_CODE_RATE", "100/m")
SMARTUNION_PORTAL_PHONE_RATE = env_str("SMARTUNION_PORTAL_PHONE_RATE", "5/h")
# Real-name binding attempts per worker (a number), and the public 会员证核验 per address.
SMARTUNION_PORTAL_BIND_RATE = env_str("SMARTUNION_PORTAL_BIND_RATE", "5/h")
SMARTUNION_VERIFY_RATE = env_str("SMARTUNION_VERIFY_RATE", "60/m")
# 网上入会 submissions per worker (a number), refused or not (portal/joining.py).
SMARTUNION_PORTAL_JOIN_RATE = env_str("SMARTUNION_PORTAL_JOIN_RATE", "10/h")
SMARTUNION_SMS_SENDER = env_str("SMARTUNION_SMS_SENDER", "smartunion.portal.sms.FileOutbox")
# smartunion.portal.sms.TencentSms: the API key pair (secrets: use NAME_FILE), the SMS app, the
# approved signature and the template of the sign-in code ({1} the code, {2} the minutes).
SMARTUNION_TENCENT_SMS_SECRET_ID = env_str("SMARTUNION_TENCENT_SMS_SECRET_ID", "")
SMARTUNION_TENCENT_SMS_SECRET_KEY = env_str("SMARTUNION_TENCENT_SMS_SECRET_KEY", "")
SMARTUNION_TENCENT_SMS_APP_ID = env_str("SMARTUNION_TENCENT_SMS_APP_ID", "")
SMARTUNION_TENCENT_SMS_SIGN_NAME = env_str("SMARTUNION_TENCENT_SMS_SIGN_NAME", "")
SMARTUNION_TENCENT_SMS_TEMPLATE_ID = env_str("SMARTUNION_TENCENT_SMS_TEMPLATE_ID", "")
# The template of 职工之家's notices ({1} the application's number, {2} what happened); empty:
# no SMS for them (the portal's 消息 still shows them).
SMARTUNION_TENCENT_SMS_NOTICE_TEMPLATE_ID = env_str("SMARTUNION_TENCENT_SMS_NOTICE_TEMPLATE_ID", "")
SMARTUNION_TENCENT_SMS_REGION = env_str("SMARTUNION_TENCENT_SMS_REGION", "ap-guangzhou")
SMARTUNION_SMS_OUTBOX = Path(env_str("SMARTUNION_SMS_OUTBOX", str(VAR_DIR / "sms-outbox")))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEVELOPMENT else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "smartunion.core.apps.StaticFilesConfig",  # django.contrib.staticfiles, npm extras left out
    "django.contrib.humanize",
    "django_htmx",
    # Before django_tasks_db: its db_worker command is ours, with a heartbeat (core/worker.py).
    "smartunion.core",
    "django_tasks_db",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "smartunion.regions",
    "smartunion.accounts",
    "smartunion.orgs",
    "smartunion.members",
    "smartunion.imports",
    "smartunion.venues",
    "smartunion.casework",
    "smartunion.assistance",
    "smartunion.legalaid",
    "smartunion.servicerequests",
    "smartunion.stats",
    "smartunion.portal",
    "smartunion.honours",
    "smartunion.contests",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost of ours: every answer under /api/ is JSON, whichever layer produced it.
    "smartunion.core.api.ApiErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "smartunion.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "smartunion.accounts.middleware.OTPMiddleware",  # django-otp's, reading less
    "smartunion.accounts.middleware.SecondFactorMiddleware",
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
        # Production keeps each worker's connection (a new PostgreSQL connection per request
        # costs a backend process: bench/load.py); a connection that broke is replaced.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if DEVELOPMENT else 60),
        conn_health_checks=True,
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
else:
    # PostgreSQL's JIT compiles every query whose estimated cost passes jit_above_cost: for the
    # statistics' grouped reads at the province that was 100–150 ms of compiling in a query of
    # 300–450 ms (入会率's 24-month trend 4.6 → 3.0 s, session 13). Off for this application's
    # connections unless DATABASE_URL sets its own ``options``.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # The values bound on the server, and a statement a connection runs for the fifth time
    # prepared there: PostgreSQL stops planning the short reads of pages and the API again at
    # every request (decision 0041: a quarter of its time in bench/load.py's staff mix; the
    # statistics' reads are planned for their values as before, core/plans.py). "off" for a
    # pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21):
    # the values are then merged into the text, as Django does by default.
    prepare = (env_str("DATABASE_PREPARE_THRESHOLD") or "5").strip().lower()
    if prepare != "off":
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = env_int(
            "DATABASE_PREPARE_THRESHOLD", 5
        )
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's, whose health check of a reused connection costs no round trip while the
        # server has sent nothing on it (core/postgresql/base.py).
        DATABASES["default"]["ENGINE"] = "smartunion.core.postgresql"
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
# Lock an account for the address the failures came from, not everywhere: a stranger who knows
# a username cannot lock its owner out from elsewhere, and a county office whose staff share
# one NAT address is not locked out together by one colleague's typing (locking by address
# alone would). Distributed guessing is what the second factor is for (second_factor.py).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "smartunion.core.net.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The task worker writes a heartbeat this often; /healthz calls it dead after the second.
SMARTUNION_WORKER_HEARTBEAT_SECONDS = env_int("SMARTUNION_WORKER_HEARTBEAT_SECONDS", 10)
SMARTUNION_WORKER_STALE_SECONDS = env_int("SMARTUNION_WORKER_STALE_SECONDS", 60)

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
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # The province's city and county boundaries from two npm packages that hold all of China:
    # only this province's files (venues/boundaries.py).
    "smartunion.venues.boundaries.BoundariesFinder",
]
# In development whitenoise serves straight from the finders (no collectstatic needed for
# `make run`); in production from STATIC_ROOT after `manage.py collectstatic`.
WHITENOISE_USE_FINDERS = DEVELOPMENT
WHITENOISE_AUTOREFRESH = DEVELOPMENT
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEVELOPMENT
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"

# Django's database sessions, whose rows join the account and its authenticator (one read
# before every view: accounts.sessions).
SESSION_ENGINE = "smartunion.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
# Whether browsers reach the site over HTTPS (directly, or through a proxy that terminates it):
# it decides secure cookies, the redirect to HTTPS and HSTS. Off only for an HTTP-only test bed.
SMARTUNION_HTTPS = env_bool("SMARTUNION_HTTPS", not DEVELOPMENT)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", SMARTUNION_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SMARTUNION_HTTPS and not DEVELOPMENT)
# A load balancer's or monitor's probe may come in plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS: browsers that saw the site over HTTPS refuse plain HTTP to it for a year.
SECURE_HSTS_SECONDS = env_int(
    "SECURE_HSTS_SECONDS", 365 * 24 * 3600 if SMARTUNION_HTTPS and not DEVELOPMENT else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Browsers' preload list is for hosts of the public internet; an intranet host asks for
# nothing by it, so the check that recommends it (security.W021) is silenced unless it is on.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
X_FRAME_OPTIONS = "DENY"
# A refused CSRF check gets the Chinese page with the navigation bar (core/views.py).
CSRF_FAILURE_VIEW = "smartunion.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
BEHIND_HTTPS_PROXY = env_bool("BEHIND_HTTPS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_HTTPS_PROXY else None
# How many reverse proxies append to X-Forwarded-For in front of the server (core/net.py): the
# client's address for the login lockout and the logs. 0 trusts no header.
SMARTUNION_TRUSTED_PROXIES = env_int("SMARTUNION_TRUSTED_PROXIES", 1 if BEHIND_HTTPS_PROXY else 0)

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", *env_list("SMARTUNION_TILE_HOSTS", [])],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Logs go to standard error (the process manager keeps them), tracebacks of server errors
# included: JSON lines in production, text lines in development, and a 500 page's 错误编号 is
# on the line of its traceback (core/logs.py). Every log record of the process has ID, phone
# and bank card numbers replaced before any handler sees it (core/redact.py): gunicorn's
# access log, runserver's, Django's.
SMARTUNION_LOG_FORMAT = env_str("SMARTUNION_LOG_FORMAT", "text" if DEVELOPMENT else "json")
if SMARTUNION_LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"SMARTUNION_LOG_FORMAT={SMARTUNION_LOG_FORMAT!r}: use json or text")
LOGGING_CONFIG = "smartunion.core.redact.configure_logging"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "smartunion.core.logs.JsonFormatter"},
        "text": {"()": "smartunion.core.logs.TextFormatter"},
    },
    "filters": {"error_reference": {"()": "smartunion.core.logs.ErrorReference"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": SMARTUNION_LOG_FORMAT,
            "filters": ["error_reference"],
        }
    },
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
# Case attachments (application forms, income proofs, photos): the largest file accepted, and
# where they are kept (encrypted; default VAR_DIR/case-files).
SMARTUNION_ATTACHMENT_MAX_BYTES = env_int("SMARTUNION_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
SMARTUNION_CASE_FILE_DIR = env_str("SMARTUNION_CASE_FILE_DIR", "")
