"""An in-process fake of the Google Sheets v4 REST API (and a sliver of Drive v3).

``FakeSheets`` is a ``requests`` transport adapter: mount it on a ``requests.Session`` and hand
that session to ``gspread.Client(auth=None, session=...)`` (``make_client`` does both, and
mounts a guard that refuses every other host, so nothing can reach Google).

What it serves, shaped like the recordings in ``shared/google-sheets-recordings``:

- ``GET spreadsheets/{id}``: metadata; grid data when ``includeGridData=true`` or when the
  ``fields`` mask asks for ``sheets.data``; ``ranges`` restrict the sheets and the data;
  ``fields`` masks the answer (``a.b``, ``a/b``, ``a(b,c)``, ``*``).
- ``GET values/{range}``, ``GET values:batchGet``: ``valueRenderOption`` (FORMATTED_VALUE,
  UNFORMATTED_VALUE, FORMULA), ``dateTimeRenderOption`` (SERIAL_NUMBER, FORMATTED_STRING),
  ``majorDimension``; trailing empty cells and rows trimmed, an empty row inside as ``[]``,
  no ``values`` key for an empty range, ``range`` resolved against the grid
  (``'Sheet 1'!A1:Z1000``; simple titles unquoted).
- ``POST values/{range}:append`` (RAW / USER_ENTERED, INSERT_ROWS / OVERWRITE,
  ``includeValuesInResponse``), ``PUT values/{range}``, ``POST values:batchUpdate``,
  ``POST values/{range}:clear``, ``POST values:batchClear``.
- ``POST :batchUpdate`` with addSheet, deleteSheet, updateSheetProperties,
  updateSpreadsheetProperties, addProtectedRange, deleteProtectedRange, setDataValidation,
  updateCells and appendDimension; all requests of one call apply atomically.
- ``GET drive/v3/files/{id}``; ``GET drive/v3/files`` (files.list: the shared spreadsheets with
  ``id``, ``name``, ``createdTime``, ``modifiedTime``; ``q`` by mimeType, ``pageSize``,
  ``pageToken``, ``fields``). Every write through the API moves its spreadsheet's
  ``modifiedTime`` on (``touch`` does it for a change made behind the API's back).

Cells keep their type: ``str``, ``int``/``float``, ``bool``, ``date``/``datetime`` (served as
serial numbers or ISO text) and ``Formula`` (what USER_ENTERED makes of ``=...``; the fake does
not evaluate formulas: it serves them as the error ``#ERROR!``, and as their text under
``valueRenderOption=FORMULA``). RAW never makes a formula.

Errors look like Google's JSON errors: 404 NOT_FOUND for an unknown spreadsheet, 403
PERMISSION_DENIED for one marked unshared, 400 INVALID_ARGUMENT ("Unable to parse range: ...",
"exceeds grid limits", "already exists").

Test hooks: a request counter (``requests_total``, ``counts`` per endpoint kind, ``log``),
injectable latency (``latency`` seconds or a function of the kind; ``sleep`` replaceable),
seeded random faults (``set_faults``: 429 / 500 answers, timeouts raised before the request is
applied, and lost responses: applied, then a ``ConnectionError``/``ReadTimeout``), scripted
faults (``fail_next``). One lock guards all state, so concurrent clients are safe.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import json
import operator
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import gspread
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

SHEETS_PREFIX = "https://sheets.googleapis.com/"
DRIVE_PREFIX = "https://www.googleapis.com/"
_EPOCH = datetime(1899, 12, 30)
FAULTS = ("429", "500", "503", "timeout", "lost")

# A new spreadsheet's formats, as Google answers them (from the recordings).
DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}
_THEME_COLORS = [
    ("TEXT", {}),
    ("BACKGROUND", {"red": 1, "green": 1, "blue": 1}),
    ("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
    ("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
    ("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
    ("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
    ("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
    ("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
    ("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}),
]
SPREADSHEET_THEME: dict[str, Any] = {
    "primaryFontFamily": "Arial",
    "themeColors": [{"colorType": t, "color": {"rgbColor": c}} for t, c in _THEME_COLORS],
}


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula (what USER_ENTERED makes of text starting with ``=``)."""

    text: str


@dataclass
class LoggedRequest:
    method: str
    kind: str
    path: str  # unquoted
    params: dict[str, list[str]]
    body: Any  # parsed JSON, or None


class ApiError(Exception):
    def __init__(self, code: int, message: str, status: str, extra: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.extra = dict(extra or {})

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "status": self.status, **self.extra}}


def _bad(message: str) -> ApiError:
    return ApiError(400, message, "INVALID_ARGUMENT")


_REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
_FAULT_ERRORS = {
    "429": ApiError(
        429,
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' "
        "of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.",
        "RESOURCE_EXHAUSTED",
    ),
    "500": ApiError(500, "Internal error encountered.", "INTERNAL"),
    "503": ApiError(503, "The service is currently unavailable.", "UNAVAILABLE"),
}


# --- A1 notation ---------------------------------------------------------------------------


def col_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


