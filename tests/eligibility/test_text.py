"""What the family reads: SMS result texts within budget, reasons, programme info, JSON results."""

import re

import pytest

from actions.eligibility import (
    programme_ids,
    programme_info,
    reason_text,
    result_dict,
    result_text,
    screen,
    segments,
)
from actions.eligibility.model import Decision
from actions.eligibility.text import is_gsm
from tests.eligibility.families import DROP, empty, family
from tests.eligibility.test_rules import DECISIONS

TYPICAL = [
    pytest.param(family(), id="example family"),
    pytest.param(family(father__status="deceased", mother__status="deceased", child__age=12,
                        child__school="junior", household__monthly_income_per_capita=300),
                 id="orphan"),
    pytest.param(family(father__status="imprisoned", mother__status="lost_contact",
                        household__receives_dibao=True), id="unsupported child"),
    pytest.param(family(child__age=5, child__school="preschool", child__disability="hearing",
                        household__near_poor=True, household__monthly_income_per_capita=700),
                 id="deaf preschooler, near-poor"),
    pytest.param(family(child__serious_illness=True, household__sudden_hardship=True,
                        household__monthly_income_per_capita=1200), id="sudden illness"),
    pytest.param(family(household__hukou="urban", household__monthly_income_per_capita=3000),
                 id="nothing fits"),
    pytest.param(family(region="CN"), id="national root only"),
    pytest.param(empty(child__age=8), id="first answers only"),
]  # fmt: skip


@pytest.mark.parametrize("household", TYPICAL)
def test_a_typical_familys_text_fits_three_segments(household):
    result = screen(household)
    zh, en = result_text(result, "zh"), result_text(result, "en")
    assert len(zh) <= 3 * 67 and segments(zh) <= 3
    assert is_gsm(en) and len(en) <= 3 * 153 and segments(en) <= 3
    for text in (zh, en):
        assert not re.search(r"[*#`_]|None|\{", text)  # plain text, nothing left unfilled


