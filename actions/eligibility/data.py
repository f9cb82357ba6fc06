"""Loads the YAML data (programmes, regions, facts, texts) once, checking what the code needs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

# The engine stands alone (it imports neither the app nor the bot): its own list of the
# languages every text needs, the same as nlu.language.LANGUAGES.
LANGUAGES = ("zh", "en")

# The order programmes are listed in, everywhere: results, texts, the CLI.
PROGRAMME_IDS = (
    "orphan_allowance",
    "unsupported_child_allowance",
    "dibao",
    "extreme_poverty_support",
    "medical_assistance",
    "disability_rehab",
    "education_aid",
    "school_meals",
    "temporary_assistance",
)

NATIONAL = "CN"

_DATA = files(__package__) / "data"
_PROGRAMME_TEXTS = ("name", "what", "office", "how_to_apply", "documents", "processing_time")


class DataError(Exception):
    """A data file is missing something the engine needs."""


def _load(resource: Any) -> Any:
    return yaml.safe_load(resource.read_text(encoding="utf-8"))


@cache
def programmes() -> dict[str, dict[str, Any]]:
    """Programme id -> its file: texts, logic parameters, region parameters it reads, sources."""
    loaded = {}
    for programme_id in PROGRAMME_IDS:
        programme = _load(_DATA / "programmes" / f"{programme_id}.yml")
        if programme.get("id") != programme_id:
            raise DataError(f"programmes/{programme_id}.yml: id must be {programme_id}")
        for key in _PROGRAMME_TEXTS:
            _check_texts(f"{programme_id}.{key}", programme.get(key))
        for code, text in programme.get("reasons", {}).items():
            _check_texts(f"{programme_id}.reasons.{code}", text)
        loaded[programme_id] = programme
    return loaded


@cache
def regions() -> dict[str, dict[str, Any]]:
    """Region code -> its file, with every parameter's dated values sorted oldest first."""
    known = {
        f"{programme_id}.{name}"
        for programme_id, programme in programmes().items()
        for name in programme.get("region_parameters", {})
    }
    loaded = {}
    for resource in (_DATA / "regions").iterdir():
        if not resource.name.endswith(".yml"):
            continue
        region = _load(resource)
        code = region["code"]
        if resource.name != f"{code}.yml":
            raise DataError(f"regions/{resource.name}: file name must be {code}.yml")
        parameters = {}
        for name, entries in region.get("parameters", {}).items():
            if name not in known:
                raise DataError(f"regions/{code}.yml: {name} is no programme's region parameter")
            parameters[name] = sorted(
                (_dated(code, name, entry) for entry in entries), key=lambda entry: entry["since"]
            )
        loaded[code] = {**region, "parameters": parameters}
    if NATIONAL not in loaded:
        raise DataError(
            f"regions/{NATIONAL}.yml is missing: it is the root every region falls back to"
        )
    return loaded


@cache
def facts() -> dict[str, Any]:
    """The facts file: menus of answers and, per fact, its type, bounds, label and question."""
    loaded = _load(_DATA / "facts.yml")
    for path, spec in loaded["facts"].items():
        _check_texts(f"facts.{path}.label", spec.get("label"))
        _check_texts(f"facts.{path}.question", spec.get("question"))
        if spec["type"] == "enum" and spec.get("menu") not in loaded["menus"]:
            raise DataError(f"facts.{path}: menu {spec.get('menu')!r} is not defined")
    for name, menu in loaded["menus"].items():
        for choice in menu:
            _check_texts(f"menus.{name}.{choice['value']}", choice)
    return loaded


@cache
def texts() -> dict[str, Any]:
    """Shared wording of results and questions: decision names, amount formats, SMS frames."""
    return _load(_DATA / "texts.yml")


def _dated(code: str, name: str, entry: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(entry.get("since"), date) or "value" not in entry or not entry.get("source"):
        raise DataError(f"regions/{code}.yml: {name} needs since (a date), value and source")
    value = entry["value"]
    if isinstance(value, float):
        value = Decimal(str(value))  # money and factors are exact: 1.5 stays 1.5
    return {**entry, "value": value}


def _check_texts(where: str, texts: Any) -> None:
    if not isinstance(texts, dict) or any(not texts.get(lang) for lang in LANGUAGES):
        raise DataError(f"{where}: needs a text in each of {', '.join(LANGUAGES)}")
