"""The administrative layout of a union document (.docx), shared by every document the app writes:
reports (``reports.docx_report``) and the tờ trình, quyết định and certificates of the
commendation workflow.

The form is that of Nghị định 30/2020/NĐ-CP (Phụ lục I) as the union applies it (Quyết định
933/QĐ-TLĐ, 2024): A4, margins 20/20/30/15 mm, Times New Roman for every script, 14 pt body,
page numbers centred at the top from page 2. See docs/decisions.md (reports) for the choices.

Use::

    doc = Document()
    setup(doc, title="Tờ trình …", author="Liên đoàn Lao động huyện Ba Bể", today=date.today())
    page_numbers(doc)
    head = Letterhead.for_unit(unit_name, parent_name, symbol="TTr-LĐLĐ", issued=today)
    letterhead(doc, head)          # organ | quốc hiệu, tiêu ngữ; số, ký hiệu | place and date
    title(doc, "TỜ TRÌNH", "Về việc …")
    ...                            # body: para(doc, text, indent=True), placeholder(doc, "[…]")
    signature(doc, Signer.for_unit(level, kind), recipients=("…;", "Lưu: VT."))

Everything here only lays out what it is given; the text comes from the data (``DonVi``) and a
missing value becomes a visible yellow placeholder (``PLACEHOLDER_PLACE``, ``[Họ và tên]``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from sheets import schema as S

FONT = "Times New Roman"
LANG = "vi-VN"
BODY_PT = 14
HEAD_PT = 12  # quốc hiệu, the organ names (ND 30: 12-13)
PAGE_WIDTH_CM = 21.0 - 3.0 - 1.5  # A4 minus left and right margins
FIRST_LINE_CM = 1.0
# the header block spans the text width exactly: the left edge on the margin (no outdent)
HEADER_RIGHT_CM = 9.2  # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (12 pt bold, 8.2 cm) on one line
HEADER_LEFT_CM = PAGE_WIDTH_CM - HEADER_RIGHT_CM
MOTTO_CM = 5.8  # "Độc lập - Tự do - Hạnh phúc", 13 pt bold
CONFEDERATION = "Tổng Liên đoàn Lao động Việt Nam"
PLACEHOLDER_PLACE = "[Địa danh]"
PLACEHOLDER_NAME = "[Họ và tên]"
NBSP = "\u00a0"

# control characters a .docx (XML 1.0) cannot hold; tab, newline and carriage return are kept
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(text: object) -> str:
    """Text a renderer can take: control characters (a pasted vertical tab …) become a space."""
    s = "" if text is None else str(text)
    return _CONTROL.sub(" ", s) if _CONTROL.search(s) else s


# --- names, places and dates -----------------------------------------------------------------


def long_date(d: date) -> str:
    """Nghị định 30/2020: a day below 10 and the months 1, 2 take a leading zero."""
    dd = f"{d.day:02d}"
    mm = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {dd} tháng {mm} năm {d.year}"


_ADMIN_UNIT = re.compile(r"\b(?:tỉnh|thành phố|huyện|thị xã|quận|xã|phường)\s+", re.IGNORECASE)


def place_of(name: str) -> str | None:
    """The place named after the last administrative word: "LĐLĐ huyện Ba Bể" -> "Ba Bể"."""
    hits = list(_ADMIN_UNIT.finditer(name))
    if not hits:
        return None
    return name[hits[-1].end():].strip() or None


def abbreviate(upper_name: str) -> str:
    """ND 30 lets the managing organ's name use common abbreviations: TỔNG LĐLĐ VIỆT NAM."""
    return upper_name.replace("LIÊN ĐOÀN LAO ĐỘNG", "LĐLĐ")


# where an organ's name may break, best first: before the place, then before the sector
_BREAKS = (r"\s(?=(?:TỈNH|THÀNH PHỐ|HUYỆN|THỊ XÃ|QUẬN|XÃ|PHƯỜNG)\s)", r"\s(?=NGÀNH\s)", r"\s(?=VIÊN CHỨC\s)")


