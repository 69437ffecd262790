"""Parse a page once and split it into the program's own text and boilerplate.

Every extractor works on a `Page`: the lxml tree is built once, boilerplate
(navigation, footers, cookie and newsletter boxes, sidebars, teaser cards of
other programs, reviews) is removed by structure and text together, and what
is left is cut into `Block`s (paragraphs, list items, table rows, key facts)
that carry the heading of the section they sit in. Extractors then read blocks,
so every value they find comes with the block text as its evidence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urljoin, urlsplit

from extruct.jsonld import JsonLdExtractor
from extruct.w3cmicrodata import LxmlMicrodataExtractor
from lxml import etree

from pipelines.casefold import case_twin, fold_safe, twin_finditer

# Class/id/role tokens that mark site chrome rather than program content. Matched
# per token so that e.g. "elementor-widget" is not taken for a "widget" sidebar.
_BOILER_TOKEN = re.compile(
    r"(^|[-_])(cookies?|consent|gdpr|newsletter|subscribe|signup|related|similar|also|"
    r"you-may|recommend(ed|ations)?|promo|promotion|announce(ment)?|banner|breadcrumbs?|"
    r"social|share|sharing|masthead|footer|prefooter|menu|navbar|nav|navigation|sidebar|"
    r"reviews?|testimonials?|ratings?|stars|trending|popular|chat|modal|popup|advert|ads|"
    r"skip|cta-band|offcanvas|drawer|enquiry|inquiry|wishlist|login|search|searchbar|recently-viewed|"
    r"trustpilot|feefo|yotpo|tripadvisor|reviewsio|mc_embed_signup)($|[-_])",
    re.I,
)
_HEADER_TOKEN = re.compile(r"(^|[-_])(site-header|header|topbar|top-bar)($|[-_]|__)", re.I)
# The same tests for all of an element's tokens at once, on their lower-cased join: one regex call per element
# instead of one per token (a space, which no token contains, bounds words like the token's own ends do).
_BOILER_IN_TOKENS = re.compile(_BOILER_TOKEN.pattern.lower().replace("(^|[-_])", r"(^|[-_\s])", 1)
                               .replace("($|[-_])", r"($|[-_\s])", 1))
_HEADER_IN_TOKENS = re.compile(_HEADER_TOKEN.pattern.lower().replace("(^|[-_])", r"(^|[-_\s])", 1)
                               .replace("($|[-_]|__)", r"($|[-_\s]|__)", 1))
# Sidebars that hold the program's own key facts are kept.
_FACTS_TOKEN = re.compile(r"fact|glance|summary|detail|overview|key|info|meta|quick", re.I)
_DROP_TAGS = {
    "script", "style", "noscript", "template", "svg", "iframe", "button", "input", "textarea",
    "canvas", "video", "audio", "map", "object", "embed", "dialog", "head",
}
_BLOCK_TAGS = {
    "p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "caption", "summary",
    "blockquote", "pre", "address", "figcaption", "option", "legend", "label",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Enough of a money pattern to spot teaser cards; full parsing lives in pipelines.money.
_MONEY_HINT = re.compile(
    r"(?:[$£€₹₩¥₱₦]|\b(?:USD|EUR|GBP|AUD|CAD|NZD|INR|ZAR|KES|KSh|TZS|UGX|GHS|NPR|PHP|Rs\.?|R)\s?)\s?\d"
    r"|\d[\d.,\s]*\s?(?:€|EUR|USD|GBP)\b",
)
_ACTION_LINK = re.compile(
    r"^\s*(apply|book|enquire|inquire|contact|register|sign ?up|donate|start|get in touch|"
    r"request|check availability|send|download|email|call|whatsapp)\b",
    re.I,
)


def norm_space(text: str) -> str:
    return " ".join(text.split())


# Inline tags that page builders style as separate boxes: "<span>2 weeks</span><span>R 18 500</span>"
# reads as two things, not "2 weeksR 18 500". Word-level tags (b, a, em) join without a space.
_SEPARATING = {
    "span", "small", "div", "p", "li", "td", "th", "dd", "dt", "br", "label", "img", "i", "section", "article",
    "header", "footer", "ul", "ol", "dl", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "button", "option",
    "figure", "figcaption", "summary", "details", "blockquote", "address", "cite", "time", "sup",
}


_STRING = etree.XPath("string()")


def text_of(el: etree._Element) -> str:
    """Visible text of `el`. Separating tags were padded with spaces once, by `_pad_separators`."""
    # The text serialiser reads the same node content as XPath string(), without an XPath context per call:
    # the page asks for the text of ~60 elements, most of them small, where that setup is most of the cost.
    return " ".join(_tostring(el, method="text", encoding=str, with_tail=False).split())


_tostring = etree.tostring


def _pad_separators(root: etree._Element) -> None:
    """Put a space around every separating tag, once per page, so text reads "2 weeks R 18 500".

    Mutating the tree once and then reading text with one XPath call is several times faster than
    walking the tree in Python for every block. One plain iter() with a set lookup: iter() given the ~40 tag
    names sets up a tag matcher per call that costs more than visiting the few dozen elements left by then.
    """
    for el in root.iter():
        if el.tag not in _SEPARATING:
            continue
        el.tail = " " + el.tail if el.tail else " "
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + " "
        else:
            parent = el.getparent()
            if parent is not None:
                parent.text = (parent.text or "") + " "


@dataclass(frozen=True)
class Block:
    """One unit of the program's own text, with the section it belongs to."""

    text: str
    tag: str
    heading: str = ""
    cells: tuple[str, ...] = ()
    kind: str = "text"  # text | heading | row | fact | option
    label: str = ""  # key-facts label, or the first cell of a table row
    index: int = 0

    @cached_property
    def lower(self) -> str:
        return self.text.lower()

    @cached_property  # asked of every block by several extractors
    def is_fact(self) -> bool:
        """A key fact: a dt/dd pair, a label/value tile, or a two-cell table row with a short label."""
        if self.kind == "fact":
            return True
        return self.kind == "row" and len(self.cells) == 2 and 0 < len(self.cells[0]) <= 30


