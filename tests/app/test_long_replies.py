"""Long bot answers reach a basic phone within the turn's segment budget; MORE brings the rest."""

import re

import pytest

from webhooks.core.conversations import find_sms_conversation, stage_replies
from webhooks.core.db import Session
from webhooks.core.models import Message
from webhooks.core.texts import text
from webhooks.jobs import tasks
from webhooks.sms.segments import count_segments

PHONE = "+8613800000051"
STEP_EN = "Step {}: take the household book and the child's ID to the township office."
STEP_ZH = "第{}步，带上户口本和孩子的身份证，到乡镇政府办理申请手续。"
ENGLISH = " ".join(STEP_EN.format(n) for n in range(7))[:500]
CHINESE = "".join(STEP_ZH.format(n) for n in range(12))[:300]


def bot_says(sms, answer: str, language: str) -> None:
    """Stage a bot answer the way a turn does, then let the send job run."""
    sms.text(PHONE, "HELP" if language == "en" else "帮助")
    with Session.begin() as session:
        conversation = find_sms_conversation(session, sms.services.vault, PHONE)
        stage_replies(session, conversation, [answer], budget=3)
        conversation_id = conversation.id
    tasks.send_outbound(conversation_id)


def words(body: str) -> str:
    return re.sub(r"\s+", "", body)


@pytest.mark.parametrize(
    ("answer", "language", "unbudgeted"), [(ENGLISH, "en", 4), (CHINESE, "zh", 5)]
)
def test_long_answer_is_paged_within_three_segments(sms, answer, language, unbudgeted):
    assert len(answer) == (500 if language == "en" else 300)
    assert count_segments(answer) == unbudgeted
    bot_says(sms, answer, language)
    first = sms.replies(PHONE)[1:]  # after the help text
    assert sum(count_segments(body) for body in first) == 3
    assert first[-1].endswith(text("more", language))

    pages = [first]
    while sms.replies(PHONE)[-1].endswith(text("more", language)):
        before = len(sms.replies(PHONE))
        sms.text(PHONE, "MORE" if language == "en" else "更多")
        pages.append(sms.replies(PHONE)[before:])
        assert sum(count_segments(body) for body in pages[-1]) <= 3
    delivered = "".join(
        body.removesuffix(text("more", language)) for page in pages for body in page
    )
    assert words(delivered) == words(answer)  # nothing lost, nothing repeated

    sms.text(PHONE, "MORE" if language == "en" else "更多")
    assert sms.replies(PHONE)[-1] == text("nothing_more", language)


def test_each_stored_reply_records_its_segment_count(sms):
    bot_says(sms, CHINESE, "zh")
    for message in sms.thread(PHONE):
        if message.direction == Message.OUT:
            assert message.segments == count_segments(message.body)
