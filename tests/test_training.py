"""T4 edge cases on small commented grids, the attendance problems of SPEC 3.2/3.3, and the
pure helpers of indicators/training.py (tests/fixtures.py says why each base row counts).

Fixture at year 2025, E = 31/12/2025 — the T4 denominator is CB1, CB2, CB7 (C1, C3 under
H1), CB4 (C4, directly under the province) and CB5 (C5, under the dissolved H3):
  CB1 trained in KH1 (ends 10/04/2025)             -> counted
  CB4 trained in KH2 (01/09/2025), assigned after   -> counted, with a warning
  CB2 marked present in KH1, then re-marked absent  -> not counted
  CB7 attended only KH3, a voided course            -> not counted, with a warning
  CB5 trained only in 2024 (KH0)                    -> not counted, trained "ever"
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, cast

import pandas as pd
import pytest

from indicators import training as T
from indicators.core import compute
from sheets import clock
from sheets import schema as S
from sheets.load import Dataset, load
from sheets.parse import ERROR, WARNING
from sheets.stores.memory import MemoryStore
from sheets.write import append, history
from tests import fixtures as F

D = date


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    clock.set_now("2026-03-01")
    yield
    clock.set_now(None)


def rows(fixture_rows: object) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], fixture_rows)


def province(
    *, courses_h1: list[dict[str, Any]] | None = None, attendance_h1: list[dict[str, Any]] | None = None,
    officers_h1: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The fixture province with extra H1 courses, attendance or officers."""
    sheets = F.province()
    sheets["H1"]["KhoaHoc"] = F.grid(S.KHOA_HOC, [*rows(F.COURSES_H1), *(courses_h1 or [])])
    sheets["H1"]["DiemDanh"] = F.grid(S.DIEM_DANH, [*rows(F.ATTENDANCE_H1), *(attendance_h1 or [])])
    sheets["H1"]["CanBo"] = F.grid(S.CAN_BO, [*rows(F.OFFICERS_H1), *(officers_h1 or [])])
    return sheets


def loaded(**extra: list[dict[str, Any]]) -> Dataset:
    return load(MemoryStore(province(**extra)))


@pytest.fixture()
def ds() -> Dataset:
    return loaded()


def t4(ds: Dataset, as_of: date, year: int = 2025, scope: str | None = None) -> tuple[int, int]:
    ind = compute(ds, year, as_of, scope)["T4"]
    return ind.numerator, ind.denominator


def counted(ds: Dataset, as_of: date, year: int = 2025) -> set[str]:
    det = compute(ds, year, as_of)["T4"].detail
    return set(det.loc[det["counted"], "Mã cán bộ"])


def problems(ds: Dataset, tab: str = "DiemDanh") -> list[tuple[str, str, str]]:
    return [(p.severity, p.value, p.message) for p in ds.problems if p.tab == tab]


# --- T4 edge cases ----------------------------------------------------------------------


def test_course_ending_exactly_on_the_as_of_date_counts() -> None:
    ds = loaded(
        # KH9 runs 13-15/10/2025; CB7 (otherwise only at the voided KH3) attends it
        courses_h1=[dict(course="KH9", name="Tập huấn tháng Mười", unit="H1", start=D(2025, 10, 13),
                         end=D(2025, 10, 15))],
        attendance_h1=[dict(course="KH9", officer="CB7", present=F.Y)],
    )
    # At E = 15/10/2025 the denominator is CB1, CB2, CB7, CB5 (CB4 is assigned 01/11, CB3 left,
    # CB6's unit H3 dissolved 01/10): CB1 and CB7, whose course ends that very day, count.
    assert t4(ds, D(2025, 10, 15)) == (2, 4)
    assert counted(ds, D(2025, 10, 15)) == {"CB1", "CB7"}
    # one day earlier the course has not ended: only CB1
    assert t4(ds, D(2025, 10, 14)) == (1, 4)
    # a course ending on 31/12 counts for that year at any later as-of (E = 31/12)
    late = loaded(
        courses_h1=[dict(course="KH9", name="Cuối năm", unit="H1", start=D(2025, 12, 31))],
        attendance_h1=[dict(course="KH9", officer="CB7", present=F.Y)],
    )
    assert counted(late, D(2026, 2, 1)) == {"CB1", "CB4", "CB7"}
    assert counted(late, D(2026, 2, 1), year=2026) == set()


