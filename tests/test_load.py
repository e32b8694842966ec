"""Loading: versions, scope, broken tabs and spreadsheets, the unit tree, located problems."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from indicators.core import compute
from sheets import clock
from sheets import schema as S
from sheets.copy import copy_store
from sheets.load import load
from sheets.stores.memory import MemoryStore
from sheets.stores.xlsx import XlsxStore
from tests import fixtures as F
from tests.fixtures import grid


def _units(*extra: dict[str, object]) -> list[list[object]]:
    base = [
        dict(unit="BK", name="Tỉnh", level="Tỉnh"),
        dict(unit="A", name="Huyện A", level="Cấp trên cơ sở", parent="BK", sheet="SA"),
        dict(unit="B", name="Huyện B", level="Cấp trên cơ sở", parent="BK", sheet="SB"),
        dict(unit="A1", name="CĐCS A1", level="Cơ sở", parent="A"),
        dict(unit="B1", name="CĐCS B1", level="Cơ sở", parent="B"),
    ]
    return grid(S.DON_VI, [*base, *extra])


def plan(unit: str, has: str = "Có", launched: str = "Có", **kw: object) -> dict[str, object]:
    return dict(year=2025, unit=unit, has_plan=has, launched=launched, **kw)


def test_version_order_stamp_then_spreadsheet_then_row() -> None:
    store = MemoryStore({
        "registry": {
            "DonVi": _units(),
            # stamped, so newer than every unstamped row wherever it sits
            "KeHoach": grid(S.KE_HOACH, [plan("A1", launched="Không", stamp="2025-03-01T08:00:00+07:00"),
                                         plan("B1", launched="Không")]),
        },
        "SA": {"KeHoach": grid(S.KE_HOACH, [plan("A1")])},  # unstamped: older than the stamped registry row
        "SB": {"KeHoach": grid(S.KE_HOACH, [plan("B1")])},  # unstamped, in a later spreadsheet: newer
    })
    ds = load(store)
    cur = ds.frames["KeHoach"].set_index("unit")["launched"].to_dict()
    assert cur == {"A1": False, "B1": True}
    warnings = [p for p in ds.problems if "nhiều bảng tính" in p.message]
    assert len(warnings) == 2  # the same key in two spreadsheets, once per key


def test_later_stamp_wins_over_earlier_stamp() -> None:
    store = MemoryStore({"registry": {
        "DonVi": _units(),
        "KeHoach": grid(S.KE_HOACH, [
            plan("A1", launched="Có", stamp="2025-03-02 08:00"),  # later, though higher up
            plan("A1", launched="Không", stamp="01/03/2025 09:00"),
        ]),
    }})
    assert bool(load(store).frames["KeHoach"]["launched"].iloc[0]) is True


def test_error_rows_never_become_versions() -> None:
    store = MemoryStore({"registry": {
        "DonVi": _units(),
        "KeHoach": grid(S.KE_HOACH, [plan("A1"), dict(year="năm nay", unit="A1", has_plan="Không",
                                                     launched="Không")]),
    }})
    ds = load(store)
    assert bool(ds.frames["KeHoach"]["has_plan"].iloc[0]) is True  # the valid version stands
    err = [p for p in ds.problems if p.severity == "error" and p.tab == "KeHoach"]
    assert len(err) == 1 and err[0].row == 3 and err[0].column == "Năm" and err[0].value == "năm nay"
    assert err[0].spreadsheet == "registry" and err[0].tab == "KeHoach" and err[0].fix


def test_missing_required_column_skips_that_tab_only() -> None:
    store = MemoryStore({
        "registry": {"DonVi": _units()},
        "SA": {"KeHoach": [["Năm", "Mã đơn vị", "Có kế hoạch"], [2025, "A1", "Có"]],  # no "Đã phát động"
               "BaoCao": grid(S.BAO_CAO, [dict(unit="A1", year=2025, period="6 tháng", sent=date(2025, 6, 1))])},
        "SB": {"KeHoach": grid(S.KE_HOACH, [plan("B1")])},
    })
    ds = load(store)
    assert list(ds.frames["KeHoach"]["unit"]) == ["B1"]
    assert len(ds.frames["BaoCao"]) == 1  # the other tab of the same spreadsheet still loads
    p = [p for p in ds.problems if p.spreadsheet == "SA" and p.tab == "KeHoach"]
    assert len(p) == 1 and "Đã phát động" in p[0].message and p[0].row == 1


def test_missing_spreadsheet_is_a_located_error_and_the_rest_loads() -> None:
    store = MemoryStore({"registry": {"DonVi": _units()}, "SB": {"KeHoach": grid(S.KE_HOACH, [plan("B1")])}})
    ds = load(store)
    assert "SA" in ds.sheet_errors
    assert any(p.spreadsheet == "SA" and p.severity == "error" and "A" in p.message for p in ds.problems)
    assert list(ds.frames["KeHoach"]["unit"]) == ["B1"]


def test_absent_tab_is_empty_and_extra_columns_ignored() -> None:
    g = grid(S.KE_HOACH, [plan("A1")])
    g[0].append("Ghi chú riêng")
    g[1].append("bất kỳ")
    ds = load(MemoryStore({"registry": {"DonVi": _units(), "KeHoach": g}, "SA": {}, "SB": {}}))
    assert len(ds.frames["PhongTrao"]) == 0 and len(ds.frames["KeHoach"]) == 1
    assert not [p for p in ds.problems if p.severity == "error"]


def test_blank_rows_skipped_and_row_numbers_kept() -> None:
    g = grid(S.KE_HOACH, [plan("A1")])
    g.insert(1, [None, "  ", None, None])
    g.append([2025, "A1", "có lẽ", "Có"])  # row 4: warning, counts as no
    ds = load(MemoryStore({"registry": {"DonVi": _units(), "KeHoach": g}}))
    assert len(ds.versions["KeHoach"]) == 2
    w = [p for p in ds.problems if p.severity == "warning" and p.value == "có lẽ"]
    assert w and w[0].row == 4


def test_out_of_scope_and_unknown_units() -> None:
    store = MemoryStore({
        "registry": {"DonVi": _units(), "KeHoach": grid(S.KE_HOACH, [plan("A1", launched="Không")])},
        "SA": {"KeHoach": grid(S.KE_HOACH, [plan("B1"), plan("ZZ"), plan("A")])},
    })
    ds = load(store)
    msgs = {p.value: p.message for p in ds.problems if p.spreadsheet == "SA"}
    assert "phạm vi" in msgs["B1"] and "không có trong DonVi" in msgs["ZZ"]
    assert set(ds.frames["KeHoach"]["unit"]) == {"A1", "A"}  # the registry may hold any unit's rows


def test_config_tabs_only_from_registry() -> None:
    store = MemoryStore({
        "registry": {"DonVi": _units()},
        "SA": {"ChiTieu": grid(S.CHI_TIEU, [dict(year=2025, code="T1A", threshold=10)])},
    })
    ds = load(store)
    assert ds.thresholds(2025)["T1A"] == 100.0
    assert any(p.spreadsheet == "SA" and p.severity == "warning" and "đăng ký" in p.message for p in ds.problems)


def test_unit_tree_errors() -> None:
    ds = load(MemoryStore({"registry": {"DonVi": _units(
        dict(unit="X", name="X", level="Cơ sở", parent="NOPE"),  # parent missing
        dict(unit="P", name="P", level="Cấp trên cơ sở", parent="Q"),  # P and Q form a cycle
        dict(unit="Q", name="Q", level="Cấp trên cơ sở", parent="P"),
        dict(unit="Y", name="Y", level="Cơ sở", parent="A1"),  # parent is grassroots
        dict(unit="K", name="K", level="Cơ sở", parent="A", kind="Công đoàn ngành"),  # kind of the other level
    )}}))
    assert set(ds.tree.parent) == {"BK", "A", "B", "A1", "B1", "K"}
    bad = {p.value for p in ds.problems if p.tab == "DonVi" and p.severity == "error"}
    assert {"NOPE", "P", "Q", "A1"} <= bad
    assert any(p.tab == "DonVi" and p.severity == "warning" and p.column == "Loại hình" for p in ds.problems)
    assert ds.tree.subtree("A") == frozenset({"A", "A1", "K"})


def test_home_spreadsheet_is_nearest_ancestors() -> None:
    ds = load(MemoryStore({"registry": {"DonVi": _units(dict(unit="BK1", name="T", level="Cơ sở", parent="BK"))}}))
    assert ds.home_sheet("A1") == "SA" and ds.home_sheet("A") == "SA"
    assert ds.home_sheet("BK1") == ds.registry and ds.home_sheet("BK") == ds.registry


def test_duplicate_award_warning() -> None:
    awards = [
        dict(award="K1", year=2025, decided=date(2025, 1, 5), form="Giấy khen", subject="Cá nhân", name="An",
             unit="A1", group="Khác"),
        dict(award="K2", year=2025, decided=date(2025, 2, 5), form="giấy khen", subject="Cá nhân", name="an",
             unit="A1", group="Khác"),
    ]
    ds = load(MemoryStore({"registry": {"DonVi": _units(), "KhenThuong": grid(S.KHEN_THUONG, awards)}}))
    assert len([p for p in ds.problems if "trùng khen thưởng" in p.message]) == 2


def test_today_is_vietnam_date() -> None:
    clock.set_now(datetime(2025, 12, 31, 18, 30, tzinfo=UTC))
    assert clock.today() == date(2026, 1, 1)
    assert clock.stamp() == "2026-01-01T01:30:00+07:00"
    clock.set_now(None)


def test_messy_workbook_equals_clean_twin(tmp_path: Path) -> None:
    clock.set_now("2026-03-01")
    folders = {}
    for name, sheets in (("clean", F.province()), ("messy", F.messy(F.province()))):
        store = XlsxStore(tmp_path / name / "registry.xlsx")
        copy_store(MemoryStore(sheets), store)
        folders[name] = store
    clean, messy = load(folders["clean"]), load(folders["messy"])
    for a in (date(2025, 12, 31), date(2026, 3, 1), date(2025, 6, 30)):
        fc = [i.as_json() for i in compute(clean, 2025, a).indicators]
        fm = [i.as_json() for i in compute(messy, 2025, a).indicators]
        assert fc == fm
    assert compute(clean, 2025, date(2025, 12, 31))["T1A"].numerator == F.EXPECTED_2025["T1A"][0]
    assert (tmp_path / "messy" / "H1.xlsx").exists()


@pytest.mark.parametrize("scale", [1])
def test_demo_loads_without_crashing_and_reports_problems(scale: int) -> None:
    from sheets.sources import open_source

    ds = load(open_source("demo"))
    counts = ds.problem_counts()
    assert counts["error"] >= 1 and counts["warning"] >= 1
    assert len(ds.sheets) == 12 and not ds.sheet_errors
    assert len(ds.tree.upper_units()) == 11


def test_gc_paused_restores_the_collector_after_nested_and_threaded_loads() -> None:
    import gc
    import threading

    from sheets.gcpause import gc_paused

    assert gc.isenabled()
    inside: list[bool] = []
    started, release = threading.Event(), threading.Event()

    def other() -> None:
        with gc_paused():
            started.set()
            release.wait(5)
            inside.append(gc.isenabled())

    t = threading.Thread(target=other)
    with gc_paused():
        t.start()
        started.wait(5)
        with gc_paused():
            inside.append(gc.isenabled())
    inside.append(gc.isenabled())  # the other load is still running
    release.set()
    t.join(5)
    assert inside == [False, False, False]
    assert gc.isenabled()


def test_load_gives_back_the_collector_even_when_a_read_fails() -> None:
    import gc

    class Broken(MemoryStore):
        def read(self, names):  # type: ignore[no-untyped-def]
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        load(Broken({"registry": {}}))
    assert gc.isenabled()
