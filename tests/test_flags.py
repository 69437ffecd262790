"""Judged red flags (LABELS.md): `vague_role` and `beyond_training`.

- vague_role: the page states no concrete activity of the participant, or leaves the role to be "decided on
  arrival" with no limits stated. Naming departments alone is not a role.
- beyond_training: suturing, delivering babies, injections, drawing blood, diagnosing or treating patients,
  performing or hands-on assisting in procedures, running a clinic, offered to people with no clinical
  qualification. Observing such acts is not a flag; offering them to qualified clinicians is not a flag.

Each row gives the labelled `participation` and `experience_required` of the snippet, so that the record
handed to `judge_flags` is what a correct extraction of the other fields would give.
"""

from __future__ import annotations

from typing import Any

import pytest
from _pytest.mark.structures import ParameterSet
from pagekit import URL, bug, lead, render, sec, soup, ul

from pipelines.flags import judge_flags
from pipelines.page import parse_html

VAGUE = "vague_role"
BEYOND = "beyond_training"
JUDGED = {VAGUE, BEYOND}


def row(id: str, body: str, participation: str | None, experience: bool | None, flags: set[str], *,
        xfail: str | None = None, **page_kw: Any) -> ParameterSet:
    return pytest.param(render(body, **page_kw), participation, experience, flags, id=id,
                        marks=[bug(xfail)] if xfail else [])


def record_for(participation: str | None, experience: bool | None) -> dict[str, Any]:
    """A record whose other fields are all in order, so only the judged flags can be raised."""
    return {
        "participation": participation,
        "experience_required": experience,
        "supervision": {"claimed": True, "licensed": True},
        "fees": [{"amount": 1500, "amount_max": None, "currency": "USD", "basis": "total", "kind": "program",
                  "weeks": 4}],
        "legal_info": True,
        "safety_info": True,
        "community_benefit": True,
        "evidence": {"participation": "what the participant does"} if participation else {},
    }


