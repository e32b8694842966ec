"""What the dashboard pages show besides the eight figures: comparisons, trends, follow-ups,
the unit table, movement timelines, award breakdowns and the problems list.

Pure pandas on a ``Dataset`` and ``Results`` (no Streamlit, no I/O). Everything is derived
from the indicator drill-downs of ``indicators.core`` where it can be, so a table or a chart
never disagrees with the figure on a card.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

import numpy as np
import pandas as pd

from indicators.core import UNIT_COLUMN, Indicator, Results
from indicators.pipeline import dossier_actions
from sheets import schema as S
from sheets.load import Dataset

FIRST_YEAR = 2020  # Kế hoạch 48/KH-LĐLĐ, 09/04/2020
BLANK = "(Chưa ghi)"
DIRECT = "Trực thuộc LĐLĐ tỉnh"

# --- dates ------------------------------------------------------------------------------


def year_earlier(d: date) -> date:
    """The same day and month a year earlier; 29/02 becomes 28/02."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def years_until(year: int, first: int = FIRST_YEAR) -> list[int]:
    return list(range(min(first, year), year + 1))


# --- names ------------------------------------------------------------------------------

_ABBREVIATIONS = (
    ("Liên đoàn Lao động", "LĐLĐ"),
    ("Công đoàn ngành", "CĐ ngành"),
    ("Công đoàn cơ sở", "CĐCS"),
    ("Công đoàn", "CĐ"),
    ("thành phố", "TP"),
)


def short_name(name: object) -> str:
    """A unit name short enough for a chart axis on a phone."""
    text = "" if name is None or (isinstance(name, float) and np.isnan(name)) else str(name)
    for long, short in _ABBREVIATIONS:
        text = text.replace(long, short)
    return text


def unit_names(ds: Dataset) -> pd.Series:
    units = ds.frames["DonVi"]
    return pd.Series(units["name"].to_numpy(), index=units["unit"].to_numpy(), dtype=object)


def scope_options(ds: Dataset) -> list[str]:
    """The province first, then every upper-level unit in DonVi order."""
    root = ds.tree.root
    return ([root] if root else []) + ds.tree.upper_units()


# --- comparisons and trends ----------------------------------------------------------------


def upper_buckets(ds: Dataset) -> pd.Series:
    """Unit code -> the upper-level unit it belongs to (itself for an upper unit); units
    directly under the province, and the province itself, -> the province code."""
    tree = ds.tree
    codes = list(tree.parent)
    out = pd.Series(tree.root or "", index=pd.Index(codes, dtype=object), dtype=object)
    for upper in tree.upper_units():  # a handful of units, not records
        members = list(tree.subtree(upper))
        out.loc[members] = upper
    return out


def compare_units(ds: Dataset, res: Results) -> pd.DataFrame:
    """Every indicator per upper-level unit (plus the province's direct units), from the
    drill-downs of province-wide results; one row per (code, unit)."""
    buckets = upper_buckets(ds)
    names = unit_names(ds)
    root = ds.tree.root or ""
    order = scope_options(ds)[1:] + [root]
    frames = []
    for ind in res.indicators:
        d = ind.detail
        bucket = d[UNIT_COLUMN[ind.code]].map(buckets)
        g = d.assign(_b=bucket.to_numpy()).groupby("_b")["counted"].agg(["sum", "count"])
        g = g.reindex(order, fill_value=0)
        f = pd.DataFrame(
            {
                "code": ind.code,
                "unit": order,
                "numerator": g["sum"].to_numpy(dtype="int64"),
                "denominator": g["count"].to_numpy(dtype="int64"),
                "threshold": float(ind.threshold),
            }
        )
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    out["name"] = out["unit"].map(names).where(out["unit"] != root, DIRECT)
    out["short"] = out["name"].map(short_name).where(out["unit"] != root, DIRECT)
    return _with_percent(out)


