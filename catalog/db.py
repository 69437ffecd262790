"""Opening the catalog: path checks, connection settings, and the numbered migrations.

The schema is written out here, never inferred from data, so that a column means
the same thing in every catalog and Datasette users can rely on it. `PRAGMA
user_version` is the single record of which migrations a file has had.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

__all__ = [
    "CatalogError",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "TABLES",
    "migrate",
    "open_catalog",
    "schema_version",
]

# Integrity checking reads every page; above this size it would make every
# read-only CLI call noticeably slow, so bigger files get only the header check.
QUICK_CHECK_MAX_BYTES = 32 * 1024 * 1024
# A crawl writes while analysts read; waiting this long for a lock beats failing.
BUSY_TIMEOUT_S = 15.0


class CatalogError(Exception):
    """A catalog cannot be opened or used; the message is one user-facing line."""


_MIGRATION_1: tuple[str, ...] = (
    """
    CREATE TABLE crawl_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        start_urls TEXT NOT NULL DEFAULT '[]',
        pages_seen INTEGER NOT NULL DEFAULT 0,
        programs_new INTEGER NOT NULL DEFAULT 0,
        programs_updated INTEGER NOT NULL DEFAULT 0,
        programs_unchanged INTEGER NOT NULL DEFAULT 0,
        rejected INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0,
        finish_reason TEXT,
        stats TEXT
    )
    """,
    """
    CREATE TABLE programs (
        url TEXT PRIMARY KEY,
        provider TEXT,
        title TEXT NOT NULL,
        country TEXT,
        cities TEXT NOT NULL DEFAULT '[]',
        includes TEXT NOT NULL DEFAULT '[]',
        excludes TEXT NOT NULL DEFAULT '[]',
        duration_min_weeks REAL,
        duration_max_weeks REAL,
        duration_evidence TEXT,
        start_dates TEXT,
        supervision_claimed INTEGER NOT NULL CHECK (supervision_claimed IN (0, 1)),
        supervision_licensed INTEGER NOT NULL CHECK (supervision_licensed IN (0, 1)),
        supervision_evidence TEXT,
        participation TEXT,
        experience_required INTEGER CHECK (experience_required IN (0, 1)),
        min_age INTEGER,
        legal_info INTEGER NOT NULL CHECK (legal_info IN (0, 1)),
        safety_info INTEGER NOT NULL CHECK (safety_info IN (0, 1)),
        community_benefit INTEGER NOT NULL CHECK (community_benefit IN (0, 1)),
        evidence TEXT NOT NULL DEFAULT '{}',
        min_program_fee REAL,
        min_fee_currency TEXT,
        min_fee_basis TEXT,
        record TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        last_changed TEXT NOT NULL,
        last_crawl_run INTEGER REFERENCES crawl_runs(id)
    )
    """,
    # country first: "programs in GH under N" is the analysts' most common question.
    "CREATE INDEX idx_programs_country_fee ON programs(country, min_program_fee)",
    "CREATE INDEX idx_programs_min_fee ON programs(min_program_fee)",
    "CREATE INDEX idx_programs_provider ON programs(provider)",
    """
    CREATE TABLE fees (
        id INTEGER PRIMARY KEY,
        program_url TEXT NOT NULL REFERENCES programs(url) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        amount REAL NOT NULL,
        amount_max REAL,
        currency TEXT NOT NULL,
        basis TEXT NOT NULL,
        kind TEXT NOT NULL,
        weeks REAL,
        evidence TEXT NOT NULL
    )
    """,
    # Unique on (program_url, position): serves the per-program lookup and keeps
    # a replaced fee list from ever interleaving with the old one.
    "CREATE UNIQUE INDEX idx_fees_program_url ON fees(program_url, position)",
    """
    CREATE TABLE flags (
        program_url TEXT NOT NULL REFERENCES programs(url) ON DELETE CASCADE,
        code TEXT NOT NULL,
        severity TEXT NOT NULL,
        evidence TEXT NOT NULL,
        PRIMARY KEY (program_url, code)
    )
    """,
    "CREATE INDEX idx_flags_code ON flags(code)",
    """
    CREATE TABLE pages (
        url TEXT PRIMARY KEY,
        fetched_url TEXT,
        status INTEGER,
        kind TEXT,
        is_program INTEGER CHECK (is_program IN (0, 1)),
        why TEXT,
        extract_error TEXT,
        etag TEXT,
        last_modified TEXT,
        fetched_at TEXT,
        depth INTEGER,
        site TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        crawl_run_id INTEGER REFERENCES crawl_runs(id)
    )
    """,
    # `show` resolves a pasted URL through the address it was fetched at.
    "CREATE INDEX idx_pages_fetched_url ON pages(fetched_url)",
    "CREATE INDEX idx_pages_crawl_run ON pages(crawl_run_id)",
    """
    CREATE TABLE page_html (
        url TEXT PRIMARY KEY REFERENCES pages(url) ON DELETE CASCADE,
        html_gz BLOB NOT NULL,
        sha1 TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE rejected (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        reason TEXT NOT NULL,
        record TEXT,
        crawl_run_id INTEGER REFERENCES crawl_runs(id),
        rejected_at TEXT NOT NULL
    )
    """,
    "CREATE INDEX idx_rejected_url ON rejected(url)",
    "CREATE INDEX idx_rejected_crawl_run ON rejected(crawl_run_id)",
    """
    CREATE TABLE program_changes (
        id INTEGER PRIMARY KEY,
        program_url TEXT NOT NULL REFERENCES programs(url) ON DELETE CASCADE,
        crawl_run_id INTEGER REFERENCES crawl_runs(id),
        field TEXT NOT NULL,
        old_value TEXT,
        new_value TEXT,
        changed_at TEXT NOT NULL
    )
    """,
    "CREATE INDEX idx_program_changes_url ON program_changes(program_url, changed_at)",
    "CREATE INDEX idx_program_changes_crawl_run ON program_changes(crawl_run_id)",
)

_PROGRAMS_V2 = """
    CREATE TABLE programs (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        provider_id INTEGER REFERENCES providers(id),
        provider TEXT,
        title TEXT NOT NULL,
        discipline TEXT,
        country TEXT,
        region TEXT,
        cities TEXT NOT NULL DEFAULT '[]',
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'gone')),
        gone_since TEXT,
        price_currency TEXT,
        price_per_week REAL,
        price_per_week_eur REAL,
        price_per_week_how TEXT,
        price_4_weeks REAL,
        price_4_weeks_eur REAL,
        price_4_weeks_how TEXT,
        price_rates_date TEXT,
        duration_min_weeks REAL,
        duration_max_weeks REAL,
        duration_evidence TEXT,
        start_dates TEXT,
        supervision_claimed INTEGER NOT NULL CHECK (supervision_claimed IN (0, 1)),
        supervision_licensed INTEGER NOT NULL CHECK (supervision_licensed IN (0, 1)),
        supervision_evidence TEXT,
        participation TEXT,
        experience_required INTEGER CHECK (experience_required IN (0, 1)),
        min_age INTEGER,
        legal_info INTEGER NOT NULL CHECK (legal_info IN (0, 1)),
        safety_info INTEGER NOT NULL CHECK (safety_info IN (0, 1)),
        community_benefit INTEGER NOT NULL CHECK (community_benefit IN (0, 1)),
        flag_codes TEXT NOT NULL DEFAULT '[]',
        max_severity TEXT,
        includes TEXT NOT NULL DEFAULT '[]',
        excludes TEXT NOT NULL DEFAULT '[]',
        site TEXT,
        evidence TEXT NOT NULL DEFAULT '{}',
        record TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        last_changed TEXT NOT NULL,
        last_crawl_run INTEGER REFERENCES crawl_runs(id)
    )
