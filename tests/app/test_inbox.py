"""The inbox as workers use it: cases arrive, are claimed, answered, noted, resolved. (Over 400
lines: one test per inbox action, sharing the fixtures above them.)"""

import dataclasses
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.support.inbox_helpers import (
    T1,
    V1,
    V2,
    V3,
    V4,
    StaffClient,
    bot_replies,
    bot_says,
    open_case,
    place_family,
    staff_texts,
)
from webhooks.casework import cases, referrals
from webhooks.core.conversations import sms_conversation
from webhooks.core.db import Session, utcnow
from webhooks.core.models import AuditEvent, Case, Conversation, Message
from webhooks.core.texts import text
from webhooks.services import current

FAMILY = "+8613800000101"


def queue_ids(client, queue: str) -> list[int]:
    data = client.get(f"/inbox/api/queues?queue={queue}").get_json()
    return [row["id"] for row in data["cases"]]


def get_case(case_id: int) -> Case:
    with Session() as session:
        case = session.get(Case, case_id)
        case.conversation  # noqa: B018  (loaded before the session closes)
        return case


# Signing in


def test_wrong_password_is_refused_and_the_right_one_opens_the_inbox(app, area, signed_in):
    client = signed_in("wang")
    assert "王主任" in client.page("/inbox")
    stranger = signed_in("li")
    stranger.post("/logout")
    refused = stranger.login("li", "wrong password")
    assert refused.status_code == 200
    assert "Wrong username or password" in refused.get_data(as_text=True)
    assert stranger.get("/inbox").status_code == 302


def test_failed_logins_are_rate_limited(app, area):
    client = StaffClient(app)
    statuses = [client.login("wang", f"guess {n}").status_code for n in range(6)]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429


def test_the_session_cookie_is_http_only(app, area):
    client = StaffClient(app)
    response = client.login("wang")
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# A case arrives


@pytest.mark.stack
def test_the_bots_handoff_reaches_the_village_worker_and_their_phone(
    app, area, sms, bot, signed_in
):
    place_family(app, FAMILY, V1)
    sms.text(FAMILY, "孤儿补助怎么申请")
    sms.text(FAMILY, "我要找儿童主任")
    assert sms.replies(FAMILY)[-1] == bot_says("handoff.requested")
    wang = signed_in("wang")
    [case_id] = queue_ids(wang, "unassigned")
    case = get_case(case_id)
    assert case.conversation.mode == Conversation.HUMAN
    assert case.programmes == ["orphan_allowance"]  # the programme the family asked about
    [alert] = staff_texts(app, "wang")
    assert alert.startswith(
        f"新求助 #{case_id} (一村 Village 1)：{bot_says('summary.reason.requested')}"
    )
    assert f"回复 #{case_id} 加内容 即可回复家庭" in alert
    assert staff_texts(app, "li") == [] and staff_texts(app, "chen") == []
    assert queue_ids(signed_in("li"), "unassigned") == []


def test_an_urgent_case_alerts_the_worker_and_the_township_supervisor(app, area, signed_in):
    case_id = open_case(app, FAMILY, V1, reason="danger", priority="urgent", summary="孩子被打")
    for username in ("wang", "chen"):
        assert queue_ids(signed_in(username), "urgent") == [case_id]
        assert staff_texts(app, username)[0].startswith(f"紧急求助 #{case_id}")
    assert staff_texts(app, "li") == []


def test_a_village_without_a_worker_goes_to_the_township_supervisor(app, area, signed_in):
    case_id = open_case(app, FAMILY, V4)
    assert queue_ids(signed_in("chen"), "unassigned") == [case_id]
    assert staff_texts(app, "chen")[0].startswith(f"新求助 #{case_id} (四村 Village 4)")


