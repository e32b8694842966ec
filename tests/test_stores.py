"""The Store contract, run over every backend, plus what each backend adds on its own.

Every backend must behave like ``MemoryStore`` (the reference), except that trailing empty
cells of a row may be trimmed on read, as Google does; ``norm`` hides only that.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import sys
import threading
import time
import types
import zipfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets import schema as S
from sheets.stores.base import Cell, Grid, Store
from sheets.stores.memory import MemoryStore
from sheets.stores.sqlite import SqliteStore
from sheets.stores.xlsx import XlsxStore
from sheets.templates import LISTS_SHEET, entry_headers, template_workbook_bytes, write_template

BACKENDS = ["memory", "sqlite", "xlsx"]
PERSISTENT = ["sqlite", "xlsx"]


def make_store(kind: str, folder: Path) -> Store:
    if kind == "memory":
        return MemoryStore()
    if kind == "sqlite":
        return SqliteStore(folder / "tdkt.db")
    return XlsxStore(folder / "registry.xlsx")


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    return make_store(request.param, tmp_path)


@pytest.fixture(params=PERSISTENT)
def disk_store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    return make_store(request.param, tmp_path)


def norm(grid: Grid) -> Grid:
    """Trailing empty cells of each row dropped: the only liberty a backend may take."""
    out = []
    for row in grid:
        line = list(row)
        while line and line[-1] is None:
            line.pop()
        out.append(line)
    return out


def tab_of(store: Store, sheet: str, tab: str) -> Grid:
    read = store.read([sheet])[0]
    assert read.error is None, read.error
    return norm(read.tabs[tab])


HEADER = ["Chuỗi", "Mã", "Số nguyên", "Số thực", "Đúng sai", "Ngày", "Ngày giờ", "Trống", "Cuối"]
TYPED_ROWS: Grid = [
    # text with Vietnamese diacritics; a code that looks like a number must stay text
    ["Nguyễn Thị Hường — Công đoàn Ba Bể", "0123", 42, 0.85, True, date(2020, 1, 15),
     datetime(2025, 12, 28, 10, 15, 30), None, "cuối"],
    # False and 0 must not collapse into each other; a negative and a large number
    ["Đặng Văn Ấn", "BB-01", 0, -3.25, False, date(2025, 2, 28), datetime(2020, 4, 9, 0, 0, 1), None,
     1234567],
]


# --- the shared contract ---------------------------------------------------------------
def test_every_backend_satisfies_the_protocol(store: Store, tmp_path: Path) -> None:
    assert isinstance(store, Store)
    expected = {
        MemoryStore: "memory",
        SqliteStore: f"sqlite:{tmp_path / 'tdkt.db'}",
        XlsxStore: f"xlsx:{tmp_path / 'registry.xlsx'}",
    }
    assert store.label == expected[type(store)]  # the source as typed on the command line


def test_typed_cells_round_trip(store: Store) -> None:
    sheet = store.sheet_name_for("BB")
    store.append_rows(sheet, "KiemTra", HEADER, TYPED_ROWS)
    grid = tab_of(store, sheet, "KiemTra")
    assert grid[0] == HEADER
    for got, want in zip(grid[1:], TYPED_ROWS, strict=True):
        want = norm([want])[0]
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            # type and value both: True is not 1, "0123" is not 123, a date is not a datetime
            assert (type(g), g) == (type(w), w)


def test_append_to_missing_tab_creates_it(store: Store) -> None:
    sheet = store.sheet_name_for("BB")
    store.append_rows(sheet, "KeHoach", ["Năm", "Mã đơn vị"], [[2025, "BB"]])
    assert tab_of(store, sheet, "KeHoach") == [["Năm", "Mã đơn vị"], [2025, "BB"]]
    assert sheet in store.spreadsheet_names()


def test_new_column_extends_header_at_the_end_and_keeps_old_rows(store: Store) -> None:
    sheet = store.registry
    store.append_rows(sheet, "DonVi", ["Mã đơn vị", "Tên đơn vị"], [["BK", "LĐLĐ tỉnh"], ["BB", "Ba Bể"]])
    # a different order, a header typed without diacritics, and one new column
    store.append_rows(sheet, "DonVi", ["Bảng tính", "ten don vi", "Mã đơn vị"], [["BB", "Bạch Thông", "BT"]])
    assert tab_of(store, sheet, "DonVi") == [
        ["Mã đơn vị", "Tên đơn vị", "Bảng tính"],
        ["BK", "LĐLĐ tỉnh"],  # old rows untouched
        ["BB", "Ba Bể"],
        ["BT", "Bạch Thông", "BB"],  # laid out under the matching columns
    ]


def test_append_with_fewer_columns_leaves_the_others_blank(store: Store) -> None:
    sheet = store.registry
    store.append_rows(sheet, "DonVi", ["Mã đơn vị", "Tên đơn vị", "Cấp"], [["BK", "Tỉnh", "Tỉnh"]])
    store.append_rows(sheet, "DonVi", ["Cấp"], [["Cơ sở"]])
    assert tab_of(store, sheet, "DonVi")[2] == [None, None, "Cơ sở"]


def test_tab_names_match_leniently(store: Store) -> None:
    sheet = store.registry
    store.append_rows(sheet, "DonVi", ["Mã đơn vị"], [["BK"]])
    store.append_rows(sheet, "donvi", ["Mã đơn vị"], [["BB"]])
    store.append_rows(sheet, " DONVI ", ["Mã đơn vị"], [["BT"]])
    tabs = store.read([sheet])[0].tabs
    assert list(tabs) == ["DonVi"]  # one tab, under the name it was created with
    assert norm(tabs["DonVi"]) == [["Mã đơn vị"], ["BK"], ["BB"], ["BT"]]


def test_blank_rows_stay(store: Store) -> None:
    sheet = store.registry
    store.append_rows(sheet, "CanBo", ["Mã cán bộ", "Họ tên"], [["CB1", "A"], [None, None], ["CB2", "B"]])
    grid = tab_of(store, sheet, "CanBo")
    assert grid == [["Mã cán bộ", "Họ tên"], ["CB1", "A"], [], ["CB2", "B"]]


def test_has_write_id(store: Store) -> None:
    sheet = store.sheet_name_for("BB")
    assert not store.has_write_id(sheet, "KeHoach", "w-1")  # no spreadsheet yet
    store.append_rows(sheet, "KeHoach", ["Năm", "Mã lần ghi"], [[2025, "w-1"], [2025, "w-2"]])
    assert store.has_write_id(sheet, "KeHoach", "w-1")
    assert store.has_write_id(sheet, "kehoach", "w-2")
    assert not store.has_write_id(sheet, "KeHoach", "w-3")
    assert not store.has_write_id(sheet, "KeHoach", "Mã lần ghi")  # the header is not a row
    assert not store.has_write_id(sheet, "PhongTrao", "w-1")  # another tab


def test_has_write_id_finds_a_header_typed_without_diacritics(store: Store) -> None:
    sheet = store.registry
    store.replace_tab(sheet, "BaoCao", [["Mã đơn vị", "ma lan ghi"], ["BB", "w-9"]])
    assert store.has_write_id(sheet, "BaoCao", "w-9")
    assert not store.has_write_id(sheet, "BaoCao", "BB")  # only that column counts


def test_replace_tab_is_exact(store: Store) -> None:
    sheet = store.registry
    store.append_rows(sheet, "KhoaHoc", ["Mã khóa", "Tên khóa", "Ghi chú"],
                      [["K1", "Tập huấn 1", "x"], ["K2", "Tập huấn 2", "y"], ["K3", "Tập huấn 3", "z"]])
    store.append_rows(sheet, "DiemDanh", ["Mã khóa"], [["K1"]])
    grid: Grid = [["Mã khóa", "Tên khóa"], ["K9", None, ], [None, "Chỉ tên"], [], [date(2024, 5, 1), 7]]
    store.replace_tab(sheet, "khoahoc", grid)
    tabs = store.read([sheet])[0].tabs
    assert list(tabs) == ["KhoaHoc", "DiemDanh"]  # same name, same place
    assert norm(tabs["KhoaHoc"]) == norm(grid)  # nothing of the old content survives
    assert norm(tabs["DiemDanh"]) == [["Mã khóa"], ["K1"]]  # other tabs untouched


def test_replace_tab_creates_missing_tab_and_spreadsheet(store: Store) -> None:
    sheet = store.sheet_name_for("NR")
    store.replace_tab(sheet, "ChiTieu", [["Năm", "Mã chỉ tiêu"], [2025, "T1A"]])
    assert tab_of(store, sheet, "ChiTieu") == [["Năm", "Mã chỉ tiêu"], [2025, "T1A"]]


def test_missing_spreadsheet_is_an_error_not_an_exception(store: Store) -> None:
    store.append_rows(store.registry, "DonVi", ["Mã đơn vị"], [["BK"]])
    missing, registry = store.read(["KHONG_CO.xlsx", store.registry])
    assert missing.name == "KHONG_CO.xlsx"
    assert missing.tabs == {}
    assert missing.error and "Không tìm thấy" in missing.error
    assert registry.error is None and "DonVi" in registry.tabs  # the others still read


def test_spreadsheet_names_registry_first(store: Store) -> None:
    for code in ("ZZ", "AA", "MM"):
        store.append_rows(store.sheet_name_for(code), "KeHoach", ["Năm"], [[2025]])
    names = store.spreadsheet_names()
    others = [store.sheet_name_for(c) for c in ("ZZ", "AA", "MM")]
    assert names[0] == store.registry
    if isinstance(store, XlsxStore):
        assert names[1:] == sorted(others)  # files in a folder have no creation order
    else:
        assert names[1:] == others  # creation order


def test_ensure_spreadsheet(store: Store) -> None:
    sheet = store.sheet_name_for("CD")
    assert store.ensure_spreadsheet(sheet) is True
    read = store.read([sheet])[0]
    assert read.error is None and read.tabs == {}
    assert sheet in store.spreadsheet_names()
    assert store.ensure_spreadsheet(sheet) is True  # twice is fine
    store.append_rows(sheet, "CanBo", ["Mã cán bộ"], [["CB1"]])
    assert list(store.read([sheet])[0].tabs) == ["CanBo"]  # no leftover placeholder tab


def test_sheet_name_for(store: Store) -> None:
    expected = "BB.xlsx" if isinstance(store, XlsxStore) else "BB"
    assert store.sheet_name_for("BB") == expected


def test_reads_do_not_share_state_with_the_store(store: Store) -> None:
    store.append_rows(store.registry, "DonVi", ["Mã đơn vị"], [["BK"]])
    first = store.read([store.registry])[0]
    first.tabs["DonVi"].append(["rác"])
    assert norm(store.read([store.registry])[0].tabs["DonVi"]) == [["Mã đơn vị"], ["BK"]]


# --- concurrency (the persistent backends) -----------------------------------------------
def test_concurrent_appends_from_threads_lose_nothing(disk_store: Store) -> None:
    sheet = disk_store.sheet_name_for("BB")
    errors: list[BaseException] = []
    start = threading.Barrier(20)

    def writer(t: int) -> None:
        try:
            start.wait()
            for i in range(10):
                disk_store.append_rows(sheet, "DiemDanh", ["Mã khóa", "Mã cán bộ", "Mã lần ghi"],
                                       [["K1", f"CB{t}-{i}", f"w-{t}-{i}"]])
        except BaseException as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    grid = tab_of(disk_store, sheet, "DiemDanh")
    assert grid[0] == ["Mã khóa", "Mã cán bộ", "Mã lần ghi"]  # one header, written once
    ids = [row[2] for row in grid[1:]]
    assert len(ids) == 200
    assert set(ids) == {f"w-{t}-{i}" for t in range(20) for i in range(10)}


def _append_from_process(kind: str, folder: str, worker: int) -> None:
    store = make_store(kind, Path(folder))
    for i in range(5):
        store.append_rows(store.sheet_name_for("BB"), "BaoCao", ["Mã đơn vị", "Mã lần ghi"],
                          [["BB", f"p{worker}-{i}"], ["BB", f"p{worker}-{i}b"]])


@pytest.mark.parametrize("kind", PERSISTENT)
def test_concurrent_appends_from_processes_lose_nothing(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = multiprocessing.get_context("spawn")
    # An AppTest earlier in this worker leaves the app's script as __main__, and spawn would
    # run it again in every child: give the children a plain main module.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    procs = [ctx.Process(target=_append_from_process, args=(kind, str(tmp_path), w)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)  # spawned children import pandas: slow on a loaded 2-core machine
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    store = make_store(kind, tmp_path)
    grid = tab_of(store, store.sheet_name_for("BB"), "BaoCao")
    assert len(grid) == 1 + 4 * 5 * 2
    # each append's two rows stay together: one transaction, one save
    for row, nxt in zip(grid[1::2], grid[2::2], strict=True):
        assert nxt[1] == f"{row[1]}b"


# --- SQLite -----------------------------------------------------------------------------
def test_sqlite_uses_wal(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "tdkt.db")
    store.ensure_spreadsheet("BB")
    with sqlite3.connect(tmp_path / "tdkt.db") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.journal_mode() == "wal"


def test_sqlite_missing_file_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "khong-co.db"
    store = SqliteStore(path)
    read = store.read([store.registry])[0]
    assert read.error and "Không tìm thấy" in read.error
    assert not path.exists()
    assert store.spreadsheet_names() == ["registry"]
    assert not store.has_write_id("registry", "DonVi", "w")
    assert not path.exists()


def test_sqlite_fresh_file_has_an_empty_registry(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "tdkt.db", registry="dang-ky")
    store.ensure_spreadsheet("BB")
    assert store.spreadsheet_names() == ["dang-ky", "BB"]
    assert store.read(["dang-ky"])[0] .error is None


def test_sqlite_cells_use_sqlite_types(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "tdkt.db")
    store.append_rows("BB", "KiemTra", HEADER, TYPED_ROWS[:1])
    with sqlite3.connect(tmp_path / "tdkt.db") as raw:
        got = raw.execute("SELECT c, typeof(v), v, t FROM cell WHERE r = 1 ORDER BY c").fetchall()
    assert got == [
        (0, "text", "Nguyễn Thị Hường — Công đoàn Ba Bể", None),
        (1, "text", "0123", None),  # no numeric affinity: the code keeps its zero
        (2, "integer", 42, None),
        (3, "real", 0.85, None),
        (4, "integer", 1, "b"),
        (5, "text", "2020-01-15", "d"),
        (6, "text", "2025-12-28T10:15:30", "t"),  # date-times as ISO text (SPEC 5)
        (8, "text", "cuối", None),  # the empty cell is not stored
    ]


def test_sqlite_zone_aware_datetime_round_trips(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "tdkt.db")
    stamp = datetime(2025, 12, 28, 10, 15, tzinfo=timezone(timedelta(hours=7)))
    store.append_rows("BB", "KeHoach", ["Cập nhật lúc"], [[stamp]])
    got = tab_of(store, "BB", "KeHoach")[1][0]
    assert got == stamp and got.utcoffset() == timedelta(hours=7)  # type: ignore[union-attr]


@pytest.mark.slow
def test_sqlite_reads_50k_rows_quickly(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "tdkt.db")
    header = [c.name for c in S.KHEN_THUONG.columns]
    rows: Grid = [[f"KT{i}", 2025, f"{i}/QĐ", date(2025, 5, 1), "Tổng Liên đoàn", "Bằng khen", None,
                   "Cá nhân", f"Người {i}", "BB", None, S.GROUP_WORKER, "Nữ", None, 1.5e6, "", False]
                  for i in range(50_000)]
    store.append_rows("BB", "KhenThuong", header, rows)
    started = time.perf_counter()
    grid = store.read(["BB"])[0].tabs["KhenThuong"]
    elapsed = time.perf_counter() - started
    assert len(grid) == 50_001 and grid[-1][0] == "KT49999" and grid[-1][3] == date(2025, 5, 1)
    print(f"reading 50k rows took {elapsed:.1f}s")  # speed is measured in benchmarks, not asserted


sqlite_cells = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False),
    st.dates(),
    st.datetimes(),
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(sqlite_cells, min_size=1, max_size=6), min_size=1, max_size=5))
def test_sqlite_round_trips_any_cells(tmp_path_factory: pytest.TempPathFactory, rows: list[list[Cell]]) -> None:
    store = SqliteStore(tmp_path_factory.mktemp("h") / "tdkt.db")
    store.replace_tab("BB", "T", rows)
    got = store.read(["BB"])[0].tabs["T"]
    assert [[(type(v), v) for v in r] for r in got] == [[(type(v), v) for v in r] for r in norm(rows)]


# --- workbooks --------------------------------------------------------------------------
def test_xlsx_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    store = XlsxStore(tmp_path / "registry.xlsx")
    evil = '=HYPERLINK("x")'
    store.append_rows("registry.xlsx", "KhenThuong", ["Thành tích", "Ghi chú"], [[evil, "=1+1"]])
    assert tab_of(store, "registry.xlsx", "KhenThuong")[1] == [evil, "=1+1"]
    ws = openpyxl.load_workbook(tmp_path / "registry.xlsx")["KhenThuong"]  # not data_only
    for cell in (ws["A2"], ws["B2"]):
        assert cell.data_type == "s"
        assert isinstance(cell.value, str) and cell.value.startswith("=")
    # and a second save (another append) keeps them text
    store.append_rows("registry.xlsx", "KhenThuong", ["Thành tích"], [["bình thường"]])
    ws = openpyxl.load_workbook(tmp_path / "registry.xlsx")["KhenThuong"]
    assert ws["A2"].data_type == "s" and ws["A2"].value == evil


def test_xlsx_dates_are_date_cells_shown_day_first(tmp_path: Path) -> None:
    store = XlsxStore(tmp_path / "registry.xlsx")
    store.append_rows("BB.xlsx", "BaoCao", ["Ngày gửi", "Cập nhật lúc"],
                      [[date(2025, 6, 15), datetime(2025, 6, 15, 8, 30)]])
    ws = openpyxl.load_workbook(tmp_path / "BB.xlsx")["BaoCao"]
    assert ws["A2"].is_date and ws["A2"].number_format == "dd/mm/yyyy"
    assert ws["B2"].is_date and "hh:mm" in ws["B2"].number_format


def test_xlsx_zone_aware_datetime_becomes_vietnam_time(tmp_path: Path) -> None:
    store = XlsxStore(tmp_path / "registry.xlsx")
    utc = datetime(2025, 12, 28, 3, 15, tzinfo=UTC)
    store.append_rows("registry.xlsx", "KeHoach", ["Cập nhật lúc"], [[utc]])
    assert tab_of(store, "registry.xlsx", "KeHoach")[1] == [datetime(2025, 12, 28, 10, 15)]


def test_xlsx_linked_name_without_extension_and_outside_folder(tmp_path: Path) -> None:
    store = XlsxStore(tmp_path / "data" / "registry.xlsx")
    store.append_rows("BB", "KeHoach", ["Năm"], [[2025]])  # "BB" means BB.xlsx
    assert (tmp_path / "data" / "BB.xlsx").is_file()
    assert tab_of(store, "BB.xlsx", "KeHoach") == [["Năm"], [2025]]
    (tmp_path / "secret.xlsx").write_bytes(b"")
    outside = store.read(["../secret.xlsx"])[0]
    assert outside.error and "ngoài thư mục" in outside.error


def test_xlsx_corrupt_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "BB.xlsx").write_text("không phải workbook")
    store = XlsxStore(tmp_path / "registry.xlsx")
    read = store.read(["BB.xlsx"])[0]
    assert read.error and "Không đọc được" in read.error


def test_xlsx_append_into_a_template_starts_under_the_header(tmp_path: Path) -> None:
    path = write_template(tmp_path / "registry.xlsx", include_config=True)
    store = XlsxStore(path)
    store.append_rows("registry.xlsx", "DonVi", ["Mã đơn vị", "Tên đơn vị"], [["BK", "LĐLĐ tỉnh Bắc Kạn"]])
    tabs = store.read(["registry.xlsx"])[0].tabs
    assert LISTS_SHEET not in tabs  # the hidden lists are ours, not data
    assert tabs["DonVi"] == [entry_headers(S.DON_VI), ["BK", "LĐLĐ tỉnh Bắc Kạn"]]
    assert tabs["KeHoach"] == [entry_headers(S.KE_HOACH)]
    wb = openpyxl.load_workbook(path)
    assert len(wb["DonVi"].data_validations.dataValidation) > 0  # the template survives the save


def _validations(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, str]:
    """Column letter -> list formula of each drop-down."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list"
        for rng in dv.sqref.ranges:
            out[rng.coord.split(":")[0].rstrip("0123456789")] = dv.formula1
            assert rng.coord.endswith("1000") and rng.min_row == 2
    return out


