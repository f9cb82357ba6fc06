"""Cases: a conversation handed to a child-welfare worker, worked on, and handed back.

Every change to a case happens here, whether it comes from the bot, the danger screen, the
inbox or a worker's SMS; the history of each change is a CaseEvent. (Over 400 lines for that
reason: one place for every change to a case.)
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from nlu.aid import asks_about_aid
from webhooks.casework import answers, placement, routing, staff
from webhooks.core.config import Settings
from webhooks.core.conversations import stage_notice, stage_replies
from webhooks.core.db import utcnow
from webhooks.core.models import Case, CaseEvent, Conversation, Message, Referral, Region, Worker
from webhooks.core.queue import SEND, TURN, after_commit
from webhooks.core.texts import both
from webhooks.services import current
from webhooks.sms import segments

log = logging.getLogger(__name__)

# Longest reply a worker may type in the inbox: about nine SMS segments in Chinese.
REPLY_MAX_CHARS = 600
NO_PLACE = "—"


def open_case(
    session: Session,
    conversation: Conversation,
    reason: str,
    priority: str = Case.NORMAL,
    summary: str = "",
    facts: dict[str, Any] | None = None,
    programmes: list[str] | None = None,
    opened_by: int | None = None,
    region_code: str | None = None,
    bot_answers: bool = False,
) -> Case:
    """Open a case, or add to the family's active one; the bot goes quiet either way, unless
    `bot_answers`: then the bot keeps answering until a worker replies (cases.reply).

    A new case is routed to the workers of the family's region (else up the hierarchy) and
    texted to their phones; an urgent one also alerts the township's supervisors.
    """
    facts = facts or {}
    # Only an explicit region code places a family: facts["region"] is the region whose
    # rules the screening used (HELPLINE_REGION for an unplaced family), not where they live.
    _place_from_bot(session, conversation, region_code)
    case = active_case_of(session, conversation)
    if case is None:
        case = Case(
            conversation=conversation,
            reason=reason,
            priority=priority,
            summary=summary,
            facts=facts,
            programmes=programmes or [],
            region_id=_region_for(session, conversation),
            opened_by_id=opened_by,
            assignee_id=opened_by,
            urgent_at=utcnow() if priority == Case.URGENT else None,
        )
        session.add(case)
        session.flush()
        _event(session, case, CaseEvent.OPENED, opened_by, reason=reason, priority=priority)
        if opened_by is None:
            _alert_new(session, case)
    else:
        if case.status == Case.FOLLOW_UP:
            _reopen(session, case, opened_by, reason=reason)
        _merge(case, summary, facts, programmes or [])
        if priority == Case.URGENT and case.priority != Case.URGENT:
            # Its deadline starts now (escalate_overdue): a slow normal case escalated already
            # is escalated again if nobody answers it as urgent.
            case.priority, case.urgent_at, case.escalated_at = Case.URGENT, utcnow(), None
            _event(session, case, CaseEvent.URGENT, opened_by, reason=reason)
            _alert_new(session, case, summary)
        elif priority == Case.URGENT:
            # Already urgent: whoever has it hears of the new report at once.
            _alert(session, case, _handlers(session, case), "staff_urgent_case", summary)
        elif conversation.mode == Conversation.BOT and not bot_answers:
            # The bot was still answering (webhooks/messaging/inbound.py): now the family waits
            # for a person, and whoever has the case hears why.
            _alert(session, case, _handlers(session, case), "staff_new_case", summary)
    if bot_answers:
        _note_bot_answers(case)
    else:
        conversation.mode = Conversation.HUMAN
        conversation.bot_asked = conversation.bot_asked_at = None  # no question is waiting
        case.summary = case.summary.replace(_bot_answers_note(), "")  # the bot is quiet now
    session.flush()
    log.info("case %s open (%s, %s)", case.id, case.reason, case.priority)
    return case


def open_from_handoff(session: Session, conversation: Conversation, handoff: dict) -> Case:
    """The bot's handoff payload, checked: only known priorities, facts as a dict."""
    priority = Case.URGENT if handoff.get("priority") == Case.URGENT else Case.NORMAL
    facts = handoff.get("facts") if isinstance(handoff.get("facts"), dict) else {}
    programmes = [p for p in handoff.get("programmes") or [] if isinstance(p, str)]
    region = handoff.get("region")
    return open_case(
        session,
        conversation,
        reason=str(handoff.get("reason") or "requested")[:32],
        priority=priority,
        summary=str(handoff.get("summary") or ""),
        facts=facts,
        programmes=programmes,
        region_code=region if isinstance(region, str) else None,
    )


