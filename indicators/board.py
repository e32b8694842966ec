"""The public honour board (SPEC 7, ``/vinh-danh``): a year's decided commendations and exemplars,
and the dossiers published for comment before the decision. Pure pandas, no I/O, no Streamlit.

Privacy by construction: every record is read through an explicit whitelist of fields
(``*_FIELDS``) into frozen dataclasses that hold only what the public may read. Nothing else of
a row (gender, group, notes, e-mails, phones, votes, results) is ever copied, and
``Thành tích`` passes through ``strip_contacts``. A page draws these objects and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from sheets import schema as S
from sheets.load import Dataset
from sheets.text import fold, strip_contacts

# the dossiers whose lists are published for comment before the decision
PUBLIC_STATUSES = (S.DOSSIER_RECEIVED, S.DOSSIER_REVIEWED)

# the only fields read from each tab (internal attribute names of sheets/schema.py)
AWARD_FIELDS = ("year", "name", "subject", "unit", "form", "level", "decision_no", "decided", "achievement",
                "movement", "dossier")
EXEMPLAR_FIELDS = ("year", "name", "kind", "unit", "movement")
DOSSIER_FIELDS = ("dossier", "year", "summary", "unit", "status")
NOMINEE_FIELDS = ("dossier", "line", "name", "unit", "form", "achievement")
MOVEMENT_FIELDS = ("movement", "name")

_LEVEL_RANK = {lv: i for i, lv in enumerate(S.AWARD_LEVELS)}


@dataclass(frozen=True)
class PublicAward:
    """A decided commendation as the public reads it."""

    name: str
    subject: str  # Cá nhân / Tập thể
    unit_name: str
    form: str  # Hình thức
    level: str  # Cấp khen ("" when not recorded)
    decision_no: str
    decided: date | None
    achievement: str  # Thành tích without e-mails or phone numbers
    movement: str  # Tên phong trào ("" when none)


@dataclass(frozen=True)
class PublicExemplar:
    name: str
    kind: str  # Loại ("" when not recorded)
    unit_name: str
    movement: str


@dataclass(frozen=True)
class PublicNominee:
    name: str
    unit_name: str
    form: str  # Hình thức đề nghị
    achievement: str  # without e-mails or phone numbers


@dataclass(frozen=True)
class PublicDossier:
    """A dossier's list published for comment (never its results or votes)."""

    year: int
    summary: str  # Trích yếu
    unit_name: str  # the proposing unit
    nominees: tuple[PublicNominee, ...]


@dataclass(frozen=True)
class Board:
    year: int | None
    unit: str | None  # the unit whose subtree is shown; None = the whole province
    awards: tuple[PublicAward, ...]
    exemplars: tuple[PublicExemplar, ...]
    dossiers: tuple[PublicDossier, ...]  # every dossier open for comment now, whatever its year

    @property
    def nominee_count(self) -> int:
        return sum(len(d.nominees) for d in self.dossiers)


def _text(v: Any) -> str:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
        return ""
    return " ".join(str(v).split())


def _day(v: Any) -> date | None:
    if v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    return pd.Timestamp(v).date()


def _only(frame: pd.DataFrame, fields: Iterable[str]) -> pd.DataFrame:
    """The whitelisted columns of a frame (a missing one is blank), nothing else."""
    cols = list(fields)
    out = pd.DataFrame({c: (frame[c] if c in frame.columns else pd.Series([None] * len(frame), index=frame.index,
                                                                           dtype=object)) for c in cols})
    return out.reset_index(drop=True)


def _movements(ds: Dataset) -> dict[str, str]:
    pt = _only(ds.frames["PhongTrao"], MOVEMENT_FIELDS)
    return {str(m): _text(n) for m, n in zip(pt["movement"], pt["name"], strict=True) if isinstance(m, str)}


def _decided_awards(ds: Dataset, today: date) -> pd.DataFrame:
    """The commendations that count (the loader's rules) and are decided by today; an award
    from a dossier only while that dossier is decided (the loader checks it too)."""
    kt = _only(ds.frames["KhenThuong"], AWARD_FIELDS)
    if not len(kt):
        return kt
    hs = _only(ds.frames["HoSo"], DOSSIER_FIELDS)
    decided_dossiers = set(hs.loc[(hs["status"] == S.DOSSIER_DECIDED).to_numpy(dtype=bool), "dossier"])
    from_dossier = kt["dossier"].notna()
    ok = kt["decided"].notna() & (kt["decided"] <= pd.Timestamp(today))
    ok &= ~from_dossier | kt["dossier"].isin(decided_dossiers)
    kt = kt[ok.fillna(False).to_numpy(dtype=bool)].copy()
    kt["year"] = kt["year"].fillna(kt["decided"].dt.year).astype("Int64")
    return kt.reset_index(drop=True)


def years(ds: Dataset, today: date) -> list[int]:
    """Years with decided commendations or exemplars, newest first."""
    found = {int(y) for y in _decided_awards(ds, today)["year"].dropna()}
    found |= {int(y) for y in _only(ds.frames["DienHinh"], EXEMPLAR_FIELDS)["year"].dropna()}
    return sorted(found, reverse=True)


