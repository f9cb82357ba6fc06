"""A grandmother's screening by SMS through the real Rasa server and action server (issue 19):
her story is read back, not asked; grouped questions; the result and its menu; nothing re-sent."""

import pytest

from actions.eligibility import data, question
from actions.eligibility.facts import fact_paths
from actions.eligibility.questions import GROUP
from tests.screening.evaluate import answer
from tests.screening.families import PRISON_AND_GONE

pytestmark = pytest.mark.stack

PHONE = "+8613800000091"
OPENING = "俺儿子坐牢了，儿媳妇跑了好几年没音信，俩孙子俺带着，能领啥补助"
FAMILY = PRISON_AND_GONE
ASKS = [*fact_paths(), *(GROUP + name for name in data.facts()["groups"])]


def asked_in(reply: str) -> str | None:
    return next((ask for ask in ASKS if question(ask, "zh") in reply), None)


def test_a_grandmothers_screening_by_sms(bot_sms):
    bot_sms.text(PHONE, OPENING)
    first = bot_sms.replies(PHONE)
    assert "记下了：爸爸服刑，妈妈联系不上半年。" in first[0]
    asked = []
    while (ask := asked_in(bot_sms.replies(PHONE)[-1])) is not None and len(asked) < 10:
        asked.append(ask)
        bot_sms.text(PHONE, answer(ask, FAMILY, "zh"))
    assert "father.status" not in asked and "mother.status" not in asked
    assert len(asked) <= 7
    replies = bot_sms.replies(PHONE)
    result = next(i for i, reply in enumerate(replies) if reply.startswith("孩子可能得到的帮助"))
    # One SMS turn: the result and its menu together, within the turn's segment budget.
    assert "事实无人抚养儿童补贴（可以申请）" in replies[result]
    assert replies[result].endswith("\n回复数字：1怎么申请 2要带什么材料 3找儿童主任 4查另一个孩子")
    assert "更多" not in replies[result]

    sent = len(replies)
    bot_sms.text(PHONE, "300")  # not on the menu: said so, nothing restarts
    assert bot_sms.replies(PHONE)[sent:] == ["请回复菜单里的数字。"]
    bot_sms.text(PHONE, "能领啥补助")  # asked again: not re-sent
    again = bot_sms.replies(PHONE)[sent + 1 :]
    assert not any(reply.startswith("孩子可能得到的帮助") for reply in again)
    assert again == ["按您说的，结果和上次一样，不再重发。\n" + replies[result].splitlines()[-1]]

    bot_sms.text(PHONE, "4")  # another child: the household is kept, the child asked
    assert asked_in(bot_sms.replies(PHONE)[-1]) == "child.age"


def test_an_aid_story_about_an_arrest_raises_no_alarm_through_the_bot(bot_sms):
    """Issue 26: such stories read as danger to the bot's intent classifier. Through the whole
    path (the app's screen, then Rasa) the family gets no emergency text and no case, and
    answering the bot's danger question with 2 goes on to the screening."""
    from webhooks.core.db import Session
    from webhooks.core.models import Case, Message

    phone = "+8613800000092"
    bot_sms.text(phone, "孩子爸被公安带走了 判了 孩子跟我住")  # the bot read it as danger today
    if bot_sms.replies(phone) == ["孩子现在有危险吗？回复1有危险 2没有"]:
        bot_sms.text(phone, "2")
    assert not any(m.kind == Message.EMERGENCY for m in bot_sms.thread(phone))
    with Session() as session:
        assert session.query(Case).count() == 0
    assert "记下了：爸爸服刑" in bot_sms.replies(phone)[-1]
