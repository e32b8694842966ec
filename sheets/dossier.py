"""The steps people take on a dossier (SPEC 7), each one full row through the write door.

Every function copies the dossier's current record, changes the fields its step sets and
appends it with ``sheets.write.append``; ``sheets.workflow`` decides whether the step is
permitted and where it goes. Pass ``write_id`` to make a retry safe: a step whose write
already landed is not written again, and the rows a step writes besides its dossier version
(the cleared results of a return, the awards of a decision) carry ids derived from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

from sheets import clock
from sheets import schema as S
from sheets.errors import ValidationError
from sheets.load import Dataset, load
from sheets.stores.base import Store
from sheets.workflow import award_code, dossier_lines, dossier_record, receiver_of
from sheets.write import WriteResult, actor_for, append, new_write_id


@dataclass(frozen=True)
class StepResult:
    write_id: str
    dossier: WriteResult | None  # None when the dossier version had landed before (a retry)
    lines: WriteResult | None = None
    awards: WriteResult | None = None


def next_code(ds: Dataset, unit: str, year: int) -> str:
    """``HS<year>-<unit>-<n>``, n one more than any code of that form already used."""
    prefix = f"HS{year}-{unit}-"
    used = set(ds.versions["HoSo"]["dossier"]) if len(ds.versions["HoSo"]) else set()
    n = 1
    for code in used:
        tail = str(code)[len(prefix):] if str(code).startswith(prefix) else ""
        if tail.isdigit():
            n = max(n, int(tail) + 1)
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"


def _plain(v: Any, kind: S.Kind) -> Any:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if kind is S.Kind.DATE and isinstance(v, datetime):
        return v.date()
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def record_row(tab: S.Tab, rec: Mapping[str, Any] | pd.Series) -> dict[str, Any]:
    """A record as a row to write again (audit columns left for the door to stamp)."""
    return {c.attr: _plain(rec[c.attr], c.kind) for c in tab.all_columns if c.attr not in ("stamp", "author", "write_id")}


def _ds(store: Store, dataset: Dataset | None) -> Dataset:
    return dataset if dataset is not None else load(store)


def _landed(store: Store, ds: Dataset, code: str, wid: str) -> bool:
    rec = dossier_record(ds, code)
    if rec is None:
        return False
    unit = str(rec["unit"])
    sheets = {ds.home_sheet(unit), ds.home_sheet(receiver_of(ds.tree, unit)), ds.registry}
    return any(store.has_write_id(s, "HoSo", wid) for s in sheets)


def create(
    store: Store, actor: str, *, unit: str, year: int, summary: str, type: str | None = None,
    movement: str | None = None, submission_no: str | None = None, code: str | None = None,
    dataset: Dataset | None = None, write_id: str | None = None,
) -> tuple[str, WriteResult]:
    """A new dossier in ``Nháp``; returns its code."""
    ds = _ds(store, dataset)
    unit = unit.strip().upper()
    code = code or next_code(ds, unit, year)
    row = {"dossier": code, "unit": unit, "year": year, "summary": summary, "type": type, "movement": movement,
           "status": S.DOSSIER_DRAFT, "submission_no": submission_no}
    return code, append(store, "HoSo", [row], actor, dataset=ds, write_id=write_id)


def save_lines(
    store: Store, actor: str, code: str, rows: Sequence[Mapping[str, Any]], *, dataset: Dataset | None = None,
    write_id: str | None = None,
) -> WriteResult:
    """Add or change list rows (without results). A row without ``line`` takes the next STT."""
    ds = _ds(store, dataset)
    existing = dossier_lines(ds, code, voided=True)
    n = int(existing["line"].max()) if len(existing) else 0
    out: list[dict[str, Any]] = []
    for r in rows:
        row = {k: v for k, v in r.items() if k not in ("result", "vote", "Kết quả", "Tỉ lệ phiếu (%)")}
        row["dossier"] = code
        if row.get("line") is None and row.get("STT") is None:
            n += 1
            row["line"] = n
        out.append(row)
    return append(store, "HoSoDanhSach", out, actor, dataset=ds, write_id=write_id)


def remove_line(store: Store, actor: str, code: str, line: int, *, dataset: Dataset | None = None) -> WriteResult:
    ds = _ds(store, dataset)
    cur = dossier_lines(ds, code)
    hit = cur[cur["line"] == line]
    if not len(hit):
        raise ValidationError(f"Hồ sơ «{code}» không có dòng STT {line}.")
    row = record_row(S.HO_SO_DANH_SACH, hit.iloc[-1])
    row["void"] = True
    return append(store, "HoSoDanhSach", [row], actor, dataset=ds)


def step(
    store: Store, actor: str, code: str, status: str, *, dataset: Dataset | None = None,
    write_id: str | None = None, **fields: Any,
) -> StepResult:
    """Take one step: the current record with ``status`` and the step's fields.

    Dates default to today (``Ngày gửi`` on sending, ``Ngày tiếp nhận`` on receiving,
    ``Ngày xét duyệt`` on review). A return also clears every list row's result; a decision
    also appends its awards (``record_decision``)."""
    ds = _ds(store, dataset)
    wid = write_id or new_write_id()
    rec = dossier_record(ds, code)
    if rec is None:
        raise ValidationError(f"Không tìm thấy hồ sơ «{code}».")
    if _landed(store, ds, code, wid):
        first: WriteResult | None = None
    else:
        row = record_row(S.HO_SO, rec)
        row.update(fields)
        row["status"] = status
        row["void"] = False
        today = clock.today()
        if status == S.DOSSIER_SENT:
            row["sent"] = fields.get("sent") or today
        elif status == S.DOSSIER_RECEIVED:
            row["received"] = fields.get("received") or today
        elif status == S.DOSSIER_REVIEWED:
            row["reviewed"] = fields.get("reviewed") or today
        if status != S.DOSSIER_RETURNED and "return_reason" not in fields:
            row["return_reason"] = rec["return_reason"] if status == S.DOSSIER_DRAFT else None
        first = append(store, "HoSo", [row], actor, dataset=ds, write_id=wid)
    lines = awards = None
    if status == S.DOSSIER_RETURNED:
        ds = load(store)
        lines = _clear_results(store, actor, ds, code, wid + "-DS")
    elif status == S.DOSSIER_DECIDED:
        ds = load(store)
        awards = _append_awards(store, actor, ds, code, wid + "-KT")
    return StepResult(wid, first, lines, awards)


def void_dossier(store: Store, actor: str, code: str, *, dataset: Dataset | None = None,
                 write_id: str | None = None) -> WriteResult:
    ds = _ds(store, dataset)
    rec = dossier_record(ds, code)
    if rec is None:
        raise ValidationError(f"Không tìm thấy hồ sơ «{code}».")
    row = record_row(S.HO_SO, rec)
    row["void"] = True
    return append(store, "HoSo", [row], actor, dataset=ds, write_id=write_id)


def _clear_results(store: Store, actor: str, ds: Dataset, code: str, wid: str) -> WriteResult | None:
    """A return writes every list row again with its result blank: no old result passes a second review."""
    rows = []
    for _, r in dossier_lines(ds, code).iterrows():
        row = record_row(S.HO_SO_DANH_SACH, r)
        row["result"] = None
        row["vote"] = None
        rows.append(row)
    if not rows:
        return None
    return append(store, "HoSoDanhSach", rows, actor, dataset=ds, write_id=wid)


def record_results(
    store: Store, actor: str, code: str, results: Mapping[int, tuple[str | None, float | None]], *,
    dataset: Dataset | None = None, write_id: str | None = None,
) -> WriteResult:
    """The council's result and vote share per list row (STT -> (Kết quả, Tỉ lệ phiếu))."""
    ds = _ds(store, dataset)
    cur = dossier_lines(ds, code)
    rows = []
    for line, (result, vote) in results.items():
        hit = cur[cur["line"] == line]
        if not len(hit):
            raise ValidationError(f"Hồ sơ «{code}» không có dòng STT {line}.")
        row = record_row(S.HO_SO_DANH_SACH, hit.iloc[-1])
        row["result"], row["vote"] = result, vote
        rows.append(row)
    if not rows:
        raise ValidationError("Chưa có kết quả nào để ghi.")
    return append(store, "HoSoDanhSach", rows, actor, dataset=ds, write_id=write_id)


