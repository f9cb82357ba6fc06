"""Count SMS segments as carriers bill them; compose a turn's replies within a segment budget."""

import bisect
import functools
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import gsm0338

GSM7 = "GSM-7"
UCS2 = "UCS-2"

# Characters in one unsplit message, and in each part once split: the rest of a part carries the
# header the phone needs to put the parts back together.
CAPACITY = {GSM7: (160, 153), UCS2: (70, 67)}

# A line break costs one unit in both encodings and reads as a paragraph on a basic phone.
SEPARATOR = "\n"

# Cut after these; the ASCII ones only when a space or the end follows, so "3.5" stays whole.
CJK_SENTENCE_ENDS = "。！？"
ASCII_SENTENCE_ENDS = ".!?"

# No line should start with a closing mark ("，", "）") or end with an opening one ("（").
CLOSING = ("Pe", "Pf", "Po")
OPENING = ("Ps", "Pi")

# The costliest first character a message can have (two UCS-2 units), for checking the hint.
_WIDEST_CHARACTER = "\U0001f4ac"

_GSM = gsm0338.Codec()


@dataclass(frozen=True)
class Composed:
    """What to send this turn, in order, and the rest to send when the family replies MORE."""

    messages: list[str]
    overflow: str | None = None


@functools.cache
def _septets(char: str) -> int | None:
    """Septets the character takes in GSM-7 (2 for the extension table), None if it has none."""
    if char == "\x1b":
        return None  # sent bare, the escape would swallow the character after it
    try:
        return len(_GSM.encode(char)[0])
    except UnicodeEncodeError:
        return None


def _utf16_units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def encoding(text: str) -> str:
    """GSM-7 when every character is in the GSM 03.38 alphabet, else UCS-2 for the whole text."""
    return GSM7 if all(_septets(char) is not None for char in text) else UCS2


def split_segments(text: str) -> list[str]:
    """The parts a phone receives, in order; empty text is no message at all (Twilio refuses it).

    Each character stays whole in one part, so an escape pair or a surrogate pair that would
    straddle a boundary moves to the next part, as carriers do.
    """
    if not text:
        return []
    text_encoding = encoding(text)
    unit_cost = _septets if text_encoding == GSM7 else _utf16_units
    costs = [unit_cost(char) for char in text]
    single, per_part = CAPACITY[text_encoding]
    if sum(costs) <= single:
        return [text]
    parts, start, used = [], 0, 0
    for index, cost in enumerate(costs):
        if used + cost > per_part:
            parts.append(text[start:index])
            start, used = index, 0
        used += cost
    parts.append(text[start:])
    return parts


def count_segments(text: str) -> int:
    """Segments the text is billed as; 0 for empty text, which is never sent."""
    return len(split_segments(text))


def compose(texts: Sequence[str], budget: int, more_hint: str) -> Composed:
    """The bot's replies for one turn as messages costing at most `budget` segments in all.

    Consecutive replies are joined when that costs no more than sending them apart; what does not
    fit is cut at the last sentence end, else word or CJK character boundary, followed by
    `more_hint`, and returned as overflow, which composes the same way for the next MORE.
    """
    if budget < 1:
        raise ValueError(f"budget must be at least 1 segment, not {budget}")
    if count_segments(_WIDEST_CHARACTER + SEPARATOR + more_hint) > budget:
        raise ValueError(f"more_hint {more_hint!r} leaves no room for text in {budget} segments")
    messages = _merge([text.strip() for text in texts if text.strip()])
    if sum(count_segments(message) for message in messages) <= budget:
        return Composed(messages)
    return _cut_to_budget(messages, budget, more_hint)


def _merge(replies: list[str]) -> list[str]:
    messages: list[str] = []
    for reply in replies:
        if messages and _joining_costs_nothing(messages[-1], reply):
            messages[-1] += SEPARATOR + reply
        else:
            messages.append(reply)
    return messages


def _joining_costs_nothing(first: str, second: str) -> bool:
    # Joining can cost more: 160 + 160 GSM characters, or English joined to Chinese becoming UCS-2.
    apart = count_segments(first) + count_segments(second)
    return count_segments(first + SEPARATOR + second) <= apart


def _cut_to_budget(messages: list[str], budget: int, more_hint: str) -> Composed:
    costs = [count_segments(message) for message in messages]
    first_over = 0
    while sum(costs[: first_over + 1]) <= budget:
        first_over += 1
    # The hint rides on the last message sent; when the message that overflows leaves no room for
    # it, cut the one before instead.
    for index in range(first_over, -1, -1):
        cut = _cut(messages[index], budget - sum(costs[:index]), more_hint)
        if cut is not None:
            head, tail = cut
            rest = [tail, *messages[index + 1 :]] if tail else messages[index + 1 :]
            sent = [*messages[:index], head + SEPARATOR + more_hint]
            return Composed(sent, SEPARATOR.join(rest))
    raise AssertionError("compose checked that the hint fits beside any first character")


def _cut(text: str, room: int, more_hint: str) -> tuple[str, str] | None:
    """The longest head of the text that fits `room` segments with the hint, and the rest."""

    def fits(position: int) -> bool:
        return count_segments(text[:position].rstrip() + SEPARATOR + more_hint) <= room

    for boundaries in (_sentence_ends, _word_breaks, _character_breaks):
        position = _last_fitting(boundaries(text), fits)
        if position is not None:
            return text[:position].rstrip(), text[position:].lstrip()
    return None


def _last_fitting(positions: list[int], fits: Callable[[int], bool]) -> int | None:
    # A shorter head never costs more segments, so `fits` is True up to some position, then False.
    index = bisect.bisect_left(positions, True, key=lambda position: not fits(position))
    return positions[index - 1] if index else None


def _sentence_ends(text: str) -> list[int]:
    """Positions after a sentence end or before a line break, and the end of the text."""
    return [
        position
        for position in range(1, len(text) + 1)
        if position == len(text)
        or text[position - 1] in CJK_SENTENCE_ENDS
        or (text[position - 1] in ASCII_SENTENCE_ENDS and text[position].isspace())
        or text[position] == "\n"
    ]


def _word_breaks(text: str) -> list[int]:
    """Positions before a space, or between Chinese characters, which need no spaces."""
    return [
        position
        for position in range(1, len(text))
        if text[position].isspace() or _between_cjk(text[position - 1], text[position])
    ]


def _between_cjk(before: str, after: str) -> bool:
    return (
        (_is_cjk(before) or _is_cjk(after))
        and unicodedata.category(before) not in OPENING
        and unicodedata.category(after) not in CLOSING
    )


def _is_cjk(char: str) -> bool:
    """A wide letter or punctuation mark: Chinese characters and full-width punctuation."""
    is_wide = unicodedata.east_asian_width(char) in ("W", "F")
    return is_wide and unicodedata.category(char)[0] in ("L", "P")


def _character_breaks(text: str) -> list[int]:
    """Every position between two characters: a word longer than the room (a URL) still goes."""
    return list(range(1, len(text)))
