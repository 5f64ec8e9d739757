"""Storage of the final accounts: year-close versions (every version kept), their approvals (which
write the adjustment ledger entries in the same transaction) and five-year assessments (考核) with
the scores an admin enters where the data cannot tell. Rows are stored as JSON per region so that a
version reads back exactly as it was computed."""
from __future__ import annotations

import json
import math
import os

import duckdb
import pandas as pd

from warehouse import db, store, users


def _json(obj) -> str:
    def clean(v):
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        if hasattr(v, "item"):
            return clean(v.item())
        return v
    return json.dumps(clean(obj), ensure_ascii=False, default=str)


def _records(frame: pd.DataFrame) -> list[dict]:
    f = frame.astype(object).where(frame.notna(), None)
    return f.to_dict(orient="records")


def _rows_frame(rows: list) -> pd.DataFrame:
    return pd.DataFrame([json.loads(r) if isinstance(r, str) else r for r in rows])


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchall()[0][0] > 0


# ------------------------------------------------------------------------------------------ year closes
def closed_years(con: duckdb.DuckDBPyConnection) -> set[int]:
    """Years with an approved close (their budgets are final: the ledger refuses entries for them)."""
    if not _has(con, "year_close_approvals"):
        return set()
    return {int(r[0]) for r in con.execute(
        "SELECT DISTINCT c.year FROM year_close_approvals a JOIN year_closes c USING (close_id)").fetchall()}


def store_close(con: duckdb.DuckDBPyConnection, year: int, rows: pd.DataFrame, fuels: pd.DataFrame, *,
                provisional: bool, months_estimated: list[str], data_version: str, rule: dict,
                created_by: str = store.SYSTEM_USER) -> dict:
    """Record a new close version of ``year`` (version = previous + 1); returns {close_id, version}."""
    close_id = con.execute("SELECT nextval('close_id_seq')").fetchall()[0][0]
    version = con.execute("SELECT coalesce(max(version), 0) + 1 FROM year_closes WHERE year = ?", [int(year)]).fetchall()[0][0]
    con.execute("INSERT INTO year_closes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [close_id, int(year), version, store.now(), created_by, bool(provisional), _json(months_estimated),
                 data_version, _json(rule)])
    recs = _records(rows)
    frame = pd.DataFrame({"close_id": close_id, "region": [str(r["region"]) for r in recs],
                          "is_province": [bool(r["is_province"]) for r in recs], "row": [_json(r) for r in recs]})
    con.register("_cr", frame)
    con.execute("INSERT INTO year_close_regions SELECT close_id, region, is_province, row::JSON FROM _cr")
    con.unregister("_cr")
    if len(fuels):
        ff = fuels[["region", "indicator", "co2"]].assign(close_id=close_id)[["close_id", "region", "indicator", "co2"]]
        con.register("_cf", ff)
        con.execute("INSERT INTO year_close_fuels SELECT close_id, region, indicator, co2 FROM _cf")
        con.unregister("_cf")
    return {"close_id": int(close_id), "version": int(version)}


def close_versions(con: duckdb.DuckDBPyConnection, year: int | None = None) -> pd.DataFrame:
    """Every close version (newest first) with its approval, if any."""
    return con.execute(
        """
        SELECT c.close_id, c.year, c.version, c.created_at, c.created_by, c.provisional, c.months_estimated,
               c.data_version, a.approved_at, a.approved_by, a.confirmed_by
        FROM year_closes c LEFT JOIN (
            SELECT close_id, max(approved_at) AS approved_at, arg_max(approved_by, approved_at) AS approved_by,
                   arg_max(confirmed_by, approved_at) AS confirmed_by
            FROM year_close_approvals GROUP BY close_id) a USING (close_id)
        WHERE ?::INTEGER IS NULL OR c.year = ?
        ORDER BY c.year DESC, c.version DESC
        """, [year, year]).df()


def close_rows(con: duckdb.DuckDBPyConnection, close_id: int) -> pd.DataFrame:
    """The stored per-region rows of one close version (cities then the province)."""
    rows = con.execute("SELECT row FROM year_close_regions WHERE close_id = ? ORDER BY is_province, region",
                       [int(close_id)]).fetchall()
    return _rows_frame([r[0] for r in rows])