def active_case_of(session: Session, conversation: Conversation) -> Case | None:
    """The family's active case: open, or waiting on a follow-up (the conversation is in human
    mode, except a distress case the bot keeps screening until a worker replies)."""
    return session.scalar(
        select(Case)
        .where(
            Case.conversation_id == conversation.id,
            Case.status.in_((Case.OPEN, Case.FOLLOW_UP)),
        )
        .order_by(Case.id.desc())
        .limit(1)
    )


def claim(session: Session, case: Case, worker_id: int) -> bool:
    """Take an unassigned open case; False when someone else got there first."""
    if case.assignee_id == worker_id:
        return True
    taken = session.execute(
        update(Case)
        .where(Case.id == case.id, Case.assignee_id.is_(None), Case.status == Case.OPEN)
        .values(assignee_id=worker_id)
        .execution_options(synchronize_session=False)
    )
    session.refresh(case)
    if taken.rowcount != 1:
        return False
    _event(session, case, CaseEvent.CLAIMED, worker_id)
    return True


def release(session: Session, case: Case) -> None:
    """Its worker left (deactivated, or moved to another area): the case goes back to its area,
    whose workers are told."""
    case.assignee_id = None
    _event(session, case, CaseEvent.TRANSFERRED, None, to=None)
    _alert_new(session, case)


def release_unanswerable(session: Session, worker: Worker) -> list[Case]:
    """The worker's open and follow-up cases they may no longer answer (their area or role
    changed), each back with its area. Returns them."""
    held = session.scalars(
        select(Case)
        .where(Case.assignee_id == worker.id, Case.status.in_((Case.OPEN, Case.FOLLOW_UP)))
        .order_by(Case.id)
    ).all()
    gone = [case for case in held if not routing.can_answer(session, worker, case.region_id)]
    for case in gone:
        release(session, case)
    return gone


def transfer(session: Session, case: Case, by: int, to: Worker) -> None:
    """Give the case to a colleague whose area includes it, and text them about it."""
    if not routing.can_answer(session, to, case.region_id):
        raise ValueError(f"worker {to.id} does not cover case {case.id}'s region")
    case.assignee_id = to.id
    _event(session, case, CaseEvent.TRANSFERRED, by, to=to.id)
    if to.id != by:
        staff.text_worker(
            session,
            to,
            "staff_transferred",
            "summary",
            about=case.id,
            case=case.id,
            place=place_name(case),
            summary=gist(session, case),
        )


def reply(session: Session, case: Case, worker: Worker, body: str) -> list[Message]:
    """The worker's words to the family, through the outbound queue like the bot's; from
    now on the worker answers them, not the bot (a case the bot kept answering stops it),
    and the family's next words answer the worker, not the helpline's danger question."""
    conversation = case.conversation
    conversation.mode = Conversation.HUMAN
    case.danger_question_at = None
    case.summary = case.summary.replace(_bot_answers_note(), "")
    budget = max(1, segments.count_segments(body))  # never cut: the worker chose every word
    sent = stage_replies(session, conversation, [body], budget, author=Message.WORKER)
    for message in sent:
        message.worker_id = worker.id
    now = utcnow()
    if case.first_reply_at is None:
        case.first_reply_at = now
    if case.assignee_id is None:
        case.assignee_id = worker.id
        _event(session, case, CaseEvent.CLAIMED, worker.id)
    conversation.last_activity_at = now
    after_commit(session, SEND, conversation.id)
    return sent


def add_note(session: Session, case: Case, worker_id: int, body: str) -> None:
    """An internal note: seen by colleagues in the inbox, never sent to the family."""
    session.add(CaseEvent(case_id=case.id, worker_id=worker_id, kind=CaseEvent.NOTE, body=body))


