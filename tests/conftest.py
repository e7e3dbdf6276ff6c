from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from orders.sandbox import SandboxServer
from tests import leakcheck

# A key shaped like a real one, different every run, so that the leak check
# below means something.
API_KEY = "ae_live_" + secrets.token_hex(20)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counts, health checks and share-link lookups start from nothing."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def key_never_leaks():
    """Fails any test during which a response or a log line held the API key."""
    leakcheck.leaks.clear()
    yield
    assert not leakcheck.leaks, f"the API key leaked: {leakcheck.leaks}"


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    server = SandboxServer(key=API_KEY).start()
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
