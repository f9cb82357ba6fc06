"""The rules after the intent classifier: a request for a person, and a vague question that
tells the family's situation, decide the intent."""

import pytest

pytest.importorskip("rasa")

from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.components import HelplineIntentRules


def classified(text: str, intent: str, entities: list[str] = ()) -> str:
    message = Message(
        data={
            TEXT: text,
            INTENT: {"name": intent, "confidence": 0.6},
            INTENT_RANKING_KEY: [{"name": intent, "confidence": 0.6}],
            ENTITIES: [{"entity": name, "value": "x"} for name in entities],
        }
    )
    [message] = HelplineIntentRules().process([message])
    assert message.get(INTENT_RANKING_KEY)[0] == message.get(INTENT)
    return message.get(INTENT)["name"]


@pytest.mark.parametrize(
    ("text", "intent", "entities"),
    [
        ("孩子他爸坐牢了 有啥帮助", "ask_help_options", ["parent", "parent_status"]),
        ("娃七岁 听不见 你们能帮啥", "ask_help_options", ["age", "disability"]),
        ("他爸走了好几年了", "nlu_fallback", ["parent", "parent_status"]),
    ],
)
def test_a_vague_question_that_tells_the_situation_checks_eligibility(text, intent, entities):
    assert classified(text, intent, entities) == "check_eligibility"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # Speech-to-text, read as goodbye (1.0): the family was told "再见" (walked on make run).
        (
            "就是那个他爸以前喝了酒就打人嘛那是以前了现在戒了酒好几年了人也好了我就想问那个，"
            "低保能不能恢复",
            "goodbye",
        ),
        ("你好 孩子能领啥补助", "greet"),
        ("谢谢你 那孤儿补贴怎么申请", "thanks"),
        ("谢谢 申请低保需不需要户口本", "thanks"),  # 需不需要 asks
    ],
)
def test_a_greeting_or_goodbye_that_asks_about_aid_checks_eligibility(text, intent):
    assert classified(text, intent) == "check_eligibility"


@pytest.mark.parametrize(
    ("text", "intent", "entities"),
    [
        ("你们能帮啥", "ask_help_options", []),  # no situation: the help menu
        ("7岁", "inform", ["age"]),  # an answer stays an answer
        ("娃被打了 他爸喝醉了", "report_danger", ["parent"]),  # danger stays danger
        ("低保是什么", "ask_programme_info", ["programme"]),
        ("好的谢谢 再见", "goodbye", []),
        ("谢谢 低保的事办好了", "thanks", []),
        # A goodbye that declines aid is a goodbye (a review's probes).
        ("好的 钱不用了 谢谢 再见", "goodbye", []),
        ("谢谢 我们低保没有问题了 再见", "goodbye", []),
        ("谢谢 补贴没有也没关系 再见", "goodbye", []),
        ("好的谢谢 低保不办了", "thanks", []),
        ("thanks, I can get it from here, bye", "goodbye", []),
        ("謝謝 低保不辦了", "thanks", []),
    ],
)
def test_other_readings_are_left_alone(text, intent, entities):
    assert classified(text, intent, entities) == intent


def test_a_request_for_a_person_wins_over_the_story():
    text = "孩子他爸坐牢了 帮我转给主任"
    assert classified(text, "ask_help_options", ["parent_status"]) == "request_human"
    assert classified(text, "report_danger") == "report_danger"
