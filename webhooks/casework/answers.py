"""A family's yes or no to a question the helpline asked by SMS ("1", "是的", "没有", "no")."""

import unicodedata

YES, NO, OTHER = "yes", "no", "other"
# Whole answers to "did you apply?" (after NFKC, case folding and trimming punctuation).
ANSWERS = {
    YES: {"1", "是", "是的", "对", "已申请", "申请了", "已经申请了", "办了", "yes", "y", "applied"},
    NO: {"2", "否", "没有", "还没有", "还没", "没", "没申请", "no", "n", "not yet"},
}

# Whole answers to "is a child in danger right now? 1 yes 2 no".
DANGER_ANSWERS = {
    YES: {"1", "有", "有危险", "危险", "是", "是的", "对", "yes", "y", "you"},
    NO: {"2", "没有", "没", "没有危险", "没危险", "不危险", "没事", "no", "n", "meiyou"},
}


def read_answer(body: str, answers: dict[str, set[str]] = ANSWERS) -> str:
    """YES, NO or OTHER (a question, or anything else the worker should read)."""
    plain = unicodedata.normalize("NFKC", body).casefold().strip()
    plain = "".join(ch for ch in plain if not unicodedata.category(ch).startswith("P")).strip()
    for answer, words in answers.items():
        if plain in words:
            return answer
    return OTHER
