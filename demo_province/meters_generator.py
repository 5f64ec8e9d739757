"""Synthetic grid-meter data for metered enterprises, at any scale (pure numpy + pyarrow).

An enterprise has a sector, a city, a base daily load, a seasonal amplitude and phase, a weekly
pattern (weekend dip), possibly a plant outage (load falls to a few percent for days to weeks) and
possibly a start date inside the period (a new plant: no readings before it, a ramp-up after it).
Readings are daily kWh. ``write_parquet`` writes one month at a time (memory stays at one month of
one city block), as Parquet partitioned ``month=YYYY-MM/city=CODE/part-0.parquet`` with columns
``enterprise_id`` (string), ``date`` (date32), ``kwh`` (float64); the partition columns live only in
the folder names (hive style), so any reader that ignores them still sees the three meter columns.

The electricity-to-carbon factor of each enterprise (``factor``, t CO2 per MWh, i.e. direct
combustion and process emissions plus purchased electricity, per MWh used) is drawn around its
sector's typical value, so that verified annual emissions can be synthesised for tests and the demo.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class Sector:
    base_mwh_day: float   # median daily use (MWh); enterprises spread log-normally around it
    season: float         # amplitude of the annual cycle (share of base)
    weekend: float        # share of load lost on Saturday and Sunday
    factor: float         # typical t CO2 per MWh used (combustion + process + purchased power)
    factor_cv: float      # spread of that factor between enterprises


SECTORS: dict[str, Sector] = {
    "steel": Sector(900.0, 0.05, 0.02, 4.5, 0.25),
    "cement": Sector(250.0, 0.20, 0.05, 9.0, 0.20),
    "chemical": Sector(400.0, 0.06, 0.03, 2.2, 0.30),
    "nonferrous": Sector(1500.0, 0.03, 0.01, 1.1, 0.15),
    "glass": Sector(150.0, 0.04, 0.02, 5.0, 0.20),
    "paper": Sector(120.0, 0.08, 0.10, 1.8, 0.25),
    "textile": Sector(60.0, 0.10, 0.25, 0.9, 0.20),
    "datacenter": Sector(200.0, 0.12, 0.00, 0.58, 0.05),
}
SECTOR_SHARES = {"steel": 0.08, "cement": 0.12, "chemical": 0.18, "nonferrous": 0.05, "glass": 0.07,
                 "paper": 0.15, "textile": 0.30, "datacenter": 0.05}
NEW_PLANT_SHARE = 0.03     # share of enterprises whose plant starts inside the period
OUTAGE_SHARE = 0.10        # share with one outage (maintenance, breakdown, production halt)
OUTAGE_DAYS = (3, 30)
OUTAGE_LOAD = 0.03         # share of base load still drawn during an outage
RAMP_DAYS = 60             # a new plant reaches full load after this many days
NOISE_CV = 0.06            # day-to-day noise


def enterprises(n: int, cities: list[str], *, start: date, days: int, seed: int = 7,
                id_prefix: str = "E") -> pd.DataFrame:
    """enterprise_id, city, sector, base_kwh (daily), season, phase, weekend, factor (t/MWh),
    start_day (0 = from the first day), outage_day (-1 = none), outage_len — one row per enterprise."""
    rng = np.random.default_rng(seed)
    names = list(SECTOR_SHARES)
    shares = np.array([SECTOR_SHARES[s] for s in names])
    sector_idx = rng.choice(len(names), size=n, p=shares / shares.sum())
    sec = [SECTORS[s] for s in names]
    base = np.array([s.base_mwh_day for s in sec])[sector_idx] * 1000.0 * rng.lognormal(0.0, 0.8, n)
    season = np.array([s.season for s in sec])[sector_idx] * rng.uniform(0.5, 1.5, n)
    weekend = np.array([s.weekend for s in sec])[sector_idx] * rng.uniform(0.5, 1.5, n)
    factor = np.array([s.factor for s in sec])[sector_idx] * np.exp(
        rng.normal(0.0, 1.0, n) * np.array([s.factor_cv for s in sec])[sector_idx])
    new = rng.random(n) < NEW_PLANT_SHARE
    start_day = np.where(new, rng.integers(1, max(days, 2), n), 0)
    has_out = rng.random(n) < OUTAGE_SHARE
    outage_day = np.where(has_out, rng.integers(0, max(days, 1), n), -1)
    width = len(str(max(n, 1)))
    return pd.DataFrame({
        "enterprise_id": [f"{id_prefix}{i:0{max(width, 6)}d}" for i in range(1, n + 1)],
        "city": np.asarray(cities, dtype=object)[rng.integers(0, len(cities), n)],
        "sector": np.asarray(names, dtype=object)[sector_idx],
        "base_kwh": base, "season": season, "phase": rng.uniform(-20, 20, n), "weekend": weekend,
        "factor": factor, "start_day": start_day.astype(np.int32),
        "outage_day": outage_day.astype(np.int32),
        "outage_len": rng.integers(OUTAGE_DAYS[0], OUTAGE_DAYS[1] + 1, n).astype(np.int32),
    })


def daily_kwh(ents: pd.DataFrame, start: date, day_from: int, day_to: int, seed: int = 7) -> np.ndarray:
    """kWh of days ``day_from..day_to-1`` (counted from ``start``), shape (enterprises, days); NaN = no
    reading (the plant did not exist yet). Deterministic in (seed, day_from)."""
    n, k = len(ents), day_to - day_from
    rng = np.random.default_rng([seed, day_from])
    day = np.arange(day_from, day_to, dtype=np.int32)
    ordinal = start.toordinal() + day
    doy = (ordinal - date(start.year, 1, 1).toordinal()) % 365
    weekday = (ordinal - 1) % 7  # date.toordinal(): 1 = Monday 0001-01-01 → 0 = Monday
    season = ents["season"].to_numpy()[:, None]
    phase = ents["phase"].to_numpy()[:, None]
    # annual cycle peaking in mid-July and mid-January (cooling and heating loads); phase shifts it
    cyc = np.cos(4 * np.pi * (doy[None, :] - 15 - phase) / 365.0)
    load = 1.0 + season * cyc
    load = load * (1.0 - ents["weekend"].to_numpy()[:, None] * (weekday >= 5)[None, :])
    start_day = ents["start_day"].to_numpy()[:, None]
    ramp = np.clip((day[None, :] - start_day + 1) / RAMP_DAYS, 0.0, 1.0)
    load = np.where(start_day > 0, load * np.maximum(ramp, 0.05), load)
    out0 = ents["outage_day"].to_numpy()[:, None]
    in_out = (out0 >= 0) & (day[None, :] >= out0) & (day[None, :] < out0 + ents["outage_len"].to_numpy()[:, None])
    load = np.where(in_out, OUTAGE_LOAD, load)
    kwh = ents["base_kwh"].to_numpy()[:, None] * load * rng.lognormal(0.0, NOISE_CV, (n, k))
    return np.where(day[None, :] < start_day, np.nan, kwh)


def month_spans(start: date, days: int) -> list[tuple[str, int, int]]:
    """(YYYY-MM, first day index, end day index) of every calendar month the period touches."""
    spans, i = [], 0
    while i < days:
        d = start + timedelta(days=i)
        nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        j = min(days, i + (nxt - d).days)
        spans.append((f"{d.year}-{d.month:02d}", i, j))
        i = j
    return spans


def month_table(ents: pd.DataFrame, start: date, day_from: int, day_to: int, seed: int = 7) -> pa.Table:
    """One month of readings as an Arrow table (enterprise_id, date, kwh, city), enterprise-major."""
    kwh = daily_kwh(ents, start, day_from, day_to, seed)
    n, k = kwh.shape
    ent_idx = np.repeat(np.arange(n, dtype=np.int64), k)
    day = np.tile(np.arange(day_from, day_to, dtype=np.int32), n) + np.int32((start - EPOCH).days)
    flat = kwh.ravel()
    keep = ~np.isnan(flat)
    ids = pa.array(ents["enterprise_id"].to_numpy(dtype=object), pa.string())
    cities = pa.array(ents["city"].to_numpy(dtype=object), pa.string())
    take = pa.array(ent_idx[keep])
    return pa.table({"enterprise_id": ids.take(take), "date": pa.array(day[keep], pa.int32()).cast(pa.date32()),
                     "kwh": pa.array(flat[keep], pa.float64()), "city": cities.take(take)})


def write_parquet(out: str | os.PathLike, ents: pd.DataFrame, start: date, days: int, seed: int = 7,
                  by_city: bool = True, block: int = 50_000) -> dict:
    """Write readings under ``out`` as ``month=YYYY-MM[/city=C]/part-N.parquet``; returns
    {rows, files, bytes, months}. Enterprises are processed in blocks to bound memory."""
    out = Path(out)
    rows = files = 0
    spans = month_spans(start, days)
    for month, i, j in spans:
        for b0 in range(0, len(ents), block):
            table = month_table(ents.iloc[b0:b0 + block], start, i, j, seed + b0)
            rows += table.num_rows
            groups = [(None, table)]
            if by_city:
                cities = table.column("city").to_numpy(zero_copy_only=False)
                order = np.argsort(cities, kind="stable")
                sorted_c = cities[order]
                uniq, first = np.unique(sorted_c, return_index=True)
                bounds = list(first) + [len(sorted_c)]
                groups = [(c, table.take(pa.array(order[bounds[g]:bounds[g + 1]]))) for g, c in enumerate(uniq)]
            for city, part in groups:
                folder = out / f"month={month}" / (f"city={city}" if city is not None else "")
                folder.mkdir(parents=True, exist_ok=True)
                pq.write_table(part.drop_columns(["city"]), folder / f"part-{b0 // block}.parquet",
                               compression="zstd")
                files += 1
    size = sum(p.stat().st_size for p in out.rglob("*.parquet"))
    return {"rows": rows, "files": files, "bytes": size, "months": len(spans)}


def verified_years(ents: pd.DataFrame, years: list[int], seed: int = 7, noise_cv: float = 0.04,
                   verified_share: float = 0.85) -> pd.DataFrame:
    """code, year, co2 (万吨), elec (万千瓦时), verified — annual MRV figures consistent with the
    enterprise's factor (co2 = factor × MWh × noise). About ``1 - verified_share`` of enterprises have
    no verified year (their factor must fall back to the sector's)."""
    rng = np.random.default_rng([seed, 1])  # a stream of its own (``enterprises`` drew sectors from ``seed``)
    n = len(ents)
    has = rng.random(n) < verified_share
    rows = []
    annual_mwh = ents["base_kwh"].to_numpy() * 365 / 1000.0
    for y_i, year in enumerate(years):
        growth = (1.0 + rng.normal(0.02, 0.05, n)) ** (y_i - len(years))
        mwh = annual_mwh * growth * rng.lognormal(0.0, 0.05, n)
        co2_t = ents["factor"].to_numpy() * mwh * rng.lognormal(0.0, noise_cv, n)
        rows.append(pd.DataFrame({"code": ents["enterprise_id"], "year": year, "co2": co2_t / 1e4,
                                  "elec": mwh * 1000.0 / 1e4, "verified": has}))
    return pd.concat(rows, ignore_index=True)
