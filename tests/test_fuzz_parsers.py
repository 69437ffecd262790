"""Fuzzing the money and duration parsers (pipelines/money.py, pipelines/duration.py).

Two targets with the same properties (tests/parser_checks.py: no exception, amounts finite and >= 0,
lengths finite and > 0, spans inside the input):

* atheris (coverage-guided libFuzzer, `tests/fuzz_parsers_atheris.py`), run in a subprocess for a bounded
  time (FUZZ_SECONDS, `-max_total_time`), seeded with prices and lengths as pages write them and a
  dictionary of the parsers' tokens; skipped with its reason where atheris is not installed (it is pinned
  in the `dev` extra, which has wheels for CPython 3.11 on Linux x86-64);
* hypothesis, on arbitrary Unicode and on text built from the same tokens, always.

The figures (examples run, seconds) go to tests/robustness_figures.py for docs/ROBUSTNESS.md.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from parser_checks import TOKENS, check_text, text_from_tokens
from robustness_figures import record_figures

HERE = Path(__file__).resolve().parent
TARGET = HERE / "fuzz_parsers_atheris.py"
# How long libFuzzer runs; the whole test takes a few seconds more (start-up, instrumentation).
FUZZ_SECONDS = int(os.environ.get("INTERNSCOPE_FUZZ_SECONDS", "15"))
HYPOTHESIS_EXAMPLES = 1500
SEEDS = [
    "Programme fee: US$2,450 for 4 weeks (USD 612.50 per week)",
    "From £1,490 for 2 weeks; £300 for each additional week, up to 12 weeks in total.",
    "R 18 500 per month, R 1 150 per day, the R61 road",
    "KSh 40,000 - 60,000 a month; TZS 400,000 and KES 30,000",
    "₹1,40,000/- for a minimum of four and a maximum of eight weeks",
    "Stays of 2-6 weeks, 10 days minimum, no maximum; 3 months or longer",
    "€1.250,00 pro Woche, 5 days a week, 18 years old, 20 years of experience",
    "between 2 and 12 weeks, a fortnight, one year, 4+ weeks, twenty-one days",
    "$" + "9" * 320 + " per day for 99999 weeks, or $25 a day for 3 weeks",
]


def _dictionary(path: Path) -> Path:
    """libFuzzer's dictionary of the parsers' tokens: non-ASCII bytes written as \\xNN escapes."""
    lines = []
    for i, token in enumerate(dict.fromkeys(TOKENS)):
        raw = token.encode("utf-8")
        if not raw.strip() or len(raw) > 64:
            continue
        escaped = "".join(chr(b) if 32 <= b < 127 and b not in (34, 92) else f"\\x{b:02x}" for b in raw)
        lines.append(f'kw{i}="{escaped}"')
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def _corpus(path: Path) -> Path:
    path.mkdir()
    for i, seed in enumerate(SEEDS):
        # Mode byte 0: the rest is UTF-8 text; then the context selector.
        (path / f"seed{i}").write_bytes(bytes([0, i]) + seed.encode("utf-8"))
    return path


@pytest.mark.skipif(importlib.util.find_spec("atheris") is None,
                    reason="atheris is not installed (pip install -e '.[dev]'; wheels for CPython <= 3.11 on x86-64)")
def test_atheris_fuzzes_the_parsers_for_a_bounded_time(tmp_path: Path) -> None:
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(TARGET), f"-max_total_time={FUZZ_SECONDS}", "-max_len=2048", "-timeout=10",
         "-rss_limit_mb=2048", "-print_final_stats=1", f"-artifact_prefix={artifacts}/",
         f"-dict={_dictionary(tmp_path / 'tokens.dict')}", str(_corpus(tmp_path / "corpus"))],
        capture_output=True, text=True, timeout=FUZZ_SECONDS + 180, cwd=tmp_path,
    )
    elapsed = time.monotonic() - started
    log = done.stderr
    # A finding: the exception with its traceback, and the input libFuzzer saved.
    assert done.returncode == 0, log[-4000:] + "\n".join(p.name for p in artifacts.iterdir())
    assert not any(artifacts.iterdir())
    runs = re.search(r"stat::number_of_executed_units:\s*(\d+)", log)
    assert runs is not None, log[-2000:]
    coverage = re.findall(r"\bcov: (\d+)", log)
    record_figures("fuzz_parsers_atheris", {
        "executions": int(runs.group(1)),
        "fuzz_seconds": FUZZ_SECONDS,
        "wall_seconds": round(elapsed, 1),
        "edges_covered": int(coverage[-1]) if coverage else None,
        "corpus_seeds": len(SEEDS),
    })
    assert int(runs.group(1)) > 1000  # it did fuzz, not just start and stop


# ------------------------------------------------------------------ the hypothesis target

FIGURES: Counter[str] = Counter()
SECONDS: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    if FIGURES:
        record_figures("fuzz_parsers_hypothesis", {"examples": dict(FIGURES), "examples_total": sum(FIGURES.values()),
                                                   "seconds": round(sum(SECONDS.values()), 1)})


tokens = st.binary(max_size=40).map(text_from_tokens)
# Every plane, surrogates aside (a str from a page never holds one): RTL, combining marks, emoji, controls.
any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@settings(max_examples=HYPOTHESIS_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(tokens, any_text, st.tuples(any_text, tokens, any_text).map("".join)),
       selector=st.integers(min_value=0, max_value=255))
def test_parsers_keep_their_properties_on_any_text(text: str, selector: int) -> None:
    started = time.perf_counter()
    check_text(text, selector)
    SECONDS["parsers"] += time.perf_counter() - started
    FIGURES["parsers"] += 1


@pytest.mark.parametrize("seed", SEEDS)
def test_seeds_read_something(seed: str) -> None:
    """The seeds are prices and lengths the parsers read: a fuzzer starting from them starts inside."""
    assert max(check_text(seed, selector) for selector in range(4)) > 0
