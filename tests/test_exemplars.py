"""Exemplars: the pure computations on a commented fixture, and AppTests of Điển hình (adding
an exemplar through the form) and Báo cáo (recording a report sent, retrying a failed write)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicators import exemplars as EX
from reports import build as B
from sheets import schema as S
from sheets.errors import PermissionDenied
from sheets.load import Dataset, load
from sheets.stores.memory import MemoryStore
from sheets.stores.sqlite import SqliteStore
from sheets.write import append
from tests import fixtures as F

TODAY = date(2026, 11, 25)
ADMIN = "quantri@demo.tdkt.vn"
LEADER = "lanhdao@demo.tdkt.vn"
OFFICER = "canbo.babe@demo.tdkt.vn"
WORKER = S.GROUP_WORKER

EXEMPLARS = [
    # E1: a direct worker, two channels, replicated -> counts everywhere
    dict(exemplar="E1", year=2025, name="Nguyễn Văn Thợ", kind="Cá nhân", unit="C1", group=WORKER,
         channels="Website LĐLĐ tỉnh, Zalo", replicated="Có", movement="P1"),
    # E2: a manager, not publicised -> in the individuals' denominator only
    dict(exemplar="E2", year=2025, name="Trần Quản Lý", kind="Cá nhân", unit="C4", group="Lãnh đạo, quản lý"),
    # E3: a collective, no group -> in "all exemplars", not among individuals
    dict(exemplar="E3", year=2025, name="Tổ công đoàn Một", kind="Tập thể", unit="H1", channels="Báo Bắc Kạn"),
    # E4: another year, typed loosely ("zalo; facebook") -> 2024 only
    dict(exemplar="E4", year=2024, name="Mô hình «Bữa cơm công đoàn»", kind="Mô hình, cách làm hay", unit="C3",
         channels="zalo; facebook", replicated="x", movement="P3"),
    # E5: voided -> nowhere
    dict(exemplar="E5", year=2025, name="Đã hủy", kind="Cá nhân", unit="C1", group=WORKER, void="Có"),
    # E6: a direct worker publicised on "Khác"
    dict(exemplar="E6", year=2025, name="Lò Thị Công", kind="Cá nhân", unit="C3", group=WORKER, channels="Khác"),
]


@pytest.fixture(scope="module")
def ds() -> Dataset:
    sheets = F.province()
    sheets["registry"]["DienHinh"] = F.grid(S.DIEN_HINH, EXEMPLARS)
    return load(MemoryStore(sheets))


def codes(frame: Any) -> list[str]:
    return sorted(frame["exemplar"])


def test_select_filters_by_year_unit_movement_group(ds: Dataset) -> None:
    assert codes(EX.select(ds)) == ["E1", "E2", "E3", "E4", "E6"]  # E5 voided
    assert codes(EX.select(ds, year=2025)) == ["E1", "E2", "E3", "E6"]
    assert codes(EX.select(ds, year=2025, scope="H1")) == ["E1", "E3", "E6"]  # C1, H1, C3 are in H1's subtree
    assert codes(EX.select(ds, movement="P3")) == ["E4"]
    assert codes(EX.select(ds, group=WORKER)) == ["E1", "E6"]
    assert codes(EX.select(ds, group=EX.NO_GROUP)) == ["E3", "E4"]
    assert codes(EX.select(ds, kinds=["Tập thể"])) == ["E3"]


def test_channel_coverage_shares_and_replication(ds: Dataset) -> None:
    f = EX.select(ds, year=2025)
    cov = EX.channel_coverage(f)
    assert list(cov["Kênh"]) == list(S.CHANNELS)
    assert dict(zip(cov["Kênh"], cov["Số điển hình"], strict=True)) == {
        "Website LĐLĐ tỉnh": 1, "Báo Bắc Kạn": 1, "Đài PT-TH": 0, "Facebook": 0, "Zalo": 1, "Khác": 1}
    assert cov["Tỉ lệ (%)"].tolist() == [25.0, 25.0, 0.0, 0.0, 25.0, 25.0]  # of the 4 exemplars of 2025
    assert EX.publicised(f) == EX.Share(3, 4)  # E2 has no channel
    assert EX.direct_worker_share(f) == EX.Share(2, 3)  # E1, E6 of the individuals E1, E2, E6
    assert EX.direct_worker_share(f, individuals_only=False) == EX.Share(2, 4)
    assert EX.replicated(f) == EX.Share(1, 4)
    older = EX.channel_coverage(EX.select(ds, year=2024))  # "zalo; facebook" parsed leniently
    assert dict(zip(older["Kênh"], older["Số điển hình"], strict=True))["Facebook"] == 1
    s = EX.summarise(f)
    assert s.total == 4 and dict(zip(s.by_kind["Loại"], s.by_kind["Số lượng"], strict=True)) == {
        "Cá nhân": 3, "Tập thể": 1, "Mô hình, cách làm hay": 0}
    assert EX.Share(0, 0).percent is None and EX.Share(1, 4).percent == 25.0
    empty = EX.summarise(EX.select(ds, year=2019))
    assert empty.total == 0 and empty.direct_workers.percent is None
    assert empty.channels["Tỉ lệ (%)"].isna().all()


def test_table_and_next_code(ds: Dataset) -> None:
    t = EX.table(ds, EX.select(ds, year=2025, group=WORKER))
    assert list(t["Tên"]) == ["Nguyễn Văn Thợ", "Lò Thị Công"]
    assert list(t["Đơn vị"]) == ["CĐCS Một", "CĐCS Ba"]
    assert t["Phong trào"].iloc[0] == "Lao động giỏi, lao động sáng tạo" and pd.isna(t["Phong trào"].iloc[1])
    assert list(t["Đã nhân rộng"]) == [True, False]
    assert EX.next_code(ds, 2025, "C1") == "DH2025-C1-01"


def test_leader_is_refused_by_the_door(ds: Dataset) -> None:
    store = MemoryStore(F.province())
    with pytest.raises(PermissionDenied):
        append(store, "DienHinh", [{"Mã": "X1", "Năm": 2025, "Tên": "A", "Mã đơn vị": "C1"}], "leader@x.vn")


# --- AppTests on a per-test copy of the demo ------------------------------------------------------


@pytest.fixture()
def src(demo_copy: Path) -> Path:
    return demo_copy


def open_page(actor: str, page: str) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.session_state["actor"] = actor
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)


def test_dien_hinh_adds_an_exemplar_through_the_form(src: Path) -> None:
    at = open_page(ADMIN, "views/dien_hinh.py")
    before = int(metric(at, "Số điển hình"))
    replicated = metric(at, "Đã nhân rộng")
    at.text_input(key="f_dh_add_name").input("Hoàng Văn Mẫu")
    at.selectbox(key="f_dh_add_unit").select("BABE")
    at.selectbox(key="f_dh_add_group").select(WORKER)
    at.multiselect(key="f_dh_add_channels").select("Zalo").select("Đài PT-TH")
    at.checkbox(key="f_dh_add_replicated").check()
    at.button(key="btn_f_dh_add_submit").click()
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert int(metric(at, "Số điển hình")) == before + 1
    assert metric(at, "Đã nhân rộng") != replicated
    assert any("Hoàng Văn Mẫu" in s.value for s in at.success)
    rec = load(SqliteStore(src)).frames["DienHinh"]
    rec = rec[rec["name"] == "Hoàng Văn Mẫu"]
    assert len(rec) == 1
    r = rec.iloc[0]
    assert (r["exemplar"], r["year"], r["unit"], r["group"]) == (f"DH{TODAY.year}-BABE-01", TODAY.year, "BABE", WORKER)
    assert r["channels"] == "Đài PT-TH, Zalo" or r["channels"] == "Zalo, Đài PT-TH"
    assert bool(r["replicated"]) and r["author"] == ADMIN


def test_dien_hinh_is_read_only_for_leaders(src: Path) -> None:
    at = open_page(LEADER, "views/dien_hinh.py")
    assert not [b for b in at.button if b.key and str(b.key).startswith("btn_f_dh_")]
    assert any("chỉ được xem" in c.value for c in at.caption)


def first_missing(path: Path) -> str:
    """A grassroots union in BABE's subtree that has not sent its 6-month report of this year."""
    frame = B.submissions(load(SqliteStore(path)), TODAY.year, S.PERIOD_HALF, TODAY, "BABE")
    return str(frame.loc[(frame["Tình trạng"] == B.NOT_SENT) & (frame["Cấp"] == S.LEVEL_GRASSROOTS),
                         "Mã đơn vị"].iloc[0])


