"""Who may take part: prior health training required or not, and the minimum age.

The experience patterns are written in lower case and searched, without re.I (several times cheaper), in the
lower-cased sentences that a literal prefilter picks out of the page. Each hit is then judged in its sentence:
what frames it (an eligibility section, a fact, an FAQ answer, "open to", "must"), whose words they are (a
participant's "I had no experience" is no rule), and what else the sentence says (a redirect to another program,
an audience turned away). The strongest statement wins.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from pipelines.page import Page, Sentence, hint, joined_text, scan, sentences, snippet

# --------------------------------------------------------------------------------------------- experience

# Words that may stand between "no" and what is not needed: "no prior medical experience", "no academic or
# medical entry requirements".
_MODS = (r"(?:(?:prior|previous|medical|clinical|healthcare|health|health-related|nursing|formal|relevant|"
         r"professional|special|specific|particular|hospital|academic|entry|educational|or|and) )*")
# Statements that no training is needed, then audiences named as welcome (which count only where the sentence
# frames an audience, see _AUDIENCE). All lower case: searched in lower-cased text without re.I.
_NONE_NEEDED = re.compile(
    rf"\bno {_MODS}(?:experience|qualifications?|background|knowledge)\b|"
    rf"\bno {_MODS}(?:training|skills|degree)\b[^.\n]{{0,30}}?\b(?:needed|required|necessary|expected)\b|"
    r"\bno (?:(?:academic|entry|formal|medical|special|specific|prior|educational|or|and) )+requirements?\b|"
    r"\b(?:experience|qualifications?|background|training|knowledge|degree)(?::| is| are)? (?:not|isn.t|aren.t) "
    r"(?:needed|required|necessary|essential|expected|mandatory|compulsory|a requirement|a prerequisite)\b|"
    # "Previous experience in a hospital is helpful but not required."
    r"\b(?:experience|qualifications?|background|training|knowledge)\b[^.\n;]{0,50}?\bbut (?:it.s |is )?not "
    r"(?:needed|required|necessary|essential|expected|mandatory|compulsory|a requirement|a prerequisite)\b|"
    r"\b(?:don.t|do not|doesn.t|does not|won.t|will not|needn.t) (?:need|have|require)(?: to (?:have|be|hold|"
    r"study))? (?:a |an |any )?(?:(?!to )[\w-]+ ){0,2}?(?:background|experience|qualifications?|training|degree|"
    r"students?|studying|knowledge|medicine|nursing)\b|"
    r"\bno matter (?:what|your) (?:background|experience|level)\b|"
    r"\bwith or without (?:a |any )?(?:medical |clinical |prior |previous |healthcare )*(?:experience|background|"
    r"training)\b|"
    r"\bwhether or not you (?:study|are studying|have studied|have (?:a |any )?(?:medical|clinical|health))|"
    # --- audiences
    r"\b(?:pre-?med(?:ical|s)?|pre-?(?:health|nursing|pa|vet)|high[- ]school|gap[- ]year|school[- ]leavers?|"
    r"sixth[- ]form|secondary school|career[- ]changers?)\b|"
    r"\bnon-?(?:medical|clinical|health(?:care)?)\b|\b(?:from|of) all (?:backgrounds|walks of life|disciplines|"
    r"fields)\b|\b(?:of|in|from) any (?:subject|discipline|field|background|degree|major)\b|"
    r"\b(?:anyone|everyone|beginners|non-students)\b|\ball (?:levels|experience levels|abilities)\b(?! of)|"
    r"\bwithout (?:any )?(?:[\w-]+ )?(?:experience|training|background|qualifications?)\b"
)
# Which hits of _NONE_NEEDED name an audience rather than say outright that nothing is needed.
_AUDIENCE = re.compile(r"(?:pre|high|gap|school|sixth|second|career|non|from|of |in |any|every|without|beginners|"
                       r"all )")
# A pre-med student welcomed beside required levels says nothing against them ("open to pre-med, nursing and
# medical students" asks for enrolment); "anyone who is a registered nurse" is a requirement.
_WEAK_AUDIENCE = re.compile(r"pre-?(?:med|health|nursing|pa|vet)")
_ANYONE_WHO = re.compile(r"(?:anyone|everyone) (?:with|who|holding|studying|enrolled|currently)\b(?! (?:an? |a real |"
                         r"a genuine |a keen |a strong |is |are )?(?:interest|passion|curiosity|love|interested|"
                         r"curious|passionate|wants?|would like|loves?)\b)")
# Experience of travel, languages or teaching is not health training ("no prior knowledge of Spanish").
_OFF_TOPIC = re.compile(r"\b(?:abroad|overseas|travel\w*|languages?|spanish|french|swahili|nepali|khmer|"
                        r"portuguese|english|tagalog|hindi|culture|volunteering|fundrais\w*|teaching|trekking|"
                        r"hiking|driving)\b")
# "no experience of X" / "no experience in X" / "no experience abroad": only about health when X is. ("There's
# no experience quite like it" is about nothing.)
_QUALIFIED_AFTER = re.compile(r" (?:abroad|overseas|like|quite|compares|comparable|(?:of|in|with)\b(?! (?:a |an |"
                              r"the |any )?(?:medicine|medical|health|healthcare|nursing|clinical|hospitals?|patients|"
                              r"the field)\b))")
_BARE_NOUN = re.compile(r"(?:experience|qualifications?|background|knowledge|training)$")
# "No medical experience? Have a look at our community program instead": a way out, not a welcome.
_REDIRECT = re.compile(r"\binstead\b|\b(?:our|another|other|separate) (?:[\w-]+ ){0,3}?(?:programs?|programmes?|"
                       r"projects?|placements?|internships?|trips?|camps?)\b|\b(?:have|take) a look\b|"
                       r"\bcheck out\b|\b(?:see|try|consider) our\b")
# Turning an audience away: "we do not accept pre-med students", "high-school students are not eligible".
_TURNED_AWAY_BEFORE = re.compile(r"\b(?:not|n.t|cannot|never|no longer|unable to)\b[^.\n;]{0,30}$")
_TURNED_AWAY_AFTER = re.compile(r"^[^.\n;]{0,40}?\b(?:not|n.t|cannot|ineligible|never)\b")

# Requests for documents that only an enrolled student or a registered clinician can supply: a requirement
# wherever they are asked for (application steps, "documents", "before you travel").
_DOCUMENT_SRC = (
    r"\bproof of (?:your |their )?(?:enrolment|enrollment|registration|qualifications?|student status)\b|"
    r"\b(?:letter|confirmation|statement) from (?:your|their) (?:[\w-]+ )?(?:school|university|faculty|dean|"
    r"college)\b|"
    r"\bcop(?:y|ies) of (?:your |their |a )?(?:current |valid )?(?:[\w-]+ )?(?:licen[cs]e|registration|"
    r"practi[sc]ing certificate|student (?:id|card)|degree certificate|diploma)\b"
)
_DOCUMENT = re.compile(_DOCUMENT_SRC)
# A modal requirement on the participant: "you must be enrolled", "applicants need to hold a licence".
_MODAL = re.compile(r"(?:must|need|should|have|has|required)\b")
_HEALTH_SUBJECT = (r"(?:medicine|nursing|midwifery|dentistry|physiotherapy|pharmacy|public health|global health|"
                   r"occupational therapy|a health|a medical|health)")
# (No capturing groups: one makes this pattern several times slower to search.)
_REQUIRED = re.compile(
    rf"{_DOCUMENT_SRC}|"
    r"\b(?:must|need to|needs to|should|have to|has to|required to)\b[^.\n]{0,40}\b(?:be|have|hold)\b[^.\n]{0,40}"
    r"\b(?:students?|qualified|registered|enrolled|graduates?|completed|licen[cs]ed|licen[cs]e|degree|training|"
    rf"experience|studying (?:[\w-]+ ){{0,2}}?{_HEALTH_SUBJECT})|"
    r"\b(?:for|open to|suitable for|designed for|aimed at|available to)\b[^.\n]{0,30}\b(?:medical|nursing|"
    r"midwifery|dental|dentistry|physiotherapy|pharmacy|health(?:care)?|clinical|public health|allied health)"
    r"[\w -]{0,20}\b(?:students?|graduates?|professionals?|years)\b|"
    r"\b(?:completed|finished) (?:at least )?(?:one|two|three|\d|a|the first|your first)\b[^.\n]{0,40}\b(?:years?|"
    r"placements?|rotations?|degree|training)|"
    r"\b(?:completed|finished)\b[^.\n]{0,25}\b(?:pre-?clinical|clinical|basic|core) (?:training|years?|studies|"
    r"rotations?|course)|\bgood standing\b|\b(?:letter|confirmation) from (?:your|the) (?:dean|faculty|"
    r"university|college|school)\b|\bcurrently enrolled\b|\benrolled (?:in|on|at)\b|"
    r"\b(?:current|valid) (?:[\w-]+ )?(?:licen[cs]e|registration)\b|\blicen[cs]e to practi[sc]e\b|"
    r"\bcurrently (?:studying|training|enrolled|registered|practi[sc]ing|working as)\b|\bregistered nurses?\b|"
    r"\b(?:qualified|licen[cs]ed|registered|practi[sc]ing|certified) (?:doctors?|physicians?|nurses?|midwives|"
    r"dentists?|physiotherapists?|pharmacists?|paramedics?|clinicians?|health(?:care)? (?:professionals?|workers?)|"
    r"medical professionals?)\b|\bclinical years?\b|"
    # "open to doctors, nurses and midwives": clinicians named as the audience.
    r"\b(?:open to|suitable for|designed for|aimed at|available to|only for|accepts?|welcomes?) (?:junior |senior |"
    r"newly qualified )?(?:doctors|physicians|nurses|midwives|dentists|pharmacists|paramedics|clinicians|"
    r"physiotherapists|healthcare workers|health professionals)\b|"
    r"\b(?:medical|nursing|dental|midwifery|physiotherapy|pharmacy) students?\b|"
    r"\bstudent (?:nurses?|midwives|doctors?|dentists?|physiotherapists?|paramedics?)\b|"
    r"\b(?:second|third|fourth|final|penultimate|2nd|3rd|4th)[- ]year\b|"
    r"\b(?:students?|graduates?)\b(?![^.\n]{0,15}interest)[^.\n]{0,15}\b(?:in|of|studying)\b[^.\n]{0,30}\b(?:medicine|nursing|"
    r"public health|global health|dentistry|physiotherapy|midwifery|pharmacy|occupational therapy)\b|"
    r"\bstudents? (?:of|at|from) (?:a |an |the |your )?(?:[\w-]+ ){0,2}?(?:medical|nursing|dental|midwifery|"
    r"pharmacy) (?:schools?|colleges?|faculty|universit(?:y|ies))\b"
)
# Lower-case literals every match of a pattern contains: one pass over the page finds the sentences to search.
_NONE_HINT = hint("no ", "n't", "n’t", "not ", "without", "pre", "high", "gap", "school", "sixth", "secondary",
                  "career", "anyone", "everyone", "matter", "non", "all ", "any ", "beginners")
_REQUIRED_HINT = hint("doctor", "physician", "nurse", "midwi", "dentist", "pharmacist", "paramedic", "clinician",
                      "physio", "health", "must", "need", "should", "have to", "has to", "required to", "student",
                      "graduate",
                      "professional", "year", "complet", "finish", "standing", "letter", "confirmation", "statement",
                      "enrol", "licen", "registration", "registered", "currently", "qualified", "proof of", "copy of",
                      "copies of")
# Sections that say who may take part.
_REQ_HEADING = re.compile(r"requirement|eligib|who can|who may|who is it for|is (?:it|this) for|"
                          r"who (?:it|this|(?:this|the) \w+(?: \w+)?)(?: is|['’]?s) for|"
                          r"suitable|who should|criteria|applicants?|applications?|how to apply|documents|level|"
                          r"prerequisite|qualifications|who we (?:accept|take)|what you need|entry", re.I)
# Words that tie a sentence to its audience: without one, "medical students" or "final-year" describe someone
# else ("the hospital is a training site for final-year medical students").
_FRAME = re.compile(
    r"\b(?:open to|suitable|designed for|ideal for|perfect for|great for|aimed at|intended for|available to|"
    r"available for|meant for|reserved for|restricted to|limited to|tailored|geared|targeted at|exclusively|"
    r"welcomes?|welcomed|accepts?|accepted|eligible|must|need to|needs to|required to|is for|are for|whether|"
    r"if you(?:'re|’re| are)|we take|only (?:for|open|available|accept))\b|"
    r"\b(?:can|may) (?:join|apply|take part|participate|sign up)\b|\bonly *(?:[.!,;:–—-]|$)"
)
# The program itself named as being for someone: "a four-week surgical elective for final-year medical students".
_PROGRAM_FOR = re.compile(r"\b(?:electives?|placements?|internships?|programm?es?|rotations?|observerships?|"
                          r"attachments?|courses?|projects?|opportunit(?:y|ies)|trips?|experiences?)\b[^.\n]{0,40}?"
                          r"\bfor$")
# A participant's own words: "I had no experience but..." says nothing about who may take part. (Case
# matters: searched in the sentence as written.)
_FIRST_PERSON = re.compile(r"(?:^|[^\w’'])(?:I|I'm|I’m|I've|I’ve|I'd|I’d|[Mm]y|me)(?![\w’'])")

# FAQ entries inside the page: "Do I need medical experience?" answered "No" or "Yes".
_Q_TOPIC = re.compile(r"experience|qualifi|background|\bstudents?\b|studying|degree|training|enrol|licen|"
                      r"knowledge|requirement|eligib|\bwho can\b|\bopen to\b")
# A question asking whether something is needed: "yes" makes it a requirement.
_Q_NEED = re.compile(r"\b(?:need|needs|require[ds]?|required|have to|has to|must|necessary|essential|expected)\b")
# A question asking whether people without it may come: "yes" says none is needed.
_Q_OPEN = re.compile(r"\b(?:without|not|n.t|no|non-?\w+|pre-?med\w*|high[- ]school|gap[- ]year|school[- ]leavers?|"
                     r"anyone|any background|all backgrounds)\b")
_YES = re.compile(r"^\W*(?:yes|yep|yeah|absolutely|of course|definitely|certainly|sure)\b")
_NO = re.compile(r"^\W*(?:(?:no|nope) *(?:[,.!;:–—-]|$)|not (?:at all|necessarily|really)\b)")

_WHO_LABEL = re.compile(r"\bwho\b|eligib|suitable|requirement|open to|for whom|participants?|applicants?|level|"
                        r"experience|qualification|prerequisite|background", re.I)
_TRAINED = re.compile(r"\bstudents?\b|\bgraduates?\b|\bqualified\b|\bregistered\b|\bdoctors?\b|\bnurses\b|"
                      r"\bmidwives\b|\bdentists?\b|\bphysiotherapists?\b|\btherapists?\b|\bclinicians?\b|"
                      r"\bprofessionals?\b|\bresidents?\b|\benrolled\b|\blicen[cs]ed?\b")
# A fact's value that says nobody needs anything: "None required", "Anyone 18+", "Not needed".
_NONE_VALUE = re.compile(r"^\W*(?:none\b|no\b|n/a\b|beginners?\b|not (?:needed|required|necessary)\b|"
                         r"(?:anyone|everyone|all)\b(?! (?:with|who|holding|studying|enrolled|currently)\b))")

_STRONG, _FRAMED = 3, 2
Verdict = tuple[int, bool, str]  # (strength, value, evidence)


def _weak_none(m: re.Match[str], low: str, has_required: bool) -> bool:
    """An audience that a required level in the same sentence outweighs."""
    return has_required and bool(_WEAK_AUDIENCE.match(m.group(0)) or _ANYONE_WHO.match(low, m.start()))


def _judge_none(m: re.Match[str], low: str, s: Sentence, framed: bool, has_required: bool) -> bool:
    """Whether one hit of _NONE_NEEDED in a sentence says that no training is needed for this program."""
    cue = m.group(0)
    before = low[max(0, m.start() - 16):m.start()]
    if _OFF_TOPIC.search(cue) or _OFF_TOPIC.search(before.split(",")[-1]) or (
            _BARE_NOUN.search(cue) and _QUALIFIED_AFTER.match(low, m.end())):
        return False
    question = low.rstrip().endswith("?")
    if _ANY_FIELD.match(cue) and _after_trained(low, m.start()):
        # "Student nurses in any field", "medical students of any year": "any" widens a trained audience.
        return False
    if _AUDIENCE.match(cue) and not cue.startswith("no"):
        # An audience counts where the sentence frames one ("ideal for school leavers"), not in "we run talks at
        # the local high school"; never when it is turned away or sent to another program.
        return (framed and not question and not _weak_none(m, low, has_required)
                and not _TURNED_AWAY_BEFORE.search(low, 0, m.start()) and not _TURNED_AWAY_AFTER.match(low[m.end():])
                and not _REDIRECT.search(low))
    if question:
        # Only the rhetorical "No medical background? No problem!" states anything; "No experience? Try our
        # community program instead" turns the reader away.
        if not low.startswith("no "):
            return False
        return not _REDIRECT.search(_following(s)[:160].lower())
    return True


_ANY_FIELD = re.compile(r"(?:of|in|from) any |(?:from|of) all ")


def _after_trained(low: str, start: int) -> bool:
    """A trained audience ends right before `start`: "student nurses| in any field"."""
    before = low[max(0, start - 60):start].rstrip()
    return any(m.end() == len(before) for m in _REQUIRED.finditer(before))


def _following(s: Sentence) -> str:
    """The text of the sentence's block after the sentence."""
    text = s.block.text
    at = text.find(s.text)
    return text[at + len(s.text):] if at >= 0 else ""


