"""What to ask a family next, the SMS question that asks it, and reading the reply.

A question asks one fact, or a group of facts in one SMS (facts.yml `groups`): the school and
whether the child boards, illness and disability, the family's situation (aid it gets, hukou,
savings, a recent crisis), income and household size. Its id is the fact path, or "group:"
and the group's name.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from . import data
from .facts import fact_paths, fact_spec, mark_unknown, menu, read_household, set_fact
from .model import Decision, InvalidFact
from .screening import screen
from .text import language

GROUP = "group:"
# "2000元4口", "1500 yuan 3 people": a count names the household's size, the rest is income.
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(口人|口|个人|人|people|persons?|ppl)?", re.IGNORECASE)
_NUMBERS = re.compile(r"\d+")
_NONE = {"0", "没有", "都没有", "都不是", "无", "none", "no", "nothing"}


def next_question(household: dict[str, Any]) -> str | None:
    """The fact that the most undecided programmes still need, or None when all are decided.

    Only facts some decision needs are candidates, so nothing is asked for its own sake, and a
    fact the family said it does not know is never asked again; ties go to the order of
    facts.yml, the order a conversation runs best in.
    """
    unknown = read_household(household).unknown
    result = screen(household)
    needed = Counter(
        fact for programme in result.programmes for fact in programme.missing if fact not in unknown
    )
    if not needed:
        return None
    order = fact_paths()
    return min(needed, key=lambda fact: (-needed[fact], order.index(fact)))


def next_ask(household: dict[str, Any]) -> str | None:
    """The next question's id: the needed fact's group while two or more of its facts are
    still open (one SMS answers them all), else the fact; None when nothing is left to ask."""
    fact = next_question(household)
    if fact is None:
        return None
    for name, group in data.facts()["groups"].items():
        if fact in group["facts"] and len(open_facts(household, name)) >= 2:
            return GROUP + name
    return fact


def living_support_decided(household: dict[str, Any]) -> bool:
    """Whether every programme a family lives on each month (`living_support: true` in its
    file: dibao, 特困, the orphan and unsupported-child allowances) is decided; what is left
    to ask then only settles the rest (school, health, a crisis)."""
    return not any(
        programme.decision is Decision.NEED_INFO
        for programme in screen(household).programmes
        if data.programmes()[programme.id].get("living_support")
    )


def likely_now(household: dict[str, Any]) -> bool:
    """Only details remain: the living support is decided, yet two questions or more may
    still come (the next one, and another after it unless its answer settles all); the family
    may see the likely result first."""
    if not living_support_decided(household):
        return False
    ask = next_ask(household)
    return ask is not None and next_ask(dont_know(household, ask)) is not None


def open_facts(household: dict[str, Any], group: str) -> list[str]:
    """The group's facts the family has neither told nor said it does not know."""
    return _still_open(household, data.facts()["groups"][group]["facts"])


def _still_open(household: dict[str, Any], facts: Any) -> list[str]:
    known = read_household(household)
    return [fact for fact in facts if fact not in known.facts and fact not in known.unknown]


def asks_for(ask: str) -> tuple[str, ...]:
    """The facts a question asks."""
    if ask.startswith(GROUP):
        return tuple(data.facts()["groups"][ask.removeprefix(GROUP)]["facts"])
    fact_spec(ask)
    return (ask,)


def question(ask: str, lang: str, household: dict[str, Any] | None = None) -> str:
    """The SMS question, with numbered choices when the answer is one of a list. Given the
    household, a group's choices about facts the family already told are left out (the others
    keep their numbers, so "2" means the same whatever was shown)."""
    language(lang)
    frame = data.texts()["questions"]
    template = frame["menu"][lang]
    if ask.startswith(GROUP):
        group = data.facts()["groups"][ask.removeprefix(GROUP)]
        if group.get("pick") == "many":
            template = frame["menu_many"][lang]
        still_open = set(open_facts(household, ask.removeprefix(GROUP))) if household else None
        options = [
            (number, option[lang])
            for number, option in enumerate(group.get("options", []), 1)
            if still_open is None or still_open & set(option["set"])
        ]
        if "none" in group:
            options.append((0, group["none"][lang]))
        asked = group["question"][lang]
    else:
        spec = fact_spec(ask)
        asked = data.facts()["facts"][ask]["question"][lang]
        if spec.type not in ("enum", "bool"):
            return asked
        options = [(number, choice[lang]) for number, choice in enumerate(menu(ask), 1)]
    if not options:
        return asked
    choices = frame["choice_separator"][lang].join(
        frame["choice"][lang].format(n=number, label=label) for number, label in options
    )
    return template.format(question=asked, choices=choices)


