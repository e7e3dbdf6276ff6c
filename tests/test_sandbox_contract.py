"""The sandbox speaks the v3 contract strictly: over real HTTP, with plain requests."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from PIL import Image

from orders.sandbox import DEMO_KEY, SandboxServer

FIXED_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SORTS = ("date", "-date", "name", "-name")


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(now=FIXED_NOW) as running:
        yield running


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def list_orders(
    server: SandboxServer,
    http: requests.Session,
    *,
    key: str | None = DEMO_KEY,
    path: str = "/v3/orders",
    **params: Any,
) -> requests.Response:
    headers = {"x-api-key": key} if key is not None else {}
    return http.get(server.url + path, params=params, headers=headers, timeout=10)


def walk(
    server: SandboxServer, http: requests.Session, **params: Any
) -> tuple[list[str], list[str]]:
    """Every order id over all pages, and the tokens that led there."""
    ids: list[str] = []
    tokens: list[str] = []
    offset = None
    while True:
        response = list_orders(server, http, **params, **({"offset": offset} if offset else {}))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["orders"], "a page is never empty while results remain"
        ids += [order["order_id"] for order in body["orders"]]
        offset = body["pagination"]["next_offset"]
        if offset is None:
            return ids, tokens
        tokens.append(offset)


def expected_order(orders: list[dict[str, Any]], sort: str) -> list[str]:
    """The documented rule: ties by order_id in the sort's direction, null names last."""
    if sort in ("date", "-date"):
        ordered = sorted(orders, key=lambda o: (o["created_at"], o["order_id"]))
        ordered = ordered if sort == "date" else ordered[::-1]
    else:
        named = sorted(
            (o for o in orders if o["name"] is not None),
            key=lambda o: (o["name"].casefold(), o["order_id"]),
        )
        nulls = sorted((o for o in orders if o["name"] is None), key=lambda o: o["order_id"])
        ordered = named + nulls if sort == "name" else named[::-1] + nulls[::-1]
    return [o["order_id"] for o in ordered]


def assert_error(response: requests.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["detail"], dict)
    return body


def assert_query_error(response: requests.Response, field: str) -> None:
    reasons = assert_error(response, 422)["detail"]["query"][field]
    assert reasons and all(isinstance(reason, str) for reason in reasons)


def some_image(server: SandboxServer, *, status: str, reason: Any = None) -> dict[str, Any]:
    for order in server.app.orders:
        if order["order_id"] in server.app.notable["live"]:
            continue
        for image in order["images"]:
            if image["status"] == status and (reason is None or image["status_reason"] == reason):
                return image
    raise AssertionError(f"no {status} image")


# -- transport ------------------------------------------------------------------


def test_sequential_calls_reuse_one_connection(server: SandboxServer) -> None:
    server.app.reset_counters()
    with requests.Session() as session:
        for _ in range(3):
            assert list_orders(server, session).status_code == 200
    assert len(server.app.requests_seen) == 3
    assert len(server.app.connections_seen) == 1


def test_url_and_key(server: SandboxServer) -> None:
    assert server.url.startswith("http://127.0.0.1:") and not server.url.endswith("/")
    assert server.key == DEMO_KEY


def test_requests_are_recorded_with_raw_query_and_lowercase_headers(
    server: SandboxServer, http: requests.Session
) -> None:
    server.app.reset_counters()
    list_orders(server, http, q="a b+c")
    seen = server.app.requests_seen[-1]
    assert (seen.method, seen.path) == ("GET", "/v3/orders")
    assert seen.query == "q=a+b%2Bc"
    assert seen.headers["x-api-key"] == DEMO_KEY


# -- listing: paging ------------------------------------------------------------


@pytest.mark.parametrize("per_page", [1, 5, 15])
def test_walk_yields_every_order_once_newest_first(
    server: SandboxServer, http: requests.Session, per_page: int
) -> None:
    ids, _ = walk(server, http, per_page=per_page)
    assert ids == [order["order_id"] for order in server.app.orders]
    assert len(ids) == len(set(ids)) >= 300


def test_default_page_is_five_newest(server: SandboxServer, http: requests.Session) -> None:
    body = list_orders(server, http).json()
    assert set(body) == {"orders", "pagination"}
    assert body["pagination"]["per_page"] == 5
    assert isinstance(body["pagination"]["next_offset"], str)
    assert [o["order_id"] for o in body["orders"]] == [o["order_id"] for o in server.app.orders[:5]]
    assert all(isinstance(order["images"], list) for order in body["orders"])


