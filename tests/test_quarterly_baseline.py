"""A stable quarterly baseline (issue 22): the status published at a quarter's end is stored once, and "since
last quarter" compares with that record — an upload that revises last quarter's months changes a recomputation
but not the baseline, so a city nobody touched keeps its level change."""
from __future__ import annotations

import shutil

import pytest

from monitor import quarterly
from monitor.status import status_report
from warehouse import db, ingest, published_status


@pytest.fixture
def wh(demo_db, tmp_path):
    path = tmp_path / "wh.duckdb"
    shutil.copy(demo_db, path)
    return path


def test_due_quarters():
    assert quarterly.due("2026-10") == [(2026, 9)]
    assert quarterly.due("2026-12") == [(2026, 9), (2026, 12)]
    assert quarterly.due("2027-02") == [(2026, 12)]
    assert quarterly.quarter_label(2026, 9) == "2026-Q3"


def test_published_once_and_used_as_the_baseline(wh):
    first = quarterly.publish_due(wh)  # the demo's as-of 2026-10: Q3 ended in September
    assert first in ([], ["2026-Q3"])
    with db.connect(wh) as con:
        stored = published_status.as_of(con, "2026-09").set_index("region")
    assert len(stored) == 13  # twelve cities and the province, as published
    assert quarterly.publish_due(wh) == []  # never twice
    rep = status_report(wh)
    p = rep.progress.set_index("region")
    for code in ("SF01", "SF10", "SF"):
        assert p.loc[code, "previous_level"] == stored.loc[code, "warning_level"]
        assert p.loc[code, "previous_deviation"] == pytest.approx(stored.loc[code, "deviation"], abs=1e-12)

    # a statistical revision of last quarter's months for one city
    csv = "地区,时期,指标,数值,单位\n钢城市,2026-08,二氧化碳排放总量,900,万吨\n钢城市,2026-09,二氧化碳排放总量,900,万吨\n"
    res = ingest.ingest_bytes(str(wh), csv.encode("utf-8"), "revision.csv")
    assert res.status in ("loaded", "partial"), res
    recomputed = status_report(wh, baseline=False).progress.set_index("region")
    assert recomputed.loc["SF01", "previous_deviation"] != pytest.approx(stored.loc["SF01", "deviation"], abs=1e-9)
    after = status_report(wh).progress.set_index("region")
    for code in ("SF01", "SF05", "SF10"):  # the baseline has not moved, for the revised city or any other
        assert after.loc[code, "previous_level"] == stored.loc[code, "warning_level"]
        assert after.loc[code, "previous_deviation"] == pytest.approx(stored.loc[code, "deviation"], abs=1e-12)
    assert quarterly.publish_due(wh) == []  # and nothing is re-published
