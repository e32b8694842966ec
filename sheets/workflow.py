"""The commendation workflow of SPEC 7: who may take which step from which status.

Two halves share one table of steps:

- ``check_write`` is called by the write door (``sheets.write.append``) for ``HoSo``,
  ``HoSoDanhSach`` and ``KhenThuong`` rows naming a dossier. It is a pure function of
  (dataset, actor, rows): it refuses a step with a Vietnamese message (nothing is written) or
  says which spreadsheet each row goes to (proposing side: the proposing unit's home;
  receiving side: the receiving unit's home) and the stamp to use.
- ``read_pass`` is called once by the loader. It replays each dossier's versions in order;
  a version that is not a permitted step from the status before it, or that comes from a
  spreadsheet whose scope does not cover the unit whose side takes that step, is an error and
  the status before it stands. The same for results on list rows, and a ``KhenThuong`` row
  naming a dossier counts only while that dossier is decided and its row agreed.

The operations people take (create, send, receive, return, decide, ...) live in
``sheets.dossier``; they build full rows and go through the door.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sheets import clock
from sheets import schema as S
from sheets.errors import PermissionDenied, ValidationError
from sheets.parse import ERROR, Problem

if TYPE_CHECKING:
    from sheets.load import Dataset, UnitTree, User
    from sheets.owners import Homes

PROPOSING = "proposing"
RECEIVING = "receiving"

# (from status, or None for a new dossier) -> the statuses it may go to
STEPS: dict[str | None, frozenset[str]] = {
    None: frozenset({S.DOSSIER_DRAFT}),
    S.DOSSIER_DRAFT: frozenset({S.DOSSIER_DRAFT, S.DOSSIER_SENT}),
    S.DOSSIER_RETURNED: frozenset({S.DOSSIER_DRAFT, S.DOSSIER_SENT}),
    S.DOSSIER_SENT: frozenset({S.DOSSIER_WITHDRAWN, S.DOSSIER_RECEIVED, S.DOSSIER_RETURNED}),
    S.DOSSIER_RECEIVED: frozenset({S.DOSSIER_RETURNED, S.DOSSIER_REVIEWED}),
    S.DOSSIER_REVIEWED: frozenset({S.DOSSIER_DECIDED}),
}
PROPOSING_STATUSES = frozenset({S.DOSSIER_DRAFT, S.DOSSIER_SENT, S.DOSSIER_WITHDRAWN})
VOIDABLE = frozenset({S.DOSSIER_DRAFT, S.DOSSIER_SENT, S.DOSSIER_RETURNED})
EDITABLE = frozenset({S.DOSSIER_DRAFT, S.DOSSIER_RETURNED})  # list rows may change
WAITING = (S.DOSSIER_SENT, S.DOSSIER_RECEIVED, S.DOSSIER_REVIEWED)
NOMINEE_FIELDS = ("subject", "name", "unit", "position", "group", "gender", "form", "achievement", "value")


def side_of(status: str) -> str:
    """Which side takes the step that sets ``status``."""
    return PROPOSING if status in PROPOSING_STATUSES else RECEIVING


def receiver_of(tree: UnitTree, unit: str) -> str:
    """The receiving unit: the parent; the province records its own dossiers itself."""
    parent = tree.parent.get(unit)
    return parent if parent is not None else unit


def levels_for(tree: UnitTree, unit: str) -> tuple[str, ...]:
    """The ``Cấp khen`` a decision on this unit's dossier may carry (SPEC 7)."""
    if tree.parent.get(unit) is None:
        return ("Tổng Liên đoàn", "Nhà nước")
    if tree.level(receiver_of(tree, unit)) == S.LEVEL_PROVINCE:
        return ("LĐLĐ tỉnh",)
    return ("Cấp trên cơ sở",)


def _blank(v: object) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v))


