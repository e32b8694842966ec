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

from sheets import clock, reminders, workflow
from sheets import schema as S
from sheets.errors import PartialWriteError, PermissionDenied, ValidationError, WriteError
from sheets.load import Dataset, User, load
from sheets.owners import HOME, Records, resolve_refs
from sheets.parse import ERROR, Problem, parse_rows
from sheets.stores.base import Cell, Store

YES_TEXT, NO_TEXT = "Có", "Không"


@dataclass(frozen=True)
class WriteResult:
    write_id: str
    rows: int
    sheets: dict[str, int]  # spreadsheet -> rows written there
    already: bool = False  # the write had landed before (a retry); nothing was added
    added: int | None = None  # rows this call added (a retry completing a partial write adds fewer)

    @property
    def rows_added(self) -> int:
        return self.rows if self.added is None else self.added

    @property
    def completed(self) -> bool:
        """A retry that added the rows an earlier, interrupted attempt had left out."""
        return not self.already and self.rows_added < self.rows


def new_write_id() -> str:
    return "W" + uuid.uuid4().hex[:20].upper()


def actor_for(ds: Dataset, email: str) -> User:
    user = ds.users.get(email.strip().lower())
    if user is None:
        raise PermissionDenied(f"Tài khoản «{email}» chưa được cấp quyền (không có trong trang NguoiDung).")
    return user


def can_write_tab(user: User, tab: str) -> bool:
    if tab == "NhacViec":  # reminders: their own rules (SPEC 8)
        return reminders.may_remind(user)
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


def _coded(tab: S.Tab) -> bool:
    """A tab whose key is one code naming a record per home spreadsheet owner (SPEC 3.3)."""
    return bool(tab.unit_attr) and not tab.registry_only and len(tab.key_attrs) == 1 \
        and tab.unit_attr not in tab.key_attrs


def _records_of(ds: Dataset, tab: S.Tab, code: Any) -> pd.DataFrame:
    """The winning version of every record (any H) whose code, as typed, is ``code``."""
    key = tab.key_attrs[0]
    v = ds.versions[tab.name]
    w = v[v["_winner"]]
    return w[w[key].map(lambda k: ds.raw_code(tab.name, k)) == code]


def record_owners(ds: Dataset, tab: S.Tab) -> dict[tuple[Any, ...], str]:
    """Key (the record id shown in the frames) -> the unit its current (winning) version
    concerns, for tabs whose key does not include the unit. Ids are unique (``sheets.owners``)."""
    if not _coded(tab):
        return {}
    v = ds.versions[tab.name]
    w = v[v["_winner"]]
    keys = zip(*(w[a] for a in tab.key_attrs), strict=True)
    return {tuple(k): str(u) for k, u in zip(keys, w[tab.unit_attr], strict=True)}


def sheet_scope(ds: Dataset, sheet: str) -> frozenset[str]:
    """The units a spreadsheet may hold rows about: its owners' subtrees (SPEC 3)."""
    if sheet == ds.registry:
        return ds.tree.subtree(None)
    owners = [u for u, s in ds.own_sheet.items() if s == sheet]
    return frozenset().union(*(ds.tree.subtree(u) for u in owners))