_new = object.__new__


def _block(text: str, tag: str, heading: str, cells: tuple[str, ...], kind: str, label: str, index: int) -> Block:
    """Block(text, tag, heading, cells, kind, label, index), filled in directly: the frozen dataclass __init__ sets
    each field through object.__setattr__, about three times the cost, and a page makes dozens of blocks.
    Keep in step with Block's fields (tests/test_page_speed.py checks)."""
    block = _new(Block)
    d = block.__dict__
    d["text"] = text
    d["tag"] = tag
    d["heading"] = heading
    d["cells"] = cells
    d["kind"] = kind
    d["label"] = label
    d["index"] = index
    # The cached properties, filled now: cached_property takes a lock on first use, dearer than computing them.
    d["lower"] = text.lower()
    d["is_fact"] = kind == "fact" or (kind == "row" and len(cells) == 2 and 0 < len(cells[0]) <= 30)
    return block


@dataclass
class Page:
    url: str
    title: str = ""
    h1: str = ""
    site_name: str = ""
    description: str = ""
    canonical: str | None = None
    lang: str = ""
    jsonld: list[dict] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    removed_teasers: int = 0
    links: list[tuple[str, str]] = field(default_factory=list)  # (absolute href, text) in main content
    breadcrumbs: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    body_string: str = field(default="", repr=False)  # string() of the body before boilerplate removal, unnormalised

    @cached_property
    def full_text(self) -> str:
        """Whole visible body text, boilerplate included (scripts and menus too).

        Normalised on first read: only last-resort fallbacks (country, provider) read it, and normalising
        the whole body's text costs as much as a small extractor. Assignable, like the field it replaced.
        """
        return norm_space(self.body_string)

    @cached_property
    def text(self) -> str:
        """The program's own text (boilerplate removed), one block per line."""
        return "\n".join(b.text for b in self.blocks)

    @cached_property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    def blocks_under(self, pattern: re.Pattern[str]) -> list[Block]:
        """Blocks whose section heading matches `pattern`."""
        return [b for b in self.blocks if pattern.search(b.heading)]


def parse_html(html: str | bytes, url: str, encoding: str | None = None) -> Page:
    """Parse once and build the Page. Never raises on markup; raises ValueError on empty input."""
    root = _parse_tree(html, encoding)
    page = Page(url=url)
    _read_head(root, page)
    body = root.find(".//body")
    if body is None:
        body = root
    page.body_string = _STRING(body)
    h1_el = _find_title_heading(body)
    if h1_el is None:
        h1_el = _find_title_lookalike(body, page.title)
    page.h1 = text_of(h1_el) if h1_el is not None else ""
    _strip_boilerplate(body, h1_el, page)
    page.links = _main_links(body, url)
    page.blocks = _blocks(body)
    return page


_XML_DECLARATION = re.compile(r"\s*<\?xml[^>]*\?>")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _parse_tree(html: str | bytes, encoding: str | None) -> etree._Element:
    # A plain etree HTML parser: lxml.html's element classes make every node visit a Python-level lookup.
    if not html.strip():
        raise ValueError("empty page")
    if isinstance(html, bytes):
        parser = etree.HTMLParser(encoding=encoding) if encoding else etree.HTMLParser()
    else:
        # lxml refuses str input that carries an XML encoding declaration.
        declaration = _XML_DECLARATION.match(html)
        if declaration:
            html = html[declaration.end():]
        # The str's UTF-8 bytes with the encoding named (as fast as the str itself; a meta charset in the page
        # is ignored either way, as it should be: the text is decoded already). Given a str with a lone
        # surrogate (text decoded with errors="surrogateescape"), lxml stopped reading the page there.
        try:
            html = html.encode("utf-8")
        except UnicodeEncodeError:
            html = _SURROGATE.sub("\ufffd", html).encode("utf-8")
        parser = etree.HTMLParser(encoding="utf-8")
    root = etree.fromstring(html, parser)
    if root is None:
        raise ValueError("no HTML document")
    return root


def _read_head(root: etree._Element, page: Page) -> None:
    page.lang = (root.get("lang") or "").lower()
    t = root.find(".//title")
    if t is not None:
        page.title = text_of(t)
    for m in root.iter("meta"):
        key = (m.get("property") or m.get("name") or "").lower()
        if key and m.get("content"):
            page.meta[key] = norm_space(m.get("content"))
        if (m.get("http-equiv") or "").lower() == "content-language" and m.get("content"):
            page.lang = page.lang or m.get("content").lower()
    page.site_name = page.meta.get("og:site_name", "")
    page.description = page.meta.get("description", "") or page.meta.get("og:description", "")
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href"):
            page.canonical = _join(page.url, link.get("href").strip()) or page.canonical
    page.jsonld = _jsonld(root) + _microdata(root)


