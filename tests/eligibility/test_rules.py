"""Decision tables: every branch of every programme's rule, and the boundaries of age and income."""

import pytest

from actions.eligibility import Amount, screen
from actions.eligibility.data import programmes
from tests.eligibility.families import DROP, empty, family


def case(programme, decision, reason, note, **changes):
    return pytest.param(family(**changes), programme, decision, reason, id=f"{programme}: {note}")


GONE_BOTH = {"father__status": "deceased", "mother__status": "deceased"}
UNABLE_BOTH = {"father__status": "imprisoned", "mother__status": "severe_disability"}
ABOVE_LINE = {"household__monthly_income_per_capita": 700}  # the demo county's rural line is 600

DECISIONS = [
    # orphan_allowance: under 18 and both parents dead or missing
    case("orphan_allowance", "eligible", "parents_gone", "both deceased", **GONE_BOTH),
    case("orphan_allowance", "eligible", "parents_gone", "deceased and missing",
         father__status="deceased", mother__status="missing"),
    case("orphan_allowance", "eligible", "parents_gone", "age 17", child__age=17, **GONE_BOTH),
    case("orphan_allowance", "not_eligible", "too_old", "age 18", child__age=18, **GONE_BOTH),
    case("orphan_allowance", "eligible", "hiv", "child living with HIV", child__hiv=True),
    case("orphan_allowance", "not_eligible", "parent_alive", "parents at home"),
    case("orphan_allowance", "not_eligible", "parent_alive", "one deceased, one in prison",
         father__status="deceased", mother__status="imprisoned"),
    # unsupported_child_allowance: both unable, or one gone and one unable; a top-up with dibao
    case("unsupported_child_allowance", "eligible", "parents_unable", "both unable",
         **UNABLE_BOTH, **ABOVE_LINE),
    case("unsupported_child_allowance", "eligible", "parents_unable", "deceased and in prison",
         father__status="deceased", mother__status="imprisoned", **ABOVE_LINE),
    case("unsupported_child_allowance", "eligible", "parents_unable", "lost contact and missing",
         father__status="lost_contact", mother__status="missing", **ABOVE_LINE),
    case("unsupported_child_allowance", "eligible", "parents_unable", "deported and revoked",
         father__status="deported", mother__status="guardianship_revoked", **ABOVE_LINE),
    case("unsupported_child_allowance", "eligible", "parents_unable", "rehab and ill",
         father__status="drug_rehab", mother__status="serious_illness", **ABOVE_LINE),
    case("unsupported_child_allowance", "eligible", "parents_unable", "age 17",
         child__age=17, **UNABLE_BOTH, **ABOVE_LINE),
    case("unsupported_child_allowance", "eligible", "top_up", "income below the dibao line",
         **UNABLE_BOTH),
    case("unsupported_child_allowance", "eligible", "top_up", "receives dibao",
         household__receives_dibao=True, **UNABLE_BOTH, **ABOVE_LINE),
    case("unsupported_child_allowance", "eligible", "parents_unable_top_up",
         "not known whether on dibao", household__receives_dibao=DROP, **UNABLE_BOTH,
         **ABOVE_LINE),
    case("unsupported_child_allowance", "not_eligible", "too_old", "age 18",
         child__age=18, **UNABLE_BOTH),
    case("unsupported_child_allowance", "not_eligible", "orphan", "orphan", **GONE_BOTH),
    case("unsupported_child_allowance", "not_eligible", "parent_can_care", "mother at home",
         father__status="imprisoned"),
    # dibao: income below the line (rural 600, urban 840 in the demo county from 2026-07-01)
    case("dibao", "eligible", "below_line", "example family"),
    case("dibao", "eligible", "below_line", "one yuan below",
         household__monthly_income_per_capita=599),
    case("dibao", "not_eligible", "above_line", "income equal to the line",
         household__monthly_income_per_capita=600),
    case("dibao", "eligible", "below_line", "urban, below the urban line",
         household__hukou="urban", household__monthly_income_per_capita=839),
    case("dibao", "not_eligible", "above_line", "line of an earlier date",
         date="2026-06-30", household__monthly_income_per_capita=560),
    case("dibao", "not_eligible", "assets", "assets over the limit",
         household__assets_within_limit=False),
    case("dibao", "maybe", "no_line", "no line for the region", region="CN"),
    case("dibao", "maybe", "single_person", "ill child, near-poor, under 1.5 x line",
         child__serious_illness=True, household__near_poor=True,
         household__monthly_income_per_capita=899),
    case("dibao", "maybe", "single_person", "disabled child, near-poor",
         child__disability="physical", household__near_poor=True,
         household__monthly_income_per_capita=700),
    case("dibao", "not_eligible", "above_line", "ill child, near-poor, at 1.5 x line",
         child__serious_illness=True, household__near_poor=True,
         household__monthly_income_per_capita=900),
    case("dibao", "not_eligible", "above_line", "ill child, not near-poor",
         child__serious_illness=True, household__monthly_income_per_capita=700),
    # extreme_poverty_support: under 16, parents gone or on the narrower list, income below the
    # line, property within the limit; 16 and 17 decided locally
    case("extreme_poverty_support", "alternative", "orphan", "orphan aged 15",
         child__age=15, **GONE_BOTH),
    case("extreme_poverty_support", "alternative", "unsupported", "unsupported child",
         **UNABLE_BOTH),
    case("extreme_poverty_support", "maybe", "aged_16_17", "age 16",
         child__age=16, **GONE_BOTH),
    case("extreme_poverty_support", "not_eligible", "too_old", "age 18",
         child__age=18, **GONE_BOTH),
    case("extreme_poverty_support", "maybe", "parents_off_list", "father lost contact",
         father__status="lost_contact", mother__status="deceased"),
    case("extreme_poverty_support", "not_eligible", "assets", "property over the limit",
         household__assets_within_limit=False, **GONE_BOTH),
    case("extreme_poverty_support", "not_eligible", "income", "income equal to the line",
         household__monthly_income_per_capita=600, **GONE_BOTH),
    case("extreme_poverty_support", "not_eligible", "parent_can_care", "father at home",
         mother__status="deceased"),
    case("extreme_poverty_support", "maybe", "no_line", "no line for the region",
         region="CN", **GONE_BOTH),
    # medical_assistance
    case("medical_assistance", "eligible", "dibao", "receives dibao",
         household__receives_dibao=True),
    case("medical_assistance", "eligible", "extreme_poverty", "extreme poverty",
         household__extreme_poverty=True),
    case("medical_assistance", "eligible", "orphan", "orphan", **GONE_BOTH),
    case("medical_assistance", "eligible", "near_poor", "near-poor", household__near_poor=True),
    case("medical_assistance", "maybe", "registered_poor", "registered poor",
         household__registered_poor=True),
    case("medical_assistance", "maybe", "unsupported", "unsupported child", **UNABLE_BOTH),
    case("medical_assistance", "maybe", "serious_illness", "ill child, no group",
         child__serious_illness=True),
    case("medical_assistance", "not_eligible", "none", "example family"),
    case("medical_assistance", "not_eligible", "none", "orphan aged 18",
         child__age=18, **GONE_BOTH),
    # disability_rehab: up to age 6 nationally in low-income families; maybe otherwise or 7-17
    case("disability_rehab", "eligible", "young", "age 0, dibao",
         child__age=0, child__disability="hearing", household__receives_dibao=True),
    case("disability_rehab", "eligible", "young", "age 6, registered poor",
         child__age=6, child__disability="visual", household__registered_poor=True),
    case("disability_rehab", "maybe", "young_other", "age 4, no low-income group",
         child__age=4, child__disability="autism"),
    case("disability_rehab", "maybe", "older", "age 7",
         child__age=7, child__disability="autism"),
    case("disability_rehab", "maybe", "older", "age 17",
         child__age=17, child__disability="multiple"),
    case("disability_rehab", "not_eligible", "too_old", "age 18", child__age=18,
         child__disability="intellectual"),
    case("disability_rehab", "not_eligible", "no_disability", "no disability", child__age=3),
    # education_aid: primary or junior and a low-income group
    case("education_aid", "eligible", "dibao", "dibao", household__receives_dibao=True),
    case("education_aid", "eligible", "extreme_poverty", "extreme poverty",
         household__extreme_poverty=True),
    case("education_aid", "eligible", "registered_poor", "registered poor, junior",
         child__school="junior", household__registered_poor=True),
    case("education_aid", "eligible", "disabled_near_poor", "disabled, near-poor",
         child__disability="speech", household__near_poor=True),
    case("education_aid", "not_eligible", "not_low_income", "near-poor, not disabled",
         household__near_poor=True),
    case("education_aid", "maybe", "boarder", "near-poor boarder",
         household__near_poor=True, child__boarding=True),
    case("education_aid", "not_eligible", "urban_day", "urban dibao, day pupil",
         household__receives_dibao=True, household__hukou="urban"),
    case("education_aid", "not_eligible", "not_low_income", "example family"),
    case("education_aid", "not_eligible", "not_compulsory", "senior high",
         child__school="senior", household__receives_dibao=True),
    case("education_aid", "not_eligible", "not_compulsory", "preschool",
         child__school="preschool", household__receives_dibao=True),
    # school_meals: rural primary or junior pupils, in listed counties
    case("school_meals", "eligible", "listed", "demo county is listed"),
    case("school_meals", "eligible", "listed", "a place under the demo county",
         region="CN-51-demo-07"),
    case("school_meals", "maybe", "ask_school", "county not known to be listed",
         region="CN", child__school="junior"),
    case("school_meals", "not_eligible", "urban", "urban hukou", household__hukou="urban"),
    case("school_meals", "not_eligible", "not_compulsory", "vocational school",
         child__school="vocational"),
    # temporary_assistance
    case("temporary_assistance", "eligible", "sudden_hardship", "sudden hardship",
         household__sudden_hardship=True),
    case("temporary_assistance", "not_eligible", "no_hardship", "example family"),
]  # fmt: skip


