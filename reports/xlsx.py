"""DataFrames → one xlsx workbook (openpyxl), every text cell and sheet name cleaned and defused
(``reports.safe_text``), header bold, columns sized."""
from __future__ import annotations

import io
import re
from typing import Mapping

import pandas as pd

from reports.safe_text import clean, defuse_frame

_BAD_SHEET_CHARS = re.compile(r"[\[\]\*\?/\\:]")


def sheet_name(name: str) -> str:
    """A valid Excel sheet name (≤ 31 characters, none of []*?/\\:)."""
    return _BAD_SHEET_CHARS.sub("_", clean(str(name)).replace("\n", " ").replace("\t", " ")).strip("'")[:31] or "Sheet"


def workbook(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """xlsx bytes with one sheet per frame, in order."""
    from openpyxl.styles import Font

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            title = sheet_name(name)
            defuse_frame(frame).to_excel(writer, sheet_name=title, index=False)
            ws = writer.sheets[title]
            for cell in ws[1]:
                cell.font = Font(bold=True)
            for i, col in enumerate(frame.columns, start=1):
                width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)]) if len(frame) else len(str(col))
                ws.column_dimensions[ws.cell(1, i).column_letter].width = min(60, max(8, width * 1.6))
    return buf.getvalue()
