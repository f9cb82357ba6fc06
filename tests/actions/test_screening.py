"""The screening form: what it asks, how it reads SMS answers, stopping, re-asking, the result."""

from pathlib import Path

import pytest
import yaml

pytest.importorskip("rasa_sdk")  # .venv-rasa only: the app's .venv has no Rasa

from actions.eligibility import question, result_text, screen
from actions.eligibility.questions import next_ask
from actions.reading import read_facts
from actions.screening import ActionAskScreeningAnswer, ActionScreeningResult, ValidateScreeningForm
from actions.texts import say
from tests.support.trackers import START, answering, make_tracker, payloads, run, slot_events, texts

FATHER_IN_PRISON = {"entity": "parent_status", "value": "imprisoned", "role": "father"}


@pytest.mark.parametrize(
    ("asked", "text", "intent", "entities", "fact", "value"),
    [
        ("child.age", "7", "inform", [{"entity": "number", "value": 7}], "child.age", 7),
        ("child.age", "七岁", "inform", [{"entity": "age", "value": 7}], "child.age", 7),
        ("child.age", "twelve", "inform", [], "child.age", 12),
        ("father.status", "6", "inform", [], "father.status", "imprisoned"),
        (
            "father.status",
            "坐牢了",
            "inform",
            [{"entity": "parent_status", "value": "imprisoned"}],
            "father.status",
            "imprisoned",
        ),
        (
            "mother.status",
            "他妈跑了",
            "inform",
            [{"entity": "parent_status", "value": "lost_contact", "role": "mother"}],
            "mother.status",
            "lost_contact",
        ),
        (
            "household.monthly_income_per_capita",
            "三千五",
            "inform",
            [],
            "household.monthly_income_per_capita",
            3500,
        ),
        (
            "household.monthly_income_per_capita",
            "1.2万",
            "inform",
            [],
            "household.monthly_income_per_capita",
            12000,
        ),
        (
            "household.monthly_income_per_capita",
            "500块",
            "inform",
            [{"entity": "income", "value": 500}],
            "household.monthly_income_per_capita",
            500,
        ),
        (
            "household.assets_within_limit",
            "是",
            "affirm",
            [],
            "household.assets_within_limit",
            True,
        ),
        (
            "household.assets_within_limit",
            "yes",
            "affirm",
            [],
            "household.assets_within_limit",
            True,
        ),
        ("household.receives_dibao", "没有", "deny", [], "household.receives_dibao", False),
        ("household.receives_dibao", "2", "inform", [], "household.receives_dibao", False),
        ("household.hukou", "1", "inform", [], "household.hukou", "rural"),
    ],
)
def test_an_sms_answer_sets_the_asked_fact(asked, text, intent, entities, fact, value):
    message = {"text": text, "intent": {"name": intent}, "entities": entities}
    household, answered = read_facts(dict(START), message, asked)
    group, name = fact.split(".")
    assert answered
    assert household[group][name] == value


def test_one_message_can_answer_more_than_asked():
    message = {
        "text": "7岁，他爸坐牢了",
        "intent": {"name": "inform"},
        "entities": [{"entity": "age", "value": 7}, FATHER_IN_PRISON],
    }
    household, answered = read_facts(dict(START), message, "child.age")
    assert answered
    assert household["child"]["age"] == 7
    assert household["father"]["status"] == "imprisoned"


@pytest.mark.parametrize("text", ["不知道", "asdf", "200岁"])
def test_an_unusable_answer_answers_nothing(text):
    message = {"text": text, "intent": {"name": "inform"}, "entities": []}
    _, answered = read_facts(dict(START), message, "child.age")
    assert not answered


def test_the_request_that_starts_the_screening_gives_its_facts():
    tracker = make_tracker(
        "孩子他爸坐牢了 娃能有补助不",
        intent="check_eligibility",
        entities=[FATHER_IN_PRISON],
        slots={"household": START, "language": "zh"},
    )
    events, dispatcher = run(ValidateScreeningForm(), tracker)
    slots = slot_events(events)
    assert slots["household"]["father"]["status"] == "imprisoned"
    assert slots["screening_fact"] == next_ask(slots["household"])
    assert slots["requested_slot"] == "screening_answer"
    assert texts(dispatcher) == [
        # "孩子他爸" is how a mother names her husband: she is writing, and at home
        "记下了：爸爸服刑，妈妈在家或打工。说错了直接告诉我。" + say("screening.start", "zh")
    ]


