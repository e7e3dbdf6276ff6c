"""The sandbox's demo data: deterministic, varied, awkward where real accounts are, and alive."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from orders.sandbox import SandboxApp, SandboxServer
from orders.sandbox.data import DemoData
from orders.sandbox.previews import render_preview

FIXED_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
PLAIN_ID = re.compile(r"[A-Za-z0-9._-]+")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def app() -> SandboxApp:
    return SandboxApp(now=FIXED_NOW)


@pytest.fixture(scope="module")
def orders(app: SandboxApp) -> list[dict[str, Any]]:
    return app.orders


@pytest.fixture(scope="module")
def images(orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [image for order in orders for image in order["images"]]


def values(items: list[dict[str, Any]], field: str) -> set[Any]:
    return {item.get(field) for item in items}


# -- determinism ----------------------------------------------------------------


def test_same_seed_and_now_give_identical_data() -> None:
    assert DemoData(7, FIXED_NOW).orders == DemoData(7, FIXED_NOW).orders
    assert SandboxApp(seed=7, now=FIXED_NOW).orders == SandboxApp(seed=7, now=FIXED_NOW).orders


def test_different_seed_gives_different_data() -> None:
    first, second = (
        SandboxApp(seed=1, now=FIXED_NOW).orders,
        SandboxApp(seed=2, now=FIXED_NOW).orders,
    )
    assert [o["order_id"] for o in first] != [o["order_id"] for o in second]
    assert [o["name"] for o in first] != [o["name"] for o in second]


def test_timestamps_follow_now(orders: list[dict[str, Any]]) -> None:
    later = SandboxApp(now=FIXED_NOW + timedelta(days=1)).orders
    assert [o["order_id"] for o in later] == [o["order_id"] for o in orders]
    assert later[0]["created_at"] > orders[0]["created_at"]


def test_default_now_is_the_current_minute() -> None:
    app = SandboxApp()
    assert app.now.second == 0 and app.now.microsecond == 0
    assert abs(datetime.now(UTC) - app.now) < timedelta(minutes=2)


# -- shape and coverage ---------------------------------------------------------


def test_account_size_and_history(orders: list[dict[str, Any]]) -> None:
    assert len(orders) >= 320
    oldest = datetime.fromisoformat(orders[-1]["created_at"])
    assert FIXED_NOW - timedelta(days=560) < oldest < FIXED_NOW - timedelta(days=480)
    created = [o["created_at"] for o in orders]
    assert created == sorted(created, reverse=True)
    assert len(set(created)) < len(created), (
        "a batch import shares a timestamp, so ties need order_id"
    )


def test_order_fields(orders: list[dict[str, Any]]) -> None:
    for order in orders:
        assert ISO.fullmatch(order["created_at"])
        assert order["last_updated_at"] is None or ISO.fullmatch(order["last_updated_at"])
        assert datetime.fromisoformat(order["created_at"]) <= FIXED_NOW
        assert isinstance(order["total_images"], int)
        assert PLAIN_ID.fullmatch(order["order_id"])
        for image in order["images"]:
            assert image["order_id"] == order["order_id"]
    assert values(orders, "status") == {"waiting", "processing", "processed", "error", None}
    assert {o["is_merging"] for o in orders if "is_merging" in o} == {True, False}
    assert sum(o["is_deleted"] for o in orders) in range(1, 5)
    assert any("is_merging" not in o for o in orders), "a field may be missing"
    assert any(o["last_updated_at"] is None for o in orders)


def test_ids_are_mostly_uuid4_with_some_custom(
    orders: list[dict[str, Any]], images: list[dict[str, Any]]
) -> None:
    def is_uuid4(value: str) -> bool:
        try:
            return uuid.UUID(value).version == 4 and str(uuid.UUID(value)) == value
        except ValueError:
            return False

    custom = [o["order_id"] for o in orders if not is_uuid4(o["order_id"])]
    assert {"listing-2025-044", "ACME_shoot.7"} <= set(custom)
    assert len(custom) < 10
    ids = [image["image_id"] for image in images]
    assert len(ids) == len(set(ids))
    assert all(PLAIN_ID.fullmatch(image_id) for image_id in ids)


def test_image_counts(orders: list[dict[str, Any]]) -> None:
    counts = [len(o["images"]) for o in orders]
    assert 0 in counts
    big = [c for c in counts if c >= 400]
    assert 3 <= len(big) <= 4 and max(big) <= 480
    assert sum(c <= 60 for c in counts) / len(counts) > 0.9
    mismatched = [o for o in orders if o["total_images"] != len(o["images"])]
    assert 2 <= len(mismatched) <= 6


def test_waiting_orders_have_no_images(orders: list[dict[str, Any]]) -> None:
    assert all(not o["images"] for o in orders if o["status"] == "waiting")


def test_every_image_option_value_appears(images: list[dict[str, Any]]) -> None:
    assert {t.lower() for t in values(images, "enhance_type")} == {
        "property", "property_usa", "warm", "neutral", "modern", "authentic",
    }  # fmt: skip
    assert values(images, "enhance_type") - {
        "property",
        "property_usa",
        "warm",
        "neutral",
        "modern",
        "authentic",
    }
    assert values(images, "ai_version") == {"5.x", "4.7", "3.x", "latest", "stable", "beta"}
    assert values(images, "cloud_type") == {"CLEAR", "LOW_CLOUD", "HIGH_CLOUD"}
    pulls = values(images, "window_pull_type") | values(images, "window_pull_style")
    assert {"NONE", "ONLY_WINDOWS", "WINDOWS_WITH_SKIES"} <= pulls
    assert any("window_pull_style" in image for image in images), "the older field name appears too"
    flags = (
        "enhance", "sky_replacement", "vertical_correction", "lens_correction",
        "upscale", "privacy", "window_pull", "downloaded",
    )  # fmt: skip
    for flag in flags:
        assert values(images, flag) == {True, False}, flag
    assert values(images, "rating") == {None, 0, 1, 2, 3, 4, 5}
    assert any("rating" not in image for image in images)
    assert values(images, "scene") == {
        "kitchen", "living_room", "bedroom", "bathroom", "garden", "facade", "pool",
        "dining_room", "hallway", "office", None,
    }  # fmt: skip
    assert values(images, "status") == {"waiting", "processing", "processed", "error", None}
    assert all(
        isinstance(image["date_added"], int) and image["date_added"] > 1.7e12 for image in images
    )
    assert None in values(images, "image_name") and None in values(images, "user_id")


def test_finetune_settings_vary(images: list[dict[str, Any]]) -> None:
    settings = [image["finetune_settings"] for image in images]
    assert None in settings and {} in settings
    known = {"brightness_boost", "contrast_boost", "clarity_level", "denoise_level"}
    filled = [s for s in settings if s]
    assert {key for s in filled for key in s} > known
    assert {value for s in filled for value in s.values()} == {"NONE", "LOW", "MEDIUM", "HIGH"}


def test_errors_carry_reasons(images: list[dict[str, Any]]) -> None:
    reasons = [image["status_reason"] for image in images if image["status"] == "error"]
    assert "Image too small: 640×480, minimum 1024×768" in reasons
    assert "Unsupported file type: HEIC" in reasons
    assert any(isinstance(reason, dict) for reason in reasons)
    assert all(reason for reason in reasons)


def test_metadata_is_nested_and_varied(images: list[dict[str, Any]]) -> None:
    metadata = [image["metadata"] for image in images if "metadata" in image]
    full = [m for m in metadata if m]
    assert {} in metadata
    assert {m["camera"]["make"] for m in full} >= {"Canon", "Sony", "DJI", "Apple"}
    assert all(
        isinstance(m["exposure"]["iso"], int) and isinstance(m["exposure"]["bracketed"], bool)
        for m in full
    )
    assert {type(m.get("gps")) for m in full} == {dict, type(None)}
    assert any("gps" not in m for m in full) and any(m["lens"] is None for m in full)
    assert any(m["dimensions"]["height"] > m["dimensions"]["width"] for m in full)
    assert any(key.startswith("<") for m in full for key in m), "markup in a metadata key"


def test_awkward_names(app: SandboxApp, orders: list[dict[str, Any]]) -> None:
    names = [o["name"] for o in orders]
    first_page_names = names[:15]
    assert "<script>alert('x')</script> Loft" in first_page_names
    assert "<img src=x onerror=alert(1)> Studio" in first_page_names
    assert '"The \'Old\' Mill" — "best" shots' in names
    assert None in names and "" in names
    assert any(name and len(name) >= 200 for name in names)
    assert any(name and any(ord(c) > 0xFFFF for c in name) for name in names), "emoji"
    assert any(name and "\n" in name for name in names)
    assert any(name and " & " in name for name in names)
    assert len(app.notable["hostile"]) == 2


def test_unknown_extra_fields(orders: list[dict[str, Any]], images: list[dict[str, Any]]) -> None:
    extra = [o for o in orders if "ANY_ADDITIONAL_PROPERTY" in o]
    assert extra and extra[0]["priority"] == {"level": 2}
    assert any(image.get("ANY_ADDITIONAL_PROPERTY") == "anything" for image in images)


def test_notable_ids_point_at_what_they_say(app: SandboxApp) -> None:
    def found(order_id: str) -> dict[str, Any]:
        order = app.find_order(order_id)
        assert order is not None
        return order

    assert all(len(found(i)["images"]) >= 400 for i in app.notable["big"])
    assert all(not found(i)["images"] for i in app.notable["empty"])
    assert all(found(i)["name"] is None for i in app.notable["null_name"])
    newest = [o["order_id"] for o in app.orders[:6]]
    assert set(app.notable["live"]) <= set(newest)
    assert app.find_order("no-such-order") is None


def test_names_look_like_real_estate(orders: list[dict[str, Any]]) -> None:
    generated = [o["name"] for o in orders[30:]]
    assert (
        sum(
            bool(
                re.search(
                    r"\d+ \w+ (Lane|Road|Street|Avenue|Close|Crescent|Gardens|Way|Terrace),",
                    n or "",
                )
            )
            for n in generated
        )
        > 30
    )
    assert any(n and "Apartment" in n for n in generated)
    assert len(set(generated)) > len(generated) * 0.9


# -- live processing ------------------------------------------------------------


@pytest.fixture
def live() -> Iterator[tuple[SandboxServer, FakeClock]]:
    clock = FakeClock()
    with SandboxServer(now=FIXED_NOW, clock=clock) as server:
        yield server, clock


def fetch(server: SandboxServer, path: str) -> Any:
    response = requests.get(server.url + path, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_live_orders_finish_during_the_demo(live: tuple[SandboxServer, FakeClock]) -> None:
    server, clock = live
    live_ids = server.app.notable["live"]
    assert 2 <= len(live_ids) <= 3
    before = {order_id: fetch(server, f"/v3/orders/{order_id}") for order_id in live_ids}
    for order in before.values():
        assert order["status"] == "processing" and order["is_processing"] is True
        assert {i["status"] for i in order["images"]} <= {"waiting", "processing"}

    clock.now += 45
    middle = [fetch(server, f"/v3/orders/{order_id}") for order_id in live_ids]
    statuses = {image["status"] for order in middle for image in order["images"]}
    assert "processed" in statuses and statuses & {"waiting", "processing"}, (
        "images finish at staggered times"
    )

    clock.now += 60
    for order_id in live_ids:
        after = fetch(server, f"/v3/orders/{order_id}")
        assert after["status"] in ("processed", "error") and after["is_processing"] is False
        assert {i["status"] for i in after["images"]} <= {"processed", "error"}
        assert after["last_updated_at"] > before[order_id]["last_updated_at"]
    page = requests.get(
        server.url + "/v3/orders",
        params={"per_page": 15},
        headers={"x-api-key": server.key},
        timeout=10,
    )
    assert all(not o["is_processing"] for o in page.json()["orders"] if o["order_id"] in live_ids)


def test_live_images_get_a_preview_when_processed(live: tuple[SandboxServer, FakeClock]) -> None:
    server, clock = live
    order_id = server.app.notable["live"][1]
    image_ids = [image["image_id"] for image in fetch(server, f"/v3/orders/{order_id}")["images"]]
    for image_id in image_ids:
        assert (
            requests.get(f"{server.url}/v3/images/{image_id}/preview", timeout=10).status_code
            == 404
        )
    clock.now += 120
    for image in fetch(server, f"/v3/orders/{order_id}")["images"]:
        assert fetch(server, f"/v3/images/{image['image_id']}") == image
        preview = requests.get(f"{server.url}/v3/images/{image['image_id']}/preview", timeout=10)
        # Live errors are enhancement failures, which keep a preview.
        assert preview.status_code == 200


def test_static_orders_do_not_change_over_time(live: tuple[SandboxServer, FakeClock]) -> None:
    server, clock = live
    order_id = server.app.orders[10]["order_id"]
    before = fetch(server, f"/v3/orders/{order_id}")
    clock.now += 3600
    assert fetch(server, f"/v3/orders/{order_id}") == before == server.app.find_order(order_id)


# -- previews -------------------------------------------------------------------


def test_previews_are_small_and_distinct() -> None:
    ids = [str(uuid.UUID(int=n * 7919 + 17, version=4)) for n in range(30)]
    scenes = ["kitchen", "garden", None, "pool", "bedroom", "office"]
    rendered = [render_preview(i, scene=scenes[n % len(scenes)]) for n, i in enumerate(ids)]
    assert all(body[:2] == b"\xff\xd8" and len(body) < 25_000 for body in rendered)
    assert len(set(rendered)) == len(rendered)
    assert render_preview(ids[0], scene="kitchen") == render_preview(ids[0], scene="kitchen")
