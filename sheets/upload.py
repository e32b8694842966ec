"""Read one sheet of an uploaded workbook with bounded memory and time, whatever the file.

An .xlsx is a zip of XML parts. A small upload can unpack to gigabytes (one cell of 1 GB
compresses to 1 MB), declare 200 000 rows each with one cell in column XFD, or hold 20 million
empty rows. So, before anything is parsed:

1. the file's size is checked (``max_file_bytes``);
2. every zip member's declared uncompressed size, the total, and the compression ratio of
   large members are checked; Python's ``zipfile`` never inflates a member beyond its
   declared size (it fails instead), so a lying header cannot get past this;
3. the sheet's declared ``<dimension>`` is checked against the row and column limits;

and while reading, rows are streamed one by one (``xml.etree.ElementTree.iterparse`` over the
member, each row dropped once read): a row number past ``max_sheet_rows``, a cell past
``max_cols``, more than ``max_data_rows`` non-blank rows, or a cell longer than
``max_cell_chars`` stops or flags the read with a located Vietnamese message. Openpyxl's own
read-only worksheet is not used for the rows because it pads every row to its last column
(a cell in XFD makes a row of 16 384 cells).

No Streamlit here. ``benchmarks/upload_bombs.py`` measures the bombs of the issue.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element, iterparse

from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries
from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from sheets import schema as S
from sheets.parse import ERROR, Problem, match_tab
from sheets.stores.base import Cell, Grid

MB = 1024 * 1024
SHARED_STRINGS = "sharedstrings.xml"


@dataclass(frozen=True)
class Limits:
    """What one upload may hold. A filled template of 5000 rows is a few hundred kB zipped and
    a few MB unzipped: every limit leaves it a wide margin."""

    max_file_bytes: int = 10 * MB
    max_members: int = 300
    max_member_bytes: int = 40 * MB  # any part, unzipped
    max_strings_bytes: int = 16 * MB  # the shared strings part, read whole by openpyxl
    max_total_bytes: int = 100 * MB
    max_ratio: float = 120.0  # unzipped / zipped, for parts larger than ``ratio_floor``
    ratio_floor: int = 1 * MB
    max_sheet_rows: int = 20_000  # row numbers (blank rows included)
    max_data_rows: int = 5_000  # non-blank rows under the header, as importer.MAX_ROWS
    max_cols: int = 200
    max_cell_chars: int = 32_767  # the smallest cell limit among the backends (SPEC 3.3)
    max_cell_problems: int = 50  # then the report says "and more"


DEFAULT = Limits()


class Refused(Exception):
    """The upload breaks a limit; ``problem`` says which, in Vietnamese."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _mb(n: float) -> str:
    if n < MB:
        return f"{max(1, round(n / 1024))} kB"
    return f"{n / MB:.1f}".replace(".", ",") + " MB"


def _n(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _refuse(filename: str, tab: str, message: str, fix: str, *, row: int | None = None,
            column: str | None = None, value: str = "") -> Refused:
    return Refused(Problem(ERROR, filename, tab, row, column, value, message, fix))


_SPLIT = "Chia danh sách thành nhiều tệp nhỏ hơn (tối đa 5.000 dòng mỗi tệp)."
_RESAVE = ("Chép các dòng dữ liệu sang một tệp mẫu mới tải từ ứng dụng, rồi tải lên tệp đó "
           "(tệp này có thể đã bị hỏng, hoặc được tạo ra để làm treo máy chủ).")


def check_archive(data: bytes, *, filename: str, tab: str, limits: Limits = DEFAULT) -> zipfile.ZipFile:
    """The upload as an open zip, after the size checks that need no parsing."""
    if len(data) > limits.max_file_bytes:
        raise _refuse(filename, tab, f"Tệp nặng {_mb(len(data))}, quá giới hạn {_mb(limits.max_file_bytes)} "
                      "cho một lần nhập.", _SPLIT + " Xóa các trang, hình ảnh không cần.", value=_mb(len(data)))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _refuse(filename, tab, "Không đọc được tệp: tệp không phải sổ tính Excel (.xlsx), hoặc đã bị hỏng.",
                      "Mở tệp bằng Excel hoặc Google Sheets rồi lưu lại dạng .xlsx (Excel Workbook).") from None
    if len(members) > limits.max_members:
        raise _refuse(filename, tab, f"Tệp gồm {_n(len(members))} phần nén bên trong, quá giới hạn "
                      f"{_n(limits.max_members)}: không giống một sổ tính bình thường.", _RESAVE)
    total = 0
    for m in members:
        total += m.file_size
        limit = limits.max_strings_bytes if m.filename.lower().endswith(SHARED_STRINGS) else limits.max_member_bytes
        if m.file_size > limit:
            raise _refuse(filename, tab, f"Khi giải nén, phần «{m.filename}» của tệp nặng {_mb(m.file_size)}, "
                          f"quá giới hạn {_mb(limit)}: tệp chứa quá nhiều dữ liệu.", _SPLIT + " " + _RESAVE,
                          value=_mb(m.file_size))
        if m.file_size > limits.ratio_floor and m.file_size > limits.max_ratio * max(m.compress_size, 1):
            ratio = m.file_size / max(m.compress_size, 1)
            raise _refuse(filename, tab, f"Phần «{m.filename}» của tệp giải nén ra lớn gấp {_n(int(ratio))} lần "
                          f"khi nén (giới hạn {_n(int(limits.max_ratio))} lần): tệp nén bất thường.", _RESAVE)
    if total > limits.max_total_bytes:
        raise _refuse(filename, tab, f"Khi giải nén, tệp nặng {_mb(total)}, quá giới hạn {_mb(limits.max_total_bytes)}.",
                      _SPLIT + " " + _RESAVE, value=_mb(total))
    return archive


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)\"")