def test_the_question_is_the_engines_question_in_the_familys_language():
    household = {**START, "father": {"status": "imprisoned"}}
    fact = next_ask(household)
    tracker = make_tracker(slots={"household": household, "language": "en", "screening_fact": fact})
    _, dispatcher = run(ActionAskScreeningAnswer(), tracker)
    assert texts(dispatcher) == [question(fact, "en")]
    # The app reads the family's next text as the answer (webhooks/messaging/turns.py).
    assert {"asking": fact} in [message.get("custom") for message in dispatcher.messages]


def test_an_unusable_answer_is_asked_again_once_then_a_worker_helps():
    events, dispatcher = run(ValidateScreeningForm(), answering("asdf"))
    assert texts(dispatcher) == [say("screening.retry", "zh")]
    assert slot_events(events)["requested_slot"] == "screening_answer"
    events, _ = run(ValidateScreeningForm(), answering("还是asdf", retries=1.0))
    assert slot_events(events)["screening_status"] == "stuck"
    assert slot_events(events)["requested_slot"] is None


@pytest.mark.parametrize(
    ("text", "intent"), [("算了", "goodbye"), ("cancel", "goodbye"), ("不问了", "deny")]
)
def test_the_family_can_stop_at_any_time(text, intent):
    events, _ = run(ValidateScreeningForm(), answering(text, intent=intent))
    assert slot_events(events) == {"screening_status": "stopped", "requested_slot": None}


def test_a_question_during_the_screening_is_no_answer():
    tracker = make_tracker(
        "低保是什么",
        intent="ask_programme_info",
        form="screening_form",
        slots={
            "household": START,
            "screening_fact": "child.age",
            "requested_slot": "screening_answer",
        },
    )
    events, dispatcher = run(ValidateScreeningForm(), tracker)
    assert events == [] and dispatcher.messages == []


def test_a_good_answer_moves_to_the_next_ask():
    events, _ = run(
        ValidateScreeningForm(), answering("7", entities=[{"entity": "number", "value": 7}])
    )
    slots = slot_events(events)
    assert slots["household"]["child"]["age"] == 7
    assert slots["screening_fact"] == next_ask(slots["household"])
    assert slots["screening_fact"] != "child.age"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_result_is_the_engines_sms_text(lang):
    household = {
        **START,
        "child": {"age": 7},
        "father": {"status": "deceased"},
        "mother": {"status": "deceased"},
    }
    tracker = make_tracker(
        slots={"household": household, "language": lang, "screening_status": "done"}
    )
    _, dispatcher = run(ActionScreeningResult(), tracker)
    assert texts(dispatcher) == [
        result_text(screen(household), lang, budget=2),
        say("menus.after_result", lang),
    ]
    assert payloads(dispatcher) == [{"screened": True}]  # the app may ask where they live


def test_the_result_tells_why_the_programme_the_family_named_does_not_fit():
    """A widow asked about the orphan allowance by name: the result says why it does not fit."""
    household = {
        **START,
        "child": {"age": 14},
        "father": {"status": "deceased"},
        "mother": {"status": "present"},
    }
    tracker = make_tracker(
        slots={
            "household": household,
            "language": "zh",
            "screening_status": "done",
            "programme": "orphan_allowance",
        }
    )
    _, dispatcher = run(ActionScreeningResult(), tracker)
    assert "您问的孤儿基本生活费：" in texts(dispatcher)[0]


def test_stopping_says_so_and_keeps_what_was_told():
    tracker = make_tracker(
        slots={"household": START, "language": "en", "screening_status": "stopped"}
    )
    events, dispatcher = run(ActionScreeningResult(), tracker)
    assert texts(dispatcher) == [say("screening.stopped", "en")]
    assert "household" not in slot_events(events)


