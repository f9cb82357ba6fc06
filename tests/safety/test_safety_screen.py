"""The danger screen on the messages the issue names, hard negatives and arbitrary text."""

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webhooks.safety.rules import CATEGORIES
from webhooks.safety.screen import DangerHit, check

# Messages from the issue and the brief, with the category the case should be opened under.
CRISES = [
    ("他爸天天打孩子", "abuse", "zh"),
    ("孩子被人欺负打伤了", "abuse", "zh"),
    ("娃不见了两天了", "missing_child", "zh"),
    ("孩子说不想活了", "suicide_self_harm", "zh"),
    ("有人要把孩子带走卖了", "trafficking", "zh"),
    ("孩子一个人在家好几天没人管", "neglect_left_alone", "zh"),
    ("继父对女儿动手动脚", "sexual_abuse", "zh"),
    ("孩子要跳楼", "suicide_self_harm", "zh"),
    ("孩子要跳樓", "suicide_self_harm", "zh"),
    ("haizi bei da le", "abuse", "zh"),
    ("haizibeidale", "abuse", "zh"),
    ("ta xiang zisha", "suicide_self_harm", "zh"),
    ("my husband beats the kids", "abuse", "en"),
    ("my son wants to kill himself", "suicide_self_harm", "en"),
    ("she has been missing since yesterday", "missing_child", "en"),
    ("a man touched my daughter", "sexual_abuse", "en"),
    ("救命，他拿刀要砍孩子", "immediate_danger", "zh"),
    ("宝宝喝了一口洁厕灵 嘴里起泡了", "immediate_danger", "zh"),
    ("孫仔予伊阿爸拍甲歸身軀攏烏青", "abuse", "zh"),  # Hokkien: beaten black and blue
    ("my toddler swallowed some of grandma's heart pills", "immediate_danger", "en"),
    ("two kids on the pond and the ice just cracked", "immediate_danger", "en"),
    ("nver fang xue dao xian zai mei hui jia", "missing_child", "zh"),
    ("how many sleeping pills to die", "suicide_self_harm", "en"),
    ("my son texted thank you for everything and now his phone is off", "suicide_self_harm", "en"),
    ("we found his slippers on the bank and he is not home", "immediate_danger", "en"),
    # Near the harmless frames the eighth session taught the rules (a review's probes).
    ("爸爸别打我了 好疼", "violence", "zh"),
    ("作业没写完。他爸要杀了我", "immediate_danger", "zh"),
    ("孩子考试没考好 他爸说要淹死他", "immediate_danger", "zh"),
    ("奶奶好怕 着火了 孩子还在屋里", "immediate_danger", "zh"),
    ("她抱着孩子跳水了", "suicide_self_harm", "zh"),
    ("孩子吃鸡蛋噎住了 救命", "immediate_danger", "zh"),
    ("he beat her 3-4 times last week with a belt", "violence", "en"),
    ("唔系讲笑 佢老豆打到个仔流晒血", "abuse", "zh"),  # Cantonese 打到 ... 流血
    ("唔系讲笑 个仔食咗老鼠药", "immediate_danger", "zh"),
    ("zen me ju bao wo ba da wo da de liu xue", "abuse", "zh"),
    ("他三杀了我们家两个孩子", "immediate_danger", "zh"),
]

# Messages a helpline for families gets every day that share words with danger.
HARD_NEGATIVES = [
    "孩子发烧了",
    "I'm dying to know when the money comes",
    "笑死我了",
    "孩子打疫苗要钱吗",
    "打电话没人接",
    "我在外地打工",
    "饿死了",
    "I'm just killing time",
    "We want to beat the deadline",
    "补贴什么时候打到卡上",
    "申请被打回来了",
    "这是孩子的救命钱",
    "事实无人抚养儿童怎么申请",
    "临时救助要什么材料",
    "孩子的户口本找不到了",
    "孩子他爸去年车祸去世了，能领孤儿补贴吗",
    "跳楼价大甩卖",
    "想死你们了",
    "My husband died last year, can the kids get the orphan allowance?",
    "HELP",
    "STOP",
    "退订",
    "帮助",
    "haizi fa shao le",
    "butie na dao le ma",
    # Frames a round of harmless messages full of alarm words showed (eighth session).
    "燃气灶打不着火了 找谁修",
    "女儿说作业多得要淹死了",  # homework hyperbole
    "数学作业杀了我吧",
    "我家那口子在菜市场跟人杀价杀了半天",
    "电瓶车电池鼓包了 怕着火",
    "老师说不能打孩子 要学正面管教",
    "Our team beat them 2-0 today, can we get help with the bus to the final?",
    "my brother hit me with a pillow, so unfair",
    "she says she'll run away if I take her phone, teenagers",
    "the flood drowned our corn, is there help with school fees?",
    "can the school buy life jackets so nobody drowns this summer",
    "Our basketball team beat them by 30 points!",
    "work and two kids, I feel like I'm drowning",
    "my niece drowned her phone in the toilet, will rice fix it?",
    "left the kids alone for 5 minutes and they painted the wall",
    "孩子放牧回来说牦牛跑丢了一头",
    "今天王者五杀了",
    "吃鸡决赛圈被毒圈毒死了",
    "個仔本學生證唔見咗，補辦要幾錢",
]


