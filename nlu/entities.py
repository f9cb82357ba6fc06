"""Entities of the helpline from everyday words: programmes, parents and what happened to them,
school, disability, hukou, place, and numbers read as an age or money.

Pure Python: an EntityIndex is built from the lookup tables and synonyms of the training data
(nlu/lookups/) and matched against the normalised message, so traditional characters and pinyin
find the same words as simplified Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .numbers import find_numbers
from .text import CJK, Normalised

# Entities read from numbers rather than words.
NUMBER_ENTITIES = {"age": "age", "money": "income", "count": "number", None: "number"}
# What a status says about: the nearest parent named before it in the same clause.
PARENT, PARENT_STATUS = "parent", "parent_status"
_CLAUSE_END = re.compile(rf"[,，。.!！?？;；、\n]|(?<=[{CJK}]) (?=[{CJK}])")
_IS_CJK = re.compile(f"[{CJK}]")


@dataclass(frozen=True)
class Surface:
    """A way families write an entity value: 低保, "low income support", 坐牢."""

    text: str  # normalised
    entity: str
    value: str


class EntityIndex:
    """Finds entity values in normalised text: longest words first, never overlapping."""

    def __init__(self, surfaces: Iterable[Surface], patterns: dict[str, list[str]]) -> None:
        unique = {(s.text, s.entity): s for s in surfaces if s.text.strip()}
        self.surfaces = sorted(unique.values(), key=lambda s: (-len(s.text), s.text))
        self.patterns = {
            entity: [re.compile(p) for p in found] for entity, found in patterns.items()
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "surfaces": [[s.text, s.entity, s.value] for s in self.surfaces],
            "patterns": {e: [p.pattern for p in found] for e, found in self.patterns.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EntityIndex:
        return cls((Surface(*row) for row in data["surfaces"]), data["patterns"])

    def find(self, normalised: Normalised) -> list[dict[str, Any]]:
        """Rasa-style entity dicts with start and end in the original message."""
        text = normalised.text
        taken: list[tuple[int, int]] = []
        found: list[tuple[int, int, str, Any]] = []
        for number in find_numbers(text):
            value = number.whole if number.whole is not None else str(number.value)
            found.append((number.start, number.end, NUMBER_ENTITIES[number.unit], value))
            taken.append((number.start, number.end))
        for start, end, surface in self._word_matches(text):
            if not _overlaps(taken, start, end):
                found.append((start, end, surface.entity, surface.value))
                taken.append((start, end))
        for entity, patterns in self.patterns.items():
            for pattern in patterns:
                for match in pattern.finditer(text):
                    group = 1 if pattern.groups else 0
                    start, end = match.span(group)
                    if end > start and not _overlaps(taken, start, end):
                        found.append((start, end, entity, match.group(group)))
                        taken.append((start, end))
        found.sort()
        entities = []
        for start, end, entity, value in found:
            orig_start, orig_end = normalised.span(start, end)
            entities.append(
                {"entity": entity, "start": orig_start, "end": orig_end, "value": value}
            )
        _give_parents_their_status(text, found, entities)
        return entities

    def _word_matches(self, text: str) -> Iterable[tuple[int, int, Surface]]:
        position = 0
        while position < len(text):
            match = self._longest_at(text, position)
            if match is None:
                position += 1
                continue
            yield position, position + len(match.text), match
            position += len(match.text)

    def _longest_at(self, text: str, position: int) -> Surface | None:
        # Latin words match whole words only; Chinese words match anywhere.
        for surface in self.surfaces:  # longest first
            if not text.startswith(surface.text, position):
                continue
            end = position + len(surface.text)
            if not _IS_CJK.match(surface.text[0]) and position and text[position - 1].isalnum():
                continue
            if not _IS_CJK.match(surface.text[-1]) and end < len(text) and text[end].isalnum():
                continue
            return surface
        return None


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in taken)


def _give_parents_their_status(
    text: str, found: list[tuple[int, int, str, Any]], entities: list[dict[str, Any]]
) -> None:
    """Each parent status gets the role of the parent named nearest before it in its clause."""
    clause_of = []
    clause = 0
    for index in range(len(text)):
        if _CLAUSE_END.match(text, index):
            clause += 1
        clause_of.append(clause)
    for index, (start, _, entity, _) in enumerate(found):
        if entity != PARENT_STATUS:
            continue
        same_clause = [
            other
            for other, (other_start, _, other_entity, _) in enumerate(found)
            if other_entity == PARENT and clause_of[other_start] == clause_of[start]
        ]
        before = [other for other in same_clause if found[other][0] < start]
        chosen = before[-1] if before else (same_clause[0] if same_clause else None)
        if chosen is not None:
            entities[index]["role"] = found[chosen][3]
