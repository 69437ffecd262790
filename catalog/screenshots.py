"""Regenerate the README's Datasette screenshot: `python -m catalog.screenshots [--out FILE]`.

Builds the demo catalog with history (catalog.democatalog: the bundled sites served on
loopback and crawled twice), serves it as `internscope serve` does and photographs the
faceted programs table page in headless Debian chromium, driven by Playwright. Needs
the dev extras (playwright) and /usr/bin/chromium (`make chromium` installs it);
Playwright's own browser downloads are never used.

The browser helpers here are shared with the browser tests (tests/test_serve.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "browser_unavailable", "launch_chromium", "programs_page_url", "main"]

CHROMIUM = Path(os.environ.get("INTERNSCOPE_CHROMIUM", "/usr/bin/chromium"))
# Headless, and nothing that reaches the network on its own (updates, sync, QUIC probes):
# the only pages it loads are the loopback Datasette under test.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "datasette-programs.png"
# The columns an analyst compares first; the rest stay one click away in Datasette.
SCREENSHOT_COLUMNS = ("title", "provider", "country", "price_per_week_eur", "price_4_weeks_eur",
                      "participation", "flag_codes", "status")
VIEWPORT = {"width": 1400, "height": 1000}


def browser_unavailable() -> str | None:
    """Why the browser cannot run here (a reason to skip a test), or None when it can."""
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is not installed (`make chromium`, or apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    return None


def launch_chromium(pw: Playwright) -> Browser:
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True)


def programs_page_url(table_url: str, columns: tuple[str, ...] = SCREENSHOT_COLUMNS, size: int = 10) -> str:
    return f"{table_url}?{urlencode([*(('_col', c) for c in columns), ('_size', size)])}"


def take_screenshot(db_path: Path, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    from catalog.serve import datasette_server

    out.parent.mkdir(parents=True, exist_ok=True)
    with datasette_server(db_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as server, \
            sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(programs_page_url(server.table_url("programs")))
            table = page.wait_for_selector("table.rows-and-columns")
            box = table.bounding_box() if table is not None else None
            # Down to the end of the rows: below them are export links and the table's SQL schema.
            height = box["y"] + box["height"] + 16 if box else VIEWPORT["height"]
            page.screenshot(path=str(out), full_page=True,
                            clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height})
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m catalog.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"PNG to write (default {DEFAULT_OUT})")
    parser.add_argument("--db", type=Path, default=None,
                        help="photograph this catalog instead of building the demo one")
    args = parser.parse_args(argv)
    reason = browser_unavailable()
    if reason:
        print(f"Error: {reason}", file=sys.stderr)
        return 1
    if args.db is not None:
        take_screenshot(args.db, args.out)
    else:
        from catalog.democatalog import build_demo_catalog

        tmp = Path(tempfile.mkdtemp(prefix="internscope-screenshot-"))
        try:
            # Named demo.db: Datasette names the database (and the page's breadcrumb) after the file.
            demo = build_demo_catalog(tmp / "demo.db")
            take_screenshot(demo.db_path, args.out)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