@pytest.mark.parametrize(("text", "category", "language"), CRISES)
def test_crisis_is_caught_with_category_and_language(text, category, language):
    hit = check(text)
    assert hit is not None, text
    assert (hit.category, hit.language) == (category, language)
    assert hit.rule_id and hit.matched


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negative_raises_no_alarm(text):
    assert check(text) is None


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("救命，他在打孩子", "immediate_danger"),  # also abuse
        ("my son wants to kill himself", "suicide_self_harm"),  # not a threat to "him"
    ],
)
def test_most_urgent_category_wins(text, category):
    assert check(text).category == category


def test_hit_is_frozen():
    hit = check("孩子失踪了")
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.category = "abuse"


@given(st.text(max_size=200))
def test_any_text_gives_none_or_a_hit(text):
    hit = check(text)
    assert hit is None or (isinstance(hit, DangerHit) and hit.category in CATEGORIES)


def test_a_change_to_how_messages_are_normalised_trains_the_classifier_again(monkeypatch):
    """The model's features are of the normalised text: a model trained before a change to
    normalise.py read messages another way and must not be reused."""
    from webhooks.safety import classifier, normalise

    before = classifier.fingerprint()
    source = Path(normalise.__file__)
    changed = source.read_bytes() + b"\n# changed\n"
    real_read = Path.read_bytes
    monkeypatch.setattr(
        Path, "read_bytes", lambda path: changed if path == source else real_read(path)
    )
    assert classifier.fingerprint() != before


@pytest.mark.parametrize(
    ("text", "guarded_"),
    [
        ("去年孩子掉河里了，现在好了", True),  # the past
        ("电视剧里那个孩子被拐卖了", True),  # a story
        ("妈妈因为虐待我们被法院撤销了监护权，现在我带着弟弟过", True),  # dealt with by a court
        ("Court took away my son's guardianship because he beat the child.", True),
        ("court took away son-in-law's guardianship for abuse, baby lives with me", True),
        ("笑死 我刚把药全吃了 就这样吧", False),  # a joke's words, and a danger now
        ("lol not a joke, he is hitting my sister right now", False),
        ("刚才忘了说，孩子小时候被他爸打过，能申请什么补助", True),  # the past stays the past
        ("right now we are watching a movie where a kid drowns", True),
        ("上学期被同学打的事学校已经处理了，还需要做什么", True),  # handled
        ("小区群里说有人贩子，是真的还是谣言", True),  # a rumour asked about
        ("we had a training on child abuse, he is hitting her right now", False),  # a talk, now
        # A question about reporting can come with a disclosure: never a guard.
        ("how do i report that my stepdad rapes me", False),
        ("怎么举报 继父强奸我", False),
        ("唔系讲笑啊 个仔喺度割脉", False),  # "I'm not joking"
        ("my son watched a documentary about trafficking and is scared", True),
        ("our son was abducted at 2 and found 3 years later, he's 9 now", True),
        ("he ran away at 13, police found him the same night", True),
        ("吓死我 以为孩子丢了 已经带回家了", True),  # found
        ("讲笑咩 佢真系话要斩死个仔", False),  # "joking? he really said he'd kill him"
        ("shang xue qi bei da de shi xuexiao yijing chuli le", True),  # handled
        ("cun li yao zai he bian li fang ni shui pai zi", True),  # a sign against drowning
        ("Child marriage was common in old China, how do I explain it to my girl?", True),
        ("my grandma was a child bride in the 1940s, where are the archives?", True),
        ("I was abused as a child and want a parenting course", True),
        ("is it legal for him to hit her with a belt till she bleeds", False),  # a question
        ("my daughter ran away last term and we still have not found her", False),
        ("he got burned by hot tea, the hospital treated it, which cream?", True),
        ("妇联志愿者问一下，反家暴宣传进村的海报在哪里领", True),
        ("孩子的爸爸前几年因为欠债自己跳楼了，想问孤儿补贴我们能不能领", True),
        # The past is read in the clause the danger is in; "everyone is fine" is no guard
        # ("佢打到個仔流晒血 仲話都冇事": he says it is nothing).
        ("因为家暴离的婚，那是2019年的事了，有什么补助吗", False),
        ("屋企失火烧咗间屋 大家都冇事 细路仔开学要交钱", False),
        ("孩子小时候被他爸打过，能申请什么补助", True),
        ("前几年他就打过孩子 今天又把孩子打得流血", False),
        (
            "A family here lost the father to suicide last spring, what can the children get?",
            True,
        ),
        # A past danger happening again is now; so is one that started then and goes on.
        ("去年他把孩子打进了医院 现在又开始打了", False),
        ("去年开始继父每天晚上都打孩子", False),
        ("my stepdad hit my sister last year, and he started again", False),
        # Round twenty-nine (aid questions with hard stories; speech-to-text): a clause that
        # looks back makes what came before it past, not what comes after.
        ("我离婚是因为他天天打我，那是六年前的事了。现在我和儿子过得挺好，能办低保吗", True),
        ("他天天打我，那是六年前的事了，现在又开始打孩子了", False),
        ("上个月的事 他把孩子卖了", False),
        ("房子着火是上个月的事，人都没事", True),
        # Speech-to-text has no commas: its clauses end at 嘛 and after a look back ("工地上回
        # 不去" is no "上回", last time).
        ("就是那个他爸以前喝了酒就打人嘛那是以前了现在戒了酒好几年了 低保能不能恢复", True),
        ("我那个前妻的男的打我儿子啊打得耳朵都流血了我人在工地上回不去", False),
        ("你干嘛打孩子 他现在还在打", False),
        ("Older son drowned 2 summers ago. Little one is 9 and ok. Any grief support?", True),
        ("Debt collectors threatened me last yr, lawyer sorted it. Fee waiver for my son?", True),
        ("我爸因为家暴被判了 我妈一个人打两份工 高中能免学费吗", True),  # a court's decision
        ("就是那个我跟娃娃他爸离婚的时候他打过我嘛那都是以前的事了现在娃娃跟我 抚养费他不给", True),
        # A review's probes: a look back reaches no clause that says now, and is no look back
        # when denied; what a court decided is past in its own clause only; a past danger that
        # goes on ("现在也打", "更凶了", "跟以前一样") is now.
        ("他正在打孩子 这不是以前的事了 是现在", False),
        ("ta tian tian da hai zi, zhe bu shi yi qian de shi le", False),
        ("我被他打过，那是六年前的事了，他把孩子打得浑身是伤", False),  # not what comes after
        ("he beat me, that was 5 years ago, he beats my son till he bleeds", False),
        ("他爸被判了刑，出来以后把孩子打得浑身是伤", False),
        ("他现在天天打娃 我也被他打过 是好几年前的事了", False),
        ("he is beating my son right now, he beat me too but that was 5 years ago", False),
        ("he raped me a long time ago and now he is doing it to my little sister", False),
        ("孩子抚养权被判了给他爸 现在他天天打孩子", False),
        ("police sorted it last time but he is hitting her again tonight", False),
        ("以前他就打娃啊现在更凶了", False),
        ("他以前打孩子，现在也打", False),
        ("俺家那口子现在嘛跟以前一样喝完酒就打娃", False),
        ("他以前就拿刀吓唬孩子嘛现在还是老样子", False),
        # Round thirty: how it ended, a notice passed on, a sentence, years ago in English.
        ("娃在学校被砸破了鼻子 流了好多血 校医处理好了 学校保险能赔吗", True),
        ("细路仔发烧烧到抽筋 送咗急症 而家退咗烧 医生话冇事", True),
        ("他爸杀人被判死缓 孩子在学校被人说 能转学吗", True),
        ("学校让签防溺水承诺书 上面写孩子溺水家长负责", True),
        ("school notice: a boy drowned in the river, no swimming", True),
        ("my daughter self harm 2 year ago, now she is better with therapy", True),
        ("she cut herself 2 years ago and now she is doing it again", False),
        # How it ended counts after the danger, not before it (review of round thirty).
        ("医生说没事 可她继父还在摸她下面 孤儿补贴能办吗", False),
        ("他把孩子打晕了 现在安静了", False),
        ("案子结了 可她爸出来又开始打孩子了 打得很凶", False),
        ("孩子不见了 还没找回来", False),
        ("my daughter ran away 2 months ago, still missing, can i get help", False),
        # The last review: across two clauses, a question, a family's own appeal.
        ("孩子前天找回来了 昨天又从学校跑了 到现在没找到", False),
        ("还好 孩子他爸又把孩子打得满脸是血了吗", False),
        ("紧急扩散！我女儿今天下午在公园走丢了 穿红衣服 有见到的请联系", False),
    ],
)
def test_guards_say_when_a_danger_phrase_is_no_danger_now(text, guarded_):
    from webhooks.safety.guards import guarded

    assert guarded(text) is guarded_


