"""The documents of a commendation dossier (SPEC 7): the tờ trình with its list of nominees,
the quyết định with its list, and the certificates (giấy khen, bằng khen), one page per award.

Certificates print on plain A4 landscape, or, where the registry tab ``MauIn`` has rows for
the award's ``Hình thức``, onto pre-printed blank stock: each field in a frame whose top-left
corner is at ``X``, ``Y`` mm from the sheet's top-left corner. Everything is .docx
(python-docx); ``to_pdf`` converts through LibreOffice headless in a temporary folder.

No Streamlit here. A page calls::

    name, content = document(ds, code, "quyet-dinh", fmt="docx")   # or "pdf"

and offers ``content`` for download under ``name``.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports import admin_layout as L
from sheets import clock
from sheets import schema as S
from sheets.errors import TdktError
from sheets.load import Dataset
from sheets.text import strip_contacts
from sheets.workflow import dossier_lines, dossier_record, receiver_of

KINDS = ("to-trinh", "quyet-dinh", "giay-khen")
LIST_PT = 12
LANDSCAPE = (Mm(297), Mm(210))
FIELD_PT = {"Tên": 20, "Đơn vị": 14, "Thành tích": 13, "Số quyết định": 11, "Ngày quyết định": 12,
            "Người ký": 14, "Số vào sổ": 11}
STOCK_RIGHT_MM = 15  # a field's frame runs from X to this far from the sheet's right edge



class DocumentError(TdktError):
    """A document cannot be made; the message says why, in Vietnamese."""


def scrub(text: object) -> str:
    """Nothing that looks like an e-mail address or a phone number reaches a printed document
    (the same rule as the public honour board)."""
    return strip_contacts(L.clean(text))


def _text(v: Any) -> str:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and pd.isna(v)):
        return ""
    return str(v).strip()


def _day(v: Any) -> date | None:
    if v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
        return None
    return pd.Timestamp(v).date()


# --- the data of a dossier ----------------------------------------------------------------------


@dataclass(frozen=True)
class Nominee:
    line: int
    subject: str
    name: str
    position: str
    unit: str  # the unit's name
    form: str
    achievement: str
    result: str
    award: str  # the award code (``<Mã hồ sơ>-<STT>``), for decided rows


@dataclass(frozen=True)
class DossierData:
    code: str
    year: int
    summary: str
    status: str
    unit: str
    unit_name: str
    parent_name: str | None
    receiver: str
    receiver_name: str
    receiver_parent: str | None
    submission_no: str
    sent: date | None
    reviewed: date | None
    decision_no: str
    decided: date | None
    level: str
    signer: str
    province_name: str | None
    nominees: tuple[Nominee, ...]  # every list row, not voided, in STT order

    @property
    def approved(self) -> tuple[Nominee, ...]:
        return tuple(n for n in self.nominees if n.result == S.RESULT_AGREED)


def dossier_data(ds: Dataset, code: str) -> DossierData:
    rec = dossier_record(ds, code)
    if rec is None or bool(rec.get("void")):
        raise DocumentError(f"Không tìm thấy hồ sơ «{code}» (hoặc hồ sơ đã hủy).")
    tree = ds.tree
    unit = str(rec["unit"])
    receiver = receiver_of(tree, unit)
    parent = tree.parent.get(unit)
    rparent = tree.parent.get(receiver)
    nominees = []
    for _, r in dossier_lines(ds, code).iterrows():
        u = _text(r["unit"])
        name = _text(r["name"])
        unit_name = tree.name(u) if u else ""
        if r["subject"] == S.SUBJECT_COLLECTIVE and unit_name.casefold() == name.casefold():
            up = tree.parent.get(u)  # a collective is its unit: say where it belongs instead
            unit_name = tree.name(up) if up else ""
        nominees.append(Nominee(
            line=int(r["line"]), subject=_text(r["subject"]), name=name, position=_text(r["position"]),
            unit=unit_name, form=_text(r["form"]), achievement=scrub(r["achievement"]),
            result=_text(r["result"]), award=f"{code}-{int(r['line'])}",
        ))
    return DossierData(
        code=code, year=int(rec["year"]), summary=_text(rec["summary"]), status=_text(rec["status"]), unit=unit,
        unit_name=tree.name(unit), parent_name=tree.name(parent) if parent else None, receiver=receiver,
        receiver_name=tree.name(receiver), receiver_parent=tree.name(rparent) if rparent else None,
        submission_no=_text(rec["submission_no"]), sent=_day(rec["sent"]), reviewed=_day(rec["reviewed"]),
        decision_no=_text(rec["decision_no"]), decided=_day(rec["decided"]), level=_text(rec["level"]),
        signer=_text(rec["signer"]), province_name=tree.name(tree.root) if tree.root else None,
        nominees=tuple(nominees),
    )


_TITLES = ("Phó Chủ tịch thường trực", "Phó Chủ tịch", "Chủ tịch")


def split_signer(text: str) -> tuple[str, str | None]:
    """"Chủ tịch Hoàng Văn Minh" -> ("CHỦ TỊCH", "Hoàng Văn Minh"); a bare name signs as Chủ tịch."""
    t = " ".join(text.split())
    for title in _TITLES:
        if t.casefold().startswith(title.casefold()):
            rest = t[len(title):].strip(" :,-")
            return title.upper(), rest or None
    return "CHỦ TỊCH", t or None


def _signer(level: str | None, text: str) -> L.Signer:
    title, name = split_signer(text)
    base = L.Signer.for_unit(level, name=name)
    if title.startswith("PHÓ"):  # a deputy signs "KT. CHỦ TỊCH" (ND 30, Phụ lục I)
        return L.Signer("KT. CHỦ TỊCH", title, name)
    return L.Signer(base.authority, title, name)


@dataclass(frozen=True)
class _Head(L.Letterhead):
    no: str = ""

    @property
    def number(self) -> str:
        if self.no:
            return f"Số: {self.no}"
        return super().number


def _head(name: str, parent: str | None, *, symbol: str, no: str, issued: date, province: str | None) -> _Head:
    h = L.Letterhead.for_unit(name, parent, symbol=symbol, issued=issued, province_name=province)
    return _Head(parent=h.parent, organ=h.organ, symbol=h.symbol, place=h.place, issued=h.issued, no=no)


def _suffix(ds: Dataset, unit: str) -> str:
    kind = ds.tree.units.at[unit, "kind"] if unit in ds.tree and "kind" in ds.tree.units.columns else None
    return L.symbol_suffix(ds.tree.name(unit), kind, ds.tree.level(unit))


def _forms(nominees: Sequence[Nominee]) -> str:
    seen: list[str] = []
    for n in nominees:
        if n.form and n.form not in seen:
            seen.append(n.form)
    return ", ".join(seen) or "[Hình thức khen thưởng]"


def _counts(nominees: Sequence[Nominee]) -> str:
    groups = sum(n.subject == S.SUBJECT_COLLECTIVE for n in nominees)
    people = len(nominees) - groups
    parts = []
    if groups:
        parts.append(f"{groups:02d} tập thể")
    if people:
        parts.append(f"{people:02d} cá nhân")
    return " và ".join(parts) or "0 cá nhân"


def _new_doc(*, title: str, author: str, today: date) -> DocumentObject:
    doc = Document()
    L.setup(doc, title=title, author=author, today=today, subject=title)
    return doc


def _bytes(doc: DocumentObject) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _page_break(doc: DocumentObject) -> None:
    p = doc.add_paragraph()
    p.add_run().add_break(WD_BREAK.PAGE)


def _list_table(doc: DocumentObject, nominees: Sequence[Nominee], *, with_achievement: bool) -> None:
    heads = ["STT", "Họ và tên / Tập thể", "Chức vụ, đơn vị", "Hình thức"]
    w = [1.4, 4.6, 5.4, 5.1]
    if with_achievement:
        heads = ["STT", "Họ và tên / Tập thể", "Chức vụ, đơn vị", "Hình thức đề nghị", "Thành tích"]
        w = [1.4, 3.8, 3.9, 3.0, 4.4]
    t = doc.add_table(rows=1, cols=len(heads))
    t.style = "Table Grid"
    L.widths(t, w)
    for cell, h in zip(t.rows[0].cells, heads, strict=True):
        L.cell_para(cell, h, size=LIST_PT, bold=True, before=2, after=2)
    for i, n in enumerate(nominees, 1):
        cells = t.add_row().cells
        where = ", ".join(x for x in (n.position, n.unit) if x) if n.subject != S.SUBJECT_COLLECTIVE else n.unit
        values = [str(i), n.name, where, n.form]
        if with_achievement:
            values.append(n.achievement)
        for j, (cell, v) in enumerate(zip(cells, values, strict=True)):
            align = WD_ALIGN_PARAGRAPH.CENTER if j == 0 else WD_ALIGN_PARAGRAPH.LEFT
            L.cell_para(cell, v, size=LIST_PT, align=align, before=2, after=2)
    L.widths(t, w)
    # the header row repeats on every page
    trpr = t.rows[0]._tr.get_or_add_trPr()
    hdr = OxmlElement("w:tblHeader")
    hdr.set(qn("w:val"), "true")
    trpr.append(hdr)
    L.tidy(t)


def _date_of(d: date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else "[ngày]"


# --- tờ trình -------------------------------------------------------------------------------------


def to_trinh_docx(ds: Dataset, code: str) -> bytes:
    """The proposing unit's tờ trình to its parent, with the list of every nominee attached."""
    d = dossier_data(ds, code)
    if not d.nominees:
        raise DocumentError(f"Hồ sơ «{code}» chưa có ai trong danh sách đề nghị: chưa lập được tờ trình.")
    issued = d.sent or clock.today()
    suffix = _suffix(ds, d.unit)
    doc = _new_doc(title=f"Tờ trình {d.summary}", author=d.unit_name, today=clock.today())
    L.page_numbers(doc)
    head = _head(d.unit_name, d.parent_name, symbol=f"TTr-{suffix}", no=d.submission_no, issued=issued,
                 province=d.province_name)
    L.letterhead(doc, head)
    L.title(doc, "TỜ TRÌNH", f"Về việc {_lower_first(d.summary)}")
    p = L.para(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    L.run(p, "Kính gửi: ")
    L.run(p, f"Ban Thường vụ {d.receiver_name}")
    L.para(doc, "Căn cứ Luật Thi đua, khen thưởng năm 2022 và các văn bản hướng dẫn thi hành;", indent=True)
    L.para(doc, "Căn cứ Kế hoạch số 48/KH-LĐLĐ về công tác thi đua, khen thưởng và kết quả thực hiện các "
                f"phong trào thi đua năm {d.year};", indent=True)
    L.para(doc, f"Xét thành tích của các tập thể, cá nhân, {d.unit_name} kính đề nghị Ban Thường vụ "
                f"{d.receiver_name} xem xét, tặng {_forms(d.nominees)} cho {_counts(d.nominees)} "
                f"đã có thành tích xuất sắc trong phong trào thi đua năm {d.year} (có danh sách kèm theo).",
           indent=True)
    L.para(doc, f"Kính trình Ban Thường vụ {d.receiver_name} xem xét, quyết định./.", indent=True)
    level = ds.tree.level(d.unit)
    L.signature(doc, L.Signer.for_unit(level), recipients=("Như trên;", "Lưu: VT."))
    _page_break(doc)
    L.para(doc, "DANH SÁCH", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    L.para(doc, f"Đề nghị tặng {_forms(d.nominees)} năm {d.year}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
           after=0)
    no = d.submission_no or f"{L.NBSP * 6}/TTr-{suffix}"
    L.para(doc, f"(Kèm theo Tờ trình số {no} ngày {_date_of(d.sent)} của {d.unit_name})", italic=True,
           align=WD_ALIGN_PARAGRAPH.CENTER, after=8)
    _list_table(doc, d.nominees, with_achievement=True)
    return _bytes(doc)


def _lower_first(s: str) -> str:
    return s[:1].lower() + s[1:] if s else s


# --- quyết định -------------------------------------------------------------------------------------


def _decided(d: DossierData) -> date:
    if d.status != S.DOSSIER_DECIDED or d.decided is None or not d.decision_no:
        raise DocumentError(f"Hồ sơ «{d.code}» chưa có quyết định (trạng thái «{d.status}»): chưa lập được "
                            "quyết định và giấy khen, bằng khen.")
    return d.decided


def quyet_dinh_docx(ds: Dataset, code: str) -> bytes:
    """The receiving unit's decision, with the list of the approved nominees attached."""
    d = dossier_data(ds, code)
    decided = _decided(d)
    approved = d.approved
    suffix = _suffix(ds, d.receiver)
    level = ds.tree.level(d.receiver)
    doc = _new_doc(title=f"Quyết định {d.decision_no}", author=d.receiver_name, today=clock.today())
    L.page_numbers(doc)
    head = _head(d.receiver_name, d.receiver_parent, symbol=f"QĐ-{suffix}", no=d.decision_no, issued=decided,
                 province=d.province_name)
    L.letterhead(doc, head)
    forms = _forms(approved)
    L.title(doc, "QUYẾT ĐỊNH", f"Về việc tặng {forms} năm {d.year}")
    L.para(doc, f"BAN THƯỜNG VỤ {d.receiver_name.upper()}" if level != S.LEVEL_GRASSROOTS
           else f"BAN CHẤP HÀNH {d.receiver_name.upper()}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=10)
    L.para(doc, "Căn cứ Luật Công đoàn năm 2024 và Điều lệ Công đoàn Việt Nam;", indent=True)
    L.para(doc, "Căn cứ Luật Thi đua, khen thưởng năm 2022 và các văn bản hướng dẫn thi hành;", indent=True)
    sub = f"số {d.submission_no}" if d.submission_no else ""
    L.para(doc, f"Xét Tờ trình {sub} ngày {_date_of(d.sent)} của {d.unit_name} và kết quả xét duyệt "
                f"ngày {_date_of(d.reviewed)} của Hội đồng Thi đua - Khen thưởng,".replace("  ", " "), indent=True)
    L.para(doc, "QUYẾT ĐỊNH:", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=6)
    p = L.para(doc, "", indent=True)
    L.run(p, "Điều 1. ", bold=True)
    L.run(p, f"Tặng {forms} cho {_counts(approved)} (có danh sách kèm theo) đã có thành tích xuất sắc "
             f"trong phong trào thi đua năm {d.year}.")
    p = L.para(doc, "", indent=True)
    L.run(p, "Điều 2. ", bold=True)
    L.run(p, "Các tập thể, cá nhân có tên tại Điều 1 được hưởng tiền thưởng theo quy định hiện hành.")
    p = L.para(doc, "", indent=True)
    L.run(p, "Điều 3. ", bold=True)
    L.run(p, f"Quyết định có hiệu lực kể từ ngày ký. Các ban của {d.receiver_name}, {d.unit_name} và các tập "
             "thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.")
    L.signature(doc, _signer(level, d.signer), recipients=("Như Điều 3;", "Lưu: VT, TĐKT."))
    _page_break(doc)
    L.para(doc, "DANH SÁCH", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    L.para(doc, f"Được tặng {forms} năm {d.year}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    L.para(doc, f"(Kèm theo Quyết định số {d.decision_no} ngày {_date_of(decided)} của Ban Thường vụ "
                f"{d.receiver_name})", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=8)
    _list_table(doc, approved, with_achievement=False)
    return _bytes(doc)


# --- certificates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    field: str
    x_mm: float
    y_mm: float
    size: float


def print_positions(ds: Dataset) -> dict[str, list[Position]]:
    """``MauIn`` rows (not voided) by ``Hình thức``, compared after folding case."""
    out: dict[str, list[Position]] = {}
    frame = ds.frames.get("MauIn")
    if frame is None or not len(frame):
        return out
    for _, r in frame.iterrows():
        if bool(r.get("void")):
            continue
        size = r.get("size")
        field = str(r["field"])
        pt = float(size) if size is not None and not pd.isna(size) else float(FIELD_PT.get(field, 13))
        out.setdefault(str(r["form"]).strip().casefold(), []).append(
            Position(field, float(r["x"]), float(r["y"]), pt))
    return out


def _award_field(d: DossierData, n: Nominee, field: str, head: L.Letterhead) -> str:
    title, name = split_signer(d.signer)
    return {
        "Tên": n.name,
        "Đơn vị": n.unit if n.subject == S.SUBJECT_COLLECTIVE else ", ".join(x for x in (n.position, n.unit) if x),
        "Thành tích": n.achievement or f"Đã có thành tích xuất sắc trong phong trào thi đua năm {d.year}",
        "Số quyết định": f"Quyết định số {d.decision_no}",
        "Ngày quyết định": head.place_date,
        "Người ký": name or "",
        "Số vào sổ": f"Số vào sổ: {n.award}",
    }.get(field, "")


def _landscape(section: Any, margin_mm: float) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = LANDSCAPE
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Mm(margin_mm))
    section.header_distance = Mm(5)
    section.footer_distance = Mm(5)


def _box(tag: str, **attrs: str) -> Any:
    """A border element (page or paragraph) with the same line on its four edges."""
    box = OxmlElement(tag)
    for edge in ("top", "left", "bottom", "right"):
        e = OxmlElement(f"w:{edge}")
        for k, v in attrs.items():
            e.set(qn(f"w:{k}"), v)
        box.append(e)
    return box


def _page_border(section: Any) -> None:
    sectpr = section._sectPr
    borders = _box("w:pgBorders", val="thinThickSmallGap", sz="24", space="24", color="8B0000")
    borders.set(qn("w:offsetFrom"), "page")
    # schema order: pgBorders after pgMar (and pgSz)
    anchor = sectpr.find(qn("w:pgMar"))
    if anchor is not None:
        anchor.addnext(borders)
    else:
        sectpr.append(borders)


def _frame(p: Any, x_mm: float, y_mm: float, w_mm: float) -> None:
    """Place a paragraph in a frame whose top-left corner is ``x_mm``, ``y_mm`` from the page's."""
    ppr = p._p.get_or_add_pPr()
    fp = OxmlElement("w:framePr")
    fp.set(qn("w:w"), str(int(Mm(w_mm).twips)))
    fp.set(qn("w:hSpace"), "0")
    fp.set(qn("w:wrap"), "around")
    fp.set(qn("w:hAnchor"), "page")
    fp.set(qn("w:vAnchor"), "page")
    fp.set(qn("w:x"), str(int(Mm(x_mm).twips)))
    fp.set(qn("w:y"), str(int(Mm(y_mm).twips)))
    ppr.insert(0, fp)  # framePr comes right after pStyle, before everything else


def _outline(p: Any) -> None:
    """A thin box around a framed paragraph: the test print an administrator lays on the stock."""
    ppr = p._p.get_or_add_pPr()
    bdr = _box("w:pBdr", val="dashed", sz="4", space="0", color="808080")
    fp = ppr.find(qn("w:framePr"))
    if fp is not None:
        fp.addnext(bdr)
    else:
        ppr.append(bdr)


def _stock_page(doc: DocumentObject, d: DossierData, n: Nominee, positions: Sequence[Position],
                head: L.Letterhead, proof: bool = False) -> None:
    width = LANDSCAPE[0].mm
    for pos in positions:
        text = _award_field(d, n, pos.field, head)
        if not text:
            continue
        p = doc.add_paragraph()
        _frame(p, pos.x_mm, pos.y_mm, max(20.0, width - pos.x_mm - STOCK_RIGHT_MM))
        pf = p.paragraph_format
        pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(0), 1.0
        pf.alignment = WD_ALIGN_PARAGRAPH.LEFT
        L.run(p, text, size=pos.size, bold=pos.field == "Tên", italic=pos.field == "Ngày quyết định")
        if proof:
            _outline(p)


def _plain_page(doc: DocumentObject, d: DossierData, n: Nominee, head: L.Letterhead, level: str | None) -> None:
    c = WD_ALIGN_PARAGRAPH.CENTER
    L.para(doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=14, bold=True, align=c, after=0, before=18)
    motto = L.para(doc, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True, align=c, after=24)
    side = (25.7 - 6.4) / 2
    L.bottom_rule(motto, left_cm=side, right_cm=side, space_pt=3)
    authority = "BAN CHẤP HÀNH" if level == S.LEVEL_GRASSROOTS else "BAN THƯỜNG VỤ"
    L.para(doc, f"{authority} {d.receiver_name.upper()}", size=16, bold=True, align=c, after=0)
    L.para(doc, "TẶNG", size=16, bold=True, align=c, after=12)
    L.para(doc, n.form.upper(), size=34, bold=True, align=c, after=12)
    L.para(doc, "Cho", size=14, italic=True, align=c, after=4)
    L.para(doc, n.name, size=24, bold=True, align=c, after=6)
    unit = _award_field(d, n, "Đơn vị", head)
    if unit:
        L.para(doc, unit, size=15, align=c, after=6)
    L.para(doc, _award_field(d, n, "Thành tích", head), size=14, italic=True, align=c, after=24)
    t = doc.add_table(rows=1, cols=2)
    L.no_borders(t)
    L.cell_margins(t, 0.0)
    L.widths(t, [11.0, 14.7])
    left, right = t.rows[0].cells
    L.cell_para(left, "", size=12)
    L.cell_para(left, "", size=12)
    L.cell_para(left, _award_field(d, n, "Số quyết định", head), size=12)
    L.cell_para(left, _award_field(d, n, "Số vào sổ", head), size=12)
    L.cell_para(right, head.place_date, size=14, italic=True)
    signer = _signer(level, d.signer)
    L.cell_para(right, signer.authority, size=14, bold=True)
    L.cell_para(right, signer.title, size=14, bold=True)
    for _ in range(3):
        L.cell_para(right, "", size=14)
    L.cell_para(right, signer.name or L.PLACEHOLDER_NAME, size=14, bold=True, highlight=signer.name is None)
    L.tidy(t)


def certificates_docx(ds: Dataset, code: str, *, plain: bool = False, proof: bool = False) -> bytes:
    """One page (one section) per award of a decided dossier: on the form's blank stock where
    ``MauIn`` has positions for it (unless ``plain``), else on plain A4 landscape. ``proof``
    draws each field's box (a test print to lay over the stock)."""
    d = dossier_data(ds, code)
    decided = _decided(d)
    awards = d.approved
    if not awards:
        raise DocumentError(f"Hồ sơ «{code}» không có ai được đồng ý khen thưởng: không có giấy khen, bằng khen "
                            "để in.")
    level = ds.tree.level(d.receiver)
    head = L.Letterhead.for_unit(d.receiver_name, d.receiver_parent, symbol="", issued=decided,
                                 province_name=d.province_name)
    positions = {} if plain else print_positions(ds)
    doc = _new_doc(title=f"Giấy khen, bằng khen theo Quyết định {d.decision_no}", author=d.receiver_name,
                   today=clock.today())
    for i, n in enumerate(awards):
        section = doc.sections[0] if i == 0 else doc.add_section(WD_SECTION.NEW_PAGE)
        for old in section._sectPr.findall(qn("w:pgBorders")):  # a new section copies the one before
            section._sectPr.remove(old)
        stock = positions.get(n.form.strip().casefold())
        if stock:
            _landscape(section, 0)
            _stock_page(doc, d, n, stock, head, proof)
        else:
            _landscape(section, 15)
            _page_border(section)
            _plain_page(doc, d, n, head, level)
    return _bytes(doc)


# --- files --------------------------------------------------------------------------------------------


def to_pdf(content: bytes, *, name: str = "tai-lieu") -> bytes:
    """A .docx converted to PDF by LibreOffice headless, in a temporary folder."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise DocumentError("Không tìm thấy LibreOffice (lệnh «soffice») trên máy này nên không chuyển được sang "
                            "PDF. Hãy cài LibreOffice, hoặc tải bản .docx và in từ Word.")
    with tempfile.TemporaryDirectory(prefix="tdkt-pdf-") as tmp:
        src = Path(tmp) / f"{name}.docx"
        src.write_bytes(content)
        profile = Path(tmp) / "profile"
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", tmp, str(src)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=300, env={**os.environ, "HOME": tmp})
        except subprocess.TimeoutExpired as exc:
            raise DocumentError("LibreOffice không chuyển xong tệp sang PDF trong 5 phút.") from exc
        out = Path(tmp) / f"{name}.pdf"
        if proc.returncode != 0 or not out.exists():
            detail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()
            raise DocumentError("LibreOffice không chuyển được tệp sang PDF"
                                + (f": {detail[-1]}" if detail else "."))
        return out.read_bytes()


def file_stem(code: str, kind: str) -> str:
    return {"to-trinh": f"to-trinh-{code}", "quyet-dinh": f"quyet-dinh-{code}",
            "giay-khen": f"giay-khen-{code}"}[kind]


def document(ds: Dataset, code: str, kind: str, *, fmt: str = "docx", plain: bool = False,
             proof: bool = False) -> tuple[str, bytes]:
    """``(file name, content)`` of a dossier's document: ``kind`` one of ``KINDS``, ``fmt``
    ``docx`` or ``pdf``."""
    if kind not in KINDS:
        raise DocumentError(f"Loại tài liệu «{kind}» không có; chọn một trong: {', '.join(KINDS)}.")
    if fmt not in ("docx", "pdf"):
        raise DocumentError(f"Định dạng «{fmt}» không có; chọn docx hoặc pdf.")
    if kind == "to-trinh":
        content = to_trinh_docx(ds, code)
    elif kind == "quyet-dinh":
        content = quyet_dinh_docx(ds, code)
    else:
        content = certificates_docx(ds, code, plain=plain, proof=proof)
    stem = file_stem(code, kind)
    if fmt == "pdf":
        return f"{stem}.pdf", to_pdf(content, name=stem)
    return f"{stem}.docx", content
