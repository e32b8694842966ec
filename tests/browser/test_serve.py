"""The app serves Tổng quan with figures in a real Chromium."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.browser.conftest import wait_for_app

BIN = Path(sys.executable).parent / "tdkt"


def test_tong_quan_serves_figures(server: str, new_page: Any) -> None:
    page = new_page()
    page.goto(server)
    wait_for_app(page)
    text = page.inner_text("body")
    assert "Tổng quan" in text and "Dữ liệu minh họa" in text
    out = subprocess.run([str(BIN), "indicators", "--source", "demo", "--year", "2026", "--format", "json"],
                         capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    t1a = next(i for i in data["indicators"] if i["code"] == "T1A")
    shown = f"{t1a['percent']:.1f}".replace(".", ",") + "\u00a0%"  # pct: a non-breaking space
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert shown in values
