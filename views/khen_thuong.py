"""Khen thưởng: T3 over the years, breakdowns of the year's commendations, every record."""

from __future__ import annotations

import streamlit as st

from components import banner, cards, charts, data, tables
from components.fmt import num, pct
from indicators import dashboard as D
from sheets import schema as S


def render() -> None:
    st.title("Khen thưởng")
    ds = data.get_dataset()
    banner.freshness(ds)
    f = banner.filters(ds)
    res = data.get_results(f.year, f.as_of, f.scope)
    prev_as_of = D.year_earlier(f.as_of)
    prev = data.get_results(f.year - 1, prev_as_of, f.scope)
    trend = data.get_trend(f.year, f.as_of, f.scope)
    awards = D.awards_frame(ds, f.year, f.as_of, f.scope)

    left, right = st.columns([1, 2])
    with left, banner.guard("chỉ tiêu T3"):
        cards.inject_css()
        cards.indicator_card(res["T3"], change=D.changes(res, prev)["T3"], prev_as_of=prev_as_of)
        persons = int((awards["Đối tượng"] == S.SUBJECT_PERSON).sum())
        st.markdown(
            f"Năm {f.year}: **{num(len(awards))}** khen thưởng · **{num(persons)}** cá nhân · "
            f"**{num(len(awards) - persons)}** tập thể · đột xuất **{pct(D.surprise_share(awards))}**"
        )
        st.caption(f"Tính các quyết định đến ngày {f.as_of:%d/%m/%Y} (T3 tính theo ngày chọn, không theo 31/12).")
    with right, banner.guard("biểu đồ T3 qua các năm"):
        st.altair_chart(charts.trend_chart(trend, "T3", title="T3 qua các năm so với ngưỡng"), width="stretch")

    st.subheader(f"Cơ cấu khen thưởng năm {f.year}")
    items = list(D.BREAKDOWNS.items()) if len(awards) else []
    if not items:
        st.caption(f"Chưa có khen thưởng nào năm {f.year} trong phạm vi này (quyết định đến ngày {f.as_of:%d/%m/%Y}).")
    for start in range(0, len(items), 2):
        cols = st.columns(2)
        for col, (column, title) in zip(cols, items[start:start + 2], strict=False):
            with col, banner.guard(f"biểu đồ {title.lower()}"):
                st.altair_chart(charts.breakdown_chart(D.breakdown(awards, column), title), width="stretch")

    st.subheader("Danh sách khen thưởng")
    with banner.guard("danh sách khen thưởng"):
        c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
        text = c1.text_input("Tìm kiếm", key="aw_search", placeholder="Tên, đơn vị, hình thức, số quyết định…")
        levels = c2.multiselect("Cấp khen", list(S.AWARD_LEVELS), key="aw_levels", placeholder="Tất cả")
        subjects = c3.multiselect("Đối tượng", list(S.SUBJECTS), key="aw_subjects", placeholder="Tất cả")
        shown = D.filter_awards(awards, text=text or "", levels=levels, subjects=subjects)
        if len(awards):
            st.caption(f"{num(len(shown))}/{num(len(awards))} khen thưởng")
        tables.show_frame(shown, key="aw_table", height=560,
                          empty="Danh sách trống." if not len(awards) else "Không có khen thưởng nào khớp tìm kiếm và bộ lọc.",
                          config={"Năm": st.column_config.NumberColumn("Năm", format="%d"),
                                  "Tên người hoặc tập thể": st.column_config.TextColumn(width="medium")})
        tables.downloads(shown, stem=tables.file_stem("khen-thuong", f.scope, f.year), sheet="Khen thưởng",
                         key="awards")


render()
