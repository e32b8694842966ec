"""The Store protocol: spreadsheets of tabs of raw, typed cells (SPEC section 5).

A store knows nothing of the contract. It reads and appends grids; the contract, the
version rules and the write door live in ``sheets.parse``, ``sheets.load`` and
``sheets.write`` so that every backend runs the same code.

**Atomic append (the pattern every store follows).** A retried write must never be stored
twice, even when two sends of the same ``Mã lần ghi`` arrive at once (a fast second click, two
app servers). So the check "is this id already in the tab?" and the append are one step:
``append_once(sheet, tab, header, rows, write_id)`` returns False, appending nothing, when a
row of the tab already holds ``write_id``; otherwise it appends and returns True. Each store
makes that step atomic with the strongest tool it has, per spreadsheet:

- SQLite: one ``BEGIN IMMEDIATE`` transaction (the write lock is taken before the check),
  which also serialises processes sharing the file;
- PostgreSQL: one transaction that first takes a lock on the spreadsheet's tab (for example
  ``SELECT … FOR UPDATE`` on the tab row, or ``pg_advisory_xact_lock`` on its id), then checks
  the id and inserts, committing both or neither;
- workbooks: an exclusive file lock (``fcntl.flock`` on a sidecar lock file) held while the
  workbook is loaded, checked, changed and saved;
- Google Sheets: an in-process lock per spreadsheet; Google has no cross-process lock, so
  two app servers could still both append (documented on ``GSheetsStore.append_once``);
- memory: a lock per store.

The write door (``sheets.write.append``) calls ``append_once`` for every spreadsheet of a
write when the caller gave a write id, so a write spanning several spreadsheets that was
interrupted half-way is completed by its retry: the spreadsheets that hold the id are
skipped, the others are written, and the result says how many rows were added.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, runtime_checkable

# A raw cell keeps its type: text, number, boolean, date-time (or a date), or empty.
Cell = str | int | float | bool | datetime | date | None
Grid = list[list[Cell]]  # row 0 is the header row
Tabs = dict[str, Grid]  # tab name as found in the spreadsheet -> grid


@dataclass
class SheetRead:
    """What reading one spreadsheet gave: its tabs, or why it could not be read."""

    name: str
    tabs: Tabs = field(default_factory=dict)
    error: str | None = None  # Vietnamese; set when the spreadsheet is missing or refused
    url: str | None = None  # a link people can open, when the backend has one
    tab_ids: dict[str, int] = field(default_factory=dict)  # tab -> its id in links (Google's gid)
    # tab -> a mark the store keeps while the tab's cells stay the same (equal marks of one
    # store: equal cells); empty when the store does not tell
    tab_marks: dict[str, int] = field(default_factory=dict)


@runtime_checkable
class Store(Protocol):
    """A backend holding spreadsheets named by their ``Bảng tính`` value."""

    label: str  # the source as typed: "sqlite:PATH", "xlsx:PATH", "gsheets:KEY"
    registry: str  # the registry spreadsheet's name in this store

    def read(self, names: Sequence[str]) -> list[SheetRead]:
        """Read whole spreadsheets; never raises for a missing one (``error`` says why)."""
        ...

    def spreadsheet_names(self) -> list[str]:
        """Every spreadsheet this store holds, registry first (used by copy)."""
        ...

    def append_rows(self, sheet: str, tab: str, header: list[str], rows: Grid) -> None:
        """Append rows under ``header`` in a tab; add the tab, or missing header columns at the
        end, when needed. Never edits an existing cell. ``header`` names each row's cells."""
        ...

    def has_write_id(self, sheet: str, tab: str, write_id: str) -> bool:
        """Whether a row with this ``Mã lần ghi`` is already in the tab (retry safety)."""
        ...

    def append_once(self, sheet: str, tab: str, header: list[str], rows: Grid, write_id: str) -> bool:
        """``append_rows`` unless a row of the tab already holds ``write_id`` (then nothing is
        written and the answer is False); the check and the append are atomic (see above)."""
        ...

    def replace_tab(self, sheet: str, tab: str, grid: Grid) -> None:
        """Overwrite a whole tab with ``grid`` exactly (copy between stores only)."""
        ...

    def ensure_spreadsheet(self, sheet: str) -> bool:
        """Make sure a spreadsheet exists; False when this backend cannot create it."""
        ...

    def sheet_name_for(self, unit_code: str) -> str:
        """The ``Bảng tính`` value a copy into this store gives a unit's spreadsheet."""
        ...

    def invalidate(self, sheet: str | None = None) -> None:
        """Forget cached reads of one spreadsheet (or all)."""
        ...


