"""Vietnamese formatting of numbers, percents and dates, shared by screens and reports (no Streamlit)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

__all__ = ["day", "num", "pct"]


def num(n: float | int | None, decimals: int = 0) -> str:
    """1234567 -> "1.234.567"; 87.5 with decimals=1 -> "87,5"."""
    if n is None or (isinstance(n, float) and pd.isna(n)):
        return "—"
    text = f"{n:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def pct(p: float | None, decimals: int = 1) -> str:
    """87.5 -> "87,5 %"."""
    if p is None or (isinstance(p, float) and pd.isna(p)):
        return "—"
    return f"{num(p, decimals)}\u00a0%"  # a non-breaking space: "100 %" never splits


def day(d: date | datetime | pd.Timestamp | None) -> str:
    """A date as 15/01/2026."""
    if d is None or d is pd.NaT or (isinstance(d, float) and pd.isna(d)):
        return "—"
    return d.strftime("%d/%m/%Y")
