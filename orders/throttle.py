"""Slows, then refuses, repeated failed sign-ins from one address or for one account.

Counts live in Django's cache. With the default per-process cache each gunicorn
worker counts on its own, so the limits below are per worker; a shared cache
(CACHES from the environment, later) makes them global.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 15 * 60
SLOW_AFTER = 3  # failures before each further try is slowed
REFUSE_AFTER = 10  # failures before sign-in is refused until the window passes
SLOWDOWN_SECONDS = 1.0


@dataclass(frozen=True)
class Verdict:
    refused: bool
    delay: float
    retry_after: int = 0


def _account_key(username: str) -> str:
    return "login-fail:user:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()


def client_address(request: HttpRequest) -> str:
    """The visitor's address. Behind a proxy that is the last X-Forwarded-For
    entry, the one the proxy itself added; earlier ones are the visitor's word."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")


def _keys(request: HttpRequest, username: str) -> list[str]:
    return [f"login-fail:ip:{client_address(request)}", _account_key(username)]


def _failures(keys: list[str]) -> tuple[int, float]:
    """The worst failure count among the keys, and when its window started."""
    entries = [cache.get(key) for key in keys]
    worst = max((e for e in entries if e), default=None, key=lambda e: e[0])
    return (worst[0], worst[1]) if worst else (0, time.time())


def check(request: HttpRequest, username: str) -> Verdict:
    count, started = _failures(_keys(request, username))
    if count >= REFUSE_AFTER:
        return Verdict(True, 0.0, max(1, int(started + WINDOW_SECONDS - time.time())))
    return Verdict(
        False, SLOWDOWN_SECONDS * (count - SLOW_AFTER + 1) if count >= SLOW_AFTER else 0.0
    )


def record_failure(request: HttpRequest, username: str) -> None:
    for key in _keys(request, username):
        count, started = cache.get(key) or (0, time.time())
        remaining = max(1, int(started + WINDOW_SECONDS - time.time()))
        cache.set(key, (count + 1, started), remaining)


def forgive_account(username: str) -> None:
    """A correct password clears the account's count, but not the address's:
    one valid account must not let an address go on guessing others."""
    cache.delete(_account_key(username))


def pause(seconds: float, sleep: Callable[[float], None] = time.sleep) -> None:
    if seconds > 0:
        sleep(min(seconds, 5.0))