@pytest.mark.parametrize(
    ("probability", "level"),
    [(0.01, "distress"), (0.05, "probable"), (0.3, "sure"), (0.95, "sure")],
)
def test_a_rule_hit_the_classifier_reads_as_ordinary_asks_the_family_too(
    monkeypatch, probability, level
):
    """Issue 26: a rule's hit still alarms, but when the classifier reads the message as
    plainly ordinary the family also gets the question, so their no lowers the case; when it
    reads it as surely ordinary, however it reads it, a worker reads it (distress). A rule hit
    is never dropped for the classifier alone."""
    from tests.support.classifier import FixedModel
    from webhooks.safety import screen

    monkeypatch.setattr(screen, "default_model", lambda: FixedModel(probability))
    hit = screen.assess("孩子被打了 能申请什么补助")
    assert hit is not None and hit.level == level
    assert hit.alarm == (level != "distress")


@pytest.mark.parametrize(
    "text",
    [
        "my teacher touched me down there lmao what do i do",
        "孩子说想死 能申请什么补助吗",
        "宝宝吞了一颗电池 现在没事了吗 要去医院吗",
    ],
)
def test_the_classifier_never_overrules_an_immediate_danger_sexual_abuse_or_self_harm(
    monkeypatch, text
):
    from tests.support.classifier import FixedModel
    from webhooks.safety import screen

    monkeypatch.setattr(screen, "default_model", lambda: FixedModel(0.001))
    hit = screen.assess(text)
    assert hit is not None and hit.level == "probable"  # the numbers, and the question


