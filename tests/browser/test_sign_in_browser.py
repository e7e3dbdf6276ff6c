"""Team sign-in in a real browser: the login page, sign out, and a session that
ends while a page is open."""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

USERNAME = "sam@example.com"
PASSWORD = "pw-Sam-123!"  # the `teammate` fixture's
CARD_LINKS = "a.card-link"
LOAD_MORE = "li.more a.button-load"
# Previews are stubbed with a 1×1 GIF in these tests: they are not what the tests
# are about, and a real one still loading as the session ends would be refused
# (a 403, by design) and logged.
PREVIEW = re.compile(r"/orders/[^/]+/images/[^/]+/preview/(\?|$)")
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")
# Kept in sessionStorage, which outlives a navigation within the tab, so the
# login page can still tell whether htmx swapped anything into the old page.
COUNT_SWAPS = """() => {
    sessionStorage.setItem("swaps", "0");
    document.addEventListener("htmx:beforeSwap", () => {
        sessionStorage.setItem("swaps", String(Number(sessionStorage.getItem("swaps")) + 1));
    });
}"""


@pytest.fixture(autouse=True)
def no_failed_sign_ins_counted():
    """The sign-in throttle counts failures per address in the cache, which
    outlives a test: start from none, so earlier tests' wrong passwords can't
    slow or refuse these sign-ins."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def stub_previews(page: Page) -> None:
    page.route(PREVIEW, lambda route: route.fulfill(body=PIXEL, content_type="image/gif"))


def next_of(url: str) -> str | None:
    parts = urlsplit(url)
    values = parse_qs(parts.query).get("next")
    return values[0] if values else None


def expect_login_page(page: Page, *, back_to: str) -> None:
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    assert urlsplit(page.url).path == "/login/"
    assert next_of(page.url) == back_to
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_label("Email or username")).to_be_visible()
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    expect(page.locator("input[name=next]")).to_have_value(back_to)
    # Nothing of the team's pages on it.
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.locator(CARD_LINKS)).to_have_count(0)


def sign_in(page: Page, password: str = PASSWORD) -> None:
    page.get_by_label("Email or username").fill(USERNAME)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_returns_to_the_page_asked_for_and_sign_out_ends_the_session(
    new_page, dashboard, teammate
):
    page = new_page(signed_in=False)
    stub_previews(page)
    page.goto("/orders/?q=lane")
    expect_login_page(page, back_to="/orders/?q=lane")
    username = page.get_by_label("Email or username")
    password = page.get_by_label("Password", exact=True)
    expect(username).to_have_attribute("autocomplete", "username")
    expect(password).to_have_attribute("type", "password")
    expect(password).to_have_attribute("autocomplete", "current-password")
    expect(page.get_by_role("alert")).to_have_count(0)

    # A wrong password: an error, and still the login page, still going back to the search.
    sign_in(page, password="not-the-password")
    error = page.get_by_role("alert")
    expect(error).to_be_visible()
    expect(error).to_contain_text("correct username and password")
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.locator("input[name=next]")).to_have_value("/orders/?q=lane")
    expect(username).to_have_value(USERNAME)
    expect(password).to_have_value("")  # never sent back
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    # The right one: back to the search, signed in.
    sign_in(page)
    expect(page).to_have_url(re.compile(r"/orders/\?q=lane$"))
    cards = page.locator(CARD_LINKS)
    expect(cards.first).to_be_visible()
    for name in cards.all_text_contents():
        assert "lane" in name.lower(), f"{name!r} does not match the search"
    expect(page.locator("#q")).to_have_value("lane")
    expect(page.locator(".account-name")).to_have_text(f"Signed in as {USERNAME}")
    expect(page.locator(".account-name")).to_be_visible()
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_visible()

    # Sign out: the login page, and the orders ask for a sign-in again.
    sign_out.click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto("/orders/")
    expect_login_page(page, back_to="/orders/")


def test_a_session_ending_during_load_more_goes_to_sign_in_and_back(
    page: Page, dashboard, console, teammate
):
    from django.contrib.sessions.models import Session

    # The refused Load more is a 401 that Chromium logs: that line only.
    console.allow_network_error(
        rf"status of 401 \(Unauthorized\) \[at {re.escape(dashboard.url)}/orders/\?[^\]]*offset="
    )
    stub_previews(page)
    page.goto("/orders/?per_page=5")
    cards = page.locator(CARD_LINKS)
    expect(cards).to_have_count(5)
    page.evaluate(COUNT_SWAPS)

    # The session ends on the server (expired, or signed out elsewhere).
    deleted, _ = Session.objects.all().delete()
    assert deleted >= 1

    with page.expect_response(
        lambda r: urlsplit(r.url).path == "/orders/" and "offset=" in r.url
    ) as refused:
        page.locator(LOAD_MORE).click()
    assert refused.value.status == 401
    assert refused.value.headers.get("hx-redirect", "").startswith("/login/?next=")

    # htmx follows HX-Redirect: a whole sign-in page, not a login form in the grid.
    expect_login_page(page, back_to="/orders/?per_page=5")
    expect(page.locator("form.auth-form")).to_have_count(1)
    expect(page.locator(".order-grid, li.more")).to_have_count(0)
    expect(page.get_by_text("Your session has ended")).to_have_count(0)
    assert page.evaluate("sessionStorage.getItem('swaps')") == "0", "htmx swapped the 401 in"

    sign_in(page)
    expect(page).to_have_url(re.compile(r"/orders/\?per_page=5$"))
    expect(cards).to_have_count(5)
    expect(page.locator(LOAD_MORE)).to_be_visible()
    expect(page.locator(".account-name")).to_have_text(f"Signed in as {USERNAME}")
    # And paging works again in the new session.
    page.locator(LOAD_MORE).click()
    expect(cards).to_have_count(10)
