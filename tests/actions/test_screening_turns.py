"""Screening that fits a text conversation (issue 19): facts read back in one line, corrections,
"don't know", the menu after the result, another child, and never a result re-sent unasked."""

import pytest

pytest.importorskip("rasa_sdk")  # .venv-rasa only: the app's .venv has no Rasa

from actions.eligibility import programme_ids
from actions.eligibility.questions import next_ask
from actions.menus import ActionMenuChoice
from actions.screening import ActionScreeningResult, ValidateScreeningForm
from actions.texts import say
from tests.screening.families import PRISON_AND_GONE
from tests.support.trackers import (
    START,
    answering,
    make_tracker,
    payloads,
    run,
    slot_events,
    texts,
)

# Every fact the engine needs for the demo county: nothing is left to ask.
FINISHED = {**PRISON_AND_GONE, "child": {**PRISON_AND_GONE["child"], "age": 7}}


def status(value, role):
    return {"entity": "parent_status", "value": value, "role": role}


def starting(text, household, entities=None, intent="check_eligibility", lang="zh"):
    return make_tracker(
        text,
        intent=intent,
        entities=entities,
        form="screening_form",
        slots={"household": household, "language": lang},
    )


def test_the_opening_story_is_read_back_in_one_line_not_asked():
    tracker = starting(
        "俺儿子坐牢了，儿媳妇跑了好几年没音信，俩孙子俺带着，能领啥补助",
        START,
        entities=[status("imprisoned", "father"), status("lost_contact", "mother")],
    )
    events, dispatcher = run(ValidateScreeningForm(), tracker)
    household = slot_events(events)["household"]
    assert household["father"] == {"status": "imprisoned"}
    assert household["mother"] == {"status": "lost_contact"}
    assert texts(dispatcher)[0].startswith("记下了：爸爸服刑，妈妈联系不上半年。")
    assert slot_events(events)["screening_fact"] not in ("father.status", "mother.status")


@pytest.mark.parametrize("reply", ["不知道", "不清楚", "don't know", "Not sure."])
def test_dont_know_is_taken_as_unknown_and_not_asked_again(reply):
    household = {**START, "child": {"age": 7}}
    asked = next_ask(household)
    events, dispatcher = run(ValidateScreeningForm(), answering(reply, asked, household))
    slots = slot_events(events)
    assert slots["household"]["unknown"] == [asked]
    assert slots["screening_fact"] != asked
    assert say("screening.retry", "zh") not in texts(dispatcher)


def test_a_correction_mid_screening_is_taken_and_read_back():
    household = {**START, "child": {"age": 7}, "father": {"status": "imprisoned"},
                 "mother": {"status": "present"}}  # fmt: skip
    asked = next_ask(household)
    tracker = answering(
        "不对 孩子妈妈前年去世了", asked, household, entities=[status("deceased", "mother")]
    )
    events, dispatcher = run(ValidateScreeningForm(), tracker)
    assert slot_events(events)["household"]["mother"] == {"status": "deceased"}
    assert "记下了：妈妈去世。说错了直接告诉我。" in texts(dispatcher)


def test_the_result_ends_with_a_menu_of_next_steps():
    tracker = make_tracker(
        slots={"household": FINISHED, "language": "zh", "screening_status": "done"}
    )
    events, dispatcher = run(ActionScreeningResult(), tracker)
    assert texts(dispatcher)[-1] == "回复数字：1怎么申请 2要带什么材料 3找儿童主任 4查另一个孩子"
    assert slot_events(events)["menu"] == "after_result"


@pytest.mark.parametrize(("number", "topic"), [("1", "how_to_apply"), ("2", "documents")])
def test_after_the_result_a_number_is_the_menus(number, topic):
    tracker = make_tracker(number, slots={"menu": "after_result", "household": FINISHED})
    events, dispatcher = run(ActionMenuChoice(), tracker)
    slots = slot_events(events)
    assert (slots["menu"], slots["topic"], slots["choice"]) == ("programme", topic, "done")
    assert texts(dispatcher)[0].count(" ") >= len(programme_ids) - 1  # the programme menu


def test_after_the_result_3_brings_a_person():
    tracker = make_tracker("3", slots={"menu": "after_result", "household": FINISHED})
    events, dispatcher = run(ActionMenuChoice(), tracker)
    assert texts(dispatcher) == [say("handoff.requested", "zh")]
    assert slot_events(events)["choice"] == "done"


