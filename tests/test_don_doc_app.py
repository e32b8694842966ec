"""AppTest of Đôn đốc against a per-test copy of the demo and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators import followup as FU
from indicators import pipeline as PL
from indicators.dashboard import DOSSIER_LABEL as DL
from sheets import clock
from sheets import schema as S
from sheets.load import load
from sheets.stores.sqlite import SqliteStore
from tests import smtp_server as SM

OFFICER = "canbo.babe@demo.tdkt.vn"
LEADER = "lanhdao@demo.tdkt.vn"
TRAINER = "daotao@demo.tdkt.vn"
KEY = "f_dd_units_ke-hoach"
BTN = "dd_dd_units_ke-hoach"


@pytest.fixture(scope="module")
def smtp() -> Iterator[SM.SmtpServer]:
    server = SM.SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture()
def server(smtp: SM.SmtpServer) -> SM.SmtpServer:
    smtp.handler.mode = SM.ACCEPT
    smtp.handler.accepted.clear()
    return smtp


def app(actor: str, server: SM.SmtpServer | None, topic: str = "ke-hoach") -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.session_state["actor"] = actor
    if server is not None:
        at.secrets["tdkt"] = {"smtp": server.secrets(), "app_url": "https://tdkt.example.vn"}
    at.query_params["chu_de"] = topic
    at.run()
    at.switch_page("views/don_doc.py").run()
    assert not at.exception, at.exception
    return at


def pending(path: Path, scope: str) -> list[str]:
    ds = load(SqliteStore(path))
    today = clock.today()
    fl = FU.follow_up(ds, today.year, today, scope)[S.TOPIC_PLAN]
    return list(fl.pending["Mã đơn vị"])


def html(at: AppTest) -> str:
    return "\n".join(str(h.proto.body) for h in at.get("html"))


def test_officer_sends_plan_reminders(demo_copy: Path, server: SM.SmtpServer) -> None:
    at = app(OFFICER, server)
    topic = next(s for s in at.selectbox if s.label == "Nội dung cần đôn đốc")
    assert topic.value == S.TOPIC_PLAN  # from ?chu_de=ke-hoach
    units = pending(demo_copy, "BABE")
    assert units and set(units) <= set(load(SqliteStore(demo_copy)).tree.subtree("BABE"))
    for u in units:
        assert f'data-unit="{u}"' in html(at)
    at.button(key=f"{BTN}_all").click().run()
    assert at.multiselect(key=KEY).value == units
    at.button(key=f"{BTN}_send").click().run()
    assert not at.exception, at.exception
    mailed = [u for u in units if FU.recipients(load(SqliteStore(demo_copy)), u, clock.today())]
    assert len(server.handler.accepted) == len(mailed)
    assert any("Đã gửi e-mail và ghi nhận nhắc việc" in s.value for s in at.success)
    nv = load(SqliteStore(demo_copy)).frames["NhacViec"]
    today = nv[(nv["date"].dt.date == clock.today()) & (nv["channel"] == "Email")]
    assert sorted(today["unit"]) == sorted(mailed)
    # the units without an address stay selected, with the reason shown
    assert sorted(at.multiselect(key=KEY).value) == sorted(set(units) - set(mailed))
    if set(units) - set(mailed):
        assert any("chưa có địa chỉ e-mail" in e.value for e in at.error)
    assert "https://tdkt.example.vn" in server.handler.accepted[0].message.get_content()


def test_failed_send_records_nothing_and_keeps_the_selection(demo_copy: Path, server: SM.SmtpServer) -> None:
    server.handler.mode = SM.REFUSE_DATA
    at = app(OFFICER, server)
    before = len(load(SqliteStore(demo_copy)).versions["NhacViec"])
    at.button(key=f"{BTN}_all").click().run()
    picked = at.multiselect(key=KEY).value
    at.button(key=f"{BTN}_send").click().run()
    assert not at.exception
    assert at.multiselect(key=KEY).value == picked
    assert any("từ chối" in e.value for e in at.error)
    assert len(load(SqliteStore(demo_copy)).versions["NhacViec"]) == before


def test_zalo_reminders_are_recorded_with_their_channel(demo_copy: Path) -> None:
    at = app(OFFICER, None)
    units = pending(demo_copy, "BABE")[:2]
    at.multiselect(key=KEY).set_value(units).run()
    assert len([c for c in at.code if c.value.startswith("Kính gửi:")]) == len(units)
    at.radio(key=f"{KEY}_channel").set_value("Zalo").run()
    at.button(key=f"{BTN}_record").click().run()
    assert not at.exception
    nv = load(SqliteStore(demo_copy)).frames["NhacViec"]
    got = nv[(nv["date"].dt.date == clock.today()) & (nv["channel"] == "Zalo") & (nv["sender"] == "BABE")]
    assert sorted(got["unit"]) == sorted(units)
    assert any("qua Zalo" in s.value for s in at.success)


def test_leader_reads_the_log_only(demo_copy: Path) -> None:
    at = app(LEADER, None)
    assert not [s for s in at.subheader if s.value == "Gửi nhắc việc"]
    assert any(s.value == "Nhật ký nhắc việc" for s in at.subheader)
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) > 0


def test_trainer_reminds_about_training_only(demo_copy: Path) -> None:
    at = app(TRAINER, None)
    assert any("không có đơn vị nào trong phạm vi" in i.value.lower() for i in at.info)  # plans: not its topic
    at = app(TRAINER, None, topic="tap-huan")
    assert at.multiselect(key="f_dd_units_tap-huan").options


def test_tong_quan_dossier_item_opens_don_doc_with_only_its_units(demo_copy: Path) -> None:
    """Tổng quan's «Cần đôn đốc» shows the dossiers someone must act on; its link opens Đôn đốc on
    the topic «Hồ sơ» with those units only, each with what it lacks, and a message naming the return."""
    ds = load(SqliteStore(demo_copy))
    today = clock.today()
    acts = PL.dossier_actions(ds, today.year, today, "BABE")
    units = list(dict.fromkeys(acts["Mã đơn vị"]))
    assert set(units) == {"BABE004", "BABE"}  # a return at a grassroots union; overdue at the district
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.session_state["actor"] = OFFICER
    at.run()
    assert not at.exception, at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert f"**{len(acts)}** {DL[:1].lower()}{DL[1:]}" in text
    assert any(c.value.startswith("1 bị trả lại, chưa gửi lại") for c in at.caption)
    link = next(p.proto for p in at.get("page_link") if "chu_de=ho-so" in p.proto.query_string)
    assert link.page == "don-doc" and link.label == "Mở danh sách đôn đốc"
    assert any(len(d.value) == len(acts) and "Mã hồ sơ" in d.value.columns for d in at.dataframe)

    at.query_params["chu_de"] = "ho-so"  # following the link
    at.switch_page("views/don_doc.py").run()
    assert not at.exception, at.exception
    topic = next(s for s in at.selectbox if s.label == "Nội dung cần đôn đốc")
    assert topic.value == S.TOPIC_DOSSIER
    page = html(at)
    assert re.findall(r'data-unit="([^"]+)"', page) == units  # these units and only those
    returned = acts[acts["Trạng thái"] == S.DOSSIER_RETURNED].iloc[0]
    back = f"{returned['Ngày trả lại']:%d/%m/%Y}"
    assert f"Còn thiếu: hồ sơ «{returned['Mã hồ sơ']}»" in page and f"bị trả lại ngày {back}, chưa gửi lại" in page
    for code in acts.loc[acts["Mã đơn vị"] == "BABE", "Mã hồ sơ"]:
        assert f"«{code}»" in page
    assert "quá thời hạn xử lý" in page and "Chưa nhắc lần nào trong năm" in page
    key = "f_dd_units_ho-so"
    # the district's own overdue inbox is listed, not offered: one does not remind oneself
    assert at.multiselect(key=key).options == [ds.tree.name(u) for u in units if u != "BABE"]
    assert any("(đơn vị của bạn) cũng còn thiếu nội dung này: xem hộp hồ sơ ở trang Xét duyệt" in c.value
               for c in at.caption)
    at.multiselect(key=key).set_value(["BABE004"]).run()
    body = next(c.value for c in at.code if c.value.startswith("Kính gửi:"))
    assert body.startswith(f"Kính gửi: {ds.tree.name('BABE004')}.")
    assert f"1. Hồ sơ «{returned['Mã hồ sơ']}»" in body and f"bị trả lại ngày {back}, chưa gửi lại" in body
