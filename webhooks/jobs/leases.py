"""One job at a time per conversation, safe when a queue consumer dies.

On PostgreSQL a lease is a session advisory lock on a connection the job keeps for as long as
it runs: nothing is written, and the server lets go the moment the holder's connection ends,
killed worker included (or within a minute, through keepalives, when its machine vanished:
webhooks.core.db). (It needs session pooling: a pooler in transaction mode, such as
PgBouncer's, would hand the lock's session to someone else.)

On SQLite a lease is a row naming what is held and until when. Its holder renews it while the
job runs, so it can be short: a killed worker's lease runs out within `seconds`.
"""

import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, text, update
from sqlalchemy.exc import IntegrityError

from webhooks.core.db import DATABASE_DOWN, Session, outside_transaction, utcnow
from webhooks.core.models import Lease


class Busy(Exception):
    """Someone else holds the lease."""


log = logging.getLogger(__name__)


def hold(
    name: str, seconds: int, connection: Connection | None = None
) -> AbstractContextManager[None]:
    """Hold the lease `name` for the block, or raise Busy. `seconds` is how long a row lease
    outlives a holder that died; an advisory lock goes with its holder's connection: the given
    one (outside any transaction), or one of its own."""
    if Session.kw["bind"].dialect.name == "postgresql":
        return advisory_lock(name, connection)
    return row_lease(name, seconds)


_TRY_LOCK = text("SELECT pg_try_advisory_lock(:key)")
_UNLOCK = text("SELECT pg_advisory_unlock(:key)")


@contextmanager
def advisory_lock(name: str, connection: Connection | None = None) -> Iterator[None]:
    # Outside any transaction: the lock is the session's, and an idle transaction held for the
    # whole job would hold back vacuum.
    if connection is None:
        with outside_transaction() as own, advisory_lock(name, own):
            yield
        return
    key = lock_key(name)
    if not connection.scalar(_TRY_LOCK, {"key": key}):
        raise Busy(name)
    try:
        yield
    finally:
        _unlock(connection, key)


def _unlock(connection: Connection, key: int) -> None:
    """Let go of the lock. If the connection broke meanwhile, its session ended on the server
    and took the lock with it; the connection reconnects on its next use (in a transaction of
    its own, which the pool ends when the job closes it)."""
    if not connection.invalidated:
        try:
            connection.execute(_UNLOCK, {"key": key})
            return
        except DATABASE_DOWN:
            connection.invalidate()
    connection.rollback()  # what SQLAlchemy asks before an invalidated connection reconnects


def lock_key(name: str) -> int:
    """The lease's name as PostgreSQL's 64-bit advisory lock key."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@dataclass
class _Held:
    name: str
    until: datetime  # also what tells our lease from a later holder's


@contextmanager
def row_lease(name: str, seconds: int) -> Iterator[None]:
    """A Lease row, renewed every `seconds` / 3 while the block runs."""
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
        except DATABASE_DOWN:
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
