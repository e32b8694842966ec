"""The eight indicators of SPEC section 4 and their drill-downs. Pure pandas, no I/O."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from sheets import schema as S
from sheets.load import Dataset

NAMES: dict[str, str] = {
    "T1A": "Công đoàn cấp trên cơ sở có kế hoạch và phát động thi đua",
    "T1B": "Công đoàn cơ sở có kế hoạch và phát động thi đua",
    "T2": "Phong trào thi đua được sơ kết, tổng kết đúng hạn",
    "T3": "Khen thưởng cá nhân là công nhân, lao động trực tiếp và CCVC không giữ chức vụ",
    "T4": "Cán bộ làm công tác TĐKT được tập huấn trong năm",
    "O1": "Công đoàn cơ sở có cán bộ phụ trách TĐKT",
    "O2": "Báo cáo định kỳ của công đoàn cấp trên cơ sở gửi đúng hạn",
    "O3": "Báo cáo định kỳ của công đoàn cơ sở gửi đúng hạn",
}
SHORT: dict[str, str] = {
    "T1A": "Kế hoạch cấp trên cơ sở",
    "T1B": "Kế hoạch cơ sở",
    "T2": "Sơ kết, tổng kết phong trào",
    "T3": "Khen thưởng người lao động trực tiếp",
    "T4": "Cán bộ TĐKT được tập huấn",
    "O1": "CĐCS có cán bộ TĐKT",
    "O2": "Báo cáo cấp trên cơ sở đúng hạn",
    "O3": "Báo cáo cơ sở đúng hạn",
}


@dataclass(frozen=True)
class Indicator:
    code: str
    numerator: int
    denominator: int
    threshold: float
    detail: pd.DataFrame = field(repr=False, compare=False)  # the denominator, with ``counted``

    @property
    def percent(self) -> float | None:
        return None if self.denominator == 0 else 100.0 * self.numerator / self.denominator

    @property
    def met(self) -> bool | None:
        p = self.percent
        return None if p is None else p >= self.threshold

    @property
    def gap(self) -> int:
        """How many more must count to reach the threshold (0 when met or empty)."""
        if self.denominator == 0 or self.met:
            return 0
        need = int(np.ceil(self.threshold * self.denominator / 100.0 - 1e-9))
        return max(0, need - self.numerator)

    @property
    def behind(self) -> pd.DataFrame:
        """The drill-down: what keeps the figure down."""
        return self.detail[~self.detail["counted"]].drop(columns=["counted"])

    @property
    def name(self) -> str:
        return NAMES[self.code]

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "numerator": int(self.numerator),
            "denominator": int(self.denominator),
            "percent": self.percent,
            "threshold": float(self.threshold),
            "met": self.met,
        }


@dataclass(frozen=True)
class Results:
    year: int
    as_of: date
    end: date  # E = min(A, 31/12/Y)
    scope: str
    indicators: tuple[Indicator, ...]

    def __getitem__(self, code: str) -> Indicator:
        for i in self.indicators:
            if i.code == code:
                return i
        raise KeyError(code)

    def as_json(self, problems: dict[str, int]) -> dict[str, Any]:
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "scope": self.scope,
            "indicators": [i.as_json() for i in self.indicators],
            "problems": {"error": problems.get("error", 0), "warning": problems.get("warning", 0)},
        }


def end_date(year: int, as_of: date) -> date:
    return min(as_of, date(year, 12, 31))


def active_units(units: pd.DataFrame, end: pd.Timestamp) -> pd.Series:
    """Founded blank or <= E, and not dissolved by E (SPEC 4)."""
    founded_ok = units["founded"].isna() | (units["founded"] <= end)
    dissolved = (units["dissolved"].notna() & (units["dissolved"] <= end)) | (
        (units["status"] == S.STATUS_DISSOLVED) & units["dissolved"].isna()
    )
    return founded_ok & ~dissolved


def active_officers(officers: pd.DataFrame, end: pd.Timestamp) -> pd.Series:
    return (officers["assigned"].isna() | (officers["assigned"] <= end)) & (
        officers["left"].isna() | (officers["left"] > end)
    )


def _unit_table(units: pd.DataFrame) -> pd.DataFrame:
    return units[["unit", "name", "parent"]].rename(
        columns={"unit": "Mã đơn vị", "name": "Tên đơn vị", "parent": "Cấp trên"}
    )


# --- what does not depend on the scope, kept per Dataset ------------------------------------
#
# A dashboard computes the same year for several scopes (the trend of every year for the scope
# in view, the province for comparison), so the parts of ``compute`` that depend only on the
# year, E and A are kept per Dataset (a Dataset is never mutated). Only speed changes: the rows,
# their order and the figures are those of filtering everything at once.


@dataclass(frozen=True)
class _Base:
    units_active: np.ndarray  # over ds.frames["DonVi"] rows: active at E
    active_all: np.ndarray  # codes of the units active at E (arrays: lighter than sets, same isin)
    thresholds: dict[str, float]
    plan_has: pd.Series  # KeHoach of Y by unit
    plan_launched: pd.Series
    movements: pd.DataFrame  # PhongTrao: launching unit active, launched by E, running in Y
    awards: pd.DataFrame  # KhenThuong: individual, of Y, decided by A
    officers: pd.DataFrame  # CanBo active at E whose unit is active at E
    trained: np.ndarray
    with_officer: np.ndarray
    deadlines: tuple[tuple[str, pd.Timestamp], ...]  # periods of Y due by E, in order
    sent: dict[Any, pd.Series]  # period -> Ngày gửi by unit, BaoCao of Y
    sent_twice: bool  # a (unit, period) with two records of Y


_BASE_KEEP = 12  # (year, E, A) combinations kept per Dataset (a trend of 7 years and the year before fit)
_BASE_DATASETS = 2  # the current Dataset and the one before a reload
_base_lock = threading.Lock()
_bases: OrderedDict[int, tuple[weakref.ref[Dataset], OrderedDict[tuple[int, date, date], _Base]]] = OrderedDict()


_MOVEMENT_COLUMNS = ["movement", "name", "unit", "launched", "mid_due", "mid_held", "final_due", "final_held", "status"]
_AWARD_COLUMNS = ["award", "name", "unit", "form", "decided", "group"]
_OFFICER_COLUMNS = ["officer", "name", "unit", "position", "phone", "email"]


def clear_cache() -> None:
    """Forget the scope-independent parts kept per Dataset (benchmarks measure cold computes)."""
    with _base_lock:
        _bases.clear()


def _base(ds: Dataset, year: int, E: date, as_of: date) -> _Base:
    key = (year, E, as_of)
    with _base_lock:
        held = _bases.get(id(ds))
        if held is not None and held[0]() is ds:
            _bases.move_to_end(id(ds))
            got = held[1].get(key)
            if got is not None:
                held[1].move_to_end(key)
                return got
    base = _make_base(ds, year, E, as_of)
    with _base_lock:
        held = _bases.get(id(ds))
        if held is None or held[0]() is not ds:
            held = (weakref.ref(ds), OrderedDict())
            _bases[id(ds)] = held
        _bases.move_to_end(id(ds))
        held[1][key] = base
        while len(held[1]) > _BASE_KEEP:
            held[1].popitem(last=False)
        while len(_bases) > _BASE_DATASETS:
            _bases.popitem(last=False)
        for k in [k for k, (ref, _) in _bases.items() if ref() is None]:
            del _bases[k]
    return base


def _make_base(ds: Dataset, year: int, E: date, as_of: date) -> _Base:
    e = pd.Timestamp(E)
    a = pd.Timestamp(as_of)
    all_units = ds.frames["DonVi"]
    units_active = active_units(all_units, e).to_numpy()
    active_all = all_units.loc[units_active, "unit"].to_numpy(dtype=object)

    kh = ds.frames["KeHoach"]
    kh = kh[kh["year"] == year].set_index("unit")

    # only the columns the drill-downs show are kept
    pt = ds.frames["PhongTrao"]
    pt = pt.loc[pt["unit"].isin(active_all) & (pt["launched"] <= e) & (pt["end_year"] >= year).fillna(False),
                _MOVEMENT_COLUMNS]

    kt = ds.frames["KhenThuong"]
    kt = kt.loc[(kt["subject"] == S.SUBJECT_PERSON) & (kt["year"] == year).fillna(False) & (kt["decided"] <= a),
                _AWARD_COLUMNS]

    cb = ds.frames["CanBo"]
    cb_active = cb[active_officers(cb, e).to_numpy()]
    officers = cb_active.loc[cb_active["unit"].isin(active_all), _OFFICER_COLUMNS]
    dd = ds.frames["DiemDanh"]
    start_y = pd.Timestamp(date(year, 1, 1))
    trained = pd.unique(
        dd.loc[dd["present"] & (dd["counts_from"] >= start_y) & (dd["counts_from"] <= e), "officer"].to_numpy(object)
    )

    deadlines = tuple((p, pd.Timestamp(d)) for p, d in ds.deadlines(year).items() if pd.Timestamp(d) <= e)
    bc = ds.frames["BaoCao"]
    bc = bc[bc["year"] == year]
    sent_twice = bool(bc.duplicated(["unit", "period"]).any())
    sent = {} if sent_twice else {p: g.set_index("unit")["sent"] for p, g in bc.groupby("period", sort=False)}
    return _Base(
        units_active=units_active,
        active_all=active_all,
        thresholds=ds.thresholds(year),
        plan_has=kh["has_plan"],
        plan_launched=kh["launched"],
        movements=pt,
        awards=kt,
        officers=officers,
        trained=trained,
        with_officer=pd.unique(cb_active["unit"].to_numpy(object)),
        deadlines=deadlines,
        sent=sent,
        sent_twice=sent_twice,
    )


def _report_pairs(denom: pd.DataFrame, base: _Base) -> tuple[pd.DataFrame, np.ndarray]:
    """(active unit x period due by E) with the report sent for each, and which count."""
    units = denom["unit"].tolist()
    names = denom["name"].tolist()
    parents = denom["parent"].tolist()
    periods = [p for p, _ in base.deadlines]
    dues = [d for _, d in base.deadlines]
    k = len(units)
    # built from rows, as the column dtypes (text, dates) are then inferred the same way
    pairs = pd.DataFrame(
        list(zip(units * len(periods), names * len(periods), parents * len(periods),
                 [p for p in periods for _ in range(k)], [d for d in dues for _ in range(k)], strict=True)),
        columns=["Mã đơn vị", "Tên đơn vị", "Cấp trên", "Kỳ", "Hạn nộp"],
    )
    if not len(pairs):
        pairs["Ngày gửi"] = pd.Series([], dtype="datetime64[ns]")
        pairs["Tình trạng"] = pd.Series([], dtype=object)
        return pairs, np.zeros(0, dtype=bool)
    if base.sent_twice:  # as a reindex on duplicate labels would
        raise ValueError("cannot reindex on an axis with duplicate labels")
    got = [
        denom["unit"].map(base.sent[p]).to_numpy(dtype="datetime64[ns]") if p in base.sent
        else np.full(k, np.datetime64("NaT"), dtype="datetime64[ns]")
        for p in periods
    ]
    sent = pd.to_datetime(np.concatenate(got)).astype("datetime64[ns]")
    pairs["Ngày gửi"] = sent
    ok = (pairs["Ngày gửi"].notna() & (pairs["Ngày gửi"] <= pairs["Hạn nộp"])).to_numpy()
    pairs["Tình trạng"] = np.where(pairs["Ngày gửi"].isna(), "Chưa gửi", np.where(ok, "Đúng hạn", "Gửi muộn"))
    return pairs, ok


def compute(ds: Dataset, year: int, as_of: date, scope: str | None = None) -> Results:
    """Every indicator for year Y, as-of A and a scope (None = the province)."""
    E = end_date(year, as_of)
    e = pd.Timestamp(E)
    root = ds.tree.root or ""
    scope_code = scope or root
    in_scope = ds.tree.subtree(scope_code)
    base = _base(ds, year, E, as_of)
    th = base.thresholds

    units = ds.frames["DonVi"]
    act = units[units["unit"].isin(in_scope).to_numpy() & base.units_active]
    upper = act[act["level"] == S.LEVEL_UPPER]
    grass = act[act["level"] == S.LEVEL_GRASSROOTS]

    out: list[Indicator] = []

    # T1A, T1B: plan and launch for Y
    for code, denom in (("T1A", upper), ("T1B", grass)):
        has_plan = denom["unit"].map(base.plan_has).eq(True)
        launched = denom["unit"].map(base.plan_launched).eq(True)
        counted = has_plan & launched
        detail = _unit_table(denom).assign(
            **{"Có kế hoạch": has_plan.to_numpy(), "Đã phát động": launched.to_numpy()}, counted=counted.to_numpy()
        )
        out.append(Indicator(code, int(counted.sum()), len(denom), th[code], detail.reset_index(drop=True)))

    # T2: movements launched and still running in Y; every due review held by E
    pt = base.movements
    pt = pt[pt["unit"].isin(in_scope)]
    mid_due = pt["mid_due"].notna() & (pt["mid_due"] <= e)
    mid_ok = ~mid_due | (pt["mid_held"].notna() & (pt["mid_held"] <= e))
    final_due = pt["final_due"].notna() & (pt["final_due"] <= e)
    final_ok = ~final_due | (pt["final_held"].notna() & (pt["final_held"] <= e))
    counted = (pt["status"] != S.MOVEMENT_STOPPED) & mid_ok & final_ok
    reason = np.select(
        [pt["status"] == S.MOVEMENT_STOPPED, ~mid_ok, ~final_ok],
        ["Dừng", "Quá hạn sơ kết", "Quá hạn tổng kết"],
        default="",
    )
    detail = pd.DataFrame(
        {
            "Mã phong trào": pt["movement"],
            "Tên phong trào": pt["name"],
            "Đơn vị phát động": pt["unit"],
            "Ngày phát động": pt["launched"],
            "Hạn sơ kết": pt["mid_due"],
            "Ngày sơ kết": pt["mid_held"],
            "Hạn tổng kết": pt["final_due"],
            "Ngày tổng kết": pt["final_held"],
            "Trạng thái": pt["status"],
            "Lý do": reason,
            "counted": counted,
        }
    ).reset_index(drop=True)
    out.append(Indicator("T2", int(counted.sum()), len(pt), th["T2"], detail))

    # T3: individual commendations of Y decided by A (not E)
    kt = base.awards
    kt = kt[kt["unit"].isin(in_scope)]
    counted = kt["group"].isin([S.GROUP_WORKER, S.GROUP_STAFF])
    detail = pd.DataFrame(
        {
            "Mã khen thưởng": kt["award"],
            "Họ tên": kt["name"],
            "Mã đơn vị": kt["unit"],
            "Hình thức": kt["form"],
            "Ngày quyết định": kt["decided"],
            "Nhóm đối tượng": kt["group"],
            "counted": counted,
        }
    ).reset_index(drop=True)
    out.append(Indicator("T3", int(counted.sum()), len(kt), th["T3"], detail))

    # T4: officers active at E in active units, trained by a course ending in 01/01/Y..E
    officers = base.officers
    officers = officers[officers["unit"].isin(in_scope)]
    counted = officers["officer"].isin(base.trained)
    detail = pd.DataFrame(
        {
            "Mã cán bộ": officers["officer"],
            "Họ tên": officers["name"],
            "Mã đơn vị": officers["unit"],
            "Chức vụ": officers["position"],
            "Điện thoại": officers["phone"],
            "Email": officers["email"],
            "counted": counted,
        }
    ).reset_index(drop=True)
    out.append(Indicator("T4", int(counted.sum()), len(officers), th["T4"], detail))

    # O1: grassroots unions with an officer active at E
    counted = grass["unit"].isin(base.with_officer)
    detail = _unit_table(grass).assign(counted=counted.to_numpy()).reset_index(drop=True)
    out.append(Indicator("O1", int(counted.sum()), len(grass), th["O1"], detail))

    # O2, O3: unit x period with deadline <= E; sent on or before the deadline
    for code, denom in (("O2", upper), ("O3", grass)):
        pairs, ok = _report_pairs(denom, base)
        pairs["counted"] = ok
        out.append(Indicator(code, int(ok.sum()), len(pairs), th[code], pairs))

    return Results(year, as_of, E, scope_code, tuple(out))


# The column of each drill-down naming the unit a row belongs to.
UNIT_COLUMN: dict[str, str] = {
    "T1A": "Mã đơn vị",
    "T1B": "Mã đơn vị",
    "T2": "Đơn vị phát động",
    "T3": "Mã đơn vị",
    "T4": "Mã đơn vị",
    "O1": "Mã đơn vị",
    "O2": "Mã đơn vị",
    "O3": "Mã đơn vị",
}


def _scope_rows(ds: Dataset, province: Results, scope: str | None) -> list[np.ndarray] | None:
    """Per indicator, which rows of the province's drill-down belong to the scope's subtree
    (None when the scope is the province itself)."""
    root = ds.tree.root or ""
    scope_code = scope or root
    if scope_code == province.scope:
        return None
    if province.scope != root:
        raise ValueError("restrict() takes the province's results")
    in_scope = ds.tree.subtree(scope_code)
    return [ind.detail[UNIT_COLUMN[ind.code]].isin(in_scope).to_numpy() for ind in province.indicators]


def restrict(ds: Dataset, province: Results, scope: str | None) -> Results:
    """The results of a scope, from the province's: every denominator of SPEC 4 is a set of
    rows tied to one unit, so a scope's drill-down is the province's rows of units in its
    subtree, in the same order. Equal to ``compute(ds, year, as_of, scope)`` (tested), at the
    cost of a filter instead of a compute: a dashboard changing scope recomputes nothing."""
    masks = _scope_rows(ds, province, scope)
    if masks is None:
        return province
    out = []
    for ind, keep in zip(province.indicators, masks, strict=True):
        d = ind.detail[keep].reset_index(drop=True)
        out.append(Indicator(ind.code, int(d["counted"].sum()), len(d), ind.threshold, d))
    return Results(province.year, province.as_of, province.end, scope or ds.tree.root or "", tuple(out))


def scope_counts(ds: Dataset, province: Results, scope: str | None) -> list[tuple[str, int, int, float]]:
    """(code, numerator, denominator, threshold) of a scope, from the province's results: the
    figures of ``restrict`` without building its drill-downs (a trend needs only these)."""
    masks = _scope_rows(ds, province, scope)
    if masks is None:
        return [(i.code, i.numerator, i.denominator, i.threshold) for i in province.indicators]
    return [
        (ind.code, int(ind.detail["counted"].to_numpy(dtype=bool)[keep].sum()), int(keep.sum()), ind.threshold)
        for ind, keep in zip(province.indicators, masks, strict=True)
    ]
