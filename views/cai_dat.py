"""Cài đặt (administrators): the source and its health, users and roles, targets, deadlines.

Every change goes through the same write door as data entry: a new version is appended to
the registry's NguoiDung, ChiTieu or KyBaoCao tab, with its history kept.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from components import auth, banner, data, forms, tables
from components import settings_tables as T
from components.fmt import day
from sheets import clock
from sheets import schema as S
from sheets.load import Dataset, User
from sheets.parse import ERROR, WARNING


# --- source and health ------------------------------------------------------------------------
def source_section(ds: Dataset) -> None:
    spec = data.source_spec()
    counts = ds.problem_counts()
    c1, c2, c3, c4 = st.columns(4)
    kind = spec.partition(":")[0]
    c1.metric("Nguồn dữ liệu", banner.SOURCE_KINDS.get(kind, kind))
    c2.metric("Bảng tính", len(ds.sheets), f"{len(ds.sheet_errors)} không đọc được" if ds.sheet_errors else None,
              delta_color="inverse")
    c3.metric("Lỗi dữ liệu", counts[ERROR])
    c4.metric("Cảnh báo", counts[WARNING])
    st.caption(f"Nguồn: `{spec}` · đọc lúc {ds.loaded_at.strftime('%d/%m/%Y %H:%M:%S')} "
               f"(tự đọc lại sau {data.DEFAULT_TTL // 60} phút, hoặc ngay sau mỗi lần ghi).")
    mode = auth.current_mode()
    if mode == auth.MODE_OIDC:
        st.caption("Đăng nhập: OpenID Connect (mục [auth] trong secrets.toml).")
    else:
        st.warning("Chưa cấu hình đăng nhập: ứng dụng đang ở chế độ đóng vai"
                   + (" trên dữ liệu minh họa." if data.is_demo() else " (TDKT_ALLOW_ACT_AS) trên dữ liệu thật."),
                   icon=":material/warning:")
    if st.button("Làm mới dữ liệu", key="cd_refresh", icon=":material/refresh:"):
        data.refresh()
        st.rerun()
    health = T.health_frame(ds)
    if health["Liên kết"].isna().all():  # files and SQLite have no links to open
        health = health.drop(columns="Liên kết")
    health = health[tables.phone_order(health.columns)]  # the status within reach on a phone
    st.dataframe(
        health, hide_index=True, width="stretch", height="content", placeholder="",
        column_config={"Liên kết": st.column_config.LinkColumn(display_text="Mở"),
                       "Đơn vị": st.column_config.TextColumn(width="large")},
    )
    st.caption("Chi tiết từng lỗi, cảnh báo và cách sửa: trang Chất lượng dữ liệu.")


# --- users and roles -----------------------------------------------------------------------
def users_section(ds: Dataset, me: User) -> None:
    nd = ds.frames["NguoiDung"]
    table = pd.DataFrame({
        "Email": nd["email"], "Họ tên": nd["name"], "Vai trò": nd["role"],
        "Đơn vị": nd["unit"].map(lambda u: f"{u} — {ds.tree.name(str(u))}"),
    }).sort_values(["Vai trò", "Email"])
    st.dataframe(table, hide_index=True, width="stretch", placeholder="")
    units = forms.writable_units(ds, me)
    st.markdown("**Thêm hoặc sửa người dùng** (cùng e-mail: phiên bản mới thay phiên bản cũ)")
    flow = forms.Flow("nd", tab="NguoiDung", user=me)
    if not flow.saved():
        with flow.form():
            c1, c2 = st.columns(2)
            email = c1.text_input("Email *", key=flow.k("email"), placeholder="ten@congdoan.vn")
            name = c2.text_input("Họ tên", key=flow.k("name"))
            c3, c4 = st.columns(2)
            role = c3.selectbox("Vai trò *", S.ROLES, key=flow.k("role"))
            unit = c4.selectbox("Đơn vị *", units, format_func=forms.unit_label(ds), key=flow.k("unit"))
            submitted = flow.submit("Lưu người dùng")
        if submitted:
            if email.strip().lower() == me.email and role != S.ROLE_ADMIN:
                st.error("Bạn không thể tự bỏ vai trò Quản trị của mình; hãy nhờ một quản trị viên khác.")
            else:
                flow.save([{"email": email, "name": name or None, "role": role, "unit": unit}],
                          what=f"Đã lưu người dùng {email.strip().lower()}")
        flow.prompt()
    st.markdown("**Lịch sử, thu hồi quyền**")
    others = [e for e in sorted(nd["email"]) if e != me.email]
    if not others:
        return
    pick = st.selectbox("Người dùng", others, key="nd_pick")
    forms.history_and_void(ds, me, "NguoiDung", {"email": pick}, label=str(pick), slot="nd")


# --- targets and deadlines -------------------------------------------------------------------
def _year_picker(key: str) -> int:
    today = clock.today()
    years = list(range(today.year + 1, 2019, -1))
    return int(st.selectbox("Năm", years, index=years.index(today.year), key=key))


def targets_section(ds: Dataset, me: User) -> None:
    year = _year_picker("ct_year")
    stored = T.targets_frame(ds, year)
    flow = forms.Flow(f"ct_{year}", tab="ChiTieu", user=me)
    with st.form(f"ct_form_{year}", border=False):  # a typed cell does not rerun the page
        edited = st.data_editor(
            stored, key=f"ct_grid_{year}", hide_index=True, width="stretch", num_rows="fixed",
            disabled=["Mã chỉ tiêu", "Chỉ tiêu", "Nguồn"],
            # the editable threshold comes first after the code, so a phone reaches it
            column_order=["Mã chỉ tiêu", "Ngưỡng (%)", "Chỉ tiêu", "Ghi chú", "Nguồn"],
            column_config={
                "Mã chỉ tiêu": st.column_config.TextColumn("Mã", width=60, pinned=True),
                "Ngưỡng (%)": st.column_config.NumberColumn("Ngưỡng", min_value=0, max_value=100, step=0.5,
                                                            format="%g %%", width=90),
                "Chỉ tiêu": st.column_config.TextColumn(width="large"),
            },
            placeholder="",
        )
        submitted = st.form_submit_button("Lưu chỉ tiêu", type="primary", key="ct_save")
    changed = T.changed(stored, edited, ["Ngưỡng (%)", "Ghi chú"])
    if submitted and not changed:
        if flow.phase != "saved":  # a second click on a save just made: its confirmation says it all
            st.info("Chưa có thay đổi nào để lưu.")
    elif submitted:
        flow.reset()
        rows: list[dict[str, Any]] = [
            {"year": year, "code": edited.at[i, "Mã chỉ tiêu"], "threshold": edited.at[i, "Ngưỡng (%)"],
             "note": edited.at[i, "Ghi chú"] or None}
            for i in changed
        ]
        flow.save(rows, what=f"Đã lưu {len(rows)} chỉ tiêu năm {year} ({', '.join(r['code'] for r in rows)})",
                  keep=True, on_saved=lambda _: st.session_state.pop(f"ct_grid_{year}", None))
    flow.note()


def deadlines_section(ds: Dataset, me: User) -> None:
    year = _year_picker("kb_year")
    stored = T.deadlines_frame(ds, year)
    flow = forms.Flow(f"kb_{year}", tab="KyBaoCao", user=me)
    with st.form(f"kb_form_{year}", border=False):
        edited = st.data_editor(
            stored, key=f"kb_grid_{year}", hide_index=True, width="stretch", num_rows="fixed",
            disabled=["Kỳ", "Nguồn"],
            column_config={"Hạn nộp": st.column_config.DateColumn(format="DD/MM/YYYY", required=True)},
            placeholder="",
        )
        submitted = st.form_submit_button("Lưu hạn báo cáo", type="primary", key="kb_save")
    changed = T.changed(stored, edited, ["Hạn nộp"])
    st.caption("Hạn hiện tại: " + "; ".join(f"{p} {day(d)}" for p, d in ds.deadlines(year).items()))
    if submitted and not changed:
        if flow.phase != "saved":  # a second click on a save just made: its confirmation says it all
            st.info("Chưa có thay đổi nào để lưu.")
    elif submitted:
        flow.reset()
        rows: list[dict[str, Any]] = [
            {"year": year, "period": edited.at[i, "Kỳ"], "deadline": edited.at[i, "Hạn nộp"]} for i in changed
        ]
        flow.save(rows, what=f"Đã lưu hạn báo cáo năm {year} ({', '.join(str(r['period']) for r in rows)})",
                  keep=True, on_saved=lambda _: st.session_state.pop(f"kb_grid_{year}", None))
    flow.note()


def render() -> None:
    me = auth.require_user(S.ROLE_ADMIN)
    ds = data.get_dataset()
    st.title("Cài đặt")
    forms.show_flash()
    sections = {"Nguồn dữ liệu": lambda: source_section(ds), "Người dùng và vai trò": lambda: users_section(ds, me),
                "Chỉ tiêu": lambda: targets_section(ds, me), "Hạn báo cáo": lambda: deadlines_section(ds, me)}
    for tab, draw in zip(forms.tabs("cai_dat", list(sections)), sections.values(), strict=True):
        with tab:
            if forms.is_open(tab):
                draw()


render()
