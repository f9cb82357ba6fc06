"""What happens to a family's message once stored: danger, keywords, opt-out, a worker, the bot."""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.eligibility import InvalidFact, set_fact
from nlu.aid import asks_about_aid
from nlu.language import detect_language
from nlu.text import has_chinese
from webhooks.casework import cases, placement, worker_sms
from webhooks.casework.staff import registered_worker, staff_thread
from webhooks.core.conversations import (
    sms_conversation,
    stage_notice,
    stage_replies,
    store_inbound,
)
from webhooks.core.db import Session as DbSession
from webhooks.core.db import utcnow
from webhooks.core.models import Case, Conversation, Message
from webhooks.core.queue import SEND, SEND_URGENTLY, TURN, after_commit
from webhooks.core.texts import both
from webhooks.messaging.spool import InboundSms
from webhooks.safety import CONCERN, PROBABLE, SELF_HARM, DangerHit, assess
from webhooks.services import Services
from webhooks.sms.keywords import Keyword, asks_to_stop_texts, classify


def receive_sms(services: Services, sms: InboundSms) -> None:
    """Store a family's (or a worker's) text and decide who answers it, in one transaction:
    the webhook's work, and the spool's when it stores texts the database could not take."""
    with DbSession.begin() as session:
        worker = registered_worker(session, services.vault, sms.phone)
        if worker is not None:  # a worker's own phone: "#123 text" commands, not a family
            if sms.line:  # their alerts and answers leave from the line they text, too
                staff_thread(session, worker).line = sms.line
            worker_sms.handle(session, services, worker, sms.body, sms.sid)
            return
        conversation = sms_conversation(session, services.vault, sms.phone)
        message = store_inbound(session, conversation, sms.body, provider_sid=sms.sid)
        # None: the provider retried a message we already have, and it gets nothing more.
        if message is not None:
            if sms.line:  # the gateway line the family texted: replies leave from it
                conversation.line = sms.line
            route(session, services, message, has_media=sms.has_media)


def route(
    session: Session,
    services: Services,
    message: Message,
    has_media: bool = False,
    queue_turn: bool = True,
    spoken: bool = False,
) -> bool:
    """Decide, within the webhook's transaction, who answers this message; True when the bot
    does. Its turn is queued, unless `queue_turn` is False: a caller on the line is answered
    at once (webhooks/messaging/voice.py). Words `spoken` on a call are not SMS keywords
    ("stop" is not STOP), and a family who stopped texts is still answered on the phone."""
    conversation = message.conversation
    contact = conversation.contact
    conversation.language = _language(conversation, message.body)
    answering = _answers_the_bot(conversation) and not _opted_out(conversation, spoken)
    if answering and _one_of_the_bots_choices(conversation, message.body):
        hit = None  # "找不到人" to "孩子爸爸现在怎样？": the bot's own words tell no danger
    else:
        hit = assess(message.body, answering=answering)
    if hit is not None and hit.alarm:
        _danger(session, conversation, message, hit, spoken)
        return False
    keyword = None if spoken else classify(message.body)

    if keyword is Keyword.STOP and contact is not None:
        if contact.opted_out:
            message.status = Message.HANDLED  # one confirmation only
            return False
        contact.opted_out, contact.opted_out_at = True, utcnow()
        _answer(session, conversation, message, "opted_out", Message.OPT_OUT_CONFIRMATION)
    elif keyword is Keyword.START and contact is not None:
        contact.opted_out, contact.opted_out_at = False, None
        _answer(session, conversation, message, "opted_in")
    elif hit is None and _opted_out(conversation, spoken):
        message.status = Message.HANDLED  # kept for the record; nothing goes back
    elif has_media and not message.body:
        _answer(session, conversation, message, "media_not_supported")  # pictures are not fetched
    elif keyword is Keyword.HELP:
        _answer(session, conversation, message, "help")
    elif (
        hit is None
        and not spoken
        and conversation.mode == Conversation.BOT
        and asks_to_stop_texts(message.body)
    ):
        _answer(session, conversation, message, "stop_how")
    elif keyword is Keyword.MORE:
        _page(session, services, conversation, message)
    elif not message.body.strip():
        _answer(session, conversation, message, "empty_message")
    elif conversation.mode == Conversation.HUMAN:
        message.status = Message.HANDLED  # the worker reads it in the inbox
        sign = hit is not None and _a_sign_of_self_harm(hit)
        if sign:
            _now_urgent(session, conversation, message, hit)
        cases.family_wrote(session, message, news=sign)  # by SMS, or it answers a question
    elif hit is not None and (hit.level == CONCERN or asks_about_aid(message.body)):
        answers = _distress_while_the_bot_answers(session, conversation, message, hit, spoken)
        if answers and queue_turn:
            after_commit(session, TURN, conversation.id)
        return answers
    elif hit is not None:
        _distress(session, conversation, message, hit)
    elif placement.awaiting_answer(conversation) and placement.read_bot_mode_answer(
        session, conversation, message
    ):
        message.status = Message.HANDLED
        _case_follows_the_family(session, conversation)
        after_commit(session, SEND, conversation.id)
    else:
        if queue_turn:
            after_commit(session, TURN, conversation.id)
        return True
    return False


