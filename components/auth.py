"""Who is using the app: a signed-in e-mail mapped through NguoiDung, or a visible "act as".

Three modes, decided from the configuration and never from the visitor:

- ``oidc``: ``[auth]`` is configured in ``.streamlit/secrets.toml``. People sign in with
  ``st.login`` (OpenID Connect); ``st.user.email`` is looked up in ``NguoiDung``. An unknown
  e-mail sees only the "Chưa được cấp quyền" page. ``session_state["actor"]`` is ignored.
- ``act_as``: no ``[auth]``, and either the source is the demo data or the configuration
  says so explicitly (env ``TDKT_ALLOW_ACT_AS=1`` or secrets ``[tdkt] allow_act_as = true``).
  The acting e-mail is ``st.session_state["actor"]`` — the sidebar switcher sets it, and
  tests set it directly. A visitor lands as the province leader (read only). The mode is
  marked in the sidebar.
- ``unconfigured``: real data without ``[auth]`` and without the flag. Only a page that
  explains how to configure sign-in is shown; no data is read.

``resolve`` and ``page_groups`` are pure (unit tests call them); ``signed_in_email``,
``auth_configured`` and ``act_as_flag`` are the seams over Streamlit that tests monkeypatch.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from components import data
from sheets import schema as S
from sheets.load import User

DEMO_DEFAULT = "lanhdao@demo.tdkt.vn"
ACTOR_KEY = "actor"  # the acting e-mail in act-as mode (tests set it directly)
_PICK_KEY = "_actor_pick"  # the sidebar switcher's own widget key

MODE_OIDC = "oidc"
MODE_ACT_AS = "act_as"
MODE_UNCONFIGURED = "unconfigured"

# Page groups; app.py maps them to st.Page objects.
READ, ENTRY, SETTINGS, DENIED, LOGIN, SETUP = "read", "entry", "settings", "denied", "login", "setup"

_TRUE = {"1", "true", "yes", "on", "có", "co"}


@dataclass(frozen=True)
class Session:
    mode: str  # MODE_OIDC / MODE_ACT_AS / MODE_UNCONFIGURED
    email: str | None  # the signed-in (or acted-as) e-mail, lower-case
    user: User | None  # None: not signed in, or not registered in NguoiDung

    @property
    def signed_in(self) -> bool:
        return self.email is not None


# --- seams over Streamlit (tests monkeypatch these) ------------------------------------
def _secrets_section(name: str) -> Mapping[str, Any] | None:
    try:
        section = st.secrets.get(name)
    except Exception:  # no secrets.toml at all
        return None
    return section if isinstance(section, Mapping) else None


def auth_configured() -> bool:
    """Whether ``[auth]`` (OpenID Connect for ``st.login``) is configured in secrets."""
    return bool(_secrets_section("auth"))


def act_as_flag() -> bool:
    """The explicit switch that allows "act as" on data that is not the demo."""
    if os.environ.get("TDKT_ALLOW_ACT_AS", "").strip().lower() in _TRUE:
        return True
    tdkt = _secrets_section("tdkt")
    value = tdkt.get("allow_act_as") if tdkt else None
    return value is True or (isinstance(value, str) and value.strip().lower() in _TRUE)


def signed_in_email() -> str | None:
    """The e-mail of the person signed in with ``st.login``, or None."""
    user = st.user
    if not user.get("is_logged_in"):
        return None
    if user.get("email_verified") is False:  # the provider says the address is not proven
        return None
    email = user.get("email")
    return str(email).strip().lower() if email else None


# --- pure decisions ----------------------------------------------------------------------
def mode_for(*, auth_on: bool, demo: bool, flag: bool) -> str:
    if auth_on:
        return MODE_OIDC
    if demo or flag:
        return MODE_ACT_AS
    return MODE_UNCONFIGURED


def default_actor(users: Mapping[str, User]) -> str | None:
    """Where a visitor lands in act-as mode: the demo leader, else any leader (read only)."""
    if DEMO_DEFAULT in users:
        return DEMO_DEFAULT
    leaders = sorted(e for e, u in users.items() if u.role == S.ROLE_LEADER)
    return leaders[0] if leaders else None


def resolve(mode: str, users: Mapping[str, User] | None, *, email: str | None) -> Session:
    """Map an e-mail (signed in, or acted as) to its NguoiDung user."""
    if mode == MODE_UNCONFIGURED or users is None:
        return Session(mode, None, None)
    key = email.strip().lower() if email else None
    return Session(mode, key, users.get(key) if key else None)


def page_groups(session: Session) -> tuple[str, ...]:
    """Which page groups a session sees (SPEC 1)."""
    if session.mode == MODE_UNCONFIGURED:
        return (SETUP,)
    if not session.signed_in:
        return (LOGIN,) if session.mode == MODE_OIDC else (DENIED,)
    if session.user is None:
        return (DENIED,)
    if session.user.role == S.ROLE_ADMIN:
        return (READ, ENTRY, SETTINGS)
    if session.user.role in (S.ROLE_OFFICER, S.ROLE_DESK):  # the desk: data entry and both dossier pages
        return (READ, ENTRY)
    return (READ,)


# --- Streamlit side ----------------------------------------------------------------------
def current_mode() -> str:
    return mode_for(auth_on=auth_configured(), demo=data.is_demo(), flag=act_as_flag())


def current_session() -> Session:
    """The session of this run. Reads the dataset only when the mode allows a user at all."""
    mode = current_mode()
    if mode == MODE_UNCONFIGURED:
        return Session(mode, None, None)
    users = data.get_dataset().users
    if mode == MODE_OIDC:
        return resolve(mode, users, email=signed_in_email())
    email = st.session_state.get(ACTOR_KEY)
    if not email:
        email = default_actor(users)
        st.session_state[ACTOR_KEY] = email
    return resolve(mode, users, email=email)


def current_user() -> User | None:
    """The acting user, or None (not signed in, not registered, or sign-in not configured)."""
    return current_session().user


def require_user(*roles: str) -> User:
    """The current user, or stop the page (a page opened by a role that may not see it)."""
    user = current_user()
    if user is None or (roles and user.role not in roles):
        st.error("Bạn không có quyền xem trang này.")
        st.stop()
    assert user is not None
    return user


def _on_pick() -> None:
    picked = st.session_state.get(_PICK_KEY)
    if picked:
        st.session_state[ACTOR_KEY] = picked


def sidebar(session: Session) -> None:
    """Who is signed in (with "Đăng xuất"), or the visibly marked "act as" switcher."""
    if session.mode == MODE_UNCONFIGURED:
        return
    if session.mode == MODE_OIDC:
        with st.sidebar:
            if session.signed_in:
                who = session.user.name if session.user else session.email
                st.caption(f"Đã đăng nhập: **{who}**")
                if session.user:
                    st.caption(f"{session.user.role} · {_unit_name(session.user.unit)}")
                st.button("Đăng xuất", key="logout", on_click=st.logout, icon=":material/logout:")
        return
    users = data.get_dataset().users
    ordered = sorted(users.values(), key=lambda u: (S.ROLES.index(u.role), u.email))
    emails = [u.email for u in ordered]
    if session.email and session.email not in emails:
        emails.insert(0, session.email)  # an unregistered e-mail set by a test: keep it visible
    with st.sidebar:
        if data.is_demo():
            st.info("Chế độ minh họa: chọn người dùng để xem ứng dụng theo vai trò.", icon=":material/science:")
        else:
            st.warning("Đang bật chế độ đóng vai trên dữ liệu thật (TDKT_ALLOW_ACT_AS). "
                       "Chỉ dùng để thử nghiệm; hãy cấu hình đăng nhập trước khi dùng thật.",
                       icon=":material/warning:")
        if not emails:
            return
        if session.email is None:
            st.session_state.pop(_PICK_KEY, None)  # nobody yet: the box asks
        elif st.session_state.get(_PICK_KEY) != session.email:
            st.session_state[_PICK_KEY] = session.email
        st.selectbox(
            "Đóng vai",
            emails,
            index=None if session.email is None else 0,  # the state above holds the choice
            placeholder="Chọn người dùng",
            key=_PICK_KEY,
            on_change=_on_pick,
            format_func=lambda e: f"{users[e].name} — {users[e].role}" if e in users else f"{e} (chưa đăng ký)",
        )


def demo_switcher() -> None:
    """Kept for callers of the first sketch: the sidebar of the current session."""
    sidebar(current_session())


def _unit_name(code: str) -> str:
    try:
        return data.get_dataset().tree.name(code)
    except Exception:
        return code


def _providers() -> list[str]:
    """Named providers (``[auth.google]``…) when ``[auth]`` has no client of its own."""
    section = _secrets_section("auth") or {}
    if "client_id" in section:
        return []
    return [k for k, v in section.items() if isinstance(v, Mapping)]


def login_page() -> None:
    """Shown under ``[auth]`` to a visitor who has not signed in."""
    st.title("Đăng nhập")
    st.write(
        "Ứng dụng theo dõi thực hiện Kế hoạch 48/KH-LĐLĐ về đổi mới công tác thi đua, khen thưởng. "
        "Hãy đăng nhập bằng tài khoản e-mail đã được Liên đoàn Lao động tỉnh đăng ký."
    )
    providers = _providers()
    if not providers:
        st.button("Đăng nhập", type="primary", on_click=st.login, icon=":material/login:")
    for p in providers:
        st.button(f"Đăng nhập bằng {p.capitalize()}", key=f"login_{p}", on_click=st.login, args=(p,),
                  icon=":material/login:")
    st.page_link("views/vinh_danh.py", label="Xem bảng Vinh danh (công khai, không cần đăng nhập)",
                 icon=":material/workspace_premium:")


def setup_page() -> None:
    """Real data, no sign-in configured, no explicit act-as switch: explain, show no data."""
    st.title("Cần cấu hình đăng nhập")
    kind = data.source_spec().partition(":")[0]
    st.error(
        "Ứng dụng đang nối với dữ liệu thật "
        f"(nguồn «{kind}») nhưng chưa cấu hình đăng nhập, nên không hiển thị dữ liệu nào."
    )
    st.markdown(
        """
**Cách bật đăng nhập** (người quản trị máy chủ): thêm mục `[auth]` vào `.streamlit/secrets.toml`
với `redirect_uri` (địa chỉ ứng dụng + `/oauth2callback`), `cookie_secret` (chuỗi ngẫu nhiên dài),
`client_id`, `client_secret` và `server_metadata_url` của nhà cung cấp OpenID Connect
(Google, Microsoft…), rồi khởi động lại ứng dụng. Mỗi người dùng phải có e-mail trong trang
`NguoiDung` của bảng tính đăng ký, với vai trò và mã đơn vị.

**Chỉ để thử nghiệm**: có thể cho phép "đóng vai" người dùng mà không đăng nhập bằng biến môi trường
`TDKT_ALLOW_ACT_AS=1` hoặc mục `[tdkt]` `allow_act_as = true` trong `secrets.toml`. Khi đó bất kỳ ai
mở ứng dụng cũng ghi được dữ liệu: không bật trên máy chủ dùng thật.
"""
    )
