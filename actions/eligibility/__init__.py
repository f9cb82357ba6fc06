"""Eligibility engine of the family helpline: which aid a family's children can get, and why.

Pure Python and YAML data, importable from both the app and the Rasa environment. Rules are
written once in rules.py; parameters (dibao lines, allowance amounts, ages) come from data files,
dated and per region, falling back to the national root "CN".
"""

from .data import PROGRAMME_IDS
from .facts import fact_spec, is_dont_know, mark_unknown, set_fact
from .model import (
    Amount,
    Decision,
    FactSpec,
    InvalidFact,
    ProgrammeInfo,
    ProgrammeResult,
    Reason,
    Result,
)
from .questions import next_question, noted, question
from .screening import screen
from .text import programme_info, reason_text, result_dict, result_text, segments

programme_ids = PROGRAMME_IDS

__all__ = [
    "Amount",
    "Decision",
    "FactSpec",
    "InvalidFact",
    "ProgrammeInfo",
    "ProgrammeResult",
    "Reason",
    "Result",
    "fact_spec",
    "is_dont_know",
    "mark_unknown",
    "next_question",
    "noted",
    "programme_ids",
    "programme_info",
    "question",
    "reason_text",
    "result_dict",
    "result_text",
    "screen",
    "segments",
    "set_fact",
]
