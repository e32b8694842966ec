"""The `tdkt` command line as a new administrator meets it (issue 18): every misleading case
gets one Vietnamese line and exit 2, or the right result."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from openpyxl import Workbook

import cli
from sheets import clock

TODAY = "2026-11-25"
BIN = Path(sys.executable).parent / "tdkt"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    env = dict(os.environ, TDKT_DEMO_PATH=str(path), TDKT_TODAY=TODAY)
    subprocess.run([str(BIN), "--today", TODAY, "demo", "--out", str(path)], check=True, env=env,
                   capture_output=True)
    return path


@pytest.fixture()
def demo(demo_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("TDKT_DEMO_PATH", str(demo_file))
    monkeypatch.setenv("TDKT_TODAY", TODAY)
    yield demo_file
    clock.set_now(None)


def one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tdkt: "), err
    assert "Traceback" not in err
    return lines[0]


def test_global_options_work_after_the_subcommand(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = ["--today", "2025-06-01", "indicators", "--source", "demo", "--year", "2025", "--format", "json"]
    after = ["indicators", "--source", "demo", "--year", "2025", "--format", "json", "--today", "2025-06-01"]
    outs = []
    for argv in (before, after):
        assert cli.main(argv) == 0
        outs.append(json.loads(capsys.readouterr().out))
    assert outs[0]["as_of"] == outs[1]["as_of"] == "2025-06-01"  # the default as-of is "today"
    assert outs[0] == outs[1]
    args = cli.build_parser().parse_args(["--credentials", "a.json", "problems", "--source", "demo"])
    assert args.credentials == "a.json"  # given before: not reset by the subcommand's default
    args = cli.build_parser().parse_args(["problems", "--source", "demo", "--credentials", "b.json"])
    assert args.credentials == "b.json"


def test_tdkt_alone_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    out = capsys.readouterr().out
    assert out.startswith("cách dùng: tdkt")
    for command in ("indicators", "copy", "template", "problems", "demo"):
        assert command in out


def _all_parsers(p: cli.argparse.ArgumentParser) -> Iterator[tuple[str, cli.argparse.ArgumentParser]]:
    yield p.prog, p
    for action in p._actions:
        if isinstance(action, cli.argparse._SubParsersAction):
            for sp in action.choices.values():
                yield from _all_parsers(sp)


def test_every_option_has_help() -> None:
    missing = []
    for prog, p in _all_parsers(cli.build_parser()):
        for action in p._actions:
            if action.option_strings and not (action.help and action.help != cli.argparse.SUPPRESS):
                missing.append(f"{prog} {'/'.join(action.option_strings)}")
    assert not missing, missing
    subs = [prog for prog, _ in _all_parsers(cli.build_parser())]
    assert len(subs) >= 8  # tdkt and its subcommands were all walked


@pytest.mark.parametrize("year", ["1999", "2019", "2028", "2099"])
def test_year_outside_the_plan_is_refused(year: str, demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line_exit_2(capsys, ["indicators", "--source", "demo", "--year", year])
    assert f"năm {year}" in line and "2020–2027" in line  # today is 2026: up to next year
    assert capsys.readouterr().out == ""  # no table of zeros


def test_years_of_the_plan_are_accepted(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for year in ("2020", "2027"):
        assert cli.main(["indicators", "--source", "demo", "--year", year, "--format", "json"]) == 0
        assert json.loads(capsys.readouterr().out)["year"] == int(year)


def _corrupt_xlsx(tmp: Path) -> Path:
    p = tmp / "hong.xlsx"
    p.write_bytes(b"PK\x03\x04 this is not really a workbook" * 10)
    return p


def _xlsx_without_donvi(tmp: Path) -> Path:
    wb = Workbook()
    wb.active.title = "GhiChu"
    wb.active.append(["Ghi chú"])
    wb.active.append(["một sổ tính khác"])
    p = tmp / "khac.xlsx"
    wb.save(p)
    return p


def _empty_sqlite(tmp: Path) -> Path:
    p = tmp / "trong.sqlite"
    sqlite3.connect(p).execute("CREATE TABLE t (x)").connection.close()
    return p


@pytest.mark.parametrize(
    ("kind", "make", "expect"),
    [
        ("xlsx", lambda tmp: ROOT / "README.md", "không đọc được"),
        ("sqlite", lambda tmp: ROOT / "README.md", "không đọc được"),
        ("xlsx", _corrupt_xlsx, "không đọc được"),
        ("xlsx", _xlsx_without_donvi, "không phải bảng tính đăng ký"),
        ("sqlite", _empty_sqlite, "không phải bảng tính đăng ký"),
    ],
    ids=["readme-as-xlsx", "readme-as-sqlite", "corrupt-xlsx", "xlsx-without-DonVi", "sqlite-without-DonVi"],
)
def test_a_source_that_is_not_a_registry_is_an_error(kind: str, make: object, expect: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    for argv in (["indicators", "--source", f"{kind}:{path}", "--year", "2025"],
                 ["problems", "--source", f"{kind}:{path}"]):
        line = one_line_exit_2(capsys, argv)
        assert expect in line
        assert capsys.readouterr().out == ""


def test_problems_never_prints_row_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a unit whose linked workbook is missing: one problem for the whole spreadsheet, no row
    wb = Workbook()
    ws = wb.active
    ws.title = "DonVi"
    ws.append(["Mã đơn vị", "Tên đơn vị", "Cấp", "Mã đơn vị cấp trên", "Bảng tính"])
    ws.append(["BK", "LĐLĐ tỉnh Bắc Kạn", "Tỉnh", "", ""])
    ws.append(["BABE", "LĐLĐ huyện Ba Bể", "Cấp trên cơ sở", "BK", "BABE.xlsx"])
    wb.save(tmp_path / "registry.xlsx")
    assert cli.main(["problems", "--source", f"xlsx:{tmp_path}/registry.xlsx", "--format", "json"]) == 0
    problems = json.loads(capsys.readouterr().out)
    assert any(p["spreadsheet"] == "BABE.xlsx" and p["row"] is None for p in problems)  # the case exists
    assert cli.main(["problems", "--source", f"xlsx:{tmp_path}/registry.xlsx"]) == 0
    text = capsys.readouterr().out
    assert "BABE.xlsx › Bảng tính" in text
    assert "None" not in text


@pytest.mark.parametrize("scale", ["0", "-1", "không"])
def test_demo_scale_must_be_positive(scale: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line_exit_2(capsys, ["demo", "--scale", scale, "--out", str(tmp_path / "d.sqlite")])
    assert "--scale" in line and "lỗi không mong đợi" not in line
    assert not (tmp_path / "d.sqlite").exists()


def test_copy_onto_itself_is_refused(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = demo.stat().st_mtime_ns
    for dst in ("demo", f"sqlite:{demo}"):
        line = one_line_exit_2(capsys, ["copy", "--from", "demo", "--to", dst])
        assert "chính nó" in line
    assert demo.stat().st_mtime_ns == before
    folder = tmp_path / "wb"
    assert cli.main(["copy", "--from", "demo", "--to", f"xlsx:{folder}"]) == 0
    capsys.readouterr()
    stamp = (folder / "registry.xlsx").stat().st_mtime_ns
    for dst in (f"xlsx:{folder}", f"xlsx:{folder}/registry.xlsx"):
        line = one_line_exit_2(capsys, ["copy", "--from", f"xlsx:{folder}/registry.xlsx", "--to", dst])
        assert "chính nó" in line
    assert (folder / "registry.xlsx").stat().st_mtime_ns == stamp


def test_copy_to_xlsx_leaves_no_lock_files(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "sao-luu"
    assert cli.main(["copy", "--from", "demo", "--to", f"xlsx:{folder}"]) == 0
    names = sorted(p.name for p in folder.iterdir())
    assert "registry.xlsx" in names and "BABE.xlsx" in names
    assert [n for n in names if not n.endswith(".xlsx") or n.startswith(".")] == []
    assert all((folder / n).stat().st_size > 0 for n in names)


def test_problems_into_a_closed_pipe_is_quiet(demo: Path) -> None:
    env = dict(os.environ, TDKT_DEMO_PATH=str(demo), TDKT_TODAY=TODAY)
    proc = subprocess.Popen([str(BIN), "problems", "--source", "demo", "--format", "json"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head` having read all it wanted before tdkt writes
    err = proc.stderr.read().decode()
    assert proc.wait(60) == 0
    assert err == ""  # no BrokenPipeError, no "Exception ignored"


def _service_account(tmp: Path, email: str) -> dict[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return {"type": "service_account", "project_id": "p", "private_key_id": "k", "private_key": pem,
            "client_email": email, "client_id": "1", "token_uri": "https://oauth2.googleapis.com/token"}


def test_cli_reads_the_apps_secrets_and_credentials_still_wins(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from sheets.sources import open_source
    from sheets.stores.gsheets import GSheetsStore

    for var in ("TDKT_SERVICE_ACCOUNT", "GOOGLE_APPLICATION_CREDENTIALS", "STREAMLIT_SECRETS_FILES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    key = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFG"
    with pytest.raises(Exception, match="secrets.toml"):  # nothing configured yet: says where to put it
        open_source(f"gsheets:{key}")

    info = _service_account(tmp_path, "tu-secrets@p.iam.gserviceaccount.com")
    (tmp_path / ".streamlit").mkdir()
    lines = ["[connections.tdkt]", 'spreadsheet = "khac"', "[connections.tdkt.service_account_info]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in info.items()]
    (tmp_path / ".streamlit" / "secrets.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = open_source(f"gsheets:{key}")
    assert isinstance(store, GSheetsStore)
    assert store.service_account_email == "tu-secrets@p.iam.gserviceaccount.com"
    assert store.registry == key  # the source named on the command line, not the secrets' spreadsheet

    own = tmp_path / "rieng.json"
    own.write_text(json.dumps(_service_account(tmp_path, "tu-tep@p.iam.gserviceaccount.com")))
    store = open_source(f"gsheets:{key}", credentials=str(own))
    assert isinstance(store, GSheetsStore)
    assert store.service_account_email == "tu-tep@p.iam.gserviceaccount.com"

    # the same files as `streamlit run` when the deployment points elsewhere
    elsewhere = tmp_path / "etc-tdkt.toml"
    elsewhere.write_text((tmp_path / ".streamlit" / "secrets.toml").read_text().replace("tu-secrets", "etc"))
    monkeypatch.setenv("STREAMLIT_SECRETS_FILES", str(elsewhere))
    store = open_source(f"gsheets:{key}")
    assert isinstance(store, GSheetsStore)
    assert store.service_account_email == "etc@p.iam.gserviceaccount.com"


class _TokenEndpoint(BaseHTTPRequestHandler):
    """Google's OAuth token endpoint as a service account meets it: records the account that
    signed the assertion (its ``iss``), then refuses it, so no request ever reaches Google."""

    seen: list[str] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        payload = parse_qs(body)["assertion"][0].split(".")[1]
        payload += "=" * (-len(payload) % 4)
        self.seen.append(json.loads(base64.urlsafe_b64decode(payload))["iss"])
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"error": "invalid_grant", "error_description": "Invalid JWT Signature."}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def token_uri() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _TokenEndpoint)
    _TokenEndpoint.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/token"
    server.shutdown()
    server.server_close()


def test_the_real_cli_signs_in_with_the_secrets_key_unless_credentials_is_given(tmp_path: Path,
                                                                                token_uri: str) -> None:
    key = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFG"
    secrets_info = {**_service_account(tmp_path, "tu-secrets@p.iam.gserviceaccount.com"), "token_uri": token_uri}
    (tmp_path / ".streamlit").mkdir()
    lines = ["[connections.tdkt]", 'spreadsheet = "khac"', "[connections.tdkt.service_account_info]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in secrets_info.items()]
    (tmp_path / ".streamlit" / "secrets.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    own = tmp_path / "rieng.json"
    own.write_text(json.dumps({**_service_account(tmp_path, "tu-tep@p.iam.gserviceaccount.com"),
                               "token_uri": token_uri}))
    env = {k: v for k, v in os.environ.items()
           if k not in ("TDKT_SERVICE_ACCOUNT", "GOOGLE_APPLICATION_CREDENTIALS", "STREAMLIT_SECRETS_FILES")}
    env["HOME"] = str(tmp_path / "home")
    runs = [
        ["problems", "--source", f"gsheets:{key}"],
        ["problems", "--source", f"gsheets:{key}", "--credentials", str(own)],
        ["--credentials", str(own), "indicators", "--source", f"gsheets:{key}", "--year", "2025"],
    ]
    for argv in runs:
        out = subprocess.run([str(BIN), *argv], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 2, out.stderr  # Google (here: its stand-in) refused the key
        assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr, out.stderr
        assert key in out.stderr and out.stdout == ""
        assert "Google từ chối khóa" in out.stderr and "RefreshError" not in out.stderr, out.stderr
    assert _TokenEndpoint.seen == ["tu-secrets@p.iam.gserviceaccount.com", "tu-tep@p.iam.gserviceaccount.com",
                                   "tu-tep@p.iam.gserviceaccount.com"]


def test_a_registry_without_data_gives_zeros_with_a_warning(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    # the first day: a template, and only the province in DonVi
    assert cli.main(["--today", TODAY, "template", "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "registry.xlsx")
    wb["DonVi"].append(["BK", "LĐLĐ tỉnh Bắc Kạn", "Tỉnh"])
    wb.save(tmp_path / "registry.xlsx")
    source = f"xlsx:{tmp_path}/registry.xlsx"
    assert cli.main(["indicators", "--source", source, "--year", "2025", "--format", "json",
                     "--today", TODAY]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)  # the figures are right: nothing to count
    assert data["scope"] == "BK" and all(i["denominator"] == 0 and i["met"] is None for i in data["indicators"])
    (line,) = captured.err.strip().splitlines()
    assert line.startswith("tdkt: cảnh báo: chưa có số liệu") and "2025" in line
    clock.set_now(None)


def test_indicators_with_data_give_no_warning(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["indicators", "--source", "demo", "--year", "2025", "--format", "json"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_problems_piped_into_head_ends_quietly(fmt: str, demo: Path) -> None:
    env = dict(os.environ, TDKT_DEMO_PATH=str(demo), TDKT_TODAY=TODAY)
    shell = f"set -o pipefail; '{BIN}' problems --source demo --format {fmt} | head -c 200 >/dev/null"
    out = subprocess.run(["bash", "-c", shell], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""  # no BrokenPipeError, no "Exception ignored"


def test_tdkt_alone_as_a_program_prints_usage() -> None:
    out = subprocess.run([str(BIN)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert out.stdout.startswith("cách dùng: tdkt") and "required" not in out.stdout + out.stderr
    assert "guide" in out.stdout
