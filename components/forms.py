"""Entry pieces shared by Nhập liệu and Cài đặt: safe writes, messages, history and void.

Every write goes through ``components.data.write`` (the one door) with a ``Mã lần ghi`` kept
in ``st.session_state`` until it succeeds: pressing "Lưu" again after a failure sends the
same id, so the door recognises a write that had landed and never stores it twice. The id
is tied to a fingerprint of the rows: change what you typed and it is a new write.

Input survives failures: forms use ``clear_on_submit=False``, and widgets whose key starts
with ``f_`` are kept across pages by ``keep_form_state`` (called by app.py). A form is only
cleared after its write succeeded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from components import data
from components.fmt import day
from indicators.core import active_units, end_date
from sheets import clock
from sheets import schema as S
from sheets.errors import PermissionDenied, TdktError, ValidationError, WriteError
from sheets.importer import rows_hash
from sheets.load import Dataset, User
from sheets.parse import SEVERITY_VI, Problem
from sheets.write import can_write_tab, history, new_write_id

KEEP_PREFIX = "f_"
_PENDING = "_pending_writes"
_FLASH = "_flash"


# --- state ------------------------------------------------------------------------------
def keep_form_state() -> None:
    """Keep every ``f_`` widget's value when its page is not shown (Streamlit forgets the
    state of widgets that are not drawn; re-assigning it makes it the app's own)."""
    for k in [k for k in st.session_state if isinstance(k, str) and k.startswith(KEEP_PREFIX)]:
        st.session_state[k] = st.session_state[k]


def clear(prefix: str) -> None:
    """Forget a form's inputs (after its write succeeded)."""
    for k in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[k]