def _with_percent(f: pd.DataFrame) -> pd.DataFrame:
    den = f["denominator"].astype(float)
    f["percent"] = (100.0 * f["numerator"] / den.where(den > 0)).astype(float)
    f["met"] = (f["percent"] >= f["threshold"]).where(f["percent"].notna())
    return f


def trend_frame(results: Iterable[Results]) -> pd.DataFrame:
    """One row per (year, code) from results of successive years."""
    return trend_rows_frame(
        [(r.year, i.code, i.numerator, i.denominator, float(i.threshold)) for r in results for i in r.indicators]
    )


def trend_rows_frame(rows: list[tuple[int, str, int, int, float]]) -> pd.DataFrame:
    """The trend frame from (year, code, numerator, denominator, threshold) rows."""
    f = pd.DataFrame(rows, columns=["year", "code", "numerator", "denominator", "threshold"])
    f["year"] = f["year"].astype("int64")
    return _with_percent(f)


def changes(cur: Results, prev: Results) -> dict[str, float | None]:
    """Percentage points gained since the same day a year earlier (None without both)."""
    out: dict[str, float | None] = {}
    for i in cur.indicators:
        p, q = i.percent, prev[i.code].percent
        out[i.code] = None if p is None or q is None else p - q
    return out


# --- what is behind ------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    key: str
    label: str  # what is behind, in Vietnamese
    count: int
    target: str  # the page to act on: don_vi, phong_trao, khen_thuong, dao_tao ("": the Đôn đốc list only)
    codes: tuple[str, ...]
    frame: pd.DataFrame = field(repr=False, compare=False)
    note: str = ""


def _with_level(ind: Indicator, level: str) -> pd.DataFrame:
    return ind.behind.assign(**{"Cấp": level})


def follow_ups(res: Results, ds: Dataset | None = None) -> list[FollowUp]:
    """What keeps each figure down, grouped the way an officer acts on it; with ``ds``, also the
    dossiers of the commendation workflow someone must act on (SPEC 7: returned and not sent
    again, or overdue at the receiving unit)."""
    items: list[FollowUp] = []
    plans = pd.concat([_with_level(res["T1A"], S.LEVEL_UPPER), _with_level(res["T1B"], S.LEVEL_GRASSROOTS)],
                      ignore_index=True)
    no_plan = int((~plans["Có kế hoạch"]).sum()) if len(plans) else 0
    items.append(FollowUp(
        "plans", "Đơn vị chưa có kế hoạch hoặc chưa phát động thi đua", len(plans), "don_vi", ("T1A", "T1B"),
        plans, f"{no_plan} đơn vị chưa có kế hoạch" if no_plan else "",
    ))
    t2 = res["T2"].behind
    overdue = t2[t2["Lý do"] != S.MOVEMENT_STOPPED]
    items.append(FollowUp(
        "movements", "Phong trào quá hạn sơ kết, tổng kết", len(overdue), "phong_trao", ("T2",), overdue,
        f"và {len(t2) - len(overdue)} phong trào đã dừng" if len(t2) > len(overdue) else "",
    ))
    t3 = res["T3"]
    blank = t3.behind[t3.behind["Nhóm đối tượng"].isna()]
    items.append(FollowUp(
        "awards", "Khen thưởng cá nhân chưa ghi nhóm đối tượng", len(blank), "khen_thuong", ("T3",), blank,
        f"T3 còn thiếu {t3.gap} khen thưởng cho người lao động trực tiếp" if t3.gap else "",
    ))
    items.append(FollowUp(
        "training", "Cán bộ TĐKT chưa được tập huấn trong năm", len(res["T4"].behind), "dao_tao", ("T4",),
        res["T4"].behind,
    ))
    items.append(FollowUp(
        "officers", "Công đoàn cơ sở chưa có cán bộ phụ trách TĐKT", len(res["O1"].behind), "don_vi", ("O1",),
        res["O1"].behind,
    ))
    reports = pd.concat([_with_level(res["O2"], S.LEVEL_UPPER), _with_level(res["O3"], S.LEVEL_GRASSROOTS)],
                        ignore_index=True)
    missing = int((reports["Tình trạng"] == "Chưa gửi").sum()) if len(reports) else 0
    items.append(FollowUp(
        "reports", "Báo cáo định kỳ gửi muộn hoặc chưa gửi", len(reports), "don_vi", ("O2", "O3"), reports,
        f"{missing} chưa gửi, {len(reports) - missing} gửi muộn" if len(reports) else "",
    ))
    if ds is not None:
        acts = dossier_actions(ds, res.year, res.as_of, res.scope)
        back = int((acts["Trạng thái"] == S.DOSSIER_RETURNED).sum())
        late = len(acts) - back
        items.append(FollowUp(
            "dossiers", DOSSIER_LABEL, len(acts), "", (), acts.drop(columns=["Mã đơn vị đề nghị"]),
            ", ".join(t for t in (f"{back} bị trả lại, chưa gửi lại" if back else "",
                                  f"{late} quá hạn xử lý ở đơn vị tiếp nhận" if late else "") if t),
        ))
    return items


