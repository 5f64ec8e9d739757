"""The report room: typst PDFs set Chinese and cannot be steered by the text they print (read back with pdftotext).

Defusing and cleaning (no outside tool) are in test_reports_defuse.py, so a missing pdftotext skips only this.
"""
from __future__ import annotations

import subprocess

import pandas as pd

from reports import typst_pdf
from tests.tool_util import require_tool


def pdf_text(data: bytes) -> str:
    return subprocess.run([require_tool("pdftotext"), "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_pdf_sets_chinese_and_prints_markup_like_text_literally():
    require_tool("pdftotext")
    frame = pd.DataFrame({"城市": ["钢城市", '#set page(width: 1cm) ] *x* $y$ \\ "q"'], "预算": [1234.56, 7.0]})
    body = typst_pdf.heading("一、年度目标") + typst_pdf.para("说明：#emph[不应变成斜体]") + typst_pdf.table(frame)
    data = typst_pdf.render_pdf(body, "示范省碳预算方案", "2026–2030")
    assert data[:5] == b"%PDF-"
    text = pdf_text(data)
    for expected in ("示范省碳预算方案", "一、年度目标", "钢城市", "1,234.6", "#emph[不应变成斜体]", "#set page(width: 1cm)"):
        assert expected in text, expected
