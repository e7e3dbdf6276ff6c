from __future__ import annotations

import logging
from importlib import resources
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url, reswap
from django_htmx.middleware import HtmxDetails

from orders import client, presentation
from orders.client import ApiError, Image, InvalidRequest, NotFound, Order, RateLimited
from orders.params import (
    IMAGE_BATCH,
    IMAGE_SORTS,
    IMAGE_STATUSES,
    ORDER_SORTS,
    PAGE_SIZES,
    ImageListParams,
    InvalidParams,
    OrderListParams,
    check_id,
    order_id_from_input,
)

log = logging.getLogger(__name__)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _partial(request: HtmxHttpRequest, *, targets: dict[str, str], default: str) -> str | None:
    """Which fragment an htmx request wants, or None for the whole page.

    Boosted navigation and history restores need the whole page, or Back would
    show a bare fragment.
    """
    htmx = request.htmx
    if not htmx or htmx.boosted or htmx.history_restore_request:
        return None
    return targets.get(htmx.target or "", default)


# Every header _partial() looks at, so no cache or Back button mixes a fragment
# with a page.
_vary_on_htmx = vary_on_headers(
    "HX-Request", "HX-Boosted", "HX-Target", "HX-History-Restore-Request"
)


def _status_for(exc: ApiError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, InvalidRequest):
        return 400
    if isinstance(exc, RateLimited):
        return 503
    return 502


def _error_page(
    request: HtmxHttpRequest, *, status: int, title: str, message: str, retry: bool = False
) -> HttpResponse:
    ctx = {
        "title": title,
        "message": message,
        "retry_url": request.get_full_path() if retry else None,
    }
    return render(request, "orders/error.html", ctx, status=status)


def _upstream_failure(request: HtmxHttpRequest, exc: ApiError, *, what: str) -> HttpResponse:
    status = _status_for(exc)
    if status == 404:
        return _error_page(
            request,
            status=404,
            title=f"{what.capitalize()} not found",
            message=f"There is no {what} with that id in this account. "
            "Check the link, or go back to the orders list.",
        )
    log.warning("upstream failure for %s: %s", request.path, exc.message)
    response = _error_page(
        request,
        status=status,
        title="The Autoenhance API isn't answering"
        if status >= 500
        else "That request was refused",
        message=exc.message,
        retry=status >= 500,
    )
    return _with_retry_after(response, exc)


def _with_retry_after(response: HttpResponse, exc: ApiError) -> HttpResponse:
    if isinstance(exc, RateLimited) and exc.retry_after:
        response["Retry-After"] = str(max(1, round(exc.retry_after)))
    return response


# Orders list -----------------------------------------------------------------


@require_GET
@_vary_on_htmx
def order_list(request: HtmxHttpRequest) -> HttpResponse:
    partial = _partial(request, targets={"results": "results"}, default="order-cards")
    ctx: dict[str, Any] = {
        "sorts": ORDER_SORTS,
        "page_sizes": PAGE_SIZES,
        "page": None,
        "error": None,
        "retry_url": request.get_full_path(),
    }
    status = 200
    try:
        params = OrderListParams.from_query(request.GET)
    except InvalidParams as exc:
        params = OrderListParams()
        ctx.update(error=str(exc), error_title="That link isn't valid")
        status = 400
    else:
        try:
            page = client.list_orders(
                offset=params.offset or None,
                per_page=params.per_page,
                q=params.q or None,
                sort=params.sort,
            )
        except InvalidRequest as exc:
            # The API refuses stale or mangled page tokens with a 422.
            ctx.update(
                error=f"The API refused this page of results: {exc.message}",
                error_title="That page link has expired or isn't valid",
            )
            status = 400
        except ApiError as exc:
            status = _status_for(exc)
            log.warning("orders list failed: %s", exc.message)
            ctx.update(error=exc.message, error_title="Couldn't load orders")
        else:
            ctx["page"] = page
            if page.next_offset:
                ctx["next_url"] = f"{reverse('order_list')}?{params.query(offset=page.next_offset)}"
    ctx["params"] = params
    ctx["first_page_url"] = f"{reverse('order_list')}?{params.query(offset='')}"
    template = "orders/list.html" + (f"#{partial}" if partial else "")
    response = render(request, template, ctx, status=status)
    if partial == "results" and status == 200:
        # A new search or sort gets its own address, so the link can be shared.
        query = params.query(offset="")
        push_url(response, reverse("order_list") + (f"?{query}" if query else ""))
    return response


@require_GET
def go_to_order(request: HtmxHttpRequest) -> HttpResponse:
    try:
        order_id = order_id_from_input(request.GET.get("id", ""))
    except InvalidParams as exc:
        return _error_page(request, status=400, title="That isn't an order id", message=str(exc))
    return redirect("order_detail", order_id=order_id)


# One order -------------------------------------------------------------------


