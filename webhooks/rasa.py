"""The Rasa server's REST channel, as the turn job sees it."""

from dataclasses import dataclass, field
from typing import Any

import requests


class RasaUnavailable(Exception):
    """Rasa did not answer in time or answered with an error; the turn is retried."""


@dataclass
class BotReply:
    texts: list[str] = field(default_factory=list)
    payloads: list[dict[str, Any]] = field(default_factory=list)


class RasaClient:
    def __init__(self, base_url: str, timeout: float):
        self._url = base_url.rstrip("/") + "/webhooks/rest/webhook"
        self._timeout = timeout
        self._http = requests.Session()

    def send(self, sender: str, text: str, metadata: dict[str, Any]) -> BotReply:
        try:
            response = self._http.post(
                self._url,
                json={"sender": sender, "message": text, "metadata": metadata},
                timeout=self._timeout,
            )
            response.raise_for_status()
            messages = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
        reply = BotReply()
        for message in messages:
            if message.get("text"):
                reply.texts.append(message["text"])
            if isinstance(message.get("custom"), dict):
                reply.payloads.append(message["custom"])
        return reply
