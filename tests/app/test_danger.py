"""A child in danger: emergency numbers at once and an urgent case, whatever else is going on."""

import pytest
from sqlalchemy import select

from tests.support.classifier import CONCERN, DISTRESS, ORDINARY, PROBABLE
from webhooks.core.db import Session
from webhooks.core.models import Case, CaseEvent, Conversation, Message
from webhooks.core.texts import text
from webhooks.safety import language_of

PHONE = "+8613800000021"


def cases_of(sms, phone):
    thread = sms.thread(phone)
    with Session() as session:
        return list(
            session.scalars(select(Case).where(Case.conversation_id == thread[0].conversation_id))
        )


@pytest.mark.parametrize(
    ("body", "language"),
    [
        ("他爸天天打孩子，打得身上都是伤", "zh"),
        ("孩子說不想活了", "zh"),
        ("haizi bu jian le liang tian le", "zh"),
        ("my husband beats the kids every night", "en"),
    ],
)
def test_danger_gets_emergency_numbers_and_an_urgent_case(sms, body, language):
    sms.text(PHONE, body)
    assert sms.replies(PHONE) == [text("emergency", language)]
    [case] = cases_of(sms, PHONE)
    assert (case.reason, case.priority) == ("danger", Case.URGENT)
    # Workers read the family's words first (their phones' alerts are cut to fit), then what
    # was found, in both languages.
    assert case.summary.startswith(f"“{body}” 危险筛查 Danger screen (确定 sure: ")
    [message] = [m for m in sms.thread(PHONE) if m.direction == Message.IN]
    assert message.danger
    with Session() as session:
        assert session.get(Conversation, message.conversation_id).mode == Conversation.HUMAN


@pytest.mark.parametrize(
    "body",
    [
        "孩子发烧了怎么办",
        "I'm dying to know when the money comes",
        "笑死我了",
        "打工的钱不够",
        "孙女饿了",  # hunger at mealtime, not for days
        "my daughter is hungry",
        # Answers to the bot's "孩子今年几岁？": "14" got the emergency numbers (walked on make
        # run as a widow screening her son), since ages fill the classifier's danger data.
        "14",
        "13",
        "十四岁了",
        "快满16了",
        "想问下孤儿补贴怎么申请 孙女14了 她爸妈都不在了",  # walked on make run
        "女孩",
        "my daughter is 14",
        # Asking the helpline to stop its texts: "stop sending me messages" read 0.97 and got
        # the emergency numbers and an urgent case (thirteenth session).
        "please stop sending me these messages",
        "stop texting this number",
        "不要再给我发短信了",
        # Not knowing the answer to the bot's question: "我不知道" read 0.80, a worker's case
        # that silenced the bot (fifteenth session); "我也不知道啊" 0.59, a concern.
        "我不知道",
        "我也不知道啊",
        "I don't know",
    ],
)
def test_everyday_words_raise_no_alarm(sms, body):
    sms.text(PHONE, body)
    assert text("emergency", "zh") not in sms.replies(PHONE)
    assert text("emergency", "en") not in sms.replies(PHONE)
    assert cases_of(sms, PHONE) == []


def test_repeated_danger_is_added_to_the_case_without_repeating_the_text(sms):
    sms.text(PHONE, "他爸天天打孩子")
    sms.text(PHONE, "今天又打了，孩子被打伤了")
    assert sms.replies(PHONE) == [text("emergency", "zh")]
    assert len(cases_of(sms, PHONE)) == 1
    flagged = [m.danger for m in sms.thread(PHONE) if m.direction == Message.IN]
    assert flagged == [True, True]


def test_danger_during_human_mode_raises_the_open_case_to_urgent(sms):
    sms.text(PHONE, "你好")
    with Session.begin() as session:
        from webhooks.casework import cases

        conversation = session.get(Conversation, sms.thread(PHONE)[0].conversation_id)
        cases.open_case(session, conversation, reason="requested")
    sms.text(PHONE, "孩子被人拐走了")
    [case] = cases_of(sms, PHONE)
    assert case.priority == Case.URGENT
    assert text("emergency", "zh") in sms.replies(PHONE)


def test_family_who_opted_out_gets_no_text_but_workers_get_the_case(sms):
    sms.text(PHONE, "退订")
    sms.text(PHONE, "孩子要跳楼")
    assert sms.replies(PHONE) == [text("opted_out", "zh")]
    [case] = cases_of(sms, PHONE)
    assert case.priority == Case.URGENT


# --- The second layer: danger told as a situation, and what happens when it is not sure. ---


