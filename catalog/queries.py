"""Reading the catalog: filtered program listings, one program, the export shape, a summary.

Every value a user supplies reaches SQLite as a bound parameter; the SQL text is
assembled only from the constant fragments below.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlite_utils

__all__ = [
    "EXPORT_FIELDS",
    "canonical_candidates",
    "catalog_summary",
    "export_record",
    "find_program_row",
    "get_program",
    "iter_programs",
]

# The JSONL export shape, in order. Changing it changes a published format.
EXPORT_FIELDS: tuple[str, ...] = (
    "url",
    "provider",
    "title",
    "country",
    "cities",
    "fees",
    "includes",
    "excludes",
    "duration",
    "start_dates",
    "supervision",
    "participation",
    "experience_required",
    "min_age",
    "legal_info",
    "safety_info",
    "community_benefit",
    "flags",
    "evidence",
    "first_seen",
    "last_seen",
)
FEE_FIELDS: tuple[str, ...] = ("amount", "amount_max", "currency", "basis", "kind", "weeks", "evidence")

# Query parameters that identify a visitor or a campaign, not a page; the crawler
# drops the same kind when it canonicalises, so a pasted link still resolves.
_TRACKING_PARAMS = frozenset(
    {
        "ref",
        "ref_src",
        "source",
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "trk",
        "sessionid",
    }
)

_PROGRAMS_SELECT = """
SELECT p.*,
       (SELECT json_group_array(f.code) FROM flags f WHERE f.program_url = p.url) AS flag_codes
FROM programs p
"""


def _num(value: Any) -> Any:
    """2195.0 -> 2195: what pydantic's float fields give back is noise in an export."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _opt_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _program_row(row: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(row)
    if "flag_codes" in out:
        out["flag_codes"] = sorted(json.loads(out["flag_codes"] or "[]"))
    return out