def test_a_danger_report_on_an_open_case_makes_it_urgent_and_alerts_the_supervisor(app, area):
    first = open_case(app, FAMILY, V1)
    again = open_case(app, FAMILY, V1, reason="danger", priority="urgent", summary="他又打孩子")
    assert again == first
    case = get_case(first)
    assert case.priority == Case.URGENT
    assert "他又打孩子" in case.summary
    assert staff_texts(app, "chen")[0].startswith(f"紧急求助 #{first}")


def test_a_danger_report_by_sms_alerts_the_worker_and_supervisor(app, area, sms, signed_in):
    place_family(app, FAMILY, V1)
    sms.text(FAMILY, "孩子被打了")
    [case_id] = queue_ids(signed_in("wang"), "urgent")
    assert queue_ids(signed_in("chen"), "urgent") == [case_id]
    assert staff_texts(app, "wang")[0].startswith(f"紧急求助 #{case_id} (一村 Village 1)")
    assert staff_texts(app, "chen")[0].startswith(f"紧急求助 #{case_id} (一村 Village 1)")


def test_a_new_danger_report_on_an_urgent_case_reaches_whoever_has_it(app, area, sms, signed_in):
    place_family(app, FAMILY, V1)
    sms.text(FAMILY, "孩子被打了")
    [case_id] = queue_ids(signed_in("wang"), "urgent")
    signed_in("chen").post(f"/inbox/cases/{case_id}/claim")
    sms.text(FAMILY, "他又被打了，在流血")
    assert "在流血" in staff_texts(app, "chen")[-1]
    assert len(staff_texts(app, "wang")) == 1  # alerted once, when the case opened


# Working on it


def test_only_one_worker_can_claim_a_case(app, area, signed_in):
    case_id = open_case(app, FAMILY, V1)
    wang, chen = signed_in("wang"), signed_in("chen")
    wang.post(f"/inbox/cases/{case_id}/claim")
    second = chen.post(f"/inbox/cases/{case_id}/claim", follow_redirects=True)
    assert "Someone else has it" in second.get_data(as_text=True)
    assert queue_ids(wang, "mine") == [case_id]
    assert queue_ids(wang, "unassigned") == []


@pytest.mark.stack
def test_a_reply_reaches_the_family_and_their_answer_reaches_the_worker(
    app, area, sms, bot, signed_in
):
    case_id = open_case(app, FAMILY, V1)
    wang = signed_in("wang")
    wang.post(f"/inbox/cases/{case_id}/reply", {"body": "您好，我是王主任，明天去您家看看。"})
    assert sms.replies(FAMILY) == ["您好，我是王主任，明天去您家看看。"]
    [sent] = [m for m in sms.thread(FAMILY) if m.author == Message.WORKER]
    assert sent.worker_id == area.workers["wang"]
    assert get_case(case_id).first_reply_at is not None
    assert queue_ids(wang, "waiting") == [case_id]  # the reply claimed it; now the family's turn

    sms.text(FAMILY, "好的，谢谢，下午在家")
    assert bot_replies(sms, FAMILY) == []  # the bot stays silent while the case is open
    assert queue_ids(wang, "mine") == [case_id]
    assert staff_texts(app, "wang")[-1] == f"#{case_id} 家庭说：好的，谢谢，下午在家"


def test_an_empty_or_long_reply_is_refused_and_nothing_is_sent(app, area, sms, signed_in):
    case_id = open_case(app, FAMILY, V1)
    wang = signed_in("wang")
    for body in ("", "字" * 601):
        page = wang.post(f"/inbox/cases/{case_id}/reply", {"body": body}, follow_redirects=True)
        assert "1-600" in page.get_data(as_text=True)
    assert sms.replies(FAMILY) == []


def test_a_note_is_kept_for_colleagues_and_never_sent(app, area, sms, signed_in):
    case_id = open_case(app, FAMILY, V1)
    wang = signed_in("wang")
    wang.post(f"/inbox/cases/{case_id}/notes", {"body": "奶奶耳背，打电话要大声"})
    assert "奶奶耳背，打电话要大声" in signed_in("chen").page(f"/inbox/cases/{case_id}")
    assert sms.replies(FAMILY) == []


