"""Tổng quan: every indicator for a scope, year and as-of date; what is behind; charts."""

from __future__ import annotations

import streamlit as st

from components import banner, cards, charts, data, dossier_ui
from indicators import dashboard as D
from indicators import forecast as FC
from indicators.core import NAMES, SHORT
from sheets import clock


def render() -> None:
    st.title("Tổng quan")
    ds = data.get_dataset()
    banner.freshness(ds)
    f = banner.filters(ds)
    res = data.get_results(f.year, f.as_of, f.scope)
    prev_as_of = D.year_earlier(f.end)  # the date compared: E a year earlier (31/12 for a past year)
    prev = data.get_results(f.year - 1, prev_as_of, f.scope)
    show_forecast = FC.is_open(f.year, clock.today())  # a past year is final
    slots: dict[str, object] = {}
    with banner.guard("các chỉ tiêu"):
        slots = cards.card_grid(res, changes=D.changes(res, prev), prev_as_of=prev_as_of, forecast=show_forecast,
                                forecast_codes=FC.CODES)
    if slots:
        with banner.guard("dự kiến cuối năm"):
            fc = data.get_forecast(f.year, f.as_of, f.scope)
            cards.fill_forecasts(slots, {c: FC.range_text(v) for c, v in fc.items()})

    with banner.guard("danh sách cần đôn đốc"):
        cards.follow_up_panel(D.follow_ups(res, ds))
    with banner.guard("hồ sơ khen thưởng"):
        dossier_ui.overview_panel(ds, f.year, f.as_of, f.scope)

    st.subheader("Biểu đồ theo chỉ tiêu")
    # the trend and the comparison after the cards: a person waits for the figures, not the
    # charts (a new generation computes each year of the trend again)
    compare = data.get_comparison(f.year, f.as_of)
    trend = data.get_trend(f.year, f.as_of, f.scope)
    codes = [i.code for i in res.indicators]
    tabs = st.tabs(codes, key="chart_tab", on_change="rerun")
    for code, tab in zip(codes, tabs, strict=True):
        with tab:
            if tab.open is False:
                continue
            st.markdown(f"**{code} · {SHORT[code]}** — {NAMES[code]}")
            left, right = st.columns(2)
            with left, banner.guard("biểu đồ so sánh"):
                st.altair_chart(charts.compare_chart(compare, code, highlight=None if f.scope == ds.tree.root else f.scope), width="stretch")
            with right, banner.guard("biểu đồ qua các năm"):
                st.altair_chart(charts.trend_chart(trend, code), width="stretch")
            st.caption(
                "So sánh các liên đoàn lao động huyện, thành phố và công đoàn ngành trên toàn tỉnh"
                + ("" if f.scope == ds.tree.root else f"; đơn vị đang xem được tô đậm ({ds.tree.name(f.scope)})")
                + f". Đường qua các năm tính cho phạm vi đang xem, mỗi năm đến 31/12 hoặc đến {f.as_of:%d/%m/%Y}."
            )


render()
