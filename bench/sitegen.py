"""Deterministic generator of a realistic provider site, for the crawl benchmark (bench/crawl.py) and its test.

The site is one invented provider ("Meridian Health Placements") laid out the way WordPress-era provider sites
are: a home page, an all-programs listing and one listing per destination country (both paginated), many program
pages, a journal (blog posts, paginated index, monthly archives), FAQ pages, a few information pages, robots.txt
and a sitemap index with three sitemaps. Every page carries the same production-weight chrome: a mega-menu of
destinations and fields printed twice (desktop and mobile), a cookie notice, a promo bar, inline CSS and scripts,
related-program teaser cards with prices, a gallery and a link-heavy footer, so on the 5,000-page site program
pages weigh 50-72 KB with 180-230 links (50-120 distinct URLs) and listings ~210, like the pages the field notes
measured. Smaller sites have fewer destinations, so a lighter menu.

Program pages vary what extraction has to read: fee tables, weekly rates and one-off fees in prose, price lists,
key-fact lists, durations as ranges or lists, fixed or rolling start dates, several kinds of supervision claim
(licensed, vague, none), observation or hands-on tasks, an occasional red flag, and legal, safety and
community-benefit sections that are sometimes missing. Text comes from phrase banks written for this benchmark
(in the spirit of demo/sites, not copied from it), picked by a seeded random generator: the same (pages, seed)
always gives byte-identical files, so runs of the benchmark are comparable.

Every page is reachable from the home page by links within four hops (the crawler's default depth limit is 6),
and also listed in the sitemaps; no URL shape (digits folded) repeats 100 times, where the crawler's trap guard
would stop following it. Links are root-relative; canonical links and sitemaps use `http://SITE_ROOT`,
which catalog.siteserver replaces with the served origin.

    python -m bench.sitegen OUT_DIR [--pages 5000] [--seed 1]      # writes OUT_DIR/sites/meridian/
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

__all__ = ["SITE_NAME", "GeneratedSite", "generate_site"]

SITE_NAME = "meridian"
PROVIDER = "Meridian Health Placements"
ROOT_URL = "http://SITE_ROOT"
PER_LISTING = 24  # program cards per listing page
# The all-programs listing shows more per page, so that it keeps under MAX_SHAPE pages: the crawler takes more
# than 100 URLs of one shape (digits folded: /programs/page-0.html) on a host for a trap (scrapers.traps).
MAX_SHAPE = 90
PER_BLOG_INDEX = 10  # posts per journal index page
_HREF = re.compile(r'<a\b[^>]*?\bhref="([^"#]*)', re.I)

# (country code, country name, slug, towns) - real towns, so the places extractor has real work to do.
COUNTRIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("UG", "Uganda", "uganda", ("Mbarara", "Jinja", "Gulu", "Fort Portal")),
    ("TZ", "Tanzania", "tanzania", ("Moshi", "Arusha", "Iringa", "Mwanza")),
    ("KE", "Kenya", "kenya", ("Eldoret", "Nakuru", "Kisumu", "Nyeri")),
    ("GH", "Ghana", "ghana", ("Kumasi", "Cape Coast", "Tamale", "Ho")),
    ("NP", "Nepal", "nepal", ("Pokhara", "Kathmandu", "Dhulikhel", "Chitwan")),
    ("PE", "Peru", "peru", ("Cusco", "Arequipa", "Huancayo", "Trujillo")),
    ("KH", "Cambodia", "cambodia", ("Battambang", "Siem Reap", "Kampot")),
    ("MW", "Malawi", "malawi", ("Zomba", "Lilongwe", "Blantyre", "Mzuzu")),
    ("BO", "Bolivia", "bolivia", ("Sucre", "Cochabamba", "Santa Cruz")),
    ("GT", "Guatemala", "guatemala", ("Quetzaltenango", "Antigua Guatemala", "Coban")),
    ("LK", "Sri Lanka", "sri-lanka", ("Kandy", "Galle", "Matara")),
    ("IN", "India", "india", ("Madurai", "Dharamshala", "Mysore", "Pune")),
    ("TH", "Thailand", "thailand", ("Chiang Mai", "Khon Kaen", "Hat Yai")),
    ("VN", "Vietnam", "vietnam", ("Hue", "Hoi An", "Can Tho")),
    ("ZM", "Zambia", "zambia", ("Livingstone", "Lusaka", "Ndola")),
    ("ZA", "South Africa", "south-africa", ("Knysna", "Stellenbosch", "George", "Durban")),
    ("CV", "Cape Verde", "cape-verde", ("Mindelo", "Praia")),
    ("FJ", "Fiji", "fiji", ("Lautoka", "Suva", "Nadi")),
    ("LA", "Laos", "laos", ("Luang Prabang", "Vientiane")),
    ("MX", "Mexico", "mexico", ("Oaxaca", "Merida", "Puebla")),
    ("NI", "Nicaragua", "nicaragua", ("Granada", "Leon", "Esteli")),
    ("RW", "Rwanda", "rwanda", ("Kigali", "Huye", "Musanze")),
    ("MG", "Madagascar", "madagascar", ("Antananarivo", "Fianarantsoa")),
    ("PH", "Philippines", "philippines", ("Cebu", "Iloilo", "Davao")),
    ("ID", "Indonesia", "indonesia", ("Yogyakarta", "Denpasar", "Mataram")),
    ("EC", "Ecuador", "ecuador", ("Cuenca", "Quito", "Otavalo")),
    ("MA", "Morocco", "morocco", ("Marrakesh", "Fes", "Agadir")),
    ("BZ", "Belize", "belize", ("San Ignacio", "Belmopan")),
    ("MN", "Mongolia", "mongolia", ("Ulaanbaatar", "Darkhan")),
    ("SN", "Senegal", "senegal", ("Saint-Louis", "Thies", "Dakar")),
    ("JM", "Jamaica", "jamaica", ("Montego Bay", "Mandeville")),
    ("BW", "Botswana", "botswana", ("Maun", "Francistown", "Gaborone")),
)

# (slug, label, who it is for, department words)
FIELDS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("medicine", "Medical", "medical students in their clinical years", ("internal medicine", "paediatrics",
                                                                          "general surgery", "emergency")),
    ("nursing", "Nursing", "nursing students and registered nurses", ("medical wards", "maternity",
                                                                      "outpatients", "wound care")),
    ("midwifery", "Midwifery", "student midwives", ("the labour ward", "antenatal clinics", "postnatal care")),
    ("dentistry", "Dental", "dental students", ("the dental clinic", "school screening", "oral surgery")),
    ("physiotherapy", "Physiotherapy", "physiotherapy students", ("rehabilitation", "orthopaedics",
                                                                  "stroke recovery")),
    ("public-health", "Public Health", "students of public health and global health", ("community outreach",
                                                                                        "health education")),
    ("pharmacy", "Pharmacy", "pharmacy students", ("the hospital pharmacy", "dispensing", "stock control")),
    ("pre-med", "Pre-Med", "pre-medical students and school leavers", ("outpatient clinics", "health camps")),
    ("occupational-therapy", "Occupational Therapy", "occupational therapy students", ("rehabilitation",
                                                                                      "community clinics")),
    ("radiography", "Radiography", "radiography students", ("the imaging department", "ultrasound")),
)
KINDS = ("Elective", "Placement", "Internship", "Volunteer Program", "Observership", "Experience")
CURRENCIES = (("GBP", "&pound;", 1.0), ("USD", "$", 1.27), ("EUR", "&euro;", 1.17), ("AUD", "A$", 1.93))

FACILITIES = (
    "a busy government teaching hospital", "the regional referral hospital", "a district hospital and its clinics",
    "a mission hospital run by a local church", "a network of community health centres",
    "a private-public partnership hospital", "the university teaching hospital", "a rural health centre",
)
OVERVIEW = (
    "{town} is one of the fastest-growing towns in {country}, and {facility} here takes referrals from a wide "
    "catchment. Wards are full, investigations are limited and clinical examination still carries most of the "
    "weight, which is why participants tell us they come home sharper.",
    "You will be based at {facility} in {town}, working alongside local staff who have hosted international "
    "students with us since {year}. Expect long queues in outpatients, a wide case mix and patients who often "
    "arrive late in their illness.",
    "Our {field_label_lower} placement in {town} suits {audience} who want to see how care is delivered with few "
    "resources. The team at {facility} are generous teachers and expect you to ask questions.",
    "{country}'s health system relies on nurses and clinical officers far more than on doctors, and {town} is a "
    "good place to see why. You will spend most of your time in {department}, with visits to outreach clinics.",
    "Placements in {town} start with an orientation day covering the hospital, local customs, a language crash "
    "course and how to stay safe. After that you join your department's daily routine.",
    "Malaria, TB, HIV follow-up, malnutrition, road-traffic trauma and a growing load of diabetes and hypertension "
    "make up much of the work at {facility}; many conditions present at a stage you would rarely see at home.",
    "Accommodation is in our participant house in {town}, a short walk or tuk-tuk ride from {facility}. You share "
    "it with other students on our programs, and our local coordinator lives nearby.",
    "Weekends are free. Participants in {town} often travel together to national parks, markets and the coast; our "
    "coordinator helps with bus tickets and trusted drivers.",
)
TASKS_OBSERVE = (
    "Shadow doctors on the morning ward round and discuss cases afterwards.",
    "Observe consultations in outpatient clinics with an interpreter.",
    "Watch procedures in theatre from the observation area.",
    "Attend the weekly teaching session for local interns.",
    "Join community outreach days and observe health screening.",
    "Sit in on antenatal clinics and follow the midwives' caseload.",
    "Observe how the pharmacy manages stock and dispenses medicines.",
    "Follow patients from admission to discharge and write reflective notes.",
)
TASKS_HANDS_ON = (
    "Take histories and examine new admissions, then present them on the ward round.",
    "Take and record vital signs at triage.",
    "Dress wounds in the wound-care clinic under a nurse's eye.",
    "Help run the chronic-disease clubs for diabetes and hypertension.",
    "Give short health talks in the waiting room.",
    "Assist with documentation and follow up investigation results for your team.",
    "Help with antenatal checks: blood pressure, urine tests and fundal height.",
    "Carry out basic exercises with rehabilitation patients set by the physiotherapist.",
    "Screen school children for dental caries and give oral hygiene lessons.",
)
SUPERVISION_LICENSED = (
    "Each participant is attached to one consultant and works under the supervision of that department's medical "
    "officers. Our coordinator checks in with you and your team every week.",
    "You are supervised by registered nurses at all times, and you only do what your training and registration "
    "allow.",
    "A licensed {profession} at the host facility is your named supervisor and signs off your placement report.",
    "All clinical work happens under the direct supervision of qualified local staff, registered with the national "
    "council.",
)
SUPERVISION_VAGUE = (
    "Our friendly local team will look after you throughout your stay.",
    "You will be mentored by experienced staff and supported by our in-country team.",
    "Staff at the hospital are always around to help you learn.",
)
SUPERVISION_NONE = (
    "You are free to organise your own days in the clinic once you have settled in.",
    "Participants work independently and choose the departments they want to visit.",
)
RED_FLAGS = (
    "No medical experience is needed: from week one you could be suturing, delivering babies and running "
    "your own clinic.",
    "Volunteers regularly help with minor surgery and deliveries, even without prior training.",
    "Get real hands-on experience beyond what you would be allowed to do at home!",
)
INCLUDES = (
    "Arranging your placement and supervision", "A twin room in our participant house", "Breakfast and dinner daily",
    "Airport pick-up and transfer", "Orientation day and language lesson", "Wi-Fi at the house",
    "24-hour in-country support", "A placement certificate for your university", "Transport to the placement",
    "Weekly laundry", "A local SIM card", "Police background check",
)
EXCLUDES = (
    "International flights", "Travel and medical insurance", "Visa fees and vaccinations", "Weekend trips",
    "Spending money", "Airport departure transfer", "Lunch on placement days", "Scrubs and a stethoscope",
)
LEGAL = (
    "Students apply for a {country} visa online before travelling. We send a letter from the hospital confirming "
    "the placement, which you upload with your visa application.",
    "Qualified professionals who want to take on clinical duties need temporary registration with the national "
    "council; we explain the steps and allow three months for it.",
    "You enter on a visitor visa and take part as a student observer under the hospital's agreement with us; this "
    "does not allow any independent clinical work.",
)
SAFETY = (
    "Travel insurance with medical cover and repatriation is a condition of booking. We send a vaccination "
    "checklist when you book, and our coordinator carries a 24-hour emergency phone.",
    "A starter pack of post-exposure prophylaxis is kept at the house. Dengue is common in the wet season, so we "
    "brief every group on mosquito precautions.",
    "We run a safety briefing on arrival covering transport, money and personal safety, and check in with every "
    "participant each evening by message.",
)
COMMUNITY = (
    "We pay the hospital a teaching fee for every participant we place. Since {year} those fees have equipped "
    "the skills lab and funded a local nurse's salary.",
    "Part of every program fee goes to the health centre's outreach budget, which pays for fuel and supplies for "
    "rural clinic days.",
    "Our partnership is reviewed every year with the hospital management, who decide how many students they can "
    "host without taking time away from patients.",
)
TESTIMONIALS = (
    ("Hannah, Leeds", "The wards were full from day one and the doctors made time to teach us every morning."),
    ("Tom, Dublin", "I learnt more about clinical examination in four weeks than in a year at home."),
    ("Priya, Melbourne", "Great coordinator, clean house, and the outreach days were the highlight."),
    ("Lukas, Vienna", "Well organised. I wish I had stayed longer."),
    ("Grace, Toronto", "The midwives were incredible teachers and very patient with our questions."),
)
BLOG_TOPICS = (
    "What does a {field} placement in {country} really cost?", "Ten things to pack for {town}",
    "A week on the wards in {town}", "How to choose an ethical {field} elective",
    "Visas and registration for {country}: a checklist", "Staying healthy in {country}",
    "Learning the language before {town}", "Meet our {town} coordinator", "Weekend trips from {town}",
    "Writing your elective report after {country}",
)
BLOG_PARAGRAPHS = (
    "Every year we are asked the same question by students planning a placement: what will it cost in total? The "
    "program fee is only part of the answer. Flights, insurance, vaccinations and spending money can add as much "
    "again, so we set out the full picture here.",
    "The first morning is always the hardest. The hospital is busier than you expect, the language is unfamiliar "
    "and nobody has time to explain where anything is. By the third day most participants have found their feet.",
    "We ask every host hospital how many students they can take without taking time away from patients, and we "
    "never place more than that. Some months that means turning students away.",
    "Supervision matters more than anything else on a placement. Before you book any program, ask who will "
    "supervise you, what they are licensed to do and what you will be allowed to do yourself.",
    "Our coordinators are local health professionals. They know the hospitals, the staff and the towns, and they "
    "are the first people you call when something goes wrong.",
    "Bring a copy of your university's learning objectives and share them with your supervisor in the first week; "
    "it makes it much easier to get the cases you need for your report.",
    "Insurance is not optional. Make sure your policy covers medical treatment, repatriation and the clinical "
    "activities you will be doing, and carry the emergency number with you.",
)
FAQ_ITEMS = (
    ("How do I pay?", "After we confirm your place you pay the registration fee. The balance is due eight weeks "
     "before you travel."),
    ("Can I get a refund?", "The registration fee is non-refundable. Cancellations more than eight weeks before "
     "departure get the rest back in full."),
    ("Do you arrange visas?", "We send a supporting letter for every program. You apply for the visa yourself and "
     "pay the fee."),
    ("Is insurance included?", "No. You need travel insurance that covers medical treatment, repatriation and the "
     "clinical work you will do."),
    ("What vaccinations do I need?", "That depends on the country; see your travel clinic at least eight weeks "
     "before you go."),
    ("Will I be supervised?", "Yes. Every participant has a named supervisor at the host facility and a coordinator "
     "in the country."),
    ("What if there is an emergency?", "Each country team has a 24-hour phone line and a plan for medical "
     "evacuation."),
    ("Can I come with a friend?", "Yes, and we can place you in the same department if the hospital agrees."),
    ("Do I need to speak the local language?", "No, but a few phrases go a long way; we include a lesson in "
     "orientation."),
    ("How long can I stay?", "Most programs run from two to twelve weeks; longer stays are possible on request."),
)
FAQ_TOPICS = ("booking-and-payment", "before-you-go", "on-placement", "money-and-fees", "visas", "health-and-safety",
              "accommodation", "for-universities", "for-parents", "after-your-placement")
AFTERNOONS = ("Debrief with your supervisor", "Language lesson", "Free afternoon", "Case presentation",
              "Outreach clinic", "Reading and reflective notes")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@dataclass
class GeneratedSite:
    """What generate_site wrote: `root` holds `sites/<name>/` (the layout catalog.siteserver.serve_sites serves)."""

    root: Path
    name: str
    pages: dict[str, str] = field(default_factory=dict)  # URL path -> kind (home, listing, program, ...)
    links: dict[str, list[str]] = field(default_factory=dict)  # URL path -> same-site paths it links to
    sizes: dict[str, int] = field(default_factory=dict)  # URL path -> bytes of its HTML
    bytes_html: int = 0

    @property
    def site_dir(self) -> Path:
        return self.root / "sites" / self.name

    @property
    def programs(self) -> list[str]:
        return [p for p, kind in self.pages.items() if kind == "program"]

    def depths(self, start: str = "/") -> dict[str, int]:
        """Link depth of every page reachable from `start` (breadth-first over the generated links)."""
        seen = {start: 0}
        queue = deque([start])
        while queue:
            page = queue.popleft()
            for target in self.links.get(page, ()):
                if target in self.pages and target not in seen:
                    seen[target] = seen[page] + 1
                    queue.append(target)
        return seen

    def summary(self) -> dict[str, object]:
        kinds: dict[str, int] = {}
        for kind in self.pages.values():
            kinds[kind] = kinds.get(kind, 0) + 1
        counts = [len(v) for v in self.links.values()]
        depths = self.depths()
        shapes: dict[str, int] = {}
        for path in self.pages:
            shape = re.sub(r"\d+", "0", path)
            shapes[shape] = shapes.get(shape, 0) + 1
        return {
            "pages": len(self.pages), "kinds": kinds, "mb_html": round(self.bytes_html / 1e6, 1),
            "links_per_page_min": min(counts), "links_per_page_median": sorted(counts)[len(counts) // 2],
            "links_per_page_max": max(counts), "reachable": len(depths), "max_depth": max(depths.values()),
            "max_urls_per_shape": max(shapes.values()),
        }


@dataclass(frozen=True)
class _Program:
    path: str
    title: str
    country: tuple[str, str, str, tuple[str, ...]]
    town: str
    field: tuple[str, str, str, tuple[str, ...]]
    currency: tuple[str, str, float]
    per_week: int  # weekly price in the program's currency, for teaser cards

    def price_text(self) -> str:
        return f"From {self.currency[1]}{self.per_week:,} per week"


@dataclass(frozen=True)
class _Post:
    path: str
    title: str
    date: str  # ISO date
    month: str  # archive key, YYYY-MM


def _all_per_page(n_programs: int) -> int:
    return max(PER_LISTING, math.ceil(n_programs / MAX_SHAPE))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class _Builder:
    """Builds every page of one site; the layout counts are fixed up front so pages can link to each other."""

    def __init__(self, pages: int, seed: int, write: bool = True) -> None:
        if pages < 30:
            raise ValueError("a site needs at least 30 pages")
        self.seed = seed
        self.write = write
        self.rng = random.Random(seed)
        n_posts = max(4, pages // 10)
        n_faq = min(len(FAQ_TOPICS), max(2, pages // 400))
        self.countries = COUNTRIES[: max(3, min(len(COUNTRIES), pages // 40))]
        n_info = 6  # home, about, contact, apply, how-it-works, safety
        self.n_months = min(36, max(1, math.ceil(n_posts / 14)))
        n_blog_index = math.ceil(n_posts / PER_BLOG_INDEX)
        fixed = n_info + (1 + n_faq) + n_posts + n_blog_index + self.n_months
        # The programs fill what is left; listing pages (all programs, and per country) depend on their number.
        n_programs = pages - fixed
        while n_programs > 0 and fixed + n_programs + self._n_listings(n_programs) > pages:
            n_programs -= 1
        self.posts = self._plan_posts(n_posts)
        self.programs = self._plan_programs(n_programs)
        self.by_country: dict[str, list[_Program]] = {c[2]: [] for c in self.countries}
        for prog in self.programs:
            self.by_country[prog.country[2]].append(prog)
        self.faq_pages = [f"/faq/{t}.html" for t in FAQ_TOPICS[:n_faq]]
        # Pad with information pages when rounding left the plan short of the requested count.
        self.extra_info = [f"/about/team-{i}.html" for i in range(pages - fixed - n_programs
                                                                  - self._n_listings(n_programs))]
        self.site = GeneratedSite(root=Path("."), name=SITE_NAME)
        self.chrome = self._chrome()

    def _n_listings(self, n_programs: int) -> int:
        per_country = [0] * len(self.countries)
        for i in range(n_programs):
            per_country[i % len(self.countries)] += 1
        return max(1, math.ceil(n_programs / _all_per_page(n_programs))) + sum(max(1, math.ceil(n / PER_LISTING))
                                                                  for n in per_country)

    # -- plan ---------------------------------------------------------------------------------------------------

    def _plan_programs(self, n: int) -> list[_Program]:
        rng = random.Random(self.seed * 7919 + 1)
        programs = []
        for i in range(n):
            country = self.countries[i % len(self.countries)]  # round-robin: every country gets programs
            town = rng.choice(country[3])
            fld = FIELDS[rng.randrange(len(FIELDS)) if rng.random() < 0.6 else 0]
            kind = rng.choice(KINDS)
            title = f"{fld[1]} {kind} in {town}, {country[1]}"
            currency = CURRENCIES[0] if rng.random() < 0.7 else rng.choice(CURRENCIES[1:])
            per_week = int(rng.randrange(180, 720, 5) * currency[2])
            path = f"/programs/{country[2]}/{_slug(f'{fld[0]} {kind} {town}')}-{i + 1}.html"
            programs.append(_Program(path, title, country, town, fld, currency, per_week))
        return programs

    def _plan_posts(self, n: int) -> list[_Post]:
        rng = random.Random(self.seed * 7919 + 2)
        posts = []
        for i in range(n):
            month_index = i * self.n_months // n
            year, month = 2026 - (month_index // 12), 12 - (month_index % 12)
            country = rng.choice(COUNTRIES)
            title = rng.choice(BLOG_TOPICS).format(field=rng.choice(FIELDS)[1].lower(), country=country[1],
                                                   town=rng.choice(country[3]))
            day = 1 + (i * 7) % 28
            date = f"{year}-{month:02d}-{day:02d}"
            posts.append(_Post(f"/journal/{year}/{month:02d}/{_slug(title)}-{i + 1}.html", title, date,
                               f"{year}-{month:02d}"))
        return posts

    # -- shared chrome --------------------------------------------------------------------------------------------

    def _chrome(self) -> dict[str, str]:
        """Markup every page repeats: head assets, the mega-menu (twice), cookie notice, promo bar, footer."""
        style = "<style id='theme-inline-css'>" + "".join(
            f".mh-c{i}{{margin:{i % 7}px {i % 3}px;padding:{i % 5}px;color:#{i * 2654435761 % 0xFFFFFF:06x};"
            f"display:{'flex' if i % 2 else 'grid'};gap:{i % 4}rem}}" for i in range(70)
        ) + "</style>"
        script = "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}" + "".join(
            f"function mh{i}(e){{var t=e&&e.target;return t?t.dataset.k{i}||null:null}}" for i in range(35)
        ) + "gtag('js',new Date());</script>"
        menu_items: list[tuple[str, str]] = [("/programs/", "All programs")]
        menu_items += [(f"/destinations/{c[2]}/", f"{c[1]} programs") for c in self.countries]
        menu_items += [(f"/programs/?field={f[0]}", f"{f[1]} placements") for f in FIELDS]
        menu_items += [("/how-it-works.html", "How it works"), ("/safety.html", "Safety"), ("/faq/", "FAQ"),
                       ("/journal/", "Journal"), ("/about.html", "About us"), ("/contact.html", "Contact"),
                       ("/apply.html", "Apply now")]

        def menu(kind: str) -> str:
            items = []
            for i, (href, label) in enumerate(menu_items):
                items.append(
                    f'<li id="{kind}-menu-item-{2000 + i}" class="menu-item menu-item-type-post_type '
                    f'menu-item-object-page menu-item-{2000 + i}" data-depth="{1 if "/destinations/" in href else 0}">'
                    f'<a class="menu-link elementor-item" href="{href}" data-id="{i}">'
                    f'<span class="menu-text">{escape(label)}</span><svg class="e-font-icon-svg" viewBox="0 0 10 10" '
                    f'aria-hidden="true"><path d="M0 0h10v10H0z"/></svg></a></li>'
                )
            return (f'<nav class="elementor-nav-menu--main elementor-nav-menu__container {kind}" aria-label="Menu">'
                    f'<ul id="menu-{kind}" class="elementor-nav-menu">{"".join(items)}</ul></nav>')

        header = (
            '<div class="cookie-notice" id="cookie-notice" role="region" aria-label="Cookies"><p>We use a handful of '
            'cookies to count visits and remember what you looked at. <a href="/about.html#privacy">Privacy '
            'notice</a></p><button type="button" data-consent="accept">Accept</button> <button type="button" '
            'data-consent="reject">Essential only</button></div>'
            '<div class="promo-bar">Early-bird: book any 2027 placement before 31 January and take &pound;150 off. '
            'Quote MERIDIAN150 when you apply.</div>'
            '<header class="site-header"><div class="wrap"><a class="logo" href="/"><strong>Meridian</strong> Health '
            f'Placements</a>{menu("desktop")}{menu("mobile")}</div></header>'
        )
        footer_dest = "".join(f'<li><a href="/destinations/{c[2]}/">{escape(c[1])}</a></li>' for c in self.countries)
        footer_help = "".join(f'<li><a href="{p}">{escape(t.replace("-", " ").capitalize())}</a></li>'
                              for p, t in zip([f"/faq/{t}.html" for t in FAQ_TOPICS], FAQ_TOPICS, strict=True)
                              if p in self.faq_pages)
        footer = (
            '<footer class="site-footer"><div class="wrap"><div class="footer-cols">'
            f'<section><h4>Destinations</h4><ul>{footer_dest}</ul></section>'
            f'<section><h4>Planning</h4><ul><li><a href="/faq/">FAQ</a></li>{footer_help}'
            '<li><a href="/journal/">Journal</a></li><li><a href="/apply.html?utm_source=footer">Apply or ask a '
            'question</a></li></ul></section>'
            f'<section><h4>{PROVIDER}</h4><p>Unit 9, Canal Works, Bristol BS1 6ZZ<br>0117 000 4417 &middot; '
            'hello@meridian-health.example</p><p>Meridian Health Placements Ltd is registered in England and Wales, '
            'company no. 10004417.</p></section></div>'
            f'<p class="legal">&copy; 2026 {PROVIDER} Ltd &middot; <a href="/about.html#privacy">Privacy</a> &middot; '
            '<a href="/about.html#terms">Booking terms</a></p></div></footer>'
            '<script src="https://analytics.example-cdn.net/m.js" defer></script>'
        )
        return {"style": style, "script": script, "header": header, "footer": footer}

    def _page(self, path: str, kind: str, title: str, body: str, *, description: str = "",
              head_extra: str = "") -> None:
        html = (
            '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)} | {PROVIDER}</title>\n"
            f'<meta name="description" content="{escape(description or title)}">\n'
            f'<link rel="canonical" href="{ROOT_URL}{path}">\n'
            f'<meta property="og:site_name" content="{PROVIDER}">\n'
            '<link rel="stylesheet" href="/assets/meridian.css?ver=4.2.1">\n'
            f"{self.chrome['style']}{self.chrome['script']}{head_extra}\n</head>\n"
            f'<body class="page-template-default {kind}">\n{self.chrome["header"]}\n'
            f'<main id="main" class="wrap">{body}</main>\n{self.chrome["footer"]}\n</body>\n</html>\n'
        )
        data = html.encode("utf-8")
        if self.write:
            file = self.site.site_dir / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(data)
        self.site.sizes[path] = len(data)
        self.site.bytes_html += len(data)
        self.site.pages[path] = kind
        # The links a crawler sees (query strings dropped, as the menu's ?field= links land on listings).
        self.site.links[path] = sorted({m.split("?", 1)[0] for m in _HREF.findall(html) if m.startswith("/")})

    # -- page bodies ------------------------------------------------------------------------------------------------

    def _cards(self, programs: Sequence[_Program], cls: str = "card") -> str:
        return "".join(
            f'<article class="{cls}"><h3><a href="{p.path}">{escape(p.title)}</a></h3>'
            f'<p class="meta">{escape(p.field[1])} &middot; {escape(p.town)}</p><p class="price">{p.price_text()}</p>'
            f'<a class="more" href="{p.path}">View program</a></article>'
            for p in programs
        )

    def _pagination(self, base: str, page: int, total: int) -> str:
        """WordPress-style numbered pages: first, last, every tenth and five either side of the current one, so any
        page of a long listing is two hops from its first page (a plain +-2 window makes page 80 forty hops deep)."""
        if total <= 1:
            return ""

        def href(n: int) -> str:
            return base if n == 1 else f"{base}page-{n}.html"

        shown = sorted({1, total, *range(10, total, 10), *range(max(1, page - 5), min(total, page + 5) + 1)})
        parts, last = [], 0
        for n in shown:
            if n - last > 1:
                parts.append('<span class="dots">&hellip;</span>')
            parts.append(f'<span aria-current="page">{n}</span>' if n == page else f'<a href="{href(n)}">{n}</a>')
            last = n
        if page < total:
            parts.append(f'<a class="next" href="{href(page + 1)}">Next &raquo;</a>')
        return f'<nav class="pagination" aria-label="Pages">{"".join(parts)}</nav>'

    def _sidebar_posts(self, rng: random.Random, k: int = 5) -> str:
        posts = rng.sample(self.posts, min(k, len(self.posts)))
        return ('<aside class="widget recent-posts"><h4>From the journal</h4><ul>'
                + "".join(f'<li><a href="{p.path}">{escape(p.title)}</a></li>' for p in posts) + "</ul></aside>")

    def _program_body(self, i: int, prog: _Program) -> tuple[str, str]:
        rng = random.Random(self.seed * 1_000_003 + i)
        code, country, cslug, towns = prog.country
        fslug, flabel, audience, departments = prog.field
        cur, sym, _ = prog.currency
        department = rng.choice(departments)
        facility = rng.choice(FACILITIES)
        fmt = {"town": prog.town, "country": country, "facility": facility, "year": rng.randrange(2008, 2022),
               "field_label_lower": flabel.lower(), "audience": audience, "department": department,
               "profession": {"nursing": "nurse", "midwifery": "midwife", "dentistry": "dentist"}.get(fslug,
                                                                                                    "doctor")}
        overview = "".join(f"<p>{p.format(**fmt)}</p>" for p in rng.sample(OVERVIEW, rng.randint(2, 5)))
        hands_on = fslug != "pre-med" and rng.random() < 0.55
        tasks = rng.sample(TASKS_HANDS_ON if hands_on else TASKS_OBSERVE, rng.randint(3, 6))
        role = "<ul>" + "".join(f"<li>{t}</li>" for t in tasks) + "</ul>"
        if rng.random() < 0.04:
            role += f"<p><strong>{rng.choice(RED_FLAGS)}</strong></p>"
        elif hands_on:
            role += ("<p>You will not carry out procedures on your own. Anything beyond history-taking and examination "
                     "happens only when a qualified member of staff asks you to and stays with you.</p>")
        roll = rng.random()
        sup_bank = SUPERVISION_LICENSED if roll < 0.7 else SUPERVISION_VAGUE if roll < 0.92 else SUPERVISION_NONE
        supervision = f"<p>{rng.choice(sup_bank).format(**fmt)}</p>"
        min_w, max_w = rng.choice((1, 2, 2, 2, 3, 4)), rng.choice((8, 10, 12, 12, 16, 24))
        weeks = sorted({min_w, *rng.sample([w for w in (2, 3, 4, 6, 8, 10, 12) if min_w < w <= max_w], k=min(
            4, len([w for w in (2, 3, 4, 6, 8, 10, 12) if min_w < w <= max_w])))})
        base = prog.per_week
        reg_fee = rng.choice((95, 150, 195, 250, 295, 350))
        extra_week = int(base * rng.uniform(0.6, 0.85) // 5 * 5)
        style = rng.randrange(4)
        if style == 0:  # a length/price table
            rows = "".join(f"<tr><td>{w} week{'s' if w > 1 else ''}</td><td>{sym}{int(base * w * (1 - 0.03 * k)):,}"
                           f"</td></tr>" for k, w in enumerate(weeks))
            prices = (f'<table class="prices"><thead><tr><th>Length</th><th>Price ({cur})</th></tr></thead>'
                      f"<tbody>{rows}</tbody></table><p>Staying longer? Add {sym}{extra_week:,} for each additional "
                      f"week, up to {max_w} weeks in total. A one-off registration fee of {sym}{reg_fee} is payable "
                      f"when we confirm your place.</p>")
        elif style == 1:  # weekly rate in prose
            prices = (f"<p>The program fee is {sym}{base:,} per week, with a minimum stay of {min_w} "
                      f"week{'s' if min_w > 1 else ''}. A registration fee of {sym}{reg_fee} secures your place.</p>")
        elif style == 2:  # price list widget
            prices = ('<ul class="elementor-price-list">'
                      f'<li><span class="elementor-price-list-title">Weekly rate</span>'
                      f'<span class="elementor-price-list-price">{sym}{base:,} per week</span></li>'
                      f'<li><span class="elementor-price-list-title">Once-off program fee</span>'
                      f'<span class="elementor-price-list-price">{sym}{reg_fee}</span></li></ul>')
        else:  # a package price and extra weeks
            w0 = weeks[min(1, len(weeks) - 1)]
            prices = (f"<p>{w0} weeks cost {sym}{base * w0:,} in total; each additional week is {sym}{extra_week:,}."
                      f" Deposit: {sym}{reg_fee}, deducted from the balance.</p>")
        includes = "".join(f"<li>{x}</li>" for x in rng.sample(INCLUDES, rng.randint(4, 8)))
        excludes = "".join(f"<li>{x}</li>" for x in rng.sample(EXCLUDES, rng.randint(3, 6)))
        if rng.random() < 0.5:
            start_dates = "Placements can start on any Monday, year-round."
        else:
            months = sorted(rng.sample(range(12), 4))
            start_dates = "Group start dates in 2027: " + ", ".join(
                f"{rng.randrange(1, 28)} {MONTHS[m]}" for m in months) + "."
        min_age = rng.choice((17, 18, 18, 18, 21))
        sections = [
            f'<section id="overview"><h2>About the placement</h2>{overview}</section>',
            f'<section id="role"><h2>What you will do</h2>{role}</section>',
            f'<section id="supervision"><h2>Supervision</h2>{supervision}</section>',
            f'<section id="prices"><h2>Dates &amp; prices</h2><p>Placements run from {min_w} to {max_w} weeks. '
            f'{start_dates}</p>{prices}<h3>What the price covers</h3><ul>{includes}</ul><h3>Not included</h3>'
            f'<ul>{excludes}</ul></section>',
            f'<section id="requirements"><h2>Who can apply</h2><p>{audience.capitalize()}. You must be at least '
            f'{min_age} and comfortable working in English.</p></section>',
        ]
        if rng.random() < 0.8:
            sections.append(f'<section id="legal"><h2>Visas and permission to take part</h2><p>'
                            f'{rng.choice(LEGAL).format(**fmt)}</p></section>')
        if rng.random() < 0.85:
            sections.append(f'<section id="safety"><h2>Health and safety</h2><p>{rng.choice(SAFETY)}</p></section>')
        if rng.random() < 0.6:
            sections.append(f'<section id="partnership"><h2>How the hospital benefits</h2><p>'
                            f'{rng.choice(COMMUNITY).format(**fmt)}</p></section>')
        if rng.random() < 0.5:
            days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
            rows = "".join(f"<tr><th>{d}</th><td>{rng.choice(tasks)}</td><td>{rng.choice(AFTERNOONS)}</td></tr>"
                           for d in days)
            sections.append(f'<section id="week"><h2>A typical week</h2><table class="week"><thead><tr><th>Day'
                            f"</th><th>Morning</th><th>Afternoon</th></tr></thead><tbody>{rows}</tbody></table>"
                            "</section>")
        # Page-builder galleries: responsive images with long srcset attributes weigh a lot and say nothing.
        gallery = "".join(
            f'<figure class="gallery-item"><img width="800" height="533" loading="lazy" alt="{escape(prog.town)} '
            f'placement photo {k + 1}" src="/wp-content/uploads/2025/0{1 + k % 9}/{cslug}-{i}-{k}-800x533.jpg" '
            + "srcset=\"" + ", ".join(f"/wp-content/uploads/2025/0{1 + k % 9}/{cslug}-{i}-{k}-{w}x{w * 2 // 3}.jpg "
                                      f"{w}w" for w in (300, 768, 1024, 1536, 2048))
            + '" sizes="(max-width: 800px) 100vw, 800px"></figure>'
            for k in range(rng.choice((0, 4, 8, 12, 16, 24))))
        if gallery:
            sections.append(f'<section id="gallery" class="gallery">{gallery}</section>')
        reviews = "".join(f'<blockquote class="review"><p>{escape(t)}</p><cite>{escape(who)}</cite></blockquote>'
                          for who, t in rng.sample(TESTIMONIALS, rng.randint(1, 4)))
        facts = (f'<dl class="key-facts"><dt>Location</dt><dd>{escape(prog.town)}, {escape(country)}</dd>'
                 f"<dt>Field</dt><dd>{escape(flabel)}</dd><dt>Duration</dt><dd>{min_w}&ndash;{max_w} weeks</dd>"
                 f"<dt>Price</dt><dd>{prog.price_text()}</dd></dl>")
        same_country = self.by_country[cslug]
        related = rng.sample(self.programs, min(len(self.programs), rng.randint(6, 12)))
        related += rng.sample(same_country, min(len(same_country), 4))
        body = (
            f'<nav class="crumbs"><a href="/">Home</a> &rsaquo; <a href="/destinations/{cslug}/">{escape(country)}</a>'
            f" &rsaquo; {escape(prog.title)}</nav>"
            f'<article class="programme"><header class="prog-hero"><p class="eyebrow">{escape(flabel)} &middot; '
            f'{escape(country)}</p><h1>{escape(prog.title)}</h1></header><div class="prog-grid"><div class="prog-body">'
            f'{"".join(sections)}<section id="reviews" class="reviews"><h2>What participants say</h2>{reviews}'
            f'</section></div><aside class="prog-side">{facts}<p><a class="btn" href="/apply.html">Apply for this '
            f'program</a></p>{self._sidebar_posts(rng)}</aside></div></article>'
            f'<aside class="related" aria-label="You may also like"><h2>You may also like</h2><div class="cards">'
            f"{self._cards(related)}</div></aside>"
        )
        head = ""
        if rng.random() < 0.6:
            offer = {"@type": "Offer", "price": str(base), "priceCurrency": cur, "category": "per week"}
            head = ('<script type="application/ld+json">' + json.dumps({
                "@context": "https://schema.org", "@type": "Course", "name": prog.title,
                "provider": {"@type": "Organization", "name": PROVIDER, "sameAs": f"{ROOT_URL}/"}, "offers": offer,
            }) + "</script>")
        return body, head

    def _listing(self, base: str, heading: str, programs: Sequence[_Program], intro: str,
                 per_page: int = PER_LISTING) -> None:
        total = max(1, math.ceil(len(programs) / per_page))
        for page in range(1, total + 1):
            chunk = programs[(page - 1) * per_page: page * per_page]
            path = base if page == 1 else f"{base}page-{page}.html"
            rng = random.Random(f"{self.seed}:{path}")
            body = (f'<h1>{escape(heading)}{f" (page {page} of {total})" if page > 1 else ""}</h1><p>{intro}</p>'
                    f'<div class="cards">{self._cards(chunk)}</div>{self._pagination(base, page, total)}'
                    f"{self._sidebar_posts(rng, 3)}")
            self._page(path, "listing", heading, body)

    def build(self, root: Path) -> GeneratedSite:
        self.site.root = root
        if self.write:
            self.site.site_dir.mkdir(parents=True, exist_ok=True)
        self._home()
        self._listing("/programs/", "All programs", self.programs,
                      "Every placement we run, newest first. Prices are per person and include supervision.",
                      per_page=_all_per_page(len(self.programs)))
        for c in self.countries:
            progs = self.by_country[c[2]]
            self._listing(f"/destinations/{c[2]}/", f"Placements in {c[1]}", progs,
                          f"Our {len(progs)} programs in {escape(c[1])}: hospitals, clinics and outreach.")
        for i, prog in enumerate(self.programs):
            body, head = self._program_body(i, prog)
            self._page(prog.path, "program", prog.title, body, head_extra=head,
                       description=f"{prog.title}. {prog.price_text()}.")
        self._journal()
        self._faq()
        self._info()
        if self.write:
            self._robots_and_sitemaps()
        return self.site

    def _home(self) -> None:
        rng = random.Random(f"{self.seed}:home")
        featured = rng.sample(self.programs, min(12, len(self.programs)))
        tiles = "".join(f'<li><a href="/destinations/{c[2]}/">{escape(c[1])}</a> '
                        f"({len(self.by_country[c[2]])} programs)</li>" for c in self.countries)
        body = (f"<h1>Supervised health placements abroad</h1><p>Since 2009 {PROVIDER} has placed medical, nursing "
                "and allied-health students with partner hospitals in Africa, Asia and Latin America.</p>"
                f'<section class="destinations"><h2>Where we work</h2><ul>{tiles}</ul></section>'
                f'<section class="featured"><h2>Popular right now</h2><div class="cards">{self._cards(featured)}'
                f'</div></section><p><a href="/programs/">See all programs</a> &middot; '
                f'<a href="/journal/">Read the journal</a></p>')
        self._page("/", "home", "Supervised health placements abroad", body)

    def _journal(self) -> None:
        total = math.ceil(len(self.posts) / PER_BLOG_INDEX)
        months = sorted({p.month for p in self.posts}, reverse=True)
        archive = ('<aside class="widget archives"><h4>Archives</h4><ul>' + "".join(
            f'<li><a href="/journal/archive/{m}.html">{MONTHS[int(m[5:]) - 1]} {m[:4]}</a></li>' for m in months)
            + "</ul></aside>")
        for page in range(1, total + 1):
            chunk = self.posts[(page - 1) * PER_BLOG_INDEX: page * PER_BLOG_INDEX]
            path = "/journal/" if page == 1 else f"/journal/page-{page}.html"
            items = "".join(f'<article class="post-teaser"><h2><a href="{p.path}">{escape(p.title)}</a></h2>'
                            f'<time datetime="{p.date}">{p.date}</time><p>{BLOG_PARAGRAPHS[i % 7][:160]}&hellip; '
                            f'<a href="{p.path}">Read more</a></p></article>' for i, p in enumerate(chunk))
            body = f"<h1>Journal</h1>{items}{self._pagination('/journal/', page, total)}{archive}"
            self._page(path, "blog-index", "Journal", body)
        for month in months:
            posts = [p for p in self.posts if p.month == month]
            items = "".join(f'<li><a href="{p.path}">{escape(p.title)}</a> <time>{p.date}</time></li>' for p in posts)
            label = f"{MONTHS[int(month[5:]) - 1]} {month[:4]}"
            self._page(f"/journal/archive/{month}.html", "archive", f"Journal: {label}",
                       f"<h1>Journal: {label}</h1><ul>{items}</ul>{archive}")
        for i, post in enumerate(self.posts):
            rng = random.Random(f"{self.seed}:post:{i}")
            paras = rng.sample(BLOG_PARAGRAPHS, rng.randint(4, 7))
            mentioned = rng.sample(self.programs, min(len(self.programs), rng.randint(2, 5)))
            text = "".join(f"<p>{p}</p>" for p in paras[:2])
            text += "<p>Programs mentioned in this post: " + ", ".join(
                f'<a href="{p.path}">{escape(p.title)}</a>' for p in mentioned) + ".</p>"
            text += "".join(f"<p>{p}</p>" for p in paras[2:])
            body = (f'<article class="post"><h1>{escape(post.title)}</h1><p class="byline">Posted on '
                    f'<time datetime="{post.date}">{post.date}</time> by the Meridian team</p>{text}</article>'
                    f'<aside class="related-programs"><h2>Programs you might like</h2><div class="cards">'
                    f"{self._cards(rng.sample(self.programs, min(len(self.programs), 6)))}</div></aside>"
                    f"{self._sidebar_posts(rng, 6)}{archive}")
            self._page(post.path, "blog", post.title, body)

    def _faq(self) -> None:
        links = "".join(f'<li><a href="{p}">{escape(p.rsplit("/", 1)[1][:-5].replace("-", " ").capitalize())}</a></li>'
                        for p in self.faq_pages)
        intro = "".join(f"<h2>{escape(q)}</h2><p>{escape(a)}</p>" for q, a in FAQ_ITEMS[:3])
        self._page("/faq/", "faq", "Frequently asked questions",
                   f"<h1>Frequently asked questions</h1>{intro}<h2>More questions</h2><ul>{links}</ul>")
        for i, path in enumerate(self.faq_pages):
            rng = random.Random(f"{self.seed}:faq:{i}")
            items = "".join(f'<details class="faq"><summary>{escape(q)}</summary><p>{escape(a)}</p></details>'
                            for q, a in rng.sample(FAQ_ITEMS, 6))
            title = path.rsplit("/", 1)[1][:-5].replace("-", " ").capitalize()
            self._page(path, "faq", f"FAQ: {title}", f"<h1>FAQ: {escape(title)}</h1>{items}<ul>{links}</ul>")

    def _info(self) -> None:
        team = "".join(f'<li><a href="{p}">Team member {i + 1}</a></li>' for i, p in enumerate(self.extra_info))
        pages = {
            "/about.html": ("About us", f"<h1>About us</h1><p>{PROVIDER} is a small team in Bristol working with "
                            f'partner hospitals since 2009.</p><h2 id="privacy">Privacy</h2><p>We keep your data '
                            f'for as long as your booking needs it.</p><h2 id="terms">Booking terms</h2><p>The '
                            f"registration fee is non-refundable.</p><ul>{team}</ul>"),
            "/contact.html": ("Contact", "<h1>Contact</h1><p>Call us on 0117 000 4417, Monday to Friday.</p>"),
            "/apply.html": ("Apply", "<h1>Apply</h1><p>Tell us which program and dates you would like; we reply "
                            "within two working days.</p>"),
            "/how-it-works.html": ("How it works", "<h1>How it works</h1><p>Choose a program, apply, pay the "
                                   "registration fee, prepare with our pre-departure guide and travel.</p>"),
            "/safety.html": ("Safety", "<h1>Safety</h1><p>Every country team has a 24-hour phone line and an "
                             "emergency plan reviewed each year.</p>"),
        }
        for path, (title, body) in pages.items():
            self._page(path, "info", title, body)
        for i, path in enumerate(self.extra_info):
            self._page(path, "info", f"Team member {i + 1}", f"<h1>Team member {i + 1}</h1><p>Coordinator.</p>")

    def _robots_and_sitemaps(self) -> None:
        site_dir = self.site.site_dir
        (site_dir / "robots.txt").write_text(
            f"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: {ROOT_URL}/sitemap.xml\n", encoding="utf-8")
        groups: dict[str, list[str]] = {"programs": [], "posts": [], "pages": []}
        for path, kind in self.site.pages.items():
            groups["programs" if kind == "program" else "posts" if kind == "blog" else "pages"].append(path)
        for name, paths in groups.items():
            urls = "".join(f"<url><loc>{ROOT_URL}{p}</loc></url>" for p in paths)
            (site_dir / f"sitemap-{name}.xml").write_text(
                '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{urls}</urlset>\n", encoding="utf-8")
        index = "".join(f"<sitemap><loc>{ROOT_URL}/sitemap-{name}.xml</loc></sitemap>" for name in groups)
        (site_dir / "sitemap.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{index}</sitemapindex>\n", encoding="utf-8")


def generate_site(root: str | Path, pages: int = 5000, seed: int = 1, *, write: bool = True) -> GeneratedSite:
    """Write a site of exactly `pages` HTML pages (plus robots.txt and sitemaps) into `root/sites/meridian/`;
    with write=False only build it in memory (its pages, links and sizes, not its files)."""
    site = _Builder(pages, seed, write).build(Path(root))
    if len(site.pages) != pages:  # the plan's arithmetic is the one thing a caller cannot check cheaply
        raise AssertionError(f"generated {len(site.pages)} pages, planned {pages}")
    return site


def _main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--pages", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(list(argv) if argv is not None else None)
    site = generate_site(args.out, args.pages, args.seed)
    print(json.dumps(site.summary(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
