"""Reading and validating meter files (``enterprise_id,date,kwh``, CSV or Parquet). Pure, vectorised.

Every problem becomes a report row (row, column, value, severity, code, problem/fix in zh and en),
the same shape as every other upload's report. Errors: missing columns, unknown enterprise (not in
the key-emitter registry), unreadable date, future date, kWh not a number / not finite / negative /
implausibly large, a day given twice in the file, a day already stored. Warnings: gaps (days missing
between an enterprise's first and last reading in the file). ``row`` is the spreadsheet row (the
header is row 1) for CSV, the record number + 1 for Parquet.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from budget import config

REPORT_COLUMNS = ["row", "column", "value", "severity", "code", "problem_zh", "problem_en", "fix_zh", "fix_en"]
COLUMNS = ["enterprise_id", "date", "kwh"]
MAX_KWH_DAY = 2e8          # 200 GWh a day: beyond the largest single site (a big aluminium smelter ≈ 50 GWh)
MAX_LISTED = 50            # report rows per problem code; the rest are counted in one summary row
MAX_BYTES = 200 * 2**20
EARLIEST_DAY = date(config.PLAUSIBLE_YEARS[0], 1, 1)   # meter days before it are typing errors (1800-01-01)

MESSAGES: dict[str, tuple[str, str, str, str]] = {  # code -> problem zh, problem en, fix zh, fix en
    "unreadable": ("文件无法读取：{detail}", "The file cannot be read: {detail}",
                   "请上传 UTF-8 编码的 CSV 或 Parquet 文件", "Upload a UTF-8 CSV or a Parquet file"),
    "too_big": ("文件过大（{size}）", "The file is too large ({size})",
                "请按月拆分后分别上传", "Split it by month and upload the parts"),
    "missing_column": ("缺少列 {column}", "Column {column} is missing",
                       "表头须为 enterprise_id,date,kwh", "The header must be enterprise_id,date,kwh"),
    "empty": ("文件没有数据行", "The file has no data rows", "请检查文件内容", "Check the file's content"),
    "unknown_enterprise": ("企业 {value} 不在重点排放单位名录中", "Enterprise {value} is not in the key-emitter registry",
                           "请核对企业编码，或先上传名录", "Check the code, or upload the registry first"),
    "bad_date": ("日期无法识别：{value}", "Unreadable date: {value}",
                 "日期格式为 YYYY-MM-DD", "Write dates as YYYY-MM-DD"),
    "future_date": ("日期 {value} 晚于今天", "Date {value} is in the future",
                    "请核对日期", "Check the date"),
    "too_old": ("日期 {value} 早于可信范围（%s 起）" % EARLIEST_DAY.isoformat(),
                "Date {value} is before the plausible range (from %s)" % EARLIEST_DAY.isoformat(),
                "请核对日期", "Check the date"),
    "bad_kwh": ("用电量不是数字：{value}", "kWh is not a number: {value}",
                "请填写千瓦时数值", "Enter the kWh as a number"),
    "non_finite": ("用电量不是有限数值：{value}", "kWh is not finite: {value}",
                   "请填写有限的千瓦时数值", "Enter a finite kWh value"),
    "negative": ("用电量为负：{value}", "Negative kWh: {value}",
                 "日用电量不能为负，请核对", "Daily use cannot be negative; check the reading"),
    "implausible": ("日用电量 {value} 千瓦时超出合理范围", "Daily use of {value} kWh is implausible",
                    "请核对单位（应为千瓦时）", "Check the unit (must be kWh)"),
    "duplicate": ("企业 {value} 的同一天在文件中出现多次", "Enterprise {value} has the same day more than once",
                  "每个企业每天只能有一行", "Keep one row per enterprise and day"),
    "already_stored": ("企业 {value} 该日读数已入库", "Enterprise {value}: this day is already stored",
                       "只上传新的日期（修订请联系管理员）", "Upload only new days (ask an admin for a revision)"),
    "gap": ("企业 {value} 缺 {n} 天读数（{first} 至 {last} 之间）", "Enterprise {value} misses {n} days (between {first} and {last})",
            "请补齐缺失日期，或确认停产", "Fill in the missing days, or confirm the plant was idle"),
    "more": ("另有 {n} 行同类问题未列出", "{n} more rows with the same problem are not listed",
             "修正上面列出的问题后重新检查", "Fix the rows above and check again"),
}


@dataclass
class MeterCheck:
    clean: pd.DataFrame    # enterprise_id (str), date (datetime64[ns] day), kwh (float)
    report: pd.DataFrame   # REPORT_COLUMNS
    rows_in: int = 0

    @property
    def ok(self) -> bool:
        return not (self.report["severity"] == "error").any()

    @property
    def errors(self) -> pd.DataFrame:
        return self.report[self.report["severity"] == "error"]


def _rows(code: str, severity: str, rows, column: str | None, values, **fmt) -> list[dict]:
    zh, en, fix_zh, fix_en = MESSAGES[code]
    out = []
    for row, value in zip(rows, values):
        kw = {"value": value, "column": column, **{k: (v[len(out)] if isinstance(v, list) else v) for k, v in fmt.items()}}
        out.append({"row": None if row is None else int(row), "column": column, "value": None if value is None else str(value),
                    "severity": severity, "code": code, "problem_zh": zh.format(**kw), "problem_en": en.format(**kw),
                    "fix_zh": fix_zh, "fix_en": fix_en})
    return out


def _listed(code: str, severity: str, frame: pd.DataFrame, column: str, value_col: str) -> list[dict]:
    head = frame.head(MAX_LISTED)
    out = _rows(code, severity, head["row"].tolist(), column, head[value_col].tolist())
    if len(frame) > MAX_LISTED:
        out += _rows("more", severity, [None], column, [None], n=len(frame) - MAX_LISTED)
        out[-1]["code"] = code
    return out


def report_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def read_meter_file(data: bytes, filename: str) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """(raw frame with text columns + ``row``, file-level report). Never raises."""
    if len(data) > MAX_BYTES:
        return None, report_frame(_rows("too_big", "error", [None], None, [None], size=f"{len(data) / 2**20:.0f} MB"))
    try:
        if filename.lower().endswith(".parquet") or data[:4] == b"PAR1":
            import pyarrow.parquet as pq

            frame = pq.read_table(io.BytesIO(data)).to_pandas()
            frame = frame.astype(object).where(frame.notna(), None)
        else:
            frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig",
                                skipinitialspace=True)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a report row, never a traceback
        return None, report_frame(_rows("unreadable", "error", [None], None, [None], detail=str(exc).splitlines()[0][:200]))
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        return None, report_frame(sum((_rows("missing_column", "error", [1], c, [None]) for c in missing), []))
    if frame.empty:
        return None, report_frame(_rows("empty", "error", [None], None, [None]))
    frame = frame[COLUMNS].copy()
    frame["row"] = np.arange(2, len(frame) + 2)
    return frame, report_frame([])


def validate_meters(raw: pd.DataFrame, known: set[str] | frozenset[str], today: date,
                    stored: pd.DataFrame | None = None) -> MeterCheck:
    """Check every row; ``stored`` holds (enterprise_id, date) already in the warehouse."""
    out: list[dict] = []
    f = raw.copy()
    f["enterprise_id"] = f["enterprise_id"].map(lambda v: "" if v is None else str(v).strip())
    f["date_text"] = f["date"].map(lambda v: "" if v is None else str(v).strip())
    f["day"] = pd.to_datetime(f["date_text"].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    text_kwh = f["kwh"].map(lambda v: "" if v is None else str(v).strip())
    num = pd.to_numeric(f["kwh"].map(lambda v: v if isinstance(v, (int, float)) else str(v).strip().replace(",", "")
                                     if v is not None else None), errors="coerce").astype("float64")
    f["kwh_num"], f["kwh_text"] = num, text_kwh
    bad = pd.Series(False, index=f.index)
    refused_day = pd.Series(False, index=f.index)   # rows whose enterprise or day is refused: no day to count gaps on
    checks = [
        ("unknown_enterprise", ~f["enterprise_id"].isin(known), "enterprise_id", "enterprise_id"),
        ("bad_date", f["day"].isna(), "date", "date_text"),
        ("future_date", f["day"].notna() & (f["day"] > pd.Timestamp(today)), "date", "date_text"),
        ("too_old", f["day"].notna() & (f["day"] < pd.Timestamp(EARLIEST_DAY)), "date", "date_text"),
        ("bad_kwh", num.isna() & ~text_kwh.str.lower().isin(["inf", "-inf", "nan", "infinity", "-infinity"]), "kwh", "kwh_text"),
        ("non_finite", num.isin([np.inf, -np.inf]) | (num.isna() & text_kwh.str.lower().isin(
            ["inf", "-inf", "nan", "infinity", "-infinity"])), "kwh", "kwh_text"),
        ("negative", num < 0, "kwh", "kwh_text"),
        ("implausible", np.isfinite(num) & (num > MAX_KWH_DAY), "kwh", "kwh_text"),
    ]
    for code, mask, column, value_col in checks:
        mask = mask.fillna(False).astype(bool)
        if mask.any():
            out += _listed(code, "error", f[mask], column, value_col)
            bad |= mask
            if code in ("unknown_enterprise", "future_date", "too_old"):
                refused_day |= mask
    keyed = f["day"].notna() & (f["enterprise_id"] != "")
    dup = keyed & f.duplicated(["enterprise_id", "day"], keep=False)
    if dup.any():
        out += _listed("duplicate", "error", f[dup], "date", "enterprise_id")
        bad |= dup
    if stored is not None and len(stored):
        keys = pd.MultiIndex.from_arrays([stored["enterprise_id"].astype(str), pd.to_datetime(stored["date"])])
        again = keyed & pd.MultiIndex.from_arrays([f["enterprise_id"], f["day"]]).isin(keys)
        if again.any():
            out += _listed("already_stored", "error", f[again], "date", "enterprise_id")
            bad |= again
    good = f[keyed & ~refused_day & ~f.duplicated(["enterprise_id", "day"], keep="first")]
    if len(good):
        span = good.groupby("enterprise_id")["day"].agg(["min", "max", "nunique", "first"])
        span["missing"] = (span["max"] - span["min"]).dt.days + 1 - span["nunique"]
        rows = good.groupby("enterprise_id")["row"].min()
        gaps = span[span["missing"] > 0].head(MAX_LISTED)
        if len(gaps):
            out += _rows("gap", "warning", rows[gaps.index].tolist(), "date", list(gaps.index),
                         n=gaps["missing"].astype(int).tolist(), first=gaps["min"].dt.strftime("%Y-%m-%d").tolist(),
                         last=gaps["max"].dt.strftime("%Y-%m-%d").tolist())
    clean = f[~bad].rename(columns={"kwh_num": "kwh_value"})
    clean = pd.DataFrame({"enterprise_id": clean["enterprise_id"].astype(str), "date": clean["day"],
                          "kwh": clean["kwh_value"].astype("float64")}).reset_index(drop=True)
    return MeterCheck(clean=clean, report=report_frame(out), rows_in=len(raw))



def template_frame() -> pd.DataFrame:
    """The upload template: the three columns and no rows (an example row would be stored if uploaded
    unchanged; the page shows an example and offers the registered enterprises as a list instead)."""
    return pd.DataFrame(columns=COLUMNS)


def enterprise_list(registry: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The codes a meter file may use: code, name, city, sector of every registered key emitter."""
    name = f"name_{lang}" if f"name_{lang}" in registry.columns else "name_zh"
    return registry.reindex(columns=["code", name, "region", "sector"]).rename(columns={name: "name"})
