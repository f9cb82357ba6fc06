"""Finding a family's conversation, storing what they send and staging what goes back."""

import uuid

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager

from webhooks.core.crypto import PhoneVault
from webhooks.core.db import utcnow
from webhooks.core.models import Conversation, FamilyContact, Message
from webhooks.core.texts import text
from webhooks.sms import segments


def find_sms_conversation(session: Session, vault: PhoneVault, phone: str) -> Conversation | None:
    """The family's SMS conversation with their contact loaded, in one query; None before their
    first text."""
    return session.scalar(_SMS_CONVERSATION, {"phone_hash": vault.lookup_hash(phone)})


# Built once: every family text asks it.
_SMS_CONVERSATION = (
    select(Conversation)
    .join(Conversation.contact)
    .options(contains_eager(Conversation.contact))
    .where(FamilyContact.phone_hash == bindparam("phone_hash"))
    .where(Conversation.channel == Conversation.SMS)
)


def sms_conversation(session: Session, vault: PhoneVault, phone: str) -> Conversation:
    """The family's SMS conversation, created with their contact on their first text (a
    contact is only ever made with it). When two first texts race, the second's insert waits
    for the first to commit, fails on the phone's unique hash, and finds the first's."""
    phone_hash = vault.lookup_hash(phone)
    found = session.scalar(_SMS_CONVERSATION, {"phone_hash": phone_hash})
    if found is not None:
        return found
    contact = FamilyContact(phone_ciphertext=vault.encrypt(phone), phone_hash=phone_hash)
    conversation = Conversation(
        contact=contact, channel=Conversation.SMS, pseudonym=new_pseudonym()
    )
    try:
        with session.begin_nested():
            session.add(conversation)  # and its contact
    except IntegrityError:
        return session.scalar(_SMS_CONVERSATION, {"phone_hash": phone_hash})
    return conversation


def new_pseudonym() -> str:
    """The only name Rasa knows a conversation by: random, so it says nothing about the family."""
    return uuid.uuid4().hex


def store_inbound(
    session: Session, conversation: Conversation, body: str, provider_sid: str | None = None
) -> Message | None:
    """Store a family's message; None when this provider id was stored before (a retry)."""
    message = Message(
        conversation_id=conversation.id,  # the conversation is flushed already
        direction=Message.IN,
        author=Message.FAMILY,
        provider_sid=provider_sid,
        body=body,
        segments=segments.count_segments(body),
        status=Message.RECEIVED,
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return None
    conversation.last_activity_at = utcnow()
    return message


# Web chat has no per-segment cost: its replies are not paged.
WEB_BUDGET = 100


def stage_replies(
    session: Session,
    conversation: Conversation,
    texts: list[str],
    budget: int,
    reply_to: Message | None = None,
    author: str = Message.BOT,
) -> list[Message]:
    """Queue texts in as few SMS segments as fit the budget; keep the rest for MORE."""
    if conversation.channel == Conversation.WEB:
        budget = WEB_BUDGET
    composed = segments.compose(texts, budget, text("more", conversation.language))
    conversation.more_text = composed.overflow
    return [_outbound(session, conversation, body, author, reply_to) for body in composed.messages]


def stage_notice(
    session: Session,
    conversation: Conversation,
    key: str,
    kind: str = Message.REPLY,
    reply_to: Message | None = None,
    priority: int = Message.NORMAL,
    **values: object,
) -> Message:
    """Queue one of the app's own fixed texts, in the conversation's language."""
    body = text(key, conversation.language, **values)
    return _outbound(session, conversation, body, Message.SYSTEM, reply_to, kind, priority)


def _outbound(
    session, conversation, body, author, reply_to, kind=Message.REPLY, priority=Message.NORMAL
) -> Message:
    message = Message(
        conversation=conversation,
        direction=Message.OUT,
        author=author,
        kind=kind,
        priority=priority,
        reply_to_id=reply_to.id if reply_to else None,
        body=body,
        segments=segments.count_segments(body),
        status=Message.QUEUED,
    )
    session.add(message)
    return message
