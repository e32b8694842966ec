"""Reports read back as the officer who signs them would (issue 14, and "reports never fail
silently" of issue 12): the .docx and .xlsx state both dates, a 6-month report shows nothing
after its as-of, a report without data is short and says so, no phone number or e-mail goes
upward, the files are vi-VN with honest properties, the workbook is printable, and every
upper-level union's annual report renders through LibreOffice with its organ's name whole."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import warnings
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn

import cli
from reports import admin_layout as L
from reports import build as B
from reports import charts as RC
from reports.docx_report import _col_widths, _text_cm, cell_text, to_docx
from reports.xlsx_report import to_annex_xlsx, to_xlsx
from sheets import schema as S
from sheets.load import Dataset, load
from sheets.sources import open_source
from sheets.stores.memory import MemoryStore
from tests import fixtures as F

DATE = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")
PHONE = re.compile(r"(?<![\d/])(?:\+84|0)(?:[ .]?\d){8,10}(?![\d/])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
CI = os.environ.get("CI") == "true"


def need(tool: str) -> None:
    if shutil.which(tool) is None:
        if CI:
            pytest.fail(f"{tool} is missing in CI")
        pytest.skip(f"{tool} is not installed")


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return load(open_source("demo"))


@pytest.fixture(scope="module")
def small() -> Dataset:
    return load(MemoryStore(F.province()))


def docx_texts(doc: DocumentObject, *, header: bool = True) -> list[str]:
    """Every paragraph and table cell of the document, in order (header block optional)."""
    out = [p.text for p in doc.paragraphs]
    for k, t in enumerate(doc.tables):
        if k == 0 and not header:
            continue
        out += [c.text for row in t.rows for c in row.cells]
    return out


def xlsx_texts(data: bytes) -> list[str]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    out: list[str] = []
    for ws in wb:
        for row in ws.iter_rows(values_only=True):
            out += [v.strftime("%d/%m/%Y") if isinstance(v, datetime | date) else str(v) for v in row if v is not None]
    return out


def dates_in(texts: list[str]) -> list[date]:
    return [date(int(y), int(m), int(d)) for t in texts for d, m, y in DATE.findall(t)]


# --- dates ---------------------------------------------------------------------------------------


def test_both_dates_in_text_and_under_every_table(small: Dataset) -> None:
    # a 2025 annual report made on 01/03/2026: figures to E = 31/12/2025, decisions to A = 01/03/2026
    rep = B.build_report(small, None, 2025, S.PERIOD_YEAR, today=date(2026, 3, 1))
    assert (rep.end, rep.as_of) == (date(2025, 12, 31), date(2026, 3, 1))
    doc = Document(io.BytesIO(to_docx(rep, charts_on=False)))
    both = ("31/12/2025", "01/03/2026")
    assert all(d in rep.intro for d in both)
    assert any(all(d in p.text for d in both) for p in doc.paragraphs[:12])  # the opening paragraph
    # under every table of the body and the appendix: the paragraph that follows it names both
    body = doc.element.body
    tables = [el for el in body if el.tag == qn("w:tbl")][1:]  # after the header block
    notes = 0
    for tbl in tables:
        nxt = tbl.getnext()
        text = "".join(t.text or "" for t in nxt.iter(qn("w:t"))) if nxt is not None else ""
        if "Nơi nhận" in "".join(t.text or "" for t in tbl.iter(qn("w:t"))):
            continue  # the signature block
        assert all(d in text for d in both), text
        notes += 1
    assert notes == len(rep.tables()) >= 5
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(rep)))
    info = {r[0]: r[1] for r in wb["Thông tin"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert info["Số liệu của năm tính đến ngày (E)"].date() == date(2025, 12, 31)
    assert info["Khen thưởng theo quyết định đến ngày (A)"].date() == date(2026, 3, 1)
    for ws in list(wb)[1:]:
        assert any(all(d in str(v) for d in both) for row in ws.iter_rows(values_only=True) for v in row if v), ws.title
    # and when they are the same day, one date, no note
    same = B.build_report(small, None, 2025, S.PERIOD_YEAR, date(2025, 12, 31), today=date(2026, 3, 1))
    assert "riêng khen thưởng" not in same.intro and all(not t.note for t in same.tables())


def test_as_of_is_in_the_file_name(small: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = B.build_report(small, None, 2025, S.PERIOD_YEAR, date(2026, 1, 15), today=date(2026, 3, 1))
    b = B.build_report(small, None, 2025, S.PERIOD_YEAR, date(2026, 2, 20), today=date(2026, 3, 1))
    assert a.file_stem != b.file_stem and a.file_stem.endswith("-den-2026-01-15")
    out = tmp_path / "bc"
    assert cli.main(["report", "--source", "demo", "--unit", "PN", "--year", "2025", "--period", "Năm",
                     "--as-of", "2026-01-10", "--out", f"{out}/", "--annex"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["bao-cao-tdkt-PN-nam-2025-den-2026-01-10-danh-sach.xlsx", "bao-cao-tdkt-PN-nam-2025-den-2026-01-10.docx"]
    assert "10/01/2026" in capsys.readouterr().out


def test_six_month_report_shows_nothing_after_its_as_of(demo: Dataset) -> None:
    half = B.build_report(demo, None, 2025, S.PERIOD_HALF, today=date(2026, 11, 25))
    year = B.build_report(demo, None, 2025, S.PERIOD_YEAR, date(2025, 12, 31), today=date(2026, 11, 25))
    assert half.as_of == half.end == date(2025, 6, 30)
    doc = Document(io.BytesIO(to_docx(half, charts_on=False)))
    texts = docx_texts(doc, header=False)  # the header's place and date is the day of issue
    shown = dates_in(texts) + dates_in(xlsx_texts(to_xlsx(half))[2:]) + dates_in(xlsx_texts(to_annex_xlsx(half)))
    issued = half.issued.strftime("%d/%m/%Y")
    shown = [d for d in shown if d.strftime("%d/%m/%Y") != issued]  # «Ngày lập» of the workbook
    assert shown and max(shown) <= date(2025, 6, 30), max(shown)
    # the exemplars are those of the first half, not the year's
    half_ex = B.exemplars_in_report(demo, half.results)
    year_ex = B.exemplars_in_report(demo, year.results)
    assert len(half_ex) < len(year_ex)
    assert (half_ex["publicised"].dropna() <= "2025-06-30").all()
    # a report sent after 30/06 is not in any list of the 6-month report
    for t in half.annex:
        if "Ngày gửi" in t.columns:
            k = t.columns.index("Ngày gửi")
            assert all(r[k] is None or r[k] <= date(2025, 6, 30) for r in t.rows)  # type: ignore[operator]


def test_on_time_only_when_a_review_was_due(demo: Dataset) -> None:
    rep = B.build_report(demo, None, 2025, S.PERIOD_HALF, today=date(2026, 11, 25))
    t = next(t for t in (*rep.tables(), *rep.annex) if t.key == "movements")
    ci = {c: k for k, c in enumerate(t.columns)}
    statuses = [r[ci["Tình trạng"]] for r in t.rows]
    assert B.ON_TIME in statuses and "Chưa đến hạn sơ kết, tổng kết" in statuses
    for r in t.rows:
        if r[ci["Tình trạng"]] == B.ON_TIME:  # a review was held (a date), none is only "not yet due"
            assert DATE.search(str(r[ci["Sơ kết"]])) or DATE.search(str(r[ci["Tổng kết"]]))


# --- no data, years ---------------------------------------------------------------------------------


def test_no_data_report_is_short_and_says_so(demo: Dataset, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    rep = B.build_report(demo, "PN", 2027, S.PERIOD_YEAR, today=date(2026, 11, 25))  # next year: no rows yet
    assert not rep.has_data and not rep.appendix and not rep.annex and not rep.tables()
    doc = Document(io.BytesIO(to_docx(rep)))
    body = [p.text for p in doc.paragraphs if p.text.strip()]
    first = body[body.index("BÁO CÁO") + 2]  # the paragraph after the title and trích yếu
    assert first.startswith("Chưa có số liệu") and "năm 2027" in first
    assert len(doc.tables) == 2 and not doc.inline_shapes  # the header block and the signature only
    assert sum(len(t) for t in body) < 1500
    assert not any("Chưa đạt" in t for t in docx_texts(doc))
    out = tmp_path / "pn.docx"
    assert cli.main(["report", "--source", "demo", "--unit", "PN", "--year", "2027", "--period", "Năm",
                     "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "cảnh báo: chưa có số liệu" in captured.err and out.exists()


@pytest.mark.parametrize("year", [2019, 2028, 1925])
def test_years_outside_2020_to_next_year_are_refused(small: Dataset, year: int, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(B.ReportError, match=f"Năm {year} không hợp lệ.*2020 đến 2027"):
        B.build_report(small, None, year, S.PERIOD_YEAR, today=date(2026, 11, 25))
    out = tmp_path / "x.docx"
    assert cli.main(["report", "--source", "demo", "--year", str(year), "--period", "Năm", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"năm {year}" in err and "2020" in err and "2027" in err and not out.exists()


def test_app_offers_only_years_2020_to_next_year_and_says_when_there_is_no_data() -> None:
    """The Báo cáo page: the year can only be chosen in B.check_year's range (a year outside it
    cannot be asked for), and next year's report says in Vietnamese that there is no data yet."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../app.py", default_timeout=120)
    at.session_state["actor"] = "lanhdao@demo.tdkt.vn"
    at.run()
    at.switch_page("views/bao_cao.py").run()
    assert not at.exception, at.exception
    today = date.fromisoformat(os.environ["TDKT_TODAY"])
    years = at.selectbox(key="bc_year").options
    assert sorted(int(y) for y in years) == list(range(B.FIRST_YEAR, today.year + 2))
    for bad in (B.FIRST_YEAR - 1, today.year + 2):
        with pytest.raises(B.ReportError, match=f"Năm {bad} không hợp lệ"):
            B.check_year(bad, today)
    at.selectbox(key="bc_unit").select("TPBK")  # no row of next year yet (the province has a plan)
    at.selectbox(key="bc_year").select(today.year + 1)
    at.selectbox(key="bc_period").select(S.PERIOD_YEAR)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any(w.value.startswith("Chưa có số liệu") for w in at.warning), [w.value for w in at.warning]


