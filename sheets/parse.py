"""Raw grids -> typed frames plus a list of located problems (SPEC 3.1, 3.3)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import zip_longest
from typing import Any

import numpy as np
import pandas as pd

from sheets import cells
from sheets.schema import TABS, Column, Kind, Tab
from sheets.stores.base import Cell, Grid
from sheets.text import fold

ERROR = "error"
WARNING = "warning"
SEVERITY_VI = {ERROR: "Lỗi", WARNING: "Cảnh báo"}


@dataclass(frozen=True)
class Problem:
    severity: str  # "error": row or cell not used; "warning": used with the stated assumption
    spreadsheet: str
    tab: str
    row: int | None  # sheet row number (header is row 1)
    column: str | None
    value: str  # the value as typed
    message: str  # what is wrong, in Vietnamese
    fix: str  # a suggested fix, in Vietnamese

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "spreadsheet": self.spreadsheet,
            "tab": self.tab,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "fix": self.fix,
        }


META_COLUMNS = ["_sheet", "_sheet_idx", "_tab", "_row"]

_FIX = {
    Kind.DATE: "Nhập ngày dạng dd/mm/yyyy, ví dụ 15/01/2025.",
    Kind.DATETIME: "Nhập ngày giờ dạng dd/mm/yyyy hh:mm hoặc 2025-12-28T10:15:00.",
    Kind.INT: "Nhập số nguyên, ví dụ 2025 hoặc 1.234.",
    Kind.NUMBER: "Nhập số, ví dụ 1.234.567 hoặc 0,85.",
    Kind.PERCENT: "Nhập tỉ lệ, ví dụ 85, 85% hoặc 0,85.",
    Kind.YESNO: "Nhập Có hoặc Không.",
    Kind.EMAIL: "Nhập địa chỉ e-mail, ví dụ ten@congdoan.vn.",
    Kind.CODE: "Nhập mã, ví dụ BABE.",
    Kind.TEXT: "Nhập nội dung.",
}


def fix_for(col: Column) -> str:
    if col.kind in (Kind.ENUM, Kind.CHANNELS) and col.enum:
        return "Chọn một trong: " + "; ".join(col.enum) + "."
    return _FIX.get(col.kind, "Sửa lại giá trị.")


def _parser(col: Column) -> Callable[[object], cells.Result]:
    kind = col.kind
    if kind is Kind.ENUM:
        table = cells.enum_matcher(col.enum)
        return lambda v: cells.parse_enum(v, table)
    if kind is Kind.CHANNELS:
        table = cells.enum_matcher(col.enum)
        return lambda v: cells.parse_channels(v, table)
    if kind is Kind.INT:
        if col.attr in YEAR_ATTRS:
            return cells.parse_year
        return cells.parse_nonneg_int if col.attr in ("members", "people") else cells.parse_int
    return {
        Kind.CODE: cells.parse_code,
        Kind.TEXT: cells.parse_text,
        Kind.YESNO: cells.parse_yesno,
        Kind.DATE: cells.parse_date,
        Kind.DATETIME: cells.parse_datetime,
        Kind.NUMBER: cells.parse_number,
        Kind.PERCENT: cells.parse_percent,
        Kind.EMAIL: cells.parse_email,
    }[kind]


# Whole-number columns that hold a year: four digits, or a located problem (SPEC 3.3).
YEAR_ATTRS = frozenset({"year", "end_year"})


SHOWN_MAX = 200  # a problem shows this much of the value as typed


def _shown(v: Cell) -> str:
    """The value as typed, fit for a problems table and its downloads: control characters
    written as escapes (a report cannot hold them), long text cut, huge numbers named."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, int) and not isinstance(v, bool):
        text = cells.int_text(v)
        return text if text is not None and len(text) <= SHOWN_MAX else f"(số có {len(text or '') or 'hơn 4300'} chữ số)"
    text = str(v)
    if cells.CONTROL.search(text):
        text = cells.CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if len(text) > SHOWN_MAX:
        text = text[:SHOWN_MAX] + f"… ({len(str(v)):,} ký tự)".replace(",", ".")
    return text


def match_tab(name: str) -> Tab | None:
    f = fold(name)
    for t in TABS.values():
        if fold(t.name) == f:
            return t
    return None


@dataclass
class ParsedTab:
    tab: Tab
    frame: pd.DataFrame  # valid rows: one column per attr, plus META_COLUMNS
    problems: list[Problem]
    skipped: bool = False  # a required column was missing
    positions: dict[str, int] | None = None  # column header -> its 0-based index in the sheet


