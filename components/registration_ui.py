"""Đăng ký thi đua: the registration form (through the write door, with the form lifecycle)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from components import forms
from components.fmt import day
from indicators import registration as R
from sheets import clock
from sheets.load import Dataset, User


def registration_form(ds: Dataset, user: User, year: int) -> None:
    units = forms.writable_units(ds, user)
    if not units:
        return
    st.subheader(f"Đăng ký thi đua năm {year}")
    flow = forms.Flow(f"dk_{year}", tab="DangKy", user=user)
    if flow.saved():
        return
    standing = R.current(ds, year).set_index("unit")
    with flow.form():
        c1, c2 = st.columns([2, 1])
        unit = c1.selectbox("Đơn vị đăng ký *", units, format_func=forms.unit_label(ds), key=flow.k("unit"))
        st.session_state.setdefault(flow.k("registered"), clock.today())
        registered = c2.date_input("Ngày đăng ký *", key=flow.k("registered"), format="DD/MM/YYYY")
        titles = st.multiselect("Danh hiệu đăng ký", R.known_titles(ds), key=flow.k("titles"),
                                accept_new_options=True, placeholder="Chọn hoặc gõ tên danh hiệu")
        c3, c4 = st.columns([1, 2])
        people = c3.number_input("Số cá nhân đăng ký", min_value=0, step=1, value=None, key=flow.k("people"),
                                 placeholder="Để trống nếu chưa có")
        note = c4.text_input("Ghi chú", key=flow.k("note"))
        submitted = flow.submit("Lưu đăng ký")
    if submitted:
        row: dict[str, Any] = {
            "year": year, "unit": unit, "registered": forms.date_or_none(registered),
            "titles": ", ".join(t.strip() for t in titles if t.strip()) or None,
            "people": int(people) if people is not None else None, "note": note.strip() or None,
        }
        similar = None
        if unit in standing.index:  # the key is (Năm, Mã đơn vị): a new version of the same record
            when = standing["registered"].get(unit)
            shown = day(when) if isinstance(when, date) and not pd.isna(when) else "(không rõ ngày)"
            similar = f"{ds.tree.name(unit)} đã đăng ký năm {year} ngày {shown}; lưu sẽ cập nhật bản đăng ký."
        flow.save([row], what=f"Đã lưu đăng ký thi đua năm {year} của {ds.tree.name(unit)}", similar=similar)
    flow.prompt()
