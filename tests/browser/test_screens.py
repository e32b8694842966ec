"""What a person sees, in Debian's Chromium against a real server on a per-module copy of the demo.

- The string walk: as each demo role (every demo user under ``-m wide``), every page of the
  menu; no English of Streamlit's own, no raw value ("None", "nan", "100.0") is visible, in
  text, placeholders, tooltips or aria-labels, nor in the cells a grid draws.
- Each data-entry role fills a form in a page's second (or later) tab and clicks its button
  twice fast: one record in the store, the confirmation visible and in the viewport, still
  there after 5 s, the tab still selected. On a phone, the same after saving at the bottom of
  a long page.
- At 390 px: the sidebar closes after a page is tapped, nothing is wider than the screen, and
  nothing covers the tab bar.

The widest matrix (every demo user x every page x 1400 and 390 px) runs with ``-m wide``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from components import auth
from sheets.copy import copy_store
from sheets.load import load
from sheets.sources import open_source
from sheets.stores.sqlite import SqliteStore
from tests.browser.conftest import click_twice, start_server, stop_server, wait_for_app
from tests.oidc.harness import demo_users

pytestmark = pytest.mark.browser

# e-mail -> (name as the "Đóng vai" box shows it, role)
USERS = {
    "lanhdao@demo.tdkt.vn": ("Hoàng Thị Thanh Huyền", "Lãnh đạo tỉnh"),
    "canbo.babe@demo.tdkt.vn": ("Triệu Thị Mai", "Cán bộ cấp trên cơ sở"),
    "canbo.gd@demo.tdkt.vn": ("Lý Văn Giang", "Cán bộ cấp trên cơ sở"),
    "quantri@demo.tdkt.vn": ("Nông Văn Quang", "Quản trị"),
    "daotao@demo.tdkt.vn": ("Hà Thị Đào", "Điều phối đào tạo"),
    "daotao.cd@demo.tdkt.vn": ("Ma Văn Cường", "Điều phối đào tạo"),
    "thidua@demo.tdkt.vn": ("Lường Thị Thu", "Cán bộ thi đua tỉnh"),
}
ONE_PER_ROLE = ["lanhdao@demo.tdkt.vn", "canbo.babe@demo.tdkt.vn", "quantri@demo.tdkt.vn", "daotao@demo.tdkt.vn",
                "thidua@demo.tdkt.vn"]

# what no user may see (SPEC: Vietnamese everywhere a user looks)
FORBIDDEN = {
    "None": re.compile(r"\bNone\b"),
    "nan": re.compile(r"\bnan\b"),
    "NaT": re.compile(r"\bNaT\b"),
    "True/False": re.compile(r"\b(True|False)\b"),
    "100.0": re.compile(r"(?<![\d.,])100\.0(?![\d])"),
    "Choose options": re.compile(r"Choose options"),
    "Select all": re.compile(r"Select all", re.I),
    "Choose an option": re.compile(r"Choose an option"),
    "Upload": re.compile(r"\bUpload\b"),
    "Drag and drop": re.compile(r"Drag and drop", re.I),
    "per file": re.compile(r"per file"),
    "Press Enter": re.compile(r"Press Enter"),
    "dd / mm / yyyy": re.compile(r"dd\s+/\s+mm\s+/\s+yyyy", re.I),  # a date field; not "dd/mm/yyyy" in advice
    "Page not found": re.compile(r"Page not found", re.I),
    "registry": re.compile(r"registry", re.I),
    "Running the app's main page": re.compile(r"main page", re.I),
}

# visible text, and the placeholders, tooltips and aria-labels of visible elements, and the
# cells a grid draws (a canvas, mirrored in an accessible table)
_SEEN = """() => {
  const out = [document.body.innerText];
  const vis = (e) => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  for (const e of document.querySelectorAll('[placeholder], [title], [aria-label]')) {
    if (!vis(e)) continue;
    for (const a of ['placeholder', 'title', 'aria-label']) { const v = e.getAttribute(a); if (v) out.push(v); }
  }
  for (const e of document.querySelectorAll('[data-testid="stDataFrame"] td, [data-testid="stDataFrame"] th,'
       + '[data-testid="stDataFrameResizable"] td')) out.push(e.textContent);
  for (const t of document.querySelectorAll('[role="tooltip"], [data-testid="stTooltipContent"]')) out.push(t.innerText);
  return out.join('\\n');
}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    path = tmp_path_factory.mktemp("screens") / "tdkt.sqlite"
    copy_store(open_source("demo"), SqliteStore(path))
    proc, url = start_server(env_extra={"TDKT_SOURCE": f"sqlite:{path}", "TDKT_ALLOW_ACT_AS": "1"})
    try:
        yield url, path
    finally:
        stop_server(proc)


