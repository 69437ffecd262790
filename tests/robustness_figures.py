"""Figures the robustness tests measure (examples run, fuzzing time, kill -9 rounds), kept for the report.

Each test module records its own figures under one key; they are written to
`.pytest_cache/internscope-robustness.json` (merged with what earlier runs wrote, so running one module
keeps the others' figures) and printed, so `pytest -s` or the file gives the numbers docs/ROBUSTNESS.md
quotes. Nothing here is asserted: the figures are what a run measured.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

FIGURES_FILE = Path(__file__).resolve().parent.parent / ".pytest_cache" / "internscope-robustness.json"


def record_figures(name: str, figures: dict[str, Any]) -> None:
    """Merge `figures` under `name` into the figures file (best effort: a read-only tree only loses the file)."""
    entry = {**figures, "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    print(f"\n[robustness] {name}: {json.dumps(entry, sort_keys=True)}")
    try:
        FIGURES_FILE.parent.mkdir(parents=True, exist_ok=True)
        try:
            current = json.loads(FIGURES_FILE.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            current = {}
        current[name] = entry
        tmp = FIGURES_FILE.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(FIGURES_FILE)
    except OSError:
        pass
