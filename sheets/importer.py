"""Import rows from an uploaded workbook or pasted cells: check everything, then write all or nothing.

``read_xlsx`` turns an uploaded .xlsx (a template filled in offline) into a grid of typed
cells; ``grid_from_text`` does the same for cells pasted from a spreadsheet (tab-separated).
``check`` validates every row with the reading parser and with the write door's own checks
(role, subtree, known codes) *without writing*, and returns a row-by-row list of problems.
``write`` then appends every row in one call of the door, so one upload is one write with one
``Mã lần ghi``: a retry is never doubled, and nothing is written while any row has an error.

No Streamlit here; ``views/nhap_lieu.py`` draws the report.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sheets import cells, upload
from sheets import schema as S
from sheets.errors import PermissionDenied, TdktError, ValidationError
from sheets.load import Dataset
from sheets.parse import ERROR, SEVERITY_VI, WARNING, Problem, parse_tab
from sheets.stores.base import Cell, Grid
from sheets.text import fold
from sheets.write import WriteResult, actor_for, append, can_write_tab, record_owners

log = logging.getLogger(__name__)

MAX_ROWS = 5000  # one upload; larger lists are split by the user
# The door stamps these itself; what an upload carries there is dropped, not checked.
STAMPED = ("stamp", "author", "write_id")

REPORT_COLUMNS = {
    "row": "Dòng",
    "severity": "Mức",
    "column": "Cột",
    "value": "Giá trị đã nhập",
    "message": "Vấn đề",
    "fix": "Cách sửa",
}


@dataclass
class ImportCheck:
    """What checking an upload found. ``rows`` are raw cells keyed by column header,
    exactly what ``write`` hands to the door; ``lines`` are their row numbers as typed."""

    tab: S.Tab
    source: str
    rows: list[dict[str, Cell]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        """Every row is valid (warnings allowed) and there is something to write."""
        return bool(self.rows) and not self.errors

    @property
    def bad_lines(self) -> list[int]:
        return sorted({p.row for p in self.errors if p.row is not None})

    def report(self) -> pd.DataFrame:
        """The problems row by row, in Vietnamese, errors first within a row."""
        recs = [p.as_dict() for p in self.problems]
        frame = pd.DataFrame(recs, columns=["row", "severity", "column", "value", "message", "fix"])
        if len(frame):
            frame["_order"] = frame["severity"].map({ERROR: 0, WARNING: 1})
            frame = frame.sort_values(["row", "_order"], na_position="first", kind="mergesort")
            frame = frame.drop(columns="_order")
            frame["severity"] = frame["severity"].map(SEVERITY_VI)
            frame["row"] = frame["row"].astype("Int64")
        return frame.rename(columns=REPORT_COLUMNS).reset_index(drop=True)


# --- reading ------------------------------------------------------------------------------
def _problem(source: str, tab: str, row: int | None, column: str | None, value: str, message: str,
             fix: str, severity: str = ERROR) -> Problem:
    return Problem(severity, source, tab, row, column, value, message, fix)


def read_xlsx(data: bytes, tab_name: str, *, filename: str = "tệp tải lên",
              limits: upload.Limits = upload.DEFAULT) -> tuple[Grid, str, list[Problem]]:
    """The grid of the sheet for ``tab_name`` in an uploaded workbook, read within ``limits``
    (``sheets.upload``: sizes checked before parsing, rows streamed).

    Returns ``(grid, sheet title, problems)``; the grid is empty when the file cannot be
    read, breaks a limit or has no such sheet (the problems say why). A workbook with a
    single sheet is taken whatever its name.
    """
    try:
        return upload.read_sheet(data, tab_name, filename=filename, limits=limits)
    except Exception as exc:  # whatever else a hostile file does: a message, never a traceback
        return [], "", [_problem(filename, tab_name, None, None, "",
                                 f"Không đọc được tệp ({type(exc).__name__}). Tệp phải là sổ tính Excel (.xlsx).",
                                 "Mở tệp bằng Excel hoặc Google Sheets rồi lưu lại dạng .xlsx.")]


def grid_from_text(text: str, tab_name: str, *, columns: Sequence[str]) -> tuple[Grid, int]:
    """Cells pasted from a spreadsheet (tab-separated, quoted the way Excel and Google Sheets
    copy them). When the first line names columns of the tab it is the header; otherwise the
    lines are read in the order ``columns``. Returns ``(grid, first_row)``: the header's row
    number, so that problems name the pasted line (1 = the first line pasted)."""
    tab = S.TABS[tab_name]
    lines = [r for r in csv.reader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")), delimiter="\t")]
    while lines and not any(c.strip() for c in lines[-1]):
        lines.pop()
    if not lines:
        return [], 1
    known = {fold(c.name) for c in tab.all_columns}
    first = [fold(c) for c in lines[0] if c.strip()]
    if first and sum(1 for c in first if c in known) * 2 >= len(first):
        return [list(r) for r in lines], 1
    width = len(columns)
    out: Grid = [list(columns)]
    out.extend(list(r[:width]) for r in lines)
    return out, 0


def with_values(grid: Grid, values: Mapping[str, Any], *, only_blank: bool = False) -> Grid:
    """Set columns (by header) on every data row: the fields a whole decision shares."""
    if not grid:
        return grid
    header = list(grid[0])
    pos = {fold(str(h)): i for i, h in enumerate(header) if h is not None}
    for name in values:
        if fold(name) not in pos:
            header.append(name)
            pos[fold(name)] = len(header) - 1
    out: Grid = [header]
    for r in grid[1:]:
        line = list(r) + [None] * (len(header) - len(r))
        if any(not cells.is_blank(v) for v in r):
            for name, v in values.items():
                i = pos[fold(name)]
                if not only_blank or cells.is_blank(line[i]):
                    line[i] = v
        out.append(line)
    return out


def award_code(*parts: object) -> str:
    """A stable ``Mã khen thưởng`` made from what identifies an award (decision, person,
    unit, form): typing the same award twice makes two versions of one record, not two."""
    text = "|".join(fold(str(p)) if p is not None else "" for p in parts)
    return "KT" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10].upper()


def fill_award_codes(grid: Grid) -> Grid:
    """Give every award row without a ``Mã khen thưởng`` its stable code."""
    if not grid:
        return grid
    grid = with_values(grid, {"Mã khen thưởng": None}, only_blank=True)
    pos = {fold(str(h)): i for i, h in enumerate(grid[0]) if h is not None}

    def cell(r: list[Cell], name: str) -> Cell:
        i = pos.get(fold(name))
        return r[i] if i is not None and i < len(r) else None

    code_i = pos[fold("Mã khen thưởng")]
    for r in grid[1:]:
        if any(not cells.is_blank(v) for v in r) and cells.is_blank(r[code_i]):
            r[code_i] = award_code(cell(r, "Số quyết định"), cells.parse_date(cell(r, "Ngày quyết định"))[0],
                                   cell(r, "Tên người hoặc tập thể"), cells.parse_code(cell(r, "Mã đơn vị"))[0],
                                   cell(r, "Hình thức"))
    return grid


# --- checking ---------------------------------------------------------------------------
class _DryRun:
    """A store that accepts an append and keeps nothing: runs the door's checks only."""

    label = "(kiểm tra)"

    def __init__(self, registry: str) -> None:
        self.registry = registry
        self.appended = 0

    def append_rows(self, sheet: str, tab: str, header: list[str], rows: Grid) -> None:
        self.appended += len(rows)

    def has_write_id(self, sheet: str, tab: str, write_id: str) -> bool:
        return False

    def invalidate(self, sheet: str | None = None) -> None:
        return None


