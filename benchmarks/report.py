"""Tables of results, as plain text for the terminal and as Markdown for docs/benchmarks.md."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.measure import (
    ComputeResult,
    LoadResult,
    RerunResult,
    SubmitResult,
    ViewersResult,
    peak_median,
)
from benchmarks.timing import median

QUOTA_PER_MINUTE = 60  # Sheets API read requests per minute per user


def s(x: float) -> str:
    """Seconds, readable: 0.412 s, 12.3 s, 7 min 31 s."""
    if x != x:  # nan
        return "—"
    if x < 10:
        return f"{x:.3f} s"
    if x < 120:
        return f"{x:.1f} s"
    return f"{int(x // 60)} min {int(round(x % 60)):02d} s"


def ms(x: float) -> str:
    return "—" if x != x else f"{x * 1000:.0f} ms"


def n(x: float) -> str:
    return f"{int(round(x)):,}".replace(",", " ")


def mib(x: float) -> str:
    return "—" if x != x else f"{x / 2**20:.1f} MiB"


def scale_name(scale: float) -> str:
    return f"×{scale:g}"


class Table:
    def __init__(self, title: str, header: Sequence[str], note: str = "") -> None:
        self.title = title
        self.header = list(header)
        self.rows: list[list[str]] = []
        self.note = note

    def add(self, *cells: Any) -> None:
        self.rows.append([str(c) for c in cells])

    def text(self) -> str:
        widths = [max(len(h), *(len(r[i]) for r in self.rows)) if self.rows else len(h)
                  for i, h in enumerate(self.header)]
        line = "  ".join(h.ljust(w) for h, w in zip(self.header, widths, strict=True))
        out = [self.title, line, "  ".join("-" * w for w in widths)]
        out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in self.rows]
        return "\n".join(out)

    def markdown(self) -> str:
        out = [f"### {self.title}", ""]
        if self.note:
            out += [self.note, ""]
        out.append("| " + " | ".join(self.header) + " |")
        out.append("|" + "|".join("---" for _ in self.header) + "|")
        out += ["| " + " | ".join(r) + " |" for r in self.rows]
        return "\n".join(out)


# --- the tables ------------------------------------------------------------------------------------


def load_table(results: Sequence[LoadResult], before: Sequence[LoadResult] = (),
               earlier: Sequence[LoadResult] = (), earlier_label: str = "before: ") -> Table:
    t = Table(
        "Cold load of a province through the Sheets fake (150 ms a request)",
        ["scale", "spreadsheets / tabs / rows", "store (median, CPU)", "requests", "round trips",
         "naive peer (median)", "requests", "round trips", "naive ÷ store", "quota-minutes store / naive"],
        note="`load(store)` on a fresh `GSheetsStore` (cold cache) against the naive peer "
             "(`benchmarks/naive.py`: metadata, then `get_all_values()` per worksheet, one after the other), "
             "on the same wire and data. Quota-minutes: requests ÷ 60, the minutes of one user's read quota "
             "(60 a minute) a cold load needs.",
    )
    for label, r in [("", r) for r in results] + [(earlier_label, r) for r in earlier]:
        t.add(label + scale_name(r.scale), f"{r.spreadsheets} / {r.tabs} / {n(r.rows)}",
              f"{s(r.store.median)} ({s(r.store.cpu_median)}, {r.store.runs} runs)",
              n(median([float(x) for x in r.store_requests])), n(median([float(x) for x in r.store_round_trips])),
              f"{s(r.naive.median)} ({r.naive.runs} runs)" if r.naive.runs else "—",
              n(median([float(x) for x in r.naive_requests])) if r.naive_requests else "—",
              n(median([float(x) for x in r.naive_round_trips])) if r.naive_round_trips else "—",
              f"{r.ratio:.1f}×" if r.naive.runs else "—",
              f"{median([float(x) for x in r.store_requests]) / QUOTA_PER_MINUTE:.1f} / "
              + (f"{median([float(x) for x in r.naive_requests]) / QUOTA_PER_MINUTE:.1f}" if r.naive_requests else "—"))
    for b in before:
        t.add(f"{scale_name(b.scale)}, before (max_workers={b.max_workers})",
              f"{b.spreadsheets} / {b.tabs} / {n(b.rows)}",
              f"{s(b.store.median)} ({s(b.store.cpu_median)}, {b.store.runs} runs)",
              n(median([float(x) for x in b.store_requests])), n(median([float(x) for x in b.store_round_trips])),
              "—", "—", "—", "—", "—")
    for r in results:
        if r.live.runs:
            t.add(f"{scale_name(r.scale)}, fake serving live", f"{r.spreadsheets} / {r.tabs} / {n(r.rows)}",
                  f"{s(r.live.median)} ({s(r.live.cpu_median)}, {r.live.runs} runs)", "", "", "", "", "", "", "")
    return t


def write_table(sub: SubmitResult, before: SubmitResult | None, viewers: ViewersResult) -> Table:
    t = Table("Requests for one form submission, and for ten viewers inside one TTL",
              ["case", "requests (median)", "of which", "wall (median)"],
              note="One KeHoach row through `sheets.write.append` on a `GSheetsStore` over the fake, with the "
                   "loaded Dataset passed in as the app does; 150 ms a request. Viewers: threads calling "
                   "`load(store)` at once on one shared store.")
    kinds = ", ".join(f"{v} {k}" for k, v in sorted(sub.kinds.items()))
    t.add("submission with a write id (what the app sends)", n(median([float(x) for x in sub.with_id])), kinds,
          s(sub.wall.median))
    t.add("submission without a write id", n(median([float(x) for x in sub.without_id])), "", "")
    if before is not None:
        bk = ", ".join(f"{v} {k}" for k, v in sorted(before.kinds.items()))
        t.add("before: submission with a write id, header read again", n(median([float(x) for x in before.with_id])),
              bk, s(before.wall.median))
    t.add("one viewer, cold", n(median([float(x) for x in viewers.one_viewer])), "", s(viewers.one_wall.median))
    t.add(f"{viewers.viewers} viewers at once, cold, one shared store",
          n(median([float(x) for x in viewers.all_viewers])), "", s(viewers.wall.median))
    t.add("another viewer inside the TTL", n(median([float(x) for x in viewers.again_inside_ttl])), "", "")
    return t


def rerun_table(results: Sequence[RerunResult], before: Sequence[RerunResult] = (),
                before_label: str = "before: ") -> Table:
    t = Table("Warm reruns of the pages (AppTest, SQLite copy of the demo)",
              ["page", "scale", "first run", "rerun after a year change", "rerun after a scope change"],
              note="One AppTest session signed in as lanhdao@demo.tdkt.vn: the first run (reads the "
                   "SQLite copy and computes), then reruns after changing the year (alternating two years, so "
                   "the indicator results soon come from the cache, as on a busy server) and after picking a unit "
                   "not viewed before (uncached results). Medians; CPU in brackets.")
    rows = [("", r) for r in results] + [(before_label, r) for r in before]
    for label, r in rows:
        for page in r.first_run:
            if page in r.errors:
                t.add(label + page, scale_name(r.scale), s(r.first_run[page]), f"error: {r.errors[page][:120]}", "")
                continue
            y, sc = r.year.get(page), r.scope.get(page)
            t.add(label + page, scale_name(r.scale), s(r.first_run[page]),
                  f"{ms(y.median)} ({ms(y.cpu_median)}, {y.runs} runs)" if y and y.runs else "—",
                  f"{ms(sc.median)} ({ms(sc.cpu_median)}, {sc.runs} runs)" if sc and sc.runs else "—")
    return t


def compute_table(results: Sequence[ComputeResult], before: Sequence[ComputeResult] = (),
                  before_label: str = "before: ") -> Table:
    t = Table("Indicator computation (all eight, one year)",
              ["scale", "rows", "load() from SQLite, once", "compute, whole province, cold (median, CPU)",
               "peak memory (tracemalloc)", "time ÷ time ×1", "rows ÷ rows ×1", "growth (time ratio ÷ rows ratio)",
               "then one upper-level unit, same year"],
              note="`compute(ds, 2026, 2026-11-25)` on a loaded Dataset, with nothing kept from earlier computes; "
                   "then the same year for one district federation, as a dashboard computes several scopes of a "
                   "year. Growth near 1 is linear in the data; below 1, fixed costs dominate; above 1, worse than "
                   "linear.")
    base = results[0] if results else None
    for label, rs in (("", results), (before_label, before)):
        for r in rs:
            tr = r.compute.median / base.compute.median if base else float("nan")
            rr = r.rows / base.rows if base else float("nan")
            t.add(label + scale_name(r.scale), n(r.rows),
                  s(r.load_seconds) + (" (in an earlier run; Dataset kept)" if r.load_cached else ""),
                  f"{s(r.compute.median)} ({s(r.compute.cpu_median)}, {r.compute.runs} runs)",
                  mib(peak_median(r)), f"{tr:.1f}", f"{rr:.1f}", f"{tr / rr:.2f}",
                  f"{s(r.other_scope.median)} ({r.scope})" if r.other_scope.runs else "—")
    return t


def targets_table(loads: Sequence[LoadResult], reruns: Sequence[RerunResult], computes: Sequence[ComputeResult],
                  sub: SubmitResult | None, viewers: ViewersResult | None) -> Table:
    t = Table("Targets", ["target", "measured", "met"])

    def yes(ok: bool) -> str:
        return "yes" if ok else "**no**"

    one = next((r for r in loads if r.scale == 1), None)
    if one is not None:
        rt = median([float(x) for x in one.store_round_trips])
        t.add("cold load ×1: at most 4 sequential round trips", n(rt), yes(rt <= 4))
        t.add("cold load ×1: under 0.8 s at 150 ms latency", s(one.store.median), yes(one.store.median < 0.8))
        if one.naive.runs:
            t.add("cold load ×1: at least 20× faster than the naive peer", f"{one.ratio:.1f}×", yes(one.ratio >= 20))
    for r in reruns:
        limit = 0.25 if r.scale == 1 else 1.0
        for page in r.first_run:
            figures = [x for x in (r.year.get(page), r.scope.get(page)) if x is not None and x.runs]
            if page in r.errors or not figures:
                t.add(f"warm rerun {page} {scale_name(r.scale)}: under {ms(limit)}", "error", "**no**")
                continue
            worst = max(x.median for x in figures)
            t.add(f"warm rerun {page} {scale_name(r.scale)}: under {ms(limit)} (worse of year/scope change)",
                  ms(worst), yes(worst < limit))
    big = next((r for r in computes if r.scale >= 100), None)
    if big is not None:
        t.add(f"indicators {scale_name(big.scale)} ({n(big.rows)} rows): under 2 s", s(big.compute.median),
              yes(big.compute.median < 2))
    if sub is not None:
        m = median([float(x) for x in sub.with_id])
        t.add("one submission: one append plus at most one check", f"{n(m)} requests", yes(m <= 2))
    if viewers is not None:
        ok = median([float(x) for x in viewers.all_viewers]) == median([float(x) for x in viewers.one_viewer])
        t.add(f"{viewers.viewers} viewers inside one TTL: requests of one viewer",
              f"{n(median([float(x) for x in viewers.all_viewers]))} vs "
              f"{n(median([float(x) for x in viewers.one_viewer]))}", yes(ok))
    return t


def machine_lines(m: dict[str, Any], end_load: Any = None) -> list[str]:
    la = m.get("load_average")
    lines = [
        f"- Date: {m['date']}",
        f"- CPU: {m['cpu']}, {m['cores']} cores (shared with other developers' test runs)",
        f"- RAM: {m['ram']}; {m['os']}",
        f"- Python {m['python']}, pandas {m['pandas']}, numpy {m['numpy']}, streamlit {m['streamlit']}, "
        f"gspread {m['gspread']}",
    ]
    if la:
        lines.append(f"- Load average at the start: {la[0]:.2f}, {la[1]:.2f}, {la[2]:.2f}"
                     + (f"; at the end: {end_load[0]:.2f}, {end_load[1]:.2f}, {end_load[2]:.2f}" if end_load else ""))
    return lines


def provenance(results: dict[str, Any]) -> list[str]:
    """Which run each section comes from, and what failed."""
    lines = []
    taken = results.get("taken_from")
    if taken:
        la = taken.get("load_average")
        lines.append(f"- Sections {', '.join(taken['sections'])} come from an earlier run "
                     f"({taken['date']}, `data/bench/{taken['file']}`"
                     + (f", load average at its start {la[0]:.2f}" if la else "") + "); the others from this run.")
    before = results.get("before_run")
    if before:
        lines.append(f"- Rows marked \"before\" come from earlier runs of the code before the changes "
                     f"({before.get('date')}, `data/bench/` {', '.join(f'`{f.strip()}`' for f in str(before['file']).split(','))}).")
    for name, why in (results.get("failed") or {}).items():
        lines.append(f"- Section {name} failed in this run: {why}")
    return lines


def markdown(machine: dict[str, Any], tables: Sequence[Table], notes: str, elapsed: float, end_load: Any,
             extra: Sequence[str] = ()) -> str:
    out = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m benchmarks.run`); do not edit by hand — the findings below come "
        "from `benchmarks/NOTES.md`. Figures are medians of several runs (wall clock; process CPU in "
        "brackets where it says something), on a noisy shared machine: read ratios and orders of "
        "magnitude, not the third digit.",
        "",
        "## Machine",
        "",
        *machine_lines(machine, end_load),
        f"- Whole run: {s(elapsed)}",
        *extra,
        "",
        "## Results",
        "",
    ]
    for t in tables:
        out += [t.markdown(), ""]
    out += [notes.strip(), ""]
    return "\n".join(out)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
