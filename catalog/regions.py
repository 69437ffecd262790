"""Countries to the regions analysts ask about ("East Africa", "South-East Asia", "Latin America").

The regions are the UN M49 sub-regions (the geoscheme the UN statistics division
publishes), plus their continents, so "Eastern Africa" and "Africa" both work as
filters. Common spellings ("East Africa", "Southeast Asia", "Central America")
resolve to the same sub-region. Stored per program in `programs.region` when the
catalog writes it, so the filter is an indexed equality, not a lookup per row.
"""

from __future__ import annotations

import re

__all__ = ["CONTINENTS", "SUBREGIONS", "continent_of", "match_region", "region_of"]

# M49 sub-region -> ISO 3166-1 alpha-2 codes. Latin America's intermediate regions
# (Caribbean, Central America, South America) are used because analysts name them.
SUBREGIONS: dict[str, tuple[str, ...]] = {
    "Eastern Africa": ("BI", "KM", "DJ", "ER", "ET", "KE", "MG", "MW", "MU", "YT", "MZ", "RE", "RW", "SC",
                       "SO", "SS", "UG", "TZ", "ZM", "ZW", "IO", "TF"),
    "Middle Africa": ("AO", "CM", "CF", "TD", "CG", "CD", "GQ", "GA", "ST"),
    "Northern Africa": ("DZ", "EG", "LY", "MA", "SD", "TN", "EH"),
    "Southern Africa": ("BW", "SZ", "LS", "NA", "ZA"),
    "Western Africa": ("BJ", "BF", "CV", "CI", "GM", "GH", "GN", "GW", "LR", "ML", "MR", "NE", "NG", "SH",
                       "SN", "SL", "TG"),
    "Caribbean": ("AI", "AG", "AW", "BS", "BB", "BQ", "VG", "KY", "CU", "CW", "DM", "DO", "GD", "GP", "HT",
                  "JM", "MQ", "MS", "PR", "BL", "KN", "LC", "MF", "VC", "SX", "TT", "TC", "VI"),
    "Central America": ("BZ", "CR", "SV", "GT", "HN", "MX", "NI", "PA"),
    "South America": ("AR", "BO", "BR", "CL", "CO", "EC", "FK", "GF", "GY", "PY", "PE", "SR", "UY", "VE"),
    "Northern America": ("BM", "CA", "GL", "PM", "US"),
    "Central Asia": ("KZ", "KG", "TJ", "TM", "UZ"),
    "Eastern Asia": ("CN", "HK", "MO", "KP", "JP", "MN", "KR", "TW"),
    "South-eastern Asia": ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN"),
    "Southern Asia": ("AF", "BD", "BT", "IN", "IR", "MV", "NP", "PK", "LK"),
    "Western Asia": ("AM", "AZ", "BH", "CY", "GE", "IQ", "IL", "JO", "KW", "LB", "OM", "QA", "SA", "PS", "SY",
                     "TR", "AE", "YE"),
    "Eastern Europe": ("BY", "BG", "CZ", "HU", "PL", "MD", "RO", "RU", "SK", "UA"),
    "Northern Europe": ("AX", "DK", "EE", "FO", "FI", "GG", "IS", "IE", "IM", "JE", "LV", "LT", "NO", "SJ",
                        "SE", "GB"),
    "Southern Europe": ("AL", "AD", "BA", "HR", "GI", "GR", "VA", "IT", "MT", "ME", "MK", "PT", "SM", "RS",
                        "SI", "ES", "XK"),
    "Western Europe": ("AT", "BE", "FR", "DE", "LI", "LU", "MC", "NL", "CH"),
    "Australia and New Zealand": ("AU", "CX", "CC", "HM", "NZ", "NF"),
    "Melanesia": ("FJ", "NC", "PG", "SB", "VU"),
    "Micronesia": ("GU", "KI", "MH", "FM", "NR", "MP", "PW", "UM"),
    "Polynesia": ("AS", "CK", "PF", "NU", "PN", "WS", "TK", "TO", "TV", "WF"),
}

CONTINENTS: dict[str, tuple[str, ...]] = {
    "Africa": ("Eastern Africa", "Middle Africa", "Northern Africa", "Southern Africa", "Western Africa"),
    "Americas": ("Caribbean", "Central America", "South America", "Northern America"),
    "Asia": ("Central Asia", "Eastern Asia", "South-eastern Asia", "Southern Asia", "Western Asia"),
    "Europe": ("Eastern Europe", "Northern Europe", "Southern Europe", "Western Europe"),
    "Oceania": ("Australia and New Zealand", "Melanesia", "Micronesia", "Polynesia"),
}
# Names analysts use for groups the geoscheme spells differently or does not have.
_ALIASES: dict[str, tuple[str, ...]] = {
    "latin america": ("Caribbean", "Central America", "South America"),
    "sub-saharan africa": ("Eastern Africa", "Middle Africa", "Southern Africa", "Western Africa"),
    "central africa": ("Middle Africa",),
    "south asia": ("Southern Asia",),
    "southeast asia": ("South-eastern Asia",),
    "middle east": ("Western Asia",),
    "north america": ("Northern America",),
    "pacific": ("Melanesia", "Micronesia", "Polynesia"),
}

_BY_COUNTRY: dict[str, str] = {code: region for region, codes in SUBREGIONS.items() for code in codes}
_CONTINENT_OF: dict[str, str] = {sub: cont for cont, subs in CONTINENTS.items() for sub in subs}


def region_of(country: str | None) -> str | None:
    """The M49 sub-region of an ISO alpha-2 code, or None for an unknown or missing code."""
    return _BY_COUNTRY.get(country.upper()) if country else None


def continent_of(region: str | None) -> str | None:
    return _CONTINENT_OF.get(region) if region else None


def _key(name: str) -> str:
    # "East Africa", "eastern africa", "South-East Asia", "south eastern asia" -> one spelling.
    words = re.sub(r"[^a-z]+", " ", name.lower()).split()
    joined = " ".join("eastern" if w == "east" else "western" if w == "west" else
                      "northern" if w == "north" else "southern" if w == "south" else w for w in words)
    return joined.replace("southern eastern", "south eastern").replace("southeastern", "south eastern")


_LOOKUP: dict[str, tuple[str, ...]] = {
    **{_key(sub): (sub,) for sub in SUBREGIONS},
    **{_key(cont): subs for cont, subs in CONTINENTS.items()},
    **{_key(alias): subs for alias, subs in _ALIASES.items()},
    _key("America"): CONTINENTS["Americas"],
}


def match_region(name: str) -> tuple[str, ...]:
    """The sub-regions a user-typed region name stands for; () when it names none."""
    return _LOOKUP.get(_key(name), ())