def close_fuels(con: duckdb.DuckDBPyConnection, close_id: int) -> pd.DataFrame:
    return con.execute("SELECT region, indicator, co2 FROM year_close_fuels WHERE close_id = ? ORDER BY region, co2 DESC",
                       [int(close_id)]).df()


def latest_close_id(con: duckdb.DuckDBPyConnection, year: int) -> int | None:
    row = db.first_row(con.execute("SELECT max(close_id) FROM year_closes WHERE year = ?", [int(year)]))
    return None if row is None or row[0] is None else int(row[0])


def close_meta(con: duckdb.DuckDBPyConnection, close_id: int) -> dict | None:
    v = close_versions(con)
    v = v[v["close_id"] == int(close_id)]
    if v.empty:
        return None
    out = v.iloc[0].to_dict()
    out["months_estimated"] = json.loads(out["months_estimated"]) if isinstance(out["months_estimated"], str) else []
    return out


def applied_adjustments(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, float]:
    """Net adjustment of ``year + 1`` per region already written by approvals of ``year``'s closes."""
    row = db.first_row(con.execute(
        "SELECT arg_max(a.applied, a.approved_at) FROM year_close_approvals a JOIN year_closes c USING (close_id) "
        "WHERE c.year = ?", [int(year)]))
    if row is None or row[0] is None:
        return {}
    return {str(k): float(v) for k, v in json.loads(row[0]).items()}


def record_approval(con: duckdb.DuckDBPyConnection, close_id: int, approved_by: str, applied: dict, entry_ids: list,
                    confirmed_by: str | None = None) -> None:
    """The approval of a close (the caller wrote its ledger entries in the same transaction)."""
    con.execute("INSERT INTO year_close_approvals (close_id, approved_at, approved_by, applied, entry_ids, confirmed_by) "
                "VALUES (?, ?, ?, ?, ?, ?)", [int(close_id), store.now(), approved_by, _json(applied), _json(entry_ids), confirmed_by])


def record_carried(con: duckdb.DuckDBPyConnection, close_id: int, year: int, amounts: dict) -> None:
    """Adjustments of a plan's last year, carried into the next period (no next-year budget to write them on)."""
    for region, amount in amounts.items():
        if abs(float(amount)) > 0.005:
            con.execute("INSERT INTO close_carried VALUES (?, ?, ?, ?, ?)", [int(close_id), int(year), str(region), float(amount), store.now()])