@pytest.mark.parametrize("text", ["2", "300"])
def test_after_the_result_other_numbers_never_restart_the_screening(text):
    # "2" is on the menu; "300" is not, and is answered with the menu's own words.
    tracker = make_tracker(text, slots={"menu": "after_result", "household": FINISHED})
    events, dispatcher = run(ActionMenuChoice(), tracker)
    assert slot_events(events)["choice"] == "done"
    if text == "300":
        assert texts(dispatcher) == [say("menu_invalid", "zh")]


def test_another_child_from_the_menu_keeps_the_household_and_clears_the_child():
    tracker = make_tracker("4", slots={"menu": "after_result", "household": FINISHED})
    events, _ = run(ActionMenuChoice(), tracker)
    slots = slot_events(events)
    assert slots["choice"] == "screening"
    assert "child" not in slots["household"]
    assert slots["household"]["household"] == FINISHED["household"]
    assert slots["household"]["father"] == FINISHED["father"]
    assert next_ask(slots["household"]) == "child.age"


def test_another_child_in_words_starts_a_new_screening_for_that_child():
    tracker = starting(
        "还有一个孩子 9岁 也能领吗", FINISHED, entities=[{"entity": "age", "value": 9}]
    )
    events, dispatcher = run(ValidateScreeningForm(), tracker)
    slots = slot_events(events)
    assert slots["household"]["child"] == {"age": 9}
    assert slots["household"]["household"] == FINISHED["household"]
    assert slots["requested_slot"] == "screening_answer"
    assert texts(dispatcher)[0].startswith("记下了：孩子9岁。")


def test_things_changed_clears_the_child_and_the_parents():
    events, _ = run(ValidateScreeningForm(), starting("情况变了", FINISHED))
    household = slot_events(events)["household"]
    assert {"child", "father", "mother"}.isdisjoint(household)
    assert household["household"] == FINISHED["household"]


def test_a_finished_screening_asked_again_is_not_re_sent():
    events, dispatcher = run(ValidateScreeningForm(), starting("能领啥补助", FINISHED))
    assert texts(dispatcher) == [say("screening.unchanged", "zh")]
    slots = slot_events(events)
    assert (slots["screening_status"], slots["requested_slot"]) == ("unchanged", None)
    tracker = make_tracker(
        slots={"household": FINISHED, "language": "zh", "screening_status": "unchanged"}
    )
    events, dispatcher = run(ActionScreeningResult(), tracker)
    assert texts(dispatcher) == [say("menus.after_result", "zh")]  # no result text again


def test_new_facts_after_the_result_screen_again():
    tracker = starting(
        "孩子爸爸其实已经去世了", FINISHED, entities=[status("deceased", "father")], intent="inform"
    )
    events, dispatcher = run(ValidateScreeningForm(), tracker)
    slots = slot_events(events)
    assert slots["household"]["father"] == {"status": "deceased"}
    assert slots["screening_status"] == "done"  # nothing left to ask: the new result follows
    assert texts(dispatcher) == ["记下了：爸爸去世。说错了直接告诉我。"]


def test_one_reply_answers_a_grouped_question():
    household = {**START, "child": {"age": 7}, "father": {"status": "present"},
                 "mother": {"status": "present"}}  # fmt: skip
    events, _ = run(ValidateScreeningForm(), answering("1 6", "group:situation", household))
    facts = slot_events(events)["household"]["household"]
    assert (facts["receives_dibao"], facts["hukou"], facts["near_poor"]) == (True, "urban", False)
    assert not slot_events(events)["screening_fact"].endswith("situation")


def test_income_in_words_with_the_family_size_is_each_ones_share():
    household = {**START, "child": {"age": 7}}
    tracker = answering(
        "一个月挣一千来块 四口人", "group:money", household,
        entities=[{"entity": "income", "value": 1000}],
    )  # fmt: skip
    events, _ = run(ValidateScreeningForm(), tracker)
    facts = slot_events(events)["household"]["household"]
    assert (facts["monthly_income_per_capita"], facts["size"]) == (250, 4)


def test_the_writer_is_a_parent_and_income_with_the_family_size_is_shared():
    tracker = starting(
        "我老公坐牢了 我一个月挣两千 三口人",
        START,
        entities=[status("imprisoned", "father"), {"entity": "income", "value": 2000}],
    )
    events, dispatcher = run(ValidateScreeningForm(), tracker)
    household = slot_events(events)["household"]
    assert household["mother"] == {"status": "present"}  # she is writing
    assert household["household"] == {"size": 3, "monthly_income_per_capita": 667}
    assert "每人每月约667元" in texts(dispatcher)[0]


