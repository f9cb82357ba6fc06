"""Toneless pinyin, typed with or without spaces, as a stream of syllables the screen can match."""

import re

from nlu.text import split_syllables

# A break between runs of pinyin: punctuation, CJK or a word that is not pinyin.
BREAK = "|"
_TOKEN = re.compile(r"[a-z]+|[0-9]+|[^a-z0-9\s]+")


def syllables(text: str) -> str:
    """Rewrite normalised text as space-separated syllables and numbers, BREAK between runs."""
    parts: list[str] = []
    for token in _TOKEN.findall(text.replace("'", " ")):
        if token.isdigit():
            parts.append(token)  # "3 tian" is as good as "san tian"
            continue
        split = split_syllables(token) if token.isalpha() and token.isascii() else None
        parts.extend(split or (BREAK,))
    return " ".join(parts)
