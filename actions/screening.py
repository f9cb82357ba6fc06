"""The screening form: asks only what the eligibility engine needs next, reads SMS-style answers,
re-asks once, lets the family stop, and ends with the engine's SMS result."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from nlu.numbers import parse_number
from nlu.text import normalise, wants_to_stop

from . import config
from .eligibility import (
    InvalidFact,
    fact_spec,
    next_question,
    question,
    result_text,
    screen,
    set_fact,
)
from .eligibility.regions import REGION_CODE
from .handoff import hand_off
from .texts import language_of, say

RETRIES = 1  # an unusable answer is asked again once; the second brings a worker
# The custom payload that tells the app a screening has ended with a result.
SCREENED = "screened"
PARENTS = {
    "father": ("father.status",),
    "mother": ("mother.status",),
    "both": ("father.status", "mother.status"),
}
ENTITY_FACTS = {
    "age": "child.age",
    "income": "household.monthly_income_per_capita",
    "school": "child.school",
    "disability": "child.disability",
    "hukou": "household.hukou",
}


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
    bare reply: a menu number, 是/否, yes/no, a number in any form.
    """
    entities = message.get("entities") or []
    text = message.get("text") or ""
    intent = (message.get("intent") or {}).get("name")
    answered = False
    for entity in entities:
        kind, value = entity.get("entity"), entity.get("value")
        if kind == "parent_status":
            role = entity.get("role")
            facts = PARENTS.get(
                role, (asked,) if asked in ("father.status", "mother.status") else ()
            )
        elif kind in ENTITY_FACTS:
            facts = (ENTITY_FACTS[kind],)
        elif (
            kind == "number"
            and asked is not None
            and fact_spec(asked).type in ("int", "money", "enum")
        ):
            facts = (asked,)
        else:
            facts = ()
        for fact in facts:
            updated = _try_set(household, fact, value)
            if updated is not None:
                household = updated
                answered = answered or fact == asked
    if asked is None or answered:
        return household, answered
    for value in _candidates(asked, text, intent):
        updated = _try_set(household, asked, value)
        if updated is not None:
            return updated, True
    return household, False


def _candidates(asked: str, text: str, intent: str | None) -> list[Any]:
    plain = normalise(text).text.strip(" .。!！?？~")
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
            household, _ = read_facts(household, tracker.latest_message, None)
            events.append(SlotSet("screening_retries", 0.0))
            asked = None
            dispatcher.utter_message(text=say("screening.start", lang))
        elif answer is None:
            return []  # not an answer: let the rules handle the interruption
        elif (
            wants_to_stop(answer)
            or tracker.latest_message.get("intent", {}).get("name") == "goodbye"
        ):
            return [SlotSet("screening_status", "stopped"), SlotSet("requested_slot", None)]
        else:
            household, answered = read_facts(household, tracker.latest_message, asked)
            retries = tracker.get_slot("screening_retries") or 0
            if not answered:
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
        fact = next_question(household)
        events += [
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
        fact = tracker.get_slot("screening_fact") or next_question(household)
        if fact is not None:
            dispatcher.utter_message(text=question(fact, language_of(tracker)))
        return [SlotSet("screening_fact", fact)]


class ActionScreeningResult(Action):
    """After the form: the result text, or a word on stopping, or a worker when stuck."""

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
        else:
            household = tracker.get_slot("household") or new_household(tracker)
            dispatcher.utter_message(text=result_text(screen(household), lang))
            # The app asks a family it has not placed where they live, to name their office.
            dispatcher.utter_message(json_message={SCREENED: True})
        return events
