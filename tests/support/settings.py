"""The settings every test app and test process runs with, given explicitly: the test suite
never edits os.environ. Fresh secrets per session, the console SMS provider, and a sender fast
enough not to pace the tests (tests of pacing set their own rate), and web chat limits the
tests, all from 127.0.0.1, never reach unless they set their own."""

import os
import secrets
import uuid

from cryptography.fernet import Fernet

from tests.support import databases
from webhooks.core.config import Settings

SETTINGS: dict[str, object] = {
    "APP_ENV": "test",
    "SECRET_KEY": secrets.token_urlsafe(16),
    "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
    "PHONE_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "PHONE_HASH_KEY": secrets.token_urlsafe(16),
    "SMS_PROVIDER": "console",
    "SEND_RATE_SEGMENTS_PER_SECOND": 1000,
    "QUEUE_NAME": f"test-{uuid.uuid4().hex[:8]}",
    "QUEUE_FILE": str(databases.scratch_dir() / "queue.db"),
    "CHAT_NEW_PER_IP": "100000 per hour",
    "CHAT_MESSAGES_PER_CHAT": "100000 per minute",
    "CHAT_REQUESTS_PER_IP": "100000 per minute",
}


def app_settings(**overrides: object) -> Settings:
    """The tests' settings, with these overrides (values of the settings' own types)."""
    return Settings.from_env({**SETTINGS, **overrides})


def process_env(**overrides: object) -> dict[str, str]:
    """The environment for a process the tests start (gunicorn, a queue consumer)."""
    values = {**SETTINGS, **overrides}
    return {**os.environ, **{name: str(value) for name, value in values.items()}}
