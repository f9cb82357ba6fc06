"""Handoffs: what the family reads, and the payload the app turns into a case."""

import pytest

pytest.importorskip("rasa_sdk")  # .venv-rasa only: the app's .venv has no Rasa

from trackers import make_tracker, payloads, run, texts

from actions.handoff import ActionDanger, ActionHandoff
from actions.screening import ActionScreeningResult

HOUSEHOLD = {
    "region": "CN-51-demo",
    "date": "2026-12-01",
    "child": {"age": 7},
    "father": {"status": "imprisoned"},
}


def test_a_person_when_asked_with_a_summary_of_the_conversation():
    tracker = make_tracker(
        "转人工",
        intent="request_human",
        slots={"household": HOUSEHOLD, "language": "zh", "place": "李家村", "programme": "dibao"},
        history=["孩子他爸坐牢了 娃能有补助不"],
    )
    _, dispatcher = run(ActionHandoff(), tracker)
    assert texts(dispatcher) == ["好的，已转给儿童主任，他们会尽快用短信回复您。"]
    [payload] = payloads(dispatcher)
    handoff = payload["handoff"]
    assert handoff["reason"] == "requested" and handoff["priority"] == "normal"
    assert handoff["facts"] == HOUSEHOLD
    assert handoff["place"] == "李家村" and handoff["language"] == "zh"
    assert "dibao" in handoff["programmes"]
    assert "孩子他爸坐牢了" in handoff["summary"] and "李家村" in handoff["summary"]
    assert len(handoff["summary"]) < 400  # read in ten seconds


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_danger_gives_emergency_numbers_first_and_an_urgent_case(lang):
    tracker = make_tracker(
        "孩子被打了", intent="report_danger", slots={"language": lang}, form="screening_form"
    )
    events, dispatcher = run(ActionDanger(), tracker)
    first = dispatcher.messages[0]["text"]
    assert "110" in first and "120" in first and "12110" in first
    [payload] = payloads(dispatcher)
    assert payload["handoff"]["reason"] == "danger"
    assert payload["handoff"]["priority"] == "urgent"
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)


def test_a_screening_stuck_on_an_answer_hands_over():
    tracker = make_tracker(
        slots={"household": HOUSEHOLD, "language": "en", "screening_status": "stuck"}
    )
    _, dispatcher = run(ActionScreeningResult(), tracker)
    assert texts(dispatcher)[0].startswith("I could not understand")
    assert payloads(dispatcher)[0]["handoff"]["reason"] == "stuck"
