"""`internscope reextract`: the current extractors over stored HTML, recording which fields changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog.cli import main
from catalog.db import open_catalog
from catalog.store import content_hash, start_run, store_page
from pipelines.extract import extract_page
from pipelines.scrapy_pipelines import validate_record

DEMO_PAGE = (Path(__file__).resolve().parent.parent / "demo" / "sites" / "kestrel-electives" / "programmes"
             / "uganda" / "medical-elective-mbarara.html")
URL = "http://127.0.0.1:8000/programmes/uganda/medical-elective-mbarara.html"
BLOG_URL = "http://127.0.0.1:8000/blog/post.html"


def _item(url: str, html: str) -> dict:
    extraction = extract_page(html, url).as_dict()
    item = {"url": url, "fetched_url": url, "status": 200, "html": html, "encoding": "utf-8",
            "fetched_at": "2026-11-01T10:00:00Z", "depth": 1, "site": "http://127.0.0.1:8000",
            "extraction": extraction}
    if extraction["record"]:
        item["record"], _ = validate_record({**extraction["record"], "url": url})
    return item


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    db = open_catalog(path)
    run = start_run(db, ["http://127.0.0.1:8000/"])
    html = DEMO_PAGE.read_text(encoding="utf-8").replace("http://SITE_ROOT", "http://127.0.0.1:8000")
    assert store_page(db, run, _item(URL, html)) == "new"
    store_page(db, run, _item(BLOG_URL, "<html><body><h1>Why go abroad?</h1><p>Posted by Ann.</p></body></html>"))
    db.close()
    return path


def _tamper(path: Path, **changes: object) -> dict:
    """Make the stored record look as an older extractor generation left it."""
    db = open_catalog(path)
    record = json.loads(db.execute("SELECT record FROM programs WHERE url = ?", [URL]).fetchone()[0])
    original = dict(record)
    record.update(changes)
    db.execute("UPDATE programs SET record = ?, content_hash = ?, country = ? WHERE url = ?",
               [json.dumps(record), content_hash(record), record["country"], URL])
    db.conn.commit()
    db.close()
    return original


def test_unchanged_catalog_reports_nothing_changed(catalog: Path) -> None:
    result = CliRunner().invoke(main, ["reextract", "--db", str(catalog), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["counts"]["pages"] == 2
    assert out["counts"]["unchanged"] == 1
    assert out["changed"] == {}


def test_changed_fields_are_rewritten_and_recorded(catalog: Path) -> None:
    original = _tamper(catalog, country="XX", min_age=99)
    db = open_catalog(catalog)
    seen_before = db.execute("SELECT first_seen, last_seen FROM programs WHERE url = ?", [URL]).fetchone()
    db.close()

    result = CliRunner().invoke(main, ["reextract", "--db", str(catalog), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out["changed"][URL]) == {"country", "min_age"}

    db = open_catalog(catalog, readonly=True, create=False)
    row = db.execute("SELECT country, min_age, first_seen, last_seen FROM programs WHERE url = ?", [URL]).fetchone()
    assert (row[0], row[1]) == (original["country"], original["min_age"])
    assert (row[2], row[3]) == tuple(seen_before)  # nothing was fetched, so nothing was "seen"
    changes = {r[0]: (json.loads(r[1]), json.loads(r[2])) for r in db.execute(
        "SELECT field, old_value, new_value FROM program_changes WHERE program_url = ?", [URL])}
    assert changes["country"] == ("XX", original["country"])
    run = db.execute("SELECT start_urls, finish_reason FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    assert (json.loads(run[0]), run[1]) == (["reextract"], "reextracted")
    db.close()


def test_reextract_on_a_missing_catalog_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["reextract", "--db", str(tmp_path / "none" / "x.db")])
    assert result.exit_code != 0
    assert result.stderr.strip().startswith("Error:")
    assert len(result.stderr.strip().splitlines()) == 1
