"""The one thin Streamlit adapter over the data layer: source, caching, invalidation."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from indicators.core import Results, compute, restrict, scope_counts
from indicators.dashboard import compare_units, trend_rows_frame, years_until
from sheets.gcpause import freeze_long_lived
from sheets.load import Dataset, load
from sheets.sources import open_source
from sheets.stores.base import Store

DEFAULT_TTL = 300


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


# Bumped by writes and "Làm mới"; part of every cache key, shared by all sessions.
_GLOBAL_GEN = [0]


# The dataset is shared by every viewer and never mutated, so it is cached as a resource
# (no per-rerun copy); the generation key is bumped by writes and "Làm mới".
@st.cache_resource(show_spinner="Đang đọc dữ liệu…", ttl=DEFAULT_TTL, max_entries=4)
def _dataset(spec: str, generation: int) -> Dataset:
    ds = load(_store(spec))
    freeze_long_lived()  # a rerun then never pays a full collection over the Dataset
    return ds


def get_dataset() -> Dataset:
    return _dataset(source_spec(), _GLOBAL_GEN[0])


def refresh() -> None:
    """Reload now, bypassing the cache (after a write or on "Làm mới")."""
    _GLOBAL_GEN[0] += 1
    get_store().invalidate(None)


# The province's results are shared by every viewer and scope, never mutated (pages derive
# new frames from the drill-downs): a resource, so a hit costs no copy.
@st.cache_resource(show_spinner=False, max_entries=32, ttl=DEFAULT_TTL)
def _province(spec: str, generation: int, year: int, as_of: date) -> Results:
    return compute(_dataset(spec, generation), year, as_of, None)


@st.cache_data(show_spinner=False, max_entries=256, ttl=DEFAULT_TTL)
def _scoped(spec: str, generation: int, year: int, as_of: date, scope: str) -> Results:
    # a scope's figures are the province's rows of its units: a filter, not a compute
    return restrict(_dataset(spec, generation), _province(spec, generation, year, as_of), scope)


def _source_and_scope(scope: str | None) -> tuple[str, int, str | None]:
    """The cache key's source and generation, and the scope with the province as None."""
    spec, gen = source_spec(), _GLOBAL_GEN[0]
    return spec, gen, None if scope == _dataset(spec, gen).tree.root else scope


def get_results(year: int, as_of: date, scope: str | None) -> Results:
    spec, gen, scope = _source_and_scope(scope)
    if scope is None:
        return _province(spec, gen, year, as_of)
    return _scoped(spec, gen, year, as_of, scope)


@st.cache_data(show_spinner=False, max_entries=256, ttl=DEFAULT_TTL)
def _trend(spec: str, generation: int, year: int, as_of: date, scope: str | None) -> pd.DataFrame:
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
def _comparison(spec: str, generation: int, year: int, as_of: date) -> pd.DataFrame:
    return compare_units(_dataset(spec, generation), _province(spec, generation, year, as_of))


def get_comparison(year: int, as_of: date) -> pd.DataFrame:
    """Every indicator per upper-level unit of the province (the same for every scope)."""
    return _comparison(source_spec(), _GLOBAL_GEN[0], year, as_of)


def cache_key() -> tuple[Any, ...]:
    return (source_spec(), _GLOBAL_GEN[0])


def _written() -> None:
    """After a write: every viewer's next run reads again. The door has already invalidated
    the spreadsheets it wrote, so the others stay cached (SPEC 5)."""
    _GLOBAL_GEN[0] += 1


notify_written = _written  # for writers that call the door themselves (sheets.mail)


def write(tab: str, rows: list[dict[str, Any]], actor: str, *, write_id: str | None = None) -> Any:
    """Append through the one door, then make every viewer see it at once.

    Raises the door's ``TdktError`` subclasses (``ValidationError``, ``PermissionDenied``,
    ``WriteError``) unchanged; nothing is refreshed then, so the caller keeps its input.
    """
    from sheets.write import append

    result = append(get_store(), tab, rows, actor, dataset=get_dataset(), write_id=write_id)
    _written()
    return result


def void(tab: str, key: dict[str, Any], actor: str, *, write_id: str | None = None) -> Any:
    """Append a voided version of one record (``Hủy`` = Có) through the same door."""
    from sheets.write import void as void_record

    result = void_record(get_store(), tab, key, actor, dataset=get_dataset(), write_id=write_id)
    _written()
    return result
