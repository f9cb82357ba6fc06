"""SMS Gateway for Android as the app meets it: the ANDROID_GATEWAYS file for the fake phones'
APIs, and the phones' webhooks, signed the way the app signs them (PayloadSigningPlugin:
X-Signature = hex HMAC-SHA256 with the signing key of the raw body followed by X-Timestamp,
the Unix time in seconds)."""

import hashlib
import hmac
import json
import secrets
import time
import uuid
from pathlib import Path

from tests.support.doubles import FakeGateway
from tests.support.twilio import TwilioSender

# Each line's phone has its own long random key, as the README asks.
SIGNING_KEYS = {line: secrets.token_urlsafe(24) for line in ("t1", "t2")}


def gateways_file(directory: Path, gateways: dict[str, FakeGateway]) -> Path:
    """The ANDROID_GATEWAYS file: one line per fake phone, in order."""
    spec = {
        line: {
            "url": gateway.url,
            "login": gateway.login,
            "password": gateway.password,
            "signing_key": SIGNING_KEYS[line],
        }
        for line, gateway in gateways.items()
    }
    path = directory / "gateways.json"
    path.write_text(json.dumps(spec, indent=2))
    return path


def sign(key: str, body: bytes, timestamp: str) -> str:
    return hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def signed(key: str, body: bytes) -> dict[str, str]:
    """The headers the phone sends with `body` now: its signature and timestamp, and the type."""
    timestamp = str(int(time.time()))
    return {
        "X-Signature": sign(key, body, timestamp),
        "X-Timestamp": timestamp,
        "Content-Type": "application/json",
    }


def envelope(event: str, payload: dict, event_id: str | None = None) -> dict:
    """What the app posts: one event, its id (the same on every retry), and its payload."""
    return {
        "id": event_id or uuid.uuid4().hex[:21],
        "webhookId": "wh-" + event.replace(":", "-"),
        "deviceId": "ffffffffceb0b1db0000018e937c815b",
        "event": event,
        "payload": payload,
    }


class GatewayPhone:
    """One line's phone posting its webhooks to the app, signed with the line's key."""

    def __init__(self, app, line: str, key: str | None = None):
        self.app, self.line = app, line
        self.key = key or SIGNING_KEYS[line]
        self.client = app.test_client()
        self.reader = TwilioSender(app)  # reads threads and replies from the database

    @property
    def url(self) -> str:
        return f"/sms/android/{self.line}"

    def post(self, body: bytes, timestamp: str | None = None, signature: str | None = None,
             headers: dict | None = None):  # fmt: skip
        """The raw request; a retry signs again with a fresh timestamp, as the app does."""
        timestamp = str(int(time.time())) if timestamp is None else timestamp
        if signature is None:
            signature = sign(self.key, body, timestamp)
        sent = {"X-Signature": signature, "X-Timestamp": timestamp} if headers is None else headers
        return self.client.post(
            self.url, data=body, headers={**sent, "Content-Type": "application/json"}
        )

    def event(self, event: str, payload: dict, event_id: str | None = None, **options):
        body = json.dumps(envelope(event, payload, event_id), ensure_ascii=False).encode()
        return self.post(body, **options)

    def text(self, phone: str, words: str, event_id: str | None = None, **options):
        """A family's SMS as sms:received; returns the HTTP response the phone gets."""
        payload = {
            "messageId": uuid.uuid4().hex[:8],
            "message": words,
            "sender": phone,
            "phoneNumber": phone,
            "recipient": None,
            "simNumber": 1,
            "receivedAt": "2026-12-06T12:00:00.000+08:00",
        }
        return self.event("sms:received", payload, event_id, **options)

    def status(self, event: str, message_id: str, **payload):
        """sms:sent, sms:delivered or sms:failed for a text the helpline sent."""
        body = {"messageId": message_id, "phoneNumber": "+8613800000000", "simNumber": 1}
        return self.event(event, {**body, **payload})

    def ping(self, status: str = "pass"):
        return self.event("system:ping", {"health": {"status": status, "checks": {}}})

    def thread(self, phone: str):
        return self.reader.thread(phone)

    def replies(self, phone: str) -> list[str]:
        return self.reader.replies(phone)