def _load_order(
    request: HtmxHttpRequest, order_id: str, *, image_id: str | None = None
) -> tuple[Order, ImageListParams] | HttpResponse:
    """The order and the grid's filters, or the error page to show instead."""
    try:
        check_id(order_id, "Order")
        if image_id is not None:
            check_id(image_id, "Image")
        params = ImageListParams.from_query(request.GET)
    except InvalidParams as exc:
        return _error_page(request, status=400, title="That link isn't valid", message=str(exc))
    try:
        return client.get_order(order_id, sort_images_by=params.sort or None), params
    except ApiError as exc:
        return _upstream_failure(request, exc, what="order")


def _visible_images(images: tuple[Image, ...], params: ImageListParams) -> list[Image]:
    if not params.status:
        return list(images)
    return [image for image in images if (image.status or "").lower() == params.status]


@require_GET
@_vary_on_htmx
def order_detail(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    loaded = _load_order(request, order_id)
    if isinstance(loaded, HttpResponse):
        return loaded
    order, params = loaded
    images = _visible_images(order.images, params)
    batch = images[params.start : params.start + IMAGE_BATCH]
    next_start = params.start + IMAGE_BATCH
    base = reverse("order_detail", args=[order_id])
    ctx = {
        "order": order,
        "order_name": presentation.order_name(order),
        "summary": presentation.status_summary(order.images),
        "images": batch,
        "visible_count": len(images),
        "params": params,
        "statuses": IMAGE_STATUSES,
        "image_sorts": IMAGE_SORTS,
        "next_url": f"{base}?{params.query(start=next_start)}"
        if next_start < len(images)
        else None,
        "live_url": f"{reverse('order_live', args=[order_id])}?{params.query(start=0)}",
        "image_query": params.query(start=0),
    }
    partial = _partial(request, targets={}, default="image-cards")
    return render(request, "orders/detail.html" + (f"#{partial}" if partial else ""), ctx)


@require_GET
def order_live(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    """The polled refresh of a processing order: its header, and the cards still pending."""
    try:
        check_id(order_id, "Order")
        params = ImageListParams.from_query(request.GET)
    except InvalidParams as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain")
    try:
        order = client.get_order(order_id, sort_images_by=params.sort or None)
    except ApiError as exc:
        # Keep what is on screen and keep polling: the next tick may succeed.
        response = HttpResponse(exc.message, status=_status_for(exc), content_type="text/plain")
        return reswap(response, "none")
    pending = set(request.GET.getlist("pending")[:500])
    ctx = {
        "order": order,
        "summary": presentation.status_summary(order.images),
        "changed_images": [image for image in order.images if image.image_id in pending],
        "live_url": f"{reverse('order_live', args=[order_id])}?{params.query(start=0)}",
        "params": params,
        "image_query": params.query(start=0),
    }
    return render(request, "orders/detail.html#order-live", ctx)


# One image -------------------------------------------------------------------


@require_GET
def image_detail(request: HtmxHttpRequest, order_id: str, image_id: str) -> HttpResponse:
    loaded = _load_order(request, order_id, image_id=image_id)
    if isinstance(loaded, HttpResponse):
        return loaded
    order, params = loaded
    images = _visible_images(order.images, params)
    position = next((i for i, image in enumerate(images) if image.image_id == image_id), None)
    if position is None:
        # A filter may hide it; look in the whole order before giving up.
        images = list(order.images)
        params = ImageListParams(sort=params.sort)
        position = next((i for i, image in enumerate(images) if image.image_id == image_id), None)
    if position is None:
        return _error_page(
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
        "image": image,
        "position": position + 1,
        "count": len(images),
        "previous": images[position - 1] if position > 0 else None,
        "next": images[position + 1] if position + 1 < len(images) else None,
        "image_query": query,
        "options": presentation.option_rows(image),
        "chips": presentation.enhancement_chips(image),
        "finetune": presentation.finetune_rows(image),
        "back_url": reverse("order_detail", args=[order_id]) + (f"?{query}" if query else ""),
    }
    return render(request, "orders/image.html", ctx)


_PLACEHOLDER = resources.files("orders").joinpath("placeholder.svg").read_bytes()


@require_GET
def image_preview(request: HtmxHttpRequest, order_id: str, image_id: str) -> HttpResponse:
    """The preview, fetched server-side so the browser only ever talks to us.

    A missing or failed preview answers with a neutral placeholder rather than
    an error, so a grid never shows broken images.
    """
    try:
        check_id(order_id, "Order")
        check_id(image_id, "Image")
        preview = client.fetch_preview(image_id)
    except (InvalidParams, ApiError) as exc:
        response = HttpResponse(_PLACEHOLDER, content_type="image/svg+xml")
        response["X-Preview"] = "placeholder"
        log.info("preview %s unavailable: %s", image_id[:80], exc)
        patch_cache_control(response, no_store=True)
        return response
    response = HttpResponse(preview.content, content_type=preview.content_type)
    patch_cache_control(response, private=True, max_age=3600)
    if preview.etag:
        response["ETag"] = preview.etag
    return response


# Error handlers ----------------------------------------------------------------


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "orders/error.html",
        {"title": "Page not found", "message": "There is nothing at this address."},
        status=404,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "orders/error.html",
        {
            "title": "Something went wrong",
            "message": "The dashboard hit an unexpected problem. Try again in a moment.",
        },
        status=500,
    )
