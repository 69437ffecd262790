"""Crawl labelled sites served on loopback into a fresh catalog, with every pipeline, and check the catalog.

The bundled demo sites always run; the shared corpus runs when ../shared/corpus exists
(it is beside the project root on developer machines and in CI).
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from catalog.crawl import run_crawl
from catalog.db import open_catalog
from catalog.evaluate import crawl_corpus, load_gold, score
from catalog.queries import export_record, iter_programs
from catalog.siteserver import serve_sites

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "demo"
CORPUS = REPO.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(
    not (CORPUS / "gold").is_dir(), reason="../shared/corpus is not beside the project root on this machine"
)
FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}


def _gold_paths(gold: dict, key: str) -> set[str]:
    return {p["path"] for p in gold["pages"] if p.get(key)}


def _norm(path: str) -> str:
    return path[: -len("index.html")] if path.endswith("/index.html") else path


@pytest.mark.parametrize("root", [pytest.param(DEMO, id="demo"),
                                  pytest.param(CORPUS, id="corpus", marks=[needs_corpus, pytest.mark.corpus])])
def test_crawl_fills_the_catalog_with_exactly_the_gold_programs(tmp_path: Path, root: Path) -> None:
    golds = {g["site"]: g for g in load_gold(root)}
    db_path = tmp_path / "catalog.db"
    with serve_sites(root, only=sorted(golds)) as origins:
        result = run_crawl(list(origins.values()), str(db_path), quiet=True, settings=FAST)
    assert result.exit_code == 0, result.reason

    db = open_catalog(db_path, create=False, readonly=True)
    site_of = {urlsplit(o).netloc: name for name, o in origins.items()}
    programs: dict[str, set[str]] = {}
    for row in iter_programs(db):
        rec = export_record(row)
        parts = urlsplit(rec["url"])
        programs.setdefault(site_of[parts.netloc], set()).add(_norm(parts.path))
        # Every stored program carries evidence for its fees and flags.
        assert all(f["evidence"] for f in rec["fees"])
        assert all(f["evidence"] for f in rec["flags"])
    pages = {urlsplit(r["url"]).path for r in db["pages"].rows}
    run = next(db["crawl_runs"].rows)
    rejected = db["rejected"].count
    db.close()

    for site, gold in golds.items():
        want = {_norm(p) for p in _gold_paths(gold, "program")}
        # One row per program: duplicates folded, nothing else taken for a program (the demo and
        # corpus classifiers are measured more finely by `internscope eval`; here the crawl must be exact).
        assert programs.get(site, set()) == want, site
        assert not {_norm(p) for p in _gold_paths(gold, "robots_disallowed")} & pages
    assert run["finish_reason"] == "finished"
    assert run["programs_new"] == sum(len(v) for v in programs.values())
    assert rejected == 0


@needs_corpus
@pytest.mark.corpus
def test_corpus_eval_meets_the_crawl_to_catalog_targets() -> None:
    gold = load_gold(CORPUS)
    report = score(gold, crawl_corpus(CORPUS, gold)).as_dict()
    assert report["program_pages"]["precision"] >= 0.9, json.dumps(report["program_pages"])
    assert report["program_pages"]["recall"] >= 0.9, json.dumps(report["program_pages"])
    assert report["fees"]["f1"] >= 0.8, json.dumps(report["fees"])
    assert report["field_accuracy"] >= 0.8, report["fields"]
