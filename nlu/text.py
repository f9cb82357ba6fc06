"""Families' messages in one form: simplified characters, pinyin read as Chinese.

Pure Python (opencc, pypinyin): the Rasa components and the actions use it, and so may the app.
Offsets are kept: every character of a normalised text knows the span of the message it came from,
so entities found in the normalised text point back into what the family typed. (Over 400
lines: most of it is the list of English words that are also pinyin.)
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin, pinyin

# The languages the helpline answers in, for the app and the bot alike.
_TO_SIMPLIFIED = OpenCC("t2s")
CJK = r"\u3400-\u9fff\uf900-\ufaff"
_HAS_CJK = re.compile(f"[{CJK}]")
_CJK_RUN = re.compile(f"[{CJK}]+")
# The longest word respelt by its sound.
RESPELL_LONGEST = 6
LATIN_WORD = re.compile(r"[a-z]+")
_SPACES = re.compile(r"\s+")

# English words that are also pinyin syllables (or runs of them): they do not make a message pinyin.
ENGLISH_LOOKALIKES = frozenset(
    [
        "a",
        "an",
        "ban",
        "bang",
        "bin",
        "bun",
        "can",
        "change",
        "chase",
        "china",
        "den",
        "die",
        "din",
        "ding",
        "dun",
        "fan",
        "fang",
        "gang",
        "gene",
        "gong",
        "hang",
        "he",
        "hen",
        "hung",
        "ken",
        "king",
        "lane",
        "lean",
        "lie",
        "line",
        "long",
        "ma",
        "man",
        "me",
        "mean",
        "men",
        "mine",
        "more",
        "name",
        "nine",
        "nun",
        "pa",
        "pan",
        "pen",
        "pie",
        "ping",
        "pong",
        "pun",
        "ran",
        "run",
        "same",
        "sang",
        "she",
        "shame",
        "sin",
        "sing",
        "song",
        "sun",
        "tan",
        "tea",
        "ten",
        "tie",
        "tin",
        "tune",
        "wan",
        "wang",
        "wing",
        "you",
        "zen",
    ]
)


@dataclass(frozen=True)
class Normalised:
    """A normalised text, and for each of its characters the [start, end) it came from."""

    text: str
    spans: tuple[tuple[int, int], ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original message behind text[start:end]."""
        return self.spans[start][0], self.spans[end - 1][1]


def has_chinese(text: str) -> bool:
    return bool(_HAS_CJK.search(text))


def simplified(text: str) -> str:
    """The text in NFKC with traditional characters made simplified."""
    return _simplify(unicodedata.normalize("NFKC", text)).text


def normalise(text: str, pinyin_words: PinyinIndex | None = None) -> Normalised:
    """NFKC, lower case, simplified characters, one space between words, pinyin as Chinese words.

    Pinyin runs become the Chinese words of `pinyin_words` (the vocabulary the bot was trained on);
    without it, pinyin stays as typed.
    """
    chars, spans = [], []
    for index, char in enumerate(text):
        for piece in unicodedata.normalize("NFKC", char).lower().replace("ü", "v"):
            chars.append(" " if piece.isspace() else piece)
            spans.append((index, index + 1))
    simple = _simplify("".join(chars), tuple(spans))
    spaced = _squeeze(simple)
    return pinyin_words.respell(pinyin_words.convert(spaced)) if pinyin_words else spaced


@cache
def syllables() -> frozenset[str]:
    """Every toneless Mandarin syllable, "v" for ü, from pypinyin's own dictionary."""
    found: set[str] = set()
    for code in range(0x4E00, 0x9FA6):
        found.update(pinyin(chr(code), style=Style.NORMAL, heteronym=True, v_to_u=False)[0])
    found = {s for s in found if s.isascii() and s.isalpha() and re.search("[aeiouv]", s)}
    # Phones have no ü: families type 虐 as "nve" or "nue", 略 as "lve" or "lue".
    return frozenset(found | {s.replace("v", "u") for s in found})


def split_syllables(word: str) -> tuple[str, ...] | None:
    """The fewest pinyin syllables a lower-case word splits into, or None if it is not pinyin."""
    known = syllables()
    best: list[tuple[str, ...] | None] = [None] * len(word) + [()]
    for start in range(len(word) - 1, -1, -1):
        for end in range(min(len(word), start + 6), start, -1):
            rest = best[end]
            if rest is not None and word[start:end] in known:
                candidate = (word[start:end], *rest)
                if best[start] is None or len(candidate) < len(best[start]):
                    best[start] = candidate
    return best[0]


