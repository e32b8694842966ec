"""Demo data of SPEC 7: dossiers at every step, registrations (``DangKy``) and certificate
positions (``MauIn``), for the previous and the current year. Called by
``sheets.demo.build_demo`` on its own random streams, so every other demo figure stays as it was.

The rows follow the door's rules exactly as ``sheets.dossier`` would write them: each version
is the full current record with the step's fields changed, proposing-side versions go to the
proposing unit's home spreadsheet and receiving-side ones to the receiving unit's, stamps are
in step order, a return writes every list row again with its result blank, and a decision
appends one ``KhenThuong`` record per agreed row (``<Mã hồ sơ>-<STT>``) to the receiving unit's
home. tests/test_demo_dossiers.py checks that the loader's read pass accepts every one of them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sheets import schema as S
from sheets.demo import PROVINCE, _rng

DESK_EMAIL = "thidua@demo.tdkt.vn"
OFFICERS = {"BABE": "canbo.babe@demo.tdkt.vn", "GD": "canbo.gd@demo.tdkt.vn"}
PROVINCE_FORMS = ("Bằng khen của LĐLĐ tỉnh", "Bằng khen của LĐLĐ tỉnh", "Cờ thi đua của LĐLĐ tỉnh")
DISTRICT_FORM = "Giấy khen"
ACHIEVEMENTS = (
    "Hoàn thành xuất sắc nhiệm vụ năm {y}, tích cực tham gia phong trào thi đua lao động giỏi, lao động sáng tạo",
    "Có sáng kiến cải tiến kỹ thuật được áp dụng, làm lợi cho đơn vị",
    "Tiêu biểu trong phong trào «Giỏi việc nước, đảm việc nhà» năm {y}",
    "Đạt thành tích xuất sắc trong phong trào thi đua «Xanh - Sạch - Đẹp, Bảo đảm an toàn vệ sinh lao động»",
    "Tích cực trong công tác chăm lo đời sống đoàn viên, người lao động",
)
POSITIONS = {S.GROUP_WORKER: ("Công nhân", "Công nhân vận hành", "Lao động trực tiếp"),
             S.GROUP_STAFF: ("Giáo viên", "Chuyên viên", "Bác sĩ", "Kế toán viên"),
             S.GROUP_MANAGER: ("Chủ tịch công đoàn cơ sở", "Phó giám đốc", "Trưởng phòng", "Hiệu trưởng")}
REASONS = ("Thiếu bản tóm tắt thành tích có xác nhận của thủ trưởng đơn vị",
           "Tờ trình chưa ghi rõ số lượng tập thể, cá nhân đề nghị; đề nghị bổ sung",
           "Danh sách có người đã được tặng Bằng khen năm trước; đề nghị rà soát lại")

# Each plan: (status reached, returned and sent again before?, Đột xuất?, days before the
# year's reference day it was (last) sent). The reference day is today for the current year
# and 15/12 for the previous year.
CURRENT = (
    ("Nháp", False, False, 0), ("Nháp", False, False, 0),
    ("Đã gửi", False, False, 45), ("Đã gửi", False, False, 4), ("Đã gửi", False, True, 14),
    ("Rút", False, False, 30),
    ("Đã tiếp nhận", False, False, 12), ("Đã tiếp nhận", True, False, 38),
    ("Trả lại", False, False, 20),
    ("Đã xét duyệt", False, False, 25),
    ("Đã quyết định", False, False, 60), ("Đã quyết định", True, False, 75), ("Đã quyết định", False, False, 50),
)
PREVIOUS = (
    ("Đã quyết định", False, False, 40), ("Đã quyết định", True, False, 55), ("Đã quyết định", False, False, 35),
    ("Đã quyết định", False, True, 70), ("Rút", False, False, 60),
)


@dataclass
class _Dossier:
    code: str
    unit: Any  # sheets.demo._Unit
    receiver: Any
    record: dict[str, Any]
    lines: list[dict[str, Any]] = field(default_factory=list)
    clock: datetime = datetime(2000, 1, 1)
    n: int = 0


class _Writer:
    """Appends versions to the builder's rows, as the write door would."""

    def __init__(self, b: Any) -> None:
        self.b = b

    def _row(self, tab: S.Tab, values: dict[str, Any]) -> list[Any]:
        return [values.get(c.attr) for c in tab.all_columns]

    def _stamp(self, d: _Dossier, day: date, proposer: bool) -> dict[str, Any]:
        t = datetime(day.year, day.month, day.day, 9 if proposer else 14, 0, 0)
        d.clock = max(t, d.clock + timedelta(seconds=1))
        d.n += 1
        return {"stamp": d.clock.isoformat() + "+07:00", "write_id": f"demo-{d.code}-{d.n}"}

    def _author(self, d: _Dossier, proposer: bool) -> str:
        who = d.unit if proposer else d.receiver
        if who.code == PROVINCE:
            return DESK_EMAIL
        return OFFICERS.get(who.code) or OFFICERS.get(who.parent or "", f"ldld.{who.code.lower()}@demo.tdkt.vn")

    def version(self, d: _Dossier, day: date, **changes: Any) -> None:
        status = changes.get("status", d.record["status"])
        proposer = status in (S.DOSSIER_DRAFT, S.DOSSIER_SENT, S.DOSSIER_WITHDRAWN)
        d.record.update(changes)
        values = {**d.record, **self._stamp(d, day, proposer), "author": self._author(d, proposer)}
        sheet = self.b.sheet_of(d.unit.code if proposer else d.receiver.code)
        self.b.out(sheet, "HoSo").append(self._row(S.HO_SO, values))

    def lines(self, d: _Dossier, day: date, rows: list[dict[str, Any]], *, receiving: bool) -> None:
        audit = {**self._stamp(d, day, not receiving), "author": self._author(d, not receiving)}
        sheet = self.b.sheet_of(d.receiver.code if receiving else d.unit.code)
        out = self.b.out(sheet, "HoSoDanhSach")
        for r in rows:
            out.append(self._row(S.HO_SO_DANH_SACH, {**r, "dossier": d.code, **audit}))

    def awards(self, d: _Dossier) -> None:
        rec = d.record
        out = self.b.out(self.b.sheet_of(d.receiver.code), "KhenThuong")
        audit = {"stamp": (d.clock + timedelta(seconds=1)).isoformat() + "+07:00",
                 "author": self._author(d, False), "write_id": f"demo-{d.code}-KT"}
        for r in d.lines:
            if r.get("result") != S.RESULT_AGREED:
                continue
            out.append(self._row(S.KHEN_THUONG, {
                "award": f"{d.code}-{r['line']}", "dossier": d.code, "year": rec["year"],
                "decision_no": rec["decision_no"], "decided": rec["decided"], "level": rec["level"],
                "type": rec["type"], "movement": rec["movement"], "form": r["form"], "subject": r["subject"],
                "name": r["name"], "unit": r["unit"], "position": r.get("position"), "group": r.get("group"),
                "gender": r.get("gender"), "value": r.get("value"), "achievement": r.get("achievement"), **audit,
            }))


