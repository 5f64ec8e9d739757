"""Rolling back a batch by appending, never by deleting: the log keeps both the batch and its undoing.

For every key (region, period, indicator, kind) the batch wrote and whose value is still in effect, a
new ``rollback`` batch appends the value in effect before it (NULL retracts the key when there was
none). Keys that a later batch superseded are left alone and reported as skipped. The rolled-back
batch's status becomes ``rolled_back`` (metadata, not a fact) and CO2 is re-accounted for the regions
touched, all in one transaction.

"In effect" reads the log without rolled-back batches and without rollback batches: after any series
of uploads and rollbacks the current value of a key is the latest value of a batch still standing.
So undoing batches newest-first walks back as expected, and a value of a batch already rolled back
never comes back when a later batch is rolled back.
"""
from __future__ import annotations

import os
from datetime import datetime

import pandas as pd

from warehouse import accounting, catalog, db, store, users

NOT_ROLLBACKABLE = ("rollback", "demo", "nowcast", "accounting", "regions")
KEY = ["region", "period", "indicator", "kind"]


class RollbackRefused(Exception):
    def __init__(self, code: str, message_en: str, message_zh: str):
        super().__init__(message_en)
        self.code, self.message_en, self.message_zh = code, message_en, message_zh


_PLAN = """
WITH b AS (
    SELECT DISTINCT ON (region, period, indicator, kind) region, period, indicator, kind, value
    FROM observations WHERE batch_id = $1
),
h AS (
    SELECT o.region, o.period, o.indicator, o.kind, o.value, o.batch_id, o.recorded_at,
           coalesce(bt.status <> 'rolled_back' AND bt.origin <> 'rollback', true) AS effective
    FROM observations o
    JOIN (SELECT region, period, indicator, kind FROM b) k
      ON k.region = o.region AND k.period = o.period AND k.indicator = o.indicator AND k.kind = o.kind
    LEFT JOIN batches bt ON bt.batch_id = o.batch_id
),
r AS (
    SELECT *,
        row_number() OVER (PARTITION BY region, period, indicator, kind
                           ORDER BY recorded_at DESC, batch_id DESC) AS rn_cur,
        row_number() OVER (PARTITION BY region, period, indicator, kind
                           ORDER BY effective DESC, recorded_at DESC, batch_id DESC) AS rn_eff,
        row_number() OVER (PARTITION BY region, period, indicator, kind
                           ORDER BY (effective AND batch_id <> $1) DESC, recorded_at DESC, batch_id DESC) AS rn_prev
    FROM h
)
SELECT b.region, b.period, b.indicator, b.kind, b.value AS batch_value,
       c.batch_id AS current_batch, c.value AS current_value, p.value AS previous_value,
       CASE WHEN e.batch_id = $1 AND c.value IS NOT DISTINCT FROM b.value
            THEN CASE WHEN p.value IS NULL THEN 'retract' ELSE 'restore' END
            ELSE 'skip' END AS action
FROM b
LEFT JOIN (SELECT * FROM r WHERE rn_cur = 1) c USING (region, period, indicator, kind)
LEFT JOIN (SELECT * FROM r WHERE rn_eff = 1 AND effective) e USING (region, period, indicator, kind)
LEFT JOIN (SELECT * FROM r WHERE rn_prev = 1 AND effective AND batch_id <> $1) p USING (region, period, indicator, kind)
ORDER BY b.region, b.indicator, b.period, b.kind
"""


def _refuse(code: str, en: str, zh: str) -> RollbackRefused:
    return RollbackRefused(code, en, zh)