def test_danger_without_alarm_words_needs_no_rasa(sms):
    """The classifier runs in the webhook: the app fixture's Rasa never answers."""
    sms.text(PHONE, "俺外孙才三岁 他妈出门两天了还没回来 屋里就他一个人 哭得嗓子都哑了")
    assert sms.replies(PHONE)[0] == text("emergency", "zh")
    [case] = cases_of(sms, PHONE)
    assert (case.reason, case.priority) == ("danger", Case.URGENT)


def test_danger_told_in_passing_in_an_aid_question_gets_the_numbers(sms):
    """Issue 26: the classifier read a danger told in passing in a question about aid as an aid
    question (60 of 150 in tuning round sixteen got no numbers); it now also reads the message
    without the question."""
    sms.text(
        PHONE, "想问下低保怎么申请 俺家那口子这两天喝了酒就把6岁的小子关柴房里 从昨天到现在没放出来"
    )
    assert sms.replies(PHONE)[0] == text("emergency", "zh")
    [case] = cases_of(sms, PHONE)
    assert (case.reason, case.priority) == ("danger", Case.URGENT)


def test_an_old_sorrow_told_with_an_aid_question_gets_no_numbers(sms):
    sms.text(
        PHONE,
        "孩子的爸爸前几年因为欠债自己跳楼了，我一直没改嫁，孩子现在初二，想问孤儿补贴我们能不能领",
    )
    assert not any(m.kind == Message.EMERGENCY for m in sms.thread(PHONE))


@pytest.mark.parametrize(
    ("body", "may_concern"),
    [
        ("我家房子昨晚着火烧没了，娃能申请临时救助不", False),
        ("孩子他爸失踪五年了，孩子能领补助吗", False),
        ("孩子他爸坐牢了 娃能有补助不", False),
        ("热死了 娃在屋里不肯出门", True),
        ("how do I apply for dibao", False),
        ("家里着火烧了 孩子衣服都没了 能申请救助吗", False),
        ("交了申请材料一个月了 到现在都没消息", True),
        ("儿子被法院宣告失踪了 媳妇改嫁了 孙子上初一", False),
    ],
)
def test_ordinary_stories_raise_no_alarm(sms, body, may_concern):
    """No numbers, no urgent case, and the bot answers. Two hedged ones the classifier reads
    near 0.5 may be a concern (a worker reads it too, and the family is told so); the rest open
    no case at all."""
    sms.text(PHONE, body)
    assert not any(m.kind == Message.EMERGENCY for m in sms.thread(PHONE))
    opened = [case.priority for case in cases_of(sms, PHONE)]
    assert opened in (([], [Case.NORMAL]) if may_concern else ([],))
    told = [text("concern_case", language_of(body))] if opened else []
    assert sms.replies(PHONE) == [*told, text("holding", language_of(body))]
    with Session() as session:
        conversation = session.get(Conversation, sms.thread(PHONE)[0].conversation_id)
        assert conversation.mode == Conversation.BOT


def test_probable_danger_gets_the_numbers_and_one_question(sms, classifier_says):
    classifier_says(PROBABLE)
    sms.text(PHONE, "孩子这两天不太对劲")
    assert sms.replies(PHONE) == [text("emergency", "zh"), text("danger_question", "zh")]
    [case] = cases_of(sms, PHONE)
    assert (case.reason, case.priority) == ("danger", Case.URGENT)
    assert case.danger_question_at is not None


@pytest.mark.parametrize(
    ("answer", "priority", "reply"),
    [("1", Case.URGENT, "danger_confirmed"), ("没有", Case.NORMAL, "danger_denied")],
)
def test_the_answer_sets_the_priority_and_never_closes_the_case(
    sms, classifier_says, answer, priority, reply
):
    classifier_says(PROBABLE)
    sms.text(PHONE, "孩子这两天不太对劲")
    classifier_says(ORDINARY)
    sms.text(PHONE, answer)
    [case] = cases_of(sms, PHONE)
    assert (case.status, case.priority) == (Case.OPEN, priority)
    assert case.danger_question_at is None
    assert sms.replies(PHONE)[-1] == text(reply, "zh")
    with Session() as session:
        answers = session.scalars(
            select(CaseEvent.detail).where(
                CaseEvent.case_id == case.id, CaseEvent.kind == CaseEvent.DANGER_ANSWER
            )
        ).all()
    assert answers == [{"answer": "yes" if answer == "1" else "no"}]


