"""Participation: what the participant does (LABELS.md conventions).

Only watching is `observation`; doing tasks themselves (care, teaching sessions, surveys) is `hands_on`;
a page that says both (observe first, then do) is `mixed`; nothing stated is None. Naming departments
alone is not an activity, and what staff or past volunteers do is not what the participant does.
"""

from __future__ import annotations

import pytest
from pagekit import URL, case, lead, sec, soup, ul

from pipelines.page import parse_html
from pipelines.participation import extract_participation

OBS = "observation"
HANDS = "hands_on"
MIXED = "mixed"

CASES = [
    # --- observation only
    case("shadow-ward-rounds-observe-surgery",
         sec("What you'll do", "You will shadow doctors on ward rounds and observe operations in theatre."), OBS),
    case("observation-only-no-examining",
         sec("Your role", "This is an observation-only placement: interns watch consultations but do not "
             "examine patients."), OBS),
    case("sit-in-on-clinics-follow-surgical-team",
         sec("A typical week", "Students sit in on outpatient clinics and follow the surgical team between "
             "theatre and the wards."), OBS),
    case("observe-deliveries-attend-handover",
         sec("On the labour ward", "Observe deliveries and attend the morning handover with the midwives."), OBS),
    case("table-shadowing-only-dental",
         lead("Your role", "Shadowing only. You will watch how the dental team treats patients in the clinic."),
         OBS, wrapper="table"),
    case("strictly-observers-premed",
         sec("Pre-med interns", "Pre-med interns are strictly observers: they may ask questions but never touch "
             "patients."), OBS),
    case("watch-operations-from-gallery",
         soup("From the viewing gallery you watch operations and the surgeon explains each step."),
         OBS, wrapper="elementor"),
    case("learn-by-observing-physios",
         sec("Your elective", "You'll learn by observing the physiotherapists at work with stroke patients."),
         OBS),
    case("negated-procedures-then-observe",
         sec("Your role", "You will not take blood or give injections; your role is to observe the ward "
             "team."), OBS),
    case("observership-dl",
         sec("About", "A four-week observership in the cardiology department of a teaching hospital."),
         OBS, wrapper="dl"),
    case("lab-watch-technicians-run-tests",
         sec("In the laboratory", "Spend time in the lab watching technicians run malaria and HIV tests."), OBS),
    case("task-list-observation-items",
         sec("What you will do", ul("Shadow the duty doctor", "Observe minor procedures",
                                    "Attend teaching rounds")), OBS),
    # --- hands-on only
    case("vitals-dressings-register",
         sec("Your tasks", "Volunteers take vital signs at triage, clean and dress wounds and help keep the "
             "immunisation register."), HANDS),
    case("run-health-education-sessions",
         sec("What you'll do", "You will run health-education sessions on hand washing at local primary "
             "schools."), HANDS),
    case("household-surveys",
         sec("The project", "Interns carry out household surveys on water and sanitation in three villages."),
         HANDS),
    case("teach-first-aid",
         lead("Your work", "You teach first aid to village health volunteers twice a week."), HANDS,
         wrapper="table"),
    case("feed-and-bathe-residents",
         sec("A day at the care home", "Help the nurses feed and bathe elderly residents each morning."), HANDS),
    case("weigh-babies-record-growth",
         sec("Under-fives clinic", "You will weigh babies and record their growth on the clinic cards."), HANDS),
    case("assist-data-collection",
         sec("Research", "Participants assist with data collection for a maternal health study."), HANDS),
    case("dental-hygiene-workshops",
         soup("Volunteers deliver dental hygiene workshops to primary school children."), HANDS,
         wrapper="elementor"),
    case("task-list-hands-on-items",
         sec("Your tasks", ul("Taking blood pressure", "Dressing wounds", "Filing patient records")), HANDS),
    case("qualified-nurses-own-patients",
         sec("For registered nurses", "Qualified nurses work full shifts on the medical ward, caring for their "
             "own patients."), HANDS),
    case("blood-pressure-screening-market",
         sec("Outreach", "Interns conduct blood pressure screening at the market every Friday."), HANDS),
    case("counting-tablets-pharmacy",
         sec("In the pharmacy", "You'll be counting tablets and labelling medicines for the outpatient "
             "pharmacy."), HANDS),
    case("clerk-and-present-patients",
         sec("Medical students", "Medical students clerk new patients and present them to the consultant."),
         HANDS),
    case("histories-and-examinations-dl",
         sec("Clinical work", "Electives rotate through medicine, surgery and paediatrics, taking histories and "
             "examining patients under supervision."), HANDS, wrapper="dl"),
    case("assist-dentists-fillings",
         sec("At the dental camp", "You will assist the dentists with fillings and extractions."), HANDS),
    # --- both
    case("shadow-first-then-histories",
         sec("How the placement works", "In your first week you shadow the doctors. From week two you take patient "
             "histories yourself."), MIXED),
    case("observe-surgery-help-dressings",
         sec("A typical day", "Observe surgery in the mornings and help with dressings on the ward in the "
             "afternoon."), MIXED),
    case("shadow-midwives-assist-births",
         sec("Midwifery", "Shadow the midwives and, once they are happy with you, assist at births."), MIXED),
    case("list-observe-and-measure",
         sec("What you will do", ul("Observe ward rounds", "Take vital signs", "Measure blood sugar at "
                                                                           "screening camps")), MIXED),
    case("table-lead-join-rounds-clerk",
         lead("A typical day", "Students join the morning ward round and then clerk new admissions."), MIXED,
         wrapper="table"),
    case("elementor-soup-shadow-and-teach",
         soup("Shadow community nurses on home visits", "Teach hygiene classes at the village school"), MIXED,
         wrapper="elementor"),
    case("watch-and-learn-then-giving-care",
         sec("Your first days", "We ask volunteers to watch and learn for the first few days before joining the "
             "nurses in giving basic care."), MIXED),
    # --- nothing the participant does
    case("departments-only",
         sec("Departments", "Placements are available in surgery, paediatrics, obstetrics and emergency "
             "medicine."), None),
    case("decided-on-arrival",
         sec("Your role", "Your exact role will be decided on arrival according to the hospital's needs."), None),
    case("city-description-only",
         sec("About Kathmandu", "Kathmandu is a vibrant city of temples, markets and rooftop cafes."), None),
    case("staff-record-observations",
         sec("The ward", "The nurses record observations on paper charts four times a day."), None),
    case("observe-local-customs",
         sec("Culture", "Please observe local customs and dress modestly at the hospital."), None),
    case("doctors-perform-operations",
         lead("The hospital", "Our surgeons perform over 300 operations a year in two theatres."), None,
         wrapper="table"),
    case("gain-insight-marketing",
         soup("Gain an unforgettable insight into healthcare in Nepal and make friends for life."), None,
         wrapper="elementor"),
    case("review-box-mentions-surgery",
         sec("The hospital", "A 150-bed district hospital serving the Kathmandu valley.")
         + '<section class="testimonials"><h2>Volunteer stories</h2><p>I got to assist in surgery on my second '
           "day!</p></section>", None),
]


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_participation(html: str, expected: str | None) -> None:
    value, evidence = extract_participation(parse_html(html, URL))
    assert value == expected
    if expected is not None:
        assert evidence
