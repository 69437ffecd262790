"""A demo catalog with history, built the way a real one is: the bundled demo sites served on
loopback and crawled twice, with one program's price raised and one program page removed in between.

One crawl gives programs but no `program_changes`; the second crawl gives the price change
(`price_per_week`, `price_4_weeks`) and the gone program that `internscope serve`'s canned
queries and `internscope report`'s plots are about. The sites are copied first so the
bundled files are never edited, and both crawls run against the same servers (the same
ports), because the port is part of every program URL.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from catalog.crawl import run_crawl
from catalog.db import open_catalog
from catalog.siteserver import serve_sites

__all__ = ["DEMO_ROOT", "DemoCatalog", "build_demo_catalog"]

DEMO_ROOT = Path(__file__).resolve().parent.parent / "demo"
# (site, page, old text, new text): the weekly fee of one program goes up between the crawls.
PRICE_EDIT = ("kestrel-electives", "programmes/cambodia/nursing-placement-battambang.html", "345", "375")
# (site, page): a program the second crawl no longer finds (a 404, so the site still counts as complete).
REMOVED_PAGE = ("kestrel-electives", "programmes/bolivia/midwifery-elective-sucre.html")
# Loopback sites: the politeness defaults are for real providers.
_FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}


class DemoCatalogError(Exception):
    """The demo catalog could not be built (a crawl failed, or the demo sites changed)."""


@dataclass(frozen=True)
class DemoCatalog:
    db_path: Path
    origins: dict[str, str]  # site name -> http://127.0.0.1:PORT it was served at
    changed_url: str  # the program whose price changed
    removed_url: str  # the program that is gone


def _crawl(origins: dict[str, str], db_path: Path) -> None:
    result = run_crawl(list(origins.values()), str(db_path), quiet=True, settings=_FAST)
    if result.exit_code != 0:
        raise DemoCatalogError(f"demo crawl failed: {result.reason}")


def build_demo_catalog(db_path: str | Path, *, demo_root: Path = DEMO_ROOT) -> DemoCatalog:
    """Crawl the demo sites into `db_path` (created), change them, crawl again."""
    db_path = Path(db_path)
    open_catalog(db_path).close()
    with tempfile.TemporaryDirectory(prefix="internscope-demo-") as tmp:
        root = Path(tmp)
        shutil.copytree(demo_root / "sites", root / "sites")
        site, page, old, new = PRICE_EDIT
        edited = root / "sites" / site / page
        removed = root / "sites" / REMOVED_PAGE[0] / REMOVED_PAGE[1]
        text = edited.read_text(encoding="utf-8")
        if old not in text or not removed.is_file():
            raise DemoCatalogError(f"the demo sites changed: {edited} has no {old!r} or {removed} is missing")
        with serve_sites(root) as origins:
            _crawl(origins, db_path)
            edited.write_text(text.replace(old, new), encoding="utf-8")
            removed.unlink()
            _crawl(origins, db_path)
        return DemoCatalog(
            db_path=db_path,
            origins=dict(origins),
            changed_url=f"{origins[site]}/{page}",
            removed_url=f"{origins[REMOVED_PAGE[0]]}/{REMOVED_PAGE[1]}",
        )