_SIMPLE_TITLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CELLISH = re.compile(r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*")
_PART = re.compile(r"([A-Za-z]*)([0-9]*)")


def a1_title(title: str) -> str:
    """A sheet title as Google writes it in a range: bare when simple, else quoted."""
    if _SIMPLE_TITLE.fullmatch(title) and not _CELLISH.fullmatch(title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass
class Bounds:
    """Half-open row/column bounds, 0-based; None is unbounded."""

    r0: int | None = None
    r1: int | None = None
    c0: int | None = None
    c1: int | None = None
    anchor: bool = False  # a single cell: a write starts there and is not bounded by it


def _parse_cells(text: str) -> Bounds | None:
    parts = text.split(":")
    if len(parts) > 2 or not all(parts):
        return None
    parsed = []
    for p in parts:
        m = _PART.fullmatch(p)
        if m is None or not (m.group(1) or m.group(2)):
            return None
        if m.group(2) and int(m.group(2)) < 1:
            return None
        parsed.append((m.group(1), m.group(2)))
    (l0, n0) = parsed[0]
    b = Bounds()
    if l0:
        b.c0 = col_index(l0)
    if n0:
        b.r0 = int(n0) - 1
    if len(parsed) == 1:
        b.c1 = b.c0 + 1 if b.c0 is not None else None
        b.r1 = b.r0 + 1 if b.r0 is not None else None
        b.anchor = bool(l0 and n0)
        return b
    (l1, n1) = parsed[1]
    if l1:
        b.c1 = col_index(l1) + 1
    if n1:
        b.r1 = int(n1)
    if b.r0 is not None and b.r1 is not None and b.r0 >= b.r1:  # D4:A1 means A1:D4
        b.r0, b.r1 = b.r1 - 1, b.r0 + 1
    if b.c0 is not None and b.c1 is not None and b.c0 >= b.c1:
        b.c0, b.c1 = b.c1 - 1, b.c0 + 1
    return b


def split_range(text: str) -> tuple[str | None, str | None]:
    """``'It''s'!A1:B2`` -> ("It's", "A1:B2"); ``Sheet1`` -> ("Sheet1", None); ``A1`` -> (None?, ...)."""
    text = text.strip()
    if text.startswith("'"):
        i = 1
        name = ""
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    name += "'"
                    i += 2
                    continue
                rest = text[i + 1 :]
                if rest == "":
                    return name, None
                if rest.startswith("!"):
                    return name, rest[1:] or None
                raise ValueError(text)
            name += ch
            i += 1
        raise ValueError(text)
    if "!" in text:
        name, _, cells = text.rpartition("!")
        return name, cells or None
    return None, text


# --- cells -------------------------------------------------------------------------------


def _num(x: int | float) -> int | float:
    if isinstance(x, float) and x.is_integer() and abs(x) < 2**53:
        return int(x)
    return x


def serial(value: date | datetime) -> int | float:
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        return _num(delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400)
    return (value - _EPOCH.date()).days


def _fmt_number(x: int | float) -> str:
    x = _num(x)
    return str(x) if isinstance(x, int) else repr(x)


def _date_text(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    return value.isoformat()


_ARITH: dict[type, Callable[..., Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


def evaluate(formula: Formula) -> Any:
    """The value of a formula made only of numbers and + - * / ( ); None for any other."""

    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
            return _ARITH[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _ARITH:
            return _ARITH[type(node.op)](ev(node.operand))
        raise ValueError(formula.text)

    try:
        return _num(float(ev(ast.parse(formula.text[1:].strip(), mode="eval").body)))
    except (SyntaxError, ValueError, ZeroDivisionError, TypeError):
        return None


def render(value: Any, value_option: str, date_option: str) -> Any:
    if value is None:
        return ""
    if isinstance(value, Formula):
        if value_option == "FORMULA":
            return value.text
        result = evaluate(value)
        return "#ERROR!" if result is None else render(result, value_option, date_option)
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE") if value_option == "FORMATTED_VALUE" else value
    if isinstance(value, int | float):
        return _fmt_number(value) if value_option == "FORMATTED_VALUE" else _num(value)
    if isinstance(value, date):
        if value_option == "FORMATTED_VALUE" or date_option == "FORMATTED_STRING":
            return _date_text(value)
        return serial(value)
    return str(value)


def _extended(value: Any, effective: bool) -> dict[str, Any]:
    if isinstance(value, Formula):
        if not effective:
            return {"formulaValue": value.text}
        result = evaluate(value)
        if result is None:
            return {"errorValue": {"type": "ERROR", "message": "The fake evaluates only arithmetic formulas."}}
        return _extended(result, True)
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": _num(value)}
    if isinstance(value, date):
        return {"numberValue": serial(value)}
    return {"stringValue": str(value)}


def cell_data(value: Any, note: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if value is not None:
        out = {
            "userEnteredValue": _extended(value, False),
            "effectiveValue": _extended(value, True),
            "formattedValue": render(value, "FORMATTED_VALUE", "FORMATTED_STRING"),
        }
    if note:
        out["note"] = note
    return out


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_input(value: Any, option: str) -> Any:
    """A value sent with RAW or USER_ENTERED, as the cell will hold it. None means skip."""
    if value is None:
        return None
    if isinstance(value, bool | int | float):
        return value
    if not isinstance(value, str):
        raise _bad(f"Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), {value!r}")
    if value == "":
        return ""
    if option == "RAW":
        return value
    if value.startswith("'"):
        return value[1:]
    if value.startswith("="):
        return Formula(value)
    if value.upper() in ("TRUE", "FALSE"):
        return value.upper() == "TRUE"
    if _NUMBER.fullmatch(value.strip()):
        f = float(value)
        return _num(f)
    m = _ISO_DATE.fullmatch(value.strip())
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return value
    return value


def _from_extended(ev: Mapping[str, Any]) -> Any:
    if "stringValue" in ev:
        return ev["stringValue"]
    if "numberValue" in ev:
        return ev["numberValue"]
    if "boolValue" in ev:
        return ev["boolValue"]
    if "formulaValue" in ev:
        return Formula(ev["formulaValue"])
    if "errorValue" in ev:
        return "#ERROR!"
    return None


# --- field masks -------------------------------------------------------------------------

Mask = dict[str, "Mask"]  # an empty mask keeps the whole subtree


def parse_mask(text: str) -> Mask:
    text = re.sub(r"\s+", "", text)
    pos = 0
    name_re = re.compile(r"[A-Za-z0-9_*@]+")

    def parse_list() -> Mask:
        nonlocal pos
        tree: Mask = {}
        while pos < len(text) and text[pos] != ")":
            node = tree
            while True:
                m = name_re.match(text, pos)
                if m is None:
                    raise _bad(f"Invalid field selection {text}")
                pos = m.end()
                child = node.setdefault(m.group(), {})
                if pos < len(text) and text[pos] in "./":
                    pos += 1
                    node = child
                    continue
                if pos < len(text) and text[pos] == "(":
                    pos += 1
                    _merge(child, parse_list())
                    if pos >= len(text) or text[pos] != ")":
                        raise _bad(f"Invalid field selection {text}")
                    pos += 1
                break
            if pos < len(text) and text[pos] == ",":
                pos += 1
        return tree

    out = parse_list()
    if pos != len(text):
        raise _bad(f"Invalid field selection {text}")
    return out


def _merge(into: Mask, more: Mask) -> None:
    for k, v in more.items():
        _merge(into.setdefault(k, {}), v)


def apply_mask(obj: Any, mask: Mask) -> Any:
    if not mask or "*" in mask:
        return obj
    if isinstance(obj, list):
        return [apply_mask(x, mask) for x in obj]
    if isinstance(obj, dict):
        return {k: apply_mask(obj[k], sub) for k, sub in mask.items() if k in obj}
    return obj


def _mask_wants(mask: Mask | None, *path: str) -> bool:
    if mask is None:
        return False
    node = mask
    for p in path:
        if not node or "*" in node:
            return True
        if p not in node:
            return False
        node = node[p]
    return True


# --- model -------------------------------------------------------------------------------


@dataclass
class FakeSheet:
    sheet_id: int
    title: str
    index: int = 0
    row_count: int = 1000
    col_count: int = 26
    frozen_rows: int = 0
    frozen_cols: int = 0
    hidden: bool = False
    hide_gridlines: bool = False
    rows: list[list[Any]] = field(default_factory=list)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    validations: list[dict[str, Any]] = field(default_factory=list)  # {"range": GridRange, "rule": ...}
    notes: dict[tuple[int, int], str] = field(default_factory=dict)

    def get(self, r: int, c: int) -> Any:
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    def put(self, r: int, c: int, value: Any) -> None:
        if value == "":
            value = None
        if value is None and (r >= len(self.rows) or c >= len(self.rows[r])):
            return
        while len(self.rows) <= r:
            self.rows.append([])
        row = self.rows[r]
        while len(row) <= c:
            row.append(None)
        row[c] = value

    def last_row(self) -> int:
        """Number of rows up to the last one holding a value."""
        for i in range(len(self.rows) - 1, -1, -1):
            if any(v is not None for v in self.rows[i]):
                return i + 1
        return 0

    def find_table(self, r0: int, r1: int, c0: int, c1: int) -> tuple[int, int, int, int] | None:
        """Where values:append finds its "table": the regions of touching non-empty cells
        (diagonals count) that reach into the range; the last one wins. Matches the
        recordings: data ``[x, "", y]`` in row 1 gives ``C1`` for the whole sheet and ``A1``
        for the range ``A1``."""
        filled = {
            (r, c) for r, row in enumerate(self.rows) for c, v in enumerate(row) if v is not None
        }
        seeds = sorted(p for p in filled if r0 <= p[0] < r1 and c0 <= p[1] < c1)
        seen: set[tuple[int, int]] = set()
        best: tuple[int, int, int, int] | None = None
        for seed in seeds:
            if seed in seen:
                continue
            stack, region = [seed], []
            seen.add(seed)
            while stack:
                r, c = stack.pop()
                region.append((r, c))
                for dr in (-1, 0, 1):
                    for dc in (-1, 0, 1):
                        q = (r + dr, c + dc)
                        if q in filled and q not in seen:
                            seen.add(q)
                            stack.append(q)
            box = (
                min(p[0] for p in region),
                max(p[0] for p in region) + 1,
                min(p[1] for p in region),
                max(p[1] for p in region) + 1,
            )
            if best is None or (box[1], box[3]) > (best[1], best[3]):
                best = box
        return best

    def insert_rows(self, at: int, count: int) -> None:
        self.row_count += count
        if at < len(self.rows):
            self.rows[at:at] = [[] for _ in range(count)]
        self.notes = {(r + count if r >= at else r, c): v for (r, c), v in self.notes.items()}

    def last_col(self) -> int:
        return max((j + 1 for row in self.rows for j, v in enumerate(row) if v is not None), default=0)

    def values(self) -> list[list[Any]]:
        """The stored cells, trimmed like Google trims them (None for an empty cell)."""
        out = []
        for row in self.rows[: self.last_row()]:
            r = list(row)
            while r and r[-1] is None:
                r.pop()
            out.append(r)
        return out

    def properties(self) -> dict[str, Any]:
        grid: dict[str, Any] = {"rowCount": self.row_count, "columnCount": self.col_count}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        if self.frozen_cols:
            grid["frozenColumnCount"] = self.frozen_cols
        if self.hide_gridlines:
            grid["hideGridlines"] = True
        props: dict[str, Any] = {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }
        if self.hidden:
            props["hidden"] = True
        return props

    def resolve(self, b: Bounds) -> tuple[int, int, int, int]:
        """Concrete half-open bounds, clipped to the grid."""
        r0 = min(b.r0 or 0, self.row_count)
        c0 = min(b.c0 or 0, self.col_count)
        r1 = self.row_count if b.r1 is None else min(b.r1, self.row_count)
        c1 = self.col_count if b.c1 is None else min(b.c1, self.col_count)
        return r0, max(r1, r0), c0, max(c1, c0)

    def a1(self, r0: int, r1: int, c0: int, c1: int) -> str:
        start = f"{col_letters(c0)}{r0 + 1}"
        if r1 - r0 <= 1 and c1 - c0 <= 1:
            return f"{a1_title(self.title)}!{start}"
        return f"{a1_title(self.title)}!{start}:{col_letters(max(c1 - 1, c0))}{max(r1, r0 + 1)}"


@dataclass
class FakeSpreadsheet:
    id: str
    title: str
    sheets: list[FakeSheet] = field(default_factory=list)
    shared: bool = True
    locale: str = "vi_VN"
    time_zone: str = "Asia/Ho_Chi_Minh"
    created: str = "2025-01-01T00:00:00.000Z"
    modified: str = "2025-01-01T00:00:00.000Z"

    def by_title(self, title: str) -> FakeSheet | None:
        for s in self.sheets:
            if s.title == title:
                return s
        for s in self.sheets:  # Google matches sheet names in ranges case-insensitively
            if s.title.casefold() == title.casefold():
                return s
        return None

    def by_id(self, sheet_id: int) -> FakeSheet | None:
        for s in self.sheets:
            if s.sheet_id == sheet_id:
                return s
        return None

    def reindex(self) -> None:
        for i, s in enumerate(self.sheets):
            s.index = i

    def locate(self, text: str) -> tuple[FakeSheet, Bounds]:
        try:
            name, cells = split_range(text)
        except ValueError:
            raise _bad(f"Unable to parse range: {text}") from None
        if name is None:
            assert cells is not None
            sheet = self.by_title(cells)
            if sheet is not None:
                return sheet, Bounds()
            b = _parse_cells(cells)
            if b is None or not self.sheets:
                raise _bad(f"Unable to parse range: {text}")
            return self.sheets[0], b
        sheet = self.by_title(name)
        if sheet is None:
            raise _bad(f"Unable to parse range: {text}")
        if cells is None:
            return sheet, Bounds()
        b = _parse_cells(cells)
        if b is None:
            raise _bad(f"Unable to parse range: {text}")
        return sheet, b

    def url(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.id}/edit"


# --- the adapter -------------------------------------------------------------------------

Handler = Callable[[dict[str, list[str]], Any], Any]


def _trim_rows(rows: list[list[Any]]) -> list[list[Any]]:
    out = [list(r) for r in rows]
    for r in out:
        while r and r[-1] == "":
            r.pop()
    while out and not out[-1]:
        out.pop()
    return out


@contextlib.contextmanager
def _all_or_nothing(ss: FakeSpreadsheet) -> Iterator[None]:
    """Undo every change to ``ss`` if the block fails (objects stay the same on success)."""
    saved = copy.deepcopy(ss.__dict__)
    try:
        yield
    except BaseException:
        ss.__dict__.clear()
        ss.__dict__.update(saved)
        raise


class FakeSheets(BaseAdapter):
    """The fake server. Set it up with ``add_spreadsheet``; read what it holds with ``values``."""

    def __init__(self, *, seed: int = 0) -> None:
        super().__init__()
        self._lock = threading.RLock()
        self._ids = random.Random(seed)
        self.rng = random.Random(seed)
        self.spreadsheets: dict[str, FakeSpreadsheet] = {}
        self.requests_total = 0
        self.counts: Counter[str] = Counter()
        self.log: list[LoggedRequest] = []
        self.keep_log = True
        self.latency: float | Callable[[str], float] = 0.0
        self.sleep: Callable[[float], None] = time.sleep
        self.fault_rates: dict[str, float] = {}
        self.fault_kinds: frozenset[str] | None = None
        self.scripted: list[str] = []
        self.faults_injected: Counter[str] = Counter()
        self.caller_email = "tdkt-test@tdkt-test.iam.gserviceaccount.com"
        self._ticks = 0  # modifiedTime moves on by a millisecond per change: always increasing

    # --- setup and inspection ------------------------------------------------------------

    def add_spreadsheet(
        self,
        key: str,
        tabs: Mapping[str, Sequence[Sequence[Any]]] | None = None,
        *,
        title: str | None = None,
        shared: bool = True,
        row_count: int = 1000,
        col_count: int = 26,
    ) -> FakeSpreadsheet:
        with self._lock:
            ss = FakeSpreadsheet(key, title or key, shared=shared)
            for i, (name, grid) in enumerate((tabs or {"Sheet1": []}).items()):
                rows = [["" if v is None else v for v in row] for row in grid]
                sheet = FakeSheet(
                    0 if i == 0 else self._new_sheet_id(ss),
                    name,
                    i,
                    max(row_count, len(rows)),
                    max(col_count, max((len(r) for r in rows), default=0)),
                )
                for r, row in enumerate(rows):
                    for c, v in enumerate(row):
                        sheet.put(r, c, v)
                ss.sheets.append(sheet)
            self.spreadsheets[key] = ss
            self.touch(key)
            return ss

    def spreadsheet(self, key: str) -> FakeSpreadsheet:
        return self.spreadsheets[key]

    def touch(self, key: str) -> None:
        """Record a change of ``key`` (as Google does on every edit): a new ``modifiedTime``."""
        with self._lock:
            ss = self.spreadsheets.get(key)
            if ss is not None:
                self._ticks += 1
                stamp = datetime(2025, 6, 1) + timedelta(milliseconds=self._ticks)
                ss.modified = stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"

    def sheet(self, key: str, tab: str) -> FakeSheet:
        s = self.spreadsheets[key].by_title(tab)
        if s is None:
            raise KeyError(tab)
        return s

    def values(self, key: str, tab: str) -> list[list[Any]]:
        """The raw cells of a tab as stored (types kept; ``Formula`` for formulas)."""
        with self._lock:
            return self.sheet(key, tab).values()

    def titles(self, key: str) -> list[str]:
        with self._lock:
            return [s.title for s in self.spreadsheets[key].sheets]

    def set_shared(self, key: str, shared: bool) -> None:
        with self._lock:
            self.spreadsheets[key].shared = shared

    def remove_spreadsheet(self, key: str) -> None:
        with self._lock:
            self.spreadsheets.pop(key, None)

    def reset_counts(self) -> None:
        with self._lock:
            self.requests_total = 0
            self.counts.clear()
            self.log.clear()
            self.faults_injected.clear()

    def set_faults(
        self,
        *,
        seed: int | None = None,
        error_429: float = 0.0,
        error_500: float = 0.0,
        error_503: float = 0.0,
        timeout: float = 0.0,
        lost: float = 0.0,
        kinds: Sequence[str] | None = None,
    ) -> None:
        """Random faults per request (rates in [0, 1]); ``kinds`` limits them to endpoint kinds."""
        with self._lock:
            if seed is not None:
                self.rng = random.Random(seed)
            self.fault_rates = {"429": error_429, "500": error_500, "503": error_503, "timeout": timeout, "lost": lost}
            self.fault_kinds = frozenset(kinds) if kinds is not None else None

    def fail_next(self, *faults: str) -> None:
        """Script the next requests' faults, in order ("429", "500", "503", "timeout", "lost", "ok")."""
        with self._lock:
            for f in faults:
                if f not in FAULTS and f != "ok":
                    raise ValueError(f)
            self.scripted.extend(faults)

    # --- transport -----------------------------------------------------------------------

    def close(self) -> None:  # nothing to release
        return None

    def send(  # type: ignore[override]
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        url = request.url or ""
        parts = urlsplit(url)
        params = parse_qs(parts.query, keep_blank_values=True)
        body: Any = None
        if request.body:
            raw = request.body if isinstance(request.body, bytes) else str(request.body).encode()
            try:
                body = json.loads(raw.decode("utf-8"))
            except ValueError:
                body = None
        method = (request.method or "GET").upper()
        kind, handler = self._route(method, parts.netloc, parts.path)
        with self._lock:
            self.requests_total += 1
            self.counts[kind] += 1
            if self.keep_log:
                self.log.append(LoggedRequest(method, kind, unquote(parts.path), params, body))
            fault = self._draw_fault(kind)
            if fault:
                self.faults_injected[fault] += 1
            delay = self.latency(kind) if callable(self.latency) else self.latency
        if delay:
            self.sleep(delay)
        if fault == "timeout":
            raise requests.exceptions.ReadTimeout(f"fake: read timed out ({kind})", request=request)
        if fault in _FAULT_ERRORS:
            return self._respond(request, _FAULT_ERRORS[fault].code, _FAULT_ERRORS[fault].body())
        with self._lock:
            try:
                status, payload = 200, handler(params, body)
            except ApiError as e:
                status, payload = e.code, e.body()
            if status == 200 and kind in _MUTATING:
                self.touch(unquote(parts.path)[len("/v4/spreadsheets/"):].split("/")[0].split(":")[0])
        if fault == "lost":
            if self.rng.random() < 0.5:
                raise requests.exceptions.ConnectionError(
                    "fake: ('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))",
                    request=request,
                )
            raise requests.exceptions.ReadTimeout(f"fake: read timed out after the write landed ({kind})", request=request)
        return self._respond(request, status, payload)

    def _draw_fault(self, kind: str) -> str | None:
        if self.scripted:
            f = self.scripted.pop(0)
            return None if f == "ok" else f
        if not self.fault_rates or (self.fault_kinds is not None and kind not in self.fault_kinds):
            return None
        x = self.rng.random()
        for name in FAULTS:
            rate = self.fault_rates.get(name, 0.0)
            if x < rate:
                return name
            x -= rate
        return None

    @staticmethod
    def _respond(request: requests.PreparedRequest, status: int, payload: Any) -> requests.Response:
        resp = requests.Response()
        resp.status_code = status
        resp.reason = _REASONS.get(status, "")
        resp.headers = CaseInsensitiveDict({"Content-Type": "application/json; charset=UTF-8"})
        resp._content = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        resp.encoding = "utf-8"
        resp.url = request.url or ""
        resp.request = request
        return resp

    # --- routing -------------------------------------------------------------------------

    def _route(self, method: str, host: str, raw_path: str) -> tuple[str, Handler]:
        def not_found(_p: dict[str, list[str]], _b: Any) -> Any:
            raise ApiError(404, f"Method not found: {method} {unquote(raw_path)}", "NOT_FOUND")

        if host == "www.googleapis.com":
            m = re.fullmatch(r"/drive/v3/files/([^/]+)", raw_path)
            if m and method == "GET":
                key = unquote(m.group(1))
                return "drive.get", lambda p, b: self._drive_get(key, p)
            if raw_path.rstrip("/") == "/drive/v3/files" and method == "GET":
                return "drive.list", lambda p, b: self._drive_list(p)
            if raw_path.startswith("/drive/v3/files") and method == "POST":

                def no_quota(_p: dict[str, list[str]], _b: Any) -> Any:
                    raise ApiError(403, "The user's Drive storage quota has been exceeded.", "PERMISSION_DENIED")

                return "drive.create", no_quota
            return "unknown", not_found
        if host != "sheets.googleapis.com" or not raw_path.startswith("/v4/spreadsheets/"):
            return "unknown", not_found
        rest = raw_path[len("/v4/spreadsheets/") :]
        m = re.fullmatch(r"([^/:]+)(:batchUpdate)?", rest)
        if m:
            key = unquote(m.group(1))
            if m.group(2) and method == "POST":
                return "batchUpdate", lambda p, b: self._batch_update(key, b)
            if not m.group(2) and method == "GET":
                return "get", lambda p, b: self._get(key, p)
            return "unknown", not_found
        m = re.fullmatch(r"([^/:]+)/values(?::(batchGet|batchUpdate|batchClear)|/(.+?)(:append|:clear)?)", rest)
        if not m:
            return "unknown", not_found
        key = unquote(m.group(1))
        batch, rng_raw, verb = m.group(2), m.group(3), m.group(4)
        if batch == "batchGet" and method == "GET":
            return "values.batchGet", lambda p, b: self._values_batch_get(key, p)
        if batch == "batchUpdate" and method == "POST":
            return "values.batchUpdate", lambda p, b: self._values_batch_update(key, b)
        if batch == "batchClear" and method == "POST":
            return "values.batchClear", lambda p, b: self._values_batch_clear(key, b)
        if rng_raw is None:
            return "unknown", not_found
        rng = unquote(rng_raw)
        if verb == ":append" and method == "POST":
            return "values.append", lambda p, b: self._values_append(key, rng, p, b)
        if verb == ":clear" and method == "POST":
            return "values.clear", lambda p, b: self._values_clear(key, rng)
        if verb is None and method == "GET":
            return "values.get", lambda p, b: self._values_get(key, rng, p)
        if verb is None and method == "PUT":
            return "values.update", lambda p, b: self._values_update(key, rng, p, b)
        return "unknown", not_found

    def _open(self, key: str) -> FakeSpreadsheet:
        ss = self.spreadsheets.get(key)
        if ss is None:
            raise ApiError(404, "Requested entity was not found.", "NOT_FOUND")
        if not ss.shared:
            raise ApiError(403, "The caller does not have permission", "PERMISSION_DENIED")
        return ss

    def _new_sheet_id(self, ss: FakeSpreadsheet) -> int:
        while True:
            sid = self._ids.randrange(1, 2**31 - 1)
            if ss.by_id(sid) is None:
                return sid

    # --- spreadsheets.get ------------------------------------------------------------------

    def _get(self, key: str, params: dict[str, list[str]]) -> Any:
        ss = self._open(key)
        fields = params.get("fields", [None])[0]
        mask = parse_mask(fields) if fields else None
        include = params.get("includeGridData", ["false"])[0].lower() == "true"
        with_data = _mask_wants(mask, "sheets", "data") if mask is not None else include
        ranges = params.get("ranges", [])
        wanted: dict[int, list[Bounds]] = {}
        for text in ranges:
            sheet, b = ss.locate(text)
            wanted.setdefault(sheet.sheet_id, []).append(b)
        sheets_out = []
        for sheet in ss.sheets:
            if ranges and sheet.sheet_id not in wanted:
                continue
            entry: dict[str, Any] = {"properties": sheet.properties()}
            if sheet.protected_ranges:
                entry["protectedRanges"] = copy.deepcopy(sheet.protected_ranges)
            if with_data:
                boxes = wanted.get(sheet.sheet_id, [Bounds()])
                entry["data"] = [self._grid_data(sheet, b, mask) for b in boxes]
            sheets_out.append(entry)
        out = {
            "spreadsheetId": ss.id,
            "properties": {
                "title": ss.title,
                "locale": ss.locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": ss.time_zone,
                "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
                "spreadsheetTheme": copy.deepcopy(SPREADSHEET_THEME),
            },
            "sheets": sheets_out,
            "spreadsheetUrl": ss.url(),
        }
        return apply_mask(out, mask) if mask is not None else out

    @staticmethod
    def _grid_data(sheet: FakeSheet, b: Bounds, mask: Mask | None) -> dict[str, Any]:
        r0, r1, c0, c1 = sheet.resolve(b)
        cell_mask: Mask = {}
        if mask is not None:
            node: Mask = mask
            for p in ("sheets", "data", "rowData", "values"):
                if not node or "*" in node:
                    node = {}
                    break
                node = node.get(p, {})
            cell_mask = node
        rows: list[dict[str, Any]] = []
        last = max([sheet.last_row()] + [r + 1 for r, _ in sheet.notes])
        for r in range(r0, min(r1, last)):
            cells = [apply_mask(cell_data(sheet.get(r, c), sheet.notes.get((r, c))), cell_mask) for c in range(c0, c1)]
            while cells and not cells[-1]:
                cells.pop()
            rows.append({"values": cells} if cells else {})
        while rows and not rows[-1]:
            rows.pop()
        data: dict[str, Any] = {}
        if r0:
            data["startRow"] = r0
        if c0:
            data["startColumn"] = c0
        if rows:
            data["rowData"] = rows
        return data

    # --- values ----------------------------------------------------------------------------

    @staticmethod
    def _read_range(sheet: FakeSheet, b: Bounds, params: Mapping[str, list[str]]) -> dict[str, Any]:
        value_option = params.get("valueRenderOption", ["FORMATTED_VALUE"])[0]
        date_option = params.get("dateTimeRenderOption", ["SERIAL_NUMBER"])[0]
        major = params.get("majorDimension", ["ROWS"])[0]
        r0, r1, c0, c1 = sheet.resolve(b)
        rows = [
            [render(sheet.get(r, c), value_option, date_option) for c in range(c0, c1)]
            for r in range(r0, min(r1, sheet.last_row()))
        ]
        if major == "COLUMNS":
            width = max((len(r) for r in _trim_rows(rows)), default=0)
            rows = [[row[c] for row in rows] for c in range(width)]
        out: dict[str, Any] = {"range": sheet.a1(r0, r1, c0, c1), "majorDimension": major}
        trimmed = _trim_rows(rows)
        if trimmed:
            out["values"] = trimmed
        return out

    def _values_get(self, key: str, rng: str, params: dict[str, list[str]]) -> Any:
        ss = self._open(key)
        sheet, b = ss.locate(rng)
        return self._read_range(sheet, b, params)

    def _values_batch_get(self, key: str, params: dict[str, list[str]]) -> Any:
        ss = self._open(key)
        located = [ss.locate(text) for text in params.get("ranges", [])]
        return {"spreadsheetId": ss.id, "valueRanges": [self._read_range(s, b, params) for s, b in located]}

    @staticmethod
    def _input_option(option: str | None) -> str:
        if option is None:
            raise _bad("'valueInputOption' is required but not specified")
        if option not in ("RAW", "USER_ENTERED"):
            raise _bad(f"Invalid value at 'value_input_option' ({option})")
        return option

    @staticmethod
    def _rows_of(body: Any) -> list[list[Any]]:
        if not isinstance(body, dict):
            raise _bad("Invalid JSON payload received.")
        rows = body.get("values", [])
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            message = f"Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), {json.dumps(rows)}"
            raise ApiError(
                400,
                message,
                "INVALID_ARGUMENT",
                {"details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                              "fieldViolations": [{"field": "data.values", "description": message}]}]},
            )
        if body.get("majorDimension") == "COLUMNS":
            height = max((len(c) for c in rows), default=0)
            rows = [[col[r] if r < len(col) else None for col in rows] for r in range(height)]
        return rows

    def _write(self, ss: FakeSpreadsheet, rng: str, rows: list[list[Any]], option: str) -> dict[str, Any]:
        sheet, b = ss.locate(rng)
        r0, c0 = b.r0 or 0, b.c0 or 0
        height = len(rows)
        width = max((len(r) for r in rows), default=0)
        if b.r1 is not None and not b.anchor and r0 + height > b.r1:
            raise _bad(f"Requested writing within range [{rng}], but tried writing to row [{r0 + height}]")
        if b.c1 is not None and not b.anchor and c0 + width > b.c1:
            raise _bad(
                f"Requested writing within range [{rng}], but tried writing to column [{col_letters(c0 + width - 1)}]"
            )
        if r0 + height > sheet.row_count or c0 + width > sheet.col_count:
            raise _bad(
                f"Range ({sheet.a1(r0, r0 + height, c0, c0 + width)}) exceeds grid limits. "
                f"Max rows: {sheet.row_count}, max columns: {sheet.col_count}"
            )
        parsed = [[parse_input(v, option) for v in row] for row in rows]
        for i, row in enumerate(parsed):
            for j, v in enumerate(row):
                if v is not None:
                    sheet.put(r0 + i, c0 + j, v)
        out: dict[str, Any] = {"spreadsheetId": ss.id}
        if height and width:
            out.update(
                updatedRange=sheet.a1(r0, r0 + height, c0, c0 + width),
                updatedRows=height,
                updatedColumns=width,
                updatedCells=sum(len(r) for r in rows),
            )
        else:
            out["updatedRange"] = sheet.a1(r0, r0 + 1, c0, c0 + 1)
        return out

    def _values_update(self, key: str, rng: str, params: dict[str, list[str]], body: Any) -> Any:
        ss = self._open(key)
        option = self._input_option(params.get("valueInputOption", [None])[0])
        out = self._write(ss, rng, self._rows_of(body), option)
        if params.get("includeValuesInResponse", ["false"])[0].lower() == "true" and "updatedRows" in out:
            sheet, b = ss.locate(out["updatedRange"])
            out["updatedData"] = self._read_range(sheet, b, params)
        return out

    def _values_batch_update(self, key: str, body: Any) -> Any:
        ss = self._open(key)
        if not isinstance(body, dict):
            raise _bad("Invalid JSON payload received.")
        option = self._input_option(body.get("valueInputOption"))
        with _all_or_nothing(ss):
            responses = [self._write(ss, d["range"], self._rows_of(d), option) for d in body.get("data", [])]
        rows_touched: set[tuple[int, int]] = set()
        cols_touched: set[tuple[int, int]] = set()
        for r in responses:
            if "updatedRows" in r:  # Google counts distinct rows and columns
                sheet, b = ss.locate(r["updatedRange"])
                r0, r1, c0, c1 = sheet.resolve(b)
                rows_touched |= {(sheet.sheet_id, i) for i in range(r0, r1)}
                cols_touched |= {(sheet.sheet_id, j) for j in range(c0, c1)}
        touched = {sid for sid, _ in rows_touched}
        return {
            "spreadsheetId": ss.id,
            "totalUpdatedRows": len(rows_touched),
            "totalUpdatedColumns": len(cols_touched),
            "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
            "totalUpdatedSheets": len(touched),
            "responses": responses,
        }

    def _values_append(self, key: str, rng: str, params: dict[str, list[str]], body: Any) -> Any:
        ss = self._open(key)
        option = self._input_option(params.get("valueInputOption", [None])[0])
        insert = params.get("insertDataOption", ["OVERWRITE"])[0]
        rows = self._rows_of(body)
        sheet, b = ss.locate(rng)
        parsed = [[parse_input(v, option) for v in row] for row in rows]
        out: dict[str, Any] = {"spreadsheetId": ss.id}
        table = sheet.find_table(*sheet.resolve(b))
        if table is None:
            last, c0 = (b.r0 or 0), (b.c0 or 0)
        else:
            tr0, tr1, tc0, tc1 = table
            out["tableRange"] = sheet.a1(tr0, tr1, tc0, tc1)
            last, c0 = tr1, tc0
        height = len(parsed)
        width = max((len(r) for r in parsed), default=0)
        if insert == "INSERT_ROWS":
            sheet.insert_rows(last, height)
        else:
            sheet.row_count = max(sheet.row_count, last + height)
        sheet.col_count = max(sheet.col_count, c0 + width)
        for i, row in enumerate(parsed):
            for j, v in enumerate(row):
                if v is not None:
                    sheet.put(last + i, c0 + j, v)
        updates: dict[str, Any] = {"spreadsheetId": ss.id}
        if height and width:
            updates.update(
                updatedRange=sheet.a1(last, last + height, c0, c0 + width),
                updatedRows=height,
                updatedColumns=width,
                updatedCells=sum(len(r) for r in rows),
            )
            if params.get("includeValuesInResponse", ["false"])[0].lower() == "true":
                updates["updatedData"] = self._read_range(
                    sheet, Bounds(last, last + height, c0, c0 + width), params
                )
        out["updates"] = updates
        return out

    def _values_clear(self, key: str, rng: str) -> Any:
        ss = self._open(key)
        sheet, b = ss.locate(rng)
        r0, r1, c0, c1 = sheet.resolve(b)
        for r in range(r0, min(r1, len(sheet.rows))):
            for c in range(c0, min(c1, len(sheet.rows[r]))):
                sheet.rows[r][c] = None
        return {"spreadsheetId": ss.id, "clearedRange": sheet.a1(r0, r1, c0, c1)}

    def _values_batch_clear(self, key: str, body: Any) -> Any:
        ss = self._open(key)
        ranges = (body or {}).get("ranges", [])
        for text in ranges:
            ss.locate(text)  # all or nothing: check every range first
        cleared = [self._values_clear(key, text)["clearedRange"] for text in ranges]
        return {"spreadsheetId": ss.id, "clearedRanges": cleared}

    # --- batchUpdate -----------------------------------------------------------------------

    def _batch_update(self, key: str, body: Any) -> Any:
        ss = self._open(key)
        if not isinstance(body, dict) or not isinstance(body.get("requests"), list):
            raise _bad("Invalid JSON payload received. Unknown name \"requests\"")
        replies = []
        with _all_or_nothing(ss):
            for i, req in enumerate(body["requests"]):
                if not isinstance(req, dict) or len(req) != 1:
                    raise _bad(f"Invalid requests[{i}]: exactly one kind of request is required.")
                (name, spec), = req.items()
                fn = getattr(self, f"_req_{name}", None)
                if fn is None:
                    raise _bad(f"Invalid requests[{i}]: the fake does not implement {name!r}.")
                replies.append(fn(ss, spec, f"requests[{i}].{name}"))
        return {"spreadsheetId": ss.id, "replies": replies}

    @staticmethod
    def _sheet_of(ss: FakeSpreadsheet, sheet_id: Any, where: str) -> FakeSheet:
        sheet = ss.by_id(int(sheet_id or 0))
        if sheet is None:
            raise _bad(f"Invalid {where}: No grid with id: {sheet_id}")
        return sheet

    def _req_addSheet(self, ss: FakeSpreadsheet, spec: dict[str, Any], where: str) -> Any:
        props = spec.get("properties", {})
        title = props.get("title") or f"Sheet{len(ss.sheets) + 1}"
        if ss.by_title(title) is not None:
            raise _bad(
                f'Invalid {where}: A sheet with the name "{title}" already exists. Please enter another name.'
            )
        sheet_id = props.get("sheetId")
        if sheet_id is None:
            sheet_id = self._new_sheet_id(ss)
        elif ss.by_id(int(sheet_id)) is not None:
            raise _bad(f"Invalid {where}: Sheet with id {sheet_id} already exists.")
        grid = props.get("gridProperties", {})
        sheet = FakeSheet(
            int(sheet_id),
            title,
            row_count=int(grid.get("rowCount", 1000)),
            col_count=int(grid.get("columnCount", 26)),
            frozen_rows=int(grid.get("frozenRowCount", 0)),
            frozen_cols=int(grid.get("frozenColumnCount", 0)),
            hidden=bool(props.get("hidden", False)),
        )
        index = props.get("index")
        ss.sheets.insert(len(ss.sheets) if index is None else int(index), sheet)
        ss.reindex()
        return {"addSheet": {"properties": sheet.properties()}}

    def _req_deleteSheet(self, ss: FakeSpreadsheet, spec: dict[str, Any], where: str) -> Any:
        sheet = self._sheet_of(ss, spec.get("sheetId"), where)
        if len(ss.sheets) == 1:
            raise _bad(f"Invalid {where}: You can't remove all the sheets in a document.")
        ss.sheets.remove(sheet)
        ss.reindex()
        return {}

    def _req_updateSheetProperties(self, ss: FakeSpreadsheet, spec: dict[str, Any], where: str) -> Any:
        props = spec.get("properties", {})
        sheet = self._sheet_of(ss, props.get("sheetId"), where)
        fields = [f.strip().replace(".", "/") for f in str(spec.get("fields", "")).split(",") if f.strip()]
        if not fields:
            raise _bad(f"Invalid {where}: At least one field must be updated, but none were specified.")
        if "*" in fields:
            fields = ["title", "index", "hidden", "gridProperties"]
        grid = props.get("gridProperties", {})
        for f in fields:
            if f == "title":
                other = ss.by_title(props.get("title", ""))
                if other is not None and other is not sheet:
                    raise _bad(f'Invalid {where}: A sheet with the name "{props.get("title")}" already exists.')
                sheet.title = props["title"]
            elif f == "hidden":
                sheet.hidden = bool(props.get("hidden", False))
                if all(s.hidden for s in ss.sheets):
                    raise _bad(f"Invalid {where}: You can't hide all the sheets in a document.")
            elif f == "index":
                ss.sheets.remove(sheet)
                ss.sheets.insert(int(props.get("index", 0)), sheet)
                ss.reindex()
            elif f.startswith("gridProperties"):
                sub = f.partition("/")[2]
                names = [sub] if sub else ["rowCount", "columnCount", "frozenRowCount", "frozenColumnCount", "hideGridlines"]
                for n in names:
                    if n == "hideGridlines":
                        sheet.hide_gridlines = bool(grid.get(n, False))
                        continue
                    value = int(grid.get(n, 0))
                    if n == "rowCount":
                        sheet.row_count = value
                        del sheet.rows[value:]
                        sheet.notes = {k: v for k, v in sheet.notes.items() if k[0] < value}
                    elif n == "columnCount":
                        sheet.col_count = value
                        for row in sheet.rows:
                            del row[value:]
                    elif n == "frozenRowCount":
                        sheet.frozen_rows = value
                    elif n == "frozenColumnCount":
                        sheet.frozen_cols = value
            else:
                raise _bad(f"Invalid {where}: the fake does not update field {f!r}.")
        return {}

    def _req_updateSpreadsheetProperties(self, ss: FakeSpreadsheet, spec: dict[str, Any], where: str) -> Any:
        props = spec.get("properties", {})
        for f in str(spec.get("fields", "")).split(","):
            f = f.strip()
            if f == "title":
                ss.title = props.get("title", ss.title)
            elif f == "locale":
                ss.locale = props.get("locale", ss.locale)
            elif f == "timeZone":
                ss.time_zone = props.get("timeZone", ss.time_zone)
        return {}

    def _req_addProtectedRange(self, ss: FakeSpreadsheet, spec: dict[str, Any], where: str) -> Any:
        pr = dict(spec.get("protectedRange", {}))
        rng = dict(pr.get("range", {}))
        self._sheet_of(ss, rng.get("sheetId"), where)
        if not rng.get("sheetId"):
            rng.pop("sheetId", None)  # Google leaves out a zero sheetId
        stored: dict[str, Any] = {"protectedRangeId": self._ids.randrange(1, 2**31 - 1), "range": rng}
        if pr.get("description"):
            stored["description"] = pr["description"]
        if pr.get("warningOnly"):
            stored["warningOnly"] = True  # Google leaves out false
        stored["requestingUserCanEdit"] = True
        editors = {k: v for k, v in (pr.get("editors") or {}).items() if v}
        stored["editors"] = editors
        sheet = self._sheet_of(ss, rng.get("sheetId", 0), where)
        kept = copy.deepcopy(stored)
        # the metadata lists the caller among the editors
        kept["editors"] = {**editors, "users": [self.caller_email, *editors.get("users", [])]}
        sheet.protected_ranges.append(kept)
        return {"addProtectedRange": {"protectedRange": stored}}

    def _req_deleteProtectedRange(self, ss: FakeSpreadsheet, spec: dict[str, Any], where: str) -> Any:
        pid = spec.get("protectedRangeId")
        for sheet in ss.sheets:
            for pr in sheet.protected_ranges:
                if pr["protectedRangeId"] == pid:
                    sheet.protected_ranges.remove(pr)
                    return {}
        raise _bad(f"Invalid {where}: No protected range with id: {pid}")

    def _req_setDataValidation(self, ss: FakeSpreadsheet, spec: dict[str, Any], where: str) -> Any:
        rng = dict(spec.get("range", {}))
        sheet = self._sheet_of(ss, rng.get("sheetId"), where)
        sheet.validations = [v for v in sheet.validations if v["range"] != rng]
        if spec.get("rule"):
            sheet.validations.append({"range": rng, "rule": copy.deepcopy(spec["rule"])})
        return {}

    def _req_appendDimension(self, ss: FakeSpreadsheet, spec: dict[str, Any], where: str) -> Any:
        sheet = self._sheet_of(ss, spec.get("sheetId"), where)
        length = int(spec.get("length", 0))
        if length < 1:
            raise _bad(f"Invalid {where}: length must be at least 1.")
        if spec.get("dimension") == "COLUMNS":
            sheet.col_count += length
        elif spec.get("dimension") == "ROWS":
            sheet.row_count += length
        else:
            raise _bad(f"Invalid {where}: dimension must be ROWS or COLUMNS.")
        return {}

    def _req_updateCells(self, ss: FakeSpreadsheet, spec: dict[str, Any], where: str) -> Any:
        fields = str(spec.get("fields", ""))
        if not fields:
            raise _bad(f"Invalid {where}: At least one field must be updated, but none were specified.")
        names = {f.strip() for f in fields.split(",")}
        write_values = "*" in names or "userEnteredValue" in names
        write_notes = "*" in names or "note" in names
        rows = spec.get("rows", [])
        if "range" in spec:
            rng = spec["range"]
            sheet = self._sheet_of(ss, rng.get("sheetId"), where)
            b = Bounds(rng.get("startRowIndex"), rng.get("endRowIndex"), rng.get("startColumnIndex"), rng.get("endColumnIndex"))
            r0, r1, c0, c1 = sheet.resolve(b)
            clear_box = True
        else:
            start = spec.get("start", {})
            sheet = self._sheet_of(ss, start.get("sheetId"), where)
            r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
            r1 = r0 + len(rows)
            c1 = c0 + max((len(r.get("values", [])) for r in rows), default=0)
            clear_box = False
        too_many_rows = clear_box and len(rows) > r1 - r0
        if r1 > sheet.row_count or c1 > sheet.col_count or too_many_rows:
            raise _bad(
                f"Invalid {where}: GridCoordinate is outside the grid (rows: {sheet.row_count}, "
                f"columns: {sheet.col_count})."
            )
        for i in range(r1 - r0):
            row_values = rows[i].get("values", []) if i < len(rows) else []
            for j in range(c1 - c0):
                if j >= len(row_values) and not clear_box:
                    continue
                cell = row_values[j] if j < len(row_values) else {}
                if write_values:
                    ev = cell.get("userEnteredValue")
                    sheet.put(r0 + i, c0 + j, _from_extended(ev) if ev else None)
                if write_notes:
                    if cell.get("note"):
                        sheet.notes[(r0 + i, c0 + j)] = str(cell["note"])
                    else:
                        sheet.notes.pop((r0 + i, c0 + j), None)
        return {}

    # --- drive -----------------------------------------------------------------------------

    def _drive_get(self, key: str, params: dict[str, list[str]]) -> Any:
        ss = self.spreadsheets.get(key)
        if ss is None or not ss.shared:
            message = f"File not found: {key}."
            raise ApiError(
                404,
                message,
                "NOT_FOUND",
                {"errors": [{"domain": "global", "reason": "notFound", "message": message,
                             "locationType": "parameter", "location": "fileId"}]},
            )
        out = {
            "kind": "drive#file",
            "id": ss.id,
            "name": ss.title,
            "mimeType": "application/vnd.google-apps.spreadsheet",
            "createdTime": ss.created,
            "modifiedTime": ss.modified,
        }
        fields = params.get("fields", [None])[0]
        return apply_mask(out, parse_mask(fields)) if fields else out


    def _drive_list(self, params: dict[str, list[str]]) -> Any:
        """files.list over the spreadsheets shared with the caller, in creation order."""
        q = params.get("q", [""])[0]
        m = re.search(r"mimeType\s*=\s*['\"]([^'\"]+)['\"]", q)
        if m and m.group(1) != "application/vnd.google-apps.spreadsheet":
            files: list[FakeSpreadsheet] = []
        else:
            files = [ss for ss in self.spreadsheets.values() if ss.shared]
        size = min(int(params.get("pageSize", ["100"])[0]), 1000)
        start = int(params.get("pageToken", ["0"])[0] or 0)
        page = files[start : start + size]
        out: dict[str, Any] = {
            "kind": "drive#fileList",
            "files": [{"kind": "drive#file", "id": ss.id, "name": ss.title,
                       "mimeType": "application/vnd.google-apps.spreadsheet",
                       "createdTime": ss.created, "modifiedTime": ss.modified} for ss in page],
        }
        if start + size < len(files):
            out["nextPageToken"] = str(start + size)
        fields = params.get("fields", [None])[0]
        return apply_mask(out, parse_mask(fields)) if fields else out


_MUTATING = frozenset({"values.append", "values.update", "values.batchUpdate", "values.clear",
                       "values.batchClear", "batchUpdate"})


class _NoNetwork(BaseAdapter):
    """Refuses every request that the fake does not serve."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        raise requests.exceptions.ConnectionError(f"network disabled in tests: {request.url}", request=request)

    def close(self) -> None:
        return None


def make_session(fake: FakeSheets) -> requests.Session:
    s = requests.Session()
    s.mount("https://", _NoNetwork())
    s.mount("http://", _NoNetwork())
    s.mount(SHEETS_PREFIX, fake)
    s.mount(DRIVE_PREFIX, fake)
    return s


def make_client(fake: FakeSheets) -> gspread.Client:
    """A gspread client whose only transport is ``fake``."""
    return gspread.Client(auth=None, session=make_session(fake))  # type: ignore[arg-type]


__all__ = [
    "ApiError",
    "FakeSheet",
    "FakeSheets",
    "FakeSpreadsheet",
    "Formula",
    "LoggedRequest",
    "a1_title",
    "col_letters",
    "make_client",
    "make_session",
    "parse_mask",
]
