"""The organisation that runs the program, and the program's own title.

On a directory site the listed organisation runs the program, not the directory,
so a "listed by" / "run by" statement, an "Organisation:" fact or a structured-data
brand outranks the site name. Otherwise the provider is the name the site gives
itself: og:site_name, the part of the <title> that is not the program, the
structured-data organisation or the copyright line, each cleaned of what is not a
name (taglines, "All rights reserved", company forms such as Ltd or GmbH) and
checked against the others when one of them is only an acronym or a domain.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pipelines.page import Page, norm_space

# Capital letters, accented ones included ("Brückenschlag", "Élan").
_UP = "A-ZÀ-ÖØ-Þ"
# One word of a name: an abbreviation that keeps its full stop ("St.", "Ltd.", "e.V."), an initial, or a
# capitalised word (digits allowed after the first letter: "Health4All").
_WORD = (rf"(?:e\.\s?V\.|B\.V\.|(?:St|Ltd|Inc|Co|Corp|Pty|Pvt|Bros|Mt)\.|[{_UP}]\.(?!\w)|"
         rf"(?:[{_UP}]|\d+[^\W\d_])[\w'’&-]*(?:\.[\w'’&-]+)*)")
# Small words that sit inside names: "Friends of the Clinic", "Ward & Wander", "Salud para el Pueblo".
_CONNECT = r"(?:of|for|and|&|de|du|del|la|el|the|für|und|van|von|y|e|da|do|dos)"
_NAME = rf"(?:{_WORD})(?:\s+(?:{_CONNECT}\s+)*{_WORD}){{0,7}}"

_VERB = r"(?i:listed|run|organi[sz]ed|offered|operated|managed|provided|delivered|coordinated)"
# A listing states who runs it at the start of a line ("Listed by X · local organisation", "Hosted by X",
# "Run by: X") or with the program as the subject ("This programme is operated by X"). The same verbs further
# into a sentence usually describe a host ("St Agnes Hospital, which is run by the Diocese"), and so does
# "the placement is hosted by X": none of them count.
_RUN_BY = re.compile(
    rf"(?:(?:^|[·|•]\s*)(?:{_VERB}|(?i:hosted))|\b(?i:this|the|our)\s+(?i:program(?:me)?|placement|project|"
    rf"listing|trip|internship|elective|opportunity|experience|position)\s+(?i:is|are)\s+{_VERB})"
    rf"\s+(?i:by)\b\s*:?\s*(?:(?i:the)\s+)?(?P<name>{_NAME})"
)
# A byline under a listing's heading: "by Altiplano Clinic Partners".
_BYLINE = re.compile(rf"^(?i:by)\s+(?P<name>{_NAME})\s*$")
_COPYRIGHT = re.compile(r"©|\((?i:c)\)|(?i:copyright)")
# What may stand between the copyright mark and the name: the word Copyright, years, a rights notice.
_COPYRIGHT_LEAD = re.compile(
    r"(?:\s|[|·•,:–—-]|©|(?i:copyright)|\d{4}(?:\s*[-–]\s*\d{2,4})?|(?i:all\s+rights\s+reserved)\.?)*"
)
# A copyright mark on a photo is the photographer's, not the site's.
_PHOTO_CREDIT = re.compile(r"(?i:photo(?:graph)?s?|images?|pictures?|credit|foto)\s*:?\s*$")
_NOT_NAMES = re.compile(
    r"^(?i:all\s+rights|website|web\s+design|site|designed|design|powered|theme|photo|image|privacy|terms|"
    r"cookie|this|our|by)\b"
)
# Company forms a copyright line adds to the name the site uses for itself ("GlobalMed Interns Pty Ltd").
_COMPANY_FORM = re.compile(
    r"(?:,?\s+(?:Pty\.?\s+Ltd\.?|Pvt\.?\s+Ltd\.?|Private\s+Limited|Ltd\.?|Limited|Inc\.?|LLC|L\.L\.C\.|gGmbH|GmbH|"
    r"B\.V\.|BV|S\.A\.|S\.L\.|SAS|CIC|C\.I\.C\.|NPC|Corp\.?|plc|PLC|AG))+$"
)
_ORG_LABEL = re.compile(
    r"^(?:(?:host|local|partner|sending|listing|program(?:me)?)\s+)?(?:organi[sz]ation(?:\s+name)?|provider|"
    r"organi[sz]er|operator)$|^(?:run|listed|offered|hosted|operated|organi[sz]ed|provided)\s+by$|"
    r"^partner$",
    re.I,
)
# "Organisation: Coral Coast Health Volunteers" written as one line of text rather than a fact pair.
_LABEL_LINE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ]{2,30}?)\s*:\s+(?P<value>.{3,100})$")
# A value ends where a listing card adds its badges, rating or location: "X · Verified", "X (Suva, Fiji)".
_VALUE_END = re.compile(r"\s+[·|•★☆–—]\s*|\s+-\s+|\s*\(|\s+\d(?:\.\d)?\s*(?:★|/\s*5|stars?)")
_TITLE_SPLIT = re.compile(r"\s+[|–—·•»:]\s+|\s+-\s+|\s*::\s*")
# Site names that are no name: CMS defaults and section names.
_GENERIC = {
    "home", "homepage", "home page", "index", "welcome", "programs", "programmes", "projects", "blog", "news",
    "site", "website", "my blog", "my site", "my website", "my wordpress site", "wordpress", "untitled",
    "default", "page", "main", "volunteer", "volunteer abroad", "internships", "electives", "destinations",
    "just another wordpress site", "placements", "opportunities", "about", "about us",
}
# Words of program names and section titles ("Nursing Placements in Ghana", "Volunteer in Africa"): a title
# part made only of these (and places) names the program or a category, not the organisation.
_PROGRAM_WORDS = {
    "medical", "medicine", "nursing", "midwifery", "dental", "dentistry", "physio", "physiotherapy", "public",
    "health", "healthcare", "global", "community", "clinical", "elective", "electives", "internship",
    "internships", "placement", "placements", "volunteer", "volunteers", "volunteering", "program", "programs",
    "programme", "programmes", "project", "projects", "trip", "trips", "experience", "experiences",
    "observership", "shadowing", "pre-med", "premed", "student", "students", "abroad", "overseas",
    "international", "in", "for", "and", "of", "the", "a", "an", "with", "&", "to", "at", "gap", "year",
    "summer", "rural", "hospital", "surgical", "surgery", "paediatric", "pediatric", "maternal", "outreach",
    "work", "care", "nurse", "doctor", "doctors", "students'", "opportunities", "opportunity", "travel", "teaching",
    "–", "-",
}
_MARKS = re.compile(r"\s*[®™©]|\s*\([A-Z]{2,6}\)$")
_DOMAIN = re.compile(r"^(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/.*)?$", re.I)
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")


def extract_provider(page: Page) -> tuple[str | None, str | None]:
    listed = _listed_organisation(page)
    if listed:
        return listed
    return _own_name(page)


def _listed_organisation(page: Page) -> tuple[str, str] | None:
    """The organisation a listing names as running the program (a directory's listing, a hosted program)."""
    for item in page.jsonld:
        for key in ("provider", "brand", "organizer", "offeredBy"):
            val = item.get(key)
            if isinstance(val, dict) and isinstance(val.get("name"), str):
                name = norm_space(val["name"])
                if name and name != page.site_name:
                    return name, f"structured data {key}: {name}"
    for b in page.blocks[:40]:
        label, value = "", ""
        if b.is_fact:
            label, value = b.label.strip().rstrip(":"), b.cells[-1]
        elif len(b.text) <= 140 and (m := _LABEL_LINE.match(b.text)):
            label, value = m.group("label"), m.group("value")
        if label and _ORG_LABEL.match(label):
            name = _clean_value(value)
            if name:
                return name, b.text
        if b.index >= 15:
            continue
        m = _RUN_BY.search(b.text) or _BYLINE.match(b.text)
        if m:
            return _end_of_name(m.group("name")), b.text
    return None


def _clean_value(value: str) -> str:
    """'Coral Coast Health Volunteers (Suva, Fiji) · Verified' -> 'Coral Coast Health Volunteers'."""
    name = _VALUE_END.split(value, maxsplit=1)[0].strip(" ,;:")
    return _without_place(name)


def _end_of_name(name: str) -> str:
    name = name.strip(" ,")
    # A sentence's full stop is not part of the name; an abbreviation's (Inc., Ltd., e.V.) is.
    if not re.search(r"(?:\b(?:Inc|Ltd|Co|Corp|Pty)|\b[A-Z])\.$", name):
        name = name.rstrip(".")
    return name


def _own_name(page: Page) -> tuple[str | None, str | None]:
    """The name the site gives itself."""
    fallback: tuple[str, str] | None = None
    for key in ("og:site_name", "application-name", "apple-mobile-web-app-title"):
        raw = page.meta.get(key, "")
        if not raw:
            continue
        name = _pick_part(_parts(raw), page, prefer_last=False)
        if name is None:
            continue
        if _DOMAIN.match(name):
            # "brightpath.org" is where the site lives, not what it calls itself: only a last resort.
            fallback = fallback or (name, f"site name: {raw}")
            continue
        return _expanded(name, page), f"site name: {raw}"
    titled = _title_name(page)
    if titled:
        return _expanded(titled, page), f"page title: {page.title}"
    org = _jsonld_name(page)
    if org:
        return org
    copyright_name = _copyright_name(page.full_text)
    if copyright_name:
        return copyright_name
    if fallback:
        return fallback
    host = urlsplit(page.url).hostname or ""
    return (host or None), (f"host: {host}" if host else None)


def _parts(text: str) -> list[str]:
    return [p.strip() for p in _TITLE_SPLIT.split(norm_space(text)) if p.strip()]


def _title_name(page: Page) -> str | None:
    parts = _parts(page.title)
    if len(parts) > 1:
        return _pick_part(parts, page, prefer_last=True)
    # "Tidewater Medical Volunteers: Dental Elective in Peru": the name before a colon that heads the h1's text.
    head, sep, rest = page.title.partition(": ")
    if sep and page.h1 and (page.h1.lower() in rest.lower() or rest.lower() in page.h1.lower()):
        return head.strip()
    return None


def _pick_part(parts: list[str], page: Page, *, prefer_last: bool) -> str | None:
    """The part of a title or site name that names the organisation, not the program, a place or a tagline."""
    from pipelines.places import is_place

    cands = []
    for pos, part in enumerate(parts):
        # "Bright Path Volunteers® (BPV)": the mark and the bracketed acronym are not part of the name.
        name = _without_place(_MARKS.sub("", part).strip())
        if not name or name.lower() in _GENERIC or is_place(name) or _is_program(name, page.h1):
            continue
        cands.append((pos, name))
    if not cands:
        return None
    if len(cands) == 1:
        return cands[0][1]
    text = page.full_text

    def score(item: tuple[int, str]) -> tuple[bool, bool, bool, int]:
        pos, name = item
        # The organisation's name recurs in the page's own chrome (header logo, footer); a program name or a
        # category is made of program words; a tagline reads as a phrase ("with Purpose", "Since 2005").
        return (name in text, not _all_program_words(name), _name_like(name), pos if prefer_last else -pos)

    return max(cands, key=score)[1]


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'’&-]+", text.lower())


def _is_program(part: str, h1: str) -> bool:
    """`part` repeats the page's heading: the program's own name ("Nursing Placements in Ghana" for the h1
    "Nursing Placement in Ghana")."""
    if not h1:
        return False
    a = {w.rstrip("s") for w in _words(part)}
    b = {w.rstrip("s") for w in _words(h1)}
    if not a or not b:
        return False
    if len(a & b) / len(a | b) >= 0.6:
        return True
    # "Nursing Placement" inside "Nursing Placement in Ghana" is the program; "Bright Path Volunteers" inside
    # "Medical Elective with Bright Path Volunteers" is the organisation the heading names.
    return part.lower() in h1.lower() and (len(part) >= 0.6 * len(h1) or _all_program_words(part))


def _all_program_words(name: str) -> bool:
    from pipelines.places import is_place

    return all(w in _PROGRAM_WORDS or is_place(w.title()) for w in _words(name))


def _name_like(name: str) -> bool:
    """A name is capitalised words joined by small words; a tagline has other lower-case words or a year."""
    if re.search(r"\d{4}", name):
        return False
    return all(w[0].isupper() or w[0].isdigit() or re.fullmatch(_CONNECT, w) for w in name.split())


def _expanded(name: str, page: Page) -> str:
    """'BPV' -> 'Bright Path Volunteers' when the page spells the acronym out (its header, footer or text);
    'Bright' -> 'Bright Path Volunteers' when the copyright line gives the one-word brand in full."""
    if " " not in name and not _ACRONYM.match(name) and name[:1].isupper():
        # A title ending "| Kestrel" shortens the name the footer states in full ("© 2025 Kestrel Medical
        # Electives B.V."); another organisation's name there ("Kestrelle Ltd", a web designer) is no expansion.
        full = _copyright_name(page.full_text)
        if full and full[0].startswith(name + " ") and _name_like(full[0]) and len(full[0].split()) <= 6:
            return full[0]
        return name
    if not _ACRONYM.match(name) or len(name) < 3:  # two letters spell out too many phrases by chance
        return name
    words = [rf"{letter}[\w'’-]+" for letter in name]
    pattern = re.compile(r"\b" + rf"\s+(?:{_CONNECT}\s+)?".join(words) + r"\b")
    m = pattern.search(page.full_text)
    return m.group(0) if m else name


def _jsonld_name(page: Page) -> tuple[str, str] | None:
    """Sites without og:site_name still name themselves in structured data."""
    for item in page.jsonld:
        types = item.get("@type")
        types = types if isinstance(types, list) else [types]
        if any(t in ("Organization", "WebSite", "Hospital", "MedicalOrganization", "NGO", "EducationalOrganization",
                     "LocalBusiness") for t in types) and isinstance(item.get("name"), str) and item["name"].strip():
            name = norm_space(item["name"])
            return name, f"structured data {types[0]}: {name}"
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str) and publisher["name"].strip():
            return norm_space(publisher["name"]), f"structured data publisher: {publisher['name']}"
    return None


