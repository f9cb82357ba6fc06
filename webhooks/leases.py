"""Short leases in the database: one job at a time per conversation, safe when a worker dies.

A lease is a row naming what is held and until when. A killed worker's lease simply runs out,
so nothing stays locked; the same code works on SQLite and PostgreSQL, whatever the queue.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from webhooks.db import Session, utcnow
from webhooks.models import Lease


class Busy(Exception):
    """Someone else holds the lease."""


@contextmanager
def hold(name: str, seconds: int) -> Iterator[None]:
    """Hold the lease `name` for the block (at most `seconds`), or raise Busy."""
    now = utcnow()
    until = now + timedelta(seconds=seconds)
    if not _take(name, now, until):
        raise Busy(name)
    try:
        yield
    finally:
        with Session.begin() as session:
            # Only our own lease: if it ran out and another job took it, that one is theirs.
            session.execute(delete(Lease).where(Lease.name == name, Lease.until == until))


def _take(name: str, now, until) -> bool:
    try:
        with Session.begin() as session:
            session.add(Lease(name=name, until=until))
        return True
    except IntegrityError:
        pass
    with Session.begin() as session:
        taken = session.execute(
            update(Lease).where(Lease.name == name, Lease.until < now).values(until=until)
        )
        return taken.rowcount == 1