DOSSIER_LABEL = "Hồ sơ khen thưởng bị trả lại chưa gửi lại hoặc quá hạn xử lý"


# --- units ---------------------------------------------------------------------------------

REPORT_NOT_DUE = "Chưa đến hạn"
REPORT_EARLY = "Đã gửi"
REPORT_OK = "Đúng hạn"


def unit_table(ds: Dataset, res: Results) -> pd.DataFrame:
    """The active grassroots unions in ``res.scope``: plan, officers, training, reports.

    Built from the drill-downs of T1B, T4 and O3 for the same year, as-of and scope.
    """
    base = res["T1B"].detail.drop(columns=["counted"])
    units = ds.frames["DonVi"].set_index("unit")
    names = unit_names(ds)
    codes = base["Mã đơn vị"]
    t4 = res["T4"].detail
    officers = t4.groupby("Mã đơn vị").agg(
        names=("Họ tên", lambda s: ", ".join(str(x) for x in s)),
        n=("Mã cán bộ", "size"),
        trained=("counted", "sum"),
    )
    out = pd.DataFrame(
        {
            "Mã đơn vị": codes,
            "Tên đơn vị": base["Tên đơn vị"],
            "Cấp trên": base["Cấp trên"].map(names).fillna(base["Cấp trên"]).map(short_name),
            "Loại hình": codes.map(units["kind"]),
            "Đoàn viên": pd.array(codes.map(units["members"]).tolist(), dtype="Int64"),
            "Có kế hoạch": base["Có kế hoạch"].astype(bool),
            "Đã phát động": base["Đã phát động"].astype(bool),
            "Cán bộ TĐKT": codes.map(officers["names"]).astype(object).fillna(""),
            "Số cán bộ": codes.map(officers["n"]).fillna(0).astype("int64"),
            "Đã tập huấn": codes.map(officers["trained"]).fillna(0).astype("int64"),
        }
    )
    out["Chưa tập huấn"] = out["Số cán bộ"] - out["Đã tập huấn"]
    o3 = res["O3"].detail
    deadlines = ds.deadlines(res.year)
    e = pd.Timestamp(res.end)
    bc = ds.frames["BaoCao"]
    bc = bc[bc["year"] == res.year]
    for period in S.PERIODS:
        col = f"Báo cáo {period.lower()}"
        due = pd.Timestamp(deadlines[period])
        if due <= e:
            sel = o3[o3["Kỳ"] == period].set_index("Mã đơn vị")["Tình trạng"]
            out[col] = codes.map(sel).fillna("Chưa gửi")
        else:
            sent = set(bc.loc[(bc["period"] == period) & (bc["sent"] <= e), "unit"])
            out[col] = np.where(codes.isin(sent), REPORT_EARLY, REPORT_NOT_DUE)
    report_gaps = sum(
        (~out[f"Báo cáo {p.lower()}"].isin([REPORT_OK, REPORT_EARLY, REPORT_NOT_DUE])).astype(int) for p in S.PERIODS
    )
    out["Việc còn thiếu"] = (
        (~out["Có kế hoạch"]).astype(int)
        + (~out["Đã phát động"]).astype(int)
        + (out["Số cán bộ"] == 0).astype(int)
        + (out["Chưa tập huấn"] > 0).astype(int)
        + report_gaps
    ).astype("int64")
    order = ["Mã đơn vị", "Tên đơn vị", "Việc còn thiếu", "Có kế hoạch", "Đã phát động", "Số cán bộ", "Đã tập huấn",
             "Chưa tập huấn", "Báo cáo 6 tháng", "Báo cáo năm", "Cán bộ TĐKT", "Đoàn viên", "Loại hình", "Cấp trên"]
    return sort_units(out[order], "Nhiều việc còn thiếu trước")


