"""Broken input, broken disks: every command gives one `Error:` line, exits non-zero, and damages nothing.

* `--db` that is not a catalog (random bytes, a catalog truncated three ways, a text file, a directory,
  another application's SQLite database, a catalog whose pages are garbage, a catalog of a newer schema, a
  zero-length file): every command, read and write, through the CLI; the file is left byte for byte.
* A read-only directory: a read-only tmpfs mount (the tests run as root, which ignores permissions), or
  permissions when not root. Write commands fail with one line and leave the catalog byte for byte; read
  commands still read it.
* A full disk: a size-limited tmpfs (as root), filled to the last byte or to a little room. Commands on a
  full disk fail with one line; a crawl that fills the disk half-way stops with `disk_full` (it hung before),
  keeps every row the catalog had, leaves no half-written program, and `crawl --resume` finishes it once
  there is room. Without root, the same limits come from RLIMIT_FSIZE in the child (a file-size limit: SQLite
  sees EFBIG), and at the SQLite level from `PRAGMA max_page_count`.
* Failures injected half-way through `rates import` and `reextract`: the catalog as before.

Figures for docs/ROBUSTNESS.md: tests/robustness_figures.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from catalog_checks import check_consistent
from catalog_factories import make_item, make_record
from click.testing import CliRunner, Result
from robustness_figures import record_figures

from catalog.cli import main
from catalog.db import SCHEMA_VERSION, open_catalog
from catalog.siteserver import serve_sites
from catalog.store import start_run, store_page
from pipelines.scrapy_pipelines import ExtractPipeline, ValidatePipeline

DEMO = Path(__file__).resolve().parent.parent / "demo"
CLI = [sys.executable, "-m", "catalog.cli"]
RATES_CSV = "date,currency,per_eur\n2026-06-30,USD,1.10\n2026-06-30,GBP,0.84\n"
# Hostile cases run, by group (a case: one command on one kind of damage).
FIGURES: dict[str, int] = {}


def _count(case: str) -> None:
    group = case.split(" x ")[0].split(" (")[0]
    FIGURES[group] = FIGURES.get(group, 0) + 1


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    if FIGURES:
        record_figures("catalog_damage", {"cases": dict(sorted(FIGURES.items())), "total": sum(FIGURES.values())})


# ------------------------------------------------------------------ a real catalog, and snapshots of it


def build_catalog(path: Path) -> Path:
    """A catalog with programs (fees, flags, claims, search rows), other pages, the pages' HTML and rates:
    the demo sites' program pages (and listings) run through the pipelines, under provider.test URLs."""
    db = open_catalog(path)
    run_id = start_run(db, ["https://provider.test/"])
    pages = sorted(p for p in (DEMO / "sites").rglob("*.html") if "programmes/" in str(p) or "programs/" in str(p))
    for i, page in enumerate(pages[:10]):
        url = f"https://provider.test/programs/p{i}"
        item: dict[str, Any] = {"url": url, "fetched_url": url, "status": 200, "encoding": "utf-8",
                                "html": page.read_text(encoding="utf-8", errors="replace"), "etag": None,
                                "last_modified": None, "fetched_at": "2026-03-01T10:00:00Z", "depth": 1,
                                "site": "https://provider.test"}
        for pipeline in (ExtractPipeline(), ValidatePipeline()):
            item = pipeline.process_item(item)
        store_page(db, run_id, item)
    # Self-contained on disk: everything checkpointed into the file, no -wal to carry around.
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


@pytest.fixture(scope="module")
def good_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_catalog(tmp_path_factory.mktemp("good") / "catalog.db")


def snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the content a damaged catalog must still have)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'programs_fts_%'")]
        return {t: sorted(map(tuple, conn.execute(f'SELECT * FROM "{t}"')), key=repr) for t in tables}
    finally:
        conn.close()


def digest(path: Path) -> str:
    if path.is_dir():
        return "dir:" + ",".join(sorted(p.name for p in path.iterdir()))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def assert_nothing_written_beside(path: Path, files: list[str]) -> None:
    """No new file beside the catalog but the empty -wal (and its -shm index) SQLite leaves when it opens a
    file whose header says WAL mode: no lock file, no journal with content."""
    new = set(siblings(path)) - set(files)
    assert new <= {f"{path.name}-wal", f"{path.name}-shm"}, new
    wal = path.with_name(f"{path.name}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def assert_one_error_line(result: Result | subprocess.CompletedProcess[str], *, stdout_empty: bool = True) -> str:
    if isinstance(result, Result):
        code, out, err = result.exit_code, result.stdout, result.stderr
    else:
        code, out, err = result.returncode, result.stdout, result.stderr
    assert code != 0, (out, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    assert "Traceback" not in err + out
    if stdout_empty:
        assert out == "", out
    return lines[0]


def command_args(name: str, rates: Path, program: str = "https://provider.test/programs/p0") -> list[str]:
    """The command's arguments with its placeholders filled: the rates file, a program's URL."""
    args = {**READ_COMMANDS, **WRITE_COMMANDS}[name]
    return [str(rates) if a == "RATES" else program if a == "PROGRAM" else a for a in args]


def first_program(path: Path) -> str:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return str(conn.execute("SELECT url FROM programs ORDER BY url LIMIT 1").fetchone()[0])
    finally:
        conn.close()


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"INTERNSCOPE_DB": None, "INTERNSCOPE_PROVIDERS": None})


