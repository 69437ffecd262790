"""What the page discloses about legality, safety and the host community.

- legal_info: visas, permits, registration with a professional council, what the
  law lets the participant do. The provider's own company registration is not it.
- safety_info: the participant's insurance, emergency or 24-hour support,
  vaccinations and health precautions, a safety briefing.
- community_benefit: a mechanism by which the host gains: payments or donations
  to the host, training local staff, a long-term partnership, supplies.
"""

from __future__ import annotations

import re

from pipelines.casefold import ihas
from pipelines.page import Page, scan, snippet

_LEGAL = re.compile(
    r"\bvisas?\b|\bpermits?\b|\bwork permit|\bresiden(?:ce|t) permit|\b(?:temporary |provisional )?registration "
    r"with (?:the )?(?:\w+ ){0,3}(?:council|board|ministry|authorit\w+|association)|"
    r"\b(?:medical|nursing|dental|midwifery|health professions?|pharmacy) (?:and \w+ )?(?:council|board)\b|"
    r"\bregistered with (?:the )?(?:host hospital|hospital|health authorities|ministry|council)|"
    r"\blicen[cs]e to practi[cs]e|\blegal(?:ly)?\b|\bimmigration\b|\bentry requirements\b|"
    # The participant's own licence to work: "a local practising licence", "a temporary licence".
    r"\bpracti[cs]ing (?:licen[cs]e|certificate|permit)|"
    r"\b(?:temporary|provisional|local|limited|short-term) (?:medical |nursing |clinical )?licen[cs]e|"
    # "the law", "local law", "by law" and what the law lets people do; not "studying law" or "law students".
    r"\b(?:local|national|state|federal|the|by|under|country['’]s) laws?\b"
    r"(?! (?:students?|school|degrees?|firms?|graduates?|faculty|courses?|internships?|programmes?|programs?)\b)|"
    r"\blaws? (?:allows?|permits?|forbids?|prohibits?|requires?|only|lets?|does not|do not|says)\b|"
    r"\b(?:local|national) (?:regulations|rules) (?:on|for|about)|"
    # "Under Kenyan regulations, students may only observe": the rules that bind the participant.
    r"\b(?:under|by|according to|in line with) (?:the )?(?:\w+ ){0,2}(?:regulations?|legislation|laws?)\b|"
    r"\bregulations? (?:allow|permit|forbid|prohibit|require|only|do not|does not|mean|say)|"
    r"\bpermission to (?:work|practi[cs]e|take part)|"
    # Leave to take part granted by an authority: "approval from the Ministry of Health".
    r"\b(?:approval|authori[sz]ation|clearance|permission|consent) from (?:the )?(?:\w+ ){0,3}(?:ministry|"
    r"council|board|authorit\w+|government|regulator\w*|immigration)|"
    r"\bpassports?\b[^.]{0,60}\bvalid\b|\bvalid passports?\b|"
    r"\bethics approval\b|\belective registration\b|\bregistered with the host\b",
    re.I,
)
_LEGAL_NOT = re.compile(
    r"\bregistered (?:charity|ngo|company|in england|office|trademark|charitable)|\bcompany (?:number|registration)|"
    r"\bngo no\b|\blegal notice\b|\blaw (?:firm|students?|school|degree)\b|\bin-laws?\b|"
    # An institution's own standing is not the participant's permission: "our partner hospital is registered".
    r"\b(?:hospital|clinic|centre|center|dispensary|facility|organi[sz]ation|ngo|charity|company|foundation|trust|"
    r"school|college|university|we|it) (?:is|are) (?:\w+ )?(?:registered|licensed|accredited|recogni[sz]ed)\b|"
    # Someone's seat on a council ("a former chair of the nursing council") is not registration with it.
    r"\b(?:chair(?:man|woman|person)?|members?|president|director|secretary|head)s? (?:of|on) (?:the )?"
    r"(?:\w+ ){0,3}(?:council|board)\b|"
    # The Visa payment card: "We accept Visa, Mastercard and bank transfer".
    r"\bvisa (?:cards?|debit|credit|electron)\b|\b(?:visa|mastercard|master card|amex|american express|maestro|"
    r"paypal|debit cards?|credit cards?)(?:,| or| and| /|/) ?(?:visa|mastercard|master card|amex|american express|"
    r"maestro|paypal|debit|credit)\b",
    re.I,
)
_SAFETY = re.compile(
    r"\binsur(?:ance|ed|er|ers)\b|\b(?:medical|travel|health) cover\b|\bemergenc(?:y|ies) (?:phone|number|contact|"
    r"line|support|assistance|plan|procedures?|evacuation|cover)|\bin (?:an|case of(?: an)?) emergenc|\b24/7\b|"
    r"\b24[- ]hours?\b|\baround the clock\b|\bround-the-clock\b|"
    # Someone to call at any hour: "our team can be reached day or night".
    r"\b(?:reach(?:ed|able)?|contact(?:ed|able)?|call (?:us|them|your \w+)|on hand|to help you|for you)\b[^.]{0,40}"
    r"\bday (?:or|and) night\b|"
    r"\b(?:your|get|need|recommended?|required|up-to-date|up to date|before you travel|check|consider|"
    r"advised?)\b[^.]{0,40}\b(?:vaccin\w*|immunis\w*|immuniz\w*)|"
    r"\b(?:vaccin\w*|immunis\w*|immuniz\w*)\b[^.]{0,40}\b(?:before you|you need|recommended|required|advice)\b|"
    r"^vaccinations?\b(?!\s+(?:campaigns?|drives?|programmes?|programs?|clinics?|days?|rates?|coverage|outreach|"
    r"sessions?|teams?)\b)|\bjabs\b|\bantimalarial|"
    r"\bmalaria (?:prevention|tablets|pills|prophylaxis)|\byellow fever\b|\bhealth precautions?\b|\btravel clinic\b|"
    # The participant's own immune status: "check your hepatitis B status before departure".
    r"\byour (?:\w+ ){0,2}(?:hepatitis \w+|hep \w|hiv|tb|immune|immunity|vaccination|immuni[sz]ation) status\b|"
    # Everyday health precautions: "drink only bottled water", "use mosquito repellent".
    r"\bdrink (?:only )?(?:bottled|filtered|boiled|purified|treated|safe)\b|\b(?:mosquito|insect|bug) repellent\b|"
    r"\b(?:bring|use|pack|apply|wear|take)\b (?:\w+ ){0,2}repellent\b|"
    r"\bsafety (?:briefing|induction|training|information|guidelines|protocols?)|\bsecurity briefing\b|"
    r"\bbrief(?:s|ed|ing)? (?:you |volunteers |interns |students |participants |everyone )?on (?:\w+ ){0,2}"
    r"(?:safety|security|health risks?|risks)\b|"
    r"\bpost-exposure prophylaxis|\bPEP\b|\bneedlestick|\bpersonal protective|\bsafe(?:ty)? (?:is|are) our\b|"
    r"\bstay(?:ing)? safe\b",
    re.I,
)
_SAFETY_NOT = re.compile(
    r"\bnational health insurance\b|\bhealth insurance (?:scheme|programme|program|fund|cards?)\b|"
    r"\bimmunis\w* clinic\b|\bvaccination clinic\b|\bemergency (?:department|room|ward|medicine)\b|"
    # Cover that belongs to patients and families, not to the participant.
    r"\b(?:patients|families|locals|residents|villagers|mothers|households?)['’]?s? (?:\w+ ){0,3}insurance\b|"
    r"\b(?:government|state|public|social|universal|community) (?:health )?insurance\b|"
    r"\bvaccinat\w* (?:campaigns?|drives?)\b|"
    # A clinic's opening hours are not support for the participant: "open 24 hours a day for deliveries".
    r"\bopen (?:\w+ )?(?:24|around the clock|round the clock|day and night|all night)",
    re.I,
)
_COMMUNITY = re.compile(
    r"\bdonat\w+|\b(?:paid|goes|go|passed|given|contributed|transferred) (?:straight |directly )?(?:in)?to the "
    r"(?:\w+ ){0,3}(?:hospital|clinic|dispensary|health cent(?:re|er)|host|community|school|project|trust|fund)|"
    r"\b(?:part|share|portion|percentage|some) of (?:every|each|your|the|our) (?:\w+ )?(?:fee|payment|booking|"
    r"rate|price)s?\b|\bfunds? (?:dressings|medicines|medicine|supplies|equipment|the|a|salaries)|"
    r"\bmedicine fund\b|\bpays? (?:the |for the )?salar(?:y|ies)\b|\b(?:left|donated|handed over|given) (?:with|to) "
    r"the (?:\w+ ){0,2}(?:clinic|hospital|community|school|health cent(?:re|er)|dispensary)\b|"
    r"\bbring\w*\b[^.]{0,40}\b(?:supplies|gloves|equipment|medicines|dressings?|dressing packs|"
    r"kits|consumables)\b|\bfunded (?:from|by|through) (?:your|the|our|every|each) (?:\w+ )?(?:fees?|price|booking)|"
    r"\buses? (?:the |your |our )?(?:\w+ )?fees? to (?:pay|fund|buy|cover)|"
    r"\b(?:help )?train(?:s|ing)? (?:the )?(?:\w+['’]s )(?:\w+ )?(?:staff|nurses|assistants|health workers|midwives)|"
    r"\b(?:train|trains|training|mentor|mentors|mentoring) (?:local|its own|our local|the local|"
    r"junior|village|community) (?:\w+ )?(?:staff|nurses|health workers|volunteers|women|midwives|doctors|"
    r"clinicians)|"
    # Teaching aimed at the host's own staff: "refresher training for the dispensary's health workers",
    # "students teach basic life support to the hospital's junior nurses".
    r"\b(?:training|train|trains|teach|teaches|teaching|taught)\b[^.]{0,50}?\b(?:for|to) (?:the )?(?:\w+['’]s |"
    r"local |junior |village |community |host )(?:\w+ ){0,2}(?:staff|nurses|health workers|midwives|doctors|"
    r"clinicians|birth attendants|health volunteers)\b|"
    r"\blong[- ]term (?:partnership|partner|relationship|commitment)|"
    # A partnership measured in years: "worked with X since 2009", "our partner hospital since 2012",
    # "a ten-year partnership agreement".
    r"\b(?:worked|working|partnered|collaborated|collaborating|partners?) with\b[^.]{0,60}?\bsince (?:19|20)\d\d\b|"
    r"\bpartner\w* (?:\w+ ){0,3}since (?:19|20)\d\d\b|\bsince \d{4}\b[^.]{0,40}partner|"
    r"\b\w+[- ]years?[- ](?:long )?(?:partnership|agreement|relationship|commitment|collaboration)\b|"
    r"\bpartnership (?:of|spanning|for|lasting) (?:over |more than |almost |nearly )?(?:\w+|\d+) years\b|"
    r"\bplacement (?:contribution|fee) (?:is )?paid|\bsupplies (?:for|to) the\b|\bbring (?:medical )?supplies\b|"
    r"\b(?:equipment|supplies|medicines) (?:for|to) the (?:\w+ )?(?:hospital|clinic|dispensary|community)\b|"
    r"\bcontribution\b[^.]{0,60}\b(?:hospital|clinic|host|community)\b|\bfee\b[^.]{0,50}\bhelps? (?:fund|pay|"
    r"support)\b|\bpays? (?:the |its |a )(?:\w+ ){0,3}(?:hospital|clinic|host|school|community)|\bpays? (?:for|"
    r"towards) (?:the )?(?:\w+ ){0,2}(?:salar\w+|medicines|equipment|supplies)\b|"
    # Money that ends up with the host: "the fee contributes to a scholarship fund", "the hospital receives a
    # contribution". Volunteers who "contribute to the work of the hospital" give labour, which is not it.
    r"\bcontribut\w* (?:to|towards) (?:a |an |the )?(?:\w+ ){0,3}(?:fund|scholarships?|salar\w+)\b|"
    r"\b(?:fees?|payments?|money|price|bookings?)\b[^.]{0,30}?\bcontribut\w* (?:to|towards) (?:a |an |the )?"
    r"(?:\w+ ){0,3}(?:project|hospital|clinic|community|school|dispensary|health (?:centre|center|post)|"
    r"running costs)\b|"
    r"\b(?:hospital|clinic|host|community|school|dispensary|health (?:centre|center|post)|village|project)s? "
    r"(?:\w+ )?(?:receives?|gets?|is paid|earns?|is given)\b[^.]{0,30}?\b(?:contribution|fee|payment|donation|"
    r"percentage|portion|stipend|grant)s?\b|"
    # Supplies left with the host: "we have equipped the maternity ward", "leaves a kit of instruments with the team".
    r"\b(?:equipped|re-equipped|furnished|stocked|restocked|supplied) (?:the|a|an|its|their|our|\w+['’]s) "
    r"(?:\w+ ){0,2}(?:ward|clinic|hospital|health (?:centre|center|post)|dispensary|theatre|operating room|"
    r"laborator\w+|lab|pharmacy|unit|school)\b|"
    r"\b(?:leaves?|left|hand(?:s|ed)? over)\b[^.]{0,40}?\b(?:kits?|instruments|equipment|supplies|medicines|gloves|"
    r"dressings|consumables)\b[^.]{0,30}?\b(?:with|to|for) (?:the|its|their|our)\b",
    re.I,
)