def test_officer_assigned_after_the_course_counts_with_a_warning(ds: Dataset) -> None:
    # CB4 was assigned 01/11/2025 but attended KH2 on 01/09/2025
    assert "CB4" in counted(ds, D(2025, 12, 31))
    late = [p for p in ds.problems if p.tab == "DiemDanh" and p.value == "CB4"]
    assert [(p.severity, p.spreadsheet, p.row) for p in late] == [(WARNING, "registry", 3)]
    assert "sau khi khóa kết thúc" in late[0].message and "vẫn được tính" in late[0].message
    # before the assignment CB4 is not an officer yet: out of the denominator altogether
    assert t4(ds, D(2025, 10, 31)) == (1, 4)


def test_attendance_re_marked_absent_later_is_not_trained(ds: Dataset) -> None:
    v = ds.versions["DiemDanh"]
    cb2 = v[(v["course"] == "KH1") & (v["officer"] == "CB2")]
    assert list(cb2["present"]) == [True, False]  # oldest first: the stamped re-mark wins
    assert list(cb2["_winner"]) == [False, True]
    cur = ds.frames["DiemDanh"]
    assert cur[(cur["course"] == "KH1") & (cur["officer"] == "CB2")]["present"].tolist() == [False]
    assert "CB2" not in counted(ds, D(2025, 12, 31))
    assert t4(ds, D(2025, 12, 31)) == F.EXPECTED_2025["T4"]
    # and the other way round: absent, then present again -> trained
    again = loaded(attendance_h1=[dict(course="KH1", officer="CB2", present=F.Y,
                                       stamp="2025-04-12T08:00:00+07:00")])
    assert "CB2" in counted(again, D(2025, 12, 31))


def test_re_marking_through_the_door_leaves_one_current_answer() -> None:
    store = MemoryStore(F.province())
    clock.set_now("2025-04-10T16:00:00")  # the last day of KH1
    for present in (True, False, True):  # marked, unmarked, marked again from another phone
        append(store, "DiemDanh", [{"Mã khóa": "KH1", "Mã cán bộ": "CB7", "Có mặt": present}], "train@x.vn")
        clock.set_now(clock.now() + pd.Timedelta(minutes=1))
    ds = load(store)
    cur = ds.frames["DiemDanh"]
    assert len(cur[(cur["course"] == "KH1") & (cur["officer"] == "CB7")]) == 1
    assert cur.set_index(["course", "officer"]).at[("KH1", "CB7"), "present"]
    assert len(history(ds, "DiemDanh", {"course": "KH1", "officer": "CB7"})) == 3
    assert not [p for p in problems(ds) if p[1] == "CB7" and "trước khi khóa kết thúc" in p[2]]
    assert "CB7" in counted(ds, D(2025, 12, 31))


# --- problems of SPEC 3.2 / 3.3 ---------------------------------------------------------


def test_unknown_course_or_officer_is_an_error_and_counts_nowhere() -> None:
    ds = loaded(attendance_h1=[
        dict(course="KH404", officer="CB7", present=F.Y),  # no such course
        dict(course="KH1", officer="CB404", present=F.Y),  # no such officer
    ])
    found = problems(ds)
    assert (ERROR, "KH404", "Mã khóa không có trong KhoaHoc; dòng này không được tính.") in found
    assert (ERROR, "CB404", "Mã cán bộ không có trong CanBo; dòng này không được tính.") in found
    cur = ds.frames["DiemDanh"]
    assert not cur["course"].eq("KH404").any() and not cur["officer"].eq("CB404").any()
    assert t4(ds, D(2025, 12, 31)) == F.EXPECTED_2025["T4"]


def test_voided_course_is_a_warning_and_counts_nowhere(ds: Dataset) -> None:
    assert any(s == WARNING and v == "KH3" and "đã bị hủy" in m for s, v, m in problems(ds))
    assert "KH3" not in set(ds.frames["DiemDanh"]["course"])
    cov = T.coverage(ds, compute(ds, 2025, D(2025, 12, 31)))
    assert "CB7" in set(cov.untrained[T.C_OFFICER])
    assert "KH3" not in set(cov.courses["Mã khóa"])
    assert not cov.officers.set_index("officer").at["CB7", "trained_ever"]


