"""Tổng quan: every indicator for a year, scope and as-of date."""

from __future__ import annotations

from datetime import date

import streamlit as st

from components import data
from components.fmt import day, pct
from indicators.core import SHORT
from sheets import clock


def render() -> None:
    st.title("Tổng quan")
    ds = data.get_dataset()
    if data.is_demo():
        st.info("Dữ liệu minh họa — không phải số liệu thật của tỉnh.", icon="🧪")
    today = clock.today()
    years = list(range(today.year, 2019, -1))
    c1, c2 = st.columns(2)
    year = c1.selectbox("Năm", years, index=0, key="year")
    as_of = c2.date_input("Tính đến ngày", value=today, format="DD/MM/YYYY", key="as_of")
    if not isinstance(as_of, date):
        as_of = today
    res = data.get_results(int(year), as_of, None)
    st.caption(f"Số liệu năm {res.year}, tính đến {day(res.end)} · phạm vi {ds.tree.name(res.scope)}")
    cols = st.columns(4)
    for n, ind in enumerate(res.indicators):
        with cols[n % 4]:
            verdict = "—" if ind.met is None else ("Đạt" if ind.met else "Chưa đạt")
            st.metric(
                f"{ind.code} · {SHORT[ind.code]}",
                pct(ind.percent),
                f"{ind.numerator}/{ind.denominator} · ngưỡng {pct(ind.threshold, 0)} · {verdict}",
                delta_color="off",
            )


render()
