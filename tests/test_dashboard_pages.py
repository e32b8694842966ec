"""AppTest of the dashboard pages: every page for every demo role, the Tổng quan cards
against the real `tdkt indicators` for the same arguments, charts, filters and tables."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from components import data
from components.cards import change_text
from components.fmt import num, pct
from indicators import dashboard as D
from indicators.core import compute
from sheets import clock
from sheets.copy import copy_store
from sheets.load import load
from sheets.sources import open_source
from sheets.stores.memory import MemoryStore
from sheets.stores.sqlite import SqliteStore
from tests import fixtures as F
from tests.pages import LEADER, OFFICER, READ, ROLE_PAGES, registered_pages

TDKT = Path(sys.executable).parent / "tdkt"
MINE = ["views/tong_quan.py", "views/don_vi.py", "views/phong_trao.py", "views/khen_thuong.py", "views/chat_luong.py"]
CARD_LINE = re.compile(r"^\*\*([\d.]+)/([\d.]+)\*\* .* · ngưỡng \*\*(.+)\*\*$")


def app(actor: str = LEADER, page: str | None = None) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.session_state["actor"] = actor
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


def cli(year: int, *, as_of: date | None = None, unit: str | None = None) -> dict[str, Any]:
    args = [str(TDKT), "indicators", "--source", "demo", "--year", str(year), "--format", "json"]
    if as_of:
        args += ["--as-of", as_of.isoformat()]
    if unit:
        args += ["--unit", unit]
    out = subprocess.run(args, capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def cards(at: AppTest) -> dict[str, dict[str, str]]:
    """code -> what its card shows: percent, numerator, denominator, threshold, verdict."""
    metrics = [(m.label.split(" · ")[0], m.value) for m in at.metric]
    lines = [m.value for m in at.markdown if CARD_LINE.match(m.value)]
    verdicts = [m.value for m in at.markdown if m.value.startswith((":green-badge", ":red-badge", ":gray-badge"))]
    assert len(metrics) == len(lines) == len(verdicts) == 8
    out = {}
    for (code, value), line, verdict in zip(metrics, lines, verdicts, strict=True):
        m = CARD_LINE.match(line)
        assert m is not None
        out[code] = {"percent": value, "numerator": m.group(1), "denominator": m.group(2), "threshold": m.group(3),
                     "verdict": verdict}
    return out


def assert_cards_match_cli(at: AppTest, expected: dict[str, Any]) -> None:
    shown = cards(at)
    assert list(shown) == [i["code"] for i in expected["indicators"]]
    for i in expected["indicators"]:
        card = shown[i["code"]]
        assert card["percent"] == pct(i["percent"]), i
        assert (card["numerator"], card["denominator"]) == (num(i["numerator"]), num(i["denominator"])), i
        t = i["threshold"]
        assert card["threshold"] == pct(t, 0 if float(t).is_integer() else 1)
        if i["met"] is None:
            assert "Chưa có số liệu" in card["verdict"]
        else:
            assert card["verdict"].startswith(":green-badge" if i["met"] else ":red-badge"), (i, card)


def caption_text(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


# --- every page, every role ---------------------------------------------------------------------


@pytest.mark.parametrize("actor", list(ROLE_PAGES))
def test_every_page_opens_for_every_role(actor: str) -> None:
    at = app(actor)
    for page in ROLE_PAGES[actor]:
        at.switch_page(page).run()
        assert not at.exception, (actor, page, at.exception)
        if page in MINE:
            assert not at.error, (actor, page, [e.value for e in at.error])
            assert any("Dữ liệu minh họa" in i.value for i in at.info), page
            assert at.title[0].value in {"Tổng quan", "Đơn vị", "Phong trào", "Khen thưởng", "Chất lượng dữ liệu"}


def test_pages_never_change_the_shared_province_results() -> None:
    """The province's results are cached as a shared resource (no copy per rerun): after every
    page has drawn from them, for the province and for a district, they still equal a fresh compute."""
    import pandas as pd

    at = app()
    for scope in (None, "BABE"):
        if scope:
            at.switch_page("views/tong_quan.py").run()
            at.selectbox(key="scope").select(scope).run()
        for page in READ:
            at.switch_page(page).run()
            assert not at.exception, (page, at.exception)
    today = clock.today()
    spec, gen = data.cache_key()
    shared = data._province(spec, gen, 2026, today)
    assert shared is data._province(spec, gen, 2026, today)  # the very object the pages used
    fresh = compute(load(open_source(spec)), 2026, today)
    for a, b in zip(shared.indicators, fresh.indicators, strict=True):
        assert (a.code, a.numerator, a.denominator) == (b.code, b.numerator, b.denominator)
        pd.testing.assert_frame_equal(a.detail, b.detail)


def test_officer_lands_on_own_federation() -> None:
    at = app(OFFICER)
    assert at.selectbox(key="scope").value == "BABE"
    assert_cards_match_cli(at, cli(2026, unit="BABE"))


# --- Tổng quan against the CLI ---------------------------------------------------------------


def test_cards_follow_year_scope_and_as_of_like_the_cli() -> None:
    at = app()
    assert at.selectbox(key="scope").options[0].startswith("Toàn tỉnh")
    assert_cards_match_cli(at, cli(2026))
    at.selectbox(key="year").select(2024).run()
    assert not at.exception
    assert_cards_match_cli(at, cli(2024))
    assert "tính đến ngày **31/12/2024**" in caption_text(at)  # E = min(A, 31/12/Y)
    at.selectbox(key="scope").select("GD").run()
    assert_cards_match_cli(at, cli(2024, unit="GD"))
    at.date_input(key="as_of").set_value(date(2024, 6, 30)).run()
    assert_cards_match_cli(at, cli(2024, as_of=date(2024, 6, 30), unit="GD"))
    assert "tính đến ngày **30/06/2024**" in caption_text(at)
    at.selectbox(key="year").select(2023).run()  # the as-of date stays put when the year changes
    assert at.date_input(key="as_of").value == date(2024, 6, 30)
    assert_cards_match_cli(at, cli(2023, as_of=date(2024, 6, 30), unit="GD"))


def test_change_from_a_year_earlier_handles_29_february() -> None:
    at = app()
    at.selectbox(key="year").select(2024).run()
    at.date_input(key="as_of").set_value(date(2024, 2, 29)).run()
    assert not at.exception
    assert "28/02/2023" in caption_text(at)
    ds = load(open_source("demo"))
    cur, prev = compute(ds, 2024, date(2024, 2, 29)), compute(ds, 2023, date(2023, 2, 28))
    deltas = {m.label.split(" · ")[0]: m.delta for m in at.metric}
    changes = D.changes(cur, prev)
    assert changes["O2"] is None  # no report was due by 29/02: nothing to compare
    for code, change in changes.items():
        assert (deltas[code] or None) == change_text(change), code


def test_freshness_banner_and_refresh() -> None:
    at = app()
    ds = load(open_source("demo"))
    counts = ds.problem_counts()
    links = [p.proto for p in at.get("page_link")]
    assert any(p.label == f"{counts['error']} lỗi, {counts['warning']} cảnh báo dữ liệu" and p.page == "chat-luong"
               for p in links)
    assert any("Nguồn: **Dữ liệu minh họa**" in m.value for m in at.markdown)
    before = data.cache_key()
    at.button(key="refresh_data").click().run()
    assert not at.exception
    assert data.cache_key() != before  # the generation moved: every viewer reads again
    assert_cards_match_cli(at, cli(2026))


def test_follow_up_panel_counts_and_links() -> None:
    at = app()
    res = compute(load(open_source("demo")), 2026, clock.today())
    items = D.follow_ups(res)
    text = "\n".join(m.value for m in at.markdown)
    for item in items:
        if item.count:
            assert f"**{num(item.count)}** {item.label[:1].lower()}{item.label[1:]}" in text, item.key
    targets = {p.proto.page for p in at.get("page_link")}
    assert {"don-vi", "dao-tao", "khen-thuong", "chat-luong"} <= targets
    untrained = next(i for i in items if i.key == "training")
    assert untrained.count == res["T4"].denominator - res["T4"].numerator
    assert any(len(d.value) == untrained.count for d in at.dataframe)


def chart_specs(at: AppTest) -> list[dict[str, Any]]:
    """Each chart's Vega-Lite spec, with the data sets Streamlit sends apart put back as rows."""
    out = []
    for c in at.get("vega_lite_chart"):
        spec = json.loads(c.proto.spec)
        spec["datasets"] = {
            d.name: convert_arrow_bytes_to_pandas_df(d.data.data).to_dict("records") for d in c.proto.datasets
        }
        out.append(spec)
    return out


