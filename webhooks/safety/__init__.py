"""Safeguarding danger screen: spots a child in danger in any inbound message, before NLU."""

from webhooks.safety.rules import CATEGORIES, RuleFileError, default_rules
from webhooks.safety.screen import (
    CONCERN,
    DISTRESS,
    PROBABLE,
    SELF_HARM,
    SURE,
    DangerHit,
    assess,
    check,
    language_of,
)

__all__ = [
    "CATEGORIES",
    "CONCERN",
    "DISTRESS",
    "PROBABLE",
    "SELF_HARM",
    "SURE",
    "DangerHit",
    "RuleFileError",
    "assess",
    "check",
    "default_rules",
    "language_of",
]
