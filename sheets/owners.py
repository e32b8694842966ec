"""Whose record a key names (SPEC 3.3).

A version belongs to the record (key, H), H being the home spreadsheet of the unit the version
concerns (its owner: the unit whose ``Bảng tính`` it is; the province for the registry). So a
code typed in one unit's sheet can never change or void the record another unit keeps under
the same code: it is another record. References by code (``Mã khóa``, ``Mã cán bộ``, ``Mã phong
trào``, ``Mã hồ sơ``) resolve to the record whose H is in the referring row's spreadsheet scope,
nearest that spreadsheet's owner, else the province's, else nothing.

Internally H is the home spreadsheet's name (units sharing one spreadsheet share its keys,
decision 4). When one code has records under several H, the record nearest the province
keeps the plain code and the others get ``CODE@OWNER`` as their id in the frames, so every
join by code downstream stays one record to one row; ``Homes.raw`` gives the code back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from sheets.parse import WARNING, Problem

HOME = "_home"  # frame column: the home spreadsheet (H) of the unit a version concerns
QUALIFIER = "@"
FUTURE_GRACE = timedelta(minutes=10)


@dataclass
class Homes:
    """Home spreadsheets of the units, and who owns each spreadsheet."""

    registry: str
    root: str | None
    unit_home: dict[str, str]  # unit -> its home spreadsheet
    owner: dict[str, str]  # spreadsheet -> its (first) owner unit; the root for the registry
    depth: dict[str, int]  # spreadsheet -> depth of its owner in the tree (root = 0)
    order: dict[str, int]  # spreadsheet -> reading order (registry 0)
    # tab -> qualified id -> the code as typed; only for codes used under several H
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)

    def owner_name(self, sheet: str, names: dict[str, str]) -> str:
        unit = self.owner.get(sheet, self.root or "")
        return names.get(unit, unit)

    def raw(self, tab: str, code: Any) -> Any:
        """The code as typed for an id of this tab (a qualified id back to its code)."""
        return self.aliases.get(tab, {}).get(code, code) if isinstance(code, str) else code


def build_homes(
    *, registry: str, root: str | None, children: dict[str, list[str]], own_sheet: dict[str, str],
    owners: dict[str, list[str]], sheet_order: Iterable[str],
) -> Homes:
    """One walk down the tree: a unit's home is its own spreadsheet, else its parent's."""
    unit_home: dict[str, str] = {}
    depth_of: dict[str, int] = {}
    if root is not None:
        stack: list[tuple[str, str, int]] = [(root, own_sheet.get(root) or registry, 0)]
        while stack:
            code, home, d = stack.pop()
            unit_home[code] = home
            depth_of[code] = d
            for child in children.get(code, ()):
                stack.append((child, own_sheet.get(child) or home, d + 1))
    owner: dict[str, str] = {registry: root or ""}
    for sheet, codes in owners.items():
        if sheet != registry and codes:
            owner[sheet] = codes[0]
    depth = {s: depth_of.get(u, 0) for s, u in owner.items()}
    depth[registry] = 0
    order = {s: i for i, s in enumerate(sheet_order)}
    return Homes(registry, root, unit_home, owner, depth, order)


def future_stamps(
    tab_name: str, frame: pd.DataFrame, read_at: dict[str, datetime], problems: list[Problem], column: str,
) -> pd.DataFrame:
    """A stamp more than 10 minutes after its spreadsheet was read is a warning, and unstamped."""
    if not len(frame) or not read_at:
        return frame
    limit = {s: np.datetime64((t + FUTURE_GRACE).replace(tzinfo=None), "ns") for s, t in read_at.items()}
    stamps = frame["stamp"].to_numpy(dtype="datetime64[ns]")
    bound = frame["_sheet"].map(limit).to_numpy(dtype="datetime64[ns]")
    future = ~np.isnat(stamps) & ~np.isnat(bound) & (stamps > bound)
    if not future.any():
        return frame
    sel = frame[future]
    for sh, tb, rw, v in zip(sel["_sheet"], sel["_tab"], sel["_row"], sel["stamp"], strict=True):
        problems.append(Problem(
            WARNING, str(sh), str(tb), int(rw), column, pd.Timestamp(v).strftime("%d/%m/%Y %H:%M:%S"),
            "Cột «Cập nhật lúc» ghi thời điểm trong tương lai; dòng này được coi như chưa ghi thời điểm.",
            "Sửa lại thời điểm cập nhật (không được sau thời điểm hiện tại), hoặc để trống.",
        ))
    frame = frame.copy()
    frame.loc[future, "stamp"] = pd.NaT
    return frame


def split_by_home(
    tab_name: str, key: str, column: str, versions: pd.DataFrame, homes: Homes, names: dict[str, str],
    problems: list[Problem],
) -> pd.DataFrame:
    """Codes with records under several H: a warning per code naming the units (unless the
    only other records were moved away by the app), and every record but the live one nearest
    the province gets a qualified id (in every version)."""
    if not len(versions):
        return versions
    per_code = versions.groupby(key, sort=False)[HOME].nunique()
    multi = per_code[per_code > 1]
    if not len(multi):
        return versions
    rename: dict[tuple[str, str], str] = {}
    alias = homes.aliases.setdefault(tab_name, {})
    sel = versions[versions[key].isin(set(multi.index))]
    for code, group in sel.groupby(key, sort=False):
        winners = group[group["_winner"]]
        live = set(winners.loc[~winners["void"].astype(bool), HOME])
        # a move written by the app (void under the old H, creation under the new, one write id)
        # leaves the old record voided by a version sharing its write id with the new one
        moved: set[str] = set()
        for h, wid, is_void in zip(winners[HOME], winners["write_id"], winners["void"], strict=True):
            if is_void and isinstance(wid, str) and wid in set(group.loc[group[HOME] != h, "write_id"]):
                moved.add(h)
        hs = sorted(set(group[HOME]), key=lambda s: (s not in live, homes.depth.get(s, 99),
                                                       homes.order.get(s, 10**6), s))
        if len(live) > 1 or set(hs) - live - moved:
            units = [homes.owner_name(h, names) for h in hs]
            w = winners.iloc[-1] if len(winners) else group.iloc[-1]
            problems.append(Problem(
                WARNING, str(w["_sheet"]), str(w["_tab"]), int(w["_row"]), column, str(code),
                f"Mã «{code}»: cùng mã được dùng ở hai đơn vị ({'; '.join(units)}); đây là các bản ghi khác "
                "nhau, không bản ghi nào thay thế hay hủy bản ghi kia.",
                "Đổi mã của một trong các bản ghi để tránh nhầm lẫn.",
            ))
        for h in hs[1:]:
            qualified = f"{code}{QUALIFIER}{homes.owner.get(h, h)}"
            rename[(str(code), h)] = qualified
            alias[qualified] = str(code)
    versions = versions.copy()
    pairs = list(zip(versions[key].tolist(), versions[HOME].tolist(), strict=True))
    versions[key] = pd.Series([rename.get(p, p[0]) for p in pairs], dtype=object, index=versions.index)
    return versions


@dataclass
class Records:
    """The records of one tab, by code, for resolving references: code -> [(H, id)]."""

    by_code: dict[str, list[tuple[str, str]]]

    @classmethod
    def of(cls, versions: pd.DataFrame, key: str, homes: Homes, tab_name: str) -> Records:
        by_code: dict[str, list[tuple[str, str]]] = defaultdict(list)
        if len(versions):
            w = versions[versions["_winner"]]
            for rid, h in zip(w[key].tolist(), w[HOME].tolist(), strict=True):
                by_code[str(homes.raw(tab_name, rid))].append((h, rid))
        return cls(dict(by_code))


def resolve_refs(
    codes: pd.Series, sheets: pd.Series, records: Records, homes: Homes, allowed: dict[str, frozenset[str]],
) -> pd.Series:
    """The id of the record each (referring spreadsheet, code) names, or None (unknown)."""
    memo: dict[tuple[Any, Any], Any] = {}
    empty: frozenset[str] = frozenset()

    def pick(sheet: str, code: Any) -> Any:
        cands = records.by_code.get(code) if isinstance(code, str) else None
        if not cands:
            return None
        scope = allowed.get(sheet, empty)
        inside = [c for c in cands if homes.owner.get(c[0]) in scope]
        if inside:
            return min(inside, key=lambda c: (homes.depth.get(c[0], 99), homes.order.get(c[0], 10**6)))[1]
        for h, rid in cands:
            if h == homes.registry:
                return rid
        return None

    out = []
    for sheet, code in zip(sheets.tolist(), codes.tolist(), strict=True):
        k = (sheet, code)
        hit = memo.get(k, memo)
        if hit is memo:
            hit = memo[k] = pick(sheet, code)
        out.append(hit)
    return pd.Series(out, index=codes.index, dtype=object)
