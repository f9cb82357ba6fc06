"""Slots filled after every family message: the conversation's language, and the counters of
misunderstandings that start over when the family is understood."""

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction

from nlu.language import detect_language, language_request

from .texts import LANGUAGES

MENU_REPLIES = ("inform", "affirm", "deny", "nlu_fallback")


def message_language(tracker: Tracker) -> str | None:
    """The language this message asks for or is written in; None when it cannot tell."""
    message = tracker.latest_message
    text = message.get("text") or ""
    wanted = (
        language_request(text)
        if message.get("intent", {}).get("name") == "switch_language"
        else None
    )
    if wanted:
        return wanted
    detected = detect_language(text)
    if detected:
        return detected
    if tracker.get_slot("language") is None:  # first message: the app's guess, else Chinese
        guess = (message.get("metadata") or {}).get("language")
        return guess if guess in LANGUAGES else "zh"
    return None


class ValidateSlotMappings(ValidationAction):
    """action_validate_slot_mappings: runs after every family message."""

    def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        language = message_language(tracker)
        if language is None or language == tracker.get_slot("language"):
            return {}
        dispatcher.utter_message(json_message={"language": language})  # the app's texts follow
        return {"language": language}

    def extract_fallbacks(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        understood = tracker.latest_message.get("intent", {}).get("name") != "nlu_fallback"
        return {"fallbacks": 0.0} if understood and tracker.get_slot("fallbacks") else {}

    def extract_menu(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        # A menu waits for a number or a yes; any other message leaves it behind.
        intent = tracker.latest_message.get("intent", {}).get("name")
        replies = intent in MENU_REPLIES
        return {} if replies or tracker.get_slot("menu") is None else {"menu": None}
