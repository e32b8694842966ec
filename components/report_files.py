"""The files of a report on the Báo cáo page: made once per report, before the download buttons."""

from __future__ import annotations

import logging

import streamlit as st

from reports.build import Report
from sheets.load import Dataset

log = logging.getLogger(__name__)


def report_files(ds: Dataset, rep: Report) -> dict[str, bytes] | None:
    """The files, made once per report (not on every rerun) and before the buttons, so a file
    that cannot be made says why instead of a download that silently fails."""
    from reports.docx_report import to_docx
    from reports.xlsx_report import to_annex_xlsx, to_xlsx

    key = (id(ds), rep.unit, rep.year, rep.period, rep.as_of, rep.issued)
    cache: dict[tuple[object, ...], dict[str, bytes]] = st.session_state.setdefault("bc_files", {})
    if key not in cache:
        try:
            with st.spinner("Đang lập báo cáo…"):
                made = {"docx": to_docx(rep), "xlsx": to_xlsx(rep)}
                if rep.annex:
                    made["annex"] = to_annex_xlsx(rep)
        except Exception:
            log.exception("report files for %s %s %s", rep.unit, rep.year, rep.period)
            st.error("Không lập được tệp báo cáo do dữ liệu có giá trị không đọc được. Hãy kiểm tra trang Chất "
                     "lượng dữ liệu, sửa ô bị báo lỗi rồi bấm «Làm mới»; nếu vẫn lỗi, báo quản trị viên.",
                     icon=":material/error:")
            return None
        cache.clear()  # one report's files at a time: they are a few hundred kB
        cache[key] = made
    return cache[key]
