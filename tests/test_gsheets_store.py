"""GSheetsStore against the in-process Sheets fake: reads, caching, retries, idempotent writes."""

from __future__ import annotations

import random
import threading
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from sheets.errors import SourceError, WriteError
from sheets.stores.base import Store
from sheets.stores.gsheets import (
    GRID_FIELDS,
    GSheetsStore,
    spreadsheet_key,
    to_json,
)
from tests.fakes.fake_sheets import FakeSheets, Formula, make_client

HEADER = ["Năm", "Mã đơn vị", "Có kế hoạch", "Cập nhật lúc", "Mã lần ghi"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_store(
    fake: FakeSheets, registry: str = "REG", *, clock: Clock | None = None, **kw: Any
) -> tuple[GSheetsStore, Clock, Sleeps]:
    clock = clock or Clock()
    sleeps = Sleeps()
    store = GSheetsStore(registry, client=make_client(fake), sleep=sleeps, clock=clock,
                         rng=random.Random(1), **kw)
    return store, clock, sleeps


def province(fake: FakeSheets, n_linked: int = 3) -> list[str]:
    """A registry linking ``n_linked`` unit spreadsheets (by URL); returns their keys."""
    keys = [f"KEY{i:02d}" for i in range(n_linked)]
    rows: list[list[Any]] = [["Mã đơn vị", "Tên đơn vị", "Cấp", "Bảng tính"], ["TINH", "LĐLĐ tỉnh", "Tỉnh", None]]
    for i, k in enumerate(keys):
        rows.append([f"U{i}", f"Đơn vị {i}", "Cấp trên cơ sở", f"https://docs.google.com/spreadsheets/d/{k}/edit#gid=0"])
        fake.add_spreadsheet(k, {"KeHoach": [HEADER, [2025, f"U{i}", "Có", None, f"w-{k}"]]})
    fake.add_spreadsheet("REG", {"DonVi": rows, "ChiTieu": [["Năm", "Mã chỉ tiêu", "Ngưỡng (%)"], [2025, "T1A", 100]]})
    return keys


# --- reads -------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["grid", "values"])
def test_typed_cells_round_trip(mode: str) -> None:
    fake = FakeSheets()
    fake.add_spreadsheet("REG", {
        "KeHoach": [
            ["Năm", "Mã đơn vị", "Có kế hoạch", "Ngày ban hành", "Giá trị", "Ghi chú"],
            [2025, "BB", True, date(2025, 1, 15), 1234567.5, "=không phải công thức"],
            [],  # an empty row inside keeps the row numbers right
            ["2025", "bb ", "Có", "15/01/2025", "1.234.567 đ", None],  # typed as text
        ],
    })
    store, _, _ = make_store(fake, read_mode=mode)
    (read,) = store.read(["REG"])
    assert read.error is None
    assert read.url == "https://docs.google.com/spreadsheets/d/REG/edit"
    grid = read.tabs["KeHoach"]
    assert grid[1] == [2025, "BB", True, 45672, 1234567.5, "=không phải công thức"]  # a date is its serial day
    assert [type(v) for v in grid[1][:3]] == [int, str, bool]
    assert grid[2] == []
    assert grid[3] == ["2025", "bb ", "Có", "15/01/2025", "1.234.567 đ"]
    assert len(grid) == 4


def test_the_read_request_asks_for_values_and_tab_list_at_once() -> None:
    fake = FakeSheets()
    province(fake, 0)
    store, _, _ = make_store(fake)
    store.read(["REG"])
    (req,) = fake.log
    assert req.kind == "get"
    assert req.params["includeGridData"] == ["true"]
    assert req.params["fields"] == [GRID_FIELDS]


def test_missing_tab_is_empty_and_names_are_kept() -> None:
    fake = FakeSheets()
    keys = province(fake, 1)
    store, _, _ = make_store(fake)
    url = f"https://docs.google.com/spreadsheets/d/{keys[0]}/edit#gid=0"
    (read,) = store.read([url])
    assert read.name == url and read.error is None
    assert set(read.tabs) == {"KeHoach"}  # no PhongTrao tab: simply absent, no error


def test_missing_unshared_and_malformed_spreadsheets_give_errors_not_exceptions() -> None:
    fake = FakeSheets()
    province(fake, 0)
    fake.add_spreadsheet("PRIVATE", {"KeHoach": [HEADER]}, shared=False)
    store, _, _ = make_store(fake, service_account_email="tdkt@du-an.iam.gserviceaccount.com")
    missing, private, bad, good = store.read(["NOPE", "PRIVATE", "không phải/khóa", "REG"])
    assert missing.error is not None and missing.error.startswith("Không tìm thấy bảng tính «NOPE»")
    assert private.error is not None and private.error.startswith("Tài khoản dịch vụ chưa được chia sẻ quyền")
    assert "tdkt@du-an.iam.gserviceaccount.com" in private.error  # says who to share with
    assert bad.error is not None and "không phải đường dẫn" in bad.error
    assert (missing.tabs, private.tabs) == ({}, {})
    assert good.error is None and "DonVi" in good.tabs


def test_keys_are_taken_from_urls() -> None:
    assert spreadsheet_key("https://docs.google.com/spreadsheets/d/1AbC-d_9/edit#gid=0") == "1AbC-d_9"
    assert spreadsheet_key(" 1AbC-d_9 ") == "1AbC-d_9"
    assert spreadsheet_key("https://docs.google.com/spreadsheet/ccc?key=0Abc123&usp=sharing") == "0Abc123"
    assert spreadsheet_key("BB.xlsx") is None


# --- request counts and the cache ----------------------------------------------------


@pytest.mark.parametrize("mode, per_sheet", [("grid", 1), ("values", 2)])
def test_cold_warm_and_expired_reads(mode: str, per_sheet: int) -> None:
    fake = FakeSheets()
    keys = province(fake, 5)
    store, clock, _ = make_store(fake, ttl=300, read_mode=mode)
    names = ["REG", *keys]
    n = len(names)
    first = store.read(names)
    assert all(r.error is None for r in first)
    assert fake.requests_total == per_sheet * n <= 2 * n  # cold: at most 2 requests a spreadsheet
    fake.reset_counts()
    clock.now += 299
    assert [r.tabs for r in store.read(names)] == [r.tabs for r in first]
    assert fake.requests_total == 0  # inside the TTL: nothing
    clock.now += 2
    store.read(names)
    assert fake.requests_total == (n if mode == "grid" else 2 * n)  # grid: one request a spreadsheet


def test_values_mode_notices_a_renamed_tab() -> None:
    fake = FakeSheets()
    province(fake, 0)
    store, _, _ = make_store(fake, read_mode="values")
    store.read(["REG"])
    fake.sheet("REG", "ChiTieu").title = "Chỉ tiêu cũ"  # someone renames a tab
    store.invalidate("REG")  # the tab list is still cached; the values are not
    fake.reset_counts()
    (read,) = store.read(["REG"])
    assert read.error is None and set(read.tabs) == {"DonVi", "Chỉ tiêu cũ"}
    assert fake.counts == {"values.batchGet": 2, "get": 1}  # refused once, tab list refreshed, read again


def test_ten_concurrent_viewers_cost_one_request_per_spreadsheet() -> None:
    fake = FakeSheets()
    keys = province(fake, 4)
    fake.latency = 0.05  # real sleep: the viewers really overlap
    store, _, _ = make_store(fake)
    names = ["REG", *keys]
    barrier = threading.Barrier(10)
    results: list[Any] = []

    def viewer() -> None:
        barrier.wait()
        results.append(store.read(names))

    threads = [threading.Thread(target=viewer) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 10 and all(r.error is None for rs in results for r in rs)
    assert fake.requests_total == len(names)


def test_returned_grids_are_copies() -> None:
    fake = FakeSheets()
    province(fake, 0)
    store, _, _ = make_store(fake)
    store.read(["REG"])[0].tabs["DonVi"][1][0] = "HỎNG"
    assert store.read(["REG"])[0].tabs["DonVi"][1][0] == "TINH"


def test_a_write_invalidates_only_its_spreadsheet() -> None:
    fake = FakeSheets()
    keys = province(fake, 2)
    store, _, _ = make_store(fake)
    store.read(["REG", *keys])
    store.append_rows(keys[0], "KeHoach", HEADER, [[2026, "U0", "Có", None, "w-new"]])
    fake.reset_counts()
    reads = store.read(["REG", *keys])
    assert fake.counts["get"] == 1  # only the written spreadsheet is read again
    assert [r[4] for r in reads[1].tabs["KeHoach"][1:]] == [f"w-{keys[0]}", "w-new"]  # and not stale


# --- faults --------------------------------------------------------------------------


def test_reads_complete_when_30_percent_of_requests_fail() -> None:
    fake = FakeSheets()
    keys = province(fake, 9)
    fake.set_faults(seed=3, error_429=0.15, error_500=0.15)
    store, _, sleeps = make_store(fake, ttl=0)
    for _ in range(10):
        reads = store.read(["REG", *keys])
        assert [r.error for r in reads] == [None] * 10
        assert reads[3].tabs["KeHoach"][1][1] == "U2"
    assert fake.faults_injected["429"] + fake.faults_injected["500"] > 10  # the faults did happen
    assert len(sleeps) == sum(fake.faults_injected.values())  # one backoff per failed request
    assert not store.stale


def test_500_appends_with_20_percent_failures_land_exactly_once() -> None:
    fake = FakeSheets()
    province(fake, 0)
    store, _, _ = make_store(fake, max_retries=10)
    store.append_rows("REG", "KeHoach", HEADER, [])  # the tab and its header exist before faults start
    fake.set_faults(seed=11, error_429=0.05, error_500=0.05, timeout=0.05, lost=0.05)
    for i in range(500):
        store.append_rows("REG", "KeHoach", HEADER, [[2025, "TINH", "Có", None, f"w{i:03d}"]])
    ids = [row[4] for row in fake.values("REG", "KeHoach")[1:]]
    assert sorted(ids) == [f"w{i:03d}" for i in range(500)]  # every row, exactly once
    assert fake.faults_injected["lost"] >= 10 and fake.faults_injected["timeout"] >= 10


def test_blind_retries_would_double_rows() -> None:
    # the control for the test above: the same faults against a naive retry loop duplicate rows
    fake = FakeSheets()
    fake.add_spreadsheet("REG", {"KeHoach": [HEADER]})
    fake.set_faults(seed=11, error_500=0.1, lost=0.1, kinds=["values.append"])
    http = make_client(fake).http_client
    params: dict[str, Any] = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}
    for i in range(100):
        while True:
            try:
                http.values_append("REG", "KeHoach!A1", params, {"values": [[2025, "TINH", "Có", "", f"w{i}"]]})
                break
            except Exception:
                continue
    assert len(fake.values("REG", "KeHoach")) - 1 > 100


def test_twenty_concurrent_writers_lose_nothing() -> None:
    fake = FakeSheets()
    province(fake, 0)
    fake.set_faults(seed=5, error_429=0.05, error_500=0.05, lost=0.05)
    # two app processes (two stores) of ten sessions each; the tab does not exist yet
    stores = [make_store(fake, max_retries=10)[0] for _ in range(2)]
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        store = stores[n % 2]
        try:
            for i in range(10):
                store.append_rows("REG", "KhenThuong", ["Mã khen thưởng", "Mã lần ghi"], [[f"K{n}-{i}", f"w{n}-{i}"]])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert fake.titles("REG").count("KhenThuong") == 1
    rows = fake.values("REG", "KhenThuong")
    assert rows[0] == ["Mã khen thưởng", "Mã lần ghi"]
    assert sorted(r[1] for r in rows[1:]) == sorted(f"w{n}-{i}" for n in range(20) for i in range(10))


def test_latency_is_injected_per_request() -> None:
    fake = FakeSheets()
    province(fake, 0)
    waited = Sleeps()
    fake.sleep = waited
    fake.latency = lambda kind: 1.5 if kind == "get" else 0.0
    store, _, _ = make_store(fake)
    assert store.read(["REG"])[0].error is None
    assert waited == [1.5]


def test_retries_are_bounded_with_growing_jittered_delays() -> None:
    fake = FakeSheets()
    province(fake, 0)
    fake.set_faults(error_500=1.0)
    store, _, sleeps = make_store(fake, max_retries=6, base_delay=0.5, max_delay=4)
    (read,) = store.read(["REG"])
    assert read.error is not None and "sau 7 lần thử" in read.error
    assert fake.requests_total == 7
    assert len(sleeps) == 6
    caps = [min(4, 0.5 * 2**i) for i in range(6)]
    assert all(cap / 2 <= s <= cap for s, cap in zip(sleeps, caps, strict=True))


def test_an_outage_serves_the_last_good_data_with_its_age() -> None:
    fake = FakeSheets()
    province(fake, 0)
    store, clock, _ = make_store(fake, ttl=60, outage_retry=30)
    good = store.read(["REG"])[0]
    fake.set_faults(error_503=0.5, timeout=0.5)
    clock.now += 100
    stale = store.read(["REG"])[0]
    assert stale.error is None and stale.tabs == good.tabs
    assert store.stale and store.stale_sheets() == {"REG": 100}
    assert store.last_good_age("REG") == 100
    fake.reset_counts()
    clock.now += 10
    store.read(["REG"])  # inside the outage window: no one waits on retries again
    assert fake.requests_total == 0
    fake.set_faults()  # Google is back
    clock.now += 30
    assert store.read(["REG"])[0].error is None
    assert not store.stale and store.last_good_age("REG") == 0


def test_appends_give_up_with_a_clear_error() -> None:
    fake = FakeSheets()
    province(fake, 0)
    store, _, _ = make_store(fake, max_retries=4)
    store.append_rows("REG", "KeHoach", HEADER, [])
    fake.set_faults(error_429=1.0, kinds=["values.append"])
    with pytest.raises(WriteError, match="sau 5 lần thử"):
        store.append_rows("REG", "KeHoach", HEADER, [[2025, "TINH", "Có", None, "w1"]])
    assert fake.counts["values.append"] == 5
    fake.set_faults(error_500=1.0)
    with pytest.raises(WriteError, match="Không ghi vào được Google Sheets .* sau 5 lần thử"):
        store.append_rows("REG", "KeHoach", HEADER, [[2025, "TINH", "Có", None, "w2"]])
    assert fake.values("REG", "KeHoach") == [HEADER]


def test_an_unclear_failure_without_write_ids_is_not_retried_blindly() -> None:
    fake = FakeSheets()
    fake.add_spreadsheet("REG", {"T": [["a"]]})
    store, _, _ = make_store(fake)
    store.append_rows("REG", "T", ["a"], [])
    fake.fail_next("ok", "lost")  # the header read passes, the append's answer is lost
    with pytest.raises(WriteError, match="Không rõ"):
        store.append_rows("REG", "T", ["a"], [["x"]])
    assert fake.values("REG", "T") == [["a"], ["x"]]  # it had landed: retrying would have doubled it


# --- writes --------------------------------------------------------------------------


def test_append_writes_raw_text_never_a_formula() -> None:
    fake = FakeSheets()
    province(fake, 0)
    store, _, _ = make_store(fake)
    evil = '=IMPORTXML("http://x", "//a")'
    store.append_rows("REG", "KeHoach", ["Ghi chú", "Mã lần ghi"], [[evil, "w1"]])
    (req,) = [r for r in fake.log if r.kind == "values.append"]
    assert req.params["valueInputOption"] == ["RAW"]
    assert req.params["insertDataOption"] == ["INSERT_ROWS"]
    assert req.body["values"] == [[evil, "w1"]]
    stored = fake.values("REG", "KeHoach")[1][0]
    assert stored == evil and type(stored) is str and not isinstance(stored, Formula)
    assert store.read(["REG"])[0].tabs["KeHoach"][1] == [evil, "w1"]


def test_append_adds_the_tab_and_header_then_extends_the_header_at_the_end() -> None:
    fake = FakeSheets()
    province(fake, 0)
    store, _, _ = make_store(fake)
    store.append_rows("REG", "KeHoach", ["Năm", "Mã đơn vị"], [[2025, "TINH"]])
    sheet = fake.sheet("REG", "KeHoach")
    assert sheet.frozen_rows == 1
    wide = [f"Cột {i}" for i in range(30)]  # more columns than the grid has
    store.append_rows("REG", " kehoạch ", ["Mã đơn vị", *wide, "Năm"], [["U9", *range(30), 2026]])
    rows = fake.values("REG", "KeHoach")
    assert fake.titles("REG") == ["DonVi", "ChiTieu", "KeHoach"]  # matched leniently, not added again
    assert rows[0] == ["Năm", "Mã đơn vị", *wide]  # existing columns untouched, new ones at the end
    assert rows[1] == [2025, "TINH"]
    assert rows[2] == [2026, "U9", *range(30)]
    assert sheet.col_count >= 32


def test_headers_match_leniently() -> None:
    fake = FakeSheets()
    fake.add_spreadsheet("REG", {"KEHOACH": [["nam", " ma  don vi ", "MÃ LẦN GHI"]]})
    store, _, _ = make_store(fake)
    store.append_rows("REG", "KeHoach", ["Năm", "Mã đơn vị", "Mã lần ghi"], [[2025, "BB", "w1"]])
    assert fake.values("REG", "KEHOACH") == [["nam", " ma  don vi ", "MÃ LẦN GHI"], [2025, "BB", "w1"]]
    assert store.has_write_id("REG", "kehoach", "w1")
    assert not store.has_write_id("REG", "KeHoach", "w2")
    assert not store.has_write_id("REG", "PhongTrao", "w1")


def test_dates_are_sent_as_text() -> None:
    assert to_json(date(2025, 1, 5)) == "05/01/2025"
    stamp = datetime(2025, 12, 28, 10, 15, tzinfo=timezone(timedelta(hours=7)))
    assert to_json(stamp) == "2025-12-28T10:15:00+07:00"
    assert (to_json(None), to_json(float("nan")), to_json(True), to_json(7)) == ("", "", True, 7)
    fake = FakeSheets()
    province(fake, 0)
    store, _, _ = make_store(fake)
    store.append_rows("REG", "BaoCao", ["Ngày gửi", "Cập nhật lúc"], [[date(2025, 6, 15), stamp]])
    assert fake.values("REG", "BaoCao")[1] == ["15/06/2025", "2025-12-28T10:15:00+07:00"]


def test_replace_tab_writes_exactly_and_grows_the_grid() -> None:
    fake = FakeSheets()
    fake.add_spreadsheet("REG", {"DonVi": [["old", "old", "old"], ["x", "y", "z"], ["1"]]})
    store, _, _ = make_store(fake)
    grid: list[list[Any]] = [["Mã đơn vị", "Tên đơn vị"], ["BB", None, None]]
    grid += [[f"U{i}", i] for i in range(1500)]
    store.replace_tab("REG", "donvi", grid)
    rows = fake.values("REG", "DonVi")
    assert rows[:2] == [["Mã đơn vị", "Tên đơn vị"], ["BB"]]
    assert rows[2:] == [[f"U{i}", i] for i in range(1500)]
    store.replace_tab("REG", "Mới", [["a", True]])
    assert fake.values("REG", "Mới") == [["a", True]]


def test_ensure_spreadsheet_only_checks_access() -> None:
    fake = FakeSheets()
    province(fake, 0)
    fake.add_spreadsheet("PRIVATE", shared=False)
    store, _, _ = make_store(fake)
    assert store.ensure_spreadsheet("https://docs.google.com/spreadsheets/d/REG/edit")
    assert not store.ensure_spreadsheet("NOPE")
    assert not store.ensure_spreadsheet("PRIVATE")
    assert set(fake.spreadsheets) == {"REG", "PRIVATE"}  # nothing created


def test_names_come_from_the_registry() -> None:
    fake = FakeSheets()
    keys = province(fake, 2)
    store, _, _ = make_store(fake, links={"u9": "https://docs.google.com/spreadsheets/d/KEY99/edit"})
    assert store.label == "gsheets:REG" and store.registry == "REG"
    assert isinstance(store, Store)
    names = store.spreadsheet_names()
    assert names[0] == "REG" and [spreadsheet_key(n) for n in names[1:]] == [*keys, "KEY99"]
    assert spreadsheet_key(store.sheet_name_for("u1")) == keys[1]
    assert store.sheet_name_for("U9").endswith("/KEY99/edit")
    with pytest.raises(SourceError, match="Chưa có bảng tính Google cho đơn vị «KHONGCO»"):
        store.sheet_name_for("KHONGCO")


def test_setup_makes_tabs_headers_frozen_protected_and_dropdowns() -> None:
    from sheets import schema as S

    fake = FakeSheets()
    fake.add_spreadsheet("BB", {"KeHoach": [["Năm", "Mã đơn vị", "Cột riêng"]]})
    store, _, _ = make_store(fake, registry="REG")
    done = store.setup_spreadsheet("BB", [S.KE_HOACH, S.BAO_CAO])
    assert any("BaoCao" in d for d in done)
    assert fake.requests_total == 3
    assert fake.titles("BB") == ["KeHoach", "BaoCao"]
    kh = fake.sheet("BB", "KeHoach")
    header = fake.values("BB", "KeHoach")[0]
    assert header[:3] == ["Năm", "Mã đơn vị", "Cột riêng"]
    assert header[3:] == [h for h in S.KE_HOACH.headers if h not in ("Năm", "Mã đơn vị")]
    assert kh.frozen_rows == 1
    assert [(p["range"].get("startRowIndex", 0), p["range"]["endRowIndex"], p.get("warningOnly"))
            for p in kh.protected_ranges] == [(0, 1, True)]
    lists = {header[v["range"]["startColumnIndex"]]: [x["userEnteredValue"] for x in v["rule"]["condition"]["values"]]
             for v in kh.validations}
    assert lists == {"Có kế hoạch": ["Có", "Không"], "Đã phát động": ["Có", "Không"], "Hủy": ["Có", "Không"]}
    bc = fake.sheet("BB", "BaoCao")
    bc_header = fake.values("BB", "BaoCao")[0]
    assert bc_header == S.BAO_CAO.headers and bc.frozen_rows == 1
    kinds = {bc_header[v["range"]["startColumnIndex"]]: v["rule"]["condition"]["values"] for v in bc.validations}
    assert [x["userEnteredValue"] for x in kinds["Kỳ"]] == list(S.PERIODS)
    assert all(v["rule"]["condition"]["type"] == "ONE_OF_LIST" and v["rule"]["showCustomUi"] for v in bc.validations)
    store.setup_spreadsheet("BB", [S.KE_HOACH, S.BAO_CAO])  # again: nothing doubles
    assert len(fake.sheet("BB", "KeHoach").protected_ranges) == 1
    assert fake.values("BB", "KeHoach")[0] == header


def test_from_secrets_builds_a_store_without_network() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    info = {
        "type": "service_account",
        "project_id": "tdkt",
        "private_key_id": "abc",
        "private_key": pem.replace("\n", "\\n"),  # as pasted on one line into secrets.toml
        "client_email": "tdkt@tdkt.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    store = GSheetsStore.from_secrets({
        "spreadsheet": "https://docs.google.com/spreadsheets/d/1RegKey/edit",
        "service_account_info": info,
        "ttl": 120,
    })
    assert store.registry == "1RegKey" and store.ttl == 120
    assert store.service_account_email == "tdkt@tdkt.iam.gserviceaccount.com"
    with pytest.raises(SourceError, match="tài khoản dịch vụ"):
        GSheetsStore.from_secrets({"spreadsheet": "1RegKey"})
