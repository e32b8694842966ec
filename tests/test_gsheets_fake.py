"""The Sheets fake answers like Google: recorded traffic replayed against it gives the same
JSON (same keys, nesting, types and values; only generated ids differ)."""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from tests.fakes.fake_sheets import FakeSheets, Formula, make_client, make_session

# ../shared beside the checkout; a clone elsewhere falls back to the workplace copy
RECORDINGS = next(
    (p for p in (Path(__file__).resolve().parents[2] / "shared" / "google-sheets-recordings",
                 Path("/work/shared/google-sheets-recordings")) if p.is_dir()),
    Path(__file__).resolve().parents[2] / "shared" / "google-sheets-recordings",
)
IDS = ("sheetId", "protectedRangeId")


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int | float):
        return "number"
    return type(v).__name__


def shape_diff(got: Any, want: Any, path: str = "$") -> list[str]:
    """Differences of keys, nesting, list lengths and value types."""
    if _kind(got) != _kind(want):
        return [f"{path}: {_kind(got)} != {_kind(want)}"]
    if isinstance(got, dict):
        out = [f"{path}: keys differ {sorted(set(got) ^ set(want))}"] if set(got) != set(want) else []
        for k in set(got) & set(want):
            out += shape_diff(got[k], want[k], f"{path}.{k}")
        return out
    if isinstance(got, list):
        if len(got) != len(want):
            return [f"{path}: {len(got)} items != {len(want)}"]
        return [d for i, (a, b) in enumerate(zip(got, want, strict=True)) for d in shape_diff(a, b, f"{path}[{i}]")]
    return []


def value_diff(got: Any, want: Any, path: str = "$") -> list[str]:
    if isinstance(got, dict) and isinstance(want, dict):
        return [d for k in set(got) & set(want) for d in value_diff(got[k], want[k], f"{path}.{k}")]
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        return [d for i, (a, b) in enumerate(zip(got, want, strict=True)) for d in value_diff(a, b, f"{path}[{i}]")]
    return [] if got == want else [f"{path}: {got!r} != {want!r}"]