def _language(conversation: Conversation, body: str) -> str:
    """The conversation's language after this message. A place named in pinyin, as the English
    place question's example is ("Chengguan Dongfeng"), does not turn it to Chinese: walked on
    make run, an English-speaking teenager who answered "Chengguan Hongqi" was thanked in
    Chinese."""
    told = detect_language(body)
    if told == "zh" and not has_chinese(body) and placement.awaiting_answer(conversation):
        return conversation.language
    return told or conversation.language


# A text this soon after the bot's screening question is read as its answer.
ANSWER_WINDOW = timedelta(minutes=20)
# The screening's questions (actions/eligibility facts, as the action server's `asking` payload
# names them) whose answers tell the family's hard facts: a parent in prison, in rehab or dead, a
# crisis, an illness, a boarding school. Not the child's age, the hukou or the income.
ABOUT_THE_FAMILY = frozenset(
    {
        "father.status",
        "mother.status",
        "group:situation",
        "household.sudden_hardship",
        "group:health",
        "child.serious_illness",
        "child.disability",
        "group:school",
        "child.school",
        "child.boarding",
    }
)


def _answers_the_bot(conversation: Conversation) -> bool:
    """Whether the family's text answers the bot's screening question about the family: the
    bot's last turn asked one (webhooks/messaging/turns.py) within ANSWER_WINDOW, and no worker
    has them."""
    asked = conversation.bot_asked_at
    return (
        conversation.mode == Conversation.BOT
        and conversation.bot_asked in ABOUT_THE_FAMILY
        and asked is not None
        and utcnow() - asked <= ANSWER_WINDOW
    )


def _one_of_the_bots_choices(conversation: Conversation, body: str) -> bool:
    """Whether the text picks a choice of the bot's question, by its number or its words: the
    father's "找不到人" (lost contact) got the emergency numbers, and "法院判失踪" (a court
    declared him missing) a worker's case that silenced the bot."""
    try:
        set_fact({}, conversation.bot_asked, body.strip(" 。.!！?？~～"))
    except (InvalidFact, ValueError):  # "①" is a digit to str.isdigit, not to int()
        return False
    return True


# The same emergency text goes to a family at most once in this long.
EMERGENCY_REPEAT = timedelta(minutes=30)


def _danger(
    session: Session,
    conversation: Conversation,
    message: Message,
    hit: DangerHit,
    spoken: bool = False,
):
    """A child may be in danger: emergency numbers at once, an urgent case, alerts.

    Runs before everything else, so it works mid-screening, in human mode and with Rasa down.
    A family who opted out gets no text, but the workers are still alerted. A probable (not
    sure) finding gets one question too, whose answer sets the case's priority
    (cases.family_wrote reads it), unless the case holds a report nobody asked the family about
    (Case.stays_urgent); so does a text that asks about aid, sure or not, since an
    ordinary family's story sets off the rules now and then: their "no" lets the bot answer
    their question while the case waits for a worker. Every text here goes ahead of all
    others waiting to be sent.
    """
    message.danger = True
    message.status = Message.HANDLED
    conversation.language = hit.language
    case = cases.open_case(
        session, conversation, reason="danger", priority=Case.URGENT, summary=_summary(message, hit)
    )
    silent = _opted_out(conversation, spoken)
    asks_aid = not spoken and asks_about_aid(message.body)  # a call's keys connect instead
    # The question lets a family whose ordinary words set off the screen say so. A case that
    # holds a report nobody asked them about stays urgent whatever they answer: then only a
    # text about aid is asked about (their "no" lets the bot answer it meanwhile).
    questioned = not silent and (asks_aid or (hit.level == PROBABLE and not case.stays_urgent))
    if not questioned:
        # Nobody asks the family about this report: their "no" to a question about another,
        # earlier or later, does not lower the case.
        case.stays_urgent = True
    if silent:
        return  # on a call it is read out (and not texted: outbound suppresses it)
    if spoken or not _emergency_sent_recently(session, conversation):
        stage_notice(session, conversation, "emergency", Message.EMERGENCY, message, Message.URGENT)
    if questioned and case.danger_question_at is None:
        stage_notice(
            session, conversation, "danger_question", reply_to=message, priority=Message.URGENT
        )
        case.danger_question_at = utcnow()
    elif case.danger_question_at is None:
        # After the numbers, never before: placed at once when the text names the village in
        # full, so its director has the urgent case without a question to the family first.
        cases.place_if_named(session, case, message)
    after_commit(session, SEND_URGENTLY, conversation.id)


