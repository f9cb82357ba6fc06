"""The danger screen: does a family's message say a child is in danger, and in which language.

Two layers, both in this process and before any NLU, so neither waits for Rasa or the queue:
the rules (phrases/, fast and explainable: what a supervisor wrote) and the classifier
(classifier.py: danger told as a situation, without alarm words). `check` is the rules alone;
`assess` is what the helpline acts on, with how sure it is.
"""

import functools
import itertools
import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from nlu.language import detect_language
from nlu.text import CJK
from webhooks.safety.classifier import default_model
from webhooks.safety.normalise import has_chinese, normalise
from webhooks.safety.pinyin import syllables
from webhooks.safety.rules import default_rules

# How sure the screen is, and what the helpline does about it (webhooks/messaging/inbound.py):
SURE = "sure"  # emergency numbers, an urgent case, alerts
PROBABLE = "probable"  # the same, and one question whose answer sets the case's priority
DISTRESS = "distress"  # no alarm: a case for a worker instead of the bot answering alone
# The classifier's probability from which each level starts (make safety-eval shows the
# trade-off on the tuning and blind sets).
SURE_AT = 0.97
PROBABLE_AT = 0.86
DISTRESS_AT = 0.8
# A guarded rule hit (the past, a story, a joke) that the classifier rates below this is dropped.
GUARDED_DROP_AT = 0.1
# An unguarded rule hit that the classifier rates below this is probable, not sure: the numbers
# still go, with the question, so a family whose ordinary words set off a rule can say so.
RULE_DOUBTED_BELOW = 0.1
# Below this the classifier overrules an unguarded rule hit: distress, a worker reads it and the
# family is told to call 110 if a child is in danger, but gets no emergency numbers (an ordinary
# story whose words set off a rule: "春游跟大部队走散了四十多分钟 最后在游客中心找到了"). Its
# readings without a question about aid count (_probability). No danger message of the tuning,
# blind and tuning-round sets was rated this low by any of five training subsamples. Never for
# an immediate danger, or a disclosure of sexual abuse or self-harm, which children tell
# flippantly: retrained models have read "my teacher touched me down there lmao what do i do"
# at 0.018 and "宝宝吞了一颗电池 现在没事了吗 要去医院吗" at 0.02.
RULE_OVERRULED_BELOW = 0.02
NEVER_OVERRULED = frozenset({"immediate_danger", "sexual_abuse", "suicide_self_harm"})
GUARDS_FILE = Path(__file__).parent / "guards.yml"
SITUATION = "situation"  # the category of a classifier finding: a situation, not a phrase


@dataclass(frozen=True)
class DangerHit:
    """What the screen found: the kind of danger, the reply language and what fired."""

    category: str
    language: str  # "zh" or "en": the language to answer the family in
    rule_id: str  # the rule, or "classifier"
    matched: str  # the words that matched, as normalised, for the case note
    level: str = SURE
    probability: float | None = None  # the classifier's, when it decided

    @property
    def alarm(self) -> bool:
        """Whether the family gets the emergency numbers."""
        return self.level in (SURE, PROBABLE)


def assess(text: str) -> DangerHit | None:
    """Both layers: a rule's hit, else the classifier's estimate turned into a level.

    A rule's hit in a message about the past, a story, a game or a joke (guards.yml) that the
    classifier reads as ordinary is no alarm: below GUARDED_DROP_AT the bot answers, up to
    DISTRESS_AT a worker reads it (distress), and up to PROBABLE_AT the family gets the
    numbers and the question (probable). A talk or a class is never dropped: a worker reads it
    at least. An unguarded rule hit alarms; below RULE_DOUBTED_BELOW it is probable, so the
    family is asked too, and below RULE_OVERRULED_BELOW it is distress (a worker reads it). A
    rule's hit is weighed against the classifier's reading of the whole message: its readings
    without the question (_probability) find danger no rule names, and would read an old story
    told with an aid question as new.
    """
    hit = check(text)
    if not text.strip():
        return hit
    if hit is not None:
        probability = default_model().probability(text)
        if probability >= PROBABLE_AT:
            return hit
        dismissed = _dismissed(text, hit)
        if not dismissed and not _a_talk(text):  # unguarded
            if probability >= RULE_DOUBTED_BELOW:
                return hit
            # Read without its question about aid too: "我老公天天打孩子 能申请低保吗" rates
            # 0.001 as written, since aid questions are most of what the classifier learned as
            # ordinary, and 0.89 without the question.
            probability = _probability(text, hit)
            overruled = probability < RULE_OVERRULED_BELOW and hit.category not in NEVER_OVERRULED
            level = DISTRESS if overruled else PROBABLE
            return replace(hit, level=level, probability=round(probability, 3))
        if probability < GUARDED_DROP_AT and dismissed:
            return None
        level = PROBABLE if probability >= DISTRESS_AT else DISTRESS
        return replace(hit, level=level, probability=round(probability, 3))
    # "14": a reply to the bot's question about the child's age; "她爸妈都不在了": about the
    # parents. The rules still read them.
    if just_an_answer(text) or just_family_facts(text):
        return None
    probability = _probability(text)
    if probability < DISTRESS_AT:
        return None
    level = SURE if probability >= SURE_AT else PROBABLE if probability >= PROBABLE_AT else DISTRESS
    return DangerHit(
        SITUATION, language_of(text), "classifier", text[:80], level, round(probability, 3)
    )