def step_problem(prev: str | None, row: Mapping[Any, Any] | pd.Series, levels: Iterable[str]) -> str | None:
    """Why a new ``HoSo`` version is not a permitted step from ``prev`` (None when it is).

    Voiding (status unchanged) is judged by the caller, who knows the side."""
    status = row["status"]
    if status not in STEPS.get(prev, frozenset()):
        if prev is None:
            return f"Hồ sơ mới phải bắt đầu ở trạng thái «{S.DOSSIER_DRAFT}», không phải «{status}»."
        allowed = ", ".join(f"«{s}»" for s in sorted(STEPS.get(prev, ()))) or "không bước nào"
        return f"Không thể chuyển hồ sơ từ «{prev}» sang «{status}»; từ «{prev}» chỉ được: {allowed}."
    if status != S.DOSSIER_DRAFT and _blank(row.get("sent")):
        return f"Trạng thái «{status}» cần «Ngày gửi»."
    if status == S.DOSSIER_RETURNED and _blank(row.get("return_reason")):
        return "Trả lại hồ sơ cần ghi «Lý do trả lại»."
    if status == S.DOSSIER_DECIDED:
        missing = [n for a, n in (("decision_no", "Số quyết định"), ("decided", "Ngày quyết định"),
                                  ("level", "Cấp khen")) if _blank(row.get(a))]
        if missing:
            return "Ghi quyết định cần " + ", ".join(f"«{m}»" for m in missing) + "."
        lv = tuple(levels)
        if row["level"] not in lv:
            return f"«Cấp khen» của quyết định phải là {' hoặc '.join(f'«{x}»' for x in lv)}, không phải «{row['level']}»."
    return None


# --- sides ----------------------------------------------------------------------------------
def on_proposing_side(tree: UnitTree, user: User, unit: str) -> bool:
    if user.role in (S.ROLE_ADMIN, S.ROLE_DESK):
        return True
    return user.role == S.ROLE_OFFICER and unit in tree.subtree(user.unit)


def on_receiving_side(tree: UnitTree, user: User, unit: str) -> bool:
    if user.role in (S.ROLE_ADMIN, S.ROLE_DESK):
        return True
    return user.role == S.ROLE_OFFICER and user.unit == receiver_of(tree, unit) and tree.parent.get(unit) is not None


def _side_ok(tree: UnitTree, user: User, unit: str, side: str) -> bool:
    return on_proposing_side(tree, user, unit) if side == PROPOSING else on_receiving_side(tree, user, unit)


SIDE_VI = {PROPOSING: "bên đề nghị", RECEIVING: "bên tiếp nhận"}


# --- the write door's check ------------------------------------------------------------------
@dataclass(frozen=True)
class WritePlan:
    targets: dict[str, list[int]]  # spreadsheet -> row positions in the parsed frame
    stamp: str


def current(ds: Dataset, tab: str) -> pd.DataFrame:
    """Winning versions (voided ones included) of a workflow tab."""
    v = ds.versions[tab]
    return v[v["_winner"]] if len(v) else v


def dossier_record(ds: Dataset, code: str) -> pd.Series | None:
    cur = current(ds, "HoSo")
    hit = cur[cur["dossier"] == code] if len(cur) else cur
    return hit.iloc[-1] if len(hit) else None


def dossier_lines(ds: Dataset, code: str, *, voided: bool = False) -> pd.DataFrame:
    cur = current(ds, "HoSoDanhSach")
    if not len(cur):
        return cur
    sel = cur[cur["dossier"] == code]
    if not voided:
        sel = sel[~sel["void"]]
    return sel.sort_values("line", kind="mergesort")


def _next_stamp(ds: Dataset, codes: Iterable[str], now_stamp: str) -> str:
    """The new version's stamp: now, but always after the dossier's latest version, so the
    order of 3.3 is the order of the steps even within one second (or under a fixed clock)."""
    wanted = set(codes)
    latest: Any = None
    for tab in ("HoSo", "HoSoDanhSach"):
        v = ds.versions[tab]
        if len(v):
            s = v.loc[v["dossier"].isin(wanted), "stamp"].max()
            if not _blank(s) and (latest is None or s > latest):
                latest = s
    now = datetime.fromisoformat(now_stamp)
    if latest is None:
        return now_stamp
    after = pd.Timestamp(latest).to_pydatetime().replace(tzinfo=clock.VN_TZ) + timedelta(seconds=1)
    return max(now, after).isoformat()


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, [Problem(ERROR, "(biểu mẫu)", "", None, None, "", message, "")])


