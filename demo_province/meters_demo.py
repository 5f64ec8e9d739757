"""The demo province's metered key emitters: registry, verified years and a year of daily readings.

If the warehouse already holds a key-emitter registry (another part of the demo may build one), those
enterprises are metered, with their load and factor taken from their own latest yearly figures; else
``N_ENTERPRISES`` enterprises are generated across the cities and registered with four years of MRV
figures (the last one reported but not yet verified). Readings cover the 365 days that end with the
as-of month, written as Parquet beside the warehouse (``warehouse.meters``).
"""
from __future__ import annotations

import os
from datetime import date, timedelta

import numpy as np
import pandas as pd

from demo_province import meters_generator as gen
from warehouse import db, key_emitters, meters, queries, store

N_ENTERPRISES = 300
DAYS = 365
SECTOR_NAMES = {"steel": ("钢铁", "Steel"), "cement": ("水泥", "Cement"), "chemical": ("化工", "Chemicals"),
                "nonferrous": ("有色金属", "Non-ferrous metals"), "glass": ("玻璃", "Glass"), "paper": ("造纸", "Paper"),
                "textile": ("纺织", "Textiles"), "datacenter": ("数据中心", "Data centres")}


def _period(as_of: str) -> tuple[date, int]:
    y, m = (int(x) for x in as_of.split("-"))
    end = date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
    return end - timedelta(days=DAYS - 1), DAYS


def _from_registry(reg: pd.DataFrame, years: pd.DataFrame, start: date, seed: int) -> pd.DataFrame:
    """Generator parameters for an existing registry (load and factor from its latest yearly figures)."""
    base = gen.enterprises(len(reg), ["_"], start=start, days=DAYS, seed=seed)
    last = years.dropna(subset=["elec"]).sort_values("year").groupby("code").tail(1).set_index("code")
    elec = reg["code"].map(last["elec"]).astype(float)
    co2 = reg["code"].map(last["co2"]).astype(float)
    base["enterprise_id"] = reg["code"].astype(str).to_numpy()
    base["city"] = reg["region"].astype(str).to_numpy()
    base["sector"] = reg["sector"].astype(str).to_numpy()
    base["base_kwh"] = np.where(elec > 0, elec * 1e4 / 365.0, base["base_kwh"])
    base["factor"] = np.where((elec > 0) & (co2 >= 0), co2 / elec * 1e3, base["factor"])
    return base


def build_meters(db_path: str | os.PathLike, as_of: str, seed: int = 20260101, n: int = N_ENTERPRISES) -> dict:
    """Register (when needed) and meter the demo's key emitters; returns a summary."""
    start, days = _period(as_of)
    meters.clear(db_path)
    with db.connect(db_path) as con:
        reg = key_emitters.registry(con)
        years = key_emitters.emitter_years(con)
        cities = queries.regions(con, "city")["code"].tolist()
    y_asof = int(as_of[:4])
    if reg.empty:
        ents = gen.enterprises(n, cities, start=start, days=days, seed=seed)
        fig = gen.verified_years(ents, list(range(y_asof - 4, y_asof)), seed=seed)
        fig.loc[fig["year"] == y_asof - 1, "verified"] = False  # last year: reported, verification pending
        names = ents["sector"].map(SECTOR_NAMES)
        no = np.arange(1, n + 1)
        reg_new = pd.DataFrame({"code": ents["enterprise_id"], "region": ents["city"], "sector": ents["sector"],
                                "name_zh": [f"{z}企业{i:03d}" for z, i in zip(names.str[0], no)],
                                "name_en": [f"{e} plant {i:03d}" for e, i in zip(names.str[1], no)]})
    else:
        ents = _from_registry(reg, years, start, seed)
        reg_new, fig = None, None
    written = gen.write_parquet(meters.meters_dir(db_path), ents, start, days, seed=seed)
    with db.transaction(db_path) as con:
        if reg_new is not None:
            batch_id, at = store.new_batch(con, origin="demo", source_name="meters_demo.registry",
                                           rows_in=len(reg_new), rows_loaded=len(reg_new),
                                           note="demo key emitters with MRV years")
            key_emitters.store_registry(con, reg_new, fig, batch_id, recorded_at=at)
        batch_id, at = store.new_batch(con, origin="demo", source_name="meters_demo.readings",
                                       rows_in=written["rows"], rows_loaded=written["rows"],
                                       note=f"demo meter readings {start}..{start + timedelta(days=days - 1)}")
        n_files = meters.record_existing(con, db_path, batch_id, at)
    return {"enterprises": len(ents), "readings": written["rows"], "files": n_files, "bytes": written["bytes"],
            "from": str(start), "to": str(start + timedelta(days=days - 1))}
