"""Which fact to ask a family next, and the SMS question that asks it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from . import data
from .facts import fact_paths, fact_spec, menu, read_household
from .screening import screen
from .text import language


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


def question(fact: str, lang: str) -> str:
    """The SMS question for a fact, with numbered choices when the answer is one of a list."""
    language(lang)
    spec = fact_spec(fact)
    asked = data.facts()["facts"][fact]["question"][lang]
    if spec.type not in ("enum", "bool"):
        return asked
    frame = data.texts()["questions"]
    choices = frame["choice_separator"][lang].join(
        frame["choice"][lang].format(n=number, label=choice[lang])
        for number, choice in enumerate(menu(fact), start=1)
    )
    return frame["menu"][lang].format(question=asked, choices=choices)
