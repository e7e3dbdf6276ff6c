"""Fixtures for the browser suite: headless Chromium (Debian's) driving the real
dashboard, served by pytest-django's live server and talking to the sandbox over
real HTTP.

Every test here gets `pytest.mark.browser`. Pages from `page` and `new_page`
are watched: a console error or an uncaught page error fails the test at
teardown, unless the test said beforehand which network error it expects
(`console.allow_network_error`).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Playwright,
    Request,
    expect,
    sync_playwright,
)

from orders.sandbox import SandboxServer

# Playwright's sync API runs an asyncio event loop on the main thread, the same
# thread the tests (and pytest-django's database setup) run on. Django then
# sees a running loop and refuses "async-unsafe" calls such as opening a DB
# connection. Nothing here is actually async: the loop only drives Playwright,
# so lifting the check is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000
# `expect` has its own timeout (5 s by default): the same 10 s as actions.
expect.set_options(timeout=TIMEOUT_MS)

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the browser tests, and run them after the rest of a whole-suite run.

    They are the slow ones, and the session's sandbox ages while they run: its
    live orders finish processing within 90 s of its start, which tests that
    expect a processing order rely on.
    """
    browser_tests = []
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            browser_tests.append(item)
    if browser_tests and len(browser_tests) < len(items):
        chosen = set(browser_tests)
        items[:] = [item for item in items if item not in chosen] + browser_tests


# Browser ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


# Console watch ---------------------------------------------------------------


@dataclass
class ConsoleWatch:
    """Console errors and uncaught page errors seen by one test's pages."""

    errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow_network_error(self, pattern: str) -> None:
        """Expect a failed request whose console line matches `pattern` (a regex).

        Only network failures may be allowed, never script errors: the pattern
        must match a "Failed to load resource" line, or htmx's own report of
        the same failed request ("htmx:sendError, ..." / "htmx:afterRequest, ...").
        """
        self.allowed.append(re.compile(pattern))

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            self.errors.append(f"{message.text} [at {where}]")

    def on_page_error(self, error: Error) -> None:
        self.page_errors.append(f"{error.name}: {error.message}")

    def unexpected(self) -> list[str]:
        network = re.compile(r"^(Failed to load resource: |htmx:(sendError|afterRequest), )")
        bad = [
            e
            for e in self.errors
            if not (network.match(e) and any(p.search(e) for p in self.allowed))
        ]
        return bad + [f"uncaught {e}" for e in self.page_errors]


@pytest.fixture
def console() -> ConsoleWatch:
    return ConsoleWatch()


@pytest.fixture
def session_cookie(transactional_db, teammate) -> dict[str, str]:
    """A signed-in teammate's session, as a cookie for the live server.

    The live server answers from another thread, so the session must be
    committed: hence the transactional database.
    """
    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    client.force_login(teammate)
    name = django_settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value}


@pytest.fixture
def new_page(
    browser: Browser,
    live_server,
    settings,
    console: ConsoleWatch,
    session_cookie: dict[str, str],
    request: pytest.FixtureRequest,
) -> Iterator[Callable[..., Page]]:
    """Opens pages on the live server, each in a fresh browser context,
    signed in as a teammate unless `signed_in=False`.

    Every page is watched: at teardown the test fails if any of them logged a
    console error or threw an uncaught error, bar the network errors the test
    allowed beforehand.

    It asks for `settings` so that the dashboard's settings (which the sandbox
    fixtures point at a sandbox) are put back only after the pages are closed
    and their last requests answered.
    """
    contexts: list[BrowserContext] = []
    in_flight: set[Request] = set()

    def open_page(*, signed_in: bool = True, **context_options: Any) -> Page:
        context = browser.new_context(base_url=live_server.url, **context_options)
        if signed_in:
            context.add_cookies([session_cookie | {"url": live_server.url}])
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("console", console.on_console)
        page.on("pageerror", console.on_page_error)
        page.on("request", lambda r: in_flight.add(r))
        page.on("requestfinished", lambda r: in_flight.discard(r))
        page.on("requestfailed", lambda r: in_flight.discard(r))
        return page

    yield open_page

    pages = [p for context in contexts for p in context.pages]
    try:
        # Let requests still out (previews, say) finish while the server is still
        # pointed at the sandbox, and late events reach the listeners.
        deadline = time.monotonic() + 5
        while pages and in_flight and time.monotonic() < deadline:
            pages[0].wait_for_timeout(50)
        for open_ in pages:
            open_.evaluate("() => new Promise(r => requestAnimationFrame(() => r(null)))")
    except Error:
        pass
    for context in contexts:
        context.close()
    problems = console.unexpected()
    call = getattr(request.node, "rep_call", None)
    if call is not None and call.failed:
        # The test's own failure comes first; the console goes in its report.
        if problems:
            print("the page logged errors:\n  " + "\n  ".join(problems))
        return
    if problems:
        pytest.fail("the page logged errors:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A desktop-sized page on the live server, its console watched (see `new_page`)."""
    return new_page(viewport={"width": 1280, "height": 800})


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


# The dashboard ---------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    """The live dashboard (`url`) and the sandbox it reads from."""

    url: str
    sandbox: SandboxServer

    @property
    def orders(self) -> list[dict]:
        return self.sandbox.app.orders

    @property
    def order_ids(self) -> list[str]:
        return [o["order_id"] for o in self.sandbox.app.orders]


@pytest.fixture
def dashboard(live_server, sandbox: SandboxServer) -> Dashboard:
    """The live server, pointed at the session's sandbox over real HTTP.

    `sandbox` (tests/conftest.py) clears faults and latency before and after.
    """
    return Dashboard(url=live_server.url, sandbox=sandbox)
