"""URL canonicalisation for the crawl frontier and the page item's `url`.

One canonical form per page means one request per page: the spider canonicalises
every link before it asks for it, so `page.html?ref=footer`, `page.html#fees` and
`PAGE.html`'s host-case variants all become the same request and the scheduler's
dupefilter (which fingerprints the request URL) folds them.

The rules, in order:
1. w3lib's `canonicalize_url`: safe percent-encoding, lower-case scheme and host,
   sorted query arguments, dot segments resolved, fragment dropped.
2. The default port of the scheme is dropped (`http://h:80/` is `http://h/`).
3. Tracking parameters are dropped: `utm_*`, `ref`, `fbclid`, `gclid`, `mc_cid`,
   `mc_eid`, `_ga`. They never select content, they only say where a click came from.
   So are session ids, which servers that do not get a cookie put in every link (a new one
   per visit, so each page would be "new" forever): the query parameters `jsessionid`,
   `phpsessid`, `aspsessionid`, `sessionid`, `session_id`, `sessid`, and `sid` when its value
   looks like a token (16+ letters and digits: a short `sid=3` may select content), and the
   `;jsessionid=...` path parameter of Java servlets.
4. A trailing `index.html` / `index.htm` path segment is dropped, so `/dir/` and
   `/dir/index.html` are one page (static servers serve the index file for the
   directory). The spider keeps the unfolded URL as a fallback for servers that do
   not, see `scrapers.spiders.base`.

`canonicalize` never raises: a URL w3lib cannot parse is returned stripped, so a
single malformed href on a page cannot break the crawl of that page.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.utils.url import url_has_any_extension
from w3lib.html import strip_html5_whitespace
from w3lib.url import canonicalize_url

__all__ = [
    "DENY_EXTENSIONS",
    "TRACKING_PARAMS",
    "canonicalize",
    "has_denied_extension",
    "is_http_url",
    "is_tracking_param",
    "url_netloc",
    "url_origin",
]

HTTP_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": "80", "https": "443"}

# Exact names (compared case-insensitively after percent-decoding) plus the utm_ prefix.
TRACKING_PARAMS = frozenset({"ref", "fbclid", "gclid", "mc_cid", "mc_eid", "_ga"})
TRACKING_PREFIXES = ("utm_",)

# Session ids (compared like tracking parameters); `sid` only with a token-like value.
SESSION_PARAMS = frozenset({"jsessionid", "phpsessid", "aspsessionid", "sessionid", "session_id", "sessid"})
_SESSION_TOKEN = re.compile(r"[0-9A-Za-z_-]{16,}")
_PATH_SESSION = re.compile(r";jsessionid=[^/;?#]*", re.IGNORECASE)

INDEX_FILES = ("index.html", "index.htm")

# The same deny list LinkExtractor uses, so "cheap" link reading keeps its semantics:
# links to archives, images, media, office documents, PDFs, CSS and JS are never requested.
DENY_EXTENSIONS = frozenset("." + ext for ext in IGNORED_EXTENSIONS)
# str.endswith takes a tuple: one C call instead of url_has_any_extension's Python loop
# over ~90 extensions (same test: the lower-cased path ends with one of them).
_DENY_SUFFIXES = tuple(sorted(DENY_EXTENSIONS))


def is_tracking_param(name: str) -> bool:
    """True for query parameter names that only carry click-tracking data."""
    key = unquote_plus(name).strip().lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _is_session_pair(name: str, value: str) -> bool:
    key = unquote_plus(name).strip().lower()
    if key in SESSION_PARAMS:
        return True
    return key == "sid" and bool(_SESSION_TOKEN.fullmatch(unquote_plus(value)))


def _drop_tracking(query: str) -> str:
    if not query:
        return query
    # canonicalize_url has already sorted and re-encoded the pairs; filtering the raw
    # pairs (instead of parse_qsl + urlencode) keeps that exact encoding, which keeps
    # the function idempotent.
    kept = []
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if pair and not is_tracking_param(name) and not _is_session_pair(name, value):
            kept.append(pair)
    return "&".join(kept)


def _drop_default_port(scheme: str, netloc: str) -> str:
    default = DEFAULT_PORTS.get(scheme)
    if default and netloc.endswith(":" + default):
        return netloc[: -len(default) - 1]
    # "http://h:/" has an empty port, which means the default one
    return netloc.removesuffix(":")


def _fold_index(path: str) -> str:
    head, sep, last = path.rpartition("/")
    if sep and last in INDEX_FILES:
        return head + "/"
    return path


def canonicalize(url: str, *, fold_index: bool = True) -> str:
    """Return the canonical form of an absolute URL (see the module docstring).

    `fold_index=False` keeps a trailing `index.html`; the spider uses it for the one
    case where a server does not serve the directory form.
    """
    url = strip_html5_whitespace(url)
    try:
        canon = canonicalize_url(url)
        parts = urlsplit(canon)
    except (ValueError, UnicodeError):
        return url
    scheme = parts.scheme.lower()
    if scheme not in HTTP_SCHEMES or not parts.netloc:
        # mailto:, javascript:, relative or host-less URLs: nothing more to normalise
        return canon
    netloc = _drop_default_port(scheme, parts.netloc)
    path = _PATH_SESSION.sub("", parts.path) if ";" in parts.path else parts.path
    path = _fold_index(path) if fold_index else path
    return urlunsplit((scheme, netloc, path or "/", _drop_tracking(parts.query), ""))


def is_http_url(url: str) -> bool:
    """True for absolute http(s) URLs with a host."""
    try:
        parts = urlsplit(strip_html5_whitespace(url))
    except ValueError:
        return False
    return parts.scheme.lower() in HTTP_SCHEMES and bool(parts.hostname)


def url_netloc(url: str) -> str:
    """Host (and non-default port) of a URL, in canonical form: the unit of 'same host'."""
    return urlsplit(canonicalize(url)).netloc


def url_origin(url: str) -> str:
    """`scheme://host[:port]` of a URL, in canonical form (the page item's `site`)."""
    parts = urlsplit(canonicalize(url))
    return f"{parts.scheme}://{parts.netloc}"


def has_denied_extension(url: str) -> bool:
    """True when the URL path ends with an extension LinkExtractor would not follow
    (scrapy.utils.url.url_has_any_extension with LinkExtractor's IGNORED_EXTENSIONS)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return url_has_any_extension(url, DENY_EXTENSIONS)
    return path.lower().endswith(_DENY_SUFFIXES)
