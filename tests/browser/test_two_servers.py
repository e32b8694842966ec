"""Two app servers over one store agree (issue 17, SPEC 5): two ``streamlit run app.py``
processes over ONE SQLite file, and over ONE PostgreSQL database (a throw-away cluster,
tests/pg.py), each viewed in Chromium on Tổng quan. A write lands in the store through the
write door (``sheets.write.append``, as any app server's form does). Each server's background
watch (components/data.py) reads the change by itself (within the requirement's 2 s on an
idle machine; asserted with a generous 15 s bound, as the machine is shared, and printed); a
viewer who then looks (ONE rerun, Streamlit's "R", 2 s after the write) sees the new figure.

"No extra read of unchanged data": the servers run with ``TDKT_READ_LOG`` (each store read
appends process id and spreadsheet name to a file). While nothing changes, reruns read
nothing; after the write, each server reads the one spreadsheet written (BABE) once, and
nothing else.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sheets.copy import copy_store
from sheets.load import load
from sheets.sources import open_source
from sheets.stores.base import Store
from sheets.write import append
from tests.browser.conftest import SCREENSHOTS, start_server, stop_server, wait_for_app

pytestmark = pytest.mark.browser

WRITER = "canbo.babe@demo.tdkt.vn"
REQUIREMENT = 2.0  # seconds (issue 17)
BOUND = 15.0  # what the test allows on a shared, loaded machine
FIGURE = re.compile(r"([\d.]+)/([\d.]+)\s+\S.*·\s*ngưỡng")  # as tests/browser/test_dashboard.py reads a card


@dataclass
class Pair:
    kind: str
    store: Store
    urls: list[str]
    pids: list[int]
    log: Path


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def pair(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    folder = tmp_path_factory.mktemp(f"two-{request.param}")
    if request.param == "sqlite":
        spec = f"sqlite:{folder / 'tdkt.sqlite'}"
        store = open_source(spec, create=True)
    else:
        from tests.pg import Cluster

        cluster = request.getfixturevalue("pg_cluster")
        assert isinstance(cluster, Cluster)
        spec = cluster.socket_uri(cluster.new_database())
        store = open_source(spec)
    copy_store(open_source("demo"), store)
    log = folder / "reads.log"
    env = {"TDKT_SOURCE": spec, "TDKT_ALLOW_ACT_AS": "1", "TDKT_READ_LOG": str(log)}
    procs: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    try:
        for _ in range(2):
            proc, url = start_server(env_extra=env)
            procs.append(proc)
            urls.append(url)
        yield Pair(request.param, store, urls, [p.pid for p in procs], log)
    finally:
        for p in procs:
            stop_server(p)


def t1b(page: Any) -> tuple[int, int]:
    """The T1B card's numerator and denominator as the page shows them."""
    card = page.locator('div[class*="st-key-card-"][class*="-T1B"]')
    card.first.wait_for(timeout=60000)
    m = FIGURE.search(card.first.inner_text())
    assert m is not None, card.first.inner_text()
    return int(m.group(1).replace(".", "")), int(m.group(2).replace(".", ""))


def shown_t1b(page: Any) -> tuple[int, int] | None:
    """The T1B card's figure now, or None while the page is being redrawn."""
    card = page.locator('div[class*="st-key-card-"][class*="-T1B"]')
    if not card.count():
        return None
    m = FIGURE.search(card.first.inner_text())
    return (int(m.group(1).replace(".", "")), int(m.group(2).replace(".", ""))) if m else None


def idle(page: Any) -> None:
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=60000,
    )


def rerun(page: Any) -> None:
    """What a viewer does to see fresh figures without losing the session: Streamlit's "R"."""
    page.locator("body").press("r")
    page.wait_for_timeout(150)
    idle(page)


def reads(log: Path, since: int) -> list[tuple[int, str]]:
    """(process id, spreadsheet) of each store read logged after the first ``since`` lines."""
    return [(pid, name) for pid, name, _ in timed_reads(log, since)]


