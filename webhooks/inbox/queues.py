"""The inbox's queues, each a query over the cases the signed-in worker may see."""

from sqlalchemy import Select, and_, case, func, not_, or_, select
from sqlalchemy.orm import Session, selectinload

from webhooks.auth import Staff
from webhooks.casework.access import visible_cases
from webhooks.core.models import Case, Conversation, FamilyContact, Message

URGENT, UNASSIGNED, MINE, WAITING = "urgent", "unassigned", "mine", "waiting"
UNPLACED = "unplaced"
QUEUES = {
    URGENT: "紧急 Urgent",
    UNASSIGNED: "本区未认领 Unassigned in my area",
    MINE: "我的 Mine",
    WAITING: "等家庭回复 Waiting on family",
    # Families nobody has placed yet (they did not say where they live): their cases go to
    # the root region, whose supervisors place them from the case page.
    UNPLACED: "未定位 Unplaced",
}
LIST_LIMIT = 200  # cases a page shows; the rest are on the next pages


def _last_id(author: str):
    return (
        select(func.max(Message.id))
        .where(Message.conversation_id == Case.conversation_id, Message.author == author)
        .correlate(Case)
        .scalar_subquery()
    )


def waiting_on_family():
    """A worker spoke last: the family has not answered since."""
    last_worker, last_family = _last_id(Message.WORKER), _last_id(Message.FAMILY)
    return and_(last_worker.is_not(None), or_(last_family.is_(None), last_worker > last_family))


def _unplaced_conversations() -> Select:
    return (
        select(Conversation.id)
        .outerjoin(Conversation.contact)
        .where(
            or_(
                and_(Conversation.contact_id.is_(None), Conversation.region_id.is_(None)),
                and_(Conversation.contact_id.is_not(None), FamilyContact.region_id.is_(None)),
            )
        )
    )


def queue(staff: Staff, name: str) -> Select:
    open_cases = visible_cases(staff).where(Case.status == Case.OPEN)
    if name == URGENT:
        query = open_cases.where(Case.priority == Case.URGENT)
    elif name == UNASSIGNED:
        query = open_cases.where(Case.assignee_id.is_(None))
    elif name == MINE:
        query = open_cases.where(Case.assignee_id == staff.id, not_(waiting_on_family()))
    elif name == UNPLACED:
        query = open_cases.where(Case.conversation_id.in_(_unplaced_conversations()))
    elif name == WAITING:
        query = (
            visible_cases(staff)
            .where(Case.assignee_id == staff.id)
            .where(
                or_(
                    Case.status == Case.FOLLOW_UP,
                    and_(Case.status == Case.OPEN, waiting_on_family()),
                )
            )
        )
    else:
        raise KeyError(name)
    if name == URGENT:
        # Newest first: a flood of old reports never hides the child who wrote a minute ago.
        return query.order_by(Case.opened_at.desc(), Case.id.desc())
    urgent_first = case((Case.priority == Case.URGENT, 0), else_=1)
    return query.order_by(urgent_first, Case.opened_at, Case.id)


def cases_in(session: Session, staff: Staff, name: str, page: int = 1) -> list[Case]:
    """One page of the queue (the first is page 1)."""
    query = queue(staff, name).options(selectinload(Case.region), selectinload(Case.assignee))
    return list(session.scalars(query.limit(LIST_LIMIT).offset((page - 1) * LIST_LIMIT)))


def pages(count: int) -> int:
    return max(1, -(-count // LIST_LIMIT))


def counts(session: Session, staff: Staff) -> dict[str, int]:
    return {
        name: session.scalar(select(func.count()).select_from(queue(staff, name).subquery()))
        for name in QUEUES
    }
