"""The measurements. Each returns plain data; ``benchmarks.run`` prints and writes them."""

from __future__ import annotations

import gc
import os
import threading
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.naive import NaiveSheetsStore
from benchmarks.province import REGISTRY_KEY, REPO, TODAY, FakeProvince, client_on, env_for_app, set_env
from benchmarks.timing import Samples, Timer, median
from indicators import core as indicators_core
from indicators.core import compute
from sheets.load import Dataset, load

YEAR = TODAY.year


def figures(ds: Dataset, year: int = YEAR, as_of: date = TODAY, scope: str | None = None) -> dict[str, Any]:
    return compute(ds, year, as_of, scope).as_json(ds.problem_counts())


def data_rows(ds: Dataset) -> int:
    """Rows read, every version of every record (what parsing and resolving work through)."""
    return sum(len(f) for f in ds.versions.values())


# --- cold load through the Sheets fake ------------------------------------------------------------


@dataclass
class LoadResult:
    scale: float
    spreadsheets: int
    tabs: int
    rows: int
    latency: float
    store: Samples = field(default_factory=Samples)
    store_requests: list[int] = field(default_factory=list)
    store_round_trips: list[int] = field(default_factory=list)
    naive: Samples = field(default_factory=Samples)
    naive_requests: list[int] = field(default_factory=list)
    naive_round_trips: list[int] = field(default_factory=list)
    live: Samples = field(default_factory=Samples)  # the store with the fake serving live (no replay)
    same_figures: bool = False
    max_workers: int | None = None

    @property
    def ratio(self) -> float:
        return self.naive.median / self.store.median

    def as_json(self) -> dict[str, Any]:
        return {
            "scale": self.scale, "spreadsheets": self.spreadsheets, "tabs": self.tabs, "rows": self.rows,
            "latency": self.latency, "store": self.store.as_json(), "store_requests": self.store_requests,
            "store_round_trips": self.store_round_trips, "naive": self.naive.as_json(),
            "naive_requests": self.naive_requests, "naive_round_trips": self.naive_round_trips,
            "live": self.live.as_json(), "same_figures": self.same_figures, "max_workers": self.max_workers,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> LoadResult:
        return cls(d["scale"], d["spreadsheets"], d["tabs"], d["rows"], d["latency"], Samples.from_json(d["store"]),
                   d["store_requests"], d["store_round_trips"], Samples.from_json(d["naive"]), d["naive_requests"],
                   d["naive_round_trips"], Samples.from_json(d.get("live")), d["same_figures"], d.get("max_workers"))


def cold_load(
    province: FakeProvince,
    *,
    latency: float = 0.15,
    runs: int = 5,
    naive_runs: int = 3,
    live_runs: int = 0,
    store_kwargs: dict[str, Any] | None = None,
) -> LoadResult:
    """``load(store)`` on a fresh store (cold cache) against the naive peer, same wire and data."""
    kw = dict(store_kwargs or {})
    wire = province.wire(latency=0.0, replay=True)
    # warm the replay without latency (unmeasured), and check both give the same figures
    ds_store = load(province.store(wire, **kw))
    ds_naive = load(NaiveSheetsStore(REGISTRY_KEY, client=client_on(wire)))
    out = LoadResult(province.scale, province.spreadsheets, sum(province.per_sheet_tabs.values()),
                     data_rows(ds_store), latency, max_workers=province.store(wire, **kw).max_workers)
    out.same_figures = figures(ds_store) == figures(ds_naive) and len(ds_store.problems) == len(ds_naive.problems)
    del ds_store, ds_naive
    gc.collect()
    wire.latency = latency

    for _ in range(runs):
        store = province.store(wire, **kw)
        wire.reset()
        with Timer() as t:
            ds = load(store)
        out.store.wall.append(t.wall)
        out.store.cpu.append(t.cpu)
        out.store_requests.append(wire.requests_total)
        out.store_round_trips.append(wire.round_trips())
        del ds, store
        gc.collect()

    for _ in range(naive_runs):
        naive = NaiveSheetsStore(REGISTRY_KEY, client=client_on(wire))
        wire.reset()
        with Timer() as t:
            ds = load(naive)
        out.naive.wall.append(t.wall)
        out.naive.cpu.append(t.cpu)
        out.naive_requests.append(wire.requests_total)
        out.naive_round_trips.append(wire.round_trips())
        del ds
        gc.collect()

    if live_runs:
        live = province.wire(latency=latency, replay=False)
        for _ in range(live_runs):
            store = province.store(live, **kw)
            with Timer() as t:
                ds = load(store)
            out.live.wall.append(t.wall)
            out.live.cpu.append(t.cpu)
            del ds, store
            gc.collect()
    return out


# --- one form submission ---------------------------------------------------------------------------


@dataclass
class SubmitResult:
    with_id: list[int] = field(default_factory=list)  # requests per submission, write id given (the app)
    without_id: list[int] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)  # of the last submission with a write id
    wall: Samples = field(default_factory=Samples)

    def as_json(self) -> dict[str, Any]:
        return {"with_id": self.with_id, "without_id": self.without_id, "kinds": dict(self.kinds),
                "wall": self.wall.as_json()}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> SubmitResult:
        return cls(d["with_id"], d["without_id"], Counter(d["kinds"]), Samples.from_json(d["wall"]))


