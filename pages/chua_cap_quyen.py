"""Shown to a signed-in e-mail that is not in NguoiDung, and nothing else."""

import streamlit as st

st.title("Chưa được cấp quyền")
st.error(
    "Tài khoản của bạn chưa có trong danh sách người dùng (trang NguoiDung). "
    "Hãy liên hệ quản trị viên của Liên đoàn Lao động tỉnh để được cấp quyền."
)
