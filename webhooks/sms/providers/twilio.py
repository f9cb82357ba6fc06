"""Twilio's REST API: the only module that imports twilio.rest."""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from webhooks.sms.providers import PermanentFailure, Sent, TemporaryFailure

if TYPE_CHECKING:
    from webhooks.core.config import Settings

# Twilio error codes that no retry can fix: invalid or unreachable numbers, opted out (21610).
PERMANENT_ERRORS = {21211, 21408, 21602, 21610, 21612, 21614, 30003, 30004, 30005, 30006}


class TwilioProvider:
    name = "twilio"
    redacted_fields = ("From", "To", "Body", "FromCity", "FromZip", "ToCity", "ToZip")

    def __init__(self, settings: Settings, http_client=None):
        self._client = Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=http_client or TwilioHttpClient(timeout=10),
        )
        self._sender = (
            {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
            if settings.TWILIO_MESSAGING_SERVICE_SID
            else {"from_": settings.TWILIO_FROM_NUMBER}
        )

    def send(
        self,
        to: str,
        body: str,
        status_callback: str | None = None,
        *,
        line: str | None = None,
        key: str | None = None,
    ) -> Sent:
        options = {"status_callback": status_callback} if status_callback else {}
        try:
            message = self._client.messages.create(to=to, body=body, **self._sender, **options)
        except (TwilioRestException, TwilioServiceException) as exc:
            # 429, 5xx and credential trouble (401/403, fixable by the operator) are retried.
            if exc.code in PERMANENT_ERRORS or exc.status in (400, 404):
                raise PermanentFailure(f"twilio {exc.status} error {exc.code}") from exc
            raise TemporaryFailure(f"twilio {exc.status} error {exc.code}") from exc
        except (requests.RequestException, TwilioException) as exc:
            raise TemporaryFailure(f"twilio unreachable: {type(exc).__name__}") from exc
        return Sent(provider_sid=message.sid)
