from __future__ import annotations

import contextlib
import logging
import random
import socket
from datetime import UTC, datetime
from urllib.parse import parse_qs

import pytest

from orders.client import (
    AuthenticationError,
    AutoenhanceClient,
    InvalidIdentifier,
    InvalidRequest,
    NotFound,
    RateLimited,
    UpstreamError,
    parse_image,
    parse_order,
    parse_page,
)
from orders.sandbox import SandboxServer


class Sleeps(list):
    """Stands in for time.sleep: records each wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def api(sandbox: SandboxServer, sleeps: Sleeps) -> AutoenhanceClient:
    return AutoenhanceClient(sandbox.url, sandbox.key, read_timeout=1.0, retries=2, sleep=sleeps)


def api_requests(sandbox: SandboxServer, prefix: str = "/v3/") -> list:
    return [r for r in sandbox.app.requests_seen if r.path.startswith(prefix)]


def test_list_orders_returns_the_first_page_newest_first(api: AutoenhanceClient, sandbox):
    page = api.list_orders()
    assert len(page.orders) == 5
    assert page.next_offset
    expected = [o["order_id"] for o in sandbox.app.orders[:5]]
    assert [o.order_id for o in page.orders] == expected
    dates = [o.created_at for o in page.orders]
    assert dates == sorted(dates, reverse=True)
    assert all(d is not None and d.tzinfo is not None for d in dates)


def test_walking_every_page_yields_each_order_once(api: AutoenhanceClient, sandbox):
    seen, offset = [], None
    while True:
        page = api.list_orders(offset=offset, per_page=15)
        seen += [o.order_id for o in page.orders]
        offset = page.next_offset
        if offset is None:
            break
    assert seen == [o["order_id"] for o in sandbox.app.orders]


def test_search_and_sort_reach_the_api(api: AutoenhanceClient, sandbox):
    page = api.list_orders(q="LANE", sort="name", per_page=15)
    names = [o.name for o in page.orders]
    assert names and all("lane" in n.lower() for n in names)
    assert names == sorted(names, key=str.lower) or names == sorted(names)


def test_get_order_parses_images(api: AutoenhanceClient, sandbox):
    raw = next(o for o in sandbox.app.orders if len(o.get("images") or []) > 3)
    order = api.get_order(raw["order_id"])
    assert order.order_id == raw["order_id"]
    assert len(order.images) == len(raw["images"])
    assert order.images[0].image_id == raw["images"][0]["image_id"]


def test_wrong_key_is_an_authentication_error(sandbox, sleeps):
    api = AutoenhanceClient(sandbox.url, "not-the-key", sleep=sleeps)
    with pytest.raises(AuthenticationError, match="AUTOENHANCE_API_KEY"):
        api.list_orders()
    assert len(api_requests(sandbox)) == 1
    assert sleeps == []


def test_unknown_order_is_not_found_and_not_retried(api, sandbox, sleeps):
    with pytest.raises(NotFound):
        api.get_order("no-such-order")
    assert len(api_requests(sandbox)) == 1
    assert sleeps == []


def test_a_bad_parameter_is_an_invalid_request_carrying_the_api_message(api, sandbox, sleeps):
    with pytest.raises(InvalidRequest) as caught:
        api.list_orders(per_page=0)
    assert "per_page" in caught.value.message
    assert caught.value.detail
    assert len(api_requests(sandbox)) == 1
    assert sleeps == []


def test_a_forged_offset_is_an_invalid_request(api, sandbox):
    with pytest.raises(InvalidRequest, match="offset"):
        api.list_orders(offset="bm90LWEtdG9rZW4=")


@pytest.mark.parametrize("kind", ["502", "503"])
def test_gateway_errors_are_retried_a_bounded_number_of_times(api, sandbox, sleeps, kind):
    sandbox.app.faults.force(kind)
    with pytest.raises(UpstreamError, match=kind):
        api.list_orders()
    assert len(api_requests(sandbox)) == 3
    assert len(sleeps) == 2
    assert sleeps[1] > sleeps[0] > 0


def test_a_passing_glitch_is_retried_away(api, sandbox, sleeps):
    sandbox.app.faults.force("503", times=1)
    page = api.list_orders()
    assert page.orders
    assert len(api_requests(sandbox)) == 2
    assert len(sleeps) == 1


def test_a_server_error_is_not_retried(api, sandbox, sleeps):
    sandbox.app.faults.force("500")
    with pytest.raises(UpstreamError, match="500"):
        api.list_orders()
    assert len(api_requests(sandbox)) == 1
    assert sleeps == []


def test_rate_limiting_honours_retry_after_then_gives_up(api, sandbox, sleeps):
    sandbox.app.faults.force("429", retry_after=2)
    with pytest.raises(RateLimited) as caught:
        api.list_orders()
    assert sleeps == [2.0, 2.0]
    assert caught.value.retry_after == 2.0
    assert len(api_requests(sandbox)) == 3


def test_retry_after_is_capped(sandbox, sleeps):
    api = AutoenhanceClient(sandbox.url, sandbox.key, retries=1, retry_after_cap=0.5, sleep=sleeps)
    sandbox.app.faults.force("429", times=1, retry_after=120)
    assert api.list_orders().orders
    assert sleeps == [0.5]


def test_retries_stop_when_the_time_budget_is_spent(sandbox, sleeps):
    api = AutoenhanceClient(
        sandbox.url, sandbox.key, retries=5, retry_budget=3.0, retry_after_cap=10, sleep=sleeps
    )
    sandbox.app.faults.force("429", retry_after=4)
    with pytest.raises(RateLimited):
        api.list_orders()
    assert sleeps == []
    assert len(api_requests(sandbox)) == 1


def test_a_refused_connection_is_retried_then_reported(sleeps):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    api = AutoenhanceClient(f"http://127.0.0.1:{port}", "k", retries=2, sleep=sleeps)
    with pytest.raises(UpstreamError, match="Couldn't reach"):
        api.list_orders()
    assert len(sleeps) == 2


def test_a_hanging_api_times_out_without_retrying(sandbox, sleeps):
    api = AutoenhanceClient(sandbox.url, sandbox.key, read_timeout=0.3, sleep=sleeps)
    sandbox.app.faults.force("hang")
    with pytest.raises(UpstreamError, match=r"didn't answer within 0\.3 seconds"):
        api.list_orders()
    assert sleeps == []
    assert len(api_requests(sandbox)) == 1


@pytest.mark.parametrize("kind", ["not-json", "truncated", "wrong-shape"])
def test_a_broken_body_is_an_upstream_error(api, sandbox, kind):
    sandbox.app.faults.force(kind)
    with pytest.raises(UpstreamError):
        api.list_orders()


def test_a_broken_order_body_is_an_upstream_error(api, sandbox):
    order_id = sandbox.app.orders[0]["order_id"]
    sandbox.app.faults.force("not-json")
    with pytest.raises(UpstreamError, match="isn't JSON"):
        api.get_order(order_id)


@pytest.mark.parametrize(
    "order_id",
    [
        "../images/x",
        "a/b",
        "%2e%2e",
        "x?y=1",
        "x#y",
        "..",
        ".",
        "",
        " x",
        "a b",
        "é",
        "x\n",
        "a" * 200,
    ],
)
def test_dangerous_ids_never_leave_the_client(api, sandbox, order_id):
    with pytest.raises(InvalidIdentifier):
        api.get_order(order_id)
    with pytest.raises(InvalidIdentifier):
        api.preview_url(order_id)
    assert api_requests(sandbox) == []


def test_plain_custom_ids_reach_only_their_own_path(api, sandbox):
    with pytest.raises(NotFound):
        api.get_order("listing-2025_044.v2")
    assert [r.path for r in api_requests(sandbox)] == ["/v3/orders/listing-2025_044.v2"]


@pytest.mark.parametrize("token", ["a+b/c==", "%2B%20 x=y&z", "++//==%%  ", "ä+/"])
def test_offset_tokens_survive_the_round_trip_exactly(api, sandbox, token):
    with pytest.raises(InvalidRequest):
        api.list_orders(offset=token)
    (seen,) = api_requests(sandbox)
    assert parse_qs(seen.query)["offset"] == [token]


def test_real_tokens_with_url_special_characters_page_correctly(api, sandbox):
    tokens, offset = [], None
    while True:
        page = api.list_orders(offset=offset, per_page=1)
        if page.next_offset is None:
            break
        tokens.append(page.next_offset)
        offset = page.next_offset
    assert any(set(t) & set("+/=") for t in tokens)


def test_sequential_calls_share_one_connection(api, sandbox):
    for _ in range(20):
        api.list_orders()
    assert len(sandbox.app.connections_seen) == 1


def test_previews_are_images_and_redirects_are_followed_without_the_key(sleeps):
    with SandboxServer(preview_redirect=True) as server:
        api = AutoenhanceClient(server.url, server.key, sleep=sleeps)
        image_id = next(
            i["image_id"]
            for o in server.app.orders
            for i in o["images"]
            if i.get("status") == "processed"
        )
        preview = api.fetch_preview(image_id)
        assert preview.content_type == "image/jpeg"
        assert preview.content[:3] == b"\xff\xd8\xff"
        hops = [r for r in server.app.requests_seen if image_id in r.path]
        assert len(hops) == 2
        assert all("x-api-key" not in {k.lower() for k in r.headers} for r in hops)


def test_the_key_is_never_logged(api, sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    sandbox.app.faults.force("503", times=1)
    api.list_orders()
    with pytest.raises(NotFound):
        api.get_order("missing")
    assert caplog.records
    assert sandbox.key not in caplog.text
    assert sandbox.key not in repr(api)


# Parsing -----------------------------------------------------------------


def test_dates_become_aware_datetimes():
    order = parse_order(
        {
            "order_id": "o",
            "created_at": "2025-11-05T14:29:38.803Z",
            "last_updated_at": "2025-11-05T14:29:38",
        }
    )
    assert order.created_at == datetime(2025, 11, 5, 14, 29, 38, 803000, tzinfo=UTC)
    assert order.last_updated_at.tzinfo is not None
    image = parse_image({"image_id": "i", "date_added": 1700000000000})
    assert image.date_added == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


def test_missing_null_and_wrong_typed_fields_take_neutral_values():
    order = parse_order(
        {
            "order_id": None,
            "name": ["x"],
            "created_at": 12,
            "is_processing": "yes",
            "total_images": -3,
            "images": [None, 4, {"image_id": 7, "rating": 9, "metadata": [], "date_added": 1e30}],
            "ANY_ADDITIONAL_PROPERTY": "anything",
        }
    )
    assert order.order_id is None and order.name is None and order.created_at is None
    assert order.is_processing is False
    assert order.total_images is None
    (image,) = order.images
    assert image.image_id == "7"
    assert image.rating is None
    assert image.metadata == {}
    assert image.date_added is None


def test_metadata_and_finetune_settings_stay_as_data():
    metadata = {"camera": {"make": "Canon"}, "tags": ["a", "b"]}
    image = parse_image({"metadata": metadata, "finetune_settings": {"clarity_level": "HIGH"}})
    assert image.metadata == metadata
    assert image.finetune_settings == {"clarity_level": "HIGH"}


def test_a_non_string_status_reason_becomes_readable_text():
    image = parse_image({"status": "error", "status_reason": {"code": 3, "why": "too small"}})
    assert image.status_reason == '{"code": 3, "why": "too small"}'


def _junk(rng: random.Random, depth: int = 0):
    choices = [
        None,
        True,
        False,
        0,
        -1,
        1.5,
        float("nan"),
        10**30,
        "",
        "x",
        "2025-13-45",
        "\x00<b>",
    ]
    if depth < 3:
        choices += [
            [_junk(rng, depth + 1) for _ in range(rng.randint(0, 3))],
            {k: _junk(rng, depth + 1) for k in rng.sample(_FIELDS, rng.randint(0, len(_FIELDS)))},
        ]
    return rng.choice(choices)


_FIELDS = [
    "order_id", "name", "created_at", "last_updated_at", "status", "is_processing", "is_merging",
    "total_images", "images", "image_id", "image_name", "status_reason", "date_added", "enhance",
    "rating", "metadata", "finetune_settings", "orders", "pagination", "next_offset", "per_page",
]  # fmt: skip


def test_hostile_json_never_makes_parsing_raise():
    rng = random.Random(7)
    for _ in range(3000):
        value = _junk(rng)
        parse_order(value)
        parse_image(value)
        # An UpstreamError is the one allowed outcome for a body that isn't a page.
        with contextlib.suppress(UpstreamError):
            parse_page(value)


def test_a_page_without_an_orders_list_is_an_upstream_error():
    with pytest.raises(UpstreamError):
        parse_page({"orders": "nope"})
    with pytest.raises(UpstreamError):
        parse_page([])


def test_an_empty_next_offset_ends_the_list():
    assert parse_page({"orders": [], "pagination": {"next_offset": ""}}).next_offset is None
