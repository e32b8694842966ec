"""Incremental reload equals a full load at the same clock (fixture, messy twin, demo ×1 and
×10), after writes to two spreadsheets, a spreadsheet that disappears and one that becomes
unreadable; and over the Google Sheets fake an unchanged refresh costs one request, a refresh
after one spreadsheet's edit two."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sheets import clock
from sheets.copy import copy_store
from sheets.incremental import Loader
from sheets.load import Dataset, load
from sheets.sources import build_demo_store
from sheets.stores.base import Store
from sheets.stores.gsheets import GSheetsStore
from sheets.stores.memory import MemoryStore
from sheets.stores.sqlite import SqliteStore
from sheets.write import append
from tests import fixtures as F
from tests.fakes import FakeSheets, make_client
from tests.test_contract import gsheets_for


def assert_same(a: Dataset, b: Dataset) -> None:
    """Every part of a Dataset but its load time."""
    assert a.sheets == b.sheets
    assert [p.as_dict() for p in a.problems] == [p.as_dict() for p in b.problems]
    assert a.frames.keys() == b.frames.keys() and a.versions.keys() == b.versions.keys()
    for k in a.frames:
        pd.testing.assert_frame_equal(a.frames[k], b.frames[k], check_exact=True)
        pd.testing.assert_frame_equal(a.versions[k], b.versions[k], check_exact=True)
    assert a.users == b.users and a.own_sheet == b.own_sheet and a.sheet_errors == b.sheet_errors
    assert a.sheet_urls == b.sheet_urls and a.tab_gids == b.tab_gids and a.col_index == b.col_index
    assert a.tree.parent == b.tree.parent


def _kehoach(unit: str, note: str) -> list[dict[str, object]]:
    return [{"Năm": 2025, "Mã đơn vị": unit, "Có kế hoạch": "Có", "Đã phát động": "Có", "Ghi chú": note}]


def _walk(store: Store, writes: list[tuple[str, str]]) -> Loader:
    """Load incrementally, write, and compare with a full load after every step."""
    loader = Loader(store)
    assert_same(loader.load(), load(store))
    assert_same(loader.load(), load(store))  # nothing changed: everything kept
    assert loader.stats.read == []
    ds = load(store)
    for unit, actor in writes:  # one write each into two different home spreadsheets
        res = append(store, "KeHoach", _kehoach(unit, "incremental"), actor, dataset=ds)
        assert len(res.sheets) == 1
        again = loader.load()
        assert loader.stats.read == list(res.sheets)  # only the spreadsheet written is read again
        ds = load(store)
        assert_same(again, ds)
    return loader


def test_fixture_and_messy_twin(tmp_path: Path) -> None:
    clock.set_now("2025-12-31T09:00:00")
    for i, sheets in enumerate([F.province(), F.messy(F.province())]):
        store = SqliteStore(tmp_path / f"{i}.sqlite")
        copy_store(MemoryStore(sheets), store)
        ds = load(store)
        a, b = ds.home_sheet("C6"), ds.home_sheet("BK")
        assert a != b
        _walk(store, [("C6", "h1@x.vn"), ("BK", "admin@x.vn") if "admin@x.vn" in ds.users else ("C6", "h1@x.vn")])


def test_registry_edit_disappearing_and_unreadable_spreadsheets(tmp_path: Path) -> None:
    clock.set_now("2025-12-31T09:00:00")
    src = MemoryStore(F.province())
    gs, fake = gsheets_for(src)
    copy_store(src, gs)
    loader = Loader(gs)
    assert_same(loader.load(), load(gs))
    linked = [k for k in fake.spreadsheets if k != "REGISTRY"]
    assert linked
    fake.set_shared(linked[0], False)  # becomes unreadable
    gs.invalidate(None)
    assert_same(loader.load(), load(gs))
    assert linked[0] in loader.stats.read
    fake.set_shared(linked[0], True)  # shared again: read again, the error gone
    back = loader.load()
    assert_same(back, load(gs))
    assert linked[0] in loader.stats.read and linked[0] not in back.sheet_errors
    fake.remove_spreadsheet(linked[0])  # disappears
    gs.invalidate(None)
    gone = loader.load()
    assert_same(gone, load(gs))
    assert linked[0] in gone.sheet_errors


@pytest.mark.parametrize("scale", [1.0, pytest.param(10.0, marks=pytest.mark.slow)])
def test_demo(scale: float, tmp_path: Path, demo_store: Path) -> None:
    if scale == 1.0:
        store: Store = SqliteStore(tmp_path / "d.sqlite")
        copy_store(SqliteStore(demo_store), store)
    else:
        store = build_demo_store(tmp_path / "d10.sqlite", scale=scale)
    ds = load(store)
    officer = next(u for u in ds.users.values() if u.role == "Cán bộ cấp trên cơ sở")
    mine = [c for c in ds.tree.subtree(officer.unit) if ds.home_sheet(c) != ds.registry]
    admin = next(u for u in ds.users.values() if u.role == "Quản trị")
    reg_unit = next(c for c in ds.tree.parent if ds.home_sheet(c) == ds.registry)
    _walk(store, [(mine[0], officer.email), (reg_unit, admin.email)])


def test_request_counts_over_the_fake() -> None:
    clock.set_now("2026-03-01")
    src = MemoryStore(F.province())
    gs, fake = gsheets_for(src)
    copy_store(src, gs)
    gs.invalidate(None)
    fake.reset_counts()
    load(gs)
    full = fake.requests_total
    gs.invalidate(None)
    fake.reset_counts()
    loader = Loader(gs)
    loader.load()
    # a cold incremental load: a full load's reads and ONE files.list (the registry's newly
    # linked spreadsheets take their tokens from the same listing); the registry is read with
    # that listing (two round trips, as a full load) and confirmed by one more read after it
    assert loader.stats.early == [gs.registry]
    loader.settle()
    assert fake.counts["drive.list"] == 1 and fake.requests_total == full + 2, fake.counts
    fake.reset_counts()
    assert loader.changed() is False
    loader.load()
    assert fake.requests_total == 1, fake.counts  # one files.list, nothing read
    ds = load(gs)
    other = _other_server(gs, fake)
    res = append(other, "KeHoach", _kehoach("C6", "x"), "h1@x.vn", dataset=ds)  # another server's save
    written = next(iter(res.sheets))
    fake.reset_counts()
    assert loader.changed() is True
    again = loader.load()
    loader.settle()
    assert fake.requests_total == 2, fake.counts  # files.list + that spreadsheet's one read
    assert fake.counts["drive.list"] == 1 and loader.stats.read == [written] and loader.stats.early == []
    assert_same(again, load(gs))


def _other_server(gs: GSheetsStore, fake: FakeSheets) -> GSheetsStore:
    """A second store over the same fake spreadsheets (another app server)."""
    return GSheetsStore("REGISTRY", client=make_client(fake), sleep=lambda s: None, rng=random.Random(1),
                        links=dict(gs._links))


def _fake_province() -> tuple[GSheetsStore, FakeSheets, Loader]:
    clock.set_now("2026-03-01")
    src = MemoryStore(F.province())
    gs, fake = gsheets_for(src)
    copy_store(src, gs)
    loader = Loader(gs)
    loader.load()
    return gs, fake, loader


def test_own_write_is_read_with_the_files_list_and_confirmed_after() -> None:
    """After this server's own save, the written spreadsheet is read together with Drive's
    files.list (one round trip of waiting), then read once more in the background; the second
    read keeps the parse with its token, so the next unchanged refresh is one request again."""
    gs, fake, loader = _fake_province()
    res = append(gs, "KeHoach", _kehoach("C6", "own"), "h1@x.vn", dataset=load(gs))
    written = next(iter(res.sheets))
    fake.reset_counts()
    assert loader.changed() is True
    again = loader.load()
    assert loader.stats.early == [written] and loader.stats.read == [written]
    loader.settle()
    # files.list and the early read, then the confirming read
    assert fake.counts["drive.list"] == 1 and fake.requests_total == 3, fake.counts
    assert_same(again, load(gs))
    fake.reset_counts()
    assert loader.changed() is False  # confirmed: kept with its token
    loader.load()
    assert fake.requests_total == 1 and loader.stats.read == [], fake.counts
    token = loader.token()
    # the same data through another server's loader gives the same generation text
    other = Loader(_other_server(gs, fake))
    other.load()
    assert other.token() == token


def test_an_edit_between_the_early_and_the_confirming_read_is_not_missed() -> None:
    """Somebody else's edit lands after the early read: the confirming read differs, nothing is
    kept, and the next check reloads to the same Dataset as a full load (a new generation)."""
    gs, fake, loader = _fake_province()
    res = append(gs, "KeHoach", _kehoach("C6", "own"), "h1@x.vn", dataset=load(gs))
    written = next(iter(res.sheets))
    other = _other_server(gs, fake)
    confirm = loader._confirm

    def edit_then_confirm(items: list[Any]) -> None:
        append(other, "KeHoach", _kehoach("C6", "someone else"), "h1@x.vn", dataset=load(other))
        confirm(items)

    loader._confirm = edit_then_confirm  # type: ignore[method-assign]
    assert loader.changed() is True
    first = loader.load()
    loader.settle()
    loader._confirm = confirm  # type: ignore[method-assign]
    token = loader.token()
    assert loader.changed() is True  # the confirming read saw the other edit
    again = loader.load()
    assert loader.stats.read == [written]
    assert_same(again, load(gs))
    assert len(again.versions["KeHoach"]) == len(first.versions["KeHoach"]) + 1
    assert loader.token() != token


def test_kept_steps_follow_the_clock_and_the_tabs_they_read(tmp_path: Path) -> None:
    """The loader keeps each step's result while its inputs are the same objects: a stamp
    judged "in the future" is judged again once the clock has passed it, a new day re-checks
    attendance, and a new movement reaches the tabs whose rows name movements."""
    clock.set_now("2025-12-31T09:00:00")
    sheets = F.province()
    header = sheets["H1"]["KeHoach"][0]
    ahead = dict.fromkeys(header)
    ahead.update({"Năm": 2025, "Mã đơn vị": "C2", "Có kế hoạch": "Có", "Cập nhật lúc": "2025-12-31T10:00:00+07:00"})
    sheets["H1"]["KeHoach"].append([ahead[h] for h in header])
    awards = sheets["H1"]["KhenThuong"]  # H1's award names a movement H1 has not launched yet
    sheets["H1"]["KhenThuong"] = [awards[0] + ["Mã phong trào"]] + [r + ["P9"] for r in awards[1:]]
    store = SqliteStore(tmp_path / "c.sqlite")
    copy_store(MemoryStore(sheets), store)
    loader = Loader(store)
    first = loader.load()
    assert_same(first, load(store))
    assert any("tương lai" in p.message for p in first.problems)
    clock.set_now("2025-12-31T11:00:00")  # nothing changed in the store, the clock moved past the stamp
    later = loader.load()
    assert loader.stats.read == []
    assert_same(later, load(store))
    assert not any("tương lai" in p.message for p in later.problems)
    clock.set_now("2026-01-02T08:00:00")  # a new day
    assert_same(loader.load(), load(store))
    ds = load(store)
    movement = {"Mã phong trào": "P9", "Tên phong trào": "Phong trào mới", "Mã đơn vị": "H1", "Ngày phát động": "2026-01-02"}
    res = append(store, "PhongTrao", [movement], "h1@x.vn", dataset=ds)
    again = loader.load()
    assert loader.stats.read == list(res.sheets)
    assert_same(again, load(store))
    k4 = [f[f["award"] == "K4"]["movement"].iloc[0] for f in (first.frames["KhenThuong"], again.frames["KhenThuong"])]
    assert pd.isna(k4[0]) and pd.notna(k4[1])  # the award names the new movement now


def _restarted(gs: GSheetsStore, fake: FakeSheets, cache_dir: Path) -> Loader:
    """What a restarted app server has: a new store and loader, nothing in memory."""
    return Loader(_other_server(gs, fake), cache_dir=cache_dir)


def test_a_restart_takes_unchanged_parses_from_disk(tmp_path: Path) -> None:
    """A restarted server asks Drive once and reads only what changed since the parses on disk
    were kept; its Dataset is a full load's, including after a write, a spreadsheet that
    disappears, a damaged cache file and "Làm mới"."""
    clock.set_now("2026-03-01")
    src = MemoryStore(F.province())
    gs, fake = gsheets_for(src)
    copy_store(src, gs)
    first = Loader(gs, cache_dir=tmp_path)
    first.load()
    first.settle()  # the registry's confirming read keeps it on disk too
    n = len(first.tokens or {})
    assert len(list(tmp_path.glob("*.pickle"))) == n >= 2

    fake.reset_counts()
    again = _restarted(gs, fake, tmp_path)
    ds = again.load()
    assert fake.requests_total == 1 and fake.counts["drive.list"] == 1, fake.counts  # nothing read
    assert again.stats.from_disk == n and again.stats.read == []
    # the other process's tab marks are not carried over: this store's marks may repeat them
    assert all(not sp.tab_marks for _, sp in again._kept.values())
    assert_same(ds, load(_other_server(gs, fake)))

    # another server writes one spreadsheet: the next restart reads that one only
    res = append(_other_server(gs, fake), "KeHoach", _kehoach("C6", "x"), "h1@x.vn", dataset=load(_other_server(gs, fake)))
    written = next(iter(res.sheets))
    fake.reset_counts()
    after = _restarted(gs, fake, tmp_path)
    ds = after.load()
    assert fake.requests_total == 2 and after.stats.read == [written], fake.counts
    assert after.stats.from_disk == n - 1
    assert_same(ds, load(_other_server(gs, fake)))

    # a damaged file is a miss (read again), not an error
    for f in tmp_path.glob("*.pickle"):
        f.write_bytes(b"not a pickle")
        break
    damaged = _restarted(gs, fake, tmp_path)
    assert_same(damaged.load(), load(_other_server(gs, fake)))
    assert len(damaged.stats.read) == 1 and damaged.stats.from_disk == n - 1

    # a spreadsheet that disappears is not served from disk
    linked = [k for k in fake.spreadsheets if k != "REGISTRY"]
    fake.remove_spreadsheet(linked[0])
    gs.invalidate(None)
    gone = _restarted(gs, fake, tmp_path)
    ds = gone.load()
    assert linked[0] in ds.sheet_errors and linked[0] in gone.stats.read
    assert_same(ds, load(_other_server(gs, fake)))

    # "Làm mới" reads everything again, whatever is on disk
    gone.forget()
    fake.reset_counts()
    gone.load()
    assert gone.stats.from_disk == 0 and len(gone.stats.read) == n


def test_parses_on_disk_need_the_same_code_and_a_store_whose_tokens_last(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sheets import parse_cache

    gs, fake, _ = _fake_province()
    Loader(gs, cache_dir=tmp_path).load()
    monkeypatch.setattr(parse_cache, "code_version", lambda: "other code")
    changed = _restarted(gs, fake, tmp_path)
    changed.load()
    assert changed.stats.from_disk == 0 and changed.stats.read  # parsed by other code: read again
    # SQLite's tokens are counters that start again in a new file: nothing is kept on disk
    sq = SqliteStore(tmp_path / "x.sqlite")
    copy_store(MemoryStore(F.province()), sq)
    Loader(sq, cache_dir=tmp_path / "sq").load()
    assert not (tmp_path / "sq").exists()
