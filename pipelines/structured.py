"""What a page's structured data (JSON-LD, read by extruct in pipelines.page) says about the program.

Visible text is what a student reads, so it stays the source of every field; structured data is a second
witness. Its offer (price and currency) is compared with the fees read from the text: agreement is noted as
a signal, disagreement is recorded so an analyst can see which of the two the provider left stale.
"""

from __future__ import annotations

from typing import Any

from pipelines.page import Page

_OFFER_TYPES = {"Product", "Course", "Event", "Service", "Offer", "TouristTrip", "EducationalOccupationalProgram"}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def structured_offers(page: Page) -> list[tuple[float, str]]:
    """(price, currency) pairs from the JSON-LD offers of program-like items."""
    out: list[tuple[float, str]] = []
    for item in page.jsonld:
        types = {t for t in _as_list(item.get("@type")) if isinstance(t, str)}
        if not types & _OFFER_TYPES:
            continue
        offers = _as_list(item.get("offers")) + ([item] if "Offer" in types else [])
        for offer in offers:
            if not isinstance(offer, dict):
                continue
            for source in [offer, *[s for s in _as_list(offer.get("priceSpecification")) if isinstance(s, dict)]]:
                price, currency = source.get("price", source.get("lowPrice")), source.get("priceCurrency")
                try:
                    value = float(str(price).replace(",", ""))
                except (TypeError, ValueError):
                    continue
                if isinstance(currency, str) and len(currency) == 3:
                    pair = (value, currency.upper())
                    if pair not in out:
                        out.append(pair)
    return out


def compare_offers(page: Page, fees: list[dict]) -> str | None:
    """A one-line verdict on structured offers against the fees read from the text, or None without offers."""
    offers = structured_offers(page)
    if not offers:
        return None
    seen = {(float(f["amount"]), f["currency"]) for f in fees}
    agree = [o for o in offers if o in seen]
    if len(agree) == len(offers):
        return "structured data agrees: " + ", ".join(f"{a:g} {c}" for a, c in agree) + " also stated in the text"
    missing = [o for o in offers if o not in seen]
    return ("structured data disagrees: offer " + ", ".join(f"{a:g} {c}" for a, c in missing)
            + " is not among the prices stated in the text")
