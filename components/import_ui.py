"""Nhập liệu › Nhập từ tệp: upload a filled template, see every problem, write once.

- An upload is read and checked once: the result is kept in session state under the file's
  hash (and the dataset it was checked against), so a rerun of the page costs nothing.
- Reading is bounded (``sheets.upload``): a hostile file gets a Vietnamese message.
- Once written, the file cannot be written again by a second click: the result stays on
  screen with "Nhập tệp khác", which clears the uploader.
- A write that stopped half-way (several spreadsheets) says so; "Ghi" again completes it.
"""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st

from components import forms
from sheets import importer, templates, upload
from sheets import schema as S
from sheets.load import Dataset, User

_PARSED = "_imp_parsed"  # {"key": ..., "grid": ..., "title": ..., "problems": ...}
_CHECKED = "_imp_checked"  # {"key": ..., "checked": ImportCheck}
_DONE = "_imp_done"  # {"tab": ..., "name": ..., "message": ...}
_ROUND = "_imp_round"  # bumped by "Nhập tệp khác": a new uploader, empty

# Streamlit's dropzone speaks English ("Drag and drop file here", "Limit 10MB per file");
# our own caption says the same in Vietnamese.
_UPLOADER_CSS = """
<style>
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
</style>
"""


def _limit_text() -> str:
    mb = upload.DEFAULT.max_file_bytes // upload.MB
    return f"Tệp .xlsx, tối đa {mb} MB và {importer.MAX_ROWS} dòng mỗi lần."


def show_check(checked: importer.ImportCheck, *, what: str, where: str) -> None:
    """Say whether the rows can be written and list every problem, row by row."""
    n, bad = len(checked.rows), checked.bad_lines
    if checked.ok:
        st.success(f"{n} {what} hợp lệ, sẵn sàng ghi"
                   + (f" ({len(checked.warnings)} cảnh báo, xem bên dưới)." if checked.warnings else "."))
    elif bad:
        shown = ", ".join(map(str, bad[:20])) + ("…" if len(bad) > 20 else "")
        st.error(f"Có lỗi ở {len(bad)} dòng — dòng {shown} {where}. Chưa ghi dòng nào: sửa hết lỗi rồi tải lên "
                 "lại (ghi tất cả hoặc không dòng nào).", icon=":material/block:")
    else:
        st.error("Chưa ghi dòng nào: " + "; ".join(p.message for p in checked.errors[:3]), icon=":material/block:")
    if checked.problems:
        st.dataframe(report_shown(checked.report()), hide_index=True, width="stretch", placeholder="")


def report_shown(report: Any) -> Any:
    """A blank cell blank (the grid would print Streamlit's English "None"): columns with a
    blank become text; the others keep their type."""
    out = report.copy()
    for col in out.columns:
        blank = out[col].isna()
        if blank.any():
            out[col] = [("" if b else str(v)) for v, b in zip(out[col].tolist(), blank.tolist(), strict=True)]
    return out


def _read(raw: bytes, tab: str, name: str) -> dict[str, Any]:
    key = (hashlib.sha256(raw).hexdigest(), tab)
    got: dict[str, Any] | None = st.session_state.get(_PARSED)
    if got is None or got["key"] != key:
        grid, title, problems = importer.read_xlsx(raw, tab, filename=name)
        got = {"key": key, "grid": grid, "title": title, "problems": problems}
        st.session_state[_PARSED] = got
    return got


def _check(ds: Dataset, user: User, tab: str, name: str, parsed: dict[str, Any]) -> importer.ImportCheck:
    key = (parsed["key"], id(ds), user.email)
    got: dict[str, Any] | None = st.session_state.get(_CHECKED)
    if got is None or got["key"] != key:
        if not parsed["grid"]:
            checked = importer.ImportCheck(S.TABS[tab], name, problems=list(parsed["problems"]))
        else:
            checked = importer.check(ds, tab, parsed["grid"], user.email, source=name, sheet_title=parsed["title"])
            checked.problems[:0] = parsed["problems"]  # a too-long cell found while reading
        got = {"key": key, "checked": checked}
        st.session_state[_CHECKED] = got
    return got["checked"]  # type: ignore[no-any-return]


def _another() -> None:
    for k in (_DONE, _PARSED, _CHECKED):
        st.session_state.pop(k, None)
    st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1


def import_tab(ds: Dataset, user: User) -> None:
    tabs = [t.name for t in S.DATA_TABS if forms.may_write(user, t.name)]
    tab = st.selectbox("Trang dữ liệu", tabs, key="imp_tab", format_func=lambda t: f"{S.TABS[t].title} ({t})")
    done = st.session_state.get(_DONE)
    if done is not None:
        st.success(done["message"], icon=":material/check_circle:")
        st.caption(f"Tệp «{done['name']}» đã được ghi; bấm «Nhập tệp khác» để nhập thêm.")
        st.button("Nhập tệp khác", key="imp_another", on_click=_another, icon=":material/upload_file:")
        return
    st.download_button(
        f"Tải tệp mẫu {tab}.xlsx", data=templates.template_workbook_bytes(tab), file_name=f"mau-{tab}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="imp_template",
        icon=":material/download:",
    )
    st.caption("Điền mẫu trong Excel hoặc Google Sheets (các cột có danh sách chọn), rồi tải lên. Mã để trống "
               "thì ứng dụng tự đặt; cột mã đơn vị nhận cả tên đơn vị. Ứng dụng kiểm tra mọi dòng và chỉ ghi khi "
               "mọi dòng hợp lệ. " + _limit_text())
    st.html(_UPLOADER_CSS)
    n = st.session_state.get(_ROUND, 0)
    up = st.file_uploader("Tải tệp đã điền (.xlsx)", type=["xlsx"], key="imp_file" if not n else f"imp_file_{n}")
    if up is None:
        return
    parsed = _read(up.getvalue(), tab, up.name)
    checked = _check(ds, user, tab, up.name, parsed)
    show_check(checked, what=f"dòng của tệp «{up.name}»", where="của tệp")
    if st.button(f"Ghi {len(checked.rows)} dòng vào {S.TABS[tab].title}", type="primary", disabled=not checked.ok,
                 key="imp_save"):
        result = forms.save(f"imp:{parsed['key'][0]}", tab, checked.rows, user)
        if result is not None:
            st.session_state[_DONE] = {
                "tab": tab, "name": up.name,
                "message": forms.saved_message(result, f"Đã nhập {len(checked.rows)} dòng từ tệp «{up.name}»"),
            }
            st.session_state.pop(_CHECKED, None)
            st.rerun()
