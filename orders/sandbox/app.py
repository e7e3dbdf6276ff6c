"""The sandbox's WSGI app: the Autoenhance v3 contract, strictly, plus faults.

It follows the shared API-CONTRACT.md and errs on the strict side wherever
the contract leaves room: a dashboard that passes here must not break on the
real API. Faults and latency are injected before routing, as a gateway in
front of the real API would produce them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import random
import re
import socket
import struct
import threading
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, NoReturn
from urllib.parse import parse_qs, quote

from waitress.channel import ClientDisconnected

from orders.sandbox.data import demo_data, has_preview
from orders.sandbox.previews import render_preview, render_watermarked

DEMO_KEY = "sandbox-demo-key"
DEFAULT_SEED = 2026

FAULT_KINDS = frozenset(
    {"500", "502", "503", "429", "hang", "not-json", "truncated", "wrong-shape", "reset"}
)
DEFAULT_RATE_KINDS = ("500", "502", "503")
DEFAULT_PER_PAGE = 5
MAX_PER_PAGE = 15
ORDER_SORTS = ("date", "-date", "name", "-name")
IMAGE_SORTS = ("name", "-name", "date_added", "-date_added", "custom")
PLAIN_ID = re.compile(r"[A-Za-z0-9._-]+")
INTEGER = re.compile(r"-?[0-9]+")
TOKEN_VERSION = 1
MAC_SIZE = 32

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
JSON = Any


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str  # raw, as sent: tests can check how a client encoded it
    headers: dict[str, str]  # names in lower case


@dataclass(frozen=True)
class Fault:
    kind: str
    retry_after: int | None = None


@dataclass
class _Forced:
    kind: str
    remaining: int | None
    path_prefix: str
    retry_after: int | None


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str | None = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)


def _check_kind(kind: str) -> None:
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(FAULT_KINDS)}")


class FaultControl:
    """What goes wrong, and how slowly: changeable at any time from any thread."""

    def __init__(self, *, seed: int, hang_seconds: float) -> None:
        self.hang_seconds = hang_seconds
        self._lock = threading.Lock()
        self._rng = random.Random(f"{seed}:faults")
        self._forced: list[_Forced] = []
        self._latency_ms = 0
        self._jitter_ms = 0
        self._rate = 0.0
        self._rate_kinds: tuple[str, ...] = DEFAULT_RATE_KINDS
        self._release = threading.Event()
        self._closed = False

    def force(
        self,
        kind: str,
        *,
        times: int | None = None,
        path_prefix: str = "/",
        retry_after: int | None = None,
    ) -> None:
        """Fail matching requests: the latest forced fault wins while it lasts."""
        _check_kind(kind)
        if times is not None and times < 1:
            raise ValueError("times must be at least 1, or None for until cleared")
        with self._lock:
            self._forced.append(_Forced(kind, times, path_prefix, retry_after))

    def set_latency(self, latency_ms: int, jitter_ms: int = 0) -> None:
        if latency_ms < 0 or jitter_ms < 0:
            raise ValueError("latency and jitter cannot be negative")
        with self._lock:
            self._latency_ms, self._jitter_ms = latency_ms, jitter_ms

    def set_fault_rate(self, rate: float, kinds: tuple[str, ...] = DEFAULT_RATE_KINDS) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError("fault rate must be between 0 and 1")
        if not kinds:
            raise ValueError("at least one fault kind is needed")
        for kind in kinds:
            _check_kind(kind)
        with self._lock:
            self._rate, self._rate_kinds = rate, tuple(kinds)

    def clear(self) -> None:
        """No forced faults, no latency, no random faults; hanging requests answer now."""
        with self._lock:
            self._forced.clear()
            self._latency_ms = self._jitter_ms = 0
            self._rate = 0.0
            self._wake_sleepers()

    def latency(self) -> float:
        """Seconds this request should wait before anything else."""
        with self._lock:
            return (self._latency_ms + self._rng.uniform(0, self._jitter_ms)) / 1000

    def pick(self, path: str) -> Fault | None:
        """The fault for a request to `path`, consuming one use of a counted fault."""
        with self._lock:
            for forced in reversed(self._forced):
                if path.startswith(forced.path_prefix):
                    if forced.remaining is not None:
                        forced.remaining -= 1
                        if forced.remaining == 0:
                            self._forced.remove(forced)
                    return Fault(forced.kind, forced.retry_after)
            # Random faults model the API being flaky, not the file host.
            if self._rate and path.startswith("/v3/") and self._rng.random() < self._rate:
                return Fault(self._rng.choice(self._rate_kinds))
        return None

    def sleep(self, seconds: float) -> None:
        """Sleep, but wake at once on clear() or when the server stops."""
        if seconds <= 0:
            return
        with self._lock:
            release = self._release
        release.wait(seconds)

    def open(self) -> None:
        with self._lock:
            self._closed = False
            if self._release.is_set():
                self._release = threading.Event()

    def close(self) -> None:
        """Release every sleeper for good: the server is stopping."""
        with self._lock:
            self._closed = True
            self._release.set()

    def _wake_sleepers(self) -> None:
        self._release.set()
        if not self._closed:
            self._release = threading.Event()


class InvalidOffset(ValueError):
    pass


class OffsetTokens:
    """Signed keyset positions in standard base64, so `+`, `/` and `=` are common.

    A client that does not URL-encode the token, or that edits it, gets a 422.
    """

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def issue(self, sort: str, q: str, key: tuple[Any, ...]) -> str:
        payload = json.dumps(
            [TOKEN_VERSION, sort, q, list(key)], separators=(",", ":"), ensure_ascii=False
        )
        data = payload.encode("utf-8")
        return base64.b64encode(self._mac(data) + data).decode("ascii")

    def read(self, token: str) -> tuple[str, str, tuple[Any, ...]]:
        try:
            raw = base64.b64decode(token, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidOffset("Not a valid offset token.") from None
        # b64decode ignores stray bits in the last character: only the exact token is valid.
        if base64.b64encode(raw).decode("ascii") != token or len(raw) <= MAC_SIZE:
            raise InvalidOffset("Not a valid offset token.")
        mac, data = raw[:MAC_SIZE], raw[MAC_SIZE:]
        if not hmac.compare_digest(mac, self._mac(data)):
            raise InvalidOffset("Offset token was altered or was not issued by this server.")
        version, sort, q, key = json.loads(data)
        if version != TOKEN_VERSION:
            raise InvalidOffset("Offset token has expired.")
        return sort, q, tuple(key)

    def _mac(self, data: bytes) -> bytes:
        return hmac.new(self._secret, data, hashlib.sha256).digest()


def _name_fold(order: dict[str, Any]) -> str:
    return (order.get("name") or "").casefold()


# Each sort walks its key in one direction; ties fall to order_id in the same
# direction. Null names come last for both name sorts.
ORDER_SORT_KEYS: dict[str, tuple[Callable[[dict[str, Any]], tuple[Any, ...]], bool]] = {
    "date": (lambda o: (o["created_at"], o["order_id"]), False),
    "-date": (lambda o: (o["created_at"], o["order_id"]), True),
    "name": (lambda o: (o.get("name") is None, _name_fold(o), o["order_id"]), False),
    "-name": (lambda o: (o.get("name") is not None, _name_fold(o), o["order_id"]), True),
}


def _image_name_key(image: dict[str, Any]) -> tuple[Any, ...]:
    return ((image.get("image_name") or "").casefold(), image.get("image_id") or "")


def _sort_images(images: list[dict[str, Any]], how: str) -> list[dict[str, Any]]:
    if how == "custom":
        return images
    if how in ("date_added", "-date_added"):
        ordered = sorted(images, key=lambda i: (i.get("date_added") or 0, i.get("image_id") or ""))
        return ordered[::-1] if how.startswith("-") else ordered
    named = sorted((i for i in images if i.get("image_name") is not None), key=_image_name_key)
    unnamed = sorted((i for i in images if i.get("image_name") is None), key=_image_name_key)
    return (named[::-1] if how.startswith("-") else named) + unnamed


def _error(
    status: int, message: str, detail: JSON, headers: Iterable[tuple[str, str]] = ()
) -> Response:
    return _json(status, {"message": message, "detail": detail}, headers)


def _json(status: int, payload: JSON, headers: Iterable[tuple[str, str]] = ()) -> Response:
    return Response(
        status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), headers=list(headers)
    )


def _query_error(errors: dict[str, list[str]]) -> Response:
    return _error(422, "Unprocessable Entity", {"query": errors})


def _single(params: dict[str, list[str]], name: str, errors: dict[str, list[str]]) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        errors[name] = ["Give this parameter once."]
        return None
    return values[0]


def _per_page(raw: str | None, errors: dict[str, list[str]]) -> int:
    """The page size to use; on a bad value records the error and returns the default."""
    if raw is None:
        return DEFAULT_PER_PAGE
    try:
        value = int(raw) if INTEGER.fullmatch(raw) else None
    except ValueError:  # more digits than Python will convert
        value = None
    if value is None:
        errors["per_page"] = ["Not a valid integer."]
    elif value < 1:
        errors["per_page"] = ["Must be greater than or equal to 1."]
    else:
        return min(value, MAX_PER_PAGE)
    return DEFAULT_PER_PAGE


def _headers_of(environ: Environ) -> dict[str, str]:
    headers = {
        key[5:].replace("_", "-").lower(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    return headers


def _reset_connection(environ: Environ) -> NoReturn:
    """Drop the connection without a response, as a crashed proxy would."""
    # waitress keeps its channel behind this callable; with linger 0 the close is a TCP RST.
    channel = getattr(environ.get("waitress.client_disconnected"), "__self__", None)
    sock = getattr(channel, "socket", None)
    if isinstance(sock, socket.socket):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    raise ClientDisconnected("sandbox fault: reset")


BAD_GATEWAY_HTML = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
NOT_JSON_HTML = (
    b"<!DOCTYPE html><html><head><title>Autoenhance.ai</title></head><body>"
    b"<h1>We'll be right back</h1><p>Scheduled maintenance is in progress.</p></body></html>"
)


def _fault_response(fault: Fault, path: str) -> Response:
    retry = [("Retry-After", str(fault.retry_after))] if fault.retry_after is not None else []
    match fault.kind:
        case "500":
            return _error(500, "Internal Server Error", {})
        case "502":
            return Response(502, BAD_GATEWAY_HTML, "text/html")
        case "503":
            body = (
                b"upstream connect error or disconnect/reset before headers. reset reason: overflow"
            )
            return Response(503, body, "text/plain", retry)
        case "429":
            return _error(429, "Too Many Requests", {"limit": "300 per 1 second"}, retry)
        case "not-json":
            return Response(200, NOT_JSON_HTML, "text/html; charset=utf-8")
        case "wrong-shape":
            if path.endswith(("/preview", "/watermark", ".jpg")):
                return Response(200, b'{"preview": null}', "image/jpeg")
            if path.rstrip("/") == "/v3/orders":
                return _json(200, {"orders": "nope", "pagination": []})
            return _json(200, ["not", "an", "object"])
    raise AssertionError(f"fault {fault.kind} has no canned response")


class SandboxApp:
    """A WSGI app serving the demo account over the v3 contract."""

    def __init__(
        self,
        *,
        key: str = DEMO_KEY,
        seed: int = DEFAULT_SEED,
        latency_ms: int = 0,
        jitter_ms: int = 0,
        fault_rate: float = 0.0,
        preview_redirect: bool = False,
        now: datetime | None = None,
        hang_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.key = key
        self.seed = seed
        self.preview_redirect = preview_redirect
        self.now = (
            _as_utc(now) if now is not None else datetime.now(UTC).replace(second=0, microsecond=0)
        )
        self._clock = clock
        self._started = clock()
        self.data = demo_data(seed, self.now)
        self.orders: list[dict[str, Any]] = list(self.data.orders)
        self.notable = self.data.notable
        self.faults = FaultControl(seed=seed, hang_seconds=hang_seconds)
        self.faults.set_latency(latency_ms, jitter_ms)
        self.faults.set_fault_rate(fault_rate)
        self.requests_seen: list[Request] = []
        self.connections_seen: set[tuple[str, str]] = set()
        self._seen_lock = threading.Lock()
        secret = hashlib.sha256(f"autoenhance-sandbox:{seed}:{key}".encode()).digest()
        self._tokens = OffsetTokens(secret)
        self._walks = {sort: self._walk(sort) for sort in ORDER_SORTS}
        self._encoded: dict[str, bytes] = {}
        self._route_table = self._routes()

    # -- helpers for tests and the demo -------------------------------------

    def find_order(self, order_id: str) -> dict[str, Any] | None:
        """The order from `orders` (live orders as they were at the start), or None."""
        return self.data.find_order(order_id)

    def current_order(self, order_id: str) -> dict[str, Any] | None:
        """The order as the API would return it right now."""
        order = self.data.find_order(order_id)
        return None if order is None else self.data.order_at(order, self.elapsed())

    def elapsed(self) -> float:
        return self._clock() - self._started

    def reset_counters(self) -> None:
        with self._seen_lock:
            self.requests_seen.clear()
            self.connections_seen.clear()

    # -- WSGI ---------------------------------------------------------------

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        request = self._record(environ)
        self.faults.sleep(self.faults.latency())
        fault = self.faults.pick(request.path)
        if fault is not None and fault.kind == "hang":
            self.faults.sleep(self.faults.hang_seconds)
            fault = None
        if fault is not None and fault.kind == "reset":
            _reset_connection(environ)
        if fault is None or fault.kind == "truncated":
            response = self._route(request, environ)
        else:
            response = _fault_response(fault, request.path)
        headers = list(response.headers)
        if response.content_type is not None:
            headers += [
                ("Content-Type", response.content_type),
                ("Content-Length", str(len(response.body))),
            ]
        start_response(f"{response.status} {HTTPStatus(response.status).phrase}", headers)
        if request.method == "HEAD":
            return [b""]
        if fault is not None and fault.kind == "truncated":
            # Content-Length promises the whole body; half arrives, then the connection closes.
            return [response.body[: len(response.body) // 2]]
        return [response.body]

    def _record(self, environ: Environ) -> Request:
        request = Request(
            method=environ["REQUEST_METHOD"],
            path=environ.get("PATH_INFO", ""),
            query=environ.get("QUERY_STRING", ""),
            headers=_headers_of(environ),
        )
        with self._seen_lock:
            self.requests_seen.append(request)
            self.connections_seen.add(
                (environ.get("REMOTE_ADDR", ""), environ.get("REMOTE_PORT", ""))
            )
        return request

    def _route(self, request: Request, environ: Environ) -> Response:
        for pattern, methods, handler in self._route_table:
            match = pattern.fullmatch(request.path)
            if match is None:
                continue
            if request.method not in methods:
                allowed = ", ".join(methods)
                return _error(
                    405,
                    "Method Not Allowed",
                    {"method": request.method, "allowed": list(methods)},
                    [("Allow", allowed)],
                )
            return handler(request, environ, *match.groups())
        return _error(404, "Not Found", {"path": request.path})

    def _routes(
        self,
    ) -> tuple[tuple[re.Pattern[str], tuple[str, ...], Callable[..., Response]], ...]:
        get, files = ("GET",), ("GET", "HEAD")
        return (
            (re.compile(r"/v3/orders/?"), get, self._list_orders),
            (re.compile(r"/v3/orders/([^/]+)"), get, self._get_order),
            (re.compile(r"/v3/images/([^/]+)"), get, self._get_image),
            (re.compile(r"/v3/images/([^/]+)/preview"), files, self._get_preview),
            (re.compile(r"/v3/images/([^/]+)/watermark"), files, self._get_watermark),
            (re.compile(r"/files/previews/([^/]+)\.jpg"), files, self._get_file),
        )

    # -- auth ---------------------------------------------------------------

    def _auth_error(self, request: Request, *, required: bool) -> Response | None:
        given = request.headers.get("x-api-key")
        if given is None:
            if required:
                return _error(
                    401, "Missing API key", {"headers": {"x-api-key": ["Missing API key."]}}
                )
            return None
        if not hmac.compare_digest(given.encode("utf-8"), self.key.encode()):
            return _error(401, "Invalid API key", {"headers": {"x-api-key": ["Invalid API key."]}})
        return None

    # -- orders -------------------------------------------------------------

    def _walk(self, sort: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        key, reverse = ORDER_SORT_KEYS[sort]
        return sorted(
            ((key(order), order) for order in self.orders),
            key=lambda pair: pair[0],
            reverse=reverse,
        )

    def _list_orders(self, request: Request, environ: Environ) -> Response:
        denied = self._auth_error(request, required=True)
        if denied is not None:
            return denied
        params = parse_qs(request.query, keep_blank_values=True)
        errors: dict[str, list[str]] = {}
        per_page = _per_page(_single(params, "per_page", errors), errors)
        sort = _single(params, "sort", errors)
        if sort is None:
            sort = "-date"
        elif sort not in ORDER_SORTS:
            errors["sort"] = [f"Must be one of: {', '.join(ORDER_SORTS)}."]
        q = _single(params, "q", errors) or ""
        after = None
        offset = _single(params, "offset", errors)
        if offset:
            try:
                token_sort, token_q, after = self._tokens.read(offset)
            except InvalidOffset as exc:
                errors["offset"] = [str(exc)]
            else:
                if not errors.keys() & {"sort", "q"} and (token_sort, token_q) != (sort, q):
                    errors["offset"] = [
                        "Offset token belongs to a different sort or q; start from the first page."
                    ]
        if errors:
            return _query_error(errors)
        return self._page(sort, q, after, per_page)

    def _page(self, sort: str, q: str, after: tuple[Any, ...] | None, per_page: int) -> Response:
        walk = self._walks[sort]
        if q:
            needle = q.casefold()
            walk = [(key, order) for key, order in walk if needle in _name_fold(order)]
        start = 0
        if after is not None:
            keys = [key for key, _ in walk]
            _, reverse = ORDER_SORT_KEYS[sort]
            start = (
                len(keys) - bisect_left(keys[::-1], after) if reverse else bisect_right(keys, after)
            )
        page = walk[start : start + per_page]
        more = start + per_page < len(walk)
        next_offset = self._tokens.issue(sort, q, page[-1][0]) if more else None
        pagination = json.dumps({"next_offset": next_offset, "per_page": per_page}).encode()
        orders = b",".join(self._encode(order) for _, order in page)
        return Response(200, b'{"orders":[' + orders + b'],"pagination":' + pagination + b"}")

    def _encode(self, order: dict[str, Any]) -> bytes:
        order_id = order["order_id"]
        if self.data.is_live(order_id):
            return json.dumps(self.data.order_at(order, self.elapsed()), ensure_ascii=False).encode(
                "utf-8"
            )
        encoded = self._encoded.get(order_id)
        if encoded is None:
            encoded = self._encoded[order_id] = json.dumps(order, ensure_ascii=False).encode(
                "utf-8"
            )
        return encoded

    def _get_order(self, request: Request, environ: Environ, order_id: str) -> Response:
        denied = self._auth_error(request, required=False)
        if denied is not None:
            return denied
        params = parse_qs(request.query, keep_blank_values=True)
        errors: dict[str, list[str]] = {}
        how = _single(params, "sort_images_by", errors)
        if how is not None and how not in IMAGE_SORTS:
            errors["sort_images_by"] = [f"Must be one of: {', '.join(IMAGE_SORTS)}."]
        if errors:
            return _query_error(errors)
        order = self.current_order(order_id) if PLAIN_ID.fullmatch(order_id) else None
        if order is None:
            return _error(404, "Order not found", {"order_id": order_id})
        if how is None:
            return Response(200, self._encode(order))
        return _json(200, {**order, "images": _sort_images(order.get("images") or [], how)})

    # -- images -------------------------------------------------------------

    def _image(self, image_id: str) -> dict[str, Any] | None:
        return (
            self.data.image_at(image_id, self.elapsed()) if PLAIN_ID.fullmatch(image_id) else None
        )

    def _get_image(self, request: Request, environ: Environ, image_id: str) -> Response:
        denied = self._auth_error(request, required=False)
        if denied is not None:
            return denied
        image = self._image(image_id)
        if image is None:
            return _error(404, "Image not found", {"image_id": image_id})
        return _json(200, image)

    def _previewable(self, image_id: str) -> tuple[dict[str, Any] | None, Response | None]:
        image = self._image(image_id)
        if image is None:
            return None, _error(404, "Image not found", {"image_id": image_id})
        if not has_preview(image):
            return None, _error(
                404, "Preview not available", {"image_id": image_id, "status": image.get("status")}
            )
        return image, None

    def _get_preview(self, request: Request, environ: Environ, image_id: str) -> Response:
        denied = self._auth_error(request, required=False)
        if denied is not None:
            return denied
        image, missing = self._previewable(image_id)
        if image is None:
            assert missing is not None
            return missing
        redirect = parse_qs(request.query).get("redirect") == ["1"]
        if self.preview_redirect or redirect:
            host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
            location = f"{environ['wsgi.url_scheme']}://{host}/files/previews/{quote(image_id)}.jpg"
            return _error(302, "Found", {"location": location}, [("Location", location)])
        return _jpeg(request, render_preview(image_id, scene=image.get("scene")))

    def _get_watermark(self, request: Request, environ: Environ, image_id: str) -> Response:
        denied = self._auth_error(request, required=False)
        if denied is not None:
            return denied
        image, missing = self._previewable(image_id)
        if image is None:
            assert missing is not None
            return missing
        return _jpeg(request, render_watermarked(image_id, scene=image.get("scene")))

    def _get_file(self, request: Request, environ: Environ, image_id: str) -> Response:
        # The file host is not the API: it never looks at x-api-key.
        image, missing = self._previewable(image_id)
        if image is None:
            assert missing is not None
            return missing
        return _jpeg(request, render_preview(image_id, scene=image.get("scene")))


def _jpeg(request: Request, body: bytes) -> Response:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = [("Cache-Control", "public, max-age=86400"), ("ETag", etag)]
    if etag in (tag.strip() for tag in request.headers.get("if-none-match", "").split(",")):
        return Response(304, content_type=None, headers=headers)
    return Response(200, body, "image/jpeg", headers)


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
