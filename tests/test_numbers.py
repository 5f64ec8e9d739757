"""Numbers that lie (issue 8, items 1–2), through the real paths on a demo warehouse in tmp_path:

1. a partial fuel upload (one fuel for a city-month) is not accounted: the estimate and the status stay,
   and the upload report says which period and which fuels are missing; a complete upload accounts;
2. a combined January–February (1–2月合计) loads as one period, supersedes the two monthly estimates
   together, counts once in the budget, is one span element in the charts and does not trip the nowcast.
"""
from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from cli.main import main
from tests.conftest import file_digest
from warehouse import accounting, db, ingest

AS_OF = "2026-04"          # fuels (and accounted CO2) up to 2025-12; 2026-01..04 estimated by the nowcast


@pytest.fixture(scope="module")
def base_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("numbers") / "demo.duckdb"
    assert main(["--db", str(path), "demo", "--as-of", AS_OF, "--co2-lag", "4", "--no-users"]) == 0
    return path


@pytest.fixture
def wh(base_db, tmp_path):
    """A private copy of the demo warehouse (the module's build is shared, never written)."""
    path = tmp_path / "wh.duckdb"
    shutil.copy(base_db, path)
    wal = base_db.with_name(base_db.name + ".wal")
    if wal.exists():
        shutil.copy(wal, path.with_name(path.name + ".wal"))
    return path


def run(args, capsys):
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def status(path, capsys) -> dict:
    code, out, err = run(["--db", str(path), "status", "--json"], capsys)
    assert code == 0, err
    return {r["region"]: r for r in json.loads(out)["regions"]}


def co2_rows(path, region) -> pd.DataFrame:
    with db.connect(path) as con:
        return con.execute(
            "SELECT period, kind, value FROM observations_current WHERE region = ? AND indicator = 'co2_total' "
            "AND period >= '2026' ORDER BY period, kind", [region]).df()


def fuels_of(path, region, periods) -> pd.DataFrame:
    """The region's fuel values summed over ``periods`` (a plausible upload) with their canonical unit."""
    with db.connect(path) as con:
        return con.execute(
            "SELECT o.indicator, sum(o.value) AS value, i.unit FROM observations_current o JOIN indicators i "
            "ON i.code = o.indicator WHERE o.region = ? AND o.kind = 'statistical' AND o.indicator LIKE 'fuel_%' "
            "AND o.period IN (SELECT unnest(?::TEXT[])) GROUP BY ALL ORDER BY 1", [region, list(periods)]).df()


def upload(tmp_path, name, rows) -> str:
    f = tmp_path / name
    f.write_text("地区,时期,指标,数值,单位\n" + "".join(f"{r},{p},{i},{v:.4f},{u}\n" for r, p, i, v, u in rows),
                 encoding="utf-8")
    return str(f)


# ---------------------------------------------------------------- 1. partial fuel uploads