def test_an_aid_question_that_sets_off_the_alarm_is_answered_by_the_bot_after_a_no(
    sms, classifier_says
):
    """Issue 26: an ordinary family's story can set off a rule ("家里着火了"); asked about aid,
    they get the numbers and the question, and their "no" gets their question answered while
    a worker still has the case, instead of a bot fallen silent."""
    classifier_says(ORDINARY)
    sms.text(PHONE, "家里着火了 孩子能申请救助吗")
    assert sms.replies(PHONE) == [text("emergency", "zh"), text("danger_question", "zh")]
    sms.text(PHONE, "2")
    # The notice, then the bot's turn on the first text (Rasa is away here: its holding line).
    assert sms.replies(PHONE)[2:] == [text("danger_denied_aid", "zh"), text("holding", "zh")]
    [case] = cases_of(sms, PHONE)
    assert (case.status, case.priority) == (Case.OPEN, Case.NORMAL)
    assert "机器人继续回复家庭" in case.summary
    first, _answer = [m for m in sms.thread(PHONE) if m.direction == Message.IN]
    holding = [m for m in sms.thread(PHONE) if m.body == text("holding", "zh")]
    assert [m.reply_to_id for m in holding] == [first.id]
    with Session() as session:
        assert session.get(Conversation, case.conversation_id).mode == Conversation.BOT


def test_once_a_worker_replies_the_familys_words_answer_the_worker(app, area, sms, classifier_says):
    """A "no" after a worker has spoken is the worker's to read: the conversation stays with
    the worker, the bot does not take the old text up again."""
    from webhooks.casework import cases
    from webhooks.core.models import Worker

    classifier_says(ORDINARY)
    sms.text(PHONE, "家里着火了 孩子能申请救助吗")
    [case] = cases_of(sms, PHONE)
    with Session.begin() as session:
        worker = session.get(Worker, area.workers["wang"])
        cases.reply(session, session.get(Case, case.id), worker, "您好，孩子现在安全吗？")
    sms.text(PHONE, "2")
    [case] = cases_of(sms, PHONE)
    assert (case.status, case.priority) == (Case.OPEN, Case.URGENT)  # the worker decides
    assert text("danger_denied_aid", "zh") not in sms.replies(PHONE)
    with Session() as session:
        assert session.get(Conversation, case.conversation_id).mode == Conversation.HUMAN


def test_a_yes_to_an_aid_question_that_set_off_the_alarm_keeps_it_urgent(sms, classifier_says):
    classifier_says(ORDINARY)
    sms.text(PHONE, "他爸天天打孩子 能领什么补助吗")
    sms.text(PHONE, "1")
    assert sms.replies(PHONE)[2:] == [text("danger_confirmed", "zh")]
    [case] = cases_of(sms, PHONE)
    assert (case.status, case.priority) == (Case.OPEN, Case.URGENT)
    with Session() as session:
        assert session.get(Conversation, case.conversation_id).mode == Conversation.HUMAN


def test_an_unclear_answer_is_left_for_the_worker(sms, classifier_says):
    classifier_says(PROBABLE)
    sms.text(PHONE, "孩子这两天不太对劲")
    classifier_says(ORDINARY)
    sms.text(PHONE, "我也说不清楚")
    [case] = cases_of(sms, PHONE)
    assert (case.priority, case.danger_question_at is not None) == (Case.URGENT, True)
    assert len(sms.replies(PHONE)) == 2  # the numbers and the question, nothing more


def test_distress_neither_layer_is_sure_of_goes_to_a_worker(sms, classifier_says):
    classifier_says(DISTRESS)
    sms.text(PHONE, "孩子最近老是一个人哭 也不说话")
    assert sms.replies(PHONE) == [text("distress_case", "zh")]
    [case] = cases_of(sms, PHONE)
    assert (case.reason, case.priority) == ("distress", Case.NORMAL)
    with Session() as session:
        assert session.get(Conversation, case.conversation_id).mode == Conversation.HUMAN


def test_a_concern_reaches_a_worker_while_the_bot_still_answers(app, area, sms, classifier_says):
    """A message the classifier reads as possibly danger, short of distress, reached no one
    before: the bot answered alone. Now a worker gets a normal case with the family's words,
    and the bot answers the family as ever, after one plain line that a worker will read it
    too. Most such messages are ordinary: nothing alarming, no numbers, no question."""
    from tests.support.inbox_helpers import V1, place_family, staff_texts

    place_family(app, PHONE, V1)  # Director Wang's village; she has a phone for alerts
    before = len(staff_texts(app, "wang"))
    classifier_says(CONCERN)
    sms.text(PHONE, "娃这几天晚上都不回屋 在牛棚里睡")
    # The line, then the bot's turn (Rasa is away in this fixture: its holding line).
    assert sms.replies(PHONE) == [text("concern_case", "zh"), text("holding", "zh")]
    assert "110" in text("concern_case", "zh") and "110" in text("concern_case", "en")
    [case] = cases_of(sms, PHONE)
    assert (case.reason, case.priority) == ("distress", Case.NORMAL)
    assert "娃这几天晚上都不回屋" in case.summary
    assert any("娃这几天晚上都不回屋" in t for t in staff_texts(app, "wang")[before:])
    with Session() as session:
        assert session.get(Conversation, case.conversation_id).mode == Conversation.BOT

    # A second such message is the same case's news, and no second line for the family.
    sms.text(PHONE, "叫他也不应")
    assert len(cases_of(sms, PHONE)) == 1
    assert sms.replies(PHONE).count(text("concern_case", "zh")) == 1
    assert staff_texts(app, "wang")[-1] == f"#{case.id} 家庭说：叫他也不应"


