"""Fees of one program: amount, currency, basis, kind and the weeks a total covers.

Each price mention in the program's own text (boilerplate is gone already) is
read in its clause: the sentence around it, or for a table row the row's label
and the column heading. The nearest cue word decides the kind ("registration",
"deposit", "donation", an optional extra, else the program price) and the basis
("per week", "per day", ... else a total or a one-time charge). A duration in
the same clause ties a total to its weeks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipelines.casefold import case_twin, fold_safe, ifinditer, ihas, isearch
from pipelines.duration import find_durations
from pipelines.money import CurrencyContext, Money, find_money
from pipelines.page import Block, Page, block_sentences, split_sentences

_BASIS_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("one_time", re.compile(r"\b(?:once|one)[- ]off\b|\bone[- ]time\b|\bonce only\b|\bsingle payment\b", re.I)),
    ("per_week", re.compile(r"(?:\b(?:per|a|each|every)|/)\s*(?:additional\s+|extra\s+|further\s+)?(?:week|wk)\b|"
                            r"\bweekly\b|\bp/?w\b|\bweek\s+(?:rate|fee|price)|(?<!\d )\bweek\s*:\s*$", re.I)),
    ("per_month", re.compile(r"(?:\b(?:per|a|each|every)|/)\s*(?:additional\s+|extra\s+|calendar\s+)?month\b|"
                             r"\bmonthly\b|/\s?mo\b|\bp/?m\b|(?<!\d )\bmonth\s*:\s*$", re.I)),
    ("per_day", re.compile(r"(?:\b(?:per|a|each|every)|/)\s*(?:outreach\s+|extra\s+|additional\s+|working\s+|"
                           r"clinical\s+|calendar\s+|placement\s+)?(?:day|night)\b|"
                           r"\b(?:per|each|every)\s+(?:trip|outing|excursion|visit)\b|"
                           r"\bdaily\b|\bnightly\b|\bper\s+(?:trip|visit|excursion|outreach)\b|\bday\s+rate\b|"
                           r"(?<!\d )\b(?:day|night)\s*:\s*$", re.I)),
]
_KIND_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("deposit", re.compile(r"\bdeposit", re.I)),
    ("registration", re.compile(
        r"\bregistration\b|\bregister\b|\bapplication(?:\s+fee)?\b|\bapplying\b|\bbooking fee\b|"
        r"\badmin(?:istration|istrative)?\s+(?:fee|charge|cost)|\benrol?ment fee\b|\bprocessing fee\b|"
        r"\bsign-?up fee\b", re.I)),
    ("donation", re.compile(r"\bdonat|\bgift (?:for|to) (?:the|a|its|our)\b|"
                            r"\bcontribution (?:to|towards|for) (?:the )?(?:host|hospital|clinic|"
                            r"project|community|school|dispensary)|\bgift to\b", re.I)),
    ("extra", re.compile(
        r"\bpick-?ups?\b|\bairport\b|\btransfers?\b|\boutreach\b|\bexcursions?\b|\bsafaris?\b|"
        r"\b(?:weekend|day|optional)\s+trips?\b|\btours?\b|\b(?:language|spanish|swahili|french)\s+"
        r"(?:course|class|classes|lessons?|school)\b|\boptional\b|\badd-?ons?\b|\bupgrade\b|\bsupplement\b|"
        r"\bsingle room\b|\bprivate room\b|\bextra (?:charge|cost)s?\b|\bsim card\b|\bt-shirt\b|"
        r"\bcharged? separately\b|\bsold separately\b|\bextra\b|\b(?:can|may) be (?:added|booked)\b|"
        r"\badded (?:for|at)\b|\bon request\b", re.I)),
    ("program", re.compile(r"\bprog?ram(?:me)?\s+(?:fee|price|cost)|\bprice\b|\bcosts?\b|\bfees?\b|\brates?\b|"
                           r"\btuition\b|\bextra weeks?\b|\badditional weeks?\b", re.I)),
]
_KIND_PRIORITY = {"deposit": 0, "registration": 1, "donation": 2, "extra": 3, "program": 4}
# Mentions that are not a charge of this program: discounts, savings, what someone paid, fundraising.
_NOT_A_FEE = re.compile(
    r"\b(?:save|saving|discount|worth|raised|raise|i paid|we paid|paid a little|paid about|spent|"
    r"budget|salary|salaries|earns?|earning|funding|grant|scholarship|refund(?:ed)?|cashback|voucher|win|prize|"
    r"cost (?:him|her|me|them|us)|compare[sd]? (?:with|to)|other (?:agencies|providers|organisations|companies)|"
    r"elsewhere)\b|(?<!-)\boff\b|%",
    re.I,
)
_THIRD_PARTY = re.compile(r"\b(?:visa|permit|flights?|insurance|vaccin|embassy|consulate)\w*", re.I)
# "€4 of every daily rate goes to ...": a share of a price, not a price.
_SHARE_OF = re.compile(r"^\s*(?:of|from) (?:every|each|your|the|our) (?:\w+ )?(?:fee|rate|payment|price|booking)", re.I)
_EXTRAS_HEADING = re.compile(r"not included|exclud|not covered|doesn.t cover|does not cover|optional|extras?\b|"
                             r"add-?ons?|additional costs", re.I)
_DIGIT = re.compile(r"\d")
# Charges that are paid once unless the page gives them a unit.
_ONE_TIME_KINDS = frozenset({"registration", "deposit", "donation", "extra"})
_PROVIDER_PAYS = re.compile(r"\b(?:pays?|paid|gives?|transfers?|passes?)\s+(?:the|a|its|our|each)\s+(?:\w+\s+){0,3}"
                            r"(?:hospital|clinic|host|school|community|dispensary|centre|center)|"
                            r"\b(?:hospital|clinic|host|school|community|dispensary)\s+(?:receives?|gets)\b", re.I)
# Sentences about other programs or other providers: their prices are not this program's.
_OTHER_PROGRAM = re.compile(r"\byou (?:may|might) also (?:like|enjoy)\b|"
                            r"\bour other (?:programmes|programs|placements)\b|\bsee also\b|"
                            r"\bsimilar (?:programmes|programs|placements)\b", re.I)
# "which includes a $200 donation": a part of a price already counted, not a charge of its own.
_PART_OF = re.compile(r"\b(?:includ\w*|of which|incl\.?)\s+(?:a |an |the )?$", re.I)
_PLUS_ON_TOP = re.compile(r"\bplus\b|\bon top of\b|\bin addition to\b", re.I)
_FROM_BEFORE = re.compile(r"\b(?:from|starting at|as low as|only)\s*$", re.I)
_FEE_OF = re.compile(r"\b(?:fee|price|cost)\s+(?:of|is)\b", re.I)
_EXTRA_WEEKS = re.compile(r"\b(?:extra|additional|further)\s+weeks?\b", re.I)
_EXTRA_OR_EACH_WEEK = re.compile(r"\b(?:extra|additional|further|each)\s+weeks?\b", re.I)
_EACH_AFTER = re.compile(r"\s*each\b")
_UNIT_BEFORE = re.compile(r"\b(week|month|day|night)s?\b[^.]*$", re.I)
_BRACKET_AFTER = re.compile(r"\s*\(")


@dataclass
class FeeMention:
    amount: float
    amount_max: float | None
    currency: str
    basis: str
    kind: str
    weeks: float | None
    evidence: str
    summary: bool  # a "from $X" headline that usually repeats a price given in full elsewhere
    explicit_basis: bool

    def as_dict(self) -> dict:
        return {
            "amount": _num(self.amount), "amount_max": _num(self.amount_max), "currency": self.currency,
            "basis": self.basis, "kind": self.kind, "weeks": self.weeks, "evidence": self.evidence,
        }


def _num(v: float | None) -> float | int | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else round(v, 2)


def extract_fees(page: Page, ctx: CurrencyContext) -> list[dict]:
    mentions: list[FeeMention] = []
    memo: dict = {}  # what a table's header cells say, read once for all its rows
    for block, headers in _with_table_headers(page.blocks):
        if not _DIGIT.search(block.text):
            continue  # no number, no price
        mentions.extend(_block_mentions(block, headers, ctx, page.h1 or page.title, block_sentences(page, block),
                                        memo))
    mentions = _fold(mentions)
    _fixed_fee_on_top(mentions)
    return [m.as_dict() for m in mentions]


def tie_fixed_length(fees: list[dict], duration: dict | None) -> None:
    """A program of one fixed length: its total price covers exactly that length."""
    if not duration or duration.get("min_weeks") is None or duration.get("min_weeks") != duration.get("max_weeks"):
        return
    for f in fees:
        if f["kind"] == "program" and f["basis"] == "total" and f["weeks"] is None:
            f["weeks"] = duration["min_weeks"]


def _with_table_headers(blocks: list[Block]) -> list[tuple[Block, tuple[str, ...]]]:
    """Pair each block with the header cells of the table it is a row of."""
    out = []
    headers: tuple[str, ...] = ()
    prev_row = False
    for b in blocks:
        if b.kind == "row":
            if not prev_row:
                headers = ()
            # Cheap tests first: only the first row of a table can be its header row.
            if not headers and len(b.cells) > 1 and not find_money(b.text):
                headers = b.cells
                prev_row = True
                continue
            out.append((b, headers))
            prev_row = True
        else:
            prev_row = False
            out.append((b, ()))
    return out


def _block_mentions(block: Block, headers: tuple[str, ...], ctx: CurrencyContext, title: str = "",
                    sents: list[str] | None = None, memo: dict | None = None) -> list[FeeMention]:
    if block.kind == "row" and len(block.cells) > 1:
        return _row_mentions(block, headers, ctx, title, memo)
    out = []
    for sentence in split_sentences(block.text) if sents is None else sents:
        found = find_money(sentence, ctx)
        for i, money in enumerate(found):
            prev_end = found[i - 1].end if i else 0
            next_start = found[i + 1].start if i + 1 < len(found) else len(sentence)
            m = _read_clause(sentence, money, block, ctx, prev_end, next_start, title)
            if m is not None:
                out.append(m)
    return out


_CLAUSE_BREAK = re.compile(r";|,\s*(?:plus|and|but|while|whereas)\b|\s(?:plus|and|but|while)\s|\.\s|\s[–—-]\s", re.I)


def _window(text: str, money: Money, prev_end: int = 0, next_start: int | None = None,
            before: int = 70, after: int = 45) -> tuple[str, str]:
    """The clause around a price: back to the previous price, forward to the next price or clause break."""
    lo = max(prev_end, money.start - before)
    hi = min(next_start if next_start is not None else len(text), money.end + after)
    tail = text[money.end:hi]
    cut = _CLAUSE_BREAK.search(tail)
    if cut:
        tail = tail[:cut.start()]
    return text[lo:money.start], tail


def _nearest(cues: list[tuple[str, re.Pattern[str]]], before: str, after: str,
             priority: dict[str, int] | None = None) -> str | None:
    """The cue matching nearest the price: ending closest before it or starting closest after it (ties by
    priority, then name). Only a cue's last match before and first match after can be its nearest."""
    best: tuple[int, int, str] | None = None
    prio = priority or {}
    low_before, low_after = before.lower(), after.lower()
    # The cues are re.I patterns; their case-sensitive twins find the same spans in the lower-cased text at a
    # third of the cost (page.case_twin).
    folded = fold_safe(before, low_before) and fold_safe(after, low_after)
    for name, pat in cues:
        twin = case_twin(pat) if folded else None
        if twin is not None:
            pat, text_before, text_after = twin, low_before, low_after
        else:
            text_before, text_after = before, after
        last = None
        if text_before or id(pat) in _EMPTY_MATCHING:  # (no cue matches an empty string: skip the call)
            for m in pat.finditer(text_before):
                last = m  # the last match is the nearest
        if last is not None:
            cand = (len(before) - last.end(), prio.get(name, 0), name)
            best = cand if best is None or cand < best else best
        first = pat.search(text_after) if text_after or id(pat) in _EMPTY_MATCHING else None
        if first is not None:
            cand = (first.start(), prio.get(name, 0), name)
            best = cand if best is None or cand < best else best
    return best[2] if best else None


