"""Catalog benchmark: bulk write, filtered listing, ranked search and the faceted Datasette page at 100,000 programs.

The catalog is generated (bench/catalog_data.py: 30 countries, 300 providers, 1-4 fees, 0-4 flags, a short
page text each), deterministic per seed, in chunks so memory stays at one chunk's worth.

* Write: every chunk is written twice, alternately first, into two fresh catalogs of the same schema:
  by a plain sqlite3 executemany of the rows our bulk path writes, built before the clock starts, on a
  connection with SQLite's defaults (the baseline: what the storage engine costs), and by
  `catalog.bulk.store_records` from the items (our path: validation, hashing, row building, lookups and
  its own connection settings included). Both in the same process on the same machine state, so the
  ratio of their speeds is comparable across machines. Target: ours >= 0.5x the baseline.
* Filtered listing: `catalog.queries.iter_programs` with country + max EUR per week + supervised, sorted
  by price, top 50, over several countries and limits. Target: median < 10 ms.
* Ranked search: `catalog.queries.search_programs`, top 20, over rare and very common words. Target: median
  < 50 ms.
* Datasette: the `programs` table page (Datasette 0.65, in-process client) with the project's metadata and
  settings (catalog/serve.py) and the facets country, provider, participation and flag_codes (array).
  Target: median < 500 ms, with every facet computed (none timed out). Datasette's own array facet
  cannot meet it (see catalog/datasette_plugins/array_facet.py), so the page is also measured with that
  plugin when `internscope serve` does not load it.

The load average is printed with the figures: on a shared machine other processes' load inflates every
timing (the write ratio least, since both sides pay it).

    python -m bench.catalog [--programs N] [--runs N] [--dir DIR] [--json]

Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import sqlite_utils

from bench.catalog_data import generate_items, rare_words
from catalog.bulk import entry, program_row, store_records
from catalog.db import open_catalog
from catalog.queries import ProgramFilter, iter_programs, program_query, search_programs
from catalog.rates import RateTable, load_rate_table
from catalog.store import _claims, _fee_rows, _flag_rows, _fts_row, _provider_key, start_run

TARGET_WRITE_RATIO = 0.5
TARGET_FILTER_MS = 10.0
TARGET_SEARCH_MS = 50.0
TARGET_DATASETTE_MS = 500.0

FILTER_COUNTRIES = ("KE", "GH", "NP", "PE", "KH", "TZ", "IN", "UG", "MX", "ZA")
FILTER_MAX_EUR = (250.0, 450.0, 800.0)
# Rare words, places, providers and prefixes, then words on nearly every page: the expensive case for ranking.
SEARCH_QUERIES = (
    "Kestrel Electives", "Moshi", "malaria ward", "neonatal", "physio", "dentistry kenya", "Pokhara nursing",
    "oncology Cusco", "midwifery", "radiography", "teaching hospital",
    "hospital", "medical students", "clinical placement", "the", "community health",
)
DATASETTE_FACETS = ("country", "provider", "participation", "flag_codes")  # flag_codes: an array facet
ROOT = Path(__file__).resolve().parent.parent
PLUGINS_DIR = ROOT / "catalog" / "datasette_plugins"


# ---------------------------------------------------------------- write


class BaselineRows:
    """The rows `store_records` writes for all-new items, pre-built for the baseline (same builders)."""

    def __init__(self, run_id: int, rates: RateTable) -> None:
        self.run_id = run_id
        self.rates = rates
        self.next_id = 1
        self.providers: dict[str, int] = {}
        self.columns: dict[str, list[str]] = {}

    def build(self, items: Iterable[Mapping[str, Any]]) -> dict[str, list[tuple[Any, ...]]]:
        rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in
                                                   ("pages", "providers", "programs", "fees", "flags", "claims",
                                                    "programs_fts")}
        seen: dict[str, list[Any]] = {}
        programs: list[dict[str, Any]] = []
        fees: list[dict[str, Any]] = []
        flags: list[dict[str, Any]] = []
        claims: list[dict[str, Any]] = []
        for obj in items:
            e = entry(obj, self.run_id, "")
            assert e.page is not None and e.record is not None, "the generated items are valid program pages"
            self.columns.setdefault("pages", list(e.page))
            rows["pages"].append(tuple(e.page.values()))
            name = e.record["provider"]
            key = _provider_key(name)
            if key not in self.providers:
                self.providers[key] = len(self.providers) + 1
            if key in seen:
                seen[key][3] = max(seen[key][3], e.seen_at)
            else:
                seen[key] = [name, key, e.seen_at, e.seen_at]
            row = program_row(e, self.rates, self.run_id, self.providers[key])
            row["id"] = self.next_id
            programs.append(row)
            url = e.record["url"]
            fees += _fee_rows(url, e.record)
            flags += _flag_rows(url, e.record)
            claims += _claims(url, e.record)
            rows["programs_fts"].append(tuple(_fts_row(self.next_id, e.record, e.main_text)))
            self.next_id += 1
        rows["providers"] = [tuple(v) for v in seen.values()]
        for table, dicts in (("programs", programs), ("fees", fees), ("flags", flags), ("claims", claims)):
            rows[table] = [tuple(d.values()) for d in dicts]
        self.columns.update({t: list(d[0]) for t, d in (("programs", programs), ("fees", fees), ("flags", flags),
                                                   ("claims", claims)) if d})
        return rows


def write_baseline(conn: sqlite3.Connection, rows: Mapping[str, list[tuple[Any, ...]]],
                   columns: Mapping[str, list[str]], run_id: int, n_pages: int) -> None:
    """One transaction of plain executemany calls: the storage engine's cost for these rows."""
    conn.execute("BEGIN")
    cols = columns["pages"]
    conn.executemany(f"INSERT INTO pages ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows["pages"])
    # Providers recur across chunks; 300 rows, so the upsert costs nothing measurable.
    conn.executemany("INSERT INTO providers (name, name_key, first_seen, last_seen) VALUES (?, ?, ?, ?) "
                     "ON CONFLICT(name_key) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)",
                     rows["providers"])
    for table in ("programs", "fees", "flags", "claims"):
        cols = columns[table]
        conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                         rows[table])
    conn.executemany("INSERT INTO programs_fts (rowid, title, provider, places, main_text) VALUES (?, ?, ?, ?, ?)",
                     rows["programs_fts"])
    conn.execute("UPDATE crawl_runs SET pages_seen = pages_seen + ?, programs_new = programs_new + ? WHERE id = ?",
                 [n_pages, n_pages, run_id])
    conn.execute("COMMIT")