UNIT_SORTS: dict[str, tuple[list[str], list[bool]]] = {
    "Nhiều việc còn thiếu trước": (["Việc còn thiếu", "Mã đơn vị"], [False, True]),
    "Mã đơn vị": (["Mã đơn vị"], [True]),
    "Tên đơn vị": (["Tên đơn vị"], [True]),
    "Nhiều đoàn viên trước": (["Đoàn viên", "Mã đơn vị"], [False, True]),
    "Nhiều cán bộ chưa tập huấn trước": (["Chưa tập huấn", "Mã đơn vị"], [False, True]),
}


def sort_units(table: pd.DataFrame, how: str) -> pd.DataFrame:
    cols, asc = UNIT_SORTS.get(how, UNIT_SORTS["Nhiều việc còn thiếu trước"])
    return table.sort_values(cols, ascending=asc, kind="mergesort", na_position="last").reset_index(drop=True)


def filter_units(table: pd.DataFrame, *, text: str = "", kinds: Sequence[str] = (), only_gaps: bool = False,
                 ) -> pd.DataFrame:
    mask = pd.Series(True, index=table.index)
    if text.strip():
        hay = fold_series(table["Mã đơn vị"].astype(str) + " " + table["Tên đơn vị"].astype(str) + " "
                          + table["Cán bộ TĐKT"].astype(str))
        mask &= hay.str.contains(fold_text(text), regex=False)
    if kinds:
        mask &= table["Loại hình"].fillna(BLANK).isin(list(kinds))
    if only_gaps:
        mask &= table["Việc còn thiếu"] > 0
    return table[mask.to_numpy()].reset_index(drop=True)


# --- movements -----------------------------------------------------------------------------

REVIEW_NONE = "Không yêu cầu"
REVIEW_ON_TIME = "Đúng hạn"
REVIEW_LATE = "Muộn"
REVIEW_OVERDUE = "Quá hạn"
REVIEW_PENDING = "Chưa đến hạn"
REVIEW_STATES = (REVIEW_OVERDUE, REVIEW_LATE, REVIEW_ON_TIME, REVIEW_PENDING, REVIEW_NONE)


def review_state(due: pd.Series, held: pd.Series, end: pd.Timestamp) -> pd.Series:
    """The state of one review at E: overdue when due by E and not held by E."""
    held_by_e = held.notna() & (held <= end)
    state = np.select(
        [due.isna(), held_by_e & (held <= due), held_by_e, due <= end],
        [REVIEW_NONE, REVIEW_ON_TIME, REVIEW_LATE, REVIEW_OVERDUE],
        default=REVIEW_PENDING,
    )
    return pd.Series(state, index=due.index, dtype=object)


def movement_table(ds: Dataset, res: Results) -> pd.DataFrame:
    """The movements of T2 (launched by E, running in Y, launching unit active), with the
    state of each review, the audience and the launching unit's name."""
    d = res["T2"].detail
    pt = ds.frames["PhongTrao"].set_index("movement")
    e = pd.Timestamp(res.end)
    out = d.drop(columns=["counted"]).copy()
    out.insert(2, "Đối tượng", d["Mã phong trào"].map(pt["audience"]))
    out.insert(4, "Tên đơn vị phát động", d["Đơn vị phát động"].map(unit_names(ds)))
    out["Sơ kết"] = review_state(d["Hạn sơ kết"], d["Ngày sơ kết"], e)
    out["Tổng kết"] = review_state(d["Hạn tổng kết"], d["Ngày tổng kết"], e)
    out["Quá hạn"] = (out["Sơ kết"] == REVIEW_OVERDUE) | (out["Tổng kết"] == REVIEW_OVERDUE)
    out["Đạt T2"] = d["counted"].astype(bool)
    return out.sort_values(["Quá hạn", "Ngày phát động"], ascending=[False, True], kind="mergesort").reset_index(
        drop=True
    )


