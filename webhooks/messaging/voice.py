"""A family on a phone call: what they say or key in takes a text's path (the danger screen
first, then the same Rasa turn) and is answered while they wait; the replies are read out to
them instead of texted. A call joins the family's SMS conversation (one family, one history);
webhooks/channels/voice.py turns what happens here into Twilio's TwiML.
"""

import logging
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from webhooks.casework import cases, placement, routing
from webhooks.core.conversations import (
    new_pseudonym,
    sms_conversation,
    stage_replies,
    store_inbound,
)
from webhooks.core.db import Session as DbSession
from webhooks.core.db import utcnow
from webhooks.core.models import Call, Case, Conversation, Message
from webhooks.core.queue import SEND, after_commit
from webhooks.core.texts import both, text
from webhooks.messaging import inbound, turns
from webhooks.services import Services

log = logging.getLogger(__name__)

# Replies longer than this (characters, all told) are offered by SMS too: a result, documents.
OFFER_TEXT_FROM = 60


@dataclass
class Heard:
    """What the caller hears back: lines read out in order, and what may come next."""

    lines: list[str] = field(default_factory=list)
    language: str = "zh"
    # The danger screen fired: the emergency numbers were read, and 110 is offered.
    danger: bool = False
    # A worker has the conversation: what the caller said went to them.
    with_worker: bool = False
    # Rasa did not answer in time: the answer will be texted; a message can be left meanwhile.
    held: bool = False
    # The family message whose (long) answer the caller may have texted to them.
    offer_text: int | None = None
    # The bot's question offers 0 as a choice ("0都没有"): 0 answers it, not "a person".
    zero_is_a_choice: bool = False


@dataclass
class Turn:
    """The conversation's turn as a call holds it: whether it got it, and whether the bot
    answered within it (else the words wait for the sweep: see turns.answer_now)."""

    ours: bool
    answered: bool = False


@dataclass
class Ring:
    """Who a caller asking for a person rings, and the case it is about; or first, where they
    live (`ask_place`), so the workers who ring are their own village's."""

    case_id: int
    phones: list[str]
    language: str
    ask_place: bool = False


def call_started(services: Services, call_sid: str, phone: str) -> Heard:
    """The call on record, with the family's conversation (made on their first call, as on
    their first text): the language to greet them in, and whether a worker has them."""
    with DbSession.begin() as session:
        conversation = _conversation(session, services, call_sid, phone)
        _call(session, call_sid, conversation)
        return Heard(
            language=conversation.language,
            with_worker=conversation.mode == Conversation.HUMAN,
        )


def heard(
    services: Services,
    call_sid: str,
    phone: str,
    turn: int,
    words: str,
    one_turn: Callable[[int], AbstractContextManager["Turn"]],
) -> Heard:
    """The caller said or keyed `words` (their `turn`-th input of the call): stored like a
    text, screened for danger, and answered by the bot within the voice deadline.

    `one_turn(conversation_id)` holds the conversation's turn, as the queue's jobs do, and
    yields a Turn saying whether it got it: a family's texts and calls never reach Rasa at
    the same time.
    Held by a job answering their texts, that job answers this too (by SMS), and the caller
    hears the holding line. Twilio asking again about the same turn gets the same answer,
    never a second turn."""
    with DbSession.begin() as session:
        conversation = _conversation(session, services, call_sid, phone)
        _call(session, call_sid, conversation)
        sid = f"{call_sid}/{turn}"
        message = store_inbound(session, conversation, words, provider_sid=sid)
        if message is None:  # asked again
            message = session.scalar(select(Message).where(Message.provider_sid == sid))
            return _said(session, message)
        if not inbound.route(session, services, message, queue_turn=False, spoken=True):
            return _said(session, message)
        message_id, conversation_id = message.id, conversation.id
    deadline = services.settings.VOICE_RASA_TIMEOUT_SECONDS
    with one_turn(conversation_id) as turn:
        turn.answered = turn.ours and turns.answer_now(services, message_id, deadline)
    if not turn.answered:  # the helpline's own notice (a worker has it) is read out still
        with DbSession.begin() as session:
            said = _said(session, session.get(Message, message_id), notices_only=True)
            return Heard(lines=said.lines, language=said.language, held=True)
    with DbSession.begin() as session:
        return _said(session, session.get(Message, message_id))


def speak_in(services: Services, call_sid: str, phone: str, language: str) -> None:
    """The caller chose the other language (9 at the greeting): the family's, from now on."""
    with DbSession.begin() as session:
        conversation = _conversation(session, services, call_sid, phone)
        _call(session, call_sid, conversation)
        conversation.language = language


