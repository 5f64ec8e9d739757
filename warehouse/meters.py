"""Meter data beside the warehouse: partitioned Parquet that DuckDB queries in place.

Layout: ``<warehouse file>.meters/month=YYYY-MM/city=CODE/batch-<id>-<n>.parquet`` with columns
``enterprise_id`` (string), ``date`` (date), ``kwh`` (double); ``month`` and ``city`` are hive folder
names only. Files are written once and never rewritten; the ``meter_files`` table (migration 011)
lists each file with the batch that wrote it, so the batch history answers "who brought which days".

A meter upload (``ingest_meter_bytes``) reads and validates the whole file first (unknown enterprise,
negative or non-finite kWh, duplicates in the file or against what is stored, gaps), and stores
nothing when any row has an error. Clean files are written under temporary names, then recorded and
renamed inside the batch's transaction; a failure removes them, so a rejected or failed upload leaves
both the warehouse and the Parquet folder unchanged.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from intake import meters_validate as mv
from warehouse import db, key_emitters, store, users

LOADED, REJECTED, DRY_RUN = "loaded", "rejected", "dry-run"


def meters_dir(db_path: str | os.PathLike) -> Path:
    """The Parquet folder beside the warehouse file."""
    return Path(str(db.db_path(db_path)) + ".meters")


def has_meters(db_path: str | os.PathLike) -> bool:
    folder = meters_dir(db_path)
    return folder.is_dir() and next(folder.rglob("*.parquet"), None) is not None


def _glob(db_path) -> str:
    return str(meters_dir(db_path) / "**" / "*.parquet").replace("'", "''")


def stored_keys(con: duckdb.DuckDBPyConnection, db_path, frame: pd.DataFrame) -> pd.DataFrame:
    """(enterprise_id, date) of ``frame`` already stored; reads only the months the frame touches."""
    if not has_meters(db_path) or frame.empty:
        return pd.DataFrame(columns=["enterprise_id", "date"])
    months = sorted(frame["date"].dropna().dt.strftime("%Y-%m").unique())
    con.register("_mv_keys", frame[["enterprise_id", "date"]].dropna().assign(date=lambda f: f["date"].dt.date))
    try:
        return con.execute(
            f"SELECT DISTINCT m.enterprise_id, m.date FROM read_parquet('{_glob(db_path)}', hive_partitioning = true) m "
            "JOIN _mv_keys k ON k.enterprise_id = m.enterprise_id AND k.date = m.date "
            f"WHERE m.month IN ({', '.join('?' for _ in months)})", months).df()
    finally:
        con.unregister("_mv_keys")


def monthly_city_kwh(con: duckdb.DuckDBPyConnection, db_path) -> pd.DataFrame:
    """month, city, enterprises, kwh straight from the Parquet (the folder names give month and city)."""
    if not has_meters(db_path):
        return pd.DataFrame(columns=["month", "city", "enterprises", "kwh"])
    return con.execute(
        f"SELECT month, city, count(DISTINCT enterprise_id) AS enterprises, sum(kwh) AS kwh "
        f"FROM read_parquet('{_glob(db_path)}', hive_partitioning = true) GROUP BY ALL ORDER BY month, city").df()


def files(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every meter file with its batch (latest first)."""
    return con.execute("SELECT * FROM meter_files ORDER BY batch_id DESC, path").df()


def _partitions(clean: pd.DataFrame, region_of: dict[str, str]) -> list[tuple[str, str, pd.DataFrame]]:
    frame = clean.assign(month=clean["date"].dt.strftime("%Y-%m"), city=clean["enterprise_id"].map(region_of))
    return [(m, c, g) for (m, c), g in frame.sort_values(["enterprise_id", "date"]).groupby(["month", "city"], sort=True)]


def write_partitions(db_path, clean: pd.DataFrame, region_of: dict[str, str], batch_id: int, con,
                     recorded_at: datetime) -> list[Path]:
    """Write ``clean`` (enterprise_id, date, kwh) as one file per month and city, record each in
    ``meter_files`` on ``con`` (inside the caller's transaction) and return the final paths."""
    root = meters_dir(db_path)
    final: list[Path] = []
    try:
        for month, city, part in _partitions(clean, region_of):
            folder = root / f"month={month}" / f"city={city}"
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"batch-{batch_id}-{uuid.uuid4().hex[:8]}.parquet"
            tmp = folder / f".{target.name}.partial"
            table = pa.table({"enterprise_id": pa.array(part["enterprise_id"].astype(str).tolist(), pa.string()),
                              "date": pa.array(part["date"].dt.date.tolist(), pa.date32()),
                              "kwh": pa.array(part["kwh"].astype("float64").to_numpy(), pa.float64())})
            pq.write_table(table, tmp, compression="zstd")
            con.execute("INSERT INTO meter_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [batch_id, str(target.relative_to(root)), month, city, len(part), float(part["kwh"].sum()),
                         part["date"].min().date(), part["date"].max().date(), recorded_at])
            os.replace(tmp, target)
            final.append(target)
    except BaseException:
        discard(db_path, final)
        raise
    return final


