"""SMS providers behind one small interface: send a text, or say why it could not be sent."""

from dataclasses import dataclass
from typing import Protocol


class TemporaryFailure(Exception):
    """Worth retrying later: rate limited, provider error, network trouble."""


class PermanentFailure(Exception):
    """Retrying cannot help: invalid number, the family opted out at the carrier."""


@dataclass(frozen=True)
class Sent:
    provider_sid: str


def gateway_sid(gateway_id: str) -> str:
    """How an Android gateway's ids (a text we sent, an event it posted) are stored as
    Message.provider_sid; here, so the webhooks need not import the gateway's client."""
    return "android:" + gateway_id


class SmsProvider(Protocol):
    name: str
    # Request fields this provider posts to us that must never reach a log line.
    redacted_fields: tuple[str, ...]

    def send(
        self,
        to: str,
        body: str,
        status_callback: str | None = None,
        *,
        line: str | None = None,
        key: str | None = None,
    ) -> Sent:
        """Hand one text to the provider. `line`: the number (gateway) the family texted, for a
        provider with several; `key`: the same on every attempt at this text, so a provider
        that accepts one takes a retried send once. Providers ignore what they have no use for.
        """
        ...
