"""Who may take part: `experience_required` and `min_age` (LABELS.md).

experience_required: True when some prior health training or enrolment is required, False when the page
says none is needed (open to anyone, high-school, gap-year or pre-med students), None when not stated.
min_age: the minimum age stated for participants, else None; ages of patients, counts of volunteers and
group sizes are not it.
"""

from __future__ import annotations

import pytest
from pagekit import URL, case, lead, sec, soup, ul

from pipelines.page import parse_html
from pipelines.requirements import extract_experience, extract_min_age

EXPERIENCE = [
    # --- training or enrolment required
    case("clinical-years-medical-students",
         sec("Who can apply", "Open to medical students in their clinical years."), True),
    case("must-be-enrolled-nursing-degree",
         sec("Requirements", "Applicants must be enrolled in a nursing degree at an accredited university."),
         True),
    case("completed-two-years-dental",
         sec("Eligibility", "You must have completed at least two years of your dental degree."), True),
    case("dl-who-can-apply-fact",
         sec("About", "Join the nursing team of a busy city hospital."), True, wrapper="dl",
         facts={"Who can apply": "Nursing and midwifery students, registered nurses", "Duration": "2-8 weeks"}),
    case("qualified-physios-only",
         sec("Requirements", "This placement is for qualified physiotherapists only."), True),
    case("proof-of-enrolment",
         sec("How to apply", "Upload proof of enrolment from your university with your application form."),
         True),
    case("preclinical-and-clinical-students",
         soup("Suitable for pre-clinical and clinical medical students."), True, wrapper="elementor"),
    case("registered-nurses-one-year",
         sec("Eligibility", "Registered nurses with at least one year of post-qualification experience."), True),
    case("current-licence-to-practise",
         sec("Requirements", "Applicants need a current licence to practise in their home country."), True),
    case("studying-health-degree",
         sec("Who is it for?", "Participants should be studying a health-related degree such as medicine, "
             "nursing, pharmacy or public health."), True),
    case("table-final-year-students",
         lead("Requirements", "Final-year students of medicine."), True, wrapper="table"),
    case("midwifery-students-twenty-births",
         sec("Requirements", "Only for students of midwifery who have attended at least 20 births."), True),
    case("letter-from-dental-school",
         sec("Documents", "Please send a letter from your dental school confirming your year of study."), True),
    case("list-requirements",
         sec("Requirements", ul("Currently studying medicine, nursing or midwifery",
                                "A clean criminal record check", "Good spoken English")), True),
    case("graduate-nurses-welcome-dl",
         sec("Eligibility", "This elective is designed for nursing graduates awaiting registration."), True,
         wrapper="dl"),
    case("copy-of-registration-certificate",
         lead("Before you travel", "All applicants send a copy of their nursing registration certificate "
              "with the application form."), True, wrapper="table"),
    # --- none needed
    case("no-medical-experience-needed",
         sec("Requirements", "No medical experience is needed."), False),
    case("open-to-everyone-18",
         sec("Who can join", "Open to everyone aged 18 and over, no previous experience required."), False),
    case("dont-need-medical-background",
         sec("Who can join", "You don't need a medical background to join this project."), False),
    case("ideal-for-premed",
         sec("Who is it for?", "Ideal for pre-med students and gap-year travellers."), False),
    case("high-school-students-welcome",
         soup("High-school students aged 16 and over are welcome."), False, wrapper="elementor"),
    case("school-leaver-or-career-changer",
         sec("Who can join", "Whether you are a school leaver or changing careers, there is a place for you."),
         False),
    case("absolutely-no-qualifications",
         lead("Requirements", "Absolutely no qualifications required, just enthusiasm!"), False,
         wrapper="table"),
    case("anyone-over-18",
         sec("Eligibility", "Anyone over 18 can join."), False),
    case("prior-experience-not-necessary",
         sec("Training", "Training is given on site, so prior experience is not necessary."), False),
    case("non-medical-volunteers-welcome",
         sec("Who can join", "Non-medical volunteers are welcome: you will help with admin, play and feeding."),
         False),
    case("perfect-for-premed-application",
         sec("Why join", "This placement is perfect for pre-med students building their medical school "
             "application."), False),
    case("no-healthcare-background-dl-fact",
         sec("About", "Support the community health team in rural villages."), False, wrapper="dl",
         facts={"Requirements": "None, open to all backgrounds", "Duration": "1-12 weeks"}),
    case("whether-or-not-you-study-medicine",
         sec("Who can join", "Whether or not you study medicine, you can join our outreach team."), False),
    case("both-students-and-non-medical",
         sec("Who can apply", "Medical students and non-medical volunteers are both welcome on this project."),
         False),
    # --- not stated
    case("hospital-description-only",
         sec("The hospital", "A 300-bed teaching hospital with a busy outpatient department."), None),
    case("founders-were-medical-students",
         sec("Our story", "Founded by two medical students looking for a better elective, our charity has grown "
             "every year."), None),
    case("experience-the-culture",
         sec("Culture", "Experience the culture of Nepal at festivals and family dinners."), None),
    case("no-travel-experience-reassurance",
         sec("First time abroad?", "No travel experience? Don't worry, our team meets you at the airport."), None),
    case("registered-nurses-on-staff-look-after-you",
         sec("Support", "Registered nurses on our staff look after you for the whole stay."), None),
    case("past-volunteers-were-nursing-students",
         sec("Our volunteers", "Nursing students from the UK and Australia have joined us since 2010."), None),
    case("gain-clinical-experience",
         soup("Gain clinical experience for your CV in a busy district hospital."), None, wrapper="elementor"),
    case("hospital-trains-medical-students",
         lead("The hospital", "The hospital trains medical students from the national university."), None,
         wrapper="table"),
    case("review-says-no-experience",
         sec("The placement", "Work in the outpatient department of a district hospital.")
         + '<div class="reviews"><p>I had no medical experience at all and still loved it!</p></div>', None),
    # --- institutional elective pages (hospitals' own international office)
    case("available-after-preclinical",
         sec("Eligibility", "The elective is available to students who have completed their pre-clinical training."),
         True),
    case("years-four-and-five",
         sec("Who may apply", "Open to dental students in years 4 and 5 of their programme."), True),
    case("letter-of-good-standing",
         sec("How to apply", "Send your CV and a letter of good standing from your dean."), True),
    case("applications-from-year-students",
         sec("Applications", "We accept applications from 4th, 5th and 6th year medical students."), True),
    case("physicians-valid-licence",
         sec("Observership", "Physicians must hold a valid licence to practise in their home country."), True),
    case("observers-qualified-doctors",
         sec("Who is it for", "Observers must be qualified doctors with at least one year of clinical practice."),
         True),
    case("final-year-nursing-fact",
         sec("About", "Spend four weeks on our wards."), True, wrapper="dl",
         facts={"Level": "Final-year nursing students", "Duration": "4 weeks"}),
    # --- none needed, phrased differently
    case("all-backgrounds-welcome",
         sec("Who can join", "We welcome volunteers from all backgrounds and ages 18 and over."), False),
    case("no-prior-medical-knowledge",
         sec("Requirements", "No prior medical knowledge is required - just enthusiasm."), False),
    case("no-healthcare-experience-no-problem",
         sec("Is this for me?", "No previous healthcare experience? No problem: we train you on arrival."), False),
    case("high-school-graduates",
         sec("Eligibility", "Suitable for high school graduates and university students of any subject."), False),
    case("pre-med-and-interested",
         sec("Who can join", "Pre-med students and anyone interested in a health career can join."), False),
    case("local-staff-are-qualified",
         sec("Staff", "All clinical staff at the health post are qualified nurses or clinical officers."), None),
]

