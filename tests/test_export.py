"""Downloads for people neutralise formula-like text (SPEC 5) and keep Vietnamese dates."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.export import neutralise, to_csv_bytes, to_xlsx_bytes

DANGEROUS = ["=1+1", "+84912345678", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", '=HYPERLINK("http://x","bấm")']


@pytest.mark.parametrize("text", DANGEROUS)
def test_neutralise_prefixes_formula_like_text(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Giấy khen", "", " =not first", "1.234", "'already", 5, -3, 2.5, None, True,
                                   date(2026, 1, 15)])
def test_neutralise_leaves_everything_else(value: object) -> None:
    assert neutralise(value) == value


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Tên": DANGEROUS + ["Công đoàn Trường Mầm non", None],
            "Số": [1, 2, -3, 4, 5, 6, 7, 8, 9],  # negative numbers stay numbers
            "Ngày": pd.to_datetime(["2026-01-15"] * 8 + [None]),
            "Có kế hoạch": [True, False, True, False, True, False, True, False, True],
        }
    )


def read_xlsx(data: bytes) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_xlsx_never_holds_a_formula_and_keeps_the_text() -> None:
    ws = read_xlsx(to_xlsx_bytes(frame(), "Đơn vị"))
    assert ws.title == "Đơn vị"
    assert [c.value for c in ws[1]] == ["Tên", "Số", "Ngày", "Có kế hoạch"]
    names = [ws.cell(row=r, column=1) for r in range(2, 11)]
    assert all(c.data_type != "f" for c in names)
    assert [c.value for c in names[:7]] == ["'" + t for t in DANGEROUS]
    assert names[7].value == "Công đoàn Trường Mầm non" and names[8].value is None
    assert [ws.cell(row=r, column=2).value for r in range(2, 11)] == [1, 2, -3, 4, 5, 6, 7, 8, 9]


def test_xlsx_dates_are_dates_shown_day_first_and_booleans_are_words() -> None:
    ws = read_xlsx(to_xlsx_bytes(frame(), "Đơn vị"))
    cell = ws.cell(row=2, column=3)
    assert cell.value == datetime(2026, 1, 15) and cell.number_format == "DD/MM/YYYY"
    assert ws.cell(row=10, column=3).value is None
    assert [ws.cell(row=r, column=4).value for r in (2, 3)] == ["Có", "Không"]
    assert ws.freeze_panes == "A2" and ws.cell(row=1, column=1).font.bold


def test_xlsx_sheet_title_is_made_valid_and_headers_are_neutralised() -> None:
    df = pd.DataFrame({"=cmd": ["x"]})
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df, "Báo cáo 6 tháng / năm [2026]: rất dài quá")))
    ws = wb.active
    assert len(ws.title) <= 31 and "/" not in ws.title and "[" not in ws.title
    assert ws.cell(row=1, column=1).value == "'=cmd"


def test_empty_frame_makes_valid_files() -> None:
    empty = pd.DataFrame({"Mã": pd.Series([], dtype=object)})
    ws = read_xlsx(to_xlsx_bytes(empty, "Trống"))
    assert [c.value for c in ws[1]] == ["Mã"] and ws.max_row == 1
    assert to_csv_bytes(empty).decode("utf-8-sig").strip() == "Mã"


def test_csv_is_utf8_with_bom_neutralised_and_day_first() -> None:
    data = to_csv_bytes(frame())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Tên", "Số", "Ngày", "Có kế hoạch"]
    assert [r[0] for r in rows[1:8]] == ["'" + t for t in DANGEROUS]
    assert rows[1][1:] == ["1", "15/01/2026", "Có"]
    assert rows[3][1] == "-3"  # a number, not neutralised
    assert rows[8][0] == "Công đoàn Trường Mầm non"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=9, max_codepoint=0x1EF9, exclude_categories=("Cs",)),
               max_size=12))
def test_any_text_round_trips_as_text_never_a_formula(text: str) -> None:
    clean = "".join(ch for ch in text if ord(ch) >= 32 or ch in "\t\r\n")
    ws = read_xlsx(to_xlsx_bytes(pd.DataFrame({"v": [clean]}), "T"))
    cell = ws.cell(row=2, column=1)
    assert cell.data_type != "f"
    expected = ("'" + clean) if clean.startswith(("=", "+", "-", "@", "\t", "\r")) else clean
    assert (cell.value or "") == expected