# The change token of a spreadsheet the store does not hold (or cannot see).
ABSENT = "-"


@runtime_checkable
class Versioned(Protocol):
    """A store that can tell cheaply which spreadsheets changed (SQLite, PostgreSQL: a counter
    per spreadsheet; Google Sheets: one Drive ``files.list``; workbooks: file times)."""

    def versions(self, names: Sequence[str]) -> dict[str, str] | None:
        """A change token per name: equal tokens mean the same cells. ``ABSENT`` for a
        spreadsheet that is not there; None when the store cannot tell now (read everything)."""
        ...


READ_LOG_ENV = "TDKT_READ_LOG"


def log_reads(kind: str, names: Sequence[str]) -> None:
    """With ``TDKT_READ_LOG=FILE`` set, append one line per spreadsheet read (process id, store
    kind, name, Unix time): how tests see, across processes, that unchanged data is not read
    again, and when a server read a change."""
    path = os.environ.get(READ_LOG_ENV)
    if not path or not names:
        return
    now = time.time()
    lines = "".join(f"{os.getpid()}\t{kind}\t{n}\t{now:.3f}\n" for n in names)
    with open(path, "a", encoding="utf-8") as f:  # one write per call: lines of two processes never mix
        f.write(lines)


def versions_of(store: Store, names: Sequence[str]) -> dict[str, str] | None:
    """``store.versions(names)`` where the store has it, else None (no change detection)."""
    fn = getattr(store, "versions", None)
    if fn is None:
        return None
    try:
        out = fn(list(names))
    except Exception:  # change detection is an optimisation: never let it break a read
        return None
    return None if out is None else {n: str(out.get(n, ABSENT)) for n in names}


VersionLookup = Callable[[Sequence[str]], "dict[str, str] | None"]


def version_lookup(store: Store) -> VersionLookup:
    """A way to ask change tokens for any names, as of now: one ``version_snapshot`` where the
    store has it (Google Sheets: one ``files.list`` answers every later question of the same
    reload), else ``versions_of`` per question (SQLite, PostgreSQL: one small query each)."""
    snap = getattr(store, "version_snapshot", None)
    if snap is None:
        return lambda names: versions_of(store, names)
    try:
        tokens = snap()
    except Exception:
        tokens = None
    if tokens is None:
        return lambda names: None

    def lookup(names: Sequence[str]) -> dict[str, str] | None:
        try:
            out = tokens(list(names))
        except Exception:
            return None
        return {n: str(out.get(n, ABSENT)) for n in names}

    return lookup


def header_positions(header: Sequence[Cell]) -> dict[str, int]:
    """Map each non-empty header text to its first column index."""
    out: dict[str, int] = {}
    for i, h in enumerate(header):
        if h is None:
            continue
        text = str(h).strip()
        if text and text not in out:
            out[text] = i
    return out


def merge_header(existing: list[Cell], wanted: Sequence[str]) -> tuple[list[Cell], list[int]]:
    """Extend ``existing`` with the ``wanted`` columns it lacks (matched leniently, as headers
    are read) and return the new header plus, for each wanted column, its index."""
    from sheets.text import fold

    header = list(existing)
    while header and (header[-1] is None or str(header[-1]).strip() == ""):
        header.pop()
    folded: dict[str, int] = {}
    for i, h in enumerate(header):
        if h is not None and str(h).strip():
            folded.setdefault(fold(str(h)), i)
    index: list[int] = []
    for name in wanted:
        f = fold(name)
        if f in folded:
            index.append(folded[f])
        else:
            header.append(name)
            folded[f] = len(header) - 1
            index.append(len(header) - 1)
    return header, index


def place_rows(width: int, index: list[int], rows: Grid) -> Grid:
    """Lay out rows given in ``wanted`` order into a sheet of ``width`` columns."""
    out: Grid = []
    for r in rows:
        line: list[Cell] = [None] * width
        for value, col in zip(r, index, strict=False):
            line[col] = value
        out.append(line)
    return out
