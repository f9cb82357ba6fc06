"""Question order (as few as possible, nothing no decision needs) and the SMS questions."""

import pytest

from actions.eligibility import InvalidFact, fact_spec, next_question, question, segments, set_fact
from actions.eligibility.facts import fact_paths, menu
from actions.eligibility.questions import GROUP, dont_know, likely_now, next_ask, set_answer
from actions.eligibility.text import is_gsm
from tests.eligibility.families import DROP, EXAMPLE, empty, family


def converse(household, answers):
    """Ask as the bot does, answering from `answers`; returns the facts asked, in order."""
    asked = []
    while (fact := next_question(household)) is not None:
        asked.append(fact)
        group, name = fact.split(".")
        household = set_fact(household, fact, answers[group][name])
    return asked


def test_the_first_question_is_the_childs_age():
    assert next_question(empty()) == "child.age"


def test_the_example_family_is_asked_only_what_its_decisions_need():
    assert converse(empty(), EXAMPLE) == [
        "child.age",
        "father.status",  # father at home: the mother's status settles nothing more
        "household.hukou",
        "child.disability",
        "household.near_poor",
        "child.school",
        "household.receives_dibao",
        "household.extreme_poverty",
        "household.registered_poor",
        "household.monthly_income_per_capita",
        "household.assets_within_limit",
        "child.serious_illness",
        "household.sudden_hardship",
    ]


def test_after_one_parent_died_the_other_parent_comes_next():
    assert next_question(empty(child__age=9, father__status="deceased")) == "mother.status"


def test_income_is_not_asked_when_only_orphan_status_matters():
    # No dibao line on file nationally and a child of 17: income decides nothing left.
    known = family(region="CN", child__age=17)
    household = {"region": "CN", "date": known["date"], "child": known["child"],
                 "household": {k: v for k, v in known["household"].items()
                               if k != "monthly_income_per_capita"}}  # fmt: skip
    answers = family(father__status="deceased", mother__status="missing")
    assert converse(household, answers) == ["father.status", "mother.status"]


def test_income_is_asked_where_a_dibao_line_makes_it_matter():
    household = family(child__age=17, household__monthly_income_per_capita=None)
    assert next_question(household) == "household.monthly_income_per_capita"


def test_nothing_is_asked_once_everything_is_decided():
    assert next_question(family()) is None


@pytest.mark.parametrize("fact", fact_paths())
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_question_fits_one_sms(fact, lang):
    text = question(fact, lang)
    assert segments(text) == 1, text
    assert lang == "zh" or is_gsm(text)


@pytest.mark.parametrize("fact", [p for p in fact_paths() if fact_spec(p).type in ("enum", "bool")])
def test_reply_numbers_follow_the_menu(fact):
    spec = fact_spec(fact)
    group, name = fact.split(".")
    for number, (value, choice) in enumerate(zip(spec.values, menu(fact), strict=True), start=1):
        assert f"{number}{choice['zh']}" in question(fact, "zh")
        assert f"{number} {choice['en']}" in question(fact, "en")
        assert set_fact({}, fact, str(number))[group][name] == value


def test_questions_read_as_expected():
    assert question("father.status", "zh").startswith(
        "孩子爸爸现在怎样？回复数字：1在家或打工 2去世 3联系不上半年"
    )
    assert question("household.near_poor", "zh") == "家里是低保边缘户吗？回复数字：1是 2否"
    assert question("child.age", "en") == "How old is the child? Reply with a number, e.g. 7"


def test_unknown_fact_or_language_is_refused():
    with pytest.raises(InvalidFact):
        question("child.name", "zh")
    with pytest.raises(ValueError):
        question("child.age", "fr")


# --- questions that ask several facts in one SMS (issue 19) ----------------------------------


def test_a_group_is_asked_while_two_of_its_facts_are_open():
    household = empty(child__age=9, father__status="present", mother__status="present")
    assert next_ask(household).startswith(GROUP)
    household = family(child__school=DROP, child__boarding=DROP, household__receives_dibao=True)
    assert next_ask(household) == "group:school"
    household = family(
        child__boarding=DROP, household__receives_dibao=True, household__hukou="urban"
    )
    assert next_ask(household) == "child.boarding"  # one fact left: asked alone


