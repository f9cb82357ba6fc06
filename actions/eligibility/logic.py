"""Three-valued logic over household facts: rules decide with facts missing, naming those needed.

A Term is a value that is either known, with the facts it was derived from, or unknown, with the
facts still missing. Terms combine with & | ~ (Kleene logic: False & unknown is False) and compare
with < <= > >=. When an unknown term has a small set of possible values (an enum fact, a yes/no
fact, or a parameter that depends on one), operations try every value and become known when the
answer is the same for all: income 500 is below both the rural and the urban line, so hukou need
not be asked.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

BOOLEANS = (True, False)


@dataclass(frozen=True)
class Term:
    value: Any = None
    known: bool = True
    facts: frozenset[str] = frozenset()  # known: facts that decided it; unknown: facts missing
    domain: tuple[Any, ...] | None = None  # the values an unknown term may take, when few

    @classmethod
    def of(cls, value: Any) -> Term:
        """A constant: known, and depending on no fact."""
        return cls(value)

    @classmethod
    def fact(cls, path: str, value: Any, domain: tuple[Any, ...] | None = None) -> Term:
        return cls(value, True, frozenset({path}), domain)

    @classmethod
    def missing(cls, path: str, domain: tuple[Any, ...] | None = None) -> Term:
        return cls(None, False, frozenset({path}), domain)

    def get(self) -> Any:
        """The value when known, else None."""
        return self.value if self.known else None

    def settled(self) -> Term:
        """True once the value itself is known; unlike map, no folding over possible values."""
        if self.known:
            return Term.of(True)
        return Term(None, False, self.facts, BOOLEANS)

    def __bool__(self) -> bool:
        raise TypeError("a Term has no truth value: combine it with & | ~ and let the rule decide")

    # --- derived values -------------------------------------------------------------------

    def map(self, fn: Callable[[Any], Any]) -> Term:
        return apply(fn, self)

    def eq(self, value: Any) -> Term:
        return self.map(lambda own: own == value)

    def ne(self, value: Any) -> Term:
        return self.map(lambda own: own != value)

    def isin(self, values: Iterable[Any]) -> Term:
        values = frozenset(values)
        return self.map(lambda own: own in values)

    def is_none(self) -> Term:
        return self.map(lambda own: own is None)

    def __lt__(self, other: Any) -> Term:
        return apply(_comparison(operator.lt), self, other)

    def __le__(self, other: Any) -> Term:
        return apply(_comparison(operator.le), self, other)

    def __gt__(self, other: Any) -> Term:
        return apply(_comparison(operator.gt), self, other)

    def __ge__(self, other: Any) -> Term:
        return apply(_comparison(operator.ge), self, other)

    def __mul__(self, other: Any) -> Term:
        return apply(_arithmetic(operator.mul), self, other)

    def __sub__(self, other: Any) -> Term:
        return apply(_arithmetic(operator.sub), self, other)

    # --- Kleene logic ---------------------------------------------------------------------

    def __and__(self, other: Any) -> Term:
        terms = (self, lift(other))
        for term in terms:
            if term.known and not term.value:
                return Term(False, True, term.facts)  # one false side is the whole explanation
        return _both(terms, all_known_value=True)

    def __or__(self, other: Any) -> Term:
        terms = (self, lift(other))
        for term in terms:
            if term.known and term.value:
                return Term(True, True, term.facts)
        return _both(terms, all_known_value=False)

    def __invert__(self) -> Term:
        if not self.known:
            return Term(None, False, self.facts, BOOLEANS)
        return Term(not self.value, True, self.facts)

    __rand__ = __and__
    __ror__ = __or__


def lift(value: Any) -> Term:
    return value if isinstance(value, Term) else Term.of(value)


def apply(fn: Callable[..., Any], *operands: Any) -> Term:
    """fn over the values: known if all operands are, or if fn agrees on every possible value."""
    terms = [lift(operand) for operand in operands]
    unknown = [term for term in terms if not term.known]
    if not unknown:
        return Term(fn(*(term.value for term in terms)), True, _facts(terms))
    if any(term.domain is None for term in unknown):
        return Term(None, False, _facts(unknown))
    choices = [term.domain if not term.known else (term.value,) for term in terms]
    outcomes = _distinct(fn(*values) for values in itertools.product(*choices))
    if len(outcomes) == 1:
        # The answer does not depend on the unknown facts: only the known ones decided it.
        return Term(outcomes[0], True, _facts(term for term in terms if term.known))
    return Term(None, False, _facts(unknown), tuple(outcomes))


def _both(terms: tuple[Term, Term], all_known_value: bool) -> Term:
    if all(term.known for term in terms):
        return Term(all_known_value, True, _facts(terms))
    return Term(None, False, _facts(term for term in terms if not term.known), BOOLEANS)


def _facts(terms: Iterable[Term]) -> frozenset[str]:
    return frozenset().union(*(term.facts for term in terms))


def _distinct(values: Iterable[Any]) -> list[Any]:
    distinct: list[Any] = []
    for value in values:
        if value not in distinct:
            distinct.append(value)
    return distinct


def _comparison(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    # A parameter a region has not set (None) is never below or above anything.
    return lambda a, b: a is not None and b is not None and compare(a, b)


def _arithmetic(combine: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    return lambda a, b: None if a is None or b is None else combine(a, b)