def _fact_experience(value: str) -> bool | None:
    low = value.lower()
    has_required = bool(_REQUIRED.search(low))
    if _NONE_VALUE.match(low) or any(_OFF_TOPIC.search(m.group(0)) is None and not _weak_none(m, low, has_required)
                                     for m in _NONE_NEEDED.finditer(low)):
        return False
    if has_required or _TRAINED.search(low):
        return True
    return None


class _Lines:
    """The page's sentences lower-cased once (joined by newlines), with their offsets and section context."""

    def __init__(self, page: Page) -> None:
        self.sents = sentences(page)
        text = joined_text(page)
        self.low = text.lower()
        if len(self.low) == len(text):
            self.starts = _starts(page)
        else:
            # A few letters lower-case to two characters ("İ"): lower each sentence and measure again.
            parts = [sent.text.lower() for sent in self.sents]
            self.low = "\n".join(parts)
            self.starts, pos = [], 0
            for part in parts:
                self.starts.append(pos)
                pos += len(part) + 1
        self.answers: set[int] = set()  # sentences that answer an FAQ question on the subject
        self._headings: dict[str, bool] = {}

    def text(self, i: int) -> str:
        """Sentence `i`, lower-cased."""
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.low)
        return self.low[self.starts[i]:end]

    def strong(self, i: int) -> bool:
        """In an eligibility section, a key fact or an FAQ answer on the subject."""
        block = self.sents[i].block
        if i in self.answers or block.is_fact:
            return True
        heading = block.heading
        known = self._headings.get(heading)
        if known is None:
            low = heading.lower()
            known = bool(_REQ_HEADING.search(heading) or low.endswith("?") and _Q_TOPIC.search(low)
                         and not _OFF_TOPIC.search(low))
            self._headings[heading] = known
        return known

    def hits(self, pattern: re.Pattern[str], prefilter: re.Pattern[str]) -> Iterator[tuple[int, list[re.Match[str]]]]:
        """Sentences (by index, in page order) where `pattern` matches, with the matches in the lower-cased
        sentence. The prefilter's literals find the few sentences worth searching in one pass."""
        last = -1
        for hit in prefilter.finditer(self.low):
            i = bisect_right(self.starts, hit.start()) - 1
            if i == last:
                continue
            last = i
            found = list(pattern.finditer(self.text(i)))
            if found:
                yield i, found


