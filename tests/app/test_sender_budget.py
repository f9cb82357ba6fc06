"""The sender's budget: texts wait their turn, first come first served, a worker's texts before
the bot's; an urgent text takes the next slot and others step aside while it waits; a
reservation or a ticket whose job was lost does not hold the others back for good."""

import logging
import threading
import time

import pytest
from huey import SqliteHuey
from huey.exceptions import RateLimitExceeded

from tests.support.waiting import eventually
from webhooks.core import logs
from webhooks.sms import sender_budget
from webhooks.sms.sender_budget import FAMILY, STAFF, SenderBudget


@pytest.fixture
def budget(tmp_path):
    huey = SqliteHuey(filename=str(tmp_path / "queue.db"), results=False, name="budget-test")
    return SenderBudget(huey, "console", 1)


def spend_this_second(budget: SenderBudget) -> None:
    """Take every slot left in the current second (the texts below wait for the next)."""
    while budget._first_slot():
        pass


def test_an_ordinary_text_waits_for_the_next_slot_instead_of_failing(budget):
    spend_this_second(budget)
    budget.take(1)  # returns once the next second's slot is its own


def test_a_text_that_waits_says_so_once_not_per_try(budget, caplog):
    """Refused sends used to retry with backoff, one log line per retry (300,000 in 75 min)."""
    spend_this_second(budget)
    with caplog.at_level("INFO", logger="webhooks.sms.sender_budget"):
        budget.take(1)
    assert [r.getMessage() for r in caplog.records] == [
        "sender-console: a text waits its turn, 0 ahead"
    ]


def test_the_queue_consumer_shows_the_apps_lines(capsys):
    """huey's consumer sets up only huey's logger: the app's lines were lost."""
    app = logging.getLogger("webhooks")
    before = (app.handlers[:], app.level, app.propagate)
    try:
        logs.show_app_lines()
        logging.getLogger("webhooks.jobs.tasks").info("sweep: 0 conversations waiting")
    finally:
        app.handlers[:], app.level, app.propagate = before
    assert "INFO webhooks.jobs.tasks sweep: 0 conversations waiting" in capsys.readouterr().err


def test_texts_leave_first_come_first_served(tmp_path):
    """Refused texts used to retry with backoff and leave in random order."""
    huey = SqliteHuey(filename=str(tmp_path / "queue.db"), results=False, name="fifo-test")
    budget = SenderBudget(huey, "console", 2)
    spend_this_second(budget)
    left: list[int] = []
    lane = budget.lanes[FAMILY]
    texts = []
    for number in range(5):
        text = threading.Thread(target=lambda n=number: (budget.take(1), left.append(n)))
        text.start()
        texts.append(text)
        eventually(lambda n=number: lane.issued() > n, 5, "the text's ticket")  # then the next
    for text in texts:
        text.join()
    assert left == [0, 1, 2, 3, 4]


def test_a_workers_text_goes_before_the_bots_replies_waiting(budget, monkeypatch):
    monkeypatch.setattr(sender_budget, "TURN_PATIENCE_SECONDS", 0.3)
    worker_text = budget.lanes[STAFF].ticket()  # waiting for its slot
    with pytest.raises(RateLimitExceeded):
        budget.take(1)  # a slot is free, but the worker's text is first
    budget.lanes[STAFF].done(worker_text)
    budget.take(1)


def test_a_text_waits_no_longer_than_its_patience(budget, monkeypatch):
    monkeypatch.setattr(sender_budget, "TURN_PATIENCE_SECONDS", 0.3)
    lane = budget.lanes[FAMILY]
    first = lane.ticket()  # an earlier text, still waiting
    with pytest.raises(RateLimitExceeded):
        budget.take(1)
    lane.done(first)
    budget.take(1)  # the text that gave up holds nobody back


