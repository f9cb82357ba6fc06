"""STOP, START, HELP and MORE as a family meets them: answered by the app, never the bot."""

import pytest

from webhooks.core.conversations import sms_conversation, stage_replies
from webhooks.core.db import Session
from webhooks.core.models import Conversation, Message
from webhooks.core.texts import text
from webhooks.messaging import outbound

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


@pytest.mark.parametrize(
    ("body", "language"),
    [("please stop sending me these messages", "en"), ("不要再给我发短信了", "zh")],
)
def test_a_request_in_words_to_stop_is_told_the_keyword_and_changes_nothing(sms, body, language):
    """Walked on make run: "please stop sending me these messages" got the bot's answer about
    an application's status. A sentence is no opt-out, so the family is told the keyword."""
    sms.text(PHONE, body)
    assert sms.replies(PHONE) == [text("stop_how", language)]
    sms.text(PHONE, "HELP")  # still subscribed: answered
    assert sms.replies(PHONE)[-1] == text("help", "en")


def test_words_about_stopping_texts_that_a_worker_should_read_reach_the_worker(
    sms, classifier_says
):
    """Only a family the bot is answering, whose message the screen found nothing in, is told
    the keyword: harassment told in the same words goes to a worker."""
    from tests.support.classifier import DISTRESS

    classifier_says(DISTRESS)
    sms.text(PHONE, "那个男的天天给我女儿发信息 叫她别告诉我们 我不想她再收到他的信息")
    assert text("stop_how", "zh") not in sms.replies(PHONE)
    assert sms.replies(PHONE) == [text("distress_case", "zh")]


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


def test_a_stop_while_a_reply_waits_for_the_sender_is_obeyed(app):
    """A reply may wait minutes for its turn at the sender; it is read again after the wait,
    so a STOP the family sent meanwhile keeps it from going (it waited inside its transaction
    and went anyway)."""
    helpline = app.extensions["helpline"]
    with Session.begin() as session:
        conversation = sms_conversation(session, helpline.vault, PHONE)
        [reply] = stage_replies(session, conversation, ["低保找乡镇政府申请"], budget=3)
        session.flush()
        conversation_id, reply_id = conversation.id, reply.id

    def stop_while_waiting(segments, urgent, line, lane):
        with Session.begin() as session:
            session.get(Conversation, conversation_id).contact.opted_out = True

    outbound.send_pending(helpline, conversation_id, stop_while_waiting)
    with Session() as session:
        assert session.get(Message, reply_id).status == Message.SUPPRESSED
