"""SPEC 7 at the write door and at read time, over real stores.

The dossier under test is LĐLĐ huyện Một's (H1): its parent, the province (BK), receives it.
Proposing-side versions go to H1's spreadsheet, receiving-side versions to the registry.
Actors: ``h1@x.vn`` (H1's officer: proposing side only), ``desk@x.vn`` (the province's desk:
both sides), ``h4@x.vn`` (another district's officer: neither side), ``admin@x.vn``; the read-only
roles ``leader@x.vn`` (the province's leader) and ``train@x.vn`` (H1's training coordinator) may take no step.

Its list (year 2025, decided 20/12/2025):
  1 Cá nhân, worker, C1       -> Đồng ý   (T3: numerator and denominator)
  2 Cá nhân, manager, C3      -> Đồng ý   (T3: denominator only)
  3 Tập thể, C1               -> Đồng ý   (not in T3)
  4 Cá nhân, staff, C6        -> Không đồng ý (no award)
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from indicators.core import compute
from sheets import clock
from sheets import dossier as D
from sheets import schema as S
from sheets import workflow as W
from sheets.errors import PermissionDenied, TdktError, ValidationError, WriteError
from sheets.load import Dataset, load
from sheets.stores.memory import MemoryStore
from tests import fixtures as F
from tests.fixtures import grid

NOW = "2025-12-31T10:00:00"
USERS = F.USERS + [
    dict(email="desk@x.vn", name="Bàn thi đua tỉnh", role=S.ROLE_DESK, unit="BK"),
    dict(email="h4@x.vn", name="Cán bộ H4", role=S.ROLE_OFFICER, unit="H4"),
]
LINES = [
    dict(subject="Cá nhân", name="Nguyễn Văn An", unit="C1", group=S.GROUP_WORKER, gender="Nam",
         form="Bằng khen của LĐLĐ tỉnh", achievement="Hoàn thành xuất sắc nhiệm vụ"),
    dict(subject="Cá nhân", name="Trần Thị Bình", unit="C3", group=S.GROUP_MANAGER, gender="Nữ",
         form="Bằng khen của LĐLĐ tỉnh"),
    dict(subject="Tập thể", name="Tổ sản xuất số 1", unit="C1", form="Bằng khen của LĐLĐ tỉnh"),
    dict(subject="Cá nhân", name="Lê Văn Cường", unit="C6", group=S.GROUP_STAFF, form="Bằng khen của LĐLĐ tỉnh"),
]
RESULTS = {1: (S.RESULT_AGREED, 95.0), 2: (S.RESULT_AGREED, 80.0), 3: (S.RESULT_AGREED, 100.0),
           4: (S.RESULT_REJECTED, 30.0)}
DECISION = dict(decision_no="125/QĐ-LĐLĐ", decided=date(2025, 12, 20), level="LĐLĐ tỉnh",
                signer="Chủ tịch Hoàng Văn Minh")
CODE = "HS2025-H1-1"
PROPOSER, DESK, OUTSIDER, ADMIN = "h1@x.vn", "desk@x.vn", "h4@x.vn", "admin@x.vn"
LEADER, TRAINER = "leader@x.vn", "train@x.vn"  # read-only for dossiers (the trainer is H1's own)


def sheets() -> dict[str, dict[str, Any]]:
    sh = F.province()
    sh["registry"]["NguoiDung"] = grid(S.NGUOI_DUNG, USERS)
    return sh


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    clock.set_now(NOW)
    yield
    clock.set_now(None)


def _walk(store: MemoryStore, upto: str) -> None:
    """Take the dossier along the path up to (and including) ``upto``."""
    D.create(store, PROPOSER, unit="H1", year=2025, summary="Đề nghị tặng Bằng khen của LĐLĐ tỉnh năm 2025", code=CODE)
    D.save_lines(store, PROPOSER, CODE, LINES)
    if upto == S.DOSSIER_DRAFT:
        return
    D.step(store, PROPOSER, CODE, S.DOSSIER_SENT)
    if upto == S.DOSSIER_SENT:
        return
    if upto == S.DOSSIER_WITHDRAWN:
        D.step(store, PROPOSER, CODE, S.DOSSIER_WITHDRAWN)
        return
    if upto == S.DOSSIER_RETURNED:
        D.step(store, DESK, CODE, S.DOSSIER_RETURNED, return_reason="Thiếu tóm tắt thành tích")
        return
    D.step(store, DESK, CODE, S.DOSSIER_RECEIVED)
    D.record_results(store, DESK, CODE, RESULTS)
    if upto == S.DOSSIER_RECEIVED:
        return
    D.step(store, DESK, CODE, S.DOSSIER_REVIEWED)
    if upto == S.DOSSIER_REVIEWED:
        return
    D.record_decision(store, DESK, CODE, **DECISION)


STATES = [None, *S.DOSSIER_STATUSES]


@pytest.fixture(scope="module")
def built() -> dict[str | None, tuple[dict[str, Any], Dataset]]:
    """Each status reached once (a store snapshot and its dataset); tests work on copies."""
    clock.set_now(NOW)
    out: dict[str | None, tuple[dict[str, Any], Dataset]] = {}
    st = MemoryStore(sheets())

    def snap(status: str | None, store: MemoryStore) -> None:
        out[status] = (copy.deepcopy(store.sheets), load(store))

    snap(None, st)
    D.create(st, PROPOSER, unit="H1", year=2025, summary="Đề nghị tặng Bằng khen của LĐLĐ tỉnh năm 2025", code=CODE)
    D.save_lines(st, PROPOSER, CODE, LINES)
    snap(S.DOSSIER_DRAFT, st)
    D.step(st, PROPOSER, CODE, S.DOSSIER_SENT)
    snap(S.DOSSIER_SENT, st)
    for status, actor, kw in ((S.DOSSIER_WITHDRAWN, PROPOSER, {}),
                              (S.DOSSIER_RETURNED, DESK, {"return_reason": "Thiếu tóm tắt thành tích"})):
        branch = MemoryStore(copy.deepcopy(st.sheets))
        D.step(branch, actor, CODE, status, **kw)
        snap(status, branch)
    D.step(st, DESK, CODE, S.DOSSIER_RECEIVED)
    D.record_results(st, DESK, CODE, RESULTS)
    snap(S.DOSSIER_RECEIVED, st)
    D.step(st, DESK, CODE, S.DOSSIER_REVIEWED)
    snap(S.DOSSIER_REVIEWED, st)
    D.record_decision(st, DESK, CODE, **DECISION)
    snap(S.DOSSIER_DECIDED, st)
    clock.set_now(None)
    return out


def _store(built: dict[str | None, tuple[dict[str, Any], Dataset]], state: str | None) -> tuple[MemoryStore, Dataset]:
    raw, ds = built[state]
    return MemoryStore(copy.deepcopy(raw)), ds


def _rows(store: MemoryStore) -> dict[tuple[str, str], int]:
    return {(s, t): len(g) - 1 for s, tabs in store.sheets.items() for t, g in tabs.items()}


def _added(before: dict[tuple[str, str], int], store: MemoryStore) -> dict[tuple[str, str], int]:
    after = _rows(store)
    return {k: n - before.get(k, 0) for k, n in after.items() if n != before.get(k, 0)}


FIELDS: dict[str, dict[str, Any]] = {
    S.DOSSIER_RETURNED: {"return_reason": "Thiếu bản tóm tắt thành tích"},
    S.DOSSIER_DECIDED: DECISION,
}


def test_built_states_are_what_they_say(built: dict[str | None, tuple[dict[str, Any], Dataset]]) -> None:
    for status in S.DOSSIER_STATUSES:
        ds = built[status][1]
        assert ds.frames["HoSo"].set_index("dossier").at[CODE, "status"] == status
        assert not [p for p in ds.problems if p.tab in ("HoSo", "HoSoDanhSach")]


def _expect_step(state: str | None, target: str, actor: str) -> bool:
    if target not in W.STEPS.get(state, frozenset()):
        return False
    if actor in (OUTSIDER, LEADER, TRAINER):
        return False
    return actor == DESK or W.side_of(target) == W.PROPOSING


def _step_cases(full: bool) -> list[Any]:
    cases = []
    for state in STATES:
        for target in S.DOSSIER_STATUSES:
            for actor in (PROPOSER, DESK, OUTSIDER, LEADER, TRAINER):
                # without the slow marker: every permitted step once, and each refusal kind once per role
                first = sorted(W.STEPS.get(state, {S.DOSSIER_DRAFT}))[0]
                permitted = _expect_step(state, target, DESK) or _expect_step(state, target, PROPOSER)
                quick = (_expect_step(state, target, actor)
                         or (actor in (LEADER, TRAINER) and permitted)  # read-only roles: refused every step
                         or (actor == OUTSIDER and target == first)  # the wrong unit
                         or (actor == PROPOSER and W.side_of(target) == W.RECEIVING and _expect_step(state, target, DESK))
                         or (actor == DESK and target == S.DOSSIER_DECIDED and state != S.DOSSIER_REVIEWED))
                if full or quick:
                    cases.append(pytest.param(state, target, actor, id=f"{state}->{target}-{actor.split('@')[0]}"))
    return cases


def _try_step(built: dict[str | None, tuple[dict[str, Any], Dataset]], state: str | None, target: str,
              actor: str) -> None:
    store, ds = _store(built, state)
    before = _rows(store)
    expected = _expect_step(state, target, actor)
    if state is None:
        code = "HS2025-H1-9"
        row = dict(dossier=code, unit="H1", year=2025, summary="Hồ sơ mới", status=target,
                   sent=date(2025, 12, 1), **FIELDS.get(target, {}))
        call = lambda: D.append(store, "HoSo", [row], actor, dataset=ds)  # noqa: E731
    else:
        call = lambda: D.step(store, actor, CODE, target, dataset=ds, **FIELDS.get(target, {}))  # noqa: E731
    if not expected:
        with pytest.raises((PermissionDenied, ValidationError)) as err:
            call()
        assert str(err.value)  # a Vietnamese message
        assert _rows(store) == before, "a refused step writes nothing"
        return
    call()
    added = _added(before, store)
    side_sheet = "H1" if W.side_of(target) == W.PROPOSING else "registry"
    assert added.pop((side_sheet, "HoSo")) == 1, "exactly one version, on its side's spreadsheet"
    if target == S.DOSSIER_RETURNED and state == S.DOSSIER_RECEIVED:
        assert added == {("registry", "HoSoDanhSach"): 4}  # every result cleared, by the receiving side
    elif target == S.DOSSIER_RETURNED:
        assert added == {("H1", "HoSoDanhSach"): 4}  # nothing to clear: the rows are written again as they are
    elif target == S.DOSSIER_DECIDED:
        assert added == {("registry", "KhenThuong"): 3}  # one award per Đồng ý
    else:
        assert added == {}
    new = load(store).frames["HoSo"]
    code = "HS2025-H1-9" if state is None else CODE
    assert new.set_index("dossier").at[code, "status"] == target


@pytest.mark.parametrize(("state", "target", "actor"), _step_cases(False))
def test_step(built: dict[str | None, tuple[dict[str, Any], Dataset]], state: str | None, target: str,
              actor: str) -> None:
    _try_step(built, state, target, actor)


@pytest.mark.slow
@pytest.mark.parametrize(("state", "target", "actor"), _step_cases(True))
def test_step_full_matrix(built: dict[str | None, tuple[dict[str, Any], Dataset]], state: str | None, target: str,
                          actor: str) -> None:
    _try_step(built, state, target, actor)


@pytest.mark.parametrize("state", S.DOSSIER_STATUSES)
@pytest.mark.parametrize("actor", [PROPOSER, DESK, OUTSIDER, ADMIN])
def test_void(built: dict[str | None, tuple[dict[str, Any], Dataset]], state: str, actor: str) -> None:
    store, ds = _store(built, state)
    before = _rows(store)
    proposing = actor in (PROPOSER, DESK, ADMIN)
    expected = (state in W.VOIDABLE and proposing) or actor == ADMIN
    if not expected:
        with pytest.raises(TdktError):
            D.void_dossier(store, actor, CODE, dataset=ds)
        assert _rows(store) == before
        return
    D.void_dossier(store, actor, CODE, dataset=ds)
    sheet = "H1" if state in W.VOIDABLE else "registry"
    assert _added(before, store) == {(sheet, "HoSo"): 1}
    after = load(store)
    assert CODE not in set(after.frames["HoSo"]["dossier"])
    assert not [p for p in after.problems if p.tab == "HoSo"]


@pytest.mark.parametrize("state", S.DOSSIER_STATUSES)
@pytest.mark.parametrize("actor", [PROPOSER, DESK, OUTSIDER])
def test_list_rows_and_results(built: dict[str | None, tuple[dict[str, Any], Dataset]], state: str, actor: str) -> None:
    store, ds = _store(built, state)
    before = _rows(store)
    edit = dict(LINES[1], line=2, name="Trần Thị Bình (sửa)")
    if state in W.EDITABLE and actor != OUTSIDER:
        D.save_lines(store, actor, CODE, [edit], dataset=ds)
        assert _added(before, store) == {("H1", "HoSoDanhSach"): 1}
    else:
        with pytest.raises(TdktError):
            D.save_lines(store, actor, CODE, [edit], dataset=ds)
        assert _rows(store) == before
    store, ds = _store(built, state)
    if state == S.DOSSIER_RECEIVED and actor == DESK:
        D.record_results(store, actor, CODE, {4: (S.RESULT_AGREED, 70.0)}, dataset=ds)
        assert _added(before, store) == {("registry", "HoSoDanhSach"): 1}
        assert load(store).frames["HoSoDanhSach"].set_index("line").at[4, "result"] == S.RESULT_AGREED
    else:
        with pytest.raises(TdktError):
            D.record_results(store, actor, CODE, {4: (S.RESULT_AGREED, 70.0)}, dataset=ds)
        assert _rows(store) == before


def test_step_conditions_say_why(built: dict[str | None, tuple[dict[str, Any], Dataset]]) -> None:
    # sending needs a list row
    store = MemoryStore(sheets())
    D.create(store, PROPOSER, unit="H1", year=2025, summary="Hồ sơ trống", code="HS-E")
    with pytest.raises(ValidationError, match="chưa có ai trong danh sách"):
        D.step(store, PROPOSER, "HS-E", S.DOSSIER_SENT)
    # a return needs its reason; a decision its number and the receiving unit's level
    store, ds = _store(built, S.DOSSIER_SENT)
    with pytest.raises(ValidationError, match="Lý do trả lại"):
        D.step(store, DESK, CODE, S.DOSSIER_RETURNED, dataset=ds)
    store, ds = _store(built, S.DOSSIER_REVIEWED)
    with pytest.raises(ValidationError, match="LĐLĐ tỉnh"):
        D.record_decision(store, DESK, CODE, **{**DECISION, "level": "Cấp trên cơ sở"}, dataset=ds)
    # review needs a result on every row
    st2 = MemoryStore(sheets())
    _walk(st2, S.DOSSIER_SENT)
    D.step(st2, DESK, CODE, S.DOSSIER_RECEIVED)
    D.record_results(st2, DESK, CODE, {1: RESULTS[1]})
    with pytest.raises(ValidationError, match="chưa có «Kết quả»"):
        D.step(st2, DESK, CODE, S.DOSSIER_REVIEWED)
    # a code in use cannot start a new dossier; a nominee outside the proposing unit is refused
    with pytest.raises(ValidationError, match="Không thể chuyển"):
        D.create(st2, PROPOSER, unit="H1", year=2025, summary="Trùng mã", code=CODE)
    st3 = MemoryStore(sheets())
    D.create(st3, PROPOSER, unit="H1", year=2025, summary="x", code="HS-X")
    with pytest.raises(ValidationError, match="không thuộc"):
        D.save_lines(st3, DESK, "HS-X", [dict(LINES[0], unit="C4")])


def test_grassroots_dossier_stays_with_the_district() -> None:
    # C1 keeps no spreadsheet: both sides are H1's; H1's officer receives and decides a Giấy khen
    store = MemoryStore(sheets())
    code, _ = D.create(store, PROPOSER, unit="C1", year=2025, summary="Đề nghị tặng Giấy khen")
    assert code == "HS2025-C1-1"
    D.save_lines(store, PROPOSER, code, [LINES[0]])
    for status, kw in ((S.DOSSIER_SENT, {}), (S.DOSSIER_RECEIVED, {})):
        D.step(store, PROPOSER, code, status, **kw)
    D.record_results(store, PROPOSER, code, {1: RESULTS[1]})
    D.step(store, PROPOSER, code, S.DOSSIER_REVIEWED)
    with pytest.raises(ValidationError, match="Cấp trên cơ sở"):
        D.record_decision(store, PROPOSER, code, **DECISION)
    res = D.record_decision(store, PROPOSER, code, **{**DECISION, "level": "Cấp trên cơ sở"})
    assert res.awards is not None and res.awards.sheets == {"H1": 1}
    ds = load(store)
    assert ds.frames["HoSo"].set_index("dossier").at[code, "status"] == S.DOSSIER_DECIDED
    assert f"{code}-1" in set(ds.frames["KhenThuong"]["award"])


# --- the same rules at read time -------------------------------------------------------------
def _typed(store: MemoryStore, sheet: str, tab: S.Tab, row: dict[str, Any]) -> None:
    """A row typed by hand at the bottom of a tab, under its existing header."""
    g = store.sheets[sheet].setdefault(tab.name, [[]])
    g[0] = list(g[0]) + [c.name for c in tab.all_columns if c.name not in g[0] and c.attr in row]
    by_name = {c.name: c.attr for c in tab.all_columns}
    g.append([row.get(by_name.get(str(h), "")) for h in g[0]])


def _figures(ds: Dataset) -> tuple[Any, ...]:
    t3 = compute(ds, 2025, date(2025, 12, 31))["T3"]
    from indicators.pipeline import pipeline

    return (t3.numerator, t3.denominator, pipeline(ds, 2025, date(2025, 12, 31)))


def test_status_typed_in_the_proposers_sheet_fakes_nothing(built: dict[str | None, tuple[dict[str, Any], Dataset]]) -> None:
    store, ds = _store(built, S.DOSSIER_REVIEWED)
    figures = _figures(ds)
    rec = W.dossier_record(ds, CODE)
    assert rec is not None
    fake = D.record_row(S.HO_SO, rec) | dict(status=S.DOSSIER_DECIDED, stamp="2025-12-31T10:05:00", **DECISION)
    _typed(store, "H1", S.HO_SO, fake)
    # with an award naming the dossier, and a result flipped to Đồng ý
    award = D.award_rows(built[S.DOSSIER_DECIDED][1], CODE)[0]
    _typed(store, "H1", S.KHEN_THUONG, award)
    line4 = D.record_row(S.HO_SO_DANH_SACH, W.dossier_lines(ds, CODE).set_index("line", drop=False).loc[4])
    _typed(store, "H1", S.HO_SO_DANH_SACH, line4 | dict(result=S.RESULT_AGREED, stamp="2025-12-31T10:04:00"))
    after = load(store)
    assert after.frames["HoSo"].set_index("dossier").at[CODE, "status"] == S.DOSSIER_REVIEWED
    assert after.frames["HoSoDanhSach"].set_index("line").at[4, "result"] == S.RESULT_REJECTED
    assert award["award"] not in set(after.frames["KhenThuong"]["award"])
    assert _figures(after) == figures
    reported = {(p.spreadsheet, p.tab) for p in after.problems if p.severity == "error"} - {
        (p.spreadsheet, p.tab) for p in ds.problems if p.severity == "error"}
    assert reported == {("H1", "HoSo"), ("H1", "HoSoDanhSach"), ("H1", "KhenThuong")}


def test_award_naming_a_dossier_counts_only_when_decided_and_agreed(
    built: dict[str | None, tuple[dict[str, Any], Dataset]],
) -> None:
    store, ds = _store(built, S.DOSSIER_DECIDED)
    t3 = compute(ds, 2025, date(2025, 12, 31))["T3"]
    base = compute(built[S.DOSSIER_REVIEWED][1], 2025, date(2025, 12, 31))["T3"]
    # the decision added exactly the approved Cá nhân: line 1 (worker) and line 2 (manager)
    assert (t3.numerator - base.numerator, t3.denominator - base.denominator) == (1, 2)
    # an award typed in the registry for the rejected line 4 does not count
    row = D.award_rows(ds, CODE)[0] | dict(award=f"{CODE}-4", name="Lê Văn Cường", unit="C6", group=S.GROUP_STAFF)
    _typed(store, "registry", S.KHEN_THUONG, row)
    after = load(store)
    assert compute(after, 2025, date(2025, 12, 31))["T3"].numerator == t3.numerator
    assert any(p.tab == "KhenThuong" and p.column == "Mã hồ sơ" for p in after.problems)
    # voiding the decided dossier (admin) takes its awards out
    D.void_dossier(store, ADMIN, CODE)
    assert compute(load(store), 2025, date(2025, 12, 31))["T3"].denominator == base.denominator


def test_right_side_may_type_its_step(built: dict[str | None, tuple[dict[str, Any], Dataset]]) -> None:
    # the desk types a reception into the registry by hand: a permitted step from its side
    store, ds = _store(built, S.DOSSIER_SENT)
    rec = W.dossier_record(ds, CODE)
    assert rec is not None
    _typed(store, "registry", S.HO_SO, D.record_row(S.HO_SO, rec) | dict(
        status=S.DOSSIER_RECEIVED, received="31/12/2025", stamp="31/12/2025 10:05"))
    after = load(store)
    assert after.frames["HoSo"].set_index("dossier").at[CODE, "status"] == S.DOSSIER_RECEIVED
    # ... but H1 typing a list change after the reception is refused at read time
    line = D.record_row(S.HO_SO_DANH_SACH, W.dossier_lines(after, CODE).iloc[0])
    _typed(store, "H1", S.HO_SO_DANH_SACH, line | dict(name="Người khác", stamp="2025-12-31T10:06:00"))
    again = load(store)
    assert again.frames["HoSoDanhSach"].set_index("line").at[1, "name"] == LINES[0]["name"]
    assert any(p.tab == "HoSoDanhSach" and "chỉ sửa được" in p.message for p in again.problems)


def test_unstamped_dossier_typed_by_hand() -> None:
    # a district keeps its dossier by hand: a draft row, its list, then a sent row, no stamps
    sh = sheets()
    sh["H1"]["HoSo"] = grid(S.HO_SO, [
        dict(dossier="HS-TAY", unit="C3", year=2025, summary="Đề nghị khen", status="Nhap"),
        dict(dossier="HS-TAY", unit="C3", year=2025, summary="Đề nghị khen", status="da gui", sent="05/12/2025"),
        # a reception typed in H1's own sheet: H1 is C3's receiver and its sheet covers H1 -> valid
        dict(dossier="HS-TAY", unit="C3", year=2025, summary="Đề nghị khen", status="Đã tiếp nhận",
             sent="05/12/2025"),
        # a decision straight from reception: not a permitted step -> error, reception stands
        dict(dossier="HS-TAY", unit="C3", year=2025, summary="Đề nghị khen", status="Đã quyết định",
             sent="05/12/2025", decision_no="1/QĐ", decided="10/12/2025", level="Cấp trên cơ sở"),
    ])
    sh["H1"]["HoSoDanhSach"] = grid(S.HO_SO_DANH_SACH, [
        dict(dossier="HS-TAY", line=1, subject="Ca nhan", name="Hà Văn D", unit="C3", form="Giấy khen"),
        dict(dossier="HS-NOPE", line=1, subject="Ca nhan", name="Ai đó", unit="C3", form="Giấy khen"),  # unknown
    ])
    ds = load(MemoryStore(sh))
    cur = ds.frames["HoSo"].set_index("dossier")
    assert cur.at["HS-TAY", "status"] == S.DOSSIER_RECEIVED
    assert list(ds.frames["HoSoDanhSach"]["name"]) == ["Hà Văn D"]
    msgs = [p.message for p in ds.problems if p.tab in ("HoSo", "HoSoDanhSach")]
    assert len(msgs) == 2 and any("Không thể chuyển" in m for m in msgs) and any("không có trong HoSo" in m for m in msgs)


# --- a decision over the Sheets fake, with lost answers ---------------------------------------
def test_decision_retried_through_lost_answers_lands_once() -> None:
    from sheets.stores.gsheets import GSheetsStore
    from tests.fakes.fake_sheets import FakeSheets, make_client

    fake = FakeSheets()
    for key, tabs in sheets().items():
        fake.add_spreadsheet(key, tabs)
    store = GSheetsStore("registry", client=make_client(fake), sleep=lambda s: None, ttl=0)
    _walk(store, S.DOSSIER_REVIEWED)  # type: ignore[arg-type]
    before = load(store)
    t3 = compute(before, 2025, date(2025, 12, 31))["T3"]
    fake.set_faults(seed=7, lost=0.6, error_500=0.2, kinds=["values.append"])
    wid = D.new_write_id()
    attempts = 0
    while True:
        attempts += 1
        assert attempts < 40, "the decision never completed"
        try:
            D.record_decision(store, DESK, CODE, **DECISION, write_id=wid)  # type: ignore[arg-type]
            break
        except WriteError:
            continue
    fake.set_faults()
    assert fake.faults_injected["lost"] >= 1
    reg = fake.values("registry", "KhenThuong")
    codes = [r[0] for r in reg[1:]]
    for n in (1, 2, 3):
        assert codes.count(f"{CODE}-{n}") == 1, "each award exactly once"
    assert f"{CODE}-4" not in codes
    decided = [r for r in fake.values("registry", "HoSo")[1:] if wid in r]
    assert len(decided) == 1
    after = load(store)
    assert after.frames["HoSo"].set_index("dossier").at[CODE, "status"] == S.DOSSIER_DECIDED
    t3b = compute(after, 2025, date(2025, 12, 31))["T3"]
    assert (t3b.numerator - t3.numerator, t3b.denominator - t3.denominator) == (1, 2)


# --- a list by paste or by upload: all or nothing, every problem reported ------------------------
def _xlsx(rows: list[list[Any]]) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HEADER = list(D.PASTE_COLUMNS)


def test_upload_reads_the_list_and_matches_without_diacritics() -> None:
    ds = load(MemoryStore(sheets()))
    data = _xlsx([HEADER,
                  ["ca nhan", "Nguyễn Văn An", "c1", "Cong nhan, lao dong truc tiep", "Công nhân", "nam", None, "Giỏi"],
                  ["Tập thể", "Tổ sản xuất số 1", None, None, None, None, "Cờ thi đua của LĐLĐ tỉnh", None]])
    rows, problems = D.parse_upload(ds, "H1", data, filename="ds.xlsx", default_form="Bằng khen của LĐLĐ tỉnh")
    assert problems == []
    assert [(r["subject"], r["unit"], r["group"], r["gender"], r["form"]) for r in rows] == [
        (S.SUBJECT_PERSON, "C1", S.GROUP_WORKER, "Nam", "Bằng khen của LĐLĐ tỉnh"),
        (S.SUBJECT_COLLECTIVE, "H1", None, None, "Cờ thi đua của LĐLĐ tỉnh"),
    ]


def test_upload_with_problems_gives_no_row_and_every_problem() -> None:
    ds = load(MemoryStore(sheets()))
    data = _xlsx([HEADER,
                  ["Cá nhân", "Nguyễn Văn An", "C1", S.GROUP_WORKER],
                  ["Nhóm", "Sai đối tượng"],
                  ["Cá nhân", "", "C4"],  # no name, and C4 is not under H1
                  ["Cá nhân", "Lê Văn Cường", "C6", "Công nhân", None, "Khác"]])
    rows, problems = D.parse_upload(ds, "H1", data, filename="ds.xlsx", default_form="Giấy khen")
    assert rows == []
    text = "\n".join(problems)
    assert len(problems) == 5, text
    for where in ("Dòng 3", "Dòng 4", "Dòng 5"):
        assert where in text
    assert "«Nhóm»" in text and "C4" in text and "«Công nhân»" in text and "«Khác»" in text


def test_a_file_that_is_not_a_workbook_is_refused_in_vietnamese() -> None:
    ds = load(MemoryStore(sheets()))
    rows, problems = D.parse_upload(ds, "H1", b"not a zip", filename="ds.xlsx", default_form="Giấy khen")
    assert rows == [] and len(problems) == 1
    assert problems[0].startswith("Không đọc được tệp: tệp không phải sổ tính Excel (.xlsx)")