# --- what goes upward ---------------------------------------------------------------------------------


def test_no_phone_number_or_email_anywhere(demo: Dataset) -> None:
    officers = demo.frames["CanBo"]
    phones = {re.sub(r"\D", "", str(p)) for p in officers["phone"].dropna()}
    emails = {str(e).casefold() for e in officers["email"].dropna()}
    assert phones and emails  # the demo has them, so the test can fail
    for unit, period in ((None, S.PERIOD_YEAR), ("NR", S.PERIOD_HALF)):
        rep = B.build_report(demo, unit, 2025, period, today=date(2026, 11, 25))
        assert rep.results["T4"].met is False  # untrained officers: the list that carried phones
        texts = docx_texts(Document(io.BytesIO(to_docx(rep, charts_on=False))))
        texts += xlsx_texts(to_xlsx(rep)) + xlsx_texts(to_annex_xlsx(rep))
        blob = "\n".join(texts)
        assert not EMAIL.search(blob)
        assert not PHONE.search(blob), PHONE.search(blob)
        digits = [re.sub(r"\D", "", t) for t in texts]
        assert not [p for p in phones if len(p) >= 9 and any(p in d for d in digits)]
        assert not [e for e in emails if e in blob.casefold()]
        assert any(t.key == "behind-T4" and "Họ tên" in t.columns for t in rep.annex)  # names, for the unit


