"""The nine programmes' rules: national logic written once, with parameters from data files.

A rule lists branches in order: a decision, the reason code of its text, and the condition under
which it holds. The engine takes the first branch that holds; when an earlier branch is still
unknown, the family is asked for what it needs. The branches of a rule cover every case.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from . import data
from .facts import fact_spec
from .logic import Term, lift
from .model import Amount, Decision, Household
from .regions import Parameter, parameter

GONE = frozenset({"deceased", "missing"})
UNABLE = frozenset({
    "severe_disability", "serious_illness", "imprisoned", "drug_rehab",
    "lost_contact", "guardianship_revoked", "deported",
})  # fmt: skip


@dataclass(frozen=True)
class Branch:
    decision: Decision
    code: str  # the reason text's key in the programme file
    when: Term
    amount: Amount | None = None
    values: Mapping[str, Term] = field(default_factory=dict)  # figures the reason text quotes

    @property
    def holds(self) -> Term:
        """The condition, once the figures its reason quotes are known: a reason never says None."""
        condition = self.when
        for value in self.values.values():
            condition = condition & value.settled()
        return condition


def eligible(code: str, when: Term, amount: Amount | None = None, **values: Any) -> Branch:
    return Branch(Decision.ELIGIBLE, code, when, amount, _terms(values))


def alternative(code: str, when: Term, **values: Any) -> Branch:
    return Branch(Decision.ALTERNATIVE, code, when, None, _terms(values))


def maybe(code: str, when: Term, amount: Amount | None = None, **values: Any) -> Branch:
    return Branch(Decision.MAYBE, code, when, amount, _terms(values))


def not_eligible(code: str, when: Term, **values: Any) -> Branch:
    return Branch(Decision.NOT_ELIGIBLE, code, when, None, _terms(values))


def _terms(values: Mapping[str, Any]) -> dict[str, Term]:
    return {name: lift(value) for name, value in values.items()}


class Context:
    """What a rule reads: the household's facts, its region's parameters, its programme's logic."""

    def __init__(self, household: Household, programme_id: str) -> None:
        self.household = household
        self.programme_id = programme_id
        self.parameters: dict[str, Parameter] = {}  # those read, for the trace

    def fact(self, path: str) -> Term:
        spec = fact_spec(path)
        domain = spec.values or None
        if path in self.household.facts:
            return Term.fact(path, self.household.facts[path], domain)
        if spec.default is not None:
            return Term.fact(path, spec.default, domain)
        return Term.missing(path, domain)

    def param(self, name: str) -> Any:
        used = parameter(self.household.region, name, self.household.date)
        self.parameters[name] = used
        return used.value

    def logic(self, name: str, programme_id: str | None = None) -> Any:
        return data.programmes()[programme_id or self.programme_id]["logic"][name]


# --- facts several programmes share ---------------------------------------------------------


def both_parents_gone(c: Context) -> Term:
    return c.fact("father.status").isin(GONE) & c.fact("mother.status").isin(GONE)


def no_parent_can_raise(c: Context) -> Term:
    return c.fact("father.status").isin(GONE | UNABLE) & c.fact("mother.status").isin(GONE | UNABLE)


def is_orphan(c: Context) -> Term:
    return (c.fact("child.age") < c.logic("under_age", "orphan_allowance")) & both_parents_gone(c)


def is_unsupported(c: Context) -> Term:
    under_age = c.fact("child.age") < c.logic("under_age", "unsupported_child_allowance")
    return under_age & no_parent_can_raise(c) & ~both_parents_gone(c)


def dibao_line(c: Context) -> Term:
    return c.fact("household.hukou").map(lambda hukou: c.param(f"dibao.line.{hukou}"))


def has_disability(c: Context) -> Term:
    return c.fact("child.disability").ne("none")


def monthly(yuan: Any, basis: str = "child") -> Amount | None:
    return None if yuan is None else Amount(whole_yuan(yuan), "month", basis)


