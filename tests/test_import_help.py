"""Imports that help: every problem of every row at once, unit names where codes are asked,
record codes proposed by the app, and writes that say what they did."""

from __future__ import annotations

from typing import Any

import pytest

from sheets import clock, importer
from sheets.load import Dataset, load
from sheets.stores.memory import MemoryStore
from sheets.write import append
from tests import fixtures as F

OFFICER = "h1@x.vn"  # H1's officer: H1 and its grassroots unions C1, C2, C3, C6


@pytest.fixture(autouse=True)
def _today() -> Any:
    clock.set_now("2025-12-31T10:00:00")
    yield
    clock.set_now(None)


@pytest.fixture()
def store() -> MemoryStore:
    return MemoryStore(F.province())


@pytest.fixture()
def ds(store: MemoryStore) -> Dataset:
    return load(store)


OFFICERS = ["Mã cán bộ", "Họ tên", "Mã đơn vị", "Ngày phân công", "Điện thoại"]


def test_every_problem_of_a_row_is_reported_at_once(ds: Dataset) -> None:
    grid = [OFFICERS,
            ["", "", "C4", "01/03/2025", ""],  # no name AND another district's unit
            ["", "Nguyễn Văn A", "ZZ", "31/02/2025", ""]]  # an unknown unit AND a bad (optional) date
    checked = importer.check(ds, "CanBo", grid, OFFICER, source="cb.xlsx")
    found: dict[tuple[int, str], list[str]] = {}
    for p in checked.problems:
        if p.row is not None:
            found.setdefault((p.row, p.severity), []).append(str(p.column))
    assert sorted(found[(2, "error")]) == ["Họ tên", "Mã đơn vị"]
    assert found[(3, "error")] == ["Mã đơn vị"] and "Ngày phân công" in found[(3, "warning")]
    assert not checked.ok and checked.bad_lines == [2, 3]


def test_a_unit_name_is_accepted_where_a_code_is_asked_and_the_code_is_shown(ds: Dataset) -> None:
    grid = [OFFICERS, ["", "Nguyễn Văn A", "CĐCS Một", "01/03/2025", ""],
            ["", "Trần Thị B", "cdcs sau", "01/03/2025", ""]]
    checked = importer.check(ds, "CanBo", grid, OFFICER)
    assert checked.ok, checked.report()
    assert [r["Mã đơn vị"] for r in checked.rows] == ["C1", "C6"]
    shown = [p.message for p in checked.warnings if p.column == "Mã đơn vị"]
    assert shown == ["«CĐCS Một» là tên đơn vị: đã hiểu là mã C1 (CĐCS Một).",
                     "«cdcs sau» là tên đơn vị: đã hiểu là mã C6 (CĐCS Sáu)."]


def test_a_name_shared_by_two_units_asks_for_the_code() -> None:
    sheets = F.province()
    sheets["registry"]["DonVi"].append(["C7", "CĐCS Một", "Cơ sở", "H1"] + [None] * 20)
    ds = load(MemoryStore(sheets))
    checked = importer.check(ds, "CanBo", [OFFICERS, ["", "A", "CĐCS Một", "", ""]], OFFICER)
    (p,) = checked.errors
    assert p.column == "Mã đơn vị" and "trùng tên với 2 đơn vị (mã C1, C7)" in p.message


def test_blank_record_codes_are_proposed_stable_and_written(store: MemoryStore, ds: Dataset) -> None:
    grid = [OFFICERS, ["", "Nguyễn Văn A", "C1", "01/03/2025", ""], ["", "Trần Thị B", "C6", "", ""]]
    first = importer.check(ds, "CanBo", grid, OFFICER)
    again = importer.check(ds, "CanBo", grid, OFFICER)
    codes = [r["Mã cán bộ"] for r in first.rows]
    assert codes == [r["Mã cán bộ"] for r in again.rows]  # the same rows, the same codes
    assert len(set(codes)) == 2 and all(str(c).startswith("CB-") for c in codes)
    assert [p.message for p in first.warnings if p.column == "Mã cán bộ"] == [
        f"Để trống mã: ứng dụng đặt mã {c}." for c in codes]
    assert grid[1][0] == ""  # the caller's grid is left as it was
    res = importer.write(store, ds, first, OFFICER, write_id="WIMP")
    assert res.rows == 2
    officers = load(store).frames["CanBo"]
    assert set(officers[officers["officer"].isin(codes)]["name"]) == {"Nguyễn Văn A", "Trần Thị B"}


def test_a_single_form_is_called_a_form_not_one_row(ds: Dataset, store: MemoryStore) -> None:
    from sheets.errors import ValidationError

    with pytest.raises(ValidationError) as info:
        append(store, "CanBo", [{"Mã cán bộ": "CB9", "Họ tên": "", "Mã đơn vị": "C1"}], OFFICER, dataset=ds)
    assert str(info.value).startswith("Biểu mẫu chưa hợp lệ")
    with pytest.raises(ValidationError) as info:
        append(store, "CanBo", [{"Mã cán bộ": "CB9", "Họ tên": ""}, {"Mã cán bộ": "CB8", "Họ tên": ""}],
               OFFICER, dataset=ds)
    assert "2 dòng" in str(info.value)
