"""Charts of a report: altair specifications for the Báo cáo page, and the printed PNGs of the .docx
(matplotlib, Liberation Serif, hatched and labelled so black and white print reads the same)."""

from __future__ import annotations

import functools
import io
from pathlib import Path
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


# --- the printed charts (matplotlib: fast, exact fonts, hatching for black and white) ---------

PRINT_WIDTH_IN = 6.0  # 15 cm in the .docx
DPI = 150  # the figure is laid out at the dpi it is saved at: text is measured once, not twice
BAR_IN = 0.28  # height of one bar row
HATCH = {"Đạt": "", "Chưa đạt": "////", "Chưa có số liệu": "...."}
FILL = {"Đạt": "#1b5e20", "Chưa đạt": "#ffffff", "Chưa có số liệu": "#d9d9d9"}  # dark / white / light


VIETNAMESE = "ươạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ"


@functools.cache
def vietnamese_fonts() -> tuple[Path, ...]:
    """The Liberation Serif files that hold every Vietnamese letter (Liberation 2; the 1.07 files
    of Debian's fonts-liberation lack ư, ơ, ạ …, which then fall back to another font)."""
    from matplotlib.ft2font import FT2Font

    found: dict[str, Path] = {}
    for root in ("/usr/share/fonts", "/usr/local/share/fonts"):
        for path in sorted(Path(root).rglob("LiberationSerif-*.ttf")) if Path(root).exists() else []:
            cmap = FT2Font(str(path)).get_charmap()
            if all(ord(ch) in cmap for ch in VIETNAMESE + VIETNAMESE.upper()):
                found.setdefault(path.name, path)
    return tuple(found.values())