def _wide_only(request: pytest.FixtureRequest) -> None:
    if "wide" not in str(request.config.getoption("-m") or ""):
        pytest.skip("the widest matrix runs with -m wide")


# --- driving the app as a person does ---------------------------------------------------------
def settle(page: Any) -> None:
    """Wait until the script run the last action started is over."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=60000)
    page.wait_for_timeout(400)


def sidebar(page: Any) -> Any:
    return page.locator('[data-testid="stSidebar"]')


def sidebar_open(page: Any) -> bool:
    box = sidebar(page).bounding_box()
    return bool(box and box["width"] > 50 and box["x"] >= 0)


def open_sidebar(page: Any) -> None:
    if not sidebar_open(page):
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        page.wait_for_timeout(500)


def act_as(page: Any, email: str) -> None:
    name = USERS[email][0]
    open_sidebar(page)
    combo = sidebar(page).get_by_role("combobox", name="Đóng vai")
    combo.click()
    combo.fill(name)
    page.get_by_role("option", name=re.compile(name)).first.click()
    wait_for_app(page)
    page.wait_for_function(
        "n => { const s = document.querySelector('[data-testid=stSidebar]'); return s.innerText.includes(n)"
        " || [...s.querySelectorAll('input')].some(i => (i.value || '').includes(n)); }", arg=name, timeout=30000)
    wait_for_app(page)


def start(new_page: Any, url: str, email: str, width: int) -> Any:
    page = new_page(width=width, height=900 if width > 500 else 844)
    page.goto(url)
    wait_for_app(page)
    act_as(page, email)
    return page


def menu(page: Any) -> list[str]:
    """The titles of the pages this role's menu shows."""
    open_sidebar(page)
    links = sidebar(page).locator('[data-testid="stSidebarNav"] a')
    titles = []
    for i in range(links.count()):
        link = links.nth(i)
        if link.is_visible():
            titles.append(link.inner_text().strip().splitlines()[-1].strip())  # after the icon's name
    return titles


def go(page: Any, title: str) -> None:
    """Tap a page in the menu (opening the sidebar first on a phone)."""
    open_sidebar(page)
    sidebar(page).locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first.click()
    settle(page)
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=30000)
    page.wait_for_timeout(300)


def tab(page: Any, label: str) -> Any:
    return page.get_by_role("tab", name=label, exact=True)


def open_tab(page: Any, label: str) -> None:
    tab(page, label).click()
    settle(page)


def offending(page: Any) -> dict[str, list[str]]:
    text = page.evaluate(_SEEN)
    hits: dict[str, list[str]] = {}
    for name, rx in FORBIDDEN.items():
        for m in rx.finditer(text):
            hits.setdefault(name, []).append(text[max(0, m.start() - 40):m.end() + 40].replace("\n", " ⏎ "))
    return hits


def walk(page: Any) -> dict[str, dict[str, list[str]]]:
    """Every page of the menu, and every tab of it: what is seen that should not be."""
    found: dict[str, dict[str, list[str]]] = {}
    for title in menu(page):
        go(page, title)
        tabs = page.get_by_role("tab")
        labels = [tabs.nth(i).inner_text().strip() for i in range(tabs.count()) if tabs.nth(i).is_visible()]
        views = [None, *labels[1:]] if labels else [None]
        for label in views:
            if label is not None:
                open_tab(page, label)
            hits = offending(page)
            if hits:
                found[f"{title} › {label or 'đầu trang'}"] = hits
    return found


