"""SQL injection through the CLI, and SQL built from strings in catalog/.

* Every option and argument that reaches SQL (`programs` filters, `search` with and without --raw, `show URL`,
  `changes --since`, `query -p`) is given injection payloads: the catalog is left byte for byte, the answer
  is the one an ordinary non-matching value gets (no rows, or the same one-line error), and nothing in the
  output shows SQL (no SQLite message, no statement text).
* `query` refuses every statement that would write or escape (DML, DDL, ATTACH, value-setting PRAGMAs,
  transactions, temp tables, two statements in one, extensions) with one `Error: query refused` line.
* Statically: catalog/*.py passes values to SQLite only as parameters. Every f-string, `+` or `%` that builds
  SQL text is found with `ast`, and each value it interpolates must be on ALLOWED below, which says why it
  is not user input (a column list of the module's own dict literals, a validated sort key, a count of `?`
  marks, an int). A new interpolation fails this test until someone checks it and adds it there.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from pathlib import Path

import pytest
from catalog_factories import make_item, make_record
from click.testing import CliRunner, Result
from robustness_figures import record_figures

from catalog.cli import main
from catalog.db import open_catalog
from catalog.store import start_run, store_page

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://provider.test/programs/"
PAYLOADS = [
    "' OR '1'='1",
    "' OR 1=1 --",
    '" OR ""="',
    "'; DROP TABLE programs; --",
    "x'); DELETE FROM programs; --",
    "1; UPDATE programs SET title = 'pwned'",
    "' UNION SELECT name, sql, 1, 1, 1, 1, 1, 1, 1, 1 FROM sqlite_master --",
    "GH' --",
    "%' OR '%'='",
    "%",
    "_",
    ") OR (1=1",
    "*/ OR /*",
    ":limit",
    "?",
    "’ OR ’1’=’1",
    "\\'; ATTACH DATABASE '/tmp/evil.db' AS evil; --",
    "programs_fts MATCH '*'",
    "NEAR(a b) OR * OR \"",
]
# What an error may say: never SQLite's words, a statement or a table of the catalog.
LEAKS = re.compile(r"sqlite|syntax error|no such (?:column|table)|\bSELECT\b|\bFROM\b|unrecognized token|near \"",
                   re.I)
FIGURES: dict[str, int] = {}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"INTERNSCOPE_DB": None, "INTERNSCOPE_PROVIDERS": None})


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("injection") / "catalog.db"
    db = open_catalog(path)
    run = start_run(db, ["https://provider.test/"])
    for slug, country, title in (("ghana-medicine", "GH", "Medical Elective in Kumasi"),
                                 ("kenya-nursing", "KE", "Nursing Placement in Nairobi"),
                                 ("peru-dental", "PE", "Dental Elective in Cusco")):
        item = make_item(make_record(BASE + slug, country=country, title=title))
        item["extraction"]["main_text"] = f"{title}: ward rounds, maternity, clinics."
        store_page(db, run, item)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _no_leak(result: Result, payload: str) -> None:
    """No SQL in the answer, once the value itself (echoed back in a message) is taken out."""
    assert "Traceback" not in result.output
    shown = result.stderr.replace(payload, "VALUE").replace(payload.upper(), "VALUE")
    assert not LEAKS.search(shown), result.stderr
    assert len(result.stderr.splitlines()) <= 1, result.stderr


# Each option that reaches SQL: (arguments with {} for the payload, the same with a harmless non-match).
OPTIONS: dict[str, tuple[list[str], list[str]]] = {
    "programs --country": (["programs", "--country", "{}", "--json"], ["programs", "--country", "ZZ", "--json"]),
    "programs --field": (["programs", "--field", "{}", "--json"], ["programs", "--field", "zzz", "--json"]),
    "programs --provider": (["programs", "--provider", "{}", "--json"], ["programs", "--provider", "zzz", "--json"]),
    "programs --region": (["programs", "--region", "{}"], ["programs", "--region", "Atlantis"]),
    "programs --flag": (["programs", "--flag", "{}"], ["programs", "--flag", "zzz"]),
    "programs --without-flag": (["programs", "--without-flag", "{}"], ["programs", "--without-flag", "zzz"]),
    "programs --currency": (["programs", "--currency", "{}"], ["programs", "--currency", "ZZZ"]),
    "programs --sort": (["programs", "--sort", "{}"], ["programs", "--sort", "zzz"]),
    "programs --participation": (["programs", "--participation", "{}"], ["programs", "--participation", "zzz"]),
    "programs --limit": (["programs", "--limit", "{}"], ["programs", "--limit", "zzz"]),
    "programs --max-per-week": (["programs", "--max-per-week", "{}"], ["programs", "--max-per-week", "zzz"]),
    "programs --weeks": (["programs", "--weeks", "{}"], ["programs", "--weeks", "zzz"]),
    "show URL": (["show", "{}"], ["show", "https://nowhere.test/x"]),
    "changes --since": (["changes", "--since", "{}"], ["changes", "--since", "not-a-date"]),
    "query -p": (["query", "SELECT url FROM programs WHERE country = :c", "-p", "c={}", "--json"],
                 ["query", "SELECT url FROM programs WHERE country = :c", "-p", "c=ZZ", "--json"]),
}


@pytest.mark.parametrize("option", list(OPTIONS))
def test_injection_payloads_in_filters_change_nothing_and_leak_nothing(db_path: Path, option: str) -> None:
    before = _digest(db_path)
    with_payload, plain = OPTIONS[option]
    expected = invoke(*plain, "--db", str(db_path))
    for payload in PAYLOADS:
        result = invoke(*[a.replace("{}", payload) for a in with_payload], "--db", str(db_path))
        _no_leak(result, payload)
        # The same outcome as a value that matches nothing: both refused alike, or both find no row.
        assert result.exit_code == expected.exit_code, (payload, result.output)
        if result.exit_code == 0:
            assert result.stdout.strip() in ("[]", "", "No programs match."), (payload, result.stdout)
        FIGURES["filter payloads"] = FIGURES.get("filter payloads", 0) + 1
    assert _digest(db_path) == before


def _urls(result: Result) -> list[str]:
    return [hit["url"] for hit in json.loads(result.stdout or "[]")]


@pytest.mark.parametrize("raw", [False, True])
def test_search_text_is_never_sql(db_path: Path, raw: bool) -> None:
    before = _digest(db_path)
    every = {BASE + slug for slug in ("ghana-medicine", "kenya-nursing", "peru-dental")}
    for payload in PAYLOADS:
        result = invoke("search", payload, "--db", str(db_path), "--json", *(["--raw"] if raw else []))
        if raw:
            # FTS5's own syntax errors are the answer --raw promises; SQL's never.
            assert not re.search(r"\bSELECT\b|no such|sqlite|unrecognized token",
                                 result.stderr.replace(payload, "VALUE"), re.I), result.stderr
            assert "Traceback" not in result.output and len(result.stderr.splitlines()) <= 1
        else:
            _no_leak(result, payload)
        if not raw:
            # Quotes, operators and SQL are plain words: the answer is the one for the words alone.
            words = " ".join(re.findall(r"\w+", payload))
            plain = invoke("search", words or "?", "--db", str(db_path), "--json")
            assert (result.exit_code, _urls(result) if result.exit_code == 0 else None) == (
                plain.exit_code, _urls(plain) if plain.exit_code == 0 else None), payload
        elif result.exit_code == 0:
            # --raw passes FTS5 query syntax on, which can only ever select programs' search rows.
            assert set(_urls(result)) <= every
        else:
            assert result.stderr.startswith("Error: bad search query"), result.stderr
        FIGURES["search payloads"] = FIGURES.get("search payloads", 0) + 1
    assert _digest(db_path) == before


WRITES = [
    "DELETE FROM programs",
    "UPDATE programs SET title = 'pwned'",
    "INSERT INTO flags (program_url, code, severity, evidence) VALUES ('x', 'y', 'low', 'z')",
    "REPLACE INTO providers (id, name, name_key, first_seen, last_seen) VALUES (1, 'a', 'a', 'b', 'c')",
    "DROP TABLE programs",
    "CREATE TABLE evil (x)",
    "CREATE TEMP TABLE evil (x)",
    "CREATE TEMP VIEW v AS SELECT 1",
    "ALTER TABLE programs ADD COLUMN evil TEXT",
    "CREATE INDEX evil ON programs(title)",
    "CREATE TRIGGER evil AFTER INSERT ON flags BEGIN DELETE FROM programs; END",
    "ATTACH DATABASE '/tmp/internscope-evil.db' AS evil",
    "DETACH DATABASE main",
    "PRAGMA user_version = 99",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA query_only = OFF",
    "PRAGMA writable_schema = ON",
    "VACUUM",
    "VACUUM INTO '/tmp/internscope-evil.db'",
    "REINDEX",
    "ANALYZE",
    "BEGIN",
    "SAVEPOINT a",
    "SELECT 1; DELETE FROM programs",
    "WITH x AS (SELECT 1) DELETE FROM programs",
    "SELECT load_extension('/tmp/evil.so')",
    "INSERT INTO programs_fts (programs_fts) VALUES ('delete-all')",
]


@pytest.mark.parametrize("sql", WRITES)
def test_query_refuses_every_write(db_path: Path, sql: str) -> None:
    before = _digest(db_path)
    result = invoke("query", sql, "--db", str(db_path))
    assert result.exit_code != 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: query"), result.stderr
    assert _digest(db_path) == before
    assert not Path("/tmp/internscope-evil.db").exists()
    FIGURES["query writes refused"] = FIGURES.get("query writes refused", 0) + 1


def test_query_parameters_are_bound_never_spliced(db_path: Path) -> None:
    sql = "SELECT count(*) AS n FROM programs WHERE url = :u OR title = :t"
    for payload in PAYLOADS:
        result = invoke("query", sql, "-p", f"u={payload}", "-p", f"t={payload}", "--json", "--db", str(db_path))
        assert result.exit_code == 0, result.output
        assert '"n": 0' in result.stdout, (payload, result.stdout)
    FIGURES["query parameter payloads"] = len(PAYLOADS)
    record_figures("sql_injection", {"cases": FIGURES, "payloads": len(PAYLOADS), "write_statements": len(WRITES)})


# ------------------------------------------------------------------ static: SQL text from strings

_SQL_WORDS = re.compile(r"\b(?:SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WHERE|VALUES|ORDER BY|ATTACH|"
                        r"REPLACE|MATCH|LIMIT|SET)\b|\bIN \(")
# Every value interpolated into SQL text in catalog/, per file, and why it is not user input. Keep it short:
# a user's value belongs in a parameter.
ALLOWED: dict[str, dict[str, str]] = {
    "store.py": {
        "table": "_upsert/_insert_many: the module's own table names, from its literals",
        "', '.join(columns)": "column names: keys of the row dicts this module builds",
        "', '.join('?' * len(columns))": "one ? per column",
        "pk": "the key column the module passes",
        "assignments": "`c = excluded.c` for the same own column names",
        "column": "_count: a value of _RUN_COUNTER, a module constant",
        "\", \".join(f\"{c} = ?\" for c in columns)": "keys of _price_columns/_program_columns dicts",
        "\", \".join(_TRACKED_COLUMNS)": "a module constant",
        "marks": "mark_gone: one ? per site",
        "c": "inside the join above",
    },
    "bulk.py": {
        "table": "the module's own table names",
        "', '.join(columns)": "keys of the row dicts this module builds",
        "', '.join('?' * len(columns))": "one ? per column",
        "', '.join(_OLD_COLUMNS)": "a module constant",
        "\", \".join(f\"{column} = {column} + ?\" for _, column in columns)": "values of store._RUN_COUNTER",
        "column": "inside the join above",
        "-BULK_CACHE_KIB": "a module constant (int)",
        "foreign_keys": "an int read back from PRAGMA foreign_keys",
        "cache_size": "an int read back from PRAGMA cache_size",
    },
    "db.py": {
        "_PROGRAMS_V1_COLUMNS": "a module constant (the v1 -> v2 migration)",
        "int(version)": "the migration number, an int",
    },
    "queries.py": {
        "SORTS[f.sort]": "ORDER BY text of a SORTS key (an unknown key raises before)",
        "\" AND \".join(where)": "constant WHERE fragments with :named parameters",
        "i": "the index in a parameter's name (:flag0, :noflag1)",
        "_PROGRAMS_SELECT": "a module constant",
        "status": "a constant fragment or ''",
        "column": "_in: a column name the module passes",
        "', '.join(':' + k for k in keys)": "_in: generated parameter names",
        "k": "inside the join above",
        "name": "_in: the prefix of generated parameter names, from the module",
    },
}


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def sql_interpolations(path: Path) -> list[tuple[int, str]]:
    """(line, source) of every value put into SQL-looking text by an f-string, `+`, `%` or `.format`."""
    source = path.read_text(encoding="utf-8")
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            if _SQL_WORDS.search(text):
                found += [(node.lineno, _norm(ast.get_source_segment(source, v.value)))
                          for v in node.values if isinstance(v, ast.FormattedValue)]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
            for side, other in ((node.left, node.right), (node.right, node.left)):
                if (isinstance(side, ast.Constant) and isinstance(side.value, str) and _SQL_WORDS.search(side.value)
                        and not isinstance(other, ast.Constant | ast.BinOp | ast.JoinedStr)):
                    found.append((node.lineno, _norm(ast.get_source_segment(source, other))))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
              and isinstance(node.func.value, ast.Constant) and _SQL_WORDS.search(str(node.func.value.value))):
            found.append((node.lineno, "str.format"))
    return found


def test_catalog_builds_sql_only_from_its_own_names() -> None:
    unexplained = []
    checked = 0
    for path in sorted((ROOT / "catalog").glob("*.py")):
        allowed = ALLOWED.get(path.name, {})
        for line, expr in sql_interpolations(path):
            checked += 1
            if expr not in allowed:
                unexplained.append(f"catalog/{path.name}:{line}: {expr}")
    assert not unexplained, "values put into SQL text that ALLOWED does not explain:\n" + "\n".join(unexplained)
    assert checked > 10  # the scan does find the module's own interpolations


def test_the_scan_finds_user_values_spliced_into_sql(tmp_path: Path) -> None:
    """The static check is not vacuous: the ways to splice a value into SQL are all found."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f(db, country, url, title):\n"
        "    db.execute(f\"SELECT * FROM programs WHERE country = '{country}'\")\n"
        "    db.execute(\"SELECT * FROM programs WHERE url = '\" + url)\n"
        "    db.execute(\"UPDATE programs SET title = '%s'\" % title)\n"
        "    db.execute(\"DELETE FROM programs WHERE url = '{}'\".format(url))\n",
        encoding="utf-8",
    )
    assert [expr for _, expr in sql_interpolations(bad)] == ["country", "url", "title", "str.format"]