def _remap(obj: Any, ids: dict[int, int]) -> Any:
    if isinstance(obj, dict):
        return {k: (ids.get(v, v) if k in IDS else _remap(v, ids)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_remap(x, ids) for x in obj]
    return obj


def _learn(got: Any, want: Any, ids: dict[int, int]) -> None:
    """Google and the fake make different sheet / protected-range ids: pair them up."""
    if isinstance(got, dict) and isinstance(want, dict):
        for k in set(got) & set(want):
            if k in IDS and isinstance(want[k], int):
                ids[want[k]] = got[k]
            else:
                _learn(got[k], want[k], ids)
    elif isinstance(got, list) and isinstance(want, list):
        for a, b in zip(got, want, strict=False):
            _learn(a, b, ids)


def replay(name: str) -> list[tuple[str, int, int, list[str], list[str]]]:
    """Send every Sheets request of a recording to a fresh fake, in order; Drive calls that
    create or delete the test spreadsheet set the fake up instead. Returns, per request,
    (request, status got, status recorded, shape differences, value differences)."""
    path = RECORDINGS / name
    if not path.exists():
        pytest.skip(f"recordings not found at {RECORDINGS}")
    fake = FakeSheets()
    fake.caller_email = "telegram-budgeter@telegram-budgeter.iam.gserviceaccount.com"  # who recorded them
    session = make_session(fake)
    ids: dict[int, int] = {}
    out = []
    for it in json.loads(path.read_text())["interactions"]:
        rq, rs = it["request"], it["response"]
        url = urlsplit(rq["uri"])
        if url.netloc == "www.googleapis.com":
            if rq["method"] == "POST" and url.path == "/drive/v3/files":
                made = json.loads(rs["body"]["string"])
                ss = fake.add_spreadsheet(made["id"], title=made["name"])
                ss.locale, ss.time_zone = "en_US", "Etc/GMT"
            elif rq["method"] == "DELETE":
                fake.remove_spreadsheet(url.path.rsplit("/", 1)[-1])
            continue
        if rs["status"]["code"] == 403:  # a spreadsheet that exists but is not shared with us
            fake.add_spreadsheet(url.path.split("/")[3], shared=False)
        body = rq["body"]
        if body:
            body = json.dumps(_remap(json.loads(body), ids))
        r = session.request(rq["method"], rq["uri"], data=body.encode() if body else None)
        want = json.loads(rs["body"]["string"]) if rs["body"]["string"] else None
        got = r.json() if r.content else None
        _learn(got, want, ids)
        want = _remap(want, ids)
        out.append((f"{rq['method']} {rq['uri']}", r.status_code, rs["status"]["code"],
                    shape_diff(got, want), value_diff(got, want)))
    return out


# The calls the store makes, and the error answers it must understand.
REPLAYED = {
    "ClientTest.test_open_by_key_has_metadata.json": "spreadsheets.get metadata",
    "SpreadsheetTest.test_values_batch_get.json": "addSheet, values update, values:batchGet, deleteSheet",
    "WorksheetTest.test_batch_get.json": "values:batchGet of cell ranges",
    "SpreadsheetTest.test_values_get.json": "whole-tab values get: the grid's range, quoted title",
    "WorksheetTest.test_get_all_values.json": "trimmed cells and rows, [] for an empty row inside",
    "WorksheetTest.test_get_all_values_date_time_render_options.json": "render options, serial dates",
    "WorksheetTest.test_get_returns_ValueRange_with_metadata.json": "values get of a range",
    "WorksheetTest.test_append_row.json": "values:append",
    "WorksheetTest.test_append_row_with_empty_value.json": "values:append table detection",
    "WorksheetTest.test_append_row_with_empty_value_and_table_range.json": "values:append at A1",
    "SpreadsheetTest.test_add_del_worksheet.json": "batchUpdate addSheet / deleteSheet",
    "WorksheetTest.test_freeze.json": "batchUpdate updateSheetProperties frozenRowCount",
    "WorksheetTest.test_resize.json": "batchUpdate updateSheetProperties rowCount",
    "WorksheetTest.test_add_protected_range_warning.json": "batchUpdate addProtectedRange warningOnly",
    "WorksheetTest.test_add_protected_range_normal.json": "batchUpdate addProtectedRange",
    "WorksheetTest.test_add_validation.json": "batchUpdate setDataValidation; a 400 with details",
    "WorksheetTest.test_get_notes.json": "spreadsheets.get grid data with fields and ranges",
    "WorksheetTest.test_batch_update.json": "values:batchUpdate",
    "WorksheetTest.test_clear.json": "values:clear",
    "WorksheetTest.test_batch_clear.json": "values:batchClear",
    "WorksheetTest.test_update_cells_unicode.json": "values update of unicode text",
    "CellTest.test_numeric_value.json": "numbers under each render option",
    "ClientTest.test_access_non_existing_spreadsheet.json": "404 NOT_FOUND",
    "ClientTest.test_access_private_spreadsheet.json": "403 PERMISSION_DENIED",
}


@pytest.mark.parametrize("name", sorted(REPLAYED))
def test_recorded_traffic_replays_identically(name: str) -> None:
    results = replay(name)
    assert results, "the recording holds Sheets requests"
    for request, status, want_status, shapes, values in results:
        assert status == want_status, request
        assert shapes == [], request
        assert values == [], request


def test_the_replay_notices_a_difference() -> None:
    # the comparison is not vacuous: a changed type, a missing key or a changed value shows
    assert shape_diff({"values": [[1]]}, {"values": [["1"]]})
    assert shape_diff({"range": "A1"}, {"range": "A1", "values": []})
    assert value_diff({"range": "Sheet1!A1:B2"}, {"range": "'Sheet1'!A1:B2"})


def _fake_with(tabs: dict[str, list[list[Any]]], key: str = "K") -> tuple[FakeSheets, Any]:
    fake = FakeSheets()
    fake.add_spreadsheet(key, tabs)
    return fake, make_client(fake).http_client


def test_values_answer_trims_and_quotes_like_google() -> None:
    fake, http = _fake_with({"Sheet 1": [["a", None, "c", None], [], [None, 2]], "Trống": []})
    got = http.values_get("K", "'Sheet 1'", params={"valueRenderOption": "UNFORMATTED_VALUE"})
    assert got == {"range": "'Sheet 1'!A1:Z1000", "majorDimension": "ROWS", "values": [["a", "", "c"], [], ["", 2]]}
    empty = http.values_get("K", "'Trống'!A1:C3")
    assert empty == {"range": "'Trống'!A1:C3", "majorDimension": "ROWS"}  # no "values" key


def test_batch_get_keeps_types_and_serial_dates() -> None:
    fake, http = _fake_with({"DonVi": [["Mã", "Ngày", "Số", "Có"], ["BB", date(2020, 1, 15), 1234.5, True]]})
    params = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}
    got = http.values_batch_get("K", ["DonVi"], params=params)
    assert got["valueRanges"][0]["values"][1] == ["BB", 43845, 1234.5, True]
    formatted = http.values_batch_get("K", ["DonVi"], params={})
    assert formatted["valueRanges"][0]["values"][1] == ["BB", "2020-01-15", "1234.5", "TRUE"]


