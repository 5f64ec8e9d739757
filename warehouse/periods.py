"""Period strings: month ``YYYY-MM``, combined January–February ``YYYY-01..02``, quarter ``YYYY-Qn``, year ``YYYY``.

A combined January–February (1–2月合计, as Chinese statistics publish the first two months) is one
period covering two months; it is stored as it is published and never split (docs/contracts.md "Periods").
"""
from __future__ import annotations

import pandas as pd

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
JAN_FEB_PATTERN = r"^\d{4}-01\.\.02$"
JAN_FEB_SUFFIX = "-01..02"


def is_month(periods: pd.Series) -> pd.Series:
    return periods.astype(str).str.match(MONTH_PATTERN)


def is_jan_feb(periods: pd.Series) -> pd.Series:
    """True for a combined January–February period ``YYYY-01..02``."""
    return periods.astype(str).str.match(JAN_FEB_PATTERN)


def is_monthly(periods: pd.Series) -> pd.Series:
    """A month or a combined January–February: the periods of monthly indicators."""
    return is_month(periods) | is_jan_feb(periods)


def jan_feb(year: int) -> str:
    return f"{int(year):04d}{JAN_FEB_SUFFIX}"
