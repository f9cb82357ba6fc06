"""Families placed where they live from what they write, and cases following them there."""

import pytest
from sqlalchemy import select

from tests.support.inbox_helpers import StaffClient, add_worker, demo_county, staff_texts
from webhooks.casework.placement import candidates, full_name, named_outright
from webhooks.core.conversations import find_sms_conversation
from webhooks.core.db import Session
from webhooks.core.models import Case, CaseEvent, FamilyContact, Message, Worker
from webhooks.core.texts import text
from webhooks.safety import language_of

PHONE = "+8613800000077"


@pytest.fixture
def county(app):
    """The demo county: 城关镇 and 石桥乡, three villages each, a 东风村 in both."""
    return demo_county()


@pytest.fixture
def bot_county(bot_app):
    return demo_county()


def names(answer: str) -> list[str] | None:
    with Session() as session:
        found = candidates(session, answer)
        return None if found is None else sorted(full_name(region) for region in found)


@pytest.mark.parametrize(
    ("answer", "place"),
    [
        ("红旗村", "城关镇红旗村"),
        ("红旗", "城关镇红旗村"),
        ("我家在红旗村", "城关镇红旗村"),
        ("俺是红旗村的", "城关镇红旗村"),
        ("城关镇红旗村", "城关镇红旗村"),
        ("城关红旗", "城关镇红旗村"),
        ("城關鎮紅旗村", "城关镇红旗村"),  # traditional characters
        ("宏旗村", "城关镇红旗村"),  # a homophone typo
        ("hongqi cun", "城关镇红旗村"),  # pinyin
        ("Hongqi", "城关镇红旗村"),
        ("hongqicun", "城关镇红旗村"),
        ("柳河村", "城关镇柳河村"),
        ("柳河湾", "城关镇柳河村"),  # an alias
        ("六河村", "城关镇柳河村"),  # a homophone typo
        ("liuhe", "城关镇柳河村"),
        ("桃园村", "石桥乡桃园村"),
        ("桃源村", "石桥乡桃园村"),  # a homophone typo
        ("taoyuan village", "石桥乡桃园村"),
        ("马家湾", "石桥乡马家湾村"),
        ("马家湾村三组", "石桥乡马家湾村"),
        ("majiawan", "石桥乡马家湾村"),
        ("石桥乡东风村", "石桥乡东风村"),
        ("石桥东风", "石桥乡东风村"),
        ("城关镇东风村", "城关镇东风村"),
        ("shiqiao dongfeng", "石桥乡东风村"),
        ("城关镇", "城关镇"),  # a township only
        ("石桥乡", "石桥乡"),
        ("shiqiao", "石桥乡"),
    ],
)
def test_an_answer_names_one_place(county, answer, place):
    assert names(answer) == [place]


@pytest.mark.parametrize("answer", ["东风村", "东风", "dongfeng", "冬风村"])
def test_two_villages_of_the_same_name_are_both_offered(county, answer):
    assert names(answer) == ["城关镇东风村", "石桥乡东风村"]


@pytest.mark.parametrize("answer", ["不知道", "不清楚", "don't know", "DONT KNOW", "我也不知道啊"])
def test_not_knowing_is_an_answer(county, answer):
    assert names(answer) is None


@pytest.mark.parametrize("answer", ["好的", "孩子发烧了", "北京", "asdfgh", "1234", "谢谢你们"])
def test_nonsense_names_no_place(county, answer):
    assert names(answer) == []


# --- The conversation: asked once, after the emergency text, and placed by the answer. ---


def contact_region(sms) -> int | None:
    with Session() as session:
        conversation = find_sms_conversation(session, sms.services.vault, PHONE)
        return session.get(FamilyContact, conversation.contact_id).region_id


def the_case(sms, phone=PHONE) -> Case | None:
    with Session() as session:
        conversation = find_sms_conversation(session, sms.services.vault, phone)
        return session.scalar(select(Case).where(Case.conversation_id == conversation.id))


