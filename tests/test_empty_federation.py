"""A federation on its first day (README «Ngày đầu tiên»): the template's registry with only its
units and users filled. Every page, for every role, says plainly that there is nothing yet:
no empty grid (Streamlit draws an English «empty» in it), no row of empty charts, no download
of an empty list, and no «every unit has …» said of no unit at all."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from sheets import schema as S
from sheets.templates import write_template
from tests.pages import ADMIN, DESK, LEADER, OFFICER, ROLE_PAGES, TRAINER, each_page

UNITS = [("LS", "Liên đoàn Lao động tỉnh Lạng Sơn", "Tỉnh", None),
         ("CL", "LĐLĐ huyện Cao Lộc", "Cấp trên cơ sở", "LS"),
         ("GD", "Công đoàn ngành Giáo dục tỉnh Lạng Sơn", "Cấp trên cơ sở", "LS"),
         ("CL01", "Công đoàn cơ sở Trường Tiểu học Hợp Thành", "Cơ sở", "CL")]
USERS = {"admin@ls.vn": ("Hoàng Văn Quản", "Quản trị", "LS"),
         "lead@ls.vn": ("Nông Thị Lãnh", "Lãnh đạo tỉnh", "LS"),
         "cl@ls.vn": ("Vi Văn Cán", "Cán bộ cấp trên cơ sở", "CL"),
         "td@ls.vn": ("Lý Thị Đua", "Cán bộ thi đua tỉnh", "LS"),
         "dt@ls.vn": ("Hà Văn Tạo", "Điều phối đào tạo", "GD")}
# each user opens the pages of the demo user with the same role
SAME_ROLE = {"admin@ls.vn": ADMIN, "lead@ls.vn": LEADER, "cl@ls.vn": OFFICER, "td@ls.vn": DESK, "dt@ls.vn": TRAINER}
# pages whose every list is empty on the first day (Đơn vị lists the units, Báo cáo the periods due)
NOTHING = {"views/phong_trao.py", "views/khen_thuong.py", "views/dien_hinh.py", "views/chat_luong.py",
           "views/don_doc.py", "views/vinh_danh.py", "views/ho_so.py", "views/xet_duyet.py"}


@pytest.fixture(scope="module")
def first_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("first-day") / "registry.xlsx"
    write_template(path, S.ALL_TABS)
    wb = openpyxl.load_workbook(path)
    for i, row in enumerate(UNITS, start=2):
        for j, v in enumerate(row, start=1):
            wb["DonVi"].cell(i, j, v)
    for i, (email, (name, role, unit)) in enumerate(USERS.items(), start=2):
        for j, v in enumerate((email, name, role, unit), start=1):
            wb["NguoiDung"].cell(i, j, v)
    wb.save(path)
    return path


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "success", "error")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("actor", list(USERS))
def test_every_page_of_the_first_day_says_there_is_nothing_yet(actor: str, first_day: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TDKT_SOURCE", f"xlsx:{first_day}")
    for page, at in each_page(actor, ROLE_PAGES[SAME_ROLE[actor]], timeout=120):
        empty = [d.proto.id or "grid" for d in at.dataframe if not len(d.value)]
        assert not empty, (actor, page, empty)
        downloads = [b.proto.label for b in at.get("download_button")]
        assert page not in NOTHING or not downloads, (actor, page, downloads)
        charts = [json.loads(c.proto.spec) for c in at.get("arrow_vega_lite_chart")]
        placeholders = [c for c in charts if "Không có khen thưởng" in json.dumps(c, ensure_ascii=False)]
        assert not placeholders, (actor, page, len(placeholders))
        text = _texts(at)
        if page == "views/khen_thuong.py":
            assert "Chưa có khen thưởng nào năm" in text, (actor, text)
            assert "0/0 khen thưởng" not in text
        if page == "views/dao_tao.py":
            assert "Không có đơn vị nào có cán bộ làm công tác TĐKT" in text, (actor, text)
            assert "đã được tập huấn trong năm." not in text  # there is nobody to have been trained
        if page == "views/dao_tao.py" and actor == "dt@ls.vn":  # GD has no grassroots union
            assert "Không có công đoàn cơ sở nào đang hoạt động trong phạm vi này." in text
            assert "Mọi công đoàn cơ sở" not in text
