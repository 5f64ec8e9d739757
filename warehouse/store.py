"""Writing to the warehouse: batches, append-only observations, regions, accounting, truth.

Every function here takes an open connection inside a transaction (see ``db.transaction``) so a
caller can compose several writes into one all-or-nothing unit.
"""
from __future__ import annotations

import json
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd

from intake import text_policy
from warehouse import accounting, catalog

SYSTEM_USER = "system"


def now() -> datetime:
    return datetime.now().replace(microsecond=(datetime.now().microsecond // 1000) * 1000)


def new_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    origin: str,
    created_by: str = SYSTEM_USER,
    source_name: str | None = None,
    sha256: str | None = None,
    rows_in: int = 0,
    rows_loaded: int = 0,
    rows_rejected: int = 0,
    status: str = "loaded",
    note: str | None = None,
    report: object | None = None,
    created_at: datetime | None = None,
) -> tuple[int, datetime]:
    """Record a batch and return (batch_id, created_at). The file name and note pass the text policy
    (``intake.text_policy``: no control or bidi characters, bounded)."""
    source_name = text_policy.file_name(source_name)
    note = None if note is None else text_policy.normalize(note)[:text_policy.MAX_NOTE]
    batch_id = con.execute("SELECT nextval('batch_id_seq')").fetchall()[0][0]
    created_at = created_at or now()
    con.execute(
        "INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [batch_id, created_at, created_by, source_name, sha256, origin, rows_in, rows_loaded,
         rows_rejected, status, note, json.dumps(report, ensure_ascii=False, default=str) if report is not None else None],
    )
    return batch_id, created_at


def append_observations(
    con: duckdb.DuckDBPyConnection, obs: pd.DataFrame, *, kind: str, batch_id: int, recorded_at: datetime,
    retractions: bool = False,
) -> int:
    """Append rows (region, period, indicator, value) under one batch; returns the row count.

    Last line of defence: an infinite value is always refused, a NaN unless ``retractions`` (a rollback's
    NaN says "this key has no value any more"); ``ValueError``, the caller's transaction rolls back. Once
    stored, ``inf`` compares equal to itself and a correcting re-upload would look unchanged."""
    if kind not in catalog.KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    if obs.empty:
        return 0
    frame = pd.DataFrame({
        "region": obs["region"].astype(str).to_numpy(),
        "period": obs["period"].astype(str).to_numpy(),
        "indicator": obs["indicator"].astype(str).to_numpy(),
        "value": pd.to_numeric(obs["value"]).astype(float).to_numpy(),
    })
    values = frame["value"].to_numpy()
    if not (finite := np.isfinite(values) | (retractions & np.isnan(values))).all():
        bad = frame[~finite].iloc[0]
        raise ValueError(f"refusing {int((~finite).sum())} non-finite value(s), e.g. {bad['region']} {bad['period']} "
                         f"{bad['indicator']} = {bad['value']}; nothing was stored")
    con.register("_obs", frame)
    con.execute(
        "INSERT INTO observations SELECT region, period, indicator, value, ?, ?, ? FROM _obs",
        [kind, batch_id, recorded_at],
    )
    con.execute(
        "DELETE FROM observations_latest l USING _obs o WHERE l.region = o.region AND l.period = o.period "
        "AND l.indicator = o.indicator AND l.kind = ?", [kind])
    con.execute(
        "INSERT INTO observations_latest SELECT region, period, indicator, value, ?, ?, ? FROM _obs",
        [kind, batch_id, recorded_at],
    )
    con.unregister("_obs")
    return len(frame)


