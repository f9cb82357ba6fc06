"""How the danger screen reads a message apart from its danger words: its clauses, its question
about aid and its framing (what the classifier reads without them), and replies that only
answer the bot's questions about the child (what the classifier does not read)."""

import re

from nlu.text import CJK
from webhooks.safety.normalise import normalise

# What a reply to the bot's questions about the child is made of: numbers, an age, the child,
# the child's sex and school year, or not knowing. Ages are much of the classifier's danger data
# ("14岁女孩被逼嫁人"), so on its own "14" or "my daughter is 14" read as danger to it; so did
# "我不知道" (0.80: a worker's case, and the bot fell silent) and "我也不知道啊" (0.59).
_ANSWER_WORDS = re.compile(
    r"不知道|不清楚|不晓得|不记得|也|啊|呀|呢|吧|哦|\b(i )?(don'?t know|dunno|idk|not sure)\b"
    r"|[0-9]+|[零一二两三四五六七八九十]+|周?岁|年级|初中|高中|小学|幼儿园|今年|现在|刚满|快满|满|上|读|了|啦"
    r"|孩子|小孩|娃|女儿|儿子|闺女|孙子|孙女|外孙女?|男孩|女孩|男娃|女娃|男的|女的|男|女|她|他|是|初|高"
    r"|我家|俺家|我的|我|俺|的"
    r"|\b(my|our|son|daughter|kid|child|boy|girl|grandson|granddaughter|he's|she's|he|she|is|was"
    r"|just|turned|years?|yrs?|old|yo|y/o|grade|sui|nan|nv|hai ?zi|jin ?nian)\b|[\s.,，。!！?？~～]"
)


def just_an_answer(text: str) -> bool:
    """Whether the message only answers a question about the child: "14", "十四岁了", "女孩",
    "my daughter is 14", "我也不知道啊". The classifier does not read such a reply; the rules
    still do."""
    plain = normalise(text)
    return bool(plain) and not _ANSWER_WORDS.sub("", plain)


# What the rest of an aid question often is: who the child lives with, and where the parents
# are ("孙女14了 她爸妈都不在了"). Read alone, the classifier takes that for a child left alone.
# Read after the answer words (so without 了): "走", "跑", "死" and "没" are never facts here
# ("孩子跑了" is read by the classifier).
_FAMILY_WORDS = re.compile(
    r"爸爸?|妈妈?|父母|父亲|母亲|爹|娘|爷爷|奶奶|姥姥|姥爷|外公|外婆|们|都|也|早就?|已经|就|一直"
    r"|不在|去世|过世|改嫁|离婚|坐牢|服刑|在外地?|打工|出去"
    r"|好几年|几年|多年|年|跟着?|和|一起|过|住|带着?|家里|家|人"
)


def just_family_facts(text: str) -> bool:
    """Whether the message only tells the family's facts: the child's age and sex, where the
    parents are, who the child lives with ("孙女14了 她爸妈都不在了", "跟着奶奶过")."""
    plain = normalise(text)
    return bool(plain) and not _FAMILY_WORDS.sub("", _ANSWER_WORDS.sub("", plain))


# Words that make a clause about aid: the programmes, applying, papers, money for a need.
AID_WORDS = re.compile(
    r"低保|五保|特困|综援|救济|补助|补贴|救助|资助|助学|申请|报销|津贴|手续|孤儿|无人抚养|营养餐"
    r"|学费|减免|补偿|残疾证|医保|材料|资料|表格|dibao|di bao|allowance|\baid\b|apply|applied"
    r"|relief|welfare|benefits?\b|scholarship|subsid|support is there|bu ?tie|jiu ?zhu|shen ?qing"
    r"|buzhu|zi ?zhu|bao ?xiao|gu'?er\b"
)
# Words that make a clause the message's framing rather than what it tells: greetings, thanks, a
# worker addressed by name, papers, and questions.
FRAMING = re.compile(
    r"^[\u4e00-\u9fff]{0,3}(姐|主任|书记|老师|同志|社工)(你好|您好|好)?$|你好|您好|谢谢|多谢|唔该|麻烦"
    r"|户口|入户|上户|转学|入学|保险|身份证|出生证|证明|材料|资料|表格|文件|签字"
    r"|请问|想问|问一下|问下|问问|咨询|怎么办|怎么弄|怎么改|能不能|可不可以|需要什么|要带什么"
    r"|[吗呢][?？]?$|[?？]$|^(hi|hello|dear|thanks|thank you|how|what|where|which|can|could|does"
    r"|do|is there|are there|any|fyi|ms|mr|miss)\b|\b(hukou|id card|insurance|papers|documents)\b"
    r"|qing ?wen|xiang wen|zen ?me|shen ?me|ni hao|xie xie|zhu ?ren|shou ?xu|cai ?liao|bao ?xian"
)
# Clauses: split at punctuation, at spaces next to Chinese (a phone's way to end a clause), after
# a question about aid typed without either ("想问下低保怎么申请俺家那口子…"), and after the 嘛
# that ends a spoken clause, as speech-to-text writes it ("他爸以前喝了酒就打人嘛那是以前了现在
# 戒了"; not 干嘛), and after a look back ("那都是以前的事了现在娃娃跟我"). Not after 啊 or 呀,
# which end a vocative as often ("孩子啊").
_CLAUSE_END = re.compile(
    rf"[，。！？、,.!?;；:：～~…/\n]+|(?<=[{CJK}])\s+|\s+(?=[{CJK}])"
    rf"|(?:(?<=申请|申請)|(?<=吗|嗎)|(?<=怎么办|怎麼辦)|(?<=[^干]嘛)|(?<=的事了|以前了)|(?<=的事情了))(?=[{CJK}])"
)


def clauses(text: str) -> list[str]:
    return [clause.strip() for clause in _CLAUSE_END.split(text) if clause.strip()]


def without_aid_question(text: str) -> str | None:
    """The message without its clauses about aid, or None if none is about aid or all are."""
    return without(text, AID_WORDS)


def without(text: str, *kinds: re.Pattern[str]) -> str | None:
    """The message without the clauses any of these patterns finds, or None if none or all."""
    parts = clauses(text)
    kept = [part for part in parts if not any(kind.search(normalise(part)) for kind in kinds)]
    if not kept or len(kept) == len(parts):
        return None
    return " ".join(kept)
