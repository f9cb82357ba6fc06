"""Where a family lives, from what they write: "东风村", "城关镇红旗", "dongfeng", "冬风村".

When a case opens for a family the helpline has not placed, the family is asked once which
township and village they live in (after the emergency text, never before it). Their answer
is matched against the region table's names and aliases, by characters and by pinyin (a pinyin
keyboard's homophones and typed pinyin match too), with rapidfuzz; one match places them and
routes the case to that village's workers; two ask one numbered question; "不知道" or nothing
that matches leaves the case where unplaced cases go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from nlu.text import CJK, simplified
from webhooks.core.conversations import stage_notice
from webhooks.core.db import utcnow
from webhooks.core.models import Conversation, Message, Region
from webhooks.core.parsing import whole_number

# A place's name without what every name of its kind ends in: 东风村 is 东风.
SUFFIXES = ("社区", "街道", "居委会", "村委会", "镇", "乡", "村", "组", "屯", "寨")
LATIN_SUFFIXES = ("zhen", "xiang", "cun", "village", "township", "town")
_FILLER = re.compile(r"[\s我俺也还真啊呀呢吧哦嘛啦了的]")
_ABOUT_A_PLACE = re.compile(r"村|镇|乡|哪里|哪儿|在哪|地址|地方")
UNKNOWN = {
    "不知道",
    "不清楚",
    "不晓得",
    "不记得",
    "不知",
    "不懂",
    "不说",
    "bu zhi dao",
    "buzhidao",
    "dont know",
    "not sure",
    "idk",
    "unknown",
}
# How alike a written name must be to a place's, by characters or by pinyin (rapidfuzz).
MATCH_SCORE = 90
# A numbered question names at most this many places (one SMS segment).
MOST_CHOICES = 3
_CJK_RUN = re.compile(f"[{CJK}]+")
_LATIN = re.compile(r"[a-z]+")
_PUNCTUATION = re.compile(r"[^\w\s]")


@dataclass(frozen=True)
class Place:
    """A village or township with the keys its names are matched by."""

    region: Region
    characters: tuple[str, ...]
    sounds: tuple[str, ...]


def places(session: Session) -> list[Place]:
    """Every village and township, with its name and aliases, bare of their suffixes."""
    found = []
    regions = session.scalars(select(Region).where(Region.level.in_(("township", "village"))))
    for region in regions:
        names = [region.name, *(region.aliases or [])]
        characters = tuple({bare for name in names if (bare := _bare_chinese(name))})
        sounds = tuple({_sound(name) for name in names if _sound(name)})
        found.append(Place(region, characters, sounds))
    return found


def candidates(session: Session, text: str) -> list[Region] | None:
    """The places the text names, villages before townships; None when the family says they
    do not know. A village named with its township is chosen among that township's villages."""
    plain = simplified(text).casefold().replace("'", "").replace("’", "")
    plain = _PUNCTUATION.sub(" ", plain).strip()
    # "我也不知道啊", "不知道是哪个村"; not "不知道怎么申请" or "不知道娃为啥老不回家", which are
    # something else to say (the bot's, after a screening).
    if " ".join(plain.split()) in UNKNOWN or _FILLER.sub("", plain) in UNKNOWN:
        return None
    if "不知道" in plain and _ABOUT_A_PLACE.search(plain):
        return None
    chinese = "".join(_CJK_RUN.findall(plain))
    latin = "".join(_LATIN.findall(plain))
    heard = "".join(lazy_pinyin(chinese)) + latin
    matched = [p for p in places(session) if _matches(p, chinese, heard)]
    villages = [p.region for p in matched if p.region.level == "village"]
    townships = {p.region.id for p in matched if p.region.level == "township"}
    within = [v for v in villages if v.parent_id in townships]
    if within:
        return within
    if villages:
        return villages
    return [p.region for p in matched if p.region.level == "township"]


def named_outright(session: Session, text: str) -> Region | None:
    """The one village (or township) a message names in full, characters and all ("我家在城关镇
    红旗村", "住柳河湾"), else None. For a place told in passing, inside a story: only a whole
    name counts, never a sound-alike, and two places named are not guessed between."""
    plain = simplified(text)
    regions = session.scalars(select(Region).where(Region.level.in_(("township", "village"))))
    named = [
        region
        for region in regions
        if any(
            (name := _display(simplified(given))) and name in plain
            for given in [region.name, *(region.aliases or [])]
        )
    ]
    villages = [r for r in named if r.level == "village"]
    townships = {r.id for r in named if r.level == "township"}
    within = [v for v in villages if v.parent_id in townships] or villages
    if len(within) == 1:
        return within[0]
    return named[0] if not villages and len(named) == 1 else None


def ask(
    session: Session,
    conversation: Conversation,
    reply_to: Message | None = None,
    key: str = "place_question",
) -> bool:
    """Ask the family where they live, once, if nobody knows yet; True when asked. `key`:
    the question for a case (a person will call), or place_question_office after a screening
    (where to apply)."""
    contact = conversation.contact
    if contact is not None and contact.opted_out:
        return False
    if not asking(session, conversation):
        return False
    stage_notice(session, conversation, key, reply_to=reply_to)
    return True


