"""The sender's budget: segments per second through one number, with a lane for urgent texts.

Every text takes its segments from the sender's rate limit (huey's, shared by every process
through the queue's storage). Texts about a child in danger (the emergency reply, the
question that follows it, alerts to workers) take the next slot ahead of every other text:
while one is waiting, other senders step aside instead of taking a slot, and the urgent one
waits for the next slot in its job instead of backing off behind everyone else's replies.
"""

import time

from huey.exceptions import RateLimitExceeded

# A reserved lane lapses this long after it was last touched, so a reservation whose job was
# lost (its process died, Redis restarted) holds other texts back for seconds, not for good.
HOLD_SECONDS = 10
# An urgent text waits at most this long for a slot before its job retries like any other.
URGENT_PATIENCE_SECONDS = 30


class SenderBudget:
    def __init__(self, huey, sender_id: str, segments_per_second: float):
        self.huey = huey
        self.name = f"sender-{sender_id}"
        self.rate = huey.rate_limit(self.name, segments_per_second, 1)
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
            for _ in range(segments):
                self.rate.acquire()
            return
        deadline = time.monotonic() + URGENT_PATIENCE_SECONDS
        for _ in range(segments):
            while True:
                self._touch()
                try:
                    self.rate.acquire()
                    break
                except RateLimitExceeded as full:
                    if time.monotonic() >= deadline:
                        raise
                    time.sleep(min(full.delay, 0.25))  # the next window, at most a second away

    def _touch(self) -> None:
        self.huey.put(self._touched, time.time())