_JSONLD = JsonLdExtractor()
_MICRODATA = LxmlMicrodataExtractor()
# Selecting the attribute, not the element that has it, is about four times faster (no predicate per element),
# and stepping through elements only (not text nodes) a little faster again. Elements all sit under the root.
_HAS_ITEMSCOPE = etree.XPath("boolean(descendant-or-self::*/@itemscope)")


def _microdata(root: etree._Element) -> list[dict]:
    """Microdata items (extruct), in the same shape as JSON-LD, read only when the page has any."""
    if not _HAS_ITEMSCOPE(root):
        return []
    try:
        items = _MICRODATA.extract_items(root, None)
    except Exception:  # extruct on broken markup is not worth losing the page over
        return []
    return [_as_jsonld(it) for it in items if isinstance(it, dict)]


def _as_jsonld(item: dict) -> dict:
    """{'type': 'https://schema.org/Course', 'properties': {...}} -> {'@type': 'Course', ...}."""
    types = item.get("type")
    types = types if isinstance(types, list) else [types]
    out: dict = {"@type": [str(t).rstrip("/").rsplit("/", 1)[-1] for t in types if t] or None}
    if isinstance(out["@type"], list) and len(out["@type"]) == 1:
        out["@type"] = out["@type"][0]
    for key, value in (item.get("properties") or {}).items():
        if isinstance(value, dict) and "properties" in value:
            out[key] = _as_jsonld(value)
        elif isinstance(value, list):
            out[key] = [_as_jsonld(v) if isinstance(v, dict) and "properties" in v else v for v in value]
        else:
            out[key] = value
    return out


def _jsonld(root: etree._Element) -> list[dict]:
    """JSON-LD items via extruct, on the tree already parsed (no second parse); @graph flattened."""
    try:
        # extruct finds the scripts with an XPath predicate on every element; lxml's C-level tag iteration finds
        # the same scripts (in document order) for less, and extruct then reads each one as before.
        raw = [item for node in root.iter("script") if node.get("type") == "application/ld+json"
               for item in _JSONLD.extract_items(node)]
    except Exception:  # extruct raises on JSON it cannot repair; a page's bad markup is not our failure
        return []
    out: list[dict] = []
    for it in raw:
        if isinstance(it, dict) and isinstance(it.get("@graph"), list):
            out.extend(x for x in it["@graph"] if isinstance(x, dict))
        elif isinstance(it, dict):
            out.append(it)
    return out


def _find_title_heading(body: etree._Element) -> etree._Element | None:
    for tag in ("h1", "h2"):
        for el in body.iter(tag):
            if text_of(el) and not _is_chrome(el):
                return el
    return None


def _find_title_lookalike(body: etree._Element, title: str) -> etree._Element | None:
    """Old table-layout pages mark their heading with <b> or <font>: find the element that repeats the <title>."""
    head = re.split(r"\s+[|–—-]\s+", title)[0].strip().lower()
    if len(head) < 6:
        return None
    for el in body.iter("p", "div", "td", "font", "b", "strong", "span"):
        text = text_of(el)
        if el.find(".//a") is not None or any(a.tag == "a" for a in el.iterancestors()):
            continue  # a menu entry naming the page is not its heading
        if 6 <= len(text) <= 140 and len(text) >= 0.6 * len(head) and (
                text.lower().startswith(head[:40]) or head.startswith(text.lower()[:40])):
            # The smallest such element: descend while a single child carries the same text.
            while len(el) == 1 and isinstance(el[0].tag, str) and text_of(el[0]) == text:
                el = el[0]
            return el if not _is_chrome(el) else None
    return None


def _is_chrome(el: etree._Element) -> bool:
    return any(anc.tag in ("nav", "footer") for anc in el.iterancestors())


def _is_breadcrumb(el: etree._Element) -> bool:
    ident = " ".join(filter(None, [el.get("class"), el.get("id"), el.get("aria-label")])).lower()
    return "breadcrumb" in ident


def _breadcrumb_parts(el: etree._Element) -> list[str]:
    parts = [text_of(x) for x in el.iter("a", "li", "span")]
    return list(dict.fromkeys(p for p in parts if p and len(p) < 80))


def _tokens_of(attrs: dict[str, str]) -> list[str]:
    vals = [attrs.get("class") or "", attrs.get("id") or "", attrs.get("role") or ""]
    # A BEM modifier ("price-card--popular") restyles a block; it does not make it chrome.
    return [t.split("--")[0] for t in " ".join(vals).split()]


_BOILER_ATTRS = frozenset(("class", "id", "role", "hidden", "aria-hidden", "style", "data-elementor-type",
                           "data-location", "data-type", "data-block-type"))


