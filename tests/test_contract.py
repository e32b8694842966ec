"""One contract over every backend: SQLite, workbook folder, the Google Sheets fake and PostgreSQL
hold the same cells and give the same figures, and the write door behaves the same."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from indicators.core import compute
from sheets import clock
from sheets.copy import copy_store
from sheets.load import load
from sheets.sources import open_source
from sheets.stores.base import Store
from sheets.stores.gsheets import GSheetsStore
from sheets.stores.memory import MemoryStore
from sheets.stores.postgres import PostgresStore
from sheets.stores.sqlite import SqliteStore
from sheets.stores.xlsx import XlsxStore
from sheets.write import append
from tests import fixtures as F
from tests.fakes import FakeSheets, make_client


def gsheets_for(src: Store) -> tuple[GSheetsStore, FakeSheets]:
    """Spreadsheets that already exist and are shared (a service account cannot create files)."""
    fake = FakeSheets()
    fake.add_spreadsheet("REGISTRY", {})
    ds = load(src)
    links: dict[str, str] = {}
    for code, sheet in ds.own_sheet.items():
        if sheet != ds.registry:
            key = "KEY" + code
            fake.add_spreadsheet(key, {})
            links[code] = key
    store = GSheetsStore("REGISTRY", client=make_client(fake), sleep=lambda s: None, rng=random.Random(0),
                         links=links)
    return store, fake


def make(kind: str, tmp_path: Path, src: Store, request: pytest.FixtureRequest) -> Store:
    if kind == "postgres":  # a fresh database of the session's real PostgreSQL server
        dst: Store = PostgresStore(request.getfixturevalue("pg_uri"))
    elif kind == "sqlite":
        dst: Store = SqliteStore(tmp_path / "x.sqlite")
    elif kind == "xlsx":
        dst = XlsxStore(tmp_path / "wb" / "registry.xlsx")
    else:
        dst, _ = gsheets_for(src)
    report = copy_store(src, dst)
    assert not report.missing
    return dst


KINDS = ["sqlite", "xlsx", "gsheets", "postgres"]


def figures(store: Store, cases: list[tuple[int, date, str | None]]) -> list[object]:
    ds = load(store)
    return [compute(ds, y, a, u).as_json(ds.problem_counts()) for y, a, u in cases]


@pytest.mark.parametrize("kind", KINDS)
def test_fixture_province_same_figures(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    clock.set_now("2026-03-01")
    src = MemoryStore(F.province())
    cases = [(2025, date(2025, 12, 31), None), (2025, date(2026, 3, 1), "H1"), (2024, date(2024, 12, 31), None)]
    assert figures(make(kind, tmp_path, src, request), cases) == figures(src, cases)


@pytest.mark.parametrize("kind", KINDS)
def test_demo_same_figures(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    src = open_source("demo")
    cases = [(2025, clock.today(), None), (2024, date(2024, 6, 30), "BABE"), (2026, clock.today(), "GD")]
    assert figures(make(kind, tmp_path, src, request), cases) == figures(src, cases)


@pytest.mark.parametrize("kind", KINDS)
def test_write_door_same_everywhere(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    clock.set_now("2025-12-31T09:00:00")
    store = make(kind, tmp_path, MemoryStore(F.province()), request)
    before = compute(load(store), 2025, date(2025, 12, 31))["T1B"].numerator
    rows = [{"Năm": 2025, "Mã đơn vị": "C6", "Có kế hoạch": "Có", "Đã phát động": "Có",
             "Ghi chú": '=IMPORTXML("http://x", "//a")'}]
    res = append(store, "KeHoach", rows, "h1@x.vn", write_id="WCONTRACT")
    again = append(store, "KeHoach", rows, "h1@x.vn", write_id="WCONTRACT")  # a retry
    assert again.already
    ds = load(store)
    assert compute(ds, 2025, date(2025, 12, 31))["T1B"].numerator == before + 1
    v = ds.versions["KeHoach"]
    mine = v[v["write_id"] == res.write_id]
    assert len(mine) == 1  # never doubled
    assert mine["note"].iloc[0] == '=IMPORTXML("http://x", "//a")'  # text, not a formula
    assert mine["_sheet"].iloc[0] == ds.home_sheet("C6")


def test_copy_back_out_of_gsheets_is_exact(tmp_path: Path) -> None:
    clock.set_now("2026-03-01")
    src = MemoryStore(F.province())
    gs, _fake = gsheets_for(src)
    copy_store(src, gs)
    back = SqliteStore(tmp_path / "back.sqlite")
    copy_store(gs, back)
    cases: list[tuple[int, date, str | None]] = [(2025, date(2025, 12, 31), None)]
    assert figures(back, cases) == figures(src, cases)




def test_outage_shows_last_good_data_with_its_age() -> None:
    from components.banner import stale_message

    clock.set_now("2026-03-01")
    src = MemoryStore(F.province())
    gs, fake = gsheets_for(src)
    copy_store(src, gs)
    t = [1000.0]
    gs._clock = lambda: t[0]  # type: ignore[attr-defined]
    gs.ttl = 60
    good = load(gs)
    fake.set_faults(error_500=1.0)
    t[0] += 600  # the cache has expired; Google is down
    again = load(gs)
    assert [i.as_json() for i in compute(again, 2025, date(2025, 12, 31)).indicators] == \
        [i.as_json() for i in compute(good, 2025, date(2025, 12, 31)).indicators]
    msg = stale_message(gs.stale_sheets())
    assert msg and "10 phút" in msg and "lần cuối" in msg
    assert stale_message({}) is None


def test_problems_link_straight_to_the_cell_in_google_sheets() -> None:
    from indicators.dashboard import problem_table

    clock.set_now("2026-03-01")
    src = MemoryStore(F.province())
    gs, fake = gsheets_for(src)
    copy_store(src, gs)
    ds = load(gs)
    table = problem_table(ds, ds.tab_gids)
    # the out-of-scope row about H4 in H1's KeHoach: column "Mã đơn vị" is the 2nd column (B)
    row = table[(table["Trang"] == "KeHoach") & (table["Giá trị"] == "H4")].iloc[0]
    gid = fake.spreadsheet("KEYH1").by_title("KeHoach").properties()["sheetId"]
    assert row["Liên kết"] == f"https://docs.google.com/spreadsheets/d/KEYH1/edit#gid={gid}&range=B{row['Dòng']}"


@pytest.mark.parametrize("kind", KINDS)
def test_dossier_path_same_everywhere(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """SPEC 7's whole path through the write door of every backend (the dossier rows land on
    both sides' spreadsheets): the same statuses, awards once despite a retried decision, and the
    same pipeline figures and T3 as in memory."""
    from indicators.pipeline import pipeline
    from sheets import dossier as D
    from sheets import schema as S
    from tests import test_workflow as W

    def walk(store: Store) -> object:
        clock.set_now(W.NOW)
        D.create(store, W.PROPOSER, unit="H1", year=2025, summary="Đề nghị khen thưởng", code=W.CODE)
        D.save_lines(store, W.PROPOSER, W.CODE, W.LINES)
        D.step(store, W.PROPOSER, W.CODE, S.DOSSIER_SENT)
        D.step(store, W.DESK, W.CODE, S.DOSSIER_RETURNED, return_reason="Thiếu tóm tắt")
        D.step(store, W.PROPOSER, W.CODE, S.DOSSIER_SENT)
        D.step(store, W.DESK, W.CODE, S.DOSSIER_RECEIVED)
        D.record_results(store, W.DESK, W.CODE, W.RESULTS)
        D.step(store, W.DESK, W.CODE, S.DOSSIER_REVIEWED)
        D.record_decision(store, W.DESK, W.CODE, **W.DECISION, write_id="WDECIDE")
        D.record_decision(store, W.DESK, W.CODE, **W.DECISION, write_id="WDECIDE")  # a retry
        ds = load(store)
        kt = ds.frames["KhenThuong"]
        assert ds.frames["HoSo"].set_index("dossier").at[W.CODE, "status"] == S.DOSSIER_DECIDED
        assert sorted(kt.loc[kt["dossier"] == W.CODE, "name"]) == sorted(n["name"] for n in W.LINES[:3])
        assert set(ds.versions["HoSo"]["_sheet"]) == {ds.home_sheet("H1"), ds.registry}  # both sides' sheets
        return (pipeline(ds, 2025, date(2025, 12, 31)), compute(ds, 2025, date(2025, 12, 31))["T3"])

    clock.set_now(W.NOW)
    store = make(kind, tmp_path, MemoryStore(W.sheets()), request)
    assert walk(store) == walk(MemoryStore(W.sheets()))
