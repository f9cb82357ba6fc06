"""Properties over many households: partial answers never contradict full ones, and the bot's
questions always lead to a full screening."""

from hypothesis import given, settings
from hypothesis import strategies as st

from actions.eligibility import fact_spec, next_question, result_text, screen, segments
from actions.eligibility.facts import fact_paths
from actions.eligibility.screening import RECEIVED_WHEN
from actions.eligibility.text import is_gsm

# Around every line and limit of the demo county and the national root.
INCOMES = st.sampled_from([0, 300, 559, 560, 599, 600, 601, 839, 840, 899, 900, 1259, 1260, 5000])


def _value(path):
    spec = fact_spec(path)
    if path == "household.monthly_income_per_capita":
        return st.one_of(INCOMES, st.integers(0, 2000))
    if spec.type in ("enum", "bool"):
        return st.sampled_from(spec.values)
    return st.integers(spec.min, min(spec.max, 20))


def _nest(flat, region, on):
    household = {"region": region, "date": on}
    for path, value in flat.items():
        group, name = path.split(".")
        household.setdefault(group, {})[name] = value
    return household


FULL = st.fixed_dictionaries({path: _value(path) for path in fact_paths()})
PLACES = st.sampled_from(["CN", "CN-51-demo", "CN-51-demo-07"])
DATES = st.sampled_from(["2024-01-01", "2026-03-01", "2026-12-01"])


@settings(max_examples=300, deadline=None)
@given(FULL, PLACES, DATES, st.data())
def test_a_decision_on_partial_facts_stands_when_all_are_known(facts, region, on, data):
    full = screen(_nest(facts, region, on))
    assert "need_info" not in full.decisions.values()
    # The HIV fact defaults to no rather than being asked, so it is kept, never dropped.
    droppable = [path for path in fact_paths() if path != "child.hiv"]
    dropped = set(data.draw(st.lists(st.sampled_from(droppable), unique=True)))
    partial = screen(_nest({p: v for p, v in facts.items() if p not in dropped}, region, on))
    for programme in partial.programmes:
        if programme.decision == "need_info":
            assert programme.missing and set(programme.missing) <= dropped
        elif full.decisions[programme.id] == "receiving" and RECEIVED_WHEN[programme.id] in dropped:
            continue  # what a family gets already is told when they say so, never asked for
        else:
            assert programme.decision == full.decisions[programme.id], programme.id


@settings(max_examples=200, deadline=None)
@given(FULL, PLACES, DATES)
def test_asking_next_questions_settles_every_programme(facts, region, on):
    household = _nest({"child.hiv": facts["child.hiv"]}, region, on)
    asked = []
    while (fact := next_question(household)) is not None:
        assert fact not in asked
        assert fact not in ("household.size", "child.hiv")  # amounts only, privacy
        asked.append(fact)
        group, name = fact.split(".")
        household.setdefault(group, {})[name] = facts[fact]
    settled, full = screen(household).decisions, screen(_nest(facts, region, on)).decisions
    for programme, decision in full.items():
        if decision == "receiving" and RECEIVED_WHEN[programme] not in asked:
            continue  # what a family gets already is told when they say so, never asked for
        assert settled[programme] == decision, programme


@settings(max_examples=200, deadline=None)
@given(FULL, PLACES, DATES, st.data())
def test_result_text_fits_three_segments(facts, region, on, data):
    kept = data.draw(st.lists(st.sampled_from(fact_paths()), unique=True))
    result = screen(_nest({path: facts[path] for path in kept}, region, on))
    zh, en = result_text(result, "zh"), result_text(result, "en")
    assert segments(zh) <= 3
    assert segments(en) <= 3
    assert is_gsm(en)