def filter_movements(table: pd.DataFrame, *, statuses: Sequence[str] = (), audiences: Sequence[str] = (),
                     units: Sequence[str] = (), only_overdue: bool = False) -> pd.DataFrame:
    mask = pd.Series(True, index=table.index)
    if statuses:
        mask &= table["Trạng thái"].isin(list(statuses))
    if audiences:
        mask &= table["Đối tượng"].fillna(BLANK).isin(list(audiences))
    if units:
        mask &= table["Đơn vị phát động"].isin(list(units))
    if only_overdue:
        mask &= table["Quá hạn"]
    return table[mask.to_numpy()].reset_index(drop=True)


def timeline_events(table: pd.DataFrame) -> pd.DataFrame:
    """Long form for the timeline: one row per (movement, event) with a date and a state."""
    parts = []
    specs = (
        ("Phát động", "Ngày phát động", None),
        ("Hạn sơ kết", "Hạn sơ kết", "Sơ kết"),
        ("Sơ kết", "Ngày sơ kết", "Sơ kết"),
        ("Hạn tổng kết", "Hạn tổng kết", "Tổng kết"),
        ("Tổng kết", "Ngày tổng kết", "Tổng kết"),
    )
    for event, col, state_col in specs:
        p = pd.DataFrame(
            {
                "Mã phong trào": table["Mã phong trào"],
                "Tên phong trào": table["Tên phong trào"],
                "Sự kiện": event,
                "Ngày": table[col],
                "Tình trạng": table[state_col] if state_col else "Đã phát động",
            }
        )
        parts.append(p[p["Ngày"].notna()])
    if not parts:
        return pd.DataFrame(columns=["Mã phong trào", "Tên phong trào", "Sự kiện", "Ngày", "Tình trạng"])
    return pd.concat(parts, ignore_index=True)


# --- awards --------------------------------------------------------------------------------

AWARD_COLUMNS = {
    "award": "Mã khen thưởng",
    "year": "Năm",
    "decision_no": "Số quyết định",
    "decided": "Ngày quyết định",
    "level": "Cấp khen",
    "form": "Hình thức",
    "type": "Loại khen thưởng",
    "subject": "Đối tượng",
    "name": "Tên người hoặc tập thể",
    "unit": "Mã đơn vị",
    "position": "Chức vụ",
    "group": "Nhóm đối tượng",
    "gender": "Giới tính",
    "achievement": "Thành tích",
}


def awards_frame(ds: Dataset, year: int, as_of: date, scope: str | None) -> pd.DataFrame:
    """Commendations of year Y in scope decided by A (as T3 counts them, collectives too),
    with the unit's name and kind, under Vietnamese column names."""
    kt = ds.frames["KhenThuong"]
    in_scope = ds.tree.subtree(scope or ds.tree.root)
    kt = kt[kt["unit"].isin(in_scope) & (kt["year"] == year).fillna(False) & (kt["decided"] <= pd.Timestamp(as_of))]
    units = ds.frames["DonVi"].set_index("unit")
    out = kt[list(AWARD_COLUMNS)].rename(columns=AWARD_COLUMNS)
    out.insert(list(out.columns).index("Mã đơn vị") + 1, "Tên đơn vị", kt["unit"].map(units["name"]).to_numpy())
    out["Loại hình đơn vị"] = kt["unit"].map(units["kind"]).to_numpy()
    out["Năm"] = out["Năm"].astype("Int64")
    return out.sort_values(["Ngày quyết định", "Mã khen thưởng"], kind="mergesort").reset_index(drop=True)


