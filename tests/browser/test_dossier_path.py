"""The whole commendation path (SPEC 7) in a real Chromium against a real server, two roles:
a district officer creates and sends a dossier of 5 nominees; the province desk returns it with a
reason; the officer reads it, fixes the list and sends again; the desk receives, records the
council's results and the decision; the awards appear on Khen thưởng and T3 moves by exactly
the approved nominees. The store is read back after each step. Screenshots (conftest's folder):
ho-so-path-*.png, xet-duyet-path-*.png.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from indicators.core import compute
from sheets import schema as S
from sheets.copy import copy_store
from sheets.load import Dataset, load
from sheets.sources import open_source
from sheets.stores.sqlite import SqliteStore
from tests.browser.conftest import SCREENSHOTS, click_twice, explain, start_server, stop_server, wait_for_app

pytestmark = pytest.mark.browser

OFFICER, DESK = "Triệu Thị Mai", "Lường Thị Thu"
SUMMARY = "Đề nghị tặng Bằng khen của LĐLĐ tỉnh năm 2026 (trình duyệt)"
AS_OF = date(2026, 11, 25)
PASTE = "\n".join([
    "Cá nhân\tNông Văn Bốn\t\tCông nhân, lao động trực tiếp\tCông nhân\tNam",
    "Cá nhân\tHoàng Thị Năm\t\tCCVC không giữ chức vụ lãnh đạo, quản lý\tChuyên viên\tNữ",
    "Cá nhân\tLục Văn Sáu\t\tLãnh đạo, quản lý\tPhó Chủ tịch\tNam",
    "Cá nhân\tMa Thị Bảy\t\tCong nhan, lao dong truc tiep\tCông nhân\tNữ",
    "Tập thể\tBan Nữ công LĐLĐ huyện Ba Bể\t\t\t\t",
])


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    path = tmp_path_factory.mktemp("dossier") / "tdkt.sqlite"
    copy_store(open_source("demo"), SqliteStore(path))
    proc, url = start_server(env_extra={"TDKT_SOURCE": f"sqlite:{path}", "TDKT_ALLOW_ACT_AS": "1"})
    try:
        yield url, path
    finally:
        stop_server(proc)


def act_as(page: Any, url: str, name: str) -> None:
    page.goto(url)
    wait_for_app(page, 60000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    combo = sidebar.get_by_role("combobox", name="Đóng vai")
    combo.click()
    combo.fill(name)
    page.get_by_role("option", name=re.compile(name)).first.click()
    wait_for_app(page, 60000)


def go(page: Any, link: str, heading: str) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    more = sidebar.get_by_text(re.compile(r"View \d+ more"))
    if more.count() and more.first.is_visible():
        more.first.click()
        page.wait_for_timeout(300)
    sidebar.locator("[data-testid=stSidebarNav] a").filter(has_text=re.compile(link + r"\s*$")).first.click()
    wait_for_app(page, 60000)
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60000)


def pick(page: Any, label: str, text: str) -> None:
    combo = page.get_by_role("combobox", name=label, exact=True)
    combo.click()
    combo.fill(text)
    page.get_by_role("option", name=re.compile(re.escape(text))).first.click()
    wait_for_app(page, 60000)


def settled(page: Any) -> None:
    """The run a click started is over: its start may show only after a moment on a loaded
    machine (``wait_for_app`` alone could return before it, and the next click land on the
    page of the run before)."""
    with contextlib.suppress(Exception):  # a quick run may be over already
        page.wait_for_function("() => (document.querySelector('[data-testid=\"stStatusWidget\"]') || {})"
                               ".innerText?.includes('Running')", timeout=2000)
    wait_for_app(page, 120000)


def press(page: Any, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).first.click()
    settled(page)


def press_twice(page: Any, name: str) -> None:
    click_twice(page.get_by_role("button", name=name, exact=True).first)
    settled(page)


def see(page: Any, text: str, timeout: float = 120000) -> None:
    try:
        page.get_by_text(text).first.wait_for(timeout=timeout)
    except Exception:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "dossier-path-failure.png"), full_page=True)
        raise AssertionError(f"«{text}» not on the page.\n{explain(page)}") from None


def press_for(page: Any, name: str, text: str) -> None:
    """Press and read ``text``. If after a minute the page shows neither it nor a change and
    the button is still there, press once more, as a person would (a loaded machine has lost a
    click: the app then must neither write twice nor lose the input), and say so in the
    warnings of the run."""
    press(page, name)
    try:
        page.get_by_text(text).first.wait_for(timeout=60000)
        return
    except Exception:
        if not page.get_by_role("button", name=name, exact=True).count():
            see(page, text)  # fails with what is on the page
    warnings.warn(f"«{name}»: no «{text}» after 60 s, pressing again.\n{explain(page)}", stacklevel=2)
    press(page, name)
    see(page, text)


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1400, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(800)
        height = page.evaluate(
            "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stAppViewContainer]')]"
            ".map(e => e.scrollHeight), document.body.scrollHeight)")
        page.set_viewport_size({"width": width, "height": min(int(height) + 40, 8000)})
        page.wait_for_timeout(800)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})


def status(path: Path, code: str) -> str:
    return str(load(SqliteStore(path)).frames["HoSo"].set_index("dossier").at[code, "status"])


def lines(ds: Dataset, code: str) -> Any:
    from sheets.workflow import dossier_lines

    return dossier_lines(ds, code)


def t3_card(page: Any) -> tuple[int, int]:
    """T3's numerator and denominator as its card on Tổng quan shows them."""
    go(page, "Tổng quan", "Tổng quan")
    card = page.locator('[class*="st-key-card-"][class*="-T3"]').first
    card.wait_for(timeout=60000)
    hit = re.search(r"([\d.]+)/([\d.]+)", card.inner_text())
    assert hit, card.inner_text()
    return int(hit[1].replace(".", "")), int(hit[2].replace(".", ""))