def pending(scope: str, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The pending write of ``scope``: its id (and anything the caller made for it, such as a
    generated code), the same while the rows are the same, until ``done(scope)``."""
    book: dict[str, dict[str, Any]] = st.session_state.setdefault(_PENDING, {})
    fp = rows_hash(rows)
    cur = book.get(scope)
    if cur is None or cur["hash"] != fp:
        cur = {"hash": fp, "id": new_write_id()}
        book[scope] = cur
    return cur


def done(scope: str) -> None:
    st.session_state.get(_PENDING, {}).pop(scope, None)


def flash(message: str) -> None:
    """A success message shown once, on the next run (after a rerun that cleared a form)."""
    st.session_state[_FLASH] = message


def show_flash() -> None:
    msg = st.session_state.pop(_FLASH, None)
    if msg:
        st.success(msg, icon=":material/check_circle:")


# --- writing ------------------------------------------------------------------------------
def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    rows = [
        {"Dòng": p.row, "Mức": SEVERITY_VI.get(p.severity, p.severity), "Cột": p.column,
         "Giá trị đã nhập": p.value, "Vấn đề": p.message, "Cách sửa": p.fix}
        for p in problems
    ]
    frame = pd.DataFrame(rows, columns=["Dòng", "Mức", "Cột", "Giá trị đã nhập", "Vấn đề", "Cách sửa"])
    frame["Dòng"] = frame["Dòng"].astype("Int64")
    return frame


def show_failure(exc: BaseException, *, row_label: Callable[[int], str] | None = None) -> None:
    """Say in Vietnamese why nothing was saved, and that the input is still there."""
    keep = " Dữ liệu bạn nhập vẫn còn trên màn hình."
    if isinstance(exc, ValidationError):
        st.error(f"Chưa lưu: {exc}{keep} Sửa các ô dưới đây rồi bấm lưu lại.", icon=":material/warning:")
        if exc.problems:
            st.dataframe(problems_frame(exc.problems).drop(columns=["Dòng"]), hide_index=True, width="stretch")
    elif isinstance(exc, PermissionDenied):
        st.error(f"Không được phép ghi: {exc}{keep}", icon=":material/block:")
    elif isinstance(exc, WriteError):
        st.error(f"{exc} Bấm lưu lần nữa để thử lại: lần ghi sẽ không bị nhân đôi.", icon=":material/warning:")
    elif isinstance(exc, TdktError):
        st.error(f"Chưa lưu: {exc}{keep}", icon=":material/warning:")
    else:  # a store may fail in its own way (disk, network)
        st.error(f"Chưa lưu được: {type(exc).__name__}: {exc}.{keep} Bấm lưu lần nữa để thử lại; "
                 "lần ghi sẽ không bị nhân đôi.", icon=":material/warning:")


def save(scope: str, tab: str, rows: list[dict[str, Any]], user: User, *, write_id: str | None = None) -> Any:
    """Append through the door with the pending id of ``scope``. Returns the ``WriteResult``,
    or None after showing why it failed (the caller keeps the input)."""
    wid = write_id or pending(scope, rows)["id"]
    try:
        result = data.write(tab, rows, user.email, write_id=wid)
    except Exception as exc:  # the door raises TdktError; a store may raise anything
        show_failure(exc)
        return None
    done(scope)
    return result


def saved_message(result: Any, what: str) -> str:
    if getattr(result, "already", False):
        return f"{what}: lần ghi trước đã vào dữ liệu, không ghi thêm lần nữa."
    if getattr(result, "completed", False):  # a retry finishing an interrupted multi-spreadsheet write
        return (f"{what} — đã ghi thêm {result.rows_added} dòng còn thiếu; "
                f"{result.rows - result.rows_added} dòng khác đã vào từ lần ghi trước (tổng {result.rows} dòng).")
    sheets = ", ".join(getattr(result, "sheets", {}) or {})
    return f"{what} — đã ghi {getattr(result, 'rows', 0)} dòng vào bảng tính {sheets}."


# --- who may write what -------------------------------------------------------------------
def writable_units(ds: Dataset, user: User) -> list[str]:
    """Units the user may write for: its subtree (the whole province for an administrator)."""
    units = ds.frames["DonVi"]
    allowed = ds.tree.subtree(None if user.role == S.ROLE_ADMIN else user.unit)
    level_order = {lv: i for i, lv in enumerate(S.LEVELS)}
    sel = units[units["unit"].isin(allowed)]
    sel = sel.assign(_o=sel["level"].map(level_order)).sort_values(["_o", "unit"])
    return [str(u) for u in sel["unit"]]


def unit_label(ds: Dataset) -> Callable[[str], str]:
    return lambda code: f"{code} — {ds.tree.name(code)}"


def active_at(ds: Dataset, year: int) -> set[str]:
    """Units active at E = min(today, 31/12/year) (SPEC 4)."""
    units = ds.frames["DonVi"]
    if not len(units):
        return set()
    e = pd.Timestamp(end_date(year, clock.today()))
    return set(units.loc[active_units(units, e).to_numpy(), "unit"])


def may_write(user: User | None, tab: str) -> bool:
    return user is not None and can_write_tab(user, tab)


# --- records ------------------------------------------------------------------------------
def _plain(value: Any, col: S.Column) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if col.kind is S.Kind.DATE and isinstance(value, datetime):
        return value.date()
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()  # numpy scalars
    return value


def current_row(ds: Dataset, tab_name: str, key: dict[str, Any]) -> dict[str, Any] | None:
    """The current (winning, not voided) record as a row for the door, audit columns blank."""
    tab = S.TABS[tab_name]
    cur = ds.frames[tab.name]
    for attr in tab.key_attrs:
        cur = cur[cur[attr] == key[attr]]
    if not len(cur):
        return None
    rec = cur.iloc[-1]
    return {c.attr: _plain(rec[c.attr], c) for c in tab.columns if c.attr in rec.index and c.attr != "void"}


def next_code(ds: Dataset, tab_name: str, prefix: str) -> str:
    """The first ``prefix`` + two digits not used by any version of the tab."""
    tab = S.TABS[tab_name]
    used = set(ds.versions[tab.name][tab.key_attrs[0]].astype(str))
    n = 1
    while f"{prefix}{n:02d}" in used:
        n += 1
    return f"{prefix}{n:02d}"


def record_label(ds: Dataset, tab: S.Tab, rec: pd.Series) -> str:
    key = " · ".join(str(rec[a]) for a in tab.key_attrs)
    extra = ""
    if "name" in rec.index and isinstance(rec["name"], str) and tab.name != "DonVi":
        extra = f" — {rec['name']}"
    elif tab.unit_attr and tab.unit_attr in rec.index:
        extra = f" — {ds.tree.name(str(rec[tab.unit_attr]))}"
    return key + extra


def records_for(ds: Dataset, user: User, tab_name: str, *, year: int | None = None, query: str = "") -> pd.DataFrame:
    """Current records of a tab the user may change, optionally of one year and matching text."""
    tab = S.TABS[tab_name]
    cur = ds.frames[tab.name]
    if not len(cur):
        return cur
    if user.role != S.ROLE_ADMIN and tab.unit_attr:
        cur = cur[cur[tab.unit_attr].isin(ds.tree.subtree(user.unit))]
    elif user.role != S.ROLE_ADMIN and tab.name == "DiemDanh":
        courses = ds.frames["KhoaHoc"]
        mine = set(courses.loc[courses["unit"].isin(ds.tree.subtree(user.unit)), "course"])
        cur = cur[cur["course"].isin(mine)]
    if year is not None and "year" in cur.columns:
        cur = cur[cur["year"] == year]
    if query.strip():
        from sheets.text import fold

        q = fold(query)
        text = cur[[c.attr for c in tab.columns if c.kind in (S.Kind.CODE, S.Kind.TEXT, S.Kind.EMAIL)]]
        folded = text.map(lambda v: fold(v) if isinstance(v, str) else "")
        hit = folded.apply(lambda col: col.str.contains(q, regex=False)).any(axis=1)
        cur = cur[hit]
    return cur.sort_values(list(tab.key_attrs)).reset_index(drop=True)


def history_frame(ds: Dataset, tab_name: str, key: dict[str, Any]) -> pd.DataFrame:
    """Every version of one record, newest last, with Vietnamese headers."""
    tab = S.TABS[tab_name]
    h = history(ds, tab.name, key)
    out = pd.DataFrame({c.name: h[c.attr] for c in tab.all_columns if c.attr in h.columns})
    for c in tab.all_columns:
        if c.kind is S.Kind.DATE and c.name in out:
            out[c.name] = out[c.name].map(lambda v: day(v) if pd.notna(v) else "")
        if c.kind is S.Kind.YESNO and c.name in out:
            out[c.name] = out[c.name].map(lambda v: "Có" if bool(v) else "Không")
    out["Bảng tính"] = h["_sheet"]
    out["Dòng"] = h["_row"]
    out["Đang dùng"] = h["_winner"].map(lambda v: "✓" if v else "")
    return out


def history_and_void(ds: Dataset, user: User, tab_name: str, key: dict[str, Any], *, label: str,
                     slot: str = "hv") -> None:
    """The versions of a record, and "Hủy" after a confirmation (a voided version is appended)."""
    tab = S.TABS[tab_name]
    st.dataframe(history_frame(ds, tab.name, key), hide_index=True, width="stretch")
    if not may_write(user, tab.name):
        return
    confirm_key = f"{slot}_confirm"
    target = f"{tab.name}:{key}"
    if st.session_state.get(confirm_key) != target:
        if st.button("Hủy bản ghi này…", key=f"{slot}_void", icon=":material/delete:"):
            st.session_state[confirm_key] = target
            st.rerun()
        return
    st.warning(
        f"Hủy bản ghi **{label}**? Một phiên bản mới có «Hủy» = Có được ghi thêm; bản ghi không còn được "
        "tính ở đâu, và lịch sử vẫn giữ nguyên.",
        icon=":material/warning:",
    )
    c1, c2 = st.columns(2)
    if c1.button("Xác nhận hủy", type="primary", key=f"{slot}_void_yes"):
        scope = f"void:{target}"
        wid = pending(scope, [key | {"void": True}])["id"]
        try:
            data.void(tab.name, key, user.email, write_id=wid)
        except Exception as exc:
            show_failure(exc)
            return
        done(scope)
        st.session_state.pop(confirm_key, None)
        flash(f"Đã hủy bản ghi {label}.")
        st.rerun()
    if c2.button("Không hủy", key=f"{slot}_void_no"):
        st.session_state.pop(confirm_key, None)
        st.rerun()


def date_or_none(value: Any) -> date | None:
    return value if isinstance(value, date) else None