def _fresh(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _timed(fn: Callable[..., Any], *args: Any) -> float:
    gc.collect()  # neither side pays for the other's garbage
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def measure_write(directory: Path, n: int, chunk: int, seed: int, *, log: Callable[[str], None]) -> dict[str, Any]:
    """Write n generated programs both ways, chunk by chunk, alternating which goes first."""
    base_path, ours_path = directory / "baseline.db", directory / "internscope.db"
    for path in (base_path, ours_path):
        _fresh(path)
    setup = open_catalog(base_path)
    base_run = start_run(setup, ["bench"])
    setup.close()
    db = open_catalog(ours_path)
    run_id = start_run(db, ["bench"])
    rates = load_rate_table(db)
    baseline = BaselineRows(base_run, rates)
    # Plain sqlite3 with its defaults (autocommit off via isolation_level=None so BEGIN/COMMIT are ours).
    conn = sqlite3.connect(base_path, isolation_level=None)
    base_s = ours_s = 0.0
    chunks: list[dict[str, float]] = []
    for number, start in enumerate(range(0, n, chunk)):
        items = list(generate_items(min(chunk, n - start), seed=seed, start=start))
        rows = baseline.build(items)
        timings: dict[str, float] = {}
        for side in ("baseline", "ours") if number % 2 == 0 else ("ours", "baseline"):
            if side == "baseline":
                timings[side] = _timed(write_baseline, conn, rows, baseline.columns, base_run, len(items))
            else:
                timings[side] = _timed(store_records, db, run_id, items)
        del rows, items
        base_s += timings["baseline"]
        ours_s += timings["ours"]
        chunks.append(timings)
        log(f"  chunk {number + 1}: baseline {timings['baseline']:.2f} s, ours {timings['ours']:.2f} s")
    conn.close()
    db.close()
    return {
        "programs": n,
        "baseline_s": round(base_s, 2),
        "ours_s": round(ours_s, 2),
        "baseline_per_s": round(n / base_s),
        "ours_per_s": round(n / ours_s),
        "ratio": round(base_s / ours_s, 3),
        "chunk_ratio_median": round(statistics.median(c["baseline"] / c["ours"] for c in chunks), 3),
        "path": str(ours_path),
    }


# ---------------------------------------------------------------- reads


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def measure_filter(db: sqlite_utils.Database, runs: int) -> dict[str, Any]:
    filters = [ProgramFilter(countries=[c], max_per_week_eur=m, supervised=True, sort="price", limit=50)
               for c in FILTER_COUNTRIES for m in FILTER_MAX_EUR]
    for f in filters:  # warm the page cache, as an analyst's second query would find it
        list(iter_programs(db, f))
    samples = []
    rows = 0
    for i in range(runs):
        f = filters[i % len(filters)]
        t0 = time.perf_counter()
        rows += len(list(iter_programs(db, f)))
        samples.append(time.perf_counter() - t0)
    sql, params = program_query(filters[0])
    plan = [r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
    return {"median_ms": _median_ms(samples), "max_ms": round(max(samples) * 1000, 2),
            "mean_rows": round(rows / runs, 1), "plan": plan}


def measure_search(db: sqlite_utils.Database, runs: int, seed: int) -> dict[str, Any]:
    queries = (*rare_words(seed), *SEARCH_QUERIES)
    for q in queries:
        search_programs(db, q, limit=20)
    per_query: dict[str, list[float]] = {q: [] for q in queries}
    for i in range(runs):
        q = queries[i % len(queries)]
        t0 = time.perf_counter()
        search_programs(db, q, limit=20)
        per_query[q].append(time.perf_counter() - t0)
    samples = [s for v in per_query.values() for s in v]
    return {
        "median_ms": _median_ms(samples),
        "max_ms": round(max(samples) * 1000, 2),
        "per_query_ms": {q: _median_ms(v) for q, v in per_query.items() if v},
    }


def _setting(value: str) -> Any:
    """A `--setting` value as Datasette's settings dict wants it."""
    if value.isdigit():
        return int(value)
    return {"on": True, "true": True, "off": False, "false": False}.get(value, value)


def _served_config(name: str) -> tuple[dict[str, Any], dict[str, Any], list[tuple[str, str]], str | None]:
    """Settings, metadata, static mounts and plugins directory of the server `internscope serve` runs."""
    try:
        from catalog.serve import SETTINGS, STATIC_DIR, STATIC_MOUNT, datasette_argv, datasette_metadata
    except ImportError:
        return {"suggest_facets": False}, {}, [], None
    argv = datasette_argv(Path(f"{name}.db"), Path("metadata.json"), host="127.0.0.1", port=8001)
    plugins = argv[argv.index("--plugins-dir") + 1] if "--plugins-dir" in argv else None
    settings = {k: _setting(v) for k, v in SETTINGS}
    return settings, datasette_metadata(name), [(STATIC_MOUNT, str(STATIC_DIR))], plugins


async def _page_timings(ds: Any, url: str, runs: int) -> dict[str, Any]:
    await ds.invoke_startup()
    data = (await ds.client.get(url.replace("/programs", "/programs.json", 1))).json()
    facets = sorted(data.get("facet_results") or {})
    samples = []
    status = size = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        response = await ds.client.get(url)
        samples.append(time.perf_counter() - t0)
        status, size = response.status_code, len(response.content)
    return {"median_ms": _median_ms(samples), "max_ms": round(max(samples) * 1000, 2), "status": status,
            "html_kb": round(size / 1024), "facets": facets,
            # Datasette 0.65 leaves a facet that hit facet_time_limit_ms off the page (and its JSON).
            "facets_missing": [f for f in DATASETTE_FACETS if f not in facets]}


def measure_datasette(path: Path, runs: int) -> dict[str, Any]:
    """The programs page as `internscope serve` serves it, and (if it does not load it) with the array-facet plugin.

    Stock first: the plugin, once loaded, replaces the stock facets for the whole process.
    """
    from datasette.app import Datasette

    name = path.stem
    settings, metadata, static, served_plugins = _served_config(name)
    settings["suggest_facets"] = False
    configured = ((metadata.get("databases") or {}).get(name, {}).get("tables", {}).get("programs", {})
                  .get("facets"))
    # The shipped metadata names the facets; without it they go in the URL.
    url = f"/{name}/programs" + ("" if configured else "?" + "&".join(
        f"_facet_array={f}" if f == "flag_codes" else f"_facet={f}" for f in DATASETTE_FACETS))
    results: dict[str, Any] = {}
    for label, plugins in (("served", served_plugins), ("with_plugin", str(PLUGINS_DIR))):
        if label == "with_plugin" and served_plugins is not None:
            break
        ds = Datasette([str(path)], settings=settings, metadata=metadata, static_mounts=static,
                       plugins_dir=plugins)
        results[label] = asyncio.run(_page_timings(ds, url, runs))
    results["url"] = url
    results["plugins_served"] = served_plugins
    return results


# ---------------------------------------------------------------- main


def _page_ok(page: Mapping[str, Any]) -> bool:
    return page["median_ms"] < TARGET_DATASETTE_MS and page["status"] == 200 and not page["facets_missing"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--programs", type=int, default=100_000)
    ap.add_argument("--chunk", type=int, default=5_000, help="programs generated and written per timed step")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=180, help="timed runs of the filter and search queries")
    ap.add_argument("--page-runs", type=int, default=9, help="timed loads of the Datasette page")
    ap.add_argument("--dir", type=Path, default=None, help="where the two catalogs go (default: a temp dir)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr if args.json else sys.stdout, flush=True)

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="internscope-bench-", dir=args.dir) as tmp:
        started = time.perf_counter()
        log(f"writing {args.programs:,} programs twice (baseline, ours) in chunks of {args.chunk:,} ...")
        write = measure_write(Path(tmp), args.programs, args.chunk, args.seed, log=log)
        db = open_catalog(write["path"], readonly=True)
        try:
            filt = measure_filter(db, args.runs)
            search = measure_search(db, args.runs, args.seed)
        finally:
            db.close()
        page = measure_datasette(Path(write["path"]), args.page_runs)
        elapsed = time.perf_counter() - started

    checks = {
        "write": write["ratio"] >= TARGET_WRITE_RATIO,
        "filter": filt["median_ms"] < TARGET_FILTER_MS,
        "search": search["median_ms"] < TARGET_SEARCH_MS,
        "datasette": _page_ok(page["served"]),
    }
    load = {"cpus": os.cpu_count(), "load_1min_start": round(load_before, 2),
            "load_1min_end": round(os.getloadavg()[0], 2)}
    results = {"write": write, "filter": filt, "search": search, "datasette": page, "met": checks,
               "elapsed_s": round(elapsed, 1), "machine": load}
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        def verdict(ok: bool) -> str:
            return "met" if ok else "MISSED"

        print(f"write    baseline {write['baseline_per_s']:>7,} programs/s   ours {write['ours_per_s']:>7,} "
              f"programs/s   ratio {write['ratio']:.2f} (per-chunk median {write['chunk_ratio_median']:.2f})"
              f"   target >= {TARGET_WRITE_RATIO:g}: {verdict(checks['write'])}")
        print(f"filter   median {filt['median_ms']:>7.2f} ms (max {filt['max_ms']:.1f}, {filt['mean_rows']} rows)"
              f"   target < {TARGET_FILTER_MS:g} ms: {verdict(checks['filter'])}")
        print(f"         plan: {'; '.join(filt['plan'])}")
        print(f"search   median {search['median_ms']:>7.2f} ms (max {search['max_ms']:.1f})"
              f"   target < {TARGET_SEARCH_MS:g} ms: {verdict(checks['search'])}")
        print("         " + ", ".join(f"{q!r} {ms}" for q, ms in search["per_query_ms"].items()))
        for label, p in (("served", page["served"]), ("with_plugin", page.get("with_plugin"))):
            if p is None:
                continue
            what = ("as `internscope serve` serves it" if label == "served"
                    else f"with {PLUGINS_DIR.relative_to(ROOT)} (not loaded by `internscope serve`)")
            print(f"datasette {what}: median {p['median_ms']:.1f} ms (max {p['max_ms']:.0f}, HTTP {p['status']}, "
                  f"{p['html_kb']} KB; facets shown: {', '.join(p['facets'])}; missing (timed out): "
                  f"{', '.join(p['facets_missing']) or 'none'})"
                  + (f"   target < {TARGET_DATASETTE_MS:g} ms, all facets: {verdict(checks['datasette'])}"
                     if label == "served" else ""))
        print(f"         page {page['url']}")
        print(f"elapsed {elapsed:.0f} s; load average {load['load_1min_start']} at the start, "
              f"{load['load_1min_end']} at the end, on {load['cpus']} CPUs")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
