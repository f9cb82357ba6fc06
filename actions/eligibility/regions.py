"""Region parameters: the value in force on a date, falling back through parent regions to "CN"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import data

# "CN", then one segment per level: "CN-51" (province), "CN-51-demo" (a county under it), ...
REGION_CODE = re.compile(r"CN(-[A-Za-z0-9]+)*")


@dataclass(frozen=True)
class Parameter:
    """One parameter as used: its value (None when no region sets it) and where it came from."""

    name: str
    value: Any
    region: str | None = None
    since: date | None = None
    source: str | None = None
    floor: bool = False  # a national minimum: the local figure is usually higher


def lineage(code: str) -> list[str]:
    """The region and its parents up to "CN": CN-51-demo -> [CN-51-demo, CN-51, CN]."""
    parts = code.split("-")
    return ["-".join(parts[:end]) for end in range(len(parts), 0, -1)]


def parameter(region: str, name: str, on: date) -> Parameter:
    """The value of `name` in force on `on` in the nearest region that sets one."""
    files = data.regions()
    for code in lineage(region):
        entries = files.get(code, {}).get("parameters", {}).get(name, [])
        in_force = [entry for entry in entries if entry["since"] <= on]
        if in_force:
            entry = in_force[-1]
            return Parameter(
                name,
                entry["value"],
                code,
                entry["since"],
                entry["source"],
                entry.get("floor", False),
            )
    return Parameter(name, None)


def dated_after_years(region: str) -> int:
    """How many years an amount may be in force before texts say it may have changed."""
    files = data.regions()
    for code in lineage(region):
        years = files.get(code, {}).get("amounts_dated_after_years")
        if years is not None:
            return years
    raise data.DataError(f"regions/{data.NATIONAL}.yml: amounts_dated_after_years is not set")


def is_demo(region: str) -> bool:
    """True when any region file the region falls back to holds demo values."""
    files = data.regions()
    return any(files.get(code, {}).get("demo", False) for code in lineage(region))
