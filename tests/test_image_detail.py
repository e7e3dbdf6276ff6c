from __future__ import annotations

import html
import re

from django.utils.html import escape

from orders.presentation import humanize


def an_order_with_metadata(sandbox) -> dict:
    return next(
        o
        for o in sandbox.app.orders
        if len(o["images"]) >= 3
        and isinstance(o["images"][1].get("metadata"), dict)
        and any(isinstance(v, dict) for v in o["images"][1]["metadata"].values())
    )


def test_image_page_shows_every_field(client, sandbox):
    order = an_order_with_metadata(sandbox)
    image = order["images"][1]
    response = client.get(f"/orders/{order['order_id']}/images/{image['image_id']}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert escape(image.get("image_name") or "Untitled image") in body
    assert "Enhancement options" in body and "Fine-tune settings" in body
    assert "Metadata" in body and 'class="data-table"' in body
    assert "Raw JSON" in body
    assert escape(image["image_id"]) in body
    assert "2 of " in body


def test_nested_metadata_becomes_a_table_with_humanised_keys(client, sandbox):
    order = an_order_with_metadata(sandbox)
    image = order["images"][1]
    body = client.get(f"/orders/{order['order_id']}/images/{image['image_id']}/").content.decode()
    nested = [k for k, v in image["metadata"].items() if isinstance(v, dict) and v]
    assert nested
    for key in nested:
        assert f">{escape(humanize(key))}</th><td><table" in body
    if "shutter_speed" in str(image["metadata"]):
        assert ">Shutter speed</th>" in body


def test_previous_and_next_link_to_the_neighbours_with_keys(client, sandbox):
    order = an_order_with_metadata(sandbox)
    images = order["images"]
    body = client.get(
        f"/orders/{order['order_id']}/images/{images[1]['image_id']}/"
    ).content.decode()
    prev_href = re.search(r'rel="prev" data-key="ArrowLeft" href="([^"]+)"', body).group(1)
    next_href = re.search(r'rel="next" data-key="ArrowRight" href="([^"]+)"', body).group(1)
    assert (
        html.unescape(prev_href) == f"/orders/{order['order_id']}/images/{images[0]['image_id']}/"
    )
    assert (
        html.unescape(next_href) == f"/orders/{order['order_id']}/images/{images[2]['image_id']}/"
    )
    assert f'href="/orders/{order["order_id"]}/" data-key="Escape"' in body


def test_neighbours_follow_the_filter_in_the_link(client, sandbox):
    order = next(
        o
        for o in sandbox.app.orders
        if sum(1 for i in o["images"] if i.get("status") == "error") >= 2
    )
    errors = [i for i in order["images"] if i.get("status") == "error"]
    body = client.get(
        f"/orders/{order['order_id']}/images/{errors[0]['image_id']}/?status=error"
    ).content.decode()
    next_href = html.unescape(
        re.search(r'rel="next" data-key="ArrowRight" href="([^"]+)"', body).group(1)
    )
    assert next_href == f"/orders/{order['order_id']}/images/{errors[1]['image_id']}/?status=error"


def test_an_image_outside_the_order_is_a_404(client, sandbox):
    order = an_order_with_metadata(sandbox)
    response = client.get(f"/orders/{order['order_id']}/images/not-in-this-order/")
    assert response.status_code == 404
    assert "Image not found" in response.content.decode()


def test_preview_is_proxied_as_an_image(client, sandbox):
    order, image = next(
        (o, i) for o in sandbox.app.orders for i in o["images"] if i.get("status") == "processed"
    )
    response = client.get(f"/orders/{order['order_id']}/images/{image['image_id']}/preview/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response.content[:3] == b"\xff\xd8\xff"
    assert "private" in response["Cache-Control"]


def test_a_missing_preview_is_a_placeholder_not_an_error(client, sandbox):
    order = an_order_with_metadata(sandbox)
    response = client.get(f"/orders/{order['order_id']}/images/missing-image/preview/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["X-Preview"] == "placeholder"
    assert "no-store" in response["Cache-Control"]