_COPYRIGHT_NAME = re.compile(_NAME)
_FOOTER_WORDS = re.compile(
    r"\s*(?<![\w'’-])(?:(?i:all\s+rights)\b|All$|(?:Privacy|Terms|Cookies?|Contact|Sitemap|Imprint|Impressum|Legal|"
    r"Registered|Company|ABN|ACN|Designed|Website|Powered|Follow|Disclaimer)(?![a-z]))"
)


def _copyright_name(text: str) -> tuple[str, str] | None:
    """The name in the page's copyright line ("© 2024 Bright Path Ltd. All rights reserved." -> "Bright Path").

    The footer's line is the last one on the page and usually carries a year; a photographer's credit inside the
    content does neither."""
    best: tuple[bool, int, str, str] | None = None
    for mark in _COPYRIGHT.finditer(text):
        if _PHOTO_CREDIT.search(text, max(0, mark.start() - 20), mark.start()):
            continue
        lead = _COPYRIGHT_LEAD.match(text, mark.end())
        pos = lead.end() if lead else mark.end()
        m = _COPYRIGHT_NAME.match(text, pos)
        if not m or _NOT_NAMES.match(m.group(0)):
            continue
        # "Bright Path Ltd. All rights reserved": the rights notice is not part of the name, nor the footer
        # links that follow it (the page's full text runs elements together: "Bright Path Privacy Terms").
        name = _FOOTER_WORDS.split(m.group(0), maxsplit=1)[0]
        name = _COMPANY_FORM.sub("", _end_of_name(name)).strip(" ,")
        if not name or len(name) < 2:
            continue
        has_year = bool(re.search(r"\d{4}", text[mark.end():pos])) or bool(
            re.match(r"\s*\d{4}", text[m.end():m.end() + 6]))
        cand = (has_year, mark.start(), name, norm_space(text[mark.start():m.end()]))
        if best is None or cand[:2] > best[:2]:
            best = cand
    return (best[2], best[3]) if best else None


def _without_place(name: str) -> str:
    """'Shoreline Health Volunteers, Homa Bay, Kenya' names the organisation, then where it is."""
    from pipelines.places import is_place

    parts = [p.strip() for p in name.split(",")]
    while len(parts) > 1 and is_place(parts[-1]):
        parts.pop()
    return ", ".join(parts)


def extract_title(page: Page) -> str:
    if page.h1:
        return page.h1
    parts = re.split(r"\s+[|–—]\s+|\s+-\s+", page.title)
    return parts[0].strip() if parts and parts[0].strip() else (page.title or page.url)