# Lower-case literals, one of which every match of the pattern above contains: a cheap first pass
# (see pipelines.page.scan). Keep each in step with its pattern.
_LEGAL_HINT = re.compile(r"visa|permit|registration|registered|council|board|licen|legal|law|immigration|"
                         r"entry requirement|regulation|legislation|permission|approval|authori|clearance|consent|"
                         r"passport|ethics|practising certificate|practicing certificate")
_SAFETY_HINT = re.compile(r"insur|medical cover|travel cover|health cover|emergenc|24|clock|day or night|"
                          r"day and night|vaccin|immuni|jabs|antimalar|malaria|yellow fever|"
                          r"precaution|travel clinic|status|drink|repellent|safe|securit|brief|prophyla|pep|"
                          r"needlestick|protective")
_COMMUNITY_HINT = re.compile(r"donat|to the|with the|fee|payment|booking|rate|price|fund|salar|bring|train|teach|"
                             r"taught|mentor|long-term|long term|since|partnership|agreement|relationship|commitment|"
                             r"collaborat|contribut|percentage|portion|stipend|grant|suppl|equip|furnish|stocked|"
                             r"medicine|pay|kit|instrument|glove|dressing|consumable")


def _first(page: Page, pat: re.Pattern[str], not_pat: re.Pattern[str], hint: re.Pattern[str]) -> str | None:
    for sent, m in scan(page, pat, hint):
        window = sent.text[max(0, m.start() - 40):m.end() + 40]
        if not ihas(not_pat, window):  # re.I run case-sensitively on lower-cased text (pipelines.casefold)
            return snippet(sent.text, m)
    return None


