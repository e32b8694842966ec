"""Nhập liệu › Kế hoạch năm as a table: one row per unit, what changed, the rows to write."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from sheets.load import Dataset

PLAN_COLS = {
    "Có kế hoạch": "has_plan",
    "Số, ký hiệu văn bản": "doc_no",
    "Ngày ban hành": "issued",
    "Đã phát động": "launched",
    "Ghi chú": "note",
}

def plan_frame(ds: Dataset, year: int, units: list[str]) -> pd.DataFrame:
    """One row per unit: its current KeHoach record for the year (blank when none)."""
    kh = ds.frames["KeHoach"]
    kh = kh[kh["year"] == year].set_index("unit")
    rows = []
    for u in units:
        rec = kh.loc[u] if u in kh.index else None
        if isinstance(rec, pd.DataFrame):
            rec = rec.iloc[-1]
        issued = rec["issued"] if rec is not None else None
        rows.append({
            "Mã đơn vị": u,
            "Tên đơn vị": ds.tree.name(u),
            "Cấp": ds.tree.level(u) or "",
            "Có kế hoạch": bool(rec["has_plan"]) if rec is not None else False,
            "Số, ký hiệu văn bản": rec["doc_no"] if rec is not None and isinstance(rec["doc_no"], str) else None,
            "Ngày ban hành": pd.Timestamp(issued).date() if issued is not None and pd.notna(issued) else None,
            "Đã phát động": bool(rec["launched"]) if rec is not None else False,
            "Ghi chú": rec["note"] if rec is not None and isinstance(rec["note"], str) else None,
        })
    # the union's name, then the ticks: a phone shows who and what to tick without scrolling sideways
    return pd.DataFrame(rows, columns=["Tên đơn vị", "Có kế hoạch", "Đã phát động", "Số, ký hiệu văn bản",
                                       "Ngày ban hành", "Ghi chú", "Mã đơn vị", "Cấp"])


def _norm(col: str, v: Any) -> Any:
    if col in ("Có kế hoạch", "Đã phát động"):
        return bool(v) if v is not None and not (isinstance(v, float) and pd.isna(v)) else False
    if col == "Ngày ban hành":
        if v is None or (not isinstance(v, date) and pd.isna(v)):
            return None
        return pd.Timestamp(v).date()
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    text = str(v).strip()
    return text or None


def plan_changes(stored: pd.DataFrame, edited: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Units whose row differs from what is stored: unit -> the row's values (by header)."""
    out: dict[str, dict[str, Any]] = {}
    old = stored.set_index("Mã đơn vị")
    for _, row in edited.iterrows():
        u = str(row["Mã đơn vị"])
        new = {c: _norm(c, row[c]) for c in PLAN_COLS}
        before = {c: _norm(c, old.at[u, c]) for c in PLAN_COLS} if u in old.index else None
        if new != before:
            out[u] = new
    return out


def plan_rows(year: int, changes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"year": year, "unit": u, **{PLAN_COLS[c]: v for c, v in vals.items()}} for u, vals in changes.items()]