# What a reply to the bot's questions about the child is made of: numbers, an age, the child,
# the child's sex and school year. Ages are much of the classifier's danger data ("14岁女孩被逼
# 嫁人"), so on its own "14" or "my daughter is 14" read as danger to it.
_ANSWER_WORDS = re.compile(
    r"[0-9]+|[零一二两三四五六七八九十]+|周?岁|年级|初中|高中|小学|幼儿园|今年|现在|刚满|快满|满|上|读|了|啦"
    r"|孩子|小孩|娃|女儿|儿子|闺女|孙子|孙女|外孙女?|男孩|女孩|男娃|女娃|男的|女的|男|女|她|他|是|初|高"
    r"|我家|俺家|我的|我|俺|的"
    r"|\b(my|our|son|daughter|kid|child|boy|girl|grandson|granddaughter|he's|she's|he|she|is|was"
    r"|just|turned|years?|yrs?|old|yo|y/o|grade|sui|nan|nv|hai ?zi|jin ?nian)\b|[\s.,，。!！?？~～]"
)


def just_an_answer(text: str) -> bool:
    """Whether the message only answers a question about the child: "14", "十四岁了", "女孩",
    "my daughter is 14". The classifier does not read such a reply; the rules still do."""
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


def _probability(text: str, hit: DangerHit | None = None) -> float:
    """The classifier's estimate for the message, or for what it tells without the question it
    asks, whichever is higher. A danger told in passing in a question about aid ("想问下低保怎么
    申请 俺家那口子把6岁的小子关柴房里 从昨天到现在没放出来") reads as an aid question to the
    classifier as a whole, since families' aid questions are most of what it learned as
    ordinary: the message without its clauses about aid counts at any estimate. Without the rest
    of its framing too (greetings, a worker's name, papers, any other question: "王姐 户口的事办好
    了 谢谢你 现在他们家里人来抢孩子了 拿着棍子"), it counts only when the classifier is sure:
    what is left of an aid story is often a hard story from the past. With a rule's hit, the
    guards read the message without the words it matched (_dismissed)."""
    model = default_model()
    probability = model.probability(text)
    readings = []
    if (story := _without(text, AID_WORDS)) and not just_family_facts(story):
        readings.append(model.probability(story))
    told = _without(text, AID_WORDS, FRAMING)
    if (
        told
        and told != story
        and not just_family_facts(told)
        and (estimate := model.probability(told)) >= SURE_AT
    ):
        readings.append(estimate)
    best = max(readings, default=probability)
    # An old story told with a question is still an old story. Asked only when a reading would
    # count: the guards run every rule on each clause, and this runs on every message.
    if best > probability and not _dismissed(text, hit):
        return best
    return probability


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
# Clauses: split at punctuation, at spaces next to Chinese (a phone's way to end a clause), and
# after a question about aid typed without either ("想问下低保怎么申请俺家那口子…").
_CLAUSE_END = re.compile(
    rf"[，。！？、,.!?;；:：～~…/\n]+|(?<=[{CJK}])\s+|\s+(?=[{CJK}])"
    rf"|(?:(?<=申请|申請)|(?<=吗|嗎)|(?<=怎么办|怎麼辦))(?=[{CJK}])"
)


def clauses(text: str) -> list[str]:
    return [clause.strip() for clause in _CLAUSE_END.split(text) if clause.strip()]


def without_aid_question(text: str) -> str | None:
    """The message without its clauses about aid, or None if none is about aid or all are."""
    return _without(text, AID_WORDS)


def _without(text: str, *kinds: re.Pattern[str]) -> str | None:
    """The message without the clauses any of these patterns finds, or None if none or all."""
    parts = clauses(text)
    kept = [part for part in parts if not any(kind.search(normalise(part)) for kind in kinds)]
    if not kept or len(kept) == len(parts):
        return None
    return " ".join(kept)


def check(text: str) -> DangerHit | None:
    """The rules alone: the most urgent danger a phrase names, or None."""
    plain = normalise(text)
    latin, chinese = _latin(plain), has_chinese(plain)
    # Each rule reads one form of the message; a form with nothing to read is skipped.
    forms = {
        ("zh", "text"): plain if chinese else "",
        ("en", "text"): plain if latin else "",
        ("zh", "pinyin"): syllables(plain) if latin else "",
    }
    for rule in default_rules():
        prepared = forms[rule.language, rule.form]
        match = rule.find(prepared) if prepared else None
        if match is not None:
            return DangerHit(rule.category, language_of(text), rule.id, match.group())
    return None


