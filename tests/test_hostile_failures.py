"""Failures that say what they are (issue 12): a read failure is not "not registered", a failed
load is not kept, every error page has "Làm mới", the freshness line tells the age the outage
banner tells, and no traceback or server path reaches a user."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import banner, data
from sheets import clock, upload
from sheets.copy import copy_store
from sheets.load import load
from sheets.sources import open_source
from sheets.stores.memory import MemoryStore
from sheets.stores.sqlite import SqliteStore
from tests import fixtures as F

ROOT = Path(__file__).resolve().parents[1]
LEADER = "lanhdao@demo.tdkt.vn"
PATH = re.compile(r"(/[\w.+-]+){2,}|Traceback|\.py\b")


def _all_text(at: AppTest) -> str:
    parts = []
    for kind in ("error", "warning", "markdown", "caption", "info", "exception", "title", "text", "code"):
        parts += [str(getattr(e, "value", "")) for e in getattr(at, kind)]
    parts += [b.label for b in at.button]
    return "\n".join(parts)


def _app(actor: str = LEADER) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.session_state["actor"] = actor
    return at.run()


def test_unreadable_registry_is_a_read_failure_not_kept_and_refreshable(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "nguon" / "tinh.sqlite"
    path.parent.mkdir()
    path.write_bytes(b"not a database, a file damaged on the server " * 40)
    monkeypatch.setenv("TDKT_SOURCE", f"sqlite:{path}")
    at = _app()
    assert not at.exception
    text = _all_text(at)
    assert "Chưa được cấp quyền" not in text and "chưa được cấp quyền" not in text
    assert any("Chưa đọc được bảng tính đăng ký" in e.value and "không phải lỗi tài khoản" in e.value
               for e in at.error), text
    assert not PATH.search(text), text  # the file's path stays in the server log
    assert at.button(key="failure_refresh").label == "Làm mới"
    # the store comes back: nothing of the failure was kept, "Làm mới" shows the data
    path.unlink()
    good = SqliteStore(path)
    copy_store(open_source("demo"), good)
    getattr(good, "close", lambda: None)()
    at.button(key="failure_refresh").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.title and at.title[0].value == "Tổng quan"
    assert len(at.metric) == 8


def test_unreadable_registry_then_a_plain_rerun_reads_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not cached for the TTL: the next run of any viewer reads again."""
    path = tmp_path / "tinh.sqlite"
    path.write_bytes(b"x" * 4096)
    monkeypatch.setenv("TDKT_SOURCE", f"sqlite:{path}")
    at = _app()
    assert any("Chưa đọc được bảng tính đăng ký" in e.value for e in at.error)
    path.unlink()
    copy_store(open_source("demo"), SqliteStore(path))
    at.run()
    assert not at.exception and not at.error
    assert len(at.metric) == 8


def test_an_unexpected_failure_shows_our_page_with_refresh_and_no_details(monkeypatch: pytest.MonkeyPatch,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("TDKT_RAISE", "0")  # as served: people see our page, not the exception
    monkeypatch.setenv("TDKT_SOURCE", "khongco:/srv/tdkt/secret/path.sqlite")  # an impossible source
    with caplog.at_level("ERROR", logger="tdkt.app"):
        at = _app()
    assert not at.exception
    text = _all_text(at)
    assert any("Có lỗi khi hiển thị trang" in e.value for e in at.error), text
    assert "/srv/tdkt" not in text and not PATH.search(text), text
    assert at.button(key="failure_refresh").label == "Làm mới"
    assert any("page failed" in r.getMessage() and r.exc_info for r in caplog.records)  # details: server log


def test_streamlit_shows_no_error_details_and_the_upload_cap_is_above_ours() -> None:
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg["client"]["toolbarMode"] == "minimal"
    # our 10 MB check is reached (with its Vietnamese message) for every file it refuses by size
    # up to Streamlit's own cap; above that, Streamlit's refusal is translated (components.chrome)
    assert cfg["server"]["maxUploadSize"] * upload.MB > upload.DEFAULT.max_file_bytes


def _stale_store() -> tuple[object, object]:
    """A Google Sheets store over the fake server that has been down for 10 minutes."""
    from tests.test_contract import gsheets_for

    src = MemoryStore(F.province())
    gs, fake = gsheets_for(src)
    copy_store(src, gs)
    t = [1000.0]
    gs._clock = lambda: t[0]  # type: ignore[attr-defined]
    gs.ttl = 60
    load(gs)
    fake.set_faults(error_500=1.0)
    t[0] += 600
    return gs, load(gs)


def _freshness_page(ds: object) -> None:
    from components import banner as b

    b.freshness(ds, link_problems=False)  # type: ignore[arg-type]  # a page outside the app: no link


def test_freshness_line_tells_the_age_the_outage_banner_tells(monkeypatch: pytest.MonkeyPatch) -> None:
    clock.set_now("2026-03-01T09:00:00+07:00")
    gs, ds = _stale_store()
    assert gs.stale_sheets()  # type: ignore[attr-defined]
    monkeypatch.setattr(data, "get_store", lambda: gs)
    monkeypatch.setattr(data, "source_spec", lambda: "gsheets:REGISTRY")
    at = AppTest.from_function(_freshness_page, args=(ds,), default_timeout=60).run()
    assert not at.exception, at.exception
    banner_text = next(w.value for w in at.warning if "Không kết nối được Google Sheets" in w.value)
    assert "cách đây 10 phút" in banner_text
    line = next(m.value for m in at.markdown if "Nguồn:" in m.value)
    assert "(vừa xong)" not in line
    assert "(10 phút trước)" in line and "đọc lúc **08:50 01/03/2026**" in line, line


def test_read_time_is_the_load_when_nothing_is_stale() -> None:
    clock.set_now("2026-03-01T09:00:00+07:00")
    now = clock.now()
    assert banner.data_read_at(now, {}) == now
    assert banner.data_read_at(now, {"A": 30.0, "B": 600.0}).strftime("%H:%M") == "08:50"
    assert date(2026, 3, 1) == banner.data_read_at(now, {"B": 600.0}).date()


def test_plain_reason_hides_server_paths() -> None:
    reason = data._plain_reason("Không mở được tệp dữ liệu «/srv/tdkt/data/tinh.sqlite»: file is not a database")
    assert "/srv" not in reason and "file is not a database" in reason


def test_an_import_report_shows_blank_cells_blank() -> None:
    """A file-level problem has no row or column: the grid shows nothing there, not "None"."""
    from components.import_ui import report_shown
    from sheets import importer
    from sheets import schema as S
    from sheets.parse import ERROR, Problem

    checked = importer.ImportCheck(S.TABS["KhenThuong"], "bom.xlsx", problems=[
        Problem(ERROR, "bom.xlsx", "KhenThuong", None, None, "", "Tệp nén bất thường.", "Lưu lại tệp."),
        Problem(ERROR, "bom.xlsx", "KhenThuong", 3, "B", "x", "Sai.", "Sửa.")])
    shown = report_shown(checked.report())
    cells = shown.to_numpy().ravel().tolist()
    assert "None" not in cells and "<NA>" not in cells and "nan" not in cells
    assert shown.iloc[0, 0] == "" and shown.iloc[1, 0] == "3"
