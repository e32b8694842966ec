"""Pieces of the two dossier pages (SPEC 7): Hồ sơ khen thưởng (proposing side) and Xét duyệt
(receiving side). Logic lives in ``sheets.dossier`` / ``sheets.workflow`` / ``indicators.pipeline``;
here it is drawn. Single-tab writes use the form lifecycle ``forms.Flow``; the two steps that
write more than one tab (a return clears the results, a decision appends its awards) go through
``sheets.dossier.step`` with a pending ``Mã lần ghi``, so pressing again after a failure
finishes the same step and never doubles it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from components import data, forms
from components.fmt import day, pct
from indicators.pipeline import list_share
from sheets import clock
from sheets import dossier as D
from sheets import schema as S
from sheets import workflow as W
from sheets.load import Dataset, User

LINE_COLUMNS = {"line": "STT", "subject": "Đối tượng", "name": "Tên người hoặc tập thể", "group": "Nhóm đối tượng",
                "result": "Kết quả", "vote": "Tỉ lệ phiếu (%)", "unit": "Đơn vị", "position": "Chức vụ",
                "form": "Hình thức đề nghị", "achievement": "Thành tích"}


def status_text(status: str) -> str:
    return status


def dossier_label(ds: Dataset, rec: pd.Series | dict[str, Any]) -> str:
    """A dossier in a picker: what does not change with its steps (a label that changed would
    make the picker forget the choice after each step)."""
    return f"{rec['dossier']} · {ds.tree.name(str(rec['unit']))}"


def header(ds: Dataset, rec: pd.Series) -> None:
    """The dossier's state and dates; a return's reason stands out."""
    st.markdown(f"#### {rec['dossier']} — {rec['summary']}")
    parts = [f"**Trạng thái:** {status_text(str(rec['status']))}",
             f"**Đơn vị đề nghị:** {ds.tree.name(str(rec['unit']))}",
             f"**Nơi nhận:** {ds.tree.name(W.receiver_of(ds.tree, str(rec['unit'])))}",
             f"**Năm:** {rec['year']}", f"**Loại:** {rec['type']}"]
    for attr, label in (("submission_no", "Số tờ trình"), ("sent", "Ngày gửi"), ("received", "Ngày tiếp nhận"),
                        ("reviewed", "Ngày xét duyệt"), ("decision_no", "Số quyết định"),
                        ("decided", "Ngày quyết định"), ("level", "Cấp khen"), ("signer", "Người ký")):
        v = rec.get(attr)
        if v is not None and not (isinstance(v, float) and pd.isna(v)) and v is not pd.NaT:
            parts.append(f"**{label}:** {day(v) if isinstance(v, date | pd.Timestamp) else v}")
    st.markdown(" · ".join(parts))
    if rec["status"] == S.DOSSIER_RETURNED:
        st.error(f"Hồ sơ bị trả lại. Lý do: **{rec['return_reason']}**. Sửa danh sách rồi gửi lại.",
                 icon=":material/undo:")


LINE_WIDTHS: dict[str, int] = {"STT": 40, "Tên người hoặc tập thể": 170, "Đối tượng": 70, "Nhóm đối tượng": 170,
                               "Kết quả": 100, "Tỉ lệ phiếu (%)": 70, "Hình thức đề nghị": 160, "Đơn vị": 160,
                               "Chức vụ": 120, "Thành tích": 260}  # what is read first fits 1400 px


def lines_frame(ds: Dataset, lines: pd.DataFrame, proposer: str | None = None) -> pd.DataFrame:
    """The list as people read it: the name first; a column nobody filled (no results yet, no
    position) and the unit when every line is the proposer's own are left out, so what is there
    fits the screen."""
    if not len(lines):
        return pd.DataFrame(columns=list(LINE_WIDTHS))
    out = lines[list(LINE_COLUMNS)].rename(columns=LINE_COLUMNS).copy()
    out["Đơn vị"] = [ds.tree.name(str(u)) for u in lines["unit"]]
    out["Tỉ lệ phiếu (%)"] = ["" if pd.isna(v) else f"{float(v):g}".replace(".", ",") for v in lines["vote"]]
    out = out.astype(object).where(out.notna(), "")  # blanks read as blanks, not "None"
    out["STT"] = lines["line"].astype(int).to_numpy()
    out = out[list(LINE_WIDTHS)]
    blank = [c for c in ("Kết quả", "Tỉ lệ phiếu (%)", "Chức vụ", "Thành tích", "Nhóm đối tượng")
             if (out[c].astype(str).str.strip() == "").all()]
    if proposer is not None and set(lines["unit"].astype(str)) == {proposer}:
        blank.append("Đơn vị")
    return out.drop(columns=blank).reset_index(drop=True)


def dossier_card(ds: Dataset, rec: pd.Series, lines: pd.DataFrame, key: str) -> None:
    """The dossier's state, its list's direct-worker share, the list and its warnings."""
    with st.container(border=True):
        header(ds, rec)
        share_panel(ds, rec, lines)
        proposer = str(rec["unit"])
        frame = lines_frame(ds, lines, proposer)
        st.markdown(f"**Danh sách đề nghị** ({len(lines)})"
                    + ("" if "Đơn vị" in frame.columns or not len(lines) else f" · đơn vị: {ds.tree.name(proposer)}"))
        if not len(frame):
            st.caption("Hồ sơ chưa có dòng đề nghị nào.")
        else:
            st.dataframe(frame, hide_index=True, key=key, placeholder="", column_config={
                c: st.column_config.Column("Phiếu (%)" if c == "Tỉ lệ phiếu (%)" else None, width=w)
                for c, w in LINE_WIDTHS.items()})
        for w in D.duplicate_warnings(ds, str(rec["dossier"])):
            st.warning(w, icon=":material/content_copy:")


def share_panel(ds: Dataset, rec: pd.Series, lines: pd.DataFrame) -> None:
    """The list's direct-worker share against the year's T3 threshold, before the decision."""
    threshold = ds.thresholds(int(rec["year"]))["T3"]
    share = list_share(lines, threshold)
    verdict = "—" if share["met"] is None else ("đạt" if share["met"] else "chưa đạt")
    quiet = {"delta_color": "off", "delta_arrow": "off"}
    st.metric("Tỉ lệ lao động trực tiếp trong danh sách", pct(share["percent"]),
              f"{share['numerator']}/{share['denominator']} cá nhân · ngưỡng T3 {pct(threshold)}: {verdict}",
              help="Tính như T3: cá nhân thuộc nhóm «Công nhân, lao động trực tiếp» hoặc «CCVC không giữ chức vụ "
                   "lãnh đạo, quản lý» trên mọi cá nhân trong danh sách (trừ người có kết quả «Không đồng ý»).",
              **quiet)  # type: ignore[arg-type]
    if share["met"] is False:
        st.warning(f"Danh sách chưa đạt tỉ lệ {pct(threshold)} người lao động trực tiếp của Kế hoạch 48.",
                   icon=":material/groups:")


def multi_step(key: str, inputs: dict[str, Any], run: Callable[[str], Any], done_message: str, *,
               clear_prefix: str | None = None) -> None:
    """A step that writes several tabs: a pending write id (kept while the inputs are the same),
    the step through ``sheets.dossier``, then every viewer sees it."""
    scope = f"dossier:{key}"
    wid = forms.pending(scope, [inputs])["id"]
    try:
        run(wid)
    except Exception as exc:
        data.notify_written()  # part may have landed: the retry reads it
        forms.show_failure(exc)
        return
    forms.done(scope)
    data.notify_written()
    if clear_prefix:
        forms.clear(clear_prefix)
    forms.flash(done_message)
    st.rerun(scope="app")


def step_flow(key: str, ds: Dataset, user: User, code: str, status: str, label: str, *, what: str,
              available: bool = True, fields: dict[str, Any] | None = None, icon: str | None = None,
              button_type: str = "primary") -> None:
    """One single-version step (send, withdraw, receive, review) as a Flow button: after the save
    its confirmation shows (whatever the new status) and the button is gone, so a second click
    writes nothing. ``available``: whether the step may be taken now."""
    flow = forms.Flow(f"{key}_{code}", tab="HoSo", user=user, again="Đóng thông báo")
    rec = W.dossier_record(ds, code)
    if flow.phase == "saved" and (rec is None or rec["status"] != status):
        flow.reset()  # the dossier moved on (returned, say): that confirmation is history
    if flow.saved() or not available:
        return
    with flow.form(border=False):
        submitted = flow.submit(label, icon=icon, type=button_type)
    if submitted:
        try:
            row = D.version_row(ds, code, status, **(fields or {}))
        except Exception as exc:
            forms.show_failure(exc)
            return
        flow.save([row], what=what)
    flow.prompt()


# --- proposing side -------------------------------------------------------------------------
def proposer_dossiers(ds: Dataset, user: User, year: int | None) -> pd.DataFrame:
    hs = ds.frames["HoSo"]
    if not len(hs):
        return hs
    mine = hs[[W.on_proposing_side(ds.tree, user, str(u)) for u in hs["unit"]]]
    if year is not None:
        mine = mine[mine["year"] == year]
    return mine.sort_values(["year", "dossier"], ascending=[False, True]).reset_index(drop=True)


def new_dossier_flow(ds: Dataset, user: User) -> forms.Flow:
    """The creation form's lifecycle; its confirmation is history once the new dossier has a
    list or has been sent (it would otherwise sit above the later steps' confirmations)."""
    flow = forms.Flow("hs_new", tab="HoSo", user=user, again="Tạo hồ sơ khác")
    code = st.session_state.get("hs_created")
    rec = W.dossier_record(ds, str(code)) if flow.phase == "saved" and code else None
    if rec is not None and (rec["status"] != S.DOSSIER_DRAFT or len(W.dossier_lines(ds, str(code)))):
        flow.reset()
        st.session_state.pop("hs_created", None)
    return flow


def create_form(ds: Dataset, user: User) -> None:
    """A new dossier in Nháp (the page then picks it)."""
    flow = new_dossier_flow(ds, user)
    if flow.saved():
        return
    units = forms.writable_units(ds, user)
    with flow.form():
        c1, c2 = st.columns([3, 1])
        unit = c1.selectbox("Đơn vị đề nghị *", units, key=flow.k("unit"), format_func=forms.unit_label(ds),
                            index=units.index(user.unit) if user.unit in units else 0)
        year = c2.number_input("Năm thành tích *", min_value=2020, max_value=clock.today().year + 1, step=1,
                               value=clock.today().year, key=flow.k("year"))
        summary = st.text_input("Trích yếu *", key=flow.k("summary"),
                                placeholder="Đề nghị tặng Bằng khen của LĐLĐ tỉnh năm …")
        c3, c4 = st.columns(2)
        kind = c3.selectbox("Loại khen thưởng", S.AWARD_TYPES, key=flow.k("type"))
        submission = c4.text_input("Số tờ trình", key=flow.k("submission"), placeholder="12/TTr-LĐLĐ")
        submitted = flow.submit("Tạo hồ sơ", icon=":material/create_new_folder:")
    if submitted:
        inputs = {"unit": unit, "year": int(year), "summary": summary.strip(), "type": kind,
                  "submission_no": submission.strip() or None}
        pend = flow.pending(inputs)
        code = pend.setdefault("code", D.next_code(ds, str(unit), int(year)))
        if not inputs["summary"]:
            st.error("Chưa lưu: cần ghi «Trích yếu» của hồ sơ.", icon=":material/warning:")
            return
        row = {"dossier": code, "status": S.DOSSIER_DRAFT, **inputs}
        st.session_state["hs_pick_next"] = st.session_state["hs_created"] = code
        flow.save([row], what=f"Đã tạo hồ sơ {code}")
    flow.prompt()


def _who_inputs(ds: Dataset, proposer: str, prefix: Callable[[str], str]) -> dict[str, Any]:
    """Who is nominated: outside the form, so their earlier awards show as soon as the name is
    typed (a form's widgets send nothing until its button)."""
    units = sorted(ds.tree.subtree(proposer), key=lambda u: (u != proposer, ds.tree.name(u)))
    c1, c2, c3 = st.columns([1, 2, 2])
    subject = c1.selectbox("Đối tượng *", S.SUBJECTS, key=prefix("subject"))
    name = c2.text_input("Tên người hoặc tập thể *", key=prefix("name"),
                         placeholder="Gõ tên rồi Enter: hiện khen thưởng trước đây")
    unit = c3.selectbox("Đơn vị *", units, key=prefix("unit"), format_func=forms.unit_label(ds))
    return {"subject": subject, "name": name.strip(), "unit": unit}


def _detail_inputs(default_form: str, prefix: Callable[[str], str]) -> dict[str, Any]:
    c4, c5 = st.columns(2)
    groups = ["", *S.GROUPS]
    group = c4.selectbox("Nhóm đối tượng", groups, key=prefix("group"), format_func=lambda g: g or "— Không ghi —")
    genders = ["", *S.GENDERS]
    gender = c5.selectbox("Giới tính", genders, key=prefix("gender"), format_func=lambda g: g or "—")
    c6, c7 = st.columns(2)
    position = c6.text_input("Chức vụ", key=prefix("position"))
    form = c7.text_input("Hình thức đề nghị *", value=default_form, key=prefix("form"))
    achievement = st.text_area("Thành tích", key=prefix("achievement"), height=80)
    return {"group": group or None, "gender": gender or None, "position": position.strip() or None,
            "form": form.strip(), "achievement": achievement.strip() or None}


def history_table(ds: Dataset, name: str, unit: str, key: str) -> None:
    """A nominee's earlier awards and exemplar entries, or plainly that there are none."""
    hist = D.nominee_history(ds, name, unit)
    if len(hist):
        st.caption(f"Khen thưởng và điển hình trước đây của «{name}» ({len(hist)}):")
        st.dataframe(hist.astype(object).where(hist.notna(), ""), hide_index=True, key=key, placeholder="")
    else:
        st.caption(f"Chưa thấy khen thưởng hay điển hình nào của «{name}» trong dữ liệu.")


def default_form(ds: Dataset, unit: str) -> str:
    levels = W.levels_for(ds.tree, unit)
    return "Giấy khen" if levels == ("Cấp trên cơ sở",) else (
        "Bằng khen của LĐLĐ tỉnh" if levels == ("LĐLĐ tỉnh",) else "Bằng khen của Tổng Liên đoàn")


def add_one(ds: Dataset, user: User, rec: pd.Series) -> None:
    code, proposer = str(rec["dossier"]), str(rec["unit"])
    flow = forms.Flow(f"hs_line_{code}", tab="HoSoDanhSach", user=user, again="Thêm người khác")
    if flow.saved():
        return
    who = _who_inputs(ds, proposer, flow.k)
    if who["name"]:
        history_table(ds, who["name"], who["unit"], f"hs_hist_{code}")
    with flow.form():
        row = {**who, **_detail_inputs(default_form(ds, proposer), flow.k)}
        submitted = flow.submit("Thêm vào danh sách", icon=":material/person_add:")
    if submitted:
        lines = W.dossier_lines(ds, code, voided=True)
        pend = flow.pending(row)
        line = pend.setdefault("line", (int(lines["line"].max()) if len(lines) else 0) + 1)
        warn = D.duplicate_warnings(ds, code, [*_records(W.dossier_lines(ds, code)), {**row, "line": line}])
        flow.save([{**row, "dossier": code, "line": line}], what=f"Đã thêm «{row['name']}» (STT {line}) vào {code}",
                  similar=" ".join(warn) + " Vẫn thêm?" if warn else None)
    flow.prompt()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [dict(r) for _, r in frame.iterrows()]


def add_pasted(ds: Dataset, user: User, rec: pd.Series) -> None:
    code, proposer = str(rec["dossier"]), str(rec["unit"])
    flow = forms.Flow(f"hs_paste_{code}", tab="HoSoDanhSach", user=user)
    flow.note()
    st.caption("Dán từ bảng tính, mỗi người hoặc tập thể một dòng, các cột: " + " | ".join(D.PASTE_COLUMNS)
               + ". Để trống «Mã đơn vị» là đơn vị đề nghị; để trống «Hình thức» là hình thức mặc định.")
    with flow.form():
        text = st.text_area("Danh sách dán vào", key=flow.k("text"), height=140)
        submitted = flow.submit("Thêm cả danh sách", icon=":material/playlist_add:")
    if submitted:
        rows, problems = D.parse_paste(ds, proposer, text, default_form=default_form(ds, proposer))
        _add_lines(ds, flow, code, rows, problems, fix="Sửa các lỗi sau rồi bấm lại",
                   what=f"Đã thêm {len(rows)} dòng vào {code}")
    flow.prompt()


def _add_lines(ds: Dataset, flow: forms.Flow, code: str, rows: list[dict[str, Any]], problems: list[str], *,
               fix: str, what: str) -> None:
    """A pasted or uploaded list: all of it after the dossier's last line, or nothing and why."""
    if problems:
        st.error(f"Chưa thêm dòng nào (thêm tất cả hoặc không thêm gì). {fix}:\n\n"
                 + "\n".join(f"- {p}" for p in problems), icon=":material/warning:")
        return
    lines = W.dossier_lines(ds, code, voided=True)
    start = int(lines["line"].max()) if len(lines) else 0
    rows = [{**r, "dossier": code, "line": start + i} for i, r in enumerate(rows, start=1)]
    warn = D.duplicate_warnings(ds, code, [*_records(W.dossier_lines(ds, code)), *rows])
    flow.save(rows, what=what, keep=True, similar=" ".join(warn) + " Vẫn thêm?" if warn else None)


def add_uploaded(ds: Dataset, user: User, rec: pd.Series) -> None:
    """The list from an .xlsx file: one sheet, the paste's columns, a header row allowed."""
    code, proposer = str(rec["dossier"]), str(rec["unit"])
    flow = forms.Flow(f"hs_upload_{code}", tab="HoSoDanhSach", user=user)
    flow.note()
    st.caption("Tệp .xlsx một trang, các cột: " + " | ".join(D.PASTE_COLUMNS) + " (dòng tiêu đề được bỏ qua).")
    with flow.form():
        # a new key after a save, so the file goes (not an f_ key: an uploader's value cannot be re-assigned)
        file = st.file_uploader("Tệp danh sách (.xlsx)", type=["xlsx"], key=f"hs_file_{code}_{flow.turn}")
        submitted = flow.submit("Thêm từ tệp", icon=":material/upload_file:")
    if submitted:
        if file is None:
            st.error("Chưa chọn tệp.", icon=":material/warning:")
            return
        rows, problems = D.parse_upload(ds, proposer, file.getvalue(), filename=file.name,
                                        default_form=default_form(ds, proposer))
        _add_lines(ds, flow, code, rows, problems, fix="Sửa các lỗi sau trong tệp rồi tải lại",
                   what=f"Đã thêm {len(rows)} dòng từ tệp {file.name} vào {code}")
    flow.prompt()


def remove_one(ds: Dataset, user: User, rec: pd.Series, lines: pd.DataFrame) -> None:
    code = str(rec["dossier"])
    if not len(lines):
        return
    flow = forms.Flow(f"hs_remove_{code}", tab="HoSoDanhSach", user=user)
    flow.note()
    with flow.form():
        opts = [int(x) for x in lines["line"]]
        names = dict(zip(opts, lines["name"], strict=True))
        line = st.selectbox("Bỏ khỏi danh sách", opts, key=flow.k("line"), format_func=lambda n: f"{n}. {names[n]}")
        submitted = flow.submit("Bỏ dòng này", icon=":material/person_remove:", type="secondary")
    if submitted:
        hit = lines[lines["line"] == line].iloc[-1]
        row = D.record_row(S.HO_SO_DANH_SACH, hit)
        row["void"] = True
        flow.save([row], what=f"Đã bỏ «{names[int(line)]}» (STT {line}) khỏi {code}", keep=True)
    flow.prompt()


# --- receiving side -------------------------------------------------------------------------
INBOX_COLUMNS = ["Mã hồ sơ", "Quá hạn", "Số ngày chờ", "Trạng thái", "Ngày gửi", "Đơn vị đề nghị", "Trích yếu"]


def inbox_frame(ds: Dataset, box: pd.DataFrame) -> pd.DataFrame:
    """The inbox, what the desk acts on first on the left (a phone shows three columns)."""
    if not len(box):
        return pd.DataFrame(columns=INBOX_COLUMNS)
    return pd.DataFrame({
        "Mã hồ sơ": box["dossier"], "Quá hạn": ["Quá hạn" if o else "" for o in box["overdue"]],
        "Số ngày chờ": box["days"].astype("Int64"), "Trạng thái": [status_text(str(s)) for s in box["status"]],
        "Ngày gửi": [day(d) for d in box["sent"]], "Đơn vị đề nghị": [ds.tree.name(str(u)) for u in box["unit"]],
        "Trích yếu": box["summary"],
    })[INBOX_COLUMNS]


def inbox_table(ds: Dataset, box: pd.DataFrame) -> None:
    st.dataframe(inbox_frame(ds, box), hide_index=True, key="xd_inbox", placeholder="", column_config={
        "Mã hồ sơ": st.column_config.TextColumn(width=150),
        "Quá hạn": st.column_config.TextColumn(width=70),
        "Số ngày chờ": st.column_config.NumberColumn("Ngày chờ", width=75, help="Số ngày kể từ ngày gửi"),
        "Trạng thái": st.column_config.TextColumn(width=100),
        "Ngày gửi": st.column_config.TextColumn(width=90),
        "Đơn vị đề nghị": st.column_config.TextColumn(width=200),
        "Trích yếu": st.column_config.TextColumn(width=250),
    })


def _blank(v: Any) -> Any:
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def inbox_box(ds: Dataset, user: User, today: date, which: str, statuses: tuple[str, ...],
              pick_key: str) -> tuple[pd.DataFrame, str]:
    """The box's dossiers, plus the one picked if a step just moved it out of the box (the
    page would otherwise jump to another dossier right under the step's confirmation, whose
    buttons could then be pressed for the wrong dossier), and a sentence saying so. It stays
    until another dossier or box is picked; ``seen(pick_key, …)`` records what was drawn."""
    box = D.inbox(ds, user, today, statuses)
    picked = st.session_state.get(pick_key)
    here = bool(len(box)) and picked in set(box["dossier"])
    moved_key = pick_key + "_moved"
    moved = st.session_state.get(moved_key)
    if moved != (which, picked) or here:
        moved = None
        st.session_state.pop(moved_key, None)
    last = st.session_state.get(pick_key + "_seen")
    if moved is None and not here and statuses and last and last[0] == picked and last[1] in statuses:
        moved = st.session_state[moved_key] = (which, picked)
    if moved is None:
        return box, ""
    every = D.inbox(ds, user, today)
    kept = every[every["dossier"] == picked] if len(every) else every
    if not len(kept):
        return box, ""
    status = str(kept["status"].iloc[0])
    return (pd.concat([box, kept], ignore_index=True),
            f"Hồ sơ {picked} vừa chuyển sang «{status}»: vẫn hiện ở đây đến khi chọn hồ sơ khác.")


def seen(pick_key: str, code: str, status: str) -> None:
    """The dossier and status the page drew (see ``inbox_box``)."""
    st.session_state[pick_key + "_seen"] = (code, status)


def results_editor(ds: Dataset, user: User, rec: pd.Series, lines: pd.DataFrame) -> None:
    """The council's result and vote per nominee (one line each, readable on a phone); all at
    once where it agreed to all. Only lines whose result or vote changed get a new version."""
    code = str(rec["dossier"])
    flow = forms.Flow(f"xd_results_{code}", tab="HoSoDanhSach", user=user)
    flow.note()
    choices = ["", *S.RESULTS]
    with flow.form():
        c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
        all_agree = c1.checkbox("Hội đồng đồng ý tất cả", key=flow.k("all"),
                                help="Ghi «Đồng ý» và tỉ lệ phiếu chung cho mọi dòng; bỏ chọn để ghi từng dòng.")
        vote_all = c2.number_input("Tỉ lệ phiếu chung (%)", min_value=0.0, max_value=100.0, value=100.0, step=1.0,
                                   format="%g", key=flow.k("vote_all"))
        st.caption("Hoặc ghi từng dòng (kết quả, tỉ lệ phiếu %):")
        entered: dict[int, tuple[Any, Any]] = {}
        for _, r in lines.iterrows():
            n = int(r["line"])
            who = f"**{n}. {r['name']}**  \n{r['subject']}" + (f" · {r['group']}" if _blank(r["group"]) else "")
            c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="center")
            c1.markdown(who)
            now = _blank(r["result"])
            result = c2.selectbox(f"Kết quả dòng {n}", choices, index=choices.index(now) if now in choices else 0,
                                  key=flow.k(f"result_{n}"), format_func=lambda x: x or "— Chưa có kết quả —",
                                  label_visibility="collapsed")
            vote = c3.number_input(f"Tỉ lệ phiếu dòng {n} (%)", min_value=0.0, max_value=100.0, step=1.0,
                                   value=None if _blank(r["vote"]) is None else float(r["vote"]), format="%g",
                                   placeholder="Tỉ lệ phiếu (%)", key=flow.k(f"vote_{n}"),
                                   label_visibility="collapsed")
            entered[n] = (result or None, vote)
        submitted = flow.submit("Ghi kết quả", icon=":material/how_to_vote:")
    if submitted:
        rows = []
        for _, hit in lines.iterrows():
            result, vote = (S.RESULT_AGREED, float(vote_all)) if all_agree else entered[int(hit["line"])]
            if result is None and vote is None:
                continue
            if (result, None if vote is None else float(vote)) == (
                    _blank(hit["result"]), None if _blank(hit["vote"]) is None else float(hit["vote"])):
                continue  # unchanged: no new version
            row = D.record_row(S.HO_SO_DANH_SACH, hit)
            row["result"], row["vote"] = result, None if vote is None else float(vote)
            rows.append(row)
        if not rows:
            st.info("Không có kết quả mới để ghi.")
            return
        flow.save(rows, what=f"Đã ghi kết quả {len(rows)} dòng của {code}", keep=True)
    flow.prompt()


