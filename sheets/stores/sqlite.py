"""The local backend: one SQLite file in WAL mode (SPEC section 5).

Layout: ``spreadsheet`` (by name, in creation order) -> ``tab`` (name as given, plus its
folded form for lenient lookup, plus its row count) -> ``cell`` (one row per non-empty cell).
A cell keeps SQLite's own type in an untyped column ``v`` (INTEGER, REAL, TEXT, NULL) and a
small tag ``t`` for what SQLite has no type for: ``b`` bool, ``d`` date, ``t`` date-time
(both ISO text), ``n`` NaN, ``i`` an integer too big for 64 bits (text). Plain int, float
and str cells have no tag, so the file reads naturally in any SQLite browser.

Every write is one ``BEGIN IMMEDIATE`` transaction, so appends from several threads or
processes are serialised by SQLite itself and never interleave or get lost; ``append_once``
checks the ``Mã lần ghi`` inside that same transaction.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from numbers import Integral, Real
from pathlib import Path
from typing import Any

from sheets.stores.base import ABSENT, Cell, Grid, SheetRead, log_reads, merge_header, place_rows
from sheets.text import fold

SCHEMA_VERSION = 2  # 2: spreadsheet.version, the change counter the loader polls
BUSY_TIMEOUT_MS = 30_000  # a writer waits this long for another writer before giving up
WRITE_ID_HEADER = "Mã lần ghi"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS spreadsheet (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL DEFAULT 0  -- bumped by every write to this spreadsheet
);
CREATE TABLE IF NOT EXISTS tab (
    id             INTEGER PRIMARY KEY,
    spreadsheet_id INTEGER NOT NULL REFERENCES spreadsheet(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    folded         TEXT NOT NULL,
    n_rows         INTEGER NOT NULL DEFAULT 0,
    UNIQUE (spreadsheet_id, folded)
);
-- ``v`` is declared without a type on purpose: no affinity, so "0123" stays text.
CREATE TABLE IF NOT EXISTS cell (
    tab_id INTEGER NOT NULL,
    r      INTEGER NOT NULL,
    c      INTEGER NOT NULL,
    v,
    t      TEXT,
    PRIMARY KEY (tab_id, r, c)
) WITHOUT ROWID;
"""

_MAX_INT = 2**63 - 1


