"""Đăng ký thi đua: who registered for the year and when; registered titles against awards."""

from __future__ import annotations

import streamlit as st

from components import auth, banner, data, forms, tables
from components.fmt import num
from components.registration_ui import registration_form
from indicators import registration as R


def render() -> None:
    st.title("Đăng ký thi đua")
    user = auth.require_user()
    ds = data.get_dataset()
    banner.freshness(ds)
    forms.show_flash()
    f = banner.filters(ds)
    reg = R.compute(ds, f.year, f.scope)
    c1, c2 = st.columns(2)
    c1.metric("Đơn vị đã đăng ký", f"{num(reg.registered)}/{num(reg.in_scope)}")
    c2.metric("Danh hiệu đã đạt", f"{num(reg.titles_met)}/{num(reg.titles_registered)}")
    with banner.guard("danh sách đăng ký"):
        st.subheader("Đơn vị và ngày đăng ký")
        st.caption("Đơn vị chưa đăng ký đứng đầu danh sách.")
        tables.show_frame(reg.units, key="dk_units", height=480, empty="Không có đơn vị nào trong phạm vi này.",
                          config={R.C_UNIT: st.column_config.TextColumn(width=260),
                                  R.C_DATE: st.column_config.DateColumn(R.C_DATE, format="DD/MM/YYYY", width=110),
                                  R.C_PEOPLE: st.column_config.NumberColumn(R.C_PEOPLE, format="%d", width=130),
                                  R.C_CODE: st.column_config.TextColumn(width=90)})
    with banner.guard("đối chiếu danh hiệu"):
        st.subheader("Danh hiệu đăng ký và kết quả khen thưởng")
        st.caption(f"Mỗi danh hiệu đã đăng ký so với khen thưởng tập thể của đơn vị năm {f.year} "
                   "(cùng hình thức, không phân biệt hoa thường và dấu).")
        if len(reg.titles):
            tables.show_frame(reg.titles, key="dk_titles", height=480,
                              config={R.C_UNIT: st.column_config.TextColumn(width=260),
                                      R.C_MET: st.column_config.TextColumn(width=80),
                                      R.C_DECISION: st.column_config.TextColumn(width=230),
                                      R.C_CODE: st.column_config.TextColumn(width=90)})
        else:
            st.caption("Chưa có danh hiệu nào được đăng ký trong phạm vi này.")
    if forms.may_write(user, "DangKy"):
        registration_form(ds, user, f.year)


render()
