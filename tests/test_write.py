"""The write door: validation, permission, home spreadsheet, stamps, retries, voids."""

from __future__ import annotations

from datetime import date

import pytest

from indicators.core import compute
from sheets import clock
from sheets.errors import PermissionDenied, ValidationError, WriteError
from sheets.load import load
from sheets.stores.memory import MemoryStore
from sheets.write import append, history, void
from tests import fixtures as F


@pytest.fixture(autouse=True)
def _today() -> None:
    clock.set_now("2025-12-31T10:00:00")
    yield
    clock.set_now(None)


@pytest.fixture()
def store() -> MemoryStore:
    return MemoryStore(F.province())


def _tab(store: MemoryStore, sheet: str, tab: str) -> list[list[object]]:
    return store.sheets[sheet][tab]


def test_officer_writes_into_home_spreadsheet_with_stamps(store: MemoryStore) -> None:
    before = len(_tab(store, "H1", "KeHoach"))
    res = append(store, "KeHoach", [{"Năm": 2025, "Mã đơn vị": "c6", "Có kế hoạch": "x", "Đã phát động": True}],
                 "H1@x.vn")
    assert res.sheets == {"H1": 1}  # C6 has no spreadsheet: its parent H1's
    g = _tab(store, "H1", "KeHoach")
    assert len(g) == before + 1
    header = [str(h) for h in g[0]]
    row = dict(zip(header, g[-1], strict=False))
    assert row["Mã đơn vị"] == "C6" and row["Có kế hoạch"] == "Có"
    assert row["Cập nhật lúc"] == "2025-12-31T10:00:00+07:00"
    assert row["Người cập nhật"] == "h1@x.vn"
    assert row["Mã lần ghi"] == res.write_id
    res2 = compute(load(store), 2025, date(2025, 12, 31))
    assert res2["T1B"].numerator == F.EXPECTED_2025["T1B"][0] + 1


def test_province_unit_goes_to_registry(store: MemoryStore) -> None:
    res = append(store, "KeHoach", [{"year": 2025, "unit": "C4", "has_plan": True, "launched": True}], "admin@x.vn")
    assert res.sheets == {"registry": 1}


def test_officer_outside_subtree_refused(store: MemoryStore) -> None:
    before = {k: len(v) for k, v in store.sheets["registry"].items()}
    with pytest.raises(PermissionDenied, match="ngoài phạm vi"):
        append(store, "KeHoach", [{"year": 2025, "unit": "C4", "has_plan": True, "launched": True}], "h1@x.vn")
    assert {k: len(v) for k, v in store.sheets["registry"].items()} == before


def test_leader_writes_nothing_and_unknown_user_refused(store: MemoryStore) -> None:
    with pytest.raises(PermissionDenied):
        append(store, "KeHoach", [{"year": 2025, "unit": "C1", "has_plan": True, "launched": True}], "leader@x.vn")
    with pytest.raises(PermissionDenied, match="chưa được cấp quyền"):
        append(store, "KeHoach", [{"year": 2025, "unit": "C1", "has_plan": True, "launched": True}], "ai@x.vn")


def test_trainer_writes_courses_of_own_subtree_only(store: MemoryStore) -> None:
    res = append(store, "DiemDanh", [{"course": "KH1", "officer": "CB7", "present": True}], "train@x.vn")
    assert res.sheets == {"H1": 1}
    with pytest.raises(PermissionDenied):  # KH2 is organised by the province
        append(store, "DiemDanh", [{"course": "KH2", "officer": "CB7", "present": True}], "train@x.vn")
    with pytest.raises(PermissionDenied):  # not a training tab
        append(store, "KeHoach", [{"year": 2025, "unit": "C1", "has_plan": True, "launched": True}], "train@x.vn")


def test_only_admin_writes_configuration(store: MemoryStore) -> None:
    with pytest.raises(PermissionDenied):
        append(store, "ChiTieu", [{"year": 2026, "code": "T3", "threshold": 20}], "h1@x.vn")
    res = append(store, "ChiTieu", [{"year": 2026, "code": "T3", "threshold": "20%"}], "admin@x.vn")
    assert res.sheets == {"registry": 1}
    assert load(store).thresholds(2026)["T3"] == 20.0


