"""STOP, START, HELP and MORE as a family meets them: answered by the app, never the bot."""

import pytest

from webhooks.core.models import Message
from webhooks.core.texts import text

PHONE = "+8613800000002"


def test_stop_confirms_once_and_blocks_everything_after(sms):
    sms.text(PHONE, "STOP")
    sms.text(PHONE, "stop")
    sms.text(PHONE, "HELP")
    sms.text(PHONE, "孩子的补助怎么申请")
    assert sms.replies(PHONE) == [text("opted_out", "en")]


@pytest.mark.parametrize(
    ("stop", "start", "language"), [("退订", "订阅", "zh"), ("  Stop ", "START", "en")]
)
def test_start_after_stop_confirms_in_the_family_language(sms, stop, start, language):
    sms.text(PHONE, stop)
    sms.text(PHONE, start)
    assert sms.replies(PHONE)[-1] == text("opted_in", language)


@pytest.mark.parametrize(("body", "language"), [("帮助", "zh"), ("HELP", "en")])
def test_help_gets_the_fixed_help_text(sms, body, language):
    sms.text(PHONE, body)
    assert sms.replies(PHONE) == [text("help", language)]


def test_more_with_nothing_left_says_so(sms):
    sms.text(PHONE, "更多")
    assert sms.replies(PHONE) == [text("nothing_more", "zh")]


def test_picture_without_words_gets_a_text_only_reply(sms):
    sms.text(PHONE, "", NumMedia="1", MediaUrl0="https://example.invalid/photo.jpg")
    assert len(sms.replies(PHONE)) == 1
    assert sms.replies(PHONE)[0] in (
        text("media_not_supported", "zh"),
        text("media_not_supported", "en"),
    )


def test_rasa_down_gets_one_holding_reply_and_the_message_waits(sms):
    sms.text(PHONE, "我想问问低保")
    sms.text(PHONE, "在吗")
    inbound = [m for m in sms.thread(PHONE) if m.direction == Message.IN]
    assert [m.status for m in inbound] == [Message.RECEIVED, Message.RECEIVED]
    assert sms.replies(PHONE) == [text("holding", "zh")]