@dataclass
class ParsedColumns:
    """What ``parse_tab`` finds, as plain lists: the loader stacks these across spreadsheets
    and builds one typed frame per tab, instead of a frame per tab per spreadsheet."""

    tab: Tab
    columns: dict[str, list[Any]]  # attr (then META_COLUMNS) -> values of the valid rows
    problems: list[Problem]
    skipped: bool = False
    positions: dict[str, int] | None = None

    def frame(self) -> pd.DataFrame:
        if not self.columns:
            return empty_frame(self.tab)
        return pd.DataFrame(self.columns, dtype=object)


def empty_frame(tab: Tab) -> pd.DataFrame:
    cols = [c.attr for c in tab.all_columns] + META_COLUMNS
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})


def _has_data(row: Sequence[Cell]) -> bool:
    for v in row:
        if v is None:
            continue
        if v.__class__ is str:
            if v and not v.isspace():  # str.strip() strips exactly the isspace() characters
                return True
        elif not cells.is_blank(v):
            return True
    return False


_NONE_TYPE = type(None)


_PLAIN_TYPES = frozenset({str, _NONE_TYPE})


def _screen_text(raw: Sequence[Cell]) -> tuple[Sequence[Cell], list[tuple[int, str]], set[int]]:
    """Control characters and over-long text (SPEC 3.3), checked for a whole column at once.

    Returns the cells to parse (control characters removed), a warning per cleaned cell and
    the positions of over-long text. The common case, a clean column, costs a few C passes."""
    types = set(map(type, raw))
    if str not in types:
        return raw, [], set()
    texts: Sequence[str]
    if len(types) == 1:
        texts = raw  # type: ignore[assignment]  # all text
    elif types <= _PLAIN_TYPES:
        texts = list(filter(None, raw))  # type: ignore[arg-type]  # text and blanks: drop the blanks in C
    else:
        texts = [v for v in raw if v.__class__ is str]  # type: ignore[misc]
    if not texts:
        return raw, [], set()
    joined = "\n".join(texts)
    dirty = cells.CONTROL.search(joined) is not None
    long = max(map(len, texts)) > cells.MAX_TEXT
    if not (dirty or long):
        return raw, [], set()
    out = list(raw)
    notes: list[tuple[int, str]] = []
    too_long: set[int] = set()
    for n, v in enumerate(raw):
        if v.__class__ is not str:
            continue
        assert isinstance(v, str)
        if dirty and cells.CONTROL.search(v):
            v = cells.CONTROL.sub("", v)
            out[n] = v
            notes.append((n, cells.CONTROL_REMOVED))
        if len(v) > cells.MAX_TEXT:
            too_long.add(n)
            out[n] = None
    return out, notes, too_long


# Results of the parsers whose columns repeat values across tabs and spreadsheets (dates,
# numbers, codes, enumerations), shared by every parse: each distinct cell of a province is
# parsed once per load rather than once per tab. Parsers are pure, so a kept result is the
# result; a memo is emptied when it grows past MEMO_MAX (free text is never kept).
MEMO_MAX = 50_000
_MEMO_KINDS = frozenset(set(Kind) - {Kind.TEXT, Kind.EMAIL})
_memos: dict[tuple[Any, ...], dict[Any, cells.Result]] = {}


def _memo_for(col: Column) -> dict[Any, cells.Result] | None:
    if col.kind not in _MEMO_KINDS:
        return None
    # what the parser depends on (see _parser): the kind, an INT column's attr, the enum
    key = (col.kind, col.attr if col.kind is Kind.INT else "", col.enum)
    memo = _memos.get(key)
    if memo is None or len(memo) > MEMO_MAX:
        memo = _memos[key] = {}
    return memo


