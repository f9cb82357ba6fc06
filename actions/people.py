"""How many people live in the household, as families tell it: "俺老两口带俩孙子" is four.

Carers seldom write "四口人"; they name who lives there: a couple or a carer alone, and the
children (or elders) with a number. This module adds those up, and reads a count said outright
in English or pinyin ("family of five", "6 of us", "wu kou ren"), which the numbers module
leaves without a unit. Anything less clear is not guessed: the screening asks.
"""

import re
from decimal import Decimal

_NUMBER_WORDS = {
    "一": 1, "二": 2, "两": 2, "俩": 2, "仨": 3, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
    "八": 8, "九": 9, "十": 10,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10,
    "yi": 1, "er": 2, "liang": 2, "lia": 2, "sa": 3, "san": 3, "si": 4, "wu": 5, "liu": 6,
    "qi": 7, "ba": 8, "jiu": 9,
}  # fmt: skip
_WORDS = "|".join(word for word in _NUMBER_WORDS if word.isascii())
_N = rf"(?<![0-9第老])(?P<n>[0-9]{{1,2}}|[一二两俩仨三四五六七八九十]|{_WORDS})"

# A count said outright, in the words the numbers module does not read as people.
STATED = [
    re.compile(rf"\b(?:family|household) of {_N}\b"),
    re.compile(rf"\b(?:there are |we are |we're )?{_N} of us\b"),
    re.compile(rf"\b{_N} (?:people|persons|members) in (?:the|our|my|this) (?:family|household)"),
    re.compile(rf"(?<![a-z])(?<!lao ){_N} kou(?! zi)\b"),
    re.compile(rf"\b(?:jia|jia li|yi jia|wo jia|an jia|wo men jia|wo men) {_N} ge ren\b"),
    # "san ge ren", "yi gong 4 ge ren" ("yi ge ren dai" is one carer, not the household)
    re.compile(
        r"(?<!lao gong )(?<!lao po )(?<!lao ban )(?<!lao tou )(?<!fu qi )"
        r"\b(?P<n>lia|liang|sa|san|si|wu|liu|qi|ba|jiu|[2-9]) ge ren\b(?! (?:dai|yang))"
    ),
    re.compile(rf"\b{_N} (?:in all|in total|altogether|ppl)\b"),
    re.compile(r"(?<![0-9他她])(?P<m>俩|仨)人(?=[，,。.\s]|$|过|住|生活)"),
]
# The whole household named as two people ("家里就俺俩", "就我和我爸").
JUST_TWO = re.compile(
    r"(家里|家)?就(俺|我)(们)?俩|家里就(俺|我)(和|跟)[^\s,，。]{1,3}(?![^\s,，。]*(带|养|和|跟))"
    r"|\bjust (?:the two of us|me and my \w+|us two|the 2 of us)\b|\bmy (?:grandma|grandpa|granny"
    r"|mum|mom|mother|dad|father) and i live (?:together|alone)\b"
    r"|\bwo he \w+ (?:nai|ye|ma|ba) ?\w* liang ge ren\b"
    # "就我和孙子两个", "屋企得我哋两个", "jiu wo men fu zi liang ge"
    r"|就(?:我|俺)(?:们)?(?:和|跟)[^\s,，。]{1,3}两个|得我(?:哋|们)两个"
    r"|\bjiu wo men (?:\w+ ){0,2}liang ge\b"
)
# The adults who care for the children: a couple, or one carer alone.
COUPLE = re.compile(
    r"老两口|两口子|两公婆|夫妻俩|夫妻两个|我们夫妻|(我|俺)(和|跟)(我)?(老伴|老头子?|老婆子?|老公|"
    r"媳妇|爱人|婆婆|丈夫|妻子|男人)|(爷爷奶奶|奶奶爷爷|姥姥姥爷|外公外婆)(带|养|照顾)"
    r"|\b(?:my (?:husband|wife|partner) and i|(?:me|i) and my (?:husband|wife|partner)"
    r"|grandpa and grandma|grandma and grandpa|my grandparents)\b"
    r"|\blao liang kou\b|\bliang kou zi\b|\bfu qi lia\b|\b(?:wo|an) he lao (?:gong|po|ban|tou)\b"
)
ALONE = re.compile(
    r"(一个人|独自|自己)[^\s,，。]{0,3}(带|养|拉扯|凑|照顾)|单亲"
    r"|就(我|俺)(跟|和)(?!我?(老伴|老头|老婆|老公|媳妇|爱人|丈夫|妻子|男人))"
    r"|\bjiu wo (?:gen|he)\b(?! lao (?:ban|tou|po|gong))"
    r"|\bsingle (?:mum|mom|mother|dad|father|parent)\b|\bme alone with\b"
    r"|\b(?:raising|raise|bring up|bringing up|look after|looking after|care for|caring for)\b"
    r"[^.,!?]{0,30}\b(?:alone|on my own|by myself)\b"
    r"|\byi ge ren (?:dai|yang)\b"
)
# Children or elders named with a number: "俩孙子", "三个娃", "两个老人", "2 kids".
GROUPS = [
    # 俩, 仨 and digits alone; 一 to 十 with 个 ("二娃" is the second child, not two).
    re.compile(
        rf"(?:{_N}\s*(?:个|個)|(?<![0-9])(?P<m>[俩仨]|[0-9]{{1,2}}))\s*"
        r"(?P<who>孙子|孙女|外孙女|外孙|孩子|娃娃|娃|小孩|细路|仔|儿子|闺女|女儿|老人)"
    ),
    re.compile(
        rf"\b{_N} (?:kids|children|grandkids|grandchildren|grandsons|granddaughters|sons"
        r"|daughters|boys|girls|elders)\b"
    ),
    re.compile(rf"\b{_N} (?:ge )?(?:hai zi|wa|sun zi|sun nv|xiao hai|lao ren)\b"),
]
# One child named without a number, right after who raises them: "一个人带着外孙".
ONE_CHILD = re.compile(
    r"(带|养)着?(外孙女|外孙|孙子|孙女)(?!们)|还有(一)?个[^\s,，。]{0,4}(外孙女|外孙|孙子|孙女|孩子|娃)"
)
# A child writing about themself and their brothers and sisters: "me and my 2 brothers".
ME_AND = re.compile(rf"\bme and my {_N} (?:brothers|sisters|siblings)\b")


