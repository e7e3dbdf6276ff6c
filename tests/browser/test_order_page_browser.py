"""One order's page and its images' pages in a real browser."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from orders.sandbox import SandboxServer

STATUS_LABELS = {
    "processed": "Processed",
    "processing": "Processing",
    "waiting": "Waiting",
    "error": "Error",
    None: "Unknown",
}
CLOUD_LABELS = {"CLEAR": "Clear sky", "LOW_CLOUD": "Low cloud", "HIGH_CLOUD": "High cloud"}
STYLE_LABELS = {
    "property": "Property",
    "property_usa": "Property (USA)",
    "warm": "Warm",
    "neutral": "Neutral",
    "modern": "Modern",
    "authentic": "Authentic",
}
IMAGE_BATCH = 48  # the order page shows this many images before its own Load more


def image_card(page: Page, image: dict) -> Locator:
    return page.locator(f'li.image-card[id="image-{image["image_id"]}"]')


def cell(scope: Locator, heading: str) -> Locator:
    """The value beside a row heading of a data table, however deeply nested."""
    return scope.locator(f"xpath=.//th[normalize-space()='{heading}']/following-sibling::td[1]")


def panel(page: Page, title: str) -> Locator:
    return page.locator("section.panel", has=page.get_by_role("heading", name=title, exact=True))


def has_reason(image: dict) -> bool:
    return image.get("status") == "error" and isinstance(image.get("status_reason"), str)


@pytest.fixture
def order(dashboard) -> dict:
    """A finished order, small enough to show whole, holding an error with a reason
    and an image with sky replacement."""
    app = dashboard.sandbox.app
    for candidate in app.orders:
        images = candidate["images"]
        if candidate["is_processing"] or app.data.is_live(candidate["order_id"]):
            continue
        if not 0 < len(images) <= IMAGE_BATCH:
            continue
        if any(map(has_reason, images)) and any(
            i.get("enhance") is not False and i.get("sky_replacement") for i in images
        ):
            return candidate
    pytest.fail("the sandbox should hold a finished order with an error reason and a sky")


def test_an_order_page_shows_each_images_status_reason_and_options(page: Page, order: dict):
    page.goto(f"/orders/{order['order_id']}/")
    expect(page.locator("h1")).to_have_text(order["name"] or "Untitled order")
    cards = page.locator("li.image-card")
    expect(cards).to_have_count(len(order["images"]))
    assert cards.evaluate_all("cards => cards.map(c => c.id)") == [
        f"image-{i['image_id']}" for i in order["images"]
    ]

    skies = 0
    for image in order["images"]:
        card = image_card(page, image)
        expect(card.locator(".badge")).to_have_text(STATUS_LABELS[image["status"]])
        if has_reason(image):
            # Visible as it is, no click needed.
            expect(card.locator(".reason")).to_be_visible()
            expect(card.locator(".reason")).to_contain_text(image["status_reason"])
        elif image.get("status_reason") is None:
            expect(card.locator(".reason")).to_have_count(0)
        chips = card.locator(".chips")
        if image.get("enhance") is False:
            expect(chips).to_contain_text("Enhancement off")
            continue
        if image.get("enhance_type"):
            style = STYLE_LABELS.get(image["enhance_type"].lower(), image["enhance_type"])
            expect(chips).to_contain_text(f"Style: {style}")
        if image.get("sky_replacement") and image.get("cloud_type"):
            expect(chips).to_contain_text(f"Sky replacement: {CLOUD_LABELS[image['cloud_type']]}")
            skies += 1
        else:
            expect(chips).not_to_contain_text("Sky replacement")
    assert skies, "the chosen order should show a sky replacement chip"

    summary = Counter(i["status"] for i in order["images"])
    for status, count in summary.items():
        expect(page.locator("#status-summary")).to_contain_text(
            f"{count} {STATUS_LABELS[status].lower()}"
        )


def test_an_image_page_shows_metadata_raw_json_and_options(page: Page, order: dict):
    image = next(
        i for i in order["images"] if has_reason(i) and (i.get("metadata") or {}).get("exposure")
    )
    page.goto(f"/orders/{order['order_id']}/")
    image_card(page, image).locator("a.image-thumb").click()
    expect(page).to_have_url(
        re.compile(rf"/orders/{order['order_id']}/images/{re.escape(image['image_id'])}/$")
    )
    expect(page.locator("h1.image-title")).to_have_text(image["image_name"] or "Untitled image")
    expect(page.locator(".image-info .badge")).to_have_text("Error")
    expect(page.locator(".image-info .reason")).to_contain_text(image["status_reason"])

    meta = panel(page, "Metadata")
    metadata = image["metadata"]
    # Nested keys are humanised and shown inside their parent's row.
    expect(cell(meta, "Camera")).to_contain_text(metadata["camera"]["make"])
    expect(cell(cell(meta, "Camera"), "Make")).to_have_text(metadata["camera"]["make"])
    expect(cell(cell(meta, "Exposure"), "Shutter speed")).to_have_text(
        str(metadata["exposure"]["shutter_speed"])
    )

    options = panel(page, "Enhancement options")
    yes_no = {True: "Yes", False: "No", None: "—"}
    expect(cell(options, "Enhance")).to_have_text(yes_no[image.get("enhance")])
    expect(cell(options, "Sky replacement")).to_have_text(yes_no[image.get("sky_replacement")])
    expect(cell(options, "Cloud type")).to_have_text(CLOUD_LABELS[image["cloud_type"]])
    expect(cell(options, "Upscale")).to_have_text(yes_no[image.get("upscale")])

    raw = page.locator("#raw-json")
    expect(raw).to_be_hidden()
    page.locator("details.raw > summary").click()
    expect(raw).to_be_visible()
    expect(raw).to_contain_text(f'"image_id": "{image["image_id"]}"')
    expect(raw).to_contain_text(f'"status_reason": "{image["status_reason"]}"')


def test_arrow_keys_move_between_images_and_escape_returns_to_the_order(page: Page, order: dict):
    images = order["images"]
    assert len(images) >= 2
    base = f"/orders/{order['order_id']}"

    def image_url(image: dict) -> re.Pattern[str]:
        return re.compile(rf"{base}/images/{re.escape(image['image_id'])}/$")

    page.goto(f"{base}/images/{images[0]['image_id']}/")
    expect(page.locator(".pager-position")).to_have_text(f"1 of {len(images)}")

    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(image_url(images[1]))
    expect(page.locator("h1.image-title")).to_have_text(images[1]["image_name"] or "Untitled image")
    expect(page.locator(".pager-position")).to_have_text(f"2 of {len(images)}")

    page.keyboard.press("ArrowLeft")
    expect(page).to_have_url(image_url(images[0]))
    expect(page.locator(".pager-position")).to_have_text(f"1 of {len(images)}")

    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(rf"{base}/$"))
    expect(page.locator("li.image-card")).to_have_count(len(images))


def test_the_status_filter_keeps_only_matching_images(page: Page, order: dict):
    errors = [i for i in order["images"] if i["status"] == "error"]
    assert errors and len(errors) < len(order["images"])
    page.goto(f"/orders/{order['order_id']}/")
    cards = page.locator("li.image-card")
    expect(cards).to_have_count(len(order["images"]))

    page.locator("#status").select_option(label="Error")
    expect(page).to_have_url(re.compile(r"[?&]status=error(&|$)"))
    expect(cards).to_have_count(len(errors))
    assert cards.evaluate_all("cards => cards.map(c => c.id)") == [
        f"image-{i['image_id']}" for i in errors
    ]
    for card in cards.all():
        expect(card.locator(".badge")).to_have_text("Error")
    expect(page.locator(".toolbar-count")).to_have_text(
        f"{len(errors)} of {len(order['images'])} images"
    )
    expect(page.locator("#status")).to_have_value("error")


# Live status -----------------------------------------------------------------


class Clock:
    """The sandbox's sense of elapsed time, moved by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def live_sandbox(live_server, settings) -> Iterator[tuple[SandboxServer, Clock]]:
    """A sandbox of its own whose clock the test moves, with the dashboard on it.

    Ask for it before `page`, so the browser is gone before the server stops.
    """
    clock = Clock()
    server = SandboxServer(clock=clock).start()
    settings.AUTOENHANCE_API_URL = server.url
    settings.AUTOENHANCE_API_KEY = server.key
    yield server, clock
    server.stop()


