"""Crawling on Scrapyd nodes: spread the providers of a registry over nodes, schedule, wait, find the feeds.

Each provider becomes one Scrapyd job of the `programs` spider, with:

* its registry settings as the spider's `providers` argument (the JSON `catalog.crawl.run_crawl`
  hands the spider too) and its start URLs as `start_urls`,
* `INTERNSCOPE_DB=` (empty): the job has no catalog (a remote node has none), so the store
  pipeline is off and the job writes a feed (catalog/feed.py) instead,
* `FEEDS` naming the feed `<feeds>/<job id>.jl` when `feeds` is given (a directory the nodes and
  the scheduler share, or a storage URI Scrapy can write such as `s3://bucket/prefix`), and
  `FEED_EXPORTERS` making a node's own `items_dir` feed (Scrapyd sets FEEDS itself when its
  `items_dir` is set, and its setting wins) the same format, fetched from the node's items URL.

The job id is chosen here (Scrapyd's `jobid` parameter) so the feed's name is known before the
job starts. Providers are spread by their page budgets, largest first, each to the node with the
least budget so far (ties: the earlier node, then the provider's name): balanced and the same for
the same registry and nodes.

Only the standard library talks to Scrapyd (urllib): `schedule` runs where scrapyd-client is not
installed.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog.providers import Provider

__all__ = [
    "DEFAULT_PROJECT",
    "FleetError",
    "Job",
    "assign",
    "call",
    "credentials",
    "display",
    "feed_source",
    "parse_nodes",
    "schedule_jobs",
    "wait_for_jobs",
]

DEFAULT_PROJECT = "internscope"
SPIDER = "programs"
# The spider's page budget when a provider names none (scrapers/settings.py INTERNSCOPE_MAX_PAGES).
DEFAULT_BUDGET = 500
_TIMEOUT_S = 15.0
_GZIP_PLUGIN = "scrapy.extensions.postprocessing.GzipPlugin"
_REMOTE_SCHEMES = ("s3", "gs", "ftp", "sftp")


class FleetError(Exception):
    """A node that cannot be used or a job that cannot be scheduled; the message is one user-facing line."""


@dataclass(frozen=True)
class Job:
    provider: str
    node: str  # the node's base URL, ending in "/"
    job: str  # Scrapyd job id
    start_urls: tuple[str, ...]
    feed: str | None  # where the job writes its feed (file path or URI); None: the node's items_dir


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def parse_nodes(text: str | Iterable[str]) -> list[str]:
    """Scrapyd base URLs from `URL,URL` (or a list), each normalised to end in "/"; FleetError for a bad one."""
    raw = text.split(",") if isinstance(text, str) else list(text)
    nodes: list[str] = []
    for item in raw:
        url = item.strip()
        if not url:
            continue
        try:
            parts = urllib.parse.urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError as e:
            raise FleetError(f"bad node URL {url!r}: {e}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FleetError(f"bad node URL {url!r}: need http(s)://HOST:PORT of a Scrapyd node")
        if parts.query or parts.fragment:
            raise FleetError(f"bad node URL {url!r}: no query or fragment, just the node's address")
        normal = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/", "", ""))
        if normal not in nodes:
            nodes.append(normal)
    if not nodes:
        raise FleetError("no Scrapyd node given (--nodes URL,URL)")
    return nodes


def call(
    node: str, endpoint: str, *, data: Sequence[tuple[str, str]] | None = None,
    params: Mapping[str, str] | None = None, timeout: float = _TIMEOUT_S,
) -> dict[str, Any]:
    """One Scrapyd API call (POST when `data` is given); its JSON answer, or FleetError naming the node."""
    base, auth = credentials(node)
    url = urllib.parse.urljoin(base, endpoint)
    if params:
        url += "?" + urllib.parse.urlencode(params)
    body = urllib.parse.urlencode(list(data)).encode() if data is not None else None
    request = urllib.request.Request(url, data=body)
    if auth:
        request.add_header("Authorization", auth)
    shown = display(node)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as e:
        raise FleetError(f"node {shown}: {endpoint}: HTTP {e.code} {e.reason}") from None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", None) or e
        raise FleetError(f"node {shown} unreachable: {_one_line(reason)}") from None
    try:
        answer = json.loads(raw)
    except ValueError:
        raise FleetError(f"node {shown}: {endpoint}: not a Scrapyd answer (no JSON)") from None
    if not isinstance(answer, dict) or answer.get("status") != "ok":
        message = answer.get("message") if isinstance(answer, dict) else answer
        raise FleetError(f"node {shown}: {endpoint}: {_one_line(message)}")
    return answer


def credentials(node: str) -> tuple[str, str | None]:
    """(URL without user:password, the Basic Authorization header value) of `http://user:password@host:6800/`:
    a node with Scrapyd's `username` and `password` set. urllib does not send URL credentials itself."""
    parts = urllib.parse.urlsplit(node)
    if parts.username is None:
        return node, None
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password or "")
    host = parts.netloc.rsplit("@", 1)[1]
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return urllib.parse.urlunsplit(parts._replace(netloc=host)), f"Basic {token}"


def display(node: str) -> str:
    """The node's URL as printed: any password masked."""
    parts = urllib.parse.urlsplit(node)
    if parts.password is None:
        return node
    host = parts.netloc.rsplit("@", 1)[1]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def _budget(provider: Provider) -> int:
    return (provider.max_pages or DEFAULT_BUDGET) * len(provider.start_urls)


