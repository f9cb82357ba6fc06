"""The sender's budget: segments per second through one number, with a lane for urgent texts.

Every text takes its segments from the sender's rate limit (huey's, shared by every process
through the queue's storage). Texts about a child in danger (the emergency reply, the
question that follows it, alerts to workers) take the next slot ahead of every other text:
while one is waiting, other senders step aside instead of taking a slot, and the urgent one
waits for the next slot in its job instead of backing off behind everyone else's replies.

A SIM in an Android phone also has a minute's and a day's allowance (a carrier stops a SIM
that sends like a spammer's). A text over either is refused like one over the second's rate:
it stays queued, in order, and its job retries. An urgent text waits for the minute's next
slot like the second's, and goes even past the day's allowance: a few texts over it put the
SIM at less risk than an emergency held until tomorrow puts a child.
"""

import time

from huey.exceptions import RateLimitExceeded

# A reserved lane lapses this long after it was last touched, so a reservation whose job was
# lost (its process died, Redis restarted) holds other texts back for seconds, not for good.
HOLD_SECONDS = 10
# An urgent text waits at most this long for a slot before its job retries like any other.
URGENT_PATIENCE_SECONDS = 30


MINUTE, DAY = 60, 24 * 60 * 60


def clock() -> float:
    """The time the minute and day windows are counted by."""
    return time.time()


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

    def take(self, segments: int, urgent: bool = False) -> None:
        """Take a slot per segment, or raise RateLimitExceeded: at once for an ordinary text
        when none is free or an urgent one waits; for an urgent text, after its patience."""
        if not urgent:
            if self.urgent_waiting():
                raise RateLimitExceeded(self.name, 1.0)
            taken = self._take_allowances(segments)
            try:
                self.rate.acquire()  # the first slot now, or the job tries again later
                # The text's other segments take the next slots as they come: more segments
                # than the second allows would otherwise never fit, and retry for ever.
                deadline = time.monotonic() + segments / self.per_second + 1
                for _ in range(segments - 1):
                    self._take_second(deadline, touch=False)
            except RateLimitExceeded:
                for window in taken:
                    window.give_back(segments)
                raise
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

    def _take_second(self, deadline: float, touch: bool = True) -> None:
        """The next slot of the second's rate, waiting for it until `deadline`; `touch`: an
        urgent text holds its lane while it waits."""
        while True:
            if touch:
                self._touch()
            try:
                self.rate.acquire()
                return
            except RateLimitExceeded as full:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(min(full.delay, 0.25))  # the next window, at most a second away

    def _take_allowances(self, segments: int) -> list[Window]:
        """The day's and the minute's, both or neither; RateLimitExceeded when either is spent."""
        taken: list[Window] = []
        for window in (self.day, self.minute):
            if window is None:
                continue
            wait = window.take(segments)
            if wait:
                for other in taken:
                    other.give_back(segments)
                raise RateLimitExceeded(self.name, wait)
            taken.append(window)
        return taken

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
