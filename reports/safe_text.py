"""Text that leaves the product, made safe. The one home of two rules:

- ``clean``: characters no document, image or terminal should receive are removed — C0/C1 control
  characters (``\\x07``, ``\\x0b``, ``\\x1b[31m`` …) except tab and newline, bidirectional overrides and
  marks (``\\u202e``, ``\\u200f`` …), lone surrogates and Unicode non-characters. openpyxl refuses the
  controls; vl-convert aborts the whole process on some of them; a terminal obeys the escapes.
- ``defuse``: a cell that a spreadsheet would run as a formula (``=HYPERLINK(..)``, ``+cmd|..``,
  ``-2+3``, ``@SUM(..)``, also after leading spaces, or starting with a tab or CR) gets a leading
  apostrophe, after ``clean``. Numbers stay numbers; only text is touched.

Every CSV and xlsx the product emits goes through ``defuse`` (``to_csv_bytes``, ``write_csv``,
``reports.xlsx.workbook``); every PDF and chart image through ``clean`` (``reports.typst_pdf``,
``reports.chart_images``). ``tests/test_hardening_emitters.py`` walks the emitters.
"""
from __future__ import annotations

import re
import sys
from typing import IO

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|", "%")
#: A signed number as the screen shows it ("-3.5", "+26.2%", "-1,234.5 万吨" is not one): data, not a formula.
_SIGNED_NUMBER = re.compile(r"^\s*[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?%?\s*$")

#: Bidirectional controls: embeddings, overrides, isolates and the implicit marks (LRM, RLM, ALM).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(f"{chr(p * 0x10000 + 0xfffe)}{chr(p * 0x10000 + 0xffff)}" for p in range(17))
#: What ``clean`` removes: controls but tab/newline/CR, bidi controls, surrogates, non-characters.
UNSAFE_CHARS = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}\ud800-\udfff{_NONCHARACTERS}]")


def clean(value):
    """``value`` without the characters of ``UNSAFE_CHARS`` (CR and CRLF become a newline); non-text passes."""
    if not isinstance(value, str):
        return value
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return UNSAFE_CHARS.sub("", value)


def defuse(value):
    """``value`` made safe for a spreadsheet cell (text only; numbers and None pass through)."""
    if not isinstance(value, str) or not value:
        return value
    formula = value[:1] in ("\t", "\r")      # judged on the raw text: a leading tab/CR is itself a trigger
    value = clean(value)
    head = value.lstrip()[:1]
    if formula or head in FORMULA_STARTS:
        if not formula and any(ch.isdigit() for ch in value) and _SIGNED_NUMBER.match(value):
            return value
        return "'" + value
    return value


def defuse_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and text column name) defused."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(defuse)
    out.columns = [defuse(c) if isinstance(c, str) else c for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for download: defused, UTF-8 with BOM so Excel opens Chinese correctly."""
    return defuse_frame(frame).to_csv(index=False).encode("utf-8-sig")


def rows_csv_bytes(rows: list[list]) -> bytes:
    """A list of rows (the first the header) as defused CSV bytes (UTF-8 with BOM, CRLF line ends)."""
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([[defuse(v) for v in row] for row in rows])
    return buf.getvalue().encode("utf-8-sig")


def write_csv(frame: pd.DataFrame, target: str | IO[str] | None = None, **kw) -> None:
    """Write ``frame`` as defused CSV to a path or a text stream (default: standard output)."""
    defuse_frame(frame).to_csv(sys.stdout if target is None else target, index=False, **kw)


def terminal(text: str) -> str:
    """``text`` for a terminal: ``clean`` (no escape sequences, bell or bidi overrides)."""
    return clean(text)
