"""`tdkt`: indicators, copy between sources, templates, demo data (SPEC 4.1)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import NoReturn

from sheets import clock
from sheets.errors import TdktError


class ArgError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, no usage dump
        raise ArgError(message)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"ngày không hợp lệ «{text}» (dùng YYYY-MM-DD)") from exc


def _fmt_pct(p: float | None) -> str:
    return "—" if p is None else f"{p:.1f}".replace(".", ",") + " %"


def cmd_indicators(args: argparse.Namespace) -> int:
    from indicators.core import SHORT, compute
    from sheets.load import load
    from sheets.sources import open_source

    store = open_source(args.source, credentials=args.credentials)
    ds = load(store)
    as_of = args.as_of or clock.today()
    if args.unit:
        unit = args.unit.strip().upper()
        if unit not in ds.tree:
            raise ArgError(f"không có đơn vị «{args.unit}» trong DonVi")
    else:
        unit = None
    res = compute(ds, args.year, as_of, unit)
    if args.format == "json":
        print(json.dumps(res.as_json(ds.problem_counts()), ensure_ascii=False))
        return 0
    rows = [("Mã", "Chỉ tiêu", "Tử số", "Mẫu số", "Tỉ lệ", "Ngưỡng", "Kết quả")]
    for i in res.indicators:
        verdict = "—" if i.met is None else ("Đạt" if i.met else "Chưa đạt")
        rows.append((i.code, SHORT[i.code], str(i.numerator), str(i.denominator), _fmt_pct(i.percent),
                     _fmt_pct(i.threshold), verdict))
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    print(f"Năm {res.year} · tính đến {res.as_of:%d/%m/%Y} · phạm vi {ds.tree.name(res.scope)} ({res.scope})")
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    counts = ds.problem_counts()
    print(f"Vấn đề dữ liệu: {counts['error']} lỗi, {counts['warning']} cảnh báo")
    return 0


def _period(text: str) -> str:
    from sheets import schema as S
    from sheets.text import fold

    for p in S.PERIODS:
        if fold(p) == fold(text):
            return p
    raise argparse.ArgumentTypeError(f"kỳ báo cáo không hợp lệ «{text}» (dùng «6 tháng» hoặc «Năm»)")


def cmd_report(args: argparse.Namespace) -> int:
    """A 6-month or annual report as .docx or .xlsx (figures as ``tdkt indicators``).

    ``--out`` a file, or a folder (ending in /) where the file is named after the report, its
    as-of date included; ``--annex`` also writes the full lists beside it (…-danh-sach.xlsx)."""
    from reports.build import ReportError, build_report, check_year
    from sheets.load import load
    from sheets.sources import open_source

    out = Path(args.out)
    folder = args.out.endswith(("/", "\\")) or out.is_dir()
    if not folder and out.suffix.lower() not in (".docx", ".xlsx"):
        raise ArgError(f"tệp kết quả «{args.out}» phải có đuôi .docx hoặc .xlsx (hoặc là một thư mục, kết thúc bằng /)")
    try:
        check_year(args.year)
    except ReportError as exc:
        raise ArgError(str(exc)) from None
    ds = load(open_source(args.source, credentials=args.credentials))
    unit = args.unit.strip().upper() if args.unit else None
    if unit is not None and unit not in ds.tree:
        raise ArgError(f"không có đơn vị «{args.unit}» trong DonVi")
    report = build_report(ds, unit, args.year, args.period, args.as_of)
    if folder:
        out = out / f"{report.file_stem}.docx"
    if out.suffix.lower() == ".docx":
        from reports.docx_report import to_docx

        content = to_docx(report)
    else:
        from reports.xlsx_report import to_xlsx

        content = to_xlsx(report)
    if out.parent != Path(""):
        out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    if not report.has_data:
        print(f"tdkt: cảnh báo: chưa có số liệu {report.period_label} của {report.unit_name}; báo cáo chỉ ghi "
              "nhận việc chưa có số liệu.", file=sys.stderr)
    print(f"Đã lập báo cáo {report.period_label} của {report.unit_name} "
          f"(số liệu đến {report.end:%d/%m/%Y}, khen thưởng theo quyết định đến {report.as_of:%d/%m/%Y}): {out}")
    if args.annex and report.annex:
        from reports.xlsx_report import to_annex_xlsx

        annex = out.with_name(f"{out.stem}-danh-sach.xlsx")
        annex.write_bytes(to_annex_xlsx(report))
        print(f"Danh sách chi tiết (không gửi kèm báo cáo): {annex}")
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    from sheets.copy import copy_store
    from sheets.sources import open_source

    src = open_source(args.src, credentials=args.credentials)
    dst = open_source(args.dst, credentials=args.credentials, create=True)
    report = copy_store(src, dst)
    print(f"Đã chép {report.spreadsheets} bảng tính, {report.tabs} trang, {report.rows} dòng từ {src.label} sang {dst.label}.")
    if report.missing:
        print("Chưa có các bảng tính đích sau (hãy tạo và chia sẻ với tài khoản dịch vụ): " + ", ".join(report.missing))
        return 1
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from sheets import schema as S
    from sheets.templates import write_template

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_template(out / "registry.xlsx", S.ALL_TABS)
    made = ["registry.xlsx"]
    for code in args.units or []:
        name = f"{code.strip().upper()}.xlsx"
        write_template(out / name, S.DATA_TABS)
        made.append(name)
    print(f"Đã tạo {len(made)} sổ tính mẫu trong {out}: " + ", ".join(made))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from sheets.sources import build_demo_store, demo_path

    path = Path(args.out) if args.out else demo_path()
    if args.if_missing and path.exists():
        print(f"Dữ liệu minh họa đã có: {path}")
        return 0
    store = build_demo_store(path, scale=args.scale, seed=args.seed)
    print(f"Đã tạo dữ liệu minh họa (hệ số {args.scale:g}, ngày {clock.today():%d/%m/%Y}): {store.label}")
    return 0


def cmd_problems(args: argparse.Namespace) -> int:
    from sheets.load import load
    from sheets.sources import open_source

    ds = load(open_source(args.source, credentials=args.credentials))
    if args.format == "json":
        print(json.dumps([p.as_dict() for p in ds.problems], ensure_ascii=False))
        return 0
    for p in ds.problems:
        where = f"{p.spreadsheet} › {p.tab} › dòng {p.row}" + (f" › {p.column}" if p.column else "")
        print(f"[{'Lỗi' if p.severity == 'error' else 'Cảnh báo'}] {where}: «{p.value}» — {p.message} Cách sửa: {p.fix}")
    return 0


def cmd_setup_sheets(args: argparse.Namespace) -> int:
    from sheets.sources import open_source
    from sheets.stores.gsheets import GSheetsStore

    if not args.source.startswith("gsheets:"):
        raise ArgError("setup-sheets chỉ dùng cho nguồn gsheets:KHÓA_HOẶC_URL")
    store = open_source(args.source, credentials=args.credentials)
    assert isinstance(store, GSheetsStore)
    targets = args.sheet or [store.registry]
    for sheet in targets:
        done = store.setup_spreadsheet(sheet)
        print(f"{sheet}: " + ("; ".join(done) if done else "đã sẵn sàng"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="tdkt", description="TĐKT tracker: chỉ tiêu thi đua, khen thưởng")
    p.add_argument("--today", type=_date, help="đặt ngày hôm nay (giờ Việt Nam) cho lần chạy này")
    p.add_argument("--credentials", help="tệp khóa tài khoản dịch vụ Google (cho gsheets:)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("indicators", help="tính các chỉ tiêu")
    s.add_argument("--source", required=True)
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--as-of", type=_date, dest="as_of")
    s.add_argument("--unit")
    s.add_argument("--format", choices=["json", "table"], default="table")
    s.set_defaults(func=cmd_indicators)

    s = sub.add_parser("report", help="lập báo cáo 6 tháng hoặc năm (.docx, .xlsx)")
    s.add_argument("--source", required=True)
    s.add_argument("--unit", help="mã đơn vị (tỉnh hoặc công đoàn cấp trên cơ sở); mặc định toàn tỉnh")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--period", required=True, type=_period, help="«6 tháng» hoặc «Năm»")
    s.add_argument("--as-of", type=_date, dest="as_of")
    s.add_argument("--out", required=True, help="tệp .docx hoặc .xlsx, hoặc thư mục (kết thúc bằng /)")
    s.add_argument("--annex", action="store_true", help="ghi thêm bảng tính danh sách chi tiết bên cạnh")
    s.set_defaults(func=cmd_report)

    s = sub.add_parser("copy", help="chép dữ liệu giữa các nguồn")
    s.add_argument("--from", dest="src", required=True)
    s.add_argument("--to", dest="dst", required=True)
    s.set_defaults(func=cmd_copy)

    s = sub.add_parser("template", help="tạo sổ tính mẫu trống")
    s.add_argument("--out", required=True)
    s.add_argument("--units", nargs="*", help="mã các đơn vị có sổ tính riêng")
    s.set_defaults(func=cmd_template)

    s = sub.add_parser("demo", help="tạo lại dữ liệu minh họa")
    s.add_argument("--out")
    s.add_argument("--scale", type=float, default=1.0)
    s.add_argument("--seed", type=int, default=2020)
    s.add_argument("--if-missing", action="store_true")
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("setup-sheets", help="chuẩn bị bảng tính Google: trang, tiêu đề, danh sách chọn")
    s.add_argument("--source", required=True, help="gsheets:KHÓA_HOẶC_URL của bảng tính đăng ký")
    s.add_argument("--sheet", action="append", help="bảng tính cần chuẩn bị (mặc định: bảng tính đăng ký)")
    s.set_defaults(func=cmd_setup_sheets)

    s = sub.add_parser("problems", help="liệt kê vấn đề dữ liệu")
    s.add_argument("--source", required=True)
    s.add_argument("--format", choices=["json", "text"], default="text")
    s.set_defaults(func=cmd_problems)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.today:
            clock.set_now(args.today)
        return int(args.func(args))
    except ArgError as exc:
        print(f"tdkt: lỗi tham số: {exc}", file=sys.stderr)
        return 2
    except TdktError as exc:
        print(f"tdkt: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback for users
        print(f"tdkt: lỗi không mong đợi: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
