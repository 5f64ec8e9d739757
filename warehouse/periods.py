"""Period strings: month ``YYYY-MM``, quarter ``YYYY-Qn``, year ``YYYY`` (one home for their shapes)."""
from __future__ import annotations

import pandas as pd

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
QUARTER_PATTERN = r"^\d{4}-Q[1-4]$"
YEAR_PATTERN = r"^\d{4}$"



def is_month(periods: pd.Series) -> pd.Series:
    return periods.astype(str).str.match(MONTH_PATTERN)


def is_valid(periods: pd.Series) -> pd.Series:
    p = periods.astype(str)
    return p.str.match(MONTH_PATTERN) | p.str.match(QUARTER_PATTERN) | p.str.match(YEAR_PATTERN)
