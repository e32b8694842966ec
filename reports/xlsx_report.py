"""A report as an .xlsx workbook: the same tables as the .docx, one sheet per section.

Numbers stay numbers (percents unrounded, shown with one decimal), dates are dates, and text
that begins like a formula is neutralised (SPEC 5) — this file is meant for people.
"""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicators.fmt import day
from reports.build import Cell, Fmt, Report, Section, Table
from reports.export import neutralise

INFO_SHEET = "Thông tin"
BOLD = Font(name="Times New Roman", bold=True)
TITLE = Font(name="Times New Roman", bold=True, size=12)
PLAIN = Font(name="Times New Roman")
HEAD_FILL = PatternFill("solid", fgColor="E7E6E6")
WRAP = Alignment(vertical="top", wrap_text=True)
NUMBER_FORMATS: dict[str, str] = {"int": "#,##0", "pct": "0.0", "date": "DD/MM/YYYY"}


def _value(value: Cell, fmt: Fmt) -> Cell:
    if isinstance(value, str):
        return neutralise(value)  # type: ignore[no-any-return]
    return value


def _write(ws: Worksheet, row: int, col: int, value: Cell, *, fmt: Fmt = "text", font: Font = PLAIN,
           fill: PatternFill | None = None) -> None:
    c = ws.cell(row=row, column=col)
    v = _value(value, fmt)
    c.value = v
    if isinstance(v, str):
        c.data_type = "s"  # never a formula, whatever the text
    elif v is not None and fmt in NUMBER_FORMATS:
        c.number_format = NUMBER_FORMATS[fmt]
    elif isinstance(v, date):
        c.number_format = NUMBER_FORMATS["date"]
    c.font = font
    if font is not TITLE:
        c.alignment = WRAP
    if fill is not None:
        c.fill = fill


def _table(ws: Worksheet, row: int, t: Table, widths: dict[int, float]) -> int:
    """Write one table from ``row``; return the next free row."""
    _write(ws, row, 1, t.title, font=TITLE)
    row += 1
    for c, name in enumerate(t.columns, start=1):
        _write(ws, row, c, name, font=BOLD, fill=HEAD_FILL)
        widths[c] = max(widths.get(c, 0), min(40.0, len(name) + 2))
    row += 1
    for k, r in enumerate(t.rows):
        font = BOLD if t.total and k == len(t.rows) - 1 else PLAIN
        for c, (value, f) in enumerate(zip(r, t.formats, strict=True), start=1):
            _write(ws, row, c, value, fmt=f, font=font)
            shown = day(value) if isinstance(value, date) else str(value if value is not None else "")
            widths[c] = max(widths.get(c, 0), min(60.0, len(shown) + 2))
        row += 1
    if t.note:
        _write(ws, row, 1, t.note)
        row += 1
    return row + 1


def _sheet_name(s: Section, n: int) -> str:
    head = s.short or s.heading
    bad = '[]:*?/\\'
    name = "".join("_" if ch in bad else ch for ch in head)
    return name[:31] or f"Bảng {n}"


def _info(ws: Worksheet, rep: Report) -> None:
    rows: list[tuple[str, Cell, Fmt]] = [
        ("Đơn vị", rep.unit_name, "text"),
        ("Mã đơn vị", rep.unit, "text"),
        ("Năm", rep.year, "int"),
        ("Kỳ báo cáo", rep.period, "text"),
        ("Tính đến ngày (A)", rep.as_of, "date"),
        ("Số liệu đến ngày (E)", rep.end, "date"),
        ("Ngày lập", rep.issued, "date"),
        ("Số, ký hiệu", rep.doc_number, "text"),
        ("Lỗi dữ liệu khi đọc", rep.problems.get("error", 0), "int"),
        ("Cảnh báo dữ liệu khi đọc", rep.problems.get("warning", 0), "int"),
    ]
    _write(ws, 1, 1, f"{rep.title} {rep.subtitle}", font=TITLE)
    for k, (label, value, fmt) in enumerate(rows, start=3):
        _write(ws, k, 1, label, font=BOLD)
        _write(ws, k, 2, value, fmt=fmt)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 60


def to_xlsx(report: Report) -> bytes:
    """The report's tables as .xlsx bytes."""
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = INFO_SHEET
    _info(info, report)
    used: set[str] = {INFO_SHEET}
    for n, s in enumerate((*report.sections, *report.appendix), start=1):
        tables = [b for b in s.blocks if isinstance(b, Table)]
        if not tables:
            continue
        name = _sheet_name(s, n)
        while name in used:
            name = name[:28] + f" {n}"
        used.add(name)
        ws = wb.create_sheet(name)
        _write(ws, 1, 1, s.heading, font=TITLE)
        row = 3
        widths: dict[int, float] = {}
        for t in tables:
            row = _table(ws, row, t, widths)
        for c, w in widths.items():
            ws.column_dimensions[get_column_letter(c)].width = w
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