def whole_yuan(yuan: Any) -> int:
    return int(Decimal(yuan).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- the programmes --------------------------------------------------------------------------


def orphan_allowance(c: Context) -> list[Branch]:
    under_age = c.fact("child.age") < c.logic("under_age")
    amount = monthly(c.param("orphan_allowance.community"))
    return [
        eligible("parents_gone", under_age & both_parents_gone(c), amount),
        # Children living with HIV get the same allowance (2012): the family tells, we never ask.
        eligible("hiv", under_age & c.fact("child.hiv"), amount),
        not_eligible("too_old", ~under_age),
        not_eligible("parent_alive", ~both_parents_gone(c)),
    ]


def unsupported_child_allowance(c: Context) -> list[Branch]:
    under_age = c.fact("child.age") < c.logic("under_age")
    amount = monthly(c.param("unsupported_child_allowance.amount"))
    return [
        eligible("parents_unable", is_unsupported(c), amount),
        not_eligible("too_old", ~under_age),
        not_eligible("orphan", both_parents_gone(c)),
        not_eligible("parent_can_care", ~no_parent_can_raise(c)),
    ]


def dibao(c: Context) -> list[Branch]:
    income = c.fact("household.monthly_income_per_capita")
    line = dibao_line(c)
    below_line = income < line
    assets_ok = c.fact("household.assets_within_limit")
    vulnerable_child = c.fact("child.serious_illness") | has_disability(c)
    near_poor = c.fact("household.near_poor")
    single_person_line = line * c.param("dibao.single_person_factor")
    figures = {"income": income, "line": line}
    return [
        maybe("no_line", line.is_none()),
        eligible("below_line", below_line & assets_ok, dibao_payment(c, income, line), **figures),
        # A sick or disabled child of a near-poor family may be enrolled alone: decided locally.
        maybe("single_person", vulnerable_child & near_poor & (income < single_person_line)),
        not_eligible("assets", below_line & ~assets_ok),
        not_eligible("above_line", ~below_line, **figures),
    ]


def dibao_payment(c: Context, income: Term, line: Term) -> Amount | None:
    """The line minus income, for the whole household when its size is known."""
    if income.get() is None or line.get() is None or income.get() >= line.get():
        return None
    gap = line.get() - income.get()
    size = c.fact("household.size").get()
    return monthly(gap, "person") if size is None else monthly(gap * size, "household")


def extreme_poverty_support(c: Context) -> list[Branch]:
    under_age = c.fact("child.age") < c.logic("under_age")
    income = c.fact("household.monthly_income_per_capita")
    line = dibao_line(c)
    candidate = under_age & no_parent_can_raise(c)
    no_income = income < line
    # A child under 16 whom no parent can raise is always an orphan or unsupported as well,
    # so when eligible the family always chooses between two allowances.
    return [
        maybe("no_line", candidate & line.is_none()),
        alternative("orphan", candidate & no_income & both_parents_gone(c)),
        alternative("unsupported", candidate & no_income & ~both_parents_gone(c)),
        not_eligible("too_old", ~under_age),
        not_eligible("parent_can_care", ~no_parent_can_raise(c)),
        not_eligible("income", ~no_income, income=income, line=line),
    ]


def medical_assistance(c: Context) -> list[Branch]:
    groups = {
        "dibao": c.fact("household.receives_dibao"),
        "extreme_poverty": c.fact("household.extreme_poverty"),
        "orphan": is_orphan(c),
        "near_poor": c.fact("household.near_poor"),
        "registered_poor": c.fact("household.registered_poor"),
    }
    in_no_group = ~_any(groups.values())
    ill = c.fact("child.serious_illness")
    return [
        *(eligible(code, member) for code, member in groups.items()),
        # Families made poor by illness are recognised locally.
        maybe("serious_illness", in_no_group & ill),
        not_eligible("none", in_no_group & ~ill),
    ]


def disability_rehab(c: Context) -> list[Branch]:
    age = c.fact("child.age")
    max_age = c.param("disability_rehab.max_age")
    upper_age = c.logic("upper_age")
    disabled = has_disability(c)
    return [
        eligible("young", disabled & (age <= max_age) & (age < upper_age), max_age=max_age),
        maybe("older", disabled & (age < upper_age), max_age=max_age),
        not_eligible("no_disability", ~disabled),
        not_eligible("too_old", age >= upper_age),
    ]


def education_aid(c: Context) -> list[Branch]:
    school = c.fact("child.school")
    in_compulsory = school.isin(c.logic("schools"))
    groups = {
        "dibao": c.fact("household.receives_dibao"),
        "extreme_poverty": c.fact("household.extreme_poverty"),
        "registered_poor": c.fact("household.registered_poor"),
        "disabled_near_poor": has_disability(c) & c.fact("household.near_poor"),
    }
    amount = living_subsidy(c, school, c.fact("child.boarding"))
    return [
        *(eligible(code, in_compulsory & member, amount) for code, member in groups.items()),
        not_eligible("not_compulsory", ~in_compulsory),
        not_eligible("not_low_income", ~_any(groups.values())),
    ]


def living_subsidy(c: Context, school: Term, boarding: Term) -> Amount | None:
    """The yearly subsidy for the child's school level, boarding or not, when both are known."""
    if school.get() not in c.logic("schools") or boarding.get() is None:
        return None
    kind = "boarding" if boarding.get() else "day"
    yuan = c.param(f"education_aid.living_subsidy.{kind}.{school.get()}")
    return None if yuan is None else Amount(whole_yuan(yuan), "year")


def school_meals(c: Context) -> list[Branch]:
    rural = c.fact("household.hukou").eq("rural")
    in_compulsory = c.fact("child.school").isin(c.logic("schools"))
    per_day = c.param("school_meals.yuan_per_day")
    amount = None if per_day is None else Amount(whole_yuan(per_day), "school_day")
    # The programme runs in listed counties; a region file says when it is one.
    listed = c.param("school_meals.listed_county") is True
    return [
        eligible("listed", rural & in_compulsory & listed, amount),
        maybe("ask_school", rural & in_compulsory, amount),
        not_eligible("urban", ~rural),
        not_eligible("not_compulsory", ~in_compulsory),
    ]


def temporary_assistance(c: Context) -> list[Branch]:
    hardship = c.fact("household.sudden_hardship")
    return [
        # Emergency help can come first and checks after.
        eligible("sudden_hardship", hardship),
        not_eligible("no_hardship", ~hardship),
    ]


def _any(terms: Any) -> Term:
    result = Term.of(False)
    for term in terms:
        result = result | term
    return result


RULES: dict[str, Callable[[Context], list[Branch]]] = {
    "orphan_allowance": orphan_allowance,
    "unsupported_child_allowance": unsupported_child_allowance,
    "dibao": dibao,
    "extreme_poverty_support": extreme_poverty_support,
    "medical_assistance": medical_assistance,
    "disability_rehab": disability_rehab,
    "education_aid": education_aid,
    "school_meals": school_meals,
    "temporary_assistance": temporary_assistance,
}
