"""Demo data: a seeded, reproducible province shaped like Bắc Kạn in 2020 (SPEC section 6).

``build_demo(store)`` fills any Store, through ``ensure_spreadsheet`` and ``replace_tab`` only,
with the registry (DonVi, ChiTieu, KyBaoCao, NguoiDung and the data of the province and of
its CĐCS trực thuộc) and one spreadsheet per upper-level union holding its own data and its
grassroots unions' data.

The data has realistic gaps (missing plans, late or overdue reviews, untrained officers, late
and missing reports) and a small, deterministic share of realistic mess: headers typed
without diacritics, codes in lower case, dates in several formats, yes/no typed many ways,
enumerations without diacritics, grouped numbers. A handful of genuine problems feed the
data-quality page (see ``_Builder.inject_problems``).

Everything comes from ``random.Random`` streams seeded by strings derived from ``seed``:
the same seed, the same ``today`` and the same ``scale`` give byte-identical grids. Data is
generated for whole years and then cut at ``today``, so a later ``today`` mostly extends it.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sheets import clock
from sheets import schema as S
from sheets.stores.base import Cell, Grid, Store

FIRST_YEAR = 2020
PROVINCE = "BK"
EPOCH = date(1899, 12, 30)  # serial day 0 of Google Sheets / Excel

# (email, name, role, unit)
DEMO_USERS: list[tuple[str, str, str, str]] = [
    ("lanhdao@demo.tdkt.vn", "Hoàng Thị Thanh Huyền", S.ROLE_LEADER, "BK"),
    ("quantri@demo.tdkt.vn", "Nông Văn Quang", S.ROLE_ADMIN, "BK"),
    ("canbo.babe@demo.tdkt.vn", "Triệu Thị Mai", S.ROLE_OFFICER, "BABE"),
    ("canbo.gd@demo.tdkt.vn", "Lý Văn Giang", S.ROLE_OFFICER, "GD"),
    ("daotao@demo.tdkt.vn", "Hà Thị Đào", S.ROLE_TRAINER, "BK"),
    ("daotao.cd@demo.tdkt.vn", "Ma Văn Cường", S.ROLE_TRAINER, "CD"),
    ("thidua@demo.tdkt.vn", "Lường Thị Thu", S.ROLE_DESK, "BK"),
]


@dataclass(frozen=True)
class DemoInfo:
    """What ``build_demo`` made."""

    seed: int
    today: date
    scale: float
    spreadsheets: int  # the registry included
    units: int  # rows of DonVi
    rows: dict[str, int]  # data rows per tab, all spreadsheets together (headers excluded)
    registry: str
    sheet_names: tuple[str, ...]  # registry first
    years: tuple[int, ...]


# --- the province ------------------------------------------------------------------------

# code, short name, kind word, founded, weight (grassroots unions at scale 1), places
_DISTRICTS: list[tuple[str, str, str, date, int, list[str]]] = [
    ("TPBK", "Bắc Kạn", "thành phố", date(1997, 1, 1), 42, [
        "phường Đức Xuân", "phường Nguyễn Thị Minh Khai", "phường Sông Cầu", "phường Phùng Chí Kiên",
        "phường Huyền Tụng", "phường Xuất Hóa", "xã Dương Quang", "xã Nông Thượng"]),
    ("BABE", "Ba Bể", "huyện", date(1997, 1, 1), 36, [
        "thị trấn Chợ Rã", "xã Bành Trạch", "xã Cao Thượng", "xã Hà Hiệu", "xã Hoàng Trĩ", "xã Khang Ninh",
        "xã Mỹ Phương", "xã Nam Mẫu", "xã Phúc Lộc", "xã Quảng Khê", "xã Thượng Giáo", "xã Địa Linh",
        "xã Yến Dương", "xã Chu Hương", "xã Đồng Phúc"]),
    ("BT", "Bạch Thông", "huyện", date(1997, 1, 1), 30, [
        "thị trấn Phủ Thông", "xã Cẩm Giàng", "xã Quân Hà", "xã Nguyên Phúc", "xã Mỹ Thanh", "xã Vũ Muộn",
        "xã Sĩ Bình", "xã Cao Sơn", "xã Lục Bình", "xã Tân Tú", "xã Dương Phong", "xã Quang Thuận",
        "xã Đôn Phong", "xã Vi Hương"]),
    ("CD", "Chợ Đồn", "huyện", date(1997, 1, 1), 38, [
        "thị trấn Bằng Lũng", "xã Bản Thi", "xã Bằng Lãng", "xã Bằng Phúc", "xã Bình Trung", "xã Đại Sảo",
        "xã Đồng Thắng", "xã Lương Bằng", "xã Nam Cường", "xã Nghĩa Tá", "xã Ngọc Phái", "xã Phương Viên",
        "xã Quảng Bạch", "xã Tân Lập", "xã Xuân Lạc", "xã Yên Mỹ", "xã Yên Phong", "xã Yên Thịnh",
        "xã Yên Thượng"]),
    ("CM", "Chợ Mới", "huyện", date(1997, 1, 1), 30, [
        "thị trấn Đồng Tâm", "xã Bình Văn", "xã Cao Kỳ", "xã Hòa Mục", "xã Mai Lạp", "xã Nông Hạ",
        "xã Quảng Chu", "xã Tân Sơn", "xã Thanh Mai", "xã Thanh Thịnh", "xã Yên Cư", "xã Yên Hân",
        "xã Như Cố", "xã Thanh Vận"]),
    ("NR", "Na Rì", "huyện", date(1997, 1, 1), 36, [
        "thị trấn Yến Lạc", "xã Côn Minh", "xã Cư Lễ", "xã Cường Lợi", "xã Dương Sơn", "xã Đổng Xá",
        "xã Kim Hỷ", "xã Kim Lư", "xã Lạng San", "xã Liêm Thủy", "xã Lương Thượng", "xã Quang Phong",
        "xã Sơn Thành", "xã Trần Phú", "xã Văn Lang", "xã Văn Minh", "xã Xuân Dương", "xã Văn Vũ"]),
    ("NS", "Ngân Sơn", "huyện", date(1997, 1, 1), 26, [
        "thị trấn Nà Phặc", "xã Bằng Vân", "xã Cốc Đán", "xã Đức Vân", "xã Hiệp Lực", "xã Thượng Ân",
        "xã Thượng Quan", "xã Thuần Mang", "xã Trung Hòa", "xã Vân Tùng"]),
    ("PN", "Pác Nặm", "huyện", date(2003, 3, 1), 24, [
        "xã Bộc Bố", "xã Bằng Thành", "xã Cao Tân", "xã Cổ Linh", "xã Công Bằng", "xã Giáo Hiệu",
        "xã Nghiên Loan", "xã Nhạn Môn", "xã An Thắng", "xã Xuân La"]),
]
# code, name, Loại hình, founded, weight
_SECTORS: list[tuple[str, str, str, date, int]] = [
    ("GD", "Công đoàn ngành Giáo dục tỉnh Bắc Kạn", "Công đoàn ngành", date(1997, 3, 1), 26),
    ("YT", "Công đoàn ngành Y tế tỉnh Bắc Kạn", "Công đoàn ngành", date(1997, 3, 1), 20),
    ("VC", "Công đoàn Viên chức tỉnh Bắc Kạn", "Khác", date(2008, 6, 1), 24),
]
_DIRECT_WEIGHT = 18  # CĐCS trực thuộc LĐLĐ tỉnh at scale 1

ADMIN = "Cơ quan hành chính"
SERVICE = "Đơn vị sự nghiệp"
STATE = "Doanh nghiệp nhà nước"
PRIVATE = "Doanh nghiệp ngoài nhà nước"
FOREIGN = "Doanh nghiệp có vốn đầu tư nước ngoài"
OTHER = "Khác"

# template, Loại hình, category, members range; {full} = "xã Bành Trạch", {name} = "Bành Trạch"
_PLACE_TEMPLATES: list[tuple[str, str, str, tuple[int, int]]] = [
    ("Công đoàn UBND {full}", ADMIN, "commune", (12, 28)),
    ("Công đoàn Trường Mầm non {name}", SERVICE, "school", (10, 30)),
    ("Công đoàn Trường Tiểu học {name}", SERVICE, "school", (12, 36)),
    ("Công đoàn Trường THCS {name}", SERVICE, "school", (14, 40)),
]
# {d} = "huyện Ba Bể", {dn} = "Ba Bể", {party} = "Huyện ủy"
_DISTRICT_AGENCIES: list[tuple[str, str, str, tuple[int, int]]] = [
    ("Công đoàn Cơ quan {party} {dn}", ADMIN, "admin", (15, 40)),
    ("Công đoàn Cơ quan UBND {d}", ADMIN, "admin", (30, 70)),
    ("Công đoàn Phòng Giáo dục và Đào tạo {d}", ADMIN, "admin", (8, 20)),
    ("Công đoàn Kho bạc Nhà nước {dn}", ADMIN, "admin", (8, 18)),
    ("Công đoàn Bảo hiểm xã hội {d}", ADMIN, "admin", (8, 16)),
    ("Công đoàn Trung tâm Văn hóa, Thể thao và Truyền thông {d}", SERVICE, "admin", (10, 25)),
    ("Công đoàn Hạt Kiểm lâm {d}", ADMIN, "admin", (8, 20)),
    ("Công đoàn Trường Phổ thông Dân tộc nội trú THCS {d}", SERVICE, "school", (20, 45)),
    ("Công đoàn Chi cục Thuế khu vực {dn}", ADMIN, "admin", (10, 25)),
]
_GD_BASE: list[tuple[str, str, str, tuple[int, int]]] = [
    *[(f"Công đoàn Trường THPT {x}", SERVICE, "school", (35, 80)) for x in (
        "Chuyên Bắc Kạn", "Bắc Kạn", "Ba Bể", "Quảng Khê", "Chợ Đồn", "Bình Trung", "Chợ Mới", "Yên Hân",
        "Na Rì", "Nà Phặc", "Ngân Sơn", "Phủ Thông", "Bộc Bố")],
    ("Công đoàn Trường Phổ thông Dân tộc nội trú tỉnh", SERVICE, "school", (45, 70)),
    ("Công đoàn Cơ quan Sở Giáo dục và Đào tạo", ADMIN, "admin", (35, 50)),
    ("Công đoàn Trường Cao đẳng Bắc Kạn", SERVICE, "school", (90, 150)),
    ("Công đoàn Trung tâm Hỗ trợ phát triển giáo dục hòa nhập", SERVICE, "school", (10, 20)),
    *[(f"Công đoàn Trung tâm GDNN - GDTX huyện {x}", SERVICE, "school", (12, 30)) for x in (
        "Ba Bể", "Bạch Thông", "Chợ Đồn", "Chợ Mới", "Na Rì", "Ngân Sơn", "Pác Nặm")],
]
_YT_BASE: list[tuple[str, str, str, tuple[int, int]]] = [
    ("Công đoàn Bệnh viện Đa khoa tỉnh Bắc Kạn", SERVICE, "health", (420, 520)),
    ("Công đoàn Bệnh viện Y dược cổ truyền tỉnh", SERVICE, "health", (80, 110)),
    ("Công đoàn Trung tâm Kiểm soát bệnh tật tỉnh", SERVICE, "health", (80, 110)),
    ("Công đoàn Cơ quan Sở Y tế", ADMIN, "admin", (30, 45)),
    ("Công đoàn Trung tâm Giám định y khoa - Pháp y", SERVICE, "health", (12, 20)),
    ("Công đoàn Chi cục An toàn vệ sinh thực phẩm", ADMIN, "admin", (12, 18)),
    ("Công đoàn Chi cục Dân số - Kế hoạch hóa gia đình", ADMIN, "admin", (12, 18)),
    *[(f"Công đoàn Trung tâm Y tế {k} {x}", SERVICE, "health", (80, 200)) for x, k in (
        ("Bắc Kạn", "thành phố"), ("Ba Bể", "huyện"), ("Bạch Thông", "huyện"), ("Chợ Đồn", "huyện"),
        ("Chợ Mới", "huyện"), ("Na Rì", "huyện"), ("Ngân Sơn", "huyện"), ("Pác Nặm", "huyện"))],
]
_VC_BASE: list[tuple[str, str, str, tuple[int, int]]] = [
    (f"Công đoàn {x}", ADMIN, "admin", (15, 60)) for x in (
        "Văn phòng Tỉnh ủy", "Văn phòng UBND tỉnh", "Văn phòng Đoàn ĐBQH và HĐND tỉnh", "Sở Tài chính",
        "Sở Kế hoạch và Đầu tư", "Sở Nội vụ", "Sở Tư pháp", "Sở Công Thương", "Sở Xây dựng",
        "Sở Giao thông vận tải", "Sở Nông nghiệp và Phát triển nông thôn", "Sở Tài nguyên và Môi trường",
        "Sở Lao động - Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ",
        "Sở Thông tin và Truyền thông", "Thanh tra tỉnh", "Ban Dân tộc tỉnh", "Ban Tổ chức Tỉnh ủy",
        "Ban Tuyên giáo Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy", "Tỉnh đoàn Bắc Kạn", "Hội Nông dân tỉnh",
        "Hội Liên hiệp Phụ nữ tỉnh", "Ủy ban MTTQ Việt Nam tỉnh", "Báo Bắc Kạn",
        "Đài Phát thanh và Truyền hình tỉnh", "Trường Chính trị tỉnh", "Liên minh Hợp tác xã tỉnh",
        "Ban Quản lý dự án đầu tư xây dựng tỉnh")
]
_DIRECT_BASE: list[tuple[str, str, str, tuple[int, int]]] = [
    ("Công đoàn Công ty Điện lực Bắc Kạn", STATE, "company", (230, 270)),
    ("Công đoàn Viễn thông Bắc Kạn", STATE, "company", (110, 130)),
    ("Công đoàn Bưu điện tỉnh Bắc Kạn", STATE, "company", (100, 120)),
    ("Công đoàn Viettel Bắc Kạn", STATE, "company", (140, 170)),
    ("Công đoàn Ngân hàng Nông nghiệp và PTNT Chi nhánh tỉnh Bắc Kạn", STATE, "company", (200, 240)),
    ("Công đoàn Ngân hàng Chính sách xã hội Chi nhánh tỉnh Bắc Kạn", SERVICE, "admin", (100, 120)),
    ("Công đoàn Ngân hàng TMCP Công thương Chi nhánh Bắc Kạn", STATE, "company", (50, 70)),
    ("Công đoàn Cục Thuế tỉnh Bắc Kạn", ADMIN, "admin", (180, 220)),
    ("Công đoàn Kho bạc Nhà nước tỉnh Bắc Kạn", ADMIN, "admin", (100, 130)),
    ("Công đoàn Bảo hiểm xã hội tỉnh Bắc Kạn", ADMIN, "admin", (130, 160)),
    ("Công đoàn Cục Thống kê tỉnh Bắc Kạn", ADMIN, "admin", (40, 60)),
    ("Công đoàn Cục Thi hành án dân sự tỉnh Bắc Kạn", ADMIN, "admin", (70, 90)),
    ("Công đoàn Công ty Cổ phần Khoáng sản Bắc Kạn", PRIVATE, "company", (1150, 1300)),
    ("Công đoàn Công ty TNHH MTV Lâm nghiệp Bắc Kạn", STATE, "company", (70, 95)),
    ("Công đoàn Công ty Cổ phần Cấp thoát nước Bắc Kạn", PRIVATE, "company", (85, 105)),
    ("Công đoàn Công ty Cổ phần Xây dựng Giao thông Bắc Kạn", PRIVATE, "company", (60, 80)),
    ("Công đoàn Công ty TNHH Dệt may Sunrise Bắc Kạn", FOREIGN, "company", (1000, 1150)),
    ("Công đoàn Công ty Xăng dầu Bắc Kạn", STATE, "company", (80, 100)),
    ("Công đoàn Quỹ Đầu tư phát triển tỉnh Bắc Kạn", SERVICE, "admin", (15, 25)),
]
_INDUSTRIES = (
    "Xây dựng", "Thương mại và Dịch vụ", "Khai thác khoáng sản", "Chế biến lâm sản", "Vận tải",
    "May mặc", "Nông lâm sản", "Du lịch sinh thái", "Vật liệu xây dựng", "Chế biến gỗ", "Nước sạch",
    "Dược liệu", "Chè Shan tuyết", "Đầu tư và Phát triển", "Tư vấn xây dựng",
)
_BRANDS = (
    "Hoàng Gia", "Tuấn Phát", "Phúc Lộc", "Hưng Thịnh", "Minh Anh", "Thành Đạt", "Đại Phát", "Hà Linh",
    "Kim Sơn", "Trường Sơn", "Bảo Ngọc", "Việt Bắc", "Đông Bắc", "An Khang", "Thiên Phú", "Hồng Hà",
    "Sông Cầu", "Nam Cường", "Tân Phong", "Quang Minh", "Lâm Phát", "Hải Đăng", "Phương Nam",
    "Tiến Thành", "Hoàng Long", "Thái Sơn", "Mạnh Hùng", "Hà Anh", "Bình Minh", "Quốc Việt",
)
_FOREIGN_BRANDS = ("Hanshin Wood", "Daewon Vina", "Fuji Agri", "Kaiyuan", "Sejin Garment")
_HTX_PRODUCTS = ("Nông nghiệp", "Dịch vụ nông nghiệp", "Miến dong", "Chè", "Dệt thổ cẩm", "Lâm nghiệp")
_OTHER_DISTRICTS = (
    "Đại Từ", "Định Hóa", "Phú Lương", "Võ Nhai", "Đồng Hỷ", "Phú Bình", "Bảo Lạc", "Bảo Lâm",
    "Hà Quảng", "Hạ Lang", "Hòa An", "Nguyên Bình", "Quảng Hòa", "Thạch An", "Trùng Khánh", "Bắc Sơn",
    "Bình Gia", "Cao Lộc", "Chi Lăng", "Đình Lập", "Hữu Lũng", "Lộc Bình", "Tràng Định", "Văn Lãng",
    "Văn Quan", "Chiêm Hóa", "Hàm Yên", "Lâm Bình", "Na Hang", "Sơn Dương", "Yên Sơn", "Bắc Mê",
    "Bắc Quang", "Đồng Văn", "Hoàng Su Phì", "Mèo Vạc", "Quản Bạ", "Quang Bình", "Vị Xuyên", "Xín Mần",
    "Yên Minh", "Lục Yên", "Văn Chấn", "Trạm Tấu", "Mù Cang Chải",
)
_OTHER_SECTORS = (
    "Công Thương", "Nông nghiệp và Phát triển nông thôn", "Giao thông vận tải", "Xây dựng", "Tài chính",
    "Ngân hàng", "Bưu điện", "Điện lực", "Văn hóa - Thể thao - Du lịch", "Tài nguyên và Môi trường",
)
_SYLLABLES = (
    "Tân", "Phú", "Yên", "Quang", "Hòa", "Bình", "Minh", "Thượng", "Hạ", "Lương", "Xuân", "Kim", "Văn",
    "Đồng", "Thanh", "Cao", "Nghĩa", "Trung", "Đức", "An", "Lạc", "Sơn", "Phong", "Thịnh", "Lâm", "Hà",
)

# --- people ----------------------------------------------------------------------------------

_SURNAMES = (
    ("Nông", 10), ("Hoàng", 12), ("Hà", 6), ("Lý", 6), ("Triệu", 5), ("Ma", 4), ("Lương", 4), ("Đàm", 3),
    ("Bàn", 2), ("Dương", 4), ("Nguyễn", 12), ("Trần", 4), ("Lê", 3), ("Phạm", 2), ("Vũ", 2), ("Đỗ", 2),
    ("Lục", 3), ("La", 2), ("Mông", 2), ("Lộc", 2), ("Hứa", 2), ("Chu", 2), ("Đinh", 2), ("Bế", 3),
)
_MIDDLE = {
    "Nam": ("Văn", "Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Xuân", "Thanh", "Hữu", "Mạnh"),
    "Nữ": ("Thị", "Thị", "Thị", "Thị", "Thu", "Thanh", "Hồng", "Ngọc", "Minh", "Kim"),
}
_GIVEN = {
    "Nam": ("Anh", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hải", "Hùng", "Huy", "Khánh", "Kiên", "Lâm",
            "Long", "Minh", "Nam", "Nghĩa", "Phong", "Quân", "Sơn", "Thắng", "Thành", "Toàn", "Trung",
            "Tuấn", "Việt", "Vinh", "Hoàn", "Chiến", "Tiến", "Hưng"),
    "Nữ": ("Anh", "Chi", "Dung", "Duyên", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Huệ", "Hương", "Lan",
           "Liên", "Linh", "Loan", "Mai", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Thảo", "Thu", "Thủy",
           "Trang", "Vân", "Yến", "Xuân", "Huyền", "Lụa"),
}
_SURNAME_NAMES = [s for s, _ in _SURNAMES]
_SURNAME_CUM: list[float] = []
for _s, _w in _SURNAMES:
    _SURNAME_CUM.append((_SURNAME_CUM[-1] if _SURNAME_CUM else 0) + _w)

# positions by category: (manager, staff, worker)
_POSITIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "school": (("Hiệu trưởng", "Phó Hiệu trưởng", "Chủ tịch Công đoàn", "Tổ trưởng chuyên môn"),
               ("Giáo viên", "Giáo viên", "Giáo viên", "Nhân viên kế toán", "Nhân viên thư viện"),
               ("Nhân viên bảo vệ", "Nhân viên cấp dưỡng")),
    "health": (("Giám đốc", "Phó Giám đốc", "Trưởng khoa", "Trưởng trạm", "Điều dưỡng trưởng"),
               ("Bác sĩ", "Điều dưỡng", "Y sĩ", "Dược sĩ", "Kỹ thuật viên", "Hộ sinh"),
               ("Hộ lý", "Lái xe cứu thương", "Nhân viên bảo vệ")),
    "commune": (("Chủ tịch UBND", "Phó Chủ tịch UBND", "Chủ tịch Công đoàn"),
                ("Công chức Văn phòng - Thống kê", "Công chức Địa chính - Xây dựng", "Công chức Tư pháp - Hộ tịch",
                 "Công chức Văn hóa - Xã hội", "Kế toán"),
                ("Nhân viên bảo vệ", "Nhân viên tạp vụ")),
    "admin": (("Giám đốc", "Phó Giám đốc", "Trưởng phòng", "Phó Trưởng phòng", "Chánh Văn phòng"),
              ("Chuyên viên", "Chuyên viên", "Chuyên viên chính", "Kế toán", "Văn thư"),
              ("Lái xe", "Nhân viên phục vụ", "Nhân viên bảo vệ")),
    "company": (("Giám đốc", "Phó Giám đốc", "Quản đốc", "Trưởng phòng Kỹ thuật", "Tổ trưởng sản xuất"),
                ("Nhân viên văn phòng", "Kế toán", "Kỹ sư"),
                ("Công nhân", "Công nhân", "Công nhân vận hành", "Công nhân khai thác", "Lái xe",
                 "Công nhân may", "Thợ cơ khí")),
    "upper": (("Chủ tịch", "Phó Chủ tịch", "Trưởng ban"),
              ("Chuyên viên", "Cán bộ chuyên trách", "Kế toán"),
              ("Lái xe", "Nhân viên phục vụ")),
}

# --- movements, awards, courses, exemplars ----------------------------------------------------

MOVEMENT_NAMES = (
    "Lao động giỏi, lao động sáng tạo",
    "Xanh - Sạch - Đẹp, Bảo đảm an toàn vệ sinh lao động",
    "Giỏi việc nước, đảm việc nhà",
    "Tham mưu giỏi, phục vụ tốt",
    "Đổi mới, sáng tạo, hiệu quả trong hoạt động công đoàn",
)
_CNV, _HD, _CB = S.AUDIENCES  # CNVCLĐ, Hoạt động công đoàn, Cán bộ công đoàn
# name index, audience, launch date, end year (None = yearly, relaunched each year), mid due, final due
_PROVINCE_MOVEMENTS: list[tuple[int, str, date, int | None, date | None, date | None]] = [
    (0, _CNV, date(2020, 5, 12), 2023, date(2021, 12, 15), date(2023, 10, 31)),
    (2, _CNV, date(2020, 10, 16), 2025, date(2022, 12, 15), date(2025, 10, 20)),
    (3, _CB, date(2021, 2, 25), 2023, None, date(2023, 9, 30)),
    (0, _CNV, date(2024, 3, 15), 2028, date(2026, 6, 30), date(2028, 10, 31)),
    (3, _CB, date(2024, 2, 20), 2028, date(2026, 6, 30), date(2028, 9, 30)),
    (2, _CNV, date(2026, 3, 6), 2030, date(2028, 6, 30), date(2030, 10, 20)),
]
_YEARLY_PROVINCE = [(1, _CNV, (4, 20)), (4, _HD, (2, 10))]  # launched every year
_UPPER_MOVEMENTS = {
    "district": ("Thi đua lao động giỏi, lao động sáng tạo năm {y}", "Chung sức xây dựng nông thôn mới năm {y}",
                 "Xanh - Sạch - Đẹp, Bảo đảm an toàn vệ sinh lao động năm {y}",
                 "Giỏi việc nước, đảm việc nhà năm {y}"),
    "GD": ("Dạy tốt - học tốt năm học {y}-{y1}", "Đổi mới, sáng tạo trong dạy và học năm {y}"),
    "YT": ("Cán bộ y tế làm theo lời Bác: Lương y như từ mẫu năm {y}", "Xanh - Sạch - Đẹp cơ sở y tế năm {y}"),
    "other": ("Thi đua thực hiện văn hóa công sở năm {y}", "Tham mưu giỏi, phục vụ tốt năm {y}"),
}
_COURSE_NAMES = (
    "Tập huấn nghiệp vụ công tác thi đua, khen thưởng năm {y}",
    "Bồi dưỡng kỹ năng phát hiện, bồi dưỡng và nhân rộng điển hình tiên tiến năm {y}",
    "Tập huấn hướng dẫn xây dựng kế hoạch và tổ chức phong trào thi đua năm {y}",
    "Tập huấn Luật Thi đua, khen thưởng năm 2022 và văn bản hướng dẫn",
    "Tập huấn ứng dụng công nghệ thông tin trong theo dõi thi đua, khen thưởng năm {y}",
)
_EXEMPLAR_MODELS = (
    "Mô hình «Bữa cơm công đoàn»", "Mô hình «Mái ấm công đoàn»", "Mô hình «Tết sum vầy»",
    "Mô hình «Phiên chợ nghĩa tình»", "Cách làm hay «Tổ đoàn viên liên kết trồng rừng»",
    "Mô hình «Số hóa hồ sơ đoàn viên»", "Mô hình «Công đoàn đồng hành cùng doanh nghiệp»",
    "Cách làm hay «Quỹ tương trợ đoàn viên»", "Mô hình «Tổ tự quản an toàn vệ sinh lao động»",
    "Mô hình «Nhà văn hóa công nhân»",
)
_TEAMS = ("Tổ Công đoàn Văn phòng", "Tổ Công đoàn Chuyên môn", "Tổ Công đoàn Sản xuất", "Tổ Công đoàn Hành chính",
          "Tổ Công đoàn Kỹ thuật", "Tổ Công đoàn số 1", "Tổ Công đoàn số 2", "Tổ Công đoàn số 3")
_CHANNEL_SETS = (
    "Website LĐLĐ tỉnh, Facebook", "Website LĐLĐ tỉnh", "Báo Bắc Kạn, Website LĐLĐ tỉnh", "Đài PT-TH",
    "Facebook, Zalo", "Website LĐLĐ tỉnh, Đài PT-TH, Facebook", "Zalo", "Báo Bắc Kạn", "Khác",
)

# Headers typed with realistic variations, per (owner of the spreadsheet, tab).
_ASCII = "ascii"
_HEADER_STYLES: dict[tuple[str, str], str | dict[str, str]] = {
    ("BABE", "KeHoach"): _ASCII,
    ("NS", "KeHoach"): {"Mã đơn vị": "Ma don vi", "Có kế hoạch": "Co ke hoach"},
    ("PN", "KhenThuong"): {"Ngày quyết định": "Ngay quyet dinh", "Đối tượng": "Doi tuong",
                           "Nhóm đối tượng": "Nhom doi tuong", "Giới tính": "Gioi tinh"},
    ("NR", "CanBo"): {"Mã cán bộ": "MÃ CÁN BỘ", "Họ tên": "HỌ TÊN", "Mã đơn vị": "Mã  đơn vị",
                      "Điện thoại": "Điện thoại "},
    ("CD", "DiemDanh"): {"Mã khóa": "Ma khoa", "Mã cán bộ": "Ma can bo", "Có mặt": "Co mat"},
    ("TPBK", "BaoCao"): {"Ngày gửi": "ngày gửi", "Số, ký hiệu văn bản": "Số,  ký hiệu văn bản"},
}
_TAB_NAMES: dict[tuple[str, str], str] = {("PN", "KhenThuong"): "khenthuong", ("BT", "DiemDanh"): "DIEMDANH"}
_TEXT_DATE_SHEETS = ("NR", "PN", "BT")  # date columns formatted as plain text: "15/01/2023"


def strip_marks(text: str) -> str:
    """Drop Vietnamese diacritics, keeping case (``Cá nhân`` -> ``Ca nhan``)."""
    t = text.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", t) if not unicodedata.combining(ch))


def _rng(seed: int, *parts: object) -> random.Random:
    """An independent, reproducible stream (string seeds hash with SHA-512, not ``hash()``)."""
    return random.Random("|".join([str(seed), *map(str, parts)]))


def _dmy(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _rand_date(rng: random.Random, start: date, end: date) -> date:
    span = (end - start).days
    return start if span <= 0 else start + timedelta(days=rng.randint(0, span))


class _Mess:
    """Realistic, rare variations of clean values; one stream per tab."""

    YES: tuple[Cell, ...] = ("x", "X", "co", "có", "1", True, "Đã", "C", "Yes")
    NO: tuple[Cell, ...] = ("Chưa", "khong", "0", False, "K", "không")

    def __init__(self, rng: random.Random, rate: float = 0.025) -> None:
        self.rng = rng
        self.rate = rate

    def hit(self, factor: float = 1.0) -> bool:
        return self.rng.random() < self.rate * factor

    def date(self, d: date | None, text: bool = False) -> Cell:
        if d is None:
            return None
        if not self.hit():
            return _dmy(d) if text else d
        k = self.rng.randrange(6)
        if k == 0:
            return f"{d.day}/{d.month}/{d.year}"
        if k == 1:
            return d.isoformat()
        if k == 2:
            return f"{d.day:02d}.{d.month:02d}.{d.year}"
        if k == 3:
            return f"{d.day:02d}-{d.month:02d}-{d.year}"
        if k == 4:
            return (d - EPOCH).days
        return datetime(d.year, d.month, d.day)

    def yes(self, flag: bool, *, blank_no: bool = False) -> Cell:
        if not self.hit(1.5):
            return "Có" if flag else (None if blank_no else "Không")
        return self.rng.choice(self.YES if flag else self.NO)

    def code(self, code: str) -> str:
        if not self.hit(0.8):
            return code
        return code.lower() if self.rng.random() < 0.8 else f" {code} "

    def enum(self, value: str | None) -> str | None:
        if value is None or not self.hit():
            return value
        return strip_marks(value) if self.rng.random() < 0.7 else value.lower()

    def number(self, n: int) -> Cell:
        """Members: grouped text ("1.234") is how people type thousands; small ones sometimes as text."""
        if n >= 1000 and self.rng.random() < 0.6:
            return f"{n // 1000}.{n % 1000:03d}"
        if self.hit(0.5):
            return str(n) if self.rng.random() < 0.5 else float(n)
        return n


@dataclass(slots=True)
class _Unit:
    code: str
    name: str
    level: str
    parent: str | None
    kind: str | None
    cat: str  # province, upper, commune, school, health, admin, company
    members: int
    founded: date | None
    gone: date | None  # dissolution date (kept even when the sheet leaves it blank)
    blank_gone: bool  # `Đã giải thể` typed with no date
    own_sheet: str | None
    home: str  # the spreadsheet its rows go to
    owner: str  # the unit owning that spreadsheet (the province for the registry)
    sector: str  # for upper units: district / GD / YT / other

    def exists_in(self, year: int) -> bool:
        return (self.founded is None or self.founded.year <= year) and (self.gone is None or self.gone.year >= year)

    def alive(self, d: date) -> bool:
        return (self.founded is None or self.founded <= d) and (self.gone is None or self.gone > d)


@dataclass(slots=True)
class _Officer:
    code: str
    name: str
    unit: _Unit
    assigned: date | None
    left: date | None

    def active(self, d: date) -> bool:
        return (self.assigned is None or self.assigned <= d) and (self.left is None or self.left > d)


@dataclass(slots=True)
class _Movement:
    code: str
    unit: str
    start_year: int
    end_year: int


class _Builder:
    def __init__(self, store: Store, seed: int, today: date, scale: float) -> None:
        self.store = store
        self.seed = seed
        self.today = today
        self.scale = scale
        self.years = list(range(FIRST_YEAR, today.year + 1))
        self.registry = store.registry
        self.units: list[_Unit] = []
        self.by_code: dict[str, _Unit] = {}
        self.uppers: list[_Unit] = []
        self.children: dict[str, list[_Unit]] = {}
        self.officers: list[_Officer] = []
        self.officers_of: dict[str, list[_Officer]] = {}
        self.movements: dict[str, list[_Movement]] = {}  # by launching unit
        self.sheet_order: list[str] = [self.registry]
        self.owner_of_sheet: dict[str, str] = {self.registry: PROVINCE}
        self.rows: dict[str, dict[str, Grid]] = {}

    # --- helpers --------------------------------------------------------------------------
    def out(self, sheet: str, tab: str) -> Grid:
        tabs = self.rows.setdefault(sheet, {})
        got = tabs.get(tab)
        if got is None:
            got = tabs[tab] = []
        return got

    def text_dates(self, sheet: str) -> bool:
        return self.owner_of_sheet.get(sheet) in _TEXT_DATE_SHEETS

    def person(self, rng: random.Random, gender: str | None = None) -> tuple[str, str]:
        g = gender or ("Nữ" if rng.random() < 0.52 else "Nam")
        surname = rng.choices(_SURNAME_NAMES, cum_weights=_SURNAME_CUM)[0]
        return f"{surname} {rng.choice(_MIDDLE[g])} {rng.choice(_GIVEN[g])}", g

    # --- units ----------------------------------------------------------------------------
    def build_units(self) -> None:
        rng = _rng(self.seed, "units")
        scale = self.scale
        province = _Unit(PROVINCE, "Liên đoàn Lao động tỉnh Bắc Kạn", S.LEVEL_PROVINCE, None, None, "province",
                         0, date(1997, 1, 1), None, False, None, self.registry, PROVINCE, "province")
        self.add_unit(province)
        # upper-level units: the eleven of Bắc Kạn, plus more for larger provinces
        plan: list[tuple[_Unit, int, Callable[[random.Random, int], list[_Grass]]]] = []
        for code, short, word, founded, weight, places in _DISTRICTS:
            name = f"Liên đoàn Lao động {word} {short}"
            u = self.upper(code, name, S.UPPER_KINDS[0], founded, "district")
            d = f"{word} {short}"
            party = "Thành ủy" if word == "thành phố" else "Huyện ủy"
            plan.append((u, weight, _district_pool(places, d, short, party)))
        for code, name, kind, founded, weight in _SECTORS:
            u = self.upper(code, name, kind, founded, code if code in ("GD", "YT") else "other")
            base = {"GD": _GD_BASE, "YT": _YT_BASE, "VC": _VC_BASE}[code]
            plan.append((u, weight, _sector_pool(base, code)))
        n_upper = 11 if scale <= 1 else round(11 * scale)
        width = max(3, len(str(n_upper)))
        for i in range(12, n_upper + 1):
            r = rng.random()
            if r < 0.72:
                base_name = _OTHER_DISTRICTS[(i - 12) % len(_OTHER_DISTRICTS)]
                rnd = (i - 12) // len(_OTHER_DISTRICTS)
                short = base_name if rnd == 0 else f"{base_name} {rnd + 1}"
                u = self.upper(f"H{i:0{width}d}", f"Liên đoàn Lao động huyện {short}", S.UPPER_KINDS[0],
                               _rand_date(rng, date(1997, 1, 1), date(2010, 12, 31)), "district")
                places = _synthetic_places(_rng(self.seed, "places", i), rng.randint(9, 18))
                plan.append((u, rng.randint(24, 40), _district_pool(places, f"huyện {short}", short, "Huyện ủy")))
            elif r < 0.92:
                sec = _OTHER_SECTORS[(i - 12) % len(_OTHER_SECTORS)]
                rnd = (i - 12) // len(_OTHER_SECTORS)
                name = f"Công đoàn ngành {sec}" + ("" if rnd == 0 else f" khu vực {rnd + 1}")
                u = self.upper(f"N{i:0{width}d}", name, S.UPPER_KINDS[1],
                               _rand_date(rng, date(1997, 1, 1), date(2012, 12, 31)), "other")
                plan.append((u, rng.randint(15, 30), _company_pool()))
            else:
                u = self.upper(f"K{i:0{width}d}", f"Công đoàn các Khu công nghiệp số {i - 11}", S.UPPER_KINDS[2],
                               _rand_date(rng, date(2005, 1, 1), date(2015, 12, 31)), "other")
                plan.append((u, rng.randint(15, 30), _company_pool()))
        # how many grassroots unions each parent gets
        total = max(12, round(350 * scale))
        weights = [_DIRECT_WEIGHT] + [w for _, w, _ in plan]
        wsum = sum(weights)
        counts = [max(2, round(total * w / wsum)) for w in weights]
        gwidth = max(3, len(str(max(counts))))
        parents: list[tuple[_Unit, int, Callable[[random.Random, int], list[_Grass]]]] = [
            (province, counts[0], _sector_pool(_DIRECT_BASE, "BK")),
            *[(u, c, pool) for (u, _, pool), c in zip(plan, counts[1:], strict=True)],
        ]
        for parent, n, pool in parents:
            prng = _rng(self.seed, "grassroots", parent.code)
            picked = pool(prng, n)
            for k, g in enumerate(picked, start=1):
                self.grassroots(prng, parent, f"{parent.code}{k:0{gwidth}d}", g)
        # upper-level members: the sum of their unions (typed as a total)
        for u in self.uppers:
            u.members = sum(c.members for c in self.children.get(u.code, []))
        province.members = sum(u.members for u in self.units if u.level == S.LEVEL_GRASSROOTS)
        # a couple of dissolved units keep `Đã giải thể` without a date
        gone = [u for u in self.units if u.gone is not None and u.level == S.LEVEL_GRASSROOTS]
        k = min(len(gone), max(1, round(2 * scale)))
        for i in range(k):
            gone[i * (len(gone) // k)].blank_gone = True
        assert len(self.by_code) == len(self.units), "unit codes must be unique"

    def add_unit(self, u: _Unit) -> None:
        self.units.append(u)
        self.by_code[u.code] = u
        if u.parent is not None:
            self.children.setdefault(u.parent, []).append(u)

    def upper(self, code: str, name: str, kind: str, founded: date, sector: str) -> _Unit:
        sheet = self.store.sheet_name_for(code)
        u = _Unit(code, name, S.LEVEL_UPPER, PROVINCE, kind, "upper", 0, founded, None, False, sheet, sheet, code,
                  sector)
        self.add_unit(u)
        self.uppers.append(u)
        self.sheet_order.append(sheet)
        self.owner_of_sheet[sheet] = code
        return u

    def grassroots(self, rng: random.Random, parent: _Unit, code: str, g: _Grass) -> None:
        name, kind, cat, (lo, hi) = g
        r = rng.random()
        founded: date | None
        if r < 0.07:  # founded after 2020
            founded = _rand_date(rng, date(2020, 3, 1), date(2025, 11, 30))
            if founded > self.today:
                return
        elif r < 0.25:
            founded = None  # never typed
        else:
            founded = _rand_date(rng, date(1997, 6, 1), date(2019, 12, 31))
        p_gone = {"company": 0.09, "commune": 0.04, "school": 0.025}.get(cat, 0.006)
        gone: date | None = None
        if rng.random() < p_gone:
            gone = _rand_date(rng, max(date(2020, 2, 1), (founded or date(2020, 2, 1)) + timedelta(days=200)),
                              date(2025, 12, 31))
            if gone > self.today:
                gone = None
        members = rng.randint(lo, hi)
        home = parent.home
        u = _Unit(code, name, S.LEVEL_GRASSROOTS, parent.code, kind, cat, members, founded, gone, False, None,
                  home, parent.owner, parent.sector)
        self.add_unit(u)

    # --- registry tabs ----------------------------------------------------------------------
    def don_vi(self) -> None:
        rng = _rng(self.seed, "donvi")
        mess = _Mess(_rng(self.seed, "mess", "DonVi"))
        out = self.out(self.registry, "DonVi")
        for u in self.units:
            status: str | None
            if u.gone is not None:
                status = S.STATUS_DISSOLVED if (u.blank_gone or rng.random() < 0.85) else None
            else:
                status = S.STATUS_ACTIVE if rng.random() < 0.3 else None
            gone_cell = None if (u.gone is None or u.blank_gone) else mess.date(u.gone)
            members: Cell = None if u.level == S.LEVEL_PROVINCE else mess.number(u.members)
            out.append([
                mess.code(u.code) if u.level == S.LEVEL_GRASSROOTS else u.code,
                u.name,
                u.level,
                None if u.parent is None else mess.code(u.parent),
                mess.enum(u.kind),
                members,
                mess.date(u.founded),
                mess.enum(status),
                gone_cell,
                u.own_sheet,
                None,  # Email, Điện thoại: filled by sheets.demo_reminders
                None,
                None, None, None, None,
            ])

    def chi_tieu(self) -> None:
        out = self.out(self.registry, "ChiTieu")
        rows: list[list[Cell]] = [
            [2021, "T4", 80, "Năm 2021 tập huấn chủ yếu trực tuyến do dịch COVID-19"],
            [2024, "T3", "20%", "Nâng tỉ lệ khen thưởng công nhân, lao động trực tiếp theo chỉ đạo của Tổng Liên đoàn"],
            [2025, "T1B", "0,9", "Theo Nghị quyết Đại hội Công đoàn tỉnh nhiệm kỳ 2023 - 2028"],
            [2026, "O3", "95 %", "Giao chỉ tiêu báo cáo cơ sở"],
        ]
        for r in rows:
            if int(str(r[0])) <= self.today.year + 1:
                out.append(r + [None, None, None, None])

    def ky_bao_cao(self) -> None:
        out = self.out(self.registry, "KyBaoCao")
        for year, period, deadline in self.deadline_overrides():
            if year <= self.today.year:
                out.append([year, period, _dmy(deadline), None, None, None, None])

    @staticmethod
    def deadline_overrides() -> list[tuple[int, str, date]]:
        return [
            (2021, S.PERIOD_HALF, date(2021, 6, 10)),
            (2023, S.PERIOD_YEAR, date(2023, 12, 8)),
            (2024, S.PERIOD_HALF, date(2024, 6, 20)),
        ]

    def deadline(self, year: int, period: str) -> date:
        for y, p, d in self.deadline_overrides():
            if y == year and p == period:
                return d
        m, d0 = S.DEFAULT_DEADLINES[period]
        return date(year, m, d0)

    def nguoi_dung(self) -> None:
        out = self.out(self.registry, "NguoiDung")
        for email, name, role, unit in DEMO_USERS:
            out.append([email, name, role, unit, None, None, None, None])

    # --- KeHoach ----------------------------------------------------------------------------
    def ke_hoach(self) -> None:
        mess = _Mess(_rng(self.seed, "mess", "KeHoach"))
        recent = {self.today.year, self.today.year - 1}
        for year in self.years:
            rng = _rng(self.seed, "kehoach", year)
            counters: dict[str, int] = {}
            for u in self.units:
                if not u.exists_in(year):
                    continue
                extra_gap = 0.03 if year in recent else 0.0
                r = rng.random()
                if u.level == S.LEVEL_PROVINCE:
                    outcome = "full"
                elif u.level == S.LEVEL_UPPER:
                    outcome = "missing" if r < 0.02 + extra_gap else ("not_launched" if r < 0.06 + extra_gap else "full")
                else:
                    p_missing = 0.05 + extra_gap
                    p_no = p_missing + 0.03 + extra_gap / 2
                    p_nl = p_no + 0.05
                    outcome = ("missing" if r < p_missing else "no_plan" if r < p_no
                               else "not_launched" if r < p_nl else "full")
                if u.founded is not None and u.founded.year == year and u.founded.month >= 7:
                    outcome = "new"
                if outcome == "missing":
                    continue
                if year == FIRST_YEAR:
                    lo, hi = ((date(2020, 4, 20), date(2020, 5, 31)) if u.level == S.LEVEL_UPPER
                              else (date(2020, 5, 1), date(2020, 7, 31)))
                else:
                    lo, hi = ((date(year, 1, 5), date(year, 3, 15)) if u.level != S.LEVEL_GRASSROOTS
                              else (date(year, 1, 10), date(year, 4, 15)))
                issued = _rand_date(rng, lo, hi)
                if u.founded is not None and issued < u.founded:
                    issued = min(hi, u.founded + timedelta(days=rng.randint(10, 60)))
                doc: str | None
                note: str | None = None
                if u.level == S.LEVEL_PROVINCE:
                    if year == FIRST_YEAR:
                        issued, doc = date(2020, 4, 9), "48/KH-LĐLĐ"
                        note = "Thực hiện Nghị quyết 07/NQ-TLĐ ngày 15/01/2020 của Đoàn Chủ tịch Tổng Liên đoàn"
                    else:
                        doc = f"{rng.randint(3, 30):02d}/KH-LĐLĐ"
                elif u.level == S.LEVEL_UPPER:
                    suffix = "LĐLĐ" if u.sector == "district" else ("CĐN" if u.sector in ("GD", "YT") else "CĐVC")
                    doc = f"{rng.randint(1, 40):02d}/KH-{suffix}"
                else:
                    doc = f"{rng.randint(1, 25):02d}/KH-CĐCS" if rng.random() < 0.8 else None
                if issued > self.today:
                    continue  # not issued yet this year
                has = outcome in ("full", "not_launched")
                launched = outcome == "full"
                if outcome == "no_plan":
                    note = rng.choice(("Chưa xây dựng kế hoạch", "Chưa ban hành", None))
                elif outcome == "new":
                    note = "Đơn vị mới thành lập"
                elif outcome == "not_launched":
                    note = rng.choice(("Chưa tổ chức phát động", None, None))
                sheet = u.home
                counters[sheet] = counters.get(sheet, 0) + 1
                self.out(sheet, "KeHoach").append([
                    year if rng.random() > 0.02 else str(year),
                    mess.code(u.code),
                    mess.yes(has),
                    doc if has else None,
                    mess.date(issued, self.text_dates(sheet)) if has else None,
                    mess.yes(launched, blank_no=rng.random() < 0.5),
                    note,
                    None, None, None, None,
                ])

    # --- PhongTrao --------------------------------------------------------------------------
    def review(self, rng: random.Random, due: date | None, p_ok: float, p_late: float) -> date | None:
        """When a review due on ``due`` was held: on time, late, or not (yet) at all."""
        if due is None or due > self.today + timedelta(days=20):
            return None
        r = rng.random()
        if r < p_ok:
            held = due - timedelta(days=rng.randint(0, 20))
        elif r < p_ok + p_late:
            held = due + timedelta(days=rng.randint(3, 45))
        else:
            return None
        return held if held <= self.today else None

    def phong_trao(self) -> None:
        mess = _Mess(_rng(self.seed, "mess", "PhongTrao"))
        rng = _rng(self.seed, "phongtrao")
        rows: list[tuple[_Unit, list[Cell]]] = []

        def add(u: _Unit, code: str, name: str, audience: str, launched: date, end_year: int | None,
                mid_due: date | None, final_due: date | None, *, stopped: bool = False,
                p_ok: float = 0.86, p_late: float = 0.09, explicit_final: bool = True) -> None:
            if launched > self.today:
                return
            end = end_year if end_year is not None else launched.year
            due_final = final_due or date(end, 12, 31)
            mid_held = None if stopped else self.review(rng, mid_due, p_ok, p_late)
            final_held = None if stopped else self.review(rng, due_final, p_ok, p_late)
            if stopped:
                status: str | None = S.MOVEMENT_STOPPED
            elif final_held is not None:
                status = S.MOVEMENT_ENDED if rng.random() < 0.8 else None
            else:
                status = S.MOVEMENT_RUNNING if rng.random() < 0.5 else None
            text = self.text_dates(u.home)
            rows.append((u, [
                code, name, mess.code(u.code), mess.enum(audience), mess.date(launched, text),
                end_year, mess.date(mid_due, text), mess.date(mid_held, text),
                mess.date(final_due, text) if explicit_final else None, mess.date(final_held, text),
                mess.enum(status), None, None, None, None,
            ]))
            self.movements.setdefault(u.code, []).append(_Movement(code, u.code, launched.year, end))

        bk = self.by_code[PROVINCE]
        seq: dict[tuple[int, str], int] = {}

        def next_code(year: int, unit: str) -> str:
            seq[(year, unit)] = seq.get((year, unit), 0) + 1
            return f"PT{year}-{unit}-{seq[(year, unit)]:02d}"

        # the province: period movements and two yearly ones, in launch order
        specs: list[tuple[date, int, str, str, int | None, date | None, date | None]] = []
        for idx, audience, launched, end_year, mid_due, final_due in _PROVINCE_MOVEMENTS:
            name = f"{MOVEMENT_NAMES[idx]} giai đoạn {launched.year} - {end_year}"
            specs.append((launched, len(specs), name, audience, end_year, mid_due, final_due))
        for year in self.years:
            for idx, audience, (m, d) in _YEARLY_PROVINCE:
                mid = date(year, 7, 15) if idx == 4 else None
                specs.append((date(year, m, d), len(specs), f"{MOVEMENT_NAMES[idx]} năm {year}", audience, None, mid,
                              date(year, 12, 20)))
        specs.sort(key=lambda s: (s[0], s[1]))
        for launched, _, name, audience, end_year, mid_due, final_due in specs:
            add(bk, next_code(launched.year, PROVINCE), name, audience, launched, end_year, mid_due, final_due,
                p_ok=0.72, p_late=0.28)
        # upper-level units: one or two movements a year
        stopped_done = False
        for year in self.years:
            for u in self.uppers:
                if not u.exists_in(year):
                    continue
                names = _UPPER_MOVEMENTS.get(u.sector, _UPPER_MOVEMENTS["other"])
                k = 1 if rng.random() < 0.55 else 2
                picks = rng.sample(range(len(names)), min(k, len(names)))
                if year == 2023 and rng.random() < 0.5:
                    names = names + (f"Thi đua lập thành tích chào mừng Đại hội {u.name} nhiệm kỳ 2023 - 2028",)
                    picks.append(len(names) - 1)
                for p in picks:
                    launched = _rand_date(rng, date(year, 1, 15), date(year, 4, 30))
                    mid = date(year, 6, 30) if rng.random() < 0.4 else None
                    explicit = rng.random() < 0.7
                    final = date(year, 12, 15) if explicit else None
                    stopped = (not stopped_done and u.code == "NR" and year == 2021)
                    stopped_done = stopped_done or stopped
                    name = names[p].format(y=year, y1=year + 1)
                    add(u, next_code(year, u.code), name, _CNV if p != 1 or u.sector != "other" else _CB,
                        launched, None, mid, final, stopped=stopped, explicit_final=explicit)
        for u, row in rows:
            self.out(u.home, "PhongTrao").append(row)

    def movements_for(self, year: int, units: Sequence[str]) -> list[str]:
        return [m.code for u in units for m in self.movements.get(u, ()) if m.start_year <= year <= m.end_year]

    # --- KhenThuong -------------------------------------------------------------------------
    def khen_thuong(self) -> None:
        mess = _Mess(_rng(self.seed, "mess", "KhenThuong"))
        t3_share = {2020: 0.12, 2021: 0.13, 2022: 0.16, 2023: 0.18, 2024: 0.21}
        volume = {2020: 0.9, 2021: 0.95, 2022: 1.0, 2023: 1.15, 2024: 1.05}
        levels = S.AWARD_LEVELS
        level_w = (1, 6, 28, 45, 18, 2)
        types = S.AWARD_TYPES
        for year in self.years:
            rng = _rng(self.seed, "khenthuong", year)
            pool = [u for u in self.units if u.exists_in(year)]
            weights = [15.0 if u.level == S.LEVEL_PROVINCE else 8.0 if u.level == S.LEVEL_UPPER
                       else max(1.0, u.members) ** 0.5 for u in pool]
            n = round(450 * self.scale * volume.get(year, 1.1) * rng.uniform(0.93, 1.07))
            picked = rng.choices(pool, weights=weights, k=n)
            prov_moves = self.movements_for(year, [PROVINCE])
            counter: dict[str, int] = {}
            used: set[tuple[str, str, str]] = set()  # membership only, never iterated
            share = t3_share.get(year, 0.2)
            for u in picked:
                r = rng.random()
                kind = types[2] if r < 0.04 else types[1] if r < 0.22 else types[0]
                if kind == types[0]:
                    decided = (_rand_date(rng, date(year, 12, 10), date(year, 12, 31)) if rng.random() < 0.55
                               else _rand_date(rng, date(year + 1, 1, 5), date(year + 1, 2, 28)))
                elif kind == types[1]:
                    decided = _rand_date(rng, date(year, 4, 1), date(year, 11, 30))
                else:
                    decided = _rand_date(rng, date(year, 1, 10), date(year, 12, 20))
                level = rng.choices(levels, weights=level_w)[0]
                if u.level != S.LEVEL_GRASSROOTS and level == "Cơ sở":
                    level = "Cấp trên cơ sở"
                if decided > self.today:
                    continue
                person = level == "Cơ sở" or rng.random() < 0.8
                form = _award_form(rng, level, person, kind)
                cat = "upper" if u.level != S.LEVEL_GRASSROOTS else u.cat
                position = group = gender = None
                if person:
                    name, gender = self.person(rng, "Nữ" if (cat in ("school", "health") and rng.random() < 0.5) else None)
                    for _ in range(20):  # no one gets the same form twice a year (the duplicate is injected)
                        if (u.code, name, form) not in used:
                            break
                        name, gender = self.person(rng, gender)
                    managers, staff, workers = _POSITIONS.get(cat, _POSITIONS["admin"])
                    g = rng.random()
                    if g < share:
                        if (cat == "company") == (rng.random() < 0.85):
                            group, position = S.GROUP_WORKER, rng.choice(workers)
                        else:
                            group, position = S.GROUP_STAFF, rng.choice(staff)
                    else:
                        h = rng.random()
                        if h < 0.93:
                            group, position = S.GROUP_MANAGER, rng.choice(managers)
                        elif h < 0.98:
                            group, position = S.GROUP_OTHER, rng.choice(staff + ("Hợp đồng lao động",))
                        else:
                            group, position = None, rng.choice(staff)
                    if rng.random() < 0.08:
                        position = None
                else:
                    short = u.name.removeprefix("Công đoàn ")
                    names = [u.name] if rng.random() < 0.7 else []
                    names += [f"{t} - {short}" for t in _TEAMS]
                    name = next((x for x in names if (u.code, x, form) not in used), "")
                    if not name:
                        continue
                used.add((u.code, name, form))
                movement = None
                if kind == types[1] or rng.random() < 0.12:
                    moves = prov_moves + (self.movements_for(year, [u.parent]) if u.parent else [])
                    if moves and rng.random() < 0.8:
                        movement = rng.choice(moves)
                value: Cell = None
                if form == "Bằng Lao động sáng tạo":
                    v = rng.randint(5, 90) * 10_000_000
                    value = v if rng.random() < 0.6 else f"{v:,}".replace(",", ".") + " đ"
                counter[u.code] = counter.get(u.code, 0) + 1
                code = f"KT{year}-{u.code}-{counter[u.code]:03d}"
                sheet = u.home
                year_cell: Cell = year
                if decided.year == year and rng.random() < 0.04:
                    year_cell = None
                elif rng.random() < 0.02:
                    year_cell = str(year)
                self.out(sheet, "KhenThuong").append([
                    code,
                    year_cell,
                    _decision_no(rng, level, u, decided),
                    mess.date(decided, self.text_dates(sheet)),
                    mess.enum(level),
                    form,
                    mess.enum(kind) if kind != types[0] or rng.random() < 0.6 else None,
                    mess.enum(S.SUBJECT_PERSON if person else S.SUBJECT_COLLECTIVE),
                    name,
                    mess.code(u.code),
                    position,
                    mess.enum(group),
                    mess.enum(gender) if gender is None or rng.random() > 0.03 else None,
                    movement,
                    value,
                    _achievement(rng, kind, year, movement is not None),
                    None, None, None, None,
                ])

    # --- CanBo --------------------------------------------------------------------------------
    def can_bo(self) -> None:
        mess = _Mess(_rng(self.seed, "mess", "CanBo"))
        rng = _rng(self.seed, "canbo")
        for u in self.units:
            if u.gone is not None and u.gone.year < FIRST_YEAR:
                continue
            if u.level == S.LEVEL_PROVINCE:
                n, regime = 4, S.REGIMES[0]
            elif u.level == S.LEVEL_UPPER:
                n, regime = rng.randint(2, 3), S.REGIMES[0]
            else:
                if rng.random() < 0.04:
                    continue  # no officer for TĐKT work
                n, regime = (1 if rng.random() < 0.65 else 2), S.REGIMES[1]
            start = max(date(2012, 1, 1), u.founded or date(2012, 1, 1))
            k = 0
            for _ in range(n):
                k += 1
                assigned: date | None = _rand_date(rng, start, max(start, date(2019, 12, 31)))
                if u.founded is not None and u.founded.year >= FIRST_YEAR:
                    assigned = u.founded + timedelta(days=rng.randint(5, 90))
                left = None
                if rng.random() < 0.1:
                    left = _rand_date(rng, date(2020, 3, 1), date(2025, 12, 31))
                    if left > self.today:
                        left = None
                self.officer(rng, mess, u, k, assigned if rng.random() > 0.05 else None, left, regime)
                if left is not None and rng.random() < 0.7:
                    k += 1
                    self.officer(rng, mess, u, k, left + timedelta(days=rng.randint(15, 200)), None, regime)

    def officer(self, rng: random.Random, mess: _Mess, u: _Unit, k: int, assigned: date | None,
                left: date | None, regime: str) -> None:
        if assigned is not None and assigned > self.today:
            return
        name, _ = self.person(rng)
        code = f"CB-{u.code}-{k}"
        o = _Officer(code, name, u, assigned, left)
        self.officers.append(o)
        self.officers_of.setdefault(u.code, []).append(o)
        if u.level == S.LEVEL_PROVINCE:
            position = ("Trưởng ban Tổ chức", "Phó Trưởng ban Tổ chức", "Chuyên viên Ban Tổ chức (phụ trách TĐKT)",
                        "Chuyên viên Văn phòng")[min(k - 1, 3)]
        elif u.level == S.LEVEL_UPPER:
            position = rng.choice(("Phó Chủ tịch", "Chuyên viên phụ trách thi đua", "Trưởng ban Tổ chức - Kiểm tra"))
        else:
            position = rng.choice(("Chủ tịch CĐCS", "Phó Chủ tịch CĐCS", "Ủy viên BCH phụ trách TĐKT"))
        phone: Cell = "09" + "".join(str(rng.randrange(10)) for _ in range(8))
        if rng.random() < 0.1:
            phone = None
        elif mess.hit(0.5):
            phone = int(str(phone))  # typed into a number cell: the leading zero is lost
        email = None
        if rng.random() < 0.65:
            email = strip_marks(name).lower().replace(" ", "") + f"{rng.randint(1, 99)}@gmail.com"
        sheet = u.home
        text = self.text_dates(sheet)
        self.out(sheet, "CanBo").append([
            code, name, mess.code(u.code), position, mess.enum(regime) if rng.random() < 0.9 else None,
            mess.date(assigned, text), mess.date(left, text), phone, email, None, None, None, None,
        ])

    # --- KhoaHoc and DiemDanh ------------------------------------------------------------------
    def khoa_hoc(self) -> None:
        mess_c = _Mess(_rng(self.seed, "mess", "KhoaHoc"))
        mess_d = _Mess(_rng(self.seed, "mess", "DiemDanh"))
        bk = self.by_code[PROVINCE]
        direct = [PROVINCE] + [c.code for c in self.children.get(PROVINCE, []) if c.level == S.LEVEL_GRASSROOTS]
        for year in self.years:
            rng = _rng(self.seed, "khoahoc", year)
            # province courses: officers of upper units and of CĐCS trực thuộc, and a few others
            n_bk = max(2, round(2 * self.scale ** 0.5)) + (1 if rng.random() < 0.4 else 0)
            invite_codes = [u.code for u in self.uppers] + direct
            invited = [o for c in invite_codes for o in self.officers_of.get(c, [])]
            others = [o for u in self.uppers for c in self.children.get(u.code, [])
                      for o in self.officers_of.get(c.code, [])]
            invited += [o for o in others if rng.random() < 0.06]
            self.courses(rng, mess_c, mess_d, bk, year, n_bk, invited, 0.95)
            for u in self.uppers:
                if not u.exists_in(year):
                    continue
                r = rng.random()
                n = 0 if r < 0.08 else 1 if r < 0.68 else 2
                pool = list(self.officers_of.get(u.code, []))
                for c in self.children.get(u.code, []):
                    pool.extend(self.officers_of.get(c.code, []))
                self.courses(rng, mess_c, mess_d, u, year, n, pool, 0.85)

    def courses(self, rng: random.Random, mess_c: _Mess, mess_d: _Mess, org: _Unit, year: int, n: int,
                pool: list[_Officer], p_invite: float) -> None:
        if n == 0:
            return
        sheet = org.home
        text = self.text_dates(sheet)
        starts = sorted(_rand_date(rng, date(year, 3, 1), date(year, 11, 25)) for _ in range(n))
        groups: list[list[_Officer]] = [[] for _ in range(n)]
        for o in pool:
            if rng.random() < p_invite:
                groups[rng.randrange(n)].append(o)
        for k, (start, group) in enumerate(zip(starts, groups, strict=True), start=1):
            if start > self.today + timedelta(days=45):
                continue
            end = start + timedelta(days=rng.choice((0, 1, 1, 2)))
            code = f"TH{year}-{org.code}-{k}"
            names = [c for c in _COURSE_NAMES if "2022" not in c or year in (2023, 2024)]
            name = rng.choice(names).format(y=year)
            if org.level == S.LEVEL_PROVINCE:
                place = "Hội trường Liên đoàn Lao động tỉnh"
            else:
                place = "Hội trường " + org.name.replace("Liên đoàn Lao động", "LĐLĐ")
            covid = year in (2020, 2021)
            form = rng.choices(S.COURSE_FORMS, weights=(2, 6, 2) if covid else (8, 1, 1))[0]
            if form == "Trực tuyến":
                place = "Trực tuyến qua Zoom"
            self.out(sheet, "KhoaHoc").append([
                code, name, mess_c.code(org.code), mess_c.date(start, text),
                mess_c.date(end, text) if end != start or rng.random() < 0.5 else None,
                place, mess_c.enum(form), None, None, None, None,
            ])
            if end >= self.today:
                continue  # attendance is taken once the course is over
            p_present = 0.85 if covid else 0.9
            dd = self.out(sheet, "DiemDanh")
            for o in group:
                if not (o.active(start) and o.unit.alive(start)):
                    continue
                present = rng.random() < p_present
                note = None
                if not present and rng.random() < 0.6:
                    note = rng.choice(("Vắng có lý do", "Đi công tác", "Ốm", "Nghỉ chế độ thai sản"))
                dd.append([code, o.code, mess_d.yes(present), note, None, None, None, None])

    # --- DienHinh -----------------------------------------------------------------------------
    def dien_hinh(self) -> None:
        mess = _Mess(_rng(self.seed, "mess", "DienHinh"))
        for year in self.years:
            rng = _rng(self.seed, "dienhinh", year)
            pool = [u for u in self.units if u.exists_in(year) and u.level != S.LEVEL_PROVINCE]
            n = max(3, round(25 * self.scale * rng.uniform(0.8, 1.2)))
            prov_moves = self.movements_for(year, [PROVINCE])
            counter: dict[str, int] = {}
            for u in rng.choices(pool, k=n):
                when = _rand_date(rng, date(year, 3, 1), date(year, 12, 20))
                if when > self.today:
                    continue
                r = rng.random()
                group = None
                if r < 0.45:
                    kind = S.EXEMPLAR_KINDS[0]
                    name, _ = self.person(rng)
                    group = rng.choices(S.GROUPS, weights=(3, 4, 4, 1))[0]
                elif r < 0.75:
                    kind, name = S.EXEMPLAR_KINDS[1], u.name
                else:
                    kind, name = S.EXEMPLAR_KINDS[2], rng.choice(_EXEMPLAR_MODELS) + f" - {u.name.removeprefix('Công đoàn ')}"
                counter[u.code] = counter.get(u.code, 0) + 1
                code = f"DH{year}-{u.code}-{counter[u.code]:02d}"
                publicised = rng.random() < 0.85
                channels = rng.choice(_CHANNEL_SETS) if publicised else None
                if channels is not None and mess.hit(1.5):
                    channels = channels.replace(", ", "; ").lower()
                sheet = u.home
                self.out(sheet, "DienHinh").append([
                    code, year, name, mess.enum(kind), mess.code(u.code), mess.enum(group),
                    rng.choice(prov_moves) if prov_moves and rng.random() < 0.5 else None,
                    channels, mess.date(when, self.text_dates(sheet)) if publicised else None,
                    mess.yes(rng.random() < 0.4, blank_no=True), None, None, None, None,
                ])

    # --- BaoCao -------------------------------------------------------------------------------
    def bao_cao(self) -> None:
        mess = _Mess(_rng(self.seed, "mess", "BaoCao"))
        recent = {self.today.year, self.today.year - 1}
        for year in self.years:
            rng = _rng(self.seed, "baocao", year)
            for period in S.PERIODS:
                due = self.deadline(year, period)
                if due > self.today:
                    continue
                for u in self.units:
                    if u.level == S.LEVEL_PROVINCE or not u.alive(due):
                        continue
                    upper = u.level == S.LEVEL_UPPER
                    p_ok, p_late = (0.86, 0.10) if upper else (0.76, 0.13)
                    if year in recent:
                        p_ok -= 0.04
                    r = rng.random()
                    if r < p_ok:
                        sent = due - timedelta(days=rng.randint(0, 12))
                    elif r < p_ok + p_late:
                        sent = due + timedelta(days=rng.randint(1, 30))
                    else:
                        continue
                    if sent > self.today:
                        continue
                    suffix = ("LĐLĐ" if u.sector == "district" else "CĐN") if upper else "CĐCS"
                    sheet = u.home
                    self.out(sheet, "BaoCao").append([
                        mess.code(u.code), year, mess.enum(period), mess.date(sent, self.text_dates(sheet)),
                        f"{rng.randint(1, 60):02d}/BC-{suffix}" if rng.random() < 0.85 else None,
                        None, None, None, None,
                    ])

    # --- history written by the app, and genuine problems -----------------------------------
    def app_versions(self) -> None:
        """A few records corrected through the app: later versions stamped, one award voided."""
        rng = _rng(self.seed, "versions")
        year = max(FIRST_YEAR, self.today.year - 1)
        for owner, email in (("BABE", "canbo.babe@demo.tdkt.vn"), ("GD", "canbo.gd@demo.tdkt.vn")):
            u = self.by_code.get(owner)
            if u is None:
                continue
            kh = self.rows.get(u.home, {}).get("KeHoach", [])
            cands = [r for r in kh if r[0] == year and _fold_yes(r[2]) is False]
            if not cands:
                continue
            row = cands[0]
            stamp = datetime(year, 4, 20, 9, 15, tzinfo=clock.VN_TZ) + timedelta(days=rng.randint(0, 30),
                                                                              minutes=rng.randint(0, 400))
            if stamp.date() > self.today:
                continue
            kh.append([year, str(row[1]).strip().upper(), "Có", f"{rng.randint(1, 25):02d}/KH-CĐCS",
                       _dmy(stamp.date() - timedelta(days=3)), "Có", "Bổ sung kế hoạch", None,
                       stamp.isoformat(), email, f"{rng.getrandbits(64):016x}"])
        # an award entered twice, the second voided through the app
        u = self.by_code.get("BABE")
        kt = self.rows.get(u.home, {}).get("KhenThuong", []) if u else []
        if kt:
            row = list(kt[len(kt) // 3])
            stamp = datetime.combine(self.today - timedelta(days=30), datetime.min.time(), clock.VN_TZ)
            stamp += timedelta(hours=8, minutes=rng.randint(0, 500))
            if stamp.year > FIRST_YEAR:
                row[16:20] = ["Có", stamp.isoformat(), "canbo.babe@demo.tdkt.vn", f"{rng.getrandbits(64):016x}"]
                kt.append(row)

    def inject_problems(self) -> None:
        """A handful of genuine problems for the data-quality page (each is counted in tests)."""
        rng = _rng(self.seed, "problems")
        # 1. an impossible date in a required column (CM's reports)
        bc = self.rows.get(self.sheet_of("CM"), {}).get("BaoCao", [])
        if bc:
            in_2023 = [r for r in bc if r[1] == 2023]
            row = in_2023[len(in_2023) // 3] if in_2023 else bc[len(bc) // 3]
            row[3] = f"32/13/{row[1]}"
        # 2. an award with a blank Nhóm đối tượng (besides the random ones)
        for rows in self.rows.values():
            kt = rows.get("KhenThuong", [])
            persons = [r for r in kt if _is_person(r[7]) and r[11] is not None]
            if persons:
                persons[0][11] = None
                break
        # 3. a Ba Bể spreadsheet row about a Chợ Đồn unit
        cd_units = [c for c in self.children.get("CD", []) if c.gone is None]
        babe_sheet = self.sheet_of("BABE")
        if cd_units and babe_sheet:
            u = cd_units[len(cd_units) // 2]
            year = self.years[-1] if self.today >= date(self.today.year, 3, 1) else self.years[0]
            decided = min(self.today, date(year, 2, 20))
            name, gender = self.person(rng)
            self.out(babe_sheet, "KhenThuong").append([
                f"KT{year}-{u.code}-901", year, f"{rng.randint(10, 90)}/QĐ-LĐLĐ", decided, "Cấp trên cơ sở",
                "Giấy khen", None, S.SUBJECT_PERSON, name, u.code, "Giáo viên", S.GROUP_STAFF, gender, None,
                None, "Nhập nhầm sang bảng tính huyện Ba Bể", None, None, None, None,
            ])
        # 4. attendance of an officer code that is not in CanBo (Na Rì)
        nr = self.rows.get(self.sheet_of("NR"), {}).get("DiemDanh", [])
        if nr:
            self.out(self.sheet_of("NR"), "DiemDanh").append(
                [nr[-1][0], "CB-NR999-1", "Có", "Cán bộ mới, chưa có trong danh sách", None, None, None, None]
            )
        # 5. the same KeHoach key in Ba Bể's spreadsheet and in the registry
        kh = self.rows.get(babe_sheet, {}).get("KeHoach", []) if babe_sheet else []
        grass = [r for r in kh if str(r[1]).strip().upper() != "BABE" and r[8] is None]
        if grass:
            row = list(grass[len(grass) // 2])
            row[6] = "LĐLĐ tỉnh nhập hộ"
            self.out(self.registry, "KeHoach").append(row)
        # 6. the same person, unit, form and year under two award codes (Thành phố Bắc Kạn)
        tp = self.rows.get(self.sheet_of("TPBK"), {}).get("KhenThuong", [])
        persons = [r for r in tp if _is_person(r[7])]
        if persons:
            row = list(persons[len(persons) // 2])
            row[0] = str(row[0]) + "B"
            tp.append(row)
        # 7. a two-digit year in an optional date (Chợ Mới's officers)
        cb = self.rows.get(self.sheet_of("CM"), {}).get("CanBo", [])
        dated = [r for r in cb if r[5] is not None]
        if dated:
            d = dated[len(dated) // 2]
            dd = d[5] if isinstance(d[5], date) else date(2018, 3, 15)
            d[5] = f"{dd.day:02d}/{dd.month:02d}/{dd.year % 100:02d}"
        # 8. an attendance mark that is not yes/no (Chợ Đồn)
        cdd = self.rows.get(self.sheet_of("CD"), {}).get("DiemDanh", [])
        absent = [r for r in cdd if r[2] == "Không"]
        if absent:
            absent[0][2] = "Vắng"

    def sheet_of(self, code: str) -> str:
        u = self.by_code.get(code)
        return u.home if u is not None else self.registry

    # --- write -----------------------------------------------------------------------------------
    def write(self) -> dict[str, int]:
        counts = {t.name: 0 for t in S.ALL_TABS}
        for sheet in self.sheet_order:
            self.store.ensure_spreadsheet(sheet)
            owner = self.owner_of_sheet[sheet]
            tabs = S.ALL_TABS if sheet == self.registry else S.DATA_TABS
            for t in tabs:
                rows = self.rows.get(sheet, {}).get(t.name, [])
                header: list[Cell] = list(_headers(owner, t))
                width = len(header)
                if t is S.KHEN_THUONG:  # awards entered directly carry no Mã hồ sơ: blank there
                    at = t.headers.index("Mã hồ sơ")
                    rows = [r if len(r) == width else [*r[:at], None, *r[at:]] for r in rows]
                for r in rows:
                    if len(r) != width:
                        raise AssertionError(f"{sheet}/{t.name}: row of {len(r)} cells under {width} headers")
                self.store.replace_tab(sheet, _TAB_NAMES.get((owner, t.name), t.name), [header, *rows])
                counts[t.name] += len(rows)
        return counts


_Grass = tuple[str, str, str, tuple[int, int]]


def _headers(owner: str, t: S.Tab) -> list[str]:
    style = _HEADER_STYLES.get((owner, t.name))
    headers = t.headers
    if style is None:
        return headers
    if style == _ASCII:
        return [strip_marks(h) for h in headers]
    assert isinstance(style, dict)
    return [style.get(h, h) for h in headers]


def _fold_yes(v: Cell) -> bool | None:
    if v in ("Có", "x", "X", "co", "có", "1", True, "Đã", "C", "Yes"):
        return True
    if v in ("Không", "Chưa", "khong", "0", False, "K", "không", None):
        return False
    return None


def _is_person(v: Cell) -> bool:
    return isinstance(v, str) and strip_marks(v).strip().lower() == "ca nhan"


def _district_pool(places: list[str], d: str, dn: str, party: str) -> Callable[[random.Random, int], list[_Grass]]:
    def pool(rng: random.Random, n: int) -> list[_Grass]:
        base: list[_Grass] = [(t.format(d=d, dn=dn, party=party), k, c, m) for t, k, c, m in _DISTRICT_AGENCIES]
        for full in places:
            name = full.split(" ", 1)[1] if full.startswith(("xã ", "phường ")) else full.removeprefix("thị trấn ")
            base.extend((t.format(full=full, name=name), k, c, m) for t, k, c, m in _PLACE_TEMPLATES)
        n_comp = max(1, round(n * (0.35 if "thành phố" in d else 0.2)))
        n_base = min(len(base), n - n_comp)
        chosen = rng.sample(base, n_base)
        chosen.extend(_companies(rng, n - n_base, places))
        return _ordered(chosen)

    return pool


def _sector_pool(base: list[_Grass], code: str) -> Callable[[random.Random, int], list[_Grass]]:
    def pool(rng: random.Random, n: int) -> list[_Grass]:
        if n <= len(base):
            return _ordered(rng.sample(base, n))
        extra: list[_Grass] = []
        all_places = [p for *_, places in _DISTRICTS for p in places if not p.startswith("thị trấn")]
        rng.shuffle(all_places)
        gen: Iterator[_Grass]
        if code == "GD":
            gen = ((f"Công đoàn Trường {lvl} {p.split(' ', 1)[1]}", SERVICE, "school", (12, 40))
                   for p in all_places for lvl in ("Tiểu học", "THCS", "Mầm non"))
        elif code == "YT":
            gen = ((f"Công đoàn Trạm Y tế {p}", SERVICE, "health", (5, 12)) for p in all_places)
        elif code == "BK":
            gen = iter(_companies(rng, n - len(base), all_places))
        else:
            gen = ((f"Công đoàn Trung tâm Dịch vụ công số {k}", SERVICE, "admin", (10, 40)) for k in range(1, n + 1))
        seen = {b[0] for b in base}
        for g in _numbered(gen):
            if len(extra) >= n - len(base):
                break
            if g[0] not in seen:
                seen.add(g[0])
                extra.append(g)
        return _ordered(list(base)) + extra

    return pool


def _company_pool() -> Callable[[random.Random, int], list[_Grass]]:
    def pool(rng: random.Random, n: int) -> list[_Grass]:
        return _ordered(_companies(rng, n, _synthetic_places(rng, 8)))

    return pool


def _numbered(gen: Iterator[_Grass]) -> Iterator[_Grass]:
    """The generator's names, then the same names numbered "số 2", "số 3", ... forever."""
    first = list(gen)
    yield from first
    k = 2
    while first:
        for name, kind, cat, m in first:
            yield f"{name} số {k}", kind, cat, m
        k += 1