def test_partial_fuel_upload_keeps_the_estimate_and_says_why(wh, tmp_path, capsys):
    before = status(wh, capsys)
    est = co2_rows(wh, "SF02")
    assert est.query("period == '2026-03'")["kind"].tolist() == ["estimated"]
    coal = fuels_of(wh, "SF02", ["2025-03"]).query("indicator == 'fuel_raw_coal'")
    f = upload(tmp_path, "coal.csv", [("SF02", "2026-03", "原煤消费量", float(coal["value"].iloc[0]), "万吨")])
    # the page's check (a dry run) already says so, and stores nothing
    digest = file_digest(wh)
    dry = ingest.ingest_file(wh, f, dry_run=True)
    assert dry.status == "dry-run" and [u["period"] for u in dry.unaccounted] == ["2026-03"]
    assert dry.warnings["code"].tolist() == ["fuel_incomplete"] and file_digest(wh) == digest
    code, out, _ = run(["--db", str(wh), "ingest", f, "--json"], capsys)
    res = json.loads(out)
    assert code == 0 and res["status"] == "loaded" and res["rows_loaded"] == 1
    # the report says which period stays unaccounted and which fuels it lacks, in both languages
    assert [(u["region"], u["period"]) for u in res["unaccounted"]] == [("SF02", "2026-03")]
    expected = set(fuels_of(wh, "SF02", ["2025-12"])["indicator"]) - {"fuel_raw_coal"}
    assert set(res["unaccounted"][0]["missing"]) == expected and expected
    warn = [w for w in res["warnings"] if w["code"] == "fuel_incomplete"]
    assert len(warn) == 1 and "柴油消费量" in warn[0]["problem_zh"] and "暂不核算" in warn[0]["problem_zh"]
    assert "Diesel consumption" in warn[0]["problem_en"] and "keeps the model's estimate" in warn[0]["problem_en"]
    assert "not accounted" in res["message"]
    # nothing accounted: no statistical CO2 for the month, the estimate stays, the status does not move
    after_rows = co2_rows(wh, "SF02")
    assert after_rows.query("period == '2026-03'")["kind"].tolist() == ["estimated"]
    assert after_rows.equals(est)
    after = status(wh, capsys)
    for key in ("deviation", "used_statistical", "used_estimated", "status", "warning_level"):
        assert after["SF02"][key] == before["SF02"][key], key
    # the text line of the CLI says it too
    code, out, _ = run(["--db", str(wh), "ingest", upload(tmp_path, "coal2.csv", [
        ("SF02", "2026-04", "原煤消费量", float(coal["value"].iloc[0]), "万吨")])], capsys)
    assert code == 0
    assert "warning file: " in out and "2026-04: fuel data incomplete (missing: " in out


def test_complete_fuel_upload_accounts_and_supersedes_the_estimate(wh, tmp_path, capsys):
    before = status(wh, capsys)
    fuels = fuels_of(wh, "SF03", ["2025-03"])
    rows = [("SF03", "2026-03", r.indicator, r.value, r.unit) for r in fuels.itertuples()]
    code, out, _ = run(["--db", str(wh), "ingest", upload(tmp_path, "all.csv", rows), "--json"], capsys)
    res = json.loads(out)
    assert code == 0 and res["status"] == "loaded" and res["unaccounted"] == []
    assert not [w for w in res["warnings"] if w["code"] == "fuel_incomplete"]
    got = co2_rows(wh, "SF03").query("period == '2026-03'").set_index("kind")["value"]
    assert "statistical" in got.index
    with db.connect(wh) as con:
        net = con.execute("SELECT value FROM observations_current WHERE region = 'SF03' AND period = '2026-03' "
                          "AND indicator = 'elec_net_import' AND kind = 'statistical'").df()["value"]
    factors = accounting.factor_table().query("year == 2026").set_index("indicator")["co2_per_unit"]
    expect = float((fuels.set_index("indicator")["value"] * factors.reindex(fuels["indicator"]).to_numpy()).sum())
    expect += float(net.sum()) * factors["elec_net_import"]
    assert got["statistical"] == pytest.approx(expect)
    after = status(wh, capsys)
    assert after["SF03"]["used_statistical"] == pytest.approx(before["SF03"]["used_statistical"] + expect)


