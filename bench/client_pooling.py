"""How much the client's pooled connection saves over a new connection per call.

On loopback without TLS the saving is small; against the real API over TLS
each new connection also pays a handshake and a round trip or two.

Run by hand: `.venv/bin/python bench/client_pooling.py [calls]`. It prints a
ratio; timings on shared machines are noisy, so no test asserts on them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orders.client import AutoenhanceClient
from orders.sandbox import SandboxServer


def per_call_seconds(calls: int, url: str, key: str, *, pooled: bool) -> tuple[float, int]:
    shared = AutoenhanceClient(url, key)
    started = time.perf_counter()
    for _ in range(calls):
        client = shared if pooled else AutoenhanceClient(url, key)
        client.list_orders(per_page=1)
        if not pooled:
            client.session.close()
    return (time.perf_counter() - started) / calls, calls


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with SandboxServer() as sandbox:
        pooled, _ = per_call_seconds(calls, sandbox.url, sandbox.key, pooled=True)
        pooled_connections = len(sandbox.app.connections_seen)
        sandbox.app.reset_counters()
        fresh, _ = per_call_seconds(calls, sandbox.url, sandbox.key, pooled=False)
        fresh_connections = len(sandbox.app.connections_seen)
    print(f"{calls} sequential list calls against the in-process sandbox")
    print(
        f"  one pooled session: {pooled * 1000:.2f} ms/call over {pooled_connections} connection(s)"
    )
    print(
        f"  new session each:   {fresh * 1000:.2f} ms/call over {fresh_connections} connection(s)"
    )
    print(f"  ratio (new / pooled): {fresh / pooled:.2f}x")


if __name__ == "__main__":
    main()