def _parse_column(
    col: Column, raw: Sequence[Cell]
) -> tuple[list[Any], list[tuple[int, str]], list[tuple[int, str]]]:
    """Values of one column, (row position, issue) for the cells that have one, and
    (row position, note) for warnings whatever the column (control characters removed).

    Each distinct cell is parsed once: columns repeat codes, enums and dates."""
    raw, notes, too_long = _screen_text(raw)
    parse = _parser(col)
    memo = _memo_for(col)
    # Text, blanks and the values of any one other type key themselves; with two other
    # types, values carry their type (1, 1.0 and True are equal keys).
    keys: Sequence[Any] = raw
    typed = len(set(map(type, raw)) - _PLAIN_TYPES) > 1
    if typed:
        keys = [v if v is None or v.__class__ is str else (v.__class__, v) for v in raw]
    required = col.required and col.kind is not Kind.YESNO
    value_of: dict[Any, Any] = {}
    issue_of: dict[Any, str] = {}
    distinct = dict.fromkeys(keys)  # in C
    if col.kind is Kind.TEXT and not typed and set(map(type, distinct)) <= _PLAIN_TYPES \
            and unicodedata.is_normalized("NFC", "\n".join(filter(None, distinct))):  # type: ignore[arg-type]
        # text already NFC (a line feed composes with nothing, so the join is NFC when each
        # part is): cells.parse_text is a strip, done here without a call per value
        value_of = {k: (k.strip() or None) if k is not None else None for k in distinct}
        if required:
            issue_of = {k: "bỏ trống cột bắt buộc" for k, v in value_of.items() if v is None}
        distinct = {}
    for key in distinct:
        v = key[1] if typed and key.__class__ is tuple else key
        if memo is None:
            value, issue = parse(v)
        else:
            mkey = key if v is None or v.__class__ is str or typed else (v.__class__, v)
            hit = memo.get(mkey)
            if hit is None:
                hit = memo[mkey] = parse(v)
            value, issue = hit
        value_of[key] = value
        if issue is None and required and value is None:
            issue = "bỏ trống cột bắt buộc"
        if issue is not None:
            issue_of[key] = issue
    values = list(map(value_of.__getitem__, keys))
    issues = [(n, issue_of[k]) for n, k in enumerate(keys) if k in issue_of] if issue_of else []
    if too_long:  # an error in a required column, else a warning and taken as blank
        blank = False if col.kind is Kind.YESNO else None
        for n in too_long:
            values[n] = blank
        issues = sorted([*(i for i in issues if i[0] not in too_long), *((n, cells.TOO_LONG) for n in too_long)])
    return values, issues, notes


def _transpose(rows: Sequence[Sequence[Cell]], width: int) -> list[tuple[Cell, ...]]:
    """The rows' first ``width`` columns (at least), short rows padded with None: one
    transposition in C instead of a pass per column."""
    longest = max(map(len, rows))
    if longest <= 2 * width + 16:  # zip_longest pads in C, building every column up to the longest row
        out = list(zip_longest(*rows))
        if len(out) < width:
            out.extend([(None,) * len(rows)] * (width - len(out)))
        return out
    # a few very long rows: pad the short ones and stop at the shortest (no column past it is built)
    return list(zip(*(r if len(r) >= width else [*r, *([None] * (width - len(r)))] for r in rows), strict=False))


def parse_columns(
    tab: Tab,
    grid: Grid,
    *,
    spreadsheet: str,
    sheet_idx: int = 0,
    tab_name: str | None = None,
    first_row: int = 1,
) -> ParsedColumns:
    """Parse one tab. ``first_row`` is the sheet row number of ``grid[0]`` (the header)."""
    shown_tab = tab_name or tab.name
    problems: list[Problem] = []
    if not grid:
        return ParsedColumns(tab, {}, problems)
    header = grid[0]
    positions: dict[str, int] = {}
    by_fold = {fold(c.name): c for c in tab.all_columns}
    for i, h in enumerate(header):
        if cells.is_blank(h):
            continue
        col = by_fold.get(fold(str(h)))
        if col is not None and col.attr not in positions:
            positions[col.attr] = i
    missing = [c.name for c in tab.all_columns if c.required and c.attr not in positions]
    if missing:
        problems.append(
            Problem(
                ERROR,
                spreadsheet,
                shown_tab,
                first_row,
                ", ".join(missing),
                "",
                "Thiếu cột bắt buộc " + ", ".join(f"«{m}»" for m in missing) + "; bỏ qua cả trang này.",
                "Thêm cột " + ", ".join(f"«{m}»" for m in missing) + " vào dòng tiêu đề (dòng 1).",
            )
        )
        return ParsedColumns(tab, {}, problems, skipped=True)

    rows = grid[1:]
    # blank rows are skipped; most rows start with text, which settles it without a call
    keep = [i for i, r in enumerate(rows)
            if r and ((v := r[0]).__class__ is str and v and not v.isspace() or _has_data(r))]
    kept = rows if len(keep) == len(rows) else [rows[i] for i in keep]
    width = max(positions.values()) + 1
    by_column = _transpose(kept, width) if keep else []
    data: dict[str, list[Any]] = {}
    row_bad = [False] * len(keep)
    for col in tab.all_columns:
        if col.attr not in positions:
            data[col.attr] = [False if col.kind is Kind.YESNO else None] * len(keep)
            continue
        raw: Sequence[Cell] = by_column[positions[col.attr]] if keep else ()
        values, issues, notes = _parse_column(col, raw)
        required_bad = col.required and col.kind is not Kind.YESNO
        for n, note in notes:
            problems.append(Problem(WARNING, spreadsheet, shown_tab, first_row + 1 + keep[n], col.name,
                                    _shown(raw[n]), f"Cột «{col.name}»: {note}.",
                                    "Xóa các ký tự lạ (thường do dán từ nơi khác) khỏi ô."))
        for n, issue in issues:
            if required_bad:
                row_bad[n] = True
                msg = f"Cột «{col.name}»: {issue}; dòng này không được tính."
            elif col.kind is Kind.YESNO:
                msg = f"Cột «{col.name}»: {issue}."
            elif col.kind is Kind.CHANNELS:
                msg = f"Cột «{col.name}»: {issue}; các kênh đó bị bỏ qua."
            else:
                msg = f"Cột «{col.name}»: {issue}; ô được coi như để trống."
            problems.append(
                Problem(
                    ERROR if required_bad else WARNING,
                    spreadsheet,
                    shown_tab,
                    first_row + 1 + keep[n],
                    col.name,
                    _shown(raw[n]),
                    msg,
                    fix_for(col),
                )
            )
        data[col.attr] = values
    data["_sheet"] = [spreadsheet] * len(keep)
    data["_sheet_idx"] = [sheet_idx] * len(keep)
    data["_tab"] = [shown_tab] * len(keep)
    data["_row"] = [first_row + 1 + i for i in keep]
    if any(row_bad):
        data = {k: [v for v, b in zip(vs, row_bad, strict=True) if not b] for k, vs in data.items()}
    by_name = {tab.column(a).name: i for a, i in positions.items()}
    return ParsedColumns(tab, data, problems, positions=by_name)