def status_of(path: Path, unit: str) -> str:
    frame = B.submissions(load(SqliteStore(path)), TODAY.year, S.PERIOD_HALF, TODAY, "BABE")
    return str(frame.loc[frame["Mã đơn vị"] == unit, "Tình trạng"].iloc[0])


def bao_cao(actor: str) -> AppTest:
    at = open_page(actor, "views/bao_cao.py")
    at.selectbox(key="bc_unit").select("BABE")
    at.selectbox(key="bc_year").select(TODAY.year)
    at.selectbox(key="bc_period").select(S.PERIOD_HALF)
    at.run()
    assert not at.exception, at.exception
    return at


def o3(at: AppTest) -> str:
    return next(str(m.delta) for m in at.metric if m.label.startswith("O3"))


def test_bao_cao_records_a_submission_and_o3_changes(src: Path) -> None:
    unit = first_missing(src)
    at = bao_cao(OFFICER)
    not_sent, on_time, o3_before = int(metric(at, "Chưa gửi")), int(metric(at, "Đúng hạn")), o3(at)
    assert any(unit in c.value for c in at.code)  # in the reminder list
    at.selectbox(key="f_bc_unit").select(unit)
    at.date_input(key="f_bc_sent").set_value(date(TODAY.year, 6, 10))
    at.text_input(key="f_bc_doc").input("15/BC-CĐCS")
    at.button(key="bc_submit").click()
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert int(metric(at, "Chưa gửi")) == not_sent - 1
    assert int(metric(at, "Đúng hạn")) == on_time + 1
    assert o3(at) != o3_before
    assert not any(unit in c.value for c in at.code)
    assert status_of(src, unit) == B.ON_TIME
    bc = load(SqliteStore(src)).frames["BaoCao"]
    row = bc[(bc["unit"] == unit) & (bc["year"] == TODAY.year) & (bc["period"] == S.PERIOD_HALF)].iloc[0]
    assert row["doc_no"] == "15/BC-CĐCS" and row["author"] == OFFICER


