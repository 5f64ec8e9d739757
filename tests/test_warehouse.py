"""Warehouse: migrations, reference tables, append-only supersession, as-of queries, accounting."""
from __future__ import annotations

import time

import pandas as pd
import pytest

from tests.conftest import small_regions
from warehouse import accounting, catalog, db, queries, store


def _obs(rows):
    return pd.DataFrame(rows, columns=["region", "period", "indicator", "value"])


def _append(path, rows, kind="statistical"):
    with db.transaction(path) as con:
        batch_id, at = store.new_batch(con, origin="test")
        store.append_observations(con, _obs(rows), kind=kind, batch_id=batch_id, recorded_at=at)
    return batch_id, at


def test_migrations_are_numbered_and_idempotent(empty_db):
    files = db.migration_files()
    assert [v for v, _, _ in files] == list(range(1, len(files) + 1))
    with db.connect(empty_db, read_only=False) as con:
        assert db.schema_version(con) == len(files)
        assert db.migrate(con) == len(files)
        assert con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(files)


def test_a_migration_missed_out_of_order_is_applied_later(tmp_path):
    """A warehouse that recorded a later migration before an earlier one existed still gets the earlier one;
    a migration renumbered before release (recorded under its old number) is not applied twice."""
    import duckdb

    files = db.migration_files()
    skipped, last = files[-2], files[-1]
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT, applied_at TIMESTAMP)")
    for version, name, sql in files:
        if version == skipped[0]:
            continue
        con.execute(sql)
        if version == 1:
            db.load_reference_tables(con)
        recorded = (version + 1, "%03d%s" % (version + 1, name[3:])) if version == last[0] else (version, name)
        con.execute("INSERT INTO schema_version VALUES (?, ?, now())", list(recorded))
    tables_before = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    db.migrate(con)
    names = [r[0] for r in con.execute("SELECT name FROM schema_version ORDER BY version").fetchall()]
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    con.close()
    assert skipped[1] in names and names.count(skipped[1]) == 1
    assert len(names) == len(files)                         # the renumbered one was not applied again
    assert _first_table(skipped[2]) in tables - tables_before


def _first_table(sql: str) -> str:
    import re
    return re.search(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)", sql).group(1)


def test_reference_tables_loaded_from_data_csvs(empty_db):
    with db.connect(empty_db) as con:
        inds = queries.indicators(con)
        assert len(inds) == len(catalog.indicators())
        required = {"elec_total", "elec_net_import", "gen_thermal", "out_crude_steel", "fuel_raw_coal",
                    "fuel_natural_gas", "gdp", "co2_total"}
        assert required <= set(inds["code"])
        assert set(inds["category"]) <= {"power", "energy", "industry", "economy", "emissions"}
        factors = queries.emission_factors(con)
        assert factors["source"].str.len().min() > 10


@pytest.mark.parametrize("unit,canonical,value,expected", [
    ("亿千瓦时", "万千瓦时", 1.5, 15000.0), ("kWh", "万千瓦时", 20000, 2.0), ("TWh", "万千瓦时", 1, 100000.0),
    ("GWh", "万千瓦时", 3, 300.0), ("MWh", "万千瓦时", 10, 1.0), ("t", "万吨", 50000, 5.0),
    ("Mt", "万吨", 2, 200.0), ("亿吨", "万吨", 1, 10000.0), ("kt", "万吨", 10, 1.0),
    ("万元", "亿元", 10000, 1.0), ("亿立方米", "万立方米", 2, 20000.0), ("m³", "万立方米", 10000, 1.0),
])
def test_unit_conversion(unit, canonical, value, expected):
    assert value * catalog.conversion_factor(unit, canonical) == pytest.approx(expected)


def test_unknown_unit_pair_has_no_factor():
    assert catalog.conversion_factor("万吨", "万千瓦时") is None
    assert catalog.conversion_factor("furlong", "万吨") is None


