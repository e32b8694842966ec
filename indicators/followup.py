"""The follow-up lists ("Cần đôn đốc", SPEC 8): per topic, the units concerned and only those.

Each unit comes with what it lacks (for the year, as of A), its contacts (``DonVi.Email``,
``Điện thoại``, the e-mails of its active officers), when it was last reminded about that
topic and whether it has acted since: a unit reminded this year that is no longer in the list
now has acted ("Đã thực hiện sau khi nhắc") and stays visible with that status. Pure pandas.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from indicators.core import Results, active_officers, compute, end_date
from indicators.fmt import day as fmt_day
from indicators.pipeline import WAITING_FOR, dossier_actions
from sheets import schema as S
from sheets.load import Dataset
from sheets.reminders import Lack, Message, compose

# topic -> the short name used in links (?chu_de=ke-hoach)
SLUGS: dict[str, str] = {
    S.TOPIC_PLAN: "ke-hoach",
    S.TOPIC_MOVEMENT: "phong-trao",
    S.TOPIC_TRAINING: "tap-huan",
    S.TOPIC_OFFICER: "can-bo",
    S.TOPIC_REPORT: "bao-cao",
    S.TOPIC_DOSSIER: "ho-so",
}
TOPIC_OF_SLUG = {v: k for k, v in SLUGS.items()}
# the Tổng quan items (indicators.dashboard.follow_ups keys) and the topic each opens
TOPIC_OF_ITEM = {
    "plans": S.TOPIC_PLAN,
    "movements": S.TOPIC_MOVEMENT,
    "training": S.TOPIC_TRAINING,
    "officers": S.TOPIC_OFFICER,
    "reports": S.TOPIC_REPORT,
    "dossiers": S.TOPIC_DOSSIER,
}
LABELS: dict[str, str] = {
    S.TOPIC_PLAN: "Đơn vị chưa có kế hoạch thi đua",
    S.TOPIC_MOVEMENT: "Chưa phát động thi đua, phong trào quá hạn sơ kết, tổng kết",
    S.TOPIC_TRAINING: "Đơn vị có cán bộ TĐKT chưa được tập huấn",
    S.TOPIC_OFFICER: "Công đoàn cơ sở chưa có cán bộ phụ trách TĐKT",
    S.TOPIC_REPORT: "Đơn vị chưa gửi báo cáo định kỳ",
    S.TOPIC_DOSSIER: "Hồ sơ khen thưởng bị trả lại hoặc quá hạn xử lý",
}

STATUS_NEW = "Chưa nhắc"
STATUS_WAITING = "Đã nhắc, chưa thực hiện"
STATUS_ACTED = "Đã thực hiện sau khi nhắc"
COLUMNS = ["Mã đơn vị", "Tên đơn vị", "Cấp", "Còn thiếu", "Email", "Điện thoại", "Email cán bộ",
           "Nhắc lần cuối", "Kênh", "Số lần nhắc", "Tình trạng"]


@dataclass(frozen=True)
class FollowList:
    topic: str
    units: pd.DataFrame  # COLUMNS, one row per unit: those lacking something, then those that acted
    lacks: dict[str, tuple[Lack, ...]] = field(repr=False)  # unit -> what it lacks now

    @property
    def pending(self) -> pd.DataFrame:
        """The units that still lack something (the ones a reminder can go to)."""
        return self.units[self.units["Tình trạng"] != STATUS_ACTED]

    @property
    def acted(self) -> pd.DataFrame:
        return self.units[self.units["Tình trạng"] == STATUS_ACTED]


def _period(p: str) -> str:
    return "báo cáo 6 tháng" if p == S.PERIOD_HALF else "báo cáo năm"


def _ts(v: object) -> date | None:
    return None if v is None or v is pd.NaT or (isinstance(v, float) and v != v) else pd.Timestamp(v).date()  # type: ignore[arg-type]


def lacks_by_topic(ds: Dataset, res: Results) -> dict[str, dict[str, list[Lack]]]:
    """topic -> unit -> what the unit lacks, from the drill-downs of ``res``."""
    y = res.year
    out: dict[str, dict[str, list[Lack]]] = {t: defaultdict(list) for t in SLUGS}
    for code in ("T1A", "T1B"):
        d = res[code].behind
        for unit, has_plan, launched in zip(d["Mã đơn vị"], d["Có kế hoạch"], d["Đã phát động"], strict=True):
            if not has_plan:
                out[S.TOPIC_PLAN][unit].append(Lack(S.TOPIC_PLAN, f"chưa ban hành kế hoạch thi đua năm {y}"
                                                    + ("" if launched else " và chưa phát động thi đua")))
            elif not launched:
                out[S.TOPIC_MOVEMENT][unit].append(Lack(S.TOPIC_MOVEMENT, f"đã có kế hoạch nhưng chưa tổ chức "
                                                        f"phát động thi đua năm {y}"))
    t2 = res["T2"].behind
    for unit, name, why, mid, final in zip(t2["Đơn vị phát động"], t2["Tên phong trào"], t2["Lý do"],
                                           t2["Hạn sơ kết"], t2["Hạn tổng kết"], strict=True):
        if why == "Quá hạn sơ kết":
            out[S.TOPIC_MOVEMENT][unit].append(Lack(S.TOPIC_MOVEMENT, f"chưa sơ kết phong trào «{name}»", _ts(mid)))
        elif why == "Quá hạn tổng kết":
            out[S.TOPIC_MOVEMENT][unit].append(Lack(S.TOPIC_MOVEMENT, f"chưa tổng kết phong trào «{name}»",
                                                    _ts(final)))
    t4 = res["T4"].behind
    for unit, g in t4.groupby("Mã đơn vị", sort=False):
        names = ", ".join(str(n) for n in g["Họ tên"])
        out[S.TOPIC_TRAINING][str(unit)].append(Lack(
            S.TOPIC_TRAINING, f"{len(g)} cán bộ làm công tác thi đua, khen thưởng chưa được tập huấn trong năm {y} "
            f"({names})"))
    for unit in res["O1"].behind["Mã đơn vị"]:
        out[S.TOPIC_OFFICER][unit].append(Lack(S.TOPIC_OFFICER, "chưa phân công cán bộ phụ trách công tác thi đua, "
                                               "khen thưởng"))
    for code in ("O2", "O3"):
        d = res[code].behind
        d = d[d["Tình trạng"] == "Chưa gửi"]  # a late report cannot be sent on time any more
        for unit, period, due in zip(d["Mã đơn vị"], d["Kỳ"], d["Hạn nộp"], strict=True):
            out[S.TOPIC_REPORT][unit].append(Lack(S.TOPIC_REPORT, f"chưa gửi {_period(period)} năm {y}", _ts(due)))
    for unit, lk in _dossier_lacks(ds, res).items():
        out[S.TOPIC_DOSSIER][unit].extend(lk)
    return out


def _dossier_lacks(ds: Dataset, res: Results) -> dict[str, list[Lack]]:
    """The dossiers of the year someone must act on (``pipeline.dossier_actions``): returned and
    not sent again, under the proposing unit; overdue, under the receiving unit."""
    out: dict[str, list[Lack]] = defaultdict(list)
    acts = dossier_actions(ds, res.year, res.as_of, res.scope)
    for r in acts.to_dict("records"):
        what = f"hồ sơ «{r['Mã hồ sơ']}» ({r['Trích yếu']})"
        if r["Trạng thái"] == S.DOSSIER_RETURNED:
            back = _ts(r["Ngày trả lại"])
            reason = r["Lý do trả lại"]
            text = (f"{what} bị trả lại" + (f" ngày {fmt_day(back)}" if back else "") + ", chưa gửi lại"
                    + (f" (lý do trả lại: {reason})" if isinstance(reason, str) and reason else ""))
            out[str(r["Mã đơn vị"])].append(Lack(S.TOPIC_DOSSIER, text))
        else:
            text = (f"{what} của {r['Đơn vị đề nghị']} gửi ngày {fmt_day(_ts(r['Ngày gửi']))} "
                    f"{WAITING_FOR.get(str(r['Trạng thái']), 'chưa xử lý xong')}, đã chờ {r['Số ngày chờ']} ngày, "
                    "quá thời hạn xử lý")
            out[str(r["Mã đơn vị"])].append(Lack(S.TOPIC_DOSSIER, text, _ts(r["Hạn xử lý"])))
    return out


def contacts(ds: Dataset, end: date) -> pd.DataFrame:
    """Per unit: its e-mail and phone, and the e-mails of its officers active at ``end``."""
    u = ds.frames["DonVi"].set_index("unit")
    cb = ds.frames["CanBo"]
    cb = cb[active_officers(cb, pd.Timestamp(end)).to_numpy() & cb["email"].notna().to_numpy()]
    officer_mail = cb.groupby("unit", sort=False)["email"].agg(lambda s: ", ".join(dict.fromkeys(s)))
    return pd.DataFrame({
        "Email": u["email"],
        "Điện thoại": u["phone"],
        "Email cán bộ": officer_mail.reindex(u.index),
    }, index=u.index)


def recipients(ds: Dataset, unit: str, end: date) -> list[str]:
    """The addresses a reminder goes to: the unit's, then its active officers'."""
    c = contacts(ds, end)
    if unit not in c.index:
        return []
    out: list[str] = []
    for v in (c.at[unit, "Email"], c.at[unit, "Email cán bộ"]):
        if isinstance(v, str) and v:
            out.extend(a.strip() for a in v.split(","))
    return list(dict.fromkeys(out))


def reminder_log(ds: Dataset, year: int, as_of: date, scope: str | None = None) -> pd.DataFrame:
    """The reminders of year Y sent on or before A to units of the scope, newest first."""
    nv = ds.frames["NhacViec"]
    sel = nv[(nv["year"] == year).fillna(False).to_numpy() & (nv["date"] <= pd.Timestamp(as_of)).to_numpy()
             & nv["unit"].isin(ds.tree.subtree(scope)).to_numpy()]
    names = {c: ds.tree.name(c) for c in set(sel["unit"]) | set(sel["sender"])}
    out = pd.DataFrame({
        "Ngày nhắc": sel["date"],
        "Đơn vị nhắc": sel["sender"].map(names),
        "Đơn vị được nhắc": sel["unit"].map(names),
        "Mã đơn vị": sel["unit"],
        "Nội dung nhắc": sel["topic"],
        "Kênh": sel["channel"],
        "Gửi đến": sel["to"],
        "Người gửi": sel["author"],
        "Mã nhắc": sel["reminder"],
    })
    return out.sort_values(["Ngày nhắc", "Mã nhắc"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def follow_up(
    ds: Dataset, year: int, as_of: date, scope: str | None = None, *, results: Results | None = None,
) -> dict[str, FollowList]:
    """Every topic's list for year Y, as-of A and a scope (``results``: ``compute`` of the same)."""
    res = results if results is not None else compute(ds, year, as_of, scope)
    E = end_date(year, as_of)
    lacks = lacks_by_topic(ds, res)
    c = contacts(ds, E)
    log = reminder_log(ds, year, as_of, res.scope)
    levels = dict(zip(ds.frames["DonVi"]["unit"], ds.frames["DonVi"]["level"], strict=True))
    info = {u: {k: (v if isinstance(v, str) and v else None) for k, v in row.items()}
            for u, row in c.to_dict("index").items()}
    out: dict[str, FollowList] = {}
    for topic, per_unit in lacks.items():
        sent = log[log["Nội dung nhắc"] == topic]
        first = sent.drop_duplicates("Mã đơn vị")  # newest first
        last = {u: (d, ch) for u, d, ch in zip(first["Mã đơn vị"], first["Ngày nhắc"], first["Kênh"], strict=True)}
        times = sent["Mã đơn vị"].value_counts().to_dict()
        units = list(per_unit) + [u for u in last if u not in per_unit]
        rows = []
        for u in units:
            reminded = u in last
            status = (STATUS_ACTED if u not in per_unit else STATUS_WAITING if reminded else STATUS_NEW)
            ci = info.get(u, {})
            rows.append({
                "Mã đơn vị": u,
                "Tên đơn vị": ds.tree.name(u),
                "Cấp": levels.get(u),
                "Còn thiếu": "; ".join(lk.text for lk in per_unit.get(u, [])),
                "Email": ci.get("Email"),
                "Điện thoại": ci.get("Điện thoại"),
                "Email cán bộ": ci.get("Email cán bộ"),
                "Nhắc lần cuối": last[u][0] if reminded else pd.NaT,
                "Kênh": last[u][1] if reminded else None,
                "Số lần nhắc": int(times.get(u, 0)),
                "Tình trạng": status,
            })
        frame = pd.DataFrame(rows, columns=COLUMNS)
        for col in ("Email", "Điện thoại", "Email cán bộ", "Kênh"):  # blank is None, not NaN
            frame[col] = pd.Series([r[col] for r in rows], dtype=object)
        frame["Nhắc lần cuối"] = pd.to_datetime(frame["Nhắc lần cuối"])
        out[topic] = FollowList(topic, frame, {u: tuple(v) for u, v in per_unit.items()})
    return out


def build_messages(
    ds: Dataset, fl: FollowList, units: list[str], *, sender: str, year: int, as_of: date, respond_by: date,
    app_url: str, signer: str = "",
) -> list[Message]:
    """One message per selected unit still in the list, naming what it lacks now."""
    end = end_date(year, as_of)
    out = []
    for u in units:
        lacks = fl.lacks.get(u)
        if not lacks:
            continue  # it has acted: nothing to remind
        out.append(compose(unit=u, unit_name=ds.tree.name(u), sender=sender, sender_name=ds.tree.name(sender),
                           lacks=lacks, year=year, as_of=as_of, respond_by=respond_by,
                           to=recipients(ds, u, end), app_url=app_url, signer=signer))
    return out
