"""Family texts kept on local disk while the database is unreachable, stored once it is back.

Each text is one file in the spool directory, encrypted with the phone keys, written aside and
renamed into place (as maildir does), so a crash leaves a whole file or none. A drainer stores
the files oldest first once the database answers; Twilio's MessageSid, unique in the database,
makes storing one twice harmless. The files' names end with the family's keyed phone hash, so
a family's later texts queue behind their spooled ones and keep their order.
"""

import fcntl
import functools
import itertools
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import redis
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from webhooks.core.db import DATABASE_DOWN
from webhooks.services import Services

log = logging.getLogger(__name__)

# What the queue raises when it cannot take a job: the message is stored, the sweep starts it.
QUEUE_DOWN = (redis.RedisError, sqlite3.Error)
# After the database failed once, texts go straight to the spool for this long, so a webhook
# does not wait out a connection timeout each time; the drainer keeps trying meanwhile.
OUTAGE_SECONDS = 5.0
DRAIN_INTERVAL_SECONDS = 1.0


@dataclass(frozen=True)
class InboundSms:
    """What the webhook keeps of the provider's request: Twilio's, or an Android gateway's,
    which says which line (phone) the family texted."""

    sid: str
    phone: str
    body: str
    has_media: bool = False
    line: str | None = None


Store = Callable[[Services, InboundSms], None]


class Spool:
    """A directory of spooled texts: tmp/ while written, new/ once whole, failed/ if unreadable."""

    def __init__(self, directory: str | Path, encryption_keys: list[str]):
        self.directory = Path(directory)
        self._fernet = MultiFernet([Fernet(key) for key in encryption_keys])
        self._names = itertools.count()

    @property
    def _new(self) -> Path:
        return self.directory / "new"

    def put(self, sms: InboundSms, family: str) -> None:
        """Keep the text durably (fsync'd) or raise OSError."""
        tmp, new = self.directory / "tmp", self._new
        tmp.mkdir(parents=True, exist_ok=True)
        new.mkdir(exist_ok=True)
        name = f"{time.time_ns():020d}-{os.getpid()}-{next(self._names):06d}-{family}"
        sealed = self._fernet.encrypt(json.dumps(asdict(sms)).encode())
        with open(tmp / name, "wb") as draft:
            draft.write(sealed)
            draft.flush()
            os.fsync(draft.fileno())
        os.rename(tmp / name, new / name)
        _fsync_directory(new)

    def waiting(self) -> list[str]:
        """Names of the spooled texts, oldest first."""
        try:
            return sorted(os.listdir(self._new))
        except OSError:  # none yet, or unusable: then put() fails and says so
            return []

    def holds(self, family: str) -> bool:
        return any(name.endswith(family) for name in self.waiting())

    def forget(self, family: str) -> int:
        """Delete the family's spooled texts (their erasure); how many there were."""
        forgotten = 0
        for name in self.waiting():
            if name.endswith(f"-{family}"):
                (self._new / name).unlink(missing_ok=True)
                forgotten += 1
        return forgotten

    def drain(self, store: Callable[[InboundSms], None]) -> int:
        """Store what is spooled, oldest first; the number stored.

        One drainer at a time per directory (an flock); another process's drainer returns 0.
        A database failure stops the drain and propagates: the rest waits for the next try.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".drain.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return 0
            stored = 0
            for name in self.waiting():
                path = self._new / name
                try:
                    sms = InboundSms(**json.loads(self._fernet.decrypt(path.read_bytes())))
                except FileNotFoundError:
                    continue
                except (InvalidToken, ValueError, TypeError):
                    # Keys rotated away, or a damaged file: kept aside for a person, not retried.
                    (self.directory / "failed").mkdir(exist_ok=True)
                    os.rename(path, self.directory / "failed" / name)
                    log.error("spooled text %s cannot be read: moved to failed/", name)
                    continue
                store(sms)
                path.unlink()
                stored += 1
            return stored


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def spool_for(services: Services) -> Spool:
    """This process's spool: one per directory, so its file names' counter is shared."""
    return _spool(services.settings.SPOOL_DIR, tuple(services.settings.encryption_keys))


@functools.cache
def _spool(directory: str, encryption_keys: tuple[str, ...]) -> Spool:
    return Spool(directory, list(encryption_keys))


def accept(services: Services, sms: InboundSms, store: Store) -> bool:
    """Store the text now, or spool it when the database is unreachable; False if neither.

    Texts of a family with texts still spooled are spooled too, so they are stored in order.
    """
    spool = spool_for(services)
    family = services.vault.lookup_hash(sms.phone)
    if not _outage.active() and not spool.holds(family):
        try:
            store_once(services, sms, store)
            return True
        except DATABASE_DOWN as exc:
            log.warning("database unreachable (%s): spooling %s", type(exc).__name__, sms.sid)
            _outage.begin()
    try:
        spool.put(sms, family)
    except OSError:
        log.exception("database unreachable and the spool cannot be written: %s refused", sms.sid)
        return False
    start_drainer(services, store)
    return True


def database_away() -> bool:
    """This process found the database unreachable moments ago: texts go to the spool, and
    nothing else worth a connection timeout should try it."""
    return _outage.active()


def store_once(services: Services, sms: InboundSms, store: Store) -> None:
    """Store and route the text; a queue that refuses the job leaves it to the sweep."""
    try:
        store(services, sms)
    except QUEUE_DOWN as exc:
        log.warning("%s stored, but the queue is unreachable (%s)", sms.sid, type(exc).__name__)


def drain(services: Services, store: Store) -> int:
    """Store this machine's spooled texts now (the queue's periodic job calls this too)."""
    stored = spool_for(services).drain(lambda sms: store_once(services, sms, store))
    if stored:
        log.info("spool: %d texts stored", stored)
    return stored


class _Outage:
    """When this process last found the database unreachable."""

    def __init__(self):
        self._until = 0.0

    def begin(self) -> None:
        self._until = time.monotonic() + OUTAGE_SECONDS

    def end(self) -> None:
        self._until = 0.0

    def active(self) -> bool:
        return time.monotonic() < self._until


_outage = _Outage()
_drainer_lock = threading.Lock()
_drainer: threading.Thread | None = None


def start_drainer(services: Services, store: Store) -> None:
    """Drain this process's spool in the background until it is empty (idempotent)."""
    global _drainer
    with _drainer_lock:
        if _drainer is None:
            _drainer = threading.Thread(
                target=_drain_until_empty, args=(services, store), name="spool-drainer", daemon=True
            )
            _drainer.start()


def resume(services: Services, store: Store) -> None:
    """At start-up: a process killed mid-outage may have left texts behind."""
    if spool_for(services).waiting():
        start_drainer(services, store)


def _drain_until_empty(services: Services, store: Store) -> None:
    global _drainer
    spool = spool_for(services)
    while True:
        try:
            if drain(services, store):
                _outage.end()
        except DATABASE_DOWN:
            _outage.begin()
        except Exception:
            log.exception("spool drain failed; trying again")
        with _drainer_lock:
            if not spool.waiting():
                _drainer = None
                return
        time.sleep(DRAIN_INTERVAL_SECONDS)