def _companies(rng: random.Random, n: int, places: list[str]) -> list[_Grass]:
    out: list[_Grass] = []
    seen: set[str] = set()
    tries = 0
    while len(out) < n:
        tries += 1
        r = rng.random()
        if r < 0.03:
            g: _Grass = (f"Công đoàn Công ty TNHH {rng.choice(_FOREIGN_BRANDS)} Việt Nam", FOREIGN, "company", (80, 600))
        elif r < 0.2:
            p = rng.choice(places)
            g = (f"Công đoàn Hợp tác xã {rng.choice(_HTX_PRODUCTS)} {p.split(' ', 1)[1] if ' ' in p else p}",
                 PRIVATE, "company", (8, 30))
        elif r < 0.27:
            g = (f"Công đoàn Công ty TNHH MTV {rng.choice(_INDUSTRIES)} {rng.choice(_BRANDS)}", STATE, "company",
                 (30, 150))
        else:
            form = "Công ty TNHH" if rng.random() < 0.6 else "Công ty Cổ phần"
            g = (f"Công đoàn {form} {rng.choice(_INDUSTRIES)} {rng.choice(_BRANDS)}", PRIVATE, "company", (10, 120))
        if g[0] in seen:
            if tries < 50 * (n + 10):
                continue
            g = (f"{g[0]} {len(out) + 1}", *g[1:])
        seen.add(g[0])
        out.append(g)
    return out


