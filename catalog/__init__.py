"""The internscope catalog: SQLite storage, queries, the Scrapy store pipeline and the CLI.

Kept import-light on purpose: `internscope --help` and the Datasette-facing schema
must not pay for Scrapy. Import submodules (`catalog.db`, `catalog.store`, ...)
directly.
"""

from __future__ import annotations

__all__ = ["CatalogError", "open_catalog"]

from catalog.db import CatalogError, open_catalog
