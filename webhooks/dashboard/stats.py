"""The dashboard's figures for one area and period: messages, cases, response times, questions,
referrals and their outcomes, per day and per region below the one chosen.

Rows are read once (timestamps, region ids) and counted in Python, so the same code serves
SQLite and PostgreSQL; an area's month is thousands of rows, not millions.
"""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from actions.eligibility import programme_ids
from webhooks import auth
from webhooks.auth import Staff
from webhooks.casework import access, routing
from webhooks.casework.referrals import programme_name, programme_names
from webhooks.core.models import (
    Call,
    Case,
    Conversation,
    FamilyContact,
    Message,
    Referral,
    Region,
)

PERIODS = (7, 30, 90)
REACHED_AID = Referral.APPROVED


@dataclass
class Figures:
    """Counts for one region (or the whole area)."""

    messages_in: int = 0
    messages_out: int = 0
    cases_opened: int = 0
    cases_resolved: int = 0
    first_response_minutes: list[float] = field(default_factory=list)
    referrals: int = 0
    approved: int = 0
    # The voice line: calls, their minutes, callers put through to a worker, voicemails left.
    calls: int = 0
    call_seconds: int = 0
    put_through: int = 0
    voicemails: int = 0

    @property
    def call_minutes(self) -> int:
        return round(self.call_seconds / 60)

    @property
    def median_first_response(self) -> float | None:
        if not self.first_response_minutes:
            return None
        return round(statistics.median(self.first_response_minutes), 1)


@dataclass
class Dashboard:
    area: Region | None  # None: everything the person may see
    days: list[date]
    total: Figures
    per_day: dict[date, Figures]
    per_region: list[tuple[Region, Figures]]
    per_region_day: dict[tuple[int, date], Figures]
    reasons: list[tuple[str, int]]
    programmes_asked: list[tuple[str, int]]
    referrals: list[dict[str, Any]]
    families_reached_aid: int


def areas(session: Session, staff: Staff) -> list[Region]:
    """The regions the person may look at: their own and everything below it."""
    return list(
        session.scalars(
            select(Region).where(access.region_scope(staff, Region.id)).order_by(Region.code)
        )
    )


