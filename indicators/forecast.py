"""Year-end forecast of the indicators with a date inside the year (issue 16, SPEC 4).

At as-of day D of year Y, for a scope: where will each of T1A, T1B, T2, T3, T4, O2, O3 stand
on 31/12/Y? The figure at D is computed from what is dated on or before D only; the SPEC 4
figures already cut reviews, decisions, attendance and reports at E, and plans are cut here by
``Ngày ban hành`` (a plan issued after D is not known at D; a plan without a date is taken as it
stands). Each earlier year of the same scope says how the figure went on from that day to its
31/12 (``outcome``; for T3 below the province, the province's earlier years: ``POOLED``); the
range spans those outcomes, widened by ``MARGIN`` points and ``SE_FACTOR`` binomial standard
errors, clipped to 0..100 % and narrowed to the figures the year-end denominator allows. With fewer than ``MIN_YEARS`` earlier years there is no range, only a
sentence saying so. Pure pandas, no Streamlit.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from indicators.core import Results, compute, scope_counts
from sheets.load import Dataset

CODES: tuple[str, ...] = ("T1A", "T1B", "T2", "T3", "T4", "O2", "O3")
FIRST_YEAR = 2020  # Kế hoạch 48 starts in 2020: no earlier year is looked at
MIN_YEARS = 2  # earlier years needed for a range
MARGIN = 2.0  # points added on each side of the span of the earlier years' outcomes
SE_FACTOR = 0.5  # and this many binomial standard errors of the expected year-end figure
SNAP = frozenset({"T1A", "T1B", "T4", "O2", "O3"})  # year-end denominators known in advance (see _snap)
# below the province, these codes go on at the province's pace of the earlier years: a district decides
# too few awards a year for its own second halves to say much (docs/decisions.md R5)
POOLED = frozenset({"T3"})
METHOD = (
    "số liệu đến ngày tính, cộng phần các năm trước (cùng phạm vi, cùng kỳ; T3 của một đơn vị theo nhịp "
    "toàn tỉnh) đã làm thêm từ ngày đó đến 31/12; khoảng từ năm thấp nhất đến năm cao nhất, nới thêm 2 điểm "
    "và nửa sai số chuẩn"
)
TOO_LITTLE = "Chưa đủ số liệu các năm trước để dự kiến (cần ít nhất {n} năm có số liệu cùng kỳ)."
NO_FIGURE = "Chưa có số liệu đến ngày tính để dự kiến."

Counts = tuple[int, int]  # (numerator, denominator)


@dataclass(frozen=True)
class Forecast:
    code: str
    year: int
    day: date  # the day the forecast is made (D, within the year)
    current: float | None  # percent at D
    low: float | None  # None: no range (see ``note``)
    high: float | None
    outcomes: tuple[tuple[int, float], ...]  # (earlier year, the figure at 31/12 had the year gone like it)
    note: str  # a Vietnamese sentence when there is no range, else ""

    @property
    def has_range(self) -> bool:
        return self.low is not None and self.high is not None

    @property
    def years(self) -> list[int]:
        return [y for y, _ in self.outcomes]

    def as_json(self) -> dict[str, Any]:
        """``tdkt indicators --format json``: no range (null) comes with the sentence saying why."""
        return {"low": self.low, "high": self.high, "method": METHOD if self.has_range else self.note}


def same_day(day: date, year: int) -> date:
    """The same day and month in another year (29/02 becomes 28/02)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def known_at(ds: Dataset, day: date) -> Dataset:
    """The data as it was known on ``day``: plans issued after it left out. Everything else the
    indicators read is cut by its own date in ``compute`` (reviews, decisions, attendance by
    course end, reports by Ngày gửi)."""
    kh = ds.frames["KeHoach"]
    late = kh["issued"].notna() & (kh["issued"] > pd.Timestamp(day))
    if not bool(late.any()):
        return ds
    frames = dict(ds.frames)
    frames["KeHoach"] = kh[~late.to_numpy()]
    return dataclasses.replace(ds, frames=frames)