def _distress(session: Session, conversation: Conversation, message: Message, hit: DangerHit):
    """Neither layer is sure, but the message reads like a child in distress: a worker answers
    it rather than the bot alone. No emergency text; the case is not urgent, unless it is a
    sign of self-harm (_SIGN_OF_SELF_HARM)."""
    message.status = Message.HANDLED
    conversation.language = hit.language
    priority, notice, _ = _distress_answer(hit)
    summary = _summary(message, hit)
    case = cases.open_case(session, conversation, "distress", priority, summary=summary)
    case.stays_urgent |= priority == Case.URGENT  # nobody asks the family about a sign
    _answer(session, conversation, message, notice)
    placement.ask(session, conversation, reply_to=message)


# A case's priority, the family's text, and their text when the message asks about aid.
_DISTRESS = (Case.NORMAL, "distress_case", "distress_case_aid")
# A message the classifier reads as possibly a child in distress, short of DISTRESS_AT: a worker
# reads it and the bot answers the family as ever; most such messages are ordinary, so the
# text only says a worker will read it too, and names 110.
_CONCERN = (Case.NORMAL, "concern_case", "concern_case")
# A sign of self-harm or suicide ("以后你们就不用为我操心了", "i'm a burden") is a worker's case
# within the urgent deadline, though no emergency text goes: a child who hints at it may act
# before a normal case's day is out. Its text thanks whoever wrote, a child about themself or
# a carer, and names 120.
_SIGN_OF_SELF_HARM = (Case.URGENT, "distress_self_harm", "distress_self_harm_aid")


def _distress_answer(hit: DangerHit) -> tuple[str, str, str]:
    if _a_sign_of_self_harm(hit):
        return _SIGN_OF_SELF_HARM
    return _CONCERN if hit.level == CONCERN else _DISTRESS


def _a_sign_of_self_harm(hit: DangerHit) -> bool:
    """A hint rule's sign of self-harm; not self-harm told as past, a story or a talk."""
    return hit.hint and hit.category == SELF_HARM


def _now_urgent(session: Session, conversation: Conversation, message: Message, hit: DangerHit):
    """A sign of self-harm while a worker has the family: their case is urgent now, the
    region's workers and the township's supervisors are told (whoever has it gets the family's
    words as ever: cases.family_wrote), and the family is told to call 120 or 110 if someone
    may get hurt: their worker may not read it for a while. Either way the case stays urgent:
    a "2" to a danger question no longer lowers it."""
    case = cases.active_case_of(session, conversation)
    if case is None:
        return
    case.stays_urgent = True
    if case.priority == Case.URGENT and case.status == Case.OPEN:
        return
    cases.open_case(session, conversation, "distress", Case.URGENT, _summary(message, hit))
    _, notice, _ = _SIGN_OF_SELF_HARM
    stage_notice(session, conversation, notice, reply_to=message)
    after_commit(session, SEND, conversation.id)


