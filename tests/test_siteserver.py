"""catalog.siteserver: the loopback static-site server used by tests, demos and the eval."""

from __future__ import annotations

import email.utils
import http.client
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from catalog.siteserver import serve_sites

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def root(tmp_path: Path) -> Path:
    site = tmp_path / "root" / "sites" / "alpha"
    (site / "dir").mkdir(parents=True)
    (site / "index.html").write_bytes(b'<a href="http://SITE_ROOT/dir/">dir</a>')
    (site / "dir" / "index.html").write_bytes(b"<h1>dir</h1>")
    (site / "robots.txt").write_bytes(b"Sitemap: http://SITE_ROOT/sitemap.xml\n")
    (site / "sitemap.xml").write_bytes(b"<urlset><url><loc>http://SITE_ROOT/</loc></url></urlset>")
    (site / "old.html").write_bytes("caf\xe9".encode("cp1252"))
    (site / "empty").mkdir()
    (tmp_path / "root" / "sites" / "beta").mkdir()
    (tmp_path / "root" / "sites" / "beta" / "index.html").write_bytes(b"beta")
    (tmp_path / "root" / "secret.txt").write_bytes(b"outside the web root")
    (site / "escape").symlink_to(tmp_path / "root")
    return tmp_path / "root"


def get(origin: str, path: str, method: str = "GET", **headers: str) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(origin)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, path, headers=headers)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


@pytest.fixture
def alpha(root: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    log = tmp_path / "requests.jsonl"
    with serve_sites(root, only=["alpha"], log=log) as origins:
        assert list(origins) == ["alpha"]
        yield origins["alpha"], log


def test_each_site_gets_its_own_loopback_origin(root: Path) -> None:
    with serve_sites(root) as origins:
        assert sorted(origins) == ["alpha", "beta"]
        assert len(set(origins.values())) == 2
        assert all(o.startswith("http://127.0.0.1:") for o in origins.values())
        assert get(origins["beta"], "/")[2] == b"beta"


def test_placeholder_is_replaced_by_the_origin(alpha: tuple[str, Path]) -> None:
    origin, _ = alpha
    status, headers, body = get(origin, "/")
    assert status == 200 and body == f'<a href="{origin}/dir/">dir</a>'.encode()
    assert headers["content-length"] == str(len(body))
    assert get(origin, "/robots.txt")[2] == f"Sitemap: {origin}/sitemap.xml\n".encode()


@pytest.mark.parametrize(
    ("path", "ctype"),
    [("/", "text/html"), ("/robots.txt", "text/plain"), ("/sitemap.xml", "application/xml"),
     ("/old.html", "text/html")],
)
def test_content_type_from_mimetypes_without_charset(alpha: tuple[str, Path], path: str, ctype: str) -> None:
    assert get(alpha[0], path)[1]["content-type"] == ctype


def test_directories_serve_index_html_and_redirect_without_slash(alpha: tuple[str, Path]) -> None:
    origin, _ = alpha
    assert get(origin, "/dir/")[2] == b"<h1>dir</h1>"
    status, headers, _ = get(origin, "/dir?x=1")
    assert status == 301 and headers["location"] == "/dir/?x=1"
    assert get(origin, "/empty/")[0] == 404  # no index.html, no listing


@pytest.mark.parametrize(
    "path",
    ["/missing.html", "/../secret.txt", "/%2e%2e/secret.txt", "/dir/../../secret.txt", "/escape/secret.txt",
     "/%00", "/%ff"],
)
def test_404_and_no_escape_from_the_web_root(alpha: tuple[str, Path], path: str) -> None:
    status, _, body = get(alpha[0], path)
    assert status == 404
    assert b"outside the web root" not in body


def test_validators_and_conditional_requests(alpha: tuple[str, Path]) -> None:
    origin, _ = alpha
    status, headers, _ = get(origin, "/")
    etag, last_modified = headers["etag"], headers["last-modified"]
    assert status == 200 and etag.startswith('"') and email.utils.parsedate_to_datetime(last_modified)
    assert get(origin, "/", **{"If-None-Match": etag})[0] == 304
    assert get(origin, "/", **{"If-None-Match": f'"other", W/{etag}'})[0] == 304
    assert get(origin, "/", **{"If-None-Match": '"other"'})[0] == 200
    assert get(origin, "/", **{"If-Modified-Since": last_modified})[0] == 304
    assert get(origin, "/", **{"If-Modified-Since": "Mon, 01 Jan 1990 00:00:00 GMT"})[0] == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110)
    assert get(origin, "/", **{"If-None-Match": '"other"', "If-Modified-Since": last_modified})[0] == 200


def test_head_sends_headers_only(alpha: tuple[str, Path]) -> None:
    status, headers, body = get(alpha[0], "/dir/", method="HEAD")
    assert status == 200 and body == b"" and headers["content-length"] == "12"


def test_request_log(alpha: tuple[str, Path]) -> None:
    origin, log = alpha
    get(origin, "/", **{"User-Agent": "internscope-test"})
    get(origin, "/nope")
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert entries[0] == {"site": "alpha", "method": "GET", "path": "/", "status": 200,
                          "bytes": len(get(origin, "/")[2]), "ua": "internscope-test"}
    assert entries[1]["status"] == 404 and entries[1]["bytes"] == 0


def test_servers_stop_when_the_block_exits(root: Path) -> None:
    with serve_sites(root, only=["beta"]) as origins:
        origin = origins["beta"]
    with pytest.raises(ConnectionRefusedError):
        get(origin, "/")


def test_bad_arguments(root: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="gamma"), serve_sites(root, only=["gamma"]):
        pass
    with pytest.raises(FileNotFoundError), serve_sites(tmp_path / "nowhere"):
        pass


def test_command_line_prints_origins_then_ready(root: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "catalog.siteserver", str(root), "--only", "beta"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert proc.stdout is not None
        first = json.loads(proc.stdout.readline())
        assert proc.stdout.readline().strip() == "ready"
        assert first["site"] == "beta"
        assert get(first["origin"], "/")[2] == b"beta"
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert err == ""  # quiet: no request logging on stderr
