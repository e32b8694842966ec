"""Đăng ký thi đua (SPEC 7, DangKy): who registered for the year and when, and each registered
title against the collective awards the unit received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from indicators.core import active_units
from indicators.fmt import day
from sheets import clock
from sheets import schema as S
from sheets.load import Dataset
from sheets.text import fold

C_UNIT = "Đơn vị"
C_CODE = "Mã đơn vị"
C_STATUS = "Tình trạng"
C_DATE = "Ngày đăng ký"
C_TITLES = "Danh hiệu đăng ký"
C_PEOPLE = "Số cá nhân đăng ký"
C_TITLE = "Danh hiệu"
C_MET = "Đạt"
C_DECISION = "Quyết định"

REGISTERED = "Đã đăng ký"
NOT_REGISTERED = "Chưa đăng ký"


@dataclass(frozen=True)
class Registrations:
    year: int
    units: pd.DataFrame  # one row per unit of the scope, the unregistered first
    titles: pd.DataFrame  # one row per registered title: met or not, and the award that meets it
    registered: int
    in_scope: int
    titles_registered: int
    titles_met: int


def split_titles(text: object) -> list[str]:
    """The comma-separated titles of a registration, trimmed, blanks dropped."""
    if not isinstance(text, str):
        return []
    return [t.strip() for t in text.split(",") if t.strip()]


def current(ds: Dataset, year: int) -> pd.DataFrame:
    """The year's registrations that stand (the loader resolved versions and left voided ones out)."""
    dk = ds.frames["DangKy"]
    return dk[dk["year"] == year]


def compute(ds: Dataset, year: int, scope: str | None) -> Registrations:
    """The units of the scope active at E (SPEC 4), and any other that registered for the year."""
    units = ds.frames["DonVi"]
    dk = current(ds, year).set_index("unit")
    end = pd.Timestamp(min(date(year, 12, 31), clock.today()))
    active = set(units.loc[active_units(units, end).to_numpy(), "unit"]) | set(dk.index)
    inside = set(ds.tree.subtree(scope))
    codes = [str(u) for u in units["unit"] if u in inside and u in active]
    kt = ds.frames["KhenThuong"]
    kt = kt[(kt["subject"] == S.SUBJECT_COLLECTIVE) & (kt["year"] == year)]  # a blank Năm: its decision's
    rows: list[dict[str, object]] = []
    title_rows: list[dict[str, object]] = []
    for code in codes:
        name = ds.tree.name(code)
        if code not in dk.index:
            rows.append({C_UNIT: name, C_STATUS: NOT_REGISTERED, C_DATE: None, C_TITLES: "", C_PEOPLE: None,
                         C_CODE: code})
            continue
        rec = dk.loc[code]
        titles = split_titles(rec["titles"])
        people = rec["people"]
        rows.append({C_UNIT: name, C_STATUS: REGISTERED, C_DATE: rec["registered"], C_TITLES: ", ".join(titles),
                     C_PEOPLE: None if pd.isna(people) else int(people), C_CODE: code})
        own = kt[kt["unit"] == code]
        forms = own["form"].map(lambda f: fold(f) if isinstance(f, str) else "")
        for title in titles:
            hit = own[forms == fold(title)]
            first = hit.sort_values("decided").iloc[0] if len(hit) else None
            title_rows.append({
                C_UNIT: name, C_TITLE: title, C_MET: "Đạt" if first is not None else "Chưa đạt",
                C_DECISION: _decision(first) if first is not None else "", C_CODE: code,
            })
    table = pd.DataFrame(rows, columns=[C_UNIT, C_STATUS, C_DATE, C_TITLES, C_PEOPLE, C_CODE])
    table = table.sort_values([C_STATUS, C_UNIT], key=lambda s: s.map(_order) if s.name == C_STATUS else s,
                              kind="stable").reset_index(drop=True)
    titles_df = pd.DataFrame(title_rows, columns=[C_UNIT, C_TITLE, C_MET, C_DECISION, C_CODE])
    return Registrations(
        year=year, units=table, titles=titles_df,
        registered=int((table[C_STATUS] == REGISTERED).sum()), in_scope=len(table),
        titles_registered=len(titles_df), titles_met=int((titles_df[C_MET] == "Đạt").sum()),
    )


def _order(status: str) -> int:
    return 0 if status == NOT_REGISTERED else 1


def _decision(award: pd.Series) -> str:
    no = award["decision_no"] if isinstance(award["decision_no"], str) else ""
    when = award["decided"]
    return " ngày ".join(p for p in (no, day(when) if pd.notna(when) else "") if p)


def known_titles(ds: Dataset) -> list[str]:
    """Titles to offer: the forms of collective awards in the data, and those registered before."""
    kt = ds.frames["KhenThuong"]
    seen: dict[str, str] = {}
    for f in kt.loc[kt["subject"] == S.SUBJECT_COLLECTIVE, "form"]:
        if isinstance(f, str) and f.strip():
            seen.setdefault(fold(f), f.strip())
    for text in ds.frames["DangKy"]["titles"]:
        for t in split_titles(text):
            seen.setdefault(fold(t), t)
    return sorted(seen.values(), key=fold)