# ------------------------------------------------------------------ --db that is not a catalog


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO users (name) VALUES ('not yours')")
    conn.commit()
    conn.close()


def _newer(path: Path, good: Path) -> None:
    shutil.copyfile(good, path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 7}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def _garbage_pages(path: Path, good: Path) -> None:
    data = bytearray(good.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    rng = random.Random(7)
    for i in range(page_size, len(data)):
        data[i] = rng.randrange(256)
    path.write_bytes(bytes(data))


BAD_FILES: dict[str, Callable[[Path, Path], None]] = {
    "random-bytes": lambda p, g: p.write_bytes(random.Random(1).randbytes(64 * 1024)),
    "truncated-half": lambda p, g: p.write_bytes(g.read_bytes()[: g.stat().st_size // 2]),
    "truncated-header": lambda p, g: p.write_bytes(g.read_bytes()[:100]),
    "truncated-first-page": lambda p, g: p.write_bytes(g.read_bytes()[:4096]),
    "text-file": lambda p, g: p.write_text("# notes\nthis is not a catalog\n" * 50, encoding="utf-8"),
    "directory": lambda p, g: p.mkdir(),
    "other-app-sqlite": lambda p, g: _foreign(p),
    "garbage-pages": _garbage_pages,
    "newer-schema": _newer,
    "zero-length": lambda p, g: p.write_bytes(b""),
}
READ_COMMANDS: dict[str, list[str]] = {
    "summary": ["summary"],
    "programs": ["programs", "--country", "GH"],
    "search": ["search", "nursing"],
    "show": ["show", "PROGRAM"],
    "changes": ["changes", "--since", "2020-01-01"],
    "query": ["query", "SELECT count(*) FROM programs"],
    "export": ["export"],
    "rates-list": ["rates", "list"],
}
WRITE_COMMANDS: dict[str, list[str]] = {
    # Port 9 (discard) on loopback: never reached, the catalog is checked before anything is fetched.
    "crawl": ["crawl", "http://127.0.0.1:9/", "--quiet"],
    "reextract": ["reextract"],
    "rates-import": ["rates", "import", "RATES"],
}


# An empty file is an empty SQLite database: the writing commands make it a catalog, as they would a new file.
BAD_CASES = [(kind, command) for kind in BAD_FILES for command in [*READ_COMMANDS, *WRITE_COMMANDS]
             if not (kind == "zero-length" and command in WRITE_COMMANDS)]


@pytest.mark.parametrize(("kind", "command"), BAD_CASES)
def test_a_file_that_is_no_catalog_gives_one_error_line_and_stays_as_it_was(
    good_catalog: Path, tmp_path: Path, kind: str, command: str
) -> None:
    path = tmp_path / "catalog.db"
    BAD_FILES[kind](path, good_catalog)
    rates = tmp_path / "rates.csv"
    rates.write_text(RATES_CSV, encoding="utf-8")
    before, files = digest(path), siblings(path)
    assert_one_error_line(invoke(*command_args(command, rates), "--db", str(path)))
    assert digest(path) == before
    assert_nothing_written_beside(path, files)
    _count(f"bad --db file ({kind}) x {command}")


# ------------------------------------------------------------------ mounts (tmpfs: size limits, read-only)


@contextlib.contextmanager
def tmpfs(path: Path, size_kib: int) -> Iterator[Path]:
    """A tmpfs of `size_kib` mounted on `path` (root only; skips the test where mounting is not allowed)."""
    path.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a size-limited tmpfs needs root (the RLIMIT_FSIZE and max_page_count tests cover it)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k,mode=0755", "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(directory: Path, leave: int) -> None:
    """Take the free space of `directory`'s filesystem down to about `leave` bytes."""
    stat = os.statvfs(directory)
    free = stat.f_bavail * stat.f_frsize
    with open(directory / "filler", "wb") as fh, contextlib.suppress(OSError):  # ENOSPC: full already
        fh.write(b"\0" * max(0, free - leave))


def remount_readonly(path: Path) -> None:
    done = subprocess.run(["mount", "-o", "remount,ro", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot remount read-only here: {done.stderr.strip()}")


@pytest.fixture
def readonly_catalog(good_catalog: Path, tmp_path: Path) -> Iterator[Path]:
    """The catalog in a directory nobody can write: a read-only mount as root, permissions otherwise."""
    if os.geteuid() == 0:
        with tmpfs(tmp_path / "ro", 4096) as mount:
            shutil.copyfile(good_catalog, mount / "catalog.db")
            remount_readonly(mount)
            yield mount / "catalog.db"
        return
    directory = tmp_path / "ro"
    directory.mkdir()
    shutil.copyfile(good_catalog, directory / "catalog.db")
    directory.chmod(0o555)
    try:
        yield directory / "catalog.db"
    finally:
        directory.chmod(0o755)


def test_read_only_directory_refuses_writes_and_still_reads(readonly_catalog: Path, good_catalog: Path,
                                                             tmp_path: Path) -> None:
    before, files = digest(readonly_catalog), siblings(readonly_catalog)
    rates = tmp_path / "rates.csv"
    rates.write_text(RATES_CSV, encoding="utf-8")
    for name in WRITE_COMMANDS:
        line = assert_one_error_line(invoke(*command_args(name, rates), "--db", str(readonly_catalog)))
        assert "read-only" in line or "not writable" in line, line
        assert digest(readonly_catalog) == before and siblings(readonly_catalog) == files
        _count(f"read-only directory x {name}")
    # Reading needs no write: the same answers as from the writable original.
    program = first_program(good_catalog)
    for name in READ_COMMANDS:
        args = command_args(name, rates, program)
        got, want = invoke(*args, "--db", str(readonly_catalog)), invoke(*args, "--db", str(good_catalog))
        assert got.exit_code == want.exit_code == 0, got.stderr
        assert got.stdout.replace(str(readonly_catalog), "DB") == want.stdout.replace(str(good_catalog), "DB")
        _count(f"read-only directory x {name} (reads)")
    assert digest(readonly_catalog) == before


# ------------------------------------------------------------------ a full disk


def test_every_command_on_a_full_disk_gives_one_error_line(good_catalog: Path, tmp_path: Path) -> None:
    rates = tmp_path / "rates.csv"
    rates.write_text(RATES_CSV, encoding="utf-8")
    with tmpfs(tmp_path / "full", 2048) as mount:
        path = mount / "catalog.db"
        shutil.copyfile(good_catalog, path)
        want = snapshot(good_catalog)
        fill(mount, 0)
        for name in {**READ_COMMANDS, **WRITE_COMMANDS}:
            line = assert_one_error_line(invoke(*command_args(name, rates), "--db", str(path)))
            assert "disk is full" in line or "No space left" in line or "disk I/O" in line, line
            _count(f"full disk x {name}")
        (mount / "filler").unlink()
        # Room again: nothing was lost or damaged.
        assert snapshot(path) == want
        check_consistent(path, single_run=True)


def _cli(args: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("INTERNSCOPE_DB", "INTERNSCOPE_PROVIDERS")}
    return subprocess.run([*CLI, *args], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=180, **kw)


def _keeps_every_row(before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]) -> None:
    """Nothing the catalog had is gone or changed (a crawl of another site only adds rows)."""
    for table, rows in before.items():
        have = set(after[table])
        missing = [r for r in rows if r not in have]
        assert not missing, (table, missing[:3])


def test_a_crawl_that_fills_the_disk_stops_keeps_everything_and_resumes(good_catalog: Path, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "full", 4096) as mount, serve_sites(DEMO, ["shoreline-chv"]) as origins:
        path = mount / "catalog.db"
        shutil.copyfile(good_catalog, path)
        before = snapshot(path)
        # Room for the crawl to start and store a few pages, not for the whole site.
        fill(mount, 300 * 1024)
        url = origins["shoreline-chv"]
        done = _cli(["crawl", url, "--db", str(path), "--quiet"])
        line = assert_one_error_line(done, stdout_empty=False)
        assert "disk_full" in line or "disk is full" in line or "No space left" in line, line
        assert done.returncode == 1
        after = snapshot(path)
        _keeps_every_row(before, after)
        check_consistent(path, single_run=False)
        # The run did not finish: no program of the crawled site (or any other) was marked gone.
        assert _statuses(path) == {"active"}
        _count("full disk during a crawl")

        (mount / "filler").unlink()
        resumed = _cli(["crawl", "--resume", "--db", str(path), "--quiet"])
        assert resumed.returncode == 0, resumed.stderr
        _keeps_every_row(before, snapshot(path))
        check_consistent(path, single_run=False)
        # The resumed crawl ends with what an undisturbed crawl of the site stores.
        reference = tmp_path / "reference.db"
        shutil.copyfile(good_catalog, reference)
        assert _cli(["crawl", url, "--db", str(reference), "--quiet"]).returncode == 0
        for table in ("programs", "fees", "flags", "claims", "page_html"):
            assert _rows_of_site(path, table, url) == _rows_of_site(reference, table, url), table


def _statuses(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT status FROM programs")}
    finally:
        conn.close()


def _rows_of_site(path: Path, table: str, site: str) -> list[tuple[Any, ...]]:
    columns = {"programs": "url, content_hash, record, status", "fees": "*", "flags": "*", "claims": "*",
               "page_html": "url, sha1"}[table]
    key = "url" if table in ("programs", "page_html") else "program_url"
    conn = sqlite3.connect(path)
    try:
        return sorted(map(tuple, conn.execute(f"SELECT {columns} FROM {table} WHERE {key} LIKE ?",  # noqa: S608
                                              [site + "%"])), key=repr)
    finally:
        conn.close()


# ------------------------------------------------------------------ without root: file-size limit, max_page_count


def _limited(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("command", list(WRITE_COMMANDS))
def test_a_file_size_limit_gives_one_error_line_and_no_damage(good_catalog: Path, tmp_path: Path,
                                                               command: str) -> None:
    """RLIMIT_FSIZE in the child (any user can set it): no file can grow, so nothing can be written."""
    path = tmp_path / "catalog.db"
    shutil.copyfile(good_catalog, path)
    rates = tmp_path / "rates.csv"
    rates.write_text(RATES_CSV, encoding="utf-8")
    before = snapshot(path)
    done = _cli([*command_args(command, rates), "--db", str(path)], preexec_fn=_limited(0))
    assert_one_error_line(done, stdout_empty=command != "crawl")
    assert snapshot(path) == before
    check_consistent(path, single_run=True)
    _count(f"file-size limit x {command}")


def test_sqlite_full_while_storing_a_page_leaves_the_catalog_as_it_was(good_catalog: Path, tmp_path: Path) -> None:
    """`PRAGMA max_page_count`: SQLite itself reports the database full in the middle of store_page."""
    path = tmp_path / "catalog.db"
    shutil.copyfile(good_catalog, path)
    before = snapshot(path)
    db = open_catalog(path)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    run_id = 1  # the catalog's own run: a new run's row would already need room
    big = make_record("https://provider.test/programs/new", title="A new program " + "with a long title " * 200)
    with pytest.raises(sqlite3.OperationalError, match="full"):
        store_page(db, run_id, make_item(big, html="<p>" + "page text " * 20000 + "</p>"))
    db.close()
    assert snapshot(path) == before
    check_consistent(path, single_run=True)
    _count("SQLite full (max_page_count) x store_page")


# ------------------------------------------------------------------ failures injected half-way


def test_rates_import_failing_half_way_changes_nothing(good_catalog: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The rates are written, then re-deriving the prices fails (the disk fills): neither stays."""
    path = tmp_path / "catalog.db"
    shutil.copyfile(good_catalog, path)
    before = snapshot(path)
    rates = tmp_path / "rates.csv"
    rates.write_text(RATES_CSV, encoding="utf-8")

    def full(db: Any) -> int:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("catalog.store.refresh_prices", full)
    assert_one_error_line(invoke("rates", "import", str(rates), "--db", str(path)))
    assert snapshot(path) == before
    _count("rates import failing half-way")


def test_reextract_failing_half_way_leaves_whole_programs(good_catalog: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page is re-extracted in its own transaction: a failure after a few leaves every program whole,
    and the same extractors give the same programs, so their content is what it was."""
    import catalog.reextract as reextract

    path = tmp_path / "catalog.db"
    shutil.copyfile(good_catalog, path)
    before = snapshot(path)
    real, calls = reextract._write, []

    def failing(*args: Any, **kw: Any) -> str:
        calls.append(1)
        if len(calls) > 4:
            raise sqlite3.OperationalError("database or disk is full")
        return real(*args, **kw)

    monkeypatch.setattr(reextract, "_write", failing)
    assert_one_error_line(invoke("reextract", "--db", str(path)))
    after = snapshot(path)
    for table in ("programs", "fees", "flags", "claims", "pages", "page_html", "rejected", "providers"):
        assert after[table] == before[table], table
    check_consistent(path, single_run=False)
    _count("reextract failing half-way")
