"""Recognise the whole-message SMS keywords (opt-out, opt-in, help, MORE) handled before any NLU,
and a request in words to stop the texts, which is answered with the keyword to send."""

import enum
import re
import unicodedata


class Keyword(enum.Enum):
    STOP = "stop"
    START = "start"
    HELP = "help"
    MORE = "more"


# Whole words, as they read after normalising (NFKC, case-folded). YES is not START: it answers
# screening questions. 开始 is not START either: alone it more often means "begin the questions",
# and a family opted back in by mistake pays for every text after it.
KEYWORDS: dict[Keyword, frozenset[str]] = {
    Keyword.STOP: frozenset(
        {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "退订", "td", "取消订阅"}
    ),
    Keyword.START: frozenset({"start", "unstop", "订阅"}),
    Keyword.HELP: frozenset({"help", "帮助"}),
    Keyword.MORE: frozenset({"more", "更多"}),
}

_KEYWORD_BY_WORD = {word: keyword for keyword, words in KEYWORDS.items() for word in words}


def classify(body: str) -> Keyword | None:
    """The keyword the whole message is, or None for anything else, which goes to the bot.

    Case, full-width letters and punctuation around words do not matter ("ＳＴＯＰ！", "退订。");
    one keyword repeated still counts ("STOP STOP"), but any other word makes it a sentence
    ("stop it", "stop help"), because a sentence mentioning stop is not an opt-out.
    """
    words = [_trim(word) for word in unicodedata.normalize("NFKC", body).casefold().split()]
    found = {_KEYWORD_BY_WORD.get(word) for word in words if word}
    return found.pop() if len(found) == 1 else None


def _trim(word: str) -> str:
    start, end = 0, len(word)
    while start < end and _is_decoration(word[start]):
        start += 1
    while end > start and _is_decoration(word[end - 1]):
        end -= 1
    return word[start:end]


def _is_decoration(char: str) -> bool:
    # Punctuation ("!", "。", quotes) and invisible format characters (zero-width space, BOM).
    category = unicodedata.category(char)
    return category == "Cf" or category.startswith("P")


# A request in words to stop the texts ("please stop sending me these messages", "不要再给我发短信
# 了"): the bot read the first as a question about an application. A sentence is not an opt-out
# (a family opted out by mistake gets nothing more, even the answers they asked for), so the
# family is told the keyword instead. Only a whole request ("别再发信息骚扰我女儿了" is none), and
# only when the bot is answering and the danger screen found nothing (webhooks/messaging).
# The request ends there, or at punctuation or thanks: "stop sending messages to my daughter"
# is not one.
_END = r"(?=[了啦喇吧哦呀\s]*([，,。.!！;；]|谢谢|謝謝|thanks|thank you|please|$))"
_ME = "给我|給我|跟我|向我|同我|俾我"
_SEND = "发|發|收到?|传|傳|send"
_TEXTS = "短信|信息|消息|简讯|簡訊|訊息|短訊"
_YOURS = "任何|你们的|你們的"
_STOP_IN_WORDS = re.compile(
    "|".join(
        [
            r"\b(stop|quit) (sending|texting|messaging)( me| us| this number)?"
            r"( these| your| any| the)?( messages| texts| sms)?( any ?more)?" + _END,
            r"\b(don['’]?t|do not) (want|need) (to (get|receive) )?(any ?more |these |your |any "
            r"|the )?(texts|messages|sms)\b",
            r"\bno more (texts|messages|sms)" + _END,
            r"\b(don['’]?t|do not|never) (text|message|sms) me\b",
            r"\b(unsubscribe me|remove my number|remove me from|take me off|take my number off"
            r"|opt me out|opt out)",
            # "不要再给我发短信了", "别再发了", "唔好再send嘢俾我": with 再, or naming the texts.
            rf"(别|不要|不想|莫|唔好)(再({_ME})?({_SEND})({_ME})?({_YOURS})?({_TEXTS}|嘢)?"
            rf"|({_ME})?({_SEND})({_ME})?({_YOURS})?({_TEXTS}))({_ME}|嚟)?" + _END,
            r"(删|删除|刪除|刪)(掉)?我的?(号码|號碼|手机号)|把我的?(号码|號碼|手机号)(删|刪)",
            r"(怎么|怎樣|点样|點樣)(才能)?(退订|退訂|不收)",
            r"\b(bie|bu ?yao) ?zai ?(gei ?wo ?)?fa ?(duan ?xin|xin ?xi)?\b",
        ]
    )
)


def asks_to_stop_texts(body: str) -> bool:
    """Whether the message asks in words to stop the helpline's texts."""
    return bool(_STOP_IN_WORDS.search(unicodedata.normalize("NFKC", body).casefold()))
