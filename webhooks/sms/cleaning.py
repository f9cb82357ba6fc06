"""A received text in one form: the family's words without control characters, in one Unicode
form, at SMS length; what a phone number looks like, and a mainland sender's in E.164."""

import re
import unicodedata

PHONE = re.compile(r"\+?[0-9]{5,16}")
E164 = re.compile(r"\+[1-9][0-9]{7,14}")
# Mainland numbers that can be a family's: mobiles, and landlines with their area code. Not the
# carriers' and banks' service numbers (10086, 95588, 106...), which must never get a reply.
MAINLAND_MOBILE = re.compile(r"1[3-9][0-9]{9}")
MAINLAND = re.compile(r"1[3-9][0-9]{9}|[2-9][0-9]{8,10}")
# Twilio concatenates a long SMS to at most 1,600 characters; anything longer is not an SMS.
MAX_BODY = 1600


def clean_body(raw: str) -> str:
    """The family's words without control characters, in one Unicode form, at SMS length."""
    text = unicodedata.normalize("NFC", raw)
    kept = [ch if ch in "\n\t" else "" if unicodedata.category(ch) == "Cc" else ch for ch in text]
    return "".join(kept).replace("\t", " ").strip()[:MAX_BODY]


def mainland_e164(raw: str) -> str | None:
    """A sender's number as an Android phone in China shows it (13800138000, 8613800138000,
    +86 138 0013 8000, 0044...), in E.164 with +86 for a mainland one; None for a sender that is
    not a family's phone (a service number such as 10086, a name)."""
    number = re.sub(r"[\s()-]", "", raw)
    if number.startswith("00"):
        number = "+" + number[2:]
    elif MAINLAND_MOBILE.fullmatch(number):
        number = "+86" + number
    elif number.startswith("86") and MAINLAND_MOBILE.fullmatch(number[2:]):
        number = "+" + number
    if not E164.fullmatch(number):
        return None
    if number.startswith("+86") and not MAINLAND.fullmatch(number[3:]):
        return None
    return number
