"""Hồ sơ khen thưởng (proposing side, SPEC 7): create a dossier, build its list one by one or by
paste, see the direct-worker share and duplicate warnings, send, withdraw, fix after a return."""

from __future__ import annotations

import streamlit as st

from components import auth, banner, data, forms
from components import dossier_ui as U
from sheets import clock
from sheets import schema as S
from sheets import workflow as W


def render() -> None:
    st.title("Hồ sơ khen thưởng")
    user = auth.require_user(S.ROLE_OFFICER, S.ROLE_ADMIN, S.ROLE_DESK)
    ds = data.get_dataset()
    banner.freshness(ds)
    forms.show_flash()
    st.caption("Đơn vị lập hồ sơ đề nghị khen thưởng, gửi cấp trên; theo dõi tiếp nhận, trả lại, xét duyệt và quyết định.")
    with st.expander("Tạo hồ sơ mới", icon=":material/create_new_folder:",
                     expanded=U.new_dossier_flow(ds, user).phase != "draft"):
        U.create_form(ds, user)

    years = list(range(clock.today().year + 1, 2019, -1))
    c1, c2 = st.columns([1, 3], vertical_alignment="bottom")
    year = c1.selectbox("Năm", years, index=1, key="hs_year")
    mine = U.proposer_dossiers(ds, user, int(year))
    if not len(mine):
        st.info(f"Chưa có hồ sơ nào năm {year}. Tạo hồ sơ mới ở trên.")
        return
    codes = list(mine["dossier"])
    wanted = st.session_state.pop("hs_pick_next", None)
    if wanted in codes:
        st.session_state["hs_pick"] = wanted
    labels = {str(r["dossier"]): U.dossier_label(ds, r) for _, r in mine.iterrows()}
    code = c2.selectbox("Hồ sơ", codes, key="hs_pick", format_func=labels.__getitem__)
    rec = W.dossier_record(ds, str(code))
    if rec is None:
        return
    status = str(rec["status"])
    lines = W.dossier_lines(ds, str(code))
    U.dossier_card(ds, rec, lines, "hs_lines")
    U.documents(ds, str(code), status, "hs")

    editable = status in W.EDITABLE
    U.step_flow("hs_send", ds, user, str(code), S.DOSSIER_SENT,
                "Gửi lại hồ sơ" if status == S.DOSSIER_RETURNED else "Gửi hồ sơ", available=editable and len(lines) > 0,
                what=f"Đã gửi hồ sơ {code} lên {ds.tree.name(W.receiver_of(ds.tree, str(rec['unit'])))}",
                icon=":material/send:")
    U.step_flow("hs_withdraw", ds, user, str(code), S.DOSSIER_WITHDRAWN, "Rút hồ sơ",
                available=status == S.DOSSIER_SENT, what=f"Đã rút hồ sơ {code}", icon=":material/undo:",
                button_type="secondary")
    if editable:
        if not len(lines):
            st.info("Thêm ít nhất một người hoặc tập thể vào danh sách rồi mới gửi được.")
        one, paste, upload, remove = forms.tabs("ho_so_lines", ["Thêm từng người", "Dán danh sách", "Tải tệp lên",
                                                                "Bỏ dòng"])
        with one:
            if forms.is_open(one):
                U.add_one(ds, user, rec)
        with paste:
            if forms.is_open(paste):
                U.add_pasted(ds, user, rec)
        with upload:
            if forms.is_open(upload):
                U.add_uploaded(ds, user, rec)
        with remove:
            if forms.is_open(remove):
                U.remove_one(ds, user, rec, lines)
    elif status in W.WAITING:
        st.info("Hồ sơ đang ở cấp trên; danh sách không sửa được cho đến khi có kết quả hoặc bị trả lại.")


render()
