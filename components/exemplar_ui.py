"""Điển hình's pieces: filters, the overview, and the add and edit forms (one lifecycle)."""


from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from components import banner, forms
from components.fmt import pct
from indicators import dashboard as D
from indicators import exemplars as EX
from reports import charts as RC
from reports.build import Chart
from sheets import clock
from sheets import schema as S
from sheets.load import Dataset, User

ALL = "Tất cả"
TAB = "DienHinh"


def filters(ds: Dataset) -> dict[str, Any]:
    today = clock.today()
    years: list[Any] = [ALL, *range(today.year, min(D.FIRST_YEAR, today.year) - 1, -1)]
    scopes = D.scope_options(ds)
    movements = ds.frames["PhongTrao"].sort_values("launched", ascending=False)
    mv_names = dict(zip(movements["movement"], movements["name"], strict=True))
    c1, c2, c3, c4 = st.columns([1, 2, 2, 2], vertical_alignment="bottom")
    shared_year = banner.shared_year(today.year)  # the year and scope chosen on another page
    year = c1.selectbox("Năm", years, index=years.index(shared_year) if shared_year in years else 1, key="dh_year")
    if year != ALL:
        banner.remember_year(int(year))
    scope = None
    if scopes:
        cur = banner.shared_scope(ds)
        scope = c2.selectbox("Đơn vị", scopes, key="dh_scope", index=scopes.index(cur) if cur in scopes else 0,
                             format_func=lambda c: banner.scope_label(ds, c))
        if scope:
            banner.remember_scope(str(scope))
    movement = c3.selectbox("Phong trào", [ALL, *mv_names], key="dh_movement",
                            format_func=lambda m: m if m == ALL else f"{mv_names[m]} ({m})")
    group = c4.selectbox("Nhóm đối tượng", [ALL, *S.GROUPS, EX.NO_GROUP], key="dh_group")
    return {
        "year": None if year == ALL else int(year),
        "scope": None if scope in (None, ds.tree.root) else scope,
        "movement": None if movement == ALL else movement,
        "group": None if group == ALL else group,
    }


def _share_text(s: EX.Share) -> str:
    return f"{s.numerator}/{s.denominator}"


def overview(ds: Dataset, frame: pd.DataFrame) -> None:
    s = EX.summarise(frame)
    kinds = ", ".join(f"{r['Số lượng']} {r['Loại'].lower()}" for _, r in s.by_kind.iterrows() if r["Số lượng"])
    quiet = {"delta_color": "off", "delta_arrow": "off"}
    c = st.columns(4)
    c[0].metric("Số điển hình", s.total, kinds or None, **quiet)  # type: ignore[arg-type]
    c[1].metric("Công nhân, lao động trực tiếp", pct(s.direct_workers.percent),
                f"{_share_text(s.direct_workers)} điển hình cá nhân · {_share_text(s.direct_workers_all)} tất cả",
                help="Nhóm đối tượng «Công nhân, lao động trực tiếp» trong các điển hình cá nhân "
                "(và trong tất cả điển hình).", **quiet)  # type: ignore[arg-type]
    c[2].metric("Đã tuyên truyền", pct(s.publicised.percent), _share_text(s.publicised),
                help="Có ít nhất một kênh tuyên truyền.", **quiet)  # type: ignore[arg-type]
    c[3].metric("Đã nhân rộng", pct(s.replicated.percent), _share_text(s.replicated), **quiet)  # type: ignore[arg-type]
    if not s.total:
        st.info("Không có điển hình nào theo bộ lọc đã chọn.")
        return
    left, right = st.columns(2)
    with left:
        st.subheader("Kênh tuyên truyền")
        st.altair_chart(RC.for_page(Chart("channels", "Số điển hình được tuyên truyền theo kênh", "channels",
                                       s.channels)), key="dh_channels_chart")
        cov = s.channels.rename(columns={"Tỉ lệ (%)": "Tỉ lệ"})
        cov["Tỉ lệ"] = [pct(v) for v in cov["Tỉ lệ"]]
        st.dataframe(cov, hide_index=True, key="dh_channels", placeholder="")
    with right:
        st.subheader("Đã được nhân rộng")
        rep = frame[frame["replicated"].fillna(False).astype(bool)]
        if len(rep):
            st.dataframe(pd.DataFrame({"Tên": rep["name"], "Loại": rep["kind"],
                                       "Đơn vị": [ds.tree.name(u) for u in rep["unit"]]}),
                         hide_index=True, key="dh_replicated", placeholder="")
        else:
            st.caption("Chưa có điển hình nào được nhân rộng.")
        st.subheader("Theo nhóm đối tượng")
        groups = EX.by_group(frame)
        if len(groups):
            st.dataframe(groups, hide_index=True, key="dh_groups", placeholder="")
        else:
            st.caption("Chưa có điển hình nào.")


def _movement_options(ds: Dataset) -> dict[str, str]:
    pt = ds.frames["PhongTrao"].sort_values("launched", ascending=False)
    return {"": "— Không gắn phong trào —", **{m: f"{n} ({m})" for m, n in zip(pt["movement"], pt["name"], strict=True)}}


