"""Reports: every figure in the .docx and .xlsx is compute(...) for the same arguments; the
Nghị định 30 form (header, title, signature) is there; the as-of rules; `tdkt report`."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn

import cli
from components.fmt import num
from indicators.core import Results, compute
from reports import build as B
from reports.docx_report import cell_text, to_docx
from reports.xlsx_report import to_xlsx
from sheets import clock
from sheets import schema as S
from sheets.load import Dataset, load
from sheets.sources import open_source
from sheets.stores.memory import MemoryStore
from tests import fixtures as F

BIN = Path(sys.executable).parent / "tdkt"
CODES = list(S.INDICATOR_CODES)
SUMMARY_HEAD = ["Mã", "Chỉ tiêu", "Số đạt", "Tổng số", "Tỉ lệ (%)", "Chỉ tiêu (%)", "Đánh giá"]


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small() -> Dataset:
    return load(MemoryStore(F.province()))


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return load(open_source("demo"))


@pytest.fixture(scope="module")
def small_report(small: Dataset) -> B.Report:
    return B.build_report(small, None, 2025, S.PERIOD_YEAR, date(2025, 12, 31), today=date(2026, 1, 5))


@pytest.fixture(scope="module")
def small_docx(small_report: B.Report) -> DocumentObject:
    return Document(io.BytesIO(to_docx(small_report)))


@pytest.fixture(scope="module")
def demo_report(demo: Dataset) -> B.Report:
    return B.build_report(demo, None, 2026, S.PERIOD_YEAR)  # as-of today, 25/11/2026 (conftest)


@pytest.fixture(scope="module")
def demo_docx_bytes(demo_report: B.Report) -> bytes:
    return to_docx(demo_report)


# --- reading back ------------------------------------------------------------------------------


def grid(table: object) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]  # type: ignore[attr-defined]


def summary_rows(doc: DocumentObject) -> dict[str, list[str]]:
    """The summary table of the .docx, by indicator code."""
    for t in doc.tables:
        g = grid(t)
        if g and g[0] == SUMMARY_HEAD:
            return {r[0]: r for r in g[1:]}
    raise AssertionError("no summary table")


def pct_text(p: float | None) -> str:
    """Independent of the report code: one decimal, decimal comma."""
    return "—" if p is None else f"{p:.1f}".replace(".", ",")


def assert_docx_figures(doc: DocumentObject, res: Results) -> None:
    rows = summary_rows(doc)
    assert list(rows) == CODES
    for i in res.indicators:
        r = rows[i.code]
        assert int(r[2].replace(".", "")) == i.numerator, i.code
        assert int(r[3].replace(".", "")) == i.denominator, i.code
        assert r[4] == pct_text(i.percent), i.code
        assert r[5] == pct_text(i.threshold), i.code
        assert r[6] == ("—" if i.met is None else "Đạt" if i.met else "Chưa đạt"), i.code


def assert_model_figures(rep: B.Report, res: Results) -> None:
    """Every figure of the model: the summary, each target's total row, breakdowns adding up."""
    summary = rep.table("indicators")
    assert [r[0] for r in summary.rows] == CODES
    for r, i in zip(summary.rows, res.indicators, strict=True):
        assert r[2:6] == (i.numerator, i.denominator, i.percent, i.threshold)
    keys = {t.key for t in rep.tables()}
    for i in res.indicators:
        if f"target-{i.code}" not in keys:  # no breakdown: the sentence and the summary say it all
            continue
        t = rep.table(f"target-{i.code}")
        *parts, total = t.rows
        assert total == (B.TOTAL, i.numerator, i.denominator, i.percent, i.threshold, B.verdict(i))
        assert len(parts) >= 2  # never a one-row table
        assert sum(p[1] for p in parts) == i.numerator  # type: ignore[misc]
        assert sum(p[2] for p in parts) == i.denominator  # type: ignore[misc]
    missed = [i for i in res.indicators if i.met is False]
    for i in missed:  # the full list is in the annex workbook, not in the report
        behind = next(t for t in rep.annex if t.key == f"behind-{i.code}")
        assert len(behind.rows) == i.denominator - i.numerator
        assert f"behind-{i.code}" not in keys
    if missed:  # the appendix counts what is behind, by unit, adding up
        by_unit = rep.table("behind-by-unit")
        *parts, total = by_unit.rows
        for k, i in enumerate(missed, start=2):
            assert total[k] == i.denominator - i.numerator
            assert sum(p[k] for p in parts) == total[k]  # type: ignore[misc]


