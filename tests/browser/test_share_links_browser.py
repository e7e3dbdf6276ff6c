"""Share links in a real browser: made on the team's order page, opened in a
browser with no account, revoked; and hostile order names with the CSP on."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Dialog, Page, Request, Response, expect

HOSTILE = ("<script>alert('x')</script> Loft", "<img src=x onerror=alert(1)> Studio")
PLAIN_NAME = re.compile(r"[A-Za-z0-9 ,.'-]+")
TOKEN_URL = re.compile(r"(?P<origin>https?://[^/]+)/s/(?P<token>[A-Za-z0-9_-]{20,100})/")
# Violations are reported by the page itself too, not only in the console.
WATCH_CSP = """
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
        window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI}`);
    });
"""
PREVIEW_LOADED = """() => Array.from(document.querySelectorAll("li.image-card img"))
    .some(img => img.complete && img.naturalWidth > 1)"""


@dataclass
class Watch:
    """What a page did that it never should: open a dialog, break the CSP."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)

    def violations(self) -> list[str]:
        return self.page.evaluate("() => window.__cspViolations || []")

    def assert_clean(self) -> None:
        self.page.wait_for_load_state("load")
        assert self.dialogs == [], f"a name ran script: {self.dialogs}"
        assert self.violations() == [], "the page broke its Content-Security-Policy"
        expect(self.page.locator("main script")).to_have_count(0)
        expect(self.page.locator('img[src="x"], [onerror]')).to_have_count(0)


def watch(page: Page) -> Watch:
    seen = Watch(page)

    def on_dialog(dialog: Dialog) -> None:
        seen.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda request: seen.requests.append(request))
    page.on("response", lambda response: seen.responses.append(response))
    page.add_init_script(WATCH_CSP)
    return seen


def expect_csp(response: Response | None) -> None:
    assert response is not None and response.ok
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy, f"no script-src 'self' in {policy!r}"
    assert "unsafe-inline" not in policy


def expect_no_way_into_the_team_dashboard(page: Page) -> None:
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.get_by_role("search", name="Go to order")).to_have_count(0)
    expect(page.get_by_placeholder(re.compile("Go to order"))).to_have_count(0)
    expect(page.locator("a[href*='/orders'], form[action*='/orders']")).to_have_count(0)
    expect(page.locator("#share-panel")).to_have_count(0)


def image_name(image: dict) -> str:
    return image.get("image_name") or "Untitled image"


@pytest.fixture
def order(dashboard) -> dict:
    """A finished order with a plain name and a few processed images."""
    app = dashboard.sandbox.app
    for candidate in app.orders:
        images = candidate["images"]
        if candidate["is_processing"] or app.data.is_live(candidate["order_id"]):
            continue
        if not PLAIN_NAME.fullmatch(candidate.get("name") or ""):
            continue
        processed = [i for i in images if i["status"] == "processed"]
        if 3 <= len(images) <= 12 and len(processed) >= 3 and images[0] in processed:
            return candidate
    pytest.fail("the sandbox should hold a small finished order with processed images")


def create_share_link(team: Page, order_id: str) -> str:
    """Makes a 7-day link in the order page's share panel; returns its address."""
    panel = team.locator("#share-panel")
    panel.locator("summary").click()
    expect(panel.get_by_text("Anyone with a share link")).to_be_visible()
    expect(team.get_by_label("Expires after")).to_have_value("7")
    with team.expect_response(
        lambda r: r.request.method == "POST" and urlsplit(r.url).path.endswith("/share/")
    ) as answer:
        panel.get_by_role("button", name="Create share link").click()
    created = answer.value
    assert urlsplit(created.url).path == f"/orders/{order_id}/share/"
    assert created.status == 200
    assert created.request.header_value("hx-request") == "true", "not sent by htmx"
    assert "csrfmiddlewaretoken=" in (created.request.post_data or "")
    assert "days=7" in (created.request.post_data or "")
    field_ = team.locator("#new-share-url")
    expect(field_).to_be_visible()
    expect(field_).to_have_attribute("readonly", re.compile(".*"))
    return field_.input_value()


# Share links --------------------------------------------------------------------


def test_a_share_link_opens_one_order_for_a_stranger_until_revoked(
    page: Page, new_page: Callable[..., Page], dashboard, console, order: dict
):
    team = page
    order_id = order["order_id"]
    images = order["images"]
    team.goto(f"/orders/{order_id}/")
    expect(team.locator("h1")).to_have_text(order["name"])
    # Set on this document only: gone if creating the link reloaded the page.
    team.evaluate("() => { window.__sameDocument = true; }")

    url = create_share_link(team, order_id)
    match = TOKEN_URL.fullmatch(url)
    assert match, f"an odd share link: {url!r}"
    assert match["origin"] == dashboard.url
    token = match["token"]
    share_path = f"/s/{token}/"
    assert team.evaluate("() => window.__sameDocument === true"), "the page reloaded"
    expect(team).to_have_url(re.compile(rf"/orders/{re.escape(order_id)}/$"))
    expect(team.locator("#share-panel summary")).to_contain_text("1 active link")
    expect(team.locator("#share-panel")).to_have_attribute("open", re.compile(".*"))

    # A browser with no cookies at all.
    guest = new_page(signed_in=False, viewport={"width": 1280, "height": 800})
    seen = watch(guest)
    response = guest.goto(url)
    assert response is not None and response.status == 200
    expect(guest.locator("h1")).to_have_text(order["name"])
    expect(guest).to_have_title(re.compile(rf"^{re.escape(order['name'])}"))
    expect(guest.get_by_role("note")).to_contain_text("Shared with you")
    cards = guest.locator("li.image-card")
    expect(cards).to_have_count(len(images))
    assert cards.evaluate_all("cards => cards.map(c => c.id)") == [
        f"image-{i['image_id']}" for i in images
    ]
    expect(cards.first.locator(".image-name")).to_have_text(image_name(images[0]))
    guest.wait_for_function(PREVIEW_LOADED)
    previews = [
        r
        for r in seen.responses
        if urlsplit(r.url).path.startswith(f"{share_path}images/")
        and urlsplit(r.url).path.endswith("/preview/")
    ]
    assert any(
        r.status == 200 and r.headers.get("content-type") == "image/jpeg" for r in previews
    ), "no real preview came through the share link"
    expect_no_way_into_the_team_dashboard(guest)

    # An image card opens the image's page inside the share.
    cards.first.locator("a.image-thumb").click()
    image_path = rf"{re.escape(share_path)}images/{{}}/$"
    expect(guest).to_have_url(re.compile(image_path.format(re.escape(images[0]["image_id"]))))
    expect(guest.locator("h1.image-title")).to_have_text(image_name(images[0]))
    expect(guest.locator(".pager-position")).to_have_text(f"1 of {len(images)}")
    expect(guest.locator(".crumbs a[data-key=Escape]")).to_have_text(order["name"])
    expect(guest.locator(".crumbs a[data-key=Escape]")).to_have_attribute("href", share_path)
    expect_no_way_into_the_team_dashboard(guest)

    guest.keyboard.press("ArrowRight")
    expect(guest).to_have_url(re.compile(image_path.format(re.escape(images[1]["image_id"]))))
    expect(guest.locator("h1.image-title")).to_have_text(image_name(images[1]))
    expect(guest.locator(".pager-position")).to_have_text(f"2 of {len(images)}")
    expect_no_way_into_the_team_dashboard(guest)
    guest.wait_for_load_state("load")

    # No request from the shared pages tells anyone the token through a Referer.
    assert guest.evaluate("document.referrer") == ""
    assert len(seen.requests) > 3
    leaks = []
    for sent in seen.requests:
        referer = sent.all_headers().get("referer", "")
        if token in referer:
            leaks.append(f"{sent.method} {sent.url} (Referer: {referer})")
    assert leaks == [], "the token leaked in a Referer header:\n" + "\n".join(leaks)
    assert response.headers.get("referrer-policy") == "no-referrer"
    seen.assert_clean()

    # Revoked on the team's page, without a reload...
    with team.expect_response(lambda r: "/revoke/" in r.url) as revoked:
        team.locator("#share-panel").get_by_role("button", name="Revoke").click()
    assert revoked.value.status == 200
    expect(team.locator("#share-panel").get_by_role("status")).to_contain_text("Link revoked")
    expect(team.locator("#share-panel summary")).not_to_contain_text("active link")
    expect(team.locator("#share-panel").get_by_role("button", name="Revoke")).to_have_count(0)
    assert team.evaluate("() => window.__sameDocument === true"), "the page reloaded"

    # ... the link no longer works for the stranger. Chromium logs the 410: that line only.
    console.allow_network_error(rf"status of 410 \(Gone\) \[at {re.escape(url)}\]$")
    gone = guest.goto(url)
    assert gone is not None and gone.status == 410
    expect(guest.get_by_role("heading", level=1)).to_have_text("This share link no longer works")
    expect(guest.get_by_role("alert")).to_contain_text("The link was revoked")
    expect(guest.locator("li.image-card")).to_have_count(0)
    expect(guest.get_by_role("button", name="Sign out")).to_have_count(0)
    seen.assert_clean()


def test_a_dead_share_link_offers_the_stranger_no_way_into_the_team_dashboard(
    new_page: Callable[..., Page], dashboard, console, order: dict, teammate
):
    """A share link's visitor has no account: its error pages point nowhere they can't go."""
    from orders.models import ShareLink

    link, token = ShareLink.create(
        order_id=order["order_id"], order_name=order["name"], days=7, user=teammate
    )
    link.revoke()
    guest = new_page(signed_in=False)
    console.allow_network_error(rf"status of 410 \(Gone\) \[at [^\]]*/s/{re.escape(token)}/\]$")
    gone = guest.goto(f"/s/{token}/")
    assert gone is not None and gone.status == 410
    expect(guest.get_by_role("heading", level=1)).to_have_text("This share link no longer works")
    expect_no_way_into_the_team_dashboard(guest)


# Hostile names with the CSP on -----------------------------------------------------


def test_hostile_names_stay_text_under_the_csp_for_the_team_and_a_share_link(
    page: Page, new_page: Callable[..., Page], dashboard, console, teammate
):
    from orders.models import ShareLink

    hostile = {o["name"]: o for o in dashboard.orders[:15] if o["name"] in HOSTILE}
    assert set(hostile) == set(HOSTILE), "the sandbox's first page should hold both names"
    team = watch(page)

    expect_csp(page.goto("/orders/"))
    expect(page.locator("a.card-link")).to_have_count(15)
    for name, order in hostile.items():
        link = page.locator(f'a.card-link[href="/orders/{order["order_id"]}/"]')
        expect(link).to_have_text(name)
        expect(link.locator("*")).to_have_count(0)
    team.assert_clean()

    for name, order in hostile.items():
        expect_csp(page.goto(f"/orders/{order['order_id']}/"))
        expect(page.locator("h1")).to_have_text(name)
        expect(page.locator("h1 *")).to_have_count(0)
        expect(page.locator(".crumbs [aria-current=page]")).to_have_text(name)
        expect(page).to_have_title(re.compile(rf"^{re.escape(name)}"))
        # htmx runs under the CSP too: the share panel's POST swaps in.
        page.locator("#share-panel summary").click()
        page.get_by_role("button", name="Create share link").click()
        expect(page.locator("#new-share-url")).to_be_visible()
        team.assert_clean()

    # A share link for one of them, in a browser with no cookies.
    name, order = next(iter(hostile.items()))
    _, token = ShareLink.create(order_id=order["order_id"], order_name=name, days=7, user=teammate)
    guest_page = new_page(signed_in=False)
    guest = watch(guest_page)
    expect_csp(guest_page.goto(f"/s/{token}/"))
    expect(guest_page.locator("h1")).to_have_text(name)
    expect(guest_page.locator("h1 *")).to_have_count(0)
    expect(guest_page).to_have_title(re.compile(rf"^{re.escape(name)}"))
    guest_page.wait_for_function(PREVIEW_LOADED)
    guest.assert_clean()

    image = order["images"][0]
    expect_csp(guest_page.goto(f"/s/{token}/images/{image['image_id']}/"))
    crumb = guest_page.locator(".crumbs a[data-key=Escape]")
    expect(crumb).to_have_text(name)
    expect(crumb.locator("*")).to_have_count(0)
    expect(guest_page).to_have_title(re.compile(rf"· {re.escape(name)} · Autoenhance$"))
    guest.assert_clean()

    # Chromium words it "Refused to ..." or "... violates the following Content Security Policy".
    refused = [e for e in console.errors if re.search("Refused to|Content Security Policy", e)]
    assert refused == [], f"the CSP refused something: {refused}"
