"""A report as a .docx in the Vietnamese administrative form (Nghị định 30/2020/NĐ-CP).

A4, margins 20/20/30/15 mm, Times New Roman (East Asian font set too), 14 pt body; the header
block and the signature block are borderless two-column tables; placeholders where a person
must write are italic and highlighted; page numbers from page 2, centred at the top.
"""

from __future__ import annotations

import functools
import io
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from components.fmt import day, num
from reports import charts
from reports.build import Cell, Chart, Fmt, Para, Report, Section, Table

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
PAGE_WIDTH_CM = 21.0 - 3.0 - 1.5  # A4 minus left and right margins
FIRST_LINE_CM = 1.0


# --- low-level helpers -----------------------------------------------------------------------


def _fonts(element: Any) -> None:
    """Times New Roman for every script, East Asian included (w:rFonts w:eastAsia)."""
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FONT)


def _run(p: Paragraph, text: str, *, size: float = BODY_PT, bold: bool = False, italic: bool = False,
         underline: bool = False, highlight: bool = False) -> Run:
    r = p.add_run(text)
    _fonts(r._element)
    r.font.size = Pt(size)
    if bold:
        r.font.bold = True
    if italic:
        r.font.italic = True
    if underline:
        r.font.underline = True
    if highlight:
        r.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return r


def _para(container: DocumentObject | _Cell, text: str = "", *, size: float = BODY_PT, bold: bool = False,
          italic: bool = False, align: int | None = WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = False,
          before: float = 0, after: float = 6, highlight: bool = False, keep_next: bool = False) -> Paragraph:
    p = container.add_paragraph()
    if text:
        _run(p, text, size=size, bold=bold, italic=italic, highlight=highlight)
    pf = p.paragraph_format
    pf.alignment = align  # type: ignore[assignment]
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    pf.line_spacing = 1.15
    if indent:
        pf.first_line_indent = Cm(FIRST_LINE_CM)
    if keep_next:
        pf.keep_with_next = True
    return p


def _cell_para(cell: _Cell, text: str, **kw: object) -> Paragraph:
    """Write into a cell: reuse its first empty paragraph, then add more."""
    first = cell.paragraphs[0]
    if not first.text and not first.runs and not getattr(cell, "_used", False):
        cell._used = True  # type: ignore[attr-defined]
        p = first
        if text:
            _run(p, text, size=kw.get("size", BODY_PT), bold=bool(kw.get("bold")),  # type: ignore[arg-type]
                 italic=bool(kw.get("italic")), highlight=bool(kw.get("highlight")))
        pf = p.paragraph_format
        pf.alignment = kw.get("align", WD_ALIGN_PARAGRAPH.CENTER)  # type: ignore[assignment]
        pf.space_before = Pt(float(kw.get("before", 0)))  # type: ignore[arg-type]
        pf.space_after = Pt(float(kw.get("after", 0)))  # type: ignore[arg-type]
        pf.line_spacing = 1.0
        return p
    kw.setdefault("align", WD_ALIGN_PARAGRAPH.CENTER)
    kw.setdefault("after", 0)
    p = _para(cell, text, **kw)  # type: ignore[arg-type]
    p.paragraph_format.line_spacing = 1.0
    return p


def _bottom_rule(p: Paragraph, *, left_cm: float, right_cm: float, space_pt: int = 1) -> None:
    """A short solid line under a paragraph, between the given indents (the ND 30 rules)."""
    p.paragraph_format.left_indent = Cm(left_cm)
    p.paragraph_format.right_indent = Cm(right_cm)
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:space"), str(space_pt))
    bottom.set(qn("w:color"), "000000")
    bdr.append(bottom)
    ppr.append(bdr)


def _rule_line(cell_or_doc: DocumentObject | _Cell, *, width_cm: float, avail_cm: float) -> Paragraph:
    p = cell_or_doc.add_paragraph()
    side = max(0.0, (avail_cm - width_cm) / 2)
    _bottom_rule(p, left_cm=side, right_cm=side)
    pf = p.paragraph_format
    pf.space_before = Pt(3)
    pf.space_after = Pt(4)
    pf.line_spacing = Pt(2)
    r = p.add_run("")
    r.font.size = Pt(2)
    return p


def _no_borders(table: DocxTable) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:val"), "nil")
        borders.append(e)
    tblpr.append(borders)


_TBLPR_ORDER = [qn(f"w:{t}") for t in (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW", "jc",
    "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook")]