def test_danger_gets_the_numbers_first_then_the_place_question(sms, county):
    sms.text(PHONE, "他爸天天打孩子，打得身上都是伤")
    assert sms.replies(PHONE) == [text("emergency", "zh"), text("place_question", "zh")]
    case = the_case(sms)
    assert (case.priority, case.region_id) == (Case.URGENT, county["CN-51-demo"])  # the root


def test_an_english_family_naming_the_place_in_pinyin_is_answered_in_english(sms, county):
    """The English place question's example is pinyin ("Chengguan Dongfeng"): a family who
    answers so is still answered in English."""
    sms.text(PHONE, "my stepdad beats my little brother every night")
    assert sms.replies(PHONE) == [text("emergency", "en"), text("place_question", "en")]
    sms.text(PHONE, "Chengguan Hongqi")
    assert sms.replies(PHONE)[-1] == text("place_thanks", "en", place="城关镇红旗村")
    assert the_case(sms).region_id == county["CN-51-demo-t1-v2"]


def test_a_bare_number_is_no_place_and_the_question_stands(sms, county):
    # Walked on make run: "1" (meaning yes, in danger) closed the place question with "a worker
    # will contact you", and the village told next was never read: the case stayed unplaced.
    sms.text(PHONE, "他爸天天打孩子，打得身上都是伤")
    sms.text(PHONE, "1")
    assert sms.replies(PHONE)[-1] == text("place_question", "zh")
    sms.text(PHONE, "红旗村")
    assert sms.replies(PHONE)[-1] == text("place_thanks", "zh", place="城关镇红旗村")
    assert the_case(sms).region_id == county["CN-51-demo-t1-v2"]


def worker_with_phone(sms, username, name, role, region_id, phone) -> None:
    with Session.begin() as session:
        session.add(
            Worker(
                username=username,
                display_name=name,
                role=role,
                region_id=region_id,
                password_hash="-",
                phone_ciphertext=sms.services.vault.encrypt(phone),
                phone_hash=sms.services.vault.lookup_hash(phone),
            )
        )


def hongqi_director(sms, county) -> None:
    """红旗村's director, username hongqi, with a phone for alerts."""
    worker_with_phone(
        sms, "hongqi", "李主任", "worker", county["CN-51-demo-t1-v2"], "+8613900000002"
    )


def test_the_directors_alert_on_her_phone_shows_the_familys_words(sms, county):
    """The alert is two segments at most: the family's words come first, what the screen
    found after them (cut first when the words are long)."""
    hongqi_director(sms, county)
    words = "他爸天天喝酒打孩子，昨晚打得身上都是伤，今天又说要打死他，孩子躲在我家不敢回去"
    sms.text(PHONE, words)
    sms.text(PHONE, "红旗村")
    [alert] = staff_texts(sms.app, "hongqi")
    assert alert.startswith(f"紧急求助 #{the_case(sms).id} (红旗村)：“{words}”")


def test_danger_naming_the_village_reaches_its_director_without_a_question(sms, county):
    """A sure alarm whose text names the village in full: placed at once, the director's
    phone has the urgent case, and the family is told who has it instead of being asked."""
    hongqi_director(sms, county)
    sms.text(PHONE, "他爸天天打孩子，打得身上都是伤 我们是城关镇红旗村的")
    [alert] = staff_texts(sms.app, "hongqi")
    assert alert.startswith("紧急求助 #")
    assert sms.replies(PHONE) == [
        text("emergency", "zh"),
        text("place_thanks", "zh", place="城关镇红旗村"),
    ]
    assert the_case(sms).region_id == county["CN-51-demo-t1-v2"]


def test_the_answer_places_the_family_and_routes_the_case(sms, county):
    hongqi_director(sms, county)
    sms.text(PHONE, "他爸天天打孩子，打得身上都是伤")
    assert staff_texts(sms.app, "hongqi") == []  # not theirs until the family is placed
    sms.text(PHONE, "宏旗村")
    [alert] = staff_texts(sms.app, "hongqi")  # the case, not the answer to our question
    assert alert.startswith("紧急求助 #") and "红旗村" in alert
    village = county["CN-51-demo-t1-v2"]
    assert contact_region(sms) == village
    case = the_case(sms)
    assert case.region_id == village
    assert sms.replies(PHONE)[-1] == text("place_thanks", "zh", place="城关镇红旗村")
    with Session() as session:
        placed = session.scalars(
            select(CaseEvent.detail).where(
                CaseEvent.case_id == case.id, CaseEvent.kind == CaseEvent.PLACED
            )
        ).all()
    assert placed == [{"region": "CN-51-demo-t1-v2", "name": "城关镇红旗村"}]


