"""The sender's budget: segments per second through one number, with a lane for urgent texts.

Every text takes its segments from the sender's rate limit (huey's, shared by every process
through the queue's storage). Texts about a child in danger (the emergency reply, the
question that follows it, alerts to workers) take the next slot ahead of every other text:
while one is waiting, other senders step aside instead of taking a slot, and the urgent one
waits for the next slot in its job instead of backing off behind everyone else's replies.

Every other text waits its turn for the sender's slots, first come first served: it takes a
ticket in its lane and leaves in ticket order as the slots come, a worker's words and alerts
(the staff lane) ahead of the bot's replies (the family lane). A text still waiting after
TURN_PATIENCE_SECONDS, or one that steps aside for an urgent text, lets its job retry.

A SIM in an Android phone also has a minute's and a day's allowance (a carrier stops a SIM
that sends like a spammer's). A text over the minute's waits its turn for the next minute; one
over the day's stays queued, in order, and its job retries. An urgent text waits for the
minute's next slot like the second's, and goes even past the day's allowance: a few texts
over it put the SIM at less risk than an emergency held until tomorrow puts a child.
"""

import logging
import time

from huey.exceptions import RateLimitExceeded

log = logging.getLogger(__name__)

# A reserved lane lapses this long after it was last touched, so a reservation whose job was
# lost (its process died, Redis restarted) holds other texts back for seconds, not for good.
HOLD_SECONDS = 10
# An urgent text waits at most this long for a slot before its job retries like any other.
URGENT_PATIENCE_SECONDS = 30
# An ordinary text waits its turn this long in its job before the job retries (and queues
# anew): longer than a SIM's minute, with every queue thread's text ahead of it.
TURN_PATIENCE_SECONDS = 120
# A ticket whose text stopped waiting this long ago (its process died) no longer holds its lane.
TICKET_HOLD_SECONDS = 3
# How often a text waiting its turn looks again.
LOOK_SECONDS = 0.1
STAFF, FAMILY = "staff", "family"


MINUTE, DAY = 60, 24 * 60 * 60


def clock() -> float:
    """The time the minute and day windows are counted by."""
    return time.time()


def pause(seconds: float) -> None:
    """How a waiting text waits before it looks again."""
    time.sleep(seconds)


class Window:
    """Segments one number may send in a fixed window (a minute, a day), counted in the queue's
    storage as huey counts its rate limits, so every process shares it. A refused take takes
    nothing (huey's would keep counting), so texts that wait do not use up the day."""

    def __init__(self, huey, name: str, limit: int, seconds: int, utc_offset: int = 0):
        self.huey, self.limit, self.seconds = huey, limit, seconds
        # A day starts at local midnight, as the carrier counts it.
        self.utc_offset = utc_offset
        self._counter = f"{huey.name}.window.{name}"
        self._window = f"{huey.name}.window.{name}.at"

    def take(self, segments: int, beyond_limit: bool = False) -> float:
        """0 when the segments are taken (counted even beyond the limit when told so); else the
        seconds until the window turns."""
        now = clock() + self.utc_offset
        window = int(now) // self.seconds
        if self.huey.get(self._window, peek=True) != window:
            self.huey.storage.delete_counter(self._counter)
            self.huey.put(self._window, window)
        count = self.huey.storage.incr(self._counter, segments)
        # A text longer than the whole allowance goes alone in a window rather than never.
        if count > self.limit and count > segments and not beyond_limit:
            self.give_back(segments)
            return (window + 1) * self.seconds - now
        return 0.0

    def give_back(self, segments: int) -> None:
        self.huey.storage.incr(self._counter, -segments)