def text_answer(services: Services, message_id: int) -> bool:
    """The caller pressed 1 to have the long answer just read to them texted as well."""
    with DbSession.begin() as session:
        message = session.get(Message, message_id)
        if message is None or message.direction != Message.IN:
            return False
        replies = _replies(session, message)
        if any(reply.status != Message.SPOKEN for reply in replies):
            return True  # texted already: Twilio asked again
        spoken = [reply.body for reply in replies]
        conversation = message.conversation
        stage_replies(
            session,
            conversation,
            spoken,
            services.settings.TURN_SEGMENT_BUDGET,
            reply_to=message,
        )
        after_commit(session, SEND, conversation.id)
        return True


def person_wanted(services: Services, call_sid: str, phone: str, now: datetime) -> Ring:
    """The caller pressed 0: a case for a person (or the one open), and the phones to ring:
    whoever has the case, else the workers of the family's region; none out of hours."""
    settings = services.settings
    with DbSession.begin() as session:
        conversation = _conversation(session, services, call_sid, phone)
        call = _call(session, call_sid, conversation)
        call.asked_for_person = True
        case = cases.open_case(
            session, conversation, reason="call", summary=both("case_summary_call")
        )
        choosing = conversation.place_choices and not conversation.place_answered
        if placement.asking(session, conversation) or choosing:
            return Ring(case.id, [], conversation.language, ask_place=True)
        people = [case.assignee] if case.assignee and case.assignee.active else []
        people = people or routing.responders(session, case.region_id)
        phones = [
            services.vault.decrypt(worker.phone_ciphertext)
            for worker in people
            if worker.phone_ciphertext
        ]
        if not _within_hours(settings.voice_hours, settings.LOCAL_TIMEZONE, now):
            phones = []
        log.info("call %s: ringing %d phones for case %s", call.id, len(phones), case.id)
        return Ring(case_id=case.id, phones=phones, language=conversation.language)


def accepted(call_sid: str) -> None:
    """The worker who picked up pressed 1 to take the call (not their voicemail picking up)."""
    with DbSession.begin() as session:
        call = session.scalar(select(Call).where(Call.sid == call_sid))
        if call is not None:
            call.put_through = True


def was_put_through(call_sid: str) -> bool:
    with DbSession() as session:
        call = session.scalar(select(Call).where(Call.sid == call_sid))
        return call is not None and call.put_through


def voicemail(
    services: Services, call_sid: str, phone: str, recording_sid: str, url: str, seconds: int
) -> int:
    """The caller left a message: on the family's case (a new one if none is open). Returns
    the case's id. Twilio posting the same recording again changes nothing."""
    with DbSession.begin() as session:
        conversation = _conversation(session, services, call_sid, phone)
        call = _call(session, call_sid, conversation)
        if call.voicemail and _has_recording(session, conversation, recording_sid):
            return cases.active_case_of(session, conversation).id
        call.voicemail = True
        recording = {"recording_sid": recording_sid, "recording_url": url}
        return cases.voicemail_left(session, conversation, recording, seconds).id


def transcribed(call_sid: str, recording_sid: str, words: str) -> bool:
    """Twilio's transcription of a voicemail of this call, kept on its case."""
    with DbSession.begin() as session:
        call = session.scalar(select(Call).where(Call.sid == call_sid))
        if call is None:
            return False
        for case in _cases_newest_first(session, call.conversation_id):
            if cases.voicemail_transcribed(session, case, recording_sid, words):
                return True
        return False


def call_ended(call_sid: str, status: str, seconds: int | None) -> None:
    with DbSession.begin() as session:
        call = session.scalar(select(Call).where(Call.sid == call_sid))
        if call is None:
            return
        call.status = status[:16]
        if status in ("completed", "busy", "failed", "no-answer", "canceled"):
            call.ended_at = call.ended_at or utcnow()
            call.seconds = seconds if seconds is not None else call.seconds


def for_the_ear(body: str) -> list[str]:
    """A text as short spoken sentences, one per line: "回复1" / "reply 1" is said "按1" /
    "press 1" (other replies are spoken: "回复“算了”" is "说“算了”"), and each numbered choice
    of a list is its own sentence ("1在家 2去世" is "按1，在家。按2，去世。")."""
    spoken = re.sub(r"回复?(?=\s*(?:[0-9]|几?个?数字))", "按", body)
    spoken = spoken.replace("回复", "说")
    spoken = re.sub(r"\b[Rr]eply with (?=(?:a|the|one or more) numbers?)", "key in ", spoken)
    spoken = re.sub(r"\b[Rr]eply all that apply:", "Press all that apply:", spoken)
    spoken = re.sub(r"\b[Rr]eply(?=\s*(?:[0-9]|:))", "press", spoken)
    spoken = re.sub(r"\b[Rr]eply\b", "say", spoken)
    lines = []
    for part in re.split(r"(?<=[。！？!?；;])\s*|\n+", spoken):
        lines.extend(_choices_apart(part.strip()))
    if re.search(r"几口人|how many people", body):  # two numbers at once: how to key them
        lines.append(text("voice_keys_income", "en" if body.isascii() else "zh"))
    return [line for line in lines if line]


