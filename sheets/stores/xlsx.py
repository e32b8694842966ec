"""The workbook backend: a folder of .xlsx files (SPEC section 5).

``xlsx:folder/registry.xlsx`` names the registry workbook; every other spreadsheet is a
workbook beside it, named by its ``Bảng tính`` value ("BB.xlsx"; "BB" also finds it).
Reads use openpyxl's fast read-only mode; a write loads the workbook, changes it, and saves
it to a temporary file that then replaces the original, under an exclusive file lock, so
concurrent writers queue up instead of losing each other's rows.

Text is written as text (``data_type = "s"``), so "=HYPERLINK(...)" typed by a user stays a
string and never becomes a formula. Saving a workbook with openpyxl drops what openpyxl does
not understand (charts, images): these files are for data, not for decoration.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from sheets.errors import SourceError
from sheets.stores.base import ABSENT, Cell, Grid, SheetRead, Tabs, merge_header, place_rows
from sheets.templates import (
    LISTS_SHEET,
    lists_last,
    save_atomically,
    schema_tab,
    set_cell,
    style_tab,
)
from sheets.text import fold

try:  # POSIX; elsewhere only threads of one process are kept apart
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

PLACEHOLDER = "Sheet"  # the sheet a new, empty workbook must have; dropped once a tab exists
WRITE_ID_HEADER = "Mã lần ghi"
_SUFFIX = ".xlsx"
_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')

_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def _shows_time(number_format: str) -> bool:
    """Whether a number format shows a time of day (hours or seconds)."""
    f = _LITERALS.sub("", number_format or "").lower()
    return "h" in f or "s" in f


def _value(cell: Any) -> Cell:
    v = cell.value
    if isinstance(v, datetime):
        # openpyxl gives every date cell as a datetime; a date format means a date.
        if v.hour == v.minute == v.second == v.microsecond == 0 and not _shows_time(cell.number_format):
            return v.date()
        return v
    if isinstance(v, time | timedelta):  # a time-only cell: not a Cell type, keep it readable
        return str(v)
    return v


def _trim(line: list[Cell]) -> list[Cell]:
    while line and (line[-1] is None):
        line.pop()
    return line


def read_workbook(path: Path) -> Tabs:
    """Every sheet of a workbook as a grid of typed cells (trailing blanks trimmed)."""
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        tabs: Tabs = {}
        for ws in wb.worksheets:
            if ws.title == LISTS_SHEET:
                continue  # our own hidden drop-down lists
            ws.reset_dimensions()  # trust the cells, not a possibly stale <dimension> tag
            grid: Grid = [_trim([_value(c) for c in row]) for row in ws.iter_rows()]
            while grid and not grid[-1]:
                grid.pop()
            if ws.title == PLACEHOLDER and not grid:
                continue
            tabs[ws.title] = grid
        return tabs
    finally:
        wb.close()


def _find_sheet(wb: Workbook, tab: str) -> Worksheet | None:
    f = fold(tab)
    for ws in wb.worksheets:
        if ws.title != LISTS_SHEET and fold(ws.title) == f:
            return ws
    return None


def _last_row(ws: Worksheet) -> int:
    """The last row holding a value (0 when none). ``max_row`` also counts rows that are
    only formatted, and appending below those would leave a gap, unlike Google's append."""
    return max((r for (r, _c), cell in ws._cells.items() if cell.value is not None), default=0)