def _faq(lines: _Lines, asked: set[str]) -> list[tuple[int, Verdict]]:
    """Yes/no answers to questions about experience; marks every answer to such a question as strong context."""
    low, starts, sents = lines.low, lines.starts, lines.sents
    pairs: list[tuple[str, int]] = []  # (question, index of the answer sentence)
    at = low.find("?")
    while at >= 0:
        i = bisect_right(starts, at) - 1
        end = low.find("\n", at)
        if end < 0:
            break
        if not low[at + 1:end].strip():  # the sentence is the question ("Q?: A" is a fact, read with the facts)
            pairs.append((low[starts[i]:end], i + 1))
        at = low.find("?", end)
    # A question as the section heading ("<h3>Do I need experience?</h3><p>No...</p>") heads its answer: the
    # first sentence under it.
    if asked:
        previous = ""
        for i, sent in enumerate(sents):
            heading = sent.block.heading
            if heading != previous and heading in asked:
                pairs.append((heading.lower(), i))
            previous = heading
    out: list[tuple[int, Verdict]] = []
    for question, i in pairs:
        if not _on_topic(question):
            continue
        lines.answers.add(i)
        value = _answered(question, lines.text(i))
        if value is not None:
            out.append((i, (_STRONG, value, snippet(f"{question.strip()} {sents[i].text}"))))
    return out


