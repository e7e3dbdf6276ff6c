"""Small readers for settings that come from the environment.

Each one fails start-up with a message naming the variable, so a typo in a
deployment is caught at once rather than as a confusing error later.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={os.environ[name]!r} is not a boolean: use true or false.")


def env_float(name: str, default: float, *, minimum: float = 0.0) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None
    if not value >= minimum or value == float("inf"):
        raise ImproperlyConfigured(f"{name}={raw!r} must be a number of at least {minimum}.")
    return value


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, default: str) -> str:
    raw = env_str(name, default).rstrip("/")
    if (
        not raw.startswith(("http://", "https://"))
        or len(raw.split("/")) < 3
        or not raw.split("/")[2]
    ):
        raise ImproperlyConfigured(f"{name}={raw!r} is not an http:// or https:// URL.")
    return raw


def database_from_url(url: str, *, base_dir: str) -> dict[str, object]:
    """Only SQLite is understood for now; other engines fail loudly rather than silently."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if not path:
            raise ImproperlyConfigured("DATABASE_URL='sqlite:///' names no file.")
        if not os.path.isabs(path):
            path = os.path.join(base_dir, path)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    if url == "sqlite://:memory:":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    raise ImproperlyConfigured(
        f"DATABASE_URL={url!r} is not supported: use sqlite:///path/to/file.sqlite3."
    )
