"""Period strings: month ``YYYY-MM``, quarter ``YYYY-Qn``, year ``YYYY``."""
from __future__ import annotations

import pandas as pd

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


def is_month(periods: pd.Series) -> pd.Series:
    return periods.astype(str).str.match(MONTH_PATTERN)
