"""Cell parsers for SPEC 3.1 and 3.3. Each returns ``(value, problem)``; they never raise.

``problem`` is None when the cell is fine, else a short Vietnamese description. Blank cells
give ``(None, None)`` (yes/no: ``(False, None)``); whether blank is allowed is the row's call.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Any

from sheets.clock import VN_TZ
from sheets.text import fold

SERIAL_MIN, SERIAL_MAX = 36526, 73415  # 01/01/2000 .. 31/12/2100 as serial day numbers
EPOCH = date(1899, 12, 30)

Result = tuple[Any, str | None]

YES = frozenset(fold(v) for v in ("Có", "C", "x", "✓", "✔", "Yes", "Y", "True", "1", "Đã"))
NO = frozenset(fold(v) for v in ("Không", "K", "No", "N", "False", "0", "Chưa", ""))


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return isinstance(value, float) and math.isnan(value)


# Control characters other than tab and newline (SPEC 3.3), plus what no store or document can
# hold (lone surrogates, U+FFFE/U+FFFF): removed from text cells with a warning.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
MAX_TEXT = 32767  # the smallest cell limit among the backends (SPEC 3.3)
TOO_LONG = f"dài quá {MAX_TEXT:,} ký tự".replace(",", ".")
CONTROL_REMOVED = "có ký tự điều khiển (không in được), đã được xóa"
# Whole numbers and amounts beyond this are typos (and beyond what a float holds exactly).
NUMBER_MAX = 10**15
TOO_BIG = "số quá lớn"


def int_text(value: int) -> str | None:
    """``str`` of an int, or None past Python's digit limit (str() would raise)."""
    try:
        return str(value)
    except ValueError:
        return None


def clean_text(value: object) -> str | None:
    """NFC-normalised, trimmed text of any cell; None when blank."""
    if value.__class__ is str:  # the common case first (load()'s hot path)
        assert isinstance(value, str)
        return unicodedata.normalize("NFC", value).strip() or None
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return int_text(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S") if value.time() != time() else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", str(value)).strip()


def parse_text(value: object) -> Result:
    text = clean_text(value)
    if text is None and isinstance(value, int) and not isinstance(value, bool):
        return None, TOO_BIG
    return text, None


def parse_code(value: object) -> Result:
    text, problem = parse_text(value)
    return (text.upper() if text else None), problem


def parse_email(value: object) -> Result:
    text = clean_text(value)
    if text is None:
        return None, None
    text = text.lower()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        return None, "không phải địa chỉ e-mail"
    return text, None


def parse_yesno(value: object) -> Result:
    if is_blank(value):
        return False, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int | float):
        if value == 1:
            return True, None
        if value == 0:
            return False, None
        return False, "không phải Có/Không, được tính là Không"
    f = fold(str(value))
    if f in YES:
        return True, None
    if f in NO:
        return False, None
    return False, "không phải Có/Không, được tính là Không"


def enum_matcher(values: tuple[str, ...]) -> dict[str, str]:
    return {fold(v): v for v in values}


def parse_enum(value: object, table: dict[str, str]) -> Result:
    text = clean_text(value)
    if text is None:
        return None, None
    hit = table.get(fold(text))
    if hit is None:
        return None, "không thuộc danh mục"
    return hit, None


def parse_channels(value: object, table: dict[str, str]) -> Result:
    """Comma-separated list of an enumeration; unknown items are dropped with a problem."""
    text = clean_text(value)
    if text is None:
        return None, None
    found: list[str] = []
    bad: list[str] = []
    for part in re.split(r"[,;]", text):
        p = part.strip()
        if not p:
            continue
        hit = table.get(fold(p))
        if hit is None:
            bad.append(p)
        elif hit not in found:
            found.append(hit)
    joined = ", ".join(found) if found else None
    if bad:
        return joined, "có kênh không thuộc danh mục: " + ", ".join(bad)
    return joined, None


_CURRENCY = re.compile(r"\s*(vnđ|vnd|đồng|đ|d)\s*$", re.IGNORECASE)
_SPACE_IN_NUMBER = re.compile(r"(?<=\d)[\s\u00a0\u202f](?=\d)")
_NUMBER_CHARS = re.compile(r"[+-]?\d[\d.,]*")


