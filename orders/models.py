from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone

SHARE_DURATIONS = {1: "1 day", 7: "7 days", 30: "30 days"}
DEFAULT_SHARE_DAYS = 7
# The lookup part finds the row; the rest is only ever stored as a hash and
# compared in constant time, so a database leak or a timing probe reveals no
# usable link.
_LOOKUP_CHARS = 12


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ShareLinkQuerySet(models.QuerySet["ShareLink"]):
    def active(self) -> ShareLinkQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ShareLink(models.Model):
    """A read-only link to one order's gallery, for someone without an account."""

    order_id = models.CharField(max_length=128, db_index=True)
    order_name = models.CharField(max_length=300, blank=True)
    lookup = models.CharField(max_length=_LOOKUP_CHARS, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    open_count = models.PositiveIntegerField(default=0)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Share link for {self.order_id} ({self.lookup[:4]}…)"

    @classmethod
    def create(cls, *, order_id: str, order_name: str, days: int, user) -> tuple[ShareLink, str]:
        """The new link and its token. The token exists only in this return value."""
        lookup = secrets.token_urlsafe(9)[:_LOOKUP_CHARS]
        secret = secrets.token_urlsafe(32)
        link = cls.objects.create(
            order_id=order_id,
            order_name=order_name[:300],
            lookup=lookup,
            secret_hash=_digest(secret),
            created_by=user,
            expires_at=timezone.now() + timedelta(days=days),
        )
        return link, f"{lookup}{secret}"

    @classmethod
    def find(cls, token: str) -> ShareLink | None:
        """The link this token opens, expired and revoked ones included."""
        if len(token) <= _LOOKUP_CHARS or len(token) > 100:
            return None
        link = cls.objects.filter(lookup=token[:_LOOKUP_CHARS]).first()
        if link is None or not hmac.compare_digest(
            link.secret_hash, _digest(token[_LOOKUP_CHARS:])
        ):
            return None
        return link

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def record_open(self) -> None:
        now = timezone.now()
        ShareLink.objects.filter(pk=self.pk).update(
            open_count=F("open_count") + 1, last_opened_at=now
        )

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