def record_decision(
    store: Store, actor: str, code: str, *, decision_no: str, decided: date, level: str,
    signer: str | None = None, dataset: Dataset | None = None, write_id: str | None = None,
) -> StepResult:
    """``Đã quyết định`` and its awards. Retry with the same ``write_id`` until it returns:
    the dossier version and the awards are each written once."""
    return step(store, actor, code, S.DOSSIER_DECIDED, dataset=dataset, write_id=write_id,
                decision_no=decision_no, decided=decided, level=level, signer=signer)


def award_rows(ds: Dataset, code: str) -> list[dict[str, Any]]:
    """The ``KhenThuong`` records a decided dossier yields: one per agreed list row."""
    rec = dossier_record(ds, code)
    if rec is None:
        return []
    out = []
    for _, r in dossier_lines(ds, code).iterrows():
        if r["result"] != S.RESULT_AGREED:
            continue
        line = record_row(S.HO_SO_DANH_SACH, r)
        out.append({
            "award": award_code(code, int(r["line"])), "dossier": code, "year": _plain(rec["year"], S.Kind.INT),
            "decision_no": rec["decision_no"], "decided": _plain(rec["decided"], S.Kind.DATE),
            "level": rec["level"], "type": rec["type"], "movement": _plain(rec["movement"], S.Kind.CODE),
            "form": line["form"], "subject": line["subject"], "name": line["name"], "unit": line["unit"],
            "position": line["position"], "group": line["group"], "gender": line["gender"],
            "value": line["value"], "achievement": line["achievement"],
        })
    return out


def _append_awards(store: Store, actor: str, ds: Dataset, code: str, wid: str) -> WriteResult | None:
    rows = award_rows(ds, code)
    if not rows:
        return None
    return append(store, "KhenThuong", rows, actor, dataset=ds, write_id=wid)


def check_actor(ds: Dataset, actor: str) -> None:
    actor_for(ds, actor)  # raises the "not registered" message
