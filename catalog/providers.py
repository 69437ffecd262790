"""The providers registry: a TOML file listing the provider sites to crawl and how.

    [[provider]]
    name = "Example Electives"                       # unique (case-insensitive)
    start_urls = ["https://www.example-electives.org/programs/"]
    allowed_hosts = ["www.example-electives.org"]    # optional; default: the start URLs' hosts
    program_url_patterns = ["/programs/[^/]+/?$"]    # optional regexes searched in page URLs
    max_pages = 300                                  # optional page budget per start URL
    depth = 4                                        # optional link-depth limit (0 = unlimited)
    currency = "GBP"                                 # optional ISO 4217 code for bare-symbol prices
    crawl_delay = 2.0                                # optional seconds between requests to its hosts
    enabled = true                                   # optional; false keeps it out of ordinary crawls

`load_registry(path)` never raises for what the file says: each bad entry becomes a
`RegistryError` (file, line of the offending table or key, key path, reason) and
the good entries are still returned, so one typo does not stop every other provider
from being crawled. tomllib reports no positions for valid TOML, so the lines are
found by scanning the text for the `[[provider]]` headers and `key =` lines.

Import-light (pydantic and the standard library): the CLI loads it before any crawl.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from catalog.crawl import CrawlError, validate_start_url

__all__ = ["PROVIDERS_ENV", "Provider", "Registry", "RegistryError", "load_registry"]

# Environment variable naming the registry file when `--providers` is not given.
PROVIDERS_ENV = "INTERNSCOPE_PROVIDERS"
TABLE = "provider"
# Longer than any sane politeness delay: a larger value is almost surely milliseconds.
MAX_CRAWL_DELAY_S = 300.0
_NAME_MAX = 80
_CURRENCY_SHAPE = re.compile(r"^[A-Z]{3}$")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_AT_END = " (at end of document)"


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


@cache
def _known_currencies() -> frozenset[str]:
    # The currencies of the bundled rate table: a default currency the catalog cannot
    # convert would leave every price of that provider out of the comparisons.
    from catalog.rates import bundled_rates

    return frozenset(rate.currency for rate in bundled_rates())


# --- field checks (raise ValueError: pydantic turns it into an error at the field's path) ---------


def _start_url(value: str) -> str:
    try:
        return validate_start_url(value)
    except CrawlError as e:
        raise ValueError(str(e)) from None


def _host(value: str) -> str:
    """A host name or host:port, in the lower-case ASCII form the crawler compares."""
    text = value.strip()
    if not text:
        raise ValueError("empty host")
    if "://" in text or "/" in text:
        raise ValueError(f"{value!r} is a URL; give the host name only, e.g. 'www.example.org'")
    try:
        canonical = validate_start_url(f"http://{text}/")
    except CrawlError:
        raise ValueError(f"{value!r} is not a host name") from None
    return urlsplit(canonical).netloc


def _pattern(value: str) -> str:
    if not value:
        raise ValueError("empty pattern (it would match every URL)")
    try:
        re.compile(value)
    except re.error as e:
        raise ValueError(f"not a valid regular expression: {e}") from None
    return value


StartUrl = Annotated[str, AfterValidator(_start_url)]
Host = Annotated[str, AfterValidator(_host)]
Pattern = Annotated[str, AfterValidator(_pattern)]


class Provider(BaseModel):
    """One provider of the registry, validated. `allowed_hosts` is always filled (the
    start URLs' hosts when the entry gives none); None elsewhere means "the crawl's default"."""

    # strict: TOML has real types, so "5" for max_pages or "yes" for enabled is a mistake
    # to report, not to coerce; frozen: a registry is read once and shared.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: str
    start_urls: list[StartUrl] = Field(min_length=1)
    allowed_hosts: list[Host] | None = Field(default=None, validate_default=True)
    program_url_patterns: list[Pattern] | None = None
    max_pages: int | None = Field(default=None, ge=1)
    depth: int | None = Field(default=None, ge=0)
    currency: str | None = None
    crawl_delay: float | None = Field(default=None, ge=0, le=MAX_CRAWL_DELAY_S)
    enabled: bool = True

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        name = " ".join(value.split())
        if not name:
            raise ValueError("empty name")
        if len(name) > _NAME_MAX:
            raise ValueError(f"longer than {_NAME_MAX} characters")
        return name

    @field_validator("start_urls")
    @classmethod
    def _unique_urls(cls, urls: list[str]) -> list[str]:
        return list(dict.fromkeys(urls))

    @field_validator("allowed_hosts")
    @classmethod
    def _hosts(cls, hosts: list[str] | None, info: ValidationInfo) -> list[str] | None:
        start_urls: list[str] | None = info.data.get("start_urls")
        if start_urls is None:
            return hosts  # start_urls has its own error; nothing to compare with
        start_hosts = [urlsplit(url).netloc for url in start_urls]
        if hosts is None:
            return list(dict.fromkeys(start_hosts))
        if not hosts:
            raise ValueError("empty list; leave the key out to allow the start URLs' hosts")
        allowed = set(hosts)
        for url, netloc in zip(start_urls, start_hosts, strict=True):
            # A bare host allows every port of it, host:port just that one (as the spider matches).
            if netloc not in allowed and (urlsplit(url).hostname or "") not in allowed:
                raise ValueError(f"does not include the host of start URL {url}")
        return list(dict.fromkeys(hosts))

    @field_validator("program_url_patterns")
    @classmethod
    def _some_patterns(cls, patterns: list[str] | None) -> list[str] | None:
        if patterns is not None and not patterns:
            raise ValueError("empty list; leave the key out to let every page be a program candidate")
        return patterns

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.strip().upper()
        if not _CURRENCY_SHAPE.match(code):
            raise ValueError(f"{value!r} is not an ISO 4217 code (three letters, e.g. 'GBP')")
        if code not in _known_currencies():
            raise ValueError(f"{code!r} is not a currency the catalog has exchange rates for (catalog/data/rates.csv)")
        return code

    def spider_config(self) -> dict[str, Any]:
        """The per-start-URL settings the `programs` spider takes in its `providers` argument."""
        return {
            "provider": self.name,
            "allowed_hosts": list(self.allowed_hosts or []),
            "program_url_patterns": list(self.program_url_patterns) if self.program_url_patterns else None,
            "max_pages": self.max_pages,
            "depth": self.depth,
            "currency": self.currency,
            "crawl_delay": self.crawl_delay,
        }


_FIELDS = tuple(Provider.model_fields)


@dataclass(frozen=True)
class RegistryError:
    """One problem of a registry file. `line` is 1-based (None when unknown), `key` the path
    of the offending value inside its entry (`start_urls[1]`, or "" for a whole entry or file),
    `index` the entry's position among the [[provider]] tables (None for the whole file)."""

    file: str
    line: int | None
    key: str
    reason: str
    provider: str | None = None
    index: int | None = None

    def __str__(self) -> str:
        parts = [f"{self.file}:{self.line}" if self.line else self.file]
        if self.index is not None:
            parts.append(f"[[{TABLE}]] {self.provider!r}" if self.provider else f"[[{TABLE}]] #{self.index + 1}")
        if self.key:
            parts.append(self.key)
        parts.append(_one_line(self.reason))
        return ": ".join(parts)


@dataclass
class Registry:
    """The valid providers (enabled or not, in file order) and the errors of the rest."""

    file: Path
    providers: list[Provider] = field(default_factory=list)
    errors: list[RegistryError] = field(default_factory=list)

    @property
    def enabled(self) -> list[Provider]:
        return [p for p in self.providers if p.enabled]

    def find(self, name: str) -> Provider | None:
        """The provider called `name` (case and spacing ignored), or None."""
        key = _name_key(name)
        return next((p for p in self.providers if _name_key(p.name) == key), None)


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


# --- line numbers -----------------------------------------------------------------------------------


_ARRAY_HEADER = re.compile(rf"^\s*\[\[\s*(?:{TABLE}|\"{TABLE}\"|'{TABLE}')\s*\]\]")
_ANY_HEADER = re.compile(r"^\s*\[")


class _Lines:
    """Where things are in the file's text: the [[provider]] headers in order, and key lines
    within an entry's span (from its header to the next table header)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[int] = [i for i, line in enumerate(self.lines) if _ARRAY_HEADER.match(line)]

    def _span(self, index: int | None) -> tuple[int, int]:
        if index is None or index >= len(self.headers):
            # Top level: up to the first table header.
            end = next((i for i, line in enumerate(self.lines) if _ANY_HEADER.match(line)), len(self.lines))
            return 0, end
        start = self.headers[index]
        end = next(
            (i for i in range(start + 1, len(self.lines)) if _ANY_HEADER.match(self.lines[i])), len(self.lines)
        )
        return start, end

    def entry(self, index: int) -> int | None:
        return self.headers[index] + 1 if index < len(self.headers) else None

    def key(self, index: int | None, key: str) -> int | None:
        """Line of `key = ...` inside the entry (or at top level: also a `[key]` table header),
        else the entry's header line."""
        name = rf"(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')"
        pattern = re.compile(rf"^\s*{name}\s*=")
        start, end = self._span(index)
        for i in range(start, end):
            if pattern.match(self.lines[i]):
                return i + 1
        if index is not None:
            return self.entry(index)
        header = re.compile(rf"^\s*\[\[?\s*{name}\s*[.\]]")
        return next((i + 1 for i, line in enumerate(self.lines) if header.match(line)), None)


# --- loading ------------------------------------------------------------------------------------------


def _key_path(loc: Iterable[Any]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _reason(error: Mapping[str, Any]) -> str:
    kind = error.get("type")
    loc = error.get("loc") or ()
    if kind == "extra_forbidden" and loc:
        unknown = str(loc[0])
        close = difflib.get_close_matches(unknown, _FIELDS, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(_FIELDS)}"
        return f"unknown key ({hint})"
    if kind == "missing":
        return "required key is missing"
    message = str(error.get("msg") or "invalid value").removeprefix("Value error, ")
    if kind != "value_error" and "input" in error and not isinstance(error["input"], dict | list):
        message += f" (got {error['input']!r})"  # a type or range error: show what was written
    return message


def _entry_errors(
    file: str, lines: _Lines, index: int, entry: Any, name: str | None, exc: ValidationError
) -> list[RegistryError]:
    errors = []
    for error in exc.errors():
        loc = tuple(error.get("loc") or ())
        key = _key_path(loc)
        line = lines.key(index, str(loc[0])) if loc else lines.entry(index)
        errors.append(RegistryError(file, line, key, _reason(error), name, index))
    return sorted(errors, key=lambda e: e.line or 0)


def _entry_name(entry: Any) -> str | None:
    name = entry.get("name") if isinstance(entry, dict) else None
    return (" ".join(name.split()) or None) if isinstance(name, str) else None


def load_registry(path: Path | str) -> Registry:
    """Read and validate the registry at `path`.

    Never raises for the file's content: an unreadable file or a TOML syntax error is one
    error for the whole file (with tomllib's line), each bad entry one or more errors, a
    duplicate provider name or start URL an error of the later entry; the valid entries
    are in `providers`, in file order.
    """
    path = Path(path)
    file = str(path)
    registry = Registry(file=path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        registry.errors.append(RegistryError(file, None, "", "no such file"))
        return registry
    except IsADirectoryError:
        registry.errors.append(RegistryError(file, None, "", "is a directory, not a registry file"))
        return registry
    except UnicodeDecodeError as e:
        registry.errors.append(RegistryError(file, None, "", f"not UTF-8 text ({e.reason} at byte {e.start})"))
        return registry
    except OSError as e:
        registry.errors.append(RegistryError(file, None, "", f"cannot read: {e.strerror or e}"))
        return registry
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        message = str(e)
        match = _TOML_POSITION.search(message)
        line = int(match.group(1)) if match else None
        reason = _TOML_POSITION.sub("", message).strip()
        if match:
            reason += f" (column {match.group(2)})"
        elif _TOML_AT_END in message:  # an unclosed array or string: the file's last line
            line = max(1, len(text.splitlines()))
            reason = message.replace(_TOML_AT_END, " at the end of the file")
        registry.errors.append(RegistryError(file, line, "", f"TOML syntax error: {reason}"))
        return registry

    lines = _Lines(text)
    for key in document:
        if key != TABLE:
            close = difflib.get_close_matches(key, [TABLE], n=1)
            hint = f"did you mean [[{TABLE}]]?" if close else f"the registry holds only [[{TABLE}]] tables"
            registry.errors.append(RegistryError(file, lines.key(None, key), key, f"unknown top-level key ({hint})"))
    entries = document.get(TABLE)
    if entries is None:
        if not registry.errors:
            registry.errors.append(RegistryError(file, None, "", f"no [[{TABLE}]] entries"))
        return registry
    if not isinstance(entries, list):
        line = lines.key(None, TABLE)
        registry.errors.append(
            RegistryError(file, line, TABLE, f"must be an array of tables: write each entry as [[{TABLE}]]")
        )
        return registry

    names: dict[str, int] = {}  # name key -> line of the entry that has it
    urls: dict[str, str] = {}  # start URL -> name of the provider that lists it
    for index, entry in enumerate(entries):
        name = _entry_name(entry)
        if not isinstance(entry, dict):
            registry.errors.append(
                RegistryError(file, lines.entry(index), "", "must be a table of keys", None, index)
            )
            continue
        try:
            provider = Provider.model_validate(entry)
        except ValidationError as e:
            registry.errors.extend(_entry_errors(file, lines, index, entry, name, e))
            continue
        key = _name_key(provider.name)
        if key in names:
            first = names[key]
            where = f" (first at line {first})" if first else ""
            registry.errors.append(
                RegistryError(file, lines.key(index, "name"), "name", f"duplicate provider name{where}",
                              provider.name, index)
            )
            continue
        clash = next((url for url in provider.start_urls if url in urls), None)
        if clash is not None:
            registry.errors.append(
                RegistryError(file, lines.key(index, "start_urls"), "start_urls",
                              f"{clash} is already a start URL of provider {urls[clash]!r}", provider.name, index)
            )
            continue
        names[key] = lines.entry(index) or 0
        urls.update(dict.fromkeys(provider.start_urls, provider.name))
        registry.providers.append(provider)
    return registry
