"""Segment counts at every carrier boundary; turns composed within the budget lose no text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webhooks.sms.segments import (
    GSM7,
    SEPARATOR,
    UCS2,
    compose,
    count_segments,
    encoding,
    split_segments,
)

HINT_EN = "(reply MORE for details)"
HINT_ZH = "（回复 更多 看下文）"
EMOJI = "\U0001f600"  # outside the BMP: two UTF-16 units

# About 500 and 300 characters, as the bot answers a question about a programme.
ANSWER_EN = (
    "Children in families on dibao can get the education subsidy. "
    "Apply at the township civil affairs office with the household register and the dibao card. "
    "The subsidy is paid each term to the bank card of the guardian. "
    "If the child lives with grandparents, they can apply for the child. "
    "Bring the school enrolment proof, too. "
    "The village children's director can help you fill in the form and check it before you go. "
    "Keep a copy of every paper you hand in. "
    "Reply PERSON to talk to a child welfare worker."
)
ANSWER_ZH = (
    "低保家庭的孩子可以申请教育补助。请带户口本和低保证到乡镇民政办申请。补助每学期发到监护人的银行卡上。"
    "孩子跟爷爷奶奶生活的，爷爷奶奶也可以替孩子申请。还要带上学校开的在读证明。村里的儿童主任可以帮您填表，"
    "去之前先帮您检查一遍。如果孩子父母一方服刑或者失联，孩子可能还可以领事实无人抚养儿童的生活费，"
    "每月的标准各地不一样，请问儿童主任。孩子有残疾的，可以另外申请残疾儿童康复救助，要带残疾证和医院的诊断。"
    "申请以后一般一个月内会有结果，没有消息可以打电话问民政办。有问题随时回复短信，回复人工找儿童主任，"
    "家里情况有变化，比如收入或者住址变了，请告诉民政办。办好以后请一定把回执收好。紧急情况请直接打110。"
)


@pytest.mark.parametrize(
    ("text", "expected_encoding", "expected_segments"),
    [
        ("", GSM7, 0),
        ("a", GSM7, 1),
        ("a" * 160, GSM7, 1),
        ("a" * 161, GSM7, 2),
        ("a" * 306, GSM7, 2),
        ("a" * 307, GSM7, 3),
        ("中" * 70, UCS2, 1),
        ("中" * 71, UCS2, 2),
        ("中" * 134, UCS2, 2),
        ("中" * 135, UCS2, 3),
        # The extension table takes two septets a character.
        ("€" * 80, GSM7, 1),
        ("€" * 81, GSM7, 2),
        ("[]{}^|~\\" * 10, GSM7, 1),
        ("[]{}^|~\\" * 10 + "a", GSM7, 2),
        # 306 septets, but the escape pair at septet 153 moves to the second part.
        ("a" * 152 + "€" * 77, GSM7, 3),
        ("a" * 153 + "€" * 76 + "a", GSM7, 2),
        ("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉÄÖÑÜ§¿äöñüà", GSM7, 1),
        # One character outside GSM-7 makes the whole message UCS-2.
        ("a" * 159 + "中", UCS2, 3),
        ("It’s free", UCS2, 1),  # a curly apostrophe
        ("façade", UCS2, 1),  # GSM-7 has Ç but not ç
        ("\x1b", UCS2, 1),
        (EMOJI * 35, UCS2, 1),
        (EMOJI * 36, UCS2, 2),
        ("a" * 69 + EMOJI, UCS2, 2),
        # 134 units, but the pair at unit 67 moves to the second part.
        ("a" * 66 + EMOJI * 34, UCS2, 3),
        (ANSWER_EN, GSM7, 4),
        (ANSWER_ZH, UCS2, 5),
    ],
)
def test_encoding_and_segments(text, expected_encoding, expected_segments):
    assert encoding(text) == expected_encoding
    assert count_segments(text) == expected_segments


def test_the_issues_answers_are_500_and_300_characters():
    assert (len(ANSWER_EN), len(ANSWER_ZH)) == (500, 300)


@pytest.mark.parametrize(
    ("text", "lengths"),
    [
        ("", []),
        ("a" * 160, [160]),
        ("a" * 307, [153, 153, 1]),
        ("a" * 152 + "€" + "a" * 10, [152, 11]),
        ("中" * 135, [67, 67, 1]),
        ("a" * 66 + EMOJI + "a" * 10, [66, 11]),
    ],
)
def test_split_segments_keeps_pairs_whole(text, lengths):
    parts = split_segments(text)
    assert [len(part) for part in parts] == lengths
    assert "".join(parts) == text


def _sent_text(pages, hint):
    """What the family read over all the MORE pages, without hints, joins and whitespace."""
    read = []
    for page in pages:
        messages = list(page.messages)
        if page.overflow is not None:
            assert messages[-1].endswith(SEPARATOR + hint)
            messages[-1] = messages[-1].removesuffix(SEPARATOR + hint)
        read.extend(messages)
    return _without_whitespace("".join(read))


def _without_whitespace(text):
    return "".join(text.split())


def _page_through(texts, budget, hint):
    """Compose, then compose the overflow as each MORE would, until nothing is left."""
    pages = [compose(texts, budget, hint)]
    while pages[-1].overflow is not None:
        before = pages[-1].overflow
        pages.append(compose([before], budget, hint))
        assert pages[-1].overflow is None or len(pages[-1].overflow) < len(before)
    return pages


def test_short_replies_merge_into_one_message():
    composed = compose(["Hello.", "  ", "How can I help?"], 3, HINT_EN)
    assert composed == compose(["Hello.\nHow can I help?"], 3, HINT_EN)
    assert composed.messages == ["Hello.\nHow can I help?"]
    assert composed.overflow is None


@pytest.mark.parametrize(
    "texts",
    [
        ["a" * 160, "b" * 160],  # joined: 321 characters, 3 segments instead of 2
        ["a" * 150, "中文"],  # joined: all UCS-2, 3 segments instead of 2
    ],
)
def test_replies_stay_apart_when_joining_costs_more(texts):
    composed = compose(texts, 3, HINT_EN)
    assert composed.messages == texts
    assert composed.overflow is None


def test_nothing_to_say_is_no_message():
    assert compose([], 3, HINT_EN).messages == []
    assert compose(["", " \n"], 3, HINT_EN).messages == []


@pytest.mark.parametrize(
    ("texts", "hint", "budget"),
    [
        ([ANSWER_EN], HINT_EN, 3),
        ([ANSWER_EN], HINT_EN, 1),
        ([ANSWER_ZH], HINT_ZH, 3),
        ([ANSWER_ZH], HINT_ZH, 1),
        (["Hi.", ANSWER_EN, ANSWER_ZH], HINT_EN, 3),
    ],
)
def test_long_answers_cut_at_a_sentence_end_within_the_budget(texts, hint, budget):
    composed = compose(texts, budget, hint)
    assert sum(count_segments(message) for message in composed.messages) <= budget
    assert composed.messages[-1].endswith(SEPARATOR + hint)
    assert composed.messages[-1].removesuffix(SEPARATOR + hint)[-1] in ".。"
    assert composed.overflow


def test_a_chinese_hint_makes_an_english_message_ucs2_and_still_fits():
    composed = compose([ANSWER_EN], 3, HINT_ZH)
    (message,) = composed.messages
    assert encoding(message) == UCS2
    assert count_segments(message) == 3


def test_the_hint_rides_on_the_message_before_when_the_last_has_no_room():
    composed = compose(["Hello.", "b" * 300], 1, HINT_EN)
    assert composed.messages == ["Hello." + SEPARATOR + HINT_EN]
    assert composed.overflow == "b" * 300


def test_the_message_before_is_cut_when_it_has_no_room_for_the_hint_either():
    first = "Short sentence. " + "a" * 120 + "."  # 1 segment; 162 characters with the hint
    composed = compose([first, "b" * 300], 1, HINT_EN)
    assert composed.messages == ["Short sentence." + SEPARATOR + HINT_EN]
    assert composed.overflow == "a" * 120 + "." + SEPARATOR + "b" * 300


def test_without_sentence_ends_the_cut_is_between_words():
    composed = compose(["word " * 200], 2, HINT_EN)
    head = composed.messages[0].removesuffix(SEPARATOR + HINT_EN)
    assert set(head.split()) == {"word"}
    assert composed.overflow.startswith("word")


def test_a_decimal_point_is_not_a_sentence_end():
    text = "The allowance is 1.5 thousand yuan " + "for each child in the family " * 10
    composed = compose([text], 1, HINT_EN)
    assert not composed.messages[0].removesuffix(SEPARATOR + HINT_EN).endswith("1.")


def test_chinese_without_punctuation_is_cut_between_characters():
    composed = compose(["中" * 300], 1, HINT_ZH)
    assert composed.messages == ["中" * (70 - 1 - len(HINT_ZH)) + SEPARATOR + HINT_ZH]


def test_chinese_is_not_cut_before_a_comma():
    text = "中" * 58 + "，" + "文" * 100  # room for 58 characters beside the hint
    composed = compose([text], 1, HINT_ZH)
    assert composed.messages[0].removesuffix(SEPARATOR + HINT_ZH) == "中" * 57
    assert composed.overflow == "中，" + "文" * 100


def test_an_emoji_at_the_cut_stays_whole():
    text = "中" * 57 + EMOJI + "文" * 100
    composed = compose([text], 1, HINT_ZH)
    assert composed.messages[0].removesuffix(SEPARATOR + HINT_ZH) == "中" * 57
    assert composed.overflow.startswith(EMOJI)


@pytest.mark.parametrize(
    ("texts", "hint", "budget"),
    [
        ([ANSWER_EN], HINT_EN, 3),
        ([ANSWER_ZH], HINT_ZH, 1),
        ([ANSWER_EN, ANSWER_ZH, "Thanks."], HINT_ZH, 2),
        (["x" * 1000], HINT_EN, 1),  # one word longer than the room, like a URL
    ],
)
def test_paging_with_more_loses_no_text(texts, hint, budget):
    pages = _page_through(texts, budget, hint)
    assert len(pages) > 1
    assert _sent_text(pages, hint) == _without_whitespace("".join(texts))


@pytest.mark.parametrize(
    ("budget", "hint"),
    [(0, HINT_EN), (1, "更多" * 40), (2, "more " * 80)],
)
def test_a_budget_without_room_for_text_is_refused(budget, hint):
    with pytest.raises(ValueError, match=r"budget|room"):
        compose(["Hello."], budget, hint)


# Characters around every boundary: escape pairs, surrogate pairs, Chinese, sentence ends, spaces.
TRICKY = st.text(
    st.sampled_from(["a", "b", " ", "€", "{", "中", "文", EMOJI, ".", "。", "，", "\n"])
)
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)))
TEXTS = st.one_of(TRICKY, ANY_TEXT, st.text("ab .", min_size=150, max_size=700))


@given(TEXTS)
def test_count_is_the_number_of_parts_a_phone_receives(text):
    parts = split_segments(text)
    assert count_segments(text) == len(parts)
    assert "".join(parts) == text
    assert all(parts)
    if len(parts) > 1:
        # Each part within the multipart capacity of the whole message's encoding.
        assert all(count_segments(part) == 1 for part in parts)


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(TEXTS, max_size=4),
    budget=st.integers(1, 5),
    hint=st.sampled_from([HINT_EN, HINT_ZH]),
)
def test_compose_keeps_to_the_budget_and_loses_no_text(texts, budget, hint):
    pages = _page_through(texts, budget, hint)
    for page in pages:
        assert sum(count_segments(message) for message in page.messages) <= budget
        assert all(message.strip() for message in page.messages)
    assert _sent_text(pages, hint) == _without_whitespace("".join(texts))
