"""The danger screen: does a family's message say a child is in danger, and in which language.

Two layers, both in this process and before any NLU, so neither waits for Rasa or the queue:
the rules (phrases/, fast and explainable: what a supervisor wrote) and the classifier
(classifier.py: danger told as a situation, without alarm words). `check` is the rules alone;
`assess` is what the helpline acts on, with how sure it is.
"""

from dataclasses import dataclass, replace

from nlu.language import detect_language
from webhooks.safety import guards
from webhooks.safety.classifier import default_model
from webhooks.safety.reading import (
    AID_WORDS,
    FRAMING,
    just_an_answer,
    just_family_facts,
    without,
)
from webhooks.safety.rules import matches

# How sure the screen is, and what the helpline does about it (webhooks/messaging/inbound.py):
SURE = "sure"  # emergency numbers, an urgent case, alerts
PROBABLE = "probable"  # the same, and one question whose answer sets the case's priority
DISTRESS = "distress"  # no alarm: a case for a worker instead of the bot answering alone
CONCERN = "concern"  # no alarm: the bot answers, and a worker reads the message too
# The classifier's probability from which each level starts (make safety-eval shows the
# trade-off on the tuning and blind sets).
SURE_AT = 0.97
PROBABLE_AT = 0.86
DISTRESS_AT = 0.8
# Below DISTRESS_AT a message no rule names is still read by a worker down to this, while the bot
# answers the family as ever: blind danger messages that reached no one lie here as often as
# below (fifteenth session: at 0.8, 25 of the seventeen blind sets' 2,350 danger messages
# reached nobody; from 0.5, 8), and so do 1.4 % of the intent sets' ordinary questions (22 of
# 1,522), each then a normal case for a worker: the family still gets the bot's answer.
CONCERN_AT = 0.5
_LEVELS = ((SURE, SURE_AT), (PROBABLE, PROBABLE_AT), (DISTRESS, DISTRESS_AT))
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
# at 0.018 and "宝宝吞了一颗电池 现在没事了吗 要去医院吗" at 0.02. Not higher: at 0.1 (twelfth
# session) five training subsamples moved 8 more blind controls off the numbers and no blind
# danger message, but review probes told plainly went too ("前幾年佢都打過個仔 今日又打到個仔
# 成身血", "he's choking her 😂 what do i do", both rated 0.04).
RULE_OVERRULED_BELOW = 0.02
SELF_HARM = "suicide_self_harm"  # a category (rules.CATEGORIES) the helpline answers apart
NEVER_OVERRULED = frozenset({"immediate_danger", "sexual_abuse", SELF_HARM})
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
    hint: bool = False  # a rule that names a sign of danger, not danger told

    @property
    def alarm(self) -> bool:
        """Whether the family gets the emergency numbers."""
        return self.level in (SURE, PROBABLE)


