"""One writer per catalog: an exclusive, non-blocking `flock` on `<catalog>.lock`.

Crawls (and the other commands that rewrite the catalog: `reextract`, `rates import`,
ingesting results) take it for their whole run, so two of them can never interleave
their crawl runs, gone-marking and history on one file. SQLite alone would let them:
each transaction is atomic, but "mark gone what this run did not see" is only right
when no other run is storing pages at the same time. Commands that only read never
take it (they open the catalog read-only and WAL lets them read during a crawl).

The kernel drops a flock when the last descriptor of the open file goes away, so a
crashed holder never leaves a stale lock behind: the file may remain, but the next
writer simply locks it again. The holder writes its pid, what it is doing and when it
started into the file, for the message the second writer prints.

Reentrant within a process (the CLI takes it before migrating the catalog, and
`run_crawl` takes it again for the crawl itself): a second flock on a new descriptor
of the same file would conflict with the first even in the same process.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from catalog.db import CatalogError

__all__ = ["CatalogLocked", "HeldLock", "LOCKED_EXIT_CODE", "catalog_write_lock", "lock_path"]

LOCK_SUFFIX = ".lock"
# EX_TEMPFAIL (sysexits.h): "try again later", so a cron wrapper can tell a skipped run
# (another crawl still going) from a failed one.
LOCKED_EXIT_CODE = 75


class CatalogLocked(CatalogError):
    """Another process holds the catalog's write lock; the message is one user-facing line."""


@dataclass
class HeldLock:
    """The lock while held: `fd` may be passed to a child process (subprocess pass_fds) so the
    lock lasts as long as that child too, even if this process dies first."""

    path: Path
    fd: int
    what: str
    depth: int = 1


_held: dict[str, HeldLock] = {}
_held_guard = threading.Lock()


def lock_path(db_path: str | os.PathLike[str]) -> Path:
    """`<catalog>.lock` beside the catalog (symlinks resolved, so every spelling shares one lock)."""
    resolved = Path(db_path).expanduser().resolve()
    return resolved.with_name(resolved.name + LOCK_SUFFIX)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _holder(fd: int) -> str:
    """"crawl (pid N, started T)" from the lock file, or "process" when it says nothing usable
    (the holder may not have written it yet)."""
    try:
        raw = os.pread(fd, 4096, 0).decode("utf-8", errors="replace")
        info = json.loads(raw)
        return f"{info['what']} (pid {int(info['pid'])}, started {info['started']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "process"


@contextmanager
def catalog_write_lock(db_path: str | os.PathLike[str], what: str = "crawl") -> Iterator[HeldLock]:
    """Hold the write lock of the catalog at `db_path` for the `with` block.

    Raises CatalogLocked("another crawl (pid N, started T) is writing to X") at once when
    another process holds it (never waits), CatalogError when the lock file cannot be made.
    """
    path = lock_path(db_path)
    key = str(path)
    with _held_guard:
        held = _held.get(key)
        if held is not None:
            held.depth += 1
    if held is not None:
        try:
            yield held
        finally:
            with _held_guard:
                held.depth -= 1
        return

    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as e:
        raise CatalogError(f"cannot lock catalog {db_path}: {e.strerror or e}: {path}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(fd)
        os.close(fd)
        raise CatalogLocked(f"another {holder} is writing to {db_path}") from None
    except OSError as e:
        os.close(fd)
        raise CatalogError(f"cannot lock catalog {db_path}: {e.strerror or e}") from None
    held = HeldLock(path, fd, what)
    try:
        info = json.dumps({"pid": os.getpid(), "what": what, "started": _now()}).encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, info + b"\n", 0)
    except OSError:
        pass  # the lock holds without its note; the other writer's message is just vaguer
    with _held_guard:
        _held[key] = held
    try:
        yield held
    finally:
        with _held_guard:
            _held.pop(key, None)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # no stale pid in a lock nobody holds
        os.close(fd)  # releases the flock (unless a child still has the descriptor)
