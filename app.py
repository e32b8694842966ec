"""Router: page config, sign-in, the pages each role sees, st.navigation. Nothing else."""

from __future__ import annotations

import streamlit as st

from components import auth, chrome, forms

st.set_page_config(page_title="TĐKT tracker", page_icon="🏅", layout="wide")

READ = [
    st.Page("views/tong_quan.py", title="Tổng quan", icon=":material/dashboard:", default=True, url_path="tong-quan"),
    st.Page("views/don_vi.py", title="Đơn vị", icon=":material/account_tree:", url_path="don-vi"),
    st.Page("views/phong_trao.py", title="Phong trào", icon=":material/flag:", url_path="phong-trao"),
    st.Page("views/khen_thuong.py", title="Khen thưởng", icon=":material/military_tech:", url_path="khen-thuong"),
    st.Page("views/dao_tao.py", title="Đào tạo", icon=":material/school:", url_path="dao-tao"),
    st.Page("views/dien_hinh.py", title="Điển hình", icon=":material/star:", url_path="dien-hinh"),
    st.Page("views/bao_cao.py", title="Báo cáo", icon=":material/description:", url_path="bao-cao"),
    st.Page("views/chat_luong.py", title="Chất lượng dữ liệu", icon=":material/fact_check:", url_path="chat-luong"),
    st.Page("views/don_doc.py", title="Đôn đốc", icon=":material/campaign:", url_path="don-doc"),
    st.Page("views/dang_ky.py", title="Đăng ký thi đua", icon=":material/how_to_reg:", url_path="dang-ky"),
    st.Page("views/tra_cuu.py", title="Tra cứu", icon=":material/person_search:", url_path="tra-cuu"),
]
# the public honour board (SPEC 7): every session has it, signed in or not, even under [auth]
BOARD = st.Page("views/vinh_danh.py", title="Vinh danh", icon=":material/workspace_premium:", url_path="vinh-danh")
GROUPS = {
    auth.READ: READ,
    auth.ENTRY: [st.Page("views/nhap_lieu.py", title="Nhập liệu", icon=":material/edit_note:", url_path="nhap-lieu"),
                 st.Page("views/ho_so.py", title="Hồ sơ khen thưởng", icon=":material/folder_special:",
                         url_path="ho-so"),
                 st.Page("views/xet_duyet.py", title="Xét duyệt", icon=":material/rule:", url_path="xet-duyet")],
    auth.SETTINGS: [st.Page("views/cai_dat.py", title="Cài đặt", icon=":material/settings:", url_path="cai-dat")],
    auth.DENIED: [st.Page("views/chua_cap_quyen.py", title="Chưa được cấp quyền", icon=":material/lock:",
                          url_path="chua-cap-quyen")],
    auth.LOGIN: [st.Page(auth.login_page, title="Đăng nhập", icon=":material/login:", url_path="dang-nhap")],
    auth.SETUP: [st.Page(auth.setup_page, title="Cần cấu hình đăng nhập", icon=":material/build:", url_path="cau-hinh")],
}
GATES = (auth.DENIED, auth.LOGIN, auth.SETUP)  # pages of a session without a role: never stood in for


def slug(page: st.Page) -> str:
    """A page's address (the default page's own is "" once registered as default)."""
    return page.url_path or "tong-quan"


def main() -> None:
    forms.keep_form_state()  # what people typed survives a visit to another page
    session = auth.current_session()
    pages = [p for group in auth.page_groups(session) for p in GROUPS[group]] + [BOARD]
    # a deep link to a page this session may not open explains why (no "Page not found" modal)
    mine = {p.title for p in pages}
    reason = chrome.not_allowed_reason(session)
    # a session without a role (not signed in, not registered, not configured) has one page:
    # every deep link leads to it, and there is no menu
    gated = all(p in GATES for p in auth.page_groups(session))
    stand_in = (lambda t: chrome.go_to_page(pages[0])) if gated else (lambda t: chrome.not_allowed_page(t, reason))
    # hidden by Streamlit itself: the menu never lists them (CSS sent later let them show for a moment)
    others = [st.Page(stand_in(p.title), title=p.title, icon=p.icon, url_path=slug(p), visibility="hidden")
              for g, group in GROUPS.items() if g not in GATES for p in group if p.title not in mine]
    # expanded: every page of the role in the menu (Streamlit folds a long one behind "View more")
    page = st.navigation(pages + others, position="hidden" if gated else "sidebar", expanded=True)
    board = page.url_path == BOARD.url_path
    chrome.install(sidebar=not (board and gated))
    if not board:  # the public board shows nobody's name, role or switcher
        auth.sidebar(session)
    page.run()


chrome.guard(main)
