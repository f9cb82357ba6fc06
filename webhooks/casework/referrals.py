"""Referrals to aid programmes, what became of them, and the follow-up SMS that asks the family.
What a referral changes on its case (its history, the FOLLOW_UP status) the case module does.

FOLLOW_UP_DAYS after a referral, a family whose case is resolved is asked whether they applied;
the case waits in FOLLOW_UP (human mode) for the answer: "yes" records the application, "no"
or a question reopens the case for the worker (cases.family_wrote reads the answer).
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.eligibility import programme_ids, programme_info
from webhooks.casework import cases
from webhooks.core.config import Settings
from webhooks.core.conversations import stage_replies
from webhooks.core.db import utcnow
from webhooks.core.models import Case, CaseEvent, FamilyContact, Message, Referral
from webhooks.core.queue import SEND, after_commit
from webhooks.core.texts import text

log = logging.getLogger(__name__)

# The follow-up names at most this many programmes, so it stays one or two SMS segments.
NAMED_IN_FOLLOW_UP = 3
FOLLOW_UP_SEGMENTS = 3


def programme_name(programme: str, language: str) -> str:
    try:
        return programme_info(programme, language).name
    except KeyError:
        return programme


def programme_names(programme: str) -> str:
    """ "中文名 English name", as the staff pages show a programme."""
    return f"{programme_name(programme, 'zh')} {programme_name(programme, 'en')}"


def programme_choices() -> list[tuple[str, str]]:
    """(id, "中文名 English name") for every programme the eligibility engine knows."""
    return [(p, programme_names(p)) for p in programme_ids]


def refer(session: Session, case: Case, programme: str, worker_id: int | None) -> Referral:
    if programme not in programme_ids:
        raise ValueError(f"unknown programme {programme!r}")
    referral = Referral(case=case, programme=programme, referred_by_id=worker_id)
    session.add(referral)
    session.flush()
    cases.record_event(
        session, case, CaseEvent.REFERRED, worker_id, programme=programme, referral=referral.id
    )
    return referral


def record_outcome(session: Session, referral: Referral, status: str, worker_id: int) -> None:
    if status not in Referral.STATUSES:
        raise ValueError(f"unknown referral status {status!r}")
    referral.status, referral.outcome_at = status, utcnow()
    cases.record_event(
        session,
        referral.case,
        CaseEvent.OUTCOME,
        worker_id,
        programme=referral.programme,
        status=status,
        referral=referral.id,
    )


def send_follow_ups(session: Session, settings: Settings, now: datetime) -> list[int]:
    """Ask the families of resolved cases with referrals old enough whether they applied."""
    cut = now - timedelta(days=settings.FOLLOW_UP_DAYS)
    due_cases = select(Referral.case_id).where(
        Referral.status == Referral.REFERRED,
        Referral.follow_up_sent_at.is_(None),
        Referral.referred_at <= cut,
    )
    found = session.scalars(
        select(Case).where(Case.id.in_(due_cases), Case.status == Case.RESOLVED).order_by(Case.id)
    ).all()
    asked = []
    for case in found:
        conversation = case.conversation
        due = [
            r
            for r in case.referrals
            if r.status == Referral.REFERRED
            and r.follow_up_sent_at is None
            and r.referred_at <= cut
        ]
        for referral in due:
            referral.follow_up_sent_at = now
        active = cases.active_case_of(session, conversation)
        if active is not None or _unreachable(conversation.contact):
            continue  # another case is active, or nobody to ask: the referral is not asked about
        names = [programme_name(r.programme, conversation.language) for r in due]
        separator = "、" if conversation.language == "zh" else ", "
        body = text(
            "follow_up_question",
            conversation.language,
            programmes=separator.join(names[:NAMED_IN_FOLLOW_UP]),
        )
        stage_replies(session, conversation, [body], FOLLOW_UP_SEGMENTS, author=Message.SYSTEM)
        cases.follow_up_asked(session, case, [r.programme for r in due], now)
        after_commit(session, SEND, conversation.id)
        asked.append(case.id)
    if asked:
        log.info("follow-up asked on %d cases", len(asked))
    return asked


def expire_follow_ups(session: Session, settings: Settings, now: datetime) -> list[int]:
    """Families who never answered go back to the bot; their referrals stay as they were."""
    cut = now - timedelta(days=settings.FOLLOW_UP_ANSWER_DAYS)
    found = session.scalars(
        select(Case).where(Case.status == Case.FOLLOW_UP, Case.follow_up_asked_at <= cut)
    ).all()
    for case in found:
        cases.follow_up_unanswered(session, case)
    return [case.id for case in found]


def _unreachable(contact: FamilyContact | None) -> bool:
    return contact is not None and (contact.opted_out or contact.erased_at is not None)