def set_answer(household: dict[str, Any], ask: str, reply: str) -> dict[str, Any]:
    """The household with the reply to the question read into it; InvalidFact when the reply
    is no answer. Replies are SMS text with numbers as digits ("1 3", "2000元4口", "是")."""
    if not ask.startswith(GROUP):
        return set_fact(household, ask, reply)
    name = ask.removeprefix(GROUP)
    group = data.facts()["groups"][name]
    if "options" not in group:
        return _income_and_size(household, reply)
    picks = _picks(ask, reply, len(group["options"]), many=group.get("pick") == "many")
    values: dict[str, Any] = {}
    for pick in picks:
        for fact, value in group["options"][pick - 1]["set"].items():
            if fact == "child.disability" and values.get(fact) not in (None, value):
                value = "multiple"
            values[fact] = value
    for fact, value in group.get("otherwise", {}).items():
        values.setdefault(fact, value)
    updated = household
    for fact in open_facts(household, name):
        if fact in values:
            updated = set_fact(updated, fact, values[fact])
    return updated


def _picks(ask: str, reply: str, options: int, many: bool) -> list[int]:
    """The option numbers a reply picks: one number ("4"), or with `many` several ("1 3", "13":
    options are single digits), or none ("0", "都没有"). "300" or "3 0" pick nothing."""
    plain = reply.strip().lower()
    if plain in _NONE:
        return []
    numbers = _NUMBERS.findall(plain)
    if not numbers or (not many and len(numbers) != 1):
        raise InvalidFact(ask, f"expected option numbers, not {reply!r}")
    picks = [int(digit) for number in numbers for digit in number] if many else [int(numbers[0])]
    if picks == [0] and many:
        return []
    if any(not 1 <= pick <= options for pick in picks):
        raise InvalidFact(ask, f"no such option in {reply!r}")
    return picks


def _income_and_size(household: dict[str, Any], reply: str) -> dict[str, Any]:
    size, income = None, None
    for number, count in _AMOUNT.findall(reply):
        if count and size is None:
            size = Decimal(number)
        elif income is None:
            income = Decimal(number)
        elif size is None:
            size = Decimal(number)
    if income is not None and size is not None and size > income:
        income, size = size, income
    known_size = read_household(household).facts.get("household.size")
    size = size if size is not None else known_size
    if income is None or not size:
        raise InvalidFact("group:money", f"expected income and household size, not {reply!r}")
    updated = set_fact(household, "household.size", size)
    per_person = (income / Decimal(size)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return set_fact(updated, "household.monthly_income_per_capita", per_person)


def dont_know(household: dict[str, Any], ask: str) -> dict[str, Any]:
    """The family does not know: every fact the question asks that is still open is unknown."""
    for fact in _still_open(household, asks_for(ask)):
        household = mark_unknown(household, fact)
    return household


def noted(fact: str, value: Any, lang: str) -> str:
    """A fact as read back to the family: "爸爸服刑", "child aged 7"."""
    language(lang)
    spec = data.facts()["facts"][fact]
    shown = value
    if fact_spec(fact).type in ("enum", "bool"):
        shown = next(choice[lang] for choice in menu(fact) if choice["value"] == value)
    template = spec.get("noted", {}).get(lang)
    if template:
        return template.format(value=shown)
    return data.texts()["questions"]["noted"][lang].format(label=spec["label"][lang], value=shown)
