"""The one thin Streamlit adapter over the data layer: source, caching, invalidation."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from indicators.core import Results, compute, restrict, scope_counts
from indicators.dashboard import compare_units, trend_rows_frame, years_until
from indicators.forecast import Figures, Forecast, forecast
from sheets.errors import TdktError
from sheets.gcpause import freeze_long_lived
from sheets.incremental import Loader
from sheets.load import Dataset
from sheets.parse_cache import default_directory
from sheets.sources import open_source
from sheets.stores.base import Store

DEFAULT_TTL = 300


RETRY_PARTIAL = 30  # seconds a load with unreadable spreadsheets is kept before reading again


class RegistryUnreadable(TdktError):
    """The registry could not be read: nobody's role is known (never "not registered")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _plain_reason(text: str) -> str:
    """A store's reason without server paths (those stay in the log)."""
    import re

    return re.sub(r"(/[\w.+-]+){2,}", "…", text)[:300]


def source_spec() -> str:
    """TDKT_SOURCE wins; else a configured Google Sheets connection; else the demo."""
    env = os.environ.get("TDKT_SOURCE")
    if env:
        return env
    try:
        conn = st.secrets.get("connections", {}).get("tdkt")
    except Exception:
        conn = None
    if conn and conn.get("spreadsheet"):
        return "gsheets:" + str(conn["spreadsheet"])
    return "demo"


def is_demo() -> bool:
    return source_spec() == "demo"


@st.cache_resource(show_spinner=False)
def _store(spec: str) -> Store:
    if spec.startswith("gsheets:"):
        from sheets.stores.gsheets import GSheetsStore

        conn = dict(st.secrets.get("connections", {}).get("tdkt", {}))
        if conn:
            return GSheetsStore.from_secrets(conn)  # type: ignore[attr-defined,no-any-return]
    return open_source(spec)


def get_store() -> Store:
    return _store(source_spec())


# How often a viewer's rerun asks the store whether anything changed (one cheap call: a
# version query in SQLite/PostgreSQL, one Drive files.list for Google Sheets). A write and
# "Làm mới" ask at once.
POLL_SECONDS = 1.0
POLL_SECONDS_GSHEETS = 10.0

# In a served app over SQLite, PostgreSQL or workbooks, a background watch asks the same cheap
# question every WATCH_SECONDS while viewers are about (a run in the last WATCH_IDLE seconds),
# loads a change as soon as it lands and computes again what viewers asked for lately, so a
# write through another app server is on a viewer's next run without that run paying the load
# and the computations. Google Sheets keeps the viewer-driven poll (Drive quota).
WATCH_SECONDS = 0.5
WATCH_IDLE = 300.0
WARM_KEYS = 6  # recent (year, as-of, scope) figures computed again after a background load


def _load_dataset(loader: Loader) -> Dataset:
    """One (incremental) load; a seam for tests."""
    return loader.load()


