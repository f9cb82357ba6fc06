"""The worker's jobs: answer a conversation's waiting messages, send its replies, sweep."""

import logging
from datetime import timedelta

from huey import crontab
from huey.exceptions import RetryTask, TaskLockedException
from sqlalchemy import select

from webhooks import outbound, turns
from webhooks.config import Settings
from webhooks.db import Session, utcnow
from webhooks.models import Message
from webhooks.providers import TemporaryFailure
from webhooks.queue import make_huey
from webhooks.rasa import RasaUnavailable
from webhooks.services import current

log = logging.getLogger(__name__)

huey = make_huey(Settings.from_env())

# Held longer than any one job should run; a killed worker's lock expires by itself.
LOCK_SECONDS = 300
# Jobs for emergencies jump the queue.
URGENT = 100


def conversation_lock(kind: str, conversation_id: int):
    return huey.lock_task(f"{kind}-{conversation_id}", ttl=LOCK_SECONDS)


@huey.task(retries=12, retry_delay=2, retry_backoff=2)
def run_turns(conversation_id: int) -> None:
    """Answer waiting messages in order; Rasa down means a holding reply and a retry."""
    try:
        with conversation_lock("turns", conversation_id):
            try:
                more = turns.run_pending(current(), conversation_id)
            finally:
                send_outbound(conversation_id)
    except TaskLockedException:
        # Another job is answering this family; ours runs after it, keeping their order.
        raise RetryTask(delay=1) from None
    except RasaUnavailable:
        raise  # huey retries with backoff; the sweep picks it up after that
    if more:
        run_turns(conversation_id)


@huey.task(retries=8, retry_delay=2, retry_backoff=2)
def send_outbound(conversation_id: int) -> None:
    """Send queued replies in order, at no more than the sender's rate."""
    services = current()
    rate = huey.rate_limit(
        f"sender-{services.settings.sender_id}", services.settings.SEND_RATE_SEGMENTS_PER_SECOND, 1
    )

    def take_segments(count: int) -> None:
        for _ in range(count):
            rate.acquire()

    try:
        with conversation_lock("send", conversation_id):
            outbound.send_pending(services, conversation_id, take_segments)
    except TaskLockedException:
        raise RetryTask(delay=1) from None
    except TemporaryFailure:
        raise  # retried with backoff


@huey.periodic_task(crontab(minute="*"))
def sweep() -> None:
    """Restart work a lost job left behind: waiting family messages and unsent replies."""
    stale = utcnow() - timedelta(seconds=60)
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
            .where(Message.status.in_((Message.QUEUED, Message.SENDING)))
            .where(Message.updated_at < stale)
            .distinct()
        ).all()
    for conversation_id in waiting:
        run_turns(conversation_id)
    for conversation_id in unsent:
        send_outbound(conversation_id)
    if waiting or unsent:
        log.info("sweep: %d conversations waiting, %d unsent", len(waiting), len(unsent))
