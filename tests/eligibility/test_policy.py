"""The rules checked against the policy documents (issue 22): each test names the document it
follows. Where a rule is local or uncertain the family is told "maybe" and where to ask."""

import copy
import re

import pytest

from actions.eligibility import data, next_question, reason_text, result_text, screen, set_fact
from actions.eligibility.cli import main
from actions.eligibility.facts import is_dont_know, mark_unknown
from actions.eligibility.figures import problems
from tests.eligibility.families import DROP, family

ABOVE_LINE = {"household__monthly_income_per_capita": 700}


def decision(household, programme):
    result = screen(household).programme(programme)
    return result.decision, result.reasons[0].code


@pytest.mark.parametrize("age", [16, 17])
def test_extreme_poverty_at_16_and_17_is_decided_locally(age):
    """特困人员认定办法（民发〔2021〕43号）第6条: under 16 counts as unable to work; 16- and
    17-year-olds are assessed locally and minors already supported keep it to 18."""
    household = family(child__age=age, father__status="deceased", mother__status="deceased")
    assert decision(household, "extreme_poverty_support") == ("maybe", "aged_16_17")
    household = family(child__age=18, father__status="deceased", mother__status="deceased")
    assert decision(household, "extreme_poverty_support") == ("not_eligible", "too_old")


@pytest.mark.parametrize("status", ["serious_illness", "drug_rehab", "lost_contact"])
def test_extreme_poverty_lists_fewer_parent_situations_than_the_unsupported_allowance(status):
    """民发〔2021〕43号 第9条 lists who counts as unable to support: severe disability and prison
    are on it; serious illness, drug rehabilitation and lost contact are not (they are in
    民发〔2019〕62号 for the unsupported-child allowance). Off the list: the township decides."""
    household = family(father__status=status, mother__status="deceased")
    assert decision(household, "extreme_poverty_support") == ("maybe", "parents_off_list")
    assert screen(household).programme("unsupported_child_allowance").decision == "eligible"
    on_list = family(father__status="imprisoned", mother__status="deceased")
    assert decision(on_list, "extreme_poverty_support") == ("alternative", "unsupported")


def test_a_parent_who_cannot_be_found_is_out_of_contact_not_missing():
    """国办发〔2010〕54号: 失踪 means declared missing by a court (宣告失踪), which makes an orphan;
    a parent who simply cannot be found is 失联 (6 months or more, police receipt) under
    民发〔2019〕62号, which leads to the unsupported-child allowance (Qinzhou implementing
    rules)."""
    for words in ("找不到", "下落不明", "联系不上", "3"):
        household = set_fact(family(mother__status="deceased"), "father.status", words)
        assert household["father"]["status"] == "lost_contact", words
        assert screen(household).programme("orphan_allowance").decision == "not_eligible"
        assert screen(household).programme("unsupported_child_allowance").decision == "eligible"
    declared = set_fact(family(mother__status="deceased"), "father.status", "法院宣告失踪")
    assert screen(declared).programme("orphan_allowance").decision == "eligible"


@pytest.mark.parametrize(
    "aid",
    [
        {"household__receives_dibao": True, **ABOVE_LINE},
        {"household__extreme_poverty": True, **ABOVE_LINE},
        {"household__monthly_income_per_capita": 500},  # below the line: dibao eligible too
    ],
    ids=["receives dibao", "receives tekun", "eligible for dibao"],
)
def test_unsupported_allowance_with_dibao_or_tekun_is_a_top_up_never_added(aid):
    """民发〔2019〕62号 with local rules (e.g. Longyang district, longyang.gov.cn): a child on
    dibao or 特困 gets the unsupported-child allowance as a top-up to its standard (补差), so
    the family is never shown its full amount beside another."""
    household = family(father__status="imprisoned", mother__status="lost_contact", **aid)
    result = screen(household).programme("unsupported_child_allowance")
    assert (result.decision, result.reasons[0].code, result.amount) == ("eligible", "top_up", None)
    for lang in ("zh", "en"):
        line = next(
            line
            for line in result_text(screen(household), lang).splitlines()
            if "无人抚养" in line or "Unsupported" in line
        )
        assert "1350" not in line