def test_danger_about_aid_unanswered_asks_the_place_and_reads_it(sms, county):
    """Issue 26: a sure alarm on a text asking about aid asks "is a child in danger now?"
    first; a family who answers something else is asked where they live, and their answer
    places the case."""
    sms.text(PHONE, "他爸天天打孩子 能领什么补助吗")
    assert sms.replies(PHONE) == [text("emergency", "zh"), text("danger_question", "zh")]
    sms.text(PHONE, "我也不知道咋说")
    assert sms.replies(PHONE)[-1] == text("place_question", "zh")
    sms.text(PHONE, "宏旗村")
    assert sms.replies(PHONE)[-1] == text("place_thanks", "zh", place="城关镇红旗村")
    case = the_case(sms)
    assert (case.priority, case.region_id) == (Case.URGENT, county["CN-51-demo-t1-v2"])


def test_two_places_fit_one_numbered_question(sms, county):
    sms.text(PHONE, "他爸天天打孩子，打得身上都是伤")
    sms.text(PHONE, "东风村")
    assert sms.replies(PHONE)[-1] == text(
        "place_choose", "zh", names="1.城关镇东风村 2.石桥乡东风村"
    )
    assert contact_region(sms) is None
    sms.text(PHONE, "2")
    assert contact_region(sms) == county["CN-51-demo-t2-v1"]
    assert sms.replies(PHONE)[-1] == text("place_thanks", "zh", place="石桥乡东风村")


def test_not_knowing_leaves_the_case_with_the_root_and_is_not_asked_again(sms, county):
    sms.text(PHONE, "他爸天天打孩子，打得身上都是伤")
    sms.text(PHONE, "不知道")
    assert sms.replies(PHONE)[-1] == text("place_unknown", "zh")
    sms.text(PHONE, "红旗村")  # now just words for the worker
    assert contact_region(sms) is None
    assert the_case(sms).region_id == county["CN-51-demo"]
    assert sms.replies(PHONE).count(text("place_question", "zh")) == 1


def test_a_placed_family_is_not_asked(sms, county):
    sms.text(PHONE, "你好")
    with Session.begin() as session:
        conversation = find_sms_conversation(session, sms.services.vault, PHONE)
        session.get(FamilyContact, conversation.contact_id).region_id = county["CN-51-demo-t1-v3"]
    sms.text(PHONE, "他爸天天打孩子，打得身上都是伤")
    assert text("place_question", "zh") not in sms.replies(PHONE)
    assert the_case(sms).region_id == county["CN-51-demo-t1-v3"]


def test_an_unplaced_case_waits_in_the_root_supervisors_unplaced_queue(sms, county):
    add_worker("county", "supervisor", county["CN-51-demo"])
    add_worker("hongqi", "worker", county["CN-51-demo-t1-v2"])
    sms.text(PHONE, "他爸天天打孩子，打得身上都是伤")
    case = the_case(sms)
    county_supervisor, director = StaffClient(sms.app, "county"), StaffClient(sms.app, "hongqi")
    assert f"#{case.id}" in county_supervisor.get("/inbox?queue=unplaced").text
    assert f"#{case.id}" not in director.get("/inbox?queue=unassigned").text
    sms.text(PHONE, "红旗村")
    assert f"#{case.id}" not in county_supervisor.get("/inbox?queue=unplaced").text
    assert f"#{case.id}" in director.get("/inbox?queue=unassigned").text