BREAKDOWNS: dict[str, str] = {
    "Cấp khen": "Cấp khen",
    "Hình thức": "Hình thức",
    "Loại khen thưởng": "Loại khen thưởng",
    "Nhóm đối tượng": "Nhóm đối tượng (cá nhân)",
    "Giới tính": "Giới tính (cá nhân)",
    "Loại hình đơn vị": "Loại hình đơn vị",
}
PERSON_ONLY = ("Nhóm đối tượng", "Giới tính")


def breakdown(awards: pd.DataFrame, column: str) -> pd.DataFrame:
    """Counts and shares of one column; blanks are "(Chưa ghi)". Group and gender count
    individuals only."""
    f = awards[awards["Đối tượng"] == S.SUBJECT_PERSON] if column in PERSON_ONLY else awards
    values = f[column].fillna(BLANK).astype(str)
    counts = values.value_counts(sort=True)
    total = int(counts.sum())
    out = pd.DataFrame({"Giá trị": counts.index.astype(str), "Số lượng": counts.to_numpy(dtype="int64")})
    out["Tỉ lệ"] = 100.0 * out["Số lượng"] / total if total else np.nan
    return out.reset_index(drop=True)


def surprise_share(awards: pd.DataFrame) -> float | None:
    """Percent of commendations of type Đột xuất."""
    if not len(awards):
        return None
    return 100.0 * float((awards["Loại khen thưởng"] == "Đột xuất").sum()) / len(awards)


def filter_awards(awards: pd.DataFrame, *, text: str = "", levels: Sequence[str] = (),
                  subjects: Sequence[str] = ()) -> pd.DataFrame:
    out = search_awards(awards, text)
    if levels:
        out = out[out["Cấp khen"].fillna(BLANK).isin(list(levels))]
    if subjects:
        out = out[out["Đối tượng"].isin(list(subjects))]
    return out.reset_index(drop=True)


def search_awards(awards: pd.DataFrame, text: str) -> pd.DataFrame:
    """Records whose code, name, unit, form, decision, position or achievement contain the
    text, ignoring case and diacritics."""
    if not text.strip():
        return awards
    cols = ["Mã khen thưởng", "Tên người hoặc tập thể", "Mã đơn vị", "Tên đơn vị", "Hình thức", "Số quyết định",
            "Chức vụ", "Thành tích"]
    hay = awards[cols[0]].fillna("").astype(str)
    for c in cols[1:]:
        hay = hay + " " + awards[c].fillna("").astype(str)
    return awards[fold_series(hay).str.contains(fold_text(text), regex=False).to_numpy()].reset_index(drop=True)


# --- text folding, vectorised --------------------------------------------------------------


def fold_series(s: pd.Series) -> pd.Series:
    """Case- and diacritics-insensitive text for searching (đ -> d)."""
    t = s.fillna("").astype(str).str.casefold().str.replace("đ", "d", regex=False)
    return t.str.normalize("NFD").str.replace(r"[\u0300-\u036f]", "", regex=True).str.replace(r"\s+", " ", regex=True)


def fold_text(text: str) -> str:
    return str(fold_series(pd.Series([text])).iloc[0]).strip()


# --- data problems -------------------------------------------------------------------------

SEVERITY_VI = {"error": "Lỗi", "warning": "Cảnh báo"}


def cell_link(url: str | None, tab: str, row: int | None, gid: int | None = None) -> str | None:
    """A link to the row of a problem in Google Sheets: straight to the tab when its gid is
    known, else to the spreadsheet with the range named by tab."""
    if not url or not str(url).startswith("http"):
        return None
    base = str(url).split("#", 1)[0]
    if gid is not None:
        return f"{base}#gid={gid}" + (f"&range=A{int(row)}" if row else "")
    if not tab:
        return base
    ref = "'" + tab.replace("'", "''") + "'" + (f"!A{int(row)}" if row else "")
    return f"{base}#range={quote(ref, safe='')}"


