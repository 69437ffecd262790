"""Places (LABELS.md): `country` is the ISO 3166-1 alpha-2 code of the placement country; `cities` are the
placement towns named for this program, as spelled on the page: not provinces or districts, not the
airport, the office, the host family's neighbourhood or weekend trips. Villages count when they are the
placement."""

from __future__ import annotations

from typing import Any

import pytest
from _pytest.mark.structures import ParameterSet
from pagekit import URL, bug, lead, render, sec, soup, ul

from pipelines.page import parse_html
from pipelines.places import extract_cities, extract_country


def at(country: str | None, *cities: str) -> tuple[str | None, list[str]]:
    return country, list(cities)


def case(id: str, body: str, expected: tuple[str | None, list[str]], *, country_bug: str | None = None,
         city_bug: str | None = None, **page_kw: Any) -> dict[str, Any]:
    """One row, checked twice: by extract_country and by extract_cities (each with its own known bug)."""
    return {"id": id, "html": render(body, **page_kw), "expected": expected,
            "country_bug": country_bug, "city_bug": city_bug}


def params(rows: list[dict[str, Any]], bug_key: str) -> list[ParameterSet]:
    return [pytest.param(r["html"], r["expected"], id=r["id"], marks=[bug(r[bug_key])] if r[bug_key] else [])
            for r in rows]


