"""The parse's fast paths (issue #17) give what the cell parsers give, cell by cell."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any

from sheets import cells
from sheets import schema as S
from sheets.parse import _memos, parse_columns

HEADER = [c.name for c in S.DON_VI.all_columns]
COL = {c.attr: i for i, c in enumerate(S.DON_VI.all_columns)}


def grid(rows: list[dict[str, Any]]) -> list[list[Any]]:
    out: list[list[Any]] = [list(HEADER)]
    for r in rows:
        line: list[Any] = [None] * len(HEADER)
        for attr, v in r.items():
            line[COL[attr]] = v
        out.append(line)
    return out


def one_by_one(attr: str, values: list[Any]) -> list[Any]:
    """Each value parsed alone, in a fresh parse with no memo."""
    out = []
    for v in values:
        _memos.clear()
        pc = parse_columns(S.DON_VI, grid([{"unit": "A", "name": "x", "level": S.LEVEL_PROVINCE, attr: v}]),
                           spreadsheet="s")
        out.append((pc.columns[attr][0] if pc.columns else None, [p.message for p in pc.problems]))
    return out


def together(attr: str, values: list[Any]) -> list[Any]:
    rows = [{"unit": "A", "name": "x", "level": S.LEVEL_PROVINCE, attr: v} for v in values]
    pc = parse_columns(S.DON_VI, grid(rows), spreadsheet="s")
    by_row: dict[int, list[str]] = {}
    for p in pc.problems:
        by_row.setdefault(p.row or 0, []).append(p.message)
    return [(v, by_row.get(r, [])) for v, r in zip(pc.columns[attr], pc.columns["_row"], strict=True)]


def test_text_column_nfc_fast_path_matches_parse_text() -> None:
    decomposed = unicodedata.normalize("NFD", "Công đoàn")
    values = ["  Công đoàn ", decomposed, "", "   ", None, "Công đoàn", "\u0301lead"]
    assert together("phone", values) == one_by_one("phone", values)
    got = together("phone", values)
    assert got[1][0] == "Công đoàn" and got[1][0] == cells.parse_text(decomposed)[0]


def test_mixed_types_keep_their_type_across_columns_and_calls() -> None:
    # 1, 1.0 and True are equal keys; a memo shared between columns must not mix them
    values: list[Any] = [1, 1.0, True, "1", 1, True, 2.5, None, "x"]
    first = together("members", values)
    second = together("members", values)  # warm memo
    assert first == second == one_by_one("members", values)
    assert [type(v) for v, _ in first] == [type(v) for v, _ in one_by_one("members", values)]


def test_dates_mixing_dates_datetimes_and_text() -> None:
    values: list[Any] = [date(2025, 1, 15), datetime(2025, 1, 15, 0, 0), "15/01/2025", 45672, 45672.0,
                         "32/01/2025", None, True]
    assert together("founded", values) == one_by_one("founded", values)
    assert together("founded", values) == one_by_one("founded", values)
