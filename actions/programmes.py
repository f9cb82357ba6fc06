"""Answers about a programme from its data file: what it is, how to apply, the documents, and
what we can say about an application's status."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .eligibility import programme_ids, programme_info
from .handoff import hand_off
from .texts import joined, language_of, say

TOPICS = {
    "ask_programme_info": "what",
    "ask_how_to_apply": "how_to_apply",
    "ask_documents": "documents",
    "ask_application_status": "status",
}
MOST_NAMED = 2  # "特困和低保有什么区别": two answers still fit the SMS budget


def programme_menu(lang: str) -> str:
    choices = " ".join(
        f"{number}{'' if lang == 'zh' else ' '}{programme_info(pid, lang).name}"
        for number, pid in enumerate(programme_ids, start=1)
    )
    return say("menus.programme", lang, choices=choices)


def answer(programme_id: str, topic: str, lang: str) -> str:
    """The SMS answer on one topic of one programme."""
    info = programme_info(programme_id, lang)
    colon = "：" if lang == "zh" else ": "
    if topic == "status":
        return say("programme.status", lang, name=info.name, time=info.processing_time)
    if topic == "how_to_apply":
        time = say("programme.time", lang, time=info.processing_time)
        return f"{info.name}{colon}{info.how_to_apply} {time}"
    if topic == "documents":
        return f"{info.name}{colon}{info.documents}"
    return f"{info.name}{colon}{info.what}"


def named_programmes(tracker: Tracker) -> list[str]:
    """Programmes named in this message, else the one being discussed."""
    named = []
    for entity in tracker.latest_message.get("entities") or []:
        value = entity.get("value")
        if entity.get("entity") == "programme" and value in programme_ids and value not in named:
            named.append(value)
    if not named and tracker.get_slot("programme") in programme_ids:
        named.append(tracker.get_slot("programme"))
    return named[:MOST_NAMED]


class ActionProgrammeAnswer(Action):
    """ask_programme_info, ask_how_to_apply, ask_documents, ask_application_status."""

    def name(self) -> str:
        return "action_programme_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        lang = language_of(tracker)
        intent = tracker.latest_message.get("intent", {}).get("name")
        topic = TOPICS.get(intent, "what")
        programmes = named_programmes(tracker)
        if topic == "status":
            # The bot cannot see applications: asked again, it brings a worker (see menus).
            unable = (tracker.get_slot("unable") or 0) + 1
            # During a screening the family keeps its questions; the worker can come after.
            if unable >= 2 and not tracker.active_loop.get("name"):
                dispatcher.utter_message(text=say("handoff.stuck", lang))
                return hand_off(dispatcher, tracker, "stuck")
            if programmes:
                dispatcher.utter_message(text=answer(programmes[0], topic, lang))
            else:
                dispatcher.utter_message(text=say("programme.status_unknown", lang))
            return [SlotSet("unable", float(unable))]
        if not programmes:
            dispatcher.utter_message(
                text=joined(lang, say("programme.which", lang), programme_menu(lang))
            )
            return [SlotSet("menu", "programme"), SlotSet("topic", topic)]
        for programme_id in programmes:
            dispatcher.utter_message(text=answer(programme_id, topic, lang))
        return [SlotSet("programme", programmes[-1]), SlotSet("menu", None)]