@pytest.mark.parametrize(
    ("probability", "level"),
    [(0.01, "distress"), (0.5, "distress"), (0.9, "probable"), (0.99, "sure")],
)
def test_a_sign_of_danger_goes_to_a_worker_unless_the_classifier_reads_danger_too(
    monkeypatch, probability, level
):
    """A hint rule names a sign that ordinary messages also give ("以后你们就不用为我操心了"
    from a child, and from a student off to university): a worker reads it, and the family
    gets the emergency numbers only when the classifier reads danger too."""
    from tests.support.classifier import FixedModel
    from webhooks.safety import screen

    monkeypatch.setattr(screen, "default_model", lambda: FixedModel(probability))
    hit = screen.assess("女儿昨晚说以后你们就不用为我操心了")
    assert hit is not None and hit.rule_id == "zh-hint-not-a-burden"
    assert (hit.level, hit.alarm) == (level, level != "distress")


def test_a_sign_of_danger_told_as_past_and_read_as_ordinary_is_no_case(monkeypatch):
    from tests.support.classifier import FixedModel
    from webhooks.safety import screen

    monkeypatch.setattr(screen, "default_model", lambda: FixedModel(0.01))
    assert screen.assess("小时候我总觉得自己是多余的 现在想问下助学金怎么申请") is None


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        ("他爸天天打他 孩子说没有我你们会更轻松", "zh-abuse-hit-child"),
        ("my dad beats me every night, you'd all be better off without me", None),
    ],
)
def test_a_danger_told_beside_a_sign_is_the_alarm(monkeypatch, text, rule_id):
    """A hint rule's hit counts only when no other rule fires: a sign never turns a danger
    told into a worker's read."""
    from tests.support.classifier import FixedModel
    from webhooks.safety import screen

    monkeypatch.setattr(screen, "default_model", lambda: FixedModel(0.5))  # a sign: distress
    hit = screen.assess(text)
    assert hit is not None and hit.alarm and not hit.hint
    assert rule_id is None or hit.rule_id == rule_id


# Round twenty (long messages, written by a helper who read nothing): a school trip's child who
# was lost for forty minutes and found set off the missing-child rule, and got the numbers.
SCHOOL_TRIP = (
    "上周学校组织春游去森林公园，我女儿跟同学跑去看松鼠，跟大部队走散了四十多分钟，老师们分头"
    "找，最后在公园的游客中心找到了，是她自己找工作人员帮忙的。老师后来给我们家长道歉了，学校也"
    "做了检讨。我倒没怪老师，反而觉得孩子挺机灵的。就是想问问你们有没有给孩子讲的那种走失了怎么"
    "办的小册子"
)


@pytest.mark.parametrize(
    ("text", "alarm"),
    [
        (SCHOOL_TRIP, False),
        # Aid questions are most of what the classifier learned as ordinary: these rate 0.001
        # to 0.03 as written; without the question they are danger.
        ("我老公天天打孩子 能申请低保吗", True),
        ("孩子他爸打孩子 打得很厉害 能办低保不", True),
        ("孩子说想死 能申请什么补助吗", True),
        ("my husband beats our son, can we get dibao", True),
    ],
)
def test_an_ordinary_story_that_sets_off_a_rule_goes_to_a_worker(text, alarm):
    """A rule's hit in a message the classifier reads as surely ordinary, with or without its
    question about aid, is a worker's case (distress), not the emergency numbers."""
    from webhooks.safety import screen

    assert screen.check(text) is not None
    hit = screen.assess(text)
    assert hit is not None
    assert hit.alarm == alarm


@pytest.mark.parametrize(
    ("text", "rule_id", "sign"),
    [
        ("今天作业多得想死", "zh-hint-wish-to-die", True),
        ("考试考砸了 我想死的心都有了", "zh-hint-wish-to-die", True),
        ("返工攰到想死", "zh-hint-wish-to-die", True),
        ("想死嘅心都有", "zh-hint-wish-to-die", True),
        ("孩子说不想上学 想死", "zh-suicide-no-will-to-live", False),  # no figure of speech
    ],
)
def test_a_wish_to_die_of_tiredness_or_homework_is_a_sign_a_worker_reads(
    monkeypatch, text, rule_id, sign
):
    """Homework "想死" got the emergency numbers: a figure of speech, mostly, and from a child
    sometimes more. A sign (an urgent case for a worker, no numbers) unless the classifier
    reads danger too; a wish to die said plainly is the alarm as ever."""
    from tests.support.classifier import FixedModel
    from webhooks.safety import screen

    monkeypatch.setattr(screen, "default_model", lambda: FixedModel(0.3))
    hit = screen.assess(text)
    assert (hit.rule_id, hit.hint, hit.alarm) == (rule_id, sign, not sign)


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("哈哈哈哈😂😂 我吃了一整瓶安眠药 现在好困 拜拜", True),
        ("笑死 我要跳楼了 这价格", True),  # never dropped: a worker decides
        ("哈哈 学校讲座讲割腕的事", False),  # a talk: a worker reads it (distress)
        ("女儿两年前割过腕 哈哈 现在好了", False),  # the past: as ever
    ],
)
def test_self_harm_told_with_a_laugh_is_a_sign_never_dropped(monkeypatch, text, sign):
    """A child wrote "哈哈哈哈😂😂 我吃了一整瓶安眠药 现在好困 拜拜" (tuning round thirty): the
    joke's words guarded the hit and it was a normal case. Self-harm guarded by a joke alone
    is a sign: an urgent case for a worker (inbound.py), however the classifier reads it."""
    from tests.support.classifier import FixedModel
    from webhooks.safety import screen

    monkeypatch.setattr(screen, "default_model", lambda: FixedModel(0.01))
    hit = screen.assess(text)
    if sign:
        assert (hit.category, hit.hint, hit.level) == ("suicide_self_harm", True, "distress")
    else:
        assert hit is None or not hit.hint


