"""A real Streamlit server and Debian's Chromium, driven by Playwright (never downloads a browser)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Screenshots go to a temporary folder, so a test run leaves the checkout clean; to refresh
# the committed ones: TDKT_SCREENSHOTS=docs/screenshots make test
SCREENSHOTS = Path(os.environ.get("TDKT_SCREENSHOTS") or Path(tempfile.gettempdir()) / "tdkt-screenshots").resolve()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# Each server's output, so a failing test can say what the server said (see ``explain``).
SERVER_LOGS: list[Path] = []


def start_server(env_extra: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    fd, name = tempfile.mkstemp(prefix=f"tdkt-server-{port}-", suffix=".log")
    os.close(fd)
    log = Path(name)
    SERVER_LOGS.append(log)
    env = dict(os.environ, **(env_extra or {}))
    env.setdefault("TDKT_TODAY", "2026-11-25")
    env["TDKT_RAISE"] = "0"  # people see our error page, not an exception
    with log.open("wb") as err:  # the child keeps its own handle
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
             "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("Streamlit server did not start")


def explain(page: Any) -> str:
    """What a person would read on the page (its messages, the start of the main area) and
    the end of each server's log: the message of a failed wait, since CI keeps no screenshot."""
    parts = []
    try:
        alerts = page.locator('[data-testid="stAlert"], [data-testid="stException"]').all_inner_texts()
        parts.append("messages on the page: " + (" | ".join(a.strip() for a in alerts) or "none"))
        status = page.locator('[data-testid="stStatusWidget"]').all_inner_texts()
        parts.append("status widget: " + (" ".join(status).strip() or "none"))
        main = page.locator('[data-testid="stMain"]').first.inner_text(timeout=5000)
        parts.append("page text: " + " ".join(main.split())[:1500])
    except Exception as exc:  # the page itself may be gone
        parts.append(f"page unreadable: {exc}")
    for log in SERVER_LOGS[-2:]:
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        tail = [ln for ln in lines if "No runtime found" not in ln][-25:]
        parts.append(f"{log.name}:\n" + "\n".join(tail))
    return "\n".join(parts)


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    proc, url = start_server()
    try:
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's Chromium is missing at /usr/bin/chromium (apt-get install -y chromium)")
        pytest.skip("Chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture()
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []

    def make(width: int = 1280, height: int = 900) -> Any:
        ctx = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for c in contexts:
        c.close()


def wait_for_app(page: Any, timeout: float = 30000) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=timeout,
    )
    page.wait_for_selector('[data-testid="stMetric"], [data-testid="stMarkdown"]', timeout=timeout)
    page.wait_for_timeout(500)


def click_twice(button: Any) -> None:
    """Two clicks as fast as a hand can (the second while the first still runs)."""
    button.scroll_into_view_if_needed()
    button.evaluate("b => { b.click(); b.click(); }")