def test_officer_gone_before_the_course_is_a_warning_and_still_counts() -> None:
    # CB3 left on 30/06/2025; KH9 starts 01/09/2025 and CB3 is marked present
    ds = loaded(
        courses_h1=[dict(course="KH9", name="Tháng Chín", unit="H1", start=D(2025, 9, 1), end=D(2025, 9, 2))],
        attendance_h1=[dict(course="KH9", officer="CB3", present=F.Y),
                       dict(course="KH9", officer="CB7", present=F.N)],
    )
    gone = [p for p in ds.problems if p.tab == "DiemDanh" and p.value == "CB3"]
    assert [p.severity for p in gone] == [WARNING] and "thôi việc trước khi khóa bắt đầu" in gone[0].message
    assert ds.frames["DiemDanh"].set_index(["course", "officer"]).at[("KH9", "CB3"), "present"]
    # it counts where it can: in the course's attendance (CB3 is out of T4 at any E after 30/06)
    cov = T.coverage(ds, compute(ds, 2025, D(2025, 12, 31)))
    kh9 = cov.courses.set_index("Mã khóa").loc["KH9"]
    assert (kh9["Được mời"], kh9["Có mặt"], kh9["Tỷ lệ có mặt (%)"]) == (2, 1, 50.0)


def test_marked_before_the_course_ends_is_a_warning_and_counts_from_its_end() -> None:
    # KH9 runs 30/12/2025 - 02/01/2026; CB7 marked present on its first day
    ds = loaded(
        courses_h1=[dict(course="KH9", name="Qua năm", unit="H1", start=D(2025, 12, 30), end=D(2026, 1, 2))],
        attendance_h1=[dict(course="KH9", officer="CB7", present=F.Y, stamp="2025-12-30T09:00:00+07:00")],
    )
    early = [p for p in ds.problems if p.tab == "DiemDanh" and p.column == "Có mặt"]
    assert [p.severity for p in early] == [WARNING] and "chỉ được tính từ ngày kết thúc" in early[0].message
    assert early[0].value == "Có"  # as the cell reads, not the parsed True
    cur = ds.frames["DiemDanh"]
    assert cur.loc[(cur["course"] == "KH9") & (cur["officer"] == "CB7"), "counts_from"].tolist() == [
        pd.Timestamp("2026-01-02")
    ]
    assert "CB7" not in counted(ds, D(2025, 12, 31))  # not in 2025
    assert "CB7" not in counted(ds, D(2026, 1, 1), year=2026)  # not before the end date
    assert "CB7" in counted(ds, D(2026, 1, 2), year=2026)


# --- coverage ---------------------------------------------------------------------------


