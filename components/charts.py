"""Altair chart builders (no Streamlit): the pages draw them with ``st.altair_chart`` and the
reports render the same charts to images.

Every chart fills its container's width (``width="container"``), uses Vietnamese number and
date formats (``87,5``, ``15/01/2026``) through the Vega locale and carries its labels as
pre-formatted text, so a phone and a printed report show the same figures as the cards.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any, cast

import altair as alt
import pandas as pd

from components.fmt import day, num, pct
from indicators import dashboard as D

GREEN = "#2e7d32"
RED = "#c62828"
AMBER = "#ef6c00"
BLUE = "#1565c0"
GREY = "#9e9e9e"
LIGHT = "#cfd8dc"
MET, MISSED = "Đạt", "Chưa đạt"
RATE, THRESHOLD = "Tỉ lệ đạt", "Ngưỡng"
ROW_HEIGHT = 24


class Layered(alt.LayerChart):
    """A layered chart whose ``to_dict()`` skips JSON-schema validation unless asked: the
    builders' specs are validated by the tests (``to_dict(validate=True)``), and validating
    again on every rerun was half the time Streamlit spent drawing a chart."""

    def to_dict(self, validate: bool = False, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        return super().to_dict(validate, **kwargs)


AnyChart = alt.Chart | alt.LayerChart

VI_LOCALE = alt.Locale(
    number=alt.NumberLocale(decimal=",", thousands=".", grouping=[3], currency=["", " đ"]),
    time=alt.TimeLocale(
        dateTime="%A, %d/%m/%Y %H:%M:%S",
        date="%d/%m/%Y",
        time="%H:%M:%S",
        periods=["SA", "CH"],
        days=["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"],
        shortDays=["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
        months=[f"tháng {m}" for m in range(1, 13)],
        shortMonths=[f"Th{m}" for m in range(1, 13)],
    ),
)

REVIEW_COLORS = {
    D.REVIEW_OVERDUE: RED,
    D.REVIEW_LATE: AMBER,
    D.REVIEW_ON_TIME: GREEN,
    D.REVIEW_PENDING: GREY,
    D.REVIEW_NONE: LIGHT,
    "Đã phát động": BLUE,
}


# Built once: configuring a chart with .configure_*() deep-copies the whole chart each time.
_CONFIG = alt.Config(
    locale=VI_LOCALE,
    axis=alt.AxisConfig(labelFontSize=11, titleFontSize=11),
    legend=alt.LegendConfig(orient="bottom", title=None, labelFontSize=11, labelLimit=220),
    title=alt.TitleConfig(anchor="start", fontSize=13, subtitleFontSize=11),
)
_AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")


def _finish(chart: Any, **props: Any) -> AnyChart:
    """Vietnamese locale and house style; the height given is the plot's own (fit-x: only
    the width follows the container), so titles and legends never squash the marks.

    Sets attributes on the chart just built (no copy: Altair copies the whole chart for every
    ``.properties``/``.configure``, which was most of the time a page spent on its charts)."""
    for k, v in props.items():
        setattr(chart, k, v)
    chart.autosize = _AUTOSIZE
    chart.config = _CONFIG
    return cast(AnyChart, chart)


def _percent_axis(top: float) -> tuple[list[float], list[float]]:
    """An x/y domain with room for labels, and tick values that never pass 100."""
    if top > 60:
        step, end = 25.0, max(100.0, top) * 1.22
    else:
        step = 5.0 if top <= 25 else 10.0
        end = max(step * 2, math.ceil(top * 1.35 / step) * step)
    ticks = [float(t) for t in range(0, int(min(end, max(100.0, top))) + 1, int(step))]
    return [0.0, end], ticks


def _empty(message: str) -> AnyChart:
    return _finish(
        alt.Chart(pd.DataFrame({"text": [message]}))
        .mark_text(color=GREY, fontSize=13)
        .encode(text="text:N")
        .properties(width="container", height=60)
    )


def compare_chart(compare: pd.DataFrame, code: str, *, highlight: str | None = None,
                  title: str | None = None) -> AnyChart:
    """Upper-level units side by side for one indicator, with the threshold as a rule line."""
    f = compare[(compare["code"] == code) & compare["percent"].notna()].copy()
    if not len(f):
        return _empty("Không có số liệu để so sánh")
    threshold = float(f["threshold"].iloc[0])
    f["Nhãn"] = f["percent"].map(pct)
    f["Tử số/Mẫu số"] = f["numerator"].map(num) + "/" + f["denominator"].map(num)
    f["Kết quả"] = f["met"].map({True: MET, False: MISSED})
    f["Ngưỡng"] = pct(threshold, 0 if threshold.is_integer() else 1)
    f["Đang xem"] = f["unit"] == highlight if highlight else True
    domain, ticks = _percent_axis(max(threshold, float(f["percent"].max())))
    y = alt.Y("short:N", sort=alt.EncodingSortField("percent", order="descending"), title=None,
              axis=alt.Axis(labelLimit=150))
    tooltip = [
        alt.Tooltip("name:N", title="Đơn vị"),
        alt.Tooltip("Nhãn:N", title="Tỉ lệ"),
        alt.Tooltip("Tử số/Mẫu số:N"),
        alt.Tooltip("Ngưỡng:N"),
        alt.Tooltip("Kết quả:N"),
    ]
    base = alt.Chart(f)
    bars = base.mark_bar(cornerRadiusEnd=2).encode(
        y=y,
        x=alt.X("percent:Q", title="Tỉ lệ (%)", scale=alt.Scale(domain=domain, nice=False),
                axis=alt.Axis(values=ticks, format="d")),
        color=alt.Color("Kết quả:N", scale=alt.Scale(domain=[MET, MISSED], range=[GREEN, RED])),
        opacity=alt.condition(alt.datum["Đang xem"], alt.value(1.0), alt.value(0.45)),
        tooltip=tooltip,
    )
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(
        y=y, x=alt.X("percent:Q"), text=alt.Text("Nhãn:N"), tooltip=tooltip
    )
    rule = alt.Chart(pd.DataFrame({"threshold": [threshold], "Ngưỡng": [f["Ngưỡng"].iloc[0]]})).mark_rule(
        color=RED, strokeDash=[5, 3], size=2
    ).encode(x=alt.X("threshold:Q"), tooltip=[alt.Tooltip("Ngưỡng:N")])
    return _finish(
        Layered(layer=[bars, labels, rule]), width="container", height=ROW_HEIGHT * len(f) + 20,
        title=alt.Title(title or f"{code} · so sánh các đơn vị", subtitle=f"Vạch đỏ đứt: ngưỡng {f['Ngưỡng'].iloc[0]}"),
    )


def trend_chart(trend: pd.DataFrame, code: str, *, title: str | None = None) -> AnyChart:
    """One indicator over the years against each year's threshold (a dashed line)."""
    f = trend[trend["code"] == code].sort_values("year")
    if not len(f):
        return _empty("Chưa có số liệu các năm")
    years = f["year"].astype(str)
    rate = pd.DataFrame(
        {
            "Năm": years,
            "Chuỗi": RATE,
            "value": f["percent"],
            "Nhãn": f["percent"].map(lambda p: num(p, 1) if pd.notna(p) else ""),
            "Tỉ lệ": f["percent"].map(pct),
            "Tử số/Mẫu số": f["numerator"].map(num) + "/" + f["denominator"].map(num),
            "Ngưỡng": f["threshold"].map(lambda t: pct(t, 0 if float(t).is_integer() else 1)),
        }
    )
    line = pd.DataFrame(
        {"Năm": years, "Chuỗi": THRESHOLD, "value": f["threshold"], "Ngưỡng": rate["Ngưỡng"]}
    )
    top = max(float(f["threshold"].max()), float(f["percent"].max()) if f["percent"].notna().any() else 0.0)
    domain, ticks = _percent_axis(top)
    x = alt.X("Năm:O", title=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title="Tỉ lệ (%)", scale=alt.Scale(domain=domain, nice=False),
              axis=alt.Axis(values=ticks, format="d"))
    color = alt.Color("Chuỗi:N", scale=alt.Scale(domain=[RATE, THRESHOLD], range=[BLUE, RED]))
    tooltip = [alt.Tooltip("Năm:O"), alt.Tooltip("Tỉ lệ:N"), alt.Tooltip("Tử số/Mẫu số:N"), alt.Tooltip("Ngưỡng:N")]
    rate_chart = alt.Chart(rate)
    layers = [
        alt.Chart(line).mark_line(strokeDash=[6, 4], strokeWidth=2).encode(
            x=x, y=y, color=color, tooltip=[alt.Tooltip("Năm:O"), alt.Tooltip("Ngưỡng:N")]
        ),
        rate_chart.mark_line(strokeWidth=2.5).encode(x=x, y=y, color=color),
        rate_chart.mark_point(filled=True, size=55).encode(x=x, y=y, color=color, tooltip=tooltip),
        rate_chart.mark_text(dy=-10, fontSize=10).encode(x=x, y=y, text="Nhãn:N"),
    ]
    head = alt.Title(title or f"{code} · qua các năm", subtitle=["Đường liền: tỉ lệ đạt", "Đường đứt: ngưỡng từng năm"])
    return _finish(Layered(layer=layers), width="container", height=240, title=head)


