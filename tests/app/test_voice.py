"""The voice line with every process real: signed Twilio voice webhooks through gunicorn to the
real Rasa and action server; the TwiML read as Twilio would, and built with the twilio
library where the expected answer is exact."""

from types import SimpleNamespace
from urllib.parse import urljoin

import pytest
from sqlalchemy import func, select
from twilio.twiml.voice_response import VoiceResponse

from tests.app.test_danger_live import EMERGENCY_DEADLINE, place_family, sent_to, urgent_case
from tests.app.test_live_channel import thread_of
from tests.support.inbox_helpers import PHONES, seed_area
from tests.support.settings import SETTINGS
from tests.support.twilio import Call as TwilioCall
from tests.support.waiting import eventually
from webhooks.core.conversations import find_sms_conversation
from webhooks.core.db import Session, outside_transaction
from webhooks.core.models import Call, Case, CaseEvent, Conversation, FamilyContact, Message
from webhooks.core.texts import both, text
from webhooks.jobs.tasks import conversation_lock
from webhooks.messaging.voice import for_the_ear

pytestmark = pytest.mark.stack


@pytest.fixture
def area(live_app):
    return seed_area(SimpleNamespace(extensions={"helpline": live_app.services}))


def call(live_app, phone: str) -> TwilioCall:
    return TwilioCall(live_app.url, str(SETTINGS["TWILIO_AUTH_TOKEN"]), phone)


def family_messages(live_app, phone: str, direction: str) -> list[Message]:
    return [m for m in thread_of(live_app, phone) if m.direction == direction]


def case_of(live_app, phone: str) -> Case | None:
    with Session() as session:
        conversation = find_sms_conversation(session, live_app.services.vault, phone)
        return session.scalar(
            select(Case).where(Case.conversation_id == conversation.id).order_by(Case.id.desc())
        )


def director_alerted(live_app, case: Case) -> None:
    """The village's director (wang) is texted about the case on their own phone."""
    eventually(
        lambda: any(f"#{case.id}" in body for body in sent_to(live_app, PHONES["wang"])),
        30,
        "the director's alert",
    )


def placed_caller_asking_for_a_person(live_app, area, phone: str) -> TwilioCall:
    """A family of village 1 calls, says hello and presses 0: the director's phone rings."""
    caller = call(live_app, phone)
    caller.dial_in()
    caller.say("你好")
    place_family(live_app, area, phone)
    caller.press("0")
    return caller


def call_record(sid: str) -> Call:
    with Session() as session:
        return session.scalar(select(Call).where(Call.sid == sid))


def test_an_unsigned_call_is_refused(live_app):
    caller = call(live_app, "+8613700000001")
    assert caller.post(live_app.url + "/voice/twilio", signed=False).status_code == 403
    assert caller.post(live_app.url + "/voice/twilio/gather?n=1", signed=False).status_code == 403


def test_a_caller_is_greeted_with_the_keypad_menu(live_app):
    caller = call(live_app, "+8613700000002")
    caller.dial_in()
    assert caller.heard() == [text("voice_greeting", "zh"), text("voice_other_language", "en")]
    gather = caller.twiml.find("Gather")
    assert gather.get("input") == "dtmf speech"
    assert gather.get("language") == "zh-CN"
    assert call_record(caller.sid) is not None


def test_nine_at_the_greeting_switches_to_english(live_app):
    phone = "+8613700000012"
    caller = call(live_app, phone)
    caller.dial_in()
    caller.press("9")
    assert caller.heard() == [text("voice_greeting", "en"), text("voice_other_language", "zh")]
    assert caller.twiml.find("Gather").get("language") == "en-US"
    caller.say("how do I apply for dibao")
    says = list(caller.twiml.iter("Say"))
    assert "dibao" in " ".join(caller.heard()).lower()
    assert {node.get("language") for node in says} == {"en-US"}


