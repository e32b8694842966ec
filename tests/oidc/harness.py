"""A real OpenID Connect provider (npm ``oidc-provider``) and Streamlit servers signing in
through it, for tests/browser/test_oidc.py and tests/browser/test_deploy.py.

One provider per test session (``oidc_provider``); its client knows in advance the callback
addresses of the direct app server and of the nginx front, so both tests share it. Loaded as
a pytest plugin from tests/conftest.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CLIENT_ID = "tdkt-app"
CLIENT_SECRET = "tdkt-test-client-secret-not-for-production"
COOKIE_SECRET = "tdkt-test-cookie-secret-0123456789abcdef0123456789abcdef"
OUTSIDER = "nguoi.la@example.org"  # known to the provider, not in NguoiDung


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing (see .ci/run)")
    pytest.skip(f"{what} is missing")


def ensure_node_modules() -> None:
    """``npm ci`` from the pinned lock file when tests/oidc/node_modules is missing."""
    if (HERE / "node_modules" / "oidc-provider" / "package.json").exists():
        return
    npm = shutil.which("npm")
    if not npm or not shutil.which("node"):
        _missing("node/npm (apt-get install nodejs npm)")
    out = subprocess.run([str(npm), "ci", "--no-audit", "--no-fund"], cwd=HERE, capture_output=True,
                         text=True, timeout=600)
    if out.returncode != 0:
        pytest.fail(f"npm ci in tests/oidc failed: {out.stderr[-2000:]}")


@dataclass
class Provider:
    issuer: str
    users: dict[str, dict[str, str]]  # e-mail -> {"name", "password"}
    app_port: int  # the direct app server (test_oidc)
    proxy_port: int  # the nginx front (test_deploy)
    log: Path
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def password(self, email: str) -> str:
        return self.users[email]["password"]


def demo_users() -> dict[str, Any]:
    """The demo's NguoiDung users (read from the session's demo store, not copied)."""
    from sheets.load import load
    from sheets.sources import open_source

    return dict(load(open_source("demo")).users)


def one_per_role(users: dict[str, Any]) -> dict[str, str]:
    """role -> the first e-mail (sorted) with that role."""
    out: dict[str, str] = {}
    for email in sorted(users):
        out.setdefault(users[email].role, email)
    return out


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    ensure_node_modules()
    tmp = tmp_path_factory.mktemp("oidc")
    users = {e: {"name": u.name, "password": f"mk-{i}-{e.split('@')[0]}"}
             for i, (e, u) in enumerate(sorted(demo_users().items()))}
    users[OUTSIDER] = {"name": "Người lạ", "password": "mk-nguoi-la"}
    port, app_port, proxy_port = free_port(), free_port(), free_port()
    issuer = f"http://127.0.0.1:{port}"
    conf = {
        "port": port,
        "issuer": issuer,
        "clients": [{
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [f"http://127.0.0.1:{app_port}/oauth2callback",
                              f"https://127.0.0.1:{proxy_port}/oauth2callback"],
            # Streamlit's st.logout returns through the provider's end-session endpoint to the
            # callback address, so the provider must accept it as a post-logout address too
            "post_logout_redirect_uris": [f"http://127.0.0.1:{app_port}/oauth2callback",
                                          f"https://127.0.0.1:{proxy_port}/oauth2callback"],
        }],
        "users": users,
    }
    (tmp / "provider.json").write_text(json.dumps(conf, ensure_ascii=False), encoding="utf-8")
    log = tmp / "provider.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen(["node", str(HERE / "provider.mjs"), str(tmp / "provider.json")], cwd=HERE,
                                stdout=fh, stderr=subprocess.STDOUT)
    provider = Provider(issuer, users, app_port, proxy_port, log, proc)
    try:
        wait_http(f"{issuer}/.well-known/openid-configuration", proc, log)
        yield provider
    finally:
        stop(proc)


def wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 90, **kw: Any) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: process ended: {log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2, **kw) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer: {log.read_text(errors='replace')[-3000:]}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def write_auth_secrets(path: Path, *, public_url: str, issuer: str) -> Path:
    """A secrets.toml with ``[auth]`` for the test provider (the deployment's shape)."""
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "{public_url}/oauth2callback"\n'
        f'cookie_secret = "{COOKIE_SECRET}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


def real_data_copy(path: Path) -> Path:
    """A SQLite copy of the demo: real data for the app (no demo act-as)."""
    from sheets.copy import copy_store
    from sheets.sources import open_source
    from sheets.stores.sqlite import SqliteStore

    copy_store(open_source("demo"), SqliteStore(path))
    return path


def start_app(port: int, *, secrets: Path, source: str, log: Path, extra_env: dict[str, str] | None = None,
              args: list[str] | None = None) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.pop("TDKT_ALLOW_ACT_AS", None)  # as in production: no act-as switch
    env.setdefault("TDKT_TODAY", "2026-11-25")
    env.update({"TDKT_SOURCE": source, "STREAMLIT_SECRETS_FILES": str(secrets), **(extra_env or {})})
    with log.open("ab") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *(args or [])],
            cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT,
        )
    wait_http(f"http://127.0.0.1:{port}/_stcore/health", proc, log)
    return proc


def sign_in(page: Any, app_url: str, email: str, password: str) -> None:
    """From the app's "Đăng nhập" page through the provider's form and back."""
    from tests.browser.conftest import wait_for_app

    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_selector('input[name="login"]', timeout=30000)
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', password)
    page.click('button[type="submit"]')
    page.wait_for_url(f"{app_url}/**", timeout=30000)
    wait_for_app(page)
