"""Texts from mainland numbers through Android phones (SMS Gateway for Android): the phones'
signed webhooks in, the same path as a Twilio text, replies out through each family's own line
to a local server that answers as the phone's API does, delivery reports, the SIM's allowance,
and a phone gone quiet on /readyz and the dashboard."""

import json
import logging
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.support.android import SIGNING_KEYS, GatewayPhone, envelope, sign
from tests.support.inbox_helpers import PHONES, StaffClient, seed_area
from webhooks.core.conversations import find_sms_conversation, stage_replies
from webhooks.core.db import Session, utcnow
from webhooks.core.models import (
    Case,
    Conversation,
    DeliveryAttempt,
    FamilyContact,
    GatewayLine,
    Message,
)
from webhooks.core.rasa import BotReply
from webhooks.core.texts import text
from webhooks.jobs import tasks
from webhooks.messaging import inbound, spool
from webhooks.sms import sender_budget
from webhooks.sms.cleaning import mainland_e164

PHONE = "+8613800000051"
OTHER = "+8613800000052"
THIRD = "+8613800000053"
FOURTH = "+8613800000054"
HELP = text("help", "zh")
GREETING = "您好，这里是儿童福利热线。请问孩子需要什么帮助？"


class Greeter:
    """Rasa answering every turn with the greeting."""

    def send(self, sender, words, metadata):
        return BotReply(texts=[GREETING])


def count(model) -> int:
    with Session() as session:
        return session.scalar(select(func.count()).select_from(model))


def received(phone_: GatewayPhone, phone: str) -> list[str]:
    return [m.body for m in phone_.thread(phone) if m.direction == Message.IN]


def outbound(phone_: GatewayPhone, phone: str) -> list[Message]:
    return [m for m in phone_.thread(phone) if m.direction == Message.OUT]


def attempts(message_id: int) -> list[str]:
    with Session() as session:
        rows = session.scalars(
            select(DeliveryAttempt.outcome)
            .where(DeliveryAttempt.message_id == message_id)
            .order_by(DeliveryAttempt.id)
        )
        return list(rows)


# --- In: the same path as a Twilio text ---------------------------------------------------


def test_a_signed_text_is_answered_by_the_bot_through_the_line_it_came_in_on(
    android_app, phones, gateways
):
    android_app.extensions["helpline"].rasa = Greeter()
    # The phone shows a local sender as dialled; the family is known by its E.164 number.
    assert phones["t1"].text("138 0000 0051", "你好").status_code == 204
    assert received(phones["t1"], PHONE) == ["你好"]
    assert gateways["t1"].texts == [(PHONE, GREETING)]
    assert phones["t1"].replies(PHONE) == [GREETING]
    assert gateways["t2"].texts == []


def test_the_phones_retry_and_a_captured_replay_are_stored_once_and_answered_once(phones, gateways):
    body = json.dumps(envelope("sms:received", {"sender": PHONE, "message": "帮助"})).encode()
    now = str(int(time.time()))
    first = phones["t1"].post(body, timestamp=now)
    retry = phones["t1"].post(body, timestamp=str(int(now) + 20))  # signed afresh, same id
    replay = phones["t1"].post(body, timestamp=now)  # the very same request again
    assert first.status_code == retry.status_code == replay.status_code == 204
    assert received(phones["t1"], PHONE) == ["帮助"]
    assert gateways["t1"].texts == [(PHONE, HELP)]


def forged(phone):
    return phone.text(PHONE, "你好", signature="0" * 64)


def unsigned(phone):
    return phone.text(PHONE, "你好", headers={})


def without_timestamp(phone):
    body = json.dumps(envelope("sms:received", {"sender": PHONE, "message": "你好"})).encode()
    return phone.post(body, headers={"X-Signature": sign(phone.key, body, "")})


def stale(phone):
    return phone.text(PHONE, "你好", timestamp=str(int(time.time()) - 600))  # ten minutes old


def from_the_future(phone):
    return phone.text(PHONE, "你好", timestamp=str(int(time.time()) + 600))


def signed_for_other_words(phone):
    now = str(int(time.time()))
    event = envelope("sms:received", {"sender": PHONE, "message": "你好"})
    signed = json.dumps(event, ensure_ascii=False).encode()
    sent = signed.replace("你好".encode(), "退订".encode())
    assert sent != signed
    return phone.post(sent, timestamp=now, signature=sign(phone.key, signed, now))


def with_another_lines_key(phone):
    return GatewayPhone(phone.app, "t1", key=SIGNING_KEYS["t2"]).text(PHONE, "你好")


