"""Vinh danh (SPEC 7, public honour board): what it shows, and above all what it never shows.

The fixture province puts an e-mail, a phone number, a gender, a note and a unique marker
string («BIMAT-…») into every place the board must not read from: NguoiDung, DonVi's contacts,
CanBo, notes of other tabs, list rows' results and votes, positions. None may reach the board's
output (``indicators.board.build``) nor the rendered page (AppTest, every text element).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from indicators import board as B
from sheets import clock
from sheets import dossier as DS
from sheets import schema as S
from sheets.copy import copy_store
from sheets.load import Dataset, load
from sheets.sources import open_source
from sheets.stores.memory import MemoryStore
from sheets.stores.sqlite import SqliteStore
from sheets.text import strip_contacts
from tests.fixtures import grid

TODAY = date(2026, 11, 25)
NOW = "2025-12-31T10:00:00"
DESK, PROPOSER = "desk@x.vn", "h1@x.vn"
WORKER = S.GROUP_WORKER

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?<![\d.,])(?:\+84|0)[\d\s.()-]{8,14}\d")

UNITS = [
    dict(unit="BK", name="LĐLĐ tỉnh Thử", level="Tỉnh", email="tinh.bimat@donvi.vn", phone="0209 3870 555"),
    dict(unit="H1", name="LĐLĐ huyện Một", level="Cấp trên cơ sở", parent="BK", sheet="H1",
         kind="LĐLĐ huyện, thành phố", email="h1.bimat@donvi.vn", phone="0988 765 432"),
    dict(unit="C1", name="CĐCS Một", level="Cơ sở", parent="H1", email="c1.bimat@donvi.vn", phone="0209.3870.999"),
    dict(unit="C2", name="CĐCS Hai", level="Cơ sở", parent="H1"),
    dict(unit="C3", name="CĐCS Ba (trực thuộc tỉnh)", level="Cơ sở", parent="BK"),
]
USERS = [
    dict(email="admin@x.vn", name="Quản trị BIMAT-ND-1", role=S.ROLE_ADMIN, unit="BK"),
    dict(email="leader@x.vn", name="Lãnh đạo BIMAT-ND-2", role=S.ROLE_LEADER, unit="BK"),
    dict(email=DESK, name="Bàn thi đua BIMAT-ND-3", role=S.ROLE_DESK, unit="BK"),
    dict(email=PROPOSER, name="Cán bộ H1 BIMAT-ND-4", role=S.ROLE_OFFICER, unit="H1"),
]
MOVEMENTS = [dict(movement="P1", name="Phong trào Thi đua Mẫu", unit="BK", launched=date(2025, 1, 10))]
AWARDS = [
    # A1: decided, with contacts typed into the achievements -> on the board, contacts stripped
    dict(award="A1", year=2025, decision_no="12/QĐ-LĐLĐ", decided=date(2025, 5, 1), level="LĐLĐ tỉnh",
         form="Bằng khen của LĐLĐ tỉnh", subject="Cá nhân", name="Hoàng Thị Mai", unit="C1", group=WORKER,
         gender="Nữ", position="BIMAT-CHUCVU-1", value=1500000, movement="P1",
         achievement="Sáng kiến làm lợi 1.500.000 đồng năm 2025; liên hệ mai.hoang@gmail.com, ĐT 0912 345 678"),
    # A2: a collective, phone numbers in two more formats -> on the board, stripped
    dict(award="A2", year=2025, decision_no="15/QĐ-LĐLĐH", decided=date(2025, 6, 2), level="Cấp trên cơ sở",
         form="Giấy khen", subject="Tập thể", name="Tổ sản xuất số Một", unit="C2",
         achievement="Dẫn đầu phong trào năm 2025. Gọi +84 912345678 hoặc (0209) 3870 123 giờ hành chính"),
    # A3: another year -> on the 2024 board only
    dict(award="A3", year=2024, decided=date(2024, 12, 1), form="Giấy khen", subject="Cá nhân",
         name="Lý Văn Cũ", unit="C3", group=WORKER, gender="Nam"),
    # A4: a decision dated after today -> not decided yet, nowhere
    dict(award="A4", year=2025, decided=date(2027, 1, 5), form="Giấy khen", subject="Cá nhân",
         name="Đặng BIMAT-TUONGLAI", unit="C3"),
    # A5: voided -> nowhere
    dict(award="A5", year=2025, decided=date(2025, 3, 1), form="Giấy khen", subject="Cá nhân",
         name="Trịnh BIMAT-DAHUY", unit="C3", void="Có"),
    # A6: names a dossier that is only received, not decided -> the loader leaves it out
    dict(award="HS2025-H1-1-1", year=2025, decided=date(2025, 12, 1), form="Bằng khen của LĐLĐ tỉnh",
         subject="Cá nhân", name="Bế Thị Đề", unit="C1", dossier="HS2025-H1-1"),
]
OFFICERS = [dict(officer="CB1", name="Vũ BIMAT-CANBO", unit="C1", phone="0977 111 222",
                 email="canbo.bimat@x.vn")]
COURSES = [dict(course="K1", name="Tập huấn BIMAT-KHOAHOC", unit="BK", start=date(2025, 4, 1))]
ATTENDANCE = [dict(course="K1", officer="CB1", present="Có", note="BIMAT-GHICHU-DD")]
PLANS = [dict(year=2025, unit="C1", has_plan="Có", launched="Có", note="BIMAT-GHICHU-KH")]
TARGETS = [dict(year=2025, code="T3", threshold=15, note="BIMAT-GHICHU-CT")]
REGISTRATIONS = [dict(year=2025, unit="C1", registered=date(2025, 2, 1), note="BIMAT-GHICHU-DK")]
REMINDERS = [dict(reminder="N1", sender="BK", unit="C1", year=2025, topic="Khen thưởng", channel="Email",
                  to="nhacviec.bimat@x.vn", date=date(2025, 3, 1), body="BIMAT-NHACVIEC 0912 000 111")]
EXEMPLARS = [
    dict(exemplar="E1", year=2025, name="Lò Văn Điển", kind="Cá nhân", unit="C1", group=WORKER, movement="P1",
         channels="Zalo"),
    dict(exemplar="E2", year=2024, name="Mô hình Bữa cơm công đoàn", kind="Mô hình, cách làm hay", unit="C3"),
    dict(exemplar="E3", year=2025, name="Hà BIMAT-DAHUY-DH", kind="Cá nhân", unit="C1", void="Có"),
]
# the dossiers of H1 (to the province), each taken along the path to the status named
PRIVATE_LINE = dict(subject="Cá nhân", name="Bế Thị Đề", unit="C1", group=WORKER, gender="Nữ",
                    position="BIMAT-CHUCVU-HS", form="Bằng khen của LĐLĐ tỉnh", value=2500000,
                    achievement="Tận tụy với công việc; e-mail de.be@yahoo.com, di động 0912.345.678")
DOSSIERS: list[tuple[str, str, list[dict[str, Any]]]] = [
    ("HS2025-H1-1", S.DOSSIER_RECEIVED, [
        PRIVATE_LINE,
        dict(subject="Tập thể", name="Tổ Đề Nghị Hai", unit="C2", form="Bằng khen của LĐLĐ tỉnh"),
    ]),
    ("HS2025-H1-2", S.DOSSIER_REVIEWED, [
        dict(subject="Cá nhân", name="Chu Văn Duyệt", unit="C2", group=S.GROUP_STAFF, gender="Nam",
             form="Bằng khen của LĐLĐ tỉnh", achievement="Hoàn thành xuất sắc nhiệm vụ năm 2025"),
    ]),
    ("HS2025-H1-3", S.DOSSIER_DECIDED, [
        dict(subject="Cá nhân", name="Nông Văn Quyết", unit="C1", group=WORKER, gender="Nam",
             form="Bằng khen của LĐLĐ tỉnh", achievement="Lao động giỏi năm 2025"),
    ]),
    ("HS2025-H1-4", S.DOSSIER_SENT, [
        dict(subject="Cá nhân", name="Ma BIMAT-DAGUI", unit="C1", group=WORKER, form="Giấy khen"),
    ]),
    ("HS2025-H1-5", S.DOSSIER_DRAFT, [
        dict(subject="Cá nhân", name="Hứa BIMAT-NHAP", unit="C2", group=WORKER, form="Giấy khen"),
    ]),
]
VOTES = (87.5, 42.25)  # Tỉ lệ phiếu of the results: never on the board


def _sheets() -> dict[str, dict[str, Any]]:
    return {
        "registry": {
            "DonVi": grid(S.DON_VI, UNITS),
            "ChiTieu": grid(S.CHI_TIEU, TARGETS),
            "NguoiDung": grid(S.NGUOI_DUNG, USERS),
            "PhongTrao": grid(S.PHONG_TRAO, MOVEMENTS),
            "KhenThuong": grid(S.KHEN_THUONG, AWARDS),
            "CanBo": grid(S.CAN_BO, OFFICERS),
            "KhoaHoc": grid(S.KHOA_HOC, COURSES),
            "DiemDanh": grid(S.DIEM_DANH, ATTENDANCE),
            "KeHoach": grid(S.KE_HOACH, PLANS),
            "DangKy": grid(S.DANG_KY, REGISTRATIONS),
            "NhacViec": grid(S.NHAC_VIEC, REMINDERS),
            "DienHinh": grid(S.DIEN_HINH, EXEMPLARS),
        },
        "H1": {},
    }


def _walk(store: MemoryStore, code: str, upto: str, lines: list[dict[str, Any]]) -> None:
    DS.create(store, PROPOSER, unit="H1", year=2025, summary=f"Đề nghị tặng Bằng khen năm 2025 ({code[-1]})",
              code=code, movement="P1")
    DS.save_lines(store, PROPOSER, code, lines)
    if upto == S.DOSSIER_DRAFT:
        return
    DS.step(store, PROPOSER, code, S.DOSSIER_SENT, submission_no="BIMAT-TOTRINH")
    if upto == S.DOSSIER_SENT:
        return
    DS.step(store, DESK, code, S.DOSSIER_RECEIVED)
    results = {i + 1: (S.RESULT_AGREED if i == 0 else S.RESULT_REJECTED, VOTES[i % 2]) for i in range(len(lines))}
    DS.record_results(store, DESK, code, results)
    if upto == S.DOSSIER_RECEIVED:
        return
    DS.step(store, DESK, code, S.DOSSIER_REVIEWED)
    if upto == S.DOSSIER_REVIEWED:
        return
    DS.record_decision(store, DESK, code, decision_no="99/QĐ-LĐLĐ", decided=date(2025, 12, 20), level="LĐLĐ tỉnh",
                       signer="Chủ tịch BIMAT-NGUOIKY")


@pytest.fixture(scope="module")
def store() -> Iterator[MemoryStore]:
    clock.set_now(NOW)
    try:
        st_ = MemoryStore(_sheets())
        for code, status, lines in DOSSIERS:
            _walk(st_, code, status, lines)
    finally:
        clock.set_now(None)
    yield st_


@pytest.fixture(scope="module")
def ds(store: MemoryStore) -> Dataset:
    data = load(store)
    assert {str(s) for s in data.frames["HoSo"]["status"]} == {s for _, s, _ in DOSSIERS}
    return data


def _strings(obj: Any) -> list[str]:
    """Every text of a board (recursively through its dataclasses)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [s for f in dataclasses.fields(obj) for s in _strings(getattr(obj, f.name))]
    if isinstance(obj, tuple | list):
        return [s for x in obj for s in _strings(x)]
    return [str(obj)] if obj is not None else []


