"""Shared test set-up: a fixed "today" and a demo store built once per test process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

TODAY = "2026-11-25"


@pytest.fixture(scope="session", autouse=True)
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from sheets.sources import build_demo_store

    os.environ["TDKT_TODAY"] = TODAY
    os.environ["TDKT_ALLOW_ACT_AS"] = "1"  # tests act as users via session_state["actor"] on sqlite copies
    os.environ.pop("TDKT_SOURCE", None)
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    os.environ["TDKT_DEMO_PATH"] = str(path)
    build_demo_store(path)
    yield path


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> Iterator[None]:
    """AppTest runs share module-level caches; every test starts clean."""
    yield
    try:
        import streamlit as st

        st.cache_data.clear()
        st.cache_resource.clear()
    except Exception:
        pass
    from sheets import clock

    clock.set_now(None)