def test_completeness_rule_follows_what_the_region_reported_before():
    rows = []
    for p in ["2025-10", "2025-11", "2025-12"]:            # A reports coal + gas; B coal only
        rows += [("A", p, "fuel_raw_coal", 10.0), ("A", p, "fuel_natural_gas", 1000.0), ("B", p, "fuel_raw_coal", 5.0)]
    rows += [("A", "2026-01", "fuel_raw_coal", 10.0), ("B", "2026-01", "fuel_raw_coal", 5.0),
             ("A", "2026-02", "fuel_raw_coal", 10.0), ("A", "2026-02", "fuel_natural_gas", 0.0),  # 0 is reported
             ("C", "2026-01", "fuel_raw_coal", 3.0), ("C", "2026-02", "fuel_raw_coal", 3.0),
             ("C", "2026-02", "fuel_coke", 1.0)]           # C has no history: its first periods define its set
    obs = pd.DataFrame(rows, columns=["region", "period", "indicator", "value"])
    done = accounting.fuel_completeness(obs).set_index(["region", "period"])
    assert not done.loc[("A", "2026-01"), "complete"] and done.loc[("A", "2026-01"), "missing"] == ["fuel_natural_gas"]
    assert done.loc[("A", "2026-02"), "complete"] and done.loc[("B", "2026-01"), "complete"]
    assert not done.loc[("C", "2026-01"), "complete"] and done.loc[("C", "2026-02"), "complete"]
    co2 = accounting.account_co2(obs)
    assert ("A", "2026-01") not in set(zip(co2["region"], co2["period"]))
    assert ("A", "2026-02") in set(zip(co2["region"], co2["period"]))


# ---------------------------------------------------------------- 2. combined January–February

def _combined_upload(wh, tmp_path, region="SF01", factor=1.05):
    fuels = fuels_of(wh, region, ["2025-01", "2025-02"])
    rows = [(region, "2026年1-2月", r.indicator, r.value * factor, r.unit) for r in fuels.itertuples()]
    return upload(tmp_path, "jan_feb.csv", rows)


def test_combined_jan_feb_loads_and_counts_once(wh, tmp_path, capsys):
    before = status(wh, capsys)
    old = co2_rows(wh, "SF01").set_index("period")
    code, out, _ = run(["--db", str(wh), "ingest", _combined_upload(wh, tmp_path), "--json"], capsys)
    res = json.loads(out)
    assert code == 0 and res["status"] == "loaded" and not res["errors"] and res["unaccounted"] == []
    rows = co2_rows(wh, "SF01")
    stat = rows[rows["kind"] == "statistical"]
    assert stat["period"].tolist() == ["2026-01..02"]        # one accounted value, never split into months
    combined = float(stat["value"].iloc[0])
    after = status(wh, capsys)["SF01"]
    # cumulative through April = the combined value (statistical) + the March and April estimates
    est = old.loc[["2026-03", "2026-04"], "value"].sum()
    assert after["used_statistical"] == pytest.approx(combined, rel=1e-6)
    assert after["used_statistical"] + after["used_estimated"] == pytest.approx(combined + est, rel=1e-6)
    assert before["SF01"]["used_estimated"] == pytest.approx(old.loc[["2026-01", "2026-02", "2026-03", "2026-04"],
                                                                     "value"].sum(), rel=1e-6)
    # as of February: exactly the combined value, nothing of the two monthly estimates left
    code, out, _ = run(["--db", str(wh), "status", "--as-of", "2026-02", "--json"], capsys)
    feb = {r["region"]: r for r in json.loads(out)["regions"]}["SF01"]
    assert feb["used_statistical"] == pytest.approx(combined, rel=1e-6) and feb["used_estimated"] == 0
    # as of January the pair is not known yet: January's estimate alone
    code, out, _ = run(["--db", str(wh), "status", "--as-of", "2026-01", "--json"], capsys)
    jan = {r["region"]: r for r in json.loads(out)["regions"]}["SF01"]
    assert jan["used_statistical"] == 0 and jan["used_estimated"] == pytest.approx(old.loc["2026-01", "value"], rel=1e-6)
    # the export says it is combined
    code, out, _ = run(["--db", str(wh), "export", "--region", "SF01", "--indicator", "co2_total", "--kind",
                        "statistical"], capsys)
    exp = pd.read_csv(__import__("io").StringIO(out))
    assert exp.loc[exp["period"] == "2026-01..02", "period_type"].tolist() == ["combined_jan_feb"]
    assert set(exp.loc[exp["period"] != "2026-01..02", "period_type"]) == {"month"}


