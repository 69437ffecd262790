"""Supervision: does the page say participants are supervised, and by licensed professionals? (LABELS.md)

`claimed`: supervised, mentored or guided by someone; working "alongside" or "with" staff is not.
`licensed`: the supervisors are licensed/registered/qualified/certified or a regulated profession.
"""

from __future__ import annotations

import pytest
from pagekit import URL, case, lead, sec, soup, ul

from pipelines.page import parse_html
from pipelines.supervision import extract_supervision

LICENSED = (True, True)
CLAIMED = (True, False)
NONE = (False, False)

CASES = [
    # --- claimed, by a licensed or regulated professional
    case("under-supervision-of-registered-nurse",
         sec("Your placement", "On the surgical ward you work under the supervision of a registered nurse at all "
             "times."), LICENSED),
    case("supervised-by-consultant-physicians",
         sec("Clinical work", "Elective students are supervised by consultant physicians on every ward they "
             "join."), LICENSED),
    case("mentor-is-qualified-midwife",
         sec("Support", "Each student is assigned a mentor, a qualified midwife with twelve years on the labour "
             "ward."), LICENSED),
    case("table-lead-in-guidance-of-medical-officer",
         lead("Supervision", "All volunteers work under the guidance of the clinic's medical officer."),
         LICENSED, wrapper="table"),
    case("guided-by-experienced-dentists",
         sec("Your elective", "Throughout the elective you are guided by experienced dentists in the outpatient "
             "clinic."), LICENSED),
    case("clinical-supervisor-licensed-physio",
         sec("Who looks after you", "Your clinical supervisor is a licensed physiotherapist who signs your "
             "logbook every Friday."), LICENSED),
    case("mentored-by-specialist-surgeons",
         sec("Theatre", "Students scrub in to watch and are mentored by specialist surgeons."), LICENSED),
    case("supervision-provided-by-nursing-team",
         sec("Support on the ward", "Supervision is provided by the hospital's nursing team."), LICENSED),
    case("supervised-at-all-times-qualified-staff",
         sec("Safety first", "You'll be supervised at all times by a qualified member of staff."), LICENSED),
    case("each-intern-has-registered-gp-mentor",
         sec("Mentoring", "Each intern has a dedicated mentor: a fully registered GP from the district "
             "hospital."), LICENSED),
    case("under-direct-supervision-of-dr",
         sec("The clinic", "Interns examine patients under the direct supervision of Dr. Mensah, the clinic "
             "lead."), LICENSED),
    case("our-supervisors-are-registered-doctors",
         lead("Supervision", "Our supervisors are all registered doctors employed by the hospital."),
         LICENSED, wrapper="table"),
    case("consultant-in-chosen-specialty",
         sec("Rotations", "Medical students on elective are supervised by a consultant in their chosen "
             "specialty."), LICENSED),
    case("elementor-soup-certified-midwives-oversee",
         soup("Supervision", "Our certified midwives supervise every volunteer on the maternity unit."),
         LICENSED, wrapper="elementor"),
    case("local-doctors-supervise-bare-verb",
         sec("Your role", "Our local doctors supervise you throughout your placement."), LICENSED),
    case("dr-oversees-elective-students",
         sec("Who you work with", "Dr. Anjali Rao, head of paediatrics, oversees all elective students on the "
             "children's ward."), LICENSED),
    case("physio-team-will-supervise-sessions",
         sec("What you will do", "You assist the physiotherapy team, who will supervise your sessions with "
             "patients."), LICENSED),
    case("never-left-unsupervised",
         sec("Supervision", "You are never left unsupervised: a staff nurse is beside you on every shift."),
         LICENSED),
    case("dl-fact-supervision-registered-midwives",
         sec("About the placement", "Shadow midwives in the labour ward and antenatal clinic."),
         LICENSED, wrapper="dl", facts={"Supervision": "Registered midwives", "Placement length": "4 weeks"}),
    # --- claimed, by someone who is not a licensed professional
    case("mentored-by-coordinator",
         sec("Support", "You will be mentored by our in-country coordinator, who checks in with you each "
             "week."), CLAIMED),
    case("supervised-by-project-manager",
         sec("On the project", "Volunteers are supervised by our project manager during school visits."),
         CLAIMED),
    case("guided-by-team-leader",
         lead("Support", "Each volunteer is guided by a local team leader."), CLAIMED, wrapper="table"),
    case("guidance-of-community-health-coordinators",
         sec("Outreach", "You'll work under the guidance of our community health coordinators."), CLAIMED),
    case("watchful-eye-of-volunteer-manager",
         sec("A typical day", "Under the watchful eye of our volunteer manager, you plan and run hygiene "
             "lessons."), CLAIMED),
    case("mentor-is-former-volunteer",
         sec("Mentoring", "Your mentor is a former volunteer who now leads our Pokhara team."), CLAIMED),
    case("supervised-by-community-health-worker",
         sec("Home visits", "Volunteers are supervised by a community health worker during home visits."),
         CLAIMED),
    case("supervised-by-experienced-staff",
         sec("Support", "Every intern is supervised by experienced staff from our local office."), CLAIMED),
    case("in-country-team-supervises-stay",
         soup("Our in-country team supervises your stay and answers questions day and night."),
         CLAIMED, wrapper="elementor"),
    case("coordinator-supervises-while-doctors-see-patients",
         sec("Health camps", "At the camps volunteers are supervised by the camp coordinator while our doctors "
             "see patients in the next tent."), CLAIMED),
    case("registered-nurse-leads-orientation-coordinator-supervises",
         sec("Support", "A registered nurse leads your orientation session, and out in the villages you are "
             "supervised by our volunteer coordinators."), CLAIMED),
    # --- no supervision claim
    case("alongside-doctors-and-nurses",
         sec("What you will do", "You will work alongside doctors and nurses in the outpatient department."),
         NONE),
    case("work-with-local-nurses",
         sec("Your placement", "Interns work with local nurses on the medical ward."), NONE),
    case("side-by-side-with-midwives",
         sec("A day on the ward", "You'll spend your mornings side by side with Nepali midwives."), NONE),
    case("ward-rounds-led-by-consultant",
         sec("Daily routine", "Join the clinical team on ward rounds led by the consultant."), NONE),
    case("no-formal-supervision",
         sec("How it works", "There is no formal supervision; you choose where you would like to help."), NONE),
    case("work-independently",
         sec("Your role", "Volunteers work independently once they have settled in."), NONE),
    case("nurses-registered-with-council-not-supervision",
         sec("The hospital", "All of our nurses are registered with the national nursing council."), NONE),
    case("hospital-has-qualified-doctors",
         lead("The hospital", "A 200-bed hospital with 40 qualified doctors and a busy maternity unit."),
         NONE, wrapper="table"),
    case("team-up-with-registered-nurses",
         soup("Team up with registered nurses during the morning clinic."), NONE, wrapper="elementor"),
    case("staff-on-hand-for-questions",
         sec("Support", "Hospital staff are on hand if you have questions about a case."), NONE),
    case("volunteers-mentor-local-nurses",
         sec("What you will do", "Our volunteers help run a mentoring programme for young nurses at the health "
             "post."), NONE),
    case("supervision-none-self-directed",
         sec("Supervision", "None: this is a self-directed placement and you set your own schedule."), NONE),
    case("review-mentions-supervisor",
         sec("Your placement", "You join the nurses on the children's ward.")
         + '<section class="reviews"><h2>What volunteers say</h2><blockquote>My supervisor Dr Lama was '
           "brilliant and taught me so much.</blockquote></section>", NONE),
    case("list-of-departments-only",
         sec("Departments", ul("General medicine", "Paediatrics", "Obstetrics and gynaecology")), NONE),
    case("we-do-not-provide-clinical-supervision",
         sec("Please note", "We do not provide clinical supervision, so students must only observe."), NONE),
]


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_supervision(html: str, expected: tuple[bool, bool]) -> None:
    got = extract_supervision(parse_html(html, URL))
    assert (got["claimed"], got["licensed"]) == expected
    if expected[0]:
        assert got["evidence"]
