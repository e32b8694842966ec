"""Đôn đốc: per topic, the units still missing something, reminders by e-mail or Zalo, the log.

Officers remind units of their subtree, training coordinators about training, the province
desk and administrators any unit; leaders read the lists and the log (SPEC 8)."""

from __future__ import annotations

import streamlit as st

from components import auth, banner, data, forms, tables
from components import reminders_ui as ui
from indicators import followup as FU
from sheets import reminders as R
from sheets import schema as S

TOPICS = list(FU.SLUGS)


def _lower_first(label: str) -> str:
    """«Đơn vị có cán bộ TĐKT …» -> «đơn vị có cán bộ TĐKT …» (an abbreviation keeps its capitals)."""
    return label[:1].lower() + label[1:]


def render() -> None:
    st.title("Đôn đốc")
    ds = data.get_dataset()
    user = auth.current_user()
    banner.freshness(ds)
    forms.show_flash()
    f = banner.filters(ds)
    res = data.get_results(f.year, f.as_of, f.scope)
    with banner.guard("danh sách cần đôn đốc"):
        lists = FU.follow_up(ds, f.year, f.as_of, f.scope, results=res)
    default = ui.topic_from_query(TOPICS)
    # keyed by the counts: a kept widget would go on showing the counts it was first drawn with
    # (after a change of scope, year or data), so new counts make a new box, on the same topic
    counts = "_".join(str(len(lists[t].pending)) for t in TOPICS)
    topic = st.selectbox("Nội dung cần đôn đốc", TOPICS, index=TOPICS.index(default), key=f"dd_topic_{counts}",
                         format_func=lambda t: f"{t} — {_lower_first(FU.LABELS[t])} ({len(lists[t].pending)})")
    st.query_params["chu_de"] = FU.SLUGS[topic]
    fl = lists[topic]
    st.markdown(f"**{len(fl.pending)}** đơn vị còn thiếu · **{len(fl.acted)}** đơn vị đã thực hiện sau khi nhắc")
    with banner.guard("danh sách đơn vị"):
        ui.unit_list(fl)

    if user is not None and R.may_remind(user) and topic != S.TOPIC_AWARD:
        key = f"f_dd_units_{FU.SLUGS[topic]}"
        st.subheader("Gửi nhắc việc")
        ui.show_problems(key)
        picked = ui.selection(fl, ds, user, key)
        if picked:
            due = ui.respond_by(key)
            sender = user.unit
            msgs = FU.build_messages(ds, fl, picked, sender=sender, year=f.year, as_of=f.as_of, respond_by=due,
                                     app_url=ui.app_url())
            phones = {str(r["Mã đơn vị"]): str(r["Điện thoại"]) for r in fl.units.to_dict("records")
                      if r["Điện thoại"]}
            mail_tab, copy_tab = st.tabs(["E-mail", "Zalo, điện thoại"])
            with mail_tab:
                with st.expander(f"Xem thư gửi {msgs[0].unit_name}" if msgs else "Xem thư"):
                    if msgs:
                        st.markdown(f"**Tiêu đề:** {msgs[0].subject}  \n**Gửi đến:** {', '.join(msgs[0].to) or '—'}")
                        st.text(msgs[0].body)
                ui.send_email(msgs, user, key)
            with copy_tab:
                ui.copy_and_record(msgs, phones, user, key)

    st.subheader("Nhật ký nhắc việc")
    log = FU.reminder_log(ds, f.year, f.as_of, f.scope)
    if not len(log):
        st.caption(f"Chưa có nhắc việc nào năm {f.year} trong phạm vi này.")
    else:
        text = [c for c in log.columns if c != "Ngày nhắc"]
        log[text] = log[text].astype(object).where(log[text].notna(), "")  # blank, not "None"
        st.dataframe(log, hide_index=True, width="stretch", height=tables.fit_height(len(log), 400),
                     column_config={"Ngày nhắc": st.column_config.DateColumn(format="DD/MM/YYYY")},
                     placeholder="")


render()
