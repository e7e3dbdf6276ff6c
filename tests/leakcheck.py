"""The suite-wide check that the API key never leaves the server.

Every response the dashboard gives during the tests (through the test client
or the live server the browser tests use) passes this middleware, and every
log record passes the handler. Both note any appearance of the configured key;
an autouse fixture in conftest.py fails the test during which one happened.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_lock = threading.Lock()
leaks: list[str] = []


def _note(where: str) -> None:
    with _lock:
        leaks.append(where)


def _key() -> str:
    return settings.AUTOENHANCE_API_KEY


class KeyLeakMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = _key()
        for name, value in response.headers.items():
            if key in name or key in value:
                _note(f"header {name} of {request.path}")
        if not response.streaming and key.encode() in response.content:
            _note(f"body of {request.path}")
        return response


class KeyLeakLogHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # a broken record is not a leak
            return
        if _key() in text:
            _note(f"log line from {record.name}: {record.levelname}")
