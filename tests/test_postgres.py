"""PostgreSQL store on a real server started by the tests (tests/pg.py): typed cells, the
password sources, concurrent writer processes, a writer killed mid-transaction, tdkt copy.
The contract suite (tests/test_contract.py) runs over it too."""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import signal
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from sheets import clock
from sheets.load import load
from sheets.stores.base import ABSENT, Store
from sheets.stores.memory import MemoryStore
from sheets.stores.postgres import PostgresStore
from sheets.stores.sqlite import SqliteStore
from tests import fixtures as F
from tests.pg import PASSWORD, Cluster

WRITERS = 20
ROWS_EACH = 5


def _db(pg_cluster: Cluster) -> str:
    return pg_cluster.new_database()


def test_cells_keep_their_type(pg_uri: str) -> None:
    vn = timezone(timedelta(hours=7))
    row: list[Any] = ["0123", 7, 7.0, 0.1, 1e300, -0.0, True, False, None, date(2020, 1, 15),
                      datetime(2025, 12, 28, 10, 15), datetime(2025, 12, 28, 10, 15, 30, 5, tzinfo=vn),
                      2**70, float("inf"), "a\x00b\x07c", "=IMPORTXML(1)", "x" * 40_000, "Đã {\"d\": 1}"]
    store = PostgresStore(pg_uri)
    store.replace_tab("S", "Tab", [["h"] * len(row), row])
    got = store.read(["S"])[0].tabs["Tab"][1]
    assert [type(v) for v in got] == [type(v) for v in row]
    assert got[:14] == row[:14] and got[15:] == row[15:]
    assert math.copysign(1, got[5]) == -1.0 and got[11].utcoffset() == timedelta(hours=7)
    nan = PostgresStore(pg_uri)
    nan.replace_tab("S", "N", [[float("nan")]])
    assert math.isnan(nan.read(["S"])[0].tabs["N"][0][0])  # type: ignore[arg-type]


def test_versions_change_only_for_the_written_spreadsheet(pg_uri: str) -> None:
    store = PostgresStore(pg_uri)
    store.ensure_spreadsheet("A")
    store.ensure_spreadsheet("B")
    before = store.versions(["registry", "A", "B", "C"])
    assert before is not None and before["C"] == ABSENT
    store.append_rows("A", "KeHoach", ["Năm"], [[2025]])
    after = store.versions(["registry", "A", "B", "C"])
    assert after is not None
    assert after["A"] != before["A"] and {k: after[k] for k in ("registry", "B", "C")} == \
        {k: before[k] for k in ("registry", "B", "C")}
    # a second server process sees the same token
    assert PostgresStore(pg_uri).versions(["A"]) == {"A": after["A"]}


