"""What every page shares around its content: Vietnamese for Streamlit's own English, the
phone layout, pages a role may not open, and our own error page.

Streamlit draws a few English words we cannot set from Python (the grid toolbar, the file
uploader's dropzone, "Press Enter to submit form", a multiselect's "Select all"). They are
hidden by CSS where nothing is lost, and otherwise translated in the browser by a small
script (a fixed table of exact strings, applied to text, placeholders, titles and
aria-labels as Streamlit draws them).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from typing import Any

import streamlit as st

log = logging.getLogger("tdkt.app")

# Streamlit's English -> what a Vietnamese user reads (exact strings, trimmed)
VI: dict[str, str] = {
    "Choose an option": "Chọn",
    "Choose options": "Chọn",
    "Select all": "Chọn tất cả",
    "Select All": "Chọn tất cả",
    "No results": "Không có kết quả",
    "No options to select": "Không có lựa chọn",
    "No options to select.": "Không có lựa chọn",
    "Drag and drop file here": "Kéo thả tệp vào đây",
    "Drag and drop files here": "Kéo thả tệp vào đây",
    "Browse files": "Chọn tệp",
    "Upload": "Chọn tệp",
    "Upload file": "Chọn tệp",
    "Remove file": "Bỏ tệp",
    "file upload": "Tải tệp lên",
    "Error:": "Lỗi:",
    "Delete": "Xóa",
    "Clear all": "Xóa hết",
    "Clear value": "Xóa",
    "Clear": "Xóa",
    "Open": "Mở",
    "Close": "Đóng",
    "Search": "Tìm",
    "Download as CSV": "Tải về CSV",
    "Fullscreen": "Toàn màn hình",
    "Close fullscreen": "Thu nhỏ",
    "Show password text": "Hiện mật khẩu",
    "Hide password text": "Ẩn mật khẩu",
    "Collapse sidebar": "Thu gọn thanh bên",
    "Expand sidebar": "Mở thanh bên",
    "View more": "Xem thêm",
    "View less": "Thu gọn",
    "Show more": "Xem thêm",
    "Show less": "Thu gọn",
    "Increment": "Tăng",
    "Decrement": "Giảm",
    "Previous month.": "Tháng trước",
    "Next month.": "Tháng sau",
    "Choose a date": "Chọn ngày",
    "Choose date": "Chọn ngày",
    "Select a date.": "Chọn ngày",
}
# Prefixes of Streamlit messages (the uploader's limit line)
VI_PREFIX: dict[str, str] = {
    "Limit ": "Tối đa ",
    "day, ": "ngày, ",  # a date field's parts, read aloud
    "month, ": "tháng, ",
    "year, ": "năm, ",
    "Remove ": "Bỏ ",  # the uploader's file chip: "Remove <file name>"
}


def _too_big() -> str:
    from sheets import upload

    mb = upload.DEFAULT.max_file_bytes // upload.MB
    return (f"Tệp quá giới hạn {mb} MB cho một lần nhập. Chia danh sách thành nhiều tệp nhỏ hơn "
            "(tối đa 5.000 dòng mỗi tệp).")


# Streamlit messages replaced whole, by prefix: its own size refusal (a file above
# server.maxUploadSize, which never reaches our check) says our limit, not Streamlit's
VI_WHOLE: dict[str, str] = {
    "File must be ": _too_big(),
}
# an empty date field's parts ("dd / mm / yyyy")
VI_DATE_PARTS: dict[str, str] = {"dd": "ngày", "mm": "tháng", "yyyy": "năm"}

_CSS = """
<style>
/* "Press Enter to submit form" / "Press Enter to apply": the button says what to do */
[data-testid="InputInstructions"] { display: none !important; }
/* the grid's own toolbar (English tooltips; covers the tab bar on a phone and swallows taps) */
[data-testid="stElementToolbar"] { display: none !important; }
/* the uploader's dropzone: our own words (the script translates the rest) */
[data-testid="stFileUploaderDropzoneInstructions"] small { font-size: 0.8rem; }
/* a form's confirmation right where the user is */
[class*="st-key-flow_"] { scroll-margin-top: 5rem; }
@media (max-width: 640px) {
  /* phones: the tab bar scrolls sideways by itself, never hidden under anything */
  [data-baseweb="tab-list"] { overflow-x: auto; scrollbar-width: none; }
  .block-container { padding-left: 0.75rem; padding-right: 0.75rem; }
}
</style>
"""

_JS = """
<script>
(() => {
  const w = window.parent && window.parent.document ? window.parent : window;
  const d = w.document;
  const VI = __VI__, PRE = __PRE__, WHOLE = __WHOLE__, PARTS = __PARTS__;
  const part = (n) => {  // the text of an empty date field's part
    const p = n.parentElement;
    if (!p || p.getAttribute("data-placeholder") !== "true") return null;
    const t = (n.nodeValue || "").trim();
    return Object.prototype.hasOwnProperty.call(PARTS, t) ? PARTS[t] : null;
  };
  const tr = (s) => {
    if (!s) return null;
    const t = s.trim();
    if (Object.prototype.hasOwnProperty.call(VI, t)) return s.replace(t, VI[t]);
    for (const p in WHOLE) { if (t.startsWith(p)) return WHOLE[p]; }
    const size = /^(\\d+)(?:\\.(\\d+))?(B|KB|MB|GB)$/.exec(t);  // an uploaded file's size: "53.5MB"
    if (size) return s.replace(t, size[1] + (size[2] ? "," + size[2] : "") + " " + size[3]);
    if (/^\\d[\\d.]*MB per file/.test(t)) return s.replace(/MB per file/, " MB mỗi tệp");  // the uploader's limit line
    for (const p in PRE) { if (t.startsWith(p)) return s.replace(p, PRE[p]).replace(/MB per file/, "MB mỗi tệp")
                                                    .replace(/or smaller/, "").replace(/(\\d)\\.0MB/, "$1 MB"); }
    return null;
  };
  const ATTRS = ["placeholder", "title", "aria-label"];
  const fix = (root) => {
    if (!root) return;
    if (root.nodeType === 3) { const n = part(root) ?? tr(root.nodeValue); if (n !== null && n !== root.nodeValue) root.nodeValue = n; return; }
    if (root.nodeType !== 1) return;
    for (const a of ATTRS) { if (root.hasAttribute && root.hasAttribute(a)) { const n = tr(root.getAttribute(a));
      if (n !== null && n !== root.getAttribute(a)) root.setAttribute(a, n); } }
    const walker = d.createTreeWalker(root, 5);  // elements and text
    let node = walker.nextNode();
    while (node) {
      if (node.nodeType === 3) { const n = part(node) ?? tr(node.nodeValue); if (n !== null && n !== node.nodeValue) node.nodeValue = n; }
      else { for (const a of ATTRS) { if (node.hasAttribute(a)) { const n = tr(node.getAttribute(a));
        if (n !== null && n !== node.getAttribute(a)) node.setAttribute(a, n); } } }
      node = walker.nextNode();
    }
  };
  if (!w.__tdktChrome) {
    w.__tdktChrome = true;
    d.documentElement.setAttribute("lang", "vi");
    fix(d.body);
    new w.MutationObserver((ms) => { for (const m of ms) {
      if (m.type === "childList") m.addedNodes.forEach(fix); else fix(m.target);
    } }).observe(d.body, {subtree: true, childList: true, characterData: true, attributes: true,
                          attributeFilter: ATTRS});
    // phones: the sidebar closes once a page is chosen
    d.addEventListener("click", (e) => {
      const link = e.target.closest && e.target.closest('[data-testid="stSidebarNav"] a');
      if (!link || w.innerWidth > 768) return;
      setTimeout(() => {
        const b = d.querySelector('[data-testid="stSidebarCollapseButton"] button')
               || d.querySelector('[data-testid="stSidebar"] [data-testid="stBaseButton-headerNoPadding"]');
        if (b) b.click();
      }, 50);
    }, true);
  }
})();
</script>
"""


def install(*, sidebar: bool = True) -> None:
    """The shared CSS and script.
    ``sidebar=False`` keeps the script out of the sidebar (a page without one: Vinh danh, whose
    embedded view on the federation's website has no sidebar at all)."""
    st.html(_CSS)
    with st.sidebar if sidebar else st.container():
        st.html(_JS.replace("__VI__", json.dumps(VI, ensure_ascii=False))
                .replace("__PRE__", json.dumps(VI_PREFIX, ensure_ascii=False))
                .replace("__WHOLE__", json.dumps(VI_WHOLE, ensure_ascii=False))
                .replace("__PARTS__", json.dumps(VI_DATE_PARTS, ensure_ascii=False)),
                unsafe_allow_javascript=True)


def not_allowed_page(title: str, reason: str) -> Callable[[], None]:
    """A stand-in for a page the session may not open: it says so, in Vietnamese (instead of
    Streamlit's "Page not found" modal on a deep link)."""

    def page() -> None:
        st.title(title)
        st.warning(reason, icon=":material/lock:")

    page.__name__ = "not_allowed_" + "".join(c if c.isalnum() else "_" for c in title.lower())
    return page


def go_to_page(target: Any) -> Callable[[], None]:
    """A stand-in that sends the visitor to ``target`` (the one page of a session without a role)."""

    def page() -> None:
        st.switch_page(target)

    page.__name__ = "go_to_" + str(abs(hash(target.url_path)))
    return page


def guard(run: Callable[[], Any]) -> None:
    """Run the page; an unexpected failure shows our message with "Làm mới" (details, with
    the traceback, go to the server log only)."""
    from components import data

    try:
        run()
    except data.RegistryUnreadable as exc:
        log.warning("registry unreadable: %s", exc.reason)
        failure_page("Chưa đọc được bảng tính đăng ký",
                     f"Ứng dụng chưa đọc được bảng tính đăng ký của tỉnh ({exc.reason}). Đây là lỗi kết nối "
                     "dữ liệu, không phải lỗi tài khoản của bạn. Bấm «Làm mới» sau ít phút.")
    except Exception:
        if os.environ.get("TDKT_RAISE") == "1":  # tests: let AppTest see the exception itself
            raise
        log.exception("page failed")
        failure_page("Có lỗi khi hiển thị trang",
                     "Trang này gặp lỗi ngoài dự kiến; dữ liệu của bạn không bị thay đổi. Bấm «Làm mới» để "
                     "đọc lại dữ liệu; nếu vẫn lỗi, hãy báo quản trị viên kèm thời điểm xảy ra.")


def failure_page(title: str, message: str) -> None:
    from components import data

    st.error(f"**{title}.** {message}", icon=":material/error:")
    if st.button("Làm mới", key="failure_refresh", icon=":material/refresh:", type="primary"):
        data.refresh()
        st.rerun()


def not_allowed_reason(session: Any) -> str:
    """Why this session may not open a page it asked for, in the words of its situation."""
    user = getattr(session, "user", None)
    if user is not None:
        return (f"Vai trò «{user.role}» không dùng trang này. Các trang bạn dùng được nằm ở thanh bên; "
                "nếu bạn cần thêm quyền, hãy liên hệ quản trị viên của Liên đoàn Lao động tỉnh.")
    if getattr(session, "signed_in", False):
        return ("Tài khoản của bạn chưa được cấp quyền xem trang này. Hãy liên hệ quản trị viên của "
                "Liên đoàn Lao động tỉnh.")
    return "Trang này cần đăng nhập. Hãy đăng nhập (hoặc chọn người dùng ở thanh bên) rồi mở lại trang."
