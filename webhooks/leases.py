"""Short leases in the database: one job at a time per conversation, safe when a worker dies.

A lease is a row naming what is held and until when. Its holder renews it while the job runs,
so a lease can be short: a killed worker's lease runs out within `seconds` and nothing stays
locked for long. The same code works on SQLite and PostgreSQL, whatever the queue.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError, OperationalError

from webhooks.db import Session, utcnow
from webhooks.models import Lease


class Busy(Exception):
    """Someone else holds the lease."""


log = logging.getLogger(__name__)


@dataclass
class _Held:
    name: str
    until: datetime  # also what tells our lease from a later holder's


@contextmanager
def hold(name: str, seconds: int) -> Iterator[None]:
    """Hold the lease `name` for the block, renewed every `seconds` / 3, or raise Busy."""
    now = utcnow()
    held = _Held(name, now + timedelta(seconds=seconds))
    if not _take(name, now, held.until):
        raise Busy(name)
    done = threading.Event()
    renewer = threading.Thread(target=_renew, args=(held, seconds, done), daemon=True)
    renewer.start()
    try:
        yield
    finally:
        done.set()
        renewer.join()
        with Session.begin() as session:
            # Only our own lease: if it ran out and another job took it, that one is theirs.
            session.execute(delete(Lease).where(Lease.name == name, Lease.until == held.until))


def _renew(held: _Held, seconds: int, done: threading.Event) -> None:
    while not done.wait(seconds / 3):
        until = utcnow() + timedelta(seconds=seconds)
        try:
            with Session.begin() as session:
                renewed = session.execute(
                    update(Lease)
                    .where(Lease.name == held.name, Lease.until == held.until)
                    .values(until=until)
                )
        except OperationalError:
            continue  # the database is away; the lease runs out unless it is back in time
        if renewed.rowcount != 1:
            log.warning("lease %s ran out while held", held.name)
            return
        held.until = until


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
