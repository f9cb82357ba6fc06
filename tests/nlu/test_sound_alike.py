"""Programme names typed with the wrong characters of the right sound, as pinyin keyboards
offer them, are still the programme; words that only share a sound with no character are not."""

import pytest

from nlu.entities import EntityIndex, Surface
from nlu.text import normalise
from tests.nlu.test_kinship import extractor

INDEX = EntityIndex(
    [
        Surface("低保", "programme", "dibao"),
        Surface("孤儿", "programme", "orphan_allowance"),
        Surface("孤儿补贴", "programme", "orphan_allowance"),
        Surface("医疗救助", "programme", "medical_assistance"),
        Surface("事实无人抚养", "programme", "unsupported_child_allowance"),
        Surface("营养餐", "programme", "school_meals"),
        Surface("助学金", "programme", "education_aid"),
        Surface("儿子", "parent", "son"),
    ],
    {},
)


def programmes(text: str) -> list[tuple[str, str]]:
    found = INDEX.find(normalise(text))
    return [(e["value"], text[e["start"] : e["end"]]) for e in found if e["entity"] == "programme"]


@pytest.mark.parametrize(
    ("text", "value", "written"),
    [
        ("俺家能申请底保不", "dibao", "底保"),
        ("地保怎么办", "dibao", "地保"),
        ("能领孤耳补贴不", "orphan_allowance", "孤耳补贴"),
        ("医疗就助咋申请", "medical_assistance", "医疗就助"),
        ("够事实无人扶养的条件不", "unsupported_child_allowance", "事实无人扶养"),
        ("营养惨是免费的不", "school_meals", "营养惨"),
        ("助学今去哪办", "education_aid", "助学今"),
        ("事实无人扶样是啥", "unsupported_child_allowance", "事实无人扶样"),  # near-homophone
    ],
)
def test_a_homophone_typo_is_the_programme(text, value, written):
    assert programmes(text) == [(value, written)]


@pytest.mark.parametrize("text", ["孤独的孩子", "保底工资", "地图在哪", "鼓励孩子读书"])
def test_a_shared_sound_without_a_shared_character_is_nothing(text):
    assert programmes(text) == []


def test_only_programmes_are_matched_by_sound():
    assert [e["entity"] for e in INDEX.find(normalise("我的耳子"))] == []


def test_the_right_characters_still_match_as_before():
    assert programmes("我家低保停了") == [("dibao", "低保")]


SPELLED = EntityIndex(
    [
        Surface("medical assistance", "programme", "medical_assistance"),
        Surface("extreme poverty support", "programme", "extreme_poverty_support"),
        Surface("dibao", "programme", "dibao"),
        Surface("rehab", "programme", "disability_rehab"),
    ],
    {},
)


@pytest.mark.parametrize(
    ("text", "value", "written"),
    [
        ("is he eligble for medcal assistance", "medical_assistance", "medcal assistance"),
        (
            "who is extream poverty support for",
            "extreme_poverty_support",
            "extream poverty support",
        ),
        ("is dibau paid monthly", "dibao", "dibau"),
        ("wo jia neng shenqing dibo ma", "dibao", "dibo"),
    ],
)
def test_a_misspelt_latin_name_is_the_programme(text, value, written):
    found = SPELLED.find(normalise(text))
    assert [(e["value"], text[e["start"] : e["end"]]) for e in found] == [(value, written)]


@pytest.mark.parametrize("text", ["I read a report", "medical", "di bo luo"])
def test_short_or_distant_words_are_not_programmes(text):
    assert SPELLED.find(normalise(text)) == []


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("孩子有癫痫", "孩子有癫痫"),  # 癫 is part of 癫痫: not respelt as 有点
        ("nver shang zhigao", "女儿上职高"),  # the exact sounds win over the blurred 嗓子 告
    ],
)
def test_a_word_is_not_broken_to_respell_its_neighbour(typed, read):
    assert normalise(typed, extractor().pinyin).text == read
