"""Program page or not (LABELS.md): a program page offers one specific placement (one field, one country)
that a person can apply for. Listings and comparisons of several programs, blog posts, FAQs, about,
contact, terms, application-form and home pages are not program pages, even when they quote prices.
Checked through `extract_page(html, url).is_program`, with the URL each page would be served under."""

from __future__ import annotations

import pytest
from _pytest.mark.structures import ParameterSet
from pagekit import bug, lead, render, sec, soup, ul

from pipelines.extract import extract_page

ORIGIN = "http://provider.test"


def row(id: str, path: str, html: str, expected: bool, *, xfail: str | None = None) -> ParameterSet:
    return pytest.param(html, ORIGIN + path, expected, id=id, marks=[bug(xfail)] if xfail else [])


def site(title: str, body: str, *, head: str = "", before: str = "") -> str:
    """A plain modern page of the same provider site, for non-program pages."""
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Summit Health Placements</title><meta property="og:site_name" content="Summit Health Placements">
{head}</head><body>
<header class="site-header"><a href="/">Summit Health Placements</a><nav><ul><li><a href="/programs/">Programs</a></li>
<li><a href="/about-us/">About</a></li><li><a href="/blog/">Blog</a></li><li><a href="/contact.html">Contact</a></li>
</ul></nav></header>
<main>{before}<h1>{title}</h1>{body}</main>
<footer><p>&copy; 2025 Summit Health Placements</p></footer></body></html>"""


# ------------------------------------------------------------------ program bodies

NURSING_KTM = (
    sec("About the placement", "Join the nursing team of a 250-bed community hospital in Kathmandu, Nepal. "
        "The hospital serves families from across the valley and has busy medical, surgical and maternity wards.")
    + sec("What you'll do", ul("Shadow staff nurses on the morning ward round", "Take and chart vital signs",
                               "Help with wound dressings under supervision",
                               "Run a hand-hygiene session for patients' families"))
    + sec("Who can apply", "Nursing students who have completed their first year, and registered nurses.")
    + sec("Duration and dates", "From 2 to 12 weeks. You can start any Monday.")
    + sec("Price", "2 weeks: US$1,290. Each extra week: US$220.")
    + sec("What's included", ul("Accommodation in our volunteer house", "Breakfast and dinner",
                                "Airport pick-up", "Orientation in Kathmandu"))
)

MIDWIFERY_TAMALE = (
    sec("Overview", "A four-week midwifery elective on the labour ward of a regional hospital in Tamale, Ghana.")
    + sec("Your role", "You observe deliveries, assist the midwives with antenatal checks and join postnatal "
          "home visits with the community midwife.")
    + sec("Requirements", "Midwifery students in their second or third year.")
    + sec("Fees", "Programme fee: GBP 1,650 for 4 weeks, including accommodation and meals.")
)


def program_modern(title: str, body: str = NURSING_KTM) -> str:
    return render(body, "modern", title=title)


OLD_TABLE_PROGRAM = render(
    lead("About", "Our village dispensary on the slopes above Moshi treats about sixty patients a day.")
    + lead("Your work", "Volunteers weigh babies at the under-fives clinic, take blood pressure at triage and "
           "teach hygiene at the primary school.")
    + lead("Length of stay", "At least three weeks.")
    + lead("Costs", "Room and board is US$160 per week. The registration fee is US$120."),
    "table", title="Medical Volunteering in Moshi")

ELEMENTOR_PROGRAM = render(
    soup("Work with the clinical team of a district hospital near Arusha, Tanzania.",
         "Shadow doctors in the outpatient department and the children's ward.",
         "Take patient histories once the team is happy with you.",
         "Duration: 2 to 8 weeks",
         "Price: USD 1,450 for 2 weeks, USD 2,300 for 4 weeks"),
    "elementor", title="Medical Internship in Tanzania",
    facts={"Duration": "2-8 weeks", "Start": "Any Monday", "Price": "From USD 1,450"})

RELATED_CARDS = (
    '<section><h2>Other programs</h2>'
    '<div><a href="/programs/dental-peru.html">Dental Elective in Peru</a><p>From $1,250</p></div>'
    '<div><a href="/programs/nursing-kathmandu.html">Nursing in Nepal</a><p>From $1,290</p></div>'
    '<div><a href="/programs/medicine-kenya.html">Medicine in Kenya</a><p>From $1,480</p></div></section>'
)

IN_PAGE_FAQ = sec(
    "Questions about this elective",
    "<h3>Do I need a visa?</h3><p>A tourist visa is enough for observers.</p>"
    "<h3>Can I extend my stay?</h3><p>Yes, up to 8 weeks in total.</p>")

USEFUL_LINKS = sec(
    "Before you go",
    'Read our <a href="/guides/medical-insurance.html">medical insurance guide</a>, the '
    '<a href="/guides/nursing-visa-nepal.html">nursing visa guide</a>, our '
    '<a href="/guides/health-and-vaccinations.html">health and vaccinations page</a> and the '
    '<a href="/apply/nursing-elective-kathmandu.html">application checklist for this placement</a>.')

PRICE_TIERS = sec(
    "Dates and prices",
    "<table><tr><th>Length</th><th>Price</th></tr><tr><td>2 weeks</td><td>$1,190</td></tr>"
    "<tr><td>4 weeks</td><td>$1,890</td></tr><tr><td>6 weeks</td><td>$2,490</td></tr>"
    "<tr><td>8 weeks</td><td>$3,050</td></tr></table>"
    '<select name="length"><option>2 weeks - $1,190</option><option>4 weeks - $1,890</option>'
    "<option>6 weeks - $2,490</option><option>8 weeks - $3,050</option></select>")

PHYSIO_POKHARA = (
    sec("The placement", "Work with the physiotherapy department of a spinal rehabilitation centre in "
        "Pokhara, Nepal.")
    + sec("What you'll do", "You assess patients with the physiotherapists, lead exercise groups and help "
          "train carers in safe transfers.")
    + sec("Fees", "US$395 per week, with accommodation and breakfast.")
)

DIRECTORY_PROGRAM = (
    '<p class="listing-org">Listed by <strong>Mekong Health Partners</strong>, local organisation, Phnom Penh</p>'
    + sec("The project", "A hospital placement for nursing and medical students at a provincial referral "
          "hospital in Phnom Penh, Cambodia.")
    + sec("Your role", "Students shadow the ward doctors and nurses, join ward rounds and help with basic "
          "nursing care.")
    + sec("Price", "USD 650 per month, including a room with a local family.")
    + sec("Duration", "1 to 6 months.")
)

# ------------------------------------------------------------------ non-program bodies

PROGRAM_CARDS = "".join(
    f'<div class="program-card"><h3><a href="/programs/{slug}.html">{name}</a></h3><p>{blurb}</p>'
    f"<p>From {price}</p></div>"
    for slug, name, blurb, price in [
        ("nursing-elective-kathmandu", "Nursing Elective, Kathmandu", "Ward placements in a city hospital.",
         "$1,290"),
        ("midwifery-tamale", "Midwifery Elective, Tamale", "Labour ward and outreach.", "£1,650"),
        ("dental-cusco", "Dental Elective, Cusco", "Community dental clinics.", "$1,250"),
        ("physio-pokhara", "Physiotherapy, Pokhara", "Spinal rehabilitation.", "$395 per week"),
        ("medicine-kisumu", "Medical Elective, Kisumu", "Mission hospital rotations.", "$1,480"),
    ]
)

HUB_SECTIONS = "".join(
    sec(name, f"{blurb} Prices from {price} for two weeks. "
        f'<a href="/destinations/nepal/{slug}.html">Read more</a>')
    for name, blurb, price, slug in [
        ("Nursing Elective", "Ward placements in a Kathmandu teaching hospital.", "$1,290", "nursing-elective"),
        ("Medical Elective", "Rotations in medicine, surgery and paediatrics.", "$1,390", "medical-elective"),
        ("Physiotherapy Elective", "Rehabilitation work in Pokhara.", "$1,190", "physiotherapy-elective"),
    ]
)

BLOG_COST = site(
    "How much does a medical elective in Nepal cost?",
    '<p class="byline">By Priya Shah, 12 March 2025 &middot; 6 min read</p>'
    + sec("Program fees", "Most providers charge between $1,000 and $1,600 for two weeks. Our own Nursing "
          "Elective in Kathmandu costs $1,290 for 2 weeks, and each extra week is $220.")
    + sec("Flights and insurance", "Return flights from London cost around £650, and insurance about £60.")
    + sec("Our verdict", "Budget about $3,000 for a four-week elective, including flights."),
    head='<meta property="article:published_time" content="2025-03-12T09:00:00Z">')

BLOG_NO_TELLING_URL = site(
    "5 things to consider before your nursing elective",
    '<p class="byline">Written by Hannah Lee, 4 February 2025</p>'
    + sec("1. Supervision", "Ask who supervises you, and whether they are registered nurses.")
    + sec("2. Cost", "Two weeks usually cost between $900 and $1,500, accommodation included.")
    + sec("3. What you will do", "Good placements say exactly what you will and will not do."))

DIARY = site(
    "My Nursing Elective in Kathmandu: Week One",
    "<p>Posted on 3 May 2024 by Emma, third-year nursing student</p>"
    + sec("Arriving", "I landed in Kathmandu on a Sunday and met the other students at the volunteer house.")
    + sec("On the ward", "On Monday I shadowed a staff nurse on the surgical ward and took my first set of "
          "observations. The four weeks cost me $1,950 in total with accommodation."))

FAQ_PAGE = site(
    "Frequently asked questions",
    sec("How much do your programs cost?", "Our programs start at $395 per week; a two-week nursing elective "
        "costs $1,290.")
    + sec("Do I need a visa?", "Most nationalities can get a tourist visa on arrival.")
    + sec("How long can I stay?", "Between 2 and 12 weeks on most programs."))

ABOUT = site(
    "About Summit Health Placements",
    sec("Our story", "We were founded in 2009 by two nurses who had volunteered in Nepal and Ghana.")
    + sec("What we do", "Each year we place around 400 students in hospitals in six countries, with programs "
          "from $395 per week.")
    + sec("Our team", "Our team of twelve works from Bristol, Kathmandu and Accra."))

CONTACT = site(
    "Contact us",
    sec("Get in touch", "Call us on 0117 496 0000 or email hello@example.org. Our office is open Monday to "
        "Friday.")
    + '<form><label>Name</label><input name="name"><label>Which program interests you?</label>'
      '<select><option>Nursing Elective, Kathmandu</option><option>Medical Elective, Kisumu</option>'
      "</select></form>")

HOME = site(
    "Medical Electives and Health Internships Abroad",
    sec("Find your placement", "Supervised electives for medical, nursing and dental students in six "
        "countries, from $395 per week.")
    + sec("Featured programs", PROGRAM_CARDS))

TERMS = site(
    "Booking terms and conditions",
    sec("1. Deposits", "A deposit of $300 is due when you book and is deducted from your program fee.")
    + sec("2. Balance", "The balance is due eight weeks before your start date.")
    + sec("3. Cancellations", "If you cancel more than 60 days before departure we refund everything except "
          "the $300 deposit."))

APPLY = site(
    "Apply now",
    sec("Your details", '<form><label>Choose a program</label><select>'
        "<option>Nursing Elective, Kathmandu - from $1,290</option>"
        "<option>Midwifery Elective, Tamale - from £1,650</option>"
        "<option>Dental Elective, Cusco - from $1,250</option></select>"
        "<label>Preferred start date</label><input name=\"start\"></form>")
    + sec("What happens next", "We reply within two working days and ask for a $300 deposit."))

TANZANIA_HUB = site(
    "Medical Electives in Tanzania",
    "<p>Tanzania offers some of the most varied elective placements in East Africa.</p>"
    + sec("Medical Elective in Dar es Salaam", "Rotations at a national referral hospital. From $1,490 for two "
          'weeks. <a href="/tanzania/medical-dar.html">Details</a>')
    + sec("Midwifery Elective in Mwanza", "Labour ward placements by Lake Victoria. From $1,390. "
          '<a href="/tanzania/midwifery-mwanza.html">Details</a>')
    + sec("Pre-Med Experience in Arusha", "An introduction to hospital medicine. From $1,250. "
          '<a href="/tanzania/premed-arusha.html">Details</a>'))

COMPARE = site(
    "Compare our Nepal placements",
    "<table><tr><th>Program</th><th>City</th><th>2 weeks</th><th>4 weeks</th></tr>"
    '<tr><td><a href="/programs/nursing-kathmandu.html">Nursing</a></td><td>Kathmandu</td><td>$1,290</td>'
    "<td>$1,730</td></tr>"
    '<tr><td><a href="/programs/medical-kathmandu.html">Medical</a></td><td>Kathmandu</td><td>$1,390</td>'
    "<td>$1,830</td></tr>"
    '<tr><td><a href="/programs/physio-pokhara.html">Physiotherapy</a></td><td>Pokhara</td><td>$790</td>'
    "<td>$1,580</td></tr>"
    '<tr><td><a href="/programs/dental-kathmandu.html">Dental</a></td><td>Kathmandu</td><td>$1,190</td>'
    "<td>$1,650</td></tr></table>")

FEES_PAGE = site(
    "Programme fees 2025",
    sec("Nepal", ul("Nursing Elective, Kathmandu: $1,290 for 2 weeks", "Physiotherapy, Pokhara: $395 per week"))
    + sec("Ghana", ul("Midwifery Elective, Tamale: £1,650 for 4 weeks"))
    + sec("Peru", ul("Dental Elective, Cusco: $1,250 for 2 weeks")))

DONATE = site(
    "Support our partner clinics",
    sec("Why give?", "A gift of $50 buys dressings for a month at the Pokhara rehabilitation centre.")
    + sec("How to donate", "Give online or by bank transfer; every dollar goes to the clinics."))

HOW_IT_WORKS = site(
    "How it works",
    sec("1. Choose a program", "Browse placements in six countries, from 2 to 12 weeks.")
    + sec("2. Apply", "Send your application and a $300 deposit.")
    + sec("3. Prepare", "We help with visas, insurance and vaccinations before you fly."))

NURSING_CATEGORY = site(
    "Nursing placements",
    "<p>Showing 4 programs</p>" + PROGRAM_CARDS)

STORY = site(
    "Hannah's surgical observership in Hanoi",
    '<p class="meta">Volunteer story, published 2 June 2024</p>'
    + sec("Why Hanoi?", "I chose the four-week observership because it fitted between my exams; it cost $2,100.")
    + sec("Theatre days", "I watched laparoscopic operations every morning and joined the ward round."))

TEAM = site(
    "Meet the team",
    sec("Our coordinators", "Anil coordinates our Nepal programs; Ama runs Ghana; Rosa looks after Peru.")
    + sec("Our advisers", "Our medical advisers are registered doctors and nurses."))

LISTING_AT_PROGRAMS = site(
    "All programs", "<p>Choose a destination and field to find your placement.</p>" + PROGRAM_CARDS)

SEARCH = site(
    "Search results",
    "<p>Showing 12 results for \"medical\"</p>" + PROGRAM_CARDS + "<p>Page 1 of 3</p>")

CASES = [
    # --- program pages
    row("modern-program", "/programs/nursing-elective-kathmandu.html",
        program_modern("Nursing Elective in Kathmandu"), True),
    row("program-under-opaque-url", "/p/4471.html", program_modern("Nursing Elective in Kathmandu"), True),
    row("program-old-table-layout", "/medical.html", OLD_TABLE_PROGRAM, True),
    row("program-elementor-soup", "/medical-internship-tanzania/", ELEMENTOR_PROGRAM, True),
    row("program-with-related-cards", "/programs/midwifery-tamale.html",
        program_modern("Midwifery Elective in Tamale", MIDWIFERY_TAMALE + RELATED_CARDS), True),
    row("program-with-in-page-faq", "/programs/midwifery-ghana.html",
        program_modern("Midwifery Elective in Ghana", MIDWIFERY_TAMALE + IN_PAGE_FAQ), True),
    row("program-price-on-request", "/programs/pre-med-arusha.html",
        program_modern("Pre-Med Hospital Experience in Arusha",
                       sec("The placement", "Shadow doctors at a district hospital near Arusha, Tanzania.")
                       + sec("What you'll do", "Observe ward rounds, outpatient clinics and theatre.")
                       + sec("Duration", "2 to 6 weeks.")
                       + sec("Price", "Contact us for a quote for your dates.")), True),
    row("program-under-volunteer-path", "/volunteer/medical-volunteering-moshi.html", OLD_TABLE_PROGRAM, True),
    row("program-wordpress-with-published-time", "/medical-elective-ghana/",
        render(MIDWIFERY_TAMALE, "elementor", title="Midwifery Elective in Ghana").replace(
            '<meta property="og:type" content="article">',
            '<meta property="og:type" content="article">'
            '<meta property="article:published_time" content="2023-05-02T10:00:00+00:00">'), True),
    row("program-under-destinations", "/destinations/nepal/nursing-elective.html",
        program_modern("Nursing Elective"), True),
    row("directory-program-listed-by", "/programs/1187-hospital-placement-phnom-penh.html",
        render(DIRECTORY_PROGRAM, "modern", title="Hospital Placement for Nursing and Medical Students"), True),
    row("program-price-tiers-select", "/programs/nursing-elective-kathmandu.html",
        program_modern("Nursing Elective in Kathmandu",
                       sec("What you'll do", "Shadow ward nurses and help with patient care.") + PRICE_TIERS),
        True),
    row("program-physio-without-duration", "/physiotherapy-pokhara.html",
        program_modern("Physiotherapy Placement in Pokhara", PHYSIO_POKHARA), True),
    row("program-with-useful-links", "/programs/nursing-elective-kathmandu.html",
        program_modern("Nursing Elective in Kathmandu", NURSING_KTM + USEFUL_LINKS), True),
    row("program-dl-layout", "/electives/obstetrics-lagos.html",
        render(sec("Your elective", "Four weeks on the obstetrics unit of a teaching hospital in Lagos, Nigeria. "
                   "You observe caesarean sections and clerk antenatal patients.")
               + sec("Fees", "NGN 950,000 for 4 weeks."), "dl", title="Obstetrics Elective in Lagos",
               facts={"Duration": "4 weeks", "Who can apply": "Final-year medical students"}), True),
    row("program-no-extension-path", "/internships/public-health-cusco",
        program_modern("Public Health Internship in Cusco",
                       sec("The project", "Run health surveys and hygiene workshops in communities around "
                           "Cusco, Peru.") + sec("Dates", "Monthly intakes, 4 to 12 weeks.")
                       + sec("Price", "USD 890 for 4 weeks.")), True),
    row("directory-program-posted-by-org", "/listing/9921/",
        render('<p class="listing-meta">Posted by Kilimanjaro Health Trust on 14 January 2025</p>'
               + sec("Your role", "Volunteers take blood pressure at village screening days and teach hand "
                     "washing at schools.")
               + sec("Costs", "USD 220 per week, including a homestay.") + sec("Duration", "2 to 10 weeks."),
               "modern", title="Village Health Volunteer in Moshi"), True),
    row("program-question-section-headings", "/programs/medical-elective-kisumu.html",
        program_modern("Medical Elective in Kisumu",
                       sec("Is this elective right for you?", "It suits clinical-year medical students.")
                       + sec("What will you do?", "You clerk patients and join the ward round each morning.")
                       + sec("How much does it cost?", "$1,480 for 4 weeks.")), True),
    row("program-table-without-h-heading", "/dental.html",
        render(lead("Your work", "Dental volunteers screen schoolchildren and give oral-hygiene talks.")
               + lead("Costs", "US$140 per week for room and board."), "table",
               title="Dental Outreach in Kochi"), True),
    row("program-elementor-fact-tiles-only", "/nursing-placement-sri-lanka/",
        render(soup("Help the nursing team of Kandy General Hospital with patient care and health talks."),
               "elementor", title="Nursing Placement in Sri Lanka",
               facts={"Price": "USD 1,150 for 2 weeks", "Duration": "2-8 weeks", "Start": "Any Monday"}), True),
    row("program-at-folder-url", "/nepal/nursing/", program_modern("Nursing Elective in Kathmandu"), True),
    # --- not program pages
    row("listing-without-prices", "/volunteer-abroad/nepal.html",
        site("Volunteer in Nepal", "".join(
            sec(name, f'{blurb} <a href="/volunteer-abroad/nepal/{slug}.html">Learn more</a>')
            for name, blurb, slug in [
                ("Nursing placement", "Work on the wards of a Kathmandu hospital.", "nursing"),
                ("Medical placement", "Rotations in medicine and surgery.", "medical"),
                ("Dental outreach", "School screening camps in the hills.", "dental"),
                ("Physiotherapy placement", "Rehabilitation in Pokhara.", "physio"),
            ])), False),
    row("listing-at-programs", "/programs/", LISTING_AT_PROGRAMS, False),
    row("destination-hub-sections", "/destinations/nepal/",
        site("Electives in Nepal", "<p>Temples, mountains and busy hospitals.</p>" + HUB_SECTIONS), False),
    row("search-results", "/search/?q=medical", SEARCH, False),
    row("blog-question-title-with-prices", "/blog/how-much-does-a-medical-elective-in-nepal-cost.html",
        BLOG_COST, False),
    row("blog-under-neutral-url", "/insights/choosing-your-elective.html", BLOG_NO_TELLING_URL, False),
    row("faq-with-prices", "/faq.html", FAQ_PAGE, False),
    row("about-page", "/about-us/", ABOUT, False),
    row("contact-page", "/contact.html", CONTACT, False),
    row("home-root", "/", HOME, False),
    row("home-index-html", "/index.html", HOME, False),
    row("terms-with-deposit", "/terms.html", TERMS, False),
    row("apply-form-with-prices", "/apply.html", APPLY, False),
    row("country-hub-named-like-program", "/tanzania/", TANZANIA_HUB, False),
    row("diary-under-program-like-url", "/nursing-elective-kathmandu-diary.html", DIARY, False),
    row("comparison-table", "/compare.html", COMPARE, False),
    row("fees-page", "/fees.html", FEES_PAGE, False),
    row("donate-page", "/donate.html", DONATE, False),
    row("how-it-works", "/how-it-works.html", HOW_IT_WORKS, False),
    row("category-listing-under-programs", "/programs/nursing/", NURSING_CATEGORY, False),
    row("volunteer-story", "/stories/hannah-hanoi.html", STORY, False),
    row("team-page", "/team.html", TEAM, False),
    row("blog-question-at-neutral-url", "/is-a-pre-med-internship-worth-it.html",
        site("Is a pre-med internship in Tanzania worth it?",
             sec("The short answer", "If you choose carefully, yes. Our Pre-Med Experience in Arusha costs $1,250 "
                 "for two weeks, and you shadow doctors on the wards.")
             + sec("What to ask", "Ask who supervises you and what you will be allowed to do.")), False),
]


@pytest.mark.parametrize(("html", "url", "expected"), CASES)
def test_is_program(html: str, url: str, expected: bool) -> None:
    result = extract_page(html, url)
    assert result.error is None
    assert result.is_program is expected
    assert (result.record is not None) is expected