def return_form(ds: Dataset, user: User, rec: pd.Series) -> None:
    code = str(rec["dossier"])
    with st.form(f"xd_return_{code}", clear_on_submit=False):
        reason = st.text_area("Lý do trả lại *", key=f"f_xd_reason_{code}", height=80)
        submitted = st.form_submit_button("Trả lại hồ sơ", icon=":material/undo:", key=f"xd_return_btn_{code}")
    if submitted:
        if not reason.strip():
            st.error("Chưa trả lại: cần ghi «Lý do trả lại» để đơn vị biết cần sửa gì.", icon=":material/warning:")
            return
        multi_step(f"return_{code}", {"reason": reason.strip()},
                   lambda wid: D.step(data.get_store(), user.email, code, S.DOSSIER_RETURNED,
                                      dataset=data.get_dataset(), write_id=wid, return_reason=reason.strip()),
                   f"Đã trả lại hồ sơ {code} với lý do: {reason.strip()}", clear_prefix=f"f_xd_reason_{code}")


def decision_form(ds: Dataset, user: User, rec: pd.Series, lines: pd.DataFrame) -> None:
    code = str(rec["dossier"])
    levels = W.levels_for(ds.tree, str(rec["unit"]))
    agreed = int((lines["result"] == S.RESULT_AGREED).sum()) if len(lines) else 0
    st.caption(f"Ghi quyết định sẽ ghi {agreed} khen thưởng (các dòng «{S.RESULT_AGREED}») vào trang Khen thưởng.")
    with st.form(f"xd_decide_{code}", clear_on_submit=False):
        c1, c2 = st.columns(2)
        number = c1.text_input("Số quyết định *", key=f"f_xd_no_{code}", placeholder="125/QĐ-LĐLĐ")
        when = c2.date_input("Ngày quyết định *", value=clock.today(), format="DD/MM/YYYY", key=f"f_xd_date_{code}")
        c3, c4 = st.columns(2)
        level = c3.selectbox("Cấp khen *", levels, key=f"f_xd_level_{code}")
        signer = c4.text_input("Người ký", key=f"f_xd_signer_{code}", placeholder="Chủ tịch Nguyễn Văn A")
        submitted = st.form_submit_button("Ghi quyết định", type="primary", icon=":material/gavel:",
                                          key=f"xd_decide_btn_{code}")
    if submitted:
        if not number.strip() or not isinstance(when, date):
            st.error("Chưa ghi: cần «Số quyết định» và «Ngày quyết định».", icon=":material/warning:")
            return
        inputs = {"no": number.strip(), "date": when.isoformat(), "level": level, "signer": signer.strip()}
        multi_step(f"decide_{code}", inputs,
                   lambda wid: D.record_decision(data.get_store(), user.email, code, decision_no=number.strip(),
                                                 decided=when, level=level, signer=signer.strip() or None,
                                                 dataset=data.get_dataset(), write_id=wid),
                   f"Đã ghi quyết định {number.strip()} cho hồ sơ {code}: {agreed} khen thưởng đã vào trang Khen thưởng.",
                   clear_prefix=f"f_xd_no_{code}")