def _number_from_text(text: str) -> float | None:
    t = unicodedata.normalize("NFC", text).strip()
    t = _CURRENCY.sub("", t)
    t = _SPACE_IN_NUMBER.sub("", t).strip()
    if not _NUMBER_CHARS.fullmatch(t):
        return None
    sign = -1.0 if t.startswith("-") else 1.0
    t = t.lstrip("+-")
    if t.count(",") > 1:
        return None
    if "," in t:
        whole, frac = t.split(",")
        if not frac.isdigit():
            return None
        groups = whole.split(".")
        if len(groups) > 1 and (not groups[0] or len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
            return None
        digits = "".join(groups)
        if not digits.isdigit():
            return None
        return sign * float(f"{digits}.{frac}")
    parts = t.split(".")
    if len(parts) == 1:
        return sign * float(parts[0]) if parts[0].isdigit() else None
    if not all(p.isdigit() for p in parts):
        return None
    # a dot followed by exactly three digits groups thousands; any other dot is decimal
    decimal_at = [i for i in range(1, len(parts)) if len(parts[i]) != 3]
    if not decimal_at:
        return sign * float("".join(parts))
    if len(decimal_at) > 1 or decimal_at[0] != len(parts) - 1:
        return None
    return sign * float("".join(parts[:-1]) + "." + parts[-1])


def parse_number(value: object) -> Result:
    if is_blank(value):
        return None, None
    if isinstance(value, (bool, date | datetime)):
        return None, "không phải số"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return None, "không phải số"
        if abs(value) > NUMBER_MAX:
            return None, TOO_BIG
        return value, None
    n = _number_from_text(str(value))
    if n is None:
        return None, "không phải số"
    if not abs(n) <= NUMBER_MAX:  # also catches inf from 309 digits
        return None, TOO_BIG
    return (int(n) if n.is_integer() else n), None


def parse_int(value: object) -> Result:
    n, problem = parse_number(value)
    if problem or n is None:
        return None, problem
    if float(n) != int(n):
        return None, "phải là số nguyên"
    return int(n), None


def parse_year(value: object) -> Result:
    """A year column (``Năm``, ``Năm kết thúc``): four digits, within the years a date can hold."""
    n, problem = parse_int(value)
    if problem or n is None:
        return None, problem
    if not 1000 <= n <= 9999:
        return None, "năm phải có bốn chữ số"
    if not YEAR_MIN <= n <= YEAR_MAX:
        return None, _YEAR_PROBLEM
    return n, None


def parse_nonneg_int(value: object) -> Result:
    n, problem = parse_int(value)
    if n is not None and n < 0:
        return None, "không được âm"
    return n, problem


def parse_percent(value: object) -> Result:
    if is_blank(value):
        return None, None
    if isinstance(value, (bool, date | datetime)):
        return None, "không phải tỉ lệ phần trăm"
    has_sign = False
    if isinstance(value, int | float):
        n: float | None = float(value) if abs(value) <= NUMBER_MAX else None  # also NaN, inf
    else:
        text = str(value).strip()
        if text.endswith("%"):
            has_sign = True
            text = text[:-1].strip()
        n = _number_from_text(text)
    if n is None or n < 0 or not n <= NUMBER_MAX:
        return None, "không phải tỉ lệ phần trăm"
    if not has_sign and n <= 1:
        n = n * 100  # a bare number <= 1 is a fraction
    return float(n), None


_DMY = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d+)")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?")


def _serial(n: float) -> datetime | None:
    if not (SERIAL_MIN <= n <= SERIAL_MAX):
        return None
    days = math.floor(n)
    seconds = round((n - days) * 86400)
    return datetime.combine(EPOCH + timedelta(days=days), time()) + timedelta(seconds=seconds)


# Dates are held as datetime64[ns], which spans 21/09/1677 to 11/04/2262: SPEC 3.3 asks only
# for a four-digit year, so every whole year in that span is a date, and a typo such as
# 15/01/0225 is an invalid cell rather than a crash.
YEAR_MIN, YEAR_MAX = 1678, 2261
_YEAR_PROBLEM = f"năm không hợp lệ (phải từ {YEAR_MIN} đến {YEAR_MAX})"


def _within_years(value: date) -> Result:
    """A date or date-time as parsed, or the year problem when a frame cannot hold it."""
    return (value, None) if YEAR_MIN <= value.year <= YEAR_MAX else (None, _YEAR_PROBLEM)