def marks(spec: dict[str, Any]) -> list[str]:
    return [(lay["mark"] if isinstance(lay["mark"], str) else lay["mark"]["type"]) for lay in spec.get("layer", [spec])]


def test_charts_per_target_with_threshold_rules() -> None:
    at = app()
    specs = chart_specs(at)
    assert len(specs) == 2  # the open tab (T1A): comparison and trend
    compare, trend = specs
    assert marks(compare) == ["bar", "text", "rule"]
    assert compare["layer"][0]["encoding"]["y"]["field"] == "short"
    assert compare["layer"][0]["encoding"]["x"]["field"] == "percent"
    units = {r["short"] for name, rows in compare["datasets"].items() for r in rows if "short" in r}
    assert "LĐLĐ huyện Ba Bể" in units and len(units) >= 11
    assert marks(trend) == ["line", "line", "point", "text"]
    years = {r["Năm"] for rows in trend["datasets"].values() for r in rows if "Năm" in r}
    assert years == {str(y) for y in range(2020, 2027)}
    at.session_state["chart_tab"] = "T3"
    at.run()
    compare = chart_specs(at)[0]
    rule_rows = compare["datasets"][compare["layer"][2]["data"]["name"]]
    expected = compute(load(open_source("demo")), 2026, clock.today())["T3"].threshold
    assert rule_rows[0]["threshold"] == expected