def test_a_ticket_whose_text_stopped_waiting_does_not_hold_the_lane(budget):
    lane = budget.lanes[FAMILY]
    lost = lane.ticket()  # its process died while it waited
    budget.huey.put(f"{lane._alive}.{lost}", time.time() - sender_budget.TICKET_HOLD_SECONDS - 1)
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


def test_a_text_of_more_segments_than_a_second_allows_takes_the_next_slots(budget):
    """One segment a second and a three-segment reply: it was refused at every try, for ever
    (the job retried every few seconds, each time taking one slot and failing the second)."""
    budget.take(3)  # returns once its third slot is its own
    assert not budget._first_slot()  # this second's slot went to the reply


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


# --- A SIM's minute and day (SMS Gateway for Android) -------------------------------------


@pytest.fixture
def sim(tmp_path, monkeypatch):
    """A SIM allowed 3 parts a minute and 5 a day, on a clock the test moves."""
    huey = SqliteHuey(filename=str(tmp_path / "queue.db"), results=False, name="sim-test")
    now = [1_800_000_000.0]  # a minute's start
    monkeypatch.setattr(sender_budget, "clock", lambda: now[0])
    budget = SenderBudget(huey, "android-t1", 1000, per_minute=3, per_day=5)
    # A text over the minute waits its turn for the next; these tests' clock does not move alone.
    monkeypatch.setattr(sender_budget, "TURN_PATIENCE_SECONDS", 0.3)
    budget.move = lambda seconds: now.__setitem__(0, now[0] + seconds)
    return budget


def test_a_sims_minute_allowance_holds_texts_until_the_next_minute(sim):
    sim.take(2)
    with pytest.raises(RateLimitExceeded):
        sim.take(2)  # a two-part text does not fit in the one part left: it waited
    sim.take(1)
    sim.move(60)
    sim.take(2)


def test_a_text_over_the_minutes_allowance_waits_for_the_next_minute_in_turn(sim, monkeypatch):
    monkeypatch.setattr(sender_budget, "TURN_PATIENCE_SECONDS", 30)
    monkeypatch.setattr(sender_budget, "pause", lambda seconds: sim.move(20))
    sim.take(3)
    sim.take(1)  # returns in the next minute rather than failing its job
    with pytest.raises(RateLimitExceeded):
        sim.take(3)  # the day (5 parts) has room for one more only: that is not waited for


def test_a_text_held_back_uses_none_of_the_days_allowance(sim):
    sim.take(3)
    for _ in range(5):  # the job's retries, all within the minute
        with pytest.raises(RateLimitExceeded):
            sim.take(1)
    sim.move(60)
    sim.take(2)  # the day's 5th part: the retries above counted nothing
    sim.move(60)
    with pytest.raises(RateLimitExceeded):
        sim.take(1)


def test_the_day_turns_at_local_midnight(tmp_path, monkeypatch):
    huey = SqliteHuey(filename=str(tmp_path / "queue.db"), results=False, name="day-test")
    beijing = 8 * 3600
    local_midnight = 1_800_000_000 - (1_800_000_000 + beijing) % 86400 + 86400
    budget = SenderBudget(huey, "android-t1", 1000, per_day=1, utc_offset=beijing)
    monkeypatch.setattr(sender_budget, "clock", lambda: local_midnight - 1)
    budget.take(1)
    with pytest.raises(RateLimitExceeded):
        budget.take(1)
    monkeypatch.setattr(sender_budget, "clock", lambda: local_midnight)
    budget.take(1)


def test_an_urgent_text_goes_past_the_days_allowance_and_counts(sim):
    sim.take(3)
    sim.move(60)
    sim.take(2)  # the day is spent
    with pytest.raises(RateLimitExceeded):
        sim.take(1)
    sim.take(1, urgent=True)  # the emergency numbers still go
    sim.move(24 * 3600)
    sim.take(3)


def test_a_text_longer_than_the_minutes_allowance_goes_alone(sim):
    sim.take(4)  # rather than never
    with pytest.raises(RateLimitExceeded):
        sim.take(1)