def _tidy(table: DocxTable) -> None:
    """Put table properties in schema order (Word is strict about it)."""
    tblpr = table._tbl.tblPr
    children = list(tblpr)
    for c in children:
        tblpr.remove(c)
    rank = {t: i for i, t in enumerate(_TBLPR_ORDER)}
    for c in sorted(children, key=lambda c: rank.get(c.tag, len(rank))):
        tblpr.append(c)


def _widths(table: DocxTable, widths_cm: Sequence[float]) -> None:
    table.autofit = False  # a fixed layout
    tblpr = table._tbl.tblPr
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is not None:
        tblw.set(qn("w:type"), "dxa")
        tblw.set(qn("w:w"), str(int(Cm(sum(widths_cm)).twips)))
    grid = table._tbl.tblGrid
    for gc, w in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=False):
        gc.set(qn("w:w"), str(int(Cm(w).twips)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(w)


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


def _page_number(doc: DocumentObject) -> None:
    """ND 30: the page number, centred in the top margin, from the second page."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = _run(p, "", size=13)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), kind)
            r._r.append(fc)
        else:
            it = OxmlElement("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = text
            r._r.append(it)


# --- blocks ------------------------------------------------------------------------------------


def cell_text(value: Cell, fmt: Fmt) -> str:
    """How a value is written in a table cell (also what tests read back)."""
    if value is None:
        return "" if fmt == "text" else "—"
    if fmt == "pct":
        return num(float(value), 1)  # type: ignore[arg-type]
    if fmt == "int":
        return num(int(value))  # type: ignore[arg-type]
    if fmt == "date":
        return day(value)  # type: ignore[arg-type]
    return str(value)


CHAR_CM = 0.24  # average width of a 12 pt Times New Roman character, when no font file is found
PAD_CM = 0.4  # cell margins and a little air
_FONT_FILES = {False: "LiberationSerif-Regular.ttf", True: "LiberationSerif-Bold.ttf"}


@functools.cache
def _font(bold: bool) -> Any:
    """Liberation Serif has the metrics of Times New Roman: good for measuring text."""
    try:
        from PIL import ImageFont

        for root in ("/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "C:/Windows/Fonts"):
            for path in Path(root).rglob(_FONT_FILES[bold]) if Path(root).exists() else []:
                return ImageFont.truetype(str(path), 1000)
    except Exception:
        return None
    return None


def _text_cm(text: str, size: float = TABLE_PT, bold: bool = False) -> float:
    f = _font(bold)
    if f is None:
        return len(text) * CHAR_CM * size / 12
    return float(f.getlength(text)) / 1000 * size / 72 * 2.54 * 1.08


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
    words = [[[_text_cm(w, bold=b) for w in text.split()] for text, b in row] for row in rows]
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


def _table(doc: DocumentObject, t: Table, *, title: bool = True) -> None:
    if title:
        _para(doc, t.title, size=13, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=4,
              keep_next=True)
    table = doc.add_table(rows=1 + len(t.rows), cols=len(t.columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, _col_widths(t))
    hdr = table.rows[0]
    _repeat_header(hdr._tr)
    for c, name in enumerate(t.columns):
        cell = hdr.cells[c]
        _shade(cell, "E7E6E6")
        _cell_para(cell, name, size=TABLE_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=2, after=2)
    aligns = [WD_ALIGN_PARAGRAPH.LEFT if f == "text" and name not in ("Mã", "Đánh giá") else WD_ALIGN_PARAGRAPH.CENTER
              for name, f in zip(t.columns, t.formats, strict=True)]
    for r, (row, row_obj) in enumerate(zip(t.rows, table.rows[1:], strict=True), start=1):
        _no_split(row_obj._tr)
        bold = t.total and r == len(t.rows)
        for value, f, cell, align in zip(row, t.formats, row_obj.cells, aligns, strict=True):
            _cell_para(cell, cell_text(value, f), size=TABLE_PT, bold=bold, align=align, before=1, after=1)
    _tidy(table)
    if t.note:
        _para(doc, t.note, size=12, italic=True)
    _para(doc, "", after=2)


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


def _setup(doc: DocumentObject) -> None:
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(2.0), Cm(2.0)
    sec.left_margin, sec.right_margin = Cm(3.0), Cm(1.5)
    sec.header_distance = Cm(1.0)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _fonts(normal.element)
    # document defaults too, so table styles and new runs inherit the font
    rpr_default = doc.styles.element.find(qn("w:docDefaults"))
    if rpr_default is not None:
        rpr = rpr_default.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            rf = rpr.find(qn("w:rFonts"))
            if rf is None:
                rf = OxmlElement("w:rFonts")
                rpr.insert(0, rf)
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                rf.set(qn(attr), FONT)
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                if rf.get(qn(attr)) is not None:
                    del rf.attrib[qn(attr)]
    doc.core_properties.language = "vi-VN"


def _cell_margins(table: DocxTable, cm: float) -> None:
    mar = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:w"), str(int(Cm(cm).twips)))
        e.set(qn("w:type"), "dxa")
        mar.append(e)
    table._tbl.tblPr.append(mar)


def _indent(table: DocxTable, cm: float) -> None:
    ind = OxmlElement("w:tblInd")
    ind.set(qn("w:w"), str(int(Cm(cm).twips)))
    ind.set(qn("w:type"), "dxa")
    table._tbl.tblPr.append(ind)


HEADER_LEFT_CM, HEADER_RIGHT_CM, HEADER_OUTDENT_CM = 8.4, 9.1, 1.0
MOTTO_CM = 5.8  # "Độc lập - Tự do - Hạnh phúc", 13 pt bold


def _header_block(doc: DocumentObject, rep: Report) -> None:
    """ND 30 header: the organ on the left, the national title and motto on the right."""
    t = doc.add_table(rows=2, cols=2)
    _no_borders(t)
    _cell_margins(t, 0.1)
    _indent(t, -HEADER_OUTDENT_CM)
    _widths(t, [HEADER_LEFT_CM, HEADER_RIGHT_CM])
    left, right = t.rows[0].cells
    _cell_para(left, rep.org_parent, size=12)
    _cell_para(left, rep.org_name, size=12, bold=True)
    _rule_line(left, width_cm=3.0, avail_cm=HEADER_LEFT_CM - 0.2)
    _cell_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True)
    motto = _cell_para(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True)
    side = (HEADER_RIGHT_CM - 0.2 - MOTTO_CM) / 2
    _bottom_rule(motto, left_cm=side, right_cm=side, space_pt=3)
    num_cell, date_cell = t.rows[1].cells
    _cell_para(num_cell, rep.doc_number, size=13, before=4)
    _cell_para(date_cell, rep.place_date, size=14, italic=True, before=4)
    _tidy(t)


def _title(doc: DocumentObject, rep: Report) -> None:
    _para(doc, rep.title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=24, after=0)
    _para(doc, rep.subtitle, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _rule_line(doc, width_cm=4.0, avail_cm=PAGE_WIDTH_CM)
    _para(doc, "", after=0)


def _signature(doc: DocumentObject, rep: Report) -> None:
    t = doc.add_table(rows=1, cols=2)
    _no_borders(t)
    _widths(t, [8.0, PAGE_WIDTH_CM - 8.0])
    left, right = t.rows[0].cells
    p = _cell_para(left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=6)
    p.paragraph_format.keep_with_next = True
    for line in rep.recipients:
        _cell_para(left, f"- {line}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for n, line in enumerate(rep.signer):
        _cell_para(right, line, size=14, bold=True, before=6 if n == 0 else 0)
    for _ in range(4):
        _cell_para(right, "", size=14)
    _cell_para(right, rep.signer_name, size=14, bold=True, highlight=True)
    _tidy(t)


def _appendix(doc: DocumentObject, rep: Report) -> None:
    if not rep.appendix:
        return
    p = _para(doc, "", after=0)
    p.add_run().add_break(WD_BREAK.PAGE)
    _para(doc, "PHỤ LỤC", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(doc, f"(Kèm theo Báo cáo số       /{rep.doc_symbol} {long_issued(rep)} của {rep.unit_name})", size=13,
          italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=8)
    for s in rep.appendix:
        _section(doc, s, charts_on=False)


def long_issued(rep: Report) -> str:
    return rep.place_date.split(", ", 1)[1]


def to_docx(report: Report, *, charts_on: bool = True) -> bytes:
    """The report as .docx bytes."""
    doc = Document()
    _setup(doc)
    _page_number(doc)
    _header_block(doc, report)
    _title(doc, report)
    _para(doc, report.intro, indent=True)
    for n, s in enumerate(report.sections, start=1):
        # ND 30: the signature never stands alone on a page; the last section goes with it
        _section(doc, s, charts_on=charts_on, keep=n == len(report.sections))
    _para(doc, "", after=0, keep_next=True)
    _signature(doc, report)
    _appendix(doc, report)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