def _drop_placeholder(wb: Workbook) -> None:
    if PLACEHOLDER in wb.sheetnames and len(wb.sheetnames) > 1:
        ws = wb[PLACEHOLDER]
        if _last_row(ws) == 0:
            wb.remove(ws)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Exclusive lock on a workbook, across threads and processes. The process lock is
    taken on the workbook's folder (the workbook itself is replaced on every save), so no
    sidecar lock file is left beside the workbooks."""
    key = str(path.resolve())
    with _thread_locks_guard:
        tlock = _thread_locks.setdefault(key, threading.Lock())
    with tlock:
        fd = os.open(path.parent, os.O_RDONLY) if fcntl is not None else -1
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)


def _holds_write_id(ws: Worksheet, write_id: str) -> bool:
    """Whether a loaded (writable) sheet has a row with this ``Mã lần ghi``."""
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        return False
    target = fold(WRITE_ID_HEADER)
    cols = [i for i, h in enumerate(header) if h is not None and fold(str(h)) == target]
    return any(len(r) > c and r[c] == write_id for r in rows for c in cols)


class XlsxStore:
    """Spreadsheets as workbook files in the registry workbook's folder."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.folder = self.path.parent
        self.label = f"xlsx:{path}"
        self.registry = self.path.name

    # --- files ----------------------------------------------------------------------
    def _file(self, name: str) -> Path:
        """The workbook for a ``Bảng tính`` value; SourceError when it points outside."""
        name = name.strip()
        if not name:
            raise SourceError("Tên bảng tính để trống.")
        candidate = self.folder / name
        if not candidate.is_file() and not name.lower().endswith(_SUFFIX):
            candidate = self.folder / f"{name}{_SUFFIX}"  # "BB" finds BB.xlsx
        root = self.folder.resolve()
        if root not in candidate.resolve().parents:
            raise SourceError(f"Bảng tính «{name}» nằm ngoài thư mục «{self.folder}»; "
                              "chỉ đọc các tệp đặt cạnh tệp đăng ký.")
        return candidate

    @staticmethod
    def _open_for_write(path: Path) -> Workbook:
        return load_workbook(path) if path.exists() else Workbook()

    # --- the Store protocol ---------------------------------------------------------
    def read(self, names: Sequence[str]) -> list[SheetRead]:
        out = []
        for name in names:
            try:
                path = self._file(name)
            except SourceError as exc:
                out.append(SheetRead(name, error=str(exc)))
                continue
            if not path.is_file():
                out.append(SheetRead(name, error=f"Không tìm thấy tệp «{name}» trong thư mục «{self.folder}»."))
                continue
            try:
                out.append(SheetRead(name, read_workbook(path)))
            except Exception as exc:  # a corrupt or foreign file must not stop the others
                out.append(SheetRead(name, error=f"Không đọc được tệp «{path.name}»: {type(exc).__name__}: {exc}"))
        return out

    def versions(self, names: Sequence[str]) -> dict[str, str] | None:
        """Each workbook's modification time (ns) and size: a save moves them on.
        A path outside the folder or a missing file is ``ABSENT``."""
        out: dict[str, str] = {}
        for name in names:
            try:
                st = self._file(name).stat()
            except (SourceError, OSError):
                out[name] = ABSENT
                continue
            out[name] = f"{st.st_mtime_ns}.{st.st_size}.{st.st_ino}"
        return out

    def spreadsheet_names(self) -> list[str]:
        others = sorted(
            p.name
            for p in self.folder.glob("*.xlsx")
            if p.name != self.registry and not p.name.startswith(("~$", "."))
        ) if self.folder.is_dir() else []
        return [self.registry, *others]

    def append_rows(self, sheet: str, tab: str, header: list[str], rows: Grid) -> None:
        self._append(sheet, tab, header, rows, None)

    def append_once(self, sheet: str, tab: str, header: list[str], rows: Grid, write_id: str) -> bool:
        """The write-id check and the append under one exclusive lock of the workbook (threads
        and processes), on the workbook as loaded for the write: a second sender of the same id
        waits, then finds the first's rows."""
        return self._append(sheet, tab, header, rows, write_id)

    def _append(self, sheet: str, tab: str, header: list[str], rows: Grid, write_id: str | None) -> bool:
        path = self._file(sheet)
        self.folder.mkdir(parents=True, exist_ok=True)
        with _locked(path):
            wb = self._open_for_write(path)
            ws = _find_sheet(wb, tab)
            if write_id is not None and ws is not None and _holds_write_id(ws, write_id):
                return False
            created = ws is None
            if ws is None:
                ws = wb.create_sheet(tab)
            last = _last_row(ws)
            existing: list[Cell] = []
            if last:
                existing = [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]
                existing = _trim(existing)
            new_header, index = merge_header(existing, header)
            # new columns (merge_header may reuse the place of trailing "" header cells)
            added = [i for i, h in enumerate(new_header) if i >= len(existing) or existing[i] != h]
            for i in added:
                set_cell(ws.cell(1, i + 1), new_header[i])
            start = max(last, 1) + 1
            for r, line in enumerate(place_rows(len(new_header), index, rows), start=start):
                for c, value in enumerate(line, start=1):
                    if value is not None:
                        set_cell(ws.cell(r, c), value)
            if schema_tab(ws.title) is not None and added:
                # a new tab looks like a template; new columns of an old one get drop-downs
                style_tab(wb, ws, new_header, None if created else added, freeze=created)
            _drop_placeholder(wb)
            lists_last(wb)
            save_atomically(wb, path)
        return True

    def has_write_id(self, sheet: str, tab: str, write_id: str) -> bool:
        try:
            path = self._file(sheet)
        except SourceError:
            return False
        if not path.is_file():
            return False
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            ws = _find_sheet(wb, tab)
            if ws is None:
                return False
            rows = ws.iter_rows(values_only=True)
            header = next(rows, None)
            if not header:
                return False
            target = fold(WRITE_ID_HEADER)
            cols = [i for i, h in enumerate(header) if h is not None and fold(str(h)) == target]
            return any(len(r) > c and r[c] == write_id for r in rows for c in cols)
        finally:
            wb.close()

    def replace_tab(self, sheet: str, tab: str, grid: Grid) -> None:
        path = self._file(sheet)
        self.folder.mkdir(parents=True, exist_ok=True)
        with _locked(path):
            wb = self._open_for_write(path)
            old = _find_sheet(wb, tab)
            if old is not None:  # same name and place, nothing else of the old sheet
                name, position = old.title, wb.index(old)
                wb.remove(old)
                ws = wb.create_sheet(name, position)
            else:
                ws = wb.create_sheet(tab)
            for r, line in enumerate(grid, start=1):
                for c, value in enumerate(line, start=1):
                    if value is not None:
                        set_cell(ws.cell(r, c), value)
            if grid and schema_tab(ws.title) is not None:
                style_tab(wb, ws, grid[0])
            _drop_placeholder(wb)
            lists_last(wb)
            save_atomically(wb, path)

    def ensure_spreadsheet(self, sheet: str) -> bool:
        try:
            path = self._file(sheet)
        except SourceError:
            return False
        self.folder.mkdir(parents=True, exist_ok=True)
        with _locked(path):
            if not path.exists():
                save_atomically(Workbook(), path)  # one empty placeholder sheet
        return True

    def sheet_name_for(self, unit_code: str) -> str:
        return f"{unit_code}.xlsx"

    def invalidate(self, sheet: str | None = None) -> None:
        return None  # nothing cached: every read opens the file

