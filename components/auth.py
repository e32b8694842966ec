"""Who is using the app: a signed-in e-mail mapped through NguoiDung, or a demo "act as"."""

from __future__ import annotations

import streamlit as st

from components import data
from sheets import schema as S
from sheets.load import User

DEMO_DEFAULT = "lanhdao@demo.tdkt.vn"


def current_user() -> User | None:
    """The acting user; on demo data a visitor lands as the province leader, read only."""
    ds = data.get_dataset()
    email = st.session_state.get("actor")
    if email is None and data.is_demo():
        leaders = [u for u in ds.users.values() if u.role == S.ROLE_LEADER]
        default = ds.users.get(DEMO_DEFAULT) or (leaders[0] if leaders else None)
        email = default.email if default else None
        st.session_state["actor"] = email
    return ds.users.get(email) if email else None


def demo_switcher() -> None:
    """Sidebar control to act as a demo user; visibly marked."""
    if not data.is_demo():
        return
    ds = data.get_dataset()
    users = sorted(ds.users.values(), key=lambda u: (S.ROLES.index(u.role), u.email))
    if not users:
        return
    emails = [u.email for u in users]
    cur = st.session_state.get("actor") or emails[0]
    with st.sidebar:
        st.caption("🧪 Chế độ minh họa: chọn người dùng để xem ứng dụng theo vai trò")
        st.selectbox(
            "Đóng vai",
            emails,
            index=emails.index(cur) if cur in emails else 0,
            format_func=lambda e: f"{ds.users[e].name} — {ds.users[e].role}",
            key="actor",
        )