SUBMITTER = "canbo.babe@demo.tdkt.vn"


def submission(province: FakeProvince, *, latency: float = 0.15, runs: int = 5,
               reuse_header: bool = True) -> SubmitResult:
    """One ``append`` of one KeHoach row through the door, on a loaded Dataset, as the app does.

    Writes into ``province``'s fake. ``reuse_header=False`` is the store before this benchmark's
    change: the append reads the header row again after the write-id check read the whole tab."""
    from sheets.write import append, new_write_id

    out = SubmitResult()
    wire = province.wire(latency=0.0, replay=True)
    load(province.store(wire))  # warm the replay
    for i in range(runs):
        for with_id in (True, False):
            store = province.store(wire)
            if not reuse_header:
                store._take_checked_header = lambda key, title: None  # type: ignore[method-assign]
            wire.latency = 0.0
            ds = load(store)
            row = {"Năm": YEAR, "Mã đơn vị": "BABE", "Có kế hoạch": "Có", "Đã phát động": "Có",
                   "Ghi chú": f"đo hiệu năng {i}"}
            wire.latency = latency
            wire.reset()
            with Timer() as t:
                append(store, "KeHoach", [row], SUBMITTER, dataset=ds,
                       write_id=new_write_id() if with_id else None)
            if with_id:
                out.with_id.append(wire.requests_total)
                out.kinds = Counter(wire.counts)
                out.wall.wall.append(t.wall)
                out.wall.cpu.append(t.cpu)
            else:
                out.without_id.append(wire.requests_total)
    return out


# --- ten viewers inside one TTL ------------------------------------------------------------------------


@dataclass
class ViewersResult:
    viewers: int
    one_viewer: list[int] = field(default_factory=list)
    all_viewers: list[int] = field(default_factory=list)
    again_inside_ttl: list[int] = field(default_factory=list)
    wall: Samples = field(default_factory=Samples)
    one_wall: Samples = field(default_factory=Samples)

    def as_json(self) -> dict[str, Any]:
        return {"viewers": self.viewers, "one_viewer": self.one_viewer, "all_viewers": self.all_viewers,
                "again_inside_ttl": self.again_inside_ttl, "wall": self.wall.as_json(),
                "one_wall": self.one_wall.as_json()}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ViewersResult:
        return cls(d["viewers"], d["one_viewer"], d["all_viewers"], d["again_inside_ttl"],
                   Samples.from_json(d["wall"]), Samples.from_json(d["one_wall"]))


