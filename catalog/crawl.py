"""Crawl runner: start the `programs` spider of scrapers/ for the catalog's CLI and eval harness.

Each crawl runs in a child process (`python -m catalog.crawl_worker JOB.json`): the
Twisted reactor cannot be restarted inside one Python process, and the CLI tests and
the eval harness run many crawls from one process. The child loads `scrapers.settings`
(SCRAPY_SETTINGS_MODULE is set explicitly, so any working directory works), applies
this call's overrides, runs the crawl with CrawlerProcess and writes its final stats
as JSON to a temporary file that this process reads back.

This process holds the catalog's write lock (catalog.lock) for the whole crawl, and
passes its descriptor to the child, so the lock lasts while either of them lives. With a
`progress` callback it polls the snapshot the child rewrites (catalog.crawlstats) and
hands it over at most every PROGRESS_POLL_S seconds.

This module stays import-light (no Scrapy import): `internscope --help` must be fast.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["CrawlError", "CrawlLocked", "CrawlResult", "run_crawl", "validate_start_url"]

# Directory that holds the scrapers/, pipelines/ and catalog/ packages (the repo root,
# or site-packages when installed): put on the child's PYTHONPATH.
_PROJECT_ROOT = Path(__file__).resolve().parent.parent
_WORKER_MODULE = "catalog.crawl_worker"
_SETTINGS_MODULE = "scrapers.settings"
# Exit codes of CrawlResult: 0 finished, 1 the crawl ran but failed (unreachable start
# URL, not finished), 2 the crawl could not run at all (worker error).
EXIT_OK, EXIT_CRAWL_FAILED, EXIT_WORKER_FAILED = 0, 1, 2
_STOP_GRACE_SECONDS = 30
# How often the parent reads the child's progress snapshot (the child rewrites it every 0.25 s).
PROGRESS_POLL_S = 0.5
_ASCII_HOST = re.compile(r"^[a-z0-9_.-]+$")
# Schemes written without "//" that are clearly not a forgotten http://
_OTHER_SCHEMES = frozenset({"mailto", "javascript", "data", "tel", "file", "about", "urn"})


class CrawlError(Exception):
    """A crawl that cannot be started; the message is one user-facing line."""


class CrawlLocked(CrawlError):
    """Another process is writing to the catalog (catalog.lock); nothing was crawled."""


@dataclass
class CrawlResult:
    exit_code: int  # 0 = crawl finished; non-zero otherwise
    reason: str  # one line, e.g. "finished" or "start URL unreachable: http://...: Connection refused"
    stats: dict[str, Any] = field(default_factory=dict)  # Scrapy stats (JSON-safe)


def _bad(url: object, why: str) -> CrawlError:
    return CrawlError(f"bad URL: {url!r}: {why}")


def _check_host(url: str, host: str) -> None:
    if ":" in host:  # urlsplit strips the brackets of an IPv6 literal
        try:
            ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            raise _bad(url, "invalid IPv6 address") from None
        return
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise _bad(url, "invalid host name") from None
    if not _ASCII_HOST.match(ascii_host) or ".." in ascii_host or ascii_host.startswith("."):
        raise _bad(url, "invalid host name")


def validate_start_url(url: str) -> str:
    """Return the normalised form of an http(s) start URL or raise CrawlError("bad URL: ...")."""
    if not isinstance(url, str):
        raise _bad(url, "not a string")
    text = url.strip()
    if not text:
        raise _bad(url, "empty")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise _bad(url, "contains whitespace or control characters")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise _bad(url, str(exc)) from None
    scheme = parts.scheme.lower()
    if "://" not in text and scheme not in _OTHER_SCHEMES:
        # "example.org/x" or "localhost:8080": a host without a scheme
        raise _bad(url, "missing scheme, write http:// or https://")
    if scheme not in ("http", "https"):
        raise _bad(url, "only http and https URLs can be crawled")
    if not parts.hostname:
        raise _bad(url, "no host")
    if port == 0:
        raise _bad(url, "port 0")
    _check_host(url, parts.hostname)
    from w3lib.url import canonicalize_url  # light (no Scrapy); deferred like everything here

    return canonicalize_url(text)


def _jsonable(value: Any) -> Any:
    """Make call-site settings JSON-serialisable for the job file (Path keys and values)."""
    if isinstance(value, dict):
        return {os.fspath(k) if isinstance(k, os.PathLike) else k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return value


def _optional_count(value: int | None, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CrawlError(f"{name} must be a whole number >= 0, got {value!r}")
    return value


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _stop_child(proc: subprocess.Popen[bytes]) -> None:
    """Ask the worker to shut down like Ctrl-C would (Scrapy closes the spider cleanly,
    so the store pipeline can close its crawl run), then kill it if it does not."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=_STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _relay_lines(proc: subprocess.Popen[bytes], log_lines: Callable[[str], None]) -> threading.Thread:
    """Hand each line of the worker's stderr to `log_lines`, from a thread (the main one waits
    for the worker and polls its progress)."""
    stream = proc.stderr
    assert stream is not None

    def relay() -> None:
        for raw in iter(stream.readline, b""):
            log_lines(raw.decode("utf-8", errors="replace").rstrip("\r\n"))
        stream.close()

    thread = threading.Thread(target=relay, name="crawl-log-relay", daemon=True)
    thread.start()
    return thread


