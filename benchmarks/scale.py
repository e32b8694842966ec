"""Issue 17's figures: incremental reload (``sheets.incremental.Loader``) side by side with
today's full reload (``load(store)`` after the store's cache is dropped), in the same run.

Each measurement returns rows ``{"figure", "scale", "full", "incremental", "unit", "goal",
"runs", "note"}``: ``full`` and ``incremental`` are medians (seconds) or counts (requests).
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.province import REPO, TODAY, FakeProvince, env_for_app, set_env
from benchmarks.timing import median
from sheets.incremental import Loader
from sheets.load import Dataset, load
from sheets.stores.base import Store
from sheets.write import append

WRITER = "canbo.babe@demo.tdkt.vn"
YEAR = TODAY.year
MARK_BEGIN = "<!-- scale:begin (written by python -m benchmarks.run --only scale) -->"
MARK_END = "<!-- scale:end -->"


def row(figure: str, scale: float, full: float, incremental: float, *, unit: str = "s", goal: str = "",
        runs: int = 0, note: str = "", target: float | None = None) -> dict[str, Any]:
    return {"figure": figure, "scale": scale, "full": full, "incremental": incremental, "unit": unit, "goal": goal,
            "target": target, "runs": runs, "note": note}


_counter = iter(range(1, 10**9))


def one_write(store: Store, ds: Dataset) -> str:
    """One KeHoach row for BABE through the door, as a district officer's save: its spreadsheet."""
    rec = {"Năm": YEAR, "Mã đơn vị": "BABE", "Có kế hoạch": "Có", "Đã phát động": "Có",
           "Ghi chú": f"benchmark {next(_counter)} {time.time_ns()}"}
    res = append(store, "KeHoach", [rec], WRITER, dataset=ds)
    return next(iter(res.sheets))


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


# --- through the Sheets fake ----------------------------------------------------------------------


