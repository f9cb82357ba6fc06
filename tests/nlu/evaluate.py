"""Scores a trained model on the held-out messages: intent accuracy per intent and per script,
and programme accuracy. Exits 1 below the floors.

    PYTHONPATH=. .venv-rasa/bin/python tests/nlu/evaluate.py models/<name>.tar.gz

Floors: the issue asks for intent and programme accuracy of at least 0.90 on a held-out set;
each script (zh, zh-hant, en, pinyin) must reach 0.85, so that one weak script cannot hide
behind the others, with a little room for the smaller scripts where one miss costs 3 to 5 points.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import defaultdict
from pathlib import Path

from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data

HELD_OUT = Path(__file__).parent / "heldout"
INTENT_FLOOR = 0.90
SCRIPT_FLOOR = 0.85
PROGRAMME_FLOOR = 0.90


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", help="a trained model, e.g. models/helpline.tar.gz")
    parser.add_argument("--errors", action="store_true", help="print every miss")
    args = parser.parse_args(argv)
    agent = Agent.load(args.model)
    intents = defaultdict(lambda: [0, 0])
    scripts = defaultdict(lambda: [0, 0])
    programmes = [0, 0]
    misses = []
    for path in sorted(HELD_OUT.glob("*.yml")):
        script = path.stem
        for example in load_data(str(path)).training_examples:
            text, expected = example.get("text"), example.get("intent")
            parsed = asyncio.run(agent.parse_message(text))
            got = parsed["intent"]["name"]
            hit = got == expected
            for tally in (intents[expected], scripts[script]):
                tally[0] += hit
                tally[1] += 1
            wanted = {e["value"] for e in example.get("entities", []) if e["entity"] == "programme"}
            found = {e["value"] for e in parsed["entities"] if e["entity"] == "programme"}
            if wanted:
                programmes[0] += wanted == found
                programmes[1] += 1
            if not hit or wanted != found:
                misses.append(
                    f"{script}: {text!r}: {expected} -> {got}; {sorted(wanted)} -> {sorted(found)}"
                )
    total = [sum(t[0] for t in intents.values()), sum(t[1] for t in intents.values())]
    print(f"{'intent':28} accuracy  n")
    for name, (hits, count) in sorted(intents.items()):
        print(f"{name:28} {hits / count:8.2f}  {count}")
    print(f"{'script':28} accuracy  n")
    for name, (hits, count) in sorted(scripts.items()):
        print(f"{name:28} {hits / count:8.2f}  {count}")
    intent_accuracy = total[0] / total[1]
    programme_accuracy = programmes[0] / programmes[1]
    print(f"intent accuracy {intent_accuracy:.3f} ({total[0]}/{total[1]})")
    print(f"programme accuracy {programme_accuracy:.3f} ({programmes[0]}/{programmes[1]})")
    if args.errors:
        print("\n".join(misses))
    failures = []
    if intent_accuracy < INTENT_FLOOR:
        failures.append(f"intent accuracy below {INTENT_FLOOR}")
    if programme_accuracy < PROGRAMME_FLOOR:
        failures.append(f"programme accuracy below {PROGRAMME_FLOOR}")
    failures += [
        f"{name} below {SCRIPT_FLOOR}"
        for name, (hits, count) in scripts.items()
        if hits / count < SCRIPT_FLOOR
    ]
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
