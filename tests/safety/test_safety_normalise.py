"""Normalisation, pinyin splitting and reply-language detection for the danger screen."""

import pytest

from nlu.language import detect_language
from nlu.text import split_syllables
from webhooks.safety.normalise import normalise
from webhooks.safety.pinyin import syllables
from webhooks.safety.screen import check, language_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("孩子被繼父打了", "孩子被继父打了"),  # traditional to simplified
        ("ＨＡＩＺＩ　ｂｅｉ ｄａ", "haizi bei da"),  # full-width letters and space
        ("孩 子 被 打 了", "孩子被打了"),  # spaces between characters
        ("My  Son   is MISSING", "my son is missing"),  # case and runs of spaces
        ("I’m dying", "i'm dying"),  # curly apostrophe
        ("孩子不见了！快来", "孩子不见了\n快来"),  # sentence ends become line breaks
        ("３天没回家", "3天没回家"),  # full-width digits
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("haizibeidale", ("hai", "zi", "bei", "da", "le")),
        ("taxiangzisha", ("ta", "xiang", "zi", "sha")),
        ("buxianghuole", ("bu", "xiang", "huo", "le")),
        ("nver", ("nv", "er")),
        ("xian", ("xian",)),  # fewest syllables, not "xi an"
        ("daughter", None),
    ],
)
def test_segment(word, expected):
    assert split_syllables(word) == expected


def test_syllables_break_at_english_and_punctuation():
    assert syllables("haizi bei da le, help") == "hai zi bei da le | |"


@pytest.mark.parametrize(
    "text",
    [
        "haizi bei da le",
        "haizibeidale",
        "HAIZI BEI DA LE",
        "hai zi bei da le",
        "ｈａｉｚｉ ｂｅｉ ｄａ ｌｅ",
    ],
)
def test_pinyin_with_or_without_spaces_is_screened(text):
    hit = check(text)
    assert hit is not None and hit.language == "zh"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ta xiang zisha", "zh"),
        ("wo erzi bu jian le", "zh"),
        ("hao", None),
        ("she is alone", "en"),
        ("a man touched my daughter", "en"),
        ("you hate me", "en"),
        ("ok", None),
    ],
)
def test_pinyin_reads_as_chinese_and_english_as_english(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("孩子发烧了", "zh"),
        ("孩子發燒了", "zh"),
        ("ta xiang zisha", "zh"),
        ("My son has a fever", "en"),
        ("HELP", "en"),
        ("110", "zh"),  # no letters at all: the helpline's main language
        ("", "zh"),
    ],
)
def test_language_of(text, language):
    assert language_of(text) == language