def test_combined_jan_feb_is_one_span_in_the_charts(wh, tmp_path, capsys):
    from monitor.status import status_report
    from services import chart_spans, charts

    run(["--db", str(wh), "ingest", _combined_upload(wh, tmp_path)], capsys)
    rep = status_report(wh)
    path = rep.paths[rep.paths["region"] == "SF01"]
    assert path.loc[path["month"] <= 2, "span"].tolist() == ["2026-01..02"] * 2
    assert path["span"].iloc[2:].isna().all()
    months, spans = chart_spans.split_spans(path)
    assert len(spans) == 1 and spans["value"].iloc[0] == pytest.approx(co2_rows(wh, "SF01").query(
        "kind == 'statistical'")["value"].iloc[0])
    assert months["month"].tolist() == list(range(3, 13))
    spec = charts.monthly_budget_chart(path, rep.co2[rep.co2["region"] == "SF01"].iloc[:0], "CO2", "2025").to_dict()
    rules = [layer for layer in spec["layer"] if (layer.get("mark") or {}).get("type") == "rule"]
    assert len(rules) == 1
    data = spec["datasets"][rules[0]["data"]["name"]]
    assert len(data) == 1 and data[0]["period"] == "2026-01..02" and data[0]["date_end"].startswith("2026-03-01")
    # the province (sum of cities) draws its Jan–Feb as one element too; the cumulative chart has no January point
    prov = rep.paths[rep.paths["region"] == rep.province]
    assert prov.loc[prov["month"] <= 2, "span"].notna().all()
    assert 1 not in chart_spans.cumulative_points(path)["month"].tolist()
    # as last year's line (next year's city page): the pair stays one element and its estimates are gone
    ly = chart_spans.last_year_months(rep.co2[(rep.co2["region"] == "SF01") & rep.co2["period"].str.startswith("2026")])
    _, ly_spans = chart_spans.split_spans(ly)
    assert ly_spans["period"].tolist() == ["2026-01..02"] and ly_spans["kind"].tolist() == ["statistical"]
    assert ly["value"].sum() == pytest.approx(rep.co2.query("region == 'SF01' and period in "
                                                            "['2026-01..02', '2026-03', '2026-04']")["value"].sum())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_city_page_draws_a_combined_pair(wh, tmp_path, capsys, monkeypatch, lang):
    from tests.apptest_util import open_page

    run(["--db", str(wh), "ingest", _combined_upload(wh, tmp_path)], capsys)
    monkeypatch.setenv("CARBON_BUDGET_DB", str(wh))
    at = open_page("city", lang)
    for region in ("SF01", "SF"):
        at.selectbox(key="cd_region").select(region).run()
        assert not at.exception and not at.error


