"""``make bench``: measure, print a table, write docs/benchmarks.md.

    python -m benchmarks.run                       # everything (about an hour: the naive peer waits)
    python -m benchmarks.run --only load --load-scales 1 --no-docs
    python -m benchmarks.run --render data/bench/results-....json   # docs again from saved figures

The naive peer's cold loads are mostly sleeping (150 ms a request, one request after another),
so the long run costs little CPU. A run that measures only some sections prints them and saves
their figures, but writes docs/benchmarks.md only with ``--docs``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.province import BENCH_DIR, REPO, TODAY

SECTIONS = ("load", "write", "rerun", "indicators", "reports", "scale", "ui")
DOCS = REPO / "docs" / "benchmarks.md"
NOTES = Path(__file__).with_name("NOTES.md")


def log(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def _scales(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", action="append", choices=SECTIONS, help="measure only these sections")
    p.add_argument("--load-scales", type=_scales, default=[1.0, 10.0, 30.0])
    p.add_argument("--rerun-scales", type=_scales, default=[1.0, 10.0])
    p.add_argument("--compute-scales", type=_scales, default=[1.0, 10.0, 100.0])
    p.add_argument("--scale-scales", type=_scales, default=[1.0, 10.0, 30.0],
                   help="scales of the 'scale' section through the fake (cold load at ×1 and ×10 only)")
    p.add_argument("--scale-runs", type=int, default=3, help="runs of each figure of the 'scale' section")
    p.add_argument("--pg-scale", type=float, default=100.0, help="scale of the PostgreSQL figures (0: skip)")
    p.add_argument("--save-scale", type=float, default=10.0, help="scale of the AppTest save figure (0: skip)")
    p.add_argument("--latency", type=float, default=0.15, help="seconds a request (default 0.15)")
    p.add_argument("--naive-runs", type=int, default=None, help="runs of the naive peer (default 5 at ×1, else 3)")
    p.add_argument("--quick", action="store_true", help="one run of everything, ×1 only (a smoke run)")
    p.add_argument("--no-before", action="store_true", help="skip the 'before' variants")
    p.add_argument("--docs", action="store_true", help="write docs/benchmarks.md even for a partial run")
    p.add_argument("--no-docs", action="store_true", help="never write docs/benchmarks.md")
    p.add_argument("--render", type=Path, help="write the docs from a saved results file, measuring nothing")
    p.add_argument("--merge", type=Path, nargs="+",
                   help="render the docs' scale block from several saved runs of the scale section "
                        "(a figure at a scale measured in more than one: the later file wins)")
    p.add_argument("--with", dest="with_", type=Path,
                   help="an earlier results file whose sections fill those this run does not measure")
    p.add_argument("--before", type=Path, action="append", default=[],
                   help="an earlier results file (of the code before a change) whose cold loads, reruns and "
                        "indicator figures are shown as 'before'; may be given more than once")
    return p.parse_args(argv)


def _env() -> None:
    os.environ["TDKT_TODAY"] = TODAY.isoformat()
    os.environ["TDKT_ALLOW_ACT_AS"] = "1"
    from sheets import clock

    clock.set_now(None)


def _load_section(args: argparse.Namespace, results: dict[str, Any]) -> None:
    from benchmarks import measure as M
    from benchmarks.province import fake_province

    quick = args.quick
    results["load"], results["load_before"] = [], []
    for scale in args.load_scales:
        log(f"cold load ×{scale:g}: putting the demo province into the Sheets fake")
        fp = fake_province(scale)
        runs = 1 if quick else (5 if scale <= 10 else 3)
        naive_runs = 1 if quick else (args.naive_runs or (5 if scale <= 1 else 3))
        log(f"cold load ×{scale:g}: {fp.spreadsheets} spreadsheets, {fp.tabs} tabs, {fp.rows} rows; "
            f"store {runs} runs, naive peer {naive_runs} runs")
        r = M.cold_load(fp, latency=args.latency, runs=runs, naive_runs=naive_runs,
                        live_runs=(1 if quick else 3) if scale == 1 else 0)
        results["load"].append(r.as_json())
        log(f"  store {r.store.median:.3f} s ({r.store_requests[0]} requests, {r.store_round_trips[0]} round "
            f"trips); naive {r.naive.median:.1f} s ({r.naive_requests[0] if r.naive_requests else '-'} requests); "
            f"same figures: {r.same_figures}")
        if not args.no_before and scale <= 10:
            b = M.cold_load(fp, latency=args.latency, runs=1 if quick else (5 if scale <= 1 else 3),
                            naive_runs=0, store_kwargs={"max_workers": 8})
            results["load_before"].append(b.as_json())
            log(f"  before (max_workers=8): {b.store.median:.3f} s, {b.store_round_trips[0]} round trips")
        del fp
        gc.collect()


def _write_section(args: argparse.Namespace, results: dict[str, Any]) -> None:
    from benchmarks import measure as M
    from benchmarks.province import fake_province

    quick = args.quick
    log("ten viewers and one submission ×1")
    fp = fake_province(1)
    results["viewers"] = M.viewers(fp, latency=args.latency, runs=1 if quick else 3).as_json()
    results["submit"] = M.submission(fp, latency=args.latency, runs=1 if quick else 5).as_json()
    if not args.no_before:
        results["submit_before"] = M.submission(fp, latency=args.latency, runs=1 if quick else 5,
                                                reuse_header=False).as_json()
    log(f"  submission: {results['submit']['with_id']} requests; viewers: {results['viewers']['all_viewers']}")


def _rerun_section(args: argparse.Namespace, results: dict[str, Any]) -> None:
    from benchmarks import measure as M
    from benchmarks.province import demo_sqlite

    results["rerun"] = []
    try:
        for scale in args.rerun_scales:
            log(f"warm reruns ×{scale:g} (AppTest)")
            rr = M.warm_rerun(demo_sqlite(scale), scale, runs=1 if args.quick else 5)
            results["rerun"].append(rr.as_json())
            log("  " + "; ".join(f"{p}: year {v.median * 1000:.0f} ms" for p, v in rr.year.items())
                + ("; errors: " + str(rr.errors) if rr.errors else ""))
            gc.collect()
    finally:
        try:
            import streamlit as st

            st.cache_data.clear()
            st.cache_resource.clear()
        except Exception:
            pass


def _indicators_section(args: argparse.Namespace, results: dict[str, Any]) -> None:
    from benchmarks import measure as M
    from benchmarks.province import demo_sqlite

    results["indicators"] = []
    for scale in args.compute_scales:
        log(f"indicators ×{scale:g}: building or reusing the SQLite file and the loaded Dataset")
        cr = M.indicators(demo_sqlite(scale), scale, runs=1 if args.quick else 5,
                          memory_runs=1 if args.quick else 3)
        results["indicators"].append(cr.as_json())
        log(f"  {cr.rows} rows, load {cr.load_seconds:.1f} s, compute {cr.compute.median:.3f} s, "
            f"peak {M.peak_median(cr) / 2**20:.1f} MiB")
        gc.collect()


def _reports_section(args: argparse.Namespace, results: dict[str, Any]) -> None:
    from benchmarks import reports as RP

    log("reports: the province's annual report (.docx, .xlsx), demo ×1")
    results["reports"] = RP.measure(1 if args.quick else 5)
    log("  " + RP.verdict(results["reports"]))


def _scale_section(args: argparse.Namespace, results: dict[str, Any]) -> None:
    """Issue 17: incremental reload against today's full reload, each figure in the same run.
    Rows are saved as they come, so a slow part that fails keeps the figures before it."""
    from benchmarks import scale as SC
    from benchmarks.province import demo_sqlite, fake_province

    rows: list[dict[str, Any]] = []
    results["scale"] = rows
    missing: list[str] = []
    results["scale_missing"] = missing
    runs = 1 if args.quick else args.scale_runs

    def fake(scales: list[float]) -> None:
        for scale in scales:
            log(f"scale ×{scale:g}: the demo province in the Sheets fake")
            fp = fake_province(scale)
            got = SC.fake_figures(fp, latency=args.latency, runs=runs, cold=scale <= 10)
            rows.extend(got)
            for r in got:
                log(f"  {r['figure']}: full {r['full']:.3f}, incremental {r['incremental']:.3f} ({r['note']})")
            _checkpoint(results)
            del fp
            gc.collect()

    fake([x for x in args.scale_scales if x <= 10])
    for what, scale, fn in (("save", args.save_scale, SC.app_save), ("postgresql", args.pg_scale, None)):
        if not scale:
            missing.append(f"{what}: skipped (scale 0)")
            continue
        log(f"scale: {what} ×{scale:g}")
        try:
            if fn is not None:
                got = fn(demo_sqlite(scale), scale, runs=runs)
            else:
                got = SC.postgres_figures(demo_sqlite(scale), scale, runs=runs, log=log)
        except Exception as exc:
            log(f"  {what} failed: {type(exc).__name__}: {exc}")
            missing.append(f"{what} ×{scale:g}: failed ({type(exc).__name__}: {exc})")
            continue
        rows.extend(got)
        for r in got:
            log(f"  {r['figure']}: full {r['full']:.3f}, incremental {r['incremental']:.3f} ({r['note']})")
        _checkpoint(results)
    fake([x for x in args.scale_scales if x > 10])


_SAVED: list[Path] = []  # where measure_all saves this run's figures


def _checkpoint(results: dict[str, Any]) -> None:
    """Save the figures so far (a long section interrupted keeps what it measured)."""
    if _SAVED:
        _save(results, _SAVED[0])


def _ui_section(args: argparse.Namespace, results: dict[str, Any]) -> None:
    from benchmarks import ui_speed as UI

    log("ui: page change, role switch and save in Chromium, demo ×1")
    results["ui"] = UI.measure(1 if args.quick else 5)


MEASURE = {"load": _load_section, "write": _write_section, "rerun": _rerun_section,
           "indicators": _indicators_section, "reports": _reports_section, "scale": _scale_section,
           "ui": _ui_section}


def _save(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


def measure_all(args: argparse.Namespace, saved: Path) -> dict[str, Any]:
    """Every section asked for; the figures are saved after each, and a section that fails is
    reported and left out, so an hour of measuring is not lost to the last section."""
    from benchmarks.timing import load_average, machine

    sections = tuple(args.only or SECTIONS)
    if args.quick:
        args.load_scales, args.rerun_scales, args.compute_scales = [1.0], [1.0], [1.0]
    results: dict[str, Any] = {"machine": machine(), "sections": list(sections), "latency": args.latency,
                               "today": TODAY.isoformat(), "failed": {}}
    started = time.perf_counter()
    _SAVED[:] = [saved]
    for name in sections:
        try:
            MEASURE[name](args, results)
        except Exception as exc:
            log(f"section {name} failed: {type(exc).__name__}: {exc}")
            results["failed"][name] = f"{type(exc).__name__}: {exc}"
            for key in {"load": ("load", "load_before"), "write": ("viewers", "submit", "submit_before"),
                        "rerun": ("rerun",), "indicators": ("indicators",), "reports": ("reports",),
                        "scale": (), "ui": ("ui",)}[name]:
                results.pop(key, None)
        results["elapsed"] = time.perf_counter() - started
        _save(results, saved)
    results["end_load_average"] = load_average()
    return results


def _take_sections(results: dict[str, Any], earlier: dict[str, Any], name: str) -> None:
    """Fill the sections this run did not measure from an earlier results file."""
    keys = {"load": ("load", "load_before"), "write": ("viewers", "submit", "submit_before"),
            "rerun": ("rerun",), "indicators": ("indicators",), "reports": ("reports",),
            "scale": ("scale", "scale_missing"), "ui": ("ui",)}
    taken = []
    for section, fields in keys.items():
        if any(f in results for f in fields) or not any(f in earlier for f in fields):
            continue
        for f in fields:
            if f in earlier:
                results[f] = earlier[f]
        taken.append(section)
    if taken:
        results["taken_from"] = {"file": name, "date": earlier.get("machine", {}).get("date"),
                                 "sections": taken, "load_average": earlier.get("machine", {}).get("load_average")}


def render(results: dict[str, Any], *, write_docs: bool) -> str:
    from benchmarks import measure as M
    from benchmarks import report as R

    loads = [M.LoadResult.from_json(d) for d in results.get("load", [])]
    before = [M.LoadResult.from_json(d) for d in results.get("load_before", [])]
    sub = M.SubmitResult.from_json(results["submit"]) if "submit" in results else None
    sub_before = M.SubmitResult.from_json(results["submit_before"]) if "submit_before" in results else None
    viewers = M.ViewersResult.from_json(results["viewers"]) if "viewers" in results else None
    reruns = [M.RerunResult.from_json(d) for d in results.get("rerun", [])]
    computes = [M.ComputeResult.from_json(d) for d in results.get("indicators", [])]
    earlier = results.get("before_run") or {}
    computes_before = [M.ComputeResult.from_json(d) for d in earlier.get("indicators", [])]
    reruns_before = [M.RerunResult.from_json(d) for d in earlier.get("rerun", [])]
    loads_earlier = [M.LoadResult.from_json(d) for d in earlier.get("load", [])]
    before_label = f"before ({earlier.get('date')}): " if earlier else ""

    tables = []
    if loads:
        tables.append(R.load_table(loads, before, loads_earlier, before_label))
    if sub is not None and viewers is not None:
        tables.append(R.write_table(sub, sub_before, viewers))
    if reruns:
        tables.append(R.rerun_table(reruns, reruns_before, before_label))
    if computes:
        tables.append(R.compute_table(computes, computes_before, before_label))
    if "scale" in results:
        from benchmarks import scale as SC

        scale_table = SC.table(results["scale"], results.get("scale_missing", []))
        if results.get("sections") == ["scale"]:  # a run of this section alone: splice it into the docs
            text = scale_table.text()
            if write_docs:
                R.write(DOCS, SC.splice(DOCS.read_text(encoding="utf-8"), _scale_block(results, scale_table)))
            return text
        tables.append(scale_table)
    targets = R.targets_table(loads, reruns, computes, sub, viewers)
    if "reports" in results:
        from benchmarks import reports as RP

        tables.append(RP.table(results["reports"]))
        targets.add(*RP.target_row(results["reports"]))
    if "ui" in results:
        from benchmarks import ui_speed as UI

        tables.append(UI.table(results["ui"]))
    tables.append(targets)
    text = "\n\n".join(t.text() for t in tables)
    if write_docs:
        notes = NOTES.read_text(encoding="utf-8") if NOTES.exists() else ""
        R.write(DOCS, R.markdown(results["machine"], tables, notes, results.get("elapsed", float("nan")),
                                 results.get("end_load_average"), R.provenance(results)))
    return text


def _scale_block(results: dict[str, Any], table: Any) -> str:
    from benchmarks import report as R
    from benchmarks import scale as SC

    lines = R.machine_lines(results["machine"], results.get("end_load_average"))
    runs = results.get("merged_from") or []
    return "\n".join([table.markdown(), "", "Measured in runs of this section alone (`python -m benchmarks.run "
                      "--only scale`), not with the tables above" + (f" ({', '.join(runs)})" if runs else "") + ":",
                      "", *lines, *([] if runs else [f"- Section run: {R.s(results.get('elapsed', float('nan')))}"]), "",
                      SC.notes(), ""])


OWN = "reload after this server's own write (a save in the app), through the fake"
OTHER = "reload after another server's write, through the fake"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.merge:
        runs = [json.loads(p.read_text(encoding="utf-8")) for p in args.merge]
        rows: dict[tuple[str, float], Any] = {}
        for r in runs:
            for row in r.get("scale", []):
                rows[(row["figure"], float(row["scale"]))] = row
        order = ["cold load", "reload after this server's own write", "reload after another server's write",
                 "reload after one write, through", "requests", "load from PostgreSQL",
                 "reload after one write, PostgreSQL", "a save"]

        def place(row: dict[str, Any]) -> tuple[int, float]:
            at = next((i for i, o in enumerate(order) if str(row["figure"]).startswith(o)), len(order))
            return at, float(row["scale"])

        wanted = [("cold load through the fake, 150 ms a request", 1.0), ("cold load through the fake, 150 ms a request", 10.0),
                  (OWN, 10.0), (OWN, 30.0), (OTHER, 10.0), (OTHER, 30.0),
                  ("requests for a refresh with nothing changed", 1.0),
                  ("load from PostgreSQL, cold, a new process (full: the same from SQLite)", 100.0),
                  ("reload after one write, PostgreSQL", 100.0),
                  ("a save in the app until the figure changes (AppTest)", 10.0)]
        missing = [f"{f} ×{x:g}" for f, x in wanted if (f, x) not in rows]
        merged = {**runs[0], "sections": ["scale"], "scale": sorted(rows.values(), key=place), "scale_missing": missing,
                  "merged_from": [p.name for p in args.merge],
                  "elapsed": sum(float(r.get("elapsed", 0.0)) for r in runs),
                  "end_load_average": runs[-1].get("end_load_average")}
        print(render(merged, write_docs=not args.no_docs))
        return 0
    if args.render:
        results = json.loads(args.render.read_text(encoding="utf-8"))
        print(render(results, write_docs=not args.no_docs))
        if not args.no_docs:
            log(f"wrote {DOCS.relative_to(REPO)}")
        return 0
    _env()
    saved = BENCH_DIR / f"results-{datetime.now():%Y%m%d-%H%M%S}.json"
    results = measure_all(args, saved)
    if args.before:
        runs = [json.loads(p.read_text(encoding="utf-8")) for p in args.before]
        results["before_run"] = {
            "file": ", ".join(p.name for p in args.before),
            "date": runs[0].get("machine", {}).get("date"),
            **{k: [x for r in runs for x in r.get(k, [])] for k in ("load", "rerun", "indicators")},
        }
    if args.with_:
        _take_sections(results, json.loads(args.with_.read_text(encoding="utf-8")), args.with_.name)
    _save(results, saved)
    full = not args.only and not args.quick
    write_docs = (full or args.docs) and not args.no_docs
    print(render(results, write_docs=write_docs))
    log(f"figures saved in {saved.relative_to(REPO)}" + (f"; wrote {DOCS.relative_to(REPO)}" if write_docs else ""))
    return 1 if results.get("failed") else 0


if __name__ == "__main__":
    raise SystemExit(main())
