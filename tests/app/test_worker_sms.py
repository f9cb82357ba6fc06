"""Workers answering from their own phones, end to end through signed Twilio webhooks: the
case alert arrives, "#123 text" reaches the family, "#123 结案" resolves, and only numbers
registered to an active worker can do it."""

import pytest
from sqlalchemy import select

from tests.support.inbox_helpers import (
    PHONES,
    V1,
    V3,
    bot_says,
    open_case,
    place_family,
    staff_texts,
)
from webhooks.core.db import Session
from webhooks.core.models import AuditEvent, Case, Message, Worker
from webhooks.core.texts import text

FAMILY = "+8613800000301"
WANG = PHONES["wang"]
HANDOFF_REPLY = bot_says("handoff.requested")
GREETING = bot_says("utter_greet")


@pytest.fixture
def case_id(app, area, sms, bot):
    """A family of village 1 asks the real bot for a person; Wang's phone gets the alert."""
    place_family(app, FAMILY, V1)
    sms.text(FAMILY, "我要找儿童主任")
    with Session() as session:
        return session.scalar(select(Case.id))


@pytest.mark.stack
def test_the_whole_case_by_sms_alert_reply_resolve_and_back_to_the_bot(app, sms, bot, case_id):
    [alert] = staff_texts(app, "wang")
    assert alert.startswith(
        f"新求助 #{case_id} (一村 Village 1)：{bot_says('summary.reason.requested')}"
    )
    assert f"回复 #{case_id} 加内容 即可回复家庭" in alert

    sms.text(WANG, f"#{case_id} 您好，我是王主任。明天上午我去您家。")
    assert sms.replies(FAMILY) == [HANDOFF_REPLY, "您好，我是王主任。明天上午我去您家。"]
    [reply] = [m for m in sms.thread(FAMILY) if m.author == Message.WORKER]
    with Session() as session:
        case = session.get(Case, case_id)
        assert (
            reply.worker_id
            == case.assignee_id
            == session.scalar(select(Worker.id).where(Worker.username == "wang"))
        )
        assert case.first_reply_at is not None

    sms.text(FAMILY, "好的，谢谢")
    assert staff_texts(app, "wang")[-1] == f"#{case_id} 家庭说：好的，谢谢"

    sms.text(WANG, f"#{case_id} 结案")
    assert sms.replies(FAMILY)[-1] == text("case_resolved", "zh")
    assert staff_texts(app, "wang")[-1] == text("staff_resolved", "zh", case=case_id)
    sms.text(FAMILY, "你好")
    assert sms.replies(FAMILY)[-1] == GREETING


@pytest.mark.stack
@pytest.mark.parametrize(
    ("command", "family_reads"),
    [
        ("＃{id}　收到，马上处理。", "收到，马上处理。"),  # full-width sign and space
        ("#{id}收到", "收到"),
        ("  # {id}  OK, I will call you.", "OK, I will call you."),
    ],
)
def test_the_command_is_read_however_the_phone_types_it(sms, case_id, command, family_reads):
    sms.text(WANG, command.format(id=case_id))
    assert sms.replies(FAMILY)[-1] == family_reads


@pytest.mark.stack
@pytest.mark.parametrize("closing", ["结案", "结案。", "close", "DONE"])
def test_closing_words(sms, case_id, closing):
    sms.text(WANG, f"#{case_id} {closing}")
    with Session() as session:
        assert session.get(Case, case_id).status == Case.RESOLVED


@pytest.mark.stack
def test_a_retried_webhook_sends_the_family_one_reply(sms, case_id):
    for _ in range(2):
        sms.text(WANG, f"#{case_id} 收到", sid="SM-worker-retry")
    assert sms.replies(FAMILY).count("收到") == 1


@pytest.mark.stack
def test_another_areas_worker_cannot_answer_and_is_audited(app, area, sms, case_id):
    with Session.begin() as session:  # Zhao of village 3 gets a phone
        zhao = session.get(Worker, area.workers["zhao"])
        vault = app.extensions["helpline"].vault
        zhao.phone_ciphertext, zhao.phone_hash = (
            vault.encrypt("+8613900000003"),
            vault.lookup_hash("+8613900000003"),
        )
    sms.text("+8613900000003", f"#{case_id} 我来处理")
    assert sms.replies(FAMILY) == [HANDOFF_REPLY]
    assert staff_texts(app, "zhao") == [text("staff_not_found", "zh", case=case_id)]
    with Session() as session:
        denied = session.scalars(select(AuditEvent).where(AuditEvent.action == "denied")).all()
        assert [(e.worker_id, e.subject_id) for e in denied] == [(area.workers["zhao"], case_id)]