def test_seasonal_schedule_and_budget_frames_with_a_combined_pair():
    from budget import periods, schedule

    rows = [("A", f"{y}-{m:02d}", 10.0 + m, "statistical") for y in (2023, 2024) for m in range(1, 13)]
    rows += [("A", "2025-01..02", 30.0, "statistical")] + [("A", f"2025-{m:02d}", 10.0 + m, "statistical")
                                                           for m in range(3, 13)]
    rows += [("A", "2025-01", 99.0, "estimated"), ("A", "2025-02", 99.0, "estimated")]
    frame = periods.monthly_frame(pd.DataFrame(rows, columns=["region", "period", "value", "kind"]))
    y25 = frame[frame["year"] == 2025].set_index("month")
    assert y25.loc[1, "value"] == 0 and y25.loc[2, "value"] == 30 and y25.loc[1, "span"] == "2025-01..02"
    assert (y25["kind"] == "statistical").all() and y25["value"].sum() == 30 + sum(10 + m for m in range(3, 13))
    pat = schedule.seasonal_pattern(frame, 2026).set_index("month")
    total = {2023: sum(10 + m for m in range(1, 13)), 2024: sum(10 + m for m in range(1, 13))}
    total[2025] = 30 + sum(10 + m for m in range(3, 13))
    pair = np.mean([23 / total[2023], 23 / total[2024], 30 / total[2025]])
    assert pat.loc[1, "share"] + pat.loc[2, "share"] == pytest.approx(pair / sum(pat["share"]) * 1.0, rel=1e-9)
    assert pat.loc[1, "share"] / pat.loc[2, "share"] == pytest.approx(11 / 12, rel=1e-9)  # from the monthly years
    # both months known (and as well known) beat the combined value; an estimate never does
    both = periods.monthly_frame(pd.DataFrame([("A", "2025-01", 11.0, "statistical"), ("A", "2025-02", 12.0, "statistical"),
                                               ("A", "2025-01..02", 30.0, "statistical")],
                                              columns=["region", "period", "value", "kind"]))
    assert both["value"].tolist() == [11.0, 12.0] and both["span"].isna().all()
    # the alerts' driver attributions leave out the two estimates a combined value replaced
    raw = pd.DataFrame(rows, columns=["region", "period", "value", "kind"])
    gone = raw[periods.superseded_estimates(raw)]
    assert gone["period"].tolist() == ["2025-01", "2025-02"] and (gone["kind"] == "estimated").all()


def test_nowcast_treats_the_pair_as_one_known_period():
    import nowcast
    from nowcast.frames import clean_obs

    months = pd.period_range("2020-01", "2026-04", freq="M").astype(str)
    rng = np.random.default_rng(1)
    rows = []
    for r in ("A", "B"):
        elec = 1000 + 100 * np.sin(np.arange(len(months)) / 12 * 2 * np.pi) + rng.normal(0, 5, len(months))
        for p, e in zip(months, elec):
            rows.append((r, p, "elec_total", float(e)))
            if p < "2026-01":
                rows.append((r, p, "co2_total", float(e) * 0.08))
    rows.append(("A", "2026-01..02", "co2_total", 0.08 * 2050.0))   # A's Jan–Feb 2026, published combined
    obs = pd.DataFrame(rows, columns=["region", "period", "indicator", "value"])
    df, notes = clean_obs(obs, "co2_total")
    pair = df[(df["region"] == "A") & (df["indicator"] == "co2_total") & df["period"].isin(["2026-01", "2026-02"])]
    assert pair["value"].sum() == pytest.approx(0.08 * 2050.0) and len(pair) == 2   # shared out for training only
    assert any("combined January–February" in n for n in notes)
    res = nowcast.nowcast(obs, as_of="2026-04", origins=0)
    est = res.estimates
    assert est.loc[est["region"] == "A", "period"].tolist() == ["2026-03", "2026-04"]    # no Jan/Feb estimate for A
    assert est.loc[est["region"] == "B", "period"].tolist() == ["2026-01", "2026-02", "2026-03", "2026-04"]
    # as of January the pair is not known yet: A is estimated from January on
    jan = nowcast.nowcast(obs, as_of="2026-01", origins=0).estimates
    assert jan.loc[jan["region"] == "A", "period"].tolist() == ["2026-01"]


@pytest.mark.slow
def test_nowcast_run_after_a_combined_upload_does_not_double_count(wh, tmp_path, capsys):
    run(["--db", str(wh), "ingest", _combined_upload(wh, tmp_path)], capsys)
    code, out, err = run(["--db", str(wh), "nowcast", "--json"], capsys)
    assert code == 0, err
    est = [e for e in json.loads(out)["estimates"] if e["region"] == "SF01"]
    assert [e["period"] for e in est] == ["2026-03", "2026-04"]
    combined = co2_rows(wh, "SF01").query("kind == 'statistical'")["value"].iloc[0]
    after = status(wh, capsys)["SF01"]
    assert after["used_statistical"] == pytest.approx(combined, rel=1e-6)
    assert after["used_estimated"] == pytest.approx(sum(e["value"] for e in est), abs=0.01)
