"""Fees of one program page (pipelines.fees): HTML snippets through parse_html, context_for, extract_fees.

Each case is a small program page; the expected fees are written from the
labelling guide (shared corpus LABELS.md, "Fees" and "Conventions settled while
labelling") and compared as a multiset of
(amount, amount_max, currency, basis, kind, weeks).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from pipelines.fees import extract_fees
from pipelines.money import context_for
from pipelines.page import parse_html

URL = "https://www.example-electives.org/programs/nursing-kathmandu.html"
TITLE = "Nursing Elective in Kathmandu"

Fee = tuple[float, float | None, str, str, str, float | None]


def F(amount: float, currency: str, basis: str, kind: str, weeks: float | None = None,
      amount_max: float | None = None) -> Fee:
    return (amount, amount_max, currency, basis, kind, weeks)


def _fees(body: str, country: str | None = "NP", url: str = URL, title: str = TITLE) -> Counter[Fee]:
    html = f"<html><head><title>{title}</title></head><body><main><h1>{title}</h1>{body}</main></body></html>"
    page = parse_html(html, url)
    ctx = context_for(page.text, country, page.host)
    return Counter(
        (f["amount"], f["amount_max"], f["currency"], f["basis"], f["kind"], f["weeks"])
        for f in extract_fees(page, ctx)
    )


def _case(body: str, expected: list[Fee], id: str, *, country: str | None = "NP", url: str = URL,
          title: str = TITLE, xfail: str | None = None) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(body, expected, country, url, title, id=id, marks=marks)


INTRO = "<p>Join the nursing team of a busy district hospital and shadow ward rounds.</p>"

FEE_CASES = [
    # --- currencies by sign, code or word, in several regions
    _case("<p>The elective costs MX$24,900 for two weeks.</p>",
          [F(24900, "MXN", "total", "program", 2)], "mexican-peso-sign", country="MX", title="Elective in Oaxaca"),
    _case("<p>Application processing fee: 2,500 baht, paid once.</p>",
          [F(2500, "THB", "one_time", "registration")], "baht-word", country="TH", title="Elective in Chiang Mai"),
    _case("<p>A one-off placement fee of 1,200,000 rupiah is paid to the hospital's training office.</p>",
          [F(1200000, "IDR", "one_time", "program")], "rupiah-word", country="ID", title="Elective in Bali"),
    # --- bases written in other ways
    _case("<p>Observers pay a bench fee of US$60 per working day.</p>",
          [F(60, "USD", "per_day", "program")], "per-working-day"),
    _case("<p>The township clinic visit can be added for R 850 each trip.</p>",
          [F(850, "ZAR", "per_day", "extra")], "each-trip-extra", country="ZA", title="Physio in Cape Town"),
    _case("<p>Volunteering costs NZ$1,900 per calendar month, all meals included.</p>",
          [F(1900, "NZD", "per_month", "program")], "per-calendar-month", country="WS",
          title="Medical Volunteer in Samoa"),
    # --- kinds
    _case("<p>Students also bring a KSh 5,000 gift for the ward's supplies fund.</p>",
          [F(5000, "KES", "one_time", "donation")], "gift-for-the-ward", country="KE",
          title="Nursing Practicum in Kisumu"),
    # --- totals tied to weeks, in prose
    _case("<p>The programme fee is £1,645 for 2 weeks.</p>",
          [F(1645, "GBP", "total", "program", 2)], "total-for-weeks"),
    _case("<p>Price: $2,450 for 4 weeks, including accommodation and meals.</p>",
          [F(2450, "USD", "total", "program", 4)], "price-colon-for-weeks"),
    _case("<p>4 weeks: $2,450</p>",
          [F(2450, "USD", "total", "program", 4)], "weeks-colon-price"),
    _case("<p>The four-week placement costs 1.450 €.</p>",
          [F(1450, "EUR", "total", "program", 4)], "euro-format-word-weeks"),
    _case("<p>A three-week stay costs US$1,980 in total.</p>",
          [F(1980, "USD", "total", "program", 3)], "word-weeks-before-price"),
    _case("<p>Programme fees range from $1,500 to $2,500 depending on the hospital you choose.</p>",
          [F(1500, "USD", "total", "program", amount_max=2500)], "price-range"),
    # --- rates
    _case("<p>The placement costs $350 per week.</p>",
          [F(350, "USD", "per_week", "program")], "per-week"),
    _case("<p>Weekly fee: £295.</p>",
          [F(295, "GBP", "per_week", "program")], "weekly-fee-label"),
    _case("<p>Programme fee: £295/week.</p>",
          [F(295, "GBP", "per_week", "program")], "slash-week"),
    _case("<p>Our fee is US$1,100 per month, all inclusive.</p>",
          [F(1100, "USD", "per_month", "program")], "per-month"),
    _case("<p>The daily rate is €45, covering your room and board.</p>",
          [F(45, "EUR", "per_day", "program")], "daily-rate"),
    _case("<p>Weekly rate: €245,00</p>",
          [F(245, "EUR", "per_week", "program")], "euro-comma-cents-weekly"),
    # --- extra weeks
    _case("<p>Two weeks cost £1,645 and each additional week is £245.</p>",
          [F(1645, "GBP", "total", "program", 2), F(245, "GBP", "per_week", "program")],
          "each-additional-week-sentence"),
    _case("<p>The first two weeks cost £1,645. Additional weeks are £245 each.</p>",
          [F(1645, "GBP", "total", "program", 2), F(245, "GBP", "per_week", "program")],
          "additional-weeks-each"),
    _case("<ul><li>2 weeks: £1,645</li><li>Each additional week £245</li></ul>",
          [F(1645, "GBP", "total", "program", 2), F(245, "GBP", "per_week", "program")], "extra-week-list"),
    # --- tier tables
    _case("<table><tr><th>Duration</th><th>Price</th></tr>"
          "<tr><td>2 weeks</td><td>£1,645</td></tr><tr><td>4 weeks</td><td>£2,135</td></tr>"
          "<tr><td>Each additional week</td><td>£245</td></tr></table>",
          [F(1645, "GBP", "total", "program", 2), F(2135, "GBP", "total", "program", 4),
           F(245, "GBP", "per_week", "program")], "tier-table-header"),
    _case("<table><tr><td>2 weeks</td><td>$1,300</td></tr><tr><td>3 weeks</td><td>$1,700</td></tr>"
          "<tr><td>4 weeks</td><td>$2,100</td></tr></table>",
          [F(1300, "USD", "total", "program", 2), F(1700, "USD", "total", "program", 3),
           F(2100, "USD", "total", "program", 4)], "tier-table-no-header"),
    _case("<table><tr><th>Weeks</th><th>2</th><th>3</th><th>4</th></tr>"
          "<tr><td>Price</td><td>$1,200</td><td>$1,550</td><td>$1,900</td></tr></table>",
          [F(1200, "USD", "total", "program", 2), F(1550, "USD", "total", "program", 3),
           F(1900, "USD", "total", "program", 4)], "tier-table-transposed"),
    _case("<table><tr><th>Months</th><th>1</th><th>2</th><th>3</th></tr>"
          "<tr><td>Fee</td><td>US$1,800</td><td>US$3,200</td><td>US$4,500</td></tr></table>",
          [F(1800, "USD", "total", "program", 4.33), F(3200, "USD", "total", "program", 8.67),
           F(4500, "USD", "total", "program", 13.0)], "tier-table-transposed-months"),
    _case("<table><tr><td>1 month</td><td>$1,800</td></tr><tr><td>2 months</td><td>$3,200</td></tr></table>",
          [F(1800, "USD", "total", "program", 4.33), F(3200, "USD", "total", "program", 8.67)],
          "tier-table-months"),
    _case("<table><tr><th>Length of stay</th><th>Price per week</th></tr>"
          "<tr><td>2–4 weeks</td><td>$400</td></tr><tr><td>5–12 weeks</td><td>$350</td></tr></table>",
          [F(400, "USD", "per_week", "program"), F(350, "USD", "per_week", "program")],
          "weekly-rate-bands"),
    _case("<table><tr><td>Registration fee</td><td>$250</td></tr><tr><td>2 weeks</td><td>$1,100</td></tr>"
          "<tr><td>4 weeks</td><td>$1,900</td></tr></table>",
          [F(250, "USD", "one_time", "registration"), F(1100, "USD", "total", "program", 2),
           F(1900, "USD", "total", "program", 4)], "tier-table-registration-row"),
    _case("<table><tr><td>Weekly rate</td><td>£310</td></tr><tr><td>Airport pick-up</td><td>£40</td></tr></table>",
          [F(310, "GBP", "per_week", "program"), F(40, "GBP", "one_time", "extra")], "table-rate-and-extra"),
    _case("<table><tr><td>One-off programme fee</td><td>$300</td></tr>"
          "<tr><td>Weekly rate</td><td>$150</td></tr></table>",
          [F(300, "USD", "one_time", "program"), F(150, "USD", "per_week", "program")],
          "table-fixed-fee-and-weekly-rate"),
    # --- key facts boxes
    _case("<dl><dt>Programme fee</dt><dd>US$1,950 for 4 weeks</dd><dt>Registration</dt><dd>US$200</dd></dl>",
          [F(1950, "USD", "total", "program", 4), F(200, "USD", "one_time", "registration")],
          "dl-fee-and-registration"),
    _case("<dl><dt>Cost (4 weeks)</dt><dd>€1,200</dd></dl>",
          [F(1200, "EUR", "total", "program", 4)], "dl-weeks-in-label"),
    _case("<dl><dt>Weekly rate</dt><dd>$300</dd><dt>Deposit</dt><dd>$200</dd></dl>",
          [F(300, "USD", "per_week", "program"), F(200, "USD", "one_time", "deposit")], "dl-rate-and-deposit"),
    _case("<ul><li>Registration fee: $250</li><li>Programme fee (4 weeks): $1,800</li></ul>",
          [F(250, "USD", "one_time", "registration"), F(1800, "USD", "total", "program", 4)], "list-fee-items"),
    # --- registration, application, booking and admin fees
    _case("<p>A registration fee of $250 is payable when you apply.</p>",
          [F(250, "USD", "one_time", "registration")], "registration-fee"),
    _case("<p>Application fee: £99 (non-refundable).</p>",
          [F(99, "GBP", "one_time", "registration")], "application-fee"),
    _case("<p>We charge a booking fee of €150 to secure your place.</p>",
          [F(150, "EUR", "one_time", "registration")], "booking-fee"),
    _case("<p>The hospital charges an administration fee of $100, which you pay on your first day.</p>",
          [F(100, "USD", "one_time", "registration")], "admin-fee-paid-to-host"),
    # --- deposits
    _case("<p>A deposit of £300 secures your place and is deducted from the total.</p>",
          [F(300, "GBP", "one_time", "deposit")], "deposit"),
    _case("<p>The 4-week programme costs $2,000. A $400 deposit is due on booking and is deducted "
          "from the total.</p>",
          [F(2000, "USD", "total", "program", 4), F(400, "USD", "one_time", "deposit")], "price-and-deposit"),
    _case("<p>Secure your place with a £200 deposit (deducted from your programme fee).</p>",
          [F(200, "GBP", "one_time", "deposit")], "deposit-deducted-from-fee"),
    # --- donations
    _case("<p>Participants make a donation of $150 to the host clinic.</p>",
          [F(150, "USD", "one_time", "donation")], "donation"),
    _case("<p>A contribution to the hospital of US$200 is added on top of the programme fee.</p>",
          [F(200, "USD", "one_time", "donation")], "contribution-to-hospital"),
    # --- optional extras
    _case("<p>Airport pick-up is sold separately at $60.</p>",
          [F(60, "USD", "one_time", "extra")], "airport-pickup-separate"),
    _case("<p>An optional weekend safari to Chitwan costs $180.</p>",
          [F(180, "USD", "one_time", "extra")], "weekend-safari"),
    _case("<p>Outreach days cost $5–$15 per day depending on the distance.</p>",
          [F(5, "USD", "per_day", "extra", amount_max=15)], "outreach-range-per-day"),
    _case("<ul><li>Outreach day: $5–$15</li></ul>",
          [F(5, "USD", "per_day", "extra", amount_max=15)], "outreach-day-label"),
    _case("<p>Rural outreach trips are $25 per trip.</p>",
          [F(25, "USD", "per_day", "extra")], "outreach-per-trip"),
    _case("<p>Extra nights at the guesthouse are $25 per night.</p>",
          [F(25, "USD", "per_day", "extra")], "extra-nights"),
    _case("<p>Nepali language lessons can be added for $90 per week.</p>",
          [F(90, "USD", "per_week", "extra")], "language-lessons-weekly"),
    _case("<h2>Not included</h2><ul><li>Airport transfer: $50</li><li>Weekend excursions from $80</li></ul>",
          [F(50, "USD", "one_time", "extra"), F(80, "USD", "one_time", "extra")], "not-included-list"),
    # --- fixed programme fee on top of a weekly rate
    _case("<p>The weekly rate is $320, plus a one-off programme fee of $450.</p>",
          [F(320, "USD", "per_week", "program"), F(450, "USD", "one_time", "program")], "fixed-fee-plus-weekly"),
    _case("<p>Accommodation costs $210 per week. On top of this there is a programme fee of $390.</p>",
          [F(210, "USD", "per_week", "program"), F(390, "USD", "one_time", "program")],
          "fixed-fee-on-top-next-sentence"),
    # --- a price shown twice is one entry
    _case("<p>Two weeks from £1,645.</p><table><tr><td>2 weeks</td><td>£1,645</td></tr>"
          "<tr><td>3 weeks</td><td>£1,890</td></tr></table>",
          [F(1645, "GBP", "total", "program", 2), F(1890, "GBP", "total", "program", 3)], "headline-and-table"),
    _case("<p>Prices from £1,645.</p><table><tr><td>2 weeks</td><td>£1,645</td></tr>"
          "<tr><td>4 weeks</td><td>£2,135</td></tr></table>",
          [F(1645, "GBP", "total", "program", 2), F(2135, "GBP", "total", "program", 4)], "from-headline-and-table"),
    _case("<form><select><option>2 weeks – $1,300</option><option>4 weeks – $2,100</option></select></form>"
          "<p>Your total: $2,100</p>",
          [F(1300, "USD", "total", "program", 2), F(2100, "USD", "total", "program", 4)], "dropdown-and-readout"),
    # --- currencies from the page's context
    _case("<p>All prices are in Australian dollars.</p><p>The fee is $3,200 for 4 weeks.</p>",
          [F(3200, "AUD", "total", "program", 4)], "stated-aud"),
    _case("<p>The fee is $2,900 for 2 weeks.</p>",
          [F(2900, "AUD", "total", "program", 2)], "com-au-host",
          url="https://www.electives.com.au/programs/nursing-kathmandu.html"),
    _case("<p>The 2-week programme costs R 18 500.</p>",
          [F(18500, "ZAR", "total", "program", 2)], "rand-south-africa",
          country="ZA", title="Nursing Elective in Durban"),
    _case("<p>Programme fee: ₹1,40,000 for 8 weeks.</p>",
          [F(140000, "INR", "total", "program", 8)], "lakh-india",
          country="IN", title="Nursing Elective in Pune"),
    _case("<p>The fee is Rs. 95,000 for 4 weeks.</p>",
          [F(95000, "LKR", "total", "program", 4)], "rs-sri-lanka",
          country="LK", title="Nursing Elective in Kandy"),
    _case("<p>The fee is Rs. 95,000 for 4 weeks.</p>",
          [F(95000, "INR", "total", "program", 4)], "rs-india",
          country="IN", title="Nursing Elective in Pune"),
    _case("<p>Local students pay KSh 45,000 per month.</p>",
          [F(45000, "KES", "per_month", "program")], "ksh-kenya",
          country="KE", title="Nursing Elective in Kisumu"),
    # --- more phrasings seen on provider pages
    _case("<p>Programme fee: $1,200 (2 weeks), $2,000 (4 weeks).</p>",
          [F(1200, "USD", "total", "program", 2), F(2000, "USD", "total", "program", 4)], "weeks-in-parentheses"),
    _case("<p>2 weeks £1,645 · 3 weeks £1,890 · 4 weeks £2,135</p>",
          [F(1645, "GBP", "total", "program", 2), F(1890, "GBP", "total", "program", 3),
           F(2135, "GBP", "total", "program", 4)], "inline-tiers"),
    _case("<p>Total cost for 6 weeks: $2,940</p>",
          [F(2940, "USD", "total", "program", 6)], "total-cost-for-weeks"),
    _case("<p>Fee: USD 2,400 / 4 weeks</p>",
          [F(2400, "USD", "total", "program", 4)], "slash-n-weeks"),
    _case("<p>From $280 pw, accommodation included.</p>",
          [F(280, "USD", "per_week", "program")], "from-pw"),
    _case("<ul><li>Price per month: $1,100</li></ul>",
          [F(1100, "USD", "per_month", "program")], "price-per-month-label"),
    _case("<table><tr><th>Duration</th><th>2 weeks</th><th>4 weeks</th><th>8 weeks</th></tr>"
          "<tr><td>Price</td><td>€990</td><td>€1,690</td><td>€2,990</td></tr></table>",
          [F(990, "EUR", "total", "program", 2), F(1690, "EUR", "total", "program", 4),
           F(2990, "EUR", "total", "program", 8)], "transposed-weeks-in-header"),
    _case("<form><select><option>1 month - $1,500</option><option>2 months - $2,700</option></select></form>",
          [F(1500, "USD", "total", "program", 4.33), F(2700, "USD", "total", "program", 8.67)], "month-options"),
    _case("<h2>Additional costs</h2><ul><li>Booking fee: £75</li><li>Single room supplement: £20 per week</li></ul>",
          [F(75, "GBP", "one_time", "registration"), F(20, "GBP", "per_week", "extra")],
          "additional-costs-section"),
    _case("<dl><dt>Application fee</dt><dd>£50</dd></dl>",
          [F(50, "GBP", "one_time", "registration")], "dl-application-fee"),
    _case("<p>Optional medical outreach camp: US$120 per trip.</p>",
          [F(120, "USD", "per_day", "extra")], "outreach-camp-per-trip"),
    _case("<p>Airport pick-up is included; a return drop-off costs $30.</p>",
          [F(30, "USD", "one_time", "extra")], "drop-off-extra"),
    _case("<p>We ask each intern to bring a $100 donation for the ward.</p>",
          [F(100, "USD", "one_time", "donation")], "bring-a-donation"),
    _case("<p>A donation of $100 per week goes to the host dispensary on top of your fee.</p>",
          [F(100, "USD", "per_week", "donation")], "weekly-donation"),
    _case("<p>The programme costs $1,950 for 4 weeks, which includes a $200 donation to the clinic.</p>",
          [F(1950, "USD", "total", "program", 4)], "donation-inside-the-price"),
    # --- MUST NOT: no fee entries
    _case(INTRO + "<p>Prices vary by hospital, so contact us for a quote.</p>", [], "contact-for-quote"),
    _case("<p>Book two placements together and save £150.</p>", [], "save-amount"),
    _case("<p>Groups of four or more save 10% on the programme fee.</p>", [], "save-percent"),
    _case("<p>The 2-week placement costs £1,645. Returning volunteers get £100 off.</p>",
          [F(1645, "GBP", "total", "program", 2)], "amount-off"),
    _case("<p>\u201cI paid about $900 for three weeks and it was worth every penny,\u201d says Anna, "
          "a nursing student from Leeds.</p>", [], "what-a-volunteer-paid"),
    _case("<p>Tom, who joined us last spring, says his month in Pokhara cost him under $1,500 all in.</p>",
          [], "what-a-volunteer-paid-reported"),
    _case("<p>For every participant we pay the hospital $40 per week towards supplies.</p>", [],
          "provider-pays-host"),
    _case("<p>The daily rate is €38.</p><p>€4 of every daily rate goes to the clinic.</p>",
          [F(38, "EUR", "per_day", "program")], "share-of-daily-rate"),
    _case("<p>The weekly fee is $300, and $40 of your weekly fee is passed on to the health post.</p>",
          [F(300, "USD", "per_week", "program")], "share-of-weekly-fee"),
    _case("<p>The tourist visa costs about $50 and is paid at the airport on arrival.</p>", [], "visa-cost"),
    _case("<p>You pay the embassy $40 for the visa yourself.</p>", [], "visa-paid-to-embassy"),
    _case("<p>Travel insurance (around £60 for a month) must be bought separately.</p>", [], "insurance-cost"),
    _case("<p>Return flights from London usually cost £700–£900.</p>", [], "flights-cost"),
    _case("<p>You must register with the Nepal Nursing Council, which charges its own small fee.</p>", [],
          "council-registration-no-amount"),
    _case("<p>Last year our volunteers raised $12,000 for the children's ward.</p>", [], "fundraising"),
    _case("<p>Two scholarships worth £500 are awarded each year.</p>", [], "scholarship"),
    _case("<p>A staff nurse at the hospital earns around NPR 30,000 a month.</p>", [], "local-salary"),
    _case(INTRO + "<aside class=\"related-programs\"><p><a href=\"/programs/midwifery-ghana.html\">"
          "Midwifery in Ghana</a> from $1,400</p></aside>", [], "other-program-in-sidebar"),
    _case("<p>Flights are not included (budget around $900 from Europe).</p>", [], "flight-budget"),
    _case("<p>Refer a friend and get a $50 voucher.</p>", [], "voucher"),
    _case("<p>The hospital receives $25 per intern per week from us.</p>", [], "host-receives-from-provider"),
    _case("<p>Our fee of $1,950 for 4 weeks compares with $3,000 at other agencies.</p>",
          [F(1950, "USD", "total", "program", 4)], "competitor-price"),
    _case("<p>The 3-week placement costs $1,600.</p><p>You may also like our physiotherapy placement in "
          "Pokhara, from $1,150.</p>",
          [F(1600, "USD", "total", "program", 3)], "other-program-in-prose"),
    _case(INTRO + "<div class=\"reviews\"><p>Worth every cent of the $2,000 I spent.</p></div>", [],
          "price-in-reviews-block"),
    _case(INTRO, [], "no-price-at-all"),
]


@pytest.mark.parametrize(("body", "expected", "country", "url", "title"), FEE_CASES)
def test_extract_fees(body: str, expected: list[Fee], country: str | None, url: str, title: str) -> None:
    assert _fees(body, country, url, title) == Counter(expected)


def test_fee_entries_carry_evidence() -> None:
    html = f"<html><body><main><h1>{TITLE}</h1><p>The programme fee is £1,645 for 2 weeks.</p></main></body></html>"
    page = parse_html(html, URL)
    (fee,) = extract_fees(page, context_for(page.text, "NP", page.host))
    assert "£1,645" in fee["evidence"]
