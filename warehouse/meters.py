"""Meter data beside the warehouse: partitioned Parquet that DuckDB queries in place.

Layout: ``<warehouse file>.meters/month=YYYY-MM/city=CODE/batch-<id>-<n>.parquet`` with columns
``enterprise_id`` (string), ``date`` (date), ``kwh`` (double); ``month`` and ``city`` are hive folder
names only. Files are written once and never rewritten; the ``meter_files`` table (migration 011)
lists each file with the batch that wrote it, so the batch history answers "who brought which days".

**The table, not the folder, says what is stored.** Readers (``visible_files``, ``stored_keys``,
``monthly_city_kwh``, the enterprise job) read only the files ``meter_files`` lists for a batch that
is not rolled back. A load writes its files, records them and its batch, and commits, all while it
holds the warehouse's write lock (DuckDB's file lock across processes, ``_WRITE_LOCK`` within one);
the commit is the one moment the batch and its files become visible together. A load killed at any
moment before the commit leaves files nobody lists: invisible, and collected by the next load or
rollback (``collect_garbage``, under the same lock, so it never sees another load's files in
flight). Killed after the commit, the batch is whole. So a killed load can always be run again and
ends with exactly one copy. A rollback (``rollback_meter_batch``) appends a ``rollback`` batch and
marks the batch rolled back in one transaction: its files become invisible at that commit (they
stay on disk as history), and the same file can be loaded again.

A meter upload (``ingest_meter_bytes``) reads and validates the whole file first (unknown enterprise,
negative or non-finite kWh, duplicates in the file or against what is stored, gaps), and stores
nothing when any row has an error.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import threading
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


_WRITE_LOCK = threading.Lock()   # one meter write at a time in this process (threads of the app server)
_VISIBLE = ("SELECT f.path FROM meter_files f JOIN batches b ON b.batch_id = f.batch_id "
            "WHERE b.status <> 'rolled_back' ORDER BY f.path")


def meters_dir(db_path: str | os.PathLike) -> Path:
    """The Parquet folder beside the warehouse file."""
    return Path(str(db.db_path(db_path)) + ".meters")


def visible_files(con: duckdb.DuckDBPyConnection, db_path) -> list[str]:
    """Absolute paths of the stored readings: files listed for a batch still standing (and present)."""
    root = meters_dir(db_path)
    listed = [root / p for (p,) in con.execute(_VISIBLE).fetchall()]
    return [str(p) for p in listed if p.is_file()]


def has_meters(db_path: str | os.PathLike) -> bool:
    if not db.db_path(db_path).exists():
        return False
    with db.connect(db_path) as con:
        return bool(visible_files(con, db_path))


def _source(paths: list[str]) -> str:
    """A read_parquet list literal (paths quoted)."""
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def stored_keys(con: duckdb.DuckDBPyConnection, db_path, frame: pd.DataFrame) -> pd.DataFrame:
    """(enterprise_id, date) of ``frame`` already stored; reads only the months the frame touches."""
    empty = pd.DataFrame(columns=["enterprise_id", "date"])
    if frame.empty:
        return empty
    months = set(frame["date"].dropna().dt.strftime("%Y-%m"))
    paths = [p for p in visible_files(con, db_path) if Path(p).parent.parent.name.removeprefix("month=") in months]
    if not paths:
        return empty
    con.register("_mv_keys", frame[["enterprise_id", "date"]].dropna().assign(date=lambda f: f["date"].dt.date))
    try:
        return con.execute(
            f"SELECT DISTINCT m.enterprise_id, m.date FROM read_parquet({_source(paths)}) m "
            "JOIN _mv_keys k ON k.enterprise_id = m.enterprise_id AND k.date = m.date").df()
    finally:
        con.unregister("_mv_keys")


def monthly_city_kwh(con: duckdb.DuckDBPyConnection, db_path) -> pd.DataFrame:
    """month, city, enterprises, kwh of the stored readings (the folder names give month and city)."""
    paths = visible_files(con, db_path)
    if not paths:
        return pd.DataFrame(columns=["month", "city", "enterprises", "kwh"])
    return con.execute(
        f"SELECT month, city, count(DISTINCT enterprise_id) AS enterprises, sum(kwh) AS kwh "
        f"FROM read_parquet({_source(paths)}, hive_partitioning = true) GROUP BY ALL ORDER BY month, city").df()


def files(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every meter file with its batch and whether it is stored (its batch not rolled back), latest first."""
    return con.execute("SELECT f.*, b.status <> 'rolled_back' AS visible FROM meter_files f "
                       "JOIN batches b ON b.batch_id = f.batch_id ORDER BY f.batch_id DESC, f.path").df()