@pytest.mark.parametrize(
    "request_",
    [
        forged,
        unsigned,
        without_timestamp,
        stale,
        from_the_future,
        signed_for_other_words,
        with_another_lines_key,
    ],
)
def test_forged_stale_or_unsigned_events_are_refused_and_store_nothing(phones, gateways, request_):
    before = count(Message), count(FamilyContact), count(GatewayLine)
    assert request_(phones["t1"]).status_code == 403
    assert (count(Message), count(FamilyContact), count(GatewayLine)) == before
    assert gateways["t1"].requests == []


def test_an_event_for_a_line_the_helpline_does_not_have_is_not_found(android_app, gateways):
    before = count(Message), count(FamilyContact)
    response = GatewayPhone(android_app, "t9", key=SIGNING_KEYS["t1"]).text(PHONE, "你好")
    assert response.status_code == 404
    assert (count(Message), count(FamilyContact)) == before


def test_the_gateway_route_is_not_there_when_twilio_sends(app):
    assert GatewayPhone(app, "t1").text(PHONE, "你好").status_code == 404


def test_a_carriers_service_number_is_never_a_family(phones, gateways):
    """The SIM's own carrier texts it (balance, bundles); nobody answers a service number."""
    before = count(Message), count(FamilyContact)
    assert phones["t1"].text("10086", "尊敬的客户，您的话费余额不足5元").status_code == 204
    assert (count(Message), count(FamilyContact)) == before
    assert gateways["t1"].requests == []


@pytest.mark.parametrize(
    ("shown", "number"),
    [
        ("13800138000", "+8613800138000"),
        ("+86 138-0013-8000", "+8613800138000"),
        ("8613800138000", "+8613800138000"),
        ("008613800138000", "+8613800138000"),
        ("+447700900123", "+447700900123"),
        ("+862088886666", "+862088886666"),  # a landline, with its area code
        ("10086", None),
        ("95588", None),
        ("+86106575000000", None),  # a bulk sender's 106 number
        ("China Mobile", None),
        ("", None),
    ],
)
def test_senders_are_read_as_a_phone_in_china_shows_them(shown, number):
    assert mainland_e164(shown) == number


def test_a_danger_text_gets_the_emergency_numbers_through_the_gateway(phones, gateways):
    phones["t1"].text(PHONE, "他爸天天打孩子，打得身上都是伤")
    assert gateways["t1"].texts[0] == (PHONE, text("emergency", "zh"))
    [message] = [m for m in phones["t1"].thread(PHONE) if m.direction == Message.IN]
    assert message.danger
    with Session() as session:
        case = session.scalars(
            select(Case).where(Case.conversation_id == message.conversation_id)
        ).one()
    assert (case.reason, case.priority) == ("danger", Case.URGENT)


def test_opt_out_words_are_honoured_as_from_any_number(android_app, phones, gateways):
    android_app.extensions["helpline"].rasa = Greeter()
    phones["t1"].text(PHONE, "TD")
    phones["t1"].text(PHONE, "你好")
    assert gateways["t1"].texts == [(PHONE, text("opted_out", "zh"))]
    phones["t1"].text(PHONE, "订阅")
    assert gateways["t1"].texts[1:] == [(PHONE, text("opted_in", "zh"))]


def test_a_text_spooled_while_the_database_was_away_keeps_its_line(
    android_app, gateways, tmp_path, monkeypatch
):
    helpline = android_app.extensions["helpline"]
    monkeypatch.setattr(helpline, "settings", replace(helpline.settings, SPOOL_DIR=str(tmp_path)))
    sms = spool.InboundSms("android:spooled1", PHONE, "帮助", line="t2")
    spool.spool_for(helpline).put(sms, helpline.vault.lookup_hash(PHONE))
    assert spool.drain(helpline, inbound.receive_sms) == 1
    assert gateways["t2"].texts == [(PHONE, HELP)]
    assert b"8613800000051" not in b"".join(p.read_bytes() for p in tmp_path.rglob("*-*"))


# --- Out: each family's line, retries, delivery ------------------------------------------


def test_each_family_is_answered_from_the_number_it_texted(phones, gateways):
    phones["t1"].text(PHONE, "帮助")
    phones["t2"].text(OTHER, "帮助")
    assert gateways["t1"].texts == [(PHONE, HELP)]
    assert gateways["t2"].texts == [(OTHER, HELP)]
    phones["t2"].text(PHONE, "帮助")  # the family now uses the township's other number
    assert gateways["t2"].texts[1:] == [(PHONE, HELP)]
    with Session() as session:
        lines = session.scalars(select(Conversation.line).order_by(Conversation.id))
        assert list(lines) == ["t2", "t2"]


def test_a_worker_texting_a_line_is_answered_from_it(android_app, phones, gateways):
    seed_area(android_app)
    wang = PHONES["wang"]
    phones["t2"].text(wang, "你好")  # not a command: the worker is told how to answer by SMS
    assert [phone for phone, _ in gateways["t2"].texts] == [wang]
    assert gateways["t1"].texts == []


