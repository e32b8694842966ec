"""Tables in Vietnamese style (dates dd/mm/yyyy, 1.234, 87,5 %), gaps in colour, and the
.xlsx / .csv downloads (neutralised, SPEC 5)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from components.fmt import day, num, pct
from reports.export import to_csv_bytes, to_xlsx_bytes

BAD = "background-color: #fdecea; color: #b71c1c"
WARN = "background-color: #fff4e5; color: #8a4b00"
GOOD = "color: #1b5e20"
YES_NO = ("Có", "Chưa")
STYLER_MAX_ROWS = 5000  # beyond this, plain column formats (fast) instead of a Styler
EMPTY = "Không có dòng nào."  # an empty grid would draw Glide's English «empty»


def fit_height(rows: int, most: int) -> int:
    """A grid's height for ``rows`` rows, at most ``most`` px: no blank rows under the last."""
    return min(most, 38 + 35 * max(rows, 1))


REGISTRY_VI = "bảng tính đăng ký"


def sheet_label(name: Any, registry: str = "registry") -> Any:
    """A spreadsheet's name as a person reads it: the registry is «bảng tính đăng ký»."""
    return REGISTRY_VI if isinstance(name, str) and name in (registry, "registry") else name


def registry_words(text: Any, registry: str = "registry") -> Any:
    """A message naming the registry spreadsheet by its store name, in a person's words."""
    if not isinstance(text, str):
        return text
    import re

    names = {registry, "registry"}
    return re.sub("|".join(rf"\b{re.escape(n)}\b" for n in names), REGISTRY_VI, text)


def column_config(df: pd.DataFrame) -> dict[str, Any]:
    """Per-column display: dates dd/mm/yyyy, booleans as ticks (``as_words`` for words),
    integers plain, links."""
    out: dict[str, Any] = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[col] = st.column_config.DateColumn(col, format="DD/MM/YYYY")
        elif pd.api.types.is_bool_dtype(s):
            out[col] = st.column_config.CheckboxColumn(col)
        elif pd.api.types.is_integer_dtype(s):
            out[col] = st.column_config.NumberColumn(col, format="%d")
        elif col == "Liên kết":
            out[col] = st.column_config.LinkColumn(col, display_text="Mở ô")
    return out


def as_words(df: pd.DataFrame, columns: Iterable[str], words: tuple[str, str] = YES_NO) -> pd.DataFrame:
    """Yes/no columns as words ("Có"/"Chưa"): a table shows, sorts and downloads them as text."""
    yes, no = words
    return df.assign(**{c: df[c].map({True: yes, False: no}) for c in columns if c in df})


def vn_styler(
    df: pd.DataFrame,
    *,
    percents: Iterable[str] = (),
    numbers: Iterable[str] = (),
    dates: Iterable[str] = (),
    yes_no: Iterable[str] = (),
    words: tuple[str, str] = YES_NO,
    colours: Mapping[str, Callable[[Any], str]] | None = None,
) -> Styler:
    """Vietnamese display values over the real ones (so sorting stays numeric), and a CSS
    colour per cell where ``colours[col](value)`` says so."""
    fmt: dict[str, Callable[[Any], str]] = {}
    for c in percents:
        fmt[c] = lambda v: pct(None if pd.isna(v) else float(v))
    for c in numbers:
        fmt[c] = lambda v: "—" if pd.isna(v) else num(v)
    for c in dates:
        fmt[c] = lambda v: "—" if pd.isna(v) else day(v)
    yes, no = words
    for c in yes_no:  # for text-typed yes/no columns; a bool column shows as a tick box anyway
        fmt[c] = lambda v: yes if bool(v) else no
    styler = df.style.format(fmt, na_rep="—")  # type: ignore[arg-type]
    for col, fn in (colours or {}).items():
        if col in df:
            styler = styler.map(fn, subset=[col])
    return styler.hide(axis="index")


# A phone shows the first two or three columns: who (a name), what is missing, how to reach them
PHONE_NAMES = ("Tên đơn vị", "Họ tên", "Tên phong trào", "Tên", "Bảng tính")
PHONE_ACT = ("Việc còn thiếu", "Tình trạng", "Trạng thái", "Lý do", "Có kế hoạch", "Đã phát động", "Hạn nộp",
             "Hình thức", "Mức độ", "Lỗi", "Cảnh báo")
PHONE_CONTACT = ("Điện thoại", "Email")


def phone_order(columns: Iterable[str]) -> list[str]:
    """The columns a person needs to act first (name, what is missing, contact), then the rest
    in their order (codes and context last are what a phone may scroll to)."""
    cols = list(columns)
    first = [c for group in (PHONE_NAMES[:1] if "Tên đơn vị" in cols else PHONE_NAMES, PHONE_ACT, PHONE_CONTACT)
             for c in group if c in cols]
    first = list(dict.fromkeys(first))
    return first + [c for c in cols if c not in first]


def show_frame(
    df: pd.DataFrame,
    *,
    key: str,
    height: int | str = "auto",
    styler: Styler | None = None,
    config: Mapping[str, Any] | None = None,
    phone_first: bool = False,
    empty: str = EMPTY,
) -> None:
    """``st.dataframe`` with Vietnamese column formats; a Styler when one is given and the
    table is small enough to style quickly. ``phone_first``: the columns a person acts on
    first (``phone_order``), so a phone shows them without scrolling sideways. No rows: the
    caption ``empty`` instead of a grid. A fixed ``height`` shrinks to the rows there are."""
    if not len(df):
        st.caption(empty)
        return
    if isinstance(height, int):
        height = fit_height(len(df), height)
    styled = styler is not None and len(df) <= STYLER_MAX_ROWS
    cfg = column_config(df)
    cfg.update(config or {})
    data: Any = styler if styled else df
    order = phone_order(df.columns) if phone_first else None
    st.dataframe(data, hide_index=True, column_config=cfg, key=key, height=height,  # type: ignore[arg-type]
                 column_order=order, placeholder="")


def file_stem(*parts: object) -> str:
    """An ASCII file name from Vietnamese parts: ``don-vi-BABE-2026``."""
    from sheets.text import fold

    text = "-".join(str(p) for p in parts if p not in (None, ""))
    folded = fold(text)
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in folded).strip("-").replace("--", "-") or "bang"


def downloads(df: pd.DataFrame, *, stem: str, sheet: str, key: str) -> None:
    """Two buttons: .xlsx and .csv of exactly the table shown (after filters). The files are
    made only when a button is clicked. None for an empty table (nothing to take away)."""
    if not len(df):
        return
    frame = df.copy()
    with st.container(horizontal=True, gap="small", key=f"{key}-downloads"):
        st.download_button(
            "Tải .xlsx", lambda: to_xlsx_bytes(frame, sheet), file_name=f"{stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}-xlsx", icon=":material/download:", on_click="ignore",
        )
        st.download_button(
            "Tải .csv", lambda: to_csv_bytes(frame), file_name=f"{stem}.csv", mime="text/csv",
            key=f"{key}-csv", icon=":material/download:", on_click="ignore",
        )
