"""NhacViec (SPEC 8): who may remind whom, checked at the write door; the read-time rule."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sheets import clock
from sheets import schema as S
from sheets.errors import PermissionDenied
from sheets.load import load
from sheets.stores.memory import MemoryStore
from sheets.write import append
from tests import fixtures as F

DESK = "desk@x.vn"


@pytest.fixture(autouse=True)
def _today() -> Any:
    clock.set_now("2025-12-31T10:00:00")
    yield
    clock.set_now(None)


@pytest.fixture()
def store() -> MemoryStore:
    sheets = F.province()
    users = [*F.USERS, dict(email=DESK, name="Bàn thi đua", role=S.ROLE_DESK, unit="BK")]
    sheets["registry"]["NguoiDung"] = F.grid(S.NGUOI_DUNG, users)
    return MemoryStore(sheets)


def row(sender: str, unit: str, topic: str = S.TOPIC_PLAN, code: str = "NV1", **kw: Any) -> dict[str, Any]:
    return {"reminder": code, "sender": sender, "unit": unit, "year": 2025, "topic": topic, "channel": "Email",
            "to": "a@b.vn", "date": date(2025, 12, 30), "body": "Kính gửi …", **kw}


def sizes(store: MemoryStore) -> dict[tuple[str, str], int]:
    return {(s, t): len(g) for s, tabs in store.sheets.items() for t, g in tabs.items()}


def reminders(store: MemoryStore) -> list[tuple[str, str, str]]:
    f = load(store).frames["NhacViec"]
    return sorted(zip(f["sender"], f["unit"], f["topic"], strict=True))


# --- allowed ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("actor", "sender", "unit", "topic"),
    [
        ("h1@x.vn", "H1", "C1", S.TOPIC_PLAN),  # an officer, a grassroots union of its district
        ("h1@x.vn", "H1", "C6", S.TOPIC_REPORT),
        ("train@x.vn", "H1", "C3", S.TOPIC_TRAINING),  # a coordinator, about training, its subtree
        (DESK, "BK", "H4", S.TOPIC_PLAN),  # the desk: any unit
        (DESK, "BK", "C1", S.TOPIC_DOSSIER),
        ("admin@x.vn", "BK", "C5", S.TOPIC_OFFICER),  # an administrator: any unit
        ("admin@x.vn", "H1", "C1", S.TOPIC_PLAN),  # ... and may record for another sender
    ],
)
def test_allowed(store: MemoryStore, actor: str, sender: str, unit: str, topic: str) -> None:
    res = append(store, "NhacViec", [row(sender, unit, topic)], actor)
    assert res.rows == 1
    assert reminders(store) == [(sender, unit, topic)]
    # the record concerns the sender: it goes to the sender's home spreadsheet
    assert res.sheets == {load(store).home_sheet(sender): 1}


# --- refused, nothing written -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("actor", "sender", "unit", "topic", "message"),
    [
        ("leader@x.vn", "BK", "C1", S.TOPIC_PLAN, "không được ghi vào trang NhacViec"),  # leaders read only
        ("h1@x.vn", "H1", "C4", S.TOPIC_PLAN, "không trực thuộc"),  # C4 sits under the province
        ("h1@x.vn", "H1", "H4", S.TOPIC_PLAN, "không trực thuộc"),  # another upper-level union
        ("h1@x.vn", "BK", "C4", S.TOPIC_PLAN, "Đơn vị nhắc phải là"),  # posing as the province
        ("train@x.vn", "H1", "C1", S.TOPIC_PLAN, "chỉ được nhắc việc về «Tập huấn»"),
        ("train@x.vn", "H1", "C4", S.TOPIC_TRAINING, "không trực thuộc"),
        (DESK, "H1", "C1", S.TOPIC_PLAN, "Đơn vị nhắc phải là"),
        ("admin@x.vn", "H1", "C4", S.TOPIC_PLAN, "không trực thuộc"),  # still under the sender
        ("nobody@x.vn", "H1", "C1", S.TOPIC_PLAN, "chưa được cấp quyền"),
    ],
)
def test_refused(store: MemoryStore, actor: str, sender: str, unit: str, topic: str, message: str) -> None:
    before = sizes(store)
    with pytest.raises(PermissionDenied, match=message):
        append(store, "NhacViec", [row(sender, unit, topic)], actor)
    assert sizes(store) == before


def test_one_bad_row_refuses_the_whole_write(store: MemoryStore) -> None:
    before = sizes(store)
    with pytest.raises(PermissionDenied):
        append(store, "NhacViec", [row("H1", "C1", code="NV1"), row("H1", "C4", code="NV2")], "h1@x.vn")
    assert sizes(store) == before


def test_retried_write_is_not_doubled(store: MemoryStore) -> None:
    first = append(store, "NhacViec", [row("H1", "C1")], "h1@x.vn", write_id="WREM1")
    again = append(store, "NhacViec", [row("H1", "C1")], "h1@x.vn", write_id="WREM1")
    assert again.already and not first.already
    v = load(store).versions["NhacViec"]
    assert len(v) == 1


def test_trainer_may_not_write_other_tabs_but_reminders(store: MemoryStore) -> None:
    with pytest.raises(PermissionDenied):
        append(store, "KeHoach", [{"year": 2025, "unit": "C1", "has_plan": True, "launched": True}], "train@x.vn")
    append(store, "NhacViec", [row("H1", "C1", S.TOPIC_TRAINING)], "train@x.vn")
    assert reminders(store) == [("H1", "C1", S.TOPIC_TRAINING)]


# --- reading ---------------------------------------------------------------------------------------

def test_read_rules(store: MemoryStore) -> None:
    rows = [
        row("H1", "C1", code="R1"),  # fine
        row("H1", "C4", code="R2"),  # C4 is not under H1: an error, left out
        row("H1", "ZZ", code="R3"),  # unknown unit: an error
        row("BK", "C3", code="R4"),  # the province's reminder typed in H1's sheet: out of that sheet's scope
        row("H1", "C6", code="R5", topic="ke hoach", channel="zalo"),  # enumerations matched leniently
    ]
    store.sheets["H1"]["NhacViec"] = F.grid(S.NHAC_VIEC, rows)
    ds = load(store)
    f = ds.frames["NhacViec"]
    assert sorted(f["reminder"]) == ["R1", "R5"]
    assert f.set_index("reminder").at["R5", "topic"] == S.TOPIC_PLAN
    assert f.set_index("reminder").at["R5", "channel"] == "Zalo"
    nv = [p for p in ds.problems if p.tab == "NhacViec" and p.severity == "error"]
    assert sorted(p.value for p in nv) == ["BK", "C4", "ZZ"]
    assert any("không trực thuộc đơn vị nhắc" in p.message for p in nv)


def test_donvi_contacts_are_read(store: MemoryStore) -> None:
    units = [dict(u) for u in F.UNITS]
    units[5] = {**units[5], "email": "CDCS1@Example.VN", "phone": "0209 3870 123"}
    units[6] = {**units[6], "email": "not an address"}
    store.sheets["registry"]["DonVi"] = F.grid(S.DON_VI, units)
    ds = load(store)
    u = ds.frames["DonVi"].set_index("unit")
    assert u.at["C1", "email"] == "cdcs1@example.vn" and u.at["C1", "phone"] == "0209 3870 123"
    assert u.at["C2", "email"] is None
    assert any(p.tab == "DonVi" and p.column == "Email" and p.severity == "warning" for p in ds.problems)
