from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from orders import client as api_client

ROOT = Path(__file__).resolve().parent.parent


def team_pages(sandbox) -> list[str]:
    order = next(o for o in sandbox.app.orders if o.get("order_id") and o["images"])
    return [
        "/orders/",
        f"/orders/{order['order_id']}/",
        f"/orders/{order['order_id']}/images/{order['images'][0]['image_id']}/",
        "/orders/no-such-order/",
        "/nowhere/",
    ]


def csp_directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in policy.split(";")
        if part.strip()
    }


def test_team_pages_send_a_strict_content_security_policy(client, sandbox):
    for path in team_pages(sandbox):
        response = client.get(path)
        policy = response["Content-Security-Policy"]
        directives = csp_directives(response)
        assert "script-src 'self'" in policy, path
        assert directives["script-src"] == "'self'", path
        assert "unsafe-inline" not in policy, path
        assert "unsafe-eval" not in policy, path
        assert directives["default-src"] == "'none'", path
        assert directives["frame-ancestors"] == "'none'", path
        assert directives["object-src"] == "'none'", path


def test_pages_have_no_inline_script_the_policy_would_block(client, anonymous, sandbox):
    bodies = [client.get(path).content.decode() for path in team_pages(sandbox)]
    bodies.append(anonymous.get("/login/").content.decode())
    for body in bodies:
        assert "<script>" not in body
        assert " onclick=" not in body and " onload=" not in body
        assert 'style="' not in body
        for tag in body.split("<script")[1:]:
            assert " src=" in tag.split(">", 1)[0]


@pytest.mark.parametrize("who", ["client", "anonymous"])
def test_every_page_forbids_sniffing_and_framing(request, db, sandbox, who):
    viewer = request.getfixturevalue(who)
    for path in [*team_pages(sandbox), "/login/", "/healthz"]:
        response = viewer.get(path)
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["X-Frame-Options"] == "DENY", path
        assert "Content-Security-Policy" in response, path


def test_team_pages_send_a_referrer_only_to_the_dashboard_itself(client, anonymous, sandbox):
    """Never to another site; the share pages send none at all (see test_share_links)."""
    responses = [client.get(path) for path in team_pages(sandbox)]
    responses.append(anonymous.get("/login/"))
    for response in responses:
        assert response["Referrer-Policy"] == "same-origin"


def test_the_session_cookie_is_out_of_reach_of_scripts(anonymous, teammate):
    response = anonymous.post("/login/", {"username": teammate.username, "password": "pw-Sam-123!"})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


# Production settings ---------------------------------------------------------------


def production_env(**env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AUTOENHANCE_"))}
    clean.pop("DATABASE_URL", None)
    return clean | {
        "DJANGO_SETTINGS_MODULE": "dashboard.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64)[:50],
        "DJANGO_ALLOWED_HOSTS": "dash.example.com",
        **env,
    }


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


HTTPS_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    "s.SECURE_HSTS_SECONDS)"
)


def test_the_deploy_check_finds_nothing_to_warn_about():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_would_warn_about_a_weak_secret_key():
    """The check above can fail: the same run with a poor key does."""
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SECRET_KEY="short",
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def test_production_turns_every_https_measure_on():
    result = run(["-c", HTTPS_SETTINGS])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "31536000"]


def test_https_false_turns_them_all_off():
    result = run(["-c", HTTPS_SETTINGS], DJANGO_HTTPS="false")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "False", "0"]


def test_debug_turns_them_all_off():
    result = run(["-c", HTTPS_SETTINGS], DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "False", "0"]


def test_production_csp_allows_no_eval():
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(' '.join(s.SECURE_CSP['script-src']))"
    )
    result = run(["-c", probe])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "'self'"


# Errors ---------------------------------------------------------------------------


def test_a_crash_shows_a_plain_error_page_without_internals(client, settings, monkeypatch):
    settings.DEBUG = False

    def explode(**kwargs):
        raise RuntimeError("internal detail: db password hunter2 at /srv/app/orders/views.py")

    monkeypatch.setattr(api_client, "list_orders", explode)
    client.raise_request_exception = False
    response = client.get("/orders/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in body
    assert "Traceback" not in body
    assert "SECRET_KEY" not in body
    assert settings.SECRET_KEY not in body
    assert "hunter2" not in body
    assert "RuntimeError" not in body
    assert "views.py" not in body
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response


def test_an_unknown_address_is_a_plain_404(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body
    assert "URLconf" not in body
    assert "dashboard.urls" not in body