# --- (a) the string walk ----------------------------------------------------------------------
@pytest.mark.parametrize("email", ONE_PER_ROLE)
def test_no_english_or_raw_value_on_any_page(app: tuple[str, Path], new_page: Any, email: str) -> None:
    page = start(new_page, app[0], email, 1400)
    # after the switch from the default user, the menu is this role's (pages of others hidden)
    groups = auth.page_groups(auth.Session(auth.MODE_OIDC, email, demo_users()[email]))
    shown = menu(page)
    assert ("Nhập liệu" in shown) == (auth.ENTRY in groups) and ("Cài đặt" in shown) == (auth.SETTINGS in groups), shown
    found = walk(page)
    assert not found, f"{USERS[email][1]}: {found}"


@pytest.mark.wide
@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("email", list(USERS))
def test_no_english_or_raw_value_wide(app: tuple[str, Path], new_page: Any, email: str, width: int,
                                      request: pytest.FixtureRequest) -> None:
    _wide_only(request)
    page = start(new_page, app[0], email, width)
    found = walk(page)
    assert not found, f"{USERS[email][1]} at {width} px: {found}"


# --- (b) save twice fast: one record, the confirmation stays in view, the tab stays ---------
def _confirmation_stays(page: Any, text: str) -> None:
    msg = page.get_by_text(text).first
    msg.wait_for(timeout=30000)
    settle(page)
    page.wait_for_timeout(5000)
    assert msg.is_visible(), f"«{text}» is gone after 5 s"
    box = msg.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= height, (
        f"«{text}» is outside the viewport: {box}, viewport height {height}")


def _count(path: Path, tab_name: str, attr: str, value: str) -> int:
    versions = load(SqliteStore(path)).versions[tab_name]
    return int((versions[attr].astype(str) == value).sum())


def _selected(page: Any, label: str) -> bool:
    return tab(page, label).get_attribute("aria-selected") == "true"


@pytest.mark.parametrize("width", [1400, 390])
def test_officer_launches_a_movement_once_in_the_second_tab(app: tuple[str, Path], new_page: Any,
                                                          width: int) -> None:
    url, path = app
    page = start(new_page, url, "canbo.babe@demo.tdkt.vn", width)
    go(page, "Nhập liệu")
    open_tab(page, "Phong trào")
    name = f"Thi đua bấm hai lần {width}"
    page.get_by_label("Tên phong trào *").fill(name)
    click_twice(page.get_by_role("button", name="Phát động", exact=True))
    _confirmation_stays(page, f"Đã phát động phong trào «{name}»")
    assert _count(path, "PhongTrao", "name", name) == 1
    assert _selected(page, "Phong trào")
    assert page.get_by_role("button", name="Phát động", exact=True).count() == 0  # no second write possible


def test_officer_records_a_review_at_the_bottom_on_a_phone(app: tuple[str, Path], new_page: Any) -> None:
    url, path = app
    page = start(new_page, url, "canbo.babe@demo.tdkt.vn", 390)
    go(page, "Nhập liệu")
    open_tab(page, "Phong trào")
    button = page.get_by_role("button", name="Ghi nhận", exact=True)
    button.scroll_into_view_if_needed()
    mv = page.get_by_role("combobox", name="Phong trào").input_value().split(" — ")[0]
    before = _count(path, "PhongTrao", "movement", mv)
    click_twice(button)
    _confirmation_stays(page, f"Đã ghi nhận sơ kết, tổng kết của phong trào {mv}")
    assert _count(path, "PhongTrao", "movement", mv) == before + 1
    assert _selected(page, "Phong trào")


def test_admin_assigns_an_officer_once_in_the_fourth_tab(app: tuple[str, Path], new_page: Any) -> None:
    url, path = app
    page = start(new_page, url, "quantri@demo.tdkt.vn", 1400)
    go(page, "Nhập liệu")
    open_tab(page, "Cán bộ")
    name = "Cán Bộ Bấm Hai Lần"
    page.get_by_label("Họ tên *").fill(name)
    click_twice(page.get_by_role("button", name="Phân công", exact=True))
    _confirmation_stays(page, f"Đã phân công cán bộ «{name}»")
    assert _count(path, "CanBo", "name", name) == 1
    assert _selected(page, "Cán bộ")