@functools.cache
def _font(bold: bool) -> Any:
    """Liberation Serif has the metrics of Times New Roman: good for measuring text."""
    files = {False: "LiberationSerif-Regular.ttf", True: "LiberationSerif-Bold.ttf"}
    try:
        from PIL import ImageFont

        for root in ("/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "C:/Windows/Fonts"):
            for path in Path(root).rglob(files[bold]) if Path(root).exists() else []:
                return ImageFont.truetype(str(path), 1000)
    except Exception:
        return None
    return None


def text_cm(text: str, size: float = 12, bold: bool = False) -> float:
    """Printed width of a line of text, in cm (a little generous, for the renderer's rounding)."""
    f = _font(bold)
    if f is None:
        return len(text) * 0.24 * size / 12
    return float(f.getlength(text)) / 1000 * size / 72 * 2.54 * 1.08


def organ_lines(name: str, width_cm: float = HEADER_LEFT_CM - 0.3, size: float = HEAD_PT) -> list[str]:
    """An organ's name (upper case) in lines that fit ``width_cm``, broken between words only:
    before the place ("LIÊN ĐOÀN LAO ĐỘNG / HUYỆN PÁC NẶM") or the sector, else where the
    lines come out most even. Each line is a phrase, as ND 30's samples show."""
    name = " ".join(clean(name).split())
    if text_cm(name, size, True) <= width_cm:
        return [name]
    for pattern in _BREAKS:
        hits = list(re.finditer(pattern, name))
        for m in reversed(hits):  # the last place word: "… GIÁO DỤC / TỈNH BẮC KẠN"
            a, b = name[:m.start()], name[m.end():]
            if text_cm(a, size, True) <= width_cm and text_cm(b, size, True) <= width_cm:
                return [a, b]
    words = name.split()
    best: list[str] | None = None
    for k in range(1, len(words)):
        a, b = " ".join(words[:k]), " ".join(words[k:])
        fits = text_cm(a, size, True) <= width_cm and text_cm(b, size, True) <= width_cm
        if fits and (best is None or abs(len(a) - len(b)) < abs(len(best[0]) - len(best[1]))):
            best = [a, b]
    if best is not None:
        return best
    lines: list[str] = []  # a very long name: greedy, still between words
    for w in words:
        if lines and text_cm(f"{lines[-1]} {w}", size, True) <= width_cm:
            lines[-1] = f"{lines[-1]} {w}"
        else:
            lines.append(w)
    return lines


@dataclass(frozen=True)
class Letterhead:
    """The header block of a document."""

    parent: str  # the managing organ (cơ quan chủ quản), upper case
    organ: str  # the issuing body, upper case
    symbol: str  # "BC-LĐLĐ", "TTr-LĐLĐ", "QĐ-LĐLĐ"
    place: str | None  # None: a yellow placeholder
    issued: date

    @property
    def number(self) -> str:
        return f"Số:{NBSP * 7}/{self.symbol}"

    @property
    def place_date(self) -> str:
        return f"{self.place or PLACEHOLDER_PLACE}, {long_date(self.issued)}"

    @classmethod
    def for_unit(cls, name: str, parent_name: str | None, *, symbol: str, issued: date,
                 province_name: str | None = None) -> Letterhead:
        """From ``DonVi``: the unit's name, its parent's (None: the Confederation); the place is
        the one in the unit's name, else the province's."""
        place = place_of(name) or (place_of(province_name) if province_name else None)
        return cls(parent=abbreviate((parent_name or CONFEDERATION).upper()), organ=name.upper(), symbol=symbol,
                   place=place, issued=issued)


def symbol_suffix(name: str, kind: object, level: str | None) -> str:
    """The organ part of a ký hiệu: LĐLĐ, CĐN (sector union), CĐVC, CĐ."""
    n = name.casefold()
    if level == S.LEVEL_PROVINCE or n.startswith("liên đoàn lao động") or kind == "LĐLĐ huyện, thành phố":
        return "LĐLĐ"
    if n.startswith("công đoàn ngành") or kind == "Công đoàn ngành":
        return "CĐN"
    if n.startswith("công đoàn viên chức"):
        return "CĐVC"
    return "CĐ"


@dataclass(frozen=True)
class Signer:
    """The signature block: on whose behalf, the title, and the name (None: a placeholder)."""

    authority: str  # "TM. BAN THƯỜNG VỤ"
    title: str  # "CHỦ TỊCH"
    name: str | None = None

    @classmethod
    def for_unit(cls, level: str | None, kind: object = None, name: str | None = None) -> Signer:
        """Upper-level unions and the province sign for their Ban Thường vụ, a grassroots union
        for its Ban Chấp hành (Điều lệ Công đoàn Việt Nam)."""
        body = "BAN CHẤP HÀNH" if level == S.LEVEL_GRASSROOTS else "BAN THƯỜNG VỤ"
        return cls(f"TM. {body}", "CHỦ TỊCH", name)


# --- low-level docx helpers --------------------------------------------------------------------


def fonts(element: Any) -> None:
    """Times New Roman for every script, East Asian included (w:rFonts w:eastAsia)."""
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FONT)


