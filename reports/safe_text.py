"""Defusing text that leaves the product: a cell that a spreadsheet would run as a formula
(``=HYPERLINK(..)``, ``+cmd|..``, ``-2+3``, ``@SUM(..)``, a leading tab or CR) gets a leading apostrophe.
Numbers stay numbers; only text is touched. The one home of this rule (CSV, xlsx, exports)."""
from __future__ import annotations

import re

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|", "%")
#: A signed number as the screen shows it ("-3.5", "+26.2%", "-1,234.5 万吨" is not one): data, not a formula.
_SIGNED_NUMBER = re.compile(r"^\s*[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?%?\s*$")


def defuse(value):
    """``value`` made safe for a spreadsheet cell (text only; numbers and None pass through)."""
    if isinstance(value, str) and value and (value.lstrip(" ")[:1] in FORMULA_STARTS):
        if any(ch.isdigit() for ch in value) and _SIGNED_NUMBER.match(value):
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