def _rows_of(tab: S.Tab, grid: Grid, first_row: int) -> tuple[list[dict[str, Cell]], list[int]]:
    """Raw cells of every non-blank row keyed by the tab's headers, and their row numbers."""
    by_fold = {fold(c.name): c for c in tab.all_columns}
    positions: dict[str, int] = {}
    for i, h in enumerate(grid[0]):
        if cells.is_blank(h):
            continue
        col = by_fold.get(fold(str(h)))
        if col is not None and col.name not in positions:
            positions[col.name] = i
    rows: list[dict[str, Cell]] = []
    lines: list[int] = []
    for n, r in enumerate(grid[1:]):
        if not any(not cells.is_blank(v) for v in r):
            continue
        rows.append({name: (r[i] if i < len(r) else None) for name, i in positions.items()})
        lines.append(first_row + 1 + n)
    return rows, lines


def check(
    ds: Dataset, tab_name: str, grid: Sequence[Sequence[Any]], actor: str, *, source: str = "tệp tải lên", first_row: int = 1,
    sheet_title: str | None = None,
) -> ImportCheck:
    """Validate every row as the door would, write nothing, and say what is wrong row by row.

    ``first_row`` is the row number of ``grid[0]`` (the header) as the user sees it. Whatever
    a hostile cell does, the answer is a report, never an exception.
    """
    try:
        return _check(ds, tab_name, grid, actor, source=source, first_row=first_row, sheet_title=sheet_title)
    except Exception as exc:  # a value no reader foresaw: say so, keep the details in the log
        log.exception("import check failed")
        result = ImportCheck(S.TABS[tab_name], source)
        result.problems.append(_problem(
            source, sheet_title or tab_name, None, None, "",
            f"Không kiểm tra được tệp: có ô chứa giá trị bất thường ({type(exc).__name__}).",
            "Kiểm tra các ô số và ngày (số quá dài, ngày sai dạng), sửa rồi tải lên lại."))
        return result