@pytest.mark.parametrize("group", ["school", "health", "situation", "money"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_grouped_question_fits_one_sms(group, lang):
    text = question(GROUP + group, lang)
    assert segments(text) == 1, text
    assert lang == "zh" or is_gsm(text)


@pytest.mark.parametrize(
    ("group", "reply", "facts"),
    [
        ("school", "4", {"child.school": "primary", "child.boarding": False}),
        ("school", "5", {"child.school": "junior", "child.boarding": True}),
        ("health", "0", {"child.serious_illness": False, "child.disability": "none"}),
        ("health", "都没有", {"child.serious_illness": False, "child.disability": "none"}),
        ("health", "1 3", {"child.serious_illness": True, "child.disability": "hearing"}),
        ("health", "5 6", {"child.serious_illness": False, "child.disability": "multiple"}),
        ("situation", "1 6", {"household.receives_dibao": True, "household.hukou": "urban",
                              "household.near_poor": False, "household.assets_within_limit": True,
                              "household.sudden_hardship": False}),
        ("situation", "57", {"household.sudden_hardship": True,
                             "household.assets_within_limit": False, "household.hukou": "rural"}),
        ("money", "2000元4口", {"household.monthly_income_per_capita": 500, "household.size": 4}),
        ("money", "1000 yuan 3 people", {"household.monthly_income_per_capita": 333,
                                         "household.size": 3}),
        ("money", "4 2000", {"household.monthly_income_per_capita": 500, "household.size": 4}),
    ],
)  # fmt: skip
def test_one_reply_answers_every_fact_of_the_group(group, reply, facts):
    household = set_answer({"region": "CN-51-demo"}, GROUP + group, reply)
    for fact, value in facts.items():
        section, name = fact.split(".")
        assert household[section][name] == value, fact


def test_a_group_never_overrides_what_the_family_already_said():
    household = set_answer(
        {"region": "CN-51-demo", "household": {"receives_dibao": True}}, "group:situation", "0"
    )
    assert household["household"]["receives_dibao"] is True
    assert household["household"]["extreme_poverty"] is False


@pytest.mark.parametrize(
    ("group", "reply"),
    [
        ("school", "9"),
        ("school", "3 4"),
        ("school", "300"),
        ("health", "asdf"),
        ("health", "1 0"),
        ("situation", "18"),
        ("money", "2000"),
    ],
)
def test_a_reply_that_is_no_answer_to_the_group_is_refused(group, reply):
    with pytest.raises(InvalidFact):
        set_answer({"region": "CN-51-demo"}, GROUP + group, reply)


def test_dont_know_to_a_group_marks_its_open_facts_unknown():
    household = dont_know({"region": "CN-51-demo", "child": {"school": "primary"}}, "group:school")
    assert household["unknown"] == ["child.boarding"]


def test_a_group_question_leaves_out_what_the_family_told_and_keeps_the_numbers():
    told = empty(household__receives_dibao=True)
    zh = question("group:situation", "zh", told)
    assert "领低保" not in zh and "2特困五保" in zh and "0都没有" in zh
    assert "1领低保" in question("group:situation", "zh")
    # "0" sets what is open to no; the told fact stays as told.
    answered = set_answer(told, "group:situation", "0")
    assert answered["household"]["receives_dibao"] is True
    assert answered["household"]["extreme_poverty"] is False


# The grandson of tests/screening/families.py as the story tells it: 9, father in prison,
# mother gone; then the family's situation, then its money, then health and school remain.
TOLD = {"region": "CN-51-demo", "date": "2026-12-01", "child": {"age": 9},
        "father": {"status": "imprisoned"}, "mother": {"status": "lost_contact"}}  # fmt: skip
SITUATION = {"hukou": "rural", "assets_within_limit": True, "receives_dibao": False,
             "extreme_poverty": False, "registered_poor": False, "near_poor": False,
             "sudden_hardship": False}  # fmt: skip


def test_the_likely_result_waits_until_the_living_support_is_decided():
    situation = {**TOLD, "household": SITUATION}
    assert not likely_now(TOLD)  # dibao and the rest still hang on the family's money
    assert not likely_now(situation)
    money = {**situation, "household": {**SITUATION, "monthly_income_per_capita": 400,
                                        "size": 3}}  # fmt: skip
    assert next_ask(money) == GROUP + "health"
    assert likely_now(money)  # only health and school remain


def test_the_likely_result_is_not_offered_for_the_last_question():
    household = {**TOLD, "household": {**SITUATION, "monthly_income_per_capita": 400, "size": 3},
                 "child": {"age": 9, "disability": "none", "serious_illness": False}}  # fmt: skip
    assert next_ask(household) is not None
    assert not likely_now(household)  # one answer ends the screening anyway