# --- Tổng quan ---------------------------------------------------------------------------
def overview_panel(ds: Dataset, year: int, as_of: date, scope: str | None) -> None:
    """The "Hồ sơ khen thưởng" panel of Tổng quan: the figures of ``tdkt pipeline`` (SPEC 7)."""
    from components.fmt import num
    from indicators.pipeline import pipeline

    fig = pipeline(ds, year, as_of, None if scope == ds.tree.root else scope)
    st.subheader("Hồ sơ khen thưởng")
    total = sum(fig["dossiers"].values())
    if not total:
        st.caption(f"Chưa có hồ sơ đề nghị khen thưởng nào năm {year} trong phạm vi này.")
        return
    share = fig["direct_share"]
    median = fig["median_days"]
    verdict = "—" if share["met"] is None else ("đạt" if share["met"] else "chưa đạt")
    cells = (  # plain boxes, not st.metric: the indicator cards stay the page's only metrics
        ("Đang chờ xử lý", num(fig["waiting"]), f"{num(total)} hồ sơ năm {year}"),
        ("Quá hạn", num(fig["overdue"]), "quá 30 ngày (đột xuất: 10 ngày)"),
        ("Đã từng bị trả lại", num(fig["returned"]), "trả lại rồi gửi lại, hoặc đang chờ sửa"),
        ("Số ngày xử lý (trung vị)", "—" if median is None else f"{median:g}".replace(".", ","),
         f"{num(fig['dossiers'][S.DOSSIER_DECIDED])} hồ sơ đã quyết định"),
        ("Lao động trực tiếp trong danh sách", pct(share["percent"]),
         f"{share['numerator']}/{share['denominator']} cá nhân · ngưỡng T3 {pct(share['threshold'])}: {verdict}"),
    )
    cols = st.columns(len(cells))
    for col, (label, value, note) in zip(cols, cells, strict=True):
        with col.container(border=True, key=f"ho_so_panel_{cells.index((label, value, note))}"):
            st.markdown(f"{label}  \n**{value}**")
            st.caption(note)
    st.caption(" · ".join(f"{s}: {num(n)}" for s, n in fig["dossiers"].items())
               + f" · tính đến {as_of:%d/%m/%Y}")