def test_a_spoken_question_is_answered_aloud_not_texted(live_app):
    phone = "+8613700000003"
    caller = call(live_app, phone)
    caller.dial_in()
    caller.say("低保怎么申请")
    heard = " ".join(caller.heard())
    assert "低保" in heard
    replies = family_messages(live_app, phone, Message.OUT)
    assert replies and all(m.status == Message.SPOKEN for m in replies)
    assert [m.body for m in family_messages(live_app, phone, Message.IN)] == ["低保怎么申请"]


def test_twilio_asking_again_gets_the_same_answer_and_no_second_turn(live_app):
    phone = "+8613700000004"
    caller = call(live_app, phone)
    caller.dial_in()
    first = caller.say("低保怎么申请")
    again = caller.again(SpeechResult="低保怎么申请", Confidence="0.9")
    assert [n.text for n in again.iter("Say")] == [n.text for n in first.iter("Say")]
    assert len(family_messages(live_app, phone, Message.IN)) == 1


def test_a_keypad_screening_reaches_a_result(live_app):
    """1 at the greeting starts the screening; every question is answered with the keypad
    (an age as digits, a choice as its number) until the result, then offered by SMS."""
    phone = "+8613700000005"
    caller = call(live_app, phone)
    caller.dial_in()
    caller.press("1")
    for _ in range(15):
        heard = " ".join(caller.heard())
        if text("voice_offer_text", "zh") in heard:
            break
        if "几口人" in heard:
            caller.press("2000*4")  # income, star, people: as the line says to key them
        else:
            caller.press("9" if "岁" in heard else "2")
    else:
        pytest.fail(f"no result after 15 answers; last heard: {heard}")
    assert sent_to(live_app, phone) == []  # nothing texted unasked
    assert case_of(live_app, phone) is None  # answered by the bot to the end, not handed over
    caller.press("1")  # "text it to me"
    assert caller.heard()[0] == text("voice_texted", "zh")
    eventually(lambda: sent_to(live_app, phone), 30, "the result texted")


def test_danger_by_speech_reads_the_emergency_numbers_first_and_offers_110(live_app, area):
    phone = "+8613700000006"
    caller = call(live_app, phone)
    caller.dial_in()
    caller.say("孩子他爸喝醉了拿着刀在屋里追孩子")
    heard = caller.heard()
    numbers = for_the_ear(text("emergency", "zh"))
    assert heard[: len(numbers)] == numbers
    assert heard[-1] == text("voice_offer_110", "zh")
    assert urgent_case(live_app, phone) is not None
    eventually(  # and the numbers in writing, by SMS, within the deadline
        lambda: text("emergency", "zh") in sent_to(live_app, phone),
        EMERGENCY_DEADLINE,
        "the emergency text",
    )
    caller.press("1")  # "yes, in danger now": put through to the police
    expected = VoiceResponse()
    expected.dial("110", action="/voice/twilio/emergency-dialled?n=3", method="POST")
    assert caller.text == str(expected)
    caller.dialled("failed")  # Twilio cannot reach 110 from here: told to dial it themselves
    assert caller.heard()[0] == text("voice_110_failed", "zh")
    assert text("emergency", "zh").startswith(caller.heard()[1])
    assert family_messages(live_app, phone, Message.IN)[-1].body == "1"  # on the case, too


def test_zero_rings_the_workers_of_the_familys_village(live_app, area):
    phone = "+8613700000007"
    caller = placed_caller_asking_for_a_person(live_app, area, phone)
    dial = caller.twiml.find("Dial")
    numbers = [node.text for node in dial.iter("Number")]
    assert numbers == [PHONES["wang"]]  # the village's director, whose phone is on file
    assert case_of(live_app, phone).status == Case.OPEN
    case = case_of(live_app, phone)
    whisper = caller.post(urljoin(caller.url, dial.find("Number").get("url")))
    assert text("voice_whisper", "zh", case=case.id) in whisper.text  # heard on picking up
    caller.worker_picks_up(press="1")
    caller.dialled("completed")
    assert call_record(caller.sid).put_through is True
    assert caller.heard() == [text("voice_goodbye", "zh")]
    director_alerted(live_app, case)