def test_canned_replies_are_offered_in_the_familys_language(app, area, signed_in):
    case_id = open_case(app, FAMILY, V1)
    with Session.begin() as session:
        session.get(Case, case_id).conversation.language = "en"
    page = signed_in("wang").page(f"/inbox/cases/{case_id}")
    assert text("canned_received", "en") in page
    assert text("canned_received", "zh") not in page


@pytest.mark.stack
def test_resolving_hands_the_family_back_to_the_bot_with_a_note(app, area, sms, bot, signed_in):
    case_id = open_case(app, FAMILY, V1)
    wang = signed_in("wang")
    wang.post(f"/inbox/cases/{case_id}/resolve")
    assert sms.replies(FAMILY) == [text("case_resolved", "zh")]
    sms.text(FAMILY, "你好")
    assert sms.replies(FAMILY)[-1] == bot_says("utter_greet")
    case = get_case(case_id)
    assert case.status == Case.RESOLVED and case.resolved_at is not None
    assert queue_ids(wang, "unassigned") == []


def test_a_worker_can_open_a_new_case_for_a_family_back_with_the_bot(app, area, sms, signed_in):
    case_id = open_case(app, FAMILY, V1)
    wang = signed_in("wang")
    wang.post(f"/inbox/cases/{case_id}/resolve")
    response = wang.post(f"/inbox/cases/{case_id}/reopen")
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert new_id != case_id
    assert queue_ids(wang, "mine") == [new_id]
    assert get_case(new_id).conversation.mode == Conversation.HUMAN


def test_a_transfer_goes_to_a_colleague_of_the_area_and_texts_them(app, area, signed_in):
    case_id = open_case(app, FAMILY, V1)
    wang = signed_in("wang")
    wang.post(f"/inbox/cases/{case_id}/transfer", {"worker_id": area.workers["chen"]})
    assert queue_ids(signed_in("chen"), "mine") == [case_id]
    assert staff_texts(app, "chen")[-1].startswith(f"转给您 #{case_id}")
    refused = signed_in("chen").post(
        f"/inbox/cases/{case_id}/transfer", {"worker_id": area.workers["li"]}, follow_redirects=True
    )
    assert "does not cover this area" in refused.get_data(as_text=True)
    assert get_case(case_id).assignee_id == area.workers["chen"]


def test_placing_the_family_in_another_village_hands_the_case_to_its_worker(app, area, signed_in):
    case_id = open_case(app, FAMILY, V1)
    wang = signed_in("wang")
    response = wang.post(f"/inbox/cases/{case_id}/region", {"region_id": area.regions[V2]})
    assert response.headers["Location"].endswith("/inbox")  # no longer Wang's to see
    assert queue_ids(signed_in("li"), "unassigned") == [case_id]
    assert staff_texts(app, "li")[0].startswith(f"新求助 #{case_id} (二村 Village 2)")
    refused = signed_in("li").post(
        f"/inbox/cases/{case_id}/region", {"region_id": area.regions[V3]}
    )
    assert refused.status_code == 302
    assert get_case(case_id).region_id == area.regions[V2]


def test_a_claimed_case_placed_elsewhere_goes_to_the_new_village_not_its_old_worker(
    app, area, sms, signed_in
):
    case_id = open_case(app, FAMILY, V1)
    wang = signed_in("wang")
    wang.post(f"/inbox/cases/{case_id}/claim")
    wang.post(f"/inbox/cases/{case_id}/region", {"region_id": area.regions[V2]})
    assert get_case(case_id).assignee_id is None
    assert queue_ids(signed_in("li"), "unassigned") == [case_id]
    assert staff_texts(app, "li")[0].startswith(f"新求助 #{case_id} (二村 Village 2)")
    before = staff_texts(app, "wang")
    sms.text(FAMILY, "还有个事想问")  # the family's news reaches Li, not Wang's phone
    assert staff_texts(app, "wang") == before