def test_a_gateway_failing_twice_sends_each_text_once_and_in_order(phones, gateways):
    gateway = gateways["t1"]
    gateway.fail(500, 429)
    phones["t1"].text(PHONE, "帮助")  # its reply meets the 500
    phones["t1"].text(PHONE, "HELP")  # the send job meets the 429, the first reply still ahead
    first, second = outbound(phones["t1"], PHONE)
    assert first.status == second.status == Message.QUEUED
    # The queue's retry, run by hand: both go, the first first.
    tasks.send_outbound.call_local(first.conversation_id)
    assert gateway.texts == [(PHONE, HELP), (PHONE, text("help", "en"))]
    assert [r.status for r in gateway.requests] == [500, 429, 202, 202]
    assert [m.status for m in outbound(phones["t1"], PHONE)] == [Message.SENT, Message.SENT]
    assert attempts(first.id) == ["retry", "retry", "sent"]


def test_a_text_the_phone_took_before_its_answer_was_lost_is_not_sent_twice(phones, gateways):
    gateway = gateways["t1"]
    gateway.fail("lost")  # taken, but the answer is a 500
    phones["t1"].text(PHONE, "帮助")
    [reply] = outbound(phones["t1"], PHONE)
    assert reply.status == Message.QUEUED
    tasks.send_outbound.call_local(reply.conversation_id)  # the same id again: 409, had it
    [reply] = outbound(phones["t1"], PHONE)
    assert reply.status == Message.SENT
    assert [r.status for r in gateway.requests] == [500, 409]
    assert gateway.texts == [(PHONE, HELP)]


def test_a_number_the_phone_cannot_text_fails_for_good(phones, gateways):
    gateways["t1"].fail(400)
    phones["t1"].text(PHONE, "帮助")
    [reply] = outbound(phones["t1"], PHONE)
    assert reply.status == Message.FAILED
    assert attempts(reply.id) == ["failed"] and len(gateways["t1"].requests) == 1


def test_delivery_reports_move_a_text_forward_only(phones, gateways):
    phone = phones["t1"]
    phone.text(PHONE, "帮助")
    [reply] = outbound(phone, PHONE)
    sent_id = gateways["t1"].requests[0].payload["id"]
    assert reply.provider_sid == f"android:{sent_id}"
    assert phone.status("sms:sent", sent_id, partsCount=2).status_code == 204
    assert outbound(phone, PHONE)[0].status == Message.SENT
    phone.status("sms:delivered", sent_id)
    phone.status("sms:delivered", sent_id)  # once per part of a long text
    assert outbound(phone, PHONE)[0].status == Message.DELIVERED
    phone.status("sms:sent", sent_id)  # late
    phone.status("sms:failed", sent_id, reason="RESULT_ERROR_GENERIC_FAILURE")  # or replayed
    [reply] = outbound(phone, PHONE)
    assert (reply.status, reply.error) == (Message.DELIVERED, None)


def test_a_failure_report_says_why(phones, gateways):
    phone = phones["t1"]
    phone.text(PHONE, "帮助")
    sent_id = gateways["t1"].requests[0].payload["id"]
    phone.status("sms:failed", sent_id, reason="RESULT_ERROR_LIMIT_EXCEEDED")
    [reply] = outbound(phone, PHONE)
    assert (reply.status, reply.error) == (Message.FAILED, "RESULT_ERROR_LIMIT_EXCEEDED")


def test_a_forged_delivery_report_is_refused(phones, gateways):
    phones["t1"].text(PHONE, "帮助")
    sent_id = gateways["t1"].requests[0].payload["id"]
    liar = GatewayPhone(phones["t1"].app, "t1", key="not-the-phones-key-at-all")
    assert liar.status("sms:failed", sent_id, reason="x").status_code == 403
    assert outbound(phones["t1"], PHONE)[0].status == Message.SENT


# --- The SIM's allowance -------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """The minute and day windows' clock, at a minute's start; move(seconds) moves it."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(sender_budget, "clock", lambda: now[0])

    class Clock:
        def move(self, seconds):
            now[0] += seconds

    return Clock()


