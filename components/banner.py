"""The top of every dashboard page: the data-freshness banner and the shared filters
(scope, year, as-of date) that follow the user from page to page."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import streamlit as st

from components import auth, data
from components.fmt import day
from indicators import dashboard as D
from indicators.core import end_date
from sheets import clock
from sheets.load import Dataset

log = logging.getLogger(__name__)

PROBLEMS_PAGE = "views/chat_luong.py"
_MIRROR = "_shared_filter_"  # widget state is per page; the last choice is kept here


@dataclass(frozen=True)
class Filters:
    scope: str  # a unit code; the province's code for the whole province
    year: int
    as_of: date  # A
    end: date  # E = min(A, 31/12/Y)


SOURCE_KINDS = {"demo": "Minh họa", "gsheets": "Google Sheets", "sqlite": "SQLite", "xlsx": "Excel",
                "postgresql": "PostgreSQL"}


def source_label(spec: str, ds: Dataset) -> str:
    kind, _, rest = spec.partition(":")
    if spec == "demo":
        return "Dữ liệu minh họa"
    if kind in ("gsheets", "postgresql"):
        return SOURCE_KINDS[kind]
    if kind == "sqlite":
        return f"Tệp SQLite «{rest.rsplit('/', 1)[-1]}»"
    if kind == "xlsx":
        return f"Sổ tính Excel «{rest.rsplit('/', 1)[-1]}»"
    return ds.source


def _age(loaded: datetime) -> str:
    seconds = (clock.now() - loaded).total_seconds()
    if seconds < 90:
        return "vừa xong"
    if seconds < 3600:
        return f"{int(seconds // 60)} phút trước"
    return f"{int(seconds // 3600)} giờ trước"


def stale_message(stale: dict[str, float]) -> str | None:
    """The banner text when Google stays unreachable and last good reads are shown."""
    if not stale:
        return None
    oldest = max(stale.values())
    minutes = int(oldest // 60)
    age = f"{minutes} phút" if minutes < 120 else f"{minutes // 60} giờ"
    return (
        f"Không kết nối được Google Sheets. Đang hiển thị dữ liệu đọc được lần cuối của {len(stale)} bảng tính "
        f"(cũ nhất cách đây {age}). Số liệu có thể chưa cập nhật; hãy bấm «Làm mới» sau ít phút."
    )


def data_read_at(loaded: datetime, stale: dict[str, float]) -> datetime:
    """When the oldest figures shown were read: the load's moment, or the last good read of a
    spreadsheet served from its copy while Google is unreachable (so the freshness line and the
    outage banner tell the same age)."""
    if not stale:
        return loaded
    return min(loaded, clock.now() - timedelta(seconds=max(stale.values())))


def _stale_sheets() -> dict[str, float]:
    stale_sheets = getattr(data.get_store(), "stale_sheets", None)
    return stale_sheets() if callable(stale_sheets) else {}


def freshness(ds: Dataset, *, link_problems: bool = True) -> None:
    """Where the figures come from, how old they are, how many problems reading found;
    "Làm mới" reads every spreadsheet again."""
    demo = data.is_demo()
    if demo:
        st.info("**Dữ liệu minh họa** — số liệu mẫu, không phải số liệu thật của tỉnh.", icon=":material/science:")
    counts = ds.problem_counts()
    stale = _stale_sheets()
    loaded = data_read_at(ds.loaded_at, stale).astimezone(clock.VN_TZ)
    with st.container(border=True, horizontal=True, vertical_alignment="center", gap="small", key="freshness"):
        st.markdown(
            f":material/database: Nguồn: **{source_label(data.source_spec(), ds)}** · "
            f"đọc lúc **{loaded:%H:%M} {day(loaded)}** ({_age(loaded)})",
            width="content",
        )
        label = f"{counts['error']} lỗi, {counts['warning']} cảnh báo dữ liệu"
        if link_problems:
            st.page_link(PROBLEMS_PAGE, label=label, icon=":material/health_and_safety:")
        else:
            st.markdown(f":material/health_and_safety: {label}", width="content")
        if st.button("Làm mới", icon=":material/refresh:", key="refresh_data", type="tertiary",
                     help="Đọc lại toàn bộ bảng tính ngay bây giờ"):
            data.refresh()
            st.rerun()
    msg = stale_message(stale)
    if msg:
        st.warning(msg, icon=":material/cloud_off:")
    if ds.sheet_errors:
        names = ", ".join(sorted(ds.sheet_errors))
        st.warning(f"Không đọc được {len(ds.sheet_errors)} bảng tính ({names}); số liệu của các bảng tính này "
                   "chưa được tính. Xem trang Chất lượng dữ liệu.", icon=":material/warning:")


def _shared(key: str, default: object) -> object:
    return st.session_state.get(_MIRROR + key, default)


def _remember(key: str, value: object) -> None:
    st.session_state[_MIRROR + key] = value


_SCOPE_WIDGETS = ("scope", "bc_unit", "dh_scope", "tc_scope")  # every page's scope box


def _follow_actor(ds: Dataset) -> None:
    """Another user (the demo's role switch): their own defaults, not the last user's choice.
    The box already on screen is given the value (forgetting it would leave the browser
    showing the last user's scope while the figures use the new one)."""
    actor = st.session_state.get(auth.ACTOR_KEY)
    if st.session_state.get(_MIRROR + "actor", actor) != actor:
        own = default_scope(ds)  # one of D.scope_options, the options of every scope box
        for k in _SCOPE_WIDGETS:
            if k in st.session_state:
                st.session_state[k] = own
        st.session_state.pop(_MIRROR + "scope", None)
    st.session_state[_MIRROR + "actor"] = actor


def shared_scope(ds: Dataset) -> str:
    """The scope chosen on any page (the user's own unit until one is chosen)."""
    _follow_actor(ds)
    return str(_shared("scope", default_scope(ds)))


def shared_year(default: int) -> int:
    """The year chosen on any page."""
    value = _shared("year", default)
    return value if isinstance(value, int) else default


def remember_scope(code: str) -> None:
    _remember("scope", code)


def remember_year(year: int) -> None:
    _remember("year", int(year))


def default_scope(ds: Dataset) -> str:
    """The signed-in user's unit when it is an upper-level union, else the province."""
    options = D.scope_options(ds)
    user = auth.current_user()
    if user is not None and user.unit in options:
        return user.unit
    return options[0] if options else ""


def scope_label(ds: Dataset, code: str) -> str:
    if code == ds.tree.root:
        return f"Toàn tỉnh — {ds.tree.name(code)}"
    return ds.tree.name(code)


def filters(ds: Dataset, *, scope: bool = True, scope_label_text: str = "Phạm vi") -> Filters:
    """Scope, year and as-of date, in one row on a desktop (stacked on a phone)."""
    today = clock.today()
    years = list(range(today.year, min(D.FIRST_YEAR, today.year) - 1, -1))
    options = D.scope_options(ds)
    cols = st.columns([2, 1, 1] if scope else [1, 1], vertical_alignment="bottom")
    picked = options[0] if options else ""
    if scope and options:
        cur = shared_scope(ds)
        with cols[0]:
            picked = st.selectbox(
                scope_label_text, options, index=options.index(cur) if cur in options else 0, key="scope",
                format_func=lambda c: scope_label(ds, c),
            ) or options[0]
        _remember("scope", picked)
    yc, ac = (cols[1], cols[2]) if scope else (cols[0], cols[1])
    cur_year = _shared("year", years[0])
    with yc:
        year = st.selectbox("Năm", years, index=years.index(cur_year) if cur_year in years else 0, key="year")
    year = int(year if year is not None else years[0])
    _remember("year", year)
    cur_as_of = _shared("as_of", today)
    with ac:
        as_of = st.date_input(
            "Tính đến ngày", value=cur_as_of if isinstance(cur_as_of, date) else today,
            min_value=date(2015, 1, 1), max_value=date(today.year + 1, 12, 31),
            format="DD/MM/YYYY", key="as_of",
        )
    if not isinstance(as_of, date):
        as_of = today
    _remember("as_of", as_of)
    end = end_date(year, as_of)
    note = "" if end == as_of else f" (cuối năm {year}, vì ngày chọn sau 31/12/{year})"
    st.caption(f"Số liệu năm **{year}**, tính đến ngày **{day(end)}**{note} · "
               f"phạm vi **{scope_label(ds, picked) if picked else '—'}**")
    return Filters(picked, year, as_of, end)


@contextmanager
def guard(what: str) -> Iterator[None]:
    """Draw one part of a page; if odd data breaks it, say so there and keep the rest."""
    try:
        yield
    except Exception as exc:  # st.stop / st.rerun are BaseException and pass through
        log.exception("could not draw %s", what)
        st.error(f"Không hiển thị được {what} ({type(exc).__name__}: {exc}). Các phần khác của trang vẫn dùng "
                 "được; hãy xem trang Chất lượng dữ liệu.", icon=":material/error:")
