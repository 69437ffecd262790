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

Catalog crawls are incremental and resumable (catalog.jobs): the HTTP cache next to the
catalog makes a re-crawl ask each page with If-None-Match / If-Modified-Since, and every
crawl keeps a Scrapy JOBDIR next to the catalog until it finishes, so a crawl stopped by
SIGTERM or Ctrl-C (or killed) goes on with `resume=True`. The worker runs in its own
process group: a signal to this process's group reaches it once, forwarded from here.

This module stays import-light (no Scrapy import): `internscope --help` must be fast.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
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
    resumable: bool = False  # stopped before finishing, and `resume=True` can continue it


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
        except (subprocess.TimeoutExpired, KeyboardInterrupt):  # a second Ctrl-C: do not wait
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def _forward_sigterm(proc: subprocess.Popen[bytes]) -> Iterator[None]:
    """While the worker runs, SIGTERM to this process (`kill PID`, a scheduler stopping the job)
    is passed on to it: Scrapy then closes the spider cleanly, keeping its queue for a resume,
    instead of this process dying and leaving the worker to crawl on unattended."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def forward(signum: int, frame: Any) -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _resumable(db_path: str, urls: list[str]) -> tuple[Path, dict[str, Any]]:
    """The JOBDIR and marker (catalog.jobs) of the interrupted crawl that `resume` continues: the
    crawl of `urls`, or without URLs the catalog's only interrupted crawl."""
    from catalog import jobs

    if urls:
        jobdir = jobs.job_dir(db_path, urls)
        marker = jobs.read_marker(jobdir)
        if marker is None or not marker.get("run_id"):
            these = "this start URL" if len(urls) == 1 else "these start URLs"
            raise CrawlError(f"nothing to resume: no interrupted crawl of {these} in {db_path}")
        return jobdir, marker
    found = jobs.resumable_jobs(db_path)
    if not found:
        raise CrawlError(f"nothing to resume: no interrupted crawl in {db_path}")
    if len(found) > 1:
        runs = ", ".join(f"#{marker['run_id']}" for _, marker in found)
        raise CrawlError(f"{len(found)} interrupted crawls in {db_path} (runs {runs}): "
                         "give the start URLs (or the registry) of the one to resume")
    return found[0]


def _prepare_job(jobdir: Path, marker: dict[str, Any] | None, db_path: str, job: dict[str, Any]) -> None:
    """Under the catalog's write lock, before the worker starts: a new crawl drops what an earlier
    crawl of the same start URLs left and writes its marker; a resumed one checks its run is still
    open, and forgets Scrapy's queue if its crawl was killed (the queue's index is written only when
    Scrapy closes it): that crawl starts again from its start URLs, in the same run, and the HTTP
    cache answers for the pages it had fetched."""
    from catalog import jobs

    if marker is None:
        abandoned = (jobs.read_marker(jobdir) or {}).get("run_id")
        if abandoned:
            # Its run, killed and now never to be resumed, must not look like a crawl still running.
            _mark_killed(db_path, int(abandoned))
        shutil.rmtree(jobdir, ignore_errors=True)
        jobs.write_marker(jobdir, start_urls=job["start_urls"], max_pages=job["max_pages"], depth=job["depth"],
                          providers=job["providers"])
        return
    run_id = int(marker["run_id"])
    from catalog.db import CatalogError, open_catalog

    try:
        db = open_catalog(db_path, create=False, readonly=True)
    except CatalogError as e:
        raise CrawlError(str(e)) from None
    try:
        row = db.execute("SELECT finish_reason FROM crawl_runs WHERE id = ?", [run_id]).fetchone()
    finally:
        db.close()
    if row is None or row[0] == "finished":
        shutil.rmtree(jobdir, ignore_errors=True)
        why = "is not in the catalog" if row is None else "has finished"
        raise CrawlError(f"nothing to resume: crawl run {run_id} {why}")
    if marker.get("state") != "stopped":
        jobs.discard_queue(jobdir)


def _close_job(jobdir: Path, result_path: Path, db_path: str) -> None:
    """After the worker: a finished crawl's JOBDIR goes; one Scrapy closed early (SIGTERM, Ctrl-C) is
    kept, marked `stopped`; one whose worker died without closing the spider (kill -9) is kept as it
    is, and its crawl run gets the finish reason `killed`."""
    from catalog import jobs

    try:
        stats = json.loads(result_path.read_text(encoding="utf-8")).get("stats") or {}
    except (OSError, ValueError, AttributeError):
        stats = {}
    reason = stats.get("finish_reason")
    if reason == "finished":
        shutil.rmtree(jobdir, ignore_errors=True)
        return
    if reason == "disk_full":
        # Scrapy could not save its queue on the full disk (scrapers/diskfull.py): the marker stays `running`,
        # so the resumed crawl starts again from its start URLs in the same run, as after a kill.
        return
    if reason:
        jobs.write_marker(jobdir, state="stopped")
        return
    run_id = (jobs.read_marker(jobdir) or {}).get("run_id")
    if run_id:
        _mark_killed(db_path, int(run_id))


