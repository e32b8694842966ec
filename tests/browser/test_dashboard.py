"""The dashboard in a real Chromium: Tổng quan shows the CLI's figures, before and after the
year is changed through the UI, and every dashboard page renders at 1280 px and at 390 px
(a phone) without an error or a page that scrolls sideways. Full-page screenshots go to
the screenshots folder (tests/browser/conftest.py) for people to look at."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from components.fmt import num, pct
from tests.browser.conftest import SCREENSHOTS, wait_for_app

pytestmark = pytest.mark.browser

TDKT = Path(sys.executable).parent / "tdkt"
PAGES = {
    "tong-quan": ("", "Cần đôn đốc"),
    "don-vi": ("don-vi", "Sắp xếp theo"),
    "phong-trao": ("phong-trao", "Tiến độ phong trào"),
    "khen-thuong": ("khen-thuong", "Danh sách khen thưởng"),
    "chat-luong": ("chat-luong", "Cảnh báo"),
}
CARD = re.compile(r"([\d.]+)/([\d.]+)\s+\S.*·\s*ngưỡng\s+(\S+\s%)")  # \s: "100 %" keeps a no-break space


def cli(year: int) -> dict[str, Any]:
    out = subprocess.run([str(TDKT), "indicators", "--source", "demo", "--year", str(year), "--format", "json"],
                         capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def settle(page: Any, text: str | None = None) -> None:
    """Wait for the script run to finish (and for a text, when given), then for drawing."""
    if text:
        page.get_by_text(text).first.wait_for(timeout=60000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=60000,
    )
    page.wait_for_timeout(800)


def shown_cards(page: Any) -> dict[str, tuple[str, str, str, str, str]]:
    """code -> (percent, numerator, denominator, threshold, verdict) as the page shows them."""
    out = {}
    for card in page.locator('[class*="st-key-card-"]').all():
        label = card.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        value = card.locator('[data-testid="stMetricValue"]').inner_text().strip()
        text = card.inner_text()
        m = CARD.search(text)
        assert m is not None, text
        verdict = "Chưa đạt" if "Chưa đạt" in text else ("Đạt" if "Đạt" in text else "—")
        out[label.split(" · ")[0]] = (value, m.group(1), m.group(2), m.group(3), verdict)
    return out


def expected_cards(data: dict[str, Any]) -> dict[str, tuple[str, str, str, str, str]]:
    out = {}
    for i in data["indicators"]:
        t = float(i["threshold"])
        verdict = "—" if i["met"] is None else ("Đạt" if i["met"] else "Chưa đạt")
        out[i["code"]] = (pct(i["percent"]), num(i["numerator"]), num(i["denominator"]),
                          pct(t, 0 if t.is_integer() else 1), verdict)
    return out


def test_tong_quan_shows_the_cli_figures_and_follows_the_year(server: str, new_page: Any) -> None:
    page = new_page(1280)
    page.goto(server)
    wait_for_app(page)
    settle(page, "Cần đôn đốc")
    assert "Dữ liệu minh họa" in page.inner_text("body")
    assert shown_cards(page) == expected_cards(cli(2026))

    page.locator(".st-key-year [role='combobox']").click()
    page.get_by_role("option", name="2024", exact=True).click()
    settle(page, "Số liệu năm 2024")
    page.wait_for_function("() => document.body.innerText.includes('31/12/2024')")
    assert shown_cards(page) == expected_cards(cli(2024))
    assert page.locator('[data-testid="stException"]').count() == 0

    page.get_by_role("tab", name="T3", exact=True).click()  # charts are drawn for the open tab only
    settle(page, "T3 · so sánh các đơn vị")
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 2


def full_page_shot(page: Any, path: Path, width: int) -> None:
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return Math.max(m ? m.scrollHeight : 0, document.body.scrollHeight); }"
    )
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 12000)})
    page.wait_for_timeout(1200)
    page.screenshot(path=str(path), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_every_dashboard_page_renders_and_fits(server: str, new_page: Any, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = new_page(width)
    page.goto(server)  # the first visit goes to the main page (deep links need a known page list)
    wait_for_app(page)
    settle(page, "Cần đôn đốc")
    for name, (path, marker) in PAGES.items():
        page.goto(f"{server}/{path}")
        wait_for_app(page)
        settle(page, marker)
        if name in ("tong-quan", "phong-trao", "khen-thuong"):
            page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first.wait_for(
                timeout=30000)
        assert page.locator('[data-testid="stException"]').count() == 0, name
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0, name
        overflow = page.evaluate(
            "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
            " return m.scrollWidth - m.clientWidth; }"
        )
        assert overflow <= 1, f"{name} scrolls sideways by {overflow} px at {width} px"
        shot = SCREENSHOTS / f"{name}-{'desktop' if width == 1280 else '390'}.png"
        full_page_shot(page, shot, width)
        page.set_viewport_size({"width": width, "height": 900})
        assert shot.stat().st_size > 10_000