"""
# Columns programs v1 and v2 share, copied across when a v1 catalog is upgraded.
_PROGRAMS_V1_COLUMNS = (
    "url, provider, title, country, cities, includes, excludes, duration_min_weeks, duration_max_weeks, "
    "duration_evidence, start_dates, supervision_claimed, supervision_licensed, supervision_evidence, "
    "participation, experience_required, min_age, legal_info, safety_info, community_benefit, evidence, "
    "record, schema_version, content_hash, first_seen, last_seen, last_changed, last_crawl_run"
)

_MIGRATION_2: tuple[str, ...] = (
    """
    CREATE TABLE providers (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL
    )
    """,
    # programs is rebuilt (SQLite's documented 12-step way) to get an integer key the
    # full-text index can point at, and columns in the order analysts read them.
    _PROGRAMS_V2.replace("CREATE TABLE programs (", "CREATE TABLE programs_v2 (", 1),
    f"INSERT INTO programs_v2 ({_PROGRAMS_V1_COLUMNS}) SELECT {_PROGRAMS_V1_COLUMNS} FROM programs",
    "DROP TABLE programs",
    "ALTER TABLE programs_v2 RENAME TO programs",
    # The filters analysts combine: place, then price per week in the index currency.
    "CREATE INDEX idx_programs_country_price ON programs(country, price_per_week_eur)",
    "CREATE INDEX idx_programs_region_price ON programs(region, price_per_week_eur)",
    "CREATE INDEX idx_programs_discipline_price ON programs(discipline, price_per_week_eur)",
    "CREATE INDEX idx_programs_price ON programs(price_per_week_eur)",
    "CREATE INDEX idx_programs_provider ON programs(provider_id)",
    "CREATE INDEX idx_programs_site ON programs(site, status)",
    "CREATE INDEX idx_flags_code_program ON flags(code, program_url)",
    "DROP INDEX idx_flags_code",
    """
    CREATE TABLE claims (
        program_url TEXT NOT NULL REFERENCES programs(url) ON DELETE CASCADE,
        field TEXT NOT NULL,
        value TEXT,
        evidence TEXT NOT NULL,
        PRIMARY KEY (program_url, field)
    )
    """,
    """
    CREATE TABLE exchange_rates (
        date TEXT NOT NULL,
        currency TEXT NOT NULL,
        per_eur REAL NOT NULL CHECK (per_eur > 0),
        source TEXT,
        PRIMARY KEY (date, currency)
    )
    """,
    # Its own copy of the text (not external content): the page text is searched and
    # quoted in snippets but kept out of the programs table analysts browse.
    """
    CREATE VIRTUAL TABLE programs_fts USING fts5(
        title, provider, places, main_text, tokenize = 'porter unicode61 remove_diacritics 2'
    )
    """,
    "ALTER TABLE crawl_runs ADD COLUMN programs_gone INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE crawl_runs ADD COLUMN programs_revived INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE crawl_runs ADD COLUMN complete_sites TEXT NOT NULL DEFAULT '[]'",
    "CREATE INDEX idx_program_changes_changed_at ON program_changes(changed_at, field)",
    "CREATE INDEX idx_rejected_rejected_at ON rejected(rejected_at)",
)


# Indexes for the faceted Datasette programs page (bench/catalog.py): each facet groups the whole table
# by one column, and without an index that is a scan of every row with its record JSON, about 300 ms at
# 100k programs and over Datasette's 200 ms facet limit. With one the facet reads only the index (~5 ms).
_MIGRATION_3: tuple[str, ...] = (
    "CREATE INDEX idx_programs_provider_name ON programs(provider)",
    "CREATE INDEX idx_programs_participation ON programs(participation)",
    # The array facet on flag_codes reads just this column (through catalog/datasette_plugins).
    "CREATE INDEX idx_programs_flag_codes ON programs(flag_codes)",
)


# Crawl-run statistics kept as columns (they were only inside the `stats` JSON, if at all), so
# runs can be compared and monitored with plain SQL; filled by catalog.store.finish_run.
_MIGRATION_4: tuple[str, ...] = (
    "ALTER TABLE crawl_runs ADD COLUMN requests INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE crawl_runs ADD COLUMN response_bytes INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE crawl_runs ADD COLUMN errors_by_kind TEXT NOT NULL DEFAULT '{}'",
    "ALTER TABLE crawl_runs ADD COLUMN duration_s REAL",
    "ALTER TABLE crawl_runs ADD COLUMN providers TEXT NOT NULL DEFAULT '[]'",
)


# Crawl monitors (catalog/monitors.py) and feeds ingested from Scrapyd jobs (catalog/ingest.py): the
# monitors' verdicts, the programs each site gave (what the site's next run is compared with), and the
# job a run was ingested from (unique: ingesting the same feed again finds its run and changes nothing).
_MIGRATION_5: tuple[str, ...] = (
    "ALTER TABLE crawl_runs ADD COLUMN monitor_status TEXT CHECK (monitor_status IN ('passed', 'failed'))",
    "ALTER TABLE crawl_runs ADD COLUMN monitor_results TEXT",
    "ALTER TABLE crawl_runs ADD COLUMN site_programs TEXT",
    "ALTER TABLE crawl_runs ADD COLUMN job TEXT",
    "ALTER TABLE crawl_runs ADD COLUMN feed TEXT",
    "CREATE UNIQUE INDEX idx_crawl_runs_job ON crawl_runs(job) WHERE job IS NOT NULL",
)


def _backfill_2(db: sqlite_utils.Database) -> None:
    # Imported here: the derivations live with the code that writes new rows, which imports this module.
    from catalog.store import backfill_v2

    backfill_v2(db)


Migration = tuple[str | Callable[[sqlite_utils.Database], None], ...]

# Append only: migration N must never change once released, because catalogs in
# the wild already record (via user_version) that they have run it.
MIGRATIONS: tuple[Migration, ...] = (_MIGRATION_1, (*_MIGRATION_2, _backfill_2), _MIGRATION_3, _MIGRATION_4,
                                   _MIGRATION_5)
SCHEMA_VERSION = len(MIGRATIONS)

TABLES: tuple[str, ...] = (
    "providers",
    "programs",
    "fees",
    "flags",
    "claims",
    "pages",
    "page_html",
    "crawl_runs",
    "rejected",
    "program_changes",
    "exchange_rates",
    "programs_fts",
)


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database) -> int:
    """Bring `db` up to SCHEMA_VERSION; returns the number of migrations applied."""
    conn = db.conn
    if schema_version(db) == SCHEMA_VERSION:
        # The common case; skipping the write lock keeps opens cheap while a crawl writes.
        return 0
    # Rebuilding a table that others reference needs foreign keys off, and the pragma
    # is a no-op inside a transaction; they are checked once the migrations are done.
    conn.execute("PRAGMA foreign_keys = OFF")
    # IMMEDIATE takes the write lock before user_version is read, so two processes
    # opening a fresh catalog at once cannot both run migration 1.
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = schema_version(db)
        _refuse_unusable(db, current)
        for version in range(current + 1, SCHEMA_VERSION + 1):
            for step in MIGRATIONS[version - 1]:
                if callable(step):
                    step(db)
                else:
                    conn.execute(step)
            # PRAGMA cannot take parameters; `version` is our own int.
            conn.execute(f"PRAGMA user_version = {int(version)}")
        problems = conn.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise CatalogError(f"migration left {len(problems)} dangling references (first: {problems[0]})")
        conn.execute("COMMIT")
        return SCHEMA_VERSION - current
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def _refuse_unusable(db: sqlite_utils.Database, current: int) -> None:
    """What migrate refuses before it changes anything: a newer schema, or tables of another application."""
    if current > SCHEMA_VERSION:
        raise CatalogError(
            f"catalog schema version {current} is newer than this internscope "
            f"understands ({SCHEMA_VERSION}); upgrade internscope"
        )
    if current == 0:
        _refuse_foreign_database(db)


def _refuse_foreign_database(db: sqlite_utils.Database) -> None:
    # Never graft catalog tables onto somebody else's database.
    names = [
        row[0]
        for row in db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    if names:
        raise CatalogError(
            f"{db_filename(db)} is a SQLite database but not an internscope catalog "
            f"(it has tables {', '.join(sorted(names)[:5])})"
        )


def db_filename(db: sqlite_utils.Database) -> str:
    row = db.conn.execute("PRAGMA database_list").fetchone()
    return str(row[2]) if row and row[2] else ":memory:"


def _check_path(path: Path, *, create: bool, readonly: bool) -> None:
    if path.is_dir():
        raise CatalogError(f"{path} is a directory, not a catalog file")
    parent = path.parent
    if not parent.exists():
        raise CatalogError(f"cannot open catalog {path}: directory {parent} does not exist")
    if not parent.is_dir():
        raise CatalogError(f"cannot open catalog {path}: {parent} is not a directory")
    if not path.exists():
        if readonly or not create:
            raise CatalogError(f"catalog {path} does not exist (run `internscope crawl` first)")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise CatalogError(f"cannot create catalog {path}: directory {parent} is not writable")
        return
    if not os.access(path, os.R_OK):
        raise CatalogError(f"cannot read catalog {path}: permission denied")
    if not readonly:
        # WAL needs the -wal and -shm files next to the catalog, hence the directory check.
        if not os.access(path, os.W_OK):
            raise CatalogError(f"cannot write catalog {path}: file is read-only")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise CatalogError(f"cannot write catalog {path}: directory {parent} is not writable")


def _connect(path: Path, *, create: bool, readonly: bool) -> sqlite3.Connection:
    mode = "ro" if readonly else ("rwc" if create else "rw")
    # A URI keeps sqlite from silently creating a file (mode=rw/ro), and as_uri()
    # percent-encodes names containing '?' or '#'.
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    if readonly and _unwritable_place(path):
        # A WAL catalog is read through its -shm file, which a read-only directory or medium cannot hold
        # (SQLite then says "unable to open database file", which read as a corrupt catalog). Nothing can
        # write the catalog there either (a writer needs its -wal file beside it), so it is read as immutable.
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)


def _unwritable_place(path: Path) -> bool:
    """The catalog's directory cannot be written (a read-only mount, or permissions), and no -wal file holds
    commits that reading the file as immutable would miss."""
    if os.access(path.resolve().parent, os.W_OK):
        return False
    try:
        return path.with_name(path.name + "-wal").stat().st_size == 0
    except OSError:
        return True


def _probe(conn: sqlite3.Connection, path: Path) -> None:
    """Cheap proof that `path` is a readable SQLite file; quick_check when affordable."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA user_version").fetchone()
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = 0
        if 0 < size <= QUICK_CHECK_MAX_BYTES:
            result = conn.execute("PRAGMA quick_check(1)").fetchone()
            if result is None or result[0] != "ok":
                detail = result[0] if result else "no result"
                raise CatalogError(f"catalog {path} is corrupt: {detail}")
    except sqlite3.DatabaseError as e:
        raise CatalogError(_unopenable(path, e)) from None


