"""Sign-in through a real OpenID Connect provider (npm oidc-provider) in Chromium, on real
data (a SQLite copy of the demo, so no demo "act as"): every role sees its pages, an
unregistered e-mail sees only "Chưa được cấp quyền", signing out asks to sign in again, and a
forged or expired cookie gets nothing."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from components import auth
from sheets import schema as S
from tests.browser.conftest import wait_for_app
from tests.oidc.harness import (
    COOKIE_SECRET,
    OUTSIDER,
    Provider,
    demo_users,
    one_per_role,
    real_data_copy,
    sign_in,
    start_app,
    stop,
    write_auth_secrets,
)

pytestmark = pytest.mark.browser

# What each page group shows in the sidebar (one page of each is enough to tell them apart).
MARKS = {auth.READ: "Tổng quan", auth.ENTRY: "Nhập liệu", auth.SETTINGS: "Cài đặt"}


@pytest.fixture(scope="module")
def app_url(oidc_provider: Provider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("oidc-app")
    url = f"http://127.0.0.1:{oidc_provider.app_port}"
    secrets = write_auth_secrets(tmp / "secrets.toml", public_url=url, issuer=oidc_provider.issuer)
    data = real_data_copy(tmp / "that.sqlite")
    proc = start_app(oidc_provider.app_port, secrets=secrets, source=f"sqlite:{data}", log=tmp / "app.log")
    try:
        yield url
    finally:
        stop(proc)


def nav_links(page: Any) -> list[str]:
    texts = page.locator('[data-testid="stSidebarNav"] a:visible').all_inner_texts()  # what a person sees
    return [t.strip().splitlines()[-1].strip() for t in texts if t.strip()]  # the title after the icon


def body(page: Any) -> str:
    return str(page.inner_text('[data-testid="stApp"]'))


def assert_asks_to_sign_in(page: Any) -> None:
    text = body(page)
    assert page.get_by_role("button", name="Đăng nhập").count() == 1, text
    for mark in MARKS.values():
        assert mark not in nav_links(page)
    assert "Chỉ tiêu" not in text and "Dữ liệu minh họa" not in text


def test_every_role_signs_in_and_sees_its_pages(app_url: str, oidc_provider: Provider, new_page: Any) -> None:
    users = demo_users()
    roles = one_per_role(users)
    assert set(roles) >= {S.ROLE_LEADER, S.ROLE_ADMIN, S.ROLE_OFFICER, S.ROLE_TRAINER}
    for role, email in roles.items():
        page = new_page()
        sign_in(page, app_url, email, oidc_provider.password(email))
        user = users[email]
        groups = auth.page_groups(auth.Session(auth.MODE_OIDC, email, user))
        page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=30000)
        links = nav_links(page)
        for group, mark in MARKS.items():
            assert (mark in links) == (group in groups), (role, links)
        sidebar = page.inner_text('[data-testid="stSidebar"]')
        assert user.name in sidebar and role in sidebar  # who is signed in, from NguoiDung
        assert "Đóng vai" not in sidebar  # real data under [auth]: no act-as
        assert "Chưa được cấp quyền" not in body(page)
        if auth.SETTINGS not in groups:  # a deep link to a page of another role says why, in the menu's place
            page.goto(f"{app_url}/cai-dat")
            wait_for_app(page)
            assert f"Vai trò «{role}» không dùng trang này" in body(page)
            assert nav_links(page) == links  # the menu still lists only this role's pages
        page.context.close()


def test_an_unregistered_email_sees_only_not_registered(app_url: str, oidc_provider: Provider,
                                                        new_page: Any) -> None:
    page = new_page()
    sign_in(page, app_url, OUTSIDER, oidc_provider.password(OUTSIDER))
    text = body(page)
    assert "Chưa được cấp quyền" in text and OUTSIDER in text
    assert nav_links(page) == []  # one page only: no navigation to anything else
    for path in ("tong-quan", "nhap-lieu", "cai-dat", "dao-tao"):  # deep links lead nowhere
        page.goto(f"{app_url}/{path}")
        wait_for_app(page)
        assert "Chưa được cấp quyền" in body(page)
        assert "T1A" not in body(page)


def test_a_wrong_password_is_refused_by_the_provider(app_url: str, new_page: Any) -> None:
    page = new_page()
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_selector('input[name="login"]', timeout=30000)
    page.fill('input[name="login"]', "quantri@demo.tdkt.vn")
    page.fill('input[name="password"]', "sai-mat-khau")
    page.click('button[type="submit"]')
    page.wait_for_selector("#denied", timeout=30000)
    page.goto(app_url)
    wait_for_app(page)
    assert_asks_to_sign_in(page)


def test_sign_out_then_the_next_visit_asks_to_sign_in(app_url: str, oidc_provider: Provider,
                                                      new_page: Any) -> None:
    email = one_per_role(demo_users())[S.ROLE_ADMIN]
    page = new_page()
    sign_in(page, app_url, email, oidc_provider.password(email))
    assert "Cài đặt" in nav_links(page)
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Đăng xuất").click()
    # the provider's end-session page (RP-initiated logout), when it asks
    with contextlib.suppress(Exception):
        page.get_by_role("button", name="Yes, sign me out").click(timeout=10000)
    try:
        page.wait_for_url(f"{app_url}/**", timeout=30000)
    except Exception as exc:
        raise AssertionError(f"{page.url}: {page.content()[:1500]}") from exc
    wait_for_app(page)
    assert_asks_to_sign_in(page)
    names = {c["name"] for c in page.context.cookies(app_url)}
    assert "_streamlit_user" not in names
    page.goto(f"{app_url}/cai-dat")  # the next visit, even by a deep link
    wait_for_app(page)
    assert_asks_to_sign_in(page)


def _signed_cookie(email: str, origin: str, *, secret: str, age_days: float) -> str:
    """A ``_streamlit_user`` cookie as Streamlit 1.67 signs it (itsdangerous, salt = name)."""
    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    stamp = int(time.time() - age_days * 86400)

    class DatedSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return stamp

    payload = json.dumps({"email": email, "email_verified": True, "name": "x", "origin": origin,
                          "is_logged_in": True, "provider": "default"})
    return URLSafeTimedSerializer(secret, salt="_streamlit_user", signer=DatedSigner).dumps(payload)


@pytest.mark.parametrize(
    ("secret", "age_days", "gets_in"),
    [
        (COOKIE_SECRET, 0, True),  # control: the shape is right, so the refusals below mean something
        ("not-the-server-secret-000000000000000000000000000", 0, False),  # forged
        (COOKIE_SECRET, 40, False),  # expired (Streamlit keeps 30 days)
    ],
    ids=["fresh-control", "forged", "expired"],
)
def test_a_forged_or_expired_cookie_gets_nothing(secret: str, age_days: float, gets_in: bool, app_url: str,
                                                 new_page: Any) -> None:
    email = one_per_role(demo_users())[S.ROLE_ADMIN]
    page = new_page()
    value = _signed_cookie(email, app_url, secret=secret, age_days=age_days)
    page.context.add_cookies([{"name": "_streamlit_user", "value": value, "url": app_url}])
    page.goto(app_url)
    wait_for_app(page)
    if gets_in:
        page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=30000)
        assert "Cài đặt" in nav_links(page)
    else:
        assert_asks_to_sign_in(page)


def test_screenshot_of_the_sign_in_page(app_url: str, new_page: Any) -> None:
    from tests.browser.conftest import SCREENSHOTS

    page = new_page(width=390, height=844)
    page.goto(app_url)
    wait_for_app(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out = Path(SCREENSHOTS) / "dang-nhap-390.png"
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 0
    assert_asks_to_sign_in(page)
