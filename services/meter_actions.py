"""Meter uploads for the page: check in this process (read-only), load and roll back through the CLI in a
child process (as every other write from the app: the server keeps serving while DuckDB's single writer
commits, and a crash of the writer cannot take the server down). Each action re-checks the signed-in
user's role against the warehouse first; the CLI checks it again in the writing transaction."""
from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from intake import meters_validate as mv
from services import actions, auth, tables
from services.i18n import lang, t
from warehouse import db, key_emitters, meters


def check(path: str, user: str | None, data: bytes, filename: str) -> meters.MeterResult:
    """Read and validate the file against the registry and what is stored; nothing is written."""
    auth.require(path, "meter_upload", user)
    from services import writer

    writer.warm()  # a load usually follows a check: have its process ready
    return meters.ingest_meter_bytes(path, data, filename, dry_run=True)


def load(path: str, user: str | None, data: bytes, filename: str) -> actions.ActionResult:
    """Store the file as one meter batch (CLI ``meters load``)."""
    user = auth.require(path, "meter_upload", user)
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / (Path(filename).name or "meters.csv")
        file.write_bytes(data)
        code, payload, err = actions._cli(path, "meters", "load", str(file), "--user", user, "--json")
    if payload.get("status") != meters.LOADED:
        en = payload.get("message") or (err.splitlines()[-1] if err else f"exit code {code}")
        return actions.ActionResult(False, payload, payload.get("message_zh") or en, en)
    return actions.ActionResult(True, payload, payload.get("message_zh", ""), payload.get("message", ""))


def rollback(path: str, user: str | None, batch_id: int) -> actions.ActionResult:
    """Roll a meter batch back (CLI ``meters rollback``): a rollback batch records who and when."""
    user = auth.require(path, "rollback", user)
    code, payload, err = actions._cli(path, "meters", "rollback", str(int(batch_id)), "--user", user, "--json")
    if code != 0:
        line = err.splitlines()[-1] if err else f"exit code {code}"  # "refused (code): english / 中文"
        en, _, zh = line.partition(" / ")
        return actions.ActionResult(False, payload, zh or en, en)
    return actions.ActionResult(True, payload, payload.get("message_zh", ""), payload.get("message_en", ""))


@st.cache_data(show_spinner=False, max_entries=16)
def registry(path: str, version: str) -> pd.DataFrame:
    del version  # cache key only
    with db.connect(path) as con:
        return key_emitters.registry(con)


@st.cache_data(show_spinner=False, max_entries=16)
def batches(path: str, version: str) -> pd.DataFrame:
    """Meter batches, newest first (see ``warehouse.meters.meter_batches``)."""
    del version
    with db.connect(path) as con:
        return meters.meter_batches(con)


@st.cache_data(show_spinner=False, max_entries=16)
def batch_parts(path: str, version: str, batch_id: int) -> pd.DataFrame:
    """month, region, n_rows, kwh of one batch's files."""
    del version
    with db.connect(path) as con:
        return meters.batch_parts(con, batch_id)


def example_line(reg: pd.DataFrame) -> str:
    code = str(reg["code"].iloc[0]) if len(reg) else "E0001"
    return f"{code},{(pd.Timestamp(date.today()) - pd.Timedelta(days=1)):%Y-%m-%d},12345.6"


def template_bytes() -> bytes:
    from reports.safe_text import to_csv_bytes

    return to_csv_bytes(mv.template_frame())


def report_table(report: pd.DataFrame) -> pd.DataFrame:
    """The check's problems for the screen: row, column, value, severity, problem and fix in the UI language."""
    L = lang()
    return pd.DataFrame({
        t("col_row"): report["row"].astype("string").fillna("—"), t("col_column"): report["column"].fillna("—"),
        t("col_value"): report["value"].astype("string").fillna("—"),
        t("col_severity"): report["severity"].map(lambda s: t(f"sev_{s}")),
        t("col_problem"): report[f"problem_{L}"], t("col_fix"): report[f"fix_{L}"]})


def parts_table(parts: pd.DataFrame, names: dict) -> pd.DataFrame:
    return pd.DataFrame({t("mt_col_month"): parts["month"], t("mt_col_city"): parts["region"].map(lambda c: names.get(c, c)),
                         t("mt_col_readings"): parts["n_rows"], t("mt_col_kwh"): parts["kwh"].round(1)})


def batch_table(batches: pd.DataFrame) -> pd.DataFrame:
    """Meter batches for the screen (translated headers, statuses and origins; the rollback that undid each)."""
    shown = tables.readable(batches.drop(columns=["rolled_back_by", "files", "kwh", "first_date", "last_date"]))
    shown[t("mt_col_files")] = batches["files"].to_numpy()
    shown[t("mt_col_kwh")] = batches["kwh"].round(1).to_numpy()
    shown[t("mt_col_first")] = batches["first_date"].astype(str).str[:10].to_numpy()
    shown[t("mt_col_last")] = batches["last_date"].astype(str).str[:10].to_numpy()
    shown[t("mt_col_rolled_back_by")] = batches["rolled_back_by"].map(lambda b: "—" if pd.isna(b) else f"#{int(b)}").to_numpy()
    return shown
