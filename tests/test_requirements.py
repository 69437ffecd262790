"""Who may take part: `experience_required` and `min_age` (LABELS.md).

experience_required: True when some prior health training or enrolment is required, False when the page
says none is needed (open to anyone, high-school, gap-year or pre-med students), None when not stated. Pre-med
students named beside health students ("open to pre-med, nursing and medical students") ask for enrolment; what
participants say in their own words, the host's staff and other programs say nothing.
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


def faq(question: str, answer: str) -> str:
    """An accordion FAQ entry inside the program page (counts as the program's own text)."""
    return f'<details class="faq-item"><summary>{question}</summary><p>{answer}</p></details>'


def quote(text: str) -> str:
    """A participant's quote set as a plain paragraph: no review markup tells it apart."""
    return f'<p class="quote">{text}</p>'


# Challenge cases written after the wording habits of real provider pages: who a program is for is said in
# eligibility blocks, fact lists, FAQ answers and asides, and the same words also occur where they say
# nothing about the participant (testimonials, the host's own staff, other programs, language skills).
EXPERIENCE_MORE = [
    # --- training or enrolment required
    case("open-to-premed-nursing-and-medical-students",
         sec("Who can apply", "Open to pre-med, nursing and medical students."), True),
    case("enrolled-in-health-related-degree",
         sec("Requirements", "You must be enrolled in a health-related degree to take part."), True),
    case("qualified-nurses-only-in-prose",
         sec("About the placement", "The intensive care rotation is for qualified nurses only."), True),
    case("final-year-students-and-graduates",
         sec("Who is it for?", "Final-year medical students and recent graduates."), True),
    case("letter-from-medical-school-in-steps",
         sec("Applying", ul("Fill in the online form", "Send us a letter from your medical school",
                            "Pay the deposit")), True),
    case("hold-current-nursing-licence",
         sec("Eligibility", "Applicants must hold a current nursing licence."), True),
    case("dl-who-can-join-students",
         sec("About", "Rotate through the wards of a district hospital."), True, wrapper="dl",
         facts={"Who can join": "Medical, nursing and dental students", "Duration": "2-8 weeks"}),
    case("table-eligibility-row",
         sec("Overview", "A surgical elective in the capital's teaching hospital."), True, wrapper="table",
         facts={"Eligibility": "Enrolled medical students (3rd year and above)", "Length": "4-8 weeks"}),
    case("faq-yes-you-need-to-be-studying",
         sec("Your placement", "You will join the ward rounds every morning.")
         + faq("Do I need medical experience?", "Yes. You need to be studying medicine, nursing or a related "
                                                "health degree."), True),
    case("only-students-of-a-recognised-school",
         sec("Eligibility", "The elective is only available to students of a recognised medical school."), True),
    case("nursing-students-from-second-year",
         sec("Who can join", "We accept nursing students from their second year onwards."), True),
    case("elementor-suitable-for-fact",
         soup("Work alongside the midwives of the maternity unit."), True, wrapper="elementor",
         facts={"Suitable for": "Midwifery students (all years)", "Duration": "From 2 weeks"}),
    case("no-experience-see-other-program",
         sec("Who can join", "This program is for medical students in their clinical years. No medical "
             "experience? Have a look at our community health program instead."), True),
    case("premed-not-eligible",
         sec("Eligibility", "Pre-med and high-school students are not eligible; you must be enrolled at a "
             "medical school."), True),
    case("testimonial-no-experience-beside-requirement",
         sec("Who can join", "Open to nursing students in their second year or above.")
         + sec("Stories", quote("“I had no experience at all and the staff were amazing.” – Emma, UK")), True),
    case("no-experience-abroad-needed-students",
         sec("Who can apply", "Open to medical students in their clinical years. No previous experience abroad "
             "is needed."), True),
    case("medical-students-only-no-premeds",
         sec("Who is it for?", "Medical students only – we do not accept pre-med or high school students."), True),
    case("applicants-must-be-physiotherapists",
         lead("Requirements", "Applicants must be physiotherapy students or qualified physiotherapists."), True,
         wrapper="table"),
    case("must-be-studying-nursing",
         sec("Requirements", "You must be studying nursing or midwifery at university."), True),
    # --- none needed
    case("no-medical-background-no-problem",
         sec("Who can join", "No medical background? No problem!"), False),
    case("gap-year-with-no-experience",
         sec("Who is it for?", "Suitable for gap-year students with no experience."), False),
    case("ideal-for-school-leavers",
         sec("Who is it for?", "Ideal for school leavers thinking about a career in medicine."), False),
    case("dl-who-can-join-anyone-18",
         sec("About", "Help the community health team in the villages."), False, wrapper="dl",
         facts={"Who can join": "Anyone 18+", "Duration": "1-12 weeks"}),
    case("dont-have-to-be-medical-student",
         sec("Who can join", "You don't have to be a medical student to join this project."), False),
    case("no-entry-requirements",
         sec("Requirements", "There are no academic or medical entry requirements."), False),
    case("no-prior-clinical-training-expected",
         sec("Eligibility", "No prior clinical training is expected of volunteers."), False),
    case("faq-no-you-do-not",
         sec("Your placement", "Help the nurses with observations and patient education.")
         + faq("Do I need any medical experience?", "No, you don't. Our orientation covers the basics."), False),
    case("anyone-with-a-passion-for-healthcare",
         sec("Who can apply", "Anyone with a passion for healthcare can apply."), False),
    case("students-and-non-medical-both-welcome",
         sec("Who can join", "Nursing students and volunteers without medical training are both welcome."),
         False),
    case("first-aid-recommended-no-experience",
         sec("Requirements", ul("Aged 18 or over", "No medical experience necessary",
                                "A first aid course is recommended")), False),
    case("elementor-no-experience-fact",
         soup("Teach hand-washing and nutrition in village schools."), False, wrapper="elementor",
         facts={"Experience": "None required", "Minimum age": "17"}),
    case("any-student-or-graduate-any-field",
         sec("Who can join", "Students and graduates of any field are welcome."), False),
    # --- second round: phrasings seen on institutional and directory pages
    case("faq-heading-do-i-have-to-be-a-medical-student",
         sec("Your placement", "Join the morning ward round.")
         + '<div class="faq"><h3>Do I have to be a medical student?</h3>'
           "<p>Yes – this placement is only open to students enrolled in a medical degree.</p></div>", True),
    case("licensed-physicians-only",
         sec("The observership", "This observership is open to licensed physicians only."), True),
    case("open-to-doctors-nurses-midwives",
         sec("About the project", "The project is open to doctors, nurses and midwives."), True),
    case("registered-nurse-two-years",
         sec("Nursing placement", "You'll need to be a registered nurse with two years' experience."), True),
    case("accept-medical-students-from-year-3",
         sec("Who can join", "We accept medical students from year 3 onwards."), True),
    case("helpful-but-not-required",
         sec("Who can join", "Previous experience in a hospital is helpful but not required."), False),
    case("not-compulsory",
         sec("Requirements", "Medical experience is not compulsory."), False),
    case("do-not-have-to-study-medicine",
         sec("Who can join", "You do not have to study medicine to join."), False),
    case("anyone-with-genuine-interest-beside-students",
         sec("Who can join", "Open to students of medicine and nursing, and to anyone with a genuine interest "
             "in global health."), False),
    case("beginners-welcome-fact",
         sec("About", "Join the health education team."), False, wrapper="dl",
         facts={"Experience level": "Beginners welcome", "Duration": "1-8 weeks"}),
    case("bold-lead-prior-experience-not-required",
         lead("Prior experience", "Not required – full training is given."), False, wrapper="table"),
    case("all-levels-of-medical-students",
         sec("Who can join", "Suitable for all levels of medical students."), True),
    case("dont-need-to-bring-student-id",
         sec("Packing", "You don't need to bring your student ID card, just your passport."), None),
    case("no-experience-quite-like-it",
         sec("Why join", "There's no experience quite like delivering care in a rural clinic."), None),
    case("work-alongside-nursing-students",
         sec("Your placement", "You will work alongside nursing students from the local college."), None),
    case("students-interested-in-medicine-not-a-level",
         sec("The hospital", "Students interested in medicine often visit the hospital's open days."), None),
    case("procedures-supervised-by-registered-nurses",
         sec("Safety", "All procedures must be supervised by registered nurses."), None),
    case("faq-can-i-join-without-experience-yes",
         sec("Your placement", "Help in the outpatient clinic.")
         + faq("Can I join without medical experience?", "Yes, absolutely – we train you on arrival."), False),
    case("faq-can-i-join-if-not-a-medical-student-no",
         sec("Your placement", "Join the surgical team.")
         + faq("Can I join if I'm not a medical student?", "No – this elective is for medical students only."),
         True),
    case("faq-heading-do-i-need-experience-no",
         sec("Your placement", "Support the community health workers.")
         + '<div class="faq"><h3>Do I need medical experience?</h3><p>No. Our orientation covers everything.</p>'
           "</div>", False),
    case("faq-bold-question-premeds-yes",
         sec("Your placement", "Shadow the doctors.")
         + "<p><strong>Can pre-med students apply?</strong></p><p>Yes, they are very welcome.</p>", False),
    case("faq-travel-experience-not-topic",
         sec("Who can join", "Final-year medical students.")
         + faq("Do I need experience of travelling abroad?", "No, many of our students are first-time travellers."),
         True),
    case("elective-for-final-year-students-in-intro",
         sec("About the elective", "A four-week surgical elective for final-year medical students."), True),
    case("medical-students-and-premeds",
         sec("Who is it for?", "Ideal for medical students and pre-meds."), True),
    # --- not stated
    case("testimonial-alone-no-experience",
         sec("Stories", quote("“I had no medical experience but the nurses taught me so much.” – Tom")), None),
    case("language-knowledge-not-required",
         sec("Language", "Spanish is useful, but no prior knowledge of Spanish is required."), None),
    case("high-school-health-talks",
         sec("Community work", "We run health talks at the local high school every Friday."), None),
    case("other-gap-year-programs",
         sec("About us", "We also run gap-year programs in Peru and Fiji."), None),
    case("founded-by-nurses",
         sec("Our story", "We were founded in 2004 by two nurses with a passion for rural health."), None),
    case("hospital-trains-final-year-students",
         sec("The hospital", "The hospital is a training site for final-year medical students from the "
             "national university."), None),
    case("no-two-days-the-same",
         sec("A typical day", "No two days are the same: some mornings you join outreach, others the ward."), None),
    # --- third round, after misses on sites written by another author
    case("trained-audience-from-any-background",
         sec("Who can apply?", "Pharmacy students from any background who are enrolled at a university."), True),
    case("trained-audience-of-any-degree",
         sec("Eligibility", "Student midwives of any degree programme."), True),
    case("students-of-any-discipline-welcome",
         sec("Who can apply?", "Students of any discipline are welcome; no health background is needed."), False),
    case("anyone-from-any-field",
         sec("Who can join", "Open to anyone from any field."), False),
    case("who-it-is-for-heading",
         sec("Who it is for", "Nursing students in their final two years, and nurses who qualified recently."),
         True),
    case("who-this-programme-is-for-heading",
         sec("Who this programme is for", "Dental students from their third year onwards."), True),
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

AGE_MORE = [
    case("elementor-fact-age-18-plus", soup("Support the community nurses."), 18, wrapper="elementor",
         facts={"Age": "18+", "Duration": "1-12 weeks"}),
    case("aged-17-and-over", sec("Who can join", "Volunteers aged 17 and over are welcome."), 17),
    case("minimum-age-16-with-consent",
         sec("Requirements", "Minimum age 16 (with parental consent)."), 16),
    case("over-18s-only", sec("Who can join", "Over 18s only, please."), 18),
    case("ages-18-70-en-dash", sec("Who can join", "Ages 18–70 welcome."), 18),
    case("ages-16-and-up", sec("Who is it for?", "High-school students ages 16 and up."), 16),
    case("at-least-eighteen-in-words", sec("Requirements", "You must be at least eighteen years old."), 18),
    case("years-of-age-or-older",
         sec("Requirements", "Participants need to be 18 years of age or older on the start date."), 18),
    case("from-the-age-of-17", sec("Who can join", "Volunteers are accepted from the age of 17."), 17),
    case("dl-who-can-join-anyone-18-age", sec("About", "Help the community health team."), 18, wrapper="dl",
         facts={"Who can join": "Anyone 18+", "Duration": "1-12 weeks"}),
    case("need-to-be-18-to-join", sec("Requirements", "You need to be 18 to join this program."), 18),
    case("table-age-requirement-21", sec("Overview", "Surgical observership."), 21, wrapper="table",
         facts={"Age requirement": "21 and over", "Length": "4 weeks"}),
    case("summer-program-aged-16-19", sec("Who is it for?", "Open to students aged 16-19."), 16),
    case("faq-how-old", sec("Your placement", "Shadow the ward team.")
         + faq("How old do I need to be?", "You must be 18 or older when the program starts."), 18),
    case("aged-between-18-and-65", sec("Requirements", "Participants must be aged between 18 and 65."), 18),
    case("ages-colon-16-plus", sec("Who is it for?", "Ages: 16+"), 16),
    case("15-18-year-olds", sec("Who is it for?", "A summer program for 15-18 year olds."), 15),
    case("over-18s-hyphen", sec("Requirements", "Over-18s only."), 18),
    case("have-to-be-over-18-years-old",
         sec("Requirements", "You have to be over 18 years old to volunteer."), 18),
    case("24-hour-support", sec("Support", "Our team offers 24 hour support and 10+ years of local knowledge."),
         None),
    # --- not a participant's minimum age
    case("founded-25-years-ago", sec("Our story", "We founded the clinic 25 years ago with two beds."), None),
    case("clinic-30-years-old", sec("The clinic", "The clinic is 30 years old and serves six villages."), None),
    case("doctors-25-plus-years-experience",
         sec("Supervision", "Our doctors have 25+ years of experience in rural medicine."), None),
    case("over-20-years-of-experience",
         sec("About us", "Our coordinator has over 20 years of experience in the region."), None),
    case("screening-women-aged-25-65",
         sec("Outreach", "The team runs cervical screening for women aged 25-65."), None),
    case("adolescents-aged-15-19-patients",
         sec("Youth clinic", "Adolescents aged 15 to 19 receive free contraceptive counselling."), None),
    case("adults-18-and-over-seen-in-opd",
         lead("The hospital", "Adults aged 18 and over are seen in the outpatient department."), None,
         wrapper="table"),
    case("30-plus-villages", sec("Our reach", "The mobile clinic visits 30+ villages every month."), None),
]


@pytest.mark.parametrize(("html", "expected"), EXPERIENCE + EXPERIENCE_MORE)
def test_experience_required(html: str, expected: bool | None) -> None:
    value, evidence = extract_experience(parse_html(html, URL))
    assert value is expected
    if expected is not None:
        assert evidence


@pytest.mark.parametrize(("html", "expected"), AGE + AGE_MORE)
def test_min_age(html: str, expected: int | None) -> None:
    value, evidence = extract_min_age(parse_html(html, URL))
    assert value == expected
    if expected is not None:
        assert evidence
