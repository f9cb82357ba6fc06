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

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz

from .numbers import find_numbers
from .text import CJK, Normalised, pinyin_key

# Entities read from numbers rather than words.
NUMBER_ENTITIES = {"age": "age", "money": "income", "count": "number", None: "number"}
# What a status says about: the nearest parent named before it in the same clause.
PARENT, PARENT_STATUS = "parent", "parent_status"
_CLAUSE_END = re.compile(rf"[,，。.!！?？;；、\n]|(?<=[{CJK}]) (?=[{CJK}])")
_IS_CJK = re.compile(f"[{CJK}]")
_ALL_CJK = re.compile(f"[{CJK}]+")
# Entities whose Chinese words are also found by their sound: a pinyin keyboard offers every
# character of a syllable, so 底保, 孤耳补贴 and 医疗就助 are 低保, 孤儿补贴 and 医疗救助 mistyped.
SOUND_ENTITIES = ("programme",)
# Words of this many syllables or more may also differ a little in sound (a near-homophone,
# as rapidfuzz scores the pinyin); shorter ones must sound the same.
FUZZY_SYLLABLES = 4
FUZZY_SCORE = 85
# Latin words (English, pinyin) of these entities may be misspelt ("medcal assistance",
# "dibo"): the same number of words, at least this many letters, scored by rapidfuzz.
SPELLING_LETTERS = 5
SPELLING_SCORE = 80
_LATIN_WORD = re.compile(r"[a-z0-9']+")
# Kin words that name a parent only by who is writing: a grandparent's 儿子 is the child's father
# and 闺女 the mother, an aunt's or uncle's brother or sister likewise; a parent's 儿子 is the
# child. The writer says which by naming the child as a grandchild, nephew or niece.
_GRANDCHILD = re.compile(
    r"孙子|孙女|外孙|孙儿|孙娃|孙孙|sun ?zi|sun ?nv|wai ?sun|grand ?(son|daughter|child|kid)|"
    r"(?:我|俺)是(?:孩子的?|娃的?|他的?|她的?)?(?:奶奶|爷爷|外婆|姥姥|外公|姥爷)|"
    r"\b(?:i am|i'm|im) (?:the |his |her |their )?"
    r"(?:grandma|grandmother|grandpa|grandfather|granny)"
)
_NEPHEW = re.compile(r"侄子|侄女|侄儿|外甥|zhi ?zi|zhi ?nv|wai ?sheng|nephew|niece")
_KIN_BY_WRITER = (
    (_GRANDCHILD, r"儿子|闺女|女儿|\b(?:erzi|guinv|nver|my son|son|my daughter|daughter)\b"),
    (_NEPHEW, r"(?:我|俺)(?:哥|弟|姐|妹)|\b(?:my brother|my sister|wo ge|wo di|wo jie|wo mei)\b"),
)
_MALE_KIN = re.compile(r"儿子|哥|弟|erzi|\bson|brother|\bge\b|\bdi\b")
_NUMERAL = re.compile(r"[0-9一二三四五六七八九十两]")
# A status said not to be one: "我一直没改嫁" (I never remarried), "他不是死了".
_NEGATED = re.compile(r"(没|没有|未|未曾|不曾|从没|并没|冇|不是|never|not|n't)\s?$")
# A status that names both parents itself: "父母双亡", "both parents died".
_BOTH_PARENTS = re.compile(r"父母|双亲|爹妈|爸妈|parents|fu ?mu|ba ?ma|\bboth\b")
# A clause that is only "both are" and the status, after the parents were named: "孩他妈眼睛
# 看不见 都是二级残疾". Not "都是我一个人打工" or "都靠我": there 都 is "all", not "both".
_BOTH_ARE = re.compile(
    r"\s*(?:俩|两口子|我俩|咱俩|他俩|两个|两个人|俩人)?都是?(?:一级|二级|三级|四级|重度)?\s*$"
    r"|\s*(?:we|they) (?:are )?both (?:are )?$|\s*both of (?:us|them) (?:are )?$"
)
# The child named before a status a child can have, in its clause, no parent between:
# "waisun de le baixuebing ... nver nvxu dou zai waimian dagong" is the grandson's illness.
CHILD_WORD = re.compile(
    r"孩子|娃|小孩|宝宝|孙|外甥|侄|闺女|女儿|儿子|"
    r"\b(?:kids?|child|son|daughter|grand ?(?:son|daughter|child|kid)s?|baby|nephew|niece"
    r"|haizi|wa ?wa|sun ?zi|sun ?nv|wai ?sun|nver|erzi|zhi ?zi)\b"
)
_A_CHILDS_STATUS = {"serious_illness", "severe_disability"}


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
        self.sounds = [
            (_sound(surface.text), surface)
            for surface in self.surfaces
            if surface.entity in SOUND_ENTITIES
            and len(surface.text) >= 2
            and _ALL_CJK.fullmatch(surface.text)
        ]
        self.spellings = [
            (len(surface.text.split()), surface)
            for surface in self.surfaces
            if surface.entity in SOUND_ENTITIES
            and len(surface.text.replace(" ", "")) >= SPELLING_LETTERS
            and _LATIN_WORD.fullmatch(surface.text.replace(" ", ""))
        ]

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
        # Words written with a numeral ("初一", "高三", "一级残疾") first: the number in them is
        # part of the word, not an age or an amount.
        words = list(self._word_matches(text))
        for start, end, surface in words:
            if _NUMERAL.search(surface.text):
                found.append((start, end, surface.entity, surface.value))
                taken.append((start, end))
        for number in find_numbers(text):
            if _overlaps(taken, number.start, number.end):
                continue
            value = number.whole if number.whole is not None else str(number.value)
            found.append((number.start, number.end, NUMBER_ENTITIES[number.unit], value))
            taken.append((number.start, number.end))
        for start, end, surface in words:
            if not _overlaps(taken, start, end):
                found.append((start, end, surface.entity, surface.value))
                taken.append((start, end))
        for start, end, surface in [
            *self._sound_matches(text, taken),
            *self._spelling_matches(text, taken),
        ]:
            if not _overlaps(taken, start, end):
                found.append((start, end, surface.entity, surface.value))
                taken.append((start, end))
        found += _kin_by_writer(text, taken)
        for entity, patterns in self.patterns.items():
            for pattern in patterns:
                for match in pattern.finditer(text):
                    group = 1 if pattern.groups else 0
                    start, end = match.span(group)
                    if end > start and not _overlaps(taken, start, end):
                        found.append((start, end, entity, match.group(group)))
                        taken.append((start, end))
        found = sorted(
            item
            for item in found
            if item[2] != PARENT_STATUS or not _NEGATED.search(text[max(0, item[0] - 4) : item[0]])
        )
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
            # ("在ICU" holds the word ICU: a Chinese character is no letter of a Latin word.)
            if not _IS_CJK.match(surface.text[0]) and position and _latin(text[position - 1]):
                continue
            if not _IS_CJK.match(surface.text[-1]) and end < len(text) and _latin(text[end]):
                continue
            return surface
        return None

    def _sound_matches(
        self, text: str, taken: list[tuple[int, int]]
    ) -> Iterable[tuple[int, int, Surface]]:
        """Chinese words written with the wrong characters of the right sound, sharing at least
        one character with the word meant; longest words first, never overlapping."""
        for run in _ALL_CJK.finditer(text):
            sounds = [_sound(char)[0] for char in run.group()]
            position = 0
            while position < len(sounds):
                match = self._sounds_like(run.group(), sounds, position, taken, run.start())
                if match is None:
                    position += 1
                    continue
                length, surface = match
                yield run.start() + position, run.start() + position + length, surface
                position += length

    def _spelling_matches(
        self, text: str, taken: list[tuple[int, int]]
    ) -> Iterable[tuple[int, int, Surface]]:
        """Latin words misspelt by a letter or two: the best-scoring word of the same length
        in words, for each run of words not matched already; longest words first."""
        words = [(m.start(), m.end(), m.group()) for m in _LATIN_WORD.finditer(text)]
        index = 0
        while index < len(words):
            best = None
            for count, surface in self.spellings:  # longest first
                window = words[index : index + count]
                start, end = window[0][0], window[-1][1]
                if len(window) < count or _overlaps(taken, start, end):
                    continue
                written = " ".join(word for _, _, word in window)
                score = fuzz.ratio(written, surface.text)
                if score >= SPELLING_SCORE and (best is None or score > best[0]):
                    best = (score, count, start, end, surface)
            if best is None:
                index += 1
                continue
            _, count, start, end, surface = best
            yield start, end, surface
            index += count

    def _sounds_like(self, run, sounds, position, taken, offset):
        for wanted, surface in self.sounds:  # longest first
            length = len(wanted)
            start, end = offset + position, offset + position + length
            if position + length > len(sounds) or _overlaps(taken, start, end):
                continue
            written = run[position : position + length]
            if written == surface.text or not set(written) & set(surface.text):
                continue
            heard = sounds[position : position + length]
            if heard == wanted or (
                length >= FUZZY_SYLLABLES
                and fuzz.ratio(" ".join(heard), " ".join(wanted)) >= FUZZY_SCORE
            ):
                return length, surface
        return None


