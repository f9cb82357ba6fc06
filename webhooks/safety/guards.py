"""Read the words around a danger phrase (guards.yml): does the message tell the danger as
past, as ended, as a story, a court's decision, a notice or a talk, or as a joke, rather than
as a child in danger now? The screen (screen.py) weighs what these say against the classifier:
they never decide alone."""

import functools
import itertools
import re
from pathlib import Path

import yaml

from webhooks.safety.normalise import has_chinese, has_latin, normalise
from webhooks.safety.pinyin import syllables
from webhooks.safety.reading import clauses
from webhooks.safety.rules import matches

GUARDS_FILE = Path(__file__).parent / "guards.yml"


def guarded(text: str) -> bool:
    """Whether the message says it is about the past, a story or a game; or that it is a joke
    or about a talk or a class, unless it also says the danger is now ("笑死 我刚把药全吃了": a
    joke's words, and a danger now; "training on abuse tonight? no, he is hitting her right
    now")."""
    return dismissed(text) or a_talk(text)


def dismissed(text: str, matched: str | None = None) -> bool:
    """Guarded by words that may drop a rule's hit altogether (the past, how it ended, a story,
    a court's decision, a joke): not a talk or a class, whose words can come with a real
    disclosure. A story's or a joke's word inside the words the rule matched is no guard ("he
    plays a secret game with her": the game is the danger)."""
    return told_as_over(text, matched) or a_joke(text, matched)


def told_as_over(text: str, matched: str | None = None) -> bool:
    """Told as the past, as ended, as a story or a court's decision."""
    return a_story_or_the_past(text, matched) or ended(text)


def a_story_or_the_past(text: str, matched: str | None = None) -> bool:
    """Told as the past, as a story or as a court's decision."""
    return says(_framed(text, matched), GUARD) or about_the_past(text)


def ended(text: str) -> bool:
    """Told as ended: a statement of how it ended in or after the last clause a rule fires on
    ("孩子不见了 在网吧找到了 已经带回家了"). A danger told after it is new ("医生说没事 可她继
    父还在摸她下面"), and so is one no clause names alone (two clauses together: "孩子前天找回
    来了 昨天又从学校跑了 到现在没找到"); "现在没事了吗" asks, it does not say."""
    parts = clauses(text)
    endings = [
        index
        for index, part in enumerate(parts)
        if says(part, RESOLVED) and not _QUESTION.search(part)
    ]
    if not endings:
        return False
    fired = [index for index, part in enumerate(parts) if _fires(part)] or [
        index + 1
        for index, (part, after) in enumerate(itertools.pairwise(parts))
        if _fires(f"{part} {after}") and not _fires(after)
    ]
    return bool(fired) and max(fired) <= endings[-1]


def a_joke(text: str, matched: str | None = None) -> bool:
    """Told with a joke's words, and none that say the danger is now."""
    return says(_framed(text, matched), JOKE) and not says(text, NOW)


def _framed(text: str, matched: str | None) -> str:
    """The message without the words the rule matched (a game in them is the danger)."""
    return normalise(text).replace(matched, " ") if matched is not None else text


_QUESTION = re.compile(r"[吗嗎吧][?？]?$|[?？]$")


_SENTENCE_END = re.compile(r"[。！？!?\n]+")


def about_the_past(text: str) -> bool:
    """Whether the danger is told as past: every clause a rule fires on is past. A clause is
    past when it, or a clause before it, says when in the past ("孩子去年在老家被人欺负 被打得
    头破血流"), and neither it nor a clause between says now ("前几年他就打过孩子 今天又把孩子
    打得流血", "他现在打孩子比以前还狠"); nor is it past when a later clause says it is happening
    again ("去年他把孩子打进了医院 现在又开始打了"). A clause that looks back ("他天天打我，那是
    六年前的事了": looking_back) is past, and so are the clauses of its sentence before it back
    to one that says now (_told_before). A phrase that fires only across two clauses is judged
    on the clause it starts in; across more, on the whole message."""
    parts, past = [], []
    for sentence in _SENTENCE_END.split(text):  # a new sentence starts afresh
        then, told, said = False, [], clauses(sentence)
        for part in said:
            now = says(part, PRESENT)
            then = not now and (then or says(_NOT_PAST.sub("", part), PAST))
            # A court's decision is past in its own clause only ("他被判了刑 出来以后又打孩子").
            told.append(then or (not now and says(part, SENTENCED)))
            if _looks_back(part):  # "他天天打我，那是六年前的事了": it and what came before it
                told = _told_before(said[: len(told)], told)
                then = False  # not what comes after it
        parts.extend(said)
        past.extend(told)
    fired = [when for part, when in zip(parts, past, strict=True) if _fires(part)]
    if fired and all(fired) and _happening_again(parts, past):
        return False
    if not fired:
        fired = [
            when
            for (part, when), (after, _) in itertools.pairwise(zip(parts, past, strict=True))
            if _fires(f"{part} {after}") and not _fires(after)
        ]
    if not fired:
        return says(text, PAST) and not says(text, PRESENT)
    return all(fired)


