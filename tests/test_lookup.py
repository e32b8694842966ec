"""Tra cứu: a name typed with or without diacritics, in any case, finds a person or collective;
namesakes in different units stay apart; every kind of fact is counted (on the honour board's
fixture province, with one person given facts of all four kinds)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from indicators import lookup as L
from sheets import clock
from sheets import schema as S
from sheets.copy import copy_store
from sheets.load import Dataset, load
from sheets.stores.memory import MemoryStore
from sheets.stores.sqlite import SqliteStore
from tests import test_board as TB
from tests.fixtures import grid

AN = "Nguyễn Văn An"
EXTRA_AWARDS = [
    # two awards of An in C1 (2024, 2025)
    dict(award="L1", year=2025, decided=date(2025, 4, 1), form="Giấy khen", subject="Cá nhân", name=AN, unit="C1",
         decision_no="5/QĐ-LĐLĐH"),
    dict(award="L2", year=2024, decided=date(2024, 4, 1), form="Giấy khen", subject="Cá nhân", name="nguyen van an",
         unit="C1"),  # typed without diacritics: the same person
    # a namesake in C2: another person
    dict(award="L3", year=2025, decided=date(2025, 4, 1), form="Giấy khen", subject="Cá nhân", name=AN, unit="C2"),
    # "Anh" is not "An"
    dict(award="L4", year=2025, decided=date(2025, 4, 1), form="Giấy khen", subject="Cá nhân", name="Nguyễn Văn Anh",
         unit="C1"),
]
EXTRA_OFFICERS = [dict(officer="CB2", name=AN, unit="C1")]
EXTRA_COURSES = [dict(course="K2", name="Bồi dưỡng nghiệp vụ", unit="BK", start=date(2025, 9, 1))]
EXTRA_ATTENDANCE = [dict(course="K1", officer="CB2", present="Có"), dict(course="K2", officer="CB2", present="Không")]
EXTRA_EXEMPLARS = [dict(exemplar="E9", year=2025, name=AN, kind="Cá nhân", unit="C1")]
NOMINATION = dict(subject="Cá nhân", name=AN, unit="C1", group=S.GROUP_WORKER, form="Bằng khen của LĐLĐ tỉnh")


@pytest.fixture(scope="module")
def store() -> MemoryStore:
    sheets = TB._sheets()
    reg = sheets["registry"]
    reg["KhenThuong"] = grid(S.KHEN_THUONG, TB.AWARDS + EXTRA_AWARDS)
    reg["CanBo"] = grid(S.CAN_BO, TB.OFFICERS + EXTRA_OFFICERS)
    reg["KhoaHoc"] = grid(S.KHOA_HOC, TB.COURSES + EXTRA_COURSES)
    reg["DiemDanh"] = grid(S.DIEM_DANH, TB.ATTENDANCE + EXTRA_ATTENDANCE)
    reg["DienHinh"] = grid(S.DIEN_HINH, TB.EXEMPLARS + EXTRA_EXEMPLARS)
    clock.set_now(TB.NOW)
    try:
        st_ = MemoryStore(sheets)
        TB._walk(st_, "HS2025-H1-1", S.DOSSIER_RECEIVED, [NOMINATION])  # result recorded: Đồng ý
    finally:
        clock.set_now(None)
    return st_


@pytest.fixture(scope="module")
def ds(store: MemoryStore) -> Dataset:
    return load(store)


def _an(ds: Dataset, text: str) -> list[Any]:
    return [p for p in L.search(ds, text).people if p.unit == "C1" and p.name.casefold() == AN.casefold()]


@pytest.mark.parametrize("text", ["nguyen van an", "NGUYỄN VĂN AN", "  Nguyen   Van  An ", "van an"])
def test_without_diacritics_and_in_any_case(ds: Dataset, text: str) -> None:
    found = L.search(ds, text)
    assert found.exact
    assert sorted((p.name, p.unit) for p in found.people) == [(AN, "C1"), (AN, "C2")]  # never "Nguyễn Văn Anh"


def test_namesakes_apart_and_every_kind_counted(ds: Dataset) -> None:
    (an,) = _an(ds, "nguyen van an")
    assert an.unit_name == "CĐCS Một" and an.officer
    assert an.counts == {"awards": 2, "nominations": 1, "exemplars": 1, "training": 2}
    assert list(an.awards["Năm"]) == [2025, 2024]
    nom = an.nominations.iloc[0]
    assert (nom["Mã hồ sơ"], nom["Trạng thái hồ sơ"], nom["Kết quả"]) == (
        "HS2025-H1-1", S.DOSSIER_RECEIVED, S.RESULT_AGREED)
    assert sorted(an.training["Có mặt"]) == ["Có mặt", "Vắng"]
    assert L.summary_line(an) == "2 khen thưởng · 1 lần được đề nghị · 1 điển hình · 1 khóa tập huấn đã dự"
    other = next(p for p in L.search(ds, "nguyen van an").people if p.unit == "C2")
    assert other.counts == {"awards": 1, "nominations": 0, "exemplars": 0, "training": 0} and not other.officer


def test_scope_partial_words_and_nothing(ds: Dataset) -> None:
    assert [p.unit for p in L.search(ds, "nguyen van an", scope="C2").people] == ["C2"]
    partial = L.search(ds, "nguyen va")
    assert not partial.exact and {p.name for p in partial.people} >= {AN, "Nguyễn Văn Anh"}
    assert L.search(ds, "xqzw khong co").people == ()
    assert L.search(ds, "   ").people == ()


@pytest.fixture()
def source(store: MemoryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "lookup.sqlite"
    copy_store(store, SqliteStore(path))
    monkeypatch.setenv("TDKT_SOURCE", f"sqlite:{path}")
    return path


def test_the_page_finds_and_says_when_nothing(source: Path) -> None:
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.session_state["actor"] = "leader@x.vn"
    at.run()
    at.switch_page("views/tra_cuu.py")
    at.run()
    assert not at.exception, at.exception
    at.text_input(key="tc_text").input("nguyen van an").run()
    assert not at.exception, at.exception
    marks = [m.value for m in at.markdown]
    assert marks.count(f"#### {AN}") == 2
    assert "**Khen thưởng** (2)" in marks and "**Được đề nghị khen thưởng (hồ sơ)** (1)" in marks
    assert any("Tập huấn" in m for m in marks)
    assert len(at.dataframe) == 4 + 1  # An in C1: four tables; the namesake: one
    at.text_input(key="tc_text").input("xqzw").run()
    assert any("Không tìm thấy" in i.value for i in at.info)


def test_the_page_needs_a_role(source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = AppTest.from_file("../views/tra_cuu.py", default_timeout=120)
    at.session_state["actor"] = "nobody@x.vn"
    at.run()
    assert "Bạn không có quyền xem trang này." in [e.value for e in at.error]
