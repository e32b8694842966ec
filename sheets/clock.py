"""The app's clock: "today" is the date in Vietnam (UTC+7); tests and the demo can set it."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7), "ICT")

_fixed: datetime | None = None


def set_now(value: datetime | date | str | None) -> None:
    """Fix the clock (a date means midnight Vietnam time); None releases it."""
    global _fixed
    if value is None:
        _fixed = None
        return
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, 12, 0)
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)
    _fixed = value.astimezone(VN_TZ)


def now() -> datetime:
    """The current time in Vietnam, zone-aware."""
    if _fixed is not None:
        return _fixed
    env = os.environ.get("TDKT_TODAY")
    if env:
        set_now(env)
        assert _fixed is not None
        return _fixed
    return datetime.now(VN_TZ)


def today() -> date:
    return now().date()


def stamp() -> str:
    """ISO date-time with +07:00, as written to ``Cập nhật lúc``."""
    return now().replace(microsecond=0).isoformat()