def extract_legal(page: Page) -> tuple[bool, str | None]:
    ev = _first(page, _LEGAL, _LEGAL_NOT, _LEGAL_HINT)
    return ev is not None, ev


def extract_safety(page: Page) -> tuple[bool, str | None]:
    ev = _first(page, _SAFETY, _SAFETY_NOT, _SAFETY_HINT)
    return ev is not None, ev


_COMMUNITY_NOT = re.compile(
    r"\bwould otherwise\b|\bour partner hospital\b(?![^.]*\bsince\b)|"
    # Volunteers "donating" their own time or hours is labour, not a donation to the host.
    r"\bdonat\w* (?:(?:more than|over|about|around|up to|some|almost|nearly) )?(?:[\d,]+ )?(?:of )?"
    r"(?:their |your |our )?"
    r"(?:time|hours|days|weeks|months|skills|labou?r|energy|expertise|efforts?)\b|"
    # The participant learning from the host's teaching ("join the teaching for the hospital's junior doctors") and
    # a coordinator's years "working with volunteers" give the host nothing.
    r"\b(?:join|joins|attend|attends|sit in on|take part in|participate in)\b[^.]{0,30}\b(?:training|teaching)\b|"
    r"\bwith (?:\w+ )?(?:volunteers|students|interns|participants)\b[^.]{0,20}\bsince\b",
    re.I,
)


def extract_community(page: Page) -> tuple[bool, str | None]:
    ev = _first(page, _COMMUNITY, _COMMUNITY_NOT, _COMMUNITY_HINT)
    return ev is not None, ev