def test_an_old_case_page_is_sealed_from_what_the_family_said_after_moving_away(
    app, area, sms, signed_in
):
    """The family moved from village 1 (township 1) to village 3 (township 2): Wang and his
    supervisor keep their case's history up to the move, and see nothing of the new one."""
    first = open_case(app, FAMILY, V1)
    sms.text(FAMILY, "孩子的低保办下来了吗")
    wang = signed_in("wang")
    wang.post(f"/inbox/cases/{first}/notes", {"body": "材料已交乡里"})
    wang.post(f"/inbox/cases/{first}/resolve")
    second = open_case(app, FAMILY, V3, summary="搬到三村了")
    sms.text(FAMILY, "我们搬到三村了 新地址在河边")
    signed_in("zhao").post(f"/inbox/cases/{second}/notes", {"body": "三村的新情况"})

    for reader in ("wang", "chen"):
        page = signed_in(reader).page(f"/inbox/cases/{first}")
        assert "孩子的低保办下来了吗" in page and "材料已交乡里" in page
        assert "新地址在河边" not in page and "三村的新情况" not in page
        timeline = signed_in(reader).get(f"/inbox/api/cases/{first}/timeline").get_json()
        said = " ".join(item.get("body") or "" for item in timeline["items"])
        assert "孩子的低保办下来了吗" in said and "新地址在河边" not in said
        assert "三村的新情况" not in said
    assert "新地址在河边" in signed_in("zhao").page(f"/inbox/cases/{second}")
    admin = signed_in("admin").page(f"/inbox/cases/{first}")
    assert "新地址在河边" in admin and "三村的新情况" in admin


# What the worker sees


@pytest.mark.stack
def test_the_case_page_shows_the_history_summary_facts_and_eligibility(
    app, area, sms, bot, signed_in
):
    place_family(app, FAMILY, V1)
    said = ["你好", "孩子7岁，父母都去世了，能领什么补助", "转人工"]  # the screening, cut short
    for words in said:
        sms.text(FAMILY, words)
    [case_id] = queue_ids(signed_in("wang"), "unassigned")
    case = get_case(case_id)
    assert case.facts["child"] == {"age": 7}
    assert case.summary.startswith(bot_says("summary.reason.requested"))
    page = signed_in("wang").page(f"/inbox/cases/{case_id}")
    for shown in [*said, bot_says("utter_greet"), case.summary, "孩子年龄", "孤儿"]:
        assert shown in page
    assert re.search(r"孤儿.*?</td><td>可以申请 Can apply", page)


def test_the_number_is_masked_until_shown_and_both_looks_are_audited(app, area, signed_in):
    case_id = open_case(app, FAMILY, V1)
    wang = signed_in("wang")
    page = wang.page(f"/inbox/cases/{case_id}")
    assert "•••• 0101" in page and FAMILY not in page
    shown = wang.post(f"/inbox/cases/{case_id}/phone").get_data(as_text=True)
    assert FAMILY in shown
    with Session() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.worker_id == area.workers["wang"])
        ).all()
    assert actions.count("open") == 1 and actions.count("show_phone") == 1


def test_family_words_are_escaped_on_the_page_and_in_json(app, area, sms, signed_in):
    case_id = open_case(app, FAMILY, V1)
    attack = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    sms.text(FAMILY, attack)
    page = signed_in("wang").page(f"/inbox/cases/{case_id}")
    assert attack not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=" in page
    assert (
        "script-src 'self'"
        in signed_in("wang").get(f"/inbox/cases/{case_id}").headers["Content-Security-Policy"]
    )


