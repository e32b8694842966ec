"""Đơn vị: the grassroots unions under one upper-level union, in one table."""

from __future__ import annotations

import streamlit as st

from components import banner, data, tables
from components.fmt import num
from indicators import dashboard as D

REPORT_COLOURS = {"Chưa gửi": tables.BAD, "Gửi muộn": tables.WARN, D.REPORT_OK: tables.GOOD, D.REPORT_EARLY: tables.GOOD}


def render() -> None:
    st.title("Đơn vị")
    ds = data.get_dataset()
    banner.freshness(ds)
    f = banner.filters(ds, scope_label_text="Đơn vị cấp trên")
    res = data.get_results(f.year, f.as_of, f.scope)
    with banner.guard("bảng đơn vị"):
        table = D.unit_table(ds, res)
        st.markdown(
            f"**{num(len(table))}** công đoàn cơ sở đang hoạt động · "
            f"kế hoạch và phát động: **{num(res['T1B'].numerator)}/{num(res['T1B'].denominator)}** · "
            f"có cán bộ TĐKT: **{num(res['O1'].numerator)}/{num(res['O1'].denominator)}** · "
            f"cán bộ đã tập huấn: **{num(res['T4'].numerator)}/{num(res['T4'].denominator)}** · "
            f"báo cáo đúng hạn: **{num(res['O3'].numerator)}/{num(res['O3'].denominator)}**"
        )
        c1, c2, c3, c4 = st.columns([2, 2, 2, 1.6], vertical_alignment="bottom")
        text = c1.text_input("Tìm đơn vị hoặc cán bộ", key="unit_search", placeholder="Tên, mã đơn vị, tên cán bộ…")
        kinds_all = sorted(table["Loại hình"].fillna(D.BLANK).unique())
        kinds = c2.multiselect("Loại hình", kinds_all, key="unit_kinds", placeholder="Tất cả")
        sort = c3.selectbox("Sắp xếp theo", list(D.UNIT_SORTS), key="unit_sort")
        only_gaps = c4.toggle("Chỉ đơn vị còn thiếu", key="unit_gaps")
        shown = D.filter_units(table, text=text or "", kinds=kinds, only_gaps=only_gaps)
        shown = D.sort_units(shown, sort)
        st.caption(f"{num(len(shown))}/{num(len(table))} đơn vị · bấm tiêu đề cột để sắp xếp lại · "
                   "ô tô đỏ: còn thiếu; ô tô cam: chưa đủ hoặc gửi muộn")
        shown = tables.as_words(shown, ["Có kế hoạch", "Đã phát động"])
        styler = tables.vn_styler(
            shown,
            numbers=["Đoàn viên", "Số cán bộ", "Đã tập huấn", "Chưa tập huấn", "Việc còn thiếu"],
            colours={
                "Có kế hoạch": lambda v: tables.BAD if v == "Chưa" else "",
                "Đã phát động": lambda v: tables.BAD if v == "Chưa" else "",
                "Số cán bộ": lambda v: tables.BAD if v == 0 else "",
                "Chưa tập huấn": lambda v: tables.WARN if v else "",
                "Báo cáo 6 tháng": lambda v: REPORT_COLOURS.get(v, ""),
                "Báo cáo năm": lambda v: REPORT_COLOURS.get(v, ""),
                "Việc còn thiếu": lambda v: tables.WARN if v else tables.GOOD,
            },
        )
        tables.show_frame(shown, key="unit_table", styler=styler, height=640,
                          empty="Không có đơn vị nào khớp tìm kiếm và bộ lọc.",
                          config={"Tên đơn vị": st.column_config.TextColumn("Tên đơn vị", width="medium"),
                                  "Cán bộ TĐKT": st.column_config.TextColumn("Cán bộ TĐKT", width="medium"),
                                  "Loại hình": st.column_config.TextColumn("Loại hình", width="small")})
        tables.downloads(shown, stem=tables.file_stem("don-vi", f.scope, f.year), sheet="Đơn vị", key="units")


render()
