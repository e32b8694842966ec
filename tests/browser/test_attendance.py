"""Attendance on the day, on a phone (390 px), in a real Chromium against a real server.

The server reads a per-test copy of the demo with one course held today and six officers
invited (written through the door beforehand), with "act as" switched on explicitly; the
test picks the coordinator in the sidebar, ticks three boxes, saves, and checks the store.
Screenshots go to the screenshots folder (tests/browser/conftest.py): attendance-390.png, dao-tao-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from indicators import training as T
from sheets import clock
from sheets.copy import copy_store
from sheets.load import load
from sheets.sources import open_source
from sheets.stores.sqlite import SqliteStore
from sheets.write import append
from tests.browser.conftest import SCREENSHOTS, start_server, stop_server, wait_for_app

pytestmark = pytest.mark.browser

TRAINER = "daotao@demo.tdkt.vn"
TRAINER_NAME = "Hà Thị Đào"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str, list[str]]]:
    path = tmp_path_factory.mktemp("attendance") / "tdkt.sqlite"
    store = SqliteStore(path)
    copy_store(open_source("demo"), store)
    ds = load(store)
    today = clock.today()
    code = T.next_course_code(ds, today.year, "BK")
    row = T.course_row(code=code, name="Tập huấn nghiệp vụ TĐKT cho CĐCS", unit="BK", start=today, end=today,
                       place="Hội trường LĐLĐ tỉnh", form="Trực tiếp")
    append(store, "KhoaHoc", [row], TRAINER, dataset=ds)
    ds = load(store)
    invited = list(T.roster(ds, code, "BABE")["officer"][:6])
    append(store, "DiemDanh", T.invitation_rows(code, invited), TRAINER, dataset=ds)
    proc, url = start_server(env_extra={"TDKT_SOURCE": f"sqlite:{path}", "TDKT_ALLOW_ACT_AS": "1"})
    try:
        yield url, path, code, invited
    finally:
        stop_server(proc)


def open_page(page: Any, url: str) -> None:
    """Open the Đào tạo page by its address. Streamlit may first show a "Page not found"
    dialog for a deep link (streamlit/streamlit#9624) before running it: close it."""
    page.goto(url + "/dao-tao")
    wait_for_app(page)
    dialog = page.locator('[role="dialog"]').filter(has_text="Page not found")
    if dialog.count() and dialog.first.is_visible():
        dialog.first.get_by_role("button").first.click()
        page.wait_for_timeout(300)
    page.get_by_role("heading", name="Đào tạo").wait_for(timeout=30000)


def act_as(page: Any, name: str) -> None:
    """Pick a user in the sidebar's "Đóng vai" box (the sidebar is folded on a phone)."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    if not sidebar.is_visible():
        page.locator('[data-testid="stExpandSidebarButton"]').click()
    combo = sidebar.get_by_role("combobox", name="Đóng vai")
    combo.click()
    combo.fill(name)
    page.get_by_role("option", name=re.compile(name)).first.click()
    wait_for_app(page)
    page.get_by_role("radio", name="Điểm danh").wait_for(timeout=30000)  # a coordinator's page
    close = sidebar.locator('[data-testid="stSidebarCollapseButton"] button')
    if close.count() and close.first.is_visible():
        close.first.click()
    page.wait_for_timeout(400)


def full_shot(page: Any, name: str) -> None:
    """A screenshot of the whole page at the current width. Streamlit scrolls inside its
    main container, so the viewport is made as tall as the content for the picture."""
    width = page.viewport_size["width"]
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stAppViewContainer]')]"
        ".map(e => e.scrollHeight), document.body.scrollHeight)"
    )
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 8000)})
    page.wait_for_timeout(800)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_mark_attendance_on_a_phone(prepared: tuple[str, Path, str, list[str]], new_page: Any) -> None:
    url, path, code, invited = prepared
    page = new_page(width=390, height=844)
    open_page(page, url)
    act_as(page, TRAINER_NAME)
    page.get_by_text("Điểm danh", exact=True).click()
    wait_for_app(page)
    assert code in page.get_by_role("combobox", name="Khóa tập huấn").input_value()  # today's course
    assert "Có mặt: 0/6" in page.inner_text("body")

    boxes = page.locator('[data-testid="stCheckbox"]')
    # the caption above may arrive before the list below it on a loaded machine: wait for the list
    expect(boxes).to_have_count(6, timeout=30000)
    # nothing on the page is wider than the phone
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page overflows the 390 px screen by {overflow} px"
    for i in range(3):
        boxes.nth(i).locator("label").click()
    page.get_by_role("button", name="Lưu điểm danh").click()
    page.get_by_text("Đã lưu điểm danh: 3 thay đổi").wait_for(timeout=30000)
    wait_for_app(page)
    assert "Có mặt: 3/6" in page.inner_text("body")
    full_shot(page, "attendance-390.png")

    ds = load(SqliteStore(path))
    sheet = T.attendance_sheet(ds, code).set_index("officer")["present"]
    assert int(sheet.sum()) == 3 and len(sheet) == 6
    assert set(sheet[sheet].index) <= set(invited)

    # marking again from another phone that saw the old sheet changes nothing it did not touch
    other = new_page(width=390, height=844)
    open_page(other, url)
    act_as(other, TRAINER_NAME)
    other.get_by_text("Điểm danh", exact=True).click()
    wait_for_app(other)
    assert "Có mặt: 3/6" in other.inner_text("body")


def test_coverage_screenshots(prepared: tuple[str, Path, str, list[str]], new_page: Any) -> None:
    url = prepared[0]
    for width, name in ((1280, "dao-tao-1280.png"), (390, "dao-tao-390.png")):
        page = new_page(width=width, height=900)
        open_page(page, url)
        page.wait_for_selector('[data-testid="stVegaLiteChart"], .vega-embed', timeout=30000)
        page.wait_for_timeout(800)
        text = page.inner_text("body")
        assert "Cán bộ chưa được tập huấn trong năm" in text and "Theo công đoàn cấp trên cơ sở" in text
        full_shot(page, name)
