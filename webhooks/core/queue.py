"""The job queue: huey on a SQLite file by default, on Redis at scale; jobs start after commit.

The domain says what must happen once its rows are committed (a turn for a conversation, its
texts sent) with `after_commit(session, TURN, conversation_id)`; it never imports the jobs.
The job layer (tasks.py) says how each kind of work is done with `handle`, and its handlers
run when the transaction commits.
"""

from collections.abc import Callable
from pathlib import Path

from huey import Huey
from huey.storage import BaseStorage, PriorityRedisStorage, SqliteStorage
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


class _NotBound(BaseStorage):
    """The queue's storage until bind(): asking for work fails loudly, nothing is dropped."""

    def enqueue(self, data, priority=None):
        raise RuntimeError("the queue has no storage yet: queue.bind(huey, settings) first")


def make_huey() -> Huey:
    """The queue the jobs are declared on; bind() gives it the settings' storage."""
    return Huey("helpline", results=False, utc=True, storage_class=_NotBound)


def bind(huey: Huey, settings: Settings) -> Huey:
    """Store the queue in Redis when REDIS_URL is set (priorities included), else in the
    SQLite file QUEUE_FILE. Called when the app or the consumer starts, not at import."""
    huey.name = settings.QUEUE_NAME
    if settings.REDIS_URL:
        huey.storage_class, huey.storage_kwargs = PriorityRedisStorage, {"url": settings.REDIS_URL}
    else:
        Path(settings.QUEUE_FILE).parent.mkdir(
            parents=True, exist_ok=True
        )  # a new clone's instance/
        huey.storage_class, huey.storage_kwargs = SqliteStorage, {"filename": settings.QUEUE_FILE}
    huey.storage = huey.create_storage()  # in memory while huey.immediate (the tests)
    return huey


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
