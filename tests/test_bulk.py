"""catalog.bulk.store_records: the same catalog as store_page item by item, batched; and the catalog benchmark's
generator and baseline rows, on a few hundred programs so the benchmark code cannot rot."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
import time_machine
from catalog_factories import make_item, make_record

from bench.catalog import BaselineRows, write_baseline
from bench.catalog_data import generate_items
from catalog.bulk import store_records
from catalog.db import TABLES, CatalogError, open_catalog
from catalog.queries import ProgramFilter, iter_programs, search_programs
from catalog.rates import load_rate_table
from catalog.store import content_hash, mark_gone, start_run, store_page
from pipelines.record import ProgramRecord

SITE = "https://provider.test"
NOW = "2026-05-01T12:00:00Z"

# Every catalog table, read in an order both write paths agree on. fees.id is left out: a
# surrogate key nothing references, which only the order of deletes and inserts decides.
SNAPSHOT: dict[str, str] = {
    "providers": "SELECT * FROM providers ORDER BY id",
    "programs": "SELECT * FROM programs ORDER BY id",
    "fees": "SELECT program_url, position, amount, amount_max, currency, basis, kind, weeks, evidence FROM fees "
            "ORDER BY program_url, position",
    "flags": "SELECT * FROM flags ORDER BY program_url, code",
    "claims": "SELECT * FROM claims ORDER BY program_url, field",
    "pages": "SELECT * FROM pages ORDER BY url",
    "page_html": "SELECT * FROM page_html ORDER BY url",
    "crawl_runs": "SELECT id, start_urls, pages_seen, programs_new, programs_updated, programs_unchanged, rejected, "
                  "errors, programs_gone, programs_revived, complete_sites FROM crawl_runs ORDER BY id",
    "rejected": "SELECT * FROM rejected ORDER BY id",
    "program_changes": "SELECT * FROM program_changes ORDER BY id",
    "exchange_rates": "SELECT * FROM exchange_rates ORDER BY date, currency",
    "programs_fts": "SELECT rowid, title, provider, places, main_text FROM programs_fts ORDER BY rowid",
}


def snapshot(db: sqlite_utils.Database | sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    conn = db.conn if isinstance(db, sqlite_utils.Database) else db
    return {table: [tuple(r) for r in conn.execute(sql).fetchall()] for table, sql in SNAPSHOT.items()}


def test_snapshot_covers_every_table() -> None:
    assert set(SNAPSHOT) == set(TABLES)


@pytest.fixture
def frozen() -> Iterator[None]:
    # mark_gone stamps the real time; both catalogs must get the same one.
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pair(tmp_path: Path, frozen: None) -> Iterator[tuple[sqlite_utils.Database, sqlite_utils.Database]]:
    """Two fresh catalogs: one written by store_page, one by store_records."""
    a, b = open_catalog(tmp_path / "page.db"), open_catalog(tmp_path / "bulk.db")
    yield a, b
    a.close()
    b.close()


def _item(slug: str, when: str, *, main_text: str | None = None, site: str | None = SITE, html: str | None = None,
          **overrides: Any) -> dict[str, Any]:
    item = make_item(make_record(f"{SITE}/programs/{slug}", **overrides), fetched_at=when, html=html)
    if main_text is not None:
        item["extraction"]["main_text"] = main_text
    if site is None:
        del item["site"]
    return item


def _crawl(a: sqlite_utils.Database, b: sqlite_utils.Database, items: Sequence[dict[str, Any]], *,
           batch: int, complete: bool = True, resumed: bool = False) -> Counter[str]:
    """One crawl run over `items` into both catalogs; returns store_page's outcomes (asserted equal to bulk's)."""
    ra, rb = start_run(a, [SITE + "/"]), start_run(b, [SITE + "/"])
    assert ra == rb
    outcomes = Counter(store_page(a, ra, item, resumed=resumed) for item in items)
    counts = store_records(b, rb, items, batch=batch, resumed=resumed)
    assert {k: v for k, v in counts.items() if v} == dict(outcomes)
    for db, run in ((a, ra), (b, rb)):
        mark_gone(db, run, [SITE] if complete else [])
    return outcomes


def _first_crawl() -> list[dict[str, Any]]:
    t = "2026-03-01T10:00:00Z"
    return [
        _item("ghana", t, main_text="Ward rounds in Accra with the surgical team."),
        _item("kenya", t, title="Nursing Placement in Nairobi", country="KE", cities=["Nairobi"],
              html="<html><body><h1>Kenya</h1></body></html>"),
        make_item(url=SITE + "/blog/why-volunteer", fetched_at=t, html="<p>blog</p>"),
        # The same program twice in one crawl: the second copy changes it.
        _item("peru", t, title="Dental Elective in Cusco", country="PE", cities=["Cusco"]),
        _item("peru", "2026-03-01T10:05:00Z", title="Dental Elective in Cusco (2027)", country="PE",
              cities=["Cusco"], main_text="Fluoride days at village schools."),
        _item("nepal", t, provider="Himalaya Health", title="Physio in Pokhara", country="NP", site=None),
        _item("anon", t, provider=None, title="Medical Volunteering", main_text="Help in a rural clinic."),
        # A record the store itself refuses, and one the validate pipeline already rejected.
        {**make_item(url=SITE + "/programs/bad", fetched_at=t),
         "record": {**make_record(SITE + "/programs/bad"), "country": "Ghana"}},
        make_item(url=SITE + "/programs/rej", fetched_at=t,
                  rejected={"reason": "no title", "record": {"url": SITE + "/programs/rej"}}),
        _item("tanzania", t, title="Medical Elective in Moshi", country="TZ", cities=["Moshi"]),
        _item("uganda", t, provider="EXAMPLE health   trips", title="Elective in Mbarara", country="UG"),
        # The pipeline's rejection again: it replaces the run's first one, as after a resumed crawl.
        make_item(url=SITE + "/programs/rej", fetched_at="2026-03-01T10:09:00Z",
                  rejected={"reason": "still no title", "record": {"url": SITE + "/programs/rej"}}),
    ]


def _second_crawl() -> list[dict[str, Any]]:
    t = "2026-04-01T10:00:00Z"
    cheaper = [{"amount": 1800, "currency": "USD", "basis": "total", "kind": "program", "weeks": 4,
                "evidence": "4 weeks: $1,800"}]
    return [
        _item("ghana", t, main_text="Ward rounds in Accra with the surgical team and the maternity ward."),
        _item("kenya", t, title="Nursing Placement in Nairobi", country="KE", cities=["Nairobi"], fees=cheaper,
              html="<html><body><h1>Kenya, cheaper</h1></body></html>"),
        # Changed without new page text: the search row keeps the text it had.
        _item("peru", t, title="Dental Elective in Cusco (2028)", country="PE", cities=["Cusco"]),
        _item("nepal", t, provider="Himalaya Health", title="Physio in Pokhara", country="NP", site=None),
        _item("anon", t, provider=None, title="Medical Volunteering", main_text="Help in a rural clinic."),
        _item("rwanda", t, title="Elective in Kigali", country="RW", provider="Example Health Trips"),
        make_item(url=SITE + "/blog/why-volunteer", fetched_at=t, html="<p>blog</p>"),
        # tanzania and uganda are not seen: the complete crawl marks them gone.
    ]


def _third_crawl() -> list[dict[str, Any]]:
    t = "2026-04-15T10:00:00Z"
    return [
        _item("tanzania", t, title="Medical Elective in Moshi", country="TZ", cities=["Moshi"]),  # revived
        _item("uganda", t, provider="EXAMPLE health   trips", title="Elective in Mbarara (new)", country="UG",
              main_text="Now with a paediatrics rotation."),  # revived and changed
        _item("rwanda", t, title="Elective in Kigali", country="RW", provider="Example Health Trips"),
        _item("rwanda", t, title="Elective in Kigali", country="RW", provider="Example Health Trips"),
    ]


@pytest.mark.parametrize(("batch", "resumed"), [(1, False), (3, False), (1000, False), (3, True), (1000, True)])
def test_same_catalog_as_store_page_across_crawls(
    pair: tuple[sqlite_utils.Database, sqlite_utils.Database], batch: int, resumed: bool
) -> None:
    a, b = pair
    # resumed: as if every run continued an interrupted one, so its repeated pages count once.
    first = _crawl(a, b, _first_crawl(), batch=batch, resumed=resumed)
    assert first == Counter(new=7, updated=1, page=1, rejected=3)
    assert snapshot(a) == snapshot(b)
    second = _crawl(a, b, _second_crawl(), batch=batch, resumed=resumed)
    assert second == Counter(unchanged=3, updated=2, new=1, page=1)
    assert snapshot(a) == snapshot(b)
    third = _crawl(a, b, _third_crawl(), batch=batch, complete=False, resumed=resumed)
    assert third == Counter(revived=2, unchanged=2)
    after = snapshot(b)
    assert snapshot(a) == after
    # The history the scenario should have left, not only agreement between the paths.
    fields = {(url.rsplit("/", 1)[1], field) for _, url, _, field, *_ in after["program_changes"]}
    assert {("peru", "title"), ("kenya", "fees"), ("kenya", "price_per_week"), ("tanzania", "status"),
            ("uganda", "status"), ("uganda", "title")} <= fields
    text = dict(b.execute("SELECT p.url, f.main_text FROM programs p JOIN programs_fts f ON f.rowid = p.id"))
    assert text[SITE + "/programs/peru"] == "Fluoride days at village schools."
    assert "maternity" in text[SITE + "/programs/ghana"]
    assert b.execute("PRAGMA foreign_key_check").fetchall() == []


def test_running_twice_is_idempotent(tmp_path: Path) -> None:
    db = open_catalog(tmp_path / "c.db")
    run = start_run(db, [SITE + "/"])
    # One copy of each page (the crawl's second copy of peru would alternate between its two versions).
    items = list({i["url"]: i for i in reversed(_first_crawl())}.values())[::-1]
    first = store_records(db, run, items, batch=4)
    before = snapshot(db)
    # The same run again, resumed (going over the pages it stored): nothing changes or counts twice.
    again = store_records(db, run, items, batch=4, resumed=True)
    assert again == {**first, "new": 0, "unchanged": first["new"]}
    after = snapshot(db)
    for table in set(SNAPSHOT) - {"rejected"}:
        assert after[table] == before[table], table
    # Its rejections replace the ones the run logged the first time.
    assert [r[1:] for r in after["rejected"]] == [r[1:] for r in before["rejected"]]
    # A later run over the same content: only when and by which run the programs were seen moves.
    later = start_run(db, [SITE + "/"])
    assert store_records(db, later, items)["unchanged"] == first["new"]
    final = snapshot(db)
    for table in ("providers", "fees", "flags", "claims", "page_html", "programs_fts", "program_changes"):
        assert final[table] == before[table], table
    assert db.execute("SELECT DISTINCT last_crawl_run FROM programs").fetchall() == [(later,)]
    db.close()


def test_bare_records_write_programs_like_store_page_without_pages(pair: tuple[sqlite_utils.Database,
                                                                           sqlite_utils.Database]) -> None:
    a, b = pair
    items = [_item(slug, "2026-03-01T10:00:00Z", site=None, title=f"Elective {slug}") for slug in ("x", "y", "z")]
    ra, rb = start_run(a, ["feed"]), start_run(b, ["feed"])
    for item in items:
        store_page(a, ra, item)
    counts = store_records(b, rb, [item["record"] for item in items], seen_at="2026-03-01T10:00:00Z")
    assert counts["new"] == 3
    sa, sb = snapshot(a), snapshot(b)
    for table in ("providers", "programs", "fees", "flags", "claims", "programs_fts", "program_changes"):
        assert sa[table] == sb[table], table
    assert sb["pages"] == []
    assert b.execute("SELECT pages_seen, programs_new FROM crawl_runs WHERE id = ?", [rb]).fetchone() == (0, 3)
    invalid = {**items[0]["record"], "min_age": 3}
    assert store_records(b, rb, [invalid])["rejected"] == 1


def test_errors(tmp_path: Path) -> None:
    db = open_catalog(tmp_path / "c.db")
    with pytest.raises(CatalogError, match="crawl run 7 does not exist"):
        store_records(db, 7, [_item("a", NOW)])
    run = start_run(db, [SITE])
    # As with store_page one item at a time: the items before the bad one are stored, then it raises.
    with pytest.raises(ValueError, match="no url"):
        store_records(db, run, [_item("a", NOW), _item("b", NOW), {"url": "", "record": {}}, _item("c", NOW)])
    assert [u for (u,) in db.execute("SELECT url FROM programs ORDER BY id")] == [
        f"{SITE}/programs/a", f"{SITE}/programs/b"]
    with pytest.raises(ValueError):
        store_records(db, run, [], batch=0)
    # The connection's settings are the caller's again afterwards.
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA cache_size").fetchone()[0] == -2000
    db.close()


def test_inside_a_callers_transaction(tmp_path: Path) -> None:
    db = open_catalog(tmp_path / "c.db")
    run = start_run(db, [SITE])
    with db.atomic():
        store_records(db, run, [_item("a", NOW), _item("b", NOW)], batch=1)
        assert db.conn.in_transaction
    assert db.execute("SELECT count(*) FROM programs").fetchone()[0] == 2
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    db.close()


def test_readers_find_bulk_written_programs(tmp_path: Path) -> None:
    db = open_catalog(tmp_path / "c.db")
    store_records(db, start_run(db, [SITE]), _first_crawl())
    rows = list(iter_programs(db, ProgramFilter(countries=["KE"], max_per_week_eur=1000, sort="price")))
    assert [r["url"] for r in rows] == [SITE + "/programs/kenya"]
    hits = search_programs(db, "surgical Accra")
    assert [h["url"] for h in hits] == [SITE + "/programs/ghana"] and "[" in hits[0]["snippet"]
    db.close()


# ---------------------------------------------------------------- the benchmark's code


def test_generated_items_are_valid_varied_and_deterministic() -> None:
    items = list(generate_items(500, seed=3))
    assert items[:5] == list(generate_items(5, seed=3))
    assert list(generate_items(2, seed=3, start=10)) == items[10:12]
    for item in items:
        record = item["record"]
        assert ProgramRecord.model_validate(record).model_dump(mode="json") == record
    records = [i["record"] for i in items]
    assert len({r["url"] for r in records}) == 500
    assert len({r["country"] for r in records}) >= 25 and len({r["provider"] for r in records}) >= 150
    assert {len(r["fees"]) for r in records} >= {0, 1, 2, 3, 4}
    assert {f["basis"] for r in records for f in r["fees"]} >= {"total", "per_week", "per_month", "one_time"}
    assert len({f["currency"] for r in records for f in r["fees"]}) >= 10
    assert {len(r["flags"]) for r in records} >= {0, 1, 2, 3, 4}
    assert len({content_hash(r) for r in records}) == 500


def test_baseline_writes_exactly_the_rows_of_the_bulk_path(tmp_path: Path) -> None:
    """The benchmark compares against these rows, so they must be what store_records writes."""
    items = list(generate_items(500, seed=1))
    ours = open_catalog(tmp_path / "ours.db")
    run = start_run(ours, ["bench"])
    base = open_catalog(tmp_path / "base.db")
    base_run = start_run(base, ["bench"])
    rows = BaselineRows(base_run, load_rate_table(base))
    base.close()
    conn = sqlite3.connect(tmp_path / "base.db", isolation_level=None)
    for start in (0, 200):  # two chunks, as the benchmark writes them
        chunk = items[start:start + 200] if start == 0 else items[start:]
        write_baseline(conn, rows.build(chunk), rows.columns, base_run, len(chunk))
        store_records(ours, run, chunk, batch=128)
    assert snapshot(conn) == snapshot(ours)
    assert ours.execute("SELECT count(*) FROM programs_fts WHERE programs_fts MATCH 'hospital'").fetchone()[0] > 400
    conn.close()
    ours.close()