@pytest.mark.parametrize(
    "text",
    ["孩子割腕了 伤口处理好了 怎么办", "女儿跳楼了 抢救过来了", "孩子说不想活了 医生说没事"],
)
def test_how_a_self_harm_ended_is_no_guard(monkeypatch, text):
    """Review: surviving an attempt is the crisis; "伤口处理好了" dropped a child's cut wrist."""
    from tests.support.classifier import FixedModel
    from webhooks.safety import screen

    monkeypatch.setattr(screen, "default_model", lambda: FixedModel(0.01))
    hit = screen.assess(text)
    assert hit is not None and hit.alarm


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("哈哈 今天上心理课 我跟老师说我昨晚割腕了", True),  # a talk and a joke: never dropped
        ("we had a training on child abuse, a man touched my daughter", True),  # a talk
        ("去年孩子掉河里了，现在好了", False),  # the past
    ],
)
def test_a_talk_never_drops_a_rule_hit_the_past_may(monkeypatch, text, kept):
    """A guarded rule hit the classifier reads as plainly ordinary is dropped when the message
    is about the past, a story or a joke; with a talk's or a class's words a worker still
    reads it (distress), since such words can come with a real disclosure."""
    from tests.support.classifier import FixedModel
    from webhooks.safety import screen

    monkeypatch.setattr(screen, "default_model", lambda: FixedModel(0.01))
    hit = screen.assess(text)
    assert (hit is not None and hit.level == "distress") if kept else hit is None


@pytest.mark.parametrize(
    ("text", "story"),
    [
        ("孩子被打了", None),  # nothing about aid
        ("能申请低保吗", None),  # nothing but aid
        ("想问下低保怎么申请 他把娃关柴房里了 一天了", "他把娃关柴房里了 一天了"),
        ("孤兒津貼仲有冇得拎？其實都唔緊要，今晚之後都唔使了", "其實都唔緊要 今晚之後都唔使了"),
        (
            "Asking about dibao. Also the baby is alone in the flat",
            "Also the baby is alone in the flat",
        ),
    ],
)
def test_the_story_is_the_message_without_its_clauses_about_aid(text, story):
    from webhooks.safety.reading import without_aid_question

    assert without_aid_question(text) == story


def test_a_danger_told_in_passing_in_a_question_about_aid_is_read_without_the_question(
    monkeypatch,
):
    """Issue 26: families' aid questions are most of what the classifier learned as ordinary, so
    a danger told in passing in one ("想问下低保怎么申请 ... 从昨天到现在没放出来") read as
    ordinary: 60 of 150 such messages got no numbers (tuning round sixteen). The classifier
    also reads the message without its clauses about aid, and the higher estimate counts."""
    from webhooks.safety import screen

    class ReadsAidAsOrdinary:
        def probability(self, text: str) -> float:
            return 0.02 if "低保" in text else 0.99

    monkeypatch.setattr(screen, "default_model", lambda: ReadsAidAsOrdinary())
    hit = screen.assess("想问下低保怎么申请 俺家那口子喝了酒把小子关柴房里 从昨天到现在没放出来")
    assert hit is not None and hit.alarm and hit.rule_id == "classifier"


@pytest.mark.parametrize(
    ("text", "alarm"),
    [
        (
            "想问下低保怎么申请 俺家那口子这两天喝了酒就把6岁的小子关柴房里 从昨天到现在没放出来",
            True,
        ),
        (
            "Asking about the disability allowance for my daughter, she's deaf and 12. A man came "
            "today offering to take her to the city for work. My husband took his money. They "
            "leave tomorrow morning.",
            True,
        ),
        (
            "孩子的爸爸前几年因为欠债自己跳楼了，我一直没改嫁，孩子现在初二，想问孤儿补贴我们能不能领",
            False,
        ),
        ("爸爸淹死那年我才四歲，現在我讀高一，媽媽改嫁了，請問我能不能申請助學金", False),
    ],
)
def test_danger_in_an_aid_question_alarms_and_an_old_sorrow_does_not(text, alarm):
    from webhooks.safety.screen import assess

    hit = assess(text)
    assert (hit is not None and hit.alarm) is alarm


@pytest.mark.parametrize(
    "text",
    [
        # A review's probes (issue 26): danger now told beside an old one or with "fine" words.
        "前幾年佢都打過個仔 今日又打到個仔成身血",
        "前几年他就打过孩子 今天又把孩子打得流血",
        "他两年前坐过牢 出来后天天打孩子 今天把孩子打得鼻青脸肿",
        "那年孩子差点淹死 今天又掉河里了",
        "上个月娃就走丢过一次 今天放学到现在没回家 电话打不通",
        "房子着火了 大家都没事 就小儿子还没出来",
        "我都冇事 但係個仔俾佢打到暈咗",
        "she disappeared a few weeks ago, nobody knows where she is",
        "we already paid the fine, but he is beating the kids again right now",
        "my son was beaten 3-4 times this week by his father",
        "孩子打着电话掉进水库了",
        "ta na shou ji diao jin he li le",
        # A second review's probes: rules narrowed too far, past words beside "now".
        "孩子坐电动车后座被卡车撞了 起不来",
        "我把煤气打开了 孩子们都在睡",
        "朝早叫唔醒个仔 好似冇呼吸",
        "要交什么材料 俺家那口子把6岁的小子关柴房里 从昨天到现在没放出来",
        "she is tied to the radiator",
        "宝宝两天一直没喝过奶",
        "儿子一个人坐在我们小区楼顶边上",
        "宝宝吞了一颗电池 现在没事了吗 要去医院吗",
        "我好想去找外婆 外婆上年过身咗",
        "他现在打孩子比以前还狠",
        "去年开始继父就一直强奸我",
        "he is beating her worse than last time",
    ],
)
def test_danger_now_told_beside_an_old_one_alarms(text):
    from webhooks.safety.screen import assess

    hit = assess(text)
    assert hit is not None and hit.alarm