def is_pinyin_word(word: str) -> bool:
    return word not in ENGLISH_LOOKALIKES and split_syllables(word) is not None


@cache
def _sounds(word: str) -> str:
    """A word's toneless pinyin as typed, unblurred ("zhigao" for 职高)."""
    return "".join(lazy_pinyin(word, v_to_u=False))


def pinyin_key(syllable_run: Iterable[str]) -> str:
    """The lookup key of pinyin as families type it: no tones, and zh/ch/sh, -ng blurred."""
    key = "".join(syllable_run)
    return re.sub(r"([zcs])h", r"\1", key).replace("ng", "n")


class PinyinIndex:
    """Chinese words by their toneless pinyin, to read "dibao zenme shenqing" as 低保 怎么 申请.

    Built from a vocabulary (the Chinese words of the training data); where two words sound
    alike, the more frequent one wins.
    """

    def __init__(self, words: Iterable[str]) -> None:
        counts = Counter(word for word in words if word and all(_HAS_CJK.match(c) for c in word))
        self.words: dict[str, str] = {}
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        for word, _ in ranked:
            self.words.setdefault(pinyin_key(lazy_pinyin(word, v_to_u=False)), word)
        self.known = frozenset(counts)

    def respell(self, normalised: Normalised) -> Normalised:
        """Chinese typed with the wrong characters of the right sound (泥好, 在见, 底保), as a
        pinyin keyboard offers them, respelt as the vocabulary's word: only where the written
        characters are no word of the vocabulary, the word sounds the same, and one character
        was chosen wrongly (see _slip). The offsets stay as they were."""
        text = normalised.text
        chars = list(text)
        for run in _CJK_RUN.finditer(text):
            word, start = run.group(), run.start()
            sounds = [pinyin_key([syllable]) for syllable in lazy_pinyin(word)]
            position = 0
            while position < len(word) - 1:
                for length in range(min(RESPELL_LONGEST, len(word) - position), 1, -1):
                    written = word[position : position + length]
                    if written in self.known:
                        position += length - 1  # a word as it is: leave it, and its characters
                        break
                    meant = self.words.get("".join(sounds[position : position + length]))
                    if (
                        meant
                        and len(meant) == length
                        and self._slip(written, meant)
                        and not self._in_a_word(word, position, written, meant)
                    ):
                        chars[start + position : start + position + length] = meant
                        position += length - 1
                        break
                position += 1
        return Normalised("".join(chars), normalised.spans)

    def _in_a_word(self, word: str, position: int, written: str, meant: str) -> bool:
        """Whether the character to respell belongs to a word of the vocabulary with its
        neighbours ("有癫痫" is 有 + 癫痫, not 有点 + 痫)."""
        pairs = zip(written, meant, strict=True)
        wrong = position + next(i for i, (a, b) in enumerate(pairs) if a != b)
        for start in range(max(0, wrong - RESPELL_LONGEST + 1), wrong + 1):
            for end in range(wrong + 1, min(len(word), start + RESPELL_LONGEST) + 1):
                if end - start > 1 and word[start:end] in self.known:
                    return True
        return False

    def _slip(self, written: str, meant: str) -> bool:
        """A keyboard's slip: one character chosen wrongly, the rest in place, and the wrong one
        no word here on its own ("底保" is 低保; "大娃" stays: 大 is a word, and 打娃 another)."""
        wrong = [a for a, b in zip(written, meant, strict=True) if a != b]
        return len(wrong) == 1 and wrong[0] not in self.known

    def convert(self, normalised: Normalised) -> Normalised:
        """The text with each run of pinyin words replaced by the Chinese words it spells."""
        text, spans = normalised.text, normalised.spans
        words = LATIN_WORD.findall(text)
        pinyin_count = sum(map(is_pinyin_word, words))
        # In an English message only longer words count: "wage" is no 娃 + ge.
        single = pinyin_count > len(words) - pinyin_count
        out_chars: list[str] = []
        out_spans: list[tuple[int, int]] = []
        position = 0
        for run in _pinyin_runs(text, english=not single):
            out_chars.extend(text[position : run[0][0]])
            out_spans.extend(spans[position : run[0][0]])
            converted = self._convert_run(text, spans, run, single)
            if converted is None:
                out_chars.extend(text[run[0][0] : run[-1][1]])
                out_spans.extend(spans[run[0][0] : run[-1][1]])
            else:
                out_chars.extend(converted[0])
                out_spans.extend(converted[1])
            position = run[-1][1]
        out_chars.extend(text[position:])
        out_spans.extend(spans[position:])
        return _squeeze(Normalised("".join(out_chars), tuple(out_spans)))

    def _convert_run(
        self,
        text: str,
        spans: tuple[tuple[int, int], ...],
        run: list[tuple[int, int]],
        single: bool,
    ) -> tuple[str, list[tuple[int, int]]] | None:
        # The run's syllables, each with the span of the message it was typed in.
        parts: list[tuple[str, tuple[int, int]]] = []
        for start, end in run:
            offset = start
            for syllable in split_syllables(text[start:end]) or ():
                parts.append((syllable, (spans[offset][0], spans[offset + len(syllable) - 1][1])))
                offset += len(syllable)
        # Fewest pieces: a known word is one piece; a syllable no word covers costs more.
        count = len(parts)
        best: list[tuple[tuple[int, int], list[tuple[int, int, str | None]]] | None]
        best = [None] * count + [((0, 0), [])]
        for start in range(count - 1, -1, -1):
            for end in range(min(count, start + 8), start, -1):
                rest = best[end]
                if rest is None:
                    continue
                word = self.words.get(pinyin_key(s for s, _ in parts[start:end]))
                if end - start == 1 and not single:
                    word = None
                if word is None and end - start > 1:
                    continue
                cost = (1 if end - start > 1 else 2) if word else 3
                # Between readings as good, the one whose words sound exactly as typed
                # ("shang zhigao" is 上 职高, not 嗓子 告: sh/s and zh/z are blurred to match).
                blurred = int(
                    bool(word) and _sounds(word) != "".join(s for s, _ in parts[start:end])
                )
                candidate = (
                    (cost + rest[0][0], blurred + rest[0][1]),
                    [(start, end, word), *rest[1]],
                )
                if best[start] is None or candidate[0] < best[start][0]:
                    best[start] = candidate
        chosen = best[0]
        if chosen is None or all(word is None for _, _, word in chosen[1]):
            return None
        chars: list[str] = []
        char_spans: list[tuple[int, int]] = []
        for start, end, word in chosen[1]:
            if word is None:  # no word: the syllable stays as typed, a word of its own
                syllable, span = parts[start]
                chars.extend(f" {syllable} ")
                char_spans.extend([span] * (len(syllable) + 2))
                continue
            if len(word) == end - start:
                char_spans.extend(parts[start + i][1] for i in range(len(word)))
            else:
                whole = (parts[start][1][0], parts[end - 1][1][1])
                char_spans.extend([whole] * len(word))
            chars.extend(word)
        return "".join(chars), char_spans