class Figures:
    """Per-scope (numerator, denominator) of every indicator for (year, day), each computed once
    on the data known that day."""

    KEEP = 64  # (year, day) results kept: a backtest of six years needs 13, a forecast 2 a year

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self._province: OrderedDict[tuple[int, date], Results] = OrderedDict()
        self._lock = threading.Lock()

    def province(self, year: int, day: date) -> Results:
        key = (year, day)
        with self._lock:
            got = self._province.get(key)
            if got is not None:
                self._province.move_to_end(key)
                return got
        got = compute(known_at(self.ds, day), year, day, None)
        with self._lock:
            self._province[key] = got
            while len(self._province) > self.KEEP:
                self._province.popitem(last=False)
        return got

    def counts(self, year: int, day: date, scope: str | None) -> dict[str, Counts]:
        return {code: (num, den) for code, num, den, _ in scope_counts(self.ds, self.province(year, day), scope)}


def _pct(c: Counts) -> float | None:
    return None if c[1] == 0 else 100.0 * c[0] / c[1]


def _clip(p: float) -> float:
    return min(100.0, max(0.0, p))


def outcome(now: Counts, then: Counts, then_end: Counts) -> float:
    """The figure at 31/12 had this year gone on from ``now`` as an earlier year went from
    ``then`` (same day) to ``then_end`` (its 31/12). Where the denominator grew (awards decided,
    movements launched, reports falling due), as many more rows in proportion are added, counting
    as the added rows of that year counted; otherwise the same share of what was not yet counted
    comes to count."""
    n, d = now
    n0, d0 = then
    n1, d1 = then_end
    if d1 > d0:
        added = d * (d1 - d0) / d0
        share = (n1 - n0) / (d1 - d0)
        return _clip(100.0 * (n + share * added) / (d + added))
    closed = (n1 - n0) / (d0 - n0) if d0 > n0 else 0.0
    return _clip(100.0 * (n + closed * (d - n)) / d)


def _snap(low: float, high: float, den: int) -> tuple[float, float]:
    """The range narrowed to the figures a year-end denominator ``den`` allows (k/den)."""
    vals = [100.0 * k / den for k in range(den + 1) if low - 1e-9 <= 100.0 * k / den <= high + 1e-9]
    return (vals[0], vals[-1]) if vals else (low, high)


def forecast(ds: Dataset, year: int, as_of: date, scope: str | None = None, *,
             figures: Figures | None = None, first_year: int = FIRST_YEAR) -> dict[str, Forecast]:
    """The forecast of each code in ``CODES`` made at ``as_of`` (cut to 31/12/Y) for a scope,
    using the years ``first_year`` .. Y-1 only (and of Y, only what is known at ``as_of``)."""
    fig = figures or Figures(ds)
    day = min(as_of, date(year, 12, 31))
    now = fig.counts(year, day, scope)
    below = scope is not None and scope != ds.tree.root  # a unit's subtree, not the province
    hist: dict[str, list[tuple[int, Counts, Counts]]] = {c: [] for c in CODES}
    for y in range(first_year, year):
        at = fig.counts(y, same_day(day, y), scope)
        end = fig.counts(y, date(y, 12, 31), scope)
        if below and POOLED:
            at_p, end_p = fig.counts(y, same_day(day, y), None), fig.counts(y, date(y, 12, 31), None)
            at = {c: (at_p[c] if c in POOLED else v) for c, v in at.items()}
            end = {c: (end_p[c] if c in POOLED else v) for c, v in end.items()}
        for c in CODES:
            if at[c][1] and end[c][1]:
                hist[c].append((y, at[c], end[c]))
    out: dict[str, Forecast] = {}
    for c in CODES:
        cur = now[c]
        h = hist[c]
        outs = tuple((y, outcome(cur, a, b)) for y, a, b in h) if cur[1] else ()
        if not cur[1]:
            out[c] = Forecast(c, year, day, None, None, None, (), NO_FIGURE)
            continue
        if len(h) < MIN_YEARS:
            out[c] = Forecast(c, year, day, _pct(cur), None, None, outs, TOO_LITTLE.format(n=MIN_YEARS))
            continue
        values = [v for _, v in outs]
        den_end = max(1, round(cur[1] * sum(b[1] / a[1] for _, a, b in h) / len(h)))
        p = sum(values) / len(values) / 100.0
        spread = MARGIN + SE_FACTOR * 100.0 * math.sqrt(p * (1.0 - p) / den_end)
        low, high = _clip(min(values) - spread), _clip(max(values) + spread)
        if c in SNAP:
            low, high = _snap(low, high, den_end)
        out[c] = Forecast(c, year, day, _pct(cur), low, high, outs, "")
    return out


