"""Issue 19: bands calibrated on the present, annual backtests to the contract, departing from the best
baseline only by evidence (Diebold–Mariano), the live track record, the confidence word."""
from __future__ import annotations

import math
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

import nowcast
from nowcast import backtest as B
from nowcast import confidence as C
from nowcast import intervals as I
from nowcast import product as P
from nowcast import track as T


# --- bands -----------------------------------------------------------------------------------------

def resid_frame(sd_by_period, n_regions=30, seed=1, horizon=1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [pd.DataFrame({"model": "m", "region": [f"R{i}" for i in range(n_regions)], "horizon": horizon, "p": p,
                          "r": rng.normal(0, sd, n_regions)}) for p, sd in sd_by_period.items()]
    return pd.concat(rows, ignore_index=True)


def test_recent_bands_follow_a_calm_present_after_a_turbulent_past():
    sd = {p: (0.10 if p <= 12 else 0.02) for p in range(1, 21)}          # turbulent year, then calm
    resid = resid_frame(sd)
    recent = I.calibrate(resid, [1], method="recent", cut=20).table.iloc[0]
    pooled = I.calibrate(resid, [1], method="pooled").table.iloc[0]
    # 1.645 x 0.02 = 0.033 for the calm window; the pooled band is dominated by the turbulent year
    assert 0.025 <= recent["q_hi90"] <= 0.045 and recent["q_lo90"] == -recent["q_hi90"]
    assert pooled["q_hi90"] > 0.08
    fresh = np.random.default_rng(9).normal(0, 0.02, 20000)
    assert 0.85 <= np.mean(np.abs(fresh) <= recent["q_hi90"]) <= 0.95


def test_recent_window_widens_until_it_holds_enough_residuals():
    resid = resid_frame({p: 0.03 for p in range(1, 21)}, n_regions=10)
    cal = I.calibrate(resid, [1], method="recent", cut=20)
    # 4 periods x 10 regions = 40 < 60: widened to periods 15..20 (6 x 10 = 60)
    assert cal.info["m"] == {"residuals": 60, "from_period": 15}
    assert cal.method == "recent"


def test_horizon_profile_is_relative_to_horizon_one_and_never_falls():
    a = np.r_[np.full(20, 1.0), np.full(20, 3.0), np.full(20, 2.0), np.full(5, 9.0)]
    h = np.r_[np.full(20, 1), np.full(20, 2), np.full(20, 3), np.full(5, 4)]
    g = I.horizon_profile(a, h, [1, 2, 3, 4])
    assert g[1] == 1.0 and g[2] == 3.0 and g[3] == 3.0     # 2/1 would fall below horizon 2's 3
    assert g[4] == 3.0                                      # 5 residuals: sqrt(4) = 2 < 3, kept at 3


def test_region_method_scales_a_noisy_region_up_and_a_quiet_one_down():
    rows = [{"model": "m", "region": f"R{i}", "horizon": 1, "p": p, "r": (0.06 if i == 0 else 0.02) * (-1) ** p}
            for p in range(1, 11) for i in range(20)]
    cal = I.calibrate(pd.DataFrame(rows), [1], method="region", cut=10)
    s = cal.region_scale.set_index("region")["scale"]
    # mean |r| = (0.06 + 19 x 0.02) / 20 = 0.022; R0: (10 x 0.06/0.022 + 20) / (10 + 20); others with 0.02
    assert s["R0"] == pytest.approx((10 * 0.06 / 0.022 + 20) / 30)
    assert s["R5"] == pytest.approx((10 * 0.02 / 0.022 + 20) / 30)
    out = I.apply_intervals(pd.DataFrame({"model": "m", "horizon": 1, "region": ["R0", "R1"], "prediction": 100.0}), cal)
    q = 0.02 / s["R5"]                                  # rank 181 of 200 scores: the quiet regions' score
    assert out.loc[0, "hi90"] == pytest.approx(100 * math.exp(q * s["R0"]))
    assert out.loc[1, "hi90"] == pytest.approx(100 * math.exp(0.02))


def test_origin_metrics_judge_each_origin_on_its_own():
    pred = pd.DataFrame({"model": "product", "origin": ["a", "a", "b", "b"], "prediction": [100, 100, 100, 100],
                         "actual": [100, 110, 95, 100], "lo80": np.nan, "hi80": np.nan,
                         "lo90": [90, 90, 98, 98], "hi90": [110, 105, 102, 102]})
    m = B.origin_metrics(pred).set_index("origin")
    assert m.loc["a", "coverage90"] == 0.5 and m.loc["b", "coverage90"] == 0.5
    assert m.loc["a", "half_width90"] == pytest.approx((0.10 + 0.075) / 2)
    assert m.loc["b", "half_width90"] == pytest.approx(0.02)
    assert m.loc["a", "mape"] == pytest.approx((0 + 10 / 110) / 2)


# --- annual backtest to the contract ----------------------------------------------------------------

def annual_world(n_regions=20, seed=5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    months = pd.period_range("2010-01", "2019-12", freq="M")
    rows = []
    for r in range(n_regions):
        g = rng.normal(0.04, 0.03, 10)
        elec = np.repeat(1e6 * (1 + r / 5) * np.exp(np.cumsum(g)) / 12, 12)
        co2 = 5000 * (1 + r / 5) * np.exp(np.cumsum(0.6 * g + rng.normal(0, 0.02, 10)))
        rows.append(pd.DataFrame({"region": f"R{r}", "period": [str(2010 + y) for y in range(10)],
                                  "indicator": "co2_total", "value": co2}))
        rows.append(pd.DataFrame({"region": f"R{r}", "period": months.astype(str), "indicator": "elec_total",
                                  "value": elec}))
    return pd.concat(rows, ignore_index=True)


def test_annual_backtest_predicts_each_of_the_last_years_one_year_ahead(tmp_path):
    from cli.main import main

    bt = nowcast.run_backtest(annual_world(), origins=3, horizons=2)
    assert bt.settings["origins"] == ["2016", "2017", "2018"]          # data end 2019: the last 3 years
    p = bt.predictions
    one = p[(p["model"] == "product") & (p["horizon"] == 1)]
    assert sorted(one["period"].unique()) == ["2017", "2018", "2019"]
    assert (p["period"].astype(int) - p["origin"].astype(int) == p["horizon"]).all()
    obs = annual_world(n_regions=6).assign(unit=lambda f: np.where(f["indicator"] == "co2_total", "万吨", "万千瓦时"))
    src, out = tmp_path / "obs.csv", tmp_path / "pred.csv"
    obs.to_csv(src, index=False)
    assert main(["backtest", "--input", str(src), "--origins", "3", "--predictions", str(out)]) == 0
    csv = pd.read_csv(out, dtype={"period": str, "origin": str})
    assert {"origin", "horizon"} <= set(csv.columns)
    h1 = csv[csv["horizon"] == 1]
    assert sorted(h1["period"].unique()) == ["2017", "2018", "2019"]
    assert (h1["period"].astype(int) == h1["origin"].astype(int) + 1).all()


# --- never worse than the best baseline, by evidence ------------------------------------------------

def test_dm_statistic_matches_a_hand_computation():
    d = np.array([-0.02, -0.03, -0.01, -0.025, -0.015])
    # mean -0.02; deviations 0, -.01, .01, -.005, .005; g0 = 2.5e-4/5 = 5e-5;
    # g1 = (0 - 1e-4 - 5e-5 - 2.5e-5)/5 = -3.5e-5; NW var (lag 1, Bartlett 1/2) = 5e-5 - 3.5e-5 = 1.5e-5
    dm = -0.02 / math.sqrt(1.5e-5 / 5)
    hln = math.sqrt((5 + 1 - 2 * 2 + 2 * 1 / 5) / 5)                       # h = lag + 1 = 2
    stat, p = P.dm_test(d, lag=1)
    assert stat == pytest.approx(dm * hln, rel=1e-9)
    from scipy import stats
    assert p == pytest.approx(stats.t.cdf(dm * hln, df=4), rel=1e-9)
    assert P.dm_test(np.array([-0.01, -0.02]))[1] == 1.0                 # too few periods: no test


def fixed_error_frame(errors: dict[str, list[float]], n_regions=5) -> pd.DataFrame:
    """Backtest rows whose log error per model and target period is given (one origin per period, h1)."""
    rows = []
    for m, es in errors.items():
        for k, e in enumerate(es):
            for r in range(n_regions):
                rows.append({"model": m, "region": f"R{r}", "ri": r, "p": k + 2, "origin_p": k + 1, "horizon": 1,
                             "actual": 100.0, "prediction": 100.0 * math.exp(e)})
    return pd.DataFrame(rows)


def test_a_gain_within_noise_keeps_the_best_baseline():
    past = fixed_error_frame({"lightgbm": [0.01, 0.028] * 3, "naive_seasonal": [0.02] * 6, "ratio_yoy": [0.05] * 6})
    ch = P.choose(past, ["lightgbm", "naive_seasonal", "ratio_yoy"])
    assert ch["chosen"] == "naive_seasonal" and ch["weights"] == {"naive_seasonal": 1.0}
    ev = ch["evidence"]
    assert ev["baseline"] == "naive_seasonal" and ev["candidate"] in ("lightgbm", "combination")
    assert ev["significant"] is False and ev["p_value"] > 0.05 and ev["n_periods"] == 6


def test_a_consistent_gain_departs_from_the_baseline():
    past = fixed_error_frame({"lightgbm": [0.005, 0.004, 0.006, 0.005, 0.004, 0.006],
                              "naive_seasonal": [0.02] * 6, "ratio_yoy": [0.05] * 6})
    ch = P.choose(past, ["lightgbm", "naive_seasonal", "ratio_yoy"])
    assert ch["chosen"] == "lightgbm" and ch["evidence"]["significant"] is True
    assert ch["evidence"]["gain"] == pytest.approx(0.75)                 # 1 - 0.005 / 0.02
    assert ch["evidence"]["p_value"] < 0.05
    four = past[past["p"] <= 5]                                        # 4 periods: too few for a credible test
    assert P.choose(four, ["lightgbm", "naive_seasonal", "ratio_yoy"])["chosen"] == "naive_seasonal"


# --- the live track record ---------------------------------------------------------------------------

def est(run_id, as_of, period, value, lo, hi, h, region="A"):
    return {"run_id": run_id, "as_of": as_of, "region": region, "period": period, "value": value, "lo80": lo,
            "hi80": hi, "lo90": lo, "hi90": hi, "horizon": h}


def test_score_keeps_the_standing_estimate_and_scores_a_combined_january_february():
    e = pd.DataFrame([est(1, "2025-06", "2025-05", 90, 80, 100, 1), est(2, "2025-06", "2025-05", 110, 100, 120, 1),
                      est(3, "2025-03", "2025-01", 140, 130, 150, 2), est(3, "2025-03", "2025-02", 150, 140, 160, 1),
                      est(3, "2025-03", "2025-03", 1, 1, 1, 1, region="B")])
    a = pd.DataFrame({"region": ["A", "A"], "period": ["2025-05", "2025-01..02"], "value": [100.0, 300.0]})
    s, pending = T.score(e, a)
    assert pending == 1                                                 # B's March has no statistic yet
    r = s.set_index("period")
    assert len(s) == 2 and r.loc["2025-05", "run_id"] == 2               # run 2 superseded run 1 for that month
    assert r.loc["2025-05", "error"] == pytest.approx(0.10) and r.loc["2025-05", "covered90"] == 1.0
    assert r.loc["2025-01..02", "value"] == 290 and r.loc["2025-01..02", "error"] == pytest.approx(290 / 300 - 1)
    assert r.loc["2025-01..02", "covered90"] == 1.0 and r.loc["2025-01..02", "horizon"] == 2


def test_live_record_from_a_warehouse(empty_db):
    from monitor import track_record
    from warehouse import db, model_runs, store

    def run(as_of, rows):
        frame = pd.DataFrame(rows, columns=["region", "period", "value", "lo90", "hi90", "horizon"])
        frame = frame.assign(indicator="co2_total", lo80=frame["lo90"], hi80=frame["hi90"], contributions=[{}] * len(frame))
        with db.transaction(empty_db) as con:
            model_runs.store_model_run(con, as_of=as_of, data_cut=None, settings={}, summary=pd.DataFrame(),
                                       metrics=pd.DataFrame(), skipped=pd.DataFrame(), estimates=frame)
    run("2025-06", [("A", "2025-05", 90, 80, 100, 1), ("A", "2025-06", 200, 150, 250, 2)])       # superseded
    run("2025-06", [("A", "2025-05", 110, 100, 120, 1), ("A", "2025-06", 95, 90, 99, 2)])
    run("2025-07", [("A", "2025-06", 104, 98, 110, 1), ("A", "2025-07", 50, 40, 60, 2)])
    assert track_record.summary(empty_db)["n"] == 0                     # no statistics yet: nothing scored
    with db.transaction(empty_db) as con:
        b, at = store.new_batch(con, origin="upload", rows_in=2, rows_loaded=2)
        store.append_observations(con, pd.DataFrame({"region": "A", "period": ["2025-05", "2025-06"],
                                                     "indicator": "co2_total", "value": [100.0, 100.0]}),
                                  kind="statistical", batch_id=b, recorded_at=at)
    s = track_record.summary(empty_db)
    # scored: (2025-05, +10%, covered), (2025-06 from run 2, -5%, outside 90..99), (2025-06 from run 3, +4%, covered)
    assert s["n"] == 3 and s["pending"] == 1 and s["months"] == 2
    assert s["mape"] == pytest.approx((0.10 + 0.05 + 0.04) / 3, abs=1e-6)     # the summary keeps 6 decimals
    assert s["coverage90"] == pytest.approx(2 / 3, abs=1e-6)
    by_h = {r["horizon"]: r for r in s["by_horizon"]}
    assert by_h[1]["n"] == 2 and by_h[1]["mape"] == pytest.approx(0.07, abs=1e-6) and by_h[1]["coverage90"] == 1.0
    assert by_h[2]["n"] == 1 and by_h[2]["coverage90"] == 0.0
    assert s["half_width90"] == pytest.approx((10 / 110 + 4.5 / 95 + 6 / 104) / 3, abs=1e-6)
    assert "3" in track_record.sentence(s, "zh") and "6.3%" in track_record.sentence(s, "en")


# --- the confidence word -----------------------------------------------------------------------------

def test_confidence_word_from_band_and_record():
    good = {"n": 30, "coverage90": 0.9, "mape": 0.02}
    assert C.level(0.03, good) == "high"
    assert C.level(0.03, None) == "medium"                              # high must be earned by a record
    assert C.level(0.03, {"n": 5, "coverage90": 0.9, "mape": 0.02}) == "medium"
    assert C.level(0.10, good) == "medium"
    assert C.level(0.10, {"n": 30, "coverage90": 0.6, "mape": 0.02}) == "low"   # bands that did not hold
    assert C.level(0.03, {"n": 30, "coverage90": 0.9, "mape": 0.30}) == "medium"
    assert C.level(0.25, good) == "low" and C.level(float("nan"), good) == "low"
    assert (C.label("high"), C.label("medium", "en"), C.label(None)) == ("高", "medium", "—")
    frame = pd.DataFrame({"value": [100.0, 100.0], "lo90": [97.0, 70.0], "hi90": [103.0, 130.0], "horizon": [1, 2]})
    assert C.levels(frame, {1: good}).tolist() == ["high", "low"]


# --- on screen and in exports ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def scored_demo(demo_db, tmp_path_factory):
    """A copy of the demo whose estimated months then got statistics (the estimate x 1.03 for SF01, x 0.99
    elsewhere): the live record has something to score."""
    import shutil

    from warehouse import db, store, track_record as wtr

    path = tmp_path_factory.mktemp("scored") / "demo.duckdb"
    shutil.copy(demo_db, path)
    with db.transaction(path) as con:
        e = wtr.latest_estimates(con)
        e = e[e["period"] <= e["period"].min()[:5] + "12"]
        stats = pd.DataFrame({"region": e["region"], "period": e["period"], "indicator": "co2_total",
                              "value": e["value"] * np.where(e["region"] == "SF01", 1.03, 0.99)})
        b, at = store.new_batch(con, origin="upload", rows_in=len(stats), rows_loaded=len(stats))
        store.append_observations(con, stats, kind="statistical", batch_id=b, recorded_at=at)
    return path, e


def test_live_record_of_the_demo_scores_what_arrived(scored_demo):
    from monitor import track_record

    path, e = scored_demo
    s = track_record.summary(path)
    assert s["n"] == len(e) and s["pending"] == 0
    sf01 = e["region"] == "SF01"
    expected = (sf01 * abs(1 / 1.03 - 1) + (~sf01) * abs(1 / 0.99 - 1)).mean()
    assert s["mape"] == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("lang, words", [
    ("zh", ["估算值实绩记录：我们公布了什么，实际发生了什么", "区间是否可信：逐个回测起点的覆盖率与宽度", "已核验估算值"]),
    ("en", ["Live record: what we said, what happened", "Bands that mean what they say", "Estimates scored"])])
def test_accuracy_page_leads_with_the_live_record(scored_demo, env_db, lang, words):
    from tests.apptest_util import open_page, texts

    env_db(scored_demo[0])
    at = open_page("accuracy", lang)
    assert not at.exception, at.exception
    body = texts(at)
    for w in words:
        assert w in body, w
    assert body.index(words[0]) < body.index(words[1])              # the record comes first
    n = next(m for m in at.metric if m.label in ("已核验估算值", "Estimates scored"))
    assert n.value.replace(",", "") == str(len(scored_demo[1]))
    choice = next(f.value for f in at.dataframe if ("依据" in f.value.columns or "Evidence" in f.value.columns))
    assert len(choice) >= 1 and "nan" not in " ".join(choice.astype(str).to_numpy().ravel())


def test_export_carries_band_and_confidence_of_estimates(demo_db, tmp_path, capsys):
    from cli.main import main

    out = tmp_path / "e.csv"
    assert main(["--db", str(demo_db), "export", "--region", "SF01", "--indicator", "co2_total", "--out", str(out)]) == 0
    f = pd.read_csv(out, keep_default_na=False)
    est, stat = f[f["kind"] == "estimated"], f[f["kind"] == "statistical"]
    assert len(est) == 6 and set(est["confidence"]) <= {"高", "中", "低"}
    assert (est["lo90"].astype(float) < est["value"].astype(float)).all()
    assert (est["hi90"].astype(float) > est["value"].astype(float)).all()
    assert (stat["confidence"] == "").all()
    # the demo has no scored record yet: at most medium, whatever the band
    assert "高" not in set(est["confidence"])


def test_quarterly_bulletin_quotes_the_live_record(scored_demo, tmp_path):
    import subprocess

    from cli.main import main

    path, e = scored_demo
    out = tmp_path / "b.pdf"
    assert main(["--db", str(path), "measures", "bulletin", "--out", str(out)]) == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "估算值实绩记录" in text and f"共 {len(e)} 个已公布估算值" in text.replace("\n", "")


def test_city_page_lists_its_estimated_months_with_a_confidence_word(demo_db, env_db):
    from tests.apptest_util import open_page

    env_db(demo_db)
    at = open_page("city", "zh")
    at.selectbox(key="cd_region").select("SF03").run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "置信度" in d.value.columns)
    assert list(table["时期"]) == [f"2026-{m:02d}" for m in range(5, 11)]      # as of 2026-10, statistics to 2026-04
    assert set(table["置信度"]) <= {"高", "中", "低"} and table["90% 区间"].str.contains("–").all()


def test_weather_vane_cards_carry_the_confidence_word(demo_db, env_db):
    from tests.apptest_util import open_page

    env_db(demo_db)
    at = open_page("weather", "en")
    assert not at.exception
    html = "\n".join(str(m.value) for m in at.markdown)
    assert html.count("Confidence medium") + html.count("Confidence low") + html.count("Confidence high") >= 12