def _on_topic(question: str) -> bool:
    return bool(_Q_TOPIC.search(question)) and not _OFF_TOPIC.search(question)


def _answered(question: str, answer: str) -> bool | None:
    """What a yes/no answer to a lower-cased question about experience says, if it starts with yes or no."""
    yes, no = bool(_YES.match(answer)), bool(_NO.match(answer))
    if not (yes or no):
        return None
    if _Q_OPEN.search(question):
        return no  # "Can I join without experience?" - "Yes": none needed
    if _Q_NEED.search(question):
        return yes  # "Do I need to be a medical student?" - "Yes": required
    return None


def _starts(page: Page) -> list[int]:
    """Offsets of each sentence in joined_text(page) (sentences are joined by one newline)."""
    cached = page.__dict__.get("_requirements_starts")
    if cached is None:
        cached, pos = [], 0
        for sent in sentences(page):
            cached.append(pos)
            pos += len(sent.text) + 1
        page.__dict__["_requirements_starts"] = cached
    return cached


def _asked(s: Sentence) -> int:
    """Where the answer starts in a sentence of a fact whose label is a question (else 0)."""
    label = s.block.label
    if s.block.is_fact and label.endswith("?") and s.text.startswith(label):
        return len(label)
    return 0


def _sentence_verdict(s: Sentence, low: str, nones: list[re.Match[str]], reqs: list[re.Match[str]],
                      strong: bool) -> Verdict | None:
    """What one sentence says about prior training; `low` is the sentence lower-cased, the matches are in it."""
    asked = _asked(s)
    if asked:
        # "Can I join without experience?: Yes, ...": the question is no statement; only the answer is read.
        nones = [m for m in nones if m.start() >= asked]
        reqs = [m for m in reqs if m.start() >= asked]
    if _FIRST_PERSON.search(s.text, asked):
        return None
    framed = strong or bool(_FRAME.search(low))
    required: tuple[int, re.Match[str]] | None = None
    for m in reqs:
        if _DOCUMENT.match(m.group(0)):
            required = (_STRONG, m)
            break
        modal = _MODAL.match(m.group(0))
        if modal and " by " in m.group(0):
            continue  # "procedures must be supervised by registered nurses" asks nothing of participants
        if strong or modal or framed or m.group(0).startswith("for") and _PROGRAM_FOR.search(low, 0, m.start() + 3):
            required = (_STRONG if strong else _FRAMED, m)
            break
    for m in nones:
        if _judge_none(m, low, s, framed, required is not None or bool(reqs and framed)):
            strength = _STRONG if strong else _FRAMED
            if required is None or strength >= required[0]:
                return strength, False, snippet(s.text, m)
            break
    if required is not None:
        return required[0], True, snippet(s.text, required[1])
    return None


