"""The dossier's documents (SPEC 7): tờ trình, quyết định and certificates, read back from the
.docx: the lists come from the data, one page per award, the MauIn positions in the XML."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from reports import admin_layout as L
from reports import dossier_docs as DD
from sheets import schema as S
from sheets.load import Dataset, load
from sheets.sources import open_source


@pytest.fixture(scope="module")
def ds(demo_store: Path) -> Iterator[Dataset]:
    yield load(open_source("demo"))


def _decided(ds: Dataset) -> list[str]:
    hs = ds.frames["HoSo"]
    return list(hs.loc[hs["status"] == S.DOSSIER_DECIDED, "dossier"])


def _rows(ds: Dataset, code: str) -> pd.DataFrame:
    """The dossier's list rows as the loader resolved them (current, not voided), in STT order."""
    lines = ds.frames["HoSoDanhSach"]
    return lines[lines["dossier"] == code].sort_values("line")


def _forms_with_positions(ds: Dataset) -> set[str]:
    return set(ds.frames["MauIn"]["form"])


def _pick(ds: Dataset, *, stock: bool, all_fields: bool = False) -> str:
    """A decided dossier whose agreed rows all print on stock (or all on plain paper)."""
    mau = ds.frames["MauIn"]
    for code in _decided(ds):
        agreed = _rows(ds, code)
        forms = set(agreed.loc[agreed["result"] == S.RESULT_AGREED, "form"])
        if not forms:
            continue
        on_stock = forms <= _forms_with_positions(ds)
        if stock and on_stock and (not all_fields or all(
                len(mau[mau["form"] == f]) == len(S.PRINT_FIELDS) for f in forms)):
            return code
        if not stock and not (forms & _forms_with_positions(ds)):
            return code
    raise AssertionError("the demo has no such dossier")


def _mixed(ds: Dataset) -> str:
    for code in _decided(ds):
        agreed = _rows(ds, code)
        forms = set(agreed.loc[agreed["result"] == S.RESULT_AGREED, "form"])
        if forms & _forms_with_positions(ds) and forms - _forms_with_positions(ds):
            return code
    raise AssertionError("the demo has no dossier mixing stock and plain forms")


def _doc(content: bytes) -> object:
    return Document(io.BytesIO(content))


def _text(content: bytes) -> str:
    """Every w:t of the document, in order (tables and frames included)."""
    root = _doc(content).element.body  # type: ignore[attr-defined]
    return " ".join(t.text or "" for t in root.iter(qn("w:t")))


def _last_table_names(content: bytes) -> list[str]:
    table = _doc(content).tables[-1]  # type: ignore[attr-defined]
    assert table.rows[0].cells[0].text == "STT"
    return [row.cells[1].text for row in table.rows[1:]]


def test_to_trinh_lists_every_nominee_and_its_number(ds: Dataset) -> None:
    for code in _decided(ds)[:3]:
        content = DD.to_trinh_docx(ds, code)
        rows = _rows(ds, code)
        assert _last_table_names(content) == list(rows["name"])
        rec = ds.frames["HoSo"].set_index("dossier").loc[code]
        text = _text(content)
        assert f"Số: {rec['submission_no']}" in text
        assert "TỜ TRÌNH" in text
        assert L.long_date(pd.Timestamp(rec["sent"]).date()) in text
        assert ds.tree.name(str(rec["unit"])).upper() in text.replace("\n", " ") or any(
            line in text for line in L.organ_lines(ds.tree.name(str(rec["unit"])).upper()))


def test_quyet_dinh_lists_the_approved_and_carries_number_date_signer(ds: Dataset) -> None:
    codes = _decided(ds)
    assert len(codes) >= 3
    for code in codes:
        rows = _rows(ds, code)
        approved = rows[rows["result"] == S.RESULT_AGREED]
        content = DD.quyet_dinh_docx(ds, code)
        names = _last_table_names(content)
        assert names == list(approved["name"])
        assert len(names) < len(rows) or (rows["result"] == S.RESULT_AGREED).all()
        rec = ds.frames["HoSo"].set_index("dossier").loc[code]
        text = _text(content)
        assert f"Số: {rec['decision_no']}" in text
        assert L.long_date(pd.Timestamp(rec["decided"]).date()) in text
        signer_name = DD.split_signer(str(rec["signer"]))[1]
        assert signer_name and signer_name in text
        assert "QUYẾT ĐỊNH" in text


