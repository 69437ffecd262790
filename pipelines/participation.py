"""What the participant does: only watch (`observation`), do tasks (`hands_on`), or both (`mixed`).

Activities are read from the participant's point of view: sentences and task
lists that say what "you", volunteers, interns or students do, sentences in the
imperative ("Observe deliveries ...") and sections addressed to an audience
("For registered nurses"). A negated activity ("you will not examine anyone")
is not an activity, and an act of the person being watched ("watch technicians
run tests") is not the participant's.
"""

from __future__ import annotations

import re

from pipelines.casefold import ifinditer, ihas
from pipelines.page import Page, Sentence, scan, sentences, snippet

OBSERVE = re.compile(
    r"\b(?:observ(?:e|es|ing)|observation(?:al)?(?:[- ]only| placement| role| basis)|shadow(?:s|ing)?|watch(?:es|"
    r"ing)? (?:how|(?:the |our |local )?(?:\w+ )?(?:doctors?|surgeons?|nurses?|midwi(?:fe|ves)|dentists?|"
    r"technicians?|physiotherapists?|therapists?|clinicians?|specialists?|pharmacists?|team|staff)|procedures|"
    r"operations|surgery|deliveries|births|consultations)|"
    r"watch and (?:ask|learn|listen)|sit(?:ting)? in on|sit in|see how|follow(?:ing)? "
    r"(?:the )?(?:doctors?|nurses?|midwi\w+|staff|clinicians?|surgeons?|consultants?|ward rounds?)|"
    r"(?:join|attend)(?:ing)? (?:the )?(?:morning |daily )?(?:ward )?rounds?|observership)\b",
    re.I,
)
DO = re.compile(
    r"\b(?:(?:tak|check)(?:e|es|ing)? (?:and chart )?(?:vital signs|vitals|blood pressure|temperature|histories|"
    r"patient histories|"
    r"a history|measurements|notes)|measur(?:e|ing)|record(?:ing)? (?:vital|observations|patient)|"
    r"assist(?:s|ing)? (?:with|in|the|at)|help(?:s|ing)? (?:with |in |to |out )?(?:the )?(?:\w+ ){0,2}(?:patients?|"
    r"care|clinics?|wards?|wounds?|dressings?|deliver|screening|camps?|sessions?|lessons|mothers|children|feeding|"
    r"registration|triage|checks?|tests?|outreach|run|nurses|staff|team|families)|"
    r"take (?:an )?active part|take part in (?:the )?(?:\w+ ){0,2}(?:checks|care|deliveries|clinics|screening|"
    r"outreach)|"
    r"postnatal checks|antenatal checks|"
    r"monitor(?:ing)? (?:women|patients|labou?r|vital|mothers|babies)|carry(?:ing)? out (?:\w+ ){0,3}(?:procedures|"
    r"tasks|checks|tests|screenings?|surveys?|assessments)|"
    r"(?:run|ran|running|lead|led|leading|deliver|delivered|delivering|give|gave|giving|prepare|prepared|preparing|"
    r"plan|planned|planning|teach|taught|conduct|conducted|conducting|carry out|carrying out|organis\w+|organiz\w+|"
    r"facilitat\w+) "
    r"(?:\w+ ){0,3}(?:sessions?|talks?|workshops?|classes|lessons|surveys?|screenings?|campaigns?|activities|"
    r"education|teaching|clinics?|programmes?|programs?|health)|clean(?:ing)? and dress(?:ing)?|dress(?:ing)? "
    r"wounds?|wound care|register(?:ing)? patients|weigh(?:ing)?|triage|suture|suturing|clerk(?:ing)?|"
    r"examin(?:e|ing) patients|exam(?:ine|ination)|history taking|practi[cs]e (?:history|clinical|examination|"
    r"your)|scrub(?:bing)? in|car(?:e|ing) for|feed(?:ing)|bath(?:e|ing)|distribut\w+|hand(?:ing)? out|"
    r"count(?:ing)? (?:tablets|pills|medicines)|dispens(?:e|ing) (?:medicines?|medications?|drugs)|"
    r"stock(?:ing)? shelves|collect(?:ing)? data|data collection|"
    r"door-to-door|home visits|visit(?:ing)? (?:patients|families|homes)|accompany(?:ing)? (?:\w+ ){0,2}(?:on|to)|"
    r"support(?:ing)? (?:the )?(?:nurses|staff|midwives|mothers|patients|team)|administer\w*|give injections|"
    r"deliver(?:ing)? babies|assist(?:ing)? (?:at|with|in) (?:births|deliveries)|perform\w*|treat(?:ing)? patients|"
    r"diagnos\w+|draw(?:ing)? blood|rapid tests|test(?:ing)? for|vaccinat(?:e|ing) (?:children|patients|babies)|"
    r"hands-on|suture|suturing|collect\w*(?: and \w+)? (?:\w+ )?data|evaluat\w+|"
    r"treat(?:ing)? (?:your own )?(?:patients|caseload|clients)|"
    # Giving care is doing a task, whoever it is given with: "joining the nurses in giving basic care".
    r"(?:giv(?:e|es|ing)|provid(?:e|es|ing)|deliver(?:s|ing)?) (?:\w+ ){0,2}care|carry(?:ing)? out (?:\w+ ){0,2}care|"
    # Teaching anyone but the participant ("we teach you") is the participant's task: "teach first aid". Not
    # "teaching": "a teaching hospital", "teaching rounds" are places and events.
    r"teach(?:es)? (?!(?:you|your|yourself|them|us|students|interns|volunteers|participants)\b)\w+|"
    r"first[- ]aid (?:training|sessions?|classes|courses?))\b",
    re.I,
)
_PARTICIPANT = re.compile(
    r"\b(?:you|you'll|you’ll|your|volunteers?|interns?|students?|participants?|electives?|trainees?|everyone|"
    r"pre-?meds?|nurses? on the programme)\b",
    re.I,
)
_TASK_HEADING = re.compile(
    r"what (?:you|you'll|you’ll|will you|volunteers?|interns?) (?:will )?do|your (?:role|day|week|tasks|work|"
    r"internship|elective|placement|programme|program|volunteering|"
    r"placement|duties)|tasks?|duties|activities|role|typical (?:day|week)|day to day|day-to-day|responsibilit|"
    r"what to expect|the work|clinical work|schedule|involvement|experience|rotation|your time",
    re.I,
)
# A negation reaches the activity unless a clause mark intervenes: "No background required: you will ...".
NEGATION = re.compile(
    r"\b(?:not|never|no|cannot|can't|can’t|won't|won’t|don't|don’t|do not|does not|without|only our own staff|"
    r"nor|unlike|rather than|instead of)\b[^.;:]{0,60}$",
    re.I,
)
# "No experience needed", "you don't need any medical training": negates a requirement, not the activity after it.
_NOT_REQUIRED = re.compile(
    r"\b(?:no|not|without|don't|don’t|do not|does not|doesn't|doesn’t|never)\b(?:\s+[\w-]+){0,3}?\s+"
    r"(?:experience|background|qualifications?|training|skills?|knowledge|degree)\b(?:\s+(?:is|are))?"
    r"(?:\s+(?:needed|required|necessary))?",
    re.I,
)
# Not watching anyone at work: an observations chart, observing customs, or seeing how a system works in general
# ("see how nursing works when every pair of hands counts") rather than a clinical act.
NOT_OBSERVE = re.compile(
    r"\bobservations?\b\s*(?:chart|ward)|\bobserve (?:local )?(?:customs|culture)|"
    r"\bsee how (?:[\w-]+ ){0,4}(?:works?|functions?|operates?|is run|is organi[sz]ed)\b",
    re.I,
)
# An act right after a watched person is what that person does: "watching technicians run tests",
# "shadow nurses as they take blood"; "observe and help" is two acts of the participant.
_WATCHED_AGENT = re.compile(
    r"\b(?:watch|watches|watching|observe|observes|observing|see|seeing|shadow|shadows|shadowing)\s+"
    r"(?:(?!(?:and|or|then|before|after|to)\b)[\w’'-]+\s+){1,4}$",
    re.I,
)