def guarded(text: str) -> bool:
    """Whether the message says it is about the past, a story or a game; or that it is a joke
    or about a talk or a class, unless it also says the danger is now ("笑死 我刚把药全吃了": a
    joke's words, and a danger now; "training on abuse tonight? no, he is hitting her right
    now")."""
    return _dismissed(text) or _a_talk(text)


def _dismissed(text: str, hit: DangerHit | None = None) -> bool:
    """Guarded by words that may drop a rule's hit altogether (the past, how it ended, a story,
    a court's decision, a joke): not a talk or a class, whose words can come with a real
    disclosure. A story's or a joke's word inside the words the rule matched is no guard ("he
    plays a secret game with her": the game is the danger)."""
    framed = normalise(text).replace(hit.matched, " ") if hit is not None else text
    return (
        _says(framed, GUARD)
        or _says(_statements(text), RESOLVED)  # "现在没事了吗" asks; it does not say
        or _about_the_past(text)
        or (_says(framed, JOKE) and not _says(text, NOW))
    )


def _statements(text: str) -> str:
    return " ".join(part for part in clauses(text) if not _QUESTION.search(part))


_QUESTION = re.compile(r"[吗嗎吧][?？]?$|[?？]$")


_SENTENCE_END = re.compile(r"[。！？!?\n]+")


def _about_the_past(text: str) -> bool:
    """Whether the danger is told as past: every clause a rule fires on is past. A clause is
    past when it, or a clause before it, says when in the past ("孩子去年在老家被人欺负 被打得
    头破血流"), and neither it nor a clause between says now ("前几年他就打过孩子 今天又把孩子
    打得流血", "他现在打孩子比以前还狠"); nor is it past when a later clause says it is happening
    again ("去年他把孩子打进了医院 现在又开始打了"). A phrase that fires only across two
    clauses is judged on the clause it starts in; across more, on the whole message."""
    parts, past = [], []
    for sentence in _SENTENCE_END.split(text):  # a new sentence starts afresh
        then = False
        for part in clauses(sentence):
            then = not _says(part, PRESENT) and (then or _says(part, PAST))
            parts.append(part)
            past.append(then)
    fired = [when for part, when in zip(parts, past, strict=True) if check(part)]
    if fired and all(fired) and _happening_again(parts, past):
        return False
    if not fired:
        fired = [
            when
            for (part, when), (after, _) in itertools.pairwise(zip(parts, past, strict=True))
            if check(f"{part} {after}") and not check(after)
        ]
    if not fired:
        return _says(text, PAST) and not _says(text, PRESENT)
    return all(fired)


def _happening_again(parts: list[str], past: list[bool]) -> bool:
    """Whether a clause after the first past one says the danger is happening again."""
    first = past.index(True) if True in past else len(parts)
    return any(_says(part, AGAIN) for part in parts[first + 1 :])


def _a_talk(text: str) -> bool:
    return _says(text, TOPIC) and not _says(text, NOW)


def _says(text: str, kind: str) -> bool:
    plain = normalise(text)
    zh, en, pinyin = _guards(kind)
    return bool(
        (has_chinese(plain) and zh.search(plain))
        or (_latin(plain) and (en.search(plain) or pinyin.search(syllables(plain))))
    )


GUARD, PAST, PRESENT, RESOLVED, JOKE, TOPIC, NOW, AGAIN = (
    "guard",
    "past",
    "present",
    "resolved",
    "joke",
    "topic",
    "now",
    "again",
)


@functools.cache
def _guard_groups() -> dict:
    """guards.yml, read once."""
    return yaml.safe_load(GUARDS_FILE.read_text(encoding="utf-8"))


@functools.cache
def _guards(kind: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """guards.yml compiled: one pattern per form of the message, for the `joke` words, the
    `topic` words, the `now` words (which cancel both), the `past` and `present` words (read
    clause by clause; `again` after a past one makes it now), the `resolved` words, or a story
    or a court's decision (GUARD)."""
    data = _guard_groups()

    def words(language: str) -> list[str]:
        groups = data[language].items()
        chosen = {
            w
            for name, group in groups
            if name == kind or (kind == GUARD and name in ("story", "handled"))
            for w in group
        }
        return sorted(chosen, key=len, reverse=True)

    zh = "|".join(re.escape(normalise(w)) for w in words("zh"))
    en = "|".join(words("en"))  # already patterns: "when (?:he|she) was small"
    pinyin = "|".join(re.escape(w) for w in words("pinyin"))
    return (
        re.compile(zh),
        re.compile(rf"\b(?:{en})\b"),
        re.compile(rf"(?<![a-z])(?:{pinyin})(?![a-z])"),
    )


def language_of(text: str) -> str:
    """The reply language: Chinese characters or pinyin give "zh", English words "en"."""
    # "110" or "?" says nothing; most families write Chinese, so answer in Chinese.
    return detect_language(text) or "zh"


def _latin(plain: str) -> bool:
    """Whether normalised text holds any Latin letter."""
    return any("a" <= char <= "z" for char in plain)