def extract_experience(page: Page) -> tuple[bool | None, str | None]:
    """False when the page says no training is needed, True when it asks for some, else None.

    The strongest statement wins: an eligibility fact, then an eligibility section or FAQ answer, then a
    framed sentence elsewhere; at equal strength "none needed" wins (a page that welcomes people without
    training does not require it of everyone), then page order.
    """
    asked: set[str] = set()  # section headings that are questions about experience
    for b in page.blocks:
        if not b.is_fact:
            if b.kind == "heading" and b.text.endswith("?") and _on_topic(b.text.lower()):
                asked.add(b.text)
            continue
        label = b.label
        if label.endswith("?"):
            # An FAQ entry set as label and value: "Do I need medical experience?" - "No, ...".
            q_low = label.lower()
            if _on_topic(q_low) and (value := _answered(q_low, b.cells[-1].lower())) is not None:
                return value, snippet(b.text)
        if _WHO_LABEL.search(label):
            value = _fact_experience(b.cells[-1])
            if value is not None:
                return value, b.text
    lines = _Lines(page)
    if not lines.sents:
        return None, None
    found: list[tuple[int, Verdict]] = _faq(lines, asked) if asked or "?" in lines.low else []
    judged: set[int] = set()
    # Every "none needed" first (few sentences): the strongest of them can end the search.
    for i, nones in lines.hits(_NONE_NEEDED, _NONE_HINT):
        judged.add(i)
        low = lines.text(i)
        verdict = _sentence_verdict(lines.sents[i], low, nones, list(_REQUIRED.finditer(low)), lines.strong(i))
        if verdict:
            found.append((i, verdict))
    if not any(v[0] == _STRONG and not v[1] for _, v in found):
        # Then requirements in page order, until one in strong context settles it.
        for i, reqs in lines.hits(_REQUIRED, _REQUIRED_HINT):
            if i in judged:
                continue
            verdict = _sentence_verdict(lines.sents[i], lines.text(i), [], reqs, lines.strong(i))
            if verdict:
                found.append((i, verdict))
                if verdict[0] == _STRONG:
                    break
    if not found:
        return None, None
    _, (_, value, evidence) = min(found, key=lambda f: (-f[1][0], f[1][1], f[0]))
    return value, evidence


