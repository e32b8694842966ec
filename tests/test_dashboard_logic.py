"""The pure computations behind the dashboard pages (indicators/dashboard.py) and the chart
builders (components/charts.py), on the commented fixture province (tests/fixtures.py says
why each row counts) and, for consistency with the indicators, on the demo province."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest

from components import charts
from indicators import dashboard as D
from indicators.core import compute
from sheets import clock
from sheets.load import Dataset, load
from sheets.sources import open_source
from sheets.stores.memory import MemoryStore
from tests import fixtures as F

YEAR_END = date(2025, 12, 31)


@pytest.fixture()
def ds() -> Dataset:
    clock.set_now("2026-03-01")
    return load(MemoryStore(F.province()))


@pytest.fixture(scope="module")
def demo(demo_store: Any) -> Dataset:
    return load(open_source("demo"))


# --- dates and names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "earlier"),
    [
        (date(2026, 11, 25), date(2025, 11, 25)),
        (date(2024, 2, 29), date(2023, 2, 28)),  # no 29/02 in 2023
        (date(2025, 3, 1), date(2024, 3, 1)),
        (date(2026, 1, 1), date(2025, 1, 1)),
    ],
)
def test_year_earlier(day: date, earlier: date) -> None:
    assert D.year_earlier(day) == earlier


def test_years_until_start_with_the_plan() -> None:
    assert D.years_until(2023) == [2020, 2021, 2022, 2023]
    assert D.years_until(2018) == [2018]


def test_short_name_abbreviates_for_phones() -> None:
    assert D.short_name("Liên đoàn Lao động thành phố Bắc Kạn") == "LĐLĐ TP Bắc Kạn"
    assert D.short_name("Công đoàn ngành Giáo dục") == "CĐ ngành Giáo dục"
    assert D.short_name(None) == ""


def test_scope_options_put_the_province_first(ds: Dataset) -> None:
    assert D.scope_options(ds) == ["BK", "H1", "H2", "H3", "H4"]


# --- comparisons -----------------------------------------------------------------------------


def test_upper_buckets(ds: Dataset) -> None:
    b = D.upper_buckets(ds)
    assert b["C1"] == "H1" and b["C3"] == "H1" and b["H1"] == "H1"
    assert b["C5"] == "H3"  # under a dissolved federation: still its bucket
    assert b["C4"] == "BK" and b["BK"] == "BK"  # trực thuộc LĐLĐ tỉnh


def test_compare_units_on_the_fixture(ds: Dataset) -> None:
    res = compute(ds, 2025, YEAR_END)
    c = D.compare_units(ds, res).set_index(["code", "unit"])
    # T1B: C1 (voided plan), C3 (counts), C6 (no plan) under H1; C5 under H3; C4 direct
    assert tuple(c.loc[("T1B", "H1"), ["numerator", "denominator"]]) == (1, 3)
    assert tuple(c.loc[("T1B", "H3"), ["numerator", "denominator"]]) == (0, 1)
    assert tuple(c.loc[("T1B", "BK"), ["numerator", "denominator"]]) == (1, 1)
    assert c.loc[("T1B", "BK"), "name"] == D.DIRECT
    # T2: P1 counts and P2 stopped at the province; P3 overdue and P4 counts at H1
    assert tuple(c.loc[("T2", "BK"), ["numerator", "denominator"]]) == (1, 2)
    assert tuple(c.loc[("T2", "H1"), ["numerator", "denominator"]]) == (1, 2)
    assert c.loc[("T2", "H1"), "percent"] == 50.0 and c.loc[("T2", "H1"), "met"] == False  # noqa: E712
    # H2 is not active at E: nothing to compare, no percent
    assert c.loc[("T1A", "H2"), "denominator"] == 0 and pd.isna(c.loc[("T1A", "H2"), "percent"])


def test_compare_units_adds_up_to_each_scope_and_the_province(demo: Dataset) -> None:
    as_of = date(2026, 11, 25)
    res = compute(demo, 2025, as_of)
    c = D.compare_units(demo, res)
    for ind in res.indicators:
        part = c[c["code"] == ind.code]
        assert (int(part["numerator"].sum()), int(part["denominator"].sum())) == (ind.numerator, ind.denominator)
    for unit in demo.tree.upper_units()[:4]:
        scoped = compute(demo, 2025, as_of, unit)
        for ind in scoped.indicators:
            row = c[(c["code"] == ind.code) & (c["unit"] == unit)].iloc[0]
            assert (row["numerator"], row["denominator"]) == (ind.numerator, ind.denominator), (unit, ind.code)


def test_trend_frame_and_changes(ds: Dataset) -> None:
    r24 = compute(ds, 2024, date(2024, 12, 31))
    r25 = compute(ds, 2025, YEAR_END)
    t = D.trend_frame([r24, r25])
    assert len(t) == 16 and list(t["year"].unique()) == [2024, 2025]
    row = t[(t["year"] == 2025) & (t["code"] == "T2")].iloc[0]
    assert (row["numerator"], row["denominator"], row["percent"]) == (2, 4, 50.0)
    assert row["threshold"] == 100.0 and not row["met"]
    ch = D.changes(r25, r24)
    for code in ch:
        p, q = r25[code].percent, r24[code].percent
        assert ch[code] == (None if p is None or q is None else pytest.approx(p - q))


# --- what is behind ----------------------------------------------------------------------------


def test_follow_ups_on_the_fixture(ds: Dataset) -> None:
    items = {i.key: i for i in D.follow_ups(compute(ds, 2025, YEAR_END))}
    assert list(items) == ["plans", "movements", "awards", "training", "officers", "reports"]
    assert set(items["plans"].frame["Mã đơn vị"]) == {"C1", "C5", "C6"}  # T1A is 2/2, T1B 2/5
    assert items["plans"].count == 3 and items["plans"].target == "don_vi"
    # P3 is overdue; P2 is stopped, which is behind T2 but not a review to chase
    assert list(items["movements"].frame["Mã phong trào"]) == ["P3"]
    assert items["movements"].note == "và 1 phong trào đã dừng"
    assert list(items["awards"].frame["Mã khen thưởng"]) == ["K3"]  # blank group
    assert items["awards"].note == ""  # T3 is met (3/5 against 20 %)
    assert items["training"].count == 3 and items["officers"].count == 1
    assert items["reports"].count == 9  # O2: 2 of 4 behind; O3: 7 of 10
    # late: H1's annual report (21/12 for 20/12); missing: H4 annual, C3, C5, C6 both, C4 annual
    assert items["reports"].note == "8 chưa gửi, 1 gửi muộn"


# --- units -----------------------------------------------------------------------------------


def test_unit_table_under_a_federation(ds: Dataset) -> None:
    res = compute(ds, 2025, YEAR_END, "H1")
    t = D.unit_table(ds, res).set_index("Mã đơn vị")
    assert set(t.index) == {"C1", "C3", "C6"}  # C2 dissolved
    # C1: plan voided; CB1 trained, CB7 not; both reports on time
    assert list(t.loc["C1", ["Có kế hoạch", "Đã phát động", "Số cán bộ", "Đã tập huấn", "Chưa tập huấn"]]) == [
        False, False, 2, 1, 1]
    assert list(t.loc["C1", ["Báo cáo 6 tháng", "Báo cáo năm"]]) == ["Đúng hạn", "Đúng hạn"]
    assert t.loc["C1", "Đoàn viên"] == 120 and t.loc["C1", "Cán bộ TĐKT"] == "Cán bộ Một, Cán bộ Bảy"
    # C3: planned and launched; CB2 not trained (re-marked absent), CB3 gone; no reports
    assert list(t.loc["C3", ["Có kế hoạch", "Đã phát động", "Số cán bộ", "Đã tập huấn"]]) == [True, True, 1, 0]
    assert list(t.loc["C3", ["Báo cáo 6 tháng", "Báo cáo năm"]]) == ["Chưa gửi", "Chưa gửi"]
    # gaps: C6 has no plan, no launch, no officer and no report = 5
    assert dict(t["Việc còn thiếu"]) == {"C1": 3, "C3": 3, "C6": 5}
    assert list(D.unit_table(ds, res)["Mã đơn vị"]) == ["C6", "C1", "C3"]  # most gaps first
    assert t.loc["C1", "Cấp trên"] == "LĐLĐ huyện Một"


def test_unit_table_reports_not_yet_due(ds: Dataset) -> None:
    t = D.unit_table(ds, compute(ds, 2025, date(2025, 9, 30), "H1")).set_index("Mã đơn vị")
    assert t.loc["C1", "Báo cáo năm"] == D.REPORT_NOT_DUE  # deadline 20/12 is after E
    assert t.loc["C1", "Báo cáo 6 tháng"] == "Đúng hạn"


def test_unit_table_matches_the_indicators(demo: Dataset) -> None:
    res = compute(demo, 2026, date(2026, 11, 25), "BABE")
    t = D.unit_table(demo, res)
    assert len(t) == res["T1B"].denominator
    assert int((t["Có kế hoạch"] & t["Đã phát động"]).sum()) == res["T1B"].numerator
    assert int((t["Số cán bộ"] > 0).sum()) == res["O1"].numerator
    on_time = sum(int((t[f"Báo cáo {p}"] == "Đúng hạn").sum()) for p in ("6 tháng", "năm"))
    assert on_time == res["O3"].numerator


def test_filter_and_sort_units(ds: Dataset) -> None:
    t = D.unit_table(ds, compute(ds, 2025, YEAR_END, "H1"))
    assert list(D.filter_units(t, text="bay")["Mã đơn vị"]) == ["C1"]  # "Cán bộ Bảy", without diacritics
    assert list(D.filter_units(t, text="CĐCS BA")["Mã đơn vị"]) == ["C3"]
    assert len(D.filter_units(t, only_gaps=True)) == 3
    assert list(D.filter_units(t, kinds=[D.BLANK])["Mã đơn vị"]) == ["C6", "C1", "C3"]
    assert list(D.sort_units(t, "Mã đơn vị")["Mã đơn vị"]) == ["C1", "C3", "C6"]


# --- movements -------------------------------------------------------------------------------


def test_review_state_covers_every_case() -> None:
    e = pd.Timestamp("2025-12-31")
    due = pd.Series(pd.to_datetime([None, "2025-06-30", "2025-06-30", "2025-06-30", "2026-01-15", "2025-06-30"]))
    held = pd.Series(pd.to_datetime([None, "2025-06-20", "2025-07-05", None, None, "2026-01-10"]))
    assert list(D.review_state(due, held, e)) == [
        D.REVIEW_NONE, D.REVIEW_ON_TIME, D.REVIEW_LATE, D.REVIEW_OVERDUE, D.REVIEW_PENDING,
        D.REVIEW_OVERDUE,  # held after E: not held at E
    ]


def test_movement_table_on_the_fixture(ds: Dataset) -> None:
    res = compute(ds, 2025, YEAR_END)
    m = D.movement_table(ds, res).set_index("Mã phong trào")
    assert set(m.index) == {"P1", "P2", "P3", "P4"}
    assert list(m.loc["P1", ["Sơ kết", "Tổng kết", "Quá hạn", "Đạt T2"]]) == [D.REVIEW_LATE, D.REVIEW_ON_TIME, False,
                                                                               True]
    assert list(m.loc["P2", ["Sơ kết", "Tổng kết", "Quá hạn"]]) == [D.REVIEW_NONE, D.REVIEW_OVERDUE, True]
    assert list(m.loc["P3", ["Sơ kết", "Tổng kết", "Quá hạn"]]) == [D.REVIEW_OVERDUE, D.REVIEW_PENDING, True]
    assert list(m.loc["P4", ["Sơ kết", "Tổng kết", "Đạt T2"]]) == [D.REVIEW_PENDING, D.REVIEW_PENDING, True]
    assert int(m["Đạt T2"].sum()) == res["T2"].numerator
    assert m.loc["P3", "Tên đơn vị phát động"] == "LĐLĐ huyện Một"
    table = D.movement_table(ds, res)
    assert list(table["Quá hạn"][:2]) == [True, True]  # overdue first
    assert list(D.filter_movements(table, statuses=["Dừng"])["Mã phong trào"]) == ["P2"]
    assert list(D.filter_movements(table, units=["H1"], only_overdue=True)["Mã phong trào"]) == ["P3"]
    assert len(D.filter_movements(table, audiences=[D.BLANK])) == 4
    ev = D.timeline_events(table)
    p1 = ev[ev["Mã phong trào"] == "P1"].set_index("Sự kiện")
    assert list(p1.index) == ["Phát động", "Hạn sơ kết", "Sơ kết", "Hạn tổng kết", "Tổng kết"]
    assert p1.loc["Sơ kết", "Tình trạng"] == D.REVIEW_LATE
    assert "Sơ kết" not in set(ev.loc[ev["Mã phong trào"] == "P3", "Sự kiện"])  # never held


# --- awards ----------------------------------------------------------------------------------


def test_awards_frame_counts_as_t3_does(ds: Dataset) -> None:
    a = D.awards_frame(ds, 2025, YEAR_END, None)
    assert set(a["Mã khen thưởng"]) == {"K1", "K2", "K3", "K4", "K6", "K7"}  # K5 decided in 2026
    assert int((a["Đối tượng"] == "Cá nhân").sum()) == compute(ds, 2025, YEAR_END)["T3"].denominator
    later = D.awards_frame(ds, 2025, date(2026, 3, 1), None)
    assert "K5" in set(later["Mã khen thưởng"])
    assert set(D.awards_frame(ds, 2025, YEAR_END, "H1")["Mã khen thưởng"]) == {"K4"}
    assert a.set_index("Mã khen thưởng").loc["K1", "Tên đơn vị"] == "CĐCS Bốn (trực thuộc tỉnh)"


def test_breakdowns(ds: Dataset) -> None:
    a = D.awards_frame(ds, 2025, YEAR_END, None)
    groups = D.breakdown(a, "Nhóm đối tượng").set_index("Giá trị")["Số lượng"].to_dict()
    assert groups == {"Công nhân, lao động trực tiếp": 2, "CCVC không giữ chức vụ lãnh đạo, quản lý": 1,
                      "Lãnh đạo, quản lý": 1, D.BLANK: 1}  # the collective K6 is not a person
    gender = D.breakdown(a, "Giới tính").set_index("Giá trị")
    assert gender["Số lượng"].to_dict() == {D.BLANK: 3, "Nam": 1, "Nữ": 1}
    assert gender["Tỉ lệ"].sum() == pytest.approx(100.0)
    forms = D.breakdown(a, "Hình thức")
    assert int(forms["Số lượng"].sum()) == 6 and forms.iloc[0]["Số lượng"] >= forms.iloc[-1]["Số lượng"]
    assert D.breakdown(a, "Loại khen thưởng")["Giá trị"].tolist() == ["Thường xuyên"]  # blank = Thường xuyên
    assert D.surprise_share(a) == 0.0 and D.surprise_share(a.iloc[0:0]) is None


def test_search_and_filter_awards(ds: Dataset) -> None:
    a = D.awards_frame(ds, 2025, YEAR_END, None)
    assert list(D.search_awards(a, "nguyen van")["Mã khen thưởng"]) == ["K1"]
    assert set(D.search_awards(a, "GIẤY KHEN")["Mã khen thưởng"]) == {"K3", "K7", "K4"}
    assert len(D.search_awards(a, "  ")) == len(a)
    assert list(D.filter_awards(a, subjects=["Tập thể"])["Mã khen thưởng"]) == ["K6"]
    assert len(D.filter_awards(a, levels=[D.BLANK])) == 6  # no Cấp khen in the fixture


# --- problems --------------------------------------------------------------------------------


def test_problem_table_vietnamese_and_errors_first(ds: Dataset) -> None:
    t = D.problem_table(ds)
    assert len(t) == len(ds.problems)
    assert set(t["Mức độ"]) <= {"Lỗi", "Cảnh báo"}
    errors = int((t["Mức độ"] == "Lỗi").sum())
    assert errors == ds.problem_counts()["error"] > 0
    assert (t["Mức độ"].iloc[:errors] == "Lỗi").all()
    assert t["Liên kết"].isna().all()  # memory store: no web addresses
    assert len(D.filter_problems(t, severities=["Cảnh báo"])) == ds.problem_counts()["warning"]
    assert set(D.filter_problems(t, sheets=["H1"])["Bảng tính"]) == {"H1"}
    summary = D.problem_summary(t)
    assert int(summary["Lỗi"].sum()) == errors


def test_links_to_google_sheets_cells(ds: Dataset) -> None:
    ds.sheet_urls = {"registry": "https://docs.google.com/spreadsheets/d/REG/edit", "H1": None}
    t = D.problem_table(ds, {("registry", "KhenThuong"): 77})
    reg = t[t["Bảng tính"] == "registry"]
    kt = reg[(reg["Trang"] == "KhenThuong") & reg["Dòng"].notna()].iloc[0]
    col = D._col_letter(ds.col_index[("registry", "KhenThuong", kt["Cột"])])  # the problem's own column
    assert kt["Liên kết"] == f"https://docs.google.com/spreadsheets/d/REG/edit#gid=77&range={col}{kt['Dòng']}"
    other = reg[(reg["Trang"] != "KhenThuong") & reg["Dòng"].notna()].iloc[0]
    ocol = D._col_letter(ds.col_index.get(("registry", other["Trang"], other["Cột"]), 0))
    assert other["Liên kết"] == (f"https://docs.google.com/spreadsheets/d/REG/edit#range=%27{other['Trang']}%27"
                                 f"%21{ocol}{other['Dòng']}")
    assert t.loc[t["Bảng tính"] == "H1", "Liên kết"].isna().all()


def test_cell_link() -> None:
    url = "https://docs.google.com/spreadsheets/d/KEY/edit#gid=0"
    assert D.cell_link(url, "KeHoach", 5, 123) == "https://docs.google.com/spreadsheets/d/KEY/edit#gid=123&range=A5"
    assert D.cell_link(url, "Ke Hoach", 5) == "https://docs.google.com/spreadsheets/d/KEY/edit#range=%27Ke%20Hoach%27%21A5"
    assert D.cell_link(url, "", None) == "https://docs.google.com/spreadsheets/d/KEY/edit"
    assert D.cell_link("registry.xlsx", "KeHoach", 5) is None and D.cell_link(None, "KeHoach", 5) is None


# --- charts ----------------------------------------------------------------------------------


def layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return spec.get("layer", [spec])


def mark(layer: dict[str, Any]) -> str:
    m = layer["mark"]
    return m if isinstance(m, str) else m["type"]


def test_compare_chart_spec(ds: Dataset) -> None:
    c = D.compare_units(ds, compute(ds, 2025, YEAR_END))
    spec = charts.compare_chart(c, "T1B", highlight="H1").to_dict(validate=True)
    marks = [mark(layer) for layer in layers(spec)]
    assert marks == ["bar", "text", "rule"]
    bar, text, rule = layers(spec)
    assert bar["encoding"]["x"]["field"] == "percent" and bar["encoding"]["y"]["field"] == "short"
    assert bar["encoding"]["color"]["field"] == "Kết quả"
    assert bar["encoding"]["color"]["scale"]["range"] == [charts.GREEN, charts.RED]
    assert text["encoding"]["text"]["field"] == "Nhãn"
    assert rule["encoding"]["x"]["field"] == "threshold"
    rows = spec["datasets"][rule["data"]["name"]]
    assert rows == [{"threshold": 90.0, "Ngưỡng": "90\u00a0%"}]  # T1B for 2025 is 90 % in ChiTieu
    labels = {r["short"]: r["Nhãn"] for r in spec["datasets"][spec["data"]["name"]]} if "data" in spec else {
        r["short"]: r["Nhãn"] for r in spec["datasets"][bar["data"]["name"]]}
    assert labels["LĐLĐ huyện Một"] == "33,3\u00a0%"  # 1/3, Vietnamese decimal comma
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert spec["autosize"]["type"] == "fit-x"


def test_trend_chart_spec(ds: Dataset) -> None:
    t = D.trend_frame([compute(ds, y, date(y, 12, 31)) for y in (2024, 2025)])
    spec = charts.trend_chart(t, "T3").to_dict(validate=True)
    ls = layers(spec)
    assert [mark(layer) for layer in ls] == ["line", "line", "point", "text"]
    threshold = ls[0]
    assert threshold["mark"]["strokeDash"] == [6, 4]
    assert threshold["encoding"]["x"]["field"] == "Năm" and threshold["encoding"]["x"]["type"] == "ordinal"
    rows = spec["datasets"][threshold["data"]["name"]]
    assert [(r["Năm"], r["value"]) for r in rows] == [("2024", 15.0), ("2025", 20.0)]  # each year's own threshold
    assert ls[1]["encoding"]["color"]["field"] == "Chuỗi"


def test_breakdown_and_timeline_chart_specs(ds: Dataset) -> None:
    a = D.awards_frame(ds, 2025, YEAR_END, None)
    spec = charts.breakdown_chart(D.breakdown(a, "Nhóm đối tượng"), "Nhóm đối tượng").to_dict(validate=True)
    assert [mark(layer) for layer in layers(spec)] == ["bar", "text"]
    assert layers(spec)[0]["encoding"]["x"]["field"] == "Số lượng"
    res = compute(ds, 2025, YEAR_END)
    tl = charts.timeline_chart(D.movement_table(ds, res), res.end, year=2025).to_dict(validate=True)
    ls = layers(tl)
    assert [mark(layer) for layer in ls] == ["rule", "tick", "point", "rule"]
    assert ls[1]["encoding"]["color"]["field"] == "Tình trạng"
    colours = dict(zip(ls[1]["encoding"]["color"]["scale"]["domain"], ls[1]["encoding"]["color"]["scale"]["range"],
                       strict=True))
    assert colours[D.REVIEW_OVERDUE] == charts.RED
    assert ls[0]["encoding"]["x"]["scale"]["domain"] == ["2025-01-01", "2026-03-31"]


def test_empty_charts_say_so() -> None:
    empty = pd.DataFrame(columns=["code", "unit", "percent", "threshold", "numerator", "denominator", "met"])
    spec = charts.compare_chart(empty, "T1A").to_dict(validate=True)
    assert mark(spec) == "text"
    assert charts.timeline_chart(pd.DataFrame(), date(2025, 12, 31)).to_dict(validate=True)["mark"]["type"] == "text"
