from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic.base import RedirectView

from orders import access, shared, views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="order_list", query_string=True)),
    path("healthz", views.healthz, name="healthz"),
    # The team
    path("login/", access.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("invite/<uidb64>/<token>/", access.InviteView.as_view(), name="invite"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/go/", views.go_to_order, name="go_to_order"),
    path("orders/<str:order_id>/", views.order_detail, name="order_detail"),
    path("orders/<str:order_id>/live/", views.order_live, name="order_live"),
    path("orders/<str:order_id>/share/", views.share_create, name="share_create"),
    path(
        "orders/<str:order_id>/share/<int:link_id>/revoke/",
        views.share_revoke,
        name="share_revoke",
    ),
    path("orders/<str:order_id>/images/<str:image_id>/", views.image_detail, name="image_detail"),
    path(
        "orders/<str:order_id>/images/<str:image_id>/preview/",
        views.image_preview,
        name="image_preview",
    ),
    # Share links: one order, no account
    path("s/<str:token>/", shared.shared_order, name="shared_order"),
    path("s/<str:token>/live/", shared.shared_live, name="shared_live"),
    path("s/<str:token>/images/<str:image_id>/", shared.shared_image, name="shared_image"),
    path(
        "s/<str:token>/images/<str:image_id>/preview/",
        shared.shared_preview,
        name="shared_preview",
    ),
]
