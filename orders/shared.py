"""Share links: one order's gallery and image pages, for someone without an account.

A link reaches exactly the order it was made for. Every id in the address
beyond the token is checked against that order, so editing the URL reaches
nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from orders import pages
from orders.models import ShareLink
from orders.pages import HtmxHttpRequest, vary_on_htmx


def _gone(request: HttpRequest, link: ShareLink) -> HttpResponse:
    why = "was revoked" if link.revoked_at else "has expired"
    return pages.error_page(
        request,
        status=410,
        title="This share link no longer works",
        message=f"The link {why}. Ask whoever sent it for a new one.",
    )


def share_link_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolves the token to its link, or answers 404 or 410 itself."""

    @wraps(view)
    def resolved(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
        link = ShareLink.find(token)
        if link is None:
            response = pages.error_page(
                request,
                status=404,
                title="Share link not found",
                message="Check that the whole link was copied.",
            )
        elif not link.is_usable:
            response = _gone(request, link)
        else:
            response = view(request, link, reverse("shared_order", args=[token]), *args, **kwargs)
        # The token is in every address under the link: no Referer may carry it,
        # not even back to the dashboard's own logs.
        response["Referrer-Policy"] = "no-referrer"
        return response

    return resolved


@require_GET
@share_link_required
@vary_on_htmx
def shared_order(request: HtmxHttpRequest, link: ShareLink, base: str) -> HttpResponse:
    loaded = pages.load_order(request, link.order_id)
    if isinstance(loaded, HttpResponse):
        return loaded
    order, params = loaded
    if not request.htmx:
        link.record_open()
    return pages.order_page(request, order, params, base=base, share=link)


@require_GET
@share_link_required
def shared_live(request: HtmxHttpRequest, link: ShareLink, base: str) -> HttpResponse:
    return pages.live_refresh(request, link.order_id, base=base, share=link)


@require_GET
@share_link_required
def shared_image(
    request: HtmxHttpRequest, link: ShareLink, base: str, image_id: str
) -> HttpResponse:
    loaded = pages.load_order(request, link.order_id, image_id=image_id)
    if isinstance(loaded, HttpResponse):
        return loaded
    order, params = loaded
    return pages.image_page(request, order, params, image_id, base=base, share=link)


@require_GET
@share_link_required
def shared_preview(
    request: HtmxHttpRequest, link: ShareLink, base: str, image_id: str
) -> HttpResponse:
    if not pages.order_has_image(link.order_id, image_id):
        return pages.placeholder()
    return pages.preview(image_id)