def test_the_case_page_names_villages_with_their_township_and_the_timeline_the_place(sms, county):
    add_worker("county", "supervisor", county["CN-51-demo"])
    sms.text(PHONE, "他爸天天打孩子，打得身上都是伤")
    case = the_case(sms)
    supervisor = StaffClient(sms.app, "county")
    page = supervisor.get(f"/inbox/cases/{case.id}").text
    assert ">城关镇东风村</option>" in page and ">石桥乡东风村</option>" in page
    supervisor.post(
        f"/inbox/cases/{case.id}/region", data={"region_id": county["CN-51-demo-t2-v1"]}
    )
    timeline = supervisor.get(f"/inbox/cases/{case.id}").text
    assert "设定地区 Region set" in timeline and "石桥乡东风村" in timeline
    assert "CN-51-demo-t2-v1" not in timeline


@pytest.mark.stack
def test_a_family_asking_for_a_person_through_the_bot_is_placed(bot_sms, bot_county):
    """The real Rasa and action server: the handoff, then the place question, then placed."""
    bot_sms.text(PHONE, "我想找儿童主任说话")
    replies = bot_sms.replies(PHONE)
    assert replies[-1] == text("place_question", "zh"), replies
    bot_sms.text(PHONE, "柳河湾")
    assert contact_region(bot_sms) == bot_county["CN-51-demo-t1-v3"]
    assert the_case(bot_sms).region_id == bot_county["CN-51-demo-t1-v3"]


@pytest.mark.stack
@pytest.mark.parametrize(
    "story",
    [
        "俺儿子判了五年 儿媳妇跑了 娃上三年级 帮我转给主任",
        "孩子爸爸去世了妈妈改嫁 我想跟工作人员说说情况",
        "孫仔個爸爸坐緊監 阿媽走咗 我想搵兒童主任",
        "my grandson is 8, his dad is in prison. can someone call me back",
    ],
)
def test_a_request_for_a_person_inside_a_story_is_handed_over_not_screened(
    bot_sms, bot_county, story
):
    bot_sms.text(PHONE, story)
    replies = bot_sms.replies(PHONE)
    assert replies[-1] == text("place_question", language_of(story)), replies
    assert the_case(bot_sms).conversation_id is not None


@pytest.mark.stack
def test_a_place_named_in_the_request_for_a_person_is_used_not_asked(bot_sms, bot_county):
    bot_sms.text(PHONE, "我想找儿童主任 孩他爸坐牢了 我家在柳河湾")
    replies = bot_sms.replies(PHONE)
    assert replies[-1] == text("place_thanks", "zh", place="城关镇柳河村"), replies
    assert text("place_question", "zh") not in replies
    assert the_case(bot_sms).region_id == bot_county["CN-51-demo-t1-v3"]


@pytest.mark.parametrize(
    ("said", "code"),
    [
        ("我家在城关镇红旗村 孩子他爸走了", "CN-51-demo-t1-v2"),
        ("住柳河湾 娃七岁", "CN-51-demo-t1-v3"),
        ("城关镇东风村的", "CN-51-demo-t1-v1"),
        ("东风村的", None),  # two 东风村: asked which
        ("红旗村和桃园村都住过", None),  # two places: not guessed
        ("冬风村", None),  # a sound-alike is for the place question, not a story
        ("孩子他爸坐牢了", None),
    ],
)
def test_only_a_place_named_in_full_is_taken_from_a_story(county, said, code):
    with Session() as session:
        region = named_outright(session, said)
        assert (region.code if region else None) == code


def test_a_web_chat_family_is_asked_and_placed_alike(client, county):
    """No phone, no contact: the place is kept on the conversation."""
    first = client.post("/chat/api/messages", json={"body": "他爸天天打孩子，打得身上都是伤"})
    token = first.get_json()["token"]
    headers = {"X-Chat-Token": token}
    client.post("/chat/api/messages", json={"body": "桃源村"}, headers=headers)
    shown = client.get("/chat/api/messages?after=0&wait=0", headers=headers).get_json()
    replies = [m["body"] for m in shown["messages"] if m["from"] != "family"]
    assert replies == [
        text("emergency", "zh"),
        text("place_question", "zh"),
        text("place_thanks", "zh", place="石桥乡桃园村"),
    ]
    with Session() as session:
        case = session.scalar(select(Case))
        assert case.region_id == county["CN-51-demo-t2-v2"]
        assert case.conversation.region_id == county["CN-51-demo-t2-v2"]


