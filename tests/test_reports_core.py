"""The report room: typst PDFs set Chinese and cannot be steered by the text they print; xlsx/CSV defused."""
from __future__ import annotations

import io
import shutil
import subprocess

import pandas as pd
import pytest

from reports import safe_text, typst_pdf, xlsx

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_pdf_sets_chinese_and_prints_markup_like_text_literally():
    frame = pd.DataFrame({"城市": ["钢城市", '#set page(width: 1cm) ] *x* $y$ \\ "q"'], "预算": [1234.56, 7.0]})
    body = typst_pdf.heading("一、年度目标") + typst_pdf.para("说明：#emph[不应变成斜体]") + typst_pdf.table(frame)
    data = typst_pdf.render_pdf(body, "示范省碳预算方案", "2026–2030")
    assert data[:5] == b"%PDF-"
    text = pdf_text(data)
    for expected in ("示范省碳预算方案", "一、年度目标", "钢城市", "1,234.6", "#emph[不应变成斜体]", "#set page(width: 1cm)"):
        assert expected in text, expected


def test_defuse_prefixes_formulas_and_keeps_numbers():
    assert safe_text.defuse("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert safe_text.defuse("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0"
    assert safe_text.defuse("@SUM(A1)") == "'@SUM(A1)"
    assert safe_text.defuse("-3.5") == "-3.5" and safe_text.defuse(-3.5) == -3.5
    assert safe_text.defuse("钢城市") == "钢城市"


def test_workbook_defuses_every_text_cell():
    from openpyxl import load_workbook

    data = xlsx.workbook({"分配/表[1]": pd.DataFrame({"地区": ["=1+1", "甲市"], "预算": [1.5, 2.0]})})
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "分配_表_1_"
    assert ws["A2"].value == "'=1+1" and ws["A3"].value == "甲市" and ws["B2"].value == 1.5
    assert safe_text.to_csv_bytes(pd.DataFrame({"a": ["=2"]})).decode("utf-8-sig").splitlines()[1] == "'=2"