def _private(ds: Dataset) -> set[str]:
    """Values the board must never show: contacts, markers, positions, votes."""
    out = {str(v) for col in ("email", "phone") for v in ds.frames["DonVi"][col].dropna()}
    out |= {str(v) for col in ("email", "phone") for v in ds.frames["CanBo"][col].dropna()}
    out |= set(ds.users)
    return out


def _assert_private(texts: list[str], ds: Dataset) -> None:
    blob = "\n".join(texts)
    assert "BIMAT" not in blob, [t for t in texts if "BIMAT" in t][:3]
    assert not EMAIL.search(blob), EMAIL.search(blob)
    assert not PHONE.search(blob), PHONE.search(blob)
    for value in _private(ds):
        assert value not in blob, value
    for result in S.RESULTS:
        assert result not in blob, result
    for vote in VOTES:
        assert str(vote) not in blob and str(vote).replace(".", ",") not in blob
    assert not re.search(r"\bN(?:am|ữ)\b", blob), re.search(r".{20}\bN(?:am|ữ)\b.{20}", blob)  # no gender
    assert "Giới tính" not in blob and "Nhóm đối tượng" not in blob and "Ghi chú" not in blob
    assert "1500000" not in blob and "2500000" not in blob and "2.500.000" not in blob  # Giá trị làm lợi


