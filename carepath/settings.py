"""CarePath settings: one module, configured by the environment (12-factor).

Every value that differs between a laptop demo and production comes from an
environment variable (or a ``*_FILE`` holding it); see docs/configuration.md.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CAREPATH_VAR_DIR", default=str(BASE_DIR / "var")))

# FileAwareEnv also reads NAME_FILE (a path holding the value), for secrets mounted as files.
env = environ.FileAwareEnv(
    DEBUG=(bool, False),
    CAREPATH_DEMO=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    TIME_ZONE=(str, "Europe/London"),
    CAREPATH_LOCALE=(str, "en-gb"),
    CAREPATH_STAFF_IDLE_MINUTES=(int, 15),
    CAREPATH_PATIENT_IDLE_MINUTES=(int, 30),
    CAREPATH_IDLE_WARNING_SECONDS=(int, 120),
    CAREPATH_LOGIN_FAILURE_LIMIT=(int, 5),
    CAREPATH_LOCKOUT_MINUTES=(int, 30),
    CAREPATH_BREAK_GLASS_HOURS=(int, 8),
    CAREPATH_HSTS_SECONDS=(int, 31536000),
    CAREPATH_SECURE_COOKIES=(bool, True),
    CAREPATH_SSL_REDIRECT=(bool, True),
)

# The demo key is public (it is in this file), so production refuses it.
DEMO_SECRET_KEY = "carepath-demo-secret-key-not-for-production-0123456789abcdef"  # noqa: S105

DEBUG = env("DEBUG")
CAREPATH_DEMO = env("CAREPATH_DEMO")
SECRET_KEY = env.str("SECRET_KEY", default=DEMO_SECRET_KEY)
if not DEBUG and not CAREPATH_DEMO and SECRET_KEY == DEMO_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the public demo key. Set SECRET_KEY (or SECRET_KEY_FILE) "
        "to a long random value, or set DEBUG=1 / CAREPATH_DEMO=1 for a local demo."
    )

ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "ninja",
    "django_tasks_db",
    "carepath.accounts",
    "carepath.audit",
    "carepath.patients",
    "carepath.access",
    "carepath.alerts",
    "carepath.measures",
    "carepath.directory",
    "carepath.intake",
    "carepath.withdrawal",
    "carepath.treatment",
    "carepath.recovery",
    "carepath.family",
    "carepath.incentives",
    "carepath.ui",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "carepath.accounts.middleware.IdleTimeoutMiddleware",
    "carepath.accounts.middleware.StaffMustVerifyMiddleware",
    "carepath.accounts.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "carepath.urls"
WSGI_APPLICATION = "carepath.wsgi.application"
ASGI_APPLICATION = "carepath.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "carepath.ui.context.shell",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'carepath.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and a worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            # IMMEDIATE takes the write lock at BEGIN, so the audit chain head
            # is never a read-then-upgrade deadlock between two writers.
            "transaction_mode": "IMMEDIATE",
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Flash messages can name a person ("Enquiry logged for ..."): keep them server-side in the
# session, never in a readable (signed, not encrypted) cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
LOGIN_REDIRECT_URL = "ui:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout (django-axes): by username and address, so one attacker cannot lock out a ward.
AXES_FAILURE_LIMIT = env("CAREPATH_LOGIN_FAILURE_LIMIT")
AXES_COOLOFF_TIME = env("CAREPATH_LOCKOUT_MINUTES") / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token", "token"]

# Sessions: server-side, short-lived, never readable by scripts.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CAREPATH_STAFF_IDLE_SECONDS = env("CAREPATH_STAFF_IDLE_MINUTES") * 60
CAREPATH_PATIENT_IDLE_SECONDS = env("CAREPATH_PATIENT_IDLE_MINUTES") * 60
CAREPATH_IDLE_WARNING_SECONDS = env("CAREPATH_IDLE_WARNING_SECONDS")
CAREPATH_BREAK_GLASS_HOURS = env("CAREPATH_BREAK_GLASS_HOURS")

LANGUAGE_CODE = env("CAREPATH_LOCALE")
TIME_ZONE = env("TIME_ZONE")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages are served straight from node_modules (installed by the
# Makefile from package.json); nothing built is committed.
STATICFILES_DIRS = [
    ("uswds", NODE_MODULES / "@uswds" / "uswds" / "dist"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
    # Charts: the UMD builds (vega.min.js, vega-lite.min.js, vega-embed.min.js). The
    # CSP-safe expression interpreter (vega-interpreter) is bundled inside
    # vega-embed.min.js; its own package ships only an ES module, so it is not served.
    ("vega", NODE_MODULES / "vega" / "build"),
    ("vega-lite", NODE_MODULES / "vega-lite" / "build"),
    ("vega-embed", NODE_MODULES / "vega-embed" / "build"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# EMAIL_URL (django-environ syntax: consolemail://, smtp+tls://user:pass@host:587) is
# turned into Django 6.1's MAILERS. The demo prints mail to the console; production
# defaults to a local SMTP relay.
_email = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG or CAREPATH_DEMO else "smtp://localhost:25")
_email_options = {
    option: _email.get(key)
    for option, key in [("host", "EMAIL_HOST"), ("port", "EMAIL_PORT"),
                        ("username", "EMAIL_HOST_USER"), ("password", "EMAIL_HOST_PASSWORD"),
                        ("use_tls", "EMAIL_USE_TLS"), ("use_ssl", "EMAIL_USE_SSL"),
                        ("file_path", "EMAIL_FILE_PATH")]
    if _email.get(key)
}
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CarePath <no-reply@carepath.invalid>")

# Background tasks (notifications, escalation checks, reminders) run through Django's
# tasks API on the database backend: no extra service, and a task enqueued inside a
# transaction is committed or rolled back with the work that asked for it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Alerts: an urgent alert not acknowledged within this many minutes escalates to the
# supervisor of the care team.
CAREPATH_ALERT_ESCALATION_MINUTES = env.int("CAREPATH_ALERT_ESCALATION_MINUTES", default=30)
# Text messages go through this backend; the console one prints them (demo and tests).
CAREPATH_SMS_BACKEND = env.str("CAREPATH_SMS_BACKEND",
                               default="carepath.notify.sms.ConsoleSmsBackend")
# A one-time link to complete a measure without an account lasts this many hours.
CAREPATH_MEASURE_LINK_HOURS = env.int("CAREPATH_MEASURE_LINK_HOURS", default=72)
# A scheduled measure shows as overdue this many days after its due date.
CAREPATH_MEASURE_OVERDUE_DAYS = env.int("CAREPATH_MEASURE_OVERDUE_DAYS", default=3)
# The address used in links sent by email or text (no trailing slash).
CAREPATH_BASE_URL = env.str("CAREPATH_BASE_URL", default="http://127.0.0.1:8000")

# The front door (issue 4). Web callback requests land in this organisation (its name;
# empty means the oldest organisation, which suits a one-organisation install).
CAREPATH_FRONT_DOOR_ORGANISATION = env.str("CAREPATH_FRONT_DOOR_ORGANISATION", default="")
# A service's capacity confirmed longer ago than this is marked stale.
CAREPATH_DIRECTORY_STALE_DAYS = env.int("CAREPATH_DIRECTORY_STALE_DAYS", default=30)
# An open referral's status is due for a check this many days after it was sent.
CAREPATH_REFERRAL_CHECK_DAYS = env.int("CAREPATH_REFERRAL_CHECK_DAYS", default=30)
# Public service-search API: requests per client address.
CAREPATH_PUBLIC_SEARCH_RATE = env.str("CAREPATH_PUBLIC_SEARCH_RATE", default="60/min")
# How many reverse proxies sit in front of CarePath. Rate limits key on the client address;
# with 0, X-Forwarded-For is ignored so a client cannot choose its own address.
NINJA_NUM_PROXIES = env.int("CAREPATH_NUM_PROXIES", default=0)
# Public callback requests per client address (each may email the whole intake team).
CAREPATH_CALLBACK_RATE = env.str("CAREPATH_CALLBACK_RATE", default="10/hour")
# Supervised withdrawal: a new observation plan's defaults (each plan can change them).
CAREPATH_OBSERVATION_EARLY_EVERY_HOURS = env.int("CAREPATH_OBSERVATION_EARLY_EVERY_HOURS",
                                                 default=4)
CAREPATH_OBSERVATION_EARLY_FOR_HOURS = env.int("CAREPATH_OBSERVATION_EARLY_FOR_HOURS",
                                               default=72)
CAREPATH_OBSERVATION_LATER_EVERY_HOURS = env.int("CAREPATH_OBSERVATION_LATER_EVERY_HOURS",
                                                 default=8)
# Staff roles whose signed notes wait for a supervisor's co-signature.
CAREPATH_COSIGN_ROLES = env.list("CAREPATH_COSIGN_ROLES", default=["clinician"])
# Days between treatment-plan reviews for a new plan.
CAREPATH_PLAN_REVIEW_DAYS = env.int("CAREPATH_PLAN_REVIEW_DAYS", default=30)
# Recovery companion. Hours a portal invitation link stays usable.
CAREPATH_PORTAL_INVITE_HOURS = env.int("CAREPATH_PORTAL_INVITE_HOURS", default=72)
# Risk signals: days without a check-in before someone is contacted, and how far the mean
# craving of the last three days must rise above the three days before.
CAREPATH_MISSED_CHECKIN_DAYS = env.int("CAREPATH_MISSED_CHECKIN_DAYS", default=3)
CAREPATH_CRAVING_RISE_POINTS = env.float("CAREPATH_CRAVING_RISE_POINTS", default=3.0)
# Design choice: a BAM risk rise or protective fall of this many points raises outreach.
CAREPATH_BAM_CHANGE_POINTS = env.int("CAREPATH_BAM_CHANGE_POINTS", default=3)
# Alumni follow-ups: days after a signed discharge, and days to answer before "missed".
CAREPATH_FOLLOW_UP_DAYS = [int(d) for d in env.list("CAREPATH_FOLLOW_UP_DAYS",
                                                      default=["30", "90", "180", "365"])]
CAREPATH_FOLLOW_UP_ANSWER_DAYS = env.int("CAREPATH_FOLLOW_UP_ANSWER_DAYS", default=21)

# Family and supporters (carepath.family).
# How long a supporter's email-verification link works.
CAREPATH_SUPPORTER_VERIFY_HOURS = env.int("CAREPATH_SUPPORTER_VERIFY_HOURS", default=48)
# How long an invitation to join an intervention plan's team works.
CAREPATH_PLAN_INVITE_DAYS = env.int("CAREPATH_PLAN_INVITE_DAYS", default=14)
# Rate-limit counters live in the cache: per process by default; with several web processes
# point CACHE_URL at a shared cache (e.g. pymemcache:// or rediscache://, with its client
# library installed) so the limit holds across them.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# Security headers. HSTS, SSL redirect and secure cookies are on unless DEBUG.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if not DEBUG:
    SECURE_HSTS_SECONDS = env("CAREPATH_HSTS_SECONDS")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT = env("CAREPATH_SSL_REDIRECT")
    SESSION_COOKIE_SECURE = env("CAREPATH_SECURE_COOKIES")
    CSRF_COOKIE_SECURE = env("CAREPATH_SECURE_COOKIES")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_COOKIE_HTTPONLY = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# OTP: the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = env.str("CAREPATH_OTP_ISSUER", default="CarePath")

# Logging: request bodies and query strings never reach the log (no health data).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"strip_query": {"()": "carepath.logfilters.StripQueryStrings"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["strip_query"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

NINJA_PAGINATION_PER_PAGE = 20
CAREPATH_PAGE_SIZE_MAX = 100