def test_trainer_adds_a_course_once(app: tuple[str, Path], new_page: Any) -> None:
    url, path = app
    page = start(new_page, url, "daotao@demo.tdkt.vn", 1400)
    go(page, "Đào tạo")
    page.get_by_text("Khóa tập huấn", exact=True).first.click()
    wait_for_app(page)
    page.get_by_text("Thêm khóa tập huấn").first.click()
    name = "Khóa bấm hai lần"
    page.get_by_label("Tên khóa *").first.fill(name)
    click_twice(page.get_by_role("button", name="Thêm khóa", exact=True))
    _confirmation_stays(page, f"Đã thêm khóa «{name}»")
    assert _count(path, "KhoaHoc", "name", name) == 1
    assert page.get_by_role("radio", name="Khóa tập huấn").is_checked()  # the view is kept


# --- (c) phones -------------------------------------------------------------------------------
_OVERFLOW = """() => Math.max(document.documentElement.scrollWidth - window.innerWidth,
  ...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stMainBlockContainer]')]
     .map(e => e.scrollWidth - e.clientWidth))"""

_TABS_COVERED = """() => {
  const bad = [];
  for (const t of document.querySelectorAll('[role=tab]')) {
    const r = t.getBoundingClientRect();
    if (!r.width || r.right < 0 || r.left > window.innerWidth) continue;
    const x = Math.min(Math.max(r.left + r.width / 2, 1), window.innerWidth - 1), y = r.top + r.height / 2;
    if (y < 0 || y > window.innerHeight) continue;
    const e = document.elementFromPoint(x, y);
    const own = e && e.closest('[data-testid^=stTabsScroll]');  // the tab bar's own scroll arrows
    if (!e || !(t === e || t.contains(e) || own)) bad.push(t.innerText + ' covered by ' + (e && (e.getAttribute('data-testid') || e.tagName)));
  }
  return bad;
}"""


@pytest.mark.parametrize("email", ["canbo.babe@demo.tdkt.vn", "quantri@demo.tdkt.vn"])
def test_phone_sidebar_closes_nothing_overflows_tabs_uncovered(app: tuple[str, Path], new_page: Any,
                                                               email: str) -> None:
    page = start(new_page, app[0], email, 390)
    for title in menu(page):
        go(page, title)
        page.wait_for_timeout(600)
        assert not sidebar_open(page), f"the sidebar stayed open after tapping «{title}»"
        overflow = page.evaluate(_OVERFLOW)
        assert overflow <= 1, f"«{title}» is {overflow} px wider than the phone"
        covered = page.evaluate(_TABS_COVERED)
        assert not covered, f"«{title}»: {covered}"
        grid = page.locator('[data-testid="stDataFrame"]:visible').first
        if grid.count():  # a tap where the grid's toolbar would be still reaches the tab bar
            grid.hover()
            page.wait_for_timeout(200)
            assert not page.evaluate(_TABS_COVERED), f"«{title}»: the grid's toolbar covers the tabs"


def test_admin_saves_a_user_once_in_the_second_tab_on_a_phone(app: tuple[str, Path], new_page: Any) -> None:
    url, path = app
    page = start(new_page, url, "quantri@demo.tdkt.vn", 390)
    go(page, "Cài đặt")
    open_tab(page, "Người dùng và vai trò")
    email = "hai.lan@demo.tdkt.vn"
    page.get_by_label("Email *").fill(email)
    page.get_by_label("Họ tên").fill("Người Dùng Bấm Hai Lần")
    click_twice(page.get_by_role("button", name="Lưu người dùng", exact=True))
    _confirmation_stays(page, f"Đã lưu người dùng {email}")
    assert _count(path, "NguoiDung", "email", email) == 1
    assert _selected(page, "Người dùng và vai trò")


