"""Region parameters: dated values, falling back from a region to its parents and to CN."""

from datetime import date

import pytest

from actions.eligibility.data import regions
from actions.eligibility.regions import is_demo, lineage, parameter


def test_lineage_runs_up_to_the_national_root():
    assert lineage("CN-51-demo-07") == ["CN-51-demo-07", "CN-51-demo", "CN-51", "CN"]
    assert lineage("CN") == ["CN"]


@pytest.mark.parametrize(
    ("region", "name", "on", "value", "source_region"),
    [
        ("CN-51-demo", "dibao.line.rural", date(2026, 12, 1), 600, "CN-51-demo"),
        ("CN-51-demo", "dibao.line.rural", date(2026, 7, 1), 600, "CN-51-demo"),
        ("CN-51-demo", "dibao.line.rural", date(2026, 6, 30), 560, "CN-51-demo"),
        ("CN-51-demo", "dibao.line.rural", date(2024, 12, 31), None, None),
        ("CN-51-demo-07", "orphan_allowance.community", date(2026, 12, 1), 1350, "CN-51-demo"),
        ("CN-51-demo", "disability_rehab.max_age", date(2026, 12, 1), 6, "CN"),
        ("CN-99", "orphan_allowance.community", date(2026, 12, 1), 600, "CN"),
        ("CN", "orphan_allowance.community", date(2009, 12, 31), None, None),
        ("CN", "dibao.line.urban", date(2026, 12, 1), None, None),
    ],
)
def test_parameter_in_force(region, name, on, value, source_region):
    used = parameter(region, name, on)
    assert (used.value, used.region) == (value, source_region)


def test_demo_values_are_marked_demo_and_the_national_root_is_not():
    assert regions()["CN-51-demo"]["demo"] is True
    assert regions()["CN"]["demo"] is False
    assert is_demo("CN-51-demo-07") and not is_demo("CN-44")
    for entries in regions()["CN-51-demo"]["parameters"].values():
        assert all("demo" in entry["source"] for entry in entries)
