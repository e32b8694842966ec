"""Indicators on the small fixture province (tests/fixtures.py says why each row counts)."""

from __future__ import annotations

from datetime import date

import pytest

from indicators.core import compute
from sheets import clock
from sheets.load import load
from sheets.stores.memory import MemoryStore
from tests import fixtures as F


@pytest.fixture(autouse=True)
def _today() -> None:
    clock.set_now("2026-03-01")
    yield
    clock.set_now(None)


@pytest.fixture()
def ds():  # type: ignore[no-untyped-def]
    return load(MemoryStore(F.province()))


def figures(res) -> dict[str, tuple[int, int]]:  # type: ignore[no-untyped-def]
    return {i.code: (i.numerator, i.denominator) for i in res.indicators}


def test_expected_figures_at_year_end(ds) -> None:  # type: ignore[no-untyped-def]
    res = compute(ds, 2025, date(2025, 12, 31))
    assert figures(res) == F.EXPECTED_2025


def test_thresholds_override_per_code(ds) -> None:  # type: ignore[no-untyped-def]
    res = compute(ds, 2025, date(2025, 12, 31))
    assert res["T1B"].threshold == 90.0  # "90%"
    assert res["T3"].threshold == 20.0  # "0,2" is a fraction
    assert res["T1A"].threshold == 100.0  # default kept for codes not overridden
    assert compute(ds, 2024, date(2024, 12, 31))["T1B"].threshold == 85.0


def test_percent_and_met(ds) -> None:  # type: ignore[no-untyped-def]
    res = compute(ds, 2025, date(2025, 12, 31))
    t3 = res["T3"]
    assert t3.percent == pytest.approx(60.0)
    assert t3.met is True
    assert res["T1B"].met is False and res["T1B"].gap == 3  # 90 % of 5 = 4.5 -> 5 needed, 2 have


def test_as_of_after_year_uses_decisions_up_to_a(ds) -> None:  # type: ignore[no-untyped-def]
    # K5, decided 10/02/2026 for 2025, counts once A passes it; E stays 31/12/2025
    res = compute(ds, 2025, date(2026, 3, 1))
    assert (res["T3"].numerator, res["T3"].denominator) == (4, 6)
    assert res.end == date(2025, 12, 31)
    assert figures(res)["T1A"] == F.EXPECTED_2025["T1A"]


def test_course_ending_exactly_on_as_of_counts(ds) -> None:  # type: ignore[no-untyped-def]
    on = compute(ds, 2025, date(2025, 4, 10))  # KH1 ends 10/04/2025
    before = compute(ds, 2025, date(2025, 4, 9))
    assert "CB1" in set(on["T4"].detail.loc[on["T4"].detail["counted"], "Mã cán bộ"])
    assert "CB1" not in set(before["T4"].detail.loc[before["T4"].detail["counted"], "Mã cán bộ"])


def test_dissolved_and_unfounded_units(ds) -> None:  # type: ignore[no-untyped-def]
    res = compute(ds, 2025, date(2025, 12, 31))
    t1a_units = set(res["T1A"].detail["Mã đơn vị"])
    assert t1a_units == {"H1", "H4"}  # H2 not founded, H3 dissolved in October
    # before H3's dissolution it is active again
    mid = compute(ds, 2025, date(2025, 9, 1))
    assert "H3" in set(mid["T1A"].detail["Mã đơn vị"])
    t1b_units = set(res["T1B"].detail["Mã đơn vị"])
    assert "C2" not in t1b_units and "C5" in t1b_units


def test_versions_and_voids(ds) -> None:  # type: ignore[no-untyped-def]
    res = compute(ds, 2025, date(2025, 12, 31))
    counted = set(res["T1B"].detail.loc[res["T1B"].detail["counted"], "Mã đơn vị"])
    assert "C3" in counted  # the newer row further down wins
    assert "C1" not in counted  # the stamped void removes the record
    kh = ds.versions["KeHoach"]
    assert len(kh[(kh["unit"] == "C1")]) == 2  # history keeps both versions


def test_out_of_scope_row_is_error_and_ignored(ds) -> None:  # type: ignore[no-untyped-def]
    res = compute(ds, 2025, date(2025, 12, 31))
    assert "H4" in set(res["T1A"].detail.loc[res["T1A"].detail["counted"], "Mã đơn vị"])
    hits = [p for p in ds.problems if p.spreadsheet == "H1" and p.tab == "KeHoach" and p.value == "H4"]
    assert len(hits) == 1 and hits[0].severity == "error" and "phạm vi" in hits[0].message


def test_stopped_and_due_reviews(ds) -> None:  # type: ignore[no-untyped-def]
    t2 = compute(ds, 2025, date(2025, 12, 31))["T2"]
    reasons = dict(zip(t2.detail["Mã phong trào"], t2.detail["Lý do"], strict=True))
    assert reasons == {"P1": "", "P2": "Dừng", "P3": "Quá hạn sơ kết", "P4": ""}
    # before P3's mid-term deadline nothing is due for it yet
    early = compute(ds, 2025, date(2025, 6, 29))["T2"]
    assert dict(zip(early.detail["Mã phong trào"], early.detail["counted"], strict=True))["P3"]


def test_blank_group_in_denominator_only(ds) -> None:  # type: ignore[no-untyped-def]
    t3 = compute(ds, 2025, date(2025, 12, 31))["T3"]
    row = t3.detail[t3.detail["Mã khen thưởng"] == "K3"]
    assert len(row) == 1 and not row["counted"].iloc[0]
    assert any(p.value == "" and p.column == "Nhóm đối tượng" and p.severity == "warning" for p in ds.problems)


