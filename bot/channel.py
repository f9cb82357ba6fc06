"""The channel the app talks to: Rasa's REST channel, made safe to retry.

The app sends each family message with its own id (metadata.message_id). If the app's job died
after Rasa answered and before the app stored the answer, the sweep sends the same message
again; processing it twice would apply a screening answer to the next question. So a message
id this conversation has already seen is answered with the replies it got then, read from the
tracker, and nothing is processed again. Served at /webhooks/helpline/webhook
(bot/credentials.yml); the app sends one turn at a time per conversation, so the check and the
processing never race.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse


class HelplineInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "helpline"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("helpline_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender = request.json.get("sender")
            metadata = request.json.get("metadata") or {}
            message_id = metadata.get("message_id")
            if message_id:
                earlier = await answered_before(request.app.ctx.agent, sender, str(message_id))
                if earlier is not None:
                    return response.json(earlier)
            collector = CollectingOutputChannel()
            await on_new_message(
                UserMessage(
                    request.json.get("message"),
                    collector,
                    sender,
                    input_channel=self.name(),
                    metadata=metadata,
                    message_id=str(message_id) if message_id else None,
                )
            )
            return response.json(collector.messages)

        return webhook


async def answered_before(agent: Any, sender: str, message_id: str) -> list[dict] | None:
    """The replies the conversation got to this message id, as the REST channel sent them;
    None when it has not seen the id."""
    tracker = await agent.tracker_store.retrieve(sender)
    if tracker is None:
        return None
    replies: list[dict] | None = None
    for event in tracker.events:
        if isinstance(event, UserUttered):
            if replies is not None:
                break  # the next message: its replies are not this one's
            if event.message_id == message_id:
                replies = []
        elif replies is not None and isinstance(event, BotUttered):
            # As Rasa's collecting channel sent it: the text in its parts, then the payload.
            if event.text:
                parts = event.text.strip().split("\n\n")
                replies.extend({"recipient_id": sender, "text": part} for part in parts)
            if (event.data or {}).get("custom"):
                replies.append({"recipient_id": sender, "custom": event.data["custom"]})
    return replies
