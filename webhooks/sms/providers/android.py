"""SMS Gateway for Android's API, through its client library (android-sms-gateway): texts leave
from the phone (the line) the family texted. The only module that imports the library.

Each text is sent with its own key as the gateway's message id, so a send retried after a lost
answer is refused as a duplicate (409) instead of sent twice, and counts as sent. Delivery
comes back later as the phone's sms:sent / sms:delivered / sms:failed webhooks, which carry
the same id (webhooks/channels/android.py).
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

import requests
from android_sms_gateway import APIClient, Message, TextMessage
from android_sms_gateway.errors import APIError
from android_sms_gateway.http import RequestsHttpClient

from webhooks.sms.providers import PermanentFailure, Sent, TemporaryFailure, gateway_sid

if TYPE_CHECKING:
    from webhooks.core.config import AndroidGateway

log = logging.getLogger(__name__)

# The library sets no timeout of its own: a phone that dropped off the network would hold a
# send job until the operating system gave up.
TIMEOUT_SECONDS = 10
# The gateway's answer to an id it already has: the text was taken on an earlier attempt.
ALREADY_ACCEPTED = 409
# Worth trying again: the phone or its server is busy or down (5xx), asks us to slow down
# (429), or refuses our credentials (401, 403) or path (404), which the operator can fix.
RETRIED = {401, 403, 404, 408, 429}


class _TimedSession(requests.Session):
    """A requests session whose every call gives up after TIMEOUT_SECONDS."""

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, **kwargs)


class AndroidGatewayProvider:
    name = "android-gateway"
    # Fields of the gateway's webhooks that must never reach a log line.
    redacted_fields = ("phoneNumber", "sender", "recipient", "message", "data", "phoneNumbers")

    def __init__(self, gateways: dict[str, AndroidGateway], timeout: float = TIMEOUT_SECONDS):
        if not gateways:
            raise ValueError("the Android gateway provider needs one line at least")
        self._gateways = gateways
        self._default = next(iter(gateways))
        self._clients = {
            line: APIClient(
                gateway.login,
                gateway.password,
                base_url=gateway.url,
                http=RequestsHttpClient(session=_TimedSession(timeout)),
            )
            for line, gateway in gateways.items()
        }

    def send(
        self,
        to: str,
        body: str,
        status_callback: str | None = None,
        *,
        line: str | None = None,
        key: str | None = None,
    ) -> Sent:
        """Hand the text to the line's phone (the first line when it has none or an unknown
        one); status_callback is Twilio's and unused: the phone reports by webhook."""
        line = line if line in self._clients else self._default
        gateway = self._gateways[line]
        key = key or uuid.uuid4().hex
        message = Message(
            phone_numbers=[to],
            text_message=TextMessage(text=body),
            id=key,
            sim_number=gateway.sim,
            device_id=gateway.device_id,
            with_delivery_report=True,
        )
        try:
            self._clients[line].send(message)
        except APIError as exc:
            status = exc.status_code or 0
            if status == ALREADY_ACCEPTED:
                log.info("gateway %s already had text %s: counted as sent", line, key)
                return Sent(provider_sid=gateway_sid(key))
            if status >= 500 or status in RETRIED:
                raise TemporaryFailure(f"android gateway {line}: HTTP {status}") from exc
            raise PermanentFailure(f"android gateway {line}: HTTP {status}") from exc
        except requests.RequestException as exc:
            raise TemporaryFailure(
                f"android gateway {line} unreachable: {type(exc).__name__}"
            ) from exc
        except (KeyError, TypeError, ValueError) as exc:
            # An answer that is not the gateway's (a captive portal, a proxy's page): whether
            # the phone took the text is unknown, and a retry with the same id settles it.
            raise TemporaryFailure(f"android gateway {line}: unreadable answer") from exc
        return Sent(provider_sid=gateway_sid(key))
