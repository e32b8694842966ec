"""A store held in memory: for tests and as the shape every backend must match."""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence

from sheets.stores.base import Grid, SheetRead, merge_header, place_rows
from sheets.text import fold


class MemoryStore:
    def __init__(self, sheets: dict[str, dict[str, Grid]] | None = None, *, registry: str = "registry") -> None:
        self.label = "memory"
        self.registry = registry
        self.sheets: dict[str, dict[str, Grid]] = sheets if sheets is not None else {registry: {}}
        self.sheets.setdefault(registry, {})
        self._lock = threading.RLock()  # append_once: check and append as one step

    def _tab_name(self, sheet: str, tab: str) -> str | None:
        for name in self.sheets.get(sheet, {}):
            if fold(name) == fold(tab):
                return name
        return None

    def read(self, names: Sequence[str]) -> list[SheetRead]:
        out = []
        for n in names:
            if n in self.sheets:
                out.append(SheetRead(n, copy.deepcopy(self.sheets[n])))
            else:
                out.append(SheetRead(n, error=f"Không tìm thấy bảng tính «{n}»."))
        return out

    def spreadsheet_names(self) -> list[str]:
        return [self.registry] + [n for n in self.sheets if n != self.registry]

    def append_rows(self, sheet: str, tab: str, header: list[str], rows: Grid) -> None:
        with self._lock:
            self._append(sheet, tab, header, rows)

    def _append(self, sheet: str, tab: str, header: list[str], rows: Grid) -> None:
        tabs = self.sheets.setdefault(sheet, {})
        name = self._tab_name(sheet, tab) or tab
        grid = tabs.setdefault(name, [])
        existing = list(grid[0]) if grid else []
        new_header, index = merge_header(existing, header)
        if grid:
            grid[0] = new_header
        else:
            grid.append(new_header)
        grid.extend(place_rows(len(new_header), index, rows))

    def append_once(self, sheet: str, tab: str, header: list[str], rows: Grid, write_id: str) -> bool:
        with self._lock:
            if self.has_write_id(sheet, tab, write_id):
                return False
            self.append_rows(sheet, tab, header, rows)
            return True

    def has_write_id(self, sheet: str, tab: str, write_id: str) -> bool:
        name = self._tab_name(sheet, tab)
        if name is None:
            return False
        grid = self.sheets[sheet][name]
        if not grid:
            return False
        cols = [i for i, h in enumerate(grid[0]) if h is not None and fold(str(h)) == fold("Mã lần ghi")]
        return any(len(r) > c and r[c] == write_id for r in grid[1:] for c in cols)

    def replace_tab(self, sheet: str, tab: str, grid: Grid) -> None:
        tabs = self.sheets.setdefault(sheet, {})
        name = self._tab_name(sheet, tab) or tab
        tabs[name] = copy.deepcopy(grid)

    def ensure_spreadsheet(self, sheet: str) -> bool:
        self.sheets.setdefault(sheet, {})
        return True

    def sheet_name_for(self, unit_code: str) -> str:
        return unit_code

    def invalidate(self, sheet: str | None = None) -> None:
        return None