# --------------------------------------------------------------------------------------------------- age

_AGE_WORDS = {
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "twenty-one": 21, "twenty one": 21, "twenty-five": 25, "twenty five": 25,
}
_AGE_WORD = r"(?:twenty[- ](?:one|five)|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)"
_NUM = rf"(?:\d{{2}}|{_AGE_WORD}\b)"
_OVER = r"(?:or|and) (?:over|older|above|up)\b"
_AGE = re.compile(
    rf"\b(?:min(?:imum|\.)?\s*age\b(?:[^.\d]{{0,30}}?\b(?:is|of|:)|\s*:?)\s*(?P<a>{_NUM})|"
    rf"(?:aged|ages?) (?P<b>\d{{2}})\s*(?:\+|(?:years?(?: old| of age)? )?{_OVER})|"
    rf"(?P<c>\d{{2}})\s*(?:years?(?: old| of age)?|yrs?)?\s*{_OVER}|at least (?P<d>{_NUM}) years|"
    r"over[- ](?:the age of )?(?P<e>\d{2})(?:\b|(?=s\b))|"
    r"(?P<f>\d{2})\+\s*(?:years|only|welcome)?|"
    rf"(?:must|need to|needs to|have to|has to|should) be (?:at least |over |aged )?(?P<g>{_NUM})|"
    # "Volunteers aged 18-65": the lower end of an age range is the minimum.
    r"\b(?:aged|ages|be) (?:between )?(?P<h>\d{2})\s*(?:-|–|—|to|and)\s*\d{2}\b|"
    r"\b(?P<j>\d{2})\s*(?:-|–|—|to)\s*\d{2}[- ]year[- ]olds\b|"
    rf"\bfrom (?:the )?age (?:of )?(?P<i>{_NUM}))",
    re.I,
)
_AGE_HINT = hint("age", "over", "older", "above", "at least", "+", "must be", "to be", "and up", "or up", "year old",
                 "year-old")