def _letter(tab: S.Tab, header: str) -> str:
    return openpyxl.utils.get_column_letter(tab.headers.index(header) + 1)


def _list_values(wb: openpyxl.Workbook, formula: str) -> list[str]:
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet, rng = formula.rsplit("!", 1)
    ws = wb[sheet.strip("'")]
    return [c.value for (c,) in ws[rng.replace("$", "")]]


def test_template_has_frozen_bold_headers_and_drop_downs(tmp_path: Path) -> None:
    path = write_template(tmp_path / "mau.xlsx")
    wb = openpyxl.load_workbook(path)
    assert [n for n in wb.sheetnames if n != LISTS_SHEET] == [t.name for t in S.DATA_TABS]
    for t in S.DATA_TABS:
        ws = wb[t.name]
        # what a person fills: the columns the app stamps are left out (the door adds them)
        assert [c.value for c in ws[1]] == [h for h in t.headers
                                            if h not in ("Cập nhật lúc", "Người cập nhật", "Mã lần ghi")]
        assert t.headers[-3:] == ["Cập nhật lúc", "Người cập nhật", "Mã lần ghi"] and "Hủy" in t.headers
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold for c in ws[1])
        assert ws.column_dimensions["A"].width >= 10
        drops = _validations(ws)
        for col in t.all_columns:
            letter = _letter(t, col.name)
            if col.kind is S.Kind.ENUM:
                assert _list_values(wb, drops[letter]) == list(col.enum), (t.name, col.name)
            elif col.kind is S.Kind.YESNO:
                assert _list_values(wb, drops[letter]) == ["Có", "Không"]
    kt = wb["KhenThuong"]
    # "Hình thức" is free text with suggestions: a drop-down that accepts anything
    form = [dv for dv in kt.data_validations.dataValidation if _letter(S.KHEN_THUONG, "Hình thức") + "2" in str(dv.sqref)]
    assert form and not form[0].showErrorMessage


