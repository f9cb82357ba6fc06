"""Sending through Twilio's API: what is retried, what is given up, what is recorded."""

import pytest
from sqlalchemy import select

from tests.support.doubles import FakeTwilioApi
from tests.support.settings import app_settings
from webhooks.core.db import Session
from webhooks.core.models import DeliveryAttempt, Message
from webhooks.sms.providers import PermanentFailure, TemporaryFailure
from webhooks.sms.providers.twilio import TwilioProvider

PHONE = "+8613800000031"


def provider(api: FakeTwilioApi) -> TwilioProvider:
    settings = app_settings(TWILIO_ACCOUNT_SID="AC" + "1" * 32, TWILIO_FROM_NUMBER="+10000000001")
    return TwilioProvider(settings, http_client=api)


def test_a_sent_message_returns_twilio_sid_and_posts_to_and_body():
    api = FakeTwilioApi()
    sent = provider(api).send(PHONE, "你好", "https://helpline.example/sms/twilio/status")
    assert sent.provider_sid.startswith("SM")
    [request] = api.requests
    assert request.data["To"] == PHONE and request.data["Body"] == "你好"
    assert request.data["From"] == "+10000000001"
    assert request.data["StatusCallback"].endswith("/sms/twilio/status")


@pytest.mark.parametrize(
    ("outcome", "failure"),
    [
        ((429, 20429), TemporaryFailure),
        ((500, 20500), TemporaryFailure),
        ((503, 20503), TemporaryFailure),
        ("network", TemporaryFailure),
        ((400, 21610), PermanentFailure),  # the family replied STOP at the carrier
        ((400, 21211), PermanentFailure),  # not a valid phone number
        ((400, 21614), PermanentFailure),  # not a mobile number
    ],
)
def test_failures_are_sorted_into_retry_or_give_up(outcome, failure):
    with pytest.raises(failure):
        provider(FakeTwilioApi([outcome])).send(PHONE, "hello")


@pytest.fixture
def twilio_api(app):
    """The app's provider swapped for Twilio over the fake API (the network edge only)."""
    api = FakeTwilioApi()
    app.extensions["helpline"].provider = provider(api)
    return api


def attempts(phone_sms, phone):
    ids = [m.id for m in phone_sms.thread(phone) if m.direction == Message.OUT]
    with Session() as session:
        rows = session.scalars(select(DeliveryAttempt).where(DeliveryAttempt.message_id.in_(ids)))
        return [a.outcome for a in rows]


def test_reply_goes_out_through_twilio_and_delivery_is_recorded(sms, twilio_api):
    sms.text(PHONE, "HELP")
    [reply] = [m for m in sms.thread(PHONE) if m.direction == Message.OUT]
    assert reply.status == Message.SENT and twilio_api.sent_bodies == [reply.body]
    assert sms.status(reply.provider_sid, "delivered").status_code == 200
    assert sms.thread(PHONE)[-1].status == Message.DELIVERED
    sms.status(reply.provider_sid, "sent")  # a late report never moves a message back
    assert sms.thread(PHONE)[-1].status == Message.DELIVERED
    sms.status(reply.provider_sid, "failed", ErrorCode="30003")  # nor does a forged replay
    assert (sms.thread(PHONE)[-1].status, sms.thread(PHONE)[-1].error) == (Message.DELIVERED, None)
    assert attempts(sms, PHONE) == ["sent"]


def test_temporary_failure_is_retried_and_every_attempt_recorded(sms, twilio_api):
    from webhooks.jobs import tasks

    twilio_api.outcomes = [(429, 20429), (503, 20503)]
    sms.text(PHONE, "HELP")
    [reply] = [m for m in sms.thread(PHONE) if m.direction == Message.OUT]
    assert reply.status == Message.QUEUED
    # The queue's retries, run by hand: 503 once more, then through.
    with pytest.raises(TemporaryFailure):
        tasks.send_outbound.call_local(reply.conversation_id)
    tasks.send_outbound.call_local(reply.conversation_id)
    assert sms.thread(PHONE)[-1].status == Message.SENT
    assert attempts(sms, PHONE) == ["retry", "retry", "sent"]


def test_permanent_failure_is_not_retried(sms, twilio_api):
    twilio_api.outcomes = [(400, 21610)]
    sms.text(PHONE, "HELP")
    [reply] = [m for m in sms.thread(PHONE) if m.direction == Message.OUT]
    assert reply.status == Message.FAILED
    assert attempts(sms, PHONE) == ["failed"]
    assert len(twilio_api.requests) == 1


