"""Start dates: `flexible` ("any Monday", "year-round", "you choose"), `fixed` (named dates or named intakes,
monthly intakes), or None when the page does not say when one can start (LABELS.md)."""

from __future__ import annotations

import pytest
from pagekit import URL, case, lead, sec, soup, ul

from pipelines.page import parse_html
from pipelines.schedule import extract_start_dates

FLEX = "flexible"
FIXED = "fixed"

CASES = [
    # --- flexible
    # --- institutional and directory phrasings
    case("rotations-first-monday", sec("Dates", "Rotations begin on the first Monday of each month."), FIXED),
    case("any-weekday", sec("Start", "You may start on any weekday that suits your university calendar."), FLEX),
    case("dates-agreed-individually",
         sec("Dates", "Start dates are agreed individually with each student."), FLEX),
    case("two-intakes-a-year", sec("Intakes", "We take students in two intakes a year, in March and October."),
         FIXED),
    case("cohort-start-date-fact", sec("About", "A summer public-health programme."), FIXED, wrapper="dl",
         facts={"Start date": "14 June 2026", "Duration": "4 weeks"}),
    case("next-start-dates-list",
         sec("Upcoming start dates", ul("6 January 2026", "3 February 2026", "2 March 2026")), FIXED),
    case("any-monday", sec("Dates", "You can start any Monday of the year."), FLEX),
    case("runs-year-round", sec("When can I go?", "Placements run year-round."), FLEX),
    case("fact-start-dates-flexible", sec("About", "Work with the nurses of a rural hospital."), FLEX,
         wrapper="dl", facts={"Start dates": "Flexible", "Duration": "2-12 weeks"}),
    case("choose-your-own-start-date",
         sec("Dates", "Choose your own start date and we will arrange the rest."), FLEX),
    case("arrive-any-sunday",
         sec("Arrival", "Arrive on any Sunday; orientation takes place on the Monday morning."), FLEX),
    case("start-whenever-suits",
         soup("Start whenever suits you, as long as you book four weeks ahead."), FLEX, wrapper="elementor"),
    case("all-year-except-christmas",
         sec("Availability", "Available all year except the last two weeks of December."), FLEX),
    case("fact-start-you-choose", sec("About", "Outreach with the community health team."), FLEX,
         wrapper="elementor", facts={"Start date": "You choose", "Duration": "From 1 week"}),
    case("twelve-months-a-year-you-pick",
         sec("Dates", "The programme runs twelve months a year and you pick the day you begin."), FLEX),
    case("date-that-suits-you",
         lead("Start dates", "Begin on a date that suits you."), FLEX, wrapper="table"),
    case("no-fixed-start-dates",
         sec("Dates", "There are no fixed start dates; tell us when you would like to arrive."), FLEX),
    case("starts-every-monday", sec("Dates", "Placements start every Monday."), FLEX),
    case("table-row-arrival-any-day",
         lead("Key facts", "") + "<table><tr><td>Arrival</td><td>Any day of the week</td></tr>"
         "<tr><td>Duration</td><td>2 to 10 weeks</td></tr></table>", FLEX, wrapper="table"),
    case("any-week-feb-to-nov",
         sec("Dates", "Start any week between February and November, once your medical school approves the "
             "dates of your elective."), FLEX),
    case("start-any-monday-range",
         sec("Dates", "Start any Monday from January to November."), FLEX),
    case("year-round-except-closure",
         sec("Dates", "We welcome interns year-round, except during the clinic's closure from 20 December to "
             "5 January."), FLEX),
    # --- fixed
    case("intakes-feb-jun-sep", sec("Dates", "Intakes: February, June and September."), FIXED),
    case("next-start-dates-list",
         sec("Dates", "Next start dates: 6 January, 3 March and 5 May 2025."), FIXED),
    case("summer-programme-dates",
         sec("Dates", "The summer programme runs from 30 June to 25 July."), FIXED),
    case("monthly-intakes-first-monday",
         sec("Dates", "Monthly intakes: arrive on the first Monday of each month."), FIXED),
    case("group-departures-july-august",
         soup("Group departures in July and August."), FIXED, wrapper="elementor"),
    case("fact-start-dates-list", sec("About", "Join our maternity outreach team."), FIXED, wrapper="dl",
         facts={"Start dates": "2 Feb, 6 Apr, 1 Jun", "Duration": "4 weeks"}),
    case("two-cohorts-jan-jul",
         sec("Dates", "We run two cohorts a year, starting in January and July."), FIXED),
    case("dropdown-choose-from-set-dates",
         sec("Dates and prices", "<label>Choose your start date</label><select><option>12 May 2025</option>"
             "<option>9 June 2025</option><option>7 July 2025</option></select>"), FIXED),
    case("camp-starts-14-july",
         sec("The camp", "The camp starts on 14 July 2025 and lasts two weeks."), FIXED),
    case("1st-and-15th-of-month",
         sec("Dates", "Programmes begin on the 1st and the 15th of every month."), FIXED),
    case("table-lead-start-date",
         lead("Start date", "7 January 2026"), FIXED, wrapper="table"),
    case("spring-autumn-intake",
         sec("Dates", "Spring intake: March. Autumn intake: October."), FIXED),
    case("table-row-dates-range",
         "<table><tr><td>Dates</td><td>3-28 March 2025</td></tr><tr><td>Price</td><td>$2,100</td></tr>"
         "</table>", FIXED, wrapper="table"),
    case("arrive-saturday-named-date",
         sec("Arrival", "Arrive in Kathmandu on Saturday 12 April 2025."), FIXED),
    case("list-of-2025-dates",
         sec("2025 dates", ul("13 January - 7 February", "3 March - 28 March", "2 June - 27 June")), FIXED),
    case("elementor-fact-intakes", sec("About", "Midwifery elective."), FIXED, wrapper="elementor",
         facts={"Intakes": "January, May, September", "Duration": "6 weeks"}),
    # --- not stated
    case("summer-holidays-popular",
         sec("When to go", "Most students come during their summer holidays."), None),
    case("apply-eight-weeks-before",
         sec("How to apply", "Apply at least 8 weeks before you want to start."), None),
    case("hospital-founded-in-march",
         sec("The hospital", "The hospital was founded in March 1998 by a group of nurses."), None),
    case("orientation-begins-9am",
         sec("Your first day", "Orientation begins at 9am on your first day."), None),
    case("questions-about-dates-any-time",
         sec("Dates and prices", "Questions about dates? Email us any time."), None),
    case("payment-due-before-start",
         lead("Payment", "Payment is due 30 days before your start date."), None, wrapper="table"),
    case("flights-depart-daily",
         sec("Getting there", "Flights to Kathmandu depart daily from Doha and Delhi."), None),
    case("weekend-trips-depart-saturday",
         sec("Weekends", "Weekend trips depart every Saturday in the dry season (May to October)."), None),
    case("office-hours",
         soup("Our office is open Monday to Friday, 9am to 5pm."), None, wrapper="elementor"),
    case("monsoon-season-info",
         sec("Climate", "The monsoon begins in June and ends in September."), None),
]


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_start_dates(html: str, expected: str | None) -> None:
    value, evidence = extract_start_dates(parse_html(html, URL))
    assert value == expected
    if expected is not None:
        assert evidence