def _nominees(b: Any, rng: random.Random, d: _Dossier, year: int) -> list[dict[str, Any]]:
    pool = [d.unit] + [k for k in b.children.get(d.unit.code, []) if k.exists_in(year)]
    form = DISTRICT_FORM if d.receiver.level != S.LEVEL_PROVINCE else rng.choice(PROVINCE_FORMS[:2])
    out: list[dict[str, Any]] = []
    teams: set[str] = set()
    for i in range(rng.randint(3, 7)):
        who = rng.choice(pool)
        if (i == 0 or rng.random() < 0.2) and who.code not in teams:
            teams.add(who.code)
            name = who.name
            out.append({"line": i + 1, "subject": S.SUBJECT_COLLECTIVE, "name": name, "unit": who.code,
                        "form": rng.choice(PROVINCE_FORMS) if form != DISTRICT_FORM else form,
                        "achievement": rng.choice(ACHIEVEMENTS).format(y=year)})
            continue
        group = rng.choices((S.GROUP_WORKER, S.GROUP_STAFF, S.GROUP_MANAGER, S.GROUP_OTHER), (3, 2, 5, 1))[0]
        name, gender = b.person(rng)
        out.append({"line": i + 1, "subject": S.SUBJECT_PERSON, "name": name, "unit": who.code, "group": group,
                    "gender": gender, "position": rng.choice(POSITIONS.get(group, ("Đoàn viên",))),
                    "form": form, "achievement": rng.choice(ACHIEVEMENTS).format(y=year),
                    "value": rng.choice((None, None, 15_000_000, 42_500_000)) if group == S.GROUP_WORKER else None})
    return out


