"""`tdkt`: indicators, copy between sources, templates, demo data (SPEC 4.1).

How to add a subcommand (keep it to these steps, so merges stay easy):

1. Write ``cmd_NAME(args) -> int`` below. Open data with ``_load_registry(args.source, args)``
   (a source that is not a registry is refused with a one-line message); raise ``ArgError``
   (or a ``TdktError``) with a Vietnamese sentence for bad input: ``main`` prints it on one
   line and exits 2. Print results to stdout; return 0 (or 1 when the work is incomplete).
2. Register it in ``build_parser`` with ``sub.add_parser("name", help=...)`` and give EVERY
   option a ``help=`` text (tests/test_cli.py checks). Call ``s.set_defaults(func=cmd_NAME)``.
3. Nothing else: the global options (``--today``, ``--credentials``) are added to every
   subcommand by ``_add_global_options`` so they work before or after it, and an option with
   ``dest="year"`` is checked by ``_check_year`` (2020 … this year + 1) for every subcommand.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from sheets import clock
from sheets.errors import TdktError


class ArgError(Exception):
    pass


_TYPE_WORDS = {"int": "số nguyên", "float": "số"}
# argparse's own messages (Python 3.11), in Vietnamese; a message of ours (ArgumentTypeError) passes as it is
_ARG_MESSAGES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(pattern, re.DOTALL), fn) for pattern, fn in (
        (r"^invalid choice: (.*) \(choose from (.*)\)$",
         lambda m: f"không có lựa chọn «{_unquote(m[1])}» (chọn một trong: {_unquote(m[2])})"),
        (r"^invalid (\w+) value: (.*)$",
         lambda m: (f"«{_unquote(m[2])}» không phải là {_TYPE_WORDS[m[1]]}" if m[1] in _TYPE_WORDS
                    else f"giá trị không hợp lệ «{_unquote(m[2])}»")),
        (r"^expected one argument$", lambda m: "cần một giá trị đi kèm"),
        (r"^expected at most one argument$", lambda m: "chỉ nhận nhiều nhất một giá trị"),
        (r"^expected at least one argument$", lambda m: "cần ít nhất một giá trị đi kèm"),
        (r"^expected (\d+) arguments?$", lambda m: f"cần {m[1]} giá trị đi kèm"),
        (r"^not allowed with argument (.*)$", lambda m: f"không dùng cùng với {m[1]}"),
        (r"^ignored explicit argument (.*)$", lambda m: f"không nhận giá trị «{_unquote(m[1])}»"),
    )
)
_PARSER_MESSAGES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(pattern, re.DOTALL), fn) for pattern, fn in (
        (r"^the following arguments are required: (.*)$", lambda m: f"thiếu tham số bắt buộc: {m[1]}"),
        (r"^unrecognized arguments: (.*)$", lambda m: f"không hiểu tham số: {m[1]}"),
        (r"^one of the arguments (.*) is required$", lambda m: f"cần một trong các tham số: {m[1]}"),
        (r"^ambiguous option: (\S+) could match (.*)$",
         lambda m: f"tùy chọn «{m[1]}» không rõ, có thể là: {m[2]}"),
        (r"^unexpected option string: (.*)$", lambda m: f"không nhận tùy chọn {m[1]}"),
    )
)


def _unquote(text: str) -> str:
    return re.sub(r"'([^']*)'", r"\1", text)


def _translate(message: str, table: Sequence[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]]) -> str | None:
    for pattern, fn in table:
        m = pattern.match(message)
        if m:
            return fn(m)
    return None


def vietnamese_error(message: str) -> str:
    """An argparse error message in Vietnamese: «--year: «hai» không phải là số nguyên»."""
    m = re.match(r"^argument (\S+): (.*)$", message, re.DOTALL)
    if m:
        name, inner = m[1], m[2]
        if name == "LỆNH":  # the subcommand
            c = re.match(r"^invalid choice: (.*) \(choose from (.*)\)$", inner, re.DOTALL)
            if c:
                return f"không có lệnh «{_unquote(c[1])}» (các lệnh: {_unquote(c[2])})"
        return f"{name}: {_translate(inner, _ARG_MESSAGES) or inner}"
    return _translate(message, _PARSER_MESSAGES) or message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "cách dùng: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with its messages in Vietnamese: an error is one line and exit 2 (``main``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "tham số"
        self._optionals.title = "tùy chọn"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="in hướng dẫn này rồi thoát")

    def error(self, message: str) -> NoReturn:  # one line, exit 2, no usage dump
        raise ArgError(f"{vietnamese_error(message)} (xem «{self.prog} --help»)")


FIRST_YEAR = 2020  # Kế hoạch 48 starts in 2020


def _check_year(year: int) -> None:
    last = clock.today().year + 1
    if not FIRST_YEAR <= year <= last:
        raise ArgError(f"năm {year} nằm ngoài khoảng {FIRST_YEAR}–{last} (Kế hoạch 48 bắt đầu từ năm 2020)")


def _positive(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"«{text}» không phải là số") from exc
    if not value > 0:
        raise argparse.ArgumentTypeError(f"hệ số phải lớn hơn 0 (nhận «{text}»)")
    return value


def _load_registry(spec: str, args: argparse.Namespace, *, need_root: bool = True) -> Any:
    """Open and load a source; refuse one that is not a registry (an unreadable file, no
    DonVi tab, or, with ``need_root``, no unit of level Tỉnh) instead of printing zeros."""
    from sheets.errors import SourceError
    from sheets.load import load
    from sheets.sources import open_source
    from sheets.text import fold

    ds = load(open_source(spec, credentials=args.credentials))
    error = ds.sheet_errors.get(ds.registry)
    if error:
        raise SourceError(f"không đọc được nguồn «{spec}»: {error}")
    tabs = {fold(tab) for sheet, tab, _ in ds.col_index if sheet == ds.registry}
    if fold("DonVi") not in tabs:
        raise SourceError(f"nguồn «{spec}» không phải bảng tính đăng ký: không có trang DonVi "
                          "(tạo sổ tính mẫu bằng «tdkt template»)")
    if need_root and ds.tree.root is None:
        raise SourceError(f"nguồn «{spec}» chưa có đơn vị cấp «Tỉnh» hợp lệ trong trang DonVi "
                          "(xem «tdkt problems --source …»)")
    return ds


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"ngày không hợp lệ «{text}» (dùng YYYY-MM-DD)") from exc


def _fmt_pct(p: float | None) -> str:
    return "—" if p is None else f"{p:.1f}".replace(".", ",") + " %"


def cmd_indicators(args: argparse.Namespace) -> int:
    from indicators import forecast as FC
    from indicators.core import SHORT, compute

    ds = _load_registry(args.source, args)
    as_of = args.as_of or clock.today()
    if args.unit:
        unit = args.unit.strip().upper()
        if unit not in ds.tree:
            raise ArgError(f"không có đơn vị «{args.unit}» trong DonVi")
    else:
        unit = None
    res = compute(ds, args.year, as_of, unit)
    if all(i.denominator == 0 for i in res.indicators):  # right, but says nothing: say so
        print(f"tdkt: cảnh báo: chưa có số liệu nào để tính cho năm {res.year} trong phạm vi "
              f"{ds.tree.name(res.scope)} ({res.scope}): mọi mẫu số bằng 0 (xem «tdkt problems --source "
              f"{args.source}»)", file=sys.stderr)
    if args.format == "json":
        out = res.as_json(ds.problem_counts())
        if FC.is_open(args.year, clock.today()):  # the year-end forecast, for the current year only
            fc = FC.forecast(ds, args.year, as_of, unit)
            for entry in out["indicators"]:
                if entry["code"] in fc:
                    entry["forecast"] = fc[entry["code"]].as_json()
        print(json.dumps(out, ensure_ascii=False))
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


def cmd_pipeline(args: argparse.Namespace) -> int:
    """The commendation workflow's figures (SPEC 7): dossiers by status, waiting, overdue,
    returned, median processing days, nominees and the direct-worker share."""
    from indicators.pipeline import pipeline

    ds = _load_registry(args.source, args)
    as_of = args.as_of or clock.today()
    unit = None
    if args.unit:
        unit = args.unit.strip().upper()
        if unit not in ds.tree:
            raise ArgError(f"không có đơn vị «{args.unit}» trong DonVi")
    res = pipeline(ds, args.year, as_of, unit)
    if args.format == "json":
        print(json.dumps(res, ensure_ascii=False))
        return 0
    scope = res["scope"]
    print(f"Hồ sơ khen thưởng năm {res['year']} · tính đến {as_of:%d/%m/%Y} · phạm vi {ds.tree.name(scope)} ({scope})")
    rows = [("Trạng thái", "Số hồ sơ")] + [(k, str(v)) for k, v in res["dossiers"].items()]
    width = max(len(r[0]) for r in rows)
    for name, n in rows:
        print(f"  {name.ljust(width)}  {n}")
    median = res["median_days"]
    median_text = "—" if median is None else f"{median:g}".replace(".", ",")
    print(f"Đang chờ xử lý: {res['waiting']} (quá hạn: {res['overdue']}) · đã từng bị trả lại: {res['returned']} · "
          f"số ngày xử lý (trung vị): {median_text}")
    nom = res["nominees"]
    print(f"Người/tập thể được đề nghị: {nom['proposed']} (Đồng ý {nom['Đồng ý']}, Không đồng ý {nom['Không đồng ý']}, "
          f"Trình cấp trên {nom['Trình cấp trên']}, chưa có kết quả {nom['blank']})")
    share = res["direct_share"]
    verdict = "—" if share["met"] is None else ("Đạt" if share["met"] else "Chưa đạt")
    print(f"Tỉ lệ người lao động trực tiếp: {share['numerator']}/{share['denominator']} = {_fmt_pct(share['percent'])} "
          f"(ngưỡng T3 {_fmt_pct(share['threshold'])}): {verdict}")
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

    out = Path(args.out)
    folder = args.out.endswith(("/", "\\")) or out.is_dir()
    if not folder and out.suffix.lower() not in (".docx", ".xlsx"):
        raise ArgError(f"tệp kết quả «{args.out}» phải có đuôi .docx hoặc .xlsx (hoặc là một thư mục, kết thúc bằng /)")
    try:
        check_year(args.year)
    except ReportError as exc:
        raise ArgError(str(exc)) from None
    ds = _load_registry(args.source, args)
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

    if _same_source(args.src, args.dst):
        raise ArgError(f"nguồn «{args.src}» và đích «{args.dst}» là một: không chép dữ liệu lên chính nó")
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


def _same_source(a: str, b: str) -> bool:
    """Whether two source specs name the same store (demo is its SQLite file; xlsx: is the
    registry's folder, since a copy writes every workbook in it)."""
    from sheets.sources import demo_path

    def ident(spec: str) -> tuple[str, str]:
        spec = spec.strip()
        if spec == "demo":
            return ("sqlite", str(demo_path().resolve()))
        kind, _, rest = spec.partition(":")
        if kind == "sqlite" and rest:
            return ("sqlite", str(Path(rest).resolve()))
        if kind == "xlsx" and rest:
            p = Path(rest)
            folder = p if p.is_dir() or not p.suffix else p.parent
            return ("xlsx", str(folder.resolve()))
        if kind == "gsheets" and rest:
            from sheets.stores.gsheets import spreadsheet_key

            return ("gsheets", spreadsheet_key(rest) or rest)
        return (kind, spec)

    return ident(a) == ident(b)


def _where(p: Any) -> str:
    """Spreadsheet › tab › row › column, leaving out what a problem does not have."""
    parts = [p.spreadsheet, p.tab, f"dòng {p.row}" if p.row is not None else "", p.column or ""]
    return " › ".join(x for x in parts if x)


def cmd_problems(args: argparse.Namespace) -> int:
    ds = _load_registry(args.source, args, need_root=False)
    if args.format == "json":
        print(json.dumps([p.as_dict() for p in ds.problems], ensure_ascii=False))
        return 0
    if not ds.problems:
        print("Không có vấn đề dữ liệu nào.")
    for p in ds.problems:
        where = _where(p)
        value = f"«{p.value}» — " if p.value not in (None, "") else ""
        print(f"[{'Lỗi' if p.severity == 'error' else 'Cảnh báo'}] {where}: {value}{p.message} Cách sửa: {p.fix}")
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


def cmd_documents(args: argparse.Namespace) -> int:
    """A dossier's tờ trình, quyết định or certificates (SPEC 7) as .docx and/or PDF in ``--out``."""
    from reports.dossier_docs import DocumentError, document

    ds = _load_registry(args.source, args)
    code = args.dossier.strip()
    fmts = ("docx", "pdf") if args.format == "both" else (args.format,)
    out = Path(args.out)
    try:
        files = [document(ds, code, args.kind, fmt=f, plain=args.plain, proof=args.proof) for f in fmts]
    except DocumentError as exc:
        raise ArgError(str(exc)) from None
    out.mkdir(parents=True, exist_ok=True)
    for name, content in files:
        (out / name).write_bytes(content)
        print(f"Đã ghi {out / name}")
    return 0


def cmd_guide(args: argparse.Namespace) -> int:
    """docs/huong-dan-bang-tinh.md, generated from the schema (sheets/guide.py)."""
    from sheets.guide import render

    text = render()
    if not args.out:
        sys.stdout.write(text)
        return 0
    out = Path(args.out)
    if out.parent != Path(""):
        out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"Đã ghi hướng dẫn điền bảng tính: {out}")
    return 0


