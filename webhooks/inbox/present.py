"""What the inbox shows of a case: list rows, the timeline, facts and the eligibility result.

The same plain dicts feed the Jinja templates and the JSON the page polls, so a message looks
the same whether it was there on load or arrived later.
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.eligibility import InvalidFact, screen
from actions.eligibility import data as eligibility_data
from webhooks.casework.access import Sealed
from webhooks.casework.referrals import programme_name, programme_names
from webhooks.core.crypto import mask_phone
from webhooks.core.models import Case, CaseEvent, Conversation, Message, Referral, Worker

AUTHORS = {
    Message.FAMILY: "家庭 Family",
    Message.BOT: "机器人 Bot",
    Message.SYSTEM: "系统 System",
}
STATUSES = {
    Case.OPEN: "处理中 Open",
    Case.RESOLVED: "已结案 Resolved",
    Case.FOLLOW_UP: "回访中 Follow-up",
}
DELIVERY = {
    Message.QUEUED: "待发 queued",
    Message.SENDING: "发送中 sending",
    Message.SENT: "已发出 sent",
    Message.DELIVERED: "已送达 delivered",
    Message.UNDELIVERED: "未送达 undelivered",
    Message.FAILED: "发送失败 failed",
    Message.SUPPRESSED: "未发出 not sent",
    Message.SPOKEN: "电话中读给家庭 read out on a call",
}
PRIORITIES = {Case.URGENT: "紧急 Urgent", Case.NORMAL: "一般 Normal"}
DECISIONS = {
    "eligible": "可以申请 Can apply",
    "alternative": "二选一 Choose one",
    "maybe": "可能可以 Maybe",
    "not_eligible": "不符合 Not eligible",
    "need_info": "还要再问 Need answers",
    "receiving": "已在领 Already getting",
}
REFERRAL_STATUSES = {
    Referral.REFERRED: "已转介 Referred",
    Referral.APPLIED: "已申请 Applied",
    Referral.APPROVED: "已批准 Approved",
    Referral.REFUSED: "未批准 Refused",
    Referral.WITHDRAWN: "已撤回 Withdrawn",
}
EVENTS = {
    CaseEvent.OPENED: "开案 Case opened",
    CaseEvent.CLAIMED: "认领 Claimed",
    CaseEvent.TRANSFERRED: "转交 Transferred",
    CaseEvent.RESOLVED: "结案 Resolved",
    CaseEvent.REOPENED: "重新打开 Reopened",
    CaseEvent.ESCALATED: "超时，已通知督导员 Overdue: supervisor alerted",
    CaseEvent.URGENT: "改为紧急 Now urgent",
    CaseEvent.PLACED: "设定地区 Region set",
    CaseEvent.REFERRED: "转介 Referred",
    CaseEvent.OUTCOME: "转介结果 Referral outcome",
    CaseEvent.FOLLOW_UP: "已发回访短信 Follow-up sent",
    CaseEvent.ANSWERED: "家庭答复回访 Family answered the follow-up",
    CaseEvent.DANGER_ANSWER: "家庭答复是否有危险 Family said whether a child is in danger",
    CaseEvent.VOICEMAIL: "语音留言 Voicemail",
}
DANGER_ANSWERS = {
    "yes": "有危险，仍为紧急 yes: stays urgent",
    "no": "没有，改为普通 no: now normal",
}
ANSWERS = {"yes": "已申请 applied", "no": "还没有 not yet", "other": "有问题 a question"}
SUMMARY_PREVIEW = 120


def local(at: datetime) -> datetime:
    zone = ZoneInfo(current_app.extensions["helpline"].settings.LOCAL_TIMEZONE)
    return at.astimezone(zone)


def time_label(at: datetime) -> str:
    return local(at).strftime("%m-%d %H:%M")


def delivery(status: str) -> str:
    return DELIVERY.get(status, status)


def case_row(case: Case) -> dict[str, Any]:
    summary = case.summary or case.reason
    return {
        "id": case.id,
        "priority": case.priority,
        "priority_label": PRIORITIES.get(case.priority, case.priority),
        "status": case.status,
        "status_label": STATUSES.get(case.status, case.status),
        "place": case.region.name if case.region else "—",
        "summary": summary[:SUMMARY_PREVIEW],
        "assignee": case.assignee.display_name if case.assignee else None,
        "escalated": case.escalated_at is not None,
        "opened": time_label(case.opened_at),
        "url": f"/inbox/cases/{case.id}",
    }


def phone_shown(conversation: Conversation, vault, reveal: bool) -> str:
    """The family's number, masked unless the worker asked to see it (which is audited)."""
    contact = conversation.contact
    if conversation.channel == Conversation.CALL:
        return "隐藏号码来电 Call from a hidden number"
    if conversation.channel == Conversation.WEB or contact is None:
        return "网页聊天 Web chat"
    if contact.erased_at is not None:
        return "已删除 Erased"
    phone = vault.decrypt(contact.phone_ciphertext)
    return phone if reveal else mask_phone(phone)