# --- the other pages ---------------------------------------------------------------------


def test_don_vi_table_filters_and_downloads() -> None:
    at = app(page="views/don_vi.py")
    at.selectbox(key="scope").select("BABE").run()
    res = compute(load(open_source("demo")), 2026, clock.today(), "BABE")
    table = at.dataframe[0].value
    assert len(table) == res["T1B"].denominator
    assert int(((table["Có kế hoạch"] == "Có") & (table["Đã phát động"] == "Có")).sum()) == res["T1B"].numerator
    at.toggle(key="unit_gaps").set_value(True).run()
    gaps = at.dataframe[0].value
    assert 0 < len(gaps) < len(table) and (gaps["Việc còn thiếu"] > 0).all()
    at.text_input(key="unit_search").input("BABE00").run()
    assert set(at.dataframe[0].value["Mã đơn vị"].str[:6]) == {"BABE00"}
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Tải .xlsx", "Tải .csv"]


def test_don_vi_keeps_the_scope_chosen_on_tong_quan() -> None:
    at = app()
    at.selectbox(key="scope").select("CD").run()
    at.selectbox(key="year").select(2025).run()
    at.switch_page("views/don_vi.py").run()
    assert at.selectbox(key="scope").value == "CD" and at.selectbox(key="year").value == 2025


def test_phong_trao_timeline_and_filters() -> None:
    at = app(page="views/phong_trao.py")
    at.selectbox(key="year").select(2025).run()
    res = compute(load(open_source("demo")), 2025, clock.today())
    assert len(at.dataframe[0].value) == res["T2"].denominator
    spec = chart_specs(at)[0]
    assert marks(spec) == ["rule", "tick", "point", "rule"]
    states = {r["Tình trạng"] for rows in spec["datasets"].values() for r in rows if "Tình trạng" in r}
    assert D.REVIEW_OVERDUE in states  # 2025 has overdue reviews in the demo
    at.toggle(key="mv_overdue").set_value(True).run()
    overdue = at.dataframe[0].value
    assert len(overdue) == res["T2"].denominator - res["T2"].numerator - int(
        (res["T2"].behind["Lý do"] == "Dừng").sum()) and (overdue["Quá hạn"] == "Quá hạn").all()
    at.toggle(key="mv_overdue").set_value(False).run()
    at.multiselect(key="mv_audience").select("Cán bộ công đoàn").run()
    assert set(at.dataframe[0].value["Đối tượng"]) <= {"Cán bộ công đoàn"}