def test_coverage_breakdown_at_year_end(ds: Dataset) -> None:
    cov = T.coverage(ds, compute(ds, 2025, D(2025, 12, 31)))
    assert (cov.numerator, cov.denominator, cov.percent) == (2, 5, 40.0)
    assert cov.target_count == 5 and cov.threshold == 100.0
    assert cov.trained_ever == 3  # CB1, CB4 this year; CB5 in 2024
    assert (cov.o1_numerator, cov.o1_denominator) == (4, 5)

    # by upper-level unit: BK's own officers and direct CĐCS (C4), H1's subtree, H3's (C5)
    expected_upper = pd.DataFrame({
        "Mã đơn vị": ["BK", "H1", "H3"],
        "Đơn vị": ["LĐLĐ tỉnh (cơ quan và CĐCS trực thuộc)", "LĐLĐ huyện Một", "LĐLĐ huyện Ba"],
        "Số cán bộ": [1, 3, 1],
        "Tập huấn trong năm": [1, 1, 0],
        "Tỷ lệ (%)": [100.0, 100.0 / 3, 0.0],
        "Đã từng tập huấn": [1, 1, 1],
        "Đạt": [True, False, False],
    })
    pd.testing.assert_frame_equal(cov.by_upper, expected_upper, check_dtype=False)

    # by grassroots union, weakest first (then by name)
    g = cov.by_grassroots
    assert list(g["Mã đơn vị"]) == ["C3", "C5", "C1", "C4"]
    assert list(g["Tỷ lệ (%)"]) == [0.0, 0.0, 50.0, 100.0]
    assert list(g["Cấp trên"]) == ["LĐLĐ huyện Một", "LĐLĐ huyện Ba", "LĐLĐ huyện Một", "LĐLĐ tỉnh"]

    # cumulative: 0 on 01/01, +1 when KH1 ends (CB1), +1 when KH2 ends (CB4), flat to E
    expected_cum = pd.DataFrame({
        "Ngày": pd.to_datetime(["2025-01-01", "2025-04-10", "2025-09-01", "2025-12-31"]),
        "Đã tập huấn": [0, 1, 2, 2],
    })
    pd.testing.assert_frame_equal(cov.cumulative, expected_cum, check_dtype=False)

    # per course: KH1 (CB1 present, CB2 re-marked absent), KH2 (CB4); KH3 voided, KH0 in 2024
    c = cov.courses.set_index("Mã khóa")
    assert list(c.index) == ["KH1", "KH2"]
    assert c[["Được mời", "Có mặt", "Tỷ lệ có mặt (%)"]].values.tolist() == [[2, 1, 50.0], [1, 1, 100.0]]

    assert list(cov.no_officer["Mã đơn vị"]) == ["C6"]  # O1: C6 has no officer
    assert list(cov.no_officer["Cấp trên"]) == ["LĐLĐ huyện Một"]

    un = cov.untrained.set_index(T.C_OFFICER)
    assert list(un.index) == ["CB7", "CB2", "CB5"]  # by upper unit, then unit, in DonVi order
    assert un.at["CB5", T.C_LAST] == pd.Timestamp("2024-05-03")
    assert un[T.C_LAST].isna().tolist() == [True, True, False]  # CB7, CB2 never trained
    assert un.at["CB2", T.C_UNIT_NAME] == "CĐCS Ba"


def test_coverage_of_one_upper_unit(ds: Dataset) -> None:
    cov = T.coverage(ds, compute(ds, 2025, D(2025, 12, 31), "H1"))
    assert (cov.numerator, cov.denominator) == (1, 3)
    assert list(cov.by_upper["Mã đơn vị"]) == ["H1"]
    # KH2 is organised by the province and attended by no H1 officer: not shown for H1
    assert list(cov.courses["Mã khóa"]) == ["KH1"]
    assert list(cov.no_officer["Mã đơn vị"]) == ["C6"]


def test_coverage_with_no_officers_has_no_percent() -> None:
    ds = load(MemoryStore({"registry": {"DonVi": F.grid(S.DON_VI, rows(F.UNITS[:1]))}}))
    cov = T.coverage(ds, compute(ds, 2025, D(2025, 12, 31)))
    assert (cov.numerator, cov.denominator, cov.percent, cov.target_count) == (0, 0, None, 0)
    assert len(cov.by_upper) == 0 and len(cov.untrained) == 0
    assert cov.cumulative["Đã tập huấn"].tolist() == [0, 0]


# --- courses, invitations, attendance ---------------------------------------------------


def test_who_manages_which_courses(ds: Dataset) -> None:
    admin, trainer, leader = ds.users["admin@x.vn"], ds.users["train@x.vn"], ds.users["leader@x.vn"]
    assert T.can_manage(admin) and T.can_manage(trainer) and not T.can_manage(leader)
    assert not T.can_manage(ds.users["h1@x.vn"]) and not T.can_manage(None)
    assert T.managed_units(ds, trainer) == {"H1", "C1", "C2", "C3", "C6"}
    # active at 31/12/2025: H2 is founded in 2026, H3 dissolved in October
    assert T.organiser_options(ds, admin, D(2025, 12, 31)) == ["BK", "H1", "H4"]
    assert T.organiser_options(ds, trainer, D(2025, 12, 31)) == ["H1"]
    courses = T.courses_of_year(ds, 2025)
    assert list(courses["course"]) == ["KH2", "KH1"]  # newest first; KH3 is voided
    assert courses[courses["course"] == "KH1"][["invited", "present"]].values.tolist() == [[2, 1]]
    assert list(T.courses_of_year(ds, 2025, T.managed_units(ds, trainer))["course"]) == ["KH1"]


