"""The orders list in a real browser: Load more, its failures, search, sort, Back."""

from __future__ import annotations

import base64
import contextlib
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import requests
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CARD_LINKS = "a.card-link"
LOAD_MORE = "li.more a.button-load"
# A 1×1 GIF: the previews are not what these tests are about, and rendering
# hundreds of them in the sandbox would only slow the paging down.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")


def card_ids(page: Page) -> list[str]:
    hrefs = page.locator(CARD_LINKS).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    ids = []
    for href in hrefs:
        match = re.fullmatch(r"/orders/([^/]+)/", href)
        assert match, f"a card links somewhere odd: {href!r}"
        ids.append(unquote(match.group(1)))
    return ids


def is_load_more(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path == "/orders/" and "offset" in parse_qs(parts.query)


def api_page(sandbox, **params) -> dict:
    """One page of GET /v3/orders/ straight from the sandbox, as the API orders it."""
    response = requests.get(
        f"{sandbox.url}/v3/orders/",
        params=params,
        headers={"x-api-key": sandbox.key},
        timeout=5,
    )
    response.raise_for_status()
    return response.json()


def ids_of(api_orders: list[dict]) -> list[str]:
    return [o["order_id"] for o in api_orders]


COUNT_HTMX_REQUESTS = """() => {
    window.__htmxRequests = {sent: 0, done: 0};
    document.addEventListener("htmx:beforeSend", () => window.__htmxRequests.sent++);
    document.addEventListener("htmx:afterRequest", () => window.__htmxRequests.done++);
}"""
HTMX_IDLE = "() => window.__htmxRequests.sent === window.__htmxRequests.done"


def serve_pixel_previews(page: Page) -> None:
    page.route(
        re.compile(r"/orders/[^/]+/images/[^/]+/preview/(\?|$)"),
        lambda route: route.fulfill(body=PIXEL, content_type="image/gif"),
    )


@pytest.fixture
def stub_previews(page: Page) -> None:
    serve_pixel_previews(page)


# Load more ---------------------------------------------------------------------


@pytest.mark.parametrize("per_page", [15, 10])
def test_load_more_to_the_end_shows_every_order_once_in_api_order(
    page: Page, dashboard, stub_previews, per_page: int
):
    expected = dashboard.order_ids
    page.goto(f"/orders/?per_page={per_page}")
    cards = page.locator(CARD_LINKS)
    expect(cards).to_have_count(per_page)

    shown, clicks = per_page, 0
    while shown < len(expected):
        page.locator(LOAD_MORE).click()
        shown = min(shown + per_page, len(expected))
        expect(cards).to_have_count(shown)
        clicks += 1
        assert clicks <= len(expected) // per_page + 1, "Load more never reaches the end"

    ids = card_ids(page)
    assert len(ids) == len(set(ids)), "an order is shown twice"
    assert ids == expected
    expect(page.locator(LOAD_MORE)).to_have_count(0)
    expect(page.locator("li.more .end-note")).to_have_text("That's every order.")


def test_a_double_click_on_load_more_adds_exactly_one_batch(page: Page, dashboard, stub_previews):
    per_page = 10
    page.goto(f"/orders/?per_page={per_page}")
    cards = page.locator(CARD_LINKS)
    expect(cards).to_have_count(per_page)
    # Count the requests htmx sends and finishes, so the check below runs only
    # once nothing is left that could still append a batch.
    page.evaluate(COUNT_HTMX_REQUESTS)

    # Slow enough that the second click lands while the first request is out.
    dashboard.sandbox.app.faults.set_latency(300)
    page.locator(LOAD_MORE).dblclick()
    expect(cards).to_have_count(2 * per_page)
    page.wait_for_function(HTMX_IDLE)
    dashboard.sandbox.app.faults.set_latency(0)

    expect(cards).to_have_count(2 * per_page)
    ids = card_ids(page)
    assert len(ids) == len(set(ids)), "an order is shown twice"
    assert ids == dashboard.order_ids[: 2 * per_page]
    expect(page.locator(LOAD_MORE)).to_have_count(1)


def test_load_more_is_disabled_and_shows_progress_while_loading(
    page: Page, dashboard, stub_previews
):
    per_page = 5
    page.goto(f"/orders/?per_page={per_page}")
    cards = page.locator(CARD_LINKS)
    expect(cards).to_have_count(per_page)
    button = page.locator(LOAD_MORE)
    expect(button).to_have_text("Load more", use_inner_text=True)
    expect(button).not_to_have_attribute("disabled", re.compile(".*"))

    # Long enough that the checks below all run while the request is out.
    dashboard.sandbox.app.faults.set_latency(800)
    button.click()
    expect(button).to_have_attribute("disabled", re.compile(".*"))
    expect(button).to_have_class(re.compile(r"\bhtmx-request\b"))
    expect(button.locator(".when-busy")).to_be_visible()
    expect(button.locator(".when-busy")).to_have_text("Loading…")
    expect(button.locator(".when-idle")).to_be_hidden()
    expect(cards).to_have_count(per_page)  # nothing lost meanwhile

    expect(cards).to_have_count(2 * per_page)
    dashboard.sandbox.app.faults.set_latency(0)
    fresh = page.locator(LOAD_MORE)
    expect(fresh).to_have_text("Load more", use_inner_text=True)
    expect(fresh).not_to_have_attribute("disabled", re.compile(".*"))
    expect(fresh).not_to_have_class(re.compile(r"\bhtmx-request\b"))


@pytest.mark.parametrize(
    ("fault", "times"),
    [
        ("500", 1),  # not retried by the client
        ("502", 3),  # retried twice by the client, so three in a row reach the page
    ],
)
def test_a_failed_load_keeps_the_cards_and_try_again_recovers(
    page: Page, dashboard, console, stub_previews, fault: str, times: int
):
    # The dashboard answers the failed batch with a 502, which Chromium logs.
    console.allow_network_error(r"status of 502 \(Bad Gateway\) \[at [^\]]*/orders/\?")
    per_page = 10
    page.goto(f"/orders/?per_page={per_page}")
    cards = page.locator(CARD_LINKS)
    expect(cards).to_have_count(per_page)
    before = card_ids(page)

    dashboard.sandbox.app.faults.force(fault, times=times, path_prefix="/v3/orders")
    page.locator(LOAD_MORE).click()
    alert = page.locator("li.more").get_by_role("alert")
    expect(alert).to_be_visible()
    retry = alert.locator("a, button", has_text="Try again")
    expect(retry).to_be_visible()
    # Inline, under the cards already shown: not a whole-page error.
    expect(cards).to_have_count(per_page)
    assert card_ids(page) == before
    expect(page.get_by_role("heading", level=1)).to_have_text("Orders")

    dashboard.sandbox.app.faults.clear()
    retry.click()
    expect(cards).to_have_count(2 * per_page)
    expect(page.locator("li.more").get_by_role("alert")).to_have_count(0)
    ids = card_ids(page)
    assert len(ids) == len(set(ids)), "an order is shown twice"
    assert ids == dashboard.order_ids[: 2 * per_page]
    # And paging goes on from there.
    page.locator(LOAD_MORE).click()
    expect(cards).to_have_count(3 * per_page)
    assert card_ids(page) == dashboard.order_ids[: 3 * per_page]


def test_a_network_failure_says_so_and_the_button_retries(
    page: Page, dashboard, console, stub_previews
):
    # The aborted request is logged by Chromium, and htmx reports it too.
    console.allow_network_error(r"net::ERR_FAILED \[at [^\]]*/orders/\?")
    console.allow_network_error(r"^htmx:(sendError|afterRequest), ")
    per_page = 10
    page.goto(f"/orders/?per_page={per_page}")
    cards = page.locator(CARD_LINKS)
    expect(cards).to_have_count(per_page)
    offline = page.locator("li.more .more-offline")
    expect(offline).to_be_hidden()

    page.route(is_load_more, lambda route: route.abort())
    page.locator(LOAD_MORE).click()
    expect(offline).to_be_visible()
    expect(offline).to_have_attribute("role", "alert")
    expect(page.locator(LOAD_MORE)).to_have_text("Try again", use_inner_text=True)
    expect(page.locator(LOAD_MORE)).not_to_have_attribute("disabled", re.compile(".*"))
    expect(cards).to_have_count(per_page)

    page.unroute(is_load_more)
    page.locator(LOAD_MORE).click()
    expect(cards).to_have_count(2 * per_page)
    assert card_ids(page) == dashboard.order_ids[: 2 * per_page]
    expect(page.locator("li.more .more-offline")).to_be_hidden()
    expect(page.locator(LOAD_MORE)).to_have_text("Load more", use_inner_text=True)


# Search, sort, page size -------------------------------------------------------


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def expect_query(page: Page, **wanted: str) -> None:
    """The address bar's query holds these values (others may be there too)."""
    pattern = "".join(rf"(?=(.*&)?{key}={re.escape(value)}(&|$))" for key, value in wanted.items())
    expect(page).to_have_url(re.compile(rf"/orders/\?{pattern}"))


SAME_CARDS = """want => JSON.stringify(
    Array.from(document.querySelectorAll("a.card-link"), a => a.getAttribute("href"))
) === JSON.stringify(want)"""


def expect_cards(page: Page, ids: list[str]) -> None:
    """Wait until the cards are exactly these orders, in this order."""
    hrefs = [f"/orders/{i}/" for i in ids]
    # On a timeout the assertion below says what is shown instead.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(SAME_CARDS, arg=hrefs)
    assert card_ids(page) == ids


def test_search_sort_and_page_size_update_the_address_and_the_cards(
    page: Page, dashboard, new_page, stub_previews
):
    sandbox = dashboard.sandbox
    page.goto("/orders/")
    expect(page.locator(CARD_LINKS)).to_have_count(15)

    page.locator("#q").press_sequentially("lane", delay=30)
    expected = ids_of(api_page(sandbox, q="lane", per_page=15)["orders"])
    assert expected, "the sandbox should hold orders named after a Lane"
    expect_cards(page, expected)
    expect_query(page, q="lane")
    for name in page.locator(CARD_LINKS).all_text_contents():
        assert "lane" in name.lower(), f"{name!r} does not match the search"

    page.locator("#sort").select_option(label="Name A–Z")
    expect_query(page, q="lane", sort="name")
    expect_cards(page, ids_of(api_page(sandbox, q="lane", sort="name", per_page=15)["orders"]))

    page.locator("#per_page").select_option("5")
    first = api_page(sandbox, q="lane", sort="name", per_page=5)
    assert first["pagination"]["next_offset"], "the search should need a second page at 5"
    expect_query(page, q="lane", sort="name", per_page="5")
    expect_cards(page, ids_of(first["orders"]))

    with page.expect_request(lambda r: is_load_more(r.url)) as more:
        page.locator(LOAD_MORE).click()
    sent = query_of(more.value.url)
    assert sent["q"] == ["lane"] and sent["sort"] == ["name"] and sent["per_page"] == ["5"]
    second = api_page(
        sandbox, q="lane", sort="name", per_page=5, offset=first["pagination"]["next_offset"]
    )
    expect_cards(page, ids_of(first["orders"]) + ids_of(second["orders"]))

    # A copied link brings back the view (its first page) with the controls set.
    copied = new_page()
    serve_pixel_previews(copied)
    copied.goto(page.url)
    expect_cards(copied, ids_of(first["orders"]))
    expect(copied.locator("#q")).to_have_value("lane")
    expect(copied.locator("#sort")).to_have_value("name")
    expect(copied.locator("#per_page")).to_have_value("5")


def test_back_after_opening_an_order_restores_the_loaded_list(page: Page, dashboard, stub_previews):
    per_page = 5
    page.set_viewport_size({"width": 1280, "height": 600})
    page.goto(f"/orders/?per_page={per_page}")
    cards = page.locator(CARD_LINKS)
    for batch in (2, 3):
        page.locator(LOAD_MORE).click()
        expect(cards).to_have_count(batch * per_page)
    loaded = card_ids(page)
    assert loaded == dashboard.order_ids[: 3 * per_page]

    target = cards.nth(3 * per_page - 2)  # in the last batch
    target.scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 300, "the list should be scrolled well down before opening the order"

    order_id = loaded[3 * per_page - 2]
    order = dashboard.sandbox.app.find_order(order_id)
    target.click()
    expect(page).to_have_url(re.compile(rf"/orders/{re.escape(order_id)}/$"))
    expect(page.locator("h1")).to_have_text(order.get("name") or "Untitled order")

    page.go_back()
    expect(page).to_have_url(re.compile(rf"/orders/\?per_page={per_page}$"))
    expect(cards).to_have_count(3 * per_page)
    assert card_ids(page) == loaded
    # Restoring may take a frame or two; on a timeout the assertion says where it ended up.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(
            "([y, tolerance]) => Math.abs(window.scrollY - y) <= tolerance", arg=[scrolled, 100]
        )
    restored = page.evaluate("window.scrollY")
    assert abs(restored - scrolled) <= 100, f"scrolled to {restored}, was at {scrolled}"

    page.locator(LOAD_MORE).click()
    expect(cards).to_have_count(4 * per_page)
    assert card_ids(page) == dashboard.order_ids[: 4 * per_page]


def test_back_to_a_searched_list_keeps_the_search_controls(page: Page, dashboard, stub_previews):
    page.goto("/orders/")
    expect(page.locator(CARD_LINKS)).to_have_count(15)
    page.locator("#q").press_sequentially("lane", delay=30)
    expect_query(page, q="lane")
    page.locator("#sort").select_option(label="Name A–Z")
    page.locator("#per_page").select_option("5")
    expect_query(page, q="lane", sort="name", per_page="5")
    first = api_page(dashboard.sandbox, q="lane", sort="name", per_page=5)
    expect_cards(page, ids_of(first["orders"]))

    page.locator(CARD_LINKS).first.click()
    expect(page).to_have_url(re.compile(rf"/orders/{re.escape(first['orders'][0]['order_id'])}/$"))
    page.go_back()
    expect_query(page, q="lane", sort="name", per_page="5")
    expect_cards(page, ids_of(first["orders"]))
    # The controls must say what the list shows, or the next change drops the search.
    expect(page.locator("#q")).to_have_value("lane")
    expect(page.locator("#sort")).to_have_value("name")
    expect(page.locator("#per_page")).to_have_value("5")