# --- the output is built from a whitelist -----------------------------------------------------


def test_public_records_hold_only_the_whitelisted_fields() -> None:
    def names(cls: type) -> set[str]:
        return {f.name for f in dataclasses.fields(cls)}

    assert names(B.PublicAward) == {"name", "subject", "unit_name", "form", "level", "decision_no", "decided",
                                    "achievement", "movement"}
    assert names(B.PublicExemplar) == {"name", "kind", "unit_name", "movement"}
    assert names(B.PublicNominee) == {"name", "unit_name", "form", "achievement"}
    assert names(B.PublicDossier) == {"year", "summary", "unit_name", "nominees"}
    for fields in (B.AWARD_FIELDS, B.EXEMPLAR_FIELDS, B.DOSSIER_FIELDS, B.NOMINEE_FIELDS):
        assert not set(fields) & {"gender", "group", "note", "email", "phone", "result", "vote", "position", "value",
                                  "author", "to", "body"}


def test_the_board_of_the_fixture(ds: Dataset) -> None:
    assert B.default_year(ds, TODAY) == 2025  # the latest year with decided awards
    assert B.years(ds, TODAY) == [2025, 2024]
    board = B.build(ds, year=2025, today=TODAY)
    names = [a.name for a in board.awards]
    # A1, A2 and the decided dossier's award; not A3 (2024), A4 (future), A5 (voided), A6 (dossier received)
    assert sorted(names) == ["Hoàng Thị Mai", "Nông Văn Quyết", "Tổ sản xuất số Một"]
    assert names[0] == "Hoàng Thị Mai"  # LĐLĐ tỉnh before Cấp trên cơ sở; then decision date
    mai = board.awards[0]
    assert (mai.unit_name, mai.form, mai.level, mai.decision_no, mai.decided, mai.movement) == (
        "CĐCS Một", "Bằng khen của LĐLĐ tỉnh", "LĐLĐ tỉnh", "12/QĐ-LĐLĐ", date(2025, 5, 1), "Phong trào Thi đua Mẫu")
    assert mai.achievement == "Sáng kiến làm lợi 1.500.000 đồng năm 2025; liên hệ"
    team = next(a for a in board.awards if a.subject == S.SUBJECT_COLLECTIVE)
    assert team.achievement == "Dẫn đầu phong trào năm 2025. Gọi hoặc giờ hành chính"
    assert [e.name for e in board.exemplars] == ["Lò Văn Điển"]
    assert [a.name for a in B.build(ds, year=2024, today=TODAY).awards] == ["Lý Văn Cũ"]


