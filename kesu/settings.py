"""Kesu settings. Every value comes from the environment with a safe local default.

Environment variables:
    KESU_DATA_DIR    where the SQLite database, media and the generated secret key live (./var)
    DATABASE_URL     e.g. postgres://user@127.0.0.1:5432/kesu or sqlite:///path (default: SQLite in KESU_DATA_DIR)
    DATABASE_REPLICA_URL  a streaming replica of it that reports and exports read (default: none)
    SECRET_KEY       Django secret key (default: generated once into KESU_DATA_DIR/secret_key)
    DEBUG            1 to turn on Django's debug mode (default: 0)
    ALLOWED_HOSTS    comma-separated host names (default: 127.0.0.1,localhost)
    COMPLAINT_NUMBER_PREFIX  prefix of complaint numbers (default: KS)
    TIME_ZONE        (default: Asia/Shanghai)
    KESU_ATTACHMENT_MAX_MB   largest attachment (photo, video, call recording) in MB (default: 50)
    KESU_TRANSACTION_POOLER  1 behind PgBouncer in transaction mode (default: 0)
"""

import datetime as dt
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from kesu.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("KESU_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "huey.contrib.djhuey",
    "kesu.accounts.apps.AxesConfig",  # django-axes, under a translated name
    "kesu.accounts",
    "kesu.customers",
    "kesu.processes",
    "kesu.complaints",
    "kesu.clocks",
    "kesu.notifications",
    "kesu.tasks",
    "kesu.followups",
    "kesu.accountability",
    "kesu.improvements",
    "kesu.cases",
    "kesu.attachments",
    "kesu.mailin",
    "kesu.portal",
    "kesu.reports",
    "kesu.triage",
    "kesu.web",
    "kesu.core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kesu.lib.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "kesu.lib.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Guessing passwords (django-axes counts failed sign-ins in the database, for every worker): after
# 5 failures for one username from one address, that pair may not sign in for 15 minutes, on the
# sign-in page, the admin and POST /api/v1/auth/token alike. A successful sign-in clears the count.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "kesu.accounts.backends.StaffBackend"]
AXES_FAILURE_LIMIT = env_int("KESU_SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("KESU_SIGN_IN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kesu.accounts.sign_in.keep_kesu_answer"

ROOT_URLCONF = "kesu.urls"
WSGI_APPLICATION = "kesu.wsgi.application"

FORM_RENDERER = "kesu.web.form_rendering.KesuFormRenderer"
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
                "django.template.context_processors.i18n",
                "kesu.web.context_processors.pages",
            ],
        },
    },
]