def test_forged_status_callback_is_refused(sms, twilio_api):
    sms.text(PHONE, "HELP")
    [reply] = [m for m in sms.thread(PHONE) if m.direction == Message.OUT]
    params = {"MessageSid": reply.provider_sid, "MessageStatus": "failed"}
    response = sms.post("http://localhost/sms/twilio/status", params, signature="forged")
    assert response.status_code == 403
    assert sms.thread(PHONE)[-1].status == Message.SENT


def test_a_reply_longer_than_the_senders_second_leaves_in_the_next_slots(app, sms, twilio_api):
    """3 segments at 2 a second: before, it was held and retried for ever (each try took one
    slot and was refused the next); now its segments take the next slots as they come."""
    import dataclasses

    from webhooks.core.conversations import find_sms_conversation, stage_replies
    from webhooks.jobs import tasks

    services = app.extensions["helpline"]
    services.settings = dataclasses.replace(services.settings, SEND_RATE_SEGMENTS_PER_SECOND=2)
    sms.text(PHONE, "HELP")  # creates the conversation; its one-segment reply goes out
    with Session.begin() as session:
        conversation = find_sms_conversation(session, services.vault, PHONE)
        [long_reply] = stage_replies(session, conversation, ["孩子" * 100], budget=3)
        assert long_reply.segments == 3
        conversation_id = conversation.id
    tasks.send_outbound(conversation_id)
    assert sms.thread(PHONE)[-1].status == Message.SENT
    assert len(twilio_api.requests) == 2


def test_a_reply_the_turn_could_not_send_goes_to_the_retrying_send_job(sms, twilio_api):
    """The turn's own job sends what it staged; a temporary failure hands it to a send job."""
    twilio_api.outcomes = [(503, 20503)]
    sms.text(PHONE, "你好")  # Rasa is unreachable here: the turn stages a holding reply
    [reply] = [m for m in sms.thread(PHONE) if m.direction == Message.OUT]
    assert reply.kind == Message.HOLDING and reply.status == Message.SENT
    assert attempts(sms, PHONE) == ["retry", "sent"]


def test_a_text_another_job_is_sending_is_not_sent_twice(app, sms, twilio_api):
    """A send job that lost the conversation's lock with its database link may still be talking
    to Twilio, or waiting to record what Twilio said: a text it marked sending is left to it
    while in flight; after that the sweep takes it as a dead job's, and sends it once."""
    from datetime import timedelta

    from sqlalchemy import update

    from webhooks.core.conversations import find_sms_conversation, stage_replies
    from webhooks.core.db import utcnow
    from webhooks.jobs import tasks
    from webhooks.messaging.outbound import IN_FLIGHT

    services = app.extensions["helpline"]
    sms.text(PHONE, "HELP")  # creates the conversation; its reply goes out
    with Session.begin() as session:
        conversation = find_sms_conversation(session, services.vault, PHONE)
        [reply] = stage_replies(session, conversation, ["申请低保去乡镇政府。"], budget=3)
        reply.status = Message.SENDING  # as the other job left it before calling Twilio

    def marked_sending(ago: timedelta) -> None:
        with Session.begin() as session:
            since = utcnow() - ago
            session.execute(update(Message).where(Message.id == reply.id).values(updated_at=since))

    tasks.send_outbound.call_local(reply.conversation_id)  # another job, the family's next reply
    marked_sending(IN_FLIGHT - timedelta(seconds=5))
    tasks.sweep.call_local()
    assert len(twilio_api.requests) == 1 and sms.thread(PHONE)[-1].status == Message.SENDING

    marked_sending(IN_FLIGHT + timedelta(seconds=15))
    tasks.sweep.call_local()
    assert twilio_api.sent_bodies[1:] == ["申请低保去乡镇政府。"]
    assert sms.thread(PHONE)[-1].status == Message.SENT


def test_a_text_sent_as_the_database_goes_away_is_recorded_once_it_is_back(
    app, sms, twilio_api, monkeypatch
):
    """Twilio has the text, and the database is away: the outcome waits for it to come back,
    rather than leave the text marked as being sent, to go again."""
    import threading

    from tests.support import databases

    helpline = app.extensions["helpline"]
    real_send = helpline.provider.send

    def send_then_lose_the_database(*args, **kwargs):
        sent = real_send(*args, **kwargs)
        outage = databases.unreachable()
        outage.__enter__()
        threading.Timer(1.0, outage.__exit__, (None, None, None)).start()
        return sent

    monkeypatch.setattr(helpline.provider, "send", send_then_lose_the_database)
    assert sms.text(PHONE, "HELP").status_code == 200
    [reply] = [m for m in sms.thread(PHONE) if m.direction == Message.OUT]
    assert reply.status == Message.SENT and reply.attempts == 1
    assert len(twilio_api.requests) == 1 and attempts(sms, PHONE) == ["sent"]