def test_unsupported_allowance_amount_warns_of_the_top_up_when_dibao_is_not_known():
    """民发〔2019〕62号: when the family has not said whether it gets dibao or 特困, the amount
    is shown with the warning that it is usually only a top-up."""
    household = family(
        father__status="imprisoned", mother__status="lost_contact",
        household__receives_dibao=DROP, **ABOVE_LINE,
    )  # fmt: skip
    result = screen(household).programme("unsupported_child_allowance")
    assert result.reasons[0].code == "parents_unable_top_up"
    assert result.amount.yuan == 1350


def test_rehab_outside_the_low_income_groups_is_a_maybe():
    """国发〔2018〕20号: rehabilitation aid covers disabled children 0-6 of dibao, registered-poor,
    institution, orphan and 特困 families and other hard-up families; localities may widen it.
    Outside those groups: "maybe, ask the county disabled persons' federation"."""
    household = family(child__age=4, child__disability="hearing")
    assert decision(household, "disability_rehab") == ("maybe", "young_other")
    on_dibao = family(child__age=4, child__disability="hearing", household__receives_dibao=True)
    assert decision(on_dibao, "disability_rehab") == ("eligible", "young")
    orphan = family(child__age=4, child__disability="hearing",
                    father__status="deceased", mother__status="deceased")  # fmt: skip
    assert decision(orphan, "disability_rehab") == ("eligible", "young")


def test_education_aid_for_day_pupils_needs_rural_dibao_or_tekun():
    """两免一补, non-boarders from autumn 2019: four groups (formerly registered poor, hard-up
    disabled pupils, rural dibao, rural 特困); boarders: any family the school confirms."""
    urban_day = family(household__hukou="urban", household__receives_dibao=True)
    assert decision(urban_day, "education_aid") == ("not_eligible", "urban_day")
    urban_boarder = family(household__hukou="urban", household__receives_dibao=True,
                           child__boarding=True)  # fmt: skip
    assert decision(urban_boarder, "education_aid") == ("eligible", "dibao")
    rural_day = family(household__receives_dibao=True)
    assert decision(rural_day, "education_aid") == ("eligible", "dibao")
    hard_up_boarder = family(household__near_poor=True, child__boarding=True)
    assert decision(hard_up_boarder, "education_aid") == ("maybe", "boarder")


def test_medical_assistance_follows_the_four_groups():
    """国办发〔2021〕42号: (1) 特困 and orphans, (2) dibao, (3) near-poor and monitored
    households, (4) impoverished by illness, decided locally. A family lifted out of poverty
    is covered only while monitored, and some provinces pay unsupported children's premiums:
    both are a "maybe" for the township."""
    assert decision(family(household__near_poor=True), "medical_assistance")[0] == "eligible"
    registered = family(household__registered_poor=True)
    assert decision(registered, "medical_assistance") == ("maybe", "registered_poor")
    unsupported = family(father__status="imprisoned", mother__status="severe_disability")
    assert decision(unsupported, "medical_assistance") == ("maybe", "unsupported")


# Households that reach every amount a family can be texted.
WITH_AMOUNTS = [
    family(father__status="deceased", mother__status="deceased", **ABOVE_LINE),
    family(father__status="imprisoned", mother__status="severe_disability", **ABOVE_LINE),
    family(),
    family(household__receives_dibao=True, child__school="junior", child__boarding=True),
]


