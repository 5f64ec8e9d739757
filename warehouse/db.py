"""Opening the DuckDB warehouse and applying numbered migrations.

The warehouse is the only package that opens DuckDB. Connections are short-lived: a reader opens
read-only and closes; a writer opens, does one transaction and closes. DuckDB allows one writing
process per file, so an open that finds the file locked by another process waits and retries.
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Iterator

import duckdb

from warehouse import catalog

DEFAULT_DB = Path("data") / "warehouse.duckdb"
ENV_DB = "CARBON_BUDGET_DB"
LOCK_WAIT_SECONDS = 30.0


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The warehouse file: explicit argument, else $CARBON_BUDGET_DB, else data/warehouse.duckdb."""
    return Path(explicit or os.environ.get(ENV_DB) or DEFAULT_DB)


READER_YIELD_SECONDS = 5.0   # the longest a reader stands back for a waiting writer


def _writer_flags(path: Path) -> list[Path]:
    """Flags of writers waiting for ``path`` (a flag is refreshed while its writer waits; an old one is a dead
    writer's and is ignored)."""
    now = time.time()
    out = []
    for f in path.parent.glob(f"{path.name}.writer-*"):
        try:
            if now - f.stat().st_mtime < 2.0:
                out.append(f)
        except FileNotFoundError:
            pass
    return out


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open, waiting while another process holds the file. Writers go first: a waiting writer raises a flag
    beside the file and readers stand back (up to READER_YIELD_SECONDS) until it is in, so a stream of page
    views' short reads cannot starve a commit (DuckDB lets a writer in only when no other process has the file
    open)."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    if read_only:
        stand_back = time.monotonic() + READER_YIELD_SECONDS
        while _writer_flags(path) and time.monotonic() < stand_back:
            time.sleep(0.02)
    delay = 0.05
    flag = None
    try:
        while True:
            try:
                return duckdb.connect(str(path), read_only=read_only)
            except duckdb.IOException as exc:  # file locked by another process
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                if not read_only:
                    if flag is None:
                        flag = path.parent / f"{path.name}.writer-{os.getpid()}-{time.monotonic_ns()}"
                    flag.touch()  # (re)raised on every try: readers stand back while it is fresh
                    delay = 0.02
                time.sleep(delay)
                delay = min(delay * 2, 0.5) if read_only else 0.02
    finally:
        if flag is not None:
            flag.unlink(missing_ok=True)


@contextmanager
def connect(path: str | os.PathLike | None = None, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a migrated warehouse (created and migrated on first write)."""
    p = db_path(path)
    if read_only and not p.exists():
        raise FileNotFoundError(f"warehouse not found: {p} (run `carbon-budget demo` or `carbon-budget regions load`)")
    if not read_only:
        p.parent.mkdir(parents=True, exist_ok=True)
    con = _open(p, read_only)
    try:
        if not read_only:
            migrate(con)
        yield con
    finally:
        con.close()


@contextmanager
def transaction(path: str | os.PathLike | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A write connection inside one transaction: committed on success, rolled back on any error.

    Every commit appends to ``writes`` in the same transaction, so the warehouse's state version
    (``queries.data_version``) moves with any write: caches keyed on it are stale at once (issue 22)."""
    with connect(path, read_only=False) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
            con.execute("INSERT INTO writes (written_at) VALUES (now())")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")


def migration_files() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every numbered ``NNN_name.sql`` file, in order."""
    out = []
    for entry in resources.files("warehouse.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:3].isdigit():
            out.append((int(name[:3]), name, entry.read_text(encoding="utf-8")))
    return sorted(out)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration not yet recorded, each in its own transaction, in order; returns the schema version.

    A migration counts as applied when its version or its name (the part after the number) is recorded: a
    warehouse that got a later number before an earlier one existed still gets the earlier one, and a file
    renumbered before release is not applied twice."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT, applied_at TIMESTAMP)"
    )
    recorded = con.execute("SELECT version, name FROM schema_version").fetchall()
    versions = {v for v, _ in recorded}
    stems = {str(n)[4:] for _, n in recorded}
    for version, name, sql in migration_files():
        if version in versions or name[4:] in stems:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            if version == 1:
                load_reference_tables(con)
            con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [version, name])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return schema_version(con)


def load_reference_tables(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)load the catalog, units and emission factors from the CSVs in data/."""
    tables = {
        "indicators": catalog.indicators(),
        "units": catalog.units(),
        "emission_factors": catalog.emission_factors(),
    }
    for table, frame in tables.items():
        con.execute(f"DELETE FROM {table}")  # table names are constants above, never user text
        con.register("_ref", frame)
        cols = ", ".join(frame.columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _ref")
        con.unregister("_ref")


def first_row(result: duckdb.DuckDBPyConnection) -> tuple | None:
    """The first row of an executed query, or None; reads the result to its end, as DuckDB 2 requires
    before the connection runs anything else (``fetchone`` would leave it unfinished)."""
    rows = result.fetchall()
    return rows[0] if rows else None


def user_content(path: str | os.PathLike) -> dict[str, int]:
    """What a warehouse holds beyond what ``carbon-budget demo`` writes: users, uploads/regions/rollbacks,
    ledger entries made by people. Empty for a missing file or a demo-only warehouse. The demo's own
    accounts (``demo_accounts``, issue 22) and what they did are demo, not people's content.
    A file that cannot be opened as a warehouse counts as ``{"unreadable": 1}``."""
    p = db_path(path)
    if not p.exists():
        return {}
    try:
        with connect(p) as con:
            tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            demo = "(SELECT name FROM demo_accounts)" if "demo_accounts" in tables else "(SELECT NULL WHERE false)"
            out = {}
            if "users" in tables:
                out["users"] = con.execute(f"SELECT count(*) FROM users WHERE name NOT IN {demo}").fetchall()[0][0]
            if "batches" in tables:
                out["batches"] = con.execute("SELECT count(*) FROM batches WHERE origin NOT IN "
                                             f"('demo', 'accounting', 'nowcast') AND created_by NOT IN {demo}").fetchall()[0][0]
            if "budget_ledger" in tables:
                out["ledger_entries"] = con.execute(
                    f"SELECT count(*) FROM budget_ledger WHERE \"user\" <> 'system' AND \"user\" NOT IN {demo}").fetchall()[0][0]
    except duckdb.Error:
        return {"unreadable": 1}
    return {k: int(v) for k, v in out.items() if v}
