"""Tra cứu: everything about one person or collective across the years — commendations,
nominations in dossiers, exemplar entries and, for officers, training. Pure pandas, no I/O.

Names are compared after ``sheets.text.fold`` (case, diacritics, spacing ignored, đ = d), so
"nguyen van an" finds "Nguyễn Văn An". Matches are grouped by (folded name, unit): namesakes in
different units stay apart. A query matches a name when it is a run of whole words of the name
("van an" finds "Nguyễn Văn An", not "Nguyễn Văn Anh"); when no name matches that way, names
merely containing the query are shown instead.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sheets.load import Dataset
from sheets.text import fold

MAX_MATCHES = 30  # people shown for one query (the page says when there are more)

# the sources of names: tab -> (frame, the tab's name column)
_SOURCES = ("KhenThuong", "HoSoDanhSach", "DienHinh", "CanBo")

AWARD_COLUMNS = ["Năm", "Hình thức", "Cấp khen", "Số quyết định", "Ngày quyết định", "Loại khen thưởng",
                 "Phong trào", "Thành tích"]
NOMINATION_COLUMNS = ["Năm", "Mã hồ sơ", "Trích yếu", "Trạng thái hồ sơ", "Hình thức đề nghị", "Kết quả",
                      "Thành tích"]
EXEMPLAR_COLUMNS = ["Năm", "Loại", "Phong trào", "Kênh tuyên truyền", "Ngày tuyên truyền", "Đã nhân rộng"]
TRAINING_COLUMNS = ["Khóa tập huấn", "Đơn vị tổ chức", "Ngày bắt đầu", "Ngày kết thúc", "Hình thức", "Có mặt"]


@dataclass(frozen=True)
class Person:
    """One person or collective (a name in one unit) and every fact recorded about them."""

    name: str  # the spelling seen most often
    unit: str
    unit_name: str
    awards: pd.DataFrame = field(repr=False)
    nominations: pd.DataFrame = field(repr=False)
    exemplars: pd.DataFrame = field(repr=False)
    training: pd.DataFrame = field(repr=False)
    officer: bool = False  # in CanBo (so training applies)

    @property
    def counts(self) -> dict[str, int]:
        return {"awards": len(self.awards), "nominations": len(self.nominations),
                "exemplars": len(self.exemplars), "training": len(self.training)}


@dataclass(frozen=True)
class Lookup:
    query: str
    people: tuple[Person, ...]  # at most MAX_MATCHES
    total: int  # every match before the cut
    exact: bool  # False: no whole-word match, these names contain the query


def _word_pattern(query: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w]){re.escape(query)}(?![\w])")


def _names(ds: Dataset, units: frozenset[str]) -> pd.DataFrame:
    """Every (tab, row position, name, folded name, unit) of the name sources in scope."""
    parts = []
    for tab in _SOURCES:
        f = ds.frames[tab]
        if not len(f):
            continue
        sel = f[f["unit"].isin(units).to_numpy() & f["name"].notna().to_numpy()]
        parts.append(pd.DataFrame({"tab": tab, "pos": sel.index, "name": sel["name"].astype(str),
                                   "key": sel["name"].astype(str).map(fold), "unit": sel["unit"].astype(str)}))
    if not parts:
        return pd.DataFrame(columns=["tab", "pos", "name", "key", "unit"])
    return pd.concat(parts, ignore_index=True)


def _movement_names(ds: Dataset) -> dict[str, str]:
    pt = ds.frames["PhongTrao"]
    return dict(zip(pt["movement"], pt["name"], strict=True)) if len(pt) else {}


def _awards(ds: Dataset, rows: pd.DataFrame, movements: dict[str, str]) -> pd.DataFrame:
    out = pd.DataFrame({
        "Năm": rows["year"].astype("Int64"),
        "Hình thức": rows["form"],
        "Cấp khen": rows["level"],
        "Số quyết định": rows["decision_no"],
        "Ngày quyết định": rows["decided"],
        "Loại khen thưởng": rows["type"],
        "Phong trào": [movements.get(m, m) if isinstance(m, str) else None for m in rows["movement"]],
        "Thành tích": rows["achievement"],
    }, columns=AWARD_COLUMNS)
    return out.sort_values(["Năm", "Ngày quyết định"], ascending=False, kind="mergesort").reset_index(drop=True)


def _nominations(ds: Dataset, rows: pd.DataFrame) -> pd.DataFrame:
    hs = ds.frames["HoSo"]
    dossiers = hs.set_index("dossier") if len(hs) else pd.DataFrame(columns=["year", "summary", "status"])
    known = rows[rows["dossier"].isin(dossiers.index).to_numpy()]  # a voided dossier's rows count nowhere
    info = dossiers.reindex(known["dossier"])
    out = pd.DataFrame({
        "Năm": info["year"].astype("Int64").to_numpy(),
        "Mã hồ sơ": known["dossier"].to_numpy(),
        "Trích yếu": info["summary"].to_numpy(),
        "Trạng thái hồ sơ": info["status"].to_numpy(),
        "Hình thức đề nghị": known["form"].to_numpy(),
        "Kết quả": known["result"].to_numpy(),
        "Thành tích": known["achievement"].to_numpy(),
    }, columns=NOMINATION_COLUMNS)
    return out.sort_values(["Năm", "Mã hồ sơ"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def _exemplars(rows: pd.DataFrame, movements: dict[str, str]) -> pd.DataFrame:
    out = pd.DataFrame({
        "Năm": rows["year"].astype("Int64"),
        "Loại": rows["kind"],
        "Phong trào": [movements.get(m, m) if isinstance(m, str) else None for m in rows["movement"]],
        "Kênh tuyên truyền": rows["channels"],
        "Ngày tuyên truyền": rows["publicised"],
        "Đã nhân rộng": rows["replicated"].fillna(False).astype(bool),
    }, columns=EXEMPLAR_COLUMNS)
    return out.sort_values("Năm", ascending=False, kind="mergesort").reset_index(drop=True)


def _training(ds: Dataset, officers: list[str]) -> pd.DataFrame:
    dd, kh = ds.frames["DiemDanh"], ds.frames["KhoaHoc"]
    if not officers or not len(dd) or not len(kh):
        return pd.DataFrame(columns=TRAINING_COLUMNS)
    marks = dd[dd["officer"].isin(officers).to_numpy()]
    courses = kh.set_index("course")
    marks = marks[marks["course"].isin(courses.index).to_numpy()]
    c = courses.reindex(marks["course"])
    end = c["end"].fillna(c["start"])
    out = pd.DataFrame({
        "Khóa tập huấn": c["name"].to_numpy(),
        "Đơn vị tổ chức": [ds.tree.name(str(u)) for u in c["unit"]],
        "Ngày bắt đầu": c["start"].to_numpy(),
        "Ngày kết thúc": end.to_numpy(),
        "Hình thức": c["form"].to_numpy(),
        "Có mặt": marks["present"].fillna(False).astype(bool).map({True: "Có mặt", False: "Vắng"}).to_numpy(),
    }, columns=TRAINING_COLUMNS)
    return out.sort_values("Ngày bắt đầu", ascending=False, kind="mergesort").reset_index(drop=True)


def search(ds: Dataset, text: str, *, scope: str | None = None, limit: int = MAX_MATCHES) -> Lookup:
    """The people and collectives of ``scope``'s subtree (None: the province) whose name matches."""
    query = fold(text or "")
    if not query:
        return Lookup(query="", people=(), total=0, exact=True)
    units = ds.tree.subtree(None if scope in (None, ds.tree.root) else scope)
    names = _names(ds, units)
    if not len(names):
        return Lookup(query=query, people=(), total=0, exact=True)
    keys = pd.Series(names["key"].unique())
    pattern = _word_pattern(query)
    hit_keys = set(keys[keys.map(lambda k: bool(pattern.search(k)))])
    exact = bool(hit_keys)
    if not exact:
        hit_keys = set(keys[keys.str.contains(query, regex=False)])
    hits = names[names["key"].isin(hit_keys).to_numpy()]
    groups: dict[tuple[str, str], pd.DataFrame] = dict(tuple(hits.groupby(["key", "unit"], sort=False)))  # type: ignore[arg-type]

    def order(item: tuple[tuple[str, str], pd.DataFrame]) -> tuple[Any, ...]:
        (key, unit), g = item
        return (key != query, -len(g), key, ds.tree.name(unit))

    ranked = sorted(groups.items(), key=order)
    movements = _movement_names(ds)
    people = []
    for (_key, unit), g in ranked[:limit]:
        pos: dict[str, list[Any]] = defaultdict(list)
        for tab, p in zip(g["tab"], g["pos"], strict=True):
            pos[tab].append(p)
        spelled = Counter(g["name"]).most_common(1)[0][0]
        officers = list(ds.frames["CanBo"].loc[pos["CanBo"], "officer"]) if pos["CanBo"] else []
        people.append(Person(
            name=spelled, unit=unit, unit_name=ds.tree.name(unit),
            awards=_awards(ds, ds.frames["KhenThuong"].loc[pos["KhenThuong"]], movements),
            nominations=_nominations(ds, ds.frames["HoSoDanhSach"].loc[pos["HoSoDanhSach"]]),
            exemplars=_exemplars(ds.frames["DienHinh"].loc[pos["DienHinh"]], movements),
            training=_training(ds, officers),
            officer=bool(officers),
        ))
    return Lookup(query=query, people=tuple(people), total=len(groups), exact=exact)


def summary_line(p: Person) -> str:
    """"3 khen thưởng · 1 lần được đề nghị · 2 điển hình · 4 khóa tập huấn" (what was found)."""
    c = p.counts
    parts = [f"{c['awards']} khen thưởng", f"{c['nominations']} lần được đề nghị", f"{c['exemplars']} điển hình"]
    if p.officer:
        present = int((p.training["Có mặt"] == "Có mặt").sum()) if len(p.training) else 0
        parts.append(f"{present} khóa tập huấn đã dự")
    return " · ".join(parts)