def test_new_messages_come_through_the_timeline_json(app, area, sms, signed_in):
    case_id = open_case(app, FAMILY, V1)
    wang = signed_in("wang")
    first = wang.get(f"/inbox/api/cases/{case_id}/timeline").get_json()
    last = max([i["id"] for i in first["items"] if i["kind"] == "message"], default=0)
    sms.text(FAMILY, "在吗？")
    later = wang.get(f"/inbox/api/cases/{case_id}/timeline?after_message={last}&after_event=999")
    assert [i["body"] for i in later.get_json()["items"]] == ["在吗？"]


def test_each_read_of_a_familys_words_through_the_timeline_is_audited(app, area, sms, signed_in):
    """Issue 23: the timeline API read the whole history without an audit entry."""
    case_id = open_case(app, FAMILY, V1)
    sms.text(FAMILY, "在吗？")
    wang = signed_in("wang")
    whole = wang.get(f"/inbox/api/cases/{case_id}/timeline").get_json()["items"]
    newest = max(i["id"] for i in whole if i["kind"] == "message")
    nothing_new = f"/inbox/api/cases/{case_id}/timeline?after_message={newest}&after_event=999"
    assert wang.get(nothing_new).get_json()["items"] == []  # a poll with nothing new
    with Session() as session:
        reads = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "read", AuditEvent.subject_id == case_id)
        ).all()
    assert [(r.worker_id is not None, r.detail["items"]) for r in reads] == [(True, len(whole))]


# Referrals and follow-up


def test_a_referral_and_its_outcome_are_recorded(app, area, signed_in):
    case_id = open_case(app, FAMILY, V1)
    wang = signed_in("wang")
    wang.post(f"/inbox/cases/{case_id}/referrals", {"programme": "dibao"})
    [referral] = get_case_referrals(case_id)
    wang.post(f"/inbox/cases/{case_id}/referrals/{referral.id}", {"status": "approved"})
    [referral] = get_case_referrals(case_id)
    assert referral.status == "approved" and referral.outcome_at is not None
    assert "低保 Dibao" in wang.page(f"/inbox/cases/{case_id}")


def get_case_referrals(case_id):
    with Session() as session:
        return list(session.get(Case, case_id).referrals)


def refer_and_resolve(app, signed_in, days_ago: int) -> int:
    case_id = open_case(app, FAMILY, V1)
    wang = signed_in("wang")
    wang.post(f"/inbox/cases/{case_id}/referrals", {"programme": "dibao"})
    wang.post(f"/inbox/cases/{case_id}/resolve")
    with Session.begin() as session:
        for referral in session.get(Case, case_id).referrals:
            referral.referred_at -= timedelta(days=days_ago)
    return case_id


def run_follow_ups():
    with Session.begin() as session:
        return referrals.send_follow_ups(session, current().settings, utcnow())


def test_no_follow_up_before_the_configured_days(app, area, sms, signed_in):
    refer_and_resolve(app, signed_in, days_ago=13)
    assert run_follow_ups() == []


def test_no_follow_up_while_a_case_the_bot_still_answers_is_open(app, area, sms, signed_in):
    """A distress case about aid leaves the conversation in bot mode (issue 26): it is still
    an active case, so the old referral is not asked about and the bot is not silenced."""
    refer_and_resolve(app, signed_in, days_ago=20)
    with Session.begin() as session:
        conversation = sms_conversation(session, app.extensions["helpline"].vault, FAMILY)
        cases.open_case(session, conversation, reason="distress", bot_answers=True)
    assert run_follow_ups() == []
    with Session() as session:
        conversation = sms_conversation(session, app.extensions["helpline"].vault, FAMILY)
        assert conversation.mode == Conversation.BOT