def _add_global_options(p: argparse.ArgumentParser, *, in_subcommand: bool) -> None:
    """Options valid before or after the subcommand. In a subcommand they default to
    SUPPRESS, so a value given before the subcommand is not reset by the subparser."""
    default = argparse.SUPPRESS if in_subcommand else None
    if "--today" not in p._option_string_actions:
        p.add_argument("--today", type=_date, default=default,
                       help="đặt ngày hôm nay (giờ Việt Nam, YYYY-MM-DD) cho lần chạy này")
    if "--credentials" not in p._option_string_actions:
        p.add_argument("--credentials", default=default,
                       help="tệp khóa JSON của tài khoản dịch vụ Google (cho gsheets:); "
                            "thắng khóa trong .streamlit/secrets.toml")


SOURCE_HELP = ("nguồn dữ liệu: demo, sqlite:ĐƯỜNG_DẪN, xlsx:ĐƯỜNG_DẪN (sổ tính đăng ký) "
               "hoặc gsheets:KHÓA_HOẶC_URL")
YEAR_HELP = "năm cần tính (từ 2020 đến năm sau năm nay)"
AS_OF_HELP = "tính đến ngày YYYY-MM-DD (mặc định: hôm nay)"


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="tdkt", description="TĐKT tracker: chỉ tiêu thi đua, khen thưởng (Kế hoạch 48/KH-LĐLĐ)",
                epilog="Tùy chọn chung (--today, --credentials) đặt được trước hoặc sau lệnh con. "
                       "Xem «tdkt LỆNH --help» cho từng lệnh.")
    _add_global_options(p, in_subcommand=False)
    sub = p.add_subparsers(dest="command", metavar="LỆNH", parser_class=_Parser)

    s = sub.add_parser("indicators", help="tính các chỉ tiêu")
    s.add_argument("--source", required=True, help=SOURCE_HELP)
    s.add_argument("--year", type=int, required=True, help=YEAR_HELP)
    s.add_argument("--as-of", type=_date, dest="as_of", help=AS_OF_HELP)
    s.add_argument("--unit", help="mã đơn vị: chỉ tính cho đơn vị đó và cấp dưới (mặc định toàn tỉnh)")
    s.add_argument("--format", choices=["json", "table"], default="table", help="json (SPEC 4.1) hoặc bảng")
    s.set_defaults(func=cmd_indicators)

    s = sub.add_parser("pipeline", help="số liệu hồ sơ đề nghị khen thưởng (SPEC 7)")
    s.add_argument("--source", required=True, help=SOURCE_HELP)
    s.add_argument("--year", type=int, required=True, help="năm của thành tích trong hồ sơ (từ 2020 đến năm sau năm nay)")
    s.add_argument("--as-of", type=_date, dest="as_of", help="tính đến ngày YYYY-MM-DD, mốc đếm ngày chờ (mặc định: hôm nay)")
    s.add_argument("--unit", help="mã đơn vị: chỉ hồ sơ của đơn vị đó và cấp dưới (mặc định toàn tỉnh)")
    s.add_argument("--format", choices=["json", "table"], default="table", help="json (SPEC 7) hoặc bảng")
    s.set_defaults(func=cmd_pipeline)

    s = sub.add_parser("report", help="lập báo cáo 6 tháng hoặc năm (.docx, .xlsx)")
    s.add_argument("--source", required=True, help=SOURCE_HELP)
    s.add_argument("--unit", help="mã đơn vị (tỉnh hoặc công đoàn cấp trên cơ sở); mặc định toàn tỉnh")
    s.add_argument("--year", type=int, required=True, help=YEAR_HELP)
    s.add_argument("--period", required=True, type=_period, help="«6 tháng» hoặc «Năm»")
    s.add_argument("--as-of", type=_date, dest="as_of", help=AS_OF_HELP)
    s.add_argument("--out", required=True, help="tệp .docx hoặc .xlsx, hoặc thư mục (kết thúc bằng /)")
    s.add_argument("--annex", action="store_true", help="ghi thêm bảng tính danh sách chi tiết bên cạnh")
    s.set_defaults(func=cmd_report)

    s = sub.add_parser("copy", help="chép nguyên trạng dữ liệu giữa các nguồn (sao lưu, chuyển)")
    s.add_argument("--from", dest="src", required=True, help="nguồn: " + SOURCE_HELP)
    s.add_argument("--to", dest="dst", required=True,
                   help="đích (khác nguồn): sqlite:TỆP, xlsx:THƯ_MỤC hoặc gsheets:KHÓA (bảng tính đã chia sẻ)")
    s.set_defaults(func=cmd_copy)

    s = sub.add_parser("template", help="tạo sổ tính mẫu trống")
    s.add_argument("--out", required=True, help="thư mục ghi registry.xlsx và sổ tính các đơn vị")
    s.add_argument("--units", nargs="*", help="mã các đơn vị có sổ tính riêng")
    s.set_defaults(func=cmd_template)

    s = sub.add_parser("demo", help="tạo lại dữ liệu minh họa")
    s.add_argument("--out", help="tệp SQLite (mặc định data/demo.sqlite hoặc TDKT_DEMO_PATH)")
    s.add_argument("--scale", type=_positive, default=1.0, help="hệ số cỡ tỉnh, lớn hơn 0 (mặc định 1)")
    s.add_argument("--seed", type=int, default=2020, help="hạt giống ngẫu nhiên (cùng hạt, cùng dữ liệu)")
    s.add_argument("--if-missing", action="store_true", help="chỉ tạo khi tệp chưa có")
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("setup-sheets", help="chuẩn bị bảng tính Google: trang, tiêu đề, danh sách chọn")
    s.add_argument("--source", required=True, help="gsheets:KHÓA_HOẶC_URL của bảng tính đăng ký")
    s.add_argument("--sheet", action="append", help="bảng tính cần chuẩn bị (mặc định: bảng tính đăng ký)")
    s.set_defaults(func=cmd_setup_sheets)

    s = sub.add_parser("problems", help="liệt kê vấn đề dữ liệu, có cách sửa")
    s.add_argument("--source", required=True, help=SOURCE_HELP)
    s.add_argument("--format", choices=["json", "text"], default="text", help="text (mỗi vấn đề một dòng) hoặc json")
    s.set_defaults(func=cmd_problems)

    s = sub.add_parser("guide", help="in hướng dẫn điền bảng tính (mọi trang, mọi cột), sinh từ schema")
    s.add_argument("--out", help="tệp Markdown cần ghi, ví dụ docs/huong-dan-bang-tinh.md (mặc định: in ra màn hình)")
    s.set_defaults(func=cmd_guide)

    s = sub.add_parser("documents", help="tờ trình, quyết định, giấy khen/bằng khen của một hồ sơ (.docx, PDF)")
    s.add_argument("--source", default="demo", help=SOURCE_HELP + " (mặc định: demo)")
    s.add_argument("--dossier", required=True, help="mã hồ sơ, ví dụ HS2026-NR-1")
    s.add_argument("--kind", required=True, choices=["to-trinh", "quyet-dinh", "giay-khen"],
                   help="to-trinh (kèm danh sách đề nghị), quyet-dinh (kèm danh sách được khen) hoặc giay-khen "
                        "(mỗi khen thưởng một trang)")
    s.add_argument("--out", required=True, help="thư mục ghi tệp")
    s.add_argument("--format", choices=["docx", "pdf", "both"], default="both",
                   help="docx, pdf (chuyển bằng LibreOffice) hoặc both (mặc định)")
    s.add_argument("--plain", action="store_true", help="giấy khen in trên giấy A4 ngang trắng, bỏ qua vị trí MauIn")
    s.add_argument("--proof", action="store_true", help="bản in thử: kẻ khung quanh từng trường in theo MauIn")
    s.set_defaults(func=cmd_documents)

    for subparser in sub.choices.values():  # also the subcommands added above by others
        _add_global_options(subparser, in_subcommand=True)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # `tdkt` alone: the usage and the list of subcommands
        parser.print_help()
        return 2
    try:
        args = parser.parse_args(argv)
        if getattr(args, "func", None) is None:
            raise ArgError("thiếu LỆNH (xem «tdkt --help»)")
        if args.today:
            clock.set_now(args.today)
        if getattr(args, "year", None) is not None:
            _check_year(args.year)
        code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below
        return code
    except BrokenPipeError:  # `tdkt problems | head`: the reader has all it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes at exit
        return 0
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
