"""Cases: a conversation handed to a child-welfare worker, and handed back."""

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webhooks.models import Case, Conversation

log = logging.getLogger(__name__)


def open_case(
    session: Session,
    conversation: Conversation,
    reason: str,
    priority: str = Case.NORMAL,
    summary: str = "",
    facts: dict[str, Any] | None = None,
    programmes: list[str] | None = None,
) -> Case:
    """Open a case, or raise the open one's priority; the bot goes quiet either way."""
    case = open_case_of(session, conversation)
    if case is None:
        case = Case(
            conversation=conversation,
            reason=reason,
            priority=priority,
            summary=summary,
            facts=facts or {},
            programmes=programmes or [],
            region_id=conversation.contact.region_id if conversation.contact else None,
        )
        session.add(case)
    elif priority == Case.URGENT and case.priority != Case.URGENT:
        case.priority = Case.URGENT
    conversation.mode = Conversation.HUMAN
    session.flush()
    log.info("case %s open (%s, %s)", case.id, case.reason, case.priority)
    return case


def open_from_handoff(session: Session, conversation: Conversation, handoff: dict) -> Case:
    """The bot's handoff payload, checked: only known priorities, facts as a dict."""
    priority = Case.URGENT if handoff.get("priority") == Case.URGENT else Case.NORMAL
    facts = handoff.get("facts") if isinstance(handoff.get("facts"), dict) else {}
    programmes = [p for p in handoff.get("programmes") or [] if isinstance(p, str)]
    return open_case(
        session,
        conversation,
        reason=str(handoff.get("reason") or "requested")[:32],
        priority=priority,
        summary=str(handoff.get("summary") or ""),
        facts=facts,
        programmes=programmes,
    )


def open_case_of(session: Session, conversation: Conversation) -> Case | None:
    return session.scalar(
        select(Case).where(Case.conversation_id == conversation.id, Case.status == Case.OPEN)
    )
