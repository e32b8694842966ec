"""``python -m benchmarks.reports``: time to make the province's annual report (median of five).

Issue 14 sets the budget: ≤ 1.5 s for the model and the .docx of the province's annual report
on the demo data (the figures, every table, the charts). The .xlsx and the annex workbook are
timed beside it. Prints a Markdown table; ``--docs`` writes it to docs/benchmarks-reports.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

BUDGET_S = 1.5
DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks-reports.md"


def _median(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.reports")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--docs", action="store_true")
    args = p.parse_args(argv)
    from reports import build as B
    from reports.docx_report import to_docx
    from reports.xlsx_report import to_annex_xlsx, to_xlsx
    from sheets import schema as S
    from sheets.load import load
    from sheets.sources import open_source

    ds = load(open_source("demo"))
    today = date(2026, 1, 10)

    def model() -> B.Report:
        return B.build_report(ds, None, 2025, S.PERIOD_YEAR, today=today)

    rep = model()
    to_docx(rep)  # warm: fonts, matplotlib, templates (once per server process)
    rows = [
        ("Mô hình báo cáo (build_report)", _median(model, args.runs)),
        ("Mô hình + .docx (có biểu đồ)", _median(lambda: to_docx(model()), args.runs)),
        (".xlsx bảng số liệu", _median(lambda: to_xlsx(rep), args.runs)),
        (".xlsx danh sách chi tiết", _median(lambda: to_annex_xlsx(rep), args.runs)),
    ]
    lines = ["| Báo cáo năm 2025 của tỉnh (dữ liệu demo) | trung vị của "
             f"{args.runs} lần |", "|---|---|"]
    lines += [f"| {name} | {t:.3f} s |" for name, t in rows]
    verdict = "đạt" if rows[1][1] <= BUDGET_S else "CHƯA ĐẠT"
    lines.append(f"\nNgân sách: mô hình + .docx ≤ {BUDGET_S} s — {verdict}.")
    text = "\n".join(lines)
    print(text)
    if args.docs:
        DOC.write_text("# Thời gian lập báo cáo\n\n`python -m benchmarks.reports --docs` (issue 14).\n\n" + text + "\n",
                       encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
