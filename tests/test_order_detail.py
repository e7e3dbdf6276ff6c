from __future__ import annotations

import html
import re

import pytest
from django.utils.html import escape

HX = {"HTTP_HX_REQUEST": "true"}


def find_order(sandbox, predicate) -> dict:
    return next(o for o in sandbox.app.orders if predicate(o))


def image_ids(body: str) -> list[str]:
    return re.findall(r'<li class="image-card[^"]*" id="image-([^"]+)"', body)


def next_url(body: str) -> str | None:
    match = re.search(r'class="button button-load" href="([^"]+)"', body)
    return html.unescape(match.group(1)) if match else None


def with_error(sandbox) -> dict:
    return find_order(
        sandbox,
        lambda o: (
            not o.get("is_processing")
            and any(
                i.get("status") == "error" and isinstance(i.get("status_reason"), str)
                for i in o["images"]
            )
            and len(o["images"]) < 48
        ),
    )


def test_order_page_shows_header_summary_and_every_image(client, sandbox):
    order = with_error(sandbox)
    response = client.get(f"/orders/{order['order_id']}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert escape(order["name"] or "Untitled order") in body
    assert order["order_id"] in body
    assert 'data-copy="' + order["order_id"] in body
    assert image_ids(body) == [i["image_id"] for i in order["images"]]
    errors = sum(1 for i in order["images"] if i.get("status") == "error")
    assert f"{errors} error{'s' if errors > 1 else ''}</span>" in body


def test_failed_images_show_their_reason_without_a_click(client, sandbox):
    order = with_error(sandbox)
    body = client.get(f"/orders/{order['order_id']}/").content.decode()
    for image in order["images"]:
        if image.get("status") == "error" and isinstance(image.get("status_reason"), str):
            assert escape(image["status_reason"]) in body


def test_enhancement_options_read_as_labelled_chips(client, sandbox):
    order = find_order(
        sandbox,
        lambda o: any(
            i.get("sky_replacement") and i.get("cloud_type") == "LOW_CLOUD" and i.get("enhance")
            for i in o["images"]
        ),
    )
    body = client.get(f"/orders/{order['order_id']}/").content.decode()
    assert "Sky replacement: <strong>Low cloud</strong>" in body
    assert "LOW_CLOUD" not in body


def test_images_can_be_filtered_by_status(client, sandbox):
    order = with_error(sandbox)
    body = client.get(f"/orders/{order['order_id']}/?status=error").content.decode()
    expected = [i["image_id"] for i in order["images"] if i.get("status") == "error"]
    assert image_ids(body) == expected


def test_images_can_be_sorted_by_name(client, sandbox):
    order = find_order(sandbox, lambda o: 5 < len(o["images"]) < 48)
    body = client.get(f"/orders/{order['order_id']}/?sort=name").content.decode()
    ids = image_ids(body)
    by_id = {i["image_id"]: i for i in order["images"]}
    names = [(by_id[i].get("image_name") or "") for i in ids]
    assert sorted(ids) != ids or names == sorted(names, key=str.lower)
    assert set(ids) == set(by_id)
    assert names == sorted(names, key=lambda n: n.lower()) or names == sorted(names)


def test_a_big_order_renders_a_first_batch_then_loads_the_rest(client, sandbox):
    order = find_order(sandbox, lambda o: len(o["images"]) >= 400)
    first = client.get(f"/orders/{order['order_id']}/").content.decode()
    seen = image_ids(first)
    assert len(seen) == 48
    url = next_url(first)
    while url:
        body = client.get(url, **HX).content.decode()
        assert "<html" not in body
        seen += image_ids(body)
        url = next_url(body)
    assert seen == [i["image_id"] for i in order["images"]]


def test_a_processing_order_polls_and_a_finished_one_does_not(client, sandbox):
    # One that never finishes: the live demo orders may be done by the time this runs.
    live = sandbox.app.find_order(sandbox.app.notable["stuck_processing"][0])
    done = find_order(
        sandbox, lambda o: not o.get("is_processing") and not o.get("is_merging") and o["images"]
    )
    assert 'hx-trigger="every 3s"' in client.get(f"/orders/{live['order_id']}/").content.decode()
    assert (
        'hx-trigger="every 3s"' not in client.get(f"/orders/{done['order_id']}/").content.decode()
    )


def test_the_live_refresh_returns_the_header_and_the_pending_cards(client, sandbox):
    live = find_order(sandbox, lambda o: o.get("is_processing"))
    pending = [i["image_id"] for i in live["images"]][:2]
    query = "&".join(f"pending={p}" for p in pending)
    body = client.get(f"/orders/{live['order_id']}/live/?{query}", **HX).content.decode()
    assert body.lstrip().startswith('<section id="order-summary"')
    assert image_ids(body) == pending
    assert body.count('hx-swap-oob="true"') == 2


def test_an_unknown_order_is_a_clear_404(client, sandbox):
    response = client.get("/orders/no-such-order/")
    assert response.status_code == 404
    assert "Order not found" in response.content.decode()


@pytest.mark.parametrize("path", ["/orders/%2e%2e/", "/orders/a%20b/", "/orders/x%3Fy%3D1/"])
def test_a_malformed_order_id_is_a_400_without_calling_the_api(client, sandbox, path):
    response = client.get(path)
    assert response.status_code == 400
    assert sandbox.app.requests_seen == []


@pytest.mark.parametrize("query", ["status=lost", "sort=size", "start=-1", "start=x"])
def test_bad_filters_are_a_400(client, sandbox, query):
    order = sandbox.app.orders[5]
    response = client.get(f"/orders/{order['order_id']}/?{query}")
    assert response.status_code == 400


@pytest.mark.parametrize(("fault", "status"), [("502", 502), ("429", 503), ("truncated", 502)])
def test_upstream_faults_give_an_error_page_with_a_retry(client, sandbox, fault, status):
    order = sandbox.app.orders[5]
    sandbox.app.faults.force(fault, retry_after=1)
    response = client.get(f"/orders/{order['order_id']}/")
    body = response.content.decode()
    assert response.status_code == status
    assert "Try again" in body
    assert "Traceback" not in body


def test_go_to_order_accepts_an_id_or_a_pasted_link(client, sandbox):
    order_id = sandbox.app.orders[7]["order_id"]
    for typed in [order_id, f" http://dash.example/orders/{order_id}/images/x/ "]:
        response = client.get("/orders/go/", {"id": typed})
        assert response.status_code == 302
        assert response["Location"] == f"/orders/{order_id}/"


def test_go_to_order_refuses_what_is_not_an_id(client, sandbox):
    response = client.get("/orders/go/", {"id": "../../etc"})
    assert response.status_code == 400
    assert "is not an order id" in html.unescape(response.content.decode())


def test_a_failed_live_refresh_keeps_what_is_on_screen(client, sandbox):
    live = find_order(sandbox, lambda o: o.get("is_processing"))
    sandbox.app.faults.force("500")
    response = client.get(f"/orders/{live['order_id']}/live/", **HX)
    assert response.status_code == 502
    assert response["HX-Reswap"] == "none"


def test_an_order_without_images_says_so(client, sandbox):
    empty = find_order(sandbox, lambda o: not o["images"] and o.get("order_id"))
    body = client.get(f"/orders/{empty['order_id']}/").content.decode()
    assert "No images yet" in body
    assert "No images in this order yet." in body
