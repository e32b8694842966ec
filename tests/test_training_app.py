"""AppTest of the Đào tạo page on a fresh copy of the demo: a coordinator creates a course,
invites a unit's officers, marks three present, and T4 and the untrained list move by
exactly three. Writes go to a per-test SQLite copy, never to the shared demo store.

The copy is not the demo, so "act as" is switched on explicitly (TDKT_ALLOW_ACT_AS=1) and
the acting e-mail is set in ``session_state["actor"]`` as the sidebar switcher would.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import data
from indicators import training as T
from indicators.core import compute
from sheets import clock
from sheets.errors import WriteError
from sheets.load import load
from sheets.stores.sqlite import SqliteStore
from sheets.write import history

TRAINER = "daotao@demo.tdkt.vn"
LEADER = "lanhdao@demo.tdkt.vn"


@pytest.fixture()
def source(demo_copy: Path) -> Path:
    return demo_copy


def open_page(actor: str) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.session_state["actor"] = actor
    at.run()
    at.switch_page("views/dao_tao.py")
    at.run()
    assert not at.exception, at.exception
    return at


def view(at: AppTest, name: str) -> None:
    at.radio(key="f_dt_view").set_value(name).run()
    assert not at.exception, at.exception


def trained_count(at: AppTest) -> int:
    m = next(m for m in at.metric if m.label == "Cán bộ đã tập huấn trong năm")
    return int(m.value.replace(".", ""))


def untrained(at: AppTest) -> set[str]:
    table = next(d for d in at.dataframe if T.C_LAST in d.value.columns)
    return set(table.value[T.C_OFFICER])


def successes(at: AppTest) -> list[str]:
    return [s.value for s in at.success]


def create_course(at: AppTest, name: str) -> str:
    view(at, "Khóa tập huấn")
    at.text_input(key="f_dt_new_name").input(name)
    at.button(key="dt_new_submit").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    msg = successes(at)[0]
    assert f"Đã thêm khóa «{name}»" in msg
    return msg.split("(mã ")[1].split(")")[0]


def invite_unit(at: AppTest, course: str, unit: str) -> None:
    view(at, "Mời tham gia")
    assert at.selectbox(key="dt_course").value == course  # the new course is picked
    at.selectbox(key=f"dt_inv_unit:{course}").set_value(unit).run()
    at.button(key="dt_inv_send").click().run()
    assert not at.exception, at.exception
    assert any(f"vào khóa {course}" in s for s in successes(at)), [e.value for e in at.error]


def attendance_boxes(at: AppTest, course: str) -> dict[str, Any]:
    return {str(c.key).rsplit(":", 1)[1]: c for c in at.checkbox if str(c.key).startswith(f"dt_dd:{course}:")}


def pick_unit(path: Path) -> str:
    """An upper-level unit with at least three officers untrained this year."""
    ds = load(SqliteStore(path))
    cov = T.coverage(ds, compute(ds, clock.today().year, clock.today()))
    per_upper = cov.officers[~cov.officers["trained_year"]].groupby("upper").size()
    return str(per_upper[per_upper >= 3].index[1])


def test_create_invite_mark_three_moves_t4_by_three(source: Path) -> None:
    unit = pick_unit(source)
    at = open_page(TRAINER)
    before_n, before_list = trained_count(at), untrained(at)

    course = create_course(at, "Tập huấn nghiệp vụ TĐKT (kiểm thử)")
    assert course.startswith(f"TH{clock.today().year}-BK-")
    invite_unit(at, course, unit)

    view(at, "Điểm danh")
    boxes = attendance_boxes(at, course)
    assert len(boxes) >= 3 and not any(b.value for b in boxes.values())  # invited = absent
    marked = list(boxes)[:3]
    for o in marked:
        boxes[o].check()
    at.button(key="dt_dd_save").click().run()
    assert not at.exception, at.exception
    assert any("Đã lưu điểm danh: 3 thay đổi (3 có mặt, 0 vắng)" in s for s in successes(at))
    assert [o for o, b in attendance_boxes(at, course).items() if b.value] == marked

    view(at, "Độ bao phủ")
    assert trained_count(at) == before_n + 3
    assert untrained(at) == before_list - set(marked)
    assert set(marked) <= before_list


def test_failed_save_keeps_the_marks_and_a_retry_is_not_doubled(
    source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(TRAINER)
    course = create_course(at, "Khóa thử ghi lỗi")
    invite_unit(at, course, pick_unit(source))
    view(at, "Điểm danh")

    real: Callable[..., Any] = data.write
    ids: list[str | None] = []

    def flaky(tab: str, rows: list[dict[str, Any]], actor: str, *, write_id: str | None = None) -> Any:
        ids.append(write_id)
        if len(ids) == 1:  # the rows land, the answer is lost
            real(tab, rows, actor, write_id=write_id)
            raise WriteError("Mất kết nối tới bảng tính. Dữ liệu bạn nhập vẫn còn; hãy thử lại.")
        return real(tab, rows, actor, write_id=write_id)

    monkeypatch.setattr(data, "write", flaky)
    boxes = attendance_boxes(at, course)
    first = list(boxes)[0]
    boxes[first].check()
    at.button(key="dt_dd_save").click().run()
    assert any("Mất kết nối" in e.value and "thử lại" in e.value for e in at.error)
    assert attendance_boxes(at, course)[first].value is True  # the mark is still on screen

    at.button(key="dt_dd_save").click().run()  # retry
    assert not at.error and ids[0] == ids[1] and ids[0] is not None
    ds = load(SqliteStore(source))
    versions = history(ds, "DiemDanh", {"course": course, "officer": first})
    assert list(versions["present"]) == [False, True]  # the invitation and one mark, not two


def test_reader_sees_coverage_only(source: Path) -> None:
    at = open_page(LEADER)
    assert not [r for r in at.radio if r.key == "f_dt_view"]
    ds = load(SqliteStore(source))
    res = compute(ds, clock.today().year, clock.today())
    assert trained_count(at) == res["T4"].numerator
    assert untrained(at) == set(res["T4"].behind["Mã cán bộ"])
    assert any(getattr(b, "label", None) == "Tải .xlsx" for b in at.get("download_button"))
    o1 = pd.DataFrame(next(d for d in at.dataframe if "Cấp trên" in d.value.columns and len(d.value.columns) == 3).value)
    assert len(o1) == res["O1"].denominator - res["O1"].numerator


def test_edit_then_void_a_course_after_confirmation(source: Path) -> None:
    at = open_page("quantri@demo.tdkt.vn")
    course = create_course(at, "Khóa sẽ sửa rồi hủy")
    at.selectbox(key="dt_edit_pick").set_value(course).run()

    def keyed(prefix: str) -> str:
        return next(str(w.key) for w in [*at.text_input, *at.button] if str(w.key).startswith(prefix))

    at.text_input(key=keyed(f"dt_edit_name:{course}:")).input("Khóa đã sửa tên")
    at.button(key=keyed(f"dt_edit_submit:{course}:")).click().run()
    assert not at.exception and any(f"Đã lưu thay đổi của khóa {course}" in s for s in successes(at))
    ds = load(SqliteStore(source))
    assert list(history(ds, "KhoaHoc", {"course": course})["name"]) == ["Khóa sẽ sửa rồi hủy", "Khóa đã sửa tên"]

    at.button(key="dt_void_ask").click().run()
    assert any("Hủy khóa «Khóa đã sửa tên»" in w.value for w in at.warning)
    at.button(key="dt_void_no").click().run()  # changed my mind: nothing written
    assert not [w for w in at.warning if "Hủy khóa" in w.value]
    assert len(history(load(SqliteStore(source)), "KhoaHoc", {"course": course})) == 2
    at.button(key="dt_void_ask").click().run()
    at.button(key="dt_void_yes").click().run()
    assert not at.exception and f"Đã hủy khóa {course}." in successes(at)
    ds = load(SqliteStore(source))
    assert list(history(ds, "KhoaHoc", {"course": course})["void"]) == [False, False, True]
    assert course not in set(T.courses_of_year(ds, clock.today().year)["course"])
    assert course not in at.selectbox(key="dt_edit_pick").options


def test_a_saved_course_is_shown_read_only_and_cannot_be_added_twice(source: Path) -> None:
    at = open_page(TRAINER)
    name = "Khóa bấm lưu hai lần"
    course = create_course(at, name)
    # the form is gone (no second "Thêm khóa" to click); the record is shown; the view is kept
    assert not [b for b in at.button if b.key == "dt_new_submit"]
    assert any(f"**Mã khóa:** {course}" in str(m.value) for m in at.markdown)
    assert at.radio(key="f_dt_view").value == "Khóa tập huấn"
    ds = load(SqliteStore(source))
    assert (ds.versions["KhoaHoc"]["name"] == name).sum() == 1
    at.button(key="dt_new_again").click().run()
    assert at.text_input(key="f_dt_new_name").value == ""
    assert (load(SqliteStore(source)).versions["KhoaHoc"]["name"] == name).sum() == 1


def test_attendance_confirmation_stays_beside_the_button(source: Path) -> None:
    at = open_page(TRAINER)
    course = create_course(at, "Khóa điểm danh hai lần")
    invite_unit(at, course, pick_unit(source))
    view(at, "Điểm danh")
    boxes = attendance_boxes(at, course)
    first = list(boxes)[0]
    boxes[first].check()
    at.button(key="dt_dd_save").click().run()
    assert any("Đã lưu điểm danh: 1 thay đổi" in s for s in successes(at))
    at.button(key="dt_dd_save").click().run()  # the same marks again: nothing more is written
    assert any("Không có thay đổi" in str(i.value) for i in at.info)
    assert at.radio(key="f_dt_view").value == "Điểm danh"
    versions = history(load(SqliteStore(source)), "DiemDanh", {"course": course, "officer": first})
    assert list(versions["present"]) == [False, True]