def test_screening_uses_the_region_the_app_placed_the_family_in():
    from actions.screening import new_household

    placed = make_tracker(metadata={"region": "CN-51-demo-t1-v1"})
    unplaced = make_tracker(metadata={})
    odd = make_tracker(metadata={"region": "<script>"})
    assert new_household(placed)["region"] == "CN-51-demo-t1-v1"
    assert new_household(unplaced)["region"] == new_household(odd)["region"]


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("孙女耳朵听不见 今年十一了在县里特教学校住校", {"child.age": 11}),
        ("孩子有癫痫 十七了在家", {"child.age": 17}),
        ("My brother passed away. My nephew is 14 and lives with me", {"child.age": 14}),
        ("今年九岁在盲校住校 俺家是低保", {"child.age": 9, "household.receives_dibao": True}),
        ("he gets tekun now. what else", {"household.extreme_poverty": True}),
        ("we are near poor household (dibao bianyuan)", {"household.near_poor": True}),
        ("sunzi 15 an jia shi tuopin hu", {"child.age": 15, "household.registered_poor": True}),
        (
            "儿子上幼儿园 一个月两千多 啥补贴也没有",
            {"household.receives_dibao": False, "household.extreme_poverty": False},
        ),
    ],
)
def test_an_opening_story_gives_its_age_and_the_aid_it_gets(text, facts):
    message = {"text": text, "intent": {"name": "check_eligibility"}, "entities": []}
    household, _ = read_facts({}, message, None)
    found = {f"{g}.{n}": v for g, values in household.items() for n, v in values.items()}
    assert {fact: found.get(fact) for fact in facts} == facts


@pytest.mark.parametrize("text", ["等了两年了 还没批下来", "能领低保吗", "俺家不是低保户"])
def test_a_wait_a_question_or_a_no_is_no_age_and_no_aid(text):
    message = {"text": text, "intent": {"name": "check_eligibility"}, "entities": []}
    household, _ = read_facts({}, message, None)
    assert household.get("child", {}).get("age") is None
    assert household.get("household", {}).get("receives_dibao") is not True


@pytest.mark.parametrize(
    ("text", "boarding"),
    [
        ("孙子九岁在盲校住校", True),
        ("haizi 10 sui zai tejiao xuexiao zhuxiao", True),
        ("娃上初中 走读", False),
        ("hukou zhuxiao le", None),  # 注销: a cancelled registration, not boarding
    ],
)
def test_whether_the_child_boards_is_read_from_the_story(text, boarding):
    message = {"text": text, "intent": {"name": "check_eligibility"}, "entities": []}
    household, _ = read_facts({}, message, None)
    assert household.get("child", {}).get("boarding") is boarding


