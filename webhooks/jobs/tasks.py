"""The queue consumer's jobs: answer a conversation's waiting messages, send its replies, sweep,
escalate overdue cases and follow up referrals."""

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from huey import crontab
from huey.exceptions import RateLimitExceeded
from sqlalchemy import Connection, and_, or_, select

from webhooks.casework import cases, referrals
from webhooks.core import metrics as _metrics  # noqa: F401  (its listeners count this process's messages)
from webhooks.core import queue
from webhooks.core.db import Session, outside_transaction, utcnow
from webhooks.core.models import Conversation, Message
from webhooks.core.queue import make_huey
from webhooks.core.rasa import RasaUnavailable
from webhooks.jobs import leases
from webhooks.messaging import inbound, outbound, spool, turns
from webhooks.services import current, settle
from webhooks.sms.providers import TemporaryFailure
from webhooks.sms.sender_budget import SenderBudget

log = logging.getLogger(__name__)

# Bound to its storage when the app is created or the consumer starts (webhooks/jobs/consumer.py).
huey = make_huey()


@huey.on_startup()
def bind_worker() -> None:
    """A consumer binds the database, provider and Rasa client before its first job."""
    current()
    settle()


# How long a killed worker's lock outlives it on SQLite (a row, renewed while the job runs);
# on PostgreSQL the lock goes with the consumer's connection.
LOCK_SECONDS = 30
# Jobs for emergencies jump the queue.
URGENT = 100
RASA_RETRY_CAP = 20


def conversation_lock(connection: Connection, kind: str, conversation_id: int):
    return leases.hold(f"{kind}-{conversation_id}", LOCK_SECONDS, connection)


@huey.task()
def run_turns(conversation_id: int, attempt: int = 0) -> None:
    """Answer waiting messages in order; Rasa down means a holding reply and a later try.

    One job at a time per conversation: a job that finds the lease held does nothing, because
    the holder looks again for waiting messages after letting go (a message stored before that
    look is seen by it; one stored after finds the lease free). A job that finds nothing waiting
    ends before taking the lease: every stored text queues its own job, so in a flood most
    find their text already answered by an earlier one, and should cost a read, not four writes.
    The job's lock and reads share one connection; each turn's writes take their own.
    """
    with outside_transaction() as connection:
        if not turns.has_waiting(connection, conversation_id):
            return
        held = False
        try:
            with conversation_lock(connection, "turns", conversation_id):
                held = True
                more = turns.run_pending(current(), connection, conversation_id)
        except leases.Busy:
            return
        except RasaUnavailable:
            # Keep trying while Rasa is away, backing off to one try per RASA_RETRY_CAP seconds.
            delay = min(RASA_RETRY_CAP, 2**attempt)
            run_turns.schedule((conversation_id, attempt + 1), delay=delay)
            return
        finally:
            # Whatever was staged (replies, a holding reply) goes now, after the lease is let
            # go, so the family's next text does not find it still held.
            if held:
                send_staged(connection, conversation_id)
        more = more or turns.has_waiting(connection, conversation_id)
    if more:
        run_turns(conversation_id)


def send_staged(connection: Connection, conversation_id: int) -> None:
    """Send what a turn staged from the turn's own job, a trip through the queue fewer; what the
    provider or the sender's rate turns away goes to a send job, which retries with backoff."""
    try:
        _send_queued(connection, conversation_id)
    except (TemporaryFailure, RateLimitExceeded):
        send_outbound(conversation_id)


@huey.task(retries=8, retry_delay=2, retry_backoff=2)
def send_outbound(conversation_id: int, urgent: bool = False, line: str | None = None) -> None:
    """Send queued replies in order, at no more than the sender's rate (one job at a time per
    conversation, as for turns); temporary failures are retried with backoff. An urgent job
    (send_urgently) gives back the lane it reserved on its line once its texts have left."""
    with outside_transaction() as connection:
        _send_queued(connection, conversation_id, urgent)
    if urgent:
        sender_budget(line).release()


def send_urgently(conversation_id: int) -> None:
    """Send a conversation's urgent texts (a child in danger) ahead of every other text: the
    next slot of the number they leave from is reserved now, and the job jumps the queue."""
    line = sending_line(conversation_id)
    sender_budget(line).reserve()
    send_outbound(conversation_id, urgent=True, line=line, priority=URGENT)


