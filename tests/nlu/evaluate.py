"""Scores a trained model on the tuning set (heldout/) and the blind sets (blind/, blind-2/):
intent accuracy per intent and per script, and programme accuracy. Exits 1 below a set's
floors. Only these aggregates are printed (and, with --errors, the misses): Rasa's own
per-message lines, which quote every message, are kept quiet.

    PYTHONPATH=. .venv-rasa/bin/python tests/nlu/evaluate.py models/<name>.tar.gz [--errors]

The tuning set is what the team looks at while improving the data; the blind set was written
by people who saw neither the training data nor the rules (blind/README.md) and is only
scored. A file's script is its name after the writer (`carers-zh-hant.yml` is zh-hant);
`typos` files hold messages with typing mistakes in any script. Every script must reach its
set's script floor, so that one weak script cannot hide behind the others.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data
from rasa.utils.log_utils import configure_structlog

HERE = Path(__file__).parent
SCRIPTS = ("zh", "zh-hant", "en", "pinyin", "typos")


@dataclass(frozen=True)
class Floors:
    intent: float
    script: float
    typos: float
    programme: float


# Tuning: what the issue that introduced it asked. Blind: what it measured on 2026-12-05
# (intent 0.946, lowest script 0.92, typos 0.96, programme 0.953), less a little room; they
# guard against getting worse. The goal (issue 24): 0.92 in every script, 0.85 on typos,
# 0.95 programme. Blind-2, written on 2026-12-06 when the first had been partly seen: intent
# 0.893 when written, 0.907 with the situation rule (nlu/components.py); lowest script zh-hant
# 0.82, typos 0.88, programme 0.984.
FLOORS = {
    "tuning": Floors(intent=0.90, script=0.85, typos=0.85, programme=0.90),
    "blind": Floors(intent=0.92, script=0.90, typos=0.90, programme=0.92),
    "blind-2": Floors(intent=0.89, script=0.80, typos=0.85, programme=0.95),
}
SETS = (("tuning", HERE / "heldout"), ("blind", HERE / "blind"), ("blind-2", HERE / "blind-2"))


@dataclass
class Score:
    hits: int = 0
    count: int = 0

    def add(self, hit: bool) -> None:
        self.hits += hit
        self.count += 1

    @property
    def accuracy(self) -> float:
        return self.hits / self.count if self.count else 1.0


@dataclass
class Result:
    intents: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    scripts: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    overall: Score = field(default_factory=Score)
    programme: Score = field(default_factory=Score)
    misses: list[str] = field(default_factory=list)
    confused: Counter[tuple[str, str]] = field(default_factory=Counter)  # (expected, got)


def script_of(path: Path) -> str:
    """heldout/zh-hant.yml and blind/carers-zh-hant.yml are both zh-hant."""
    for script in sorted(SCRIPTS, key=len, reverse=True):
        if path.stem == script or path.stem.endswith("-" + script):
            return script
    raise ValueError(f"{path}: the name does not end in a script {SCRIPTS}")


def score(agent: Agent, directory: Path) -> Result:
    result = Result()
    for path in sorted(directory.glob("*.yml")):
        script = script_of(path)
        for example in load_data(str(path)).training_examples:
            text, expected = example.get("text"), example.get("intent")
            parsed = asyncio.run(agent.parse_message(text))
            got = parsed["intent"]["name"]
            hit = got == expected
            if not hit:
                result.confused[expected, got] += 1
            for tally in (result.intents[expected], result.scripts[script], result.overall):
                tally.add(hit)
            wanted = {e["value"] for e in example.get("entities", []) if e["entity"] == "programme"}
            found = {e["value"] for e in parsed["entities"] if e["entity"] == "programme"}
            if wanted:
                result.programme.add(wanted == found)
            if not hit or (wanted and wanted != found):
                entities = f"{sorted(wanted)} -> {sorted(found)}"
                result.misses.append(f"{path.stem}: {text!r}: {expected} -> {got}; {entities}")
    return result


def report(name: str, result: Result, errors: bool) -> list[str]:
    lines = [f"== {name} set", f"{'intent':28} accuracy  n"]
    lines += [f"{k:28} {v.accuracy:8.2f}  {v.count}" for k, v in sorted(result.intents.items())]
    lines.append(f"{'script':28} accuracy  n")
    lines += [f"{k:28} {v.accuracy:8.2f}  {v.count}" for k, v in sorted(result.scripts.items())]
    overall = result.overall
    lines.append(f"intent accuracy {overall.accuracy:.3f} ({overall.hits}/{overall.count})")
    lines.append(
        f"programme accuracy {result.programme.accuracy:.3f} "
        f"({result.programme.hits}/{result.programme.count})"
    )
    confusions = ", ".join(f"{e}->{g} {n}" for (e, g), n in result.confused.most_common(8))
    lines.append(f"most confused: {confusions or 'none'}")
    if errors:
        lines += result.misses
    return lines


def failures(name: str, result: Result) -> list[str]:
    floors = FLOORS[name]
    found = []
    if result.overall.accuracy < floors.intent:
        found.append(f"{name}: intent accuracy below {floors.intent}")
    if result.programme.accuracy < floors.programme:
        found.append(f"{name}: programme accuracy below {floors.programme}")
    for script, tally in result.scripts.items():
        floor = floors.typos if script == "typos" else floors.script
        if tally.accuracy < floor:
            found.append(f"{name}: {script} below {floor}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", help="a trained model, e.g. models/helpline.tar.gz")
    parser.add_argument("--errors", action="store_true", help="print every miss")
    parser.add_argument("--only", choices=[name for name, _ in SETS], help="score one set")
    args = parser.parse_args(argv)
    configure_structlog(logging.WARNING)
    agent = Agent.load(args.model)
    found = []
    for name, directory in SETS:
        if args.only and name != args.only:
            continue
        result = score(agent, directory)
        print("\n".join(report(name, result, args.errors)), end="\n\n")
        found += failures(name, result)
    for failure in found:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