def timed_reads(log: Path, since: int) -> list[tuple[int, str, float]]:
    if not log.exists():
        return []
    lines = log.read_text(encoding="utf-8").splitlines()[since:]
    return [(int(pid), name, float(at)) for pid, _, name, at in (line.split("\t") for line in lines)]


def lines(log: Path) -> int:
    return len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0


def test_a_write_is_seen_by_both_servers_without_reading_unchanged_data(pair: Pair, new_page: Any) -> None:
    pages = []
    for url in pair.urls:
        page = new_page(1280)
        page.goto(url)
        wait_for_app(page)
        page.get_by_text("Cần đôn đốc").first.wait_for(timeout=60000)
        pages.append(page)
    before = [t1b(p) for p in pages]
    assert before[0] == before[1], before  # the two servers agree to begin with
    started = reads(pair.log, 0)
    for pid in pair.pids:  # each server read the province once, itself
        mine = Counter(n for p, n in started if p == pid)
        assert mine and max(mine.values()) == 1, mine

    # nothing changes: reruns past the poll interval read nothing
    mark = lines(pair.log)
    time.sleep(1.5)
    for p in pages:
        rerun(p)
    assert [t1b(p) for p in pages] == before
    assert reads(pair.log, mark) == []

    # one district's officer saves one plan row (a unit of BABE without a plan this year)
    ds = load(pair.store)
    kh = ds.frames["KeHoach"]
    have = set(kh[(kh["year"] == 2026) & kh["has_plan"]]["unit"])
    unit = sorted(u for u in ds.tree.subtree("BABE") if u not in have and u != "BABE")[0]
    mark = lines(pair.log)
    append(pair.store, "KeHoach", [{"Năm": 2026, "Mã đơn vị": unit, "Có kế hoạch": "Có", "Đã phát động": "Có"}],
           WRITER, dataset=ds)
    written = time.monotonic()
    written_at = time.time()

    # "Visible within 2 s": a viewer who looks 2 s after the write sees it. Each server's
    # background watch reads the change by itself (the read log says when); then ONE rerun ("R")
    # per viewer, at 2 s after the write or once its server has read the change if that came
    # later on a loaded machine (printed), must show the new figure: no second press needed.
    read_at: dict[int, float] = {}
    while len(read_at) < len(pair.pids):
        assert time.monotonic() - written < BOUND, f"a server had not read the write after {BOUND:g} s"
        for pid, name, at in timed_reads(pair.log, mark):
            if name == "BABE":
                read_at.setdefault(pid, at - written_at)
        time.sleep(0.05)
    time.sleep(max(0.0, REQUIREMENT - (time.monotonic() - written)))
    looked = [time.monotonic() - written] * len(pages)
    for page in pages:
        page.locator("body").press("r")
    seen: dict[int, float] = {}  # page -> seconds after the write when its card changed
    while len(seen) < len(pages):
        assert time.monotonic() - written < BOUND + REQUIREMENT, f"one rerun did not show the new figure: {seen}"
        for i, page in enumerate(pages):
            if i not in seen and shown_t1b(page) not in (None, before[i]):
                seen[i] = time.monotonic() - written
        time.sleep(0.05)
    for page in pages:
        idle(page)
    for i, page in enumerate(pages):
        assert t1b(page) == (before[i][0] + 1, before[i][1])
    print(f"\n[{pair.kind}] requirement {REQUIREMENT:g} s; "
          + "; ".join(f"server {i + 1} read the write {read_at[pid]:.2f} s after it, its viewer looked at "
                      f"{looked[i]:.2f} s and saw the new figure at {seen[i]:.2f} s (one rerun)"
                      for i, pid in enumerate(pair.pids)))

    after = timed_reads(pair.log, mark)
    for pid in pair.pids:
        assert [n for p, n, _ in after if p == pid] == ["BABE"], after  # only what changed, once
    print(f"[{pair.kind}] each server read BABE (and nothing else) "
          + ", ".join(f"{at - written_at:.2f} s" for _, _, at in after) + " after the write")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages[1].screenshot(path=str(SCREENSHOTS / f"two-servers-{pair.kind}.png"), full_page=False)
    assert not os.environ.get("TDKT_READ_LOG")  # the test process itself logs nothing
