"""Workbook templates for offline entry (SPEC section 5: "Templates carry drop-down lists").

One sheet per tab, the header row in bold and frozen, sensible widths, text columns
formatted as text (so Excel keeps "0912…" and "001"), date columns as dd/mm/yyyy, and a
drop-down on every enumeration and yes/no column. The drop-downs warn but accept other
typing, because the reader matches values leniently ("co" is "Có").

Excel's inline list formula is comma-separated and at most 255 characters, so lists whose
values contain a comma ("LĐLĐ huyện, thành phố") or that are long live in a hidden sheet
``_DanhMuc`` and the validation points at that range.

``XlsxStore`` uses ``style_tab`` too, so a tab it creates looks like a template.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sheets import schema as S
from sheets.clock import VN_TZ
from sheets.text import fold

LISTS_SHEET = "_DanhMuc"
VALIDATION_LAST_ROW = 1000
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm:ss"
TEXT_FORMAT = "@"
YESNO_VALUES = ("Có", "Không")
INLINE_LIMIT = 255  # Excel's limit on an inline list formula

HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")  # required columns stand out
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

# A text column with well-known values: offered as suggestions, any text accepted.
_SUGGESTIONS: dict[tuple[str, str], tuple[str, ...]] = {("KhenThuong", "form"): S.AWARD_FORMS}


# --- cells -------------------------------------------------------------------------
def set_cell(cell: Cell, value: Any) -> None:
    """Write one raw cell keeping its type; text is always text, never a formula."""
    if isinstance(value, str):
        # Control characters cannot be stored in an xlsx file at all.
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # "=HYPERLINK(...)" stays the literal text typed
        return
    if isinstance(value, bool) or value is None:
        cell.value = value
        return
    if isinstance(value, datetime):
        if value.tzinfo is not None:  # Excel has no zones; a naive time is Vietnam time
            value = value.astimezone(VN_TZ).replace(tzinfo=None)
        cell.value = value
        cell.number_format = DATETIME_FORMAT
        return
    if isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        return
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        cell.value = None if math.isnan(value) else str(value)
        return
    if isinstance(value, int | float):
        cell.value = value
        return
    try:  # numpy numbers and the like
        number = float(value)
    except (TypeError, ValueError):
        set_cell(cell, str(value))
        return
    cell.value = int(number) if number.is_integer() and not isinstance(value, float) else number


# --- styling -----------------------------------------------------------------------
def schema_tab(name: str) -> S.Tab | None:
    """The schema tab a sheet name stands for, matched as leniently as the reader does."""
    f = fold(name)
    for t in S.ALL_TABS:
        if fold(t.name) == f:
            return t
    return None


def _column_for(tab: S.Tab, header: object) -> S.Column | None:
    if header is None:
        return None
    f = fold(str(header))
    for c in tab.all_columns:
        if fold(c.name) == f:
            return c
    return None


def _choices(tab: S.Tab, column: S.Column) -> tuple[tuple[str, ...], bool] | None:
    """(values, strict) for a column's drop-down, or None when it has none."""
    if column.kind is S.Kind.YESNO:
        return YESNO_VALUES, True
    if column.kind is S.Kind.ENUM and column.enum:
        return column.enum, True
    suggestions = _SUGGESTIONS.get((tab.name, column.attr))
    if suggestions:
        return suggestions, False
    return None  # CHANNELS holds several values, so a one-value list would mislead


def _list_range(wb: Workbook, values: tuple[str, ...]) -> str:
    """A formula pointing at ``values`` in the hidden lists sheet, adding them once."""
    if LISTS_SHEET in wb.sheetnames:
        ws = wb[LISTS_SHEET]
    else:
        ws = wb.create_sheet(LISTS_SHEET)
        ws.sheet_state = "hidden"
    col = None
    for idx in range(1, ws.max_column + 1):
        existing = tuple(
            str(v) for (v,) in ws.iter_rows(min_row=1, max_row=len(values) + 1, min_col=idx,
                                            max_col=idx, values_only=True) if v is not None
        )
        if existing == values:
            col = idx
            break
    if col is None:
        col = 1 if ws.max_column == 1 and ws.cell(1, 1).value is None else ws.max_column + 1
        for r, v in enumerate(values, start=1):
            set_cell(ws.cell(r, col), v)
    letter = get_column_letter(col)
    return f"{quote_sheetname(LISTS_SHEET)}!${letter}$1:${letter}${len(values)}"


def _list_formula(wb: Workbook, values: tuple[str, ...]) -> str:
    inline = ",".join(values)
    if any("," in v or '"' in v for v in values) or len(inline) + 2 > INLINE_LIMIT:
        return _list_range(wb, values)
    return f'"{inline}"'


def add_validations(wb: Workbook, ws: Worksheet, tab: S.Tab, header: Sequence[object],
                    columns: Sequence[int] | None = None) -> None:
    """Drop-downs for the enumeration and yes/no columns among ``columns`` (0-based)."""
    for i in columns if columns is not None else range(len(header)):
        column = _column_for(tab, header[i])
        if column is None:
            continue
        choice = _choices(tab, column)
        if choice is None:
            continue
        values, strict = choice
        dv = DataValidation(type="list", formula1=_list_formula(wb, values), allow_blank=True,
                            showDropDown=False)  # False means "show the arrow" in Excel's terms
        dv.showErrorMessage = strict
        dv.errorStyle = "warning"  # warn, but let "co" or "Ca nhan" through: the reader accepts them
        # Excel rejects (and "repairs") titles over 32 and messages over 255 characters.
        dv.errorTitle = "Giá trị ngoài danh sách"
        dv.error = (f"«{column.name}» nên chọn trong danh sách: " + "; ".join(values))[:255]
        dv.promptTitle = column.name[:32]
        dv.prompt = ("Chọn trong danh sách." if strict else "Chọn hoặc gõ giá trị khác.")
        dv.showInputMessage = True
        letter = get_column_letter(i + 1)
        dv.add(f"{letter}2:{letter}{VALIDATION_LAST_ROW}")
        ws.add_data_validation(dv)