def test_a_sign_of_self_harm_on_a_case_the_bot_answers_tells_the_family_to_call_120(
    sms, classifier_says
):
    """Review: the case became urgent, but the family, still talking to the bot about aid,
    never got the line that names 120."""
    classifier_says(CONCERN)
    sms.text(PHONE, "娃这几天晚上都不回屋 在牛棚里睡")
    classifier_says(ORDINARY)
    sms.text(PHONE, "孩子说以后你们就不用为我操心了 能申请助学金吗")
    [case] = cases_of(sms, PHONE)
    assert case.priority == Case.URGENT
    assert text("distress_self_harm_aid", "zh") in sms.replies(PHONE)


def test_an_estimate_just_below_a_concern_opens_no_case(sms, classifier_says):
    from webhooks.safety.screen import CONCERN_AT

    classifier_says(CONCERN_AT - 0.01)
    sms.text(PHONE, "娃这几天晚上都不回屋 在牛棚里睡")
    assert sms.replies(PHONE) == [text("holding", "zh")]
    assert cases_of(sms, PHONE) == []


def test_a_childs_hint_of_suicide_reaches_a_worker_at_once_without_the_emergency_numbers(
    app, area, sms, classifier_says
):
    """A hint rule (a sign, not a danger told: "以后你们就不用为我操心了") the classifier reads
    as ordinary opens a worker's case, since a student off to university says the same words;
    an urgent one, since a child who hints may act before a normal case's day is out. The text
    speaks to whoever wrote, and names 120."""
    from tests.support.inbox_helpers import V1, place_family, staff_texts

    place_family(app, PHONE, V1)
    classifier_says(ORDINARY)
    sms.text(PHONE, "女儿昨晚留了张纸条 说以后你们就不用为我操心了")
    assert sms.replies(PHONE) == [text("distress_self_harm", "zh")]
    assert "120" in text("distress_self_harm", "zh")
    [case] = cases_of(sms, PHONE)
    assert (case.reason, case.priority) == ("distress", Case.URGENT)
    assert staff_texts(app, "wang")[-1].startswith(f"紧急求助 #{case.id}")


def test_a_hint_of_suicide_while_a_worker_has_the_family_makes_their_case_urgent(
    app, area, sms, classifier_says
):
    from tests.support.inbox_helpers import V1, place_family, staff_texts

    place_family(app, PHONE, V1)
    classifier_says(DISTRESS)
    sms.text(PHONE, "孩子最近老是一个人哭 也不说话")
    [case] = cases_of(sms, PHONE)
    assert case.priority == Case.NORMAL
    replies = sms.replies(PHONE)

    classifier_says(ORDINARY)
    before = len(staff_texts(app, "wang"))
    sms.text(PHONE, "刚才她跟我说 以后你们就不用为我操心了")
    [case] = cases_of(sms, PHONE)
    assert (case.reason, case.priority) == ("distress", Case.URGENT)
    # Told it is urgent now, then the family's words, as with any message on the case.
    told = staff_texts(app, "wang")[before:]
    assert [t[:6] for t in told] == [f"紧急求助 #{case.id}"[:6], f"#{case.id} 家庭说"[:6]]
    assert told[1] == f"#{case.id} 家庭说：刚才她跟我说 以后你们就不用为我操心了"
    # The worker answers them; meanwhile they are told a worker has it, and to call 120 or 110
    # if someone may get hurt (before, nothing until the worker wrote).
    assert sms.replies(PHONE) == [*replies, text("distress_self_harm", "zh")]

    sms.text(PHONE, "她现在在睡觉")  # still urgent: no second notice
    assert sms.replies(PHONE) == [*replies, text("distress_self_harm", "zh")]