def parse_tab(
    tab: Tab,
    grid: Grid,
    *,
    spreadsheet: str,
    sheet_idx: int = 0,
    tab_name: str | None = None,
    first_row: int = 1,
) -> ParsedTab:
    """Parse one tab into an object-typed frame. ``first_row`` is the sheet row number of ``grid[0]``."""
    pc = parse_columns(tab, grid, spreadsheet=spreadsheet, sheet_idx=sheet_idx, tab_name=tab_name,
                       first_row=first_row)
    return ParsedTab(tab, pc.frame(), pc.problems, skipped=pc.skipped, positions=pc.positions)


def store_cell(value: object) -> tuple[Cell, str | None]:
    """A value offered at the write door (a form, an import, a pandas frame) as a store cell:
    pandas, numpy and Decimal values become plain ones; anything else is a problem."""
    if value is None or isinstance(value, str | bool):
        return value, None
    if isinstance(value, datetime):  # pd.Timestamp too; pd.NaT is a datetime as well
        if value is pd.NaT:
            return None, None
        if isinstance(value, pd.Timestamp):
            return value.to_pydatetime(), None
        return value, None
    if isinstance(value, int | float | date):
        return value, None
    if value is pd.NA:
        return None, None
    if isinstance(value, np.generic):
        if isinstance(value, np.bool_):
            return bool(value), None
        if isinstance(value, np.integer):
            return int(value), None
        if isinstance(value, np.floating):
            return float(value), None
        if isinstance(value, np.datetime64):
            if np.isnat(value):
                return None, None
            try:
                return pd.Timestamp(value).to_pydatetime(), None
            except (OverflowError, ValueError):
                return None, cells._YEAR_PROBLEM
        if isinstance(value, np.str_):
            return str(value), None
    if isinstance(value, Decimal):
        if value.is_nan():  # NaN and sNaN: blank (an sNaN would signal on any comparison)
            return None, None
        if value.is_infinite():
            return None, "không phải số"
        if abs(value.adjusted()) > 18:
            return None, cells.TOO_BIG
        return (int(value) if value == value.to_integral_value() else float(value)), None
    return None, f"kiểu giá trị không dùng được ({type(value).__name__})"


def parse_rows(tab: Tab, rows: Sequence[dict[str, Any]], *, spreadsheet: str = "") -> ParsedTab:
    """Parse records offered for writing (keys: headers or attrs) with the same rules.

    Stricter than reading where a store could not keep the value exactly: text longer than
    ``cells.MAX_TEXT`` and values of no cell type are errors, in any column."""
    header = [c.name for c in tab.all_columns]
    grid: Grid = [list(header)]
    refused: list[Problem] = []
    for n, r in enumerate(rows):
        line: list[Cell] = []
        for c in tab.all_columns:
            value, issue = store_cell(r.get(c.attr, r.get(c.name)))
            if issue is None and isinstance(value, str) and len(value) > cells.MAX_TEXT:
                issue, value = cells.TOO_LONG, None
            if issue is not None:
                refused.append(Problem(ERROR, spreadsheet, tab.name, n + 2, c.name, "",
                                       f"Cột «{c.name}»: {issue}; dòng này không được ghi.", fix_for(c)))
            line.append(value)
        grid.append(line)
    parsed = parse_tab(tab, grid, spreadsheet=spreadsheet, first_row=1)
    if refused:
        bad = {p.row for p in refused}
        parsed.frame = parsed.frame[~parsed.frame["_row"].isin(bad)].reset_index(drop=True)
        parsed.problems = [*parsed.problems, *refused]
    return parsed