def test_admin_saves_a_threshold_once_in_the_third_tab(app: tuple[str, Path], new_page: Any) -> None:
    url, path = app
    page = start(new_page, url, "quantri@demo.tdkt.vn", 1400)
    go(page, "Cài đặt")
    open_tab(page, "Chỉ tiêu")
    before = _count(path, "ChiTieu", "code", "T1A")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    settle(page)
    box = grid.bounding_box()
    assert box is not None
    # the threshold of the first row (T1A): after the pinned 60 px code column, below the header
    page.mouse.click(box["x"] + 60 + 45, box["y"] + 35 + 17)
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")  # opens the cell's editor (keys typed before it is up are lost)
    editor = page.locator("#portal input.gdg-input").first
    editor.wait_for(timeout=5000)
    editor.fill("77")
    editor.press("Enter")
    page.wait_for_timeout(300)
    # the grid's accessible copy (glide draws on a canvas): the first row's code, then threshold
    cells = grid.locator("table tbody tr").first.locator("td")
    assert [cells.nth(0).inner_text().strip(), cells.nth(1).inner_text().strip()] == ["T1A", "77"]
    click_twice(page.get_by_role("button", name="Lưu chỉ tiêu", exact=True))
    _confirmation_stays(page, "Đã lưu 1 chỉ tiêu năm")
    assert _count(path, "ChiTieu", "code", "T1A") == before + 1
    assert _selected(page, "Chỉ tiêu")
    versions = load(SqliteStore(path)).versions["ChiTieu"]
    assert 77.0 in set(versions.loc[versions["code"] == "T1A", "threshold"].astype(float))


# --- (d) right defaults ---------------------------------------------------------------------
def _scope_shown(page: Any) -> str:
    return str(page.get_by_role("combobox", name="Phạm vi").input_value())


@pytest.mark.parametrize("first, second, unit", [
    ("lanhdao@demo.tdkt.vn", "canbo.babe@demo.tdkt.vn", "Ba Bể"),
    ("canbo.babe@demo.tdkt.vn", "canbo.gd@demo.tdkt.vn", "Giáo dục"),
])
def test_a_role_switch_shows_the_new_users_own_scope(app: tuple[str, Path], new_page: Any, first: str,
                                                     second: str, unit: str) -> None:
    """The scope box on screen is the one the figures use: the new user's unit, not the last one's."""
    page = start(new_page, app[0], first, 1400)
    go(page, "Tổng quan")
    before = _scope_shown(page)
    act_as(page, second)
    settle(page)
    shown = _scope_shown(page)
    assert shown != before and unit in shown, f"after the switch the box shows «{shown}» (was «{before}»)"
    caption = page.get_by_text("Số liệu năm").first.inner_text()
    assert f"phạm vi {shown}" in caption, caption


def test_officer_registers_once_on_a_phone(app: tuple[str, Path], new_page: Any) -> None:
    """Đăng ký thi đua at 390 px: two fast clicks (and two on "Vẫn ghi" when the unit has already
    registered this year) make one new version, and the confirmation is in view."""
    url, path = app
    page = start(new_page, url, "canbo.babe@demo.tdkt.vn", 390)
    go(page, "Đăng ký thi đua")
    versions = load(SqliteStore(path)).versions["DangKy"]
    before = len(versions)
    click_twice(page.get_by_role("button", name="Lưu đăng ký", exact=True))
    settle(page)
    again = page.get_by_role("button", name="Vẫn ghi", exact=True)
    if again.count():
        click_twice(again)
    _confirmation_stays(page, "Đã lưu đăng ký thi đua năm")
    assert len(load(SqliteStore(path)).versions["DangKy"]) == before + 1
    assert page.get_by_role("button", name="Lưu đăng ký", exact=True).count() == 0


def test_leader_changes_the_year_in_the_second_tab_and_stays_there(app: tuple[str, Path], new_page: Any) -> None:
    """A leader (read only) follows reports in Báo cáo's second tab: a new year keeps the tab."""
    page = start(new_page, app[0], "lanhdao@demo.tdkt.vn", 390)
    go(page, "Báo cáo")
    open_tab(page, "Theo dõi gửi báo cáo")
    year = page.get_by_role("combobox", name="Năm").first
    year.scroll_into_view_if_needed()
    year.click()
    page.get_by_role("option", name="2025", exact=True).first.click()
    settle(page)
    assert _selected(page, "Theo dõi gửi báo cáo")
    page.get_by_text("Các kỳ báo cáo năm 2025").first.wait_for(timeout=30000)
    page.get_by_text("Vai trò của bạn chỉ được xem tình trạng gửi báo cáo.").first.wait_for(timeout=30000)
    assert page.get_by_role("button", name="Ghi nhận đã gửi", exact=True).count() == 0
