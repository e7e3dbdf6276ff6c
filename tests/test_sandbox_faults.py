"""Faults and latency do what they promise, expire when told, and never slow a shutdown."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import requests

from orders.sandbox import DEMO_KEY, SandboxApp, SandboxServer

FIXED_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
HEADERS = {"x-api-key": DEMO_KEY}


@pytest.fixture(scope="module")
def module_server() -> Iterator[SandboxServer]:
    with SandboxServer(now=FIXED_NOW, hang_seconds=0.4) as running:
        yield running


@pytest.fixture
def server(module_server: SandboxServer) -> Iterator[SandboxServer]:
    module_server.app.faults.clear()
    yield module_server
    module_server.app.faults.clear()


def orders(server: SandboxServer, **kwargs: object) -> requests.Response:
    return requests.get(server.url + "/v3/orders", headers=HEADERS, timeout=10, **kwargs)  # type: ignore[arg-type]


def test_forced_500_is_json(server: SandboxServer) -> None:
    server.app.faults.force("500")
    response = orders(server)
    assert response.status_code == 500
    assert response.json()["message"]


def test_forced_502_is_an_html_gateway_page(server: SandboxServer) -> None:
    server.app.faults.force("502")
    response = orders(server)
    assert response.status_code == 502
    assert response.headers["Content-Type"] == "text/html"
    assert "<html>" in response.text


def test_forced_503_is_plain_text(server: SandboxServer) -> None:
    server.app.faults.force("503")
    response = orders(server)
    assert response.status_code == 503
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_forced_429_with_and_without_retry_after(server: SandboxServer) -> None:
    server.app.faults.force("429", times=1, retry_after=3)
    limited = orders(server)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3"
    server.app.faults.force("429", times=1)
    bare = orders(server)
    assert bare.status_code == 429 and "Retry-After" not in bare.headers


def test_not_json_is_200_html(server: SandboxServer) -> None:
    server.app.faults.force("not-json")
    response = orders(server)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    with pytest.raises(requests.JSONDecodeError):
        response.json()


def test_truncated_body_breaks_the_read(server: SandboxServer) -> None:
    server.app.faults.force("truncated", times=1)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        orders(server)
    assert orders(server).status_code == 200


def test_truncated_streamed_body_is_half_of_what_was_promised(server: SandboxServer) -> None:
    server.app.faults.force("truncated", times=1)
    with orders(server, stream=True) as response:
        assert (
            response.status_code == 200 and response.headers["Content-Type"] == "application/json"
        )
        promised = int(response.headers["Content-Length"])
        received = b""
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            for chunk in response.iter_content(4096):
                received += chunk
    assert 0 < len(received) < promised
    with pytest.raises(json.JSONDecodeError):
        json.loads(received)


def test_wrong_shape_is_valid_json_of_the_wrong_shape(server: SandboxServer) -> None:
    server.app.faults.force("wrong-shape")
    listing = orders(server)
    assert listing.status_code == 200 and not isinstance(listing.json()["orders"], list)
    order_id = server.app.orders[7]["order_id"]
    detail = requests.get(f"{server.url}/v3/orders/{order_id}", timeout=10)
    assert detail.status_code == 200 and isinstance(detail.json(), list)


def test_reset_drops_the_connection_without_a_response(server: SandboxServer) -> None:
    server.app.faults.force("reset", times=1)
    with requests.Session() as session:
        with pytest.raises(requests.exceptions.ConnectionError):
            session.get(server.url + "/v3/orders", headers=HEADERS, timeout=10)
        assert (
            session.get(server.url + "/v3/orders", headers=HEADERS, timeout=10).status_code == 200
        )


def test_hang_answers_normally_after_hang_seconds(server: SandboxServer) -> None:
    server.app.faults.force("hang", times=1)
    started = time.monotonic()
    response = orders(server)
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.4


def test_hang_trips_a_client_timeout(server: SandboxServer) -> None:
    server.app.faults.force("hang", times=1)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(server.url + "/v3/orders", headers=HEADERS, timeout=(1, 0.1))


def test_clear_releases_a_hanging_request() -> None:
    with SandboxServer(now=FIXED_NOW, hang_seconds=30) as server:
        server.app.faults.force("hang")
        results: list[int] = []
        caller = threading.Thread(target=lambda: results.append(orders(server).status_code))
        started = time.monotonic()
        caller.start()
        time.sleep(0.2)
        server.app.faults.clear()
        caller.join(5)
        assert results == [200]
        assert time.monotonic() - started < 3


def test_stop_does_not_wait_for_a_hanging_request() -> None:
    server = SandboxServer(now=FIXED_NOW, hang_seconds=30).start()
    server.app.faults.force("hang")
    errors: list[BaseException] = []

    def call() -> None:
        try:
            orders(server)
        except requests.RequestException as exc:
            errors.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    time.sleep(0.2)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 2
    caller.join(5)
    assert not caller.is_alive()
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(server.url + "/v3/orders", timeout=2)


def test_times_expires(server: SandboxServer) -> None:
    server.app.faults.force("500", times=2)
    assert [orders(server).status_code for _ in range(4)] == [500, 500, 200, 200]


def test_latest_forced_fault_wins_while_it_lasts(server: SandboxServer) -> None:
    server.app.faults.force("503")
    server.app.faults.force("429", times=1)
    assert [orders(server).status_code for _ in range(3)] == [429, 503, 503]


def test_clear_ends_forced_faults(server: SandboxServer) -> None:
    server.app.faults.force("500")
    assert orders(server).status_code == 500
    server.app.faults.clear()
    assert orders(server).status_code == 200


def test_path_prefix_limits_a_fault(server: SandboxServer) -> None:
    image_id = server.app.orders[7]["images"][0]["image_id"]
    server.app.faults.force("502", path_prefix="/v3/images/")
    assert orders(server).status_code == 200
    assert requests.get(f"{server.url}/v3/images/{image_id}", timeout=10).status_code == 502
    assert requests.get(f"{server.url}/v3/images/{image_id}/preview", timeout=10).status_code == 502


def test_faults_come_before_auth(server: SandboxServer) -> None:
    server.app.faults.force("503", times=1)
    assert requests.get(server.url + "/v3/orders", timeout=10).status_code == 503


def test_latency_applies_to_every_request(server: SandboxServer) -> None:
    server.app.faults.set_latency(200)
    for path in ("/v3/orders", "/nowhere"):
        started = time.monotonic()
        requests.get(server.url + path, headers=HEADERS, timeout=10)
        assert time.monotonic() - started >= 0.2


def test_jitter_stays_within_bounds(server: SandboxServer) -> None:
    server.app.faults.set_latency(50, jitter_ms=100)
    for _ in range(5):
        started = time.monotonic()
        orders(server)
        assert 0.05 <= time.monotonic() - started < 5


def test_latency_from_the_constructor() -> None:
    with SandboxServer(now=FIXED_NOW, latency_ms=150) as server:
        started = time.monotonic()
        orders(server)
        assert time.monotonic() - started >= 0.15


def test_fault_rate_one_always_fails(server: SandboxServer) -> None:
    server.app.faults.set_fault_rate(1.0)
    assert {orders(server).status_code for _ in range(20)} <= {500, 502, 503}


def test_fault_rate_with_chosen_kinds(server: SandboxServer) -> None:
    server.app.faults.set_fault_rate(1.0, kinds=("429",))
    assert {orders(server).status_code for _ in range(5)} == {429}


def test_fault_rate_spares_the_file_host(server: SandboxServer) -> None:
    image_id = next(
        i["image_id"] for i in server.app.orders[7]["images"] if i["status"] == "processed"
    )
    server.app.faults.set_fault_rate(1.0)
    assert (
        requests.get(f"{server.url}/files/previews/{image_id}.jpg", timeout=10).status_code == 200
    )


def test_partial_fault_rate_fails_some() -> None:
    with SandboxServer(now=FIXED_NOW, fault_rate=0.5) as server:
        statuses = [orders(server).status_code for _ in range(40)]
    assert 200 in statuses and set(statuses) - {200} <= {500, 502, 503} and len(set(statuses)) > 1


def test_clear_turns_off_latency_and_fault_rate(server: SandboxServer) -> None:
    server.app.faults.set_latency(10_000)
    server.app.faults.set_fault_rate(1.0)
    server.app.faults.clear()
    started = time.monotonic()
    assert orders(server).status_code == 200
    assert time.monotonic() - started < 5


def test_faulted_requests_are_recorded(server: SandboxServer) -> None:
    server.app.reset_counters()
    server.app.faults.force("500", times=1)
    orders(server)
    orders(server)
    assert [r.path for r in server.app.requests_seen] == ["/v3/orders", "/v3/orders"]
    server.app.reset_counters()
    assert server.app.requests_seen == [] and server.app.connections_seen == set()


@pytest.mark.parametrize(
    "call",
    [
        lambda f: f.force("418"),
        lambda f: f.force("500", times=0),
        lambda f: f.set_latency(-1),
        lambda f: f.set_fault_rate(1.5),
        lambda f: f.set_fault_rate(0.5, kinds=("boom",)),
    ],
)
def test_bad_fault_settings_are_refused(call: object) -> None:
    app = SandboxApp(now=FIXED_NOW)
    with pytest.raises(ValueError):
        call(app.faults)  # type: ignore[operator]


def test_server_can_be_built_from_an_app() -> None:
    app = SandboxApp(now=FIXED_NOW, key="another-key")
    with SandboxServer(app) as server:
        assert server.app is app and server.key == "another-key"
        assert orders(server).status_code == 401
        assert requests.get(
            server.url + "/v3/orders", headers={"x-api-key": "another-key"}, timeout=10
        ).ok
    with pytest.raises(TypeError):
        SandboxServer(app, seed=3)