# Cues (and their twins) that match an empty string, should one ever: only those are run on an empty window.
_EMPTY_MATCHING = frozenset(id(p) for _, cue in _BASIS_CUES + _KIND_CUES for p in (cue, case_twin(cue))
                            if p is not None and p.search("") is not None)


def _kind(before: str, after: str, title: str = "") -> str:
    """A specific charge word near the price (registration, deposit, ...) outranks a generic 'fee' or 'price'."""
    specific = _nearest(_KIND_CUES[:4], before[-160:], after[:45], _KIND_PRIORITY)
    if specific == "extra" and title:
        # On an outreach programme's own page, the "outreach fee" is the program price.
        cue = _KIND_CUES[3][1]
        words = {m.group(0).lower() for m in ifinditer(cue, before[-160:] + " " + after[:45])}
        if words and all(w in title.lower() for w in words):
            return "program"
    return specific or "program"


def _read_clause(sentence: str, money: Money, block: Block, ctx: CurrencyContext, prev_end: int = 0,
                 next_start: int | None = None, block_title: str = "") -> FeeMention | None:
    before, after = _window(sentence, money, prev_end, next_start, before=160)
    near_before, near_after = before[-45:], after[:30]
    # ihas: the re.I patterns run case-sensitively on lower-cased text (page.ihas), same answers, less work.
    # Money the provider pays its host ("pays the hospital USD 40 a week") is not charged to the participant.
    if (ihas(_PROVIDER_PAYS, before) or ihas(_SHARE_OF, after) or ihas(_OTHER_PROGRAM, sentence)
            or ihas(_PART_OF, before)):
        return None
    if ihas(_NOT_A_FEE, near_before + " " + near_after.split(".")[0][:20]):
        return None
    # "Visa fees (about $50)" and the like are paid to third parties, not to the provider.
    if (ihas(_THIRD_PARTY, near_before) and not ihas(_FEE_OF, near_before)
            and not _nearest(_KIND_CUES[:3], before, after)):
        return None
    kind = _kind(before, after, block_title)
    if kind == "program" and ihas(_EXTRAS_HEADING, block.heading):
        kind = "extra"  # a price in a list of what is not included is an optional extra
    if kind == "extra" and ihas(_EXTRA_WEEKS, before[-40:] + after[:40]):
        kind = "program"
    basis = _nearest(_BASIS_CUES, before[-60:], near_after) if kind == "program" else _nearest(
        _BASIS_CUES, near_before, near_after)
    if basis is None and _EACH_AFTER.match(after):
        basis = _each_unit(before)
    explicit = basis is not None
    weeks = None
    if basis is None:
        if kind in _ONE_TIME_KINDS:
            basis = "one_time"
        else:
            basis = "total"
            weeks = _tied_weeks(before[-35:], after[:35])
            if weeks is None and block.kind == "fact":
                weeks = _tied_weeks(block.label, "")
    summary = ihas(_FROM_BEFORE, before) and weeks is None
    return FeeMention(money.amount, money.amount_max, money.currency or ctx.dollar, basis, kind, weeks,
                      _evidence(sentence, money), summary, explicit)


