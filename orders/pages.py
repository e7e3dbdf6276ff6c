"""What the order, image and preview views of both the team and share links do.

The team's pages live under /orders/<id>/ and a share link's under /s/<token>/:
the same pages, told where they live by `base` and who is looking by `share`.
"""

from __future__ import annotations

import logging
from importlib import resources
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap
from django_htmx.middleware import HtmxDetails

from orders import client, presentation
from orders.client import ApiError, Image, InvalidRequest, NotFound, Order, RateLimited
from orders.models import ShareLink
from orders.params import (
    IMAGE_BATCH,
    IMAGE_SORTS,
    IMAGE_STATUSES,
    ImageListParams,
    InvalidParams,
    check_id,
)

log = logging.getLogger(__name__)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def partial_for(request: HtmxHttpRequest, *, targets: dict[str, str], default: str) -> str | None:
    """Which fragment an htmx request wants, or None for the whole page.

    Boosted navigation and history restores need the whole page, or Back would
    show a bare fragment.
    """
    htmx = request.htmx
    if not htmx or htmx.boosted or htmx.history_restore_request:
        return None
    return targets.get(htmx.target or "", default)


# Every header partial_for() looks at, so no cache or Back button mixes a
# fragment with a page.
vary_on_htmx = vary_on_headers(
    "HX-Request", "HX-Boosted", "HX-Target", "HX-History-Restore-Request"
)


def status_for(exc: ApiError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, InvalidRequest):
        return 400
    if isinstance(exc, RateLimited):
        return 503
    return 502


def error_page(
    request: HttpRequest, *, status: int, title: str, message: str, retry: bool = False
) -> HttpResponse:
    ctx = {
        "title": title,
        "message": message,
        "retry_url": request.get_full_path() if retry else None,
    }
    return render(request, "orders/error.html", ctx, status=status)


def upstream_failure(request: HttpRequest, exc: ApiError, *, what: str) -> HttpResponse:
    status = status_for(exc)
    if status == 404:
        return error_page(
            request,
            status=404,
            title=f"{what.capitalize()} not found",
            message=f"There is no {what} with that id in this account. "
            "Check the link, or go back to the orders list.",
        )
    log.warning("upstream failure for %s: %s", request.path, exc.message)
    response = error_page(
        request,
        status=status,
        title="The Autoenhance API isn't answering"
        if status >= 500
        else "That request was refused",
        message=exc.message,
        retry=status >= 500,
    )
    if isinstance(exc, RateLimited) and exc.retry_after:
        response["Retry-After"] = str(max(1, round(exc.retry_after)))
    return response


def load_order(
    request: HttpRequest, order_id: str, *, image_id: str | None = None
) -> tuple[Order, ImageListParams] | HttpResponse:
    """The order and the grid's filters, or the error page to show instead."""
    try:
        check_id(order_id, "Order")
        if image_id is not None:
            check_id(image_id, "Image")
        params = ImageListParams.from_query(request.GET)
    except InvalidParams as exc:
        return error_page(request, status=400, title="That link isn't valid", message=str(exc))
    try:
        order = client.get_order(order_id, sort_images_by=params.sort or None)
    except ApiError as exc:
        return upstream_failure(request, exc, what="order")
    _remember_images(order)
    return order, params


def _visible_images(images: tuple[Image, ...], params: ImageListParams) -> list[Image]:
    if not params.status:
        return list(images)
    return [image for image in images if (image.status or "").lower() == params.status]


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def order_context(
    order: Order, params: ImageListParams, *, base: str, share: ShareLink | None
) -> dict[str, Any]:
    images = _visible_images(order.images, params)
    next_start = params.start + IMAGE_BATCH
    return {
        "order": order,
        "order_name": presentation.order_name(order),
        "order_base": base,
        "share": share,
        "summary": presentation.status_summary(order.images),
        "images": images[params.start : next_start],
        "visible_count": len(images),
        "params": params,
        "statuses": IMAGE_STATUSES,
        "image_sorts": IMAGE_SORTS,
        "next_url": _with_query(base, params.query(start=next_start))
        if next_start < len(images)
        else None,
        "live_url": _with_query(f"{base}live/", params.query(start=0)),
        "image_query": params.query(start=0),
    }


