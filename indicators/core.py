"""The eight indicators of SPEC section 4 and their drill-downs. Pure pandas, no I/O."""

from __future__ import annotations

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


def compute(ds: Dataset, year: int, as_of: date, scope: str | None = None) -> Results:
    """Every indicator for year Y, as-of A and a scope (None = the province)."""
    E = end_date(year, as_of)
    e = pd.Timestamp(E)
    a = pd.Timestamp(as_of)
    root = ds.tree.root or ""
    scope_code = scope or root
    in_scope = ds.tree.subtree(scope_code)
    th = ds.thresholds(year)

    units = ds.frames["DonVi"]
    units = units[units["unit"].isin(in_scope)]
    act = units[active_units(units, e).to_numpy()]
    upper = act[act["level"] == S.LEVEL_UPPER]
    grass = act[act["level"] == S.LEVEL_GRASSROOTS]
    active_all = set(ds.frames["DonVi"].loc[active_units(ds.frames["DonVi"], e).to_numpy(), "unit"])

    out: list[Indicator] = []

    # T1A, T1B: plan and launch for Y
    kh = ds.frames["KeHoach"]
    kh = kh[kh["year"] == year].set_index("unit")
    for code, denom in (("T1A", upper), ("T1B", grass)):
        has_plan = denom["unit"].map(kh["has_plan"]).eq(True)
        launched = denom["unit"].map(kh["launched"]).eq(True)
        counted = has_plan & launched
        detail = _unit_table(denom).assign(
            **{"Có kế hoạch": has_plan.to_numpy(), "Đã phát động": launched.to_numpy()}, counted=counted.to_numpy()
        )
        out.append(Indicator(code, int(counted.sum()), len(denom), th[code], detail.reset_index(drop=True)))

    # T2: movements launched and still running in Y; every due review held by E
    pt = ds.frames["PhongTrao"]
    pt = pt[
        pt["unit"].isin(in_scope)
        & pt["unit"].isin(active_all)
        & (pt["launched"] <= e)
        & (pt["end_year"] >= year).fillna(False)
    ]
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
    kt = ds.frames["KhenThuong"]
    kt = kt[
        kt["unit"].isin(in_scope)
        & (kt["subject"] == S.SUBJECT_PERSON)
        & (kt["year"] == year).fillna(False)
        & (kt["decided"] <= a)
    ]
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
    cb = ds.frames["CanBo"]
    cb_active = cb[active_officers(cb, e).to_numpy()]
    officers = cb_active[cb_active["unit"].isin(in_scope) & cb_active["unit"].isin(active_all)]
    dd = ds.frames["DiemDanh"]
    start_y = pd.Timestamp(date(year, 1, 1))
    trained = set(
        dd.loc[dd["present"] & (dd["counts_from"] >= start_y) & (dd["counts_from"] <= e), "officer"]
    )
    counted = officers["officer"].isin(trained)
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
    with_officer = set(cb_active["unit"])
    counted = grass["unit"].isin(with_officer)
    detail = _unit_table(grass).assign(counted=counted.to_numpy()).reset_index(drop=True)
    out.append(Indicator("O1", int(counted.sum()), len(grass), th["O1"], detail))

    # O2, O3: unit x period with deadline <= E; sent on or before the deadline
    deadlines = {p: pd.Timestamp(d) for p, d in ds.deadlines(year).items() if pd.Timestamp(d) <= e}
    bc = ds.frames["BaoCao"]
    bc = bc[bc["year"] == year]
    sent = bc.set_index(["unit", "period"])["sent"]
    for code, denom in (("O2", upper), ("O3", grass)):
        pairs = pd.DataFrame(
            [(u, n, par, p, d) for p, d in deadlines.items() for u, n, par in zip(
                denom["unit"], denom["name"], denom["parent"], strict=True)],
            columns=["Mã đơn vị", "Tên đơn vị", "Cấp trên", "Kỳ", "Hạn nộp"],
        )
        if len(pairs):
            idx = pd.MultiIndex.from_arrays([pairs["Mã đơn vị"], pairs["Kỳ"]])
            got = sent.reindex(idx) if len(sent) else pd.Series(pd.NaT, index=idx, dtype="datetime64[ns]")
            pairs["Ngày gửi"] = pd.to_datetime(got.to_numpy()).astype("datetime64[ns]")
            ok = (pairs["Ngày gửi"].notna() & (pairs["Ngày gửi"] <= pairs["Hạn nộp"])).to_numpy()
            pairs["Tình trạng"] = np.where(
                pairs["Ngày gửi"].isna(), "Chưa gửi", np.where(ok, "Đúng hạn", "Gửi muộn")
            )
        else:
            pairs["Ngày gửi"] = pd.Series([], dtype="datetime64[ns]")
            pairs["Tình trạng"] = pd.Series([], dtype=object)
            ok = np.zeros(0, dtype=bool)
        pairs["counted"] = ok
        out.append(Indicator(code, int(ok.sum()), len(pairs), th[code], pairs))

    return Results(year, as_of, E, scope_code, tuple(out))
