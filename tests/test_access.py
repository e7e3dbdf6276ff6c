from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from orders.access import ensure_demo_account
from orders.models import ShareLink

PASSWORD = "pw-Sam-123!"  # the `teammate` fixture's

pytestmark = pytest.mark.django_db


TEAM_PAGES = [
    "/orders/",
    "/orders/?q=oak&sort=name",
    "/orders/{order}/",
    "/orders/{order}/images/{image}/",
    "/orders/go/?id=x",
    "/orders/{order}/live/",
]


def an_order(sandbox) -> dict:
    return next(o for o in sandbox.app.orders if o.get("order_id") and o["images"])


def page(template: str, sandbox) -> str:
    order = an_order(sandbox)
    return template.format(order=order["order_id"], image=order["images"][0]["image_id"])


def login_redirect_next(response) -> str:
    """The `next` of a redirect to the sign-in page; fails if it goes anywhere else."""
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/login/"
    return parse_qs(location.query)["next"][0]


@pytest.mark.parametrize("template", TEAM_PAGES)
def test_every_team_page_sends_a_stranger_to_sign_in_and_back(anonymous, sandbox, template):
    path = page(template, sandbox)
    assert login_redirect_next(anonymous.get(path)) == path
    assert sandbox.app.requests_seen == []


def test_an_htmx_request_from_a_stranger_gets_a_401_and_an_hx_redirect(anonymous, sandbox):
    response = anonymous.get(
        "/orders/?q=oak&offset=abc",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/orders/?q=oak",
    )
    body = response.content.decode()
    assert response.status_code == 401
    assert response["HX-Redirect"] == "/login/?next=%2Forders%2F%3Fq%3Doak"
    assert "<form" not in body
    assert "password" not in body.lower()
    assert "Sign in again" in body