def test_appendix_counts_by_unit_and_full_lists_go_to_the_annex(demo: Dataset) -> None:
    rep = B.build_report(demo, None, 2025, S.PERIOD_YEAR, date(2025, 12, 31), today=date(2026, 11, 25))
    assert len(rep.appendix) == 1
    (table,) = [b for b in rep.appendix[0].blocks if isinstance(b, B.Table)]
    assert table.columns[:2] == ("STT", "Đơn vị") and all(f == "int" for f in table.formats[2:])
    assert len(table.rows) <= 15  # the province's units one level down, not 242 officers
    wb = openpyxl.load_workbook(io.BytesIO(to_annex_xlsx(rep)))
    lists = {ws.title: ws.max_row - 3 for ws in list(wb)[1:]}
    for ind in rep.results.indicators:
        if ind.met is False:
            assert lists[ind.code] == ind.denominator - ind.numerator


# --- the files ---------------------------------------------------------------------------------------


def test_docx_language_and_properties(demo: Dataset) -> None:
    rep = B.build_report(demo, "BABE", 2025, S.PERIOD_HALF, today=date(2026, 11, 25))
    doc = Document(io.BytesIO(to_docx(rep, charts_on=False)))
    langs = [el.get(qn("w:val")) for el in doc.styles.element.iter(qn("w:lang"))]
    assert langs and set(langs) == {"vi-VN"}
    assert doc.settings.element.find(qn("w:themeFontLang")).get(qn("w:val")) == "vi-VN"
    cp = doc.core_properties
    assert cp.language == "vi-VN"
    assert cp.author == cp.last_modified_by == "Liên đoàn Lao động huyện Ba Bể"
    assert cp.title.startswith("BÁO CÁO Kết quả thực hiện Kế hoạch số 48/KH-LĐLĐ") and "6 tháng" in cp.title
    assert cp.created.date() == cp.modified.date() == date(2026, 11, 25) and cp.revision == 1
    assert "python-docx" not in f"{cp.author}{cp.comments}{cp.last_modified_by}{cp.title}"


