"""The README documents every CLI command and every catalog column."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from catalog.cli import main
from catalog.db import TABLES, open_catalog

README = Path(__file__).resolve().parent.parent / "README.md"


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"README has no '## {heading}' section"
    return match.group(1)


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_cli_command_is_documented(command: str) -> None:
    cli = _section(_readme(), "CLI")
    assert re.search(rf"^.*`internscope {re.escape(command)}\b.*$", cli, re.M), (
        f"README's CLI section has no line mentioning `internscope {command}`"
    )


def test_every_command_has_an_example() -> None:
    cli = _section(_readme(), "CLI")
    for command in main.commands:
        examples = [ln for ln in cli.splitlines() if ln.startswith("    internscope " + command)]
        assert examples, f"no indented example of `internscope {command}`"


def test_every_catalog_column_is_documented(tmp_path: Path) -> None:
    section = _section(_readme(), "The catalog")
    db = open_catalog(tmp_path / "c.db")
    try:
        for table in TABLES:
            table_doc = re.search(rf"^### `{table}`.*?(?=^### |\Z)", section, re.M | re.S)
            assert table_doc, f"table {table} is not documented"
            for column in db[table].columns_dict:
                assert f"| `{column}` |" in table_doc.group(0), f"{table}.{column} is not documented"
    finally:
        db.close()


@pytest.mark.parametrize(
    "heading", ["What it is", "Quick start", "CLI", "The catalog", "Adding a provider", "Measured figures"]
)
def test_readme_sections(heading: str) -> None:
    _section(_readme(), heading)
