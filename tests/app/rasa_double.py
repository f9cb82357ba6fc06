"""Rasa's REST channel as the turn job meets it, answering from a script instead of a model.

Tests about the inbox need the bot only to answer and, sometimes, to hand a family over; the
real Rasa stack (70 s to start) is for the tests about the bot itself.
"""

from dataclasses import dataclass, field
from typing import Any

from webhooks.rasa import BotReply

GREETING = "您好，这里是儿童福利热线。可以问孩子能领什么补助。"
HANDOFF_REPLY = "好的，已经转给儿童主任，他们会尽快用短信回复您。"


@dataclass
class ScriptedRasa:
    """Answers GREETING to anything, unless a rule's words are in the family's message."""

    rules: list[tuple[str, BotReply]] = field(default_factory=list)
    heard: list[str] = field(default_factory=list)

    def send(self, sender: str, text: str, metadata: dict[str, Any]) -> BotReply:
        self.heard.append(text)
        for words, reply in self.rules:
            if words in text:
                return reply
        return BotReply(texts=[GREETING])

    def hands_off(self, words: str, **handoff: Any) -> None:
        """When the family says `words`, the bot hands over with this payload."""
        payload = {"reason": "requested", "priority": "normal", "summary": "", **handoff}
        self.rules.append((words, BotReply(texts=[HANDOFF_REPLY], payloads=[{"handoff": payload}])))
