"""The region hierarchy (province > county > township > village) and who a case goes to.

A worker answers for their own region; a supervisor for their region and everything below it.
A new case goes to the workers of the family's region, else to the nearest supervisors above;
an urgent case also alerts the township's supervisors; an overdue one, the supervisors above
whoever has it.
"""

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from webhooks.core.models import Region, Worker

WORKER, SUPERVISOR, ADMIN = Worker.ROLES
# Deeper than any real hierarchy: a loop in the parent links cannot hang a request.
MAX_DEPTH = 16


def subtree_ids(region_id: int) -> Select:
    """The ids of a region and every region below it, as a subquery."""
    tree = select(Region.id).where(Region.id == region_id).cte("subtree", recursive=True)
    child = aliased(Region)
    tree = tree.union_all(select(child.id).where(child.parent_id == tree.c.id))
    return select(tree.c.id)


def lineage(session: Session, region_id: int | None) -> list[Region]:
    """The region, its parent and so on up to the top."""
    regions: list[Region] = []
    while region_id is not None and len(regions) < MAX_DEPTH:
        region = session.get(Region, region_id)
        if region is None:
            break
        regions.append(region)
        region_id = region.parent_id
    return regions


def is_within(session: Session, region_id: int | None, ancestor_id: int) -> bool:
    return any(region.id == ancestor_id for region in lineage(session, region_id))


def region_by_code(session: Session, code: str) -> Region | None:
    return session.scalar(select(Region).where(Region.code == code))


def only_root(session: Session) -> Region | None:
    """The region at the top of the hierarchy, when there is exactly one."""
    roots = session.scalars(select(Region).where(Region.parent_id.is_(None)).limit(2)).all()
    return roots[0] if len(roots) == 1 else None


def _active(session: Session, region_id: int, roles: tuple[str, ...]) -> list[Worker]:
    return list(
        session.scalars(
            select(Worker)
            .where(Worker.region_id == region_id, Worker.role.in_(roles), Worker.active)
            .order_by(Worker.id)
        )
    )


def responders(session: Session, region_id: int | None) -> list[Worker]:
    """Who a new case in this region goes to: its own workers, else the nearest supervisors."""
    if region_id is None:
        return _admins(session)
    for depth, region in enumerate(lineage(session, region_id)):
        roles = (WORKER, SUPERVISOR) if depth == 0 else (SUPERVISOR,)
        found = _active(session, region.id, roles)
        if found:
            return found
    return _admins(session)


def township_supervisors(session: Session, region_id: int | None) -> list[Worker]:
    """The supervisors of the region's township (or the nearest ones above it, if it has none)."""
    regions = lineage(session, region_id)
    levels = [region.level for region in regions]
    start = levels.index("township") if "township" in levels else 0
    for region in regions[start:]:
        found = _active(session, region.id, (SUPERVISOR,))
        if found:
            return found
    return []


def supervisors_above(session: Session, region_id: int | None, besides: set[int]) -> list[Worker]:
    """The nearest supervisors of the region or above it, other than the workers in `besides`."""
    for region in lineage(session, region_id):
        found = [w for w in _active(session, region.id, (SUPERVISOR,)) if w.id not in besides]
        if found:
            return found
    return []


def can_answer(session: Session, worker: Worker, region_id: int | None) -> bool:
    """Whether a case in this region is within the worker's area (see access.case_scope)."""
    if not worker.active:
        return False
    if worker.role == ADMIN:
        return True
    if worker.region_id is None or region_id is None:
        return False
    if worker.role == SUPERVISOR:
        return is_within(session, region_id, worker.region_id)
    return region_id == worker.region_id


def colleagues_for(session: Session, region_id: int | None) -> list[Worker]:
    """Everyone a case in this region can be transferred to: its workers and supervisors above."""
    people = []
    for depth, region in enumerate(lineage(session, region_id)):
        roles = (WORKER, SUPERVISOR) if depth == 0 else (SUPERVISOR,)
        people.extend(_active(session, region.id, roles))
    return people


def _admins(session: Session) -> list[Worker]:
    return list(
        session.scalars(
            select(Worker).where(Worker.role == ADMIN, Worker.active).order_by(Worker.id)
        )
    )