def assert_docx_matches_model(doc: DocumentObject, rep: B.Report) -> None:
    """The .docx shows each model table cell for cell (tables 1.. between header and signature)."""
    tables = rep.tables()
    body = [grid(t) for t in doc.tables]
    header, rest = body[0], body[1:]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[0][1]
    n_body = sum(1 for s in rep.sections for b in s.blocks if isinstance(b, B.Table))
    signature = rest[n_body]
    assert "Nơi nhận:" in signature[0][0]
    shown = rest[:n_body] + rest[n_body + 1:]
    assert len(shown) == len(tables)
    for g, t in zip(shown, tables, strict=True):
        assert g[0] == list(t.columns), t.key
        assert g[1:] == [[cell_text(v, f) for v, f in zip(r, t.formats, strict=True)] for r in t.rows], t.key


def sheet_titled(wb: openpyxl.Workbook, text: str) -> openpyxl.worksheet.worksheet.Worksheet:
    """The sheet of the table whose title (cell A1) contains ``text``."""
    return next(ws for ws in wb if text in str(ws["A1"].value or ""))


def paragraphs(doc: DocumentObject) -> list[str]:
    return [p.text for p in doc.paragraphs]


# --- the fixture province ------------------------------------------------------------------------


def test_fixture_report_figures_equal_compute(small: Dataset, small_report: B.Report, small_docx: DocumentObject) -> None:
    res = compute(small, 2025, date(2025, 12, 31))
    assert {i.code: (i.numerator, i.denominator) for i in res.indicators} == F.EXPECTED_2025
    assert_model_figures(small_report, res)
    assert_docx_figures(small_docx, res)
    assert_docx_matches_model(small_docx, small_report)


def test_fixture_xlsx_has_the_same_tables(small: Dataset, small_report: B.Report) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(small_report)))
    res = compute(small, 2025, date(2025, 12, 31))
    ws = wb["Bảng 1"]  # one table per sheet, named by its number
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    head = rows.index(SUMMARY_HEAD)
    assert head == 2 and ws.freeze_panes == "A4"
    for r, i in zip(rows[head + 1:head + 9], res.indicators, strict=True):
        assert r[0] == i.code
        assert (r[2], r[3], r[5]) == (i.numerator, i.denominator, i.threshold)
        assert r[4] == i.percent  # unrounded, shown with one decimal
    # every model table is in the workbook, cell for cell
    cells = {str(v) for w in wb for row in w.iter_rows(values_only=True) for v in row if v is not None}
    for t in small_report.tables():
        assert t.title in cells
    info = {r[0]: r[1] for r in wb["Thông tin"].iter_rows(min_row=4, values_only=True)}
    assert info["Năm"] == 2025 and info["Kỳ báo cáo"] == "Năm"