def test_some_decision_leaves_someone_out(ds: Dataset) -> None:
    """The lists differ somewhere: the decision's list is not the proposal copied."""
    differs = [c for c in _decided(ds) if (_rows(ds, c)["result"] != S.RESULT_AGREED).any()]
    assert differs
    code = differs[0]
    assert _last_table_names(DD.quyet_dinh_docx(ds, code)) != _last_table_names(DD.to_trinh_docx(ds, code))


def _sections(content: bytes) -> list[str]:
    """The text of each section (a section ends at a paragraph carrying w:sectPr, or the body's)."""
    body = _doc(content).element.body  # type: ignore[attr-defined]
    out: list[str] = []
    cur: list[str] = []
    for child in body.iterchildren():
        cur += [t.text or "" for t in child.iter(qn("w:t"))]
        if child.tag == qn("w:sectPr") or child.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None:
            out.append(" ".join(cur))
            cur = []
    return out


def test_one_landscape_page_per_award_on_plain_paper(ds: Dataset) -> None:
    code = _pick(ds, stock=True)
    rows = _rows(ds, code)
    approved = rows[rows["result"] == S.RESULT_AGREED]
    content = DD.certificates_docx(ds, code, plain=True)
    doc = _doc(content)
    secs = doc.sections  # type: ignore[attr-defined]
    assert len(secs) == len(approved) >= 2
    for sec in secs:
        assert abs(sec.page_width.mm - 297) < 0.1 and abs(sec.page_height.mm - 210) < 0.1
        assert sec._sectPr.find(qn("w:pgBorders")) is not None
    texts = _sections(content)
    assert len(texts) == len(approved)
    for text, (_, row) in zip(texts, approved.iterrows(), strict=True):
        assert row["name"] in text
        assert str(row["form"]).upper() in text
    # and no frames on plain paper
    assert not list(doc.element.body.iter(qn("w:framePr")))  # type: ignore[attr-defined]


def test_fields_sit_at_their_mau_in_positions(ds: Dataset) -> None:
    code = _pick(ds, stock=True, all_fields=True)
    rows = _rows(ds, code)
    approved = rows[rows["result"] == S.RESULT_AGREED]
    content = DD.certificates_docx(ds, code)
    doc = _doc(content)
    assert len(doc.sections) == len(approved)  # type: ignore[attr-defined]
    mau = ds.frames["MauIn"]
    rec = ds.frames["HoSo"].set_index("dossier").loc[code]
    frames = [p for p in doc.element.body.iter(qn("w:p")) if p.find(qn("w:pPr") + "/" + qn("w:framePr")) is not None]  # type: ignore[attr-defined]
    per_page = len(S.PRINT_FIELDS)
    assert len(frames) == per_page * len(approved)
    for i, (_, row) in enumerate(approved.iterrows()):
        page = frames[i * per_page:(i + 1) * per_page]
        spots = mau[mau["form"] == row["form"]]
        expected = {(int(Mm(float(x)).twips), int(Mm(float(y)).twips)) for x, y in zip(spots["x"], spots["y"], strict=True)}
        seen: dict[tuple[int, int], str] = {}
        for p in page:
            fp = p.find(qn("w:pPr") + "/" + qn("w:framePr"))
            assert fp.get(qn("w:hAnchor")) == "page" and fp.get(qn("w:vAnchor")) == "page"
            x, y, w = int(fp.get(qn("w:x"))), int(fp.get(qn("w:y"))), int(fp.get(qn("w:w")))
            assert x + w <= Mm(297).twips  # the box stays on the sheet
            seen[(x, y)] = "".join(t.text or "" for t in p.iter(qn("w:t")))
        assert set(seen) == expected
        name_at = spots[spots["field"] == "Tên"].iloc[0]
        assert seen[(int(Mm(float(name_at["x"])).twips), int(Mm(float(name_at["y"])).twips))] == row["name"]
        no_at = spots[spots["field"] == "Số quyết định"].iloc[0]
        assert rec["decision_no"] in seen[(int(Mm(float(no_at["x"])).twips), int(Mm(float(no_at["y"])).twips))]
        size_at = spots[spots["field"] == "Tên"].iloc[0]["size"]
        name_p = next(p for p in page if "".join(t.text or "" for t in p.iter(qn("w:t"))) == row["name"])
        sz = name_p.find(".//" + qn("w:sz"))
        assert int(sz.get(qn("w:val"))) == int(float(size_at) * 2)  # half-points
    for sec in doc.sections:  # type: ignore[attr-defined]
        assert sec._sectPr.find(qn("w:pgBorders")) is None  # the stock has its own border