def test_template_lists_with_commas_live_in_a_hidden_sheet(tmp_path: Path) -> None:
    path = write_template(tmp_path / "mau.xlsx", include_config=True)
    wb = openpyxl.load_workbook(path)
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    assert wb.sheetnames[-1] == LISTS_SHEET
    group = _validations(wb["KhenThuong"])[_letter(S.KHEN_THUONG, "Nhóm đối tượng")]
    assert group.startswith(f"'{LISTS_SHEET}'!") or group.startswith(f"{LISTS_SHEET}!")
    assert _list_values(wb, group) == list(S.GROUPS)  # "Công nhân, lao động trực tiếp" intact
    kind = _validations(wb["DonVi"])[_letter(S.DON_VI, "Loại hình")]
    assert "LĐLĐ huyện, thành phố" in _list_values(wb, kind)
    # short lists without commas stay inline
    assert _validations(wb["DonVi"])[_letter(S.DON_VI, "Cấp")] == '"Tỉnh,Cấp trên cơ sở,Cơ sở"'
    # the same list is stored once, whichever tab uses it
    exemplar_group = _validations(wb["DienHinh"])[_letter(S.DIEN_HINH, "Nhóm đối tượng")]
    assert exemplar_group == group


def test_template_formats_text_and_date_columns(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_template(tmp_path / "mau.xlsx", [S.CAN_BO]))
    ws = wb["CanBo"]
    assert ws.column_dimensions[_letter(S.CAN_BO, "Điện thoại")].number_format == "@"  # keeps 0912…
    assert ws.column_dimensions[_letter(S.CAN_BO, "Ngày phân công")].number_format == "dd/mm/yyyy"


