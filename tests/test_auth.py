"""Sign-in: the e-mail -> role mapping, the pages each role sees, and when "act as" is allowed.

Pure decisions (``mode_for``, ``resolve``, ``page_groups``) are tested directly; the app is
then run with the seams over Streamlit monkeypatched (``auth_configured``) and ``st.user``
seeded through ``AppTest.user``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components import auth
from sheets import schema as S
from sheets.load import User

USERS = {
    "admin@x.vn": User("admin@x.vn", "Quản trị", S.ROLE_ADMIN, "BK"),
    "h1@x.vn": User("h1@x.vn", "Cán bộ H1", S.ROLE_OFFICER, "H1"),
    "leader@x.vn": User("leader@x.vn", "Lãnh đạo", S.ROLE_LEADER, "BK"),
    "train@x.vn": User("train@x.vn", "Đào tạo", S.ROLE_TRAINER, "H1"),
}


# --- pure decisions ------------------------------------------------------------------------------
def test_mode_needs_auth_or_demo_or_the_explicit_flag() -> None:
    assert auth.mode_for(auth_on=True, demo=True, flag=True) == auth.MODE_OIDC  # sign-in wins
    assert auth.mode_for(auth_on=False, demo=True, flag=False) == auth.MODE_ACT_AS
    assert auth.mode_for(auth_on=False, demo=False, flag=True) == auth.MODE_ACT_AS
    assert auth.mode_for(auth_on=False, demo=False, flag=False) == auth.MODE_UNCONFIGURED


@pytest.mark.parametrize(
    ("email", "groups"),
    [
        ("admin@x.vn", (auth.READ, auth.ENTRY, auth.SETTINGS)),
        (" H1@X.VN ", (auth.READ, auth.ENTRY)),  # e-mails match case-insensitively
        ("leader@x.vn", (auth.READ,)),
        ("train@x.vn", (auth.READ,)),
        ("ai.do@x.vn", (auth.DENIED,)),  # signed in, not in NguoiDung: that page only
        (None, (auth.LOGIN,)),  # not signed in yet
    ],
)
def test_signed_in_email_maps_to_role_pages(email: str | None, groups: tuple[str, ...]) -> None:
    session = auth.resolve(auth.MODE_OIDC, USERS, email=email)
    assert auth.page_groups(session) == groups
    if email and email.strip().lower() in USERS:
        assert session.user == USERS[email.strip().lower()]


def test_unconfigured_shows_only_the_setup_page() -> None:
    session = auth.resolve(auth.MODE_UNCONFIGURED, USERS, email="admin@x.vn")
    assert session.user is None and auth.page_groups(session) == (auth.SETUP,)


def test_act_as_unknown_email_is_denied() -> None:
    session = auth.resolve(auth.MODE_ACT_AS, USERS, email="nobody@x.vn")
    assert auth.page_groups(session) == (auth.DENIED,)


def test_default_actor_is_a_leader() -> None:
    assert auth.default_actor(USERS) == "leader@x.vn"
    assert auth.default_actor({k: v for k, v in USERS.items() if k != "leader@x.vn"}) is None


def test_signed_in_email_reads_st_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(st, "user", {"is_logged_in": True, "email": " An.Nguyen@LDLD.vn "})
    assert auth.signed_in_email() == "an.nguyen@ldld.vn"
    monkeypatch.setattr(st, "user", {"is_logged_in": True, "email": "an@x.vn", "email_verified": False})
    assert auth.signed_in_email() is None  # the provider has not proven the address
    monkeypatch.setattr(st, "user", {"email": "an@x.vn"})  # what st.user holds without sign-in
    assert auth.signed_in_email() is None


def test_act_as_flag_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TDKT_ALLOW_ACT_AS", "1")
    assert auth.act_as_flag()
    monkeypatch.setenv("TDKT_ALLOW_ACT_AS", "0")
    assert not auth.act_as_flag()
    monkeypatch.delenv("TDKT_ALLOW_ACT_AS")
    assert not auth.act_as_flag()


# --- the app ------------------------------------------------------------------------------------
def _app(actor: str | None = None, user: dict[str, object] | None = None) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=90)
    if actor is not None:
        at.session_state["actor"] = actor
    if user is not None:
        at.user = user
    return at.run()


@pytest.fixture()
def oidc(monkeypatch: pytest.MonkeyPatch) -> None:
    """``[auth]`` configured: the app signs people in with st.login."""
    monkeypatch.setattr(auth, "auth_configured", lambda: True)


def test_unknown_signed_in_email_sees_only_the_denied_page(oidc: None) -> None:
    # session_state["actor"] is ignored once sign-in is configured
    at = _app(actor="quantri@demo.tdkt.vn", user={"is_logged_in": True, "email": "ai.do@gmail.com"})
    assert not at.exception
    assert [t.value for t in at.title] == ["Chưa được cấp quyền"]
    assert "ai.do@gmail.com" in at.error[0].value
    assert not at.metric  # no figures
    with pytest.raises(ValueError):
        at.switch_page("views/tong_quan.py")


def test_signed_in_administrator_gets_settings_and_a_sign_out_button(oidc: None) -> None:
    at = _app(user={"is_logged_in": True, "email": "QuanTri@demo.tdkt.vn"})
    assert not at.exception
    assert any(b.label == "Đăng xuất" for b in at.sidebar.button)
    assert not at.sidebar.selectbox  # no act-as switcher
    at.switch_page("views/cai_dat.py").run()
    assert not at.exception and at.title[0].value == "Cài đặt"


def test_signed_in_leader_reads_but_does_not_enter(oidc: None) -> None:
    at = _app(user={"is_logged_in": True, "email": "lanhdao@demo.tdkt.vn"})
    assert at.title[0].value == "Tổng quan"
    with pytest.raises(ValueError):
        at.switch_page("views/nhap_lieu.py")


def test_not_signed_in_sees_the_sign_in_page(oidc: None) -> None:
    at = _app(user={"is_logged_in": False})
    assert [t.value for t in at.title] == ["Đăng nhập"]
    assert any(b.label == "Đăng nhập" for b in at.button)
    assert not at.metric


def test_act_as_refused_on_real_data_without_the_flag(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # a path that does not exist: if the app tried to read data, it would fail
    monkeypatch.setenv("TDKT_SOURCE", f"sqlite:{tmp_path / 'that.sqlite'}")
    monkeypatch.delenv("TDKT_ALLOW_ACT_AS", raising=False)
    at = _app(actor="quantri@demo.tdkt.vn")
    assert not at.exception
    assert [t.value for t in at.title] == ["Cần cấu hình đăng nhập"]
    assert "chưa cấu hình đăng nhập" in at.error[0].value
    assert not at.sidebar.selectbox and not at.metric
    with pytest.raises(ValueError):
        at.switch_page("views/nhap_lieu.py")
    assert not (tmp_path / "that.sqlite").exists()


def test_act_as_allowed_on_real_data_with_the_flag(monkeypatch: pytest.MonkeyPatch, demo_store: Path) -> None:
    monkeypatch.setenv("TDKT_SOURCE", f"sqlite:{demo_store}")
    monkeypatch.setenv("TDKT_ALLOW_ACT_AS", "1")
    at = _app(actor="quantri@demo.tdkt.vn")
    assert not at.exception
    assert any("dữ liệu thật" in w.value for w in at.sidebar.warning)  # visibly marked
    at.switch_page("views/cai_dat.py").run()
    assert not at.exception and at.title[0].value == "Cài đặt"


def test_act_as_flag_from_secrets(monkeypatch: pytest.MonkeyPatch, demo_store: Path) -> None:
    monkeypatch.setenv("TDKT_SOURCE", f"sqlite:{demo_store}")
    monkeypatch.delenv("TDKT_ALLOW_ACT_AS", raising=False)
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.secrets["tdkt"] = {"allow_act_as": True}
    at.session_state["actor"] = "canbo.babe@demo.tdkt.vn"
    at.run()
    assert not at.exception
    at.switch_page("views/nhap_lieu.py").run()
    assert at.title[0].value == "Nhập liệu"


def test_demo_visitor_lands_as_leader_and_can_switch() -> None:
    at = _app()
    assert not at.exception
    assert at.session_state["actor"] == "lanhdao@demo.tdkt.vn"
    assert any("Chế độ minh họa" in i.value for i in at.sidebar.info)
    with pytest.raises(ValueError):  # the leader reads only
        at.switch_page("views/nhap_lieu.py")
    at.sidebar.selectbox(key="_actor_pick").set_value("canbo.babe@demo.tdkt.vn").run()
    assert at.session_state["actor"] == "canbo.babe@demo.tdkt.vn"
    at.switch_page("views/nhap_lieu.py").run()
    assert not at.exception and at.title[0].value == "Nhập liệu"


def test_act_as_unregistered_email_sees_only_the_denied_page() -> None:
    at = _app(actor="khach@x.vn")
    assert [t.value for t in at.title] == ["Chưa được cấp quyền"]
    with pytest.raises(ValueError):
        at.switch_page("views/tong_quan.py")