def send_soon(conversation_id: int) -> None:
    """Texts to a worker's phone: the send job jumps the queue (not the sender's budget)."""
    send_outbound(conversation_id, priority=URGENT)


# How the work the domain asks for after a commit is done (webhooks/core/queue.py).
queue.handle(queue.TURN, run_turns)
queue.handle(queue.SEND, send_outbound)
queue.handle(queue.SEND_SOON, send_soon)
queue.handle(queue.SEND_URGENTLY, send_urgently)


def sender_budget(line: str | None = None) -> SenderBudget:
    """The budget of the number texts leave from: the one sender, or a gateway line's SIM with
    its minute's and day's allowances (days as the carrier counts them, in local time)."""
    settings = current().settings
    rate = settings.SEND_RATE_SEGMENTS_PER_SECOND
    if line is None:
        return SenderBudget(huey, settings.sender_id, rate)
    offset = ZoneInfo(settings.LOCAL_TIMEZONE).utcoffset(utcnow()) or timedelta(0)
    return SenderBudget(
        huey,
        f"android-{line}",
        rate,
        per_minute=settings.ANDROID_SEND_PER_MINUTE,
        per_day=settings.ANDROID_SEND_PER_DAY,
        utc_offset=int(offset.total_seconds()),
    )


def sending_line(conversation_id: int) -> str | None:
    """The gateway line the conversation's texts leave from (None: the one sender)."""
    settings = current().settings
    if not settings.gateway_lines:
        return None
    with Session() as session:
        line = session.scalar(select(Conversation.line).where(Conversation.id == conversation_id))
    return settings.sending_line(line)


def _send_queued(connection: Connection, conversation_id: int, urgent: bool = False) -> None:
    """An urgent job sends every text of its conversation in the urgent lane: what follows
    the emergency text (the place question) is part of the same emergency."""
    services = current()

    def take(segments: int, urgent_text: bool, line: str | None, lane: str) -> None:
        sender_budget(line).take(segments, urgent or urgent_text, lane)

    try:
        with conversation_lock(connection, "send", conversation_id):
            outbound.send_pending(services, conversation_id, take)
    except leases.Busy:
        return
    if outbound.has_queued(connection, conversation_id):
        send_outbound(conversation_id)


@huey.periodic_task(crontab(minute="*"))
def sweep() -> None:
    """Restart work a lost job left behind: waiting family messages and unsent replies."""
    now, margin = utcnow(), timedelta(seconds=10)
    stale = now - timedelta(seconds=LOCK_SECONDS) - margin  # a dead job's lock has run out
    given_up = now - outbound.IN_FLIGHT - margin  # a text being sent is no longer in flight
    with Session() as session:
        waiting = session.scalars(
            select(Message.conversation_id)
            .where(Message.direction == Message.IN, Message.status == Message.RECEIVED)
            .where(Message.created_at < stale)
            .distinct()
        ).all()
        unsent = session.scalars(
            select(Message.conversation_id)
            .where(Message.direction == Message.OUT)
            .where(
                or_(
                    and_(Message.status == Message.QUEUED, Message.updated_at < stale),
                    and_(Message.status == Message.SENDING, Message.updated_at < given_up),
                )
            )
            .distinct()
        ).all()
    for conversation_id in waiting:
        run_turns(conversation_id)
    for conversation_id in unsent:
        send_outbound(conversation_id)
    if waiting or unsent:
        log.info("sweep: %d conversations waiting, %d unsent", len(waiting), len(unsent))


@huey.periodic_task(crontab(minute="*"))
def drain_spool() -> None:
    """Store texts that a web process on this machine spooled while the database was down,
    should that process have stopped before it could (it drains its own spool as a rule)."""
    spool.drain(current(), inbound.receive_sms)


@huey.periodic_task(crontab(minute="*"))
def escalate_overdue_cases() -> None:
    """Alert supervisors about open cases no worker has answered within the SLA."""
    with Session.begin() as session:
        cases.escalate_overdue(session, current().settings, utcnow())


@huey.periodic_task(crontab(minute="7"))
def follow_up_referrals() -> None:
    """Ask families whether they applied for their referrals; stop waiting after a while."""
    settings = current().settings
    with Session.begin() as session:
        referrals.send_follow_ups(session, settings, utcnow())
        referrals.expire_follow_ups(session, settings, utcnow())