@pytest.mark.parametrize(("estimate", "alarm"), [(0.99, True), (0.95, False)])
def test_a_danger_told_in_passing_in_any_other_question_counts_when_the_classifier_is_sure(
    monkeypatch, estimate, alarm
):
    """Issue 26: tuning round seventeen told danger in passing in questions about a hukou, an
    insurance card, a school transfer, or to a worker by name (32 of 160 got no numbers). What
    the message tells without its framing (greetings, a worker's name, papers, questions)
    counts too, but only when the classifier is sure: without its question an aid story is
    often a hard story from the past."""
    from webhooks.safety import screen

    class ReadsTheFramingAsOrdinary:
        def probability(self, text: str) -> float:
            return 0.02 if "户口" in text or "王姐" in text else estimate

    monkeypatch.setattr(screen, "default_model", lambda: ReadsTheFramingAsOrdinary())
    hit = screen.assess("王姐 户口的事办好了 谢谢你 现在他们家里人来抢孩子了 拿着棍子")
    assert (hit is not None and hit.alarm) is alarm


@pytest.mark.parametrize(
    "text",
    [
        "hi Ms Li, thanks for the papers. my son used to be locked in the shed by his dad",
        "你好 请问转学需要什么 孩子去年在老家被人欺负 被打得头破血流",
        "孩子打游戏输了 说要去报仇",
        "孩子说喜欢吃磁铁形状的糖",
    ],
)
def test_an_old_story_told_with_a_question_gets_no_numbers(text):
    from webhooks.safety.screen import assess

    hit = assess(text)
    assert hit is None or not hit.alarm


@pytest.mark.parametrize(
    ("text", "answer", "alarm"),
    [
        ("14", True, False),
        ("十四岁了", True, False),
        ("女孩 14岁 初二", True, False),
        ("she's 14 years old", True, False),
        ("快满16了", True, False),  # "nearly 16": the classifier rated it 0.93
        ("14了 上初二", True, False),  # "14, in year 8": 0.87
        ("我也不知道啊", True, False),  # read 0.59; "我不知道" 0.80
        ("快快快", False, None),  # hurry: not an answer, the classifier reads it
        ("13岁 一个人在家两天了", False, True),
        ("14 他爸又打她了", False, True),
    ],
)
def test_a_reply_about_the_childs_age_is_no_situation(text, answer, alarm):
    from webhooks.safety.reading import just_an_answer
    from webhooks.safety.screen import assess

    assert just_an_answer(text) is answer
    hit = assess(text)
    if alarm is not None:
        assert (hit is not None and hit.alarm) is alarm