def run(p: Paragraph, text: str, *, size: float = BODY_PT, bold: bool = False, italic: bool = False,
        underline: bool = False, highlight: bool = False) -> Run:
    r = p.add_run(clean(text))
    fonts(r._element)
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


def para(container: DocumentObject | _Cell, text: str = "", *, size: float = BODY_PT, bold: bool = False,
         italic: bool = False, align: int | None = WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = False,
         before: float = 0, after: float = 6, highlight: bool = False, keep_next: bool = False) -> Paragraph:
    p = container.add_paragraph()
    if text:
        run(p, text, size=size, bold=bold, italic=italic, highlight=highlight)
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


def placeholder(container: DocumentObject | _Cell, text: str, **kw: Any) -> Paragraph:
    """Where a person must write: italic, highlighted yellow."""
    return para(container, text, italic=True, highlight=True, **kw)


def cell_para(cell: _Cell, text: str, **kw: object) -> Paragraph:
    """Write into a cell: reuse its first empty paragraph, then add more."""
    first = cell.paragraphs[0]
    if not first.text and not first.runs and not getattr(cell, "_used", False):
        cell._used = True  # type: ignore[attr-defined]
        p = first
        if text:
            run(p, text, size=kw.get("size", BODY_PT), bold=bool(kw.get("bold")),  # type: ignore[arg-type]
                italic=bool(kw.get("italic")), highlight=bool(kw.get("highlight")))
        pf = p.paragraph_format
        pf.alignment = kw.get("align", WD_ALIGN_PARAGRAPH.CENTER)  # type: ignore[assignment]
        pf.space_before = Pt(float(kw.get("before", 0)))  # type: ignore[arg-type]
        pf.space_after = Pt(float(kw.get("after", 0)))  # type: ignore[arg-type]
        pf.line_spacing = 1.0
        return p
    kw.setdefault("align", WD_ALIGN_PARAGRAPH.CENTER)
    kw.setdefault("after", 0)
    p = para(cell, text, **kw)  # type: ignore[arg-type]
    p.paragraph_format.line_spacing = 1.0
    return p


def bottom_rule(p: Paragraph, *, left_cm: float, right_cm: float, space_pt: int = 1) -> None:
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


def rule_line(container: DocumentObject | _Cell, *, width_cm: float, avail_cm: float) -> Paragraph:
    p = container.add_paragraph()
    side = max(0.0, (avail_cm - width_cm) / 2)
    bottom_rule(p, left_cm=side, right_cm=side)
    pf = p.paragraph_format
    pf.space_before = Pt(3)
    pf.space_after = Pt(4)
    pf.line_spacing = Pt(2)
    r = p.add_run("")
    r.font.size = Pt(2)
    return p


def no_borders(table: DocxTable) -> None:
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


def tidy(table: DocxTable) -> None:
    """Put table properties in schema order (Word is strict about it)."""
    tblpr = table._tbl.tblPr
    children = list(tblpr)
    for c in children:
        tblpr.remove(c)
    rank = {t: i for i, t in enumerate(_TBLPR_ORDER)}
    for c in sorted(children, key=lambda c: rank.get(c.tag, len(rank))):
        tblpr.append(c)


def widths(table: DocxTable, widths_cm: Sequence[float]) -> None:
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


def cell_margins(table: DocxTable, cm: float) -> None:
    mar = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:w"), str(int(Cm(cm).twips)))
        e.set(qn("w:type"), "dxa")
        mar.append(e)
    table._tbl.tblPr.append(mar)


def indent(table: DocxTable, cm: float) -> None:
    ind = OxmlElement("w:tblInd")
    ind.set(qn("w:w"), str(int(Cm(cm).twips)))
    ind.set(qn("w:type"), "dxa")
    table._tbl.tblPr.append(ind)


# --- the document --------------------------------------------------------------------------------


def _lang(rpr: Any) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), LANG)


