"""Vietnamese formatting: moved to ``indicators.fmt`` (below both screens and reports); kept here
so code importing ``components.fmt`` keeps working."""

from __future__ import annotations

from indicators.fmt import *  # noqa: F403
from indicators.fmt import day, num, pct

__all__ = ["day", "num", "pct"]