def meter_batches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Meter batches (uploads and the demo's), newest first: batch_id, created_at, created_by,
    source_name, status, rows_loaded, files, kwh, first_date, last_date, rolled_back_by."""
    return con.execute(
        "SELECT b.batch_id, b.created_at, b.created_by, b.source_name, b.origin, b.status, b.rows_loaded, "
        "count(f.path) AS files, sum(f.kwh) AS kwh, min(f.first_date) AS first_date, max(f.last_date) AS last_date, "
        "(SELECT max(r.batch_id) FROM batches r WHERE r.origin = 'rollback' "
        "  AND r.note = 'rollback of meter batch ' || b.batch_id) AS rolled_back_by "
        "FROM batches b JOIN meter_files f ON f.batch_id = b.batch_id "
        "GROUP BY ALL ORDER BY b.batch_id DESC").df()


def batch_parts(con: duckdb.DuckDBPyConnection, batch_id: int) -> pd.DataFrame:
    """month, region, n_rows, kwh of one batch's files."""
    return con.execute("SELECT month, region, CAST(sum(n_rows) AS BIGINT) AS n_rows, sum(kwh) AS kwh FROM meter_files "
                       "WHERE batch_id = ? GROUP BY ALL ORDER BY month, region", [int(batch_id)]).df()


def _partitions(clean: pd.DataFrame, region_of: dict[str, str]) -> list[tuple[str, str, pd.DataFrame]]:
    frame = clean.assign(month=clean["date"].dt.strftime("%Y-%m"), city=clean["enterprise_id"].map(region_of))
    return [(m, c, g) for (m, c), g in frame.sort_values(["enterprise_id", "date"]).groupby(["month", "city"], sort=True)]


def collect_garbage(con: duckdb.DuckDBPyConnection, db_path) -> int:
    """Remove Parquet files no batch lists (left by a load killed before its commit) and stray
    temporaries; call only while holding the write lock (inside ``db.transaction`` and ``_WRITE_LOCK``)."""
    root = meters_dir(db_path)
    if not root.is_dir():
        return 0
    listed = {p for (p,) in con.execute("SELECT path FROM meter_files").fetchall()}
    orphans = [p for p in root.rglob("*.parquet") if str(p.relative_to(root)) not in listed]
    orphans += list(root.rglob(".*.partial"))
    discard(db_path, orphans)
    return len(orphans)


def write_partitions(db_path, clean: pd.DataFrame, region_of: dict[str, str], batch_id: int, con,
                     recorded_at: datetime) -> list[Path]:
    """Write ``clean`` (enterprise_id, date, kwh) as one file per month and city and record each in
    ``meter_files`` on ``con`` (inside the caller's transaction: the files count only once it commits)."""
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
            os.replace(tmp, target)
            final.append(target)
            con.execute("INSERT INTO meter_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [batch_id, str(target.relative_to(root)), month, city, len(part), float(part["kwh"].sum()),
                         part["date"].min().date(), part["date"].max().date(), recorded_at])
    except BaseException:
        discard(db_path, final)
        raise
    return final


