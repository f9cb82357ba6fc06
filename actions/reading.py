"""What a family's message says: the screening facts in its words, whenever it comes.

Entities from the bot's NLU give most facts ("7岁，他爸坐牢了" gives two); the rest is read here
from how families write: who is writing, the child's age right after the child, income told
with the household's size, aid they already get and a crisis now (situation.py); and the reply
to the question asked (a menu number, 是/否, a number in any form, or a grouped question's
numbers).
"""

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from nlu.entities import CHILD_WORD
from nlu.numbers import find_numbers, parse_number
from nlu.text import normalise

from .eligibility import InvalidFact, fact_spec
from .eligibility.questions import GROUP, asks_for, set_answer
from .people import counted, household_size
from .situation import already, recent_crisis, try_set

PARENTS = {
    "father": ("father.status",),
    "mother": ("mother.status",),
    "both": ("father.status", "mother.status"),
}
INCOME = "household.monthly_income_per_capita"
ENTITY_FACTS = {
    "age": "child.age",
    "income": "household.monthly_income_per_capita",
    "school": "child.school",
    "disability": "child.disability",
    "hukou": "household.hukou",
}


# Who is writing: a woman naming her husband is the child's mother, and present; a man naming
# his wife, the father. So is a parent naming the other one as the child's ("孩他爸坐牢了 我一个人
# 带俩娃" is the mother writing), unless a grandchild, nephew or niece says the writer is not a
# parent ("孩子他爸坐牢了 俺带着孙子"). (A grandparent says 儿子/儿媳, an aunt 姐夫:
# nlu/lookups/family.yml and nlu/entities.py.)
WRITER_IS_MOTHER = re.compile(
    r"我老公|我男人|我丈夫|俺男人|俺老公|my husband|\bhubby\b|wo lao ?gong|wo nan ?ren"
    r"|(我|俺)(和|跟|同)(老公|男人|丈夫)|^老公|[，。,.!！;；]\s*老公|^lao ?gong\b"
    r"|(孩子?|娃|小孩)(他|的)?(爸|爹)|(他|她)(爸|爹)|hai ?(zi)? ?ta ?ba|wa ta ba|\bta ba\b"
    r"|^(my )?husband\b|[.,!] *(my )?husband\b",
    re.IGNORECASE,
)
WRITER_IS_FATHER = re.compile(
    r"我老婆|我媳妇|俺媳妇|我妻子|my wife|wo lao ?po|wo xi ?fu"
    r"|(我|俺)(和|跟|同)(老婆|媳妇|妻子)|^老婆|^媳妇|[，。,.!！;；]\s*老婆|^lao ?po\b"
    r"|(孩子?|娃|小孩)(他|的)?(妈|娘)|(他|她)妈(?!的)|hai ?(zi)? ?ta ?ma|wa ta ma|\bta ma\b"
    r"|^(my )?wife\b|[.,!] *(my )?wife\b",
    re.IGNORECASE,
)
# A parent saying who they are ("我是孩子他爸", "I'm the mum") is that parent, whatever the
# other patterns above would infer from "孩子他爸".
SAYS_FATHER = re.compile(
    r"(我|俺)(就)?(是|系)(这|那)?(个)?(孩子?|娃|小孩|[他她])?(的|他|她)?(爸爸?|爹|父亲)(?![的爸])"
    r"|\b(i am|i'm|im) (the|his|her|their) (dad|father)\b(?!'s)"
    r"|\bwo shi (?:(?:hai ?zi |wa )?(?:ta |de )(?:ba ?ba|ba|die)|ba ?ba)\b",
    re.IGNORECASE,
)
SAYS_MOTHER = re.compile(
    r"(我|俺)(就)?(是|系)(这|那)?(个)?(孩子?|娃|小孩|[他她])?(的|他|她)?(妈妈?|娘|母亲)(?![的妈])"
    r"|\b(i am|i'm|im) (the|his|her|their) (mum|mom|mother)\b(?!'s)"
    r"|\bwo shi (?:(?:hai ?zi |wa )?(?:ta |de )(?:ma ?ma|ma|niang)|ma ?ma)\b",
    re.IGNORECASE,
)
# The writer telling their own trouble ("我腿不好 孩他妈眼睛看不见 都是二级残疾"): not "present".
WRITER_NOT_WELL = re.compile(
    r"(我|俺)(自己|本人|也)?(腿|眼睛?|耳朵|身体|腰|心脏)?(不好|有病|病了|生病|得了|残疾|瘫|看不见|听不见|住院)"
    r"|都是[^,，。.!！]{0,4}(残|病)"
    r"|都(有|得了)|\b(i am|i'm|im|i have|i've) (disabled|sick|ill|cancer|in prison)"
    r"|both (disabled|sick|ill|have)",
    re.IGNORECASE,
)
NOT_A_PARENT_WRITING = re.compile(
    r"孙|外甥|侄|sunzi|sunnv|sun zi|sun nv|grand(son|daughter|child|kid)|nephew|niece|"
    r"我(是|们是)?(他|她|孩子)的?(奶奶|爷爷|姥姥|外婆|姥爷|外公|舅|姑|姨|叔|伯)"
    r"|(我|俺)(是|系)[^，,。\s]{0,6}(爸爸?|爹|妈妈?|娘)的",
    re.IGNORECASE,
)
# A number right after the child ("孙子十岁", "kid 5", "sunzi 13") is the child's age, unless a
# unit follows that makes it something else (years, grade, people, yuan).
CHILD_THEN_NUMBER = re.compile(
    r"(孩子|娃|孙子|孙女|外孙|外孙女|儿子|女儿|闺女|小孩|侄子|侄女|外甥|外甥女|kid|son|daughter"
    r"|grandson|granddaughter|nephew|niece|child|boy|girl|haizi|sunzi|sunnv|erzi|nver|wa)"
    r"\s*(今年|才|已经|只有|is|aged|age)?\s*$"
)
# "今年十一了", "十七了在家": a number said as this year's, with nothing after it but 了, is an age
# in a story about a child (counts and money take a unit: 四口, 两千块).
THIS_YEAR_NUMBER = re.compile(r"(^|[\s,，。.!！?？;；]|今年|已经|都)\s*$")
AGE_LE = re.compile(r"^\s*了")
AGE_AFTER = re.compile(r"^\s*(sui|zhousui|years? old|yrs? old|yo\b|y/o)", re.IGNORECASE)
NOT_AN_AGE = re.compile(
    r"^\s*(年|个|口|元|块|月|人|级|年级|th|grade|yuan|people|kids|children|nian|ge)"
)
# The child's own illness: an illness word whose clause names the child, not a parent.
CHILD_NAMED = CHILD_WORD  # the entity layer's: one list of words that name the child
_CLAUSE = re.compile(r"[,，。.!！?？;；\n]|(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")
# Where the child sleeps on school days, when the story says so ("在盲校住校", "zhuxiao").
# In pinyin only after a school word: "hukou zhuxiao" is 注销, a cancelled registration.
BOARDING = re.compile(
    r"住校|寄宿|住在学校|boarding|boards at school"
    r"|(xuexiao|xiaoxue|chuzhong|gaozhong|tejiao|mangxiao)( \w+)? ?(zhu ?xiao|jisu)"
)
DAY_PUPIL = re.compile(r"走读|每天回家|day (student|pupil|school)|zoudu")
# Income said with the number of people is the household's, not each one's.
PER_PERSON = re.compile(
    r"每人|人均|一人|每个人|\beach (?:person|one|of us)\b|\bper (?:person|head)\b|\ba head\b"
)
# An amount a year ("一年也就两万四", "年收入一万二", "10000 a year") is a twelfth a month.
A_YEAR_BEFORE = re.compile(
    r"(一年|每年|全年|年收入|年入|yi ?nian|a year|per year|yearly)[^,，。.!！?？\d]{0,8}$"
)
A_YEAR_AFTER = re.compile(r"^\s*(元|块|yuan|rmb)?\s*(a|per) year")
# "没有收入", "全家没收入", "no income": nothing a month.
NO_INCOME = re.compile(
    r"(没有|没|无)(任何)?收入|一分钱(收入|进账)?都没有|no income|zero income|mei shouru"
)