def test_the_whole_path_with_two_roles(prepared: tuple[str, Path], new_page: Any) -> None:
    url, path = prepared
    before = compute(load(SqliteStore(path)), 2026, AS_OF)["T3"]

    officer = new_page(width=1400, height=900)
    act_as(officer, url, OFFICER)
    go(officer, "Hồ sơ khen thưởng", "Hồ sơ khen thưởng")
    officer.get_by_text("Tạo hồ sơ mới").first.click()
    officer.get_by_label("Trích yếu *").fill(SUMMARY)
    press_for(officer, "Tạo hồ sơ", "Đã tạo hồ sơ")
    hs = load(SqliteStore(path)).frames["HoSo"]
    assert (hs["summary"] == SUMMARY).sum() == 1  # one dossier, even after a second press
    code = str(hs.loc[hs["summary"] == SUMMARY, "dossier"].iloc[0])
    officer.get_by_role("tab", name="Dán danh sách").click()
    wait_for_app(officer, 60000)
    officer.get_by_label("Danh sách dán vào").fill(PASTE)
    press_for(officer, "Thêm cả danh sách", f"Đã thêm 5 dòng vào {code}")
    assert len(lines(load(SqliteStore(path)), code)) == 5
    press_for(officer, "Gửi hồ sơ", f"Đã gửi hồ sơ {code}")
    assert status(path, code) == S.DOSSIER_SENT

    desk = new_page(width=1400, height=900)
    act_as(desk, url, DESK)
    card_before = t3_card(desk)
    go(desk, "Xét duyệt", "Xét duyệt")
    pick(desk, "Hồ sơ", code)
    desk.get_by_text("Trả lại hồ sơ").first.click()
    desk.get_by_label("Lý do trả lại *").fill("Thiếu tóm tắt thành tích của cá nhân")
    desk.locator('[data-testid="stForm"]').get_by_role("button", name="Trả lại hồ sơ").click()
    wait_for_app(desk, 60000)
    see(desk, f"Đã trả lại hồ sơ {code}")
    assert status(path, code) == S.DOSSIER_RETURNED

    go(officer, "Hồ sơ khen thưởng", "Hồ sơ khen thưởng")
    pick(officer, "Hồ sơ", code)
    see(officer, "Thiếu tóm tắt thành tích của cá nhân")
    officer.get_by_role("tab", name="Bỏ dòng").click()
    wait_for_app(officer, 60000)
    pick(officer, "Bỏ khỏi danh sách", "Lục Văn Sáu")
    press_for(officer, "Bỏ dòng này", "Đã bỏ «Lục Văn Sáu»")
    officer.get_by_role("tab", name="Thêm từng người").click()
    wait_for_app(officer, 60000)
    officer.get_by_label("Tên người hoặc tập thể *").fill("luc van sau")
    officer.get_by_label("Tên người hoặc tập thể *").press("Tab")  # leaving the box shows the history
    see(officer, "Chưa thấy khen thưởng hay điển hình nào của «luc van sau»")
    officer.get_by_label("Tên người hoặc tập thể *").fill("Lục Văn Sáu")
    officer.get_by_label("Tên người hoặc tập thể *").press("Tab")
    see(officer, "Chưa thấy khen thưởng hay điển hình nào của «Lục Văn Sáu»")
    pick(officer, "Nhóm đối tượng", "Lãnh đạo, quản lý")
    officer.get_by_label("Thành tích", exact=True).fill("Tóm tắt: chỉ đạo 3 mô hình điểm, có xác nhận")
    press_for(officer, "Thêm vào danh sách", "Đã thêm «Lục Văn Sáu»")
    press_for(officer, "Gửi lại hồ sơ", f"Đã gửi hồ sơ {code}")
    assert status(path, code) == S.DOSSIER_SENT
    shot(officer, "ho-so-path")

    go(desk, "Xét duyệt", "Xét duyệt")
    pick(desk, "Hồ sơ", code)
    press_twice(desk, "Tiếp nhận hồ sơ")
    see(desk, f"Đã tiếp nhận hồ sơ {code}")
    assert status(path, code) == S.DOSSIER_RECEIVED
    hs = load(SqliteStore(path)).versions["HoSo"]
    assert ((hs["dossier"] == code) & (hs["status"] == S.DOSSIER_RECEIVED)).sum() == 1  # one step, not two
    assert desk.get_by_label("Tỉ lệ phiếu chung (%)").input_value() == "100"  # not "100.00"
    desk.locator('[data-testid="stCheckbox"]').filter(has_text="Hội đồng đồng ý tất cả").locator("label").click()
    press_for(desk, "Ghi kết quả", "Đã ghi kết quả 5 dòng")
    # the form drawn again shows what was saved (a browser keeps a widget's value under its key)
    agree_all = desk.locator('[data-testid="stCheckbox"]').filter(has_text="Hội đồng đồng ý tất cả")
    assert not agree_all.locator("input").is_checked()
    assert desk.get_by_text("— Chưa có kết quả —").count() == 0
    press_for(desk, "Xét duyệt xong", f"Đã xét duyệt hồ sơ {code}")
    desk.get_by_label("Số quyết định *").fill("456/QĐ-LĐLĐ")
    desk.get_by_label("Người ký").fill("Chủ tịch Hoàng Văn Minh")
    press_twice(desk, "Ghi quyết định")
    see(desk, "5 khen thưởng đã vào trang Khen thưởng")
    shot(desk, "xet-duyet-path")

    ds = load(SqliteStore(path))
    assert ds.frames["HoSo"].set_index("dossier").at[code, "status"] == S.DOSSIER_DECIDED
    kt = ds.frames["KhenThuong"]
    assert len(kt[kt["dossier"] == code]) == 5
    after = compute(ds, 2026, AS_OF)["T3"]
    # Cá nhân approved: Bốn, Năm, Bảy (in T3's two groups) and Sáu (manager); the collective not in T3
    assert (after.numerator - before.numerator, after.denominator - before.denominator) == (3, 4)

    # the T3 card moves by the same amounts
    card_after = t3_card(desk)
    assert (card_after[0] - card_before[0], card_after[1] - card_before[1]) == (3, 4), (card_before, card_after)
    desk.locator('[class*="st-key-card-"][class*="-T3"]').first.scroll_into_view_if_needed()
    shot(desk, "tong-quan-after-decision")

    go(desk, "Khen thưởng", "Khen thưởng")
    desk.get_by_label("Tìm kiếm").fill("456/QĐ-LĐLĐ")
    desk.get_by_label("Tìm kiếm").press("Enter")
    wait_for_app(desk, 60000)
    see(desk, "5/")
    shot(desk, "khen-thuong-after-decision")

    # and on the public honour board, by name, with the decision's number
    go(desk, "Vinh danh", "Vinh danh")
    desk.get_by_label("Tìm theo tên").fill("Lục Văn Sáu")
    desk.get_by_label("Tìm theo tên").press("Enter")
    wait_for_app(desk, 60000)
    see(desk, "Lục Văn Sáu")
    see(desk, "456/QĐ-LĐLĐ")
    shot(desk, "vinh-danh-after-decision")


