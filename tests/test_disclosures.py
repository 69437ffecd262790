"""Disclosures (LABELS.md): legal_info, safety_info, community_benefit.

- legal_info: the participant's permission to be there and to take part (visas, permits, council
  registration, what the law lets them do); the provider's own company registration is not it.
- safety_info: about the participant (insurance, emergency or 24-hour support, vaccinations or health
  precautions, a safety briefing); a national health insurance scheme, an immunisation clinic for
  patients or an emergency department as a placement ward is not.
- community_benefit: a mechanism (payments or donations to hosts, training local staff, a long-term
  partnership, supplies); volunteer labour, "our partner hospital", care patients "would otherwise
  lack" is not.
"""

from __future__ import annotations

import pytest
from pagekit import URL, case, lead, sec, soup, ul

from pipelines.disclosures import extract_community, extract_legal, extract_safety
from pipelines.page import parse_html

LEGAL = [
    # --- legal information
    case("tourist-visa-on-arrival",
         sec("Visas", "You will need a tourist visa, which most nationalities can buy on arrival at the "
             "airport."), True),
    case("help-apply-business-visa",
         sec("Before you go", "We help you apply for the business visa that clinical placements require."), True),
    case("nurses-register-with-nursing-council",
         sec("For qualified nurses", "Qualified nurses must register temporarily with the Nepal Nursing Council "
             "before they work with patients."), True),
    case("invitation-letter-for-visa",
         sec("Paperwork", "Our team sends you an invitation letter to support your visa application."), True),
    case("ministry-approval-electives",
         sec("Paperwork", "Every elective needs approval from the Ministry of Health, and we handle the "
             "paperwork for you."), True),
    case("law-forbids-students-procedures",
         sec("What you can and cannot do", "Local law does not allow students to perform procedures on "
             "patients."), True),
    case("residence-permit-over-90-days",
         lead("Visas and permits", "A residence permit is needed for stays of more than 90 days."), True,
         wrapper="table"),
    case("entry-requirements-passport",
         sec("Entry requirements", "Your passport must be valid for six months after you arrive."), True),
    case("e-visa-fee",
         soup("Students need an e-Visa before travelling; it costs around USD 50."), True, wrapper="elementor"),
    case("tourist-visa-not-permitted-class-c",
         sec("Visas", "Volunteering on a tourist visa is not permitted here, so you will need a Class C "
             "residence permit."), True),
    case("kenyan-regulations-observe-only",
         sec("Your role", "Under Kenyan regulations, foreign students may only observe clinical care."), True),
    case("temporary-licence-medical-council",
         sec("Qualified doctors", "Doctors need a temporary licence from the Medical Council of Tanganyika before "
             "the placement starts."), True),
    case("immigration-return-ticket",
         sec("Arriving", "Ghanaian immigration officers may ask to see your return ticket."), True),
    case("student-pass-no-work-permit",
         sec("Visas", "Work permits are not required for elective students, who enter on a student pass."), True),
    case("practising-licence-needed",
         sec("For clinicians", "You may not treat patients unless you hold a local practising licence."), True),
    case("dl-fact-visa", sec("About", "Shadow doctors in the outpatient clinics."), True, wrapper="dl",
         facts={"Visa": "Tourist visa on arrival (USD 30)", "Duration": "2-6 weeks"}),
    case("visa-waiver-59-days",
         sec("Visas", "Most visitors can stay up to 59 days on a visa waiver and extend it in the city."), True),
    case("thirty-day-visa-extendable",
         sec("Before you go", "Most nationalities get a 30-day visa on arrival, which can be extended in "
             "Kathmandu."), True),
    case("premeds-not-legally-permitted",
         sec("What you can do", "Pre-med volunteers are not legally permitted to carry out clinical procedures "
             "in Peru."), True),
    case("law-only-licensed-clinicians",
         sec("Your role", "Because the law only lets licensed clinicians treat patients, students observe."), True),
    case("elective-registration-with-hospital",
         sec("Before you arrive", "We arrange your elective registration with the hospital's education "
             "department."), True),
    case("written-permission-ministry-nurses",
         sec("For nurses", "Foreign nurses need written permission from the Ministry of Health before they can "
             "take part in patient care."), True),
    case("table-lead-visas",
         lead("Visas", "We email you the documents you need about six weeks before you fly."), True,
         wrapper="table"),
    case("volunteer-pass-immigration",
         soup("We handle your volunteer pass application with the immigration office."), True,
         wrapper="elementor"),
    case("special-temporary-permit-regulators",
         sec("Graduate nurses", "Nursing graduates present their home registration to the regulator to obtain "
             "a special temporary permit."), True),
    case("check-visa-requirements",
         sec("Before you go", "Please check the visa requirements for your nationality."), True),
    # --- no legal information
    case("company-registered-in-england",
         sec("About us", "Summit Health Placements Ltd is registered in England and Wales, company number "
             "09123456."), False),
    case("registered-charity-number",
         sec("About us", "We are a registered charity, number 1145678."), False),
    case("hospital-registered-with-ministry",
         sec("The hospital", "Our partner hospital is registered with the Ministry of Health as a teaching "
             "hospital."), False),
    case("read-terms",
         sec("Booking", "Please read our booking terms before you pay your deposit."), False),
    case("law-students-other-project",
         sec("Other projects", "Studying law? Ask us about our human rights internship."), False),
    case("medical-students-insight",
         sec("Why join", "Medical students gain an insight into tropical medicine."), False),
    case("founder-chaired-nursing-council",
         sec("Our story", "Our founder, a former chair of the national nursing council, designed the "
             "curriculum."), False),
    case("pay-by-visa-card",
         sec("Paying", "We accept Visa, Mastercard and bank transfer."), False),
    case("price-includes-list",
         sec("What's included", ul("Airport pickup", "Orientation", "Shared accommodation")), False),
    case("ngo-registered-social-welfare",
         lead("About us", "Our NGO is registered with the Social Welfare Council."), False, wrapper="table"),
    case("company-registration-number-fact",
         sec("About", "Join the dental team."), False, wrapper="dl",
         facts={"Company registration": "No. 08811223", "Duration": "2-4 weeks"}),
    case("provider-licensed-and-insured",
         soup("Our company is fully licensed and insured as a tour operator."), False, wrapper="elementor"),
    case("photographs-permission",
         sec("Conduct", "Always ask permission before you take photographs of patients."), False),
    case("patients-rights-lecture",
         sec("Teaching", "You attend a seminar on patients' rights in Nepal."), False),
    case("founder-trained-as-lawyer",
         sec("Our story", "Our founder trained as a lawyer before moving to Pokhara."), False),
]

