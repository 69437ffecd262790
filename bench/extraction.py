"""Extraction benchmark: a realistic program page through the whole extraction, against a bare lxml parse.

The page is one of the bundled demo program pages dressed the way production provider pages are: an inline
stylesheet and scripts, a mega-menu of ~240 links, icon SVGs, a link-heavy footer and a JSON-LD block,
about 63 KB in all (the size the field notes measured), plus a 10x larger variant whose program sections
repeat. Both measurements run in the same process on one core, so the ratio is comparable across machines.
Target: full extraction <= 10x the bare parse of the same page; the exit status is 1 when it is missed.

Against noise (a shared machine, CI neighbours): parse and extraction are timed in pairs, back to back, their
order alternating from pair to pair; each repeat's ratio is that of its fastest extraction to its fastest parse,
and the ratio reported (and checked) is the median over the repeats, with their range and, for comparison, the
ratio of the median times beside it.

    python -m bench.extraction [--runs N] [--repeats R] [--target X] [--json]
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import statistics
import time
from pathlib import Path

import lxml.html

from pipelines.extract import extract_page

ROOT = Path(__file__).resolve().parent.parent
BASE_PAGE = ROOT / "demo" / "sites" / "kestrel-electives" / "programmes" / "uganda" / "medical-elective-mbarara.html"
URL = "https://www.kestrel-electives.example/programmes/uganda/medical-elective-mbarara.html"
TARGET_RATIO = 10.0


def _menu(n_links: int, kind: str = "desktop") -> str:
    """WordPress-style menu markup: nested lists, item classes and ids, data attributes, icon SVGs."""
    items = []
    for i in range(n_links):
        items.append(
            f'<li id="{kind}-menu-item-{1000 + i}" class="menu-item menu-item-type-post_type menu-item-object-page '
            f'menu-item-{1000 + i}" data-depth="{i % 3}"><a class="menu-link elementor-item" '
            f'href="/destinations/r{i % 12}/p-{i}.html" data-id="{i}"><span class="menu-text">Programme {i}</span>'
            f'<svg class="e-font-icon-svg" viewBox="0 0 10 10"><path d="M0 0h10v10H0z"/></svg></a></li>'
        )
    return (f'<nav class="elementor-nav-menu--main elementor-nav-menu__container {kind}" aria-label="Menu">'
            f'<ul class="elementor-nav-menu">{"".join(items)}</ul></nav>')


def realistic_page(scale: int = 1) -> bytes:
    """The demo page padded to production weight; `scale` repeats its program sections."""
    html = BASE_PAGE.read_text(encoding="utf-8").replace("http://SITE_ROOT", "https://www.kestrel-electives.example")
    style = "<style>" + "".join(
        f".c{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{i * 2654435761 % 0xFFFFFF:06x};display:flex}}"
        for i in range(60)
    ) + "</style>"
    script = "<script>window.dataLayer=window.dataLayer||[];" + "".join(
        f"function t{i}(e){{return e&&e.target?e.target.dataset.k{i}:null}}" for i in range(30)
    ) + "</script>"
    html = html.replace("</head>", style + script + "</head>", 1)
    menus = _menu(66) + _menu(66, "mobile")  # themes ship the menu twice, one hidden on each screen size
    html = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + menus, html, count=1)
    if scale > 1:
        # A long page: the program's sections, menus and scripts repeated (as page builders do).
        sections = "".join(re.findall(r"<section\b.*?</section>", html, flags=re.S))
        html = html.replace("</main>", sections * (scale - 1) + "</main>", 1)
        html = html.replace("</head>", (style + script) * (scale - 1) + "</head>", 1)
        html = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + menus * (scale - 1), html, count=1)
    footer_links = "".join(f'<li><a href="/blog/post-{i}.html">Story {i} from the wards</a></li>' for i in range(60))
    html = html.replace("</body>", f'<footer class="site-footer"><ul>{footer_links}</ul></footer></body>', 1)
    return html.encode("utf-8")


def _pair(page: bytes, parse_first: bool) -> tuple[float, float]:
    """One bare parse and one extraction of `page`, back to back: (parse ms, extraction ms)."""
    if parse_first:
        t0 = time.perf_counter()
        lxml.html.fromstring(page)
        t1 = time.perf_counter()
        extract_page(page, URL)
        t2 = time.perf_counter()
        return (t1 - t0) * 1000, (t2 - t1) * 1000
    t0 = time.perf_counter()
    extract_page(page, URL)
    t1 = time.perf_counter()
    lxml.html.fromstring(page)
    t2 = time.perf_counter()
    return (t2 - t1) * 1000, (t1 - t0) * 1000


def measure(scale: int, runs: int, repeats: int = 5) -> dict:
    """Bare parse and full extraction timed in alternating pairs, so both see the same machine state (on a shared
    machine the load drifts; timing them in separate blocks skews the ratio).

    Each repeat's ratio compares the fastest extraction with the fastest parse of its pairs: both are CPU-bound
    and deterministic, so a slower run is another process's doing (timeit's rule), and under load the medians
    swing by half while the fastest runs hold within a few percent. The ratio reported, and checked against the
    target, is the median over the repeats; the typical times (medians) are reported beside it.
    """
    page = realistic_page(scale)
    for _ in range(3):  # warm caches (gazetteer, compiled patterns) outside the timing
        lxml.html.fromstring(page)
        extract_page(page, URL)
    parse_meds, extract_meds, ratios, median_ratios = [], [], [], []
    for _ in range(repeats):
        gc.collect()  # start each repeat without the previous one's garbage
        pairs = [_pair(page, parse_first=i % 2 == 0) for i in range(runs)]
        parse_ms = statistics.median(p for p, _ in pairs)
        extract_ms = statistics.median(e for _, e in pairs)
        parse_meds.append(parse_ms)
        extract_meds.append(extract_ms)
        median_ratios.append(extract_ms / parse_ms)
        ratios.append(min(e for _, e in pairs) / min(p for p, _ in pairs))
    parse_ms, extract_ms = statistics.median(parse_meds), statistics.median(extract_meds)
    return {
        "page_kb": round(len(page) / 1024, 1),
        "lxml_parse_ms": round(parse_ms, 3),
        "extract_ms": round(extract_ms, 3),
        "ratio": round(statistics.median(ratios), 2),
        "ratio_range": [round(min(ratios), 2), round(max(ratios), 2)],
        "ratio_of_medians": round(statistics.median(median_ratios), 2),
        "pages_per_s": round(1000 / extract_ms, 1),
        "runs": runs,
        "repeats": repeats,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=40, help="timed pairs per repeat (default 40)")
    ap.add_argument("--repeats", type=int, default=5, help="repeats, each a median of its pairs (default 5)")
    ap.add_argument("--target", type=float, default=TARGET_RATIO, help="largest acceptable ratio (default 10)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if args.runs < 1 or args.repeats < 1:
        ap.error("--runs and --repeats must be at least 1")
    results = {"realistic": measure(1, args.runs, args.repeats),
               "10x": measure(10, max(5, args.runs // 4), args.repeats)}
    ok = results["realistic"]["ratio"] <= args.target
    if args.json:
        print(json.dumps({**results, "target": args.target, "met": ok}, indent=2))
    else:
        print(f"{'page':<10}{'size KB':>9}{'lxml ms':>10}{'extract ms':>12}{'ratio':>8}{'range':>13}"
              f"{'of medians':>12}{'pages/s':>10}")
        for name, r in results.items():
            lo, hi = r["ratio_range"]
            print(f"{name:<10}{r['page_kb']:>9}{r['lxml_parse_ms']:>10.3f}{r['extract_ms']:>12.3f}{r['ratio']:>8.2f}"
                  f"{f'{lo:.2f}-{hi:.2f}':>13}{r['ratio_of_medians']:>12.2f}{r['pages_per_s']:>10}")
        print(f"target: realistic page extraction <= {args.target:g}x bare lxml parse: {'met' if ok else 'MISSED'}"
              f" (ratio of the fastest runs, median of {args.repeats} repeats x {args.runs} alternating pairs;"
              f" times are medians)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
