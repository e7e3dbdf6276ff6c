from __future__ import annotations

from django.contrib import admin

from orders.models import ShareLink


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = [
        "order_name",
        "order_id",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
        "open_count",
    ]
    list_filter = ["revoked_at", "expires_at"]
    search_fields = ["order_id", "order_name"]
    # Tokens exist only as hashes; nothing here can recreate a link.
    readonly_fields = [
        "order_id",
        "order_name",
        "lookup",
        "secret_hash",
        "created_by",
        "created_at",
        "open_count",
        "last_opened_at",
    ]

    def has_add_permission(self, request) -> bool:
        # A link made here would have no token to hand out: they come from order pages.
        return False
