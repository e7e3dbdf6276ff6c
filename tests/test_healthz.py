from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db.utils import OperationalError

from orders import views

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_signing_in(anonymous):
    response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_does_not_call_the_api_unless_asked(anonymous, sandbox):
    anonymous.get("/healthz")
    assert sandbox.app.requests_seen == []


def test_healthz_can_check_the_api_too(anonymous, sandbox):
    response = anonymous.get("/healthz?upstream=1")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "upstream": "ok"}
    assert len(sandbox.app.requests_seen) == 1


@pytest.mark.parametrize("fault", ["500", "503", "not-json", "wrong-shape"])
def test_a_failing_api_is_a_503_that_says_only_error(anonymous, sandbox, fault):
    sandbox.app.faults.force(fault)
    response = anonymous.get("/healthz?upstream=1")
    body = response.content.decode()
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "upstream": "error"}
    assert sandbox.url not in body
    assert "127.0.0.1" not in body
    assert "Autoenhance" not in body
    assert "HTTP" not in body


def test_an_unreachable_api_is_a_503_without_its_address(anonymous, settings):
    settings.AUTOENHANCE_API_URL = "http://127.0.0.1:9"
    settings.AUTOENHANCE_RETRIES = 0
    response = anonymous.get("/healthz?upstream=1")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "upstream": "error"}
    assert "127.0.0.1" not in response.content.decode()


def test_a_database_that_is_down_is_a_503(anonymous, monkeypatch):
    def refuse() -> None:
        raise OperationalError("unable to open database file /var/lib/dashboard/db.sqlite3")

    monkeypatch.setattr(views, "connection", SimpleNamespace(ensure_connection=refuse))
    response = anonymous.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}
    assert "sqlite" not in response.content.decode()


def test_healthz_is_exempt_from_the_https_redirect(anonymous, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert anonymous.get("/healthz").status_code == 200
    # ...while every other address is sent to HTTPS.
    response = anonymous.get("/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login/"


def test_only_healthz_itself_is_exempt(anonymous, settings):
    settings.SECURE_SSL_REDIRECT = True
    for path in ["/healthz/", "/healthzx", "/orders/healthz"]:
        response = anonymous.get(path)
        assert response.status_code == 301, path
        assert response["Location"].startswith("https://"), path


def test_healthz_is_get_only(anonymous):
    assert anonymous.post("/healthz").status_code == 405


def test_the_upstream_check_is_made_at_most_every_few_seconds(anonymous, sandbox):
    for _ in range(5):
        assert anonymous.get("/healthz?upstream=1").json()["upstream"] == "ok"
    assert len([r for r in sandbox.app.requests_seen if r.path.startswith("/v3/")]) == 1
