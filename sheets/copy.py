"""Copy every spreadsheet of one store into another, rows exactly as they are.

Not a write through the door: stamps, voids and versions move unchanged. Only the
``DonVi.Bảng tính`` links are rewritten to the names the destination uses (SPEC 5).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sheets.stores.base import Grid, Store
from sheets.text import fold


@dataclass
class CopyReport:
    spreadsheets: int = 0
    tabs: int = 0
    rows: int = 0
    missing: list[str] = field(default_factory=list)  # destination spreadsheets that do not exist
    renamed: dict[str, str] = field(default_factory=dict)


def _col(header: list, name: str) -> int | None:  # type: ignore[type-arg]
    f = fold(name)
    for i, h in enumerate(header):
        if h is not None and fold(str(h)) == f:
            return i
    return None


def _owners(grid: Grid) -> dict[str, str]:
    """Spreadsheet name -> the unit code that links it first in DonVi."""
    if not grid:
        return {}
    code_i, sheet_i = _col(grid[0], "Mã đơn vị"), _col(grid[0], "Bảng tính")
    out: dict[str, str] = {}
    if code_i is None or sheet_i is None:
        return out
    for r in grid[1:]:
        if len(r) > max(code_i, sheet_i) and r[sheet_i] not in (None, "") and r[code_i] not in (None, ""):
            out.setdefault(str(r[sheet_i]).strip(), str(r[code_i]).strip().upper())
    return out


def copy_store(src: Store, dst: Store) -> CopyReport:
    report = CopyReport()
    names = src.spreadsheet_names()
    reads = {r.name: r for r in src.read(names)}
    registry = reads[src.registry]
    donvi_name = next((t for t in registry.tabs if fold(t) == fold("DonVi")), None)
    owners = _owners(registry.tabs[donvi_name]) if donvi_name else {}
    rename: dict[str, str] = {src.registry: dst.registry}
    for name in names:
        if name == src.registry:
            continue
        code = owners.get(name)
        try:
            rename[name] = dst.sheet_name_for(code) if code else name
        except Exception:
            report.missing.append(f"{name} (đơn vị {code})")
    report.renamed = {k: v for k, v in rename.items() if k != v}
    for name in names:
        if name not in rename:
            continue
        target = rename[name]
        if not dst.ensure_spreadsheet(target):
            report.missing.append(target)
            continue
        read = reads[name]
        for tab, grid in read.tabs.items():
            out = [list(r) for r in grid]
            if name == src.registry and tab == donvi_name and out:
                sheet_i = _col(out[0], "Bảng tính")
                if sheet_i is not None:
                    for r in out[1:]:
                        if len(r) > sheet_i and r[sheet_i] not in (None, ""):
                            old = str(r[sheet_i]).strip()
                            r[sheet_i] = rename.get(old, r[sheet_i])
            dst.replace_tab(target, tab, out)
            report.tabs += 1
            report.rows += max(0, len(out) - 1)
        report.spreadsheets += 1
        dst.invalidate(target)
    return report
