"""A received text in one form: the family's words without control characters, in one Unicode
form, at SMS length; and what a phone number looks like."""

import re
import unicodedata

PHONE = re.compile(r"\+?[0-9]{5,16}")
# Twilio concatenates a long SMS to at most 1,600 characters; anything longer is not an SMS.
MAX_BODY = 1600


def clean_body(raw: str) -> str:
    """The family's words without control characters, in one Unicode form, at SMS length."""
    text = unicodedata.normalize("NFC", raw)
    kept = [ch if ch in "\n\t" else "" if unicodedata.category(ch) == "Cc" else ch for ch in text]
    return "".join(kept).replace("\t", " ").strip()[:MAX_BODY]
