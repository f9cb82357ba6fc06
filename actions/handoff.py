"""Hands the conversation to a child-welfare worker: a reply the family reads, and a custom
payload the app turns into a case, with a summary a worker reads in ten seconds."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import config
from .eligibility import InvalidFact, programme_info, screen
from .eligibility.data import facts as fact_data
from .texts import language_of, say, texts

LIKELY = ("eligible", "alternative", "maybe")


def likely_programmes(tracker: Tracker) -> list[str]:
    """Programmes the screening found likely, then the one the family asked about."""
    found: list[str] = []
    household = tracker.get_slot("household")
    if household and any(
        household.get(group) for group in ("child", "father", "mother", "household")
    ):
        try:
            result = screen(household)
        except InvalidFact:
            result = None
        if result is not None:
            found = [p.id for p in result.programmes if str(p.decision) in LIKELY]
    asked = tracker.get_slot("programme")
    if asked and asked not in found:
        found.append(asked)
    return found


def known_facts(household: dict[str, Any] | None, lang: str) -> list[str]:
    """The household's facts as "label: value" in words."""
    spoken = []
    specs = fact_data()
    for group in ("child", "father", "mother", "household"):
        for name, value in ((household or {}).get(group) or {}).items():
            path = f"{group}.{name}"
            spec = specs["facts"].get(path)
            if spec is None:
                continue
            words = str(value)
            menu = spec.get("menu") or ("yes_no" if spec["type"] == "bool" else None)
            for choice in specs["menus"].get(menu, []):
                if choice["value"] == value:
                    words = choice[lang]
            if spec["type"] == "money":
                words += "元" if lang == "zh" else " yuan"
            colon = "：" if lang == "zh" else ": "
            spoken.append(f"{spec['label'][lang]}{colon}{words}")
    return spoken


def summary(tracker: Tracker, reason: str, programmes: list[str]) -> str:
    """One paragraph for the worker: why, what the family wrote, what we know, what may fit."""
    lang = config.SUMMARY_LANGUAGE
    parts = texts()["summary"]
    said = [
        event.get("text")
        for event in tracker.events
        if event.get("event") == "user" and event.get("text")
    ][-config.SUMMARY_MESSAGES :]
    sentences = [parts["reason"].get(reason, parts["reason"]["stuck"])[lang]]
    if said:
        quoted = parts["quote_separator"][lang].join(f"\u201c{text}\u201d" for text in said)
        sentences.append(parts["said"][lang].format(messages=quoted))
    facts = known_facts(tracker.get_slot("household"), lang)
    if facts:
        sentences.append(parts["facts"][lang].format(facts=parts["separator"][lang].join(facts)))
    if programmes:
        names = parts["separator"][lang].join(programme_info(p, lang).name for p in programmes)
        sentences.append(parts["programmes"][lang].format(programmes=names))
    if tracker.get_slot("place"):
        sentences.append(parts["place"][lang].format(place=tracker.get_slot("place")))
    family_language = parts["language_names"][lang][language_of(tracker)]
    sentences.append(parts["language"][lang].format(language=family_language))
    return ("" if lang == "zh" else " ").join(sentences)


def hand_off(
    dispatcher: CollectingDispatcher, tracker: Tracker, reason: str, priority: str = "normal"
) -> list[EventType]:
    """Sends the handoff payload, ends any screening, and returns the events for that."""
    programmes = likely_programmes(tracker)
    payload = {
        "reason": reason,
        "priority": priority,
        "summary": summary(tracker, reason, programmes),
        "facts": tracker.get_slot("household") or {},
        "programmes": programmes,
        "language": language_of(tracker),
    }
    if tracker.get_slot("place"):
        payload["place"] = tracker.get_slot("place")
    dispatcher.utter_message(json_message={"handoff": payload})
    # Any screening ends here: the worker takes the conversation over.
    return [
        SlotSet("menu", None),
        SlotSet("fallbacks", 0.0),
        SlotSet("unable", 0.0),
        ActiveLoop(None),
        SlotSet("requested_slot", None),
    ]


class ActionHandoff(Action):
    """The family asked for a person."""

    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text=say("handoff.requested", language_of(tracker)))
        return hand_off(dispatcher, tracker, "requested")


class ActionDanger(Action):
    """The bot's own reading says a child may be in danger: ask before alarming.

    A message reaches the bot only after the app's danger screen (rules and classifier,
    measured on blind sets) found no danger in it, so the bot's intent alone is a weak sign:
    families' aid stories about an arrest or a court ("孩子他爸被抓了 判了") read as danger
    to it. The family is asked; 1 (or yes) brings the emergency numbers and an urgent case at
    once, 2 goes back to what they asked (action_menu_choice).

    The one exception: a text about aid that set off the screen, sent to the bot after the
    family answered the screen's own question with no (metadata "danger_denied"). They are not
    asked again: the screening starts afresh on their text (a screening under way is ended
    first, so its pending question does not swallow the text's facts)."""

    def name(self) -> str:
        return "action_danger"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if (tracker.latest_message.get("metadata") or {}).get("danger_denied") is True:
            return [
                ActiveLoop(None),
                SlotSet("requested_slot", None),
                FollowupAction("screening_form"),
            ]
        dispatcher.utter_message(text=say("danger_check", language_of(tracker)))
        # A screening pauses; answering 2 starts it again where it was.
        return [SlotSet("menu", "danger_check"), ActiveLoop(None), SlotSet("requested_slot", None)]


def danger_confirmed(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The family says a child is in danger: emergency numbers first, then an urgent case."""
    dispatcher.utter_message(text=say("danger", language_of(tracker)))
    return hand_off(dispatcher, tracker, "danger", priority="urgent")