def setup(doc: DocumentObject, *, title: str, author: str, today: date, subject: str = "") -> None:
    """A4 and the ND 30 margins; Times New Roman 14 pt; proofing language vi-VN (w:lang in the
    document defaults and the Normal style); honest core properties: the title, the issuing unit
    as author, today as the creation date."""
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(2.0), Cm(2.0)
    sec.left_margin, sec.right_margin = Cm(3.0), Cm(1.5)
    sec.header_distance = Cm(1.0)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    fonts(normal.element)
    _lang(normal.element.get_or_add_rPr())
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
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
            _lang(rpr)
    # the default template's settings.xml says en-US for its theme fonts
    settings = doc.settings.element
    tfl = settings.find(qn("w:themeFontLang"))
    if tfl is not None:
        tfl.set(qn("w:val"), LANG)
    cp = doc.core_properties
    stamp = datetime.combine(today, time(0))
    cp.title, cp.author, cp.last_modified_by = clean(title), clean(author), clean(author)
    cp.subject, cp.language, cp.keywords, cp.comments = clean(subject), LANG, "", ""
    cp.created, cp.modified, cp.revision = stamp, stamp, 1
    cp.last_printed = stamp


def page_numbers(doc: DocumentObject) -> None:
    """ND 30: the page number, centred in the top margin, from the second page."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = run(p, "", size=13)
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


def _place_date(cell: _Cell, head: Letterhead) -> None:
    p = cell_para(cell, "", size=BODY_PT, italic=True, before=4)
    if head.place:
        run(p, f"{head.place}, ", size=BODY_PT, italic=True)
    else:
        run(p, PLACEHOLDER_PLACE, size=BODY_PT, italic=True, highlight=True)
        run(p, ", ", size=BODY_PT, italic=True)
    run(p, long_date(head.issued), size=BODY_PT, italic=True)


def letterhead(doc: DocumentObject, head: Letterhead) -> DocxTable:
    """ND 30 header, a borderless two-column table as wide as the text, its left edge on the
    margin: the managing organ (regular) and the issuing body (bold, broken between words)
    over a short rule, and the số, ký hiệu; on the right the quốc hiệu and tiêu ngữ over a rule
    as long as the tiêu ngữ, and the place and date (italic)."""
    t = doc.add_table(rows=2, cols=2)
    no_borders(t)
    cell_margins(t, 0.0)
    indent(t, 0.0)
    widths(t, [HEADER_LEFT_CM, HEADER_RIGHT_CM])
    left, right = t.rows[0].cells
    for line in organ_lines(head.parent):
        cell_para(left, line, size=HEAD_PT)
    organ = organ_lines(head.organ)
    for line in organ:
        cell_para(left, line, size=HEAD_PT, bold=True)
    longest = max(text_cm(line, HEAD_PT, True) for line in organ)
    rule_line(left, width_cm=max(2.5, min(longest / 2, longest * 0.4 + 1.0)), avail_cm=HEADER_LEFT_CM)
    cell_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=HEAD_PT, bold=True)
    motto = cell_para(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True)
    side = (HEADER_RIGHT_CM - MOTTO_CM) / 2
    bottom_rule(motto, left_cm=side, right_cm=side, space_pt=3)
    num_cell, date_cell = t.rows[1].cells
    cell_para(num_cell, head.number, size=13, before=4)
    _place_date(date_cell, head)
    tidy(t)
    return t


def title(doc: DocumentObject, kind: str, subject: str) -> None:
    """The document's kind ("BÁO CÁO", "TỜ TRÌNH") and its trích yếu, centred, bold, over a
    short rule. ``subject`` keeps its non-breaking spaces ("6 tháng" stays on one line)."""
    para(doc, kind, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=24, after=0, keep_next=True)
    para(doc, subject, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, keep_next=True)
    rule_line(doc, width_cm=4.0, avail_cm=PAGE_WIDTH_CM)
    para(doc, "", after=0)


def signature(doc: DocumentObject, signer: Signer, recipients: Sequence[str]) -> DocxTable:
    """Nơi nhận on the left (11 pt), the signer on the right (14 pt bold); the name, when the
    data has none, a yellow placeholder."""
    t = doc.add_table(rows=1, cols=2)
    no_borders(t)
    cell_margins(t, 0.0)
    indent(t, 0.0)
    widths(t, [7.5, PAGE_WIDTH_CM - 7.5])
    left, right = t.rows[0].cells
    p = cell_para(left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=6)
    p.paragraph_format.keep_with_next = True
    for line in recipients:
        cell_para(left, f"- {line}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    cell_para(right, signer.authority, size=BODY_PT, bold=True, before=6)
    cell_para(right, signer.title, size=BODY_PT, bold=True)
    for _ in range(4):
        cell_para(right, "", size=BODY_PT)
    cell_para(right, signer.name or PLACEHOLDER_NAME, size=BODY_PT, bold=True, highlight=signer.name is None)
    tidy(t)
    return t
