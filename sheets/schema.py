"""The sheet contract of SPEC section 3.2: tabs, columns, types, keys, enumerations."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    CODE = "code"
    TEXT = "text"
    ENUM = "enum"
    YESNO = "yesno"
    DATE = "date"
    DATETIME = "datetime"
    INT = "int"
    NUMBER = "number"
    PERCENT = "percent"
    EMAIL = "email"
    CHANNELS = "channels"  # comma-separated list of an enumeration


# --- enumerations -------------------------------------------------------------
LEVEL_PROVINCE = "Tỉnh"
LEVEL_UPPER = "Cấp trên cơ sở"
LEVEL_GRASSROOTS = "Cơ sở"
LEVELS = (LEVEL_PROVINCE, LEVEL_UPPER, LEVEL_GRASSROOTS)

UPPER_KINDS = ("LĐLĐ huyện, thành phố", "Công đoàn ngành", "Khác")
GRASSROOTS_KINDS = (
    "Cơ quan hành chính",
    "Đơn vị sự nghiệp",
    "Doanh nghiệp nhà nước",
    "Doanh nghiệp ngoài nhà nước",
    "Doanh nghiệp có vốn đầu tư nước ngoài",
    "Khác",
)
UNIT_KINDS = tuple(dict.fromkeys(UPPER_KINDS + GRASSROOTS_KINDS))
STATUS_ACTIVE = "Đang hoạt động"
STATUS_DISSOLVED = "Đã giải thể"
UNIT_STATUSES = (STATUS_ACTIVE, STATUS_DISSOLVED)

ROLE_LEADER = "Lãnh đạo tỉnh"
ROLE_OFFICER = "Cán bộ cấp trên cơ sở"
ROLE_TRAINER = "Điều phối đào tạo"
ROLE_ADMIN = "Quản trị"
ROLE_DESK = "Cán bộ thi đua tỉnh"  # the province's TĐKT desk (SPEC 1, 7)
ROLES = (ROLE_LEADER, ROLE_OFFICER, ROLE_TRAINER, ROLE_ADMIN, ROLE_DESK)

PERIOD_HALF = "6 tháng"
PERIOD_YEAR = "Năm"
PERIODS = (PERIOD_HALF, PERIOD_YEAR)

AUDIENCES = ("CNVCLĐ", "Hoạt động công đoàn", "Cán bộ công đoàn")
MOVEMENT_RUNNING = "Đang triển khai"
MOVEMENT_ENDED = "Đã kết thúc"
MOVEMENT_STOPPED = "Dừng"
MOVEMENT_STATUSES = (MOVEMENT_RUNNING, MOVEMENT_ENDED, MOVEMENT_STOPPED)

AWARD_LEVELS = ("Nhà nước", "Tổng Liên đoàn", "LĐLĐ tỉnh", "Cấp trên cơ sở", "Cơ sở", "Khác")
AWARD_TYPES = ("Thường xuyên", "Chuyên đề", "Đột xuất")
SUBJECT_PERSON = "Cá nhân"
SUBJECT_COLLECTIVE = "Tập thể"
SUBJECTS = (SUBJECT_PERSON, SUBJECT_COLLECTIVE)
GROUP_WORKER = "Công nhân, lao động trực tiếp"
GROUP_STAFF = "CCVC không giữ chức vụ lãnh đạo, quản lý"
GROUP_MANAGER = "Lãnh đạo, quản lý"
GROUP_OTHER = "Khác"
GROUPS = (GROUP_WORKER, GROUP_STAFF, GROUP_MANAGER, GROUP_OTHER)
GENDERS = ("Nam", "Nữ")
AWARD_FORMS = (
    "Cờ thi đua của Tổng Liên đoàn",
    "Bằng khen của Tổng Liên đoàn",
    "Bằng Lao động sáng tạo",
    "Cờ thi đua của LĐLĐ tỉnh",
    "Bằng khen của LĐLĐ tỉnh",
    "Giấy khen",
    "Đoàn viên công đoàn xuất sắc",
    "Công đoàn cơ sở vững mạnh",
    "Kỷ niệm chương",
)

REGIMES = ("Chuyên trách", "Kiêm nhiệm")
COURSE_FORMS = ("Trực tiếp", "Trực tuyến", "Kết hợp")
EXEMPLAR_KINDS = ("Cá nhân", "Tập thể", "Mô hình, cách làm hay")
CHANNELS = ("Website LĐLĐ tỉnh", "Báo Bắc Kạn", "Đài PT-TH", "Facebook", "Zalo", "Khác")

# NhacViec (SPEC 8): what a reminder is about, and how it went out
TOPIC_PLAN = "Kế hoạch"
TOPIC_MOVEMENT = "Phong trào"
TOPIC_AWARD = "Khen thưởng"
TOPIC_TRAINING = "Tập huấn"
TOPIC_OFFICER = "Cán bộ"
TOPIC_REPORT = "Báo cáo"
TOPIC_DOSSIER = "Hồ sơ"
REMINDER_TOPICS = (TOPIC_PLAN, TOPIC_MOVEMENT, TOPIC_AWARD, TOPIC_TRAINING, TOPIC_OFFICER, TOPIC_REPORT, TOPIC_DOSSIER)
REMINDER_CHANNELS = ("Email", "Zalo", "Điện thoại", "Văn bản", "Khác")

INDICATOR_CODES = ("T1A", "T1B", "T2", "T3", "T4", "O1", "O2", "O3")
DEFAULT_THRESHOLDS: dict[str, float] = {
    "T1A": 100.0,
    "T1B": 85.0,
    "T2": 100.0,
    "T3": 15.0,
    "T4": 100.0,
    "O1": 100.0,
    "O2": 100.0,
    "O3": 100.0,
}
# (month, day) of the default deadline of each period
DEFAULT_DEADLINES: dict[str, tuple[int, int]] = {PERIOD_HALF: (6, 15), PERIOD_YEAR: (12, 15)}


@dataclass(frozen=True)
class Column:
    name: str  # the header as users see it
    attr: str  # the frame column name used in code
    kind: Kind
    required: bool = False
    key: bool = False
    enum: tuple[str, ...] = ()
    hint: str = ""  # what a valid value looks like, in Vietnamese


# Audit columns every tab may end with (SPEC 3.1 "Versions").
COL_VOID = Column("Hủy", "void", Kind.YESNO)
COL_STAMP = Column("Cập nhật lúc", "stamp", Kind.DATETIME)
COL_AUTHOR = Column("Người cập nhật", "author", Kind.EMAIL)
COL_WRITE_ID = Column("Mã lần ghi", "write_id", Kind.TEXT)
AUDIT_COLUMNS = (COL_VOID, COL_STAMP, COL_AUTHOR, COL_WRITE_ID)


@dataclass(frozen=True)
class Tab:
    name: str
    title: str  # Vietnamese description
    columns: tuple[Column, ...]
    registry_only: bool = False
    unit_attr: str | None = None  # the column naming the unit a row concerns
    all_columns: tuple[Column, ...] = field(init=False)

    def __post_init__(self) -> None:
        own = {c.attr for c in self.columns}
        extra = tuple(c for c in AUDIT_COLUMNS if c.attr not in own)
        object.__setattr__(self, "all_columns", self.columns + extra)

    @property
    def key_attrs(self) -> tuple[str, ...]:
        return tuple(c.attr for c in self.columns if c.key)

    @property
    def headers(self) -> list[str]:
        return [c.name for c in self.all_columns]

    def column(self, attr: str) -> Column:
        for c in self.all_columns:
            if c.attr == attr:
                return c
        raise KeyError(attr)

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # by name: a parse kept on disk (sheets.parse_cache) comes back holding the contract's
        # own Tab, which the loader compares by identity
        return tab_named, (self.name,)


def _c(name: str, attr: str, kind: Kind, **kw: object) -> Column:
    return Column(name, attr, kind, **kw)  # type: ignore[arg-type]


DON_VI = Tab(
    "DonVi",
    "Đơn vị",
    (
        _c("Mã đơn vị", "unit", Kind.CODE, required=True, key=True),
        _c("Tên đơn vị", "name", Kind.TEXT, required=True),
        _c("Cấp", "level", Kind.ENUM, required=True, enum=LEVELS),
        _c("Mã đơn vị cấp trên", "parent", Kind.CODE),
        _c("Loại hình", "kind", Kind.ENUM, enum=UNIT_KINDS),
        _c("Số đoàn viên", "members", Kind.INT),
        _c("Ngày thành lập", "founded", Kind.DATE),
        _c("Trạng thái", "status", Kind.ENUM, enum=UNIT_STATUSES),
        _c("Ngày giải thể", "dissolved", Kind.DATE),
        _c("Bảng tính", "sheet", Kind.TEXT),
        # after Bảng tính, so sheets and code that know the first ten columns by position still fit
        _c("Email", "email", Kind.EMAIL),
        _c("Điện thoại", "phone", Kind.TEXT),
    ),
    registry_only=True,
    unit_attr="unit",
)
CHI_TIEU = Tab(
    "ChiTieu",
    "Chỉ tiêu",
    (
        _c("Năm", "year", Kind.INT, required=True, key=True),
        _c("Mã chỉ tiêu", "code", Kind.ENUM, required=True, key=True, enum=INDICATOR_CODES),
        _c("Ngưỡng (%)", "threshold", Kind.PERCENT, required=True),
        _c("Ghi chú", "note", Kind.TEXT),
    ),
    registry_only=True,
)
KY_BAO_CAO = Tab(
    "KyBaoCao",
    "Kỳ báo cáo",
    (
        _c("Năm", "year", Kind.INT, required=True, key=True),
        _c("Kỳ", "period", Kind.ENUM, required=True, key=True, enum=PERIODS),
        _c("Hạn nộp", "deadline", Kind.DATE, required=True),
    ),
    registry_only=True,
)
NGUOI_DUNG = Tab(
    "NguoiDung",
    "Người dùng",
    (
        _c("Email", "email", Kind.EMAIL, required=True, key=True),
        _c("Họ tên", "name", Kind.TEXT),
        _c("Vai trò", "role", Kind.ENUM, required=True, enum=ROLES),
        _c("Mã đơn vị", "unit", Kind.CODE, required=True),
    ),
    registry_only=True,
)
KE_HOACH = Tab(
    "KeHoach",
    "Kế hoạch năm",
    (
        _c("Năm", "year", Kind.INT, required=True, key=True),
        _c("Mã đơn vị", "unit", Kind.CODE, required=True, key=True),
        _c("Có kế hoạch", "has_plan", Kind.YESNO, required=True),
        _c("Số, ký hiệu văn bản", "doc_no", Kind.TEXT),
        _c("Ngày ban hành", "issued", Kind.DATE),
        _c("Đã phát động", "launched", Kind.YESNO, required=True),
        _c("Ghi chú", "note", Kind.TEXT),
        COL_VOID,
    ),
    unit_attr="unit",
)
PHONG_TRAO = Tab(
    "PhongTrao",
    "Phong trào thi đua",
    (
        _c("Mã phong trào", "movement", Kind.CODE, required=True, key=True),
        _c("Tên phong trào", "name", Kind.TEXT, required=True),
        _c("Mã đơn vị", "unit", Kind.CODE, required=True),
        _c("Đối tượng", "audience", Kind.ENUM, enum=AUDIENCES),
        _c("Ngày phát động", "launched", Kind.DATE, required=True),
        _c("Năm kết thúc", "end_year", Kind.INT),
        _c("Hạn sơ kết", "mid_due", Kind.DATE),
        _c("Ngày sơ kết", "mid_held", Kind.DATE),
        _c("Hạn tổng kết", "final_due", Kind.DATE),
        _c("Ngày tổng kết", "final_held", Kind.DATE),
        _c("Trạng thái", "status", Kind.ENUM, enum=MOVEMENT_STATUSES),
        COL_VOID,
    ),
    unit_attr="unit",
)
KHEN_THUONG = Tab(
    "KhenThuong",
    "Khen thưởng",
    (
        _c("Mã khen thưởng", "award", Kind.CODE, required=True, key=True),
        _c("Năm", "year", Kind.INT),
        _c("Số quyết định", "decision_no", Kind.TEXT),
        _c("Ngày quyết định", "decided", Kind.DATE, required=True),
        _c("Cấp khen", "level", Kind.ENUM, enum=AWARD_LEVELS),
        _c("Hình thức", "form", Kind.TEXT, required=True),
        _c("Loại khen thưởng", "type", Kind.ENUM, enum=AWARD_TYPES),
        _c("Đối tượng", "subject", Kind.ENUM, required=True, enum=SUBJECTS),
        _c("Tên người hoặc tập thể", "name", Kind.TEXT, required=True),
        _c("Mã đơn vị", "unit", Kind.CODE, required=True),
        _c("Chức vụ", "position", Kind.TEXT),
        _c("Nhóm đối tượng", "group", Kind.ENUM, enum=GROUPS),
        _c("Giới tính", "gender", Kind.ENUM, enum=GENDERS),
        _c("Mã phong trào", "movement", Kind.CODE),
        _c("Giá trị làm lợi (đồng)", "value", Kind.NUMBER),
        _c("Thành tích", "achievement", Kind.TEXT),
        _c("Mã hồ sơ", "dossier", Kind.CODE),
        COL_VOID,
    ),
    unit_attr="unit",
)
CAN_BO = Tab(
    "CanBo",
    "Cán bộ làm công tác TĐKT",
    (
        _c("Mã cán bộ", "officer", Kind.CODE, required=True, key=True),
        _c("Họ tên", "name", Kind.TEXT, required=True),
        _c("Mã đơn vị", "unit", Kind.CODE, required=True),
        _c("Chức vụ", "position", Kind.TEXT),
        _c("Chế độ", "regime", Kind.ENUM, enum=REGIMES),
        _c("Ngày phân công", "assigned", Kind.DATE),
        _c("Ngày thôi", "left", Kind.DATE),
        _c("Điện thoại", "phone", Kind.TEXT),
        _c("Email", "email", Kind.EMAIL),
        COL_VOID,
    ),
    unit_attr="unit",
)
KHOA_HOC = Tab(
    "KhoaHoc",
    "Khóa tập huấn",
    (
        _c("Mã khóa", "course", Kind.CODE, required=True, key=True),
        _c("Tên khóa", "name", Kind.TEXT, required=True),
        _c("Mã đơn vị", "unit", Kind.CODE, required=True),
        _c("Ngày bắt đầu", "start", Kind.DATE, required=True),
        _c("Ngày kết thúc", "end", Kind.DATE),
        _c("Địa điểm", "place", Kind.TEXT),
        _c("Hình thức", "form", Kind.ENUM, enum=COURSE_FORMS),
        COL_VOID,
    ),
    unit_attr="unit",
)
DIEM_DANH = Tab(
    "DiemDanh",
    "Điểm danh",
    (
        _c("Mã khóa", "course", Kind.CODE, required=True, key=True),
        _c("Mã cán bộ", "officer", Kind.CODE, required=True, key=True),
        _c("Có mặt", "present", Kind.YESNO, required=True),
        _c("Ghi chú", "note", Kind.TEXT),
        COL_VOID,
    ),
    unit_attr=None,  # the course's organiser
)
DIEN_HINH = Tab(
    "DienHinh",
    "Điển hình tiên tiến",
    (
        _c("Mã", "exemplar", Kind.CODE, required=True, key=True),
        _c("Năm", "year", Kind.INT, required=True),
        _c("Tên", "name", Kind.TEXT, required=True),
        _c("Loại", "kind", Kind.ENUM, enum=EXEMPLAR_KINDS),
        _c("Mã đơn vị", "unit", Kind.CODE, required=True),
        _c("Nhóm đối tượng", "group", Kind.ENUM, enum=GROUPS),
        _c("Mã phong trào", "movement", Kind.CODE),
        _c("Kênh tuyên truyền", "channels", Kind.CHANNELS, enum=CHANNELS),
        _c("Ngày tuyên truyền", "publicised", Kind.DATE),
        _c("Đã nhân rộng", "replicated", Kind.YESNO),
        COL_VOID,
    ),
    unit_attr="unit",
)
BAO_CAO = Tab(
    "BaoCao",
    "Báo cáo định kỳ",
    (
        _c("Mã đơn vị", "unit", Kind.CODE, required=True, key=True),
        _c("Năm", "year", Kind.INT, required=True, key=True),
        _c("Kỳ", "period", Kind.ENUM, required=True, key=True, enum=PERIODS),
        _c("Ngày gửi", "sent", Kind.DATE, required=True),
        _c("Số, ký hiệu văn bản", "doc_no", Kind.TEXT),
        COL_VOID,
    ),
    unit_attr="unit",
)
NHAC_VIEC = Tab(
    "NhacViec",
    "Nhắc việc, đôn đốc",
    (
        _c("Mã nhắc", "reminder", Kind.CODE, required=True, key=True),
        _c("Đơn vị nhắc", "sender", Kind.CODE, required=True),
        _c("Mã đơn vị", "unit", Kind.CODE, required=True),
        _c("Năm", "year", Kind.INT, required=True),
        _c("Nội dung nhắc", "topic", Kind.ENUM, required=True, enum=REMINDER_TOPICS),
        _c("Kênh", "channel", Kind.ENUM, required=True, enum=REMINDER_CHANNELS),
        _c("Gửi đến", "to", Kind.TEXT),
        _c("Ngày nhắc", "date", Kind.DATE, required=True),
        _c("Nội dung", "body", Kind.TEXT),
        COL_VOID,
    ),
    unit_attr="sender",  # the record concerns the sender's unit (its scope, its home spreadsheet)
)

# --- the commendation workflow (SPEC 7) -------------------------------------------
DOSSIER_DRAFT = "Nháp"
DOSSIER_SENT = "Đã gửi"
DOSSIER_WITHDRAWN = "Rút"
DOSSIER_RECEIVED = "Đã tiếp nhận"
DOSSIER_RETURNED = "Trả lại"
DOSSIER_REVIEWED = "Đã xét duyệt"
DOSSIER_DECIDED = "Đã quyết định"
DOSSIER_STATUSES = (
    DOSSIER_DRAFT, DOSSIER_SENT, DOSSIER_WITHDRAWN, DOSSIER_RECEIVED, DOSSIER_RETURNED, DOSSIER_REVIEWED,
    DOSSIER_DECIDED,
)
RESULT_AGREED = "Đồng ý"
RESULT_REJECTED = "Không đồng ý"
RESULT_UPWARD = "Trình cấp trên"
RESULTS = (RESULT_AGREED, RESULT_REJECTED, RESULT_UPWARD)
PRINT_FIELDS = ("Tên", "Đơn vị", "Thành tích", "Số quyết định", "Ngày quyết định", "Người ký", "Số vào sổ")

HO_SO = Tab(
    "HoSo",
    "Hồ sơ đề nghị khen thưởng",
    (
        _c("Mã hồ sơ", "dossier", Kind.CODE, required=True, key=True),
        _c("Mã đơn vị", "unit", Kind.CODE, required=True),
        _c("Năm", "year", Kind.INT, required=True),
        _c("Trích yếu", "summary", Kind.TEXT, required=True),
        _c("Loại khen thưởng", "type", Kind.ENUM, enum=AWARD_TYPES),
        _c("Mã phong trào", "movement", Kind.CODE),
        _c("Trạng thái", "status", Kind.ENUM, required=True, enum=DOSSIER_STATUSES),
        _c("Số tờ trình", "submission_no", Kind.TEXT),
        _c("Ngày gửi", "sent", Kind.DATE),
        _c("Ngày tiếp nhận", "received", Kind.DATE),
        _c("Lý do trả lại", "return_reason", Kind.TEXT),
        _c("Ngày xét duyệt", "reviewed", Kind.DATE),
        _c("Số quyết định", "decision_no", Kind.TEXT),
        _c("Ngày quyết định", "decided", Kind.DATE),
        _c("Cấp khen", "level", Kind.ENUM, enum=AWARD_LEVELS),
        _c("Người ký", "signer", Kind.TEXT),
        COL_VOID,
    ),
    unit_attr="unit",
)
HO_SO_DANH_SACH = Tab(
    "HoSoDanhSach",
    "Danh sách đề nghị khen thưởng",
    (
        _c("Mã hồ sơ", "dossier", Kind.CODE, required=True, key=True),
        _c("STT", "line", Kind.INT, required=True, key=True),
        _c("Đối tượng", "subject", Kind.ENUM, required=True, enum=SUBJECTS),
        _c("Tên người hoặc tập thể", "name", Kind.TEXT, required=True),
        _c("Mã đơn vị", "unit", Kind.CODE, required=True),
        _c("Chức vụ", "position", Kind.TEXT),
        _c("Nhóm đối tượng", "group", Kind.ENUM, enum=GROUPS),
        _c("Giới tính", "gender", Kind.ENUM, enum=GENDERS),
        _c("Hình thức đề nghị", "form", Kind.TEXT, required=True),
        _c("Thành tích", "achievement", Kind.TEXT),
        _c("Giá trị làm lợi (đồng)", "value", Kind.NUMBER),
        _c("Kết quả", "result", Kind.ENUM, enum=RESULTS),
        _c("Tỉ lệ phiếu (%)", "vote", Kind.PERCENT),
        COL_VOID,
    ),
    unit_attr=None,  # the dossier's proposing unit (as DiemDanh concerns the course's organiser)
)
DANG_KY = Tab(
    "DangKy",
    "Đăng ký thi đua",
    (
        _c("Năm", "year", Kind.INT, required=True, key=True),
        _c("Mã đơn vị", "unit", Kind.CODE, required=True, key=True),
        _c("Ngày đăng ký", "registered", Kind.DATE, required=True),
        _c("Danh hiệu đăng ký", "titles", Kind.TEXT),
        _c("Số cá nhân đăng ký", "people", Kind.INT),
        _c("Ghi chú", "note", Kind.TEXT),
        COL_VOID,
    ),
    unit_attr="unit",
)
MAU_IN = Tab(
    "MauIn",
    "Vị trí in giấy khen, bằng khen",
    (
        _c("Hình thức", "form", Kind.TEXT, required=True, key=True),
        _c("Trường", "field", Kind.ENUM, required=True, key=True, enum=PRINT_FIELDS),
        _c("X (mm)", "x", Kind.NUMBER, required=True),
        _c("Y (mm)", "y", Kind.NUMBER, required=True),
        _c("Cỡ chữ", "size", Kind.NUMBER),
        COL_VOID,
    ),
    registry_only=True,
)

CONFIG_TABS: tuple[Tab, ...] = (DON_VI, CHI_TIEU, KY_BAO_CAO, NGUOI_DUNG, MAU_IN)
DATA_TABS: tuple[Tab, ...] = (
    KE_HOACH,
    PHONG_TRAO,
    KHEN_THUONG,
    CAN_BO,
    KHOA_HOC,
    DIEM_DANH,
    DIEN_HINH,
    BAO_CAO,
    NHAC_VIEC,
    HO_SO,
    HO_SO_DANH_SACH,
    DANG_KY,
)
ALL_TABS: tuple[Tab, ...] = CONFIG_TABS + DATA_TABS
TABS: dict[str, Tab] = {t.name: t for t in ALL_TABS}


def tab_named(name: str) -> Tab:
    return TABS[name]


def tab(name: str) -> Tab:
    return TABS[name]