def breakdown_chart(frame: pd.DataFrame, title: str) -> AnyChart:
    """Counts of one breakdown (``dashboard.breakdown``) as horizontal bars with shares."""
    if not len(frame):
        return _empty("Không có khen thưởng")
    f = frame.copy()
    f["Nhãn"] = f["Số lượng"].map(num) + " (" + f["Tỉ lệ"].map(pct) + ")"
    y = alt.Y("Giá trị:N", sort=alt.EncodingSortField("Số lượng", order="descending"), title=None,
              axis=alt.Axis(labelLimit=170))
    top = float(f["Số lượng"].max())
    x = alt.X("Số lượng:Q", title="Số lượng", scale=alt.Scale(domain=[0, top * 1.45 if top else 1], nice=False),
              axis=alt.Axis(format="d", tickMinStep=1))
    tooltip = [alt.Tooltip("Giá trị:N", title=title), alt.Tooltip("Nhãn:N", title="Số lượng (tỉ lệ)")]
    base = alt.Chart(f)
    chart = Layered(layer=[
        base.mark_bar(color=BLUE, cornerRadiusEnd=2).encode(y=y, x=x, tooltip=tooltip),
        base.mark_text(align="left", dx=3, fontSize=11).encode(y=y, x=x, text="Nhãn:N"),
    ])
    return _finish(chart, width="container", height=ROW_HEIGHT * len(f) + 20, title=alt.Title(title))


