"""The development provider: outbound messages stay in the database and nothing leaves."""

import logging
import uuid

from webhooks.sms.providers import Sent

log = logging.getLogger(__name__)


class ConsoleProvider:
    name = "console"
    redacted_fields = ("From", "To", "Body")

    def send(
        self,
        to: str,
        body: str,
        status_callback: str | None = None,
        *,
        line: str | None = None,
        key: str | None = None,
    ) -> Sent:
        sid = f"console-{uuid.uuid4().hex}"
        log.info("console SMS %s: %d characters", sid, len(body))
        return Sent(provider_sid=sid)
