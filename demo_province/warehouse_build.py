"""Building the demo warehouse (示范省) from the pure generator in ``demo_province.generator``."""
from __future__ import annotations

import os
from pathlib import Path

from warehouse import db, store
from demo_province.generator import generate_demo


def build_demo(path: str | os.PathLike, n_cities: int = 12, as_of: str | None = None,
               seed: int = 20260101, co2_lag_months: int = 6, replace: bool = True) -> dict:
    """Write a fresh demo warehouse: regions, statistical drivers, accounted CO2 and the noise-free truth."""
    p = Path(path)
    if replace:
        for suffix in ("", ".wal"):
            Path(str(p) + suffix).unlink(missing_ok=True)
    demo = generate_demo(n_cities=n_cities, as_of=as_of, seed=seed, co2_lag_months=co2_lag_months)
    with db.transaction(p) as con:
        store.upsert_regions(con, demo.regions)
        batch_id, at = store.new_batch(con, origin="demo", source_name="demo_generator",
                                       rows_in=len(demo.observations), rows_loaded=len(demo.observations),
                                       note=f"demo province: {demo.settings}")
        n = store.append_observations(con, demo.observations, kind="statistical", batch_id=batch_id, recorded_at=at)
        n_co2 = store.store_accounting(con)
        store.store_truth(con, demo.truth)
    return {"regions": len(demo.regions), "observations": n, "co2_accounted": n_co2,
            "as_of": demo.settings.get("as_of"), "path": str(p)}