def check_write(ds: Dataset, user: User, tab: S.Tab, frame: pd.DataFrame, now_stamp: str) -> WritePlan | None:
    """The workflow rules for rows about to be written; None for rows they do not govern."""
    if tab.name == "HoSo":
        return _check_dossiers(ds, user, frame, now_stamp)
    if tab.name == "HoSoDanhSach":
        return _check_lines(ds, user, frame, now_stamp)
    if tab.name == "KhenThuong" and frame["dossier"].notna().any():
        return _check_awards(ds, user, frame, now_stamp)
    return None


def _check_dossiers(ds: Dataset, user: User, frame: pd.DataFrame, now_stamp: str) -> WritePlan:
    tree = ds.tree
    targets: dict[str, list[int]] = {}
    seen: set[str] = set()
    all_codes = set(ds.versions["HoSo"]["dossier"]) if len(ds.versions["HoSo"]) else set()
    for pos in range(len(frame)):
        row = frame.iloc[pos]
        code, unit, status = str(row["dossier"]), str(row["unit"]), str(row["status"])
        if code in seen:
            raise _refuse(f"Hồ sơ «{code}» xuất hiện hai lần trong một lần ghi; mỗi lần ghi chỉ một bước.")
        seen.add(code)
        rec = dossier_record(ds, code)
        if rec is None and code in all_codes:
            raise _refuse(f"Mã hồ sơ «{code}» đã được dùng; hãy dùng mã khác.")
        if rec is not None and bool(rec["void"]):
            raise _refuse(f"Hồ sơ «{code}» đã bị hủy; không ghi thêm được.")
        if rec is not None and rec["unit"] != unit:
            raise _refuse(f"Không được đổi đơn vị đề nghị của hồ sơ «{code}» (đang là {rec['unit']}).")
        prev = None if rec is None else str(rec["status"])
        receiver = receiver_of(tree, unit)
        if bool(row["void"]):
            if rec is None or status != prev:
                raise _refuse("Hủy hồ sơ giữ nguyên trạng thái hiện tại của hồ sơ.")
            if prev in VOIDABLE and on_proposing_side(tree, user, unit):
                sheet = ds.home_sheet(unit)
            elif user.role == S.ROLE_ADMIN:
                sheet = ds.registry  # a province act past the proposing side's reach
            else:
                raise PermissionDenied(
                    f"Chỉ bên đề nghị hủy được hồ sơ khi đang «{S.DOSSIER_DRAFT}», «{S.DOSSIER_SENT}» hoặc "
                    f"«{S.DOSSIER_RETURNED}»; hồ sơ «{code}» đang «{prev}», chỉ Quản trị hủy được."
                )
        else:
            why = step_problem(prev, row, levels_for(tree, unit))
            if why:
                raise _refuse(why)
            side = side_of(status)
            if not _side_ok(tree, user, unit, side):
                raise PermissionDenied(
                    f"Bước «{status}» của hồ sơ «{code}» do {SIDE_VI[side]} thực hiện "
                    f"({'đơn vị ' + tree.name(unit) if side == PROPOSING else tree.name(receiver)}); "
                    f"tài khoản «{user.email}» không thuộc bên đó."
                )
            lines = dossier_lines(ds, code)
            if status == S.DOSSIER_SENT and not len(lines):
                raise _refuse(f"Hồ sơ «{code}» chưa có ai trong danh sách đề nghị; thêm ít nhất một dòng rồi gửi.")
            if status == S.DOSSIER_REVIEWED and lines["result"].isna().any():
                missing = ", ".join(str(x) for x in lines.loc[lines["result"].isna(), "line"])
                raise _refuse(f"Còn dòng chưa có «Kết quả» (STT {missing}); ghi kết quả cho mọi dòng rồi mới xét duyệt.")
            sheet = ds.home_sheet(unit if side == PROPOSING else receiver)
        targets.setdefault(sheet, []).append(pos)
    return WritePlan(targets, _next_stamp(ds, seen, now_stamp))


