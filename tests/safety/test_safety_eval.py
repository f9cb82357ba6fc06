"""The labelled set: recall 1.0, at most 1 false alarm in 20, kept apart from the phrase data."""

from pathlib import Path

import pytest

from webhooks.safety import eval as safety_eval
from webhooks.safety.normalise import normalise
from webhooks.safety.rules import default_rules

LABELLED = safety_eval.load_set(safety_eval.DEFAULT_FILE)


def test_eval_set_is_large_enough():
    assert sum(map(len, LABELLED["crisis"].values())) >= 150
    assert sum(map(len, LABELLED["safe"].values())) >= 250
    assert set(LABELLED["crisis"]) == {"zh", "zh-hant", "pinyin", "en"}


def test_recall_and_false_alarm_rate_meet_the_targets():
    tallies, _ = safety_eval.evaluate(LABELLED)
    overall = safety_eval.total(tallies)
    assert overall.misses == []
    assert overall.recall == 1.0
    assert overall.false_alarm_rate <= safety_eval.MAX_FALSE_ALARM_RATE, overall.false_alarms


def test_eval_messages_are_not_phrase_examples():
    examples = {
        normalise(e) for rule in default_rules() for e in rule.examples + rule.safe_examples
    }
    labelled = [m for groups in LABELLED.values() for ms in groups.values() for m in ms]
    assert [m for m in labelled if normalise(m) in examples] == []


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("crisis:\n  zh: [孩子失踪了]\nsafe:\n  zh: [孩子发烧了]\n", 0),
        ("crisis:\n  zh: [今天天气很好]\nsafe:\n  zh: []\n", 1),  # a miss
        ("crisis:\n  zh: []\nsafe:\n  zh: [孩子失踪了]\n", 1),  # a false alarm
    ],
    ids=["pass", "miss", "false-alarm"],
)
def test_command_exits_1_when_short_of_the_targets(tmp_path: Path, capsys, text, status):
    path = tmp_path / "set.yml"
    path.write_text(text, encoding="utf-8")
    assert safety_eval.main(["--file", str(path)]) == status
    assert "recall" in capsys.readouterr().out
