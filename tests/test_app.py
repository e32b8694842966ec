"""AppTest: the app's first page shows exactly the indicators the CLI computes."""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from components.fmt import pct
from indicators.core import compute
from sheets import clock
from sheets.load import load
from sheets.sources import open_source


def test_tong_quan_shows_demo_figures() -> None:
    at = AppTest.from_file("../app.py", default_timeout=60).run()
    assert not at.exception
    ds = load(open_source("demo"))
    res = compute(ds, clock.today().year, clock.today())
    values = {m.label.split(" · ")[0]: m.value for m in at.metric}
    assert values == {i.code: pct(i.percent) for i in res.indicators}
    assert any("Dữ liệu minh họa" in i.value for i in at.info)


def test_year_selector_changes_figures() -> None:
    at = AppTest.from_file("../app.py", default_timeout=60).run()
    at.selectbox(key="year").select(2023).run()
    assert not at.exception
    res = compute(load(open_source("demo")), 2023, clock.today())
    values = {m.label.split(" · ")[0]: m.value for m in at.metric}
    assert values == {i.code: pct(i.percent) for i in res.indicators}
    assert res.end == date(2023, 12, 31)