def default_year(ds: Dataset, today: date) -> int:
    """The latest year with decided commendations (else with exemplars, else this year)."""
    awarded = _decided_awards(ds, today)["year"].dropna()
    if len(awarded):
        return int(awarded.max())
    all_years = years(ds, today)
    return all_years[0] if all_years else today.year


def unit_options(ds: Dataset) -> list[str]:
    """The province first, then every active or dissolved unit in DonVi order."""
    root = ds.tree.root
    codes = list(ds.tree.parent)
    return ([root] if root else []) + [c for c in codes if c != root]


def _matches(text: str, *parts: str) -> bool:
    return text in fold(" ".join(parts))


def build(ds: Dataset, *, year: int | None, today: date, unit: str | None = None, text: str = "") -> Board:
    """The board of ``year`` for ``unit``'s subtree (None: the province), filtered by ``text``
    (name, unit, form, achievement or movement, ignoring case and diacritics)."""
    scope = None if unit in (None, "", ds.tree.root) else unit
    units = ds.tree.subtree(scope)
    movements = _movements(ds)
    query = fold(text) if text.strip() else ""
    name_of = ds.tree.name

    kt = _decided_awards(ds, today)
    if year is not None:
        kt = kt[(kt["year"] == year).fillna(False).to_numpy(dtype=bool)]
    kt = kt[kt["unit"].isin(units).to_numpy()]
    awards = [
        PublicAward(
            name=_text(r["name"]), subject=_text(r["subject"]), unit_name=name_of(str(r["unit"])),
            form=_text(r["form"]), level=_text(r["level"]), decision_no=_text(r["decision_no"]),
            decided=_day(r["decided"]), achievement=strip_contacts(r["achievement"]),
            movement=movements.get(str(r["movement"]), "") if isinstance(r["movement"], str) else "",
        )
        for r in kt.to_dict("records")
    ]
    if query:
        awards = [a for a in awards if _matches(query, a.name, a.unit_name, a.form, a.achievement, a.movement)]
    awards.sort(key=lambda a: (_LEVEL_RANK.get(a.level, len(_LEVEL_RANK)), fold(a.form), a.decided or date.max,
                               a.subject != S.SUBJECT_PERSON, fold(a.name)))

    dh = _only(ds.frames["DienHinh"], EXEMPLAR_FIELDS)
    if year is not None:
        dh = dh[(dh["year"] == year).fillna(False).to_numpy(dtype=bool)]
    dh = dh[dh["unit"].isin(units).to_numpy()]
    exemplars = [
        PublicExemplar(name=_text(r["name"]), kind=_text(r["kind"]), unit_name=name_of(str(r["unit"])),
                       movement=movements.get(str(r["movement"]), "") if isinstance(r["movement"], str) else "")
        for r in dh.to_dict("records")
    ]
    if query:
        exemplars = [e for e in exemplars if _matches(query, e.name, e.unit_name, e.kind, e.movement)]
    kinds = {k: i for i, k in enumerate(S.EXEMPLAR_KINDS)}
    exemplars.sort(key=lambda e: (kinds.get(e.kind, len(kinds)), fold(e.name)))

    return Board(year=year, unit=scope, awards=tuple(awards), exemplars=tuple(exemplars),
                 dossiers=open_dossiers(ds, units=units, query=query))


def open_dossiers(ds: Dataset, *, units: frozenset[str], query: str = "") -> tuple[PublicDossier, ...]:
    """Dossiers ``Đã tiếp nhận`` / ``Đã xét duyệt`` now, with their list rows (nominees in
    ``units``), for comment before the decision."""
    hs = _only(ds.frames["HoSo"], DOSSIER_FIELDS)
    hs = hs[hs["status"].isin(PUBLIC_STATUSES).to_numpy()]
    lines = _only(ds.frames["HoSoDanhSach"], NOMINEE_FIELDS)
    out: list[PublicDossier] = []
    for d in hs.sort_values(["year", "dossier"], ascending=[False, True], kind="mergesort").to_dict("records"):
        rows = lines[(lines["dossier"] == d["dossier"]).to_numpy()].sort_values("line", kind="mergesort")
        rows = rows[rows["unit"].isin(units).to_numpy()]
        proposer = name_of_unit(ds, d["unit"])
        nominees = [PublicNominee(name=_text(r["name"]), unit_name=name_of_unit(ds, r["unit"]), form=_text(r["form"]),
                                  achievement=strip_contacts(r["achievement"]))
                    for r in rows.to_dict("records")]
        summary = _text(d["summary"])
        if query and not _matches(query, summary, proposer):
            nominees = [n for n in nominees if _matches(query, n.name, n.unit_name, n.form, n.achievement)]
        if not nominees and not (d["unit"] in units and (not query or _matches(query, summary, proposer))):
            continue
        out.append(PublicDossier(year=int(d["year"]), summary=summary, unit_name=proposer, nominees=tuple(nominees)))
    return tuple(out)


def name_of_unit(ds: Dataset, code: Any) -> str:
    return ds.tree.name(str(code)) if isinstance(code, str) else ""