def _declared_size(archive: zipfile.ZipFile, path: str) -> tuple[int, int] | None:
    """(rows, columns) from the sheet's ``<dimension>`` tag, read from its first bytes only."""
    with archive.open(path) as fh:
        head = fh.read(4096)
    m = _DIMENSION.search(head)
    if not m:
        return None
    ref = m.group(1).decode()
    try:
        if ":" not in ref:
            col, row = coordinate_from_string(ref)
            return row, column_index_from_string(col)
        _c0, _r0, c1, r1 = range_boundaries(ref)
    except ValueError:
        return None
    return int(r1 or 0), int(c1 or 0)


@dataclass
class _Sheet:
    """What reading one sheet needs (``ReadOnlyCell`` finds the styles through ``parent``).
    Openpyxl's ``ReadOnlyWorksheet`` is not made: making one parses the whole sheet when it
    has no ``<dimension>`` tag, before any limit could stop it."""

    parent: Any
    title: str
    _worksheet_path: str
    _shared_strings: list[str]


class _Reader(ExcelReader):  # type: ignore[misc]
    """The workbook's parts a sheet's cells need: manifest, shared strings, sheet list, styles."""

    def open(self) -> list[_Sheet]:
        self.read_manifest()
        self.read_strings()
        self.read_workbook()
        apply_stylesheet(self.archive, self.wb)
        return [_Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                for sheet, rel in self.parser.find_sheets()
                if rel.target in self.valid_files and "chartsheet" not in rel.Type]


def _choose_sheet(sheets: list[_Sheet], tab_name: str) -> _Sheet | None:
    from sheets.templates import LISTS_SHEET

    sheets = [ws for ws in sheets if ws.title != LISTS_SHEET]
    wanted = S.TABS[tab_name]
    for ws in sheets:
        if match_tab(ws.title) is wanted:
            return ws
    return sheets[0] if len(sheets) == 1 else None


