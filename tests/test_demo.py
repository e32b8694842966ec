"""The demo province (SPEC section 6): reproducible, shaped like Bắc Kạn, a little messy."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from sheets import clock
from sheets import schema as S
from sheets.demo import DEMO_USERS, DemoInfo, build_demo
from sheets.load import Dataset, load
from sheets.stores.base import Cell, Grid
from sheets.stores.memory import MemoryStore
from sheets.text import fold

TODAY = date(2025, 10, 15)
REPO = Path(__file__).resolve().parents[1]

DISTRICTS = {
    "TPBK": "Liên đoàn Lao động thành phố Bắc Kạn",
    "BABE": "Liên đoàn Lao động huyện Ba Bể",
    "BT": "Liên đoàn Lao động huyện Bạch Thông",
    "CD": "Liên đoàn Lao động huyện Chợ Đồn",
    "CM": "Liên đoàn Lao động huyện Chợ Mới",
    "NR": "Liên đoàn Lao động huyện Na Rì",
    "NS": "Liên đoàn Lao động huyện Ngân Sơn",
    "PN": "Liên đoàn Lao động huyện Pác Nặm",
}
SECTORS = {
    "GD": "Công đoàn ngành Giáo dục tỉnh Bắc Kạn",
    "YT": "Công đoàn ngành Y tế tỉnh Bắc Kạn",
    "VC": "Công đoàn Viên chức tỉnh Bắc Kạn",
}


@pytest.fixture(scope="module")
def demo() -> tuple[MemoryStore, DemoInfo]:
    store = MemoryStore()
    info = build_demo(store, today=TODAY)
    return store, info


@pytest.fixture(scope="module")
def loaded(demo: tuple[MemoryStore, DemoInfo]) -> Iterator[Dataset]:
    clock.set_now(TODAY)
    try:
        yield load(demo[0])
    finally:
        clock.set_now(None)


def tab_of(name: str) -> S.Tab:
    for t in S.ALL_TABS:
        if fold(t.name) == fold(name):
            return t
    raise AssertionError(f"unknown tab {name}")


def grids(store: MemoryStore) -> Iterator[tuple[str, S.Tab, Grid]]:
    for sheet, tabs in store.sheets.items():
        for name, grid in tabs.items():
            yield sheet, tab_of(name), grid


def cells(store: MemoryStore, kinds: tuple[S.Kind, ...]) -> Iterator[tuple[S.Column, Cell]]:
    """Every non-blank cell of a column of these kinds, with its column (matched by header fold)."""
    for _, t, grid in grids(store):
        by_fold = {fold(c.name): c for c in t.all_columns}
        cols = [(i, by_fold[fold(str(h))]) for i, h in enumerate(grid[0])]
        cols = [(i, c) for i, c in cols if c.kind in kinds]
        for row in grid[1:]:
            for i, c in cols:
                if row[i] is not None:
                    yield c, row[i]


def column(store: MemoryStore, tab: str, header: str) -> list[Cell]:
    out: list[Cell] = []
    for _, t, grid in grids(store):
        if t.name != tab:
            continue
        idx = [fold(str(h)) for h in grid[0]].index(fold(header))
        out.extend(r[idx] for r in grid[1:])
    return out


def digest(store: MemoryStore) -> str:
    return hashlib.sha256(repr(store.sheets).encode()).hexdigest()


# --- reproducibility ------------------------------------------------------------------------------


def test_same_seed_today_scale_give_identical_grids(demo: tuple[MemoryStore, DemoInfo]) -> None:
    again = MemoryStore()
    info = build_demo(again, today=TODAY)
    assert repr(again.sheets) == repr(demo[0].sheets)
    assert info == demo[1]
    other = MemoryStore()
    build_demo(other, seed=7, today=TODAY)
    assert digest(other) != digest(demo[0])


def test_reproducible_whatever_the_hash_seed() -> None:
    code = (
        "import hashlib, datetime;"
        "from sheets.stores.memory import MemoryStore;"
        "from sheets.demo import build_demo;"
        "s = MemoryStore(); build_demo(s, today=datetime.date(2025, 10, 15), scale=0.3);"
        "print(hashlib.sha256(repr(s.sheets).encode()).hexdigest())"
    )
    outs = set()
    for hash_seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        env.pop("TDKT_TODAY", None)
        done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                              check=True)
        outs.add(done.stdout.strip())
    assert len(outs) == 1 and len(outs.pop()) == 64


def test_given_today_ignores_the_clock(demo: tuple[MemoryStore, DemoInfo]) -> None:
    clock.set_now(date(2021, 5, 5))
    try:
        store = MemoryStore()
        build_demo(store, today=TODAY)
    finally:
        clock.set_now(None)
    assert digest(store) == digest(demo[0])


def test_default_today_comes_from_the_clock() -> None:
    clock.set_now(date(2023, 7, 1))
    try:
        store = MemoryStore()
        info = build_demo(store, scale=0.2)
    finally:
        clock.set_now(None)
    assert info.today == date(2023, 7, 1)
    assert info.years == (2020, 2021, 2022, 2023)
    years = {int(str(y)) for y in column(store, "KeHoach", "Năm")}
    assert years == {2020, 2021, 2022, 2023}


# --- shape -----------------------------------------------------------------------------------------


def test_scale_one_has_twelve_spreadsheets(demo: tuple[MemoryStore, DemoInfo]) -> None:
    store, info = demo
    assert info.spreadsheets == 12
    assert len(store.sheets) == 12
    assert info.sheet_names[0] == store.registry
    assert set(store.sheets[store.registry]) == {t.name for t in S.ALL_TABS}
    for sheet in info.sheet_names[1:]:
        assert set(store.sheets[sheet]) <= {t.name for t in S.DATA_TABS} | {"khenthuong", "DIEMDANH"}
    assert info.rows["DonVi"] == info.units == len(store.sheets[store.registry]["DonVi"]) - 1


def test_spreadsheet_names_come_from_the_store() -> None:
    class Books(MemoryStore):
        def sheet_name_for(self, unit_code: str) -> str:
            return f"{unit_code}.xlsx"

    store = Books()
    info = build_demo(store, today=TODAY, scale=0.2)
    donvi = store.sheets[store.registry]["DonVi"]
    linked = {r[0]: r[9] for r in donvi[1:] if r[9]}
    assert linked == {code: f"{code}.xlsx" for code in [*DISTRICTS, *SECTORS]}
    assert set(store.sheets) == {store.registry, *linked.values()}
    assert info.spreadsheets == 12


def test_units_shaped_like_bac_kan(demo: tuple[MemoryStore, DemoInfo]) -> None:
    store, _ = demo
    rows = store.sheets[store.registry]["DonVi"][1:]
    by_code = {str(r[0]).strip().upper(): r for r in rows}
    assert by_code["BK"][1:3] == ["Liên đoàn Lao động tỉnh Bắc Kạn", S.LEVEL_PROVINCE]
    for code, name in {**DISTRICTS, **SECTORS}.items():
        assert by_code[code][1] == name
        assert by_code[code][2] == S.LEVEL_UPPER
        assert by_code[code][3] == "BK"
        assert by_code[code][9] == code  # its own spreadsheet
    assert {by_code[c][4] for c in DISTRICTS} == {"LĐLĐ huyện, thành phố"}
    uppers = [r for r in rows if r[2] == S.LEVEL_UPPER]
    assert len(uppers) == 11
    grass = [r for r in rows if r[2] == S.LEVEL_GRASSROOTS]
    assert 300 <= len(grass) <= 400
    parents = Counter(str(r[3]).strip().upper() for r in grass)
    assert set(parents) == {"BK", *DISTRICTS, *SECTORS}
    assert parents["BK"] >= 10  # CĐCS trực thuộc
    names = " | ".join(str(r[1]) for r in grass)
    for part in ("Công đoàn Trường THCS ", "Công đoàn UBND xã ", "Công đoàn Công ty TNHH ", "Công đoàn Trạm Y tế xã "):
        assert part in names, part
    kinds = Counter(fold(str(r[4])) for r in grass if r[4])
    assert {fold(k) for k in S.GRASSROOTS_KINDS} - {fold("Khác")} <= set(kinds)
    founded_late = [r for r in grass if isinstance(r[6], date) and r[6].year > 2020]
    assert len(founded_late) >= 5
    dissolved_dated = [r for r in grass if r[8] is not None]
    dissolved_blank = [r for r in grass if r[8] is None and r[7] and fold(str(r[7])) == fold(S.STATUS_DISSOLVED)]
    assert 3 <= len(dissolved_dated) <= 30
    assert 1 <= len(dissolved_blank) <= 2
    codes = [str(r[0]).strip().upper() for r in rows]
    assert len(codes) == len(set(codes))


def test_scale_ten_is_ten_times_larger() -> None:
    small, big = MemoryStore(), MemoryStore()
    s = build_demo(small, today=TODAY)
    started = time.perf_counter()
    b = build_demo(big, today=TODAY, scale=10)
    elapsed = time.perf_counter() - started
    assert elapsed < 15, f"scale 10 took {elapsed:.1f} s"

    def levels(store: MemoryStore) -> Counter[str]:
        return Counter(str(r[2]) for r in store.sheets[store.registry]["DonVi"][1:])

    ls, lb = levels(small), levels(big)
    assert 9 <= lb[S.LEVEL_GRASSROOTS] / ls[S.LEVEL_GRASSROOTS] <= 11
    assert 100 <= lb[S.LEVEL_UPPER] <= 120
    assert b.spreadsheets == lb[S.LEVEL_UPPER] + 1 == len(big.sheets)
    assert 7 <= b.rows["KhenThuong"] / s.rows["KhenThuong"] <= 13
    assert 7 <= b.rows["KeHoach"] / s.rows["KeHoach"] <= 13


def test_years_2020_to_today_in_plans(demo: tuple[MemoryStore, DemoInfo]) -> None:
    store, info = demo
    years = Counter(int(str(y)) for y in column(store, "KeHoach", "Năm"))
    assert set(years) == set(range(2020, TODAY.year + 1)) == set(info.years)
    assert min(years.values()) > 250  # most units have a plan each year


def test_every_header_matches_the_schema(demo: tuple[MemoryStore, DemoInfo]) -> None:
    store, _ = demo
    seen = 0
    for _, t, grid in grids(store):
        assert [fold(str(h)) for h in grid[0]] == [fold(h) for h in t.headers], t.name
        assert all(len(r) == len(grid[0]) for r in grid[1:])
        seen += 1
    assert seen == len(S.ALL_TABS) + 11 * len(S.DATA_TABS)


def test_demo_users_registered(demo: tuple[MemoryStore, DemoInfo]) -> None:
    store, _ = demo
    rows = store.sheets[store.registry]["NguoiDung"][1:]
    assert [tuple(r[:4]) for r in rows] == DEMO_USERS
    roles = {(e, r, u) for e, _, r, u in DEMO_USERS}
    assert ("lanhdao@demo.tdkt.vn", S.ROLE_LEADER, "BK") in roles
    assert ("quantri@demo.tdkt.vn", S.ROLE_ADMIN, "BK") in roles
    assert ("canbo.babe@demo.tdkt.vn", S.ROLE_OFFICER, "BABE") in roles
    assert ("daotao.cd@demo.tdkt.vn", S.ROLE_TRAINER, "CD") in roles


def test_config_overrides(demo: tuple[MemoryStore, DemoInfo], loaded: Dataset) -> None:
    assert loaded.thresholds(2024)["T3"] == 20.0
    assert loaded.thresholds(2025)["T1B"] == 90.0
    assert loaded.thresholds(2022) == S.DEFAULT_THRESHOLDS
    assert loaded.deadlines(2021)[S.PERIOD_HALF] == date(2021, 6, 10)
    assert loaded.deadlines(2022) == {S.PERIOD_HALF: date(2022, 6, 15), S.PERIOD_YEAR: date(2022, 12, 15)}
    kb = demo[0].sheets[demo[0].registry]["KyBaoCao"][1:]
    assert all(isinstance(r[2], str) for r in kb) and kb


# --- mess ------------------------------------------------------------------------------------------


def test_every_kind_of_mess_is_present(demo: tuple[MemoryStore, DemoInfo]) -> None:
    store, _ = demo
    headers = {str(h) for _, _, g in grids(store) for h in g[0]}
    assert {"Ma don vi", "Co ke hoach"} <= headers  # typed without diacritics
    codes = [v for c, v in cells(store, (S.Kind.CODE,)) if c.attr == "unit"]
    assert any(isinstance(v, str) and v != v.upper() for v in codes)  # lower case
    dates = [v for _, v in cells(store, (S.Kind.DATE,))]
    kinds = Counter(_date_style(v) for v in dates)
    for style in ("date", "datetime", "dd/mm/yyyy", "d/m/yyyy", "iso", "dotted", "serial"):
        assert kinds[style] > 0, style
    yesno = [v for _, v in cells(store, (S.Kind.YESNO,))]
    for value in ("x", "Có", "co", "1", True, "Chưa", "Không"):
        assert any(type(v) is type(value) and v == value for v in yesno), value
    subjects = column(store, "KhenThuong", "Đối tượng")
    assert "Ca nhan" in subjects
    members = column(store, "DonVi", "Số đoàn viên")
    assert any(isinstance(v, str) and re.fullmatch(r"\d{1,3}\.\d{3}", v) for v in members)
    assert "32/13/2023" in dates  # an impossible date (a genuine problem)


def _date_style(v: Cell) -> str:
    if isinstance(v, datetime):
        return "datetime"
    if isinstance(v, date):
        return "date"
    if isinstance(v, int):
        return "serial"
    s = str(v)
    if re.fullmatch(r"\d{2}/\d{2}/\d{4}", s):
        return "dd/mm/yyyy"
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", s):
        return "d/m/yyyy"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return "iso"
    if re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", s):
        return "dotted"
    return "other"


def _canonical(col: S.Column, v: Cell) -> bool:
    if col.kind is S.Kind.DATE:
        return type(v) is date or (isinstance(v, str) and re.fullmatch(r"\d{2}/\d{2}/\d{4}", v) is not None)
    if col.kind is S.Kind.YESNO:
        return v in ("Có", "Không")
    if col.kind is S.Kind.CODE:
        return isinstance(v, str) and v == v.strip().upper()
    return v in col.enum


def test_mess_is_a_small_fraction(demo: tuple[MemoryStore, DemoInfo]) -> None:
    store, _ = demo
    per_kind: dict[S.Kind, list[int]] = {}
    for col, v in cells(store, (S.Kind.DATE, S.Kind.YESNO, S.Kind.CODE, S.Kind.ENUM)):
        tally = per_kind.setdefault(col.kind, [0, 0])
        tally[0] += 0 if _canonical(col, v) else 1
        tally[1] += 1
    messy = sum(t[0] for t in per_kind.values())
    total = sum(t[1] for t in per_kind.values())
    assert total > 20_000
    assert 0.005 < messy / total < 0.05, messy / total
    for kind, (bad, n) in per_kind.items():
        assert 0 < bad / n < 0.06, (kind, bad, n)


def test_genuine_problems_are_reported(demo: tuple[MemoryStore, DemoInfo], loaded: Dataset) -> None:
    msgs = [(p.severity, p.tab.lower(), p.column, p.message) for p in loaded.problems]

    def has(severity: str, tab: str, column: str, text: str) -> bool:
        return any(s == severity and t == tab.lower() and c == column and text in m for s, t, c, m in msgs)

    assert has("error", "BaoCao", "Ngày gửi", "ngày không tồn tại")
    assert has("warning", "KhenThuong", "Nhóm đối tượng", "chưa ghi nhóm đối tượng")
    assert has("error", "KhenThuong", "Mã đơn vị", "không thuộc phạm vi")
    assert has("error", "DiemDanh", "Mã cán bộ", "không có trong CanBo")
    assert has("warning", "KeHoach", "Năm", "nhiều bảng tính")
    assert has("warning", "KhenThuong", "Mã khen thưởng", "trùng khen thưởng")
    out_of_scope = [p for p in loaded.problems if "không thuộc phạm vi" in p.message]
    assert [(p.spreadsheet, p.tab) for p in out_of_scope] == [("BABE", "KhenThuong")]
    # the problems stay few, so the figures mean something
    counts = loaded.problem_counts()
    rows = sum(demo[1].rows.values())
    assert 0 < counts["error"] <= 10
    assert (counts["error"] + counts["warning"]) / rows < 0.01


def test_dates_parse_as_the_clean_value(loaded: Dataset) -> None:
    # every surviving plan date lies in its own year or the first days of the next
    kh = loaded.frames["KeHoach"]
    issued = kh.loc[kh["issued"].notna()]
    assert len(issued) > 1500
    assert (issued["issued"].dt.year == issued["year"]).all()
    assert (kh["year"] >= 2020).all() and (kh["year"] <= TODAY.year).all()


# --- figures and gaps ----------------------------------------------------------------------------


def test_t3_share_is_between_ten_and_twenty_five_percent(loaded: Dataset) -> None:
    kt = loaded.frames["KhenThuong"]
    person = kt[kt["subject"] == S.SUBJECT_PERSON]
    assert kt["group"].isna().sum() > 0
    for year in range(2020, 2025):
        sel = person[person["year"] == year]
        share = sel["group"].isin([S.GROUP_WORKER, S.GROUP_STAFF]).mean()
        assert len(sel) > 250, year
        assert 0.08 <= share <= 0.27, (year, share)
    shares = [person[person["year"] == y]["group"].isin([S.GROUP_WORKER, S.GROUP_STAFF]).mean() for y in (2020, 2024)]
    assert shares[1] > shares[0]  # the plan raises the share over the years


def test_awards_mix(loaded: Dataset) -> None:
    kt = loaded.frames["KhenThuong"]
    types = kt["type"].value_counts(normalize=True)
    assert 0.01 < types["Đột xuất"] < 0.1
    assert set(kt["level"].dropna()) == set(S.AWARD_LEVELS)
    assert set(S.AWARD_FORMS) <= set(kt["form"])
    assert set(kt["gender"].dropna()) == set(S.GENDERS)
    assert (kt["decided"] <= TODAY.isoformat()).all()


def test_realistic_gaps(loaded: Dataset) -> None:
    f = loaded.frames
    units = f["DonVi"]
    grass = set(units.loc[units["level"] == S.LEVEL_GRASSROOTS, "unit"])
    kh = f["KeHoach"]
    # some units have no plan row, some a plan not launched, in a past year
    planned_2022 = set(kh.loc[kh["year"] == 2022, "unit"])
    assert 0 < len(grass - planned_2022) < 0.2 * len(grass)
    assert ((kh["has_plan"]) & ~kh["launched"]).sum() > 20
    # movements: the five named by the province, some reviews late or overdue, one stopped
    pt = f["PhongTrao"]
    prov = pt[pt["unit"] == "BK"]
    for name in ("Lao động giỏi, lao động sáng tạo", "Xanh - Sạch - Đẹp, Bảo đảm an toàn vệ sinh lao động",
                 "Giỏi việc nước, đảm việc nhà", "Tham mưu giỏi, phục vụ tốt",
                 "Đổi mới, sáng tạo, hiệu quả trong hoạt động công đoàn"):
        assert prov["name"].str.startswith(name).any(), name
    assert set(pt["unit"]) - {"BK"}  # districts launch their own
    assert (pt["status"] == S.MOVEMENT_STOPPED).sum() == 1
    late = pt["final_held"] > pt["final_due"]
    overdue = pt["final_held"].isna() & (pt["final_due"] <= TODAY.isoformat()) & (pt["status"] != "Dừng")
    assert late.sum() > 0 and overdue.sum() > 0
    # officers: one or two per union, a few unions without, some left
    cb = f["CanBo"]
    per_unit = cb.groupby("unit").size()
    assert 0 < len(grass - set(per_unit.index)) < 0.1 * len(grass)
    assert cb["left"].notna().sum() > 10
    # training: most invited are present, some officers never trained
    dd = f["DiemDanh"]
    assert 0.8 < dd["present"].mean() < 0.97
    trained = set(dd.loc[dd["present"], "officer"])
    assert len(set(cb["officer"]) - trained) > 0
    # reports: some late, some missing, none for a period not yet due
    bc = f["BaoCao"].copy()
    due = [loaded.deadlines(int(y))[p] for y, p in zip(bc["year"], bc["period"], strict=True)]
    assert all(d <= TODAY for d in due)
    late_reports = sum(s.date() > d for s, d in zip(bc["sent"], due, strict=True))
    assert 0.03 * len(bc) < late_reports < 0.25 * len(bc)
    assert not ((bc["year"] == TODAY.year) & (bc["period"] == S.PERIOD_YEAR)).any()
    # exemplars are publicised through the named channels
    dh = f["DienHinh"]
    assert dh["channels"].str.contains("Website LĐLĐ tỉnh", na=False).any()
    assert dh["channels"].str.contains("Facebook", na=False).any()
