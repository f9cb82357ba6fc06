"""Prometheus metrics: messages in and out and turn latency as they commit, state at scrape time.

Events are counted where they happen, in web and worker processes alike, by watching the
Message rows' state changes as sessions commit; with PROMETHEUS_MULTIPROC_DIR set, every
process on the machine writes its counts there and /metrics adds them up (prometheus_client's
multiprocess mode). Queue depth, open cases and the spool are read when /metrics is asked,
from the queue and the database that every process shares, so they need no adding up.
"""

import logging
import os

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import event, func, inspect, select

from webhooks.core.db import Session, utcnow
from webhooks.core.models import Call, Case, Message

log = logging.getLogger(__name__)

MULTIPROCESS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
if MULTIPROCESS_DIR:
    os.makedirs(MULTIPROCESS_DIR, exist_ok=True)

MESSAGES_IN = Counter(
    "helpline_messages_in", "Messages stored from families and workers", ["author"]
)
MESSAGES_OUT = Counter(
    "helpline_messages_out", "Outbound messages that left the queue, by outcome", ["status"]
)
TURN_SECONDS = Histogram(
    "helpline_turn_seconds",
    "From a family's message stored to the bot's reply to it committed",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300),
)
# The states in which an outbound message has left our hands.
LEFT_QUEUE = (Message.SENT, Message.DELIVERED, Message.FAILED, Message.SUPPRESSED)


@event.listens_for(Session, "after_flush")
def _note_changes(session, _context) -> None:
    """Remember what this flush did to messages; counted only if the transaction commits."""
    noted = session.info.setdefault("metrics", {"in": [], "out": [], "bot": set(), "done": {}})
    for row in session.new:
        if not isinstance(row, Message):
            continue
        if row.direction == Message.IN:
            noted["in"].append(row)  # its author is read at commit: a worker's is set later
        elif row.author == Message.BOT and row.reply_to_id is not None:
            noted["bot"].add(row.reply_to_id)
    for row in session.dirty:
        if not isinstance(row, Message):
            continue
        history = inspect(row).attrs.status.history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        if row.direction == Message.OUT and row.status in LEFT_QUEUE:
            if before in (Message.QUEUED, Message.SENDING):
                noted["out"].append(row.status)
        elif row.direction == Message.IN and row.status == Message.HANDLED:
            noted["done"][row.id] = row.created_at


@event.listens_for(Session, "after_commit")
def _count_committed(session) -> None:
    if session.in_nested_transaction():
        return
    noted = session.info.pop("metrics", None)
    if not noted:
        return
    for row in noted["in"]:
        MESSAGES_IN.labels(row.author).inc()
    for status in noted["out"]:
        MESSAGES_OUT.labels(status).inc()
    now = utcnow()
    for message_id, created_at in noted["done"].items():
        if message_id in noted["bot"] and created_at is not None:
            TURN_SECONDS.observe((now - created_at).total_seconds())


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session, _previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop("metrics", None)


class StateCollector:
    """Gauges read at scrape time: the same for every process, so never added up."""

    def __init__(self, huey, spool_waiting):
        self._huey = huey
        self._spool_waiting = spool_waiting

    def collect(self):
        depth = GaugeMetricFamily(
            "helpline_queue_depth", "Jobs waiting in the queue", labels=["state"]
        )
        try:
            depth.add_metric(["ready"], self._huey.pending_count())
            depth.add_metric(["scheduled"], self._huey.scheduled_count())
        except Exception as exc:  # a scrape reports what it can; /readyz says what is down
            log.warning("metrics: queue unreadable (%s)", type(exc).__name__)
        yield depth
        cases = GaugeMetricFamily(
            "helpline_open_cases", "Cases waiting for or with a worker", labels=["priority"]
        )
        try:
            with Session() as session:
                counts = session.execute(
                    select(Case.priority, func.count())
                    .where(Case.status == Case.OPEN)
                    .group_by(Case.priority)
                ).all()
            for priority in (Case.NORMAL, Case.URGENT):
                cases.add_metric([priority], dict(counts).get(priority, 0))
        except Exception as exc:
            log.warning("metrics: database unreadable (%s)", type(exc).__name__)
        yield cases
        calls = GaugeMetricFamily(
            "helpline_calls", "Calls to the voice line, ever, and how they went", labels=["kind"]
        )
        minutes = GaugeMetricFamily("helpline_call_minutes", "Minutes of calls, ever")
        try:
            with Session() as session:
                total, seconds, put_through, voicemails = session.execute(
                    select(
                        func.count(Call.id),
                        func.coalesce(func.sum(Call.seconds), 0),
                        func.count(Call.id).filter(Call.put_through),
                        func.count(Call.id).filter(Call.voicemail),
                    )
                ).one()
            calls.add_metric(["all"], total)
            calls.add_metric(["put_through"], put_through)
            calls.add_metric(["voicemail"], voicemails)
            minutes.add_metric([], round(seconds / 60, 1))
        except Exception as exc:
            log.warning("metrics: database unreadable (%s)", type(exc).__name__)
        yield calls
        yield minutes
        yield GaugeMetricFamily(
            "helpline_spool_waiting",
            "Texts spooled on this machine while the database was unreachable",
            value=len(self._spool_waiting()),
        )


def exposition(state: StateCollector) -> bytes:
    """The text format of every metric: this machine's events, and the shared state."""
    if MULTIPROCESS_DIR:
        events = CollectorRegistry()
        multiprocess.MultiProcessCollector(events)
    else:
        events = REGISTRY
    now = CollectorRegistry()
    now.register(state)
    return generate_latest(events) + generate_latest(now)