def test_xlsx_frozen_headers_borders_formats_and_print_setup(demo: Dataset) -> None:
    rep = B.build_report(demo, None, 2025, S.PERIOD_YEAR, date(2025, 12, 31), today=date(2026, 11, 25))
    for data in (to_xlsx(rep), to_annex_xlsx(rep)):
        wb = openpyxl.load_workbook(io.BytesIO(data))
        assert wb.properties.creator == rep.unit_name
        for ws in wb:
            assert ws.freeze_panes == "A4", ws.title
            assert ws.print_title_rows == "$3:$3", ws.title
            assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and ws.page_setup.fitToWidth == 1
            assert ws.sheet_properties.pageSetUpPr.fitToPage
            head = [c for c in ws[3] if c.value is not None]
            assert head and all(c.border.top.style == "thin" and c.font.b for c in head)
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(rep)))
    info = wb["Thông tin"]
    year = next(r[1] for r in info.iter_rows(min_row=4) if r[0].value == "Năm")
    assert year.value == 2025 and year.number_format == "0"  # never "2,025"
    ws = wb["Bảng 1"]
    pct = ws.cell(row=4, column=5)
    assert isinstance(pct.value, float) and pct.number_format.endswith("0.0") and "[$-42A]" in pct.number_format
    titles = [str(ws["A1"].value) for ws in list(wb)[1:]]
    assert len(titles) == len(rep.tables())  # one table per sheet
    assert all(f"{t.title}" in titles for t in rep.tables())


