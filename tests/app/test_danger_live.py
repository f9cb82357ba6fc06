"""Safeguarding with every process real: mid-screening, in human mode, and with Rasa stopped,
a danger message gets the emergency numbers and an urgent case with alerts to the region's
worker and supervisor within five seconds; everyday messages get none."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.app.test_live_channel import answered, thread_of
from tests.support.inbox_helpers import PHONES, V1, seed_area
from tests.support.live import LiveApp
from tests.support.settings import app_settings
from tests.support.waiting import eventually
from webhooks import services
from webhooks.core.conversations import find_sms_conversation
from webhooks.core.db import Session
from webhooks.core.models import Case, Conversation, DeliveryAttempt, FamilyContact, Message, Worker
from webhooks.core.texts import text

pytestmark = pytest.mark.stack

# The promise to a family in danger; the wait is a deadline, not a sleep.
EMERGENCY_DEADLINE = 5


@pytest.fixture
def area(live_app):
    """Village 1 with worker Wang and township supervisor Chen, both with phones on file."""
    return seed_area(SimpleNamespace(extensions={"helpline": live_app.services}))


def place_family(live_app, area, phone):
    with Session.begin() as session:
        conversation = find_sms_conversation(session, live_app.services.vault, phone)
        session.get(FamilyContact, conversation.contact_id).region_id = area.regions[V1]


def sent_to(live_app, phone) -> list[str]:
    """What reached this phone, whether it is a family's or a worker's."""
    vault = live_app.services.vault
    with Session() as session:
        threads = session.scalars(
            select(Conversation.id)
            .outerjoin(Conversation.contact)
            .where(FamilyContact.phone_hash == vault.lookup_hash(phone))
        ).all()
        threads += session.scalars(
            select(Conversation.id)
            .join(Conversation.worker)
            .where(Conversation.channel == Conversation.STAFF)
            .where(Worker.phone_hash == vault.lookup_hash(phone))
        ).all()
        return list(
            session.scalars(
                select(Message.body)
                .where(Message.conversation_id.in_(threads), Message.direction == Message.OUT)
                .where(Message.status.in_((Message.SENT, Message.DELIVERED)))
                .order_by(Message.id)
            )
        )


def urgent_case(live_app, phone) -> Case | None:
    with Session() as session:
        conversation = find_sms_conversation(session, live_app.services.vault, phone)
        return session.scalar(
            select(Case).where(
                Case.conversation_id == conversation.id,
                Case.status == Case.OPEN,
                Case.priority == Case.URGENT,
            )
        )


def expect_emergency_handled(live_app, phone, language="zh"):
    def everyone_told():
        family = text("emergency", language) in sent_to(live_app, phone)
        worker = any("#" in body for body in sent_to(live_app, PHONES["wang"]))
        supervisor = any("#" in body for body in sent_to(live_app, PHONES["chen"]))
        return family and worker and supervisor and urgent_case(live_app, phone)

    eventually(everyone_told, EMERGENCY_DEADLINE, "emergency reply, urgent case and alerts")
    flagged = [m.danger for m in thread_of(live_app, phone) if m.direction == Message.IN]
    assert flagged[-1] is True


def start_screening(live_app, area, phone):
    live_app.text(phone, "我想查一下孩子能领什么补助")
    eventually(answered(live_app, phone, 1), 60, "the first screening question")
    place_family(live_app, area, phone)


def test_danger_in_the_middle_of_a_screening(live_app, area):
    phone = "+8613600000001"
    start_screening(live_app, area, phone)
    live_app.text(phone, "他爸喝醉了又打孩子，打得很重")
    expect_emergency_handled(live_app, phone)


def test_control_in_the_middle_of_a_screening_raises_nothing(live_app, area):
    phone = "+8613600000002"
    start_screening(live_app, area, phone)
    live_app.text(phone, "孩子发烧了，能报销吗")
    eventually(answered(live_app, phone, 2), 60, "the bot's answer")
    assert text("emergency", "zh") not in sent_to(live_app, phone)
    assert urgent_case(live_app, phone) is None
    assert sent_to(live_app, PHONES["chen"]) == []


def test_the_bots_screening_question_marks_the_next_text_as_its_answer(live_app, area):
    """The action server's question reaches the app as such, so the danger screen reads the
    family's reply as an answer (webhooks/safety/screen.py, `answering`); a turn that asks
    nothing clears it."""
    phone = "+8613600000029"

    def asked():
        with Session() as session:
            conversation = find_sms_conversation(session, live_app.services.vault, phone)
            return conversation.bot_asked_at is not None

    start_screening(live_app, area, phone)
    assert asked()
    live_app.text(phone, "算了")  # the family stops the questions
    eventually(answered(live_app, phone, 2), 60, "the bot's word on stopping")
    assert not asked()


@pytest.mark.parametrize(
    ("phone", "body"),
    [
        ("+8613600000009", "家里着火了 孩子能申请救助吗"),
        # Rasa reads this one as report_danger: the bot must not ask the question again.
        ("+8613600000019", "孩子被打了 能申请什么补助"),
    ],
)
def test_an_aid_question_that_set_off_the_alarm_is_screened_by_the_bot_after_a_no(
    live_app, phone, body
):
    """The family's "no" to the danger question gets their aid question answered by the real
    bot, after the notice, while the case stays open for a worker; the bot's screening starts
    on their text, without asking "is a child in danger now?" a second time."""
    live_app.text(phone, body)
    eventually(answered(live_app, phone, 1), EMERGENCY_DEADLINE, "the numbers and the question")
    assert sent_to(live_app, phone) == [text("emergency", "zh"), text("danger_question", "zh")]
    live_app.text(phone, "2")
    eventually(answered(live_app, phone, 2), 60, "the notice and the bot's answer")
    sent = sent_to(live_app, phone)
    assert sent[2] == text("danger_denied_aid", "zh")
    assert sent[3:] and text("holding", "zh") not in sent[3:]  # the bot answered, in time
    assert not any("有危险吗" in reply for reply in sent[3:])
    with Session() as session:
        conversation = find_sms_conversation(session, live_app.services.vault, phone)
        assert conversation.mode == Conversation.BOT
        case = session.scalar(select(Case).where(Case.conversation_id == conversation.id))
        assert (case.status, case.priority) == (Case.OPEN, Case.NORMAL)


def test_danger_while_a_worker_has_the_conversation(live_app, area):
    phone = "+8613600000003"
    live_app.text(phone, "hello")
    eventually(answered(live_app, phone, 1), 60, "the greeting")
    place_family(live_app, area, phone)
    live_app.text(phone, "I want to talk to a person")
    eventually(answered(live_app, phone, 2), 60, "the handoff")
    with Session() as session:
        conversation = find_sms_conversation(session, live_app.services.vault, phone)
        assert conversation.mode == Conversation.HUMAN
    live_app.text(phone, "my husband is beating our son right now")
    expect_emergency_handled(live_app, phone, "en")


@pytest.mark.parametrize(
    ("body", "danger"), [("孩子说不想活了，要跳河", True), ("孩子的低保什么时候发", False)]
)
def test_with_rasa_stopped(live_app, area, rasa_stack, body, danger):
    phone = "+8613600000004" if danger else "+8613600000005"
    live_app.text(phone, "你好")
    eventually(answered(live_app, phone, 1), 60, "the greeting")
    place_family(live_app, area, phone)
    rasa_stack.stop_rasa()
    try:
        live_app.text(phone, body)
        if danger:
            expect_emergency_handled(live_app, phone)
        else:
            eventually(
                lambda: text("holding", "zh") in sent_to(live_app, phone), 30, "holding reply"
            )
            assert urgent_case(live_app, phone) is None
            assert text("emergency", "zh") not in sent_to(live_app, phone)
    finally:
        rasa_stack.start_rasa()


def test_the_emergency_reply_goes_ahead_of_every_text_waiting(
    tmp_path, database_url, rasa_stack, redis_url
):
    """A sender at one segment a second with twenty families' replies waiting: the emergency
    reply takes the next slot. Of the replies still waiting when the danger text was stored,
    only one (the slot already taken) may leave before it."""
    live = LiveApp(
        tmp_path, database_url, rasa_stack.rasa_url, redis_url, SEND_RATE_SEGMENTS_PER_SECOND="1"
    )
    live.start(consumers=2)
    try:
        live.services = services.configure(
            app_settings(DATABASE_URL=database_url, RASA_URL=rasa_stack.rasa_url)
        )
        families = [f"+86135000001{n:02d}" for n in range(20)]
        for phone in families:
            assert live.text(phone, "HELP").status_code == 200  # one fixed reply each, no Rasa
        danger = "+8613500000199"
        assert live.text(danger, "救命 他拿刀要砍孩子").status_code == 200
        waiting = _replies(Message.status == Message.QUEUED)
        assert len(waiting) >= 10, "the sender should still have a backlog"

        emergency = eventually(
            lambda: _sent_at(_emergency_of(live, danger)), EMERGENCY_DEADLINE, "emergency sent"
        )
        sent_before = [m for m in waiting if (at := _sent_at(m)) is not None and at < emergency]
        assert len(sent_before) <= 1, "only the slot already taken may go first"
    finally:
        live.stop()


def _replies(*where) -> list[int]:
    with Session() as session:
        return list(
            session.scalars(
                select(Message.id).where(
                    Message.direction == Message.OUT, Message.kind != Message.EMERGENCY, *where
                )
            )
        )


def _emergency_of(live, phone) -> int | None:
    with Session() as session:
        conversation = find_sms_conversation(session, live.services.vault, phone)
        return session.scalar(
            select(Message.id).where(
                Message.conversation_id == conversation.id, Message.kind == Message.EMERGENCY
            )
        )


def _sent_at(message_id: int | None) -> int | None:
    """The order the text left in: the id of its successful delivery attempt."""
    if message_id is None:
        return None
    with Session() as session:
        return session.scalar(
            select(DeliveryAttempt.id).where(
                DeliveryAttempt.message_id == message_id, DeliveryAttempt.outcome == "sent"
            )
        )
