"""Load, check and compile the danger phrases and patterns supervisors keep in phrases/."""

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from nlu.language import LANGUAGES
from nlu.text import syllables as pinyin_syllables
from webhooks.safety.normalise import has_chinese, has_latin, normalise, simplified
from webhooks.safety.pinyin import syllables

PHRASES_DIR = Path(__file__).parent / "phrases"

# In order of urgency: when one message matches several categories, the first is reported.
CATEGORIES = (
    "immediate_danger",
    "suicide_self_harm",
    "sexual_abuse",
    "trafficking",
    "abuse",
    "violence",
    "missing_child",
    "neglect_left_alone",
)
FORMS = ("text", "pinyin")
RULE_KEYS = {"id", "category", "phrase", "pattern", "unless", "hint", "examples", "safe_examples"}

# libyaml's loader when PyYAML was built with it: the pure-Python one takes half a second here.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_PINYIN_TERM = re.compile(r"[a-z' ]+")


class RuleFileError(ValueError):
    """A phrase file that cannot be used, with the file and entry named in the message."""


@dataclass(frozen=True)
class Rule:
    """One danger phrase or pattern, compiled, with the exceptions that cancel it."""

    id: str
    category: str
    language: str
    form: str  # "text" (normalised message) or "pinyin" (its syllables, space-separated)
    source: str
    regex: re.Pattern[str]
    exceptions: tuple[re.Pattern[str], ...]
    examples: tuple[str, ...]
    safe_examples: tuple[str, ...]
    # A sign of danger rather than danger told ("以后你们就不用管我了"): a worker reads the
    # message (distress) unless the classifier reads danger too (webhooks/safety/screen.py).
    hint: bool = False

    def find(self, prepared: str) -> re.Match[str] | None:
        """Return the first match in the prepared text that no exception overlaps."""
        match = self.regex.search(prepared)
        if match is None or not self.exceptions:
            return match
        cancelled = [m.span() for e in self.exceptions for m in e.finditer(prepared) if m.group()]
        while match is not None:
            if not any(start < match.end() and match.start() < end for start, end in cancelled):
                return match
            # Matches may overlap: "孩子的书包丢了，孩子也不见了" must still find the second.
            match = self.regex.search(prepared, match.start() + 1)
        return None


def load_rules(paths: Iterable[Path]) -> tuple[Rule, ...]:
    """Load every file, refuse duplicate ids, and order the rules by category urgency."""
    rules: list[Rule] = []
    seen: dict[str, Path] = {}
    for path in paths:
        for rule in load_rule_file(path):
            if rule.id in seen:
                raise RuleFileError(f"{path}: rule {rule.id!r}: id already used in {seen[rule.id]}")
            seen[rule.id] = path
            rules.append(rule)
    return tuple(sorted(rules, key=lambda rule: CATEGORIES.index(rule.category)))


@functools.cache
def default_rules() -> tuple[Rule, ...]:
    """The rules from phrases/*.yml, loaded and compiled once per process."""
    return load_rules(sorted(PHRASES_DIR.glob("*.yml")))


def matches(text: str) -> Iterator[tuple[Rule, re.Match[str]]]:
    """Each rule that fires on a message, in the files' order, with what it matched. A rule
    reads one form of the message: its normalised text, or (pinyin rules) its syllables; a
    form with nothing to read is skipped."""
    plain = normalise(text)
    latin = has_latin(plain)
    forms = {
        ("zh", "text"): plain if has_chinese(plain) else "",
        ("en", "text"): plain if latin else "",
        ("zh", "pinyin"): syllables(plain) if latin else "",
    }
    for rule in default_rules():
        prepared = forms[rule.language, rule.form]
        if prepared and (match := rule.find(prepared)) is not None:
            yield rule, match


