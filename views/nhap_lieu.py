"""Nhập liệu: district officers, the province desk and administrators enter data (the sections
live in ``components.entry_ui``)."""

from __future__ import annotations

import streamlit as st

from components import auth, data, entry_ui, forms
from sheets import schema as S


def render() -> None:
    user = auth.require_user(S.ROLE_OFFICER, S.ROLE_ADMIN, S.ROLE_DESK)  # the desk: data of every unit (SPEC 1)
    ds = data.get_dataset()
    st.title("Nhập liệu")
    scope = "toàn tỉnh" if user.role in (S.ROLE_ADMIN, S.ROLE_DESK) else f"{ds.tree.name(user.unit)} và các đơn vị trực thuộc"
    st.caption(f"{user.name} · {user.role} · ghi được dữ liệu của {scope}.")
    if data.is_demo():
        st.info("Dữ liệu minh họa — mọi thay đổi chỉ ghi vào bản minh họa.", icon=":material/science:")
    forms.show_flash()
    sections = entry_ui.SECTIONS
    for tab, draw in zip(forms.tabs("nhap_lieu", list(sections)), sections.values(), strict=True):
        with tab:
            if forms.is_open(tab):
                draw(ds, user)


render()