def _wait(
    proc: subprocess.Popen[bytes], progress_path: Path, progress: Callable[[dict[str, Any]], None] | None
) -> int:
    """Wait for the worker; meanwhile hand each new progress snapshot to `progress`
    (polled every PROGRESS_POLL_S seconds, and once more when the worker has ended)."""
    if progress is None:
        return proc.wait()
    from catalog.crawlstats import read_progress

    last: dict[str, Any] | None = None
    while True:
        try:
            returncode: int | None = proc.wait(timeout=PROGRESS_POLL_S)
        except subprocess.TimeoutExpired:
            returncode = None
        snapshot = read_progress(progress_path)
        if snapshot is not None and snapshot != last:
            last = snapshot
            progress(snapshot)
        if returncode is not None:
            return returncode


def _verdict(result: dict[str, Any]) -> tuple[int, str]:
    if result.get("error"):
        return EXIT_WORKER_FAILED, _one_line(f"crawl failed: {result['error']}")
    stats = result.get("stats") or {}
    failures = [str(f) for f in stats.get("internscope/start_url_errors") or []]
    if failures:
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        return EXIT_CRAWL_FAILED, _one_line(f"start URL unreachable: {failures[0]}{more}")
    finish_reason = stats.get("finish_reason")
    if finish_reason != "finished":
        return EXIT_CRAWL_FAILED, _one_line(f"crawl did not finish: {finish_reason or 'no finish reason'}")
    return EXIT_OK, "finished"


