"""The program record: what internscope knows about one program page.

Field names, types and vocabularies follow the labelling guide of the corpus
(LABELS.md); every extracted value carries the evidence snippet it came from.
`SCHEMA_VERSION` changes whenever a field is added, removed or re-typed, so a
catalog can tell records of different extractor generations apart.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 2  # 2: discipline

Basis = Literal["total", "per_week", "per_month", "per_day", "one_time"]
FeeKind = Literal["program", "registration", "deposit", "donation", "extra"]
Participation = Literal["observation", "hands_on", "mixed"]
StartDates = Literal["flexible", "fixed"]
Discipline = Literal[
    "midwifery", "nursing", "dentistry", "physiotherapy", "occupational_therapy", "speech_therapy", "pharmacy",
    "public_health", "mental_health", "emergency_care", "laboratory", "radiography", "optometry", "veterinary",
    "medicine",
]
Severity = Literal["low", "medium", "high"]

VOCABULARY: tuple[str, ...] = (
    "accommodation", "meals", "airport_transfer", "insurance", "orientation", "supervision",
    "local_transport", "language_lessons", "visa_support", "excursions", "certificate", "flights",
    "visa_fees", "vaccinations", "personal_expenses", "internet", "laundry",
)
FLAG_CODES: tuple[str, ...] = (
    "vague_role", "beyond_training", "no_supervision", "fees_undisclosed", "no_legal_info",
    "no_safety_info", "no_community_benefit",
)
# How much each red flag should worry a student; the guidance the project follows
# ranks unsafe clinical work and invisible supervision above missing paperwork.
FLAG_SEVERITY: dict[str, Severity] = {
    "beyond_training": "high",
    "no_supervision": "high",
    "vague_role": "medium",
    "fees_undisclosed": "medium",
    "no_legal_info": "medium",
    "no_safety_info": "medium",
    "no_community_benefit": "low",
}

Vocab = Literal[
    "accommodation", "meals", "airport_transfer", "insurance", "orientation", "supervision",
    "local_transport", "language_lessons", "visa_support", "excursions", "certificate", "flights",
    "visa_fees", "vaccinations", "personal_expenses", "internet", "laundry",
]
FlagCode = Literal[
    "vague_role", "beyond_training", "no_supervision", "fees_undisclosed", "no_legal_info",
    "no_safety_info", "no_community_benefit",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Fee(_Strict):
    amount: float = Field(ge=0)
    amount_max: float | None = Field(default=None, ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    basis: Basis
    kind: FeeKind
    weeks: float | None = Field(default=None, gt=0)
    evidence: str = Field(min_length=1)

    @model_validator(mode="after")
    def _range_ordered(self) -> Fee:
        if self.amount_max is not None and self.amount_max < self.amount:
            raise ValueError(f"amount_max {self.amount_max} < amount {self.amount}")
        return self


class Duration(_Strict):
    min_weeks: float | None = Field(default=None, gt=0)
    max_weeks: float | None = Field(default=None, gt=0)
    evidence: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Duration:
        if self.min_weeks is None and self.max_weeks is None:
            raise ValueError("a duration needs min_weeks or max_weeks")
        if self.min_weeks is not None and self.max_weeks is not None and self.max_weeks < self.min_weeks:
            raise ValueError(f"max_weeks {self.max_weeks} < min_weeks {self.min_weeks}")
        return self


class Supervision(_Strict):
    claimed: bool
    licensed: bool
    evidence: str | None = None

    @model_validator(mode="after")
    def _licensed_needs_claim(self) -> Supervision:
        if self.licensed and not self.claimed:
            raise ValueError("supervision cannot be licensed when it is not claimed")
        return self


class Flag(_Strict):
    code: FlagCode
    severity: Severity
    evidence: str = Field(min_length=1)


class ProgramRecord(_Strict):
    """One program page, as extracted. `evidence` maps other field names to snippets."""

    schema_version: int = SCHEMA_VERSION
    url: str = Field(pattern=r"^https?://")
    provider: str | None = None
    title: str = Field(min_length=1)
    discipline: Discipline | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    cities: list[str] = Field(default_factory=list)
    fees: list[Fee] = Field(default_factory=list)
    includes: list[Vocab] = Field(default_factory=list)
    excludes: list[Vocab] = Field(default_factory=list)
    duration: Duration | None = None
    start_dates: StartDates | None = None
    supervision: Supervision
    participation: Participation | None = None
    experience_required: bool | None = None
    min_age: int | None = Field(default=None, ge=10, le=99)
    legal_info: bool
    safety_info: bool
    community_benefit: bool
    flags: list[Flag] = Field(default_factory=list)
    evidence: dict[str, str] = Field(default_factory=dict)

    @field_validator("includes", "excludes")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(v))
