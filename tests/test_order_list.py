from __future__ import annotations

import html
import re

import pytest
from django.utils.html import escape

HX = {"HTTP_HX_REQUEST": "true"}


def load_more_url(body: str) -> str | None:
    match = re.search(r'class="button button-load" href="([^"]+)" hx-get="([^"]+)"', body)
    if not match:
        return None
    href, hx_get = (html.unescape(g) for g in match.groups())
    assert href == hx_get
    return href


def names_in(body: str) -> list[str]:
    return [
        html.unescape(m) for m in re.findall(r'class="card-link" href="[^"]+">([^<]*)</a>', body)
    ]


def card_ids(body: str) -> list[str]:
    return re.findall(r'class="card-link" href="/orders/([^/"]+)/"', body)


def test_root_redirects_to_the_orders_list(client, sandbox):
    response = client.get("/?q=oak")
    assert response.status_code == 302
    assert response["Location"] == "/orders/?q=oak"


def test_full_page_shows_the_first_page_of_orders(client, sandbox):
    response = client.get("/orders/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert card_ids(body) == [o["order_id"] for o in sandbox.app.orders[:15]]
    assert load_more_url(body).startswith("/orders/?offset=")
    assert "Demo data" in body


def test_load_more_appends_the_next_batch_as_a_fragment(client, sandbox):
    first = client.get("/orders/?per_page=5").content.decode()
    response = client.get(load_more_url(first), **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'class="order-grid"' not in body
    assert card_ids(body) == [o["order_id"] for o in sandbox.app.orders[5:10]]
    assert "per_page=5" in load_more_url(body)


def test_following_load_more_to_the_end_shows_every_order_once(client, sandbox):
    url, seen = "/orders/?per_page=15", []
    while url:
        body = client.get(url, **HX).content.decode()
        seen += card_ids(body)
        url = load_more_url(body)
    assert seen == [o["order_id"] for o in sandbox.app.orders]
    assert "That&#x27;s every order" in body or "That's every order" in body


def test_without_javascript_the_fallback_link_pages_through(client, sandbox):
    first = client.get("/orders/?per_page=5").content.decode()
    second = client.get(load_more_url(first))
    body = second.content.decode()
    assert "<html" in body
    assert card_ids(body) == [o["order_id"] for o in sandbox.app.orders[5:10]]
    assert "Back to the first page" in body


def test_responses_vary_on_hx_request(client, sandbox):
    for response in [client.get("/orders/"), client.get("/orders/", **HX)]:
        assert "HX-Request" in response["Vary"]
        assert "HX-Boosted" in response["Vary"]


def test_a_history_restore_gets_the_full_page(client, sandbox):
    response = client.get("/orders/", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HX)
    assert "<html" in response.content.decode()


def test_a_boosted_navigation_gets_the_full_page(client, sandbox):
    response = client.get("/orders/", HTTP_HX_BOOSTED="true", **HX)
    assert "<html" in response.content.decode()


def test_search_targets_the_results_and_keeps_its_parameters(client, sandbox):
    response = client.get("/orders/?q=lane&sort=name&per_page=5", HTTP_HX_TARGET="results", **HX)
    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="results"')
    names = names_in(body)
    assert names and all("lane" in n.lower() for n in names)
    more = load_more_url(body)
    assert more is None or ("q=lane" in more and "sort=name" in more and "per_page=5" in more)
    assert response["HX-Push-Url"] == "/orders/?q=lane&sort=name&per_page=5"


def test_the_last_page_has_no_load_more_button(client, sandbox):
    name = sandbox.app.orders[3]["name"]
    body = client.get("/orders/", {"q": name}, **HX).content.decode()
    assert load_more_url(body) is None
    assert "every order" in body


def test_a_search_with_no_match_says_so(client, sandbox):
    body = client.get("/orders/?q=zzzz-no-such-order").content.decode()
    assert "No orders match" in body
    assert "zzzz-no-such-order" in body


def test_names_holding_markup_are_escaped(client, sandbox):
    hostile = [o["name"] for o in sandbox.app.orders[:15] if o.get("name") and "<" in o["name"]]
    assert hostile, "the sandbox's first page should hold a hostile name"
    body = client.get("/orders/").content.decode()
    for name in hostile:
        assert name not in body
        assert escape(name) in body


@pytest.mark.parametrize(
    "query",
    [
        "per_page=7",
        "per_page=abc",
        "sort=newest",
        "q=" + "x" * 101,
        "offset=%00abc",
        "offset=" + "A" * 600,
    ],
)
def test_bad_parameters_get_a_clear_400(client, sandbox, query):
    response = client.get(f"/orders/?{query}")
    assert response.status_code == 400
    assert "That link isn" in response.content.decode()
    assert sandbox.app.requests_seen == []


def test_a_token_the_api_refuses_gets_a_400(client, sandbox):
    response = client.get("/orders/?offset=not-a-real-token")
    assert response.status_code == 400
    assert "expired or isn" in response.content.decode()


@pytest.mark.parametrize(
    ("fault", "status"),
    [("500", 502), ("503", 502), ("429", 503), ("hang", 502), ("not-json", 502)],
)
def test_upstream_faults_get_a_clear_error_page(client, sandbox, fault, status):
    sandbox.app.faults.force(fault, retry_after=1)
    response = client.get("/orders/")
    body = response.content.decode()
    assert response.status_code == status
    assert "Couldn" in body and "load orders" in body
    assert "Try again" in body
    assert "Traceback" not in body


def test_a_failed_load_more_answers_with_an_inline_retry(client, sandbox):
    first = client.get("/orders/?per_page=5").content.decode()
    url = load_more_url(first)
    sandbox.app.faults.force("500")
    response = client.get(url, **HX)
    body = response.content.decode()
    assert response.status_code == 502
    assert "<html" not in body
    assert 'role="alert"' in body
    retry = re.search(r'hx-get="([^"]+)"[^>]*>Try again', body)
    assert html.unescape(retry.group(1)) == url


def test_the_api_key_never_reaches_the_page(client, sandbox):
    for url in ["/orders/", "/orders/?q=x", "/orders/?per_page=7"]:
        assert sandbox.key not in client.get(url).content.decode()
    sandbox.app.faults.force("500")
    assert sandbox.key not in client.get("/orders/").content.decode()
