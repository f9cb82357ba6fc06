"""Recognise the whole-message SMS keywords (opt-out, opt-in, help, MORE) handled before any NLU."""

import enum
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
