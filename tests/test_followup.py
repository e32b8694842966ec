"""The follow-up lists of SPEC 8 on the small province of tests/fixtures.py (year 2025)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest

from indicators import followup as FU
from sheets import clock
from sheets import schema as S
from sheets.load import load
from sheets.stores.memory import MemoryStore
from sheets.write import append
from tests import fixtures as F

A = date(2025, 12, 31)


@pytest.fixture(autouse=True)
def _today() -> Any:
    clock.set_now("2025-12-31T10:00:00")
    yield
    clock.set_now(None)


@pytest.fixture()
def store() -> MemoryStore:
    sheets = F.province()
    units = [dict(u) for u in F.UNITS]
    units[5] = {**units[5], "email": "c1@cd.vn", "phone": "0209 111"}  # C1
    sheets["registry"]["DonVi"] = F.grid(S.DON_VI, units)
    officers = [dict(o) for o in F.OFFICERS_H1]
    officers[0] = {**officers[0], "email": "cb1@cd.vn"}  # CB1 of C1, active
    officers[2] = {**officers[2], "email": "cb3@cd.vn"}  # CB3 of C3, left in June: not a contact
    sheets["H1"]["CanBo"] = F.grid(S.CAN_BO, officers)
    return MemoryStore(sheets)


def remind(store: MemoryStore, unit: str, topic: str, day: date, code: str, *, year: int = 2025,
           sender: str = "H1") -> None:
    append(store, "NhacViec", [{"reminder": code, "sender": sender, "unit": unit, "year": year, "topic": topic,
                                "channel": "Zalo", "date": day}], "admin@x.vn")


def statuses(fl: FU.FollowList) -> dict[str, str]:
    return dict(zip(fl.units["Mã đơn vị"], fl.units["Tình trạng"], strict=True))


def test_every_topic_lists_the_units_concerned_and_only_those(store: MemoryStore) -> None:
    lists = FU.follow_up(load(store), 2025, A)
    # T1B: C1 (plan voided), C5 (a 2024 plan only), C6 (none); C3 and C4 count; C2 is dissolved
    assert set(lists[S.TOPIC_PLAN].units["Mã đơn vị"]) == {"C1", "C5", "C6"}
    assert set(lists[S.TOPIC_PLAN].units["Còn thiếu"]) == {
        "chưa ban hành kế hoạch thi đua năm 2025 và chưa phát động thi đua"}
    # T4: C1 (CB7 attended a voided course only), C3 (CB2 re-marked absent), C5 (trained in 2024 only)
    training = lists[S.TOPIC_TRAINING].units.set_index("Mã đơn vị")
    assert set(training.index) == {"C1", "C3", "C5"}
    assert "Cán bộ Bảy" in training.at["C1", "Còn thiếu"] and "Cán bộ Một" not in training.at["C1", "Còn thiếu"]
    assert set(lists[S.TOPIC_OFFICER].units["Mã đơn vị"]) == {"C6"}  # O1
    reports = lists[S.TOPIC_REPORT]
    assert reports.lacks["C3"][0].deadline == date(2025, 6, 15)  # the default 6-month deadline
    # only reports not sent: a late one cannot be fixed by a reminder
    assert all("chưa gửi" in t for t in reports.units["Còn thiếu"])
    assert lists[S.TOPIC_DOSSIER].units.empty
    for fl in lists.values():
        assert set(fl.units["Tình trạng"]) <= {FU.STATUS_NEW}


def test_scope_keeps_only_its_subtree(store: MemoryStore) -> None:
    lists = FU.follow_up(load(store), 2025, A, "H1")
    assert set(lists[S.TOPIC_PLAN].units["Mã đơn vị"]) == {"C1", "C6"}  # C5 sits under H3


def test_contacts_are_the_unit_and_its_active_officers(store: MemoryStore) -> None:
    ds = load(store)
    fl = FU.follow_up(ds, 2025, A)[S.TOPIC_TRAINING].units.set_index("Mã đơn vị")
    assert fl.at["C1", "Email"] == "c1@cd.vn" and fl.at["C1", "Điện thoại"] == "0209 111"
    assert fl.at["C1", "Email cán bộ"] == "cb1@cd.vn"
    assert fl.at["C3", "Email cán bộ"] is None  # CB3 left before E
    assert FU.recipients(ds, "C1", A) == ["c1@cd.vn", "cb1@cd.vn"]
    assert FU.recipients(ds, "C3", A) == []


def test_last_reminder_and_acted_since(store: MemoryStore) -> None:
    remind(store, "C1", S.TOPIC_PLAN, date(2025, 11, 1), "R1")
    remind(store, "C1", S.TOPIC_PLAN, date(2025, 12, 1), "R2")  # the last one
    remind(store, "C6", S.TOPIC_PLAN, date(2025, 12, 2), "R3")
    remind(store, "C5", S.TOPIC_REPORT, date(2025, 12, 2), "R4", sender="BK")  # another topic
    remind(store, "C5", S.TOPIC_PLAN, date(2024, 12, 2), "R5", year=2024, sender="BK")  # another year
    # C6 then makes its plan: it has acted since
    append(store, "KeHoach", [{"year": 2025, "unit": "C6", "has_plan": True, "launched": True}], "h1@x.vn")
    lists = FU.follow_up(load(store), 2025, A)
    plan = lists[S.TOPIC_PLAN]
    assert statuses(plan) == {"C1": FU.STATUS_WAITING, "C5": FU.STATUS_NEW, "C6": FU.STATUS_ACTED}
    u = plan.units.set_index("Mã đơn vị")
    assert u.at["C1", "Nhắc lần cuối"] == pd.Timestamp("2025-12-01") and u.at["C1", "Số lần nhắc"] == 2
    assert u.at["C6", "Còn thiếu"] == "" and u.at["C6", "Kênh"] == "Zalo"
    assert pd.isna(u.at["C5", "Nhắc lần cuối"])
    assert set(plan.pending["Mã đơn vị"]) == {"C1", "C5"}
    assert statuses(lists[S.TOPIC_REPORT])["C5"] == FU.STATUS_WAITING


def test_a_reminder_after_the_as_of_date_is_not_yet_sent(store: MemoryStore) -> None:
    remind(store, "C1", S.TOPIC_PLAN, date(2025, 12, 20), "R1")
    lists = FU.follow_up(load(store), 2025, date(2025, 12, 10))
    assert statuses(lists[S.TOPIC_PLAN])["C1"] == FU.STATUS_NEW


def test_log(store: MemoryStore) -> None:
    remind(store, "C1", S.TOPIC_PLAN, date(2025, 11, 1), "R1")
    remind(store, "C6", S.TOPIC_OFFICER, date(2025, 12, 1), "R2")
    log = FU.reminder_log(load(store), 2025, A, "H1")
    assert list(log["Mã nhắc"]) == ["R2", "R1"]  # newest first
    assert list(log["Người gửi"]) == ["admin@x.vn", "admin@x.vn"]
    assert list(log["Đơn vị được nhắc"]) == ["CĐCS Sáu", "CĐCS Một"]
