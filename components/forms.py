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
from types import SimpleNamespace
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
            st.dataframe(problems_frame(exc.problems).drop(columns=["Dòng"]), hide_index=True, width="stretch",
                         placeholder="")
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
    from components.tables import REGISTRY_VI, sheet_label

    names = [str(sheet_label(n)) for n in (getattr(result, "sheets", {}) or {})]
    where = ", ".join(n if n == REGISTRY_VI else f"bảng tính {n}" for n in names)
    return f"{what} — đã ghi {getattr(result, 'rows', 0)} dòng" + (f" vào {where}." if where else ".")


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
    from components.tables import sheet_label

    out["Bảng tính"] = h["_sheet"].map(sheet_label)
    out["Dòng"] = h["_row"]
    out["Đang dùng"] = h["_winner"].map(lambda v: "✓" if v else "")
    return out


def history_and_void(ds: Dataset, user: User, tab_name: str, key: dict[str, Any], *, label: str,
                     slot: str = "hv") -> None:
    """The versions of a record, and "Hủy" after a confirmation (a voided version is appended)."""
    tab = S.TABS[tab_name]
    st.dataframe(history_frame(ds, tab.name, key), hide_index=True, width="stretch", placeholder="")
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


# --- the form lifecycle -------------------------------------------------------------------
# draft -> (similar? confirm) -> save through the door -> saved (record read-only, "Thêm mới")
_FLOW = "_flow_"


