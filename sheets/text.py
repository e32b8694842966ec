"""Text normalisation shared by headers, enumerations and yes/no cells (SPEC 3.1)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """NFC, trim, collapse spaces, ignore case, drop diacritics (đ -> d)."""
    t = _SPACES.sub(" ", unicodedata.normalize("NFC", text).strip()).casefold()
    t = t.replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", t)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