def test_a_sign_of_self_harm_is_never_taken_for_the_answer_to_the_place_question(
    app, area, sms, classifier_says
):
    """Before, a second sign while the place question waited was read as a village's name:
    the family got "好的，工作人员会尽快联系您" and no worker was texted."""
    import dataclasses

    from tests.support.inbox_helpers import T1, staff_texts
    from webhooks.services import current

    services = current()
    services.settings = dataclasses.replace(services.settings, UNPLACED_REGION_CODE=T1)
    classifier_says(ORDINARY)
    sms.text(PHONE, "孩子说 以后你们就不用为我操心了")  # an urgent case; where do they live?
    assert sms.replies(PHONE) == [text("distress_self_harm", "zh"), text("place_question", "zh")]
    sms.text(PHONE, "刚才她又说 没有我你们会更轻松")
    [case] = cases_of(sms, PHONE)
    assert staff_texts(app, "chen")[-1] == f"#{case.id} 家庭说：刚才她又说 没有我你们会更轻松"
    assert len(sms.replies(PHONE)) == 2  # the place question still waits for its answer


@pytest.mark.parametrize(
    "report",
    ["刚才她跟我说 以后你们就不用为我操心了", "他爸天天打孩子，打得身上都是伤"],
    ids=["sign-of-self-harm", "sure-report"],
)
def test_a_no_to_the_danger_question_leaves_a_later_report_urgent(sms, classifier_says, report):
    """The danger question asks about the report it followed; a sign of self-harm or a report
    the screen was sure of, which nobody asked the family about, outweighs a "2" to it
    (before, the "2" lowered the case to normal)."""
    classifier_says(PROBABLE)
    sms.text(PHONE, "孩子这两天不太对劲")
    classifier_says(ORDINARY)
    sms.text(PHONE, report)
    sms.text(PHONE, "2")
    [case] = cases_of(sms, PHONE)
    assert (case.priority, case.danger_question_at) == (Case.URGENT, None)
    assert sms.replies(PHONE)[-1] == text("danger_denied", "zh")  # noted; a worker still calls


def test_after_a_sure_report_the_family_is_not_asked_about_a_less_sure_one(sms, classifier_says):
    """Before, the question followed and a "2" to it lowered the case, sure report and all."""
    classifier_says(ORDINARY)
    sms.text(PHONE, "他爸天天打孩子，打得身上都是伤")
    classifier_says(PROBABLE)
    sms.text(PHONE, "孩子这两天不太对劲")
    classifier_says(ORDINARY)
    sms.text(PHONE, "2")
    [case] = cases_of(sms, PHONE)
    assert case.priority == Case.URGENT
    assert text("danger_question", "zh") not in sms.replies(PHONE)


def test_a_second_report_the_screen_is_not_sure_of_is_still_answered_by_a_no(sms, classifier_says):
    """A family who sends their story in two texts, neither sure, is asked once; their "2"
    answers for both."""
    classifier_says(PROBABLE)
    sms.text(PHONE, "孩子这两天不太对劲")
    sms.text(PHONE, "饭也不吃 话也不说")
    sms.text(PHONE, "2")
    assert sms.replies(PHONE) == [
        text("emergency", "zh"),
        text("danger_question", "zh"),
        text("danger_denied", "zh"),
    ]
    [case] = cases_of(sms, PHONE)
    assert case.priority == Case.NORMAL


def test_a_family_who_opted_out_still_reaches_a_worker_with_a_sign_of_self_harm(
    sms, classifier_says
):
    sms.text(PHONE, "退订")
    classifier_says(ORDINARY)
    sms.text(PHONE, "孩子说 以后你们就不用为我操心了")
    [case] = cases_of(sms, PHONE)
    assert (case.reason, case.priority) == ("distress", Case.URGENT)
    assert sms.replies(PHONE) == [text("opted_out", "zh")]  # nothing more is texted


def test_a_family_who_opted_out_gets_a_case_for_a_concern_and_no_bot_turn(sms, classifier_says):
    """Review: the bot's turn ran for a family who opted out, its answers all suppressed, and
    moved their conversation on: back after START, they would be mid-screening."""
    sms.text(PHONE, "退订")
    classifier_says(CONCERN)
    sms.text(PHONE, "娃这几天晚上都不回屋 在牛棚里睡")
    [case] = cases_of(sms, PHONE)
    assert (case.reason, case.priority) == ("distress", Case.NORMAL)
    assert sms.replies(PHONE) == [text("opted_out", "zh")]  # nothing more is texted
    [*_, last] = [m for m in sms.thread(PHONE) if m.direction == Message.IN]
    assert (last.status, last.holding_reply_sent) == (Message.HANDLED, False)


def test_self_harm_told_with_a_laugh_is_an_urgent_case(sms, classifier_says):
    """Tuning round thirty: a child's overdose told with a laugh was a normal case, the
    joke's words guarding the rule's hit. It is a sign: urgent, and 120 named."""
    classifier_says(ORDINARY)
    sms.text(PHONE, "哈哈哈哈😂😂 我吃了一整瓶安眠药 现在好困 拜拜")
    [case] = cases_of(sms, PHONE)
    assert (case.reason, case.priority) == ("distress", Case.URGENT)
    assert sms.replies(PHONE)[0] == text("distress_self_harm", "zh")


