"""Shown to a signed-in e-mail that is not in NguoiDung, and nothing else."""

from __future__ import annotations

import streamlit as st

from components import auth

session = auth.current_session()
if session.mode == auth.MODE_ACT_AS and not session.signed_in:
    st.title("Chọn người dùng")
    st.info("Chọn một người dùng trong ô «Đóng vai» ở thanh bên để xem ứng dụng theo vai trò của họ.")
    st.stop()
st.title("Chưa được cấp quyền")
who = f"«{session.email}» " if session.email else ""
st.error(
    f"Tài khoản {who}chưa có trong danh sách người dùng (trang NguoiDung). "
    "Hãy liên hệ quản trị viên của Liên đoàn Lao động tỉnh để được cấp quyền, "
    "với e-mail, họ tên, đơn vị và vai trò của bạn."
)
if session.mode == auth.MODE_OIDC and session.signed_in:
    st.button("Đăng xuất", on_click=st.logout, key="denied_logout", icon=":material/logout:")
