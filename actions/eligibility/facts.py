"""Household facts: their specs, validation of values (typed or SMS replies), reading households."""

from __future__ import annotations

import copy
import re
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from . import data
from .model import FactSpec, Household, InvalidFact
from .regions import REGION_CODE

GROUPS = ("child", "father", "mother", "household")
MAX_MONEY = 1_000_000  # yuan per person per month: anything above is a typo

# A number with any words around it: "7", "7岁", "约500元", "1,500 yuan".
_NUMBER = re.compile(r"\D*?(-?\d[\d,]*(?:\.\d+)?)\D*")


def fact_paths() -> tuple[str, ...]:
    """Every fact, in the order the bot prefers to ask them."""
    return tuple(data.facts()["facts"])


@cache
def fact_spec(path: str) -> FactSpec:
    """The spec of a fact path such as "father.status"; InvalidFact if there is no such fact."""
    spec = data.facts()["facts"].get(path)
    if spec is None:
        raise InvalidFact(path, "unknown fact")
    kind = spec["type"]
    values: tuple[Any, ...] = ()
    if kind == "enum":
        values = tuple(choice["value"] for choice in data.facts()["menus"][spec["menu"]])
    elif kind == "bool":
        values = (True, False)
    return FactSpec(path, kind, values, spec.get("min"), spec.get("max"), spec.get("default"))


def menu(path: str) -> list[dict[str, Any]]:
    """The answer choices of an enum or yes/no fact, in menu order, with their texts."""
    spec = data.facts()["facts"][path]
    return data.facts()["menus"][spec.get("menu", "yes_no")]


def parse(path: str, value: Any) -> Any:
    """The value from a typed value or an SMS reply ("3", "是", "500元"), else InvalidFact."""
    spec = fact_spec(path)
    if spec.type in ("bool", "enum"):
        return _choice(spec, value)
    number = _number(path, value)
    whole = number == number.to_integral_value()
    if spec.type == "int" and not whole:
        raise InvalidFact(path, f"must be a whole number, not {value!r}")
    low = 0 if spec.min is None else spec.min
    high = MAX_MONEY if spec.max is None else spec.max
    if not low <= number <= high:
        raise InvalidFact(path, f"must be between {low} and {high}, not {value!r}")
    return int(number) if whole else number


def read_household(household: Any) -> Household:
    """Validate a household dict; a missing region means "CN", a missing date today."""
    if not isinstance(household, dict):
        raise InvalidFact("household", "must be an object of facts")
    for key in household:
        if key not in (*GROUPS, "region", "date", "unknown"):
            raise InvalidFact(str(key), "unknown field")
    facts = {}
    for group in GROUPS:
        given = household.get(group)
        if given is None:
            continue
        if not isinstance(given, dict):
            raise InvalidFact(group, "must be an object of facts")
        for name, value in given.items():
            path = f"{group}.{name}"
            fact_spec(path)  # unknown facts are typos: say so rather than ignore them
            if value is not None:
                facts[path] = parse(path, value)
    unknown = household.get("unknown") or []
    if not isinstance(unknown, list):
        raise InvalidFact("unknown", "must be a list of facts")
    for path in unknown:
        fact_spec(path)
    return Household(
        region=_region(household.get("region")),
        date=_date(household.get("date")),
        facts=facts,
        unknown=frozenset(unknown) - set(facts),
    )


def is_dont_know(reply: str) -> bool:
    """True when an SMS reply says the family does not know: "不知道", "不清楚", "not sure"."""
    plain = re.sub(r"[\s,.!?。，！？~、]+", " ", reply.lower()).strip()
    return plain in _dont_know_words()


@cache
def _dont_know_words() -> frozenset[str]:
    return frozenset(word.lower() for word in data.facts()["dont_know"])


def mark_unknown(household: dict[str, Any], fact: str) -> dict[str, Any]:
    """A copy of the household noting that the family does not know the fact: it is not asked
    again, and a programme that only it would decide becomes a "maybe, ask where you apply"."""
    fact_spec(fact)
    updated = copy.deepcopy(household)
    group, _, name = fact.partition(".")
    updated.get(group, {}).pop(name, None)
    if fact not in updated.setdefault("unknown", []):
        updated["unknown"].append(fact)
    return updated


def set_fact(household: dict[str, Any], fact: str, value: Any) -> dict[str, Any]:
    """A copy of the household with one fact (or "region", "date") validated and set: JSON data."""
    updated = copy.deepcopy(household)
    if fact == "region":
        updated["region"] = _region(value)
    elif fact == "date":
        updated["date"] = _date(value).isoformat()
    else:
        parsed = parse(fact, value)
        group, _, name = fact.partition(".")
        # Households travel as JSON (bot slots, web forms): fractional yuan stay exact as text.
        updated.setdefault(group, {})[name] = str(parsed) if isinstance(parsed, Decimal) else parsed
        if fact in updated.get("unknown", []):
            updated["unknown"] = [path for path in updated["unknown"] if path != fact]
    return updated


def _choice(spec: FactSpec, value: Any) -> Any:
    if spec.type == "bool" and isinstance(value, bool):
        return value
    if spec.type == "enum" and value in spec.values:
        return value
    if isinstance(value, str):
        reply = value.strip().lower()
        if reply.isdecimal() and 1 <= int(reply) <= len(spec.values):
            return spec.values[int(reply) - 1]
        for choice in menu(spec.path):
            words = {
                str(choice["value"]).lower(),
                *(str(word).lower() for word in choice.get("also", [])),
            }
            words |= {choice[lang].lower() for lang in data.LANGUAGES}
            if reply in words:
                return choice["value"]
    expected = ", ".join(str(value).lower() for value in spec.values)
    raise InvalidFact(spec.path, f"unknown value {value!r}; expected one of {expected}")


def _number(path: str, value: Any) -> Decimal:
    if isinstance(value, bool):
        raise InvalidFact(path, f"must be a number, not {value!r}")
    if isinstance(value, int | Decimal | float):
        # Bot slots hold floats: str() keeps the digits the family typed, not the binary fraction.
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            raise InvalidFact(path, f"must be a number, not {value!r}")
        return number
    match = _NUMBER.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise InvalidFact(path, f"must be a number, not {value!r}")
    return Decimal(match.group(1).replace(",", ""))


def _region(value: Any) -> str:
    if value is None:
        return data.NATIONAL
    if not isinstance(value, str) or not REGION_CODE.fullmatch(value):
        raise InvalidFact("region", f"must be a region code such as CN-51-demo, not {value!r}")
    return value


def _date(value: Any) -> date:
    if value is None:
        return date.today()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidFact("date", f"must be a date such as 2026-12-01, not {value!r}") from None