def viewers(province: FakeProvince, *, n: int = 10, latency: float = 0.15, runs: int = 3) -> ViewersResult:
    """``n`` threads calling ``load(store)`` at once on one shared store, against one viewer."""
    out = ViewersResult(n)
    wire = province.wire(latency=0.0, replay=True)
    load(province.store(wire))  # warm the replay
    wire.latency = latency
    for _ in range(runs):
        wire.reset()
        with Timer() as t:
            load(province.store(wire))
        out.one_viewer.append(wire.requests_total)
        out.one_wall.wall.append(t.wall)
        out.one_wall.cpu.append(t.cpu)

        store = province.store(wire)
        barrier = threading.Barrier(n)
        errors: list[BaseException] = []

        def viewer(store: Any = store, barrier: threading.Barrier = barrier,
                   errors: list[BaseException] = errors) -> None:
            try:
                barrier.wait()
                load(store)
            except BaseException as exc:  # reported, not swallowed
                errors.append(exc)

        wire.reset()
        threads = [threading.Thread(target=viewer) for _ in range(n)]
        with Timer() as t:
            for th in threads:
                th.start()
            for th in threads:
                th.join()
        if errors:
            raise errors[0]
        out.all_viewers.append(wire.requests_total)
        out.wall.wall.append(t.wall)
        out.wall.cpu.append(t.cpu)
        wire.reset()
        load(store)  # another viewer, still inside the TTL
        out.again_inside_ttl.append(wire.requests_total)
        gc.collect()
    return out


# --- warm reruns of the pages (AppTest) ------------------------------------------------------------------


APP = REPO / "app.py"
VIEWER = "lanhdao@demo.tdkt.vn"
PAGES = {"Tổng quan": "views/tong_quan.py", "Đơn vị": "views/don_vi.py"}


@dataclass
class RerunResult:
    scale: float
    first_run: dict[str, float] = field(default_factory=dict)  # page -> seconds of its first run
    year: dict[str, Samples] = field(default_factory=dict)  # page -> rerun after a year change
    scope: dict[str, Samples] = field(default_factory=dict)  # page -> rerun after picking a unit not seen yet
    errors: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"scale": self.scale, "first_run": self.first_run,
                "year": {k: v.as_json() for k, v in self.year.items()},
                "scope": {k: v.as_json() for k, v in self.scope.items()}, "errors": self.errors}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> RerunResult:
        return cls(d["scale"], d["first_run"], {k: Samples.from_json(v) for k, v in d["year"].items()},
                   {k: Samples.from_json(v) for k, v in d["scope"].items()}, d["errors"])


def _exception_text(at: Any) -> str | None:
    if at.exception:
        return "; ".join(str(getattr(e, "message", e))[:300] for e in at.exception)
    return None


def warm_rerun(path: Path, scale: float, *, runs: int = 5, timeout: float = 900) -> RerunResult:
    """Tổng quan then Đơn vị on the SQLite copy at ``path``: first run, then reruns after a filter
    change. Year changes alternate between two years (after the first, their indicator results
    are cached, as on a busy server); scope changes pick a unit not viewed before (uncached)."""
    from streamlit.testing.v1 import AppTest

    from sheets import clock

    set_env(env_for_app(path))
    clock.set_now(None)
    out = RerunResult(scale)
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    at.session_state["actor"] = VIEWER
    codes = _scope_codes(path)
    used: set[str] = set()
    for page, file in PAGES.items():
        with Timer() as t:
            if file == PAGES["Tổng quan"]:
                at.run()
            else:
                at.switch_page(file).run()
        out.first_run[page] = t.wall
        err = _exception_text(at)
        if err:
            out.errors[page] = err
            continue
        years = [YEAR - 1, YEAR]
        samples = Samples()
        for i in range(runs):
            with Timer() as t:
                at.selectbox(key="year").select(years[i % 2]).run()
            samples.wall.append(t.wall)
            samples.cpu.append(t.cpu)
        out.year[page] = samples
        err = _exception_text(at)
        if err:
            out.errors[page] = err
            continue
        fresh = [c for c in codes[1:] if c not in used][:runs]
        used.update(fresh)
        samples = Samples()
        for code in fresh:
            with Timer() as t:
                at.selectbox(key="scope").select(code).run()
            samples.wall.append(t.wall)
            samples.cpu.append(t.cpu)
        out.scope[page] = samples
        err = _exception_text(at)
        if err:
            out.errors[page] = err
    os.environ.pop("TDKT_SOURCE", None)
    return out


