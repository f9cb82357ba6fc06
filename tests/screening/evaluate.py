"""Replay family stories through the real trained bot and action server, answering every
screening question truthfully, and measure how many questions it takes and whether the result
is right.

    make screening-eval [STORIES=path.jsonl]
    .venv/bin/python -m tests.screening.evaluate [STORIES] [--out FILE] [--errors]

A story is one JSON line: {"id", "lang", "opening", "household": {...every fact...}} and may
list "stated": the facts its opening clearly says. The harness texts the opening, then answers
each question the bot asks from `household` as a person would (the menu number, or the number),
until the bot gives its result. Per story it records the questions asked after the opening,
which of them the opening had stated, and whether the decisions the bot reached equal the
engine's on the full household. It prints the median and maximum questions per language and
the agreement, and writes them as JSON. Rasa runs with its HTTP API on a local port only, so
the harness can read which fact is asked and the household the bot built.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import requests

from actions.eligibility import data, fact_spec, screen
from actions.eligibility.questions import GROUP, open_facts
from tests.support.stack import RasaStack

ROOT = Path(__file__).resolve().parents[2]
STORIES = Path(__file__).with_name("stories.jsonl")
OUT = ROOT / "build" / "screening-eval.json"
MOST_TURNS = 25  # a screening longer than this is stuck
# A person who was not understood asks again in plain words, once.
ASK_AGAIN = {"zh": "孩子能领什么补助", "en": "what aid can my child get"}


@dataclass
class Replay:
    id: str
    lang: str
    script: str
    asked: list[str] = field(default_factory=list)  # question ids: a fact, or a group of facts
    facts_asked: list[str] = field(default_factory=list)
    asked_stated: list[str] = field(default_factory=list)
    agrees: bool = False
    finished: bool = False
    asked_again: bool = False
    wrong: dict[str, list[str]] = field(default_factory=dict)  # programme -> [bot, engine]


class Bot:
    """One running Rasa server with its action server, talked to as the app does."""

    def __init__(self, stack: RasaStack) -> None:
        self.url = stack.rasa_url

    def say(self, sender: str, text: str, metadata: dict[str, Any]) -> list[str]:
        reply = requests.post(
            f"{self.url}/webhooks/helpline/webhook",
            json={"sender": sender, "message": text, "metadata": metadata},
            timeout=60,
        )
        reply.raise_for_status()
        return [message["text"] for message in reply.json() if message.get("text")]

    def slots(self, sender: str) -> dict[str, Any]:
        tracker = requests.get(f"{self.url}/conversations/{sender}/tracker", timeout=30)
        tracker.raise_for_status()
        return tracker.json()["slots"]


def answer(ask: str, household: dict[str, Any], lang: str) -> str:
    """What a family texts back: the menu number (every number that applies, or 0), the
    family's income and size, or the number itself."""
    if ask.startswith(GROUP):
        group = data.facts()["groups"][ask.removeprefix(GROUP)]
        if "options" not in group:
            size = household["household"]["size"]
            total = household["household"]["monthly_income_per_capita"] * size
            return f"{total}元{size}口" if lang == "zh" else f"{total} yuan {size} people"
        picks = [
            number
            for number, option in enumerate(group["options"], 1)
            if all(_value(household, fact) == value for fact, value in option["set"].items())
        ]
        if (
            _value(household, "child.disability") == "multiple"
            and "child.disability" in group["facts"]
        ):
            picks += [5, 6]  # two kinds: physical and intellectual
        return " ".join(map(str, picks)) or "0"
    value = _value(household, ask)
    spec = fact_spec(ask)
    if spec.values:
        return str(spec.values.index(value) + 1)
    return str(value)


def _value(household: dict[str, Any], fact: str) -> Any:
    group, name = fact.split(".")
    return household[group][name]