class Lane:
    """Tickets for one sender's texts of one kind, in the queue's storage (shared by every
    process): a text takes the next ticket and its turn comes when every earlier ticket has
    been served, or was given up, or its holder stopped waiting (died)."""

    def __init__(self, huey, name: str):
        self.huey = huey
        self._issued, self._served = f"{name}.issued", f"{name}.served"
        self._alive = f"{name}.alive"

    def ticket(self) -> int:
        ticket = self.huey.storage.incr(self._issued, 1)
        self.touch(ticket)
        return ticket

    def touch(self, ticket: int) -> None:
        self.huey.put(f"{self._alive}.{ticket}", time.time())

    def issued(self) -> int:
        return self.huey.storage.incr(self._issued, 0)

    def head(self) -> int:
        """The ticket whose turn it is."""
        return self.huey.storage.incr(self._served, 0) + 1

    def ahead_of(self, ticket: int) -> int:
        return max(0, ticket - self.head())

    def waiting(self) -> bool:
        """Whether a text of this lane waits for its turn now."""
        head = self.head()
        return self.issued() >= head and self._alive_at(head)

    def skip_if_gone(self, head: int) -> None:
        """Pass over the head's ticket when its text no longer waits."""
        if not self._alive_at(head):
            self.huey.get(f"{self._alive}.{head}")  # forget it
            self._advance_from(head)

    def done(self, ticket: int) -> None:
        """The ticket's text has left, or stopped waiting: the next one's turn."""
        head = self.head()
        if head == ticket:
            self.huey.get(f"{self._alive}.{ticket}")
            self._advance_from(head)
        elif ticket < head:
            self.huey.get(f"{self._alive}.{ticket}")  # passed over already: forget it
        else:
            self.huey.put(f"{self._alive}.{ticket}", 0)  # passed over when its turn comes

    def _advance_from(self, head: int) -> None:
        """The turn moves from `head` to the next ticket, once, whoever else moves it too."""
        if self.huey.storage.incr(self._served, 1) != head:
            self.huey.storage.incr(self._served, -1)

    def _alive_at(self, ticket: int) -> bool:
        touched = self.huey.get(f"{self._alive}.{ticket}", peek=True)
        return bool(touched) and time.time() - touched < TICKET_HOLD_SECONDS


