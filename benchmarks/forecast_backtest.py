"""``python -m benchmarks.forecast_backtest``: the year-end forecast made at 30/06, against 31/12.

For each earlier year of the source (the demo has 2020 onward), per indicator of
``indicators.forecast.CODES`` and per scope (the province and every Cấp trên cơ sở unit), the
forecast made at 30/06 from that year's data known then and the years before it only, against
the real figure at 31/12. Issue 16 asks that the range holds the real figure in ≥ 80 % of the
(year, indicator, scope) cases that have a range, and is on average no wider than 20 points.
Prints Markdown tables; ``--docs`` writes them to docs/forecast-backtest.md.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from indicators import forecast as F

DOC = Path(__file__).resolve().parent.parent / "docs" / "forecast-backtest.md"
MIN_COVERAGE = 0.80
MAX_WIDTH = 20.0


def _n(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{x:.{digits}f}".replace(".", ",")


def run(ds: Any, years: Sequence[int], *, month: int = 6, day: int = 30) -> tuple[list[F.Case], dict[str, Any]]:
    scopes: list[str | None] = [None, *ds.tree.upper_units()]
    cases = F.backtest(ds, years, scopes, month=month, day=day)
    return cases, F.summary(cases)


def render(cases: Sequence[F.Case], summ: dict[str, Any], *, years: Sequence[int], seconds: float,
           source: str, month: int = 6, day: int = 30) -> str:
    from indicators.core import SHORT
    from sheets import clock

    cov, width = summ["coverage"], summ["width"]
    ok = cov >= MIN_COVERAGE and width <= MAX_WIDTH
    lines = [
        "# Dự kiến 31/12: kiểm tra trên các năm trước (backtest)",
        "",
        f"Nguồn: `{source}` (hôm nay: {clock.today():%d/%m/%Y}). Với mỗi năm {years[0]}–{years[-1]}, mỗi chỉ tiêu có mốc trong năm và mỗi phạm vi "
        "(toàn tỉnh và từng công đoàn cấp trên cơ sở): dự kiến lập ngày "
        f"{day:02d}/{month:02d} chỉ từ số liệu đã có đến ngày đó và các năm trước, so với số thật ngày 31/12. "
        f"Cách tính: {F.METHOD}. Năm có ít hơn {F.MIN_YEARS} năm trước thì không có khoảng (không tính vào tỉ lệ).",
        "",
        f"Tạo bởi `python -m benchmarks.forecast_backtest --docs` trong {_n(seconds)} s (dữ liệu demo: "
        "`TDKT_TODAY=2026-11-25`, tệp demo mới dựng).",
        "",
        "## Kết quả chung",
        "",
        "| Số trường hợp có khoảng | Khoảng chứa số thật | Độ rộng trung bình | Không có khoảng |",
        "|---|---|---|---|",
        f"| {summ['cases']} | {_n(100 * cov)} % (yêu cầu ≥ {100 * MIN_COVERAGE:.0f} %) | {_n(width)} điểm "
        f"(yêu cầu ≤ {MAX_WIDTH:.0f}) | {summ['unscored']} |",
        "",
        f"Kết luận: {'ĐẠT' if ok else 'CHƯA ĐẠT'}.",
        "",
        "## Sai số theo chỉ tiêu",
        "",
        "Sai số: khoảng cách (điểm %) từ số thật đến đầu gần nhất của khoảng, 0 khi nằm trong; "
        "sai số giữa khoảng: từ số thật đến điểm giữa khoảng.",
        "",
        "| Chỉ tiêu | Trường hợp | Khoảng chứa số thật | Độ rộng TB | Sai số TB | Sai số giữa khoảng TB |",
        "|---|---|---|---|---|---|",
    ]
    for code, p in summ["per_code"].items():
        lines.append(f"| {code} · {SHORT[code]} | {p['cases']} | {_n(100 * p['coverage'])} % | {_n(p['width'])} | "
                     f"{_n(p['error'])} | {_n(p['mid_error'])} |")
    lines += [
        "",
        "## Từng trường hợp",
        "",
        f"| Năm | Chỉ tiêu | Phạm vi | Ngày {day:02d}/{month:02d} (%) | Dự kiến 31/12 (%) | Thật 31/12 (%) | Trong khoảng |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in cases:
        if c.scored:
            rng = f"{_n(c.low)}–{_n(c.high)}"
            hit = "có" if c.hit else f"**không** (lệch {_n(c.error)})"
        else:
            rng, hit = "—", c.note or "không có số liệu 31/12"
        lines.append(f"| {c.year} | {c.code} | {c.scope} | {_n(c.at)} | {rng} | {_n(c.actual)} | {hit} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.forecast_backtest")
    p.add_argument("--source", default="demo", help="nguồn dữ liệu (mặc định: demo)")
    p.add_argument("--docs", action="store_true", help="ghi bảng vào docs/forecast-backtest.md")
    args = p.parse_args(argv)
    from sheets import clock
    from sheets.load import load
    from sheets.sources import open_source

    ds = load(open_source(args.source))
    years = list(range(F.FIRST_YEAR, clock.today().year))
    t = time.perf_counter()
    cases, summ = run(ds, years)
    seconds = time.perf_counter() - t
    text = render(cases, summ, years=years, seconds=seconds, source=args.source)
    if args.docs:
        DOC.write_text(text, encoding="utf-8")
    head = text.split("## Từng trường hợp")[0]
    print(head.rstrip())
    print(f"\n({len(cases)} trường hợp; bảng đầy đủ: --docs ghi {DOC.name})")
    return 0 if summ["coverage"] >= MIN_COVERAGE and summ["width"] <= MAX_WIDTH else 1


if __name__ == "__main__":
    raise SystemExit(main())