@pytest.mark.parametrize(("household", "programme", "decision", "reason"), DECISIONS)
def test_decision(household, programme, decision, reason):
    result = screen(household).programme(programme)
    assert (result.decision, [r.code for r in result.reasons]) == (decision, [reason])
    assert result.missing == ()


def test_every_reason_in_the_data_has_a_case():
    tested = {(param.values[1], param.values[3]) for param in DECISIONS}
    written = {(pid, code) for pid, data in programmes().items() for code in data["reasons"]}
    assert written - tested == set()


NEED_INFO = [
    pytest.param(family(father__status=DROP, **{"mother__status": "deceased"}),
                 "orphan_allowance", ("father.status",), id="orphan: father unknown"),
    pytest.param(family(child__age=DROP, **GONE_BOTH),
                 "orphan_allowance", ("child.age",), id="orphan: age unknown"),
    pytest.param(family(mother__status=DROP, father__status="imprisoned"),
                 "unsupported_child_allowance", ("mother.status",),
                 id="unsupported: mother unknown"),
    pytest.param(family(household__monthly_income_per_capita=DROP),
                 "dibao", ("household.monthly_income_per_capita",), id="dibao: income unknown"),
    pytest.param(family(household__hukou=DROP),
                 "dibao", ("household.hukou",), id="dibao: hukou unknown, so the line is"),
    pytest.param(family(household__monthly_income_per_capita=DROP, **GONE_BOTH),
                 "extreme_poverty_support", ("household.monthly_income_per_capita",),
                 id="extreme poverty: income unknown"),
    pytest.param(empty(), "medical_assistance",
                 ("child.age", "father.status", "mother.status", "child.serious_illness",
                  "household.receives_dibao", "household.extreme_poverty",
                  "household.registered_poor", "household.near_poor"),
                 id="medical: nothing known"),
    pytest.param(family(child__age=DROP, child__disability="physical"),
                 "disability_rehab", ("child.age",), id="rehab: age unknown"),
    pytest.param(family(child__school=DROP, household__receives_dibao=True),
                 "education_aid", ("child.school",), id="education: school unknown"),
    pytest.param(empty(household__hukou="urban"), "school_meals", (),
                 id="school meals: urban settles it without the school"),
    pytest.param(empty(), "temporary_assistance", ("household.sudden_hardship",),
                 id="temporary: hardship unknown"),
]  # fmt: skip


