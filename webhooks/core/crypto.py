"""Phone numbers at rest: Fernet encryption for reading back, a keyed hash for finding."""

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class PhoneVault:
    """Encrypts, decrypts and hashes phone numbers with the keys from the settings."""

    def __init__(self, encryption_keys: list[str], hash_key: str):
        self._fernet = MultiFernet([Fernet(key) for key in encryption_keys])
        self._hash_key = hash_key.encode()

    def encrypt(self, phone: str) -> str:
        return self._fernet.encrypt(normalise_phone(phone).encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("phone ciphertext does not match any configured key") from exc

    def lookup_hash(self, phone: str) -> str:
        return hmac.new(self._hash_key, normalise_phone(phone).encode(), hashlib.sha256).hexdigest()


def normalise_phone(phone: str) -> str:
    """E.164 as Twilio sends it; spaces and dashes from forms are dropped."""
    return "".join(ch for ch in phone.strip() if ch.isdigit() or ch == "+")


def mask_phone(phone: str) -> str:
    """What a worker sees by default: the last four digits."""
    return "•••• " + phone[-4:] if len(phone) >= 4 else "••••"