ROWS = [
    # --- phrasings from institutional and directory pages
    case("based-in-second-city",
         sec("About", "The programme is based in Arequipa, the country's second city, at two public clinics."),
         at("PE", "Arequipa"), title="Dental Elective in Peru"),
    case("two-sites-hospital-and-health-centre",
         sec("Where you work", "Students split their time between the regional hospital in Tamale and the health "
             "centre in Savelugu."), at("GH", "Tamale", "Savelugu"), title="Midwifery Placement in Ghana"),
    case("location-fact-city-region",
         sec("About", "Rotations in internal medicine and surgery."), at("TH", "Chiang Mai"), wrapper="dl",
         facts={"Location": "Chiang Mai, Northern Thailand", "Duration": "4 weeks"},
         title="Medical Elective in Thailand"),
    case("base-on-lake-shore",
         sec("Your base", "The practicum is run from our base in Kisumu, on the shores of Lake Victoria."),
         at("KE", "Kisumu"), title="Nursing Practicum in Kenya"),
    case("weekend-island-trip-excluded",
         sec("Your placement", "You work at the district hospital in Bagamoyo.")
         + sec("Free time", "Most students take the ferry to Zanzibar at the weekend."),
         at("TZ", "Bagamoyo"), title="Medical Elective in Tanzania"),
    case("heading-only-city",
         sec("The elective", "Four weeks on the surgical wards of a teaching hospital."),
         at("VN", "Hanoi"), title="Surgical Elective in Hanoi, Vietnam"),
    case("capital-mentioned-for-arrival",
         sec("Arrival", "You arrive in Nairobi and take the morning bus to Nakuru.")
         + sec("Your placement", "Your placement is at the county referral hospital in Nakuru."),
         at("KE", "Nakuru"), title="Clinical Placement in Kenya"),
    case("province-not-a-town",
         sec("Your placement", "You join the mobile clinic of a mission hospital in Kwazulu-Natal province, "
             "based in Eshowe."), at("ZA", "Eshowe"), title="Rural Medicine in South Africa"),
    case("kathmandu-heading-and-text",
         sec("Your placement", "You join a community hospital in Kathmandu."), at("NP", "Kathmandu")),
    case("arusha-tanzania-heading",
         sec("The hospital", "A regional referral hospital with a busy maternity unit."),
         at("TZ", "Arusha"), title="Medical Internship in Arusha, Tanzania"),
    case("moshi-not-the-airport",
         sec("Getting there", "Fly into Kilimanjaro International Airport, an hour from the project.")
         + sec("Your placement", "Your placement is at a district hospital in Moshi."),
         at("TZ", "Moshi"), title="Nursing Placement in Tanzania"),
    case("cusco-not-weekend-trips",
         sec("Weekends", "Many interns spend weekends in Lima or hiking to Machu Picchu.")
         + sec("Your placement", "You work at a health centre in Cusco."),
         at("PE", "Cusco"), title="Dental Elective in Cusco, Peru"),
    case("pokhara-not-office",
         sec("Your placement", "You are based at the regional hospital in Pokhara.")
         + sec("Our team", "Our office is in Kathmandu, where you spend your orientation day."),
         at("NP", "Pokhara"), title="Physiotherapy Elective in Nepal"),
    case("tamale-not-region",
         sec("Location", "The clinic is in Tamale, the capital of the Northern Region."),
         at("GH", "Tamale"), title="Maternal Health Outreach in Ghana"),
    case("cebu-city-and-mandaue",
         sec("Your placement", "Interns rotate between hospitals in Cebu City and Mandaue City."),
         at("PH", "Cebu City", "Mandaue City"), title="Nursing Internship in the Philippines"),
    case("bharatpur-not-chitwan-district",
         sec("Getting there", "You land at Tribhuvan International Airport in Kathmandu and take a tourist bus "
             "south.") + sec("Your placement", "The placement hospital is in Bharatpur."),
         at("NP", "Bharatpur"), title="Medical Elective in Chitwan, Nepal"),
    case("ho-chi-minh-city",
         sec("The hospital", "A 1,200-bed general hospital in District 5."),
         at("VN", "Ho Chi Minh City"), title="Physiotherapy Placement in Ho Chi Minh City"),
    case("hanoi-not-ha-long",
         sec("Your placement", "You join a teaching hospital in Hanoi, Vietnam.")
         + sec("Weekends", "A weekend trip to Ha Long Bay is popular with interns."),
         at("VN", "Hanoi"), title="Surgical Observership in Vietnam"),
    case("dl-location-fact-kumasi",
         sec("About", "Shadow doctors at a teaching hospital."), at("GH", "Kumasi"), wrapper="dl",
         title="Medical Elective in Ghana", facts={"Location": "Kumasi, Ghana", "Duration": "2-8 weeks"}),
    case("siem-reap-not-phnom-penh-visit",
         sec("Your placement", "You teach hygiene in village schools around Siem Reap.")
         + sec("Free time", "Visit Phnom Penh for a long weekend."),
         at("KH", "Siem Reap"), title="Community Health in Cambodia"),
    case("jinja-not-kampala-office",
         sec("Your placement", "The health centre is in Jinja, at the source of the Nile.")
         + sec("Arrival", "Our Kampala office collects you from Entebbe airport."),
         at("UG", "Jinja"), title="Medical Volunteering in Uganda"),
    case("kandy-not-central-province",
         sec("Your placement", "You work at the general hospital in Kandy, in Sri Lanka's Central Province."),
         at("LK", "Kandy"), title="Nursing Placement in Sri Lanka"),
    case("new-delhi-and-gurugram",
         sec("Your placement", "Rotations take place at two hospitals, one in New Delhi and one in Gurugram."),
         at("IN", "New Delhi", "Gurugram"), title="Clinical Internship in India"),
    case("country-only-nepal",
         sec("Your placement", "You join a rural health post in the hills."),
         at("NP"), title="Nursing Elective in Nepal"),
    case("pietermaritzburg-not-kwazulu-natal",
         sec("Your placement", "Placements are at a provincial hospital in Pietermaritzburg, KwaZulu-Natal."),
         at("ZA", "Pietermaritzburg"), title="Medical Elective in South Africa"),
    case("mwanza-lake-victoria",
         sec("Your placement", "The referral hospital sits on the shores of Lake Victoria in Mwanza."),
         at("TZ", "Mwanza"), title="Midwifery Elective in Tanzania"),
    case("dar-es-salaam",
         sec("The hospital", "A national referral hospital on the coast."),
         at("TZ", "Dar es Salaam"), title="Medical Elective in Dar es Salaam"),
    case("la-paz-bolivia",
         sec("Your placement", "You work in a maternity hospital in La Paz."),
         at("BO", "La Paz"), title="Obstetrics Placement in Bolivia"),
    case("iloilo-city",
         sec("The hospital", "A provincial hospital with a busy emergency room."),
         at("PH", "Iloilo City"), title="Nursing Internship in Iloilo City, Philippines"),
    case("lilongwe-malawi",
         sec("Your placement", "Our partner hospital in Lilongwe serves the whole central region."),
         at("MW", "Lilongwe"), title="Medical Volunteering in Malawi"),
    case("livingstone-not-victoria-falls",
         sec("Your placement", "The clinic is in Livingstone, and the falls are twenty minutes away."),
         at("ZM", "Livingstone"), title="Community Health in Zambia"),
    case("kenya-heading-kisumu-not-safari-countries",
         sec("Your placement", "Placements are at a mission hospital in Kisumu.")
         + sec("After your placement", "Many volunteers travel on to Uganda and Tanzania on safari."),
         at("KE", "Kisumu"), title="Medical Internship in Kenya"),
    case("lagos-nigeria",
         sec("The hospital", "A university teaching hospital on the mainland."),
         at("NG", "Lagos"), title="Surgical Observership in Lagos, Nigeria"),
    case("arusha-and-moshi-not-airport",
         sec("Your placement", "You rotate between rural clinics around Arusha and Moshi.")
         + sec("Arrival", "You fly into Kilimanjaro Airport, where our driver meets you."),
         at("TZ", "Arusha", "Moshi"), title="Medical Volunteering in Tanzania"),
    case("table-layout-kochi-not-kerala",
         lead("Where", "The dental camps are held in Kochi, Kerala."),
         at("IN", "Kochi"), wrapper="table", title="Dental Outreach in India"),
    case("elementor-fact-location",
         soup("Support midwives at the district hospital."), at("GH", "Tamale"), wrapper="elementor",
         title="Midwifery Placement in Ghana", facts={"Location": "Tamale", "Duration": "2-6 weeks"}),
    case("village-placement",
         sec("Your placement", "You work at the dispensary in Kilema village, on the lower slopes of the "
             "mountain."), at("TZ", "Kilema"), title="Nursing Volunteering in Tanzania"),
    case("host-family-neighbourhood-not-city",
         sec("Your placement", "You work at a community hospital in Kathmandu.")
         + sec("Accommodation", "You live with a host family in Baneshwor, a busy neighbourhood."),
         at("NP", "Kathmandu"), title="Nursing Elective in Nepal"),
    case("provider-hq-abroad-not-placement",
         sec("Your placement", "You join the paediatric ward of a hospital in Kathmandu.")
         + sec("About us", "Summit Health Placements is based in Bristol, England."),
         at("NP", "Kathmandu")),
    case("demonym-ghanaian-nurses",
         sec("Your placement", "Work with Ghanaian nurses at a health centre in Ho."),
         at("GH", "Ho"), title="Nursing Placement in the Volta Region"),
    case("hue-without-diacritic",
         sec("Your placement", "You join the rehabilitation department of the central hospital in Hue."),
         at("VN", "Hue"), title="Physiotherapy Internship in Vietnam"),
    case("cordoba-without-accent",
         sec("Your placement", "You work at a children's hospital in Cordoba."),
         at("AR", "Cordoba"), title="Paediatrics Elective in Argentina"),
    case("small-town-kirtipur",
         sec("Your placement", "Your second week is spent at a community clinic in Kirtipur, a hill town "
             "south-west of Kathmandu.") + sec("First week", "The first week is at a hospital in Kathmandu."),
         at("NP", "Kathmandu", "Kirtipur"), title="Nursing Elective in Nepal"),
    case("urubamba-valley-town",
         sec("Your placement", "Outreach days take you from Cusco to the health post in Urubamba."),
         at("PE", "Cusco", "Urubamba"), title="Public Health Internship in Peru"),
    case("no-place-at-all",
         sec("About", "A remote public health research internship you complete from home."),
         at(None), title="Online Public Health Internship"),
    case("jsonld-address-and-heading",
         '<script type="application/ld+json">{"@type": "Course", "name": "Nursing Elective", '
         '"location": {"@type": "Place", "addressLocality": "Kigali", "addressCountry": "Rwanda"}}</script>'
         + sec("Your placement", "Join the surgical nursing team of a teaching hospital in Kigali."),
         at("RW", "Kigali"), title="Nursing Elective in Rwanda"),
    case("ubud-bali",
         sec("Your placement", "You work at a community clinic near Ubud."),
         at("ID", "Ubud"), title="Community Health Internship in Bali"),
    case("kingston-jamaica",
         sec("Your placement", "You work on the wards of a public hospital in Kingston."),
         at("JM", "Kingston"), title="Nursing Elective in Jamaica"),
    case("georgetown-guyana",
         sec("Your placement", "The public hospital in Georgetown is the country's main referral centre."),
         at("GY", "Georgetown"), title="Medical Elective in Guyana"),
]

