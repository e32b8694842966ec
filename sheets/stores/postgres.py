"""PostgreSQL store (SPEC 5): for a federation that outgrows Google Sheets or runs several
app servers. The same spreadsheets of typed cells as every store; parsing stays in ``sheets/``.

Layout (tables prefixed ``tdkt_`` so the store can share a database):

- ``tdkt_spreadsheet`` (name, ``version``: bumped in the same transaction as every write, so a
  reader polls one small table to know what changed, and several app servers agree);
- ``tdkt_tab`` (name as given, its folded form for lenient lookup, its row count);
- ``tdkt_row`` (one row per sheet row: its cells as a JSON array). Types are kept exactly:
  JSON strings, booleans, integers and floats stand for themselves (a float always carries
  a point or an exponent), and what JSON has no type for is a one-key object: ``{"d": ISO}``
  a date, ``{"t": ISO}`` a date-time (its zone kept), ``{"i": digits}`` an integer beyond
  64 bits, ``{"f": "nan"|"inf"|"-inf"}``. The column is ``json`` (text kept as sent), not
  ``jsonb``, whose numeric would turn ``1e300`` into an integer;
- ``tdkt_write`` (tab, ``Mã lần ghi``): its primary key is the unique index that makes a
  retried append a no-op, checked in the append's own transaction.

Every write is one transaction that first locks its spreadsheet's row (the version bump), so
any number of writer processes serialise per spreadsheet, and a writer killed mid-way leaves
nothing behind (PostgreSQL rolls back a transaction whose connection dies).

Reads fetch all tabs of all asked spreadsheets in one statement (one snapshot), each tab's
rows glued server-side into one JSON text, streamed (a tab is decoded while the server builds
the next ones) as UTF-8 bytes straight into orjson; only tabs holding a JSON object are walked
for tagged cells. Nothing is cached, so the grids are handed out without a copy.
"""

from __future__ import annotations

import math
import os
import threading
import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import orjson
import psycopg
from psycopg import conninfo as _conninfo
from psycopg.abc import Buffer
from psycopg.adapt import Loader

from sheets.errors import SourceError
from sheets.stores.base import ABSENT, Cell, Grid, SheetRead, log_reads, merge_header, place_rows
from sheets.text import fold

WRITE_ID_FOLDED = fold("Mã lần ghi")
_MAX_INT = 2**63 - 1
LOCK_TIMEOUT = "30s"  # a writer waits this long for another writer of the same spreadsheet

_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS tdkt_spreadsheet (
        id      BIGSERIAL PRIMARY KEY,
        name    TEXT NOT NULL UNIQUE,
        version BIGINT NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE IF NOT EXISTS tdkt_tab (
        id             BIGSERIAL PRIMARY KEY,
        spreadsheet_id BIGINT NOT NULL REFERENCES tdkt_spreadsheet(id) ON DELETE CASCADE,
        name           TEXT NOT NULL,
        folded         TEXT NOT NULL,
        n_rows         INTEGER NOT NULL DEFAULT 0,
        UNIQUE (spreadsheet_id, folded)
    )""",
    """CREATE TABLE IF NOT EXISTS tdkt_row (
        tab_id BIGINT NOT NULL REFERENCES tdkt_tab(id) ON DELETE CASCADE,
        r      INTEGER NOT NULL,
        cells  JSON NOT NULL,
        PRIMARY KEY (tab_id, r)
    )""",
    """CREATE TABLE IF NOT EXISTS tdkt_write (
        tab_id   BIGINT NOT NULL REFERENCES tdkt_tab(id) ON DELETE CASCADE,
        write_id TEXT NOT NULL,
        PRIMARY KEY (tab_id, write_id)
    )""",
]


# --- cells <-> JSON ---------------------------------------------------------------------


def encode_cell(value: Any) -> Any:
    """A cell as a JSON-ready value (see the module docstring)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Integral):  # int, numpy integers
        n = int(value)
        return n if -_MAX_INT - 1 <= n <= _MAX_INT else {"i": str(n)}
    if isinstance(value, Real):  # float, numpy floats
        f = float(value)
        return f if math.isfinite(f) else {"f": repr(f)}
    return str(value)


def _decode_tagged(v: dict[str, str]) -> Cell:
    if "t" in v:
        return datetime.fromisoformat(v["t"])
    if "d" in v:
        return date.fromisoformat(v["d"])
    if "i" in v:
        return int(v["i"])
    if "f" in v:
        return float(v["f"])
    return None


def decode_tab(text: bytes) -> Grid:
    """A tab's rows from their JSON array (UTF-8 bytes)."""
    rows: Grid = orjson.loads(text)
    if b"{" in text:  # tagged cells are JSON objects: without a brace every cell is final
        decode_rows(rows)
    return rows