def _latin(char: str) -> bool:
    return char.isalnum() and not _IS_CJK.match(char)


def _sound(word: str) -> list[str]:
    """The word's toneless syllables, with the sounds many people do not tell apart blurred."""
    return [pinyin_key([syllable]) for syllable in lazy_pinyin(word)]


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in taken)


def _kin_by_writer(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, str, Any]]:
    """Parents named by kinship when the writer is a grandparent, aunt or uncle."""
    found: list[tuple[int, int, str, Any]] = []
    for named, kin in _KIN_BY_WRITER:
        marks = [match.span() for match in named.finditer(text)]
        if not marks:
            continue
        for match in re.finditer(kin, text):
            start, end = match.span()
            if _overlaps(taken, start, end) or _overlaps(marks, start, end):
                continue  # already an entity, or part of 孙女儿 / grandson
            value = "father" if _MALE_KIN.search(match.group()) else "mother"
            found.append((start, end, PARENT, value))
            taken.append((start, end))
    return found


def _give_parents_their_status(
    text: str, found: list[tuple[int, int, str, Any]], entities: list[dict[str, Any]]
) -> None:
    """Each parent status gets the role of the parent named nearest before it in its clause,
    else the first named after it in its clause, else the parent named last before its clause
    while that parent has no status yet ("娃他妈是越南的 嫁过来没几年就跑了": the mother ran
    away; but in "女婿判了三年 闺女在外打工" the work away is not the son-in-law's)."""
    clause_of, starts = [], [0]
    clause = 0
    for index in range(len(text)):
        if _CLAUSE_END.match(text, index):
            clause += 1
            starts.append(index + 1)
        clause_of.append(clause)

    def clause_start(index: int) -> int:
        return starts[clause_of[index]]

    parents = [index for index, item in enumerate(found) if item[2] == PARENT]
    with_status: set[int] = set()
    for index, (start, _, entity, _) in enumerate(found):
        if entity != PARENT_STATUS:
            continue
        same_clause = [other for other in parents if clause_of[found[other][0]] == clause_of[start]]
        before = [other for other in same_clause if found[other][0] < start]
        earlier = [other for other in parents if found[other][0] < start]
        if _BOTH_PARENTS.search(text[start : found[index][1]]):
            entities[index]["role"] = "both"
            continue
        opening = clause_start(start)
        after = [other for other in same_clause if found[other][0] > start]
        if before:
            chosen = before[-1]
        elif earlier and not after and _BOTH_ARE.match(text[opening:start]):
            entities[index]["role"] = "both"
            continue
        elif (
            after
            and found[index][3] in _A_CHILDS_STATUS
            and found[after[0]][0] - found[index][1] > 2  # not "得了癌症的妈"
            and _child_named(text, opening, start, found)
        ):
            continue  # the child's own: actions.reading gives it to the child
        elif same_clause:
            chosen = same_clause[0]
        elif earlier and earlier[-1] not in with_status:
            chosen = earlier[-1]
        else:
            continue
        with_status.add(chosen)
        entities[index]["role"] = found[chosen][3]


def _child_named(text: str, start: int, end: int, found: list[tuple[int, int, str, Any]]) -> bool:
    """Whether the child is named between start and end, outside any entity ("孩子他爸")."""
    return any(
        not any(other[0] <= match.start() < other[1] for other in found)
        for match in CHILD_WORD.finditer(text, start, end)
    )