def resolve(session: Session, case: Case, worker_id: int | None) -> bool:
    """Close the case and hand the family back to the bot, with a short note to them."""
    if case.status != Case.OPEN:
        return False
    case.status, case.resolved_at = Case.RESOLVED, utcnow()
    conversation = case.conversation
    conversation.mode = Conversation.BOT
    conversation.bot_asked = conversation.bot_asked_at = None  # the bot asks afresh
    stage_notice(session, conversation, "case_resolved")
    after_commit(session, SEND, conversation.id)
    _event(session, case, CaseEvent.RESOLVED, worker_id)
    return True


def open_again(session: Session, case: Case, worker: Worker) -> Case:
    """A worker opens a new case on a family whose last one is resolved; it is theirs."""
    return open_case(session, case.conversation, reason="worker", opened_by=worker.id)


def place(session: Session, case: Case, region: Region, worker_id: int | None) -> None:
    """Put the family (and the case) in a region; an unanswered case goes to its workers."""
    case.region = region
    case.conversation.place_family(region)
    session.flush()
    _event(
        session, case, CaseEvent.PLACED, worker_id,
        region=region.code, name=placement.full_name(region),
    )  # fmt: skip
    assignee, active = case.assignee, case.status in (Case.OPEN, Case.FOLLOW_UP)
    if active and assignee is not None and not routing.can_answer(session, assignee, region.id):
        release(session, case)  # their worker no longer covers it: the new area is told
    elif case.status == Case.OPEN and case.assignee_id is None:
        _alert_new(session, case)


def family_wrote(session: Session, message: Message, news: bool = False) -> None:
    """A family message while a case is active: the follow-up answer, or news for the worker.
    `news` (a sign of self-harm) is only news: never read as an answer to a question, such as
    the place question (before, it was taken for a village's name and the worker not told)."""
    conversation = message.conversation
    case = active_case_of(session, conversation)
    if case is None:
        return
    if news:
        pass
    elif case.status == Case.FOLLOW_UP:
        _follow_up_answered(session, case, message)
        return
    elif case.danger_question_at is not None and _danger_answered(session, case, message):
        pass  # the worker hears the answer, below
    elif placement.awaiting_answer(conversation):
        _place_answered(session, case, message)
        return  # an answer to the helpline's question: in the timeline, not worth an SMS
    elif case.danger_question_at is not None and placement.ask(
        session, conversation, reply_to=message
    ):  # no 1 or 2: where they live, at least, so a worker near them has the case
        after_commit(session, SEND, conversation.id)
    staff.text_workers(
        session,
        _handlers(session, case),
        "staff_family_wrote",
        "body",
        about=case.id,
        case=case.id,
        body=message.body,
    )


def voicemail_left(
    session: Session, conversation: Conversation, recording: dict[str, Any], seconds: int
) -> Case:
    """A caller's recorded message (webhooks/messaging/voice.py): on the family's active case,
    or a new one; whoever has the case is texted that it is there."""
    case = active_case_of(session, conversation)
    is_new = case is None
    if is_new:
        case = open_case(
            session, conversation, reason="voicemail", summary=both("case_summary_voicemail")
        )
    _event(session, case, CaseEvent.VOICEMAIL, None, seconds=seconds, **recording)
    if not is_new:
        staff.text_workers(
            session, _handlers(session, case), "staff_voicemail", about=case.id, case=case.id
        )
    return case


def voicemail_transcribed(session: Session, case: Case, recording_sid: str, words: str) -> bool:
    """Twilio's transcription of a voicemail, kept as the event's words (erased with the rest);
    False when no voicemail of the case has this recording."""
    for event in voicemails(session, case):
        if event.detail.get("recording_sid") == recording_sid:
            event.body = words[:REPLY_MAX_CHARS]
            return True
    return False


def voicemails(session: Session, case: Case) -> list[CaseEvent]:
    query = select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.kind == CaseEvent.VOICEMAIL
    )
    return list(session.scalars(query.order_by(CaseEvent.id)))


