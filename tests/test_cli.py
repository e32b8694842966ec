"""The `tdkt` command line: SPEC 4.1 output, copies between backends, errors without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import cli
from sheets import clock

TODAY = "2026-11-25"
BIN = Path(sys.executable).parent / "tdkt"


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    env = dict(os.environ, TDKT_DEMO_PATH=str(path), TDKT_TODAY=TODAY)
    subprocess.run([str(BIN), "--today", TODAY, "demo", "--out", str(path)], check=True, env=env,
                   capture_output=True)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), "--today", TODAY, *args], env=env, capture_output=True, text=True)


def test_indicators_json_has_all_eight(demo_env: dict[str, str]) -> None:
    out = run(["indicators", "--source", "demo", "--year", "2025", "--format", "json"], demo_env)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"year", "as_of", "scope", "indicators", "problems"}
    assert data["year"] == 2025 and data["as_of"] == TODAY and data["scope"] == "BK"
    assert [i["code"] for i in data["indicators"]] == ["T1A", "T1B", "T2", "T3", "T4", "O1", "O2", "O3"]
    for i in data["indicators"]:
        assert set(i) == {"code", "numerator", "denominator", "percent", "threshold", "met"}
        assert i["denominator"] > 0
        assert i["percent"] == pytest.approx(100 * i["numerator"] / i["denominator"])
        assert i["met"] == (i["percent"] >= i["threshold"])
    assert data["problems"]["error"] > 0 and data["problems"]["warning"] > 0


def test_copies_to_xlsx_and_sqlite_give_identical_figures(demo_env: dict[str, str], tmp_path: Path) -> None:
    xlsx_dir = tmp_path / "wb"
    sqlite_path = tmp_path / "copy.sqlite"
    assert run(["copy", "--from", "demo", "--to", f"xlsx:{xlsx_dir}"], demo_env).returncode == 0
    assert run(["copy", "--from", f"xlsx:{xlsx_dir}/registry.xlsx", "--to", f"sqlite:{sqlite_path}"],
               demo_env).returncode == 0
    assert (xlsx_dir / "BABE.xlsx").exists()  # linked workbooks named after their unit
    outputs = []
    for source in ("demo", f"xlsx:{xlsx_dir}/registry.xlsx", f"sqlite:{sqlite_path}"):
        for extra in ([], ["--unit", "BABE"], ["--as-of", "2025-06-30"]):
            out = run(["indicators", "--source", source, "--year", "2025", "--format", "json", *extra], demo_env)
            assert out.returncode == 0, out.stderr
            outputs.append((tuple(extra), out.stdout))
    by_args: dict[tuple[str, ...], set[str]] = {}
    for extra, text in outputs:
        by_args.setdefault(extra, set()).add(text)
    assert all(len(v) == 1 for v in by_args.values()), "figures differ between backends"


def test_table_format(demo_env: dict[str, str]) -> None:
    out = run(["indicators", "--source", "demo", "--year", "2024", "--format", "table"], demo_env)
    assert out.returncode == 0
    assert "T1A" in out.stdout and "Ngưỡng" in out.stdout and "%" in out.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["indicators", "--source", "nope", "--year", "2025"],
        ["indicators", "--source", "sqlite:/khong/co.sqlite", "--year", "2025"],
        ["indicators", "--source", "xlsx:/khong/co.xlsx", "--year", "2025"],
        ["indicators", "--source", "demo", "--year", "hai"],
        ["indicators", "--source", "demo", "--year", "2025", "--as-of", "31/12/2025"],
        ["indicators", "--source", "demo", "--year", "2025", "--unit", "KHONGCO"],
        ["indicators", "--source", "gsheets:abc", "--year", "2025"],
        ["bay-bong"],
    ],
)
def test_bad_input_is_one_line_exit_2(args: list[str], demo_env: dict[str, str]) -> None:
    env = {k: v for k, v in demo_env.items() if k not in ("TDKT_SERVICE_ACCOUNT", "GOOGLE_APPLICATION_CREDENTIALS")}
    out = run(args, env)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_template_writes_workbooks(tmp_path: Path) -> None:
    assert cli.main(["template", "--out", str(tmp_path), "--units", "babe"]) == 0
    assert (tmp_path / "registry.xlsx").exists() and (tmp_path / "BABE.xlsx").exists()
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "registry.xlsx")
    assert "DonVi" in wb.sheetnames and "KeHoach" in wb.sheetnames
    assert wb["KeHoach"].freeze_panes == "A2"
    clock.set_now(None)


def test_demo_is_reproducible(tmp_path: Path) -> None:
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    for p in (a, b):
        assert cli.main(["--today", TODAY, "demo", "--out", str(p)]) == 0
    from sheets.stores.sqlite import SqliteStore

    ra = SqliteStore(a).read(SqliteStore(a).spreadsheet_names())
    rb = SqliteStore(b).read(SqliteStore(b).spreadsheet_names())
    assert [(r.name, r.tabs) for r in ra] == [(r.name, r.tabs) for r in rb]
    clock.set_now(None)


ENGLISH = ("the following", "required", "argument", "invalid", "expected", "unrecognized", "choose from",
           "usage", "error")


def _required_subcommands() -> list[str]:
    sub = next(a for a in cli.build_parser()._actions if isinstance(a, cli.argparse._SubParsersAction))
    return [name for name, p in sub.choices.items() if any(a.required for a in p._actions)]


def test_every_subcommand_with_required_options_names_them_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    names = _required_subcommands()
    assert {"indicators", "pipeline", "report", "copy", "template", "problems", "documents"} <= set(names)
    for name in names:
        assert cli.main([name]) == 2, name
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1, err
        assert err.startswith("tdkt: lỗi tham số: thiếu tham số bắt buộc: --"), err
        assert err.endswith(f"(xem «tdkt {name} --help»)"), err
        assert not any(w in err.lower() for w in ENGLISH), err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["indicators"], "thiếu tham số bắt buộc: --source, --year"),
        (["pipeline", "--year", "2025"], "thiếu tham số bắt buộc: --source"),
        (["indicators", "--source", "demo", "--year", "hai"], "--year: «hai» không phải là số nguyên"),
        (["indicators", "--source", "demo", "--year", "2025", "--format", "xml"],
         "--format: không có lựa chọn «xml» (chọn một trong: json, table)"),
        (["indicators", "--source"], "--source: cần một giá trị đi kèm"),
        (["pipeline", "--source", "demo", "--year", "2025", "thua"], "không hiểu tham số: thua"),
        (["bay-bong"], "không có lệnh «bay-bong» (các lệnh: indicators, pipeline"),
        (["demo", "--scale", "0"], "--scale: hệ số phải lớn hơn 0 (nhận «0»)"),  # our own message, kept
    ],
)
def test_argument_errors_are_vietnamese_exit_2(args: list[str], said: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(args) == 2
    err = capsys.readouterr().err.strip()
    assert said in err and len(err.splitlines()) == 1, err
    assert not any(w in err.lower() for w in ENGLISH), err


def test_help_is_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["indicators", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("cách dùng: tdkt indicators") and "tùy chọn:" in out and "in hướng dẫn này" in out
    assert "usage" not in out and "show this help" not in out
