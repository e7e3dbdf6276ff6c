"""The project's settings as a test run sees them: the same module, with the
few environment values a test run needs."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")
os.environ.pop("AUTOENHANCE_API_KEY", None)
# Short enough that a hanging upstream fails a test in seconds, not minutes.
os.environ.setdefault("AUTOENHANCE_READ_TIMEOUT", "1.5")
os.environ.setdefault("AUTOENHANCE_CONNECT_TIMEOUT", "1")
# The test client and the live server speak plain HTTP.
os.environ.setdefault("DJANGO_HTTPS", "false")

from dashboard.settings import *  # noqa: F403

# Every response and log line is checked for the API key (tests/leakcheck.py).
MIDDLEWARE = ["tests.leakcheck.KeyLeakMiddleware", *MIDDLEWARE]  # noqa: F405
LOGGING["handlers"]["leakcheck"] = {"class": "tests.leakcheck.KeyLeakLogHandler"}  # noqa: F405
LOGGING["root"]["handlers"].append("leakcheck")  # noqa: F405
LOGGING["root"]["level"] = "DEBUG"  # noqa: F405
for _logger in LOGGING["loggers"].values():  # noqa: F405
    _logger["handlers"].append("leakcheck")

# Tests run with DEBUG off but without collectstatic: serve the source files.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A file, not SQLite's default in-memory test database: the live server that
# the browser tests use answers from several threads, and an in-memory
# database would make them share one connection, which SQLite forbids.
DATABASES["default"]["TEST"] = {  # noqa: F405
    "NAME": os.path.join(tempfile.gettempdir(), f"dashboard-tests-{os.getpid()}.sqlite3")
}

# Tests sign in hundreds of times; the production hash's cost is not under test.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