def test_a_workers_voicemail_picking_up_does_not_take_the_call(live_app, area):
    phone = "+8613700000013"
    caller = placed_caller_asking_for_a_person(live_app, area, phone)
    hung_up = caller.worker_picks_up(press=None)  # a voicemail greeting presses nothing
    assert "<Hangup />" in hung_up.text
    caller.dialled("completed")
    assert call_record(caller.sid).put_through is False
    assert caller.heard()[0] == text("voice_leave_message", "zh")
    caller.record(20)
    case = case_of(live_app, phone)
    director_alerted(live_app, case)


def test_nobody_answering_takes_a_voicemail_into_the_case(live_app, area):
    phone = "+8613700000008"
    caller = placed_caller_asking_for_a_person(live_app, area, phone)
    caller.dialled("no-answer")
    assert caller.heard()[0] == text("voice_leave_message", "zh")
    assert caller.twiml.find("Record") is not None
    caller.record(12, recording_sid="RE" + "1" * 32)
    assert caller.heard()[0] == text("voice_message_kept", "zh")
    assert caller.transcribe_url is None  # Twilio transcribes English only: the worker listens
    case = case_of(live_app, phone)
    with Session() as session:
        mails = session.scalars(
            select(CaseEvent).where(
                CaseEvent.case_id == case.id, CaseEvent.kind == CaseEvent.VOICEMAIL
            )
        ).all()
    assert [(m.detail["seconds"], m.body) for m in mails] == [(12, "")]
    assert mails[0].detail["recording_url"].endswith("RE" + "1" * 32)
    director_alerted(live_app, case)  # the village's director hears of the case on their phone
    caller.hang_up(75)
    assert (call_record(caller.sid).seconds, call_record(caller.sid).voicemail) == (75, True)


def test_rasa_stopped_mid_call_holds_the_caller_and_texts_the_answer_later(live_app, rasa_stack):
    phone = "+8613700000009"
    caller = call(live_app, phone)
    caller.dial_in()
    caller.say("你好")
    rasa_stack.stop_rasa()
    try:
        caller.say("低保怎么申请")
        assert caller.heard()[0] == text("voice_held", "zh")
        assert caller.twiml.find("Record") is not None
        question = family_messages(live_app, phone, Message.IN)[-1]
        assert (question.body, question.status) == ("低保怎么申请", Message.RECEIVED)
    finally:
        rasa_stack.start_rasa()

    def answered_by_text():
        question = family_messages(live_app, phone, Message.IN)[-1]
        texted = [body for body in sent_to(live_app, phone) if body != text("holding", "zh")]
        return question.status == Message.HANDLED and texted

    # The sweep hands it to the queue once Rasa can no longer be inside the first try.
    eventually(answered_by_text, 180, "the answer, texted once Rasa is back")


def test_zero_answers_a_question_that_offers_it_as_a_choice(live_app):
    """ "0都没有" in a question read out: 0 answers it, and the screening goes on."""
    phone = "+8613700000010"
    caller = call(live_app, phone)
    caller.dial_in()
    caller.say("孙子九岁 他爸坐牢了 他妈跑了好几年 能领啥")
    for _ in range(8):
        if "按0，都没有" in caller.heard():
            break
        caller.press("2")
    else:
        pytest.fail("no question offered 0 as a choice")
    caller.press("0")
    assert caller.twiml.find("Dial") is None
    assert family_messages(live_app, phone, Message.IN)[-1].body == "0"
    assert case_of(live_app, phone) is None