def test_next_course_code_never_reuses_a_code() -> None:
    ds = loaded(courses_h1=[
        dict(course="TH2025-H1-1", name="Một", unit="H1", start=D(2025, 5, 1)),
        dict(course="TH2025-H1-2", name="Hai (đã hủy)", unit="H1", start=D(2025, 6, 1), void=F.Y),
    ])
    assert T.next_course_code(ds, 2025, "H1") == "TH2025-H1-3"
    assert T.next_course_code(ds, 2026, "H1") == "TH2026-H1-1"
    row = T.course_row(code="TH2025-H1-3", name="  Ba ", unit="H1", start=D(2025, 7, 1), end=None,
                       place=" ", form="Trực tiếp")
    assert row == {"Mã khóa": "TH2025-H1-3", "Tên khóa": "Ba", "Mã đơn vị": "H1", "Ngày bắt đầu": D(2025, 7, 1),
                   "Ngày kết thúc": None, "Địa điểm": None, "Hình thức": "Trực tiếp"}


def test_roster_puts_untrained_officers_first(ds: Dataset) -> None:
    # KH2 (province, 01/09/2025), inviting H1's officers: CB3 left in June; none invited yet
    ro = T.roster(ds, "KH2", "H1")
    assert list(ro["officer"]) == ["CB7", "CB2", "CB1"]  # untrained (C1 before C3), then trained
    assert list(ro["trained"]) == [False, False, True]
    # officers already invited to KH1 are not offered again
    # KH1 started 08/04/2025, before CB3 left: CB3 could have been invited then
    assert list(T.roster(ds, "KH1", "H1")["officer"]) == ["CB7", "CB3"]
    assert T.invitation_rows("KH2", ["CB7"]) == [{"Mã khóa": "KH2", "Mã cán bộ": "CB7", "Có mặt": False}]


def test_attendance_saves_only_what_changed_and_keeps_notes() -> None:
    ds = loaded(attendance_h1=[dict(course="KH1", officer="CB7", present=F.N, note="Ốm")])
    sheet = T.attendance_sheet(ds, "KH1")
    assert list(sheet["officer"]) == ["CB7", "CB1", "CB2"]  # C1 (Bảy, Một) then C3, in DonVi order
    base = dict(zip(sheet["officer"], sheet["present"], strict=True))
    assert base == {"CB1": True, "CB7": False, "CB2": False}
    assert T.attendance_changes(sheet, "KH1", base, base) == []
    changes = T.attendance_changes(sheet, "KH1", base, {"CB1": True, "CB7": True, "CB2": False})
    assert changes == [{"Mã khóa": "KH1", "Mã cán bộ": "CB7", "Có mặt": True, "Ghi chú": "Ốm"}]
    # an officer not shown (filtered out) or not in the baseline is left alone
    assert T.attendance_changes(sheet, "KH1", {"CB1": True}, {"CB7": True, "CB1": True}) == []


def test_two_phones_marking_different_officers_do_not_undo_each_other() -> None:
    store = MemoryStore(F.province())
    clock.set_now("2025-04-11T09:00:00")  # after the fixture's re-mark of CB2 (08:00)
    seen = load(store)  # both phones opened the sheet at the same time
    sheet = T.attendance_sheet(seen, "KH1")
    base = dict(zip(sheet["officer"], sheet["present"], strict=True))  # CB1 yes, CB2 no
    phone_a = T.attendance_changes(sheet, "KH1", base, {**base, "CB2": True})
    phone_b = T.attendance_changes(sheet, "KH1", base, {**base, "CB1": False})
    append(store, "DiemDanh", phone_a, "train@x.vn", write_id="WA")
    append(store, "DiemDanh", phone_a, "train@x.vn", write_id="WA")  # a retry: not doubled
    clock.set_now("2025-04-11T09:01:00")
    append(store, "DiemDanh", phone_b, "admin@x.vn", write_id="WB")
    after = T.attendance_sheet(load(store), "KH1").set_index("officer")["present"]
    assert after.to_dict() == {"CB1": False, "CB2": True}
    assert len(history(load(store), "DiemDanh", {"course": "KH1", "officer": "CB2"})) == 3  # two in the sheet + one new version