def test_dossiers_received_or_reviewed_are_published_without_results(ds: Dataset) -> None:
    board = B.build(ds, year=2025, today=TODAY)
    assert [d.summary for d in board.dossiers] == ["Đề nghị tặng Bằng khen năm 2025 (1)",
                                                   "Đề nghị tặng Bằng khen năm 2025 (2)"]
    first = board.dossiers[0]
    assert first.unit_name == "LĐLĐ huyện Một"
    assert [(n.name, n.unit_name, n.form) for n in first.nominees] == [
        ("Bế Thị Đề", "CĐCS Một", "Bằng khen của LĐLĐ tỉnh"), ("Tổ Đề Nghị Hai", "CĐCS Hai", "Bằng khen của LĐLĐ tỉnh")]
    assert first.nominees[0].achievement == "Tận tụy với công việc"
    assert [n.name for n in board.dossiers[1].nominees] == ["Chu Văn Duyệt"]
    # the received dossier's nominee has no award, though one was typed naming the dossier (A6)
    assert "Bế Thị Đề" not in [a.name for a in board.awards]


def test_nothing_private_reaches_the_fixture_board(ds: Dataset) -> None:
    for year in (2025, 2024):
        for unit in (None, "H1", "C1"):
            _assert_private(_strings(B.build(ds, year=year, today=TODAY, unit=unit)), ds)


