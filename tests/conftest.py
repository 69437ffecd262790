"""Fixtures shared across test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.democatalog import DemoCatalog, build_demo_catalog


@pytest.fixture(scope="session")
def demo_catalog(tmp_path_factory: pytest.TempPathFactory) -> DemoCatalog:
    """The demo sites served on loopback and crawled twice (a price raised and a page removed in
    between), once per test session: a real catalog with history for the serve and report tests.
    Read-only for the tests that use it."""
    # Named demo.db: Datasette calls the database "demo" after the file.
    return build_demo_catalog(Path(tmp_path_factory.mktemp("demo-catalog")) / "demo.db")
