"""Period strings (``YYYY-MM``, ``YYYY-01..02``, ``YYYY-Qn``, ``YYYY``) and the annual/monthly reshaping the budget needs.

A combined January–February ``YYYY-01..02`` (1–2月合计) is one value for two months and is never split:
:func:`monthly_frame` lays it on the month grid as January 0 and February = the combined value, both
rows marked with ``span`` = the combined period, so every sum over months 1..m (m ≥ 2) counts it once.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

_MONTH_RE = re.compile(r"\d{4}-\d{2}", re.ASCII)
_JAN_FEB_RE = re.compile(r"\d{4}-01\.\.02", re.ASCII)
JAN_FEB_SUFFIX = "-01..02"

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(year: int, month: int) -> str:
    """'YYYY-MM'."""
    return f"{int(year):04d}-{int(month):02d}"


def span_label(month: int, lang: str) -> str:
    """Months 1..m as text: '1–10月' / 'Jan–Oct' ('1月' / 'Jan' when m = 1)."""
    if lang == "zh":
        return "1月" if month == 1 else f"1–{month}月"
    return "Jan" if month == 1 else f"Jan–{MONTH_ABBR[month - 1]}"


def previous_quarter_end(year: int, month: int) -> tuple[int, int]:
    """Last month of the quarter before the one containing ``month``: (2026, 10) -> (2026, 9); (2026, 3) -> (2025, 12)."""
    q_start = 3 * ((month - 1) // 3) + 1
    if q_start == 1:
        return year - 1, 12
    return year, q_start - 1


def split_months(period: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(is_month, year, month) per row of a period column (year/month 0 where not ``YYYY-MM``);
    each distinct period is parsed once."""
    codes, uniq = pd.factorize(period.astype(str), use_na_sentinel=True)
    uniq = [str(u) for u in uniq]
    ok = np.array([_MONTH_RE.fullmatch(u) is not None for u in uniq] + [False], dtype=bool)
    year = np.array([int(u[:4]) if o else 0 for u, o in zip(uniq, ok)] + [0], dtype=np.int64)
    month = np.array([int(u[5:7]) if o else 0 for u, o in zip(uniq, ok)] + [0], dtype=np.int64)
    return ok[codes], year[codes], month[codes]  # code -1 (missing) takes the appended last entry


def is_jan_feb(period: object) -> bool:
    """True for a combined January–February period ``YYYY-01..02``."""
    return _JAN_FEB_RE.fullmatch(str(period)) is not None


def jan_feb_label(year: int) -> str:
    return f"{int(year):04d}{JAN_FEB_SUFFIX}"