def _danger_answered(session: Session, case: Case, message: Message) -> bool:
    """The family answered the danger question: yes keeps the case urgent, no makes it normal
    (never closed: a worker still reads it) unless it holds a report nobody asked them about
    (Case.stays_urgent); anything else is left for the worker (False). A no to a text that
    asked about aid lets the bot answer that text until a worker replies."""
    answer = answers.read_answer(message.body, answers.DANGER_ANSWERS)
    if answer == answers.OTHER:
        return False
    case.danger_question_at = None
    _event(session, case, CaseEvent.DANGER_ANSWER, None, answer=answer)
    if answer == answers.NO and case.priority == Case.URGENT and not case.stays_urgent:
        case.priority = Case.NORMAL
    no_worker_yet = case.first_reply_at is None
    if answer == answers.NO and no_worker_yet and (asked := _alarm_asking_about_aid(session, case)):
        _bot_answers_meanwhile(session, case, asked, message)
        return True
    key = "danger_confirmed" if answer == answers.YES else "danger_denied"
    stage_notice(session, case.conversation, key, reply_to=message)
    placement.ask(session, case.conversation, reply_to=message)
    after_commit(session, SEND, case.conversation_id)
    return True


def _alarm_asking_about_aid(session: Session, case: Case) -> Message | None:
    """The family's latest text that raised the alarm, if it asked about aid."""
    alarm = session.scalar(
        select(Message)
        .where(
            Message.conversation_id == case.conversation_id,
            Message.direction == Message.IN,
            Message.danger.is_(True),
        )
        .order_by(Message.id.desc())
        .limit(1)
    )
    return alarm if alarm is not None and asks_about_aid(alarm.body) else None


def _bot_answers_meanwhile(session: Session, case: Case, asked: Message, answer: Message) -> None:
    """No child in danger, the family says, and they asked about aid: the bot answers that
    text now, as for distress told with a question about aid, until a worker replies (reply
    takes the conversation back); the place question waits for the screening's result."""
    conversation = case.conversation
    _note_bot_answers(case)
    conversation.mode = Conversation.BOT
    asked.status = Message.RECEIVED  # its turn with the bot, which it never had
    stage_notice(session, conversation, "danger_denied_aid", reply_to=answer)
    after_commit(session, SEND, conversation.id)
    after_commit(session, TURN, conversation.id)


def _bot_answers_note() -> str:
    return f" {both('case_summary_bot_answers')}"


def _note_bot_answers(case: Case) -> None:
    """The case tells its workers the bot still answers the family, once (reply removes it)."""
    if _bot_answers_note() not in case.summary:
        case.summary += _bot_answers_note()


def place_if_named(
    session: Session, case: Case, message: Message, tell_family: bool = True
) -> None:
    """A case just handed over: placed where the message says the family lives, if it names
    one place in full and nobody placed them yet, and the family thanked; else they are asked.
    Without `tell_family`, neither: the case is placed, or waits, quietly."""
    conversation = case.conversation
    region = None
    if conversation.family_region is None:
        region = placement.named_outright(session, message.body)
    if region is None:
        if tell_family:
            placement.ask(session, conversation, reply_to=message)
        return
    place(session, case, region, None)
    conversation.place_answered = True
    if tell_family:
        name = placement.full_name(region)
        stage_notice(session, conversation, "place_thanks", reply_to=message, place=name)


def _place_answered(session: Session, case: Case, message: Message) -> None:
    """The family said where they live: placed, the case goes to that place's workers."""
    conversation = case.conversation
    region = placement.read_answer(session, conversation, message)
    if region is not None:
        place(session, case, region, None)
        name = placement.full_name(region)
        stage_notice(session, conversation, "place_thanks", reply_to=message, place=name)
    after_commit(session, SEND, conversation.id)


def _follow_up_answered(session: Session, case: Case, message: Message) -> None:
    conversation = case.conversation
    answer = answers.read_answer(message.body)
    _event(session, case, CaseEvent.ANSWERED, None, answer=answer)
    if answer == answers.YES:
        _family_applied(case)
        case.status = Case.RESOLVED
        _back_to_the_bot(session, conversation)
        stage_notice(session, conversation, "follow_up_thanks", reply_to=message)
    else:
        _reopen(session, case, None, answer=answer)
        stage_notice(session, conversation, "worker_will_reply", reply_to=message)
        staff.text_workers(
            session,
            _handlers(session, case),
            "staff_follow_up_reopened",
            "body",
            about=case.id,
            case=case.id,
            place=place_name(case),
            body=message.body,
        )
    after_commit(session, SEND, conversation.id)