def iter_programs(
    db: sqlite_utils.Database,
    *,
    country: str | None = None,
    flag: str | None = None,
    max_fee: float | None = None,
    currency: str | None = None,
    provider: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Program rows (all `programs` columns plus `flag_codes`, a sorted list).

    country and currency match exactly (upper-cased); flag is a flag code;
    max_fee bounds min_program_fee (programs without a stated program fee are
    left out); provider matches case-insensitively anywhere in the name.
    """
    where: list[str] = []
    params: dict[str, Any] = {}
    if country is not None:
        where.append("p.country = :country")
        params["country"] = country.strip().upper()
    if flag is not None:
        where.append("EXISTS (SELECT 1 FROM flags f WHERE f.program_url = p.url AND f.code = :flag)")
        params["flag"] = flag.strip()
    if max_fee is not None:
        where.append("p.min_program_fee IS NOT NULL AND p.min_program_fee <= :max_fee")
        params["max_fee"] = float(max_fee)
    if currency is not None:
        where.append("p.min_fee_currency = :currency")
        params["currency"] = currency.strip().upper()
    if provider is not None:
        where.append("instr(lower(p.provider), lower(:provider)) > 0")
        params["provider"] = provider.strip()
    sql = _PROGRAMS_SELECT
    if where:
        sql += "WHERE " + " AND ".join(where)
    sql += "\nORDER BY p.country, p.min_program_fee, p.url"
    for row in db.query(sql, params):
        yield _program_row(row)


def _crawler_canonical(url: str) -> str | None:
    # The spider's own rule decides what pages.url holds; imported lazily so the
    # read side still works (with the fallbacks below) where Scrapy is absent.
    try:
        from scrapers.urls import canonicalize
    except ImportError:
        return None
    return canonicalize(url)


def canonical_candidates(url: str) -> list[str]:
    """`url` as pasted, then the crawler's canonical form, then looser variants
    (fragment, tracking parameters, trailing slash) for links from elsewhere."""
    url = url.strip()
    candidates = [url]
    crawler_form = _crawler_canonical(url)
    if crawler_form:
        candidates.append(crawler_form)
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in _TRACKING_PARAMS and not k.lower().startswith("utm_")
    ]
    clean_parts = parts._replace(
        scheme=parts.scheme.lower(), netloc=parts.netloc.lower(), query=urlencode(query), fragment=""
    )
    clean = urlunsplit(clean_parts)
    candidates += [urlunsplit(parts._replace(fragment="")), clean]
    path = clean_parts.path
    if path.endswith("/") and len(path) > 1:
        candidates.append(urlunsplit(clean_parts._replace(path=path.rstrip("/"))))
    elif not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
        candidates.append(urlunsplit(clean_parts._replace(path=path + "/")))
    return list(dict.fromkeys(candidates))


def find_program_row(db: sqlite_utils.Database, url: str) -> dict[str, Any] | None:
    """The programs row for `url`: exact match first, then canonical forms, then the
    address a program page was fetched at (pages.fetched_url)."""
    for candidate in canonical_candidates(url):
        rows = list(db.query(_PROGRAMS_SELECT + "WHERE p.url = ?", [candidate]))
        if rows:
            return _program_row(rows[0])
    for candidate in canonical_candidates(url):
        rows = list(
            db.query(
                _PROGRAMS_SELECT
                + "WHERE p.url = (SELECT pg.url FROM pages pg WHERE pg.fetched_url = ? LIMIT 1)",
                [candidate],
            )
        )
        if rows:
            return _program_row(rows[0])
    return None


def get_program(db: sqlite_utils.Database, url: str) -> dict[str, Any] | None:
    """One program in the export shape (fees, flags, first_seen, last_seen), or None."""
    row = find_program_row(db, url)
    return None if row is None else export_record(row)


def export_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """The published JSONL shape of one program, from a `programs` row.

    Built from the stored validated record (the source of truth the fees and
    flags tables are derived from) plus the catalog's first/last seen.
    """
    record = row["record"]
    rec: dict[str, Any] = json.loads(record) if isinstance(record, str | bytes) else dict(record)
    duration = rec.get("duration")
    supervision = rec.get("supervision") or {}
    out: dict[str, Any] = {
        "url": rec.get("url") or row.get("url"),
        "provider": rec.get("provider"),
        "title": rec.get("title"),
        "country": rec.get("country"),
        "cities": list(rec.get("cities") or []),
        "fees": [
            {
                k: (fee.get(k) if k in ("currency", "basis", "kind", "evidence") else _num(fee.get(k)))
                for k in FEE_FIELDS
            }
            for fee in rec.get("fees") or []
        ],
        "includes": list(rec.get("includes") or []),
        "excludes": list(rec.get("excludes") or []),
        "duration": None
        if not duration
        else {
            "min_weeks": _num(duration.get("min_weeks")),
            "max_weeks": _num(duration.get("max_weeks")),
            "evidence": duration.get("evidence"),
        },
        "start_dates": rec.get("start_dates"),
        "supervision": {
            "claimed": bool(supervision.get("claimed")),
            "licensed": bool(supervision.get("licensed")),
            "evidence": supervision.get("evidence"),
        },
        "participation": rec.get("participation"),
        "experience_required": _opt_bool(rec.get("experience_required")),
        "min_age": rec.get("min_age"),
        "legal_info": bool(rec.get("legal_info")),
        "safety_info": bool(rec.get("safety_info")),
        "community_benefit": bool(rec.get("community_benefit")),
        "flags": [
            {"code": f.get("code"), "severity": f.get("severity"), "evidence": f.get("evidence")}
            for f in rec.get("flags") or []
        ],
        "evidence": dict(rec.get("evidence") or {}),
        "first_seen": row.get("first_seen"),
        "last_seen": row.get("last_seen"),
    }
    return out


def catalog_summary(db: sqlite_utils.Database) -> dict[str, Any]:
    """What the catalog holds: counts by provider and flag, fees, rejections, the last run."""

    def scalar(sql: str) -> int:
        return int(db.execute(sql).fetchone()[0])

    providers = [
        (row["provider"], row["n"])
        for row in db.query(
            "SELECT coalesce(provider, '(unknown)') AS provider, count(*) AS n FROM programs "
            "GROUP BY 1 ORDER BY n DESC, provider"
        )
    ]
    flags = [
        (row["code"], row["n"])
        for row in db.query("SELECT code, count(*) AS n FROM flags GROUP BY code ORDER BY n DESC, code")
    ]
    last_run = next(iter(db.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")), None)
    if last_run is not None:
        last_run = {k: v for k, v in last_run.items() if k != "stats"}
        last_run["start_urls"] = json.loads(last_run["start_urls"] or "[]")
    return {
        "programs": scalar("SELECT count(*) FROM programs"),
        "providers": providers,
        "pages": scalar("SELECT count(*) FROM pages"),
        "fees": scalar("SELECT count(*) FROM fees"),
        "programs_with_program_fee": scalar(
            "SELECT count(*) FROM programs WHERE min_program_fee IS NOT NULL"
        ),
        "flags": flags,
        "rejected": scalar("SELECT count(*) FROM rejected"),
        "rejected_urls": scalar("SELECT count(DISTINCT url) FROM rejected"),
        "crawl_runs": scalar("SELECT count(*) FROM crawl_runs"),
        "last_run": last_run,
    }
