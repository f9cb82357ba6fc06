"""Which language a family writes in or asks for, and whether they ask to stop the questions.

Shared by the app and the bot's actions; not part of the trained model (nlu/components.py never
imports it), so editing it does not retrain the bot.
"""

from __future__ import annotations

import re
import unicodedata

from nlu.text import (
    ENGLISH_LOOKALIKES,
    LATIN_WORD,
    has_chinese,
    is_pinyin_word,
    normalise,
    simplified,
    split_syllables,
)

LANGUAGES = ("zh", "en")

# Answers that say nothing about the language a family prefers.
# "td" is the opt-out code Chinese carriers use, typed in either language.
NEUTRAL_WORDS = frozenset(["ok", "okay", "yes", "no", "y", "n", "hmm", "oh", "td"])

# Asking for the other language. Checked on the normalised text, so traditional and pinyin count.
_WANTS = {
    "en": re.compile(
        r"\b(english|in english|speak english|english please|eng)\b|英文|英语|ying ?wen|ying ?yu"
    ),
    "zh": re.compile(
        r"\b(chinese|in chinese|mandarin|zhong ?wen|han ?yu|putonghua|pu tong hua)\b"
        r"|^(中文|汉语|普通话)|(说|讲|用|发|回)(中文|汉语|普通话)|(中文|汉语)(吧|回复|就行|可以吗)"
    ),
}
# "我看不懂英文", "I don't read Chinese": the family wants the other language.
_CANNOT = re.compile(r"不懂|看不懂|不会|不认识|\b(don'?t|do not|can'?t|cannot|no)\b")
_OTHER = {"zh": "en", "en": "zh"}
# "English please" is short: a long message that merely mentions English is not a request.
_REQUEST_MAX_WORDS = 6

# Stopping a screening half way: "算了", "不问了", "stop asking", "cancel".
_STOP = re.compile(
    r"算了|不问了|不查了|不测了|不弄了|不答了|不想答|不想回答|不用问了|别问了|取消|退出|结束吧|"
    r"\b(cancel|quit|stop asking|stop the questions|forget it|never mind|nevermind)\b|"
    r"\b(no more questions)\b|"
    r"\b(suan le|bu wen le|bu cha le|qu xiao)\b"
)


def detect_language(text: str) -> str | None:
    """ "zh" for Chinese characters or pinyin, "en" for English, None when a message cannot tell.

    Numbers alone, a neutral answer ("ok", "yes") or one short pinyin syllable do not tell:
    the conversation's language stands. One English word does ("hello", "thanks").
    """
    plain = simplified(unicodedata.normalize("NFKC", text).lower())
    if has_chinese(plain):
        return "zh"
    words = [word for word in LATIN_WORD.findall(plain) if word not in NEUTRAL_WORDS]
    if not words:
        return None
    pinyin_words = [word for word in words if is_pinyin_word(word)]
    if len(words) == 1 and (pinyin_words or words[0] in ENGLISH_LOOKALIKES):
        # "dibao", "nihao" are Chinese; "ma", "wo" or "she" alone could be anything.
        return "zh" if len(split_syllables(words[0]) or ()) >= 2 and pinyin_words else None
    return "zh" if len(pinyin_words) > len(words) - len(pinyin_words) else "en"


def language_request(text: str) -> str | None:
    """The language a family asks for ("English please", "说中文"), or None."""
    plain = normalise(text).text
    if len(plain.split()) > _REQUEST_MAX_WORDS:
        return None
    for language, wants in _WANTS.items():
        if wants.search(plain):
            return _OTHER[language] if _CANNOT.search(plain) else language
    return None


def wants_to_stop(text: str) -> bool:
    """Whether the family asks to stop the questions ("算了", "stop asking")."""
    return bool(_STOP.search(normalise(text).text))