def test_accounting_hand_computed_case():
    # 100 万吨 raw coal × 1.9003 + 2,000 万m³ gas × 21.622 t/万m³ + 5,000 万kWh imports × 0.5810 t/MWh (2020)
    obs = _obs([("A", "2020-03", "fuel_raw_coal", 100.0), ("A", "2020-03", "fuel_natural_gas", 2000.0),
                ("A", "2020-03", "elec_net_import", 5000.0), ("B", "2020-03", "elec_net_import", 10.0)])
    co2 = accounting.account_co2(obs)
    expected = 100 * 1.9003 + 2000 * 21.622 / 1e4 + 5000 * 10 * 0.5810 / 1e4
    assert list(co2["region"]) == ["A"]  # net imports alone make no account
    assert co2["value"].iloc[0] == pytest.approx(expected)
    assert expected == pytest.approx(190.03 + 4.3244 + 2.905)


def test_grid_factor_drifts_by_year():
    assert catalog.factor_for("elec_net_import", 2020) > catalog.factor_for("elec_net_import", 2023)
    assert catalog.factor_for("gdp", 2020) is None


def test_store_accounting_writes_statistical_co2_once(empty_db):
    with db.transaction(empty_db) as con:
        store.upsert_regions(con, small_regions())
    _append(empty_db, [("A", "2021-01", "fuel_raw_coal", 10.0), ("A", "2021-01", "elec_net_import", 100.0)])
    with db.transaction(empty_db) as con:
        assert store.store_accounting(con) == 1
        assert store.store_accounting(con) == 0  # nothing changed, nothing stored
    with db.connect(empty_db) as con:
        got = queries.series(con, "A", ["co2_total"])
    assert got["kind"].tolist() == ["statistical"]
    assert got["value"].iloc[0] == pytest.approx(10 * 1.9003 + 100 * 10 * 0.5568 / 1e4)


def test_later_batch_supersedes_and_as_of_query_answers_the_past(empty_db):
    _, t1 = _append(empty_db, [("A", "2024-01", "elec_total", 100.0), ("A", "2024-02", "elec_total", 90.0)])
    time.sleep(0.01)
    _, t2 = _append(empty_db, [("A", "2024-01", "elec_total", 120.0)])
    with db.connect(empty_db) as con:
        raw = con.execute("SELECT count(*) FROM observations").fetchone()[0]
        now_vals = queries.series(con, "A", ["elec_total"]).set_index("period")["value"].to_dict()
        then = queries.known_on(con, str(t1)).set_index("period")["value"].to_dict()
        before = queries.known_on(con, "2000-01-01")
        exported_then = queries.export(con, region="A", known_on=str(t1))
    assert raw == 3  # nothing overwritten
    assert now_vals == {"2024-01": 120.0, "2024-02": 90.0}
    assert then == {"2024-01": 100.0, "2024-02": 90.0}
    assert before.empty
    assert exported_then["value"].tolist() == [100.0, 90.0]


def test_estimates_and_statistics_are_kept_apart(empty_db):
    _append(empty_db, [("A", "2024-01", "co2_total", 50.0)], kind="statistical")
    _append(empty_db, [("A", "2024-01", "co2_total", 55.0)], kind="estimated")
    with db.connect(empty_db) as con:
        got = queries.export(con, region="A")
    assert sorted(zip(got["kind"], got["value"])) == [("estimated", 55.0), ("statistical", 50.0)]


def test_region_aliases_cover_suffixes_and_english(empty_db):
    regions = pd.DataFrame({"code": ["CN-AH"], "name_zh": ["安徽"], "name_en": ["Anhui"], "parent": [""], "level": ["province"]})
    with db.transaction(empty_db) as con:
        store.upsert_regions(con, regions)
    with db.connect(empty_db) as con:
        al = queries.aliases(con)
    assert {"安徽", "安徽省", "Anhui", "anhui", "CN-AH"} <= set(al["alias"])
    assert set(al["code"]) == {"CN-AH"}


def test_invalid_kind_rejected(empty_db):
    with pytest.raises(ValueError):
        _append(empty_db, [("A", "2024-01", "elec_total", 1.0)], kind="guessed")


def test_co2_by_source_adds_up_to_the_accounted_total(demo_db):
    with db.connect(demo_db) as con:
        by_source = queries.co2_by_source(con, "SF03", 2025)
        total = queries.export(con, region="SF03", indicator="co2_total", kind="statistical")
    assert by_source["co2"].sum() == pytest.approx(total[total["period"].str.startswith("2025")]["value"].sum())
    assert (by_source["months"] == 12).all() and "elec_net_import" in set(by_source["indicator"])