def read_sheet(data: bytes, tab_name: str, *, filename: str = "tệp tải lên",
               limits: Limits = DEFAULT) -> tuple[Grid, str, list[Problem]]:
    """The grid of the sheet for ``tab_name`` (a single sheet is taken whatever its name).

    Returns ``(grid, sheet title, problems)``. When a limit is broken the grid is empty and
    the one problem says which; a cell that is too long is a located problem and the cell is
    read as blank, the rest of the sheet still read.
    """
    from sheets.stores.xlsx import _value

    try:
        archive = check_archive(data, filename=filename, tab=tab_name, limits=limits)
        reader = _Reader(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = reader.open()
        except Exception:  # a zip that is not a workbook, or a damaged one
            reader.archive.close()
            raise _refuse(filename, tab_name, "Không đọc được tệp: tệp không phải sổ tính Excel (.xlsx), hoặc đã "
                          "bị hỏng.", "Mở tệp bằng Excel hoặc Google Sheets rồi lưu lại dạng .xlsx.") from None
        try:
            ws = _choose_sheet(sheets, tab_name)
            if ws is None:
                names = ", ".join(w.title for w in sheets) or "không có trang nào"
                return [], "", [Problem(ERROR, filename, tab_name, None, None, "",
                                        f"Không có trang «{tab_name}» trong tệp ({names}).",
                                        f"Dùng tệp mẫu của trang {tab_name}, hoặc đổi tên trang trong tệp "
                                        f"thành «{tab_name}».")]
            size = _declared_size(archive, ws._worksheet_path)
            if size is not None and (size[0] > limits.max_sheet_rows or size[1] > limits.max_cols):
                raise _refuse(filename, ws.title,
                              f"Trang «{ws.title}» khai báo vùng dữ liệu tới dòng {_n(size[0])}, cột "
                              f"{get_column_letter(min(max(size[1], 1), 18278))}, quá giới hạn "
                              f"{_n(limits.max_sheet_rows)} dòng và {limits.max_cols} cột.",
                              "Xóa các dòng, cột thừa ở cuối trang (kể cả các ô trống đã định dạng), rồi lưu "
                              "lại; hoặc chép dữ liệu sang tệp mẫu mới. " + _SPLIT)
            grid, problems = _stream(archive, ws, filename, limits, _value)
            return grid, ws.title, problems
        finally:
            reader.archive.close()
    except Refused as exc:
        return [], "", [exc.problem]


_IS, _T, _R = f"{{{SHEET_MAIN_NS}}}is", f"{{{SHEET_MAIN_NS}}}t", f"{{{SHEET_MAIN_NS}}}r"


def _inline(el: Element, parser: WorkSheetParser) -> dict[str, Any]:
    """An inline-string cell, without openpyxl's slow rich-text objects (runs joined, phonetic
    guides left out, as openpyxl's ``Text.content`` does)."""
    ref = el.get("r")
    if ref:
        col_letters, row = coordinate_from_string(ref)
        parser.col_counter = column = column_index_from_string(col_letters)
    else:
        parser.col_counter += 1
        row, column = parser.row_counter, parser.col_counter
    parts: list[str] = []
    box = el.find(_IS)
    if box is not None:
        for child in box:
            if child.tag == _T:
                parts.append(child.text or "")
            elif child.tag == _R:
                t = child.find(_T)
                parts.append(t.text or "" if t is not None else "")
    value = "".join(parts) if box is not None else None
    return {"row": row, "column": column, "value": value, "data_type": "s", "style_id": int(el.get("s", 0) or 0)}


def _stream(archive: zipfile.ZipFile, ws: _Sheet, filename: str, limits: Limits,
            to_cell: Any) -> tuple[Grid, list[Problem]]:
    """Rows of the sheet, one at a time, each checked against the limits as it is read."""
    wb = ws.parent
    parser = WorkSheetParser(None, ws._shared_strings, data_only=True, epoch=wb.epoch,
                             date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
    title = ws.title
    grid: Grid = []
    problems: list[Problem] = []
    data_rows = 0
    row_cells: dict[int, Cell] = {}
    holder: Element | None = None  # sheetData: its finished rows are dropped as we go
    with archive.open(ws._worksheet_path) as src:
        for event, el in iterparse(src, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == ROW_TAG:
                    r = el.get("r")
                    parser.row_counter = int(r) if r and r.isdigit() else parser.row_counter + 1
                    parser.col_counter = 0
                    if parser.row_counter > limits.max_sheet_rows:
                        raise _refuse(filename, title, f"Trang «{title}» có dòng số {_n(parser.row_counter)}, "
                                      f"quá giới hạn {_n(limits.max_sheet_rows)} dòng.",
                                      "Xóa các dòng thừa ở cuối trang rồi lưu lại. " + _SPLIT,
                                      row=parser.row_counter)
                    row_cells = {}
                elif tag.endswith("}sheetData"):
                    holder = el
                continue
            if tag == CELL_TAG:
                cell = _inline(el, parser) if el.get("t") == "inlineStr" else parser.parse_cell(el)
                el.clear()
                col = int(cell["column"])
                if col > limits.max_cols:
                    raise _refuse(filename, title, f"Trang «{title}» có ô {get_column_letter(min(col, 18278))}"
                                  f"{cell['row']}, ngoài giới hạn {limits.max_cols} cột.",
                                  "Xóa các cột thừa ở bên phải bảng rồi lưu lại.", row=int(cell["row"]),
                                  column=get_column_letter(min(col, 18278)))
                value = cell["value"]
                if isinstance(value, str) and len(value) > limits.max_cell_chars:
                    if len(problems) < limits.max_cell_problems:
                        problems.append(Problem(
                            ERROR, filename, title, int(cell["row"]), get_column_letter(col),
                            value[:40] + "…", f"Ô dài {_n(len(value))} ký tự, quá giới hạn "
                            f"{_n(limits.max_cell_chars)} ký tự của một ô.", "Rút gọn nội dung ô này."))
                    continue
                if value is not None:
                    row_cells[col] = to_cell(ReadOnlyCell(ws, cell["row"], col, value, cell["data_type"],
                                                          cell["style_id"]))
            elif tag == ROW_TAG:
                el.clear()
                if holder is not None:
                    holder.clear()  # the rows read so far are not kept as elements
                cells = {c: v for c, v in row_cells.items() if v is not None and not (isinstance(v, str) and not v.strip())}
                if not cells:
                    continue
                r = parser.row_counter
                if grid:  # the header is row 1 of the grid; rows under it keep their number
                    data_rows += 1
                    if data_rows > limits.max_data_rows:
                        raise _refuse(filename, title, f"Trang «{title}» có hơn {_n(limits.max_data_rows)} dòng dữ "
                                      f"liệu, quá giới hạn của một lần nhập.", _SPLIT, row=r)
                while len(grid) < r - 1:
                    grid.append([])
                line: list[Cell] = [None] * max(cells)
                for c, v in cells.items():
                    line[c - 1] = v
                grid.append(line)
    return grid, problems