def _known_last(m: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """One row per key: a known row (kind not 'estimated') wins over an estimated one, then the last row."""
    if "kind" in m.columns:
        m = m.assign(_rank=(m["kind"].astype(str) != "estimated").astype(int))
        m = m.sort_values(key + ["_rank"], kind="stable").drop(columns="_rank")
    return m.drop_duplicates(key, keep="last")


def monthly_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``df`` whose ``period`` is a month, with int columns ``year`` and ``month`` added.

    Where a (region, period) appears more than once, a known row (``kind`` 'statistical' or
    'verified') wins over an 'estimated' one, then the last row. ``value`` becomes float.

    A combined January–February row (``YYYY-01..02``) covers both months: it replaces that year's
    January and February rows (e.g. the two monthly estimates) unless both months are present and
    at least as well known (known beats estimated); it then appears as a January row of value 0 and
    a February row of the combined value, both with ``span`` = 'YYYY-01..02' (None on other rows).
    """
    ok, year, month = split_months(df["period"])
    m = df[ok].copy()
    m["period"] = m["period"].astype(str)
    m["region"] = m["region"].astype(str)
    m["year"] = year[ok]
    m["month"] = month[ok]
    m["value"] = m["value"].astype(float)
    m = _known_last(m, ["region", "period"])
    jf = df["period"].astype(str).str.fullmatch(_JAN_FEB_RE.pattern).to_numpy(bool)
    if jf.any():
        m = _lay_jan_feb(m, df[jf])
    elif "span" not in m.columns:
        m["span"] = None
    return m.sort_values(["region", "period"]).reset_index(drop=True)


def superseded_estimates(df: pd.DataFrame) -> pd.Series:
    """Bool per row of ``df`` (region, period, kind): an estimated January or February of a region and
    year for which ``df`` holds a known combined January–February value (it replaces the pair)."""
    p, k = df["period"].astype(str), df["kind"].astype(str)
    jf = p.str.fullmatch(_JAN_FEB_RE.pattern) & (k != "estimated")
    known = set(zip(df.loc[jf, "region"].astype(str), p[jf].str[:4]))
    if not known:
        return pd.Series(False, index=df.index)
    pair = (k == "estimated") & p.str.fullmatch(r"\d{4}-0[12]")
    hit = [(r, y) in known for r, y in zip(df["region"].astype(str), p.str[:4])]
    return pair & pd.Series(hit, index=df.index)


def _lay_jan_feb(m: pd.DataFrame, c: pd.DataFrame) -> pd.DataFrame:
    """Combined January–February rows ``c`` laid on the months of ``m`` (see :func:`monthly_frame`)."""
    c = c.copy()
    c["period"], c["region"] = c["period"].astype(str), c["region"].astype(str)
    c["value"] = c["value"].astype(float)
    c["year"] = c["period"].str[:4].astype(np.int64)
    c = _known_last(c, ["region", "period"])
    known = (lambda f: (f["kind"].astype(str) != "estimated").astype(int)) if "kind" in m.columns else (
        lambda f: pd.Series(1, index=f.index))
    pair = m[m["month"] <= 2].assign(_k=lambda f: known(f))
    best = pair.groupby(["region", "year"]).agg(n=("month", "nunique"), k=("_k", "min"))
    cc = c.assign(_k=known(c)).join(best, on=["region", "year"])
    use = cc[~((cc["n"] == 2) & (cc["k"] >= cc["_k"]))].drop(columns=["_k", "n", "k"])
    if use.empty:
        return m.assign(span=None)
    drop = m.set_index(["region", "year"]).index.isin(use.set_index(["region", "year"]).index) & (m["month"] <= 2)
    feb = use.assign(month=2, span=use["period"], period=use["year"].map(lambda y: month_label(y, 2)))
    jan = feb.assign(month=1, value=0.0, period=use["year"].map(lambda y: month_label(y, 1)))
    for col in ("lo90", "hi90"):
        if col in jan.columns:
            jan[col] = jan[col].where(jan[col].isna(), 0.0)
    out = pd.concat([m[~drop].assign(span=None), jan, feb], ignore_index=True)
    out["month"] = out["month"].astype(np.int64)
    out["year"] = out["year"].astype(np.int64)
    return out


def annual_complete(monthly: pd.DataFrame) -> pd.DataFrame:
    """region, year, value: sums over years with all 12 months present (from :func:`monthly_frame`)."""
    g = monthly.groupby(["region", "year"]).agg(value=("value", "sum"), n=("month", "nunique")).reset_index()
    return g.loc[g["n"] == 12, ["region", "year", "value"]].reset_index(drop=True)


def gdp_by_quarter(gdp: pd.DataFrame) -> pd.DataFrame:
    """region, year, quarter, value (亿元) from quarterly (``YYYY-Qn``) rows; annual rows (``YYYY``)
    are kept with quarter 0. Months (``YYYY-MM``) are summed to quarters when all 3 are present."""
    p = gdp["period"].astype(str)
    out = []
    q = gdp[p.str.fullmatch(r"\d{4}-Q[1-4]")]
    if len(q):
        out.append(pd.DataFrame({"region": q["region"].astype(str).to_numpy(),
                                 "year": q["period"].astype(str).str[:4].astype(int).to_numpy(),
                                 "quarter": q["period"].astype(str).str[-1].astype(int).to_numpy(),
                                 "value": q["value"].astype(float).to_numpy()}))
    a = gdp[p.str.fullmatch(r"\d{4}")]
    if len(a):
        out.append(pd.DataFrame({"region": a["region"].astype(str).to_numpy(),
                                 "year": a["period"].astype(str).astype(int).to_numpy(),
                                 "quarter": 0, "value": a["value"].astype(float).to_numpy()}))
    mo = gdp[p.str.fullmatch(r"\d{4}-\d{2}")]
    if len(mo):
        mm = monthly_frame(mo)
        mm["quarter"] = (mm["month"] - 1) // 3 + 1
        g = mm.groupby(["region", "year", "quarter"]).agg(value=("value", "sum"), n=("month", "nunique")).reset_index()
        out.append(g.loc[g["n"] == 3, ["region", "year", "quarter", "value"]])
    if not out:
        return pd.DataFrame({"region": pd.Series(dtype=str), "year": pd.Series(dtype=int),
                             "quarter": pd.Series(dtype=int), "value": pd.Series(dtype=float)})
    return pd.concat(out, ignore_index=True).drop_duplicates(["region", "year", "quarter"], keep="last")


def annual_gdp(gdp: pd.DataFrame) -> pd.DataFrame:
    """region, year, value: annual GDP (亿元) from an annual row, else the sum of 4 quarters."""
    q = gdp_by_quarter(gdp)
    annual = q[q["quarter"] == 0][["region", "year", "value"]]
    quarters = q[q["quarter"] > 0].groupby(["region", "year"]).agg(value=("value", "sum"), n=("quarter", "nunique")).reset_index()
    quarters = quarters.loc[quarters["n"] == 4, ["region", "year", "value"]]
    both = pd.concat([quarters, annual], ignore_index=True).drop_duplicates(["region", "year"], keep="last")
    return both.sort_values(["region", "year"]).reset_index(drop=True)


def safe_ratio(num, den):
    """num / den with NaN where den is 0 or missing (works on scalars and arrays)."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where((den != 0) & np.isfinite(den), num / np.where(den == 0, 1, den), np.nan)
    return out if out.ndim else float(out)
