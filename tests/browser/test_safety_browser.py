"""Hostile names stay text, no page logs an error, narrow screens don't scroll sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Dialog, Page, expect

HOSTILE = ("<script>alert('x')</script> Loft", "<img src=x onerror=alert(1)> Studio")
MARKERS = "() => ['__xss', '__pwned', 'xss'].filter(name => name in window)"


def assert_nothing_ran(page: Page, dialogs: list[str]) -> None:
    # An injected <img src=x> would be in the DOM (and request /x); a script would be too.
    expect(page.locator("main script")).to_have_count(0)
    expect(page.locator('img[src="x"]')).to_have_count(0)
    expect(page.locator("[onerror]")).to_have_count(0)
    assert page.evaluate(MARKERS) == []
    assert dialogs == [], f"a name ran script: {dialogs}"


@pytest.fixture
def dialogs(page: Page) -> list[str]:
    seen: list[str] = []

    def record(dialog: Dialog) -> None:
        seen.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", record)
    return seen


def test_names_holding_markup_render_as_text_and_run_nothing(
    page: Page, dashboard, dialogs: list[str]
):
    hostile = {o["name"]: o["order_id"] for o in dashboard.orders[:15] if o["name"] in HOSTILE}
    assert set(hostile) == set(HOSTILE), "the sandbox's first page should hold both names"

    page.goto("/orders/")
    names = page.locator("a.card-link")
    expect(names).to_have_count(15)
    texts = names.all_text_contents()
    for name, order_id in hostile.items():
        assert name in texts
        link = page.locator(f'a.card-link[href="/orders/{order_id}/"]')
        expect(link).to_have_text(name)
        expect(link.locator("*")).to_have_count(0)  # text only, no elements inside
    expect(page.locator("a.card-link b")).to_have_count(0)  # "<b>NEW</b>" stays text too
    assert_nothing_ran(page, dialogs)

    for name, order_id in hostile.items():
        page.goto(f"/orders/{order_id}/")
        expect(page.locator("h1")).to_have_text(name)
        expect(page.locator("h1 *")).to_have_count(0)
        expect(page.locator(".crumbs [aria-current=page]")).to_have_text(name)
        assert page.title().startswith(name)
        assert_nothing_ran(page, dialogs)


def test_metadata_holding_markup_renders_as_text(page: Page, dashboard, dialogs: list[str]):
    app = dashboard.sandbox.app
    (order_id,) = app.notable["markup_metadata"]
    image = next(
        i for i in app.find_order(order_id)["images"] if "<b>note</b>" in (i.get("metadata") or {})
    )
    page.goto(f"/orders/{order_id}/images/{image['image_id']}/")
    metadata = page.locator("section.panel", has=page.get_by_role("heading", name="Metadata"))
    expect(metadata).to_contain_text("<b>note</b>")
    expect(metadata).to_contain_text("<i>shot at dusk</i> & <script>alert('meta')</script>")
    expect(metadata.locator("b, i, script")).to_have_count(0)
    assert_nothing_ran(page, dialogs)


def test_no_page_logs_a_console_error(page: Page, dashboard, console):
    order = next(
        o
        for o in dashboard.orders
        if o["images"] and not o["is_processing"] and o["status"] == "error"
    )
    image = order["images"][0]

    page.goto("/orders/")
    expect(page.locator("a.card-link")).to_have_count(15)
    page.locator("li.more a.button-load").click()
    expect(page.locator("a.card-link")).to_have_count(30)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_load_state("load")

    page.goto(f"/orders/{order['order_id']}/")
    expect(page.locator("li.image-card")).to_have_count(min(len(order["images"]), 48))
    page.goto(f"/orders/{order['order_id']}/images/{image['image_id']}/")
    expect(page.locator("h1.image-title")).to_be_visible()

    # Chromium reports a document's own 404 as a failed resource: allow that one line only.
    missing = "/orders/does-not-exist/"
    console.allow_network_error(
        rf"status of 404 \(Not Found\) \[at {re.escape(dashboard.url + missing)}\]$"
    )
    response = page.goto(missing)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Order not found")
    expect(page.get_by_role("link", name="All orders")).to_be_visible()
    # The page fixture fails the test at teardown on anything else in the console.
    assert console.unexpected() == []


def no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= 360, f"the page is {widths[0]}px wide at a 360px viewport"


@pytest.fixture
def narrow(new_page) -> Page:
    return new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)


def test_narrow_screens_have_no_horizontal_scroll(narrow: Page, dashboard):
    page = narrow
    page.goto("/orders/")
    expect(page.locator("a.card-link")).to_have_count(15)
    no_sideways_scroll(page)
    page.locator("li.more a.button-load").click()
    expect(page.locator("a.card-link")).to_have_count(30)
    no_sideways_scroll(page)

    app = dashboard.sandbox.app
    (long_id,) = app.notable["long_name"]
    (markup_id,) = app.notable["markup_metadata"]
    for order_id in (long_id, markup_id):
        order = app.find_order(order_id)
        page.goto(f"/orders/{order_id}/")
        expect(page.locator("li.image-card").first).to_be_visible()
        no_sideways_scroll(page)
        image = order["images"][0]
        page.goto(f"/orders/{order_id}/images/{image['image_id']}/")
        expect(page.locator("h1.image-title")).to_be_visible()
        page.locator("details.raw > summary").click()
        expect(page.locator("#raw-json")).to_be_visible()
        no_sideways_scroll(page)
