"""Indicator cards and the "Cần đôn đốc" panel."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

import streamlit as st

from components.fmt import day, num, pct
from components.tables import show_frame
from indicators.core import NAMES, SHORT, Indicator, Results
from indicators.dashboard import FollowUp
from indicators.followup import SLUGS, TOPIC_OF_ITEM

# what each indicator counts, for "7/8 đơn vị"
UNIT_WORD = {
    "T1A": "đơn vị",
    "T1B": "CĐCS",
    "T2": "phong trào",
    "T3": "khen thưởng",
    "T4": "cán bộ",
    "O1": "CĐCS",
    "O2": "báo cáo",
    "O3": "báo cáo",
}
PAGES = {
    "don_vi": ("views/don_vi.py", "Đơn vị"),
    "phong_trao": ("views/phong_trao.py", "Phong trào"),
    "khen_thuong": ("views/khen_thuong.py", "Khen thưởng"),
    "dao_tao": ("views/dao_tao.py", "Đào tạo"),
}
MET, MISSED, EMPTY = "met", "missed", "empty"

_CSS = """
<style>
div[class*="st-key-card-met-"] { border-left: 6px solid #2e7d32 !important; }
div[class*="st-key-card-missed-"] { border-left: 6px solid #c62828 !important; }
div[class*="st-key-card-empty-"] { border-left: 6px solid #9e9e9e !important; }
div[class*="st-key-card-"] [data-testid="stMetricLabel"] p,
div[class*="st-key-card-"] [data-testid="stMetricLabel"] div { font-weight: 600; white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
div[class*="st-key-card-"] [data-testid="stMetricLabel"] { height: auto !important; min-height: 2.6em; }
</style>
"""


def state(ind: Indicator) -> str:
    return EMPTY if ind.met is None else (MET if ind.met else MISSED)


def threshold_text(t: float) -> str:
    return pct(t, 0 if float(t).is_integer() else 1)


def verdict(ind: Indicator) -> str:
    """Met or missed, in words and colour (Streamlit badge markdown)."""
    if ind.met is None:
        return ":gray-badge[:material/remove: Chưa có số liệu]"
    if ind.met:
        return ":green-badge[:material/check_circle: Đạt]"
    return f":red-badge[:material/cancel: Chưa đạt] còn thiếu **{num(ind.gap)}** {UNIT_WORD[ind.code]}"


def change_text(points: float | None) -> str | None:
    """+2,1 điểm % (percentage points), or None without a figure a year earlier."""
    if points is None:
        return None
    sign = "+" if points > 0.05 else ("-" if points < -0.05 else "±")
    return f"{sign}{num(abs(points), 1)} điểm %"


def inject_css() -> None:
    st.html(_CSS)


def indicator_card(ind: Indicator, *, change: float | None, prev_as_of: date, forecast_slot: bool = False) -> Any:
    """Percent, change from a year earlier, numerator/denominator, threshold, met or missed."""
    with st.container(border=True, key=f"card-{state(ind)}-{ind.code}", gap="small"):
        delta = change_text(change)
        st.metric(
            f"{ind.code} · {SHORT[ind.code]}",
            pct(ind.percent),
            delta,
            delta_color="normal" if delta and not delta.startswith("±") else "off",
            help=f"{NAMES[ind.code]}. Mũi tên: thay đổi so với {day(prev_as_of)}.",
        )
        if delta is None:
            st.caption(f"Chưa có số liệu ngày {day(prev_as_of)} để so sánh")
        st.markdown(
            f"**{num(ind.numerator)}/{num(ind.denominator)}** {UNIT_WORD[ind.code]} · "
            f"ngưỡng **{threshold_text(ind.threshold)}**"
        )
        st.markdown(verdict(ind))
        if forecast_slot:  # filled once the forecast is computed (``fill_forecasts``): the card shows first
            return st.empty()
    return None


def card_grid(res: Results, *, changes: Mapping[str, float | None], prev_as_of: date, per_row: int = 4,
              forecast: bool = False, forecast_codes: Collection[str] = ()) -> dict[str, Any]:
    """Every indicator; four to a row on a desktop, one under another on a phone. With
    ``forecast``, each card of ``forecast_codes`` keeps a place for its year-end forecast
    (returned by code, for ``fill_forecasts``)."""
    inject_css()
    st.caption(f"Mũi tên dưới mỗi tỉ lệ: thay đổi (điểm phần trăm) so với cùng ngày năm trước, {day(prev_as_of)}."
               + (" «Dự kiến 31/12»: khoảng tỉ lệ cuối năm nếu từ nay đến 31/12 làm được như cùng kỳ các năm trước."
                  if forecast else ""))
    inds = list(res.indicators)
    slots: dict[str, Any] = {}
    for start in range(0, len(inds), per_row):
        cols = st.columns(per_row)
        for col, ind in zip(cols, inds[start:start + per_row], strict=False):
            with col:
                slot = indicator_card(ind, change=changes.get(ind.code), prev_as_of=prev_as_of,
                                      forecast_slot=forecast and ind.code in forecast_codes)
                if slot is not None:
                    slots[ind.code] = slot
    return slots


def fill_forecasts(slots: Mapping[str, Any], texts: Mapping[str, str]) -> None:
    """The year-end forecast under each card, «dự kiến 31/12: 78–84 %»."""
    for code, slot in slots.items():
        if texts.get(code):
            slot.caption(f":material/trending_up: {texts[code]}")


def follow_up_panel(items: Sequence[FollowUp], *, key: str = "followup") -> None:
    """What is behind, with counts, a look at the list and a link to the page to act on."""
    st.subheader("Cần đôn đốc")
    total = sum(i.count for i in items)
    if total == 0:
        st.success("Không còn việc nào cần đôn đốc trong phạm vi này.", icon=":material/task_alt:")
        return
    for start in range(0, len(items), 2):  # row by row, so a phone keeps the order
        for col, item in zip(st.columns(2), items[start:start + 2], strict=False):
            with col:
                follow_up_item(item, key=key)


def follow_up_item(item: FollowUp, *, key: str) -> None:
    with st.container(border=True, key=f"{key}-{item.key}"):
        codes = f" · _{', '.join(item.codes)}_" if item.codes else ""
        if item.count == 0:
            st.markdown(f":green[:material/check:] {item.label}: không còn{codes}")
            return
        head = f"**{num(item.count)}** {item.label[:1].lower()}{item.label[1:]}"
        st.markdown(f":orange[:material/priority_high:] {head}{codes}")
        if item.note:
            st.caption(item.note)
        with st.expander("Xem danh sách"):
            show_frame(item.frame, key=f"{key}-{item.key}-table", height=260, phone_first=True)
        topic = TOPIC_OF_ITEM.get(item.key)
        if topic is not None:  # the reminder list of that topic, preselected
            st.page_link("views/don_doc.py", label="Mở danh sách đôn đốc", icon=":material/campaign:",
                         query_params={"chu_de": SLUGS[topic]})
        if item.target in PAGES:
            page, title = PAGES[item.target]
            st.page_link(page, label=f"Mở trang {title}", icon=":material/arrow_forward:")