def _proposers(b: Any, year: int) -> list[tuple[Any, Any]]:
    """(proposing unit, receiving unit): upper units to the province, and grassroots unions of
    the two districts with an officer in NguoiDung to their district."""
    out = [(u, b.by_code[PROVINCE]) for u in b.uppers if u.exists_in(year)]
    for upper in OFFICERS:
        if upper in b.by_code:
            kids = [k for k in b.children.get(upper, []) if k.level == S.LEVEL_GRASSROOTS and k.exists_in(year)]
            out += [(k, b.by_code[upper]) for k in kids[:4]]
    return out


def dossiers(b: Any) -> None:
    w = _Writer(b)
    for year, plans in ((b.today.year - 1, PREVIOUS), (b.today.year, CURRENT)):
        if year < 2020:
            continue
        rng = _rng(b.seed, "hoso", year)
        ref = b.today if year == b.today.year else date(year, 12, 15)
        pairs = _proposers(b, year)
        # the first proposers are fixed so the demo users always find work: BABE and GD to the
        # province, then a grassroots union of BABE to its district; the rest at random
        fixed = [p for p in pairs if p[0].code in OFFICERS]
        fixed += [p for p in pairs if p[1].code == "BABE"][:2]
        rest = [p for p in pairs if p not in fixed]
        rng.shuffle(rest)
        order = fixed + rest
        counters: dict[str, int] = {}
        for i, (status, looped, urgent, back) in enumerate(plans):
            unit, receiver = order[i % len(order)]
            counters[unit.code] = counters.get(unit.code, 0) + 1
            code = f"HS{year}-{unit.code}-{counters[unit.code]}"
            sent = ref - timedelta(days=back)
            start = sent - timedelta(days=rng.randint(5, 20) + (30 if looped else 0))
            level = "LĐLĐ tỉnh" if receiver.level == S.LEVEL_PROVINCE else "Cấp trên cơ sở"
            what = "Bằng khen, Cờ thi đua của LĐLĐ tỉnh" if level == "LĐLĐ tỉnh" else "Giấy khen"
            kind = "Đột xuất" if urgent else None
            d = _Dossier(code, unit, receiver, {
                "dossier": code, "unit": unit.code, "year": year, "type": kind, "movement": None,
                "summary": f"Đề nghị tặng {what} {'đột xuất ' if urgent else ''}năm {year}",
                "status": S.DOSSIER_DRAFT, "void": False,
            })
            d.lines = _nominees(b, rng, d, year)
            w.version(d, start)
            w.lines(d, start, d.lines, receiving=False)
            if status == S.DOSSIER_DRAFT:
                continue
            if looped:  # sent, received, returned with a reason, fixed, sent again
                first = start + timedelta(days=3)
                w.version(d, first, status=S.DOSSIER_SENT, sent=first, submission_no=f"{rng.randint(10, 99)}/TTr-CĐ")
                w.version(d, first + timedelta(days=4), status=S.DOSSIER_RECEIVED, received=first + timedelta(days=4))
                back_day = first + timedelta(days=9)
                w.version(d, back_day, status=S.DOSSIER_RETURNED, return_reason=rng.choice(REASONS))
                w.lines(d, back_day, d.lines, receiving=True)  # results cleared (none were given)
                fix = [dict(r, achievement=(r.get("achievement") or "") + "; có xác nhận của thủ trưởng đơn vị")
                       for r in d.lines[:2]]
                d.lines[:2] = fix
                w.lines(d, back_day + timedelta(days=5), fix, receiving=False)
            w.version(d, sent, status=S.DOSSIER_SENT, sent=sent, return_reason=None,
                      submission_no=d.record.get("submission_no") or f"{rng.randint(10, 99)}/TTr-CĐ")
            if status == S.DOSSIER_SENT:
                continue
            if status == S.DOSSIER_WITHDRAWN:
                w.version(d, sent + timedelta(days=2), status=S.DOSSIER_WITHDRAWN)
                continue
            if status == S.DOSSIER_RETURNED:
                w.version(d, sent + timedelta(days=6), status=S.DOSSIER_RETURNED, return_reason=rng.choice(REASONS))
                w.lines(d, sent + timedelta(days=6), d.lines, receiving=True)
                continue
            got = sent + timedelta(days=2)
            w.version(d, got, status=S.DOSSIER_RECEIVED, received=got)
            results = []
            for r in d.lines:
                if status == S.DOSSIER_RECEIVED and r["line"] > 2:
                    break  # the council has not finished: some rows still without a result
                x = rng.random()
                res = S.RESULT_AGREED if x < 0.82 else (S.RESULT_REJECTED if x < 0.94 else S.RESULT_UPWARD)
                r.update(result=res, vote=float(rng.randint(55, 100)) if res != S.RESULT_REJECTED else 40.0)
                results.append(r)
            w.lines(d, got + timedelta(days=1), results, receiving=True)
            if status == S.DOSSIER_RECEIVED:
                continue
            met = sent + timedelta(days=min(back - 1, rng.randint(8, 14))) if back > 9 else got + timedelta(days=1)
            w.version(d, met, status=S.DOSSIER_REVIEWED, reviewed=met)
            if status == S.DOSSIER_REVIEWED:
                continue
            decided = min(ref, met + timedelta(days=rng.randint(3, 10)))
            signer = "Chủ tịch Hoàng Văn Minh" if level == "LĐLĐ tỉnh" else f"Chủ tịch {b.person(rng)[0]}"
            w.version(d, decided, status=S.DOSSIER_DECIDED, decided=decided, level=level, signer=signer,
                      decision_no=f"{rng.randint(100, 999)}/QĐ-{'LĐLĐ' if level == 'LĐLĐ tỉnh' else 'LĐLĐH'}")
            w.awards(d)


