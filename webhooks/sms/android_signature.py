"""SMS Gateway for Android's webhook signatures. The phone signs every request it makes:
X-Signature is the hex HMAC-SHA256, keyed with the phone's signing key (its UTF-8 bytes), of the
raw body followed by X-Timestamp (Unix seconds, in ASCII). The phone signs each retry afresh,
so a request dated more than five minutes from now is refused: one captured on the way cannot
be played again later."""

import hashlib
import hmac
import re

TOLERANCE_SECONDS = 300
TIMESTAMP = re.compile(r"[0-9]{1,12}")


def sign(signing_key: str, body: bytes, timestamp: str) -> str:
    return hmac.new(signing_key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def is_valid(signing_key: str, body: bytes, signature: str, timestamp: str, now: float) -> bool:
    """Signed with this key, over this body, within TOLERANCE_SECONDS of now."""
    if not signature or not TIMESTAMP.fullmatch(timestamp):
        return False
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    expected = sign(signing_key, body, timestamp)
    return hmac.compare_digest(expected.encode(), signature.encode())
