"""Read every spreadsheet of a store, resolve versions, check scope (SPEC 3, 3.3).

The registry is read first; its ``DonVi`` names the linked spreadsheets, which are read
together. Each data tab's rows are stacked, scope-checked, then resolved to one winning
version per key. A broken tab, row or cell never stops the rest from loading.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from sheets import clock
from sheets import schema as S
from sheets.gcpause import gc_paused
from sheets.owners import (
    FUTURE_GRACE,
    HOME,
    Homes,
    Records,
    build_homes,
    future_stamps,
    resolve_refs,
    split_by_home,
)
from sheets.parse import ERROR, META_COLUMNS, WARNING, ParsedColumns, Problem, match_tab, parse_columns
from sheets.reminders import check_read
from sheets.stores.base import SheetRead, Store


@dataclass(frozen=True)
class User:
    email: str
    name: str
    role: str
    unit: str


class UnitTree:
    """The union hierarchy from resolved ``DonVi`` records."""

    def __init__(self, units: pd.DataFrame) -> None:
        self.units = units.set_index("unit", drop=False) if len(units) else units
        self.parent: dict[str, str | None] = {}
        self.children: dict[str, list[str]] = defaultdict(list)
        for code, parent in zip(units["unit"], units["parent"], strict=True):
            self.parent[code] = parent if isinstance(parent, str) else None
        for code, parent in self.parent.items():
            if parent is not None:
                self.children[parent].append(code)
        roots = [c for c in units.loc[units["level"] == S.LEVEL_PROVINCE, "unit"]] if len(units) else []
        self.root: str | None = roots[0] if roots else None
        self._subtree: dict[str, frozenset[str]] = {}

    def __contains__(self, code: object) -> bool:
        return code in self.parent

    def subtree(self, code: str | None) -> frozenset[str]:
        """The unit and everything below it; the whole province for None or the root."""
        if code is None:
            return frozenset(self.parent)
        hit = self._subtree.get(code)
        if hit is not None:
            return hit
        out: list[str] = []
        stack = [code] if code in self.parent else []
        while stack:
            c = stack.pop()
            out.append(c)
            stack.extend(self.children.get(c, ()))
        result = frozenset(out)
        self._subtree[code] = result
        return result

    def ancestors(self, code: str) -> list[str]:
        out: list[str] = []
        seen = {code}
        p = self.parent.get(code)
        while p is not None and p not in seen:
            out.append(p)
            seen.add(p)
            p = self.parent.get(p)
        return out

    def name(self, code: str) -> str:
        if code in self.parent and len(self.units):
            return str(self.units.at[code, "name"])
        return code

    def level(self, code: str) -> str | None:
        if code in self.parent and len(self.units):
            return str(self.units.at[code, "level"])
        return None

    def upper_units(self) -> list[str]:
        if not len(self.units):
            return []
        return list(self.units.loc[self.units["level"] == S.LEVEL_UPPER, "unit"])


@dataclass
class Dataset:
    source: str
    registry: str
    sheets: list[str]  # registry first, then linked spreadsheets in DonVi row order
    frames: dict[str, pd.DataFrame]  # current records (winning, not voided, in scope)
    versions: dict[str, pd.DataFrame]  # every valid, in-scope version, with ``_winner``
    problems: list[Problem]
    tree: UnitTree
    users: dict[str, User]
    sheet_urls: dict[str, str | None] = field(default_factory=dict)
    sheet_errors: dict[str, str] = field(default_factory=dict)
    own_sheet: dict[str, str] = field(default_factory=dict)  # unit -> its own spreadsheet (store name)
    tab_gids: dict[tuple[str, str], int] = field(default_factory=dict)  # (spreadsheet, tab) -> gid
    col_index: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (sheet, tab, header) -> col
    loaded_at: datetime = field(default_factory=clock.now)
    homes: Homes | None = None  # whose record a key names (SPEC 3.3); None only for hand-built datasets

    def raw_code(self, tab: str, code: Any) -> Any:
        """The code as typed in the sheet for a record id of ``tab`` (see ``sheets.owners``)."""
        return self.homes.raw(tab, code) if self.homes is not None else code

    def thresholds(self, year: int) -> dict[str, float]:
        out = dict(S.DEFAULT_THRESHOLDS)
        ct = self.frames["ChiTieu"]
        for code, value in zip(
            ct.loc[ct["year"] == year, "code"], ct.loc[ct["year"] == year, "threshold"], strict=True
        ):
            out[str(code)] = float(value)
        return out

    def deadlines(self, year: int) -> dict[str, date]:
        out = {p: date(year, m, d) for p, (m, d) in S.DEFAULT_DEADLINES.items()}
        kb = self.frames["KyBaoCao"]
        sel = kb[kb["year"] == year]
        for period, deadline in zip(sel["period"], sel["deadline"], strict=True):
            out[str(period)] = pd.Timestamp(deadline).date()
        return out

    def home_sheet(self, unit: str) -> str:
        """The unit's own spreadsheet, else its nearest ancestor's, up to the registry."""
        for code in [unit, *self.tree.ancestors(unit)]:
            sheet = self.own_sheet.get(code)
            if sheet:
                return sheet
        return self.registry

    def problem_counts(self) -> dict[str, int]:
        return {
            ERROR: sum(1 for p in self.problems if p.severity == ERROR),
            WARNING: sum(1 for p in self.problems if p.severity == WARNING),
        }

    def problems_frame(self) -> pd.DataFrame:
        cols = ["severity", "spreadsheet", "tab", "row", "column", "value", "message", "fix"]
        return pd.DataFrame([p.as_dict() for p in self.problems], columns=cols)


# ---------------------------------------------------------------------------------------


def _datetimes(values: list[Any]) -> np.ndarray:
    """Parsed dates, date-times or None (NaT) as datetime64[ns]. numpy converts a Python date
    slowly (about a microsecond each) and columns repeat values: each distinct one is converted
    once, then taken."""
    distinct = dict.fromkeys(values)  # a date never equals a date-time, so neither is lost
    at = dict(zip(distinct, range(len(distinct)), strict=True))
    taken = np.fromiter(map(at.__getitem__, values), dtype=np.intp, count=len(values))
    return np.array(list(distinct), dtype="datetime64[ns]")[taken]


_NUMBER_TYPES = frozenset({int, float, type(None)})


def _typed_frame(tab: S.Tab, columns: dict[str, list[Any]]) -> pd.DataFrame:
    """One frame for a tab, from the column lists of all its spreadsheets, typed per column kind."""
    out: dict[str, Any] = {}
    for col in tab.all_columns:
        values = columns[col.attr]
        if col.kind in (S.Kind.DATE, S.Kind.DATETIME):
            out[col.attr] = _datetimes(values)
        elif col.kind is S.Kind.INT:
            out[col.attr] = pd.array(values, dtype="Int64")
        elif col.kind in (S.Kind.NUMBER, S.Kind.PERCENT):
            if set(map(type, values)) <= _NUMBER_TYPES:  # parsed numbers (within 10^15, exact) or None: NaN
                out[col.attr] = np.array(values, dtype=float)
            else:
                out[col.attr] = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype(float)
        elif col.kind is S.Kind.YESNO:
            if set(map(type, values)) <= {bool}:  # parsed yes/no cells are bools
                out[col.attr] = np.array(values, dtype=bool)
            else:
                out[col.attr] = np.array([v is not None and bool(v) for v in values], dtype=bool)
        else:
            out[col.attr] = pd.Series(values, dtype=object)
    out["_sheet"] = pd.Series(columns["_sheet"], dtype=object)
    out["_sheet_idx"] = np.array(columns["_sheet_idx"], dtype="int64")
    out["_tab"] = pd.Series(columns["_tab"], dtype=object)
    out["_row"] = np.array(columns["_row"], dtype="int64")
    return pd.DataFrame(out)


def _stack(tab: S.Tab, parts: Iterable[tuple[int, ParsedColumns]]) -> pd.DataFrame:
    """Stack a tab's parts; each part's spreadsheet index is its place in this load (a kept
    parse may have moved when DonVi's rows did)."""
    names = [c.attr for c in tab.all_columns] + META_COLUMNS
    columns: dict[str, list[Any]] = {n: [] for n in names}
    for idx, p in parts:
        if p.columns:
            for n in names:
                if n == "_sheet_idx":
                    columns[n].extend([idx] * len(p.columns[n]))
                else:
                    columns[n].extend(p.columns[n])
    return _typed_frame(tab, columns)


# A stacked tab and where each of its parts' rows lie in it: id(part) -> (part, start, end)
Ranges = dict[int, tuple[ParsedColumns, int, int]]


def _ranges(parts: Iterable[tuple[int, ParsedColumns]]) -> Ranges:
    out: Ranges = {}
    at = 0
    for _, p in parts:
        if p.columns:
            n = len(p.columns["_row"])
            out[id(p)] = (p, at, at + n)
            at += n
    return out


def _restack(tab: S.Tab, parts: tuple[tuple[int, ParsedColumns], ...], before: tuple[pd.DataFrame, Ranges] | None
             ) -> tuple[pd.DataFrame, Ranges]:
    """``_stack(tab, parts)``, and each part's rows in it. With ``before`` (the last stack of
    this tab and its ranges), the typed rows of parts that were in it are sliced from it and
    only the other parts are typed: typing is per value (a part's rows type the same alone or
    stacked), so the frame equals ``_stack``'s; a reload after one write re-types one
    spreadsheet's rows instead of the province's."""
    ranges = _ranges(parts)
    if before is None or not ranges:
        return _stack(tab, parts), ranges
    old, old_ranges = before
    new_parts = [(0, p) for p, _, _ in ranges.values() if old_ranges.get(id(p), (None,))[0] is not p]
    if len(new_parts) == len(ranges):
        return _stack(tab, parts), ranges
    fresh = _stack(tab, new_parts) if new_parts else old.iloc[:0]
    fresh_ranges = _ranges(new_parts)
    runs: list[list[Any]] = []  # [source frame, start, end], adjacent slices of one source merged
    for key, (p, _, _) in ranges.items():
        hit = old_ranges.get(key)
        src, s0, s1 = (old, hit[1], hit[2]) if hit is not None and hit[0] is p else (fresh, *fresh_ranges[key][1:])
        if runs and runs[-1][0] is src and runs[-1][2] == s0:
            runs[-1][2] = s1
        else:
            runs.append([src, s0, s1])
    out: dict[str, Any] = {}
    for name in old.columns:
        if name == "_sheet_idx":
            continue
        pieces = [src[name].array[a:b] for src, a, b in runs]
        arr = type(pieces[0])._concat_same_type(pieces)
        if isinstance(arr, pd.arrays.NumpyExtensionArray):
            values = arr.to_numpy()
            out[name] = pd.Series(values, dtype=object) if values.dtype == object else values
        else:
            out[name] = arr
    counts = [e - s for _, s, e in ranges.values()]
    idx = [i for i, p in parts if p.columns]
    out["_sheet_idx"] = np.repeat(np.array(idx, dtype="int64"), counts)
    return pd.DataFrame({n: out[n] for n in old.columns}), ranges


def _row_problems(
    frame: pd.DataFrame, mask: pd.Series | np.ndarray, *, severity: str, column: str, attr: str,
    message: str, fix: str,
) -> list[Problem]:
    sel = frame[np.asarray(mask, dtype=bool)]
    return [
        Problem(severity, sh, tb, int(rw), column, _shown_value(v), message, fix)
        for sh, tb, rw, v in zip(sel["_sheet"], sel["_tab"], sel["_row"], sel[attr], strict=True)
    ]


def _shown_value(v: object) -> str:
    """A parsed value as the sheet shows it (a yes/no cell reads Có/Không, not True/False)."""
    if v is None or v is pd.NA:
        return ""
    if isinstance(v, bool | np.bool_):
        return "Có" if v else "Không"
    return str(v)


def resolve(
    tab: S.Tab, frame: pd.DataFrame, problems: list[Problem], *, homes: Homes | None = None,
    names: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Order versions (SPEC 3.3) and return (all versions with ``_winner``, current records).

    With a ``_home`` column, versions belong to the record (key, H), H being that column."""
    keys = list(tab.key_attrs)
    record = [*keys, HOME] if HOME in frame.columns else keys
    if not len(frame):
        versions = frame.assign(_winner=pd.Series([], dtype=bool))
        return versions, frame.copy()
    # order: unstamped rows first (NaT is the smallest int64), then by stamp, spreadsheet, row;
    # stable, as a mergesort on (stamped, stamp, spreadsheet, row) with NaN first
    stamp = frame["stamp"].to_numpy(dtype="datetime64[ns]").view("int64")
    order = np.lexsort((frame["_row"].to_numpy(), frame["_sheet_idx"].to_numpy(), stamp))
    if not (order == np.arange(len(order))).all():  # rows often come in order already
        frame = frame.take(order)
    frame = frame.reset_index(drop=True)  # a new frame: the caller's keeps its columns
    # each row's record as one integer (a NA equals a NA, as in ``duplicated``), computed once
    # for both the winners and the repeated records
    ids = _record_ids(frame, record)
    frame["_winner"] = ~_duplicated(ids, "last")
    # the same record in two spreadsheets is a warning, once per record
    repeated = np.flatnonzero(_duplicated(ids, False))
    if len(repeated):
        rep_ids = ids[repeated]
        sheet_codes, sheet_names = pd.factorize(frame["_sheet"].to_numpy()[repeated])
        pairs = pd.unique(rep_ids * len(sheet_names) + sheet_codes)  # (record, spreadsheet), once each
        multi_ids = pd.Series(pairs // len(sheet_names)).value_counts()
        multi = set(multi_ids[multi_ids > 1].index)
        if multi:
            sheet_col, tab_col, row_col = frame["_sheet"].to_numpy(), frame["_tab"].to_numpy(), frame["_row"].to_numpy()
            key_cols = [frame[k].to_numpy() for k in keys]
            rows_of: dict[int, list[int]] = {}
            for pos, rid in zip(repeated.tolist(), rep_ids.tolist(), strict=True):
                if rid in multi:
                    rows_of.setdefault(rid, []).append(pos)
            for rows in rows_of.values():  # in order of each record's first row, as groupby(sort=False)
                w = rows[-1]  # the record's winner: its last version
                shown = " / ".join(str(c[w]) for c in key_cols)
                sheets = sorted({sheet_col[r] for r in rows})
                problems.append(
                    Problem(
                        WARNING, str(sheet_col[w]), str(tab_col[w]), int(row_col[w]), tab.column(keys[0]).name, shown,
                        "Cùng một mã có mặt trong nhiều bảng tính (" + ", ".join(sheets) + "); dùng phiên bản mới nhất.",
                        "Giữ bản ghi ở bảng tính của đơn vị, xóa hoặc đổi mã bản ghi trùng.",
                    )
                )
    if homes is not None and HOME in frame.columns and len(keys) == 1 and tab.unit_attr not in keys:
        frame = split_by_home(tab.name, keys[0], tab.column(keys[0]).name, frame, homes, names or {}, problems)
    live = np.flatnonzero(frame["_winner"].to_numpy() & ~frame["void"].to_numpy(dtype=bool))
    current = frame[[c for c in frame.columns if c != "_winner"]].take(live).reset_index(drop=True)
    return frame, current


def _record_ids(frame: pd.DataFrame, record: list[str]) -> np.ndarray:
    """Each row's record as an int64, equal exactly where ``frame.duplicated(record)`` sees the
    same record (every NA the same value)."""
    ids: np.ndarray | None = None
    for c in record:
        codes, uniques = pd.factorize(frame[c].array)
        codes = np.where(codes < 0, len(uniques), codes).astype("int64")  # NA: a value of its own
        ids = codes if ids is None else pd.factorize(ids * (len(uniques) + 1) + codes)[0].astype("int64")
    assert ids is not None
    return ids


def _duplicated(ids: np.ndarray, keep: Any) -> np.ndarray:
    return pd.Series(ids, copy=False).duplicated(keep=keep).to_numpy()


def _check_tree(units: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    """Drop units whose parent is missing or that sit in a cycle; require one root."""
    fix_parent = "Nhập mã đơn vị cấp trên có trong trang DonVi."
    roots = units[units["level"] == S.LEVEL_PROVINCE]
    if len(roots) != 1:
        msg = "Không có đơn vị cấp Tỉnh." if len(roots) == 0 else "Có nhiều hơn một đơn vị cấp Tỉnh."
        r = roots.iloc[0] if len(roots) else None
        problems.append(
            Problem(ERROR, str(r["_sheet"]) if r is not None else "", "DonVi", int(r["_row"]) if r is not None else None,
                    "Cấp", S.LEVEL_PROVINCE, msg, "Trang DonVi phải có đúng một đơn vị cấp Tỉnh.")
        )
        if len(roots) > 1:
            units = units.drop(roots.index[1:])
    codes = set(units["unit"])
    parent = dict(zip(units["unit"], units["parent"], strict=True))
    level = dict(zip(units["unit"], units["level"], strict=True))
    bad: dict[str, str] = {}
    for code in units["unit"]:
        p = parent[code]
        if level[code] == S.LEVEL_PROVINCE:
            if isinstance(p, str):
                parent[code] = None
            continue
        if not isinstance(p, str):
            bad[code] = "Thiếu mã đơn vị cấp trên."
        elif p not in codes:
            bad[code] = f"Đơn vị cấp trên «{p}» không có trong DonVi."
        elif level.get(p) == S.LEVEL_GRASSROOTS:
            bad[code] = f"Đơn vị cấp trên «{p}» là công đoàn cơ sở."
    # walk up from each unit; a unit that never reaches the root is in (or under) a cycle
    ok: set[str] = {c for c in codes if level[c] == S.LEVEL_PROVINCE}
    for code in units["unit"]:
        path: list[str] = []
        c: str | None = code
        while c is not None and c not in ok and c not in bad and c not in path:
            path.append(c)
            p = parent.get(c)
            c = p if isinstance(p, str) else None
        if c is not None and c in ok:
            ok.update(path)
        else:
            reason = "Quan hệ cấp trên tạo thành vòng lặp." if c in path else "Đơn vị cấp trên không hợp lệ."
            for x in path:
                bad.setdefault(x, reason)
    if bad:
        sel = units[units["unit"].isin(bad)]
        for code, sh, rw, p in zip(sel["unit"], sel["_sheet"], sel["_row"], sel["parent"], strict=True):
            problems.append(
                Problem(ERROR, sh, "DonVi", int(rw), "Mã đơn vị cấp trên", "" if p is None else str(p),
                        bad[code] + f" Đơn vị «{code}» và các đơn vị trực thuộc không được tính.", fix_parent)
            )
        units = units[~units["unit"].isin(bad)]
    # a kind that belongs to the other level is a warning
    upper_kinds, grass_kinds = set(S.UPPER_KINDS), set(S.GRASSROOTS_KINDS)
    wrong = (
        ((units["level"] == S.LEVEL_UPPER) & units["kind"].notna() & ~units["kind"].isin(upper_kinds))
        | ((units["level"] == S.LEVEL_GRASSROOTS) & units["kind"].notna() & ~units["kind"].isin(grass_kinds))
    )
    problems.extend(
        _row_problems(units, wrong, severity=WARNING, column="Loại hình", attr="kind",
                      message="Loại hình không phù hợp với cấp của đơn vị.",
                      fix="Chọn loại hình đúng với cấp (xem danh mục trong SPEC).")
    )
    return units.reset_index(drop=True)


def _scope_filter(
    tab: S.Tab, frame: pd.DataFrame, units: pd.Series, allowed: dict[str, frozenset[str]],
    known: Iterable[str], problems: list[Problem], unit_label: str,
) -> pd.DataFrame:
    """Drop rows about unknown units or units outside their spreadsheet's subtree."""
    if not len(frame):
        return frame
    known_set = set(known)
    unknown = ~units.isin(known_set)
    column = tab.column(tab.unit_attr).name if tab.unit_attr else "Mã khóa"
    problems.extend(
        _row_problems(frame, unknown, severity=ERROR, column=column, attr=tab.unit_attr or "course",
                      message=f"{unit_label} không có trong DonVi; dòng này không được tính.",
                      fix="Kiểm tra mã đơn vị, hoặc thêm đơn vị vào trang DonVi.")
    )
    # One pass of set lookups: Series.isin per spreadsheet rescans the sets for every
    # spreadsheet (and converts them element by element on Arrow strings).
    empty: frozenset[str] = frozenset()
    out_mask = np.fromiter(
        (
            (not bad) and u not in allowed.get(str(sh), empty)
            for u, sh, bad in zip(units.tolist(), frame["_sheet"].tolist(), unknown.tolist(), strict=True)
        ),
        dtype=bool,
        count=len(frame),
    )
    problems.extend(
        _row_problems(frame, out_mask, severity=ERROR, column=column, attr=tab.unit_attr or "course",
                      message="Đơn vị không thuộc phạm vi của bảng tính này; dòng này không được tính.",
                      fix="Chuyển dòng sang bảng tính của đơn vị đó (hoặc của đơn vị cấp trên của nó).")
    )
    return frame[~(unknown.to_numpy() | out_mask)].reset_index(drop=True)


class StepMemo:
    """The results of ``_load``'s steps, kept by an incremental loader between reloads: a step
    whose inputs are the very objects of last time (a kept parse's parts, a kept step's frame)
    returns its last result and replays its problems, so a reload after one write recomputes
    only the tabs that write touched and what depends on them. Results are shared between
    successive Datasets; nothing mutates a Dataset's frames (pandas copy-on-write guards the
    rest)."""

    def __init__(self) -> None:
        self._entries: dict[Any, tuple[tuple[Any, ...], Any, list[Problem]]] = {}

    def last(self, name: Any) -> Any:
        """The step's last result whatever its inputs were (None if it never ran)."""
        hit = self._entries.get(name)
        return None if hit is None else hit[1]

    def run(self, name: Any, inputs: tuple[Any, ...], fn: Callable[[list[Problem]], Any],
            problems: list[Problem], valid: Callable[[Any], bool] | None = None) -> Any:
        hit = self._entries.get(name)
        if hit is not None and _same(hit[0], inputs) and (valid is None or valid(hit[1])):
            problems.extend(hit[2])
            return hit[1]
        mine: list[Problem] = []
        out = fn(mine)
        self._entries[name] = (inputs, out, mine)
        problems.extend(mine)
        return out


_PLAIN = (str, int, float, bool, date, datetime, type(None))


def _same(a: Any, b: Any) -> bool:
    """Inputs are the same: tuples item by item, plain values by value, anything else by identity."""
    if a is b:
        return True
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return isinstance(a, _PLAIN) and type(a) is type(b) and a == b


def load(store: Store) -> Dataset:
    """Read a whole store into resolved frames and problems."""
    with gc_paused():
        return _load(store, lambda names, config_allowed: [parse_sheet(r, config_allowed) for r in store.read(names)])


@dataclass
class SheetParse:
    """One spreadsheet read and parsed, before anything is resolved across spreadsheets: what
    an incremental reload keeps for a spreadsheet that did not change (sheets.incremental)."""

    name: str
    error: str | None
    url: str | None
    tab_ids: dict[str, int]
    problems: list[Problem]  # of its own cells and tabs, in reading order
    parts: dict[str, list[ParsedColumns]]  # contract tab -> its parsed tabs here
    col_index: dict[tuple[str, str, str], int]
    by_tab: dict[str, ParsedColumns] = field(default_factory=dict)  # tab as found -> its parse
    tab_marks: dict[str, int] = field(default_factory=dict)  # the read's (``SheetRead.tab_marks``)


def parse_sheet(read: SheetRead, config_allowed: bool, before: SheetParse | None = None) -> SheetParse:
    """Parse every contract tab of one spreadsheet (config tabs only where ``config_allowed``).
    With ``before`` (this spreadsheet's earlier parse from the same store), a tab whose mark the
    store kept (the same cells) takes its earlier parse instead of being parsed again."""
    problems: list[Problem] = []
    parts: dict[str, list[ParsedColumns]] = defaultdict(list)
    col_index: dict[tuple[str, str, str], int] = {}
    by_tab: dict[str, ParsedColumns] = {}
    same = before is not None and before.name == read.name and bool(read.tab_marks)
    for tab_name, grid in read.tabs.items():
        t = match_tab(tab_name)
        if t is None:
            continue  # other tabs (notes, pivot tables) are ignored
        if t.registry_only and not config_allowed:
            problems.append(
                Problem(WARNING, read.name, tab_name, None, None, "",
                        f"Trang «{t.name}» chỉ được đọc từ bảng tính đăng ký của tỉnh; trang này bị bỏ qua.",
                        "Chuyển nội dung sang bảng tính đăng ký, rồi xóa trang này.")
            )
            continue
        mark = read.tab_marks.get(tab_name)
        old = before.by_tab.get(tab_name) if same and mark is not None and before is not None \
            and before.tab_marks.get(tab_name) == mark else None
        pt = old if old is not None and old.tab is t else parse_columns(t, grid, spreadsheet=read.name, tab_name=tab_name)
        problems.extend(pt.problems)
        for header, col in (pt.positions or {}).items():
            col_index[(read.name, tab_name, header)] = col
        parts[t.name].append(pt)
        by_tab[tab_name] = pt
    return SheetParse(read.name, read.error, read.url, dict(read.tab_ids), problems, dict(parts), col_index,
                      by_tab, dict(read.tab_marks))


# (names, config allowed) -> their parses, in order: a full load reads them all; an
# incremental one re-reads only those that changed.
Fetch = Callable[[list[str], bool], list[SheetParse]]


def _load(store: Store, fetch: Fetch, memo: StepMemo | None = None) -> Dataset:
    problems: list[Problem] = []
    registry = store.registry

    def step(name: Any, inputs: tuple[Any, ...], fn: Callable[[list[Problem]], Any],
             valid: Callable[[Any], bool] | None = None) -> Any:
        return fn(problems) if memo is None else memo.run(name, inputs, fn, problems, valid)

    first = fetch([registry], True)[0]
    read_at: dict[str, datetime] = {registry: clock.now()}  # for stamps in the future (SPEC 3.3)
    sheet_errors: dict[str, str] = {}
    if first.error:
        sheet_errors[registry] = first.error
        problems.append(Problem(ERROR, registry, "", None, None, "", first.error,
                                "Kiểm tra nguồn dữ liệu và quyền truy cập."))
    reads: list[SheetParse] = [first]
    parsed: dict[str, list[tuple[int, ParsedColumns]]] = defaultdict(list)
    col_index: dict[tuple[str, str, str], int] = {}

    def take(sp: SheetParse, idx: int) -> None:
        problems.extend(sp.problems)
        col_index.update(sp.col_index)
        for name, pts in sp.parts.items():
            parsed[name].extend((idx, pt) for pt in pts)

    take(first, 0)

    def kept_stack(t: S.Tab) -> pd.DataFrame:
        """The tab's rows of every spreadsheet: the same object while its parts are the same,
        unless a stamp could now be judged otherwise against the read times (which only move on)."""
        parts = tuple(parsed.get(t.name, []))

        def fn(mine: list[Problem]) -> tuple[pd.DataFrame, np.datetime64 | None, pd.DataFrame, Ranges]:
            last = memo.last(("stack", t.name)) if memo is not None else None
            frame, ranges = _restack(t, parts, None if last is None else (last[2], last[3]))
            out = future_stamps(t.name, frame, read_at, mine, t.column("stamp").name)
            latest = frame["stamp"].to_numpy(dtype="datetime64[ns]").max() if len(frame) else None
            return out, (None if out is not frame else latest), frame, ranges  # None: one was in the future

        def valid(kept: tuple[pd.DataFrame, np.datetime64 | None, pd.DataFrame, Ranges]) -> bool:
            bound = np.datetime64((min(read_at.values()) + FUTURE_GRACE).replace(tzinfo=None), "ns")
            return kept[1] is not None and bool(np.isnat(kept[1]) or kept[1] <= bound)

        return step(("stack", t.name), parts, fn, valid)[0]

    def own(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.copy(deep=False)  # a step may add columns to its copy; the kept frame stays

    # --- units and the spreadsheets they link
    dv = kept_stack(S.DON_VI)

    def units_step(mine: list[Problem]) -> tuple[pd.DataFrame, pd.DataFrame, UnitTree]:
        unit_versions, units = resolve(S.DON_VI, own(dv), mine)
        units = _check_tree(units, mine)
        return unit_versions, units, UnitTree(units)

    unit_versions, units, tree = step("units", (dv,), units_step)
    canon = getattr(store, "canonical_name", None) or (lambda v: str(v).strip())

    def links_step(mine: list[Problem]) -> tuple[list[str], dict[str, list[str]], dict[str, str]]:
        by_row = units.sort_values("_row", kind="mergesort")
        linked: list[str] = []
        owners: dict[str, list[str]] = defaultdict(list)
        registry_canon = canon(registry)
        own_sheet: dict[str, str] = {}
        for code, raw_sheet in zip(by_row["unit"], by_row["sheet"], strict=True):
            if not isinstance(raw_sheet, str) or not raw_sheet:
                continue
            sheet = canon(raw_sheet)
            if sheet == registry_canon:
                own_sheet[code] = registry
                continue
            own_sheet[code] = sheet
            if sheet not in owners:
                linked.append(sheet)
            owners[sheet].append(code)
        return linked, owners, own_sheet

    linked, owners, own_sheet = step("links", (units, registry), links_step)
    if linked:
        more = fetch(linked, False)
        at = clock.now()
        for i, read in enumerate(more, start=1):
            read_at[read.name] = at
            reads.append(read)
            if read.error:
                sheet_errors[read.name] = read.error
                owner = ", ".join(owners[read.name])
                problems.append(Problem(ERROR, read.name, "", None, "Bảng tính", read.name,
                                        f"{read.error} (bảng tính của đơn vị {owner})",
                                        "Kiểm tra đường dẫn trong cột «Bảng tính» của DonVi và quyền chia sẻ."))
                continue
            take(read, i)

    def context_step(mine: list[Problem]) -> tuple[dict[str, frozenset[str]], Homes, dict[str, str]]:
        allowed: dict[str, frozenset[str]] = {registry: tree.subtree(None)}
        for sheet, codes in owners.items():
            allowed[sheet] = frozenset().union(*(tree.subtree(c) for c in codes))
        homes = build_homes(registry=registry, root=tree.root, children=tree.children, own_sheet=own_sheet,
                            owners=owners, sheet_order=[registry, *linked])
        return allowed, homes, dict(zip(units["unit"], units["name"], strict=True))

    context = step("context", (tree, owners), context_step)
    allowed, homes, names = context

    frames: dict[str, pd.DataFrame] = {"DonVi": units}
    versions: dict[str, pd.DataFrame] = {"DonVi": unit_versions}
    for t in (S.CHI_TIEU, S.KY_BAO_CAO):
        kt_ = kept_stack(t)
        versions[t.name], frames[t.name] = step(t.name, (kt_,), partial(resolve, t, own(kt_)))
    nd = kept_stack(S.NGUOI_DUNG)

    def users_step(mine: list[Problem]) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, User]]:
        user_versions, users_f = resolve(S.NGUOI_DUNG, own(nd), mine)
        bad_user = ~users_f["unit"].isin(set(tree.parent))
        mine.extend(_row_problems(users_f, bad_user, severity=ERROR, column="Mã đơn vị", attr="unit",
                                  message="Đơn vị của người dùng không có trong DonVi; người dùng này không đăng nhập được.",
                                  fix="Nhập mã đơn vị có trong trang DonVi."))
        users_f = users_f[~bad_user].reset_index(drop=True)
        users = {
            e: User(e, n if isinstance(n, str) else e, r, u)
            for e, n, r, u in zip(users_f["email"], users_f["name"], users_f["role"], users_f["unit"], strict=True)
        }
        return user_versions, users_f, users

    versions["NguoiDung"], frames["NguoiDung"], users = step("NguoiDung", (nd, tree), users_step)

    known_units = set(tree.parent)

    def unit_tab(t: S.Tab, f: pd.DataFrame, mine: list[Problem]) -> tuple[pd.DataFrame, pd.DataFrame]:
        assert t.unit_attr is not None
        f = _scope_filter(t, f, f[t.unit_attr], allowed, known_units, mine, "Đơn vị nhắc" if t is S.NHAC_VIEC else "Mã đơn vị")
        if t is S.NHAC_VIEC:  # the reminded unit must lie under the sender
            f = check_read(f, tree, mine)
        f = _derive(t, f, mine)
        f[HOME] = f[t.unit_attr].map(homes.unit_home).astype(object) if len(f) else pd.Series([], dtype=object)
        if "movement" in f.columns and t is not S.PHONG_TRAO:
            f = _movement_refs(t, f, Records.of(versions["PhongTrao"], "movement", homes, "PhongTrao"),
                               homes, allowed, mine)
        return resolve(t, f, mine, homes=homes, names=names)

    for t in (S.KE_HOACH, S.PHONG_TRAO, S.KHEN_THUONG, S.CAN_BO, S.KHOA_HOC, S.DIEN_HINH, S.BAO_CAO, S.NHAC_VIEC):
        kf = kept_stack(t)
        uses = (versions["PhongTrao"],) if "movement" in kf.columns and t is not S.PHONG_TRAO else ()
        versions[t.name], frames[t.name] = step(t.name, (kf, context, *uses), partial(unit_tab, t, own(kf)))

    # --- attendance: codes name the course and officer records the row's spreadsheet sees (SPEC 3.3);
    # scope and home through the course's organiser
    course_versions = versions["KhoaHoc"]
    officer_versions = versions["CanBo"]

    kd = kept_stack(S.DIEM_DANH)

    def attendance(mine: list[Problem]) -> tuple[pd.DataFrame, pd.DataFrame]:
        dd = own(kd)
        all_courses = course_versions[course_versions["_winner"]].set_index("course")
        all_officers = officer_versions[officer_versions["_winner"]].set_index("officer")
        if len(dd):
            courses = Records.of(course_versions, "course", homes, "KhoaHoc")
            officers = Records.of(officer_versions, "officer", homes, "CanBo")
            course_id = resolve_refs(dd["course"], dd["_sheet"], courses, homes, allowed)
            officer_id = resolve_refs(dd["officer"], dd["_sheet"], officers, homes, allowed)
            unknown_course = course_id.isna()
            unknown_officer = officer_id.isna() & ~unknown_course
            for mask, attr, label, tab_label, add in (
                (unknown_course, "course", "Mã khóa", "KhoaHoc", "thêm khóa tập huấn vào trang KhoaHoc"),
                (unknown_officer, "officer", "Mã cán bộ", "CanBo", "thêm cán bộ vào trang CanBo"),
            ):
                known_code = dd[attr].isin(set(courses.by_code if attr == "course" else officers.by_code))
                mine.extend(_row_problems(dd, mask & ~known_code, severity=ERROR, column=label, attr=attr,
                                          message=f"{label} không có trong {tab_label}; dòng này không được tính.",
                                          fix=f"Kiểm tra {label.lower()}, hoặc {add}."))
                mine.extend(_row_problems(dd, mask & known_code, severity=ERROR, column=label, attr=attr,
                                          message=f"{label} chỉ có ở bản ghi của đơn vị ngoài phạm vi bảng tính "
                                                  "này (và không phải của tỉnh); dòng này không được tính.",
                                          fix=f"Ghi dòng này vào bảng tính của đơn vị có bản ghi đó, hoặc {add}."))
            dd = dd.assign(course=course_id, officer=officer_id)
            dd = dd[~(unknown_course | unknown_officer).to_numpy()].reset_index(drop=True)
            organiser = dd["course"].map(all_courses["unit"])
            dd = _scope_filter(S.DIEM_DANH, dd, organiser, allowed, known_units, mine, "Đơn vị tổ chức khóa")
            dd[HOME] = dd["course"].map(all_courses[HOME]).astype(object) if len(dd) else pd.Series([], dtype=object)
        dd_versions, current = resolve(S.DIEM_DANH, dd, mine)
        return dd_versions, _check_attendance(current, all_courses, all_officers, mine)

    versions["DiemDanh"], frames["DiemDanh"] = step(
        "DiemDanh", (kd, course_versions, officer_versions, context, clock.today()), attendance)

    from sheets.workflow import WORKFLOW_TABS, read_pass  # SPEC 7: MauIn, DangKy, HoSo, HoSoDanhSach

    wf = {t.name: kept_stack(t) for t in WORKFLOW_TABS}

    def workflow(mine: list[Problem]) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
        f: dict[str, pd.DataFrame] = {"KhenThuong": frames["KhenThuong"]}
        v: dict[str, pd.DataFrame] = {}
        read_pass(lambda t: own(wf[t.name]), f, v, tree, allowed, registry, mine, homes=homes)
        _check_awards(f["KhenThuong"], mine)
        return f, v

    wf_frames, wf_versions = step("workflow", (*wf.values(), frames["KhenThuong"], context), workflow)
    frames.update(wf_frames)
    versions.update(wf_versions)
    order = {r.name: i for i, r in enumerate(reads)}
    tab_order = {t.name: i for i, t in enumerate(S.ALL_TABS)}
    problems.sort(key=lambda p: (order.get(p.spreadsheet, len(order)), tab_order.get(p.tab, 99), p.tab, p.row or 0))

    return Dataset(
        source=store.label,
        registry=registry,
        sheets=[r.name for r in reads],
        frames=frames,
        versions=versions,
        problems=problems,
        tree=tree,
        users=users,
        sheet_urls={r.name: r.url for r in reads},
        sheet_errors=sheet_errors,
        own_sheet=own_sheet,
        tab_gids={(r.name, t): g for r in reads for t, g in r.tab_ids.items()},
        col_index=col_index,
        homes=homes,
    )


def _movement_refs(
    t: S.Tab, f: pd.DataFrame, movements: Records, homes: Homes, allowed: dict[str, frozenset[str]],
    problems: list[Problem],
) -> pd.DataFrame:
    """``Mã phong trào`` names the movement record the row's spreadsheet sees (SPEC 3.3); an
    unknown one is an invalid value of an optional column: a warning, taken as blank."""
    if not len(f):
        return f
    given = f["movement"].notna()
    if not given.any():
        return f
    ids = resolve_refs(f["movement"], f["_sheet"], movements, homes, allowed)
    unknown = given & ids.isna()
    problems.extend(_row_problems(f, unknown, severity=WARNING, column="Mã phong trào", attr="movement",
                                  message="Mã phong trào không có trong PhongTrao (của đơn vị trong phạm vi bảng tính "
                                          "này hoặc của tỉnh); ô được coi như để trống.",
                                  fix="Kiểm tra mã phong trào, hoặc thêm phong trào vào trang PhongTrao."))
    return f.assign(movement=ids.where(given, None))


def _derive(t: S.Tab, f: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    """Blank-means-default rules of SPEC 3.2."""
    if not len(f):
        return f
    if t is S.KHEN_THUONG:
        f["year"] = f["year"].fillna(f["decided"].dt.year.astype("Int64"))
        f["type"] = f["type"].where(f["type"].notna(), "Thường xuyên")
    elif t is S.PHONG_TRAO:
        f["end_year"] = f["end_year"].fillna(f["launched"].dt.year.astype("Int64"))
        # end years are four-digit years a date can hold (cells.parse_year), launch dates too
        default_final = pd.to_datetime(f["end_year"].astype("float").map(lambda y: f"{int(y)}-12-31"),
                                       format="%Y-%m-%d")
        f["final_due"] = f["final_due"].fillna(default_final)
        f["status"] = f["status"].where(f["status"].notna(), S.MOVEMENT_RUNNING)
    elif t is S.KHOA_HOC:
        f["end"] = f["end"].fillna(f["start"])
        bad = f["end"] < f["start"]
        problems.extend(_row_problems(f, bad, severity=WARNING, column="Ngày kết thúc", attr="end",
                                      message="Ngày kết thúc trước ngày bắt đầu.",
                                      fix="Sửa lại ngày kết thúc của khóa."))
    return f


def _check_attendance(
    dd: pd.DataFrame, courses: pd.DataFrame, officers: pd.DataFrame, problems: list[Problem]
) -> pd.DataFrame:
    if not len(dd):
        return dd.assign(counts_from=pd.Series([], dtype="datetime64[ns]"))
    # each row's course and officer record found once (a Series.map per column looks every code up again)
    course_at = courses.index.get_indexer(pd.Index(dd["course"]))
    officer_at = officers.index.get_indexer(pd.Index(dd["officer"]))
    voided_course = _looked_up(courses["void"], course_at).eq(True)
    problems.extend(_row_problems(dd, voided_course, severity=WARNING, column="Mã khóa", attr="course",
                                  message="Khóa tập huấn đã bị hủy; điểm danh này không được tính.",
                                  fix="Kiểm tra lại khóa; nếu khóa vẫn diễn ra, bỏ đánh dấu Hủy của khóa."))
    voided_officer = _looked_up(officers["void"], officer_at).eq(True) & ~voided_course
    problems.extend(_row_problems(dd, voided_officer, severity=WARNING, column="Mã cán bộ", attr="officer",
                                  message="Cán bộ đã bị hủy; điểm danh này không được tính.",
                                  fix="Kiểm tra lại hồ sơ cán bộ trong CanBo."))
    kept = ~(voided_course | voided_officer).to_numpy()
    dd = dd[kept].reset_index(drop=True)
    course_at, officer_at = course_at[kept], officer_at[kept]
    start = _looked_up(courses["start"], course_at)
    end = _looked_up(courses["end"], course_at)
    assigned = _looked_up(officers["assigned"], officer_at)
    left = _looked_up(officers["left"], officer_at)
    present = dd["present"].to_numpy(dtype=bool)
    late = present & (assigned > end).to_numpy(dtype=bool)
    gone = present & (left < start).to_numpy(dtype=bool)
    problems.extend(_row_problems(dd, late, severity=WARNING, column="Mã cán bộ", attr="officer",
                                  message="Cán bộ được phân công sau khi khóa kết thúc; vẫn được tính.",
                                  fix="Kiểm tra ngày phân công trong CanBo hoặc mã cán bộ."))
    problems.extend(_row_problems(dd, gone, severity=WARNING, column="Mã cán bộ", attr="officer",
                                  message="Cán bộ đã thôi việc trước khi khóa bắt đầu; vẫn được tính.",
                                  fix="Kiểm tra ngày thôi trong CanBo hoặc mã cán bộ."))
    today = pd.Timestamp(clock.today())
    stamp_day = dd["stamp"].dt.normalize()
    early = present & ((stamp_day < end) | (dd["stamp"].isna() & (end > today))).to_numpy(dtype=bool)
    problems.extend(_row_problems(dd, early, severity=WARNING, column="Có mặt", attr="present",
                                  message="Đánh dấu có mặt trước khi khóa kết thúc; chỉ được tính từ ngày kết thúc khóa.",
                                  fix="Đánh dấu có mặt sau khi khóa kết thúc."))
    return dd.assign(course_end=end.to_numpy(), counts_from=end.to_numpy())


def _looked_up(column: pd.Series, at: np.ndarray) -> pd.Series:
    """``codes.map(column)`` from the codes' positions in ``column``'s index (-1: not there, NA)."""
    return pd.Series(column.array.take(at, allow_fill=True))


def _check_awards(kt: pd.DataFrame, problems: list[Problem]) -> None:
    if not len(kt):
        return
    person = kt["subject"] == S.SUBJECT_PERSON
    problems.extend(_row_problems(kt, person & kt["group"].isna(), severity=WARNING, column="Nhóm đối tượng",
                                  attr="group",
                                  message="Khen thưởng cá nhân chưa ghi nhóm đối tượng; được tính vào mẫu số T3, không vào tử số.",
                                  fix="Chọn nhóm đối tượng: " + "; ".join(S.GROUPS) + "."))
    key = kt["name"].str.casefold() + "\x1f" + kt["unit"] + "\x1f" + kt["form"].str.casefold() + "\x1f" + kt["year"].astype(str)
    dup = key.duplicated(keep=False)
    problems.extend(_row_problems(kt, dup, severity=WARNING, column="Mã khen thưởng", attr="award",
                                  message="Có thể trùng khen thưởng: cùng người/tập thể, đơn vị, hình thức và năm dưới mã khác.",
                                  fix="Kiểm tra lại; nếu trùng, đánh dấu Hủy một bản ghi."))