def test_example_family_text_zh():
    assert result_text(screen(family()), "zh") == (
        "孩子可能得到的帮助：\n"
        "1.低保（可以申请）：每人月收入500元，低于低保线600元。全家每月约400元。找乡镇政府或街道办。\n"
        "2.学生营养餐（可以申请）：本县在营养餐计划内。每个上学日5元（2021年标准，可能已调整，以答复为准）。"
        "找孩子的学校。\n"
        "7项不符合。（演示数据）"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_programme_the_family_asked_about_that_does_not_fit_is_told_with_its_reason(lang):
    """Walked on make run: a widow asked "想问孤儿补贴我们能不能领" and read only "8项不符合"."""
    household = family(father__status="deceased", child__age=14, child__school="junior")
    result = screen(household)
    assert result.programme("orphan_allowance").decision is Decision.NOT_ELIGIBLE
    text = result_text(result, lang, budget=2, asked="orphan_allowance")
    reason = reason_text(result.programme("orphan_allowance").reasons[0], lang)
    assert reason in text
    assert ("您问的" if lang == "zh" else "which you asked about") in text
    assert segments(text) <= 2
    # The others are still counted, the one told is not counted again.
    assert result_text(result, lang) != text


def test_example_family_text_en():
    assert result_text(screen(family()), "en") == (
        "Help your child may get:\n"
        "1. Dibao (can apply): Income of 500 yuan a person is below the dibao line of 600."
        " About 400 yuan a month for the family. Apply at the township/street office.\n"
        "2. School meals (can apply): Your county runs the school meal programme."
        " 5 yuan a school day (the 2021 rate; it may have changed). Apply at the child's school.\n"
        "Not eligible: 7. (demo figures)"
    )


def test_eligible_comes_before_alternative_before_maybe():
    household = family(region="CN", child__age=10, father__status="deceased",
                       mother__status="imprisoned", household__hukou="urban",
                       household__near_poor=True)  # fmt: skip
    text = result_text(screen(household), "en")
    order = [text.index(name) for name in
             ("Unsupported child allowance (can apply)", "Medical assistance (can apply)",
              "Dibao (maybe)", "Extreme-poverty support (maybe)")]  # fmt: skip
    assert order == sorted(order)
    household.update(region="CN-51-demo")
    text = result_text(screen(household), "zh")
    assert text.index("（可以申请）") < text.index("特困供养（二选一）")


def test_long_results_shorten_the_last_items_first():
    household = family(child__age=5, child__disability="autism", child__serious_illness=True,
                       father__status="deceased", mother__status="deceased",
                       household__receives_dibao=True, household__sudden_hardship=True)  # fmt: skip
    zh = result_text(screen(household), "zh")
    lines = zh.splitlines()
    assert segments(zh) <= 3
    assert "每月1350元" in lines[1]  # the first item keeps its amount and office
    assert lines[-2] == "7.特困供养（二选一）"  # the last one keeps its name and decision
    assert lines[-1].startswith("已在领：低保。")  # not offered again


def test_hiv_allowance_sends_the_family_to_the_county_privately():
    zh = result_text(screen(family(child__hiv=True)), "zh")
    assert (
        "孤儿基本生活费（可以申请）：感染艾滋病病毒的孩子按孤儿标准领取。每月1350元。找县民政局，不公示。"
        in zh
    )


def test_too_early_to_tell():
    assert result_text(screen(empty()), "zh") == (
        "还不能确定孩子能得到哪些帮助。\n还有9项要再问几个问题。（演示数据）"
    )


def test_no_programme_fits():
    household = family(household__hukou="urban", household__monthly_income_per_capita=3000)
    assert result_text(screen(household), "zh") == (
        "按您说的情况，暂时没有符合的帮助。可以问问村里的儿童主任。\n9项不符合。（演示数据）"
    )


@pytest.mark.parametrize(("household", "programme", "decision", "reason"), DECISIONS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_reason_reads_in_both_languages(household, programme, decision, reason, lang):
    text = reason_text(screen(household).programme(programme).reasons[0], lang)
    assert text and not re.search(r"None|\{", text)
    assert lang == "zh" or is_gsm(text)


def test_need_info_reason_names_what_is_missing():
    reason = screen(family(household__hukou=DROP)).programme("dibao").reasons[0]
    assert reason_text(reason, "zh") == "还需要知道：户口类型。"
    assert reason_text(reason, "en") == "Still need to know the hukou type."


@pytest.mark.parametrize("programme", programme_ids)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_programme_info_is_short_plain_sms_text(programme, lang):
    info = programme_info(programme, lang)
    assert info.id == programme
    assert segments(info.name) == 1 and segments(info.processing_time) == 1
    for text in (info.what, info.how_to_apply, info.documents):
        assert text and segments(text) <= 3
    for text in (info.name, info.what, info.how_to_apply, info.documents, info.processing_time):
        assert not re.search(r"[*#`]", text)
        assert lang == "zh" or is_gsm(text)


def test_free_tuition_is_said_whatever_the_income():
    assert "免学费" in programme_info("education_aid", "zh").what
    assert "free" in programme_info("education_aid", "en").what
    reason = screen(family()).programme("education_aid").reasons[0]
    assert "学费和课本全免" in reason_text(reason, "zh")


def test_result_dict_has_the_documented_shape():
    output = result_dict(screen(family()), "zh")
    assert set(output) == {"region", "date", "demo", "programmes", "trace"}
    dibao = next(p for p in output["programmes"] if p["id"] == "dibao")
    assert dibao == {
        "id": "dibao",
        "decision": "eligible",
        "reasons": [
            {
                "text": "每人月收入500元，低于低保线600元。",
                "code": "below_line",
                "facts": {
                    "household.hukou": "rural",
                    "household.monthly_income_per_capita": 500,
                    "household.assets_within_limit": True,
                },
            }
        ],
        "missing": [],
        "amount": {
            "yuan": 400,
            "per": "month",
            "basis": "household",
            "since": "2026-07-01",
            "floor": False,
        },
    }


def test_a_family_on_dibao_is_told_it_gets_it_already_not_to_apply():
    result = screen(family(household__receives_dibao=True))
    dibao = next(p for p in result.programmes if p.id == "dibao")
    assert str(dibao.decision) == "receiving"
    zh, en = result_text(result, "zh"), result_text(result, "en")
    assert "低保（" not in zh and "已在领：低保。" in zh
    assert "Dibao (" not in en and "Already getting: Dibao." in en
    assert reason_text(dibao.reasons[0], "zh") == "您家已经在领，不用再申请。"


def test_a_child_on_extreme_poverty_support_is_told_so_with_dibao_too():
    on_both = family(
        father__status="deceased",
        mother__status="deceased",
        household__receives_dibao=True,
        household__extreme_poverty=True,
    )
    zh = result_text(screen(on_both), "zh")
    assert "已在领：低保、特困" in zh, zh
