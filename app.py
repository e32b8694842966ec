"""Router: page config, the user's role, the pages that role sees, st.navigation."""

from __future__ import annotations

import streamlit as st

from components import auth
from sheets import schema as S

st.set_page_config(page_title="TĐKT tracker", page_icon="🏅", layout="wide")

READ = [
    st.Page("pages/tong_quan.py", title="Tổng quan", icon="📊", default=True, url_path="tong-quan"),
    st.Page("pages/don_vi.py", title="Đơn vị", icon="🏢", url_path="don-vi"),
    st.Page("pages/phong_trao.py", title="Phong trào", icon="🚩", url_path="phong-trao"),
    st.Page("pages/khen_thuong.py", title="Khen thưởng", icon="🎖️", url_path="khen-thuong"),
    st.Page("pages/dao_tao.py", title="Đào tạo", icon="🎓", url_path="dao-tao"),
    st.Page("pages/dien_hinh.py", title="Điển hình", icon="⭐", url_path="dien-hinh"),
    st.Page("pages/bao_cao.py", title="Báo cáo", icon="📄", url_path="bao-cao"),
    st.Page("pages/chat_luong.py", title="Chất lượng dữ liệu", icon="🩺", url_path="chat-luong"),
]
ENTRY = st.Page("pages/nhap_lieu.py", title="Nhập liệu", icon="✍️", url_path="nhap-lieu")
SETTINGS = st.Page("pages/cai_dat.py", title="Cài đặt", icon="⚙️", url_path="cai-dat")
DENIED = st.Page("pages/chua_cap_quyen.py", title="Chưa được cấp quyền", icon="🔒", url_path="chua-cap-quyen")

auth.demo_switcher()
user = auth.current_user()
if user is None:
    pages = [DENIED]
elif user.role == S.ROLE_ADMIN:
    pages = [*READ, ENTRY, SETTINGS]
elif user.role == S.ROLE_OFFICER:
    pages = [*READ, ENTRY]
else:
    pages = list(READ)
st.navigation(pages).run()