_CAT_ORDER = {"admin": 0, "commune": 1, "school": 2, "health": 3, "company": 4}


def _ordered(items: list[_Grass]) -> list[_Grass]:
    """DonVi lists agencies, communes, schools, health, then enterprises (as people keep it)."""
    return sorted(items, key=lambda g: (_CAT_ORDER.get(g[2], 9), g[0]))


def _synthetic_places(rng: random.Random, n: int) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        name = f"xã {rng.choice(_SYLLABLES)} {rng.choice(_SYLLABLES)}"
        if name not in out and name.split()[1] != name.split()[2]:
            out.append(name)
    return out


_FORMS: dict[tuple[str, bool], tuple[tuple[str, ...], tuple[int, ...]]] = {
    ("Nhà nước", True): (("Bằng khen của Thủ tướng Chính phủ", "Huân chương Lao động hạng Ba"), (4, 1)),
    ("Nhà nước", False): (("Bằng khen của Thủ tướng Chính phủ", "Huân chương Lao động hạng Ba"), (3, 1)),
    ("Tổng Liên đoàn", True): (("Bằng khen của Tổng Liên đoàn", "Bằng Lao động sáng tạo", "Kỷ niệm chương"), (6, 1, 2)),
    ("Tổng Liên đoàn", False): (("Cờ thi đua của Tổng Liên đoàn", "Bằng khen của Tổng Liên đoàn"), (1, 4)),
    ("LĐLĐ tỉnh", True): (("Bằng khen của LĐLĐ tỉnh",), (1,)),
    ("LĐLĐ tỉnh", False): (("Cờ thi đua của LĐLĐ tỉnh", "Bằng khen của LĐLĐ tỉnh"), (1, 3)),
    ("Cấp trên cơ sở", True): (("Giấy khen", "Đoàn viên công đoàn xuất sắc"), (3, 2)),
    ("Cấp trên cơ sở", False): (("Giấy khen", "Công đoàn cơ sở vững mạnh"), (1, 2)),
    ("Cơ sở", True): (("Đoàn viên công đoàn xuất sắc", "Giấy khen"), (3, 1)),
    ("Cơ sở", False): (("Giấy khen",), (1,)),
    ("Khác", True): (("Giấy khen của Chủ tịch UBND huyện", "Bằng khen của Chủ tịch UBND tỉnh"), (3, 1)),
    ("Khác", False): (("Giấy khen của Chủ tịch UBND huyện", "Bằng khen của Chủ tịch UBND tỉnh"), (3, 1)),
}


