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

# "missing" is a parent a court has declared missing (宣告失踪); a parent who simply cannot be
# found is "lost_contact" (失联), which is one of the unsupported-child situations.
GONE = frozenset({"deceased", "missing"})
UNABLE = frozenset({
    "severe_disability", "serious_illness", "imprisoned", "drug_rehab",
    "lost_contact", "guardianship_revoked", "deported",
})  # fmt: skip
# The narrower list of 特困 (民发〔2021〕43号, art. 9): a parent bound to support the child counts
# as unable only when severely disabled or in prison (or gone). Serious illness, drug
# rehabilitation, lost contact, revoked guardianship and deportation are not on it.
UNABLE_FOR_EXTREME_POVERTY = frozenset({"severe_disability", "imprisoned"})


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
        return self.parameter(name).value

    def parameter(self, name: str) -> Parameter:
        used = parameter(self.household.region, name, self.household.date)
        self.parameters[name] = used
        return used

    def amount(self, name: str, per: str = "month") -> Amount | None:
        """A benefit set by a region parameter, with its date and whether it is a national floor."""
        used = self.parameter(name)
        if used.value is None:
            return None
        return Amount(whole_yuan(used.value), per, "child", used.since, used.floor)

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


def below_dibao_line(c: Context) -> Term:
    return c.fact("household.monthly_income_per_capita") < dibao_line(c)


def has_disability(c: Context) -> Term:
    return c.fact("child.disability").ne("none")


def monthly(yuan: Any, basis: str = "child", since: Any = None) -> Amount | None:
    return None if yuan is None else Amount(whole_yuan(yuan), "month", basis, since)


