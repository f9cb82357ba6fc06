"""The labelled sets: the tuning set stays perfect, the blind sets keep their floors, and
none is ever read by the rules or the classifier."""

from pathlib import Path

import pytest

from tests.safety import evaluate
from webhooks.safety.classifier import training_examples
from webhooks.safety.normalise import normalise

TUNING = evaluate.load_tuning(evaluate.TUNING_FILE)
BLINDS = {directory.name: evaluate.load_blind(directory) for directory in evaluate.BLIND_DIRS}
BLIND = BLINDS["blind"]


def test_tuning_set_is_large_enough():
    assert sum(item.danger for item in TUNING) >= 150
    assert sum(not item.danger for item in TUNING) >= 250
    assert {item.script for item in TUNING if item.danger} == {"zh", "zh-hant", "pinyin", "en"}


def test_blind_set_is_as_the_issue_asks():
    danger = [item for item in BLIND if item.danger]
    assert len(BLIND) >= 200
    assert len(BLIND) - len(danger) >= len(BLIND) // 3  # a third hard controls
    assert sum(item.alarm_words is False for item in danger) >= len(danger) / 2
    assert any(item.writer in ("child", "teen") for item in danger)


def test_the_second_blind_set_is_written_the_same_way():
    danger = [item for item in BLINDS["blind-2"] if item.danger]
    assert len(BLINDS["blind-2"]) >= 150
    assert sum(item.alarm_words is False for item in danger) >= len(danger) / 2


@pytest.mark.parametrize("name", [f"blind-{n}" for n in range(3, 10)])
def test_the_later_blind_sets_cover_every_situation_workers_are_trained_on(name):
    items = BLINDS[name]
    danger = [item for item in items if item.danger]
    assert len(items) >= 200 and len(items) - len(danger) >= len(items) // 3
    assert sum(item.alarm_words is False for item in danger) >= len(danger) / 2
    # blind-8's writers were asked for drunk_carer: the same situation.
    situations = {item.category.replace("drunk_carer", "intoxicated_carer") for item in danger}
    assert {"child_labour", "child_marriage", "medical_neglect", "intoxicated_carer"} <= situations
    assert {item.script for item in danger} == {"zh", "zh-hant", "pinyin", "en"}


@pytest.mark.parametrize("name", ["tuning", *BLINDS])
def test_each_set_meets_its_floor(name):
    items = TUNING if name == "tuning" else BLINDS[name]
    overall = evaluate.evaluate(items)["overall"]
    floor = evaluate.FLOORS[name]
    assert overall.recall >= floor["recall"], overall.misses
    assert overall.false_alarm_rate <= floor["false_alarms"], overall.wrong


def test_no_evaluation_message_is_training_data():
    trained = {normalise(example.text) for example in training_examples()}
    evaluated = [item.text for items in (TUNING, *BLINDS.values()) for item in items]
    assert [text for text in evaluated if normalise(text) in trained] == []


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("crisis:\n  zh: [孩子失踪了]\nsafe:\n  zh: [今天天气很好]\n", 0),
        ("crisis:\n  zh: [今天天气很好]\nsafe:\n  zh: []\n", 1),  # a miss
        ("crisis:\n  zh: []\nsafe:\n  zh: [孩子失踪了]\n", 1),  # a false alarm
    ],
    ids=["pass", "miss", "false-alarm"],
)
def test_command_exits_1_below_the_floor(tmp_path: Path, capsys, text, status):
    path = tmp_path / "set.yml"
    path.write_text(text, encoding="utf-8")
    assert evaluate.main(["--tuning", str(path), "--blind", str(tmp_path / "none")]) == status
    assert "recall" in capsys.readouterr().out