def test_grid_data_with_a_field_mask() -> None:
    fake, http = _fake_with({"A": [["x", None, 3], [], [True]], "B": []})
    fields = "sheets(properties(sheetId,title),data(rowData(values(effectiveValue))))"
    got = http.spreadsheets_get("K", params={"includeGridData": "true", "fields": fields})
    assert got == {
        "sheets": [
            {
                "properties": {"sheetId": 0, "title": "A"},
                "data": [
                    {
                        "rowData": [
                            {"values": [{"effectiveValue": {"stringValue": "x"}}, {},
                                        {"effectiveValue": {"numberValue": 3}}]},
                            {},
                            {"values": [{"effectiveValue": {"boolValue": True}}]},
                        ]
                    }
                ],
            },
            {"properties": {"sheetId": fake.sheet("K", "B").sheet_id, "title": "B"}, "data": [{}]},
        ]
    }


def test_unknown_tab_unknown_and_unshared_spreadsheets_answer_like_google() -> None:
    fake, _ = _fake_with({"Sheet1": []})
    fake.add_spreadsheet("PRIVATE", shared=False)
    s = make_session(fake)
    base = "https://sheets.googleapis.com/v4/spreadsheets"
    r = s.get(f"{base}/K/values/Nope!A1")
    assert r.status_code == 400
    assert r.json() == {"error": {"code": 400, "message": "Unable to parse range: Nope!A1", "status": "INVALID_ARGUMENT"}}
    r = s.get(f"{base}/MISSING")
    assert (r.status_code, r.json()["error"]["status"]) == (404, "NOT_FOUND")
    r = s.get(f"{base}/PRIVATE")
    assert (r.status_code, r.json()["error"]["status"]) == (403, "PERMISSION_DENIED")


def test_raw_keeps_text_and_user_entered_makes_formulas() -> None:
    fake, http = _fake_with({"T": [["h"]]})
    text = '=IMPORTXML("http://x", "//a")'
    http.values_append("K", "T!A1", {"valueInputOption": "RAW"}, {"values": [[text, "0012"]]})
    http.values_append("K", "T!A1", {"valueInputOption": "USER_ENTERED"}, {"values": [[text, "0012", "=1+2"]]})
    assert fake.values("K", "T")[1] == [text, "0012"]
    assert fake.values("K", "T")[2] == [Formula(text), 12, Formula("=1+2")]
    shown = http.values_get("K", "T!A3:C3", params={"valueRenderOption": "UNFORMATTED_VALUE"})
    assert shown["values"] == [["#ERROR!", 12, 3]]  # only arithmetic is evaluated


