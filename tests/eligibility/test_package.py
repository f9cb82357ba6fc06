"""The package stays pure Python plus YAML, and its data is complete and SMS-safe."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from actions.eligibility import programme_ids
from actions.eligibility.data import programmes
from actions.eligibility.rules import RULES
from actions.eligibility.text import is_gsm

PACKAGE = Path(__file__).resolve().parents[2] / "actions" / "eligibility"
RASA_PYTHON = PACKAGE.parents[1] / ".venv-rasa" / "bin" / "python"


def test_imports_only_the_standard_library_yaml_and_the_gsm_codec():
    """Importable from the app's and Rasa's environments: no Rasa, Flask or webhooks inside."""
    imported = set()
    for source in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    assert imported - set(sys.stdlib_module_names) == {"yaml", "gsm0338"}


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="no Rasa environment here")
def test_screens_in_the_rasa_environment():
    code = "from actions.eligibility import screen; print(screen({'child': {'age': 3}}).region)"
    done = subprocess.run(
        [str(RASA_PYTHON), "-c", code], capture_output=True, text=True, cwd=PACKAGE.parents[1],
        check=False,
    )  # fmt: skip
    assert (done.returncode, done.stdout.strip()) == (0, "CN"), done.stderr


def test_programme_ids_rules_and_files_agree():
    assert list(programme_ids) == list(RULES) == list(programmes())
    assert len(programme_ids) == 9


def _english(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "en" and isinstance(value, str):
                yield value
            else:
                yield from _english(value)
    elif isinstance(node, list):
        for item in node:
            yield from _english(item)


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("data/**/*.yml")), ids=lambda p: p.name)
def test_english_texts_use_the_gsm_alphabet(path):
    texts = list(_english(yaml.safe_load(path.read_text(encoding="utf-8"))))
    assert [text for text in texts if not is_gsm(text)] == []


def test_the_engine_needs_texts_in_the_languages_families_write():
    from actions.eligibility.data import LANGUAGES
    from nlu.language import LANGUAGES as FAMILY_LANGUAGES

    assert LANGUAGES == FAMILY_LANGUAGES
