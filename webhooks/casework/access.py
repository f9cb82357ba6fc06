"""Which region's cases and places a worker may see, and the audit trail of what staff did.

Used by the staff pages and by workers answering from their own phones alike."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, false, select, true
from sqlalchemy.orm import Session as OrmSession

from webhooks.casework import routing
from webhooks.core.models import AuditEvent, Case, Message, Region, Worker

WORKER, SUPERVISOR, ADMIN = Worker.ROLES


class Person(Protocol):
    """A worker, or the signed-in staff member standing for one."""

    role: str
    region_id: int | None


def region_scope(person: Person, column: Any) -> ColumnElement[bool]:
    """The condition on a region id column that keeps `person` inside their area."""
    if person.role == ADMIN:
        return true()
    if person.region_id is None:
        return false()
    if person.role == SUPERVISOR:
        return column.in_(routing.subtree_ids(person.region_id))
    return column == person.region_id


def case_scope(person: Person) -> ColumnElement[bool]:
    return region_scope(person, Case.region_id)


def visible_cases(person: Person) -> Select:
    return select(Case).where(case_scope(person))


@dataclass(frozen=True)
class Sealed:
    """What of a family's history one person may not read from one case's page: the events
    of the family's cases outside their area, and the family's messages while a later case
    outside their area was open (the family had moved; that area's workers answer them)."""

    case_ids: frozenset[int]
    windows: tuple[tuple[datetime, datetime | None], ...]

    def hides_message(self, message: Message) -> bool:
        return any(
            start <= message.created_at and (end is None or message.created_at <= end)
            for start, end in self.windows
        )


def sealed(session: OrmSession, person: Person, case: Case) -> Sealed:
    """For the person reading `case`'s page: what of the conversation stays sealed."""
    cases = session.scalars(select(Case).where(Case.conversation_id == case.conversation_id))
    seen = set(
        session.scalars(
            visible_cases(person)
            .with_only_columns(Case.id)
            .where(Case.conversation_id == case.conversation_id)
        )
    )
    outside = [other for other in cases if other.id not in seen]
    return Sealed(
        frozenset(other.id for other in outside),
        tuple(
            (other.opened_at, other.resolved_at)
            for other in outside
            if other.opened_at > case.opened_at
        ),
    )


def find_case(session: OrmSession, person: Person, case_id: int) -> Case | None:
    """The case if it is in the person's area, else None; callers audit the miss."""
    return session.scalar(visible_cases(person).where(Case.id == case_id))


def placeable_regions(session: OrmSession, person: Person) -> list[Region]:
    """Where a worker may place a family: a village worker, any village of their township."""
    query = select(Region).order_by(Region.code)
    if person.role != ADMIN:
        if person.region_id is None:
            return []
        root = session.get(Region, person.region_id)
        if person.role == WORKER and root.parent_id is not None:
            root = root.parent
        query = query.where(Region.id.in_(routing.subtree_ids(root.id)))
    return list(session.scalars(query))


def audit(
    session: OrmSession,
    worker_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    **detail: Any,
) -> None:
    session.add(
        AuditEvent(
            worker_id=worker_id,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            detail=detail,
        )
    )