def rollback_batch(db_path: str | os.PathLike, batch_id: int, user: str) -> dict:
    """Undo one batch (see module doc). Raises RollbackRefused, or users.PermissionDenied when users
    exist and ``user`` is not an enabled analyst or admin. Returns counts and the skipped keys."""
    if not db.db_path(db_path).exists():
        raise FileNotFoundError(f"warehouse not found: {db.db_path(db_path)}")
    batch_id = int(batch_id)
    with db.connect(db_path) as con:
        origin = db.first_row(con.execute("SELECT origin FROM batches WHERE batch_id = ?", [batch_id]))
    if origin == ("meters",):  # readings live as Parquet: their own rollback (same record, same checks)
        from warehouse import meters

        try:
            return {"restored": 0, "retracted": 0, "skipped": 0, "skipped_keys": [],
                    **meters.rollback_meter_batch(db_path, batch_id, user)}
        except meters.MeterRollbackRefused as exc:
            raise _refuse(exc.code, exc.message_en, exc.message_zh) from None
    with db.transaction(db_path) as con:
        if users.any_users_con(con):
            users.check_role(con, user, "rollback")
        row = db.first_row(con.execute("SELECT origin, status FROM batches WHERE batch_id = ?", [batch_id]))
        if row is None:
            raise _refuse("batch_not_found", f"there is no batch {batch_id}", f"不存在批次 {batch_id}")
        origin, status = row
        if status == "rolled_back":
            raise _refuse("already_rolled_back", f"batch {batch_id} is already rolled back", f"批次 {batch_id} 已回滚")
        if origin in NOT_ROLLBACKABLE:
            raise _refuse("not_rollbackable", f"batch {batch_id} is a {origin} batch, which cannot be rolled back",
                          f"批次 {batch_id} 为 {origin} 批次，不能回滚")
        plan = con.execute(_PLAN, [batch_id]).df()
        act = plan[plan["action"] != "skip"]
        skipped = plan[plan["action"] == "skip"]
        skipped_records = [
            {"region": r.region, "period": r.period, "indicator": r.indicator, "kind": r.kind,
             "value": _num(r.batch_value), "current_value": _num(r.current_value),
             "current_batch": None if pd.isna(r.current_batch) else int(r.current_batch),
             "reason_en": "superseded by a later batch", "reason_zh": "已被之后的批次更新"}
            for r in skipped.itertuples()]
        latest = con.execute("SELECT max(recorded_at) FROM observations").fetchall()[0][0]
        at = max(store.now(), latest) if isinstance(latest, datetime) else store.now()
        new_id, at = store.new_batch(
            con, origin="rollback", created_by=user, rows_in=len(plan), rows_loaded=len(act),
            note=f"rollback of batch {batch_id}", report=skipped_records, created_at=at)
        for kind, part in act.groupby("kind", sort=True):
            frame = part[["region", "period", "indicator"]].assign(value=part["previous_value"].astype(float))
            store.append_observations(con, frame, kind=str(kind), batch_id=new_id, recorded_at=at, retractions=True)
        con.execute("UPDATE batches SET status = 'rolled_back' WHERE batch_id = ?", [batch_id])
        regions = sorted(act["region"].unique().tolist())
        co2_stored = co2_retracted = 0
        if regions:
            co2_stored = store.store_accounting(con, regions=regions, created_by=user)
            co2_retracted = _retract_unsupported_co2(con, regions, user, batch_id)
    n_restored = int((act["action"] == "restore").sum())
    n_retracted = int((act["action"] == "retract").sum())
    return {
        "status": "rolled_back", "batch": batch_id, "rollback_batch": new_id, "restored": n_restored,
        "retracted": n_retracted, "skipped": len(skipped), "skipped_keys": skipped_records, "regions": regions,
        "co2_stored": co2_stored, "co2_retracted": co2_retracted,
        "message_en": f"batch {batch_id} rolled back as batch {new_id}: {n_restored} values restored, "
                      f"{n_retracted} retracted, {len(skipped)} left alone (superseded later)",
        "message_zh": f"批次 {batch_id} 已回滚（回滚批次 {new_id}）：恢复 {n_restored} 个数值，撤回 {n_retracted} 个，"
                      f"{len(skipped)} 个已被之后的批次更新、未改动",
    }


def _num(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _retract_unsupported_co2(con, regions: list[str], user: str, batch_id: int) -> int:
    """Retract accounted CO2 months whose fuel data the rollback removed (accounting only adds)."""
    fuel = con.execute(
        "SELECT region, period, indicator, value FROM observations_current WHERE kind = 'statistical' "
        "AND (indicator LIKE 'fuel_%' OR indicator = 'elec_net_import') AND region IN (SELECT unnest(?::TEXT[]))",
        [regions]).df()
    supported = accounting.account_co2(fuel)[["region", "period"]]
    accounted = con.execute(
        "SELECT c.region, c.period FROM observations_current c JOIN batches b ON b.batch_id = c.batch_id "
        "WHERE c.kind = 'statistical' AND c.indicator = ? AND b.origin = 'accounting' "
        "AND c.region IN (SELECT unnest(?::TEXT[]))", [catalog.TARGET, regions]).df()
    orphan = accounted.merge(supported, on=["region", "period"], how="left", indicator=True)
    orphan = orphan[orphan["_merge"] == "left_only"]
    if orphan.empty:
        return 0
    new_id, at = store.new_batch(con, origin="accounting", created_by=user, rows_in=len(orphan),
                                 rows_loaded=len(orphan), note=f"CO2 retracted: its fuel data went with the rollback of batch {batch_id}")
    frame = orphan[["region", "period"]].assign(indicator=catalog.TARGET, value=float("nan"))
    return store.append_observations(con, frame, kind="statistical", batch_id=new_id, recorded_at=at,
                                     retractions=True)