def changed_only(con: duckdb.DuckDBPyConnection, obs: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Rows of ``obs`` that are new or differ from the current value of the same kind."""
    if obs.empty:
        return obs
    con.register("_new", obs[["region", "period", "indicator", "value"]])
    out = con.execute(
        """
        SELECT n.region, n.period, n.indicator, n.value
        FROM _new n LEFT JOIN observations_current c
          ON c.region = n.region AND c.period = n.period AND c.indicator = n.indicator AND c.kind = ?
        WHERE c.value IS NULL OR abs(c.value - n.value) > 1e-9 * greatest(abs(c.value), 1)
        """,
        [kind],
    ).df()
    con.unregister("_new")
    return out


def upsert_regions(con: duckdb.DuckDBPyConnection, regions: pd.DataFrame) -> int:
    """Insert or replace regions (code, name_zh, name_en, parent, level) and their aliases."""
    frame = regions[["code", "name_zh", "name_en", "parent", "level"]].copy()
    frame["parent"] = frame["parent"].fillna("").astype(str).replace({"": None})
    bad = sorted(set(frame["level"]) - set(catalog.LEVELS))
    if bad:
        raise ValueError(f"unknown region level(s): {', '.join(bad)}; use one of {', '.join(catalog.LEVELS)}")
    con.register("_reg", frame)
    con.execute("DELETE FROM regions WHERE code IN (SELECT code FROM _reg)")
    con.execute("INSERT INTO regions SELECT code, name_zh, name_en, parent, level FROM _reg")
    con.unregister("_reg")
    aliases = region_aliases(frame)
    con.register("_al", aliases)
    con.execute("DELETE FROM region_aliases WHERE alias IN (SELECT alias FROM _al)")
    con.execute("INSERT INTO region_aliases SELECT alias, code FROM _al")
    con.unregister("_al")
    return len(frame)


SUFFIXES = ("省", "市", "自治区", "特别行政区", "地区", "州", "盟")


def region_aliases(regions: pd.DataFrame) -> pd.DataFrame:
    """Every spelling a region goes by: code, Chinese name with and without suffix, English name."""
    rows = []
    for r in regions.itertuples():
        names = {r.code, r.name_zh, r.name_en, r.name_en.lower(), r.code.lower()}
        for suffix in SUFFIXES:
            if r.name_zh.endswith(suffix) and len(r.name_zh) > len(suffix) + 1:
                names.add(r.name_zh[: -len(suffix)])
        if r.level in ("province", "city"):
            names.add(r.name_zh + ("省" if r.level == "province" else "市"))
        for n in names:
            rows.append((n, r.code))
    out = pd.DataFrame(rows, columns=["alias", "code"]).drop_duplicates("alias", keep="first")
    return out


def store_accounting(con: duckdb.DuckDBPyConnection, regions: list[str] | None = None, created_by: str = SYSTEM_USER) -> int:
    """Account co2_total from current statistical fuel and net-import data; store new/changed values.

    Returns the number of values stored (0 when nothing changed, and then no batch is written).
    """
    params: list = []
    where = ""
    if regions:
        where = " AND region IN (SELECT unnest(?))"
        params.append(list(regions))
    obs = con.execute(
        "SELECT region, period, indicator, value FROM observations_current "
        "WHERE kind = 'statistical' AND (indicator LIKE 'fuel_%' OR indicator = 'elec_net_import')" + where,
        params,
    ).df()
    co2 = accounting.account_co2(obs)
    fresh = changed_only(con, co2, "statistical")
    if fresh.empty:
        return 0
    batch_id, at = new_batch(con, origin="accounting", created_by=created_by, rows_in=len(fresh),
                             rows_loaded=len(fresh), note="CO2 = Σ fuel × factor + net imported electricity × grid factor")
    return append_observations(con, fresh, kind="statistical", batch_id=batch_id, recorded_at=at)


def unaccounted_periods(con: duckdb.DuckDBPyConnection, new: pd.DataFrame) -> pd.DataFrame:
    """Periods for which ``new`` (statistical rows about to be stored) brings fuel data but whose fuel
    set stays incomplete, so they are not accounted (``accounting.fuel_completeness``): region,
    period, missing (fuel codes). Reads the current statistical fuels of the regions concerned."""
    fuel = new[new["indicator"].astype(str).str.startswith(accounting.FUEL_PREFIX)]
    if fuel.empty:
        return pd.DataFrame(columns=["region", "period", "missing"])
    regions = sorted(fuel["region"].astype(str).unique())
    stored = con.execute(
        "SELECT region, period, indicator, value FROM observations_current WHERE kind = 'statistical' "
        "AND indicator LIKE 'fuel_%' AND region IN (SELECT unnest(?::TEXT[]))", [regions]).df()
    both = pd.concat([fuel[["region", "period", "indicator", "value"]].astype({"region": str, "period": str}),
                      stored], ignore_index=True).drop_duplicates(["region", "period", "indicator"], keep="first")
    done = accounting.fuel_completeness(both)
    touched = fuel[["region", "period"]].astype(str).drop_duplicates()
    out = done[~done["complete"]].merge(touched, on=["region", "period"])
    return out[["region", "period", "missing"]].reset_index(drop=True)


def store_truth(con: duckdb.DuckDBPyConnection, truth: pd.DataFrame) -> None:
    con.execute("DELETE FROM demo_truth")
    con.register("_truth", truth[["region", "period", "indicator", "value"]])
    con.execute("INSERT INTO demo_truth SELECT * FROM _truth")
    con.unregister("_truth")
