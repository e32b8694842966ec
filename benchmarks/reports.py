"""``python -m benchmarks.reports``: time to make the province's annual report (median of five).

Issue 14 sets the budget: ≤ 1.5 s for the province's annual report as a .docx on the demo data
(``build_report`` with every figure, table and chart, then ``to_docx``), measured from a cold
indicator cache, as the first download after a reload pays it. Beside it, in the same run:

- the baseline, ``compute()`` of the same year, scope and as-of (the eight indicators every
  dashboard computes); each row shows its ratio to it, which says more than seconds on a
  shared machine;
- the parts: the model alone, the .docx without its charts, the charts alone;
- the .xlsx and the annex workbook.

Wall clock and process CPU (in brackets) are both printed: on a machine shared by many jobs
the wall clock is the CPU stretched by the load average. ``make bench`` runs it as the
``reports`` section of ``benchmarks.run``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.timing import Samples, load_average, repeat

BUDGET_S = 1.5
YEAR = 2025
TODAY = date(2026, 1, 10)  # an annual report made after the year: both dates E and A differ
BASELINE = "baseline: compute() of the year (the eight indicators)"
GOAL = "model + .docx with its charts (the budget)"


def measure(runs: int = 5) -> dict[str, Any]:
    """Medians of ``runs`` runs of each step, every run with a cold indicator cache."""
    from indicators.core import clear_cache, compute
    from reports import build as B
    from reports import charts
    from reports.docx_report import to_docx
    from reports.xlsx_report import to_annex_xlsx, to_xlsx
    from sheets import schema as S
    from sheets.load import load
    from sheets.sources import open_source

    ds = load(open_source("demo"))

    def model() -> B.Report:
        return B.build_report(ds, None, YEAR, S.PERIOD_YEAR, today=TODAY)

    rep = model()
    to_docx(rep)  # warm: fonts, matplotlib, templates (once per server process)
    as_of = rep.as_of

    steps: list[tuple[str, Callable[[], object], bool]] = [
        (BASELINE, lambda: compute(ds, YEAR, as_of, None), True),
        ("model (build_report)", model, True),
        (GOAL, lambda: to_docx(model()), True),
        (".docx without charts (model built)", lambda: to_docx(rep, charts_on=False), False),
        (f"{len(rep.charts())} printed charts (matplotlib PNG)", lambda: [charts.to_png(c) for c in rep.charts()], False),
        (".xlsx figures (model built)", lambda: to_xlsx(rep), False),
        (".xlsx annex lists (model built)", lambda: to_annex_xlsx(rep), False),
    ]
    rows: list[dict[str, Any]] = []
    for name, fn, needs_cold in steps:
        samples = Samples()
        for _ in range(runs):
            if needs_cold:
                clear_cache()
            repeat(fn, 1, samples)
        rows.append({"name": name, "cold": needs_cold, **samples.as_json()})
    return {"runs": runs, "year": YEAR, "today": TODAY.isoformat(), "rows": rows,
            "load_average": load_average()}


def table(result: dict[str, Any]) -> Any:
    """The section's table (benchmarks.report.Table), with the verdict as its note."""
    from benchmarks import report as R

    rows = result["rows"]
    base = next(r for r in rows if r["name"] == BASELINE)
    t = R.Table(f"Province annual report {result['year']} (demo ×1), median of {result['runs']} runs",
                ["step", "wall (CPU)", "× baseline (wall)", "× baseline (CPU)"],
                note=verdict(result))
    for r in rows:
        s = Samples.from_json(r)
        t.add(r["name"] + (", cold indicator cache" if r["cold"] else ""),
              f"{R.s(s.median)} ({R.s(s.cpu_median)})",
              "1.0" if r is base else f"{s.median / base['median']:.1f}",
              "1.0" if r is base else f"{s.cpu_median / base['cpu_median']:.1f}")
    return t


def verdict(result: dict[str, Any]) -> str:
    goal = Samples.from_json(next(r for r in result["rows"] if r["name"] == GOAL))
    ok = goal.median <= BUDGET_S
    cpu_ok = goal.cpu_median <= BUDGET_S
    text = (f"Budget (issue 14): the province's annual report as .docx ≤ {BUDGET_S} s — "
            f"wall {goal.median:.3f} s: {'met' if ok else '**not met**'}; "
            f"CPU {goal.cpu_median:.3f} s: {'met' if cpu_ok else '**not met**'}")
    la = result.get("load_average")
    if la:
        text += f" (load average {la[0]:.1f} at the end)"
    return text + "."


def target_row(result: dict[str, Any]) -> tuple[str, str, str]:
    """The row of the Targets table: (target, measured, met)."""
    goal = Samples.from_json(next(r for r in result["rows"] if r["name"] == GOAL))
    return (f"province annual report .docx: under {BUDGET_S} s (median of {goal.runs})",
            f"{goal.median:.3f} s (CPU {goal.cpu_median:.3f} s)",
            f"{'yes' if goal.median <= BUDGET_S else '**no**'} (wall); {'yes' if goal.cpu_median <= BUDGET_S else '**no**'} (CPU)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.reports")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--json", type=Path, help="also save the figures here (JSON)")
    args = p.parse_args(argv)
    result = measure(args.runs)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    t = table(result)
    print(t.text())
    print(t.note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
