"""Reading the catalog: filtered program listings, one program, the export shape, a summary.

Every value a user supplies reaches SQLite as a bound parameter; the SQL text is
assembled only from the constant fragments below.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlite_utils

__all__ = [
    "EXPORT_FIELDS",
    "SORTS",
    "ProgramFilter",
    "canonical_candidates",
    "catalog_summary",
    "export_record",
    "find_program_row",
    "get_program",
    "iter_programs",
    "changes_since",
    "fts_query",
    "program_query",
    "readonly_query",
    "search_programs",
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
    "discipline",
    "prices",
    "status",
    "gone_since",
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

_PROGRAMS_SELECT = "SELECT p.* FROM programs p "


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


SORTS: dict[str, str] = {
    # name -> ORDER BY; the price sorts put programs without a derivable price last. NULLS LAST rather
    # than an `x IS NULL` term: with a price bound SQLite then reads the (country, price) index in order
    # and stops at the LIMIT (0.4 ms at 100k programs) instead of sorting every match (3-9 ms).
    "price": "p.price_per_week_eur NULLS LAST, p.url",
    "price4": "p.price_4_weeks_eur NULLS LAST, p.url",
    "country": "p.country IS NULL, p.country, p.price_per_week_eur IS NULL, p.price_per_week_eur, p.url",
    "provider": "p.provider IS NULL, p.provider COLLATE NOCASE, p.title COLLATE NOCASE, p.url",
    "title": "p.title COLLATE NOCASE, p.url",
    "duration": "p.duration_min_weeks IS NULL, p.duration_min_weeks, p.url",
    "newest": "p.first_seen DESC, p.url",
    "changed": "p.last_changed DESC, p.url",
}


@dataclass
class ProgramFilter:
    """What `programs` filters on; every value reaches SQLite as a bound parameter.

    Prices are compared in the catalog's index currency (EUR): a limit in another
    currency is converted once, with the catalog's latest rates, before the query.
    """

    countries: Sequence[str] = ()
    regions: Sequence[str] = ()  # M49 sub-regions, already resolved from what the user typed
    discipline: str | None = None
    max_per_week_eur: float | None = None
    weeks: float | None = None  # the program can run this many weeks
    supervised: bool | None = None
    licensed: bool | None = None
    participation: str | None = None
    flags: Sequence[str] = ()  # must carry every one
    without_flags: Sequence[str] = ()  # must carry none
    provider: str | None = None
    include_gone: bool = False
    sort: str = "price"
    limit: int | None = None


def _in(column: str, name: str, values: Sequence[str], params: dict[str, Any]) -> str:
    keys = [f"{name}{i}" for i in range(len(values))]
    params.update(zip(keys, values, strict=True))
    return f"{column} IN ({', '.join(':' + k for k in keys)})"


def program_query(f: ProgramFilter) -> tuple[str, dict[str, Any]]:
    """The SQL and parameters of a filtered listing (exposed for `EXPLAIN` in tests and benchmarks)."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if not f.include_gone:
        where.append("p.status = 'active'")
    if f.countries:
        where.append(_in("p.country", "country", [c.strip().upper() for c in f.countries], params))
    if f.regions:
        where.append(_in("p.region", "region", list(f.regions), params))
    if f.discipline is not None:
        where.append("p.discipline = :discipline")
        params["discipline"] = f.discipline.strip().lower().replace(" ", "_")
    if f.max_per_week_eur is not None:
        where.append("p.price_per_week_eur <= :max_eur")
        params["max_eur"] = float(f.max_per_week_eur)
    if f.weeks is not None:
        where.append("coalesce(p.duration_min_weeks, 0) <= :weeks AND coalesce(p.duration_max_weeks, :weeks) >= :weeks")
        params["weeks"] = float(f.weeks)
    if f.supervised is not None:
        where.append("p.supervision_claimed = :supervised")
        params["supervised"] = int(f.supervised)
    if f.licensed is not None:
        where.append("p.supervision_licensed = :licensed")
        params["licensed"] = int(f.licensed)
    if f.participation is not None:
        where.append("p.participation = :participation")
        params["participation"] = f.participation
    for i, code in enumerate(f.flags):
        where.append(f"EXISTS (SELECT 1 FROM flags f WHERE f.code = :flag{i} AND f.program_url = p.url)")
        params[f"flag{i}"] = code.strip()
    for i, code in enumerate(f.without_flags):
        where.append(f"NOT EXISTS (SELECT 1 FROM flags f WHERE f.code = :noflag{i} AND f.program_url = p.url)")
        params[f"noflag{i}"] = code.strip()
    if f.provider is not None:
        # Through the small providers table, so the programs scan stays on an index.
        where.append("p.provider_id IN (SELECT id FROM providers WHERE instr(name_key, :provider) > 0)")
        params["provider"] = " ".join(f.provider.casefold().split())
    if f.sort not in SORTS:
        raise ValueError(f"unknown sort {f.sort!r}; one of {', '.join(SORTS)}")
    sql = "SELECT p.* FROM programs p"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY " + SORTS[f.sort]
    if f.limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = int(f.limit)
    return sql, params