# --- After a screening (no case): the place names the family's own office. ---


def screened(sms, phone=PHONE) -> None:
    """The bot's result has just gone out and the family was asked where they live, as
    turns does when the action server sends its "screened" payload."""
    from webhooks.core.rasa import BotReply
    from webhooks.jobs import tasks
    from webhooks.messaging import turns

    sms.text(phone, "你好")  # a conversation; Rasa does not answer in this fixture
    with Session.begin() as session:
        conversation = find_sms_conversation(session, sms.services.vault, phone)
        message = conversation.messages[0]
        message.status = "received"
        turns._apply(session, sms.services, message, BotReply(["结果……"], [{"screened": True}]))
    tasks.send_outbound(message.conversation_id)  # as the turn's own job does


def test_after_a_screening_the_family_is_asked_where_to_apply(sms, county):
    screened(sms)
    assert sms.replies(PHONE)[-1] == text("place_question_office", "zh")
    sms.text(PHONE, "马家湾三组")
    assert contact_region(sms) == county["CN-51-demo-t2-v3"]
    assert sms.replies(PHONE)[-1] == text(
        "place_noted", "zh", place="石桥乡马家湾村", township="石桥乡"
    )
    assert the_case(sms) is None  # nobody asked for a person: no case


def test_a_distress_case_the_bot_screens_moves_with_the_family_to_their_village(
    sms, county, classifier_says
):
    """Issue 26: distress told with an aid question leaves the bot screening, with a case open
    for the county; the place the family names after the result takes the case to its village
    director, who is told."""
    from tests.support.classifier import DISTRESS, ORDINARY

    hongqi_director(sms, county)
    classifier_says(DISTRESS)
    sms.text(PHONE, "他爸走了以后娃天天一个人哭 饭也不吃 能领啥补助")
    assert the_case(sms).region_id == county["CN-51-demo"]  # not placed: the county's
    classifier_says(ORDINARY)
    screened(sms)
    assert sms.replies(PHONE)[-1] == text("place_question_office", "zh")
    assert staff_texts(sms.app, "hongqi") == []
    sms.text(PHONE, "红旗村")
    assert contact_region(sms) == county["CN-51-demo-t1-v2"]
    assert the_case(sms).region_id == county["CN-51-demo-t1-v2"]
    [alert] = staff_texts(sms.app, "hongqi")  # the village director hears of the case
    assert "红旗村" in alert


def test_after_a_screening_another_question_goes_to_the_bot(sms, county):
    screened(sms)
    sms.text(PHONE, "低保怎么申请")
    assert contact_region(sms) is None
    assert sms.replies(PHONE)[-1] == text("holding", "zh")  # to the bot (away in this fixture)
    sms.text(PHONE, "红旗村")  # the question has lapsed: this is the bot's too
    assert contact_region(sms) is None


def county_officer(sms, county) -> None:
    """A supervisor for the whole county, username xian, with a phone: unplaced cases are hers."""
    worker_with_phone(sms, "xian", "周科长", "supervisor", county["CN-51-demo"], "+8613900000031")


def test_a_concern_that_answers_the_place_question_places_the_family_and_its_case(
    sms, county, classifier_says
):
    """Review: a reply to the place question that the classifier reads as a concern opened a
    case and was never read as a place: the family was not told their office, and the case
    stayed with the county. Now both: the village director has the case."""
    from tests.support.classifier import CONCERN, ORDINARY

    hongqi_director(sms, county)
    classifier_says(ORDINARY)
    screened(sms)
    assert sms.replies(PHONE)[-1] == text("place_question_office", "zh")
    classifier_says(CONCERN)
    sms.text(PHONE, "住在红旗村 娃爸妈都出去打工了 就我一个老婆子带着")
    assert contact_region(sms) == county["CN-51-demo-t1-v2"]
    case = the_case(sms)
    assert (case.reason, case.region_id) == ("distress", county["CN-51-demo-t1-v2"])
    # Where to apply, as for any answer to the question, then that a worker will read it too.
    *_, noted, told = sms.replies(PHONE)
    assert "红旗村" in noted and told == text("concern_case", "zh")
    assert any("红旗村" in alert for alert in staff_texts(sms.app, "hongqi"))