# "我人在工地上回不去": on the way back, not 上回 (last time).
_NOT_PAST = re.compile(r"上回(?=[不来去家])")
_DENIED = re.compile(r"不是|并非|才不|isn'?t|is not|wasn'?t|was not|not just|\bbu shi\b")


def _looks_back(part: str) -> bool:
    """Whether the clause says that what was told is the past ("那是六年前的事了"), and does not
    deny it ("这不是以前的事了")."""
    return says(part, LOOKING_BACK) and not _DENIED.search(normalise(part))


def _told_before(parts: list[str], past: list[bool]) -> list[bool]:
    """A clause that looks back (the last of `parts`) makes itself and the clauses before it
    past, back to one that says now: "他现在天天打娃 我也被他打过 是好几年前的事了" is now. A
    habit is no now ("他天天打我，那是六年前的事了")."""
    told = list(past)
    for index in range(len(parts) - 1, -1, -1):
        if _says_now(parts[index]):
            break
        told[index] = True
    return told


def _says_now(part: str) -> bool:
    """The present words, without those of a habit (天天, every day), which past stories use."""
    plain = normalise(part)
    zh, en, _ = _guards(HABITUAL)
    return says(en.sub(" ", zh.sub(" ", plain)), PRESENT)


def _happening_again(parts: list[str], past: list[bool]) -> bool:
    """Whether a clause after the first past one says the danger is happening again."""
    first = past.index(True) if True in past else len(parts)
    return any(says(part, AGAIN) for part in parts[first + 1 :])


def a_talk(text: str) -> bool:
    """About a talk, a class or a notice, and not saying the danger is now."""
    return says(text, TOPIC) and not says(text, NOW)


def says(text: str, kind: str) -> bool:
    """Whether the text has a word of this kind in guards.yml."""
    plain = normalise(text)
    zh, en, pinyin = _guards(kind)
    return bool(
        (has_chinese(plain) and zh.search(plain))
        or (has_latin(plain) and (en.search(plain) or pinyin.search(syllables(plain))))
    )


GUARD, PAST, SENTENCED, LOOKING_BACK, HABITUAL, PRESENT, RESOLVED, JOKE, TOPIC, NOW, AGAIN = (
    "guard",
    "past",
    "sentenced",
    "looking_back",
    "habitual",
    "present",
    "resolved",
    "joke",
    "topic",
    "now",
    "again",
)


@functools.cache
def _guard_groups() -> dict:
    """guards.yml, read once."""
    return yaml.safe_load(GUARDS_FILE.read_text(encoding="utf-8"))


@functools.cache
def _guards(kind: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """guards.yml compiled: one pattern per form of the message, for the `joke` words, the
    `topic` words, the `now` words (which cancel both), the `past` and `present` words (read
    clause by clause; `again` after a past one makes it now), the `resolved` words, or a story
    or a court's decision (GUARD)."""
    data = _guard_groups()

    def words(language: str) -> list[str]:
        groups = data[language].items()
        chosen = {
            w
            for name, group in groups
            if name == kind or (kind == GUARD and name in ("story", "handled"))
            for w in group
        }
        return sorted(chosen, key=len, reverse=True)

    zh = "|".join(re.escape(normalise(w)) for w in words("zh"))
    en = "|".join(words("en"))  # already patterns: "when (?:he|she) was small"
    pinyin = "|".join(re.escape(w) for w in words("pinyin"))
    return (
        re.compile(zh),
        re.compile(rf"\b(?:{en})\b"),
        re.compile(rf"(?<![a-z])(?:{pinyin})(?![a-z])"),
    )


def _fires(text: str) -> bool:
    """Whether any rule fires on the text."""
    return next(matches(text), None) is not None