def _check_lines(ds: Dataset, user: User, frame: pd.DataFrame, now_stamp: str) -> WritePlan:
    tree = ds.tree
    targets: dict[str, list[int]] = {}
    codes: set[str] = set()
    old = current(ds, "HoSoDanhSach")
    for pos in range(len(frame)):
        row = frame.iloc[pos]
        code = str(row["dossier"])
        rec = dossier_record(ds, code)
        if rec is None or bool(rec["void"]):
            raise _refuse(f"Mã hồ sơ «{code}» không có trong HoSo (hoặc đã bị hủy); tạo hồ sơ trước.")
        unit, status = str(rec["unit"]), str(rec["status"])
        receiver = receiver_of(tree, unit)
        line = int(row["line"])
        if line < 1:
            raise _refuse(f"STT phải từ 1 trở lên (dòng «{row['name']}»).")
        if row["unit"] not in tree.subtree(unit):
            raise _refuse(
                f"Người/tập thể «{row['name']}» thuộc đơn vị «{row['unit']}», không thuộc {tree.name(unit)}; "
                "chỉ đề nghị cho đơn vị mình và các đơn vị trực thuộc."
            )
        prior = old[(old["dossier"] == code) & (old["line"] == line)] if len(old) else old
        prior_row = prior.iloc[-1] if len(prior) else None
        has_result = not (_blank(row["result"]) and _blank(row["vote"]))
        if has_result:
            if status != S.DOSSIER_RECEIVED:
                raise _refuse(f"Chỉ ghi kết quả khi hồ sơ «{code}» đang «{S.DOSSIER_RECEIVED}» (đang «{status}»).")
            if not on_receiving_side(tree, user, unit):
                raise PermissionDenied(f"Kết quả xét duyệt do bên tiếp nhận ({tree.name(receiver)}) ghi.")
            if prior_row is None or bool(prior_row["void"]) or any(
                not _same(row[a], prior_row[a]) for a in NOMINEE_FIELDS
            ):
                raise _refuse(f"Dòng STT {line} của hồ sơ «{code}»: bên tiếp nhận chỉ ghi kết quả, không sửa người được đề nghị.")
            sheet = ds.home_sheet(receiver)
        else:
            if status not in EDITABLE:
                raise _refuse(
                    f"Danh sách của hồ sơ «{code}» chỉ sửa được khi hồ sơ đang «{S.DOSSIER_DRAFT}» hoặc "
                    f"«{S.DOSSIER_RETURNED}» (đang «{status}»)."
                )
            if not on_proposing_side(tree, user, unit):
                raise PermissionDenied(f"Danh sách đề nghị do bên đề nghị ({tree.name(unit)}) lập.")
            clears = prior_row is not None and not (_blank(prior_row["result"]) and _blank(prior_row["vote"]))
            # clearing an old result (a return) is a receiving-side version
            sheet = ds.home_sheet(receiver if clears and on_receiving_side(tree, user, unit) else unit)
        codes.add(code)
        targets.setdefault(sheet, []).append(pos)
    return WritePlan(targets, _next_stamp(ds, codes, now_stamp))


def _same(a: object, b: object) -> bool:
    if _blank(a) and _blank(b):
        return True
    if _blank(a) or _blank(b):
        return False
    if isinstance(a, float | int) and isinstance(b, float | int):
        return float(a) == float(b)
    return str(a) == str(b)


def award_code(dossier: str, line: int) -> str:
    return f"{dossier}-{line}"