# A review of the tenth session's rules (a helper probing them with its own messages): an emoji
# is no joke's word (children use it nervously), a narrowed exception still lets 上吊 through,
# and the new English and pinyin rules leave ordinary messages alone.
@pytest.mark.parametrize(
    "text",
    [
        "dad is beating mum again 😂",
        "he's choking her 😂 what do i do",
        "my teacher touched me down there lmao what do i do",
        "ta shang diao guo yi ci, jin tian you zai zhao sheng zi",
        "erzi shuo yao shang diao jin wan",
        "i hope i never wake up",
        "she took half a bottle of tylenol",
        "we're trapped by the floodwater, kids with us",
        "my daughter never made it to school, phone going to voicemail",
        "haizi liu xue bu zhi",
        # Round twenty-one's review: a game's word inside the danger is no story; a recent
        # danger that goes on is now.
        "the driver plays a secret game with my son on the school bus, how do I apply for the "
        "transport subsidy instead?",
        "邻居大爷老叫女儿去他家玩只有我们俩知道的游戏 想问下低保怎么申请",
        "上周他打断了孩子的腿 还不让去医院 能申请医疗救助吗",
        "去年开始继父每天晚上都打孩子 想问下低保怎么申请",
        "女儿上个月开始说不想活了 昨晚写了遗书 学校的助学金还能申请吗",
        "My daughter ran away last month, police haven't found her. Can we get any help?",
        "nv er shi zhe ge wan",
        "Son 9 went out to buy soy sauce at 5, not back yet, it's 9pm",
        "her dad won't let her see a doctor, fever 5 days",
        "个女琴日出咗去到今日都未返屋企 电话熄咗",
    ],
)
def test_review_danger_alarms(text):
    from webhooks.safety.screen import assess

    hit = assess(text)
    assert hit is not None and hit.alarm


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        # The thirteenth session's review of the exceptions written from rounds twenty-four and
        # twenty-five (poison locked away, an animal that fell in or ate poison, an adult sibling
        # gone for years, a child who lost a thing, a denial of a beating).
        ("他拿刀把孩子锁在屋里", "zh-abuse-confined"),
        ("没钱买药 他爸把孩子锁在屋里", "zh-abuse-confined"),
        ("孙子放羊掉进水塘了", "zh-danger-water"),
        ("娃去放牛不小心掉河里了", "zh-danger-water"),
        ("儿子吃了老鼠药又喝了农药", "zh-suicide-poison"),
        ("孩子在后妈家没有一天没被打", "zh-abuse-beaten"),
        ("奶奶带孙子去赶集，把孙子弄丢了", "zh-missing-child"),
        ("弟弟走失三天了 他上二年级", "zh-missing-child"),
        ("his hand, it was burned by his stepdad", "en-abuse-passive"),
        ("身上一道一道的 像被打过一样 问她也不说", "zh-abuse-beaten"),
        ("孩子骑马跌落河", "zh-danger-water"),
        ("孩子喂鸡时吃了老鼠药", "zh-suicide-poison"),
        # The fifteenth session's review of the exceptions from round twenty-eight: 帮家里 is
        # no kidnapping, but Li and Wu are surnames; a child alone in her room is no
        # confinement, unless someone put her there.
        ("you ren bang jia li xiao hong le", "py-trafficking"),
        ("ta men bang jia wu lao shi de nv er", "py-trafficking"),
        ("后妈把孩子一个人关在柴房里 好几天不出来了", "zh-abuse-confined"),
        ("孩子被后爸一个人锁在房里 好几天不出来", "zh-abuse-confined"),
        ("孩子被后妈整天一个人关在屋里不出来", "zh-abuse-confined"),
        ("后妈让孩子整天一个人关在屋里不出来", "zh-abuse-confined"),
        # The seventeenth session's review of round thirty's exceptions (a knife for a
        # chicken, a carer's own injury at work, a mother's bleeding at a birth).
        ("他说要杀鸡给猴看 拿着菜刀站在女儿房门口", "zh-danger-weapon"),
        ("我在工地被人砸伤了 他们还在找我", "zh-danger-stab"),
        ("在厕所偷偷生孩子 现在大出血", "zh-danger-bleeding"),
        ("my son 6 lost in the park, 1 hour, cant find", "en-missing-cannot-find"),
        ("我在地里干活 被我老公用锄头砸伤了 孩子吓哭了", "zh-danger-stab"),
        ("孩子妈妈在家生孩子 现在大出血 爸爸不在家", "zh-danger-bleeding"),
        ("孩子跟爸吵架跑了 到现在没找到", "zh-missing-cannot-find"),
    ],
)
def test_an_exception_leaves_the_danger_beside_it(text, rule_id):
    from webhooks.safety.normalise import normalise
    from webhooks.safety.rules import default_rules

    [rule] = [rule for rule in default_rules() if rule.id == rule_id]
    assert rule.find(normalise(text)) is not None


@pytest.mark.parametrize(
    "text",
    [
        "she's going grey from stress with three kids",
        "his mouth is all blue from the slushie at the fair",
        "my inbox is flooded and I'm stuck on the dibao form",
        "we got married just 12 months ago and now we have a baby",
        "I never wake up on time for work",
        "my in-laws keep asking for pics of him, how do I share safely?",
        "mom's high blood pressure scares the kids",
        "dad got drunk at my wedding, the children still talk about it",
        "they are cutting again our allowance this year?",
        "my refund never arrived, the office is not answering",
        "live every day like it's your last day on earth, my grandma always said",
        "wo ma bei diao dao hu li bu le",
        "wan ju diao jin yu tang li le",
        "zhai yue e le yi tian, wan shang cai chi",
        "ya chi ba le, xue zhi bu zhu",
        "wo xiang mai wo sun zi yi shuang xie",
        "lao ban bu zhun wo qu kan bing",
        "我方向感差 晚上总迷路",
        "took a strip of panadol to grandma in hospital",
        # Round twenty-one's review.
        "haizi zheng ge wan shang dou zai ku, zen me ban",
        "wa da po le ge wan, mei shi",
        "Grandma is looking for her glasses, can you call back in 10 minutes?",
        "he has gone to the hospital for his check, already 3 hours waiting there",
        "he lost the football match 10 minutes ago and is crying in his room",
        "我才16岁 我姐下个月结婚 我能请假吗",
        "女儿说她这辈子不嫁人就跟我们过",
        "Grandpa fractured his wrist falling in the yard, who can pick up the kids?",
        "My husband broke his leg at the construction site, can we apply for relief?",
        "外公成日叫个仔坐佢大髀食饭",
        "my son is having a fit about his phone being taken away, he is 13, normal?",
        "the road to school was washed out by the flood, is there transport help?",
        "Our house was swept away by the river in the typhoon, we live at my sister's now",
        "My son refuses to go to the doctor because he's scared of needles",
        "he refused the hospital food so I brought him noodles",
        "学校宿舍还用晾衣杆吗 要不要自己买",
        "秋天用木棍打枣 孩子们可开心了",
        "医生说要住院 但是医院不让家属陪床 孩子才三岁怎么办",
        "医生讲要打针 个仔唔肯 喊到成条街都听到",
        "办证的时候他们收走我的证件 说三天后来拿",
        "医保报销的钱到现在还没返 孩子住院花了好多",
        "唔见咗个女嘅校卡 点样补办",
        "孩子从二楼跳下来扭到脚了 要去医院吗",
        "My son works night shift, on sunday he wants to sleep for a long time",
        "I didn't take her to the hospital because the fever went down by itself, is that ok?",
        "my son says the other kids eat rubbish food every day, can the school change the menu?",
        "the baby seems drugged after the allergy syrup, should I stop it?",
        "they took my ID card to make a copy for the dibao application",
        "daughter 13, her dad and I never married, how does she get a hukou?",
        "the bucket fell into the well again, my son got it out with a hook",
        "孩子们在后山有他们的秘密基地 安全吗",
        "我和老公准备给女儿一个生日惊喜 是只有我们俩知道的秘密",
        "他爸跑了 至今没找到",  # a parent gone (round thirty-one's replies)
    ],
)
def test_review_ordinary_sets_off_no_rule(text):
    from webhooks.safety.screen import check

    assert check(text) is None


