from __future__ import annotations

import re
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.management import CommandError, call_command
from django.test import Client

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://127\.0\.0\.1:8000(/invite/[A-Za-z0-9_-]+/[A-Za-z0-9-]+/)")
GOOD_PASSWORD = "Orchard-Lantern-2049!"


def invite(*args: str) -> str:
    out = StringIO()
    call_command("invite", *args, stdout=out)
    return out.getvalue()


def link_in(output: str) -> str:
    """The path of the one invitation link the command printed."""
    links = LINK.findall(output)
    assert len(links) == 1, output
    return links[0]


def open_invitation(visitor: Client, path: str):
    """Follows the link the way a browser does: the token moves into the session."""
    response = visitor.get(path)
    if response.status_code == 302:
        assert re.fullmatch(r"/invite/[A-Za-z0-9_-]+/welcome/", response["Location"])
        response = visitor.get(response["Location"])
    return response


def choose_password(visitor: Client, path: str, password: str = GOOD_PASSWORD):
    form = open_invitation(visitor, path)
    assert "Welcome to the team" in form.content.decode()
    return visitor.post(
        form.wsgi_request.path, {"new_password1": password, "new_password2": password}
    )


def is_signed_in(visitor: Client) -> bool:
    return visitor.get("/login/").status_code == 302


def shift_clock(monkeypatch, seconds: float) -> None:
    later = datetime.now() + timedelta(seconds=seconds)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)


def test_inviting_creates_an_account_without_a_usable_password(django_user_model):
    output = invite("New@Example.com ")
    user = django_user_model.objects.get(username="new@example.com")
    assert user.email == "new@example.com"
    assert not user.has_usable_password()
    assert not user.is_staff
    assert "Invited new@example.com." in output
    assert "works once, for 72 hours" in output
    assert link_in(output).startswith("/invite/")


def test_staff_opens_the_admin_too(django_user_model):
    invite("boss@example.com", "--staff")
    assert django_user_model.objects.get(username="boss@example.com").is_staff


def test_the_link_leads_to_a_set_password_form_without_the_token_in_the_address():
    path = link_in(invite("new@example.com"))
    token = path.rstrip("/").rsplit("/", 1)[1]
    visitor = Client()
    response = visitor.get(path)
    assert response.status_code == 302
    assert response["Location"].endswith("/welcome/")
    assert token not in response["Location"]
    form = visitor.get(response["Location"])
    body = form.content.decode()
    assert form.status_code == 200
    assert "Welcome to the team" in body
    assert "new@example.com" in body
    assert 'name="new_password1"' in body and 'name="new_password2"' in body
    assert token not in body


def test_choosing_a_password_signs_in_and_lands_on_the_orders_list(sandbox, django_user_model):
    path = link_in(invite("new@example.com"))
    visitor = Client()
    response = choose_password(visitor, path)
    assert response.status_code == 302
    assert response["Location"] == "/orders/"
    assert visitor.get("/orders/").status_code == 200
    assert django_user_model.objects.get(username="new@example.com").check_password(GOOD_PASSWORD)


def test_the_chosen_password_works_at_the_sign_in_page():
    path = link_in(invite("new@example.com"))
    choose_password(Client(), path)
    later = Client()
    response = later.post("/login/", {"username": "new@example.com", "password": GOOD_PASSWORD})
    assert response.status_code == 302
    assert is_signed_in(later)


def test_a_weak_password_is_refused_and_signs_nobody_in():
    path = link_in(invite("new@example.com"))
    visitor = Client()
    response = choose_password(visitor, path, password="password")
    body = response.content.decode()
    assert response.status_code == 200
    assert "This password is too common" in body
    assert not is_signed_in(visitor)


def test_a_used_link_cannot_be_used_again():
    path = link_in(invite("new@example.com"))
    choose_password(Client(), path)
    stranger = Client()
    response = open_invitation(stranger, path)
    body = response.content.decode()
    assert "This invitation can" in body and "t be used" in body
    assert 'name="new_password1"' not in body
    assert not is_signed_in(stranger)


def test_a_link_works_until_just_before_it_expires(settings, monkeypatch):
    path = link_in(invite("new@example.com"))
    shift_clock(monkeypatch, settings.PASSWORD_RESET_TIMEOUT - 60)
    assert "Welcome to the team" in open_invitation(Client(), path).content.decode()


def test_an_expired_link_cannot_be_used(settings, monkeypatch):
    path = link_in(invite("new@example.com"))
    shift_clock(monkeypatch, settings.PASSWORD_RESET_TIMEOUT + 60)
    visitor = Client()
    body = open_invitation(visitor, path).content.decode()
    assert "This invitation can" in body and "t be used" in body
    assert 'name="new_password1"' not in body


def test_an_invitation_lasts_as_long_as_the_setting_says(settings, monkeypatch):
    settings.PASSWORD_RESET_TIMEOUT = 2 * 3600
    output = invite("new@example.com")
    assert "for 2 hours" in output
    shift_clock(monkeypatch, 3 * 3600)
    body = open_invitation(Client(), link_in(output)).content.decode()
    assert "This invitation can" in body


def test_a_link_with_an_edited_token_cannot_be_used():
    path = link_in(invite("new@example.com"))
    edited = path[:-2] + ("a" if path[-2] != "a" else "b") + "/"
    body = open_invitation(Client(), edited).content.decode()
    assert "This invitation can" in body


def test_inviting_an_existing_account_needs_again(django_user_model, teammate):
    with pytest.raises(CommandError, match="already has an account"):
        invite(teammate.username)
    teammate.refresh_from_db()
    assert teammate.check_password("pw-Sam-123!")


def test_again_sends_a_fresh_link_and_stops_the_old_password(teammate):
    output = invite(teammate.username, "--again")
    assert f"New link for {teammate.username}." in output
    teammate.refresh_from_db()
    assert not teammate.has_usable_password()
    response = Client().post("/login/", {"username": teammate.username, "password": "pw-Sam-123!"})
    assert response.status_code == 200
    assert "Welcome to the team" in open_invitation(Client(), link_in(output)).content.decode()


def test_a_fresh_link_makes_the_previous_one_useless():
    first = link_in(invite("new@example.com"))
    invite("new@example.com", "--again")
    assert "This invitation can" in open_invitation(Client(), first).content.decode()


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "two@example.com extra", ""])
def test_a_bad_email_is_refused_and_creates_nobody(email, django_user_model):
    with pytest.raises(CommandError, match="is not an email address"):
        invite(email)
    assert not django_user_model.objects.exists()
