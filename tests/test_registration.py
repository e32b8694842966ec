"""Đăng ký thi đua (SPEC 7, DangKy): the figures on the small fixture, the door, the page."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from indicators import registration as R
from sheets import clock
from sheets.copy import copy_store
from sheets.errors import PermissionDenied
from sheets.load import load
from sheets.sources import open_source
from sheets.stores.memory import MemoryStore
from sheets.stores.sqlite import SqliteStore
from sheets.write import append
from tests import fixtures as F


@pytest.fixture(autouse=True)
def _today() -> Any:
    clock.set_now("2025-12-31T10:00:00")
    yield
    clock.set_now(None)


def award(code: str, unit: str, form: str, *, subject: str = "Tập thể", year: int = 2025) -> dict[str, Any]:
    return {"award": code, "year": year, "decided": date(year, 11, 20), "decision_no": f"{code}/QĐ", "form": form,
            "subject": subject, "name": f"Tên {code}", "unit": unit, "level": "Cấp trên cơ sở"}


@pytest.fixture()
def store() -> MemoryStore:
    s = MemoryStore(F.province())
    append(s, "DangKy", [
        # C1 registered two titles: one met (typed without diacritics, other case, extra spaces), one not
        {"year": 2025, "unit": "C1", "registered": date(2025, 1, 20),
         "titles": "cong doan co so  VUNG MANH, Giấy khen của LĐLĐ huyện", "people": 40},
        # C3 registered, then its registration was voided: it counts as not registered
        {"year": 2025, "unit": "C3", "registered": date(2025, 2, 1), "titles": "Công đoàn cơ sở vững mạnh"},
        # C6: registered for another year only
        {"year": 2024, "unit": "C6", "registered": date(2024, 2, 1), "titles": "Công đoàn cơ sở vững mạnh"},
    ], "admin@x.vn")
    append(s, "DangKy", [{"year": 2025, "unit": "C3", "registered": date(2025, 2, 1), "void": True}], "admin@x.vn")
    append(s, "KhenThuong", [
        award("R1", "C1", "Công đoàn cơ sở vững mạnh"),  # meets C1's first title
        award("R2", "C3", "Giấy khen của LĐLĐ huyện"),  # another unit: does not meet C1's second
        award("R3", "C1", "Giấy khen của LĐLĐ huyện", year=2024),  # another year
        award("R4", "C1", "Giấy khen của LĐLĐ huyện", subject="Cá nhân"),  # a person, not the unit
    ], "admin@x.vn")
    return s


def test_who_registered_and_titles_against_awards(store: MemoryStore) -> None:
    reg = R.compute(load(store), 2025, "H1")
    by_unit = reg.units.set_index(R.C_CODE)
    assert set(by_unit.index) == {"H1", "C1", "C3", "C6"}  # H1 and its subtree; C2 is dissolved
    assert by_unit.at["C1", R.C_STATUS] == R.REGISTERED
    assert by_unit.at["C1", R.C_DATE].date() == date(2025, 1, 20) and by_unit.at["C1", R.C_PEOPLE] == 40
    assert by_unit.at["C3", R.C_STATUS] == R.NOT_REGISTERED  # voided
    assert by_unit.at["C6", R.C_STATUS] == R.NOT_REGISTERED  # 2024 only
    assert (reg.registered, reg.in_scope) == (1, 4)
    assert list(reg.units[R.C_STATUS])[:3] == [R.NOT_REGISTERED] * 3  # the unregistered first
    titles = reg.titles.set_index(R.C_TITLE)
    assert titles.at["cong doan co so  VUNG MANH", R.C_MET] == "Đạt"
    assert titles.at["cong doan co so  VUNG MANH", R.C_DECISION] == "R1/QĐ ngày 20/11/2025"
    assert titles.at["Giấy khen của LĐLĐ huyện", R.C_MET] == "Chưa đạt"
    assert (reg.titles_registered, reg.titles_met) == (2, 1)


def test_out_of_scope_and_read_only_writers_are_refused_and_write_nothing(store: MemoryStore) -> None:
    before = len(load(store).versions["DangKy"])
    for actor, unit in (("h1@x.vn", "C4"), ("leader@x.vn", "C1"), ("h1@x.vn", "H4")):
        with pytest.raises(PermissionDenied):
            append(store, "DangKy", [{"year": 2025, "unit": unit, "registered": date(2025, 3, 1)}], actor)
    assert len(load(store).versions["DangKy"]) == before
    append(store, "DangKy", [{"year": 2025, "unit": "C6", "registered": date(2025, 3, 1)}], "h1@x.vn")
    assert len(load(store).versions["DangKy"]) == before + 1


def test_an_officer_registers_once_and_sees_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock.set_now(None)
    path = tmp_path / "demo.sqlite"
    copy_store(open_source("demo"), SqliteStore(path))
    monkeypatch.setenv("TDKT_SOURCE", f"sqlite:{path}")
    at = AppTest.from_file("../app.py", default_timeout=180)
    at.session_state["actor"] = "canbo.babe@demo.tdkt.vn"
    at.run()
    at.switch_page("views/dang_ky.py").run()
    assert not at.exception, at.exception
    year = int(at.selectbox(key="year").value)
    ds = load(SqliteStore(path))
    registered = set(R.current(ds, year)["unit"])
    unit = next(u for u in at.selectbox(key=f"f_dk_{year}_unit").options if u.split(" — ")[0] not in registered)
    code = unit.split(" — ")[0]
    at.selectbox(key=f"f_dk_{year}_unit").select(code).run()
    at.multiselect(key=f"f_dk_{year}_titles").select("Công đoàn cơ sở vững mạnh").run()
    at.button(key=f"dk_{year}_submit").click().run()
    assert not at.exception, at.exception
    shown = " ".join(str(s.value) for s in at.success)
    assert f"Đã lưu đăng ký thi đua năm {year} của {ds.tree.name(code)}" in shown
    assert not [b for b in at.button if b.label == "Lưu đăng ký"]  # the saved view: no second write
    after = load(SqliteStore(path)).versions["DangKy"]
    assert int(((after["unit"] == code) & (after["year"] == year)).sum()) == 1
    table = at.dataframe[0].value.set_index(R.C_CODE)
    assert table.at[code, R.C_STATUS] == R.REGISTERED