def test_fixture_header_title_and_signature(small_report: B.Report, small_docx: DocumentObject) -> None:
    header = grid(small_docx.tables[0])
    left = header[0][0]
    assert left.splitlines()[0] == "TỔNG LĐLĐ VIỆT NAM"  # the province's managing organ
    assert "LĐLĐ TỈNH" in left  # the unit's own name, upper case
    assert header[1][0].startswith("Số:") and header[1][0].endswith("/BC-LĐLĐ")
    assert header[0][1].splitlines()[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    # no place in "LĐLĐ tỉnh": a yellow placeholder; ND 30 zero padding
    assert header[1][1] == "[Địa danh], ngày 05 tháng 01 năm 2026"
    place = small_docx.tables[0].rows[1].cells[1].paragraphs[0].runs[0]
    assert place.text == "[Địa danh]" and place.font.highlight_color is not None
    text = paragraphs(small_docx)
    k = text.index("BÁO CÁO")
    assert text[k + 1].startswith("Kết quả thực hiện Kế hoạch số 48/KH-LĐLĐ") and text[k + 1].endswith("năm 2025")
    assert "[Đánh giá chung: …]" in text and "[Đề xuất, kiến nghị với cấp trên: …]" in text
    sig = next(grid(t) for t in small_docx.tables if "Nơi nhận:" in grid(t)[0][0])
    assert sig[0][1].split("\n")[:2] == ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"]
    assert "Lưu: VT, TĐKT." in sig[0][0]
    assert "PHỤ LỤC" in text  # what is behind, after the signature


def test_docx_font_is_times_new_roman_everywhere(small_docx: DocumentObject) -> None:
    runs = [r for p in small_docx.paragraphs for r in p.runs]
    runs += [r for t in small_docx.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs
    for r in runs:
        if not r.text:
            continue
        rfonts = r._element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsia")) == "Times New Roman"
        assert rfonts.get(qn("w:ascii")) == "Times New Roman"
        assert 11 <= r.font.size.pt <= 14
    body = [r.font.size.pt for p in small_docx.paragraphs for r in p.runs if r.text and len(p.text) > 80]
    assert body and all(13 <= s <= 14 for s in body)
    sec = small_docx.sections[0]
    assert round(sec.page_width.cm, 1) == 21.0 and round(sec.left_margin.cm, 1) == 3.0


def test_submissions_follow_o2_o3_and_remind(small: Dataset) -> None:
    year_end = B.submissions(small, 2025, S.PERIOD_YEAR, date(2025, 12, 31))
    by_unit = dict(zip(year_end["Mã đơn vị"], year_end["Tình trạng"], strict=True))
    assert by_unit["H1"] == B.LATE  # sent 21/12, the deadline of 2025 is 20/12 (KyBaoCao)
    assert by_unit["H4"] == B.NOT_SENT
    assert by_unit["C1"] == B.ON_TIME
    assert "H3" not in by_unit and "C2" not in by_unit  # dissolved by E
    res = compute(small, 2025, date(2025, 12, 31))
    for code in ("O2", "O3"):
        d = res[code].detail
        d = d[d["Kỳ"] == S.PERIOD_YEAR]
        assert dict(zip(d["Mã đơn vị"], d["Tình trạng"], strict=True)) == {
            u: s for u, s in by_unit.items() if u in set(d["Mã đơn vị"])}
    text = B.reminders(year_end, 2025, S.PERIOD_YEAR)
    assert "đã quá 20/12/2025" in text and "(H4)" in text and "(H1)" not in text

    early = B.submissions(small, 2025, S.PERIOD_HALF, date(2025, 6, 1))  # before the 15/06 deadline
    by_unit = dict(zip(early["Mã đơn vị"], early["Tình trạng"], strict=True))
    assert by_unit["C4"] == B.SENT_EARLY and by_unit["C3"] == B.NOT_DUE
    assert "hạn 15/06/2025" in B.reminders(early, 2025, S.PERIOD_HALF)
    summary = B.period_summary(small, 2025, date(2025, 12, 31)).set_index("Kỳ")
    # Năm: C1 on time; H1 late; H4, C3, C4, C5, C6 missing. 6 tháng: H1, H4, C1, C4 on time.
    assert summary.loc[S.PERIOD_YEAR, [B.ON_TIME, B.LATE, B.NOT_SENT]].tolist() == [1, 1, 5]
    assert summary.loc[S.PERIOD_HALF, B.ON_TIME] == 4
    assert summary[B.ON_TIME].sum() == res["O2"].numerator + res["O3"].numerator
    assert summary[[B.ON_TIME, B.LATE, B.NOT_SENT]].to_numpy().sum() == res["O2"].denominator + res["O3"].denominator


# --- the demo province -------------------------------------------------------------------------


def test_demo_report_equals_cli_indicators_json(demo: Dataset, demo_report: B.Report, demo_docx_bytes: bytes) -> None:
    today = clock.today()
    assert demo_report.as_of == today and demo_report.end == date(2026, 11, 25)
    out = subprocess.run([str(BIN), "indicators", "--source", "demo", "--year", "2026", "--as-of", today.isoformat(),
                          "--format", "json"], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    doc = Document(io.BytesIO(demo_docx_bytes))
    rows = summary_rows(doc)
    for i in data["indicators"]:
        r = rows[i["code"]]
        assert (int(r[2].replace(".", "")), int(r[3].replace(".", ""))) == (i["numerator"], i["denominator"])
        assert r[4] == pct_text(i["percent"]) and r[5] == pct_text(i["threshold"])
    res = compute(demo, 2026, today)
    # the CLI adds the optional year-end forecast for the current year (SPEC 8); the rest is equal
    assert [i.as_json() for i in res.indicators] == [
        {k: v for k, v in i.items() if k != "forecast"} for i in data["indicators"]]
    assert_model_figures(demo_report, res)
    assert_docx_matches_model(doc, demo_report)
    assert len(demo_report.charts()) >= 2
    assert len(doc.inline_shapes) == len(demo_report.charts())  # every chart is an embedded picture


def test_demo_upper_unit_half_year(demo: Dataset) -> None:
    rep = B.build_report(demo, "babe", 2025, S.PERIOD_HALF)
    res = compute(demo, 2025, date(2025, 6, 30), "BABE")
    assert (rep.unit, rep.as_of, rep.end) == ("BABE", date(2025, 6, 30), date(2025, 6, 30))
    assert rep.org_parent == "LĐLĐ TỈNH BẮC KẠN" and rep.org_name == "LIÊN ĐOÀN LAO ĐỘNG HUYỆN BA BỂ"
    assert rep.place == "Ba Bể" and rep.doc_symbol == "BC-LĐLĐ"
    assert rep.subtitle.endswith("6\u00a0tháng đầu năm 2025")  # never broken between "6" and "tháng"
    assert "Liên đoàn Lao động tỉnh Bắc Kạn (để b/c);" in rep.recipients
    assert_model_figures(rep, res)
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(rep)))
    rows = [list(r) for r in wb["Bảng 1"].iter_rows(values_only=True)]
    head = rows.index(SUMMARY_HEAD)
    assert [(r[2], r[3], r[4]) for r in rows[head + 1:head + 9]] == [
        (i.numerator, i.denominator, i.percent) for i in res.indicators]


# --- as-of rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "period", "today", "as_of", "expected"),
    [
        (2026, "6 tháng", date(2026, 11, 25), None, date(2026, 6, 30)),  # after June: stops at 30/06
        (2026, "6 tháng", date(2026, 3, 10), None, date(2026, 3, 10)),  # before: today
        (2025, "6 tháng", date(2026, 11, 25), None, date(2025, 6, 30)),
        (2026, "Năm", date(2026, 11, 25), None, date(2026, 11, 25)),  # as-of today
        (2025, "Năm", date(2026, 2, 20), None, date(2026, 2, 20)),  # today, so E = 31/12/2025
        (2025, "Năm", date(2026, 2, 20), date(2025, 12, 31), date(2025, 12, 31)),  # --as-of wins
        (2026, "6 tháng", date(2026, 11, 25), date(2026, 9, 1), date(2026, 6, 30)),  # never past 30/06
        (2026, "6 tháng", date(2026, 11, 25), date(2026, 5, 2), date(2026, 5, 2)),
    ],
)
def test_as_of_rules(year: int, period: str, today: date, as_of: date | None, expected: date) -> None:
    assert B.report_as_of(year, period, today=today, as_of=as_of) == expected