@pytest.mark.stack
def test_an_unregistered_number_is_just_another_family(app, sms, bot, case_id):
    stranger = "+8613800000399"
    sms.text(stranger, f"#{case_id} 您好")
    assert sms.replies(FAMILY) == [HANDOFF_REPLY]
    assert sms.replies(stranger) == [GREETING]  # the bot answered them as a family


@pytest.mark.stack
def test_a_deactivated_workers_number_is_treated_as_a_family(app, area, sms, bot, case_id):
    with Session.begin() as session:
        session.get(Worker, area.workers["wang"]).active = False
    sms.text(WANG, f"#{case_id} 您好")
    assert sms.replies(FAMILY) == [HANDOFF_REPLY]
    assert sms.replies(WANG) == [GREETING]


@pytest.mark.stack
def test_a_text_without_a_case_number_gets_the_how_to(app, sms, case_id):
    sms.text(WANG, "明天去")
    assert staff_texts(app, "wang")[-1] == text("staff_help", "zh")
    sms.text(WANG, f"#{case_id}")
    assert staff_texts(app, "wang")[-1] == text("staff_help", "zh")
    assert sms.replies(FAMILY) == [HANDOFF_REPLY]


@pytest.mark.stack
def test_a_resolved_case_cannot_be_answered_by_sms(app, sms, case_id):
    sms.text(WANG, f"#{case_id} 结案")
    sms.text(WANG, f"#{case_id} 还有一件事")
    assert staff_texts(app, "wang")[-1] == text("staff_case_closed", "zh", case=case_id)
    assert "还有一件事" not in sms.replies(FAMILY)


@pytest.mark.stack
def test_a_bad_signature_is_refused_and_nothing_reaches_the_family(app, sms, case_id):
    params = {
        "MessageSid": "SM-forged",
        "From": WANG,
        "To": "+10000000000",
        "Body": f"#{case_id} hi",
    }
    response = sms.post("http://localhost/sms/twilio", params, signature="forged")
    assert response.status_code == 403
    assert sms.replies(FAMILY) == [HANDOFF_REPLY]


def test_an_urgent_case_reaches_the_supervisors_phone_and_they_can_answer(app, area, sms):
    case_id = open_case(app, FAMILY, V1, priority="urgent", reason="danger", summary="孩子被打了")
    assert staff_texts(app, "chen")[0].startswith(
        f"紧急求助 #{case_id} (一村 Village 1)：孩子被打了"
    )
    sms.text(PHONES["chen"], f"#{case_id} 我是陈督导，已经通知派出所。")
    assert sms.replies(FAMILY) == ["我是陈督导，已经通知派出所。"]


@pytest.mark.stack
def test_the_delivery_report_of_an_alert_is_recorded(app, sms, case_id):
    with Session() as session:
        alert = session.scalar(select(Message).where(Message.case_id == case_id))
    sms.status(alert.provider_sid, "delivered")
    with Session() as session:
        assert session.get(Message, alert.id).status == Message.DELIVERED


def test_a_worker_without_a_phone_is_not_texted(app, area, sms):
    open_case(app, FAMILY, V3)
    assert staff_texts(app, "zhao") == []


def test_a_worker_who_texts_stop_gets_no_alerts_until_start(app, area, sms):
    """Issue 23: a worker's phone texting STOP got the help text and the alerts went on."""
    sms.text(WANG, "STOP")
    assert staff_texts(app, "wang")[-1] == text("staff_stopped", "zh")
    open_case(app, "+8613800000302", V1, reason="danger", priority="urgent", summary="孩子被打")
    assert staff_texts(app, "wang")[-1] == text("staff_stopped", "zh")  # nothing new
    assert any("孩子被打" in alert for alert in staff_texts(app, "chen"))  # the supervisor's goes
    sms.text(WANG, "START")
    assert staff_texts(app, "wang")[-1] == text("staff_started", "zh")
    open_case(app, "+8613800000303", V1, reason="danger", priority="urgent", summary="娃不见了")
    assert "娃不见了" in staff_texts(app, "wang")[-1]