def encode_row(line: Sequence[Any]) -> str:
    return orjson.dumps([encode_cell(v) for v in line]).decode()


def decode_rows(rows: list[list[Any]]) -> Grid:
    fromiso = date.fromisoformat
    for line in rows:
        for i, v in enumerate(line):
            if type(v) is dict:
                d = v.get("d")  # dates are nearly all the tagged cells: their test comes first
                line[i] = fromiso(d) if d is not None and len(v) == 1 else _decode_tagged(v)
    return rows


# All tabs of the asked spreadsheets in one statement (one snapshot), each tab's rows glued
# server-side into one JSON array: one value per tab to transfer and decode, not one per row.
# No ORDER BY: a sort would hold back the first row until every tab is built (no streaming)
# and carry the glued texts through work_mem (×100: the registry's spilled to disk); the tabs
# are put in order by id in Python instead.
_READ = (
    "SELECT s.name, t.id, t.name, t.n_rows, "
    "  (SELECT '[' || coalesce(string_agg(x.cells::text, ',' ORDER BY x.r), '') || ']' "
    "     FROM tdkt_row x WHERE x.tab_id = t.id) "
    "FROM tdkt_spreadsheet s LEFT JOIN tdkt_tab t ON t.spreadsheet_id = s.id "
    "WHERE s.name = ANY(%s)"
)


class _BytesLoader(Loader):
    """Text columns as UTF-8 bytes: orjson reads them as they came, with no Python str made
    and encoded back in between (tens of MB at ×100)."""

    def load(self, data: Buffer) -> bytes:
        return bytes(data)


# --- connection settings ----------------------------------------------------------------


def _secrets_password() -> str | None:
    """``[tdkt.postgres] password`` from ``.streamlit/secrets.toml`` (or ``TDKT_SECRETS``)."""
    path = Path(os.environ.get("TDKT_SECRETS", ".streamlit/secrets.toml"))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    pg = data.get("tdkt", {}).get("postgres", {})
    pw = pg.get("password") if isinstance(pg, dict) else None
    return str(pw) if pw else None


def connect_kwargs(uri: str) -> dict[str, Any]:
    """Options for ``psycopg.connect``: the URI's own, with the password from the URI, else
    ``PGPASSWORD`` (libpq reads it itself), else secrets.toml."""
    try:
        parts = _conninfo.conninfo_to_dict(uri)
    except psycopg.ProgrammingError as exc:
        raise SourceError(f"Địa chỉ PostgreSQL «{_redact(uri)}» không hợp lệ: {exc}") from None
    if not parts.get("password") and not os.environ.get("PGPASSWORD"):
        pw = _secrets_password()
        if pw:
            parts["password"] = pw
    parts.setdefault("connect_timeout", 10)
    parts.setdefault("application_name", "tdkt")
    return parts


def _redact(uri: str) -> str:
    """The URI as it may be shown: without its password."""
    try:
        parts = _conninfo.conninfo_to_dict(uri)
    except psycopg.ProgrammingError:
        return "postgresql://…"
    user = parts.get("user", "")
    host = parts.get("host", "")
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{user}{'@' if user else ''}{host}{port}/{parts.get('dbname', '')}"


