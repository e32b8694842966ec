"""Uploads a too-big file, one above Streamlit's own cap and a zip bomb at Nhập liệu › Nhập từ
tệp, in a real Chromium against a real server, and reads the messages: our Vietnamese ones,
never Streamlit's English ("File must be 50.0MB or smaller", "Drag and drop file here", "Limit").
Screenshot: upload-refused.png in the screenshots folder (tests/browser/conftest.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.upload_bombs import big_cell, write_xlsx
from sheets.copy import copy_store
from sheets.load import load
from sheets.sources import open_source
from sheets.stores.sqlite import SqliteStore
from tests.browser.conftest import SCREENSHOTS, start_server, stop_server, wait_for_app

pytestmark = pytest.mark.browser

ADMIN = "quantri@demo.tdkt.vn"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENGLISH = re.compile(r"File must be|or smaller|Drag and drop|Limit \d|per file|Browse files|\bUpload\b|\bError\b|"
                     r"\bRemove\b|file upload")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    path = tmp_path_factory.mktemp("upload") / "tdkt.sqlite"
    store = SqliteStore(path)
    copy_store(open_source("demo"), store)
    name = load(store).users[ADMIN].name
    proc, url = start_server(env_extra={"TDKT_SOURCE": f"sqlite:{path}", "TDKT_ALLOW_ACT_AS": "1"})
    try:
        yield url, name
    finally:
        stop_server(proc)


def _open_import(page: Any, url: str, name: str) -> None:
    page.goto(url + "/")
    wait_for_app(page, timeout=120000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    combo = sidebar.get_by_role("combobox", name="Đóng vai")
    combo.click()
    combo.fill(name)
    page.get_by_role("option", name=re.compile(name)).first.click()
    wait_for_app(page, timeout=120000)
    sidebar.get_by_role("link", name="Nhập liệu").click()
    page.get_by_role("tab", name="Nhập từ tệp").click(timeout=120000)
    page.locator('[data-testid="stFileUploader"]').wait_for(timeout=60000)


def _upload(page: Any, filename: str, data: bytes | Path) -> None:
    files = str(data) if isinstance(data, Path) else {"name": filename, "mimeType": XLSX, "buffer": data}
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(files)


def _remove_file(page: Any) -> None:
    button = page.locator('[data-testid="stFileChipDeleteBtn"] button, [data-testid="stFileUploaderDeleteBtn"] button')
    while button.count():
        button.first.click()
        wait_for_app(page)
        page.wait_for_timeout(500)


def _uploader_words(page: Any) -> str:
    """The uploader's text and what a screen reader reads (aria-labels, titles, hidden alerts)."""
    return str(page.locator('[data-testid="stFileUploader"]').first.evaluate(
        "e => [e.textContent, ...[...e.querySelectorAll('[aria-label],[title]')].map("
        "n => (n.getAttribute('aria-label') || '') + ' ' + (n.getAttribute('title') || ''))].join(' | ')"))


def test_upload_refusals_speak_vietnamese(served: tuple[str, str], new_page: Any, tmp_path: Path) -> None:
    url, name = served
    page = new_page(width=1280, height=900)
    _open_import(page, url, name)
    body = page.inner_text("body")
    assert "tối đa 10 MB" in body and not ENGLISH.search(body), ENGLISH.findall(body)

    # above our 10 MB, below Streamlit's cap: our check answers
    _upload(page, "qua-lon.xlsx", b"PK\x03\x04" + bytes(11 * 2**20))
    page.get_by_text(re.compile("quá giới hạn 10,0 MB cho một lần nhập")).first.wait_for(timeout=60000)
    body = page.inner_text("body")
    assert not ENGLISH.search(body), ENGLISH.findall(body)
    # the file's chip gives its size as Vietnamese write it ("11,5 MB", not "11.5MB")
    chip = page.locator('[data-testid="stFileUploaderFile"], [data-testid="stFileChip"]').first.inner_text()
    assert re.search(r"\b11,\d MB\b", chip) and not re.search(r"\d[KMG]?B\b", chip), chip
    _remove_file(page)

    # a zip bomb: one cell of 30 million characters, a few kB compressed
    bomb = write_xlsx(tmp_path / "bom.xlsx", big_cell(30_000_000), level=9).read_bytes()
    assert len(bomb) < 200_000
    _upload(page, "bom.xlsx", bomb)
    page.get_by_text(re.compile("tệp nén bất thường|quá giới hạn")).first.wait_for(timeout=60000)
    body = page.inner_text("body")
    assert "Chưa ghi dòng nào" in body and not ENGLISH.search(body), ENGLISH.findall(body)
    words = _uploader_words(page)
    assert "Bỏ bom.xlsx" in words and not ENGLISH.search(words), words
    _remove_file(page)

    # above Streamlit's own cap (server.maxUploadSize = 50): refused in the browser, in our words
    huge = tmp_path / "rat-lon.xlsx"
    huge.write_bytes(bytes(51 * 2**20))
    _upload(page, "rat-lon.xlsx", huge)
    refusal = page.get_by_text("Tệp quá giới hạn 10 MB cho một lần nhập", exact=False).first
    refusal.wait_for(timeout=60000)
    page.wait_for_timeout(500)
    words = _uploader_words(page)
    assert "Lỗi: Tệp quá giới hạn 10 MB" in words and not ENGLISH.search(words), words
    body = page.inner_text("body")
    assert not ENGLISH.search(body), ENGLISH.findall(body)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "upload-refused.png"), full_page=True)
