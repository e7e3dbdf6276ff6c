from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orders.sandbox import DEFAULT_SEED, DEMO_KEY, SandboxServer


def non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = "Serve the sandbox Autoenhance API (demo data, the v3 contract) until Ctrl-C."
    # It needs no settings, models or database: skip the checks that would.
    requires_system_checks: tuple[str, ...] = ()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--key", default=DEMO_KEY, help="The x-api-key the sandbox accepts.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Demo data seed.")
        parser.add_argument(
            "--latency-ms", type=non_negative_int, default=0, help="Added to every response."
        )
        parser.add_argument(
            "--jitter-ms",
            type=non_negative_int,
            default=0,
            help="Random extra latency, up to this.",
        )
        parser.add_argument(
            "--fault-rate",
            type=fraction,
            default=0.0,
            help="Share of API requests (0-1) answered with a 5xx.",
        )
        parser.add_argument(
            "--preview-redirect",
            action="store_true",
            help="Answer previews with a 302 to the file URL.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        server = SandboxServer(
            host=options["host"],
            port=options["port"],
            key=options["key"],
            seed=options["seed"],
            latency_ms=options["latency_ms"],
            jitter_ms=options["jitter_ms"],
            fault_rate=options["fault_rate"],
            preview_redirect=options["preview_redirect"],
        )
        try:
            server.start()
        except OSError as exc:
            raise CommandError(
                f"Cannot listen on {options['host']}:{options['port']}: {exc.strerror or exc}"
            ) from exc
        stopped = threading.Event()
        self._stop_on_sigterm(stopped)
        self.stdout.write(f"Sandbox API on {server.url}")
        self.stdout.write(f"Accepts x-api-key: {server.key}")
        self.stdout.write(
            f"{len(server.app.orders)} demo orders (seed {options['seed']}). Ctrl-C to stop."
        )
        try:
            stopped.wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
            self.stdout.write("Sandbox stopped.")

    @staticmethod
    def _stop_on_sigterm(stopped: threading.Event) -> None:
        # `make demo` and process managers stop with SIGTERM: shut down as cleanly as on Ctrl-C.
        def handler(signum: int, frame: FrameType | None) -> None:
            stopped.set()

        signal.signal(signal.SIGTERM, handler)
