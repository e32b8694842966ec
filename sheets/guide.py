"""The sheet contract for users: docs/huong-dan-bang-tinh.md, generated from sheets/schema.py
and the descriptions in sheets/schema_docs.py, so it cannot drift from what the app reads.

Regenerate with ``tdkt guide --out docs/huong-dan-bang-tinh.md``; tests/test_guide.py checks
that the committed file equals ``render()``.
"""

from __future__ import annotations

from sheets import schema as S
from sheets.parse import YEAR_ATTRS
from sheets.schema_docs import AUDIT_DOCS, COLUMN_DOCS, EXAMPLES, ROLE_DOCS, TAB_DOCS

GUIDE_PATH = "docs/huong-dan-bang-tinh.md"

NONNEG_ATTRS = frozenset({"members", "people"})  # whole numbers that may not be negative (sheets/parse)

_KIND_TEXT: dict[S.Kind, str] = {
    S.Kind.CODE: "mã (chữ, số, dấu gạch); được bỏ dấu cách hai đầu và viết hoa: `babe` là `BABE`",
    S.Kind.TEXT: "chữ tùy ý",
    S.Kind.YESNO: "`Có` / `Không` (cũng nhận `x`, `✓`, `C`, `Đã`; `K`, `Chưa`); để trống là Không",
    S.Kind.DATE: "ngày, ngày trước tháng: `15/01/2025` (cũng nhận `15-01-2025`, `15.01.2025`, "
                 "`2025-01-15`, ô kiểu ngày)",
    S.Kind.DATETIME: "ngày giờ: `28/12/2025 10:15` hoặc `2025-12-28T10:15:00+07:00` (giờ Việt Nam)",
    S.Kind.INT: "số nguyên",
    S.Kind.NUMBER: "số: `1.234.567`, `1 234 567` hoặc `1.234.567 đ`; dấu phẩy thập phân `0,85`",
    S.Kind.PERCENT: "tỉ lệ phần trăm: `85`, `85%` hoặc `85 %`; số từ 0 đến 1 không có dấu % là phân số "
                    "(`0,85` là 85 %, `1` là 100 %)",
    S.Kind.EMAIL: "địa chỉ e-mail, ví dụ `ten@congdoan.vn`",
}


def column_doc(tab: S.Tab, column: S.Column) -> str:
    """The meaning of a column; KeyError when neither table has it (a test failure)."""
    found = COLUMN_DOCS.get((tab.name, column.name))
    if found is None:
        found = AUDIT_DOCS[column.name]
    return found


def accepted(column: S.Column) -> str:
    """The values a column accepts, in Vietnamese, from its kind and enumeration."""
    if column.kind is S.Kind.ENUM:
        return "một trong: " + " / ".join(f"`{v}`" for v in column.enum)
    if column.kind is S.Kind.CHANNELS:
        return ("một hoặc nhiều trong: " + ", ".join(f"`{v}`" for v in column.enum)
                + "; cách nhau bằng dấu phẩy")
    if column.kind is S.Kind.INT and column.attr in YEAR_ATTRS:
        return "năm, bốn chữ số, ví dụ `2025`"
    if column.kind is S.Kind.INT and column.attr in NONNEG_ATTRS:
        return "số nguyên không âm"
    return _KIND_TEXT[column.kind]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _header_cell(tab: S.Tab, column: S.Column) -> str:
    name = f"`{column.name}`"
    if column.key:
        name = f"**{name}**"
    return name + ("\\*" if column.required else "")


def _anchor(tab: S.Tab) -> str:
    return tab.name.lower()


def _where(tab: S.Tab) -> str:
    if tab.registry_only:
        return "bảng tính đăng ký (LĐLĐ tỉnh giữ)"
    return "bảng tính của đơn vị, hoặc bảng tính đăng ký"


def _tab_section(tab: S.Tab) -> list[str]:
    doc = TAB_DOCS[tab.name]
    out = [f"## {tab.name}: {tab.title}", ""]
    out += [doc.purpose, ""]
    out += [f"- **Nằm ở:** {_where(tab)}.", f"- **Ai điền:** {doc.who}"]
    keys = [c.name for c in tab.columns if c.key]
    out.append("- **Khóa:** " + " + ".join(f"`{k}`" for k in keys)
               + (" (các dòng cùng khóa là các phiên bản của một bản ghi; dòng mới nhất được dùng)."))
    out += [f"- {note}" for note in doc.notes]
    out += ["", "| Cột | Bắt buộc | Giá trị nhận | Ý nghĩa |", "|---|---|---|---|"]
    for c in tab.all_columns:
        required = "khóa, bắt buộc" if c.key else ("bắt buộc" if c.required else "")
        out.append(f"| {_header_cell(tab, c)} | {required} | {_cell(accepted(c))} | {_cell(column_doc(tab, c))} |")
    if tab.name == S.NGUOI_DUNG.name:
        out += ["", "Các vai trò (cột `Vai trò`):", "", "| Vai trò | Dành cho | Được ghi |", "|---|---|---|"]
        for role in S.ROLES:
            who, may = ROLE_DOCS[role]
            out.append(f"| `{role}` | {_cell(who)} | {_cell(may)} |")
    example = EXAMPLES[tab.name]
    shown = [c for c in tab.columns if example.get(c.name)]
    out += ["", "Dòng ví dụ (cột để trống không ghi ở đây):", ""]
    out.append("| " + " | ".join(_cell(c.name) for c in shown) + " |")
    out.append("|" + "---|" * len(shown))
    out.append("| " + " | ".join(_cell(example[c.name]) for c in shown) + " |")
    out.append("")
    return out