def assign(providers: Sequence[Provider], nodes: Sequence[str]) -> list[tuple[Provider, str]]:
    """Each provider with its node (see the module docstring), in the providers' order."""
    if not nodes:
        raise FleetError("no Scrapyd node given")
    load = dict.fromkeys(range(len(nodes)), 0)
    chosen: dict[int, int] = {}  # provider index -> node index
    order = sorted(range(len(providers)), key=lambda i: (-_budget(providers[i]), providers[i].name.casefold()))
    for i in order:
        node = min(load, key=lambda n: (load[n], n))
        chosen[i] = node
        load[node] += _budget(providers[i])
    return [(p, nodes[chosen[i]]) for i, p in enumerate(providers)]


def _feed_uri(feeds: str, job: str, gzip: bool) -> tuple[str, str]:
    """(URI for Scrapy's FEEDS, how to find it again) of a job's feed under `feeds`."""
    name = f"{job}.jl" + (".gz" if gzip else "")
    scheme = urllib.parse.urlsplit(feeds).scheme
    if scheme in _REMOTE_SCHEMES:
        uri = feeds.rstrip("/") + "/" + name
        return uri, uri
    if scheme == "file":
        feeds = urllib.request.url2pathname(urllib.parse.urlsplit(feeds).path)
    path = Path(feeds).expanduser().resolve() / name
    return path.as_uri(), str(path)


def _job_settings(feed_uri: str | None, gzip: bool, extra: Mapping[str, str]) -> list[tuple[str, str]]:
    options: dict[str, Any] = {"format": "internscope", "store_empty": True, "encoding": "utf-8"}
    if gzip:
        options["postprocessing"] = [_GZIP_PLUGIN]
    settings: dict[str, str] = {
        "INTERNSCOPE_DB": "",
        "FEED_EXPORTERS": json.dumps({"internscope": "catalog.feed.FeedItemExporter",
                                      "jsonlines": "catalog.feed.FeedItemExporter"}),
    }
    if feed_uri is not None:
        settings["FEEDS"] = json.dumps({feed_uri: options})
    settings.update(extra)
    return [("setting", f"{k}={v}") for k, v in settings.items()]


def schedule_jobs(
    plan: Sequence[tuple[Provider, str]],
    *,
    project: str = DEFAULT_PROJECT,
    feeds: str | None = None,
    gzip: bool = False,
    settings: Mapping[str, str] | None = None,
    on_job: Callable[[Job], None] | None = None,
) -> list[Job]:
    """Schedule one job per (provider, node); `on_job` sees each as soon as its node accepted it.

    Every node is asked for its status first, so an unreachable node fails before anything is scheduled.
    """
    for node in dict.fromkeys(node for _, node in plan):
        call(node, "daemonstatus.json")
    if feeds is not None and urllib.parse.urlsplit(feeds).scheme not in _REMOTE_SCHEMES:
        directory = Path(_feed_uri(feeds, "x", False)[1]).parent
        if not directory.is_dir():
            raise FleetError(f"feed directory {directory} does not exist (it must be shared with the nodes)")
    jobs: list[Job] = []
    for provider, node in plan:
        job_id = uuid.uuid4().hex
        feed_uri, feed_at = _feed_uri(feeds, job_id, gzip) if feeds is not None else (None, None)
        spider_config = {url: provider.spider_config() for url in provider.start_urls}
        data = [
            ("project", project),
            ("spider", SPIDER),
            ("jobid", job_id),
            *_job_settings(feed_uri, gzip, settings or {}),
            ("start_urls", ",".join(provider.start_urls)),
            ("providers", json.dumps(spider_config, separators=(",", ":"))),
        ]
        answer = call(node, "schedule.json", data=data)
        job = Job(provider.name, node, str(answer.get("jobid") or job_id), tuple(provider.start_urls), feed_at)
        jobs.append(job)
        if on_job is not None:
            on_job(job)
    return jobs


def wait_for_jobs(
    jobs: Sequence[Job],
    *,
    project: str = DEFAULT_PROJECT,
    timeout: float = 3600.0,
    poll: float = 1.0,
    on_finish: Callable[[Job, dict[str, Any]], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Poll each node's listjobs.json until every job is finished; job id -> its `finished` entry.

    FleetError when `timeout` seconds pass first (naming the jobs still pending or running).
    """
    deadline = time.monotonic() + timeout
    done: dict[str, dict[str, Any]] = {}
    by_node: dict[str, list[Job]] = {}
    for job in jobs:
        by_node.setdefault(job.node, []).append(job)
    while True:
        for node, node_jobs in by_node.items():
            if all(j.job in done for j in node_jobs):
                continue
            finished = {e.get("id"): e for e in call(node, "listjobs.json", params={"project": project})
                        .get("finished", [])}
            for job in node_jobs:
                if job.job not in done and job.job in finished:
                    done[job.job] = finished[job.job]
                    if on_finish is not None:
                        on_finish(job, finished[job.job])
        if len(done) == len(jobs):
            return done
        if time.monotonic() >= deadline:
            waiting = [f"{j.provider} ({j.job} on {display(j.node)})" for j in jobs if j.job not in done]
            raise FleetError(f"timed out after {timeout:g} s waiting for {len(waiting)} job(s): {', '.join(waiting)}")
        time.sleep(poll)


def feed_source(job: Job, finished: Mapping[str, Any] | None) -> str | None:
    """Where to read a finished job's feed: the file it was told to write when that exists here, else the
    node's items URL (Scrapyd's items_dir), else the URI it was told (None when there is nothing)."""
    if job.feed is not None and "://" not in job.feed and Path(job.feed).exists():
        return job.feed
    items_url = (finished or {}).get("items_url")
    if items_url:
        return urllib.parse.urljoin(job.node, str(items_url))  # with the node's credentials, if any
    return job.feed