def carried(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """year, region, amount: what closes of a plan's last year carried into the next period."""
    if not _has(con, "close_carried"):
        return pd.DataFrame(columns=["year", "region", "amount"])
    return con.execute("SELECT year, region, sum(amount) AS amount FROM close_carried GROUP BY ALL ORDER BY year, region").df()


def approved_debts(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, float]:
    """Overspend still owed after the approved close of ``year`` (region → 万吨), carried by the rule's terms."""
    row = db.first_row(con.execute(
        "SELECT max(a.close_id) FROM year_close_approvals a JOIN year_closes c USING (close_id) WHERE c.year = ?", [int(year)]))
    if row is None or row[0] is None:
        return {}
    rows = close_rows(con, int(row[0]))
    if "debt" not in rows.columns:
        return {}
    return {str(r): float(d) for r, d, p in zip(rows["region"], rows["debt"], rows["is_province"])
            if not p and d is not None and not pd.isna(d) and float(d) > 0.005}


# ------------------------------------------------------------------------------------------ assessments
def store_assessment(con: duckdb.DuckDBPyConnection, start: int, end: int, rows: pd.DataFrame, weights: dict,
                     created_by: str = store.SYSTEM_USER) -> dict:
    """Record a five-year assessment version; returns {assessment_id, version}."""
    aid = con.execute("SELECT nextval('assessment_id_seq')").fetchall()[0][0]
    version = con.execute("SELECT coalesce(max(version), 0) + 1 FROM assessments WHERE period_start = ? AND period_end = ?",
                          [int(start), int(end)]).fetchall()[0][0]
    con.execute("INSERT INTO assessments VALUES (?, ?, ?, ?, ?, ?, ?)",
                [aid, int(start), int(end), version, store.now(), created_by, _json(weights)])
    recs = _records(rows)
    frame = pd.DataFrame({"aid": aid, "region": [str(r["region"]) for r in recs], "row": [_json(r) for r in recs]})
    con.register("_ar", frame)
    con.execute("INSERT INTO assessment_regions SELECT aid, region, row::JSON FROM _ar")
    con.unregister("_ar")
    return {"assessment_id": int(aid), "version": int(version)}


def assessment_versions(con: duckdb.DuckDBPyConnection, start: int | None = None, end: int | None = None) -> pd.DataFrame:
    return con.execute(
        "SELECT assessment_id, period_start, period_end, version, created_at, created_by FROM assessments "
        "WHERE (?::INTEGER IS NULL OR period_start = ?) AND (?::INTEGER IS NULL OR period_end = ?) "
        "ORDER BY period_start DESC, version DESC", [start, start, end, end]).df()


def assessment_rows(con: duckdb.DuckDBPyConnection, assessment_id: int) -> pd.DataFrame:
    rows = con.execute("SELECT row FROM assessment_regions WHERE assessment_id = ? ORDER BY region",
                       [int(assessment_id)]).fetchall()
    return _rows_frame([r[0] for r in rows])


def entered_scores(con: duckdb.DuckDBPyConnection, start: int, end: int) -> pd.DataFrame:
    """The latest entered score per region and indicator: region, indicator, score, note, entered_by, entered_at."""
    return con.execute(
        """
        SELECT region, indicator, arg_max(score, entered_at) AS score, arg_max(note, entered_at) AS note,
               arg_max(entered_by, entered_at) AS entered_by, max(entered_at) AS entered_at
        FROM assessment_scores WHERE period_start = ? AND period_end = ? GROUP BY ALL ORDER BY region, indicator
        """, [int(start), int(end)]).df()


def enter_score(db_path: str | os.PathLike, start: int, end: int, region: str, indicator: str, score: float,
                user: str | None, note: str = "") -> str:
    """Record one entered score (0..100) after ``users.authorize(.., "assessment_score")``; the region
    must exist. Raises ValueError or PermissionDenied; then nothing is written."""
    from intake.text_policy import free_text

    note = free_text(note, ("说明", "note"), required=False) or ""
    score = float(score)
    if not math.isfinite(score) or not 0 <= score <= 100:
        raise ValueError(f"a score is a number from 0 to 100, got {score!r}")
    with db.transaction(db_path) as con:
        name = users.authorize(con, user, "assessment_score", region=region)
        if not con.execute("SELECT count(*) FROM regions WHERE code = ?", [str(region)]).fetchall()[0][0]:
            raise ValueError(f"no region with code {region!r}")
        con.execute("INSERT INTO assessment_scores VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [int(start), int(end), str(region), str(indicator), score, str(note or ""), name, store.now()])
    return name


# ------------------------------------------------------------------------------------------ evaluation inputs
def measure_starts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """region, created_at of every measure (empty when the measures tables are absent)."""
    if not _has(con, "measures"):
        return pd.DataFrame({"region": pd.Series(dtype=str), "created_at": pd.Series(dtype="datetime64[ns]")})
    return con.execute("SELECT region, created_at, planned_start FROM measures").df()


def upload_arrivals(con: duckdb.DuckDBPyConnection, start: int, end: int, indicator: str = "elec_total") -> pd.DataFrame:
    """region, period, first_recorded: when each month's value first arrived through an upload batch."""
    return con.execute(
        """
        SELECT o.region, o.period, min(o.recorded_at) AS first_recorded
        FROM observations o JOIN batches b USING (batch_id)
        WHERE b.origin = 'upload' AND o.indicator = ? AND o.kind = 'statistical'
          AND o.period >= ? AND o.period <= ? AND length(o.period) = 7
        GROUP BY ALL
        """, [indicator, f"{int(start)}-01", f"{int(end)}-12"]).df()


def estimate_errors(con: duckdb.DuckDBPyConnection, start: int, end: int) -> pd.DataFrame:
    """region, period, run_id, estimate, actual: every stored co2_total estimate of a month in the
    period whose statistical value is now known."""
    return con.execute(
        """
        SELECT e.region, e.period, e.run_id, e.value AS estimate, o.value AS actual
        FROM estimates e JOIN observations_current o
          ON o.region = e.region AND o.period = e.period AND o.indicator = e.indicator AND o.kind = 'statistical'
        WHERE e.indicator = 'co2_total' AND e.period >= ? AND e.period <= ?
        """, [f"{int(start)}-01", f"{int(end)}-12"]).df()
