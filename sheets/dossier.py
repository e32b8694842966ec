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


def version_row(ds: Dataset, code: str, status: str, **fields: Any) -> dict[str, Any]:
    """The next ``HoSo`` version of a step: the current record with ``status`` and the step's
    fields. Dates default to today (``Ngày gửi`` on sending, ``Ngày tiếp nhận`` on receiving,
    ``Ngày xét duyệt`` on review)."""
    rec = dossier_record(ds, code)
    if rec is None:
        raise ValidationError(f"Không tìm thấy hồ sơ «{code}».")
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
    return row


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
        first = append(store, "HoSo", [version_row(ds, code, status, **fields)], actor, dataset=ds, write_id=wid)
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


# --- what the pages show (no Streamlit) -------------------------------------------------------
PASTE_COLUMNS = ("Đối tượng", "Tên người hoặc tập thể", "Mã đơn vị", "Nhóm đối tượng", "Chức vụ", "Giới tính",
                 "Hình thức đề nghị", "Thành tích")


def _match(text: str, options: Sequence[str]) -> str | None:
    from sheets.text import fold

    f = fold(text)
    for o in options:
        if fold(o) == f:
            return o
    return None


def parse_paste(ds: Dataset, proposer: str, text: str, *, default_form: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows pasted from a spreadsheet (tab-separated, or ``;``), in the order of ``PASTE_COLUMNS``;
    a header row is skipped. All or nothing: every problem is listed, and no row is returned
    when there is one. Values are matched with or without diacritics."""
    from sheets.text import fold

    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    allowed = ds.tree.subtree(proposer)
    lines = [ln for ln in text.replace("\r\n", "\n").split("\n") if ln.strip()]
    for n, line in enumerate(lines, start=1):
        cells = [c.strip() for c in (line.split("\t") if "\t" in line else line.split(";"))]
        if n == 1 and fold(cells[0]) == fold(PASTE_COLUMNS[0]):
            continue
        cells += [""] * (len(PASTE_COLUMNS) - len(cells))
        subject_t, name, unit_t, group_t, position, gender_t, form, achievement = cells[:8]
        where = f"Dòng {n}"
        subject = _match(subject_t, S.SUBJECTS)
        if subject is None:
            problems.append(f"{where}: «Đối tượng» phải là «Cá nhân» hoặc «Tập thể» (nhận «{subject_t}»).")
        if not name:
            problems.append(f"{where}: thiếu «Tên người hoặc tập thể».")
        unit = (unit_t or proposer).strip().upper()
        if unit not in allowed:
            problems.append(f"{where}: đơn vị «{unit_t}» không thuộc {ds.tree.name(proposer)} "
                            "(chỉ đề nghị cho đơn vị mình và các đơn vị trực thuộc).")
        group = _match(group_t, S.GROUPS) if group_t else None
        if group_t and group is None:
            problems.append(f"{where}: «Nhóm đối tượng» không hợp lệ «{group_t}» (chọn: {', '.join(S.GROUPS)}).")
        gender = _match(gender_t, S.GENDERS) if gender_t else None
        if gender_t and gender is None:
            problems.append(f"{where}: «Giới tính» phải là «Nam» hoặc «Nữ» (nhận «{gender_t}»).")
        rows.append({"subject": subject, "name": name, "unit": unit, "group": group, "position": position or None,
                     "gender": gender, "form": form or default_form, "achievement": achievement or None})
    if not rows and not problems:
        problems.append("Chưa có dòng nào: dán các dòng từ bảng tính (mỗi người hoặc tập thể một dòng).")
    return ([] if problems else rows), problems


def nominee_history(ds: Dataset, name: str, unit: str | None = None) -> pd.DataFrame:
    """Earlier awards and exemplar entries of a name (compared without diacritics or case)."""
    from sheets.text import fold

    key = fold(name)
    out = []
    kt = ds.frames["KhenThuong"]
    if len(kt) and key:
        hit = kt[kt["name"].astype(str).map(fold) == key]
        for _, r in hit.iterrows():
            out.append({"Loại": "Khen thưởng", "Năm": r["year"], "Nội dung": r["form"],
                        "Đơn vị": ds.tree.name(str(r["unit"])), "Số quyết định": r["decision_no"]})
    dh = ds.frames["DienHinh"]
    if len(dh) and key:
        hit = dh[dh["name"].astype(str).map(fold) == key]
        for _, r in hit.iterrows():
            out.append({"Loại": "Điển hình", "Năm": r["year"], "Nội dung": r["kind"],
                        "Đơn vị": ds.tree.name(str(r["unit"])), "Số quyết định": None})
    frame = pd.DataFrame(out, columns=["Loại", "Năm", "Nội dung", "Đơn vị", "Số quyết định"])
    if unit is not None and len(frame):
        frame = frame.assign(_same=frame["Đơn vị"] == ds.tree.name(unit)).sort_values(
            ["_same", "Năm"], ascending=[False, False]).drop(columns="_same")
    return frame.reset_index(drop=True)


def duplicate_warnings(ds: Dataset, code: str, rows: Sequence[Mapping[str, Any]] | None = None) -> list[str]:
    """Before sending: a name twice in the list, a nominee already in another dossier of the
    year, or already awarded the same form in the year."""
    from sheets.text import fold

    rec = dossier_record(ds, code)
    if rec is None:
        return []
    year = int(rec["year"])
    lines = dossier_lines(ds, code)
    items = list(rows) if rows is not None else [dict(r) for _, r in lines.iterrows()]
    out: list[str] = []
    seen: dict[str, Any] = {}
    for r in items:
        key = fold(str(r.get("name") or ""))
        if key in seen:
            out.append(f"«{r['name']}» có hai lần trong danh sách (STT {seen[key]} và {r.get('line')}).")
        seen.setdefault(key, r.get("line"))
    hs = ds.frames["HoSo"]
    others = set(hs.loc[(hs["year"] == year) & (hs["dossier"] != code) & (hs["status"] != S.DOSSIER_WITHDRAWN),
                        "dossier"]) if len(hs) else set()
    all_lines = ds.frames["HoSoDanhSach"]
    if len(all_lines) and others:
        other = all_lines[all_lines["dossier"].isin(others)]
        by_name = {fold(str(n)): d for n, d in zip(other["name"], other["dossier"], strict=True)}
        for r in items:
            hit = by_name.get(fold(str(r.get("name") or "")))
            if hit:
                out.append(f"«{r['name']}» cũng có trong hồ sơ {hit} năm {year}.")
    kt = ds.frames["KhenThuong"]
    if len(kt):
        same_year = kt[(kt["year"] == year) & (kt["dossier"] != code)]  # not the awards this dossier made
        awarded = {(fold(str(n)), fold(str(f))) for n, f in zip(same_year["name"], same_year["form"], strict=True)}
        for r in items:
            if (fold(str(r.get("name") or "")), fold(str(r.get("form") or ""))) in awarded:
                out.append(f"«{r['name']}» đã được khen «{r['form']}» năm {year}: có thể trùng khen thưởng.")
    return out


def inbox(ds: Dataset, user: Any, as_of: date, statuses: Sequence[str] = ()) -> pd.DataFrame:
    """The dossiers this user receives, oldest sending first, with days waiting and overdue."""
    from indicators.pipeline import counted_dossiers
    from sheets.workflow import on_receiving_side

    hs = ds.frames["HoSo"]
    if not len(hs):
        return hs.assign(days=[], overdue=[])
    mine = hs[[on_receiving_side(ds.tree, user, str(u)) for u in hs["unit"]]]
    mine = mine[mine["sent"].notna()]
    if statuses:
        mine = mine[mine["status"].isin(list(statuses))]
    if not len(mine):
        return mine.assign(days=[], overdue=[])
    years = sorted(set(int(y) for y in mine["year"]))
    parts = [counted_dossiers(mine, set(mine["unit"]), y, as_of) for y in years]
    out = pd.concat(parts) if parts else mine
    return out.sort_values("sent", kind="mergesort").reset_index(drop=True)


def parse_upload(ds: Dataset, proposer: str, content: bytes, *, filename: str,
                 default_form: str) -> tuple[list[dict[str, Any]], list[str]]:
    """An uploaded .xlsx list (one sheet, columns as ``PASTE_COLUMNS``), read with the upload
    limits of ``sheets.upload``, then checked as a paste: all or nothing."""
    from sheets.upload import read_sheet

    grid, _, problems = read_sheet(content, "HoSoDanhSach", filename=filename)
    errors = [f"{p.message} {p.fix}".strip() for p in problems if p.severity == "error"]
    if errors:
        return [], errors

    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v).replace("\t", " ").replace("\n", " ").strip()

    text = "\n".join("\t".join(cell(v) for v in row) for row in grid if any(cell(v) for v in row))
    return parse_paste(ds, proposer, text, default_form=default_form)
