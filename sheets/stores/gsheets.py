"""Google Sheets store (SPEC section 5): gspread over the Sheets v4 REST API.

Reads. A spreadsheet costs ONE request: ``spreadsheets.get`` with ``includeGridData`` and a
field mask keeping only the tab titles/ids/sizes and each cell's ``effectiveValue``. That is
what ``values:batchGet`` with ``valueRenderOption=UNFORMATTED_VALUE`` and
``dateTimeRenderOption=SERIAL_NUMBER`` gives (numbers, booleans, text; dates as serial
numbers), plus the tab list, so no separate metadata request is needed and a tab added by
someone is seen at the next read. ``read_mode="values"`` uses a cached metadata request plus
one ``values:batchGet`` per spreadsheet instead. Linked spreadsheets are read in parallel.
Results are cached per spreadsheet for ``ttl`` seconds, shared by every caller of the store
and single-flight (concurrent readers of one spreadsheet wait for one request). A write
invalidates only the spreadsheet it wrote. When Google stays unreachable after the retries,
the last good data is served and flagged (``stale``, ``stale_sheets``, ``last_good_age``).

Writes. ``values:append`` with ``valueInputOption=RAW`` (typed text never becomes a formula)
and ``insertDataOption=INSERT_ROWS`` (an append never overwrites a cell). After an unclear
failure (timeout, connection error, 5xx) the tab is read again and only the rows whose
``Mã lần ghi`` is absent are sent again, so a retried append is never doubled.

Retries are this module's own: bounded exponential backoff with jitter for 429, 5xx,
timeouts and connection errors (gspread's ``BackOffHTTPClient`` is unbounded in 6.2.1).
A service account may not create files: ``ensure_spreadsheet`` only checks access.
"""

from __future__ import annotations

import itertools
import math
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import gspread
import orjson
import requests
from google.auth.exceptions import RefreshError as _RefreshError
from google.auth.exceptions import TransportError as _AuthTransportError
from gspread.exceptions import APIError
from gspread.urls import DRIVE_FILES_API_V3_URL, SPREADSHEET_URL

from sheets.errors import SourceError, WriteError
from sheets.stores.base import ABSENT, Cell, Grid, SheetRead, Tabs, merge_header, place_rows
from sheets.text import fold

T = TypeVar("T")

SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
WRITE_ID_FOLDED = fold("Mã lần ghi")
# One request per spreadsheet: tab properties plus every cell's effective value.
GRID_FIELDS = (
    "sheets(properties(sheetId,title,index,sheetType,gridProperties(rowCount,columnCount,frozenRowCount)),"
    "data(startRow,startColumn,rowData(values(effectiveValue))))"
)
META_FIELDS = "sheets(properties(sheetId,title,index,sheetType,gridProperties(rowCount,columnCount,frozenRowCount)))"
SETUP_FIELDS = (
    "sheets(properties(sheetId,title,index,sheetType,gridProperties(rowCount,columnCount,frozenRowCount)),"
    "protectedRanges(protectedRangeId,range,warningOnly))"
)
VALUE_PARAMS: dict[str, Any] = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}
_ERROR_TEXT = {
    "ERROR": "#ERROR!",
    "NULL_VALUE": "#NULL!",
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
    "LOADING": "Loading...",
}
_URL_KEY = re.compile(r"/spreadsheets/d/([a-zA-Z0-9_-]+)")
_PARAM_KEY = re.compile(r"[?&#]key=([a-zA-Z0-9_-]+)")
_BARE_KEY = re.compile(r"[a-zA-Z0-9_-]+")
UPDATE_CHUNK_ROWS = 2000
# A header row read by a write-id check is reused by the append that follows within this many
# seconds (if no write of ours changed that tab's header meanwhile): one request less a submission.
HEADER_REUSE_SECONDS = 10.0


# --- keys, ranges, cells ---------------------------------------------------------------


def spreadsheet_key(value: str) -> str | None:
    """The spreadsheet key in a ``Bảng tính`` value: a Google Sheets URL or a bare key."""
    text = str(value).strip()
    m = _URL_KEY.search(text) or _PARAM_KEY.search(text)
    if m:
        return m.group(1)
    if _BARE_KEY.fullmatch(text):
        return text
    return None


def spreadsheet_url(key: str) -> str:
    return f"https://docs.google.com/spreadsheets/d/{key}/edit"


def quote_title(title: str) -> str:
    """A tab title as an A1 range naming the whole tab."""
    return "'" + title.replace("'", "''") + "'"


def _number(x: int | float) -> int | float:
    if isinstance(x, float) and x.is_integer() and abs(x) < 2**53:
        return int(x)
    return x


