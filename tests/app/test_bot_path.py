"""A family's SMS through the real Rasa server and action server, and the reply stored."""

import pytest
from sqlalchemy import text

from tests.support.inbox_helpers import bot_says
from webhooks.core.db import DATABASE_DOWN, Session, outside_transaction
from webhooks.core.models import Case, Conversation, Message
from webhooks.jobs import tasks
from webhooks.messaging import turns

pytestmark = pytest.mark.stack


def test_chinese_greeting_gets_the_chinese_answer(bot_sms):
    bot_sms.text("+8613800000011", "你好")
    replies = bot_sms.replies("+8613800000011")
    assert len(replies) == 1
    assert "儿童" in replies[0]


def test_english_greeting_gets_the_english_answer(bot_sms):
    bot_sms.text("+8613800000012", "hello")
    replies = bot_sms.replies("+8613800000012")
    assert len(replies) == 1
    assert "helpline" in replies[0].lower()


def test_rasa_knows_the_conversation_by_pseudonym_only(bot_sms, rasa_stack):
    phone = "+8613800000013"
    bot_sms.text(phone, "你好")
    log = (rasa_stack.log_dir / "rasa.log").read_text(errors="replace")
    assert phone not in log and phone.lstrip("+") not in log
    conversation = bot_sms.thread(phone)[0].conversation_id
    with Session() as session:
        assert session.get(Conversation, conversation).pseudonym


def test_asking_for_a_person_opens_a_case_and_silences_the_bot(bot_sms):
    phone = "+8613800000014"
    bot_sms.text(phone, "我要找儿童主任")
    bot_sms.text(phone, "你好")
    with Session() as session:
        conversation_id = bot_sms.thread(phone)[0].conversation_id
        conversation = session.get(Conversation, conversation_id)
        cases = session.query(Case).filter_by(conversation_id=conversation_id).all()
        assert conversation.mode == Conversation.HUMAN
    assert len(cases) == 1 and cases[0].status == Case.OPEN
    inbound = [m for m in bot_sms.thread(phone) if m.direction == Message.IN]
    assert all(m.status == Message.HANDLED for m in inbound)
    assert len(bot_sms.replies(phone)) == 1  # the handoff reply; the second text waits for a worker


def test_web_chat_gets_the_same_bot(bot_app):
    client = bot_app.test_client()
    token = client.post("/chat/api/messages", json={"body": "hello"}).get_json()["token"]
    shown = client.get("/chat/api/messages?after=0&wait=0", headers={"X-Chat-Token": token})
    replies = [m["body"] for m in shown.get_json()["messages"] if m["from"] == "bot"]
    assert len(replies) == 1 and "helpline" in replies[0].lower()


def test_a_text_waiting_when_a_worker_took_over_is_left_to_the_worker(bot_app, bot_sms):
    phone = "+8613800000021"
    bot_sms.text(phone, "你好")
    conversation_id = bot_sms.thread(phone)[0].conversation_id
    # The family's next text is stored and waits for its turn; a worker takes over meanwhile.
    _a_text_waits(conversation_id, "还在吗")
    with Session.begin() as session:
        session.get(Conversation, conversation_id).mode = Conversation.HUMAN
    tasks.run_turns.call_local(conversation_id)
    assert bot_sms.replies(phone) == [bot_says("utter_greet")]  # the bot says nothing more
    assert [m.status for m in bot_sms.thread(phone) if m.direction == Message.IN] == [
        Message.HANDLED,
        Message.HANDLED,
    ]


def _a_text_waits(conversation_id: int, body: str) -> None:
    """A family's text stored and waiting for its turn, its job not yet run."""
    with Session.begin() as session:
        session.add(
            Message(
                conversation_id=conversation_id,
                direction=Message.IN,
                author=Message.FAMILY,
                body=body,
                status=Message.RECEIVED,
            )
        )


class AnotherJobMeanwhile:
    """Rasa's real client, except that while the first answer is on its way back another job
    (one that kept going after its lock went with its database link) answers the same text."""

    def __init__(self, services, conversation_id):
        self.services, self.conversation_id = services, conversation_id
        self.real, self.overtaken = services.rasa, False

    def send(self, *request):
        reply = self.real.send(*request)
        if not self.overtaken:
            self.overtaken = True
            with outside_transaction() as connection:
                turns.run_pending(self.services, connection, self.conversation_id)
        return reply


