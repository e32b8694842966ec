"""Tra cứu: find a person or collective by name (with or without diacritics) and see everything
recorded about them across the years. For signed-in roles, within the chosen scope."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import auth, banner, data
from components.fmt import num
from components.tables import show_frame
from indicators import dashboard as D
from indicators import lookup as L
from sheets.load import Dataset


def _scope(ds: Dataset) -> str | None:
    scopes = D.scope_options(ds)
    if not scopes:
        return None
    cur = banner.shared_scope(ds)
    scope = st.selectbox("Phạm vi", scopes, key="tc_scope", index=scopes.index(cur) if cur in scopes else 0,
                         format_func=lambda c: banner.scope_label(ds, c))
    if scope:
        banner.remember_scope(str(scope))
    return None if scope in (None, ds.tree.root) else str(scope)


def _table(title: str, frame: pd.DataFrame, key: str) -> None:
    if not len(frame):
        return
    st.markdown(f"**{title}** ({num(len(frame))})")
    show_frame(frame, key=key, height=320)


def _person(p: L.Person, i: int) -> None:
    with st.container(border=True, key=f"tc_person_{i}"):
        st.markdown(f"#### {p.name}")
        st.caption(f"{p.unit_name} · {L.summary_line(p)}")
        _table("Khen thưởng", p.awards, f"tc_aw_{i}")
        _table("Được đề nghị khen thưởng (hồ sơ)", p.nominations, f"tc_nom_{i}")
        _table("Điển hình tiên tiến", p.exemplars, f"tc_dh_{i}")
        if p.officer:
            if len(p.training):
                _table("Tập huấn (cán bộ làm công tác thi đua, khen thưởng)", p.training, f"tc_tr_{i}")
            else:
                st.caption("Cán bộ làm công tác thi đua, khen thưởng: chưa được mời dự khóa tập huấn nào.")


def render() -> None:
    auth.require_user()  # any signed-in role: this page shows people's records
    st.title("Tra cứu")
    ds = data.get_dataset()
    banner.freshness(ds)
    if "tc_text" not in st.session_state and st.query_params.get("ten"):  # a link: /tra-cuu?ten=...
        st.session_state["tc_text"] = str(st.query_params.get("ten"))
    c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
    with c1:
        text = st.text_input("Họ tên hoặc tên tập thể", key="tc_text",
                             placeholder="Ví dụ: nguyen van an (gõ có hoặc không dấu)")
    with c2:
        scope = _scope(ds)
    if not (text or "").strip():
        st.caption("Gõ tên một người hoặc tập thể để xem khen thưởng, đề nghị khen thưởng, điển hình và tập huấn "
                   "của họ qua các năm.")
        return
    found = L.search(ds, text, scope=scope)
    if not found.people:
        st.info(f"Không tìm thấy người hoặc tập thể nào có tên «{text.strip()}» trong phạm vi đã chọn. "
                "Hãy kiểm tra lại chính tả hoặc chọn phạm vi «Toàn tỉnh».", icon=":material/search_off:")
        return
    shown = len(found.people)
    more = f" (hiển thị {num(shown)} kết quả đầu tiên)" if found.total > shown else ""
    st.markdown(f"Tìm thấy **{num(found.total)}** người, tập thể{more}. Người trùng tên ở các đơn vị khác nhau "
                "được tách riêng.")
    if not found.exact:
        st.caption(f"Không có tên nào trùng khớp trọn từ với «{text.strip()}»; dưới đây là các tên có chứa cụm này.")
    for i, p in enumerate(found.people):
        _person(p, i)


render()
