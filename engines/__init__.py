"""Compute engines: the same job text run by DuckDB on one machine or by Apache Spark on a cluster.

Why a room of its own: the warehouse (``warehouse/``) owns the DuckDB *file* — migrations, batches,
append-only facts. The enterprise meter job is different: a stateless computation over Parquet files
(beside the warehouse, or on a cluster's storage) plus two small reference frames, whose result goes
back to the caller as DataFrames. Its logic is written ONCE as SQL text that both DuckDB and Spark
SQL accept (``engines.meter_job``); each engine is a thin adapter (``engines.duckdb_engine``,
``engines.spark_engine``) that knows only how to expose Parquet and frames as views, run a query and
hand back pandas. Choosing an engine is configuration (``get_engine(name)``), not a second copy of
the logic. The DuckDB adapter is an in-memory connection that never opens the warehouse file.
"""
from __future__ import annotations

from typing import Protocol

import pandas as pd

ENGINES = ("duckdb", "spark")


class Engine(Protocol):
    """What a job needs from an engine (both adapters implement exactly this)."""

    name: str

    def read_parquet(self, view: str, path: str | list[str], hive: bool) -> None:
        """Expose every Parquet file under the folder ``path`` (or exactly the files of a list) as the view
        ``view`` (hive folders as columns)."""

    def register(self, view: str, frame: pd.DataFrame, schema: list[tuple[str, str]]) -> None:
        """Expose a pandas frame as the view ``view`` with the given (column, SQL type) schema."""

    def view(self, name: str, sql: str, materialise: bool = False) -> None:
        """Define the view ``name`` as the query ``sql``; lazy, unless ``materialise`` asks the engine to
        compute it once and keep it (a step that several later steps read)."""

    def fetch(self, sql: str) -> pd.DataFrame:
        """Run ``sql`` and return its rows as pandas."""

    def close(self) -> None:
        """Release the engine (a Spark session given by the caller is left running)."""


def get_engine(name: str, **options) -> Engine:
    """An engine by name: ``duckdb`` (in-memory, this machine) or ``spark`` (local[2] unless configured)."""
    if name == "duckdb":
        from engines.duckdb_engine import DuckDBEngine

        return DuckDBEngine(**options)
    if name == "spark":
        from engines.spark_engine import SparkEngine

        return SparkEngine(**options)
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
