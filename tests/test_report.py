"""`internscope report`: files, plots and tables from a real catalog (the demo sites crawled twice,
tests/conftest.py), an empty catalog and one without price changes, and the command's errors."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner, Result
from PIL import Image

from catalog.cli import main
from catalog.db import open_catalog
from catalog.democatalog import DemoCatalog
from catalog.report import PLOTS, Report, plot_changes, plot_flags, plot_prices


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"INTERNSCOPE_DB": None})


def assert_one_line_error(result: Result) -> str:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error:"), lines[0]
    return lines[0]


def _rows(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute(sql).fetchall()


def _html_table(doc: lxml.html.HtmlElement, table_id: str) -> list[list[str]]:
    table = doc.get_element_by_id(table_id)
    assert table.tag == "table", f"#{table_id} is not a table"
    return [[cell.text_content().strip() for cell in tr.findall("td")] for tr in table.find("tbody").findall("tr")]


def _assert_valid_png(path: Path) -> None:
    assert path.is_file() and path.stat().st_size > 1000, path
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.width > 300 and image.height > 150
        image.verify()


def _write(db_path: Path, out: Path) -> lxml.html.HtmlElement:
    result = invoke("report", "--db", str(db_path), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert str(out / "index.html") in result.stdout
    for name in PLOTS:
        _assert_valid_png(out / name)
    doc = lxml.html.fromstring((out / "index.html").read_text(encoding="utf-8"))
    assert [img.get("src") for img in doc.iter("img")] == list(PLOTS)
    return doc


@pytest.fixture(scope="module")
def demo_report(demo_catalog: DemoCatalog, tmp_path_factory: pytest.TempPathFactory) -> Iterator[
        lxml.html.HtmlElement]:
    yield _write(demo_catalog.db_path, tmp_path_factory.mktemp("report") / "out")


def test_report_says_which_catalog_when_and_in_which_currency(
    demo_report: lxml.html.HtmlElement, demo_catalog: DemoCatalog
) -> None:
    text = demo_report.text_content()
    assert str(demo_catalog.db_path.resolve()) in text
    assert "generated 20" in text and "UTC" in text
    assert "EUR, the catalog's index currency" in " ".join(text.split())
    for caption in demo_report.iter("figcaption"):
        assert len(caption.text_content().split()) > 20, "every figure says how it was derived"
    total, active, gone = _rows(demo_catalog.db_path, "SELECT count(*), sum(status = 'active'), "
                                                      "sum(status = 'gone') FROM programs")[0]
    assert demo_report.get_element_by_id("totals").text_content().startswith(
        f"{total} programs ({active} active, {gone} gone)")


def test_programs_per_country_match_sql(demo_report: lxml.html.HtmlElement, demo_catalog: DemoCatalog) -> None:
    expected = _rows(demo_catalog.db_path, """
        SELECT coalesce(country, '(none)'), sum(status = 'active'), sum(status = 'gone'),
               sum(status = 'active' AND price_per_week_eur IS NOT NULL)
        FROM programs GROUP BY 1""")
    shown = _html_table(demo_report, "programs-per-country")
    assert {(r[0], int(r[1]), int(r[2]), int(r[3])) for r in shown} == set(expected)
    assert len(shown) == len(expected)


def test_programs_per_provider_match_sql(demo_report: lxml.html.HtmlElement, demo_catalog: DemoCatalog) -> None:
    expected = _rows(demo_catalog.db_path, """
        SELECT coalesce(provider, '(unknown)'), sum(status = 'active'), sum(status = 'gone'),
               sum(status = 'active' AND flag_codes != '[]')
        FROM programs GROUP BY 1""")
    shown = _html_table(demo_report, "programs-per-provider")
    assert {(r[0], int(r[1]), int(r[2]), int(r[3])) for r in shown} == set(expected)
    assert len(shown) == len(expected) > 1


def test_gone_programs_and_price_changes_match_sql(
    demo_report: lxml.html.HtmlElement, demo_catalog: DemoCatalog
) -> None:
    gone = _html_table(demo_report, "gone-programs")
    gone_links = [a.get("href") for a in demo_report.get_element_by_id("gone-programs").iter("a")]
    assert gone_links == [demo_catalog.removed_url]
    assert len(gone) == _rows(demo_catalog.db_path, "SELECT count(*) FROM programs WHERE status = 'gone'")[0][0]
    changes = _html_table(demo_report, "price-changes")
    expected = _rows(demo_catalog.db_path, "SELECT count(*) FROM program_changes "
                                           "WHERE field IN ('price_per_week', 'price_4_weeks')")[0][0]
    assert len(changes) == expected == 2
    # The demo's weekly fee went from 345 to 375 GBP.
    per_week = next(r for r in changes if r[3] == "per week")
    assert (per_week[4], per_week[5], per_week[6], per_week[7]) == ("345", "375", "GBP", "+8.7%")


def test_empty_catalog_gives_no_data_plots_and_empty_tables(tmp_path: Path) -> None:
    open_catalog(tmp_path / "empty.db").close()
    doc = _write(tmp_path / "empty.db", tmp_path / "out")
    for table_id in ("programs-per-country", "programs-per-provider", "gone-programs", "price-changes"):
        assert doc.get_element_by_id(table_id).tag == "p"  # the "none" sentence instead of a table
    assert "0 programs (0 active, 0 gone)" in doc.text_content()


def test_catalog_without_price_changes(demo_catalog: DemoCatalog, tmp_path: Path) -> None:
    copy = tmp_path / "nochanges.db"
    with closing(sqlite3.connect(f"{demo_catalog.db_path.resolve().as_uri()}?mode=ro", uri=True)) as src, \
            closing(sqlite3.connect(copy)) as dst:
        src.backup(dst)
    with closing(sqlite3.connect(copy)) as conn, conn:
        conn.execute("DELETE FROM program_changes")
    doc = _write(copy, tmp_path / "out")
    assert doc.get_element_by_id("price-changes").text_content() == "No price changes recorded."
    assert len(_html_table(doc, "programs-per-country")) > 1


def _figure_text(fig: Any) -> str:
    return " ".join(t.get_text() for ax in fig.axes for t in ax.texts)


def test_plots_say_no_data_instead_of_failing() -> None:
    empty = Report(catalog="x.db", generated_at="now")
    for draw in (plot_prices, plot_flags, plot_changes):
        assert "no data" in _figure_text(draw(empty))
    # A change from no price to a price has no percentage: still nothing to plot.
    appeared = Report(catalog="x.db", generated_at="now", price_changes=[
        {"changed_at": "2026-03-01T00:00:00Z", "field": "price_per_week", "old_value": None, "new_value": 300.0,
         "percent": None, "title": "t", "provider": "p", "country": "KE", "currency": "USD", "url": "u"}])
    assert "no data" in _figure_text(plot_changes(appeared))


def test_report_bad_catalog_and_bad_out_are_one_line_errors(tmp_path: Path) -> None:
    assert "does not exist" in assert_one_line_error(
        invoke("report", "--db", str(tmp_path / "nope.db"), "--out", str(tmp_path / "out")))
    open_catalog(tmp_path / "c.db").close()
    afile = tmp_path / "afile"
    afile.write_text("x")
    assert_one_line_error(invoke("report", "--db", str(tmp_path / "c.db"), "--out", str(afile)))