def test_an_amount_without_the_family_size_is_not_taken_as_each_ones():
    tracker = starting("一个月两千多 能领啥", START, entities=[{"entity": "income", "value": 2000}])
    events, _ = run(ValidateScreeningForm(), tracker)
    assert "household" not in slot_events(events)["household"]


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("孙子十岁俺带着", 10),
        ("haizi 7 sui wo yige ren dai", 7),
        ("kid 5. who can help", 5),
        ("our son 8 stay with grandma", 8),
        ("我儿子12了 他爸坐牢", 12),
        ("孩子3年级", None),  # a school year, not an age
        ("娃他爸坐牢了 孩子2个", None),  # how many children
    ],
)
def test_the_childs_age_as_families_write_it(text, age):
    events, _ = run(ValidateScreeningForm(), starting(text, START))
    assert slot_events(events)["household"].get("child", {}).get("age") == age


def test_a_story_told_before_the_screening_started_counts():
    tracker = make_tracker(
        "能领啥补助",
        intent="check_eligibility",
        form="screening_form",
        slots={"household": START, "language": "zh"},
        history=["俺儿子坐牢了 孙子八岁"],
    )
    tracker.events[0]["parse_data"] = {"entities": [status("imprisoned", "father")]}
    events, _ = run(ValidateScreeningForm(), tracker)
    household = slot_events(events)["household"]
    assert household["father"] == {"status": "imprisoned"}
    assert household["child"] == {"age": 8}


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("俺家吃低保 孙子上初二", {"receives_dibao": True}),
        ("家里是脱贫户 娃他爸坐牢了", {"registered_poor": True}),
        ("our house burned down. 3 kids", {}),  # no time told: asked, not guessed
        ("能领低保吗", {}),  # a question, not a statement
        ("我们不是低保户", {"receives_dibao": False}),
        ("没有低保 娃他爸坐牢了", {"receives_dibao": False}),
        ("我们是低保边缘户", {"near_poor": True}),
        ("chi di bao, da sun zi 9 sui", {"receives_dibao": True}),
        ("mei you dibao", {"receives_dibao": False}),
    ],
)
def test_aid_the_family_already_gets_is_read(text, facts):
    events, _ = run(ValidateScreeningForm(), starting(text, START))
    household = slot_events(events)["household"].get("household", {})
    assert {name: household[name] for name in facts} == facts
    assert set(household) - {"size", "monthly_income_per_capita"} == set(facts)


@pytest.mark.parametrize(
    ("text", "father_status", "writer"),
    [
        ("孩他爸前年在工地摔死了 我一个人带俩娃", "deceased", "mother"),
        ("娃他妈嫁过来没几年就跑了 俺一个人带", None, "father"),
        ("hai ta ba qunian bing si le wo dai san ge wa", "deceased", "mother"),
        ("husband in drug rehab 2 year. me alone with baby", "drug_rehab", "mother"),
        ("老公前年肝癌去世了，我一个人带孩子", "deceased", "mother"),
        ("我同老公離咗婚，佢而家坐緊監，我一個人湊兩個仔", "imprisoned", "mother"),
        ("lao gong zai jie du suo, wo zai jia dai hai zi", "drug_rehab", "mother"),
    ],
)
def test_a_parent_naming_the_other_parent_is_the_one_writing(text, father_status, writer):
    entities = [status(father_status, "father")] if father_status else []
    events, _ = run(ValidateScreeningForm(), starting(text, START, entities=entities))
    household = slot_events(events)["household"]
    assert household[writer] == {"status": "present"}


@pytest.mark.parametrize(
    ("text", "writer", "other"),
    [
        ("我是娃他爹 他妈跑了好几年 娃十岁", "father", "mother"),
        ("我是孩子他妈 孩子6岁", "mother", "father"),
        ("I'm the dad, the kid is 9", "father", "mother"),
    ],
)
def test_a_parent_saying_who_they_are_is_that_parent(text, writer, other):
    """'我是娃他爹' named 'his dad' and so was read as the mother writing."""
    events, _ = run(ValidateScreeningForm(), starting(text, START))
    household = slot_events(events)["household"]
    assert household[writer] == {"status": "present"}
    assert household.get(other, {}).get("status") != "present"