def test_a_caller_nobody_has_placed_is_asked_where_they_live_before_anyone_rings(live_app, area):
    phone = "+8613700000011"
    caller = call(live_app, phone)
    caller.dial_in()
    caller.press("0")
    assert caller.heard() == for_the_ear(text("place_question", "zh"))
    assert caller.twiml.find("Dial") is None
    caller.say("一镇一村")
    assert caller.heard()[0] == text("place_thanks", "zh", place="一镇一村")
    assert [node.text for node in caller.twiml.iter("Number")] == [PHONES["wang"]]
    case = case_of(live_app, phone)
    assert case.summary == both("case_summary_call")
    director_alerted(live_app, case)  # and texted, as for any new case


def test_an_english_voicemail_is_transcribed_into_the_case(live_app, area):
    phone = "+8613700000014"
    caller = call(live_app, phone)
    caller.dial_in()
    caller.press("9")
    caller.say("hello")
    place_family(live_app, area, phone)
    caller.press("0")
    caller.dialled("no-answer")
    assert caller.heard()[0] == text("voice_leave_message", "en")
    caller.record(30, recording_sid="RE" + "2" * 32)
    assert caller.transcribed("RE" + "2" * 32, "my grandson has a fever").status_code == 200
    case = case_of(live_app, phone)
    with Session() as session:
        bodies = session.scalars(
            select(CaseEvent.body).where(
                CaseEvent.case_id == case.id, CaseEvent.kind == CaseEvent.VOICEMAIL
            )
        ).all()
    assert bodies == ["my grandson has a fever"]
    director_alerted(live_app, case)


def test_a_caller_who_stopped_texts_is_still_answered_and_stop_is_not_a_keyword(live_app):
    phone = "+8613700000015"
    live_app.text(phone, "STOP")
    eventually(lambda: sent_to(live_app, phone), 30, "the opt-out confirmation")
    caller = call(live_app, phone)
    caller.dial_in()
    caller.press("9")
    caller.say("stop")  # said on a call: an answer to the bot, not the SMS keyword
    assert caller.heard() != [text("voice_listening", "en")]
    caller.say("how do I apply for dibao")
    assert "dibao" in " ".join(caller.heard()).lower()


def test_callers_who_hide_their_number_are_each_their_own_family(live_app):
    """Twilio's From for a hidden number is ANONYMOUS spelled on a keypad: two such callers
    (often children) are two conversations, each answered, and nothing is texted to it."""
    first, second = call(live_app, "+266696687"), call(live_app, "+266696687")
    for caller in (first, second):
        caller.dial_in()
        caller.say("低保怎么申请")
        assert "低保" in " ".join(caller.heard())
    with Session() as session:
        conversations = [
            session.get(Conversation, call_record(caller.sid).conversation_id)
            for caller in (first, second)
        ]
        assert [c.channel for c in conversations] == [Conversation.CALL, Conversation.CALL]
        assert conversations[0].id != conversations[1].id
        assert session.scalar(select(func.count()).select_from(FamilyContact)) == 0
    words = call(live_app, "Anonymous")  # or as a word
    assert words.dial_in().find("Gather") is not None


def test_a_call_while_a_job_answers_the_familys_texts_waits_its_turn(live_app):
    """The queue's job holds the family's turn (here the test holds it, as a job would): the
    caller's words are kept, the caller hears the holding line, and the answer is texted
    once the turn is free; the family's texts and calls never reach Rasa at once."""
    phone = "+8613700000016"
    caller = call(live_app, phone)
    caller.dial_in()
    with Session() as session:
        conversation_id = find_sms_conversation(session, live_app.services.vault, phone).id
    connection = outside_transaction()
    with connection, conversation_lock(connection, "turns", conversation_id):
        caller.say("低保怎么申请")
        assert caller.heard()[0] == text("voice_held", "zh")
        assert family_messages(live_app, phone, Message.IN)[-1].status == Message.RECEIVED

    def answered_by_text():
        question = family_messages(live_app, phone, Message.IN)[-1]
        return question.status == Message.HANDLED and sent_to(live_app, phone)

    eventually(answered_by_text, 180, "the answer, texted once the turn is free")
