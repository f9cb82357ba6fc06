"""Whose situation a carer describes: a grandparent's son or son-in-law is the child's father,
a daughter-in-law the mother; 走了 (died, or left?) is not guessed. Read with the entity index
the extractor builds from the bot's training data."""

from functools import cache
from pathlib import Path

import pytest
import yaml

pytest.importorskip("rasa")  # .venv-rasa only

from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components import HelplineEntityExtractor, training_vocabulary
from nlu.entities import EntityIndex
from nlu.text import PinyinIndex, normalise


@cache
def extractor() -> HelplineEntityExtractor:
    files = sorted((Path(__file__).parents[2] / "nlu").rglob("*.yml"))
    data = TrainingData().merge(*(load_data(str(path)) for path in files))
    reader = object.__new__(HelplineEntityExtractor)  # no model storage: only its index
    reader.pinyin = PinyinIndex(training_vocabulary(data))
    reader.index = EntityIndex(reader._surfaces(data), reader._patterns(data))
    return reader


def statuses(text: str) -> dict[str, str]:
    reader = extractor()
    found = reader.index.find(normalise(text, reader.pinyin))
    return {e.get("role"): e["value"] for e in found if e["entity"] == "parent_status"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("俺儿子坐牢了，儿媳妇跑了好几年没音信，俩孙子俺带着", {"father": "imprisoned",
                                                             "mother": "lost_contact"}),
        ("女婿判了三年 闺女在外打工", {"father": "imprisoned"}),
        ("我姐夫在戒毒所 我姐联系不上", {"father": "drug_rehab"}),
        ("孩子他爸找不到人了", {"father": "lost_contact"}),
        ("孩子妈妈法院宣告失踪了", {"mother": "missing"}),
        ("my son-in-law is in prison", {"father": "imprisoned"}),
    ],
)  # fmt: skip
def test_kinship_is_read_from_the_writers_side(text, expected):
    found = statuses(text)
    assert {role: found.get(role) for role in expected} == expected


def test_went_away_is_asked_not_taken_as_died():
    assert "deceased" not in statuses("孩子他爸走了").values()


def test_a_status_said_not_to_be_one_is_not_read():
    assert statuses("孩子他妈没改嫁 在家带娃") == {"mother": "present"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("儿子前年得癌死了 媳妇改嫁了 孙子十岁俺带着", {"father": "deceased"}),
        ("erzi ai zheng wanqi xifu pao le sunzi 15", {"father": "serious_illness",
                                                     "mother": "lost_contact"}),
        ("闺女坐牢了 外孙女跟着我", {"mother": "imprisoned"}),
        ("我哥去年死了 侄子跟着我", {"father": "deceased"}),
        ("my son died, his wife left, my grandson is 9", {"father": "deceased"}),
        ("他爹前年走了 得癌症没的", {"father": "deceased"}),  # 走了, said how: died
        ("my son got sentenced to 7 years, my grandson is with me", {"father": "imprisoned"}),
        ("her father is doing time, mother works away", {"father": "imprisoned",
                                                         "mother": "present"}),
        ("孩子爸在里面蹲着呢 他妈早跑了", {"father": "imprisoned", "mother": "lost_contact"}),
        # Walked on make run: the father's suicide was read as lost contact, from the mother's
        # own "我一直没改嫁" (I never remarried).
        ("孩子的爸爸前几年因为欠债自己跳楼了，我一直没改嫁，孩子现在初二", {"father": "deceased"}),
        ("孩子他爸前年喝农药走了 孩子上小学", {"father": "deceased"}),
        ("her dad took his own life two years ago", {"father": "deceased"}),
    ],
)  # fmt: skip
def test_a_grandparents_son_or_daughter_is_the_childs_parent(text, expected):
    found = statuses(text)
    assert {role: found.get(role) for role in expected} == expected


@pytest.mark.parametrize("text", ["我儿子病了 能领啥", "儿子上初中了 他爸坐牢了"])
def test_a_parents_son_is_the_child(text):
    assert "serious_illness" not in statuses(text).values() or "father" not in statuses(text)
    assert statuses(text).get(None) != "imprisoned"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("這個小孩父母雙亡 住在遠房叔叔家", {"both": "deceased"}),
        ("daughter have autism 4 years old, we both working", {"both": "present"}),
        ("both working away, grandma looks after him", {"both": "present"}),
        ("his dad is disabled and not working", {"father": "severe_disability"}),
        ("I have guardianship of him now", {}),  # no parent lost theirs
    ],
)
def test_a_status_naming_both_parents_is_both_parents(text, expected):
    assert statuses(text) == expected


def entities(text: str) -> dict[str, object]:
    reader = extractor()
    return {e["entity"]: e["value"] for e in reader.index.find(normalise(text, reader.pinyin))}


@pytest.mark.parametrize(
    ("text", "school"),
    [("孩子上初一 现在跟我家住", "junior"), ("孙女上高一", "senior"),
     ("娃在镇上上三年级", "primary"), ("大娃上初二 有啥救助", "junior")],
)  # fmt: skip
def test_a_grade_written_with_a_numeral_is_the_school_not_a_number(text, school):
    found = entities(text)
    assert (found.get("school"), found.get("number")) == (school, None)


@pytest.mark.parametrize(("text", "kept"), [("大娃上初二", "大娃"), ("儿子前年得癌", "儿子前年")])
def test_words_as_typed_are_not_respelt_into_others(text, kept):
    assert normalise(text, extractor().pinyin).text.startswith(kept)


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [("孩子智力也有问题", "disability", "intellectual"), ("家里吃底保", "programme", "dibao")],
)
def test_everyday_ways_of_saying_it(text, entity, value):
    assert entities(text).get(entity) == value


def test_most_ways_carers_state_a_parents_situation_are_read():
    """tests/nlu/parents.yml: each stated status read for the right parent (a tuning set,
    written by a helper from a brief; 0.872 when the lexicon was last extended from it)."""
    items = yaml.safe_load((Path(__file__).parent / "parents.yml").read_text(encoding="utf-8"))
    stated = [(item, role) for item in items for role in ("father", "mother") if role in item]
    read = sum(statuses(item["text"]).get(role) == item[role] for item, role in stated)
    assert read / len(stated) >= 0.85
