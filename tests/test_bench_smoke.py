"""The benchmark functions at a tiny size, with no latency: request counts, not timings.

``make bench`` measures times; here only what must hold on any machine is checked: the store
reads a spreadsheet in one request where the naive peer needs one per tab plus one, a form
submission costs one append and at most one check, and viewers inside one TTL share reads.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from benchmarks import measure as M
from benchmarks import run as bench_run
from benchmarks.province import FakeProvince, demo_sqlite, fake_province
from sheets.stores.gsheets import GSheetsStore
from tests.fakes.fake_sheets import FakeSheets, make_client

TINY = 0.02  # still 12 spreadsheets, about 1 600 rows


@pytest.fixture(scope="module")
def tiny_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_sqlite(TINY, directory=tmp_path_factory.mktemp("bench"))


@pytest.fixture()
def tiny(tiny_sqlite: Path) -> FakeProvince:
    return fake_province(TINY, source=tiny_sqlite)


def test_cold_load_costs_one_request_a_spreadsheet_against_one_a_tab(tiny: FakeProvince) -> None:
    r = M.cold_load(tiny, latency=0.0, runs=1, naive_runs=1)
    assert r.spreadsheets == 12
    assert r.store_requests == [r.spreadsheets]
    assert r.naive_requests == [sum(1 + tabs for tabs in tiny.per_sheet_tabs.values())]
    assert r.naive_round_trips == r.naive_requests  # one after the other
    assert r.same_figures  # both read the same cells into the same Dataset


def test_a_submission_costs_one_append_and_at_most_one_check(tiny: FakeProvince) -> None:
    r = M.submission(tiny, latency=0.0, runs=1)
    assert r.with_id == [2] and r.without_id == [2]
    assert r.kinds["values.append"] == 1
    before = M.submission(tiny, latency=0.0, runs=1, reuse_header=False)
    assert before.with_id == [3]  # the header read again after the check


def test_viewers_inside_one_ttl_cost_what_one_viewer_costs(tiny: FakeProvince) -> None:
    r = M.viewers(tiny, n=10, latency=0.0, runs=1)
    assert r.all_viewers == r.one_viewer == [12]
    assert r.again_inside_ttl == [0]


def test_a_header_changed_between_check_and_append_is_read_again() -> None:
    """The header row read by a write-id check serves the append that follows, unless a write
    of ours changed that header in between: then it is read again, and cells land right."""
    fake = FakeSheets()
    fake.add_spreadsheet("REG", {"KeHoach": [["Năm", "Mã đơn vị", "Mã lần ghi"], [2025, "A", "w0"]]})
    store = GSheetsStore("REG", client=make_client(fake), sleep=lambda s: None, rng=random.Random(0))
    store.read(["REG"])  # tab list known, as after a load
    fake.reset_counts()
    assert not store.has_write_id("REG", "KeHoach", "w1")  # check ...
    store.append_rows("REG", "KeHoach", ["Năm", "Mã đơn vị", "Mã lần ghi"], [[2025, "B", "w1"]])  # ... then append
    assert fake.counts == {"values.get": 1, "values.append": 1}

    assert not store.has_write_id("REG", "KeHoach", "w2")  # check by one session
    store.append_rows("REG", "KeHoach", ["Năm", "Ghi chú", "Mã đơn vị", "Mã lần ghi"],
                      [[2025, "thêm cột", "C", "w3"]])  # another session's write adds a column
    store.append_rows("REG", "KeHoach", ["Năm", "Mã đơn vị", "Ghi chú", "Mã lần ghi"],
                      [[2025, "D", "ghi chú D", "w2"]])  # the first session's append
    rows = fake.values("REG", "KeHoach")
    assert rows[0] == ["Năm", "Mã đơn vị", "Mã lần ghi", "Ghi chú"]
    assert rows[-2] == [2025, "C", "w3", "thêm cột"]
    assert rows[-1] == [2025, "D", "w2", "ghi chú D"]


def test_indicators_and_reruns_run_and_report(tiny_sqlite: Path, tiny: FakeProvince) -> None:
    c = M.indicators(tiny_sqlite, TINY, runs=1, memory_runs=1)
    assert c.rows > 1000 and c.compute.runs == 1 and c.peak_bytes[0] > 0
    rr = M.warm_rerun(tiny_sqlite, TINY, runs=1)
    assert set(rr.first_run) == set(M.PAGES)
    load = M.cold_load(tiny, latency=0.0, runs=1, naive_runs=1)
    sub = M.submission(tiny, latency=0.0, runs=1)
    viewers = M.viewers(tiny, latency=0.0, runs=1)
    results = {"load": [load.as_json()], "submit": sub.as_json(), "viewers": viewers.as_json(),
               "rerun": [rr.as_json()], "indicators": [c.as_json()]}
    text = bench_run.render(results, write_docs=False)
    assert "Targets" in text and "one submission: one append plus at most one check" in text


def test_scale_figures_count_one_listing_and_the_one_spreadsheet_written(tiny: FakeProvince) -> None:
    from benchmarks import scale as SC

    rows = {r["figure"]: r for r in SC.fake_figures(tiny, latency=0.0, runs=1, cold=True)}
    cold = rows["cold load through the fake, 150 ms a request"]
    # one files.list and the registry's confirming read more than a full load
    assert cold["note"].startswith("requests 12 / 14,")
    own = rows["reload after this server's own write (a save in the app), through the fake"]
    # files.list, the written spreadsheet and one confirming read (at no latency the confirming
    # read may finish inside the timed reload: only the sum is fixed)
    hit = re.search(r"requests 12 / (\d+) \+ (\d+) confirming read", own["note"])
    assert hit and int(hit[1]) + int(hit[2]) == 3, own["note"]
    assert own["note"].endswith("same figures as a full load: yes")
    other = rows["reload after another server's write, through the fake"]
    assert other["note"].startswith("requests 12 / 2;") and other["note"].endswith("same figures as a full load: yes")
    unchanged = rows["requests for a refresh with nothing changed"]
    assert (unchanged["full"], unchanged["incremental"]) == (12, 1)


def test_the_scale_block_replaces_only_itself_in_the_docs() -> None:
    from benchmarks import scale as SC

    docs = "# Benchmarks\n\n## Results\n\nold tables\n\n## Runs behind these tables\n\nnotes\n"
    once = SC.splice(docs, "### Scale\n\nfirst")
    assert once.index("first") < once.index("## Runs behind") and "old tables" in once
    twice = SC.splice(once, "### Scale\n\nsecond")
    assert "second" in twice and "first" not in twice and twice.count(SC.MARK_BEGIN) == 1
    assert twice.replace("second", "first") == once
