"""The upload path shared by the CLI and the upload page: read → validate → one transaction.

Nothing is stored when the file has errors (unless the caller explicitly accepts the valid rows),
when it is a dry run, or when it holds nothing new; then the warehouse is byte-for-byte unchanged.
"""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from warehouse import db, queries, store, users
from intake.reader import read_upload
from intake.templates import message
from intake.validate import Reference, validate

REPORT_COLUMNS = ["row", "column", "value", "severity", "code", "problem_zh", "problem_en", "fix_zh", "fix_en"]
LOADED, PARTIAL, REJECTED, UNCHANGED, DRY_RUN = "loaded", "partial", "rejected", "unchanged", "dry-run"


@dataclass
class IngestResult:
    status: str
    batch: int | None = None
    rows_in: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    report: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REPORT_COLUMNS))
    sha256: str = ""
    message_en: str = ""
    message_zh: str = ""
    unaccounted: list = field(default_factory=list)   # [{region, period, missing: [fuel codes]}]

    @property
    def errors(self) -> pd.DataFrame:
        return self.report[self.report["severity"] == "error"]

    @property
    def warnings(self) -> pd.DataFrame:
        return self.report[self.report["severity"] == "warning"]

    def as_json(self) -> dict:
        def records(frame):
            return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
        return {"status": self.status, "batch": self.batch, "rows_loaded": self.rows_loaded,
                "rows_rejected": self.rows_rejected, "sha256": self.sha256, "message": self.message_en,
                "errors": records(self.errors), "warnings": records(self.warnings), "unaccounted": self.unaccounted}


def build_reference(con) -> Reference:
    last = con.execute(
        """
        SELECT DISTINCT o.region, o.indicator FROM observations o
        WHERE o.batch_id = (SELECT max(batch_id) FROM batches WHERE origin = 'upload' AND status <> 'rolled_back')
        """
    ).df()
    history = con.execute(
        "SELECT region, period, indicator, value FROM observations_current WHERE kind IN ('statistical', 'verified')"
    ).df()
    return Reference(regions=queries.regions(con), aliases=queries.aliases(con), indicators=queries.indicators(con),
                     units=queries.units(con), history=history, last_upload=last)


