"""The one module that talks to the Autoenhance v3 API.

Views call the functions at the bottom (`list_orders`, `get_order`, ...) and get
plain dataclasses back, or one of the typed errors below. Nothing else in the
project imports `requests` for the API or looks at its JSON.
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urljoin

import requests
from django.conf import settings

log = logging.getLogger(__name__)

# Ids Autoenhance makes are UUIDs, but clients may pick their own plain ids.
# Anything else (slashes, dots alone, %, ?, #, spaces) could walk the upstream
# path, so it never leaves this module.
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")

_RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
_PREVIEW_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"})
_MAX_PREVIEW_BYTES = 20 * 1024 * 1024


# Errors -------------------------------------------------------------------


class ApiError(Exception):
    """Base of every error this module raises. `str()` is fit to show a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AuthenticationError(ApiError):
    pass


class NotFound(ApiError):
    pass


class InvalidRequest(ApiError):
    def __init__(self, message: str, detail: Any = None) -> None:
        super().__init__(message)
        self.detail = detail


class InvalidIdentifier(InvalidRequest):
    pass


class RateLimited(ApiError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UpstreamError(ApiError):
    pass


# Data ---------------------------------------------------------------------


@dataclass(frozen=True)
class Image:
    image_id: str | None
    name: str | None = None
    order_id: str | None = None
    status: str | None = None
    status_reason: str | None = None
    date_added: datetime | None = None
    enhance: bool | None = None
    enhance_type: str | None = None
    ai_version: str | None = None
    sky_replacement: bool | None = None
    cloud_type: str | None = None
    vertical_correction: bool | None = None
    lens_correction: bool | None = None
    window_pull: bool | None = None
    window_pull_type: str | None = None
    upscale: bool | None = None
    privacy: bool | None = None
    downloaded: bool | None = None
    rating: int | None = None
    scene: str | None = None
    finetune_settings: dict[str, Any] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def has_safe_id(self) -> bool:
        return is_safe_id(self.image_id)


@dataclass(frozen=True)
class Order:
    order_id: str | None
    name: str | None = None
    status: str | None = None
    created_at: datetime | None = None
    last_updated_at: datetime | None = None
    is_processing: bool = False
    is_merging: bool = False
    is_deleted: bool = False
    total_images: int | None = None
    images: tuple[Image, ...] = ()

    @property
    def has_safe_id(self) -> bool:
        return is_safe_id(self.order_id)

    @property
    def image_count(self) -> int:
        return self.total_images if self.total_images is not None else len(self.images)


@dataclass(frozen=True)
class Page:
    orders: tuple[Order, ...]
    next_offset: str | None
    per_page: int | None = None


@dataclass(frozen=True)
class Preview:
    content: bytes
    content_type: str
    etag: str | None = None


# Tolerant parsing: the API adds, drops and nulls fields over time; a bad value
# becomes None (or the field's neutral default) and never an exception.


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _int(value: Any, *, low: int | None = None, high: int | None = None) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    number = int(value)
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number


def _iso_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _epoch_ms(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _iso_datetime(value)
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _reason(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return str(value)


def _dict(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def parse_image(data: Any) -> Image | None:
    if not isinstance(data, dict):
        return None
    return Image(
        image_id=_str(data.get("image_id")),
        name=_str(data.get("image_name")),
        order_id=_str(data.get("order_id")),
        status=_str(data.get("status")),
        status_reason=_reason(data.get("status_reason")),
        date_added=_epoch_ms(data.get("date_added")),
        enhance=_bool(data.get("enhance")),
        enhance_type=_str(data.get("enhance_type")),
        ai_version=_str(data.get("ai_version")),
        sky_replacement=_bool(data.get("sky_replacement")),
        cloud_type=_str(data.get("cloud_type")),
        vertical_correction=_bool(data.get("vertical_correction")),
        lens_correction=_bool(data.get("lens_correction")),
        window_pull=_bool(data.get("window_pull")),
        window_pull_type=_str(data.get("window_pull_type") or data.get("window_pull_style")),
        upscale=_bool(data.get("upscale")),
        privacy=_bool(data.get("privacy")),
        downloaded=_bool(data.get("downloaded")),
        rating=_int(data.get("rating"), low=0, high=5),
        scene=_str(data.get("scene")),
        finetune_settings=_dict(data.get("finetune_settings")),
        metadata=_dict(data.get("metadata")) or {},
        raw=data,
    )


def parse_order(data: Any) -> Order | None:
    if not isinstance(data, dict):
        return None
    raw_images = data.get("images")
    images = tuple(
        image
        for image in map(parse_image, raw_images if isinstance(raw_images, list) else [])
        if image is not None
    )
    return Order(
        order_id=_str(data.get("order_id")),
        name=_str(data.get("name")),
        status=_str(data.get("status")),
        created_at=_iso_datetime(data.get("created_at")),
        last_updated_at=_iso_datetime(data.get("last_updated_at")),
        is_processing=_bool(data.get("is_processing")) or False,
        is_merging=_bool(data.get("is_merging")) or False,
        is_deleted=_bool(data.get("is_deleted")) or False,
        total_images=_int(data.get("total_images"), low=0),
        images=images,
    )


def parse_page(data: Any) -> Page:
    if not isinstance(data, dict) or not isinstance(data.get("orders"), list):
        raise UpstreamError(
            "The Autoenhance API sent an order list in a shape this dashboard doesn't "
            "recognise. Try again; if it persists, the API may have changed."
        )
    pagination = data.get("pagination")
    pagination = pagination if isinstance(pagination, dict) else {}
    next_offset = pagination.get("next_offset")
    return Page(
        orders=tuple(o for o in map(parse_order, data["orders"]) if o is not None),
        # An empty token would restart from the first page: treat it as the end.
        next_offset=next_offset if isinstance(next_offset, str) and next_offset else None,
        per_page=_int(pagination.get("per_page"), low=1),
    )


def is_safe_id(value: str | None) -> bool:
    return isinstance(value, str) and _SAFE_ID.fullmatch(value) is not None


def _id_segment(value: str, kind: str) -> str:
    if not is_safe_id(value):
        raise InvalidIdentifier(f"{value!r} is not a valid {kind} id.")
    return quote(value, safe="")


# The client ----------------------------------------------------------------


class AutoenhanceClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        connect_timeout: float = 3.05,
        read_timeout: float = 10.0,
        retries: int = 2,
        retry_budget: float = 8.0,
        retry_after_cap: float = 5.0,
        backoff: float = 0.25,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        self.retries = retries
        self.retry_budget = retry_budget
        self.retry_after_cap = retry_after_cap
        self.backoff = backoff
        self._sleep = sleep
        self._api_key = api_key
        self.session = requests.Session()
        self.session.headers.update(
            {"Accept": "application/json", "User-Agent": "autoenhance-dashboard"}
        )

    def __repr__(self) -> str:
        return f"AutoenhanceClient({self.base_url!r})"

    # Public API

    def list_orders(
        self,
        offset: str | None = None,
        per_page: int | None = None,
        q: str | None = None,
        sort: str | None = None,
    ) -> Page:
        params = {"offset": offset or None, "per_page": per_page, "q": q or None, "sort": sort}
        return parse_page(self._get_json("/v3/orders/", params))

    def get_order(self, order_id: str, sort_images_by: str | None = None) -> Order:
        path = f"/v3/orders/{_id_segment(order_id, 'order')}"
        order = parse_order(self._get_json(path, {"sort_images_by": sort_images_by}))
        if order is None:
            raise UpstreamError("The Autoenhance API sent an order this dashboard can't read.")
        return order

    def get_image(self, image_id: str) -> Image:
        path = f"/v3/images/{_id_segment(image_id, 'image')}"
        image = parse_image(self._get_json(path, {}))
        if image is None:
            raise UpstreamError("The Autoenhance API sent an image this dashboard can't read.")
        return image

    def preview_url(self, image_id: str) -> str:
        return f"{self.base_url}/v3/images/{_id_segment(image_id, 'image')}/preview"

    def fetch_preview(self, image_id: str) -> Preview:
        """The preview's bytes, following a redirect to wherever the file lives.

        The key is not needed for previews, and a redirect may lead off to a
        file host, so it is never sent here.
        """
        url = self.preview_url(image_id)
        for _hop in range(4):
            response = self._send(url, {}, with_key=False, allow_redirects=False)
            if response.is_redirect and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                if not url.startswith(("http://", "https://")):
                    break
                continue
            self._raise_for_status(response)
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if content_type not in _PREVIEW_TYPES:
                raise UpstreamError("The Autoenhance API sent a preview that is not an image.")
            if len(response.content) > _MAX_PREVIEW_BYTES:
                raise UpstreamError("The Autoenhance API sent a preview that is too large to show.")
            return Preview(response.content, content_type, response.headers.get("ETag"))
        raise UpstreamError("The preview redirected too many times.")

    # Transport

    def _get_json(self, path: str, params: Mapping[str, Any]) -> Any:
        response = self._send(f"{self.base_url}{path}", params, with_key=True)
        self._raise_for_status(response)
        try:
            return response.json()
        except ValueError:
            raise UpstreamError(
                "The Autoenhance API answered with something that isn't JSON. "
                "It may be having trouble: try again in a moment."
            ) from None

    def _send(
        self,
        url: str,
        params: Mapping[str, Any],
        *,
        with_key: bool,
        allow_redirects: bool = True,
    ) -> requests.Response:
        """GET with bounded retries. Only GETs come here, so retrying is safe."""
        headers = {"x-api-key": self._api_key} if with_key else {}
        query = {k: v for k, v in params.items() if v is not None}
        started = time.monotonic()
        attempt = 0
        while True:
            wait: float | None = None
            try:
                response = self.session.get(
                    url,
                    params=query,
                    headers=headers,
                    timeout=self.timeout,
                    allow_redirects=allow_redirects,
                )
            except requests.RequestException as exc:
                error = _transport_error(exc, self.timeout[1])
                if not _is_retryable(exc):
                    raise error from None
                wait = self._backoff(attempt)
            else:
                _log_call(url, response, started)
                if response.status_code not in _RETRYABLE_STATUSES:
                    return response
                error = None
                wait = self._retry_after(response) or self._backoff(attempt)
            elapsed = time.monotonic() - started
            if attempt >= self.retries or elapsed + wait > self.retry_budget:
                if error is not None:
                    raise error
                return response
            attempt += 1
            log.info("retrying %s in %.2fs (attempt %d)", _path(url), wait, attempt + 1)
            self._sleep(wait)

    def _backoff(self, attempt: int) -> float:
        return self.backoff * (2**attempt) * (1 + random.random() / 2)

    def _retry_after(self, response: requests.Response) -> float | None:
        value = response.headers.get("Retry-After", "").strip()
        if not value:
            return None
        try:
            seconds = float(value)
        except ValueError:
            try:
                seconds = (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
            except (TypeError, ValueError, IndexError):
                return None
        return min(max(seconds, 0.0), self.retry_after_cap)

    def _raise_for_status(self, response: requests.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        message = _error_message(response)
        if status == 401:
            raise AuthenticationError(
                "The Autoenhance API refused the API key. Check AUTOENHANCE_API_KEY."
            )
        if status == 404:
            raise NotFound(message or "Not found.")
        if status == 422:
            raise InvalidRequest(
                message or "The API rejected the request.", _error_detail(response)
            )
        if status == 429:
            raise RateLimited(
                "The Autoenhance API is rate-limiting this dashboard. "
                "Wait a few seconds and try again.",
                retry_after=self._retry_after(response),
            )
        if status >= 500:
            raise UpstreamError(
                f"The Autoenhance API is having trouble (HTTP {status}). Try again in a moment."
            )
        raise UpstreamError(f"The Autoenhance API refused the request (HTTP {status}).")


def _is_retryable(exc: requests.RequestException) -> bool:
    """A refused, reset or unreachable connection is worth another try; a slow
    or broken answer is not, since waiting again would only double the delay."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    return isinstance(exc, requests.ConnectionError) and not _is_read_timeout(exc)


def _is_read_timeout(exc: requests.RequestException) -> bool:
    # requests reports a timeout while reading the body as a ConnectionError.
    return isinstance(exc, requests.ReadTimeout) or "Read timed out" in str(exc)


def _transport_error(exc: requests.RequestException, read_timeout: float) -> UpstreamError:
    if _is_read_timeout(exc):
        return UpstreamError(
            f"The Autoenhance API didn't answer within {read_timeout:g} seconds. "
            "It may be busy: try again in a moment."
        )
    if isinstance(exc, requests.ConnectionError):
        return UpstreamError(
            "Couldn't reach the Autoenhance API. Check the network, or try again in a moment."
        )
    return UpstreamError("The Autoenhance API sent a broken answer. Try again in a moment.")


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[-1] if url.count("/") >= 3 else url


def _log_call(url: str, response: requests.Response, started: float) -> None:
    log.info(
        "GET %s -> %s in %.0f ms",
        _path(url),
        response.status_code,
        (time.monotonic() - started) * 1000,
    )


def _error_body(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _error_detail(response: requests.Response) -> Any:
    return _error_body(response).get("detail")


def _error_message(response: requests.Response) -> str:
    """The API's message, plus field reasons from a 422's detail when it has them."""
    body = _error_body(response)
    message = body.get("message") if isinstance(body.get("message"), str) else ""
    reasons = []
    detail = body.get("detail")
    if isinstance(detail, dict):
        for fields in detail.values():
            if isinstance(fields, dict):
                for name, problems in fields.items():
                    text = (
                        "; ".join(map(str, problems))
                        if isinstance(problems, list)
                        else str(problems)
                    )
                    reasons.append(f"{name}: {text}")
    return " ".join(filter(None, [message.strip(), "; ".join(reasons)]))[:500]


# The process's client -------------------------------------------------------

_client_lock = threading.Lock()
_clients: dict[tuple[Any, ...], AutoenhanceClient] = {}


def get_client() -> AutoenhanceClient:
    """One client, so one connection pool, per process and configuration."""
    config = (
        settings.AUTOENHANCE_API_URL,
        settings.AUTOENHANCE_API_KEY,
        settings.AUTOENHANCE_CONNECT_TIMEOUT,
        settings.AUTOENHANCE_READ_TIMEOUT,
        settings.AUTOENHANCE_RETRIES,
        settings.AUTOENHANCE_RETRY_BUDGET,
        settings.AUTOENHANCE_RETRY_AFTER_CAP,
    )
    with _client_lock:
        client = _clients.get(config)
        if client is None:
            client = _clients[config] = AutoenhanceClient(
                config[0],
                config[1],
                connect_timeout=config[2],
                read_timeout=config[3],
                retries=config[4],
                retry_budget=config[5],
                retry_after_cap=config[6],
            )
        return client


def list_orders(
    offset: str | None = None,
    per_page: int | None = None,
    q: str | None = None,
    sort: str | None = None,
) -> Page:
    return get_client().list_orders(offset=offset, per_page=per_page, q=q, sort=sort)


def get_order(order_id: str, sort_images_by: str | None = None) -> Order:
    return get_client().get_order(order_id, sort_images_by=sort_images_by)


def get_image(image_id: str) -> Image:
    return get_client().get_image(image_id)


def preview_url(image_id: str) -> str:
    return get_client().preview_url(image_id)


def fetch_preview(image_id: str) -> Preview:
    return get_client().fetch_preview(image_id)
