"""What a family's message says: the screening facts in its words, whenever it comes.

Entities from the bot's NLU give most facts ("7岁，他爸坐牢了" gives two); the rest is read here
from how families write: who is writing, the child's age right after the child, income told
with the household's size, aid they already get; and the reply to the question asked (a menu
number, 是/否, a number in any form, or a grouped question's numbers).
"""

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from nlu.numbers import find_numbers, parse_number
from nlu.text import normalise

from .eligibility import InvalidFact, fact_spec, set_fact
from .eligibility.questions import GROUP, asks_for, set_answer

PARENTS = {
    "father": ("father.status",),
    "mother": ("mother.status",),
    "both": ("father.status", "mother.status"),
}
INCOME = "household.monthly_income_per_capita"
ENTITY_FACTS = {
    "age": "child.age",
    "income": "household.monthly_income_per_capita",
    "school": "child.school",
    "disability": "child.disability",
    "hukou": "household.hukou",
}


# Who is writing: a woman naming her husband is the child's mother, and present; a man naming
# his wife, the father. (A grandparent says 儿子/儿媳, an aunt 姐夫: nlu/lookups/family.yml.)
WRITER_IS_MOTHER = re.compile(
    r"我老公|我男人|我丈夫|俺男人|俺老公|my husband|wo laogong|wo nanren", re.IGNORECASE
)
WRITER_IS_FATHER = re.compile(
    r"我老婆|我媳妇|俺媳妇|我妻子|my wife|wo laopo|wo xifu", re.IGNORECASE
)
# A number right after the child ("孙子十岁", "kid 5", "sunzi 13") is the child's age, unless a
# unit follows that makes it something else (years, grade, people, yuan).
CHILD_THEN_NUMBER = re.compile(
    r"(孩子|娃|孙子|孙女|外孙|外孙女|儿子|女儿|闺女|小孩|kid|son|daughter|grandson|granddaughter"
    r"|child|boy|girl|haizi|sunzi|sunnv|erzi|nver|wa)\s*(今年|才|已经|只有|is|aged|age)?\s*$"
)
AGE_AFTER = re.compile(r"^\s*(sui|zhousui|years? old|yrs? old|yo\b|y/o)", re.IGNORECASE)
NOT_AN_AGE = re.compile(
    r"^\s*(年|个|口|元|块|月|人|级|年级|th|grade|yuan|people|kids|children|nian|ge)"
)
# Aid the family says it already gets: statements, not questions ("俺家吃低保" yes; "能领低保吗"
# no; "不是低保户" no). A recent crisis is not guessed from words such as 车祸 or fire: they
# as often tell an old story, and a wrong "yes" tells the family of help that does not fit.
ALREADY = {
    "household.receives_dibao": r"吃低保|低保户|领着低保|在领低保|靠低保|拿低保|享受低保|办了低保"
    r"|(?:get|getting|on|receive|receiving|have) dibao|dibao hu|chi dibao",
    "household.extreme_poverty": r"特困供养|特困户|五保户|吃五保"
    r"|(?:get|getting|on) (?:tekun|wubao)",
    "household.registered_poor": r"脱贫户|建档立卡|贫困户|监测户|registered poor",
}
NOT_SO = re.compile(r"(不是|没有|没|不|非|not|no|never)\s*$")
ASKING = re.compile(r"^[^,，。.!！]{0,4}(吗|么|不|没|\?|？)")
LONG_AGO = re.compile(r"去年|前年|几年前|多年前|years? ago|last year")
# Income said with the number of people is the household's, not each one's.
PER_PERSON = re.compile(r"每人|人均|一人|每个人|each|per person|a head|per head")


def _try_set(household: dict[str, Any], fact: str, value: Any) -> dict[str, Any] | None:
    try:
        return set_fact(household, fact, value)
    except InvalidFact:
        return None


