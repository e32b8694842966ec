"""Báo cáo: the 6-month and annual report (.docx, .xlsx) of the province or an upper-level
union, and the tracking of the periodic reports the units send upward."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components import auth, banner, data, forms
from components.report_files import report_files
from components.tables import show_frame, vn_styler
from indicators import dashboard as D
from indicators.core import NAMES
from indicators.fmt import day, pct
from reports import build as B
from reports import charts as RC
from sheets import clock
from sheets import schema as S
from sheets.load import Dataset, User

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_COLOURS = {B.ON_TIME: "color: #1b5e20", B.LATE: "background-color: #fff4e5; color: #8a4b00",
                  B.NOT_SENT: "background-color: #fdecea; color: #b71c1c", B.SENT_EARLY: "color: #1b5e20",
                  B.NOT_DUE: "color: #616161"}


def _selectors(ds: Dataset) -> tuple[str, int, str, date]:
    today = clock.today()
    options = D.scope_options(ds)
    years = list(range(today.year + 1, min(B.FIRST_YEAR, today.year) - 1, -1))  # B.check_year's range
    c1, c2, c3, c4 = st.columns([3, 1, 1, 1], vertical_alignment="bottom")
    default = banner.shared_scope(ds)  # the scope and year chosen on another page
    unit = c1.selectbox("Đơn vị lập báo cáo", options, key="bc_unit",
                        index=options.index(default) if default in options else 0,
                        format_func=lambda c: banner.scope_label(ds, c)) or (options[0] if options else "")
    if unit:
        banner.remember_scope(unit)
    shared_year = banner.shared_year(today.year)
    year = int(c2.selectbox("Năm", years, key="bc_year",
                            index=years.index(shared_year) if shared_year in years else years.index(today.year))
               or today.year)
    banner.remember_year(year)
    period = c3.selectbox("Kỳ", S.PERIODS, key="bc_period") or S.PERIOD_HALF
    rule = B.report_as_of(year, period, today=today)
    as_of = c4.date_input("Tính đến ngày", value=rule, format="DD/MM/YYYY", key=f"bc_as_of_{year}_{period}",
                          help="Báo cáo 6 tháng: đến 30/06 (hoặc hôm nay nếu sớm hơn); báo cáo năm: đến hôm nay.")
    return unit, year, period, as_of if isinstance(as_of, date) else rule


def _report_tab(ds: Dataset, unit: str, year: int, period: str, as_of: date) -> None:
    try:
        rep = B.build_report(ds, unit, year, period, as_of)
    except B.ReportError as exc:
        st.error(str(exc))
        return
    st.caption(f"Báo cáo **{rep.period_label}** của **{rep.unit_name}** · {rep.dates_text} "
               f"(như lệnh `tdkt indicators --as-of {rep.as_of.isoformat()}`).")
    if not rep.has_data:
        st.warning(rep.intro, icon=":material/info:")
    files = report_files(ds, rep)
    if files is None:
        return
    with st.container(horizontal=True, gap="small", key="bc_downloads"):
        st.download_button("Tải báo cáo .docx", files["docx"], file_name=f"{rep.file_stem}.docx",
                           mime=DOCX_MIME, key="bc_docx", icon=":material/description:", type="primary",
                           on_click="ignore")
        st.download_button("Tải bảng số liệu .xlsx", files["xlsx"], file_name=f"{rep.file_stem}.xlsx",
                           mime=XLSX_MIME, key="bc_xlsx", icon=":material/table:", on_click="ignore")
        if "annex" in files:
            st.download_button("Tải danh sách chi tiết .xlsx", files["annex"],
                               file_name=f"{rep.file_stem}-danh-sach.xlsx", mime=XLSX_MIME, key="bc_annex",
                               icon=":material/list:", on_click="ignore",
                               help="Danh sách đơn vị, cán bộ, báo cáo chưa đạt: để đơn vị theo dõi, không gửi kèm "
                                    "báo cáo.")
    st.caption("Các đoạn trong ngoặc vuông, tô vàng trong tệp .docx (ví dụ «[Đánh giá chung: …]») là chỗ cần "
               "người lập báo cáo viết; số, ký hiệu và ngày ký điền khi phát hành.")
    if not rep.has_data:
        return  # a report without data has no table of targets (the warning above says why)
    table = rep.table("indicators")
    frame = table.frame()
    left, right = st.columns([3, 2])
    with left:
        show_frame(frame, key="bc_indicators", styler=vn_styler(
            frame, percents=["Tỉ lệ (%)", "Chỉ tiêu (%)"], numbers=["Số đạt", "Tổng số"],
            colours={"Đánh giá": lambda v: STATUS_COLOURS[B.NOT_SENT] if v == B.MISSED else ""}))
    with right:
        chart = next(c for c in rep.charts() if c.key == "indicators")
        st.altair_chart(RC.for_page(chart), key="bc_chart")
    with st.expander("Nội dung báo cáo"):
        for s in rep.sections:
            tables = [b.title for b in s.blocks if isinstance(b, B.Table)]
            st.markdown(f"**{s.heading}**" + ("".join(f"\n- {t}" for t in tables) if tables else ""))
        for s in rep.appendix:
            st.markdown(f"**{s.heading}**")


def _tracking_tab(ds: Dataset, user: User | None, unit: str, year: int, period: str) -> None:
    today = clock.today()
    frame = B.submissions(ds, year, period, today, unit)
    deadline = ds.deadlines(year)[period]
    st.caption(f"Báo cáo {B.period_label(year, period)} · hạn nộp **{day(deadline)}** · tình trạng đến hôm nay "
               f"**{day(today)}** · phạm vi **{banner.scope_label(ds, unit)}**")
    counts = frame["Tình trạng"].value_counts() if len(frame) else pd.Series(dtype=int)
    due = pd.Timestamp(deadline) <= pd.Timestamp(min(today, date(year, 12, 31)))
    res = data.get_results(year, today, unit)
    cols = st.columns(5)
    if due:
        cols[0].metric("Đúng hạn", int(counts.get(B.ON_TIME, 0)))
        cols[1].metric("Gửi muộn", int(counts.get(B.LATE, 0)))
        cols[2].metric("Chưa gửi", int(counts.get(B.NOT_SENT, 0)))
    else:
        cols[0].metric("Đã gửi", int(counts.get(B.SENT_EARLY, 0)))
        cols[1].metric("Chưa gửi (chưa đến hạn)", int(counts.get(B.NOT_DUE, 0)))
    for col, code in ((cols[3], "O2"), (cols[4], "O3")):
        ind = res[code]
        col.metric(f"{code} · cả năm {year}", pct(ind.percent), f"{ind.numerator}/{ind.denominator} đúng hạn",
                   delta_color="off", delta_arrow="off", help=NAMES[code])
    summary = B.period_summary(ds, year, today, unit)
    st.markdown(f"**Các kỳ báo cáo năm {year}**")
    show_frame(summary, key="bc_periods", styler=vn_styler(summary, dates=["Hạn nộp"]))
    st.markdown(f"**Từng đơn vị — kỳ {period}**")
    status = st.multiselect("Lọc theo tình trạng", sorted(set(frame["Tình trạng"])) if len(frame) else [],
                            key="bc_status_filter")
    shown = frame[frame["Tình trạng"].isin(status)] if status else frame
    show_frame(shown.drop(columns=["Kỳ"]), key="bc_submissions", styler=vn_styler(
        shown.drop(columns=["Kỳ"]), dates=["Hạn nộp", "Ngày gửi"],
        colours={"Tình trạng": lambda v: STATUS_COLOURS.get(v, "")}))
    text = B.reminders(frame, year, period)
    if text:
        st.markdown("**Nhắc gửi báo cáo** — danh sách để sao chép vào tin nhắn, e-mail:")
        st.code(text, language=None)
    else:
        st.success("Mọi đơn vị đã gửi báo cáo kỳ này.", icon=":material/task_alt:")
    if forms.may_write(user, "BaoCao"):
        assert user is not None
        _record_form(ds, user, frame, year, period)
    else:
        st.caption("Vai trò của bạn chỉ được xem tình trạng gửi báo cáo.")


def _record_form(ds: Dataset, user: User, frame: pd.DataFrame, year: int, period: str) -> None:
    st.subheader("Ghi nhận báo cáo đã gửi")
    allowed = set(forms.writable_units(ds, user))
    waiting = frame[frame["Tình trạng"].isin([B.NOT_SENT, B.NOT_DUE])]
    others = frame[~frame["Tình trạng"].isin([B.NOT_SENT, B.NOT_DUE])]
    codes = [c for c in [*waiting["Mã đơn vị"], *others["Mã đơn vị"]] if c in allowed]
    if not codes:
        st.caption("Không có đơn vị nào trong phạm vi bạn được ghi.")
        return
    status = dict(zip(frame["Mã đơn vị"], frame["Tình trạng"], strict=True))
    flow = forms.Flow("bc", tab="BaoCao", user=user, again="Ghi nhận đơn vị khác")
    if flow.saved():  # the record read-only: a second click cannot write it again
        return
    with flow.form():
        c1, c2, c3 = st.columns([3, 1, 2], vertical_alignment="bottom")
        unit = c1.selectbox("Đơn vị gửi", codes, key=flow.k("unit"),
                            format_func=lambda c: f"{ds.tree.name(c)} ({c}) — {status.get(c, '')}")
        st.session_state.setdefault(flow.k("sent"), clock.today())
        sent = c2.date_input("Ngày gửi", format="DD/MM/YYYY", key=flow.k("sent"))
        doc_no = c3.text_input("Số, ký hiệu văn bản", key=flow.k("doc"), placeholder="ví dụ 25/BC-LĐLĐ")
        st.caption(f"Kỳ: **{B.period_label(year, period)}** (chọn ở đầu trang).")
        submitted = flow.submit("Ghi nhận đã gửi", icon=":material/send:")
    if submitted:
        row = {"Mã đơn vị": unit, "Năm": year, "Kỳ": period,
               "Ngày gửi": sent if isinstance(sent, date) else None, "Số, ký hiệu văn bản": doc_no.strip() or None}
        flow.save([row], what=f"Đã ghi nhận báo cáo {B.period_label(year, period)} của {ds.tree.name(str(unit))}")
    flow.prompt()


def render() -> None:
    st.title("Báo cáo")
    ds = data.get_dataset()
    user = auth.current_user()
    banner.freshness(ds)
    forms.show_flash()
    unit, year, period, as_of = _selectors(ds)
    make, track = forms.tabs("bao_cao", ["Lập báo cáo", "Theo dõi gửi báo cáo"])
    with make, banner.guard("báo cáo"):  # both drawn: the chosen one is kept across reruns and pages
        _report_tab(ds, unit, year, period, as_of)
    with track, banner.guard("tình trạng gửi báo cáo"):
        _tracking_tab(ds, user, unit, year, period)


render()
