"""catalog/datasette_plugins/array_facet.py: the array facet counts what Datasette's own does, from one column."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from catalog_factories import make_item, make_record

from catalog.bulk import store_records
from catalog.db import open_catalog
from catalog.store import start_run

pytest.importorskip("datasette")

PLUGINS_DIR = Path(__file__).resolve().parent.parent / "catalog" / "datasette_plugins"
ARRAYS = ['["a", "b"]', '["b", "b", "c"]', '[]', None, '["a"]', '["c", "a", "c", "a"]', '[1, "1", 1]', '["b"]']


def _plugin() -> Any:
    spec = importlib.util.spec_from_file_location("array_facet_under_test", PLUGINS_DIR / "array_facet.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def plugin() -> Iterator[Any]:
    """The plugin module; the stock facets are registered again afterwards (the plugin replaces them process-wide)."""
    import datasette.facets
    from datasette.plugins import pm

    before = {name for name, _ in pm.list_name_plugin()}
    yield _plugin()
    for name, _ in pm.list_name_plugin():
        if name not in before:
            pm.unregister(name=name)
    if not pm.has_plugin("datasette.facets"):
        pm.register(datasette.facets, "datasette.facets")


def _expected(arrays: list[str | None]) -> Counter[Any]:
    """Rows whose array holds each value, a row counted once per value."""
    counts: Counter[Any] = Counter()
    for raw in arrays:
        for value in {json.dumps(v) for v in json.loads(raw or "[]")}:
            counts[json.loads(value)] += 1
    return counts


@pytest.mark.parametrize(("where", "params"), [("", {}), ("where id > :p0", {"p0": 2})])
def test_counts_each_row_once_per_value(plugin: Any, where: str, params: dict[str, Any]) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, tags TEXT, other TEXT)")
    conn.executemany("INSERT INTO t (tags, other) VALUES (?, ?)", [(a, "x" * 100) for a in ARRAYS])
    sql = plugin.array_facet_sql(f"select id, tags, other from t {where}", "tags", 31)
    got = {(type(v).__name__, v): n for v, n in conn.execute(sql, params).fetchall()}
    rows = conn.execute(f"select tags from t {where}", params).fetchall()
    assert got == {(type(v).__name__, v): n for v, n in _expected([r[0] for r in rows]).items()}
    # Datasette's own query gives the same counts on rows that differ (its DISTINCT merges identical rows).
    stock = f"""
        with inner as (select id, tags, other from t {where}),
        deduped_array_items as (select distinct j.value, inner.* from json_each([inner].tags) j join inner)
        select value, count(*) from deduped_array_items group by value
    """
    assert {(type(v).__name__, v): n for v, n in conn.execute(stock, params).fetchall()} == got


def test_reads_only_the_array_column(plugin: Any, tmp_path: Path) -> None:
    db = open_catalog(tmp_path / "c.db")
    columns = ", ".join(f"[{c}]" for c in db["programs"].columns_dict)
    plan = [r[3] for r in db.execute("EXPLAIN QUERY PLAN "
                                     + plugin.array_facet_sql(f"select {columns} from programs", "flag_codes", 31))]
    assert "SCAN programs USING COVERING INDEX idx_programs_flag_codes" in plan
    db.close()


def test_programs_page_shows_the_flag_codes_facet(plugin: Any, tmp_path: Path) -> None:
    from datasette.app import Datasette

    path = tmp_path / "internscope.db"
    db = open_catalog(path)
    flags = [[], ["vague_role"], ["vague_role", "no_supervision"], ["no_legal_info", "vague_role"]]
    items = [
        make_item(make_record(f"https://provider.test/programs/{i}", flags=[
            {"code": c, "severity": "medium" if c != "no_supervision" else "high", "evidence": "page says so"}
            for c in codes]))
        for i, codes in enumerate(flags)
    ]
    store_records(db, start_run(db, ["https://provider.test/"]), items)
    db.close()
    ds = Datasette([str(path)], settings={"suggest_facets": False}, plugins_dir=str(PLUGINS_DIR))

    async def facet(query: str) -> dict[str, int]:
        response = await ds.client.get(f"/internscope/programs.json?_facet_array=flag_codes{query}")
        assert response.status_code == 200
        results = response.json()["facet_results"]["flag_codes"]["results"]
        return {r["value"]: r["count"] for r in results}

    assert asyncio.run(facet("")) == {"vague_role": 3, "no_supervision": 1, "no_legal_info": 1}
    assert asyncio.run(facet("&flag_codes__arraycontains=no_legal_info")) == {"vague_role": 1, "no_legal_info": 1}