def test_template_with_rows(tmp_path: Path) -> None:
    rows = {"KeHoach": [[2025, "BB", "Có", "=12/KH", date(2025, 1, 10), "Có"]]}
    path = write_template(tmp_path / "mau.xlsx", [S.KE_HOACH], rows=rows)
    tabs = XlsxStore(path).read(["mau.xlsx"])[0].tabs
    assert tabs["KeHoach"][1] == [2025, "BB", "Có", "=12/KH", date(2025, 1, 10), "Có"]


def test_template_workbook_bytes_single_tab() -> None:
    import io

    data = template_workbook_bytes("kehoach")  # matched leniently
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["KeHoach"]
    assert wb.active.title == "KeHoach"
    assert _list_values(wb, _validations(wb["KeHoach"])[_letter(S.KE_HOACH, "Có kế hoạch")]) == ["Có", "Không"]
    with pytest.raises(KeyError):
        template_workbook_bytes("KhongCo")


def test_xlsx_store_styles_a_new_schema_tab_like_the_template(tmp_path: Path) -> None:
    store = XlsxStore(tmp_path / "registry.xlsx")
    store.append_rows("BB.xlsx", "KhenThuong", S.KHEN_THUONG.headers[:10], [["KT1"]])
    store.append_rows("BB.xlsx", "GhiChu", ["Nội dung"], [["tự do"]])
    # later, new columns of the schema tab get their drop-downs too
    store.append_rows("BB.xlsx", "KhenThuong", ["Nhóm đối tượng", "Giới tính"], [[S.GROUP_WORKER, "Nữ"]])
    wb = openpyxl.load_workbook(tmp_path / "BB.xlsx")
    kt = wb["KhenThuong"]
    assert kt.freeze_panes == "A2" and kt["A1"].font.bold
    header = [c.value for c in kt[1]]
    assert header == S.KHEN_THUONG.headers[:10] + ["Nhóm đối tượng", "Giới tính"]

    def at(name: str) -> str:  # the column where the store put it, not the template's
        return openpyxl.utils.get_column_letter(header.index(name) + 1)

    drops = _validations(kt)
    assert _list_values(wb, drops[at("Đối tượng")]) == list(S.SUBJECTS)
    assert _list_values(wb, drops[at("Nhóm đối tượng")]) == list(S.GROUPS)
    assert _list_values(wb, drops[at("Giới tính")]) == list(S.GENDERS)
    assert len(drops) == 6  # Cấp khen, Hình thức, Loại khen thưởng, Đối tượng + the two new ones
    assert wb["GhiChu"].freeze_panes is None  # not a schema tab: left plain
    assert wb[LISTS_SHEET].sheet_state == "hidden" and wb.sheetnames[-1] == LISTS_SHEET