def test_mixed_dossier_plain_pages_for_forms_without_positions(ds: Dataset) -> None:
    code = _mixed(ds)
    rows = _rows(ds, code)
    approved = rows[rows["result"] == S.RESULT_AGREED]
    doc = _doc(DD.certificates_docx(ds, code))
    positioned = _forms_with_positions(ds)
    assert len(doc.sections) == len(approved)  # type: ignore[attr-defined]
    for sec, (_, row) in zip(doc.sections, approved.iterrows(), strict=True):  # type: ignore[attr-defined]
        has_border = sec._sectPr.find(qn("w:pgBorders")) is not None
        assert has_border == (row["form"] not in positioned)


def test_vi_vn_and_honest_properties(ds: Dataset) -> None:
    code = _decided(ds)[0]
    for content in (DD.to_trinh_docx(ds, code), DD.quyet_dinh_docx(ds, code), DD.certificates_docx(ds, code)):
        doc = _doc(content)
        langs = {e.get(qn("w:val")) for e in doc.styles.element.iter(qn("w:lang"))}  # type: ignore[attr-defined]
        assert langs == {L.LANG}
        assert doc.core_properties.language == L.LANG  # type: ignore[attr-defined]
        assert doc.core_properties.title  # type: ignore[attr-defined]


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?<!\d)0\d{2,3}[\s.]?\d{3}[\s.]?\d{3,4}(?!\d)")


def test_no_phone_or_email_even_when_typed_into_the_achievements(ds: Dataset) -> None:
    code = _decided(ds)[0]
    versions = dict(ds.versions)
    lines = versions["HoSoDanhSach"].copy()
    hit = (lines["dossier"] == code) & lines["_winner"]
    lines.loc[hit, "achievement"] = "Sáng kiến hay, liên hệ chi.nguyen@example.vn hoặc 0912 345 678"
    versions["HoSoDanhSach"] = lines
    tampered = dataclasses.replace(ds, versions=versions)
    contacts = {str(v) for col in ("email", "phone") for v in ds.frames["DonVi"][col].dropna()}
    assert contacts  # the demo's units have them: they must not leak
    for content in (DD.to_trinh_docx(tampered, code), DD.quyet_dinh_docx(tampered, code),
                    DD.certificates_docx(tampered, code), DD.certificates_docx(tampered, code, plain=True)):
        text = _text(content)
        assert not _EMAIL.search(text), _EMAIL.search(text)
        assert not _PHONE.search(text), _PHONE.search(text)
        assert not any(c in text for c in contacts)
    # the achievements themselves are printed, only the contact details are gone
    assert "Sáng kiến hay, liên hệ hoặc" in _text(DD.to_trinh_docx(tampered, code))
    assert "Sáng kiến hay, liên hệ hoặc" in _text(DD.certificates_docx(tampered, code, plain=True))


