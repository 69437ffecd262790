"""The hostile provider site: a few good program pages among every trap the crawler must survive.

`HostileSite` starts four servers:

* `main` (127.0.0.1): the provider. Its home page links to every good program page and every
  trap; robots.txt and sitemap.xml also point off-site;
* `other_host` (127.0.0.2), `other_port` (127.0.0.1, another port: another origin to the spider,
  which keys a site by host and port) and `ipv6` ([::1], when the machine has IPv6 loopback):
  targets the crawler must never reach. Each serves a tempting program page on every path, so a
  request that got through would also show up as a program in the catalog.

The main site's own routes are listed in `CASES` (path -> what it does); `GOOD` are the paths of
the program pages a crawl must catalog. `TIMEOUT_S` is the DOWNLOAD_TIMEOUT the tests crawl with:
the slow and hung routes stall past it (bounded, see tests/hostile/server.py).
"""

from __future__ import annotations

import gzip
import random
import zlib
from dataclasses import dataclass, field
from typing import Self

from hostile.server import Exchange, HostileServer, Route, ipv6_loopback_available

__all__ = ["GOOD", "TIMEOUT_S", "HostileSite", "program_page"]

TIMEOUT_S = 1.5
MB = 1024 * 1024


def program_page(title: str, town: str, country: str, field_: str, price: str, weeks: int, *,
                 charset: str | None = "utf-8", links: str = "") -> str:
    """A small, realistic program page (heading, supervised activities, a fee table, duration,
    inclusions, visa and insurance) that the extractors catalog as a program."""
    meta = f'<meta charset="{charset}">' if charset else ""
    return f"""<!DOCTYPE html><html lang="en"><head>{meta}<title>{title} | Harrier Health Placements</title></head>
<body><header><a href="/">Harrier Health Placements</a> <nav><a href="/programs/">Programs</a></nav></header>
<main><h1>{title}</h1>
<p>{field_} placement at the district hospital in {town}, {country}.</p>
<h2>Your week</h2>
<p>You observe ward rounds and outpatient clinics with the hospital's staff. You are supervised by licensed
doctors and registered nurses of the hospital, who review your logbook every week.</p>
<h2>Prices</h2>
<table><tr><td>{weeks} weeks</td><td>{price}</td></tr><tr><td>Each additional week</td><td>USD 300</td></tr></table>
<p>Placements last from {weeks} to 8 weeks and start on any Monday.</p>
<p>Included: shared accommodation, airport pick-up, orientation and breakfast. Not included: flights, insurance
and visa fees.</p>
<h2>Visa and safety</h2><p>You need a visitor visa; our invitation letter says you come as an unpaid student.
Travel insurance with medical cover is compulsory.</p>{links}
</main><footer>&copy; 2025 Harrier Health Placements Ltd</footer></body></html>"""


# The program pages a crawl must catalog, and how each is reached.
GOOD: dict[str, str] = {
    "/programs/ghana-medical-elective.html": "linked from the home page",
    "/programs/nepal-nursing-placement.html": "two clicks deep, through /programs/",
    "/programs/tanzania-midwifery.html": "only through a redirect (/go/tanzania)",
    "/programs/peru-dental-elective.html": "answers 500 first, then the page (retry)",
    "/programs/cambodia-physiotherapy.html": "answers 429 with Retry-After: 1 first, then the page",
    "/programs/kenya-public-health.html": "gzip-encoded, windows-1252 bytes and no charset anywhere",
    "/programs/bolivia-medical-elective.html": "announced as UTF-8 but sent in windows-1252",
}

_PAGES: dict[str, tuple[str, str, str, str, str, int]] = {
    "/programs/ghana-medical-elective.html": ("Medical Elective in Kumasi, Ghana", "Kumasi", "Ghana", "Medicine",
                                              "$1,450", 2),
    "/programs/nepal-nursing-placement.html": ("Nursing Placement in Pokhara, Nepal", "Pokhara", "Nepal", "Nursing",
                                               "€1,290", 3),
    "/programs/tanzania-midwifery.html": ("Midwifery Placement in Moshi, Tanzania", "Moshi", "Tanzania", "Midwifery",
                                          "$1,600", 4),
    "/programs/peru-dental-elective.html": ("Dental Elective in Cusco, Peru", "Cusco", "Peru", "Dentistry",
                                            "$1,150", 2),
    "/programs/cambodia-physiotherapy.html": ("Physiotherapy Placement in Battambang, Cambodia", "Battambang",
                                              "Cambodia", "Physiotherapy", "$1,380", 3),
    "/programs/kenya-public-health.html": ("Public Health Placement in Kisumu, Kenya", "Kisumu", "Kenya",
                                           "Public health", "€1,240", 2),
    "/programs/bolivia-medical-elective.html": ("Medical Elective in Sucre, Bolivia", "Sucre", "Bolivia", "Medicine",
                                                "USD 1,320", 2),
}

