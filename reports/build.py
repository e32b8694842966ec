"""The data model of a 6-month or annual report, built from a Dataset. Pure: no I/O, no Streamlit.

``build_report(ds, unit, year, period)`` gathers every figure a report shows into frozen
dataclasses; ``docx_report`` and ``xlsx_report`` only lay them out, so both files carry the
same numbers, and those numbers are exactly ``compute(ds, year, as_of, unit)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Literal

import numpy as np
import pandas as pd

from indicators import exemplars as EX
from indicators.core import NAMES, SHORT, Indicator, Results, active_units, compute
from indicators.fmt import day, num
from reports.admin_layout import (
    NBSP,
    Letterhead,
    Signer,
    abbreviate,
    clean,
    place_of,
    symbol_suffix,
)
from sheets import clock
from sheets import schema as S
from sheets.errors import TdktError
from sheets.load import Dataset

PLAN = "Kế hoạch số 48/KH-LĐLĐ ngày 09/04/2020 của Ban Thường vụ Liên đoàn Lao động tỉnh Bắc Kạn"
RESOLUTION = "Nghị quyết số 07/NQ-TLĐ ngày 15/01/2020 của Đoàn Chủ tịch Tổng Liên đoàn Lao động Việt Nam"
TOPIC = "đổi mới công tác thi đua, khen thưởng trong công nhân, viên chức, lao động và hoạt động công đoàn"
CONFEDERATION = "Tổng Liên đoàn Lao động Việt Nam"
FIRST_YEAR = 2020  # Kế hoạch 48/KH-LĐLĐ, 09/04/2020

MET, MISSED, NONE = "Đạt", "Chưa đạt", "—"
NOT_RECORDED = "Chưa ghi"

# Submission statuses (the first three are those of the O2/O3 drill-downs)
ON_TIME, LATE, NOT_SENT = "Đúng hạn", "Gửi muộn", "Chưa gửi"
SENT_EARLY, NOT_DUE = "Đã gửi", "Chưa đến hạn"

Fmt = Literal["text", "int", "pct", "date"]
Cell = str | int | float | date | None

# (section title, codes) of the per-target subsections
TARGET_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Xây dựng kế hoạch và phát động thi đua", ("T1A", "T1B")),
    ("Sơ kết, tổng kết các phong trào thi đua", ("T2",)),
    ("Khen thưởng công nhân, lao động trực tiếp và công chức, viên chức không giữ chức vụ", ("T3",)),
    ("Tập huấn nghiệp vụ cho cán bộ làm công tác thi đua, khen thưởng", ("T4",)),
    ("Bố trí cán bộ phụ trách công tác thi đua, khen thưởng ở công đoàn cơ sở", ("O1",)),
    ("Thực hiện chế độ báo cáo định kỳ", ("O2", "O3")),
)
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


class ReportError(TdktError):
    """The report cannot be made for the arguments given."""


# --- the model -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    key: str  # stable id, used by tests and the xlsx sheet layout
    title: str
    columns: tuple[str, ...]
    formats: tuple[Fmt, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    total: bool = False  # the last row is a total (shown bold)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.rows), columns=list(self.columns))


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    kind: Literal["indicators", "breakdown", "stacked", "channels"]
    data: pd.DataFrame = field(compare=False)
    threshold: float | None = None


@dataclass(frozen=True)
class Para:
    text: str
    style: Literal["body", "heading", "placeholder", "note"] = "body"


Block = Para | Table | Chart


@dataclass(frozen=True)
class Section:
    heading: str  # "I. KẾT QUẢ …" (upper case) or "Phụ lục 1. …"
    blocks: tuple[Block, ...]
    level: int = 1
    short: str = ""  # a short name (the .xlsx sheet)


@dataclass(frozen=True)
class Report:
    unit: str
    unit_name: str
    org_parent: str  # upper line of the header block, upper case
    org_name: str  # the issuing unit, upper case
    doc_symbol: str  # "BC-LĐLĐ"
    place: str | None  # None: not in the data, a yellow placeholder
    issued: date
    year: int
    period: str
    period_label: str  # "6 tháng đầu năm 2026" / "năm 2026"
    as_of: date
    end: date
    title: str
    subtitle: str
    intro: str
    sections: tuple[Section, ...]
    appendix: tuple[Section, ...]
    recipients: tuple[str, ...]
    signer: tuple[str, ...]
    signer_name: str | None  # None: a yellow placeholder
    problems: dict[str, int]
    results: Results = field(compare=False, repr=False)
    has_data: bool = True
    annex: tuple[Table, ...] = ()  # the full lists, for the separate annex workbook

    @property
    def letterhead(self) -> Letterhead:
        return Letterhead(self.org_parent, self.org_name, self.doc_symbol, self.place, self.issued)

    @property
    def signer_block(self) -> Signer:
        return Signer(self.signer[0], self.signer[1], self.signer_name)

    @property
    def doc_number(self) -> str:
        return self.letterhead.number

    @property
    def place_date(self) -> str:
        return self.letterhead.place_date

    @property
    def dates_text(self) -> str:
        """Both dates, when they differ (an annual report made after 31/12): E for the year's
        figures, A for the decisions counted (SPEC 4)."""
        return dates_text(self.end, self.as_of)

    def tables(self) -> list[Table]:
        return [b for s in (*self.sections, *self.appendix) for b in s.blocks if isinstance(b, Table)]

    def charts(self) -> list[Chart]:
        return [b for s in (*self.sections, *self.appendix) for b in s.blocks if isinstance(b, Chart)]

    def table(self, key: str) -> Table:
        for t in self.tables():
            if t.key == key:
                return t
        raise KeyError(key)

    @property
    def file_stem(self) -> str:
        """The as-of date is in the name: two runs with different dates never share a name."""
        p = "6thang" if self.period == S.PERIOD_HALF else "nam"
        return f"bao-cao-tdkt-{self.unit}-{p}-{self.year}-den-{self.as_of:%Y-%m-%d}"


# --- dates and names --------------------------------------------------------------------------


def report_as_of(year: int, period: str, *, today: date | None = None, as_of: date | None = None) -> date:
    """The as-of date of a report: ``as_of`` if given, else today; a 6-month report never goes
    past 30/06/Y, whatever it is given (it shows nothing dated after its as-of)."""
    if period not in S.PERIODS:
        raise ReportError(f"Kỳ báo cáo «{period}» không hợp lệ: dùng «6 tháng» hoặc «Năm».")
    a = as_of if as_of is not None else (today or clock.today())
    return min(a, date(year, 6, 30)) if period == S.PERIOD_HALF else a


def check_year(year: int, today: date | None = None) -> None:
    """Reports are made for 2020 (the plan's first year) to next year."""
    last = (today or clock.today()).year + 1
    if not FIRST_YEAR <= year <= last:
        raise ReportError(f"Năm {year} không hợp lệ: báo cáo chỉ lập cho các năm từ {FIRST_YEAR} đến {last} "
                          f"(Kế hoạch 48/KH-LĐLĐ bắt đầu năm {FIRST_YEAR}).")


def period_label(year: int, period: str) -> str:
    """"6 tháng" with a non-breaking space: a title never breaks between the two."""
    return f"6{NBSP}tháng đầu năm {year}" if period == S.PERIOD_HALF else f"năm {year}"


def dates_text(end: date, as_of: date) -> str:
    if end == as_of:
        return f"số liệu tính đến ngày {day(end)}"
    return (f"số liệu tính đến ngày {day(end)}; riêng khen thưởng tính theo các quyết định ký đến ngày "
            f"{day(as_of)}")


def short_name(name: str) -> str:
    """Abbreviations used in tables and charts."""
    out = name
    for long, short in (
        ("Liên đoàn Lao động", "LĐLĐ"),
        ("Công đoàn cơ sở", "CĐCS"),
        ("Công đoàn ngành", "CĐ ngành"),
    ):
        out = out.replace(long, short)
    return out


def doc_symbol(name: str, kind: object, level: str | None) -> str:
    return f"BC-{symbol_suffix(name, kind, level)}"


def _v(x: Any) -> Cell:
    """A frame value as a plain cell."""
    if x is None or x is pd.NaT or x is pd.NA:
        return None
    if isinstance(x, float) and np.isnan(x):
        return None
    if isinstance(x, pd.Timestamp | datetime):
        return x.date()
    if isinstance(x, np.bool_ | bool):
        return "Có" if bool(x) else "Không"
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return float(x)
    if isinstance(x, str):
        return clean(x)  # a pasted vertical tab must not stop the .docx or the .xlsx
    return x  # type: ignore[no-any-return]


def verdict(ind: Indicator) -> str:
    return NONE if ind.met is None else (MET if ind.met else MISSED)


def _pct_text(p: float | None) -> str:
    return "—" if p is None else f"{num(p, 1)}{NBSP}%"  # never "90,9" at a line end and "%" on the next


def _table(key: str, title: str, cols: Sequence[tuple[str, Fmt]], rows: Sequence[Sequence[Any]], *,
           note: str = "", total: bool = False) -> Table:
    return Table(
        key=key,
        title=title,
        columns=tuple(c for c, _ in cols),
        formats=tuple(f for _, f in cols),
        rows=tuple(tuple(_v(x) for x in r) for r in rows),
        note=note,
        total=total,
    )


# --- breakdown by the units under the scope --------------------------------------------------


def _bucket_map(ds: Dataset, scope: str) -> tuple[dict[str, str], list[str]]:
    """unit -> bucket label, and the labels in tree order.

    Under the province a bucket is each upper-level union, the grassroots unions directly
    under the province together, and the province's own office. Under an upper-level union
    it is the union's own office and its grassroots unions grouped by ``Loại hình``.
    """
    tree = ds.tree
    children = list(tree.children.get(scope, []))
    has_upper = any(tree.level(c) == S.LEVEL_UPPER for c in children)
    own = f"Cơ quan {short_name(tree.name(scope))}"
    order: list[str] = [own]
    out: dict[str, str] = {scope: own}
    units = tree.units
    direct = f"CĐCS trực thuộc {short_name(tree.name(scope))}"
    for c in children:
        if tree.level(c) == S.LEVEL_UPPER:
            label = short_name(tree.name(c))
        elif has_upper:
            label = direct
        else:
            kind = units.at[c, "kind"] if c in units.index else None
            label = f"CĐCS {kind[0].lower() + kind[1:]}" if isinstance(kind, str) and kind != "Khác" else (
                "CĐCS khác" if kind == "Khác" else "CĐCS chưa phân loại")
        if label not in order:
            order.append(label)
        for u in tree.subtree(c):
            out[u] = label
    return out, order


_UNIT_COL = {"T1A": "Mã đơn vị", "T1B": "Mã đơn vị", "T2": "Đơn vị phát động", "T3": "Mã đơn vị",
             "T4": "Mã đơn vị", "O1": "Mã đơn vị", "O2": "Mã đơn vị", "O3": "Mã đơn vị"}


def breakdown(ds: Dataset, res: Results, codes: Sequence[str]) -> pd.DataFrame:
    """Numerator and denominator of each indicator per bucket; they add up to the totals."""
    bmap, order = _bucket_map(ds, res.scope)
    rows: list[dict[str, Any]] = []
    for code in codes:
        ind = res[code]
        if ind.denominator == 0:
            continue
        d = ind.detail
        labels = d[_UNIT_COL[code]].map(lambda u: bmap.get(u, "Khác"))
        g = pd.DataFrame({"b": labels, "c": d["counted"].astype(bool)}).groupby("b", sort=False)["c"]
        nums, dens = g.sum().to_dict(), g.size().to_dict()
        for label in [*order, "Khác"]:
            if label in dens:
                n, den = int(nums[label]), int(dens[label])
                rows.append({"Mã": code, "Đơn vị": label, "Số đạt": n, "Tổng số": den,
                             "Tỉ lệ (%)": 100.0 * n / den, "Chỉ tiêu (%)": ind.threshold})
    return pd.DataFrame(rows, columns=["Mã", "Đơn vị", "Số đạt", "Tổng số", "Tỉ lệ (%)", "Chỉ tiêu (%)"])


# --- sections ----------------------------------------------------------------------------------

IND_COLS: tuple[tuple[str, Fmt], ...] = (
    ("Mã", "text"), ("Chỉ tiêu", "text"), ("Số đạt", "int"), ("Tổng số", "int"),
    ("Tỉ lệ (%)", "pct"), ("Chỉ tiêu (%)", "pct"), ("Đánh giá", "text"),
)


def _ind_row(ind: Indicator) -> list[Any]:
    return [ind.code, NAMES[ind.code], ind.numerator, ind.denominator, ind.percent, ind.threshold, verdict(ind)]


TARGET_COLS: tuple[tuple[str, Fmt], ...] = (
    ("Đơn vị", "text"), ("Số đạt", "int"), ("Tổng số", "int"), ("Tỉ lệ (%)", "pct"), ("Chỉ tiêu (%)", "pct"),
    ("Đánh giá", "text"),
)
TOTAL = "Tổng cộng"


def _indicator_frame(inds: Sequence[Indicator]) -> pd.DataFrame:
    return pd.DataFrame({"Mã": [i.code for i in inds], "Chỉ tiêu": [SHORT[i.code] for i in inds],
                         "Tỉ lệ (%)": [i.percent for i in inds], "Chỉ tiêu (%)": [i.threshold for i in inds]})


def _sentence(ind: Indicator) -> str:
    if ind.denominator == 0:
        return f"- {NAMES[ind.code]} ({ind.code}): chưa có đối tượng để tính trong kỳ."
    text = (f"- {NAMES[ind.code]} ({ind.code}): {ind.numerator}/{ind.denominator}, "
            f"đạt {_pct_text(ind.percent)} (chỉ tiêu {_pct_text(ind.threshold)}) — {verdict(ind)}")
    if ind.met is False:
        text += f"; cần thêm {ind.gap} để đạt chỉ tiêu"
    return text + "."


def _targets_section(ds: Dataset, res: Results) -> Section:
    blocks: list[Block] = [
        Para(f"Phạm vi báo cáo: {ds.tree.name(res.scope)} và các đơn vị trực thuộc."),
        _table("indicators", "Tổng hợp kết quả thực hiện các chỉ tiêu", IND_COLS,
               [_ind_row(i) for i in res.indicators]),
        Chart("indicators", "Tỉ lệ đạt so với chỉ tiêu", "indicators", _indicator_frame(list(res.indicators))),
        Para("[Đánh giá chung: …]", "placeholder"),
    ]
    for n, (title, codes) in enumerate(TARGET_GROUPS, start=1):
        blocks.append(Para(f"{n}. {title}", "heading"))
        blocks.extend(Para(_sentence(res[c])) for c in codes)
        bd = breakdown(ds, res, codes)
        for c in codes:
            ind = res[c]
            part = bd[bd["Mã"] == c]
            detailed = len(part) >= 2 and int(part["Tổng số"].max()) >= 3
            rows = [[r["Đơn vị"], r["Số đạt"], r["Tổng số"], r["Tỉ lệ (%)"], ind.threshold,
                     MET if r["Tỉ lệ (%)"] >= ind.threshold else MISSED] for _, r in part.iterrows()] if detailed else []
            if not detailed:
                continue  # a total alone repeats the sentence above: no one-row table
            rows.append([TOTAL, ind.numerator, ind.denominator, ind.percent, ind.threshold, verdict(ind)])
            blocks.append(_table(f"target-{c}", f"{c}. {NAMES[c]}", TARGET_COLS, rows, total=True))
        # no chart of a breakdown: its table above holds the same figures (and a page)
        blocks.append(Para(f"[Đánh giá, nhận xét về {title[0].lower() + title[1:]}: …]", "placeholder"))
    return Section("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", tuple(blocks), short="Chỉ tiêu")


def _review_cell(held: Any, due: Any, end: pd.Timestamp) -> str:
    if pd.notna(held) and held <= end:
        return day(held)
    if pd.notna(due) and due <= end:
        return f"Chưa (hạn {day(due)})"
    if pd.notna(due):
        return "Chưa đến hạn"  # no date after E in the report
    return "—"


def _status_when_counted(r: pd.Series, e: pd.Timestamp) -> str:
    """"Đúng hạn" only when a review was due by E and held; else nothing was due yet."""
    due = [d for d in (r["Hạn sơ kết"], r["Hạn tổng kết"]) if pd.notna(d) and d <= e]
    return ON_TIME if due else "Chưa đến hạn sơ kết, tổng kết"


def _movements_section(ds: Dataset, res: Results) -> Section:
    e = pd.Timestamp(res.end)
    start = pd.Timestamp(date(res.year, 1, 1))
    scope = ds.tree.subtree(res.scope)
    pt = ds.frames["PhongTrao"]
    pt = pt[pt["unit"].isin(scope)]
    launched = int(((pt["launched"] >= start) & (pt["launched"] <= e)).sum())
    mid = int(((pt["mid_held"] >= start) & (pt["mid_held"] <= e)).sum())
    final = int(((pt["final_held"] >= start) & (pt["final_held"] <= e)).sum())
    t2 = res["T2"]
    d = t2.detail
    rows = [
        [k + 1, r["Tên phong trào"], short_name(ds.tree.name(r["Đơn vị phát động"])), r["Ngày phát động"],
         _review_cell(r["Ngày sơ kết"], r["Hạn sơ kết"], e), _review_cell(r["Ngày tổng kết"], r["Hạn tổng kết"], e),
         r["Lý do"] or (_status_when_counted(r, e) if r["counted"] else "")]
        for k, (_, r) in enumerate(d.iterrows())
    ]
    counts = _table("movements-count", "Số phong trào trong kỳ", [("Nội dung", "text"), ("Số lượng", "int")], [
        ["Phong trào phát động trong kỳ", launched],
        ["Phong trào đã sơ kết trong kỳ", mid],
        ["Phong trào đã tổng kết trong kỳ", final],
        ["Phong trào đang triển khai trong năm (mẫu số T2)", t2.denominator],
        ["Phong trào sơ kết, tổng kết đúng hạn (tử số T2)", t2.numerator],
    ])
    blocks: list[Block] = [
        Para(f"Trong kỳ, toàn {('tỉnh' if res.scope == ds.tree.root else 'đơn vị')} phát động {launched} phong trào "
             f"thi đua; tổ chức sơ kết {mid} và tổng kết {final} phong trào. Có {t2.denominator} phong trào "
             f"đang triển khai trong năm {res.year}, trong đó {t2.numerator} phong trào thực hiện sơ kết, "
             f"tổng kết đúng hạn."),
        counts,
    ]
    if rows:
        blocks.append(_table("movements", "Các phong trào thi đua đang triển khai trong năm", [
            ("STT", "int"), ("Tên phong trào", "text"), ("Đơn vị phát động", "text"), ("Ngày phát động", "date"),
            ("Sơ kết", "text"), ("Tổng kết", "text"), ("Tình trạng", "text")], rows))
    blocks.append(Para("[Đánh giá việc tổ chức các phong trào thi đua: …]", "placeholder"))
    return Section("PHONG TRÀO THI ĐUA ĐÃ PHÁT ĐỘNG, SƠ KẾT, TỔNG KẾT", tuple(blocks), short="Phong trào")


def awards_in_report(ds: Dataset, res: Results) -> pd.DataFrame:
    """Commendations of Y in scope decided by the as-of date (the T3 rule, all subjects)."""
    kt = ds.frames["KhenThuong"]
    return kt[
        kt["unit"].isin(ds.tree.subtree(res.scope))
        & (kt["year"] == res.year).fillna(False).astype(bool)
        & (kt["decided"] <= pd.Timestamp(res.as_of))
    ].reset_index(drop=True)


def _cross(kt: pd.DataFrame, col: str, order: Sequence[str]) -> list[list[Any]]:
    vals = kt[col].fillna(NOT_RECORDED)
    present = list(dict.fromkeys([*order, *sorted(set(vals) - set(order)), NOT_RECORDED]))
    rows: list[list[Any]] = []
    for v in present:
        sel = vals == v
        tt = int((sel & (kt["subject"] == S.SUBJECT_COLLECTIVE)).sum())
        cn = int((sel & (kt["subject"] == S.SUBJECT_PERSON)).sum())
        if tt + cn:
            rows.append([v, tt, cn, tt + cn])
    rows.append(["Tổng cộng", int((kt["subject"] == S.SUBJECT_COLLECTIVE).sum()),
                 int((kt["subject"] == S.SUBJECT_PERSON).sum()), len(kt)])
    return rows


def _shares(vals: pd.Series, order: Sequence[str]) -> list[list[Any]]:
    vals = vals.fillna(NOT_RECORDED)
    n = len(vals)
    present = list(dict.fromkeys([*order, *sorted(set(vals) - set(order)), NOT_RECORDED]))
    rows = [[v, int((vals == v).sum()), 100.0 * int((vals == v).sum()) / n if n else None] for v in present
            if (vals == v).any()]
    rows.append(["Tổng cộng", n, 100.0 if n else None])
    return rows


def _awards_section(ds: Dataset, res: Results) -> Section:
    kt = awards_in_report(ds, res)
    persons = kt[kt["subject"] == S.SUBJECT_PERSON]
    n_tt = int((kt["subject"] == S.SUBJECT_COLLECTIVE).sum())
    sudden = int((kt["type"] == "Đột xuất").sum())
    t3 = res["T3"]
    cross_cols: list[tuple[str, Fmt]] = [("Tập thể", "int"), ("Cá nhân", "int"), ("Tổng", "int")]
    share_cols: list[tuple[str, Fmt]] = [("Số lượng", "int"), ("Tỉ lệ (%)", "pct")]
    by_level = _cross(kt, "level", S.AWARD_LEVELS)
    blocks: list[Block] = [
        Para(f"Khen thưởng năm {res.year} có quyết định đến ngày {day(res.as_of)}: {len(kt)} lượt, gồm "
             f"{n_tt} tập thể và {len(persons)} cá nhân; khen thưởng đột xuất {sudden} lượt "
             f"({_pct_text(100.0 * sudden / len(kt) if len(kt) else None)}). Cá nhân là công nhân, lao động "
             f"trực tiếp và công chức, viên chức không giữ chức vụ lãnh đạo, quản lý: {t3.numerator}/"
             f"{t3.denominator} ({_pct_text(t3.percent)})."),
        _table("awards-level", "Khen thưởng theo cấp khen", [("Cấp khen", "text"), *cross_cols], by_level, total=True),
        *([Chart("awards-level", "Khen thưởng theo cấp khen", "stacked",
                 pd.DataFrame([{"Nhóm": r[0], "Đối tượng": s, "Số lượng": r[i]}
                               for r in by_level[:-1] for s, i in (("Tập thể", 1), ("Cá nhân", 2))]))]
          if len(kt) else []),
        _table("awards-form", "Khen thưởng theo hình thức", [("Hình thức", "text"), *cross_cols],
               _cross(kt, "form", S.AWARD_FORMS), total=True),
        _table("awards-type", "Khen thưởng theo loại", [("Loại khen thưởng", "text"), *share_cols],
               _shares(kt["type"], S.AWARD_TYPES), total=True),
        _table("awards-group", "Khen thưởng cá nhân theo nhóm đối tượng", [("Nhóm đối tượng", "text"), *share_cols],
               _shares(persons["group"], S.GROUPS), total=True),
        _table("awards-gender", "Khen thưởng cá nhân theo giới tính", [("Giới tính", "text"), *share_cols],
               _shares(persons["gender"], S.GENDERS), total=True),
        Para("[Đánh giá công tác khen thưởng: …]", "placeholder"),
    ]
    return Section("CÔNG TÁC KHEN THƯỞNG", tuple(blocks), short="Khen thưởng")


def courses_in_report(ds: Dataset, res: Results) -> pd.DataFrame:
    """Courses organised in scope that ended between 01/01/Y and E, with attendance."""
    kh = ds.frames["KhoaHoc"]
    start, e = pd.Timestamp(date(res.year, 1, 1)), pd.Timestamp(res.end)
    kh = kh[kh["unit"].isin(ds.tree.subtree(res.scope)) & (kh["end"] >= start) & (kh["end"] <= e)]
    dd = ds.frames["DiemDanh"]
    present = dd[dd["present"]].groupby("course").size() if len(dd) else pd.Series(dtype=int)
    out = kh.assign(attended=kh["course"].map(present).fillna(0).astype(int))
    return out.sort_values(["start", "course"], kind="mergesort").reset_index(drop=True)


def _span(a: Any, b: Any) -> str:
    return day(a) if pd.isna(b) or a == b else f"{day(a)} – {day(b)}"


def _training_section(ds: Dataset, res: Results) -> Section:
    kh = courses_in_report(ds, res)
    t4 = res["T4"]
    blocks: list[Block] = [
        Para(f"Trong kỳ tổ chức {len(kh)} lớp tập huấn, bồi dưỡng nghiệp vụ với {int(kh['attended'].sum())} lượt "
             f"cán bộ tham dự. Có {t4.numerator}/{t4.denominator} cán bộ làm công tác thi đua, khen thưởng đang "
             f"công tác được tập huấn trong năm ({_pct_text(t4.percent)})."),
    ]
    if len(kh):
        blocks.append(_table("courses", "Các lớp tập huấn trong kỳ", [
            ("STT", "int"), ("Tên lớp", "text"), ("Đơn vị tổ chức", "text"), ("Thời gian", "text"),
            ("Hình thức", "text"), ("Số cán bộ tham dự", "int")],
            [[k + 1, r["name"], short_name(ds.tree.name(r["unit"])), _span(r["start"], r["end"]), r["form"],
              r["attended"]] for k, (_, r) in enumerate(kh.iterrows())]))
    blocks.append(Para("[Đánh giá công tác tập huấn, bồi dưỡng: …]", "placeholder"))
    return Section("CÔNG TÁC TẬP HUẤN, BỒI DƯỠNG CÁN BỘ LÀM CÔNG TÁC THI ĐUA, KHEN THƯỞNG", tuple(blocks),
                   short="Tập huấn")


def exemplars_in_report(ds: Dataset, res: Results) -> pd.DataFrame:
    """Exemplars of Y in scope, except those publicised after the as-of date (a 6-month report
    shows nothing dated after 30/06); one without a publicity date has no date to leave it out."""
    f = EX.select(ds, year=res.year, scope=res.scope)
    keep = f["publicised"].isna() | (f["publicised"] <= pd.Timestamp(res.as_of))
    return f[keep.to_numpy()].reset_index(drop=True)


def _exemplars_section(ds: Dataset, res: Results) -> Section:
    f = exemplars_in_report(ds, res)
    s = EX.summarise(f)
    kinds = ", ".join(f"{r['Số lượng']} {r['Loại'].lower()}" for _, r in s.by_kind.iterrows())
    blocks: list[Block] = [
        Para(f"Năm {res.year} có {s.total} điển hình tiên tiến được ghi nhận ({kinds}); "
             f"{s.publicised.numerator} điển hình được tuyên truyền, {s.replicated.numerator} điển hình đã được "
             f"nhân rộng. Trong số {s.direct_workers.denominator} điển hình cá nhân, "
             f"{s.direct_workers.numerator} là công nhân, lao động trực tiếp "
             f"({_pct_text(s.direct_workers.percent)})."),
    ]
    kinds_present = [r for r in s.by_kind.itertuples(index=False) if r[1]]
    if len(kinds_present) >= 2:
        blocks.append(_table("exemplars-kind", "Điển hình theo loại", [("Loại", "text"), ("Số lượng", "int")],
                             [*kinds_present, ["Tổng cộng", s.total]], total=True))
    if s.total:
        blocks.append(_table("exemplars-channels", "Tuyên truyền điển hình theo kênh", [
            ("Kênh tuyên truyền", "text"), ("Số điển hình", "int"), ("Tỉ lệ (%)", "pct")],
            list(s.channels.itertuples(index=False))))
        if int((s.channels["Số điển hình"] > 0).sum()) >= 2:
            blocks.append(Chart("exemplars-channels", "Số điển hình được tuyên truyền theo kênh", "channels",
                                s.channels))
        blocks.append(_table("exemplars", "Danh sách điển hình tiên tiến", [
            ("STT", "int"), ("Tên", "text"), ("Loại", "text"), ("Đơn vị", "text"), ("Kênh tuyên truyền", "text"),
            ("Đã nhân rộng", "text")],
            [[k + 1, r["name"], r["kind"], short_name(ds.tree.name(r["unit"])), r["channels"], bool(r["replicated"])]
             for k, (_, r) in enumerate(f.iterrows())]))
    blocks.append(Para("[Đánh giá công tác phát hiện, bồi dưỡng, nhân rộng điển hình: …]", "placeholder"))
    return Section("PHÁT HIỆN, BỒI DƯỠNG, TUYÊN TRUYỀN VÀ NHÂN RỘNG ĐIỂN HÌNH TIÊN TIẾN", tuple(blocks),
                   short="Điển hình")


_BEHIND_NOUN = {"T1A": "đơn vị", "T1B": "đơn vị", "T2": "phong trào", "T3": "cá nhân", "T4": "cán bộ",
                "O1": "đơn vị", "O2": "báo cáo", "O3": "báo cáo"}


def behind_table(ds: Dataset, ind: Indicator, key: str, title: str, as_of: date | None = None) -> Table:
    """What keeps one figure down, as a table people read (names, not codes)."""
    b = ind.behind.reset_index(drop=True)
    records = b.to_dict("records")  # plain rows: iterrows() built a Series for each
    name = ds.tree.name
    code = ind.code
    if code in ("T1A", "T1B"):
        cols: list[tuple[str, Fmt]] = [("STT", "int"), ("Mã đơn vị", "text"), ("Tên đơn vị", "text"),
                                       ("Đơn vị cấp trên", "text"), ("Có kế hoạch", "text"), ("Đã phát động", "text")]
        rows = [[k + 1, r["Mã đơn vị"], r["Tên đơn vị"], short_name(name(r["Cấp trên"])), bool(r["Có kế hoạch"]),
                 bool(r["Đã phát động"])] for k, r in enumerate(records)]
    elif code == "T2":
        cols = [("STT", "int"), ("Mã phong trào", "text"), ("Tên phong trào", "text"), ("Đơn vị phát động", "text"),
                ("Lý do", "text")]
        rows = [[k + 1, r["Mã phong trào"], r["Tên phong trào"], short_name(name(r["Đơn vị phát động"])), r["Lý do"]]
                for k, r in enumerate(records)]
    elif code == "T3":
        cols = [("STT", "int"), ("Họ tên", "text"), ("Đơn vị", "text"), ("Hình thức", "text"),
                ("Nhóm đối tượng", "text")]
        rows = [[k + 1, r["Họ tên"], short_name(name(r["Mã đơn vị"])), r["Hình thức"],
                 r["Nhóm đối tượng"] if isinstance(r["Nhóm đối tượng"], str) else NOT_RECORDED]
                for k, r in enumerate(records)]
    elif code == "T4":
        # no phone or e-mail: personal contacts never go into a report sent upward
        cols = [("STT", "int"), ("Mã cán bộ", "text"), ("Họ tên", "text"), ("Đơn vị", "text"), ("Chức vụ", "text")]
        rows = [[k + 1, r["Mã cán bộ"], r["Họ tên"], short_name(name(r["Mã đơn vị"])), r["Chức vụ"]]
                for k, r in enumerate(records)]
    elif code == "O1":
        cols = [("STT", "int"), ("Mã đơn vị", "text"), ("Tên đơn vị", "text"), ("Đơn vị cấp trên", "text")]
        rows = [[k + 1, r["Mã đơn vị"], r["Tên đơn vị"], short_name(name(r["Cấp trên"]))]
                for k, r in enumerate(records)]
    else:
        cols = [("STT", "int"), ("Mã đơn vị", "text"), ("Tên đơn vị", "text"), ("Kỳ", "text"), ("Hạn nộp", "date"),
                ("Ngày gửi", "date"), ("Tình trạng", "text")]
        a = pd.Timestamp(as_of) if as_of is not None else None
        rows = []
        for k, r in enumerate(records):
            sent, status = r["Ngày gửi"], r["Tình trạng"]
            if a is not None and pd.notna(sent) and sent > a:  # sent after the as-of: not shown
                sent, status = None, NOT_SENT
            rows.append([k + 1, r["Mã đơn vị"], r["Tên đơn vị"], r["Kỳ"], r["Hạn nộp"], sent, status])
    return _table(key, title, cols, rows)


def _by_unit_map(ds: Dataset, scope: str) -> tuple[dict[str, str], list[str]]:
    """unit -> the unit one level below the scope it belongs to (the province's buckets: each
    upper-level union, its direct grassroots unions together, its own office)."""
    tree = ds.tree
    children = list(tree.children.get(scope, []))
    if any(tree.level(c) == S.LEVEL_UPPER for c in children):
        return _bucket_map(ds, scope)
    own = f"Cơ quan {short_name(tree.name(scope))}"
    out: dict[str, str] = {scope: own}
    order = [own]
    for c in children:
        label = short_name(tree.name(c))
        order.append(label)
        for u in tree.subtree(c):
            out[u] = label
    return out, order


def _missing_by_unit(ds: Dataset, res: Results, missed: Sequence[Indicator]) -> Table:
    """One table, counts not people: for each unit below the scope, how many of each missed
    figure's items are behind. Units with nothing behind are left out."""
    bmap, order = _by_unit_map(ds, res.scope)
    counts: dict[str, dict[str, int]] = {}
    for ind in missed:
        d = ind.detail
        behind = d.loc[~d["counted"].astype(bool), _UNIT_COL[ind.code]].map(lambda u: bmap.get(u, "Khác"))
        for label, n in behind.value_counts().items():
            counts.setdefault(str(label), {})[ind.code] = int(n)
    labels = [u for u in [*order, "Khác"] if u in counts]
    rows = [[k + 1, u, *[counts[u].get(i.code, 0) for i in missed]] for k, u in enumerate(labels)]
    rows.append([None, TOTAL, *[len(i.detail) - i.numerator for i in missed]])
    cols: list[tuple[str, Fmt]] = [("STT", "int"), ("Đơn vị", "text"),
                                   *[(f"{i.code} ({_BEHIND_NOUN[i.code]})", "int") for i in missed]]
    return _table("behind-by-unit", "Số chưa đạt theo đơn vị", cols, rows, total=True)


def _behind(ds: Dataset, res: Results) -> tuple[Section, tuple[Section, ...], tuple[Table, ...]]:
    """The section on shortcomings; one appendix counting what is behind by unit; and the full
    lists (people, units, reports) for the separate annex workbook."""
    missed = [i for i in res.indicators if i.met is False]
    blocks: list[Block] = []
    annex: list[Table] = []
    if not missed:
        blocks.append(Para("Các chỉ tiêu có số liệu trong kỳ đều đạt hoặc vượt chỉ tiêu đề ra."))
    for ind in missed:
        noun = _BEHIND_NOUN[ind.code]
        blocks.append(Para(
            f"- {NAMES[ind.code]} ({ind.code}) đạt {_pct_text(ind.percent)}, thấp hơn chỉ tiêu "
            f"{_pct_text(ind.threshold)}; còn {len(ind.behind)} {noun} chưa đạt, cần thêm {ind.gap} {noun} để "
            f"đạt chỉ tiêu."))
        annex.append(behind_table(ds, ind, f"behind-{ind.code}",
                                  f"{ind.code}. Danh sách {noun} chưa đạt — {NAMES[ind.code]}", res.as_of))
    appendix: tuple[Section, ...] = ()
    if missed:
        blocks.append(Para("Số chưa đạt của từng đơn vị tại Phụ lục; danh sách chi tiết tại tệp phụ lục kèm theo "
                           "(bảng tính .xlsx).", "note"))
        title = "Phụ lục. Số chưa đạt của các chỉ tiêu theo đơn vị"
        appendix = (Section(title, (_missing_by_unit(ds, res, missed),), level=2, short="Phụ lục"),)
    blocks.append(Para("[Nguyên nhân của tồn tại, hạn chế: …]", "placeholder"))
    return Section("TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", tuple(blocks), short="Tồn tại"), appendix, tuple(annex)


# --- the report --------------------------------------------------------------------------------


def _number_tables(sections: list[Section]) -> list[Section]:
    """"Bảng 1. …", "Bảng 2. …" through the body of the report."""
    n = 0
    out: list[Section] = []
    for sec in sections:
        blocks: list[Block] = []
        for b in sec.blocks:
            if isinstance(b, Table):
                n += 1
                b = replace(b, title=f"Bảng {n}. {b.title}")
            blocks.append(b)
        out.append(replace(sec, blocks=tuple(blocks)))
    return out


def build_report(
    ds: Dataset, unit: str | None, year: int, period: str, as_of: date | None = None, *, today: date | None = None
) -> Report:
    """Everything a report shows. ``unit`` None means the province."""
    tree = ds.tree
    if tree.root is None:
        raise ReportError("Chưa có đơn vị cấp Tỉnh trong DonVi; không lập được báo cáo.")
    code = (unit or tree.root).strip().upper()
    if code not in tree:
        raise ReportError(f"Không có đơn vị «{unit}» trong DonVi.")
    level = tree.level(code)
    if level == S.LEVEL_GRASSROOTS:
        raise ReportError(
            f"«{tree.name(code)}» là công đoàn cơ sở; báo cáo được lập cho tỉnh hoặc công đoàn cấp trên cơ sở."
        )
    t = today or clock.today()
    check_year(year, t)
    a = report_as_of(year, period, today=t, as_of=as_of)
    res = compute(ds, year, a, code)
    name = tree.name(code)
    parent = tree.parent.get(code)
    units = tree.units
    kind = units.at[code, "kind"] if code in units.index else None
    place = place_of(name) or (place_of(tree.name(tree.root)) if tree.root else None)
    label = period_label(year, period)
    signer = Signer.for_unit(level, kind)
    head = dict(unit=code, unit_name=name,
                org_parent=abbreviate((tree.name(parent) if parent else CONFEDERATION).upper()),
                org_name=name.upper(), doc_symbol=doc_symbol(name, kind, level), place=place, issued=t, year=year,
                period=period, period_label=label, as_of=a, end=res.end, title="BÁO CÁO",
                subtitle=f"Kết quả thực hiện Kế hoạch số 48/KH-LĐLĐ về {TOPIC} {label}",
                signer=(signer.authority, signer.title), signer_name=signer.name, problems=ds.problem_counts(),
                results=res)
    if not has_data(ds, res):
        return _empty_report(head, ds, res, parent)
    next_label = f"6 tháng cuối năm {year}" if period == S.PERIOD_HALF else f"năm {year + 1}"

    sections = [
        _targets_section(ds, res),
        _movements_section(ds, res),
        _awards_section(ds, res),
        _training_section(ds, res),
        _exemplars_section(ds, res),
    ]
    behind, appendix, annex = _behind(ds, res)
    sections.append(behind)
    appendix = tuple(_noted(s, res) for s in appendix)
    sections.append(Section(f"PHƯƠNG HƯỚNG, NHIỆM VỤ {next_label.upper()}", (
        Para(f"[Nhiệm vụ trọng tâm {next_label}: …]", "placeholder"),
        Para("[Giải pháp khắc phục các chỉ tiêu chưa đạt: …]", "placeholder"),
    )))
    sections.append(Section("ĐỀ XUẤT, KIẾN NGHỊ", (Para("[Đề xuất, kiến nghị với cấp trên: …]", "placeholder"),)))
    sections, listed = _long_lists_to_annex([_no_single_rows(s) for s in sections])
    annex = (*listed, *annex)
    sections = [Section(f"{ROMAN[i]}. {s.heading}", s.blocks, s.level, f"{ROMAN[i]}. {s.short}" if s.short else "")
                for i, s in enumerate(sections)]
    sections = [_noted(s, res) for s in _number_tables(sections)]

    return Report(
        **head,  # type: ignore[arg-type]
        intro=(f"Thực hiện {PLAN} về việc thực hiện {RESOLUTION} về {TOPIC}; {name} báo cáo kết quả "
               f"thực hiện {label} ({dates_text(res.end, res.as_of)}) như sau:"),
        sections=tuple(sections),
        appendix=appendix,
        recipients=_recipients(tree, parent),
        annex=annex,
    )


def _data_rows(b: Table | Chart) -> int:
    if isinstance(b, Table):
        return len(b.rows) - (1 if b.total else 0)
    if b.kind == "stacked":
        return len(set(b.data.loc[b.data["Số lượng"] > 0, "Nhóm"]))
    return len(b.data)


def _no_single_rows(sec: Section) -> Section:
    """A table of one row (beside its total) or a chart of one bar repeats the sentence above it."""
    return replace(sec, blocks=tuple(b for b in sec.blocks if isinstance(b, Para) or _data_rows(b) >= 2))


LISTS = {"movements": "phong trào", "courses": "lớp tập huấn", "exemplars": "điển hình"}
LIST_ROWS = 10  # a longer list goes to the annex workbook; the report keeps its counts


def _long_lists_to_annex(sections: list[Section]) -> tuple[list[Section], list[Table]]:
    out: list[Section] = []
    moved: list[Table] = []
    for sec in sections:
        blocks: list[Block] = []
        for b in sec.blocks:
            if isinstance(b, Table) and b.key in LISTS and len(b.rows) > LIST_ROWS:
                moved.append(b)
                blocks.append(Para(f"{b.title}: {len(b.rows)} {LISTS[b.key]}, danh sách tại tệp phụ lục kèm theo "
                                   "(bảng tính .xlsx).", "note"))
            else:
                blocks.append(b)
        out.append(replace(sec, blocks=tuple(blocks)))
    return out, moved


def _recipients(tree: Any, parent: str | None) -> tuple[str, ...]:
    if parent is None:
        return (f"{CONFEDERATION} (để b/c);", "Ban Thi đua - Khen thưởng Tổng Liên đoàn (để b/c);",
                "Thường trực Tỉnh ủy (để b/c);", "Các công đoàn cấp trên cơ sở;", "Lưu: VT, TĐKT.")
    return (f"{tree.name(parent)} (để b/c);", "Thường trực cấp ủy cùng cấp (để b/c);",
            "Các công đoàn cơ sở trực thuộc;", "Lưu: VT.")


def _noted(sec: Section, res: Results) -> Section:
    """Under every table, both dates when they differ (E for the year's figures, A for awards)."""
    if res.end == res.as_of:
        return sec
    note = f"Ghi chú: {dates_text(res.end, res.as_of)}."
    return replace(sec, blocks=tuple(replace(b, note=f"{b.note} {note}".strip()) if isinstance(b, Table) else b
                                     for b in sec.blocks))


def year_records(ds: Dataset, res: Results) -> dict[str, int]:
    """Rows of each data tab that concern year Y in scope, up to the report's dates."""
    scope = set(ds.tree.subtree(res.scope))
    f = ds.frames
    start, e, a = pd.Timestamp(date(res.year, 1, 1)), pd.Timestamp(res.end), pd.Timestamp(res.as_of)

    def of_year(tab: str) -> pd.DataFrame:
        t = f[tab]
        return t[t["unit"].isin(scope) & (t["year"] == res.year).fillna(False).astype(bool)]

    kh = of_year("KeHoach")
    kt = of_year("KhenThuong")
    bc = of_year("BaoCao")
    return {
        "KeHoach": len(kh),
        "PhongTrao": res["T2"].denominator,
        "KhenThuong": int((kt["decided"] <= a).sum()),
        "KhoaHoc": int((f["KhoaHoc"]["unit"].isin(scope) & (f["KhoaHoc"]["end"] >= start)
                        & (f["KhoaHoc"]["end"] <= e)).sum()),
        "BaoCao": int((bc["sent"] <= e).sum()),
        "DienHinh": len(exemplars_in_report(ds, res)),
    }


def has_data(ds: Dataset, res: Results) -> bool:
    """A report has something to say when a data tab holds a row of the year for the scope."""
    return any(year_records(ds, res).values())


def _empty_report(head: dict[str, Any], ds: Dataset, res: Results, parent: str | None) -> Report:
    """A unit or year without data: a short report that says so first, no tables, no appendix."""
    name = head["unit_name"]
    units = ds.frames["DonVi"]
    under = units[units["unit"].isin(ds.tree.subtree(res.scope)) & (units["unit"] != res.scope)]
    act = under[active_units(under, pd.Timestamp(res.end)).to_numpy()]
    intro = (f"Chưa có số liệu về công tác thi đua, khen thưởng {head['period_label']} của {name} "
             f"({dates_text(res.end, res.as_of)}): các bảng kế hoạch, phong trào, khen thưởng, tập huấn, "
             f"điển hình và báo cáo định kỳ chưa có dòng nào của năm {res.year} thuộc phạm vi đơn vị. "
             "Vì vậy báo cáo này không đánh giá các chỉ tiêu của Kế hoạch số 48/KH-LĐLĐ.")
    body = Section("I. TÌNH HÌNH SỐ LIỆU", (
        Para(f"Phạm vi báo cáo có {len(act)} đơn vị trực thuộc đang hoạt động. Đề nghị các đơn vị nhập số liệu "
             f"năm {res.year} vào bảng tính của đơn vị, sau đó lập lại báo cáo."),
        Para("[Tình hình, lý do chưa có số liệu: …]", "placeholder"),
    ))
    return Report(**head, intro=intro, sections=(body,), appendix=(),  # type: ignore[arg-type]
                  recipients=_recipients(ds.tree, parent), has_data=False)


# --- submission tracking -------------------------------------------------------------------------


def submissions(ds: Dataset, year: int, period: str, as_of: date, scope: str | None = None) -> pd.DataFrame:
    """Every active upper-level and grassroots unit in scope with its report of (year, period).

    When the deadline is on or before E the rows and statuses are those of the O2/O3
    drill-downs; before the deadline a unit has either sent (``Đã gửi``) or not yet
    (``Chưa đến hạn``).
    """
    res = compute(ds, year, as_of, scope)
    deadline = ds.deadlines(year)[period]
    bc = ds.frames["BaoCao"]
    bc = bc[(bc["year"] == year) & (bc["period"] == period)].set_index("unit")
    cols = ["Mã đơn vị", "Tên đơn vị", "Cấp", "Đơn vị cấp trên", "Kỳ", "Hạn nộp", "Ngày gửi", "Số, ký hiệu văn bản",
            "Tình trạng", "Mã chỉ tiêu"]
    parts: list[pd.DataFrame] = []
    if pd.Timestamp(deadline) <= pd.Timestamp(res.end):
        for code, level in (("O2", S.LEVEL_UPPER), ("O3", S.LEVEL_GRASSROOTS)):
            d = res[code].detail
            d = d[d["Kỳ"] == period]
            parts.append(pd.DataFrame({
                "Mã đơn vị": d["Mã đơn vị"], "Tên đơn vị": d["Tên đơn vị"], "Cấp": level, "Cấp trên": d["Cấp trên"],
                "Kỳ": period, "Hạn nộp": d["Hạn nộp"], "Ngày gửi": d["Ngày gửi"], "Tình trạng": d["Tình trạng"],
                "Mã chỉ tiêu": code}))
    else:
        units = ds.frames["DonVi"]
        units = units[units["unit"].isin(ds.tree.subtree(res.scope))]
        act = units[active_units(units, pd.Timestamp(res.end)).to_numpy()]
        for code, level in (("O2", S.LEVEL_UPPER), ("O3", S.LEVEL_GRASSROOTS)):
            u = act[act["level"] == level]
            sent = u["unit"].map(bc["sent"]) if len(bc) else pd.Series(pd.NaT, index=u.index)
            parts.append(pd.DataFrame({
                "Mã đơn vị": u["unit"], "Tên đơn vị": u["name"], "Cấp": level, "Cấp trên": u["parent"], "Kỳ": period,
                "Hạn nộp": pd.Timestamp(deadline), "Ngày gửi": pd.to_datetime(sent),
                "Tình trạng": np.where(sent.notna(), SENT_EARLY, NOT_DUE), "Mã chỉ tiêu": code}))
    if not parts or not any(len(p) for p in parts):
        return pd.DataFrame(columns=cols)
    out = pd.concat([p for p in parts if len(p)], ignore_index=True)
    out["Đơn vị cấp trên"] = [ds.tree.name(p) if isinstance(p, str) else "" for p in out["Cấp trên"]]
    out["Số, ký hiệu văn bản"] = out["Mã đơn vị"].map(bc["doc_no"]) if len(bc) else None
    out["Ngày gửi"] = pd.to_datetime(out["Ngày gửi"]).astype("datetime64[ns]")
    out["Hạn nộp"] = pd.to_datetime(out["Hạn nộp"]).astype("datetime64[ns]")
    return out[cols]


def period_summary(ds: Dataset, year: int, as_of: date, scope: str | None = None) -> pd.DataFrame:
    """For each period of the year, how many reports are on time, late, missing (or sent, not yet due)."""
    rows = []
    for period in S.PERIODS:
        f = submissions(ds, year, period, as_of, scope)
        counts = f["Tình trạng"].value_counts()
        rows.append({"Kỳ": period, "Hạn nộp": pd.Timestamp(ds.deadlines(year)[period]),
                     **{k: int(counts.get(k, 0)) for k in (ON_TIME, LATE, NOT_SENT, SENT_EARLY, NOT_DUE)}})
    return pd.DataFrame(rows)


def reminders(frame: pd.DataFrame, year: int, period: str) -> str:
    """A list to copy into a message: the units that have not sent the report."""
    waiting = frame[frame["Tình trạng"].isin([NOT_SENT, NOT_DUE])]
    if not len(waiting):
        return ""
    deadline = waiting["Hạn nộp"].iloc[0]
    overdue = bool((waiting["Tình trạng"] == NOT_SENT).any())
    head = (f"Đề nghị các đơn vị sau gửi báo cáo {period_label(year, period)} về kết quả thực hiện công tác thi đua, "
            f"khen thưởng ({'đã quá' if overdue else 'hạn'} {day(deadline)}):")
    lines = [head]
    for k, (_, r) in enumerate(waiting.iterrows(), start=1):
        parent = f" — {short_name(r['Đơn vị cấp trên'])}" if r["Đơn vị cấp trên"] else ""
        lines.append(f"{k}. {r['Tên đơn vị']} ({r['Mã đơn vị']}){parent}")
    return "\n".join(lines)