def render() -> str:
    lines = [
        "# Hướng dẫn điền bảng tính",
        "",
        "<!-- Tệp này được sinh từ sheets/schema.py và sheets/schema_docs.py: đừng sửa tay.",
        "     Sinh lại: .venv/bin/tdkt guide --out docs/huong-dan-bang-tinh.md -->",
        "",
        "Mỗi cấp công đoàn giữ dữ liệu trong bảng tính của mình (Google Sheets, hoặc sổ tính .xlsx); "
        "LĐLĐ tỉnh giữ **bảng tính đăng ký** với danh sách đơn vị và các trang cấu hình. Tài liệu này "
        "liệt kê mọi trang (tab) và mọi cột ứng dụng đọc: ý nghĩa, giá trị được nhận và một dòng ví dụ. "
        "Tạo sẵn sổ tính mẫu có đủ tiêu đề và danh sách chọn bằng `tdkt template --out mau/`.",
        "",
        "## Quy tắc chung",
        "",
        "- **Dòng 1 là tiêu đề.** Tên cột phải đúng như dưới đây, nhưng không phân biệt hoa thường, "
        "dấu cách thừa, và gõ không dấu cũng được (`Ma don vi` khớp `Mã đơn vị`). Tên trang cũng vậy. "
        "Cột thêm ngoài danh sách được giữ nguyên và bỏ qua.",
        "- **Trang nào cũng không bắt buộc**: thiếu trang là trang đó trống. Thiếu một cột bắt buộc "
        "(dấu \\*) thì cả trang đó trong bảng tính đó bị bỏ qua và được báo lỗi.",
        "- **Dòng trống được bỏ qua.** Giá trị trống hoặc sai ở cột bắt buộc làm dòng đó bị bỏ (lỗi); ở "
        "cột không bắt buộc thì dòng vẫn được dùng, ô đó coi như trống (cảnh báo).",
        "- **Danh mục** (giá trị chọn từ danh sách) không phân biệt hoa thường và có dấu hay không "
        "(`ca nhan` là `Cá nhân`). **Mã** được bỏ dấu cách hai đầu và viết hoa.",
        "- **Ngày** luôn ghi ngày trước tháng: `5/3/2025` là ngày 5 tháng 3. Năm phải đủ bốn chữ số.",
        "- **Phạm vi.** Mỗi dòng dữ liệu nói về một đơn vị (`Mã đơn vị`), và đơn vị đó phải là đơn vị "
        "giữ bảng tính hoặc cấp dưới của nó (bảng tính đăng ký là của tỉnh). Dòng ngoài phạm vi bị báo "
        "lỗi và không được tính.",
        "- **Không xóa, không sửa dòng cũ.** Để sửa một bản ghi, thêm một dòng mới cùng khóa; để bỏ, "
        "thêm dòng cùng khóa với `Hủy` = Có. Ứng dụng cũng chỉ thêm dòng, nên lịch sử luôn còn.",
        "- Mỗi vấn đề được báo kèm bảng tính, trang, số dòng, cột, giá trị đã gõ và cách sửa: xem trang "
        "«Chất lượng dữ liệu» của ứng dụng hoặc `tdkt problems --source …`.",
        "",
        "Trong các bảng dưới đây, cột **in đậm** là khóa, dấu \\* là bắt buộc. Bốn cột cuối mỗi trang "
        "(`Hủy`, `Cập nhật lúc`, `Người cập nhật`, `Mã lần ghi`) là không bắt buộc; ứng dụng tự điền ba "
        "cột sau khi ghi.",
        "",
        "## Các trang",
        "",
        "| Trang | Nội dung | Nằm ở |",
        "|---|---|---|",
    ]
    for tab in S.ALL_TABS:
        lines.append(f"| [`{tab.name}`](#{_anchor(tab)}-{_slug(tab.title)}) | {tab.title} | {_where(tab)} |")
    lines.append("")
    for tab in S.ALL_TABS:
        lines += _tab_section(tab)
    return "\n".join(lines).rstrip("\n") + "\n"


def _slug(title: str) -> str:
    """GitHub's heading anchor for the part after «NAME: » (lower case, spaces to hyphens,
    punctuation other than hyphens dropped)."""
    out = []
    for ch in title.lower():
        if ch.isalnum() or ch in "-_":
            out.append(ch)
        elif ch == " ":
            out.append("-")
    return "".join(out)
