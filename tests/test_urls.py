"""Canonicalisation rules of scrapers.urls: table-driven cases plus property tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrapers.urls import (
    canonicalize,
    has_denied_extension,
    is_http_url,
    is_tracking_param,
    url_netloc,
    url_origin,
)

CASES: list[tuple[str, str]] = [
    # tracking parameters and fragments fold onto the plain page
    ("http://h.test/page.html?ref=footer", "http://h.test/page.html"),
    ("http://h.test/page.html#fees", "http://h.test/page.html"),
    ("http://h.test/page.html?utm_source=x&utm_medium=y#top", "http://h.test/page.html"),
    ("http://h.test/p?id=3&utm_campaign=z", "http://h.test/p?id=3"),
    ("http://h.test/p?fbclid=abc", "http://h.test/p"),
    ("http://h.test/p?gclid=1&mc_cid=2&mc_eid=3&_ga=4&q=x", "http://h.test/p?q=x"),
    ("http://h.test/p?UTM_SOURCE=x", "http://h.test/p"),
    ("http://h.test/p?ref=", "http://h.test/p"),
    ("http://h.test/p?utm_%73ource=x", "http://h.test/p"),  # percent-encoded name
    # session ids: a new one per visit would make every page new forever
    ("http://h.test/p;jsessionid=1", "http://h.test/p"),
    ("http://h.test/a;JSESSIONID=0A1B/b.html?x=1", "http://h.test/a/b.html?x=1"),
    ("http://h.test/p?PHPSESSID=9f8e&page=2", "http://h.test/p?page=2"),
    ("http://h.test/p?sid=0123456789abcdef0123&id=4", "http://h.test/p?id=4"),
    # w3lib canonical form: case of scheme/host, sorted query, dot segments, empty path
    ("HTTP://Example.COM/Path/Page.html", "http://example.com/Path/Page.html"),
    ("http://h.test/p?b=2&a=1", "http://h.test/p?a=1&b=2"),
    ("http://h.test/a/./b/../c.html", "http://h.test/a/c.html"),
    ("http://example.com", "http://example.com/"),
    ("http://h.test/café", "http://h.test/caf%C3%A9"),
    ("  http://h.test/p\n", "http://h.test/p"),
    # default ports are dropped, others kept
    ("http://example.com:80/", "http://example.com/"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("http://127.0.0.1:8080/a", "http://127.0.0.1:8080/a"),
    ("https://example.com:80/", "https://example.com:80/"),
    # index files fold onto the directory
    ("http://h.test/dir/index.html", "http://h.test/dir/"),
    ("http://h.test/index.htm", "http://h.test/"),
    ("http://h.test/dir/index.html?page=2", "http://h.test/dir/?page=2"),
    ("http://h.test/dir/index.html#section", "http://h.test/dir/"),
    # must not change
    ("http://h.test/programs/medical-elective.html", "http://h.test/programs/medical-elective.html"),
    ("http://h.test/dir/index.php", "http://h.test/dir/index.php"),
    ("http://h.test/dir/myindex.html", "http://h.test/dir/myindex.html"),
    ("http://h.test/Index.html", "http://h.test/Index.html"),
    ("http://h.test/index.html/", "http://h.test/index.html/"),
    ("http://h.test/p?referrer=x", "http://h.test/p?referrer=x"),
    ("http://h.test/p?utm=x", "http://h.test/p?utm=x"),
    ("http://h.test/p?page=2&sort=fee", "http://h.test/p?page=2&sort=fee"),
    ("http://h.test/p?q=a+b", "http://h.test/p?q=a+b"),
    ("http://h.test/caf%C3%A9", "http://h.test/caf%C3%A9"),
    ("http://h.test/p;v=1", "http://h.test/p;v=1"),  # path parameters other than a session id
    ("http://h.test/p?sid=3", "http://h.test/p?sid=3"),  # a short sid may select content
    ("https://h.test/dir/", "https://h.test/dir/"),
    ("http://[::1]:8080/x", "http://[::1]:8080/x"),
]


@pytest.mark.parametrize(("url", "expected"), CASES)
def test_canonicalize(url: str, expected: str) -> None:
    assert canonicalize(url) == expected


def test_enough_cases() -> None:
    assert len(CASES) >= 20
    assert sum(1 for url, expected in CASES if url == expected) >= 8  # must-not-change cases


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://h.test/dir/index.html", "http://h.test/dir/index.html"),
        ("http://h.test/dir/index.html?utm_source=x#f", "http://h.test/dir/index.html"),
    ],
)
def test_canonicalize_without_index_folding(url: str, expected: str) -> None:
    assert canonicalize(url, fold_index=False) == expected


@pytest.mark.parametrize("url", ["mailto:info@h.test", "javascript:void(0)", "/relative/path", "", "http://"])
def test_non_http_input_is_returned_not_raised(url: str) -> None:
    assert isinstance(canonicalize(url), str)


def test_origin_and_netloc() -> None:
    assert url_origin("HTTP://Example.com:80/a/b?c=1") == "http://example.com"
    assert url_origin("http://127.0.0.1:8001/x") == "http://127.0.0.1:8001"
    assert url_netloc("https://Example.com:443/") == "example.com"
    assert url_netloc("http://127.0.0.1:8001/") == "127.0.0.1:8001"


@pytest.mark.parametrize(
    ("url", "denied"),
    [
        ("http://h.test/brochure.pdf", True),
        ("http://h.test/BROCHURE.PDF", True),
        ("http://h.test/photos/team.jpeg?w=200", True),
        ("http://h.test/archive.tar.gz", True),
        ("http://h.test/assets/site.css", True),
        ("http://h.test/page.html", False),
        ("http://h.test/dir/", False),
        ("http://h.test/fees.txt", False),  # not in LinkExtractor's list: checked by Content-Type
        ("http://h.test/get?file=x.pdf", False),  # only the path counts
    ],
)
def test_denied_extensions(url: str, denied: bool) -> None:
    assert has_denied_extension(url) is denied


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("http://h.test/", True),
        ("HTTPS://h.test", True),
        ("ftp://h.test/", False),
        ("mailto:a@h.test", False),
        ("http:///nohost", False),
        ("//h.test/p", False),
        ("http://[::1", False),
    ],
)
def test_is_http_url(url: str, ok: bool) -> None:
    assert is_http_url(url) is ok


@pytest.mark.parametrize(
    ("name", "tracking"),
    [
        ("utm_source", True), ("UTM_Campaign", True), ("ref", True), ("_ga", True),
        ("referrer", False), ("id", False),
    ],
)
def test_is_tracking_param(name: str, tracking: bool) -> None:
    assert is_tracking_param(name) is tracking


# --- properties ---------------------------------------------------------------------

_segment = st.one_of(
    st.sampled_from(["index.html", "index.htm", ".", "..", "", "a b", "%7E", "%2F", "caf\u00e9", "x;y=1"]),
    st.text(alphabet="abcXYZ019-._~%!$&'()*+,;=:@", max_size=8),
)
_key = st.one_of(
    st.sampled_from(["utm_source", "UTM_MEDIUM", "ref", "fbclid", "gclid", "_ga", "id", "page", "q", ""]),
    st.text(alphabet="abcXYZ_%+", max_size=6),
)
_value = st.text(alphabet="abc123 +%=&/?#\u00e9", max_size=6)


@st.composite
def urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "Https"]))
    host = draw(
        st.sampled_from(["example.com", "EXAMPLE.org", "127.0.0.1", "[::1]", "b\u00fccher.de", "h.test"])
    )
    port = draw(st.sampled_from(["", ":80", ":443", ":8080", ":"]))
    path = "/".join(draw(st.lists(_segment, max_size=5)))
    pairs = draw(st.lists(st.tuples(_key, _value), max_size=4))
    query = "&".join(f"{k}={v}" for k, v in pairs)
    fragment = draw(st.sampled_from(["", "#", "#fees", "#a?b=c"]))
    return f"{scheme}://{host}{port}/{path}" + (f"?{query}" if query else "") + fragment


@settings(max_examples=400, deadline=None)
@given(urls())
def test_canonicalize_is_idempotent(url: str) -> None:
    once = canonicalize(url)
    assert canonicalize(once) == once
    assert "#" not in once
    pairs = [pair for pair in once.partition("?")[2].split("&") if pair]
    assert not any(is_tracking_param(pair.split("=", 1)[0]) for pair in pairs)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_canonicalize_never_raises(tail: str) -> None:
    for url in (tail, "http://" + tail, "https://h.test/" + tail):
        result = canonicalize(url)
        assert isinstance(result, str)
        assert canonicalize(result) == result