def test_a_sign_of_self_harm_told_as_a_talk_is_not_urgent(sms, monkeypatch):
    """Only a hint rule's sign makes the case urgent, not self-harm told as past or a talk."""
    from tests.support.classifier import FixedModel
    from webhooks.safety import screen

    monkeypatch.setattr(screen, "default_model", lambda: FixedModel(0.3))
    sms.text(PHONE, "学校开了个讲座 讲孩子割腕自杀的事")
    [case] = cases_of(sms, PHONE)
    assert (case.reason, case.priority) == ("distress", Case.NORMAL)
    assert sms.replies(PHONE) == [text("distress_case", "zh")]


def test_a_teenagers_hint_with_a_question_about_aid_is_urgent_and_the_bot_answers(
    sms, classifier_says
):
    """Walked on make run as a teenager: "i'm a burden" with a question about school fees got
    "We are concerned about the child", written for a carer, and a normal case."""
    classifier_says(ORDINARY)
    sms.text(PHONE, "my grandma is raising me alone, i'm a burden. how do i apply for school aid?")
    assert sms.replies(PHONE) == [text("distress_self_harm_aid", "en"), text("holding", "en")]
    [case] = cases_of(sms, PHONE)
    assert (case.reason, case.priority) == ("distress", Case.URGENT)


def test_distress_told_with_a_question_about_aid_reaches_a_worker_and_the_bot(
    app, area, sms, classifier_says
):
    """Issue 26 and 19: an aid question told with a child's distress opens a case for a worker
    without silencing the bot, which screens the family until the worker replies."""
    from tests.support.inbox_helpers import V1, place_family, staff_texts
    from webhooks.casework import cases
    from webhooks.core.models import Worker

    place_family(app, PHONE, V1)  # Director Wang's village; she has a phone for alerts
    classifier_says(DISTRESS)
    sms.text(PHONE, "他爸走了以后娃天天一个人哭 饭也不吃 能领啥补助")
    # The notice, then the bot's turn (Rasa is away in this fixture: its holding line).
    assert sms.replies(PHONE) == [text("distress_case_aid", "zh"), text("holding", "zh")]
    [case] = cases_of(sms, PHONE)
    assert (case.reason, case.priority) == ("distress", Case.NORMAL)
    assert "机器人继续回复家庭" in case.summary
    with Session() as session:
        assert session.get(Conversation, case.conversation_id).mode == Conversation.BOT

    assert staff_texts(app, "wang")[-1].startswith(f"新求助 #{case.id}")

    sms.text(PHONE, "还是一个人哭 能领啥补助")  # the case is theirs already: no second notice
    assert sms.replies(PHONE).count(text("distress_case_aid", "zh")) == 1
    assert len(cases_of(sms, PHONE)) == 1
    assert staff_texts(app, "wang")[-1] == f"#{case.id} 家庭说：还是一个人哭 能领啥补助"

    with Session.begin() as session:  # the bot hands the family over: the worker hears it
        conversation = session.get(Conversation, case.conversation_id)
        cases.open_case(session, conversation, reason="requested", summary="想找儿童主任")
    assert staff_texts(app, "wang")[-1].startswith(f"新求助 #{case.id}")
    assert "想找儿童主任" in staff_texts(app, "wang")[-1]
    with Session() as session:
        assert session.get(Conversation, case.conversation_id).mode == Conversation.HUMAN
        # Walked on make run: the note that the bot keeps answering stayed after the handoff.
        assert "机器人继续回复家庭" not in session.get(Case, case.id).summary

    with Session.begin() as session:
        worker = session.get(Worker, area.workers["wang"])
        cases.reply(session, session.get(Case, case.id), worker, "您好，我是王主任。")
    with Session() as session:
        assert session.get(Conversation, case.conversation_id).mode == Conversation.HUMAN
        assert "机器人继续回复家庭" not in session.get(Case, case.id).summary

    # A turn Rasa was answering when the worker replied: its answer is not sent.
    from webhooks.core.rasa import BotReply
    from webhooks.messaging import turns

    with Session.begin() as session:
        [*_, last] = [m for m in sms.thread(PHONE) if m.direction == Message.IN]
        message = session.get(Message, last.id)
        message.status = Message.RECEIVED
        turns._apply(session, sms.services, message, BotReply(["孩子今年几岁？"], []))
        assert message.status == Message.HANDLED
    assert "孩子今年几岁？" not in [m.body for m in sms.thread(PHONE)]  # not even staged