def _mark_killed(db_path: str, run_id: int) -> None:
    """Give crawl run `run_id` the finish reason `killed` if nothing closed it."""
    from catalog.db import CatalogError, open_catalog

    try:
        db = open_catalog(db_path, create=False)
    except CatalogError:
        return
    try:
        with db.atomic():
            db.execute(
                "UPDATE crawl_runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), finish_reason = 'killed' "
                "WHERE id = ? AND finished_at IS NULL",
                [run_id],
            )
    finally:
        db.close()


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
    # catalog.monitors (spidermon) records its verdicts in the stats and the run's row.
    failed = [str(m) for m in stats.get("internscope/monitors_failed") or []]
    if failed:
        details = {str(o.get("monitor")): o.get("detail") for o in stats.get("internscope/monitors") or []
                   if isinstance(o, dict)}
        named = "; ".join(f"{m}: {details[m]}" if details.get(m) else m for m in failed)
        return EXIT_CRAWL_FAILED, _one_line(f"monitors failed: {named}", limit=500)
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
    incremental: bool = True,
    resume: bool = False,
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

    `incremental` (the default) turns on the HTTP cache in `<db_path>.httpcache/`: a page
    cached by an earlier crawl is asked for with If-None-Match / If-Modified-Since, and on 304
    it is marked seen in the catalog without being extracted again. Every crawl keeps its
    Scrapy JOBDIR in `<db_path>.jobs/` until it finishes; `resume` continues the interrupted
    crawl of `start_urls` (or, with none, the catalog's only interrupted crawl) in its own
    crawl run, with its limits and providers unless given again.

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
    from catalog import jobs  # stdlib only

    marker: dict[str, Any] | None = None
    if resume:
        jobdir, marker = _resumable(os.fspath(db_path), urls)
        urls = urls or [str(u) for u in marker["start_urls"]]
        max_pages = marker.get("max_pages") if max_pages is None else max_pages
        depth = marker.get("depth") if depth is None else depth
        providers = marker.get("providers") if providers is None else providers
    else:
        jobdir = jobs.job_dir(db_path, urls)
    if not urls:
        raise CrawlError("no start URL given")
    overrides = _jsonable(dict(settings or {}))
    overrides["JOBDIR"] = str(jobdir)
    if marker is not None:
        overrides["INTERNSCOPE_RESUME_RUN"] = int(marker["run_id"])
    if incremental:
        overrides.setdefault("HTTPCACHE_ENABLED", True)
        overrides.setdefault("HTTPCACHE_DIR", str(jobs.cache_dir(db_path)))
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
            _prepare_job(jobdir, marker, os.fspath(db_path), job)
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
                    # Its own process group: Ctrl-C or a signal to our group reaches it once, from
                    # here (Scrapy takes a second signal as "stop now, uncleanly").
                    start_new_session=True,
                )
                relay = _relay_lines(proc, log_lines) if log_lines is not None and proc.stderr is not None else None
                try:
                    with _forward_sigterm(proc):
                        returncode = _wait(proc, progress_path, progress)
                except BaseException:  # KeyboardInterrupt included: never leave a crawler behind
                    _stop_child(proc)
                    _close_job(jobdir, result_path, os.fspath(db_path))
                    raise
                finally:
                    if relay is not None:
                        relay.join(timeout=_STOP_GRACE_SECONDS)  # the child has ended: its stderr is at EOF
            _close_job(jobdir, result_path, os.fspath(db_path))
        resumable = bool((jobs.read_marker(jobdir) or {}).get("run_id"))
        try:
            result = json.loads(result_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            lines = stderr_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            last = f": {_one_line(lines[-1])}" if lines else ""
            return CrawlResult(
                EXIT_WORKER_FAILED, _one_line(f"crawl worker exited with code {returncode}{last}"), {},
                resumable=resumable,
            )
    exit_code, reason = _verdict(result)
    return CrawlResult(exit_code, reason, dict(result.get("stats") or {}), resumable=resumable and exit_code != 0)
