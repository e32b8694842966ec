"""Đôn đốc in a real Chromium against a real server and a real SMTP server (aiosmtpd).

The server reads a per-test SQLite copy of the demo ("act as" switched on) and the secrets
file written here, whose ``[tdkt.smtp]`` points at an aiosmtpd server started by the test on a
free local port. A district officer (LĐLĐ huyện Ba Bể) opens "Đôn đốc", selects every unit
without a plan, sends the reminders, and sees them logged with today's date; once one of them
has a plan (written through the door), its row says "đã thực hiện sau khi nhắc".
Screenshots: don-doc-1400.png, don-doc-390.png (tests/browser/conftest.py: SCREENSHOTS).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from indicators import followup as FU
from sheets import clock
from sheets import schema as S
from sheets.copy import copy_store
from sheets.load import load
from sheets.sources import open_source
from sheets.stores.sqlite import SqliteStore
from sheets.write import append
from tests import smtp_server as SM
from tests.browser.conftest import SCREENSHOTS, start_server, stop_server, wait_for_app

pytestmark = pytest.mark.browser

OFFICER = "canbo.babe@demo.tdkt.vn"
OFFICER_NAME = "Triệu Thị Mai"
SCOPE = "BABE"


@dataclass
class Setup:
    url: str
    path: Path
    smtp: SM.SmtpServer
    pending: list[str]  # units of BABE without a plan for this year, before the test
    names: dict[str, str]
    scope_name: str


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    tmp = tmp_path_factory.mktemp("don-doc")
    path = tmp / "tdkt.sqlite"
    copy_store(open_source("demo"), SqliteStore(path))
    ds = load(SqliteStore(path))
    today = clock.today()
    fl = FU.follow_up(ds, today.year, today, SCOPE)[S.TOPIC_PLAN]
    pending = list(fl.pending["Mã đơn vị"])
    assert len(pending) >= 2
    smtp = SM.SmtpServer().start()
    secrets = tmp / "secrets.toml"
    secrets.write_text(
        "[tdkt]\n"
        'app_url = "https://tdkt.example.vn/don-doc"\n'
        "[tdkt.smtp]\n"
        f'host = "127.0.0.1"\nport = {smtp.port}\nsecurity = "none"\n'
        'sender = "thiduakhenthuong@ldld.vn"\nsender_name = "LĐLĐ huyện Ba Bể"\n',
        encoding="utf-8",
    )
    proc, url = start_server(env_extra={"TDKT_SOURCE": f"sqlite:{path}", "TDKT_ALLOW_ACT_AS": "1",
                                        "STREAMLIT_SECRETS_FILES": str(secrets)})
    try:
        yield Setup(url, path, smtp, pending, {u: ds.tree.name(u) for u in pending}, ds.tree.name(SCOPE))
    finally:
        stop_server(proc)
        smtp.stop()


def open_page(page: Any, url: str) -> None:
    """Open Đôn đốc by its address (closing Streamlit's "Page not found" dialog of a deep link)."""
    page.goto(url + "/don-doc")
    wait_for_app(page)
    dialog = page.locator('[role="dialog"]').filter(has_text="Page not found")
    if dialog.count() and dialog.first.is_visible():
        dialog.first.get_by_role("button").first.click()
        page.wait_for_timeout(300)
    page.get_by_role("heading", name="Đôn đốc").wait_for(timeout=30000)


def act_as(page: Any, name: str) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    if not sidebar.is_visible():
        page.locator('[data-testid="stExpandSidebarButton"]').click()
    combo = sidebar.get_by_role("combobox", name="Đóng vai")
    combo.click()
    combo.fill(name)
    page.get_by_role("option", name=re.compile(name)).first.click()
    wait_for_app(page)
    page.get_by_role("heading", name="Gửi nhắc việc").wait_for(timeout=30000)  # one who may remind
    close = sidebar.locator('[data-testid="stSidebarCollapseButton"] button')
    if close.count() and close.first.is_visible():
        close.first.click()
    page.wait_for_timeout(400)


def pick_scope(page: Any, name: str) -> None:
    """The officer's own federation in "Phạm vi" (a session that switched role keeps the scope it
    had; one signed in as the officer starts there)."""
    combo = page.get_by_role("combobox", name="Phạm vi")
    combo.click()
    combo.fill(name)
    page.get_by_role("option", name=name, exact=True).click()
    wait_for_app(page)


def topic_box(page: Any) -> str:
    """What the "Nội dung cần đôn đốc" box shows (the topic and its count)."""
    return str(page.get_by_role("combobox", name="Nội dung cần đôn đốc").input_value()).strip()


def row(page: Any, unit: str) -> str:
    """One unit's entry. A rerun may still show the old list beside the new one for a moment
    (seen once in CI): wait until the unit is drawn once."""
    sel = f'.dd-unit[data-unit="{unit}"]'
    page.wait_for_function("s => document.querySelectorAll(s).length === 1", arg=sel, timeout=30000)
    return str(page.locator(sel).inner_text())


def full_shot(page: Any, name: str) -> None:
    width = page.viewport_size["width"]
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stAppViewContainer]')]"
        ".map(e => e.scrollHeight), document.body.scrollHeight)"
    )
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 8000)})
    page.wait_for_timeout(800)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_officer_reminds_the_units_without_a_plan_and_sees_who_acted(setup: Setup, new_page: Any) -> None:
    today = clock.today()
    page = new_page(width=1400, height=1000)
    open_page(page, setup.url)
    act_as(page, OFFICER_NAME)
    pick_scope(page, setup.scope_name)
    assert f"{len(setup.pending)} đơn vị còn thiếu" in page.inner_text("body")
    assert topic_box(page) == f"Kế hoạch — đơn vị chưa có kế hoạch thi đua ({len(setup.pending)})"
    for unit in setup.pending:  # each with what it lacks, before any reminder today
        text = row(page, unit)
        assert f"Còn thiếu: chưa ban hành kế hoạch thi đua năm {today.year}" in text, text
        assert f"Nhắc lần cuối: {today:%d/%m/%Y}" not in text

    page.get_by_role("button", name=f"Chọn tất cả ({len(setup.pending)} đơn vị)").click()
    wait_for_app(page)
    page.get_by_role("button", name=f"Gửi e-mail ({len(setup.pending)} đơn vị)").click()
    page.get_by_text(f"Đã gửi e-mail và ghi nhận nhắc việc cho {len(setup.pending)} đơn vị").wait_for(timeout=60000)
    wait_for_app(page)

    # the SMTP server got one message per unit, in Vietnamese, naming what is missing
    got = {str(d.message["Subject"]): d for d in setup.smtp.handler.accepted}
    assert len(got) == len(setup.pending)
    rcpts: dict[str, str] = {}
    for unit, name in setup.names.items():
        d = got[f"Đôn đốc thực hiện kế hoạch năm {today.year} - {name}"]
        body = d.message.get_content()
        assert body.startswith(f"Kính gửi: {name}.") and "https://tdkt.example.vn/don-doc" in body
        assert d.rcpt_tos
        rcpts[unit] = ", ".join(d.rcpt_tos)
    # logged with today's date: on each row, in the store
    for unit in setup.pending:
        text = row(page, unit)
        assert f"Nhắc lần cuối: {today:%d/%m/%Y} (Email)" in text, text
        assert "đã nhắc, chưa thực hiện" in text
    log = load(SqliteStore(setup.path)).frames["NhacViec"]
    mine = log[(log["date"].dt.date == today) & (log["channel"] == "Email")]
    assert sorted(mine["unit"]) == sorted(setup.pending)
    assert set(mine["sender"]) == {SCOPE} and set(mine["author"]) == {OFFICER}
    assert dict(zip(mine["unit"], mine["to"], strict=True)) == rcpts  # logged with whom it reached

    # one of them issues its plan (through the write door), and the list is read again
    acted = setup.pending[0]
    store = SqliteStore(setup.path)
    append(store, "KeHoach", [{"year": today.year, "unit": acted, "has_plan": True, "issued": today,
                               "launched": True, "doc_no": "12/KH-CĐCS"}], OFFICER, dataset=load(store))
    page.get_by_role("button", name="Làm mới").click()
    wait_for_app(page)
    page.locator(f'.dd-unit[data-unit="{acted}"]').get_by_text("đã thực hiện sau khi nhắc").wait_for(timeout=30000)
    assert "Còn thiếu" not in row(page, acted)
    assert topic_box(page) == f"Kế hoạch — đơn vị chưa có kế hoạch thi đua ({len(setup.pending) - 1})"
    for unit in setup.pending[1:]:
        assert "đã nhắc, chưa thực hiện" in row(page, unit)
    page.mouse.move(0, 0)  # no tooltip left over in the picture
    full_shot(page, "don-doc-1400.png")


def test_on_a_phone_what_is_missing_needs_no_sideways_scrolling(setup: Setup, new_page: Any) -> None:
    page = new_page(width=390, height=844)
    open_page(page, setup.url)
    act_as(page, OFFICER_NAME)
    pick_scope(page, setup.scope_name)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page overflows the 390 px screen by {overflow} px"
    lacks = page.locator(".dd-unit .dd-lack")
    assert lacks.count() >= 1
    for i in range(lacks.count()):
        box = lacks.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    full_shot(page, "don-doc-390.png")