def problem_table(ds: Dataset, gids: dict[tuple[str, str], int] | None = None) -> pd.DataFrame:
    """Every problem with Vietnamese columns and, for Google Sheets sources, a link to it."""
    f = ds.problems_frame()
    out = pd.DataFrame(
        {
            "Mức độ": f["severity"].map(SEVERITY_VI).fillna(f["severity"]),
            "Bảng tính": f["spreadsheet"],
            "Trang": f["tab"],
            "Dòng": pd.array(f["row"].tolist(), dtype="Int64"),
            "Cột": f["column"],
            "Giá trị": f["value"],
            "Vấn đề": f["message"],
            "Cách sửa": f["fix"],
        }
    )
    cols = getattr(ds, "col_index", {}) or {}
    letters = [
        _col_letter(cols.get((s, t, c), 0)) if isinstance(c, str) else "A"
        for s, t, c in zip(out["Bảng tính"], out["Trang"], out["Cột"], strict=True)
    ]
    out["Liên kết"] = problem_links(out, ds.sheet_urls or {}, gids or {}, pd.Series(letters, index=out.index))
    first = (out["Mức độ"] != SEVERITY_VI["error"]).astype(int)  # errors first, then in sheet order
    return out.iloc[np.argsort(first.to_numpy(), kind="stable")].reset_index(drop=True)


def _col_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def problem_links(table: pd.DataFrame, urls: dict[str, str | None], gids: dict[tuple[str, str], int],
                  letters: pd.Series | None = None) -> pd.Series:
    """``cell_link`` for every row at once (None where the spreadsheet has no web address)."""
    web = {k: str(v).split("#", 1)[0] for k, v in urls.items() if isinstance(v, str) and v.startswith("http")}
    base = table["Bảng tính"].map(web)
    if base.isna().all():
        return pd.Series(None, index=table.index, dtype=object)
    tab = table["Trang"].fillna("").astype(str)
    row = table["Dòng"]
    col = letters if letters is not None else pd.Series("A", index=table.index)
    cell = (col.astype("string") + row.astype("string")).fillna("")
    gid = pd.Series(list(zip(table["Bảng tính"], tab, strict=True)), index=table.index).map(gids)
    with_gid = base + "#gid=" + gid.astype("Int64").astype("string") + ("&range=" + cell).where(row.notna(), "")
    quoted_tab = tab.map({t: quote("'" + t.replace("'", "''") + "'", safe="") for t in tab.unique()})
    by_name = base + "#range=" + quoted_tab + ("%21" + cell).where(row.notna(), "")
    link = with_gid.where(gid.notna(), by_name.where(tab != "", base))
    return link.where(base.notna(), None).astype(object)


def filter_problems(table: pd.DataFrame, *, sheets: Sequence[str] = (), tabs: Sequence[str] = (),
                    severities: Sequence[str] = (), text: str = "") -> pd.DataFrame:
    mask = pd.Series(True, index=table.index)
    if sheets:
        mask &= table["Bảng tính"].isin(list(sheets))
    if tabs:
        mask &= table["Trang"].isin(list(tabs))
    if severities:
        mask &= table["Mức độ"].isin(list(severities))
    if text.strip():
        hay = fold_series(table["Giá trị"].astype(str) + " " + table["Vấn đề"].astype(str) + " "
                          + table["Cột"].fillna("").astype(str))
        mask &= hay.str.contains(fold_text(text), regex=False)
    return table[mask.to_numpy()].reset_index(drop=True)


def problem_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Counts per spreadsheet and tab, errors and warnings side by side."""
    if not len(table):
        return pd.DataFrame(columns=["Bảng tính", "Trang", "Lỗi", "Cảnh báo"])
    g = table.groupby(["Bảng tính", "Trang", "Mức độ"], sort=False).size().unstack("Mức độ", fill_value=0)
    for c in ("Lỗi", "Cảnh báo"):
        if c not in g:
            g[c] = 0
    return g[["Lỗi", "Cảnh báo"]].reset_index()