def test_a_later_concern_is_news_for_the_worker_not_the_answer_to_the_place_question(
    sms, county, classifier_says
):
    """Review: with a concern case open and the place question waiting, a second concern was
    taken for an unknown place ("好的，工作人员会尽快联系您"), and whoever had the case was told
    nothing."""
    from tests.support.classifier import CONCERN, ORDINARY

    county_officer(sms, county)
    classifier_says(CONCERN)
    sms.text(PHONE, "娃这几天晚上都不回屋 在牛棚里睡")
    case = the_case(sms)
    assert case.region_id == county["CN-51-demo"]  # nobody knows where they live yet
    classifier_says(ORDINARY)
    screened(sms)
    assert sms.replies(PHONE)[-1] == text("place_question_office", "zh")
    classifier_says(CONCERN)
    sms.text(PHONE, "叫他也不应 饭也不吃")
    assert text("place_unknown", "zh") not in sms.replies(PHONE)
    assert staff_texts(sms.app, "xian")[-1] == f"#{case.id} 家庭说：叫他也不应 饭也不吃"


def test_a_concern_naming_the_village_in_full_is_placed_there_without_a_question(
    sms, county, classifier_says
):
    from tests.support.classifier import CONCERN

    hongqi_director(sms, county)
    classifier_says(CONCERN)
    sms.text(PHONE, "城关镇红旗村的 娃这几天晚上都不回屋 在牛棚里睡")
    assert the_case(sms).region_id == county["CN-51-demo-t1-v2"]
    # One plain line and the bot's answer: no question, and no second "a worker will contact you".
    assert sms.replies(PHONE) == [text("concern_case", "zh"), text("holding", "zh")]
    assert any("红旗村" in alert for alert in staff_texts(sms.app, "hongqi"))


@pytest.mark.parametrize(
    ("body", "placed"),
    [("红旗村的 他爸走后娃天天哭 能领啥补助", True), ("他爸走后娃天天哭 不知道能领啥补助", False)],
)
def test_a_reply_to_the_place_question_that_asks_about_aid_is_answered_by_the_bot_too(
    sms, county, classifier_says, body, placed
):
    """Review: read as the place answer ("不知道" is "I don't know where I live" to the place
    reading), the aid question the family had just been promised an answer to got none."""
    from tests.support.classifier import CONCERN, ORDINARY

    classifier_says(ORDINARY)
    screened(sms)
    classifier_says(CONCERN)
    sms.text(PHONE, body)
    assert (contact_region(sms) == county["CN-51-demo-t1-v2"]) == placed
    assert the_case(sms).reason == "distress"
    [*_, last] = [m for m in sms.thread(PHONE) if m.direction == Message.IN]
    assert last.holding_reply_sent  # its turn with the bot ran (Rasa is away in this fixture)


def test_after_a_screening_not_knowing_the_place_promises_no_worker(sms, county):
    """Before, "不知道" to the office question got "好的，工作人员会尽快联系您" with no case behind
    it: nobody would have called. And any text with 不知道 ("不知道怎么申请", "不知道娃为啥老不回
    家") was read as not knowing the place: the family's words got no answer from the bot."""
    screened(sms)
    sms.text(PHONE, "不知道怎么申请")
    assert text("place_unknown", "zh") not in sms.replies(PHONE)
    [*_, last] = [m for m in sms.thread(PHONE) if m.direction == Message.IN]
    assert last.holding_reply_sent  # the bot's (Rasa is away in this fixture)

    screened(sms, "+8613800000079")
    sms.text("+8613800000079", "不知道娃为啥老不回家 叫也不应")
    assert text("place_unknown_office", "zh") not in sms.replies("+8613800000079")

    screened(sms, "+8613800000078")
    sms.text("+8613800000078", "我也不知道啊")
    assert sms.replies("+8613800000078")[-1] == text("place_unknown_office", "zh")
    assert the_case(sms, "+8613800000078") is None
