"""The DuckDB adapter: an in-memory DuckDB that reads Parquet in place (never the warehouse file)."""
from __future__ import annotations

import os

import duckdb
import pandas as pd

#: Default memory ceiling of one job (DuckDB spills to disk beyond it); override with CARBON_BUDGET_DUCKDB_MEMORY.
MEMORY_LIMIT = os.environ.get("CARBON_BUDGET_DUCKDB_MEMORY", "3GB")


def _quote(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str = MEMORY_LIMIT):
        self.con = duckdb.connect(":memory:")
        self.con.execute(f"SET memory_limit = {_quote(memory_limit)}")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.con.execute("SET preserve_insertion_order = false")

    def read_parquet(self, view: str, path: str | list[str], hive: bool) -> None:
        if isinstance(path, (list, tuple)):
            source = "[" + ", ".join(_quote(p) for p in path) + "]"
        else:
            source = _quote(os.path.join(str(path), "**", "*.parquet"))
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM read_parquet({source}, "
                         f"hive_partitioning = {'true' if hive else 'false'}, union_by_name = true)")

    def register(self, view: str, frame: pd.DataFrame, schema: list[tuple[str, str]]) -> None:
        self.con.register(f"_{view}_frame", frame)
        cols = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in schema)
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT {cols} FROM _{view}_frame")

    def view(self, name: str, sql: str, materialise: bool = False) -> None:
        kind = "TABLE" if materialise else "VIEW"
        self.con.execute(f"CREATE OR REPLACE TEMP {kind} {name} AS {sql}")

    def fetch(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()

    def close(self) -> None:
        self.con.close()