def test_control_characters_are_cleaned_and_the_files_are_made(small: Dataset) -> None:
    sheets = F.province()
    awards = [dict(F.AWARDS_REGISTRY[0], award="KVT", form="Bằng khen\x0bcủa LĐLĐ tỉnh\x07", name="Lê\x0cVăn C")]
    sheets["registry"]["KhenThuong"] = F.grid(S.KHEN_THUONG, [*F.AWARDS_REGISTRY, *awards])
    ds = load(MemoryStore(sheets))
    rep = B.build_report(ds, None, 2025, S.PERIOD_YEAR, date(2025, 12, 31), today=date(2026, 1, 5))
    docx, xlsx, annex = to_docx(rep), to_xlsx(rep), to_annex_xlsx(rep)  # none raises
    texts = docx_texts(Document(io.BytesIO(docx))) + xlsx_texts(xlsx) + xlsx_texts(annex)
    assert not [t for t in texts if re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", t)]
    assert any("Bằng khen" in t and "của LĐLĐ tỉnh" in t for t in texts)
    # and the renderers themselves never take a control character, whatever reaches them
    t = B.Table("x", "Bảng\x0b x", ("Hình thức", "Số"), ("text", "int"), (("a\x0bb\x1f", 1), ("c", 2)))
    rep2 = B.Report(**{**rep.__dict__, "sections": (B.Section("I. X", (t,)),), "appendix": (), "annex": (t,)})
    assert Document(io.BytesIO(to_docx(rep2, charts_on=False))).tables[1].rows[1].cells[0].text == "a b "
    assert "a b " in xlsx_texts(to_xlsx(rep2)) or "ab" in xlsx_texts(to_xlsx(rep2))


# --- layout ---------------------------------------------------------------------------------------------


def test_organ_names_break_between_words_and_fit(demo: Dataset) -> None:
    tree = demo.tree
    upper = [c for c in tree.units.index if tree.level(c) in (S.LEVEL_UPPER, S.LEVEL_PROVINCE)]
    assert len(upper) >= 12
    for code in upper:
        name = tree.name(code).upper()
        lines = L.organ_lines(name)
        assert " ".join(lines) == " ".join(name.split())  # whole words, nothing lost
        assert all(L.text_cm(x, L.HEAD_PT, True) <= L.HEADER_LEFT_CM - 0.3 for x in lines), lines
        if len(lines) == 2 and "HUYỆN" in name:
            assert lines[1].startswith("HUYỆN")  # the place on its own line: "… / HUYỆN PÁC NẶM"
    assert L.organ_lines("LIÊN ĐOÀN LAO ĐỘNG HUYỆN PÁC NẶM") == ["LIÊN ĐOÀN LAO ĐỘNG", "HUYỆN PÁC NẶM"]
    assert L.organ_lines("CÔNG ĐOÀN NGÀNH GIÁO DỤC TỈNH BẮC KẠN") == ["CÔNG ĐOÀN NGÀNH GIÁO DỤC", "TỈNH BẮC KẠN"]


def test_header_block_on_the_margin_and_six_months_unbroken(demo: Dataset) -> None:
    rep = B.build_report(demo, "PN", 2025, S.PERIOD_HALF, today=date(2026, 11, 25))
    doc = Document(io.BytesIO(to_docx(rep, charts_on=False)))
    tbl = doc.tables[0]._tbl
    ind = tbl.tblPr.find(qn("w:tblInd"))
    assert ind is not None and int(ind.get(qn("w:w"))) == 0
    mar = tbl.tblPr.find(qn("w:tblCellMar"))
    assert int(mar.find(qn("w:left")).get(qn("w:w"))) == 0
    widths = [int(g.get(qn("w:w"))) for g in tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(sum(widths) / 567 - L.PAGE_WIDTH_CM) < 0.05  # as wide as the text, not 1 cm outside
    left = doc.tables[0].rows[0].cells[0].text.splitlines()
    assert left[1:3] == ["LIÊN ĐOÀN LAO ĐỘNG", "HUYỆN PÁC NẶM"]
    subtitle = next(p.text for p in doc.paragraphs if p.text.startswith("Kết quả thực hiện"))
    assert "6\u00a0tháng" in subtitle and "6 tháng" not in subtitle


def test_short_values_never_wrap(demo: Dataset) -> None:
    rep = B.build_report(demo, None, 2025, S.PERIOD_YEAR, date(2025, 12, 31), today=date(2026, 11, 25))
    from reports.docx_report import PAD_CM, SHORT_CHARS

    for t in rep.tables():
        widths = _col_widths(t)
        assert abs(sum(widths) - L.PAGE_WIDTH_CM) < 0.01
        for r in t.rows:
            for k, (v, f) in enumerate(zip(r, t.formats, strict=True)):
                text = cell_text(v, f)
                if len(text) <= SHORT_CHARS:
                    bold = t.total and r is t.rows[-1]
                    assert _text_cm(text, bold=bool(bold)) <= widths[k] - PAD_CM + 1e-6, (t.key, text)


def test_a_percent_never_parts_from_its_number(demo: Dataset) -> None:
    """"đạt 90,9 %" with a non-breaking space: LibreOffice broke "90,9" / "%" over two lines."""
    rep = B.build_report(demo, None, 2025, S.PERIOD_YEAR, today=date(2026, 1, 10))
    blob = "\n".join(docx_texts(Document(io.BytesIO(to_docx(rep, charts_on=False)))))
    assert re.search(r"\d\u00a0%", blob)  # the sentences do state percents
    assert not re.search(r"\d[ \t]+%", blob), re.search(r".{30}\d[ \t]+%", blob)


def test_tables_keep_together_or_repeat_their_header(demo: Dataset) -> None:
    """Every table's header row repeats on a new page, no row splits over two pages, and a small
    table (up to KEEP_ROWS rows) holds together, so "Tổng cộng" never stands alone."""
    from reports.docx_report import KEEP_ROWS

    rep = B.build_report(demo, None, 2025, S.PERIOD_YEAR, today=date(2026, 1, 10))
    doc = Document(io.BytesIO(to_docx(rep, charts_on=False)))
    data = [t for t in doc.tables if t.rows[0].cells[0].text in ("Mã", "Đơn vị", "STT", "Nội dung", "Cấp khen",
                                                                  "Hình thức", "Loại khen thưởng", "Nhóm đối tượng",
                                                                  "Giới tính", "Loại", "Kênh tuyên truyền")]
    assert len(data) == len(rep.tables())
    small = 0
    for t in data:
        trs = t._tbl.tr_lst
        assert trs[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None for tr in trs[1:])
        if len(trs) - 1 <= KEEP_ROWS:
            small += 1
            for row in t.rows[:-1]:  # each row but the last keeps with the next
                assert all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
    assert small >= 3  # the demo has small tables, so the rule is exercised


def test_printed_chart_texts_stay_inside_the_picture(demo: Dataset) -> None:
    """The margins are computed from the texts (not tight_layout): no label is cut off."""
    rep = B.build_report(demo, None, 2025, S.PERIOD_YEAR, today=date(2026, 1, 10))
    assert rep.charts()
    for c in rep.charts():
        fig = RC.figure(c)
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        w, h = fig.canvas.get_width_height()
        ax = fig.axes[0]
        lo, hi = ax.get_xlim()
        xticks = [t for t in ax.get_xticklabels() if lo <= t.get_position()[0] <= hi]  # those drawn
        assert len(xticks) >= 3
        texts = [*ax.get_yticklabels(), *xticks, ax.xaxis.label, fig._suptitle, *ax.texts]
        for t in texts:
            if t.get_text():
                box = t.get_window_extent(r)
                assert box.x0 >= -0.5 and box.y0 >= -0.5 and box.x1 <= w + 0.5 and box.y1 <= h + 0.5, (
                    c.key, t.get_text(), box, (w, h))
        # and the axes use the room: the longest bar label ends within a few points of the plot
        left = max(t.get_window_extent(r).x1 for t in ax.get_yticklabels())
        assert ax.get_window_extent(r).x0 - left < 20 * fig.dpi / 72
        RC._mpl().close(fig)


def test_every_placeholder_is_yellow_and_the_header_comes_from_donvi(demo: Dataset) -> None:
    """What a person must write ("[Đánh giá chung: …]", "[Họ và tên]") is highlighted yellow;
    the place, the organ and the signer's title come from DonVi (PN: huyện Pác Nặm, an
    upper-level union, signs for its Ban Thường vụ)."""
    from docx.enum.text import WD_COLOR_INDEX

    rep = B.build_report(demo, "PN", 2025, S.PERIOD_YEAR, today=date(2026, 1, 10))
    doc = Document(io.BytesIO(to_docx(rep, charts_on=False)))
    runs = [r for p in doc.paragraphs for r in p.runs]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    holders = [r for r in runs if re.fullmatch(r"\[[^\]]+\]", r.text.strip())]
    assert len(holders) >= 8 and any(r.text == "[Họ và tên]" for r in holders)
    assert all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in holders), [
        r.text for r in holders if r.font.highlight_color != WD_COLOR_INDEX.YELLOW]
    assert not any(r.font.highlight_color is not None for r in runs if r not in holders)
    header = doc.tables[0].rows
    assert header[1].cells[1].text == "Pác Nặm, ngày 10 tháng 01 năm 2026"
    assert "LIÊN ĐOÀN LAO ĐỘNG\nHUYỆN PÁC NẶM" in header[0].cells[0].text
    sig = next(t for t in doc.tables if "Nơi nhận:" in t.rows[0].cells[0].text)
    assert sig.rows[0].cells[1].text.split("\n")[:2] == ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"]


def test_no_one_row_tables_or_one_bar_charts(demo: Dataset) -> None:
    for unit in (None, "PN", "VC"):
        for period in S.PERIODS:
            rep = B.build_report(demo, unit, 2025, period, today=date(2026, 11, 25))
            for t in rep.tables():
                assert len(t.rows) - (1 if t.total else 0) >= 2, (unit, period, t.key)
            for c in rep.charts():
                assert len(c.data) >= 2, (unit, period, c.key)


def test_printed_charts_have_vietnamese_glyphs_and_whole_counts(demo: Dataset) -> None:
    if not RC.vietnamese_fonts():
        if CI:
            pytest.fail("Liberation Serif 2 (fonts-liberation2) is missing in CI")
        pytest.skip("Liberation Serif 2 is not installed")
    rep = B.build_report(demo, None, 2025, S.PERIOD_YEAR, date(2025, 12, 31), today=date(2026, 11, 25))
    small = B.Chart("k", "Khen thưởng theo cấp khen", "stacked", __import__("pandas").DataFrame(
        [{"Nhóm": "Cơ sở", "Đối tượng": "Cá nhân", "Số lượng": 2}, {"Nhóm": "Cơ sở", "Đối tượng": "Tập thể", "Số lượng": 1},
         {"Nhóm": "Nhà nước", "Đối tượng": "Cá nhân", "Số lượng": 1}]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns on every glyph a font lacks
        for c in [*rep.charts(), small]:
            fig = RC.figure(c)
            fonts = {t.get_fontname() for t in fig.findobj(lambda a: hasattr(a, "get_fontname"))}
            assert fonts == {"Liberation Serif"}, fonts
            fig.canvas.draw()
            if c.kind in ("stacked", "channels"):
                ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
                assert ticks and all(re.fullmatch(r"[−-]?\d+", t) for t in ticks), ticks
                assert len(set(ticks)) == len(ticks)  # never "0 1 1 1 2 2"
            if c.kind == "indicators":  # met and missed differ by more than colour: hatching and words
                hatches = {p.get_hatch() for p in fig.axes[0].patches}
                assert len(hatches) >= 2
                words = {t.get_text().rsplit("· ", 1)[-1] for t in fig.axes[0].texts}
                assert {"Đạt", "Chưa đạt"} <= words
            RC._mpl().close(fig)


# --- rendered through LibreOffice -------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(demo: Dataset, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every upper-level union's and the province's 2025 annual report, as PDF (one soffice run)."""
    need("soffice")
    need("pdftotext")
    tree = demo.tree
    units = [tree.root, *[c for c in tree.children[tree.root] if tree.level(c) == S.LEVEL_UPPER]]
    out = tmp_path_factory.mktemp("pdf")
    for u in units:
        rep = B.build_report(demo, u, 2025, S.PERIOD_YEAR, date(2025, 12, 31), today=date(2026, 1, 10))
        (out / f"{u}.docx").write_bytes(to_docx(rep))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{out}/lo", "--convert-to", "pdf",
                    "--outdir", str(out), *[str(out / f"{u}.docx") for u in units]],
                   check=True, capture_output=True, timeout=600)
    return {str(u): out / f"{u}.pdf" for u in units}


def pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")


def test_every_upper_union_first_page_shows_its_organ_whole(demo: Dataset, rendered: dict[str, Path]) -> None:
    assert len(rendered) == 12
    for code, pdf in rendered.items():
        first = pages(pdf)[0]
        lines = [re.sub(r"\s{2,}.*", "", x.strip()) for x in first.splitlines() if x.strip()]
        for part in L.organ_lines(demo.tree.name(code).upper()):
            assert part in lines, (code, part, lines[:8])  # each line of the name printed whole
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "BÁO CÁO" in first


def test_province_annual_report_is_at_most_15_pages(rendered: dict[str, Path], demo: Dataset) -> None:
    n = len(pages(rendered[str(demo.tree.root)])) - 1  # the text ends with a form feed
    assert 3 <= n <= 15, n