def _check_awards(ds: Dataset, user: User, frame: pd.DataFrame, now_stamp: str) -> WritePlan:
    tree = ds.tree
    targets: dict[str, list[int]] = {}
    for pos in range(len(frame)):
        row = frame.iloc[pos]
        if _blank(row["dossier"]):
            targets.setdefault(ds.home_sheet(str(row["unit"])), []).append(pos)
            continue
        code = str(row["dossier"])
        rec = dossier_record(ds, code)
        if rec is None or bool(rec["void"]) or rec["status"] != S.DOSSIER_DECIDED:
            raise _refuse(f"Khen thưởng theo hồ sơ «{code}» chỉ ghi được khi hồ sơ «{S.DOSSIER_DECIDED}».")
        lines = dossier_lines(ds, code)
        agreed = {award_code(code, int(n)) for n, r in zip(lines["line"], lines["result"], strict=True)
                  if r == S.RESULT_AGREED}
        if row["award"] not in agreed:
            raise _refuse(f"«{row['award']}» không ứng với dòng «{S.RESULT_AGREED}» nào của hồ sơ «{code}».")
        if not on_receiving_side(tree, user, str(rec["unit"])):
            raise PermissionDenied("Khen thưởng theo quyết định do bên tiếp nhận ghi.")
        targets.setdefault(ds.home_sheet(receiver_of(tree, str(rec["unit"]))), []).append(pos)
    return WritePlan(targets, now_stamp)


# --- the same rules at read time --------------------------------------------------------------
def _problem(row: Mapping[Any, Any] | pd.Series, column: str, value: object, message: str, fix: str) -> Problem:
    shown = "" if _blank(value) else str(value)
    return Problem(ERROR, str(row["_sheet"]), str(row["_tab"]), int(row["_row"]), column, shown, message, fix)


FIX_STEP = ("Trạng thái hồ sơ chỉ đổi qua ứng dụng (trang Hồ sơ khen thưởng / Xét duyệt), hoặc do bên có thẩm quyền "
            "ghi vào bảng tính của mình; xóa dòng này nếu gõ nhầm.")


@dataclass
class Timeline:
    unit: str
    statuses: list[tuple[Any, str]]  # (stamp or NaT, status) of the valid versions, in order
    returned: bool = False

    def at(self, stamp: Any) -> set[str | None]:
        """The statuses the dossier may have had when a list-row version was written: at a stamp,
        the status then; for an unstamped row, any status of the unstamped versions."""
        if _blank(stamp):
            early = {s for t, s in self.statuses if _blank(t)}
            return set(early) if early else {None}
        status: str | None = None
        for t, s in self.statuses:
            if _blank(t) or t <= stamp:
                status = s
            else:
                break
        return {status}


WORKFLOW_TABS = (S.MAU_IN, S.DANG_KY, S.HO_SO, S.HO_SO_DANH_SACH)  # the tabs read_pass stacks


