"""re.IGNORECASE patterns run as case-sensitive twins on lower-cased text: the same matches, at a third of the cost.

With re.I the regex engine folds every character it compares and gives up its fast scans for a literal or a
character class; the pattern lower-cased and compiled without re.I, run on the lower-cased text, finds the same
spans. That holds exactly when lower() keeps every offset and the text has neither the dotless i nor the long s
(the only characters re.I folds onto an ASCII letter that lower() leaves alone); otherwise, and for patterns that
cannot be lower-cased safely (inline flags, non-ASCII letters, mixed-case ranges, octal escapes and
backreferences), the original pattern runs. Hits are re-read with the original pattern, so callers get the
match objects (and group texts, in the original case) they always got.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# re.IGNORECASE folds the dotless i and the long s onto ASCII letters, which lower() does not: on a page with
# either, lower-cased text does not match like the original does under re.I.
_FOLD_UNSAFE = ("ı", "ſ")


_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux-]")
# Twins by id() of the pattern, which the value keeps alive: hashing a compiled pattern hashes its whole program.
_CASE_SENSITIVE: dict[int, tuple[re.Pattern[str], re.Pattern[str] | None]] = {}


def _case_sensitive(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """For a re.I pattern, the same pattern lower-cased and compiled without re.I, or None if that is not safe.

    Run on lower-cased text it finds the same matches about three times faster: with re.I the engine folds
    every character it compares. Escapes (\\S, \\W, \\B, \\N{...}) and group names keep their case; a pattern
    with inline flags, non-ASCII letters or a character range that is not all one case is left alone.
    """
    known = _CASE_SENSITIVE.get(id(pattern))
    if known is not None:
        return known[1]
    result = _lower_pattern(pattern)
    _CASE_SENSITIVE[id(pattern)] = (pattern, result)
    return result


def _lower_pattern(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    src = pattern.pattern
    if (not isinstance(src, str) or not pattern.flags & re.IGNORECASE or pattern.flags & re.VERBOSE
            or _INLINE_FLAGS.search(src)):
        return None
    out: list[str] = []
    i, n, in_class = 0, len(src), False
    while i < n:
        ch = src[i]
        if ch == "\\":
            kind = src[i + 1:i + 2]
            if kind in ("x", "u", "U", "N"):
                # A character given by code or name ("\u2019"): kept as written, unless it is a cased letter,
                # which re.I would fold and a case-sensitive pattern would not.
                end = src.index("}", i) + 1 if kind == "N" else i + 2 + {"x": 2, "u": 4, "U": 8}[kind]
                char = _escaped_char(src[i:end])
                if char is None or char.lower() != char or char.upper() != char:
                    return None
            elif kind.isdigit():
                return None  # octal escapes and backreferences: not worth the care
            else:
                end = i + 2
            out.append(src[i:end])
            i = end
            continue
        if not in_class and src.startswith("(?P<", i):
            end = src.index(">", i) + 1
            out.append(src[i:end])
            i = end
            continue
        if not in_class and src.startswith("(?P=", i):
            end = src.index(")", i) + 1
            out.append(src[i:end])
            i = end
            continue
        if ch == "[" and not in_class:
            in_class = True
            out.append(ch)
            # "[]...]" and "[^]...]": a leading "]" is a literal.
            if src.startswith("^", i + 1):
                out.append("^")
                i += 1
            if src.startswith("]", i + 1):
                out.append("]")
                i += 1
            i += 1
            continue
        if ch == "]" and in_class:
            in_class = False
        elif in_class and ch == "-" and src[i + 1:i + 2] != "]":
            # A range: both ends plain characters that fold alike ("A-Z" -> "a-z"), else lower-casing could
            # change what it spans.
            lo, hi = src[i - 1], src[i + 1:i + 2]
            if out[-1] == "[" or out[-2:] == ["[", "^"]:
                pass  # a leading "-" is a literal
            elif (len(out[-1]) != 1 or hi in ("", "\\")
                    or lo.isupper() != hi.isupper() or lo.islower() != hi.islower()):
                return None
        if not ch.isascii() and ch.isalpha():
            return None
        out.append(ch.lower())
        i += 1
    try:
        return re.compile("".join(out), pattern.flags & ~re.IGNORECASE)
    except re.error:
        return None


def _escaped_char(escape: str) -> str | None:
    """The one character a \\x, \\u, \\U or \\N{...} escape stands for."""
    try:
        if escape[1] == "N":
            return unicodedata.lookup(escape[3:-1])
        return chr(int(escape[2:], 16))
    except (KeyError, ValueError):
        return None


def _fold_safe(text: str, lower: str) -> bool:
    """Whether a case-sensitive twin on `lower` matches as its re.I original does on `text`."""
    return len(lower) == len(text) and (text.isascii() or not any(c in text for c in _FOLD_UNSAFE))


def case_twin(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """The case-sensitive twin of a re.I pattern (see `_case_sensitive`): on lower-cased text for which
    `fold_safe` holds, it matches exactly the spans the pattern matches on the original text."""
    return _case_sensitive(pattern)


fold_safe = _fold_safe


def isearch(pattern: re.Pattern[str], text: str, lower: str | None = None) -> re.Match[str] | None:
    """pattern.search(text), for a re.I pattern run as its case-sensitive twin on the lower-cased text (exact, see
    `_case_sensitive`, and two to three times faster); `lower` is text.lower() when the caller has it."""
    fast = _case_sensitive(pattern)
    if fast is not None:
        low = text.lower() if lower is None else lower
        if _fold_safe(text, low):
            hit = fast.search(low)
            if hit is None:
                return None
            m = pattern.match(text, hit.start())
            if m is not None and m.end() == hit.end():
                return m
    return pattern.search(text)


def ihas(pattern: re.Pattern[str], text: str, lower: str | None = None) -> bool:
    """bool(pattern.search(text)) by way of the case-sensitive twin, as `isearch`."""
    fast = _case_sensitive(pattern)
    if fast is not None:
        low = text.lower() if lower is None else lower
        if _fold_safe(text, low):
            return fast.search(low) is not None
    return pattern.search(text) is not None


def ifinditer(pattern: re.Pattern[str], text: str, lower: str | None = None) -> list[re.Match[str]]:
    """list(pattern.finditer(text)), found by way of the case-sensitive twin as in `isearch`."""
    fast = _case_sensitive(pattern)
    low = text.lower() if lower is None and fast is not None else lower
    if fast is None or not _fold_safe(text, low):  # type: ignore[arg-type]
        return list(pattern.finditer(text))
    return twin_finditer(pattern, fast, text, low)  # type: ignore[arg-type]


def twin_finditer(pattern: re.Pattern[str], fast: re.Pattern[str] | None, text: str,
                      lower: str) -> list[re.Match[str]]:
    """pattern.finditer(text), found with the case-sensitive twin on the lower-cased text when there is one.

    Each hit is re-read with the original pattern at the same offset, so callers get the match they always
    got (groups in the original case); should the two ever disagree, the original pattern decides.
    """
    if fast is None:
        return list(pattern.finditer(text))
    return reread(pattern, text, fast.finditer(lower))


def reread(pattern: re.Pattern[str], text: str, twin_matches: Iterable[re.Match[str]]) -> list[re.Match[str]]:
    """The original pattern's matches at the offsets its twin matched in the lower-cased text."""
    out = []
    for low in twin_matches:
        m = pattern.match(text, low.start())
        if m is None or m.end() != low.end():
            return list(pattern.finditer(text))
        out.append(m)
    return out