def fake_figures(fp: FakeProvince, *, latency: float, runs: int, cold: bool) -> list[dict[str, Any]]:
    """Cold load (×1 and ×10 only: ``cold``), reload after one write, and (×1) the requests of a
    refresh where nothing changed, over one wire at ``latency`` a request."""
    from benchmarks.measure import figures

    wire = fp.wire(latency=0.0, replay=True)
    load(fp.store(wire))  # warm the replay (unmeasured)
    wire.latency = latency
    out: list[dict[str, Any]] = []
    if cold:
        full_t, inc_t, full_req, inc_req, full_rt, inc_rt = [], [], [], [], [], []
        for _ in range(runs):
            wire.reset()
            t, _ = _timed(lambda: load(fp.store(wire)))
            full_t.append(t)
            full_req.append(wire.requests_total)
            full_rt.append(wire.round_trips())
            gc.collect()
            wire.reset()
            cold_loader = Loader(fp.store(wire))
            t, _ = _timed(cold_loader.load)
            inc_t.append(t)
            inc_rt.append(wire.round_trips())  # waited for by the load
            cold_loader.settle()  # the registry's confirming read, after the load (counted)
            inc_req.append(wire.requests_total)
            gc.collect()
        goal, target = ("≤ 0.45 s", 0.45) if fp.scale <= 1 else ("≤ 1.5 s", 1.5)
        out.append(row("cold load through the fake, 150 ms a request", fp.scale, median(full_t), median(inc_t),
                       goal=goal, target=target, runs=runs,
                       note=f"requests {median(full_req):.0f} / {median(inc_req):.0f}, round trips "
                            f"{median(full_rt):.0f} / {median(inc_rt):.0f} (full / incremental)"))
        # a restarted server: a new store and loader, the parses on disk (sheets.parse_cache)
        with tempfile.TemporaryDirectory() as tmp:
            filler = Loader(fp.store(wire), cache_dir=Path(tmp))
            filler.load()
            filler.settle()
            disk_t, disk_req, disk_rt = [], [], []
            for _ in range(runs):
                wire.reset()
                t, _ = _timed(lambda: Loader(fp.store(wire), cache_dir=Path(tmp)).load())
                disk_t.append(t)
                disk_req.append(wire.requests_total)
                disk_rt.append(wire.round_trips())
                gc.collect()
        out.append(row("load after a restart, parses on disk, nothing changed, through the fake", fp.scale,
                       median(full_t), median(disk_t), runs=runs,
                       note=f"requests {median(full_req):.0f} / {median(disk_req):.0f}, round trips "
                            f"{median(full_rt):.0f} / {median(disk_rt):.0f} (full cold / restart); no goal: "
                            f"the cold goal ({goal}) is a first start, with nothing on disk"))

    # one app server's store and loader, loaded; then one write, then the reload the app does
    store = fp.store(wire)
    loader = Loader(store)
    loader.load()
    full_t, inc_t, full_req, inc_req = [], [], [], []
    own_t, own_cpu, own_req, own_rt, own_after = [], [], [], [], []
    same = own_same = True
    for i in range(runs):
        # this server's own save (the app's path: components.data.write, then the reload): the
        # loader knows the spreadsheet changed, and reads it together with Drive's files.list
        wire.latency = 0.0
        one_write(store, load(fp.store(wire)))
        warm = fp.store(wire)
        warm.versions([warm.registry])
        load(warm)
        wire.latency = latency
        wire.reset()
        cpu = time.process_time()
        t, got = _timed(lambda: (loader.changed(), loader.load())[1])
        own_cpu.append(time.process_time() - cpu)
        own_t.append(t)
        own_req.append(wire.requests_total)
        own_rt.append(wire.round_trips())
        loader.settle()  # the confirming read, after the load (not timed)
        own_after.append(wire.requests_total - own_req[-1])
        if i == 0:
            wire.latency = 0.0
            own_same = figures(got) == figures(load(fp.store(wire))) and loader.stats.early == loader.stats.read
        del got
        gc.collect()
        wire.latency = 0.0
        ds = load(fp.store(wire))
        one_write(fp.store(wire), ds)  # another server's save (its requests are not counted)
        # Google's side builds its new answers (the written spreadsheet, Drive's listing) once,
        # unmeasured, as for every other answer of the replay (NOTES: "How it is measured")
        warm = fp.store(wire)
        warm.versions([warm.registry])
        load(warm)
        wire.latency = latency
        wire.reset()
        t, got = _timed(lambda: (loader.changed(), loader.load())[1])
        inc_t.append(t)
        inc_req.append(wire.requests_total)
        wire.reset()

        def full() -> Dataset:
            store.invalidate(None)  # today: a write drops the cache and the province is read again
            return load(store)

        t, ref = _timed(full)
        full_t.append(t)
        full_req.append(wire.requests_total)
        if i == 0:
            same = figures(got) == figures(ref) and len(got.problems) == len(ref.problems)
        del got, ref
        gc.collect()
    goal, target = {1.0: ("", None), 10.0: ("≤ 0.3 s", 0.3), 30.0: ("≤ 0.6 s", 0.6)}.get(fp.scale, ("", None))
    out.append(row("reload after this server's own write (a save in the app), through the fake", fp.scale,
                   median(full_t), median(own_t), goal=goal, target=target, runs=runs,
                   note=f"CPU {median(own_cpu):.3f} s; requests {median(full_req):.0f} / {median(own_req):.0f} "
                        f"+ {median(own_after):.0f} confirming read after the load; round trips "
                        f"{median(own_rt):.0f}; same figures as a full load: {'yes' if own_same else 'NO'}"))
    out.append(row("reload after another server's write, through the fake", fp.scale, median(full_t), median(inc_t),
                   goal=goal, target=target, runs=runs,
                   note=f"requests {median(full_req):.0f} / {median(inc_req):.0f}; two round trips in sequence "
                        f"(files.list, then the read); same figures as a full load: {'yes' if same else 'NO'}"))
    if fp.scale <= 1:
        wire.reset()
        loader.changed()
        loader.load()
        inc = wire.requests_total
        wire.reset()
        store.invalidate(None)
        load(store)
        out.append(row("requests for a refresh with nothing changed", fp.scale, wire.requests_total, inc,
                       unit="requests", goal="1", target=1, runs=1, note="incremental: one Drive files.list"))
    wire.latency = 0.0
    return out


# --- PostgreSQL ×100 -------------------------------------------------------------------------------

_CHILD = """
import sys, time
start = time.perf_counter()
from sheets.incremental import Loader
from sheets.sources import open_source
ds = Loader(open_source(sys.argv[1])).load()
print(time.perf_counter() - start, sum(len(f) for f in ds.versions.values()))
"""


def _new_process_load(spec: str) -> tuple[float, int]:
    env = dict(os.environ, TDKT_TODAY=TODAY.isoformat())
    out = subprocess.run([sys.executable, "-c", _CHILD, spec], cwd=REPO, env=env, capture_output=True, text=True,
                         check=True, timeout=3600)
    seconds, rows = out.stdout.split()
    return float(seconds), int(rows)