@pytest.mark.parametrize(
    "text",
    [
        "我是孩子的妈妈的朋友",
        "我是孩子他爸的妈 孩子8岁",
        "wo shi ma lao shi",
        "i'm his dad's mother",
    ],
)
def test_someone_else_saying_who_they_are_is_no_parent_writing(text):
    events, _ = run(ValidateScreeningForm(), starting(text, START))
    household = slot_events(events)["household"]
    assert "present" not in {household.get(p, {}).get("status") for p in ("father", "mother")}


@pytest.mark.parametrize(
    "text",
    ["孩子他爸坐牢了 俺带着孙子", "孩子他爸坐牢了 孩子他妈也不管", "我是孩子的奶奶 他爸坐牢了"],
)
def test_a_grandparent_or_either_parent_named_is_no_writer(text):
    events, _ = run(
        ValidateScreeningForm(), starting(text, START, entities=[status("imprisoned", "father")])
    )
    assert "mother" not in slot_events(events)["household"]


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("闺女得了白血病在华西住院 孩他爸在外头打工", 5),
        ("my son has leukemia found last month", 11),
    ],
)
def test_an_illness_no_parent_is_named_for_is_the_childs(text, start):
    illness = {**status("serious_illness", None), "start": start}
    events, _ = run(ValidateScreeningForm(), starting(text, START, entities=[illness]))
    household = slot_events(events)["household"]
    assert household["child"]["serious_illness"] is True
    assert "serious_illness" not in (household.get("father", {}).get("status"),)


@pytest.mark.parametrize(
    ("text", "crisis"),
    [
        ("家里上个月着火房子烧没了 有救助没", True),
        ("our house burn down last week. 3 kids", True),
        ("孙子心脏病要开刀 医生说要十几万", True),
        ("前年房子着过火 现在想问低保", None),
        ("家里有存款十几万 能领低保吗", None),
    ],
)
def test_a_crisis_told_as_recent_is_read_and_an_old_one_is_not(text, crisis):
    events, _ = run(ValidateScreeningForm(), starting(text, START))
    household = slot_events(events)["household"]
    assert household.get("household", {}).get("sudden_hardship") is crisis


def test_a_writer_telling_their_own_trouble_is_not_taken_as_well():
    text = "我腿不好 孩他妈眼睛看不见 都是二级残疾 俺家吃低保"
    tracker = starting(text, START, entities=[status("severe_disability", "mother")])
    events, _ = run(ValidateScreeningForm(), tracker)
    assert "father" not in slot_events(events)["household"]  # asked, not "present"


def test_a_disability_told_of_a_parent_is_not_the_childs():
    text = "孩他妈眼睛看不见 儿子上高三"
    entities = [
        {"entity": "parent", "value": "mother", "start": 0, "end": 3},
        {"entity": "disability", "value": "visual", "start": 3, "end": 8},
    ]
    events, _ = run(ValidateScreeningForm(), starting(text, START, entities=entities))
    assert "disability" not in slot_events(events)["household"].get("child", {})


def test_a_childs_disability_is_the_childs():
    text = "孙女耳朵听不见 她妈跑了"
    entities = [{"entity": "disability", "value": "hearing", "start": 2, "end": 7}]
    events, _ = run(ValidateScreeningForm(), starting(text, START, entities=entities))
    assert slot_events(events)["household"]["child"]["disability"] == "hearing"


# The grandson's story with the family's situation and money told: only health and school are
# left, which no living allowance hangs on (actions.eligibility.questions.likely_now).
SITUATION = {"hukou": "rural", "assets_within_limit": True, "receives_dibao": False,
             "extreme_poverty": False, "registered_poor": False, "near_poor": False,
             "sudden_hardship": False}  # fmt: skip
TOLD = {**START, "child": {"age": 9}, "father": {"status": "imprisoned"},
        "mother": {"status": "lost_contact"}, "household": SITUATION}  # fmt: skip
DETAILS_LEFT = {**TOLD, "household": {**SITUATION, "monthly_income_per_capita": 400, "size": 3}}


def test_the_likely_result_is_offered_once_only_details_remain():
    events, dispatcher = run(ValidateScreeningForm(), answering("1200元3口", "group:money", TOLD))
    assert texts(dispatcher) == [say("screening.likely", "zh")]
    assert slot_events(events)["screening_fact"] == "group:health"
    _, dispatcher = run(ValidateScreeningForm(), answering("0", "group:health", DETAILS_LEFT))
    assert say("screening.likely", "zh") not in texts(dispatcher)  # offered once, not per question