def is_open(year: int, today: date) -> bool:
    """A forecast is shown for the current year only: a past year is final."""
    return year == today.year


def range_text(f: Forecast) -> str:
    """«dự kiến 31/12: 78–84 %» (whole points, the shown range holding the computed one)."""
    if f.low is None or f.high is None:
        return f.note
    lo, hi = math.floor(f.low + 1e-9), math.ceil(f.high - 1e-9)
    return f"dự kiến 31/12: {lo} %" if lo == hi else f"dự kiến 31/12: {lo}–{hi} %"


# --- backtest ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    year: int
    code: str
    scope: str
    at: float | None  # figure at the forecast day
    low: float | None
    high: float | None
    actual: float | None  # figure at 31/12
    note: str

    @property
    def scored(self) -> bool:
        return self.low is not None and self.high is not None and self.actual is not None

    @property
    def hit(self) -> bool:
        assert self.low is not None and self.high is not None and self.actual is not None
        return self.low - 1e-9 <= self.actual <= self.high + 1e-9

    @property
    def width(self) -> float:
        assert self.low is not None and self.high is not None
        return self.high - self.low

    @property
    def error(self) -> float:
        """Points from the real figure to the nearest end of the range (0 inside)."""
        assert self.low is not None and self.high is not None and self.actual is not None
        return max(0.0, self.low - self.actual, self.actual - self.high)


def backtest(ds: Dataset, years: Iterable[int], scopes: Sequence[str | None], *, month: int = 6,
             day: int = 30) -> list[Case]:
    """For each year, the forecast made on day/month from the years before it only, against
    the figure at 31/12 of that year, per code and scope."""
    fig = Figures(ds)
    out: list[Case] = []
    root = ds.tree.root or ""
    for y in years:
        for scope in scopes:
            fc = forecast(ds, y, date(y, month, day), scope, figures=fig)
            actual = {c: _pct(v) for c, v in fig.counts(y, date(y, 12, 31), scope).items()}
            for c in CODES:
                f = fc[c]
                out.append(Case(y, c, scope or root, f.current, f.low, f.high, actual[c], f.note))
    return out


def summary(cases: Sequence[Case]) -> dict[str, Any]:
    """Share of scored cases whose range holds the real figure, mean width, per code too."""
    scored = [c for c in cases if c.scored]
    per: dict[str, dict[str, float]] = {}
    for code in CODES:
        cs = [c for c in scored if c.code == code]
        if cs:
            per[code] = {
                "cases": len(cs),
                "coverage": sum(c.hit for c in cs) / len(cs),
                "width": sum(c.width for c in cs) / len(cs),
                "error": sum(c.error for c in cs) / len(cs),
                "mid_error": sum(abs((c.low or 0) / 2 + (c.high or 0) / 2 - (c.actual or 0)) for c in cs) / len(cs),
            }
    return {
        "cases": len(scored),
        "unscored": len(cases) - len(scored),
        "coverage": (sum(c.hit for c in scored) / len(scored)) if scored else 0.0,
        "width": (sum(c.width for c in scored) / len(scored)) if scored else 0.0,
        "per_code": per,
    }
