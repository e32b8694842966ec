"""Vinh danh: the public honour board (SPEC 7). No sign-in, no role: the page never calls
``auth.require_user`` and draws only what ``indicators.board`` whitelisted. Cards, not wide
tables, so a phone (and the federation's website, through ``?embed=true``) reads it as is."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from components import data
from components.fmt import day, num
from indicators import board as B
from sheets import clock
from sheets.load import Dataset

PAGE = 30  # cards shown at first, and added by each "Xem thêm"

_CSS = """
<style>
.vd-grid { display: grid; gap: 0.6rem; grid-template-columns: repeat(auto-fill, minmax(min(100%, 330px), 1fr));
           margin-bottom: 0.6rem; }
.vd-card { border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; padding: 0.6rem 0.8rem;
           overflow-wrap: anywhere; min-width: 0; background: rgba(255, 193, 7, 0.04); }
.vd-name { font-weight: 600; font-size: 1.05rem; }
.vd-unit { color: rgba(49, 51, 63, 0.75); font-size: 0.9rem; }
.vd-form { margin-top: 0.3rem; }
.vd-meta { color: rgba(49, 51, 63, 0.7); font-size: 0.85rem; margin-top: 0.2rem; }
.vd-ach { font-style: italic; margin-top: 0.3rem; font-size: 0.95rem; }
.vd-badge { display: inline-block; font-size: 0.75rem; padding: 0 0.4rem; border-radius: 0.6rem;
            background: #fff4e5; color: #8a4b00; margin-left: 0.3rem; vertical-align: middle; }
.vd-list { margin: 0.2rem 0 0.8rem; padding-left: 1.2rem; }
.vd-list li { margin-bottom: 0.35rem; overflow-wrap: anywhere; }
</style>
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _award_card(a: B.PublicAward) -> str:
    decision = " · ".join(x for x in (
        f"Quyết định số {_e(a.decision_no)}" if a.decision_no else "",
        f"ngày {day(a.decided)}" if a.decided else "",
    ) if x)
    return (
        '<div class="vd-card">'
        f'<div class="vd-name">{_e(a.name)}</div>'
        f'<div class="vd-unit">{_e(a.unit_name)}</div>'
        f'<div class="vd-form">{_e(a.form)}'
        + (f'<span class="vd-badge">{_e(a.level)}</span>' if a.level else "") + "</div>"
        + (f'<div class="vd-meta">{decision}</div>' if decision else "")
        + (f'<div class="vd-ach">{_e(a.achievement)}</div>' if a.achievement else "")
        + (f'<div class="vd-meta">Phong trào: {_e(a.movement)}</div>' if a.movement else "")
        + "</div>"
    )


def _exemplar_card(e: B.PublicExemplar) -> str:
    return (
        '<div class="vd-card">'
        f'<div class="vd-name">{_e(e.name)}</div>'
        f'<div class="vd-unit">{_e(e.unit_name)}</div>'
        + (f'<div class="vd-form">{_e(e.kind)} tiêu biểu</div>' if e.kind and e.kind != "Mô hình, cách làm hay"
           else f'<div class="vd-form">{_e(e.kind)}</div>' if e.kind else "")
        + (f'<div class="vd-meta">Phong trào: {_e(e.movement)}</div>' if e.movement else "")
        + "</div>"
    )


def _cards(cards: Sequence[str]) -> None:
    st.html(_CSS + '<div class="vd-grid">' + "".join(cards) + "</div>")


def _more(key: str, total: int) -> int:
    """How many cards to show; "Xem thêm" under them adds a page."""
    shown = int(st.session_state.get(key, PAGE))
    return min(shown, total)


def _more_button(key: str, shown: int, total: int) -> None:
    if shown < total:
        st.caption(f"Đang hiển thị {num(shown)}/{num(total)}.")
        if st.button(f"Xem thêm {num(min(PAGE, total - shown))}", key=f"{key}_btn", icon=":material/expand_more:"):
            st.session_state[key] = shown + PAGE
            st.rerun()


def _filters(ds: Dataset) -> tuple[int | None, str | None, str]:
    today = clock.today()
    years = B.years(ds, today)
    default = B.default_year(ds, today)
    if default not in years:
        years = [default, *years]
    units = B.unit_options(ds)
    root = ds.tree.root
    c1, c2 = st.columns([1, 3], vertical_alignment="bottom")
    year = c1.selectbox("Năm", years, index=years.index(default), key="vd_year")
    unit = c2.selectbox("Đơn vị", units, index=0, key="vd_unit",
                        format_func=lambda c: "Toàn tỉnh" if c == root else ds.tree.name(c),
                        help="Gõ tên đơn vị để tìm nhanh.") if units else None
    text = st.text_input("Tìm theo tên", key="vd_text", placeholder="Tên người, tập thể, đơn vị, hình thức…")
    return (int(year) if year is not None else None), unit, text or ""


def _cards_of(items: Sequence[Any], card: Callable[[Any], str], key: str, empty: str) -> None:
    """The first cards of a list, and "Xem thêm" for the next ones."""
    if not items:
        st.info(empty)
        return
    shown = _more(key, len(items))
    _cards([card(i) for i in items[:shown]])
    _more_button(key, shown, len(items))


def _dossiers(board: B.Board) -> None:
    st.caption("Danh sách các tập thể, cá nhân được đề nghị khen thưởng đang được xem xét, công khai để lấy ý kiến "
               "trước khi quyết định. Ý kiến xin gửi về bộ phận thi đua, khen thưởng của Liên đoàn Lao động tỉnh.")
    if not board.dossiers:
        st.info("Hiện không có hồ sơ đề nghị khen thưởng nào đang lấy ý kiến.")
        return
    for d in board.dossiers:
        items = "".join(
            f"<li><b>{_e(n.name)}</b> — {_e(n.unit_name)}<br>Đề nghị: {_e(n.form)}"
            + (f'<div class="vd-ach">{_e(n.achievement)}</div>' if n.achievement else "") + "</li>"
            for n in d.nominees
        )
        st.html(
            _CSS + '<div class="vd-card">'
            f'<div class="vd-name">{_e(d.summary)}</div>'
            f'<div class="vd-unit">Đơn vị đề nghị: {_e(d.unit_name)} · {num(len(d.nominees))} tập thể, cá nhân</div>'
            + (f'<ol class="vd-list">{items}</ol>' if items else "") + "</div>"
        )


def render() -> None:
    ds = data.get_dataset()
    root = ds.tree.root
    st.title("Vinh danh")
    st.caption(f"Các tập thể, cá nhân được khen thưởng và điển hình tiên tiến — "
               f"{ds.tree.name(root) if root else 'Liên đoàn Lao động tỉnh'}.")
    if data.is_demo():
        st.info("**Dữ liệu minh họa** — số liệu mẫu, không phải số liệu thật của tỉnh.", icon=":material/science:")
    year, unit, text = _filters(ds)
    board = B.build(ds, year=year, today=clock.today(), unit=unit, text=text)
    key = f"vd_more_{year}_{unit}_{text}"
    st.markdown(f"Năm **{year}**: **{num(len(board.awards))}** khen thưởng · "
                f"**{num(len(board.exemplars))}** điển hình · **{num(len(board.dossiers))}** hồ sơ đang lấy ý kiến")
    t_awards, t_exemplars, t_dossiers = st.tabs([
        f"Khen thưởng ({num(len(board.awards))})",
        f"Điển hình ({num(len(board.exemplars))})",
        f"Lấy ý kiến ({num(len(board.dossiers))})",
    ])
    with t_awards:
        _cards_of(board.awards, _award_card, key + "_kt",
                  "Chưa có khen thưởng nào đã quyết định theo lựa chọn này.")
    with t_exemplars:
        _cards_of(board.exemplars, _exemplar_card, key + "_dh", "Chưa có điển hình tiên tiến nào theo lựa chọn này.")
    with t_dossiers:
        _dossiers(board)


render()