def assess(text: str, answering: bool = False) -> DangerHit | None:
    """Both layers: a rule's hit, else the classifier's estimate turned into a level.

    A rule's hit in a message about the past, a story, a game or a joke (guards.yml) that the
    classifier reads as ordinary is no alarm: below GUARDED_DROP_AT the bot answers, up to
    DISTRESS_AT a worker reads it (distress), and up to PROBABLE_AT the family gets the
    numbers and the question (probable). A talk or a class is never dropped: a worker reads it
    at least. An unguarded rule hit alarms; below RULE_DOUBTED_BELOW it is probable, so the
    family is asked too, and below RULE_OVERRULED_BELOW it is distress (a worker reads it). A
    hint rule's hit is a worker's read unless the classifier reads danger too (_a_sign); so is a
    self-harm rule's hit guarded by a joke's words alone, never dropped. A
    rule's hit is weighed against the classifier's reading of the whole message: its readings
    without the question (_probability) find danger no rule names, and would read an old story
    told with an aid question as new. A message no rule names is the classifier's: sure,
    probable, distress, or from CONCERN_AT a worker's read while the bot answers (concern).
    A reply to the bot's own screening question (`answering`) that the classifier alone reads as
    distress is a concern: the family is answering about the parents, a crisis, health or
    school (a parent in prison, in rehab or dead), which the classifier learned as danger
    told ("他妈吸毒进去了 爸爸跑了 孩子跟我" read 0.81), and the screening goes on while a
    worker reads it.
    """
    hit = check(text)
    if not text.strip():
        return hit
    if hit is not None and hit.hint:
        return _a_sign(text, hit)
    if hit is not None:
        probability = default_model().probability(text)
        if probability >= PROBABLE_AT:
            return hit
        told_as_past = guards.a_story_or_the_past(text, hit.matched)
        joke, talk = guards.a_joke(text, hit.matched), guards.a_talk(text)
        # How it ended is no guard of self-harm: surviving an attempt is the crisis ("女儿跳楼了
        # 抢救过来了").
        over = told_as_past or (hit.category != SELF_HARM and guards.ended(text))
        dismissed = over or joke
        if not dismissed and not talk:  # unguarded
            if probability >= RULE_DOUBTED_BELOW:
                return hit
            # Read without its question about aid too: "我老公天天打孩子 能申请低保吗" rates
            # 0.001 as written, since aid questions are most of what the classifier learned as
            # ordinary, and 0.89 without the question.
            probability = _probability(text, hit)
            overruled = probability < RULE_OVERRULED_BELOW and hit.category not in NEVER_OVERRULED
            level = DISTRESS if overruled else PROBABLE
            return replace(hit, level=level, probability=round(probability, 3))
        level = PROBABLE if probability >= DISTRESS_AT else DISTRESS
        if hit.category == SELF_HARM and joke and not told_as_past and not talk:
            # Self-harm told with a laugh ("哈哈哈哈😂😂 我吃了一整瓶安眠药 现在好困 拜拜"), as
            # children tell it: a sign (an urgent case for a worker, inbound.py), never dropped.
            return replace(hit, level=level, probability=round(probability, 3), hint=True)
        if probability < GUARDED_DROP_AT and dismissed and not talk:
            return None
        return replace(hit, level=level, probability=round(probability, 3))
    # "14": a reply to the bot's question about the child's age; "她爸妈都不在了": about the
    # parents. The rules still read them.
    if just_an_answer(text) or just_family_facts(text):
        return None
    probability = _probability(text)
    if probability < CONCERN_AT:
        return None
    level = next((level for level, start in _LEVELS if probability >= start), CONCERN)
    if answering and level == DISTRESS:
        level = CONCERN
    return DangerHit(
        SITUATION, language_of(text), "classifier", text[:80], level, round(probability, 3)
    )


def _a_sign(text: str, hit: DangerHit) -> DangerHit | None:
    """A hint rule's hit: a sign of danger ("以后你们就不用管我了", "没有我你们会更好"), which
    ordinary messages also give ("我考上大学了 以后你们就不用为我操心了"). A worker reads it
    (distress) unless the classifier reads danger too, or it is told as past or a story and the
    classifier reads it as ordinary."""
    probability = _probability(text, hit)
    if probability >= PROBABLE_AT:
        level = SURE if probability >= SURE_AT else PROBABLE
    elif probability < GUARDED_DROP_AT and guards.dismissed(text, hit.matched):
        return None
    else:
        level = DISTRESS
    return replace(hit, level=level, probability=round(probability, 3))


def _probability(text: str, hit: DangerHit | None = None) -> float:
    """The classifier's estimate for the message, or for what it tells without the question it
    asks, whichever is higher. A danger told in passing in a question about aid ("想问下低保怎么
    申请 俺家那口子把6岁的小子关柴房里 从昨天到现在没放出来") reads as an aid question to the
    classifier as a whole, since families' aid questions are most of what it learned as
    ordinary: the message without its clauses about aid counts at any estimate. Without the rest
    of its framing too (greetings, a worker's name, papers, any other question: "王姐 户口的事办好
    了 谢谢你 现在他们家里人来抢孩子了 拿着棍子"), it counts only when the classifier is sure:
    what is left of an aid story is often a hard story from the past. With a rule's hit, the
    guards read the message without the words it matched (guards.dismissed)."""
    model = default_model()
    probability = model.probability(text)
    readings = []
    if (story := without(text, AID_WORDS)) and not just_family_facts(story):
        readings.append(model.probability(story))
    told = without(text, AID_WORDS, FRAMING)
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
    if best > probability and not guards.dismissed(text, hit and hit.matched):
        return best
    return probability


def check(text: str) -> DangerHit | None:
    """The rules alone: the most urgent danger a phrase names, or None; a hint rule's sign of
    danger only when no other rule names one."""
    sign = None  # a hint rule's hit counts only when no other rule fires
    for rule, match in matches(text):
        hit = DangerHit(rule.category, language_of(text), rule.id, match.group(), hint=rule.hint)
        if not rule.hint:
            return hit
        sign = sign or hit
    return sign


def language_of(text: str) -> str:
    """The reply language: Chinese characters or pinyin give "zh", English words "en"."""
    # "110" or "?" says nothing; most families write Chinese, so answer in Chinese.
    return detect_language(text) or "zh"
