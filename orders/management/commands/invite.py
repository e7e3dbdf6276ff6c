from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


class Command(BaseCommand):
    help = "Create a teammate's account and print a one-time link to set a password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--staff", action="store_true", help="Also let them into the admin.")
        parser.add_argument(
            "--again",
            action="store_true",
            help="Send a fresh link to an existing account (its password stops working).",
        )

    def handle(self, *args: Any, email: str, staff: bool, again: bool, **options: Any) -> None:
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        users = get_user_model()
        user, created = users.objects.get_or_create(username=email, defaults={"email": email})
        if not created and not again:
            raise CommandError(f"{email} already has an account. Use --again for a new link.")
        if staff and not user.is_staff:
            user.is_staff = True
        user.set_unusable_password()
        user.save()
        path = reverse(
            "invite",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        self.stdout.write(f"{'Invited' if created else 'New link for'} {email}.")
        self.stdout.write(
            f"Send them this link (works once, for {hours} hour{'s' if hours != 1 else ''}):"
        )
        self.stdout.write(f"{settings.DASHBOARD_URL}{path}")
