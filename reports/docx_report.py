"""A report as a .docx in the Vietnamese administrative form (Nghị định 30/2020/NĐ-CP).

A4, margins 20/20/30/15 mm, Times New Roman (East Asian font set too), 14 pt body; the header
block and the signature block are borderless two-column tables; placeholders where a person
must write are italic and highlighted; page numbers from page 2, centred at the top.
"""

from __future__ import annotations

import copy
import functools
import io
import struct
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import _Cell

from indicators.fmt import day, num
from reports import admin_layout as L
from reports import charts
from reports.build import Cell, Chart, Fmt, Para, Report, Section, Table

FONT = L.FONT
BODY_PT = L.BODY_PT
TABLE_PT = 12
PAGE_WIDTH_CM = L.PAGE_WIDTH_CM
KEEP_ROWS = 6  # a table up to this many rows is kept on one page; longer ones repeat their header
SHORT_CHARS = 16  # a value this short never wraps in its cell ("Chưa đạt", "15/01/2026", "CĐCS khác")


# --- low-level helpers (the shared ones live in reports.admin_layout) ---------------------------

_run, _para, _cell_para = L.run, L.para, L.cell_para
_tidy, _widths = L.tidy, L.widths


def _shade(cell: _Cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _no_split(row_el: Any) -> None:
    """A row stays on one page."""
    cant = OxmlElement("w:cantSplit")
    cant.set(qn("w:val"), "true")
    row_el.get_or_add_trPr().append(cant)


def _repeat_header(row_el: object) -> None:
    trpr = row_el.get_or_add_trPr()  # type: ignore[attr-defined]
    h = OxmlElement("w:tblHeader")
    h.set(qn("w:val"), "true")
    trpr.append(h)


# --- blocks ------------------------------------------------------------------------------------


def cell_text(value: Cell, fmt: Fmt) -> str:
    """How a value is written in a table cell (also what tests read back)."""
    if value is None:
        return "" if fmt in ("text", "int") else "—"
    if fmt == "pct":
        return num(float(value), 1)  # type: ignore[arg-type]
    if fmt == "int":
        return num(int(value))  # type: ignore[arg-type]
    if fmt == "date":
        return day(value)  # type: ignore[arg-type]
    return str(value)


CHAR_CM = 0.24  # average width of a 12 pt Times New Roman character, when no font file is found
PAD_CM = 0.5  # cell margins (2 × 0.19 cm) and air for the renderer's rounding


def _text_cm(text: str, size: float = TABLE_PT, bold: bool = False) -> float:
    return L.text_cm(text, size, bold)


LAYOUT_STEP_CM = 0.2
LAYOUT_ROWS = 240  # longer tables are laid out on an even sample of their rows


def _wrapped_lines(words: Sequence[float], space: float, width: float) -> int:
    """Lines a cell takes when its words (their widths) wrap greedily at ``width``."""
    lines, used = 1, 0.0
    for w in words:
        if used and used + space + w > width:
            lines, used = lines + 1, w
        else:
            used = used + space + w if used else w
    return lines


def _col_widths(t: Table) -> list[float]:
    """Automatic table layout: every column gets its longest word; the rest of the page width
    goes, a step at a time, to the column where it saves the most printed lines (a row is as
    tall as its tallest cell); width no line needs goes to the text columns."""
    header = [(name, True) for name in t.columns]
    step = max(1, len(t.rows) // LAYOUT_ROWS)
    body = [
        [(cell_text(r[i], f), bool(t.total and k == len(t.rows) - 1)) for i, f in enumerate(t.formats)]
        for k, r in enumerate(t.rows) if k % step == 0 or k == len(t.rows) - 1
    ]
    rows = [header, *body]
    space = _text_cm(" ")
    # a short value is one unbreakable word: its column is at least as wide as the whole value
    # (headers may wrap: "Số / đạt" is fine, a value on two lines is not)
    words = [[[_text_cm(w, bold=b) for w in ([text] if k and len(text) <= SHORT_CHARS else text.split())]
              for text, b in row] for k, row in enumerate(rows)]
    ncol = len(t.columns)
    lo = [max([max(ws, default=0.0) for ws in (row[i] for row in words)] + [0.6]) + PAD_CM for i in range(ncol)]
    if sum(lo) >= PAGE_WIDTH_CM:
        return [w * PAGE_WIDTH_CM / sum(lo) for w in lo]
    steps = int((PAGE_WIDTH_CM - sum(lo)) / LAYOUT_STEP_CM)
    nrow = len(rows)
    # lines of every cell at every width a column can get: lo, lo + one step, ...
    table: list[list[list[int]]] = []
    for i in range(ncol):
        at_lo = [_wrapped_lines(row[i], space, lo[i] - PAD_CM) for row in words]
        if max(at_lo) == 1:
            table.append([at_lo])  # never wraps: no need to widen it
            continue
        table.append([at_lo] + [[_wrapped_lines(row[i], space, lo[i] + k * LAYOUT_STEP_CM - PAD_CM)
                                 for row in words] for k in range(1, steps + 1)])
    given = [0] * ncol
    while sum(given) < steps:
        cur = [table[i][given[i]] for i in range(ncol)]
        height = sum(max(col[r] for col in cur) for r in range(nrow))
        best: tuple[float, int, int] | None = None  # (score a step, column, steps)
        for i in range(ncol):
            others = [max([cur[j][r] for j in range(ncol) if j != i] + [1]) for r in range(nrow)]
            for extra in range(1, min(len(table[i]) - 1 - given[i], steps - sum(given)) + 1):
                trial = table[i][given[i] + extra]
                # rows saved first; else the column's own lines (a row lowers only when every
                # tall cell in it does, so columns that wrap together are widened one by one)
                saved = (height - sum(max(a, b) for a, b in zip(trial, others, strict=True))) * nrow * 100
                saved += sum(cur[i]) - sum(trial)
                if saved > 0:
                    if best is None or saved / extra > best[0]:
                        best = (saved / extra, i, extra)
                    break  # the first width that saves lines
        if best is None:
            break
        given[best[1]] += best[2]
    widths = [w + k * LAYOUT_STEP_CM for w, k in zip(lo, given, strict=True)]
    room = PAGE_WIDTH_CM - sum(widths)
    text_cols = [i for i, f in enumerate(t.formats) if f == "text"] or list(range(ncol))
    share = sum(widths[i] for i in text_cols)
    return [w + (room * w / share if i in text_cols else 0.0) for i, w in enumerate(widths)]


@functools.cache
def _scratch() -> Any:
    return Document()


@functools.cache
def _template(text_size: float, bold: bool, align: int, keep: bool) -> Any:
    """A cell paragraph made once with python-docx, then copied per cell (a hundred times faster)."""
    scratch = _scratch().add_table(rows=1, cols=1).cell(0, 0)
    p = _cell_para(scratch, "x", size=text_size, bold=bold, align=align, before=1, after=1)
    if keep:
        p.paragraph_format.keep_with_next = True
    return p._p


def _fill(tc: Any, tpl: Any, text: str) -> None:
    p = copy.deepcopy(tpl)
    t = p.find(f"{_W_R}/{_W_T}")
    t.text = L.clean(text)
    t.set(qn("xml:space"), "preserve")
    old = tc.find(_W_P)
    tc.replace(old, p)


_W_P, _W_R, _W_T = qn("w:p"), qn("w:r"), qn("w:t")


def _table(doc: DocumentObject, t: Table, *, title: bool = True) -> None:
    if title:
        _para(doc, t.title, size=13, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=4,
              keep_next=True)
    table = doc.add_table(rows=1 + len(t.rows), cols=len(t.columns))
    table._tbl.tblPr.style = _grid_style_id()  # python-docx looks the style up by name each time
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = _col_widths(t)
    table.autofit = False
    tblw = table._tbl.tblPr.find(qn("w:tblW"))
    if tblw is not None:
        tblw.set(qn("w:type"), "dxa")
        tblw.set(qn("w:w"), str(int(Cm(sum(widths)).twips)))
    for gc, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=False):
        gc.set(qn("w:w"), str(int(Cm(w).twips)))
    hdr = table.rows[0]
    _repeat_header(hdr._tr)
    for c, name in enumerate(t.columns):
        cell = hdr.cells[c]
        cell.width = Cm(widths[c])
        _shade(cell, "E7E6E6")
        p = _cell_para(cell, name, size=TABLE_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=2, after=2)
        p.paragraph_format.keep_with_next = True
    aligns = [WD_ALIGN_PARAGRAPH.LEFT if f == "text" and name not in ("Mã", "Đánh giá") else WD_ALIGN_PARAGRAPH.CENTER
              for name, f in zip(t.columns, t.formats, strict=True)]
    keep_all = len(t.rows) <= KEEP_ROWS  # small tables never leave "Tổng cộng" alone on the next page
    twips = [str(int(Cm(w).twips)) for w in widths]
    trs = table._tbl.tr_lst[1:]
    for r, (row, tr) in enumerate(zip(t.rows, trs, strict=True), start=1):
        _no_split(tr)
        bold = bool(t.total and r == len(t.rows))
        # the first row stays with the header, the total with a row above
        keep = (keep_all and r < len(t.rows)) or r == 1 or r == len(t.rows) - 1
        for value, f, tc, align, tw in zip(row, t.formats, tr.tc_lst, aligns, twips, strict=True):
            tcw = tc.get_or_add_tcPr().get_or_add_tcW()
            tcw.set(qn("w:w"), tw)
            tcw.set(qn("w:type"), "dxa")
            _fill(tc, _template(TABLE_PT, bold, int(align), keep), cell_text(value, f))
    _tidy(table)
    if t.note:
        _para(doc, t.note, size=11, italic=True, after=2)
    _para(doc, "", after=2)


@functools.cache
def _grid_style_id() -> str:
    """The id of "Table Grid" (every report starts from python-docx's default template)."""
    return str(_scratch().styles["Table Grid"].style_id)


def _png_size(png: bytes) -> tuple[int, int]:
    w, h = struct.unpack(">II", png[16:24])
    return int(w), int(h)


def _chart(doc: DocumentObject, c: Chart) -> None:
    png = charts.to_png(c)
    w, h = _png_size(png)
    width_cm = 15.0
    height_cm = width_cm * h / w
    p = _para(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER, after=4)
    run = p.add_run()
    if height_cm > 20.0:
        run.add_picture(io.BytesIO(png), height=Cm(20.0))
    else:
        run.add_picture(io.BytesIO(png), width=Cm(width_cm))


def _section(doc: DocumentObject, s: Section, *, charts_on: bool, keep: bool = False) -> None:
    """Lay out a section; ``keep`` holds its text together with what follows (the signature)."""
    if s.level == 1:
        _para(doc, s.heading, bold=True, indent=True, before=6, keep_next=True)
    else:
        _para(doc, s.heading, size=13, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=8, keep_next=True)
    for b in s.blocks:
        if isinstance(b, Para):
            if b.style == "heading":
                _para(doc, b.text, bold=True, indent=True, before=4, keep_next=True)
            elif b.style == "placeholder":
                _para(doc, b.text, italic=True, indent=True, highlight=True, keep_next=keep)
            elif b.style == "note":
                _para(doc, b.text, size=13, italic=True, indent=True, keep_next=keep)
            else:
                _para(doc, b.text, indent=True, keep_next=keep)
        elif isinstance(b, Table):
            _table(doc, b, title=b.title != s.heading)
        elif isinstance(b, Chart) and charts_on:
            _chart(doc, b)


# --- the document ------------------------------------------------------------------------------


def _appendix(doc: DocumentObject, rep: Report) -> None:
    if not rep.appendix:
        return
    p = _para(doc, "", after=0)
    p.add_run().add_break(WD_BREAK.PAGE)
    _para(doc, "PHỤ LỤC", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, keep_next=True)
    _para(doc, f"(Kèm theo Báo cáo số       /{rep.doc_symbol} {long_issued(rep)} của {rep.unit_name})", size=13,
          italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=8, keep_next=True)
    for s in rep.appendix:
        _section(doc, s, charts_on=False)


def long_issued(rep: Report) -> str:
    return L.long_date(rep.issued)


def to_docx(report: Report, *, charts_on: bool = True) -> bytes:
    """The report as .docx bytes."""
    doc = Document()
    L.setup(doc, title=f"{report.title} {report.subtitle}".replace(L.NBSP, " "), author=report.unit_name,
            today=report.issued, subject="Báo cáo thi đua, khen thưởng")
    L.page_numbers(doc)
    L.letterhead(doc, report.letterhead)
    L.title(doc, report.title, report.subtitle)
    _para(doc, report.intro, indent=True)
    for n, s in enumerate(report.sections, start=1):
        # ND 30: the signature never stands alone on a page; the last section goes with it
        _section(doc, s, charts_on=charts_on, keep=n == len(report.sections))
    _para(doc, "", after=0, keep_next=True)
    L.signature(doc, report.signer_block, report.recipients)
    _appendix(doc, report)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
