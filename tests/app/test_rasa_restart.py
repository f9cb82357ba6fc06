"""Rasa stopped in the middle of a conversation, then started again: nothing is lost."""

import pytest

from tests.app.test_live_channel import answered, thread_of
from tests.support.waiting import eventually
from webhooks.core.models import Message
from webhooks.core.texts import text

pytestmark = pytest.mark.stack


def test_messages_sent_while_rasa_is_down_are_answered_once_it_is_back(live_app, rasa_stack):
    phone = "+8613900000101"
    live_app.text(phone, "你好")
    eventually(answered(live_app, phone, 1), 60, "the first answer")

    rasa_stack.stop_rasa()
    try:
        for body in ("hello", "你好", "hello"):
            assert live_app.text(phone, body).status_code == 200

        def holding_reply():
            # In English or Chinese: whichever the family wrote last when the turn job ran.
            bodies = [m.body for m in thread_of(live_app, phone) if m.kind == Message.HOLDING]
            return bodies and bodies[0] in (text("holding", "en"), text("holding", "zh"))

        eventually(holding_reply, 30, "the holding reply")
    finally:
        rasa_stack.start_rasa()

    thread = eventually(answered(live_app, phone, 4), 120, "every message answered")
    inbound_ids = [m.id for m in thread if m.direction == Message.IN]
    replies = [m for m in thread if m.direction == Message.OUT and m.kind == Message.REPLY]
    assert [m.reply_to_id for m in replies] == inbound_ids  # each once, in order
    holding = [m for m in thread if m.kind == Message.HOLDING]
    assert len(holding) == 1