def timeline_chart(table: pd.DataFrame, end: date, *, year: int | None = None) -> AnyChart:
    """Movements as lines from launch to the final deadline; deadlines as ticks and the
    reviews held as dots, coloured by state (red: overdue); a rule marks E. With ``year``
    the axis shows that year and the first quarter after it (longer movements are cut at
    the edges)."""
    if not len(table):
        return _empty("Không có phong trào nào")
    events = D.timeline_events(table)
    events["Ngày (vi)"] = events["Ngày"].map(day)
    spans = table.assign(
        start=table["Ngày phát động"], stop=table["Hạn tổng kết"].fillna(table["Ngày phát động"]),
        **{"Ngày phát động (vi)": table["Ngày phát động"].map(day), "Hạn tổng kết (vi)": table["Hạn tổng kết"].map(day)},
    )[["Mã phong trào", "Tên phong trào", "start", "stop", "Quá hạn", "Ngày phát động (vi)", "Hạn tổng kết (vi)"]]
    order = list(table.sort_values("Ngày phát động", kind="mergesort")["Mã phong trào"])
    y = alt.Y("Mã phong trào:N", sort=order, title=None, axis=alt.Axis(labelLimit=120))
    states = list(REVIEW_COLORS)
    color = alt.Color("Tình trạng:N", scale=alt.Scale(domain=states, range=[REVIEW_COLORS[s] for s in states]),
                      legend=alt.Legend(title=None, columns=2))
    tip = [alt.Tooltip("Tên phong trào:N"), alt.Tooltip("Sự kiện:N"), alt.Tooltip("Ngày (vi):N", title="Ngày"),
           alt.Tooltip("Tình trạng:N")]
    scale = alt.Scale(domain=[f"{year}-01-01", f"{year + 1}-03-31"]) if year else alt.Scale()
    clip = year is not None
    span = alt.Chart(spans).mark_rule(strokeWidth=5, opacity=0.6, clip=clip).encode(
        y=y,
        x=alt.X("start:T", title=None, scale=scale, axis=alt.Axis(format="%m/%Y", labelAngle=0, tickCount=6)),
        x2="stop:T",
        color=alt.condition(alt.datum["Quá hạn"], alt.value("#ef9a9a"), alt.value(LIGHT)),
        tooltip=[alt.Tooltip("Tên phong trào:N"), alt.Tooltip("Ngày phát động (vi):N", title="Phát động"),
                 alt.Tooltip("Hạn tổng kết (vi):N", title="Hạn tổng kết")],
    )
    deadlines = events[events["Sự kiện"].str.startswith("Hạn")]
    held = events[~events["Sự kiện"].str.startswith("Hạn")]
    ticks = alt.Chart(deadlines).mark_tick(thickness=3, size=16, clip=clip).encode(
        y=y, x=alt.X("Ngày:T"), color=color, tooltip=tip
    )
    dots = alt.Chart(held).mark_point(filled=True, size=70, opacity=1, clip=clip).encode(
        y=y, x=alt.X("Ngày:T"), color=color,
        shape=alt.Shape("Sự kiện:N", scale=alt.Scale(domain=["Phát động", "Sơ kết", "Tổng kết"],
                                                     range=["circle", "diamond", "square"]),
                          # above the plot: beside the colours' legend it overflowed a 390 px phone
                          legend=alt.Legend(title=None, orient="top", columns=3)),
        tooltip=tip,
    )
    e = pd.DataFrame({"E": [pd.Timestamp(end)], "Nhãn": [f"Tính đến {day(end)}"]})
    rule = alt.Chart(e).mark_rule(color="#37474f", strokeDash=[4, 3], clip=clip).encode(
        x="E:T", tooltip=[alt.Tooltip("Nhãn:N", title="Ngày tính số liệu")]
    )
    chart = Layered(layer=[span, ticks, dots, rule]).properties(
        width="container", height=ROW_HEIGHT * len(table) + 30,
        title=alt.Title("Tiến độ phong trào", subtitle=["Vạch: hạn sơ kết, tổng kết; chấm: ngày thực hiện",
                                                        "Màu đỏ: quá hạn; đường đứt: ngày tính số liệu"]),
    ).resolve_scale(color="shared")
    return _finish(chart)
