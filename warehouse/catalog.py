"""Reference tables shipped in ``data/``: indicator catalog, unit conversions, emission factors.

Pure pandas (no DuckDB): the migrations load these same files into the warehouse, and the pure
packages (demo generator, accounting, benchmarks) read them from here, so each constant has one home.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
INDICATORS_CSV = DATA_DIR / "indicators.csv"
UNITS_CSV = DATA_DIR / "units.csv"
EMISSION_FACTORS_CSV = DATA_DIR / "emission_factors.csv"

KINDS = ("statistical", "estimated", "verified")
LEVELS = ("country", "province", "city", "district")
TARGET = "co2_total"


@lru_cache(maxsize=None)
def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


RANGE_COLUMNS = ("min_value", "max_value")


def indicators() -> pd.DataFrame:
    """code, name_zh, name_en, category, unit, frequency (the plausible range is read by :func:`ranges`)."""
    return _read(INDICATORS_CSV).drop(columns=list(RANGE_COLUMNS), errors="ignore").copy()


def ranges() -> pd.DataFrame:
    """code, min_value, max_value: the plausible range of one region-period value in the canonical unit.

    Generous but finite: the bounds admit a whole country's figure (the product also runs on a national
    tree) and two-month totals; a blank bound means "finite" only. Values outside are refused at upload.
    """
    df = _read(INDICATORS_CSV)
    out = pd.DataFrame({"code": df["code"]})
    for col in RANGE_COLUMNS:
        out[col] = pd.to_numeric(df[col], errors="coerce") if col in df else float("nan")
    return out.astype({"min_value": "float64", "max_value": "float64"})


def units() -> pd.DataFrame:
    """unit, canonical_unit, factor (canonical value = value × factor)."""
    df = _read(UNITS_CSV).copy()
    df["factor"] = df["factor"].astype(float)
    return df


def emission_factors() -> pd.DataFrame:
    """indicator, year_from, year_to, factor, factor_unit, co2_per_unit (万吨 CO2 per canonical unit), source."""
    df = _read(EMISSION_FACTORS_CSV).copy()
    for col in ("year_from", "year_to"):
        df[col] = df[col].astype(int)
    for col in ("factor", "co2_per_unit"):
        df[col] = df[col].astype(float)
    return df


def conversion_factor(unit: str, canonical_unit: str) -> float | None:
    """Factor turning ``unit`` into ``canonical_unit``; None when the pair is not listed."""
    u = units()
    hit = u[(u["unit"] == unit.strip()) & (u["canonical_unit"] == canonical_unit)]
    return None if hit.empty else float(hit["factor"].iloc[0])


def factor_for(indicator: str, year: int) -> float | None:
    """万吨 CO2 per canonical unit of ``indicator`` in ``year`` (None if it carries no factor)."""
    f = emission_factors()
    hit = f[(f["indicator"] == indicator) & (f["year_from"] <= year) & (f["year_to"] >= year)]
    return None if hit.empty else float(hit["co2_per_unit"].iloc[0])
