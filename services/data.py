"""Service layer between pages and the warehouse: cached reads keyed by the data version.

The only non-page code that imports streamlit. Every cached read takes the warehouse path and its
data version (see queries.data_version), so a new batch or ledger entry invalidates the cache at once.
"""
from __future__ import annotations

import streamlit as st
import pandas as pd

from services.i18n import t
from warehouse import batches, db, queries

READ_MODULES = {"queries": queries, "batches": batches}  # read-only named queries the pages may run


def warehouse_path() -> str:
    return str(db.db_path())


def data_version(path: str) -> str:
    with db.connect(path) as con:
        return queries.data_version(con)


def require_warehouse() -> tuple[str, str]:
    """(path, version) of a readable warehouse, or a clear message on screen and stop."""
    path = warehouse_path()
    try:
        return path, data_version(path)
    except FileNotFoundError:
        st.error(t("no_warehouse", path=path))
    except Exception as exc:  # noqa: BLE001 - shown to the user, never a traceback
        st.error(t("warehouse_error", err=str(exc).splitlines()[0]))
    st.stop()
    raise RuntimeError("unreachable")


@st.cache_data(show_spinner=False, max_entries=64)
def read(path: str, version: str, query: str, *args, **kwargs):
    """Run a named read query (``"totals"`` or ``"batches.batch_rows"``) and cache its result."""
    del version  # part of the cache key only
    module, _, name = query.rpartition(".")
    with db.connect(path) as con:
        return getattr(READ_MODULES[module or "queries"], name)(con, *args, **kwargs)


def regions(path: str, version: str, level: str | None = "city") -> pd.DataFrame:
    return read(path, version, "regions", level)


def indicators(path: str, version: str) -> pd.DataFrame:
    return read(path, version, "indicators")


@st.cache_data(show_spinner=False, max_entries=8)
def sheet_names(payload: bytes, filename: str) -> list[str]:
    """Sheets of an uploaded workbook from its workbook part only, never its cells (cheap in this server
    process whatever the sheets hold; empty when it cannot be read: the check reports why)."""
    from intake.sheets import list_sheets

    del filename  # part of the cache key only
    return list_sheets(payload)