@pytest.mark.parametrize(
    ("text", "past"),
    [
        # A thank-you for last time, then a new sentence: the past ends with its sentence.
        ("上次的事谢谢你们。今天孩子留了张纸条说别找我 人不见了", False),
        ("孩子去年在老家被人欺负 被打得头破血流 能申请什么补助吗", True),
    ],
)
def test_the_past_ends_with_its_sentence(text, past):
    from webhooks.safety.guards import about_the_past

    assert about_the_past(text) is past


def test_now_is_no_place_a_child_went_to():
    # "到现在都没回来同学家说…": the 在 of 现在 read as "at a classmate's home" cancelled the rule.
    from webhooks.safety.screen import check

    hit = check("儿子昨天下午说去同学家写作业 到现在都没回来 同学家说根本没来过")
    assert hit is not None and hit.category == "missing_child"


@pytest.mark.parametrize(
    ("text", "facts", "alarm"),
    [
        # Walked on make run: an orphan-allowance question got the emergency numbers, since its
        # rest, read alone, was 0.96 to the classifier.
        ("想问下孤儿补贴怎么申请 孙女14了 她爸妈都不在了", False, False),
        ("她爸妈都不在了", True, False),
        ("跟着奶奶过", True, False),
        ("爸妈都走了 就她一个人在家", False, True),
        ("孩子跑了", False, None),  # a runaway is read by the classifier
        ("想问下低保怎么申请 俺家那口子把6岁的小子关柴房里 从昨天到现在没放出来", False, True),
    ],
)
def test_the_familys_facts_are_no_situation(text, facts, alarm):
    from webhooks.safety.reading import just_family_facts
    from webhooks.safety.screen import assess

    assert just_family_facts(text) is facts
    hit = assess(text)
    if alarm is not None:
        assert (hit is not None and hit.alarm) is alarm


@pytest.mark.parametrize(
    ("probability", "level"),
    [(0.99, "sure"), (0.9, "probable"), (0.83, "distress"), (0.6, "concern"), (0.4, None)],
)
def test_the_classifiers_estimate_alone_sets_the_level(monkeypatch, probability, level):
    """A message no rule names: from CONCERN_AT (0.5) a worker reads it (concern: the bot
    still answers), from DISTRESS_AT (0.8) a worker answers it instead of the bot; only
    probable and sure send the numbers. Before the concern level, danger the classifier read
    between 0.5 and 0.8 reached no one: 17 of the blind sets' 25 such messages."""
    from tests.support.classifier import FixedModel
    from webhooks.safety import screen

    monkeypatch.setattr(screen, "default_model", lambda: FixedModel(probability))
    hit = screen.assess("娃这几天晚上都不回屋 在牛棚里睡")
    assert (hit.level if hit else None) == level
    assert bool(hit and hit.alarm) == (level in ("sure", "probable"))


@pytest.mark.parametrize(
    ("probability", "answering", "level"),
    [
        (0.83, False, "distress"),
        (0.83, True, "concern"),  # an answer to the bot's question: the screening goes on
        (0.9, True, "probable"),  # the numbers all the same
        (0.6, True, "concern"),
    ],
)
def test_an_answer_to_the_bots_question_the_classifier_alone_reads_as_distress_is_a_concern(
    monkeypatch, probability, answering, level
):
    from tests.support.classifier import FixedModel
    from webhooks.safety import screen

    monkeypatch.setattr(screen, "default_model", lambda: FixedModel(probability))
    hit = screen.assess("他妈吸毒进去了 爸爸跑了 孩子跟我", answering=answering)
    assert hit is not None and hit.level == level


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        ("女儿昨晚说以后你们就不用为我操心了", "zh-hint-not-a-burden"),  # a sign of self-harm
        ("孩子小时候被他爸打断过胳膊", None),  # a rule's hit told as past
    ],
)
def test_a_rules_distress_in_an_answer_to_the_bots_question_stays_distress(
    monkeypatch, text, rule_id
):
    from tests.support.classifier import FixedModel
    from webhooks.safety import screen

    monkeypatch.setattr(screen, "default_model", lambda: FixedModel(0.5))
    hit = screen.assess(text, answering=True)
    assert hit is not None and hit.level == "distress" and hit.rule_id != "classifier"
    assert rule_id is None or hit.rule_id == rule_id
