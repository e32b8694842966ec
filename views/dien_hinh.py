"""Điển hình: the registry of exemplary people, collectives and good practices; where they
were publicised, how many are direct workers, which were replicated; add and edit (the pieces
live in ``components.exemplar_ui``)."""

from __future__ import annotations

import streamlit as st

from components import auth, banner, data, exemplar_ui, forms
from components.tables import downloads, file_stem, show_frame
from indicators import exemplars as EX


def render() -> None:
    st.title("Điển hình")
    ds = data.get_dataset()
    user = auth.current_user()
    banner.freshness(ds)
    forms.show_flash()
    f = exemplar_ui.filters(ds)
    frame = EX.select(ds, year=f["year"], scope=f["scope"], movement=f["movement"], group=f["group"])
    with banner.guard("tổng hợp điển hình"):
        exemplar_ui.overview(ds, frame)
    st.subheader("Danh sách điển hình")
    table = EX.table(ds, frame)
    show_frame(table, key="dh_table", empty="Danh sách trống.")
    downloads(table, stem=file_stem("dien-hinh", f["year"] or "tat-ca", f["scope"] or ""), sheet="Điển hình",
              key="dh_table")

    if forms.may_write(user, exemplar_ui.TAB):
        assert user is not None
        st.divider()
        add, edit = forms.tabs("dien_hinh", ["Thêm điển hình", "Sửa điển hình"])
        with add:
            if forms.is_open(add):
                exemplar_ui.add(ds, user)
        with edit:
            if forms.is_open(edit):
                exemplar_ui.edit(ds, user)
    else:
        st.caption("Vai trò của bạn chỉ được xem danh sách điển hình.")


render()
