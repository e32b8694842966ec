"""The pieces of the Đôn đốc page: the list of a topic, the selection, sending by e-mail, copying
for Zalo or phone, the log. The logic is in ``indicators.followup``, ``sheets.reminders`` and
``sheets.mail``; this module only draws and keeps the state of a batch between tries."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from components import data, forms
from components.fmt import day
from indicators import followup as FU
from sheets import clock
from sheets import mail as M
from sheets import reminders as R
from sheets import schema as S
from sheets.errors import TdktError
from sheets.load import Dataset, User

_OUTBOX = "_dd_outboxes"
MANUAL_CHANNELS = tuple(c for c in S.REMINDER_CHANNELS if c != "Email")
_CSS = """<style>
.dd-list { max-height: 520px; overflow-y: auto; border: 1px solid #ddd; border-radius: 8px; padding: 0 .6rem; }
.dd-unit { border-bottom: 1px solid #eee; padding: .5rem 0; line-height: 1.35; }
.dd-unit:last-child { border-bottom: 0; }
.dd-name { font-weight: 600; }
.dd-lack { color: #b23b00; }
.dd-lacks { margin: 0 0 .1rem 0; padding-left: 1.2rem; }
.dd-meta { color: #555; font-size: .9em; word-break: break-word; }
.dd-badge { display: inline-block; padding: 0 .45em; border-radius: .6em; font-size: .85em; margin-left: .3em; }
.dd-new { background: #fff3e0; color: #8a4b00; }
.dd-waiting { background: #fde7e7; color: #9b1c1c; }
.dd-acted { background: #e5f4e6; color: #1b5e20; }
</style>"""
_BADGE = {FU.STATUS_NEW: "dd-new", FU.STATUS_WAITING: "dd-waiting", FU.STATUS_ACTED: "dd-acted"}


def topic_from_query(topics: Sequence[str]) -> str:
    slug = st.query_params.get("chu_de")
    topic = FU.TOPIC_OF_SLUG.get(str(slug)) if slug else None
    return topic if topic is not None and topic in topics else topics[0]


def _text(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) or v is pd.NaT else str(v)


def unit_list(fl: FU.FollowList) -> None:
    """Every unit of the list, wrapped for a phone: what it lacks, contacts, last reminder, status."""
    if not len(fl.units):
        st.success("Không có đơn vị nào cần đôn đốc về nội dung này.", icon=":material/task_alt:")
        return
    parts = [_CSS, '<div class="dd-list">']
    for r in fl.units.to_dict("records"):
        status = str(r["Tình trạng"])
        contacts = " · ".join(x for x in (_text(r["Email"]), _text(r["Điện thoại"])) if x) or "chưa có liên hệ"
        officers = _text(r["Email cán bộ"])
        last = (f"Nhắc lần cuối: {day(r['Nhắc lần cuối'])} ({_text(r['Kênh'])}), {r['Số lần nhắc']} lần"
                if r["Số lần nhắc"] else "Chưa nhắc lần nào trong năm")
        lacks = [lk.text for lk in fl.lacks.get(str(r["Mã đơn vị"]), ())]
        if len(lacks) > 1:  # one line each: several dossiers or reviews of one unit stay readable
            lack_html = ('<span class="dd-lack">Còn thiếu:</span><ul class="dd-lacks">'
                         + "".join(f'<li class="dd-lack">{html.escape(t)}</li>' for t in lacks) + "</ul>")
        elif lacks:
            lack_html = f'<span class="dd-lack">Còn thiếu: {html.escape(lacks[0])}</span><br>'
        else:
            lack_html = ""
        parts.append(
            f'<div class="dd-unit" data-unit="{html.escape(str(r["Mã đơn vị"]))}">'
            f'<span class="dd-name">{html.escape(str(r["Tên đơn vị"]))}</span> '
            f'<span class="dd-meta">({html.escape(str(r["Mã đơn vị"]))})</span>'
            f'<span class="dd-badge {_BADGE[status]}">{html.escape(status.lower())}</span><br>'
            + lack_html
            + f'<span class="dd-meta">Liên hệ: {html.escape(contacts)}'
            + (f"; cán bộ: {html.escape(officers)}" if officers else "")
            + f"<br>{html.escape(last)}</span></div>"
        )
    parts.append("</div>")
    st.html("".join(parts))


def selection(fl: FU.FollowList, ds: Dataset, user: User, key: str) -> list[str]:
    """The units to remind, among those still lacking something that the user may remind."""
    pending = list(fl.pending["Mã đơn vị"])
    # one's own unit is not reminded: what it lacks is the user's own to do
    options = [u for u in pending if u != user.unit and R.may_remind_unit(ds, user, u, fl.topic)]
    if user.unit in pending:
        st.caption(f"{ds.tree.name(user.unit)} (đơn vị của bạn) cũng còn thiếu nội dung này: "
                   + ("xem hộp hồ sơ ở trang Xét duyệt." if fl.topic == S.TOPIC_DOSSIER else "đơn vị tự thực hiện, không gửi nhắc."))
    if not options:
        st.info("Không có đơn vị nào trong phạm vi của bạn để nhắc về nội dung này.")
        return []
    nxt = st.session_state.pop(_next(key), None)  # set after a send, applied before the widget is drawn
    cur = [u for u in (nxt if nxt is not None else st.session_state.get(key, [])) if u in options]
    if st.session_state.get(key) != cur:
        st.session_state[key] = cur
    left, right = st.columns(2)
    if left.button(f"Chọn tất cả ({len(options)} đơn vị)", key=f"{_bk(key)}_all", icon=":material/select_all:"):
        st.session_state[key] = list(options)
    if right.button("Bỏ chọn", key=f"{_bk(key)}_none", icon=":material/deselect:"):
        st.session_state[key] = []
    picked: list[str] = st.multiselect("Đơn vị cần nhắc", options, key=key, format_func=ds.tree.name,
                                       placeholder="Chọn đơn vị")
    return picked


def _bk(key: str) -> str:
    """Button keys must not start with ``f_`` (those are kept by re-assignment, which buttons refuse)."""
    return "dd_" + key.removeprefix("f_")


def _next(key: str) -> str:
    return "_dd_next_" + key


def app_url() -> str:
    tdkt = _secrets("tdkt")
    if tdkt and tdkt.get("app_url"):
        return str(tdkt["app_url"])
    try:
        url = str(st.context.url or "")
    except Exception:
        url = ""
    return url.split("?")[0] or "ứng dụng theo dõi thi đua, khen thưởng"


def _secrets(name: str) -> Mapping[str, Any] | None:
    try:
        got = st.secrets.get(name)
    except Exception:
        return None
    return got if isinstance(got, Mapping) else None


def smtp_config() -> M.SmtpConfig | None:
    tdkt = _secrets("tdkt")
    smtp = tdkt.get("smtp") if tdkt else None
    if not isinstance(smtp, Mapping):
        return None
    try:
        return M.SmtpConfig.from_secrets(smtp)
    except TdktError as exc:
        st.error(str(exc))
        return None


def _outbox(scope: str, rows: list[dict[str, Any]]) -> M.Outbox:
    """The batch of this selection: the same while the selection and text stay the same."""
    batch = forms.pending(scope, rows)["id"]
    book: dict[str, M.Outbox] = st.session_state.setdefault(_OUTBOX, {})
    return book.setdefault(batch, M.Outbox(batch))


def send_email(msgs: list[R.Message], user: User, key: str) -> None:
    no_mail = [m.unit_name for m in msgs if not m.to]
    if no_mail:
        st.warning("Chưa có e-mail (sẽ không gửi được): " + ", ".join(no_mail) + ". Dùng Zalo hoặc điện thoại.")
    cfg = smtp_config()
    if cfg is None:
        st.info("Chưa cấu hình máy chủ gửi thư ([tdkt.smtp] trong secrets.toml): hãy sao chép nội dung để gửi "
                "qua Zalo, điện thoại.", icon=":material/mail_lock:")
    pressed = st.button(f"Gửi e-mail ({len(msgs)} đơn vị)", type="primary", key=f"{_bk(key)}_send",
                        disabled=cfg is None or not msgs, icon=":material/send:")
    if not pressed or cfg is None:
        return
    scope = f"{key}_mail"
    outbox = _outbox(scope, [{"u": m.unit, "t": m.topics, "b": m.body, "to": m.to} for m in msgs])
    with st.spinner("Đang gửi thư…"):
        report = M.send_reminders(data.get_store(), data.get_dataset(), user.email, msgs, cfg, outbox,
                                  day=clock.today())
    data.notify_written()
    _after(report, key, scope, outbox, {m.unit: m.unit_name for m in msgs})


def _after(report: M.SendReport, key: str, scope: str, outbox: M.Outbox, names: dict[str, str]) -> None:
    left = [u for u in st.session_state.get(key, []) if u not in report.sent]
    if report.ok:
        forms.done(scope)
        st.session_state.get(_OUTBOX, {}).pop(outbox.batch, None)
    if report.sent:
        forms.flash(f"Đã gửi e-mail và ghi nhận nhắc việc cho {len(report.sent)} đơn vị: "
                    + ", ".join(names.get(u, u) for u in report.sent) + ".")
    problems = [f"{names.get(u, u)}: chưa gửi — {why}" for u, why in report.failed.items()]
    problems += [f"{names.get(u, u)}: thư đã được máy chủ nhận nhưng chưa ghi được nhật ký ({why}); bấm gửi lại "
                 "để ghi, thư sẽ không bị gửi lần nữa" for u, why in report.unrecorded.items()]
    st.session_state[f"{key}_problems"] = problems
    st.session_state[_next(key)] = left  # what failed stays selected
    st.rerun()


def show_problems(key: str) -> None:
    problems = st.session_state.get(f"{key}_problems") or []
    if problems:
        st.error("Một số thư chưa gửi được; các đơn vị này vẫn được chọn để gửi lại:\n\n"
                 + "\n".join(f"- {p}" for p in problems), icon=":material/warning:")


def copy_and_record(msgs: list[R.Message], phones: Mapping[str, str], user: User, key: str) -> None:
    """Each message ready to copy (one tap: the copy button of the code block), then the
    reminders recorded with their channel."""
    for m in msgs:
        st.markdown(f"**{m.unit_name}**" + (f" · :material/call: {phones[m.unit]}" if phones.get(m.unit) else ""))
        st.code(m.body, language=None, wrap_lines=True)
    channel = st.radio("Đã nhắc qua", MANUAL_CHANNELS, horizontal=True, key=f"{key}_channel") or MANUAL_CHANNELS[0]
    if not st.button(f"Ghi nhận đã nhắc qua {channel} ({len(msgs)} đơn vị)", key=f"{_bk(key)}_record",
                     disabled=not msgs, icon=":material/playlist_add_check:"):
        return
    scope = f"{key}_manual"
    rows = [{"u": m.unit, "t": m.topics, "b": m.body, "c": channel} for m in msgs]
    batch = forms.pending(scope, rows)["id"]
    try:
        M.record_manual(data.get_store(), data.get_dataset(), user.email, msgs, channel=channel,
                        day=clock.today(), batch=batch)
    except Exception as exc:
        forms.show_failure(exc)
        return
    data.notify_written()
    forms.done(scope)
    forms.flash(f"Đã ghi nhận nhắc việc qua {channel} cho {len(msgs)} đơn vị.")
    st.session_state[_next(key)] = []
    st.rerun()


def respond_by(key: str) -> date:
    got = st.date_input("Thời hạn hoàn thành", value=clock.today() + timedelta(days=10), format="DD/MM/YYYY",
                        key=f"{key}_due", min_value=clock.today())
    return got if isinstance(got, date) else clock.today() + timedelta(days=10)
