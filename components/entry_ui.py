"""Nhập liệu's sections: district officers and administrators enter data, safely, losing nothing.

Every save appends new versions through the one write door (``components.forms``): permission
is checked there, a failed or refused save keeps what was typed, and pressing "Lưu" again never
doubles a write. Each record has its history and can be voided.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from components import dupes, forms, import_ui
from components.fmt import day
from indicators.entry import plan_changes, plan_frame, plan_rows
from sheets import clock, importer
from sheets import schema as S
from sheets.load import Dataset, User

PLAN_KEY = "plan_grid"  # the grid's widget key (tests seed its edits)
_PLAN_PENDING = "_plan_pending"  # unsaved grid edits per (year, unit), kept across pages
_PLAN_CTX = "_plan_ctx"
_PLAN_SNAP = "_plan_snap"  # the pending edits the current editor started from
NONE = "—"


@st.fragment  # a tick in the grid reruns this section only, not the page
def plan_section(ds: Dataset, user: User) -> None:
    today = clock.today()
    years = list(range(today.year + 1, 2019, -1))
    heads = [u for u in forms.writable_units(ds, user) if ds.tree.level(u) != S.LEVEL_GRASSROOTS]
    if not heads:
        st.info("Tài khoản của bạn không phụ trách đơn vị cấp trên cơ sở nào.")
        return
    c1, c2 = st.columns([1, 3])
    year = int(c1.selectbox("Năm", years, index=years.index(today.year), key="plan_year"))
    head = str(c2.selectbox("Đơn vị và các CĐCS trực thuộc", heads, format_func=forms.unit_label(ds),
                            key="plan_unit"))
    active = forms.active_at(ds, year)
    children = sorted(c for c in ds.tree.children.get(head, []) if c in active)
    units = [head, *children]
    stored = plan_frame(ds, year, units)

    # The editor's edits are kept by row position, so they belong to one list of units: another
    # year, unit or list (a unit founded or dissolved meanwhile) starts the grid afresh. What
    # was typed is also kept by unit code in _PLAN_PENDING, and laid over the stored values
    # when the editor starts afresh (after a visit to another page): nothing typed is lost.
    ctx = f"{year}:{head}"
    grid_id = f"{ctx}:{hash(tuple(units))}"
    if st.session_state.get(_PLAN_CTX) != grid_id:
        st.session_state.pop(PLAN_KEY, None)
        st.session_state[_PLAN_CTX] = grid_id
    book: dict[str, dict[str, dict[str, Any]]] = st.session_state.setdefault(_PLAN_PENDING, {})
    snap = st.session_state.get(_PLAN_SNAP)
    if PLAN_KEY not in st.session_state or not snap or snap["id"] != grid_id:
        snap = {"id": grid_id, "rows": dict(book.get(ctx, {}))}
        st.session_state[_PLAN_SNAP] = snap
    base = stored.copy()
    for i, u in enumerate(base["Mã đơn vị"]):
        for col, v in snap["rows"].get(u, {}).items():
            base.at[i, col] = v
    st.caption(
        "Đánh dấu đơn vị đã có kế hoạch thi đua năm và đã phát động thi đua (chỉ tiêu T1A, T1B). "
        "Chỉ những dòng thay đổi được ghi, mỗi dòng là một phiên bản mới; không dòng nào bị sửa hay xóa."
    )
    edited = st.data_editor(
        base,
        key=PLAN_KEY,
        num_rows="fixed",
        hide_index=True,
        width="stretch",
        height="content",
        placeholder="",
        disabled=["Mã đơn vị", "Tên đơn vị", "Cấp"],
        column_config={
            "Tên đơn vị": st.column_config.TextColumn(width=140, pinned=True),
            "Có kế hoạch": st.column_config.CheckboxColumn(width=100, help="Đã ban hành kế hoạch thi đua năm"),
            "Đã phát động": st.column_config.CheckboxColumn(width=104, help="Đã tổ chức phát động thi đua"),
            "Mã đơn vị": st.column_config.TextColumn(width=90),
            "Số, ký hiệu văn bản": st.column_config.TextColumn(width=150, max_chars=100),
            "Ngày ban hành": st.column_config.DateColumn(width=120, format="DD/MM/YYYY", max_value=today),
            "Ghi chú": st.column_config.TextColumn(width=200, max_chars=500),
            "Cấp": st.column_config.TextColumn(width=120),
        },
    )
    changes = plan_changes(stored, edited)
    book[ctx] = changes
    flow = forms.Flow(f"plan_{ctx}", tab="KeHoach", user=user)
    if changes:
        flow.reset()  # the next edit: the last confirmation has done its job
    b1, b2, b3 = st.columns([1, 1, 3])
    save = b1.button("Lưu kế hoạch", type="primary", disabled=not changes, key="plan_save",
                     icon=":material/save:")
    if b2.button("Bỏ thay đổi", disabled=not changes, key="plan_discard"):
        book.pop(ctx, None)
        st.session_state.pop(PLAN_KEY, None)
        st.rerun(scope="fragment")
    b3.caption(f"{len(changes)} đơn vị có thay đổi chưa lưu." if changes else "Chưa có thay đổi.")
    if save and changes:
        def saved(_: Any) -> None:  # the grid starts again from what is now stored
            book.pop(ctx, None)
            st.session_state.pop(PLAN_KEY, None)

        flow.save(plan_rows(year, changes), what=f"Kế hoạch năm {year} của {len(changes)} đơn vị", keep=True,
                  on_saved=saved)
    flow.note()


# --- Phong trào: launch, sơ kết, tổng kết --------------------------------------------------
def movement_section(ds: Dataset, user: User) -> None:
    units = forms.writable_units(ds, user)
    st.subheader("Phát động phong trào")
    flow = forms.Flow("pt", tab="PhongTrao", user=user)
    if not flow.saved():
        with flow.form():
            c1, c2 = st.columns([2, 1])
            name = c1.text_input("Tên phong trào *", key=flow.k("name"),
                                 placeholder="Ví dụ: Lao động giỏi, lao động sáng tạo")
            code = c2.text_input("Mã phong trào", key=flow.k("code"), placeholder="Để trống: ứng dụng tự đặt mã")
            c3, c4 = st.columns([2, 1])
            unit = c3.selectbox("Đơn vị phát động *", units, format_func=forms.unit_label(ds), key=flow.k("unit"))
            audience = c4.selectbox("Đối tượng", [NONE, *S.AUDIENCES], key=flow.k("audience"))
            c5, c6, c7, c8 = st.columns(4)
            st.session_state.setdefault(flow.k("launched"), clock.today())
            launched = c5.date_input("Ngày phát động *", key=flow.k("launched"), format="DD/MM/YYYY")
            end_year = c6.number_input("Năm kết thúc", min_value=2000, max_value=2100, value=None, step=1,
                                       key=flow.k("end"), placeholder="Năm phát động")
            mid_due = c7.date_input("Hạn sơ kết", value=None, key=flow.k("mid_due"), format="DD/MM/YYYY")
            final_due = c8.date_input("Hạn tổng kết", value=None, key=flow.k("final_due"), format="DD/MM/YYYY",
                                      help="Để trống: 31/12 của năm kết thúc.")
            submitted = flow.submit("Phát động")
        if submitted:
            launched_d = forms.date_or_none(launched)
            p = flow.pending(dict(name=name, code=code, unit=unit, audience=audience, launched=launched_d,
                                  end_year=end_year, mid_due=mid_due, final_due=final_due))
            if not code.strip() and "code" not in p:
                year = launched_d.year if launched_d else clock.today().year
                p["code"] = forms.next_code(ds, "PhongTrao", f"PT{year}-{unit}-")
            row = {
                "movement": code.strip() or p["code"], "name": name, "unit": unit,
                "audience": None if audience == NONE else audience, "launched": launched_d,
                "end_year": int(end_year) if end_year else None,
                "mid_due": forms.date_or_none(mid_due), "final_due": forms.date_or_none(final_due),
            }
            flow.save([row], what=f"Đã phát động phong trào «{name}» (mã {row['movement']})",
                      similar=dupes.movement(ds, row), write_id=p["id"])
        flow.prompt()

    st.subheader("Sơ kết, tổng kết")
    cur = forms.records_for(ds, user, "PhongTrao")
    if not len(cur):
        st.caption("Chưa có phong trào nào trong phạm vi của bạn.")
        return
    cur = cur.sort_values("launched", ascending=False)
    options = list(cur["movement"])
    names = dict(zip(cur["movement"], cur["name"], strict=True))
    mv = st.selectbox("Phong trào", options, key="pt_pick",
                      format_func=lambda m: f"{m} — {names.get(m, '')}")
    rec = forms.current_row(ds, "PhongTrao", {"movement": mv})
    if rec is None:
        return
    st.caption(
        f"Phát động {day(rec['launched'])} · hạn sơ kết {day(rec['mid_due'])} · đã sơ kết {day(rec['mid_held'])} · "
        f"hạn tổng kết {day(rec['final_due'])} · đã tổng kết {day(rec['final_held'])} · "
        f"{rec.get('status') or S.MOVEMENT_RUNNING}"
    )
    flow = forms.Flow(f"rv_{mv}", tab="PhongTrao", user=user, again="Ghi nhận tiếp")
    if flow.saved():
        return
    with flow.form():
        c1, c2, c3 = st.columns(3)
        mid = c1.date_input("Ngày sơ kết", value=rec["mid_held"], key=flow.k("mid"), format="DD/MM/YYYY")
        fin = c2.date_input("Ngày tổng kết", value=rec["final_held"], key=flow.k("final"), format="DD/MM/YYYY")
        statuses = list(S.MOVEMENT_STATUSES)
        status = c3.selectbox("Trạng thái", statuses, key=flow.k("status"),
                              index=statuses.index(rec.get("status") or S.MOVEMENT_RUNNING))
        submitted = flow.submit("Ghi nhận")
    if submitted:
        row = rec | {"mid_held": forms.date_or_none(mid), "final_held": forms.date_or_none(fin), "status": status}
        flow.save([row], what=f"Đã ghi nhận sơ kết, tổng kết của phong trào {mv}")
    flow.prompt()


# --- Khen thưởng ---------------------------------------------------------------------------
AWARD_LIST_COLUMNS = ["Tên người hoặc tập thể", "Chức vụ", "Mã đơn vị", "Nhóm đối tượng", "Giới tính", "Thành tích"]


def _award_common(prefix: str, ds: Dataset, user: User) -> dict[str, Any]:
    """The fields a whole decision shares; returns values keyed by header."""
    c1, c2, c3 = st.columns(3)
    no = c1.text_input("Số quyết định", key=f"{prefix}no", placeholder="Ví dụ: 125/QĐ-LĐLĐ")
    decided = c2.date_input("Ngày quyết định *", value=None, key=f"{prefix}decided", format="DD/MM/YYYY")
    level = c3.selectbox("Cấp khen", [NONE, *S.AWARD_LEVELS], key=f"{prefix}level")
    c4, c5, c6 = st.columns(3)
    form = c4.selectbox("Hình thức *", S.AWARD_FORMS, index=None, accept_new_options=True, key=f"{prefix}form",
                        placeholder="Chọn hoặc gõ hình thức khác")
    kind = c5.selectbox("Loại khen thưởng", S.AWARD_TYPES, key=f"{prefix}type")
    subject = c6.selectbox("Đối tượng *", S.SUBJECTS, key=f"{prefix}subject")
    mv = forms.records_for(ds, user, "PhongTrao")
    mv_opts = [NONE, *mv["movement"]] if len(mv) else [NONE]
    movement = st.selectbox("Thuộc phong trào", mv_opts, key=f"{prefix}movement")
    return {
        "Số quyết định": no or None, "Ngày quyết định": forms.date_or_none(decided),
        "Cấp khen": None if level == NONE else level, "Hình thức": form, "Loại khen thưởng": kind,
        "Đối tượng": subject, "Mã phong trào": None if movement == NONE else movement,
    }


def award_section(ds: Dataset, user: User) -> None:
    mode = st.radio("Cách nhập", ["Từng người", "Cả danh sách của một quyết định"], horizontal=True,
                    key="f_kt_mode")
    if mode == "Từng người":
        award_one(ds, user)
    else:
        award_list(ds, user)


def award_one(ds: Dataset, user: User) -> None:
    units = forms.writable_units(ds, user)
    flow = forms.Flow("kt", tab="KhenThuong", user=user)
    if flow.saved():
        return
    with flow.form():
        common = _award_common(flow.k(""), ds, user)
        c1, c2, c3 = st.columns(3)
        who = c1.text_input("Tên người hoặc tập thể *", key=flow.k("name"))
        unit = c2.selectbox("Đơn vị *", units, format_func=forms.unit_label(ds), key=flow.k("unit"))
        position = c3.text_input("Chức vụ", key=flow.k("position"))
        c4, c5, c6 = st.columns(3)
        group = c4.selectbox("Nhóm đối tượng", [NONE, *S.GROUPS], key=flow.k("group"),
                             help="Bắt buộc với khen thưởng cá nhân (chỉ tiêu T3).")
        gender = c5.selectbox("Giới tính", [NONE, *S.GENDERS], key=flow.k("gender"))
        value = c6.text_input("Giá trị làm lợi (đồng)", key=flow.k("value"))
        achievement = st.text_area("Thành tích", key=flow.k("achievement"), height=80)
        submitted = flow.submit("Thêm khen thưởng")
    if submitted:
        row = common | {
            "Tên người hoặc tập thể": who, "Mã đơn vị": unit, "Chức vụ": position or None,
            "Nhóm đối tượng": None if group == NONE else group, "Giới tính": None if gender == NONE else gender,
            "Giá trị làm lợi (đồng)": value or None, "Thành tích": achievement or None,
        }
        row["Mã khen thưởng"] = importer.award_code(row["Số quyết định"], row["Ngày quyết định"], who, unit,
                                                    row["Hình thức"])
        flow.save([row], what=f"Đã thêm khen thưởng cho «{who}» (mã {row['Mã khen thưởng']})",
                  similar=dupes.award(ds, row))
    flow.prompt()


def award_list(ds: Dataset, user: User) -> None:
    flow = forms.Flow("kl", tab="KhenThuong", user=user, again="Nhập danh sách khác")
    if flow.saved():  # written: the list is gone from the screen, a second click cannot write it again
        return
    st.caption("Nhập các thông tin chung của quyết định, rồi dán danh sách từ bảng tính (chọn các ô, Ctrl+C, "
               "Ctrl+V). Mỗi dòng một người hoặc tập thể, các cột theo thứ tự: "
               + " | ".join(AWARD_LIST_COLUMNS) + ". Có thể dán kèm dòng tiêu đề.")
    common = _award_common(flow.k(""), ds, user)
    text = st.text_area("Danh sách (dán từ bảng tính)", key=flow.k("text"), height=180)
    if not text.strip():
        return
    grid, first = importer.grid_from_text(text, "KhenThuong", columns=AWARD_LIST_COLUMNS)
    grid = importer.fill_award_codes(importer.with_values(grid, common))
    checked = importer.check(ds, "KhenThuong", grid, user.email, source="danh sách dán", first_row=first)
    import_ui.show_check(checked, what="dòng của danh sách", where="của danh sách")
    if st.button(f"Ghi {len(checked.rows)} khen thưởng", type="primary", disabled=not checked.ok, key="kl_save"):
        alike = [s for s in (dupes.award(ds, r) for r in checked.rows) if s]
        similar = None
        if alike:  # the same list pasted again, or people already awarded: ask first
            similar = (f"{len(alike)} trong {len(checked.rows)} dòng giống khen thưởng đã có, ví dụ: {alike[0]} "
                       "Vẫn ghi cả danh sách?")
        flow.save(checked.rows, what=f"Đã thêm {len(checked.rows)} khen thưởng", similar=similar)
    flow.prompt()


# --- Cán bộ ---------------------------------------------------------------------------------
def officer_section(ds: Dataset, user: User) -> None:
    units = forms.writable_units(ds, user)
    st.subheader("Phân công cán bộ làm công tác TĐKT")
    flow = forms.Flow("cb", tab="CanBo", user=user)
    if not flow.saved():
        with flow.form():
            c1, c2, c3 = st.columns(3)
            name = c1.text_input("Họ tên *", key=flow.k("name"))
            unit = c2.selectbox("Đơn vị *", units, format_func=forms.unit_label(ds), key=flow.k("unit"))
            code = c3.text_input("Mã cán bộ", key=flow.k("code"), placeholder="Để trống: ứng dụng tự đặt mã")
            c4, c5, c6 = st.columns(3)
            position = c4.text_input("Chức vụ", key=flow.k("position"))
            regime = c5.selectbox("Chế độ", [NONE, *S.REGIMES], key=flow.k("regime"))
            st.session_state.setdefault(flow.k("assigned"), clock.today())
            assigned = c6.date_input("Ngày phân công", key=flow.k("assigned"), format="DD/MM/YYYY")
            c7, c8 = st.columns(2)
            phone = c7.text_input("Điện thoại", key=flow.k("phone"))
            email = c8.text_input("Email", key=flow.k("email"))
            submitted = flow.submit("Phân công")
        if submitted:
            p = flow.pending(dict(name=name, unit=unit, code=code, position=position, regime=regime,
                                  assigned=forms.date_or_none(assigned), phone=phone, email=email))
            if not code.strip() and "code" not in p:
                p["code"] = forms.next_code(ds, "CanBo", f"CB-{unit}-")
            row = {"officer": code.strip() or p["code"], "name": name, "unit": unit, "position": position or None,
                   "regime": None if regime == NONE else regime, "assigned": forms.date_or_none(assigned),
                   "phone": phone or None, "email": email or None}
            flow.save([row], what=f"Đã phân công cán bộ «{name}» (mã {row['officer']})", write_id=p["id"])
        flow.prompt()

    st.subheader("Thôi phân công")
    cur = forms.records_for(ds, user, "CanBo")
    cur = cur[cur["left"].isna()] if len(cur) else cur
    end = forms.Flow("cbe", tab="CanBo", user=user, again="Ghi cán bộ khác")
    if end.saved():
        return
    if not len(cur):
        st.caption("Không có cán bộ nào đang được phân công trong phạm vi của bạn.")
        return
    labels = {o: f"{o} — {n} ({data_name})" for o, n, data_name in
              zip(cur["officer"], cur["name"], cur["unit"].map(ds.tree.name), strict=True)}
    with end.form():
        c1, c2 = st.columns([3, 1])
        officer = c1.selectbox("Cán bộ", list(labels), format_func=lambda o: labels.get(o, o), key=end.k("officer"))
        st.session_state.setdefault(end.k("left"), clock.today())
        left = c2.date_input("Ngày thôi", key=end.k("left"), format="DD/MM/YYYY")
        submitted = end.submit("Thôi phân công", type="secondary")
    if submitted:
        rec = forms.current_row(ds, "CanBo", {"officer": officer})
        if rec is None:
            st.error("Không tìm thấy cán bộ này; hãy bấm «Làm mới» rồi thử lại.")
        else:
            end.save([rec | {"left": forms.date_or_none(left)}], what=f"Đã ghi ngày thôi của cán bộ {officer}")
    end.prompt()


# --- Nhập từ tệp ----------------------------------------------------------------------------
def import_section(ds: Dataset, user: User) -> None:
    import_ui.import_tab(ds, user)


# --- Lịch sử và hủy -------------------------------------------------------------------------
def history_section(ds: Dataset, user: User) -> None:
    tabs = [t.name for t in S.DATA_TABS if forms.may_write(user, t.name)]
    c1, c2, c3 = st.columns([2, 1, 2])
    tab_name = c1.selectbox("Trang", tabs, key="hv_tab", format_func=lambda t: f"{t} — {S.TABS[t].title}")
    tab = S.TABS[tab_name]
    year: int | None = None
    if "year" in [c.attr for c in tab.columns]:
        years = list(range(clock.today().year + 1, 2019, -1))
        year = int(c2.selectbox("Năm", years, index=years.index(clock.today().year), key="hv_year"))
    query = c3.text_input("Tìm (mã, tên)", key="hv_query")
    recs = forms.records_for(ds, user, tab_name, year=year, query=query)
    if not len(recs):
        st.caption("Không có bản ghi nào phù hợp.")
        return
    limit = 500
    shown = recs.head(limit)
    # labels carry the key, so they are unique and a choice survives the list changing
    keys = {forms.record_label(ds, tab, row): {a: row[a] for a in tab.key_attrs} for _, row in shown.iterrows()}
    if len(recs) > limit:
        st.caption(f"Hiện {limit} trong {len(recs)} bản ghi; gõ vào ô tìm để thu hẹp.")
    label = st.selectbox("Bản ghi", list(keys), key="hv_pick")
    if label is None:
        return
    key = {k: (v.item() if hasattr(v, "item") else v) for k, v in keys[label].items()}
    forms.history_and_void(ds, user, tab_name, key, label=label, slot="hv")


SECTIONS = {"Kế hoạch năm": plan_section, "Phong trào": movement_section, "Khen thưởng": award_section,
            "Cán bộ": officer_section, "Nhập từ tệp": import_section, "Lịch sử, hủy": history_section}
