"""Settings, read from the environment (12-factor).

Zero-setup default: SQLite and eager Celery. Production: DATABASE_URL (PostgreSQL),
REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, DEBUG=false.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The default only serves a first local run; `check --deploy` flags it (W009).
SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-development-only-key-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The portal's domain apps: permissions, backups, the role groups and the scoping tests walk these.
PORTAL_APPS = ["members", "workshops", "volunteering", "wellbeing", "publications"]

INSTALLED_APPS = [
    "laomo_portal.admin_apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "laomo_portal.admin_apps.OTPTOTPConfig",  # Chinese app names on the admin index
    "simple_history",
    "import_export",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "laomo_portal",
    "core",
    "laomo_portal.admin_apps.AxesConfig",
    *PORTAL_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early: a NUL character anywhere in the request is refused before any view or database.
    "core.middleware.BadInputMiddleware",
    # Static files straight from gunicorn (collected into STATIC_ROOT in the image).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Every query of a branch-owned model runs in the request user's scope (core.scoping).
    "core.middleware.ScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

# Member and public pages: nothing but our own origin (images also as data: URLs).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

ROOT_URLCONF = "laomo_portal.urls"
WSGI_APPLICATION = "laomo_portal.wsgi.application"

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
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if not DEBUG and env.bool("REQUIRE_POSTGRES", default=False):
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("production runs on PostgreSQL")
# DEBUG never runs against a production database: only SQLite or a database on this machine.
if DEBUG and DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    if DATABASES["default"].get("HOST", "") not in ("", "localhost", "127.0.0.1", "::1"):
        raise ImproperlyConfigured("DEBUG=true is refused with a non-local (production) DATABASE_URL")

# Logins: django-axes locks the pair (username, client IP) after repeated failures, so
# nobody can lock an administrator out from elsewhere (docs/security.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_VERBOSE = False
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The client address is decided in one place (core.audit.client_ip), the same one the
# access log and every throttle use: REMOTE_ADDR, unless TRUSTED_PROXY_COUNT names how many
# proxies of ours append to X-Forwarded-For (0 in docker-compose.yml: gunicorn faces the
# clients). Never set it higher than the proxies really in front: the client writes the rest.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.audit.client_ip"
AXES_USERNAME_CALLABLE = "core.audit.login_attempt_username"
AXES_LOCKOUT_TEMPLATE = "members/me/locked_out.html"

LOGIN_URL = "members:login"
LOGIN_REDIRECT_URL = "members:me"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# The portal's own catalogue for what Django's zh_Hans one leaves in English ("Error:" in admin titles).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"
# MEDIA_ROOT holds only what is public by design (newsletter covers and photos, exhibition
# works); Django serves it unless a proxy or CDN in front does (SERVE_PUBLIC_MEDIA=false).
SERVE_PUBLIC_MEDIA = env.bool("SERVE_PUBLIC_MEDIA", default=True)
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Certificates and cards hold personal data: a storage that no URL serves; downloads go
# through a view that checks scope and logs. Production points it at a private bucket.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {
        "BACKEND": env("PRIVATE_STORAGE_BACKEND", default="core.storage.PrivateFileSystemStorage"),
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
    },
    # Branch-owned photos and attachments: served only through the scoped /files/ view.
    "branch_files": {
        "BACKEND": env("BRANCH_FILES_STORAGE_BACKEND", default="core.storage.BranchFileSystemStorage"),
        "OPTIONS": {"location": str(Path(str(PRIVATE_MEDIA_ROOT)) / "branch")},
    },
}
# Imports with more data rows than this are validated and written by a Celery worker.
MEMBER_IMPORT_ASYNC_ROWS = env.int("MEMBER_IMPORT_ASYNC_ROWS", default=5000)

# Uploads: Django's limits stay on; each upload is also checked by content.
DATA_UPLOAD_MAX_NUMBER_FILES = 100
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Two-factor authentication (TOTP) for staff; required for association staff when set.
OTP_REQUIRED_FOR_ASSOCIATION = env.bool("OTP_REQUIRED_FOR_ASSOCIATION", default=False)
OTP_TOTP_ISSUER = "杭州市劳模工匠协会"

# Sessions: short for staff; cookies hardened outside DEBUG.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # X-Forwarded-Proto is believed only from a proxy of ours, like X-Forwarded-For.
    if TRUSTED_PROXY_COUNT > 0:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The container's own health check speaks plain HTTP to gunicorn.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@hzlmgj.example")

# Celery: with REDIS_URL a real broker; without it tasks run eagerly in-process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# A broker outage must not hang a request: give up publishing after ~1 s (the caller then
# answers 已排队 and the stale-render sweep re-sends later).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Certificates/cards still 生成中 after this many minutes are re-sent to the queue.
DOCUMENT_RENDER_STALE_MINUTES = env.int("DOCUMENT_RENDER_STALE_MINUTES", default=10)
# The statistics snapshot (members/models/statistics.py): how often beat recomputes it.
STATISTICS_SNAPSHOT_MINUTES = env.int("STATISTICS_SNAPSHOT_MINUTES", default=15)

CELERY_BEAT_SCHEDULE = {
    "wellbeing-birthday-greetings": {
        "task": "wellbeing.tasks.birthday_greetings_task",
        "schedule": crontab(hour=8, minute=0),
    },
    "wellbeing-greetings-retry": {
        "task": "wellbeing.tasks.greetings_retry_task",
        "schedule": crontab(minute="*/10"),
    },
    "members-documents-requeue-stale": {
        "task": "members.tasks.documents_requeue_stale_task",
        "schedule": crontab(minute="*/5"),
    },
    "members-statistics-snapshot-refresh": {
        "task": "members.tasks.statistics_snapshot_refresh_task",
        "schedule": crontab(minute=f"*/{STATISTICS_SNAPSHOT_MINUTES}"),
    },
    "wellbeing-inquiry-deadline-reminders": {
        "task": "wellbeing.tasks.inquiry_deadline_reminders_task",
        "schedule": crontab(hour=8, minute=30),
    },
}

CACHES = {
    "default": (
        {
            # Degrades to misses when Redis is down (laomo_portal/cache.py), and gives up
            # quickly: a page waits at most about a second for an unreachable cache.
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry_on_timeout": False},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# History: reverting from history stays off (docs/security.md).
SIMPLE_HISTORY_EDIT = False

REST_FRAMEWORK = {
    # Token first, so that an anonymous request gets 401 with a WWW-Authenticate header.
    # Both refuse an account whose required second factor was skipped (core.second_factor).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.SecondFactorTokenAuthentication",
        "core.api.authentication.SecondFactorSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: no browsable API in production (docs/security.md).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.base.api_exception_handler",
    # DRF's own throttles read X-Forwarded-For as the client sends it; ours use client_ip.
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.ClientAnonRateThrottle",
        "core.api.throttling.ClientUserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="60/min"),
        "user": env("API_THROTTLE_USER", default="1200/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "杭州市劳模工匠协会 管理平台 API",
    "DESCRIPTION": "劳模工匠名册、分会、荣誉、劳模证明、匠心卡、劳模工匠之家、服务活动等接口；劳模工匠本人的证明与匠心卡见 /api/me/。所有数据按登录账号的权限范围过滤：协会工作人员可见全部分会，"
    "分会工作人员只可见本分会；越权访问与不存在的对象一样返回 404。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "BranchKindEnum": "members.models.Branch.Kind",
        "HonorKindEnum": "members.models.Honor.Kind",
        "HonorLevelEnum": "members.models.Honor.Level",
        "MemberStatusEnum": "members.models.Member.Status",
        "TripStatusEnum": "wellbeing.models.trips.TripStatus",
        "NominationStatusEnum": "wellbeing.models.trips.Nomination.Status",
        "ArticleCategoryEnum": "publications.models.newsletter.Article.Category",
        "MemberCategoryEnum": "members.models.Member.Category",
        "InquiryStatusEnum": "wellbeing.models.Inquiry.Status",
        "NewsletterIssueStatusEnum": "publications.models.newsletter.NewsletterIssue.Status",
        "CertificateStatusEnum": "members.models.Certificate.Status",
        "CraftsmanCardStatusEnum": "members.models.CraftsmanCard.Status",
        "WorkshopStatusEnum": "workshops.models.Workshop.Status",
        "WorkshopKindEnum": "workshops.models.Workshop.Kind",
        "ServiceEventStatusEnum": "volunteering.models.ServiceEvent.Status",
        "ServiceEventCategoryEnum": "volunteering.models.ServiceEvent.Category",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The association's own name, printed on documents and pages.
ASSOCIATION_NAME = "杭州市劳模工匠协会"
# Contact shown on the public home page (/); each left out when not set.
ASSOCIATION_ADDRESS = env("ASSOCIATION_ADDRESS", default="")
ASSOCIATION_PHONE = env("ASSOCIATION_PHONE", default="")
ASSOCIATION_EMAIL = env("ASSOCIATION_EMAIL", default="")

# SMS: a local backend by default; production sets the HTTP gateway.
SMS_BACKEND = env("SMS_BACKEND", default="core.notifications.LocmemSmsBackend")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_KEY = env("SMS_GATEWAY_KEY", default="")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=5.0)
SMS_SIGNATURE = env("SMS_SIGNATURE", default="杭州市劳模工匠协会")

# Member self-service: one-time codes, throttles, documents.
ACCOUNT_CODE_TTL_SECONDS = env.int("ACCOUNT_CODE_TTL_SECONDS", default=600)
VERIFY_RATE_LIMIT = env.int("VERIFY_RATE_LIMIT", default=30)  # verification pages per client per 10 minutes
# Uploaded-file checks (/verify/file/) running at once, site-wide: each may hold a worker for up
# to 2 s of CPU, so keep this below the number of web workers.
VERIFY_FILE_CONCURRENCY = env.int("VERIFY_FILE_CONCURRENCY", default=2)
CLAIM_RATE_LIMIT = env.int("CLAIM_RATE_LIMIT", default=5)  # claim/reset attempts per client per hour
CRAFTSMAN_CARD_VALID_YEARS = env.int("CRAFTSMAN_CARD_VALID_YEARS", default=3)
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# The association's signing key and certificate (core/signing.py signs every certificate and
# 匠心卡 PDF; /verify/file/ checks an uploaded one). Outside the repository and every media
# directory, so neither git nor `make backup` ever holds the key (docs/security.md, "The
# signing key"). `manage.py signing_keygen` writes a self-signed pair there; a certificate
# from a CA is configured with the three files. The passphrase comes from the environment only.
_DATA_HOME = Path(env("XDG_DATA_HOME", default=str(Path.home() / ".local" / "share")))
SIGNING_DIR = env.path("SIGNING_DIR", default=str(_DATA_HOME / "laomo-portal" / "signing"))
SIGNING_KEY_FILE = env("SIGNING_KEY_FILE", default=str(Path(str(SIGNING_DIR)) / "signing-key.pem"))
SIGNING_CERT_FILE = env("SIGNING_CERT_FILE", default=str(Path(str(SIGNING_DIR)) / "signing-cert.pem"))
SIGNING_CHAIN_FILE = env("SIGNING_CHAIN_FILE", default="")  # CA intermediates, PEM, embedded in signatures
SIGNING_KEY_PASSPHRASE = env("SIGNING_KEY_PASSPHRASE", default="")
# Certificates used before a rotation: files signed with them still verify as the association's.
SIGNING_PREVIOUS_CERTS = env.list("SIGNING_PREVIOUS_CERTS", default=[])
# Staff invitations (setup_association, 分会工作人员 → 创建登录账号并发送邀请): how long a link works.
# Django's PASSWORD_RESET_TIMEOUT (3 days) caps it.
STAFF_INVITATION_HOURS = env.int("STAFF_INVITATION_HOURS", default=72)

# The gateway's registered template code (短信模板编号), sent with each message when set.
SMS_GATEWAY_TEMPLATE = env("SMS_GATEWAY_TEMPLATE", default="")

# Birthday greetings: a failed send is retried after 5, 10, 20, 40 minutes, then given up.
GREETING_RETRY_BASE_SECONDS = env.int("GREETING_RETRY_BASE_SECONDS", default=300)
GREETING_MAX_ATTEMPTS = env.int("GREETING_MAX_ATTEMPTS", default=5)
# A greeting still 发送中 after this long belongs to a process that died: it is resent if it
# never reached the gateway, else marked 结果未知 for a person (services.greetings).
GREETING_STALE_AFTER_SECONDS = env.int("GREETING_STALE_AFTER_SECONDS", default=900)

# `seed_demo` runs these after the registry: each app's own idempotent demo data.
DEMO_SEEDERS = [
    "seed_demo_workshops",
    "seed_demo_volunteering",
    "seed_trips_demo",
    "seed_demo_wellbeing",
    "seed_demo_publications",
]