# A number followed by a unit or a plural noun counts something else: "over 28 weeks pregnant", "over 25
# volunteers", "30+ villages", "25+ years of experience" ("18 years of age" and "18+ volunteers" are ages).
_NOT_AGE_AFTER = re.compile(
    r"\+?\s*(?:(?:weeks?|months?|days?|hours?|minutes?|km|miles?|per ?cent)\b|%|"
    r"years?'?(?: of (?!age)| ago| in\b|'|’| experience| running| serving| working)|"
    r"(?!years\b|yrs\b|plus\b)[a-z]{3,}s\b)", re.I)
# "groups of 20 or over" is a group size ("the age of 19" is an age).
_NOT_AGE_BEFORE = re.compile(r"(?<!\bage )\bof\s*$", re.I)
# Ranges describing who usually comes ("most of our volunteers are aged 20 to 30") are no minimum.
_TYPICAL = re.compile(r"\b(?:most|typically|usually|mostly|majority|average|tend to)\b", re.I)
# Ages of the people a clinic serves ("screening for women aged 25-65") say nothing about participants...
_PATIENTS = re.compile(r"\b(?:patients?|women|men|mothers|children|adults|adolescents|teenagers|girls|boys|babies|"
                       r"infants|elderly|seniors|residents|population|people|villagers|clients)\b", re.I)