def test_a_processing_order_updates_itself_until_it_finishes(live_sandbox, page: Page):
    sandbox, clock = live_sandbox
    app = sandbox.app
    order_id = app.notable["live"][0]
    schedule = app.data.live[order_id]
    first_done = min(s.finishes_after for s in schedule if s.outcome == "processed")
    all_done = max(s.finishes_after for s in schedule)

    page.goto(f"/orders/{order_id}/")
    summary = page.locator("#order-summary")
    expect(summary).to_have_attribute("hx-trigger", "every 3s")
    expect(summary.locator(".flag-live")).to_be_visible()
    before = page.locator("#status-summary").inner_text()
    assert "processed" not in before
    cards = page.locator("li.image-card")
    expect(cards).to_have_count(len(schedule))
    expect(page.locator("li.image-card .badge", has_text="Processed")).to_have_count(0)

    # Part way: at least one image has finished, some have not.
    clock.now = first_done + 0.5
    midway = app.current_order(order_id)
    assert midway["status"] == "processing"
    done = [i for i in midway["images"] if i["status"] == "processed"]
    assert done
    expect(page.locator("#status-summary .summary-processed")).to_have_text(
        f"{len(done)} processed"
    )
    expect(page.locator("#status-summary")).not_to_have_text(before)
    for image in done:
        expect(image_card(page, image).locator(".badge")).to_have_text("Processed")

    # Everything finished: the page says so and stops polling.
    clock.now = all_done + 1
    final = app.current_order(order_id)
    assert final["status"] != "processing"
    expect(summary).not_to_have_attribute("hx-trigger", re.compile(".*"))
    expect(summary).not_to_have_attribute("hx-get", re.compile(".*"))
    expect(summary.locator(".flag-live")).to_have_count(0)
    for status, count in Counter(i["status"] for i in final["images"]).items():
        expect(page.locator(f"#status-summary .summary-{status}")).to_have_text(
            f"{count} {STATUS_LABELS[status].lower()}"
        )
    for image in final["images"]:
        expect(image_card(page, image).locator(".badge")).to_have_text(
            STATUS_LABELS[image["status"]]
        )
    expect(page.locator(".pending-id")).to_have_count(0)
    expect(cards).to_have_count(len(schedule))
