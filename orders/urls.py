from __future__ import annotations

from django.urls import path
from django.views.generic.base import RedirectView

from orders import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="order_list", query_string=True)),
    path("orders/", views.order_list, name="order_list"),
    path("orders/go/", views.go_to_order, name="go_to_order"),
    path("orders/<str:order_id>/", views.order_detail, name="order_detail"),
    path("orders/<str:order_id>/live/", views.order_live, name="order_live"),
    path(
        "orders/<str:order_id>/images/<str:image_id>/",
        views.image_detail,
        name="image_detail",
    ),
    path(
        "orders/<str:order_id>/images/<str:image_id>/preview/",
        views.image_preview,
        name="image_preview",
    ),
]
