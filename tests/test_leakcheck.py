"""The suite-wide key check (tests/leakcheck.py) can fail, and the pages it
watches never hold the key."""

from __future__ import annotations

import logging
import secrets

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from orders import client as api_client
from orders.client import ApiError
from tests import leakcheck


@pytest.fixture
def key(settings) -> str:
    """A key the dashboard is configured with for this test only."""
    settings.AUTOENHANCE_API_KEY = "ae_live_" + secrets.token_hex(20)
    return settings.AUTOENHANCE_API_KEY


def through_middleware(response: HttpResponse) -> None:
    middleware = leakcheck.KeyLeakMiddleware(lambda request: response)
    middleware(RequestFactory().get("/orders/leaky/"))


def noted_and_cleared() -> list[str]:
    """What the check noted, cleared so the autouse fixture doesn't fail this test."""
    noted = list(leakcheck.leaks)
    leakcheck.leaks.clear()
    return noted


def test_a_response_body_holding_the_key_is_noted(key):
    through_middleware(HttpResponse(f"<p>your key is {key}</p>"))
    assert noted_and_cleared() == ["body of /orders/leaky/"]


def test_a_response_header_holding_the_key_is_noted(key):
    response = HttpResponse("fine")
    response["X-Debug"] = f"key={key}"
    through_middleware(response)
    assert noted_and_cleared() == ["header X-Debug of /orders/leaky/"]


def test_a_clean_response_is_not_noted(key):
    through_middleware(HttpResponse(f"<p>{key[:-1]}</p>"))
    assert noted_and_cleared() == []


def test_a_streaming_response_passes_untouched(key):
    streamed = StreamingHttpResponse(iter([b"chunk"]))
    through_middleware(streamed)
    assert b"".join(streamed.streaming_content) == b"chunk"
    assert noted_and_cleared() == []


def test_a_log_record_holding_the_key_is_noted(key):
    handler = leakcheck.KeyLeakLogHandler()
    record = logging.LogRecord(
        "orders.client", logging.INFO, __file__, 1, "sent x-api-key %s", (key,), None
    )
    handler.emit(record)
    assert noted_and_cleared() == ["log line from orders.client: INFO"]


def test_the_handler_is_wired_into_the_projects_logging(key):
    logging.getLogger("orders.client").info("calling with %s", key)
    logging.getLogger("django.request").warning("header was %s", key)
    noted = noted_and_cleared()
    assert "log line from orders.client: INFO" in noted
    assert "log line from django.request: WARNING" in noted


def test_the_middleware_is_wired_into_the_dashboard(client, key, monkeypatch):
    def leaky(**kwargs):
        raise ApiError(f"The API said: bad key {key}")

    monkeypatch.setattr(api_client, "list_orders", leaky)
    response = client.get("/orders/")
    assert key in response.content.decode()
    assert "body of /orders/" in noted_and_cleared()


# The pages it watches -------------------------------------------------------------


def test_a_normal_page_never_holds_the_key(client, sandbox):
    response = client.get("/orders/")
    assert response.status_code == 200
    assert sandbox.app.requests_seen[-1].headers["x-api-key"] == sandbox.key
    assert sandbox.key not in response.content.decode()
    assert leakcheck.leaks == []


def test_an_error_page_never_holds_the_key(client, sandbox):
    sandbox.app.faults.force("500")
    response = client.get("/orders/")
    assert response.status_code == 502
    assert sandbox.app.requests_seen[-1].headers["x-api-key"] == sandbox.key
    assert sandbox.key not in response.content.decode()
    assert leakcheck.leaks == []


def test_a_refused_key_is_named_but_never_shown(client, sandbox, key):
    response = client.get("/orders/")
    body = response.content.decode()
    assert sandbox.app.requests_seen[-1].headers["x-api-key"] == key
    assert response.status_code == 502
    assert "AUTOENHANCE_API_KEY" in body
    assert key not in body
    assert key[:12] not in body
    assert sandbox.key not in body
    assert leakcheck.leaks == []


def test_a_refused_key_on_an_order_page_is_named_but_never_shown(client, sandbox, key):
    order = sandbox.app.orders[5]
    response = client.get(f"/orders/{order['order_id']}/")
    body = response.content.decode()
    assert "AUTOENHANCE_API_KEY" in body
    assert key not in body
    assert leakcheck.leaks == []