def _check(
    ds: Dataset, tab_name: str, grid: Sequence[Sequence[Any]], actor: str, *, source: str, first_row: int,
    sheet_title: str | None,
) -> ImportCheck:
    tab = S.TABS[tab_name]
    label = sheet_title or tab.name
    result = ImportCheck(tab, source)
    if not grid or not any(not cells.is_blank(v) for v in grid[0]):
        result.problems.append(_problem(source, label, None, None, "", "Tệp không có dữ liệu.",
                                        f"Điền dữ liệu vào mẫu của trang {tab.name}, dòng 1 là tiêu đề."))
        return result
    # who may write this tab at all: one answer for the whole file
    try:
        user = actor_for(ds, actor)
    except PermissionDenied as exc:
        result.problems.append(_problem(source, label, None, None, actor, str(exc), "Liên hệ quản trị viên."))
        return result
    if not can_write_tab(user, tab.name):
        result.problems.append(_problem(source, label, None, None, "",
                                        f"Vai trò «{user.role}» không được ghi vào trang {tab.name}.",
                                        "Chọn trang dữ liệu mà vai trò của bạn được ghi."))
        return result
    # the door stamps the audit columns itself: drop what the file carries there
    stamped = {fold(tab.column(a).name) for a in STAMPED}
    work: Grid = [list(grid[0])] + [  # a copy: the caller's grid is left as it was
        [None if j < len(grid[0]) and grid[0][j] is not None and fold(str(grid[0][j])) in stamped else v
         for j, v in enumerate(r)]
        for r in grid[1:]
    ]
    data_lines = sum(1 for r in work[1:] if any(not cells.is_blank(v) for v in r))
    if data_lines > MAX_ROWS:
        result.problems.append(_problem(source, label, None, None, str(data_lines),
                                        f"Tệp có {data_lines} dòng, quá {MAX_ROWS} dòng cho một lần nhập.",
                                        "Chia thành nhiều tệp nhỏ hơn."))
        return result
    named = _codes_for_names(ds, tab, work, result, first_row, label)
    _propose_codes(tab, work, result, first_row, label)
    parsed = parse_tab(tab, work, spreadsheet=source, tab_name=label, first_row=first_row)
    result.problems.extend(parsed.problems)
    if parsed.skipped:
        return result
    result.rows, result.lines = _rows_of(tab, work, first_row)
    if not result.rows:
        result.problems.append(_problem(source, label, None, None, "", "Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu.",
                                        "Điền dữ liệu từ dòng 2."))
        return result

    _row_checks(ds, tab, user, parsed.frame, result, named, label)
    # the door itself, on a store that keeps nothing, for the rows nothing is wrong with yet:
    # whatever it refuses is refused here too, in the same report
    bad = set(result.bad_lines)
    good = [(raw, line) for raw, line in zip(result.rows, result.lines, strict=True) if line not in bad]
    if not good:
        return result
    try:
        append(_DryRun(ds.registry), tab.name, [raw for raw, _ in good], actor, dataset=ds,  # type: ignore[arg-type]
               write_id="DRYRUN")
    except ValidationError as exc:
        for p in exc.problems:
            at = good[p.row - 2][1] if p.row is not None and 0 <= p.row - 2 < len(good) else None
            result.problems.append(Problem(p.severity, source, label, at, p.column, p.value, p.message, p.fix))
        if not exc.problems:
            result.problems.append(_problem(source, label, None, None, "", str(exc), "Kiểm tra lại các dòng."))
    except TdktError as exc:
        result.problems.append(_problem(source, label, None, None, "", str(exc), "Kiểm tra lại các dòng."))
    return result