SAFETY = [
    # --- safety information about the participant
    case("travel-insurance-included",
         sec("What's included", "Comprehensive travel insurance is included in your fee."), True),
    case("must-have-insurance-covering-placements",
         sec("Insurance", "You must have travel and medical insurance that covers clinical placements."), True),
    case("team-available-24-7",
         sec("Support", "Our local team is available 24/7 for emergencies."), True),
    case("recommended-vaccinations",
         sec("Health", "We recommend hepatitis A and typhoid vaccinations before you travel."), True),
    case("malaria-prophylaxis-terai",
         sec("Health", "Malaria prophylaxis is advised for outreach trips to the lowlands."), True),
    case("safety-briefing-day-one",
         lead("Orientation", "On your first day you attend a safety briefing on transport, money and health."),
         True, wrapper="table"),
    case("in-an-emergency-call",
         sec("Support", "In an emergency, call your coordinator on the number in your welcome pack."), True),
    case("pep-needlestick",
         sec("Clinical safety", "Post-exposure prophylaxis is available if you suffer a needlestick injury."),
         True),
    case("bring-ppe",
         sec("What to bring", "Bring gloves and masks, as personal protective equipment is scarce."), True),
    case("yellow-fever-certificate",
         sec("Entry", "A yellow fever vaccination certificate is required on entry."), True),
    case("emergency-line-round-the-clock",
         soup("An emergency phone line is staffed around the clock."), True, wrapper="elementor"),
    case("bottled-water-repellent",
         sec("Staying healthy", "Drink only bottled or filtered water and use mosquito repellent after dusk."),
         True),
    case("consult-travel-clinic",
         sec("Health", "Please see a travel clinic eight weeks before departure."), True),
    case("medical-cover-through-insurer",
         sec("Cover", "Medical cover for the whole placement is arranged through our insurer."), True),
    case("hep-b-immunisation-required",
         sec("Requirements", "Hepatitis B immunisation is required for all clinical volunteers."), True),
    case("reached-day-or-night",
         sec("Support", "Our in-country team can be reached day or night."), True),
    case("dl-fact-insurance", sec("About", "Work on the medical ward."), True, wrapper="dl",
         facts={"Insurance": "Not included, compulsory", "Duration": "2-8 weeks"}),
    case("brief-you-on-local-safety",
         sec("Arrival", "Your coordinator meets you and briefs you on local safety and health risks."), True),
    case("pre-departure-health-checklist",
         sec("Before you go", "Our pre-departure pack lists the jabs and health precautions you need."), True),
    case("table-lead-insurance",
         lead("Insurance", "Bring proof of cover for medical treatment and repatriation."), True,
         wrapper="table"),
    case("emergency-contact-card",
         sec("Support", "You receive a card with emergency contact numbers for the coordinator and the "
             "embassy."), True),
    case("rabies-vaccine-advice",
         soup("Consider pre-exposure rabies vaccine if you will work in rural outreach."), True,
         wrapper="elementor"),
    case("hepatitis-b-immune-status",
         sec("Health", "Check your hepatitis B status with your occupational health team before departure."),
         True),
    case("evacuation-cover",
         sec("Insurance", "Make sure your policy covers emergency evacuation."), True),
    # --- not about the participant's safety
    case("national-health-insurance-scheme",
         sec("Healthcare in Nepal", "Nepal's national health insurance scheme now covers most local families."),
         False),
    case("immunisation-clinic-for-children",
         sec("What you'll do", "On Thursdays you help at the immunisation clinic for children under five."), False),
    case("rotate-through-emergency-department",
         sec("Rotations", "Rotate through the emergency department, theatre and maternity."), False),
    case("emergency-ward-beds",
         sec("The hospital", "The hospital runs a 24-bed emergency ward and two operating theatres."), False),
    case("vaccination-campaigns-reach-children",
         sec("Our impact", "Vaccination campaigns reach 2,000 children a year in the district."), False),
    case("help-families-enrol-insurance",
         sec("Community work", "Interns help families sign up for the government health insurance programme."),
         False),
    case("clinic-open-24-hours",
         sec("The clinic", "The clinic is open 24 hours a day for deliveries."), False),
    case("learn-emergency-medicine",
         sec("Learning", "Learn how emergency medicine is practised in a low-resource setting."), False),
    case("price-only",
         lead("Price", "$1,450 for 4 weeks."), False, wrapper="table"),
    case("nurses-run-vaccination-clinic",
         sec("The health post", "Our nurses run a vaccination clinic every Tuesday."), False),
    case("see-cases-of-malaria",
         sec("Clinical exposure", "You'll see many cases of malaria and typhoid."), False),
    case("road-traffic-emergencies",
         sec("The hospital", "The ward treats road-traffic emergencies from the highway."), False),
    case("outreach-free-vaccinations",
         soup("Outreach camps give free vaccinations to children in remote villages."), False,
         wrapper="elementor"),
    case("patients-screened-tb",
         sec("Screening", "Patients are screened for TB and HIV at every camp."), False),
    case("footer-emergency-line",
         sec("Your placement", "Shadow the nurses on the paediatric ward.")
         + '<div class="prefooter"><p>24/7 emergency line for all volunteers: +44 20 7946 0000</p></div>', False),
    case("insurance-billing-admin",
         sec("Admin tasks", "You help the billing clerk sort patients' insurance claims."), False),
    case("dl-fact-emergency-department", sec("About", "Elective on the trauma service."), False, wrapper="dl",
         facts={"Department": "Emergency department", "Duration": "4 weeks"}),
]

