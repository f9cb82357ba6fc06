"""The danger screen: does a family's message say a child is in danger, and in which language."""

from dataclasses import dataclass

from nlu.text import detect_language
from webhooks.safety.normalise import has_chinese, normalise
from webhooks.safety.pinyin import syllables
from webhooks.safety.rules import default_rules


@dataclass(frozen=True)
class DangerHit:
    """What the screen found: the kind of danger, the reply language and the rule that fired."""

    category: str
    language: str  # "zh" or "en": the language to answer the family in
    rule_id: str
    matched: str  # the words that matched, as normalised, for the case note


def check(text: str) -> DangerHit | None:
    """Screen one inbound message; return the most urgent danger it names, or None."""
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


def language_of(text: str) -> str:
    """The reply language: Chinese characters or pinyin give "zh", English words "en"."""
    # "110" or "?" says nothing; most families write Chinese, so answer in Chinese.
    return detect_language(text) or "zh"


def _latin(plain: str) -> bool:
    """Whether normalised text holds any Latin letter."""
    return any("a" <= char <= "z" for char in plain)
