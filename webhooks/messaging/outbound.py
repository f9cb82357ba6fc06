"""Sending queued texts through the SMS provider, in order, within the sender's rate: replies
to families, and alerts to workers' own phones on their staff threads."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import joinedload
from tenacity import retry, retry_if_exception_type, stop_after_delay, wait_exponential

from webhooks.core.db import DATABASE_DOWN, Session, utcnow
from webhooks.core.models import Conversation, DeliveryAttempt, Message
from webhooks.services import Services
from webhooks.sms.providers import PermanentFailure, TemporaryFailure
from webhooks.sms.sender_budget import FAMILY, STAFF

log = logging.getLogger(__name__)

# Temporary failures (429, 5xx, network) are retried with backoff up to this many attempts.
MAX_ATTEMPTS = 6
# A text marked sending this recently may still be in its sender's hands: at the provider (whose
# call times out within 10 s), or waiting for the database to come back to record the outcome.
# Another job leaves it alone rather than send it twice; the sweep resends it after this long
# (its sender died), so an outage longer than this can still send a text twice.
IN_FLIGHT = timedelta(seconds=90)
# How long an outcome waits for the database: given up on, the text stays marked as being sent.
RECORD_PATIENCE_SECONDS = 600


def send_pending(
    services: Services,
    conversation_id: int,
    take_segments: Callable[[int, bool, str | None, str], None],
) -> None:
    """Send the conversation's queued messages, urgent ones first, then oldest first.

    take_segments(n, urgent, line, lane) waits for or refuses (raising) the rate limit of the
    number the text leaves from (`line`: the gateway the family texted; None with one sender),
    in the text's lane (a worker's words and alerts go before the bot's replies). A
    temporary provider failure raises TemporaryFailure after recording the attempt, so the job
    retries.
    """
    slots_for = None  # the text whose slots were taken, outside any transaction
    while True:
        wanted = None
        with Session.begin() as session:
            message = _oldest_queued(session, conversation_id)
            if message is None:
                return
            if _in_flight(message):
                return  # its sender will record it; if that sender died, the sweep sends it
            conversation = message.conversation
            if _blocked_by_opt_out(conversation, message):
                message.status = Message.SUPPRESSED
                continue
            if conversation.channel == Conversation.WEB:
                message.status, message.sent_at = Message.DELIVERED, utcnow()
                continue
            phone = _recipient(services, conversation)
            if phone is None:
                message.status = Message.SUPPRESSED  # erased family, or a worker without a phone
                continue
            line = services.settings.sending_line(conversation.line)
            if slots_for != message.id:
                urgent = message.priority >= Message.URGENT
                wanted = (message.id, message.segments, urgent, line, _lane(message))
            else:
                message.status = Message.SENDING
                message.attempts += 1
                outgoing = _Outgoing(message.id, phone, message.body, line, send_key(message))
                attempts = message.attempts
        if wanted is not None:
            # The wait for the sender's slots (up to minutes in a burst) holds no transaction,
            # and the text is read again after it: a STOP or an erasure meanwhile is obeyed.
            message_id, *slots = wanted
            take_segments(*slots)
            slots_for = message_id
            continue
        if not _send(services, outgoing, attempts):
            return  # the caller looks again once it has let go of the lock


def _lane(message: Message) -> str:
    """Worker's words to a family and texts to workers wait in the lane before the bot's."""
    if message.author == Message.WORKER or message.conversation.channel == Conversation.STAFF:
        return STAFF
    return FAMILY


@dataclass(frozen=True)
class _Outgoing:
    message_id: int
    phone: str
    body: str
    line: str | None
    key: str


def send_key(message: Message) -> str:
    """The same on every attempt at this text and never another's, even in a database restored
    from a backup (whose ids come round again): a provider that takes it (the Android gateway)
    accepts a retried send once. At most 36 characters, the gateway's limit."""
    created = int(message.created_at.timestamp() * 1_000_000)
    return f"{message.id}-{created:x}"