def read_facts(
    household: dict[str, Any], message: dict[str, Any], asked: str | None
) -> tuple[dict[str, Any], bool]:
    """The household with every fact the message gives, and whether it answered the asked fact.

    Entities give any fact ("7岁，他爸坐牢了" answers two); the asked fact may also come from the
    bare reply: a menu number, 是/否, yes/no, a number in any form. A grouped question's facts
    come from its reply only ("1 3", "2000元4口": 2000 is the family's income, not each one's).
    """
    entities = message.get("entities") or []
    text = message.get("text") or ""
    intent = (message.get("intent") or {}).get("name")
    grouped = asked is not None and asked.startswith(GROUP)
    leave = asks_for(asked) if grouped else ()
    answered = False
    for entity in entities:
        kind, value = entity.get("entity"), entity.get("value")
        if kind == "parent_status":
            role = entity.get("role")
            facts = PARENTS.get(
                role, (asked,) if asked in ("father.status", "mother.status") else ()
            )
        elif kind == "income" and asked != INCOME and not PER_PERSON.search(text.lower()):
            facts = ()  # the household's income, not each one's: see _facts_in_how_families_write
        elif kind in ENTITY_FACTS:
            facts = (ENTITY_FACTS[kind],)
        elif (
            kind == "number"
            and asked is not None
            and not grouped
            and fact_spec(asked).type in ("int", "money", "enum")
        ):
            facts = (asked,)
        else:
            facts = ()
        for fact in facts:
            if fact in leave:
                continue
            updated = _try_set(household, fact, value)
            if updated is not None:
                household = updated
                answered = answered or fact == asked
    household = _facts_in_how_families_write(household, text, grouped)
    if asked is None or answered:
        return household, answered
    for value in _candidates(asked, text, intent):
        try:
            return set_answer(household, asked, value), True
        except InvalidFact:
            continue
    return household, False


def _facts_in_how_families_write(
    household: dict[str, Any], text: str, grouped: bool
) -> dict[str, Any]:
    """Facts in how families write, which the entities alone would miss or misread: who is
    writing, the child's age right after the child ("孙子十岁", "kid 5"), and income told with
    the family's size ("一个月挣一千来块 四口人" is 250 a person)."""
    for pattern, parent in ((WRITER_IS_MOTHER, "mother"), (WRITER_IS_FATHER, "father")):
        if pattern.search(text) and not household.get(parent, {}).get("status"):
            household = _try_set(household, f"{parent}.status", "present") or household
    plain = normalise(text).text
    numbers = find_numbers(plain)
    if not household.get("child", {}).get("age"):
        for number in numbers:
            after = plain[number.end :]
            if (
                number.unit == "age"
                or AGE_AFTER.match(after)
                or (
                    number.unit in (None, "count")
                    and CHILD_THEN_NUMBER.search(plain[: number.start])
                    and not NOT_AN_AGE.match(after)
                )
            ):
                household = _try_set(household, "child.age", number.value) or household
                break
    household = _already(household, plain)
    money = [number.value for number in numbers if number.unit == "money"]
    # A household with a child has two people or more: "我一个人带" is no household size.
    counts = [number.value for number in numbers if number.unit == "count" and number.value >= 2]
    if grouped or not money or not counts or PER_PERSON.search(plain):
        return household
    size = counts[0]
    per_person = (money[0] / size).quantize(Decimal(1), rounding=ROUND_HALF_UP) if size else None
    updated = _try_set(household, "household.size", size)
    if updated is not None and per_person is not None:
        household = (
            _try_set(updated, "household.monthly_income_per_capita", per_person) or household
        )
    return household


def _already(household: dict[str, Any], plain: str) -> dict[str, Any]:
    """Aid the family says it gets, told as statements."""
    for fact, words in ALREADY.items():
        group, name = fact.split(".")
        if household.get(group, {}).get(name) is not None:
            continue
        for match in re.finditer(words, plain):
            said = plain[: match.start()]
            clause = re.split(r"[,，。.!！?？;；\n]", said)[-1]
            if NOT_SO.search(said) or ASKING.match(plain[match.end() :]) or LONG_AGO.search(clause):
                continue
            household = _try_set(household, fact, True) or household
            break
    return household


def _candidates(asked: str, text: str, intent: str | None) -> list[Any]:
    plain = normalise(text).text.strip(" .。!！?？~")
    if asked.startswith(GROUP):
        # Numbers in any form as digits, a count marked as one: "一千来块 四口人" -> "1000 4口".
        numbers = find_numbers(plain)
        digits = " ".join(f"{n.value}{'口' if n.unit == 'count' else ''}" for n in numbers)
        return [digits, plain] if digits else [plain]
    number = parse_number(plain)
    # "1.2万" is 12000, not the 1.2 a plain digit reader sees: the number goes first.
    candidates: list[Any] = [] if number is None else [str(number)]
    candidates.append(plain)
    if fact_spec(asked).type == "bool" and intent in ("affirm", "deny"):
        candidates.append(intent == "affirm")
    return candidates