def test_invalid_rows_write_nothing(store: MemoryStore) -> None:
    before = len(_tab(store, "H1", "KeHoach"))
    rows = [
        {"year": 2025, "unit": "C6", "has_plan": True, "launched": True},
        {"year": "hai nghìn", "unit": "C3", "has_plan": True, "launched": True},
    ]
    with pytest.raises(ValidationError) as err:
        append(store, "KeHoach", rows, "h1@x.vn")
    assert err.value.problems and err.value.problems[0].column == "Năm"
    assert len(_tab(store, "H1", "KeHoach")) == before  # all or nothing


def test_unknown_codes_refused(store: MemoryStore) -> None:
    with pytest.raises(ValidationError):
        append(store, "DiemDanh", [{"course": "NOPE", "officer": "CB1", "present": True}], "admin@x.vn")
    with pytest.raises(ValidationError):
        append(store, "KeHoach", [{"year": 2025, "unit": "ZZ", "has_plan": True, "launched": True}], "admin@x.vn")


def test_retry_with_same_write_id_is_not_doubled(store: MemoryStore) -> None:
    row = [{"year": 2025, "unit": "C6", "has_plan": True, "launched": True}]
    first = append(store, "KeHoach", row, "h1@x.vn", write_id="WTEST1")
    n = len(_tab(store, "H1", "KeHoach"))
    again = append(store, "KeHoach", row, "h1@x.vn", write_id="WTEST1")
    assert first.write_id == again.write_id == "WTEST1" and again.already
    assert len(_tab(store, "H1", "KeHoach")) == n


class FlakyStore(MemoryStore):
    """Applies the write, then loses the answer (or fails before applying)."""

    def __init__(self, sheets, *, apply: bool) -> None:  # type: ignore[no-untyped-def]
        super().__init__(sheets)
        self.apply = apply

    def append_rows(self, sheet, tab, header, rows) -> None:  # type: ignore[no-untyped-def]
        if self.apply:
            super().append_rows(sheet, tab, header, rows)
        raise TimeoutError("mất kết nối")


def test_lost_response_counts_as_written() -> None:
    s = FlakyStore(F.province(), apply=True)
    res = append(s, "KeHoach", [{"year": 2025, "unit": "C6", "has_plan": True, "launched": True}], "h1@x.vn")
    ids = [r[-1] for r in s.sheets["H1"]["KeHoach"][1:]]
    assert ids.count(res.write_id) == 1


def test_failed_write_raises_write_error_and_writes_nothing() -> None:
    s = FlakyStore(F.province(), apply=False)
    before = len(s.sheets["H1"]["KeHoach"])
    with pytest.raises(WriteError, match="thử lại"):
        append(s, "KeHoach", [{"year": 2025, "unit": "C6", "has_plan": True, "launched": True}], "h1@x.vn")
    assert len(s.sheets["H1"]["KeHoach"]) == before


def test_void_and_history(store: MemoryStore) -> None:
    void(store, "KeHoach", {"year": 2025, "unit": "C3"}, "h1@x.vn")
    ds = load(store)
    assert not ((ds.frames["KeHoach"]["unit"] == "C3") & (ds.frames["KeHoach"]["year"] == 2025)).any()
    h = history(ds, "KeHoach", {"year": 2025, "unit": "C3"})
    assert len(h) == 3 and bool(h["void"].iloc[-1]) and bool(h["_winner"].iloc[-1])


def test_formula_text_is_kept_as_text(store: MemoryStore) -> None:
    append(store, "KeHoach", [{"year": 2025, "unit": "C6", "has_plan": True, "launched": True,
                               "note": '=IMPORTXML("http://x", "//a")'}], "h1@x.vn")
    g = _tab(store, "H1", "KeHoach")
    assert '=IMPORTXML("http://x", "//a")' in g[-1]
