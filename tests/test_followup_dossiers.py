"""The dossiers of the commendation workflow (SPEC 7) in the follow-up lists (SPEC 8) and in
Tổng quan's «Cần đôn đốc», on the small province of tests/fixtures.py (year 2025, A = 31/12/2025).

Each dossier below says why it produces an item or not. A dossier is overdue when it has waited
(``Đã gửi``, ``Đã tiếp nhận``, ``Đã xét duyệt``) more than 30 days from ``Ngày gửi`` to A
(10 days for ``Đột xuất``); the receiving unit must act. A returned dossier not sent again is
the proposing unit's to act on.

  HS-R   C1  sent 03/11, returned 10/11                      -> C1: returned, not sent again
  HS-RS  C3  sent 02/10, returned 05/10, sent again 20/12    -> nothing (waiting 11 days: clock restarted)
  HS-O   C6  sent 15/11, not received (46 days)              -> H1 (receiver): overdue
  HS-U   C6  Đột xuất, sent 15/12 (16 days > 10)             -> H1: overdue
  HS-UF  C1  Đột xuất, sent 25/12 (6 days)                   -> nothing
  HS-F   C1  sent 10/12 (21 days)                            -> nothing
  HS-H   H1  sent 01/10, received by BK 03/10 (91 days)      -> BK (receiver): overdue
  HS-P   BK  the province's own, sent 01/09                  -> nothing (it waits at the Tổng Liên đoàn)
  HS-V   C3  returned 12/11, then voided                     -> nothing
  HS-Y   C1  of 2024, returned                               -> nothing in 2025
  HS-N   C6  draft                                           -> nothing
  HS-D   C4  decided (sent 01/11, decided 20/11)             -> nothing
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date

import pytest

from indicators import dashboard as D
from indicators import followup as FU
from indicators import pipeline as PL
from indicators.core import compute
from sheets import clock
from sheets import dossier as DS
from sheets import schema as S
from sheets.load import Dataset, load
from sheets.stores.memory import MemoryStore
from sheets.write import append
from tests import fixtures as F

A = date(2025, 12, 31)
ADMIN = "admin@x.vn"


def line(unit: str) -> dict[str, object]:
    return dict(subject="Cá nhân", name=f"Người của {unit}", unit=unit, group=S.GROUP_WORKER,
                form="Giấy khen")


def at(day: str) -> None:
    clock.set_now(f"{day}T09:00:00")


def dossier(store: MemoryStore, code: str, unit: str, *, year: int = 2025, urgent: bool = False,
            created: str = "2025-09-01") -> None:
    at(created)
    DS.create(store, ADMIN, unit=unit, year=year, code=code, type="Đột xuất" if urgent else None,
              summary=f"Đề nghị tặng Giấy khen năm {year}")
    DS.save_lines(store, ADMIN, code, [line(unit)])


def step(store: MemoryStore, code: str, status: str, day: str, **fields: object) -> None:
    at(day)
    DS.step(store, ADMIN, code, status, **fields)


@pytest.fixture(scope="module")
def built() -> Iterator[MemoryStore]:
    store = MemoryStore(F.province())
    dossier(store, "HS-R", "C1")
    step(store, "HS-R", S.DOSSIER_SENT, "2025-11-03", sent=date(2025, 11, 3))
    step(store, "HS-R", S.DOSSIER_RETURNED, "2025-11-10", return_reason="Thiếu tóm tắt thành tích")
    dossier(store, "HS-RS", "C3")
    step(store, "HS-RS", S.DOSSIER_SENT, "2025-10-02", sent=date(2025, 10, 2))
    step(store, "HS-RS", S.DOSSIER_RETURNED, "2025-10-05", return_reason="Thiếu chữ ký")
    step(store, "HS-RS", S.DOSSIER_SENT, "2025-12-20", sent=date(2025, 12, 20))
    dossier(store, "HS-O", "C6")
    step(store, "HS-O", S.DOSSIER_SENT, "2025-11-15", sent=date(2025, 11, 15))
    dossier(store, "HS-U", "C6", urgent=True)
    step(store, "HS-U", S.DOSSIER_SENT, "2025-12-15", sent=date(2025, 12, 15))
    dossier(store, "HS-UF", "C1", urgent=True)
    step(store, "HS-UF", S.DOSSIER_SENT, "2025-12-25", sent=date(2025, 12, 25))
    dossier(store, "HS-F", "C1")
    step(store, "HS-F", S.DOSSIER_SENT, "2025-12-10", sent=date(2025, 12, 10))
    dossier(store, "HS-H", "H1")
    step(store, "HS-H", S.DOSSIER_SENT, "2025-10-01", sent=date(2025, 10, 1))
    step(store, "HS-H", S.DOSSIER_RECEIVED, "2025-10-03", received=date(2025, 10, 3))
    dossier(store, "HS-P", "BK")
    step(store, "HS-P", S.DOSSIER_SENT, "2025-09-01", sent=date(2025, 9, 1))
    dossier(store, "HS-V", "C3")
    step(store, "HS-V", S.DOSSIER_SENT, "2025-11-01", sent=date(2025, 11, 1))
    step(store, "HS-V", S.DOSSIER_RETURNED, "2025-11-12", return_reason="Sai mẫu")
    at("2025-11-13")
    DS.void_dossier(store, ADMIN, "HS-V")
    dossier(store, "HS-Y", "C1", year=2024, created="2024-09-01")
    step(store, "HS-Y", S.DOSSIER_SENT, "2024-10-01", sent=date(2024, 10, 1))
    step(store, "HS-Y", S.DOSSIER_RETURNED, "2024-10-05", return_reason="Sai mẫu")
    dossier(store, "HS-N", "C6")
    dossier(store, "HS-D", "C4")
    step(store, "HS-D", S.DOSSIER_SENT, "2025-11-01", sent=date(2025, 11, 1))
    step(store, "HS-D", S.DOSSIER_RECEIVED, "2025-11-02", received=date(2025, 11, 2))
    at("2025-11-03")
    DS.record_results(store, ADMIN, "HS-D", {1: (S.RESULT_AGREED, 90.0)})
    step(store, "HS-D", S.DOSSIER_REVIEWED, "2025-11-10", reviewed=date(2025, 11, 10))
    at("2025-11-20")
    DS.record_decision(store, ADMIN, "HS-D", decision_no="9/QĐ-LĐLĐ", decided=date(2025, 11, 20),
                       level="LĐLĐ tỉnh", signer="Chủ tịch")
    clock.set_now(None)
    yield store


@pytest.fixture()
def ds(built: MemoryStore) -> Dataset:
    return load(built)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    clock.set_now("2025-12-31T10:00:00")
    yield
    clock.set_now(None)


def test_which_dossiers_produce_an_item(ds: Dataset) -> None:
    acts = PL.dossier_actions(ds, 2025, A)
    assert not ds.problems_frame()["tab"].isin(["HoSo", "HoSoDanhSach"]).any()  # every step was a permitted one
    got = dict(zip(acts["Mã hồ sơ"], acts["Mã đơn vị"], strict=True))
    assert got == {"HS-R": "C1", "HS-H": "BK", "HS-O": "H1", "HS-U": "H1"}
    r = acts.set_index("Mã hồ sơ")
    assert r.at["HS-R", "Tình trạng"] == PL.ACT_RETURNED and r.at["HS-R", "Lý do trả lại"] == "Thiếu tóm tắt thành tích"
    assert r.at["HS-H", "Tình trạng"] == "Quá hạn xử lý (91 ngày, hạn 30 ngày)"
    assert r.at["HS-U", "Tình trạng"] == "Quá hạn xử lý (16 ngày, hạn 10 ngày)"
    assert list(acts["Mã hồ sơ"]) == ["HS-R", "HS-H", "HS-O", "HS-U"]  # returns first, then the longest waits


def test_the_dossier_topic_lists_the_units_that_must_act(ds: Dataset) -> None:
    fl = FU.follow_up(ds, 2025, A)[S.TOPIC_DOSSIER]
    assert list(fl.units["Mã đơn vị"]) == ["C1", "BK", "H1"]
    assert set(fl.units["Tình trạng"]) == {FU.STATUS_NEW}
    lack = fl.units.set_index("Mã đơn vị")["Còn thiếu"]
    assert lack["C1"] == ("hồ sơ «HS-R» (Đề nghị tặng Giấy khen năm 2025) bị trả lại ngày 10/11/2025, chưa gửi lại "
                          "(lý do trả lại: Thiếu tóm tắt thành tích)")
    assert "HS-RS" not in " ".join(lack) and "HS-F" not in " ".join(lack) and "HS-P" not in " ".join(lack)
    assert [lk.text.split("»")[0] for lk in fl.lacks["H1"]] == ["hồ sơ «HS-O", "hồ sơ «HS-U"]
    o = fl.lacks["H1"][0]
    assert o.text == ("hồ sơ «HS-O» (Đề nghị tặng Giấy khen năm 2025) của CĐCS Sáu gửi ngày 15/11/2025 chưa được "
                      "tiếp nhận, đã chờ 46 ngày, quá thời hạn xử lý")
    assert o.deadline == date(2025, 12, 15)
    assert fl.lacks["BK"][0].text.startswith("hồ sơ «HS-H» (Đề nghị tặng Giấy khen năm 2025) của LĐLĐ huyện Một gửi "
                                             "ngày 01/10/2025 đã tiếp nhận nhưng chưa xét duyệt")


def test_scope_keeps_the_units_of_its_subtree(ds: Dataset) -> None:
    fl = FU.follow_up(ds, 2025, A, "H1")[S.TOPIC_DOSSIER]
    assert list(fl.units["Mã đơn vị"]) == ["C1", "H1"]  # HS-H waits at the province, outside H1's subtree
    assert FU.follow_up(ds, 2025, A, "H4")[S.TOPIC_DOSSIER].units.empty


def test_an_earlier_as_of_counts_the_wait_to_it(ds: Dataset) -> None:
    # at 20/11: HS-O has waited 5 days; HS-U, HS-UF, HS-F, HS-RS's second sending are not yet sent
    acts = PL.dossier_actions(ds, 2025, date(2025, 11, 20))
    assert dict(zip(acts["Mã hồ sơ"], acts["Mã đơn vị"], strict=True)) == {"HS-R": "C1", "HS-H": "BK"}


def test_the_message_names_the_dossier_and_its_return(ds: Dataset) -> None:
    fl = FU.follow_up(ds, 2025, A, "H1")[S.TOPIC_DOSSIER]
    msgs = FU.build_messages(ds, fl, ["C1", "H1"], sender="H1", year=2025, as_of=A, respond_by=date(2026, 1, 10),
                             app_url="https://tdkt.example.vn")
    c1, h1 = msgs
    assert c1.topics == (S.TOPIC_DOSSIER,)
    assert c1.subject == "Đôn đốc thực hiện hồ sơ đề nghị khen thưởng năm 2025 - CĐCS Một"
    assert c1.body.startswith("Kính gửi: CĐCS Một.")
    assert "1. Hồ sơ «HS-R» (Đề nghị tặng Giấy khen năm 2025) bị trả lại ngày 10/11/2025, chưa gửi lại" in c1.body
    assert "2. Hồ sơ «HS-U»" in h1.body and "(hạn 25/12/2025)." in h1.body
    rec = c1.records(channel="Zalo", day=A, batch="b1")
    assert [r["topic"] for r in rec] == [S.TOPIC_DOSSIER]


def test_acted_since_a_reminder(built: MemoryStore) -> None:
    """C1 reminded on 20/11 and HS-R still returned: waiting. Once sent again, C1 has acted."""
    store = MemoryStore(copy.deepcopy(built.sheets))
    append(store, "NhacViec", [{"reminder": "R1", "sender": "H1", "unit": "C1", "year": 2025,
                                "topic": S.TOPIC_DOSSIER, "channel": "Zalo", "date": date(2025, 11, 20)}], ADMIN)
    fl = FU.follow_up(load(store), 2025, A)[S.TOPIC_DOSSIER]
    assert fl.units.set_index("Mã đơn vị").at["C1", "Tình trạng"] == FU.STATUS_WAITING
    step(store, "HS-R", S.DOSSIER_SENT, "2025-12-28", sent=date(2025, 12, 28))
    clock.set_now("2025-12-31T10:00:00")
    fl = FU.follow_up(load(store), 2025, A)[S.TOPIC_DOSSIER]
    assert fl.units.set_index("Mã đơn vị").at["C1", "Tình trạng"] == FU.STATUS_ACTED
    assert "C1" not in set(fl.pending["Mã đơn vị"])


def test_tong_quan_item(ds: Dataset) -> None:
    res = compute(ds, 2025, A)
    assert [i.key for i in D.follow_ups(res)][-1] == "reports"  # without the dataset: the six of before
    item = D.follow_ups(res, ds)[-1]
    assert item.key == "dossiers" and item.count == 4 and item.target == ""
    assert item.note == "1 bị trả lại, chưa gửi lại, 3 quá hạn xử lý ở đơn vị tiếp nhận"
    assert FU.TOPIC_OF_ITEM[item.key] == S.TOPIC_DOSSIER
    assert list(item.frame["Mã hồ sơ"]) == ["HS-R", "HS-H", "HS-O", "HS-U"]
    assert "Mã đơn vị đề nghị" not in item.frame