@functools.cache
def _mpl() -> Any:
    """matplotlib with Agg and Liberation Serif (Times metrics, Vietnamese glyphs); imported once."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    family = "DejaVu Serif"  # has every Vietnamese letter; the fallback
    good = vietnamese_fonts()
    if good:
        fm = font_manager.fontManager
        keep = {str(p) for p in good}
        fm.ttflist = [f for f in fm.ttflist if f.name != FONT or f.fname in keep]  # not the 1.07 files
        for path in good:
            if str(path) not in {f.fname for f in fm.ttflist}:
                fm.addfont(str(path))
        family = FONT
    # one font, no fallback list: each text is laid out with one face (a fallback list makes
    # matplotlib load and query every face for every string); DejaVu only when Liberation lacks glyphs
    plt.rcParams.update({"font.family": "serif", "font.serif": [family],
                         "font.size": 10, "hatch.linewidth": 0.8, "axes.titlesize": 11,
                         "axes.titleweight": "bold", "axes.titlelocation": "left"})
    return plt


def _pct(p: Any) -> str:
    return "—" if p is None or pd.isna(p) else f"{p:.1f}".replace(".", ",") + " %"


def _rate_axes(ax: Any, d: pd.DataFrame, label: str) -> None:
    """Bars of Tỉ lệ (%) with the threshold as a black tick; each bar says its value and verdict,
    and met/missed differ by fill and hatching, so black and white print keeps them apart."""
    n = len(d)
    ys = list(range(n))
    verdicts = [_verdict(p, t) for p, t in zip(d["Tỉ lệ (%)"], d["Chỉ tiêu (%)"], strict=True)]
    vals = [0.0 if p is None or pd.isna(p) else float(p) for p in d["Tỉ lệ (%)"]]
    top = max([100.0, *vals])
    for y, v, ver in zip(ys, vals, verdicts, strict=True):
        ax.barh(y, v, height=0.62, color=FILL[ver], hatch=HATCH[ver], edgecolor="black", linewidth=0.6)
    for y, t in zip(ys, d["Chỉ tiêu (%)"], strict=True):
        if t is not None and not pd.isna(t):
            ax.plot([t, t], [y - 0.45, y + 0.45], color="black", linewidth=2)
    for y, v, p, t, ver in zip(ys, vals, d["Tỉ lệ (%)"], d["Chỉ tiêu (%)"], verdicts, strict=True):
        x = max(v, 0.0 if t is None or pd.isna(t) else float(t))  # clear of the threshold tick
        ax.text(x + top * 0.015, y, f"{_pct(p)} · {ver}", va="center", ha="left", fontsize=9)
    ax.set_yticks(ys, [str(x) for x in d[label]])
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.35)
    ax.set_xlabel("Tỉ lệ (%) — vạch đen: chỉ tiêu", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)


def _counts_axes(ax: Any, labels: list[str], series: list[tuple[str, list[int], str, str]], xlabel: str) -> None:
    """Horizontal (stacked) bars of counts, each segment labelled; whole numbers on the axis."""
    from matplotlib.ticker import MaxNLocator

    ys = list(range(len(labels)))
    left = [0] * len(labels)
    for name, vals, fill, hatch in series:
        ax.barh(ys, vals, left=left, height=0.62, color=fill, hatch=hatch, edgecolor="black", linewidth=0.6,
                label=name)
        widest = max((sum(x) for x in zip(*[v for _, v, _, _ in series], strict=True)), default=1) or 1
        for y, v, x0 in zip(ys, vals, left, strict=True):
            if len(series) > 1 and v and v >= widest * 0.07:  # one series: the total says it; a narrow
                # segment's number is read from the total
                ax.text(x0 + v / 2, y, str(v), va="center", ha="center", fontsize=8,
                        color="white" if fill == BAR_COLOR else "black",
                        bbox=None if fill == BAR_COLOR else {"facecolor": "white", "edgecolor": "none", "pad": 0.5})
        left = [a + b for a, b in zip(left, vals, strict=True)]
    top = max(left, default=1) or 1
    for y, v in zip(ys, left, strict=True):
        ax.text(v + top * 0.01, y, str(v), va="center", ha="left", fontsize=9, fontweight="bold")
    ax.set_yticks(ys, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.15)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        ax.legend(loc="lower right", fontsize=9, frameon=False)


def to_png(c: Chart, *, dpi: int | None = None) -> bytes:
    """The chart as a PNG for the .docx."""
    plt = _mpl()
    fig = figure(c)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi or DPI, pil_kwargs={"compress_level": 1})
    plt.close(fig)
    return buf.getvalue()


def figure(c: Chart) -> Any:
    """The matplotlib figure of a printed chart (the caller closes it)."""
    plt = _mpl()
    d = c.data
    if c.kind == "breakdown":
        codes = list(dict.fromkeys(d["Mã"]))
        parts = [d[d["Mã"] == code].reset_index(drop=True) for code in codes]
        heights = [max(2, len(p)) * BAR_IN + 0.5 for p in parts]
        fig, axes = plt.subplots(len(parts), 1, figsize=(PRINT_WIDTH_IN, sum(heights) + 0.4),
                                 gridspec_kw={"height_ratios": heights}, squeeze=False, dpi=DPI)
        for ax, code, part in zip(axes[:, 0], codes, parts, strict=True):
            _rate_axes(ax, part, "Đơn vị")
            if len(parts) > 1:
                ax.set_title(code, fontsize=10)
    else:
        rows = len(d) if c.kind != "stacked" else len(dict.fromkeys(d["Nhóm"]))
        fig, ax = plt.subplots(figsize=(PRINT_WIDTH_IN, max(2, rows) * BAR_IN + 1.0), dpi=DPI)
        if c.kind == "indicators":
            labels = d.assign(**{"Nhãn": [f"{m} · {s}" for m, s in zip(d["Mã"], d["Chỉ tiêu"], strict=True)]})
            _rate_axes(ax, labels, "Nhãn")
        elif c.kind == "stacked":
            order = list(dict.fromkeys(d["Nhóm"]))
            series = []
            for name, fill, hatch in (("Tập thể", "#ffffff", "\\\\"), ("Cá nhân", BAR_COLOR, "")):
                part = d[d["Đối tượng"] == name].groupby("Nhóm")["Số lượng"].sum()
                series.append((name, [int(part.get(g, 0)) for g in order], fill, hatch))
            _counts_axes(ax, order, series, "Số lượng")
        elif c.kind == "channels":
            _counts_axes(ax, list(d["Kênh"]), [("Số điển hình", [int(v) for v in d["Số điển hình"]], BAR_COLOR, "")],
                         "Số điển hình")
        else:
            raise ValueError(c.kind)
    fig.suptitle(c.title, x=0.01, ha="left", fontsize=11, fontweight="bold")
    if c.kind == "breakdown":
        fig.tight_layout()  # several axes, titles between them
    else:
        _fit(fig)
    return fig


def _fit(fig: Any) -> None:
    """The margins ``tight_layout`` would give a one-axes bar chart, from the sizes of its texts
    alone: the longest bar label on the left, the tick labels and axis label below, the title
    above. (``tight_layout`` draws the whole figure once more to find them: a quarter of the
    chart's time.)"""
    from matplotlib.text import _get_text_metrics_with_cache  # type: ignore[attr-defined]  # the cache draw() uses

    renderer = fig.canvas.get_renderer()
    (ax,) = fig.axes
    px = fig.dpi / 72.0  # pixels a point

    def size(t: Any) -> tuple[float, float]:
        if not t.get_text():
            return 0.0, 0.0
        w, h, _ = _get_text_metrics_with_cache(renderer, t.get_text(), t.get_fontproperties(), False, fig.dpi)
        return float(w), float(h)

    pad = 4 * px  # tight_layout's pad (1.08 font sizes at 10 pt is about 11 pt) is generous; 4 pt is enough
    ylabels = ax.get_yticklabels()
    xlabels = ax.get_xticklabels()
    tick = (ax.yaxis.get_major_ticks()[0].get_tick_padding() if ax.yaxis.get_major_ticks() else 3.5) * px
    left = max([size(t)[0] for t in ylabels] + [0.0]) + tick + 3.5 * px + pad
    below = (max([size(t)[1] for t in xlabels] + [0.0]) + size(ax.xaxis.label)[1] + 2 * tick
             + ax.xaxis.labelpad * px + pad + 2 * px)  # and the stacked accents' extra height
    title = fig._suptitle
    above = (size(title)[1] if title is not None else 0.0) + 2 * pad
    w, h = fig.get_size_inches() * fig.dpi
    right = pad + 0.04 * w  # bar value labels sit inside the x range (set_xlim leaves room)
    fig.subplots_adjust(left=min(left / w, 0.6), right=1 - right / w, bottom=min(below / h, 0.45),
                        top=1 - min(above / h, 0.4))
