"""Crawler-trap guard: URL shapes that generate pages without end.

Canonicalisation (scrapers.urls) folds session ids and tracking parameters, and the depth limit
and page budget bound everything else; but an endless calendar (each day links the next, each
month the next month) or a relative-link loop (`a/` resolving to `/a/a/a/...`) would spend a
site's whole page budget on nothing, leaving no budget for the program pages found later. The
spider asks `TrapGuard.check` before spending budget on a URL; it refuses, conservatively:

* `repeated_segment`: a path with one segment more than MAX_SEGMENT_REPEATS times
  (`/en/en/en/en/`, `/a/b/a/b/a/b/a/b/`): real sites do not nest a directory in itself;
* `long_url`: a URL longer than MAX_URL_LENGTH characters (session state piled into the URL);
* `pattern`: more than `max_per_pattern` URLs of one shape on one host, the shape being the path
  with every run of digits replaced by `0` plus the sorted query parameter names (values dropped):
  `/calendar/2026/03/14/`, `/events?month=2026-03` and `/program.php?id=12` are each one shape.
  The default (INTERNSCOPE_MAX_PAGES_PER_PATTERN, 100) is far above the number of programs a
  provider lists under one numbered URL scheme; 0 turns this rule off.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

__all__ = ["DEFAULT_MAX_PER_PATTERN", "MAX_SEGMENT_REPEATS", "MAX_URL_LENGTH", "TrapGuard", "url_shape"]

DEFAULT_MAX_PER_PATTERN = 100
MAX_SEGMENT_REPEATS = 3
MAX_URL_LENGTH = 2000

_DIGITS = re.compile(r"\d+")


def url_shape(url: str) -> tuple[str, str]:
    """(netloc, shape) of a canonical URL: digits in the path folded to 0, query values dropped."""
    parts = urlsplit(url)
    names = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    shape = _DIGITS.sub("0", parts.path)
    return parts.netloc, shape + ("?" + "&".join(names) if names else "")


class TrapGuard:
    """Counts the URLs the spider requests per shape and refuses trap-shaped ones."""

    def __init__(self, max_per_pattern: int = DEFAULT_MAX_PER_PATTERN) -> None:
        self.max_per_pattern = max_per_pattern
        self._shapes: Counter[tuple[str, str]] = Counter()

    def check(self, url: str) -> str | None:
        """None when the canonical `url` may be requested (it is then counted against its shape),
        else the rule that refuses it: "repeated_segment", "long_url" or "pattern"."""
        if len(url) > MAX_URL_LENGTH:
            return "long_url"
        segments = [s for s in urlsplit(url).path.split("/") if s]
        if segments and max(Counter(segments).values()) > MAX_SEGMENT_REPEATS:
            return "repeated_segment"
        if self.max_per_pattern:
            shape = url_shape(url)
            if self._shapes[shape] >= self.max_per_pattern:
                return "pattern"
            self._shapes[shape] += 1
        return None