@pytest.mark.stack
def test_a_family_who_applied_says_so_and_goes_back_to_the_bot(app, area, sms, bot, signed_in):
    case_id = refer_and_resolve(app, signed_in, days_ago=14)
    assert run_follow_ups() == [case_id]
    assert sms.replies(FAMILY)[-1] == text("follow_up_question", "zh", programmes="低保")
    sms.text(FAMILY, "1")
    assert sms.replies(FAMILY)[-1] == text("follow_up_thanks", "zh")
    [referral] = get_case_referrals(case_id)
    assert referral.status == "applied"
    assert get_case(case_id).status == Case.RESOLVED
    assert bot_replies(sms, FAMILY) == []
    sms.text(FAMILY, "你好")
    assert sms.replies(FAMILY)[-1] == bot_says("utter_greet")
    assert run_follow_ups() == []  # asked once only


@pytest.mark.stack
@pytest.mark.parametrize("answer", ["2", "还没有，村里说材料不够怎么办？"])
def test_no_or_a_question_reopens_the_case_for_the_worker(app, area, sms, bot, signed_in, answer):
    case_id = refer_and_resolve(app, signed_in, days_ago=20)
    run_follow_ups()
    sms.text(FAMILY, answer)
    assert sms.replies(FAMILY)[-1] == text("worker_will_reply", "zh")
    assert get_case(case_id).status == Case.OPEN
    assert queue_ids(signed_in("wang"), "unassigned") == [case_id]
    assert staff_texts(app, "wang")[-1].startswith(f"回访 #{case_id}")
    assert bot_replies(sms, FAMILY) == []


def test_a_follow_up_answered_after_the_worker_moved_reopens_for_the_village_not_them(
    app, area, sms, signed_in, tmp_path
):
    case_id = refer_and_resolve(app, signed_in, days_ago=20)  # resolved: Wang keeps it
    moved = tmp_path / "workers.csv"
    row = f"wang,王主任 Director Wang,worker,{V2},+8613900000001"  # from village 1 to 2
    moved.write_text(f"username,name,role,region,phone\n{row}\n", encoding="utf-8")
    assert app.test_cli_runner().invoke(args=["import-workers", str(moved)]).exit_code == 0
    run_follow_ups()
    sms.text(FAMILY, "2")
    case = get_case(case_id)
    assert (case.status, case.assignee_id) == (Case.OPEN, None)
    assert queue_ids(signed_in("chen"), "unassigned") == [case_id]
    assert signed_in("wang").get(f"/inbox/cases/{case_id}").status_code == 404


# Response times


def escalate(minutes_later: int):
    with Session.begin() as session:
        later = utcnow() + timedelta(minutes=minutes_later)
        return cases.escalate_overdue(session, current().settings, later)


def test_an_unanswered_urgent_case_is_escalated_to_the_supervisor_after_30_minutes(app, area):
    case_id = open_case(app, FAMILY, V1, priority="urgent", reason="danger")
    assert escalate(29) == []
    assert escalate(31) == [case_id]
    assert escalate(60) == []  # once
    assert staff_texts(app, "chen")[-1].startswith(f"超时 #{case_id} (一村 Village 1)：30分钟")


def test_a_case_made_urgent_after_a_wait_is_due_30_minutes_after_it_became_urgent(app, area):
    """Before, its half hour ran from its opening: a case waiting since the morning and made
    urgent by a sign of danger was "overdue" to the supervisors minutes after "urgent"."""
    case_id = open_case(app, FAMILY, V1)
    with Session.begin() as session:
        case = session.get(Case, case_id)
        case.opened_at -= timedelta(hours=5)
        cases.open_case(session, case.conversation, reason="distress", priority=Case.URGENT)
    assert escalate(29) == []
    assert escalate(31) == [case_id]