def _header_index(grid: Grid, name: str) -> int | None:
    for i, h in enumerate(grid[0]):
        if h is not None and fold(str(h)) == fold(name):
            return i
    return None


def _codes_for_names(ds: Dataset, tab: S.Tab, grid: Grid, result: ImportCheck, first_row: int,
                     label: str) -> set[int]:
    """Where a unit's code is asked and its name was typed, put the code in (a warning shows
    which). Returns the lines whose name matched several units (already reported)."""
    wanted = [tab.column(tab.unit_attr).name] if tab.unit_attr and tab.name != "DonVi" else []
    if tab.name == "DonVi":
        wanted = ["Mã đơn vị cấp trên"]
    units = ds.frames["DonVi"]
    by_name: dict[str, list[str]] = {}
    for code, name in zip(units["unit"], units["name"], strict=True):
        if isinstance(name, str):
            by_name.setdefault(fold(name), []).append(str(code))
    ambiguous: set[int] = set()
    for col_name in wanted:
        i = _header_index(grid, col_name)
        if i is None:
            continue
        for n, r in enumerate(grid[1:]):
            if i >= len(r) or cells.is_blank(r[i]):
                continue
            code = cells.parse_code(r[i])[0]
            if code is None or code in ds.tree:
                continue
            typed = str(r[i]).strip()
            hits = by_name.get(fold(typed))
            if not hits:  # "Ba Bể" for "LĐLĐ huyện Ba Bể"
                tail = " " + fold(typed)
                hits = sorted({c for k, cs in by_name.items() if k.endswith(tail) for c in cs})
            line = first_row + 1 + n
            if len(hits) == 1:
                r[i] = hits[0]
                result.problems.append(_problem(
                    result.source, label, line, col_name, typed,
                    f"«{typed}» là tên đơn vị: đã hiểu là mã {hits[0]} ({ds.tree.name(hits[0])}).",
                    f"Có thể ghi thẳng mã {hits[0]} vào cột «{col_name}».", WARNING))
            elif hits:
                ambiguous.add(line)
                result.problems.append(_problem(
                    result.source, label, line, col_name, typed,
                    f"«{typed}» trùng tên với {len(hits)} đơn vị (mã {', '.join(hits[:6])}).",
                    f"Ghi mã đơn vị vào cột «{col_name}» thay cho tên."))
    return ambiguous


