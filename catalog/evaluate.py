"""Measure the crawler and extractors on a labelled corpus (the LABELS.md layout).

`run_eval` serves every site of CORPUS/sites on loopback, crawls them into a
fresh catalog exactly as `internscope crawl` does, reads the programs back from
the catalog, and compares them with CORPUS/gold: program-page precision and
recall, fee and flag precision/recall/F1, and per-field accuracy, with a list
of misses. `--direct` skips the crawl and runs the extractors over the files,
which isolates extraction from crawling when a figure moves.
"""

from __future__ import annotations

import difflib
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

FIELDS = (
    "title", "provider", "country", "cities", "includes", "excludes", "duration", "start_dates", "supervision",
    "participation", "experience_required", "min_age", "legal_info", "safety_info", "community_benefit",
)
JUDGED_FLAGS = {"vague_role", "beyond_training"}
DISCLOSURE_FLAGS = {"no_legal_info", "no_safety_info", "no_community_benefit"}


class EvalError(Exception):
    """A one-line, user-facing reason the evaluation cannot run."""


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 3),
                "recall": round(self.recall, 3), "f1": round(self.f1, 3)}


@dataclass
class Report:
    pages: PRF = field(default_factory=PRF)
    fees: PRF = field(default_factory=PRF)
    flags: PRF = field(default_factory=PRF)
    judged_flags: PRF = field(default_factory=PRF)
    disclosure_flags: PRF = field(default_factory=PRF)
    field_hits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    field_total: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def field_accuracy(self) -> float:
        total = self.field_total * len(FIELDS)
        return sum(self.field_hits.values()) / total if total else 1.0

    def as_dict(self) -> dict:
        return {
            "program_pages": self.pages.as_dict(), "fees": self.fees.as_dict(), "flags": self.flags.as_dict(),
            "judged_flags": self.judged_flags.as_dict(), "disclosure_flags": self.disclosure_flags.as_dict(),
            "field_accuracy": round(self.field_accuracy, 3),
            "fields": {f: round(self.field_hits[f] / self.field_total, 3) if self.field_total else 1.0
                       for f in FIELDS},
            "programs_compared": self.field_total, "misses": self.misses,
        }


def load_gold(corpus: Path) -> list[dict]:
    gold_dir, sites_dir = corpus / "gold", corpus / "sites"
    if not gold_dir.is_dir() or not sites_dir.is_dir():
        raise EvalError(f"{corpus} is not a labelled corpus (needs sites/ and gold/, see LABELS.md)")
    out = []
    for path in sorted(gold_dir.glob("*.json")):
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise EvalError(f"cannot read gold file {path}: {exc}") from exc
    if not out:
        raise EvalError(f"no gold files in {gold_dir}")
    return out


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _same_path(a: str, b: str) -> bool:
    """Gold paths and crawled URLs agree up to a trailing index.html."""
    def norm(p: str) -> str:
        for suffix in ("index.html", "index.htm"):
            if p.endswith("/" + suffix):
                p = p[: -len(suffix)]
        return p or "/"
    return norm(a) == norm(b)


def _fee_key(f: dict) -> tuple:
    weeks = round(float(f["weeks"]), 1) if f.get("weeks") is not None else None
    amax = float(f["amount_max"]) if f.get("amount_max") is not None else None
    return (float(f["amount"]), amax, f["currency"], f["basis"], f["kind"], weeks)


