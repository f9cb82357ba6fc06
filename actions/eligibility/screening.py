"""Screening: runs every programme's rule on a household and turns its branches into a decision."""

from __future__ import annotations

import copy
from typing import Any

from . import data
from .facts import fact_paths, fact_spec, read_household
from .model import Decision, Household, ProgrammeResult, Reason, Result
from .rules import RULES, Branch, Context

# Programmes a household says it is on already (never asked for this alone: the question about
# aid the family gets serves the other rules): the family is told so instead of "can apply".
RECEIVED_WHEN = {
    "dibao": "household.receives_dibao",
    "extreme_poverty_support": "household.extreme_poverty",
}


class RuleError(Exception):
    """A rule's branches did not cover a household: a bug in rules.py, not in the input."""


def screen(household: dict[str, Any]) -> Result:
    """Every programme's decision for the household, with reasons, missing facts and amounts."""
    facts = read_household(household)
    programmes, trace = [], []
    for programme_id in data.PROGRAMME_IDS:
        context = Context(facts, programme_id)
        branches = RULES[programme_id](context)
        result, considered = decide(programme_id, branches, facts)
        if result.decision is Decision.NEED_INFO and set(result.missing) <= facts.unknown:
            result = _ask_where_you_apply(result)
        if facts.facts.get(RECEIVED_WHEN.get(programme_id, "")) is True:
            result = _receiving(programme_id, RECEIVED_WHEN[programme_id])
        programmes.append(result)
        trace.append(_trace(context, result, considered))
    return Result(facts.region, facts.date, tuple(programmes), tuple(trace))


def decide(
    programme_id: str, branches: list[Branch], household: Household
) -> tuple[ProgrammeResult, list[Branch]]:
    """The first branch that holds decides, unless an earlier unknown one could decide otherwise.

    Returns the result and the branches looked at, for the trace.
    """
    unknown: list[Branch] = []
    for index, branch in enumerate(branches):
        holds = branch.holds
        if not holds.known:
            unknown.append(branch)
            continue
        if holds.value:
            considered = branches[: index + 1]
            rivals = [other for other in unknown if other.decision != branch.decision]
            if rivals:
                return _need_info(programme_id, rivals), considered
            return _decided(programme_id, branch, household), considered
    if not unknown:
        raise RuleError(f"{programme_id}: no branch holds for {dict(household.facts)}")
    return _need_info(programme_id, unknown), branches


def _decided(programme_id: str, branch: Branch, household: Household) -> ProgrammeResult:
    facts = {path: _value(household, path) for path in _in_order(branch.holds.facts)}
    values = {name: value.value for name, value in branch.values.items()}
    reason = Reason(programme_id, branch.code, facts, values)
    amount = None if branch.decision is Decision.NOT_ELIGIBLE else branch.amount
    return ProgrammeResult(programme_id, branch.decision, (reason,), (), amount)


def _need_info(programme_id: str, unknown: list[Branch]) -> ProgrammeResult:
    missing = _in_order(set().union(*(branch.holds.facts for branch in unknown)))
    reason = Reason(programme_id, "need_info", dict.fromkeys(missing), {})
    return ProgrammeResult(programme_id, Decision.NEED_INFO, (reason,), missing, None)


def _receiving(programme_id: str, path: str) -> ProgrammeResult:
    reason = Reason(programme_id, "receiving", {path: True}, {})
    return ProgrammeResult(programme_id, Decision.RECEIVING, (reason,), (), None)


def _ask_where_you_apply(result: ProgrammeResult) -> ProgrammeResult:
    """Only facts the family does not know would decide it: a "maybe" to ask about, not a "no"."""
    reason = Reason(result.id, "unknown", dict.fromkeys(result.missing), {})
    return ProgrammeResult(result.id, Decision.MAYBE, (reason,), (), None)


def _trace(context: Context, result: ProgrammeResult, considered: list[Branch]) -> dict[str, Any]:
    household = context.household
    return {
        "programme": result.id,
        "decision": str(result.decision),
        "rules": [
            {
                "rule": branch.code,
                "decision": str(branch.decision),
                "holds": branch.holds.get(),
                "facts": {path: _value(household, path) for path in _in_order(branch.holds.facts)},
            }
            for branch in considered
        ],
        "logic": copy.deepcopy(data.programmes()[result.id].get("logic", {})),
        "parameters": [
            {
                "name": used.name,
                "value": used.value,
                "region": used.region,
                "since": used.since,
                "source": used.source,
            }
            for used in context.parameters.values()
        ],
    }


def _value(household: Household, path: str) -> Any:
    return household.facts.get(path, fact_spec(path).default)


def _in_order(paths: Any) -> tuple[str, ...]:
    order = fact_paths()
    return tuple(sorted(paths, key=order.index))
