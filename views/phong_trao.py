"""Phong trào: movements in scope on a timeline of launch, reviews and deadlines."""

from __future__ import annotations

import streamlit as st

from components import banner, cards, charts, data, tables
from components.fmt import num
from indicators import dashboard as D
from sheets import schema as S

STATE_COLOURS = {D.REVIEW_OVERDUE: tables.BAD, D.REVIEW_LATE: tables.WARN, D.REVIEW_ON_TIME: tables.GOOD}


def render() -> None:
    st.title("Phong trào")
    ds = data.get_dataset()
    banner.freshness(ds)
    f = banner.filters(ds)
    res = data.get_results(f.year, f.as_of, f.scope)
    with banner.guard("danh sách phong trào"):
        table = D.movement_table(ds, res)
        t2 = res["T2"]
        overdue = int(table["Quá hạn"].sum())
        st.markdown(
            f"**{num(len(table))}** phong trào triển khai trong năm {f.year} · sơ kết, tổng kết đúng hạn (T2): "
            f"**{num(t2.numerator)}/{num(t2.denominator)}** · quá hạn: **{num(overdue)}** · "
            + cards.verdict(t2)
        )
        c1, c2, c3, c4 = st.columns([1.3, 1.3, 2, 1], vertical_alignment="bottom")
        statuses = c1.multiselect("Trạng thái", list(S.MOVEMENT_STATUSES), key="mv_status", placeholder="Tất cả")
        audiences_all = list(S.AUDIENCES) + ([D.BLANK] if table["Đối tượng"].isna().any() else [])
        audiences = c2.multiselect("Đối tượng", audiences_all, key="mv_audience", placeholder="Tất cả")
        launchers = list(dict.fromkeys(table["Đơn vị phát động"]))
        names = dict(zip(table["Đơn vị phát động"], table["Tên đơn vị phát động"], strict=True))
        units = c3.multiselect("Đơn vị phát động", launchers, key="mv_units", placeholder="Tất cả",
                               format_func=lambda c: D.short_name(names.get(c) or c))
        only_overdue = c4.toggle("Chỉ quá hạn", key="mv_overdue")
        shown = D.filter_movements(table, statuses=statuses, audiences=audiences, units=units,
                                   only_overdue=only_overdue)
        st.caption(f"{num(len(shown))}/{num(len(table))} phong trào")
    with banner.guard("biểu đồ tiến độ"):
        st.altair_chart(charts.timeline_chart(shown, f.end, year=f.year), width="stretch")
    with banner.guard("bảng phong trào"):
        cols = ["Mã phong trào", "Tên phong trào", "Đối tượng", "Tên đơn vị phát động", "Ngày phát động",
                "Hạn sơ kết", "Ngày sơ kết", "Sơ kết", "Hạn tổng kết", "Ngày tổng kết", "Tổng kết", "Trạng thái",
                "Quá hạn"]
        view = tables.as_words(shown[cols], ["Quá hạn"], ("Quá hạn", "Không"))
        styler = tables.vn_styler(
            view,
            dates=["Ngày phát động", "Hạn sơ kết", "Ngày sơ kết", "Hạn tổng kết", "Ngày tổng kết"],
            colours={
                "Sơ kết": lambda v: STATE_COLOURS.get(v, ""),
                "Tổng kết": lambda v: STATE_COLOURS.get(v, ""),
                "Quá hạn": lambda v: tables.BAD if v == "Quá hạn" else "",
            },
        )
        tables.show_frame(view, key="mv_table", styler=styler, height=560,
                          empty="Không có phong trào nào khớp bộ lọc.",
                          config={"Tên phong trào": st.column_config.TextColumn("Tên phong trào", width="large")})
        tables.downloads(view, stem=tables.file_stem("phong-trao", f.scope, f.year), sheet="Phong trào",
                         key="movements")


render()