def test_unit_filter_and_search(ds: Dataset) -> None:
    c2 = B.build(ds, year=2025, today=TODAY, unit="C2")
    assert [a.name for a in c2.awards] == ["Tổ sản xuất số Một"]
    assert [[n.name for n in d.nominees] for d in c2.dossiers] == [["Tổ Đề Nghị Hai"], ["Chu Văn Duyệt"]]
    found = B.build(ds, year=2025, today=TODAY, text="hoang thi MAI")
    assert [a.name for a in found.awards] == ["Hoàng Thị Mai"] and not found.exemplars
    assert [n.name for d in found.dossiers for n in d.nominees] == []
    by_unit_name = B.build(ds, year=2025, today=TODAY, text="cdcs hai")
    assert [a.name for a in by_unit_name.awards] == ["Tổ sản xuất số Một"]
    assert B.unit_options(ds)[0] == "BK"


def test_nothing_private_reaches_the_demo_board() -> None:
    demo = load(open_source("demo"))
    private = _private(demo)
    hs = demo.frames["HoSo"]
    assert set(hs["status"]) >= {S.DOSSIER_RECEIVED, S.DOSSIER_REVIEWED, S.DOSSIER_DECIDED}
    for year in B.years(demo, TODAY):
        texts = _strings(B.build(demo, year=year, today=TODAY))
        blob = "\n".join(texts)
        assert not EMAIL.search(blob) and not PHONE.search(blob)
        assert not any(v in blob for v in private)
    board = B.build(demo, year=B.default_year(demo, TODAY), today=TODAY)
    assert board.awards and board.exemplars and board.dossiers
    open_codes = set(hs.loc[hs["status"].isin(B.PUBLIC_STATUSES), "dossier"])
    assert len(board.dossiers) == len(open_codes)


# --- stripping contacts out of Thành tích ---------------------------------------------------------


@pytest.mark.parametrize(("typed", "public"), [
    ("Liên hệ 0912 345 678", "Liên hệ"),
    ("ĐT: 0912.345.678, năm 2025", "năm 2025"),
    ("Số +84 912345678 hoặc +84 (0) 912 345 678", "Số hoặc"),
    ("Cơ quan (0209) 3870 123, nhà 0209-3870-124", "Cơ quan, nhà"),
    ("SĐT 0084 912 345 678.", ""),
    ("Email: an.nguyen@gmail.com; Zalo 0987654321", "Zalo"),
    ("thư gửi an [at] ldld [dot] vn", "thư gửi"),
    ("Hotline 1900 1234", ""),
])
def test_contacts_are_removed(typed: str, public: str) -> None:
    assert strip_contacts(typed) == public


@pytest.mark.parametrize("text", [
    "Làm lợi 1.500.000 đồng năm 2025",
    "Giá trị 15.000.000 đồng, 2 sáng kiến, giai đoạn 2020 - 2025",
    "Quyết định số 01/QĐ-LĐLĐ ngày 15/01/2020",
    "Mã số thuế 4700123456; 100 % đoàn viên; điểm 0,85",
    "Tài khoản 0123456789012 tại ngân hàng",
])
def test_ordinary_numbers_survive(text: str) -> None:
    assert strip_contacts(text) == text


