"""sheets.importer: read an upload or pasted cells, check every row as the door would, write all or nothing.

Uses the commented fixture province (tests/fixtures.py): H1 is a district with C1, C3, C6;
h1@x.vn is its officer, train@x.vn its training coordinator, admin@x.vn the administrator.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from sheets import clock, importer, templates
from sheets.errors import ValidationError
from sheets.load import load
from sheets.stores.memory import MemoryStore
from tests import fixtures as F


@pytest.fixture(autouse=True)
def _today() -> Any:
    clock.set_now("2025-12-31T10:00:00")
    yield
    clock.set_now(None)


@pytest.fixture()
def store() -> MemoryStore:
    return MemoryStore(F.province())


def filled(tab: str, rows: list[list[Any]], *, title: str | None = None) -> bytes:
    """A template of ``tab`` filled from row 2, as a person would save it from Excel."""
    wb = load_workbook(io.BytesIO(templates.template_workbook_bytes(tab)))
    ws = wb[tab]
    if title:
        ws.title = title
    for r, line in enumerate(rows, start=2):
        for c, v in enumerate(line, start=1):
            ws.cell(r, c).value = v
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


PLAN_OK = [
    [2025, "c6", "co", "05/KH", "15/01/2025", "x"],  # lower-case code, yes typed loosely: fine
    [2025, "C3", "Có", None, None, "Không"],
]


# --- reading -----------------------------------------------------------------------------------
def test_read_xlsx_finds_the_tab_and_keeps_cell_types() -> None:
    grid, title, problems = importer.read_xlsx(filled("KeHoach", PLAN_OK), "KeHoach")
    assert problems == [] and title == "KeHoach"
    assert grid[0][:2] == ["Năm", "Mã đơn vị"]
    assert grid[1][0] == 2025 and grid[1][1] == "c6"  # a number stays a number


def test_read_xlsx_takes_a_single_sheet_whatever_its_name() -> None:
    grid, title, problems = importer.read_xlsx(filled("KeHoach", PLAN_OK, title="Trang tính1"), "KeHoach")
    assert not problems and title == "Trang tính1" and len(grid) == 3


def test_read_xlsx_reports_a_missing_tab_and_a_broken_file() -> None:
    wb = Workbook()
    wb.active.title = "Một"  # type: ignore[union-attr]
    wb.create_sheet("Hai")
    buf = io.BytesIO()
    wb.save(buf)
    grid, _, problems = importer.read_xlsx(buf.getvalue(), "KeHoach")
    assert grid == [] and "Không có trang «KeHoach»" in problems[0].message
    grid, _, problems = importer.read_xlsx(b"not a workbook", "KeHoach", filename="x.xlsx")
    assert grid == [] and "Không đọc được tệp" in problems[0].message and problems[0].spreadsheet == "x.xlsx"


def test_pasted_cells_with_or_without_a_header() -> None:
    cols = ["Tên người hoặc tập thể", "Mã đơn vị"]
    grid, first = importer.grid_from_text("Tên người hoặc tập thể\tMã đơn vị\nAn\tC1\n", "KhenThuong", columns=cols)
    assert first == 1 and grid == [["Tên người hoặc tập thể", "Mã đơn vị"], ["An", "C1"]]
    # no header: read in the given order, and line 1 is row 1; extra cells are ignored
    grid, first = importer.grid_from_text('An\tC1\tthừa\r\n"Tổ\tmột\nhai"\tC3\n\n', "KhenThuong", columns=cols)
    assert first == 0
    assert grid == [cols, ["An", "C1"], ["Tổ\tmột\nhai", "C3"]]  # quoted cells keep tabs and newlines


# --- checking ----------------------------------------------------------------------------------
def test_valid_upload_checks_clean(store: MemoryStore) -> None:
    grid, title, _ = importer.read_xlsx(filled("KeHoach", PLAN_OK), "KeHoach")
    checked = importer.check(load(store), "KeHoach", grid, "h1@x.vn", sheet_title=title)
    assert checked.ok and checked.lines == [2, 3] and checked.errors == []


def test_every_bad_row_is_reported_with_its_row_number(store: MemoryStore) -> None:
    rows: list[list[Any]] = [
        *PLAN_OK,
        [None, None, None, None, None, None],  # blank: skipped, but row numbers keep counting
        ["hai nghìn", "C1", "Có", None, None, "Có"],  # row 5: bad year
        [2025, "C4", "Có", None, None, "Có"],  # row 6: C4 is the province's, outside H1
        [2025, "ZZ", "Có", None, None, "Có"],  # row 7: unknown unit
        [2025, "C1", "Có", None, "31/02/2025", "Có"],  # row 8: impossible optional date -> warning only
    ]
    grid, _, _ = importer.read_xlsx(filled("KeHoach", rows), "KeHoach")
    checked = importer.check(load(store), "KeHoach", grid, "h1@x.vn", source="ke-hoach.xlsx")
    assert not checked.ok
    assert checked.bad_lines == [5, 6, 7]
    by_row = {p.row: p for p in checked.errors}
    assert by_row[5].column == "Năm"
    assert "ngoài phạm vi" in by_row[6].message and by_row[6].value == "C4"
    assert "không có trong danh sách đơn vị" in by_row[7].message
    assert [p.row for p in checked.warnings] == [8]
    report = checked.report()
    assert list(report.columns) == ["Dòng", "Mức", "Cột", "Giá trị đã nhập", "Vấn đề", "Cách sửa"]
    assert set(report["Mức"]) == {"Lỗi", "Cảnh báo"}


def test_role_and_tab_checked_for_the_whole_upload(store: MemoryStore) -> None:
    ds = load(store)
    grid, _, _ = importer.read_xlsx(filled("KeHoach", PLAN_OK), "KeHoach")
    trainer = importer.check(ds, "KeHoach", grid, "train@x.vn")
    assert not trainer.ok and "không được ghi vào trang KeHoach" in trainer.errors[0].message
    stranger = importer.check(ds, "KeHoach", grid, "ai@x.vn")
    assert not stranger.ok and "chưa được cấp quyền" in stranger.errors[0].message


def test_attendance_checks_course_officer_and_organiser(store: MemoryStore) -> None:
    ds = load(store)
    grid = [["Mã khóa", "Mã cán bộ", "Có mặt"],
            ["KH1", "CB7", "Có"],  # H1's course: fine
            ["NOPE", "CB1", "Có"],  # unknown course
            ["KH1", "CB99", "Có"],  # unknown officer
            ["KH2", "CB1", "Có"]]  # the province's course: outside the coordinator's subtree
    checked = importer.check(ds, "DiemDanh", grid, "train@x.vn")
    assert checked.bad_lines == [3, 4, 5]
    assert "ngoài phạm vi" in {p.row: p for p in checked.errors}[5].message


def test_missing_required_column_and_empty_upload(store: MemoryStore) -> None:
    ds = load(store)
    checked = importer.check(ds, "KeHoach", [["Năm", "Mã đơn vị"], [2025, "C1"]], "h1@x.vn")
    assert not checked.ok and "Thiếu cột bắt buộc" in checked.errors[0].message
    checked = importer.check(ds, "KeHoach", [["Năm", "Mã đơn vị", "Có kế hoạch", "Đã phát động"]], "h1@x.vn")
    assert not checked.ok and "không có dòng dữ liệu" in checked.errors[0].message


def test_duplicate_key_in_one_upload_is_a_warning(store: MemoryStore) -> None:
    grid: list[list[Any]] = [["Năm", "Mã đơn vị", "Có kế hoạch", "Đã phát động"], [2025, "C6", "Có", "Không"], [2025, "c6", "Có", "Có"]]
    checked = importer.check(load(store), "KeHoach", grid, "h1@x.vn")
    assert checked.ok and [p.row for p in checked.warnings] == [3]


# --- writing -----------------------------------------------------------------------------------
def test_write_is_all_or_nothing(store: MemoryStore) -> None:
    ds = load(store)
    before = {s: {t: len(g) for t, g in tabs.items()} for s, tabs in store.sheets.items()}
    bad: list[list[Any]] = [["Năm", "Mã đơn vị", "Có kế hoạch", "Đã phát động"], [2025, "C6", "Có", "Có"], [2025, "C4", "Có", "Có"]]
    checked = importer.check(ds, "KeHoach", bad, "h1@x.vn")
    with pytest.raises(ValidationError, match="chưa ghi dòng nào"):
        importer.write(store, ds, checked, "h1@x.vn")
    assert {s: {t: len(g) for t, g in tabs.items()} for s, tabs in store.sheets.items()} == before


def test_write_appends_every_row_in_one_write_and_a_retry_is_not_doubled(store: MemoryStore) -> None:
    ds = load(store)
    grid, _, _ = importer.read_xlsx(filled("KeHoach", PLAN_OK), "KeHoach")
    checked = importer.check(ds, "KeHoach", grid, "h1@x.vn")
    n = len(store.sheets["H1"]["KeHoach"])
    res = importer.write(store, ds, checked, "h1@x.vn", write_id="WIMPORT1")
    assert res.rows == 2 and res.sheets == {"H1": 2}
    again = importer.write(store, ds, checked, "h1@x.vn", write_id="WIMPORT1")
    assert again.already
    g = store.sheets["H1"]["KeHoach"]
    assert len(g) == n + 2 and [r[-1] for r in g[-2:]] == ["WIMPORT1", "WIMPORT1"]
    after = load(store).frames["KeHoach"]
    c6 = after[(after["unit"] == "C6") & (after["year"] == 2025)].iloc[0]
    assert bool(c6["has_plan"]) and bool(c6["launched"]) and c6["doc_no"] == "05/KH"
    assert c6["issued"] == pd.Timestamp(2025, 1, 15)


def test_stamps_in_an_upload_are_replaced_and_formulas_stay_text(store: MemoryStore) -> None:
    ds = load(store)
    grid: list[list[Any]] = [["Năm", "Mã đơn vị", "Có kế hoạch", "Đã phát động", "Ghi chú", "Cập nhật lúc", "Người cập nhật", "Mã lần ghi"],
            [2025, "C6", "Có", "Có", '=HYPERLINK("http://x")', "2030-01-01T00:00:00", "ke.gia@x.vn", "WFAKE"]]
    checked = importer.check(ds, "KeHoach", grid, "h1@x.vn")
    assert checked.ok and checked.warnings == []
    importer.write(store, ds, checked, "h1@x.vn", write_id="WREAL")
    header = [str(h) for h in store.sheets["H1"]["KeHoach"][0]]
    row = dict(zip(header, store.sheets["H1"]["KeHoach"][-1], strict=False))
    assert row["Ghi chú"] == '=HYPERLINK("http://x")'  # raw text, never a formula
    assert row["Người cập nhật"] == "h1@x.vn" and row["Mã lần ghi"] == "WREAL"
    assert row["Cập nhật lúc"] == "2025-12-31T10:00:00+07:00"


def test_award_list_gets_shared_fields_and_stable_codes(store: MemoryStore) -> None:
    ds = load(store)
    cols = ["Tên người hoặc tập thể", "Mã đơn vị", "Nhóm đối tượng"]
    grid, first = importer.grid_from_text("An\tC1\tCông nhân, lao động trực tiếp\nBình\tC3\t\n", "KhenThuong",
                                          columns=cols)
    common: dict[str, Any] = {"Số quyết định": "15/QĐ", "Ngày quyết định": date(2025, 12, 20), "Hình thức": "Giấy khen",
              "Đối tượng": "Cá nhân"}
    grid = importer.fill_award_codes(importer.with_values(grid, common))
    again = importer.fill_award_codes(importer.with_values(
        importer.grid_from_text("An\tC1\tCông nhân, lao động trực tiếp\nBình\tC3\t\n", "KhenThuong",
                                columns=cols)[0], common))
    assert grid == again  # the same list twice gives the same codes: versions, not duplicates
    checked = importer.check(ds, "KhenThuong", grid, "h1@x.vn", first_row=first)
    assert checked.ok, checked.report()
    assert [p.row for p in checked.warnings] == [2]  # Bình: a person without Nhóm đối tượng
    codes = [r["Mã khen thưởng"] for r in checked.rows]
    assert len(set(codes)) == 2 and all(str(c).startswith("KT") for c in codes)


def test_a_record_of_another_unit_cannot_be_taken_over(store: MemoryStore) -> None:
    """P1 is the province's movement. H1's officer may not write a version of P1 under H1
    (that would replace, or void, the province's record); a new code is fine."""
    from sheets.errors import PermissionDenied
    from sheets.write import append, void

    ds = load(store)
    grid = [["Mã phong trào", "Tên phong trào", "Mã đơn vị", "Ngày phát động", "Hủy"],
            ["P1", "Lao động giỏi", "H1", "10/01/2025", "Có"],  # row 2: the province's P1
            ["P3", "Giỏi việc nước, đảm việc nhà", "H1", "01/03/2024", None],  # row 3: H1's own: fine
            ["PNEW", "Phong trào mới", "C1", "01/12/2025", None]]  # row 4: a new code: fine
    checked = importer.check(ds, "PhongTrao", grid, "h1@x.vn")
    assert checked.bad_lines == [2] and "ngoài phạm vi" in checked.errors[0].message
    # the door itself refuses it, with or without the importer in front
    with pytest.raises(PermissionDenied, match="không thể ghi đè"):
        append(store, "PhongTrao", [{"movement": "P1", "name": "x", "unit": "H1", "launched": date(2025, 1, 10),
                                     "void": True}], "h1@x.vn")
    with pytest.raises(PermissionDenied):
        void(store, "PhongTrao", {"movement": "P1"}, "h1@x.vn")
    assert load(store).frames["PhongTrao"].set_index("movement").at["P1", "unit"] == "BK"
    # the administrator may move it
    append(store, "PhongTrao", [{"movement": "P1", "name": "Lao động giỏi", "unit": "H1",
                                 "launched": date(2025, 1, 10)}], "admin@x.vn")
    assert load(store).frames["PhongTrao"].set_index("movement").at["P1", "unit"] == "H1"