def test_undecided_dossier_gets_a_clear_message(ds: Dataset) -> None:
    hs = ds.frames["HoSo"]
    code = str(hs.loc[hs["status"] == S.DOSSIER_SENT, "dossier"].iloc[0])
    assert DD.to_trinh_docx(ds, code)  # a sent dossier has its tờ trình
    for kind in ("quyet-dinh", "giay-khen"):
        with pytest.raises(DD.DocumentError, match="chưa có quyết định"):
            DD.document(ds, code, kind)
    with pytest.raises(DD.DocumentError, match="Không tìm thấy hồ sơ"):
        DD.document(ds, "HS1999-XX-1", "to-trinh")


def test_pdf_without_libreoffice_says_so(ds: Dataset, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no soffice on this PATH
    with pytest.raises(DD.DocumentError, match="Không tìm thấy LibreOffice"):
        DD.document(ds, _decided(ds)[0], "quyet-dinh", fmt="pdf")


def _need_libreoffice() -> None:
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is missing under CI")
        pytest.skip("LibreOffice is not installed")


def test_certificates_pdf_has_one_page_per_award(ds: Dataset, tmp_path: Path) -> None:
    _need_libreoffice()
    code = _pick(ds, stock=True)
    rows = _rows(ds, code)
    n = int((rows["result"] == S.RESULT_AGREED).sum())
    name, pdf = DD.document(ds, code, "giay-khen", fmt="pdf")
    assert name.endswith(".pdf") and pdf.startswith(b"%PDF")
    path = tmp_path / name
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert pages == n
    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+", info), info  # A4 landscape, in points
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for nominee in rows.loc[rows["result"] == S.RESULT_AGREED, "name"]:
        assert nominee in text  # diacritics survive the conversion
    # after LibreOffice, each field of the first page starts where MauIn puts it (within 2 mm)
    bbox = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    words = [(float(x) * 25.4 / 72, float(y) * 25.4 / 72, w) for x, y, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', bbox)]
    first = rows[rows["result"] == S.RESULT_AGREED].iloc[0]
    mau = ds.frames["MauIn"]
    spots = mau[mau["form"] == first["form"]]
    assert len(spots) >= 5
    for _, spot in spots.iterrows():
        near = [w for x, y, w in words if abs(x - float(spot["x"])) < 2 and abs(y - float(spot["y"])) < 2]
        assert near, (spot["field"], spot["x"], spot["y"])
        if spot["field"] == "Tên":
            assert near[0] == str(first["name"]).split()[0]


def test_cli_writes_the_files(ds: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cli import main

    code = _decided(ds)[0]
    for kind in DD.KINDS:
        assert main(["documents", "--source", "demo", "--dossier", code, "--kind", kind, "--out", str(tmp_path),
                     "--format", "docx"]) == 0
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == sorted(f"{DD.file_stem(code, k)}.docx" for k in DD.KINDS)
    written = (tmp_path / f"{DD.file_stem(code, 'quyet-dinh')}.docx").read_bytes()
    rows = _rows(ds, code)
    assert _last_table_names(written) == list(rows.loc[rows["result"] == S.RESULT_AGREED, "name"])
    assert "Đã ghi" in capsys.readouterr().out
    hs = ds.frames["HoSo"]
    draft = str(hs.loc[hs["status"] == S.DOSSIER_DRAFT, "dossier"].iloc[0])
    assert main(["documents", "--source", "demo", "--dossier", draft, "--kind", "quyet-dinh",
                 "--out", str(tmp_path / "x"), "--format", "docx"]) == 2
    assert "chưa có quyết định" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_signer_title_and_name_are_read_from_the_text() -> None:
    assert DD.split_signer("Chủ tịch Hoàng Văn Minh") == ("CHỦ TỊCH", "Hoàng Văn Minh")
    assert DD.split_signer("phó chủ tịch  Đỗ Thu Lan") == ("PHÓ CHỦ TỊCH", "Đỗ Thu Lan")
    assert DD.split_signer("Nông Thị Trang") == ("CHỦ TỊCH", "Nông Thị Trang")
    assert DD.split_signer("") == ("CHỦ TỊCH", None)