def iter_programs(db: sqlite_utils.Database, f: ProgramFilter | None = None) -> Iterator[dict[str, Any]]:
    """Program rows (all `programs` columns, `flag_codes` as a list) matching `f`."""
    sql, params = program_query(f or ProgramFilter())
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
        "discipline": rec.get("discipline"),
        "prices": {
            "currency": row.get("price_currency"),
            "per_week": _num(row.get("price_per_week")),
            "per_week_how": row.get("price_per_week_how"),
            "four_weeks": _num(row.get("price_4_weeks")),
            "four_weeks_how": row.get("price_4_weeks_how"),
        },
        "status": row.get("status", "active"),
        "gone_since": row.get("gone_since"),
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
            "SELECT count(DISTINCT program_url) FROM fees WHERE kind = 'program'"
        ),
        "programs_gone": scalar("SELECT count(*) FROM programs WHERE status = 'gone'"),
        "flags": flags,
        "rejected": scalar("SELECT count(*) FROM rejected"),
        "rejected_urls": scalar("SELECT count(DISTINCT url) FROM rejected"),
        "crawl_runs": scalar("SELECT count(*) FROM crawl_runs"),
        "last_run": last_run,
    }


# ---------------------------------------------------------------- search

_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """A user's words as an FTS5 query: each word quoted (so punctuation and FTS
    operators in the input are plain text), all of them required, the last one
    also matching as a prefix ("physio" finds physiotherapy)."""
    words = _TOKEN.findall(text)
    if not words:
        raise ValueError("the search text has no words")
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def search_programs(
    db: sqlite_utils.Database, text: str, *, limit: int = 20, include_gone: bool = False, raw: bool = False
) -> list[dict[str, Any]]:
    """Programs matching `text`, best first (bm25; a title or provider hit outweighs the body), with a snippet."""
    query = text if raw else fts_query(text)
    status = "" if include_gone else "AND p.status = 'active'"
    # Ranked through FTS5's own `rank` column (set to the weighted bm25 by `rank MATCH`): FTS5 then
    # returns matches best first, so the join and the snippet run only for the rows LIMIT keeps. Sorting
    # by a bm25() result column instead made SQLite build every match's snippet and join first:
    # 200-500 ms for a word on every page of a 100k-program catalog, about half that this way.
    sql = f"""
        SELECT p.id, p.url, p.title, p.provider, p.country, p.status, p.price_per_week, p.price_currency,
               programs_fts.rank AS rank,
               snippet(programs_fts, -1, '[', ']', ' ... ', 12) AS snippet
        FROM programs_fts JOIN programs p ON p.id = programs_fts.rowid
        WHERE programs_fts MATCH :query AND programs_fts.rank MATCH 'bm25(8.0, 4.0, 2.0, 1.0)' {status}
        ORDER BY programs_fts.rank LIMIT :limit
    """
    return [dict(r) for r in db.query(sql, {"query": query, "limit": int(limit)})]


