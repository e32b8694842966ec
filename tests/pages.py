"""The pages each demo role opens (app.py's groups, SPEC 1), for the page walks of the tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from streamlit.testing.v1 import AppTest

LEADER = "lanhdao@demo.tdkt.vn"
ADMIN = "quantri@demo.tdkt.vn"
OFFICER = "canbo.babe@demo.tdkt.vn"
TRAINER = "daotao@demo.tdkt.vn"
DESK = "thidua@demo.tdkt.vn"

READ = ["views/tong_quan.py", "views/don_vi.py", "views/phong_trao.py", "views/khen_thuong.py", "views/dao_tao.py",
        "views/dien_hinh.py", "views/bao_cao.py", "views/chat_luong.py", "views/don_doc.py", "views/dang_ky.py", "views/tra_cuu.py",
        "views/vinh_danh.py"]
ENTRY = ["views/nhap_lieu.py", "views/ho_so.py", "views/xet_duyet.py"]
ROLE_PAGES = {
    LEADER: READ,
    ADMIN: [*READ, *ENTRY, "views/cai_dat.py"],
    OFFICER: [*READ, *ENTRY],
    TRAINER: READ,
    DESK: [*READ, *ENTRY],
}


def registered_pages() -> set[str]:
    """Every view app.py registers, besides the gate pages of a session without a role."""
    text = (Path(__file__).resolve().parents[1] / "app.py").read_text(encoding="utf-8")
    return set(re.findall(r'"(views/[a-z_]+\.py)"', text)) - {"views/chua_cap_quyen.py"}


def each_page(actor: str, pages: list[str], *, timeout: float = 180) -> Iterator[tuple[str, AppTest]]:
    """The app in AppTest as ``actor``, switched to each of ``pages`` in turn, every run without
    an exception."""
    at = AppTest.from_file("../app.py", default_timeout=timeout)
    at.session_state["actor"] = actor
    at.run()
    assert not at.exception, at.exception
    for page in pages:
        at.switch_page(page).run()
        assert not at.exception, (actor, page, at.exception)
        yield page, at
