"""Chất lượng dữ liệu: every problem reading found, where it is, and how to fix it."""

from __future__ import annotations

import streamlit as st

from components import banner, data, tables
from components.fmt import num
from indicators import dashboard as D

SEVERITY_COLOURS = {"Lỗi": tables.BAD, "Cảnh báo": tables.WARN}


def render() -> None:
    st.title("Chất lượng dữ liệu")
    ds = data.get_dataset()
    banner.freshness(ds, link_problems=False)
    st.caption("**Lỗi**: dòng hoặc ô không được tính vào số liệu. **Cảnh báo**: vẫn được tính, theo giả định "
               "ghi trong cột «Vấn đề». Sửa trong bảng tính rồi bấm «Làm mới».")
    with banner.guard("danh sách vấn đề"):
        table = D.problem_table(ds, ds.tab_gids)
        for col in ("Vấn đề", "Cách sửa"):  # the registry by a person's name for it
            if col in table:
                table[col] = table[col].map(lambda v: tables.registry_words(v, ds.registry))
        table["Bảng tính"] = table["Bảng tính"].map(lambda v: tables.sheet_label(v, ds.registry))
        counts = ds.problem_counts()
        with st.container(horizontal=True, gap="small", key="pb_counts"):
            st.metric("Lỗi", num(counts["error"]), border=True, width="content")
            st.metric("Cảnh báo", num(counts["warning"]), border=True, width="content")
            st.metric("Bảng tính có vấn đề", f"{num(table['Bảng tính'].nunique())}/{num(len(ds.sheets))}",
                      border=True, width="content")
        if not len(table):
            st.success("Không phát hiện vấn đề nào trong dữ liệu.", icon=":material/task_alt:")
            return
        f1, f2, f3, f4 = st.columns([1.2, 1.5, 1.5, 2], vertical_alignment="bottom")
        severities = f1.pills("Mức độ", ["Lỗi", "Cảnh báo"], selection_mode="multi", key="pb_severity")
        sheets = f2.multiselect("Bảng tính", list(dict.fromkeys(table["Bảng tính"])), key="pb_sheets",
                                placeholder="Tất cả")
        tabs = f3.multiselect("Trang", sorted(t for t in table["Trang"].unique() if t), key="pb_tabs",
                              placeholder="Tất cả")
        text = f4.text_input("Tìm trong giá trị, vấn đề", key="pb_search")
        shown = D.filter_problems(table, sheets=sheets, tabs=tabs, severities=severities or [], text=text or "")
        st.caption(f"{num(len(shown))}/{num(len(table))} vấn đề")
        view = shown if shown["Liên kết"].notna().any() else shown.drop(columns=["Liên kết"])
        styler = tables.vn_styler(view, colours={"Mức độ": lambda v: SEVERITY_COLOURS.get(v, "")})
        tables.show_frame(view, key="pb_table", styler=styler, height=600,
                          empty="Không có vấn đề nào khớp bộ lọc.",
                          config={"Vấn đề": st.column_config.TextColumn("Vấn đề", width="large"),
                                  "Cách sửa": st.column_config.TextColumn("Cách sửa", width="large"),
                                  "Dòng": st.column_config.NumberColumn("Dòng", format="%d")})
        tables.downloads(view, stem="van-de-du-lieu", sheet="Vấn đề dữ liệu", key="problems")
        with st.expander("Số vấn đề theo bảng tính và trang"):
            tables.show_frame(D.problem_summary(shown), key="pb_summary")


render()