def _file_level_report(problems) -> pd.DataFrame:
    rows = [{"row": p.row, "column": p.column, "value": p.value, "severity": p.severity, "code": p.code,
             "problem_zh": p.message_zh, "problem_en": p.message_en, "fix_zh": p.fix_zh, "fix_en": p.fix_en}
            for p in problems]
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def _unaccounted_report(con, new: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    """Warning rows (and records) for the periods the upload leaves unaccounted: fuel set incomplete."""
    lack = store.unaccounted_periods(con, new)
    if lack.empty:
        return pd.DataFrame(columns=REPORT_COLUMNS), []
    names = queries.regions(con).set_index("code")
    inds = queries.indicators(con).set_index("code")
    order = {c: i for i, c in enumerate(inds.index)}
    lack["missing"] = [sorted(m, key=lambda c: order.get(c, len(order))) for m in lack["missing"]]
    rows = []
    for r in lack.itertuples():
        zh, en = names["name_zh"].get(r.region, r.region), names["name_en"].get(r.region, r.region)
        texts = message("fuel_incomplete", {
            "region": zh, "region_en": en, "period": r.period,
            "fuels": "、".join(inds["name_zh"].get(c, c) for c in r.missing),
            "fuels_en": ", ".join(inds["name_en"].get(c, c) for c in r.missing)})
        rows.append({"row": None, "column": "", "value": f"{r.region} {r.period}", "severity": "warning",
                     "code": "fuel_incomplete", **dict(zip(REPORT_COLUMNS[5:], texts))})
    records = [{"region": r.region, "period": r.period, "missing": list(r.missing)} for r in lack.itertuples()]
    return pd.DataFrame(rows, columns=REPORT_COLUMNS), records


def _with_rows(report: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    return report if extra.empty else pd.concat([report.astype(object), extra.astype(object)], ignore_index=True)


def already_loaded(con, sha256: str) -> int | None:
    row = db.first_row(con.execute(
        "SELECT max(batch_id) FROM batches WHERE sha256 = ? AND origin = 'upload' AND status IN ('loaded', 'partial')",
        [sha256]))
    return row[0] if row else None


def ingest_bytes(db_path: str | os.PathLike, data: bytes, filename: str, *, user: str = store.SYSTEM_USER,
                 sheet: str | None = None, dry_run: bool = False, accept_valid_rows: bool = False,
                 kind: str = "statistical", today: date | None = None) -> IngestResult:
    """Read, validate and (when clean, or when valid rows are accepted) commit one upload."""
    sha = hashlib.sha256(data).hexdigest()
    raw = read_upload(data, filename, sheet=sheet)
    if not raw.ok:  # file-level errors; reader warnings (an ignored row or column) go on to the check
        return IngestResult(REJECTED, report=_file_level_report(raw.problems), sha256=sha,
                            message_en="the file cannot be read; nothing was stored",
                            message_zh="文件无法读取，未写入任何数据")
    with db.connect(db_path) as con:
        previous = already_loaded(con, sha)
        ref = build_reference(con)
    checked = validate(raw, ref, today or date.today())
    report = checked.report.reindex(columns=REPORT_COLUMNS)
    n_in = int(raw.rows["row"].nunique()) if not raw.rows.empty else 0
    n_err_rows = checked.error_rows if checked.error_rows is not None else int(
        report.loc[report["severity"] == "error", "row"].dropna().nunique())   # the report may list only the first
    has_errors = (report["severity"] == "error").any()
    result = IngestResult(REJECTED, rows_in=n_in, rows_rejected=n_err_rows, report=report, sha256=sha)
    if previous is not None:
        result.status, result.batch = UNCHANGED, previous
        result.message_en = f"this file was already loaded as batch {previous}; nothing new was stored"
        result.message_zh = f"该文件已作为批次 {previous} 导入，本次未写入新数据"
        return result
    clean = checked.clean
    if dry_run:  # rows_loaded: how many values a commit would load (the valid rows)
        if kind == "statistical" and not clean.empty:
            with db.connect(db_path) as con:
                extra, result.unaccounted = _unaccounted_report(con, clean)
            result.report = _with_rows(result.report, extra)
        result.status, result.rows_loaded = DRY_RUN, len(clean)
        result.message_en, result.message_zh = "dry run: nothing was stored", "试运行：未写入任何数据"
        return result
    if has_errors and not accept_valid_rows:
        result.message_en = "the file has errors; nothing was stored (fix them, or accept only the valid rows)"
        result.message_zh = "文件有错误，未写入任何数据（请修正，或明确选择只导入有效行）"
        return result
    with db.transaction(db_path) as con:
        if users.any_users_con(con):  # checked here, in the transaction that writes, whoever calls
            users.check_role(con, user, "upload")
        fresh = store.changed_only(con, clean, kind)
        if fresh.empty:
            result.status = UNCHANGED
            result.message_en = "every value in the file is already stored; nothing new"
            result.message_zh = "文件中的数值均已存在，没有新数据"
            return result
        status = PARTIAL if has_errors else LOADED
        if kind == "statistical":
            extra, result.unaccounted = _unaccounted_report(con, fresh)
            report = result.report = _with_rows(report, extra)
        batch_id, at = store.new_batch(
            con, origin="upload", created_by=user, source_name=os.path.basename(filename), sha256=sha,
            rows_in=n_in, rows_loaded=len(fresh), rows_rejected=n_err_rows, status=status,
            report=report.astype(object).where(report.notna(), None).to_dict(orient="records"))
        store.append_observations(con, fresh, kind=kind, batch_id=batch_id, recorded_at=at)
        if os.environ.get("CARBON_BUDGET_TEST_PAUSE_IN_COMMIT"): time.sleep(float(os.environ["CARBON_BUDGET_TEST_PAUSE_IN_COMMIT"]))
        store.store_accounting(con, regions=sorted(fresh["region"].unique()), created_by=user)
    result.status, result.batch, result.rows_loaded = status, batch_id, len(fresh)
    result.message_en = f"batch {batch_id}: {len(fresh)} values stored" + (f", {n_err_rows} rows rejected" if has_errors else "")
    result.message_zh = f"批次 {batch_id}：写入 {len(fresh)} 个数值" + (f"，拒收 {n_err_rows} 行" if has_errors else "")
    if result.unaccounted:
        n = len(result.unaccounted)
        result.message_en += f"; {n} period(s) not accounted: fuel data incomplete, the estimates stay"
        result.message_zh += f"；{n} 期燃料数据不完整，暂不核算，保留估算值"
    return result


def ingest_file(db_path: str | os.PathLike, file: str | os.PathLike, **kwargs) -> IngestResult:
    with open(file, "rb") as fh:
        data = fh.read()
    return ingest_bytes(db_path, data, os.path.basename(str(file)), **kwargs)
