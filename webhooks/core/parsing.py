"""Numbers in requests, parsed strictly: ASCII digits only, at most 18 of them.

str.isdigit() also accepts "²" and "①", which int() then refuses (a 500 instead of a 400);
more than 18 digits would overflow the database's integers.
"""

MAX_DIGITS = 18


def whole_number(text: str) -> int | None:
    """The number, or None when the text is not a plain whole number."""
    if 0 < len(text) <= MAX_DIGITS and text.isascii() and text.isdigit():
        return int(text)
    return None