def test_per_page_above_maximum_is_clamped(server: SandboxServer, http: requests.Session) -> None:
    body = list_orders(server, http, per_page=100).json()
    assert body["pagination"]["per_page"] == 15
    assert len(body["orders"]) == 15


def test_both_list_paths_serve_the_same_page(server: SandboxServer, http: requests.Session) -> None:
    with_slash = list_orders(server, http, path="/v3/orders/", per_page=3).json()
    without = list_orders(server, http, path="/v3/orders", per_page=3).json()
    assert with_slash == without


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "", " 5", "1e3", "9" * 5000])
def test_bad_per_page_is_422(server: SandboxServer, http: requests.Session, value: str) -> None:
    assert_query_error(list_orders(server, http, per_page=value), "per_page")


@pytest.mark.parametrize("value", ["newest", "", "DATE", "-created_at", "date "])
def test_bad_sort_is_422(server: SandboxServer, http: requests.Session, value: str) -> None:
    assert_query_error(list_orders(server, http, sort=value), "sort")


def test_repeated_parameter_is_422(server: SandboxServer, http: requests.Session) -> None:
    assert_query_error(list_orders(server, http, per_page=["2", "3"]), "per_page")


def test_tokens_are_standard_base64_with_plus_slash_and_padding(
    server: SandboxServer, http: requests.Session
) -> None:
    _, tokens = walk(server, http, per_page=1)
    joined = "".join(tokens)
    assert "+" in joined and "/" in joined and "=" in joined
    assert all(base64.b64decode(token, validate=True) for token in tokens)


def test_empty_offset_is_the_first_page(server: SandboxServer, http: requests.Session) -> None:
    assert list_orders(server, http, offset="").json() == list_orders(server, http).json()


def first_token(server: SandboxServer, http: requests.Session, **params: Any) -> str:
    token = list_orders(server, http, **params).json()["pagination"]["next_offset"]
    assert token
    return token


@pytest.mark.parametrize("garbage", ["abc", "!!!", "bm90IGEgdG9rZW4=", "nope==", "é"])
def test_garbage_offset_is_422(server: SandboxServer, http: requests.Session, garbage: str) -> None:
    assert_query_error(list_orders(server, http, offset=garbage), "offset")