@pytest.mark.parametrize("text", ["孙子心脏病要开刀", "孫子心臟病要開刀"])
def test_a_childs_illness_is_read_in_traditional_characters_too(text):
    illness = {"entity": "parent_status", "value": "serious_illness", "start": 2, "end": 5}
    message = {"text": text, "intent": {"name": "check_eligibility"}, "entities": [illness]}
    household, _ = read_facts({}, message, None)
    assert household["child"]["serious_illness"] is True


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("一年也就两万四，家里八口人", {"household.size": 8,
                                    "household.monthly_income_per_capita": 250}),
        ("两个人加起来一个月六千，一共四口人", {"household.size": 4,
                                           "household.monthly_income_per_capita": 1500}),
        ("全家没收入，一家三口", {"household.size": 3, "household.monthly_income_per_capita": 0}),
        ("村里这户家里七口人", {"household.size": 7}),
        ("俺老两口带俩孙子，一年也就一万来块", {"household.size": 4,
                                         "household.monthly_income_per_capita": 208}),
        ("我一個人湊兩個仔", {"household.size": 3}),
        ("家里两个老人两个孩子加我们两口子", {"household.size": 6}),
        ("Single mum with 3 kids, earning 1200 yuan a month", {"household.size": 4,
                                                   "household.monthly_income_per_capita": 300}),
        ("We're a family of 5", {"household.size": 5}),
        ("wo men jia wu ge ren, yi ge yue liang qian duo", {"household.size": 5}),
        ("an lao liang kou dai liang ge sun zi", {"household.size": 4}),
        ("my pay 2400 a month, two of us", {"household.size": 2,
                                            "household.monthly_income_per_capita": 1200}),
        ("yi ge yue 3000 jia li 4 kou ren", {"household.size": 4,
                                             "household.monthly_income_per_capita": 750}),
        ("俺老两口带俩孙子，俩孙子都上学", {"household.size": 4}),
        ("就我跟俩娃，一个月一千二", {"household.size": 3,
                                  "household.monthly_income_per_capita": 400}),
        ("我一个人在家带俩闺女", {"household.size": 3}),
        ("就我和孙子两个", {"household.size": 2}),
        ("屋企得我哋兩個", {"household.size": 2}),
        ("现在我带着弟弟过，俩人", {"household.size": 2}),
        ("儿子儿媳俩人都在外面打工", {"household.size": None}),
        ("俺家就俺和老伴，还有个上学的孙女", {"household.size": 3}),
        ("jiu wo gen liang wa", {"household.size": 3}),
        ("gen nai nai liang ge ren zhu", {"household.size": 2}),
        ("wo he lao gong liang ge ren, dai zhe liang ge hai zi", {"household.size": 4}),
        ("jia li jiu wo men fu zi liang ge", {"household.size": 2}),
        ("just us two, I earn 2400 a month", {"household.size": 2,
                                             "household.monthly_income_per_capita": 1200}),
        ("me, husband and 2 grandkids, 4 ppl", {"household.size": 4}),
        ("4 of us. cant reach her. I earn about 2000 a month", {"household.size": 4,
                                             "household.monthly_income_per_capita": 500}),
        ("我和老伴两个老人带三个孙子", {"household.size": 5}),
        ("我和老公离婚了，我一个人带俩娃", {"household.size": 3}),
        ("我和老公带二娃", {"household.size": None}),  # the second child, not two
        ("月入3000孩子还小 我和老公带娃", {"household.size": None}),
        ("my 2 kids are home alone", {"household.size": None}),
        ("带着两个孩子过", {"household.size": None}),  # who else lives there is not said
        ("家里还有三个孩子和一个老人", {"household.size": None}),
        ("上个月房子被水冲了", {"household.sudden_hardship": True}),
        ("前阵子下冰雹庄稼全毁了", {"household.sudden_hardship": True}),
        ("俺家三口人，没遭啥灾，就是穷", {"household.sudden_hardship": False}),
        ("前年房子被水冲了", {"household.sudden_hardship": None}),  # long ago: not guessed
    ],
)  # fmt: skip
def test_money_people_and_hardship_as_families_tell_them(text, facts):
    message = {"text": text, "intent": {"name": "check_eligibility"}, "entities": []}
    household, _ = read_facts({}, message, None)
    found = {f"{g}.{n}": v for g, values in household.items() for n, v in values.items()}
    assert {fact: found.get(fact) for fact in facts} == facts


def test_most_ways_families_tell_money_people_and_hardship_are_read():
    """tests/actions/money.yml, a tuning set: the floors are what the reading reached."""
    items = yaml.safe_load((Path(__file__).parent / "money.yml").read_text(encoding="utf-8"))
    read = {"size": [0, 0], "hardship": [0, 0], "income": [0, 0]}
    for item in items:
        message = {"text": item["text"], "intent": {"name": "inform"}, "entities": []}
        household = read_facts({}, message, None)[0].get("household", {})
        if "size" in item:
            read["size"][0] += household.get("size") == item["size"]
            read["size"][1] += 1
        if "hardship" in item:
            read["hardship"][0] += household.get("sudden_hardship") == item["hardship"]
            read["hardship"][1] += 1
        if item.get("income") is not None and item.get("size"):
            each, got = item["income"] / item["size"], household.get("monthly_income_per_capita")
            read["income"][0] += got is not None and abs(got - each) <= max(10, each / 10)
            read["income"][1] += 1
    share = {fact: ok / total for fact, (ok, total) in read.items()}
    assert share["size"] >= 0.85 and share["hardship"] >= 0.58 and share["income"] >= 0.38, share
