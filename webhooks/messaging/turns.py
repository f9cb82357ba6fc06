"""A turn: one family message to Rasa and the bot's replies back into the outbound queue."""

import logging

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import joinedload

from nlu.language import detect_language
from webhooks.casework import cases, placement
from webhooks.core.conversations import WEB_BUDGET, stage_notice, stage_replies
from webhooks.core.db import Session, utcnow
from webhooks.core.models import Conversation, FamilyContact, Message
from webhooks.core.rasa import BotReply, RasaUnavailable
from webhooks.services import Services

log = logging.getLogger(__name__)

# A job answers at most this many waiting messages before making room for other families.
TURNS_PER_JOB = 20


def run_pending(services: Services, connection: Connection, conversation_id: int) -> bool:
    """Answer the conversation's waiting messages, oldest first; True when some are left.

    The caller holds the conversation's lock on `connection` (outside any transaction), which
    reads the next message too. Rasa is called outside any transaction, and a message counts
    as answered only when the bot's replies are committed with it.
    """
    for _ in range(TURNS_PER_JOB):
        with Session(bind=connection) as session:
            message = _oldest_waiting(session, conversation_id)
        if message is None:
            return False
        conversation = message.conversation
        if conversation.mode == Conversation.HUMAN:
            _leave_to_worker(message.id)  # a case opened after it arrived
            continue
        try:
            reply = services.rasa.send(
                conversation.pseudonym, message.body, _metadata(conversation, message)
            )
        except RasaUnavailable:
            _hold(services, message.id)
            raise
        with Session.begin() as session:
            answered = _claim(session, message.id)
            if answered is None:
                continue
            _apply(session, services, answered, reply)
            if not has_waiting(session, conversation_id):
                return False  # the caller looks again once it has let go of the lock
    return True


def answer_now(services: Services, message_id: int, timeout: float) -> bool:
    """A caller waits on the line: the message's turn runs here, within `timeout` seconds, and
    its replies are staged unpaged (webhooks/messaging/voice.py reads them aloud). False when
    Rasa could not answer in time: the message then waits like a text whose job was lost, and
    the sweep gives it to the queue once Rasa can no longer be working on it (a retry sooner
    could reach Rasa while the first try is still inside it); its answer is texted."""
    with Session() as session:
        message = session.scalar(_MESSAGE, {"message_id": message_id})
        conversation = message.conversation
        sender, body = conversation.pseudonym, message.body
        metadata = _metadata(conversation, message)
    try:  # connecting to a replica that is down costs at most a second of the deadline
        reply = services.rasa.send(sender, body, metadata, timeout=(1.0, timeout))
    except RasaUnavailable:
        log.warning("rasa unavailable during a call: conversation %s waits", conversation.id)
        return False
    with Session.begin() as session:
        answered = _claim(session, message_id)
        if answered is not None:
            _apply(session, services, answered, reply, budget=WEB_BUDGET)
    return True


def _leave_to_worker(message_id: int) -> None:
    """The worker who now has the conversation reads it in the inbox; the bot does not answer."""
    with Session.begin() as session:
        session.get(Message, message_id).status = Message.HANDLED


def _claim(session: OrmSession, message_id: int) -> Message | None:
    """The message, locked until its answer commits; None if another job answered it first
    (one that lost the conversation's lock with its database connection, and kept going)."""
    message = session.scalar(_CLAIM, {"message_id": message_id})
    if message.status != Message.RECEIVED:
        log.warning("turn dropped: message %s was handled meanwhile", message_id)
        return None
    return message


def has_waiting(reader: OrmSession | Connection, conversation_id: int) -> bool:
    """Whether a message of the conversation waits for its turn; `reader` is a session, or a
    connection outside any transaction."""
    return reader.scalar(_WAITING_ID, {"conversation_id": conversation_id}) is not None


def _oldest_waiting(session: OrmSession, conversation_id: int) -> Message | None:
    return session.scalar(_OLDEST_WAITING, {"conversation_id": conversation_id})


# Built once: a turn runs them several times, and building one costs more than running it.
_WAITING = (
    select(Message)
    .where(
        Message.conversation_id == bindparam("conversation_id"),
        Message.direction == Message.IN,
        Message.status == Message.RECEIVED,
    )
    .order_by(Message.id)
    .limit(1)
)
_WAITING_ID = _WAITING.with_only_columns(Message.id)
# The message with what its turn reads (conversation, contact, region) in one query.
_WHAT_A_TURN_READS = (
    joinedload(Message.conversation)
    .joinedload(Conversation.contact)
    .joinedload(FamilyContact.region),
    joinedload(Message.conversation).joinedload(Conversation.region),  # a web-chat family's
)
_OLDEST_WAITING = _WAITING.options(*_WHAT_A_TURN_READS)
_MESSAGE = select(Message).where(Message.id == bindparam("message_id")).options(*_WHAT_A_TURN_READS)
_CLAIM = (
    select(Message)
    .where(Message.id == bindparam("message_id"))
    .options(joinedload(Message.conversation, innerjoin=True))
    .with_for_update(of=Message)
)


def _metadata(conversation: Conversation, message: Message) -> dict:
    """What Rasa may know besides the words: never who the family is, only where, if placed;
    the message's id, so a turn sent again is answered as before (bot/channel.py); and whether
    the family already answered no to the danger screen's question about this very text (only
    then does a text that set off the screen reach the bot: cases._bot_answers_meanwhile), so
    the bot does not ask it again (actions/handoff.py, ActionDanger)."""
    region = conversation.family_region.code if conversation.family_region else None
    return {
        "message_id": str(message.id),
        "language": detect_language(message.body),
        "channel": conversation.channel,
        "region": region,
        "danger_denied": message.danger,
    }


def _apply(
    session: OrmSession,
    services: Services,
    message: Message,
    reply: BotReply,
    budget: int | None = None,
) -> None:
    conversation = message.conversation
    if conversation.mode == Conversation.HUMAN:  # a worker replied while Rasa was answering
        message.status = Message.HANDLED
        cases.family_wrote(session, message)
        log.info("turn left to the worker: conversation %s", conversation.id)
        return
    handed_off, screened, asked = None, False, None
    for payload in reply.payloads:
        if payload.get("language") in ("zh", "en"):
            conversation.language = payload["language"]
        if isinstance(payload.get("handoff"), dict):
            handed_off = cases.open_from_handoff(session, conversation, payload["handoff"])
        screened = screened or payload.get("screened") is True
        if isinstance(payload.get("asking"), str):
            asked = payload["asking"][:64]
    # The family's next text answers the bot's screening question (inbound reads it so).
    conversation.bot_asked = asked
    conversation.bot_asked_at = utcnow() if asked else None
    budget = budget or services.settings.TURN_SEGMENT_BUDGET
    stage_replies(session, conversation, reply.texts, budget, reply_to=message)
    if handed_off:  # so a person near them answers: where they said they live, else asked
        cases.place_if_named(session, handed_off, message)
    elif screened:  # so they can be told their own office
        placement.ask(session, conversation, reply_to=message, key="place_question_office")
    message.status = Message.HANDLED
    log.info("turn answered: conversation %s message %s", conversation.id, message.id)


def _hold(services: Services, message_id: int) -> None:
    """Rasa is down or slow: tell the family once that their message is in, then retry."""
    with Session.begin() as session:
        message = session.get(Message, message_id)
        if message.holding_reply_sent or message.status != Message.RECEIVED:
            return
        message.holding_reply_sent = True
        stage_notice(session, message.conversation, "holding", Message.HOLDING, reply_to=message)
    log.warning("rasa unavailable: conversation %s waits", message.conversation_id)
