"""Figures of the commendation workflow (SPEC 7, ``tdkt pipeline``). Pure pandas, no I/O.

For year Y, as-of A and a scope: the dossiers are the current ``HoSo`` records of year Y, not
voided, whose proposing unit is in scope, with ``Ngày gửi`` ≤ A where they have one, each at
its current status. Days are calendar days.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

import pandas as pd

from sheets import schema as S
from sheets.load import Dataset

OVERDUE_DAYS = 30
OVERDUE_DAYS_URGENT = 10  # Đột xuất
WAITING = (S.DOSSIER_SENT, S.DOSSIER_RECEIVED, S.DOSSIER_REVIEWED)
DIRECT_GROUPS = (S.GROUP_WORKER, S.GROUP_STAFF)


def counted_dossiers(hoso: pd.DataFrame, units: Collection[str], year: int, as_of: date) -> pd.DataFrame:
    """The dossiers the figures count, with ``days`` (from sending to A), ``waiting`` and ``overdue``."""
    if not len(hoso):
        return hoso.assign(days=pd.Series([], dtype="Int64"), waiting=pd.Series([], dtype=bool),
                           overdue=pd.Series([], dtype=bool), processing=pd.Series([], dtype="Int64"))
    a = pd.Timestamp(as_of)
    sel = hoso[(hoso["year"] == year).fillna(False).to_numpy(dtype=bool) & hoso["unit"].isin(set(units)).to_numpy()
               & (hoso["sent"].isna() | (hoso["sent"] <= a)).to_numpy()]
    days = (a - sel["sent"]).dt.days.astype("Int64")
    waiting = sel["status"].isin(WAITING)
    limit = sel["type"].map(lambda t: OVERDUE_DAYS_URGENT if t == "Đột xuất" else OVERDUE_DAYS)
    overdue = waiting & (days > limit).fillna(False).astype(bool)
    decided = sel["status"] == S.DOSSIER_DECIDED
    processing = ((sel["decided"] - sel["sent"]).dt.days).where(decided).astype("Int64")
    return sel.assign(days=days, waiting=waiting.to_numpy(), overdue=overdue.to_numpy(), processing=processing)


def pipeline_figures(
    hoso: pd.DataFrame, lines: pd.DataFrame, units: Collection[str], *, year: int, as_of: date, scope: str,
    threshold: float,
) -> dict[str, Any]:
    """The JSON object of SPEC 7 from current ``HoSo`` and ``HoSoDanhSach`` records."""
    d = counted_dossiers(hoso, units, year, as_of)
    by_status = {s: int((d["status"] == s).sum()) if len(d) else 0 for s in S.DOSSIER_STATUSES}
    days = d.loc[d["status"] == S.DOSSIER_DECIDED, "processing"].dropna() if len(d) else pd.Series([], dtype=float)
    median = float(days.astype(float).median()) if len(days) else None
    codes = set(d["dossier"]) if len(d) else set()
    rows = lines[lines["dossier"].isin(codes)] if len(lines) else lines
    result = rows["result"] if len(rows) else pd.Series([], dtype=object)
    nominees = {
        "proposed": int(len(rows)),
        S.RESULT_AGREED: int((result == S.RESULT_AGREED).sum()),
        S.RESULT_REJECTED: int((result == S.RESULT_REJECTED).sum()),
        S.RESULT_UPWARD: int((result == S.RESULT_UPWARD).sum()),
        "blank": int(result.isna().sum()),
    }
    not_withdrawn = set(d.loc[d["status"] != S.DOSSIER_WITHDRAWN, "dossier"]) if len(d) else set()
    if len(rows):
        people = rows[(rows["subject"] == S.SUBJECT_PERSON) & rows["dossier"].isin(not_withdrawn)
                      & (rows["result"] != S.RESULT_REJECTED)]
        num = int(people["group"].isin(DIRECT_GROUPS).sum())
        den = int(len(people))
    else:
        num = den = 0
    percent = 100.0 * num / den if den else None
    return {
        "year": year,
        "as_of": as_of.isoformat(),
        "scope": scope,
        "dossiers": by_status,
        "waiting": int(d["waiting"].sum()) if len(d) else 0,
        "overdue": int(d["overdue"].sum()) if len(d) else 0,
        "returned": int(d["returned"].sum()) if len(d) else 0,
        "median_days": median,
        "nominees": nominees,
        "direct_share": {"numerator": num, "denominator": den, "percent": percent, "threshold": float(threshold),
                         "met": None if percent is None else percent >= threshold},
    }


def pipeline(ds: Dataset, year: int, as_of: date, scope: str | None = None) -> dict[str, Any]:
    """``tdkt pipeline`` for a dataset: the province, or one unit's subtree."""
    code = scope or ds.tree.root or ""
    return pipeline_figures(
        ds.frames["HoSo"], ds.frames["HoSoDanhSach"], ds.tree.subtree(scope), year=year, as_of=as_of, scope=code,
        threshold=ds.thresholds(year)["T3"],
    )


