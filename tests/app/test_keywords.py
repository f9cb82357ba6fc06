"""Keywords match whole messages only: every listed word in any form, and no sentence using one."""

import itertools

import pytest

from webhooks.sms.keywords import KEYWORDS, Keyword, asks_to_stop_texts, classify

STOP, START, HELP, MORE = Keyword.STOP, Keyword.START, Keyword.HELP, Keyword.MORE

CASES = [
    # Opt-out, in the forms families send it.
    ("stop", STOP),
    (" STOP ", STOP),
    ("Stop", STOP),
    ("stop.", STOP),
    ("STOP!!", STOP),
    ("STOP STOP", STOP),
    ("stop\nstop", STOP),
    ('"STOP"', STOP),
    ("ＳＴＯＰ", STOP),  # full-width, from a Chinese input method
    ("\u200bSTOP", STOP),  # a zero-width space pasted in
    ("STOPALL", STOP),
    ("Unsubscribe", STOP),
    ("cancel", STOP),
    ("END", STOP),
    ("quit", STOP),
    ("退订", STOP),
    ("退订。", STOP),
    ("\u3000退订！", STOP),  # ideographic space, full-width exclamation mark
    ("TD", STOP),
    ("td", STOP),
    ("ＴＤ", STOP),
    ("取消订阅", STOP),
    # Opt back in.
    ("START", START),
    ("start", START),
    ("unstop", START),
    ("订阅", START),
    ("订阅。", START),
    # Help and paging.
    ("HELP", HELP),
    ("help?", HELP),
    ("帮助", HELP),
    ("MORE", MORE),
    ("more", MORE),
    ("更多", MORE),
    ("更多。", MORE),
    # Near misses: a sentence mentioning a keyword goes to the bot.
    ("please don't stop the money", None),
    ("stop it", None),
    ("Stop sending", None),
    ("stop help", None),
    ("stopp", None),
    ("st op", None),
    ("s top", None),
    ("non-stop", None),
    ("回复TD退订", None),
    ("退订退订", None),
    ("T D", None),
    ("help me", None),
    ("I need help", None),
    ("帮助我", None),
    ("更多补助", None),
    ("订阅了吗", None),
    ("tell me more", None),
    ("morning", None),
    ("weekend", None),
    # Not opt-in: YES answers screening questions; 开始 alone usually means "begin".
    ("YES", None),
    ("yes", None),
    ("开始", None),
    ("取消", None),
    ("", None),
    ("   ", None),
    ("。", None),
    ("!!", None),
]


@pytest.mark.parametrize(("body", "expected"), CASES)
def test_classify(body, expected):
    assert classify(body) is expected


@pytest.mark.parametrize(
    ("word", "keyword"),
    [(word, keyword) for keyword, words in KEYWORDS.items() for word in sorted(words)],
)
@pytest.mark.parametrize("dress", ["{}", " {} ", "{}。", "{}!", "{} {}"])
def test_every_listed_word_is_its_keyword_in_any_case(word, keyword, dress):
    for form in (word, word.upper(), word.title()):
        assert classify(dress.format(form, form)) is keyword


def test_no_word_belongs_to_two_keywords():
    for (first, first_words), (second, second_words) in itertools.combinations(KEYWORDS.items(), 2):
        assert not first_words & second_words, (first, second)


def test_every_keyword_has_words():
    assert set(KEYWORDS) == set(Keyword)


@pytest.mark.parametrize(
    "body",
    [
        "please stop sending me these messages",
        "I don't want these texts anymore",
        "unsubscribe me",
        "不要再给我发短信了",
        "以后别发短信给我了",
        "唔好再send短信俾我",
        "bie zai fa duanxin le",
        # A review's: traditional characters, no noun, other words.
        "請不要再傳簡訊給我了",
        "唔好再發短訊俾我",
        "不要再发了",
        "怎么才能不收你们的短信",
        "请把我的号码删了",
        "I don’t want these texts",
        "how do I opt out",
        "bu yao zai gei wo fa xinxi le",
    ],
)
def test_a_request_in_words_to_stop_the_texts_is_recognised(body):
    assert asks_to_stop_texts(body)
    assert classify(body) is None  # a sentence, not the keyword


@pytest.mark.parametrize(
    "body",
    [
        "stop sending messages to my daughter",  # about someone else's texts
        "he keeps texting my daughter, make him stop",
        "my son wants me to stop texting him so much",
        "不要发短信给孩子他爸",
        "孩子的信息不要发给别人",
        "孩子发短信说不想活了",
        "stop asking questions",
        "别再发信息骚扰我女儿了",  # harassment: a worker reads it
        "孩子说不想再收到他的信息",
        "why don't you text me back",
        "I never received any text from you",
        "不用发短信了 我打电话",
    ],
)
def test_other_messages_about_texts_are_no_request_to_stop(body):
    assert not asks_to_stop_texts(body)