def test_annual_report_counts_next_year_decisions_like_the_cli(small: Dataset) -> None:
    # K5: a 2025 award decided 10/02/2026 -> in a 2025 annual report made in March 2026 (A = today)
    late = B.build_report(small, None, 2025, S.PERIOD_YEAR, today=date(2026, 3, 1))
    assert (late.as_of, late.end) == (date(2026, 3, 1), date(2025, 12, 31))
    assert late.results["T3"].as_json() == compute(small, 2025, date(2026, 3, 1))["T3"].as_json()
    assert (late.results["T3"].numerator, late.results["T3"].denominator) == (4, 6)
    on_time = B.build_report(small, None, 2025, S.PERIOD_YEAR, date(2025, 12, 31), today=date(2026, 3, 1))
    assert (on_time.results["T3"].numerator, on_time.results["T3"].denominator) == (3, 5)
    half = B.build_report(small, None, 2025, S.PERIOD_HALF, today=date(2026, 3, 1))
    assert half.as_of == date(2025, 6, 30)
    assert [i.as_json() for i in half.results.indicators] == [
        i.as_json() for i in compute(small, 2025, date(2025, 6, 30)).indicators]
    assert half.table("indicators").rows[7][2:4] == (2, 5)  # O3: only the 6-month reports (C1, C4) were due