def test_a_story_that_leaves_only_details_starts_with_the_offer():
    told = {key: value for key, value in DETAILS_LEFT.items() if key != "child"}
    age = {"entity": "age", "value": 9}
    tracker = starting("孙子9岁 能领啥", told, entities=[age])
    _, dispatcher = run(ValidateScreeningForm(), tracker)
    [said] = texts(dispatcher)
    assert said.endswith(say("screening.start_likely", "zh"))


def waiting_for(text, asked, household, intent):
    """The family's message while a question waits, as Rasa gives it: a message the bot reads
    as another intent fills no answer."""
    return make_tracker(
        text,
        intent=intent,
        form="screening_form",
        slots={
            "household": household,
            "language": "zh",
            "screening_fact": asked,
            "requested_slot": "screening_answer",
        },
    )


@pytest.mark.parametrize(
    "text", ["结果", "先看结果", "看一下结果吧", "結果", "RESULT", "result now", "jieguo"]
)
def test_asking_for_the_result_ends_the_questions_early(text):
    tracker = waiting_for(text, "group:health", DETAILS_LEFT, "ask_application_status")
    events, dispatcher = run(ValidateScreeningForm(), tracker)
    slots = slot_events(events)
    assert (slots["screening_status"], slots["requested_slot"]) == ("early", None)
    assert slots["household"] == DETAILS_LEFT
    assert texts(dispatcher) == []


@pytest.mark.parametrize("text", ["申请结果怎么查", "结果出来没有？查一下我的申请", "结果呢"])
def test_asking_about_an_applications_result_is_no_early_result(text):
    tracker = waiting_for(text, "group:health", DETAILS_LEFT, "ask_application_status")
    events, _ = run(ValidateScreeningForm(), tracker)
    assert events == []  # the form lets the rules answer the question, then asks again


def test_no_early_result_before_the_living_allowances_are_decided():
    tracker = waiting_for("结果", "group:money", TOLD, "ask_application_status")
    events, _ = run(ValidateScreeningForm(), tracker)
    assert events == []  # nothing worth showing yet: the question is asked again


def test_the_early_result_says_what_is_open_and_offers_to_finish():
    tracker = make_tracker(
        slots={"household": DETAILS_LEFT, "language": "zh", "screening_status": "early"}
    )
    events, dispatcher = run(ActionScreeningResult(), tracker)
    result, menu = texts(dispatcher)
    assert result.startswith("孩子可能得到的帮助：")
    assert "要再问几个问题" in result  # the programmes health and school would settle
    assert menu == say("menus.after_early_result", "zh")
    assert slot_events(events)["menu"] == "after_early_result"
    # Where to apply is asked after the full result: asked now, a 5 would make it lapse.
    assert payloads(dispatcher) == []


def test_5_after_an_early_result_asks_only_what_is_left():
    tracker = make_tracker("5", slots={"menu": "after_early_result", "household": DETAILS_LEFT})
    events, _ = run(ActionMenuChoice(), tracker)
    slots = slot_events(events)
    assert slots["choice"] == "screening"
    assert "household" not in slots  # nothing the family told is cleared
    tracker = starting("5", DETAILS_LEFT)
    events, dispatcher = run(ValidateScreeningForm(), tracker)
    assert slot_events(events)["screening_fact"] == "group:health"
    assert texts(dispatcher) == [say("screening.resume", "zh")]  # not the offer again


def test_another_child_starts_afresh_not_where_the_last_one_stopped():
    cleared = {key: value for key, value in DETAILS_LEFT.items() if key != "child"}
    _, dispatcher = run(ValidateScreeningForm(), starting("4", cleared))
    assert texts(dispatcher) == [say("screening.start", "zh")]


def test_5_after_a_full_result_is_off_the_menu():
    tracker = make_tracker("5", slots={"menu": "after_result", "household": FINISHED})
    events, dispatcher = run(ActionMenuChoice(), tracker)
    assert texts(dispatcher) == [say("menu_invalid", "zh")]
    assert slot_events(events)["choice"] == "done"


@pytest.mark.parametrize(
    ("text", "parent"),
    [
        ("Court took away my son's guardianship. I am the grandma", "father"),
        ("the court revoked her mother's guardianship", "mother"),
    ],
)
def test_a_guardianship_taken_away_is_read_for_whose_it_was(text, parent):
    events, _ = run(ValidateScreeningForm(), starting(text, START, lang="en"))
    assert slot_events(events)["household"][parent] == {"status": "guardianship_revoked"}
