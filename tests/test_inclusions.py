"""What the main fee covers (`includes`) and what the page says it does not (`excludes`), in the LABELS.md
vocabulary. What a registration fee or deposit covers is not what the main fee covers; reviews and other
chrome say nothing; "visa" left out of the fee is `visa_fees`, help with the visa is `visa_support`."""

from __future__ import annotations

import pytest
from pagekit import URL, case, lead, sec, soup, ul

from pipelines.inclusions import extract_inclusions
from pipelines.page import parse_html


def io(includes: str = "", excludes: str = "") -> tuple[set[str], set[str]]:
    return set(includes.split()), set(excludes.split())


TABS = (
    '<div class="tabs"><ul role="tablist"><li role="tab">Included</li><li role="tab">Not included</li></ul>'
    '<div role="tabpanel"><ul><li>Homestay with breakfast and dinner</li><li>Airport pick-up</li></ul></div>'
    '<div role="tabpanel"><ul><li>Flights</li><li>Travel insurance</li></ul></div></div>'
)

CASES = [
    # --- included lists and sentences
    case("included-list-four-items",
         sec("What's included", ul("Accommodation in a shared volunteer house", "Three meals a day",
                                   "Airport pick-up", "Orientation on your first day", "24-hour in-country support")),
         io("accommodation meals airport_transfer orientation")),
    case("not-included-list",
         sec("Not included", ul("Flights", "Travel insurance", "Visa fees", "Vaccinations")),
         io("", "flights insurance visa_fees vaccinations")),
    case("fee-includes-sentence-language-lesson",
         sec("Fees", "The fee includes accommodation, breakfast and dinner, and a weekly Nepali lesson."),
         io("accommodation meals language_lessons")),
    case("fee-does-not-cover-sentence",
         sec("Fees", "Your programme fee does not cover flights, insurance or personal spending money."),
         io("", "flights insurance personal_expenses")),
    case("price-covers-homestay-transport-certificate",
         sec("Price", "The price covers your homestay, meals, local transport to the hospital and a certificate "
             "of completion."), io("accommodation meals local_transport certificate")),
    case("dl-included-fact",
         sec("About", "Hospital placement."), io("accommodation meals internet"), wrapper="dl",
         facts={"Included": "Room, board and Wi-Fi", "Duration": "2-12 weeks"}),
    case("dl-not-included-fact",
         sec("About", "Hospital placement."), io("", "flights visa_fees insurance"), wrapper="dl",
         facts={"Not included": "International airfare, visa, travel insurance", "Duration": "2-12 weeks"}),
    case("included-transfers-laundry",
         sec("Included", ul("Airport transfers on arrival and departure", "Laundry service once a week")),
         io("airport_transfer laundry")),
    case("excursions-not-included-sentence",
         sec("Weekends", "Weekend safaris can be booked separately and are not included in the price."),
         io("", "excursions")),
    case("weekly-fee-pays-for-bed-and-lunch",
         sec("Fees", "Your weekly fee pays for a bed in the nurses' hostel and lunch on working days."),
         io("accommodation meals")),
    case("tabs-included-and-not", TABS, io("accommodation meals airport_transfer", "flights insurance")),
    case("table-lead-fee-covers",
         lead("What the fee covers", "Accommodation, meals, orientation and supervision."),
         io("accommodation meals orientation supervision"), wrapper="table"),
    case("included-supervision-registered-nurses",
         sec("What's included", ul("Supervision by registered nurses", "Certificate of completion")),
         io("supervision certificate")),
    case("visa-support-letter-included",
         sec("What's included", ul("Visa support letter", "Airport pick-up")),
         io("visa_support airport_transfer")),
    case("fee-includes-colon-list",
         sec("Fees", "Fee includes: accommodation with a host family, two meals per day, a local SIM card."),
         io("accommodation meals")),
    case("price-includes-transfers-and-daily-transport",
         sec("Price", "The price includes return transfers from Arusha airport to the volunteer house, plus daily "
             "transport to the hospital."), io("airport_transfer local_transport")),
    case("your-fee-pays-for-heading-list",
         sec("Your fee pays for", ul("Homestay", "Breakfast and dinner", "Weekly Spanish classes")),
         io("accommodation meals language_lessons")),
    case("extra-costs-heading-list",
         sec("Extra costs", ul("Tourist visa (about $50)", "Spending money", "Weekend trips")),
         io("", "visa_fees personal_expenses excursions")),
    case("elementor-included-list",
         '<div class="elementor-widget-icon-list"><div class="elementor-widget-container">'
         "<h3>What's included</h3><ul class=\"elementor-icon-list-items\">"
         '<li class="elementor-icon-list-item"><span class="elementor-icon-list-text">Private room</span></li>'
         '<li class="elementor-icon-list-item"><span class="elementor-icon-list-text">Wi-Fi</span></li>'
         '<li class="elementor-icon-list-item"><span class="elementor-icon-list-text">Induction day</span></li>'
         "</ul></div></div>", io("accommodation internet orientation"), wrapper="elementor"),
    case("includes-and-excludes-in-one-list-pair",
         sec("Included", ul("Accommodation", "Meals")) + sec("Excluded", ul("Flights", "Laundry")),
         io("accommodation meals", "flights laundry")),
    case("whats-not-included-heading",
         sec("What's not included", ul("Visa (about USD 50)", "Laundry")), io("", "visa_fees laundry")),
    case("fee-includes-insurance-and-visa-help",
         sec("Fees", "The programme fee includes medical insurance and help with your visa application."),
         io("insurance visa_support")),
    case("table-lead-included-trip-certificate",
         lead("Included", "A weekend trip to the national park and a certificate of completion."),
         io("excursions certificate"), wrapper="table"),
    case("what-you-get-list",
         sec("What you get", ul("Pick-up from the airport", "Daily lunch at the hospital canteen",
                                "24-hour emergency support")), io("airport_transfer meals")),
    # --- harder phrasings
    case("insurance-purchased-separately",
         sec("Insurance", "Insurance is compulsory and must be purchased separately."), io("", "insurance")),
    case("everything-except-flights",
         sec("Fees", "Everything except your flights is included in the fee."), io("", "flights")),
    case("comparison-table-included-rows",
         sec("What the price covers", "<table><tr><td>Accommodation</td><td>Included</td></tr>"
             "<tr><td>Meals</td><td>Included</td></tr><tr><td>Flights</td><td>Not included</td></tr></table>"),
         io("accommodation meals", "flights")),
    case("covers-but-not",
         sec("Fees", "The fee covers accommodation and meals but not flights or insurance."),
         io("accommodation meals", "flights insurance")),
    case("meals-not-included-kitchen",
         sec("Food", "Meals are not included, but there is a kitchen in the volunteer house."), io("", "meals")),
    case("passive-included-in-fee",
         sec("Fees", "Accommodation and meals are included in the programme fee."), io("accommodation meals")),
    case("need-to-pay-for-your-own",
         sec("Costs", "You will need to pay for your own visa, flights and travel insurance."),
         io("", "visa_fees flights insurance")),
    case("vaccinations-your-responsibility",
         sec("Health", "Vaccinations and antimalarials are your responsibility and not part of the fee."),
         io("", "vaccinations")),
    case("dl-accommodation-included",
         sec("About", "Ward placement."), io("accommodation"), wrapper="dl",
         facts={"Accommodation": "Included", "Duration": "2-12 weeks"}),
    case("dl-meals-not-included",
         sec("About", "Ward placement."), io("", "meals"), wrapper="dl",
         facts={"Meals": "Not included (budget about $5 a day)", "Duration": "2-12 weeks"}),
    case("wifi-no-extra-cost",
         sec("Accommodation", "Wi-Fi is available in the house at no extra cost."), io("internet")),
    case("elementor-soup-package-includes",
         soup("Your package includes:", "Airport pickup", "Host family stay", "Two meals a day"),
         io("airport_transfer accommodation meals"), wrapper="elementor"),
    case("table-lead-not-included",
         lead("Not included", "Flights, visa, insurance and personal expenses."),
         io("", "flights visa_fees insurance personal_expenses"), wrapper="table"),
    # --- nothing the main fee covers
    case("registration-fee-covers-checks",
         sec("Fees", "The $250 registration fee covers your background check and placement arrangements."), io()),
    case("deposit-covers-booking",
         sec("Booking", "A deposit of $300 secures your place and covers your airport pick-up booking."), io()),
    case("review-mentions-included-meals",
         sec("Your placement", "Shadow the nursing team on the surgical ward.")
         + '<section class="reviews"><p>The accommodation was lovely and all meals were included!</p></section>',
         io()),
    case("laundry-by-hand-no-fee",
         sec("Living", "Laundry is done by hand, so bring a little detergent."), io()),
    case("dl-airport-fact-not-inclusion",
         sec("About", "Ward placement."), io(), wrapper="dl",
         facts={"Nearest airport": "Tribhuvan International (KTM)", "Duration": "2-12 weeks"}),
    # --- CMS and page-builder structures: items that are not <li>
    case("drupal-field-items",
         '<div class="field field--name-field-included"><h3 class="field__label">Included in the fee</h3>'
         '<div class="field__items"><div class="field__item">Shared apartment near the clinic</div>'
         '<div class="field__item">Daily breakfast</div><div class="field__item">Airport collection</div></div></div>'
         '<div class="field field--name-field-excluded"><h3 class="field__label">Not included</h3>'
         '<div class="field__items"><div class="field__item">International airfare</div>'
         '<div class="field__item">Medical insurance</div></div></div>',
         io("accommodation meals airport_transfer", "flights insurance")),
    case("card-grid-spans",
         sec("Your fee covers", '<div class="grid"><div class="card"><span class="icon"></span><span>Homestay room'
             '</span></div><div class="card"><span class="icon"></span><span>Spanish classes</span></div>'
             '<div class="card"><span class="icon"></span><span>Induction week</span></div></div>'),
         io("accommodation language_lessons orientation")),
    case("paragraph-per-item",
         sec("Not covered", "Flights to the country.", "Visa costs.", "Spending money."),
         io("", "flights visa_fees personal_expenses")),
    case("long-paragraph-under-included-is-not-a-list",
         sec("What's included",
             "Most of our interns tell us the house feels like home within a week; the garden is shared with the "
             "family next door, whose children will want to practise their English on you every evening."),
         io()),
    case("accommodation-description-only",
         sec("Accommodation", "You stay in a guesthouse ten minutes' walk from the hospital."), io()),
    case("what-you-will-do-list",
         sec("What you will do", ul("Shadow doctors on rounds", "Attend the induction lecture series",
                                    "Join weekend health camps")), io()),
]


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_inclusions(html: str, expected: tuple[set[str], set[str]]) -> None:
    includes, excludes, evidence = extract_inclusions(parse_html(html, URL))
    assert (set(includes), set(excludes)) == expected
    assert len(includes) == len(set(includes)) and len(excludes) == len(set(excludes))
    if expected != (set(), set()):
        assert evidence
