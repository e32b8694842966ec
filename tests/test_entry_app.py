"""AppTest of Nhập liệu and Cài đặt against a per-test copy of the demo province.

Each test copies the demo into its own SQLite file (TDKT_SOURCE=sqlite:…, act-as allowed by
TDKT_ALLOW_ACT_AS=1), acts as a demo user through ``session_state["actor"]``, drives the
widgets, and checks the store itself and the figures the dashboard computes.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from components.fmt import pct
from indicators.core import compute
from sheets import schema as S
from sheets import templates
from sheets.load import load
from sheets.stores.sqlite import SqliteStore
from sheets.text import fold

TODAY = date(2026, 11, 25)
OFFICER = "canbo.babe@demo.tdkt.vn"  # Cán bộ cấp trên cơ sở of BABE (Ba Bể)
ADMIN = "quantri@demo.tdkt.vn"
LEADER = "lanhdao@demo.tdkt.vn"
TRAINER = "daotao@demo.tdkt.vn"


@pytest.fixture()
def src(demo_copy: Path) -> Path:
    return demo_copy


def t1b(path: Path, scope: str | None = None) -> tuple[int, int]:
    ind = compute(load(SqliteStore(path)), TODAY.year, TODAY, scope)["T1B"]
    return ind.numerator, ind.denominator


def rows_of(path: Path, tab: str) -> list[dict[str, Any]]:
    """Every row of a tab in every spreadsheet, keyed by header."""
    store = SqliteStore(path)
    out: list[dict[str, Any]] = []
    for read in store.read(store.spreadsheet_names()):
        for name, grid in read.tabs.items():
            if fold(name) != fold(tab) or not grid:
                continue
            canon = {fold(c.name): c.name for c in S.TABS[tab].all_columns}  # "Ma don vi" -> "Mã đơn vị"
            header = [canon.get(fold(str(h)), str(h)) for h in grid[0]]
            out.extend(dict(zip(header, r, strict=False)) | {"_sheet": read.name} for r in grid[1:])
    return out


def added(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows appended since ``before`` (stores only ever append, per spreadsheet)."""
    seen: dict[str, int] = {}
    for r in before:
        seen[r["_sheet"]] = seen.get(r["_sheet"], 0) + 1
    out, pos = [], dict.fromkeys(seen, 0)
    for r in after:
        n = pos.get(r["_sheet"], 0)
        pos[r["_sheet"]] = n + 1
        if n >= seen.get(r["_sheet"], 0):
            out.append(r)
    return out


def entry(actor: str, page: str = "views/nhap_lieu.py", *, tab: str | None = None) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.session_state["actor"] = actor
    at.run()
    assert not at.exception
    at.switch_page(page)
    if tab:
        goto(at, tab, page)
    at.run()
    assert not at.exception, at.exception
    return at


def goto(at: AppTest, tab: str, page: str = "views/nhap_lieu.py") -> None:
    """Select a tab of the page (only the selected tab is drawn), as a click on it does."""
    at.session_state["f_tab_" + page.removeprefix("views/").removesuffix(".py")] = tab


def untick_rows(at: AppTest, n: int) -> dict[int, str]:
    """n grassroots rows of the grid that do not count for T1B yet: row -> unit code."""
    grid = at.data_editor[0].value
    todo = grid[(grid["Cấp"] == S.LEVEL_GRASSROOTS) & ~(grid["Có kế hoạch"] & grid["Đã phát động"])]
    assert len(todo) >= n
    return {int(i): str(u) for i, u in zip(todo.index[:n], todo["Mã đơn vị"][:n], strict=True)}