CASES = [
    # --- vague role
    row("wherever-needed", sec("Your role", "Volunteers help out wherever they are needed in the hospital."),
        None, False, {VAGUE}),
    row("decided-on-arrival", sec("Your role", "Your department and tasks will be decided on arrival."),
        None, None, {VAGUE}),
    row("departments-only",
        sec("Departments", "Placements are available in surgery, paediatrics, A&E and obstetrics."),
        None, True, {VAGUE}),
    row("invaluable-experience-only",
        soup("Gain invaluable experience in a busy hospital and make lifelong friends."), None, None, {VAGUE},
        wrapper="elementor"),
    row("immerse-yourself",
        lead("The programme", "Immerse yourself in healthcare in a developing country."), None, None, {VAGUE},
        wrapper="table"),
    row("department-list-dl",
        sec("Departments", ul("Outpatients", "Maternity", "Paediatrics", "Laboratory")), None, True, {VAGUE},
        wrapper="dl"),
    # --- concrete role
    row("shadow-and-observe", sec("What you'll do", "You will shadow doctors on ward rounds and observe surgery."),
        "observation", True, set()),
    row("vitals-and-hygiene-sessions",
        sec("What you'll do", "Take vital signs at triage and run hygiene sessions for mothers."),
        "hands_on", False, set()),
    row("rotation-agreed-on-arrival-but-activities-stated",
        sec("Your role", "Your exact rotation is agreed on arrival, but every intern shadows the duty doctor and "
            "joins the ward rounds."), "observation", True, set()),
    row("surveys-and-education",
        sec("Your tasks", ul("Household health surveys", "Nutrition talks at the health post")),
        "hands_on", False, set()),
    # --- beyond training: offered to people with no clinical qualification
    row("no-experience-deliver-babies",
        sec("Your role", "No experience needed. Volunteers help deliver babies on the maternity ward."),
        "hands_on", False, {BEYOND}),
    row("premed-learn-to-suture",
        sec("What you'll do", "Open to pre-med students: learn to suture wounds in the minor theatre."),
        "hands_on", False, {BEYOND}),
    row("high-school-give-vaccinations",
        sec("Outreach", "High-school volunteers give vaccinations at our outreach camps."),
        "hands_on", False, {BEYOND}),
    row("premed-draw-blood",
        sec("In the lab", "Pre-med interns draw blood and take the samples to the lab."), "hands_on", False,
        {BEYOND}),
    row("no-background-diagnose-and-treat",
        sec("Your role", "No medical background required: you will diagnose and treat common conditions at our "
            "village clinic."), "hands_on", False, {BEYOND}),
    row("gap-year-assist-surgeons",
        sec("Theatre", "Gap-year students assist surgeons in theatre during caesarean sections."),
        "hands_on", False, {BEYOND}),
    row("volunteers-run-wound-clinic",
        lead("Your role", "Volunteers run a weekly wound clinic on their own."), "hands_on", False, {BEYOND},
        wrapper="table"),
    row("anyone-18-tooth-extractions",
        sec("Dental camps", "Anyone aged 18 or over can help with tooth extractions at our dental camps."),
        "hands_on", False, {BEYOND}),
    row("premed-perform-checkups-prescribe",
        sec("Clinic days", "Pre-medical students perform basic examinations and prescribe simple medicines "
            "under supervision."), "hands_on", False, {BEYOND}),
    row("injections-and-iv-lines",
        soup("Give injections and put in IV lines under the eye of our nurses."), "hands_on", False, {BEYOND},
        wrapper="elementor"),
    row("premed-stitching-up",
        sec("Skills you'll build", "Our pre-med volunteers practise stitching up wounds in the emergency room."),
        "hands_on", False, {BEYOND}),
    row("help-midwives-with-deliveries",
        sec("Maternity", "Pre-med volunteers help the midwives with deliveries."), "hands_on", False, {BEYOND}),
    row("school-leavers-wound-care-injections",
        sec("Your role", "Under supervision, school leavers gain hands-on experience in wound care and giving "
            "injections."), "hands_on", False, {BEYOND}),
    row("non-medical-treat-minor-wounds",
        sec("First-aid post", "Non-medical volunteers treat minor wounds at the first-aid post."), "hands_on",
        False, {BEYOND}),
    row("role-depends-on-needs",
        sec("Your role", "What you do depends on the needs of the hospital that week."), None, False, {VAGUE}),
    # --- not beyond training: only observing, or qualified participants, or basic tasks
    row("observe-deliveries-help-breastfeeding",
        sec("Maternity", "No experience needed. You will observe deliveries and help mothers with "
            "breastfeeding."), "mixed", False, set()),
    row("premed-watch-surgeons-suture",
        sec("Theatre", "Pre-med students watch surgeons suture and perform caesarean sections."), "observation",
        False, set()),
    row("qualified-nurses-give-injections",
        sec("For registered nurses", "Qualified nurses administer medications and give injections on the ward."),
        "hands_on", True, set()),
    row("final-year-students-suture",
        sec("For final-year students", "Medical students in their final year suture lacerations under "
            "supervision."), "hands_on", True, set()),
    row("doctors-diagnose-premeds-observe",
        sec("Clinic days", "Our doctors diagnose and treat patients while pre-med volunteers observe."),
        "observation", False, set()),
    row("will-not-give-injections",
        sec("Your role", "Volunteers will not give injections or suture; they observe and help with patient "
            "records."), "mixed", False, set()),
    row("not-allowed-to-draw-blood",
        sec("Rules", "You will not be allowed to draw blood. You will weigh patients at triage."), "hands_on",
        False, set()),
    row("see-how-injections-given",
        sec("Learning", "Pre-meds see how injections are given safely on the children's ward."), "observation",
        False, set()),
    row("immunisation-day-weigh-babies",
        sec("Clinic days", "The clinic runs an immunisation day each month, where you help weigh babies and fill "
            "in growth charts."), "hands_on", False, set()),
    row("injection-safety-training",
        sec("Before you start", "Learn about injection safety in our pre-departure course. You then shadow "
            "the nurses."), "observation", False, set()),
    row("watch-dentists-extractions",
        lead("At the dental camp", "Watch the dentists perform fillings and extractions."), "observation",
        False, set(), wrapper="table"),
    row("shadow-nurses-taking-blood",
        sec("On the ward", "High school students shadow nurses as they take blood samples."), "observation",
        False, set()),
    row("blood-pressure-and-temperature",
        sec("Your tasks", "Volunteers are taught to take blood pressure and temperature at triage."),
        "hands_on", False, set()),
    row("histories-and-vitals",
        sec("Your tasks", "You will take patient histories and check vital signs."), "hands_on", False, set()),
    row("patients-receive-treatment-free",
        sec("The hospital", "Patients receive treatment free of charge. You help with registration."),
        "hands_on", False, set()),
    row("experience-unknown-suture",
        sec("Skills", "Interns suture minor wounds in the emergency room."), "hands_on", None, set()),
]


@pytest.mark.parametrize(("html", "participation", "experience", "expected"), CASES)
def test_judged_flags(html: str, participation: str | None, experience: bool | None,
                      expected: set[str]) -> None:
    flags = judge_flags(record_for(participation, experience), parse_html(html, URL))
    got = {f["code"] for f in flags} & JUDGED
    assert got == expected
    for f in flags:
        if f["code"] in JUDGED:
            assert f["evidence"] and f["severity"] in ("low", "medium", "high")