def read_facts(
    household: dict[str, Any], message: dict[str, Any], asked: str | None
) -> tuple[dict[str, Any], bool]:
    """The household with every fact the message gives, and whether it answered the asked fact.

    Entities give any fact ("7岁，他爸坐牢了" answers two); the asked fact may also come from the
    bare reply: a menu number, 是/否, yes/no, a number in any form. A grouped question's facts
    come from its reply only ("1 3", "2000元4口": 2000 is the family's income, not each one's).
    """
    entities = message.get("entities") or []
    text = message.get("text") or ""
    intent = (message.get("intent") or {}).get("name")
    grouped = asked is not None and asked.startswith(GROUP)
    leave = asks_for(asked) if grouped else ()
    answered = False
    for entity in entities:
        kind, value = entity.get("entity"), entity.get("value")
        if kind == "parent_status" and not grouped:
            household = _childs_illness(household, text, entity)
        if kind == "parent_status":
            role = entity.get("role")
            facts = PARENTS.get(
                role, (asked,) if asked in ("father.status", "mother.status") else ()
            )
        elif kind == "income" and asked != INCOME and not PER_PERSON.search(text.lower()):
            facts = ()  # the household's income, not each one's: see _facts_in_how_families_write
        elif kind == "disability" and _parents(text, entities, entity):
            facts = ()  # "孩他妈眼睛看不见": the mother's, not the child's
        elif kind in ENTITY_FACTS:
            facts = (ENTITY_FACTS[kind],)
        elif (
            kind == "number"
            and asked is not None
            and not grouped
            and fact_spec(asked).type in ("int", "money", "enum")
        ):
            facts = (asked,)
        else:
            facts = ()
        for fact in facts:
            if fact in leave:
                continue
            updated = try_set(household, fact, value)
            if updated is not None:
                household = updated
                answered = answered or fact == asked
    household = _facts_in_how_families_write(household, text, grouped)
    if asked is None or answered:
        return household, answered
    for value in _candidates(asked, text, intent):
        try:
            return set_answer(household, asked, value), True
        except InvalidFact:
            continue
    return household, False


