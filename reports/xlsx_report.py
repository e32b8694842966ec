"""A report as an .xlsx workbook: the same tables as the .docx, one table per sheet, and the
annex workbook with the full lists behind each missed figure.

Numbers stay numbers (percents unrounded, shown with one decimal and a comma), dates are dates,
years have no thousands separator, text that begins like a formula is neutralised (SPEC 5) and
control characters are dropped. Every sheet has its header row frozen, thin borders, and an A4
print set-up (fit to the page width, the header row repeated on every printed page).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicators.fmt import day
from reports.admin_layout import NBSP, clean
from reports.build import Cell, Fmt, Report, Table
from reports.export import neutralise

INFO_SHEET = "Thông tin"
FONT_NAME = "Times New Roman"
BOLD = Font(name=FONT_NAME, bold=True)
TITLE = Font(name=FONT_NAME, bold=True, size=12)
PLAIN = Font(name=FONT_NAME)
NOTE = Font(name=FONT_NAME, italic=True, size=10)
HEAD_FILL = PatternFill("solid", fgColor="E7E6E6")
WRAP = Alignment(vertical="top", wrap_text=True)
HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# [$-42A]: the format's language is Vietnamese, so a spreadsheet that honours it (LibreOffice)
# shows 87,5 and 1.234 whatever the computer's own setting
VI = "[$-42A]"
NUMBER_FORMATS: dict[str, str] = {"int": f"{VI}#,##0", "pct": f"{VI}0.0", "date": "DD/MM/YYYY", "year": "0"}
HEADER_ROW = 3  # title on row 1, header on row 3: frozen below it, repeated when printed
MAX_CELL = 32_767


def _value(value: Cell) -> Cell:
    if isinstance(value, str):
        return neutralise(clean(value).replace(NBSP, " ")[:MAX_CELL])  # type: ignore[no-any-return]
    return value


def _write(ws: Worksheet, row: int, col: int, value: Cell, *, fmt: Fmt | str = "text", font: Font = PLAIN,
           fill: PatternFill | None = None, box: bool = False, align: Alignment | None = WRAP) -> None:
    c = ws.cell(row=row, column=col)
    v = _value(value)
    c.value = v
    if isinstance(v, str):
        c.data_type = "s"  # never a formula, whatever the text
    elif v is not None and fmt in NUMBER_FORMATS:
        c.number_format = NUMBER_FORMATS[fmt]
    elif isinstance(v, date):
        c.number_format = NUMBER_FORMATS["date"]
    c.font = font
    if align is not None:
        c.alignment = align
    if fill is not None:
        c.fill = fill
    if box:
        c.border = BOX


def _shown(value: Cell) -> str:
    if isinstance(value, date):
        return day(value)
    if isinstance(value, float):
        return f"{value:.1f}"
    return "" if value is None else str(value)


def _print_setup(ws: Worksheet, ncols: int, widths: Sequence[float]) -> None:
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sum(widths) > 95 else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages as the rows need, one page wide
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Trang &P/&N"


def _table_sheet(ws: Worksheet, t: Table) -> None:
    """One table on its own sheet: title, header (row 3), rows, the total bold, the note below."""
    _write(ws, 1, 1, t.title, font=TITLE, align=None)
    widths = [min(40.0, max(len(name) * 0.9, 6.0) + 2) for name in t.columns]
    for c, name in enumerate(t.columns, start=1):
        _write(ws, HEADER_ROW, c, name, font=BOLD, fill=HEAD_FILL, box=True, align=HEAD_ALIGN)
    row = HEADER_ROW + 1
    for k, r in enumerate(t.rows):
        font = BOLD if t.total and k == len(t.rows) - 1 else PLAIN
        for c, (value, f) in enumerate(zip(r, t.formats, strict=True), start=1):
            _write(ws, row, c, value, fmt=f, font=font, box=True)
            widths[c - 1] = max(widths[c - 1], min(60.0, len(_shown(value)) + 2))
        row += 1
    if t.note:
        _write(ws, row + 1, 1, t.note, font=NOTE, align=None)
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    _print_setup(ws, len(t.columns), widths)


def _sheet_name(title: str, n: int, used: set[str]) -> str:
    title = " ".join(clean(title).split())
    prefix = title.split(". ", 1)[0]
    head = prefix if ". " in title and len(prefix) <= 12 else title  # «Bảng 3», «T4»
    bad = '[]:*?/\\'
    name = "".join("_" if ch in bad else ch for ch in head)[:31].strip("' ") or f"Bảng {n}"
    while name in used:
        name = f"{name[:26]} ({n})"
    used.add(name)
    return name


def _info(ws: Worksheet, rep: Report, tables: Sequence[tuple[str, Table]]) -> None:
    rows: list[tuple[str, Cell, str]] = [
        ("Đơn vị", rep.unit_name, "text"),
        ("Mã đơn vị", rep.unit, "text"),
        ("Năm", rep.year, "year"),
        ("Kỳ báo cáo", rep.period, "text"),
        ("Số liệu của năm tính đến ngày (E)", rep.end, "date"),
        ("Khen thưởng theo quyết định đến ngày (A)", rep.as_of, "date"),
        ("Ngày lập", rep.issued, "date"),
        ("Số, ký hiệu", rep.doc_number, "text"),
        ("Lỗi dữ liệu khi đọc", rep.problems.get("error", 0), "int"),
        ("Cảnh báo dữ liệu khi đọc", rep.problems.get("warning", 0), "int"),
    ]
    _write(ws, 1, 1, f"{rep.title} {rep.subtitle}", font=TITLE, align=None)
    _write(ws, HEADER_ROW, 1, "Nội dung", font=BOLD, fill=HEAD_FILL, box=True, align=HEAD_ALIGN)
    _write(ws, HEADER_ROW, 2, "Giá trị", font=BOLD, fill=HEAD_FILL, box=True, align=HEAD_ALIGN)
    k = HEADER_ROW + 1
    for label, value, fmt in rows:
        _write(ws, k, 1, label, font=BOLD, box=True)
        _write(ws, k, 2, value, fmt=fmt, box=True, align=Alignment(horizontal="left", vertical="top"))
        k += 1
    if not rep.has_data:
        _write(ws, k + 1, 1, rep.intro, font=NOTE, align=None)
        k += 2
    k += 1
    for sheet, t in tables:
        _write(ws, k, 1, sheet, box=True)
        _write(ws, k, 2, t.title, box=True)
        k += 1
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 70
    _print_setup(ws, 2, [40, 70])


def _workbook(rep: Report, tables: Sequence[Table]) -> bytes:
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = INFO_SHEET
    used = {INFO_SHEET}
    named = [(_sheet_name(t.title, n, used), t) for n, t in enumerate(tables, start=1)]
    _info(info, rep, named)
    for name, t in named:
        _table_sheet(wb.create_sheet(name), t)
    wb.properties.title = clean(f"{rep.title} {rep.subtitle}".replace(NBSP, " "))
    wb.properties.creator = wb.properties.lastModifiedBy = rep.unit_name
    wb.properties.language = "vi-VN"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_xlsx(report: Report) -> bytes:
    """The report's tables as .xlsx bytes, one table per sheet (sheet «Bảng n» is table n)."""
    return _workbook(report, report.tables())


def to_annex_xlsx(report: Report) -> bytes:
    """The annex workbook: the full list behind each missed figure (names of units, people,
    reports), never a phone number or an e-mail; kept with the unit, not sent in the report."""
    return _workbook(report, report.annex)