# --- the rendered page ----------------------------------------------------------------------------


@pytest.fixture()
def fixture_source(store: MemoryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "board.sqlite"
    copy_store(store, SqliteStore(path))
    monkeypatch.setenv("TDKT_SOURCE", f"sqlite:{path}")
    return path


def _page_texts(at: AppTest) -> list[str]:
    out: list[str] = []
    for kind in ("title", "markdown", "caption", "info", "warning", "error", "success", "text", "html", "subheader"):
        out += [str(getattr(e, "value", "") or getattr(getattr(e, "proto", None), "body", "")) for e in at.get(kind)]
    for df in at.dataframe:
        out.append(df.value.to_csv())
    for sb in at.selectbox:
        out += [str(sb.label), *(str(o) for o in sb.options)]
    for tab in at.tabs:
        out.append(str(tab.label))
    return out


def _board(at: AppTest) -> AppTest:
    at.switch_page("views/vinh_danh.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _html(at: AppTest) -> str:
    return "\n".join(str(e.proto.body) for e in at.get("html"))


@pytest.mark.parametrize("mode", ["act_as", "unconfigured", "oidc"])
def test_the_page_shows_the_board_and_nothing_private(fixture_source: Path, ds: Dataset,
                                                      monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    from components import auth

    if mode == "unconfigured":
        monkeypatch.setenv("TDKT_ALLOW_ACT_AS", "0")
    if mode == "oidc":  # [auth] configured, nobody signed in
        monkeypatch.setattr(auth, "auth_configured", lambda: True)
        monkeypatch.setattr(auth, "signed_in_email", lambda: None)
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.session_state["actor"] = "admin@x.vn"  # ignored outside act-as; in act-as, the switcher must not show
    at.run()
    _board(at)
    texts = _page_texts(at)
    body = _html(at)
    for name in ("Hoàng Thị Mai", "Tổ sản xuất số Một", "Nông Văn Quyết", "Lò Văn Điển", "Bế Thị Đề",
                 "Chu Văn Duyệt", "12/QĐ-LĐLĐ", "01/05/2025", "Phong trào Thi đua Mẫu"):
        assert name in body, name
    assert "Vinh danh" in texts
    _assert_private(texts + [str(e.value) for e in at.sidebar.get("markdown")], ds)
    assert "Đóng vai" not in [s.label for s in at.selectbox]  # no user switcher on the public page
    assert not any("Đã đăng nhập" in t for t in texts)


def test_the_page_pages_long_lists_and_filters(fixture_source: Path) -> None:
    at = _board(AppTest.from_file("../app.py", default_timeout=120).run())
    assert at.selectbox(key="vd_year").value == 2025
    at.selectbox(key="vd_year").select(2024).run()
    assert "Lý Văn Cũ" in _html(at) and "Hoàng Thị Mai" not in _html(at)
    at.selectbox(key="vd_year").select(2025).run()
    at.text_input(key="vd_text").input("quyet").run()
    assert "Nông Văn Quyết" in _html(at) and "Hoàng Thị Mai" not in _html(at)
    at.text_input(key="vd_text").input("không có ai tên này").run()
    assert any("Chưa có khen thưởng" in i.value for i in at.info)


def test_demo_page_renders_cards_and_more(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TDKT_SOURCE", raising=False)
    at = _board(AppTest.from_file("../app.py", default_timeout=120).run())
    demo = load(open_source("demo"))
    board = B.build(demo, year=B.default_year(demo, TODAY), today=TODAY)
    assert _html(at).count('class="vd-card"') >= min(len(board.awards), B.__dict__.get("PAGE", 30))
    more = [b for b in at.button if b.label.startswith("Xem thêm")]
    assert more, [b.label for b in at.button]
    before = _html(at).count('class="vd-card"')
    more[0].click().run()
    assert _html(at).count('class="vd-card"') > before
    texts = "\n".join(_page_texts(at))
    assert not EMAIL.search(texts) and "None" not in texts and "nan" not in texts.split()