# --- how provider pages place a program: governing words next to each town, regions that share a town's name,
# towns that only a page's structure names, and towns the program does not take place in
ROWS += [
    case("town-of-x",
         sec("Where you will be", "The project is based in the town of Hohoe, in the Volta Region."),
         at("GH", "Hohoe"), title="Nursing Placement in Ghana"),
    case("district-hospital-named-after-town",
         sec("Your placement", "Placements are at Bagamoyo District Hospital, on the coast north of the capital."),
         at("TZ", "Bagamoyo"), title="Medical Elective in Tanzania"),
    case("live-in-one-town-work-in-another",
         sec("Daily life", "You live in Moshi and travel daily to the dispensary in Kibosho."),
         at("TZ", "Kibosho"), title="Medical Volunteering in Tanzania"),
    case("fly-into-airport-city-transfer-to-placement",
         sec("Getting started", "Fly into Nairobi (NBO) and transfer to Nakuru, where the county hospital is your "
             "placement."), at("KE", "Nakuru"), title="Clinical Placement in Kenya"),
    case("weekend-visits-not-placements",
         sec("Your placement", "You work at a district hospital in Moshi.")
         + sec("Weekends", "Visit Zanzibar, or join a day trip to Arusha National Park."),
         at("TZ", "Moshi"), title="Nursing Elective in Tanzania"),
    case("province-sharing-a-town-name",
         sec("Your placement", "You teach hygiene at health centres across Siem Reap Province."),
         at("KH"), title="Community Health in Cambodia"),
    case("district-of-x-then-town",
         sec("Your placement", "Our clinics serve the district of Chitwan, with the main hospital in Bharatpur."),
         at("NP", "Bharatpur"), title="Medical Elective in Nepal"),
    case("two-towns-split-weeks",
         sec("Your placement", "You spend two weeks at the hospital in Cape Coast, then two weeks at a clinic in "
             "Elmina."), at("GH", "Cape Coast", "Elmina"), title="Medical Elective in Ghana"),
    case("alternative-spelling-cuzco",
         sec("Your placement", "You join a dental clinic in Cuzco that treats children from the surrounding "
             "villages."), at("PE", "Cuzco"), title="Dental Elective in Peru"),
    case("accented-sao-paulo",
         sec("Your placement", "You rotate through the wards of a public hospital in São Paulo."),
         at("BR", "São Paulo"), title="Medical Elective in Brazil"),
    case("antigua-guatemala-not-the-capital",
         sec("Your placement", "The clinic is in Antigua Guatemala, an hour's drive from Guatemala City."),
         at("GT", "Antigua Guatemala"), title="Clinic Volunteering in Guatemala"),
    case("location-fact-town-too-small-for-gazetteer",
         sec("About", "Support the nurses of a rural dispensary."), at("TZ", "Kibosho"), wrapper="dl",
         title="Nursing Volunteering in Tanzania", facts={"Location": "Kibosho, Kilimanjaro Region",
                                                          "Duration": "2-12 weeks"}),
    case("location-fact-hoi-an",
         soup("Assist the physiotherapists of a rehabilitation unit."), at("VN", "Hoi An"), wrapper="elementor",
         title="Physiotherapy Placement in Vietnam", facts={"Location": "Hoi An", "Duration": "2-8 weeks"}),
    case("location-bold-lead-line",
         lead("Location:", "Hoi An") + lead("What you do", "Assist the physiotherapists of a rehabilitation unit."),
         at("VN", "Hoi An"), wrapper="table", title="Physiotherapy Placement in Vietnam"),
    case("related-programs-box-not-placements",
         sec("Your placement", "You join the maternity ward of the regional hospital in Mwanza.")
         + '<section class="program-section"><h2>Other programmes you might like</h2><ul>'
           '<li><a href="/programs/nursing-arusha.html">Nursing Elective in Arusha</a></li>'
           '<li><a href="/programs/medical-moshi.html">Medical Elective in Moshi</a></li></ul></section>',
         at("TZ", "Mwanza"), title="Midwifery Elective in Tanzania"),
    case("linked-other-program-in-running-text",
         sec("Your placement", "You join the maternity ward of the regional hospital in Mwanza. Prefer a town "
             'closer to the mountain? See our <a href="/programs/nursing-moshi.html">Nursing Elective in '
             "Moshi</a>."), at("TZ", "Mwanza"), title="Midwifery Elective in Tanzania"),
    case("country-also-a-town-panama-city",
         sec("Your placement", "You join the emergency department of a public hospital in Panama City."),
         at("PA", "Panama City"), title="Medical Elective in Panama"),
    case("office-and-orientation-in-capital",
         sec("Arrival", "Our in-country office is in Accra, where you spend two nights for orientation before "
             "travelling to your placement in Ho."), at("GH", "Ho"), title="Nursing Placement in Ghana"),
    case("host-family-town-not-placement",
         sec("Your placement", "Volunteers stay with host families in Usa River and work at the health centre "
             "in Tengeru."), at("TZ", "Tengeru"), title="Community Health in Tanzania"),
    case("fly-into-the-placement-town",
         sec("Your placement", "Fly into Kathmandu, where your placement hospital is."),
         at("NP", "Kathmandu"), title="Nursing Elective in Nepal"),
    case("region-named-after-town",
         sec("Your placement", "You rotate between dispensaries across the Arusha Region."),
         at("TZ"), title="Medical Volunteering in Tanzania"),
    case("county-and-town-of-same-name",
         sec("Your placement", "The main site is the referral hospital in Kisumu; outreach days visit health "
             "centres across Kisumu County."), at("KE", "Kisumu"), title="Public Health Internship in Kenya"),
    case("elmina-shares-a-name-abroad",
         sec("Your placement", "You work at the polyclinic in Elmina, a fishing town on the coast."),
         at("GH", "Elmina"), title="Nursing Placement in Ghana"),
    case("relative-landmark-town-not-placement",
         sec("Your placement", "The hospital is in Moshi, an hour's drive from Arusha."),
         at("TZ", "Moshi"), title="Medical Elective in Tanzania"),
    case("nearby-town-when-only-reference",
         sec("Your placement", "You work at a rural clinic just outside Kabale."),
         at("UG", "Kabale"), title="Medical Volunteering in Uganda"),
    case("airport-fact-and-location-fact",
         sec("About", "Shadow doctors at a regional hospital."), at("TZ", "Moshi"), wrapper="dl",
         title="Medical Elective in Tanzania",
         facts={"Nearest airport": "Kilimanjaro (JRO)", "Arrival city": "Arusha", "Location": "Moshi"}),
    case("where-fact-two-towns-one-unlisted",
         soup("Support nurses at two rural dispensaries."), at("TZ", "Moshi", "Kibosho"), wrapper="elementor",
         title="Nursing Volunteering in Tanzania", facts={"Where": "Moshi &amp; Kibosho", "Duration": "2-8 weeks"}),
    case("accented-hue",
         sec("Your placement", "You join the rehabilitation department of the central hospital in Huế."),
         at("VN", "Huế"), title="Physiotherapy Internship in Vietnam"),
    case("heading-names-two-towns",
         sec("The hospitals", "Two district hospitals, a morning's drive apart."),
         at("TZ", "Arusha", "Moshi"), title="Medical Elective in Arusha &amp; Moshi"),
    case("capital-as-apposition",
         sec("Your placement", "Kigali, Rwanda's capital, is home to the teaching hospital where you work."),
         at("RW", "Kigali"), title="Nursing Elective in Rwanda"),
    case("table-layout-two-towns",
         lead("Where you'll work", "You rotate between the regional hospital in Ho and a rural clinic in Hohoe."),
         at("GH", "Ho", "Hohoe"), wrapper="table", title="Medical Volunteering in Ghana"),
    case("region-only-no-town",
         sec("Your placement", "You work in rural health centres in the Volta Region."),
         at("GH"), title="Community Health in Ghana"),
    case("valley-outreach-from-base-town",
         sec("Your placement", "Based in Cusco, with outreach to villages in the Sacred Valley."),
         at("PE", "Cusco"), title="Public Health Internship in Peru"),
    case("jsonld-event-location-not-office-address",
         '<script type="application/ld+json">{"@graph": [{"@type": "Organization", "name": "Savanna Care", '
         '"address": {"@type": "PostalAddress", "addressLocality": "Accra", "addressCountry": "GH"}}, '
         '{"@type": "Event", "name": "Maternal Health Outreach", "location": {"@type": "Place", "address": '
         '{"@type": "PostalAddress", "addressLocality": "Tamale", "addressCountry": "GH"}}}]}</script>'
         + sec("About the outreach", "Support community midwives at rural health centres."),
         at("GH", "Tamale"), title="Maternal Health Outreach in Ghana"),
    case("region-fact-names-a-region",
         sec("About", "You rotate between rural dispensaries."), at("TZ"), wrapper="dl",
         title="Medical Volunteering in Tanzania", facts={"Region": "Arusha", "Duration": "4 weeks"}),
    case("travel-to-begin-placement",
         sec("Your placement", "After two days of orientation in Nairobi you travel to Kisumu to begin your "
             "placement."), at("KE", "Kisumu"), title="Nursing Placement in Kenya"),
    case("patients-come-from-other-towns",
         sec("The hospital", "The hospital in Moshi serves patients from Arusha and the surrounding villages."),
         at("TZ", "Moshi"), title="Medical Elective in Tanzania"),
    case("old-name-in-brackets-same-city",
         sec("Your placement", "You work at a children's hospital in Ho Chi Minh City (Saigon)."),
         at("VN", "Ho Chi Minh City"), title="Paediatric Internship in Vietnam"),
    case("facilities-named-after-towns-in-a-list",
         sec("Where you'll work", ul("Kibosho Health Centre", "Moshi District Hospital")),
         at("TZ", "Kibosho", "Moshi"), title="Nursing Volunteering in Tanzania"),
    case("places-to-visit-list-not-placements",
         sec("Your placement", "You work at a district hospital in Moshi.")
         + sec("Places to visit", ul("Arusha National Park", "Zanzibar", "Lake Manyara")),
         at("TZ", "Moshi"), title="Medical Elective in Tanzania"),
    case("site-wide-destinations-list-in-content",
         sec("Your placement", "You work at a district hospital in Moshi.")
         + sec("Our destinations", ul("Arusha", "Mwanza", "Dodoma")),
         at("TZ", "Moshi"), title="Medical Elective in Tanzania"),
    case("two-placements-as-list-items",
         sec("Your placement", ul("Two weeks at the regional hospital in Mbarara",
                                  "Two weeks at a health centre in Kabale")),
         at("UG", "Mbarara", "Kabale"), title="Medical Elective in Uganda"),
    case("unlisted-town-after-hospital",
         sec("Your placement", "You work at a government hospital in Stone Town."),
         at("TZ", "Stone Town"), title="Medical Elective in Zanzibar",
         city_bug="a name unknown to the gazetteer after 'hospital in' is read as a town only for clinics and "
                  "health posts: 'hospitals in Kerala' names a state as often"),
    case("airport-capital-and-shuttle-to-placement",
         sec("Getting there", "You fly into Guatemala City and take a shuttle to Quetzaltenango, where the clinic "
             "is."), at("GT", "Quetzaltenango"), title="Clinic Volunteering in Guatemala"),
    case("heading-town-and-valley",
         sec("Your placement", "Health posts in the villages around the town."),
         at("PE", "Cusco"), title="Public Health in Cusco &amp; the Sacred Valley"),
    case("small-town-of-x",
         sec("Your placement", "The clinic is based in the small town of Karatu, between two national parks."),
         at("TZ", "Karatu"), title="Community Health in Tanzania"),
    case("region-then-nearby-town",
         sec("Your placement", "You work in rural dispensaries in the Kilimanjaro region, near Moshi."),
         at("TZ", "Moshi"), title="Nursing Volunteering in Tanzania"),
    case("accommodation-fact-and-location-fact",
         sec("About", "Support the nurses of a rural health centre."), at("TZ", "Tengeru"), wrapper="dl",
         title="Nursing Volunteering in Tanzania",
         facts={"Accommodation": "Host family in Usa River", "Location": "Tengeru"}),
    case("location-fact-enumeration",
         sec("About", "Rotate between three rural clinics."), at("TZ", "Arusha", "Moshi", "Karatu"), wrapper="dl",
         title="Medical Volunteering in Tanzania", facts={"Locations": "Arusha, Moshi and Karatu"}),
    case("location-fact-two-towns-then-state",
         sec("About", "Rotate between two district hospitals."), at("IN", "Udaipur", "Jaipur"), wrapper="dl",
         title="Medical Elective in India", facts={"Location": "Udaipur &amp; Jaipur, Rajasthan"}),
    case("location-fact-state-and-country-only",
         sec("About", "Dental camps in rural schools."), at("IN"), wrapper="dl",
         title="Dental Outreach in India", facts={"Location": "Kerala, India"}),
    case("location-heading-short-line",
         sec("Location", "Hoi An, Quang Nam Province") + sec("Your role", "Assist the physiotherapists."),
         at("VN", "Hoi An"), title="Physiotherapy Placement in Vietnam"),
    case("other-programme-town-in-placement-text",
         sec("Your placement", "You join the surgical team of the regional hospital in Mwanza. Our other "
             "programmes in Arusha and Moshi are described on their own pages."),
         at("TZ", "Mwanza"), title="Surgical Elective in Tanzania"),
    case("founded-in-another-town",
         sec("About the project", "Founded in Arusha in 2009, the project now runs a clinic in Karatu."),
         at("TZ", "Karatu"), title="Community Health in Tanzania"),
    case("hours-from-the-capital",
         sec("Your placement", "The district hospital in Bagamoyo is two hours from the capital, Dar es Salaam."),
         at("TZ", "Bagamoyo"), title="Medical Elective in Tanzania"),
    case("weekend-town-in-trailing-words",
         sec("Your placement", "Your placement is at the district hospital in Bagamoyo.")
         + sec("Free time", "Dar es Salaam is an easy weekend trip."),
         at("TZ", "Bagamoyo"), title="Medical Elective in Tanzania"),
    # --- third round, after misses on sites written by another author
    case("road-named-after-a-town",
         sec("Your placement", "You work at the district hospital in Moshi; on outreach days you ride out along "
             "the Arusha road."), at("TZ", "Moshi"), title="Medical Elective in Tanzania"),
    case("on-the-road-to-still-placed",
         sec("Your placement", "You work in Moshi, on the road to the national park."),
         at("TZ", "Moshi"), title="Medical Elective in Tanzania"),
    case("facility-named-after-landform",
         sec("Your days", "Mornings are spent shadowing at Usambara Foothills Health Centre."),
         at("TZ", "Lushoto"), title="Medical Experience in Lushoto, Tanzania"),
    case("location-fact-two-unlisted-towns-then-district",
         sec("About", "Health education in village schools."), at("MW", "Namwera", "Chiponde"), wrapper="dl",
         title="Community Health in Malawi", facts={"Location": "Namwera and Chiponde, Mangochi district"}),
    case("location-fact-two-unlisted-names-alone-may-be-regions",
         sec("About", "Health education in village schools."), at("NP"), wrapper="dl",
         title="Community Health in Nepal", facts={"Location": "Karnali and Sudurpaschim"}),
    case("relative-town-locates-an-unlisted-village",
         sec("Your placement", "You join the health post in Mtowa, a farming village west of Morogoro."),
         at("TZ", "Mtowa"), title="Public Health in Tanzania"),
    case("shared-town-name-governed-by-clinic",
         sec("Where you work", "Your weeks are split between the provincial hospital in Bacolod and a birthing "
             "clinic in Victoria, half an hour inland."),
         at("PH", "Bacolod", "Victoria"), title="Midwifery Placement in the Philippines"),
    case("shared-town-name-as-a-lake",
         sec("Your placement", "The clinic in Kisumu sits on the shore of Lake Victoria."),
         at("KE", "Kisumu"), title="Dental Outreach in Kenya"),
    case("apposition-after-of-with-joined-name",
         sec("The project", "You travel with the promoters to the clinics of Santa Rosa de Quives, a small town in "
             "the hills."), at("PE", "Santa Rosa de Quives"), title="Public Health Internship in Peru"),
]


@pytest.mark.parametrize(("html", "expected"), params(ROWS, "country_bug"))
def test_country(html: str, expected: tuple[str | None, list[str]]) -> None:
    country, evidence = extract_country(parse_html(html, URL))
    assert country == expected[0]
    if expected[0] is not None:
        assert evidence


@pytest.mark.parametrize(("html", "expected"), params(ROWS, "city_bug"))
def test_cities(html: str, expected: tuple[str | None, list[str]]) -> None:
    # The labelled country is passed in so that a wrong country does not hide what cities does.
    cities, _ = extract_cities(parse_html(html, URL), expected[0])
    assert sorted(cities) == sorted(expected[1])