def list_share(lines: pd.DataFrame, threshold: float) -> dict[str, Any]:
    """A draft list's direct share (before sending): its Cá nhân rows not rejected."""
    if not len(lines):
        return {"numerator": 0, "denominator": 0, "percent": None, "threshold": threshold, "met": None}
    people = lines[(lines["subject"] == S.SUBJECT_PERSON) & (lines["result"] != S.RESULT_REJECTED)]
    num, den = int(people["group"].isin(DIRECT_GROUPS).sum()), int(len(people))
    percent = 100.0 * num / den if den else None
    return {"numerator": num, "denominator": den, "percent": percent, "threshold": threshold,
            "met": None if percent is None else percent >= threshold}


# --- dossiers someone must act on (the «Cần đôn đốc» item and the Đôn đốc topic «Hồ sơ») ---------------

ACT_RETURNED = "Bị trả lại, chưa gửi lại"
ACT_OVERDUE = "Quá hạn xử lý"
ACTION_COLUMNS = ["Mã đơn vị", "Tên đơn vị", "Tình trạng", "Mã hồ sơ", "Trích yếu", "Đơn vị đề nghị",
                  "Trạng thái", "Ngày gửi", "Ngày trả lại", "Lý do trả lại", "Số ngày chờ", "Hạn xử lý",
                  "Mã đơn vị đề nghị"]
# what the receiving side has still to do, by the status a dossier waits in
WAITING_FOR = {
    S.DOSSIER_SENT: "chưa được tiếp nhận",
    S.DOSSIER_RECEIVED: "đã tiếp nhận nhưng chưa xét duyệt",
    S.DOSSIER_REVIEWED: "đã xét duyệt nhưng chưa có quyết định khen thưởng",
}


def dossier_actions(ds: Dataset, year: int, as_of: date, scope: str | None = None) -> pd.DataFrame:
    """The dossiers of the SPEC 7 figures (year Y, as of A, proposing unit in scope) on which
    someone has to act, one row each, under the unit that must act (``Mã đơn vị``):

    - returned (current status ``Trả lại``) and not sent again: the proposing unit;
    - overdue (waiting more than 30 days from ``Ngày gửi`` to A, 10 for ``Đột xuất``): the
      receiving unit, when it is in scope. The province's own dossiers wait at the Tổng Liên
      đoàn, outside the app, and are not listed.

    A dossier returned and then sent again is waiting, with its clock restarted."""
    hs = ds.frames.get("HoSo")
    if hs is None or not len(hs):
        return pd.DataFrame(columns=ACTION_COLUMNS)
    tree = ds.tree
    units = tree.subtree(scope)
    d = counted_dossiers(hs, units, year, as_of)
    root = tree.root
    returned = d["status"] == S.DOSSIER_RETURNED
    receiver = d["receiver"] if "receiver" in d else d["unit"].map(lambda u: tree.parent.get(u) or u)
    overdue = d["overdue"] & (d["unit"] != root) & receiver.isin(set(units))
    sel = d[(returned | overdue).to_numpy()]
    if not len(sel):
        return pd.DataFrame(columns=ACTION_COLUMNS)
    ret = (sel["status"] == S.DOSSIER_RETURNED).to_numpy()
    actor = sel["unit"].where(ret, receiver[sel.index])
    limit = sel["type"].map(lambda t: OVERDUE_DAYS_URGENT if t == "Đột xuất" else OVERDUE_DAYS)
    stamp = pd.to_datetime(sel["stamp"], errors="coerce") if "stamp" in sel else pd.Series(pd.NaT, index=sel.index)
    out = pd.DataFrame({
        "Mã đơn vị": actor.to_numpy(),
        "Tên đơn vị": [tree.name(str(u)) for u in actor],
        "Tình trạng": [ACT_RETURNED if r else f"{ACT_OVERDUE} ({int(n)} ngày, hạn {int(lim)} ngày)"
                       for r, n, lim in zip(ret, sel["days"], limit, strict=True)],
        "Mã hồ sơ": sel["dossier"].to_numpy(),
        "Trích yếu": sel["summary"].to_numpy(),
        "Đơn vị đề nghị": [tree.name(str(u)) for u in sel["unit"]],
        "Trạng thái": sel["status"].to_numpy(),
        "Ngày gửi": sel["sent"].to_numpy(),
        "Ngày trả lại": stamp.dt.normalize().where(ret).to_numpy(),
        "Lý do trả lại": sel["return_reason"].where(ret).to_numpy(),
        "Số ngày chờ": pd.array([None if r else int(n) for r, n in zip(ret, sel["days"], strict=True)], dtype="Int64"),
        "Hạn xử lý": (sel["sent"] + pd.to_timedelta(limit, unit="D")).where(~ret).to_numpy(),
        "Mã đơn vị đề nghị": sel["unit"].to_numpy(),
    })
    for c in ("Ngày gửi", "Ngày trả lại", "Hạn xử lý"):
        out[c] = pd.to_datetime(out[c])
    out["Lý do trả lại"] = out["Lý do trả lại"].astype(object).where(out["Lý do trả lại"].notna(), None)
    # the proposing unit's own returns first, then the longest waits
    order = [0 if t == ACT_RETURNED else 1 for t in out["Tình trạng"]]
    out = out.assign(_o=order, _d=-out["Số ngày chờ"].fillna(0).astype("int64"))
    return out.sort_values(["_o", "_d", "Mã hồ sơ"], kind="mergesort").drop(columns=["_o", "_d"]).reset_index(drop=True)
