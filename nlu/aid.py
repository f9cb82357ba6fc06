"""Whether a family's text asks about aid: what the child or family can get, or how to apply.

Read by the app (a danger report that asks about aid gets the danger question, so an ordinary
family's "no" lets the bot answer: webhooks/messaging/inbound.py) and by the intent rules after
the classifier (nlu/components.py), so it is part of the trained model's code.
"""

from __future__ import annotations

import re

from nlu.text import normalise

# Asking what aid the child or family can get: "能领啥补助", "how do I apply for dibao". A mention
# is no question: "怕被送去福利院", "送到救助站了", "申请离婚", "his welfare".
_AID = r"(?:补助|补贴|低保|救助(?!热线|电话|中心|站)金?|生活费|特困|五保|孤儿费|助学金|钱)"
_PROGRAMME = r"(?:补助|补贴|低保|救助(?!热线|电话|中心|站)|特困|五保|孤儿|助学金|医保|报销)"
_ASKS_ABOUT_AID = re.compile(
    rf"能领|领啥|领什么|有钱领|能不能领|可以领|(?:能|可以|能不能|咋|怎么|怎样|如何|去哪)申请"
    rf"|(?:有没有|有啥|有什么|有哪些|能有|能拿|能得)[^，。,.!?？！]{{0,6}}{_AID}"
    rf"|{_AID}[^，。,.!?？！]{{0,4}}(?:吗|么|不|没有|\?|？)"
    r"|neng ling|ling sha|ling shen ?me|you sha bu|you shen ?me bu|neng shen ?qing"
    r"|zen ?me shen ?qing"
    r"|(?:bu ?zhu|bu ?tie|di ?bao) ma\b"
    r"|\b(?:can|could|how|what|which|is there|are there|any|do we|can we|eligible)\b[^.?!]{0,40}"
    r"\b(?:aid|allowances?|subsid\w*|benefits?|dibao|apply|grants?|get)\b"
    # "我想问一下低保的事", "请问孤儿补贴": asking about a programme by name (not money: "他问我
    # 要钱" is no question about aid; nor telling someone asked: "我去镇上问问低保").
    rf"|(?:想问|请问)[^，。,.!?？！]{{0,8}}{_PROGRAMME}"
    rf"|{_PROGRAMME}的事情?(?:咋|怎么|怎样)(?:办|弄)"
)
_NOT_ASKING = re.compile(r"福利院|救助站|申请离婚|welfare (?:of|teacher|officer|worker)")


def asks_about_aid(text: str) -> bool:
    """Whether the family asks about aid (a screening's question), whatever else it says."""
    plain = normalise(text).text
    return bool(_ASKS_ABOUT_AID.search(plain)) and not _NOT_ASKING.search(plain)
