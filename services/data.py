"""Service layer between pages and the warehouse: cached reads keyed by the data version.

The only non-page code that imports streamlit. Every cached read takes the warehouse path and its
data version (the latest batch id), so a new upload or model run invalidates the cache at once.
"""
from __future__ import annotations

import streamlit as st
import pandas as pd

from services.i18n import t
from warehouse import db, queries


def warehouse_path() -> str:
    return str(db.db_path())


def data_version(path: str) -> int:
    with db.connect(path) as con:
        return con.execute("SELECT coalesce(max(batch_id), 0) FROM batches").fetchone()[0]


def require_warehouse() -> tuple[str, int]:
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
def read(path: str, version: int, query: str, *args, **kwargs):
    """Run the named query ``queries.<query>(con, *args, **kwargs)`` and cache its result."""
    del version  # part of the cache key only
    with db.connect(path) as con:
        return getattr(queries, query)(con, *args, **kwargs)


def regions(path: str, version: int, level: str | None = "city") -> pd.DataFrame:
    return read(path, version, "regions", level)


def indicators(path: str, version: int) -> pd.DataFrame:
    return read(path, version, "indicators")
