"""CO2 accounting: CO2 = Σ fuel × factor + net imported electricity × grid factor.

Pure pandas so that the warehouse, the demo generator and benchmarks all account the same way.
A region's period (a month, or a combined January–February ``YYYY-01..02`` as published) is
accounted only when its fuel set is complete (see :data:`FUEL_HISTORY_PERIODS`); a missing fuel
is never counted as zero. Net imports alone do not make an account.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from warehouse import catalog, periods

GRID_INDICATOR = "elec_net_import"

# ---------------------------------------------------------------- fuel completeness: the one config place
#: A region's period is accounted only when it reports every fuel the region is expected to report
#: (a fuel not used in a month is reported as 0, never left out). Expected = the fuels it reported
#: in any of its last FUEL_HISTORY_PERIODS accounted periods before that period; a region with no
#: accounted period yet is expected to report the full set it reports over its first
#: FUEL_HISTORY_PERIODS periods with fuel data (what it first reports).
FUEL_HISTORY_PERIODS = 12
FUEL_PREFIX = "fuel_"
COMPLETENESS_COLUMNS = ["region", "period", "complete", "missing"]


def factor_table() -> pd.DataFrame:
    """One row per (indicator, year) with ``co2_per_unit``, years 2000..2100 expanded."""
    f = catalog.emission_factors()
    rows = [
        (r.indicator, year, r.co2_per_unit)
        for r in f.itertuples()
        for year in range(r.year_from, r.year_to + 1)
    ]
    return pd.DataFrame(rows, columns=["indicator", "year", "co2_per_unit"])


def _monthly_mask(period: pd.Series) -> np.ndarray:
    """periods.is_monthly, evaluated once per distinct period."""
    codes, uniq = pd.factorize(period.astype(str))
    return periods.is_monthly(pd.Series(uniq, dtype=object)).to_numpy(bool)[codes] if len(uniq) else np.zeros(0, bool)


def fuel_completeness(obs: pd.DataFrame) -> pd.DataFrame:
    """Per region and period with fuel data: ``complete`` (bool) and ``missing`` (list of fuel codes
    expected but not reported, see :data:`FUEL_HISTORY_PERIODS`). Periods in time order per region."""
    f = obs[obs["indicator"].astype(str).str.startswith(FUEL_PREFIX).to_numpy(bool) & _monthly_mask(obs["period"])
            & obs["value"].notna().to_numpy(bool)]
    if f.empty:
        return pd.DataFrame({"region": pd.Series(dtype=str), "period": pd.Series(dtype=str),
                             "complete": pd.Series(dtype=bool), "missing": pd.Series(dtype=object)})
    rc, regions = pd.factorize(f["region"].astype(str), sort=True)
    pc, pers = pd.factorize(f["period"].astype(str), sort=True)          # period strings sort in time order
    ic, fuels = pd.factorize(f["indicator"].astype(str), sort=True)
    key = rc.astype(np.int64) * len(pers) + pc
    order = np.argsort(key, kind="stable")
    key, bits = key[order], np.left_shift(np.int64(1), ic[order].astype(np.int64))
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    masks = np.bitwise_or.reduceat(bits, starts)
    ukey = key[starts]
    reg, per = ukey // len(pers), ukey % len(pers)
    complete = np.zeros(len(ukey), bool)
    missing: list = [[] for _ in range(len(ukey))]
    bounds = np.flatnonzero(np.r_[True, reg[1:] != reg[:-1], True])
    for a, b in zip(bounds[:-1], bounds[1:]):                            # one region: periods in time order
        got = masks[a:b].tolist()
        first = int(np.bitwise_or.reduce(masks[a:min(b, a + FUEL_HISTORY_PERIODS)]))
        done: list[int] = []
        for j, m in enumerate(got):
            expected = first
            if done:
                expected = 0
                for h in done[-FUEL_HISTORY_PERIODS:]:
                    expected |= h
            lack = expected & ~m
            if lack == 0:
                complete[a + j] = True
                done.append(m)
            else:
                missing[a + j] = [str(c) for i, c in enumerate(fuels) if lack >> i & 1]
    return pd.DataFrame({"region": np.asarray(regions, dtype=object)[reg], "period": np.asarray(pers, dtype=object)[per],
                         "complete": complete, "missing": missing}, columns=COMPLETENESS_COLUMNS)


def account_by_source(obs: pd.DataFrame) -> pd.DataFrame:
    """CO2 (万吨) per region, period and source indicator, for periods whose fuel set is complete.

    ``obs``: long frame region, period (YYYY-MM or YYYY-01..02), indicator, value in canonical units.
    Returns region, period, indicator, co2 for fuel indicators and net imports of accounted periods.
    """
    factors = factor_table()
    monthly = obs[periods.is_monthly(obs["period"])]
    monthly = monthly[monthly["indicator"].isin(factors["indicator"].unique())].copy()
    if monthly.empty:
        return pd.DataFrame(columns=["region", "period", "indicator", "co2"])
    monthly["year"] = monthly["period"].str[:4].astype(int)
    merged = monthly.merge(factors, on=["indicator", "year"], how="inner")
    merged["co2"] = merged["value"].astype(float) * merged["co2_per_unit"]
    done = fuel_completeness(monthly)
    fuel_periods = done.loc[done["complete"], ["region", "period"]]
    merged = merged.merge(fuel_periods, on=["region", "period"], how="inner")
    return merged[["region", "period", "indicator", "co2"]].reset_index(drop=True)


def account_co2(obs: pd.DataFrame) -> pd.DataFrame:
    """Accounted ``co2_total`` (万吨) per region and period where the fuel set is complete."""
    by_source = account_by_source(obs)
    total = by_source.groupby(["region", "period"], as_index=False)["co2"].sum()
    total = total.rename(columns={"co2": "value"})
    total["indicator"] = catalog.TARGET
    return total[["region", "period", "indicator", "value"]].sort_values(["region", "period"]).reset_index(drop=True)
