from __future__ import annotations

import time

import pytest
from django.test import Client

from orders import throttle
from orders.throttle import pause as real_pause

PASSWORD = "pw-Sam-123!"  # the `teammate` fixture's
HOME = "10.0.0.1"
ELSEWHERE = "10.9.9.9"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pauses(monkeypatch) -> list[float]:
    """The delay each sign-in asked for, without waiting for it."""
    asked: list[float] = []
    monkeypatch.setattr(throttle, "pause", asked.append)
    return asked


def sign_in(
    username: str,
    password: str,
    *,
    addr: str = HOME,
    client: Client | None = None,
    forwarded_for: str | None = None,
):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return (client or Client()).post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=addr, **headers
    )


def fail(times: int, username: str = "sam@example.com", *, addr: str = HOME) -> None:
    for _ in range(times):
        response = sign_in(username, "wrong-password", addr=addr)
        assert response.status_code == 200
        assert "Please enter a correct" in response.content.decode()


def is_signed_in(client: Client) -> bool:
    return client.get("/login/").status_code == 302


def test_the_first_three_failures_are_not_slowed(teammate, pauses):
    fail(3)
    assert pauses == [0.0, 0.0, 0.0]


def test_after_three_failures_each_further_try_is_slowed_more(teammate, pauses):
    fail(7)
    slowed = pauses[3:]
    assert pauses[:3] == [0.0, 0.0, 0.0]
    assert all(delay > 0 for delay in slowed)
    assert slowed == sorted(slowed)
    assert len(set(slowed)) == len(slowed)


def test_a_slowed_try_with_the_right_password_still_signs_in(teammate, pauses):
    fail(4)
    visitor = Client()
    response = sign_in(teammate.username, PASSWORD, client=visitor)
    assert pauses[-1] > 0
    assert response.status_code == 302
    assert is_signed_in(visitor)


def test_the_pause_never_holds_a_worker_for_long():
    slept: list[float] = []
    real_pause(0.0, sleep=slept.append)
    real_pause(2.0, sleep=slept.append)
    real_pause(600.0, sleep=slept.append)
    assert slept == [2.0, 5.0]


def test_after_ten_failures_even_the_right_password_is_refused(teammate):
    fail(10)
    visitor = Client()
    response = sign_in(teammate.username, PASSWORD, client=visitor)
    body = response.content.decode()
    assert response.status_code == 429
    assert "Too many failed sign-ins" in body
    assert "try again in 15 minutes" in body
    assert "Please enter a correct" not in body
    assert 1 <= int(response["Retry-After"]) <= throttle.WINDOW_SECONDS
    assert not is_signed_in(visitor)


def test_a_refused_account_is_refused_from_another_address_too(teammate):
    fail(10)
    response = sign_in(teammate.username, PASSWORD, addr=ELSEWHERE)
    assert response.status_code == 429


def test_the_account_count_ignores_case_and_spaces(teammate):
    for spelling in ["sam@example.com", "SAM@example.com", " Sam@Example.com "] * 4:
        sign_in(spelling, "wrong-password", addr=f"10.1.0.{len(spelling)}")
    assert sign_in(teammate.username, PASSWORD, addr=ELSEWHERE).status_code == 429


def test_failures_for_different_accounts_from_one_address_add_up(teammate):
    for n in range(10):
        fail(1, f"guess-{n}@example.com")
    response = sign_in(teammate.username, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_another_address_and_account_is_not_affected(teammate, django_user_model, pauses):
    fail(10, "target@example.com")
    assert sign_in("target@example.com", "wrong-password").status_code == 429
    pauses.clear()
    visitor = Client()
    response = sign_in(teammate.username, PASSWORD, addr=ELSEWHERE, client=visitor)
    assert response.status_code == 302
    assert pauses == [0.0]
    assert is_signed_in(visitor)


def test_signing_in_clears_the_accounts_count_but_not_the_addresss(teammate, pauses):
    fail(5)
    assert sign_in(teammate.username, PASSWORD).status_code == 302
    pauses.clear()
    # The account starts afresh, from an address with no failures of its own...
    fail(1, addr=ELSEWHERE)
    assert pauses == [0.0]
    # ...but the address that made the failures is still being slowed.
    pauses.clear()
    fail(1, "someone-else@example.com")
    assert pauses[0] > 0


def test_the_refusal_lifts_when_the_window_has_passed(teammate, monkeypatch):
    fail(10)
    assert sign_in(teammate.username, PASSWORD).status_code == 429
    later = time.time() + throttle.WINDOW_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert sign_in(teammate.username, PASSWORD).status_code == 302


def test_failures_at_the_admin_sign_in_count_too(teammate):
    """The admin has a sign-in form of its own: it must not be a way around the limit."""
    for _ in range(10):
        Client().post(
            "/admin/login/?next=/admin/",
            {"username": teammate.username, "password": "wrong-password"},
            REMOTE_ADDR=HOME,
        )
    assert sign_in(teammate.username, PASSWORD).status_code == 429


def test_a_refused_account_cannot_sign_in_through_the_admin(teammate):
    teammate.is_staff = True
    teammate.save()
    fail(10)
    visitor = Client()
    visitor.post(
        "/admin/login/?next=/admin/",
        {"username": teammate.username, "password": PASSWORD},
        REMOTE_ADDR=HOME,
    )
    assert not is_signed_in(visitor)
    assert visitor.get("/admin/").status_code == 302


def test_behind_a_proxy_the_address_the_proxy_saw_is_counted(teammate, settings):
    settings.BEHIND_PROXY = True
    proxy = "10.0.0.254"
    for n in range(throttle.REFUSE_AFTER):
        sign_in(
            f"nobody-{n}@example.com", "x", addr=proxy, forwarded_for="203.0.113.9, 198.51.100.7"
        )
    # The guessing visitor is refused, whatever it claims to be...
    refused = sign_in(
        "sam@example.com", PASSWORD, addr=proxy, forwarded_for="1.1.1.1, 198.51.100.7"
    )
    assert refused.status_code == 429
    # ...while a teammate behind the same proxy is not.
    other = sign_in("sam@example.com", PASSWORD, addr=proxy, forwarded_for="192.0.2.50")
    assert other.status_code == 302
