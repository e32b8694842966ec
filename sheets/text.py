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


# --- contacts out of public text (SPEC 7, Vinh danh; the printed certificates) ----------
# an e-mail address, also written "ten [at] mien [dot] vn" or "ten(at)mien.vn"
_AT = r"(?:@|\s*[\[({]\s*(?:at|a còng)\s*[\])}]\s*)"
_DOT = r"(?:\.|\s*[\[({]\s*(?:dot|chấm)\s*[\])}]\s*)"
_EMAIL = re.compile(rf"[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)+", re.IGNORECASE)
# a Vietnamese phone number: 0, +84 or 0084 (a bracket allowed: "(0209)", "(+84)") and then 8 to
# 10 more digits with spaces, dots, dashes or brackets between them: 0912 345 678, 0912.345.678,
# +84 912345678, (0209) 3870 123. Money ("1.500.000 đồng") and years never start with 0 or +84.
_PHONE = re.compile(
    r"(?<![\w.,/+-])\(?(?:\+\s?84|0084|0)\)?(?:[\s.\-()]{0,3}\d){8,10}(?![\w]|[.,]\d)"
    r"|(?<![\w.,/+-])1[89]00[\s.]?\d{2}[\s.]?\d{2}(?:[\s.]?\d{2})?(?![\w]|[.,]\d)"  # hotlines 1800 / 1900
)
# the label in front of a removed contact ("ĐT:", "Điện thoại", "Email:", "SĐT")
_LABEL = re.compile(
    r"(?:(?:số\s+)?điện\s+thoại|đt|sđt|dđ|di\s+động|tel|phone|hotline|e-?mail|mail|thư\s+điện\s+tử)"
    r"\s*[:.\-]?\s*(?=\x00)",
    re.IGNORECASE,
)
_EMPTY_BRACKETS = re.compile(r"[(\[]\s*[,;/]*\s*[)\]]")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?)\]])")
_REPEATED_PUNCT = re.compile(r"([,;:])(?:\s*[,;:])+")
_DANGLING = re.compile(r"(?:^|(?<=[\s(]))[,;:/\-]+(?=\s*(?:$|[.)]))")


def strip_contacts(text: object) -> str:
    """The text without anything that looks like an e-mail address or a phone number (and
    without the "ĐT:"/"Email:" label in front of one); spaces and stray punctuation tidied."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    s = str(text)
    if not s.strip():
        return ""
    s = _EMAIL.sub("\x00", s)
    s = _PHONE.sub("\x00", s)
    if "\x00" not in s:
        return " ".join(s.split())
    s = _LABEL.sub("", s).replace("\x00", " ")
    s = _EMPTY_BRACKETS.sub(" ", s)
    s = " ".join(s.split())
    s = _SPACE_BEFORE_PUNCT.sub(r"\1", s)
    s = _REPEATED_PUNCT.sub(r"\1", s)
    s = _DANGLING.sub("", s)
    s = " ".join(s.split())
    s = _SPACE_BEFORE_PUNCT.sub(r"\1", s)
    return s.lstrip(" ,;:-/.)]").rstrip(" ,;:-/(")
