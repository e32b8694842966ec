"""Reminders (đôn đốc, SPEC 8): who may remind whom, the read-time rule, and the message text.

No Streamlit here. The write door (``sheets.write.append``) calls ``may_remind`` and
``check_write`` for the tab ``NhacViec``; the loader calls ``check_read``. Sending e-mail is
in ``sheets.mail``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from sheets import schema as S
from sheets.errors import PermissionDenied
from sheets.parse import ERROR, Problem

TAB = "NhacViec"
# roles that may write reminders (leaders read the log only)
REMINDER_ROLES = (S.ROLE_OFFICER, S.ROLE_TRAINER, S.ROLE_ADMIN, S.ROLE_DESK)


def may_remind(user: Any) -> bool:
    return str(user.role) in REMINDER_ROLES


def may_remind_unit(ds: Any, user: Any, unit: str, topic: str) -> bool:
    """Whether ``user`` may send a reminder about ``topic`` to ``unit`` (the page uses it to
    offer only what the door would accept)."""
    if not may_remind(user) or unit not in ds.tree:
        return False
    if user.role in (S.ROLE_ADMIN, S.ROLE_DESK):
        return True
    if user.role == S.ROLE_TRAINER and topic != S.TOPIC_TRAINING:
        return False
    return unit in ds.tree.subtree(user.unit)


def check_write(ds: Any, user: Any, frame: pd.DataFrame) -> None:
    """Refuse (``PermissionDenied``, nothing written) any reminder row the actor may not write.

    Officers remind units of their own subtree; training coordinators only about
    ``Tập huấn``, for their subtree; the province desk and administrators any unit. The
    sender is the actor's own unit (an administrator may record for any unit), and the unit
    reminded lies in the sender's subtree (SPEC 8)."""
    if not may_remind(user):
        raise PermissionDenied(f"Vai trò «{user.role}» chỉ được xem nhật ký nhắc việc, không được ghi.")
    for sender, unit, topic in zip(frame["sender"], frame["unit"], frame["topic"], strict=True):
        if user.role != S.ROLE_ADMIN and sender != user.unit:
            raise PermissionDenied(
                f"Đơn vị nhắc phải là đơn vị của tài khoản «{user.email}» ({ds.tree.name(user.unit)}), "
                f"không phải «{sender}»."
            )
        if user.role == S.ROLE_TRAINER and topic != S.TOPIC_TRAINING:
            raise PermissionDenied(
                f"Cán bộ điều phối đào tạo chỉ được nhắc việc về «{S.TOPIC_TRAINING}», không về «{topic}»."
            )
        if unit not in ds.tree:
            raise PermissionDenied(f"Đơn vị được nhắc «{unit}» không có trong DonVi.")
        if unit not in ds.tree.subtree(sender):
            raise PermissionDenied(
                f"Đơn vị {ds.tree.name(str(unit))} không trực thuộc {ds.tree.name(str(sender))}; "
                "chỉ được nhắc việc các đơn vị trong phạm vi của mình."
            )


def check_read(frame: pd.DataFrame, tree: Any, problems: list[Problem]) -> pd.DataFrame:
    """A reminder naming a unit that is unknown or not under its sender is an error, left out."""
    if not len(frame):
        return frame
    bad: list[bool] = []
    for sheet, tab, row, sender, unit in zip(frame["_sheet"], frame["_tab"], frame["_row"], frame["sender"],
                                             frame["unit"], strict=True):
        if unit not in tree:
            msg = "Đơn vị được nhắc không có trong DonVi; dòng này không được tính."
        elif unit not in tree.subtree(sender):
            msg = "Đơn vị được nhắc không trực thuộc đơn vị nhắc; dòng này không được tính."
        else:
            bad.append(False)
            continue
        bad.append(True)
        problems.append(Problem(ERROR, str(sheet), str(tab), int(row), "Mã đơn vị", str(unit), msg,
                                "Kiểm tra mã đơn vị được nhắc và đơn vị nhắc."))
    keep = ~pd.Series(bad, index=frame.index)
    return frame[keep.to_numpy()].reset_index(drop=True)


# --- messages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Lack:
    """One thing a unit has not done, as the message names it."""

    topic: str
    text: str  # "chưa ban hành kế hoạch thi đua năm 2026"
    deadline: date | None = None  # the deadline it missed or faces, when the data has one


@dataclass(frozen=True)
class Message:
    """One reminder to one unit (it may cover several topics: one NhacViec record each)."""

    unit: str
    unit_name: str
    topics: tuple[str, ...]
    to: tuple[str, ...]  # e-mail addresses (the unit's, then its active officers')
    subject: str
    body: str
    year: int
    sender: str  # the sender's unit

    def records(self, *, channel: str, day: date, batch: str) -> list[dict[str, Any]]:
        """The NhacViec rows of this message (codes derived from ``batch``: a retry names the
        same records)."""
        return [
            {
                "reminder": reminder_code(batch, self.unit, topic, day),
                "sender": self.sender,
                "unit": self.unit,
                "year": self.year,
                "topic": topic,
                "channel": channel,
                "to": ", ".join(self.to) if channel == "Email" else None,
                "date": day,
                "body": self.body,
            }
            for topic in self.topics
        ]


def reminder_code(batch: str, unit: str, topic: str, day: date) -> str:
    digest = hashlib.sha1(f"{batch}|{unit}|{topic}".encode()).hexdigest()[:6].upper()
    return f"NV{day:%Y%m%d}-{unit}-{digest}"


SUBJECT_WORDS = {S.TOPIC_DOSSIER: "hồ sơ đề nghị khen thưởng"}  # a topic named otherwise in a subject


def _day(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def compose(
    *,
    unit: str,
    unit_name: str,
    sender: str,
    sender_name: str,
    lacks: Sequence[Lack],
    year: int,
    as_of: date,
    respond_by: date,
    to: Iterable[str],
    app_url: str,
    signer: str = "",
) -> Message:
    """The message in plain official Vietnamese: what is missing for the year, the deadline,
    and where to update it."""
    topics = tuple(dict.fromkeys(lk.topic for lk in lacks))
    lines = []
    for i, lk in enumerate(lacks, start=1):
        tail = f" (hạn {_day(lk.deadline)})" if lk.deadline else ""
        text = lk.text[:1].upper() + lk.text[1:]
        lines.append(f"{i}. {text}{tail}.")
    body = "\n".join(
        [
            f"Kính gửi: {unit_name}.",
            "",
            "Thực hiện Kế hoạch số 48/KH-LĐLĐ ngày 09/04/2020 của Liên đoàn Lao động tỉnh về đổi mới "
            f"công tác thi đua, khen thưởng, {sender_name} đề nghị {unit_name} khẩn trương hoàn thành "
            f"các nội dung còn thiếu của năm {year} (theo số liệu đến ngày {_day(as_of)}):",
            "",
            *lines,
            "",
            f"Thời hạn hoàn thành: trước ngày {_day(respond_by)}.",
            "",
            f"Sau khi thực hiện, đề nghị đơn vị cập nhật số liệu tại ứng dụng theo dõi thi đua, khen thưởng: {app_url}",
            "",
            "Trân trọng./.",
            sender_name if not signer else f"{signer}\n{sender_name}",
        ]
    )
    subject = f"Đôn đốc thực hiện {', '.join(SUBJECT_WORDS.get(t, t.lower()) for t in topics)} năm {year} - {unit_name}"
    return Message(unit, unit_name, topics, tuple(dict.fromkeys(a for a in to if a)), subject, body, year, sender)
