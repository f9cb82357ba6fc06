"""Language, programme answers, menus and misunderstandings."""

import pytest

pytest.importorskip("rasa_sdk")  # .venv-rasa only: the app's .venv has no Rasa

from actions.eligibility import programme_info
from actions.menus import ActionClarify, ActionMenuChoice, ActionOutOfScope, menu_number
from actions.programmes import ActionProgrammeAnswer
from actions.slots import ValidateSlotMappings
from tests.support.trackers import make_tracker, payloads, run, slot_events, texts


@pytest.mark.parametrize(
    ("text", "intent", "before", "metadata", "after"),
    [
        ("how do I apply for dibao", "ask_how_to_apply", "zh", None, "en"),
        ("低保怎么申请", "ask_how_to_apply", "en", "en", "zh"),
        ("dibao zenme shenqing", "ask_how_to_apply", "en", None, "zh"),
        ("English please", "switch_language", "zh", None, "en"),
        ("我看不懂英文", "switch_language", "en", None, "zh"),
        ("2", "inform", None, "en", "en"),  # first message: the app's guess
    ],
)
def test_the_language_follows_the_family_and_the_app_is_told(text, intent, before, metadata, after):
    tracker = make_tracker(
        text, intent=intent, slots={"language": before}, metadata={"language": metadata}
    )
    events, dispatcher = run(ValidateSlotMappings(), tracker)
    assert slot_events(events)["language"] == after
    assert payloads(dispatcher) == [{"language": after}]


@pytest.mark.parametrize("text", ["2", "yes", "ok", "1500"])
def test_a_short_reply_keeps_the_conversations_language(text):
    tracker = make_tracker(text, slots={"language": "zh"}, metadata={"language": "en"})
    events, dispatcher = run(ValidateSlotMappings(), tracker)
    assert "language" not in slot_events(events)
    assert payloads(dispatcher) == []


@pytest.mark.parametrize(
    ("intent", "field"),
    [
        ("ask_programme_info", "what"),
        ("ask_how_to_apply", "how_to_apply"),
        ("ask_documents", "documents"),
    ],
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_programme_answers_come_from_the_programme_data(intent, field, lang):
    tracker = make_tracker(
        "?",
        intent=intent,
        slots={"language": lang},
        entities=[{"entity": "programme", "value": "dibao"}],
    )
    _, dispatcher = run(ActionProgrammeAnswer(), tracker)
    [text] = texts(dispatcher)
    assert getattr(programme_info("dibao", lang), field) in text


def test_the_programme_being_discussed_answers_a_follow_up():
    tracker = make_tracker(
        "要什么材料",
        intent="ask_documents",
        slots={"language": "zh", "programme": "orphan_allowance"},
    )
    _, dispatcher = run(ActionProgrammeAnswer(), tracker)
    assert programme_info("orphan_allowance", "zh").documents in texts(dispatcher)[0]


def test_no_programme_named_asks_which_then_a_number_answers():
    tracker = make_tracker("怎么申请", intent="ask_how_to_apply", slots={"language": "zh"})
    events, dispatcher = run(ActionProgrammeAnswer(), tracker)
    assert "3低保" in texts(dispatcher)[0]
    tracker = make_tracker("3", slots={"language": "zh", **slot_events(events)})
    _, dispatcher = run(ActionMenuChoice(), tracker)
    assert programme_info("dibao", "zh").how_to_apply in texts(dispatcher)[0]


def test_not_understood_twice_offers_a_person_and_yes_hands_over():
    events, dispatcher = run(ActionClarify(), make_tracker("嗯嗯啊", intent="nlu_fallback"))
    assert "1查孩子能领什么" in texts(dispatcher)[0]
    slots = slot_events(events)
    events, dispatcher = run(
        ActionClarify(), make_tracker("啊啊", intent="nlu_fallback", slots=slots)
    )
    assert "儿童主任" in texts(dispatcher)[0]
    tracker = make_tracker("1", slots=slot_events(events))
    _, dispatcher = run(ActionMenuChoice(), tracker)
    assert payloads(dispatcher)[0]["handoff"]["reason"] == "stuck"


def test_asking_twice_for_what_the_bot_cannot_do_hands_over():
    events, dispatcher = run(ActionOutOfScope(), make_tracker("天气", intent="out_of_scope"))
    assert payloads(dispatcher) == []
    tracker = make_tracker("天气", intent="out_of_scope", slots=slot_events(events))
    _, dispatcher = run(ActionOutOfScope(), tracker)
    assert payloads(dispatcher)[0]["handoff"]["reason"] == "out_of_scope"


def test_menu_choice_one_starts_the_screening():
    events, _ = run(ActionMenuChoice(), make_tracker("1", slots={"menu": "main"}))
    assert slot_events(events)["choice"] == "screening"


@pytest.mark.parametrize(
    ("text", "number"), [("2", 2), ("２", 2), ("二", 2), ("no. 3", 3), ("好的", None)]
)
def test_menu_numbers_in_any_form(text, number):
    assert menu_number(text) == number
