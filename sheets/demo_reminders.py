"""Demo data of SPEC 8: units' contacts (``DonVi.Email``, ``Điện thoại``) and ``NhacViec``
reminders for the previous and the current year. Called by ``sheets.demo.build_demo``; it has
its own random streams, so every other demo figure stays as it was."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sheets import schema as S
from sheets.demo import PROVINCE, _rng, strip_marks

_EMAIL, _PHONE = 10, 11  # positions in a DonVi row (after Bảng tính)
_SENDERS = {"BABE": "canbo.babe@demo.tdkt.vn", "GD": "canbo.gd@demo.tdkt.vn", PROVINCE: "quantri@demo.tdkt.vn"}


def _mail(u: Any) -> str:
    slug = strip_marks(u.code).lower()
    if u.level == S.LEVEL_PROVINCE:
        return "vanphong@ldld.demo.tdkt.vn"
    if u.level == S.LEVEL_UPPER:
        return f"ldld.{slug}@demo.tdkt.vn"
    return f"cdcs.{slug}@demo.tdkt.vn"


def contacts(b: Any) -> None:
    """An e-mail for most units (some grassroots unions have none) and a phone for many."""
    rng = _rng(b.seed, "contacts")
    rows = b.rows[b.registry]["DonVi"]
    for u, row in zip(b.units, rows, strict=True):
        grass = u.level == S.LEVEL_GRASSROOTS
        if not grass or rng.random() < 0.75:
            row[_EMAIL] = _mail(u) if rng.random() > 0.1 else _mail(u).upper()  # typed in capitals: read fine
        if not grass or rng.random() < 0.6:
            row[_PHONE] = f"0209 {rng.randint(3800000, 3899999)}"


def _text(topic: str, name: str, year: int) -> str:
    what = {S.TOPIC_PLAN: f"ban hành kế hoạch và phát động thi đua năm {year}",
            S.TOPIC_REPORT: f"gửi báo cáo 6 tháng năm {year}",
            S.TOPIC_TRAINING: f"cử cán bộ làm công tác thi đua, khen thưởng tham gia tập huấn năm {year}"}[topic]
    return f"Kính gửi: {name}.\n\nĐề nghị đơn vị khẩn trương {what}.\n\nTrân trọng./."


def reminders(b: Any) -> None:
    """Reminders sent by districts, a sector union and the province, last year and this year."""
    rng = _rng(b.seed, "nhacviec")
    n = 0
    for year in (b.today.year - 1, b.today.year):
        for sender in b.uppers + [b.by_code[PROVINCE]]:
            kids = [k for k in b.children.get(sender.code, []) if k.level == S.LEVEL_GRASSROOTS]
            if sender.code == PROVINCE:
                kids = [k for k in b.uppers if k.exists_in(year)]
            plans = [(S.TOPIC_PLAN, date(year, 3, 10) + timedelta(days=rng.randint(0, 20)))]
            if sender.code == PROVINCE:
                plans = [(S.TOPIC_REPORT, date(year, 6, 18) + timedelta(days=rng.randint(0, 5))),
                         (S.TOPIC_TRAINING, date(year, 9, 5) + timedelta(days=rng.randint(0, 10)))]
            for topic, day in plans:
                if day > b.today or rng.random() < 0.3:
                    continue
                picked = [k for k in kids if k.alive(day) and rng.random() < 0.25]
                for k in picked:
                    n += 1
                    channel = rng.choice(("Email", "Email", "Zalo", "Điện thoại", "Văn bản"))
                    to = _mail(k) if channel == "Email" else None
                    b.out(b.sheet_of(sender.code), "NhacViec").append([
                        f"NV{year}-{n:04d}", sender.code, k.code, year, topic, channel, to,
                        day.strftime("%d/%m/%Y") if rng.random() < 0.5 else day,
                        _text(topic, k.name, year), None, None, _SENDERS.get(sender.code), None,
                    ])


def add(b: Any) -> None:
    contacts(b)
    reminders(b)
