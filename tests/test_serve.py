"""`internscope serve`: the shipped Datasette metadata, the command's errors and Ctrl-C, and the
served catalog driven in a real headless browser (Debian chromium via Playwright).

The catalog is the demo sites crawled twice (tests/conftest.py), served by the real command in
a subprocess; what the browser shows is compared with the same question asked in SQL.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner, Result
from terminal import terminal_sigint

from catalog.cli import main
from catalog.db import open_catalog
from catalog.democatalog import DemoCatalog
from catalog.screenshots import browser_unavailable, launch_chromium
from catalog.serve import METADATA_TEMPLATE, SETTINGS, TEMPLATE_DATABASE, datasette_argv, datasette_metadata

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

START_TIMEOUT_S = 60.0
PROGRAM_FACETS = ("country", "provider", "participation", "flag_codes", "region", "status")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"INTERNSCOPE_DB": None})


def assert_one_line_error(result: Result) -> str:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error:"), lines[0]
    return lines[0]


def _metadata() -> dict[str, Any]:
    return json.loads(METADATA_TEMPLATE.read_text(encoding="utf-8"))


def _tables_meta() -> dict[str, Any]:
    return _metadata()["databases"][TEMPLATE_DATABASE]["tables"]


def _queries_meta() -> dict[str, Any]:
    return _metadata()["databases"][TEMPLATE_DATABASE]["queries"]


def _ro(db_path: Path) -> closing[sqlite3.Connection]:
    return closing(sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True))


def _one(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...]:
    with _ro(db_path) as conn:
        return conn.execute(sql, params).fetchone()


def _canned(db_path: Path, name: str, **params: str) -> list[tuple[Any, ...]]:
    """A canned query run directly, with Datasette's convention that a missing parameter is ''."""
    sql = _queries_meta()[name]["sql"]
    names = set(re.findall(r":(\w+)", sql))
    with _ro(db_path) as conn:
        cursor = conn.execute(sql, {n: params.get(n, "") for n in names})
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


# ---------------------------------------------------------------- metadata (no server)


def test_metadata_describes_real_tables_and_columns_with_units(tmp_path: Path) -> None:
    db = open_catalog(tmp_path / "c.db")
    try:
        schema = {t: set(db[t].columns_dict) for t in db.table_names()}
    finally:
        db.close()
    tables = _tables_meta()
    for table, meta in tables.items():
        assert table in schema, f"metadata describes a table the catalog does not have: {table}"
        for column in meta.get("columns", {}):
            assert column in schema[table], f"{table}.{column} is described but does not exist"
    # Every column of the table analysts browse is described, prices with their currency.
    assert set(tables["programs"]["columns"]) == schema["programs"]
    for column in ("price_per_week_eur", "price_4_weeks_eur"):
        assert "EUR" in tables["programs"]["columns"][column]
        assert "price_rates_date" in tables["programs"]["columns"][column]
    assert "price_currency" in tables["programs"]["columns"]["price_per_week"]


def test_metadata_programs_facets_search_sorting_and_hidden_tables() -> None:
    tables = _tables_meta()
    programs = tables["programs"]
    assert programs["facets"] == ["country", "provider", "participation", {"array": "flag_codes"}, "region", "status"]
    assert (programs["fts_table"], programs["fts_pk"]) == ("programs_fts", "id")
    assert {"price_per_week_eur", "price_4_weeks_eur", "price_per_week", "price_4_weeks"} <= set(
        programs["sortable_columns"])
    assert tables["page_html"]["hidden"] and tables["programs_fts"]["hidden"]
    assert ("suggest_facets", "off") in SETTINGS


def test_metadata_is_filed_under_the_served_database_name(tmp_path: Path) -> None:
    meta = datasette_metadata("my-catalog")
    assert list(meta["databases"]) == ["my-catalog"]
    argv = datasette_argv(tmp_path / "my-catalog.db", tmp_path / "m.json", host="127.0.0.1", port=8123)
    # A plain file: Datasette opens it mode=ro and sees a crawl's writes (--immutable would not).
    assert "--immutable" not in argv and "-i" not in argv
    assert argv[argv.index("--setting") + 1: argv.index("--setting") + 3] == ["suggest_facets", "off"]


def test_canned_queries_run_on_an_empty_catalog(tmp_path: Path) -> None:
    open_catalog(tmp_path / "empty.db").close()
    for name in _queries_meta():
        assert _canned(tmp_path / "empty.db", name) == []


# ---------------------------------------------------------------- CLI errors


def test_serve_missing_catalog_is_a_one_line_error(tmp_path: Path) -> None:
    line = assert_one_line_error(invoke("serve", "--db", str(tmp_path / "nope.db")))
    assert "does not exist" in line