def _distress_while_the_bot_answers(
    session: Session,
    conversation: Conversation,
    message: Message,
    hit: DangerHit,
    spoken: bool = False,
) -> bool:
    """Distress told with a question about aid ("他爸走后娃天天哭 能领啥补助"), or a concern (a
    message the classifier reads as possibly danger, short of distress): a worker gets the
    case, and the bot still answers the family until the worker replies; True when it answers
    this message. The family is told a worker has their message, once, and again when a sign
    of self-harm makes the case urgent (on a call it is read out with the bot's answer). Later
    such messages are news for the worker. A reply to the place question is read as one ("住在
    一镇一村 娃爸妈都出去打工了"): the case opens in, or moves to, that village, and the bot
    answers it only if it asks about aid. A family not placed is placed when their first such
    message names the village in full; else the place question waits for a screening's result,
    and the case for a worker at the top of the region. A family who opted out gets a case,
    and no bot turn: nothing would reach them."""
    conversation.language = hit.language
    case = cases.active_case_of(session, conversation)
    new, was_urgent = case is None, case is not None and case.priority == Case.URGENT
    priority, _, notice = _distress_answer(hit)
    # The answer to the place question first, so that a new case opens where the family lives.
    place_answer = placement.awaiting_answer(conversation) and placement.read_bot_mode_answer(
        session, conversation, message
    )
    summary = _summary(message, hit)
    case = cases.open_case(
        session, conversation, "distress", priority, summary=summary, bot_answers=True
    )
    case.stays_urgent |= priority == Case.URGENT  # nobody asks the family about a sign
    if place_answer:
        _case_follows_the_family(session, conversation)
    if new or (priority == Case.URGENT and not was_urgent):  # a sign of self-harm makes it urgent
        stage_notice(session, conversation, notice, reply_to=message)
    if not new:
        cases.family_wrote(session, message, news=True)
    elif not place_answer:
        cases.place_if_named(session, case, message, tell_family=False)
    if not spoken:
        after_commit(session, SEND, conversation.id)
    if _opted_out(conversation, spoken):
        message.status = Message.HANDLED  # kept for the record and the worker
        return False
    if place_answer and not asks_about_aid(message.body):
        message.status = Message.HANDLED  # the bot's question lapses; the place is answered
        return False
    return True


def _opted_out(conversation: Conversation, spoken: bool) -> bool:
    """Whether nothing may be texted to the family: they opted out, and are not on a call."""
    contact = conversation.contact
    return contact is not None and contact.opted_out and not spoken


def _case_follows_the_family(session: Session, conversation: Conversation) -> None:
    """A family placed while the bot answers them may have a case open (a distress case the
    bot keeps screening): it moves to their region's workers too."""
    case = cases.active_case_of(session, conversation)
    region = conversation.family_region
    if case is not None and region is not None and case.region_id != region.id:
        cases.place(session, case, region, None)


def _summary(message: Message, hit: DangerHit) -> str:
    """What workers read first: the family's words (so an alert on a worker's phone, cut to
    fit, shows them), then in both languages how sure the screen was and what it found (and
    which rule, or the classifier's estimate)."""
    source = f"rule {hit.rule_id}" if hit.probability is None else f"p={hit.probability:.2f}"
    found = f"{both(f'danger_level_{hit.level}')}: {both(f'danger_category_{hit.category}')}"
    return f"“{message.body[:300]}” {both('case_summary_danger')} ({found}, {source})"


def _emergency_sent_recently(session: Session, conversation: Conversation) -> bool:
    since = utcnow() - EMERGENCY_REPEAT
    return (
        session.scalar(
            select(Message.id)
            .where(Message.conversation_id == conversation.id, Message.kind == Message.EMERGENCY)
            .where(Message.created_at >= since)
            .limit(1)
        )
        is not None
    )


def _answer(session, conversation, message, key, kind=Message.REPLY) -> None:
    stage_notice(session, conversation, key, kind=kind, reply_to=message)
    message.status = Message.HANDLED
    after_commit(session, SEND, conversation.id)


def _page(session, services, conversation, message) -> None:
    """MORE: the next part of what the bot wanted to say."""
    if not conversation.more_text:
        _answer(session, conversation, message, "nothing_more")
        return
    budget = services.settings.TURN_SEGMENT_BUDGET
    if conversation.bot_asked_at is not None:  # the question may be in this page
        conversation.bot_asked_at = utcnow()
    stage_replies(session, conversation, [conversation.more_text], budget, reply_to=message)
    message.status = Message.HANDLED
    after_commit(session, SEND, conversation.id)