# Addresses and names a provider's links and redirects point at that must never be fetched
# (besides the three recording servers).
UNREACHABLE_TARGETS = {
    "metadata": "http://169.254.169.254/latest/meta-data/",
    "private-10": "http://10.0.0.1/admin",
    "private-192": "http://192.168.1.1/",
    "unspecified": "http://0.0.0.0:{port}/",
    "decimal-ip": "http://2130706433:{port}/",
    "invalid-name": "http://intranet.invalid/",
}
SCHEME_TARGETS = {
    "file": "file:///etc/passwd",
    "ftp": "ftp://127.0.0.1/",
    "javascript": "javascript:alert(1)",
    "data": "data:text/html,<h1>Program fees $1</h1>",
    "gopher": "gopher://127.0.0.1:6379/_INFO",
}


def _html(body: str, title: str = "Harrier Health Placements") -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>"


def _calendar(ex: Exchange) -> None:
    """/calendar/Y/M/ links the months around it and its days; /calendar/Y/M/D/ the days around it.
    Endless in both directions."""
    parts = [int(p) for p in ex.path.strip("/").split("/")[1:] if p.isdigit()]
    if len(parts) == 2:
        y, m = parts
        prev_m = (y - 1, 12) if m == 1 else (y, m - 1)
        next_m = (y + 1, 1) if m == 12 else (y, m + 1)
        links = [f"/calendar/{prev_m[0]}/{prev_m[1]:02d}/", f"/calendar/{next_m[0]}/{next_m[1]:02d}/"]
        links += [f"/calendar/{y}/{m:02d}/{d:02d}/" for d in range(1, 29)]
    elif len(parts) == 3:
        y, m, d = parts
        nd = (y, m, d + 1) if d < 28 else ((y, m + 1, 1) if m < 12 else (y + 1, 1, 1))
        pd = (y, m, d - 1) if d > 1 else ((y, m - 1, 28) if m > 1 else (y - 1, 12, 28))
        links = [f"/calendar/{a}/{b:02d}/{c:02d}/" for a, b, c in (pd, nd)] + [f"/calendar/{y}/{m:02d}/"]
    else:
        links = ["/calendar/2026/01/"]
    ex.send(200, _html(" ".join(f'<a href="{u}">{u}</a>' for u in links), "Events calendar"))


def _session(ex: Exchange) -> None:
    """Every answer links back with fresh session ids, in the query and as a path parameter."""
    token = f"{random.getrandbits(128):032x}"
    links = [
        f"/session/?sid={token}",
        f"/session/list;jsessionid={token.upper()}",
        f"/session/item?PHPSESSID={token}&n={ex.nth % 3}",
    ]
    ex.send(200, _html(" ".join(f'<a href="{u}">x</a>' for u in links), "Members area"))


def _loop(ex: Exchange) -> None:
    ex.send(200, _html('<a href="again/">again</a>', "Loop"))


def _chain(ex: Exchange) -> None:
    n = int(ex.path.rstrip("/").rsplit("/", 1)[-1] or 0)
    ex.redirect(f"/redirect/chain/{n + 1}")


def _flaky(path: str, first: int, headers: dict[str, str] | None = None) -> Route:
    def route(ex: Exchange) -> None:
        if ex.nth == 1:
            ex.send(first, _html("<p>Try again later</p>"), headers=headers)
        else:
            ex.send(200, program_page(*_PAGES[path]))
    return route