def tick(at: AppTest, rows: dict[int, str]) -> None:
    at.session_state["plan_grid"] = {
        "edited_rows": {i: {"Có kế hoạch": True, "Đã phát động": True} for i in rows},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception


def report(at: AppTest) -> Any:
    """The row-by-row problem report on screen."""
    hits = [d.value for d in at.dataframe if d.key is None]
    hits = [v for v in hits if {"Dòng", "Mức", "Vấn đề"} <= set(v.columns)]
    assert len(hits) == 1, "expected one problem report"
    return hits[0]


def messages(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in [*at.error, *at.success, *at.warning])


# --- the plan grid ------------------------------------------------------------------------------
def test_plan_grid_save_moves_t1b_by_the_ticked_units(src: Path) -> None:
    before, before_babe = t1b(src), t1b(src, "BABE")
    before_rows = rows_of(src, "KeHoach")
    at = entry(OFFICER)
    rows = untick_rows(at, 3)
    tick(at, rows)
    assert "3 đơn vị có thay đổi chưa lưu" in " ".join(c.value for c in at.caption)
    at.switch_page("views/don_vi.py").run()  # unsaved ticks survive a visit to another page
    at.switch_page("views/nhap_lieu.py").run()
    assert "3 đơn vị có thay đổi chưa lưu" in " ".join(c.value for c in at.caption)
    shown = at.data_editor[0].value.set_index("Mã đơn vị")
    assert shown.loc[list(rows.values()), "Đã phát động"].all()
    at.button(key="plan_save").click().run()
    assert not at.exception
    assert "Kế hoạch năm 2026 của 3 đơn vị" in messages(at)
    after = t1b(src)
    assert after == (before[0] + 3, before[1])  # exactly the ticked units, same denominator
    written = added(before_rows, rows_of(src, "KeHoach"))
    assert sorted(r["Mã đơn vị"] for r in written) == sorted(rows.values())  # changed rows only
    assert {r["Người cập nhật"] for r in written} == {OFFICER}
    assert len({r["Mã lần ghi"] for r in written}) == 1
    # the dashboard shows it at once, for the scope it shows (the province or the officer's unit)
    at.switch_page("views/tong_quan.py").run()
    assert not at.exception
    scope = next((s.value for s in at.selectbox if s.key == "scope"), None)
    now = t1b(src, scope)
    assert now[0] == (before_babe if scope == "BABE" else before)[0] + 3
    shown = {m.label.split(" · ")[0]: m.value for m in at.metric}
    assert shown["T1B"] == pct(100.0 * now[0] / now[1])


def test_failed_write_keeps_the_grid_and_a_retry_is_not_doubled(
    src: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store applies the rows, then the answer is lost and it cannot even say whether they
    landed: the app shows an error and keeps the ticks; "Lưu" again sends the same write id,
    which the door finds, so the rows are stored once."""
    broken = {"on": True}
    real_append, real_has = SqliteStore.append_once, SqliteStore.has_write_id
    seen: dict[str, bool] = {}

    def append_once(self: SqliteStore, *args: Any) -> bool:
        appended = real_append(self, *args)
        if broken["on"]:
            seen["applied"] = True
            raise OSError("mất kết nối tới bảng tính")
        return appended

    def has_write_id(self: SqliteStore, sheet: str, tab: str, write_id: str) -> bool:
        if broken["on"] and seen.get("applied"):
            raise OSError("mất kết nối tới bảng tính")
        return real_has(self, sheet, tab, write_id)

    monkeypatch.setattr(SqliteStore, "append_once", append_once)
    monkeypatch.setattr(SqliteStore, "has_write_id", has_write_id)
    before = t1b(src)
    at = entry(OFFICER)
    rows = untick_rows(at, 2)
    tick(at, rows)
    at.button(key="plan_save").click().run()
    assert not at.exception
    assert any("thử lại" in e.value for e in at.error), messages(at)
    # the input is still there: the edits, and the count of unsaved changes
    assert at.session_state["plan_grid"]["edited_rows"]
    assert "2 đơn vị có thay đổi chưa lưu" in " ".join(c.value for c in at.caption)
    broken["on"] = False  # the connection is back
    at.button(key="plan_save").click().run()
    assert not at.exception
    assert "không ghi thêm lần nữa" in messages(at)
    assert t1b(src) == (before[0] + 2, before[1])
    ids = [r["Mã lần ghi"] for r in rows_of(src, "KeHoach") if r.get("Người cập nhật") == OFFICER
           and r["Mã đơn vị"] in rows.values()]
    assert len(ids) == 2 and len(set(ids)) == 1  # stored once, one write


def test_refused_write_outside_subtree_keeps_the_list_and_writes_nothing(src: Path) -> None:
    """An officer of Ba Bể pastes a decision's list with one person of another district: that
    row is refused, nothing is written, the pasted text stays; after fixing it, all is written."""
    before = rows_of(src, "KhenThuong")
    at = entry(OFFICER, tab="Khen thưởng")
    at.radio(key="f_kt_mode").set_value("Cả danh sách của một quyết định").run()
    at.text_input(key="f_kl_no").input("15/QĐ-LĐLĐ").run()
    at.date_input(key="f_kl_decided").set_value(date(2026, 11, 20)).run()
    at.selectbox(key="f_kl_form").set_value("Giấy khen").run()
    pasted = ("Nguyễn Văn An\tTổ trưởng\tBABE001\tCông nhân, lao động trực tiếp\tNam\tHoàn thành xuất sắc\n"
              "Lò Thị Bình\tNhân viên\tCD001\tCông nhân, lao động trực tiếp\tNữ\t\n")
    at.text_area(key="f_kl_text").input(pasted).run()
    assert not at.exception
    assert any("Chưa ghi dòng nào" in e.value for e in at.error)
    shown = report(at)
    bad = shown[shown["Mức"] == "Lỗi"]
    assert list(bad["Dòng"]) == [2] and "ngoài phạm vi" in bad["Vấn đề"].iloc[0]
    assert at.button(key="kl_save").disabled
    assert rows_of(src, "KhenThuong") == before
    assert at.text_area(key="f_kl_text").value == pasted  # kept on screen
    at.switch_page("views/tong_quan.py").run()  # and kept across a visit to another page
    at.switch_page("views/nhap_lieu.py").run()
    assert at.text_area(key="f_kl_text").value == pasted
    assert at.text_input(key="f_kl_no").value == "15/QĐ-LĐLĐ"
    at.text_area(key="f_kl_text").input(pasted.replace("CD001", "BABE002")).run()
    assert not at.button(key="kl_save").disabled
    at.button(key="kl_save").click().run()
    assert not at.exception
    new = added(before, rows_of(src, "KhenThuong"))
    assert sorted(r["Mã đơn vị"] for r in new) == ["BABE001", "BABE002"]
    assert {r["Số quyết định"] for r in new} == {"15/QĐ-LĐLĐ"}
    assert len({r["Mã khen thưởng"] for r in new}) == 2
    assert "kl_save" not in [b.key for b in at.button]  # written: the list cannot be written again


def test_door_refuses_even_when_the_page_is_bypassed(src: Path) -> None:
    """Permission lives in the door: an officer's write for another district is refused there."""
    from components import data
    from sheets.errors import PermissionDenied

    at = entry(OFFICER)  # the app's caches now point at this copy
    assert at.title[0].value == "Nhập liệu"
    before = rows_of(src, "KhenThuong")
    with pytest.raises(PermissionDenied, match="ngoài phạm vi"):
        data.write("KeHoach", [{"year": 2026, "unit": "CD001", "has_plan": True, "launched": True}], OFFICER)
    # nor may it take over (or void) another district's record by reusing its code under its own unit
    kt = load(SqliteStore(src)).frames["KhenThuong"]
    other = kt[kt["unit"].str.startswith("CD")].iloc[0]
    with pytest.raises(PermissionDenied, match="không thể ghi đè"):
        data.write("KhenThuong", [{"award": other["award"], "decided": date(2026, 1, 5), "form": "Giấy khen",
                                   "subject": "Tập thể", "name": "x", "unit": "BABE001", "void": True}], OFFICER)
    assert rows_of(src, "KhenThuong") == before


# --- history and void --------------------------------------------------------------------------
def test_voided_record_disappears_from_figures(src: Path) -> None:
    ds = load(SqliteStore(src))
    kh = ds.frames["KeHoach"]
    units = ds.frames["DonVi"].set_index("unit")
    counted = kh[(kh["year"] == 2026) & kh["has_plan"] & kh["launched"]
                 & kh["unit"].isin(ds.tree.subtree("BABE"))
                 & kh["unit"].map(units["level"]).eq(S.LEVEL_GRASSROOTS)]
    unit = str(counted["unit"].iloc[0])
    before = t1b(src)
    at = entry(OFFICER, tab="Lịch sử, hủy")
    at.text_input(key="hv_query").input(unit).run()
    pick = at.selectbox(key="hv_pick")
    assert unit in pick.options[0]
    pick.set_value(pick.options[0]).run()
    assert not at.exception
    at.button(key="hv_void").click().run()
    assert any("Hủy bản ghi" in w.value for w in at.warning)  # asks first
    assert t1b(src) == before  # nothing yet
    at.button(key="hv_void_yes").click().run()
    assert not at.exception
    assert t1b(src) == (before[0] - 1, before[1])
    after = load(SqliteStore(src)).frames["KeHoach"]
    assert not ((after["unit"] == unit) & (after["year"] == 2026)).any()
    versions = [r for r in rows_of(src, "KeHoach") if r["Mã đơn vị"] == unit and r["Năm"] == 2026]
    assert versions[-1]["Hủy"] == "Có"  # appended, nothing edited


# --- import ----------------------------------------------------------------------------------
def _filled(rows: list[list[Any]]) -> bytes:
    wb = load_workbook(io.BytesIO(templates.template_workbook_bytes("KeHoach")))
    ws = wb["KeHoach"]
    for r, line in enumerate(rows, start=2):
        for c, v in enumerate(line, start=1):
            ws.cell(r, c).value = v
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_is_all_or_nothing(src: Path) -> None:
    before = rows_of(src, "KeHoach")
    at = entry(OFFICER, tab="Nhập từ tệp")
    assert at.selectbox(key="imp_tab").value == "KeHoach"
    good: list[list[Any]] = [[2026, "BABE001", "Có", "01/KH", "10/01/2026", "Có"], [2026, "BABE002", "x", None, None, "x"]]
    bad = [*good, ["hai nghìn", "BABE003", "Có", None, None, "Có"]]
    at.file_uploader(key="imp_file").upload("ke-hoach.xlsx", _filled(bad)).run()
    assert not at.exception
    assert any("Chưa ghi dòng nào" in e.value for e in at.error)
    shown = report(at)
    assert list(shown.loc[shown["Mức"] == "Lỗi", "Dòng"]) == [4]
    assert (shown["Cột"] == "Năm").any()
    assert at.button(key="imp_save").disabled
    assert rows_of(src, "KeHoach") == before  # nothing written
    at.file_uploader(key="imp_file").set_value(("ke-hoach.xlsx", _filled(good), "application/octet-stream")).run()
    assert not at.button(key="imp_save").disabled
    at.button(key="imp_save").click().run()
    assert not at.exception
    new = added(before, rows_of(src, "KeHoach"))
    assert sorted(r["Mã đơn vị"] for r in new) == ["BABE001", "BABE002"]
    assert len({r["Mã lần ghi"] for r in new}) == 1  # one upload, one write
    # written once: the result stays, the file cannot be written again by a second click
    assert any("Đã nhập 2 dòng từ tệp «ke-hoach.xlsx»" in s.value for s in at.success), messages(at)
    assert not [b for b in at.button if b.key == "imp_save"]
    at.run()
    assert len(rows_of(src, "KeHoach")) == len(before) + 2
    at.button(key="imp_another").click().run()
    assert not at.exception
    assert at.file_uploader(key="imp_file_1").value is None  # a fresh, empty uploader
    assert len(rows_of(src, "KeHoach")) == len(before) + 2


def test_an_upload_is_read_once_and_hostile_files_get_a_message(src: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sheets import importer

    reads: list[str] = []
    real = importer.read_xlsx

    def counting(data: bytes, tab: str, **kw: Any) -> Any:
        reads.append(tab)
        return real(data, tab, **kw)

    monkeypatch.setattr(importer, "read_xlsx", counting)
    at = entry(OFFICER, tab="Nhập từ tệp")
    rows: list[list[Any]] = [[2026, "Chi nhánh không có", "Có", None, None, "Có"], [2026, "BABE001", "Có", None, None, "x"]]
    at.file_uploader(key="imp_file").upload("kh.xlsx", _filled(rows)).run()
    at.run()
    at.run()
    assert reads == ["KeHoach"]  # reruns reuse the result kept under the file's hash
    assert any("dòng 2 của tệp" in e.value for e in at.error), messages(at)
    at.file_uploader(key="imp_file").set_value(("bom.xlsx", b"PK\x03\x04" + bytes(100), "application/octet-stream")).run()
    assert not at.exception
    assert any("Không đọc được tệp" in str(v) for v in report(at)["Vấn đề"])
    assert at.button(key="imp_save").disabled


# --- who sees what -------------------------------------------------------------------------------
@pytest.mark.parametrize("actor", [LEADER, OFFICER, TRAINER])
def test_settings_only_for_administrators(src: Path, actor: str) -> None:
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.session_state["actor"] = actor
    at.run()
    with pytest.raises(ValueError):
        at.switch_page("views/cai_dat.py")
    if actor != OFFICER:  # Nhập liệu: officers and administrators only
        with pytest.raises(ValueError):
            at.switch_page("views/nhap_lieu.py")


def test_settings_for_administrator_show_health_and_save_targets(src: Path) -> None:
    at = entry(ADMIN, "views/cai_dat.py")
    assert at.title[0].value == "Cài đặt"
    health = at.dataframe[0].value
    assert len(health) == len(load(SqliteStore(src)).sheets)
    goto(at, "Chỉ tiêu", "views/cai_dat.py")
    at.session_state["ct_grid_2026"] = {"edited_rows": {2: {"Ngưỡng (%)": 90.0}}, "added_rows": [],
                                        "deleted_rows": []}
    at.run()
    at.button(key="ct_save").click().run()
    assert not at.exception
    ds = load(SqliteStore(src))
    assert ds.thresholds(2026)["T2"] == 90.0
    assert ds.thresholds(2026)["T1B"] == 85.0  # untouched rows are not written
    assert any("Đã lưu 1 chỉ tiêu năm 2026 (T2)" in s.value for s in at.success)  # beside the button, kept
    assert at.session_state["f_tab_cai_dat"] == "Chỉ tiêu"
    goto(at, "Hạn báo cáo", "views/cai_dat.py")
    # report deadlines: the same door
    at.session_state["kb_grid_2026"] = {"edited_rows": {0: {"Hạn nộp": "2026-06-20"}}, "added_rows": [],
                                        "deleted_rows": []}
    at.run()
    at.button(key="kb_save").click().run()
    assert not at.exception
    assert load(SqliteStore(src)).deadlines(2026)[S.PERIOD_HALF] == date(2026, 6, 20)
    # a new user, through the form
    goto(at, "Người dùng và vai trò", "views/cai_dat.py")
    at.run()
    at.text_input(key="f_nd_email").input("Moi.Nguoi@LDLD.vn")
    at.selectbox(key="f_nd_role").set_value(S.ROLE_OFFICER)
    at.selectbox(key="f_nd_unit").set_value("CD")
    at.button[[b.label for b in at.button].index("Lưu người dùng")].click().run()
    assert not at.exception
    user = load(SqliteStore(src)).users["moi.nguoi@ldld.vn"]
    assert (user.role, user.unit) == (S.ROLE_OFFICER, "CD")



def test_movement_review_and_officer_forms_append_versions(src: Path) -> None:
    at = entry(OFFICER, tab="Phong trào")
    # launch a movement, code made by the app
    at.text_input(key="f_pt_name").input("Lao động giỏi, lao động sáng tạo")
    at.date_input(key="f_pt_launched").set_value(date(2026, 3, 1))
    at.date_input(key="f_pt_mid_due").set_value(date(2026, 7, 15))
    at.button[[b.label for b in at.button].index("Phát động")].click().run()
    assert not at.exception, at.exception
    assert "PT2026-BABE-" in messages(at)
    pt = load(SqliteStore(src)).frames["PhongTrao"]
    new = pt[pt["movement"].str.startswith("PT2026-BABE-") & (pt["name"] == "Lao động giỏi, lao động sáng tạo")]
    assert len(new) == 1 and new["unit"].iloc[0] == "BABE"
    code = str(new["movement"].iloc[0])
    assert "Phát động" not in [b.label for b in at.button]  # the saved record, read-only
    at.button(key="pt_again").click().run()
    assert at.text_input(key="f_pt_name").value == ""  # cleared after success only
    # record its mid-term review: a new version, the other fields kept
    at.selectbox(key="pt_pick").set_value(code).run()
    at.date_input(key=f"f_rv_{code}_mid").set_value(date(2026, 7, 10))
    at.button[[b.label for b in at.button].index("Ghi nhận")].click().run()
    assert not at.exception
    rec = load(SqliteStore(src)).frames["PhongTrao"].set_index("movement").loc[code]
    assert rec["mid_held"] == pd.Timestamp(2026, 7, 10) and rec["mid_due"] == pd.Timestamp(2026, 7, 15)
    # assign an officer, then end the assignment
    goto(at, "Cán bộ")
    at.run()
    at.text_input(key="f_cb_name").input("Hà Văn Tú")
    at.selectbox(key="f_cb_unit").set_value("BABE001")
    at.button[[b.label for b in at.button].index("Phân công")].click().run()
    assert not at.exception
    cb = load(SqliteStore(src)).frames["CanBo"]
    officer = cb[cb["name"] == "Hà Văn Tú"]
    assert list(officer["unit"]) == ["BABE001"] and officer["left"].isna().all()
    code = str(officer["officer"].iloc[0])
    at.selectbox(key="f_cbe_officer").set_value(code)
    at.date_input(key="f_cbe_left").set_value(date(2026, 11, 20))
    at.button[[b.label for b in at.button].index("Thôi phân công")].click().run()
    assert not at.exception
    cb = load(SqliteStore(src)).frames["CanBo"].set_index("officer")
    assert cb.at[code, "left"] == pd.Timestamp(2026, 11, 20)
