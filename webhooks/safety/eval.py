"""Measure the danger screen on a labelled set: recall, false-alarm rate, misses and false alarms.

Run as `python -m webhooks.safety.eval [--file tests/safety/eval.yml]`; exits 1 when recall is
below 1.0 or more than 1 message in 20 raises a false alarm.
"""

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from webhooks.safety.screen import check

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "tests" / "safety" / "eval.yml"
MIN_RECALL = 1.0
MAX_FALSE_ALARM_RATE = 0.05


@dataclass
class Tally:
    """Counts for one group of messages, with the messages the screen got wrong."""

    crisis: int = 0
    caught: int = 0
    safe: int = 0
    alarmed: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Share of crisis messages that raised an alarm (1.0 when there are none)."""
        return self.caught / self.crisis if self.crisis else 1.0

    @property
    def false_alarm_rate(self) -> float:
        """Share of safe messages that raised an alarm."""
        return self.alarmed / self.safe if self.safe else 0.0


def load_set(path: Path) -> dict[str, dict[str, list[str]]]:
    """Read the labelled set: {"crisis": {group: [message]}, "safe": {group: [message]}}."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) != {"crisis", "safe"}:
        raise ValueError(f"{path}: expected exactly the keys 'crisis' and 'safe'")
    return data


def evaluate(labelled: dict[str, dict[str, list[str]]]) -> tuple[dict[str, Tally], float]:
    """Screen every message; return a tally per group and the mean time per message in µs."""
    tallies: dict[str, Tally] = {}
    started, screened = time.perf_counter(), 0
    for label, groups in labelled.items():
        for group, messages in groups.items():
            tally = tallies.setdefault(group, Tally())
            for message in messages:
                hit = check(message)
                screened += 1
                if label == "crisis":
                    tally.crisis += 1
                    tally.caught += hit is not None
                    if hit is None:
                        tally.misses.append(message)
                else:
                    tally.safe += 1
                    tally.alarmed += hit is not None
                    if hit is not None:
                        tally.false_alarms.append(f"{message}  [{hit.rule_id}: {hit.matched}]")
    elapsed = (time.perf_counter() - started) / max(screened, 1) * 1e6
    return tallies, elapsed


def total(tallies: dict[str, Tally]) -> Tally:
    """Add the groups together."""
    overall = Tally()
    for tally in tallies.values():
        overall.crisis += tally.crisis
        overall.caught += tally.caught
        overall.safe += tally.safe
        overall.alarmed += tally.alarmed
        overall.misses += tally.misses
        overall.false_alarms += tally.false_alarms
    return overall


def report(tallies: dict[str, Tally], micros: float) -> str:
    """Format the figures and the wrong messages as plain text."""
    lines = [f"{'group':<10}{'crisis':>8}{'recall':>9}{'safe':>7}{'false alarms':>15}"]
    for name, tally in [*tallies.items(), ("overall", total(tallies))]:
        lines.append(
            f"{name:<10}{tally.crisis:>8}{tally.recall:>9.3f}{tally.safe:>7}"
            f"{tally.alarmed:>6} ({tally.false_alarm_rate:.3f})"
        )
    overall = total(tallies)
    lines += ["", f"misses ({len(overall.misses)}):", *(f"  {m}" for m in overall.misses)]
    lines += [f"false alarms ({len(overall.false_alarms)}):"]
    lines += [f"  {m}" for m in overall.false_alarms]
    lines += ["", f"{micros:.0f} µs per message, phrase files already loaded"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the evaluation; return 1 when it falls short of the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="labelled YAML set")
    args = parser.parse_args(argv)
    check("")  # load and compile the phrase files before timing
    tallies, micros = evaluate(load_set(args.file))
    print(report(tallies, micros))
    overall = total(tallies)
    passed = overall.recall >= MIN_RECALL and overall.false_alarm_rate <= MAX_FALSE_ALARM_RATE
    print(
        f"{'PASS' if passed else 'FAIL'}: recall {overall.recall:.3f} (needs {MIN_RECALL}), "
        f"false-alarm rate {overall.false_alarm_rate:.3f} (at most {MAX_FALSE_ALARM_RATE})"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