def read_pass(
    stacked: Callable[[S.Tab], pd.DataFrame], frames: dict[str, pd.DataFrame], versions: dict[str, pd.DataFrame],
    tree: UnitTree, allowed: dict[str, frozenset[str]], registry: str, problems: list[Problem],
    *, homes: Homes | None = None,
) -> None:
    """Load MauIn, DangKy, HoSo, HoSoDanhSach and check KhenThuong's dossier awards (SPEC 7)."""
    from sheets.load import _row_problems, _scope_filter, resolve

    known = set(tree.parent)
    versions["MauIn"], frames["MauIn"] = resolve(S.MAU_IN, stacked(S.MAU_IN), problems)
    dk = stacked(S.DANG_KY)
    dk = _scope_filter(S.DANG_KY, dk, dk["unit"], allowed, known, problems, "Mã đơn vị")
    versions["DangKy"], frames["DangKy"] = resolve(S.DANG_KY, dk, problems)

    hs = stacked(S.HO_SO)
    hs = _scope_filter(S.HO_SO, hs, hs["unit"], allowed, known, problems, "Mã đơn vị")
    if len(hs):
        hs["type"] = hs["type"].where(hs["type"].notna(), "Thường xuyên")
    # a dossier's versions live in two spreadsheets by design: no "same key" warning here
    hv, _ = resolve(S.HO_SO, hs, [])
    hv, timelines = _replay_dossiers(hv, tree, allowed, registry, problems)
    versions["HoSo"] = hv
    cur = hv[hv["_winner"] & ~hv["void"]].drop(columns=["_winner"]).reset_index(drop=True)
    cur["receiver"] = pd.Series([receiver_of(tree, u) for u in cur["unit"]], dtype=object)
    cur["returned"] = np.array([timelines[c].returned for c in cur["dossier"]], dtype=bool)
    frames["HoSo"] = cur

    ds_ = stacked(S.HO_SO_DANH_SACH)
    if len(ds_):
        unknown = ~ds_["dossier"].isin(set(timelines))
        problems.extend(_row_problems(ds_, unknown, severity=ERROR, column="Mã hồ sơ", attr="dossier",
                                      message="Mã hồ sơ không có trong HoSo; dòng này không được tính.",
                                      fix="Kiểm tra mã hồ sơ, hoặc tạo hồ sơ trong trang HoSo trước."))
        ds_ = ds_[~unknown.to_numpy()].reset_index(drop=True)
        bad_line = ds_["line"].fillna(0).astype(int) < 1
        problems.extend(_row_problems(ds_, bad_line, severity=ERROR, column="STT", attr="line",
                                      message="STT phải từ 1 trở lên; dòng này không được tính.",
                                      fix="Đánh số thứ tự 1, 2, 3, ..."))
        ds_ = ds_[~bad_line.to_numpy()].reset_index(drop=True)
        proposer = ds_["dossier"].map(lambda c: timelines[c].unit)
        empty: frozenset[str] = frozenset()
        out_scope = np.array([p not in allowed.get(sh, empty) for p, sh in zip(proposer, ds_["_sheet"], strict=True)],
                             dtype=bool)
        problems.extend(_row_problems(ds_, out_scope, severity=ERROR, column="Mã hồ sơ", attr="dossier",
                                      message="Đơn vị lập hồ sơ không thuộc phạm vi của bảng tính này; dòng này không "
                                              "được tính.",
                                      fix="Chuyển dòng sang bảng tính của đơn vị lập hồ sơ."))
        ds_ = ds_[~out_scope].reset_index(drop=True)
        proposer = ds_["dossier"].map(lambda c: timelines[c].unit)
        outside = np.array([u not in tree.subtree(p) for u, p in zip(ds_["unit"], proposer, strict=True)], dtype=bool)
        problems.extend(_row_problems(ds_, outside, severity=ERROR, column="Mã đơn vị", attr="unit",
                                      message="Đơn vị của người/tập thể được đề nghị không thuộc đơn vị lập hồ sơ; "
                                              "dòng này không được tính.",
                                      fix="Chỉ đề nghị cho đơn vị lập hồ sơ và các đơn vị trực thuộc."))
        ds_ = ds_[~outside].reset_index(drop=True)
    lv, _ = resolve(S.HO_SO_DANH_SACH, ds_, [])
    lv = _replay_lines(lv, timelines, tree, allowed, problems)
    versions["HoSoDanhSach"] = lv
    lines = lv[lv["_winner"] & ~lv["void"]].drop(columns=["_winner"])
    frames["HoSoDanhSach"] = lines[lines["dossier"].isin(set(cur["dossier"]))].reset_index(drop=True)

    kt = frames["KhenThuong"]
    if homes is not None:
        kt = _dossier_refs(kt, timelines, homes, allowed, problems)
    frames["KhenThuong"] = _check_dossier_awards(kt, cur, frames["HoSoDanhSach"], problems)


