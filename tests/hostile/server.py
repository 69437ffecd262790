"""A programmable loopback HTTP server for the hostile-site tests.

Routes map a path (exact, or a prefix ending in `*`) to a handler that gets an `Exchange` and
answers however it likes: any status, headers and body, a body cut short, a connection closed
without a word, or no answer at all. Every request is recorded as a `Hit` (path, Host header,
time) before its handler runs, so a test can say exactly what the crawler asked for, and which
requests arrived under a host name other than the one the server was reached by (`foreign_hits`).

Handlers that stall (slow answers, hung connections) wait on the server's `stopping` event with
a deadline, never in a bare sleep: stopping the server releases them at once, and the deadline
bounds them even if a test forgets to stop it.

    with HostileServer() as server:
        server.add("/", lambda ex: ex.send(200, b"<a href='/x'>x</a>"))
        server.add("/slow", lambda ex: (ex.hold(5), ex.send(200, b"late")))
        ...  # crawl server.origin
        assert server.count("/x") == 1
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import urlsplit

__all__ = ["Exchange", "Hit", "HostileServer", "Route", "ipv6_loopback_available"]

# Longest any handler may stall: far longer than any crawl timeout the tests use, short enough
# that a forgotten server cannot hold a test run.
MAX_HOLD_S = 30.0


@dataclass(frozen=True)
class Hit:
    path: str  # path and query as requested
    host: str  # the Host header
    at: float  # time.monotonic() when the request line arrived
    method: str = "GET"


class Exchange:
    """One request, as a route handler sees it."""

    def __init__(self, handler: _Handler, server: HostileServer, hit: Hit, nth: int) -> None:
        self.handler = handler
        self.server = server
        self.hit = hit
        self.nth = nth  # 1 for the first request of this exact path (query included), 2 for the next ...
        parts = urlsplit(hit.path)
        self.path = parts.path
        self.query = parts.query
        self.headers = handler.headers

    def send(
        self,
        status: int,
        body: bytes | str = b"",
        *,
        content_type: str | None = "text/html; charset=utf-8",
        headers: Mapping[str, str] | None = None,
        length: int | None = None,
    ) -> None:
        """A whole response. `length` overrides Content-Length (a lie, for truncated transfers);
        `content_type=None` sends none."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.handler.send_response(status)
        if content_type is not None:
            self.handler.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.handler.send_header(name, value)
        self.handler.send_header("Content-Length", str(len(data) if length is None else length))
        self.handler.end_headers()
        self.write(data)

    def start(self, status: int, headers: Mapping[str, str]) -> None:
        """Status line and headers only; the body follows with `write` (and ends when the
        connection closes, HTTP/1.0 style, unless a Content-Length was given)."""
        self.handler.send_response(status)
        for name, value in headers.items():
            self.handler.send_header(name, value)
        self.handler.end_headers()

    def write(self, data: bytes) -> bool:
        """Send body bytes; False once the client has gone away."""
        try:
            self.handler.wfile.write(data)
            self.handler.wfile.flush()
        except OSError:
            return False
        return True

    def redirect(self, location: str, status: int = 302) -> None:
        self.send(status, b"", content_type=None, headers={"Location": location})

    def hold(self, seconds: float = MAX_HOLD_S) -> None:
        """Stall this request for `seconds` (at most MAX_HOLD_S), or until the server stops."""
        self.server.stopping.wait(min(seconds, MAX_HOLD_S))

    def drop(self) -> None:
        """Close the connection without an answer."""
        self.handler.close_connection = True
        with suppress(OSError):
            self.handler.connection.shutdown(socket.SHUT_RDWR)


Route = Callable[[Exchange], None]


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.0"  # one request per connection: a route may leave it broken
    server_version = "hostile/1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # the Hit list is the log

    def do_GET(self) -> None:
        owner = self.server.owner
        hit = Hit(self.path, self.headers.get("Host", ""), time.monotonic(), self.command)
        nth = owner._record(hit)
        route = owner.route_for(urlsplit(self.path).path)
        exchange = Exchange(self, owner, hit, nth)
        try:
            if route is None:
                exchange.send(404, b"<h1>Not found</h1>")
            else:
                route(exchange)
        except OSError:
            pass  # the crawler hung up first (timeouts, size limits): expected here

    do_HEAD = do_GET


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # held handlers are released by `stopping`, never joined
    owner: HostileServer


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


def ipv6_loopback_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


class HostileServer:
    """A loopback HTTP server with programmable routes and a record of every request."""

    def __init__(self, host: str = "127.0.0.1", name: str = "main") -> None:
        self.host = host
        self.name = name
        self.routes: dict[str, Route] = {}
        self.prefixes: dict[str, Route] = {}
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._hits: list[Hit] = []
        self._counts: dict[str, int] = {}
        cls = _HTTPServer6 if ":" in host else _HTTPServer
        self._httpd = cls((host, 0), _Handler)
        self._httpd.owner = self
        self.port: int = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None

    # -- routes ---------------------------------------------------------------------------

    def add(self, path: str, route: Route) -> None:
        """Route `path` exactly, or every path starting with it when it ends with `*`."""
        if path.endswith("*"):
            self.prefixes[path[:-1]] = route
        else:
            self.routes[path] = route

    def route_for(self, path: str) -> Route | None:
        if path in self.routes:
            return self.routes[path]
        best = max((p for p in self.prefixes if path.startswith(p)), key=len, default=None)
        return self.prefixes[best] if best is not None else None

    # -- addresses ------------------------------------------------------------------------

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def origin(self) -> str:
        return f"http://{self.netloc}"

    def url(self, path: str) -> str:
        return self.origin + path

    # -- the record -----------------------------------------------------------------------

    def _record(self, hit: Hit) -> int:
        with self._lock:
            self._hits.append(hit)
            self._counts[hit.path] = self._counts.get(hit.path, 0) + 1
            return self._counts[hit.path]

    @property
    def hits(self) -> list[Hit]:
        with self._lock:
            return list(self._hits)

    def count(self, path: str) -> int:
        """Requests for exactly this path (query included)."""
        return sum(1 for h in self.hits if h.path == path)

    def count_prefix(self, prefix: str) -> int:
        return sum(1 for h in self.hits if h.path.startswith(prefix))

    def paths(self) -> list[str]:
        return [h.path for h in self.hits]

    def foreign_hits(self) -> list[Hit]:
        """Requests that named another host in their Host header (`localhost:PORT` for a server
        on 127.0.0.1): the crawler reached this server through a name it must not use."""
        return [h for h in self.hits if h.host.lower() != self.netloc]

    # -- life -----------------------------------------------------------------------------

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True,
            name=f"hostile-{self.name}",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # releases held handlers first
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

