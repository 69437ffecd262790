"""Loopback static-site server for tests, demos and the eval harness.

Serves every site directory under `ROOT/sites/<site>/` on its own 127.0.0.1 port,
like an ordinary static web server:

* the literal bytes `http://SITE_ROOT` in any served file become the site's origin
  (sitemaps, robots.txt and canonical links need absolute URLs),
* Content-Type from `mimetypes` (no charset is added: pages declare their own, and a
  windows-1252 page must not be announced as UTF-8),
* a directory serves its `index.html`; a directory URL without the trailing slash is
  redirected to it (301), as Apache/nginx do, so relative links resolve correctly,
* ETag and Last-Modified on every 200, and 304 for a matching If-None-Match (or, when
  there is none, an If-Modified-Since not older than the file),
* 404 for anything else, including paths that resolve outside the site root,
* no stderr logging; optionally one JSON line per response in a request log:
  `{"site", "method", "path", "status", "bytes", "ua"}` (bytes = body bytes sent),
* optionally a `delay` in seconds before each response, like a slow host (tests that must
  interrupt a crawl half-way use it).

    with serve_sites(Path("tests/fixtures")) as origins:   # {"tinyprov": "http://127.0.0.1:PORT"}
        ...

    python -m catalog.siteserver ROOT [--only SITE ...] [--log FILE]

prints `{"site": ..., "origin": ...}` per site, then `ready`, and serves until killed.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import json
import mimetypes
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit

__all__ = ["PLACEHOLDER", "RequestLog", "SiteServer", "serve_sites", "main"]

PLACEHOLDER = b"http://SITE_ROOT"


class RequestLog:
    """Thread-safe JSON-lines request log (the handler threads share one file)."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def write(self, entry: dict[str, Any]) -> None:
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            self._stream.write(line)
            self._stream.flush()


class _Handler(BaseHTTPRequestHandler):
    server: SiteServer
    server_version = "internscope-siteserver/1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # quiet: tests and the eval harness read the JSONL log instead

    def _note(self, status: int, nbytes: int) -> None:
        if self.server.request_log is not None:
            self.server.request_log.write(
                {
                    "site": self.server.site,
                    "method": self.command,
                    "path": self.path,
                    "status": status,
                    "bytes": nbytes,
                    "ua": self.headers.get("User-Agent", ""),
                }
            )

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # Unsupported methods and malformed requests arrive here from the base class too.
        self._note(code, 0)
        super().send_error(code, message, explain)

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def _target(self) -> tuple[Path | None, str | None]:
        """(file to serve, None) or (None, redirect location) or (None, None) for 404."""
        url_path = urlsplit(self.path).path
        path = unquote(url_path, errors="strict")  # invalid UTF-8 raises: answered with 404
        if not path.startswith("/") or "\x00" in path:
            return None, None
        root = self.server.root
        try:
            target = (root / path.lstrip("/")).resolve()
        except (OSError, ValueError):
            return None, None
        if target != root and root not in target.parents:
            return None, None  # traversal (../, encoded or via symlink) out of the site
        if target.is_dir():
            if not url_path.endswith("/"):
                query = urlsplit(self.path).query
                return None, url_path + "/" + (f"?{query}" if query else "")
            target = target / "index.html"
        return (target, None) if target.is_file() else (None, None)

    def _respond(self, head: bool) -> None:
        if self.server.delay > 0:
            time.sleep(self.server.delay)  # each request has its own thread (ThreadingHTTPServer)
        try:
            target, location = self._target()
        except UnicodeDecodeError:
            target, location = None, None
        if location is not None:
            self._note(301, 0)
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if target is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        body = target.read_bytes().replace(PLACEHOLDER, self.server.origin.encode("ascii"))
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        mtime = int(target.stat().st_mtime)
        last_modified = email.utils.formatdate(mtime, usegmt=True)
        if self._fresh(etag, mtime):
            self._note(304, 0)
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", last_modified)
            self.end_headers()
            return
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self._note(200, 0 if head else len(body))
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _fresh(self, etag: str, mtime: int) -> bool:
        # RFC 9110 13.2.2: If-None-Match takes precedence; If-Modified-Since only without it.
        inm = self.headers.get("If-None-Match")
        if inm:
            tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
            return "*" in tags or etag in tags
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                return email.utils.parsedate_to_datetime(ims).timestamp() >= mtime
            except (TypeError, ValueError, IndexError):
                return False
        return False