def _award_form(rng: random.Random, level: str, person: bool, kind: str) -> str:
    if kind == "Đột xuất" and level in ("LĐLĐ tỉnh", "Tổng Liên đoàn"):
        return f"Bằng khen của {'LĐLĐ tỉnh' if level == 'LĐLĐ tỉnh' else 'Tổng Liên đoàn'}"
    forms, weights = _FORMS[(level, person)]
    return rng.choices(forms, weights=weights)[0]


def _decision_no(rng: random.Random, level: str, u: _Unit, decided: date) -> str | None:
    if rng.random() < 0.03:
        return None
    suffix = {
        "Nhà nước": "QĐ-TTg", "Tổng Liên đoàn": "QĐ-TLĐ", "LĐLĐ tỉnh": "QĐ-LĐLĐ", "Cơ sở": "QĐ-CĐCS",
        "Khác": "QĐ-UBND",
    }.get(level)
    if suffix is None:  # Cấp trên cơ sở
        suffix = "QĐ-LĐLĐ" if u.sector == "district" else "QĐ-CĐN"
    number = (decided.timetuple().tm_yday * 7 + len(suffix)) % 400 + 1
    return f"{number}/{suffix}"


def _achievement(rng: random.Random, kind: str, year: int, with_movement: bool) -> str | None:
    if kind == "Đột xuất":
        if year in (2020, 2021):
            return "Có thành tích xuất sắc trong công tác phòng, chống dịch COVID-19"
        if year == 2024 and rng.random() < 0.6:
            return "Có thành tích xuất sắc trong khắc phục hậu quả bão số 3 (Yagi)"
        return rng.choice(("Dũng cảm cứu người bị nạn", "Có hành động đẹp, nhặt được của rơi trả người đánh mất"))
    if with_movement:
        return "Có thành tích xuất sắc trong phong trào thi đua"
    if rng.random() < 0.15:
        return None
    return rng.choice((
        f"Hoàn thành xuất sắc nhiệm vụ năm {year}",
        f"Có thành tích xuất sắc trong phong trào thi đua và xây dựng tổ chức công đoàn năm {year}",
        f"Đoàn viên công đoàn xuất sắc năm {year}",
        f"Có thành tích trong thực hiện nhiệm vụ chuyên môn năm {year}",
    ))


