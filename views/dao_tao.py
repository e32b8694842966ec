"""Đào tạo: training coverage for every reader; courses, invitations and attendance for
training coordinators and administrators."""

from __future__ import annotations

import streamlit as st

from components import auth, banner, data
from components import training_ui as ui
from indicators import training as T
from sheets import clock

COVERAGE = "Độ bao phủ"
COURSES = "Khóa tập huấn"
INVITE = "Mời tham gia"
ATTENDANCE = "Điểm danh"


def render() -> None:
    st.title("Đào tạo")
    ds = data.get_dataset()
    user = auth.current_user()
    banner.freshness(ds)
    ui.show_flash()
    today = clock.today()

    views = [COVERAGE]
    if user is not None and T.can_manage(user):
        views += [COURSES, INVITE, ATTENDANCE]
    view = COVERAGE
    if len(views) > 1:
        view = st.radio("Mục", views, horizontal=True, key="f_dt_view", label_visibility="collapsed") or COVERAGE

    years = list(range(today.year, 2019, -1))
    if view != COVERAGE:
        year = int(st.selectbox("Năm", years, key="dt_year") or today.year)
        assert user is not None
        {COURSES: ui.courses_view, INVITE: ui.invite_view, ATTENDANCE: ui.attendance_view}[view](ds, user, year)
        return

    f = banner.filters(ds)
    res = data.get_results(f.year, f.as_of, f.scope or None)
    ui.coverage_view(ds, T.coverage(ds, res))


render()