def discard(db_path, written: list[Path]) -> None:
    """Remove the given files (a failed batch's, or orphans) and the empty folders they leave."""
    root = meters_dir(db_path)
    for p in written:
        p.unlink(missing_ok=True)
    if not root.is_dir():
        return
    for folder in sorted((d for d in root.rglob("*") if d.is_dir()), key=lambda d: len(d.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    if not any(root.iterdir()):
        root.rmdir()


def record_existing(con, db_path, batch_id: int, recorded_at: datetime) -> int:
    """Record files written straight into the folder (the demo, a bulk load) in ``meter_files`` (those
    not listed yet). Until the caller's transaction commits they are orphans like any unlisted file."""
    root = meters_dir(db_path)
    if not root.is_dir() or next(root.rglob("*.parquet"), None) is None:
        return 0
    glob = str(root / "**" / "*.parquet").replace("'", "''")
    rows = con.execute(
        f"SELECT filename, any_value(month) AS month, any_value(city) AS city, count(*) AS n, sum(kwh) AS kwh, "
        f"min(date) AS d0, max(date) AS d1 FROM read_parquet('{glob}', hive_partitioning = true, "
        "filename = true) GROUP BY filename ORDER BY filename").fetchall()
    listed = {p for (p,) in con.execute("SELECT path FROM meter_files").fetchall()}
    n = 0
    for fn, month, city, cnt, kwh, d0, d1 in rows:
        rel = str(Path(fn).relative_to(root))
        if rel not in listed:
            con.execute("INSERT INTO meter_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [batch_id, rel, month, city, cnt, kwh, d0, d1, recorded_at])
            n += 1
    return n


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
        with _WRITE_LOCK, db.transaction(db_path) as con:
            who = None
            for city in sorted({region_of[c] for c in check.clean["enterprise_id"].unique()}):
                who = users.authorize(con, user, "meter_upload", region=city)
            collect_garbage(con, db_path)
            again = stored_keys(con, db_path, check.clean)
            if len(again):  # another upload stored some of these days meanwhile
                raced = mv.validate_meters(raw, known, today or date.today(), stored=again)
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


class MeterRollbackRefused(Exception):
    def __init__(self, code: str, message_en: str, message_zh: str):
        super().__init__(message_en)
        self.code, self.message_en, self.message_zh = code, message_en, message_zh


def rollback_meter_batch(db_path, batch_id: int, user: str | None) -> dict:
    """Undo a meter upload: a ``rollback`` batch is appended and the batch marked rolled back, in one
    transaction checked for the user's role (and city scope, per city the batch touched). Its files
    stay on disk as history but are no longer read; the same days may be loaded again. Raises
    MeterRollbackRefused or users.PermissionDenied; changes nothing then."""
    if not db.db_path(db_path).exists():
        raise FileNotFoundError(f"warehouse not found: {db.db_path(db_path)}")
    batch_id = int(batch_id)
    with _WRITE_LOCK, db.transaction(db_path) as con:
        row = db.first_row(con.execute("SELECT origin, status FROM batches WHERE batch_id = ?", [batch_id]))
        if row is None:
            raise MeterRollbackRefused("batch_not_found", f"there is no batch {batch_id}", f"不存在批次 {batch_id}")
        origin, status = row
        if origin != "meters":
            raise MeterRollbackRefused("not_meters", f"batch {batch_id} is not a meter upload ({origin})",
                                       f"批次 {batch_id} 不是电表数据上传（{origin}）")
        if status == "rolled_back":
            raise MeterRollbackRefused("already_rolled_back", f"batch {batch_id} is already rolled back",
                                       f"批次 {batch_id} 已回滚")
        parts = con.execute("SELECT region, sum(n_rows), sum(kwh) FROM meter_files WHERE batch_id = ? "
                            "GROUP BY region ORDER BY region", [batch_id]).fetchall()
        who = users.authorize(con, user, "rollback") if not parts else None
        for region, _, _ in parts:
            who = users.authorize(con, user, "rollback", region=region)
        n_rows = int(sum(r[1] for r in parts))
        kwh = float(sum(r[2] for r in parts))
        new_id, _ = store.new_batch(con, origin="rollback", created_by=who or user or store.SYSTEM_USER,
                                    rows_in=n_rows, rows_loaded=n_rows, note=f"rollback of meter batch {batch_id}",
                                    report={"meter_batch": batch_id, "readings": n_rows, "kwh": kwh,
                                            "cities": [r[0] for r in parts]})
        con.execute("UPDATE batches SET status = 'rolled_back' WHERE batch_id = ?", [batch_id])
        collect_garbage(con, db_path)
    return {"status": "rolled_back", "batch": batch_id, "rollback_batch": new_id, "readings": n_rows, "kwh": kwh,
            "regions": [r[0] for r in parts],
            "message_en": f"meter batch {batch_id} rolled back as batch {new_id}: {n_rows:,} daily readings withdrawn",
            "message_zh": f"电表批次 {batch_id} 已回滚（回滚批次 {new_id}）：撤回 {n_rows:,} 条日读数"}