def test_bad_arguments_raise_report_error(small: Dataset) -> None:
    with pytest.raises(B.ReportError, match="Kỳ báo cáo"):
        B.build_report(small, None, 2025, "Quý")
    with pytest.raises(B.ReportError, match="Không có đơn vị"):
        B.build_report(small, "XX", 2025, S.PERIOD_YEAR)
    with pytest.raises(B.ReportError, match="công đoàn cơ sở"):
        B.build_report(small, "C1", 2025, S.PERIOD_YEAR)


def test_xlsx_neutralises_formula_text(small: Dataset) -> None:
    sheets = F.province()
    exemplars = [dict(exemplar="DH1", year=2025, name="=HYPERLINK(\"http://x\")", kind="Cá nhân", unit="C1",
                      group="Công nhân, lao động trực tiếp", channels="Zalo", replicated="Có"),
                 dict(exemplar="DH2", year=2025, name="+84 tổ sản xuất", kind="Tập thể", unit="C4")]
    sheets["registry"]["DienHinh"] = F.grid(S.DIEN_HINH, exemplars)
    ds = load(MemoryStore(sheets))
    rep = B.build_report(ds, None, 2025, S.PERIOD_YEAR, date(2025, 12, 31))
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(rep)))
    values = [c for row in sheet_titled(wb, "Danh sách điển hình tiên tiến").iter_rows() for c in row if c.value is not None]
    names = {c.value: c for c in values if isinstance(c.value, str) and "HYPERLINK" in c.value or c.value == "'+84 tổ sản xuất"}
    assert "'=HYPERLINK(\"http://x\")" in names and "'+84 tổ sản xuất" in names
    assert all(c.data_type != "f" for c in values)
    # and the .docx shows the text as typed
    doc = Document(io.BytesIO(to_docx(rep, charts_on=False)))
    assert any("=HYPERLINK" in c.text for t in doc.tables for row in t.rows for c in row.cells)


# --- the command line ------------------------------------------------------------------------------


def test_cli_report_writes_docx_and_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bc" / "babe.docx"
    assert cli.main(["report", "--source", "demo", "--unit", "BABE", "--year", "2025", "--period", "6 tháng",
                     "--out", str(out)]) == 0
    assert "30/06/2025" in capsys.readouterr().out
    doc = Document(str(out))
    ds = load(open_source("demo"))
    assert_docx_figures(doc, compute(ds, 2025, date(2025, 6, 30), "BABE"))
    xlsx = tmp_path / "tinh.xlsx"
    assert cli.main(["report", "--source", "demo", "--year", "2025", "--period", "nam", "--as-of", "2025-12-31",
                     "--out", str(xlsx)]) == 0
    wb = openpyxl.load_workbook(xlsx)
    rows = [list(r) for r in wb["Bảng 1"].iter_rows(values_only=True)]
    head = rows.index(SUMMARY_HEAD)
    res = compute(ds, 2025, date(2025, 12, 31))
    assert [(r[2], r[3]) for r in rows[head + 1:head + 9]] == [(i.numerator, i.denominator) for i in res.indicators]