# ---------------------------------------------------------------- changes


def changes_since(db: sqlite_utils.Database, since: str) -> dict[str, list[dict[str, Any]]]:
    """What moved on or after `since` (an ISO date or timestamp): price changes, new, gone and revived programs."""
    price = [
        dict(r)
        for r in db.query(
            """
            SELECT c.program_url AS url, p.title, p.provider, c.field, c.old_value, c.new_value,
                   c.changed_at, c.crawl_run_id, p.price_currency AS currency
            FROM program_changes c JOIN programs p ON p.url = c.program_url
            WHERE c.changed_at >= :since AND c.field IN ('price_per_week', 'price_4_weeks', 'fees')
            ORDER BY c.changed_at, c.program_url, c.field
            """,
            {"since": since},
        )
    ]
    new = [
        dict(r)
        for r in db.query(
            "SELECT url, title, provider, country, first_seen FROM programs WHERE first_seen >= :since "
            "ORDER BY first_seen, url",
            {"since": since},
        )
    ]
    status = [
        dict(r)
        for r in db.query(
            """
            SELECT c.program_url AS url, p.title, p.provider, p.country, c.new_value, c.changed_at, c.crawl_run_id
            FROM program_changes c JOIN programs p ON p.url = c.program_url
            WHERE c.changed_at >= :since AND c.field = 'status'
            ORDER BY c.changed_at, c.program_url
            """,
            {"since": since},
        )
    ]
    for row in price:
        row["old_value"], row["new_value"] = json.loads(row["old_value"]), json.loads(row["new_value"])
    gone: list[dict[str, Any]] = []
    revived: list[dict[str, Any]] = []
    for row in status:
        (gone if json.loads(row.pop("new_value")) == "gone" else revived).append(row)
    return {"price_changes": price, "new": new, "gone": gone, "revived": revived}


# ---------------------------------------------------------------- read-only SQL

# What a read-only statement may do; everything else (writes, ATTACH, PRAGMA with a
# value, DDL, transactions) is denied by the authorizer before it runs.
_READ_ACTIONS = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
# PRAGMAs that only report: ones whose argument names a table or index, and ones
# that set a value when given one (so they are allowed only without).
_SCHEMA_PRAGMAS = frozenset({"table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
                             "foreign_key_list"})
_VALUE_PRAGMAS = frozenset({"user_version", "data_version", "schema_version", "page_count", "page_size",
                            "freelist_count", "encoding", "journal_mode"})


def _authorize(action: int, arg1: str | None, arg2: str | None, _db: str | None, _src: str | None) -> int:
    if action in _READ_ACTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        if name in _SCHEMA_PRAGMAS or (name in _VALUE_PRAGMAS and arg2 is None):
            return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def readonly_query(
    db: sqlite_utils.Database, sql: str, params: Mapping[str, Any] | Sequence[Any] = ()
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one statement that only reads; raises PermissionError for anything that would write.

    Three locks, any one of which suffices: the caller opens the file with mode=ro,
    `query_only` refuses writes at the engine, and the authorizer refuses the
    statement before it runs (which also covers ATTACH of another, writable file).
    """
    conn = db.conn
    conn.execute("PRAGMA query_only = ON")
    conn.set_authorizer(_authorize)
    try:
        cursor = conn.execute(sql, params)
        rows = cursor.fetchall()
        columns = [d[0] for d in cursor.description or []]
    except sqlite3.DatabaseError as e:
        message = str(e)
        if "not authorized" in message or "readonly" in message or "query_only" in message:
            raise PermissionError(f"query refused: only reading statements are allowed ({message})") from None
        raise
    except sqlite3.ProgrammingError as e:
        raise PermissionError(f"query refused: {e}") from None
    finally:
        conn.set_authorizer(None)
    return columns, rows
