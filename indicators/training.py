"""Training coverage (T4, O1) and the pure helpers behind course coordination.

Pure pandas on a loaded ``Dataset``: no I/O, no Streamlit. The T4 and O1 figures come
from ``indicators.core.compute`` so this page and every other one agree; this module
breaks them down (by upper-level unit, by grassroots union, through the year, per course)
and prepares the rows the Đào tạo page writes through the door (courses, invitations,
attendance marks).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from indicators.core import Results, active_officers, active_units
from sheets import schema as S
from sheets.load import Dataset, User
from sheets.text import fold

MANAGER_ROLES = (S.ROLE_TRAINER, S.ROLE_ADMIN)

# Column names of the frames handed to the page (Vietnamese: users read them as they are).
C_OFFICER, C_NAME, C_UNIT, C_UNIT_NAME = "Mã cán bộ", "Họ tên", "Mã đơn vị", "Đơn vị"
C_UPPER_NAME, C_POSITION, C_PHONE, C_EMAIL = "Cấp trên", "Chức vụ", "Điện thoại", "Email"
C_LAST = "Lần tập huấn gần nhất"


@dataclass(frozen=True)
class Coverage:
    """T4 and O1 for one year, as-of and scope, with what leaders ask next."""

    year: int
    end: date  # E = min(A, 31/12/Y)
    scope: str
    threshold: float  # T4's threshold (%)
    numerator: int  # officers trained in the year (T4)
    denominator: int  # officers active at E in active units (T4)
    trained_ever: int  # of the denominator, trained by any course ending on or before E
    o1_numerator: int
    o1_denominator: int
    officers: pd.DataFrame = field(repr=False)  # the T4 denominator, one row per officer
    by_upper: pd.DataFrame = field(repr=False)  # T4 per upper-level unit (and the province's own)
    by_grassroots: pd.DataFrame = field(repr=False)  # T4 per grassroots union with officers
    cumulative: pd.DataFrame = field(repr=False)  # Ngày, Đã tập huấn: officers trained by each date
    courses: pd.DataFrame = field(repr=False)  # per-course attendance of courses ending in 01/01/Y..E
    no_officer: pd.DataFrame = field(repr=False)  # O1: active grassroots unions without an officer
    untrained: pd.DataFrame = field(repr=False)  # the T4 denominator not trained in the year

    @property
    def percent(self) -> float | None:
        return None if self.denominator == 0 else 100.0 * self.numerator / self.denominator

    @property
    def target_count(self) -> int:
        """Officers that must be trained for T4 to be met."""
        return int(math.ceil(self.threshold * self.denominator / 100.0 - 1e-9))


# --- units ------------------------------------------------------------------------------


def unit_names(ds: Dataset) -> pd.Series:
    """Unit code -> unit name."""
    u = ds.frames["DonVi"]
    return pd.Series(u["name"].to_numpy(), index=u["unit"].to_numpy(), dtype=object)


def upper_of(ds: Dataset) -> pd.Series:
    """Unit code -> its upper-level unit; the province (root) for the province's own officers
    and for grassroots unions directly under the province."""
    u = ds.frames["DonVi"].set_index("unit", drop=False)
    root = ds.tree.root or ""
    parent_level = u["parent"].map(u["level"])
    up = np.where(
        u["level"] == S.LEVEL_UPPER,
        u["unit"],
        np.where((u["level"] == S.LEVEL_GRASSROOTS) & (parent_level == S.LEVEL_UPPER), u["parent"], root),
    )
    return pd.Series(up, index=u.index, dtype=object)


# --- coverage ---------------------------------------------------------------------------


def _sort_key(names: pd.Series) -> pd.Series:
    """Names in Vietnamese alphabetical order, near enough: without diacritics, ignoring case."""
    return names.map(lambda n: fold(n) if isinstance(n, str) else "")


def _lookup_dates(keys: pd.Series, dates: pd.Series) -> pd.Series:
    """``keys.map(dates)`` for a date series with unique index (also when both are empty)."""
    found = dates.astype("datetime64[ns]").reindex(keys.to_numpy())
    return pd.Series(found.to_numpy(), index=keys.index, dtype="datetime64[ns]")


def _attendance_dates(ds: Dataset, end: pd.Timestamp, start_y: pd.Timestamp) -> tuple[pd.Series, pd.Series]:
    """Per officer: the last course end on or before E, and the first within 01/01/Y..E."""
    dd = ds.frames["DiemDanh"]
    p = dd[dd["present"] & (dd["counts_from"] <= end)]
    last = p.groupby("officer")["counts_from"].max()
    first_y = p[p["counts_from"] >= start_y].groupby("officer")["counts_from"].min()
    return last, first_y


def _summary(off: pd.DataFrame, by: str, threshold: float) -> pd.DataFrame:
    g = off.groupby(by, sort=False).agg(
        total=("officer", "size"), year=("trained_year", "sum"), ever=("trained_ever", "sum")
    )
    g["percent"] = 100.0 * g["year"] / g["total"]
    g["met"] = g["percent"] >= threshold
    return g


def coverage(ds: Dataset, res: Results) -> Coverage:
    """Break T4 and O1 of ``res`` down by unit, through the year and per course."""
    t4, o1 = res["T4"], res["O1"]
    e = pd.Timestamp(res.end)
    start_y = pd.Timestamp(date(res.year, 1, 1))
    names = unit_names(ds)
    uppers = upper_of(ds)

    det = t4.detail
    last, first_y = _attendance_dates(ds, e, start_y)
    officers = pd.DataFrame(
        {
            "officer": det["Mã cán bộ"].to_numpy(),
            "name": det["Họ tên"].to_numpy(),
            "unit": det["Mã đơn vị"].to_numpy(),
            "position": det["Chức vụ"].to_numpy(),
            "phone": det["Điện thoại"].to_numpy(),
            "email": det["Email"].to_numpy(),
            "trained_year": det["counted"].to_numpy(dtype=bool),
        }
    )
    officers["unit_name"] = officers["unit"].map(names)
    officers["upper"] = officers["unit"].map(uppers)
    officers["upper_name"] = officers["upper"].map(names)
    officers["last_trained"] = _lookup_dates(officers["officer"], last)
    officers["first_in_year"] = _lookup_dates(officers["officer"], first_y)
    officers["trained_ever"] = officers["last_trained"].notna().to_numpy()

    # T4 by upper-level unit (the province's own officers and its direct CĐCS under the root)
    g = _summary(officers, "upper", t4.threshold)
    root = ds.tree.root or ""
    label = g.index.map(lambda c: f"{names.get(c, c)} (cơ quan và CĐCS trực thuộc)" if c == root else names.get(c, c))
    by_upper = pd.DataFrame(
        {
            C_UNIT: g.index.to_numpy(),
            C_UNIT_NAME: np.asarray(label, dtype=object),
            "Số cán bộ": g["total"].to_numpy(),
            "Tập huấn trong năm": g["year"].to_numpy(),
            "Tỷ lệ (%)": g["percent"].to_numpy(),
            "Đã từng tập huấn": g["ever"].to_numpy(),
            "Đạt": g["met"].to_numpy(),
        }
    )
    order = {c: i for i, c in enumerate(ds.frames["DonVi"]["unit"])}
    by_upper = by_upper.sort_values(C_UNIT, key=lambda s: s.map(order), kind="mergesort").reset_index(drop=True)

    # T4 by grassroots union: officers of CĐCS, weakest first
    levels = ds.frames["DonVi"].set_index("unit")["level"]
    grass = officers[officers["unit"].map(levels).eq(S.LEVEL_GRASSROOTS).to_numpy()]
    g = _summary(grass, "unit", t4.threshold)
    by_grassroots = pd.DataFrame(
        {
            C_UNIT: g.index.to_numpy(),
            C_UNIT_NAME: g.index.to_series().map(names).to_numpy(dtype=object),
            C_UPPER_NAME: g.index.to_series().map(uppers).map(names).to_numpy(dtype=object),
            "Số cán bộ": g["total"].to_numpy(),
            "Tập huấn trong năm": g["year"].to_numpy(),
            "Tỷ lệ (%)": g["percent"].to_numpy(),
            "Đã từng tập huấn": g["ever"].to_numpy(),
            "Đạt": g["met"].to_numpy(),
        }
    )
    by_grassroots = (
        by_grassroots.assign(_n=_sort_key(by_grassroots[C_UNIT_NAME]))
        .sort_values(["Tỷ lệ (%)", "_n"], kind="mergesort")
        .drop(columns="_n")
        .reset_index(drop=True)
    )

    cumulative = _cumulative(officers["first_in_year"], start_y, e)
    courses = _course_attendance(ds, res.scope, start_y, e)

    no = o1.behind
    no_officer = pd.DataFrame(
        {
            C_UNIT: no["Mã đơn vị"].to_numpy(),
            C_UNIT_NAME: no["Tên đơn vị"].to_numpy(),
            C_UPPER_NAME: no["Cấp trên"].map(names).to_numpy(dtype=object),
        }
    )

    un = officers[~officers["trained_year"]]
    untrained = pd.DataFrame(  # who, where, how to reach them first: read on a phone, sent as .xlsx
        {
            C_NAME: un["name"].to_numpy(),
            C_UNIT_NAME: un["unit_name"].to_numpy(),
            C_PHONE: un["phone"].to_numpy(),
            C_EMAIL: un["email"].to_numpy(),
            C_POSITION: un["position"].to_numpy(),
            C_UPPER_NAME: un["upper_name"].to_numpy(),
            C_LAST: un["last_trained"].to_numpy(),
            C_OFFICER: un["officer"].to_numpy(),
            C_UNIT: un["unit"].to_numpy(),
        }
    )
    untrained["_o"] = un["upper"].map(order).to_numpy()
    untrained["_u"] = un["unit"].map(order).to_numpy()
    untrained["_n"] = _sort_key(untrained[C_NAME]).to_numpy()
    untrained = (
        untrained.sort_values(["_o", "_u", "_n"], kind="mergesort")
        .drop(columns=["_o", "_u", "_n"])
        .reset_index(drop=True)
    )

    return Coverage(
        year=res.year,
        end=res.end,
        scope=res.scope,
        threshold=t4.threshold,
        numerator=t4.numerator,
        denominator=t4.denominator,
        trained_ever=int(officers["trained_ever"].sum()),
        o1_numerator=o1.numerator,
        o1_denominator=o1.denominator,
        officers=officers,
        by_upper=by_upper,
        by_grassroots=by_grassroots,
        cumulative=cumulative,
        courses=courses,
        no_officer=no_officer,
        untrained=untrained,
    )


def _cumulative(first: pd.Series, start_y: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Officers of the denominator trained by each date of 01/01/Y..E (a step series)."""
    per_day = first.dropna().value_counts().sort_index()
    dates = pd.DatetimeIndex([start_y, *per_day.index, end])
    counts = np.concatenate([[0], per_day.cumsum().to_numpy(), [int(per_day.sum())]])
    frame = pd.DataFrame({"Ngày": dates, "Đã tập huấn": counts.astype(int)})
    # the day before the first course ends is 0; keep the highest count of each date
    return frame.groupby("Ngày", as_index=False).agg({"Đã tập huấn": "max"})


