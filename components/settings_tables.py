"""Cài đặt's tables: the source's health, the year's targets and deadlines, and which grid rows
an administrator changed (no Streamlit here; views/cai_dat.py draws them)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from components import tables
from indicators.core import NAMES
from sheets import schema as S
from sheets.load import Dataset
from sheets.parse import ERROR, WARNING


def health_frame(ds: Dataset) -> pd.DataFrame:
    """One row per linked spreadsheet: who owns it, its link, when it was read, its problems."""
    units = ds.frames["DonVi"]
    owners: dict[str, list[str]] = {}
    for code, sheet in zip(units["unit"], units["sheet"], strict=True):
        if isinstance(sheet, str) and sheet:
            owners.setdefault(sheet, []).append(str(code))
    rows = []
    for name in ds.sheets:
        probs = [p for p in ds.problems if p.spreadsheet == name]
        owner = ("Bảng tính đăng ký (tỉnh)" if name == ds.registry
                 else ", ".join(f"{c} — {ds.tree.name(c)}" for c in owners.get(name, [])))
        rows.append({
            "Bảng tính": tables.sheet_label(name),
            "Đơn vị": owner,
            "Liên kết": ds.sheet_urls.get(name),
            "Đọc lúc": ds.loaded_at.strftime("%d/%m/%Y %H:%M:%S"),
            "Tình trạng": ("Không đọc được: " + ds.sheet_errors[name]) if name in ds.sheet_errors else "Đọc được",
            "Lỗi": sum(1 for p in probs if p.severity == ERROR),
            "Cảnh báo": sum(1 for p in probs if p.severity == WARNING),
        })
    return pd.DataFrame(rows, columns=["Bảng tính", "Đơn vị", "Liên kết", "Đọc lúc", "Tình trạng", "Lỗi", "Cảnh báo"])


def targets_frame(ds: Dataset, year: int) -> pd.DataFrame:
    ct = ds.frames["ChiTieu"]
    ct = ct[ct["year"] == year].set_index("code")
    th = ds.thresholds(year)
    return pd.DataFrame([
        {"Mã chỉ tiêu": code, "Chỉ tiêu": NAMES[code], "Ngưỡng (%)": float(th[code]),
         "Ghi chú": ct.at[code, "note"] if code in ct.index and isinstance(ct.at[code, "note"], str) else None,
         "Nguồn": "Đã giao (trang ChiTieu)" if code in ct.index else "Mặc định của kế hoạch"}
        for code in S.INDICATOR_CODES
    ])


def _cell(v: Any) -> Any:
    """A grid cell for comparison: blanks are None, text trimmed, timestamps as dates."""
    if v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, str):
        return v.strip() or None
    return v


def changed(stored: pd.DataFrame, edited: pd.DataFrame, cols: list[str]) -> list[int]:
    """Row positions whose ``cols`` differ between the stored and the edited grid."""
    return [i for i in range(len(stored))
            if [_cell(stored.at[i, c]) for c in cols] != [_cell(edited.at[i, c]) for c in cols]]


def deadlines_frame(ds: Dataset, year: int) -> pd.DataFrame:
    kb = ds.frames["KyBaoCao"]
    own = set(kb.loc[kb["year"] == year, "period"])
    return pd.DataFrame([
        {"Kỳ": p, "Hạn nộp": d, "Nguồn": "Đã giao (trang KyBaoCao)" if p in own else "Mặc định của kế hoạch"}
        for p, d in ds.deadlines(year).items()
    ])
