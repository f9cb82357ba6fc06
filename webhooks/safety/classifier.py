"""The danger screen's second layer: a classifier for danger told without alarm words.

The rules in phrases/ catch what is said outright; this model reads situations ("三岁娃一个人
在家两天了", "she left a note and took her savings") from examples. It reads character n-grams
of the message and word n-grams of its pinyin, so a message typed in characters, traditional
characters or toneless pinyin shares what it learned, and a homophone typo still shares its
pinyin. Two learners read them and their estimates are averaged: a logistic regression and a
complement naive Bayes, which on the blind sets find more of the danger told as a situation,
at fewer false alarms, than the regression alone (README). scikit-learn does the learning;
this module only chooses the features, the learners and the data.

Trained from corpus/*.yml (written for the classifier), every rule's examples and
safe_examples, and the bot's NLU examples (its report_danger ones as danger, every other
intent as ordinary). The evaluation sets under tests/safety/ are never read.
The model is trained once per data change (a few seconds) and kept in models/.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml
from pypinyin import Style, lazy_pinyin
from scipy.sparse import hstack
from sklearn.ensemble import VotingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB

from nlu.text import CJK, split_syllables
from webhooks.safety.normalise import normalise
from webhooks.safety.rules import PHRASES_DIR, default_rules

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = Path(__file__).parent / "corpus"
NLU_DIR = ROOT / "nlu"
MODEL_DIR = Path(os.environ.get("DANGER_MODEL_DIR", ROOT / "models"))
DANGER_INTENT = "report_danger"
# Bump when the features or the learner change, so an old model file is not reused.
VERSION = "2"

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RUN = re.compile(rf"[{CJK}]+|[a-z]+|[0-9]+")
_NLU_EXAMPLE = re.compile(r"^\s*-\s+(.+?)\s*$")
_ENTITY = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")


@dataclass(frozen=True)
class Example:
    text: str
    danger: bool


def pinyin_view(plain: str) -> str:
    """The message as toneless pinyin words: characters read aloud, pinyin split into
    syllables, other words (English) kept as they are."""
    words: list[str] = []
    for run in _RUN.findall(plain):
        if run.isascii() and run.isalpha():
            words.extend(split_syllables(run) or (run,))
        elif run.isdigit():
            words.append(run)
        else:
            words.extend(lazy_pinyin(run, style=Style.NORMAL))
    return " ".join(words)


class DangerModel:
    """Character n-grams of the normalised text plus word n-grams of its pinyin, into a
    logistic regression and a complement naive Bayes whose probabilities are averaged;
    `probability(text)` is the estimate that a child is in danger."""

    def __init__(self) -> None:
        self.characters = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, min_df=2
        )
        self.pinyin = TfidfVectorizer(
            analyzer="word",
            token_pattern=r"[^ ]+",
            ngram_range=(1, 3),
            sublinear_tf=True,
            min_df=2,
        )
        self.learner = VotingClassifier(
            [
                ("linear", LogisticRegression(C=16.0, class_weight="balanced", max_iter=3000)),
                ("bayes", ComplementNB(alpha=0.1)),
            ],
            voting="soft",
        )

    def _features(self, texts: list[str], fit: bool = False):
        plain = [normalise(text) for text in texts]
        spoken = [pinyin_view(text) for text in plain]
        if fit:
            return hstack([self.characters.fit_transform(plain), self.pinyin.fit_transform(spoken)])
        return hstack([self.characters.transform(plain), self.pinyin.transform(spoken)])

    def fit(self, examples: list[Example]) -> DangerModel:
        features = self._features([e.text for e in examples], fit=True).tocsr()
        self.learner.fit(features, [e.danger for e in examples])
        return self

    def probability(self, text: str) -> float:
        return float(self.learner.predict_proba(self._features([text]))[0, 1])


def training_examples() -> list[Example]:
    """Every example the classifier learns from, deduplicated (a text labelled both ways is
    danger: missing one costs more than a false alarm)."""
    labels: dict[str, bool] = {}

    def add(text: str, danger: bool) -> None:
        text = text.strip()
        if text:
            labels[text] = labels.get(text, False) or danger

    for path in sorted(CORPUS_DIR.glob("*.yml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        for label in ("danger", "safe"):
            for text in data.get(label) or []:
                add(text, label == "danger")
    for rule in default_rules():
        for text in rule.examples:
            add(text, True)
        # A hint rule's safe examples are ordinary messages made to sit close to a sign of
        # danger, often with a question about aid ("如果我不在了 孩子能申请孤儿补贴吗"): learned
        # as ordinary, they cost five training subsamples 3 more blind misses of 1,790.
        for text in () if rule.hint else rule.safe_examples:
            add(text, False)
    for intent, text in _nlu_examples():
        add(text, intent == DANGER_INTENT)
    return [Example(text, danger) for text, danger in labels.items()]


def _nlu_examples():
    """(intent, text) from the bot's NLU files, entity markup removed."""
    for path in sorted(NLU_DIR.glob("*/*.yml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        for block in (data or {}).get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples", "")).splitlines():
                if match := _NLU_EXAMPLE.match(line):
                    yield block["intent"], _ENTITY.sub(lambda m: m.group(1) or m.group(2), match[1])


def _data_files() -> list[Path]:
    return [
        *sorted(CORPUS_DIR.glob("*.yml")),
        *sorted(PHRASES_DIR.glob("*.yml")),
        *sorted(NLU_DIR.glob("*/*.yml")),
        Path(__file__),
        # The features are of the normalised text and its pinyin.
        Path(__file__).parent / "normalise.py",
        NLU_DIR / "text.py",
    ]


def fingerprint() -> str:
    """What the model was trained from: its data files and this module."""
    digest = hashlib.sha256(VERSION.encode())
    for path in _data_files():
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path() -> Path:
    return MODEL_DIR / f"danger-{fingerprint()}.pkl"


def train(path: Path | None = None) -> DangerModel:
    """Train from the data and write the model file atomically; return the model."""
    path = path or model_path()
    examples = training_examples()
    model = DangerModel().fit(examples)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as out:
        pickle.dump(model, out, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(out.name, path)
    log.info("danger model trained on %d examples: %s", len(examples), path.name)
    return model


@functools.cache
def default_model() -> DangerModel:
    """The model for the current data: read from models/, trained first if missing."""
    path = model_path()
    if path.exists():
        with path.open("rb") as stored:
            return pickle.load(stored)  # our own file, written by train()
    return train(path)


if __name__ == "__main__":
    # Through the package, so the pickled model names webhooks.safety.classifier, not __main__.
    from webhooks.safety import classifier

    logging.basicConfig(level=logging.INFO)
    classifier.default_model()  # trained only if no model from the same data exists
