"""Safeguarding danger screen: spots a child in danger in any inbound message, before NLU."""

from webhooks.safety.emergency import emergency_text
from webhooks.safety.rules import CATEGORIES, RuleFileError, default_rules
from webhooks.safety.screen import DangerHit, check, language_of

__all__ = [
    "CATEGORIES",
    "DangerHit",
    "RuleFileError",
    "check",
    "default_rules",
    "emergency_text",
    "language_of",
]
