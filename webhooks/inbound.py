"""What happens to a family's message once stored: keywords, opt-out, a worker, or the bot."""

from sqlalchemy.orm import Session

from webhooks import tasks
from webhooks.conversations import stage_notice, stage_replies
from webhooks.db import utcnow
from webhooks.language import detect
from webhooks.models import Conversation, Message
from webhooks.queue import after_commit
from webhooks.services import Services
from webhooks.sms.keywords import Keyword, classify


def route(session: Session, services: Services, message: Message, has_media: bool = False) -> None:
    """Decide, within the webhook's transaction, who answers this message."""
    conversation = message.conversation
    contact = conversation.contact
    conversation.language = detect(message.body) or conversation.language
    keyword = classify(message.body)

    if keyword is Keyword.STOP and contact is not None:
        if contact.opted_out:
            message.status = Message.HANDLED  # one confirmation only
            return
        contact.opted_out, contact.opted_out_at = True, utcnow()
        _answer(session, conversation, message, "opted_out", Message.OPT_OUT_CONFIRMATION)
    elif keyword is Keyword.START and contact is not None:
        contact.opted_out, contact.opted_out_at = False, None
        _answer(session, conversation, message, "opted_in")
    elif contact is not None and contact.opted_out:
        message.status = Message.HANDLED  # kept for the record; nothing goes back
    elif has_media and not message.body:
        _answer(session, conversation, message, "media_not_supported")  # pictures are not fetched
    elif keyword is Keyword.HELP:
        _answer(session, conversation, message, "help")
    elif keyword is Keyword.MORE:
        _page(session, services, conversation, message)
    elif not message.body.strip():
        _answer(session, conversation, message, "empty_message")
    elif conversation.mode == Conversation.HUMAN:
        message.status = Message.HANDLED  # the worker reads it in the inbox
    else:
        after_commit(session, tasks.run_turns, conversation.id)


def _answer(session, conversation, message, key, kind=Message.REPLY) -> None:
    stage_notice(session, conversation, key, kind=kind, reply_to=message)
    message.status = Message.HANDLED
    after_commit(session, tasks.send_outbound, conversation.id)


def _page(session, services, conversation, message) -> None:
    """MORE: the next part of what the bot wanted to say."""
    if not conversation.more_text:
        _answer(session, conversation, message, "nothing_more")
        return
    budget = services.settings.TURN_SEGMENT_BUDGET
    stage_replies(session, conversation, [conversation.more_text], budget, reply_to=message)
    message.status = Message.HANDLED
    after_commit(session, tasks.send_outbound, conversation.id)
