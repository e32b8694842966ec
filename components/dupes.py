"""Look-alike records: a new record that looks like one already there asks to be confirmed.

Pure functions of the dataset (no Streamlit), used by the form lifecycle (``forms.Flow``):
a movement looks like another with the same name (ignoring case and diacritics), unit and
launch year; an award, like another for the same person or collective, form and year.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sheets.load import Dataset
from sheets.text import fold


def _year(value: Any) -> int | None:
    if value is None or value is pd.NaT:
        return None
    try:
        return int(pd.Timestamp(value).year)
    except (TypeError, ValueError):
        return None


def movement(ds: Dataset, row: dict[str, Any]) -> str | None:
    """The sentence naming an existing movement like ``row`` (attrs), or None."""
    pt = ds.frames["PhongTrao"]
    name, unit, year = fold(str(row.get("name") or "")), row.get("unit"), _year(row.get("launched"))
    if not name or not len(pt):
        return None
    same = pt[(pt["unit"] == unit) & (pt["name"].map(lambda v: fold(str(v))) == name)
              & (pt["launched"].map(_year) == year) & (pt["movement"] != row.get("movement"))]
    if not len(same):
        return None
    rec = same.iloc[0]
    return (f"Đơn vị {ds.tree.name(str(unit))} đã có phong trào «{rec['name']}» phát động năm {year} "
            f"(mã {rec['movement']}). Phát động thêm một phong trào nữa?")


def award(ds: Dataset, row: dict[str, Any]) -> str | None:
    """The sentence naming an existing award like ``row`` (keyed by header or attr), or None."""
    def get(attr: str, header: str) -> Any:
        return row.get(attr, row.get(header))

    kt = ds.frames["KhenThuong"]
    who = fold(str(get("name", "Tên người hoặc tập thể") or ""))
    form = fold(str(get("form", "Hình thức") or ""))
    year = _year(get("decided", "Ngày quyết định"))
    if not who or not form or not len(kt):
        return None
    same = kt[(kt["name"].map(lambda v: fold(str(v))) == who) & (kt["form"].map(lambda v: fold(str(v))) == form)
              & (kt["decided"].map(_year) == year)]
    if not len(same):
        return None
    rec = same.iloc[0]
    return (f"«{rec['name']}» ({ds.tree.name(str(rec['unit']))}) đã có «{rec['form']}» năm {year} "
            f"(mã {rec['award']}). Ghi thêm một khen thưởng nữa?")
