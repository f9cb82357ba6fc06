"""The job queue: huey on a SQLite file by default, on Redis at scale; jobs start after commit.

The domain says what must happen once its rows are committed (a turn for a conversation, its
texts sent) with `after_commit(session, TURN, conversation_id)`; it never imports the jobs.
The job layer (tasks.py) says how each kind of work is done with `handle`, and its handlers
run when the transaction commits.
"""

from collections.abc import Callable
from pathlib import Path

from huey import PriorityRedisHuey, SqliteHuey
from sqlalchemy import event

from webhooks.core.config import Settings
from webhooks.core.db import Session

# The kinds of work the domain asks for.
TURN = "turn"  # answer the conversation's waiting messages
SEND = "send"  # send its queued texts
SEND_SOON = "send_soon"  # the same, ahead of the queue (texts to workers' phones)
SEND_URGENTLY = "send_urgently"  # a child in danger: ahead of every other text at the sender
KINDS = (TURN, SEND, SEND_SOON, SEND_URGENTLY)

_handlers: dict[str, Callable[..., object]] = {}


def make_huey(settings: Settings):
    common = {"name": settings.QUEUE_NAME, "results": False, "utc": True}
    if settings.REDIS_URL:
        return PriorityRedisHuey(url=settings.REDIS_URL, **common)
    Path(settings.QUEUE_FILE).parent.mkdir(parents=True, exist_ok=True)  # instance/ on a new clone
    return SqliteHuey(filename=settings.QUEUE_FILE, **common)


def handle(kind: str, handler: Callable[..., object]) -> None:
    """How a kind of work is done (the job layer says, once per process)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of work {kind!r}; have {KINDS}")
    _handlers[kind] = handler


def after_commit(session, kind: str, *args) -> None:
    """Ask for work once the rows it reads are committed; dropped if the session rolls back."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of work {kind!r}; have {KINDS}")
    session.info.setdefault("after_commit", []).append((kind, args))


@event.listens_for(Session, "after_commit")
def _enqueue_committed(session) -> None:
    if session.in_nested_transaction():
        return  # releasing a savepoint commits nothing yet
    for kind, args in session.info.pop("after_commit", []):
        if kind not in _handlers:  # a process that never imported the jobs: say so, loudly
            raise RuntimeError(f"no handler for {kind!r}: import webhooks.jobs.tasks at start-up")
        _handlers[kind](*args)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session, _previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop("after_commit", None)