def whole_yuan(yuan: Any) -> int:
    return int(Decimal(yuan).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- the programmes --------------------------------------------------------------------------


def orphan_allowance(c: Context) -> list[Branch]:
    under_age = c.fact("child.age") < c.logic("under_age")
    amount = c.amount("orphan_allowance.community")
    return [
        eligible("parents_gone", under_age & both_parents_gone(c), amount),
        # Children living with HIV get the same allowance (2012): the family tells, we never ask.
        eligible("hiv", under_age & c.fact("child.hiv"), amount),
        not_eligible("too_old", ~under_age),
        not_eligible("parent_alive", ~both_parents_gone(c)),
    ]


def unsupported_child_allowance(c: Context) -> list[Branch]:
    under_age = c.fact("child.age") < c.logic("under_age")
    amount = c.amount("unsupported_child_allowance.amount")
    # A child on dibao or 特困 is commonly paid the allowance as a top-up to its standard (补差),
    # not on top: the family is never shown two amounts that add up.
    on_other_aid = (
        c.fact("household.receives_dibao")
        | c.fact("household.extreme_poverty")
        | (below_dibao_line(c) & c.fact("household.assets_within_limit"))
    )
    # Only what the family is told depends on it, never the decision: nothing is asked for it.
    if on_other_aid.get() is True:
        unsupported = eligible("top_up", is_unsupported(c))
    elif on_other_aid.get() is False:
        unsupported = eligible("parents_unable", is_unsupported(c), amount)
    else:
        unsupported = eligible("parents_unable_top_up", is_unsupported(c), amount)
    return [
        unsupported,
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
    since = c.parameters[f"dibao.line.{c.fact('household.hukou').get()}"].since
    size = c.fact("household.size").get()
    if size is None:
        return monthly(gap, "person", since)
    return monthly(gap * size, "household", since)


def extreme_poverty_support(c: Context) -> list[Branch]:
    """特困 for minors (民发〔2021〕43号): under 16 counts as unable to work; 16 and 17 are
    assessed locally (minors already supported keep it to 18); the parents must be gone or on
    the rule's narrower list; income below the dibao line and property within the limit."""
    age = c.fact("child.age")
    under_age = age < c.logic("under_age")
    minor = age < c.logic("minor_age")
    income = c.fact("household.monthly_income_per_capita")
    line = dibao_line(c)
    no_income = income < line
    assets_ok = c.fact("household.assets_within_limit")
    father, mother = c.fact("father.status"), c.fact("mother.status")
    unable = GONE | UNABLE_FOR_EXTREME_POVERTY
    on_the_list = father.isin(unable) & mother.isin(unable)
    candidate = under_age & on_the_list & no_income & assets_ok
    # A child under 16 on the list is always an orphan or unsupported as well,
    # so when eligible the family always chooses between two allowances.
    return [
        maybe("no_line", minor & no_parent_can_raise(c) & line.is_none()),
        alternative("orphan", candidate & both_parents_gone(c)),
        alternative("unsupported", candidate & ~both_parents_gone(c)),
        maybe("aged_16_17", ~under_age & minor & no_parent_can_raise(c) & no_income),
        maybe("parents_off_list", under_age & no_parent_can_raise(c) & ~on_the_list & no_income),
        not_eligible("too_old", ~minor),
        not_eligible("parent_can_care", ~no_parent_can_raise(c)),
        not_eligible("income", ~no_income, income=income, line=line),
        not_eligible("assets", ~assets_ok),
    ]


def medical_assistance(c: Context) -> list[Branch]:
    """国办发〔2021〕42号 groups: (1) 特困 and orphans, (2) dibao, (3) near-poor and monitored
    households, (4) people impoverished by illness (decided locally). Families lifted out of
    poverty (脱贫户) are covered only while monitored, and some provinces pay unsupported
    children's premiums: both are for the township to say."""
    groups = {
        "dibao": c.fact("household.receives_dibao"),
        "extreme_poverty": c.fact("household.extreme_poverty"),
        "orphan": is_orphan(c),
        "near_poor": c.fact("household.near_poor"),
    }
    in_no_group = ~_any(groups.values())
    local = {
        "registered_poor": c.fact("household.registered_poor"),
        "unsupported": is_unsupported(c),
        "serious_illness": c.fact("child.serious_illness"),
    }
    return [
        *(eligible(code, member) for code, member in groups.items()),
        *(maybe(code, in_no_group & member) for code, member in local.items()),
        not_eligible("none", in_no_group & ~_any(local.values())),
    ]


def disability_rehab(c: Context) -> list[Branch]:
    """国发〔2018〕20号: children 0-6 of dibao, registered-poor, institution, orphan and 特困
    families, and other hard-up families; localities may widen the ages and the groups."""
    age = c.fact("child.age")
    max_age = c.param("disability_rehab.max_age")
    upper_age = c.logic("upper_age")
    disabled = has_disability(c)
    young = disabled & (age <= max_age) & (age < upper_age)
    low_income = _any((
        c.fact("household.receives_dibao"),
        c.fact("household.extreme_poverty"),
        c.fact("household.registered_poor"),
        is_orphan(c),
    ))  # fmt: skip
    return [
        eligible("young", young & low_income, max_age=max_age),
        maybe("young_other", young & ~low_income, max_age=max_age),
        maybe("older", disabled & (age < upper_age), max_age=max_age),
        not_eligible("no_disability", ~disabled),
        not_eligible("too_old", age >= upper_age),
    ]


def education_aid(c: Context) -> list[Branch]:
    """两免一补: day pupils' living subsidy for four groups (formerly registered poor, hard-up
    disabled pupils, rural dibao, rural 特困; from autumn 2019); boarders' for any family the
    school confirms as in difficulty."""
    school = c.fact("child.school")
    in_compulsory = school.isin(c.logic("schools"))
    boarding = c.fact("child.boarding")
    rural_or_boarding = c.fact("household.hukou").eq("rural") | boarding
    on_aid = c.fact("household.receives_dibao") | c.fact("household.extreme_poverty")
    groups = {
        "dibao": c.fact("household.receives_dibao") & rural_or_boarding,
        "extreme_poverty": c.fact("household.extreme_poverty") & rural_or_boarding,
        "registered_poor": c.fact("household.registered_poor"),
        "disabled_near_poor": has_disability(c) & c.fact("household.near_poor"),
    }
    amount = living_subsidy(c, school, boarding)
    return [
        *(eligible(code, in_compulsory & member, amount) for code, member in groups.items()),
        maybe("boarder", in_compulsory & boarding & c.fact("household.near_poor"), amount),
        not_eligible("not_compulsory", ~in_compulsory),
        not_eligible("urban_day", on_aid & ~rural_or_boarding),
        not_eligible("not_low_income", ~_any(groups.values())),
    ]


def living_subsidy(c: Context, school: Term, boarding: Term) -> Amount | None:
    """The yearly subsidy for the child's school level, boarding or not, when both are known."""
    if school.get() not in c.logic("schools") or boarding.get() is None:
        return None
    kind = "boarding" if boarding.get() else "day"
    return c.amount(f"education_aid.living_subsidy.{kind}.{school.get()}", "year")


def school_meals(c: Context) -> list[Branch]:
    rural = c.fact("household.hukou").eq("rural")
    in_compulsory = c.fact("child.school").isin(c.logic("schools"))
    amount = c.amount("school_meals.yuan_per_day", "school_day")
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
