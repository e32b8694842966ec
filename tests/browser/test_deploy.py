"""The deployment we ship (deploy/), run for real: Debian's nginx with deploy/nginx/tdkt.conf
(only ports, host, certificate and paths changed) and a throw-away self-signed certificate,
in front of TWO Streamlit app servers on the same data. Chromium signs in THROUGH nginx against
the real OpenID Connect provider (tests/oidc); browsers are spread over both servers, and each
keeps its server (page, WebSocket and all) across reloads. Which server answered is read from
nginx's access log (``$upstream_addr`` next to the route cookie), a log format of this test's
own main nginx.conf, so the shipped site file is untouched.

Also: the backup script (deploy/tdkt-backup.sh) makes a copy the app can read back, and the
systemd units name the files and commands that exist.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sheets import schema as S
from tests.browser.conftest import SCREENSHOTS, wait_for_app
from tests.oidc.harness import (
    Provider,
    demo_users,
    free_port,
    one_per_role,
    real_data_copy,
    sign_in,
    start_app,
    stop,
    wait_http,
    write_auth_secrets,
)

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ROUTE_COOKIE = "tdkt_route"
MAX_BROWSERS = 12  # each a fresh random cookie: all twelve on the first one's server, 1 in 2048
# (usually the second or third browser already lands on the other server)
RELOADS = 3


def _need(path: str, what: str) -> None:
    if not Path(path).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is missing (see .ci/run)")
        pytest.skip(f"{what} is missing")


def render_site(template: str, *, host: str, https_port: int, http_port: int, app_ports: list[int],
                cert: Path, key: Path, webroot: Path) -> str:
    """deploy/nginx/tdkt.conf with this test's ports, host, certificate and paths.

    Every replacement must hit (a changed template fails here, not silently elsewhere)."""
    swaps: list[tuple[str, str]] = [
        ("    listen [::]:80;\n", ""),  # no IPv6 needed on a test machine
        ("    listen [::]:443 ssl http2;\n", ""),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("/etc/letsencrypt/live/tdkt.example.vn/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/tdkt.example.vn/privkey.pem", str(key)),
        ("/var/www/letsencrypt", str(webroot)),
        ("tdkt.example.vn", host),
    ]
    servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+ ", template, flags=re.M)
    assert len(servers) == len(app_ports) == 2, servers
    for line, port in zip(servers, app_ports, strict=True):
        swaps.append((line, re.sub(r":\d+ ", f":{port} ", line)))
    out = template
    for old, new in swaps:
        assert old in out, f"deploy/nginx/tdkt.conf no longer has {old!r}"
        out = out.replace(old, new)
    return out


def main_conf(tmp: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf gives the site, with every path under tmp."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the temp folders
    temps = "".join(f"    {k}_temp_path {tmp / k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (
        f"{user}worker_processes 2;\n"
        f"pid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'error.log'} info;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "    log_format route '$tdkt_route|$upstream_addr|$status \"$request\"';\n"
        f"    access_log {tmp / 'access.log'} route;\n"
        f"{temps}"
        f"    include {site};\n"
        "}\n"
    )


def self_signed(tmp: Path) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1, valid one day (cryptography, which Authlib needs)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class Front:
    url: str  # https://127.0.0.1:PORT, nginx
    http_url: str  # plain http, redirects
    app_addrs: list[str]  # "127.0.0.1:PORT" of the two app servers
    access_log: Path
    webroot: Path  # certbot --webroot writes its challenge here

    def routes(self) -> dict[str, set[str]]:
        """route cookie -> the servers the hash chose for its requests: the first address of
        each ``$upstream_addr`` ("a, b" when nginx retried a failed connection on the next one,
        which a loaded machine sometimes makes it do for a static file)."""
        out: dict[str, set[str]] = {}
        for line in self.access_log.read_text(errors="replace").splitlines():
            route, upstream, _ = line.split("|", 2)
            if upstream != "-":
                out.setdefault(route, set()).add(upstream.split(",")[0].split(" : ")[0].strip())
        return out

    def lines(self, route: str) -> list[str]:
        return [ln for ln in self.access_log.read_text(errors="replace").splitlines() if ln.startswith(route + "|")]


@pytest.fixture(scope="module")
def front(oidc_provider: Provider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    _need(NGINX, "Debian's nginx (apt-get install nginx)")
    tmp = tmp_path_factory.mktemp("deploy")
    host = "127.0.0.1"
    url = f"https://{host}:{oidc_provider.proxy_port}"  # the provider knows this callback
    secrets = write_auth_secrets(tmp / "secrets.toml", public_url=url, issuer=oidc_provider.issuer)
    data = real_data_copy(tmp / "that.sqlite")  # one data source for both servers
    app_ports = [free_port(), free_port()]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for port in app_ports:
            procs.append(start_app(port, secrets=secrets, source=f"sqlite:{data}", log=tmp / f"app-{port}.log"))
        cert, key = self_signed(tmp)
        (tmp / "www").mkdir()
        http_port = free_port()
        site = tmp / "tdkt.conf"
        site.write_text(render_site((DEPLOY / "nginx" / "tdkt.conf").read_text(encoding="utf-8"), host=host,
                                    https_port=oidc_provider.proxy_port, http_port=http_port,
                                    app_ports=app_ports, cert=cert, key=key, webroot=tmp / "www"),
                        encoding="utf-8")
        conf = tmp / "nginx.conf"
        conf.write_text(main_conf(tmp, site), encoding="utf-8")
        check = subprocess.run([NGINX, "-t", "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf)],
                               capture_output=True, text=True, timeout=60)
        assert check.returncode == 0, check.stderr
        log = tmp / "nginx.out"
        with log.open("wb") as fh:
            procs.append(subprocess.Popen([NGINX, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf),
                                           "-g", "daemon off;"], stdout=fh, stderr=subprocess.STDOUT))
        insecure = ssl.create_default_context()
        insecure.check_hostname = False
        insecure.verify_mode = ssl.CERT_NONE
        wait_http(f"{url}/_stcore/health", procs[-1], log, context=insecure)
        yield Front(url, f"http://{host}:{http_port}", [f"127.0.0.1:{p}" for p in app_ports], tmp / "access.log",
                    tmp / "www")
    finally:
        for proc in reversed(procs):
            stop(proc)


@pytest.fixture()
def contexts(browser: Any) -> Iterator[list[Any]]:
    made: list[Any] = []
    yield made
    for ctx in made:
        ctx.close()


def new_browser(browser: Any, made: list[Any], width: int = 1280) -> Any:
    """A separate browser profile (own cookies) that accepts the throw-away certificate."""
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN", ignore_https_errors=True)
    made.append(ctx)
    return ctx.new_page()


def route_of(page: Any, url: str) -> str:
    values = [c["value"] for c in page.context.cookies(url) if c["name"] == ROUTE_COOKIE]
    assert len(values) == 1, page.context.cookies(url)
    return str(values[0])


def assert_signed_in(page: Any, name: str) -> None:
    page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=30000)
    sidebar = page.inner_text('[data-testid="stSidebar"]')
    assert name in sidebar, sidebar
    assert "Chưa được cấp quyền" not in page.inner_text('[data-testid="stApp"]')


@pytest.mark.browser
def test_signed_in_browsers_spread_over_both_servers_and_each_keeps_its_own(
        front: Front, oidc_provider: Provider, browser: Any, contexts: list[Any]) -> None:
    users = demo_users()
    email = one_per_role(users)[S.ROLE_ADMIN]
    name = users[email].name
    seen: dict[str, list[tuple[Any, str]]] = {}  # upstream -> [(page, route)]
    for _ in range(MAX_BROWSERS):
        page = new_browser(browser, contexts)
        sign_in(page, front.url, email, oidc_provider.password(email))  # through nginx and back
        assert page.url.startswith(front.url)
        assert_signed_in(page, name)
        route = route_of(page, front.url)
        upstreams = front.routes().get(route, set())
        assert len(upstreams) == 1, (route, upstreams)  # the whole sign-in on one server
        (upstream,) = upstreams
        assert upstream in front.app_addrs
        seen.setdefault(upstream, []).append((page, route))
        if len(seen) == 2:
            break
    assert set(seen) == set(front.app_addrs), f"{MAX_BROWSERS} browsers, all on {set(seen)}"

    for upstream, [(page, route), *_] in seen.items():
        for _ in range(RELOADS):
            page.reload()
            wait_for_app(page)
            assert_signed_in(page, name)
            assert route_of(page, front.url) == route  # nginx set the cookie once
        lines = front.lines(route)
        # every request on one server; on a loaded machine nginx may count a few failed upstream
        # connections (max_fails) and send a file or two elsewhere for fail_timeout: the
        # session itself (its WebSocket, below) must still never move
        moved = [ln for ln in lines if ln.split("|")[1].split(",")[0].strip() not in (upstream, "-")]
        if moved:
            print(f"requests nginx sent to the other server: {moved}")
        assert len(moved) <= len(lines) // 10, moved
        # the page itself, once per load, and the WebSocket (logged once closed by a reload)
        assert sum('"GET / ' in ln for ln in lines) >= RELOADS + 1, lines
        streams = [ln for ln in lines if '|101 "GET /_stcore/stream' in ln]
        assert streams, lines
        # the session itself (its WebSocket) never moved, not even by a retry
        assert all(ln.split("|")[1] == upstream for ln in streams), streams


@pytest.mark.browser
def test_screenshot_through_nginx_after_sign_in(front: Front, oidc_provider: Provider, browser: Any,
                                                contexts: list[Any]) -> None:
    users = demo_users()
    email = one_per_role(users)[S.ROLE_LEADER]
    page = new_browser(browser, contexts, width=1400)
    sign_in(page, front.url, email, oidc_provider.password(email))
    assert_signed_in(page, users[email].name)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=30000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out = SCREENSHOTS / "qua-nginx-1400.png"
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 0


@pytest.mark.browser
def test_sign_out_through_nginx_comes_back_to_the_app(front: Front, oidc_provider: Provider, browser: Any,
                                                      contexts: list[Any]) -> None:
    import contextlib

    users = demo_users()
    email = one_per_role(users)[S.ROLE_OFFICER]
    page = new_browser(browser, contexts)
    sign_in(page, front.url, email, oidc_provider.password(email))
    assert_signed_in(page, users[email].name)
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Đăng xuất").click()
    with contextlib.suppress(Exception):  # the provider's end-session page, when it asks
        page.get_by_role("button", name="Yes, sign me out").click(timeout=10000)
    page.wait_for_url(f"{front.url}/**", timeout=30000)  # back at the public https address
    wait_for_app(page)
    assert page.get_by_role("button", name="Đăng nhập").count() == 1
    assert users[email].name not in page.inner_text('[data-testid="stApp"]')
    assert "_streamlit_user" not in {c["name"] for c in page.context.cookies(front.url)}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@pytest.mark.browser
def test_plain_http_goes_to_https_and_serves_the_certificate_challenge(front: Front) -> None:
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as err:
        opener.open(f"{front.http_url}/tong-quan?x=1", timeout=10)
    assert err.value.code == 301
    assert err.value.headers["Location"] == "https://127.0.0.1/tong-quan?x=1"
    challenge = front.webroot / ".well-known" / "acme-challenge"
    challenge.mkdir(parents=True, exist_ok=True)
    (challenge / "token-123").write_text("token-123.thumbprint", encoding="utf-8")
    with opener.open(f"{front.http_url}/.well-known/acme-challenge/token-123", timeout=10) as r:
        assert r.status == 200 and r.read() == b"token-123.thumbprint"


def test_the_backup_script_makes_a_copy_the_app_reads_back(tmp_path: Path) -> None:
    from sheets.load import load
    from sheets.sources import open_source

    source = real_data_copy(tmp_path / "source.sqlite")
    out_dir = tmp_path / "sao-luu"
    old = out_dir / "tdkt-2000-01-01-000000.sqlite"
    out_dir.mkdir()
    old.write_bytes(b"")
    os.utime(old, (946684800, 946684800))  # from the year 2000: older than the days kept
    tdkt = Path(sys.executable).parent / "tdkt"
    env = dict(os.environ, TDKT_SOURCE=f"sqlite:{source}", TDKT_BACKUP_DIR=str(out_dir),
               TDKT_BACKUP_KEEP_DAYS="30", TDKT_BIN=str(tdkt))
    run = subprocess.run([str(DEPLOY / "tdkt-backup.sh")], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    made = sorted(out_dir.glob("tdkt-*.sqlite"))
    assert len(made) == 1 and not old.exists(), made  # the old one is gone, a new one is there
    assert re.fullmatch(r"tdkt-\d{4}-\d\d-\d\d-\d{6}\.sqlite", made[0].name)
    assert str(made[0]) in run.stdout
    want, got = load(open_source(f"sqlite:{source}")), load(open_source(f"sqlite:{made[0]}"))
    assert set(got.users) == set(want.users) and len(got.users) > 0
    with sqlite3.connect(made[0]) as a, sqlite3.connect(source) as b:
        tables = [r[0] for r in b.execute("select name from sqlite_master where type='table' order by name")]
        assert tables == [r[0] for r in a.execute("select name from sqlite_master where type='table' order by name")]
        for t in tables:
            assert a.execute(f'select count(*) from "{t}"').fetchone() == b.execute(f'select count(*) from "{t}"').fetchone()


def test_the_backup_script_fails_loudly_and_leaves_no_half_copy(tmp_path: Path) -> None:
    out_dir = tmp_path / "sao-luu"
    tdkt = Path(sys.executable).parent / "tdkt"
    env = dict(os.environ, TDKT_SOURCE=f"sqlite:{tmp_path / 'khong-co.sqlite'}", TDKT_BACKUP_DIR=str(out_dir),
               TDKT_BIN=str(tdkt))
    run = subprocess.run([str(DEPLOY / "tdkt-backup.sh")], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode != 0
    assert "Sao lưu KHÔNG thành công" in run.stderr
    assert list(out_dir.iterdir()) == []
    env.pop("TDKT_SOURCE")
    run = subprocess.run([str(DEPLOY / "tdkt-backup.sh")], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "TDKT_SOURCE chưa đặt" in run.stderr


def unit(name: str) -> dict[str, list[str]]:
    """key -> values of a systemd unit file (sections flattened; enough for these checks)."""
    out: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / name).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            k, _, v = line.partition("=")
            out.setdefault(k.strip(), []).append(v.strip())
    return out


def test_the_systemd_units_run_what_the_repository_has() -> None:
    app = unit("tdkt@.service")
    (start,) = app["ExecStart"]
    assert start.startswith("/opt/tdkt/.venv/bin/streamlit run app.py ")
    assert (ROOT / "app.py").exists()
    assert "--server.port %i" in start and "--server.address 127.0.0.1" in start  # the instance is the port
    conf = (DEPLOY / "nginx" / "tdkt.conf").read_text(encoding="utf-8")
    for port in re.findall(r"server 127\.0\.0\.1:(\d+) ", conf):  # nginx's servers are instances
        assert f"tdkt@{port}" in (DEPLOY / "systemd" / "tdkt@.service").read_text(encoding="utf-8")
    backup = unit("tdkt-backup.service")
    assert backup["Type"] == ["oneshot"]
    (start,) = backup["ExecStart"]
    assert start == "/opt/tdkt/deploy/tdkt-backup.sh" and os.access(DEPLOY / "tdkt-backup.sh", os.X_OK)
    # the script's command is "tdkt copy --from … --to …", as cli.py spells it
    from cli import build_parser

    args = build_parser().parse_args(["copy", "--from", "sqlite:a.sqlite", "--to", "sqlite:b.sqlite"])
    assert (args.src, args.dst) == ("sqlite:a.sqlite", "sqlite:b.sqlite")
    assert '"$tdkt" copy --from "$TDKT_SOURCE" --to "sqlite:$out"' in (DEPLOY / "tdkt-backup.sh").read_text()
    timer = unit("tdkt-backup.timer")
    assert timer["OnCalendar"] and timer["Persistent"] == ["true"]


def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    """systemd-analyze verify, offline: syntax, calendar, executables (paths moved to this checkout)."""
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is missing")
    venv_bin = str(Path(sys.executable).parent)
    for name in ("tdkt@.service", "tdkt-backup.service", "tdkt-backup.timer"):
        text = (DEPLOY / "systemd" / name).read_text(encoding="utf-8")
        assert "/opt/tdkt/" in text or name.endswith(".timer")
        text = text.replace("/opt/tdkt/.venv/bin", venv_bin).replace("/opt/tdkt", str(ROOT))
        (tmp_path / name.replace("@.", "@8501.")).write_text(text, encoding="utf-8")
    run = subprocess.run([analyze, "verify", "tdkt@8501.service", "tdkt-backup.service", "tdkt-backup.timer"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and not run.stderr.strip(), run.stderr