# What SQLite needs free to open a WAL catalog: its -shm index (32 KiB) and a first page of -wal.
_MIN_FREE_BYTES = 64 * 1024


def _unopenable(path: Path, error: sqlite3.Error) -> str:
    """Why `path` could not be opened, in one line. An I/O error is not a corrupt catalog: SQLite could not
    create the catalog's -shm index beside it (a full disk, a file-size limit) and says only "disk I/O error"."""
    name = getattr(error, "sqlite_errorname", "") or ""
    if not (name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) or name == "SQLITE_FULL"):
        return f"{path} is not a SQLite catalog or is corrupt ({error})"
    try:
        full = shutil.disk_usage(path.resolve().parent).free < _MIN_FREE_BYTES
    except OSError:
        full = False
    return f"cannot open catalog {path}: {'its disk is full' if full else 'no file beside it can be written'} ({error})"


def open_catalog(path: str | Path, *, create: bool = True, readonly: bool = False) -> sqlite_utils.Database:
    """Open (and, unless read-only, create and migrate) the catalog at `path`.

    Read-only opens use `mode=ro`, so analysts can query while a crawl writes.
    Raises CatalogError with a one-line message for anything a user can cause.
    """
    path = Path(path).expanduser()
    _check_path(path, create=create, readonly=readonly)
    try:
        conn = _connect(path, create=create, readonly=readonly)
    except sqlite3.Error as e:
        raise CatalogError(f"cannot open catalog {path}: {e}") from None
    try:
        _probe(conn, path)
        db = sqlite_utils.Database(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        if readonly:
            _check_readable_schema(db, path)
        else:
            # Refused before anything is written: turning WAL on rewrites the file's header, and another
            # application's database (or a newer catalog) must be left exactly as it was.
            _refuse_unusable(db, schema_version(db))
            if db.journal_mode != "wal":
                db.enable_wal()
            # NORMAL is durable across application crashes in WAL mode; only an OS
            # crash can lose the last commits, which a re-crawl recovers.
            conn.execute("PRAGMA synchronous = NORMAL")
            migrate(db)
    except CatalogError:
        conn.close()
        raise
    except sqlite3.DatabaseError as e:
        conn.close()
        raise CatalogError(f"cannot use catalog {path}: {e}") from None
    return db


def _check_readable_schema(db: sqlite_utils.Database, path: Path) -> None:
    version = schema_version(db)
    if version == SCHEMA_VERSION:
        return
    if version == 0:
        raise CatalogError(f"{path} is not an internscope catalog (no catalog schema)")
    if version > SCHEMA_VERSION:
        raise CatalogError(
            f"catalog schema version {version} is newer than this internscope "
            f"understands ({SCHEMA_VERSION}); upgrade internscope"
        )
    raise CatalogError(
        f"catalog {path} has schema version {version} < {SCHEMA_VERSION}; "
        "open it for writing once (e.g. `internscope crawl`) to migrate it"
    )
