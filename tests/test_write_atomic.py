"""A write id lands once, even when two sends of it arrive at the same instant, and a write
spanning several spreadsheets that stopped half-way is completed, not doubled, by its retry."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sheets import clock
from sheets.errors import PartialWriteError, WriteError
from sheets.load import load
from sheets.stores.base import Store
from sheets.stores.gsheets import GSheetsStore
from sheets.stores.memory import MemoryStore
from sheets.stores.sqlite import SqliteStore
from sheets.stores.xlsx import XlsxStore
from sheets.write import append
from tests import fixtures as F
from tests.fakes.fake_sheets import FakeSheets, make_client

HEADER = ["Năm", "Mã đơn vị", "Mã lần ghi"]
SENDERS = 6


@pytest.fixture(autouse=True)
def _today() -> Any:
    clock.set_now("2025-12-31T10:00:00")
    yield
    clock.set_now(None)


def _rows_with(store: Store, sheet: str, tab: str, write_id: str) -> int:
    (read,) = store.read([sheet])
    grid = read.tabs.get(tab, [])
    if not grid:
        return 0
    header = [str(h) for h in grid[0]]
    if "Mã lần ghi" not in header:
        return 0
    col = header.index("Mã lần ghi")
    return sum(1 for r in grid[1:] if len(r) > col and r[col] == write_id)


def _at_once(n: int, fn: Callable[[int], Any]) -> list[Any]:
    """Run ``fn`` in ``n`` threads released together; every result (or exception) in order."""
    gate = threading.Barrier(n)
    out: list[Any] = [None] * n

    def run(i: int) -> None:
        gate.wait()
        try:
            out[i] = fn(i)
        except BaseException as exc:  # reported to the test
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def _gsheets(fake: FakeSheets) -> GSheetsStore:
    return GSheetsStore("REG", client=make_client(fake), sleep=lambda s: None)


STORES: dict[str, Callable[[Path], Store]] = {
    "memory": lambda p: MemoryStore(),
    "sqlite": lambda p: SqliteStore(p / "tdkt.db"),
    "xlsx": lambda p: XlsxStore(p / "registry.xlsx"),
}


@pytest.mark.parametrize("kind", [*STORES, "gsheets"])
def test_threads_sending_one_write_id_at_once_land_once(kind: str, tmp_path: Path) -> None:
    if kind == "gsheets":
        fake = FakeSheets()
        fake.add_spreadsheet("REG", {"KeHoach": [HEADER]})
        store: Store = _gsheets(fake)
        sheet = "REG"
    else:
        store = STORES[kind](tmp_path)
        sheet = store.registry
    got = _at_once(SENDERS, lambda i: store.append_once(sheet, "KeHoach", HEADER, [[2025, "BK", "W1"]], "W1"))
    assert [g for g in got if isinstance(g, BaseException)] == []
    assert got.count(True) == 1 and got.count(False) == SENDERS - 1
    assert _rows_with(store, sheet, "KeHoach", "W1") == 1
    # another id still lands
    assert store.append_once(sheet, "KeHoach", HEADER, [[2025, "BK", "W2"]], "W2")
    assert _rows_with(store, sheet, "KeHoach", "W2") == 1


def _send_from_process(kind: str, folder: str, gate: Any, results: Any) -> None:
    store = STORES[kind](Path(folder))
    gate.wait()
    results.put(store.append_once(store.registry, "KeHoach", HEADER, [[2025, "BK", "WP"]], "WP"))


@pytest.mark.parametrize("kind", ["sqlite", "xlsx"])
def test_processes_sending_one_write_id_at_once_land_once(kind: str, tmp_path: Path) -> None:
    STORES[kind](tmp_path).ensure_spreadsheet("registry.xlsx" if kind == "xlsx" else "registry")
    ctx = multiprocessing.get_context("fork")
    gate, results = ctx.Barrier(4), ctx.Queue()
    procs = [ctx.Process(target=_send_from_process, args=(kind, str(tmp_path), gate, results)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    assert all(p.exitcode == 0 for p in procs)
    got = sorted(results.get(timeout=5) for _ in procs)
    assert got == [False, False, False, True]
    store = STORES[kind](tmp_path)
    assert _rows_with(store, store.registry, "KeHoach", "WP") == 1


def test_two_sends_through_the_door_at_once_store_one_version(tmp_path: Path) -> None:
    """A fast second click: the same rows with the same id, twice at once, through the door."""
    store = SqliteStore(tmp_path / "tdkt.db")
    for sheet, tabs in F.province().items():
        for tab, grid in tabs.items():
            store.replace_tab(sheet, tab, grid)
    ds = load(store)
    row = {"Năm": 2025, "Mã đơn vị": "C6", "Có kế hoạch": "Có", "Đã phát động": "Có"}
    got = _at_once(4, lambda i: append(store, "KeHoach", [row], "h1@x.vn", dataset=ds, write_id="WCLICK"))
    assert [g for g in got if isinstance(g, BaseException)] == []
    assert sorted(g.rows_added for g in got) == [0, 0, 0, 1]
    assert sum(1 for g in got if g.already) == 3
    assert _rows_with(store, "H1", "KeHoach", "WCLICK") == 1


# --- several spreadsheets in one write ---------------------------------------------------
def _fake_province() -> tuple[FakeSheets, GSheetsStore]:
    fake = FakeSheets()
    sheets = F.province()
    fake.add_spreadsheet("REG", sheets["registry"])
    fake.add_spreadsheet("H1", sheets["H1"])
    return fake, GSheetsStore("REG", client=make_client(fake), sleep=lambda s: None, max_retries=2)


# C4 is the province's (the registry), C6 is H1's: one write, two spreadsheets
TWO_SHEETS = [
    {"Năm": 2026, "Mã đơn vị": "C4", "Có kế hoạch": "Có", "Đã phát động": "Có"},
    {"Năm": 2026, "Mã đơn vị": "C6", "Có kế hoạch": "Có", "Đã phát động": "Không"},
]


def test_a_write_stopped_half_way_says_so_and_its_retry_adds_only_what_is_missing() -> None:
    fake, store = _fake_province()
    ds = load(store)
    fake.set_shared("H1", False)  # the second spreadsheet refuses the write (and every read)
    with pytest.raises(PartialWriteError) as info:
        append(store, "KeHoach", TWO_SHEETS, "admin@x.vn", dataset=ds, write_id="WHALF")
    exc = info.value
    assert exc.written == {"REG": 1} and exc.missing == {"H1": 1}
    assert "Mới ghi được 1 trong 2 dòng" in str(exc) and "H1" in str(exc)
    assert _rows_with(store, "REG", "KeHoach", "WHALF") == 1
    fake.set_shared("H1", True)
    again = append(store, "KeHoach", TWO_SHEETS, "admin@x.vn", dataset=load(store), write_id="WHALF")
    assert again.rows == 2 and again.rows_added == 1 and again.completed and not again.already
    assert _rows_with(store, "REG", "KeHoach", "WHALF") == 1  # not doubled
    assert _rows_with(store, "H1", "KeHoach", "WHALF") == 1  # completed
    third = append(store, "KeHoach", TWO_SHEETS, "admin@x.vn", dataset=load(store), write_id="WHALF")
    assert third.already and third.rows_added == 0
    plans = load(store).frames["KeHoach"]
    assert set(plans[plans["year"] == 2026]["unit"]) == {"C4", "C6"}


def test_lost_answers_on_every_append_land_each_row_once() -> None:
    """Google applies each append but the answers are lost: the store asks which ids landed."""
    fake, store = _fake_province()
    ds = load(store)
    fake.set_faults(seed=3, lost=1.0, kinds=["values.append"])
    res = append(store, "KeHoach", TWO_SHEETS, "admin@x.vn", dataset=ds, write_id="WLOST")
    fake.set_faults(lost=0.0)
    assert res.rows_added == 2 and res.sheets == {"REG": 1, "H1": 1}
    assert _rows_with(store, "REG", "KeHoach", "WLOST") == 1
    assert _rows_with(store, "H1", "KeHoach", "WLOST") == 1


def test_a_first_spreadsheet_failing_is_a_plain_failure_with_nothing_written() -> None:
    fake, store = _fake_province()
    ds = load(store)
    fake.set_shared("REG", False)
    with pytest.raises(WriteError) as info:
        append(store, "KeHoach", TWO_SHEETS, "admin@x.vn", dataset=ds, write_id="WNONE")
    assert not isinstance(info.value, PartialWriteError)
    fake.set_shared("REG", True)
    assert _rows_with(store, "H1", "KeHoach", "WNONE") == 0
