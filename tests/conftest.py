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
def teammate(db, django_user_model):
    return django_user_model.objects.create_user(
        "sam@example.com", "sam@example.com", "pw-Sam-123!"
    )


@pytest.fixture
def client(client, teammate):
    """Most tests look as a signed-in teammate; `anonymous` is the stranger."""
    client.force_login(teammate)
    return client


@pytest.fixture
def anonymous():
    from django.test import Client

    return Client()


@pytest.fixture
def sandbox(sandbox_server: SandboxServer, settings) -> Iterator[SandboxServer]:
    """The session's sandbox, with the dashboard pointed at it and no faults left over."""
    settings.AUTOENHANCE_API_URL = sandbox_server.url
    settings.AUTOENHANCE_API_KEY = sandbox_server.key
    sandbox_server.app.faults.clear()
    sandbox_server.app.reset_counters()
    yield sandbox_server
    sandbox_server.app.faults.clear()
