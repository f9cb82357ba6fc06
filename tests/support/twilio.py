"""Twilio as the app meets it: signed webhook requests, built with the twilio library."""

import uuid

from twilio.request_validator import RequestValidator

from webhooks.core.conversations import find_sms_conversation
from webhooks.core.db import Session
from webhooks.core.models import Message

SMS_URL = "http://localhost/sms/twilio"
STATUS_URL = "http://localhost/sms/twilio/status"


def sms_params(phone: str, body: str, sid: str | None = None, **extra: str) -> dict[str, str]:
    """The form fields Twilio posts for an inbound SMS."""
    return {
        "MessageSid": sid or "SM" + uuid.uuid4().hex,
        "AccountSid": "AC" + "0" * 32,
        "From": phone,
        "To": "+10000000000",
        "Body": body,
        "NumMedia": "0",
        **extra,
    }


class TwilioSender:
    """Posts what Twilio would post, signed with the app's auth token."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.services = app.extensions["helpline"]
        self.validator = RequestValidator(self.services.settings.TWILIO_AUTH_TOKEN)

    def post(self, url: str, params: dict[str, str], signature: str | None = None):
        if signature is None:
            signature = self.validator.compute_signature(url, params)
        headers = {"X-Twilio-Signature": signature} if signature else {}
        return self.client.post(url, data=params, headers=headers)

    def text(self, phone: str, body: str, sid: str | None = None, **extra):
        """A family's SMS; returns the HTTP response Twilio would get."""
        return self.post(SMS_URL, sms_params(phone, body, sid, **extra))

    def status(self, message_sid: str, status: str, **extra):
        return self.post(STATUS_URL, {"MessageSid": message_sid, "MessageStatus": status, **extra})

    def thread(self, phone: str) -> list[Message]:
        """Every message of this number's SMS conversation, oldest first."""
        with Session() as session:
            conversation = find_sms_conversation(session, self.services.vault, phone)
            return list(conversation.messages) if conversation else []

    def replies(self, phone: str) -> list[str]:
        """What the family's phone received (sent or delivered), in order."""
        sent = (Message.SENT, Message.DELIVERED)
        return [
            m.body for m in self.thread(phone) if m.direction == Message.OUT and m.status in sent
        ]
