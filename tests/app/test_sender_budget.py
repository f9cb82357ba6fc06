"""The sender's budget: an urgent text takes the next slot; others step aside while it waits,
and a reservation whose job was lost does not hold them back for good."""

import time

import pytest
from huey import SqliteHuey
from huey.exceptions import RateLimitExceeded

from webhooks.sms import sender_budget
from webhooks.sms.sender_budget import SenderBudget


@pytest.fixture
def budget(tmp_path):
    huey = SqliteHuey(filename=str(tmp_path / "queue.db"), results=False, name="budget-test")
    return SenderBudget(huey, "console", 1)


def test_an_ordinary_text_takes_a_free_slot_and_is_refused_when_none_is_left(budget):
    budget.take(1)
    with pytest.raises(RateLimitExceeded):
        budget.take(1)


def test_ordinary_texts_step_aside_while_an_urgent_one_waits(budget):
    budget.reserve()
    with pytest.raises(RateLimitExceeded):
        budget.take(1)  # the slot is free, but it is the urgent text's
    budget.take(1, urgent=True)
    budget.release()
    assert not budget.urgent_waiting()


def test_an_urgent_text_waits_for_the_next_slot_instead_of_failing(budget):
    budget.take(1)  # this second's slot is gone
    budget.take(1, urgent=True)  # returns once the next second's slot is its own
    with pytest.raises(RateLimitExceeded):
        budget.take(1)


def test_a_lost_reservation_lapses(budget, monkeypatch):
    budget.reserve()
    assert budget.urgent_waiting()
    later = time.time() + sender_budget.HOLD_SECONDS + 1
    monkeypatch.setattr(sender_budget.time, "time", lambda: later)
    assert not budget.urgent_waiting()


def test_release_never_counts_below_nothing(budget):
    budget.release()
    budget.release()
    budget.reserve()
    assert budget.urgent_waiting()
