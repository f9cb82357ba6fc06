"""Texts to workers' own phones: each worker has a staff thread, a Conversation on channel STAFF.

Alerts are staged as QUEUED messages in that thread and sent by the queue's send jobs, so they
share the families' provider, sender rate limit, retries, delivery reports and sweep.
"""

import bisect
import logging

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from webhooks.core.conversations import new_pseudonym, stage_replies
from webhooks.core.crypto import PhoneVault
from webhooks.core.models import Conversation, Message, Worker
from webhooks.core.queue import SEND_SOON, SEND_URGENTLY, after_commit
from webhooks.core.texts import text
from webhooks.sms import segments

log = logging.getLogger(__name__)

# An alert is at most this many SMS segments: the family's words are shortened to fit.
ALERT_SEGMENTS = 2
ELLIPSIS = "..."  # GSM-7, so an English alert is not turned into UCS-2


def registered_worker(session: Session, vault: PhoneVault, phone: str) -> Worker | None:
    """The active worker whose phone this is; None for everyone else, families included."""
    return session.scalar(_WORKER_BY_PHONE, {"phone_hash": vault.lookup_hash(phone)})


# Built once: every text from a phone asks it first.
_WORKER_BY_PHONE = select(Worker).where(Worker.phone_hash == bindparam("phone_hash"), Worker.active)


def staff_thread(session: Session, worker: Worker) -> Conversation:
    """The worker's staff thread (create-worker makes it with the phone; made here if missing)."""
    thread = session.scalar(
        select(Conversation).where(
            Conversation.worker_id == worker.id, Conversation.channel == Conversation.STAFF
        )
    )
    if thread is None:
        # No savepoint here: releasing one runs the jobs queued so far before the commit.
        thread = new_staff_thread(worker)
        session.add(thread)
        session.flush()
    return thread


def new_staff_thread(worker: Worker) -> Conversation:
    return Conversation(
        channel=Conversation.STAFF,
        worker=worker,
        pseudonym=new_pseudonym(),
        language=worker.language or "zh",
    )


def fit(key: str, language: str, shorten: str, **values: object) -> str:
    """The text `key` within ALERT_SEGMENTS, cutting the value named `shorten` as needed."""
    full = str(values[shorten])

    def render(length: int) -> str:
        part = full if length >= len(full) else full[:length].rstrip() + ELLIPSIS
        return text(key, language, **{**values, shorten: part})

    # Fewer characters never cost more segments: the longest that fits is found by bisection.
    fits = lambda length: segments.count_segments(render(length)) <= ALERT_SEGMENTS  # noqa: E731
    if fits(len(full)):
        return render(len(full))
    length = bisect.bisect_left(range(len(full) + 1), True, key=lambda n: not fits(n)) - 1
    return render(max(length, 0))


def text_worker(
    session: Session,
    worker: Worker,
    key: str,
    shorten: str = "",
    about: int | None = None,
    urgent: bool = False,
    **values,
) -> bool:
    """Queue one of the inbox texts to the worker's phone; False when they have no phone.

    `about` is the case the text concerns; `shorten` names the value cut to fit the alert;
    `urgent` (a child in danger) sends it ahead of every text that is not.
    """
    if not worker.active or not worker.phone_ciphertext:
        return False
    if worker.texts_stopped and key != "staff_stopped":  # they texted STOP; only its answer goes
        return False
    thread = staff_thread(session, worker)
    if shorten:
        body = fit(key, worker.language, shorten, **values)
    else:
        body = text(key, worker.language, **values)
    budget = max(ALERT_SEGMENTS, segments.count_segments(body))
    for message in stage_replies(session, thread, [body], budget, author=Message.SYSTEM):
        message.case_id = about
        message.priority = Message.URGENT if urgent else Message.NORMAL
    after_commit(session, SEND_URGENTLY if urgent else SEND_SOON, thread.id)
    log.info("staff text %s queued for worker %s", key, worker.id)
    return True


def text_workers(
    session: Session,
    workers: list[Worker],
    key: str,
    shorten: str = "",
    about: int | None = None,
    urgent: bool = False,
    **values,
) -> None:
    """The same text to several workers, once each."""
    seen: set[int] = set()
    for worker in workers:
        if worker.id not in seen:
            seen.add(worker.id)
            text_worker(session, worker, key, shorten, about, urgent, **values)