def _facts_in_how_families_write(
    household: dict[str, Any], text: str, grouped: bool
) -> dict[str, Any]:
    """Facts in how families write, which the entities alone would miss or misread: who is
    writing, the child's age right after the child ("孙子十岁", "kid 5"), and income told with
    the family's size ("一个月挣一千来块 四口人" is 250 a person)."""
    plain = normalise(text).text  # simplified and lower case: "個孫" is "个孙"
    mother_writes, father_writes = WRITER_IS_MOTHER.search(plain), WRITER_IS_FATHER.search(plain)
    says_mother, says_father = SAYS_MOTHER.search(plain), SAYS_FATHER.search(plain)
    if says_mother or says_father:
        mother_writes, father_writes = says_mother, says_father
    writer = "mother" if mother_writes and not father_writes else None
    writer = "father" if father_writes and not mother_writes else writer
    # What the writer says of themself ("我也病了") stands.
    if (
        writer
        and not NOT_A_PARENT_WRITING.search(plain)
        and not WRITER_NOT_WELL.search(plain)
        and not household.get(writer, {}).get("status")
    ):
        household = try_set(household, f"{writer}.status", "present") or household
    numbers = find_numbers(plain)
    if not household.get("child", {}).get("age"):
        for number in numbers:
            after = plain[number.end :]
            if (
                number.unit == "age"
                or AGE_AFTER.match(after)
                or (
                    number.unit in (None, "count")
                    and CHILD_THEN_NUMBER.search(plain[: number.start])
                    and not NOT_AN_AGE.match(after)
                )
            ):
                household = try_set(household, "child.age", number.value) or household
                break
            if (
                number.unit is None
                and AGE_LE.match(after)
                and THIS_YEAR_NUMBER.search(plain[: number.start])
            ):
                household = try_set(household, "child.age", number.value) or household
                break
    household = already(household, plain)
    household = _guardianship_taken(household, plain)
    household = recent_crisis(household, plain)
    if household.get("child", {}).get("boarding") is None:
        boarding = True if BOARDING.search(plain) else False if DAY_PUPIL.search(plain) else None
        if boarding is not None:
            household = try_set(household, "child.boarding", boarding) or household
    money = [
        number.value / 12 if _a_year(plain, number) else number.value
        for number in numbers
        if number.unit == "money" and not counted(plain, number.start)
    ]
    if not money and NO_INCOME.search(plain):
        money = [Decimal(0)]
    # A household with a child has two people or more: "我一个人带" is no household size; of
    # several counts the whole family is the largest ("两个人加起来…一共四口人").
    counts = [number.value for number in numbers if number.unit == "count" and number.value >= 2]
    if (named := household_size(plain)) is not None and named >= 2:  # "老两口带俩孙子"
        counts.append(named)
    if grouped or not counts or PER_PERSON.search(plain):
        return household
    size = max(counts)
    if not money:  # "家里七口人": the size alone
        return try_set(household, "household.size", size) or household
    per_person = (money[0] / size).quantize(Decimal(1), rounding=ROUND_HALF_UP) if size else None
    updated = try_set(household, "household.size", size)
    if updated is not None and per_person is not None:
        household = try_set(updated, "household.monthly_income_per_capita", per_person) or household
    return household


