"""AppTests of the two dossier pages (SPEC 7) on a per-test SQLite copy of the demo: the
proposing side (Hồ sơ khen thưởng) and the receiving side (Xét duyệt) take every step, and the
store is read back after each one."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from streamlit.testing.v1 import AppTest

from sheets import schema as S
from sheets.load import Dataset, load
from sheets.stores.sqlite import SqliteStore
from sheets.text import fold

OFFICER = "canbo.babe@demo.tdkt.vn"  # LĐLĐ huyện Ba Bể: proposes to the province
DESK = "thidua@demo.tdkt.vn"  # the province's TĐKT desk
SUMMARY = "Đề nghị tặng Bằng khen của LĐLĐ tỉnh năm 2026 (thử)"


def _page(actor: str, page: str) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.session_state["actor"] = actor
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def _click(at: AppTest, label: str) -> None:
    labels = [b.label for b in at.button]
    assert label in labels, labels
    at.button[labels.index(label)].click().run()
    assert not at.exception, at.exception


def _ds(src: Path) -> Dataset:
    return load(SqliteStore(src))


def _now(at: AppTest, kind: str, key: str) -> Any:
    """The widget of a form's field as drawn now: after a save the form drawn again has new
    keys (``key@turn``, components.forms.Flow.k), so a browser cannot keep the old values."""
    def turn(k: str) -> int:
        return 0 if k == key else int(k.split("@")[-1])

    found = [w for w in getattr(at, kind) if w.key == key or str(w.key).startswith(key + "@")]
    assert found, f"no {kind} {key}"
    return max(found, key=lambda w: turn(str(w.key)))


def _texts(at: AppTest, kind: str) -> str:
    return "\n".join(str(e.value) for e in getattr(at, kind))


def _rows(src: Path, tab: str, code: str) -> int:
    ds = _ds(src)
    v = ds.versions[tab]
    return int((v["dossier"] == code).sum())


def test_the_desk_sees_both_pages(demo_copy: Path) -> None:
    at = _page(DESK, "views/xet_duyet.py")
    assert "Xét duyệt" in [t.value for t in at.title]
    assert "quá hạn" in _texts(at, "caption")
    at = _page(DESK, "views/ho_so.py")
    assert "Hồ sơ khen thưởng" in [t.value for t in at.title]


PASTE_BAD = """Đối tượng\tTên người hoặc tập thể\tMã đơn vị\tNhóm đối tượng
Ca nhan\tNông Văn Bốn\t\tCong nhan, lao dong truc tiep
Nhóm\tSai đối tượng\t\t
Cá nhân\tĐơn vị lạ\tXYZ\t
"""
PASTE_GOOD = """Đối tượng\tTên người hoặc tập thể\tMã đơn vị\tNhóm đối tượng\tChức vụ\tGiới tính
Ca nhan\tNông Văn Bốn\t\tCong nhan, lao dong truc tiep\tCông nhân\tNam
Cá nhân\tHoàng Thị Năm\t\tCCVC không giữ chức vụ lãnh đạo, quản lý\tChuyên viên\tNữ
Cá nhân\tLục Văn Sáu\t\tLãnh đạo, quản lý\tPhó Chủ tịch\tNam
Tập thể\tBan Nữ công LĐLĐ huyện Ba Bể\t\t
"""


def _create(at: AppTest) -> str:
    at.text_input(key="f_hs_new_summary").input(SUMMARY)
    _click(at, "Tạo hồ sơ")
    ds = _ds_of(at)
    hs = ds.frames["HoSo"]
    hit = hs[hs["summary"] == SUMMARY]
    assert len(hit) == 1 and hit.iloc[0]["status"] == S.DOSSIER_DRAFT and hit.iloc[0]["unit"] == "BABE"
    code = str(hit.iloc[0]["dossier"])
    assert code.startswith("HS2026-BABE-") and code in _texts(at, "success")
    assert at.session_state["hs_pick"] == code  # the new dossier is the one shown
    return code


def _ds_of(at: AppTest) -> Dataset:
    import os

    return load(SqliteStore(os.environ["TDKT_SOURCE"].removeprefix("sqlite:")))


def _send_five(at: AppTest) -> str:
    """Create a dossier and list five nominees: one by the form, four by paste."""
    code = _create(at)
    at.text_input(key=f"f_hs_line_{code}_name").input("Triệu Văn Một")
    at.selectbox(key=f"f_hs_line_{code}_group").set_value(S.GROUP_WORKER)
    _click(at, "Thêm vào danh sách")
    assert "Đã thêm «Triệu Văn Một» (STT 1)" in _texts(at, "success")
    assert "Thêm vào danh sách" not in [b.label for b in at.button]  # saved: a second click cannot write
    _click(at, "Thêm người khác")
    at.session_state["f_tab_ho_so_lines"] = "Dán danh sách"
    at.run()
    # all or nothing: three problems listed, no row written
    at.text_area(key=f"f_hs_paste_{code}_text").input(PASTE_BAD)
    _click(at, "Thêm cả danh sách")
    err = _texts(at, "error")
    assert "Chưa thêm dòng nào" in err and "Dòng 3" in err and "Dòng 4" in err and "XYZ" in err
    assert len(_lines(_ds_of(at), code)) == 1
    at.text_area(key=f"f_hs_paste_{code}_text").input(PASTE_GOOD)
    _click(at, "Thêm cả danh sách")
    lines = _lines(_ds_of(at), code)
    assert list(lines["line"]) == [1, 2, 3, 4, 5]
    assert lines.set_index("line").at[2, "group"] == S.GROUP_WORKER  # typed without diacritics
    assert set(lines["unit"]) == {"BABE"}
    return code


def _lines(ds: Dataset, code: str) -> Any:
    from sheets.workflow import dossier_lines

    return dossier_lines(ds, code)


def _status(at: AppTest, code: str) -> str:
    return str(_ds_of(at).frames["HoSo"].set_index("dossier").at[code, "status"])


def test_proposer_builds_shares_and_sends_then_withdraws(demo_copy: Path) -> None:
    at = _page(OFFICER, "views/ho_so.py")
    code = _send_five(at)
    # the share against T3's threshold, before sending: workers 2 (Một, Bốn) + staff 1 of 4 Cá nhân
    metric = [m for m in at.metric if "lao động trực tiếp" in m.label]
    assert metric and metric[0].value == "75,0\u00a0%" and "3/4 cá nhân" in str(metric[0].delta)
    versions = _rows(demo_copy, "HoSo", code)
    _click(at, "Gửi hồ sơ")
    assert _status(at, code) == S.DOSSIER_SENT and _rows(demo_copy, "HoSo", code) == versions + 1
    assert "Gửi hồ sơ" not in [b.label for b in at.button]
    assert "Đã gửi hồ sơ" in _texts(at, "success")
    # while sent, the list cannot be edited; the proposer may withdraw
    assert "Thêm vào danh sách" not in [b.label for b in at.button]
    _click(at, "Đóng thông báo")
    _click(at, "Rút hồ sơ")
    assert _status(at, code) == S.DOSSIER_WITHDRAWN
    assert "Rút hồ sơ" not in [b.label for b in at.button]


def test_return_fix_send_again_receive_results_decide(demo_copy: Path) -> None:
    from datetime import date

    from indicators.core import compute

    officer = _page(OFFICER, "views/ho_so.py")
    code = _send_five(officer)
    _click(officer, "Gửi hồ sơ")
    before = compute(_ds_of(officer), 2026, date(2026, 11, 25))["T3"]

    desk = _page(DESK, "views/xet_duyet.py")
    desk.selectbox(key="xd_pick").set_value(code).run()
    assert code in _texts(desk, "markdown")
    # a return needs a reason
    _click(desk, "Trả lại hồ sơ")
    assert "cần ghi «Lý do trả lại»" in _texts(desk, "error") and _status(desk, code) == S.DOSSIER_SENT
    desk.text_area(key=f"f_xd_reason_{code}").input("Thiếu tóm tắt thành tích của cá nhân")
    _click(desk, "Trả lại hồ sơ")
    assert _status(desk, code) == S.DOSSIER_RETURNED
    assert "Đã trả lại hồ sơ" in _texts(desk, "success")

    # the officer reads the reason, fixes a line, sends again
    officer = _page(OFFICER, "views/ho_so.py")
    officer.selectbox(key="hs_pick").set_value(code).run()
    assert "Thiếu tóm tắt thành tích của cá nhân" in _texts(officer, "error")
    officer.session_state["f_tab_ho_so_lines"] = "Bỏ dòng"
    officer.run()
    officer.selectbox(key=f"f_hs_remove_{code}_line").set_value(1)
    _click(officer, "Bỏ dòng này")
    officer.session_state["f_tab_ho_so_lines"] = "Thêm từng người"
    officer.run()
    officer.text_input(key=f"f_hs_line_{code}_name").input("Triệu Văn Một")
    officer.selectbox(key=f"f_hs_line_{code}_group").set_value(S.GROUP_WORKER)
    officer.text_area(key=f"f_hs_line_{code}_achievement").input("Tóm tắt: 3 sáng kiến được áp dụng")
    _click(officer, "Thêm vào danh sách")
    assert list(_lines(_ds_of(officer), code)["line"]) == [2, 3, 4, 5, 6]
    _click(officer, "Gửi lại hồ sơ")
    assert _status(officer, code) == S.DOSSIER_SENT

    # the desk receives, records that the council agreed to all, reviews, decides
    desk = _page(DESK, "views/xet_duyet.py")
    desk.selectbox(key="xd_pick").set_value(code).run()
    _click(desk, "Tiếp nhận hồ sơ")
    assert _status(desk, code) == S.DOSSIER_RECEIVED
    assert "Xét duyệt xong" not in [b.label for b in desk.button]  # no results yet
    desk.checkbox(key=f"f_xd_results_{code}_all").check()
    _click(desk, "Ghi kết quả")
    lines = _lines(_ds_of(desk), code)
    assert set(lines["result"]) == {S.RESULT_AGREED} and set(lines["vote"]) == {100.0}
    # the form drawn again says what was saved: the box unticked, every row «Đồng ý»
    assert not _now(desk, "checkbox", f"f_xd_results_{code}_all").value
    assert {_now(desk, "selectbox", f"f_xd_results_{code}_result_{n}").value for n in lines["line"]} == {S.RESULT_AGREED}
    _click(desk, "Xét duyệt xong")
    assert _status(desk, code) == S.DOSSIER_REVIEWED
    desk.text_input(key=f"f_xd_no_{code}").input("321/QĐ-LĐLĐ")
    desk.text_input(key=f"f_xd_signer_{code}").input("Chủ tịch Hoàng Văn Minh")
    _click(desk, "Ghi quyết định")
    ds = _ds_of(desk)
    assert ds.frames["HoSo"].set_index("dossier").at[code, "status"] == S.DOSSIER_DECIDED
    kt = ds.frames["KhenThuong"]
    awards = kt[kt["dossier"] == code]
    assert sorted(awards["award"]) == sorted(f"{code}-{n}" for n in (2, 3, 4, 5, 6))
    assert set(awards["decision_no"]) == {"321/QĐ-LĐLĐ"} and set(awards["level"]) == {"LĐLĐ tỉnh"}
    assert "5 khen thưởng" in _texts(desk, "success")
    # the decided dossier left «Đang chờ xử lý» but stays picked (not another dossier under the
    # confirmation) until another is chosen
    assert desk.selectbox(key="xd_pick").value == code
    assert f"Hồ sơ {code} vừa chuyển sang «{S.DOSSIER_DECIDED}»" in " ".join(c.value for c in desk.caption)
    assert "có thể trùng khen thưởng" not in _texts(desk, "warning")  # its own awards are no duplicates
    desk.run()  # any later rerun keeps it
    assert desk.selectbox(key="xd_pick").value == code
    others = [c for c in desk.selectbox(key="xd_pick").options if c != code]
    if others:
        desk.selectbox(key="xd_pick").set_value(others[0]).run()
        assert code not in desk.selectbox(key="xd_pick").options
    # T3: four Cá nhân approved, three of them in the two groups (workers Bốn and Một, staff Năm)
    after = compute(ds, 2026, date(2026, 11, 25))["T3"]
    assert (after.numerator - before.numerator, after.denominator - before.denominator) == (3, 4)

    # the decided dossier's documents, made on the page: the decision lists the approved nominees
    desk.selectbox(key="xd_box").set_value("Tất cả").run()
    desk.selectbox(key="xd_pick").set_value(code).run()
    assert desk.selectbox(key="xd_doc_kind").options == ["Tờ trình đề nghị khen thưởng", "Quyết định khen thưởng",
                                                        "Giấy khen, bằng khen (in lên phôi theo mẫu in)"]
    for kind in ("quyet-dinh", "giay-khen"):
        desk.selectbox(key="xd_doc_kind").set_value(kind).run()
        _click(desk, "Lập văn bản")
        assert not desk.error, _texts(desk, "error")
        made = desk.session_state["xd_docs"]
        ((name, content),) = made.values()
        text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs) + "\n".join(
            c.text for t in Document(io.BytesIO(content)).tables for r in t.rows for c in r.cells)
        assert name.endswith(".docx") and all(n in text for n in awards["name"]), (name, text[:500])
    # and as PDF (LibreOffice), ready to download under its own name
    assert desk.selectbox(key="xd_doc_fmt").options == ["Word (.docx)", "PDF"]
    desk.selectbox(key="xd_doc_fmt").set_value("pdf").run()
    _click(desk, "Lập văn bản")
    assert not desk.error, _texts(desk, "error")
    ((name, content),) = desk.session_state["xd_docs"].values()
    assert name == f"giay-khen-{code}.pdf" and content.startswith(b"%PDF"), name


def test_desk_inbox_is_oldest_first_with_overdue_marked(demo_copy: Path) -> None:
    at = _page(DESK, "views/xet_duyet.py")
    frame = at.dataframe[0].value  # the inbox comes first
    assert list(frame.columns)[:3] == ["Mã hồ sơ", "Quá hạn", "Số ngày chờ"] and len(frame) >= 3  # a phone shows these
    sent = [tuple(reversed(d.split("/"))) for d in frame["Ngày gửi"]]
    assert sent == sorted(sent)
    late = frame["Quá hạn"] == "Quá hạn"
    assert late.sum() >= 1 and (frame.loc[late, "Số ngày chờ"] > 10).all()
    assert set(frame["Trạng thái"]) <= {S.DOSSIER_SENT, S.DOSSIER_RECEIVED, S.DOSSIER_REVIEWED}


def test_page_groups_know_the_desk() -> None:
    from components import auth
    from sheets.demo import DEMO_USERS
    from sheets.load import User

    groups = {role: auth.page_groups(auth.Session(auth.MODE_ACT_AS, e, User(e, n, role, u)))
              for e, n, role, u in DEMO_USERS}
    assert auth.ENTRY in groups[S.ROLE_DESK] and auth.SETTINGS not in groups[S.ROLE_DESK]
    assert auth.ENTRY not in groups[S.ROLE_LEADER] and auth.ENTRY not in groups[S.ROLE_TRAINER]


@pytest.mark.parametrize("actor", ["lanhdao@demo.tdkt.vn", "daotao@demo.tdkt.vn"])
@pytest.mark.parametrize("view", ["../views/xet_duyet.py", "../views/ho_so.py"])
def test_read_only_roles_are_refused_by_the_pages(demo_copy: Path, actor: str, view: str) -> None:
    at = AppTest.from_file(view, default_timeout=120)
    at.session_state["actor"] = actor
    at.run()
    assert not at.exception, at.exception
    assert "Bạn không có quyền xem trang này." in _texts(at, "error")
    labels = [b.label for b in at.button]
    assert "Tiếp nhận hồ sơ" not in labels and "Tạo hồ sơ" not in labels


def test_tong_quan_has_the_dossier_panel(demo_copy: Path) -> None:
    from indicators.pipeline import pipeline
    from sheets import clock

    at = AppTest.from_file("../app.py", default_timeout=120)
    at.session_state["actor"] = "lanhdao@demo.tdkt.vn"
    at.run()
    assert not at.exception, at.exception
    assert "Hồ sơ khen thưởng" in [h.value for h in at.subheader]
    boxes = {str(m.value).split("  \n")[0]: str(m.value).split("**")[1] for m in at.markdown
             if "  \n**" in str(m.value)}
    fig = pipeline(_ds_of(at), clock.today().year, clock.today())
    assert boxes["Đang chờ xử lý"] == str(fig["waiting"]) and fig["waiting"] > 0
    assert boxes["Quá hạn"] == str(fig["overdue"])
    assert boxes["Đã từng bị trả lại"] == str(fig["returned"])
    assert boxes["Số ngày xử lý (trung vị)"] == f"{fig['median_days']:g}".replace(".", ",")
    share = fig["direct_share"]
    assert boxes["Lao động trực tiếp trong danh sách"] == f"{share['percent']:.1f}".replace(".", ",") + "\u00a0%"


def test_a_name_already_listed_asks_before_writing(demo_copy: Path) -> None:
    at = _page(OFFICER, "views/ho_so.py")
    code = _create(at)
    for _ in range(2):
        at.text_input(key=f"f_hs_line_{code}_name").input("Triệu Văn Một")
        _click(at, "Thêm vào danh sách")
        if "Thêm người khác" in [b.label for b in at.button]:
            _click(at, "Thêm người khác")
    assert "có hai lần trong danh sách" in _texts(at, "warning")
    assert len(_lines(_ds_of(at), code)) == 1  # nothing written yet
    _click(at, "Không ghi")
    assert len(_lines(_ds_of(at), code)) == 1


def test_after_a_return_the_same_session_can_send_again(demo_copy: Path) -> None:
    # the send's confirmation belongs to the sending: once the desk returns the dossier, the
    # officer's open page offers "Gửi lại hồ sơ" (the old confirmation does not stand in its way)
    from sheets import dossier as D

    at = _page(OFFICER, "views/ho_so.py")
    code = _create(at)
    at.text_input(key=f"f_hs_line_{code}_name").input("Triệu Văn Một")
    _click(at, "Thêm vào danh sách")
    _click(at, "Gửi hồ sơ")
    assert "Đã gửi hồ sơ" in _texts(at, "success")
    D.step(SqliteStore(demo_copy), DESK, code, S.DOSSIER_RETURNED, return_reason="Sai mẫu tờ trình")
    _click(at, "Làm mới")
    assert "Sai mẫu tờ trình" in _texts(at, "error")
    _click(at, "Gửi lại hồ sơ")
    assert _status(at, code) == S.DOSSIER_SENT


def test_earlier_awards_show_while_the_name_is_typed(demo_copy: Path) -> None:
    """Before «Thêm vào danh sách»: typing a name (without diacritics) shows that person's earlier
    awards and exemplar entries, and writes nothing."""
    at = _page(OFFICER, "views/ho_so.py")
    code = _create(at)
    ds = _ds_of(at)
    kt, dh = ds.frames["KhenThuong"], ds.frames["DienHinh"]
    name = next(n for n in kt["name"] if n in set(dh["name"]) and n.startswith("Nông"))
    at.text_input(key=f"f_hs_line_{code}_name").input(fold(name)).run()
    assert not at.exception
    assert f"Khen thưởng và điển hình trước đây của «{fold(name)}»" in _texts(at, "caption")
    hist = next(d.value for d in at.dataframe if "Số quyết định" in d.value.columns)
    decisions = set(kt.loc[kt["name"] == name, "decision_no"])
    assert decisions <= set(hist["Số quyết định"]) and "Điển hình" in set(hist["Loại"])
    assert "None" not in hist.astype(str).to_numpy()  # a blank decision number reads as blank
    assert len(_lines(_ds_of(at), code)) == 0  # looking is not adding
    at.text_input(key=f"f_hs_line_{code}_name").input("Người Chưa Có Tên").run()
    assert "Chưa thấy khen thưởng hay điển hình nào của «Người Chưa Có Tên»" in _texts(at, "caption")
    # the creation's confirmation is history once the dossier has a list
    at.text_input(key=f"f_hs_line_{code}_name").input("Triệu Văn Một")
    _click(at, "Thêm vào danh sách")
    assert "Đã thêm «Triệu Văn Một» (STT 1)" in _texts(at, "success")
    assert "Đã tạo hồ sơ" not in _texts(at, "success")


def test_the_council_result_and_vote_per_nominee(demo_copy: Path) -> None:
    """One result and vote per line; pressing again writes nothing new; changing one line writes
    one version; a «Không đồng ý» leaves the list's share and the awards."""
    officer = _page(OFFICER, "views/ho_so.py")
    code = _send_five(officer)
    _click(officer, "Gửi hồ sơ")
    desk = _page(DESK, "views/xet_duyet.py")
    desk.selectbox(key="xd_pick").set_value(code).run()
    _click(desk, "Tiếp nhận hồ sơ")
    plan = {1: (S.RESULT_REJECTED, 40.0), 2: (S.RESULT_AGREED, 85.5), 3: (S.RESULT_AGREED, 90.0),
            4: (S.RESULT_UPWARD, 75.0), 5: (S.RESULT_AGREED, 100.0)}
    for n, (result, vote) in plan.items():
        desk.selectbox(key=f"f_xd_results_{code}_result_{n}").set_value(result)
        desk.number_input(key=f"f_xd_results_{code}_vote_{n}").set_value(vote)
    _click(desk, "Ghi kết quả")
    assert f"Đã ghi kết quả 5 dòng của {code}" in _texts(desk, "success")
    lines = _lines(_ds_of(desk), code).set_index("line")
    assert {n: (lines.at[n, "result"], float(lines.at[n, "vote"])) for n in plan} == plan
    # the list on screen shows them, the vote with a decimal comma
    shown = next(d.value for d in desk.dataframe if "STT" in d.value.columns).set_index("STT")
    assert shown.at[2, "Kết quả"] == S.RESULT_AGREED and shown.at[2, "Tỉ lệ phiếu (%)"] == "85,5"
    # the inputs now hold what was saved, under new keys; pressing again writes nothing
    assert _now(desk, "selectbox", f"f_xd_results_{code}_result_1").value == S.RESULT_REJECTED
    assert _now(desk, "selectbox", f"f_xd_results_{code}_result_1").key.endswith("@1")
    versions = _rows(demo_copy, "HoSoDanhSach", code)
    _click(desk, "Ghi kết quả")
    assert "Không có kết quả mới để ghi." in _texts(desk, "info")
    assert _rows(demo_copy, "HoSoDanhSach", code) == versions
    _now(desk, "selectbox", f"f_xd_results_{code}_result_4").set_value(S.RESULT_AGREED)
    _click(desk, "Ghi kết quả")
    assert f"Đã ghi kết quả 1 dòng của {code}" in _texts(desk, "success")
    assert _rows(demo_copy, "HoSoDanhSach", code) == versions + 1
    # the share counts Cá nhân not refused: line 1 (a worker) is out
    metric = next(m for m in desk.metric if "lao động trực tiếp" in m.label)
    assert "2/3 cá nhân" in str(metric.delta), metric.delta
