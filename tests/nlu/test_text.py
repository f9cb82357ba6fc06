"""The pure helpers of nlu/: normalisation, pinyin, language, numbers, entities."""

import pytest

pytest.importorskip("cn2an")  # .venv-rasa only: see bot/requirements-extra.txt

from nlu.aid import asks_about_aid
from nlu.entities import EntityIndex, Surface
from nlu.language import detect_language, language_request, wants_to_stop
from nlu.numbers import find_numbers, parse_number
from nlu.text import PinyinIndex, normalise

WORDS = PinyinIndex(
    ["低保", "怎么", "申请", "孤儿", "补助", "孩子", "爸爸", "坐牢", "了", "娃", "岁"]
)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("dibao zenme shenqing", "低保怎么申请"),
        ("gu er bu zhu", "孤儿补助"),
        ("Dibaozenmeshenqing", "低保怎么申请"),
        ("zen me shen qin di bao", "怎么申请低保"),
        ("孩子他爸坐牢了 娃能有補助不", "孩子他爸坐牢了 娃能有补助不"),
        ("how do I apply for dibao", "how do i apply for 低保"),
        ("my wage is low", "my wage is low"),
        ("孩 子 被 打", "孩子被打"),
    ],
)
def test_normalised_text(typed, read):
    normalised = normalise(typed, WORDS)
    assert normalised.text == read
    assert len(normalised.spans) == len(normalised.text)


def test_spans_point_back_into_what_was_typed():
    typed = "how to apply for di bao"
    normalised = normalise(typed, WORDS)
    start = normalised.text.index("低保")
    begin, end = normalised.span(start, start + 2)
    assert typed[begin:end] == "di bao"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("你好", "zh"),
        ("dibao zenme shenqing", "zh"),
        ("how do I apply", "en"),
        ("2", None),
        ("ok", None),
        ("yes", None),
        ("ma", None),
        ("hello", "en"),
        ("thanks", "en"),
        ("nihao", "zh"),
        ("MORE", None),  # a keyword keeps the conversation's language
        ("TD", None),
        ("dibao", "zh"),
        ("he is 7", "en"),
        ("請問", "zh"),
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("English please", "en"),
        ("说中文", "zh"),
        ("我看不懂英文", "zh"),
        ("I don't read Chinese", "en"),
        ("低保怎么申请", None),
    ],
)
def test_language_request(text, language):
    assert language_request(text) == language


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("他爸走了以后娃天天一个人哭 饭也不吃 能领啥补助", True),
        ("how do I apply for dibao", True),
        ("有没有补助", True),
        ("hai zi neng ling sha", True),
        # Asking about a programme by name: a danger report told with it gets the danger
        # question too, so an ordinary family's "no" lets the bot answer (walked on make run).
        ("嗯那个就是我想问一下低保的事 然后孙子他后妈不给他饭吃", True),
        ("请问孤儿补贴", True),
        ("低保的事咋办", True),
        ("低保的事办好了 谢谢", False),
        ("我去镇上问问低保 回来就看见他拿刀架在娃脖子上", False),  # telling, not asking
        ("您好，请问是儿童救助热线吗", False),  # the helpline's name
        ("孩子天天哭 怕被送去福利院", False),  # a mention of welfare is no question about aid
        ("孩子被送到救助站了 一直在哭", False),
        ("娃他爸申请离婚后孩子天天哭", False),
        ("I worry about my grandson's welfare, he cries every night", False),
    ],
)
def test_asks_about_aid(text, asks):
    assert asks_about_aid(text) is asks


@pytest.mark.parametrize(
    ("text", "stop"), [("算了", True), ("cancel", True), ("没有", False), ("7", False)]
)
def test_wants_to_stop(text, stop):
    assert wants_to_stop(text) is stop


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三千五", 3500),
        ("3千", 3000),
        ("1.2万", 12000),
        ("500块", 500),
        ("five hundred", 500),
        ("一万二", 12000),
        ("2k", 2000),
        ("十五", 15),
        ("问一下", None),
    ],
)
def test_numbers(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("she is 5 years old", "age"),
        ("kid 5 years", "age"),
        ("孩子7岁", "age"),
        ("his father is in jail for 5 years", None),  # a span of time, not the child's age
        ("my son got sentenced to 7 years", None),
        ("dad has been missing for 3 years", None),
        ("mom left 2 years ago", None),
        ("wife went back to her hometown 2 years no contact", None),
    ],
)
def test_years_are_an_age_unless_they_are_a_span_of_time(text, unit):
    assert [number.unit for number in find_numbers(text)] == [unit]


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("my pay 2400 a month, two of us", ["money", None]),  # the w of "two" is no 万
        ("twelve people, 5k", ["count", "money"]),
        ("income 1500 per month", ["money"]),
        ("yi ge yue 3000 jia li 4 kou ren", ["money", None]),
        ("wo ba mei ge yue zhuan 2000", ["money"]),
        ("3 times a week", [None]),
        ("I have to pay 1500 a month for his medicine", [None]),  # spent, not earned
        ("I pay 800 a month rent, 3 of us", [None, None]),
        ("his dad calls 1 per month", [None]),
        ("yi ge yue 2 ci", [None]),
        ("在超市上班每月1500", ["money"]),
    ],
)
def test_money_is_told_by_the_words_around_it(text, units):
    assert [number.unit for number in find_numbers(normalise(text).text)] == units


