"""Who may see what: the team's sign-in, and the guard every team view wears."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.urls import reverse, reverse_lazy

from orders import throttle

View = Callable[..., HttpResponse]


def team_required(view: View) -> View:
    """Only signed-in teammates get through.

    A page gets the usual redirect to the sign-in page. An htmx request gets an
    HX-Redirect instead, so an expired session never swaps a login form into
    the grid, and the sign-in page then returns to the page the person was on.
    A file (a preview) gets a plain 403: an <img> can't follow a login redirect.
    """

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        login_url = reverse("login")
        htmx = getattr(request, "htmx", None)
        if htmx:
            back = htmx.current_url_abs_path or request.get_full_path()
            response = HttpResponse(
                "Your session has ended. Sign in again.", status=401, content_type="text/plain"
            )
            response["HX-Redirect"] = f"{login_url}?{urlencode({'next': back})}"
            return response
        if getattr(view, "serves_files", False):
            return HttpResponse("Sign in to see this file.", status=403, content_type="text/plain")
        return redirect_to_login(request.get_full_path(), login_url)

    return guarded


def serves_files(view: View) -> View:
    view.serves_files = True  # type: ignore[attr-defined]
    return view


def demo_credentials() -> dict[str, str] | None:
    """The demo account's sign-in, shown on the login page in demo mode only,
    and only while that account still has the demo password."""
    if not settings.AUTOENHANCE_DEMO_MODE:
        return None
    user = get_user_model().objects.filter(username=settings.DEMO_USERNAME).first()
    if user is None or not user.check_password(settings.DEMO_PASSWORD):
        return None
    return {"username": settings.DEMO_USERNAME, "password": settings.DEMO_PASSWORD}


def ensure_demo_account() -> None:
    user, _ = get_user_model().objects.get_or_create(username=settings.DEMO_USERNAME)
    user.set_password(settings.DEMO_PASSWORD)
    user.save()


class LoginView(auth_views.LoginView):
    """Django's sign-in page, which says so when sign-in is refused for a while.

    The throttling itself lives in TeamBackend, so every way in (the admin's
    sign-in included) goes through it.
    """

    template_name = "orders/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"demo_credentials": demo_credentials()}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        verdict = throttle.check(request, username)
        if not verdict.refused:
            return super().post(request, *args, **kwargs)
        minutes = max(1, round(verdict.retry_after / 60))
        form = self.get_form_class()(request, initial={"username": username})
        ctx = self.get_context_data(form=form) | {
            "refused_message": "Too many failed sign-ins. For your account's safety, try again "
            f"in {minutes} minute{'s' if minutes != 1 else ''}."
        }
        response = self.render_to_response(ctx, status=429)
        response["Retry-After"] = str(verdict.retry_after)
        return response


class TeamBackend(ModelBackend):
    """Django's own accounts, with two rules on top: repeated failures slow and
    then refuse sign-in, and the demo account works in demo mode only."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, **credentials: Any
    ) -> Any:
        if request is not None and username is not None:
            verdict = throttle.check(request, username)
            if verdict.refused:
                # Stops every backend, and Django counts it as one more failure.
                raise PermissionDenied("Too many failed sign-ins.")
            throttle.pause(verdict.delay)
        return super().authenticate(request, username=username, **credentials)

    def user_can_authenticate(self, user: Any) -> bool:
        if not settings.AUTOENHANCE_DEMO_MODE and user.get_username() == settings.DEMO_USERNAME:
            return False
        return super().user_can_authenticate(user)


@receiver(user_login_failed)
def _count_failure(sender: Any, credentials: dict[str, Any], request: Any = None, **_: Any) -> None:
    if request is not None:
        throttle.record_failure(request, str(credentials.get("username", "")))


@receiver(user_logged_in)
def _forgive(sender: Any, request: Any, user: Any, **_: Any) -> None:
    throttle.forgive_account(user.get_username())


class InviteView(auth_views.PasswordResetConfirmView):
    """A teammate's one-time link: choose a password, then straight in.

    Django's reset tokens fit exactly: they die once the password is set, and
    expire after PASSWORD_RESET_TIMEOUT.
    """

    template_name = "orders/invite.html"
    post_reset_login = True
    success_url = reverse_lazy("order_list")
    reset_url_token = "welcome"  # noqa: S105 (a URL segment, not a secret)
