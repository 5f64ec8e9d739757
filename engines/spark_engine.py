"""The Apache Spark adapter (pyspark, the ``spark`` extra): local[2] by default, or a cluster.

Configuration, most specific first: ``SPARK_REMOTE`` (a Spark Connect URL, e.g. ``sc://host:15002``)
or ``CARBON_BUDGET_SPARK_MASTER`` (a classic master URL: ``spark://host:7077``, ``yarn``,
``k8s://…``); default ``local[2]``. ``CARBON_BUDGET_SPARK_CONF`` may add ``key=value`` pairs
separated by commas (e.g. ``spark.executor.memory=8g``). Logs are kept to errors.
"""
from __future__ import annotations

import os
import warnings

import pandas as pd

warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

DEFAULT_MASTER = "local[2]"
BASE_CONF = {
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",  # hive folder values stay text
    "spark.driver.memory": "2g",
}


def _extra_conf() -> dict[str, str]:
    text = os.environ.get("CARBON_BUDGET_SPARK_CONF", "")
    pairs = [p.split("=", 1) for p in text.split(",") if "=" in p]
    return {k.strip(): v.strip() for k, v in pairs}


def session(master: str | None = None, app_name: str = "carbon-budget-meters"):
    """A SparkSession (reused when one is already running in this process)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    remote = os.environ.get("SPARK_REMOTE")
    if remote and not master:
        builder = builder.remote(remote)
    else:
        builder = builder.master(master or os.environ.get("CARBON_BUDGET_SPARK_MASTER") or DEFAULT_MASTER)
    for key, value in {**BASE_CONF, **_extra_conf()}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    try:
        spark.sparkContext.setLogLevel("ERROR")
    except Exception:  # noqa: BLE001 - Spark Connect sessions have no SparkContext
        pass
    return spark


class SparkEngine:
    name = "spark"

    def __init__(self, spark=None, master: str | None = None):
        if spark is None:
            from pyspark.sql import SparkSession

            spark = SparkSession.getActiveSession()  # one already running in this process: reuse, leave running
            self._own = spark is None
        else:
            self._own = False
        self.spark = spark or session(master)
        self._cached: list = []

    def read_parquet(self, view: str, path: str | list[str], hive: bool) -> None:
        reader = self.spark.read
        if isinstance(path, (list, tuple)):  # exactly these files
            reader.parquet(*[str(p) for p in path]).createOrReplaceTempView(view)
            return
        if not hive:
            reader = reader.option("recursiveFileLookup", "true")
        reader.parquet(str(path)).createOrReplaceTempView(view)

    def register(self, view: str, frame: pd.DataFrame, schema: list[tuple[str, str]]) -> None:
        ddl = ", ".join(f"{c} {t}" for c, t in schema)
        cols = [c for c, _ in schema]
        data = frame[cols].astype(object).where(frame[cols].notna(), None)
        rows = list(data.itertuples(index=False, name=None))  # plain rows: no pandas-version coupling
        self.spark.createDataFrame(rows, schema=ddl).createOrReplaceTempView(view)

    def view(self, name: str, sql: str, materialise: bool = False) -> None:
        frame = self.spark.sql(sql)
        if materialise:
            frame = frame.cache()
            self._cached.append(frame)
        frame.createOrReplaceTempView(name)

    def fetch(self, sql: str) -> pd.DataFrame:
        return self.spark.sql(sql).toPandas()

    def close(self) -> None:
        for frame in self._cached:
            frame.unpersist()
        self._cached.clear()
        if self._own:
            self.spark.stop()
