"""Shared test set-up: a fixed "today" and a demo store built once per test process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

TODAY = "2026-11-25"

# Property tests: CI runs thousands of examples, derandomized (the same examples every run, so a
# failure there reproduces); a local run keeps each test's own smaller count (tests/test_hostile.py).
from hypothesis import HealthCheck as _HealthCheck  # noqa: E402
from hypothesis import settings as _hyp_settings  # noqa: E402

_hyp_settings.register_profile("ci", max_examples=1250, derandomize=True, deadline=None, database=None,
                               suppress_health_check=[_HealthCheck.too_slow])
if os.environ.get("CI") == "true":
    _hyp_settings.load_profile("ci")

# parses kept on disk between processes (sheets.parse_cache) would carry one test's fake
# spreadsheets into another's: only tests that give a folder use them
os.environ["TDKT_PARSE_CACHE"] = "off"

# the OpenID Connect provider shared by tests/browser/test_oidc.py and tests/test_deploy.py
pytest_plugins = ("tests.oidc.harness",)


@pytest.fixture(scope="session", autouse=True)
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from sheets.sources import build_demo_store

    os.environ["TDKT_TODAY"] = TODAY
    os.environ["TDKT_ALLOW_ACT_AS"] = "1"  # tests act as users via session_state["actor"] on sqlite copies
    os.environ.setdefault("TDKT_RAISE", "1")  # AppTest sees a page's exception (users get our error page)
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


@pytest.fixture()
def demo_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable SQLite copy of the demo that the app under test reads (act-as allowed)."""
    from sheets.copy import copy_store
    from sheets.sources import open_source
    from sheets.stores.sqlite import SqliteStore

    path = tmp_path / "demo-copy.sqlite"
    copy_store(open_source("demo"), SqliteStore(path))
    monkeypatch.setenv("TDKT_SOURCE", f"sqlite:{path}")
    monkeypatch.setenv("TDKT_ALLOW_ACT_AS", "1")
    return path


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[object]:
    """One throw-away PostgreSQL cluster per test session (tests/pg.py), stopped at the end."""
    from tests.pg import start_cluster

    cluster = start_cluster()
    if isinstance(cluster, str):
        if os.environ.get("CI") == "true":
            pytest.fail(cluster)
        pytest.skip(cluster)
    yield cluster
    cluster.stop()


@pytest.fixture()
def pg_uri(pg_cluster: object) -> str:
    """A fresh, empty database of the session's cluster, as a socket URI."""
    from tests.pg import Cluster

    assert isinstance(pg_cluster, Cluster)
    return pg_cluster.socket_uri(pg_cluster.new_database())
