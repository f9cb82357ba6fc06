"""Data types of the eligibility engine: decisions, amounts, reasons, results and fact specs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Decision(StrEnum):
    """What the engine tells a family about one programme."""

    ELIGIBLE = "eligible"
    ALTERNATIVE = "alternative"  # eligible, but the family must choose between this and another
    MAYBE = "maybe"  # decided locally: the family should ask
    NOT_ELIGIBLE = "not_eligible"
    NEED_INFO = "need_info"
    RECEIVING = "receiving"  # the household gets it already: told so, not to apply again


# The decisions worth texting about, in the order the family reads them.
DECISIONS_THAT_MATTER = (Decision.ELIGIBLE, Decision.ALTERNATIVE, Decision.MAYBE)


class InvalidFact(ValueError):
    """A household fact (or the region or date) has a value the engine cannot use."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class FactSpec:
    """What a fact may hold. `values` lists enum and yes/no answers in menu order."""

    path: str
    type: str  # "int" | "money" | "bool" | "enum"
    values: tuple[Any, ...] = ()
    min: int | None = None
    max: int | None = None
    default: bool | None = None  # assumed when the family has not said; such facts are never asked


@dataclass(frozen=True)
class Amount:
    """A benefit in whole yuan per month, year or school day, for the child, each person or all."""

    yuan: int
    per: str  # "month" | "year" | "school_day"
    basis: str = "child"  # "child" | "person" | "household"
    # Where the figure comes from, so a text can say how current it is (not part of equality):
    since: date | None = field(default=None, compare=False)  # in force since
    floor: bool = field(default=False, compare=False)  # a national minimum, not the local rate


@dataclass(frozen=True)
class Reason:
    """Why a programme was decided so: the key of a text in its programme file, and the facts."""

    programme: str
    code: str
    facts: Mapping[str, Any]  # fact path -> the household's value (None when still missing)
    values: Mapping[str, Any]  # figures quoted in the text, such as income and line


@dataclass(frozen=True)
class ProgrammeResult:
    """One programme's decision for a household."""

    id: str
    decision: Decision
    reasons: tuple[Reason, ...]
    missing: tuple[str, ...]  # facts still needed, for need_info
    amount: Amount | None


@dataclass(frozen=True)
class Result:
    """Every programme's decision for one household, with the trace of rules and parameters used."""

    region: str
    date: date
    programmes: tuple[ProgrammeResult, ...]
    trace: tuple[Mapping[str, Any], ...]

    def programme(self, programme_id: str) -> ProgrammeResult:
        for result in self.programmes:
            if result.id == programme_id:
                return result
        raise KeyError(programme_id)

    @property
    def decisions(self) -> dict[str, Decision]:
        return {result.id: result.decision for result in self.programmes}


@dataclass(frozen=True)
class ProgrammeInfo:
    """Short SMS texts about a programme, in one language."""

    id: str
    name: str
    what: str  # who it is for and what it gives
    how_to_apply: str
    documents: str
    processing_time: str


@dataclass(frozen=True)
class Household:
    """A validated household: where and when to screen, and the facts known so far (by path)."""

    region: str
    date: date
    facts: Mapping[str, Any]
    unknown: frozenset[str] = frozenset()  # facts the family said it does not know: never re-asked