def test_every_single_character_change_is_rejected(
    server: SandboxServer, http: requests.Session
) -> None:
    token = first_token(server, http)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    for position in (0, len(token) // 2, len(token.rstrip("=")) - 1):
        flipped = alphabet[(alphabet.index(token[position]) + 1) % 64]
        forged = token[:position] + flipped + token[position + 1 :]
        assert_query_error(list_orders(server, http, offset=forged), "offset")


@pytest.mark.parametrize("cut", [1, 4, 10])
def test_truncated_offset_is_422(server: SandboxServer, http: requests.Session, cut: int) -> None:
    token = first_token(server, http)
    assert_query_error(list_orders(server, http, offset=token[:-cut]), "offset")


def test_unencoded_plus_in_offset_is_422(server: SandboxServer, http: requests.Session) -> None:
    _, tokens = walk(server, http, per_page=15)
    token = next(t for t in tokens if "+" in t)
    # A client that forgets to URL-encode sends "+" raw; the server reads it as a space.
    raw = http.get(
        f"{server.url}/v3/orders?per_page=15&offset={token}",
        headers={"x-api-key": DEMO_KEY},
        timeout=10,
    )
    assert_query_error(raw, "offset")
    encoded = list_orders(server, http, per_page=15, offset=token)
    assert encoded.status_code == 200


@pytest.mark.parametrize(
    ("issued", "used"),
    [
        ({"sort": "name"}, {"sort": "-date"}),
        ({}, {"sort": "date"}),
        ({"q": "oak"}, {"q": "elm"}),
        ({"q": "oak"}, {}),
        ({}, {"q": "oak"}),
    ],
)
def test_offset_from_another_query_is_422(
    server: SandboxServer, http: requests.Session, issued: dict[str, str], used: dict[str, str]
) -> None:
    token = first_token(server, http, per_page=1, **issued)
    assert_query_error(list_orders(server, http, per_page=1, offset=token, **used), "offset")


def test_per_page_may_change_between_pages(server: SandboxServer, http: requests.Session) -> None:
    token = first_token(server, http, per_page=2)
    body = list_orders(server, http, per_page=4, offset=token).json()
    assert [o["order_id"] for o in body["orders"]] == [
        o["order_id"] for o in server.app.orders[2:6]
    ]


# -- listing: sort and q --------------------------------------------------------


@pytest.mark.parametrize("sort", SORTS)
def test_each_sort_walks_every_order_in_the_documented_order(
    server: SandboxServer, http: requests.Session, sort: str
) -> None:
    ids, _ = walk(server, http, per_page=7, sort=sort)
    assert ids == expected_order(server.app.orders, sort)


def test_default_sort_is_minus_date(server: SandboxServer, http: requests.Session) -> None:
    # Ids, not whole bodies: the live orders may move on between the two calls.
    default = list_orders(server, http, per_page=15).json()
    explicit = list_orders(server, http, per_page=15, sort="-date").json()
    assert [o["order_id"] for o in default["orders"]] == [o["order_id"] for o in explicit["orders"]]
    assert default["pagination"] == explicit["pagination"]


def test_null_names_come_last_in_both_name_sorts(
    server: SandboxServer, http: requests.Session
) -> None:
    nulls = {o["order_id"] for o in server.app.orders if o["name"] is None}
    assert nulls
    for sort in ("name", "-name"):
        ids, _ = walk(server, http, per_page=15, sort=sort)
        assert set(ids[-len(nulls) :]) == nulls


def test_q_is_a_case_insensitive_substring_of_the_name(
    server: SandboxServer, http: requests.Session
) -> None:
    ids, _ = walk(server, http, per_page=2, q="HARBOUR view")
    expected = [
        o["order_id"]
        for o in server.app.orders
        if o["name"] and "harbour view" in o["name"].lower()
    ]
    assert len(expected) >= 3
    assert ids == expected


def test_q_with_sort_pages_consistently(server: SandboxServer, http: requests.Session) -> None:
    ids, _ = walk(server, http, per_page=3, q="e", sort="name")
    matching = [o for o in server.app.orders if o["name"] and "e" in o["name"].casefold()]
    assert ids == expected_order(matching, "name")


def test_q_without_match_is_an_empty_last_page(
    server: SandboxServer, http: requests.Session
) -> None:
    body = list_orders(server, http, q="no such property anywhere").json()
    assert body == {"orders": [], "pagination": {"next_offset": None, "per_page": 5}}


def test_empty_q_does_not_filter(server: SandboxServer, http: requests.Session) -> None:
    assert list_orders(server, http, q="").json() == list_orders(server, http).json()


def test_q_matches_markup_literally(server: SandboxServer, http: requests.Session) -> None:
    body = list_orders(server, http, q="<script>").json()
    assert [o["name"] for o in body["orders"]] == ["<script>alert('x')</script> Loft"]


# -- auth -----------------------------------------------------------------------


def test_listing_without_key_is_401(server: SandboxServer, http: requests.Session) -> None:
    assert_error(list_orders(server, http, key=None), 401)


def test_listing_with_wrong_key_is_401_and_never_echoes_it(
    server: SandboxServer, http: requests.Session
) -> None:
    response = list_orders(server, http, key="wrong-key-123")
    assert_error(response, 401)
    assert "wrong-key-123" not in response.text


def test_listing_with_empty_key_is_401(server: SandboxServer, http: requests.Session) -> None:
    assert_error(list_orders(server, http, key=""), 401)


@pytest.mark.parametrize("kind", ["order", "image", "preview"])
def test_keyless_endpoints_accept_no_key_but_refuse_a_wrong_one(
    server: SandboxServer, http: requests.Session, kind: str
) -> None:
    image = some_image(server, status="processed")
    path = {
        "order": f"/v3/orders/{image['order_id']}",
        "image": f"/v3/images/{image['image_id']}",
        "preview": f"/v3/images/{image['image_id']}/preview",
    }[kind]
    assert http.get(server.url + path, timeout=10).status_code == 200
    assert (
        http.get(server.url + path, headers={"x-api-key": DEMO_KEY}, timeout=10).status_code == 200
    )
    assert_error(http.get(server.url + path, headers={"x-api-key": "nope"}, timeout=10), 401)


# -- errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/v3/orders/00000000-0000-4000-8000-000000000000",
        "/v3/orders/listing-9999-999",
        "/v3/orders/a%20b",
    ],
)
def test_unknown_order_is_404(server: SandboxServer, http: requests.Session, path: str) -> None:
    assert_error(http.get(server.url + path, timeout=10), 404)


