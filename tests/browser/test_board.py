"""Vinh danh in Chromium, on a server with ``[auth]`` configured (real data, nobody signed in):
the board shows without sign-in while other pages ask to sign in; ``?embed=true`` draws it
without the sidebar; at 390 px the page never scrolls sideways. One server for the module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import free_port, wait_for_app
from tests.oidc.harness import real_data_copy, start_app, stop, write_auth_secrets

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("board-app")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # no provider is needed while nobody signs in: the metadata address is never fetched
    secrets = write_auth_secrets(tmp / "secrets.toml", public_url=url, issuer=f"http://127.0.0.1:{free_port()}")
    data = real_data_copy(tmp / "that.sqlite")
    proc = start_app(port, secrets=secrets, source=f"sqlite:{data}", log=tmp / "app.log")
    try:
        yield url
    finally:
        stop(proc)


def _body(page: Any) -> str:
    return str(page.inner_text('[data-testid="stApp"]'))


def _open(page: Any, url: str) -> str:
    page.goto(url)
    wait_for_app(page)
    return _body(page)


def test_board_is_public_and_other_pages_ask_to_sign_in(app_url: str, new_page: Any) -> None:
    page = new_page()
    _open(page, f"{app_url}/vinh-danh")
    page.get_by_text("Quyết định số").first.wait_for(timeout=60000)  # the cards, drawn after the filters
    text = _body(page)
    assert "Vinh danh" in text and "Khen thưởng (" in text and "Quyết định số" in text
    assert page.get_by_role("button", name="Đăng nhập").count() == 0
    for path in ("tong-quan", "tra-cuu", "khen-thuong"):
        text = _open(page, f"{app_url}/{path}")
        assert page.get_by_role("button", name="Đăng nhập").count() == 1, (path, text[:300])
        assert "Quyết định số" not in text and "T1A" not in text and "Tìm thấy" not in text
    page.get_by_text("Xem bảng Vinh danh").first.click()  # the sign-in page leads to the board
    page.wait_for_url("**/vinh-danh", timeout=30000)
    wait_for_app(page)
    assert "Khen thưởng (" in _body(page)


def test_embedded_board_has_no_sidebar(app_url: str, new_page: Any) -> None:
    page = new_page()
    text = _open(page, f"{app_url}/vinh-danh?embed=true")
    assert "Khen thưởng (" in text
    assert page.locator('[data-testid="stSidebar"]:visible').count() == 0
    assert page.locator('[data-testid="stSidebarCollapsedControl"]:visible').count() == 0


def test_phone_width_has_no_sideways_scroll(app_url: str, new_page: Any) -> None:
    page = new_page(width=390, height=844)
    _open(page, f"{app_url}/vinh-danh")
    page.wait_for_selector(".vd-card", timeout=30000)
    for tab in ("Điển hình", "Lấy ý kiến", "Khen thưởng"):
        page.get_by_role("tab", name=tab).first.click()
        page.wait_for_timeout(300)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, (tab, width)
