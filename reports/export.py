"""Tables downloaded by people, as .xlsx or .csv (SPEC 5).

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
prefixed with an apostrophe, so a spreadsheet program shows it as text and runs nothing.
Numbers, dates and booleans are written as they are. Pure: bytes in memory, no Streamlit.
Store-to-store copies do not come through here; they stay exact.
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime, time
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
MAX_WIDTH = 60
_ILLEGAL = {i for i in range(32)} - {9, 10, 13}  # control characters openpyxl refuses


def neutralise(value: Any) -> Any:
    """A text starting like a formula gets a leading apostrophe; anything else is unchanged."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    """A cell value openpyxl can write: None for blanks, Python scalars, safe text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
        if value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        return value.date() if value.time() == time(0) else value
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, np.bool_ | bool):
        return "Có" if bool(value) else "Không"
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, list | tuple | set | frozenset):
        value = ", ".join(str(v) for v in value)
    if not isinstance(value, int | float | date | datetime | str):
        value = str(value)
    if isinstance(value, str):
        if any(ord(ch) in _ILLEGAL for ch in value):
            value = "".join(ch for ch in value if ord(ch) not in _ILLEGAL)
        return neutralise(value)
    return value


def _width(values: list[Any], header: str) -> float:
    longest = max([len(header)] + [len(str(v)) if not isinstance(v, date) else 10 for v in values[:500] if v is not None])
    return float(min(MAX_WIDTH, longest + 2))


def to_xlsx_bytes(df: pd.DataFrame, sheet_name: str = "Dữ liệu") -> bytes:
    """One sheet: a bold, frozen header row, then the rows; dates as dd/mm/yyyy."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_sheet_title(sheet_name))
    headers = [str(neutralise(str(c))) for c in df.columns]
    columns = [[_plain(v) for v in df.iloc[:, i].tolist()] for i in range(df.shape[1])]
    for i, (h, vals) in enumerate(zip(headers, columns, strict=True), start=1):
        ws.column_dimensions[get_column_letter(i)].width = _width(vals, h)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(vertical="top", wrap_text=True)
    head = []
    for h in headers:
        c = WriteOnlyCell(ws, value=h)
        c.font, c.fill, c.alignment = bold, fill, wrap
        head.append(c)
    ws.append(head)
    for r in range(len(df)):
        row = []
        for vals in columns:
            v = vals[r]
            if isinstance(v, datetime):
                c = WriteOnlyCell(ws, value=v)
                c.number_format = DATETIME_FORMAT
                row.append(c)
            elif isinstance(v, date):
                c = WriteOnlyCell(ws, value=v)
                c.number_format = DATE_FORMAT
                row.append(c)
            elif isinstance(v, str):
                c = WriteOnlyCell(ws, value=v)
                c.data_type = "s"  # never a formula, whatever the text
                row.append(c)
            else:
                row.append(v)
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv_cell(value: Any) -> Any:
    v = _plain(value)
    if isinstance(v, datetime):
        return v.strftime("%d/%m/%Y %H:%M")
    if isinstance(v, date):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark (Excel opens Vietnamese text correctly), dates dd/mm/yyyy."""
    body = pd.DataFrame([[_csv_cell(v) for v in df.iloc[:, i].tolist()] for i in range(df.shape[1])]).T
    body.columns = [str(neutralise(str(c))) for c in df.columns] if df.shape[1] else body.columns
    return body.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")  # CR and LF in cells get quoted


def _sheet_title(name: str) -> str:
    bad = '[]:*?/\\'
    title = "".join("_" if ch in bad else ch for ch in str(name)).strip("'") or "Dữ liệu"
    return title[:31]