def _cell_text(col: S.Column | None, value: Any) -> str:
    """A value as a person reads it: blanks blank, Có/Không, dd/mm/yyyy, 1.234."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool) or (col is not None and col.kind is S.Kind.YESNO):
        return "Có" if bool(value) else "Không"
    if isinstance(value, datetime | date | pd.Timestamp):
        return day(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".") if abs(value) >= 10000 else str(value)
    return str(value)


def record_lines(tab_name: str, row: dict[str, Any]) -> list[tuple[str, str]]:
    """(header, text) of the filled fields of a row keyed by attr or by header, in tab order."""
    tab = S.TABS[tab_name]
    out = []
    for c in tab.columns:
        v = row.get(c.attr, row.get(c.name))
        text = _cell_text(c, v)
        if text and c.attr != "void":
            out.append((c.name, text))
    return out


def scroll_into_view(css_key: str) -> None:
    """Bring an element with ``key=css_key`` into view (a confirmation drawn where the user
    is not looking, e.g. after a save at the bottom of a long page on a phone)."""
    import streamlit.components.v1 as components

    components.html(
        "<script>const d=window.parent.document;"
        f"setTimeout(()=>{{const e=d.querySelector('.'+CSS.escape('st-key-{css_key}'));"
        "if(e){e.scrollIntoView({block:'center',behavior:'instant'});}},150);</script>",
        height=0,
    )


class Flow:
    """The ONE lifecycle of a form that writes: every page that writes uses it.

    Usage (a record form)::

        flow = forms.Flow("pt_new", tab="PhongTrao", user=user)
        if flow.saved():                 # just saved: confirmation, the record read-only, "Thêm mới"
            return
        with flow.form():                # st.form, not cleared on submit (input survives failures)
            name = st.text_input("Tên *", key=flow.k("name"))   # keys "f_pt_new_…": kept across pages
            submitted = flow.submit("Phát động")
        if submitted:
            p = flow.pending({"name": name})   # {"id": …}; add generated codes to it, they stay
            flow.save([row], what=f"Đã phát động «{name}» (mã {code})",
                      similar=dupes.movement(ds, row))   # a look-alike asks to confirm first
        flow.prompt()                    # the confirm question / failure, right under the button

    A grid (no record view) calls ``flow.save(rows, what=..., keep=True)`` and ``flow.note()``
    beside its button: the confirmation stays until ``flow.reset()`` (the next edit).

    - Same content submitted again = the same ``Mã lần ghi`` (the door does not double it).
    - ``similar``: a Vietnamese sentence naming an existing record that looks like this one;
      the user must press "Vẫn ghi" to write.
    - A failure is shown under the button and keeps every input; a success clears the inputs
      (``f_<key>_`` widgets) and, for a record form, shows the saved record until "Thêm mới".
    """

    def __init__(self, key: str, *, tab: str, user: User, again: str = "Thêm mới") -> None:
        self.key, self.tab, self.user, self.again = key, tab, user, again

    # -- state
    @property
    def _state(self) -> dict[str, Any]:
        return st.session_state.setdefault(_FLOW + self.key, {})  # type: ignore[no-any-return]

    def k(self, name: str) -> str:
        """The widget key of a field: kept across pages, cleared after a save. A form drawn
        again right after its save (``keep``) gets new keys ("@turn"): a browser keeps the values
        of widgets it still shows under the same key, so a cleared box would stay ticked and a
        row read «no result» over what was just saved."""
        return f"{KEEP_PREFIX}{self.key}_{name}" + (f"@{self.turn}" if self.turn else "")

    @property
    def turn(self) -> int:
        """How many times this form was drawn again after a save (``keep``), part of its keys
        (and of a widget's that cannot be an ``f_`` key, such as a file uploader's)."""
        return int(st.session_state.get(_FLOW + self.key + "_turn", 0))

    def reset(self) -> None:
        """Back to an empty draft (after "Thêm mới", or when a grid is edited again)."""
        st.session_state.pop(_FLOW + self.key, None)

    @property
    def phase(self) -> str:
        self._check_landed()
        return str(self._state.get("phase", "draft"))

    def pending(self, inputs: dict[str, Any] | Sequence[dict[str, Any]]) -> dict[str, Any]:
        """The pending write of these inputs: ``{"id": …}`` plus whatever the caller stores in it
        (a generated code), the same while the inputs are the same."""
        return pending(f"flow:{self.key}", [inputs] if isinstance(inputs, dict) else list(inputs))

    # -- drawing
    def form(self, *, border: bool = True) -> Any:
        return st.form(f"{self.key}_form", clear_on_submit=False, border=border)

    def submit(self, label: str, **kwargs: Any) -> bool:
        kwargs.setdefault("type", "primary")
        kwargs.setdefault("key", f"{self.key}_submit")
        return bool(st.form_submit_button(label, **kwargs))

    def saved(self) -> bool:
        """After a save: the confirmation, what was saved (read-only) and "Thêm mới". True
        while shown, so the caller draws no form (a second click cannot write again)."""
        self._check_landed()
        s = self._state
        if s.get("phase") != "saved" or s.get("keep"):
            return False
        with st.container(border=True, key=f"flow_{self.key}_saved"):
            st.success(s["message"], icon=":material/check_circle:")
            lines = s.get("lines") or []
            if lines:
                st.markdown("  \n".join(f"**{h}:** {v}" for h, v in lines))
            if st.button(self.again, key=f"{self.key}_again", icon=":material/add:"):
                self.reset()
                st.rerun()
        if s.pop("scroll", False):
            scroll_into_view(f"flow_{self.key}_saved")
        return True

    def note(self) -> None:
        """For a grid: the last save's confirmation, beside its button, until ``reset()``."""
        self._check_landed()
        s = self._state
        if s.get("phase") == "saved":
            with st.container(key=f"flow_{self.key}_note"):
                st.success(s["message"], icon=":material/check_circle:")
            if s.pop("scroll", False):
                scroll_into_view(f"flow_{self.key}_note")

    def prompt(self) -> None:
        """Under the button: the confirmation question for a look-alike record."""
        s = self._state
        if s.get("phase") != "confirm":
            return
        with st.container(border=True, key=f"flow_{self.key}_confirm"):
            st.warning(s["similar"], icon=":material/content_copy:")
            c1, c2 = st.columns(2)
            if c1.button("Vẫn ghi", type="primary", key=f"{self.key}_yes"):
                self._write(s["rows"], s["what"], s.get("keep", False), s.get("write_id"),
                            st.session_state.pop(_FLOW + self.key + "_cb", None))
            if c2.button("Không ghi", key=f"{self.key}_no"):
                self.reset()
                st.rerun()

    # -- writing
    def save(self, rows: list[dict[str, Any]], *, what: str, similar: str | None = None,
             keep: bool = False, write_id: str | None = None,
             on_saved: Callable[[Any], None] | None = None) -> None:
        """Write ``rows`` (or first ask, when ``similar`` names a look-alike record). On success
        the inputs are cleared, ``on_saved(result)`` runs (forget a grid's edits, an upload) and
        the app reruns into the saved view; on failure the reason is shown here and nothing is
        lost. ``keep``: a grid, no record view (see ``note``). ``what`` names what was saved
        (with its record code); the row counts and spreadsheets are added to it."""
        if similar:
            self._state.clear()
            self._state.update(phase="confirm", rows=rows, what=what, similar=similar, keep=keep,
                               write_id=write_id)
            st.session_state[_FLOW + self.key + "_cb"] = on_saved
            return
        self._write(rows, what, keep, write_id, on_saved)

    def _write(self, rows: list[dict[str, Any]], what: str, keep: bool, write_id: str | None,
               on_saved: Callable[[Any], None] | None = None) -> None:
        scope = f"flow:{self.key}"
        wid = write_id or pending(scope, rows)["id"]
        # Written down before the write: a click arriving during the write stops this run at
        # its next touch of st.session_state, and the next run must still learn what landed.
        s = self._state
        s.clear()
        s.update(phase="writing", write_id=wid, what=what, keep=keep, rows=rows)
        result = save(scope, self.tab, rows, self.user, write_id=wid)
        if result is None:  # the failure is on screen, the input kept; the rows may have landed
            s["phase"] = "failed"
            return
        self._saved(s, rows, saved_message(result, what), keep)
        if on_saved is not None:
            on_saved(result)
        self._clear_inputs(s)
        st.rerun(scope="app")

    def _saved(self, s: dict[str, Any], rows: list[dict[str, Any]], message: str, keep: bool) -> None:
        # a plain dict: changing it cannot be interrupted, unlike st.session_state
        s.clear()
        s.update(phase="saved", message=message, keep=keep, scroll=True, uncleared=True,
                 lines=record_lines(self.tab, rows[0]) if len(rows) == 1 and not keep else [])

    def _clear_inputs(self, s: dict[str, Any]) -> None:
        if s.get("uncleared"):
            clear(f"{KEEP_PREFIX}{self.key}_")
            s["uncleared"] = False
            if s.get("keep"):
                st.session_state[_FLOW + self.key + "_turn"] = self.turn + 1

    def _check_landed(self) -> None:
        """A write whose answer was lost (a failure, or a run stopped by the next click): when
        the data read since holds its write id, the write landed; say so instead of leaving
        "thử lại" for a write that is done. The pending id stays: the same content sent again
        is recognised by the door. A write stopped before it landed is a draft again."""
        s = self._state
        if s.get("phase") in ("failed", "writing"):
            if data.landed(self.tab, str(s["write_id"])):
                result = SimpleNamespace(already=s["phase"] == "failed", rows=len(s["rows"]))
                self._saved(s, s["rows"], saved_message(result, s["what"]), s["keep"])
            elif s["phase"] == "writing":
                s.clear()
        if s.get("phase") == "saved":
            self._clear_inputs(s)


def tabs(key: str, labels: Sequence[str]) -> Sequence[Any]:
    """Tabs that keep the selected one across every rerun, save, error and page visit.

    Only the selected tab's content needs drawing: ``if tab.open: …`` (None outside a run
    that tracks state counts as open)."""
    k = f"{KEEP_PREFIX}tab_{key}"
    if st.session_state.get(k) not in labels:
        st.session_state.pop(k, None)
    return st.tabs(list(labels), key=k, on_change="rerun")  # type: ignore[call-overload,no-any-return]


def is_open(tab: Any) -> bool:
    return getattr(tab, "open", None) is not False
