"""Demo provinces at several scales, as cached SQLite files and as Google spreadsheets in the fake.

SQLite files are built once under ``data/bench/`` (git ignores ``data/``); the file name carries
the scale, the seed, "today" and a hash of the demo generator, so a changed generator builds
anew. A province is put into the Sheets fake with ``copy_store`` (the path a real province
takes), into spreadsheets that already exist, as with a service account.

``Wire`` stands between the clients and the fake, as Google's side of the line: it counts every
request, sleeps the latency in wall time (outside any lock, so concurrent requests overlap as
real HTTP does), logs when each request started and ended, and can replay answers. With
``replay`` on, the fake computes each distinct GET answer once and later requests are served
from memory: building a Google answer (grid data, field masks, JSON) is Google's CPU, not ours,
and in one process it would otherwise run under the GIL next to the client being measured.
Anything but a GET goes to the fake and forgets the replayed answers of that spreadsheet.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from sheets.copy import copy_store
from sheets.load import Dataset, load
from sheets.stores.gsheets import GSheetsStore
from sheets.stores.sqlite import SqliteStore
from tests.fakes.fake_sheets import DRIVE_PREFIX, SHEETS_PREFIX, FakeSheets

REPO = Path(__file__).resolve().parents[1]
BENCH_DIR = REPO / "data" / "bench"
SEED = 2020
TODAY = date(2026, 11, 25)
REGISTRY_KEY = "REGISTRY"


def _generator_hash() -> str:
    h = hashlib.sha256()
    for rel in ("sheets/demo.py", "sheets/schema.py"):
        h.update((REPO / rel).read_bytes())
    return h.hexdigest()[:8]


def demo_sqlite(scale: float, *, directory: Path | None = None) -> Path:
    """The demo province at ``scale`` as a SQLite file, built on first use and then reused."""
    from sheets.sources import build_demo_store

    d = directory or BENCH_DIR
    tag = f"{scale:g}".replace(".", "_")
    path = d / f"demo-x{tag}-seed{SEED}-{TODAY.isoformat()}-{_generator_hash()}.sqlite"
    if not path.exists():
        d.mkdir(parents=True, exist_ok=True)
        for old in d.glob(f"demo-x{tag}-seed{SEED}-{TODAY.isoformat()}-*.sqlite"):
            old.unlink()  # built by an older generator
        from sheets import clock

        clock.set_now(TODAY)
        try:
            build_demo_store(path, scale=scale, seed=SEED)
        finally:
            clock.set_now(None)
    return path


def _code_hash() -> str:
    """Everything that shapes a loaded Dataset: the data layer's code and pandas."""
    import pandas

    h = hashlib.sha256(pandas.__version__.encode())
    for f in sorted((REPO / "sheets").rglob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()[:8]


def loaded_dataset(path: Path) -> tuple[Dataset, float, bool]:
    """``load(SqliteStore(path))``, kept as a pickle beside the file (keyed on the data layer's
    code), so the national-scale Dataset is loaded once. Returns the Dataset, the seconds the
    load took when it was measured, and whether it came from the pickle."""
    pk = path.with_name(f"{path.stem}.{_code_hash()}.dataset.pickle")
    info = pk.with_suffix(".json")
    if pk.exists() and info.exists():
        with pk.open("rb") as fh:
            ds = pickle.load(fh)
        return ds, float(json.loads(info.read_text())["load_seconds"]), True
    for old in path.parent.glob(f"{path.stem}.*.dataset.*"):
        old.unlink()
    src = SqliteStore(path)
    start = time.perf_counter()
    ds = load(src)
    seconds = time.perf_counter() - start
    tmp = pk.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(ds, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, pk)
    info.write_text(json.dumps({"load_seconds": seconds}))
    return ds, seconds, False


# --- the wire ----------------------------------------------------------------------------


@dataclass
class Call:
    kind: str
    key: str
    start: float
    end: float


def _spreadsheet_of(path: str) -> str:
    rest = path.split("/spreadsheets/", 1)[-1] if "/spreadsheets/" in path else path.rsplit("/", 1)[-1]
    return unquote(rest.split("/", 1)[0].split(":", 1)[0])


class Wire(BaseAdapter):
    """Google's side of the line for the fake: latency, counts, timings, optional replay."""

    def __init__(self, fake: FakeSheets, *, latency: float = 0.0, replay: bool = False) -> None:
        super().__init__()
        self.fake = fake
        self.latency = latency
        self.replay = replay
        self._lock = threading.Lock()
        self._memo: dict[tuple[str, str], tuple[int, bytes]] = {}
        self.calls: list[Call] = []
        self.counts: Counter[str] = Counter()

    @property
    def requests_total(self) -> int:
        return len(self.calls)

    def reset(self) -> None:
        with self._lock:
            self.calls = []
            self.counts = Counter()

    def forget(self) -> None:
        with self._lock:
            self._memo.clear()

    def round_trips(self) -> int:
        """Sequential round trips: the most requests of which none overlaps another (requests
        sent together in one wave count once)."""
        count, free_at = 0, float("-inf")
        for c in sorted(self.calls, key=lambda c: c.end):
            if c.start >= free_at:
                count += 1
                free_at = c.end
        return count

    def close(self) -> None:
        return None

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None, verify: Any = True,
        cert: Any = None, proxies: Any = None,
    ) -> requests.Response:
        start = time.perf_counter()
        parts = urlsplit(request.url or "")
        method = (request.method or "GET").upper()
        kind, _ = self.fake._route(method, parts.netloc, parts.path)
        key = _spreadsheet_of(parts.path)
        memo_key = (method, request.url or "")
        hit = None
        if self.replay and method == "GET":
            with self._lock:
                hit = self._memo.get(memo_key)
        if hit is None:
            resp = self.fake.send(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)
            if self.replay:
                with self._lock:
                    if method == "GET" and resp.status_code == 200:
                        self._memo[memo_key] = (resp.status_code, resp.content)
                    elif method != "GET":  # a write: its spreadsheet's answers, and Drive's listing, change
                        for k in [k for k in self._memo if _spreadsheet_of(urlsplit(k[1]).path) == key
                                  or "/drive/" in urlsplit(k[1]).path]:
                            del self._memo[k]
        else:
            resp = requests.Response()
            resp.status_code = hit[0]
            resp.reason = "OK"
            resp.headers = CaseInsensitiveDict({"Content-Type": "application/json; charset=UTF-8"})
            resp._content = hit[1]
            resp.encoding = "utf-8"
            resp.url = request.url or ""
            resp.request = request
        if self.latency:
            time.sleep(self.latency)  # wall time, no lock held: concurrent requests overlap
        with self._lock:
            self.calls.append(Call(kind, key, start, time.perf_counter()))
            self.counts[kind] += 1
        return resp


