"""Fact specs, SMS replies and typed values, and household validation."""

from decimal import Decimal

import pytest

from actions.eligibility import InvalidFact, fact_spec, screen, set_fact
from actions.eligibility.facts import fact_paths
from tests.eligibility.families import family


def test_parent_status_menu_puts_common_answers_first_and_reaches_every_status():
    spec = fact_spec("father.status")
    assert spec.type == "enum"
    assert spec.values[:3] == ("present", "deceased", "lost_contact")
    assert set(spec.values) == {
        "present", "deceased", "missing", "lost_contact", "severe_disability",
        "serious_illness", "imprisoned", "drug_rehab", "guardianship_revoked", "deported",
    }  # fmt: skip
    assert fact_spec("mother.status").values == spec.values


@pytest.mark.parametrize(
    ("fact", "kind", "values", "low", "high"),
    [
        ("child.age", "int", (), 0, 30),
        ("household.monthly_income_per_capita", "money", (), None, None),
        ("household.near_poor", "bool", (True, False), None, None),
        ("household.hukou", "enum", ("rural", "urban"), None, None),
        ("child.school", "enum", ("none", "preschool", "primary", "junior", "senior", "vocational"),
         None, None),
        ("child.disability", "enum", ("none", "visual", "hearing", "speech", "physical",
                                      "intellectual", "autism", "multiple"), None, None),
    ],
)  # fmt: skip
def test_fact_spec(fact, kind, values, low, high):
    spec = fact_spec(fact)
    assert (spec.type, spec.values, spec.min, spec.max) == (kind, values, low, high)


def test_every_fact_of_the_issue_has_a_spec():
    groups = {"child": 6, "father": 1, "mother": 1, "household": 9}
    assert {
        group: sum(p.startswith(f"{group}.") for p in fact_paths()) for group in groups
    } == groups


@pytest.mark.parametrize(
    ("fact", "reply", "value"),
    [
        ("father.status", "3", "lost_contact"),
        ("father.status", "找不到", "lost_contact"),
        ("father.status", "法院宣告失踪", "missing"),
        ("father.status", "10", "deported"),
        ("father.status", "deceased", "deceased"),
        ("mother.status", "去世", "deceased"),
        ("mother.status", " 失联 ", "lost_contact"),
        ("household.near_poor", "是", True),
        ("household.near_poor", "2", False),
        ("household.near_poor", "No", False),
        ("household.near_poor", True, True),
        ("child.age", "7岁", 7),
        ("child.age", 7, 7),
        ("child.age", 7.0, 7),
        ("household.monthly_income_per_capita", "约1,500元", 1500),
        ("household.monthly_income_per_capita", 500.5, "500.5"),
        ("household.monthly_income_per_capita", Decimal("0"), 0),
        ("child.school", "3", "primary"),
    ],
)
def test_set_fact_accepts_typed_values_and_sms_replies(fact, reply, value):
    group, name = fact.split(".")
    assert set_fact({}, fact, reply)[group][name] == value


def test_set_fact_returns_a_new_household():
    household = family()
    updated = set_fact(household, "child.age", 8)
    assert (household["child"]["age"], updated["child"]["age"]) == (7, 8)
    assert set_fact({}, "region", "CN-51-demo") == {"region": "CN-51-demo"}
    assert set_fact({}, "date", "2026-12-01") == {"date": "2026-12-01"}


@pytest.mark.parametrize(
    ("fact", "value"),
    [
        ("child.age", -1),
        ("child.age", 31),
        ("child.age", "7.5"),
        ("child.age", True),
        ("child.age", "seven"),
        ("household.size", 0),
        ("household.monthly_income_per_capita", -10),
        ("household.monthly_income_per_capita", float("nan")),
        ("father.status", "gone"),
        ("father.status", "11"),
        ("household.near_poor", "maybe"),
        ("household.near_poor", 1),
        ("child.height", 120),
        ("region", "Sichuan"),
        ("date", "1 Dec 2026"),
    ],
)
def test_set_fact_rejects_bad_values_naming_the_field(fact, value):
    with pytest.raises(InvalidFact) as error:
        set_fact({}, fact, value)
    assert error.value.field == fact
    assert str(error.value).startswith(f"{fact}: ")


@pytest.mark.parametrize(
    ("household", "field"),
    [
        (family(father__status="unknown"), "father.status"),
        (family(child__age=-3), "child.age"),
        (family(child__agee=7), "child.agee"),
        (family(household__receives_dibao="yes please"), "household.receives_dibao"),
        (family(region=51), "region"),
        (family(date="2026-13-01"), "date"),
        (family(child=[7]), "child"),
        (family(pets={"dog": 1}), "pets"),
        ([], "household"),
    ],
)
def test_screen_rejects_bad_households_naming_the_field(household, field):
    with pytest.raises(InvalidFact) as error:
        screen(household)
    assert error.value.field == field


def test_missing_region_and_date_default_to_national_and_today():
    from datetime import date

    household = family()
    del household["region"], household["date"]
    result = screen(household)
    assert (result.region, result.date) == ("CN", date.today())


def test_null_means_not_said():
    result = screen(family(household__monthly_income_per_capita=None))
    assert result.programme("dibao").missing == ("household.monthly_income_per_capita",)
