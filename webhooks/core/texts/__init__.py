"""Every text the app itself sends or shows to families and workers, in Chinese and English.

One YAML file per feature in this folder; each key maps a language code to a template for
str.format. Texts are plain and short: they travel as SMS.
"""

from functools import cache
from pathlib import Path

import yaml

from nlu.language import LANGUAGES

DEFAULT_LANGUAGE = "zh"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(Path(__file__).parent.glob("*.yml")):
        for key, versions in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"{path.name}: text {key!r} is defined twice")
            if set(versions) != set(LANGUAGES):
                raise ValueError(f"{path.name}: text {key!r} needs exactly {LANGUAGES}")
            merged[key] = versions
    return merged


def text(key: str, language: str | None, **values: object) -> str:
    versions = catalogue()[key]
    template = versions.get(language or DEFAULT_LANGUAGE, versions[DEFAULT_LANGUAGE])
    return template.format(**values)


def both(key: str, **values: object) -> str:
    """The text in Chinese then English, as the staff pages show their notes."""
    return f"{text(key, 'zh', **values)} {text(key, 'en', **values)}"