def _huge(ex: Exchange) -> None:
    # Announced in Content-Length: refused before the body is read.
    ex.start(200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(20 * MB)})
    chunk = b"<p>" + b"x" * 65536 + b"</p>\n"
    for _ in range(20 * MB // len(chunk) + 1):
        if not ex.write(chunk):
            return


def _huge_stream(ex: Exchange) -> None:
    # No Content-Length (HTTP/1.0, ends at close): refused once 10 MB have arrived.
    ex.start(200, {"Content-Type": "text/html; charset=utf-8"})
    chunk = b"<p>" + b"y" * 65536 + b"</p>\n"
    for _ in range(20 * MB // len(chunk) + 1):
        if not ex.write(chunk):
            return


_BOMB = gzip.compress(b"<html><body>" + b"\0" * (64 * MB), compresslevel=9)


def _bomb(ex: Exchange) -> None:
    ex.send(200, _BOMB, headers={"Content-Encoding": "gzip"})


def _slow(ex: Exchange) -> None:
    ex.hold(TIMEOUT_S * 3)
    ex.send(200, _html("<p>Too late</p>"))


def _hung(ex: Exchange) -> None:
    ex.hold()  # accepted, request read, never answered


def _stall_body(ex: Exchange) -> None:
    ex.start(200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": "100000"})
    ex.write(b"<html><body><p>The first bytes of a page that never finishes")
    ex.hold()


def _truncated_transfer(ex: Exchange) -> None:
    ex.send(200, b"<html><body><h1>Fees</h1><p>Only the first", length=50_000)
    ex.drop()


def _binary_as_html(ex: Exchange) -> None:
    ex.send(200, random.Random(7).randbytes(64 * 1024))


def _nul_page(ex: Exchange) -> None:
    ex.send(200, b"<html><body>\0\0<h1>Fees\0</h1><p>\0$1,000\0 per week</p>\0</body></html>")


def _deep(ex: Exchange) -> None:
    depth = 20_000
    ex.send(200, "<html><body>" + "<div><span>" * depth + "deep" + "</span></div>" * depth + "</body></html>")


def _malformed(ex: Exchange) -> None:
    ex.send(200, "<html><body><<h1>>Fees</h2><p <p>$1,200 <table><tr><td>2 weeks<td><b><i>$900</b></i>"
                 "</tr></p></table><a href=>x</a><a href='/programs/ghana-medical-elective.html'><!-- unclosed")


def _truncated_html(ex: Exchange) -> None:
    ex.send(200, "<!DOCTYPE html><html><head><title>Cut</title></head><body><h1>Medical Elective</h1><p>Fees: $1,")


def _kenya(ex: Exchange) -> None:
    page = program_page(*_PAGES["/programs/kenya-public-health.html"], charset=None)
    ex.send(200, gzip.compress(page.encode("cp1252")), content_type="text/html",
            headers={"Content-Encoding": "gzip"})


def _bolivia(ex: Exchange) -> None:
    page = program_page(*_PAGES["/programs/bolivia-medical-elective.html"], charset=None)
    page = page.replace("Sucre, Bolivia.", "Sucre, Bolivia (Chuquisaca, near the café district).")
    ex.send(200, page.encode("cp1252"), content_type="text/html; charset=utf-8")


def _deflate_page(ex: Exchange) -> None:
    ex.send(200, zlib.compress(_html("<p>About us: a small team in Leeds.</p>").encode()),
            headers={"Content-Encoding": "deflate"})


@dataclass
class HostileSite:
    """The four servers of the hostile site (see the module docstring)."""

    main: HostileServer = field(default_factory=lambda: HostileServer("127.0.0.1", "main"))
    other_host: HostileServer = field(default_factory=lambda: HostileServer("127.0.0.2", "other-host"))
    other_port: HostileServer = field(default_factory=lambda: HostileServer("127.0.0.1", "other-port"))
    ipv6: HostileServer | None = field(
        default_factory=lambda: HostileServer("::1", "ipv6") if ipv6_loopback_available() else None
    )

    def __post_init__(self) -> None:
        for server in self.forbidden:
            server.add("*", lambda ex: ex.send(200, program_page(
                "Medical Elective in Gulu, Uganda", "Gulu", "Uganda", "Medicine", "$999", 2)))
        self._routes()

    @property
    def forbidden(self) -> list[HostileServer]:
        return [s for s in (self.other_host, self.other_port, self.ipv6) if s is not None]

    @property
    def origin(self) -> str:
        return self.main.origin

    def offsite_targets(self) -> dict[str, str]:
        """Name -> URL of every target off the provider's site (recording servers included)."""
        port = self.main.port
        targets = {name: url.format(port=port) for name, url in UNREACHABLE_TARGETS.items()}
        targets["other-host"] = self.other_host.url("/stolen")
        targets["other-port"] = self.other_port.url("/stolen")
        targets["localhost"] = f"http://localhost:{port}/stolen"
        if self.ipv6 is not None:
            targets["ipv6"] = self.ipv6.url("/stolen")
        return targets

    def _routes(self) -> None:
        main = self.main
        add = main.add
        targets = self.offsite_targets()
        for path in ("/programs/ghana-medical-elective.html", "/programs/nepal-nursing-placement.html",
                     "/programs/tanzania-midwifery.html"):
            add(path, lambda ex, p=path: ex.send(200, program_page(*_PAGES[p])))
        add("/programs/", lambda ex: ex.send(200, _html(
            '<h1>Our programs</h1><a href="nepal-nursing-placement.html">Nepal</a>'
            '<a href="ghana-medical-elective.html">Ghana</a>')))
        add("/go/tanzania", lambda ex: ex.redirect("/programs/tanzania-midwifery.html", 301))
        add("/programs/peru-dental-elective.html", _flaky("/programs/peru-dental-elective.html", 500))
        add("/programs/cambodia-physiotherapy.html",
            _flaky("/programs/cambodia-physiotherapy.html", 429, {"Retry-After": "1"}))
        add("/programs/kenya-public-health.html", _kenya)
        add("/programs/bolivia-medical-elective.html", _bolivia)
        add("/about.html", _deflate_page)

        # redirects: loops, chains, and every forbidden kind of target
        add("/redirect/loop-a", lambda ex: ex.redirect("/redirect/loop-b"))
        add("/redirect/loop-b", lambda ex: ex.redirect("/redirect/loop-a"))
        add("/redirect/self", lambda ex: ex.redirect("/redirect/self", 301))
        add("/redirect/chain/*", _chain)
        for name, url in {**targets, **SCHEME_TARGETS}.items():
            add(f"/redirect/to/{name}", lambda ex, u=url: ex.redirect(u))
        add("/redirect/to/protocol-relative", lambda ex: ex.redirect(f"//{self.other_host.netloc}/stolen"))
        add("/redirect/to/malformed", lambda ex: ex.redirect("http://[::1"))

        # traps
        add("/calendar/*", _calendar)
        add("/session/*", _session)
        add("/loop/*", _loop)

        # size limits, time limits, retries
        add("/huge", _huge)
        add("/huge-stream", _huge_stream)
        add("/bomb", _bomb)
        add("/slow", _slow)
        add("/hung", _hung)
        add("/stall-body", _stall_body)
        add("/always-500", lambda ex: ex.send(500, _html("<p>Internal error</p>")))
        add("/rate-limited-long", lambda ex: ex.send(429, _html("<p>Slow down</p>"), headers={"Retry-After": "3600"}))

        # content
        add("/brochure", lambda ex: ex.send(200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF",
                                            content_type="application/pdf"))
        add("/brochure.pdf", lambda ex: ex.send(200, b"%PDF-1.4\n", content_type="application/pdf"))
        add("/photo", lambda ex: ex.send(200, b"\x89PNG\r\n\x1a\n" + bytes(200), content_type="image/png"))
        add("/binary-as-html", _binary_as_html)
        add("/nul-page", _nul_page)
        add("/deep", _deep)
        add("/malformed", _malformed)
        add("/truncated-html", _truncated_html)
        add("/truncated-transfer", _truncated_transfer)
        add("/empty", lambda ex: ex.send(200, b""))
        add("/utf16", lambda ex: ex.send(200, _html("<p>Über uns: 1 200 €</p>").encode("utf-16"),
                                         content_type="text/html"))

        add("/robots.txt", lambda ex: ex.send(200, (
            "User-agent: *\nDisallow: /private/\n"
            f"Sitemap: {main.origin}/sitemap.xml\nSitemap: {self.other_host.url('/sitemap.xml')}\n"
        ), content_type="text/plain"))
        add("/sitemap.xml", lambda ex: ex.send(200, (
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{main.origin}/programs/ghana-medical-elective.html</loc></url>"
            f"<url><loc>{self.other_host.url('/from-sitemap')}</loc></url>"
            "<url><loc>file:///etc/shadow</loc></url>"
            "</urlset>"
        ), content_type="application/xml"))
        add("/private/*", lambda ex: ex.send(200, _html("<p>robots.txt says no</p>")))
        add("/", self._home)

    def home_links(self) -> list[str]:
        links = ["/programs/ghana-medical-elective.html", "/programs/", "/go/tanzania",
                 "/programs/peru-dental-elective.html", "/programs/cambodia-physiotherapy.html",
                 "/programs/kenya-public-health.html", "/programs/bolivia-medical-elective.html", "/about.html",
                 "/private/staff.html"]
        links += [f"/redirect/{p}" for p in ("loop-a", "self", "chain/0")]
        links += [f"/redirect/to/{name}" for name in (*self.offsite_targets(), *SCHEME_TARGETS,
                                                       "protocol-relative", "malformed")]
        links += ["/calendar/2026/01/", "/session/", "/loop/"]
        links += ["/huge", "/huge-stream", "/bomb", "/slow", "/hung", "/stall-body", "/always-500",
                  "/rate-limited-long"]
        links += ["/brochure", "/brochure.pdf", "/photo", "/binary-as-html", "/nul-page", "/deep", "/malformed",
                  "/truncated-html", "/truncated-transfer", "/empty", "/utf16"]
        # links straight to forbidden targets, and schemes the spider must not even consider
        links += list(self.offsite_targets().values()) + list(SCHEME_TARGETS.values())
        links += ["mailto:info@harrier.example", "tel:+441130000000", f"//{self.other_host.netloc}/proto-relative"]
        return links

    def _home(self, ex: Exchange) -> None:
        if ex.path != "/":
            ex.send(404, _html("<h1>Not found</h1>"))
            return
        items = "".join(f'<li><a href="{u}">{u}</a></li>' for u in self.home_links())
        ex.send(200, _html(f"<h1>Harrier Health Placements</h1><ul>{items}</ul>"))

    def start(self) -> Self:
        for server in (self.main, *self.forbidden):
            server.start()
        return self

    def stop(self) -> None:
        for server in (self.main, *self.forbidden):
            server.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# robots.txt cases (RFC 9309 2.3.1): name -> (how robots.txt answers, whether the site may be crawled)
MALFORMED_ROBOTS = (
    b"\xef\xbb\xbfUser-agent: *\n"  # a byte-order mark first
    b"<html><body>Oops, a template leaked in</body></html>\n"
    b"\x00\x01\x02\x7f binary junk\n"
    b"Crawl-delay: lots\n"
    b"Sitemap: not a url\n"
    b":\n"
    b"Allow:\n"
    b"Noindex-please: /program.html\n"  # not a directive: ignored
    b"Disallow: /secret/\n"
)


def _robots_route(kind: str, other_host: HostileServer) -> Route:
    def route(ex: Exchange) -> None:
        if kind == "disallow-all":
            ex.send(200, b"User-agent: *\nDisallow: /\n", content_type="text/plain")
        elif kind == "malformed":
            ex.send(200, MALFORMED_ROBOTS, content_type="text/plain")
        elif kind == "server-error":
            ex.send(500, _html("<p>Internal error</p>"))
        elif kind == "too-many-requests":
            ex.send(429, b"", content_type="text/plain")
        elif kind == "not-found-with-rules":
            # A 4xx is "unavailable" whatever its body says: this one would disallow everything.
            ex.send(404, b"User-agent: *\nDisallow: /\n", content_type="text/plain")
        elif kind == "unreachable":
            ex.drop()
        elif kind == "redirect-offsite":
            ex.redirect(other_host.url("/robots.txt"), 301)
    return route


# kind -> the site may be crawled (RFC 9309: 2xx rules; 4xx allow; 5xx and unreachable disallow)
ROBOTS_CASES: dict[str, bool] = {
    "disallow-all": False,
    "malformed": True,
    "server-error": False,
    "too-many-requests": False,
    "not-found-with-rules": True,
    "unreachable": False,
    "redirect-offsite": True,  # the redirect is refused, so robots.txt is unavailable: allow
}


def robots_site(kind: str, other_host: HostileServer) -> HostileServer:
    """A one-program site whose robots.txt answers as `kind` (ROBOTS_CASES)."""
    server = HostileServer("127.0.0.1", f"robots-{kind}")
    server.add("/robots.txt", _robots_route(kind, other_host))
    server.add("/", lambda ex: ex.send(200, _html(
        '<a href="/program.html">Program</a> <a href="/secret/plans.html">Plans</a>')))
    server.add("/program.html", lambda ex: ex.send(200, program_page(
        "Nursing Elective in Jinja, Uganda", "Jinja", "Uganda", "Nursing", "$1,100", 2)))
    server.add("/secret/plans.html", lambda ex: ex.send(200, _html("<p>Disallowed by robots.txt</p>")))
    return server