@pytest.mark.parametrize("template", TEAM_PAGES)
def test_every_team_page_answers_htmx_with_a_401_not_a_login_form(anonymous, sandbox, template):
    path = page(template, sandbox)
    response = anonymous.get(path, HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert "<form" not in response.content.decode()
    assert response["HX-Redirect"] == "/login/?" + urlencode({"next": path})


def test_without_a_current_url_htmx_returns_to_the_requested_address(anonymous):
    response = anonymous.get("/orders/?q=pine", HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert response["HX-Redirect"] == "/login/?next=%2Forders%2F%3Fq%3Dpine"


def test_a_current_url_on_another_site_is_never_the_way_back(anonymous):
    response = anonymous.get(
        "/orders/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="https://evil.example/orders/",
    )
    assert response.status_code == 401
    assert response["HX-Redirect"] == "/login/?next=%2Forders%2F"
    assert "evil" not in response["HX-Redirect"]


def test_a_preview_for_a_stranger_is_a_403_not_a_redirect(anonymous, sandbox):
    response = anonymous.get(page("/orders/{order}/images/{image}/preview/", sandbox))
    assert response.status_code == 403
    assert "Location" not in response
    assert not response["Content-Type"].startswith("image/")
    assert "<form" not in response.content.decode()
    assert sandbox.app.requests_seen == []


def test_a_stranger_cannot_create_a_share_link(anonymous, sandbox):
    order_id = sandbox.app.orders[5]["order_id"]
    response = anonymous.post(f"/orders/{order_id}/share/", {"days": "7"})
    assert login_redirect_next(response) == f"/orders/{order_id}/share/"
    assert not ShareLink.objects.exists()
    assert "/s/" not in response.content.decode()


def test_a_stranger_cannot_revoke_a_share_link(anonymous, teammate):
    link, _token = ShareLink.create(order_id="order-a", order_name="A", days=7, user=teammate)
    path = f"/orders/order-a/share/{link.pk}/revoke/"
    assert login_redirect_next(anonymous.post(path)) == path
    response = anonymous.post(path, HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert "Link revoked" not in response.content.decode()
    link.refresh_from_db()
    assert link.revoked_at is None


def test_the_sign_in_page_renders_for_a_stranger(anonymous):
    response = anonymous.get("/login/?next=/orders/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in body
    assert 'name="password"' in body
    assert 'name="next" value="/orders/"' in body
    assert "Sign out" not in body


def test_a_signed_in_teammate_sees_their_name_and_a_sign_out_button(client, sandbox, teammate):
    body = client.get("/orders/").content.decode()
    assert "Signed in as" in body
    assert teammate.get_username() in body
    assert 'action="/logout/"' in body
    assert '<button type="submit" class="button button-small">Sign out</button>' in body


def test_signing_in_returns_to_next(anonymous, teammate, sandbox):
    response = anonymous.post(
        "/login/",
        {"username": teammate.username, "password": PASSWORD, "next": "/orders/?q=oak"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/orders/?q=oak"
    assert anonymous.get("/orders/?q=oak").status_code == 200


def test_signing_in_without_next_lands_on_the_orders_list(anonymous, teammate):
    response = anonymous.post("/login/", {"username": teammate.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/orders/"


def test_a_next_on_another_site_is_ignored(anonymous, teammate):
    response = anonymous.post(
        "/login/",
        {"username": teammate.username, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/orders/"


def test_a_wrong_password_shows_an_error_and_signs_nobody_in(anonymous, teammate):
    response = anonymous.post("/login/", {"username": teammate.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()
    assert login_redirect_next(anonymous.get("/orders/")) == "/orders/"


def test_a_signed_in_teammate_opening_sign_in_goes_to_the_orders_list(client):
    response = client.get("/login/")
    assert response.status_code == 302
    assert response["Location"] == "/orders/"


def test_signing_out_needs_a_post(client, sandbox):
    assert client.get("/logout/").status_code == 405
    assert client.get("/orders/").status_code == 200


def test_signing_out_ends_the_session(client, sandbox):
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert login_redirect_next(client.get("/orders/")) == "/orders/"


def test_signing_out_from_another_site_is_refused(teammate, sandbox):
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(teammate)
    assert checked.post("/logout/").status_code == 403
    assert checked.get("/orders/").status_code == 200


def test_the_sign_in_form_is_protected_from_other_sites(teammate):
    checked = Client(enforce_csrf_checks=True)
    response = checked.post("/login/", {"username": teammate.username, "password": PASSWORD})
    assert response.status_code == 403
    page = checked.get("/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = checked.post(
        "/login/",
        {"username": teammate.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_the_admin_sends_a_stranger_to_its_sign_in(anonymous):
    response = anonymous.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_admin_is_closed_to_a_teammate_who_is_not_staff(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "Site administration" not in client.get("/admin/", follow=True).content.decode()


def test_the_admin_opens_for_staff(client, teammate):
    teammate.is_staff = True
    teammate.save()
    client.force_login(teammate)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Site administration" in response.content.decode()


# The demo account ---------------------------------------------------------------


def test_demo_mode_shows_no_credentials_before_the_demo_account_exists(anonymous, settings):
    settings.AUTOENHANCE_DEMO_MODE = True
    body = anonymous.get("/login/").content.decode()
    assert "Demo account" not in body
    assert settings.DEMO_PASSWORD not in body


def test_demo_mode_shows_the_demo_credentials_once_the_account_exists(anonymous, settings):
    settings.AUTOENHANCE_DEMO_MODE = True
    ensure_demo_account()
    body = anonymous.get("/login/").content.decode()
    assert "Demo account" in body
    assert f"<strong>{settings.DEMO_USERNAME}</strong>" in body
    assert f"<strong>{settings.DEMO_PASSWORD}</strong>" in body


def test_the_demo_credentials_sign_in_in_demo_mode(anonymous, settings):
    settings.AUTOENHANCE_DEMO_MODE = True
    ensure_demo_account()
    response = anonymous.post(
        "/login/", {"username": settings.DEMO_USERNAME, "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/orders/"


def test_the_credentials_disappear_once_the_demo_password_is_changed(
    anonymous, settings, django_user_model
):
    settings.AUTOENHANCE_DEMO_MODE = True
    ensure_demo_account()
    demo = django_user_model.objects.get(username=settings.DEMO_USERNAME)
    demo.set_password("a-private-password-now")
    demo.save()
    body = anonymous.get("/login/").content.decode()
    assert "Demo account" not in body
    assert settings.DEMO_PASSWORD not in body


def test_outside_demo_mode_the_credentials_are_never_shown(anonymous, settings):
    ensure_demo_account()
    settings.AUTOENHANCE_DEMO_MODE = False
    body = anonymous.get("/login/").content.decode()
    assert "Demo account" not in body
    assert settings.DEMO_PASSWORD not in body


def test_outside_demo_mode_the_demo_account_cannot_sign_in(settings):
    """A database once used for `make demo` keeps the demo account, whose password
    is in the source: with a real key set it must not open the real orders."""
    ensure_demo_account()
    settings.AUTOENHANCE_DEMO_MODE = False
    visitor = Client()
    response = visitor.post(
        "/login/", {"username": settings.DEMO_USERNAME, "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code != 302
    assert login_redirect_next(visitor.get("/orders/")) == "/orders/"
