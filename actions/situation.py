"""The family's situation as they tell it: aid they already get (or say they do not), and a
crisis they are in now. Statements only: "俺家吃低保" is read, "能领低保吗" and "不是低保户" are
not taken as getting it; a disaster told without a time is not guessed to be recent.
"""

import re
from typing import Any

from .eligibility import InvalidFact, set_fact

# Aid the family says it already gets: statements, not questions ("俺家吃低保" yes; "能领低保吗"
# no; "不是低保户" no). A recent crisis is not guessed from words such as 车祸 or fire: they
# as often tell an old story, and a wrong "yes" tells the family of help that does not fit.
ALREADY = {
    "household.receives_dibao": r"吃低保|低保户|领着低保|在领低保|靠低保|拿低保|享受低保|办了低保"
    r"|(?:家|家里|我们|俺们)?(?:是|就是|有|吃着)低保(?!边缘)|低保家庭|低保加"
    r"|(?:gets?|getting|on|receives?|receiving|have) dibao|di ?bao hu|chi di ?bao|you di ?bao",
    "household.extreme_poverty": r"特困供养|特困户|五保户|吃五保|(?:领|吃|享受)特困"
    r"|(?:gets?|getting|on|receives?|receiving) (?:tekun|wubao)",
    "household.registered_poor": r"脱贫户|建档立卡|贫困户|监测户|registered poor"
    r"|tuopin ?hu|jiandang ?lika|pinkun ?hu",
    "household.near_poor": r"低保边缘|边缘户|near[- ]poor|dibao bianyuan|bianyuan hu",
}
# "没有低保", "no dibao": told outright, the family does not get dibao now.
NO_DIBAO = re.compile(
    r"(没有|没|没得|冇|没吃|没申请|不是)(上)?低保(?!边缘)|低保(没有|没批|没办|没申请|也没有)"
    r"|\bno dibao\b|\bnot (?:on|getting) dibao\b|\bdon'?t get dibao\b|mei (?:you )?di ?bao"
)
# "啥补贴也没有", "no aid at all": told outright, the family gets neither dibao nor 特困 now.
NO_AID_YET = re.compile(
    r"(啥|什么|任何)(补贴|补助|救助|帮助)(也|都)(没有|没)|(没有|没)(任何|啥|什么)(补贴|补助)"
    r"|no (aid|subsid\w*|benefits?|help from the government)( at all)?\b|shenme butie dou mei"
)
NOT_SO = re.compile(r"(不是|没有|没|不|非|not|no|never)\s*$")
ASKING = re.compile(r"^[^,，。.!！]{0,4}(吗|么|不|没|\?|？)")
LONG_AGO = re.compile(r"去年|前年|几年前|多年前|years? ago|last year")
# A crisis the family is in now: a disaster or accident told as recent, or debts for treatment.
# Told without a time ("房子着过火") it is not guessed: it as often tells an old story.
CRISIS = re.compile(
    r"着火|火灾|大火|烧没|烧了|房子(塌|倒|垮)|冲垮|冲走|被水冲|水灾|洪水|大水|淹了|暴雨|台风|冰雹|"
    r"霜冻|旱死|干旱|地震|泥石流|塌方|车祸|出事|摔了|摔断|摔伤|摔下来|掉下来|砸了|砸伤|轧伤|"
    r"工伤|住院|查出|icu|"
    r"fire|burn|flood|storm|hail|drought|earthquake|landslide|accident|collapsed|hospital|"
    r"injured|crushed|fangzi ta|zhao huo|chehuo|fa dashui|hongshui"
)
RECENT = re.compile(
    r"上个?月|这个?月|上周|上星期|上个星期|上礼拜|这周|最近|前几天|前两天|前天|前些天|前阵子|"
    r"前段时间|前(一|两|几)个月|昨天|今天|今年|刚刚|春上|"
    r"last (week|month)|this (week|month|year)|recently|yesterday|just now|days ago|weeks ago|"
    r"shang ge yue|zuijin|zuotian|qian ji tian|qiantian"
)
# "最近没出什么事", "没遭啥灾", "nothing bad happened": told outright, no crisis now.
NO_CRISIS = re.compile(
    r"没(出|遭|发生)(过)?(啥|什么|任何)(大)?(事|灾)|没遭灾"
    r"|nothing (bad )?happened|no (disaster|accident)"
)
DEBT_FOR_CARE = re.compile(
    r"(借|欠)[^,，。.!！?？]{0,8}(钱|万)|(花了|要花|得花|需要|要)[^,，。.!！?？]{0,6}万|开刀|手术费|"
    r"very expensive|borrowed|in debt|\bowe\b|qian le hen duo|jie le hen duo"
)


def try_set(household: dict[str, Any], fact: str, value: Any) -> dict[str, Any] | None:
    try:
        return set_fact(household, fact, value)
    except InvalidFact:
        return None


def recent_crisis(household: dict[str, Any], plain: str) -> dict[str, Any]:
    """A disaster or accident told as recent, or debts for treatment: a crisis now."""
    if household.get("household", {}).get("sudden_hardship") is not None:
        return household
    if NO_CRISIS.search(plain):
        return try_set(household, "household.sudden_hardship", False) or household
    recent = CRISIS.search(plain) and RECENT.search(plain) and not LONG_AGO.search(plain)
    if recent or DEBT_FOR_CARE.search(plain):
        return try_set(household, "household.sudden_hardship", True) or household
    return household


def already(household: dict[str, Any], plain: str) -> dict[str, Any]:
    """Aid the family says it gets, told as statements; or that it gets none."""
    if NO_DIBAO.search(plain) and household.get("household", {}).get("receives_dibao") is None:
        household = try_set(household, "household.receives_dibao", False) or household
    if NO_AID_YET.search(plain):
        for fact in ("household.receives_dibao", "household.extreme_poverty"):
            group, name = fact.split(".")
            if household.get(group, {}).get(name) is None:
                household = try_set(household, fact, False) or household
    for fact, words in ALREADY.items():
        group, name = fact.split(".")
        if household.get(group, {}).get(name) is not None:
            continue
        for match in re.finditer(words, plain):
            said = plain[: match.start()]
            clause = re.split(r"[,，。.!！?？;；\n]", said)[-1]
            if NOT_SO.search(said) or ASKING.match(plain[match.end() :]) or LONG_AGO.search(clause):
                continue
            household = try_set(household, fact, True) or household
            break
    return household