def _vietnam_time(value: datetime) -> Result:
    """A date-time with any zone as naive Vietnam time (a naive one is Vietnam time already)."""
    if value.tzinfo is not None:
        try:
            value = value.astimezone(VN_TZ).replace(tzinfo=None)
        except (OverflowError, ValueError):  # 0001-01-01T00:00+08:00 has no Vietnam time
            return None, _YEAR_PROBLEM
    return _within_years(value)


def _date_from_text(text: str) -> tuple[date | None, str | None, str]:
    """(date, problem, rest-of-text after the date)."""
    m = _DMY.match(text)
    if m:
        d, mth, y = int(m.group(1)), int(m.group(3)), m.group(4)
        if len(y) != 4:
            return None, "năm phải có bốn chữ số (dd/mm/yyyy)", ""
        if not YEAR_MIN <= int(y) <= YEAR_MAX:
            return None, _YEAR_PROBLEM, ""
        try:
            return date(int(y), mth, d), None, text[m.end() :]
        except ValueError:
            return None, "ngày không tồn tại", ""
    m = _ISO.match(text)
    if m:
        if not YEAR_MIN <= int(m.group(1)) <= YEAR_MAX:
            return None, _YEAR_PROBLEM, ""
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), None, text[m.end() :]
        except ValueError:
            return None, "ngày không tồn tại", ""
    return None, "không đọc được ngày (dùng dd/mm/yyyy)", ""


def parse_datetime(value: object) -> Result:
    """A naive date-time in Vietnam time."""
    if is_blank(value):
        return None, None
    if isinstance(value, bool):
        return None, "không phải ngày giờ"
    if isinstance(value, datetime):
        return _vietnam_time(value)
    if isinstance(value, date):
        return _within_years(datetime.combine(value, time()))
    if isinstance(value, int | float):
        if not abs(value) <= SERIAL_MAX:  # NaN, inf, and ints too large for a float
            return None, "số không phải ngày (ngoài khoảng 2000–2100)"
        dt = _serial(float(value))
        return (dt, None) if dt else (None, "số không phải ngày (ngoài khoảng 2000–2100)")
    text = unicodedata.normalize("NFC", str(value)).strip()
    n = _number_from_text(text)
    if n is not None and not _DMY.fullmatch(text):
        dt = _serial(n)
        return (dt, None) if dt else (None, "số không phải ngày (ngoài khoảng 2000–2100)")
    if _ISO.match(text) and ("T" in text or " " in text or text.endswith("Z") or "+" in text):
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None, "không đọc được ngày giờ"
        return _vietnam_time(parsed)
    d, problem, rest = _date_from_text(text)
    if d is None:
        return None, problem
    rest = rest.strip()
    if not rest:
        return datetime.combine(d, time()), None
    tm = _TIME.fullmatch(rest)
    if not tm:
        return None, "không đọc được giờ (dùng dd/mm/yyyy hh:mm)"
    try:
        t = time(int(tm.group(1)), int(tm.group(2)), int(tm.group(3) or 0))
    except ValueError:
        return None, "giờ không hợp lệ"
    return datetime.combine(d, t), None


def parse_date(value: object) -> Result:
    if is_blank(value):
        return None, None
    if isinstance(value, bool):
        return None, "không phải ngày"
    if isinstance(value, datetime):  # a workbook's date cell, or a date-time with a zone
        dt, problem = _vietnam_time(value)
        return (dt.date() if dt is not None else None), problem
    if isinstance(value, date):
        return _within_years(value)
    if isinstance(value, int | float):
        if not abs(value) <= SERIAL_MAX:  # NaN, inf, and ints too large for a float
            return None, "số không phải ngày (ngoài khoảng 2000–2100)"
        dt = _serial(float(value))
        return (dt.date(), None) if dt else (None, "số không phải ngày (ngoài khoảng 2000–2100)")
    text = unicodedata.normalize("NFC", str(value)).strip()
    if _DMY.fullmatch(text) or _ISO.fullmatch(text):
        d, problem, _ = _date_from_text(text)
        return d, problem
    dt, problem = parse_datetime(text)
    if dt is None:
        return None, problem
    return dt.date(), None
