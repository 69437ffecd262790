"""Where a catalog's crawls keep their state between runs: the HTTP cache and the resumable jobs.

Next to the catalog file `X.db`:

* `X.db.httpcache/` holds the HTTP cache of every crawl into it (scrapers.httpcache): a re-crawl
  revalidates each page with If-None-Match / If-Modified-Since instead of downloading it again.
* `X.db.jobs/<key>/` is the Scrapy JOBDIR of the crawl of one set of start URLs (`key` is a hash of
  them): the pending requests, the requests already seen, the spider's state, and `job.json`, this
  module's marker, which ties the directory to its crawl run:

      {"start_urls": [...], "max_pages": N|null, "depth": N|null,   # written by the runner
       "run_id": N,                                                  # by the store pipeline at open
       "state": "running" | "stopped"}

  `running` until the worker closes the spider cleanly; a crawl stopped by SIGTERM/Ctrl-C (Scrapy
  writes its queue on the way out) is `stopped`; one still `running` after its worker died was
  killed (kill -9, power loss), and its queue on disk cannot be trusted (queuelib writes a queue's
  index only when it is closed). The directory is removed when a crawl finishes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = [
    "MARKER",
    "cache_dir",
    "discard_queue",
    "job_dir",
    "jobs_root",
    "read_marker",
    "resumable_jobs",
    "write_marker",
]

MARKER = "job.json"
# What Scrapy keeps in a JOBDIR: the scheduler's disk queue, the dupefilter's fingerprints and the
# SpiderState extension's pickle.
_SCRAPY_STATE = ("requests.queue", "requests.seen", "spider.state")


def _base(db_path: str | os.PathLike[str]) -> Path:
    # Absolute, so the same catalog reached through another working directory finds its state.
    return Path(db_path).expanduser().resolve()


def cache_dir(db_path: str | os.PathLike[str]) -> Path:
    """The HTTP cache directory of the catalog at `db_path`."""
    base = _base(db_path)
    return base.with_name(base.name + ".httpcache")


def jobs_root(db_path: str | os.PathLike[str]) -> Path:
    base = _base(db_path)
    return base.with_name(base.name + ".jobs")


def job_dir(db_path: str | os.PathLike[str], start_urls: Iterable[str]) -> Path:
    """The JOBDIR of the crawl of `start_urls` (order and repeats do not matter) into `db_path`."""
    key = hashlib.sha256("\n".join(sorted(set(start_urls))).encode("utf-8")).hexdigest()[:16]
    return jobs_root(db_path) / key


def read_marker(jobdir: str | os.PathLike[str]) -> dict[str, Any] | None:
    try:
        data = json.loads(Path(jobdir, MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_marker(jobdir: str | os.PathLike[str], **fields: Any) -> None:
    """Merge `fields` into the marker (created with its directory); atomic, so a kill leaves the old or new one."""
    path = Path(jobdir, MARKER)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {**(read_marker(jobdir) or {}), **fields}
    tmp = path.with_name(f".{MARKER}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def discard_queue(jobdir: str | os.PathLike[str]) -> None:
    """Forget Scrapy's state of a killed crawl: its resumed run starts again from the start URLs."""
    for name in _SCRAPY_STATE:
        path = Path(jobdir, name)
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def resumable_jobs(db_path: str | os.PathLike[str]) -> list[tuple[Path, dict[str, Any]]]:
    """(JOBDIR, marker) of every crawl into `db_path` that stopped before finishing, oldest first."""
    root = jobs_root(db_path)
    if not root.is_dir():
        return []
    jobs = []
    for path in root.iterdir():
        marker = read_marker(path)
        if marker is not None and marker.get("run_id") and marker.get("start_urls"):
            jobs.append((path, marker))
    return sorted(jobs, key=lambda job: int(job[1]["run_id"]))
