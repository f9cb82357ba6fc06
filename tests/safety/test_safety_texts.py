"""The emergency reply: both languages, the emergency numbers, one SMS segment each."""

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)
import pytest

from webhooks.core.texts import text


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("number", ["110", "120", "12110"])
def test_emergency_text_names_the_numbers(language, number):
    assert number in emergency_text(language)


def test_chinese_text_fits_one_ucs2_segment():
    assert len(emergency_text("zh")) <= 67


def test_english_text_fits_one_gsm7_segment():
    text = emergency_text("en")
    text.encode("gsm03.38")  # raises if a character is outside GSM-7
    assert len(text) <= 160


@pytest.mark.parametrize(("language", "words"), [("zh", "工作人员"), ("en", "worker")])
def test_text_says_a_worker_was_alerted(language, words):
    assert words in emergency_text(language)


def emergency_text(language):
    return text("emergency", language)
