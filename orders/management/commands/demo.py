from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from orders.access import ensure_demo_account
from orders.sandbox import SandboxServer


class Command(BaseCommand):
    help = "Start the sandbox API in-process and the dashboard on its demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--seed", type=int, default=None, help="Demo data seed.")
        parser.add_argument("--latency-ms", type=int, default=0, help="Added upstream latency.")

    def handle(
        self, *args: Any, host: str, port: int, seed: int | None, latency_ms: int, **options: Any
    ) -> None:
        if not settings.AUTOENHANCE_DEMO_MODE:
            raise CommandError(
                "AUTOENHANCE_API_KEY is set, so this is not a demo. Unset it, or run "
                "`python manage.py runserver` to use the real API."
            )
        ensure_demo_account()
        sandbox_options: dict[str, Any] = {"latency_ms": latency_ms}
        if seed is not None:
            sandbox_options["seed"] = seed
        sandbox = SandboxServer(**sandbox_options).start()
        # The dashboard reaches the sandbox over real HTTP, exactly as it would the API.
        settings.AUTOENHANCE_API_URL = sandbox.url
        settings.AUTOENHANCE_API_KEY = sandbox.key
        self.stdout.write(f"Sandbox API on {sandbox.url} (key: {sandbox.key})")
        self.stdout.write(self.style.SUCCESS(f"Dashboard: http://{host}:{port}/  (Ctrl-C to stop)"))
        self.stdout.write(
            f"Sign in as {settings.DEMO_USERNAME} / {settings.DEMO_PASSWORD} (demo mode only)"
        )
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False, skip_checks=True)
        finally:
            sandbox.stop()
