"""Bring a family's message to one form before the danger screen reads it."""

import re

from nlu.text import CJK, has_chinese, simplified

__all__ = ["has_chinese", "has_latin", "normalise", "simplified"]

# Sentence ends become newlines, which "." in a rule pattern never crosses, so a pattern with
# a gap (".{0,6}") stays inside one sentence. Commas are left alone: a clause may continue.
_SENTENCE_END = re.compile(r"[。！？；!?;\n\r]+|\.{2,}|\.(?=\s|$)")
_SPACES = re.compile(r"[^\S\n]+")
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}]) (?=[{CJK}])")


def normalise(text: str) -> str:
    """Return the text in NFKC, lower case, simplified characters, one space between words."""
    # NFKC turns full-width letters, digits and punctuation into their ASCII forms.
    text = simplified(text).lower().replace("ü", "v").replace("’", "'")
    text = _SENTENCE_END.sub("\n", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    # "孩 子 被 打" is typed with spaces on some phones; Chinese has none between words.
    return _SPACE_BETWEEN_CJK.sub("", text).strip()


def has_latin(plain: str) -> bool:
    """Whether normalised text holds any Latin letter."""
    return any("a" <= char <= "z" for char in plain)
