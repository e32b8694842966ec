"""A small province for indicator tests. Each row says why it counts or not (year 2025, E = 31/12/2025).

Expected at as-of 31/12/2025, province scope:
  T1A 2/2, T1B 2/5, T2 2/4, T3 3/5, T4 2/5, O1 4/5, O2 2/4, O3 3/10.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sheets import schema as S
from sheets.stores.base import Grid
from sheets.text import fold

D = date
Y = "Có"
N = "Không"


def grid(tab: S.Tab, rows: list[dict[str, Any]], extra: tuple[str, ...] = ()) -> Grid:
    cols = [c for c in tab.all_columns if c.attr in {k for r in rows for k in r} or c.required]
    header: list[Any] = [c.name for c in cols] + list(extra)
    out: Grid = [header]
    for r in rows:
        out.append([r.get(c.attr) for c in cols] + [r.get(e) for e in extra])
    return out


UNITS = [
    dict(unit="BK", name="LĐLĐ tỉnh", level="Tỉnh"),
    dict(unit="H1", name="LĐLĐ huyện Một", level="Cấp trên cơ sở", parent="BK", sheet="H1",
         kind="LĐLĐ huyện, thành phố"),
    # H2: founded after E -> not active, out of T1A, O2
    dict(unit="H2", name="LĐLĐ huyện Hai", level="Cấp trên cơ sở", parent="BK", founded=D(2026, 2, 1)),
    # H3: dissolved in October -> out of every year-end figure
    dict(unit="H3", name="LĐLĐ huyện Ba", level="Cấp trên cơ sở", parent="BK", dissolved=D(2025, 10, 1),
         status="Đã giải thể"),
    # H4: marked dissolved with a date after E -> still active
    dict(unit="H4", name="Công đoàn ngành Bốn", level="Cấp trên cơ sở", parent="BK", status="Đã giải thể",
         dissolved=D(2026, 3, 1), kind="Công đoàn ngành"),
    dict(unit="C1", name="CĐCS Một", level="Cơ sở", parent="H1", members=120),
    # C2: dissolved with no date -> not active
    dict(unit="C2", name="CĐCS Hai", level="Cơ sở", parent="H1", status="Đã giải thể"),
    dict(unit="C3", name="CĐCS Ba", level="Cơ sở", parent="H1"),
    dict(unit="C4", name="CĐCS Bốn (trực thuộc tỉnh)", level="Cơ sở", parent="BK"),
    # C5: its parent is dissolved but C5 itself is active
    dict(unit="C5", name="CĐCS Năm", level="Cơ sở", parent="H3"),
    dict(unit="C6", name="CĐCS Sáu", level="Cơ sở", parent="H1"),
]

PLANS_REGISTRY = [
    dict(year=2025, unit="H4", has_plan=Y, launched=Y),  # counts (T1A)
    dict(year=2025, unit="C4", has_plan=Y, launched=Y),  # counts (T1B)
    dict(year=2024, unit="C5", has_plan=Y, launched=Y),  # another year: C5 has no 2025 plan
]
PLANS_H1 = [
    dict(year=2025, unit="H1", has_plan=Y, launched=Y),  # counts (T1A)
    dict(year=2025, unit="C1", has_plan=Y, launched=Y),  # superseded by the void below
    dict(year=2025, unit="C3", has_plan=Y, launched=N),  # older row: plan but no launch
    dict(year=2025, unit="C3", has_plan=Y, launched=Y),  # further down = newer: C3 counts
    dict(year=2025, unit="C1", has_plan=Y, launched=Y, void=Y, stamp="2025-11-02T09:00:00+07:00"),  # C1 voided
    # outside H1's subtree: an error, must not override H4's registry record
    dict(year=2025, unit="H4", has_plan=N, launched=N, stamp="2025-12-01T08:00:00"),
]

MOVEMENTS_REGISTRY = [
    # P1: mid-term held late but before E; final due 31/12 (blank) and held -> counts
    dict(movement="P1", name="Lao động giỏi, lao động sáng tạo", unit="BK", launched=D(2025, 1, 10),
         mid_due=D(2025, 6, 30), mid_held=D(2025, 7, 5), final_held=D(2025, 12, 20)),
    # P2: stopped -> in the denominator, never counted
    dict(movement="P2", name="Xanh - Sạch - Đẹp", unit="BK", launched=D(2025, 2, 1), status="Dừng"),
    # P5: launched by a unit dissolved before E -> out
    dict(movement="P5", name="Phong trào của H3", unit="H3", launched=D(2025, 3, 1)),
    # P6: ended in 2023 (blank end year = launch year) -> out
    dict(movement="P6", name="Phong trào cũ", unit="BK", launched=D(2023, 1, 1)),
    # P7: launched after E -> out
    dict(movement="P7", name="Phong trào năm sau", unit="BK", launched=D(2026, 1, 5)),
]
MOVEMENTS_H1 = [
    # P3: running to 2026, mid-term due 30/06/2025 and never held -> overdue
    dict(movement="P3", name="Giỏi việc nước, đảm việc nhà", unit="H1", launched=D(2024, 3, 1), end_year=2026,
         mid_due=D(2025, 6, 30), final_due=D(2026, 12, 31)),
    # P4: no review due yet -> counts
    dict(movement="P4", name="Đổi mới, sáng tạo", unit="H1", launched=D(2025, 3, 1), end_year=2026,
         mid_due=D(2026, 1, 15), final_due=D(2026, 12, 31)),
]

AWARDS_REGISTRY = [
    # K1: worker -> numerator
    dict(award="K1", year=2025, decided=D(2025, 5, 1), form="Bằng khen của LĐLĐ tỉnh", subject="Cá nhân",
         name="Nguyễn Văn A", unit="C4", group="Công nhân, lao động trực tiếp", gender="Nam"),
    # K2: manager -> denominator only
    dict(award="K2", year=2025, decided=D(2025, 5, 1), form="Bằng khen của LĐLĐ tỉnh", subject="Cá nhân",
         name="Trần Thị B", unit="C4", group="Lãnh đạo, quản lý", gender="Nữ"),
    # K3: blank group -> denominator only, with a warning
    dict(award="K3", year=2025, decided=D(2025, 6, 1), form="Giấy khen", subject="Cá nhân", name="Lê C", unit="BK"),
    # K5: decided in February of the next year: out at A = 31/12/2025, in at A = 01/03/2026
    dict(award="K5", year=2025, decided=D(2026, 2, 10), form="Bằng khen của LĐLĐ tỉnh", subject="Cá nhân",
         name="Phạm D", unit="C4", group="Công nhân, lao động trực tiếp"),
    # K6: a collective -> out of T3
    dict(award="K6", year=2025, decided=D(2025, 5, 1), form="Cờ thi đua của LĐLĐ tỉnh", subject="Tập thể",
         name="CĐCS Bốn", unit="C4"),
    # K7: unit dissolved since -> still counted (T3 ignores the unit's state)
    dict(award="K7", year=2025, decided=D(2025, 3, 1), form="Giấy khen", subject="Cá nhân", name="Hoàng E",
         unit="H3", group="Công nhân, lao động trực tiếp"),
]
AWARDS_H1 = [
    # K4: blank year -> year of the decision (2025); civil servant without a post -> numerator
    dict(award="K4", decided=D(2025, 12, 1), form="Giấy khen", subject="Cá nhân", name="Đỗ F", unit="C1",
         group="CCVC không giữ chức vụ lãnh đạo, quản lý"),
]

OFFICERS_REGISTRY = [
    # O4: assigned after the course he attended -> warning, still counts
    dict(officer="CB4", name="Cán bộ Bốn", unit="C4", assigned=D(2025, 11, 1), phone="0912000004"),
    # O5: trained only in 2024 -> in T4's denominator, not counted
    dict(officer="CB5", name="Cán bộ Năm", unit="C5", assigned=D(2023, 1, 1)),
    # O6: unit dissolved -> out of T4
    dict(officer="CB6", name="Cán bộ Sáu", unit="H3"),
]
OFFICERS_H1 = [
    dict(officer="CB1", name="Cán bộ Một", unit="C1", assigned=D(2024, 1, 1)),  # trained in KH1 -> counts
    dict(officer="CB2", name="Cán bộ Hai", unit="C3"),  # marked present, then re-marked absent -> not trained
    dict(officer="CB3", name="Cán bộ Ba", unit="C3", left=D(2025, 6, 30)),  # left before E -> out
    dict(officer="CB7", name="Cán bộ Bảy", unit="C1"),  # attended a voided course only -> not trained
]

COURSES_REGISTRY = [
    dict(course="KH0", name="Tập huấn 2024", unit="BK", start=D(2024, 5, 1), end=D(2024, 5, 3)),
    dict(course="KH2", name="Tập huấn nghiệp vụ TĐKT", unit="BK", start=D(2025, 9, 1)),  # end blank = start
    dict(course="KH3", name="Khóa đã hủy", unit="BK", start=D(2025, 5, 5), void=Y),
]
COURSES_H1 = [
    dict(course="KH1", name="Tập huấn huyện Một", unit="H1", start=D(2025, 4, 8), end=D(2025, 4, 10)),
]
ATTENDANCE_REGISTRY = [
    dict(course="KH0", officer="CB5", present=Y),
    dict(course="KH2", officer="CB4", present=Y),
    dict(course="KH3", officer="CB7", present=Y),  # voided course -> warning, counts nowhere
]
ATTENDANCE_H1 = [
    dict(course="KH1", officer="CB1", present=Y),
    dict(course="KH1", officer="CB2", present=Y),
    dict(course="KH1", officer="CB2", present=N, stamp="2025-04-11T08:00:00+07:00"),  # re-marked absent
]

REPORTS_REGISTRY = [
    dict(unit="H4", year=2025, period="6 tháng", sent=D(2025, 6, 15)),  # on the deadline -> on time
    dict(unit="H3", year=2025, period="6 tháng", sent=D(2025, 6, 1)),  # dissolved unit -> out
    dict(unit="C4", year=2025, period="6 tháng", sent=D(2025, 6, 1)),  # on time
]
REPORTS_H1 = [
    dict(unit="H1", year=2025, period="6 tháng", sent=D(2025, 6, 10)),  # on time
    dict(unit="H1", year=2025, period="Năm", sent=D(2025, 12, 21)),  # late: deadline 20/12 in KyBaoCao
    dict(unit="C1", year=2025, period="6 tháng", sent=D(2025, 6, 14)),  # on time
    dict(unit="C1", year=2025, period="Năm", sent=D(2025, 12, 20)),  # on time
]

TARGETS = [
    dict(year=2025, code="T1B", threshold="90%"),
    dict(year=2025, code="T3", threshold="0,2"),
]
DEADLINES = [dict(year=2025, period="Năm", deadline=D(2025, 12, 20))]
USERS = [
    dict(email="admin@x.vn", name="Quản trị", role="Quản trị", unit="BK"),
    dict(email="leader@x.vn", name="Lãnh đạo", role="Lãnh đạo tỉnh", unit="BK"),
    dict(email="h1@x.vn", name="Cán bộ H1", role="Cán bộ cấp trên cơ sở", unit="H1"),
    dict(email="train@x.vn", name="Điều phối H1", role="Điều phối đào tạo", unit="H1"),
]

EXPECTED_2025 = {
    "T1A": (2, 2),
    "T1B": (2, 5),
    "T2": (2, 4),
    "T3": (3, 5),
    "T4": (2, 5),
    "O1": (4, 5),
    "O2": (2, 4),
    "O3": (3, 10),
}


def province() -> dict[str, dict[str, Grid]]:
    """Spreadsheets of the fixture province: the registry and H1's own spreadsheet."""
    return {
        "registry": {
            "DonVi": grid(S.DON_VI, UNITS),
            "ChiTieu": grid(S.CHI_TIEU, TARGETS),
            "KyBaoCao": grid(S.KY_BAO_CAO, DEADLINES),
            "NguoiDung": grid(S.NGUOI_DUNG, USERS),
            "KeHoach": grid(S.KE_HOACH, PLANS_REGISTRY),
            "PhongTrao": grid(S.PHONG_TRAO, MOVEMENTS_REGISTRY),
            "KhenThuong": grid(S.KHEN_THUONG, AWARDS_REGISTRY),
            "CanBo": grid(S.CAN_BO, OFFICERS_REGISTRY),
            "KhoaHoc": grid(S.KHOA_HOC, COURSES_REGISTRY),
            "DiemDanh": grid(S.DIEM_DANH, ATTENDANCE_REGISTRY),
            "BaoCao": grid(S.BAO_CAO, REPORTS_REGISTRY),
        },
        "H1": {
            "KeHoach": grid(S.KE_HOACH, PLANS_H1),
            "PhongTrao": grid(S.PHONG_TRAO, MOVEMENTS_H1),
            "KhenThuong": grid(S.KHEN_THUONG, AWARDS_H1),
            "CanBo": grid(S.CAN_BO, OFFICERS_H1),
            "KhoaHoc": grid(S.KHOA_HOC, COURSES_H1),
            "DiemDanh": grid(S.DIEM_DANH, ATTENDANCE_H1),
            "BaoCao": grid(S.BAO_CAO, REPORTS_H1),
        },
    }


