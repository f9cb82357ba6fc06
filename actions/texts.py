"""The family's texts from actions/texts.yml, and the conversation's language."""

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker

from nlu.language import LANGUAGES

DEFAULT_LANGUAGE = "zh"


@cache
def texts() -> dict[str, Any]:
    with open(Path(__file__).with_name("texts.yml"), encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def say(key: str, lang: str, **values: Any) -> str:
    """The text at a dotted key ("screening.start") in a language, placeholders filled."""
    node: Any = texts()
    for part in key.split("."):
        node = node[part]
    return node[lang].format(**values) if values else node[lang]


def language_of(tracker: Tracker) -> str:
    language = tracker.get_slot("language")
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def joined(lang: str, *parts: str) -> str:
    """Sentences as one text: Chinese runs them together, English puts a space between."""
    return ("" if lang == "zh" else " ").join(parts)