def test_officers_who_left_and_attendance(ds) -> None:  # type: ignore[no-untyped-def]
    t4 = compute(ds, 2025, date(2025, 12, 31))["T4"]
    assert set(t4.detail["Mã cán bộ"]) == {"CB1", "CB2", "CB4", "CB5", "CB7"}  # CB3 left, CB6's unit gone
    assert set(t4.detail.loc[t4.detail["counted"], "Mã cán bộ"]) == {"CB1", "CB4"}
    # CB3 left on 30/06: active on 29/06
    june = compute(ds, 2025, date(2025, 6, 29))["T4"]
    assert "CB3" in set(june.detail["Mã cán bộ"])
    # CB4 was assigned after KH2: a warning, and still counted
    assert any(p.value == "CB4" and "sau khi khóa" in p.message for p in ds.problems)
    # KH3 is voided: CB7's attendance is a warning and counts nowhere
    assert any(p.value == "KH3" and "hủy" in p.message for p in ds.problems)


def test_reports_sent_late(ds) -> None:  # type: ignore[no-untyped-def]
    o2 = compute(ds, 2025, date(2025, 12, 31))["O2"]
    status = {(u, k): s for u, k, s in zip(o2.detail["Mã đơn vị"], o2.detail["Kỳ"], o2.detail["Tình trạng"], strict=True)}
    assert status == {
        ("H1", "6 tháng"): "Đúng hạn",
        ("H1", "Năm"): "Gửi muộn",
        ("H4", "6 tháng"): "Đúng hạn",
        ("H4", "Năm"): "Chưa gửi",
    }
    # before the year deadline only the 6-month period is due
    mid = compute(ds, 2025, date(2025, 12, 19))["O2"]
    assert mid.denominator == 2


def test_scope_is_a_subtree(ds) -> None:  # type: ignore[no-untyped-def]
    res = compute(ds, 2025, date(2025, 12, 31), "H1")
    f = figures(res)
    assert f["T1A"] == (1, 1)  # H1 itself
    assert f["T1B"] == (1, 3)  # C1 (voided plan), C3 (counts), C6 (none); C2 dissolved
    assert f["T3"] == (1, 1)  # K4
    assert res.scope == "H1"


def test_zero_denominator_has_no_value(ds) -> None:  # type: ignore[no-untyped-def]
    res = compute(ds, 2021, date(2021, 12, 31))
    t2 = res["T2"]
    assert t2.denominator == 0 and t2.percent is None and t2.met is None
    js = res.as_json({"error": 0, "warning": 0})
    assert js["indicators"][2] == {"code": "T2", "numerator": 0, "denominator": 0, "percent": None,
                                   "threshold": 100.0, "met": None}


def test_json_shape(ds) -> None:  # type: ignore[no-untyped-def]
    js = compute(ds, 2025, date(2025, 12, 31)).as_json(ds.problem_counts())
    assert [i["code"] for i in js["indicators"]] == ["T1A", "T1B", "T2", "T3", "T4", "O1", "O2", "O3"]
    assert js["scope"] == "BK" and js["as_of"] == "2025-12-31" and js["year"] == 2025
    assert js["problems"]["error"] >= 1 and js["problems"]["warning"] >= 1
    assert js["indicators"][1]["percent"] == 40.0  # unrounded 100 * 2 / 5


def test_messy_twin_gives_same_figures() -> None:
    clean = load(MemoryStore(F.province()))
    messy = load(MemoryStore(F.messy(F.province())))
    for y, a in ((2025, date(2025, 12, 31)), (2025, date(2026, 3, 1)), (2024, date(2024, 12, 31))):
        assert figures(compute(clean, y, a)) == figures(compute(messy, y, a))
    assert clean.problem_counts() == messy.problem_counts()


@pytest.mark.parametrize("source", ["fixture", "messy"])
def test_restrict_and_scope_counts_equal_compute_for_every_scope(source) -> None:  # type: ignore[no-untyped-def]
    """The pages take a scope's results from the province's (a filter, not a compute)."""
    import pandas as pd

    from indicators.core import restrict, scope_counts

    sheets = F.province() if source == "fixture" else F.messy(F.province())
    d = load(MemoryStore(sheets))
    cases = 0
    for year in (2024, 2025, 2026):
        for as_of in (date(year, 6, 30), date(year, 12, 31), date(year + 1, 1, 20)):
            province = compute(d, year, as_of)
            for scope in [None, *d.tree.parent]:
                full = compute(d, year, as_of, scope)
                cut = restrict(d, province, scope)
                assert cut.scope == full.scope and cut.end == full.end
                counts = scope_counts(d, province, scope)
                for a, b, c in zip(full.indicators, cut.indicators, counts, strict=True):
                    assert (a.code, a.numerator, a.denominator, a.threshold) == (b.code, b.numerator, b.denominator, b.threshold) == c
                    # an empty drill-down may differ in its columns' dtypes only
                    pd.testing.assert_frame_equal(a.detail, b.detail, check_dtype=len(a.detail) > 0,
                                                  check_index_type=len(a.detail) > 0)
                cases += 1
    assert cases > 3 * 3 * 5


def test_restrict_refuses_a_scope_that_is_not_the_province(ds) -> None:  # type: ignore[no-untyped-def]
    from indicators.core import restrict

    some = next(c for c in ds.tree.parent if c != ds.tree.root)
    with pytest.raises(ValueError):
        restrict(ds, compute(ds, 2025, date(2025, 12, 31), some), ds.tree.root)
