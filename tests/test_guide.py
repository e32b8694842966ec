"""docs/huong-dan-bang-tinh.md, the sheet contract for users (issue 18): generated from the schema,
committed as generated, and listing every tab and every column the app reads."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sheets import schema as S
from sheets import schema_docs as D
from sheets.guide import GUIDE_PATH, column_doc, render
from sheets.parse import parse_tab

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / GUIDE_PATH
BIN = Path(sys.executable).parent / "tdkt"
REGENERATE = ".venv/bin/tdkt guide --out docs/huong-dan-bang-tinh.md"


def test_committed_guide_is_the_generated_one() -> None:
    assert GUIDE.read_text(encoding="utf-8") == render(), f"the guide is stale: run {REGENERATE}"


def _sections(text: str) -> dict[str, str]:
    """Tab name -> its section, split on the committed file's `## NAME: title` headings."""
    parts = re.split(r"^## ", text, flags=re.MULTILINE)
    out: dict[str, str] = {}
    for part in parts[1:]:
        heading, _, body = part.partition("\n")
        name, sep, _ = heading.partition(":")
        if sep:
            out[name.strip()] = body
    return out


def _column_rows(section: str) -> list[tuple[str, str]]:
    """(header, whole row) of each line of the section's column table: rows whose first cell
    is a back-quoted header, possibly bold and starred."""
    rows = []
    for line in section.splitlines():
        m = re.match(r"\| (?:\*\*)?`([^`]+)`(?:\*\*)?(?:\\\*)? \|", line)
        if m:
            rows.append((m.group(1), line))
    return rows


def test_guide_lists_every_tab_and_every_column_in_order() -> None:
    sections = _sections(GUIDE.read_text(encoding="utf-8"))
    assert [name for name in sections if name in S.TABS] == [t.name for t in S.ALL_TABS]
    for tab in S.ALL_TABS:
        rows = _column_rows(sections[tab.name])
        table = [h for h, _ in rows if h not in S.ROLES]  # the NguoiDung roles table is separate
        assert table == tab.headers, tab.name
        for header, line in rows:
            if header in tab.headers:
                col = next(c for c in tab.all_columns if c.name == header)
                cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
                assert len(cells) == 4, line
                expected = "khóa, bắt buộc" if col.key else ("bắt buộc" if col.required else "")
                assert cells[1] == expected, (tab.name, header)
                assert cells[3], (tab.name, header)  # a meaning
                for value in col.enum:  # every accepted value of a list is spelled out
                    assert f"`{value}`" in cells[2], (tab.name, header, value)


def test_every_column_has_a_description_and_no_description_is_stale() -> None:
    missing = []
    for tab in S.ALL_TABS:
        if not D.TAB_DOCS.get(tab.name) or not D.TAB_DOCS[tab.name].purpose:
            missing.append(tab.name)
        for col in tab.all_columns:
            try:
                if not column_doc(tab, col).strip():
                    missing.append(f"{tab.name}.{col.name}")
            except KeyError:
                missing.append(f"{tab.name}.{col.name}")
    assert not missing, f"add to sheets/schema_docs.py: {missing}"
    stale = [key for key in D.COLUMN_DOCS if key[0] not in S.TABS or key[1] not in S.TABS[key[0]].headers]
    stale += [name for name in D.TAB_DOCS if name not in S.TABS]
    stale += [name for name in D.AUDIT_DOCS if name not in {c.name for c in S.AUDIT_COLUMNS}]
    assert not stale, f"no longer in sheets/schema.py: {stale}"
    assert set(D.ROLE_DOCS) == set(S.ROLES)


@pytest.mark.parametrize("tab", S.ALL_TABS, ids=[t.name for t in S.ALL_TABS])
def test_example_row_is_read_without_a_problem(tab: S.Tab) -> None:
    example = D.EXAMPLES[tab.name]
    assert list(example) == [c.name for c in tab.columns]  # one value per column, in sheet order
    for col in tab.columns:
        if col.required:
            assert example[col.name].strip(), f"{tab.name}.{col.name} is required"
    parsed = parse_tab(tab, [list(example), list(example.values())], spreadsheet="vi-du")
    assert parsed.problems == []
    assert len(parsed.frame) == 1
    row = parsed.frame.iloc[0]
    for col in tab.columns:  # every value typed was taken, none turned blank
        if example[col.name] and col.kind is not S.Kind.YESNO:
            assert not pd.isna(row[col.attr]), (tab.name, col.name)


def test_example_rows_name_units_and_records_that_exist() -> None:
    units = {D.EXAMPLES["DonVi"]["Mã đơn vị"], D.EXAMPLES["DonVi"]["Mã đơn vị cấp trên"], "BK"}
    for name, example in D.EXAMPLES.items():
        for header in ("Mã đơn vị", "Đơn vị nhắc"):
            if example.get(header):
                assert example[header] in units, (name, header)
    assert D.EXAMPLES["DiemDanh"]["Mã khóa"] == D.EXAMPLES["KhoaHoc"]["Mã khóa"]
    assert D.EXAMPLES["DiemDanh"]["Mã cán bộ"] == D.EXAMPLES["CanBo"]["Mã cán bộ"]
    assert D.EXAMPLES["HoSoDanhSach"]["Mã hồ sơ"] == D.EXAMPLES["HoSo"]["Mã hồ sơ"]
    assert D.EXAMPLES["KhenThuong"]["Mã phong trào"] == D.EXAMPLES["PhongTrao"]["Mã phong trào"]


def test_cli_prints_and_writes_the_guide(tmp_path: Path) -> None:
    out = subprocess.run([str(BIN), "guide"], capture_output=True, text=True, check=True)
    assert out.stdout == render()
    target = tmp_path / "docs" / "huong-dan.md"
    done = subprocess.run([str(BIN), "guide", "--out", str(target)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8") == render()


def test_readme_links_the_guide_and_names_every_role() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# TĐKT tracker\n\n```bash\nmake run")  # still opens with the two commands
    assert "make test" in readme.split("```")[1]
    assert "(docs/huong-dan-bang-tinh.md)" in readme
    assert "../shared/SPEC.md" not in readme  # a clone does not have it
    for role in S.ROLES:
        assert f"`{role}`" in readme, role
    for column in S.NGUOI_DUNG.columns:
        assert f"`{column.name}`" in readme, column.name
    assert "## Ngày đầu tiên" in readme and "tdkt template" in readme and "[auth]" in readme