class _Live:
    """This process's view of the store: the last Dataset and its generation. The generation
    comes from the store's change tokens, so every app server over one store moves to the same
    data after a write, whichever server took it (SPEC 5; README, several servers)."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.loader = Loader(_store(spec), cache_dir=default_directory())
        self.poll = POLL_SECONDS_GSHEETS if spec.startswith("gsheets:") else POLL_SECONDS
        self.lock = threading.Lock()
        self.ds: Dataset | None = None
        self.gen = ""
        self.epoch = 0  # bumped by "Làm mới", which reads everything again
        self.checked = 0.0
        self.loaded = 0.0
        self.asked = time.monotonic()  # a viewer's last run
        self.watch: threading.Thread | None = None

    def _load(self) -> None:
        ds = _load_dataset(self.loader)
        if ds.registry in ds.sheet_errors:  # raised, so not kept: the next run reads again
            self.loader.forget()
            self.loader.store.invalidate(None)
            self.ds = None
            raise RegistryUnreadable(_plain_reason(ds.sheet_errors[ds.registry]))
        self.ds = ds
        freeze_long_lived()  # a rerun then never pays a full collection over the Dataset
        token = self.loader.token()
        if token is None:  # the store cannot tell what changed: a new generation per load
            self.epoch += 1
            token = "load"
        self.gen = f"{self.epoch}:" + hashlib.blake2b(token.encode(), digest_size=12).hexdigest()
        self.loaded = self.checked = time.monotonic()

    def get(self, *, check_now: bool = False) -> tuple[str, Dataset]:
        now = time.monotonic()
        self.asked = now
        if self.ds is not None and not check_now and now - self.checked < self.poll:
            self._ensure_watch()
            return self.gen, self.ds
        with self.lock:
            self._check(check_now)
            assert self.ds is not None
            out = self.gen, self.ds
        self._ensure_watch()
        return out

    def _check(self, check_now: bool, every: float | None = None) -> None:
        if self.ds is None:
            self._load()
        elif check_now or time.monotonic() - self.checked >= (self.poll if every is None else every):
            changed = self.loader.changed()
            age = time.monotonic() - self.loaded
            # some spreadsheets could not be read: try again soon rather than after the TTL
            retry = bool(self.ds.sheet_errors) and age >= RETRY_PARTIAL
            if changed or retry or (changed is None and age >= DEFAULT_TTL):
                self._load()
            self.checked = time.monotonic()

    def _ensure_watch(self) -> None:
        if not _watching(self.spec) or (self.watch is not None and self.watch.is_alive()):
            return
        self.watch = threading.Thread(target=self._watch, name="tdkt-watch", daemon=True)
        self.watch.start()

    def _watch(self) -> None:
        """Until no viewer has run for WATCH_IDLE: ask for a change every WATCH_SECONDS, load
        it, and compute again what viewers asked for lately (``_warm``)."""
        import logging

        while time.monotonic() - self.asked < WATCH_IDLE:
            time.sleep(WATCH_SECONDS)
            try:
                with self.lock:
                    before = self.gen
                    self._check(False, every=WATCH_SECONDS * 0.9)
                    gen = self.gen
                if gen != before:
                    _warm(self.spec, gen)
            except Exception:  # the viewer-driven poll still works; say why here
                logging.getLogger(__name__).exception("background watch of %s", self.spec)

    def refresh(self) -> None:
        with self.lock:
            self.loader.forget()
            self.loader.store.invalidate(None)
            self.epoch += 1
            self._load()


@st.cache_resource(show_spinner="Đang đọc dữ liệu…")
def _live(spec: str) -> _Live:
    return _Live(spec)


def _watching(spec: str) -> bool:
    """A background watch only in a served app (``streamlit run``, not AppTest or a script),
    not for Google Sheets, and not with TDKT_WATCH=0."""
    if spec.startswith("gsheets:") or os.environ.get("TDKT_WATCH") == "0":
        return False
    from streamlit.runtime import Runtime

    return type(Runtime._instance) is Runtime


# What viewers asked for lately, newest last: (year, as-of, scope) of ``get_results``, computed
# again after a background load. Only the figures: the trend and the forecast cost seconds of
# CPU (the GIL) that a viewer's run on another page would wait behind.
_ASKED: dict[tuple[int, date, str | None], None] = {}
_ASKED_LOCK = threading.Lock()


def _asked(year: int, as_of: date, scope: str | None) -> None:
    key = (year, as_of, scope)
    with _ASKED_LOCK:
        _ASKED.pop(key, None)
        _ASKED[key] = None
        while len(_ASKED) > WARM_KEYS:
            del _ASKED[next(iter(_ASKED))]


def _warm(spec: str, gen: str) -> None:
    """Compute the latest asks for a new generation (the caches the next runs will hit)."""
    with _ASKED_LOCK:
        keys = list(reversed(_ASKED))
    ds = _live(spec).ds
    if ds is None:
        return
    _BY_GEN[(spec, gen)] = ds
    for year, as_of, scope in keys:
        if _live(spec).gen != gen:
            return  # a newer change landed: its own warm follows
        if scope is None:
            _province(spec, gen, year, as_of)
        else:
            _scoped(spec, gen, year, as_of, scope)


# Datasets by generation, for cache entries keyed by one: the live one, and the one before
# (a viewer's rerun that began before a reload still finds its data).
_BY_GEN: dict[tuple[str, str], Dataset] = {}


def _current() -> tuple[str, Dataset]:
    spec = source_spec()
    gen, ds = _live(spec).get()
    key = (spec, gen)
    if _BY_GEN.get(key) is not ds:
        _BY_GEN.pop(key, None)
        _BY_GEN[key] = ds
        for old in list(_BY_GEN)[:-3]:  # a few generations at most, across sources too
            del _BY_GEN[old]
    return gen, ds


def _dataset(spec: str, generation: str) -> Dataset:
    ds = _BY_GEN.get((spec, generation))
    if ds is None:  # an old generation: the current data serves
        ds = _live(spec).get()[1]
    return ds


def get_dataset() -> Dataset:
    return _current()[1]


def refresh() -> None:
    """Read everything again now, bypassing what is kept ("Làm mới")."""
    _live(source_spec()).refresh()


# The province's results are shared by every viewer and scope, never mutated (pages derive
# new frames from the drill-downs): a resource, so a hit costs no copy.
@st.cache_resource(show_spinner=False, max_entries=32, ttl=DEFAULT_TTL)
def _province(spec: str, generation: str, year: int, as_of: date) -> Results:
    return compute(_dataset(spec, generation), year, as_of, None)


@st.cache_data(show_spinner=False, max_entries=256, ttl=DEFAULT_TTL)
def _scoped(spec: str, generation: str, year: int, as_of: date, scope: str) -> Results:
    # a scope's figures are the province's rows of its units: a filter, not a compute
    return restrict(_dataset(spec, generation), _province(spec, generation, year, as_of), scope)


def _source_and_scope(scope: str | None) -> tuple[str, str, str | None]:
    """The cache key's source and generation, and the scope with the province as None."""
    gen, ds = _current()
    return source_spec(), gen, None if scope == ds.tree.root else scope