def _scope_codes(path: Path) -> list[str]:
    """The scope selectbox's values (its options are shown through format_func)."""
    from indicators import dashboard as D
    from sheets.stores.sqlite import SqliteStore

    return [str(c) for c in D.scope_options(load(SqliteStore(path)))]


# --- indicators --------------------------------------------------------------------------------


@dataclass
class ComputeResult:
    scale: float
    rows: int
    load_seconds: float  # load() from the local SQLite file, when it was measured
    compute: Samples = field(default_factory=Samples)  # cold: nothing kept from earlier computes
    peak_bytes: list[int] = field(default_factory=list)
    load_cached: bool = False  # the Dataset came from the pickle of an earlier run
    other_scope: Samples = field(default_factory=Samples)  # the same year for one upper unit, right after
    scope: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"scale": self.scale, "rows": self.rows, "load_seconds": self.load_seconds,
                "compute": self.compute.as_json(), "peak_bytes": self.peak_bytes, "load_cached": self.load_cached,
                "other_scope": self.other_scope.as_json(), "scope": self.scope}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ComputeResult:
        return cls(d["scale"], d["rows"], d["load_seconds"], Samples.from_json(d["compute"]), d["peak_bytes"],
                   d.get("load_cached", False), Samples.from_json(d.get("other_scope")), d.get("scope"))


def _forget() -> None:
    clear = getattr(indicators_core, "clear_cache", None)  # absent before the per-Dataset memo
    if callable(clear):
        clear()


def indicators(path: Path, scale: float, *, runs: int = 5, memory_runs: int = 3,
               scope: str | None = None, cache: bool = True) -> ComputeResult:
    """All eight indicators for one year and scope on a loaded Dataset, cold (nothing kept from an
    earlier compute): time, then peak memory; then the same year for one upper-level unit right
    after a province compute, as a dashboard does."""
    from benchmarks.province import loaded_dataset
    from indicators import dashboard as D
    from sheets.stores.sqlite import SqliteStore

    if cache:
        ds, seconds, cached = loaded_dataset(path)
    else:
        with Timer() as t:
            ds = load(SqliteStore(path))
        seconds, cached = t.wall, False
    options = D.scope_options(ds)
    other = options[2] if len(options) > 2 else None
    out = ComputeResult(scale, data_rows(ds), seconds, load_cached=cached, scope=other)
    compute(ds, YEAR, TODAY, scope)  # warm-up, unmeasured
    for _ in range(runs):
        _forget()
        with Timer() as t:
            compute(ds, YEAR, TODAY, scope)
        out.compute.wall.append(t.wall)
        out.compute.cpu.append(t.cpu)
        with Timer() as t:
            compute(ds, YEAR, TODAY, other)
        out.other_scope.wall.append(t.wall)
        out.other_scope.cpu.append(t.cpu)
    for _ in range(memory_runs):
        _forget()
        gc.collect()
        tracemalloc.start()
        try:
            res = compute(ds, YEAR, TODAY, scope)
            out.peak_bytes.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        del res
    _forget()
    del ds
    gc.collect()
    return out


def peak_median(r: ComputeResult) -> float:
    return median([float(b) for b in r.peak_bytes])