def test_bao_cao_failed_write_keeps_input_and_retry_is_not_doubled(src: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    unit = first_missing(src)
    at = bao_cao(ADMIN)
    real_append, real_has = SqliteStore.append_once, SqliteStore.has_write_id

    landed: list[bool] = []

    def append_then_fail(self: SqliteStore, *args: Any) -> bool:
        real_append(self, *args)  # the row lands…
        landed.append(True)
        raise OSError("mất kết nối")  # …but the answer is lost

    def unclear(self: SqliteStore, *args: Any) -> bool:
        if landed:  # and asking whether it landed fails too
            raise OSError("mất kết nối")
        return real_has(self, *args)

    monkeypatch.setattr(SqliteStore, "append_once", append_then_fail)
    monkeypatch.setattr(SqliteStore, "has_write_id", unclear)
    at.selectbox(key="f_bc_unit").select(unit)
    at.date_input(key="f_bc_sent").set_value(date(TODAY.year, 6, 20))
    at.text_input(key="f_bc_doc").input("7/BC-CĐCS")
    at.button(key="bc_submit").click()
    at.run()
    assert not at.exception, at.exception
    assert landed and any("Chưa ghi được" in e.value and "thử lại" in e.value for e in at.error), [
        e.value for e in at.error]  # a Vietnamese message and a retry
    assert at.text_input(key="f_bc_doc").value == "7/BC-CĐCS"  # the input is still there
    assert at.selectbox(key="f_bc_unit").value == unit

    monkeypatch.setattr(SqliteStore, "append_once", real_append)
    monkeypatch.setattr(SqliteStore, "has_write_id", real_has)
    at.button(key="bc_submit").click()  # retry: same rows, same write id
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("không ghi thêm" in s.value for s in at.success), [s.value for s in at.success]
    versions = load(SqliteStore(src)).versions["BaoCao"]
    mine = versions[(versions["unit"] == unit) & (versions["year"] == TODAY.year)
                    & (versions["period"] == S.PERIOD_HALF)]
    assert len(mine) == 1  # stored once
    assert status_of(src, unit) == B.LATE  # 20/06 is after the 15/06 deadline


def test_bao_cao_leader_sees_status_without_form(src: Path) -> None:
    at = bao_cao(LEADER)
    assert int(metric(at, "Chưa gửi")) > 0
    assert not [b for b in at.button if b.key == "bc_submit"]
    assert any("chỉ được xem" in c.value for c in at.caption)