CODE_PREFIX = {"PhongTrao": "PT", "CanBo": "CB", "KhoaHoc": "KH", "DienHinh": "DH", "NhacViec": "NV"}


def proposed_code(tab_name: str, values: Sequence[Cell]) -> str:
    """A stable code for a row typed without one: the same row gives the same code, so an
    import sent again makes a new version of the same record, never a second record."""
    text = "|".join(fold(str(v)) for v in values if not cells.is_blank(v))
    return f"{CODE_PREFIX[tab_name]}-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8].upper()


def _propose_codes(tab: S.Tab, grid: Grid, result: ImportCheck, first_row: int, label: str) -> None:
    """Fill the record code of rows that left it blank, and say which code each got."""
    if tab.name != "KhenThuong" and tab.name not in CODE_PREFIX:
        return
    key = tab.column(tab.key_attrs[0]).name
    if _header_index(grid, key) is None:
        grid[0].append(key)
    i = _header_index(grid, key)
    assert i is not None
    pos = {fold(str(h)): j for j, h in enumerate(grid[0]) if h is not None}

    def cell(r: list[Cell], name: str) -> Cell:
        j = pos.get(fold(name))
        return r[j] if j is not None and j < len(r) else None

    for n, r in enumerate(grid[1:]):
        if not any(not cells.is_blank(v) for v in r) or (i < len(r) and not cells.is_blank(r[i])):
            continue
        if tab.name == "KhenThuong":
            code = award_code(cell(r, "Số quyết định"), cells.parse_date(cell(r, "Ngày quyết định"))[0],
                              cell(r, "Tên người hoặc tập thể"), cells.parse_code(cell(r, "Mã đơn vị"))[0],
                              cell(r, "Hình thức"))
        else:
            code = proposed_code(tab.name, r)
        r.extend([None] * (i + 1 - len(r)))
        r[i] = code
        result.problems.append(_problem(result.source, label, first_row + 1 + n, key, "",
                                        f"Để trống mã: ứng dụng đặt mã {code}.",
                                        "Không cần làm gì; muốn mã khác thì ghi mã vào cột này.", WARNING))


