"""Households for the eligibility tests: the issue's example family, and variations of it."""

import copy
from typing import Any

# The example of issue #3: both parents at home, rural, 500 yuan a person, demo county.
EXAMPLE = {
    "region": "CN-51-demo",
    "date": "2026-12-01",
    "child": {
        "age": 7,
        "disability": "none",
        "hiv": False,
        "school": "primary",
        "boarding": False,
        "serious_illness": False,
    },
    "father": {"status": "present"},
    "mother": {"status": "present"},
    "household": {
        "hukou": "rural",
        "size": 4,
        "monthly_income_per_capita": 500,
        "assets_within_limit": True,
        "receives_dibao": False,
        "extreme_poverty": False,
        "registered_poor": False,
        "near_poor": False,
        "sudden_hardship": False,
    },
}

DROP = object()  # a value meaning "the family has not said"


def family(**changes: Any) -> dict[str, Any]:
    """The example family with facts changed: family(child__age=17, father__status=DROP)."""
    household = copy.deepcopy(EXAMPLE)
    for key, value in changes.items():
        group, _, name = key.partition("__")
        target, field = (household[group], name) if name else (household, group)
        if value is DROP:
            target.pop(field, None)
        else:
            target[field] = value
    return household


def empty(**changes: Any) -> dict[str, Any]:
    """A family that has said nothing yet, in the demo county on the example's date."""
    household = {"region": EXAMPLE["region"], "date": EXAMPLE["date"]}
    for key, value in changes.items():
        group, _, name = key.partition("__")
        if name:
            household.setdefault(group, {})[name] = value
        else:
            household[group] = value
    return household
