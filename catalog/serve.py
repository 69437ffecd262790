"""`internscope serve`: the catalog in Datasette, with the metadata the project ships.

Datasette runs as a child process (`python -m datasette serve`) so that its event
loop, signal handling and logging stay its own; this module writes the metadata
for the catalog's database name, picks the port, waits until Datasette answers
and stops it again. The catalog file is opened by Datasette with `mode=ro` (a
plain, mutable file, not `--immutable`), so a crawl may keep writing while
analysts browse: immutable mode would let SQLite skip locking and read torn pages.

Datasette 0.65 reads facets, canned queries, column descriptions and the
full-text table from metadata (1.0 moved some of them to a config file), hence
the pin in pyproject.toml. Imports of Datasette itself stay inside functions so
that every other `internscope` command starts without loading it.
"""

from __future__ import annotations

import copy
import errno
import json
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import click

from catalog.cli_common import CliError, db_option, open_read

__all__ = [
    "METADATA_TEMPLATE",
    "DatasetteServer",
    "ServeError",
    "database_name",
    "datasette_argv",
    "datasette_metadata",
    "datasette_server",
    "serve",
]

METADATA_TEMPLATE = Path(__file__).with_name("datasette") / "metadata.json"
# CSS and JS the metadata's extra_css_urls / extra_js_urls load, served at /STATIC_MOUNT/.
STATIC_DIR = Path(__file__).with_name("datasette") / "static"
STATIC_MOUNT = "internscope-static"
# The key the shipped metadata files its database under; replaced by the real name.
TEMPLATE_DATABASE = "internscope"
DEFAULT_PORT = 8001  # Datasette's own default, so its documentation's URLs apply
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
# Settings passed to every server, with why:
SETTINGS: tuple[tuple[str, str], ...] = (
    # Suggested facets run a GROUP BY per column on every table page: measured on 100k
    # programs the faceted page takes 2.4 s with them, 0.16 s without.
    ("suggest_facets", "off"),
    # `record` and `evidence` hold kilobytes of JSON per row; truncated cells keep the
    # table pages readable (the row page shows the full value).
    ("truncate_cells_html", "300"),
    # 50 rows a page: rendering 47 columns of HTML is most of the table page's time at 100k programs.
    ("default_page_size", "50"),
)
# Our array facet (catalog/datasette_plugins/array_facet.py) counts `flag_codes` from that one column;
# Datasette 0.65's own de-duplicates whole rows and times out at 100k programs, dropping the facet.
PLUGINS_DIR = Path(__file__).with_name("datasette_plugins")


class ServeError(Exception):
    """Datasette could not be started or stopped; the message is one user-facing line."""


def database_name(db_path: str | Path) -> str:
    """The name Datasette gives a database file: its file name without the extension."""
    return Path(db_path).stem


def datasette_metadata(db_name: str) -> dict[str, Any]:
    """The shipped metadata with its database section filed under `db_name`."""
    meta = json.loads(METADATA_TEMPLATE.read_text(encoding="utf-8"))
    meta = copy.deepcopy(meta)
    databases = meta.get("databases") or {}
    if TEMPLATE_DATABASE in databases:
        databases[db_name] = databases.pop(TEMPLATE_DATABASE)
    meta["databases"] = databases
    return meta


def datasette_argv(db_path: Path, metadata_path: Path, *, host: str, port: int) -> list[str]:
    argv = [
        sys.executable, "-m", "datasette", "serve", str(db_path),
        "--host", host, "--port", str(port), "--metadata", str(metadata_path),
        "--static", f"{STATIC_MOUNT}:{STATIC_DIR}", "--plugins-dir", str(PLUGINS_DIR),
    ]
    for name, value in SETTINGS:
        argv += ["--setting", name, value]
    return argv


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _probe_host(host: str) -> str:
    # A wildcard address accepts connections on loopback, which is where we ask.
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)


