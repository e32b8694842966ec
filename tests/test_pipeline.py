"""``tdkt pipeline`` (SPEC 7): every figure on a small commented fixture, through the real CLI.

The fixture province is tests/fixtures.py (T3's 2025 threshold is 0,2 = 20 %). Units: H1 and H4
(parent BK, the province receives), C1 and C3 (parent H1, H1 receives), C4 (parent BK).
Every dossier is built through the write door (sheets.dossier) on a SQLite store, each step on
its own day; figures are read at A = 31/12/2025 unless a test says otherwise.

  A  HS2025-H1-1  Nháp. Lines: 1 Cá nhân worker, 2 Tập thể, 3 Cá nhân staff (voided -> not counted).
  B  HS2025-H1-2  Đã gửi 01/11 -> waiting, 60 days > 30: overdue. Line: Cá nhân, blank group.
                  A "Đã quyết định" version typed in H1's own sheet fakes nothing (stays Đã gửi).
  C  HS2025-H4-1  Đột xuất, Đã gửi 15/12 -> waiting, 16 days > 10: overdue. Line: Cá nhân manager.
  D  HS2025-C1-1  Đã gửi 10/12, Đã tiếp nhận 12/12 (by H1) -> waiting, 21 days: not overdue.
                  Lines: 1 worker Đồng ý, 2 staff Không đồng ý, 3 manager Trình cấp trên.
  E  HS2025-C3-1  Đã gửi 01/10, Rút 05/10 -> not waiting; its line (worker) is out of the share.
  F  HS2025-H4-2  Đã gửi 01/11, Trả lại 10/11 -> returned. Line: Cá nhân staff.
  G  HS2025-C4-1  sent 01/11, received, reviewed, decided 20/11 -> 19 processing days.
                  Lines: 1 worker Đồng ý, 2 Tập thể Đồng ý.
  H  HS2025-H1-3  sent 01/09, received, result, Trả lại 10/09 (result cleared), sent again 01/10,
                  received, reviewed, decided 19/10 -> 18 days (the clock restarts), returned.
                  Lines: 1 staff Đồng ý, 2 manager Không đồng ý.
  K  HS2025-C4-2  sent 20/11, received, reviewed 25/11 -> Đã xét duyệt, waiting, 41 days: overdue.
                  Line: Tập thể Đồng ý.
  I  HS2024-H1-1  year 2024 -> not counted for 2025.
  J  HS2025-H1-4  voided draft -> not counted.

Expected, province, A = 31/12/2025:
  dossiers: Nháp 1 (A), Đã gửi 2 (B, C), Rút 1 (E), Đã tiếp nhận 1 (D), Trả lại 1 (F),
            Đã xét duyệt 1 (K), Đã quyết định 2 (G, H)
  waiting 4 (B, C, D, K); overdue 3 (B, C, K); returned 2 (F, H); median of 19 and 18 = 18.5
  nominees: proposed 14 = A2 B1 C1 D3 E1 F1 G2 H2 K1; Đồng ý 5 (D1 G1 G2 H1 K1);
            Không đồng ý 2 (D2 H2); Trình cấp trên 1 (D3); blank 6 (A1 A2 B1 C1 E1 F1)
  direct share: Cá nhân rows not Rút and not Không đồng ý: A1 B1 C1 D1 D3 F1 G1 H1 = 8;
            in T3's two groups: A1 D1 F1 G1 H1 = 5 -> 62.5 % against 20 %: met.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from indicators.pipeline import pipeline
from sheets import clock
from sheets import dossier as D
from sheets import schema as S
from sheets.load import load
from sheets.stores.base import Store
from sheets.stores.sqlite import SqliteStore
from tests import fixtures as F
from tests.fixtures import grid

BIN = Path(sys.executable).parent / "tdkt"
TODAY = "2025-12-31"
H1, DESK = "h1@x.vn", "desk@x.vn"
USERS = F.USERS + [dict(email=DESK, name="Bàn thi đua tỉnh", role=S.ROLE_DESK, unit="BK")]
BK_FORM = "Bằng khen của LĐLĐ tỉnh"


def person(name: str, unit: str, group: str | None) -> dict[str, Any]:
    return dict(subject=S.SUBJECT_PERSON, name=name, unit=unit, group=group, form=BK_FORM)


def team(name: str, unit: str) -> dict[str, Any]:
    return dict(subject="Tập thể", name=name, unit=unit, form=BK_FORM)


WORKER, STAFF, MANAGER = S.GROUP_WORKER, S.GROUP_STAFF, S.GROUP_MANAGER
AGREE, REJECT, UP = S.RESULT_AGREED, S.RESULT_REJECTED, S.RESULT_UPWARD


def on(day: str) -> None:
    clock.set_now(f"{day}T09:00:00")


def build(store: Store) -> None:
    """The dossiers of the module docstring, each step through the door on its day."""
    on("2025-08-01")
    s = "Đề nghị khen thưởng năm 2025"
    # A: draft; the voided third line does not count
    D.create(store, H1, unit="H1", year=2025, summary=s, code="HS2025-H1-1")
    D.save_lines(store, H1, "HS2025-H1-1", [person("A1", "C1", WORKER), team("A2", "C1"), person("A3", "C3", STAFF)])
    D.remove_line(store, H1, "HS2025-H1-1", 3)
    # I: another year
    D.create(store, H1, unit="H1", year=2024, summary=s, code="HS2024-H1-1")
    D.save_lines(store, H1, "HS2024-H1-1", [person("I1", "C1", WORKER)])
    # J: voided draft
    D.create(store, H1, unit="H1", year=2025, summary=s, code="HS2025-H1-4")
    D.save_lines(store, H1, "HS2025-H1-4", [person("J1", "C1", WORKER)])
    D.void_dossier(store, H1, "HS2025-H1-4")
    # H: sent, received, a result, returned (result cleared), sent again, decided 19/10
    D.create(store, H1, unit="H1", year=2025, summary=s, code="HS2025-H1-3")
    D.save_lines(store, H1, "HS2025-H1-3", [person("H1", "C1", STAFF), person("H2", "C3", MANAGER)])
    on("2025-09-01")
    D.step(store, H1, "HS2025-H1-3", S.DOSSIER_SENT)
    on("2025-09-03")
    D.step(store, DESK, "HS2025-H1-3", S.DOSSIER_RECEIVED)
    D.record_results(store, DESK, "HS2025-H1-3", {1: (AGREE, 90.0)})
    on("2025-09-10")
    D.step(store, DESK, "HS2025-H1-3", S.DOSSIER_RETURNED, return_reason="Thiếu tóm tắt thành tích")
    # E: sent and withdrawn
    D.create(store, H1, unit="C3", year=2025, summary=s, code="HS2025-C3-1")
    D.save_lines(store, H1, "HS2025-C3-1", [person("E1", "C3", WORKER)])
    on("2025-10-01")
    D.step(store, H1, "HS2025-C3-1", S.DOSSIER_SENT)
    D.step(store, H1, "HS2025-H1-3", S.DOSSIER_SENT)  # H sent again: its clock restarts on 01/10
    on("2025-10-03")
    D.step(store, DESK, "HS2025-H1-3", S.DOSSIER_RECEIVED)
    D.record_results(store, DESK, "HS2025-H1-3", {1: (AGREE, 90.0), 2: (REJECT, 40.0)})
    on("2025-10-05")
    D.step(store, H1, "HS2025-C3-1", S.DOSSIER_WITHDRAWN)
    on("2025-10-10")
    D.step(store, DESK, "HS2025-H1-3", S.DOSSIER_REVIEWED)
    on("2025-10-19")
    D.record_decision(store, DESK, "HS2025-H1-3", decision_no="90/QĐ-LĐLĐ", decided=date(2025, 10, 19),
                      level="LĐLĐ tỉnh", signer="Chủ tịch")
    # B, F, G sent 01/11
    D.create(store, H1, unit="H1", year=2025, summary=s, code="HS2025-H1-2")
    D.save_lines(store, H1, "HS2025-H1-2", [person("B1", "C1", None)])
    D.create(store, DESK, unit="H4", year=2025, summary=s, code="HS2025-H4-2")
    D.save_lines(store, DESK, "HS2025-H4-2", [person("F1", "H4", STAFF)])
    D.create(store, DESK, unit="C4", year=2025, summary=s, code="HS2025-C4-1")
    D.save_lines(store, DESK, "HS2025-C4-1", [person("G1", "C4", WORKER), team("G2", "C4")])
    on("2025-11-01")
    for code, who in (("HS2025-H1-2", H1), ("HS2025-H4-2", DESK), ("HS2025-C4-1", DESK)):
        D.step(store, who, code, S.DOSSIER_SENT)
    on("2025-11-03")
    D.step(store, DESK, "HS2025-C4-1", S.DOSSIER_RECEIVED)
    D.record_results(store, DESK, "HS2025-C4-1", {1: (AGREE, 100.0), 2: (AGREE, 100.0)})
    on("2025-11-10")
    D.step(store, DESK, "HS2025-H4-2", S.DOSSIER_RETURNED, return_reason="Sai mẫu tờ trình")
    on("2025-11-15")
    D.step(store, DESK, "HS2025-C4-1", S.DOSSIER_REVIEWED)
    # K: sent 20/11, reviewed 25/11, not decided
    D.create(store, DESK, unit="C4", year=2025, summary=s, code="HS2025-C4-2")
    D.save_lines(store, DESK, "HS2025-C4-2", [team("K1", "C4")])
    on("2025-11-20")
    D.record_decision(store, DESK, "HS2025-C4-1", decision_no="101/QĐ-LĐLĐ", decided=date(2025, 11, 20),
                      level="LĐLĐ tỉnh")
    D.step(store, DESK, "HS2025-C4-2", S.DOSSIER_SENT)
    on("2025-11-22")
    D.step(store, DESK, "HS2025-C4-2", S.DOSSIER_RECEIVED)
    D.record_results(store, DESK, "HS2025-C4-2", {1: (AGREE, 85.0)})
    on("2025-11-25")
    D.step(store, DESK, "HS2025-C4-2", S.DOSSIER_REVIEWED)
    # D: a grassroots dossier received by its district (H1)
    D.create(store, H1, unit="C1", year=2025, summary=s, code="HS2025-C1-1")
    D.save_lines(store, H1, "HS2025-C1-1", [person("D1", "C1", WORKER), person("D2", "C1", STAFF),
                                             person("D3", "C1", MANAGER)])
    on("2025-12-10")
    D.step(store, H1, "HS2025-C1-1", S.DOSSIER_SENT)
    on("2025-12-12")
    D.step(store, H1, "HS2025-C1-1", S.DOSSIER_RECEIVED)
    D.record_results(store, H1, "HS2025-C1-1", {1: (AGREE, 80.0), 2: (REJECT, 20.0), 3: (UP, 75.0)})
    # C: Đột xuất, sent 15/12
    D.create(store, DESK, unit="H4", year=2025, summary=s, type="Đột xuất", code="HS2025-H4-1")
    D.save_lines(store, DESK, "HS2025-H4-1", [person("C1", "H4", MANAGER)])
    on("2025-12-15")
    D.step(store, DESK, "HS2025-H4-1", S.DOSSIER_SENT)
    # B: someone types "Đã quyết định" into H1's own sheet: a receiving step from the wrong sheet
    grid_h1 = store.read(["H1"])[0].tabs["HoSo"]
    header = [str(h) for h in grid_h1[0]]
    last_b = [r for r in grid_h1[1:] if r[header.index("Mã hồ sơ")] == "HS2025-H1-2"][-1]
    fake = dict(zip(header, last_b, strict=False))
    fake.update({"Trạng thái": S.DOSSIER_DECIDED, "Số quyết định": "1/QĐ", "Ngày quyết định": "20/12/2025",
                 "Cấp khen": "LĐLĐ tỉnh", S.COL_STAMP.name: "2025-12-20T10:00:00+07:00", S.COL_WRITE_ID.name: None})
    store.append_rows("H1", "HoSo", header, [[fake.get(h) for h in header]])
    clock.set_now(None)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("pipeline") / "p.sqlite"
    sheets = F.province()
    sheets["registry"]["NguoiDung"] = grid(S.NGUOI_DUNG, USERS)
    store = SqliteStore(path)
    for sheet, tabs in sheets.items():
        store.ensure_spreadsheet(sheet)
        for tab, g in tabs.items():
            store.replace_tab(sheet, tab, g)
    build(store)
    yield f"sqlite:{path}"
    clock.set_now(None)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TDKT_TODAY=TODAY)
    return subprocess.run([str(BIN), "--today", TODAY, "pipeline", *args], env=env, capture_output=True, text=True)


def figures(source: str, *extra: str) -> dict[str, Any]:
    out = run("--source", source, "--year", "2025", "--format", "json", *extra)
    assert out.returncode == 0, out.stderr
    data: dict[str, Any] = json.loads(out.stdout)
    return data


def test_every_figure_for_the_province(source: str) -> None:
    data = figures(source)
    assert list(data) == ["year", "as_of", "scope", "dossiers", "waiting", "overdue", "returned", "median_days",
                          "nominees", "direct_share"]
    assert (data["year"], data["as_of"], data["scope"]) == (2025, "2025-12-31", "BK")
    assert data["dossiers"] == {"Nháp": 1, "Đã gửi": 2, "Rút": 1, "Đã tiếp nhận": 1, "Trả lại": 1,
                                "Đã xét duyệt": 1, "Đã quyết định": 2}
    assert (data["waiting"], data["overdue"], data["returned"]) == (4, 3, 2)
    assert data["median_days"] == 18.5
    assert data["nominees"] == {"proposed": 14, "Đồng ý": 5, "Không đồng ý": 2, "Trình cấp trên": 1, "blank": 6}
    assert data["direct_share"] == {"numerator": 5, "denominator": 8, "percent": 62.5, "threshold": 20.0,
                                    "met": True}


def test_the_typed_decision_is_reported_and_counts_nowhere(source: str) -> None:
    ds = load(SqliteStore(source.removeprefix("sqlite:")))
    hs = ds.frames["HoSo"].set_index("dossier")
    assert hs.at["HS2025-H1-2", "status"] == S.DOSSIER_SENT
    assert any(p.spreadsheet == "H1" and p.tab == "HoSo" and p.value == S.DOSSIER_DECIDED
               and "từ «Đã gửi» sang «Đã quyết định»" in p.message for p in ds.problems)
    # H's first return is a valid step; B's fake gives no award
    assert bool(hs.at["HS2025-H1-3", "returned"]) and not bool(hs.at["HS2025-H1-2", "returned"])
    assert not ds.frames["KhenThuong"]["dossier"].eq("HS2025-H1-2").any()


def test_one_units_subtree(source: str) -> None:
    # H1's subtree: A, B, D (C1), E (C3), H
    data = figures(source, "--unit", "h1")
    assert data["scope"] == "H1"
    assert data["dossiers"] == {"Nháp": 1, "Đã gửi": 1, "Rút": 1, "Đã tiếp nhận": 1, "Trả lại": 0,
                                "Đã xét duyệt": 0, "Đã quyết định": 1}
    assert (data["waiting"], data["overdue"], data["returned"], data["median_days"]) == (2, 1, 1, 18.0)
    assert data["nominees"] == {"proposed": 9, "Đồng ý": 2, "Không đồng ý": 2, "Trình cấp trên": 1, "blank": 4}
    # A1 D1 H1 in the groups; B1 (blank group) and D3 (manager) only below
    assert data["direct_share"] == {"numerator": 3, "denominator": 5, "percent": 60.0, "threshold": 20.0,
                                    "met": True}


def test_an_earlier_as_of_leaves_out_later_sendings(source: str) -> None:
    # A = 15/11: C (15/12), D (10/12) and K (20/11) were not sent yet; B waits 14 days, not overdue
    data = figures(source, "--as-of", "2025-11-15")
    assert data["as_of"] == "2025-11-15"
    assert data["dossiers"] == {"Nháp": 1, "Đã gửi": 1, "Rút": 1, "Đã tiếp nhận": 0, "Trả lại": 1,
                                "Đã xét duyệt": 0, "Đã quyết định": 2}
    assert (data["waiting"], data["overdue"], data["returned"], data["median_days"]) == (1, 0, 2, 18.5)
    assert data["nominees"]["proposed"] == 14 - 3 - 1 - 1
    # left: A1 B1 F1 G1 H1 -> 4 of 5 in the groups
    assert data["direct_share"]["numerator"] == 4 and data["direct_share"]["denominator"] == 5


def test_other_years(source: str) -> None:
    # 2024 holds I alone (a draft with one worker); 2023 holds nothing: zeros and nulls
    y2024 = run("--source", source, "--year", "2024", "--format", "json")
    assert y2024.returncode == 0, y2024.stderr
    data = json.loads(y2024.stdout)
    assert data["dossiers"]["Nháp"] == 1 and sum(data["dossiers"].values()) == 1
    assert data["nominees"]["proposed"] == 1 and data["direct_share"]["percent"] == 100.0
    assert data["direct_share"]["threshold"] == 15.0  # no ChiTieu row for 2024: the plan's default
    empty = run("--source", source, "--year", "2023", "--format", "json")
    assert empty.returncode == 0, empty.stderr
    none = json.loads(empty.stdout)
    assert sum(none["dossiers"].values()) == 0 and none["median_days"] is None
    assert none["direct_share"]["percent"] is None and none["direct_share"]["met"] is None


def test_table_says_the_same_in_vietnamese(source: str) -> None:
    out = run("--source", source, "--year", "2025")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Hồ sơ khen thưởng năm 2025 · tính đến 31/12/2025" in text
    assert "Đang chờ xử lý: 4 (quá hạn: 3)" in text and "trả lại: 2" in text and "18,5" in text
    assert "5/8 = 62,5 %" in text and "Đạt" in text


def test_bad_unit_is_one_vietnamese_line(source: str) -> None:
    out = run("--source", source, "--year", "2025", "--unit", "XX")
    assert out.returncode == 2
    assert out.stderr.strip() == "tdkt: lỗi tham số: không có đơn vị «XX» trong DonVi"


def test_same_figures_in_process(source: str) -> None:
    # the CLI prints exactly what the function computes
    ds = load(SqliteStore(source.removeprefix("sqlite:")))
    assert pipeline(ds, 2025, date(2025, 12, 31)) == figures(source)