def follow_up_asked(session: Session, case: Case, programmes: list[str], now: datetime) -> None:
    """The family was asked whether they applied: the case waits for their answer."""
    case.status, case.follow_up_asked_at = Case.FOLLOW_UP, now
    case.conversation.mode = Conversation.HUMAN
    _event(session, case, CaseEvent.FOLLOW_UP, None, programmes=programmes)


def follow_up_unanswered(session: Session, case: Case) -> None:
    """No answer in time: the family goes back to the bot, the referrals stay as they were."""
    case.status = Case.RESOLVED
    _back_to_the_bot(session, case.conversation)
    _event(session, case, CaseEvent.ANSWERED, None, answer=None)


def _back_to_the_bot(session: Session, conversation: Conversation) -> None:
    """The bot answers again, unless another case keeps a worker on the conversation."""
    session.flush()
    if active_case_of(session, conversation) is None:
        conversation.mode = Conversation.BOT


def _family_applied(case: Case) -> None:
    """The family said they applied: every referral they were asked about moves on."""
    now = utcnow()
    for referral in case.referrals:
        if referral.status == Referral.REFERRED and referral.follow_up_sent_at is not None:
            referral.status, referral.outcome_at = Referral.APPLIED, now


def escalate_overdue(session: Session, settings: Settings, now: datetime) -> list[int]:
    """Alert the supervisors of open cases nobody has answered in time; each case once, and
    once more if it becomes urgent later. An urgent case's time runs from when it became
    urgent, and a worker's answer from before then does not count: a case made urgent by a
    child's sign of self-harm at night is overdue if its worker, who answered in the day, is
    asleep. A normal case's time runs from its opening."""
    sla = {
        Case.URGENT: settings.SLA_URGENT_MINUTES,
        Case.NORMAL: settings.SLA_NORMAL_MINUTES,
    }
    urgent_since = func.coalesce(Case.urgent_at, Case.opened_at)
    answered_since = (
        select(Message.id)
        .where(
            Message.conversation_id == Case.conversation_id,
            Message.author == Message.WORKER,
            Message.created_at >= urgent_since,
        )
        .exists()
    )
    overdue = session.scalars(
        select(Case)
        .where(
            Case.status == Case.OPEN,
            Case.escalated_at.is_(None),
            or_(
                and_(
                    Case.priority == Case.URGENT,
                    urgent_since <= now - timedelta(minutes=sla[Case.URGENT]),
                    ~answered_since,
                ),
                and_(
                    Case.priority != Case.URGENT,
                    Case.first_reply_at.is_(None),
                    Case.opened_at <= now - timedelta(minutes=sla[Case.NORMAL]),
                ),
            ),
        )
        .order_by(Case.id)
    ).all()
    for case in overdue:
        case.escalated_at = now
        besides = {case.assignee_id} if case.assignee_id else set()
        supervisors = routing.supervisors_above(session, case.region_id, besides)
        _event(session, case, CaseEvent.ESCALATED, None, to=[w.id for w in supervisors])
        staff.text_workers(
            session,
            supervisors,
            "staff_overdue",
            "summary",
            about=case.id,
            case=case.id,
            place=place_name(case),
            minutes=sla.get(case.priority, sla[Case.NORMAL]),
            summary=gist(session, case),
        )
    if overdue:
        log.info("escalated %d overdue cases", len(overdue))
    return [case.id for case in overdue]


def place_name(case: Case) -> str:
    return case.region.name if case.region is not None else NO_PLACE


def gist(session: Session, case: Case) -> str:
    """What an alert says about the case: the bot's summary, else the family's last words."""
    if case.summary:
        return case.summary
    last = session.scalar(
        select(Message.body)
        .where(Message.conversation_id == case.conversation_id, Message.author == Message.FAMILY)
        .order_by(Message.id.desc())
        .limit(1)
    )
    return last or case.reason


