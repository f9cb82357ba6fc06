"""Every figure behind what a family is told, with its source, date and age, for review.

`python -m actions.eligibility facts --region CN-51-demo` lists, per programme, the region
parameters in force (who set them, since when, how old, the source), the rule's own numbers
and every number its texts quote. A figure without a source is a problem: the command names it
and exits 1, and `make test` runs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import data
from .regions import dated_after_years, lineage, parameter

_TEXT_KEYS = ("name", "what", "office", "how_to_apply", "documents", "processing_time")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


@dataclass(frozen=True)
class Figure:
    programme: str
    kind: str  # "region" (a dated region parameter), "rule" (logic) or "text" (quoted in a text)
    name: str
    value: Any
    source: str | None
    since: date | None  # in force since, when known
    checked: date | None = None  # last checked against the source
    region: str | None = None  # the region file that set it (region parameters)
    floor: bool = False


def figures(region: str, on: date) -> Iterator[Figure]:
    """Every figure of every programme as the region sees it on the date."""
    for programme_id, programme in data.programmes().items():
        declared = programme.get("figures", {})
        for name in programme.get("region_parameters", {}):
            used = parameter(region, f"{programme_id}.{name}", on)
            yield Figure(
                programme_id, "region", name, used.value, used.source, used.since,
                region=used.region, floor=used.floor,
            )  # fmt: skip
        for name, value in _numbers_in_logic(programme.get("logic", {})):
            yield _declared(programme_id, "rule", name, value, declared)
        for number in sorted(_numbers_in_texts(programme), key=float):
            yield _declared(programme_id, "text", number, number, declared)


def problems(region: str, on: date) -> list[str]:
    """Figures a family could be told that have no source (or no date to judge their age by)."""
    found = []
    for figure in figures(region, on):
        if figure.kind == "region" and figure.value is None:
            continue  # not set for this region: the text says to ask, and quotes nothing
        if not figure.source or (figure.since is None and figure.checked is None):
            where = f"{figure.programme}.{figure.name}"
            found.append(f"{where} = {figure.value}: no source and date in the data")
    return found


def listing(region: str, on: date) -> str:
    """The review sheet: one line per figure, grouped by programme."""
    files = data.regions()
    known = next((code for code in lineage(region) if code in files), data.NATIONAL)
    name = files[known]["name"]
    lines = [
        f"Figures for {region} ({name['zh']} / {name['en']}) on {on.isoformat()}.",
        f"Amounts older than {dated_after_years(region)} years are texted as possibly changed;"
        " a national floor is texted as a floor.",
    ]
    current = None
    for figure in figures(region, on):
        if figure.programme != current:
            current = figure.programme
            lines += ["", f"{current} {data.programmes()[current]['name']['zh']}"]
        lines.append("  " + _line(figure, on))
    return "\n".join(lines)


def _line(figure: Figure, on: date) -> str:
    if figure.kind == "region" and figure.value is None:
        return f"region {figure.name}: not set for this region (texts say to ask)"
    when = (
        f"since {figure.since.isoformat()} ({_age(figure.since, on)})"
        if figure.since
        else f"checked {figure.checked.isoformat()}"
        if figure.checked
        else "NO DATE"
    )
    where = f" in {figure.region}" if figure.region else ""
    floor = " [national floor]" if figure.floor else ""
    source = figure.source or "NO SOURCE"
    what = (
        f"text {figure.value}"
        if figure.kind == "text"
        else f"{figure.kind} {figure.name} = {figure.value}"
    )
    return f"{what}{floor}{where}, {when}: {source}"


def _age(since: date, on: date) -> str:
    years = on.year - since.year - ((on.month, on.day) < (since.month, since.day))
    return f"{years} y" if years else "under 1 y"


def _declared(
    programme_id: str, kind: str, name: str, value: Any, declared: dict[str, Any]
) -> Figure:
    entry = declared.get(str(value)) or {}
    return Figure(
        programme_id, kind, name, value, entry.get("source"), entry.get("since"),
        entry.get("checked"),
    )  # fmt: skip


def _numbers_in_logic(logic: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for name, value in logic.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            yield name, value


def _numbers_in_texts(programme: dict[str, Any]) -> set[str]:
    texts = [programme[key] for key in _TEXT_KEYS]
    texts += list(programme.get("reasons", {}).values())
    texts += list(programme.get("office_by_reason", {}).values())
    found: set[str] = set()
    for text in texts:
        for lang in data.LANGUAGES:
            found |= set(_NUMBER.findall(_PLACEHOLDER.sub("", text[lang])))
    return found
