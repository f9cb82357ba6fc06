"""A family asking for a person, wherever in the message they say it.

The intent classifier reads a message as a whole: "我想找儿童主任 孩他爸坐牢了 我家在红旗村"
looks like a story to screen, and the family's request for a person would be lost. These
phrases name the request outright ("找儿童主任", "转人工", "talk to a person", "zhao ren gong"),
so they decide the intent whatever else the message says, unless the family says they do not
want one ("不用找人工", "no need to call me").
"""

from __future__ import annotations

import re

from .text import normalise, split_syllables

# Who a family asks for, in the words they use (simplified, after normalising).
_WHO = (
    r"(?:儿童主任|儿童督导员|督导员|主任|工作人员|人工|真人|活人|个人|社工|专干|干部|民政的人"
    r"|管(?:这|这个)事的人|负责的人|领导|客服)"
)
_ZH = re.compile(
    "|".join(
        (
            rf"[找搵揾](?:一下|一个|个|你们的?|村里的?|乡里的?|镇上的?)?{_WHO}",
            r"转(?:给)?(?:人工|真人|主任|儿童主任)",
            r"人工服务|要人工|有没有人工",
            rf"(?:跟|和|同|给){_WHO}(?:当面)?(?:说|聊|讲|谈)",
            rf"(?:让|叫|请|派)(?:{_WHO}|个人)[^。，,.!?！？]{{0,6}}"
            r"(?:联系|打个?电话|回个?电话|回我|来)",
            r"(?:请|能|可以|麻烦)(?:你们|人)?(?:给|跟)我打(?:个)?电话|回个?电话给我",
        )
    )
)
_EN = re.compile(
    r"\b(?:(?:talk|speak|chat)\s+(?:to|with)\s+(?:a|an|the|some|your|a\s+real)?\s*"
    r"(?:person|human|worker|someone|somebody|staff|director|officer|social\s+worker|people)"
    r"|(?:please|pls|can\s+you|could\s+you|can\s+someone|someone)\s+(?:call|ring|contact|phone)\s+me"
    r"|call\s+me\s+back"
    r"|(?:need|want)\s+(?:a|an)\s+(?:real\s+)?(?:person|human|worker|social\s+worker)"
    r"|real\s+person|human\s+please|transfer\s+me)\b"
)
# Toneless pinyin, as syllables with one space between them ("zhaoertongzhuren" split too).
_PINYIN = re.compile(
    r"\b(?:zhao\s+(?:ge\s+|yi\s+ge\s+)?(?:er\s+tong\s+zhu\s+ren|zhu\s+ren|gong\s+zuo\s+ren\s+yuan"
    r"|ren\s+gong|zhen\s+ren)|zhuan\s+ren\s+gong|ren\s+gong\s+fu\s+wu)\b"
)
_NOT_WANTED = re.compile(
    r"(?:不用|不要|不需要|别|不必|没必要)(?:再)?(?:找|转|叫|让|派|给我打|打电话|人工)"
    r"|\b(?:no\s+need\s+to|(?:i|we)\s+(?:don'?t|do\s+not)\s+(?:need|want)(?:\s+to)?)\s+"
    r"(?:talk|speak|call|contact|a\s+person|a\s+human|a\s+worker|anyone)"
    r"|\b(?:bu\s+yong|bu\s+yao)\s+(?:zhao|zhuan)\b"
)


def asks_for_person(text: str) -> bool:
    """Whether the message asks outright for a person (and does not turn one down)."""
    plain = normalise(text).text
    syllables = _as_syllables(plain)
    if _NOT_WANTED.search(plain) or _NOT_WANTED.search(syllables):
        return False
    return bool(_ZH.search(plain) or _EN.search(plain) or _PINYIN.search(syllables))


def _as_syllables(plain: str) -> str:
    """The Latin words of the message, each split into pinyin syllables where it is pinyin."""
    words = []
    for word in re.findall(r"[a-z]+", plain):
        words.extend(split_syllables(word) or (word,))
    return " ".join(words)
