"""Raw grids -> typed frames plus a list of located problems (SPEC 3.1, 3.3)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

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


def _cache_key(v: Cell) -> tuple[str, Any]:
    return (type(v).__name__, v)


def _shown(v: Cell) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


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


def _parse_column(col: Column, raw: Sequence[Cell]) -> tuple[list[Any], list[tuple[int, str]]]:
    """Values of one column, and (row position, issue) for the cells that have one.

    Each distinct cell is parsed once: columns repeat codes, enums and dates."""
    parse = _parser(col)
    # text and blanks key themselves; other types carry their type (1, 1.0 and True differ)
    keys: Sequence[Any] = raw
    if not set(map(type, raw)) <= {str, _NONE_TYPE}:
        keys = [v if v is None or v.__class__ is str else _cache_key(v) for v in raw]
    required = col.required and col.kind is not Kind.YESNO
    value_of: dict[Any, Any] = {}
    issue_of: dict[Any, str] = {}
    for key, v in zip(keys, raw, strict=True):
        if key in value_of:
            continue
        value, issue = parse(v)
        value_of[key] = value
        if issue is None and required and value is None:
            issue = "bỏ trống cột bắt buộc"
        if issue is not None:
            issue_of[key] = issue
    values = list(map(value_of.__getitem__, keys))
    issues = [(n, issue_of[k]) for n, k in enumerate(keys) if k in issue_of] if issue_of else []
    return values, issues


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
    keep = [i for i, r in enumerate(rows) if _has_data(r)]  # blank rows are skipped
    width = max(positions.values()) + 1
    # one transposition in C instead of a pass per column (short rows are padded first)
    by_column = list(zip(*(r if len(r) >= width else [*r, *([None] * (width - len(r)))]
                           for r in (rows[i] for i in keep)), strict=False)) if keep else []
    data: dict[str, list[Any]] = {}
    row_bad = [False] * len(keep)
    for col in tab.all_columns:
        if col.attr not in positions:
            data[col.attr] = [False if col.kind is Kind.YESNO else None] * len(keep)
            continue
        raw: Sequence[Cell] = by_column[positions[col.attr]] if keep else ()
        values, issues = _parse_column(col, raw)
        required_bad = col.required and col.kind is not Kind.YESNO
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


def parse_rows(tab: Tab, rows: Sequence[dict[str, Any]], *, spreadsheet: str = "") -> ParsedTab:
    """Parse records offered for writing (keys: headers or attrs) with the same rules."""
    header = [c.name for c in tab.all_columns]
    grid: Grid = [list(header)]
    for r in rows:
        line: list[Cell] = []
        for c in tab.all_columns:
            line.append(r.get(c.attr, r.get(c.name)))
        grid.append(line)
    return parse_tab(tab, grid, spreadsheet=spreadsheet, first_row=1)
