"""The screening form: asks only what the eligibility engine needs next, reads SMS-style answers
and facts said at any point (read back in one line), accepts "don't know", re-asks once, lets
the family stop, and ends with the engine's SMS result and a menu of next steps. A result is
never re-sent unasked: a new screening that learns nothing new says so."""

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from nlu.numbers import find_numbers, parse_number
from nlu.text import normalise, wants_to_stop

from . import config
from .eligibility import (
    InvalidFact,
    fact_spec,
    is_dont_know,
    noted,
    result_text,
    screen,
    set_fact,
)
from .eligibility.facts import fact_paths
from .eligibility.questions import GROUP, asks_for, dont_know, next_ask, question, set_answer
from .eligibility.regions import REGION_CODE
from .handoff import hand_off
from .texts import joined, language_of, say

RETRIES = 1  # an unusable answer is asked again once; the second brings a worker
# The custom payload that tells the app a screening has ended with a result.
SCREENED = "screened"
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


# A family starting over: another child keeps the household and the parents; things changed
# keeps only the household's own facts (where they live, income, aid).
ANOTHER_CHILD = re.compile(
    r"另一个孩子|另外一个孩子|还有一个孩子|第二个孩子|另一個孩子|還有一個孩子|老二|小的那个|"
    r"another (child|kid)|other (child|kid)|second (child|kid)|my other",
    re.IGNORECASE,
)
THINGS_CHANGED = re.compile(
    r"情况变了|情况有变|情况不一样了|情況變了|things (have )?changed|situation (has )?changed",
    re.IGNORECASE,
)


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


def for_another_child(household: dict[str, Any], *, parents_too: bool = False) -> dict[str, Any]:
    """The household with the child's facts (and the parents', when things changed) cleared."""
    cleared = ("child", "father", "mother") if parents_too else ("child",)
    kept = {key: value for key, value in household.items() if key not in cleared}
    unknown = [path for path in kept.get("unknown", []) if path.split(".")[0] not in cleared]
    return {**kept, "unknown": unknown} if "unknown" in kept else kept


def noted_line(
    before: dict[str, Any], after: dict[str, Any], lang: str, skip: tuple[str, ...] = ()
) -> str | None:
    """One short line reading back the facts this message gave: "记下了：爸爸服刑，妈妈…";
    the facts just asked (skip) go without saying."""
    changed = []
    for path in fact_paths():
        if path in skip:
            continue
        group, name = path.split(".")
        value = after.get(group, {}).get(name)
        if value is not None and value != before.get(group, {}).get(name):
            changed.append(noted(path, value, lang))
    if not changed:
        return None
    return say("screening.noted", lang, facts=say("screening.noted_separator", lang).join(changed))


# Messages a family sent before a screening started, read for facts when it starts.
TOLD_BEFORE = 3


def told_before(tracker: Tracker) -> list[dict[str, Any]]:
    """The family's last few messages before this one since the last result (or the start):
    a story told before the screening began ("他爸坐牢了", then "能领啥") still counts."""
    messages: list[dict[str, Any]] = []
    latest_seen = False
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_screening_result":
            break
        if event.get("event") != "user":
            continue
        if latest_seen:
            messages.append({**(event.get("parse_data") or {}), "text": event.get("text") or ""})
        latest_seen = True
    return list(reversed(messages[:TOLD_BEFORE]))


def new_household(tracker: Tracker) -> dict[str, Any]:
    """A household in the family's region: the app sends it once a worker has placed them."""
    region = (tracker.latest_message.get("metadata") or {}).get("region")
    known = isinstance(region, str) and REGION_CODE.fullmatch(region)
    return {"region": region if known else config.REGION}


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


