"""AppTest of the one form lifecycle (components.forms.Flow) on Nhập liệu › Phong trào.

A per-test SQLite copy of the demo; the store itself is read back to count records.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from sheets.load import load
from sheets.stores.sqlite import SqliteStore

OFFICER = "canbo.babe@demo.tdkt.vn"
NAME = "Thi đua nước rút cuối năm"


def _entry(tab: str) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.session_state["actor"] = OFFICER
    at.run()
    at.switch_page("views/nhap_lieu.py")
    at.session_state["f_tab_nhap_lieu"] = tab
    at.run()
    assert not at.exception, at.exception
    return at


def _movements(src: Path, name: str) -> list[str]:
    pt = load(SqliteStore(src)).frames["PhongTrao"]
    return sorted(pt.loc[pt["name"] == name, "movement"])


def _click(at: AppTest, label: str) -> None:
    at.button[[b.label for b in at.button].index(label)].click().run()
    assert not at.exception, at.exception


def _fill(at: AppTest) -> None:
    at.text_input(key="f_pt_name").input(NAME)
    at.date_input(key="f_pt_launched").set_value(date(2026, 10, 1))


def test_saved_form_shows_the_record_and_cannot_write_again(demo_copy: Path) -> None:
    at = _entry("Phong trào")
    _fill(at)
    _click(at, "Phát động")
    codes = _movements(demo_copy, NAME)
    assert len(codes) == 1
    shown = "\n".join(str(s.value) for s in at.success)
    assert codes[0] in shown and "đã ghi 1 dòng" in shown
    text = "\n".join(str(m.value) for m in at.markdown)
    assert "**Tên phong trào:** " + NAME in text and "**Ngày phát động:** 01/10/2026" in text
    # the form is gone: no second "Phát động" can be clicked; the tab stayed on Phong trào
    assert "Phát động" not in [b.label for b in at.button]
    assert at.session_state["f_tab_nhap_lieu"] == "Phong trào"
    _click(at, "Thêm mới")
    assert at.text_input(key="f_pt_name").value == ""
    assert _movements(demo_copy, NAME) == codes


def test_look_alike_movement_asks_before_writing(demo_copy: Path) -> None:
    at = _entry("Phong trào")
    _fill(at)
    _click(at, "Phát động")
    _click(at, "Thêm mới")
    _fill(at)
    _click(at, "Phát động")
    warn = "\n".join(str(w.value) for w in at.warning)
    first = _movements(demo_copy, NAME)
    assert len(first) == 1 and first[0] in warn  # nothing written yet; the look-alike is named
    _click(at, "Không ghi")
    assert _movements(demo_copy, NAME) == first
    assert at.text_input(key="f_pt_name").value == NAME  # the input is kept
    _click(at, "Phát động")
    _click(at, "Vẫn ghi")
    assert len(_movements(demo_copy, NAME)) == 2
