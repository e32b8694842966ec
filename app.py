"""Router: page config, the pages a user sees, st.navigation. Nothing else."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="TĐKT tracker", page_icon="🏅", layout="wide")

pages = [
    st.Page("pages/tong_quan.py", title="Tổng quan", icon="📊", default=True, url_path="tong-quan"),
]
st.navigation(pages).run()
