"""UI pieces of the Đào tạo page.

Coverage (T4, O1) for every reader; courses, invitations and attendance marking for
training coordinators and administrators. Numbers come from ``indicators.training``;
every write goes through ``components.data.write`` (the one door) with a ``Mã lần ghi``
kept in ``st.session_state`` until it lands, so a retry is never doubled. A failed write
leaves the user's input on screen with a Vietnamese message.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from components import data, forms
from components.fmt import day, num, pct
from components.tables import BAD, GOOD, downloads, file_stem, fit_height, show_frame, vn_styler
from indicators import training as T
from indicators.core import SHORT
from sheets import clock
from sheets import schema as S
from sheets.errors import TdktError, ValidationError
from sheets.load import Dataset, User
from sheets.text import fold
from sheets.write import new_write_id

FLASH = "dt_flash"
COURSE_KEY = "dt_course"


def _date_col(label: str) -> Any:
    return st.column_config.DateColumn(label, format="DD/MM/YYYY")


def _config(columns: dict[str, Any]) -> Any:
    """A ``column_config`` mapping (typed loosely: Streamlit's Mapping key type is invariant)."""
    return columns


# --- writing ----------------------------------------------------------------------------


def flash(message: str) -> None:
    """Show ``message`` after the next rerun."""
    st.session_state[FLASH] = message


def show_flash() -> None:
    msg = st.session_state.pop(FLASH, None)
    if msg:
        st.success(msg, icon=":material/check_circle:")


def _write_id(slot: str, rows: list[dict[str, Any]]) -> str:
    """The ``Mã lần ghi`` of a pending save: kept while the same rows are retried."""
    sig = hashlib.sha1(repr(rows).encode()).hexdigest()
    key = f"dt_wid:{slot}"
    held = st.session_state.get(key)
    if not held or held[0] != sig:
        held = (sig, new_write_id())
        st.session_state[key] = held
    return str(held[1])


def _show_failure(exc: Exception) -> None:
    keep = " Dữ liệu bạn nhập vẫn còn trên màn hình; bấm lưu lần nữa để thử lại."
    if isinstance(exc, ValidationError) and exc.problems:
        lines = "\n".join(f"- Dòng {p.row}, cột «{p.column}»: {p.message} {p.fix}" for p in exc.problems[:10])
        st.error(f"{exc}{keep}\n\n{lines}", icon=":material/error:")
    elif isinstance(exc, TdktError):
        st.error(f"{exc}{keep}", icon=":material/error:")
    else:
        st.error(f"Chưa lưu được: {exc}.{keep}", icon=":material/error:")


def void_course(code: str, user: User) -> bool:
    """Append a voided version of a course (SPEC 3.1), with a retry-safe write id."""
    slot = f"void:{code}"
    wid = _write_id(slot, [{"void": code}])
    try:
        data.void("KhoaHoc", {"course": code}, user.email, write_id=wid)
    except Exception as exc:
        _show_failure(exc)
        return False
    st.session_state.pop(f"dt_wid:{slot}", None)
    return True


# --- coverage (every reader) ------------------------------------------------------------


def cumulative_chart(cov: T.Coverage) -> Any:
    """Officers trained so far in the year, against the number the threshold needs."""
    frame = cov.cumulative
    x = alt.X("Ngày:T", title=None, axis=alt.Axis(format="%d/%m", labelOverlap=True))
    line = (
        alt.Chart(frame)
        .mark_line(interpolate="step-after", point=True, color="#1f77b4")
        .encode(
            x=x,
            y=alt.Y("Đã tập huấn:Q", title="Số cán bộ", scale=alt.Scale(domainMin=0)),
            tooltip=[alt.Tooltip("Ngày:T", format="%d/%m/%Y"), alt.Tooltip("Đã tập huấn:Q", title="Đã tập huấn")],
        )
    )
    target = pd.DataFrame({"Mức": [cov.target_count], "Nhãn": [f"Chỉ tiêu {pct(cov.threshold, 0)}: {cov.target_count}"]})
    rule = alt.Chart(target).mark_rule(strokeDash=[6, 4], color="#d62728").encode(y="Mức:Q")
    label = (
        alt.Chart(target)
        .mark_text(align="left", dx=4, dy=-6, color="#d62728")
        .encode(y="Mức:Q", x=alt.value(0), text="Nhãn:N")
    )
    return alt.layer(line, rule, label).properties(height=260)


def _shorten(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Long unit names as people write them in tables: «LĐLĐ huyện Ba Bể»."""
    out = frame.copy()
    for c in columns:
        if c in out:
            out[c] = out[c].map(lambda v: v.replace("Liên đoàn Lao động", "LĐLĐ") if isinstance(v, str) else v)
    return out


def _rate_table(frame: pd.DataFrame, threshold: float, *, key: str, height: int | str = "auto") -> None:
    """T4 per unit: rates in Vietnamese style, red where the threshold is missed."""
    first = [T.C_UNIT_NAME, "Tỷ lệ (%)", "Đạt", "Tập huấn trong năm", "Số cán bộ"]  # what a phone shows
    order = first + [c for c in frame.columns if c not in first and c != T.C_UNIT]
    shown = _shorten(frame[order], [T.C_UNIT_NAME, T.C_UPPER_NAME])
    styler = vn_styler(
        shown,
        percents=["Tỷ lệ (%)"],
        yes_no=["Đạt"],
        words=("Đạt", "Chưa đạt"),
        colours={
            "Tỷ lệ (%)": lambda v: GOOD if v >= threshold else BAD,
            "Đạt": lambda v: GOOD if v else BAD,
        },
    )
    show_frame(shown, key=key, height=height, styler=styler, config={"Đạt": st.column_config.TextColumn("Đạt")},
               empty="Không có đơn vị nào có cán bộ làm công tác TĐKT trong phạm vi này.")


def coverage_view(ds: Dataset, cov: T.Coverage) -> None:
    met = None if cov.percent is None else cov.percent >= cov.threshold
    verdict = "—" if met is None else ("Đạt" if met else "Chưa đạt")
    colour: Any = "off" if met is None else ("green" if met else "red")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        f"T4 · {SHORT['T4']}",
        pct(cov.percent),
        f"{verdict} · ngưỡng {pct(cov.threshold, 0)}",
        delta_color=colour,
        delta_arrow="off",
    )
    c2.metric(
        "Cán bộ đã tập huấn trong năm",
        num(cov.numerator),
        f"trên {num(cov.denominator)} cán bộ; cần thêm {num(max(0, cov.target_count - cov.numerator))}",
        delta_color="off",
        delta_arrow="off",
    )
    c3.metric(
        "Đã từng được tập huấn",
        num(cov.trained_ever),
        f"{num(cov.denominator - cov.trained_ever)} người chưa từng tập huấn",
        delta_color="off",
        delta_arrow="off",
    )
    o1 = None if cov.o1_denominator == 0 else 100.0 * cov.o1_numerator / cov.o1_denominator
    c4.metric(
        f"O1 · {SHORT['O1']}",
        pct(o1),
        f"{cov.o1_numerator}/{cov.o1_denominator} CĐCS có cán bộ",
        delta_color="off",
        delta_arrow="off",
    )

    st.subheader("Tập huấn cộng dồn trong năm")
    if cov.denominator:
        st.altair_chart(cumulative_chart(cov), width="stretch")
    else:
        st.info("Không có cán bộ làm công tác TĐKT nào trong phạm vi này.")

    st.subheader("Theo công đoàn cấp trên cơ sở")
    _rate_table(cov.by_upper, cov.threshold, key="dt_by_upper")

    st.subheader("Theo công đoàn cơ sở")
    if len(cov.by_grassroots):
        st.caption(f"{num(len(cov.by_grassroots))} CĐCS có cán bộ làm công tác TĐKT; xếp từ tỷ lệ thấp nhất.")
    _rate_table(cov.by_grassroots, cov.threshold, key="dt_by_grassroots", height=320)

    st.subheader("Tỷ lệ có mặt từng khóa")
    if len(cov.courses):
        first = ["Mã khóa", "Tỷ lệ có mặt (%)", "Có mặt", "Được mời", "Ngày kết thúc"]
        courses = _shorten(cov.courses[first + [c for c in cov.courses.columns if c not in first]], ["Đơn vị tổ chức"])
        show_frame(
            courses,
            key="dt_courses_rate",
            styler=vn_styler(courses, percents=["Tỷ lệ có mặt (%)"], dates=["Ngày bắt đầu", "Ngày kết thúc"]),
        )
    else:
        st.caption("Chưa có khóa tập huấn nào kết thúc trong năm.")

    st.subheader("CĐCS chưa có cán bộ phụ trách TĐKT (O1)")
    if len(cov.no_officer):
        show_frame(_shorten(cov.no_officer, [T.C_UPPER_NAME]), key="dt_no_officer", height=320)
    else:
        st.caption("Mọi công đoàn cơ sở đang hoạt động đều có cán bộ phụ trách TĐKT." if cov.o1_denominator
                   else "Không có công đoàn cơ sở nào đang hoạt động trong phạm vi này.")

    st.subheader("Cán bộ chưa được tập huấn trong năm")
    if not len(cov.untrained):
        st.caption("Mọi cán bộ làm công tác TĐKT trong phạm vi này đã được tập huấn trong năm." if cov.denominator
                   else "Không có cán bộ làm công tác TĐKT nào trong phạm vi này.")
        return
    st.caption(
        f"{num(len(cov.untrained))} cán bộ — danh sách để mời đợt tập huấn tới "
        "(Lần tập huấn gần nhất trống: chưa từng được tập huấn)."
    )
    st.dataframe(
        cov.untrained,
        hide_index=True,
        width="stretch",
        height=fit_height(len(cov.untrained), 360),
        key="dt_untrained_table",
        placeholder="—",
        column_config=_config({T.C_LAST: _date_col(T.C_LAST)}),
    )
    downloads(
        cov.untrained,
        stem=file_stem("can-bo-chua-tap-huan", cov.year, cov.scope),
        sheet="Chưa tập huấn",
        key="dt_untrained",
    )


# --- course choice (shared by invitations and attendance) -------------------------------


def _record(courses: pd.DataFrame, code: str) -> dict[str, Any]:
    """One course of ``courses_of_year`` as a plain dict."""
    return {str(k): v for k, v in courses[courses["course"] == code].iloc[0].to_dict().items()}


def _course_label(courses: pd.DataFrame) -> Callable[[str], str]:
    by = {str(c): _record(courses, str(c)) for c in courses["course"]}

    def label(code: str) -> str:
        r = by[code]
        when = day(r["start"]) if r["start"] == r["end"] else f"{day(r['start'])}–{day(r['end'])}"
        return f"{when} · {r['name']} ({code})"

    return label


def pick_course(courses: pd.DataFrame, today: date) -> str | None:
    """The course selector; defaults to a course held today, else the newest."""
    if not len(courses):
        return None
    codes = list(courses["course"])
    now = courses[T.running_on(courses, today).to_numpy()]
    default = codes.index(now["course"].iloc[0]) if len(now) else 0
    if st.session_state.get(COURSE_KEY) not in codes:
        st.session_state.pop(COURSE_KEY, None)
    choice = st.selectbox("Khóa tập huấn", codes, index=default, format_func=_course_label(courses), key=COURSE_KEY)
    return str(choice) if choice is not None else None


def _course_caption(r: dict[str, Any]) -> str:
    when = day(r["start"]) if r["start"] == r["end"] else f"{day(r['start'])} – {day(r['end'])}"
    place = r["place"] if isinstance(r["place"], str) else "chưa ghi địa điểm"
    form = r["form"] if isinstance(r["form"], str) else "chưa ghi hình thức"
    return f"{r['unit_name']} · {when} · {place} · {form}"


# --- courses ----------------------------------------------------------------------------


def courses_view(ds: Dataset, user: User, year: int) -> None:
    today = clock.today()
    managed = T.managed_units(ds, user)
    courses = T.courses_of_year(ds, year, managed)
    st.subheader(f"Khóa tập huấn năm {year}")
    if len(courses):
        table = pd.DataFrame(
            {
                "Mã khóa": courses["course"],
                "Tên khóa": courses["name"],
                "Đơn vị tổ chức": courses["unit_name"],
                "Bắt đầu": courses["start"],
                "Kết thúc": courses["end"],
                "Địa điểm": courses["place"],
                "Hình thức": courses["form"],
                "Được mời": courses["invited"],
                "Có mặt": courses["present"],
            }
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config=_config({"Bắt đầu": _date_col("Bắt đầu"), "Kết thúc": _date_col("Kết thúc")}),
            placeholder="",
        )
    else:
        st.caption("Chưa có khóa tập huấn nào trong năm này.")

    new_course_form(ds, user, today)
    if len(courses):
        edit_course(ds, user, courses)


def new_course_form(ds: Dataset, user: User, today: date) -> None:
    organisers = T.organiser_options(ds, user, today)
    flow = forms.Flow("dt_new", tab="KhoaHoc", user=user, again="Thêm khóa khác")
    with st.expander("Thêm khóa tập huấn", expanded=flow.phase != "draft", icon=":material/add_circle:"):
        if not organisers:
            st.caption("Bạn chưa quản lý đơn vị nào có thể tổ chức khóa tập huấn.")
            return
        if flow.saved():  # the course read-only, "Thêm khóa khác": a second click cannot add it again
            return
        with flow.form():
            name = st.text_input("Tên khóa *", key=flow.k("name"))
            unit = st.selectbox("Đơn vị tổ chức *", organisers, format_func=ds.tree.name, key=flow.k("unit"))
            c1, c2 = st.columns(2)
            st.session_state.setdefault(flow.k("start"), today)
            st.session_state.setdefault(flow.k("end"), today)
            start = c1.date_input("Ngày bắt đầu *", format="DD/MM/YYYY", key=flow.k("start"))
            end = c2.date_input("Ngày kết thúc", format="DD/MM/YYYY", key=flow.k("end"))
            place = st.text_input("Địa điểm", key=flow.k("place"))
            form = st.selectbox("Hình thức", S.COURSE_FORMS, key=flow.k("form"))
            submitted = flow.submit("Thêm khóa")
        if submitted:
            if not isinstance(start, date) or not (name or "").strip():
                st.error("Hãy nhập tên khóa và ngày bắt đầu.", icon=":material/error:")
                return
            end_d = end if isinstance(end, date) else start
            if end_d < start:
                st.error("Ngày kết thúc không được trước ngày bắt đầu.", icon=":material/error:")
                return
            p = flow.pending(dict(name=name, unit=unit, start=start, end=end_d, place=place, form=form))
            code = p.setdefault("code", T.next_course_code(ds, start.year, str(unit)))
            row = T.course_row(code=code, name=name, unit=str(unit), start=start, end=end_d, place=place, form=form)

            def picked(_: Any) -> None:  # invitations and attendance open on the new course
                st.session_state[COURSE_KEY] = code

            flow.save([row], what=f"Đã thêm khóa «{row['Tên khóa']}» (mã {code}); bước tiếp theo: mời cán bộ "
                                  "tham gia", write_id=p["id"], on_saved=picked)
        flow.prompt()


def _record_hash(r: dict[str, Any]) -> str:
    return hashlib.sha1(repr([r[c] for c in ("name", "start", "end", "place", "form")]).encode()).hexdigest()[:10]


def _edit_form(ds: Dataset, user: User, flow: forms.Flow, r: dict[str, Any], code: str, h: str) -> None:
    """The course's fields, filled from the stored record (``h``: a new record, fresh fields)."""
    with st.form(f"dt_edit_form:{code}:{h}"):
        name = st.text_input("Tên khóa *", value=str(r["name"]), key=f"dt_edit_name:{code}:{h}")
        c1, c2 = st.columns(2)
        start = c1.date_input("Ngày bắt đầu *", value=r["start"].date(), format="DD/MM/YYYY",
                              key=f"dt_edit_start:{code}:{h}")
        end = c2.date_input("Ngày kết thúc", value=r["end"].date(), format="DD/MM/YYYY",
                            key=f"dt_edit_end:{code}:{h}")
        place = st.text_input("Địa điểm", value=r["place"] if isinstance(r["place"], str) else "",
                              key=f"dt_edit_place:{code}:{h}")
        kinds = ["", *S.COURSE_FORMS]
        cur_form = r["form"] if isinstance(r["form"], str) else ""
        form = st.selectbox("Hình thức", kinds, index=kinds.index(cur_form) if cur_form in kinds else 0,
                            format_func=lambda f: f or "(chưa ghi)", key=f"dt_edit_form_kind:{code}:{h}")
        submitted = st.form_submit_button("Lưu thay đổi", type="primary", key=f"dt_edit_submit:{code}:{h}")
    if submitted:
        if not isinstance(start, date) or not (name or "").strip():
            st.error("Hãy nhập tên khóa và ngày bắt đầu.", icon=":material/error:")
            return
        end_d = end if isinstance(end, date) else start
        row = T.course_row(code=code, name=name, unit=str(r["unit"]), start=start, end=end_d,
                           place=place, form=form or None)
        old = T.course_row(code=code, name=str(r["name"]), unit=str(r["unit"]), start=r["start"].date(),
                           end=r["end"].date(), place=r["place"] if isinstance(r["place"], str) else None,
                           form=r["form"] if isinstance(r["form"], str) else None)
        if end_d < start:
            st.error("Ngày kết thúc không được trước ngày bắt đầu.", icon=":material/error:")
        elif row == old:
            st.info("Không có thay đổi nào để lưu.")
        else:
            flow.save([row], what=f"Đã lưu thay đổi của khóa {code}")
    flow.prompt()


def edit_course(ds: Dataset, user: User, courses: pd.DataFrame) -> None:
    with st.expander("Sửa hoặc hủy một khóa", expanded=False, icon=":material/edit:"):
        codes = list(courses["course"])
        code = st.selectbox("Khóa", codes, format_func=_course_label(courses), key="dt_edit_pick")
        if code is None:
            return
        r = _record(courses, str(code))
        h = _record_hash(r)
        st.caption(f"Mã khóa {code} · đơn vị tổ chức: {r['unit_name']} (không đổi được)")
        flow = forms.Flow(f"dt_edit_{code}", tab="KhoaHoc", user=user, again="Sửa tiếp")
        if not flow.saved():
            _edit_form(ds, user, flow, r, str(code), h)
        st.divider()
        pending = st.session_state.get("dt_void_pending")
        if pending != code:
            if st.button("Hủy khóa này…", key="dt_void_ask"):
                st.session_state["dt_void_pending"] = code
                st.rerun()
            return
        st.warning(
            f"Hủy khóa «{r['name']}» ({code})? {r['invited']} lượt mời, trong đó {r['present']} lượt có mặt, "
            "sẽ không còn được tính vào chỉ tiêu T4. Bản ghi không bị xóa: ứng dụng ghi thêm một phiên bản "
            "đánh dấu Hủy.",
            icon=":material/error:",
        )
        c1, c2 = st.columns(2)
        if c1.button("Xác nhận hủy khóa", type="primary", key="dt_void_yes") and void_course(code, user):
            st.session_state.pop("dt_void_pending", None)
            flash(f"Đã hủy khóa {code}.")
            st.rerun()
        if c2.button("Không hủy", key="dt_void_no"):
            st.session_state.pop("dt_void_pending", None)
            st.rerun()


# --- invitations ------------------------------------------------------------------------


def _invite_units(ds: Dataset, organiser: str) -> list[str]:
    """The organiser's subtree, the organiser first, upper-level units before grassroots."""
    sub = ds.tree.subtree(organiser)
    u = ds.frames["DonVi"]
    u = u[u["unit"].isin(sub)]
    rank = u["level"].map({S.LEVEL_PROVINCE: 0, S.LEVEL_UPPER: 1, S.LEVEL_GRASSROOTS: 2})
    u = u.assign(_r=np.where(u["unit"] == organiser, -1, rank)).sort_values("_r", kind="mergesort")
    return list(u["unit"])


def invite_view(ds: Dataset, user: User, year: int) -> None:
    today = clock.today()
    courses = T.courses_of_year(ds, year, T.managed_units(ds, user))
    course = pick_course(courses, today)
    if course is None:
        st.info(f"Chưa có khóa tập huấn nào năm {year}. Thêm khóa ở mục «Khóa tập huấn».")
        return
    r = _record(courses, course)
    st.caption(_course_caption(r) + f" · đã mời {r['invited']} cán bộ")
    units = _invite_units(ds, str(r["unit"]))
    unit = st.selectbox(
        "Mời cán bộ của đơn vị",
        units,
        format_func=lambda c: ds.tree.name(c) + ("" if ds.tree.level(c) == S.LEVEL_GRASSROOTS else " (cả đơn vị trực thuộc)"),
        key=f"dt_inv_unit:{course}",
    )
    if unit is None:
        return
    ro = T.roster(ds, course, str(unit))
    flow = forms.Flow(f"dt_inv_{course}", tab="DiemDanh", user=user)
    if not len(ro):
        flow.note()  # the invitation just saved, if any
        st.info("Mọi cán bộ đang công tác của đơn vị này đã được mời vào khóa.")
        return
    untrained = int((~ro["trained"]).sum())
    st.caption(
        f"{len(ro)} cán bộ chưa được mời; {untrained} người chưa được tập huấn năm {pd.Timestamp(r['start']).year} "
        "được xếp trước và chọn sẵn."
    )
    table = pd.DataFrame(
        {
            "Mời": ~ro["trained"].to_numpy(),
            "Họ tên": ro["name"],
            "Đơn vị": ro["unit_name"],
            "Chức vụ": ro["position"],
            "Đã tập huấn trong năm": ro["trained"],
            "Lần gần nhất": ro["last_trained"],
            "Mã cán bộ": ro["officer"],
        }
    )
    nonce = st.session_state.setdefault("dt_inv_nonce", 0)
    edited = st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        height=fit_height(len(table), 420),
        disabled=[c for c in table.columns if c != "Mời"],
        column_config=_config(
            {"Mời": st.column_config.CheckboxColumn("Mời", width="small"), "Lần gần nhất": _date_col("Lần gần nhất")}
        ),
        key=f"dt_inv_ed:{course}:{unit}:{nonce}",
        placeholder="—",
    )
    chosen = [str(o) for o in edited.loc[edited["Mời"].astype(bool), "Mã cán bộ"]]
    if st.button(f"Mời {len(chosen)} cán bộ đã chọn", type="primary", disabled=not chosen, key="dt_inv_send"):
        rows = T.invitation_rows(course, chosen)

        def fresh(_: Any) -> None:  # the invited leave the list: a second click cannot invite them again
            st.session_state["dt_inv_nonce"] = nonce + 1

        flow.save(rows, what=f"Đã mời {len(rows)} cán bộ vào khóa {course}; điểm danh ở mục «Điểm danh» vào ngày "
                             "học", keep=True, on_saved=fresh)
    flow.note()


# --- attendance -------------------------------------------------------------------------


def _baseline(course: str, sheet: pd.DataFrame) -> tuple[str, dict[str, bool]]:
    """What the user was shown: kept until a save or a reload, so marks another phone
    saved meanwhile are never overwritten by untouched boxes."""
    key = f"dt_dd_base:{course}"
    held = st.session_state.get(key)
    current = {str(o): bool(v) for o, v in zip(sheet["officer"], sheet["present"], strict=True)}
    if held is None:
        held = (uuid.uuid4().hex[:8], current)
    else:
        held = (held[0], {**current, **{o: v for o, v in held[1].items() if o in current}})
    st.session_state[key] = held
    return held


def attendance_view(ds: Dataset, user: User, year: int) -> None:
    today = clock.today()
    courses = T.courses_of_year(ds, year, T.managed_units(ds, user))
    course = pick_course(courses, today)
    if course is None:
        st.info(f"Chưa có khóa tập huấn nào năm {year}.")
        return
    r = _record(courses, course)
    st.caption(_course_caption(r))
    end = pd.Timestamp(r["end"]).date()
    if pd.Timestamp(r["start"]).date() > today:
        st.caption(f"Khóa chưa bắt đầu (bắt đầu {day(r['start'])}).")
    elif end > today:
        st.caption(
            f"Khóa kết thúc ngày {day(end)}: đánh dấu có mặt trước ngày đó vẫn được lưu, "
            "nhưng chỉ được tính vào chỉ tiêu T4 từ ngày kết thúc."
        )
    sheet = T.attendance_sheet(ds, course)
    if not len(sheet):
        st.info("Chưa mời cán bộ nào vào khóa này. Mời ở mục «Mời tham gia».")
        return
    nonce, base = _baseline(course, sheet)
    saved_present = int(sheet["present"].sum())
    st.markdown(f"**Có mặt: {saved_present}/{len(sheet)}** (đã lưu)")
    query = st.text_input("Tìm theo tên", key=f"dt_dd_q:{course}", placeholder="Gõ vài chữ của họ tên…")
    shown = sheet
    if query and query.strip():
        q = fold(query)
        shown = sheet[sheet["name"].map(lambda n: q in fold(str(n))).to_numpy(dtype=bool)]
    with st.form(f"dt_dd_form:{course}:{nonce}", border=False):
        marks: dict[str, bool] = {}
        last_unit = None
        for o, name, unit_name in zip(shown["officer"], shown["name"], shown["unit_name"], strict=True):
            if unit_name != last_unit:
                st.markdown(f"**{unit_name}**")
                last_unit = unit_name
            marks[o] = st.checkbox(str(name), value=base.get(o, False), key=f"dt_dd:{course}:{nonce}:{o}")
        submitted = st.form_submit_button("Lưu điểm danh", type="primary", width="stretch", key="dt_dd_save")
    flow = forms.Flow(f"dt_dd_{course}", tab="DiemDanh", user=user)
    if submitted:  # the answer right under the button, where the thumb is (a long list on a phone)
        changes = T.attendance_changes(sheet, course, base, marks)
        if not changes:
            flow.reset()
            st.info("Không có thay đổi nào để lưu.")
        else:
            n_yes = sum(1 for c in changes if c["Có mặt"])

            def fresh(_: Any) -> None:  # the next marks start from what is now stored
                st.session_state.pop(f"dt_dd_base:{course}", None)

            flow.save(changes, what=f"Đã lưu điểm danh: {len(changes)} thay đổi ({n_yes} có mặt, "
                                    f"{len(changes) - n_yes} vắng)", keep=True, on_saved=fresh)
    flow.note()
    if st.button("Tải lại danh sách", key="dt_dd_reload", help="Xem điểm danh người khác vừa lưu"):
        st.session_state.pop(f"dt_dd_base:{course}", None)
        st.rerun()