@pytest.mark.parametrize(
    "args",
    [
        ["--unit", "KHONGCO", "--year", "2025", "--period", "Năm"],  # unknown unit
        ["--unit", "BABE001", "--year", "2025", "--period", "Năm"],  # a grassroots union
        ["--year", "2025", "--period", "Quý"],  # bad period
        ["--year", "2025", "--period", "Năm", "--as-of", "31/12/2025"],  # bad date
        ["--year", "năm", "--period", "Năm"],  # bad year
        ["--period", "Năm"],  # missing year
    ],
)
def test_cli_report_bad_input_exits_2(args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.docx"
    assert cli.main(["report", "--source", "demo", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("tdkt:") and "\n" not in err and "Traceback" not in err
    assert not out.exists()


def test_cli_report_bad_output_or_source_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["report", "--source", "demo", "--year", "2025", "--period", "Năm",
                     "--out", str(tmp_path / "x.pdf")]) == 2
    assert ".docx hoặc .xlsx" in capsys.readouterr().err
    assert cli.main(["report", "--source", f"sqlite:{tmp_path / 'none.sqlite'}", "--year", "2025", "--period", "Năm",
                     "--out", str(tmp_path / "x.docx")]) == 2
    assert "Không tìm thấy" in capsys.readouterr().err


# --- rendered pages --------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_docx_converts_to_pdf(small_report: B.Report, tmp_path: Path) -> None:
    src = tmp_path / "bao-cao.docx"
    src.write_bytes(to_docx(small_report))
    subprocess.run(["libreoffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=120)
    pdf = tmp_path / "bao-cao.pdf"
    assert pdf.exists() and pdf.stat().st_size > 10_000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "TM. BAN THƯỜNG VỤ" in text
        assert num(small_report.results["T1B"].percent or 0, 1) in text


def _lines(t: B.Table, widths: list[float]) -> list[int]:
    from reports import docx_report as X

    space = X._text_cm(" ")
    rows = [[(n, True) for n in t.columns]] + [[(cell_text(r[i], f), False) for i, f in enumerate(t.formats)]
                                              for r in t.rows]
    return [max(X._wrapped_lines([X._text_cm(w, bold=b) for w in text.split()], space, width - X.PAD_CM)
                for (text, b), width in zip(row, widths, strict=True)) for row in rows]


def test_table_layout_fills_the_page_and_gives_width_where_it_saves_lines() -> None:
    from reports import docx_report as X

    long_name = "Thi đua lao động giỏi, lao động sáng tạo, bảo đảm an toàn vệ sinh lao động năm 2025"
    t = B.Table("t", "Bảng", ("STT", "Tên phong trào", "Ngày", "Tình trạng"), ("int", "text", "date", "text"),
                tuple((k, long_name, date(2025, 3, k), "Đúng hạn") for k in range(1, 9)))
    widths = X._col_widths(t)
    assert abs(sum(widths) - X.PAGE_WIDTH_CM) < 1e-6
    # no column is narrower than its longest word
    for i, f in enumerate(t.formats):
        longest = max(X._text_cm(w, bold=True) for w in t.columns[i].split())
        longest = max([longest] + [X._text_cm(w) for r in t.rows for w in cell_text(r[i], f).split()])
        assert widths[i] >= longest + X.PAD_CM - 1e-9
    # the long names get the room: every row fits on at most two lines, the short columns on one
    assert widths[1] == max(widths)
    assert max(_lines(t, widths)[1:]) <= 2


def test_table_layout_never_wraps_a_table_that_fits() -> None:
    from reports import docx_report as X

    t = B.Table("t", "Bảng", ("Mã", "Đơn vị", "Số đạt"), ("text", "text", "int"),
                tuple((f"U{k}", f"Công đoàn cơ sở số {k}", k) for k in range(30)))
    assert _lines(t, X._col_widths(t)) == [1] * 31


def test_reports_benchmark_section_measures_every_step_against_its_baseline() -> None:
    """`make bench`'s reports section (one run each, no timing asserted): every step timed, the
    baseline first, the .docx with charts costing more than the model it is made from."""
    from benchmarks import reports as RP
    from benchmarks import run

    result = RP.measure(1)
    rows = {r["name"]: r for r in result["rows"]}
    assert list(rows)[0] == RP.BASELINE and RP.GOAL in rows and len(rows) == 7
    assert all(len(r["wall"]) == len(r["cpu"]) == 1 and r["wall"][0] > 0 for r in rows.values())
    assert rows[RP.GOAL]["cpu"][0] > rows["model (build_report)"]["cpu"][0]
    text = run.render({"reports": result, "machine": {}}, write_docs=False)
    assert "Province annual report 2025" in text and "province annual report .docx: under 1.5 s" in text
    assert RP.verdict(result).startswith("Budget (issue 14)")
