"""The single write door: ``append(store, tab, rows, actor)`` (SPEC 1, 3, 3.1).

It validates rows with the reading parser, checks the actor's permission against the
resolved unit tree, picks each record's home spreadsheet, stamps the audit columns and
appends. It never edits a cell. A retried write with the same ``write_id`` is not doubled.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

from sheets import clock, workflow
from sheets import schema as S
from sheets.errors import PermissionDenied, ValidationError, WriteError
from sheets.load import Dataset, User, load
from sheets.parse import ERROR, Problem, parse_rows
from sheets.stores.base import Cell, Store

YES_TEXT, NO_TEXT = "Có", "Không"


@dataclass(frozen=True)
class WriteResult:
    write_id: str
    rows: int
    sheets: dict[str, int]  # spreadsheet -> rows written there
    already: bool = False  # the write had landed before (a retry); nothing was added


def new_write_id() -> str:
    return "W" + uuid.uuid4().hex[:20].upper()


def actor_for(ds: Dataset, email: str) -> User:
    user = ds.users.get(email.strip().lower())
    if user is None:
        raise PermissionDenied(f"Tài khoản «{email}» chưa được cấp quyền (không có trong trang NguoiDung).")
    return user


def can_write_tab(user: User, tab: str) -> bool:
    if user.role == S.ROLE_ADMIN:
        return True
    if user.role in (S.ROLE_OFFICER, S.ROLE_DESK):
        return tab in {t.name for t in S.DATA_TABS}
    if user.role == S.ROLE_TRAINER:
        return tab in ("KhoaHoc", "DiemDanh")
    return False


def _canonical(col: S.Column, value: Any) -> Cell:
    """The cell written for a parsed value: readable in a sheet, parsed back identically."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if col.kind is S.Kind.YESNO:
        return YES_TEXT if value else NO_TEXT
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if col.kind is S.Kind.DATE:
        return value.date() if isinstance(value, datetime) else value
    if col.kind is S.Kind.DATETIME:
        return value.isoformat() if isinstance(value, datetime | date) else value
    return value  # type: ignore[no-any-return]


def _concerned_unit(ds: Dataset, tab: S.Tab, row: pd.Series) -> str | None:
    if tab.name == "DiemDanh":
        courses = ds.versions["KhoaHoc"]
        hit = courses[(courses["course"] == row["course"]) & courses["_winner"]]
        return str(hit["unit"].iloc[0]) if len(hit) else None
    if tab.name == "HoSoDanhSach":  # a list row concerns its dossier's proposing unit (SPEC 7)
        rec = workflow.dossier_record(ds, str(row["dossier"]))
        return None if rec is None else str(rec["unit"])
    if tab.unit_attr:
        return str(row[tab.unit_attr])
    return None


def record_owners(ds: Dataset, tab: S.Tab) -> dict[tuple[Any, ...], str]:
    """Key -> the unit its current (winning) version concerns, for tabs whose key does not
    include the unit (a movement, award, officer or course code is province-wide)."""
    if not tab.unit_attr or tab.registry_only or tab.unit_attr in tab.key_attrs:
        return {}
    v = ds.versions[tab.name]
    w = v[v["_winner"]]
    keys = zip(*(w[a] for a in tab.key_attrs), strict=True)
    return {tuple(k): str(u) for k, u in zip(keys, w[tab.unit_attr], strict=True)}