def encode(value: Any) -> tuple[Any, str | None] | None:
    """A cell as ``(v, tag)`` for storage; None when the cell is empty (not stored)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value), "b"
    if isinstance(value, str):
        return value, None
    if isinstance(value, datetime):
        return value.isoformat(), "t"
    if isinstance(value, date):
        return value.isoformat(), "d"
    if isinstance(value, Integral):  # int, numpy integers
        n = int(value)
        return (n, None) if -_MAX_INT - 1 <= n <= _MAX_INT else (str(n), "i")
    if isinstance(value, Real):  # float, numpy floats
        f = float(value)
        return (None, "n") if math.isnan(f) else (f, None)
    return str(value), None


def decode(v: Any, tag: str | None) -> Cell:
    if tag is None:
        return v
    if tag == "b":
        return bool(v)
    if tag == "t":
        return datetime.fromisoformat(v)
    if tag == "d":
        return date.fromisoformat(v)
    if tag == "n":
        return math.nan
    if tag == "i":
        return int(v)
    return v


class SqliteStore:
    """Spreadsheets of typed cells in one SQLite file; safe for concurrent writers."""

    def __init__(self, path: str | Path, *, registry: str = "registry") -> None:
        self.path = Path(path)
        self.label = f"sqlite:{path}"
        self.registry = registry
        self._local = threading.local()  # one connection per thread (and per process)
        self._init_lock = threading.Lock()
        self._ready = False

    # --- connections --------------------------------------------------------------
    def _connection(self, *, create: bool) -> sqlite3.Connection | None:
        """This thread's connection; None when the file is missing and ``create`` is off
        (reading never creates a file, so a mistyped path shows as an error)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            return conn
        if not create and not self.path.exists():
            return None
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves.
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        self._prepare(conn)
        self._local.conn = conn
        self._local.pid = os.getpid()  # a forked child must not reuse its parent's handle
        return conn

    def _prepare(self, conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA synchronous = NORMAL")  # per connection; safe in WAL mode, faster
        with self._init_lock:
            if self._ready:
                return
            # WAL is a property of the file: readers never block the writer, nor it them.
            _wal(conn)
            with _transaction(conn):
                found = conn.execute("PRAGMA user_version").fetchone()[0]
                if found < SCHEMA_VERSION:
                    # statement by statement: executescript() would commit our transaction
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    if found == 1:  # a file from before the change counter
                        conn.execute("ALTER TABLE spreadsheet ADD COLUMN version INTEGER NOT NULL DEFAULT 0")
                    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                # the registry always exists, as in MemoryStore
                conn.execute("INSERT OR IGNORE INTO spreadsheet(name) VALUES (?)", (self.registry,))
            self._ready = True

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def journal_mode(self) -> str:
        conn = self._connection(create=True)
        assert conn is not None
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])

    # --- lookups --------------------------------------------------------------------
    @staticmethod
    def _sheet_id(conn: sqlite3.Connection, sheet: str, *, create: bool) -> int | None:
        row = conn.execute("SELECT id FROM spreadsheet WHERE name = ?", (sheet,)).fetchone()
        if row is not None:
            return int(row[0])
        if not create:
            return None
        return int(conn.execute("INSERT INTO spreadsheet(name) VALUES (?)", (sheet,)).lastrowid or 0)

    @staticmethod
    def _tab(conn: sqlite3.Connection, sheet_id: int, tab: str) -> tuple[int, int] | None:
        """(tab id, row count) of the tab whose name matches leniently."""
        row = conn.execute(
            "SELECT id, n_rows FROM tab WHERE spreadsheet_id = ? AND folded = ?", (sheet_id, fold(tab))
        ).fetchone()
        return (int(row[0]), int(row[1])) if row else None

    @staticmethod
    def _new_tab(conn: sqlite3.Connection, sheet_id: int, tab: str) -> int:
        cur = conn.execute(
            "INSERT INTO tab(spreadsheet_id, name, folded, n_rows) VALUES (?, ?, ?, 0)",
            (sheet_id, tab, fold(tab)),
        )
        return int(cur.lastrowid or 0)

    @staticmethod
    def _row(conn: sqlite3.Connection, tab_id: int, r: int) -> list[Cell]:
        line: list[Cell] = []
        for c, v, t in conn.execute("SELECT c, v, t FROM cell WHERE tab_id = ? AND r = ? ORDER BY c",
                                    (tab_id, r)):
            line.extend([None] * (c - len(line)))
            line.append(decode(v, t))
        return line

    @staticmethod
    def _insert(conn: sqlite3.Connection, tab_id: int, first_row: int, grid: Grid) -> None:
        def cells() -> Iterator[tuple[int, int, int, Any, str | None]]:
            for r, line in enumerate(grid, start=first_row):
                for c, value in enumerate(line):
                    enc = encode(value)
                    if enc is not None:
                        yield tab_id, r, c, enc[0], enc[1]

        conn.executemany("INSERT OR REPLACE INTO cell(tab_id, r, c, v, t) VALUES (?, ?, ?, ?, ?)", cells())

    # --- the Store protocol ---------------------------------------------------------
    def read(self, names: Sequence[str]) -> list[SheetRead]:
        log_reads("sqlite", names)
        try:
            conn = self._connection(create=False)
        except sqlite3.Error as exc:
            return [SheetRead(n, error=f"Không mở được tệp dữ liệu «{self.path}»: {exc}") for n in names]
        if conn is None:
            return [SheetRead(n, error=f"Không tìm thấy tệp dữ liệu «{self.path}».") for n in names]
        out = []
        for name in names:
            try:
                out.append(self._read_one(conn, name))
            except sqlite3.Error as exc:
                out.append(SheetRead(name, error=f"Không đọc được bảng tính «{name}»: {exc}"))
        return out

    def _read_one(self, conn: sqlite3.Connection, name: str) -> SheetRead:
        with _transaction(conn, "BEGIN"):  # one consistent snapshot across both queries
            sheet_id = self._sheet_id(conn, name, create=False)
            if sheet_id is None:
                return SheetRead(name, error=f"Không tìm thấy bảng tính «{name}».")
            tabs_meta = conn.execute(
                "SELECT id, name, n_rows FROM tab WHERE spreadsheet_id = ? ORDER BY id", (sheet_id,)
            ).fetchall()
            grids: dict[int, Grid] = {tid: [[] for _ in range(n)] for tid, _, n in tabs_meta}
            cur = conn.execute(
                "SELECT c.tab_id, c.r, c.c, c.v, c.t FROM cell c JOIN tab ON tab.id = c.tab_id "
                "WHERE tab.spreadsheet_id = ? ORDER BY c.tab_id, c.r, c.c",
                (sheet_id,),
            )
            grid: Grid = []
            last_tab = -1
            for tab_id, r, c, v, t in cur:
                if tab_id != last_tab:
                    grid, last_tab = grids[tab_id], tab_id
                while r >= len(grid):  # n_rows is authoritative; this only guards odd files
                    grid.append([])
                line = grid[r]
                if c > len(line):
                    line.extend([None] * (c - len(line)))
                line.append(v if t is None else decode(v, t))
        return SheetRead(name, {tname: grids[tid] for tid, tname, _ in tabs_meta})

    def spreadsheet_names(self) -> list[str]:
        conn = self._connection(create=False)
        if conn is None:
            return [self.registry]
        names = [r[0] for r in conn.execute("SELECT name FROM spreadsheet ORDER BY id")]
        return [self.registry] + [n for n in names if n != self.registry]

    def append_rows(self, sheet: str, tab: str, header: list[str], rows: Grid) -> None:
        conn = self._connection(create=True)
        assert conn is not None
        with _transaction(conn, "BEGIN IMMEDIATE"):  # takes the write lock before reading
            self._append(conn, sheet, tab, header, rows)

    def append_once(self, sheet: str, tab: str, header: list[str], rows: Grid, write_id: str) -> bool:
        """The write-id check and the append in one ``BEGIN IMMEDIATE`` transaction: SQLite's
        write lock is taken before the check, so two threads or processes sending the same id
        queue up and the second finds the first's rows."""
        conn = self._connection(create=True)
        assert conn is not None
        with _transaction(conn, "BEGIN IMMEDIATE"):
            if self._has_write_id(conn, sheet, tab, write_id):
                return False
            self._append(conn, sheet, tab, header, rows)
        return True

    def _append(self, conn: sqlite3.Connection, sheet: str, tab: str, header: list[str], rows: Grid) -> None:
        sheet_id = self._sheet_id(conn, sheet, create=True)
        assert sheet_id is not None
        found = self._tab(conn, sheet_id, tab)
        tab_id, n_rows = found if found else (self._new_tab(conn, sheet_id, tab), 0)
        existing = self._row(conn, tab_id, 0) if n_rows else []
        new_header, index = merge_header(existing, header)
        changed = [
            (tab_id, 0, i, *enc)
            for i, h in enumerate(new_header)
            if (i >= len(existing) or existing[i] != h) and (enc := encode(h)) is not None
        ]
        conn.executemany("INSERT OR REPLACE INTO cell(tab_id, r, c, v, t) VALUES (?, ?, ?, ?, ?)", changed)
        start = max(n_rows, 1)
        self._insert(conn, tab_id, start, place_rows(len(new_header), index, rows))
        conn.execute("UPDATE tab SET n_rows = ? WHERE id = ?", (start + len(rows), tab_id))
        _bump(conn, sheet_id)

    def has_write_id(self, sheet: str, tab: str, write_id: str) -> bool:
        conn = self._connection(create=False)
        if conn is None:
            return False
        with _transaction(conn, "BEGIN"):
            return self._has_write_id(conn, sheet, tab, write_id)

    def _has_write_id(self, conn: sqlite3.Connection, sheet: str, tab: str, write_id: str) -> bool:
        sheet_id = self._sheet_id(conn, sheet, create=False)
        found = self._tab(conn, sheet_id, tab) if sheet_id is not None else None
        if found is None or found[1] == 0:
            return False
        tab_id = found[0]
        target = fold(WRITE_ID_HEADER)
        cols = [i for i, h in enumerate(self._row(conn, tab_id, 0))
                if h is not None and fold(str(h)) == target]
        if not cols:
            return False
        marks = ",".join("?" * len(cols))
        hit = conn.execute(
            f"SELECT 1 FROM cell WHERE tab_id = ? AND r > 0 AND c IN ({marks}) AND v = ? AND t IS NULL LIMIT 1",
            (tab_id, *cols, write_id),
        ).fetchone()
        return hit is not None

    def replace_tab(self, sheet: str, tab: str, grid: Grid) -> None:
        conn = self._connection(create=True)
        assert conn is not None
        with _transaction(conn, "BEGIN IMMEDIATE"):
            sheet_id = self._sheet_id(conn, sheet, create=True)
            assert sheet_id is not None
            found = self._tab(conn, sheet_id, tab)
            tab_id = found[0] if found else self._new_tab(conn, sheet_id, tab)
            conn.execute("DELETE FROM cell WHERE tab_id = ?", (tab_id,))
            self._insert(conn, tab_id, 0, grid)
            conn.execute("UPDATE tab SET n_rows = ? WHERE id = ?", (len(grid), tab_id))
            _bump(conn, sheet_id)

    def ensure_spreadsheet(self, sheet: str) -> bool:
        conn = self._connection(create=True)
        assert conn is not None
        with _transaction(conn, "BEGIN IMMEDIATE"):
            self._sheet_id(conn, sheet, create=True)
        return True

    def sheet_name_for(self, unit_code: str) -> str:
        return unit_code

    def invalidate(self, sheet: str | None = None) -> None:
        return None  # nothing cached: every read goes to the file

    def versions(self, names: Sequence[str]) -> dict[str, str] | None:
        """Each spreadsheet's change token in one query (``base.ABSENT`` for a missing one).
        The id is part of it, so a spreadsheet removed and made again never repeats a token."""
        try:
            conn = self._connection(create=False)
            if conn is None:
                return {n: ABSENT for n in names}
            found = {name: f"{sid}.{version}" for sid, name, version in
                     conn.execute("SELECT id, name, version FROM spreadsheet")}
        except sqlite3.Error:
            return None  # cannot tell: the loader reads everything
        return {n: found.get(n, ABSENT) for n in names}


def _bump(conn: sqlite3.Connection, sheet_id: int) -> None:
    conn.execute("UPDATE spreadsheet SET version = version + 1 WHERE id = ?", (sheet_id,))


def _wal(conn: sqlite3.Connection) -> None:
    """Put the file in WAL mode. Asking while another process writes can answer "database is
    locked" at once (SQLite's busy handler does not cover it): a file already in WAL needs
    nothing, else ask again until the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def _transaction(conn: sqlite3.Connection, begin: str = "BEGIN IMMEDIATE") -> Iterator[None]:
    conn.execute(begin)
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
