"""Settings for the 部门整体支出绩效评价自评 system.

Everything that differs between a developer's machine and production comes from the
environment; see README.md for the variables.
"""
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() not in {"0", "false", "no", "off", ""}


def database_from_url(url):
    """Translate a postgres:// DATABASE_URL into Django's DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"Unsupported DATABASE_URL scheme: {parsed.scheme}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": unquote(parsed.hostname or ""),
        "PORT": str(parsed.port or ""),
        "ATOMIC_REQUESTS": False,
        "CONN_MAX_AGE": int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    }


def keyring_from_env(name, value):
    """Parse "id:key,id:key" (the first signs, the others still verify) into an ordered {id: key}."""
    keys = {}
    for entry in filter(None, (part.strip() for part in value.split(","))):
        key_id, sep, key = entry.partition(":")
        key_id = key_id.strip()
        if not sep or not key or not re.fullmatch(r"[A-Za-z0-9._-]{1,32}", key_id):
            raise ImproperlyConfigured(
                f"{name}: each entry is <id>:<key> (id of at most 32 letters, digits, '.', '-', '_'), e.g. 2026a:<key>")
        if key_id in keys:
            raise ImproperlyConfigured(f"{name}: key id {key_id!r} appears twice")
        keys[key_id] = key
    return keys


# --- Core -----------------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG=0")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

# --- Applications ---------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "departments",
    "scoring",
    "reports",
    "targets",
    "budgets",
    "audit",
    "backups",
    "evidence",
    "rescue",
    "jobs",
    "sampling",
    "followup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "evalsite.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "evidence.uploads.EvidenceUploadMiddleware",  # before CSRF: its token check is the first to read the body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.middleware.AuditMiddleware",
    "rescue.middleware.KeepInputMiddleware",  # wraps SessionTimeoutMiddleware: keeps what an expired session posts
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.PasswordPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "evalsite.urls"
WSGI_APPLICATION = "evalsite.wsgi.application"

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
            ],
            "libraries": {"paging": "evalsite.paging"},
        },
    },
]

# --- Database -------------------------------------------------------------------------------
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("DJANGO_SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # SQLite locks the whole database to write. A transaction that starts as a reader and then
            # writes fails at once ("database is locked") when another wrote meanwhile; one that takes the
            # write lock when it begins waits its turn instead (up to `timeout` seconds). So concurrent
            # approvals or saves queue up rather than answer 500.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",  # first: refuses locked-out accounts before any password check
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.AdminRoleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.validators.UsernameNotContainedValidator"},
    {"NAME": "accounts.validators.PasswordHistoryValidator", "OPTIONS": {"history": 5}},
]

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and stored files ----------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Stored files (evidence, archived PDFs) go through Django's storage API, nowhere else. MEDIA_ROOT is the one
# file store several app servers share (a mounted volume); nothing serves it: files leave only through
# permission-checked views, so there is no MEDIA_URL route.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
STORAGES = {
    # FileSystemStorage's location follows MEDIA_ROOT (no OPTIONS, so a changed MEDIA_ROOT is followed too).
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Stored files are readable by the app's account only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Uploads being received are spooled here (the system's temporary directory by default) and moved into the
# storage once checked; evidence uploads never go to memory (evidence.uploads).
FILE_UPLOAD_TEMP_DIR = os.environ.get("DJANGO_FILE_UPLOAD_TEMP_DIR") or None

# --- Evidence (佐证材料) ------------------------------------------------------------------------
# Limits told at the upload field: one file, and all current files of one report together.
EVIDENCE_MAX_FILE_BYTES = int(os.environ.get("EVIDENCE_MAX_FILE_MB", "50")) * 1024 * 1024
EVIDENCE_MAX_REPORT_BYTES = int(os.environ.get("EVIDENCE_MAX_REPORT_MB", "300")) * 1024 * 1024
# A ZIP of evidence: at most this many members, unpacking to at most this many bytes.
EVIDENCE_MAX_ZIP_MEMBERS = int(os.environ.get("EVIDENCE_MAX_ZIP_MEMBERS", "200"))
EVIDENCE_MAX_ZIP_UNPACKED_BYTES = int(os.environ.get("EVIDENCE_MAX_ZIP_UNPACKED_MB", "200")) * 1024 * 1024

# --- Background jobs ------------------------------------------------------------------------
# Django's Tasks API (the django-tasks backport) on the database backend: a task is a row in the
# database, so any number of `manage.py jobs_worker` processes on any machine sharing the database run them
# (docs/deployment.md). jobs.Job is the user-visible record with progress, result and cancellation.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A worker records that it is alive this often; one silent for JOBS_WORKER_STALE_SECONDS is taken for dead,
# and the jobs it was running are started again (at most JOBS_MAX_ATTEMPTS times in all).
JOBS_HEARTBEAT_SECONDS = int(os.environ.get("JOBS_HEARTBEAT_SECONDS", "10"))
JOBS_WORKER_STALE_SECONDS = int(os.environ.get("JOBS_WORKER_STALE_SECONDS", "120"))
JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", "3"))
# A job worker lowers its own scheduling priority by this niceness when it starts, so that on a machine it
# shares with the app servers (make run, a small office) people's pages come before a yearly workbook; 0 keeps it.
JOBS_WORKER_NICE = int(os.environ.get("JOBS_WORKER_NICE", "10"))
# Periodic chores the workers' heartbeat runs (jobs.chores), seconds between runs; 0 turns one off.
JOBS_CHORE_SECONDS = {
    "audit_anchor": int(os.environ.get("JOBS_AUDIT_ANCHOR_SECONDS", "3600")),
    "expire_sessions": int(os.environ.get("JOBS_EXPIRE_SESSIONS_SECONDS", "300")),
    "purge_kept_input": int(os.environ.get("JOBS_PURGE_KEPT_INPUT_SECONDS", "3600")),
}

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 30 * 60
# Off: a request writes the session only when it changes it (accounts.middleware refreshes the last
# request time at most once per ACCOUNTS_SESSION_TOUCH_SECONDS). The cookie needs no refresh: it has no
# expiry of its own (SESSION_EXPIRE_AT_BROWSER_CLOSE below).
SESSION_SAVE_EVERY_REQUEST = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)

# --- Authentication hardening (GB/T 22239-2019 level 3) ------------------------------------
# Passwords expire after this many days and must then be changed (0 turns expiry off).
ACCOUNTS_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("ACCOUNTS_PASSWORD_MAX_AGE_DAYS", "90"))
# Sessions end after this long without a request, and this long after login whatever happens.
ACCOUNTS_SESSION_IDLE_SECONDS = int(os.environ.get("ACCOUNTS_SESSION_IDLE_SECONDS", str(30 * 60)))
ACCOUNTS_SESSION_ABSOLUTE_SECONDS = int(os.environ.get("ACCOUNTS_SESSION_ABSOLUTE_SECONDS", str(12 * 60 * 60)))
# The stored last request time is refreshed (and the session written) only once it is this old, at most a
# tenth of the idle limit: a session may end up to this much before IDLE after the last request, never after.
ACCOUNTS_SESSION_TOUCH_SECONDS = int(os.environ.get("ACCOUNTS_SESSION_TOUCH_SECONDS", "60"))
# The stored session outlives the idle limit so that accounts.middleware sees an idle session end (and
# records it); sessions nobody comes back to are ended and recorded by `manage.py expire_sessions`.
SESSION_COOKIE_AGE = ACCOUNTS_SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A form posted after the session ended is kept this long for its owner (rescue); the page warns this long
# before the idle limit, with 继续编辑 to renew the session.
RESCUE_KEEP_SECONDS = int(os.environ.get("RESCUE_KEEP_SECONDS", str(24 * 60 * 60)))
RESCUE_WARN_SECONDS = 120
# TOTP second factor (django-otp): off by default; when on, every user enrols a device at first login.
ACCOUNTS_TOTP_REQUIRED = env_bool("ACCOUNTS_TOTP_REQUIRED", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "绩效自评系统")
# django-axes: 5 failures lock the account name *from that address* (known or not, so both answer
# alike); the cool-off doubles with each further lockout of the pair within a day (accounts/lockout.py,
# docs/security.md): nobody can lock a reviewer out from another machine.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
ACCOUNTS_LOCKOUT_BASE_MINUTES = int(os.environ.get("AXES_COOLOFF_MINUTES", "30"))
AXES_COOLOFF_TIME = "accounts.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The same client address the audit log records (AUDIT_CLIENT_IP_HEADER behind a proxy).
AXES_CLIENT_IP_CALLABLE = "audit.services.client_ip"
# Never store what was typed into a password or code field in axes' attempt rows.
AXES_SENSITIVE_PARAMETERS = ["old_password", "new_password1", "new_password2", "otp_token", "csrfmiddlewaretoken"]
# Lockout notices to the security admins (accounts/lockout.py) go out by e-mail.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "evalsite@localhost")
# Follow-up notices and deadline reminders (followup.notices) also go out by e-mail once an SMTP server is set.
REMINDERS_BY_EMAIL = bool(os.environ.get("EMAIL_HOST")) or os.environ.get("REMINDERS_BY_EMAIL") == "1"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins and logouts are in the audit log already

# --- Audit log ------------------------------------------------------------------------------
# Days the audit log is kept; purge_audit and a system check refuse anything under 181.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "365"))
# Behind a reverse proxy, the request.META key holding the client address (e.g. HTTP_X_REAL_IP).
AUDIT_CLIENT_IP_HEADER = os.environ.get("AUDIT_CLIENT_IP_HEADER", "")
CSRF_FAILURE_VIEW = "audit.views.csrf_failure"
# Requests per client address and minute the public /verify/ page answers (audit.tallies); past it, HTTP 429.
VERIFY_RATE_PER_MINUTE = int(os.environ.get("VERIFY_RATE_PER_MINUTE", "20"))
# Key of the audit chain's HMAC (docs/security.md): its own secret, not SECRET_KEY (which signs cookies and is
# known to every app server's operator), never stored in the database, so someone who can write the database
# cannot recompute the chain. Required when debug is off.
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "")
if not AUDIT_HMAC_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("AUDIT_HMAC_KEY is required when DJANGO_DEBUG=0")
    AUDIT_HMAC_KEY = "dev-only-audit-key-never-use-in-production"
# Rotation (docs/security.md, `manage.py audit_rotate_key`): each row records the id of the key that chained it.
# AUDIT_HMAC_KEY_ID names the current key ("1", the id of every row written before key ids existed);
# AUDIT_HMAC_OLD_KEYS ("id:key,id:key") keeps the retired keys, so verify_audit checks older rows with theirs.
AUDIT_HMAC_KEY_ID = os.environ.get("AUDIT_HMAC_KEY_ID", "1").strip() or "1"
AUDIT_HMAC_OLD_KEYS = {}
for _entry in filter(None, (e.strip() for e in os.environ.get("AUDIT_HMAC_OLD_KEYS", "").split(","))):
    _key_id, _sep, _key = _entry.partition(":")
    if not (_sep and _key and re.fullmatch(r"[A-Za-z0-9_.-]{1,20}", _key_id)) or _key_id == AUDIT_HMAC_KEY_ID:
        raise ImproperlyConfigured(
            "AUDIT_HMAC_OLD_KEYS must be 'id:key,id:key' (ids of 1-20 letters, digits, '_', '.', '-', "
            "none equal to AUDIT_HMAC_KEY_ID)"
        )
    AUDIT_HMAC_OLD_KEYS[_key_id] = _key
if not re.fullmatch(r"[A-Za-z0-9_.-]{1,20}", AUDIT_HMAC_KEY_ID):
    raise ImproperlyConfigured("AUDIT_HMAC_KEY_ID must be 1-20 letters, digits, '_', '.' or '-'")
# Anchors (the chain's head hash, count and time, written by `manage.py audit_anchor` on a schedule and by every
# verify_audit) go to this file, outside the database: ideally a mount of another machine or a write-once store.
AUDIT_ANCHOR_PATH = os.environ.get("AUDIT_ANCHOR_PATH", str(BASE_DIR / "var" / "audit-anchors.jsonl"))
# Only the test settings set this: it lets Django's test runner empty the audit table between tests (TRUNCATE on
# PostgreSQL, DELETE on SQLite), which the append-only triggers refuse otherwise.
AUDIT_TEST_FLUSH = False

# --- Backups --------------------------------------------------------------------------------
# Keys of the backup manifest's HMAC (docs/security.md), "id:key,id:key": the first signs new backups, every one
# listed still verifies (rotation: put the new key first, drop an old one once no backup it signed is kept). Keys of
# their own, not SECRET_KEY nor AUDIT_HMAC_KEY, and never written into a backup. Required when debug is off.
BACKUP_HMAC_KEYS = keyring_from_env("BACKUP_HMAC_KEYS", os.environ.get("BACKUP_HMAC_KEYS", ""))
if not BACKUP_HMAC_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("BACKUP_HMAC_KEYS is required when DJANGO_DEBUG=0")
    BACKUP_HMAC_KEYS = {"dev": "dev-only-backup-key-never-use-in-production"}
# AES-256-GCM key of `backup_create --encrypt` (32 random bytes, base64); restore and verify read encrypted
# backups with it. Optional: without it, backups are signed but not encrypted.
BACKUP_ENCRYPTION_KEY = os.environ.get("BACKUP_ENCRYPTION_KEY", "")

# --- Production hardening -------------------------------------------------------------------
# Content-Security-Policy sent on every response by evalsite.security (no inline script or style).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # Static files straight from gunicorn (make serve); a front proxy may serve them instead.
    MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                      "whitenoise.middleware.WhiteNoiseMiddleware")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    if os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER"):
        # e.g. "HTTP_X_FORWARDED_PROTO" when TLS ends at a proxy that sets it (and strips it from clients).
        SECURE_PROXY_SSL_HEADER = (os.environ["DJANGO_SECURE_PROXY_SSL_HEADER"], "https")

# --- Application ----------------------------------------------------------------------------
# 制表机关 printed on the cover when a bureau has none of its own.
EVAL_DEFAULT_BUREAU_NAME = os.environ.get("EVAL_BUREAU_NAME", "岳阳楼区财政局")
# The installation's public address: an approved PDF's QR code and short link name its verification page under it.
EVAL_PUBLIC_BASE_URL = os.environ.get("EVAL_PUBLIC_BASE_URL", "http://localhost:8000")
# The largest PDF the public verification page compares with an approved one (hashed as it arrives, never stored).
EVAL_VERIFY_UPLOAD_MAX_BYTES = int(os.environ.get("EVAL_VERIFY_UPLOAD_MAX_MB", "20")) * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