def _bind_check(host: str, port: int) -> int:
    """Fail early, with a clear message, when the port is taken; with port 0, pick a free one.

    The socket is closed again before Datasette binds, so another process could take a
    picked port in between; Datasette then exits and ServeError says so.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        # As uvicorn binds: connections of a server stopped a moment ago (TIME_WAIT) do not make
        # the port "in use", a socket listening on it still does.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                raise ServeError(f"port {port} on {host} is in use (choose another with --port, "
                                 "or --port 0 for any free port)") from None
            raise ServeError(f"cannot listen on {host} port {port}: {e.strerror or e}") from None
        return int(sock.getsockname()[1])


@dataclass
class DatasetteServer:
    """A running Datasette child: `url` is its root, e.g. http://127.0.0.1:8001/."""

    process: subprocess.Popen[bytes]
    url: str
    database: str

    def table_url(self, table: str) -> str:
        from datasette.utils import tilde_encode

        return f"{self.url}{tilde_encode(self.database)}/{quote(table)}"

    def query_url(self, name: str) -> str:
        return self.table_url(name)  # canned queries live at /db/name like tables

    def database_url(self) -> str:
        from datasette.utils import tilde_encode

        return f"{self.url}{tilde_encode(self.database)}"


def _wait_ready(proc: subprocess.Popen[bytes], url: str, timeout: float) -> None:
    """Poll Datasette's version endpoint until it answers 200, the child exits, or the deadline passes."""
    deadline = time.monotonic() + timeout
    probe = url + "-/versions.json"
    while True:
        if proc.poll() is not None:
            raise ServeError(f"Datasette exited with status {proc.returncode} before it answered "
                             "(its messages are above)")
        try:
            with urllib.request.urlopen(probe, timeout=2.0) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        if time.monotonic() >= deadline:
            raise ServeError(f"Datasette did not answer at {url} within {timeout:g} s")
        # Waiting on the child, not sleeping: returns at once if it dies meanwhile.
        with suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=0.05)


def stop_process(proc: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT_S) -> None:
    """SIGINT (what Ctrl-C sends, so Datasette shuts down as it would in a terminal), then TERM, then KILL."""
    for step in (lambda: proc.send_signal(signal.SIGINT), proc.terminate, proc.kill):
        if proc.poll() is not None:
            return
        try:
            step()
            proc.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            continue
        except KeyboardInterrupt:
            # A second Ctrl-C while stopping: stop waiting politely.
            proc.kill()
            proc.wait()
            raise
    proc.wait()


@contextmanager
def datasette_server(
    db_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    ready_timeout: float = READY_TIMEOUT_S,
    stdout: IO[Any] | int | None = None,
    stderr: IO[Any] | int | None = None,
) -> Iterator[DatasetteServer]:
    """Run Datasette on the catalog until the block exits; yields once it answers HTTP.

    `port` 0 picks a free port. `stdout`/`stderr` go to the child as in subprocess
    (None: inherited, so its log reaches the terminal). The child is stopped when the
    block exits, by an exception (KeyboardInterrupt included) or normally.
    """
    db_path = Path(db_path).expanduser().resolve()
    bound = _bind_check(host, port)
    name = database_name(db_path)
    with tempfile.TemporaryDirectory(prefix="internscope-serve-") as tmp:
        metadata_path = Path(tmp, "metadata.json")
        metadata_path.write_text(json.dumps(datasette_metadata(name), ensure_ascii=False), encoding="utf-8")
        proc = subprocess.Popen(
            datasette_argv(db_path, metadata_path, host=host, port=bound),
            stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
        )
        try:
            url = f"http://{_url_host(host)}:{bound}/"
            _wait_ready(proc, f"http://{_url_host(_probe_host(host))}:{bound}/", ready_timeout)
            yield DatasetteServer(process=proc, url=url, database=name)
        finally:
            stop_process(proc)


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 to let other machines connect).")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port to listen on (0: any free port).")
def serve(db_path: Path, host: str, port: int) -> None:
    """Browse the catalog in Datasette: faceted programs table, search box, canned queries."""
    # The same checks and one-line errors as every read command, before Datasette starts.
    open_read(db_path).close()
    try:
        with datasette_server(db_path, host=host, port=port) as server:
            click.echo(f"Serving {db_path} with Datasette at {server.url}")
            click.echo(f"  programs: {server.table_url('programs')}")
            click.echo("Press Ctrl-C to stop.")
            code = server.process.wait()
    except KeyboardInterrupt:
        # Ctrl-C is how a server is meant to end: the child is already stopped.
        click.echo("Stopped.")
        return
    except ServeError as e:
        raise CliError(str(e)) from None
    if code != 0:
        raise CliError(f"Datasette exited with status {code}")
