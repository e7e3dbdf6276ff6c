from __future__ import annotations

from collections.abc import Iterator

import pytest

from orders.sandbox import SandboxServer


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    server = SandboxServer().start()
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server: SandboxServer, settings) -> Iterator[SandboxServer]:
    """The session's sandbox, with the dashboard pointed at it and no faults left over."""
    settings.AUTOENHANCE_API_URL = sandbox_server.url
    settings.AUTOENHANCE_API_KEY = sandbox_server.key
    sandbox_server.app.faults.clear()
    sandbox_server.app.reset_counters()
    yield sandbox_server
    sandbox_server.app.faults.clear()
