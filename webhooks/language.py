"""Which language a family wrote in, from the script alone: Chinese characters or pinyin -> zh."""

import re

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[a-z]+")
# Pinyin syllables that are rarely English words, enough to tell "dibao zenme shenqing" apart.
PINYIN_MARKERS = re.compile(
    r"\b(?:zenme|shenme|haizi|buzhu|dibao|shenqing|nali|meiyou|keyi|xiexie|nihao|wawa|baba|mama|"
    r"yeye|nainai|laoshi|qian|duoshao|bangzhu|wo|ni|ta|de|le|ma|ne|zai|shi|bu|you|yao|gei)\b"
)


def detect(text: str) -> str | None:
    """zh, en, or None when the text alone cannot tell (a digit, "ok", an emoji)."""
    if HAN.search(text):
        return "zh"
    words = LATIN_WORD.findall(text.lower())
    if not words:
        return None
    pinyin = sum(1 for w in words if PINYIN_MARKERS.fullmatch(w))
    if pinyin * 2 >= len(words) and len(words) >= 2:
        return "zh"
    if len(words) == 1 and len(words[0]) <= 2:
        return None
    return "en"
