from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("orders.urls")),
]

handler404 = "orders.views.page_not_found"
handler500 = "orders.views.server_error"
