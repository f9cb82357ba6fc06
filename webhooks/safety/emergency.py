"""The short emergency reply a family gets, in its language, when the danger screen fires."""

from webhooks.texts import LANGUAGES, text


def emergency_text(language: str) -> str:
    """Return the emergency SMS for "zh" or "en" (webhooks/texts/safety.yml)."""
    if language not in LANGUAGES:
        raise ValueError(f"no emergency text for {language!r}; have {list(LANGUAGES)}")
    return text("emergency", language)
