"""The program's length of stay (`duration`): key facts, sentences about the stay, a fee table's tiers.

LABELS.md: weeks as numbers (days / 7, months x 52 / 12, two decimals); "from 2 weeks" is min 2, max null;
"up to 6 months" is min null, max 26; one fixed length gives min = max; tiers alone give their range.
"""

from __future__ import annotations

import pytest
from pagekit import URL, case, sec

from pipelines.extract import extract_duration
from pipelines.fees import extract_fees
from pipelines.money import context_for
from pipelines.page import parse_html

CASES = [
    case("fact-range", sec("About", "Ward-based elective."), (2, 12), wrapper="dl",
         facts={"Duration": "2 to 12 weeks", "Start": "Any Monday"}),
    case("min-and-max-words", sec("Length", "Electives run for a minimum of four and a maximum of eight weeks."),
         (4, 8)),
    case("one-month-fixed", sec("The observership", "Observerships last one month and follow the ward rotas."),
         (4.33, 4.33)),
    case("blocks-of-weeks", sec("Dates", "Placements are offered in blocks of 2, 4 or 6 weeks."), (2, 6)),
    case("from-weeks-no-max", sec("How long?", "Stay from 3 weeks; there is no upper limit."), (3, None)),
    case("up-to-months", sec("How long?", "You can volunteer for up to 6 months."), (None, 26.0)),
    case("days-range", sec("Outreach", "Camps last between 10 and 21 days."), (1.43, 3.0)),
    case("tiers-only", sec("Fees", "<table><tr><th>Length</th><th>Price</th></tr><tr><td>2 weeks</td>"
                                   "<td>$900</td></tr><tr><td>6 weeks</td><td>$2,100</td></tr></table>"), (2, 6)),
    case("lead-time-is-not-length",
         sec("Apply", "Apply at least eight weeks before you travel.", "Placements last 4 weeks."), (4, 4)),
    case("schedule-is-not-length",
         sec("Your week", "You work 5 days a week on the wards.", "The elective lasts three weeks."), (3, 3)),
    case("no-length-stated", sec("About", "Shadow doctors in a busy district hospital."), None),
    case("price-label-weeks-not-length",
         sec("Fees", "Programme fee: from US$690 (2 weeks). Stay 2 to 8 weeks."), (2, 8)),
]


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_duration(html: str, expected: tuple[float | None, float | None] | None) -> None:
    page = parse_html(html, URL)
    fees = extract_fees(page, context_for(page.text, "NP", page.host))
    got = extract_duration(page, fees)
    if expected is None:
        assert got is None
        return
    assert got is not None and got["evidence"]
    assert (got["min_weeks"], got["max_weeks"]) == expected