def _is_boiler_element(el: etree._Element) -> bool:
    tag = el.tag
    if tag in ("nav", "footer", "header", "aside"):
        pass
    elif _BOILER_ATTRS.isdisjoint(el.keys()):
        return False  # most elements carry none of the attributes that could mark chrome
    # All attributes in one call: each el.get() parses its key and converts the value, and an element is asked
    # for up to ten of them.
    attrs = dict(el.items())
    if tag in ("nav", "footer"):
        return True
    role = (attrs.get("role") or "").lower()
    if role in ("navigation", "contentinfo", "banner", "search", "complementary", "dialog"):
        return True
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    style = (attrs.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    for attr in ("data-elementor-type", "data-location", "data-type", "data-block-type"):
        if (attrs.get(attr) or "").lower() in ("header", "footer", "popup", "nav", "sidebar"):
            return True
    toks = _tokens_of(attrs)
    joined = " ".join(toks)
    low = joined.lower()
    # Lower-cased ASCII matches case-sensitively as re.I matches the original; other tokens take the per-token way.
    folded = low.isascii() and len(low) == len(joined)
    # A "...-header" class marks the site header only near the top of the tree and outside the main
    # content; deeper down or inside <main> it is a component's own header (a price list's, a facts strip).
    if tag == "header" or (
            (_HEADER_IN_TOKENS.search(low) is not None if folded else any(_HEADER_TOKEN.search(t) for t in toks))
            and _depth(el) <= 3 and not _in_main(el)):
        return True
    if tag == "aside":
        return not any(_FACTS_TOKEN.search(t) for t in toks)
    if "tab" in low and _tab_role(attrs.get("class")) == "tablist":
        return False  # a tab strip ("w-tab-menu", "nav nav-tabs") titles the program's own panels: no site menu
    boiler = _BOILER_IN_TOKENS.search(low) is not None if folded else any(_BOILER_TOKEN.search(t) for t in toks)
    # (Bootstrap's tabs are "nav-item" / "nav-link" inside the strip.)
    return boiler and not _in_tab_strip(el)


def _in_tab_strip(el: etree._Element) -> bool:
    """`el` is a tab of a tab strip: the strip is its parent, grandparent or great-grandparent."""
    for depth, anc in enumerate(el.iterancestors()):
        if depth >= 3:
            return False
        if (anc.get("role") or "").lower() == "tablist" or _tab_role(anc.get("class")) == "tablist":
            return True
    return False


# Tabs marked by class rather than role (Webflow's w-tab-menu / w-tab-link / w-tab-pane, Bootstrap's nav-tabs /
# tab-pane): the same roles as role="tablist" / "tab" / "tabpanel".
_TAB_CLASS = re.compile(r"(?:^|[-_\s])(?:(?P<tablist>tabs?[-_](?:menu|nav|list)s?|nav-tabs)|"
                        r"(?P<tab>tab[-_](?:link|title|button|label))|(?P<tabpanel>tab[-_](?:pane|panel)))(?=$|[-_\s])")


def _tab_role(classes: str | None) -> str:
    """ "tablist", "tab" or "tabpanel" when the class attribute marks a part of a tab widget, else ""."""
    if not classes or "tab" not in classes:
        return ""
    m = _TAB_CLASS.search(classes.lower())
    return (m.lastgroup or "") if m else ""


def _in_main(el: etree._Element) -> bool:
    return any(a.tag in ("main", "article") or (a.get("role") or "") == "main" for a in el.iterancestors())


# Chrome recognised by its words when its markup says nothing: cookie notices and newsletter boxes.
_CHROME_TEXT = re.compile(
    r"\b(?:(?:we|this (?:site|website)) uses? cookies|cookie (?:policy|settings|preferences)|accept (?:all )?cookies|"
    r"(?:sign up|subscribe) (?:to|for) (?:our|the) (?:\w+ )?(?:newsletter|mailing list|updates|emails?)|"
    r"(?:get|join) our (?:\w+ )?(?:newsletter|mailing list))\b",
    re.I,
)


_CHROME_LITERALS = ("ookie", "ewsletter", "ailing list", "ubscribe")
_CHROME_WORDS = etree.XPath(
    ".//text()[" + " or ".join(f"contains(., '{w}')" for w in _CHROME_LITERALS) + "]"
)


def _drop_chrome_boxes(body: etree._Element, keep: set[etree._Element]) -> None:
    """Drop the largest small box (under 400 characters) around cookie-notice or newsletter wording."""
    # One string() of the body is ~10x cheaper than the per-text-node XPath; a text node that holds a word
    # is part of that string, so a body without any of the words has no box to find.
    text = _STRING(body)
    if not any(w in text for w in _CHROME_LITERALS):
        return
    for text_node in _CHROME_WORDS(body):
        el = text_node.getparent()
        box = None
        while el is not None and el is not body and el not in keep:
            if el.tag in ("div", "section", "aside", "form", "p"):
                if len(text_of(el)) >= 400:
                    break
                box = el
            el = el.getparent()
        if box is not None and box.getparent() is not None and _CHROME_TEXT.search(text_of(box)):
            _drop(box)


def _depth(el: etree._Element) -> int:
    depth = 0
    for anc in el.iterancestors():
        if anc.tag == "body":
            return depth
        depth += 1
    return depth


def _strip_boilerplate(body: etree._Element, h1_el: etree._Element | None, page: Page) -> None:
    keep: set[etree._Element] = set()
    if h1_el is not None:
        keep.add(h1_el)
        keep.update(h1_el.iterancestors())
    doomed: list[etree._Element] = []
    stack = list(reversed(body))
    while stack:  # depth-first, not descending into what is already doomed
        el = stack.pop()
        if not isinstance(el.tag, str):  # comments, processing instructions
            doomed.append(el)
            continue
        if el not in keep and (el.tag in _DROP_TAGS or el.tag == "blockquote" or _is_boiler_element(el)):
            doomed.append(el)
            if not page.breadcrumbs and _is_breadcrumb(el):
                # Read before it goes: the trail names the country and section the page sits in.
                page.breadcrumbs = _breadcrumb_parts(el)
            continue
        stack.extend(reversed(el))
    for el in doomed:
        _drop(el)
    # Spaces around separating tags only in what is left: menus and footers are most of a page's elements.
    _pad_separators(body)
    _drop_chrome_boxes(body, keep)
    page.removed_teasers = _drop_teasers(body, page.url, keep)
    _drop_link_lists(body, keep)
    if h1_el is not None:
        _drop_layout_rows(h1_el)


def _drop_link_lists(body: etree._Element, keep: set[etree._Element]) -> None:
    """Menus that are not marked up as <nav>: containers that are nearly all link text."""
    doomed = []
    for el in body.iter("ul", "ol", "p", "div", "td", "tr", "table"):
        if el in keep or _tab_role(el.get("class")) == "tablist":
            continue  # (a strip of tab links is all links, but titles the panels below it)
        links = [a for a in el.iter("a")]
        if len(links) < 3:
            continue
        text = text_of(el)
        link_text = sum(len(text_of(a)) for a in links)
        # Separators such as "|" or "»" between menu items are not prose.
        prose = len(re.sub(r"[|»·•/\s-]", "", text)) or 1
        if link_text / prose > 0.75:
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            _drop(el)


def _drop_layout_rows(h1_el: etree._Element) -> None:
    """In a table-layout page, rows above the title row are the banner and menu, short rows below it the footer."""
    row = next((a for a in h1_el.iterancestors("tr")), None)
    if row is None or row.getparent() is None:
        return
    siblings = [r for r in row.getparent() if isinstance(r.tag, str) and r.tag == "tr"]
    pos = siblings.index(row)
    for i, r in enumerate(siblings):
        cells = [c for c in r if isinstance(c.tag, str)]
        full_width = len(cells) == 1 and cells[0].get("colspan") is not None
        if i < pos or (i > pos and (len(text_of(r)) < 400 or full_width)):
            _drop(r)


def _drop(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    # Keep the text that follows the element (its tail) in the tree.
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _drop_teasers(body: etree._Element, url: str, keep: set[etree._Element]) -> int:
    """Remove small cards that link to another page and quote a price: other programs' teasers."""
    here = urlsplit(url)._replace(fragment="", query="").geturl()
    removed = 0
    emptied: list[etree._Element] = []
    for a in list(body.iter("a")):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        joined = _join(url, href)
        if joined is None:
            continue
        target = urlsplit(joined)._replace(fragment="", query="").geturl()
        if target == here or _ACTION_LINK.match(text_of(a)):
            continue
        # "<a>Medical Volunteering</a> from KSh 45,000 ·": the price trails the link inside running text.
        tail = a.tail or ""
        m_tail = _MONEY_HINT.search(tail[:60])
        if m_tail and a.getparent() is not None and len(text_of(a.getparent())) > 220:
            rest = re.split(r"[·|•;]", tail[m_tail.end():], maxsplit=1)
            a.tail = " " + (rest[1] if len(rest) > 1 else "")
            a.getparent().remove(a)
            removed += 1
            continue
        # Walk up to the smallest ancestor that also holds a price, within a card's size.
        node = a
        while node is not None and node is not body and node not in keep:
            text = text_of(node)
            if len(text) > 220:
                break
            if _MONEY_HINT.search(text):
                parent = node.getparent()
                if parent is not None:
                    _drop(node)
                    emptied.append(parent)
                    removed += 1
                break
            node = node.getparent()
    # A box that held only teaser cards keeps just its heading ("You might also enjoy"): drop the box.
    for box in emptied:
        while box is not None and box is not body and box not in keep and box.getparent() is not None:
            kids = [c for c in box if isinstance(c.tag, str)]
            if kids and all(c.tag in _HEADINGS or (c.tag in ("ul", "ol", "div") and not text_of(c)) for c in kids):
                parent = box.getparent()
                _drop(box)
                box = parent
            else:
                break
    return removed


def _main_links(body: etree._Element, url: str) -> list[tuple[str, str]]:
    out = []
    for a in body.iter("a"):
        href = (a.get("href") or "").strip()
        if href and not href.startswith(("#", "mailto:", "tel:", "javascript:")):
            joined = _join(url, href)
            if joined is not None:
                out.append((joined, text_of(a)))
    return out


def _join(base: str, href: str) -> str | None:
    """`href` resolved against `base`, or None for a link no URL can be made of ("http://[oops/": urljoin
    raises ValueError). One broken link made the whole page unparsable, and its program a rejection
    (found by tests/test_fuzz_extraction.py)."""
    try:
        joined = urljoin(base, href)
        urlsplit(joined)  # as every later reader of the link splits it
    except ValueError:
        return None
    return joined


_BLOCKISH = frozenset(_BLOCK_TAGS | {"div", "section", "table", "ul", "ol", "dl", "article"})


def _has_block(el: etree._Element) -> bool:
    # (A comment's tag is a function: never in the set, so one tag read per node does.)
    return any(d.tag in _BLOCKISH for d in el.iterdescendants())


def _blocks(body: etree._Element) -> list[Block]:
    blocks: list[Block] = []
    heading = ""
    pending_label = ""

    def add(text: str, tag: str, cells: tuple[str, ...] = (), kind: str = "text", label: str = "") -> None:
        if text:
            blocks.append(_block(text, tag, heading, cells, kind, label, len(blocks)))

    tab_titles: list[str] = []

    def walk(el: etree._Element) -> None:
        nonlocal heading, pending_label
        tag = el.tag
        if not tag or not isinstance(tag, str):
            return
        role = (el.get("role") or "").lower() or _tab_role(el.get("class"))
        if role == "tablist":
            # Tab titles ("What's included" / "Not included") head the panels that follow, in order: the tabs
            # marked as such, else each child of the strip.
            titles = [text_of(t) for t in el.iter() if t is not el and isinstance(t.tag, str)
                      and ((t.get("role") or "").lower() or _tab_role(t.get("class"))) == "tab"]
            tab_titles.extend(titles or [text_of(c) for c in el if isinstance(c.tag, str) and text_of(c)])
            return
        if role == "tabpanel" and tab_titles:
            heading = tab_titles.pop(0)
            for child in el:
                walk(child)
            return
        if tag in _HEADINGS:
            text = text_of(el)
            if text:
                heading = text
                add(text, tag, kind="heading")
            return
        if tag == "tr":
            cells = tuple(text_of(c) for c in el if isinstance(c.tag, str)
                          and c.tag in ("td", "th"))
            cells = tuple(c for c in cells if c)
            # A layout table's cell holding whole sections is a container, not a row.
            if any(_has_block(c) for c in el if isinstance(c.tag, str)):
                for c in el:
                    walk(c)
                return
            if cells:
                add(" | ".join(cells), "tr", cells=cells, kind="row", label=cells[0] if len(cells) > 1 else "")
            return
        if tag == "dt":
            pending_label = text_of(el)
            return
        if tag == "dd":
            value = text_of(el)
            label = pending_label
            add(f"{label}: {value}" if label else value, "dd", cells=(label, value), kind="fact", label=label)
            return
        if tag == "caption":
            text = text_of(el)
            add(text, "caption")
            return
        if tag == "option":
            add(text_of(el), "option", kind="option")
            return
        if tag in _BLOCK_TAGS and not _has_block(el):
            text = text_of(el)
            lead = _bold_lead(el)
            if lead:
                # "<p><b>Costs</b><br>...": a bold lead-in is the section heading of old-style pages.
                heading = lead
                if text == lead:
                    add(text, tag, kind="heading")
                    return
            add(text, tag)
            return
        # A container: emit its own loose text, then recurse into children.
        label_value = _label_value(el)
        if label_value:
            add(f"{label_value[0]}: {label_value[1]}", tag, cells=label_value, kind="fact", label=label_value[0])
            return
        own = _loose_text_blocks(el)
        if not own:
            for child in el:
                walk(child)
            return
        # Interleave loose text runs with child blocks in document order.
        buf = [el.text or ""]
        for child in el:
            ctag = child.tag
            if not isinstance(ctag, str):
                ctag = ""
            if ctag and (ctag in _BLOCK_TAGS or ctag in _HEADINGS or _has_block(child) or ctag in
                         ("table", "ul", "ol", "dl", "div", "section", "article")):
                add(norm_space("".join(buf)), tag)
                buf = []
                walk(child)
            elif ctag == "br":
                buf.append(" ")
            elif ctag:
                buf.append(_STRING(child))
            buf.append(child.tail or "")
        add(norm_space("".join(buf)), tag)

    walk(body)
    return blocks


def _bold_lead(el: etree._Element) -> str:
    if el.tag != "p" or (el.text or "").strip() or not len(el):
        return ""
    first = el[0]
    if not isinstance(first.tag, str) or first.tag not in ("b", "strong", "font"):
        return ""
    lead = text_of(first)
    rest = (first.tail or "").strip()
    nxt = first.getnext()
    ends_line = rest == "" and (nxt is None or nxt.tag == "br") or rest.startswith(":")
    if 2 <= len(lead) <= 60 and ends_line and not re.search(r"[.!]$", lead):
        return lead.rstrip(":")
    return ""


def _loose_text_blocks(el: etree._Element) -> bool:
    if (el.text or "").strip():
        return True
    for c in el:
        tail = c.tail
        if tail and not tail.isspace():
            return True
    return False


def _label_value(el: etree._Element) -> tuple[str, str] | None:
    """A container of exactly two short inline children reads as `label: value` (key-fact tiles)."""
    kids = [c for c in el if c.tag != "br" and isinstance(c.tag, str)]
    if len(kids) not in (2, 3):  # (what every test below needs; most containers hold more or fewer)
        return None
    # A badge ("Most booked") before the pair does not change what the pair says.
    if (len(kids) == 3 and len(text_of(kids[0])) <= 20 and not _ANY_DIGIT.search(text_of(kids[0]))
            and _BADGE_CLASS.search(kids[0].get("class") or "")):
        kids = kids[1:]
    if len(kids) != 2 or (el.text or "").strip() or any((c.tail or "").strip() for c in kids):
        return None
    if el.tag in ("ul", "ol", "dl", "table", "tbody", "tr", "select"):
        return None
    if any(_has_block(c) or c.tag in _HEADINGS or c.tag in ("ul", "ol", "table", "li") for c in kids):
        return None
    label, value = (text_of(c) for c in kids)
    if not (label and value and len(label) <= 40 and len(value) <= 120):
        return None
    # Two short siblings are a key fact only when something says so: the markup names a label or value,
    # the label ends in a colon, the value is a number or price, or the label is set in bold. Otherwise
    # they are two items of a list (two cards, two field items) and stay separate blocks.
    classes = " ".join((c.get("class") or "") for c in kids)
    if (_LV_CLASS.search(classes) or label.endswith(":") or re.search(r"\d", value)
            or kids[0].tag in ("b", "strong", "th", "summary", "label")):
        return label.rstrip(":"), value
    return None


_ANY_DIGIT = re.compile(r"\d")
_BADGE_CLASS = re.compile(r"badge|tag|flag|ribbon|label", re.I)
_LV_CLASS = re.compile(r"label|title|key|name|term|value|amount|price|weeks|duration|heading|caption|fact|meta", re.I)


# Split after . ! ? and the spaces that follow, before a capital, digit, quote or bracket, unless the period ends a
# title or abbreviation ("Dr. Upendo", "approx. 4 weeks"). The pattern starts at the end mark and captures the
# spaces: a leading character class lets the regex engine skip to candidates, where a look-behind ("(?<=[.!?])\s+")
# would be tried at every position, at twice the cost.
_SENT_BREAK = re.compile(r"[.!?](\s+)(?=[A-Z0-9\"“‘(])")
# A full stop that ends a title or abbreviation does not end the sentence ("Dr. Upendo", "Rs. 7,500").
_ABBREVIATION_END = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|St|No|approx|e\.g|i\.e|incl|Rs|min|max|ca)\.$")


def _ends_abbreviation(part: str) -> bool:
    """_ABBREVIATION_END.search(part), looking only at the end, the only place it can match."""
    if not part.endswith((".", ".\n")):  # "$" also matches before a final newline
        return False
    # The longest alternative ("approx.") with that newline is 8 characters; \b still sees the one before.
    return _ABBREVIATION_END.search(part, max(0, len(part) - 9)) is not None


def split_sentences(text: str) -> list[str]:
    # Most blocks (list items, table rows, facts) hold one sentence: with no end mark before the last character
    # there is no split point, and three str.find calls cost a fraction of a regex pass.
    last = len(text) - 1
    if text.find(".", 0, last) < 0 and text.find("!", 0, last) < 0 and text.find("?", 0, last) < 0:
        stripped = text.strip()
        return [stripped] if stripped else []
    out: list[str] = []
    prev = 0
    for m in _SENT_BREAK.finditer(text):
        part = text[prev:m.start(1)]
        if out and _ends_abbreviation(out[-1]):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
        prev = m.end()
    part = text[prev:]
    if out and _ends_abbreviation(out[-1]):
        out[-1] = f"{out[-1]} {part}"
    else:
        out.append(part)
    return [part.strip() for part in out if part.strip()]




@dataclass(frozen=True)
class Sentence:
    text: str
    block: Block

    @cached_property
    def lower(self) -> str:
        return self.text.lower()


def _sentence(text: str, block: Block) -> Sentence:
    """Sentence(text, block) filled in directly, as `_block` does (keep in step with Sentence's fields)."""
    sentence = _new(Sentence)
    d = sentence.__dict__
    d["text"] = text
    d["block"] = block
    d["lower"] = text.lower()  # the cached property, filled now (see _block)
    return sentence


def sentences(page: Page) -> list[Sentence]:
    """The program's own text cut into sentences, each knowing its block and section."""
    cached = page.__dict__.get("_sentences")
    if cached is not None:
        return cached
    out = [_sentence(part, b) for b in page.blocks if b.kind != "heading" for part in split_sentences(b.text)]
    page.__dict__["_sentences"] = out
    return out


def block_sentences(page: Page, block: Block) -> list[str]:
    """The sentences of one block, split once per page and shared by every extractor."""
    by_block = page.__dict__.get("_by_block")
    if by_block is None:
        by_block = {}
        for sent in sentences(page):
            by_block.setdefault(sent.block.index, []).append(sent.text)
        page.__dict__["_by_block"] = by_block
    if block.kind == "heading":
        return split_sentences(block.text)
    return by_block.get(block.index, [])


def hint(*literals: str) -> re.Pattern[str]:
    """A prefilter for `scan` from lower-case literals.

    `scan` looks the literals up with str.find (one C pass each); the regex returned, grouped by first letter
    so the engine tries one branch per position, serves callers that use it as a pattern of its own.
    """
    by_first: dict[str, list[str]] = {}
    for lit in literals:
        by_first.setdefault(lit[0], []).append(re.escape(lit[1:]))
    pattern = re.compile("|".join(re.escape(first) + (f"(?:{'|'.join(rest)})" if len(rest) > 1 else rest[0])
                                  for first, rest in by_first.items()))
    _LITERALS[id(pattern)] = (pattern, tuple(literals))
    return pattern


# Prefilters as literal tuples: from hint(), or read off a flat alternation of plain words ("visa|permit|...").
# Keyed by id(), with the pattern kept alive in the value: hashing a compiled pattern hashes its whole program.
_LITERALS: dict[int, tuple[re.Pattern[str], tuple[str, ...] | None]] = {}
_REGEX_META = re.compile(r"[\\.^$*+?{}\[\]()]")


def _literals(prefilter: re.Pattern[str]) -> tuple[str, ...] | None:
    """The literals a prefilter stands for, or None when it is more than an alternation of plain words."""
    known = _LITERALS.get(id(prefilter))
    if known is not None:
        return known[1]
    parts = prefilter.pattern.split("|")
    plain = (prefilter.flags == re.UNICODE and all(parts) and not any(_REGEX_META.search(p) for p in parts))
    lits = tuple(parts) if plain else None
    _LITERALS[id(prefilter)] = (prefilter, lits)
    return lits


@dataclass(frozen=True)
class _Joined:
    text: str  # the sentences joined by newlines
    starts: list[int]  # offset of each sentence in `text`
    lower: str  # text.lower()
    same_length: bool  # lower() kept every offset
    fold_safe: bool  # and a case-sensitive pattern on `lower` matches exactly as its re.I original on `text`


def _joined_page(page: Page) -> _Joined:
    cached = page.__dict__.get("_joined_page")
    if cached is None:
        sents = sentences(page)
        starts, pos = [], 0
        for sent in sents:
            starts.append(pos)
            pos += len(sent.text) + 1
        text = "\n".join(sent.text for sent in sents)
        lower = text.lower()
        same = len(lower) == len(text)
        safe = fold_safe(text, lower)
        cached = page.__dict__["_joined_page"] = _Joined(text, starts, lower, same, safe)
    return cached


def _joined(page: Page) -> tuple[str, list[int], str]:
    j = _joined_page(page)
    return j.text, j.starts, j.lower


def joined_text(page: Page) -> str:
    """The page's sentences joined by newlines (offsets map back with `sentence_at`)."""
    return _joined_page(page).text


def sentence_at(page: Page, offset: int) -> Sentence:
    """The sentence holding `offset` of `joined_text(page)`."""
    return sentences(page)[max(0, bisect_right(_joined_page(page).starts, offset) - 1)]


def _hit_sentences(page: Page, j: _Joined, literals: tuple[str, ...]) -> list[int]:
    """Indices of the sentences whose lower-cased text holds one of `literals`, once per page and literal set.

    One str.find pass per literal, jumping to the next sentence after a hit: several times cheaper than a
    regex alternation of the same literals, which tries every branch at every position. A literal holds no
    newline, so each hit lies inside one sentence: the same sentences the alternation would hit.
    """
    cache = page.__dict__.setdefault("_hit_sentences", {})
    hits = cache.get(literals)
    if hits is None:
        lower, starts = j.lower, j.starts
        last = len(starts) - 1
        found: set[int] = set()
        for lit in literals:
            i = lower.find(lit)
            while i >= 0:
                idx = bisect_right(starts, i) - 1
                found.add(idx)
                if idx >= last:
                    break
                i = lower.find(lit, starts[idx + 1])
        hits = cache[literals] = sorted(found)
    return hits


def scan(page: Page, pattern: re.Pattern[str], prefilter: re.Pattern[str] | None = None
         ) -> Iterator[tuple[Sentence, re.Match[str]]]:
    """Every match of `pattern` inside one sentence, in page order.

    With `prefilter` (a case-sensitive pattern of lower-case literals every match must contain), only the
    sentences the prefilter hits in the lower-cased page are searched: a literal scan is ~20x cheaper than
    a pattern full of word boundaries and alternations run with re.I. A re.I pattern runs case-sensitively on
    the lower-cased sentence (see `_case_sensitive`), which is exact and several times faster.
    """
    if prefilter is None:
        yield from _scan_all(page, pattern)
        return
    sents = sentences(page)
    j = _joined_page(page)
    literals = _literals(prefilter) if j.same_length else None
    if literals is None:
        hits: Iterator[int] | list[int] = _regex_hits(j, prefilter)
    else:
        hits = _hit_sentences(page, j, literals)
    fast = case_twin(pattern) if j.fold_safe else None
    for idx in hits:
        sent = sents[idx]
        start = j.starts[idx]
        yield from ((sent, m) for m in twin_finditer(pattern, fast, sent.text,
                                                     j.lower[start:start + len(sent.text)]))


def sentences_with(page: Page, pattern: re.Pattern[str], prefilter: re.Pattern[str]) -> list[Sentence]:
    """The sentences in which `pattern` matches at least once, in page order: the sentences `scan` would yield
    matches from, without building the matches."""
    sents = sentences(page)
    j = _joined_page(page)
    literals = _literals(prefilter) if j.same_length else None
    hits = _regex_hits(j, prefilter) if literals is None else _hit_sentences(page, j, literals)
    fast = case_twin(pattern) if j.fold_safe else None
    out = []
    for idx in hits:
        sent = sents[idx]
        if fast is not None:
            start = j.starts[idx]
            if fast.search(j.lower[start:start + len(sent.text)]) is not None:
                out.append(sent)
        elif pattern.search(sent.text) is not None:
            out.append(sent)
    return out


def _regex_hits(j: _Joined, prefilter: re.Pattern[str]) -> Iterator[int]:
    """Sentence indices the prefilter hits in the lower-cased text, each once, in page order."""
    last = -1
    for hit in prefilter.finditer(j.lower):
        idx = bisect_right(j.starts, hit.start()) - 1
        if idx != last:
            last = idx
            yield idx


def _scan_all(page: Page, pattern: re.Pattern[str]) -> Iterator[tuple[Sentence, re.Match[str]]]:
    """Every match of `pattern` inside one sentence, by one regex pass over the joined text.

    One regex pass over the joined text instead of one call per sentence: the per-call overhead, not the
    matching, dominates on a page of a few hundred sentences. Each hit is re-read inside its own sentence so a
    match never spans two sentences.
    """
    sents = sentences(page)
    text, starts, _ = _joined(page)
    for m in pattern.finditer(text):
        idx = bisect_right(starts, m.start()) - 1
        if idx < 0:
            continue
        sent = sents[idx]
        rel = m.start() - starts[idx]
        inner = pattern.match(sent.text, rel) or pattern.search(sent.text, rel)
        if inner is not None:
            yield sent, inner


def snippet(text: str, match: re.Match[str] | None = None, limit: int = 220) -> str:
    """A short piece of `text` that contains `match`, for evidence."""
    text = text.strip()
    if len(text) <= limit:
        return text
    if match is None:
        return text[: limit - 1] + "…"
    start = max(0, min(match.start() - limit // 3, len(text) - limit))
    piece = text[start:start + limit].strip()
    return ("…" if start else "") + piece + ("…" if start + limit < len(text) else "")
