"""The danger screen: does a family's message say a child is in danger, and in which language.

Two layers, both in this process and before any NLU, so neither waits for Rasa or the queue:
the rules (phrases/, fast and explainable: what a supervisor wrote) and the classifier
(classifier.py: danger told as a situation, without alarm words). `check` is the rules alone;
`assess` is what the helpline acts on, with how sure it is.
"""

import functools
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
PROBABLE_AT = 0.88
DISTRESS_AT = 0.8
# A guarded rule hit (the past, a story, a joke) that the classifier rates below this is dropped.
GUARDED_DROP_AT = 0.1
# An unguarded rule hit that the classifier rates below this is probable, not sure: the numbers
# still go, with the question, so a family whose ordinary words set off a rule can say so.
RULE_DOUBTED_BELOW = 0.1
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
    at least. An unguarded rule hit always alarms; below RULE_DOUBTED_BELOW it is probable, so
    the family is asked too.
    """
    hit = check(text)
    if not text.strip():
        return hit
    probability = _probability(text)
    if hit is not None:
        if probability >= PROBABLE_AT:
            return hit
        dismissed = _dismissed(text)
        if not dismissed and not _a_talk(text):  # unguarded
            if probability >= RULE_DOUBTED_BELOW:
                return hit
            return replace(hit, level=PROBABLE, probability=round(probability, 3))
        if probability < GUARDED_DROP_AT and dismissed:
            return None
        level = PROBABLE if probability >= DISTRESS_AT else DISTRESS
        return replace(hit, level=level, probability=round(probability, 3))
    if probability < DISTRESS_AT:
        return None
    level = SURE if probability >= SURE_AT else PROBABLE if probability >= PROBABLE_AT else DISTRESS
    return DangerHit(
        SITUATION, language_of(text), "classifier", text[:80], level, round(probability, 3)
    )


def _probability(text: str) -> float:
    """The classifier's estimate for the message, or for its story without the clauses that ask
    about aid, whichever is higher: a danger told in passing in a question about aid ("想问下低保
    怎么申请 俺家那口子把6岁的小子关柴房里 从昨天到现在没放出来") reads as an aid question
    to the classifier as a whole, since families' aid questions are most of what it learned as
    ordinary."""
    model = default_model()
    probability = model.probability(text)
    if story := without_aid_question(text):
        probability = max(probability, model.probability(story))
    return probability


# Words that make a clause about aid: the programmes, applying, papers, money for a need.
AID_WORDS = re.compile(
    r"低保|补助|补贴|救助|资助|助学|申请|报销|津贴|手续|材料|孤儿|无人抚养|营养餐|学费|减免|补偿"
    r"|残疾证|dibao|allowance|\baid\b|apply|applied|relief|scholarship|subsid|support is there"
    r"|bu ?tie|jiu ?zhu|shen ?qing|bu ?zhu|zi ?zhu|bao ?xiao|gu'?er"
)
# Clauses: split at punctuation, and at spaces next to Chinese (a phone's way to end a clause).
_CLAUSE_END = re.compile(rf"[，。！？、,.!?;；:：\n]+|(?<=[{CJK}])\s+|\s+(?=[{CJK}])")


def without_aid_question(text: str) -> str | None:
    """The message without its clauses about aid, or None if none is about aid or all are."""
    clauses = [clause.strip() for clause in _CLAUSE_END.split(text) if clause.strip()]
    story = [clause for clause in clauses if not AID_WORDS.search(normalise(clause))]
    if not story or len(story) == len(clauses):
        return None
    return " ".join(story)


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


def _dismissed(text: str) -> bool:
    """Guarded by words that may drop a rule's hit altogether (the past, a story, a court's
    decision, a joke): not a talk or a class, whose words can come with a real disclosure."""
    return _says(text, GUARD) or (_says(text, JOKE) and not _says(text, NOW))


def _a_talk(text: str) -> bool:
    return _says(text, TOPIC) and not _says(text, NOW)


def _says(text: str, kind: str) -> bool:
    plain = normalise(text)
    zh, en, pinyin = _guards(kind)
    return bool(
        (has_chinese(plain) and zh.search(plain))
        or (_latin(plain) and (en.search(plain) or pinyin.search(syllables(plain))))
    )


GUARD, JOKE, TOPIC, NOW = "guard", "joke", "topic", "now"


@functools.cache
def _guard_groups() -> dict:
    """guards.yml, read once."""
    return yaml.safe_load(GUARDS_FILE.read_text(encoding="utf-8"))


@functools.cache
def _guards(kind: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """guards.yml compiled: one pattern per form of the message, for the `joke` words, the
    `topic` words, the `now` words (which cancel both) or every other group (GUARD)."""
    data = _guard_groups()

    def words(language: str) -> list[str]:
        groups = data[language].items()
        chosen = {
            w
            for name, group in groups
            if name == kind or (kind == GUARD and name not in (JOKE, TOPIC, NOW))
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
