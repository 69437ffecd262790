from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

import catalog.db as catalog_db
from catalog.db import SCHEMA_VERSION, TABLES, CatalogError, migrate, open_catalog, schema_version


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_schema_created_with_wal_foreign_keys_and_version(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    db = open_catalog(path)
    try:
        assert set(TABLES) <= set(db.table_names())
        assert schema_version(db) == SCHEMA_VERSION == len(catalog_db.MIGRATIONS)
        assert db.journal_mode == "wal"
        assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        indexed = {tuple(i.columns) for i in db["programs"].indexes}
        assert ("country", "price_per_week_eur") in indexed
        assert ("region", "price_per_week_eur") in indexed
        assert ("url",) in indexed  # UNIQUE
        assert any(cols[0] == "program_url" for cols in (tuple(i.columns) for i in db["fees"].indexes))
        assert ("code", "program_url") in {tuple(i.columns) for i in db["flags"].indexes}
        assert db["programs"].pks == ["id"]
        assert db["flags"].pks == ["program_url", "code"]
    finally:
        db.close()


def test_programs_has_a_column_for_every_scalar_record_field(tmp_path: Path) -> None:
    from pipelines.record import ProgramRecord

    db = open_catalog(tmp_path / "c.db")
    try:
        columns = set(db["programs"].columns_dict)
    finally:
        db.close()
    nested = {
        "fees": None,
        "flags": None,
        "duration": "duration_min_weeks",
        "supervision": "supervision_claimed",
    }
    for field in ProgramRecord.model_fields:
        expected = nested.get(field, field)
        if expected is not None:
            assert expected in columns, field


def test_open_twice_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    open_catalog(path).close()
    first = _tables(path)
    db = open_catalog(path)
    try:
        assert migrate(db) == 0
        assert schema_version(db) == SCHEMA_VERSION
    finally:
        db.close()
    assert _tables(path) == first


def test_later_migration_applies_once_on_top_of_existing_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.db"
    open_catalog(path).close()
    extra = ("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)",)
    monkeypatch.setattr(catalog_db, "MIGRATIONS", (*catalog_db.MIGRATIONS, extra))
    monkeypatch.setattr(catalog_db, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    db = open_catalog(path)
    try:
        assert schema_version(db) == SCHEMA_VERSION + 1
        assert "notes" in db.table_names()
        assert migrate(db) == 0
    finally:
        db.close()


def test_failed_migration_rolls_back_completely(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.db"
    broken = ("CREATE TABLE first_ok (id INTEGER)", "CREATE TABLE broken (")
    monkeypatch.setattr(catalog_db, "MIGRATIONS", (broken,))
    monkeypatch.setattr(catalog_db, "SCHEMA_VERSION", 1)
    with pytest.raises(CatalogError):
        open_catalog(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert "first_ok" not in _tables(path)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    open_catalog(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    for readonly in (False, True):
        with pytest.raises(CatalogError, match="newer"):
            open_catalog(path, readonly=readonly)


def test_foreign_sqlite_database_is_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(CatalogError, match="not an internscope catalog"):
        open_catalog(path)
    assert _tables(path) == {"invoices"}


def _make_catalog_with_data(path: Path) -> None:
    db = open_catalog(path)
    with db.atomic():
        for i in range(200):
            db.execute("INSERT INTO crawl_runs (started_at, start_urls) VALUES (?, ?)", [f"t{i}", "x" * 200])
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def test_corrupt_file_raises_catalog_error(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    _make_catalog_with_data(path)
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    assert len(data) > 2 * page_size
    # Header and schema page intact, every other page garbage: only a check that
    # reads past page 1 can tell.
    for i in range(page_size, len(data)):
        data[i] = (i * 31 + 7) % 256
    path.write_bytes(bytes(data))
    for readonly in (False, True):
        with pytest.raises(CatalogError) as info:
            open_catalog(path, readonly=readonly)
        assert "\n" not in str(info.value)


def test_non_sqlite_file_raises_catalog_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    text = "this is a plain text file, not a database\n" * 20
    path.write_text(text)
    for readonly in (False, True):
        with pytest.raises(CatalogError, match="not a SQLite"):
            open_catalog(path, readonly=readonly)
    assert path.read_text() == text


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="does not exist"):
        open_catalog(tmp_path / "nope" / "c.db")
    assert not (tmp_path / "nope").exists()


def test_parent_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(CatalogError, match="not a directory"):
        open_catalog(tmp_path / "afile" / "c.db")


def test_path_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="directory"):
        open_catalog(tmp_path)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores directory permissions")
def test_unwritable_directory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(CatalogError, match="not writable"):
            open_catalog(locked / "c.db")
    finally:
        locked.chmod(0o700)


def test_unwritable_directory_is_detected_before_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Same check as above, made observable when the tests run as root.
    target = tmp_path / "c.db"
    real_access = os.access

    def access(path: object, mode: int, **kw: object) -> bool:
        if Path(str(path)) == tmp_path and mode & os.W_OK:
            return False
        return real_access(path, mode, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog_db.os, "access", access)
    with pytest.raises(CatalogError, match="not writable"):
        open_catalog(target)
    assert not target.exists()


def test_missing_file_without_create(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    with pytest.raises(CatalogError, match="does not exist"):
        open_catalog(path, create=False)
    with pytest.raises(CatalogError, match="does not exist"):
        open_catalog(path, readonly=True)
    assert not path.exists()


def test_empty_file_is_not_a_catalog_for_readers_but_can_be_created(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    path.touch()
    with pytest.raises(CatalogError, match="not an internscope catalog"):
        open_catalog(path, readonly=True)
    open_catalog(path).close()
    open_catalog(path, readonly=True).close()


def test_readonly_connection_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    open_catalog(path).close()
    db = open_catalog(path, readonly=True)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            db.execute("INSERT INTO crawl_runs (started_at) VALUES ('x')")
    finally:
        db.close()


def test_reader_sees_committed_state_while_writer_holds_a_transaction(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    writer = open_catalog(path)
    writer.execute("INSERT INTO crawl_runs (started_at) VALUES ('committed')")
    reader = open_catalog(path, readonly=True)
    try:
        writer.conn.execute("BEGIN IMMEDIATE")
        writer.conn.execute("INSERT INTO crawl_runs (started_at) VALUES ('pending')")
        rows = [r[0] for r in reader.execute("SELECT started_at FROM crawl_runs")]
        assert rows == ["committed"]
        writer.conn.execute("COMMIT")
        rows = [r[0] for r in reader.execute("SELECT started_at FROM crawl_runs ORDER BY id")]
        assert rows == ["committed", "pending"]
    finally:
        reader.close()
        writer.close()