def test_a_text_two_jobs_answer_at_once_is_answered_once(bot_app, bot_sms, monkeypatch):
    phone = "+8613800000019"
    bot_sms.text(phone, "你好")
    services = bot_app.extensions["helpline"]
    conversation_id = bot_sms.thread(phone)[0].conversation_id
    monkeypatch.setattr(services, "rasa", AnotherJobMeanwhile(services, conversation_id))
    bot_sms.text(phone, "你好")
    greeting = bot_says("utter_greet")
    assert bot_sms.replies(phone) == [greeting, greeting]
    texts = [m for m in bot_sms.thread(phone) if m.direction == Message.IN]
    assert all(m.status == Message.HANDLED for m in texts)


class TheLockConnectionBreaks:
    """Rasa's real client, except that while Rasa answers, the server ends the session of the
    connection holding the conversation's advisory lock (as a PostgreSQL restart or a dropped
    link would); the turn's own transactions use other connections."""

    def __init__(self, real):
        self.real = real

    def send(self, *request):
        _end_the_lock_holders_session()
        return self.real.send(*request)


def _end_the_lock_holders_session() -> None:
    """What a PostgreSQL restart or a dropped link does to the job's connection, on which it
    holds the conversation's advisory lock: the server ends that session."""
    with Session() as session:
        ended = session.scalars(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks"
                " WHERE locktype = 'advisory' AND pid <> pg_backend_pid()"
            )
        ).all()
    assert ended == [True]


def test_a_turn_whose_lock_connection_broke_still_sends_its_reply(bot_app, bot_sms, monkeypatch):
    if Session.kw["bind"].dialect.name != "postgresql":
        pytest.skip("only PostgreSQL's locks live on a connection")
    services = bot_app.extensions["helpline"]
    monkeypatch.setattr(services, "rasa", TheLockConnectionBreaks(services.rasa))
    phone = "+8613800000020"
    bot_sms.text(phone, "你好")
    # The job lets go of a lock the server already dropped, then sends the reply from a new
    # connection at once, rather than leaving it for the sweep a minute later.
    assert bot_sms.replies(phone) == [bot_says("utter_greet")]


def test_a_turn_whose_connection_broke_before_it_read_is_answered_by_the_next(
    bot_app, bot_sms, monkeypatch
):
    """The job's connection breaks just as it reads the waiting text: the job fails with the
    database's own error (the sweep starts another), and the text is answered once after."""
    if Session.kw["bind"].dialect.name != "postgresql":
        pytest.skip("only PostgreSQL's locks live on a connection")
    phone = "+8613800000022"
    bot_sms.text(phone, "你好")
    conversation_id = bot_sms.thread(phone)[0].conversation_id
    real_read, broken = turns._oldest_waiting, []

    def read_after_the_link_broke(session, conversation_id):
        if not broken:
            _end_the_lock_holders_session()
            broken.append(True)
        return real_read(session, conversation_id)

    monkeypatch.setattr(turns, "_oldest_waiting", read_after_the_link_broke)
    _a_text_waits(conversation_id, "你好")
    with pytest.raises(DATABASE_DOWN):
        tasks.run_turns.call_local(conversation_id)
    tasks.run_turns.call_local(conversation_id)  # as the sweep does
    assert bot_sms.replies(phone) == [bot_says("utter_greet")] * 2


@pytest.mark.parametrize(
    ("phone", "news"), [("+8613800000723", "他饿了"), ("+8613800000724", "他睡了")]
)
def test_news_about_the_child_is_no_goodbye(bot_sms, phone, news):
    # "他饿了" (he is hungry) and "他睡了" (he is asleep) mid-chat were read as goodbye: the bot
    # said goodbye to a mother.
    bot_sms.text(phone, news)
    replies = bot_sms.replies(phone)
    assert len(replies) == 1
    assert replies[0] != bot_says("utter_goodbye")