def test_append_inserts_rows_after_the_table() -> None:
    fake, http = _fake_with({"T": [["a", "b"], ["1", "2"]]})
    grid_rows = fake.sheet("K", "T").row_count
    got = http.values_append("K", "'T'!A1", {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
                             {"values": [["3", "4"], ["5"]]})
    assert got["tableRange"] == "T!A1:B2"
    assert got["updates"]["updatedRange"] == "T!A3:B4"
    assert fake.values("K", "T") == [["a", "b"], ["1", "2"], ["3", "4"], ["5"]]
    assert fake.sheet("K", "T").row_count == grid_rows + 2


def test_writes_beyond_the_grid_are_refused() -> None:
    fake, http = _fake_with({"T": []})
    fake.sheet("K", "T").row_count = 2
    with pytest.raises(Exception, match="exceeds grid limits"):
        http.values_update("K", "T!A1", params={"valueInputOption": "RAW"}, body={"values": [["a"], ["b"], ["c"]]})
    assert fake.values("K", "T") == []


def test_batch_update_is_all_or_nothing() -> None:
    fake, http = _fake_with({"T": []})
    body = {"requests": [{"addSheet": {"properties": {"title": "New"}}}, {"addSheet": {"properties": {"title": "T"}}}]}
    with pytest.raises(Exception, match="already exists"):
        http.batch_update("K", body)
    assert fake.titles("K") == ["T"]


def test_counter_latency_and_scripted_faults() -> None:
    fake, http = _fake_with({"T": [["a"]]})
    slept: list[float] = []
    fake.sleep = slept.append
    fake.latency = 0.25
    http.values_get("K", "T")
    http.spreadsheets_get("K")
    assert fake.requests_total == 2
    assert fake.counts == {"values.get": 1, "get": 1}
    assert slept == [0.25, 0.25]
    fake.fail_next("429", "500", "timeout")
    with pytest.raises(Exception, match="429"):
        http.values_get("K", "T")
    with pytest.raises(Exception, match="500"):
        http.values_get("K", "T")
    with pytest.raises(requests.exceptions.ReadTimeout):
        http.values_get("K", "T")
    assert http.values_get("K", "T")["values"] == [["a"]]


def test_a_timeout_never_applies_and_a_lost_response_always_does() -> None:
    fake, http = _fake_with({"T": [["h"]]})
    params: dict[str, Any] = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}
    fake.fail_next("timeout")
    with pytest.raises(requests.exceptions.ReadTimeout):
        http.values_append("K", "T!A1", params, {"values": [["first"]]})
    assert fake.values("K", "T") == [["h"]]
    fake.fail_next("lost")
    with pytest.raises(requests.exceptions.RequestException):
        http.values_append("K", "T!A1", params, {"values": [["second"]]})
    assert fake.values("K", "T") == [["h"], ["second"]]


def test_random_faults_are_seeded() -> None:
    def run(seed: int) -> list[int]:
        fake, http = _fake_with({"T": [["a"]]})
        fake.set_faults(seed=seed, error_429=0.2, error_500=0.2)
        codes = []
        for _ in range(40):
            try:
                http.values_get("K", "T")
                codes.append(200)
            except Exception as exc:
                codes.append(exc.code)  # type: ignore[attr-defined]
        return codes

    first = run(7)
    assert first == run(7)
    assert {429, 500, 200} <= set(first)
    assert first != run(8)


def test_concurrent_appends_all_land() -> None:
    fake, _ = _fake_with({"T": [["id"]]})
    params: dict[str, Any] = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}

    def writer(n: int) -> None:
        http = make_client(fake).http_client
        for i in range(25):
            http.values_append("K", "T!A1", params, {"values": [[f"{n}-{i}"]]})

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [r[0] for r in fake.values("K", "T")[1:]]
    assert len(ids) == 200 and len(set(ids)) == 200
    assert fake.counts["values.append"] == 200


def test_nothing_else_reaches_the_network() -> None:
    fake = FakeSheets()
    s = make_session(fake)
    with pytest.raises(requests.exceptions.ConnectionError, match="network disabled"):
        s.get("https://oauth2.googleapis.com/token")
    assert fake.requests_total == 0