REG_TITLES_UPPER = "Cờ thi đua của LĐLĐ tỉnh, Bằng khen của LĐLĐ tỉnh"
REG_TITLES_GRASS = ("Công đoàn cơ sở vững mạnh", "Công đoàn cơ sở vững mạnh, Giấy khen",
                    "Công đoàn cơ sở vững mạnh, Bằng khen của LĐLĐ tỉnh")


def registrations(b: Any) -> None:
    """Most units register early in the year; some late, some not at all."""
    for year in (b.today.year - 1, b.today.year):
        rng = _rng(b.seed, "dangky", year)
        for u in b.units:
            if u.level == S.LEVEL_PROVINCE or not u.exists_in(year) or rng.random() < 0.3:
                continue
            day = date(year, 1, 15) + timedelta(days=rng.randint(0, 75))
            if day > b.today:
                continue
            upper = u.level == S.LEVEL_UPPER
            b.out(b.sheet_of(u.code), "DangKy").append([
                year, u.code, day, REG_TITLES_UPPER if upper else rng.choice(REG_TITLES_GRASS),
                rng.randint(5, 40) if upper else rng.randint(1, 8), None, None, None, None, None,
            ])


# A4 landscape blank stock (297 x 210 mm): where each field is printed
PRINT_POSITIONS = {
    "Bằng khen của LĐLĐ tỉnh": (("Tên", 62, 98, 22), ("Đơn vị", 62, 112, 14), ("Thành tích", 62, 126, 13),
                               ("Số quyết định", 70, 172, 11), ("Ngày quyết định", 200, 160, 12),
                               ("Người ký", 215, 192, 14), ("Số vào sổ", 70, 180, 11)),
    "Giấy khen": (("Tên", 62, 92, 20), ("Đơn vị", 62, 106, 14), ("Thành tích", 62, 120, 12),
                  ("Số quyết định", 60, 170, 11), ("Ngày quyết định", 205, 158, 12), ("Người ký", 215, 190, 13)),
}


def print_positions(b: Any) -> None:
    out = b.out(b.registry, "MauIn")
    for form, fields in PRINT_POSITIONS.items():
        for name, x, y, size in fields:
            out.append([form, name, x, y, size, None, None, None, None])


def add(b: Any) -> None:
    dossiers(b)
    registrations(b)
    print_positions(b)
