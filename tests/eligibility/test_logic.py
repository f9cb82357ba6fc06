"""Three-valued terms: Kleene logic, folding over possible values, unset parameters."""

import pytest

from actions.eligibility.logic import BOOLEANS, Term

TRUE = Term.fact("a", True, BOOLEANS)
FALSE = Term.fact("b", False, BOOLEANS)
UNKNOWN = Term.missing("c", BOOLEANS)


@pytest.mark.parametrize(
    ("term", "known", "value", "facts"),
    [
        pytest.param(
            TRUE & FALSE, True, False, {"b"}, id="true and false: the false side explains"
        ),
        pytest.param(FALSE & UNKNOWN, True, False, {"b"}, id="false and unknown is false"),
        pytest.param(TRUE & UNKNOWN, False, None, {"c"}, id="true and unknown needs the unknown"),
        pytest.param(TRUE | UNKNOWN, True, True, {"a"}, id="true or unknown is true"),
        pytest.param(FALSE | UNKNOWN, False, None, {"c"}, id="false or unknown needs the unknown"),
        pytest.param(FALSE | FALSE, True, False, {"b"}, id="false or false"),
        pytest.param(~UNKNOWN, False, None, {"c"}, id="not unknown"),
        pytest.param(~FALSE, True, True, {"b"}, id="not false"),
    ],
)
def test_kleene_logic(term, known, value, facts):
    assert (term.known, term.get(), set(term.facts)) == (known, value, facts)


def test_an_answer_that_is_the_same_for_every_possible_value_is_known():
    hukou = Term.missing("household.hukou", ("rural", "urban"))
    line = hukou.map({"rural": 600, "urban": 840}.get)
    income = Term.fact("income", 500)
    below = income < line
    assert (below.known, below.value, set(below.facts)) == (True, True, {"income"})
    above = Term.fact("income", 700) < line
    assert (above.known, set(above.facts)) == (False, {"household.hukou"})


def test_settled_does_not_fold():
    line = Term.missing("household.hukou", ("rural", "urban")).map({"rural": 600, "urban": 840}.get)
    assert not line.settled().known


def test_an_unset_parameter_is_never_below_or_above():
    assert (Term.fact("income", 1) < None).value is False
    assert (Term.fact("income", 1) >= None).value is False
    assert (Term.of(None) * 2).value is None


def test_a_term_has_no_truth_value():
    with pytest.raises(TypeError):
        bool(UNKNOWN)