def _field_equal(name: str, got: object, want: object) -> bool:
    if name == "title":
        a, b = str(got or "").lower().strip(), str(want or "").lower().strip()
        return difflib.SequenceMatcher(None, a, b).ratio() >= 0.8 or a in b or b in a
    if name in ("cities", "includes", "excludes"):
        return {str(x).lower() for x in (got or [])} == {str(x).lower() for x in (want or [])}
    if name == "duration":
        if got is None or want is None:
            return got is None and want is None
        def close(x: object, y: object) -> bool:
            return x is None and y is None or (x is not None and y is not None and abs(float(x) - float(y)) < 0.05)
        return close(got.get("min_weeks"), want.get("min_weeks")) and close(  # type: ignore[union-attr]
            got.get("max_weeks"), want.get("max_weeks"))  # type: ignore[union-attr]
    if name == "supervision":
        return (bool(got.get("claimed")), bool(got.get("licensed"))) == (  # type: ignore[union-attr]
            bool(want.get("claimed")), bool(want.get("licensed")))  # type: ignore[union-attr]
    if name == "provider":
        return str(got or "").strip().lower() == str(want or "").strip().lower()
    return got == want


def _short(v: object) -> str:
    if isinstance(v, dict):
        v = {k: x for k, x in v.items() if k != "evidence"}
    return json.dumps(v, ensure_ascii=False)[:120]


def score(gold_sites: list[dict], found: dict[str, dict[str, dict]]) -> Report:
    """Compare `found` (site -> path -> record, for pages judged programs) with the gold."""
    rep = Report()
    for site in gold_sites:
        name = site["site"]
        got_by_path = found.get(name, {})
        gold_programs = {p["path"]: p["expect"] for p in site["pages"] if p.get("program")}
        matched: set[str] = set()
        for gpath, expect in gold_programs.items():
            got_path = next((p for p in got_by_path if _same_path(p, gpath)), None)
            if got_path is None:
                rep.pages.fn += 1
                rep.misses.append(f"{name}{gpath}: program page not cataloged")
                for _ in expect["fees"]:
                    rep.fees.fn += 1
                for flag in expect["flags"]:
                    rep.flags.fn += 1
                    if flag in JUDGED_FLAGS:
                        rep.judged_flags.fn += 1
                    if flag in DISCLOSURE_FLAGS:
                        rep.disclosure_flags.fn += 1
                rep.field_total += 1
                continue
            matched.add(got_path)
            rep.pages.tp += 1
            got = got_by_path[got_path]
            _score_record(rep, f"{name}{gpath}", got, expect)
        for path in got_by_path:
            if path not in matched:
                rep.pages.fp += 1
                rep.misses.append(f"{name}{path}: cataloged as a program but is not one")
    return rep


def _score_record(rep: Report, where: str, got: dict, expect: dict) -> None:
    rep.field_total += 1
    for name in FIELDS:
        if _field_equal(name, got.get(name), expect.get(name)):
            rep.field_hits[name] += 1
        else:
            rep.misses.append(f"{where}: {name} = {_short(got.get(name))}, gold {_short(expect.get(name))}")
    want_fees = [_fee_key(f) for f in expect["fees"]]
    got_fees = [_fee_key(f) for f in got.get("fees", [])]
    remaining = list(want_fees)
    for key in got_fees:
        if key in remaining:
            remaining.remove(key)
            rep.fees.tp += 1
        else:
            rep.fees.fp += 1
            rep.misses.append(f"{where}: extra fee {key}")
    for key in remaining:
        rep.fees.fn += 1
        rep.misses.append(f"{where}: missed fee {key}")
    got_flags = {f["code"] if isinstance(f, dict) else f for f in got.get("flags", [])}
    want_flags = set(expect["flags"])
    for prf, subset in ((rep.flags, None), (rep.judged_flags, JUDGED_FLAGS), (rep.disclosure_flags,
                                                                                DISCLOSURE_FLAGS)):
        g = got_flags if subset is None else got_flags & subset
        w = want_flags if subset is None else want_flags & subset
        prf.tp += len(g & w)
        prf.fp += len(g - w)
        prf.fn += len(w - g)
    for code in sorted(got_flags - want_flags):
        rep.misses.append(f"{where}: extra flag {code}")
    for code in sorted(want_flags - got_flags):
        rep.misses.append(f"{where}: missed flag {code}")


