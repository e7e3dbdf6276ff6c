from __future__ import annotations

import hashlib
import html
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from orders.models import ShareLink

HX = {"HTTP_HX_REQUEST": "true"}
SHARE_URL = re.compile(r"http://testserver/s/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def cold_cache():
    """Previews are checked against a cache of each order's image ids: start cold."""
    cache.clear()
    yield
    cache.clear()


def plain_orders(sandbox) -> list[dict]:
    """Orders with a plain name and a handful of processed images, all on the first page."""
    return [
        o
        for o in sandbox.app.orders
        if o.get("order_id")
        and isinstance(o.get("name"), str)
        and re.fullmatch(r"[A-Za-z0-9 ,.-]{4,}", o["name"])
        and not o.get("is_processing")
        and 2 <= len(o["images"]) < 48
        and any(i.get("status") == "processed" for i in o["images"])
    ]


@pytest.fixture
def order_a(sandbox) -> dict:
    return plain_orders(sandbox)[0]


@pytest.fixture
def order_b(sandbox, order_a) -> dict:
    return next(o for o in plain_orders(sandbox) if o["name"] != order_a["name"])


def processed(order: dict) -> dict:
    return next(i for i in order["images"] if i.get("status") == "processed")


def image_ids(body: str) -> list[str]:
    return re.findall(r'<li class="image-card[^"]*" id="image-([^"]+)"', body)


def share(client, order: dict, **data: str) -> str:
    """Makes a share link as the teammate and returns its token."""
    response = client.post(f"/orders/{order['order_id']}/share/", data)
    assert response.status_code == 200
    urls = SHARE_URL.findall(response.content.decode())
    assert len(urls) == 1
    return urls[0]


def links_to_team_pages(body: str) -> list[str]:
    """Every address in the page under /orders/ (static files aside)."""
    return [
        url
        for url in re.findall(r'(?:href|action|src|hx-[a-z]+)="([^"]*)"', body)
        if url.startswith("/orders/") or "://testserver/orders/" in url
    ]


def only_link() -> ShareLink:
    (link,) = ShareLink.objects.all()
    return link


# Making a link ------------------------------------------------------------------


def test_sharing_shows_the_new_link_once(client, order_a):
    response = client.post(f"/orders/{order_a['order_id']}/share/", {"days": "7"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    (token,) = SHARE_URL.findall(body)
    assert f'value="http://testserver/s/{token}/"' in body
    assert "Copy it now: it won" in body
    assert token not in client.get(f"/orders/{order_a['order_id']}/").content.decode()


def test_a_link_lasts_seven_days_by_default(client, order_a):
    share(client, order_a)
    link = only_link()
    assert link.expires_at - timezone.now() == pytest.approx(
        timedelta(days=7), abs=timedelta(minutes=1)
    )
    assert link.order_id == order_a["order_id"]
    assert link.order_name == order_a["name"]


@pytest.mark.parametrize("days", [1, 7, 30])
def test_each_offered_expiry_is_honoured(client, order_a, days):
    share(client, order_a, days=str(days))
    assert only_link().expires_at - timezone.now() == pytest.approx(
        timedelta(days=days), abs=timedelta(minutes=1)
    )


def test_an_htmx_share_returns_only_the_share_panel(client, order_a):
    response = client.post(f"/orders/{order_a['order_id']}/share/", {"days": "1"}, **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<details id="share-panel"')
    assert len(SHARE_URL.findall(body)) == 1
    assert 'class="image-grid"' not in body


@pytest.mark.parametrize("days", ["2", "0", "-7", "365", "seven", "7.0", ""])
def test_an_expiry_we_do_not_offer_is_a_400(client, order_a, days):
    response = client.post(f"/orders/{order_a['order_id']}/share/", {"days": days})
    assert response.status_code == 400
    assert "Share links last 1, 7 or 30 days" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_sharing_is_post_only(client, order_a):
    assert client.get(f"/orders/{order_a['order_id']}/share/").status_code == 405
    assert not ShareLink.objects.exists()


def test_sharing_an_unknown_order_makes_no_link(client, sandbox):
    response = client.post("/orders/no-such-order/share/", {"days": "7"})
    assert response.status_code == 404
    assert not ShareLink.objects.exists()


def test_the_database_holds_no_usable_token(client, order_a):
    token = share(client, order_a)
    link = only_link()
    lookup, secret = token[:12], token[12:]
    assert link.lookup == lookup
    assert link.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    for field in ShareLink._meta.concrete_fields:
        stored = str(field.value_from_object(link))
        assert token not in stored, field.name
        assert secret not in stored, field.name


def test_two_links_for_one_order_have_different_tokens(client, order_a):
    assert share(client, order_a) != share(client, order_a)


# Opening a link -----------------------------------------------------------------


def test_a_stranger_with_the_link_sees_that_order(client, anonymous, order_a):
    token = share(client, order_a)
    response = anonymous.get(f"/s/{token}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert escape(order_a["name"]) in body
    assert image_ids(body) == [i["image_id"] for i in order_a["images"]]
    assert f'href="/s/{token}/images/' in body
    assert not links_to_team_pages(body)
    assert "Shared with you" in body


def test_a_shared_page_has_no_team_controls(client, anonymous, order_a):
    token = share(client, order_a)
    for viewer in [anonymous, client]:
        body = viewer.get(f"/s/{token}/").content.decode()
        assert "Sign out" not in body
        assert "Go to order" not in body
        assert "Share this order" not in body
        assert "Revoke" not in body


def test_a_stranger_sees_an_image_page_of_that_order(client, anonymous, order_a):
    token = share(client, order_a)
    image = order_a["images"][1]
    response = anonymous.get(f"/s/{token}/images/{image['image_id']}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert escape(image.get("image_name") or "Untitled image") in body
    assert escape(image["image_id"]) in body
    assert f'href="/s/{token}/" data-key="Escape"' in body
    assert not links_to_team_pages(body)
    assert "Sign out" not in body


def test_a_stranger_gets_the_preview_of_an_image_in_that_order(client, anonymous, order_a):
    token = share(client, order_a)
    response = anonymous.get(f"/s/{token}/images/{processed(order_a)['image_id']}/preview/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response.content[:3] == b"\xff\xd8\xff"


def test_an_image_of_another_order_is_not_found(client, anonymous, order_a, order_b):
    token = share(client, order_a)
    other = processed(order_b)
    response = anonymous.get(f"/s/{token}/images/{other['image_id']}/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Image not found" in body
    assert escape(order_b["name"]) not in body


def test_a_preview_of_another_order_is_only_a_placeholder(client, anonymous, order_a, order_b):
    token = share(client, order_a)
    response = anonymous.get(f"/s/{token}/images/{processed(order_b)['image_id']}/preview/")
    assert response.status_code == 200
    assert response["X-Preview"] == "placeholder"
    assert response["Content-Type"] == "image/svg+xml"


def test_a_preview_of_another_order_stays_a_placeholder_with_a_warm_cache(
    client, anonymous, order_a, order_b
):
    token = share(client, order_a)
    client.get(f"/orders/{order_b['order_id']}/")  # the team's page caches B's image ids
    response = anonymous.get(f"/s/{token}/images/{processed(order_b)['image_id']}/preview/")
    assert response["X-Preview"] == "placeholder"


def mangled(token: str, at: int) -> str:
    return token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]


@pytest.mark.parametrize("at", [0, 11, 12, -1])
def test_a_token_with_one_character_changed_is_not_found(client, anonymous, order_a, at):
    token = share(client, order_a)
    response = anonymous.get(f"/s/{mangled(token, at)}/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Share link not found" in body
    assert escape(order_a["name"]) not in body


@pytest.mark.parametrize("cut", [slice(0, 12), slice(0, -1), slice(12, None)])
def test_part_of_a_token_is_not_found(client, anonymous, order_a, cut):
    token = share(client, order_a)
    response = anonymous.get(f"/s/{token[cut]}/")
    assert response.status_code == 404
    assert escape(order_a["name"]) not in response.content.decode()


def test_an_expired_link_answers_410(client, anonymous, order_a):
    token = share(client, order_a)
    ShareLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    for path in ["", "live/", f"images/{processed(order_a)['image_id']}/"]:
        response = anonymous.get(f"/s/{token}/{path}")
        body = html.unescape(response.content.decode())
        assert response.status_code == 410, path
        assert "no longer works" in body
        assert "has expired" in body
        assert order_a["name"] not in body
        assert not links_to_team_pages(body)


def test_an_expired_link_serves_no_preview(client, anonymous, order_a):
    token = share(client, order_a)
    ShareLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = anonymous.get(f"/s/{token}/images/{processed(order_a)['image_id']}/preview/")
    assert response.status_code == 410
    assert not response["Content-Type"].startswith("image/")


def test_a_revoked_link_answers_410(client, anonymous, order_a):
    token = share(client, order_a)
    link = only_link()
    assert anonymous.get(f"/s/{token}/").status_code == 200
    response = client.post(f"/orders/{order_a['order_id']}/share/{link.pk}/revoke/")
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order_a['order_id']}/"
    gone = anonymous.get(f"/s/{token}/")
    assert gone.status_code == 410
    assert "was revoked" in gone.content.decode()
    assert anonymous.get(f"/s/{token}/images/{processed(order_a)['image_id']}/").status_code == 410


def test_revoking_over_htmx_returns_the_panel_saying_so(client, order_a):
    share(client, order_a)
    link = only_link()
    response = client.post(f"/orders/{order_a['order_id']}/share/{link.pk}/revoke/", **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Link revoked" in body
    assert f"/share/{link.pk}/revoke/" not in body


def csrf_client(teammate) -> Client:
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(teammate)
    return checked


def test_a_cross_site_post_makes_no_link(teammate, order_a):
    response = csrf_client(teammate).post(f"/orders/{order_a['order_id']}/share/", {"days": "7"})
    assert response.status_code == 403
    assert not ShareLink.objects.exists()


def test_a_cross_site_post_revokes_nothing(client, teammate, order_a):
    share(client, order_a)
    link = only_link()
    checked = csrf_client(teammate)
    response = checked.post(f"/orders/{order_a['order_id']}/share/{link.pk}/revoke/", **HX)
    assert response.status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None


def test_the_share_form_carries_what_a_same_site_post_needs(teammate, order_a):
    checked = csrf_client(teammate)
    page = checked.get(f"/orders/{order_a['order_id']}/").content.decode()
    form = page[page.index('<form class="share-create"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = checked.post(
        f"/orders/{order_a['order_id']}/share/",
        {"days": "7", "csrfmiddlewaretoken": token},
        **HX,
    )
    assert response.status_code == 200
    assert len(SHARE_URL.findall(response.content.decode())) == 1


def test_a_link_cannot_be_revoked_through_another_order(client, order_a, order_b):
    share(client, order_a)
    link = only_link()
    response = client.post(f"/orders/{order_b['order_id']}/share/{link.pk}/revoke/")
    assert response.status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_revoking_is_post_only(client, order_a):
    share(client, order_a)
    link = only_link()
    response = client.get(f"/orders/{order_a['order_id']}/share/{link.pk}/revoke/")
    assert response.status_code == 405
    link.refresh_from_db()
    assert link.revoked_at is None


# Counting and listing -----------------------------------------------------------


def test_full_page_opens_are_counted(client, anonymous, order_a):
    token = share(client, order_a)
    anonymous.get(f"/s/{token}/")
    anonymous.get(f"/s/{token}/")
    anonymous.get(f"/s/{token}/", **HX)  # a fragment, not an open
    anonymous.get(f"/s/{token}/images/{processed(order_a)['image_id']}/")
    link = only_link()
    assert link.open_count == 2
    assert link.last_opened_at is not None


def test_opening_an_expired_link_counts_nothing(client, anonymous, order_a):
    token = share(client, order_a)
    ShareLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    anonymous.get(f"/s/{token}/")
    assert only_link().open_count == 0


def test_the_order_page_lists_active_links_with_their_opens(client, anonymous, order_a):
    token = share(client, order_a)
    anonymous.get(f"/s/{token}/")
    anonymous.get(f"/s/{token}/")
    body = client.get(f"/orders/{order_a['order_id']}/").content.decode()
    link = only_link()
    assert "opened 2 times" in body
    assert "1 active link" in body
    assert f"/orders/{order_a['order_id']}/share/{link.pk}/revoke/" in body
    assert "Made by sam@example.com" in body


def test_the_order_page_leaves_out_revoked_and_expired_links(client, order_a):
    for _ in range(3):
        share(client, order_a)
    active, revoked, expired = ShareLink.objects.order_by("pk")
    revoked.revoke()
    ShareLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    body = client.get(f"/orders/{order_a['order_id']}/").content.decode()
    assert f"/share/{active.pk}/revoke/" in body
    assert f"/share/{revoked.pk}/revoke/" not in body
    assert f"/share/{expired.pk}/revoke/" not in body
    assert "1 active link" in body
    assert body.count("opened 0 times") == 1


def test_the_order_page_lists_only_that_orders_links(client, order_a, order_b):
    share(client, order_a)
    body = client.get(f"/orders/{order_b['order_id']}/").content.decode()
    assert "active link" not in body
    assert "/revoke/" not in body


# Headers and reach --------------------------------------------------------------


def test_share_pages_send_no_referrer(client, anonymous, order_a):
    token = share(client, order_a)
    image = processed(order_a)["image_id"]
    paths = [
        f"/s/{token}/",
        f"/s/{token}/images/{image}/",
        f"/s/{token}/images/{image}/preview/",
        f"/s/{mangled(token, -1)}/",
    ]
    for path in paths:
        assert anonymous.get(path)["Referrer-Policy"] == "no-referrer", path
    ShareLink.objects.update(revoked_at=timezone.now())
    assert anonymous.get(f"/s/{token}/")["Referrer-Policy"] == "no-referrer"


def test_a_share_link_does_not_open_the_teams_pages(client, anonymous, order_a):
    token = share(client, order_a)
    anonymous.get(f"/s/{token}/")
    response = anonymous.get(f"/orders/{order_a['order_id']}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    "path",
    [
        "/s/{token}/../",
        "/s/{token}/%2e%2e/",
        "/s/{token}/../../orders/{b}/",
        "/s/{token}/{b}/",
        "/s/{token}/?order={b}",
        "/s/{token}/?order_id={b}",
        "/s/{token}/images/{b_image}/",
        "/s/{token}/images/{b_image}/?order={b}",
        "/s/{token}/images/..%2F..%2F{b}/",
        "/s/{token}/images/%2e%2e/",
        "/s/{token}/live/?pending={b_image}",
        "/s/{token}/live/?order={b}&pending={b_image}",
        "/s/{token}{b}/",
        "/s/{b}/",
    ],
)
def test_editing_the_address_reaches_nothing_of_another_order(
    client, anonymous, order_a, order_b, path
):
    token = share(client, order_a)
    b_image = processed(order_b)["image_id"]
    url = path.format(token=token, b=order_b["order_id"], b_image=b_image)
    response = anonymous.get(url, **(HX if "/live/" in url else {}))
    body = html.unescape(response.content.decode())
    # The page may echo what was typed into the address, but nothing more of B.
    assert order_b["name"] not in body
    a_names = {i.get("image_name") for i in order_a["images"]}
    for image in order_b["images"]:
        if image["image_id"] != b_image:
            assert image["image_id"] not in body
        if image.get("image_name") and image["image_name"] not in a_names:
            assert f">{image['image_name']}<" not in body
    assert f'id="image-{b_image}"' not in body
    assert response.status_code in (200, 400, 404)
    if response.status_code == 200:
        assert order_a["order_id"] in body
