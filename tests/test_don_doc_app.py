"""AppTest of Đôn đốc against a per-test copy of the demo and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators import followup as FU
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
