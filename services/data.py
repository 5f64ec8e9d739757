"""Service layer between pages and the warehouse: cached reads keyed by the data version.

The only non-page code that imports streamlit. Every cached read takes the warehouse path and its
data version (see queries.data_version), so a new batch or ledger entry invalidates the cache at once.

A page view must not open DuckDB when nothing changed: ``data_version`` and ``by_file`` remember what
they read under the warehouse file's signature (device, inode, size and modification time of the file
and of its write-ahead log). Every commit appends to the log (or a checkpoint rewrites the file), so
the signature changes with the data; a view that finds it unchanged costs two ``stat`` calls.
"""
from __future__ import annotations

import os
import threading

import streamlit as st
import pandas as pd

from services.i18n import t
from warehouse import batches, db, queries

READ_MODULES = {"queries": queries, "batches": batches}  # read-only named queries the pages may run


def warehouse_path() -> str:
    return str(db.db_path())


_BY_FILE: dict[tuple[str, str], tuple[tuple, object]] = {}
_BY_FILE_LOCK = threading.Lock()


def signature(path: str) -> tuple:
    """What changes whenever the warehouse file's content does (FileNotFoundError when there is none)."""
    st_db = os.stat(path)
    try:
        st_wal = os.stat(f"{path}.wal")
        wal = (st_wal.st_ino, st_wal.st_size, st_wal.st_mtime_ns)
    except FileNotFoundError:
        wal = None
    return st_db.st_dev, st_db.st_ino, st_db.st_size, st_db.st_mtime_ns, wal


def by_file(path: str, name: str, read):
    """``read()`` remembered for this process until the warehouse file changes (shared by every session;
    the value is returned as is, never copied: callers only read it)."""
    sig = signature(path)
    key = (path, name)
    with _BY_FILE_LOCK:
        hit = _BY_FILE.get(key)
    if hit is not None and hit[0] == sig:
        return hit[1]
    value = read()
    with _BY_FILE_LOCK:
        _BY_FILE[key] = (sig if signature(path) == sig else None, value)  # changed while reading: read again next time
    return value


def data_version(path: str) -> str:
    def read() -> str:
        with db.connect(path) as con:
            return queries.data_version(con)

    if not os.path.exists(path):
        raise FileNotFoundError(f"warehouse not found: {path}")
    return by_file(path, "data_version", read)


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