def negated(before: str) -> bool:
    """Whether the text just before an activity negates it ("you will not suture")."""
    return ihas(NEGATION, _NOT_REQUIRED.sub(" ", before))


def _activity(sentence: Sentence, pat: re.Pattern[str]) -> re.Match[str] | None:
    # ifinditer: the same matches, found case-sensitively on the lower-cased sentence (a third of the cost).
    for m in ifinditer(pat, sentence.text, sentence.lower):
        before = sentence.text[max(0, m.start() - 80):m.start()]
        if negated(before):
            continue
        if pat is OBSERVE and NOT_OBSERVE.search(sentence.text, m.start(), m.end() + 40):
            continue
        if pat is DO and ihas(_WATCHED_AGENT, before):
            continue
        return m
    return None


# A section addressed to an audience ("For registered nurses") describes what that audience, the participant, does.
_AUDIENCE_HEADING = re.compile(r"^\s*(?:for|open to|suitable for)\s", re.I)
# A sentence that opens with a verb in the imperative is addressed to the reader: "Observe deliveries and ...",
# "Help the nurses feed ...". Case-sensitive: the verb is capitalised as the first word.
_IMPERATIVE = re.compile(
    r"^(?:Observe|Shadow|Watch|Follow|Join|Attend|Sit|Spend|Help|Assist|Take|Teach|Run|Lead|Deliver|Support|Care|"
    r"Feed|Visit|Carry|Conduct|Measure|Record|Weigh|Dress|Clean|Count|Collect|Give|Prepare|Plan|Practi[cs]e|Learn|"
    r"Accompany|Scrub|Examine|Clerk|Educate|Organi[sz]e|Screen|Check|Monitor|Distribute|Work|Rotate|Register|"
    r"Provide|Facilitate|Hand|Design|Train|Talk|Interview|Survey|Map|Document|Fill|Sort|Restock|Stock)\b"
)