def run_crawl(
    start_urls: list[str],
    db_path: str,
    *,
    max_pages: int | None = None,
    depth: int | None = None,
    settings: dict[str, Any] | None = None,
    quiet: bool = False,
    verbose: bool = False,
    providers: Mapping[str, Mapping[str, Any]] | None = None,
    progress: Callable[[dict[str, Any]], None] | None = None,
    log_lines: Callable[[str], None] | None = None,
    log_file: str | os.PathLike[str] | None = None,
) -> CrawlResult:
    """Crawl `start_urls` with the `programs` spider into the catalog at `db_path`.

    `max_pages` (per start URL) and `depth` override INTERNSCOPE_MAX_PAGES and
    DEPTH_LIMIT (0 = unlimited for both); `settings` overrides any other Scrapy setting
    (JSON-serialisable values). The crawl log goes to stderr at WARNING level, INFO
    with `verbose` (or the level of an explicit settings["LOG_LEVEL"]), nothing with
    `quiet`; tracebacks are never printed.

    `providers` maps start URLs to provider settings (`Provider.spider_config()` of
    catalog.providers), handed to the spider as its `providers` argument. `progress` is
    called with a snapshot dict (catalog.crawlstats.progress_snapshot) while the crawl
    runs and once at its end. `log_lines`, when not quiet, receives each line the crawl
    logs instead of the line going to stderr (so a progress line can stay below them).
    `log_file` gets the crawl's log as JSON lines (INFO and up,
    also when quiet).

    Raises CrawlLocked when another process holds the catalog's write lock, CrawlError
    for arguments that cannot start a crawl (bad URL, no URL); every other outcome is a
    CrawlResult.
    """
    if isinstance(start_urls, str):
        start_urls = [start_urls]
    urls: list[str] = []
    for raw in start_urls:
        url = validate_start_url(raw)
        if url not in urls:
            urls.append(url)
    if not urls:
        raise CrawlError("no start URL given")
    overrides = _jsonable(dict(settings or {}))
    if quiet:
        log_level = None
    elif "LOG_LEVEL" in overrides:
        log_level = str(overrides["LOG_LEVEL"]).upper()
    else:
        log_level = "INFO" if verbose else "WARNING"
    job = {
        "start_urls": urls,
        "db_path": os.fspath(db_path),
        "max_pages": _optional_count(max_pages, "max_pages"),
        "depth": _optional_count(depth, "depth"),
        "settings": overrides,
        "log_level": log_level,
        "providers": _jsonable(dict(providers)) if providers else None,
        "log_file": os.fspath(log_file) if log_file is not None else None,
    }

    env = dict(os.environ)
    env["SCRAPY_SETTINGS_MODULE"] = _SETTINGS_MODULE
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_PROJECT_ROOT), env.get("PYTHONPATH", "")) if p)

    from catalog.db import CatalogError  # deferred: keeps `internscope --help` light
    from catalog.lock import CatalogLocked, catalog_write_lock

    with tempfile.TemporaryDirectory(prefix="internscope-crawl-") as tmp:
        job_path = Path(tmp, "job.json")
        result_path = Path(tmp, "result.json")
        stderr_path = Path(tmp, "stderr.txt")
        progress_path = Path(tmp, "progress.json")
        job["result_path"] = str(result_path)
        if progress is not None:
            job["progress_path"] = str(progress_path)
        try:
            job_path.write_text(json.dumps(job), encoding="utf-8")
        except (TypeError, ValueError) as exc:
            raise CrawlError(f"settings must be JSON-serialisable: {_one_line(str(exc))}") from None
        with contextlib.ExitStack() as stack:
            try:
                held = stack.enter_context(catalog_write_lock(db_path, "crawl"))
            except CatalogLocked as e:
                raise CrawlLocked(str(e)) from None
            except CatalogError as e:
                raise CrawlError(str(e)) from None
            # Quiet crawls keep the child's stderr in a file, read only if the worker dies
            # without writing a result; otherwise the log streams to the user's stderr.
            with open(stderr_path, "wb") as stderr_file:
                proc = subprocess.Popen(
                    [sys.executable, "-m", _WORKER_MODULE, str(job_path)],
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL if quiet else None,
                    stderr=stderr_file if quiet else (subprocess.PIPE if log_lines is not None else None),
                    pass_fds=(held.fd,),  # the child keeps the catalog locked even if this process dies
                )
                relay = _relay_lines(proc, log_lines) if log_lines is not None and proc.stderr is not None else None
                try:
                    returncode = _wait(proc, progress_path, progress)
                except BaseException:  # KeyboardInterrupt included: never leave a crawler behind
                    _stop_child(proc)
                    raise
                finally:
                    if relay is not None:
                        relay.join(timeout=_STOP_GRACE_SECONDS)  # the child has ended: its stderr is at EOF
        try:
            result = json.loads(result_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            lines = stderr_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            last = f": {_one_line(lines[-1])}" if lines else ""
            return CrawlResult(
                EXIT_WORKER_FAILED, _one_line(f"crawl worker exited with code {returncode}{last}"), {}
            )
    exit_code, reason = _verdict(result)
    return CrawlResult(exit_code, reason, dict(result.get("stats") or {}))
