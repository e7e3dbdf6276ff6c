"""Run the sandbox on a background thread: for tests, `manage.py sandbox` and the demo."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

from waitress import wasyncore
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from orders.sandbox.app import SandboxApp

STOP_TIMEOUT = 5.0


class SandboxServer:
    """A waitress server (HTTP/1.1 keep-alive, threads) around a SandboxApp.

    `SandboxServer(port=0).start()` binds a free port; `url` is then set.
    Extra keyword arguments build the app: `SandboxServer(fault_rate=0.1)`.
    """

    def __init__(
        self,
        app: SandboxApp | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int = 16,
        **app_kwargs: Any,
    ) -> None:
        if app is not None and app_kwargs:
            raise TypeError("pass either an app or the options to build one, not both")
        self.app = app if app is not None else SandboxApp(**app_kwargs)
        self.key = self.app.key
        self.host = host
        self.port = port
        self.threads = threads
        self.url = ""
        self._map: dict[int, Any] = {}
        self._server: BaseWSGIServer | MultiSocketServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> SandboxServer:
        if self._thread is not None:
            raise RuntimeError("the sandbox server is already running")
        # Our own socket map, so stop() can close exactly what this server opened.
        self._map = {}
        self._server = create_server(
            self.app,
            map=self._map,
            host=self.host,
            port=self.port,
            threads=self.threads,
            ident="autoenhance-sandbox",
        )
        host, port = self._bound()
        self.port = port
        self.url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        self.app.faults.open()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name=f"sandbox-{port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: hanging requests are released, sockets closed, threads ended."""
        if self._thread is None or self._server is None:
            return
        self._stopping.set()
        self.app.faults.close()
        for listener in self._listeners():
            listener.pull_trigger()  # wake the poll loop now rather than at its next timeout
        self._thread.join(STOP_TIMEOUT)
        wasyncore.close_all(self._map, ignore_all=True)
        self._server.task_dispatcher.shutdown(timeout=STOP_TIMEOUT)
        self._thread = None

    def __enter__(self) -> SandboxServer:
        return self if self._thread is not None else self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _serve(self) -> None:
        assert self._server is not None
        timeout = self._server.adj.asyncore_loop_timeout
        while not self._stopping.is_set():
            wasyncore.loop(timeout=timeout, map=self._map, count=1)

    def _listeners(self) -> list[BaseWSGIServer]:
        return [d for d in list(self._map.values()) if isinstance(d, BaseWSGIServer)]

    def _bound(self) -> tuple[str, int]:
        if isinstance(self._server, MultiSocketServer):
            host, port = self._server.effective_listen[0]
        else:
            assert self._server is not None
            host, port = self._server.effective_host, self._server.effective_port
        return str(host), int(port)