def _choices_apart(sentence: str) -> list[str]:
    """ "按数字：1在家或打工 2去世" as "按数字：", "按1，在家或打工", "按2，去世"."""
    found = list(
        re.finditer(
            r"(?:^|(?<=[\s：:]))(\d{1,2})\s*[.、)]?\s*([^\s\d][^\d]*?)(?=\s+\d|$)", sentence
        )
    )
    if len(found) < 2:
        return [sentence]
    head = sentence[: found[0].start()].strip()
    if not sentence.isascii():
        return ([head] if head else []) + [f"按{m[1]}，{m[2].strip()}" for m in found]
    if not head.endswith(":"):  # "press 1 for yes, 2 for no" reads well as it is
        return [sentence]
    return [head] + [f"press {m[1]}, {m[2].strip()}" for m in found]


def _said(session: Session, message: Message, notices_only: bool = False) -> Heard:
    """What the caller hears for their message: every reply to it, read out. The replies are
    marked spoken (not texted), except the emergency text, which they get by SMS as well.
    `notices_only`: the helpline's own texts alone (the bot's answer is late, and a job that
    got the turn instead may have staged it to be texted)."""
    conversation = message.conversation
    replies = _replies(session, message)
    if notices_only:
        replies = [reply for reply in replies if reply.author == Message.SYSTEM]
    lines: list[str] = []
    for reply in replies:
        lines.extend(for_the_ear(reply.body))
        if reply.status == Message.QUEUED and reply.kind != Message.EMERGENCY:
            reply.status, reply.sent_at = Message.SPOKEN, utcnow()
    # A long answer of the bot's (a result, documents) is offered by SMS; a question, the
    # helpline's own questions (where they live) and a worker's case are simply answered.
    asks = _asks(lines) or placement.awaiting_answer(conversation)
    long = sum(len(reply.body) for reply in replies) > OFFER_TEXT_FROM
    long = long and not asks and conversation.mode == Conversation.BOT
    return Heard(
        lines=lines,
        language=conversation.language,
        danger=message.danger,
        with_worker=conversation.mode == Conversation.HUMAN and not message.danger,
        offer_text=message.id if long and not message.danger else None,
        zero_is_a_choice=any(re.match(r"(按0|press 0)\b", line, re.I) for line in lines),
    )


def _asks(lines: list[str]) -> bool:
    """Whether what was read out asks the caller something (a question or keys to press)."""
    return any(
        line.endswith(("？", "?", "：", ":"))
        or re.match(r"(按|press |key in )", line, re.IGNORECASE)
        or "数字" in line
        for line in lines
    )


def _replies(session: Session, message: Message) -> list[Message]:
    return list(
        session.scalars(
            select(Message)
            .where(Message.reply_to_id == message.id, Message.direction == Message.OUT)
            .order_by(Message.priority.desc(), Message.id)
        )
    )


# What Twilio sends as From when the caller hid their number: a word, or the word spelled on a
# keypad (ANONYMOUS, RESTRICTED, BLOCKED, UNAVAILABLE, UNKNOWN).
HIDDEN_NUMBERS = {"+266696687", "+7378742833", "+2562533", "+8656696", "+86282452253"}


def is_hidden(phone: str) -> bool:
    return phone in HIDDEN_NUMBERS or not re.search(r"\d{5}", phone)


def _conversation(session: Session, services: Services, call_sid: str, phone: str):
    """The family's SMS conversation (made on their first call, as on their first text); a
    caller who hid their number gets one of their own for this call, with nothing texted
    (often a child, who must still reach someone)."""
    if not is_hidden(phone):
        return sms_conversation(session, services.vault, phone)
    call = session.scalar(select(Call).where(Call.sid == call_sid))
    if call is not None:
        return call.conversation
    conversation = Conversation(channel=Conversation.CALL, pseudonym=new_pseudonym())
    session.add(conversation)
    session.flush()
    return conversation


def _call(session: Session, call_sid: str, conversation: Conversation) -> Call:
    call = session.scalar(select(Call).where(Call.sid == call_sid))
    if call is None:
        call = Call(sid=call_sid, conversation_id=conversation.id)
        session.add(call)
        session.flush()
    return call


def _has_recording(session: Session, conversation: Conversation, recording_sid: str) -> bool:
    case = cases.active_case_of(session, conversation)
    return case is not None and any(
        event.detail.get("recording_sid") == recording_sid
        for event in cases.voicemails(session, case)
    )


def _cases_newest_first(session: Session, conversation_id: int) -> list[Case]:
    return list(
        session.scalars(
            select(Case).where(Case.conversation_id == conversation_id).order_by(Case.id.desc())
        )
    )


def _within_hours(hours, timezone: str, now: datetime) -> bool:
    if hours is None:
        return True
    start, end = hours
    local = now.astimezone(ZoneInfo(timezone)).time()
    return start <= local < end if start <= end else (local >= start or local < end)
