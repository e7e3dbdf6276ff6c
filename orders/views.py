"""The team's views: every one of them needs a signed-in teammate."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import push_url

from orders import client, pages
from orders.access import serves_files, team_required
from orders.client import ApiError, InvalidRequest
from orders.models import DEFAULT_SHARE_DAYS, SHARE_DURATIONS, ShareLink
from orders.pages import HtmxHttpRequest, error_page, status_for, vary_on_htmx
from orders.params import (
    ORDER_SORTS,
    PAGE_SIZES,
    InvalidParams,
    OrderListParams,
    check_id,
    order_id_from_input,
)

log = logging.getLogger(__name__)


# Orders list -----------------------------------------------------------------


@require_GET
@team_required
@vary_on_htmx
def order_list(request: HtmxHttpRequest) -> HttpResponse:
    partial = pages.partial_for(request, targets={"results": "results"}, default="order-cards")
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
            status = status_for(exc)
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
@team_required
def go_to_order(request: HtmxHttpRequest) -> HttpResponse:
    try:
        order_id = order_id_from_input(request.GET.get("id", ""))
    except InvalidParams as exc:
        return error_page(request, status=400, title="That isn't an order id", message=str(exc))
    return redirect("order_detail", order_id=order_id)


# One order -------------------------------------------------------------------


def _share_panel(order_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "share_order_id": order_id,
        "share_links": list(ShareLink.objects.active().filter(order_id=order_id)),
        "share_durations": SHARE_DURATIONS,
        "default_share_days": DEFAULT_SHARE_DAYS,
    } | extra


@require_GET
@team_required
@vary_on_htmx
def order_detail(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    loaded = pages.load_order(request, order_id)
    if isinstance(loaded, HttpResponse):
        return loaded
    order, params = loaded
    base = reverse("order_detail", args=[order_id])
    return pages.order_page(request, order, params, base=base, extra=_share_panel(order_id))


@require_GET
@team_required
def order_live(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    try:
        check_id(order_id, "Order")
    except InvalidParams as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain")
    return pages.live_refresh(request, order_id, base=reverse("order_detail", args=[order_id]))


@require_POST
@team_required
def share_create(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    try:
        days = int(request.POST.get("days", DEFAULT_SHARE_DAYS))
    except ValueError:
        days = 0
    if days not in SHARE_DURATIONS:
        return error_page(
            request,
            status=400,
            title="That isn't an expiry we offer",
            message="Share links last 1, 7 or 30 days.",
        )
    loaded = pages.load_order(request, order_id)
    if isinstance(loaded, HttpResponse):
        return loaded
    order, params = loaded
    link, token = ShareLink.create(
        order_id=order_id, order_name=order.name or "", days=days, user=request.user
    )
    log.info("share link %s created for order %s by user %s", link.pk, order_id, request.user.pk)
    url = request.build_absolute_uri(reverse("shared_order", args=[token]))
    extra = _share_panel(order_id, new_share_url=url, new_share=link)
    if request.htmx:
        return render(request, "orders/detail.html#share-panel", extra)
    base = reverse("order_detail", args=[order_id])
    return pages.order_page(request, order, params, base=base, extra=extra)


@require_POST
@team_required
def share_revoke(request: HtmxHttpRequest, order_id: str, link_id: int) -> HttpResponse:
    link = ShareLink.objects.filter(pk=link_id, order_id=order_id).first()
    if link is None:
        return error_page(
            request, status=404, title="No such share link", message="It may have been removed."
        )
    link.revoke()
    log.info("share link %s revoked by user %s", link.pk, request.user.pk)
    if not request.htmx:
        return redirect("order_detail", order_id=order_id)
    ctx = _share_panel(order_id, revoked=link)
    return render(request, "orders/detail.html#share-panel", ctx)


# One image -------------------------------------------------------------------


@require_GET
@team_required
def image_detail(request: HtmxHttpRequest, order_id: str, image_id: str) -> HttpResponse:
    loaded = pages.load_order(request, order_id, image_id=image_id)
    if isinstance(loaded, HttpResponse):
        return loaded
    order, params = loaded
    base = reverse("order_detail", args=[order_id])
    return pages.image_page(request, order, params, image_id, base=base)


@require_GET
@team_required
@serves_files
def image_preview(request: HtmxHttpRequest, order_id: str, image_id: str) -> HttpResponse:
    try:
        check_id(order_id, "Order")
    except InvalidParams:
        return pages.placeholder()
    return pages.preview(image_id)


# Health and errors -------------------------------------------------------------


def _upstream_health() -> str:
    """Asked at most every few seconds whoever calls: /healthz is public, and
    each real check spends a request of the account's rate limit."""
    status = cache.get("healthz:upstream")
    if status is None:
        try:
            client.list_orders(per_page=1)
            status = "ok"
        except ApiError:
            status = "error"
        cache.set("healthz:upstream", status, 10)
    return status


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: no sign-in, and nothing in the answer worth hiding."""
    checks = {"database": "ok"}
    try:
        connection.ensure_connection()
    except DatabaseError:
        checks["database"] = "error"
    if request.GET.get("upstream") == "1":
        checks["upstream"] = _upstream_health()
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error"} | checks, status=200 if healthy else 503
    )


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