def participant_sentences(page: Page) -> list[Sentence]:
    """Sentences about what the participant does: task lists, 'you will ...' prose and imperatives."""
    out = []
    intro = False  # inside a list introduced by "Recent interns have:" / "You will:"
    headings: dict[str, tuple[bool, bool]] = {}  # a page has few headings and many sentences under each
    for s in sentences(page):
        if s.block.tag != "li":
            intro = s.text.rstrip().endswith(":") and ihas(_PARTICIPANT, s.text, s.lower)
        heading = s.block.heading
        if heading not in headings:
            headings[heading] = (ihas(_TASK_HEADING, heading), bool(_AUDIENCE_HEADING.match(heading)))
        task_heading, audience_heading = headings[heading]
        in_tasks = task_heading and s.block.tag in ("li", "p", "dd", "td", "tr")
        if (in_tasks or audience_heading or (intro and s.block.tag == "li") or ihas(_PARTICIPANT, s.text, s.lower)
                or _IMPERATIVE.match(s.text)):
            out.append(s)
    return out


_OBSERVE_ONLY = re.compile(
    r"\bobserv(?:e|ation|ational|er)[- ]only\b|\bonly (?:to )?observe\b|\bstrictly observ|\bpurely observ|"
    r"\bobservership\b|\bno hands-on\b|\bwill not (?:be )?(?:examin|treat|touch)",
    re.I,
)


_OBSERVE_ONLY_HINT = re.compile(r"observ|hands-on|will not")


def extract_participation(page: Page) -> tuple[str | None, str | None]:
    for s, m in scan(page, _OBSERVE_ONLY, _OBSERVE_ONLY_HINT):
        if not negated(s.text[max(0, m.start() - 60):m.start()]):
            return "observation", snippet(s.text, m)
    observe_ev = do_ev = None
    for s in participant_sentences(page):
        if observe_ev is None and (m := _activity(s, OBSERVE)):
            observe_ev = snippet(s.text, m)
        if do_ev is None and (m := _activity(s, DO)):
            do_ev = snippet(s.text, m)
    if observe_ev and do_ev:
        return "mixed", f"{observe_ev} / {do_ev}"
    if do_ev:
        return "hands_on", do_ev
    if observe_ev:
        return "observation", observe_ev
    return None, None