def collect(
    session: Session, staff: Staff, area: Region | None, days: int, zone: ZoneInfo, now: datetime
) -> Dashboard:
    today = now.astimezone(zone).date()
    day_list = [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]
    start = datetime.combine(day_list[0], time(), zone)

    def where(column) -> ColumnElement[bool]:
        # The area was checked against the person's own (views._choice) before it got here.
        return (
            column.in_(routing.subtree_ids(area.id)) if area else access.region_scope(staff, column)
        )

    children = _children(session, staff, area)
    bucket = _bucketer(session, children)
    total = Figures()
    per_day: dict[date, Figures] = defaultdict(Figures)
    per_region: dict[int, Figures] = defaultdict(Figures)
    per_region_day: dict[tuple[int, date], Figures] = defaultdict(Figures)

    def each(region_id: int | None, at: datetime):
        day = at.astimezone(zone).date()
        targets = [total, per_day[day]]
        child = bucket(region_id)
        if child is not None:
            targets += [per_region[child], per_region_day[child, day]]
        return targets

    messages = session.execute(
        select(
            Message.created_at,
            Message.direction,
            Message.author,
            Message.body,
            FamilyContact.region_id,
        )
        .join(Conversation, Message.conversation_id == Conversation.id)
        .outerjoin(FamilyContact, Conversation.contact_id == FamilyContact.id)
        .where(Conversation.channel.in_((Conversation.SMS, Conversation.WEB)))
        .where(Message.created_at >= start)
        .where(where(FamilyContact.region_id))
    ).all()
    asked: Counter[str] = Counter()
    names = _programme_words()
    for at, direction, author, body, region_id in messages:
        for figures in each(region_id, at):
            if direction == Message.IN:
                figures.messages_in += 1
            else:
                figures.messages_out += 1
        if author == Message.FAMILY:
            lowered = body.casefold()
            asked.update(p for p, words in names.items() if any(w in lowered for w in words))

    calls = session.execute(
        select(
            Call.started_at, Call.seconds, Call.put_through, Call.voicemail, FamilyContact.region_id
        )
        .join(Conversation, Call.conversation_id == Conversation.id)
        .outerjoin(FamilyContact, Conversation.contact_id == FamilyContact.id)
        .where(Call.started_at >= start)
        .where(where(FamilyContact.region_id))
    ).all()
    for at, seconds, put_through, voicemail, region_id in calls:
        for figures in each(region_id, at):
            figures.calls += 1
            figures.call_seconds += seconds or 0
            figures.put_through += put_through
            figures.voicemails += voicemail

    reasons: Counter[str] = Counter()
    cases = session.scalars(
        select(Case)
        .where(where(Case.region_id))
        .where((Case.opened_at >= start) | (Case.resolved_at >= start))
    ).all()
    for case in cases:
        if case.opened_at >= start:
            reasons[case.reason] += 1
            asked.update(case.programmes)
            for figures in each(case.region_id, case.opened_at):
                figures.cases_opened += 1
                if case.first_reply_at is not None:
                    minutes = (case.first_reply_at - case.opened_at).total_seconds() / 60
                    figures.first_response_minutes.append(minutes)
        if case.resolved_at is not None and case.resolved_at >= start:
            for figures in each(case.region_id, case.resolved_at):
                figures.cases_resolved += 1

    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    reached: set[int] = set()
    referral_rows = session.execute(
        select(
            Referral.programme,
            Referral.status,
            Referral.referred_at,
            Case.region_id,
            Case.conversation_id,
        )
        .join(Case, Referral.case_id == Case.id)
        .where(where(Case.region_id))
        .where(Referral.referred_at >= start)
    ).all()
    for programme, status, at, region_id, conversation_id in referral_rows:
        outcomes[programme][status] += 1
        for figures in each(region_id, at):
            figures.referrals += 1
            figures.approved += status == REACHED_AID
        if status == REACHED_AID:
            reached.add(conversation_id)

    return Dashboard(
        area=area,
        days=day_list,
        total=total,
        per_day={day: per_day[day] for day in day_list},
        per_region=[(region, per_region[region.id]) for region in children],
        per_region_day=dict(per_region_day),
        reasons=reasons.most_common(10),
        programmes_asked=[(programme_names(p), n) for p, n in asked.most_common(10)],
        referrals=[
            {
                "programme": programme_names(p),
                "total": sum(counts.values()),
                **{status: counts[status] for status in Referral.STATUSES},
            }
            for p, counts in sorted(outcomes.items(), key=lambda kv: -sum(kv[1].values()))
        ],
        families_reached_aid=len(reached),
    )


def _children(session: Session, staff: Staff, area: Region | None) -> list[Region]:
    """The regions one level below the area (or the person's own), each a row of the table."""
    parent_id = area.id if area else staff.region_id if staff.role != auth.ADMIN else None
    return list(
        session.scalars(
            select(Region)
            .where(
                Region.parent_id.is_(parent_id)
                if parent_id is None
                else Region.parent_id == parent_id
            )
            .order_by(Region.code)
        )
    )


def _bucketer(session: Session, children: list[Region]):
    """region id -> the child region it falls under (or None), remembered as it goes."""
    heads = {region.id for region in children}
    known: dict[int | None, int | None] = {None: None}

    def bucket(region_id: int | None) -> int | None:
        if region_id not in known:
            lineage = routing.lineage(session, region_id)
            known[region_id] = next((r.id for r in lineage if r.id in heads), None)
        return known[region_id]

    return bucket


def _programme_words() -> dict[str, list[str]]:
    return {
        p: [programme_name(p, "zh").casefold(), programme_name(p, "en").casefold()]
        for p in programme_ids
    }