def postgres_figures(sqlite_path: Path, scale: float, *, runs: int, log: Callable[[str], None]) -> list[dict[str, Any]]:
    """The demo at ``scale`` copied into a throw-away PostgreSQL cluster: a cold load in a new
    process (imports included; SQLite's the same way as the baseline), then in this process one
    write and the incremental reload against a full load."""
    from sheets.copy import copy_store
    from sheets.stores.postgres import PostgresStore
    from sheets.stores.sqlite import SqliteStore
    from tests.pg import start_cluster

    cluster = start_cluster()
    if isinstance(cluster, str):
        raise RuntimeError(cluster)
    out: list[dict[str, Any]] = []
    try:
        spec = cluster.socket_uri(cluster.new_database())
        pg = PostgresStore(spec)
        t, _ = _timed(lambda: copy_store(SqliteStore(sqlite_path), pg))
        log(f"  copied ×{scale:g} into PostgreSQL in {t:.0f} s")
        pg_t, sq_t = [], []
        rows = 0
        for _ in range(runs):
            sq, rows = _new_process_load(f"sqlite:{sqlite_path}")
            sq_t.append(sq)
            p, _ = _new_process_load(spec)
            pg_t.append(p)
            log(f"  new process: SQLite {sq:.1f} s, PostgreSQL {p:.1f} s ({rows} rows)")
        out.append(row("load from PostgreSQL, cold, a new process (full: the same from SQLite)", scale,
                       median(sq_t), median(pg_t), goal="≤ 8 s", target=8.0, runs=runs,
                       note=f"{rows:,} rows; the Loader's first load is a full load".replace(",", " ")))
        loader = Loader(pg)
        ds = loader.load()
        full_t, inc_t = [], []
        for _ in range(runs):
            one_write(pg, ds)
            t, ds = _timed(lambda: (loader.changed(), loader.load())[1])
            inc_t.append(t)
            t, _ = _timed(lambda: load(pg))
            full_t.append(t)
            log(f"  after one write: incremental {inc_t[-1]:.3f} s, full {t:.1f} s")
            gc.collect()
        out.append(row("reload after one write, PostgreSQL", scale, median(full_t), median(inc_t), goal="≤ 1 s",
                       target=1.0, runs=runs, note=f"read again: {loader.stats.read}"))
    finally:
        cluster.stop()
    return out


# --- a save in the app (AppTest) -------------------------------------------------------------------