DOC_LABELS = {"to-trinh": "Tờ trình đề nghị khen thưởng", "quyet-dinh": "Quyết định khen thưởng",
              "giay-khen": "Giấy khen, bằng khen (in lên phôi theo mẫu in)"}
DOC_FORMATS = {"docx": "Word (.docx)", "pdf": "PDF"}
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}


def documents(ds: Dataset, code: str, status: str, key: str) -> None:
    """The dossier's documents as Word or PDF files: the tờ trình once sent, the quyết định and
    the certificates once decided. A file is made when asked for (not on every rerun), and a
    dossier whose data cannot make it says why."""
    from reports.dossier_docs import DocumentError, document

    kinds = ["to-trinh"] if status != S.DOSSIER_DRAFT else []
    if status == S.DOSSIER_DECIDED:
        kinds += ["quyet-dinh", "giay-khen"]
    if not kinds:
        return
    with st.expander("Văn bản của hồ sơ (Word, PDF)", icon=":material/description:"):
        c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
        kind = c1.selectbox("Văn bản", kinds, format_func=DOC_LABELS.__getitem__, key=f"{key}_doc_kind")
        fmt = c2.selectbox("Định dạng", list(DOC_FORMATS), format_func=DOC_FORMATS.__getitem__, key=f"{key}_doc_fmt")
        made: dict[tuple[str, str, str, int], tuple[str, bytes]] = st.session_state.setdefault(f"{key}_docs", {})
        want = (code, kind, fmt, id(ds))
        if c3.button("Lập văn bản", key=f"{key}_doc_make", icon=":material/edit_document:"):
            try:
                with st.spinner("Đang lập văn bản…" if fmt == "docx" else "Đang lập văn bản và chuyển sang PDF…"):
                    made.clear()
                    made[want] = document(ds, code, kind, fmt=fmt)
            except DocumentError as exc:
                st.error(str(exc), icon=":material/error:")
        if want in made:
            name, content = made[want]
            st.download_button(f"Tải {name}", content, file_name=name, mime=MIME[fmt], key=f"{key}_doc_get",
                               icon=":material/download:", type="primary")
