"""Referrals to aid programmes, what became of them, and the follow-up SMS that asks the family.

FOLLOW_UP_DAYS after a referral, a family whose case is resolved is asked whether they applied;
the case waits in FOLLOW_UP (human mode) for the answer: "yes" records the application, "no"
or a question reopens the case for the worker (cases.family_wrote reads the answer).
"""

import logging
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.eligibility import programme_ids, programme_info
from webhooks.core.config import Settings
from webhooks.core.conversations import stage_replies
from webhooks.core.db import utcnow
from webhooks.core.models import Case, CaseEvent, Conversation, FamilyContact, Message, Referral
from webhooks.core.queue import SEND, after_commit
from webhooks.core.texts import text

log = logging.getLogger(__name__)

YES, NO, OTHER = "yes", "no", "other"
# Whole answers to the follow-up question (after NFKC, case folding and trimming punctuation).
ANSWERS = {
    YES: {"1", "是", "是的", "对", "已申请", "申请了", "已经申请了", "办了", "yes", "y", "applied"},
    NO: {"2", "否", "没有", "还没有", "还没", "没", "没申请", "no", "n", "not yet"},
}
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
    session.add(
        CaseEvent(
            case_id=case.id,
            worker_id=worker_id,
            kind=CaseEvent.REFERRED,
            detail={"programme": programme, "referral": referral.id},
        )
    )
    return referral


def record_outcome(session: Session, referral: Referral, status: str, worker_id: int) -> None:
    if status not in Referral.STATUSES:
        raise ValueError(f"unknown referral status {status!r}")
    referral.status, referral.outcome_at = status, utcnow()
    session.add(
        CaseEvent(
            case_id=referral.case_id,
            worker_id=worker_id,
            kind=CaseEvent.OUTCOME,
            detail={"programme": referral.programme, "status": status, "referral": referral.id},
        )
    )


def read_answer(body: str, answers: dict[str, set[str]] = ANSWERS) -> str:
    """YES, NO or OTHER (a question, or anything else the worker should read)."""
    plain = unicodedata.normalize("NFKC", body).casefold().strip()
    plain = "".join(ch for ch in plain if not unicodedata.category(ch).startswith("P")).strip()
    for answer, words in answers.items():
        if plain in words:
            return answer
    return OTHER


def family_applied(session: Session, case: Case) -> None:
    """The family said they applied: every referral they were asked about moves on."""
    now = utcnow()
    for referral in case.referrals:
        if referral.status == Referral.REFERRED and referral.follow_up_sent_at is not None:
            referral.status, referral.outcome_at = Referral.APPLIED, now


def send_follow_ups(session: Session, settings: Settings, now: datetime) -> list[int]:
    """Ask the families of resolved cases with referrals old enough whether they applied."""
    cut = now - timedelta(days=settings.FOLLOW_UP_DAYS)
    due_cases = select(Referral.case_id).where(
        Referral.status == Referral.REFERRED,
        Referral.follow_up_sent_at.is_(None),
        Referral.referred_at <= cut,
    )
    cases = session.scalars(
        select(Case).where(Case.id.in_(due_cases), Case.status == Case.RESOLVED).order_by(Case.id)
    ).all()
    asked = []
    for case in cases:
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
        if conversation.mode != Conversation.BOT or _unreachable(conversation.contact):
            continue  # another case is active, or nobody to ask: the referral is not asked about
        names = [programme_name(r.programme, conversation.language) for r in due]
        separator = "、" if conversation.language == "zh" else ", "
        body = text(
            "follow_up_question",
            conversation.language,
            programmes=separator.join(names[:NAMED_IN_FOLLOW_UP]),
        )
        stage_replies(session, conversation, [body], FOLLOW_UP_SEGMENTS, author=Message.SYSTEM)
        case.status, case.follow_up_asked_at = Case.FOLLOW_UP, now
        conversation.mode = Conversation.HUMAN
        session.add(
            CaseEvent(
                case_id=case.id,
                kind=CaseEvent.FOLLOW_UP,
                detail={"programmes": [r.programme for r in due]},
            )
        )
        after_commit(session, SEND, conversation.id)
        asked.append(case.id)
    if asked:
        log.info("follow-up asked on %d cases", len(asked))
    return asked


def expire_follow_ups(session: Session, settings: Settings, now: datetime) -> list[int]:
    """Families who never answered go back to the bot; their referrals stay as they were."""
    cut = now - timedelta(days=settings.FOLLOW_UP_ANSWER_DAYS)
    cases = session.scalars(
        select(Case).where(Case.status == Case.FOLLOW_UP, Case.follow_up_asked_at <= cut)
    ).all()
    for case in cases:
        case.status = Case.RESOLVED
        case.conversation.mode = Conversation.BOT
        session.add(CaseEvent(case_id=case.id, kind=CaseEvent.ANSWERED, detail={"answer": None}))
    return [case.id for case in cases]


def _unreachable(contact: FamilyContact | None) -> bool:
    return contact is not None and (contact.opted_out or contact.erased_at is not None)