def order_page(
    request: HtmxHttpRequest,
    order: Order,
    params: ImageListParams,
    *,
    base: str,
    share: ShareLink | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    ctx = order_context(order, params, base=base, share=share) | (extra or {})
    partial = partial_for(request, targets={}, default="image-cards")
    return render(request, "orders/detail.html" + (f"#{partial}" if partial else ""), ctx)


def live_refresh(
    request: HtmxHttpRequest, order_id: str, *, base: str, share: ShareLink | None = None
) -> HttpResponse:
    """The polled refresh of a processing order: its header, and the cards still pending."""
    try:
        params = ImageListParams.from_query(request.GET)
        order = client.get_order(order_id, sort_images_by=params.sort or None)
    except InvalidParams as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain")
    except ApiError as exc:
        # Keep what is on screen and keep polling: the next tick may succeed.
        response = HttpResponse(exc.message, status=status_for(exc), content_type="text/plain")
        return reswap(response, "none")
    pending = set(request.GET.getlist("pending")[:500])
    ctx = order_context(order, params, base=base, share=share) | {
        "changed_images": [image for image in order.images if image.image_id in pending],
    }
    return render(request, "orders/detail.html#order-live", ctx)


def image_page(
    request: HttpRequest,
    order: Order,
    params: ImageListParams,
    image_id: str,
    *,
    base: str,
    share: ShareLink | None = None,
) -> HttpResponse:
    images = _visible_images(order.images, params)
    position = next((i for i, image in enumerate(images) if image.image_id == image_id), None)
    if position is None:
        # A filter may hide it; look in the whole order before giving up.
        images = list(order.images)
        params = ImageListParams(sort=params.sort)
        position = next((i for i, image in enumerate(images) if image.image_id == image_id), None)
    if position is None:
        return error_page(
            request,
            status=404,
            title="Image not found",
            message="This order has no image with that id. It may have been removed.",
        )
    image = images[position]
    query = params.query(start=0)
    ctx = {
        "order": order,
        "order_name": presentation.order_name(order),
        "order_base": base,
        "share": share,
        "image": image,
        "position": position + 1,
        "count": len(images),
        "previous": images[position - 1] if position > 0 else None,
        "next": images[position + 1] if position + 1 < len(images) else None,
        "image_query": query,
        "options": presentation.option_rows(image),
        "chips": presentation.enhancement_chips(image),
        "finetune": presentation.finetune_rows(image),
        "back_url": _with_query(base, query),
    }
    return render(request, "orders/image.html", ctx)


# Previews ------------------------------------------------------------------------

_PLACEHOLDER = resources.files("orders").joinpath("placeholder.svg").read_bytes()
_IMAGES_CACHE_SECONDS = 300


def _images_key(order_id: str) -> str:
    return f"order-images:{order_id}"


def _remember_images(order: Order) -> None:
    if order.order_id:
        ids = {image.image_id for image in order.images if image.image_id}
        cache.set(_images_key(order.order_id), ids, _IMAGES_CACHE_SECONDS)


def order_has_image(order_id: str, image_id: str) -> bool:
    """Whether the image belongs to the order, from a short-lived cache of its ids.

    A share link's previews are checked with this: a link opens one order's
    images and nothing else, but fetching a 400-image order for every
    thumbnail would be wasteful.
    """
    ids = cache.get(_images_key(order_id))
    if ids is None:
        try:
            _remember_images(client.get_order(order_id))
        except ApiError:
            return False
        ids = cache.get(_images_key(order_id)) or set()
    return image_id in ids


def placeholder() -> HttpResponse:
    response = HttpResponse(_PLACEHOLDER, content_type="image/svg+xml")
    response["X-Preview"] = "placeholder"
    patch_cache_control(response, no_store=True)
    return response


def preview(image_id: str) -> HttpResponse:
    """The preview, fetched server-side so the browser only ever talks to us.

    A missing or failed preview answers with a neutral placeholder rather than
    an error, so a grid never shows broken images.
    """
    try:
        check_id(image_id, "Image")
        found = client.fetch_preview(image_id)
    except (InvalidParams, ApiError) as exc:
        log.info("preview %s unavailable: %s", image_id[:80], exc)
        return placeholder()
    response = HttpResponse(found.content, content_type=found.content_type)
    patch_cache_control(response, private=True, max_age=3600)
    if found.etag:
        response["ETag"] = found.etag
    return response