def test_unknown_image_is_404(server: SandboxServer, http: requests.Session) -> None:
    assert_error(
        http.get(server.url + "/v3/images/00000000-0000-4000-8000-000000000000", timeout=10), 404
    )
    assert_error(
        http.get(
            server.url + "/v3/images/00000000-0000-4000-8000-000000000000/preview", timeout=10
        ),
        404,
    )


@pytest.mark.parametrize(
    "path", ["/", "/v2/orders", "/v3/order", "/v3/orders/x/y", "/v3/images/x/original"]
)
def test_unknown_path_is_404_json(server: SandboxServer, http: requests.Session, path: str) -> None:
    body = assert_error(
        http.get(server.url + path, headers={"x-api-key": DEMO_KEY}, timeout=10), 404
    )
    assert body["message"] == "Not Found"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "HEAD"])
def test_other_methods_on_api_paths_are_405_json(
    server: SandboxServer, http: requests.Session, method: str
) -> None:
    order_id = server.app.orders[7]["order_id"]
    response = http.request(
        method, f"{server.url}/v3/orders/{order_id}", headers={"x-api-key": DEMO_KEY}, timeout=10
    )
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
    if method != "HEAD":
        assert_error(response, 405)


# -- one order, one image -------------------------------------------------------


def test_order_detail_matches_the_listing(server: SandboxServer, http: requests.Session) -> None:
    listed = list_orders(server, http, per_page=15).json()["orders"]
    for order in listed:
        if order["order_id"] in server.app.notable["live"]:
            continue
        detail = http.get(f"{server.url}/v3/orders/{order['order_id']}", timeout=10).json()
        assert detail == order


def test_custom_ids_are_served(server: SandboxServer, http: requests.Session) -> None:
    for order_id in server.app.notable["custom_id"]:
        detail = http.get(f"{server.url}/v3/orders/{order_id}", timeout=10).json()
        assert detail["order_id"] == order_id