def _course_attendance(ds: Dataset, scope: str, start_y: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Courses ending in 01/01/Y..E organised in scope or attended by officers in scope:
    invited (every attendance row of an officer in scope), present, and the rate."""
    in_scope = ds.tree.subtree(scope)
    kh = ds.frames["KhoaHoc"]
    kh = kh[(kh["end"] >= start_y) & (kh["end"] <= end)]
    cb = ds.frames["CanBo"]
    officer_unit = pd.Series(cb["unit"].to_numpy(), index=cb["officer"].to_numpy(), dtype=object)
    dd = ds.frames["DiemDanh"]
    dd = dd[dd["course"].isin(set(kh["course"])) & dd["officer"].map(officer_unit).isin(in_scope)]
    agg = dd.groupby("course").agg(invited=("officer", "size"), present=("present", "sum"))
    kh = kh[kh["unit"].isin(in_scope) | kh["course"].isin(set(agg.index))]
    invited = kh["course"].map(agg["invited"]).fillna(0).astype(int).to_numpy()
    present = kh["course"].map(agg["present"]).fillna(0).astype(int).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(invited > 0, 100.0 * present / np.maximum(invited, 1), np.nan)
    out = pd.DataFrame(
        {
            "Mã khóa": kh["course"].to_numpy(),
            "Tên khóa": kh["name"].to_numpy(),
            "Đơn vị tổ chức": kh["unit"].map(unit_names(ds)).to_numpy(dtype=object),
            "Ngày bắt đầu": kh["start"].to_numpy(),
            "Ngày kết thúc": kh["end"].to_numpy(),
            "Được mời": invited,
            "Có mặt": present,
            "Tỷ lệ có mặt (%)": rate,
        }
    )
    return out.sort_values(["Ngày kết thúc", "Mã khóa"], kind="mergesort").reset_index(drop=True)


# --- who manages what -------------------------------------------------------------------


def can_manage(user: User | None) -> bool:
    """Training coordinators and administrators manage courses, invitations and attendance."""
    return user is not None and user.role in MANAGER_ROLES


def managed_units(ds: Dataset, user: User) -> frozenset[str]:
    """Units whose courses the user may write: everything for an administrator, else the
    coordinator's own subtree (the write door checks the same rule)."""
    if user.role == S.ROLE_ADMIN:
        return ds.tree.subtree(None)
    return ds.tree.subtree(user.unit)


def organiser_options(ds: Dataset, user: User, on: date) -> list[str]:
    """Units that may organise a new course: the province and upper-level units active on
    ``on`` inside what the user manages, and the user's own unit; in DonVi order."""
    allowed = managed_units(ds, user)
    u = ds.frames["DonVi"]
    act = active_units(u, pd.Timestamp(on)).to_numpy()
    sel = u[act & u["unit"].isin(allowed).to_numpy() & (u["level"] != S.LEVEL_GRASSROOTS).to_numpy()]
    out = list(sel["unit"])
    if user.unit in allowed and user.unit not in out:
        out.insert(0, user.unit)
    return out


# --- courses ----------------------------------------------------------------------------


def courses_of_year(ds: Dataset, year: int, units: frozenset[str] | None = None) -> pd.DataFrame:
    """Current courses starting or ending in ``year`` (optionally organised in ``units``),
    newest first, with the organiser's name and the invited/present counts."""
    kh = ds.frames["KhoaHoc"]
    sel = (kh["start"].dt.year == year) | (kh["end"].dt.year == year)
    if units is not None:
        sel &= kh["unit"].isin(units)
    kh = kh[sel.to_numpy()]
    dd = ds.frames["DiemDanh"]
    dd = dd[dd["course"].isin(set(kh["course"]))]
    agg = dd.groupby("course").agg(invited=("officer", "size"), present=("present", "sum"))
    out = pd.DataFrame(
        {
            "course": kh["course"].to_numpy(),
            "name": kh["name"].to_numpy(),
            "unit": kh["unit"].to_numpy(),
            "unit_name": kh["unit"].map(unit_names(ds)).to_numpy(dtype=object),
            "start": kh["start"].to_numpy(),
            "end": kh["end"].to_numpy(),
            "place": kh["place"].to_numpy(),
            "form": kh["form"].to_numpy(),
            "invited": kh["course"].map(agg["invited"]).fillna(0).astype(int).to_numpy(),
            "present": kh["course"].map(agg["present"]).fillna(0).astype(int).to_numpy(),
        }
    )
    return out.sort_values(["start", "course"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def running_on(courses: pd.DataFrame, day: date) -> pd.Series:
    """Courses held on ``day`` (start <= day <= end)."""
    d = pd.Timestamp(day)
    return (courses["start"] <= d) & (courses["end"] >= d)


def next_course_code(ds: Dataset, year: int, unit: str) -> str:
    """``TH{year}-{unit}-{k}`` with the smallest k never used by any version of any course
    (a voided code is never reused: a new version would bring the old course back)."""
    used = set(ds.versions["KhoaHoc"]["course"])
    k = 1
    while f"TH{year}-{unit}-{k}" in used:
        k += 1
    return f"TH{year}-{unit}-{k}"


def course_row(
    *, code: str, name: str, unit: str, start: date, end: date | None, place: str | None, form: str | None
) -> dict[str, Any]:
    """One KhoaHoc record as the write door takes it (headers as keys)."""
    return {
        "Mã khóa": code,
        "Tên khóa": name.strip(),
        "Mã đơn vị": unit,
        "Ngày bắt đầu": start,
        "Ngày kết thúc": end,
        "Địa điểm": (place or "").strip() or None,
        "Hình thức": form or None,
    }


# --- invitations ------------------------------------------------------------------------


def roster(ds: Dataset, course: str, unit: str) -> pd.DataFrame:
    """Officers of ``unit``'s subtree who may be invited to ``course``: active on the course's
    first day in an active unit, not yet invited; untrained in the course's year first."""
    kh = ds.frames["KhoaHoc"]
    start = pd.Timestamp(kh.loc[kh["course"] == course, "start"].iloc[0])
    year = start.year
    cb = ds.frames["CanBo"]
    units = ds.frames["DonVi"]
    live_units = set(units.loc[active_units(units, start).to_numpy(), "unit"])
    dd = ds.frames["DiemDanh"]
    invited = set(dd.loc[dd["course"] == course, "officer"])
    sel = (
        active_officers(cb, start).to_numpy()
        & cb["unit"].isin(ds.tree.subtree(unit) & live_units).to_numpy()
        & ~cb["officer"].isin(invited).to_numpy()
    )
    cb = cb[sel]
    p = dd[dd["present"]]
    trained = set(p.loc[p["counts_from"].dt.year == year, "officer"])
    last = p.groupby("officer")["counts_from"].max()
    out = pd.DataFrame(
        {
            "officer": cb["officer"].to_numpy(),
            "name": cb["name"].to_numpy(),
            "unit": cb["unit"].to_numpy(),
            "unit_name": cb["unit"].map(unit_names(ds)).to_numpy(dtype=object),
            "position": cb["position"].to_numpy(),
            "trained": cb["officer"].isin(trained).to_numpy(),
            "last_trained": _lookup_dates(cb["officer"], last).to_numpy(),
        }
    )
    order = {c: i for i, c in enumerate(units["unit"])}
    out["_o"] = out["unit"].map(order)
    out["_n"] = _sort_key(out["name"]).to_numpy()
    out = out.sort_values(["trained", "_o", "_n"], kind="mergesort").drop(columns=["_o", "_n"])
    return out.reset_index(drop=True)


def invitation_rows(course: str, officers: list[str]) -> list[dict[str, Any]]:
    """An invitation is an attendance record with Có mặt = no."""
    return [{"Mã khóa": course, "Mã cán bộ": o, "Có mặt": False} for o in officers]


# --- attendance -------------------------------------------------------------------------


def attendance_sheet(ds: Dataset, course: str) -> pd.DataFrame:
    """The current answer of every officer invited to ``course``, by unit then name."""
    dd = ds.frames["DiemDanh"]
    dd = dd[dd["course"] == course]
    cb = ds.frames["CanBo"].set_index("officer")
    units = ds.frames["DonVi"]
    order = {c: i for i, c in enumerate(units["unit"])}
    unit = dd["officer"].map(cb["unit"])
    out = pd.DataFrame(
        {
            "officer": dd["officer"].to_numpy(),
            "name": dd["officer"].map(cb["name"]).to_numpy(dtype=object),
            "unit": unit.to_numpy(dtype=object),
            "unit_name": unit.map(unit_names(ds)).to_numpy(dtype=object),
            "present": dd["present"].to_numpy(dtype=bool),
            "note": dd["note"].to_numpy(dtype=object),
            "_o": unit.map(order).to_numpy(),
        }
    )
    out["_n"] = _sort_key(out["name"]).to_numpy()
    return out.sort_values(["_o", "_n"], kind="mergesort").drop(columns=["_o", "_n"]).reset_index(drop=True)


def attendance_changes(
    sheet: pd.DataFrame, course: str, baseline: Mapping[str, bool], marked: Mapping[str, bool]
) -> list[dict[str, Any]]:
    """New versions for the officers whose mark differs from what the user saw (``baseline``).

    Officers the user did not touch are left alone, so two phones marking different people
    never undo each other; the note of the current record is carried over.
    """
    if not len(sheet):
        return []
    officers = sheet["officer"]
    seen = officers.map(pd.Series(baseline, dtype=object))
    now = officers.map(pd.Series(marked, dtype=object))
    changed = now.notna() & seen.notna() & (now != seen)
    sel = sheet[changed.to_numpy()]
    new = now[changed.to_numpy()]
    return [
        {"Mã khóa": course, "Mã cán bộ": o, "Có mặt": bool(v), "Ghi chú": n if isinstance(n, str) and n else None}
        for o, v, n in zip(sel["officer"], new, sel["note"], strict=True)
    ]