def test_serve_non_catalog_file_is_a_one_line_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database at all\n" * 50)
    assert_one_line_error(invoke("serve", "--db", str(junk)))


def test_serve_port_in_use_is_a_one_line_error(demo_catalog: DemoCatalog) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = assert_one_line_error(invoke("serve", "--db", str(demo_catalog.db_path), "--port", str(port)))
    assert "in use" in line


# ---------------------------------------------------------------- the real command, as a subprocess


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    url: str  # Datasette's root
    programs_url: str
    out: Path
    err: Path

    @property
    def database_url(self) -> str:
        return self.programs_url.rsplit("/", 1)[0]

    def stop(self) -> int:
        """What Ctrl-C in a terminal does: SIGINT to the whole process group."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        return self.process.wait(timeout=30)


def start_serve(db_path: Path, log_dir: Path) -> Served:
    out, err = log_dir / "serve.out", log_dir / "serve.err"
    env = {k: v for k, v in os.environ.items() if k != "INTERNSCOPE_DB"}
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        # Its own session, so the SIGINT of stop() reaches it and Datasette, never pytest.
        process = subprocess.Popen(
            [sys.executable, "-m", "catalog.cli", "serve", "--db", str(db_path), "--port", "0"],
            stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, env=env, start_new_session=True,
            preexec_fn=terminal_sigint,
        )
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        text = out.read_text(encoding="utf-8", errors="replace")
        root = re.search(r"with Datasette at (http://\S+)", text)
        programs = re.search(r"programs: (http://\S+)", text)
        if root and programs and "Ctrl-C" in text:
            return Served(process, root.group(1), programs.group(1), out, err)
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}: {err.read_text(errors='replace')[-2000:]}")
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            pytest.fail(f"serve printed no URL within {START_TIMEOUT_S:g} s")
        # Waits on the process (returns early if it dies) between looks at its output.
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.05)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def test_ctrl_c_stops_serve_and_datasette_cleanly(demo_catalog: DemoCatalog, tmp_path: Path) -> None:
    served = start_serve(demo_catalog.db_path, tmp_path)
    children = _children(served.process.pid)
    assert children, "serve should run Datasette as its child"
    port = int(served.url.rstrip("/").rsplit(":", 1)[1])
    assert served.stop() == 0
    assert "Stopped." in served.out.read_text()
    assert "Traceback" not in served.err.read_text(errors="replace")
    # Reaped, not left running or as a zombie, and the port is free again.
    assert not any(Path(f"/proc/{pid}").exists() for pid in children)
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.connect(("127.0.0.1", port))


def test_served_catalog_sees_writes_of_a_running_crawl(demo_catalog: DemoCatalog, tmp_path: Path) -> None:
    # A copy: this test writes, and the session's catalog is shared.
    copy = tmp_path / "live.db"
    with _ro(demo_catalog.db_path) as src, closing(sqlite3.connect(copy)) as dst:
        src.backup(dst)
    served = start_serve(copy, tmp_path)
    try:
        count_url = served.database_url + ".json?sql=select+count(*)+as+n+from+exchange_rates&_shape=array"
        before = _get_json(count_url)[0]["n"]
        databases = _get_json(served.url + "-/databases.json")
        assert [d["is_mutable"] for d in databases] == [True]
        db = open_catalog(copy)  # what the crawl's store does: a writer beside the server
        try:
            with db.atomic():
                db.execute("INSERT INTO exchange_rates (date, currency, per_eur, source) "
                           "VALUES ('2099-01-01', 'USD', 1.1, 'test')")
        finally:
            db.close()
        assert _get_json(count_url)[0]["n"] == before + 1
    finally:
        assert served.stop() == 0


# ---------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def served(demo_catalog: DemoCatalog, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = start_serve(demo_catalog.db_path, tmp_path_factory.mktemp("serve"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    reason = browser_unavailable()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = launch_chromium(pw)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    tab.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def _rows(page: Page) -> int:
    return page.locator("table.rows-and-columns tbody tr").count()


def _column(page: Page, column: str) -> list[str]:
    return [t.strip() for t in page.locator(f"table.rows-and-columns td.col-{column}").all_inner_texts()]


def _scalar(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> Any:
    return _one(db_path, sql, params)[0]


def test_programs_page_has_facets_search_and_described_columns(
    served: Served, page: Page, demo_catalog: DemoCatalog
) -> None:
    total = _scalar(demo_catalog.db_path, "SELECT count(*) FROM programs")
    page.goto(served.programs_url)
    assert page.locator("h1").inner_text().strip() == "programs"
    assert _rows(page) == total
    assert page.locator("h3").first.inner_text().startswith(f"{total} rows")
    assert page.locator("input#_search").is_visible()
    for column in PROGRAM_FACETS:
        assert page.locator(f"#facet-{column}").count() == 1, f"no {column} facet"
    # The shipped JS folds the 45 descriptions away and puts each on its column header.
    assert "Column descriptions" in page.locator("details.column-descriptions summary").inner_text()
    assert "EUR" in (page.locator('th[data-column="price_per_week_eur"]').get_attribute("title") or "")
    # Cheapest first by default (Datasette puts programs without a price first).
    prices = [float(p) for p in _column(page, "price_per_week_eur") if p]
    assert prices == sorted(prices)


def test_clicking_a_country_facet_filters_the_rows(served: Served, page: Page, demo_catalog: DemoCatalog) -> None:
    country, count = _one(demo_catalog.db_path,
                          "SELECT country, count(*) FROM programs WHERE country IS NOT NULL GROUP BY country "
                          "ORDER BY count(*) DESC, country LIMIT 1")
    assert count > 1
    page.goto(served.programs_url)
    page.locator("#facet-country").get_by_role("link", name=country, exact=True).click()
    page.wait_for_url(re.compile(rf"[?&]country={country}(&|$)"))
    assert _rows(page) == count
    assert set(_column(page, "country")) == {country}


def test_clicking_a_flag_code_array_facet_filters_the_rows(
    served: Served, page: Page, demo_catalog: DemoCatalog
) -> None:
    code, count = _one(demo_catalog.db_path,
                       "SELECT j.value, count(*) FROM programs, json_each(programs.flag_codes) j GROUP BY j.value "
                       "ORDER BY count(*) DESC, j.value LIMIT 1")
    page.goto(served.programs_url)
    page.locator("#facet-flag_codes").get_by_role("link", name=code, exact=True).click()
    page.wait_for_url(re.compile(rf"flag_codes__arraycontains={code}"))
    assert _rows(page) == count
    assert all(code in json.loads(cell) for cell in _column(page, "flag_codes"))


def test_search_box_uses_the_full_text_index(served: Served, page: Page, demo_catalog: DemoCatalog) -> None:
    expected = _scalar(demo_catalog.db_path,
                       "SELECT count(*) FROM programs WHERE id IN "
                       "(SELECT rowid FROM programs_fts WHERE programs_fts MATCH ?)", ('"Kenya"',))
    assert expected > 0
    page.goto(served.programs_url)
    page.fill("input#_search", "Kenya")
    page.press("input#_search", "Enter")
    page.wait_for_url(re.compile(r"_search=Kenya"))
    assert _rows(page) == expected


def test_cheapest_supervised_query_with_and_without_country(
    served: Served, page: Page, demo_catalog: DemoCatalog
) -> None:
    page.goto(f"{served.database_url}/cheapest_supervised")
    everywhere = _canned(demo_catalog.db_path, "cheapest_supervised")
    assert _column(page, "url") == [r["url"] for r in everywhere] and everywhere
    country = everywhere[0]["country"]
    page.fill("form.sql input[name=country]", country.lower())  # case does not matter
    page.locator("form.sql input[type=submit]").click()
    page.wait_for_url(re.compile(rf"country={country.lower()}"))
    expected = _canned(demo_catalog.db_path, "cheapest_supervised", country=country)
    assert _column(page, "url") == [r["url"] for r in expected]
    assert 0 < len(expected) < len(everywhere)
    assert [float(p) for p in _column(page, "price_per_week_eur")] == sorted(r["price_per_week_eur"] for r in expected)


def test_price_changes_query_since_a_date(served: Served, page: Page, demo_catalog: DemoCatalog) -> None:
    page.goto(f"{served.database_url}/price_changes")
    page.fill("form.sql input[name=since]", "2000-01-01")
    page.locator("form.sql input[type=submit]").click()
    page.wait_for_url(re.compile(r"since=2000-01-01"))
    expected = _canned(demo_catalog.db_path, "price_changes", since="2000-01-01")
    assert {r["field"] for r in expected} == {"price_per_week", "price_4_weeks"}
    assert _column(page, "url") == [r["url"] for r in expected]
    assert set(_column(page, "url")) == {demo_catalog.changed_url}
    # A date after every change: nothing.
    page.goto(f"{served.database_url}/price_changes?since=2999-01-01")
    assert _rows(page) == 0


@pytest.mark.parametrize("query", ["high_severity_flags", "gone_programs"])
def test_canned_query_matches_sql(query: str, served: Served, page: Page, demo_catalog: DemoCatalog) -> None:
    page.goto(f"{served.database_url}/{query}")
    expected = _canned(demo_catalog.db_path, query)
    assert expected
    assert _column(page, "url") == [r["url"] for r in expected]
    if query == "gone_programs":
        assert _column(page, "url") == [demo_catalog.removed_url]
    else:
        assert set(_column(page, "severity")) == {"high"}