def test_a_sims_minute_allowance_holds_texts_back_without_losing_or_reordering_them(
    android_app, phones, gateways, clock, monkeypatch
):
    helpline = android_app.extensions["helpline"]
    helpline.settings = replace(helpline.settings, ANDROID_SEND_PER_MINUTE=3)
    phones["t1"].text(PHONE, "帮助")  # one part of the minute's three
    long_reply = "孩子" * 40  # 80 Chinese characters: two parts, as the phone splits them
    with Session.begin() as session:
        conversation = find_sms_conversation(session, helpline.vault, PHONE)
        for words in (long_reply, "第三条", "第四条"):
            stage_replies(session, conversation, [words], budget=3)
        conversation_id = conversation.id
    sent_by_minute = []

    def next_minute(_seconds):  # the third text waits in its job; time goes by meanwhile
        sent_by_minute.append(list(gateways["t1"].texts))
        clock.move(60)

    monkeypatch.setattr(sender_budget, "pause", next_minute)
    tasks.send_outbound(conversation_id)
    assert sent_by_minute == [[(PHONE, HELP), (PHONE, long_reply)]]  # the first minute's three
    sent = [(PHONE, HELP), (PHONE, long_reply), (PHONE, "第三条"), (PHONE, "第四条")]
    assert gateways["t1"].texts == sent
    assert gateways["t2"].texts == []


def test_a_sims_daily_allowance_holds_replies_but_not_the_emergency_numbers(
    android_app, phones, gateways, clock
):
    helpline = android_app.extensions["helpline"]
    helpline.settings = replace(helpline.settings, ANDROID_SEND_PER_DAY=1)
    phones["t1"].text(OTHER, "帮助")  # the day's one text
    phones["t1"].text(THIRD, "帮助")
    assert [m.status for m in outbound(phones["t1"], THIRD)] == [Message.QUEUED]
    phones["t1"].text(PHONE, "他爸天天打孩子，打得身上都是伤")
    assert (PHONE, text("emergency", "zh")) in gateways["t1"].texts
    assert (THIRD, HELP) not in gateways["t1"].texts  # tomorrow
    phones["t2"].text(FOURTH, "帮助")  # another SIM's allowance is its own
    assert gateways["t2"].texts == [(FOURTH, HELP)]
    clock.move(24 * 60 * 60)
    [held] = outbound(phones["t1"], THIRD)
    tasks.send_outbound.call_local(held.conversation_id)  # its job's retry, the next day
    assert gateways["t1"].texts[-1] == (THIRD, HELP)


# --- A phone gone quiet -------------------------------------------------------------------


def test_readyz_shows_each_line_and_which_are_silent(android_app, phones):
    client = android_app.test_client()
    assert phones["t1"].ping().status_code == 204
    body = client.get("/readyz").json
    assert body["gateways"]["t1"]["silent"] is False
    assert body["gateways"]["t1"]["health"] == "pass"
    assert body["gateways"]["t2"] == {"silent": True, "last_seen": None, "health": None}
    assert body["silent_gateways"] == ["t2"]
    # The phone's own health verdict is kept; a quiet line does not take the web process out
    # of the load balancer (the other lines, the web chat and the inbox still need it).
    assert set(body["checks"]) == {"database", "queue", "rasa"}

    with Session.begin() as session:
        long_ago = utcnow() - timedelta(minutes=31)  # ANDROID_SILENT_MINUTES is 30
        session.execute(update(GatewayLine).values(last_seen_at=long_ago))
    assert client.get("/readyz").json["silent_gateways"] == ["t1", "t2"]
    phones["t2"].text(PHONE, "帮助")  # any signed event is a sign of life
    assert client.get("/readyz").json["silent_gateways"] == ["t1"]


def test_a_phone_that_says_it_is_failing_is_shown(android_app, phones):
    phones["t1"].ping()
    phones["t1"].ping("fail")  # battery below 10%, or no connection: written at once
    assert android_app.test_client().get("/readyz").json["gateways"]["t1"]["health"] == "fail"


def test_the_dashboard_shows_a_silent_line(android_app, phones):
    seed_area(android_app)
    phones["t1"].ping()
    page = StaffClient(android_app, "chen").page("/dashboard/")
    assert 'id="gateway-t1"' in page and 'id="gateway-t2"' in page
    assert "失联 silent" in page.split('id="gateway-t2"')[1].split("</tr>")[0]
    assert "失联 silent" not in page.split('id="gateway-t1"')[1].split("</tr>")[0]


# --- Privacy --------------------------------------------------------------------------------


def test_no_number_words_or_key_reaches_the_log(android_app, phones, gateways, caplog):
    caplog.set_level(logging.DEBUG)
    android_app.extensions["helpline"].rasa = Greeter()
    gateways["t1"].fail(500)
    phones["t1"].text(PHONE, "孩子的爸爸在外地打工")
    [reply] = outbound(phones["t1"], PHONE)
    tasks.send_outbound.call_local(reply.conversation_id)
    phones["t1"].status("sms:delivered", gateways["t1"].requests[-1].payload["id"])
    phones["t1"].text("10086", "余额不足")
    phones["t1"].text(PHONE, "你好", signature="0" * 64)
    for secret in (PHONE, PHONE[3:], "孩子的爸爸", GREETING, "余额不足", SIGNING_KEYS["t1"]):
        assert secret not in caplog.text
    assert gateways["t1"].password not in caplog.text
