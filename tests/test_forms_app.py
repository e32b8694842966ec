"""AppTest of the one form lifecycle (components.forms.Flow) on Nhập liệu › Phong trào.

A per-test SQLite copy of the demo; the store itself is read back to count records.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from sheets.load import load
from sheets.stores.sqlite import SqliteStore

OFFICER = "canbo.babe@demo.tdkt.vn"
NAME = "Thi đua nước rút cuối năm"


def _entry(tab: str) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.session_state["actor"] = OFFICER
    at.run()
    at.switch_page("views/nhap_lieu.py")
    at.session_state["f_tab_nhap_lieu"] = tab
    at.run()
    assert not at.exception, at.exception
    return at


def _movements(src: Path, name: str) -> list[str]:
    pt = load(SqliteStore(src)).frames["PhongTrao"]
    return sorted(pt.loc[pt["name"] == name, "movement"])


def _click(at: AppTest, label: str) -> None:
    at.button[[b.label for b in at.button].index(label)].click().run()
    assert not at.exception, at.exception


def _fill(at: AppTest) -> None:
    at.text_input(key="f_pt_name").input(NAME)
    at.date_input(key="f_pt_launched").set_value(date(2026, 10, 1))


def test_saved_form_shows_the_record_and_cannot_write_again(demo_copy: Path) -> None:
    at = _entry("Phong trào")
    _fill(at)
    _click(at, "Phát động")
    codes = _movements(demo_copy, NAME)
    assert len(codes) == 1
    shown = "\n".join(str(s.value) for s in at.success)
    assert codes[0] in shown and "đã ghi 1 dòng" in shown
    text = "\n".join(str(m.value) for m in at.markdown)
    assert "**Tên phong trào:** " + NAME in text and "**Ngày phát động:** 01/10/2026" in text
    # the form is gone: no second "Phát động" can be clicked; the tab stayed on Phong trào
    assert "Phát động" not in [b.label for b in at.button]
    assert at.session_state["f_tab_nhap_lieu"] == "Phong trào"
    _click(at, "Thêm mới")
    assert at.text_input(key="f_pt_name").value == ""
    assert _movements(demo_copy, NAME) == codes


def test_look_alike_movement_asks_before_writing(demo_copy: Path) -> None:
    at = _entry("Phong trào")
    _fill(at)
    _click(at, "Phát động")
    _click(at, "Thêm mới")
    _fill(at)
    _click(at, "Phát động")
    warn = "\n".join(str(w.value) for w in at.warning)
    first = _movements(demo_copy, NAME)
    assert len(first) == 1 and first[0] in warn  # nothing written yet; the look-alike is named
    _click(at, "Không ghi")
    assert _movements(demo_copy, NAME) == first
    assert at.text_input(key="f_pt_name").value == NAME  # the input is kept
    _click(at, "Phát động")
    _click(at, "Vẫn ghi")
    assert len(_movements(demo_copy, NAME)) == 2


def test_a_run_stopped_after_its_write_still_confirms_it(demo_copy: Path) -> None:
    """A second click reaching the server while the first save runs stops that run at its next
    touch of the session (Streamlit); the write may have landed. The next run must say so."""
    at = _entry("Phong trào")
    _fill(at)
    _click(at, "Phát động")
    versions = load(SqliteStore(demo_copy)).versions["PhongTrao"]
    wid = str(versions.loc[versions["name"] == NAME, "write_id"].iloc[0])
    row = {"name": NAME, "launched": date(2026, 10, 1)}
    # as the stopped run left it: the write recorded as under way, the inputs not yet cleared
    at.session_state["_flow_pt"] = {"phase": "writing", "write_id": wid, "what": "Đã phát động «X»",
                                    "keep": False, "rows": [row]}
    at.session_state["f_pt_name"] = NAME
    at.run()
    assert "Đã phát động «X» — đã ghi 1 dòng." in _successes(at)
    assert "Phát động" not in [b.label for b in at.button]
    _click(at, "Thêm mới")
    assert at.text_input(key="f_pt_name").value == ""
    # stopped before it landed: a draft again, the input kept, nothing written
    at.session_state["_flow_pt"] = {"phase": "writing", "write_id": "chua-ghi", "what": "Y",
                                    "keep": False, "rows": [row]}
    at.session_state["f_pt_name"] = "Tên còn giữ"
    at.run()
    assert "Phát động" in [b.label for b in at.button]
    assert at.text_input(key="f_pt_name").value == "Tên còn giữ"
    assert len(_movements(demo_copy, NAME)) == 1


# --- the same lifecycle on the other pages that write ----------------------------------------
def _page(page: str, tab_key: str | None = None, tab: str | None = None, actor: str = OFFICER) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.session_state["actor"] = actor
    at.run()
    at.switch_page(page)
    if tab_key:
        at.session_state[tab_key] = tab
    at.run()
    assert not at.exception, at.exception
    return at


def _successes(at: AppTest) -> str:
    return "\n".join(str(s.value) for s in at.success)


def test_award_list_written_once_and_the_same_list_again_asks_first(demo_copy: Path) -> None:
    at = _entry("Khen thưởng")
    at.radio(key="f_kt_mode").set_value("Cả danh sách của một quyết định").run()
    at.text_input(key="f_kl_no").input("77/QĐ-LĐLĐ").run()
    at.date_input(key="f_kl_decided").set_value(date(2026, 11, 20)).run()
    at.selectbox(key="f_kl_form").set_value("Giấy khen").run()
    pasted = ("Phạm Văn Hai Lần\tTổ trưởng\tBABE001\tCông nhân, lao động trực tiếp\tNam\t\n"
              "Đinh Thị Hai Lần\tNhân viên\tBABE002\tCông nhân, lao động trực tiếp\tNữ\t\n")
    at.text_area(key="f_kl_text").input(pasted).run()
    assert "sẵn sàng ghi" in _successes(at)
    _click(at, "Ghi 2 khen thưởng")

    def mine() -> int:
        kt = load(SqliteStore(demo_copy)).versions["KhenThuong"]
        return int(kt["name"].astype(str).str.endswith("Hai Lần").sum())

    assert mine() == 2
    assert "Đã thêm 2 khen thưởng" in _successes(at) and "đã ghi 2 dòng" in _successes(at)
    assert "kl_save" not in [b.key for b in at.button]  # no second click possible
    assert at.session_state["f_tab_nhap_lieu"] == "Khen thưởng"
    _click(at, "Nhập danh sách khác")
    assert at.text_area(key="f_kl_text").value == ""
    at.text_input(key="f_kl_no").input("77/QĐ-LĐLĐ").run()
    at.date_input(key="f_kl_decided").set_value(date(2026, 11, 20)).run()
    at.selectbox(key="f_kl_form").set_value("Giấy khen").run()
    at.text_area(key="f_kl_text").input(pasted).run()
    _click(at, "Ghi 2 khen thưởng")  # the same list again: a question, nothing written
    assert any("2 trong 2 dòng giống khen thưởng đã có" in str(w.value) for w in at.warning)
    assert mine() == 2
    _click(at, "Không ghi")
    assert mine() == 2


def test_dien_hinh_add_once_then_edit_in_the_second_tab(demo_copy: Path) -> None:
    at = _page("views/dien_hinh.py")
    at.text_input(key="f_dh_add_name").input("Tổ sản xuất bấm hai lần")
    at.button(key="btn_f_dh_add_submit").click().run()
    assert not at.exception, at.exception

    def versions(name: str) -> int:
        dh = load(SqliteStore(demo_copy)).versions["DienHinh"]
        return int((dh["name"] == name).sum())

    assert versions("Tổ sản xuất bấm hai lần") == 1
    assert "Đã thêm điển hình «Tổ sản xuất bấm hai lần»" in _successes(at)
    assert "btn_f_dh_add_submit" not in [b.key for b in at.button]
    # the second tab: edit, save, stay there; the record is shown read-only
    at.session_state["f_tab_dien_hinh"] = "Sửa điển hình"
    at.run()
    code = at.selectbox(key="dh_edit_pick").value
    at.text_input(key=f"f_dh_edit_{code}_name").input("Tên đã sửa một lần")
    at.button(key=f"btn_f_dh_edit_{code}_submit").click().run()
    assert not at.exception, at.exception
    assert at.session_state["f_tab_dien_hinh"] == "Sửa điển hình"
    assert not at.error, [e.value for e in at.error]
    assert versions("Tên đã sửa một lần") == 1
    assert f"btn_f_dh_edit_{code}_submit" not in [b.key for b in at.button]
    assert "**Tên:** Tên đã sửa một lần" in "\n".join(str(m.value) for m in at.markdown)


def test_bao_cao_record_once_and_the_tracking_tab_is_kept(demo_copy: Path) -> None:
    at = _page("views/bao_cao.py", "f_tab_bao_cao", "Theo dõi gửi báo cáo")

    at.text_input(key="f_bc_doc").input("99/BC-HAI-LAN")
    at.button(key="bc_submit").click().run()
    assert not at.exception, at.exception
    bc = load(SqliteStore(demo_copy)).versions["BaoCao"]
    assert int((bc["doc_no"] == "99/BC-HAI-LAN").sum()) == 1
    assert "Đã ghi nhận báo cáo" in _successes(at) and "đã ghi 1 dòng" in _successes(at)
    assert "bc_submit" not in [b.key for b in at.button]  # no second click possible
    assert at.session_state["f_tab_bao_cao"] == "Theo dõi gửi báo cáo"
    _click(at, "Ghi nhận đơn vị khác")
    assert at.text_input(key="f_bc_doc").value == ""


# --- right defaults ---------------------------------------------------------------------------
def test_after_a_role_switch_an_officer_lands_on_their_own_unit() -> None:
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.run()  # the demo's default user, a provincial leader: the province
    province = at.selectbox(key="scope").value
    at.session_state["actor"] = OFFICER  # the sidebar's switcher
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="scope").value == "BABE" != province
    at.switch_page("views/bao_cao.py").run()
    assert at.selectbox(key="bc_unit").value == "BABE"


def test_year_and_scope_chosen_on_one_page_hold_on_the_others() -> None:
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.session_state["actor"] = "quantri@demo.tdkt.vn"
    at.run()
    at.selectbox(key="year").select(2024).run()
    at.selectbox(key="scope").select("GD").run()
    at.switch_page("views/dien_hinh.py").run()
    assert not at.exception, at.exception
    assert (at.selectbox(key="dh_year").value, at.selectbox(key="dh_scope").value) == (2024, "GD")
    at.switch_page("views/bao_cao.py").run()
    assert (at.selectbox(key="bc_year").value, at.selectbox(key="bc_unit").value) == (2024, "GD")
    at.selectbox(key="bc_year").select(2025).run()  # and back the other way
    at.switch_page("views/khen_thuong.py").run()
    assert (at.selectbox(key="year").value, at.selectbox(key="scope").value) == (2025, "GD")


def test_overview_caption_names_the_date_compared_for_a_past_year() -> None:
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.run()
    at.selectbox(key="year").select(2024).run()  # today is 25/11/2026: the year 2024 is compared at 31/12/2023
    captions = "\n".join(str(c.value) for c in at.caption)
    assert "so với cùng ngày năm trước, 31/12/2023" in captions, captions
    assert "25/11/2025" not in captions


# --- phones: the columns a person acts on first ------------------------------------------------
def test_phone_order_puts_name_missing_and_contact_first() -> None:
    from components.tables import phone_order

    assert phone_order(["Mã cán bộ", "Họ tên", "Mã đơn vị", "Chức vụ", "Điện thoại", "Email"])[:3] == [
        "Họ tên", "Điện thoại", "Email"]
    assert phone_order(["Mã đơn vị", "Tên đơn vị", "Cấp trên", "Kỳ", "Hạn nộp", "Ngày gửi", "Tình trạng"])[:3] == [
        "Tên đơn vị", "Tình trạng", "Hạn nộp"]
    assert phone_order(["Bảng tính", "Đơn vị", "Liên kết", "Đọc lúc", "Tình trạng", "Lỗi", "Cảnh báo"])[:3] == [
        "Bảng tính", "Tình trạng", "Lỗi"]


def test_plan_grid_shows_the_union_name_then_the_ticks() -> None:
    at = _entry("Kế hoạch năm")
    cols = list(at.data_editor[0].value.columns)
    assert cols[:3] == ["Tên đơn vị", "Có kế hoạch", "Đã phát động"]


def test_pct_keeps_the_percent_sign_with_its_number() -> None:
    from components.fmt import pct

    assert pct(87.5) == "87,5\u00a0%" and pct(100, 0) == "100\u00a0%"