def load_rule_file(path: Path) -> list[Rule]:
    """Read one phrase file and compile its rules, naming the file and entry in any error."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as error:
        raise RuleFileError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleFileError(f"{path}: expected a mapping with a 'rules' list")
    language, form = data.get("language"), data.get("form", "text")
    if language not in LANGUAGES:
        raise RuleFileError(f"{path}: language must be one of {LANGUAGES}, not {language!r}")
    if form not in FORMS:
        raise RuleFileError(f"{path}: form must be one of {FORMS}, not {form!r}")
    if form == "pinyin" and language != "zh":
        raise RuleFileError(f"{path}: pinyin files are language zh")
    terms = _compile_terms(path, data.get("terms") or {}, form)
    return [_compile_rule(path, entry, language, form, terms) for entry in data["rules"]]


def _compile_terms(path: Path, raw: object, form: str) -> dict[str, str]:
    """Turn each named word list into one regex alternation, longest words first."""
    if not isinstance(raw, dict):
        raise RuleFileError(f"{path}: 'terms' must map names to lists of words")
    terms = {}
    for name, words in raw.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise RuleFileError(f"{path}: term {name!r} must be a list of words")
        if form == "pinyin":
            words = [syllables(w) if _PINYIN_TERM.fullmatch(w) else w for w in words]
        # A term may use the terms above it: victim: ["{child}", 他, 她].
        words = [_expand(f"{path}: term {name!r}", w, terms, form) for w in words]
        terms[name] = "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"
    return terms


def _compile_rule(path: Path, entry: object, language: str, form: str, terms: dict) -> Rule:
    """Check one entry and compile its pattern and exceptions."""
    if not isinstance(entry, dict):
        raise RuleFileError(f"{path}: every rule must be a mapping, not {entry!r}")
    rule_id = entry.get("id")
    where = f"{path}: rule {rule_id!r}"
    if not isinstance(rule_id, str) or not rule_id:
        raise RuleFileError(f"{where}: needs an 'id'")
    if unknown := set(entry) - RULE_KEYS:
        raise RuleFileError(f"{where}: unknown keys {sorted(unknown)}")
    if entry.get("category") not in CATEGORIES:
        raise RuleFileError(f"{where}: category must be one of {CATEGORIES}")
    if not isinstance(entry.get("hint", False), bool):
        raise RuleFileError(f"{where}: 'hint' must be true or false")
    if ("phrase" in entry) == ("pattern" in entry):
        raise RuleFileError(f"{where}: needs exactly one of 'phrase' or 'pattern'")
    examples = _strings(where, entry, "examples", required=True)
    source = entry.get("phrase", entry.get("pattern"))
    if not isinstance(source, str) or not source.strip():
        raise RuleFileError(f"{where}: phrase or pattern must be non-empty text")
    if "phrase" in entry:
        pattern = _phrase_pattern(source, language, form)
    else:
        pattern = _expand(where, source, terms, form)
    regex = _compile(where, pattern, form)
    if regex.search("") is not None:
        raise RuleFileError(f"{where}: pattern matches empty text, so every message would alarm")
    return Rule(
        id=rule_id,
        category=entry["category"],
        language=language,
        form=form,
        source=source,
        regex=regex,
        exceptions=tuple(
            _compile(where, _expand(where, p, terms, form), form)
            for p in _strings(where, entry, "unless")
        ),
        examples=examples,
        safe_examples=_strings(where, entry, "safe_examples"),
        hint=entry.get("hint", False),
    )


def _strings(where: str, entry: dict, key: str, required: bool = False) -> tuple[str, ...]:
    """Read a list of non-empty strings from an entry."""
    values = entry.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise RuleFileError(f"{where}: {key!r} must be a list of texts")
    if required and not values:
        raise RuleFileError(f"{where}: needs at least one of {key!r}, so the entry is tested")
    return tuple(values)


def _phrase_pattern(phrase: str, language: str, form: str) -> str:
    """Escape a literal phrase; English and pinyin phrases match whole words only."""
    if form == "pinyin":
        return re.escape(syllables(normalise(phrase)))
    if language == "en":
        return r"\b" + re.escape(normalise(phrase)) + r"\b"
    return re.escape(normalise(phrase))


def _expand(where: str, pattern: str, terms: dict[str, str], form: str) -> str:
    """Replace {term} placeholders after checking the letters a pattern is written in."""

    def term(match: re.Match[str]) -> str:
        if match.group(1) not in terms:
            raise RuleFileError(f"{where}: unknown term {{{match.group(1)}}} in {pattern!r}")
        return terms[match.group(1)]

    # Outside escapes, classes, group syntax and placeholders, letters are the words matched.
    literal = re.sub(r"\\.|\[[^\]]*\]|\(\?(?:P<\w+>|<?[=!]|:)|\{[a-z_]+\}", " ", pattern)
    if re.search(r"[A-Z]", literal):
        raise RuleFileError(
            f"{where}: {pattern!r} has capitals; messages are matched in lower case"
        )
    if form == "pinyin":
        for word in re.findall(r"[a-z]+", literal):
            if word not in pinyin_syllables():
                raise RuleFileError(
                    f"{where}: {word!r} in {pattern!r} is not one pinyin syllable; "
                    "write syllables apart, as in 'zi sha'"
                )
    # Traditional characters or full-width punctuation in a pattern would never match.
    return simplified(_PLACEHOLDER.sub(term, pattern))


def _compile(where: str, pattern: str, form: str) -> re.Pattern[str]:
    """Compile a pattern; pinyin patterns must start and end on syllable boundaries."""
    if form == "pinyin":
        pattern = rf"(?<![a-z])(?:{pattern})(?![a-z])"
    try:
        return re.compile(pattern)
    except re.error as error:
        raise RuleFileError(f"{where}: bad pattern {pattern!r}: {error}") from error