@pytest.mark.parametrize(("household", "programme", "missing"), NEED_INFO)
def test_missing_facts(household, programme, missing):
    result = screen(household).programme(programme)
    if missing:
        assert (result.decision, result.missing) == ("need_info", missing)
        assert [r.code for r in result.reasons] == ["need_info"]
        assert dict(result.reasons[0].facts) == dict.fromkeys(missing)
    else:
        assert result.decision != "need_info"


@pytest.mark.parametrize(
    ("household", "programme", "amount"),
    [
        pytest.param(family(**GONE_BOTH), "orphan_allowance", Amount(1350, "month"),
                     id="orphan, demo"),
        pytest.param(family(region="CN", **GONE_BOTH), "orphan_allowance", Amount(600, "month"),
                     id="orphan, national minimum"),
        pytest.param(family(**UNABLE_BOTH, **ABOVE_LINE), "unsupported_child_allowance",
                     Amount(1350, "month"), id="unsupported, demo"),
        pytest.param(family(**UNABLE_BOTH), "unsupported_child_allowance", None,
                     id="unsupported, a top-up to dibao: no amount that adds up"),
        pytest.param(family(region="CN", **UNABLE_BOTH, **ABOVE_LINE),
                     "unsupported_child_allowance", None, id="unsupported, no national amount"),
        pytest.param(family(), "dibao", Amount(400, "month", "household"), id="dibao, 4 x 100"),
        pytest.param(family(household__size=DROP), "dibao", Amount(100, "month", "person"),
                     id="dibao, size unknown"),
        pytest.param(family(household__monthly_income_per_capita="499.5"), "dibao",
                     Amount(402, "month", "household"), id="dibao, exact yuan and jiao"),
        pytest.param(family(household__receives_dibao=True), "education_aid", Amount(500, "year"),
                     id="education, primary day pupil"),
        pytest.param(family(household__receives_dibao=True, child__boarding=True), "education_aid",
                     Amount(1000, "year"), id="education, primary boarder"),
        pytest.param(family(household__receives_dibao=True, child__school="junior"),
                     "education_aid", Amount(625, "year"), id="education, junior day pupil"),
        pytest.param(family(household__receives_dibao=True, child__school="junior",
                            child__boarding=True), "education_aid", Amount(1250, "year"),
                     id="education, junior boarder"),
        pytest.param(family(household__receives_dibao=True, child__boarding=DROP), "education_aid",
                     None, id="education, boarding unknown"),
        pytest.param(family(), "school_meals", Amount(5, "school_day"), id="school meals"),
        pytest.param(family(), "temporary_assistance", None, id="not eligible: no amount"),
    ],
)  # fmt: skip
def test_amount(household, programme, amount):
    assert screen(household).programme(programme).amount == amount


