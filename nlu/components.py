"""Rasa graph components of the helpline's one pipeline for Chinese, English and pinyin.

HelplineTokenizer reads each message in normalised form (simplified characters, pinyin as the
Chinese words of the training vocabulary, numbers as one token) and cuts it with Jieba, keeping
offsets into what the family typed. HelplineEntityExtractor finds entities with the lookup tables
and synonyms of the training data in the same normalised text.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import jieba
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from .aid import asks_about_aid
from .entities import NUMBER_ENTITIES, EntityIndex, Surface
from .numbers import find_numbers
from .person import asks_for_person
from .text import PinyinIndex, has_chinese, normalise, simplified, syllables

logger = logging.getLogger(__name__)

NUMBER_TOKEN = "ⓝ"  # every number reads the same to the classifier: "7岁" is like "9岁"
VOCABULARY_FILE = "vocabulary.json"
INDEX_FILE = "entities.json"
REQUEST_HUMAN, DANGER = "request_human", "report_danger"
CHECK_ELIGIBILITY = "check_eligibility"
# Intents too vague to act on when the message also tells the family's situation.
VAGUE = ("ask_help_options", "nlu_fallback")
SITUATION = {"parent_status", "disability", "age", "income", "school", "hukou"}
# A greeting, thanks or goodbye that asks about aid is a question about aid, unless it declines
# ("好的谢谢 低保不办了", "thanks, I can get it from here, bye"); "需不需要", "要不要" and "有没有
# 问题" ask.
CLOSING = ("greet", "goodbye", "thanks")
DECLINES = re.compile(
    r"(?<![用])不用|(?<![要])不要|(?<![办])不办|(?<![需])不需要|不申请|(?<![有])没有?问题"
    r"|没有?关系|不重要|算了|no need|don'?t need|not needed|from here|all set|no thanks"
)
jieba.setLogLevel(logging.WARNING)


def training_vocabulary(training_data: TrainingData) -> list[str]:
    """Chinese words of the training data, with repeats: the words pinyin is read as."""
    words: list[str] = []
    for example in training_data.training_examples:
        text = example.get(TEXT)
        if text and has_chinese(text):
            words.extend(word for word in jieba.cut(simplified(text)) if has_chinese(word))
    for word in _surface_texts(training_data):
        if has_chinese(word):
            words.append(simplified(word))
            words.extend(part for part in jieba.cut(simplified(word)) if has_chinese(part))
    return words


def _surface_texts(training_data: TrainingData) -> list[str]:
    texts = [element for table in training_data.lookup_tables for element in table["elements"]]
    texts.extend(training_data.entity_synonyms)
    return texts


class _ReadsPinyin:
    """Shared by both components: the pinyin index, trained from and stored with the model."""

    def __init__(self, model_storage: ModelStorage, resource: Resource) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.pinyin = PinyinIndex([])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Any:
        return cls(config, model_storage, resource)

    def _store(self, name: str, data: Any) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            (directory / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @staticmethod
    def _read(model_storage: ModelStorage, resource: Resource, name: str) -> Any:
        try:
            with model_storage.read_from(resource) as directory:
                return json.loads((directory / name).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            logger.warning("%s: nothing stored for %s; not trained yet?", name, resource.name)
            return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class HelplineTokenizer(_ReadsPinyin, Tokenizer):
    """Jieba over the normalised message; tokens keep the offsets of the original text."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def supported_languages() -> list[str] | None:
        return None

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource
    ) -> None:
        Tokenizer.__init__(self, {**self.get_default_config(), **config})
        _ReadsPinyin.__init__(self, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> HelplineTokenizer:
        tokenizer = cls(config, model_storage, resource)
        syllables()  # built once here (0.7 s) rather than on the first family's message
        words = cls._read(model_storage, resource, VOCABULARY_FILE) or []
        tokenizer.pinyin = PinyinIndex(words)
        return tokenizer

    def train(self, training_data: TrainingData) -> Resource:
        words = training_vocabulary(training_data)
        self.pinyin = PinyinIndex(words)
        self._store(VOCABULARY_FILE, words)
        return self._resource

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        normalised = normalise(message.get(attribute), self.pinyin)
        text = normalised.text
        numbers = [(number.start, number.end) for number in find_numbers(text)]
        tokens: list[Token] = []
        for word, start, end in jieba.tokenize(text):
            if not any(char.isalnum() for char in word):
                continue  # spaces and punctuation
            number = next(((s, e) for s, e in numbers if s < end and start < e), None)
            if number is not None:
                if tokens and tokens[-1].get("number") == number:
                    continue  # "三千" "五": one number, one token
                start, end = max(start, number[0]), number[1]
                word = NUMBER_TOKEN
            orig_start, orig_end = normalised.span(start, end)
            token = Token(word, orig_start, orig_end)
            if number is not None:
                token.set("number", number)
            tokens.append(token)
        return self._apply_token_pattern(tokens)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class HelplineEntityExtractor(_ReadsPinyin, GraphComponent, EntityExtractorMixin):
    """Programme, parent, parent_status, school, disability, hukou, place, age, income, number.

    Words come from the lookup tables (a table per entity lists its values) and synonyms (the
    everyday words for each value) of the training data, and from its annotated examples;
    patterns from its regexes named after an entity.
    """

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        index: EntityIndex | None = None,
    ) -> None:
        _ReadsPinyin.__init__(self, model_storage, resource)
        self._config = config
        self.index = index or EntityIndex([], {})

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> HelplineEntityExtractor:
        stored = cls._read(model_storage, resource, INDEX_FILE)
        if stored is None:
            return cls(config, model_storage, resource)
        extractor = cls(config, model_storage, resource, EntityIndex.from_json(stored["index"]))
        extractor.pinyin = PinyinIndex(stored["vocabulary"])
        return extractor

    def train(self, training_data: TrainingData) -> Resource:
        words = training_vocabulary(training_data)
        self.pinyin = PinyinIndex(words)
        self.index = EntityIndex(self._surfaces(training_data), self._patterns(training_data))
        self._store(INDEX_FILE, {"vocabulary": words, "index": self.index.to_json()})
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            found = self.add_extractor_name(self.index.find(normalise(text, self.pinyin)))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages

    def _surfaces(self, training_data: TrainingData) -> list[Surface]:
        entity_of = {
            value: table["name"]
            for table in training_data.lookup_tables
            for value in table["elements"]
        }
        surfaces = []
        for surface, value in training_data.entity_synonyms.items():
            if value in entity_of:
                surfaces.append(self._surface(surface, entity_of[value], value))
        for value, entity in entity_of.items():
            if "_" not in value:  # "dibao" is a word families type; "orphan_allowance" is not
                surfaces.append(self._surface(value, entity, value))
        for example in training_data.entity_examples:
            for entity in example.get(ENTITIES, []):
                if entity["entity"] in NUMBER_ENTITIES.values() or entity["entity"] == "place":
                    continue
                typed = example.get(TEXT)[entity["start"] : entity["end"]]
                surfaces.append(self._surface(typed, entity["entity"], entity["value"]))
        return surfaces

    def _surface(self, typed: str, entity: str, value: str) -> Surface:
        return Surface(normalise(typed, self.pinyin).text, entity, value)

    @staticmethod
    def _patterns(training_data: TrainingData) -> dict[str, list[str]]:
        patterns: dict[str, list[str]] = {}
        for regex in training_data.regex_features:
            patterns.setdefault(regex["name"], []).append(regex["pattern"])
        return patterns


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class HelplineIntentRules(GraphComponent):
    """Two readings the intent classifier gets wrong, decided by rule after it (and after the
    FallbackClassifier, so neither is ever "not understood"):

    - a message that asks outright for a person (nlu/person.py) is request_human, whatever
      story comes with it; a danger report stays one (danger goes to a person, and faster);
    - a vague help question or a message not understood that tells the family's situation (a
      parent's status, a disability, the child's age or school, the income: the entities) is
      check_eligibility: "孩子他爸坐牢了 有啥帮助" asks what this child can get;
    - a greeting, thanks or goodbye that asks about aid, and does not decline it (DECLINES), is
      check_eligibility too: speech-to-text
      "…现在戒了酒好几年了人也好了我就想问那个，低保能不能恢复" was goodbye (1.0), and the family
      was told "再见" (walked on make run).

    The classifier's other intents follow in the ranking."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> HelplineIntentRules:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            text = message.get(TEXT)
            if not text:
                continue
            told = {entity["entity"] for entity in message.get(ENTITIES) or []}
            if intent not in (REQUEST_HUMAN, DANGER) and asks_for_person(text):
                _choose(message, REQUEST_HUMAN)
            elif (intent in VAGUE and told & SITUATION) or (intent in CLOSING and _asks(text)):
                _choose(message, CHECK_ELIGIBILITY)
        return messages


def _asks(text: str) -> bool:
    """Whether a greeting, thanks or goodbye asks about aid rather than declines it."""
    return asks_about_aid(text) and not DECLINES.search(normalise(text).text)


def _choose(message: Message, intent: str) -> None:
    ranking = [other for other in message.get(INTENT_RANKING_KEY) or [] if other["name"] != intent]
    chosen = {"name": intent, "confidence": 1.0}
    message.set(INTENT, chosen, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
