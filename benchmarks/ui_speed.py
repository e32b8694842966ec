"""``python -m benchmarks.ui_speed``: what a person waits for in Chromium (issue 13), median of five.

Each figure runs from the click until its result is on screen and the script run is over:

- page change: a menu entry tapped until the new page's heading and first content are drawn;
- role switch: a user's name tapped in the open «Đóng vai» list until the page shows them (the
  time spent opening the list and typing the name is the person's, not the app's);
- save: «Phát động» pressed until its confirmation is drawn (the movement counted in T2's list);

beside, in the same run, the baseline: a rerun that changes nothing on screen (the «Năm» box
set to the year it shows), the floor of any Streamlit round trip on this machine. Goals: page
change and role switch ≤ 0.5 s, save ≤ 0.7 s. The demo, a copy in SQLite, one server, one
browser; the machine is shared, so the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.timing import load_average

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
GOALS = {"page change": 0.5, "role switch": 0.5, "save": 0.7}
OFFICER, LEADER = "Triệu Thị Mai", "Hoàng Thị Thanh Huyền"
# what Tổng quan's caption names once the page is drawn for each of them (their own scope)
SCOPE = {OFFICER: "phạm vi Liên đoàn Lao động huyện Ba Bể", LEADER: "phạm vi Toàn tỉnh"}
IDLE = """() => { const s = document.querySelector('[data-testid="stStatusWidget"]');
  return !s || !s.innerText.includes('Running'); }"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = dict(os.environ, TDKT_SOURCE=f"sqlite:{db}", TDKT_ALLOW_ACT_AS="1", TDKT_TODAY="2026-11-25")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("Streamlit server did not start")


def _timed(page: Any, act: Callable[[], None], done: Callable[[], None]) -> float:
    """Seconds from ``act`` until ``done`` returns and no script runs any more."""
    t0 = time.perf_counter()
    act()
    done()
    page.wait_for_function(IDLE, timeout=60000, polling=20)
    return time.perf_counter() - t0


def _settle(page: Any) -> None:
    page.wait_for_timeout(300)
    page.wait_for_function(IDLE, timeout=60000)
    page.wait_for_timeout(300)


def _pick_list(page: Any, name: str) -> Any:
    """The «Đóng vai» list opened and filtered to ``name``: its option, ready to tap."""
    combo = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Đóng vai")
    combo.click()
    combo.fill(name)
    option = page.get_by_role("option", name=re.compile(name)).first
    option.wait_for(timeout=30000)
    return option


def _act_as(page: Any, name: str) -> None:
    _pick_list(page, name).click()


def _shows(page: Any, name: str) -> Callable[[], None]:
    """Tổng quan drawn for this user: its caption names their scope."""
    return lambda: page.wait_for_function(
        "t => document.querySelector('[data-testid=stMain]').innerText.includes(t)", arg=SCOPE[name],
        timeout=60000, polling=20)


def _menu(page: Any, title: str) -> Callable[[], None]:
    link = page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first
    return link.click


def _heading(page: Any, title: str) -> Callable[[], None]:
    return lambda: page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=60000)


def measure(runs: int = 5) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from sheets.copy import copy_store
    from sheets.sources import open_source
    from sheets.stores.sqlite import SqliteStore

    folder = Path(tempfile.mkdtemp(prefix="tdkt-ui-"))
    db = folder / "tdkt.sqlite"
    copy_store(open_source("demo"), SqliteStore(db))
    proc, url = _server(db)
    samples: dict[str, list[float]] = {"baseline: a rerun that changes nothing": [], "page change": [],
                                       "role switch": [], "save": []}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="vi-VN").new_page()
            page.goto(url)
            page.get_by_role("heading", name="Tổng quan", exact=True).wait_for(timeout=120000)
            _settle(page)
            _act_as(page, OFFICER)
            _shows(page, OFFICER)()
            _settle(page)
            for title in ("Phong trào", "Tổng quan"):  # warm each page once: the server's first run
                _menu(page, title)()
                _heading(page, title)()
                _settle(page)
            for i in range(runs + 1):  # the first round warms the caches of this round's data
                got: dict[str, float] = {}
                year = page.get_by_role("combobox", name="Năm").first

                def same_year(year: Any = year) -> None:
                    year.click()
                    page.get_by_role("option", name="2026", exact=True).first.click()

                got["baseline: a rerun that changes nothing"] = _timed(page, same_year, lambda: None)
                _settle(page)
                got["page change"] = _timed(page, _menu(page, "Phong trào"), _heading(page, "Phong trào"))
                _settle(page)
                _menu(page, "Tổng quan")()
                _heading(page, "Tổng quan")()
                _settle(page)
                got["role switch"] = _timed(page, _pick_list(page, LEADER).click, _shows(page, LEADER))
                _settle(page)
                _act_as(page, OFFICER)
                _shows(page, OFFICER)()
                _settle(page)
                _menu(page, "Nhập liệu")()
                _heading(page, "Nhập liệu")()
                _settle(page)
                page.get_by_role("tab", name="Phong trào", exact=True).click()
                _settle(page)
                name = f"Đo tốc độ lưu {i}"
                page.get_by_label("Tên phong trào *").fill(name)
                button = page.get_by_role("button", name="Phát động", exact=True)
                saved = page.get_by_text(f"Đã phát động phong trào «{name}»").first
                got["save"] = _timed(page, button.click, lambda saved=saved: saved.wait_for(timeout=60000))
                _settle(page)
                page.get_by_role("button", name="Thêm mới").first.click()
                _settle(page)
                _menu(page, "Tổng quan")()
                _heading(page, "Tổng quan")()
                _settle(page)
                if i:
                    for k, v in got.items():
                        samples[k].append(v)
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return {"runs": runs, "samples": samples, "load_average": load_average()}


def table(result: dict[str, Any]) -> Any:
    from benchmarks import report as R

    samples = result["samples"]
    base = statistics.median(samples["baseline: a rerun that changes nothing"])
    la = result.get("load_average")
    t = R.Table(f"What a person waits for in Chromium (demo ×1, 1400 px), median of {result['runs']}",
                ["action", "median", "min", "× baseline", "goal", "met"],
                note=f"load average {la[0]:.1f} at the end" if la else "")
    for name, xs in samples.items():
        med = statistics.median(xs)
        goal = GOALS.get(name)
        t.add(name, R.s(med), R.s(min(xs)), f"{med / base:.1f}", f"≤ {goal} s" if goal else "–",
              ("yes" if med <= goal else "**no**") if goal else "–")
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.ui_speed", description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", type=Path, help="also save the figures here (JSON)")
    args = ap.parse_args(argv)
    result = measure(args.runs)
    print(table(result).text())
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
