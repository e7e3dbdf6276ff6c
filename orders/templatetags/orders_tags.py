from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from orders import presentation
from orders.client import Image

register = template.Library()


@register.simple_tag
def status_badge(status: str | None) -> SafeString:
    # Text and a shape-coded dot: status never rests on colour alone.
    return format_html(
        '<span class="badge badge-{}"><span class="badge-dot" aria-hidden="true"></span>{}</span>',
        presentation.status_key(status),
        presentation.status_label(status),
    )


@register.simple_tag
def when(moment: datetime | None) -> SafeString:
    """Relative time ("3 days ago") with the exact time on hover."""
    if moment is None:
        return mark_safe('<span class="muted">unknown</span>')
    now = timezone.now()
    if abs((now - moment).total_seconds()) < 60:
        relative = "just now"
    elif moment > now:
        # Counting down floors ("6 days" for a link made a second ago to last
        # 7): an hour's grace reads the way people count.
        relative = f"in {timesince(now - timedelta(hours=1), moment, depth=1)}"
    else:
        relative = f"{timesince(moment, now, depth=1)} ago"
    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        moment.isoformat(),
        local.strftime("%-d %b %Y, %H:%M:%S %Z"),
        relative,
    )


@register.filter
def humanize_key(key: object) -> str:
    return presentation.humanize(key)


@register.simple_tag
def data_table(value: Any) -> SafeString:
    """Nested metadata as nested tables; every key and value is escaped."""
    return _render_value(value, depth=0)


def _render_value(value: Any, depth: int) -> SafeString:
    if depth > 8:
        return format_html("<code>{}</code>", json.dumps(value, ensure_ascii=False)[:200])
    if isinstance(value, dict):
        if not value:
            return mark_safe('<span class="muted">empty</span>')
        rows = format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td></tr>',
            (
                (presentation.humanize(key), _render_value(item, depth + 1))
                for key, item in value.items()
            ),
        )
        return format_html('<table class="data-table">{}</table>', rows)
    if isinstance(value, list):
        if not value:
            return mark_safe('<span class="muted">none</span>')
        if all(not isinstance(item, dict | list) for item in value):
            return format_html_join(
                "", '<span class="tag">{}</span>', ((_scalar(item),) for item in value)
            )
        items = format_html_join(
            "", "<li>{}</li>", ((_render_value(item, depth + 1),) for item in value)
        )
        return format_html('<ol class="data-list">{}</ol>', items)
    return format_html("{}", _scalar(value))


def _scalar(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


@register.simple_tag
def raw_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


@register.filter
def chips(image: Image) -> list[presentation.Chip]:
    return presentation.enhancement_chips(image)


@register.filter
def is_pending(image: Image) -> bool:
    return (image.status or "").lower() in presentation.PENDING_STATUSES


@register.simple_tag
def stars(rating: int | None) -> SafeString:
    if rating is None:
        return mark_safe("")
    return format_html(
        '<span class="stars" title="Rated {} of 5"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">Rated {} of 5</span></span>',
        rating,
        "★" * rating + "☆" * (5 - rating),
        rating,
    )


@register.simple_tag
def preview_src(order_base: str, image: Image) -> str:
    """The proxied preview's address under an order's pages (the team's or a
    share link's). The status is part of it so that the browser fetches the
    preview again once a pending image is processed."""
    path = f"{order_base}images/{quote(image.image_id or '', safe='')}/preview/"
    return f"{path}?{urlencode({'v': image.status or ''})}"
