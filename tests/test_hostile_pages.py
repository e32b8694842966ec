"""Every page renders, for every role, on a province whose every tab of every spreadsheet holds
hostile values (issue 12): the reproductions of the issue, typed into a copy of the demo. The
pages show no exception and no traceback, they report the problems (the freshness line's count
is the count of a fresh load, far above the demo's own), and the victim of a foreign key keeps
its records."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from sheets import schema as S
from sheets.copy import copy_store
from sheets.load import Dataset, load
from sheets.sources import open_source
from sheets.stores.sqlite import SqliteStore
from sheets.text import fold
from tests.pages import ROLE_PAGES, each_page

# pages whose top is the freshness line with the problem count (components.banner.freshness)
WITH_COUNT = ["views/tong_quan.py", "views/don_vi.py", "views/phong_trao.py", "views/khen_thuong.py",
              "views/chat_luong.py"]

LONG = "a" * 100_000  # over the 32 767-character cell limit
# the reproductions of issue 12 and their kin, one per column in turn
HOSTILE: list[Any] = [
    "25", 25, "9" * 309, 2**63, 10**400, -(2**63) - 1, "0001-01-01T00:00:00+08:00",
    datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=8))), "Giấy\x0bkhen\x00", "\x1b[31mđỏ\x07",
    "2099-01-01T00:00:00+07:00", "nan", "NaN", "inf", "-inf", math.nan, math.inf, "None", "null", "—",
    "31/02/2025", "15/01/0225", True, "\ufeff", "=1/0", "𝔘𝔫𝔦", "1e400", 1e308, -0.0,
]
KEY_FRESH = {S.Kind.CODE: "HX{n}", S.Kind.EMAIL: "hx{n}@hostile.vn"}


def _tab_of(name: str) -> S.Tab | None:
    for t in S.ALL_TABS:
        if fold(t.name) == fold(name):
            return t
    return None


def _hostile_rows(tab: S.Tab, grid: list[list[Any]], sheet_no: int, counter: Iterator[int]) -> list[list[Any]]:
    """One row per column: a copy of the tab's first record with that column hostile and the
    other key columns fresh (so no real record is replaced), and one row all hostile."""
    header = [str(h) if h is not None else "" for h in grid[0]]
    width = len(header)
    template = list(grid[1]) + [None] * (width - len(grid[1])) if len(grid) > 1 else [None] * width
    cols = {fold(c.name): c for c in tab.all_columns}
    rows = []
    for i in range(width):
        n = next(counter)
        row = list(template)
        for j, name in enumerate(header):
            col = cols.get(fold(name))
            if j != i and col is not None and col.key and col.kind in KEY_FRESH:
                row[j] = KEY_FRESH[col.kind].format(n=n)
        row[i] = HOSTILE[(i + sheet_no * 7) % len(HOSTILE)]
        rows.append(row)
    rows.append([HOSTILE[(j + sheet_no) % len(HOSTILE)] for j in range(width)])
    return rows


def _first(grid: list[list[Any]], header: str, pred: Any) -> list[Any]:
    i = [fold(str(h)) for h in grid[0]].index(fold(header))
    return next(list(r) for r in grid[1:] if i < len(r) and pred(r[i]))


def _set(grid: list[list[Any]], row: list[Any], header: str, value: Any) -> None:
    names = [fold(str(h)) for h in grid[0]]
    if fold(header) not in names:
        grid[0].append(header)
    i = [fold(str(h)) for h in grid[0]].index(fold(header))
    row += [None] * (len(grid[0]) - len(row))
    row[i] = value


def build_hostile_province(path: Path) -> SqliteStore:
    store = SqliteStore(path)
    copy_store(open_source("demo"), store)
    names = store.spreadsheet_names()
    reads = {r.name: r for r in store.read(names)}
    counter = iter(range(10**9))
    for sheet_no, name in enumerate(names):
        for tab_name, grid in reads[name].tabs.items():
            spec = _tab_of(tab_name)
            if spec is None or not grid:
                continue
            out = [list(r) for r in grid] + _hostile_rows(spec, grid, sheet_no, counter)
            text_col = next((c.name for c in spec.all_columns if c.kind is S.Kind.TEXT), None)
            if text_col and fold(text_col) in {fold(str(h)) for h in grid[0]} and len(grid) > 1:
                long_row = list(grid[1])
                for j, h in enumerate(grid[0]):
                    c = next((x for x in spec.all_columns if fold(x.name) == fold(str(h))), None)
                    if c is not None and c.key and c.kind in KEY_FRESH:
                        long_row[j] = KEY_FRESH[c.kind].format(n=next(counter))
                _set(out, long_row, text_col, LONG)
                out.append(long_row)
            store.replace_tab(name, tab_name, out)
    # Ba Bể reuses Giáo dục's keys with Hủy = Có (an award, a course) and moves an officer
    gd, babe = reads["GD"].tabs, {t: [list(r) for r in g] for t, g in store.read(["BABE"])[0].tabs.items()}
    for tab, key in (("KhenThuong", "Mã khen thưởng"), ("KhoaHoc", "Mã khóa"), ("CanBo", "Mã cán bộ")):
        victim = _first(gd[tab], key, lambda v: isinstance(v, str) and v.strip() != "")
        row = list(victim)
        _set(gd[tab], row, "Mã đơn vị", "BABE")
        if tab != "CanBo":
            _set(gd[tab], row, "Hủy", "Có")
        _set(gd[tab], row, "Cập nhật lúc", "2099-12-31T23:59:00+07:00")
        babe[tab].append(_align(gd[tab][0], babe[tab][0], row))
        store.replace_tab("BABE", tab, babe[tab])
    return store


def _align(src_header: list[Any], dst_header: list[Any], row: list[Any]) -> list[Any]:
    src = {fold(str(h)): i for i, h in enumerate(src_header)}
    return [row[src[fold(str(h))]] if fold(str(h)) in src and src[fold(str(h))] < len(row) else None
            for h in dst_header]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Dataset]]:
    path = tmp_path_factory.mktemp("hostile") / "hostile.sqlite"
    store = build_hostile_province(path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TDKT_SOURCE", f"sqlite:{path}")
        mp.setenv("TDKT_ALLOW_ACT_AS", "1")
        yield path, load(store)


def test_every_tab_of_every_spreadsheet_holds_a_hostile_value(hostile: tuple[Path, Dataset]) -> None:
    path, ds = hostile
    store = SqliteStore(path)
    for read in store.read(store.spreadsheet_names()):
        for tab_name, grid in read.tabs.items():
            if _tab_of(tab_name) is None:
                continue
            cells = [v for r in grid[1:] for v in r]
            assert any(any(v is h or v == h for h in HOSTILE if not isinstance(h, float)) for v in cells), \
                (read.name, tab_name)
    demo = load(open_source("demo")).problem_counts()
    counts = ds.problem_counts()
    assert counts["error"] > demo["error"] + 100 and counts["warning"] > demo["warning"] + 100
    for words in ("bốn chữ số", "quá lớn", "ký tự điều khiển", "32.767", "tương lai", "cùng mã được dùng ở hai đơn vị"):
        assert any(words in p.message for p in ds.problems), words


def test_the_victim_of_reused_keys_keeps_its_records(hostile: tuple[Path, Dataset]) -> None:
    _, ds = hostile
    demo = load(open_source("demo"))
    for tab, key in (("KhenThuong", "award"), ("KhoaHoc", "course"), ("CanBo", "officer")):
        before = demo.frames[tab]
        gd_before = before[before["_sheet"] == "GD"]
        after = ds.frames[tab]
        after = after.assign(code=[ds.raw_code(tab, c) for c in after[key]])  # a shared code is qualified
        gd_after = after[(after["_sheet"] == "GD") & after["code"].isin(set(gd_before[key]))]
        assert set(gd_after["code"]) == set(gd_before[key]), tab  # nothing voided
        units = dict(zip(gd_after["code"], gd_after["unit"], strict=True))
        assert units == dict(zip(gd_before[key], gd_before["unit"], strict=True)), tab  # nothing moved
    # the voided-by-another course keeps its attendance (issue 12: 45 rows were lost)
    gd_courses = set(demo.frames["KhoaHoc"].query("_sheet == 'GD'")["course"])
    att_before = demo.frames["DiemDanh"]
    att_after = ds.frames["DiemDanh"]
    before_n = int(att_before["course"].isin(gd_courses).sum())
    after_n = int(att_after["course"].map(lambda c: ds.raw_code("KhoaHoc", c))
                  .isin(gd_courses).sum())
    assert before_n > 0 and after_n == before_n


def _texts(at: AppTest) -> list[str]:
    out = []
    for kind in ("error", "warning", "markdown", "caption", "info", "exception", "code", "text"):
        out += [str(getattr(e, "value", "")) for e in getattr(at, kind)]
    return out


TRACE = re.compile(r"Traceback|File \"|/work/|site-packages|\.py\", line")


@pytest.mark.parametrize("actor", list(ROLE_PAGES))
def test_every_page_renders_for_every_role_on_a_hostile_province(actor: str, hostile: tuple[Path, Dataset]) -> None:
    _, ds = hostile
    counts = ds.problem_counts()
    label = f"{counts['error']} lỗi, {counts['warning']} cảnh báo dữ liệu"
    for page, at in each_page(actor, ROLE_PAGES[actor]):
        texts = _texts(at)
        assert not [t for t in texts if TRACE.search(t)], (actor, page)
        broken = [e.value for e in at.error if "Không hiển thị được" in e.value]
        assert not broken, (actor, page, broken)  # no part of the page gave up (banner.guard)
        assert at.title, (actor, page)
        # Streamlit draws a grey "None" in each empty cell of a grid given no placeholder
        grey = [d.proto.id or "grid" for d in at.dataframe if not d.proto.HasField("placeholder")]
        assert not grey, (actor, page, grey)
        if page == "views/tong_quan.py":
            assert len(at.metric) == 8, (actor, [m.label for m in at.metric])  # every indicator card drawn
        if page in WITH_COUNT:
            links = [p.proto.label for p in at.get("page_link")]
            shown = links + [m.value for m in at.markdown]
            assert any(label in s for s in shown), (actor, page, label)