class PostgresStore:
    """Spreadsheets of typed cells in PostgreSQL; safe for concurrent writer processes."""

    def __init__(self, uri: str, *, registry: str = "registry") -> None:
        self.uri = uri
        self.label = _redact(uri)
        self.registry = registry
        self._kwargs = connect_kwargs(uri)
        self._local = threading.local()  # one connection per thread (and per process)
        self._ready = False
        self._init_lock = threading.Lock()

    # --- connections ----------------------------------------------------------------------
    def _conn(self) -> psycopg.Connection[Any]:
        conn: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if (conn is not None and getattr(self._local, "pid", None) == os.getpid() and not conn.closed
                and conn.info.transaction_status != psycopg.pq.TransactionStatus.UNKNOWN):
            return conn
        try:
            conn = psycopg.connect(autocommit=True, **self._kwargs)
        except psycopg.OperationalError as exc:
            raise SourceError(f"Không kết nối được PostgreSQL «{self.label}»: {str(exc).strip()}") from None
        # JIT off: the read's row estimate makes PostgreSQL compile it (0.1–0.2 s in every new
        # process) for string concatenation that compiled code does not speed up
        conn.execute("SELECT set_config('lock_timeout', %s, false), set_config('jit', 'off', false)", (LOCK_TIMEOUT,))
        self._local.conn = conn
        self._local.pid = os.getpid()  # a forked child must not reuse its parent's socket
        self._prepare(conn)
        return conn

    def _prepare(self, conn: psycopg.Connection[Any]) -> None:
        with self._init_lock:
            if self._ready:
                return
            with conn.transaction():
                # one creator at a time, even across processes starting together
                conn.execute("SELECT pg_advisory_xact_lock(7217001)")
                for statement in _SCHEMA:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO tdkt_spreadsheet(name) VALUES (%s) ON CONFLICT (name) DO NOTHING", (self.registry,)
                )
            self._ready = True

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @contextmanager
    def _tx(self) -> Iterator[psycopg.Connection[Any]]:
        conn = self._conn()
        with conn.transaction():
            yield conn

    # --- helpers (inside a transaction) -----------------------------------------------------
    @staticmethod
    def _lock_sheet(conn: psycopg.Connection[Any], sheet: str) -> int:
        """Create if needed, bump the version and hold the spreadsheet's row lock."""
        conn.execute("INSERT INTO tdkt_spreadsheet(name) VALUES (%s) ON CONFLICT (name) DO NOTHING", (sheet,))
        row = conn.execute(
            "UPDATE tdkt_spreadsheet SET version = version + 1 WHERE name = %s RETURNING id", (sheet,)
        ).fetchone()
        assert row is not None
        return int(row[0])

    @staticmethod
    def _tab(conn: psycopg.Connection[Any], sheet_id: int, tab: str) -> tuple[int, int]:
        """(tab id, row count) of the tab matching leniently, created when missing."""
        folded = fold(tab)
        conn.execute(
            "INSERT INTO tdkt_tab(spreadsheet_id, name, folded) VALUES (%s, %s, %s) "
            "ON CONFLICT (spreadsheet_id, folded) DO NOTHING",
            (sheet_id, tab, folded),
        )
        row = conn.execute(
            "SELECT id, n_rows FROM tdkt_tab WHERE spreadsheet_id = %s AND folded = %s", (sheet_id, folded)
        ).fetchone()
        assert row is not None
        return int(row[0]), int(row[1])

    @staticmethod
    def _insert(conn: psycopg.Connection[Any], tab_id: int, first: int, grid: Grid) -> None:
        with conn.cursor().copy("COPY tdkt_row (tab_id, r, cells) FROM STDIN") as cp:
            for r, line in enumerate(grid, start=first):
                cp.write_row((tab_id, r, encode_row(line)))

    @staticmethod
    def _mark(conn: psycopg.Connection[Any], tab_id: int, ids: set[str]) -> int:
        """Record write ids; how many were new."""
        if not ids:
            return 0
        cur = conn.execute(
            "INSERT INTO tdkt_write(tab_id, write_id) SELECT %s, unnest(%s::text[]) ON CONFLICT DO NOTHING",
            (tab_id, sorted(ids)),
        )
        return cur.rowcount

    # --- the Store protocol -------------------------------------------------------------
    def read(self, names: Sequence[str]) -> list[SheetRead]:
        log_reads("postgresql", names)
        found: dict[str, list[tuple[int, str, Grid]]] = {}
        try:
            cur = self._conn().cursor()
            cur.adapters.register_loader("text", _BytesLoader)
            # streamed: each tab is decoded while the server aggregates the next ones
            for sheet, tab_id, tab, n_rows, text in cur.stream(_READ, (list(dict.fromkeys(names)),)):
                tabs = found.setdefault(sheet.decode(), [])
                if tab_id is None:
                    continue
                grid = decode_tab(text) if text else []
                while len(grid) < n_rows:  # n_rows is authoritative; this only guards odd data
                    grid.append([])
                tabs.append((tab_id, tab.decode(), grid))
        except SourceError as exc:
            return [SheetRead(n, error=str(exc)) for n in names]
        except psycopg.Error as exc:
            return [SheetRead(n, error=f"Không đọc được PostgreSQL «{self.label}»: {str(exc).strip()}") for n in names]
        out = []
        given: set[str] = set()
        for n in names:
            if n not in found:
                out.append(SheetRead(n, error=f"Không tìm thấy bảng tính «{n}»."))
                continue
            grids = {t: g for _, t, g in sorted(found[n], key=lambda e: e[0])}  # tabs in creation order
            if n in given:  # asked twice: the second caller gets its own lists
                grids = {t: [list(r) for r in g] for t, g in grids.items()}
            given.add(n)
            out.append(SheetRead(n, grids))
        return out

    def versions(self, names: Sequence[str]) -> dict[str, str] | None:
        """Each spreadsheet's change token, from one small query."""
        try:
            rows = self._conn().execute(
                "SELECT name, id, version FROM tdkt_spreadsheet WHERE name = ANY(%s)", (list(names),)
            ).fetchall()
        except (psycopg.Error, SourceError):
            return None
        found = {name: f"{sid}.{version}" for name, sid, version in rows}
        return {n: found.get(n, ABSENT) for n in names}

    def spreadsheet_names(self) -> list[str]:
        names = [r[0] for r in self._conn().execute("SELECT name FROM tdkt_spreadsheet ORDER BY id")]
        return [self.registry] + [n for n in names if n != self.registry]

    def append_rows(self, sheet: str, tab: str, header: list[str], rows: Grid) -> None:
        try:
            self._append(sheet, tab, header, rows)
        except _AlreadyThere:
            return None  # a retry of a write that landed (perhaps from another process)

    def append_once(self, sheet: str, tab: str, header: list[str], rows: Grid, write_id: str) -> bool:
        """The rows carry ``write_id`` in their Mã lần ghi column: the unique index on write ids,
        checked in the append's transaction, makes a second send (any process) write nothing."""
        try:
            self._append(sheet, tab, header, rows)
        except _AlreadyThere:
            return False
        return True

    def _append(self, sheet: str, tab: str, header: list[str], rows: Grid) -> None:
        wid_cols = [i for i, h in enumerate(header) if fold(h) == WRITE_ID_FOLDED]
        ids = {str(r[i]) for r in rows for i in wid_cols if i < len(r) and isinstance(r[i], str) and r[i]}
        with self._tx() as conn:
            sheet_id = self._lock_sheet(conn, sheet)
            tab_id, n_rows = self._tab(conn, sheet_id, tab)
            if ids and self._mark(conn, tab_id, ids) < len(ids):
                raise _AlreadyThere  # rolls the whole transaction back: nothing written
            first = conn.execute("SELECT cells::text FROM tdkt_row WHERE tab_id = %s AND r = 0", (tab_id,)).fetchone()
            existing = decode_rows([orjson.loads(first[0])])[0] if first and n_rows else []
            new_header, index = merge_header(existing, header)
            if new_header != existing:
                conn.execute(
                    "INSERT INTO tdkt_row(tab_id, r, cells) VALUES (%s, 0, %s) "
                    "ON CONFLICT (tab_id, r) DO UPDATE SET cells = EXCLUDED.cells",
                    (tab_id, encode_row(new_header)),
                )
            start = max(n_rows, 1)
            self._insert(conn, tab_id, start, place_rows(len(new_header), index, rows))
            conn.execute("UPDATE tdkt_tab SET n_rows = %s WHERE id = %s", (start + len(rows), tab_id))

    def has_write_id(self, sheet: str, tab: str, write_id: str) -> bool:
        row = self._conn().execute(
            "SELECT 1 FROM tdkt_write w JOIN tdkt_tab t ON t.id = w.tab_id "
            "JOIN tdkt_spreadsheet s ON s.id = t.spreadsheet_id "
            "WHERE s.name = %s AND t.folded = %s AND w.write_id = %s LIMIT 1",
            (sheet, fold(tab), write_id),
        ).fetchone()
        return row is not None

    def replace_tab(self, sheet: str, tab: str, grid: Grid) -> None:
        with self._tx() as conn:
            sheet_id = self._lock_sheet(conn, sheet)
            tab_id, _ = self._tab(conn, sheet_id, tab)
            conn.execute("DELETE FROM tdkt_row WHERE tab_id = %s", (tab_id,))
            conn.execute("DELETE FROM tdkt_write WHERE tab_id = %s", (tab_id,))
            self._insert(conn, tab_id, 0, grid)
            conn.execute("UPDATE tdkt_tab SET n_rows = %s WHERE id = %s", (len(grid), tab_id))
            if grid:
                cols = [i for i, h in enumerate(grid[0]) if h is not None and fold(str(h)) == WRITE_ID_FOLDED]
                self._mark(conn, tab_id, {str(r[i]) for r in grid[1:] for i in cols
                                          if i < len(r) and isinstance(r[i], str) and r[i]})

    def ensure_spreadsheet(self, sheet: str) -> bool:
        with self._tx() as conn:
            conn.execute("INSERT INTO tdkt_spreadsheet(name) VALUES (%s) ON CONFLICT (name) DO NOTHING", (sheet,))
        return True

    def sheet_name_for(self, unit_code: str) -> str:
        return unit_code

    def invalidate(self, sheet: str | None = None) -> None:
        return None  # nothing cached: every read goes to the server

    def drop_all(self) -> None:
        """Remove this store's tables (tests and benchmarks start from an empty database)."""
        with self._tx() as conn:
            for t in ("tdkt_write", "tdkt_row", "tdkt_tab", "tdkt_spreadsheet"):
                conn.execute(f"DROP TABLE IF EXISTS {t} CASCADE")
        self._ready = False


class _AlreadyThere(Exception):
    """Raised inside an append's transaction to roll it back: its write id is stored."""