def app_save(sqlite_path: Path, scale: float, *, runs: int, timeout: float = 900) -> list[dict[str, Any]]:
    """Tổng quan open in AppTest on a copy of the demo; a save through ``components.data.write``
    (the app's door: append, then ask the store at once), then the viewer's rerun, until the
    T1B card changes. Full: the same save, then "Làm mới" (every spreadsheet read again)."""
    import shutil
    import tempfile

    from streamlit.testing.v1 import AppTest

    from components import data
    from sheets import clock
    from sheets.stores.sqlite import SqliteStore

    folder = Path(tempfile.mkdtemp(prefix="tdkt-bench-save-"))
    copy = folder / "tdkt.sqlite"
    shutil.copy(sqlite_path, copy)
    set_env(env_for_app(copy))
    clock.set_now(None)
    store = SqliteStore(copy)
    base = load(store)
    from indicators.core import compute

    detail = compute(base, YEAR, TODAY, "BABE")["T1B"].detail  # BABE's grassroots unions, counted or not
    free = sorted(str(u) for u in detail.loc[~detail["counted"].astype(bool), "Mã đơn vị"])
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=timeout)
    at.session_state["actor"] = "lanhdao@demo.tdkt.vn"
    at.run()

    def t1b() -> str:
        """The T1B card's "numerator/denominator" line (its percent may round to the same)."""
        import re

        labels = [str(m.label) for m in at.metric]
        figures = [str(m.value) for m in at.markdown if re.fullmatch(r"\*\*[\d.]+/[\d.]+\*\*.*ngưỡng.*", str(m.value))]
        at_card = next((i for i, label in enumerate(labels) if label.startswith("T1B")), None)
        if at_card is None or len(figures) != len(labels):
            raise RuntimeError(f"no T1B card on Tổng quan: {labels}, {figures}")
        return figures[at_card].split("**")[1]

    # When the cards are drawn: the figure a person waits for is on screen then (Streamlit sends
    # each element as it is made); the forecast, the lists and the charts come after it.
    from components import cards

    drawn: list[float] = []
    grid = cards.card_grid

    def timed_grid(*args: Any, **kwargs: Any) -> Any:
        out = grid(*args, **kwargs)
        drawn.append(time.perf_counter())
        return out

    cards.card_grid = timed_grid  # type: ignore[assignment]
    samples: dict[str, list[float]] = {"full": [], "incremental": [], "full cards": [], "incremental cards": []}
    try:
        for i in range(2 * runs):
            if not free:
                break
            kind = "incremental" if i % 2 == 0 else "full"
            unit = free.pop(0)
            shown = t1b()
            start = time.perf_counter()
            data.write("KeHoach", [{"Năm": YEAR, "Mã đơn vị": unit, "Có kế hoạch": "Có", "Đã phát động": "Có"}],
                       WRITER)
            if kind == "full":
                data.refresh()
            drawn.clear()
            at.run()
            if t1b() == shown:
                raise RuntimeError(f"the T1B card did not change after the save ({shown})")
            samples[kind].append(time.perf_counter() - start)
            samples[f"{kind} cards"].append(drawn[0] - start)
    finally:
        cards.card_grid = grid  # type: ignore[assignment]
        os.environ.pop("TDKT_SOURCE", None)
        shutil.rmtree(folder, ignore_errors=True)
    return [row("a save in the app until the figure changes (AppTest)", scale, median(samples["full"]),
                median(samples["incremental"]), goal="≤ 0.7 s", target=0.7, runs=len(samples["incremental"]),
                note="full: the same save, then «Làm mới»; the whole run, forecast and charts included"),
            row("a save in the app until the cards are drawn (AppTest)", scale, median(samples["full cards"]),
                median(samples["incremental cards"]), goal="≤ 0.7 s", target=0.7,
                runs=len(samples["incremental cards"]),
                note="the same runs, until Tổng quan's cards are drawn (the forecast, lists and charts follow)")]


# --- the table -------------------------------------------------------------------------------------


def _value(x: float, unit: str) -> str:
    from benchmarks.report import n, s

    if x != x:
        return "—"
    return n(x) if unit == "requests" else s(x)


def table(rows: list[dict[str, Any]], missing: list[str]) -> Any:
    from benchmarks.report import Table

    t = Table("Scale and freshness: incremental reload against today's full reload (issue 17)",
              ["figure", "scale", "full reload (today)", "incremental", "full ÷ incremental", "goal", "met", "runs",
               "notes"],
              note="Both columns measured in the same run, on the same data and wire. Full: `load(store)` after "
                   "the store's cache is dropped, as every write, «Làm mới» and expired TTL did before. "
                   "Incremental: `sheets.incremental.Loader` (ask the store's change tokens, read and parse only "
                   "what changed, resolve across all as a full load does).")
    for r in rows:
        full, inc = float(r["full"]), float(r["incremental"])
        ratio = f"{full / inc:.1f}×" if inc and inc == inc and full == full else "—"
        target = r.get("target")
        met = "—" if target is None or inc != inc else ("yes" if inc <= float(target) else "no")
        t.add(r["figure"], f"×{float(r['scale']):g}", _value(full, r["unit"]), _value(inc, r["unit"]), ratio,
              r["goal"] or "—", met, r["runs"], r["note"])
    for m in missing:
        t.add(m, "", "", "", "", "", "not measured", "", "")
    return t


NOTES_FILE = Path(__file__).with_name("SCALE_NOTES.md")


def notes() -> str:
    """The findings under the scale table (benchmarks/SCALE_NOTES.md), if written."""
    return NOTES_FILE.read_text(encoding="utf-8").strip() if NOTES_FILE.exists() else ""


def splice(docs: str, block: str) -> str:
    """``docs`` with the scale block replaced (or inserted before the findings)."""
    block = f"{MARK_BEGIN}\n{block.strip()}\n{MARK_END}"
    if MARK_BEGIN in docs and MARK_END in docs:
        head, rest = docs.split(MARK_BEGIN, 1)
        return head + block + rest.split(MARK_END, 1)[1]
    anchor = "## Runs behind these tables"
    if anchor in docs:
        head, rest = docs.split(anchor, 1)
        return head + block + "\n\n" + anchor + rest
    return docs.rstrip() + "\n\n" + block + "\n"


def save_json(rows: list[dict[str, Any]], path: Path) -> None:
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