def message_item(message: Message, workers: dict[int, str]) -> dict[str, Any]:
    who = AUTHORS.get(message.author, message.author)
    if message.author == Message.WORKER:
        who = workers.get(message.worker_id, "儿童主任 Worker")
    return {
        "kind": "message",
        "id": message.id,
        "author": message.author,
        "direction": message.direction,
        "who": who,
        "body": message.body,
        "status": delivery(message.status) if message.direction == Message.OUT else "",
        "at": time_label(message.created_at),
        "sort": message.created_at.timestamp(),
    }


def event_item(event: CaseEvent, workers: dict[int, str]) -> dict[str, Any]:
    who = workers.get(event.worker_id, "系统 System") if event.worker_id else "系统 System"
    if event.kind == CaseEvent.NOTE:
        label, body = "内部备注 Internal note", event.body
    else:
        label, body = EVENTS.get(event.kind, event.kind), _event_detail(event, workers)
    return {
        "kind": "note" if event.kind == CaseEvent.NOTE else "event",
        "id": event.id,
        "case": event.case_id,
        "who": who,
        "label": label,
        "body": body,
        "at": time_label(event.at),
        "sort": event.at.timestamp(),
    }


def _event_detail(event: CaseEvent, workers: dict[int, str]) -> str:
    detail = event.detail or {}
    if event.kind == CaseEvent.TRANSFERRED:
        return "→ " + workers.get(detail.get("to"), "?")
    if event.kind == CaseEvent.PLACED:  # the name as it was then; older events kept the code
        return str(detail.get("name") or detail.get("region", ""))
    if event.kind in (CaseEvent.REFERRED, CaseEvent.OUTCOME):
        name = programme_name(str(detail.get("programme")), "zh")
        status = REFERRAL_STATUSES.get(detail.get("status"), "")
        return f"{name} {status}".strip()
    if event.kind == CaseEvent.DANGER_ANSWER:
        return DANGER_ANSWERS.get(detail.get("answer"), "")
    if event.kind == CaseEvent.ANSWERED:
        return ANSWERS.get(detail.get("answer"), "没有答复 no answer")
    if event.kind == CaseEvent.VOICEMAIL:  # erased: no recording, no words
        if not detail.get("recording_url"):
            return event.body
        heard = f" 转写 Transcript: {event.body}" if event.body else ""
        return (
            f"{detail.get('seconds', '?')} 秒 s, 录音 recording: {detail['recording_url']}{heard}"
        )
    if event.kind in (CaseEvent.OPENED, CaseEvent.URGENT, CaseEvent.REOPENED):
        return str(detail.get("reason") or detail.get("answer") or "")
    return ""


def worker_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Worker.id, Worker.display_name).where(Worker.id.in_(wanted)))
    return {worker_id: name for worker_id, name in rows}


def timeline(
    session: Session,
    conversation: Conversation,
    sealed: Sealed,
    after_message: int = 0,
    after_event: int = 0,
) -> list[dict[str, Any]]:
    """The family's history (messages of every author, and the cases' events), in order,
    without what is `sealed` from the reader."""
    messages = session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation.id, Message.id > after_message)
        .order_by(Message.id)
    ).all()
    messages = [m for m in messages if not sealed.hides_message(m)]
    events = session.scalars(
        select(CaseEvent)
        .join(Case)
        .where(Case.conversation_id == conversation.id, CaseEvent.id > after_event)
        .where(CaseEvent.case_id.not_in(sealed.case_ids))
        .order_by(CaseEvent.id)
    ).all()
    ids = {m.worker_id for m in messages} | {e.worker_id for e in events}
    ids |= {e.detail.get("to") for e in events if e.kind == CaseEvent.TRANSFERRED}
    names = worker_names(session, ids)
    items = [message_item(m, names) for m in messages] + [event_item(e, names) for e in events]
    return sorted(items, key=lambda item: (item["sort"], item["kind"] != "message", item["id"]))


def facts_shown(facts: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) for each fact the bot collected, labelled as the eligibility data names it."""
    known = eligibility_data.facts()["facts"]
    shown = []
    for group, values in facts.items():
        if not isinstance(values, dict):
            shown.append((str(group), str(values)))
            continue
        for name, value in values.items():
            label = known.get(f"{group}.{name}", {}).get("label")
            title = f"{label['zh']} {label['en']}" if label else f"{group}.{name}"
            shown.append((title, str(value)))
    return shown


def eligibility(facts: dict[str, Any]) -> list[dict[str, str]] | None:
    """Each programme's decision for the facts collected; None when they cannot be screened."""
    if not facts:
        return None
    try:
        result = screen(facts)
    except InvalidFact:
        return None
    return [
        {
            "programme": programme.id,
            "name": programme_names(programme.id),
            "decision": str(programme.decision),
            "label": DECISIONS.get(str(programme.decision), str(programme.decision)),
        }
        for programme in result.programmes
    ]