def _dossier_refs(
    kt: pd.DataFrame, timelines: dict[str, Timeline], homes: Homes, allowed: dict[str, frozenset[str]],
    problems: list[Problem],
) -> pd.DataFrame:
    """An award's ``Mã hồ sơ`` names the dossier its spreadsheet sees (SPEC 3.3, references by
    code): one whose H (the home of the proposing unit) is in the row's spreadsheet scope, else
    the province's; otherwise it is unknown, an error, and the row does not count (taking it as
    blank would count an award the dossier never decided). A dossier code is one record in the
    whole province (the workflow writes its versions in two spreadsheets), so there is at most
    one candidate. HoSoDanhSach rows already keep to it: their proposer must be in the row's
    spreadsheet scope (the stricter workflow rule)."""
    if not len(kt) or "dossier" not in kt.columns:
        return kt
    given = kt["dossier"].notna()
    if not given.any():
        return kt
    from sheets.load import _row_problems
    from sheets.owners import Records, resolve_refs

    records = Records({code: [(homes.unit_home.get(tl.unit, homes.registry), code)] for code, tl in timelines.items()})
    ids = resolve_refs(kt["dossier"], kt["_sheet"], records, homes, allowed)
    unknown = given & ids.isna()
    if unknown.any():
        known = kt["dossier"].isin(set(timelines))
        problems.extend(_row_problems(
            kt, unknown & ~known, severity=ERROR, column="Mã hồ sơ", attr="dossier",
            message="Mã hồ sơ không có trong HoSo; dòng này không được tính.",
            fix="Kiểm tra mã hồ sơ, hoặc để trống nếu đây là khen thưởng nhập trực tiếp."))
        problems.extend(_row_problems(
            kt, unknown & known, severity=ERROR, column="Mã hồ sơ", attr="dossier",
            message="Mã hồ sơ chỉ có ở hồ sơ của đơn vị ngoài phạm vi bảng tính này (và không phải của tỉnh); "
                    "dòng này không được tính.",
            fix="Ghi khen thưởng này vào bảng tính của đơn vị xét duyệt hồ sơ đó."))
    return kt[~unknown.to_numpy()].reset_index(drop=True)


def _records(frame: pd.DataFrame) -> list[dict[Any, Any]]:
    """``frame.to_dict("records")``, column by column (``tolist`` boxes values as it does)."""
    names = list(frame.columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*(frame[c].tolist() for c in names), strict=True)]


def _replay_dossiers(
    hv: pd.DataFrame, tree: UnitTree, allowed: dict[str, frozenset[str]], registry: str, problems: list[Problem],
) -> tuple[pd.DataFrame, dict[str, Timeline]]:
    timelines: dict[str, Timeline] = {}
    if not len(hv):
        return hv, timelines
    state: dict[str, tuple[str, bool]] = {}  # code -> (status, voided)
    keep = np.zeros(len(hv), dtype=bool)
    empty: frozenset[str] = frozenset()
    for i, r in enumerate(_records(hv)):
        code, unit, status, sheet = r["dossier"], r["unit"], r["status"], r["_sheet"]
        tl = timelines.get(code)
        prev_status, prev_void = state.get(code, (None, False))
        why: str | None = None
        if tl is not None and unit != tl.unit:
            why = f"Không được đổi đơn vị đề nghị của hồ sơ (đang là {tl.unit})."
        elif prev_void:
            why = "Hồ sơ đã bị hủy; phiên bản sau đó không được tính."
        elif r["void"]:
            if prev_status is None or status != prev_status:
                why = "Hủy hồ sơ phải giữ nguyên trạng thái hiện tại."
            elif not ((prev_status in VOIDABLE and unit in allowed.get(sheet, empty)) or sheet == registry):
                why = f"Chỉ bên đề nghị hủy được hồ sơ khi đang «{S.DOSSIER_DRAFT}», «{S.DOSSIER_SENT}» hoặc «{S.DOSSIER_RETURNED}»."
        else:
            why = step_problem(prev_status, r, levels_for(tree, unit))
            if why is None:
                side = side_of(status)
                who = unit if side == PROPOSING else receiver_of(tree, unit)
                if who not in allowed.get(sheet, empty):
                    why = (f"Bước «{status}» do {SIDE_VI[side]} ({tree.name(who)}) thực hiện; bảng tính này không "
                           "thuộc bên đó nên dòng này không được tính.")
        if why is not None:
            problems.append(_problem(r, "Trạng thái", status, why + " Trạng thái trước đó được giữ.", FIX_STEP))
            continue
        keep[i] = True
        if tl is None:
            tl = timelines[code] = Timeline(unit, [])
        tl.statuses.append((r["stamp"], status))
        if status == S.DOSSIER_RETURNED and not r["void"]:
            tl.returned = True
        state[code] = (status, bool(r["void"]))
    out = hv[keep].reset_index(drop=True)
    out["_winner"] = ~out.duplicated(["dossier"], keep="last").to_numpy()
    return out, timelines