def _form(ds: Dataset, user: User, flow: forms.Flow, *, init: dict[str, Any],
          fixed_code: str | None) -> dict[str, Any] | None:
    """The fields of one exemplar (keys ``flow.k(...)``); returns the row when submitted."""
    units = forms.writable_units(ds, user)
    movements = _movement_options(ds)
    k = flow.k
    with flow.form():
        c1, c2 = st.columns([3, 1])
        name = c1.text_input("Tên người, tập thể hoặc mô hình *", value=init.get("name") or "", key=k("name"))
        year = c2.number_input("Năm *", min_value=2000, max_value=2100, step=1,
                               value=int(init.get("year") or clock.today().year), key=k("year"))
        c3, c4, c5 = st.columns(3)
        kind = c3.selectbox("Loại", S.EXEMPLAR_KINDS, key=k("kind"),
                            index=S.EXEMPLAR_KINDS.index(init["kind"]) if init.get("kind") in S.EXEMPLAR_KINDS else 0)
        unit_index = units.index(init["unit"]) if init.get("unit") in units else (
            units.index(user.unit) if user.unit in units else 0)
        unit = c4.selectbox("Đơn vị *", units, index=unit_index, key=k("unit"), format_func=forms.unit_label(ds))
        groups = ["", *S.GROUPS]
        group = c5.selectbox("Nhóm đối tượng", groups, key=k("group"),
                             index=groups.index(init["group"]) if init.get("group") in groups else 0,
                             format_func=lambda g: g or "— Không ghi —")
        mv_keys = list(movements)
        movement = st.selectbox("Phong trào", mv_keys, key=k("movement"), format_func=movements.__getitem__,
                                index=mv_keys.index(init["movement"]) if init.get("movement") in mv_keys else 0)
        c6, c7, c8 = st.columns([3, 1, 1], vertical_alignment="bottom")
        chosen = [c for c in EX.channel_lists(pd.DataFrame({"channels": [init.get("channels")]}))[0] if c in S.CHANNELS]
        channels = c6.multiselect("Kênh tuyên truyền", S.CHANNELS, default=chosen, key=k("channels"),
                                  placeholder="Chọn một hoặc nhiều kênh")
        published = c7.date_input("Ngày tuyên truyền", value=init.get("publicised"), format="DD/MM/YYYY",
                                  key=k("publicised"))
        replicated = c8.checkbox("Đã nhân rộng", value=bool(init.get("replicated")), key=k("replicated"))
        if fixed_code:
            st.caption(f"Mã: **{fixed_code}** — lưu sẽ ghi thêm một phiên bản mới của bản ghi này.")
        submitted = flow.submit("Lưu điển hình", icon=":material/save:", key=f"btn_{k('')}submit")
    if not submitted:
        return None
    return {
        "Năm": int(year),
        "Tên": name.strip(),
        "Loại": kind,
        "Mã đơn vị": unit,
        "Nhóm đối tượng": group or None,
        "Mã phong trào": movement or None,
        "Kênh tuyên truyền": ", ".join(channels) or None,
        "Ngày tuyên truyền": published if isinstance(published, date) else None,
        "Đã nhân rộng": bool(replicated),
    }


def add(ds: Dataset, user: User) -> None:
    flow = forms.Flow("dh_add", tab=TAB, user=user)
    if flow.saved():  # the saved record read-only, "Thêm mới": a second click cannot write it again
        return
    row = _form(ds, user, flow, init={}, fixed_code=None)
    if row is not None:
        if not row["Tên"]:
            st.error("Hãy nhập tên điển hình. Dữ liệu bạn nhập vẫn còn trên màn hình.")
            return
        entry = flow.pending(row)  # the code is made once per pending write
        code = entry.setdefault("code", EX.next_code(ds, int(row["Năm"]), str(row["Mã đơn vị"])))
        flow.save([{"Mã": code, **row}], what=f"Đã thêm điển hình «{row['Tên']}» (mã {code})",
                  write_id=entry["id"])
    flow.prompt()


def edit(ds: Dataset, user: User) -> None:
    recs = forms.records_for(ds, user, TAB)
    if not len(recs):
        st.caption("Chưa có điển hình nào bạn được sửa.")
        return
    recs = recs.sort_values(["year", "exemplar"], ascending=[False, True])
    codes = list(recs["exemplar"])
    labels = dict(zip(codes, [f"{c} — {n} ({y})" for c, n, y in zip(recs["exemplar"], recs["name"], recs["year"],
                                                                       strict=True)], strict=True))
    code = st.selectbox("Chọn điển hình", codes, format_func=labels.__getitem__, key="dh_edit_pick")
    if code is None:
        return
    flow = forms.Flow(f"dh_edit_{code}", tab=TAB, user=user, again="Sửa tiếp")
    if not flow.saved():
        init = forms.current_row(ds, TAB, {"exemplar": code}) or {}
        row = _form(ds, user, flow, init=init, fixed_code=code)
        if row is not None:
            if not row["Tên"]:
                st.error("Tên không được để trống. Dữ liệu bạn nhập vẫn còn trên màn hình.")
            else:
                flow.save([{"Mã": code, **row}], what=f"Đã lưu phiên bản mới của «{row['Tên']}» (mã {code})")
        flow.prompt()
    with st.expander("Lịch sử các phiên bản và hủy bản ghi"):
        forms.history_and_void(ds, user, TAB, {"exemplar": code}, label=labels[code], slot="dh_hv")
