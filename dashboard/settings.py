"""Settings for the orders dashboard. Every value comes from the environment.

Without AUTOENHANCE_API_KEY the dashboard runs in demo mode against the
sandbox, so a new user sees a working dashboard with no key and no network.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from dashboard.env import (
    database_from_url,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. "
            "Set it to a long random string, or set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

# The upstream. No key means demo mode: the sandbox's data, its fixed key, and
# a "demo data" marker on every page. `manage.py demo` points this at a sandbox
# it starts in-process; `manage.py sandbox` listens on the default URL below.
SANDBOX_KEY = "sandbox-demo-key"
_api_key = env_str("AUTOENHANCE_API_KEY")
AUTOENHANCE_DEMO_MODE = not _api_key
AUTOENHANCE_API_KEY = _api_key or SANDBOX_KEY
AUTOENHANCE_API_URL = env_url(
    "AUTOENHANCE_API_URL",
    "http://127.0.0.1:8001" if AUTOENHANCE_DEMO_MODE else "https://api.autoenhance.ai",
)
AUTOENHANCE_CONNECT_TIMEOUT = env_float("AUTOENHANCE_CONNECT_TIMEOUT", 3.05, minimum=0.01)
AUTOENHANCE_READ_TIMEOUT = env_float("AUTOENHANCE_READ_TIMEOUT", 10.0, minimum=0.01)
AUTOENHANCE_RETRIES = env_int("AUTOENHANCE_RETRIES", 2, minimum=0)
AUTOENHANCE_RETRY_BUDGET = env_float("AUTOENHANCE_RETRY_BUDGET", 8.0, minimum=0.0)
AUTOENHANCE_RETRY_AFTER_CAP = env_float("AUTOENHANCE_RETRY_AFTER_CAP", 5.0, minimum=0.0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "orders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "dashboard.urls"
WSGI_APPLICATION = "dashboard.wsgi.application"

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
                "orders.context_processors.upstream",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", "sqlite:///db.sqlite3"), base_dir=str(BASE_DIR)
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # In production: hashed, compressed names with long cache lifetimes,
        # from `manage.py collectstatic`. In development: the source files.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve straight from the finders when no collectstatic has run (demo, tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in. Invitation links are Django's password-reset tokens: they work once
# and expire after this long.
AUTHENTICATION_BACKENDS = ["orders.access.TeamBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "order_list"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = env_int("DJANGO_INVITE_HOURS", 72, minimum=1) * 3600
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_HOURS", 24 * 14, minimum=1) * 3600
SESSION_COOKIE_HTTPONLY = True
# The address teammates use, for the links `manage.py invite` prints.
DASHBOARD_URL = env_url("DASHBOARD_URL", "http://127.0.0.1:8000")
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "autoenhance-demo"  # noqa: S105 (created only by `manage.py demo`)

# Headers. Referer only ever goes back to the dashboard itself (a stricter
# no-referrer would make browsers send "Origin: null" on forms, which CSRF
# protection rightly refuses). Share pages send none at all: see shared.py.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
if DEBUG:
    # django-htmx's DEBUG-only error overlay runs Django's debug page scripts.
    SECURE_CSP["script-src"] = [CSP.SELF, CSP.UNSAFE_EVAL]

# HTTPS: on whenever DEBUG is off. DJANGO_HTTPS=false turns all three off for
# plain HTTP on loopback, or behind a proxy that does them itself.
HTTPS = env_bool("DJANGO_HTTPS", True) and not DEBUG
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    # Trust the proxy's word on the visitor's scheme and host (and, in the
    # login throttle, address).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# Joining the browsers' HSTS preload list is the domain owner's call, made
# once for every subdomain; the dashboard sends HSTS without claiming it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"share_tokens": {"()": "orders.logfilters.RedactShareTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["share_tokens"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "orders": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
