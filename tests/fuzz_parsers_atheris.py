"""Coverage-guided fuzz target (atheris, libFuzzer) for the money and duration parsers.

    python tests/fuzz_parsers_atheris.py -max_total_time=15 [libFuzzer options] [CORPUS_DIR]

tests/test_fuzz_parsers.py runs it for a bounded time in a subprocess. The first input byte picks how the rest
becomes text: UTF-8 (so libFuzzer's dictionary tokens land as written), UTF-16 (wide characters from every
plane), or one parser token per byte (tests/parser_checks.TOKENS); the second picks the currency context.
The properties are tests/parser_checks.check_text; any exception is a finding (libFuzzer saves the input).
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

# Importable as a script: the project root (pipelines/) and tests/ (parser_checks) on the path.
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

# Instrumented for coverage: the parsers, the case-folding helpers they use, and price-parser underneath.
with atheris.instrument_imports(include=["pipelines", "price_parser", "parser_checks"]):
    from parser_checks import check_text, text_from_tokens


def test_one_input(data: bytes) -> None:
    if len(data) < 2:
        return
    mode, selector, rest = data[0] % 3, data[1], data[2:]
    if mode == 0:
        text = rest.decode("utf-8", errors="replace")
    elif mode == 1:
        text = rest.decode("utf-16-le", errors="replace")
    else:
        text = text_from_tokens(rest)
    check_text(text, selector)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