def _statuses(text, surfaces):
    index = EntityIndex([Surface(*surface) for surface in surfaces], {})
    found = index.find(normalise(text, WORDS))
    return {(e["value"], e.get("role")) for e in found if e["entity"] == "parent_status"}


def test_a_clause_opening_with_both_gives_the_status_to_both_parents():
    surfaces = [("孩他妈", "parent", "mother"), ("看不见", "parent_status", "severe_disability"),
                ("二级残疾", "parent_status", "severe_disability")]  # fmt: skip
    found = _statuses("我腿不好 孩他妈眼睛看不见 都是二级残疾", surfaces)
    assert found == {("severe_disability", "mother"), ("severe_disability", "both")}


@pytest.mark.parametrize(
    "text",
    ["儿子坐牢了，儿媳联系不上，都是我一个人打工养孙子", "儿子坐牢了，儿媳联系不上，都靠我打工"],
)
def test_all_is_not_both(text):
    surfaces = [("儿子", "parent", "father"), ("儿媳", "parent", "mother"),
                ("坐牢", "parent_status", "imprisoned"),
                ("联系不上", "parent_status", "lost_contact"),
                ("打工", "parent_status", "present")]  # fmt: skip
    found = _statuses(text, surfaces)
    assert ("imprisoned", "father") in found and ("lost_contact", "mother") in found
    assert not any(role == "both" for _, role in found)


def test_a_status_told_before_its_parent_is_that_parents():
    surfaces = [("妈", "parent", "mother"), ("癌症", "parent_status", "serious_illness")]
    assert _statuses("孩子有个得了癌症的妈", surfaces) == {("serious_illness", "mother")}


def test_a_status_told_of_the_child_before_the_parents_are_named_is_no_parents():
    surfaces = [("闺女女婿", "parent", "both"), ("白血病", "parent_status", "serious_illness"),
                ("打工", "parent_status", "present")]  # fmt: skip
    found = _statuses("外孙得了白血病在成都住院闺女女婿都在外面打工", surfaces)
    assert found == {("serious_illness", None), ("present", "both")}


def test_a_grandmother_saying_who_she_is_makes_her_son_the_father():
    surfaces = [("guardianship", "parent_status", "guardianship_revoked")]
    found = _statuses("I am the grandma. Court took away my son's guardianship", surfaces)
    assert found == {("guardianship_revoked", "father")}


def test_entities_with_parent_roles_and_numbers():
    index = EntityIndex(
        [
            Surface("爸", "parent", "father"),
            Surface("妈", "parent", "mother"),
            Surface("坐牢", "parent_status", "imprisoned"),
            Surface("跑了", "parent_status", "lost_contact"),
            Surface("低保", "programme", "dibao"),
        ],
        {},
    )
    found = index.find(normalise("他爸坐牢了，他妈跑了，娃7岁，低保能领不", WORDS))
    statuses = {(e["value"], e.get("role")) for e in found if e["entity"] == "parent_status"}
    assert statuses == {("imprisoned", "father"), ("lost_contact", "mother")}
    assert {"entity": "age", "start": 12, "end": 13, "value": 7} in found
    assert any(e["entity"] == "programme" and e["value"] == "dibao" for e in found)


RESPELLING = PinyinIndex(
    ["你好", "再见", "谢谢", "不是", "低保", "申请", "在家", "孩子", "我", "家"]
)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("泥好", "你好"),
        ("在见", "再见"),
        ("布是", "不是"),
        ("俺家能身请底保不", "俺家能申请低保不"),
    ],
)
def test_homophone_typos_are_read_as_the_vocabulary_word(typed, read):
    assert normalise(typed, RESPELLING).text == read


@pytest.mark.parametrize(
    "text",
    [
        "孩子在家",  # words of the vocabulary stay as they are
        "写写你",  # a sound-alike sharing no character is not guessed
        "天气很好",  # nothing there sounds like a word
    ],
)
def test_words_that_are_no_typo_stay(text):
    assert normalise(text, RESPELLING).text == text


def test_respelling_keeps_the_offsets():
    normalised = normalise("泥好", RESPELLING)
    assert normalised.span(0, 2) == (0, 2)