# ...unless the sentence is about who may take part.
_PARTICIPANTS = re.compile(r"\b(?:you|your|volunteers?|participants?|applicants?|students?|interns?|trainees?|"
                           r"travell?ers?|candidates?|anyone|everyone|minimum|must|join|apply|welcome|accepted|"
                           r"eligible|programm?e?|placement|elective|internship)\b", re.I)


def extract_min_age(page: Page) -> tuple[int | None, str | None]:
    for b in page.blocks:
        if b.is_fact and re.search(r"\bage\b", b.label, re.I):
            m = re.search(r"\b(\d{2})\b", b.cells[-1])
            if m:
                return int(m.group(1)), b.text
    for s, m in scan(page, _AGE, _AGE_HINT):
        group = next(g for g, v in m.groupdict().items() if v)
        value = m.group(group)
        age = int(value) if value.isdigit() else _AGE_WORDS[value.lower()]
        if not 14 <= age <= 30:
            continue
        if _NOT_AGE_AFTER.match(s.text, m.end(group)) or _NOT_AGE_BEFORE.search(s.text[:m.start(group)]):
            continue
        if group == "h" and _TYPICAL.search(s.text):
            continue
        if (_PATIENTS.search(s.text) and not _PARTICIPANTS.search(s.text)
                and not _REQ_HEADING.search(s.block.heading)):
            continue
        return age, snippet(s.text, m)
    return None, None

