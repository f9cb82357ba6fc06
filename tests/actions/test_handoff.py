"""Handoffs: what the family reads, and the payload the app turns into a case."""

import pytest

pytest.importorskip("rasa_sdk")  # .venv-rasa only: the app's .venv has no Rasa

from actions.handoff import ActionDanger, ActionHandoff
from actions.menus import ActionMenuChoice
from actions.screening import ActionScreeningResult
from tests.support.trackers import make_tracker, payloads, run, slot_events, texts

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


def test_the_bots_own_danger_reading_asks_before_alarming():
    """The app's screen found nothing in this message (it reached the bot): the bot's intent
    alone asks, so an aid story about an arrest gets no emergency text and no case."""
    tracker = make_tracker(
        "娃他爸在外地打工被抓了 判了三年 娃上六年级",
        intent="report_danger",
        slots={"language": "zh"},
        form="screening_form",
    )
    events, dispatcher = run(ActionDanger(), tracker)
    assert texts(dispatcher) == ["孩子现在有危险吗？回复1有危险 2没有"]
    assert payloads(dispatcher) == []
    assert slot_events(events)["menu"] == "danger_check"
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)


@pytest.mark.parametrize("form", [None, "screening_form"])
def test_a_text_the_family_already_said_no_about_is_screened_not_asked_again(form):
    """The app's screen alarmed on this aid question and the family answered its question
    with no (metadata danger_denied): the bot's own reading does not ask a second time; the
    screening starts afresh on the text, a screening under way ended first."""
    tracker = make_tracker(
        "家里着火了 孩子能申请救助吗",
        intent="report_danger",
        slots={"language": "zh"},
        metadata={"danger_denied": True},
        form=form,
    )
    events, dispatcher = run(ActionDanger(), tracker)
    assert texts(dispatcher) == [] and payloads(dispatcher) == []
    assert [e["event"] for e in events] == ["active_loop", "slot", "followup"]
    assert events[0]["name"] is None and events[-1]["name"] == "screening_form"


@pytest.mark.parametrize(
    ("lang", "reply", "intent"), [("zh", "1", "inform"), ("en", "yes", "affirm")]
)
def test_yes_to_the_danger_question_gives_emergency_numbers_first_and_an_urgent_case(
    lang, reply, intent
):
    tracker = make_tracker(reply, intent=intent, slots={"language": lang, "menu": "danger_check"})
    _, dispatcher = run(ActionMenuChoice(), tracker)
    first = dispatcher.messages[0]["text"]
    assert "110" in first and "120" in first and "12110" in first
    [payload] = payloads(dispatcher)
    assert payload["handoff"]["reason"] == "danger"
    assert payload["handoff"]["priority"] == "urgent"


@pytest.mark.parametrize(
    ("reply", "intent", "choice"), [("2", "inform", "screening"), ("没有", "deny", "done")]
)
def test_no_to_the_danger_question_goes_back_to_what_they_asked(reply, intent, choice):
    tracker = make_tracker(reply, intent=intent, slots={"language": "zh", "menu": "danger_check"})
    events, dispatcher = run(ActionMenuChoice(), tracker)
    assert texts(dispatcher) == ["好的。"] and payloads(dispatcher) == []
    assert slot_events(events)["choice"] == choice  # a number: their story is screened


def test_a_screening_stuck_on_an_answer_hands_over():
    tracker = make_tracker(
        slots={"household": HOUSEHOLD, "language": "en", "screening_status": "stuck"}
    )
    _, dispatcher = run(ActionScreeningResult(), tracker)
    assert texts(dispatcher)[0].startswith("I could not understand")
    assert payloads(dispatcher)[0]["handoff"]["reason"] == "stuck"
