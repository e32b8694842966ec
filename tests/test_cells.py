"""Every reading rule of SPEC 3.1 and 3.3, one case per variant, plus a never-raises property."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets import cells
from sheets.parse import match_tab
from sheets.schema import GROUPS, SUBJECTS
from sheets.text import fold

YES = ["Có", "có", "C", "x", "X", "✓", "✔", "Yes", "Y", "True", "1", "Đã", "co", "CO", " có ", "da"]
NO = ["Không", "K", "No", "N", "False", "0", "Chưa", "", "khong", "KHONG", "chua", None]


@pytest.mark.parametrize("text", YES)
def test_yes_variants(text: str) -> None:
    assert cells.parse_yesno(text) == (True, None)


@pytest.mark.parametrize("text", NO)
def test_no_variants(text: str | None) -> None:
    assert cells.parse_yesno(text) == (False, None)


@pytest.mark.parametrize("value", ["có lẽ", "2", "maybe", 2, 0.5])
def test_other_yesno_is_warning_counting_as_no(value: object) -> None:
    v, problem = cells.parse_yesno(value)
    assert v is False and problem is not None


def test_typed_yesno_cells() -> None:
    assert cells.parse_yesno(True) == (True, None)
    assert cells.parse_yesno(False) == (False, None)
    assert cells.parse_yesno(1) == (True, None)
    assert cells.parse_yesno(0.0) == (False, None)


@pytest.mark.parametrize(
    "text",
    ["15/01/2020", "15/1/2020", "15-01-2020", "15.01.2020", "2020-01-15", "43845", 43845, 43845.0, "43845,0"],
)
def test_date_variants(text: object) -> None:
    assert cells.parse_date(text) == (date(2020, 1, 15), None)


def test_date_day_first_and_native_cells() -> None:
    assert cells.parse_date("5/3/2025")[0] == date(2025, 3, 5)  # 5 March, never May 3
    assert cells.parse_date(datetime(2025, 3, 5, 10, 30))[0] == date(2025, 3, 5)
    assert cells.parse_date(date(2025, 3, 5))[0] == date(2025, 3, 5)
    assert cells.parse_date(45000.75)[0] == date(2023, 3, 15)  # the fraction is the time of day


@pytest.mark.parametrize(
    "text",
    ["15/01/20", "32/01/2020", "15/13/2020", "15/01-2020", "Jan 15 2020", "hôm qua", "100", 36525, 73416, True],
)
def test_bad_dates_are_errors(text: object) -> None:
    v, problem = cells.parse_date(text)
    assert v is None and problem


def test_two_digit_year_message() -> None:
    assert "bốn chữ số" in (cells.parse_date("15/01/20")[1] or "")


def test_serial_range_bounds() -> None:
    assert cells.parse_date(36526)[0] == date(2000, 1, 1)
    assert cells.parse_date(73415)[0] == date(2100, 12, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-12-28T10:15:00", datetime(2025, 12, 28, 10, 15)),
        ("2025-12-28 10:15", datetime(2025, 12, 28, 10, 15)),
        ("28/12/2025 10:15", datetime(2025, 12, 28, 10, 15)),
        ("28/12/2025 10:15:30", datetime(2025, 12, 28, 10, 15, 30)),
        ("2025-12-28T10:15:00+07:00", datetime(2025, 12, 28, 10, 15)),
        ("2025-12-28T03:15:00Z", datetime(2025, 12, 28, 10, 15)),  # converted to Vietnam time
        ("28/12/2025", datetime(2025, 12, 28)),
        (46019.5, datetime(2025, 12, 28, 12, 0)),
    ],
)
def test_datetime_variants(text: object, expected: datetime) -> None:
    assert cells.parse_datetime(text) == (expected, None)


def test_aware_datetime_cell_is_vietnam_time() -> None:
    utc = datetime(2025, 12, 31, 20, 0, tzinfo=UTC)
    assert cells.parse_datetime(utc)[0] == datetime(2026, 1, 1, 3, 0)
    aware = datetime(2025, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=7)))
    assert cells.parse_datetime(aware)[0] == datetime(2025, 1, 1, 9, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234.567", 1234567),
        ("1 234 567", 1234567),
        ("1\u00a0234\u00a0567", 1234567),
        ("1234567", 1234567),
        ("1.234.567 đ", 1234567),
        ("1.234.567 VNĐ", 1234567),
        ("1.234.567đ", 1234567),
        ("0,85", 0.85),
        ("2.5", 2.5),
        ("1.234", 1234),
        ("1.234,5", 1234.5),
        ("12.3456", 12.3456),
        ("-1.000", -1000),
        (1234567, 1234567),
        (2.5, 2.5),
    ],
)
def test_numbers(text: object, expected: float) -> None:
    assert cells.parse_number(text) == (expected, None)


@pytest.mark.parametrize("text", ["abc", "1,2,3", "1.23.4.5", "1.2.3", "12 abc", True])
def test_bad_numbers(text: object) -> None:
    v, problem = cells.parse_number(text)
    assert v is None and problem


def test_int_rejects_fraction() -> None:
    assert cells.parse_int("2.5")[0] is None
    assert cells.parse_int("2.500") == (2500, None)
    assert cells.parse_nonneg_int("-3")[1] is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("85", 85.0), ("85%", 85.0), ("85 %", 85.0), ("0,85", 85.0), (0.85, 85.0), ("1", 100.0), (1, 100.0),
     ("1%", 1.0), ("100", 100.0), ("15,5 %", 15.5), ("0", 0.0)],
)
def test_percent_thresholds(text: object, expected: float) -> None:
    assert cells.parse_percent(text) == (expected, None)


def test_bad_percent() -> None:
    assert cells.parse_percent("nhiều")[1] is not None
    assert cells.parse_percent("-5")[1] is not None


def test_codes_trimmed_upper_nfc() -> None:
    decomposed = "đv\u0301"  # combining accent, not NFC
    assert cells.parse_code(" babe ") == ("BABE", None)
    assert cells.parse_code(101) == ("101", None)
    assert cells.parse_code(101.0) == ("101", None)
    assert cells.parse_code(decomposed)[0] == "ĐV́".upper()


def test_text_is_nfc_and_trimmed() -> None:
    nfd = "Co\u0302ng đoàn"  # "Công" decomposed
    assert cells.parse_text("  " + nfd + " ")[0] == "Công đoàn"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Ca nhan", "Cá nhân"), ("CÁ NHÂN", "Cá nhân"), ("tap the", "Tập thể"), ("  Cá   nhân ", "Cá nhân")],
)
def test_enums_without_diacritics(text: str, expected: str) -> None:
    assert cells.parse_enum(text, cells.enum_matcher(SUBJECTS)) == (expected, None)


def test_enum_d_stroke_and_commas() -> None:
    table = cells.enum_matcher(GROUPS)
    assert cells.parse_enum("cong nhan, lao dong truc tiep", table)[0] == GROUPS[0]
    assert cells.parse_enum("Lanh dao, quan ly", table)[0] == "Lãnh đạo, quản lý"
    assert cells.parse_enum("giám đốc", table) == (None, "không thuộc danh mục")


def test_channels() -> None:
    from sheets.schema import CHANNELS

    table = cells.enum_matcher(CHANNELS)
    assert cells.parse_channels("Website LĐLĐ tỉnh, facebook,ZALO", table) == (
        "Website LĐLĐ tỉnh, Facebook, Zalo",
        None,
    )
    value, problem = cells.parse_channels("Zalo, TikTok", table)
    assert value == "Zalo" and problem and "TikTok" in problem


@pytest.mark.parametrize("header", ["Mã đơn vị", "Ma don vi", "MA DON VI", " mã  đơn vị ", "Mã đơn vị"])
def test_headers_fold(header: str) -> None:
    assert fold(header) == fold("Mã đơn vị")


@pytest.mark.parametrize("name", ["KeHoach", "kehoach", " KEHOACH ", "KeHoạch"])
def test_tab_names_lenient(name: str) -> None:
    t = match_tab(name)
    assert t is not None and t.name == "KeHoach"


def test_email() -> None:
    assert cells.parse_email(" Ten@CongDoan.VN ") == ("ten@congdoan.vn", None)
    assert cells.parse_email("không có")[1] is not None


anything = st.one_of(
    st.text(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.datetimes(),
    st.dates(),
    st.from_regex(r"\d{1,3}([./\- ]\d{1,4}){0,3}( ?(đ|VNĐ|%))?", fullmatch=True),
)
PARSERS = [
    cells.parse_text,
    cells.parse_code,
    cells.parse_email,
    cells.parse_yesno,
    cells.parse_number,
    cells.parse_int,
    cells.parse_nonneg_int,
    cells.parse_percent,
    cells.parse_date,
    cells.parse_datetime,
    lambda v: cells.parse_enum(v, cells.enum_matcher(GROUPS)),
    lambda v: cells.parse_channels(v, cells.enum_matcher(GROUPS)),
]


@settings(max_examples=400, deadline=None)
@given(value=anything)
def test_parsers_never_raise(value: object) -> None:
    for parse in PARSERS:
        result = parse(value)
        assert isinstance(result, tuple) and len(result) == 2
        assert result[1] is None or isinstance(result[1], str)


@pytest.mark.parametrize(
    "value", ["15/01/0225", "01/01/0001", "31/12/9999", "0225-01-15", "2300-01-01T10:00:00", "31/12/1677",
              "01/01/2262", date(1, 1, 1), datetime(9999, 12, 31, 23, 59)],
)
def test_dates_outside_the_years_a_record_can_have_are_errors(value: object) -> None:
    for parse in (cells.parse_date, cells.parse_datetime):
        got, problem = parse(value)
        assert got is None and problem is not None and "1678 đến 2261" in problem, (parse, value, got)


@pytest.mark.parametrize("value", ["01/01/1678", "31/12/2261", "1850-06-01"])
def test_every_year_a_date_column_can_hold_is_a_date(value: str) -> None:
    got, problem = cells.parse_date(value)
    assert problem is None and got is not None and got.year == int(value[-4:] if "/" in value else value[:4])


def test_a_far_off_year_in_a_sheet_is_a_located_problem_not_a_crash() -> None:
    from sheets import schema as S
    from sheets.load import load
    from sheets.stores.memory import MemoryStore
    from tests.fixtures import province

    sheets = province()
    grid = sheets["registry"]["DonVi"]
    col = [fold(str(h)) for h in grid[0]].index(fold("Ngày thành lập"))
    grid[2] = list(grid[2]) + [None] * max(0, col + 1 - len(grid[2]))
    grid[2][col] = "01/01/0001"
    ds = load(MemoryStore(sheets))
    hits = [p for p in ds.problems if p.tab == "DonVi" and p.row == 3 and p.column == "Ngày thành lập"]
    assert len(hits) == 1 and "1678 đến 2261" in hits[0].message and hits[0].value == "01/01/0001"
    assert S.DON_VI.column("founded").kind is S.Kind.DATE