def _each_unit(before: str) -> str | None:
    """'Additional weeks are £245 each': the unit named before the price."""
    m = isearch(_UNIT_BEFORE, before)
    if not m:
        return None
    return {"week": "per_week", "month": "per_month"}.get(m.group(1).lower(), "per_day")


def _tied_weeks(before: str, after: str) -> float | None:
    """A single length right next to a total ("4 weeks: $2,450", "$1,450 for 4 weeks")."""
    # "$2,000 (4 weeks)": a length in brackets right after the price belongs to it.
    order = ((after, False), (before, True)) if _BRACKET_AFTER.match(after) else ((before, True), (after, False))
    for text, near_end in order:
        ds = [d for d in find_durations(text) if d.shape == "single"]
        if not ds:
            continue
        d = ds[-1] if near_end else ds[0]
        gap = text[d.end:] if near_end else text[:d.start]
        if len(gap) <= 25 and "." not in gap and ";" not in gap:
            return d.min_weeks
    return None


def _row_mentions(block: Block, headers: tuple[str, ...], ctx: CurrencyContext, title: str = "",
                  memo: dict | None = None) -> list[FeeMention]:
    memo = {} if memo is None else memo
    out = []
    label = block.cells[0]
    label_kind = _nearest(_KIND_CUES[:4], label, "", _KIND_PRIORITY)
    for col, cell in enumerate(block.cells):
        for money in find_money(cell, ctx):
            header = headers[col] if col < len(headers) else ""
            before, after = _window(cell, money)
            context_before = f"{label} {header} {before}" if col else before
            if ihas(_NOT_A_FEE, before[-30:] + " " + after[:20]):
                continue
            kind = label_kind or _kind(context_before, after, title)
            if ihas(_EXTRA_OR_EACH_WEEK, label):
                kind, basis = "program", "per_week"
            else:
                basis = (_nearest(_BASIS_CUES, before[-30:], after[:30])
                         or _memo(memo, ("basis", header), _nearest, _BASIS_CUES, header, "")
                         or _nearest(_BASIS_CUES, label, ""))
            explicit = basis is not None
            weeks = None
            if basis is None:
                if kind in _ONE_TIME_KINDS:
                    basis = "one_time"
                else:
                    basis = "total"
                    weeks = (_single_weeks(label) or _bare_number_weeks(label, headers)) if col else None
                    if weeks is None:
                        weeks = _memo(memo, ("weeks", header, headers), _header_weeks, header, headers)
            out.append(FeeMention(money.amount, money.amount_max, money.currency or ctx.dollar, basis, kind,
                                  weeks, _clip(block.text, 200), False, explicit))
    return out


