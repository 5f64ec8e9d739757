"""CO2 accounting: CO2 = Σ fuel × factor + net imported electricity × grid factor.

Pure pandas so that the warehouse, the demo generator and benchmarks all account the same way.
Only region-months with fuel data are accounted; net imports alone do not make an account.
"""
from __future__ import annotations

import pandas as pd

from warehouse import catalog, periods

GRID_INDICATOR = "elec_net_import"


def factor_table() -> pd.DataFrame:
    """One row per (indicator, year) with ``co2_per_unit``, years 2000..2100 expanded."""
    f = catalog.emission_factors()
    rows = [
        (r.indicator, year, r.co2_per_unit)
        for r in f.itertuples()
        for year in range(r.year_from, r.year_to + 1)
    ]
    return pd.DataFrame(rows, columns=["indicator", "year", "co2_per_unit"])


def account_by_source(obs: pd.DataFrame) -> pd.DataFrame:
    """CO2 (万吨) per region, month and source indicator.

    ``obs``: long frame region, period (YYYY-MM), indicator, value in canonical units.
    Returns region, period, indicator, co2 for fuel indicators and net imports of accounted months.
    """
    factors = factor_table()
    monthly = obs[periods.is_month(obs["period"])]
    monthly = monthly[monthly["indicator"].isin(factors["indicator"].unique())].copy()
    if monthly.empty:
        return pd.DataFrame(columns=["region", "period", "indicator", "co2"])
    monthly["year"] = monthly["period"].str[:4].astype(int)
    merged = monthly.merge(factors, on=["indicator", "year"], how="inner")
    merged["co2"] = merged["value"].astype(float) * merged["co2_per_unit"]
    fuel_months = merged.loc[merged["indicator"] != GRID_INDICATOR, ["region", "period"]].drop_duplicates()
    merged = merged.merge(fuel_months, on=["region", "period"], how="inner")
    return merged[["region", "period", "indicator", "co2"]].reset_index(drop=True)


def account_co2(obs: pd.DataFrame) -> pd.DataFrame:
    """Accounted ``co2_total`` (万吨) per region and month where fuel data exist."""
    by_source = account_by_source(obs)
    total = by_source.groupby(["region", "period"], as_index=False)["co2"].sum()
    total = total.rename(columns={"co2": "value"})
    total["indicator"] = catalog.TARGET
    return total[["region", "period", "indicator", "value"]].sort_values(["region", "period"]).reset_index(drop=True)