class SenderBudget:
    def __init__(
        self,
        huey,
        sender_id: str,
        segments_per_second: float,
        per_minute: int = 0,
        per_day: int = 0,
        utc_offset: int = 0,
    ):
        """per_minute, per_day: the SIM's allowances (0: none); utc_offset: seconds east of
        UTC of the local time its days are counted in."""
        self.huey = huey
        self.name = f"sender-{sender_id}"
        self.per_second = segments_per_second
        self.rate = huey.rate_limit(self.name, segments_per_second, 1)
        self.minute = (
            Window(huey, f"{sender_id}.minute", per_minute, MINUTE) if per_minute else None
        )
        self.day = Window(huey, f"{sender_id}.day", per_day, DAY, utc_offset) if per_day else None
        self._pending = f"{huey.name}.urgent.{sender_id}"
        self._touched = f"{huey.name}.urgent.{sender_id}.at"
        self.lanes = {
            lane: Lane(huey, f"{huey.name}.turns.{sender_id}.{lane}") for lane in (STAFF, FAMILY)
        }

    def reserve(self) -> None:
        """An urgent text is on its way: from now on other texts leave the slots to it."""
        self.huey.storage.incr(self._pending, 1)
        self._touch()

    def release(self) -> None:
        """The urgent text a reservation was for has left (or failed for good)."""
        if self.huey.storage.incr(self._pending, -1) < 0:
            self.huey.storage.delete_counter(self._pending)

    def urgent_waiting(self) -> bool:
        if self.huey.storage.incr(self._pending, 0) <= 0:
            return False
        touched = self.huey.get(self._touched, peek=True) or 0
        return time.time() - touched < HOLD_SECONDS

    def take(self, segments: int, urgent: bool = False, lane: str = FAMILY) -> None:
        """Take a slot per segment, or raise RateLimitExceeded. An ordinary text waits its turn
        in its lane, and at the head of it for the SIM's next minute too; it steps aside
        (raises) while an urgent text waits, when the SIM's day is spent, or after its
        patience. An urgent text waits for the next slot."""
        if not urgent:
            if self.urgent_waiting():
                raise RateLimitExceeded(self.name, 1.0)
            self._wait_turn(segments, lane)
            return
        deadline = time.monotonic() + URGENT_PATIENCE_SECONDS
        taken = []
        if self.minute is not None:
            self._wait_for(self.minute, segments, deadline)
            taken.append(self.minute)
        if self.day is not None:
            self.day.take(segments, beyond_limit=True)
            taken.append(self.day)
        try:
            for _ in range(segments):
                self._take_second(deadline)
        except RateLimitExceeded:
            for window in taken:
                window.give_back(segments)
            raise

    def _wait_turn(self, segments: int, lane_name: str) -> None:
        """Wait for this text's turn in its lane (after the staff lane, for a family's text),
        then for the sender's next slots, one per segment; one log line if it has to wait."""
        lane = self.lanes[lane_name]
        before = [self.lanes[STAFF]] if lane_name == FAMILY else []
        deadline = time.monotonic() + TURN_PATIENCE_SECONDS
        ticket, waited = lane.ticket(), False
        try:
            while True:
                if self.urgent_waiting():
                    raise RateLimitExceeded(self.name, 1.0)  # the slots are the urgent text's
                if ticket > lane.issued():  # the storage restarted (Redis): queue anew
                    ticket = lane.ticket()
                lane.touch(ticket)
                head = lane.head()
                if head < ticket:
                    lane.skip_if_gone(head)
                elif not any(other.waiting() for other in before) and self._slots(
                    segments, (lane, ticket)
                ):
                    return
                if time.monotonic() >= deadline:
                    log.warning(
                        "%s: a text waited %ss for its turn", self.name, TURN_PATIENCE_SECONDS
                    )
                    raise RateLimitExceeded(self.name, 1.0)
                if not waited:
                    waited = True
                    log.info(
                        "%s: a text waits its turn, %d ahead", self.name, lane.ahead_of(ticket)
                    )
                pause(LOOK_SECONDS)
        finally:
            lane.done(ticket)

    def _slots(self, segments: int, ticket: tuple[Lane, int]) -> bool:
        """The SIM's day and minute, then the second's first slot: False when the minute or
        the second has no room yet (the text keeps its turn), RateLimitExceeded when the day
        is spent. Its other segments then take the next slots, so a long text is never cut by
        another's; its ticket holds the lane meanwhile."""
        taken: list[Window] = []
        try:
            for window in (self.day, self.minute):
                if window is None:
                    continue
                wait = window.take(segments)
                if wait and window is self.day:
                    raise RateLimitExceeded(self.name, wait)
                if wait:
                    return False
                taken.append(window)
            if not self._first_slot():
                return False
            end = time.monotonic() + segments / self.per_second + 1
            for _ in range(segments - 1):
                self._take_second(end, touch=False, ticket=ticket)
            taken = []  # sent: the windows keep what the text took
            return True
        finally:
            for window in taken:
                window.give_back(segments)

    def _first_slot(self) -> bool:
        try:
            self.rate.acquire()
        except RateLimitExceeded:
            return False
        return True

    def _take_second(self, deadline: float, touch: bool = True, ticket=None) -> None:
        """The next slot of the second's rate, waiting for it until `deadline`; `touch`: an
        urgent text holds its lane while it waits."""
        while True:
            if touch:
                self._touch()
            if ticket is not None:
                lane, number = ticket
                lane.touch(number)
            try:
                self.rate.acquire()
                return
            except RateLimitExceeded as full:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(min(full.delay, 0.25))  # the next window, at most a second away

    def _wait_for(self, window: Window, segments: int, deadline: float) -> None:
        """An urgent text waits in its job for the window's next room, up to the deadline."""
        while True:
            self._touch()
            wait = window.take(segments)
            if not wait:
                return
            if time.monotonic() >= deadline:
                raise RateLimitExceeded(self.name, wait)
            time.sleep(min(wait, 1.0))

    def _touch(self) -> None:
        self.huey.put(self._touched, time.time())
