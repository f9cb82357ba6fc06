"""When each Android gateway line (a phone relaying texts) last reported: written as its signed
webhooks arrive, read by /readyz and the dashboard. A phone that is off, out of signal or killed
by its battery saver sends nothing, not even its ping, and shows as silent."""

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession

from webhooks.core.config import Settings
from webhooks.core.db import DATABASE_DOWN, Session, utcnow
from webhooks.core.models import GatewayLine

log = logging.getLogger(__name__)

# A line's row is written at most this often by one process (unless its health changed): every
# text would otherwise cost a transaction more, and readiness counts in minutes.
WRITE_EVERY_SECONDS = 60


class Heartbeats:
    """One web process's record of what it last wrote per line."""

    def __init__(self):
        self._written: dict[str, tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    def seen(self, line: str, event: str, health: str | None = None) -> None:
        """The line reported `event` now (a ping with the phone's health: pass, warn, fail).
        Best effort: a database that cannot take it now gets the next one."""
        now = time.monotonic()
        with self._lock:
            last_time, last_health = self._written.get(line, (None, None))
            recent = last_time is not None and now - last_time < WRITE_EVERY_SECONDS
            if recent and health in (None, last_health):
                return
            self._written[line] = (now, health if health is not None else last_health)
        try:
            with Session.begin() as session:
                row = session.get(GatewayLine, line)
                if row is None:
                    row = GatewayLine(name=line)
                    session.add(row)
                row.last_seen_at, row.last_event = utcnow(), event[:32]
                if health is not None:
                    row.health = health[:8]
        except (*DATABASE_DOWN, IntegrityError) as exc:  # another process wrote its first row
            with self._lock:
                self._written.pop(line, None)
            log.warning("line %s: last report not recorded (%s)", line, type(exc).__name__)


@dataclass(frozen=True)
class LineState:
    line: str
    last_seen_at: datetime | None
    last_event: str | None
    health: str | None
    silent: bool


def states(session: OrmSession, settings: Settings) -> list[LineState]:
    """Every configured line, in the settings' order: silent when it has reported nothing for
    ANDROID_SILENT_MINUTES (or never)."""
    lines = list(settings.gateway_lines)
    if not lines:
        return []
    rows = {
        row.name: row
        for row in session.scalars(select(GatewayLine).where(GatewayLine.name.in_(lines)))
    }
    since = utcnow() - timedelta(minutes=settings.ANDROID_SILENT_MINUTES)
    found = []
    for line in lines:
        row = rows.get(line)
        if row is None:
            found.append(LineState(line, None, None, None, silent=True))
        else:
            silent = row.last_seen_at < since
            found.append(LineState(line, row.last_seen_at, row.last_event, row.health, silent))
    return found