def image_ids(response: requests.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [image["image_id"] for image in response.json()["images"]]


def test_sort_images_by(server: SandboxServer, http: requests.Session) -> None:
    order = server.app.find_order(server.app.notable["big"][0])
    assert order is not None
    url = f"{server.url}/v3/orders/{order['order_id']}"
    stored = [image["image_id"] for image in order["images"]]
    assert image_ids(http.get(url, timeout=10)) == stored
    assert image_ids(http.get(url, params={"sort_images_by": "custom"}, timeout=10)) == stored
    by_date = sorted(order["images"], key=lambda i: (i["date_added"], i["image_id"]))
    assert image_ids(http.get(url, params={"sort_images_by": "date_added"}, timeout=10)) == [
        i["image_id"] for i in by_date
    ]
    newest = image_ids(http.get(url, params={"sort_images_by": "-date_added"}, timeout=10))
    assert newest == [i["image_id"] for i in by_date][::-1]
    assert stored != [i["image_id"] for i in by_date], "custom order differs from date order"
    names = http.get(url, params={"sort_images_by": "name"}, timeout=10).json()["images"]
    folded = [(i["image_name"] or "").casefold() for i in names if i["image_name"] is not None]
    assert folded == sorted(folded)
    reverse = http.get(url, params={"sort_images_by": "-name"}, timeout=10).json()["images"]
    folded = [(i["image_name"] or "").casefold() for i in reverse if i["image_name"] is not None]
    assert folded == sorted(folded, reverse=True)


@pytest.mark.parametrize("value", ["date", "", "NAME", "random"])
def test_bad_sort_images_by_is_422(
    server: SandboxServer, http: requests.Session, value: str
) -> None:
    order_id = server.app.orders[7]["order_id"]
    response = http.get(
        f"{server.url}/v3/orders/{order_id}", params={"sort_images_by": value}, timeout=10
    )
    assert_query_error(response, "sort_images_by")


def test_image_detail(server: SandboxServer, http: requests.Session) -> None:
    image = some_image(server, status="error")
    body = http.get(f"{server.url}/v3/images/{image['image_id']}", timeout=10).json()
    assert body == image


# -- previews -------------------------------------------------------------------


def fetch_preview(
    server: SandboxServer, http: requests.Session, image_id: str, **params: Any
) -> requests.Response:
    return http.get(f"{server.url}/v3/images/{image_id}/preview", params=params, timeout=10)


def test_preview_is_a_cacheable_jpeg(server: SandboxServer, http: requests.Session) -> None:
    first, second = [
        i for o in server.app.orders[6:9] for i in o["images"] if i["status"] == "processed"
    ][:2]
    responses = [fetch_preview(server, http, image["image_id"]) for image in (first, second)]
    for response in responses:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "image/jpeg"
        assert response.headers["Cache-Control"] == "public, max-age=86400"
        assert response.headers["ETag"].startswith('"')
        picture = Image.open(io.BytesIO(response.content))
        picture.load()
        assert picture.format == "JPEG" and picture.size == (640, 426)
        assert len(response.content) < 25_000
    assert responses[0].content != responses[1].content
    assert responses[0].headers["ETag"] != responses[1].headers["ETag"]


def test_preview_revalidates_with_etag(server: SandboxServer, http: requests.Session) -> None:
    image_id = some_image(server, status="processed")["image_id"]
    etag = fetch_preview(server, http, image_id).headers["ETag"]
    response = http.get(
        f"{server.url}/v3/images/{image_id}/preview", headers={"If-None-Match": etag}, timeout=10
    )
    assert response.status_code == 304
    assert response.content == b""


def test_preview_head(server: SandboxServer, http: requests.Session) -> None:
    image_id = some_image(server, status="processed")["image_id"]
    response = http.head(f"{server.url}/v3/images/{image_id}/preview", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert int(response.headers["Content-Length"]) == len(
        fetch_preview(server, http, image_id).content
    )


def test_waiting_images_have_no_preview(server: SandboxServer, http: requests.Session) -> None:
    image = some_image(server, status="waiting")
    assert_error(fetch_preview(server, http, image["image_id"]), 404)


def test_upload_errors_have_no_preview_but_enhance_errors_do(
    server: SandboxServer, http: requests.Session
) -> None:
    upload = some_image(server, status="error", reason="Upload incomplete")
    assert_error(fetch_preview(server, http, upload["image_id"]), 404)
    enhance = some_image(
        server, status="error", reason="Bracket merge failed: exposures are misaligned"
    )
    assert fetch_preview(server, http, enhance["image_id"]).status_code == 200


def test_preview_redirect_on_request(server: SandboxServer, http: requests.Session) -> None:
    image_id = some_image(server, status="processed")["image_id"]
    response = fetch_preview(server, http, image_id, redirect=1)
    assert response.status_code == 200
    assert [r.status_code for r in response.history] == [302]
    assert response.history[0].headers["Location"] == f"{server.url}/files/previews/{image_id}.jpg"
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.content == fetch_preview(server, http, image_id).content


def test_file_host_ignores_the_key(server: SandboxServer, http: requests.Session) -> None:
    image_id = some_image(server, status="processed")["image_id"]
    response = http.get(
        f"{server.url}/files/previews/{image_id}.jpg", headers={"x-api-key": "other"}, timeout=10
    )
    assert response.status_code == 200


def test_watermark_is_a_different_jpeg(server: SandboxServer, http: requests.Session) -> None:
    image_id = some_image(server, status="processed")["image_id"]
    response = http.get(f"{server.url}/v3/images/{image_id}/watermark", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/jpeg"
    assert response.content != fetch_preview(server, http, image_id).content


def test_preview_redirect_server() -> None:
    with (
        SandboxServer(now=FIXED_NOW, preview_redirect=True) as redirecting,
        requests.Session() as http,
    ):
        image_id = some_image(redirecting, status="processed")["image_id"]
        response = fetch_preview(redirecting, http, image_id)
        assert response.history and response.history[0].status_code == 302
        assert response.url == f"{redirecting.url}/files/previews/{image_id}.jpg"
        Image.open(io.BytesIO(response.content)).load()
