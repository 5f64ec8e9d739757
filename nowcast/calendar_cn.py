"""Chinese calendar effects per month: working days and the Spring Festival (春节).

Working days are an approximation: Monday-Friday minus the weekdays of the main statutory holidays
(New Year's Day, the Spring Festival week, Qingming, Labour Day, National Day week); make-up
working weekends (调休) and the moving Dragon Boat / Mid-Autumn days are ignored.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np

# Lunar New Year's Day (正月初一), 2010-2035.
SPRING_FESTIVAL: dict[int, str] = {
    2010: "2010-02-14", 2011: "2011-02-03", 2012: "2012-01-23", 2013: "2013-02-10", 2014: "2014-01-31",
    2015: "2015-02-19", 2016: "2016-02-08", 2017: "2017-01-28", 2018: "2018-02-16", 2019: "2019-02-05",
    2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01", 2023: "2023-01-22", 2024: "2024-02-10",
    2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13",
    2030: "2030-02-03", 2031: "2031-01-23", 2032: "2032-02-11", 2033: "2033-01-31", 2034: "2034-02-19",
    2035: "2035-02-08",
}
SF_HOLIDAY = (-1, 6)          # statutory week: New Year's Eve .. 6th day (end exclusive)
SF_SLOWDOWN = (-10, 15)       # wider window in which factories and construction sites slow down


def spring_festival(year: int) -> date:
    """Spring Festival date; outside 2010-2035 the mean date (Feb 5) is assumed."""
    s = SPRING_FESTIVAL.get(year)
    return date.fromisoformat(s) if s else date(year, 2, 5)


def _days_in_window(start: date, end: date, y: int, m: int) -> int:
    first = date(y, m, 1)
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    lo, hi = max(start, first), min(end, nxt)
    return max((hi - lo).days, 0)


def _holidays(year: int) -> set[date]:
    out = {date(year, 1, 1), date(year, 4, 4), date(year, 4, 5)}
    out |= {date(year, 5, d) for d in range(1, 4)} | {date(year, 10, d) for d in range(1, 8)}
    sf = spring_festival(year)
    out |= {sf + timedelta(days=d) for d in range(*SF_HOLIDAY)}
    return out


def month_table(m_first: int, n_months: int) -> dict[str, np.ndarray]:
    """Per absolute month ``m_first .. m_first+n_months-1``: days, working days, Spring Festival days."""
    days = np.zeros(n_months)
    work = np.zeros(n_months)
    sf_hol = np.zeros(n_months)
    sf_slow = np.zeros(n_months)
    hol_cache: dict[int, set[date]] = {}
    for i in range(n_months):
        y, m = divmod(m_first + i, 12)
        m += 1
        first = date(y, m, 1)
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        days[i] = (nxt - first).days
        wd = int(np.busday_count(first, nxt))
        for yy in (y - 1, y):   # the Spring Festival week of January can start in the previous year
            hol_cache.setdefault(yy, _holidays(yy))
        hol = {d for d in hol_cache[y] | hol_cache[y - 1] if first <= d < nxt and d.weekday() < 5}
        work[i] = wd - len(hol)
        sf = spring_festival(y)
        sf_hol[i] = _days_in_window(sf + timedelta(days=SF_HOLIDAY[0]), sf + timedelta(days=SF_HOLIDAY[1]), y, m)
        sf_slow[i] = _days_in_window(sf + timedelta(days=SF_SLOWDOWN[0]), sf + timedelta(days=SF_SLOWDOWN[1]), y, m)
    return {"days": days, "workdays": work, "sf_holiday_days": sf_hol, "sf_slowdown_days": sf_slow}


def period_calendar(m0: int, n_months: int, k: int, lag: int) -> dict[str, np.ndarray]:
    """Calendar features per period (k months each) of a panel starting at absolute month ``m0``.

    Returns arrays over the panel's periods: ``season`` (month 1-12, quarter 1-4, or 0 for years),
    working days, their log change on the same period last year, Spring Festival days in the
    period and their change on last year, and the log change of calendar days (leap years).
    """
    t = month_table(m0, n_months)
    agg = {k_: v.reshape(-1, k).sum(axis=1) for k_, v in t.items()}
    n = n_months // k
    idx = np.arange(n) + m0 // k
    season = (idx % (12 // k)) + 1 if k < 12 else np.zeros(n)

    def lagged(a: np.ndarray) -> np.ndarray:
        out = np.full_like(a, np.nan)
        out[lag:] = a[:-lag]
        return out

    return {
        "season": season.astype(float),
        "workdays": agg["workdays"],
        "workdays_yoy": np.log(agg["workdays"] / lagged(agg["workdays"])),
        "days_yoy": np.log(agg["days"] / lagged(agg["days"])),
        "sf_holiday_days": agg["sf_holiday_days"],
        "sf_holiday_shift": agg["sf_holiday_days"] - lagged(agg["sf_holiday_days"]),
        "sf_slowdown_shift": agg["sf_slowdown_days"] - lagged(agg["sf_slowdown_days"]),
    }