AGE = [
    case("fact-minimum-age-18", sec("About", "Join the ward team."), 18, wrapper="dl",
         facts={"Minimum age": "18", "Duration": "2-12 weeks"}),
    case("must-be-18-or-over", sec("Requirements", "Participants must be 18 or over."), 18),
    case("aged-16-and-above", sec("Who can join", "Open to students aged 16 and above (under-18s need parental "
                                                  "consent)."), 16),
    case("at-least-17-on-arrival", sec("Requirements", "You must be at least 17 years old on arrival."), 17),
    case("table-age-19-plus", lead("Age", "19+"), 19, wrapper="table"),
    case("aged-18-to-65", sec("Who can join", "Volunteers aged 18-65 are welcome."), 18),
    case("minimum-age-is-21", sec("Requirements", "The minimum age is 21 for the surgical observership."), 21),
    case("18-plus-only-elementor-fact", soup("Support the nurses on the children's ward."), 18,
         wrapper="elementor", facts={"Min. age": "18 years", "Duration": "From 2 weeks"}),
    case("18-years-or-older", sec("Requirements", "You need to be 18 years or older to join this program."), 18),
    case("age-requirement-20-and-above", sec("Requirements", "Age requirement: 20 years and above."), 20),
    case("over-the-age-of-19", sec("Eligibility", "Applicants should be over the age of 19."), 19),
    case("dl-age-range-17-70", sec("About", "Help at the rural clinic."), 17, wrapper="dl",
         facts={"Age": "17-70", "Duration": "1-8 weeks"}),
    case("minimum-age-in-words", sec("Requirements", "The minimum age to volunteer is eighteen."), 18),
    case("hospital-25-years", sec("The hospital", "Our hospital has served the community for 25 years."), None),
    case("women-over-28-weeks-pregnant",
         sec("Antenatal clinic", "Women over 28 weeks pregnant are referred to the district hospital."), None),
    case("over-25-volunteers-a-year", sec("Our impact", "Over 25 volunteers join us every year."), None),
    case("group-discount-20-or-over",
         sec("Groups", "A 10% discount applies to groups of 20 or over."), None),
    case("volunteers-typically-aged-20-to-30",
         sec("Our volunteers", "Most of our volunteers are aged 20 to 30."), None),
    case("third-to-fifth-year", sec("Eligibility", "Open to students in their 3rd, 4th or 5th year."), None),
    case("patients-over-65-free-care",
         lead("The clinic", "Patients over 65 receive free care at the clinic."), None, wrapper="table"),
    case("children-under-16-ward", sec("Paediatrics", "The paediatric ward admits children under 16."), None),
]


@pytest.mark.parametrize(("html", "expected"), EXPERIENCE)
def test_experience_required(html: str, expected: bool | None) -> None:
    value, evidence = extract_experience(parse_html(html, URL))
    assert value is expected
    if expected is not None:
        assert evidence


@pytest.mark.parametrize(("html", "expected"), AGE)
def test_min_age(html: str, expected: int | None) -> None:
    value, evidence = extract_min_age(parse_html(html, URL))
    assert value == expected
    if expected is not None:
        assert evidence