def test_education_aid_is_decided_without_asking_about_boarding():
    result = screen(family(household__receives_dibao=True, child__boarding=DROP))
    assert result.programme("education_aid").decision == "eligible"


def test_reason_names_the_facts_that_decided():
    reason = screen(family(**GONE_BOTH)).programme("orphan_allowance").reasons[0]
    assert dict(reason.facts) == {
        "child.age": 7,
        "father.status": "deceased",
        "mother.status": "deceased",
    }
    reason = screen(family()).programme("dibao").reasons[0]
    assert dict(reason.values) == {"income": 500, "line": 600}
    assert set(reason.facts) == {
        "household.hukou",
        "household.monthly_income_per_capita",
        "household.assets_within_limit",
    }


def test_every_programme_is_screened_in_order():
    result = screen(family())
    assert [p.id for p in result.programmes] == [
        "orphan_allowance",
        "unsupported_child_allowance",
        "dibao",
        "extreme_poverty_support",
        "medical_assistance",
        "disability_rehab",
        "education_aid",
        "school_meals",
        "temporary_assistance",
    ]


def test_trace_shows_rules_and_dated_parameters():
    trace = {entry["programme"]: entry for entry in screen(family()).trace}
    dibao = trace["dibao"]
    assert [rule["rule"] for rule in dibao["rules"]] == ["no_line", "below_line"]
    assert dibao["rules"][-1]["holds"] is True
    line = next(p for p in dibao["parameters"] if p["name"] == "dibao.line.rural")
    assert (line["value"], line["region"], str(line["since"])) == (600, "CN-51-demo", "2026-07-01")
    rehab = next(p for p in trace["disability_rehab"]["parameters"])
    assert (rehab["name"], rehab["value"], rehab["region"]) == ("disability_rehab.max_age", 6, "CN")
    assert trace["orphan_allowance"]["logic"] == {"under_age": 18}
