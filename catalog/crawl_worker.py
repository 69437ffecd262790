"""Child process of `catalog.crawl.run_crawl`: one Scrapy crawl per process.

    python -m catalog.crawl_worker JOB.json

JOB.json (written by run_crawl): {"start_urls", "db_path", "max_pages", "depth",
"settings", "log_level" (None = quiet), "result_path"} and optionally "providers" (the
spider's `providers` argument: start URL -> provider settings), "progress_path" (a JSON
progress snapshot rewritten while crawling, catalog.crawlstats.ProgressFile) and
"log_file" (JSON log lines appended at INFO, plus one per fetched response, whatever
"log_level" says). The worker always writes
RESULT.json = {"stats": {...JSON-safe Scrapy stats...}, "error": str | None} and
prints no traceback: log records are formatted on one line, exceptions reduced to
their type and message.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

SPIDER_NAME = "programs"
_LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _describe(exc: BaseException) -> str:
    message = _one_line(str(exc))
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


class OneLineFormatter(logging.Formatter):
    """Log records without tracebacks: an exception becomes ` (Type: message)`."""

    def formatException(self, ei: Any) -> str:  # noqa: N802 - logging API
        return ""

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 - logging API
        return ""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        # Twisted's "Unhandled error in Deferred" and similar put the traceback in the message.
        text = text.split("Traceback (most recent call last)", 1)[0].rstrip()
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            if _one_line(str(exc)) not in text:  # many messages already quote the exception
                text += f" ({_describe(exc)})"
        return text


def _install_logging(level: str | None, log_file: str | None = None) -> None:
    """Route all logging to stderr at `level`, or nowhere when None (quiet); and, with
    `log_file`, as JSON lines to that file at INFO either way."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.setLevel(logging.NOTSET)  # let handler levels decide, as Scrapy's own root handler does
    if log_file:
        from catalog.crawlstats import json_log_handler

        root.addHandler(json_log_handler(log_file))
    if level is None:
        root.addHandler(logging.NullHandler())  # no logging.lastResort output either
        return
    handler = logging.StreamHandler(sys.stderr)
    numeric = logging.getLevelName(level.upper())
    handler.setLevel(numeric if isinstance(numeric, int) else logging.WARNING)
    handler.setFormatter(OneLineFormatter(_LOG_FORMAT, "%Y-%m-%d %H:%M:%S"))
    root.addHandler(handler)


def jsonable(value: Any) -> Any:
    """Scrapy stats hold datetimes (start_time, finish_time) and may hold other objects."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """Run the crawl described by `job`; return {"stats", "error"}."""
    # run_crawl sets this too; setting it here keeps `python -m catalog.crawl_worker`
    # usable on its own from any working directory.
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "scrapers.settings")
    _install_logging(job.get("log_level"), job.get("log_file"))

    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.setdict(job.get("settings") or {}, priority="cmdline")
    # Explicit arguments win over the free-form settings overrides.
    settings.set("INTERNSCOPE_DB", job["db_path"], priority="cmdline")
    if job.get("max_pages") is not None:
        settings.set("INTERNSCOPE_MAX_PAGES", int(job["max_pages"]), priority="cmdline")
    if job.get("depth") is not None:
        settings.set("DEPTH_LIMIT", int(job["depth"]), priority="cmdline")
    # Our handler (above) replaces Scrapy's root handler, so the level and the
    # no-traceback formatting apply to every log record of the crawl.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    if job.get("progress_path"):
        # Added to, not replacing, the project's extensions (the provider-aware AutoThrottle).
        extensions = dict(settings.getdict("EXTENSIONS"))
        extensions["catalog.crawlstats.ProgressFile"] = 900
        settings.set("EXTENSIONS", extensions, priority="cmdline")
        settings.set("INTERNSCOPE_PROGRESS_FILE", job["progress_path"], priority="cmdline")

    process = CrawlerProcess(settings)
    crawler = process.create_crawler(SPIDER_NAME)
    bootstrap_errors: list[BaseException] = []

    def _failed(failure: Any) -> None:
        # Raised while starting the crawl (a pipeline that cannot be imported, a bad
        # spider argument): recorded instead of being logged as an unhandled error.
        bootstrap_errors.append(failure.value)

    spider_args: dict[str, Any] = {"start_urls": job["start_urls"]}
    if job.get("providers"):
        spider_args["providers"] = json.dumps(job["providers"])
    deferred = process.crawl(crawler, **spider_args)
    deferred.addErrback(_failed)
    process.start()

    stats_collector = getattr(crawler, "stats", None)
    stats = jsonable(dict(stats_collector.get_stats())) if stats_collector is not None else {}
    error = _describe(bootstrap_errors[0]) if bootstrap_errors else None
    return {"stats": stats, "error": error}


def _write_result(path: Path, result: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, default=str), encoding="utf-8")
    tmp.replace(path)  # the parent never sees a half-written file


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m catalog.crawl_worker JOB.json", file=sys.stderr)
        return 2
    job = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    result: dict[str, Any] = {"stats": {}, "error": None}
    try:
        result = run_job(job)
    except Exception as exc:  # the parent turns this into a one-line reason
        result["error"] = _describe(exc)
    _write_result(Path(job["result_path"]), result)
    return 0 if result["error"] is None else 2


if __name__ == "__main__":
    sys.exit(main())
