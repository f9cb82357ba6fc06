"""The screening form: asks only what the eligibility engine needs next, takes the facts each
message gives (reading.py) and reads them back in one line, accepts "don't know", re-asks once,
lets the family stop, and ends with the engine's SMS result and a menu of next steps. A result
is never re-sent unasked: a new screening that learns nothing new says so."""

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from nlu.language import wants_to_stop

from . import config
from .eligibility import is_dont_know, noted, result_text, screen
from .eligibility.facts import fact_paths
from .eligibility.questions import (
    asks_for,
    dont_know,
    likely_now,
    living_support_decided,
    next_ask,
    question,
)
from .eligibility.regions import REGION_CODE
from .handoff import hand_off
from .reading import read_facts
from .texts import joined, language_of, say

RETRIES = 1  # an unusable answer is asked again once; the second brings a worker
# The custom payload that tells the app a screening has ended with a result.
SCREENED = "screened"
ASKING = "asking"  # the fact the bot's question asks for, for the app
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

# Only details left (questions.likely_now): the family may ask for the likely result now.
RESULT_NOW = re.compile(
    r"(先|现在)?看?(一下)?(结果|結果)吧?|"
    r"((show|see|send)( me)?( the)? )?results?( now| first)?|"
    r"(xian )?(kan )?jie ?guo( ba)?",
    re.IGNORECASE,
)


def wants_result_now(text: str) -> bool:
    """ "结果", "先看结果", "RESULT", "jieguo": the family wants the result before the details."""
    return RESULT_NOW.fullmatch(text.strip(" 。.!！?？")) is not None


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
        elif living_support_decided(household) and wants_result_now(
            tracker.latest_message.get("text") or ""
        ):
            return [
                SlotSet("household", household),
                SlotSet("screening_status", "early"),
                SlotSet("requested_slot", None),
            ]
        elif answer is None:
            return []  # not an answer: let the rules handle the interruption
        elif (
            wants_to_stop(answer)
            or tracker.latest_message.get("intent", {}).get("name") == "goodbye"
        ):
            return [SlotSet("screening_status", "stopped"), SlotSet("requested_slot", None)]
        before = household
        if asked is not None and is_dont_know(answer):
            household = dont_know(household, asked)
            events.append(SlotSet("screening_retries", 0.0))
        else:
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
        if likely_now(household) and not likely_now(before):
            dispatcher.utter_message(text=say("screening.likely", lang))
        return [*events, *_ask_next(household, next_ask(household))]

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
        fact = next_ask(household)
        if fact is not None:
            # Nothing new about the same child: "5" after an early result, or asked again.
            resumed = household == previous and bool(previous.get("child"))
            kind = "resume" if resumed else "start_likely" if likely_now(household) else "start"
            start = say(f"screening.{kind}", lang)
            dispatcher.utter_message(text=joined(lang, line, start) if line else start)
        elif line:
            dispatcher.utter_message(text=line)
        return [*events, *_ask_next(household, fact)]


def _ask_next(household: dict[str, Any], fact: str | None) -> list[EventType]:
    """Set the next question (`fact`, next_ask's), or end the form when nothing is left."""
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
            dispatcher.utter_message(text=question(fact, language_of(tracker), household))
            # So the app reads the family's next text as an answer to the bot's question: one
            # the danger classifier alone reads as a child in distress ("他妈吸毒进去了 爸爸跑
            # 了") is a worker's read while the screening goes on (webhooks/messaging/turns.py).
            dispatcher.utter_message(json_message={ASKING: fact})
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
            # The result and its menu fit one turn's SMS budget (3 segments) together. Seen
            # early, it says what is still open, and the menu offers to finish the questions.
            menu = "after_early_result" if status == "early" else "after_result"
            asked = tracker.get_slot("programme")  # named in the family's words, if any
            dispatcher.utter_message(
                text=result_text(screen(household), lang, budget=2, asked=asked)
            )
            dispatcher.utter_message(text=say(f"menus.{menu}", lang))
            events.append(SlotSet("menu", menu))
            # The app asks a family it has not placed where they live, to name their office;
            # after an early result, once the questions are finished (or it would lapse).
            if status != "early":
                dispatcher.utter_message(json_message={SCREENED: True})
        return events