def append(
    store: Store,
    tab_name: str,
    rows: Sequence[dict[str, Any]],
    actor: str,
    *,
    dataset: Dataset | None = None,
    write_id: str | None = None,
) -> WriteResult:
    """Validate, authorise, stamp and append new versions. Raises a ``TdktError`` subclass."""
    tab = S.TABS[tab_name]
    if not rows:
        raise ValidationError("Không có dòng nào để ghi.")
    ds = dataset if dataset is not None else load(store)
    user = actor_for(ds, actor)
    if not can_write_tab(user, tab.name):
        raise PermissionDenied(f"Vai trò «{user.role}» không được ghi vào trang {tab.name}.")

    parsed = parse_rows(tab, rows, spreadsheet="(biểu mẫu)")
    problems: list[Problem] = [p for p in parsed.problems if p.severity == ERROR]
    frame = parsed.frame
    allowed = ds.tree.subtree(user.unit) if user.role not in (S.ROLE_ADMIN, S.ROLE_DESK) else None
    targets: dict[str, list[int]] = defaultdict(list)
    officers = set(ds.versions["CanBo"]["officer"])
    owners = record_owners(ds, tab) if allowed is not None else {}
    for i, row in frame.iterrows():
        line = int(row["_row"])
        unit = _concerned_unit(ds, tab, row)
        if tab.name == "DiemDanh":
            if unit is None:
                problems.append(Problem(ERROR, "(biểu mẫu)", tab.name, line, "Mã khóa", str(row["course"]),
                                        "Mã khóa không có trong KhoaHoc.", "Chọn một khóa tập huấn đã có."))
                continue
            if row["officer"] not in officers:
                problems.append(Problem(ERROR, "(biểu mẫu)", tab.name, line, "Mã cán bộ", str(row["officer"]),
                                        "Mã cán bộ không có trong CanBo.", "Chọn một cán bộ đã có."))
                continue
        if tab.registry_only:
            if tab.name == "DonVi" and row["parent"] is not None and row["parent"] not in ds.tree:
                problems.append(Problem(ERROR, "(biểu mẫu)", tab.name, line, "Mã đơn vị cấp trên",
                                        str(row["parent"]), "Đơn vị cấp trên không có trong DonVi.",
                                        "Chọn đơn vị cấp trên đã có."))
                continue
            targets[ds.registry].append(int(str(i)))
            continue
        if unit is None or unit not in ds.tree:
            problems.append(Problem(ERROR, "(biểu mẫu)", tab.name, line, "Mã đơn vị", str(unit),
                                    "Mã đơn vị không có trong DonVi.", "Chọn một đơn vị đã có."))
            continue
        if allowed is not None and unit not in allowed:
            raise PermissionDenied(
                f"Tài khoản «{user.email}» chỉ được ghi dữ liệu của đơn vị {ds.tree.name(user.unit)} "
                f"và các đơn vị trực thuộc; «{unit}» nằm ngoài phạm vi đó."
            )
        # a new version of a record replaces the old one: the old one must be the actor's too
        owner = owners.get(tuple(row[a] for a in tab.key_attrs))
        if allowed is not None and owner is not None and owner not in allowed:
            shown = " / ".join(str(row[a]) for a in tab.key_attrs)
            raise PermissionDenied(
                f"Mã «{shown}» đã là bản ghi của đơn vị {ds.tree.name(owner)}, nằm ngoài phạm vi của tài khoản "
                f"«{user.email}»; không thể ghi đè hay hủy bản ghi đó. Hãy dùng mã khác."
            )
        targets[ds.home_sheet(unit)].append(int(str(i)))
    bad_rows = len(rows) - len(frame)
    if problems or bad_rows:
        raise ValidationError(
            f"Có {len({p.row for p in problems}) or bad_rows} dòng không hợp lệ; chưa ghi gì.", problems
        )

    wid = write_id or new_write_id()
    stamp = clock.stamp()
    flow = workflow.check_write(ds, user, tab, frame, stamp)  # SPEC 7 steps; raises when refused
    if flow is not None:
        targets, stamp = defaultdict(list, flow.targets), flow.stamp
    header = tab.headers
    written: dict[str, int] = {}
    already = False
    for sheet, idxs in targets.items():
        if write_id is not None and store.has_write_id(sheet, tab.name, wid):
            already = True  # a retry of a write that landed
            written[sheet] = len(idxs)
            continue
        grid: list[list[Cell]] = []
        for i in idxs:
            r = frame.iloc[i]
            line_cells: list[Cell] = []
            for col in tab.all_columns:
                if col.attr == "stamp":
                    line_cells.append(stamp)
                elif col.attr == "author":
                    line_cells.append(user.email)
                elif col.attr == "write_id":
                    line_cells.append(wid)
                elif col.attr == "void":
                    line_cells.append(YES_TEXT if r["void"] else None)
                else:
                    line_cells.append(_canonical(col, r[col.attr]))
            grid.append(line_cells)
        try:
            store.append_rows(sheet, tab.name, header, grid)
        except Exception as exc:  # an unclear failure: did it land?
            try:
                landed = store.has_write_id(sheet, tab.name, wid)
            except Exception:
                landed = False
            if not landed:
                raise WriteError(
                    f"Chưa ghi được vào bảng tính «{sheet}»: {exc}. Dữ liệu bạn nhập vẫn còn; hãy thử lại."
                ) from exc
        finally:
            store.invalidate(sheet)
        written[sheet] = len(idxs)
    return WriteResult(wid, len(frame), written, already)


def void(
    store: Store, tab_name: str, key: dict[str, Any], actor: str, *, dataset: Dataset | None = None,
    write_id: str | None = None,
) -> WriteResult:
    """Append a new version of a record marked ``Hủy`` (its current values kept)."""
    tab = S.TABS[tab_name]
    ds = dataset if dataset is not None else load(store)
    cur = ds.versions[tab.name]
    cur = cur[cur["_winner"]]
    for attr in tab.key_attrs:
        cur = cur[cur[attr] == key[attr]]
    if not len(cur):
        raise ValidationError("Không tìm thấy bản ghi cần hủy.")
    rec = cur.iloc[0]
    row = {c.attr: (None if c.attr in ("stamp", "author", "write_id") else rec[c.attr]) for c in tab.all_columns}
    row = {k: (None if v is pd.NaT or (isinstance(v, float) and pd.isna(v)) or v is pd.NA else v) for k, v in row.items()}
    for k, v in list(row.items()):
        if isinstance(v, pd.Timestamp):
            row[k] = v.to_pydatetime().date() if tab.column(k).kind is S.Kind.DATE else v.to_pydatetime()
    row["void"] = True
    return append(store, tab_name, [row], actor, dataset=ds, write_id=write_id)


def history(ds: Dataset, tab_name: str, key: dict[str, Any]) -> pd.DataFrame:
    """Every version of one record, oldest first, with the winner marked."""
    tab = S.TABS[tab_name]
    v = ds.versions[tab.name]
    for attr in tab.key_attrs:
        v = v[v[attr] == key[attr]]
    return v.reset_index(drop=True)