# "took away my son's guardianship": whose, by the possessive (the entity layer reads words,
# and "son's" is one); a grandparent's son is the father, a parent's spouse the other parent.
GUARDIANSHIP_TAKEN = re.compile(
    r"(?:took away|revoked|removed|stripped|lost)\s+(?:my |his |her |their |the )?"
    r"(?P<whose>son-in-law|daughter-in-law|son|daughter|husband|wife|dad|father|mum|mom|mother)"
    r"'s guardianship"
)
_WHOSE = {"son": "father", "son-in-law": "father", "husband": "father", "dad": "father",
          "father": "father", "daughter": "mother", "daughter-in-law": "mother",
          "wife": "mother", "mum": "mother", "mom": "mother", "mother": "mother"}  # fmt: skip


def _guardianship_taken(household: dict[str, Any], plain: str) -> dict[str, Any]:
    match = GUARDIANSHIP_TAKEN.search(plain)
    if match is None:
        return household
    parent = _WHOSE[match["whose"]]
    if household.get(parent, {}).get("status"):
        return household
    return try_set(household, f"{parent}.status", "guardianship_revoked") or household


def _a_year(plain: str, number) -> bool:
    return bool(
        A_YEAR_BEFORE.search(plain[: number.start]) or A_YEAR_AFTER.match(plain[number.end :])
    )


def _childs_illness(household: dict[str, Any], text: str, entity: dict[str, Any]) -> dict[str, Any]:
    """An illness no parent was named for ("闺女得了白血病", "my son has leukemia") is the
    child's when its clause names the child."""
    if entity.get("value") != "serious_illness" or entity.get("role"):
        return household
    # Simplified first: "孫子心臟病" names the child as "孙子心脏病" does.
    clause = _CLAUSE.split(normalise(text[: entity.get("start", 0)]).text)[-1]
    if CHILD_NAMED.search(clause):
        return try_set(household, "child.serious_illness", True) or household
    return household


def _parents(text: str, entities: list[dict[str, Any]], entity: dict[str, Any]) -> bool:
    """Whether a parent is named in the entity's clause before it, and no child after that."""
    start = entity.get("start", 0)
    named = [e for e in entities if e.get("entity") == "parent" and e.get("end", 0) <= start]
    if not named:
        return False
    between = text[named[-1]["end"] : start]
    return not _CLAUSE.search(between) and not CHILD_NAMED.search(between.lower())


def _candidates(asked: str, text: str, intent: str | None) -> list[Any]:
    plain = normalise(text).text.strip(" .。!！?？~")
    if asked.startswith(GROUP):
        # Numbers in any form as digits, a count marked as one: "一千来块 四口人" -> "1000 4口".
        numbers = find_numbers(plain)
        digits = " ".join(f"{n.value}{'口' if n.unit == 'count' else ''}" for n in numbers)
        return [digits, plain] if digits else [plain]
    number = parse_number(plain)
    # "1.2万" is 12000, not the 1.2 a plain digit reader sees: the number goes first.
    candidates: list[Any] = [] if number is None else [str(number)]
    candidates.append(plain)
    if fact_spec(asked).type == "bool" and intent in ("affirm", "deny"):
        candidates.append(intent == "affirm")
    return candidates