def test_xlsx_header_with_trailing_empty_text_cells_still_grows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "KeHoach"
    ws.append(["Năm", "Mã đơn vị"])
    ws["C1"].value = ""
    ws.append([2024, "BB"])
    wb.save(tmp_path / "plain.xlsx")
    # Other programs store an empty text cell as <is><t></t></is>; openpyxl reads it as "".
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as zin, \
            zipfile.ZipFile(tmp_path / "registry.xlsx", "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="C1" t="inlineStr"></c>', b'<c r="C1" t="inlineStr"><is><t></t></is></c>')
            zout.writestr(item, data)
    assert openpyxl.load_workbook(tmp_path / "registry.xlsx")["KeHoach"]["C1"].value == ""
    store = XlsxStore(tmp_path / "registry.xlsx")
    store.append_rows("registry.xlsx", "KeHoach", ["Năm", "Ghi chú"], [[2025, "mới"]])
    grid = tab_of(store, "registry.xlsx", "KeHoach")
    assert grid[0] == ["Năm", "Mã đơn vị", "Ghi chú"]
    assert grid[1:] == [[2024, "BB"], [2025, None, "mới"]]


def test_xlsx_names_ignore_lock_and_temporary_files(tmp_path: Path) -> None:
    store = XlsxStore(tmp_path / "registry.xlsx")
    store.append_rows("BB.xlsx", "KeHoach", ["Năm"], [[2025]])
    (tmp_path / "~$BB.xlsx").write_bytes(b"")  # Excel's owner file while it is open
    (tmp_path / "ghi-chu.txt").write_text("x")
    assert store.spreadsheet_names() == ["registry.xlsx", "BB.xlsx"]

