"""The one thin Streamlit adapter over the data layer: source, caching, invalidation."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import streamlit as st

from indicators.core import Results, compute
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
    return load(_store(spec))


def get_dataset() -> Dataset:
    return _dataset(source_spec(), _GLOBAL_GEN[0])


def refresh() -> None:
    """Reload now, bypassing the cache (after a write or on "Làm mới")."""
    _GLOBAL_GEN[0] += 1
    get_store().invalidate(None)


@st.cache_data(show_spinner=False, max_entries=256, ttl=DEFAULT_TTL)
def _results(spec: str, generation: int, year: int, as_of: date, scope: str | None) -> Results:
    return compute(_dataset(spec, generation), year, as_of, scope)


def get_results(year: int, as_of: date, scope: str | None) -> Results:
    return _results(source_spec(), _GLOBAL_GEN[0], year, as_of, scope)


def cache_key() -> tuple[Any, ...]:
    return (source_spec(), _GLOBAL_GEN[0])


def _written() -> None:
    """After a write: every viewer's next run reads again. The door has already invalidated
    the spreadsheets it wrote, so the others stay cached (SPEC 5)."""
    _GLOBAL_GEN[0] += 1


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
