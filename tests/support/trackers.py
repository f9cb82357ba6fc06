"""Real rasa_sdk trackers for the action tests: one family message, the slots so far."""

import asyncio
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

SLOTS = [
    "language",
    "programme",
    "place",
    "household",
    "screening_answer",
    "screening_fact",
    "screening_retries",
    "screening_status",
    "menu",
    "topic",
    "fallbacks",
    "unable",
    "choice",
    "requested_slot",
]


def make_tracker(
    text: str = "",
    intent: str = "inform",
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    form: str | None = None,
    metadata: dict[str, Any] | None = None,
    history: list[str] = (),
    set_this_turn: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker whose latest event is the family's message (then any slots set this turn)."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "metadata": metadata or {},
    }
    events = [{"event": "user", "text": said, "parse_data": {}} for said in history]
    events.append({"event": "user", "text": text, "parse_data": latest, "metadata": metadata or {}})
    values = dict.fromkeys(SLOTS)
    values.update(slots or {})
    for name, value in (set_this_turn or {}).items():
        events.append({"event": "slot", "name": name, "value": value})
        values[name] = value
    return Tracker(
        "family-1",
        values,
        latest,
        events,
        False,
        None,
        {"name": form} if form else {},
        "action_listen",
    )


# A household that has told nothing yet, in the demo county on a fixed date.
START = {"region": "CN-51-demo", "date": "2026-12-01"}


def answering(
    text: str,
    asked: str = "child.age",
    household: dict[str, Any] = START,
    intent: str = "inform",
    entities: list[dict[str, Any]] | None = None,
    retries: float = 0.0,
    lang: str = "zh",
) -> Tracker:
    """The family's reply while the screening form waits for the answer to `asked`."""
    return make_tracker(
        text,
        intent=intent,
        entities=entities,
        form="screening_form",
        slots={
            "household": household,
            "language": lang,
            "screening_fact": asked,
            "requested_slot": "screening_answer",
            "screening_retries": retries,
        },
        set_this_turn={"screening_answer": text},
    )


@cache
def domain() -> dict[str, Any]:
    """The bot's domain, as the action server receives it."""
    path = Path(__file__).parents[2] / "bot" / "domain.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def run(action: Any, tracker: Tracker) -> tuple[list[dict[str, Any]], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain()))
    return events, dispatcher


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    """What the family reads."""
    return [message["text"] for message in dispatcher.messages if message.get("text")]


def payloads(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    return [message["custom"] for message in dispatcher.messages if message.get("custom")]


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}