def caller(sms, phone):
    """A call to the voice line of the app in this process, dialled in."""
    from tests.support.twilio import Call

    token = sms.services.settings.TWILIO_AUTH_TOKEN
    call = Call("http://localhost", token, phone, client=sms.client)
    call.dial_in()
    return call


def test_distress_told_on_a_call_is_read_out_and_reaches_a_worker(sms, classifier_says):
    """Issue 26 on the voice line: the caller hears that a worker has it (and 110), a worker
    gets the case; what was read out is not texted as well."""
    from webhooks.messaging.voice import for_the_ear

    call = caller(sms, PHONE)
    classifier_says(DISTRESS)
    call.say("孩子最近老是一个人哭 也不说话")
    notice = for_the_ear(text("distress_case", "zh"))
    assert call.heard()[: len(notice)] == notice
    [case] = cases_of(sms, PHONE)
    assert (case.reason, case.priority) == ("distress", Case.NORMAL)
    [notice_message] = [m for m in sms.thread(PHONE) if m.body == text("distress_case", "zh")]
    assert notice_message.status == Message.SPOKEN


def test_distress_with_an_aid_question_on_a_call_opens_a_case_and_keeps_the_bot(
    sms, classifier_says
):
    """The caller hears that a worker has it, even when the bot's answer is late (Rasa is away
    here: the holding line, the answer texted later); the bot still answers them."""
    from webhooks.messaging.voice import for_the_ear

    call = caller(sms, PHONE)
    classifier_says(DISTRESS)
    call.say("他爸走了以后娃天天一个人哭 能领啥补助")
    notice = for_the_ear(text("distress_case_aid", "zh"))
    assert call.heard()[: len(notice) + 1] == [*notice, text("voice_held", "zh")]
    [case] = cases_of(sms, PHONE)
    assert (case.reason, case.priority) == ("distress", Case.NORMAL)
    [notice_message] = [m for m in sms.thread(PHONE) if m.body == text("distress_case_aid", "zh")]
    assert notice_message.status == Message.SPOKEN
    with Session() as session:
        assert session.get(Conversation, case.conversation_id).mode == Conversation.BOT


def test_below_every_level_the_bot_answers(sms, classifier_says):
    classifier_says(ORDINARY)
    sms.text(PHONE, "孩子能领什么补助")
    assert cases_of(sms, PHONE) == []
    assert sms.replies(PHONE) == [text("holding", "zh")]  # Rasa is away in this fixture


# --- A reply to the bot's own screening question ---

PARENTS_QUESTION = "孩子的爸爸妈妈现在怎么样？"


def bot_turn(sms, phone, body, texts, payloads=()):
    """The family texts `body` and the bot answers it with `texts` and `payloads`, as a turn
    does (Rasa does not answer in this fixture); the family's conversation after it."""
    from webhooks.core.conversations import find_sms_conversation
    from webhooks.core.rasa import BotReply
    from webhooks.messaging import turns

    sms.text(phone, body)
    with Session.begin() as session:
        conversation = find_sms_conversation(session, sms.services.vault, phone)
        [*_, message] = [m for m in conversation.messages if m.direction == Message.IN]
        message.status = Message.RECEIVED
        turns._apply(session, sms.services, message, BotReply(list(texts), list(payloads)))
        return conversation.id


def bot_asked(sms, phone=PHONE, minutes_ago=0, fact="father.status"):
    """The bot's last turn asked a screening question about `fact`, as turns does when the
    action server sends its "asking" payload (actions/screening.py)."""
    from datetime import timedelta

    body, question = "孩子他爸不在了 能领啥补助", [{"asking": fact}]
    conversation_id = bot_turn(sms, phone, body, [PARENTS_QUESTION], question)
    with Session.begin() as session:
        session.get(Conversation, conversation_id).bot_asked_at -= timedelta(minutes=minutes_ago)


def test_a_reply_to_the_bots_question_read_as_distress_keeps_the_screening_going(
    sms, classifier_says
):
    """Round twenty-eight: a family answering the bot's question about the parents ("他妈吸毒
    进去了 爸爸跑了 孩子跟我", read 0.81) got a worker's case and a silent bot, mid-screening.
    The classifier alone reading an answer as distress is a concern now: a worker reads it, the
    family is told so, and the bot asks its next question."""
    bot_asked(sms)
    classifier_says(DISTRESS)
    sms.text(PHONE, "他妈吸毒进去了 爸爸跑了 孩子跟我")
    # The line, then the bot's turn (Rasa is away in this fixture: its holding line).
    assert sms.replies(PHONE)[-2:] == [text("concern_case", "zh"), text("holding", "zh")]
    [case] = cases_of(sms, PHONE)
    assert (case.reason, case.priority) == ("distress", Case.NORMAL)
    with Session() as session:
        assert session.get(Conversation, case.conversation_id).mode == Conversation.BOT