def household_size(plain: str) -> Decimal | None:
    """The household's size the message tells in words (normalised text), else None."""
    for pattern in STATED:
        if match := pattern.search(plain):
            return _value(match)
    if JUST_TWO.search(plain):
        return Decimal(2)
    # "离婚了，我一个人带俩娃": one carer, though a spouse was named.
    couple = COUPLE.search(plain)
    adults = 1 if ALONE.search(plain) else 2 if couple else 0
    # Who is named, and how many: the same kin named twice ("俩孙子…俩孙子都上学") counts once.
    named: dict[str, Decimal] = {}
    for pattern in GROUPS:
        for match in pattern.finditer(plain):
            who = match.groupdict().get("who") or match[0].split()[-1]
            if who == "老人" and couple and 0 <= match.start() - couple.end() <= 1:
                continue  # "我和老伴两个老人": the couple themselves
            named[who] = max(named.get(who, Decimal(0)), _value(match))
    for match in ME_AND.finditer(plain):
        named["siblings"] = _value(match) + 1
    if not named and ONE_CHILD.search(plain):
        named["one"] = Decimal(1)
    # A number of children alone says nothing of the adults who live with them.
    if named and adults:
        return adults + sum(named.values(), Decimal(0))
    return None


def counted(plain: str, start: int) -> bool:
    """Whether the number at `start` counts people ("two of us", "俩孙子"): it is no amount of
    money, whatever the numbers module guessed."""
    patterns = [*STATED, *GROUPS, ME_AND]
    return any(m.start() <= start < m.end() for p in patterns for m in p.finditer(plain))


def _value(match: re.Match[str]) -> Decimal:
    number = match.groupdict().get("n") or match.groupdict().get("m")
    return Decimal(number) if number.isdigit() else Decimal(_NUMBER_WORDS[number])