def _void_row(tab: S.Tab, rec: pd.Series, code: Any) -> dict[str, Any]:
    """A full copy of a record's current version, marked ``Hủy`` (audit columns left to the door)."""
    row: dict[str, Any] = {}
    for c in tab.all_columns:
        v = None if c.attr in ("stamp", "author", "write_id") else rec[c.attr]
        if v is pd.NaT or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
            v = None
        if isinstance(v, pd.Timestamp):
            v = v.to_pydatetime().date() if c.kind is S.Kind.DATE else v.to_pydatetime()
        row[c.attr] = v
    row[tab.key_attrs[0]] = code
    row["void"] = True
    return row


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
    frame = parsed.frame.copy()
    moves: list[tuple[str, dict[str, Any]]] = []  # (old home spreadsheet, void row) of records moved
    if tab.name == "NhacViec" and len(frame):
        reminders.check_write(ds, user, frame)
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
            issue = _attendance_refs(ds, row, unit, line)
            if issue is not None:
                problems.append(issue)
                continue
            frame.at[i, "course"] = ds.raw_code("KhoaHoc", row["course"])
            frame.at[i, "officer"] = ds.raw_code("CanBo", row["officer"])
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
        home = ds.home_sheet(unit)
        if _coded(tab) and ds.homes is not None:
            # the row is a version of the record (code, H of its unit); other live records of the
            # code are moved here (voided under their H) when the actor may write them (SPEC 3.3)
            key = tab.key_attrs[0]
            code = ds.raw_code(tab.name, row[key])
            frame.at[i, key] = code
            recs = _records_of(ds, tab, code)
            same = recs[recs[HOME] == home]
            others = recs[(recs[HOME] != home) & ~recs["void"].astype(bool)]
            blocking = [str(u) for u in (same if len(same) else others)[tab.unit_attr]
                        if allowed is not None and u not in allowed]
            if blocking:
                raise PermissionDenied(
                    f"Mã «{code}» đã là bản ghi của đơn vị {ds.tree.name(blocking[0])}, nằm ngoài phạm vi của tài "
                    f"khoản «{user.email}»; không thể ghi đè hay hủy bản ghi đó. Hãy dùng mã khác."
                )
            if not len(same):
                moves.extend((str(h), _void_row(tab, rec, code)) for h, (_, rec) in zip(others[HOME], others.iterrows(),
                                                                                        strict=True))
        else:
            # a new version of a record replaces the old one: the old one must be the actor's too
            owner = owners.get(tuple(row[a] for a in tab.key_attrs))
            if allowed is not None and owner is not None and owner not in allowed:
                shown = " / ".join(str(row[a]) for a in tab.key_attrs)
                raise PermissionDenied(
                    f"Mã «{shown}» đã là bản ghi của đơn vị {ds.tree.name(owner)}, nằm ngoài phạm vi của tài khoản "
                    f"«{user.email}»; không thể ghi đè hay hủy bản ghi đó. Hãy dùng mã khác."
                )
        targets[home].append(int(str(i)))
    bad_rows = len(rows) - len(frame)
    if problems or bad_rows:
        if len(rows) == 1:  # one form on screen: it is the form that is not valid, not "1 dòng"
            raise ValidationError("Biểu mẫu chưa hợp lệ; chưa ghi gì.", problems)
        raise ValidationError(
            f"Có {len({p.row for p in problems}) or bad_rows} dòng không hợp lệ; chưa ghi gì.", problems
        )
    if moves:  # the voiding halves of moves, written with the same write id
        extra = parse_rows(tab, [r for _, r in moves], spreadsheet="(biểu mẫu)").frame
        start = len(frame)
        frame = pd.concat([frame, extra], ignore_index=True)
        for n, (sheet, _) in enumerate(moves):
            targets[sheet].append(start + n)

    wid = write_id or new_write_id()
    stamp = clock.stamp()
    flow = workflow.check_write(ds, user, tab, frame, stamp)  # SPEC 7 steps; raises when refused
    if flow is not None:
        targets, stamp = defaultdict(list, flow.targets), flow.stamp
    header = tab.headers
    written: dict[str, int] = {}
    added = 0
    records = frame.to_dict("records")  # one conversion, not a Series per row
    for sheet, idxs in targets.items():
        grid: list[list[Cell]] = []
        for i in idxs:
            r = records[i]
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
            # a caller's id may have landed before (a retry): check and append as one step
            landed_now = (_append_once(store, sheet, tab.name, header, grid, wid) if write_id is not None
                          else _append_new(store, sheet, tab.name, header, grid))
        except Exception as exc:  # an unclear failure: did it land?
            try:
                landed = store.has_write_id(sheet, tab.name, wid)
            except Exception:
                landed = False
            if not landed:
                _raise_unfinished(targets, written, sheet, wid, exc)
            landed_now = True
        finally:
            store.invalidate(sheet)
        written[sheet] = len(idxs)
        added += len(idxs) if landed_now else 0
    return WriteResult(wid, len(frame), written, already=added == 0, added=added)


def _append_new(store: Store, sheet: str, tab: str, header: list[str], grid: list[list[Cell]]) -> bool:
    store.append_rows(sheet, tab, header, grid)  # a fresh id: nothing to check
    return True


def _append_once(store: Store, sheet: str, tab: str, header: list[str], grid: list[list[Cell]], wid: str) -> bool:
    once = getattr(store, "append_once", None)
    if once is not None:
        return bool(once(sheet, tab, header, grid, wid))
    # a store without the atomic step (a test double): check, then append
    if store.has_write_id(sheet, tab, wid):
        return False
    store.append_rows(sheet, tab, header, grid)
    return True


def _raise_unfinished(targets: dict[str, list[int]], written: dict[str, int], failed: str, wid: str,
                      exc: BaseException) -> None:
    """Say exactly what landed: nothing (a plain failure), or part of a multi-spreadsheet write."""
    if not written:
        raise WriteError(
            f"Chưa ghi được vào bảng tính «{failed}»: {exc}. Dữ liệu bạn nhập vẫn còn; hãy thử lại."
        ) from exc
    missing = {s: len(i) for s, i in targets.items() if s not in written}
    done, left = sum(written.values()), sum(missing.values())
    raise PartialWriteError(
        f"Mới ghi được {done} trong {done + left} dòng (vào bảng tính {', '.join(written)}); "
        f"chưa ghi được {left} dòng vào bảng tính {', '.join(missing)}: {exc}. "
        "Bấm ghi lại để ghi nốt các dòng còn thiếu; các dòng đã ghi không bị ghi lại lần nữa.",
        write_id=wid, written=dict(written), missing=missing,
    ) from exc


def _attendance_refs(ds: Dataset, row: pd.Series, organiser: str, line: int) -> Problem | None:
    """The course and officer codes, read back from the course's home spreadsheet, must name
    the same records (SPEC 3.3); else the row would be an error once written."""
    if ds.homes is None:
        return None
    home = ds.home_sheet(organiser)
    scope = {home: sheet_scope(ds, home)}
    for tab_name, attr, label in (("KhoaHoc", "course", "Mã khóa"), ("CanBo", "officer", "Mã cán bộ")):
        records = Records.of(ds.versions[tab_name], attr, ds.homes, tab_name)
        raw = ds.raw_code(tab_name, row[attr])
        hit = resolve_refs(pd.Series([raw], dtype=object), pd.Series([home], dtype=object), records, ds.homes,
                           scope).iloc[0]
        if hit != row[attr]:
            return Problem(ERROR, "(biểu mẫu)", "DiemDanh", line, label, str(row[attr]),
                           f"{label} «{raw}» là bản ghi của đơn vị ngoài phạm vi bảng tính của khóa tập huấn.",
                           "Chọn cán bộ của đơn vị trong phạm vi đơn vị tổ chức khóa (hoặc của tỉnh).")
    return None


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