def _database(variable: str = "DATABASE_URL") -> dict:
    default_url = f"sqlite:///{DATA_DIR / 'kesu.sqlite3'}"
    config = dj_database_url.parse(env_str(variable, default_url), conn_max_age=60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # IMMEDIATE: a writing transaction takes the write lock at BEGIN, so two writers
            # queue on busy_timeout instead of failing with "database is locked" mid-way.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # One test database per test run, so that two runs side by side never share one.
        config["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        if env_bool("KESU_TRANSACTION_POOLER", False):
            # PgBouncer in transaction mode: each transaction may get another server connection, so
            # nothing may outlive one (prepared statements, WITH HOLD cursors, startup options).
            config["DISABLE_SERVER_SIDE_CURSORS"] = True
        else:
            # Short queries: compiling one with JIT costs more (~50 ms) than it saves.
            config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
            # Prepared statements: a query run 5 times on a connection is planned once, not every time.
            # Planning a list (five joined tables, 23 indexes) cost PostgreSQL more than running it.
            config["OPTIONS"].update(server_side_binding=True, prepare_threshold=5)
    return config


DATABASES = {"default": _database()}
if env_str("DATABASE_REPLICA_URL"):
    # A streaming replica of the primary: reports and exports read it (kesu.lib.replica).
    DATABASES["replica"] = {**_database("DATABASE_REPLICA_URL"), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["kesu.lib.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True  # an address typed without a scheme is https (Django 6's default)
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "kesu" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Front-end packages come from npm (package.json, `npm ci`); only the files the pages use are served.
NODE_MODULES_DIR = BASE_DIR / "node_modules"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "kesu.web.finders.NodeModulesFinder",
]
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Sign-in for the pages.
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Uploads: attachments (photos, video, call recordings) up to KESU_ATTACHMENT_MAX_MB each; larger
# uploads go to a temporary file instead of memory; other form posts stay small.
ATTACHMENT_MAX_BYTES = env_int("KESU_ATTACHMENT_MAX_MB", 50) * 1024 * 1024
API_TOKEN_DAYS = env_int("KESU_API_TOKEN_DAYS", 30)
# Exports of the complaint list (written by the worker) are kept this many days, then deleted.
EXPORT_KEEP_DAYS = env_int("KESU_EXPORT_KEEP_DAYS", 7)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

COMPLAINT_NUMBER_PREFIX = env_str("COMPLAINT_NUMBER_PREFIX", "KS")

# Where Kesu is reached from outside: the links in messages (a complaint, a survey, tracking).
BASE_URL = env_str("KESU_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# The outbox: every message Kesu sends is a row, sent by the worker (kesu.notifications.outbox).
OUTBOX_THREADS = env_int("KESU_OUTBOX_THREADS", 4)
OUTBOX_LEASE_SECONDS = env_int("KESU_OUTBOX_LEASE_SECONDS", 300)
OUTBOX_HTTP_TIMEOUT = env_int("KESU_OUTBOX_HTTP_TIMEOUT", 10)
OUTBOX_NUDGE = True  # a committed message asks the worker to send now, not at the next minute
WEBHOOK_ALLOW_PRIVATE = env_bool("KESU_WEBHOOK_ALLOW_PRIVATE", False)
DIGEST_HOUR = env_int("KESU_DIGEST_HOUR", 9)  # the group robots' daily digest, local time

# E-mail: off unless EMAIL_HOST is set; then staff notifications and customer messages go by e-mail.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_ENABLED = bool(EMAIL_HOST)
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kesu@localhost")
MAIL_DOMAIN = env_str("KESU_MAIL_DOMAIN", DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost")
# Inbound e-mail (kesu.mailin): the mailboxes are set up in the admin; the worker polls them.
MAILIN_TIMEOUT = env_int("KESU_MAILIN_TIMEOUT", 30)

# SMS: off unless KESU_SMS_PROVIDER is set (aliyun or tencent) with its credentials.
SMS_PROVIDER = env_str("KESU_SMS_PROVIDER")
SMS_ACCESS_KEY_ID = env_str("KESU_SMS_ACCESS_KEY_ID")
SMS_ACCESS_KEY_SECRET = env_str("KESU_SMS_ACCESS_KEY_SECRET")
SMS_SIGN_NAME = env_str("KESU_SMS_SIGN_NAME")
SMS_SDK_APP_ID = env_str("KESU_SMS_SDK_APP_ID")  # Tencent only
SMS_REGION = env_str("KESU_SMS_REGION", "ap-guangzhou")  # Tencent only
SMS_ENDPOINT = env_str("KESU_SMS_ENDPOINT")  # default: the provider's own
SMS_PER_NUMBER = {
    "minute": env_int("KESU_SMS_PER_NUMBER_MINUTE", 1),
    "hour": env_int("KESU_SMS_PER_NUMBER_HOUR", 5),
    "day": env_int("KESU_SMS_PER_NUMBER_DAY", 10),
}
# The verification code's approved SMS template (its one parameter: `code`).
SMS_CODE_TEMPLATE = env_str("KESU_SMS_CODE_TEMPLATE")

# The customer portal (kesu.portal): the proof-of-work's cost (PBKDF2 iterations per try; a phone
# solves the default in about a second), how long a form must have been open before it is sent,
# the limits per address and per phone, and who may put the embeddable form in a frame.
PORTAL_CHALLENGE_COST = env_int("KESU_PORTAL_CHALLENGE_COST", 5000)
PORTAL_MIN_FILL_SECONDS = env_int("KESU_PORTAL_MIN_FILL_SECONDS", 3)
PORTAL_REQUESTS_PER_ADDRESS_HOUR = env_int("KESU_PORTAL_REQUESTS_PER_ADDRESS_HOUR", 600)
PORTAL_SUBMITS_PER_ADDRESS_HOUR = env_int("KESU_PORTAL_SUBMITS_PER_ADDRESS_HOUR", 10)
PORTAL_SUBMITS_PER_PHONE_DAY = env_int("KESU_PORTAL_SUBMITS_PER_PHONE_DAY", 5)
PORTAL_LOOKUPS_PER_ADDRESS_HOUR = env_int("KESU_PORTAL_LOOKUPS_PER_ADDRESS_HOUR", 30)
PORTAL_CODES_PER_ADDRESS_HOUR = env_int("KESU_PORTAL_CODES_PER_ADDRESS_HOUR", 20)
PORTAL_WRONG_CODES_PER_NUMBER = env_int("KESU_PORTAL_WRONG_CODES_PER_NUMBER", 5)
PORTAL_REPLIES_PER_COMPLAINT_HOUR = env_int("KESU_PORTAL_REPLIES_PER_COMPLAINT_HOUR", 30)
PORTAL_EMBED_ORIGINS = env_list("KESU_PORTAL_EMBED_ORIGINS", [])
# Behind a reverse proxy that sets X-Forwarded-For, how many proxies to trust (0: the peer's address).
TRUSTED_PROXIES = env_int("KESU_TRUSTED_PROXIES", 0)

# Served over HTTPS (KESU_HTTPS=1, production): cookies only over HTTPS, plain HTTP redirected, HSTS
# for a year (KESU_HSTS_SECONDS) with subdomains and preload. Behind a proxy that ends TLS
# (KESU_TRUSTED_PROXIES > 0), its X-Forwarded-Proto says the request came over HTTPS.
HTTPS = env_bool("KESU_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("KESU_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# Forms posted from another origin than Kesu's own address are refused (CSRF), unless named here.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", ["{0.scheme}://{0.netloc}".format(urlsplit(BASE_URL))])
X_FRAME_OPTIONS = "DENY"
# The API's docs and schema: open on a local Kesu, for signed-in staff only once served over HTTPS.
API_DOCS_PUBLIC = env_bool("KESU_API_DOCS_PUBLIC", not HTTPS)

# Triage (kesu.triage): a model's suggestions are shown at intake only for the targets (category,
# department, priority) whose held-out accuracy reaches this share.
TRIAGE_MIN_ACCURACY = env_int("KESU_TRIAGE_MIN_ACCURACY_PERCENT", 70) / 100

# Background work (Huey): SQLite next to the database by default, Redis when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL")
HUEY = {
    "name": "kesu",
    "immediate": False,
    "consumer": {"workers": 2, "worker_type": "thread"},
    **(
        {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
        if REDIS_URL
        else {"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "huey.sqlite3")}
    ),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"huey": {"propagate": False}},  # the consumer logs through its own handler
}