def _send(services: Services, outgoing: _Outgoing, attempts: int) -> bool:
    """Send one text and record how it went; True while more of the conversation's are queued."""
    message_id = outgoing.message_id
    try:
        sent = services.provider.send(
            outgoing.phone,
            outgoing.body,
            services.status_callback_url,
            line=outgoing.line,
            key=outgoing.key,
        )
    except PermanentFailure as exc:
        log.warning("message %s failed for good: %s", message_id, exc)
        return _record(message_id, Message.FAILED, "failed", str(exc))
    except TemporaryFailure as exc:
        if attempts >= MAX_ATTEMPTS:
            log.warning("message %s failed after %d attempts: %s", message_id, attempts, exc)
            return _record(message_id, Message.FAILED, "failed", str(exc))
        _record(message_id, Message.QUEUED, "retry", str(exc))
        raise
    return _record(message_id, Message.SENT, "sent", provider_sid=sent.provider_sid)


@retry(
    retry=retry_if_exception_type(DATABASE_DOWN),
    wait=wait_exponential(multiplier=0.5, max=2),
    stop=stop_after_delay(RECORD_PATIENCE_SECONDS),
    reraise=True,
)
def _record(message_id, status, outcome, error=None, provider_sid=None) -> bool:
    """Record an attempt's outcome; True while more of the conversation's texts are queued."""
    with Session.begin() as session:
        message = session.get(Message, message_id)
        message.status, message.error = status, error
        if provider_sid:
            message.provider_sid, message.sent_at = provider_sid, utcnow()
        session.add(DeliveryAttempt(message_id=message_id, outcome=outcome, error=error))
        return has_queued(session, message.conversation_id)


# Delivery states as providers report them, in the order they happen: a late or replayed report
# never moves a message back, and an outcome (delivered, undelivered, failed) is final.
DELIVERY_ORDER = {
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
}


def report_delivery(
    session: OrmSession, provider_sid: str, status: str, error: str | None = None
) -> None:
    """A provider's delivery report for a text we sent (unknown ids are ignored): forward only."""
    message = session.scalar(select(Message).where(Message.provider_sid == provider_sid))
    if message is None or message.direction != Message.OUT:
        return
    if DELIVERY_ORDER[status] > DELIVERY_ORDER.get(message.status, 0):
        message.status = status
        message.error = error[:200] if error else message.error


def has_queued(reader: OrmSession | Connection, conversation_id: int) -> bool:
    """Whether a text of the conversation waits to be sent (or is being sent); `reader` is a
    session, or a connection outside any transaction."""
    return reader.scalar(_QUEUED_ID, {"conversation_id": conversation_id}) is not None


def _oldest_queued(session: OrmSession, conversation_id: int) -> Message | None:
    return session.scalar(_OLDEST_QUEUED, {"conversation_id": conversation_id})


# Built once: a send runs them several times, and building one costs more than running it.
_QUEUED = (
    select(Message)
    .where(
        Message.conversation_id == bindparam("conversation_id"),
        Message.direction == Message.OUT,
        Message.status.in_((Message.QUEUED, Message.SENDING)),
    )
    .order_by(Message.priority.desc(), Message.id)
    .limit(1)
)
_QUEUED_ID = _QUEUED.with_only_columns(Message.id)
# The message with its conversation and contact (whose number it goes to) in one query.
_OLDEST_QUEUED = _QUEUED.options(joinedload(Message.conversation).joinedload(Conversation.contact))


def _recipient(services: Services, conversation: Conversation) -> str | None:
    """The number a thread's texts go to: the family's, or the worker's own on a staff thread."""
    if conversation.channel == Conversation.STAFF:
        worker = conversation.worker
        if worker is None or not worker.active or not worker.phone_ciphertext:
            return None
        return services.vault.decrypt(worker.phone_ciphertext)
    contact = conversation.contact
    if contact is None or contact.erased_at is not None:
        return None
    return services.vault.decrypt(contact.phone_ciphertext)


def _in_flight(message: Message) -> bool:
    return message.status == Message.SENDING and message.updated_at > utcnow() - IN_FLIGHT


def _blocked_by_opt_out(conversation: Conversation, message: Message) -> bool:
    contact = conversation.contact
    opted_out = contact is not None and contact.opted_out
    return opted_out and message.kind != Message.OPT_OUT_CONFIRMATION
