"""Xét duyệt (receiving side, SPEC 7): the inbox by status and age, oldest first, overdue marked;
receive or return with a reason; the council's results; the decision and its awards."""

from __future__ import annotations

import streamlit as st

from components import auth, banner, data, forms
from components import dossier_ui as U
from sheets import clock
from sheets import schema as S
from sheets import workflow as W

BOX = {"Đang chờ xử lý": W.WAITING, S.DOSSIER_SENT: (S.DOSSIER_SENT,), S.DOSSIER_RECEIVED: (S.DOSSIER_RECEIVED,),
       S.DOSSIER_REVIEWED: (S.DOSSIER_REVIEWED,), "Tất cả": ()}


def render() -> None:
    st.title("Xét duyệt")  # the menu's name: a page is found by the title it was chosen by
    st.caption("Hồ sơ đề nghị khen thưởng gửi lên đơn vị: tiếp nhận, trả lại, kết quả hội đồng, quyết định.")
    user = auth.require_user(S.ROLE_OFFICER, S.ROLE_ADMIN, S.ROLE_DESK)
    ds = data.get_dataset()
    banner.freshness(ds)
    forms.show_flash()
    today = clock.today()
    c1, _ = st.columns([1, 2])
    which = c1.selectbox("Hộp hồ sơ", list(BOX), key="xd_box")
    box, moved = U.inbox_box(ds, user, today, which, BOX[which], "xd_pick")
    waiting = box.iloc[:len(box) - bool(moved)]  # the moved one is last
    late = int(waiting["overdue"].sum()) if len(waiting) else 0
    st.caption(f"{len(waiting)} hồ sơ · {late} quá hạn (quá 30 ngày kể từ ngày gửi, 10 ngày với khen "
               "thưởng đột xuất) · cũ nhất lên đầu")
    if moved:
        st.caption(moved)
    if not len(box):
        st.info("Không có hồ sơ nào trong hộp này.")
        return
    U.inbox_table(ds, box)
    codes = [str(c) for c in box["dossier"]]
    labels = {str(r["dossier"]): U.dossier_label(ds, r) for _, r in box.iterrows()}
    code = st.selectbox("Hồ sơ", codes, key="xd_pick", format_func=labels.__getitem__)
    rec = W.dossier_record(ds, code)
    if rec is None:
        return
    status = str(rec["status"])
    U.seen("xd_pick", code, status)
    lines = W.dossier_lines(ds, code)
    U.dossier_card(ds, rec, lines, "xd_lines")
    U.documents(ds, code, status, "xd")
    U.step_flow("xd_receive", ds, user, code, S.DOSSIER_RECEIVED, "Tiếp nhận hồ sơ",
                available=status == S.DOSSIER_SENT, what=f"Đã tiếp nhận hồ sơ {code}", icon=":material/inbox:")
    if status == S.DOSSIER_RECEIVED:
        st.subheader("Kết quả của hội đồng")
        U.results_editor(ds, user, rec, lines)
    missing = int(lines["result"].isna().sum()) if len(lines) else 0
    if status == S.DOSSIER_RECEIVED and missing:
        st.caption(f"Còn {missing} dòng chưa có kết quả; ghi đủ rồi mới xét duyệt xong.")
    U.step_flow("xd_review", ds, user, code, S.DOSSIER_REVIEWED, "Xét duyệt xong",
                available=status == S.DOSSIER_RECEIVED and missing == 0 and len(lines) > 0,
                what=f"Đã xét duyệt hồ sơ {code}", icon=":material/how_to_vote:")
    if status == S.DOSSIER_REVIEWED:
        st.subheader("Quyết định khen thưởng")
        U.decision_form(ds, user, rec, lines)
    if status in (S.DOSSIER_SENT, S.DOSSIER_RECEIVED):
        with st.expander("Trả lại hồ sơ", icon=":material/undo:"):
            U.return_form(ds, user, rec)


render()