def _row_checks(ds: Dataset, tab: S.Tab, user: Any, frame: pd.DataFrame, result: ImportCheck,
                skip_unit: set[int], label: str) -> None:
    """What the door checks row by row (codes that must exist, the user's subtree, records of
    other units), on every row of the file, every problem of each row reported."""
    source = result.source
    allowed = ds.tree.subtree(user.unit) if user.role != S.ROLE_ADMIN else None
    officers = set(ds.versions["CanBo"]["officer"])
    unit_col = tab.column(tab.unit_attr).name if tab.unit_attr else "Mã khóa"
    owners = record_owners(ds, tab) if allowed is not None else {}
    parsed = {int(line): row for line, (_, row) in zip(frame["_row"], frame.iterrows(), strict=True)}
    seen: dict[tuple[Any, ...], int] = {}
    key_cols = [tab.column(a).name for a in tab.key_attrs]
    for raw, line in zip(result.rows, result.lines, strict=True):
        row = parsed.get(line)
        if row is not None:
            key = tuple(row[a] for a in tab.key_attrs)
            if key in seen:
                result.problems.append(_problem(
                    source, label, line, key_cols[0], " / ".join(str(k) for k in key),
                    f"Trùng mã với dòng {seen[key]} trong cùng tệp; dòng dưới là phiên bản mới hơn.",
                    "Xóa một trong hai dòng nếu nhập trùng.", WARNING))
            seen[key] = line
            if tab.name == "KhenThuong" and row["subject"] == S.SUBJECT_PERSON and row["group"] is None:
                result.problems.append(_problem(
                    source, label, line, "Nhóm đối tượng", "",
                    "Khen thưởng cá nhân chưa ghi nhóm đối tượng; được tính vào mẫu số T3, không vào tử số.",
                    "Chọn nhóm đối tượng: " + "; ".join(S.GROUPS) + ".", WARNING))
        if tab.registry_only:
            parent = cells.parse_code(raw.get("Mã đơn vị cấp trên"))[0] if tab.name == "DonVi" else None
            if parent is not None and parent not in ds.tree and line not in skip_unit:
                result.problems.append(_problem(source, label, line, "Mã đơn vị cấp trên", parent,
                                                "Đơn vị cấp trên không có trong danh sách đơn vị (DonVi).",
                                                "Chọn đơn vị cấp trên đã có."))
            continue
        if tab.name == "DiemDanh":
            course = cells.parse_code(raw.get("Mã khóa"))[0]
            officer = cells.parse_code(raw.get("Mã cán bộ"))[0]
            unit = _course_unit(ds, course)
            if course is not None and unit is None:
                result.problems.append(_problem(source, label, line, "Mã khóa", course,
                                                "Mã khóa không có trong danh sách khóa tập huấn (KhoaHoc).",
                                                "Nhập mã một khóa tập huấn đã có."))
            if officer is not None and officer not in officers:
                result.problems.append(_problem(source, label, line, "Mã cán bộ", officer,
                                                "Mã cán bộ không có trong danh sách cán bộ (CanBo).",
                                                "Nhập mã một cán bộ đã có."))
            if unit is None:
                continue
        else:
            unit = cells.parse_code(raw.get(unit_col))[0]
            if unit is None or line in skip_unit:
                continue  # blank: the parser has said so
            if unit not in ds.tree:
                result.problems.append(_problem(source, label, line, unit_col, unit,
                                                "Mã đơn vị không có trong danh sách đơn vị (DonVi).",
                                                "Nhập mã (hoặc tên) một đơn vị đã có."))
                continue
        if allowed is not None and unit not in allowed:
            result.problems.append(_problem(
                source, label, line, unit_col, unit,
                f"Đơn vị «{unit}» ({ds.tree.name(unit)}) nằm ngoài phạm vi của bạn: chỉ được ghi cho "
                f"{ds.tree.name(user.unit)} và các đơn vị trực thuộc.",
                "Xóa dòng này, hoặc nhờ đơn vị đó (hoặc cấp trên của nó) tự nhập."))
        if allowed is not None and len(tab.key_attrs) == 1:
            code = cells.parse_code(raw.get(key_cols[0]))[0]
            owner = owners.get((code,))
            if owner is not None and owner not in allowed:
                result.problems.append(_problem(
                    source, label, line, key_cols[0], str(code),
                    f"Mã này đã là bản ghi của {ds.tree.name(owner)}, ngoài phạm vi của bạn; không ghi đè được.",
                    "Dùng một mã khác cho bản ghi mới (hoặc để trống để ứng dụng tự đặt mã)."))


def _course_unit(ds: Dataset, course: str | None) -> str | None:
    if course is None:
        return None
    courses = ds.versions["KhoaHoc"]
    hit = courses[(courses["course"] == course) & courses["_winner"]]
    return str(hit["unit"].iloc[0]) if len(hit) else None


def write(store: Any, ds: Dataset, checked: ImportCheck, actor: str, *, write_id: str | None = None) -> WriteResult:
    """Append every checked row in one call of the door (one ``Mã lần ghi``).

    Refuses when the check found an error: all or nothing, per upload.
    """
    if not checked.ok:
        raise ValidationError(
            f"Có {len(checked.bad_lines) or len(checked.errors)} dòng có lỗi; chưa ghi dòng nào.", checked.errors
        )
    return append(store, checked.tab.name, checked.rows, actor, dataset=ds, write_id=write_id)


def rows_hash(rows: Sequence[Mapping[str, Any]]) -> str:
    """A fingerprint of rows offered for writing (same rows, same retry id)."""
    text = repr([sorted((str(k), repr(v)) for k, v in r.items()) for r in rows])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()