COMMUNITY = [
    # --- a mechanism by which the host gains
    case("part-of-fee-to-clinic-medicines",
         sec("Where your money goes", "Part of your programme fee goes directly to the clinic to buy "
             "medicines."), True),
    case("donation-to-health-post",
         sec("Costs", "Each volunteer makes a US$100 donation to the health post."), True),
    case("worked-with-hospital-since-2009",
         sec("Our partner", "We have worked with Shanti Community Hospital since 2009."), True),
    case("refresher-training-for-health-workers",
         sec("Our work", "Our nurses run refresher training for the dispensary's health workers."), True),
    case("bring-donated-supplies",
         sec("Our work", "We bring donated medical supplies to the health post twice a year."), True),
    case("fee-pays-salary-community-nurse",
         lead("Your fee", "The placement fee pays the salary of a community nurse."), True, wrapper="table"),
    case("share-of-booking-funds-water-project",
         sec("Impact", "A share of every booking funds the village water project."), True),
    case("volunteers-bring-gloves",
         sec("What to bring", "Volunteers are asked to bring a box of gloves and dressings for the ward."), True),
    case("long-term-partnership-district",
         soup("Our long-term partnership with the district health office keeps the camps running."), True,
         wrapper="elementor"),
    case("twenty-percent-passed-to-hospital",
         sec("Where your money goes", "20% of your fee is passed to the host hospital."), True),
    case("fee-contributes-scholarship-fund",
         sec("Impact", "Every intern's fee contributes to a scholarship fund for local nursing students."), True),
    case("train-community-health-workers",
         sec("Our work", "We train local community health workers in first aid and maternal care."), True),
    case("placement-contribution-per-week",
         sec("Costs", "The hospital receives a placement contribution of $50 per week per student."), True),
    case("equipped-maternity-ward",
         sec("Impact", "We have equipped the maternity ward with two delivery beds and a fetal monitor."), True),
    case("students-teach-bls-to-junior-nurses",
         sec("What you'll do", "Students teach basic life support to the hospital's junior nurses."), True),
    case("partner-hospital-since-2012",
         sec("The hospital", "Mercy Valley, our partner hospital since 2012, hosts every intern."), True),
    case("dl-fact-donation", sec("About", "Community outreach in the hills."), True, wrapper="dl",
         facts={"Donation to host": "USD 150 (included)", "Duration": "2-6 weeks"}),
    case("fee-helps-fund-nurse-training",
         sec("Costs", "Your fee helps fund the training of two village midwives each year."), True),
    case("we-pay-for-medicines-outreach",
         sec("Outreach", "We pay for the medicines handed out at every outreach camp."), True),
    case("table-lead-supplies",
         lead("Giving back", "Each group leaves a kit of surgical instruments with the theatre team."), True,
         wrapper="table"),
    case("mentoring-local-midwives",
         sec("Our work", "Our midwives mentor the local midwives on the labour ward."), True),
    case("ten-year-partnership-clinic",
         sec("Partnership", "The clinic and our charity signed a ten-year partnership agreement in 2019."), True),
    case("rent-paid-to-clinic",
         soup("The rent for the volunteer house is paid to the clinic, which uses it for its running costs."),
         True, wrapper="elementor"),
    # --- no mechanism
    case("patients-would-otherwise-lack-care",
         sec("Why it matters", "Your help brings care to patients who would otherwise go without."), False),
    case("placed-at-partner-hospital",
         sec("Your placement", "You will be placed at our partner hospital in Kathmandu."), False),
    case("volunteers-give-their-time",
         sec("Impact", "Volunteers give their time to help the community."), False),
    case("make-a-difference",
         soup("Make a real difference to the lives of local people!"), False, wrapper="elementor"),
    case("hospital-serves-district",
         sec("The hospital", "The hospital serves 200,000 people in the district."), False),
    case("fees-cover-accommodation",
         sec("Fees", "Fees cover your accommodation, meals and airport pick-up."), False),
    case("local-staff-train-you",
         sec("Training", "Local staff train you in triage during your first week."), False),
    case("we-mentor-volunteers",
         sec("Support", "We mentor volunteers throughout their stay."), False),
    case("clinic-open-since-1995",
         lead("The clinic", "The clinic has been open since 1995."), False, wrapper="table"),
    case("volunteers-donate-hours",
         sec("Our impact", "Each year our volunteers donate more than 5,000 hours to the hospital."), False),
    case("fee-paid-to-provider",
         sec("Payment", "Your fee is paid to Summit Health Placements Ltd in pounds sterling."), False),
    case("hospital-short-of-staff",
         sec("Why volunteers matter", "The hospital is short of staff, which is why volunteers matter so much."),
         False),
    case("doctors-train-you-suturing",
         sec("Skills", "Local doctors will train you in basic suturing on practice pads."), False),
    case("hospital-trains-its-students",
         sec("The hospital", "The hospital trains fifty nursing students a year from the local college."), False),
    case("run-by-local-nepalis",
         sec("About us", "The organisation is run by local Nepalis."), False),
    case("footer-donate-link-chrome",
         sec("Your placement", "Support the ward team with patient care.")
         + '<div class="cta-band"><p>Donate to our clinic fund today and change a life.</p></div>', False),
    case("sidebar-partnership-other-program",
         sec("Your placement", "Shadow physiotherapists at the rehabilitation centre.")
         + '<aside class="sidebar"><p>Our long-term partnership with a school in Ghana funds two teachers.</p>'
           "</aside>", False),
    case("care-that-villages-would-not-get",
         sec("Impact", "Thanks to volunteers, remote villages get check-ups they would otherwise not get."), False),
]


@pytest.mark.parametrize(("html", "expected"), LEGAL)
def test_legal_info(html: str, expected: bool) -> None:
    value, evidence = extract_legal(parse_html(html, URL))
    assert value is expected
    assert (evidence is not None) is expected


@pytest.mark.parametrize(("html", "expected"), SAFETY)
def test_safety_info(html: str, expected: bool) -> None:
    value, evidence = extract_safety(parse_html(html, URL))
    assert value is expected
    assert (evidence is not None) is expected


@pytest.mark.parametrize(("html", "expected"), COMMUNITY)
def test_community_benefit(html: str, expected: bool) -> None:
    value, evidence = extract_community(parse_html(html, URL))
    assert value is expected
    assert (evidence is not None) is expected