def cell_from_value(v: Any) -> Cell:
    """A cell of a ``values`` answer (UNFORMATTED_VALUE): text, number or boolean."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return _number(v)
    return str(v)


def cell_from_extended(ev: Mapping[str, Any] | None) -> Cell:
    """A cell from an ``ExtendedValue`` (grid data's ``effectiveValue``)."""
    if not ev:
        return None
    if "stringValue" in ev:
        return ev["stringValue"] if ev["stringValue"] != "" else None
    if "numberValue" in ev:
        return _number(ev["numberValue"])
    if "boolValue" in ev:
        return bool(ev["boolValue"])
    if "errorValue" in ev:
        return _ERROR_TEXT.get(str(ev["errorValue"].get("type")), "#ERROR!")
    if "formulaValue" in ev:
        return str(ev["formulaValue"])
    return None


def _trim(grid: Grid) -> Grid:
    for row in grid:
        while row and row[-1] is None:
            row.pop()
    while grid and not grid[-1]:
        grid.pop()
    return grid


def grid_from_data(sheet: Mapping[str, Any]) -> Grid:
    """A tab's grid from ``spreadsheets.get`` grid data (first data block)."""
    blocks = sheet.get("data") or [{}]
    block = blocks[0]
    lead_cols = int(block.get("startColumn", 0))
    grid: Grid = [[] for _ in range(int(block.get("startRow", 0)))]
    lead: list[Cell] = [None] * lead_cols
    for rd in block.get("rowData", []):
        # most cells are text: skip the general conversion for them (one comprehension a row)
        cells: list[Cell] = [
            text if (ev := c.get("effectiveValue")) and (text := ev.get("stringValue")) else cell_from_extended(ev)
            for c in rd.get("values", ())
        ]
        grid.append([*lead, *cells] if lead_cols and cells else cells)
    return _trim(grid)


def grid_from_values(rows: Iterable[Sequence[Any]] | None) -> Grid:
    return _trim([[cell_from_value(v) for v in row] for row in rows or []])


def to_json(v: Any) -> Any:
    """A cell as sent with RAW: dates as dd/mm/yyyy text, date-times as ISO text."""
    if v is None:
        return ""
    if isinstance(v, bool | str):
        return v
    if isinstance(v, datetime):
        return "" if str(v) == "NaT" else v.isoformat()
    if isinstance(v, date):
        return f"{v.day:02d}/{v.month:02d}/{v.year:04d}"
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return "" if not math.isfinite(v) else v
    if isinstance(v, Decimal):
        return to_json(float(v))
    item = getattr(v, "item", None)  # numpy scalars
    if callable(item):
        return to_json(item())
    return "" if str(v) in ("NaT", "<NA>", "nan") else str(v)


def _grid_sheets(sheets: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Tabs holding cells (a chart sheet is an OBJECT sheet and has none)."""
    return [s for s in sheets if s.get("properties", {}).get("sheetType", "GRID") == "GRID"]


def _match_title(titles: Iterable[str], tab: str) -> str | None:
    titles = list(titles)
    if tab in titles:
        return tab
    f = fold(tab)
    for t in titles:
        if fold(t) == f:
            return t
    return None


# --- failures ------------------------------------------------------------------------


class Unreachable(Exception):
    """Google did not answer usably after every retry."""

    def __init__(self, attempts: int, last: BaseException) -> None:
        super().__init__(f"{attempts} lần thử; lỗi cuối: {_describe(last)}")
        self.attempts = attempts
        self.last = last


def _status(exc: APIError) -> int:
    code = exc.code if isinstance(exc.code, int) else -1
    if code <= 0:
        code = int(getattr(exc.response, "status_code", 0) or 0)
    return code


def _describe(exc: BaseException) -> str:
    if isinstance(exc, APIError):
        return f"HTTP {_status(exc)}: {exc.error.get('message', '')}"
    if isinstance(exc, requests.exceptions.Timeout):
        return "hết thời gian chờ Google trả lời"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "mất kết nối tới Google"
    if isinstance(exc, _RefreshError):  # the key itself: revoked, deleted, or of another project
        return ("Google từ chối khóa tài khoản dịch vụ (khóa đã bị thu hồi, xóa hoặc sai); "
                "hãy tạo khóa mới trong Google Cloud và cập nhật tệp khóa hoặc secrets.toml")
    return f"{type(exc).__name__}: {exc}"


def is_transient(exc: BaseException) -> bool:
    """Worth retrying: 408, 429, 5xx, timeouts and connection errors."""
    if isinstance(exc, APIError):
        code = _status(exc)
        return code in (408, 429) or code >= 500
    return isinstance(
        exc,
        requests.exceptions.ConnectionError
        | requests.exceptions.Timeout
        | requests.exceptions.ChunkedEncodingError
        | _AuthTransportError,
    )


def is_ambiguous(exc: BaseException) -> bool:
    """A failure after which a write may or may not have landed."""
    if isinstance(exc, APIError):
        return _status(exc) >= 500
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return False  # never reached the server
    return is_transient(exc)


@dataclass
class _TabMeta:
    sheet_id: int
    rows: int
    cols: int
    frozen: int = 0


@dataclass
class _Meta:
    tabs: dict[str, _TabMeta]
    fetched: float


@dataclass
class _Entry:
    tabs: Tabs | None
    error: str | None
    fetched: float


# --- the store -------------------------------------------------------------------------


class GSheetsStore:
    """Spreadsheets in Google Sheets, named by their ``Bảng tính`` value (URL or key)."""

    def __init__(
        self,
        registry_key_or_url: str,
        *,
        client: gspread.Client | None = None,
        credentials_file: str | None = None,
        ttl: float = 300,
        max_retries: int = 6,
        base_delay: float = 0.5,
        max_delay: float = 32.0,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
        read_mode: str = "grid",
        max_workers: int = 32,  # a province's linked spreadsheets go out in one parallel wave
        outage_retry: float = 30.0,
        links: Mapping[str, str] | None = None,
        service_account_email: str | None = None,
        timeout: float | tuple[float, float] | None = (10.0, 120.0),
    ) -> None:
        key = spreadsheet_key(registry_key_or_url)
        if key is None:
            raise SourceError(f"«{registry_key_or_url}» không phải đường dẫn hay mã bảng tính Google Sheets.")
        if read_mode not in ("grid", "values"):
            raise ValueError(read_mode)
        if client is None:
            if credentials_file is None:
                raise SourceError(
                    "Chưa cấu hình tài khoản dịch vụ Google: thêm service_account_file hoặc "
                    "service_account_info vào mục [connections.tdkt] của .streamlit/secrets.toml."
                )
            creds = credentials_from_file(credentials_file)
            service_account_email = service_account_email or getattr(creds, "service_account_email", None)
            client = gspread.Client(auth=creds)
        self.client = client
        if timeout is not None and getattr(client.http_client, "timeout", None) is None:
            client.set_timeout(timeout)
        self.label = f"gsheets:{registry_key_or_url}"
        self.registry = key
        self.ttl = ttl
        self.max_retries = max_retries
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.read_mode = read_mode
        self.max_workers = max_workers
        self.outage_retry = outage_retry
        self.service_account_email = service_account_email
        self._sleep = sleep
        self._rng = rng if rng is not None else random.Random()
        self._clock = clock
        self._links = {str(k).strip().upper(): str(v) for k, v in (links or {}).items()}
        self._lock = threading.Lock()
        self._cache: dict[str, _Entry] = {}
        self._good: dict[str, tuple[Tabs, float]] = {}
        self._stale: set[str] = set()
        self._retry_at: dict[str, float] = {}
        self._gen: dict[str, int] = {}
        self._meta: dict[str, _Meta] = {}
        self._flight: dict[str, threading.Lock] = {}
        self._write_locks: dict[str, threading.Lock] = {}
        # (key, tab title) -> header row read by a write-id check, when, and the header generation then
        self._checked_headers: dict[tuple[str, str], tuple[list[Cell], float, int]] = {}
        self._header_gen: dict[str, int] = {}  # bumped (under the write lock) whenever we change a header
        self._names: dict[str, str] = {key: key}  # key -> the name it was first asked by
        self._mtimes: dict[str, str] = {}  # key -> Drive modifiedTime at our last look
        self._writes: dict[str, int] = {}  # key -> writes this store sent to it (``write_marks``)
        # key -> (its last fetched tabs, a mark per tab): a tab keeps its mark while a fetch
        # finds the same cells, so a loader parses again only the tabs that changed
        self._tab_marks: dict[str, tuple[Tabs, dict[str, int]]] = {}
        self._mark_seq = itertools.count(1)

    # --- construction from secrets ------------------------------------------------------

    @classmethod
    def from_secrets(cls, mapping: Mapping[str, Any], **kwargs: Any) -> GSheetsStore:
        """Build from the ``[connections.tdkt]`` secrets table (see secrets.toml.example)."""
        spreadsheet = mapping.get("spreadsheet")
        if not spreadsheet:
            raise SourceError("Thiếu «spreadsheet» (đường dẫn bảng tính đăng ký) trong [connections.tdkt].")
        creds = credentials_from_secrets(mapping)
        links = mapping.get("links")
        return cls(
            str(spreadsheet),
            client=gspread.Client(auth=creds),
            ttl=float(mapping.get("ttl", kwargs.pop("ttl", 300))),
            links=dict(links) if links else None,
            service_account_email=getattr(creds, "service_account_email", None),
            **kwargs,
        )

    # --- plumbing -------------------------------------------------------------------------

    @property
    def _http(self) -> Any:
        return self.client.http_client

    def _backoff(self, attempt: int) -> float:
        cap = min(self.max_delay, self.base_delay * (2**attempt))
        return cap / 2 + self._rng.uniform(0, cap / 2)

    def _call(self, fn: Callable[[], T]) -> T:
        """Run one API call with bounded retries of transient failures."""
        attempt = 0
        while True:
            try:
                return fn()
            except Exception as exc:
                if not is_transient(exc):
                    raise
                if attempt >= self.max_retries:
                    raise Unreachable(attempt + 1, exc) from exc
                self._sleep(self._backoff(attempt))
                attempt += 1

    def _key(self, name: str) -> str:
        key = spreadsheet_key(name)
        if key is None:
            raise SourceError(f"«{name}» không phải đường dẫn hay mã bảng tính Google Sheets.")
        with self._lock:
            self._names.setdefault(key, name)
        return key

    def _named_lock(self, table: dict[str, threading.Lock], key: str) -> threading.Lock:
        with self._lock:
            lock = table.get(key)
            if lock is None:
                lock = table[key] = threading.Lock()
            return lock

    def _denied_text(self, name: str, writing: bool = False) -> str:
        who = self.service_account_email or "email của tài khoản dịch vụ (client_email trong tệp khóa)"
        right = "chỉnh sửa" if writing else "truy cập"
        return (
            f"Tài khoản dịch vụ chưa được chia sẻ quyền {right} bảng tính «{name}». "
            f"Cách sửa: mở bảng tính, bấm «Chia sẻ» và thêm {who} với quyền Người chỉnh sửa."
        )

    @staticmethod
    def _missing_text(name: str) -> str:
        return (
            f"Không tìm thấy bảng tính «{name}». Kiểm tra đường dẫn hoặc mã bảng tính "
            "(cột «Bảng tính» của DonVi, hoặc mục spreadsheet trong secrets)."
        )

    def _error_text(self, exc: BaseException, name: str, writing: bool = False) -> str:
        if isinstance(exc, Unreachable):
            what = "ghi vào" if writing else "đọc"
            return (
                f"Không {what} được Google Sheets (bảng tính «{name}») sau {exc.attempts} lần thử: "
                f"{_describe(exc.last)}. Hãy thử lại sau ít phút."
            )
        if isinstance(exc, APIError):
            code = _status(exc)
            if code == 404:
                return self._missing_text(name)
            if code == 403:
                return self._denied_text(name, writing)
            return f"Google Sheets từ chối yêu cầu với bảng tính «{name}» ({_describe(exc)})."
        if isinstance(exc, SourceError | WriteError):
            return str(exc)
        return f"Lỗi khi làm việc với bảng tính «{name}»: {_describe(exc)}"

    # --- metadata -------------------------------------------------------------------------

    def _remember_meta(self, key: str, sheets: Iterable[Mapping[str, Any]]) -> dict[str, _TabMeta]:
        tabs: dict[str, _TabMeta] = {}
        for s in _grid_sheets(sheets):
            p = s.get("properties", {})
            g = p.get("gridProperties", {})
            tabs[str(p.get("title", ""))] = _TabMeta(
                int(p.get("sheetId", 0)),
                int(g.get("rowCount", 0)),
                int(g.get("columnCount", 0)),
                int(g.get("frozenRowCount", 0)),
            )
        with self._lock:
            self._meta[key] = _Meta(tabs, self._clock())
        return tabs

    def _metadata(self, key: str, *, fresh: bool = False) -> tuple[dict[str, _TabMeta], bool]:
        """Tab titles -> ids and sizes; True when fetched now rather than cached."""
        if not fresh:
            with self._lock:
                m = self._meta.get(key)
            if m is not None and self._clock() - m.fetched < self.ttl:
                return m.tabs, False
        resp = self._call(lambda: self._http.spreadsheets_get(key, params={"fields": META_FIELDS}))
        return self._remember_meta(key, resp.get("sheets", [])), True

    # --- reads ----------------------------------------------------------------------------

    def read(self, names: Sequence[str]) -> list[SheetRead]:
        keys: list[str | None] = []
        for n in names:
            k = spreadsheet_key(n)
            keys.append(k)
            if k is not None:
                with self._lock:
                    self._names.setdefault(k, n)
        todo = list(dict.fromkeys(k for k in keys if k is not None))
        first_name = {k: n for n, k in reversed(list(zip(names, keys, strict=True))) if k is not None}
        results: dict[str, tuple[Tabs | None, str | None]] = {}
        if len(todo) <= 1 or self.max_workers <= 1:
            for k in todo:
                results[k] = self._read_one(k, first_name[k])
        else:
            with ThreadPoolExecutor(max_workers=min(self.max_workers, len(todo))) as pool:
                futures = {k: pool.submit(self._read_one, k, first_name[k]) for k in todo}
                results = {k: f.result() for k, f in futures.items()}
        out: list[SheetRead] = []
        for n, k in zip(names, keys, strict=True):
            if k is None:
                out.append(SheetRead(n, error=f"«{n}» không phải đường dẫn hay mã bảng tính Google Sheets."))
                continue
            tabs, error = results[k]
            copied = {t: list(map(list, g)) for t, g in tabs.items()} if tabs is not None else {}  # the cache stays ours
            with self._lock:
                meta = self._meta.get(k)
                marked = self._tab_marks.get(k)
            ids = {t: m.sheet_id for t, m in meta.tabs.items()} if meta is not None else {}
            marks = dict(marked[1]) if marked is not None and tabs is not None and marked[0] is tabs else {}
            out.append(SheetRead(n, copied, error=error, url=spreadsheet_url(k), tab_ids=ids, tab_marks=marks))
        return out

    def _fresh(self, key: str) -> _Entry | None:
        with self._lock:
            e = self._cache.get(key)
        if e is not None and self._clock() - e.fetched < self.ttl:
            return e
        return None

    def _read_one(self, key: str, name: str) -> tuple[Tabs | None, str | None]:
        try:
            e = self._fresh(key)
            if e is None:
                with self._named_lock(self._flight, key):
                    e = self._fresh(key)
                    if e is None:
                        return self._fetch_and_cache(key, name)
            return e.tabs, e.error
        except Exception as exc:  # never raise from a read
            return None, self._error_text(exc, name)

    def _fetch_and_cache(self, key: str, name: str) -> tuple[Tabs | None, str | None]:
        now = self._clock()
        with self._lock:
            gen = self._gen.get(key, 0)
            retry_at = self._retry_at.get(key)
            good = self._good.get(key)
        if retry_at is not None and now < retry_at:
            # Google was unreachable a moment ago: don't keep every viewer waiting on retries
            if good is not None:
                with self._lock:
                    self._stale.add(key)
                return good[0], None
            return None, "Google Sheets tạm thời không trả lời; ứng dụng sẽ thử lại sau ít giây."
        try:
            tabs = self._fetch(key)
        except Unreachable as exc:
            with self._lock:
                self._retry_at[key] = self._clock() + min(self.outage_retry, self.ttl)
                good = self._good.get(key)
                if good is not None:
                    self._stale.add(key)
            if good is not None:
                return good[0], None
            return None, self._error_text(exc, name)
        except APIError as exc:
            error = self._error_text(exc, name)
            with self._lock:
                if self._gen.get(key, 0) == gen:
                    self._cache[key] = _Entry(None, error, now)
                self._stale.discard(key)
                self._retry_at.pop(key, None)
            return None, error
        fetched = self._clock()
        with self._lock:
            prev = self._tab_marks.get(key)
        prev_tabs, prev_marks = prev if prev is not None else ({}, {})
        marks = {t: prev_marks[t] if t in prev_marks and prev_tabs.get(t) == g else next(self._mark_seq)
                 for t, g in tabs.items()}
        with self._lock:
            if self._gen.get(key, 0) == gen:  # no write landed while we were reading
                self._cache[key] = _Entry(tabs, None, fetched)
            self._good[key] = (tabs, fetched)
            self._tab_marks[key] = (tabs, marks)
            self._stale.discard(key)
            self._retry_at.pop(key, None)
        return tabs, None

    def _get_spreadsheet(self, key: str, params: dict[str, str]) -> Any:
        """``spreadsheets.get`` as gspread sends it, decoded with orjson: a province's grid data
        is megabytes of JSON, and the standard decoder was a third of a cold load's CPU."""
        r = self._http.request("get", SPREADSHEET_URL % key, params=params)
        return orjson.loads(r.content)

    def _fetch(self, key: str) -> Tabs:
        if self.read_mode == "grid":
            params = {"includeGridData": "true", "fields": GRID_FIELDS}
            resp = self._call(lambda: self._get_spreadsheet(key, params))
            sheets = _grid_sheets(resp.get("sheets", []))
            self._remember_meta(key, sheets)
            return {str(s.get("properties", {}).get("title", "")): grid_from_data(s) for s in sheets}
        meta, fetched_now = self._metadata(key)
        for attempt in range(2):
            titles = list(meta)
            if not titles:
                return {}
            try:
                resp = self._call(
                    lambda titles=titles: self._http.values_batch_get(  # type: ignore[misc]
                        key, [quote_title(t) for t in titles], params=dict(VALUE_PARAMS)
                    )
                )
            except APIError as exc:
                if _status(exc) == 400 and attempt == 0 and not fetched_now:  # a tab was renamed or removed
                    meta, fetched_now = self._metadata(key, fresh=True)
                    continue
                raise
            ranges = resp.get("valueRanges", [])
            return {t: grid_from_values(vr.get("values")) for t, vr in zip(titles, ranges, strict=False)}
        raise AssertionError("unreachable")  # pragma: no cover

    # --- change detection ------------------------------------------------------------------

    def _list_files(self) -> dict[str, str]:
        """Drive ``files.list`` of the spreadsheets shared with us: key -> modifiedTime.
        One request per 1000 spreadsheets (a province is one page)."""
        out: dict[str, str] = {}
        params = {
            "q": "mimeType='application/vnd.google-apps.spreadsheet' and trashed=false",
            "pageSize": "1000",
            "supportsAllDrives": "true",
            "includeItemsFromAllDrives": "true",
            "fields": "nextPageToken,files(id,modifiedTime)",
        }
        while True:
            page = dict(params)
            resp = self._call(lambda page=page: orjson.loads(  # type: ignore[misc]
                self._http.request("get", DRIVE_FILES_API_V3_URL, params=page).content))
            for f in resp.get("files", []):
                out[str(f.get("id"))] = str(f.get("modifiedTime", ""))
            token = resp.get("nextPageToken")
            if not token:
                return out
            params["pageToken"] = str(token)

    def versions(self, names: Sequence[str]) -> dict[str, str] | None:
        """Each spreadsheet's Drive ``modifiedTime`` from one ``files.list`` (``ABSENT`` when it
        is not shared with us or gone). A spreadsheet whose time moved since our last look
        has its cached read dropped, so the read that follows gets the new cells."""
        snapshot = self.version_snapshot()
        return None if snapshot is None else snapshot(names)

    def version_snapshot(self) -> Callable[[Sequence[str]], dict[str, str]] | None:
        """One ``files.list`` now, answering ``versions`` for any names later without another
        request (a loader asks once per reload, then again for spreadsheets the registry
        newly links: those tokens still predate their reads). None when Drive cannot tell."""
        try:
            listing = self._list_files()
        except Exception:
            return None  # cannot tell now: the loader reads as before (through the cache)

        def tokens(names: Sequence[str]) -> dict[str, str]:
            out: dict[str, str] = {}
            moved: list[str] = []
            with self._lock:
                for n in names:
                    k = spreadsheet_key(n)
                    token = listing.get(k, ABSENT) if k else ABSENT
                    out[n] = token
                    if k and self._mtimes.get(k) != token:
                        self._mtimes[k] = token
                        moved.append(k)
            for k in moved:
                self.invalidate(k)
            return out

        return tokens

    # --- freshness, for the data banner ----------------------------------------------------

    @property
    def stale(self) -> bool:
        """True while some spreadsheet is being served from its last good read."""
        with self._lock:
            return bool(self._stale)

    def stale_sheets(self) -> dict[str, float]:
        """Spreadsheets served from their last good read -> that read's age in seconds."""
        now = self._clock()
        with self._lock:
            return {self._names.get(k, k): now - self._good[k][1] for k in self._stale if k in self._good}

    def last_good_age(self, name: str) -> float | None:
        """Seconds since the last successful read of a spreadsheet (None if never)."""
        key = spreadsheet_key(name)
        with self._lock:
            good = self._good.get(key or "")
        return None if good is None else self._clock() - good[1]

    def invalidate(self, sheet: str | None = None) -> None:
        with self._lock:
            if sheet is None:
                keys = list(self._cache) + list(self._gen)
                self._cache.clear()
            else:
                key = spreadsheet_key(sheet)
                keys = [key] if key else []
                for k in keys:
                    self._cache.pop(k, None)
            for k in keys:
                self._gen[k] = self._gen.get(k, 0) + 1
            done = set(keys)  # a checked header serves only the append right after its check
            for ck in [ck for ck in self._checked_headers if ck[0] in done]:
                del self._checked_headers[ck]

    # --- names ----------------------------------------------------------------------------

    def _registry_links(self) -> list[tuple[str, str]]:
        """(unit code, Bảng tính) pairs of the registry's DonVi, in row order."""
        reg = self.read([self.registry])[0]
        if reg.error:
            return []
        title = _match_title(reg.tabs, "DonVi")
        grid = reg.tabs.get(title or "", [])
        if not grid:
            return []
        pos = {fold(str(h)): i for i, h in reversed(list(enumerate(grid[0]))) if h is not None}
        ci, si = pos.get(fold("Mã đơn vị")), pos.get(fold("Bảng tính"))
        if ci is None or si is None:
            return []
        out = []
        for row in grid[1:]:
            code = row[ci] if ci < len(row) else None
            link = row[si] if si < len(row) else None
            if code is not None and isinstance(link, str) and link.strip():
                out.append((str(code).strip().upper(), link.strip()))
        return out

    def spreadsheet_names(self) -> list[str]:
        names = [self.registry]
        seen = {self.registry}
        candidates = [link for _, link in self._registry_links()] + list(self._links.values())
        with self._lock:
            candidates += list(self._names.values())
        for n in candidates:
            k = spreadsheet_key(n)
            if k is not None and k not in seen:
                seen.add(k)
                names.append(n)
        return names

    def canonical_name(self, value: str) -> str:
        """The spreadsheet key of a ``Bảng tính`` value, so a URL and its key are one spreadsheet."""
        return spreadsheet_key(value) or str(value).strip()

    def sheet_name_for(self, unit_code: str) -> str:
        code = str(unit_code).strip().upper()
        if code in self._links:
            return self._links[code]
        found = [link for c, link in self._registry_links() if c == code]
        if found and spreadsheet_key(found[-1]) is not None:
            return found[-1]
        raise SourceError(
            f"Chưa có bảng tính Google cho đơn vị «{code}». Tài khoản dịch vụ không tự tạo được tệp: "
            "hãy tạo một bảng tính, chia sẻ quyền chỉnh sửa với tài khoản dịch vụ, rồi ghi đường dẫn vào "
            "cột «Bảng tính» của DonVi (hoặc vào [connections.tdkt.links] trong secrets)."
        )

    def ensure_spreadsheet(self, sheet: str) -> bool:
        """True when the spreadsheet exists and is shared with the service account."""
        key = spreadsheet_key(sheet)
        if key is None:
            return False
        try:
            self._call(lambda: self._http.spreadsheets_get(key, params={"fields": "spreadsheetId"}))
        except APIError as exc:
            if _status(exc) in (403, 404):
                return False
            raise SourceError(self._error_text(exc, sheet)) from exc
        except Unreachable as exc:
            raise SourceError(self._error_text(exc, sheet)) from exc
        return True

    # --- writes ---------------------------------------------------------------------------

    def append_rows(self, sheet: str, tab: str, header: list[str], rows: Grid) -> None:
        self._append_rows(sheet, tab, header, rows, None)

    def append_once(self, sheet: str, tab: str, header: list[str], rows: Grid, write_id: str) -> bool:
        """The write-id check and the append under this process's write lock of the spreadsheet,
        so two sends of one id from this app server land once. Google offers no lock or
        transaction across processes: two app servers writing the same id at the same instant
        could both append (the version rules then keep one record, but the rows are doubled);
        run one app server per Google-backed province, or use PostgreSQL for several."""
        return self._append_rows(sheet, tab, header, rows, write_id)

    def _append_rows(self, sheet: str, tab: str, header: list[str], rows: Grid, write_id: str | None) -> bool:
        key = self._key(sheet)
        try:
            with self._named_lock(self._write_locks, key):
                if write_id is not None and self._holds_write_id(key, tab, write_id):
                    return False
                title, meta, full, index = self._ensure_header(key, tab, header)
                if not rows:
                    return True
                laid = place_rows(len(full), index, rows)
                id_pos = next((i for i, h in enumerate(header) if fold(h) == WRITE_ID_FOLDED), None)
                id_col = index[id_pos] if id_pos is not None else None
                payload = [[to_json(v) for v in row] for row in laid]
                ids = [row[id_col] if id_col is not None else None for row in laid]
                self._append(key, title, payload, ids)
                return True
        except (APIError, Unreachable) as exc:
            raise WriteError(self._error_text(exc, sheet, writing=True)) from exc
        finally:
            self._wrote(key)
            self.invalidate(sheet)

    def _wrote(self, key: str) -> None:
        with self._lock:
            self._writes[key] = self._writes.get(key, 0) + 1

    def parse_cache_scope(self) -> str:
        """Tokens (Drive's modifiedTime of a spreadsheet id) name the same cells in every
        process, so parses may be kept on disk (``sheets.parse_cache``); the read mode changes
        what a read gives."""
        return f"gsheets:{self.read_mode}"

    def write_marks(self, names: Sequence[str]) -> dict[str, int]:
        """How many writes this store has sent to each spreadsheet (failed ones too: part of
        one may have landed). A loader that sees a mark move knows that spreadsheet changed
        without asking Drive, so it can read it while Drive's ``files.list`` is in flight
        (``sheets.incremental``)."""
        with self._lock:
            return {n: self._writes.get(spreadsheet_key(n) or "", 0) for n in names}

    def _take_checked_header(self, key: str, title: str) -> list[Cell] | None:
        """The header row a write-id check read moments ago, if no write of ours has changed that
        header since (call with the write lock held). Used once."""
        with self._lock:
            got = self._checked_headers.pop((key, title), None)
            gen = self._header_gen.get(key, 0)
        if got is None:
            return None
        header, at, header_gen = got
        if header_gen != gen or not 0 <= self._clock() - at <= HEADER_REUSE_SECONDS:
            return None
        return header

    def _header_changed(self, key: str) -> None:
        with self._lock:
            self._header_gen[key] = self._header_gen.get(key, 0) + 1
            for k in [k for k in self._checked_headers if k[0] == key]:
                del self._checked_headers[k]

    def _header_row(self, key: str, title: str) -> list[Cell]:
        resp = self._call(lambda: self._http.values_get(key, f"{quote_title(title)}!1:1", params=dict(VALUE_PARAMS)))
        rows = grid_from_values(resp.get("values"))
        return rows[0] if rows else []

    def _ensure_header(
        self, key: str, tab: str, wanted: Sequence[str]
    ) -> tuple[str, _TabMeta, list[Cell], list[int]]:
        """Find (or add) the tab and make its header hold ``wanted``; return the title, the tab's
        metadata, the full header and each wanted column's index."""
        meta, fetched_now = self._metadata(key)
        for _ in range(3):
            title = _match_title(meta, tab)
            if title is None and not fetched_now:
                meta, fetched_now = self._metadata(key, fresh=True)
                title = _match_title(meta, tab)
            if title is None:
                try:
                    return self._add_tab(key, tab, wanted)
                except APIError as exc:
                    if _status(exc) != 400:
                        raise
                    meta, fetched_now = self._metadata(key, fresh=True)  # someone added it meanwhile
                    continue
            try:
                existing = self._take_checked_header(key, title)
                if existing is None:
                    existing = self._header_row(key, title)
                full, index = merge_header(existing, wanted)
                used = len(existing)
                if len(full) > used:
                    self._extend_header(key, meta[title], used, [str(h) for h in full[used:]])
                return title, meta[title], full, index
            except APIError as exc:
                if _status(exc) != 400:
                    raise
                meta, fetched_now = self._metadata(key, fresh=True)  # renamed, removed or resized
        raise WriteError(f"Không chuẩn bị được trang «{tab}» để ghi; hãy thử lại.")

    @staticmethod
    def _header_cells(names: Sequence[str]) -> list[dict[str, Any]]:
        return [{"values": [{"userEnteredValue": {"stringValue": str(h)}} for h in names]}]

    def _new_sheet_id(self, meta: Mapping[str, _TabMeta] | None = None) -> int:
        used = {m.sheet_id for m in (meta or {}).values()}
        while True:
            sid = self._rng.randrange(1, 2**31 - 1)
            if sid not in used:
                return sid

    def _add_tab(self, key: str, tab: str, wanted: Sequence[str]) -> tuple[str, _TabMeta, list[Cell], list[int]]:
        sid = self._new_sheet_id()
        cols = max(26, len(wanted))
        body = {
            "requests": [
                {
                    "addSheet": {
                        "properties": {
                            "sheetId": sid,
                            "title": tab,
                            "gridProperties": {"rowCount": 1000, "columnCount": cols, "frozenRowCount": 1},
                        }
                    }
                },
                {
                    "updateCells": {
                        "start": {"sheetId": sid, "rowIndex": 0, "columnIndex": 0},
                        "rows": self._header_cells(wanted),
                        "fields": "userEnteredValue",
                    }
                },
            ]
        }
        self._header_changed(key)
        self._call(lambda: self._http.batch_update(key, body))
        with self._lock:
            self._meta.pop(key, None)
        full, index = merge_header([], wanted)
        return tab, _TabMeta(sid, 1000, cols, 1), full, index

    def _extend_header(self, key: str, tm: _TabMeta, start: int, names: Sequence[str]) -> None:
        requests_: list[dict[str, Any]] = []
        need = start + len(names)
        if need > tm.cols:
            requests_.append(
                {"appendDimension": {"sheetId": tm.sheet_id, "dimension": "COLUMNS", "length": need - tm.cols}}
            )
        requests_.append(
            {
                "updateCells": {
                    "start": {"sheetId": tm.sheet_id, "rowIndex": 0, "columnIndex": start},
                    "rows": self._header_cells(names),
                    "fields": "userEnteredValue",
                }
            }
        )
        self._header_changed(key)
        self._call(lambda: self._http.batch_update(key, {"requests": requests_}))
        tm.cols = max(tm.cols, need)

    def _append(self, key: str, title: str, payload: list[list[Any]], ids: list[Cell]) -> None:
        rng = f"{quote_title(title)}!A1"
        params = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS", "includeValuesInResponse": "false"}
        pending = list(zip(payload, ids, strict=True))
        attempt = 0
        while True:
            body = {"majorDimension": "ROWS", "values": [row for row, _ in pending]}
            try:
                self._http.values_append(key, rng, params, body)
                return
            except Exception as exc:
                if not is_transient(exc):
                    raise
                if attempt >= self.max_retries:
                    raise Unreachable(attempt + 1, exc) from exc
                self._sleep(self._backoff(attempt))
                attempt += 1
                if not is_ambiguous(exc):
                    continue  # refused (429): nothing landed
                if any(i is None or str(i).strip() == "" for _, i in pending):
                    raise WriteError(
                        "Không rõ các dòng vừa gửi đã được ghi hay chưa (không có «Mã lần ghi» để kiểm tra). "
                        "Hãy tải lại trang và kiểm tra trước khi gửi lại."
                    ) from exc
                present = self._write_ids(key, title)
                pending = [(row, i) for row, i in pending if str(i).strip() not in present]
                if not pending:
                    return  # the lost answer had landed

    def _write_ids(self, key: str, title: str) -> set[str]:
        """Every ``Mã lần ghi`` in a tab, read fresh (no cache). The header row comes with it and
        is kept for the append that usually follows (``_take_checked_header``)."""
        with self._lock:
            header_gen = self._header_gen.get(key, 0)
        resp = self._call(lambda: self._http.values_get(key, quote_title(title), params=dict(VALUE_PARAMS)))
        grid = grid_from_values(resp.get("values"))
        with self._lock:
            self._checked_headers[(key, title)] = (list(grid[0]) if grid else [], self._clock(), header_gen)
        if not grid:
            return set()
        cols = [i for i, h in enumerate(grid[0]) if h is not None and fold(str(h)) == WRITE_ID_FOLDED]
        return {str(r[c]).strip() for r in grid[1:] for c in cols if c < len(r) and r[c] is not None}

    def has_write_id(self, sheet: str, tab: str, write_id: str) -> bool:
        key = self._key(sheet)
        try:
            # under the write lock: no header change of ours is half done while the tab is read,
            # so the header row read here can serve the append that follows
            with self._named_lock(self._write_locks, key):
                return self._holds_write_id(key, tab, write_id)
        except (APIError, Unreachable) as exc:
            raise WriteError(self._error_text(exc, sheet)) from exc

    def _holds_write_id(self, key: str, tab: str, write_id: str) -> bool:
        """Whether the tab holds the id, read fresh (call with the write lock held)."""
        meta, fetched_now = self._metadata(key)
        title = _match_title(meta, tab)
        if title is None and not fetched_now:
            meta, fetched_now = self._metadata(key, fresh=True)
            title = _match_title(meta, tab)
        if title is None:
            return False
        try:
            ids = self._write_ids(key, title)
        except APIError as exc:
            if _status(exc) != 400:
                raise
            meta, _ = self._metadata(key, fresh=True)
            title = _match_title(meta, tab)
            if title is None:
                return False
            ids = self._write_ids(key, title)
        return str(write_id).strip() in ids

    def replace_tab(self, sheet: str, tab: str, grid: Grid) -> None:
        """Overwrite a whole tab with ``grid`` exactly (store-to-store copies)."""
        key = self._key(sheet)
        rows_needed = max(len(grid), 1)
        cols_needed = max((len(r) for r in grid), default=1) or 1
        try:
            with self._named_lock(self._write_locks, key):
                self._header_changed(key)
                meta, _ = self._metadata(key, fresh=True)
                title = _match_title(meta, tab)
                if title is None:
                    body = {
                        "requests": [
                            {
                                "addSheet": {
                                    "properties": {
                                        "sheetId": self._new_sheet_id(meta),
                                        "title": tab,
                                        "gridProperties": {
                                            "rowCount": max(1000, rows_needed),
                                            "columnCount": max(26, cols_needed),
                                        },
                                    }
                                }
                            }
                        ]
                    }
                    self._call(lambda: self._http.batch_update(key, body))
                    title = tab
                else:
                    tm = meta[title]
                    if tm.rows < rows_needed or tm.cols < cols_needed:
                        grow = {
                            "updateSheetProperties": {
                                "properties": {
                                    "sheetId": tm.sheet_id,
                                    "gridProperties": {
                                        "rowCount": max(tm.rows, rows_needed),
                                        "columnCount": max(tm.cols, cols_needed),
                                    },
                                },
                                "fields": "gridProperties.rowCount,gridProperties.columnCount",
                            }
                        }
                        self._call(lambda: self._http.batch_update(key, {"requests": [grow]}))
                whole = quote_title(title)
                self._call(lambda: self._http.values_clear(key, whole))
                payload = [[to_json(v) for v in row] for row in grid]
                for start in range(0, len(payload), UPDATE_CHUNK_ROWS):
                    chunk = payload[start : start + UPDATE_CHUNK_ROWS]
                    self._call(
                        lambda chunk=chunk, start=start: self._http.values_update(  # type: ignore[misc]
                            key,
                            f"{whole}!A{start + 1}",
                            params={"valueInputOption": "RAW"},
                            body={"majorDimension": "ROWS", "values": chunk},
                        )
                    )
        except (APIError, Unreachable) as exc:
            raise WriteError(self._error_text(exc, sheet, writing=True)) from exc
        finally:
            with self._lock:
                self._meta.pop(key, None)
            self._wrote(key)
            self.invalidate(sheet)

    # --- templates ------------------------------------------------------------------------

    def setup_spreadsheet(self, sheet: str, tabs: Sequence[Any] | None = None) -> list[str]:
        """Make a spreadsheet ready for people: missing tabs, header row, row 1 frozen and
        protected (warning only), drop-down lists for enumeration and yes/no columns.

        ``tabs`` are ``sheets.schema.Tab`` objects (default: every tab for the registry, the data
        tabs elsewhere). Costs three requests. Returns what was done, in Vietnamese."""
        from sheets import schema as S

        key = self._key(sheet)
        if tabs is None:
            tabs = S.ALL_TABS if key == self.registry else S.DATA_TABS
        done: list[str] = []
        try:
            with self._named_lock(self._write_locks, key):
                self._header_changed(key)
                resp = self._call(lambda: self._http.spreadsheets_get(key, params={"fields": SETUP_FIELDS}))
                sheets = resp.get("sheets", [])
                meta = self._remember_meta(key, sheets)
                protected = {
                    int(s.get("properties", {}).get("sheetId", 0))
                    for s in sheets
                    for pr in s.get("protectedRanges", [])
                    if int(pr.get("range", {}).get("startRowIndex", 0)) == 0
                    and int(pr.get("range", {}).get("endRowIndex", 0) or 0) == 1
                }
                found = {t.name: _match_title(meta, t.name) for t in tabs}
                existing_titles = [title for title in found.values() if title is not None]
                headers: dict[str, list[Cell]] = {}
                if existing_titles:
                    ranges = [f"{quote_title(t)}!1:1" for t in existing_titles]
                    vr = self._call(lambda: self._http.values_batch_get(key, ranges, params=dict(VALUE_PARAMS)))
                    for t_title, r in zip(existing_titles, vr.get("valueRanges", []), strict=False):
                        g = grid_from_values(r.get("values"))
                        headers[t_title] = g[0] if g else []
                reqs: list[dict[str, Any]] = []
                for t in tabs:
                    title = found[t.name]
                    if title is None:
                        tm = _TabMeta(self._new_sheet_id(meta), 1000, max(26, len(t.headers)), 0)
                        reqs.append(
                            {
                                "addSheet": {
                                    "properties": {
                                        "sheetId": tm.sheet_id,
                                        "title": t.name,
                                        "gridProperties": {"rowCount": tm.rows, "columnCount": tm.cols},
                                    }
                                }
                            }
                        )
                        meta[t.name] = tm
                        title = t.name
                        done.append(f"Thêm trang «{t.name}».")
                    tm = meta[title]
                    existing = headers.get(title, [])
                    full, index = merge_header(existing, t.headers)
                    used = len(existing)
                    if len(full) > used:
                        if len(full) > tm.cols:
                            reqs.append(
                                {
                                    "appendDimension": {
                                        "sheetId": tm.sheet_id,
                                        "dimension": "COLUMNS",
                                        "length": len(full) - tm.cols,
                                    }
                                }
                            )
                            tm.cols = len(full)
                        reqs.append(
                            {
                                "updateCells": {
                                    "start": {"sheetId": tm.sheet_id, "rowIndex": 0, "columnIndex": used},
                                    "rows": self._header_cells([str(h) for h in full[used:]]),
                                    "fields": "userEnteredValue",
                                }
                            }
                        )
                        done.append(f"Trang «{title}»: thêm cột " + ", ".join(f"«{h}»" for h in full[used:]) + ".")
                    if tm.frozen < 1:
                        reqs.append(
                            {
                                "updateSheetProperties": {
                                    "properties": {"sheetId": tm.sheet_id, "gridProperties": {"frozenRowCount": 1}},
                                    "fields": "gridProperties.frozenRowCount",
                                }
                            }
                        )
                    if tm.sheet_id not in protected:
                        reqs.append(
                            {
                                "addProtectedRange": {
                                    "protectedRange": {
                                        "range": {"sheetId": tm.sheet_id, "startRowIndex": 0, "endRowIndex": 1},
                                        "description": "Dòng tiêu đề: ứng dụng TĐKT đọc dữ liệu theo tên cột, "
                                        "xin đừng sửa hay xóa.",
                                        "warningOnly": True,
                                    }
                                }
                            }
                        )
                    for col, j in zip(t.headers, index, strict=True):
                        column = next(c for c in t.all_columns if c.name == col)
                        if column.kind is S.Kind.YESNO:
                            options: Sequence[str] = ("Có", "Không")
                        elif column.kind is S.Kind.ENUM and column.enum:
                            options = column.enum
                        else:
                            continue
                        reqs.append(
                            {
                                "setDataValidation": {
                                    "range": {
                                        "sheetId": tm.sheet_id,
                                        "startRowIndex": 1,
                                        "startColumnIndex": j,
                                        "endColumnIndex": j + 1,
                                    },
                                    "rule": {
                                        "condition": {
                                            "type": "ONE_OF_LIST",
                                            "values": [{"userEnteredValue": v} for v in options],
                                        },
                                        "showCustomUi": True,
                                        "strict": False,
                                    },
                                }
                            }
                        )
                if reqs:
                    self._call(lambda: self._http.batch_update(key, {"requests": reqs}))
                done.append("Cố định và bảo vệ dòng tiêu đề; thêm danh sách chọn cho các cột liệt kê và Có/Không.")
        except (APIError, Unreachable) as exc:
            raise WriteError(self._error_text(exc, sheet, writing=True)) from exc
        finally:
            with self._lock:
                self._meta.pop(key, None)
            self.invalidate(sheet)
        return done


def setup_spreadsheet(store: GSheetsStore, sheet: str, tabs: Sequence[Any] | None = None) -> list[str]:
    """See ``GSheetsStore.setup_spreadsheet``."""
    return store.setup_spreadsheet(sheet, tabs)


# --- credentials (the real path; not reachable in tests) ---------------------------------


def credentials_from_file(path: str) -> Any:
    from google.oauth2.service_account import Credentials

    return Credentials.from_service_account_file(path, scopes=SCOPES)


def credentials_from_secrets(mapping: Mapping[str, Any]) -> Any:
    """Service-account credentials from ``service_account_info`` (a table) or
    ``service_account_file`` (a path) in ``[connections.tdkt]``."""
    from google.oauth2.service_account import Credentials

    info = mapping.get("service_account_info")
    if info:
        data = dict(info)
        if isinstance(data.get("private_key"), str):
            data["private_key"] = data["private_key"].replace("\\n", "\n")
        return Credentials.from_service_account_info(data, scopes=SCOPES)
    path = mapping.get("service_account_file")
    if path:
        return Credentials.from_service_account_file(str(path), scopes=SCOPES)
    raise SourceError(
        "Chưa cấu hình tài khoản dịch vụ Google: thêm service_account_file hoặc bảng "
        "service_account_info vào mục [connections.tdkt] của .streamlit/secrets.toml."
    )
