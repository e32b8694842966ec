"""Hostile uploads (the bombs of the issue) and what reading them costs.

``python -m benchmarks.upload_bombs [--out DIR] [--keep]`` writes each bomb as an .xlsx (raw
zip and XML, streamed, so making a 1 GB cell costs no memory), then reads it in a fresh
process through ``sheets.importer.read_xlsx`` (and ``check`` when rows come back), and prints
a table: file size, what the app answered, seconds, and peak memory above the process's idle
size (``VmHWM`` after resetting it with ``/proc/self/clear_refs``, minus ``VmRSS`` at idle).
The table in docs/upload-limits.md comes from this script.

The generators take their sizes as arguments, so the tests make small versions of each bomb.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _workbook(title: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{REL_NS}"><sheets>'
            f'<sheet name="{escape(title)}" sheetId="1" r:id="rId1"/></sheets></workbook>')


def _cell(ref: str, value: object) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def _col(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def write_xlsx(path: Path, rows: Iterable[str], *, title: str = "KhenThuong", dimension: str | None = None,
               level: int = 6) -> Path:
    """An .xlsx whose one sheet holds ``rows`` (each a ``<row>`` element's XML), streamed."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", _workbook(title))
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'.encode())
            if dimension:
                fh.write(f'<dimension ref="{dimension}"/>'.encode())
            fh.write(b"<sheetData>")
            buf: list[str] = []
            for row in rows:
                buf.append(row)
                if len(buf) >= 4096:
                    fh.write("".join(buf).encode())
                    buf.clear()
            fh.write("".join(buf).encode())
            fh.write(b"</sheetData></worksheet>")
    return path


def _row(r: int, values: Iterable[object], *, first_col: int = 1) -> str:
    cells = "".join(_cell(f"{_col(first_col + i)}{r}", v) for i, v in enumerate(values) if v is not None)
    return f'<row r="{r}">{cells}</row>'


AWARD_HEADER = ["Mã khen thưởng", "Năm", "Số quyết định", "Ngày quyết định", "Hình thức", "Đối tượng",
                "Tên người hoặc tập thể", "Mã đơn vị", "Nhóm đối tượng", "Thành tích"]


def valid_rows(n: int) -> Iterator[str]:
    """The header and ``n`` valid award rows of unit BK."""
    yield _row(1, AWARD_HEADER)
    for i in range(n):
        yield _row(i + 2, [f"KT{i:07d}", 2025, f"{i}/QĐ-LĐLĐ", "15/03/2025", "Giấy khen", "Cá nhân",
                           f"Người thứ {i}", "BK", "Công nhân, lao động trực tiếp", "Hoàn thành xuất sắc nhiệm vụ"])


def xfd_rows(n: int) -> Iterator[str]:
    """A header, then ``n`` rows each holding one cell in column XFD (the last one)."""
    yield _row(1, AWARD_HEADER)
    for r in range(2, n + 2):
        yield f'<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>'


def many_rows(n: int, *, numbered: bool = True) -> Iterator[str]:
    """A header, then ``n`` rows each with one small number; without row and cell references
    (``numbered=False``, which the format allows) the rows repeat exactly and zip to almost
    nothing."""
    yield _row(1, AWARD_HEADER)
    if not numbered:
        yield from ("<row><c><v>1</v></c></row>" for _ in range(n))
        return
    for r in range(2, n + 2):
        yield f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>'


def big_cell(chars: int, chunk: int = 1 << 20) -> Iterator[str]:
    """A header, then one row whose ``Thành tích`` holds ``chars`` characters."""
    yield _row(1, AWARD_HEADER)
    yield '<row r="2"><c r="J2" t="inlineStr"><is><t>'
    left = chars
    while left > 0:
        n = min(chunk, left)
        yield "A" * n
        left -= n
    yield "</t></is></c></row>"


def make_bombs(folder: Path, *, scale: float = 1.0) -> dict[str, Path]:
    """The issue's bombs (``scale`` < 1 makes smaller ones with the same shape)."""
    folder.mkdir(parents=True, exist_ok=True)
    n200k, n20m, cell = int(200_000 * scale), int(20_000_000 * scale), int(1_000_000_000 * scale)
    return {
        "xfd": write_xlsx(folder / "xfd.xlsx", xfd_rows(n200k), dimension=f"A1:XFD{n200k + 1}"),
        "xfd-no-dimension": write_xlsx(folder / "xfd-nodim.xlsx", xfd_rows(n200k)),
        "rows-20m": write_xlsx(folder / "rows20m.xlsx", many_rows(n20m, numbered=False), level=9),
        "cell-1g": write_xlsx(folder / "cell1g.xlsx", big_cell(cell), level=9),
        "valid-200k": write_xlsx(folder / "valid200k.xlsx", valid_rows(n200k), dimension=f"A1:J{n200k + 1}"),
        "valid-200k-no-dimension": write_xlsx(folder / "valid200k-nodim.xlsx", valid_rows(n200k)),
        "valid-5000": write_xlsx(folder / "valid5000.xlsx", valid_rows(5000), dimension="A1:J5001"),
    }


# --- measuring, in a fresh process per file ----------------------------------------------
_PROBE = r"""
import json, sys, time
from sheets import importer
from sheets.load import load
from sheets.stores.memory import MemoryStore

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024
    return 0

store = MemoryStore({"registry": {
    "DonVi": [["Mã đơn vị", "Tên đơn vị", "Cấp"], ["BK", "LĐLĐ tỉnh", "Tỉnh"]],
    "NguoiDung": [["Email", "Vai trò", "Mã đơn vị"], ["admin@x.vn", "Quản trị", "BK"]],
}})
ds = load(store)
path = sys.argv[1]
open("/proc/self/clear_refs", "w").write("5")  # peak RSS := current RSS
idle = status("VmRSS")
t0 = time.perf_counter()
data = open(path, "rb").read()
grid, title, problems = importer.read_xlsx(data, "KhenThuong", filename=path)
checked = None
if grid and not problems:
    checked = importer.check(ds, "KhenThuong", grid, "admin@x.vn", source=path, sheet_title=title)
    problems = checked.problems
seconds = time.perf_counter() - t0
peak = status("VmHWM")
answer = problems[0].message if problems else f"{len(checked.rows) if checked else 0} dòng hợp lệ"
print(json.dumps({"seconds": seconds, "peak_mb": (peak - idle) / 2**20, "answer": answer,
                  "ok": bool(checked and checked.ok)}, ensure_ascii=False))
"""


def measure(path: Path) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    result["file_mb"] = path.stat().st_size / 2**20
    return result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=None, help="where to write the bombs (default: a temp folder)")
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.out or Path(tmp)
        bombs = make_bombs(folder, scale=args.scale)
        print("| tệp | cỡ tệp | thời gian | bộ nhớ đỉnh (trên mức nghỉ) | ứng dụng trả lời |")
        print("|---|---:|---:|---:|---|")
        for name, path in bombs.items():
            r = measure(path)
            print(f"| {name} | {r['file_mb']:.2f} MB | {r['seconds']:.2f} s | {r['peak_mb']:.0f} MB | {r['answer']} |",
                  flush=True)


if __name__ == "__main__":
    main()
