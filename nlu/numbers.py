"""Numbers in families' messages: "三千五", "3千", "1.2万", "500块", "five hundred", "7岁".

Numerals are read by maintained libraries (cn2an for Chinese, text2num for English words); this
module only finds them in a normalised text and tells what they count: an age, money or people.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cn2an
from text_to_num import text2num

_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_NUMERAL = f"[{_CN_DIGITS}十百千万亿点]"
# Digits or Chinese numerals, mixed as people type them: 3500, 1,500, 1.2万, 3千5, 三千五, 5k.
_NUMBER = re.compile(rf"(?:\d[\d,]*(?:\.\d+)?|{_CN_NUMERAL})(?:\d|\.\d|{_CN_NUMERAL})*(?:k\b|w\b)?")
_ENGLISH_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "million",
]
_ENGLISH_NUMBER = re.compile(
    rf"\b(?:{'|'.join(_ENGLISH_WORDS)})(?:(?:[\s-]+|\s+and\s+)(?:{'|'.join(_ENGLISH_WORDS)}))*\b"
)

_AGE_AFTER = re.compile(r"\s*(?:周岁|岁|sui\b|years?\s*old|yrs?\b|year-old|years?\b)")
_MONEY_AFTER = re.compile(r"\s*(?:块钱|块|元|圆|yuan\b|kuai\b|rmb\b|dollars?\b)")
_MONEY_BEFORE = re.compile(
    r"(?:¥|￥|rmb|yuan|收入|挣|赚|工资|每月|每个月|一个月|月入|income|earn\w*|salary|wages?|"
    r"\bmy pay|\bpay is|take[- ]home|"
    r"yi ?ge ?yue|mei ?ge ?yue|mei ?yue|yue ?ru|gong ?zi|zhuan|shou ?ru)\s*$"
)
# "2400 a month", "1500 per month": an amount by the month is money, unless the clause spends
# it or counts something else ("pay 800 a month rent", "calls 1 per month").
_MONTHLY_AFTER = re.compile(r"\s*(?:(?:a|per|each|every)\s+month\b|/\s*month\b|monthly\b)")
_NOT_EARNED = re.compile(
    r"rent|repay|loan|fee|medicine|medical|cost|owe|debt|bill|spend|pay\b|paying|calls?|times"
    r"|visits?|房租|还|欠|药|花"
)
# A number of times or a span of time, whatever money word came before: "yi ge yue 2 ci".
_NOT_AN_AMOUNT_AFTER = re.compile(
    r"\s*(?:(?:ci|hui|tang|nian|tian|ge yue|zhou|times?|years?|days?|weeks?)\b|次|回|趟|年|天|周)"
)
_COUNT_AFTER = re.compile(r"\s*(?:口人|口|个人|人|people|persons?)")
# "一个月", "一下", "一直": a lone Chinese numeral that is part of a word, not a number.
_PERIOD_AFTER = re.compile(r"\s*(?:个月|月|年|天|次|下|直|起|样|定|般|些|点儿|边)")
_LONE_CN = re.compile(rf"[{_CN_DIGITS}十]")
_MULTIPLIERS = {"k": 1000, "w": 10000}


@dataclass(frozen=True)
class Number:
    """A number found in a text: its value, where it is, and what it counts if the text says."""

    value: Decimal
    start: int
    end: int
    unit: str | None  # "age" | "money" | "count" | None

    @property
    def whole(self) -> int | None:
        return int(self.value) if self.value == self.value.to_integral_value() else None


def find_numbers(text: str) -> list[Number]:
    """Every number in a normalised (lower-case, simplified) text, in order."""
    found = []
    for match in _ENGLISH_NUMBER.finditer(text):
        value = _english(match.group())
        if value is not None:
            found.append(_with_unit(text, value, match.start(), match.end()))
    position = 0
    while match := _NUMBER.search(text, position):
        position = match.end()
        if any(number.start <= match.start() < number.end for number in found):
            continue
        if _is_word_not_number(text, match):
            continue
        # "一千五一个月" is 一千五 then 一个月: take the longest start that reads as a number.
        for end in range(match.end(), match.start(), -1):
            value = _numeral(text[match.start() : end])
            if value is not None:
                found.append(_with_unit(text, value, match.start(), end))
                position = end
                break
    return sorted(found, key=lambda number: number.start)


def parse_number(text: str) -> Decimal | None:
    """The value of a text that is one number ("三千五", "1.2万", "five hundred"), else None."""
    numbers = find_numbers(text)
    return numbers[0].value if len(numbers) == 1 else None


def _english(words: str) -> Decimal | None:
    try:
        return Decimal(text2num(re.sub(r"\s+", " ", words.replace("-", " ")), "en"))
    except ValueError:
        return None


def _numeral(numeral: str) -> Decimal | None:
    numeral = numeral.replace(",", "")
    multiplier = _MULTIPLIERS.get(numeral[-1], 1)
    if multiplier != 1:
        numeral = numeral[:-1]
    try:
        return Decimal(numeral) * multiplier
    except InvalidOperation:
        pass
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cn2an warns before it raises
        try:
            value = cn2an.cn2an(numeral, "smart")
        except (ValueError, KeyError, IndexError):
            return None
    return Decimal(str(value)) * multiplier


def _is_word_not_number(text: str, match: re.Match[str]) -> bool:
    numeral = match.group()
    if not _LONE_CN.fullmatch(numeral):
        return False
    after = text[match.end() :]
    return bool(_PERIOD_AFTER.match(after)) or (
        bool(after) and "\u4e00" <= after[0] <= "\u9fff" and not _unit_after(after)
    )


def _unit_after(after: str) -> str | None:
    for unit, pattern in (("age", _AGE_AFTER), ("money", _MONEY_AFTER), ("count", _COUNT_AFTER)):
        if pattern.match(after):
            return unit
    return None


# "for 5 years", "sentenced to 7 years", "3 years ago": bare years are a span of time, not an age.
_BARE_YEARS = re.compile(r"\s*(?:years?|yrs?)\b(?![\s-]*old)")
_SPAN_BEFORE = re.compile(
    r"\b(?:for|sentenced to|got|gave him|given|been|past|last|over|nearly|almost|after|within)"
    r"\s*$"
)
_SPAN_AFTER = re.compile(
    r"\s*(?:years?|yrs?)\s+(?:ago|back|now|already|in prison|in jail|no|not|without|since|"
    r"gone|away|missing)\b"
)


def _with_unit(text: str, value: Decimal, start: int, end: int) -> Number:
    unit = _unit_after(text[end:])
    span = _SPAN_BEFORE.search(text[:start]) or _SPAN_AFTER.match(text[end:])
    if unit == "age" and _BARE_YEARS.match(text[end:]) and span:
        unit = None
    clause = re.split(r"[,，。.!！?？;；]", text[:start])[-1]
    monthly = _MONTHLY_AFTER.match(text[end:]) and not _NOT_EARNED.search(clause)
    if (
        unit is None
        and (
            (_MONEY_BEFORE.search(text[:start]) or monthly)
            or re.search(r"[千万]|\d[kw]$", text[start:end])  # not the w of "two" or "twenty"
        )
        and not _NOT_AN_AMOUNT_AFTER.match(text[end:])
    ):
        unit = "money"
    return Number(value, start, end, unit)