def _xlsx(rows: list[list[str]]) -> bytes:
    import io

    from openpyxl import Workbook

    from sheets.dossier import PASTE_COLUMNS

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(PASTE_COLUMNS))
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_list_from_a_file_all_or_nothing(prepared: tuple[str, Path], new_page: Any) -> None:
    """«Tải tệp lên»: a file with a bad row adds nothing and names the row; the fixed file adds
    every row after the list's last line."""
    url, path = prepared
    page = new_page(width=1400, height=900)
    act_as(page, url, OFFICER)
    go(page, "Hồ sơ khen thưởng", "Hồ sơ khen thưởng")
    page.get_by_text("Tạo hồ sơ mới").first.click()
    page.get_by_label("Trích yếu *").fill("Đề nghị khen thưởng (từ tệp)")
    press_for(page, "Tạo hồ sơ", "Đã tạo hồ sơ")
    hs = load(SqliteStore(path)).frames["HoSo"]
    assert (hs["summary"] == "Đề nghị khen thưởng (từ tệp)").sum() == 1
    code = str(hs.loc[hs["summary"] == "Đề nghị khen thưởng (từ tệp)", "dossier"].iloc[0])
    page.get_by_role("tab", name="Tải tệp lên").click()
    wait_for_app(page, 60000)
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    good = [["Cá nhân", "Đinh Văn Tám", "", "Công nhân, lao động trực tiếp", "Công nhân", "Nam", "", ""],
            ["Ca nhan", "Hà Thị Chín", "", "CCVC khong giu chuc vu lanh dao, quan ly", "", "Nữ", "", ""],
            ["Tập thể", "Tổ công đoàn Phòng Y tế", "", "", "", "", "", ""]]
    bad = [*good[:2], ["Nhóm", "Sai đối tượng", "", "", "", "", "", ""]]
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    uploader.set_input_files({"name": "danh-sach-loi.xlsx", "mimeType": xlsx, "buffer": _xlsx(bad)})
    wait_for_app(page, 60000)
    press_for(page, "Thêm từ tệp", "Chưa thêm dòng nào")
    see(page, "Dòng 4")
    assert len(lines(load(SqliteStore(path)), code)) == 0
    page.locator('[data-testid="stFileChipDeleteBtn"] button, [data-testid="stFileUploaderDeleteBtn"] button').first.click()
    wait_for_app(page, 60000)
    uploader.set_input_files({"name": "danh-sach.xlsx", "mimeType": xlsx, "buffer": _xlsx(good)})
    wait_for_app(page, 60000)
    press_twice(page, "Thêm từ tệp")
    see(page, f"Đã thêm 3 dòng từ tệp danh-sach.xlsx vào {code}")
    got = lines(load(SqliteStore(path)), code)
    assert list(got["name"]) == [r[1] for r in good] and list(got["line"]) == [1, 2, 3]
    assert got.set_index("line").at[2, "group"] == S.GROUP_STAFF  # typed without diacritics
    # the file is gone from the box: pressing again cannot add the list a second time
    assert page.get_by_text("danh-sach.xlsx", exact=True).count() == 0
    shot(page, "ho-so-upload")
