"""Each phrase entry matches its examples and not its safe examples; bad files fail clearly."""

from pathlib import Path

import pytest

from webhooks.safety.normalise import normalise
from webhooks.safety.pinyin import syllables
from webhooks.safety.rules import CATEGORIES, Rule, RuleFileError, default_rules, load_rules
from webhooks.safety.screen import check

RULES = default_rules()


def prepared(rule: Rule, text: str) -> str:
    """The form of a message that this rule reads."""
    plain = normalise(text)
    return syllables(plain) if rule.form == "pinyin" else plain


def cases(field: str) -> list:
    """One pytest case per (rule, text) pair of the given field, named after the rule."""
    return [
        pytest.param(rule, text, id=f"{rule.id}:{text}")
        for rule in RULES
        for text in getattr(rule, field)
    ]


@pytest.mark.parametrize(("rule", "example"), cases("examples"))
def test_rule_matches_its_example(rule, example):
    assert rule.find(prepared(rule, example)) is not None
    assert check(example) is not None


@pytest.mark.parametrize(("rule", "example"), cases("safe_examples"))
def test_rule_ignores_its_safe_example(rule, example):
    assert rule.find(prepared(rule, example)) is None


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_category_has_rules_in_both_languages(category, language):
    assert any(r.category == category and r.language == language for r in RULES)


def test_rules_are_ordered_by_urgency():
    order = [CATEGORIES.index(rule.category) for rule in RULES]
    assert order == sorted(order)


GOOD_RULE = """
  - id: {id}
    category: abuse
    pattern: '打{{child}}'
    examples: [打孩子]
"""
HEADER = "language: zh\nterms:\n  child: [孩子]\nrules:\n"


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        (HEADER + "  - {id: a, category: scolding, phrase: 骂, examples: [骂]}", "category"),
        (HEADER + "  - {id: a, category: abuse, pattern: '打(孩子', examples: [x]}", "bad pattern"),
        (
            HEADER + "  - {id: a, category: abuse, pattern: '打{kid}', examples: [x]}",
            "unknown term",
        ),
        (HEADER + "  - {id: a, category: abuse, phrase: 打}", "examples"),
        (HEADER + "  - {id: a, category: abuse, phrase: 打, exampels: [打]}", "unknown keys"),
        (HEADER + "  - {id: a, category: abuse, examples: [打]}", "exactly one"),
        (HEADER + "  - {category: abuse, phrase: 打, examples: [打]}", "needs an 'id'"),
        (HEADER + "  - {id: a, category: abuse, pattern: '(打)?', examples: [打]}", "empty text"),
        ("language: fr\nrules: []\n", "language"),
        ("language: zh\nrules: [oops\n", "not valid YAML"),
        (
            "language: en\nrules:\n  - {id: a, category: abuse, pattern: 'Hit', examples: [x]}",
            "capitals",
        ),
        (
            "language: zh\nform: pinyin\nrules:\n"
            "  - {id: a, category: abuse, pattern: 'zisha', examples: [zi sha]}",
            "not one pinyin syllable",
        ),
    ],
    ids=[
        "unknown-category",
        "bad-regex",
        "unknown-term",
        "no-examples",
        "misspelt-key",
        "no-phrase",
        "no-id",
        "matches-empty",
        "bad-language",
        "bad-yaml",
        "capitals",
        "pinyin-unsplit",
    ],
)
def test_bad_file_is_refused_naming_file_and_entry(tmp_path: Path, text, complaint):
    path = tmp_path / "broken.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError, match=complaint) as error:
        load_rules([path])
    assert str(path) in str(error.value)


def test_duplicate_id_across_files_is_refused(tmp_path: Path):
    first, second = tmp_path / "a.yml", tmp_path / "b.yml"
    for path in (first, second):
        path.write_text(HEADER + GOOD_RULE.format(id="zh-same"), encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"'zh-same'.*already used in .*a\.yml"):
        load_rules([first, second])


def test_good_file_loads_with_terms_expanded(tmp_path: Path):
    path = tmp_path / "good.yml"
    path.write_text(HEADER + GOOD_RULE.format(id="zh-ok"), encoding="utf-8")
    (rule,) = load_rules([path])
    assert rule.find(normalise("他又打孩子了")).group() == "打孩子"


def test_exception_cancels_only_the_match_it_overlaps(tmp_path: Path):
    path = tmp_path / "unless.yml"
    path.write_text(
        HEADER + "  - id: zh-lost\n    category: missing_child\n    pattern: '{child}.{0,6}?丢了'\n"
        "    unless: ['{child}的.{0,4}丢了']\n    examples: [孩子丢了]\n",
        encoding="utf-8",
    )
    (rule,) = load_rules([path])
    assert rule.find(normalise("孩子的书包丢了")) is None
    assert rule.find(normalise("孩子的书包丢了，孩子也丢了")) is not None