def _alert_new(session: Session, case: Case, news: str = "") -> None:
    """A new (or newly urgent) case to its region's responders; urgent: the township's too.

    A web chat is anonymous, so a flood of chats must not become a flood of texts to workers'
    phones: each worker gets at most one text a CHAT_ALERT_MINUTES about new web-chat cases
    (one about urgent ones, one about the rest); the inbox lists every case."""
    people = routing.responders(session, case.region_id)
    if case.priority == Case.URGENT:
        people += routing.township_supervisors(session, case.region_id)
    if case.conversation.channel == Conversation.WEB:
        people = [w for w in people if not _told_of_a_chat_lately(session, w, case.priority)]
    key = "staff_urgent_case" if case.priority == Case.URGENT else "staff_new_case"
    _alert(session, case, people, key, news)


def _told_of_a_chat_lately(session: Session, worker: Worker, priority: str) -> bool:
    since = utcnow() - timedelta(minutes=current().settings.CHAT_ALERT_MINUTES)
    thread, chat = aliased(Conversation), aliased(Conversation)
    urgent = Message.priority == Message.URGENT
    told = (
        select(Message.id)
        .join(thread, Message.conversation_id == thread.id)
        .join(Case, Message.case_id == Case.id)
        .join(chat, Case.conversation_id == chat.id)
        .where(thread.worker_id == worker.id, thread.channel == Conversation.STAFF)
        .where(chat.channel == Conversation.WEB, Message.created_at > since)
        .where(urgent if priority == Case.URGENT else ~urgent)
        .limit(1)
    )
    return session.scalar(told) is not None


def _alert(session: Session, case: Case, people: list[Worker], key: str, news: str = "") -> None:
    staff.text_workers(
        session,
        people,
        key,
        "summary",
        about=case.id,
        urgent=case.priority == Case.URGENT,
        case=case.id,
        place=place_name(case),
        summary=news or gist(session, case),
    )


def _handlers(session: Session, case: Case) -> list[Worker]:
    """Whoever has the case, else everyone it goes to."""
    return [case.assignee] if case.assignee else routing.responders(session, case.region_id)


def _reopen(session: Session, case: Case, worker_id: int | None, **detail) -> None:
    case.status, case.resolved_at = Case.OPEN, None
    case.conversation.mode = Conversation.HUMAN
    _event(session, case, CaseEvent.REOPENED, worker_id, **detail)
    assignee = case.assignee
    if assignee is not None and not routing.can_answer(session, assignee, case.region_id):
        release(session, case)  # never back to someone who can no longer see it


def _merge(case: Case, summary: str, facts: dict[str, Any], programmes: list[str]) -> None:
    if summary and summary not in case.summary:
        case.summary = f"{case.summary}\n{summary}" if case.summary else summary
    if facts:
        case.facts = {**case.facts, **facts}
    new = [p for p in programmes if p not in case.programmes]
    if new:
        case.programmes = [*case.programmes, *new]


def _place_from_bot(session: Session, conversation: Conversation, code: Any) -> None:
    """Place the family where they told the bot they live, unless they are placed more finely."""
    if not isinstance(code, str):
        return
    region = routing.region_by_code(session, code)
    if region is None:
        return
    placed = conversation.family_region
    if placed is None or routing.is_within(session, region.id, placed.id):
        conversation.place_family(region)


def _region_for(session: Session, conversation: Conversation) -> int | None:
    """The family's region; for a family not placed yet, UNPLACED_REGION_CODE's, else the
    deployment's root region when it has exactly one (its supervisors place the family)."""
    if conversation.family_region is not None:
        return conversation.family_region.id
    code = current().settings.UNPLACED_REGION_CODE
    region = routing.region_by_code(session, code) if code else routing.only_root(session)
    return region.id if region else None


def record_event(
    session: Session, case: Case, kind: str, worker_id: int | None, **detail: Any
) -> None:
    """A line in the case's history (referrals record theirs here)."""
    _event(session, case, kind, worker_id, **detail)


def _event(session: Session, case: Case, kind: str, worker_id: int | None, **detail) -> None:
    session.add(CaseEvent(case_id=case.id, worker_id=worker_id, kind=kind, detail=detail))