class ValidateScreeningForm(Action):
    """validate_screening_form: reads the answer, then sets the next question or ends the form.

    When the family's message is no answer (a question, a request), it returns nothing, so the
    form rejects the turn and the rules for that message run before the question is asked again.
    """

    def name(self) -> str:
        return "validate_screening_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        lang = language_of(tracker)
        household = tracker.get_slot("household") or new_household(tracker)
        asked = tracker.get_slot("screening_fact")
        answer = tracker.slots_to_validate().get("screening_answer")
        events: list[EventType] = []
        if tracker.get_slot("requested_slot") is None:  # starting: facts the request already gave
            return self._start(dispatcher, tracker, household, lang)
        elif answer is None:
            return []  # not an answer: let the rules handle the interruption
        elif (
            wants_to_stop(answer)
            or tracker.latest_message.get("intent", {}).get("name") == "goodbye"
        ):
            return [SlotSet("screening_status", "stopped"), SlotSet("requested_slot", None)]
        elif asked is not None and is_dont_know(answer):
            household = dont_know(household, asked)
            events.append(SlotSet("screening_retries", 0.0))
        else:
            before = household
            household, answered = read_facts(household, tracker.latest_message, asked)
            retries = tracker.get_slot("screening_retries") or 0
            if not answered and household == before:  # neither the answer nor a correction
                if retries >= RETRIES:
                    return [
                        SlotSet("household", household),
                        SlotSet("screening_status", "stuck"),
                        SlotSet("requested_slot", None),
                    ]
                dispatcher.utter_message(text=say("screening.retry", lang))
                return [
                    SlotSet("household", household),
                    SlotSet("screening_retries", retries + 1),
                    SlotSet("screening_answer", None),
                    SlotSet("requested_slot", "screening_answer"),
                ]
            events.append(SlotSet("screening_retries", 0.0))
            line = noted_line(before, household, lang, skip=asks_for(asked) if asked else ())
            if line:  # a correction or a fact beyond the one asked
                dispatcher.utter_message(text=line)
        return [*events, *_ask_next(household)]

    def _start(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        previous: dict[str, Any],
        lang: str,
    ) -> list[EventType]:
        """A screening starts: start over for another child if asked, read the opening's
        facts, and when a finished screening learns nothing new, say so instead of re-sending."""
        text = tracker.latest_message.get("text") or ""
        finished = tracker.get_slot("household") is not None and next_ask(previous) is None
        base = previous
        if THINGS_CHANGED.search(text):
            base = for_another_child(previous, parents_too=True)
        elif ANOTHER_CHILD.search(text):
            base = for_another_child(previous)
        household = base
        for message in (*told_before(tracker), tracker.latest_message):
            household, _ = read_facts(household, message, None)
        events: list[EventType] = [SlotSet("screening_retries", 0.0)]
        if finished and household == previous:
            dispatcher.utter_message(text=say("screening.unchanged", lang))
            return [
                *events,
                SlotSet("screening_status", "unchanged"),
                SlotSet("requested_slot", None),
            ]
        line = noted_line(base, household, lang)
        if next_ask(household) is not None:
            start = say("screening.start", lang)
            dispatcher.utter_message(text=joined(lang, line, start) if line else start)
        elif line:
            dispatcher.utter_message(text=line)
        return [*events, *_ask_next(household)]


def _ask_next(household: dict[str, Any]) -> list[EventType]:
    """Set the next question, or end the form when no answer can change the result."""
    fact = next_ask(household)
    events: list[EventType] = [
        SlotSet("household", household),
        SlotSet("screening_answer", None),
        SlotSet("screening_fact", fact),
    ]
    if fact is None:
        return [*events, SlotSet("screening_status", "done"), SlotSet("requested_slot", None)]
    return [*events, SlotSet("requested_slot", "screening_answer")]


class ActionAskScreeningAnswer(Action):
    """action_ask_screening_answer: the engine's SMS question for the fact it needs next."""

    def name(self) -> str:
        return "action_ask_screening_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        household = tracker.get_slot("household") or new_household(tracker)
        fact = tracker.get_slot("screening_fact") or next_ask(household)
        if fact is not None:
            dispatcher.utter_message(text=question(fact, language_of(tracker)))
        return [SlotSet("screening_fact", fact)]


class ActionScreeningResult(Action):
    """After the form: the result text and the menu of next steps, or a word on stopping, or a
    worker when stuck. The menu's numbers are read by action_menu_choice."""

    def name(self) -> str:
        return "action_screening_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        lang = language_of(tracker)
        status = tracker.get_slot("screening_status")
        events: list[EventType] = [
            SlotSet("screening_status", None),
            SlotSet("screening_fact", None),
            SlotSet("screening_retries", 0.0),
            SlotSet("screening_answer", None),
        ]
        if status == "stopped":
            dispatcher.utter_message(text=say("screening.stopped", lang))
        elif status == "stuck":
            dispatcher.utter_message(text=say("screening.stuck", lang))
            events += hand_off(dispatcher, tracker, "stuck")
        elif status == "unchanged":  # already told: only the next steps
            dispatcher.utter_message(text=say("menus.after_result", lang))
            events.append(SlotSet("menu", "after_result"))
        else:
            household = tracker.get_slot("household") or new_household(tracker)
            # The result and its menu fit one turn's SMS budget (3 segments) together.
            dispatcher.utter_message(text=result_text(screen(household), lang, budget=2))
            dispatcher.utter_message(text=say("menus.after_result", lang))
            events.append(SlotSet("menu", "after_result"))
            # The app asks a family it has not placed where they live, to name their office.
            dispatcher.utter_message(json_message={SCREENED: True})
        return events