def _strip(text: str) -> str:
    """Remove diacritics but keep the case and spacing as typed."""
    import unicodedata

    t = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", t) if not unicodedata.combining(c))


def messy(sheets: dict[str, dict[str, Grid]]) -> dict[str, dict[str, Grid]]:
    """The same data typed the way people do: headers without diacritics, lower-case codes,
    mixed date formats, yes/no variants, enumerations without diacritics."""
    date_styles = itertools.cycle(["d/m/Y", "dd-mm-YYYY", "iso", "serial", "dd.mm.YYYY", "text-serial"])
    yes_styles = itertools.cycle(["x", "co", "1", "Đã", True])
    no_styles = itertools.cycle(["", "khong", "0", "Chưa", False])
    out: dict[str, dict[str, Grid]] = {}
    for sheet, tabs in sheets.items():
        out[sheet] = {}
        for tab_name, g in tabs.items():
            t = S.TABS[tab_name]
            by_fold = {fold(c.name): c for c in t.all_columns}
            cols = [by_fold.get(fold(str(h))) for h in g[0]]
            header = [_strip(str(h)).lower() if i % 2 else _strip(str(h)).upper() for i, h in enumerate(g[0])]
            rows: Grid = [header]
            for r in g[1:]:
                new: list[Any] = []
                for v, c in zip(r, cols, strict=True):
                    if c is None or v is None:
                        new.append(v)
                    elif isinstance(v, date) and c.kind is S.Kind.DATE:
                        style = next(date_styles)
                        serial = (v - date(1899, 12, 30)).days
                        new.append({
                            "d/m/Y": f"{v.day}/{v.month}/{v.year}",
                            "dd-mm-YYYY": v.strftime("%d-%m-%Y"),
                            "iso": v.isoformat(),
                            "serial": serial,
                            "dd.mm.YYYY": v.strftime("%d.%m.%Y"),
                            "text-serial": str(serial),
                        }[style])
                    elif c.kind is S.Kind.CODE and isinstance(v, str):
                        new.append(" " + v.lower() + " ")
                    elif c.kind is S.Kind.YESNO and v in (Y, N):
                        new.append(next(yes_styles) if v == Y else next(no_styles))
                    elif c.kind is S.Kind.ENUM and isinstance(v, str):
                        new.append(_strip(v).lower())
                    elif c.kind is S.Kind.INT and isinstance(v, int):
                        new.append(str(v))
                    else:
                        new.append(v)
                rows.append(new)
            out[sheet][_strip(tab_name).lower()] = rows
    return out