@pytest.mark.parametrize("answered_after", [False, True], ids=["asleep", "answers"])
def test_an_answered_case_made_urgent_is_overdue_unless_its_worker_answers_again(
    app, area, signed_in, answered_after
):
    """Before, a case a worker had answered in the day was never overdue: made urgent by a
    child's sign of self-harm at night, with its worker asleep, no supervisor heard of it
    after the first alert."""
    case_id = open_case(app, FAMILY, V1)
    wang = signed_in("wang")
    wang.post(f"/inbox/cases/{case_id}/reply", {"body": "您好，我是王主任。"})
    with Session.begin() as session:
        case = session.get(Case, case_id)
        cases.open_case(session, case.conversation, reason="distress", priority=Case.URGENT)
    if answered_after:
        wang.post(f"/inbox/cases/{case_id}/reply", {"body": "我马上过来。"})
    assert escalate(31) == ([] if answered_after else [case_id])


def test_a_normal_case_waits_a_day_and_an_answered_case_never_escalates(app, area, signed_in):
    waiting = open_case(app, FAMILY, V1)
    answered = open_case(app, "+8613800000102", V1)
    signed_in("wang").post(f"/inbox/cases/{answered}/reply", {"body": "收到"})
    assert escalate(23 * 60) == []
    assert escalate(24 * 60 + 1) == [waiting]
    assert staff_texts(app, "chen")[-1].startswith(f"超时 #{waiting}")


def test_the_supervisor_sees_escalated_cases_marked_overdue(app, area, signed_in):
    case_id = open_case(app, FAMILY, V1, priority="urgent")
    escalate(31)
    rows = signed_in("chen").get("/inbox/api/queues?queue=urgent").get_json()["cases"]
    assert [(r["id"], r["escalated"]) for r in rows] == [(case_id, True)]


def test_unplaced_families_go_to_the_configured_region(app, area, signed_in):
    services = current()
    services.settings = dataclasses.replace(services.settings, UNPLACED_REGION_CODE=T1)
    case_id = open_case(app, FAMILY, None)
    assert queue_ids(signed_in("chen"), "unassigned") == [case_id]
    assert staff_texts(app, "chen")[0].startswith(f"新求助 #{case_id}")


def test_a_reply_the_carrier_could_not_deliver_is_shown_failed_to_the_worker(
    app, area, sms, signed_in
):
    case_id = open_case(app, FAMILY, V1)
    wang = signed_in("wang")
    wang.post(f"/inbox/cases/{case_id}/reply", {"body": "您好，我是王主任。"})
    [sent] = [m for m in sms.thread(FAMILY) if m.author == Message.WORKER]
    sms.status(sent.provider_sid, "failed", ErrorCode="30003")
    timeline = wang.get(f"/inbox/api/cases/{case_id}/timeline").get_json()
    [shown] = [i for i in timeline["items"] if i.get("body") == "您好，我是王主任。"]
    assert "failed" in shown["status"]
    assert "failed" in wang.get(f"/inbox/cases/{case_id}").get_data(as_text=True)


def test_the_urgent_queue_shows_the_newest_first_and_pages_through_the_rest(
    app, area, signed_in, monkeypatch
):
    """Issue 23: after a flood the oldest 200 urgent cases filled the list and a real family's
    new report was not shown. Newest first, with pages and the count."""
    from webhooks.inbox import queues

    monkeypatch.setattr(queues, "LIST_LIMIT", 2)
    ids = [
        open_case(app, f"+861380000{n:04d}", V1, reason="danger", priority="urgent")
        for n in range(5)
    ]
    client = signed_in("wang")
    first = client.page("/inbox?queue=urgent")
    assert f"#{ids[-1]}" in first and f"#{ids[0]}" not in first  # the newest on page one
    assert "共 5 件" in first and "下一页 Next" in first
    last = client.page("/inbox?queue=urgent&page=3")
    assert f"#{ids[0]}" in last and "上一页 Previous" in last
    assert f"#{ids[-1]}" in client.page("/inbox?queue=urgent&page=99")  # out of range: page 1
    shown = client.get("/inbox/api/queues?queue=urgent&page=2").get_json()
    assert (shown["page"], [c["id"] for c in shown["cases"]]) == (2, [ids[2], ids[1]])