class SiteServer(ThreadingHTTPServer):
    """One site's server. `origin` is `http://127.0.0.1:PORT` once bound."""

    daemon_threads = True  # a hung client must not keep the interpreter alive
    # socketserver's listen backlog is 5: while the accepting thread waits for the GIL, a crawler's new
    # connections (one per request, HTTP/1.0) overflow it and the kernel drops their SYN, which the client
    # resends only after 1 s. bench/crawl.py measured 20-40 such stalls per 100 pages and a bare crawl at
    # 25-40 pages/s instead of ~100. 128 is what web servers use (nginx: 511).
    request_queue_size = 128

    def __init__(self, site: str, root: Path, *, host: str = "127.0.0.1", port: int = 0,
                 request_log: RequestLog | None = None, delay: float = 0.0) -> None:
        self.site = site
        self.root = root.resolve()
        self.request_log = request_log
        self.delay = delay
        super().__init__((host, port), _Handler)
        bound_host, bound_port = self.server_address[:2]
        self.origin = f"http://{bound_host}:{bound_port}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up mid-response (BrokenPipe) are not worth a traceback


def _site_dirs(root: Path, only: list[str] | None) -> list[Path]:
    sites_dir = Path(root) / "sites"
    if not sites_dir.is_dir():
        raise FileNotFoundError(f"no sites directory: {sites_dir}")
    sites = sorted(p for p in sites_dir.iterdir() if p.is_dir())
    if only is not None:
        unknown = sorted(set(only) - {p.name for p in sites})
        if unknown:
            raise ValueError(f"unknown site(s) under {sites_dir}: {', '.join(unknown)}")
        sites = [p for p in sites if p.name in only]
    return sites


@contextmanager
def serve_sites(
    root: Path,
    only: list[str] | None = None,
    *,
    host: str = "127.0.0.1",
    log: Path | str | None = None,
    delay: float = 0.0,
) -> Iterator[dict[str, str]]:
    """Serve `root/sites/*` (or just `only`), one port each; yield {site: origin}.

    `log` appends one JSON line per response to that file; `delay` seconds pass before each
    response. Servers run in daemon threads and are shut down (and their ports closed) when
    the block exits.
    """
    log_stream = open(log, "a", encoding="utf-8") if log is not None else None  # noqa: SIM115
    request_log = RequestLog(log_stream) if log_stream is not None else None
    servers: list[SiteServer] = []
    threads: list[threading.Thread] = []
    try:
        for site_dir in _site_dirs(Path(root), only):
            server = SiteServer(site_dir.name, site_dir, host=host, request_log=request_log, delay=delay)
            servers.append(server)
            thread = threading.Thread(
                target=server.serve_forever,
                # shutdown() waits for the next poll: a short interval makes leaving the
                # block (once per test) take milliseconds instead of up to half a second.
                kwargs={"poll_interval": 0.05},
                name=f"siteserver-{site_dir.name}",
                daemon=True,
            )
            thread.start()
            threads.append(thread)
        yield {s.site: s.origin for s in servers}
    finally:
        for server in servers:
            server.shutdown()  # returns once serve_forever has stopped
            server.server_close()
        for thread in threads:
            thread.join()
        if log_stream is not None:
            log_stream.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m catalog.siteserver",
        description="Serve ROOT/sites/<site>/ directories, each on its own loopback port.",
    )
    parser.add_argument("root", type=Path, help="directory holding sites/<site>/")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--only", nargs="+", default=None, metavar="SITE", help="serve only these sites")
    parser.add_argument("--log", type=Path, default=None, help="append a JSON line per response here")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before each response")
    args = parser.parse_args(argv)

    stop = threading.Event()

    def _stop(signum: int, frame: Any) -> None:
        stop.set()

    # SIGTERM (kill) and SIGINT (Ctrl-C) both end the wait so the servers shut down cleanly.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        with serve_sites(args.root, args.only, host=args.host, log=args.log, delay=args.delay) as origins:
            for site, origin in origins.items():
                print(json.dumps({"site": site, "origin": origin}), flush=True)
            print("ready", flush=True)
            while not stop.wait(3600):
                pass
    except (FileNotFoundError, ValueError, OSError) as exc:
        print(f"siteserver: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