def _memo(memo: dict, key: tuple, fn: Callable[..., Any], *args: Any) -> Any:
    """fn(*args), once per key in `memo` (one page's table: the same header cells for every row)."""
    try:
        return memo[key]
    except KeyError:
        memo[key] = value = fn(*args)
        return value


def _header_weeks(header: str, headers: tuple[str, ...]) -> float | None:
    return _single_weeks(header) or _bare_number_weeks(header, headers)


def _single_weeks(text: str) -> float | None:
    ds = find_durations(text)
    if len(ds) == 1 and ds[0].shape == "single":
        return ds[0].min_weeks
    return None


def _bare_number_weeks(header: str, headers: tuple[str, ...]) -> float | None:
    """A transposed tier table: the first header cell says 'Weeks', the others are bare numbers."""
    if not headers or not re.fullmatch(r"\s*\d{1,2}\s*", header or ""):
        return None
    unit = re.search(r"\b(weeks?|months?|days?)\b", headers[0], re.I)
    if not unit:
        return None
    from pipelines.duration import to_weeks

    return to_weeks(float(header), unit.group(1))


def _evidence(sentence: str, money: Money, limit: int = 200) -> str:
    s = sentence.strip()
    if len(s) <= limit:
        return s
    start = max(0, money.start - limit // 2)
    return ("…" if start else "") + s[start:start + limit].strip() + "…"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fold(mentions: list[FeeMention]) -> list[FeeMention]:
    """One entry per charge: a price repeated (headline and table, dropdown and readout) counts once."""
    out: list[FeeMention] = []
    for m in mentions:
        twin = next((o for o in out if o.amount == m.amount and o.currency == m.currency
                     and o.amount_max == m.amount_max), None)
        if twin is None:
            out.append(m)
            continue
        # Keep the more specific reading of the two.
        if _specificity(m) > _specificity(twin):
            out[out.index(twin)] = m
    return out


def _specificity(m: FeeMention) -> int:
    return (2 if m.weeks is not None else 0) + (1 if m.explicit_basis else 0) + (0 if m.summary else 1) + (
        1 if m.kind != "program" else 0)


def _fixed_fee_on_top(mentions: list[FeeMention]) -> None:
    """A fixed program fee charged on top of a weekly rate is a one-time program charge."""
    weekly = any(m.kind == "program" and m.basis in ("per_week", "per_month", "per_day") for m in mentions)
    if not weekly:
        return
    for m in mentions:
        if m.kind == "program" and m.basis == "total" and m.weeks is None and _PLUS_ON_TOP.search(m.evidence):
            m.basis = "one_time"