def asking(session: Session, conversation: Conversation) -> bool:
    """Whether the family should be asked where they live (nobody knows, they were not asked,
    the deployment has places); if so, they count as asked from now: the caller asks (a
    text, or a line read out on a call) and the answer is read as for a text."""
    if conversation.family_region is not None or conversation.place_asked_at is not None:
        return False
    if not _has_places(session):
        return False
    conversation.place_asked_at = utcnow()
    conversation.place_choices = None
    return True


def _has_places(session: Session) -> bool:
    """Whether the deployment knows any township or village to place a family in."""
    query = select(Region.id).where(Region.level.in_(("township", "village"))).limit(1)
    return session.scalar(query) is not None


def awaiting_answer(conversation: Conversation) -> bool:
    return (
        conversation.place_asked_at is not None
        and conversation.family_region is None
        and not conversation.place_answered
    )


def read_bot_mode_answer(session: Session, conversation: Conversation, message: Message) -> bool:
    """The answer to the place question asked after a screening (in bot mode): True when the
    message was about the place (placed, asked which one, or 不知道) and is answered here;
    False when it is something else, which the bot answers (and the question lapses)."""
    found = candidates(session, message.body)
    if _picked(conversation, message) is None and found == []:
        conversation.place_answered = True
        return False
    if found is None:  # "不知道": no case promised a worker here, so none is promised now
        conversation.place_answered = True
        stage_notice(session, conversation, "place_unknown_office", reply_to=message)
        return True
    region = read_answer(session, conversation, message)
    if region is not None:
        conversation.place_family(region)
        township = region.parent if region.level == "village" and region.parent else region
        stage_notice(
            session,
            conversation,
            "place_noted",
            reply_to=message,
            place=full_name(region),
            township=_display(township.name),
        )
    return True


def _picked(conversation: Conversation, message: Message) -> int | None:
    """The region the family picked by its number from the choices offered, if it did."""
    choices = conversation.place_choices or []
    number = whole_number(message.body.strip())
    if number is not None and 1 <= number <= len(choices):
        return choices[number - 1]
    return None


def read_answer(session: Session, conversation: Conversation, message: Message) -> Region | None:
    """The family's answer to the place question: the region it names (asking one numbered
    question when several fit), or None. Either way the question is not asked again, except
    the numbered one, and after a bare number with none pending (the family answering another
    question: the place question again)."""
    choices = conversation.place_choices or []
    if (picked := _picked(conversation, message)) is not None:
        conversation.place_answered = True
        return session.get(Region, picked)
    if not choices and whole_number(message.body.strip()) is not None:
        # "1": an answer to another question (is a child in danger?), not where they live.
        stage_notice(session, conversation, "place_question", reply_to=message)
        return None
    found = candidates(session, message.body)
    if found and len(found) > 1 and not choices:
        shown = found[:MOST_CHOICES]
        conversation.place_choices = [region.id for region in shown]
        names = " ".join(f"{i}.{full_name(r)}" for i, r in enumerate(shown, 1))
        stage_notice(session, conversation, "place_choose", reply_to=message, names=names)
        return None
    conversation.place_answered = True
    if not found:
        stage_notice(session, conversation, "place_unknown", reply_to=message)
        return None
    return found[0]


def full_name(region: Region) -> str:
    """ "城关镇东风村": a village with its township, as families and workers say it."""
    parent = region.parent
    if region.level == "village" and parent is not None:
        return f"{_display(parent.name)}{_display(region.name)}"
    return _display(region.name)


def _matches(place: Place, chinese: str, heard: str) -> bool:
    if chinese and any(
        fuzz.partial_ratio(name, chinese) >= MATCH_SCORE for name in place.characters
    ):
        return True
    # A homophone typo (冬风 for 东风) or typed pinyin: the same sounds.
    return bool(heard) and any(
        len(sound) >= 4 and fuzz.partial_ratio(sound, heard) >= MATCH_SCORE
        for sound in place.sounds
    )


def _display(name: str) -> str:
    """A name's Chinese part ("东风村" of "东风村 Dongfeng Village")."""
    return "".join(_CJK_RUN.findall(name)) or name


def _bare_chinese(name: str) -> str:
    bare = _display(simplified(name))
    for suffix in SUFFIXES:
        if bare.endswith(suffix) and len(bare) > len(suffix) + 1:
            return bare[: -len(suffix)]
    return bare if _CJK_RUN.fullmatch(bare) else ""


def _sound(name: str) -> str:
    """A name as toneless pinyin letters, bare of its suffix: 东风村 and "Dongfeng cun" are
    both "dongfeng"."""
    bare = _bare_chinese(name)
    if bare:
        return "".join(lazy_pinyin(bare))
    words = _LATIN.findall(name.casefold())
    while words and words[-1] in LATIN_SUFFIXES:
        words.pop()
    return "".join(words)
