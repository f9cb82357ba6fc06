"""A child in danger: emergency numbers at once and an urgent case, whatever else is going on."""

import pytest
from sqlalchemy import select

from webhooks.db import Session
from webhooks.models import Case, Conversation, Message
from webhooks.texts import text

PHONE = "+8613800000021"


def cases_of(sms, phone):
    thread = sms.thread(phone)
    with Session() as session:
        return list(
            session.scalars(select(Case).where(Case.conversation_id == thread[0].conversation_id))
        )


@pytest.mark.parametrize(
    ("body", "language"),
    [
        ("他爸天天打孩子，打得身上都是伤", "zh"),
        ("孩子說不想活了", "zh"),
        ("haizi bu jian le liang tian le", "zh"),
        ("my husband beats the kids every night", "en"),
    ],
)
def test_danger_gets_emergency_numbers_and_an_urgent_case(sms, body, language):
    sms.text(PHONE, body)
    assert sms.replies(PHONE) == [text("emergency", language)]
    [case] = cases_of(sms, PHONE)
    assert (case.reason, case.priority) == ("danger", Case.URGENT)
    [message] = [m for m in sms.thread(PHONE) if m.direction == Message.IN]
    assert message.danger
    with Session() as session:
        assert session.get(Conversation, message.conversation_id).mode == Conversation.HUMAN


@pytest.mark.parametrize(
    "body",
    ["孩子发烧了怎么办", "I'm dying to know when the money comes", "笑死我了", "打工的钱不够"],
)
def test_everyday_words_raise_no_alarm(sms, body):
    sms.text(PHONE, body)
    assert text("emergency", "zh") not in sms.replies(PHONE)
    assert text("emergency", "en") not in sms.replies(PHONE)
    assert cases_of(sms, PHONE) == []


def test_repeated_danger_is_added_to_the_case_without_repeating_the_text(sms):
    sms.text(PHONE, "他爸天天打孩子")
    sms.text(PHONE, "今天又打了，孩子被打伤了")
    assert sms.replies(PHONE) == [text("emergency", "zh")]
    assert len(cases_of(sms, PHONE)) == 1
    flagged = [m.danger for m in sms.thread(PHONE) if m.direction == Message.IN]
    assert flagged == [True, True]


def test_danger_during_human_mode_raises_the_open_case_to_urgent(sms):
    sms.text(PHONE, "你好")
    with Session.begin() as session:
        from webhooks import cases

        conversation = session.get(Conversation, sms.thread(PHONE)[0].conversation_id)
        cases.open_case(session, conversation, reason="requested")
    sms.text(PHONE, "孩子被人拐走了")
    [case] = cases_of(sms, PHONE)
    assert case.priority == Case.URGENT
    assert text("emergency", "zh") in sms.replies(PHONE)


def test_family_who_opted_out_gets_no_text_but_workers_get_the_case(sms):
    sms.text(PHONE, "退订")
    sms.text(PHONE, "孩子要跳楼")
    assert sms.replies(PHONE) == [text("opted_out", "zh")]
    [case] = cases_of(sms, PHONE)
    assert case.priority == Case.URGENT