def replay(bot: Bot, story: dict[str, Any]) -> Replay:
    full = story["household"]
    result = Replay(story["id"], story["lang"], story.get("script", story["lang"]))
    sender = f"story-{story['id']}-{uuid.uuid4().hex[:8]}"
    metadata = {"region": full["region"], "language": story["lang"]}
    bot.say(sender, story["opening"], metadata)
    for _ in range(MOST_TURNS):
        slots = bot.slots(sender)
        fact = slots.get("screening_fact")
        if slots.get("requested_slot") == "screening_answer" and fact:
            result.asked.append(fact)
            built = slots.get("household") or {"region": full["region"]}
            # A grouped question asks only its facts still open; the others it shows are told.
            result.facts_asked += (
                open_facts(built, fact.removeprefix(GROUP)) if fact.startswith(GROUP) else [fact]
            )
            bot.say(sender, answer(fact, full, story["lang"]), metadata)
        elif slots.get("menu") == "after_result":
            result.finished = True
            break
        elif not result.asked_again and not result.asked:
            result.asked_again = True  # the opening did not start a screening
            bot.say(sender, ASK_AGAIN[story["lang"]], metadata)
        else:
            break
    stated = set(story.get("stated", []))
    result.asked_stated = [fact for fact in result.facts_asked if fact in stated]
    built = bot.slots(sender).get("household") or {"region": full["region"]}
    got = screen(built).decisions if result.finished else {}
    wanted = screen(full).decisions
    result.wrong = {
        programme: [str(got.get(programme)), str(decision)]
        for programme, decision in wanted.items()
        if got.get(programme) != decision
    }
    result.agrees = result.finished and not result.wrong
    return result


def summary(replays: list[Replay]) -> dict[str, Any]:
    groups: dict[str, list[Replay]] = {"all": replays}
    for item in replays:
        groups.setdefault(f"lang {item.lang}", []).append(item)
        groups.setdefault(f"script {item.script}", []).append(item)
    return {
        name: {
            "stories": len(items),
            "median_questions": statistics.median(len(item.asked) for item in items),
            "max_questions": max(len(item.asked) for item in items),
            "agreement": sum(item.agrees for item in items) / len(items),
            "finished": sum(item.finished for item in items),
            "asked_stated": sum(len(item.asked_stated) for item in items),
            "asked_again": sum(item.asked_again for item in items),
        }
        for name, items in groups.items()
    }


def report(figures: dict[str, Any]) -> str:
    lines = [
        f"{'group':<16} {'stories':>7} {'median':>7} {'max':>4} {'agree':>6} "
        f"{'done':>5} {'asked stated':>12} {'re-asked':>8}"
    ]
    for name, row in figures.items():
        lines.append(
            f"{name:<16} {row['stories']:>7} {row['median_questions']:>7} "
            f"{row['max_questions']:>4} {row['agreement']:>6.3f} {row['finished']:>5} "
            f"{row['asked_stated']:>12} {row['asked_again']:>8}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stories", nargs="?", type=Path, default=STORIES)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--errors", action="store_true", help="list each story that went wrong")
    args = parser.parse_args(argv)
    stories = [json.loads(line) for line in args.stories.read_text("utf-8").splitlines() if line]
    logs = args.out.parent / "screening-eval-logs"
    logs.mkdir(parents=True, exist_ok=True)
    stack = RasaStack(logs, rasa_flags=("--enable-api",))
    try:
        stack.start_actions()
        stack.start_rasa()
        bot = Bot(stack)
        replays = [replay(bot, story) for story in stories]
    finally:
        stack.stop()
    figures = summary(replays)
    print(report(figures))
    if args.errors:
        for item in replays:
            if not item.agrees or item.asked_stated:
                print(f"{item.id}: asked {item.asked}; stated but asked {item.asked_stated}; "
                      f"finished {item.finished}; wrong {item.wrong}")  # fmt: skip
    args.out.write_text(
        json.dumps({"summary": figures, "stories": [asdict(r) for r in replays]}, indent=2)
    )
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
