"""Charts of a report: altair specifications, and PNG images rendered offline by vl-convert."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from reports.build import Chart

FONT = "Liberation Serif"  # metric-compatible with Times New Roman, shipped by fonts-liberation
MET_COLOR, MISSED_COLOR, NONE_COLOR = "#2e7d32", "#c62828", "#9e9e9e"
BAR_COLOR = "#1f5fa8"
WIDTH = 460
ROW = 22


def _verdict(p: Any, t: Any) -> str:
    if p is None or pd.isna(p):
        return "Chưa có số liệu"
    return "Đạt" if p >= t else "Chưa đạt"


_COLOR = alt.Color(
    "Đánh giá:N",
    scale=alt.Scale(domain=["Đạt", "Chưa đạt", "Chưa có số liệu"], range=[MET_COLOR, MISSED_COLOR, NONE_COLOR]),
    legend=alt.Legend(title=None, orient="bottom"),
)


AltairChart = alt.Chart | alt.LayerChart | alt.VConcatChart | alt.FacetChart


def _rate_bars(data: pd.DataFrame, label: str, title: str) -> AltairChart:
    """Horizontal bars of ``Tỉ lệ (%)`` per ``label`` with a black tick at the threshold."""
    d = data.copy()
    d["Đánh giá"] = [_verdict(p, t) for p, t in zip(d["Tỉ lệ (%)"], d["Chỉ tiêu (%)"], strict=True)]
    d["Nhãn"] = [("—" if p is None or pd.isna(p) else f"{p:.1f}".replace(".", ",") + " %") for p in d["Tỉ lệ (%)"]]
    d["Tỉ lệ (%)"] = d["Tỉ lệ (%)"].astype(float).fillna(0.0)
    top = max(100.0, float(d["Tỉ lệ (%)"].max() if len(d) else 100.0))
    order = list(dict.fromkeys(d[label]))
    y = alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    x = alt.X("Tỉ lệ (%):Q", scale=alt.Scale(domain=[0, top * 1.12]), title="Tỉ lệ (%)")
    base = alt.Chart(d).properties(width=WIDTH - 200, height=ROW * max(1, len(d)), title=title)
    bars = base.mark_bar(height=ROW * 0.7).encode(y=y, x=x, color=_COLOR)
    tick = base.mark_tick(color="black", thickness=2, size=ROW * 0.95).encode(y=y, x="Chỉ tiêu (%):Q")
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(y=y, x=x, text="Nhãn:N")
    return alt.layer(bars, tick, text)


def chart(c: Chart) -> AltairChart:
    """The altair chart of a report chart (also shown as is on the Báo cáo page)."""
    d = c.data
    if c.kind == "indicators":
        d = d.assign(**{"Nhãn chỉ tiêu": [f"{m} · {s}" for m, s in zip(d["Mã"], d["Chỉ tiêu"], strict=True)]})
        return _rate_bars(d, "Nhãn chỉ tiêu", c.title)
    if c.kind == "breakdown":
        codes = list(dict.fromkeys(d["Mã"]))
        parts = [_rate_bars(d[d["Mã"] == code], "Đơn vị", f"{code}") for code in codes]
        out: AltairChart = parts[0] if len(parts) == 1 else alt.vconcat(*parts)
        return out.properties(title=c.title)
    if c.kind == "stacked":
        order = list(dict.fromkeys(d["Nhóm"]))
        return alt.Chart(d).mark_bar().encode(
            y=alt.Y("Nhóm:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("sum(Số lượng):Q", title="Số lượng", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("Đối tượng:N", scale=alt.Scale(domain=["Tập thể", "Cá nhân"],
                                                              range=["#f0a202", BAR_COLOR]),
                            legend=alt.Legend(title=None, orient="bottom")),
        ).properties(width=WIDTH - 160, height=ROW * max(1, len(order)), title=c.title)
    if c.kind == "channels":
        order = list(d["Kênh"])
        base = alt.Chart(d).encode(y=alt.Y("Kênh:N", sort=order, title=None))
        bars = base.mark_bar(color=BAR_COLOR, height=ROW * 0.7).encode(
            x=alt.X("Số điển hình:Q", title="Số điển hình", axis=alt.Axis(tickMinStep=1, format="d")))
        text = base.mark_text(align="left", dx=4, fontSize=11).encode(x="Số điển hình:Q", text="Số điển hình:Q")
        return alt.layer(bars, text).properties(width=WIDTH - 160, height=ROW * len(order), title=c.title)
    raise ValueError(c.kind)


def for_page(c: Chart) -> AltairChart:
    """The same chart for ``st.altair_chart``: as wide as its column, the height its own (Streamlit's
    default autosize would squash the rows of a band scale)."""
    out = chart(c)
    fit = alt.AutoSizeParams(type="fit-x", contains="padding")
    if isinstance(out, alt.VConcatChart):
        out.vconcat = [v.properties(width="container") for v in out.vconcat]
        return out.properties(autosize=fit)
    return out.properties(width="container", autosize=fit)


def to_png(c: Chart, *, scale: float = 2.0) -> bytes:
    """Render offline (vl-convert bundles Vega; no network) with a Times-like font."""
    import vl_convert as vlc

    spec = chart(c).configure(font=FONT).configure_title(fontSize=14, anchor="start").configure_axis(
        labelFontSize=11, titleFontSize=11).configure_legend(labelFontSize=11).configure_view(stroke=None)
    return bytes(vlc.vegalite_to_png(spec.to_json(), scale=scale))