@pytest.mark.parametrize("reply", ["找不到人", "法院判失踪", "联系不上半年", "找不到人。"])
def test_a_reply_in_the_bots_own_words_is_no_danger(sms, classifier_says, reply):
    """Round thirty-one (replies): "找不到人", a choice of the bot's own menu for a parent it
    cannot reach, got the emergency numbers, and "法院判失踪" a worker's case that silenced the
    bot. A reply that picks a choice of the bot's question is its answer, nothing more."""
    bot_asked(sms)
    classifier_says(PROBABLE)  # however the classifier would read it
    sms.text(PHONE, reply)
    assert sms.replies(PHONE)[-1] == text("holding", "zh")  # the bot's turn (Rasa away)
    assert cases_of(sms, PHONE) == []


def test_a_circled_number_in_a_reply_is_read_and_kept(sms, classifier_says):
    """Review: "①" is a digit to str.isdigit but not to int(); reading it as a menu choice
    raised, and the family's message was rolled back with the webhook."""
    bot_asked(sms)
    classifier_says(ORDINARY)
    sms.text(PHONE, "①")
    assert sms.replies(PHONE)[-1] == text("holding", "zh")


def test_danger_told_in_a_reply_is_the_alarm(sms, classifier_says):
    bot_asked(sms)
    classifier_says(PROBABLE)
    sms.text(PHONE, "找不到人 他走之前把孩子打得满身是血")
    assert sms.replies(PHONE)[-1] == text("emergency", "zh")


def no_question_since(sms, phone=PHONE):
    """The bot's next turn asked nothing (an answer, the result, a menu)."""
    bot_turn(sms, phone, "低保是什么", ["低保是……"])


def opted_out(sms, phone=PHONE):
    from webhooks.core.conversations import find_sms_conversation
    from webhooks.core.models import FamilyContact

    with Session.begin() as session:
        conversation = find_sms_conversation(session, sms.services.vault, phone)
        session.get(FamilyContact, conversation.contact_id).opted_out = True


@pytest.mark.parametrize(
    "before",
    [
        lambda sms: bot_asked(sms, minutes_ago=30),  # long after the question
        lambda sms: bot_asked(sms, fact="child.age"),  # a question not about the family
        lambda sms: (bot_asked(sms), no_question_since(sms)),  # a turn that asked nothing
    ],
    ids=["late", "age", "answered"],
)
def test_distress_that_answers_no_question_about_the_family_is_distress(
    sms, classifier_says, before
):
    before(sms)
    classifier_says(DISTRESS)
    sms.text(PHONE, "他妈吸毒进去了 爸爸跑了 孩子跟我")
    assert sms.replies(PHONE)[-1] == text("distress_case", "zh")
    [case] = cases_of(sms, PHONE)
    with Session() as session:
        assert session.get(Conversation, case.conversation_id).mode == Conversation.HUMAN


def test_a_family_who_opted_out_is_answering_no_one(sms, classifier_says):
    """Review: read as a concern, an opted-out family's reply opened a case noting that the bot
    keeps answering, with nothing going to them."""
    bot_asked(sms)
    opted_out(sms)
    classifier_says(DISTRESS)
    sms.text(PHONE, "他妈吸毒进去了 爸爸跑了 孩子跟我")
    [case] = cases_of(sms, PHONE)
    assert "机器人继续回复家庭" not in case.summary
    with Session() as session:
        assert session.get(Conversation, case.conversation_id).mode == Conversation.HUMAN


def test_the_screenings_questions_about_the_family_are_the_engines_facts():
    """The action server names the fact it asks about (actions/screening.py); the app keeps the
    ones whose answers tell hard family facts."""
    from actions.eligibility import data
    from webhooks.messaging.inbound import ABOUT_THE_FAMILY

    facts = data.facts()
    known = {*facts["facts"], *(f"group:{name}" for name in facts["groups"])}
    assert not ABOUT_THE_FAMILY - known


@pytest.mark.parametrize("estimate", [PROBABLE, "rule"])
def test_danger_told_in_a_reply_to_the_bots_question_still_gets_the_numbers(
    sms, classifier_says, estimate
):
    bot_asked(sms)
    if estimate == "rule":
        sms.text(PHONE, "他爸天天打孩子，打得身上都是伤")
    else:
        classifier_says(PROBABLE)
        sms.text(PHONE, "爸爸喝醉了 孩子两天没吃饭了")
    assert text("emergency", "zh") in sms.replies(PHONE)
    [case] = cases_of(sms, PHONE)
    assert case.priority == Case.URGENT