def _replay_lines(
    lv: pd.DataFrame, timelines: dict[str, Timeline], tree: UnitTree, allowed: dict[str, frozenset[str]],
    problems: list[Problem],
) -> pd.DataFrame:
    if not len(lv):
        return lv
    keep = np.zeros(len(lv), dtype=bool)
    empty: frozenset[str] = frozenset()
    for i, r in enumerate(_records(lv)):
        tl = timelines[r["dossier"]]
        statuses = tl.at(r["stamp"])
        has_result = not (_blank(r["result"]) and _blank(r["vote"]))
        why: str | None = None
        if has_result:
            receiver = receiver_of(tree, tl.unit)
            if receiver not in allowed.get(r["_sheet"], empty):
                why = (f"Kết quả xét duyệt do bên tiếp nhận ({tree.name(receiver)}) ghi; bảng tính này không thuộc "
                       "bên đó nên kết quả không được tính.")
            elif S.DOSSIER_RECEIVED not in statuses:
                why = f"Kết quả chỉ được ghi khi hồ sơ đang «{S.DOSSIER_RECEIVED}»."
        elif not statuses & EDITABLE:
            why = f"Danh sách chỉ sửa được khi hồ sơ đang «{S.DOSSIER_DRAFT}» hoặc «{S.DOSSIER_RETURNED}»."
        if why is not None:
            col = "Kết quả" if has_result else "STT"
            problems.append(_problem(r, col, r["result"] if has_result else r["line"],
                                     why + " Phiên bản trước đó được giữ.", FIX_STEP))
            continue
        keep[i] = True
    out = lv[keep].reset_index(drop=True)
    out["_winner"] = ~out.duplicated(["dossier", "line"], keep="last").to_numpy()
    return out


def _check_dossier_awards(
    kt: pd.DataFrame, dossiers: pd.DataFrame, lines: pd.DataFrame, problems: list[Problem]
) -> pd.DataFrame:
    """A ``KhenThuong`` row with a ``Mã hồ sơ`` counts only while that dossier is decided and
    its list row (``<Mã hồ sơ>-<STT>``) agreed."""
    if not len(kt) or "dossier" not in kt.columns or not kt["dossier"].notna().any():
        return kt
    decided = set(dossiers.loc[dossiers["status"] == S.DOSSIER_DECIDED, "dossier"]) if len(dossiers) else set()
    agreed = {
        award_code(d, int(n))
        for d, n, r in zip(lines["dossier"], lines["line"], lines["result"], strict=True)
        if r == S.RESULT_AGREED and d in decided
    } if len(lines) else set()
    bad = kt["dossier"].notna() & ~kt["award"].isin(agreed)
    if bad.any():
        from sheets.load import _row_problems

        problems.extend(_row_problems(
            kt, bad, severity=ERROR, column="Mã hồ sơ", attr="dossier",
            message=f"Khen thưởng theo hồ sơ này chỉ được tính khi hồ sơ «{S.DOSSIER_DECIDED}» và dòng tương ứng "
                    f"(mã «<Mã hồ sơ>-<STT>») có kết quả «{S.RESULT_AGREED}»; dòng này không được tính.",
            fix="Để trống «Mã hồ sơ» nếu đây là khen thưởng nhập trực tiếp, hoặc ghi quyết định qua trang Xét duyệt.",
        ))
    return kt[~bad.to_numpy()].reset_index(drop=True)
