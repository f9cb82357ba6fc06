"""The job queue: huey on a SQLite file by default, on Redis at scale; jobs start after commit."""

from pathlib import Path

from huey import PriorityRedisHuey, SqliteHuey
from sqlalchemy import event

from webhooks.config import Settings
from webhooks.db import Session


def make_huey(settings: Settings):
    common = {"name": settings.QUEUE_NAME, "results": False, "utc": True}
    if settings.REDIS_URL:
        return PriorityRedisHuey(url=settings.REDIS_URL, **common)
    Path(settings.QUEUE_FILE).parent.mkdir(parents=True, exist_ok=True)  # instance/ on a new clone
    return SqliteHuey(filename=settings.QUEUE_FILE, **common)


def after_commit(session, task, *args, priority: int | None = None) -> None:
    """Enqueue a job once the rows it reads are committed; dropped if the session rolls back."""
    session.info.setdefault("after_commit", []).append((task, args, priority))


@event.listens_for(Session, "after_commit")
def _enqueue_committed(session) -> None:
    if session.in_nested_transaction():
        return  # releasing a savepoint commits nothing yet
    for task, args, priority in session.info.pop("after_commit", []):
        task(*args, priority=priority)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session, _previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop("after_commit", None)
