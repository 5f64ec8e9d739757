"""The meter job on DuckDB: monthly totals against a plain re-count, any partitioning, the factor fit."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cli.main import main
from demo_province import meters_generator as gen
from engines import get_engine, meter_job


def _plain_monthly(folder) -> pd.DataFrame:
    frames = [pq.read_table(p, columns=["enterprise_id", "date", "kwh"]).to_pandas() for p in sorted(folder.rglob("*.parquet"))]
    f = pd.concat(frames, ignore_index=True)
    f["month"] = pd.to_datetime(f["date"]).dt.strftime("%Y-%m")
    return f.groupby(["enterprise_id", "month"], as_index=False)["kwh"].sum().sort_values(["enterprise_id", "month"])


def test_generator_patterns(tmp_path):
    ents = gen.enterprises(400, ["A", "B"], start=date(2025, 1, 1), days=365, seed=3)
    kwh = gen.daily_kwh(ents, date(2025, 1, 1), 0, 365, seed=3)
    assert kwh.shape == (400, 365)
    new = ents["start_day"].to_numpy() > 0
    assert new.any() and np.isnan(kwh[new, 0]).all() and not np.isnan(kwh[~new]).any()
    out = ents.index[(ents["outage_day"] > 5) & (ents["outage_day"] < 300) & ~new][0]
    d0 = int(ents.loc[out, "outage_day"])
    assert kwh[out, d0] < 0.1 * np.nanmedian(kwh[out])  # an outage draws a few percent of the load
    textile = ents.index[(ents["sector"] == "textile") & ~new & (ents["outage_day"] < 0)]
    weekday = (np.arange(365) + date(2025, 1, 1).weekday()) % 7
    assert kwh[textile][:, weekday >= 5].mean() < 0.9 * kwh[textile][:, weekday < 5].mean()  # weekend dip


def test_aggregate_cli_matches_a_plain_recount(tmp_path):
    folder, out = tmp_path / "meters", tmp_path / "monthly.csv"
    assert main(["meters", "generate", "--enterprises", "120", "--days", "75", "--out", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir())[:3] == ["_enterprises.csv", "_mrv_years.csv", "month=2025-01"]
    assert (folder / "month=2025-02" / "city=C01").is_dir()
    assert main(["meters", "aggregate", "--input", str(folder), "--engine", "duckdb", "--out", str(out)]) == 0
    got = pd.read_csv(out, dtype={"enterprise_id": str})
    assert list(got.columns) == ["enterprise_id", "month", "kwh"]
    want = _plain_monthly(folder)
    assert got["month"].str.fullmatch(r"\d{4}-\d{2}").all() and set(got["month"]) == {"2025-01", "2025-02", "2025-03"}
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), check_exact=False, rtol=1e-12)


def test_any_partitioning_and_flat_files(tmp_path):
    rows = pd.DataFrame({"enterprise_id": ["x1", "x1", "x2", "x1"],
                         "date": pd.to_datetime(["2025-01-31", "2025-02-01", "2025-02-03", "2025-02-10"]).date,
                         "kwh": [1.5, 2.0, 4.0, 0.5]})
    flat = tmp_path / "flat"
    flat.mkdir()
    pq.write_table(pa.Table.from_pandas(rows.iloc[:2], preserve_index=False), flat / "a.parquet")
    nested = flat / "some" / "folder"
    nested.mkdir(parents=True)
    pq.write_table(pa.Table.from_pandas(rows.iloc[2:], preserve_index=False), nested / "b.parquet")
    eng = get_engine("duckdb")
    got = meter_job.monthly_kwh(eng, flat)
    eng.close()
    assert got.to_dict(orient="records") == [{"enterprise_id": "x1", "month": "2025-01", "kwh": 1.5},
                                             {"enterprise_id": "x1", "month": "2025-02", "kwh": 2.5},
                                             {"enterprise_id": "x2", "month": "2025-02", "kwh": 4.0}]
    hive = tmp_path / "hive" / "enterprise_id=x9"
    hive.mkdir(parents=True)
    pq.write_table(pa.table({"date": pa.array([date(2025, 3, 1), date(2025, 3, 2)]), "kwh": [1.0, 2.0]}), hive / "p.parquet")
    eng = get_engine("duckdb")
    got = meter_job.monthly_kwh(eng, tmp_path / "hive")
    eng.close()
    assert got.to_dict(orient="records") == [{"enterprise_id": "x9", "month": "2025-03", "kwh": 3.0}]


def test_aggregate_rejects_a_folder_without_parquet(tmp_path, capsys):
    assert main(["meters", "aggregate", "--input", str(tmp_path), "--engine", "duckdb", "--out", str(tmp_path / "o.csv")]) == 1
    assert "no Parquet" in capsys.readouterr().err and not (tmp_path / "o.csv").exists()


def known_case():
    """Four enterprises in sector s, one in sector lone, with answers computed by hand."""
    reg = pd.DataFrame({"code": ["exact", "noisy", "one", "none", "lone"], "region": ["A", "A", "B", "B", "B"],
                        "sector": ["s", "s", "s", "s", "lone"]})
    years = pd.DataFrame({
        "code": ["exact"] * 3 + ["noisy"] * 3 + ["one", "none", "lone"],
        "year": [2021, 2022, 2023] * 2 + [2023, 2023, 2023],
        "elec": [100.0, 200.0, 300.0, 10.0, 20.0, 30.0, 50.0, 80.0, 40.0],
        "co2": [0.2, 0.4, 0.6, 0.011, 0.019, 0.033, 0.15, 0.5, 0.4],
        "verified": [True] * 6 + [True, False, False],
    })
    return reg, years


def test_factor_fit_known_answer(tmp_path):
    reg, years = known_case()
    readings = pd.DataFrame({"enterprise_id": ["exact", "exact", "none"], "date": [date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 1)],
                             "kwh": [30_000.0, 10_000.0, 20_000.0]})
    pq.write_table(pa.Table.from_pandas(readings, preserve_index=False), tmp_path / "r.parquet")
    eng = get_engine("duckdb")
    out = meter_job.run(eng, tmp_path, reg, years)
    eng.close()
    f = out["factors"].set_index("code")
    # exact: y = 0.002 x  → factor 0.002, no scatter
    assert f.loc["exact", "method"] == "enterprise" and f.loc["exact", "n_years"] == 3
    assert f.loc["exact", "factor"] == pytest.approx(0.002, rel=1e-12) and f.loc["exact", "factor_sd"] == pytest.approx(0, abs=1e-12)
    # noisy: through-origin least squares and s·sqrt((n+1)/Σx²)
    x, y = np.array([10.0, 20.0, 30.0]), np.array([0.011, 0.019, 0.033])
    b = (x @ y) / (x @ x)
    s = np.sqrt(((y - b * x) ** 2).sum() / 2)
    assert f.loc["noisy", "factor"] == pytest.approx(b, rel=1e-12)
    assert f.loc["noisy", "factor_sd"] == pytest.approx(s * np.sqrt(4 / (x @ x)), rel=1e-9)
    # one verified year: the sector's pooled relative scatter (exact and noisy, 2 + 2 degrees of freedom) × sqrt(2)
    rel = np.sqrt((((y - b * x) / (b * x)) ** 2).sum() / 4)
    assert f.loc["one", "factor"] == pytest.approx(0.003) and f.loc["one", "factor_sd"] == pytest.approx(0.003 * rel * np.sqrt(2), rel=1e-9)
    # no verified year: the sector's pooled factor, spread of enterprise factors as its uncertainty
    xs = np.array([100, 200, 300, 10, 20, 30, 50.0])
    ys = np.array([0.2, 0.4, 0.6, 0.011, 0.019, 0.033, 0.15])
    assert f.loc["none", "method"] == "sector" and f.loc["none", "factor"] == pytest.approx((xs @ ys) / (xs @ xs), rel=1e-12)
    assert f.loc["none", "factor_sd"] == pytest.approx(np.std([0.002, b, 0.003], ddof=1), rel=1e-9)
    # a sector with no verified enterprise at all: every sector pooled
    assert f.loc["lone", "method"] == "pooled" and f.loc["lone", "factor"] == pytest.approx((xs @ ys) / (xs @ xs), rel=1e-12)
    # monthly CO2 (万吨) = kWh / 10^4 × factor; the band is ± 1.645 sd
    e = out["enterprise"].set_index("enterprise_id")
    assert e.loc["exact", "co2"] == pytest.approx(40_000 / 1e4 * 0.002) and e.loc["exact", "hi90"] == pytest.approx(e.loc["exact", "co2"])
    assert e.loc["none", "co2"] == pytest.approx(2.0 * f.loc["none", "factor"])
    assert e.loc["none", "hi90"] - e.loc["none", "co2"] == pytest.approx(2.0 * meter_job.Z90 * f.loc["none", "factor_sd"])
    city = out["city"].set_index("region")
    assert city.loc["A", "co2"] == pytest.approx(e.loc["exact", "co2"]) and city.loc["B", "enterprises"] == 1


def test_engines_room_stays_pure():
    """engines/ never imports streamlit nor the warehouse (it runs on Parquet and frames it is given)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "engines"
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert not names & {"streamlit", "warehouse", "services", "monitor"}, path.name
        assert len(path.read_text(encoding="utf-8").splitlines()) < 400
