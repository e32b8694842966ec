"""Whose record a key names (SPEC 3.3): a unit typing in its own sheet cannot void or move
another unit's records, references resolve from the referring spreadsheet, future stamps are
unstamped, and a move under another owner is a void plus a creation in one write."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from indicators.core import compute
from sheets import schema as S
from sheets.errors import PermissionDenied
from sheets.load import load
from sheets.stores.memory import MemoryStore
from sheets.write import append
from tests.fixtures import grid

Y, D = "Có", date
UNITS = [
    dict(unit="BK", name="LĐLĐ tỉnh", level="Tỉnh"),
    dict(unit="BB", name="LĐLĐ huyện Ba Bể", level="Cấp trên cơ sở", parent="BK", sheet="SBB"),
    dict(unit="GD", name="Công đoàn ngành Giáo dục", level="Cấp trên cơ sở", parent="BK", sheet="SGD"),
    dict(unit="BB1", name="CĐCS Ba Bể Một", level="Cơ sở", parent="BB"),
    dict(unit="GD1", name="CĐCS Giáo dục Một", level="Cơ sở", parent="GD"),
]
USERS = [
    dict(email="admin@x.vn", role="Quản trị", unit="BK"),
    dict(email="bb@x.vn", role="Cán bộ cấp trên cơ sở", unit="BB"),
    dict(email="gd@x.vn", role="Cán bộ cấp trên cơ sở", unit="GD"),
]
AWARD = dict(award="K1", year=2025, decided=D(2025, 5, 1), form="Giấy khen", subject="Cá nhân",
             name="Nguyễn Văn A", unit="GD1", group="Công nhân, lao động trực tiếp")
OFFICER = dict(officer="CB1", name="Cán bộ Một", unit="GD1", assigned=D(2024, 1, 1))
COURSE = dict(course="KH1", name="Tập huấn Giáo dục", unit="GD", start=D(2025, 4, 8), end=D(2025, 4, 10))
FUTURE = "2099-01-01T08:00:00+07:00"


def _province(bb: dict[str, Any] | None = None) -> MemoryStore:
    attendance = [dict(course="KH1", officer="CB1", present=Y)]
    attendance += [dict(course="KH1", officer=f"CBX{i}", present=Y) for i in range(3)]
    officers = [OFFICER, *(dict(officer=f"CBX{i}", name=f"Cán bộ X{i}", unit="GD1") for i in range(3))]
    sheets: dict[str, dict[str, Any]] = {
        "registry": {"DonVi": grid(S.DON_VI, UNITS), "NguoiDung": grid(S.NGUOI_DUNG, USERS)},
        "SGD": {
            "KhenThuong": grid(S.KHEN_THUONG, [AWARD]),
            "CanBo": grid(S.CAN_BO, officers),
            "KhoaHoc": grid(S.KHOA_HOC, [COURSE]),
            "DiemDanh": grid(S.DIEM_DANH, attendance),
        },
        "SBB": {name: grid(S.TABS[name], rows) for name, rows in (bb or {}).items()},
    }
    return MemoryStore(sheets)


def _figures(store: MemoryStore, scope: str = "GD") -> dict[str, tuple[int, int]]:
    res = compute(load(store), 2025, date(2025, 12, 31), scope)
    return {i.code: (i.numerator, i.denominator) for i in res.indicators}


TRICKS = {
    # Ba Bể voids a Giáo dục award by reusing its key, stamped in 2099
    "void-award": {"KhenThuong": [{**AWARD, "unit": "BB1", "void": Y, "stamp": FUTURE}]},
    # ... moves a Giáo dục officer to Ba Bể
    "move-officer": {"CanBo": [{**OFFICER, "unit": "BB1", "stamp": FUTURE}]},
    # ... voids a Giáo dục course (and with it its attendance)
    "void-course": {"KhoaHoc": [{**COURSE, "unit": "BB", "void": Y, "stamp": FUTURE}]},
}


@pytest.mark.parametrize("trick", sorted(TRICKS))
def test_a_district_cannot_void_or_move_another_units_record(trick: str) -> None:
    before = _figures(_province())
    store = _province(TRICKS[trick])
    ds = load(store)
    assert _figures(store) == before  # the victim's figures unchanged
    # the victim's records stand, whichever of the two records keeps the plain code as its id
    def ours(tab: str, attr: str, code: str, unit: str) -> int:
        f = ds.frames[tab]
        return int(((f[attr].map(lambda k: ds.raw_code(tab, k)) == code) & (f["unit"] == unit)).sum())

    assert ours("KhenThuong", "award", "K1", "GD1") == 1
    assert ours("CanBo", "officer", "CB1", "GD1") == 1
    assert ours("KhoaHoc", "course", "KH1", "GD") == 1
    course_id = ds.frames["KhoaHoc"].set_index("unit").at["GD", "course"]
    assert (ds.frames["DiemDanh"]["course"] == course_id).sum() == 4
    same = [p for p in ds.problems if "cùng mã được dùng ở hai đơn vị" in p.message]
    assert len(same) == 1 and "Ba Bể" in same[0].message and "Giáo dục" in same[0].message
    future = [p for p in ds.problems if "tương lai" in p.message]
    assert len(future) == 1 and future[0].spreadsheet == "SBB"


def test_the_owners_correction_still_wins_after_a_2099_stamp() -> None:
    store = _province(TRICKS["void-award"])
    append(store, "KhenThuong", [{**AWARD, "name": "Nguyễn Văn Á"}], "gd@x.vn")
    cur = load(store).frames["KhenThuong"].set_index("award")
    assert cur.at["K1", "name"] == "Nguyễn Văn Á"


def test_a_district_cannot_take_a_code_another_unit_uses_through_the_door() -> None:
    store = _province()
    with pytest.raises(PermissionDenied, match="không thể ghi đè"):
        append(store, "CanBo", [{**OFFICER, "unit": "BB1"}], "bb@x.vn")
    assert "SBB" not in store.spreadsheet_names() or not store.read(["SBB"])[0].tabs.get("CanBo")


def test_province_moves_an_officer_between_two_districts_in_one_write() -> None:
    store = _province()
    result = append(store, "CanBo", [{**OFFICER, "unit": "BB1"}], "admin@x.vn")
    assert result.sheets == {"SBB": 1, "SGD": 1}  # created under Ba Bể, voided under Giáo dục
    ds = load(store)
    cb = ds.frames["CanBo"].set_index("officer")
    assert cb.at["CB1", "unit"] == "BB1" and len(ds.frames["CanBo"]) == 4
    assert not [p for p in ds.problems if "cùng mã" in p.message]  # a move is not a clash
    gd = store.read(["SGD"])[0].tabs["CanBo"]
    hdr = gd[0]
    last = dict(zip(hdr, gd[-1], strict=False))
    assert last["Mã cán bộ"] == "CB1" and last["Hủy"] == "Có" and last["Mã lần ghi"] == result.write_id
    # a retry of the same write adds nothing
    again = append(store, "CanBo", [{**OFFICER, "unit": "BB1"}], "admin@x.vn", write_id=result.write_id,
                   dataset=ds)
    assert len(store.read(["SGD"])[0].tabs["CanBo"]) == len(gd) and again.already


def test_references_resolve_nearest_the_referring_spreadsheet() -> None:
    # Ba Bể has its own CB1 (a clash, warned); its attendance at its own course names its own CB1
    store = _province({
        "CanBo": [{**OFFICER, "name": "Cán bộ Ba Bể", "unit": "BB1"}],
        "KhoaHoc": [dict(course="KH9", name="Tập huấn Ba Bể", unit="BB", start=D(2025, 5, 1))],
        "DiemDanh": [dict(course="KH9", officer="CB1", present=Y),
                     dict(course="KH1", officer="CB1", present=Y)],  # Giáo dục's course: not in Ba Bể's scope
    })
    ds = load(store)
    cb = ds.frames["CanBo"].set_index("officer")
    ids = {u: i for i, u in cb["unit"].items()}
    assert set(ids) == {"GD1", "BB1"} and ids["BB1"] != ids["GD1"]
    assert ds.raw_code("CanBo", ids["BB1"]) == "CB1"
    dd = ds.frames["DiemDanh"]
    assert list(dd.loc[dd["course"] == "KH9", "officer"]) == [ids["BB1"]]
    assert any(p.spreadsheet == "SBB" and p.column == "Mã khóa" and p.severity == "error" for p in ds.problems)
    # T4 for Giáo dục: its CB1 trained; Ba Bể's CB1 trained at KH9 (ends 01/05/2025)
    assert _figures(store, "GD")["T4"] == (4, 4) and _figures(store, "BB")["T4"] == (1, 1)


# --- Mã hồ sơ: a reference by code (SPEC 3.3) ------------------------------------------------


def _decided_with_a_second_district() -> MemoryStore:
    """The H1 dossier of tests/test_workflow.py decided by the province; H4 gets its own sheet."""
    from sheets import clock
    from tests.test_workflow import NOW, _walk, sheets

    clock.set_now(NOW)
    prov = sheets()
    donvi = prov["registry"]["DonVi"]
    if "Bảng tính" not in donvi[0]:
        donvi[0].append("Bảng tính")
    col = donvi[0].index("Bảng tính")
    for r in donvi[1:]:
        r += [None] * (len(donvi[0]) - len(r))
        if r[0] == "H4":
            r[col] = "H4"
    prov["H4"] = {}
    store = MemoryStore(prov)
    _walk(store, S.DOSSIER_DECIDED)
    return store


def _typed(store: MemoryStore, sheet: str, tab: S.Tab, row: dict[str, Any]) -> None:
    g = store.sheets[sheet].setdefault(tab.name, [[]])
    g[0] = list(g[0]) + [c.name for c in tab.all_columns if c.name not in g[0] and c.attr in row]
    by_name = {c.name: c.attr for c in tab.all_columns}
    g.append([row.get(by_name.get(str(h), "")) for h in g[0]])


def test_an_award_naming_another_districts_dossier_is_unknown_there() -> None:
    """H4 types, in its own sheet, an award for its own unit naming H1's decided dossier and
    an agreed line whose province award was voided: the dossier's H (H1) is outside H4's
    scope and not the province's, so the code names nothing there: an error, not counted."""
    from sheets import clock
    from sheets import dossier as D
    from tests.test_workflow import CODE

    try:
        store = _decided_with_a_second_district()
        ds = load(store)
        award = D.award_rows(ds, CODE)[0]
        assert award["award"] in set(ds.frames["KhenThuong"]["award"])
        _typed(store, "registry", S.KHEN_THUONG, award | dict(void="Có", stamp="2025-12-31T10:01:00"))
        voided = load(store)
        assert award["award"] not in set(voided.frames["KhenThuong"]["award"])
        before = compute(voided, 2025, date(2025, 12, 31))["T3"]
        _typed(store, "H4", S.KHEN_THUONG, award | dict(unit="H4", name="Người của H4"))
        after = load(store)
        assert award["award"] not in set(after.frames["KhenThuong"]["award"])
        t3 = compute(after, 2025, date(2025, 12, 31))["T3"]
        assert (t3.numerator, t3.denominator) == (before.numerator, before.denominator)
        hits = [p for p in after.problems if p.spreadsheet == "H4" and p.tab == "KhenThuong"
                and p.column == "Mã hồ sơ" and p.severity == "error"]
        assert hits and "ngoài phạm vi bảng tính này" in hits[0].message, [p.message for p in after.problems]
        # in the province's own sheet the same code names the dossier (its H is in scope)
        _typed(store, "registry", S.KHEN_THUONG, award | dict(stamp="2025-12-31T10:02:00"))
        back = load(store)
        assert award["award"] in set(back.frames["KhenThuong"]["award"])
    finally:
        clock.set_now(None)


def test_an_award_naming_an_unknown_dossier_is_an_error() -> None:
    from sheets import clock
    from sheets import dossier as D
    from tests.test_workflow import CODE

    try:
        store = _decided_with_a_second_district()
        award = D.award_rows(load(store), CODE)[0]
        _typed(store, "H4", S.KHEN_THUONG, award | dict(award="HS-KHONGCO-1", dossier="HS-KHONGCO", unit="H4"))
        ds = load(store)
        assert "HS-KHONGCO-1" not in set(ds.frames["KhenThuong"]["award"])
        assert any(p.spreadsheet == "H4" and p.column == "Mã hồ sơ" and "không có trong HoSo" in p.message
                   for p in ds.problems)
    finally:
        clock.set_now(None)