def build_demo(store: Store, *, seed: int = 2020, today: date | None = None, scale: float = 1.0) -> DemoInfo:
    """Fill ``store`` with the demo province; same seed, today and scale give the same grids."""
    if scale <= 0:
        raise ValueError("scale phải lớn hơn 0")
    today = today or clock.today()
    if today.year < FIRST_YEAR:
        raise ValueError(f"Dữ liệu minh họa bắt đầu từ năm {FIRST_YEAR}")
    b = _Builder(store, seed, today, scale)
    b.build_units()
    b.don_vi()
    from sheets import demo_reminders  # contacts and NhacViec (SPEC 8), on their own random streams

    demo_reminders.add(b)
    b.chi_tieu()
    b.ky_bao_cao()
    b.nguoi_dung()
    b.ke_hoach()
    b.phong_trao()
    b.khen_thuong()
    b.can_bo()
    b.khoa_hoc()
    b.dien_hinh()
    b.bao_cao()
    b.app_versions()
    b.inject_problems()
    from sheets import demo_dossiers  # dossiers, DangKy, MauIn (SPEC 7), on their own random streams

    demo_dossiers.add(b)
    counts = b.write()
    return DemoInfo(
        seed=seed,
        today=today,
        scale=scale,
        spreadsheets=len(b.sheet_order),
        units=len(b.units),
        rows=counts,
        registry=b.registry,
        sheet_names=tuple(b.sheet_order),
        years=tuple(b.years),
    )