@pytest.mark.parametrize("region", sorted(data.regions()))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_text_quotes_a_national_floor_as_a_current_amount(region, lang):
    """国办发〔2010〕54号 set 600 / 1,000 yuan in 2010 as a national minimum; local rates today
    are far higher. Any amount that is a floor is texted as one, in every region."""
    floor_note = {"zh": "最低标准", "en": "national minimum"}[lang]
    for household in WITH_AMOUNTS:
        household = {**household, "region": region}
        result = screen(household)
        text = result_text(result, lang)
        for programme in result.programmes:
            if programme.amount is not None and programme.amount.floor:
                assert floor_note in text, (region, programme.id)
    for programme_id, programme in data.programmes().items():
        floors = {
            str(entry["value"])
            for file in data.regions().values()
            for name, entries in file["parameters"].items()
            if name.startswith(f"{programme_id}.")
            for entry in entries
            if entry.get("floor")
        }
        for key in ("what", "how_to_apply", "documents", "processing_time"):
            quoted = set(re.findall(r"\d+", programme[key][lang]))
            assert not quoted & floors, (programme_id, key)


def test_orphan_allowance_without_a_local_figure_says_it_is_the_2010_floor():
    """国办发〔2010〕54号: a region without its own figure is told the 2010 minimum as such."""
    household = family(region="CN", father__status="deceased", mother__status="deceased")
    zh = result_text(screen(household), "zh")
    assert "每月600元（全国2010年最低标准，当地一般更高，以乡镇答复为准）" in zh
    assert "600 yuan a month (2010 national minimum" in result_text(screen(household), "en")


def test_an_amount_older_than_the_limit_says_it_may_have_changed():
    """An amount in force longer than amounts_dated_after_years (regions/CN.yml) is texted
    with its year; the demo county's 2025 orphan rate is current in 2026, dated by 2028."""
    orphan = {"father__status": "deceased", "mother__status": "deceased"}
    assert "2025" not in result_text(screen(family(**orphan)), "zh")
    later = family(date="2028-01-01", **orphan)
    assert "每月1350元（2025年标准，可能已调整，以答复为准）" in result_text(screen(later), "zh")


def test_every_figure_has_a_source_and_the_review_lists_them(capsys):
    """`python -m actions.eligibility facts` lists every figure with its source and age."""
    assert problems("CN-51-demo", screen(family()).date) == []
    assert main(["facts", "--region", "CN"]) == 0
    listing = capsys.readouterr().out
    assert "region community = 600 [national floor] in CN, since 2010-01-01" in listing
    assert "text 16, since 2021-07-01" in listing


def test_the_review_fails_on_a_figure_without_a_source(monkeypatch, capsys):
    programmes = copy.deepcopy(data.programmes())
    del programmes["extreme_poverty_support"]["figures"]["16"]
    monkeypatch.setattr(data, "programmes", lambda: programmes)
    assert main(["facts", "--region", "CN"]) == 1
    assert "extreme_poverty_support.under_age = 16: no source" in capsys.readouterr().err


def test_dont_know_is_not_asked_again_and_becomes_a_maybe():
    """A family that does not know a fact is not asked it again; a programme only that fact
    would decide is a "maybe" with the fact to ask about where they apply."""
    assert is_dont_know("不知道") and is_dont_know("不清楚。") and is_dont_know("Don't know")
    assert not is_dont_know("知道") and not is_dont_know("2")
    household = family(household__registered_poor=DROP, household__receives_dibao=DROP)
    assert next_question(household) == "household.receives_dibao"
    household = mark_unknown(household, "household.receives_dibao")
    assert next_question(household) == "household.registered_poor"
    household = mark_unknown(household, "household.registered_poor")
    assert next_question(household) is None
    education = screen(household).programme("education_aid")
    assert (education.decision, education.reasons[0].code) == ("maybe", "unknown")
    assert (
        reason_text(education.reasons[0], "zh") == "要看是否领低保、是否建档立卡户，申请时问清楚。"
    )
    answered = set_fact(household, "household.receives_dibao", "1")
    assert answered["unknown"] == ["household.registered_poor"]