def extract_direct(corpus: Path, gold_sites: list[dict]) -> dict[str, dict[str, dict]]:
    """Run the extractors over the corpus files without crawling (robots and duplicates are not judged)."""
    from pipelines.extract import extract_page

    found: dict[str, dict[str, dict]] = {}
    for site in gold_sites:
        name = site["site"]
        root = corpus / "sites" / name
        origin = "http://127.0.0.1:8000"
        for entry in site["pages"]:
            if entry.get("duplicate_of") or entry.get("robots_disallowed"):
                continue
            path = entry["path"].split("?")[0]
            file = root / path.lstrip("/")
            if file.is_dir():
                file = file / "index.html"
            raw = file.read_bytes().replace(b"http://SITE_ROOT", origin.encode())
            ex = extract_page(raw, origin + entry["path"])
            if ex.is_program and ex.record:
                found.setdefault(name, {})[entry["path"]] = ex.record
    return found


def crawl_corpus(corpus: Path, gold_sites: list[dict], *, quiet: bool = True) -> dict[str, dict[str, dict]]:
    """Serve the corpus, crawl it into a temporary catalog, read the programs back per site."""
    from catalog.crawl import run_crawl
    from catalog.db import open_catalog
    from catalog.queries import export_record, iter_programs
    from catalog.siteserver import serve_sites

    names = [s["site"] for s in gold_sites]
    with tempfile.TemporaryDirectory(prefix="internscope-eval-") as tmp, serve_sites(corpus, only=names) as origins:
        db_path = str(Path(tmp) / "eval.db")
        result = run_crawl(list(origins.values()), db_path, quiet=quiet,
                           settings={"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
                                     "CONCURRENT_REQUESTS_PER_DOMAIN": 8})
        if result.exit_code != 0:
            raise EvalError(f"crawl failed: {result.reason}")
        db = open_catalog(db_path, create=False, readonly=True)
        by_origin = {origin: name for name, origin in origins.items()}
        found: dict[str, dict[str, dict]] = {}
        for row in iter_programs(db):
            rec = export_record(row) if "fees" not in row else row
            parts = urlsplit(rec["url"])
            site = by_origin.get(f"{parts.scheme}://{parts.netloc}")
            if site:
                found.setdefault(site, {})[_path_of(rec["url"])] = rec
        db.close()
    return found


def format_report(rep: Report) -> list[str]:
    d = rep.as_dict()
    lines = []
    if rep.misses:
        lines.append(f"misses ({len(rep.misses)}):")
        lines.extend(f"  {m}" for m in rep.misses)
        lines.append("")
    lines.append(f"{'field':<22}accuracy")
    for name, acc in d["fields"].items():
        lines.append(f"  {name:<20}{acc:.3f}")
    lines.append("")
    lines.append(f"{'measure':<22}{'precision':>10}{'recall':>8}{'f1':>7}   (tp/fp/fn)")
    for label, key in (("program pages", "program_pages"), ("fees", "fees"), ("flags (all)", "flags"),
                       ("judged flags", "judged_flags"), ("disclosure flags", "disclosure_flags")):
        m = d[key]
        lines.append(f"  {label:<20}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>7.3f}"
                     f"   ({m['tp']}/{m['fp']}/{m['fn']})")
    lines.append(f"  {'field accuracy':<20}{d['field_accuracy']:>10.3f}   over {rep.field_total} programs x "
                 f"{len(FIELDS)} fields")
    return lines


def run_eval(corpus_dir: Path, *, out: Callable[[str], None] = print, as_json: bool = False,
             direct: bool = False) -> int:
    corpus = Path(corpus_dir)
    if not corpus.exists():
        raise EvalError(f"corpus directory not found: {corpus}")
    gold_sites = load_gold(corpus)
    found = extract_direct(corpus, gold_sites) if direct else crawl_corpus(corpus, gold_sites)
    rep = score(gold_sites, found)
    if as_json:
        out(json.dumps(rep.as_dict(), indent=2, ensure_ascii=False))
    else:
        for line in format_report(rep):
            out(line)
    return 0