def test_password_from_uri_env_or_secrets(pg_cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = _db(pg_cluster)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("TDKT_SECRETS", str(tmp_path / "none.toml"))
    bare = pg_cluster.tcp_uri(db, password=False)
    err = PostgresStore(bare).read(["registry"])[0].error
    assert err and "Không kết nối được PostgreSQL" in err and PASSWORD not in err
    assert PostgresStore(pg_cluster.tcp_uri(db)).read(["registry"])[0].error is None
    assert PASSWORD not in PostgresStore(pg_cluster.tcp_uri(db)).label  # never shown
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    assert PostgresStore(bare).read(["registry"])[0].error is None
    monkeypatch.delenv("PGPASSWORD")
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[tdkt.postgres]\npassword = "{PASSWORD}"\n', encoding="utf-8")
    monkeypatch.setenv("TDKT_SECRETS", str(secrets))
    assert PostgresStore(bare).read(["registry"])[0].error is None


def test_tdkt_copy_to_and_from_postgres(pg_uri: str, tmp_path: Path) -> None:
    import cli

    clock.set_now("2026-03-01")
    src = tmp_path / "src.sqlite"
    from sheets.copy import copy_store

    copy_store(MemoryStore(F.province()), SqliteStore(src))
    assert cli.main(["copy", "--from", f"sqlite:{src}", "--to", pg_uri]) == 0
    back = tmp_path / "back.sqlite"
    assert cli.main(["copy", "--from", pg_uri, "--to", f"sqlite:{back}"]) == 0
    for a, b in [(SqliteStore(src), PostgresStore(pg_uri)), (SqliteStore(src), SqliteStore(back))]:
        da, db = load(a), load(b)
        assert {k: len(v) for k, v in da.frames.items()} == {k: len(v) for k, v in db.frames.items()}
        assert da.problem_counts() == db.problem_counts()


# --- many writer processes ----------------------------------------------------------------


def _open(spec: str) -> Store:
    return PostgresStore(spec) if spec.startswith("postgresql://") else SqliteStore(spec)


def _writer(spec: str, n: int, start: Any) -> None:
    from sheets.write import append

    os.environ["TDKT_TODAY"] = "2025-12-31"
    store = _open(spec)
    ds = load(store)
    start.wait()
    for i in range(ROWS_EACH):
        rows = [{"Mã cán bộ": f"P{n}-{i}", "Họ tên": f"Người {n} {i}", "Mã đơn vị": "C6"}]
        append(store, "CanBo", rows, "h1@x.vn", dataset=ds, write_id=f"W{n}-{i}")
        append(store, "CanBo", rows, "h1@x.vn", dataset=ds, write_id=f"W{n}-{i}")  # a retry


def _many_writers(spec: str) -> None:
    ctx = mp.get_context("fork")  # separate processes (spawn would spend minutes importing pandas)
    start = ctx.Event()
    procs = [ctx.Process(target=_writer, args=(spec, n, start)) for n in range(WRITERS)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(180)
        assert p.exitcode == 0
    ds = load(_open(spec))
    v = ds.versions["CanBo"]
    mine = v[v["officer"].str.startswith("P")]
    assert sorted(mine["officer"]) == sorted(f"P{n}-{i}" for n in range(WRITERS) for i in range(ROWS_EACH))
    assert mine["write_id"].is_unique  # nothing doubled
    assert not [p for p in ds.problems if p.tab == "CanBo" and p.severity == "error"]


@pytest.mark.slow
def test_twenty_writer_processes_postgres(pg_uri: str) -> None:
    from sheets.copy import copy_store

    copy_store(MemoryStore(F.province()), PostgresStore(pg_uri))
    _many_writers(pg_uri)


@pytest.mark.slow
def test_twenty_writer_processes_sqlite(tmp_path: Path) -> None:
    from sheets.copy import copy_store

    path = tmp_path / "w.sqlite"
    copy_store(MemoryStore(F.province()), SqliteStore(path))
    _many_writers(str(path))


# --- a writer killed mid-transaction ------------------------------------------------------


class _Stall:
    """A cell whose text is asked for while the rows are being sent: it signals, then hangs."""

    def __init__(self, flag: str) -> None:
        self.flag = flag

    def __str__(self) -> str:
        Path(self.flag).write_text("in transaction")
        time.sleep(600)
        return "never"


def _stalled_writer(spec: str, flag: str) -> None:
    store = _open(spec)
    rows: list[list[Any]] = [[f"K{i}", "KILLED"] for i in range(500)]
    rows.append([_Stall(flag), "KILLED"])  # type: ignore[list-item]
    store.append_rows("A", "CanBo", ["Mã cán bộ", "Mã lần ghi"], rows)


@pytest.mark.parametrize("kind", ["postgres", "sqlite"])
def test_writer_killed_mid_transaction_leaves_nothing(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    spec = request.getfixturevalue("pg_uri") if kind == "postgres" else str(tmp_path / "k.sqlite")
    store = _open(spec)
    store.append_rows("A", "CanBo", ["Mã cán bộ", "Mã lần ghi"], [["K0", "BEFORE"]])
    before = store.versions(["A"])  # type: ignore[attr-defined]
    flag = str(tmp_path / "flag")
    proc = mp.get_context("fork").Process(target=_stalled_writer, args=(spec, flag))
    proc.start()
    deadline = time.monotonic() + 60
    while not Path(flag).exists():
        assert time.monotonic() < deadline and proc.is_alive()
        time.sleep(0.05)
    assert proc.pid is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    fresh = _open(spec)
    grid = fresh.read(["A"])[0].tabs["CanBo"]
    assert grid == [["Mã cán bộ", "Mã lần ghi"], ["K0", "BEFORE"]]  # no partial rows
    assert not fresh.has_write_id("A", "CanBo", "KILLED")
    assert fresh.versions(["A"]) == before  # type: ignore[attr-defined]
    fresh.append_rows("A", "CanBo", ["Mã cán bộ", "Mã lần ghi"], [["K1", "AFTER"]])  # no lock left behind
    assert fresh.read(["A"])[0].tabs["CanBo"][-1] == ["K1", "AFTER"]