def discard(db_path, written: list[Path]) -> None:
    """Remove files of a failed batch, stray temporaries and the empty folders they leave."""
    root = meters_dir(db_path)
    for p in written:
        p.unlink(missing_ok=True)
    for p in root.rglob(".*.partial"):
        p.unlink(missing_ok=True)
    for folder in sorted((d for d in root.rglob("*") if d.is_dir()), key=lambda d: len(d.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    if root.is_dir() and not any(root.iterdir()):
        root.rmdir()


def record_existing(con, db_path, batch_id: int, recorded_at: datetime) -> int:
    """Record files written straight into the folder (the demo, a bulk load) in ``meter_files``."""
    if not has_meters(db_path):
        return 0
    rows = con.execute(
        f"SELECT filename, any_value(month) AS month, any_value(city) AS city, count(*) AS n, sum(kwh) AS kwh, "
        f"min(date) AS d0, max(date) AS d1 FROM read_parquet('{_glob(db_path)}', hive_partitioning = true, "
        "filename = true) GROUP BY filename ORDER BY filename").fetchall()
    root = meters_dir(db_path)
    for fn, month, city, n, kwh, d0, d1 in rows:
        con.execute("INSERT INTO meter_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [batch_id, str(Path(fn).relative_to(root)), month, city, n, kwh, d0, d1, recorded_at])
    return len(rows)


def clear(db_path) -> None:
    """Remove the Parquet folder (the demo rebuilds the warehouse from scratch)."""
    shutil.rmtree(meters_dir(db_path), ignore_errors=True)


@dataclass
class MeterResult:
    status: str
    batch: int | None = None
    rows_in: int = 0
    rows_loaded: int = 0
    report: pd.DataFrame = field(default_factory=lambda: mv.report_frame([]))
    message_en: str = ""
    message_zh: str = ""

    @property
    def errors(self) -> pd.DataFrame:
        return self.report[self.report["severity"] == "error"]

    @property
    def warnings(self) -> pd.DataFrame:
        return self.report[self.report["severity"] == "warning"]

    def as_json(self) -> dict:
        rep = self.report.astype(object).where(self.report.notna(), None)
        return {"status": self.status, "batch": self.batch, "rows_in": self.rows_in, "rows_loaded": self.rows_loaded,
                "message": self.message_en, "message_zh": self.message_zh,
                "errors": rep[rep["severity"] == "error"].to_dict(orient="records"),
                "warnings": rep[rep["severity"] == "warning"].to_dict(orient="records")}


def ingest_meter_bytes(db_path, data: bytes, filename: str, *, user: str | None = None, dry_run: bool = False,
                       today: date | None = None) -> MeterResult:
    """Validate and (when clean) store one meter file as a batch; nothing changes otherwise."""
    raw, problems = mv.read_meter_file(data, filename)
    if raw is None:
        return MeterResult(REJECTED, report=problems, message_en="the file cannot be used; nothing was stored",
                           message_zh="文件无法使用，未写入任何数据")
    with db.connect(db_path) as con:
        reg = key_emitters.registry(con)
        known = frozenset(reg["code"].astype(str))
        check = mv.validate_meters(raw, known, today or date.today())
        stored = stored_keys(con, db_path, check.clean)
    if len(stored):
        check = mv.validate_meters(raw, known, today or date.today(), stored=stored)
    result = MeterResult(REJECTED, rows_in=check.rows_in, report=check.report)
    if not check.ok:
        n = int(check.errors["row"].dropna().nunique())
        result.message_en = f"the file has errors in {n} rows; nothing was stored (fix them and upload again)"
        result.message_zh = f"文件有 {n} 行错误，未写入任何数据（请修正后重新上传）"
        return result
    if dry_run:
        result.status, result.rows_loaded = DRY_RUN, len(check.clean)
        result.message_en, result.message_zh = "dry run: the file is clean; nothing was stored", "试运行：文件无错误，未写入任何数据"
        return result
    region_of = dict(zip(reg["code"].astype(str), reg["region"].astype(str)))
    sha = hashlib.sha256(data).hexdigest()
    written: list[Path] = []
    try:
        with db.transaction(db_path) as con:
            who = None
            for city in sorted({region_of[c] for c in check.clean["enterprise_id"].unique()}):
                who = users.authorize(con, user, "meter_upload", region=city)
            if len(stored_keys(con, db_path, check.clean)):  # another upload stored some of these days meanwhile
                raced = mv.validate_meters(raw, known, today or date.today(), stored=stored_keys(con, db_path, check.clean))
                result.report = raced.report
                result.message_en = "some days were stored by another upload meanwhile; nothing was stored"
                result.message_zh = "部分日期已由另一次上传写入，本次未写入任何数据"
                return result
            batch_id, at = store.new_batch(con, origin="meters", created_by=who or user or store.SYSTEM_USER,
                                           source_name=os.path.basename(filename), sha256=sha, rows_in=check.rows_in,
                                           rows_loaded=len(check.clean), report=check.report.astype(object).where(
                                               check.report.notna(), None).to_dict(orient="records"))
            written = write_partitions(db_path, check.clean, region_of, batch_id, con, at)
    except users.PermissionDenied as exc:
        discard(db_path, written)
        result.message_en, result.message_zh = f"{exc.message_en}; nothing was stored", f"{exc.message_zh}；未写入任何数据"
        return result
    except BaseException:
        discard(db_path, written)
        raise
    result.status, result.batch, result.rows_loaded = LOADED, batch_id, len(check.clean)
    result.message_en = f"batch {batch_id}: {len(check.clean):,} daily readings stored"
    result.message_zh = f"批次 {batch_id}：写入 {len(check.clean):,} 条日读数"
    return result


def ingest_meter_file(db_path, file: str | os.PathLike, **kwargs) -> MeterResult:
    with open(file, "rb") as fh:
        return ingest_meter_bytes(db_path, fh.read(), os.path.basename(str(file)), **kwargs)
