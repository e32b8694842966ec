"""The demo's dossiers, registrations and print positions (SPEC 6 and 7): every step present,
every version accepted by the loader's read pass, and ``tdkt pipeline`` on it non-trivial."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from sheets import clock
from sheets import dossier as D
from sheets import schema as S
from sheets.demo import DEMO_USERS, build_demo
from sheets.demo_dossiers import DESK_EMAIL
from sheets.load import Dataset, load
from sheets.stores.memory import MemoryStore

TODAY = date(2026, 11, 25)
BIN = Path(sys.executable).parent / "tdkt"


@pytest.fixture(scope="module")
def demo() -> Iterator[tuple[MemoryStore, Dataset]]:
    clock.set_now(TODAY)
    store = MemoryStore()
    build_demo(store, today=TODAY)
    yield store, load(store)
    clock.set_now(None)


def test_every_status_in_the_current_year(demo: tuple[MemoryStore, Dataset]) -> None:
    hs = demo[1].frames["HoSo"]
    this_year = hs[hs["year"] == TODAY.year]
    assert set(this_year["status"]) == set(S.DOSSIER_STATUSES)
    assert set(hs.loc[hs["year"] == TODAY.year - 1, "status"]) >= {S.DOSSIER_DECIDED}
    # some were returned and sent again (and are now past Trả lại)
    looped = this_year[this_year["returned"] & (this_year["status"] != S.DOSSIER_RETURNED)]
    assert len(looped) >= 2
    # a proposing unit's own spreadsheet and the receiver's both hold versions
    sheets = set(demo[1].versions["HoSo"]["_sheet"])
    assert demo[0].registry in sheets and len(sheets) >= 2


def test_the_read_pass_accepts_every_demo_row(demo: tuple[MemoryStore, Dataset]) -> None:
    ds = demo[1]
    workflow_tabs = {"HoSo", "HoSoDanhSach", "DangKy", "MauIn"}
    assert [p for p in ds.problems if p.tab in workflow_tabs] == []
    assert not [p for p in ds.problems if p.column == "Mã hồ sơ"]
    # every stored version survived the replay
    stored = sum(len(g) - 1 for tabs in demo[0].sheets.values() for t, g in tabs.items() if t == "HoSo")
    assert len(ds.versions["HoSo"]) == stored


def test_decided_dossiers_gave_their_awards(demo: tuple[MemoryStore, Dataset]) -> None:
    ds = demo[1]
    hs, lines, kt = ds.frames["HoSo"], ds.frames["HoSoDanhSach"], ds.frames["KhenThuong"]
    decided = set(hs.loc[hs["status"] == S.DOSSIER_DECIDED, "dossier"])
    agreed = lines[lines["dossier"].isin(decided) & (lines["result"] == S.RESULT_AGREED)]
    from_dossiers = kt[kt["dossier"].notna()]
    assert len(agreed) > 0
    assert sorted(from_dossiers["award"]) == sorted(f"{d}-{n}" for d, n in zip(agreed["dossier"], agreed["line"],
                                                                                strict=True))


def test_registrations_and_print_positions(demo: tuple[MemoryStore, Dataset]) -> None:
    ds = demo[1]
    dk = ds.frames["DangKy"]
    for year in (TODAY.year - 1, TODAY.year):
        units = set(dk.loc[dk["year"] == year, "unit"])
        assert 0.4 * len(ds.tree.parent) < len(units) < len(ds.tree.parent)  # most, not all
    assert (dk["registered"] <= pd_ts(TODAY)).all()
    mi = ds.frames["MauIn"]
    assert set(mi["form"]) == {"Bằng khen của LĐLĐ tỉnh", "Giấy khen"}
    assert set(mi.loc[mi["form"] == "Giấy khen", "field"]) >= {"Tên", "Đơn vị", "Số quyết định"}


def pd_ts(d: date) -> object:
    import pandas as pd

    return pd.Timestamp(d)


def test_the_desk_user_is_registered() -> None:
    assert (DESK_EMAIL, S.ROLE_DESK) in {(e, r) for e, _, r, _ in DEMO_USERS}


def test_the_door_takes_the_next_step_on_demo_data(demo: tuple[MemoryStore, Dataset]) -> None:
    store, ds = demo
    hs = ds.frames["HoSo"]
    waiting = hs[hs["status"] == S.DOSSIER_SENT].sort_values("sent")
    code = str(waiting.iloc[0]["dossier"])
    copy = MemoryStore({s: {t: [list(r) for r in g] for t, g in tabs.items()} for s, tabs in store.sheets.items()})
    D.step(copy, DESK_EMAIL, code, S.DOSSIER_RECEIVED, dataset=ds)
    after = load(copy).frames["HoSo"].set_index("dossier")
    assert after.at[code, "status"] == S.DOSSIER_RECEIVED


def test_tdkt_pipeline_on_the_demo(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    env = dict(os.environ, TDKT_DEMO_PATH=str(path), TDKT_TODAY=TODAY.isoformat())
    base = [str(BIN), "--today", TODAY.isoformat()]
    subprocess.run([*base, "demo", "--out", str(path)], check=True, env=env, capture_output=True)
    out = subprocess.run([*base, "pipeline", "--source", "demo", "--year", str(TODAY.year), "--format", "json"],
                         env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert all(n > 0 for n in data["dossiers"].values()), data["dossiers"]
    assert data["waiting"] > data["overdue"] > 0 and data["returned"] > 0
    assert data["median_days"] is not None and data["median_days"] > 0
    nom = data["nominees"]
    assert nom["proposed"] == nom["Đồng ý"] + nom["Không đồng ý"] + nom["Trình cấp trên"] + nom["blank"]
    assert min(nom.values()) > 0
    share = data["direct_share"]
    assert 0 < share["numerator"] < share["denominator"] and share["threshold"] > 0
