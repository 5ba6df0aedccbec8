"""A real HTTP server on 127.0.0.1 that plays FoodData Central and Open Food Facts.

Tests route paths to recorded answers (``tests/data/online/*.json``) or to faults: a
handler that stalls, 429 with ``Retry-After``, 500 then 200, an HTML page, truncated
JSON, a 50 MB body. The server records every request (path with query, headers) so a
test can count requests and see exactly where an API key travelled.

:func:`guard_requests` makes any request to a host other than 127.0.0.1 fail the test,
so nothing in these tests can reach the internet.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

DATA = Path(__file__).resolve().parent / "data" / "online"
LOCALHOST = "127.0.0.1"


def load(name: str) -> Any:
    """A recorded answer, parsed."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Seen:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]


@dataclass
class Reply:
    """A canned answer: status, body, headers."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, value: Any, status: int = 200, **headers: str) -> Reply:
        if isinstance(value, str) and value.endswith(".json"):
            body = (DATA / value).read_bytes()
        else:
            body = json.dumps(value).encode("utf-8")
        return cls(status, body, {"Content-Type": "application/json", **headers})

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/html") -> Reply:
        return cls(status, text.encode("utf-8"), {"Content-Type": content_type})


#: A fault writes the answer itself: ``fault(handler, server)``.
Fault = Callable[["_Handler", "FakeServer"], None]
Route = Reply | Fault


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        fake = self.server.fake
        route = fake.record(self.path, dict(self.headers.items()))
        if route is None:
            self._send(Reply.json({"error": {"code": "NOT_ROUTED"}}, status=404))
        elif isinstance(route, Reply):
            self._send(route)
        else:
            route(self, fake)

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the fake keeps its own record of requests."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (timeouts, size caps) is part of the tests."""


class FakeServer:
    """Routes, the request log, and the server thread."""

    def __init__(self) -> None:
        self._routes: dict[str, list[Route]] = {}
        self._lock = threading.Lock()
        self.requests: list[Seen] = []
        #: Set at teardown so that stalling handlers end at once.
        self.release = threading.Event()
        #: Bytes a streaming fault managed to write before the client hung up.
        self.bytes_sent = 0
        self.stream_done = threading.Event()
        self._server = _Server((LOCALHOST, 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def fdc_base(self) -> str:
        return f"{self.url}/fdc/v1"

    @property
    def off_base(self) -> str:
        return f"{self.url}/off"

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def route(self, path: str, *replies: Route) -> None:
        """Answer ``path`` (without query) with ``replies`` in turn; the last repeats."""
        with self._lock:
            self._routes[path] = list(replies)

    def record(self, raw_path: str, headers: dict[str, str]) -> Route | None:
        with self._lock:
            self.requests.append(Seen(raw_path, headers))
            replies = self._routes.get(raw_path.split("?", 1)[0])
            if not replies:
                return None
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def hits(self, path: str) -> int:
        """Requests for ``path`` (without query) so far."""
        with self._lock:
            return sum(1 for seen in self.requests if seen.path.split("?", 1)[0] == path)


def guard_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any request that would leave 127.0.0.1 (nothing may reach the internet)."""
    send = requests.Session.send

    def local_only(
        self: requests.Session, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        host = urlsplit(request.url or "").hostname
        assert host == LOCALHOST, f"a test tried to reach {host}"
        return send(self, request, **kwargs)

    monkeypatch.setattr(requests.Session, "send", local_only)


def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    """The body of a test module's server fixture: guard, start, yield, stop."""
    guard_requests(monkeypatch)
    server = FakeServer().start()
    assert urlsplit(server.url).hostname == LOCALHOST
    try:
        yield server
    finally:
        server.stop()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOCALHOST, 0))
        port: int = probe.getsockname()[1]
    return port


# -- faults --------------------------------------------------------------------------


def stall(seconds: float) -> Fault:
    """Send nothing for ``seconds`` (or until teardown), then a small answer."""

    def fault(handler: _Handler, server: FakeServer) -> None:
        server.release.wait(seconds)
        handler._send(Reply.json({"late": True}))

    return fault


def huge_body(size: int, *, declare_length: bool) -> Fault:
    """Stream ``size`` bytes of JSON-ish data, counting what gets out before a hang-up."""

    def fault(handler: _Handler, server: FakeServer) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if declare_length:
            handler.send_header("Content-Length", str(size))
        else:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        chunk = b'{"pad": "' + b"x" * (64 * 1024 - 20) + b'"},\n'
        try:
            while server.bytes_sent < size:
                handler.wfile.write(chunk)
                server.bytes_sent += len(chunk)
        except OSError:
            pass
        finally:
            server.stream_done.set()

    return fault


def short_body(declared: int, body: bytes) -> Fault:
    """Declare ``declared`` bytes, send fewer, and hang up."""

    def fault(handler: _Handler, server: FakeServer) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(declared))
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()
        handler.close_connection = True

    return fault