class _NoNetwork(BaseAdapter):
    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        raise requests.exceptions.ConnectionError(f"network disabled in benchmarks: {request.url}", request=request)

    def close(self) -> None:
        return None


def client_on(wire: Wire) -> Any:
    """A gspread client whose only transport is ``wire`` (nothing can reach Google)."""
    import gspread

    s = requests.Session()
    s.mount("https://", _NoNetwork())
    s.mount("http://", _NoNetwork())
    s.mount(SHEETS_PREFIX, wire)
    s.mount(DRIVE_PREFIX, wire)
    return gspread.Client(auth=None, session=s)  # type: ignore[arg-type]


# --- a province in the fake -----------------------------------------------------------------


@dataclass
class FakeProvince:
    """A demo province copied into the Sheets fake."""

    scale: float
    fake: FakeSheets
    links: dict[str, str]
    spreadsheets: int
    rows: int
    tabs: int
    source: Path | None = None
    per_sheet_tabs: dict[str, int] = field(default_factory=dict)

    def wire(self, *, latency: float = 0.0, replay: bool = False) -> Wire:
        return Wire(self.fake, latency=latency, replay=replay)

    def store(self, wire: Wire, **kwargs: Any) -> GSheetsStore:
        """A fresh store (cold cache) over ``wire``; retries never sleep."""
        kwargs.setdefault("sleep", lambda s: None)
        kwargs.setdefault("rng", random.Random(0))
        return GSheetsStore(REGISTRY_KEY, client=client_on(wire), **kwargs)


def fake_province(scale: float, *, source: Path | None = None) -> FakeProvince:
    """The demo province at ``scale`` (or the SQLite file ``source``) in a new Sheets fake."""
    path = source or demo_sqlite(scale)
    src = SqliteStore(path)
    ds = load(src)
    fake = FakeSheets(seed=0)
    fake.keep_log = False
    fake.add_spreadsheet(REGISTRY_KEY, {})
    links: dict[str, str] = {}
    seen: set[str] = set()
    for code, sheet in ds.own_sheet.items():  # DonVi row order: the first unit linking a sheet owns it
        if sheet != ds.registry and sheet not in seen:
            seen.add(sheet)
            key = "KEY" + code
            fake.add_spreadsheet(key, {})
            links[code] = key
    dst = GSheetsStore(REGISTRY_KEY, client=client_on(Wire(fake)), sleep=lambda s: None,
                       rng=random.Random(0), links=links)
    report = copy_store(src, dst)
    if report.missing:
        raise RuntimeError(f"copy into the fake left out {report.missing}")
    close = getattr(src, "close", None)
    if callable(close):
        close()
    for ss in fake.spreadsheets.values():
        # a new spreadsheet's empty "Sheet1": gone, as a tidy officer would remove it (and so the
        # naive peer is not charged a request for it)
        empty = [s for s in ss.sheets if s.title == "Sheet1" and not s.values()]
        if empty and len(ss.sheets) > len(empty):
            for s in empty:
                ss.sheets.remove(s)
            ss.reindex()
    per_sheet = {k: len(ss.sheets) for k, ss in fake.spreadsheets.items()}
    fake.reset_counts()
    return FakeProvince(scale, fake, links, len(fake.spreadsheets), report.rows, report.tabs, path, per_sheet)


def env_for_app(path: Path) -> dict[str, str]:
    """What the app needs to run on a SQLite copy as a registered user (see tests/conftest.py)."""
    return {
        "TDKT_SOURCE": f"sqlite:{path}",
        "TDKT_ALLOW_ACT_AS": "1",
        "TDKT_TODAY": TODAY.isoformat(),
    }


def set_env(values: dict[str, str]) -> None:
    os.environ.update(values)
