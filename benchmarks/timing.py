"""Timing helpers and the machine's description. Figures are medians: the machine is shared."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Samples:
    """Wall-clock and process-CPU seconds of repeated runs."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def runs(self) -> int:
        return len(self.wall)

    @property
    def median(self) -> float:
        return statistics.median(self.wall) if self.wall else float("nan")

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    @property
    def spread(self) -> tuple[float, float]:
        return (min(self.wall), max(self.wall)) if self.wall else (float("nan"), float("nan"))

    def as_json(self) -> dict[str, Any]:
        return {"wall": self.wall, "cpu": self.cpu, "median": self.median, "cpu_median": self.cpu_median}

    @classmethod
    def from_json(cls, d: dict[str, Any] | None) -> Samples:
        d = d or {}
        return cls(list(d.get("wall", [])), list(d.get("cpu", [])))


class Timer:
    """``with Timer() as t: ...`` then ``t.wall``, ``t.cpu`` (CPU of the whole process)."""

    wall: float
    cpu: float

    def __enter__(self) -> Timer:
        self._w = time.perf_counter()
        self._c = time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._w
        self.cpu = time.process_time() - self._c


def repeat(fn: Callable[[], Any], runs: int, samples: Samples | None = None) -> Samples:
    """Run ``fn`` ``runs`` times, timing each run."""
    out = samples if samples is not None else Samples()
    for _ in range(runs):
        with Timer() as t:
            fn()
        out.wall.append(t.wall)
        out.cpu.append(t.cpu)
    return out


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# --- the machine -------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def load_average() -> tuple[float, float, float] | None:
    try:
        return os.getloadavg()
    except OSError:
        return None


def machine() -> dict[str, Any]:
    import gspread
    import numpy
    import pandas
    import streamlit

    ram = _ram_gib()
    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram": f"{ram:.1f} GiB" if ram is not None else "?",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pandas": pandas.__version__,
        "numpy": numpy.__version__,
        "streamlit": streamlit.__version__,
        "gspread": gspread.__version__,
        "load_average": load_average(),
    }