def _pinyin_runs(text: str, english: bool) -> list[list[tuple[int, int]]]:
    """Runs of consecutive pinyin words (by character offsets), broken by anything else.

    In an English message a run of words English also has ("can you") is left alone.
    """
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    last_end = 0

    def close() -> None:
        if current and not (english and all(text[s:e] in ENGLISH_LOOKALIKES for s, e in current)):
            runs.append(list(current))
        current.clear()

    for match in LATIN_WORD.finditer(text):
        if text[last_end : match.start()].strip(" '"):
            close()
        if split_syllables(match.group()) is not None:
            current.append((match.start(), match.end()))
        else:
            close()
        last_end = match.end()
    close()
    return runs


def _simplify(text: str, spans: tuple[tuple[int, int], ...] | None = None) -> Normalised:
    spans = spans if spans is not None else tuple((i, i + 1) for i in range(len(text)))
    if not has_chinese(text):
        return Normalised(text, spans)
    converted = _TO_SIMPLIFIED.convert(text)
    if len(converted) != len(text):  # a phrase changed length: convert character by character
        converted = "".join(_TO_SIMPLIFIED.convert(char)[:1] or char for char in text)
    return Normalised(converted, spans)


def _spaced_out(text: str, space: int) -> bool:
    """Whether the space sits between single characters ("孩 子 被 打", typed on some phones)."""
    before = text[:space].rstrip().rsplit(" ", 1)[-1]
    after = text[space + 1 :].lstrip().split(" ", 1)[0]
    return len(before) == 1 or len(after) == 1


def _squeeze(normalised: Normalised) -> Normalised:
    """One space between words, none at the ends, none between Chinese characters."""
    text, spans = normalised.text, normalised.spans
    chars: list[str] = []
    kept: list[tuple[int, int]] = []
    for index, char in enumerate(text):
        if char == " ":
            before = chars[-1] if chars else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            if not before or before == " " or after in ("", " "):
                continue
            if _HAS_CJK.match(before) and _HAS_CJK.match(after) and _spaced_out(text, index):
                continue
        chars.append(char)
        kept.append(spans[index])
    return Normalised("".join(chars), tuple(kept))
