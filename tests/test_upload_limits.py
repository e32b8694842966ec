"""Small versions of the upload bombs: each is refused with a clear Vietnamese message, before
the app reads it whole (``benchmarks/upload_bombs.py`` measures the full-size ones)."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import openpyxl
import pytest

from benchmarks.upload_bombs import big_cell, many_rows, valid_rows, write_xlsx, xfd_rows
from sheets import clock, importer, upload
from sheets.load import Dataset, load
from sheets.stores.memory import MemoryStore
from sheets.templates import template_workbook_bytes

ADMIN = "admin@x.vn"


@pytest.fixture(autouse=True)
def _today() -> object:
    clock.set_now("2025-12-31T10:00:00")
    yield
    clock.set_now(None)


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load(MemoryStore({"registry": {
        "DonVi": [["Mã đơn vị", "Tên đơn vị", "Cấp"], ["BK", "LĐLĐ tỉnh", "Tỉnh"]],
        "NguoiDung": [["Email", "Vai trò", "Mã đơn vị"], [ADMIN, "Quản trị", "BK"]],
    }}))


def _read(path: Path, limits: upload.Limits = upload.DEFAULT) -> tuple[list[list[object]], list[str]]:
    grid, _title, problems = importer.read_xlsx(path.read_bytes(), "KhenThuong", filename=path.name, limits=limits)
    return grid, [p.message for p in problems]


def test_cells_in_column_xfd_are_refused_by_the_declared_dimension(tmp_path: Path) -> None:
    grid, msgs = _read(write_xlsx(tmp_path / "x.xlsx", xfd_rows(300), dimension="A1:XFD301"))
    assert grid == [] and len(msgs) == 1
    assert "khai báo vùng dữ liệu tới dòng 301, cột XFD" in msgs[0] and "200 cột" in msgs[0]


def test_cells_in_column_xfd_without_a_dimension_stop_the_read_at_the_first(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", xfd_rows(20_000))
    tracemalloc.start()
    grid, msgs = _read(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert grid == [] and msgs == ["Trang «KhenThuong» có ô XFD2, ngoài giới hạn 200 cột."]
    assert peak < 30 * 2**20  # openpyxl's own reader would pad each row to 16 384 cells


def test_more_rows_than_one_import_takes_stop_at_the_limit(tmp_path: Path) -> None:
    grid, msgs = _read(write_xlsx(tmp_path / "r.xlsx", many_rows(7_000)))
    assert grid == [] and msgs == ["Trang «KhenThuong» có hơn 5.000 dòng dữ liệu, quá giới hạn của một lần nhập."]


def test_valid_rows_beyond_five_thousand_are_refused_while_reading(tmp_path: Path, ds: Dataset) -> None:
    grid, msgs = _read(write_xlsx(tmp_path / "v.xlsx", valid_rows(5_001), dimension="A1:J5002"))
    assert grid == [] and "hơn 5.000 dòng dữ liệu" in msgs[0]
    grid, msgs = _read(write_xlsx(tmp_path / "ok.xlsx", valid_rows(30), dimension="A1:J31"))
    assert msgs == [] and len(grid) == 31
    checked = importer.check(ds, "KhenThuong", grid, ADMIN)
    assert checked.ok and len(checked.rows) == 30


def test_a_row_number_far_down_is_refused(tmp_path: Path) -> None:
    rows = iter(['<row r="1"><c r="A1" t="inlineStr"><is><t>Mã khen thưởng</t></is></c></row>',
                 '<row r="25000"><c r="A25000"><v>1</v></c></row>'])
    grid, msgs = _read(write_xlsx(tmp_path / "far.xlsx", rows))
    assert grid == [] and msgs == ["Trang «KhenThuong» có dòng số 25.000, quá giới hạn 20.000 dòng."]


def test_a_part_that_unzips_too_large_is_refused_before_parsing(tmp_path: Path) -> None:
    small = upload.Limits(max_member_bytes=1 * 2**20, ratio_floor=10 * 2**20)
    grid, msgs = _read(write_xlsx(tmp_path / "m.xlsx", many_rows(60_000)), small)
    assert grid == [] and "Khi giải nén, phần «xl/worksheets/sheet1.xml» của tệp nặng" in msgs[0]
    assert "quá giới hạn 1,0 MB" in msgs[0]


def test_a_huge_cell_is_refused_by_its_compression_ratio(tmp_path: Path) -> None:
    grid, msgs = _read(write_xlsx(tmp_path / "c.xlsx", big_cell(3_000_000), level=9))
    assert grid == [] and "giải nén ra lớn gấp" in msgs[0] and "tệp nén bất thường" in msgs[0]


def test_a_cell_longer_than_a_sheet_cell_is_a_located_problem(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "c.xlsx", big_cell(40_000))
    grid, _title, problems = importer.read_xlsx(path.read_bytes(), "KhenThuong", filename="c.xlsx")
    (p,) = problems
    assert (p.row, p.column, p.severity) == (2, "J", "error")
    assert p.message == "Ô dài 40.000 ký tự, quá giới hạn 32.767 ký tự của một ô."
    assert len(grid) == 1  # the header; the long cell is not kept


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    grid, msgs = _read(write_xlsx(tmp_path / "v.xlsx", valid_rows(200)), upload.Limits(max_file_bytes=2_000))
    assert grid == [] and msgs[0].startswith("Tệp nặng ") and "quá giới hạn 2 kB cho một lần nhập" in msgs[0]


@pytest.mark.parametrize("data", [b"", b"hello", b"PK\x03\x04broken", b"PK\x05\x06" + bytes(18)])
def test_what_is_not_a_workbook_gets_a_message(data: bytes) -> None:
    grid, _t, problems = importer.read_xlsx(data, "KhenThuong", filename="x.xlsx")
    assert grid == [] and len(problems) == 1
    assert "Không đọc được tệp" in problems[0].message and "Excel" in problems[0].message


def test_a_filled_template_reads_as_before() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(template_workbook_bytes("KhenThuong")))
    ws = wb["KhenThuong"]
    header = [c.value for c in ws[1]]
    row = {"Mã khen thưởng": "KT1", "Ngày quyết định": "15/03/2025", "Hình thức": "Giấy khen",
           "Đối tượng": "Tập thể", "Tên người hoặc tập thể": "CĐCS Một", "Mã đơn vị": "BK"}
    for i, h in enumerate(header, start=1):
        if h in row:
            ws.cell(2, i, row[h])
    out = io.BytesIO()
    wb.save(out)
    grid, title, problems = importer.read_xlsx(out.getvalue(), "KhenThuong")
    assert problems == [] and title == "KhenThuong"
    assert grid[0] == [h for h in header if h is not None][: len(grid[0])]
    assert dict(zip(grid[0], grid[1], strict=False))["Tên người hoặc tập thể"] == "CĐCS Một"


def test_a_year_of_400_digits_is_a_message_not_a_traceback(ds: Dataset) -> None:
    grid = [["Mã khen thưởng", "Năm", "Ngày quyết định", "Hình thức", "Đối tượng", "Tên người hoặc tập thể",
             "Mã đơn vị"], ["KT1", "9" * 400, "15/03/2025", "Giấy khen", "Tập thể", "CĐCS Một", "BK"]]
    checked = importer.check(ds, "KhenThuong", grid, ADMIN)
    # Năm is optional in KhenThuong (blank = the decision's year): an invalid value is a warning,
    # taken as blank (SPEC 3.3), and it names the column
    assert any("Năm" in p.message for p in checked.problems)
    assert all(p.message and p.fix for p in checked.problems)


def test_rows_without_numbers_are_counted_and_stopped(tmp_path: Path) -> None:
    grid, msgs = _read(write_xlsx(tmp_path / "r.xlsx", many_rows(30_000, numbered=False)))
    assert grid == [] and "hơn 5.000 dòng dữ liệu" in msgs[0]
