"""A turn: one family message to Rasa and the bot's replies back into the outbound queue."""

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import joinedload

from nlu.text import detect_language
from webhooks import cases
from webhooks.conversations import stage_notice, stage_replies
from webhooks.db import Session, any_row
from webhooks.models import Conversation, FamilyContact, Message
from webhooks.rasa import BotReply, RasaUnavailable
from webhooks.services import Services

log = logging.getLogger(__name__)

# A job answers at most this many waiting messages before making room for other families.
TURNS_PER_JOB = 20


def run_pending(services: Services, conversation_id: int) -> bool:
    """Answer the conversation's waiting messages, oldest first; True when some are left.

    The caller holds the conversation's lock. Rasa is called outside any transaction, and a
    message counts as answered only when the bot's replies are committed with it.
    """
    for _ in range(TURNS_PER_JOB):
        with Session.begin() as session:
            message = _oldest_waiting(session, conversation_id)
            if message is None:
                return False
            conversation = message.conversation
            if conversation.mode == Conversation.HUMAN:
                message.status = Message.HANDLED  # a case opened after it arrived
                continue
            request = (conversation.pseudonym, message.body, _metadata(conversation, message))
        try:
            reply = services.rasa.send(*request)
        except RasaUnavailable:
            _hold(services, message.id)
            raise
        with Session.begin() as session:
            answered = _claim(session, message.id)
            if answered is None:
                continue
            _apply(session, services, answered, reply)
            if not _any_waiting(session, conversation_id):
                return False  # the caller looks again once it has let go of the lock
    return True


def _claim(session: OrmSession, message_id: int) -> Message | None:
    """The message, locked until its answer commits; None if another job answered it first
    (one that lost the conversation's lock with its database connection, and kept going)."""
    message = session.get(
        Message,
        message_id,
        options=[joinedload(Message.conversation, innerjoin=True)],
        with_for_update={"of": Message},
    )
    if message.status != Message.RECEIVED:
        log.warning("turn dropped: message %s was handled meanwhile", message_id)
        return None
    return message


def has_waiting(conversation_id: int) -> bool:
    return any_row(_waiting(conversation_id).with_only_columns(Message.id))


def _any_waiting(session: OrmSession, conversation_id: int) -> bool:
    return session.scalar(_waiting(conversation_id).with_only_columns(Message.id)) is not None


def _oldest_waiting(session: OrmSession, conversation_id: int) -> Message | None:
    """The message with what its turn reads (conversation, contact, region) in one query."""
    with_context = joinedload(Message.conversation).joinedload(Conversation.contact)
    return session.scalar(
        _waiting(conversation_id).options(with_context.joinedload(FamilyContact.region))
    )


def _waiting(conversation_id: int):
    return (
        select(Message)
        .where(
            Message.conversation_id == conversation_id,
            Message.direction == Message.IN,
            Message.status == Message.RECEIVED,
        )
        .order_by(Message.id)
        .limit(1)
    )


def _metadata(conversation: Conversation, message: Message) -> dict:
    """What Rasa may know besides the words: never who the family is, only where, if placed."""
    contact = conversation.contact
    region = contact.region.code if contact is not None and contact.region else None
    return {
        "language": detect_language(message.body),
        "channel": conversation.channel,
        "region": region,
    }


def _apply(session: OrmSession, services: Services, message: Message, reply: BotReply) -> None:
    conversation = message.conversation
    for payload in reply.payloads:
        if payload.get("language") in ("zh", "en"):
            conversation.language = payload["language"]
        if isinstance(payload.get("handoff"), dict):
            cases.open_from_handoff(session, conversation, payload["handoff"])
    budget = services.settings.TURN_SEGMENT_BUDGET
    stage_replies(session, conversation, reply.texts, budget, reply_to=message)
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
