"""Numbered menus and what to do when the bot does not understand: the help menu, the clarifying
question, the offer of a person, replies to a menu, and requests the bot cannot do."""

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from nlu.numbers import parse_number
from nlu.text import normalise

from .eligibility import programme_ids
from .handoff import danger_confirmed, hand_off
from .programmes import answer, programme_menu
from .screening import for_another_child
from .texts import joined, language_of, say

MAIN_CHOICES = {1: "screening", 2: "what", 3: "how_to_apply", 4: "human"}
# The menu after a screening's result.
AFTER_RESULT_CHOICES = {1: "how_to_apply", 2: "documents", 3: "human", 4: "another_child"}
# After a result seen early (actions.screening.wants_result_now), 5 finishes the questions.
RESULT_MENUS = {
    "after_result": AFTER_RESULT_CHOICES,
    "after_early_result": {**AFTER_RESULT_CHOICES, 5: "finish"},
}


def menu_number(text: str) -> int | None:
    """The number a family replied to a menu: "2", "２", "二", "2." or "no. 2"."""
    plain = normalise(text).text
    digits = re.fullmatch(r"\D{0,4}?(\d{1,2})\D{0,4}", plain)
    if digits:
        return int(digits.group(1))
    value = parse_number(plain)
    return int(value) if value is not None and value == int(value) else None


class ActionHelpOptions(Action):
    def name(self) -> str:
        return "action_help_options"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        lang = language_of(tracker)
        dispatcher.utter_message(
            text=joined(lang, say("help_options", lang), say("menus.main", lang))
        )
        return [SlotSet("menu", "main")]


class ActionClarify(Action):
    """Low confidence: a clarifying menu; the second failure in a row offers a person."""

    def name(self) -> str:
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        lang = language_of(tracker)
        failures = (tracker.get_slot("fallbacks") or 0) + 1
        if failures >= 2:
            dispatcher.utter_message(text=say("menus.offer_human", lang))
            return [SlotSet("fallbacks", float(failures)), SlotSet("menu", "offer_human")]
        dispatcher.utter_message(text=joined(lang, say("clarify", lang), say("menus.main", lang)))
        return [SlotSet("fallbacks", float(failures)), SlotSet("menu", "main")]


class ActionOutOfScope(Action):
    """Something the bot cannot do; asked twice, a worker takes over."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        lang = language_of(tracker)
        unable = (tracker.get_slot("unable") or 0) + 1
        if unable >= 2:
            dispatcher.utter_message(text=say("handoff.stuck", lang))
            return hand_off(dispatcher, tracker, "out_of_scope")
        dispatcher.utter_message(
            text=joined(lang, say("out_of_scope", lang), say("menus.main", lang))
        )
        return [SlotSet("unable", float(unable)), SlotSet("menu", "main")]


class ActionMenuChoice(Action):
    """inform, affirm or deny outside the screening: a reply to the menu waiting, or facts.

    Sets choice to "screening" when the screening should start (facts given, or menu choice 1),
    else "done".
    """

    def name(self) -> str:
        return "action_menu_choice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        lang = language_of(tracker)
        menu = tracker.get_slot("menu")
        intent = tracker.latest_message.get("intent", {}).get("name")
        number = menu_number(tracker.latest_message.get("text") or "")
        done = [SlotSet("choice", "done")]
        if menu == "main" and number in MAIN_CHOICES:
            chosen = MAIN_CHOICES[number]
            if chosen == "screening":
                return [SlotSet("menu", None), SlotSet("choice", "screening")]
            if chosen == "human":
                dispatcher.utter_message(text=say("handoff.requested", lang))
                return [*hand_off(dispatcher, tracker, "requested"), *done]
            dispatcher.utter_message(text=programme_menu(lang))
            return [SlotSet("menu", "programme"), SlotSet("topic", chosen), *done]
        if menu == "danger_check" and (number == 1 or (number is None and intent == "affirm")):
            return [*danger_confirmed(dispatcher, tracker), *done]
        if menu == "danger_check" and (number == 2 or (number is None and intent == "deny")):
            # Not in danger: back to what they asked. Their story is read when the screening
            # starts (actions.screening.told_before).
            dispatcher.utter_message(text=say("danger_ok", lang))
            if intent == "inform":
                return [SlotSet("menu", None), SlotSet("choice", "screening")]
            return [SlotSet("menu", None), *done]
        if menu in RESULT_MENUS and number in RESULT_MENUS[menu]:
            chosen = RESULT_MENUS[menu][number]
            if chosen == "finish":  # the household keeps what was told: only the rest is asked
                return [SlotSet("menu", None), SlotSet("choice", "screening")]
            if chosen == "another_child":
                household = tracker.get_slot("household")
                cleared = for_another_child(household) if household else None
                return [
                    SlotSet("household", cleared),
                    SlotSet("menu", None),
                    SlotSet("choice", "screening"),
                ]
            if chosen == "human":
                dispatcher.utter_message(text=say("handoff.requested", lang))
                return [*hand_off(dispatcher, tracker, "requested"), *done]
            dispatcher.utter_message(text=programme_menu(lang))
            return [SlotSet("menu", "programme"), SlotSet("topic", chosen), *done]
        if menu == "programme" and number is not None and 1 <= number <= len(programme_ids):
            programme_id = programme_ids[number - 1]
            dispatcher.utter_message(
                text=answer(programme_id, tracker.get_slot("topic") or "what", lang)
            )
            return [SlotSet("menu", None), SlotSet("programme", programme_id), *done]
        if menu == "offer_human" and (number == 1 or intent == "affirm"):
            dispatcher.utter_message(text=say("handoff.requested", lang))
            return [*hand_off(dispatcher, tracker, "stuck"), *done]
        if menu and number is not None:  # a number that is not on the menu: never a restart
            dispatcher.utter_message(text=say("menu_invalid", lang))
            return done
        if intent == "inform":  # facts about the family: screen them
            return [SlotSet("menu", None), SlotSet("choice", "screening")]
        dispatcher.utter_message(text=say("ok", lang))
        return [SlotSet("menu", None), *done]


class ActionSwitchLanguage(Action):
    """The language slot already follows the request (see slots.py); confirm in that language."""

    def name(self) -> str:
        return "action_switch_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text=say("language_switched", language_of(tracker)))
        return []