def get_results(year: int, as_of: date, scope: str | None) -> Results:
    spec, gen, scope = _source_and_scope(scope)
    _asked(year, as_of, scope)
    if scope is None:
        return _province(spec, gen, year, as_of)
    return _scoped(spec, gen, year, as_of, scope)


@st.cache_data(show_spinner=False, max_entries=256, ttl=DEFAULT_TTL)
def _trend(spec: str, generation: str, year: int, as_of: date, scope: str | None) -> pd.DataFrame:
    ds = _dataset(spec, generation)
    rows = [
        (y, code, n, d, float(t))
        for y in years_until(year)
        for code, n, d, t in scope_counts(ds, _province(spec, generation, y, as_of), scope)
    ]
    return trend_rows_frame(rows)


def get_trend(year: int, as_of: date, scope: str | None) -> pd.DataFrame:
    """Every indicator of the scope for each year up to ``year`` (each to 31/12 or ``as_of``):
    the figures of ``get_results`` for those years, without their drill-downs."""
    spec, gen, scope = _source_and_scope(scope)
    return _trend(spec, gen, year, as_of, scope)


@st.cache_data(show_spinner=False, max_entries=64, ttl=DEFAULT_TTL)
def _comparison(spec: str, generation: str, year: int, as_of: date) -> pd.DataFrame:
    return compare_units(_dataset(spec, generation), _province(spec, generation, year, as_of))


def get_comparison(year: int, as_of: date) -> pd.DataFrame:
    """Every indicator per upper-level unit of the province (the same for every scope)."""
    return _comparison(source_spec(), _current()[0], year, as_of)


def cache_key() -> tuple[Any, ...]:
    return (source_spec(), _current()[0])


def _written() -> None:
    """After a write: ask the store now. Only the spreadsheet written has a new version, so
    only it is read again (SPEC 5); every viewer's next run sees the new generation."""
    _live(source_spec()).get(check_now=True)


notify_written = _written  # for writers that call the door themselves (sheets.mail)


def write(tab: str, rows: list[dict[str, Any]], actor: str, *, write_id: str | None = None) -> Any:
    """Append through the one door, then make every viewer see it at once.

    Raises the door's ``TdktError`` subclasses (``ValidationError``, ``PermissionDenied``,
    ``WriteError``) unchanged; nothing is refreshed then, so the caller keeps its input.
    """
    from sheets.errors import PartialWriteError
    from sheets.write import append

    try:
        result = append(get_store(), tab, rows, actor, dataset=get_dataset(), write_id=write_id)
    except PartialWriteError:
        _written()  # part landed: every viewer must see it, and the retry reads it
        raise
    _written()
    return result


def landed(tab: str, write_id: str) -> bool:
    """Whether a write whose answer was lost is in the data after all (its ``Mã lần ghi``)."""
    versions = get_dataset().versions.get(tab)
    return versions is not None and "write_id" in versions.columns and bool((versions["write_id"] == write_id).any())


def void(tab: str, key: dict[str, Any], actor: str, *, write_id: str | None = None) -> Any:
    """Append a voided version of one record (``Hủy`` = Có) through the same door."""
    from sheets.write import void as void_record

    result = void_record(get_store(), tab, key, actor, dataset=get_dataset(), write_id=write_id)
    _written()
    return result


# --- year-end forecast (issue 16): the figures of each (year, day) computed once per generation
@st.cache_resource(show_spinner=False, max_entries=4, ttl=DEFAULT_TTL)
def _forecast_figures(spec: str, generation: str) -> Figures:
    return Figures(_dataset(spec, generation))


@st.cache_data(show_spinner=False, max_entries=128, ttl=DEFAULT_TTL)
def _forecast(spec: str, generation: str, year: int, as_of: date, scope: str | None) -> dict[str, Forecast]:
    return forecast(_dataset(spec, generation), year, as_of, scope, figures=_forecast_figures(spec, generation))


def get_forecast(year: int, as_of: date, scope: str | None) -> dict[str, Forecast]:
    """The year-end forecast per code (``indicators.forecast``) for the scope."""
    spec, gen, scope = _source_and_scope(scope)
    return _forecast(spec, gen, year, as_of, scope)
