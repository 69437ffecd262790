"""What every `internscope` command shares: one-line errors, the --db option, catalog opening, tables."""

from __future__ import annotations

import errno
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
import sqlite_utils

from catalog.db import CatalogError, open_catalog
from catalog.lock import LOCKED_EXIT_CODE, CatalogLocked

F = TypeVar("F", bound=Callable[..., Any])

DEBUG_ENV = "INTERNSCOPE_DEBUG"


class CliError(click.ClickException):
    """A user-facing failure: printed as one `Error: ...` line, exit status 1."""


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"Error: {one_line(message)}", err=True)
    sys.exit(code)


def one_line(message: str) -> str:
    return " ".join(str(message).split())


def _silence_stdout() -> None:
    # After EPIPE (`internscope export | head`) the interpreter would complain
    # again while flushing stdout at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


class Group(click.Group):
    """A click group whose errors are always a single `Error:` line, never a traceback."""

    def main(  # type: ignore[override]
        self,
        args: Iterable[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as e:
            e.show()
            sys.exit(e.exit_code)
        except click.UsageError as e:
            hint = f" (see '{e.ctx.command_path} --help')" if e.ctx is not None else ""
            fail(e.format_message() + hint, e.exit_code)
        except click.ClickException as e:
            fail(e.format_message(), e.exit_code)
        except click.Abort:
            fail("aborted", 1)
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except CatalogLocked as e:
            fail(str(e), LOCKED_EXIT_CODE)
        except CatalogError as e:
            fail(str(e))
        except sqlite3.DatabaseError as e:
            fail(f"catalog error: {e}")
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(1)
        except OSError as e:
            if e.errno == errno.EPIPE:
                _silence_stdout()
                sys.exit(1)
            fail(f"{e.strerror or e}: {e.filename}" if e.filename else str(e))
        except Exception as e:
            if os.environ.get(DEBUG_ENV):
                raise
            fail(f"unexpected {type(e).__name__}: {e} (set {DEBUG_ENV}=1 for a traceback)")
        sys.exit(rv if isinstance(rv, int) else 0)


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db_path",
        required=True,
        envvar="INTERNSCOPE_DB",
        show_envvar=True,
        metavar="PATH",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Catalog file (SQLite).",
    )(func)


def open_read(db_path: Path) -> sqlite_utils.Database:
    try:
        return open_catalog(db_path, create=False, readonly=True)
    except CatalogError as e:
        raise CliError(str(e)) from None


def open_write(db_path: Path) -> sqlite_utils.Database:
    try:
        return open_catalog(db_path, create=True)
    except CatalogError as e:
        raise CliError(str(e)) from None


def money(amount: float | None, currency: str | None) -> str:
    if amount is None:
        return "-"
    text = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    return f"{currency or ''} {text}".strip()


def truncate(text: str | None, width: int) -> str:
    text = text or ""
    return text if len(text) <= width else text[: width - 3] + "..."


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)