def _width(column: S.Column | None, header: str) -> float:
    longest = len(header)
    if column is not None and column.enum:
        longest = max(longest, *(len(v) for v in column.enum))
    if column is not None and column.kind in (S.Kind.DATE, S.Kind.DATETIME):
        longest = max(longest, 19 if column.kind is S.Kind.DATETIME else 10)
    return float(min(max(longest + 3, 10), 45))


def _column_format(column: S.Column) -> str | None:
    if column.kind is S.Kind.DATE:
        return DATE_FORMAT
    if column.kind is S.Kind.DATETIME:
        return DATETIME_FORMAT
    if column.kind in (S.Kind.CODE, S.Kind.TEXT, S.Kind.EMAIL, S.Kind.CHANNELS):
        return TEXT_FORMAT
    return None


def style_header(ws: Worksheet, tab: S.Tab | None, header: Sequence[object],
                 columns: Sequence[int] | None = None) -> None:
    """Bold header cells, widths, column formats and hints for ``columns`` (0-based)."""
    for i in columns if columns is not None else range(len(header)):
        if header[i] is None:
            continue
        cell = ws.cell(1, i + 1)
        column = _column_for(tab, header[i]) if tab else None
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if column is not None and column.required else HEADER_FILL
        letter = get_column_letter(i + 1)
        ws.column_dimensions[letter].width = _width(column, str(header[i]))
        if column is None:
            continue
        fmt = _column_format(column)
        if fmt:
            ws.column_dimensions[letter].number_format = fmt
        hint = column.hint or ("Bắt buộc." if column.required else "")
        if hint:
            cell.comment = Comment(hint, "TĐKT")


def style_tab(wb: Workbook, ws: Worksheet, header: Sequence[object], columns: Sequence[int] | None = None,
              *, freeze: bool = True) -> None:
    """Make a sheet look like a template: frozen bold header and, for a schema tab,
    formats and drop-downs. ``columns`` limits the work to new columns (0-based)."""
    tab = schema_tab(ws.title)
    if freeze:
        ws.freeze_panes = "A2"
    style_header(ws, tab, header, columns)
    if tab is not None:
        add_validations(wb, ws, tab, header, columns)


# --- templates ---------------------------------------------------------------------
SYSTEM_ATTRS = ("stamp", "author", "write_id")  # stamped by the write door, never typed


def entry_headers(tab: S.Tab) -> list[str]:
    """The columns a person fills: every column but the three the app stamps (Cập nhật lúc,
    Người cập nhật, Mã lần ghi); the door adds those at the end of the header when it writes."""
    return [c.name for c in tab.all_columns if c.attr not in SYSTEM_ATTRS]


def template_workbook(tabs: Sequence[S.Tab] | None = None, *, include_config: bool = False,
                      rows: Mapping[str, Sequence[Sequence[Any]]] | None = None) -> Workbook:
    """A workbook with one styled sheet per tab, headed by ``entry_headers``. ``rows`` maps a
    tab name to data rows laid out in ``tab.headers`` order (no header row): with rows, the
    system columns are kept, since the rows carry them."""
    if tabs is None:
        tabs = (S.CONFIG_TABS + S.DATA_TABS) if include_config else S.DATA_TABS
    wb = Workbook()
    default = wb.active
    for t in tabs:
        ws = wb.create_sheet(t.name)
        header = t.headers if rows and t.name in rows else entry_headers(t)
        for i, h in enumerate(header, start=1):
            set_cell(ws.cell(1, i), h)
        for r, line in enumerate((rows or {}).get(t.name, ()), start=2):
            for c, value in enumerate(line, start=1):
                set_cell(ws.cell(r, c), value)
        style_tab(wb, ws, header)
    if default is not None and len(wb.sheetnames) > 1:
        wb.remove(default)
    lists_last(wb)
    wb.active = 0
    return wb


def lists_last(wb: Workbook) -> None:
    """Keep the hidden lists sheet last, out of the way of people and of sheet order."""
    if LISTS_SHEET in wb.sheetnames:
        wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS_SHEET))


def write_template(path: str | Path, tabs: Sequence[S.Tab] | None = None, *, include_config: bool = False,
                   rows: Mapping[str, Sequence[Sequence[Any]]] | None = None) -> Path:
    """Write a template workbook to ``path`` (atomically) and return the path.

    ``tabs`` defaults to every data tab, plus the configuration tabs with ``include_config``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = template_workbook(tabs, include_config=include_config, rows=rows)
    save_atomically(wb, path)
    return path


def template_workbook_bytes(tab_name: str) -> bytes:
    """A one-tab template as .xlsx bytes, for a download button."""
    tab = schema_tab(tab_name)
    if tab is None:
        raise KeyError(f"Không có trang «{tab_name}» trong mẫu dữ liệu.")
    buffer = io.BytesIO()
    template_workbook([tab]).save(buffer)
    return buffer.getvalue()


def save_atomically(wb: Workbook, path: Path) -> None:
    """Save beside the target, then rename: a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        wb.save(tmp)
        # mkstemp makes a private file; keep the mode the workbook had (or the usual one)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:  # not via os.umask(), which would race with other threads
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