def test_khen_thuong_breakdowns_and_search() -> None:
    at = app(page="views/khen_thuong.py")
    at.selectbox(key="year").select(2025).run()
    ds = load(open_source("demo"))
    awards = D.awards_frame(ds, 2025, clock.today(), ds.tree.root)
    specs = chart_specs(at)
    assert len(specs) == 1 + len(D.BREAKDOWNS)
    assert marks(specs[0]) == ["line", "line", "point", "text"]
    assert all(marks(s) == ["bar", "text"] for s in specs[1:])
    table = at.dataframe[0].value
    assert len(table) == len(awards)
    t3 = compute(ds, 2025, clock.today())["T3"]
    assert int((table["Đối tượng"] == "Cá nhân").sum()) == t3.denominator
    at.text_input(key="aw_search").input("giay khen").run()
    found = at.dataframe[0].value
    assert 0 < len(found) < len(table) and found["Hình thức"].str.contains("Giấy khen").all()


def test_chat_luong_lists_every_problem() -> None:
    at = app(page="views/chat_luong.py")
    ds = load(open_source("demo"))
    counts = ds.problem_counts()
    assert len(at.dataframe[0].value) == len(ds.problems)
    assert {m.label: m.value for m in at.metric}["Lỗi"] == num(counts["error"])
    at.pills(key="pb_severity").set_value(["Lỗi"]).run()
    assert len(at.dataframe[0].value) == counts["error"]
    assert "Liên kết" not in at.dataframe[0].value  # not Google Sheets: nothing to link to


def test_chat_luong_links_google_sheets_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    real_load = data._load_dataset

    def as_if_google(loader: Any) -> Any:  # the demo read as if every spreadsheet were a Google Sheet
        ds = real_load(loader)
        ds.sheet_urls = {s: f"https://docs.google.com/spreadsheets/d/KEY-{s}/edit" for s in ds.sheets}
        return ds

    monkeypatch.setattr(data, "_load_dataset", as_if_google)
    at = app(page="views/chat_luong.py")
    table = at.dataframe[0].value
    first = table.iloc[0]
    assert first["Liên kết"].startswith(f"https://docs.google.com/spreadsheets/d/KEY-{first['Bảng tính']}/edit"
                                        f"#range=%27{first['Trang']}%27%21")
    assert first["Liên kết"].endswith(str(first["Dòng"]))
    assert table["Liên kết"].notna().all()


# --- odd data never breaks a page ------------------------------------------------------------


def test_messy_data_never_breaks_a_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sheets = F.messy(F.province())
    reg = sheets["registry"]  # messy() names the tabs in lower case
    reg["phongtrao"].append(["PX", "Phong trào lạ", "BK", "?", "32/13/2025"] + [None] * 20)  # bad date
    reg["khenthuong"].append(["KX", "năm nay", None, "hôm qua"] + [None] * 20)  # errors everywhere
    reg["baocao"] = [["Mã đơn vị", "Năm"], ["H1", 2025]]  # missing required columns: tab skipped
    reg["donvi"].append(["LOST", "Đơn vị mồ côi", "Cơ sở", "NOWHERE"])  # unknown parent
    path = tmp_path / "messy.sqlite"
    copy_store(MemoryStore(sheets), SqliteStore(path))
    monkeypatch.setenv("TDKT_SOURCE", f"sqlite:{path}")
    monkeypatch.setenv("TDKT_ALLOW_ACT_AS", "1")
    at = app("leader@x.vn")
    assert not any("Dữ liệu minh họa" in i.value for i in at.info)
    for page in MINE:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, [e.value for e in at.error])
        for year in (2025, 2020) if page != "views/chat_luong.py" else ():
            at.selectbox(key="year").select(year).run()
            assert not at.exception and not at.error, (page, year)
    at.switch_page("views/chat_luong.py").run()
    assert len(at.dataframe[0].value) == len(load(SqliteStore(path)).problems) > 0


def test_the_page_walks_cover_every_registered_page() -> None:
    walked = {p for pages in ROLE_PAGES.values() for p in pages}
    assert walked == registered_pages()
