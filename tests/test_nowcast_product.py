"""Issue 12: the product model (choice by evidence on past origins), calibrated bands with few
residuals, the pooled annual model, a coherent hierarchy, and the accuracy page showing them."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import nowcast
from nowcast import intervals as I
from nowcast import product as P
from nowcast.reconcile import reconcile
from tests.apptest_util import open_page, texts


# --- the choice rule -------------------------------------------------------------------------------

def backtest_frame(errors: dict[str, float], n_regions: int = 10, origins=(1, 2, 3, 4), seed: int = 0,
                   horizons=(1, 2)) -> pd.DataFrame:
    """Fake backtest rows: each model's prediction = actual x exp(N(0, its error))."""
    rng = np.random.default_rng(seed)
    rows = []
    for o in origins:
        for h in horizons:
            for r in range(n_regions):
                actual = 100 + 10 * r
                for m, sd in errors.items():
                    rows.append({"model": m, "region": f"R{r}", "ri": r, "p": o + h, "origin_p": o, "horizon": h,
                                 "actual": actual, "prediction": actual * np.exp(rng.normal(0, sd))})
    return pd.DataFrame(rows)


def test_a_dominated_model_is_never_chosen():
    past = backtest_frame({"lightgbm": 0.20, "ridge": 0.03, "naive_seasonal": 0.05, "ratio_yoy": 0.04})
    ch = P.choose(past, ["lightgbm", "ridge", "naive_seasonal", "ratio_yoy"])
    assert ch["weights"].get("lightgbm", 0) == 0
    assert ch["scores"]["lightgbm"] > P.DOMINANCE * min(ch["scores"].values())
    assert abs(sum(ch["weights"].values()) - 1) < 1e-6
    assert ch["chosen"] in ("ridge", "combination")


def test_where_a_baseline_is_best_the_product_is_that_baseline():
    past = backtest_frame({"lightgbm": 0.12, "ridge": 0.15, "naive_seasonal": 0.02, "ratio_yoy": 0.08})
    ch = P.choose(past, ["lightgbm", "ridge", "naive_seasonal", "ratio_yoy"])
    assert ch == {**ch, "chosen": "naive_seasonal", "weights": {"naive_seasonal": 1.0}}


def test_nested_choice_never_sees_the_origin_it_scores():
    allp = backtest_frame({"lightgbm": 0.05, "naive_seasonal": 0.02}, origins=(1, 2, 3), horizons=(1,))
    # at origin 3 make lightgbm perfect: a choice that peeked would switch to it
    at3 = (allp["origin_p"] == 3) & (allp["model"] == "lightgbm")
    allp.loc[at3, "prediction"] = allp.loc[at3, "actual"]
    prod, choices = P.nested(allp, [1])
    assert choices[3][1]["weights"] == {"naive_seasonal": 1.0}
    assert choices[1][1]["n"] == 0          # first origin: no past at all
    p3 = prod[prod["origin_p"] == 3].sort_values("ri")["prediction"].to_numpy()
    naive3 = allp[(allp["origin_p"] == 3) & (allp["model"] == "naive_seasonal")].sort_values("ri")["prediction"]
    np.testing.assert_allclose(p3, naive3.to_numpy())


def test_combination_is_a_weighted_geometric_mean():
    wide = pd.DataFrame({"a": [100.0, 100.0], "b": [400.0, np.nan]})
    out = P.combine(wide, {"a": 0.5, "b": 0.5})
    np.testing.assert_allclose(out, [200.0, 100.0])


# --- end to end on generated data where a baseline is best ----------------------------------------

def naive_world(n_regions=8, years=(2014, 2023), seed=3) -> pd.DataFrame:
    """CO2 = same month last year x exp(N(0, 2%)); electricity is unrelated noise."""
    rng = np.random.default_rng(seed)
    months = pd.period_range(f"{years[0]}-01", f"{years[1]}-12", freq="M")
    rows = []
    for r in range(n_regions):
        co2 = list(1000 * (1 + 0.2 * np.cos(np.arange(12) * np.pi / 6)) * (1 + r / 4))
        for _ in range(len(months) - 12):
            co2.append(co2[-12] * np.exp(rng.normal(0, 0.02)))
        elec = 1e6 * np.exp(rng.normal(0, 0.3, len(months)))
        for name, vals, end in (("co2_total", co2, f"{years[1]}-06"), ("elec_total", elec, f"{years[1]}-12")):
            keep = months <= pd.Period(end, "M")
            rows.append(pd.DataFrame({"region": f"R{r}", "period": months[keep].astype(str), "indicator": name,
                                      "value": np.asarray(vals)[keep]}))
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def naive_bt():
    return nowcast.run_backtest(naive_world(), origins=3, horizons=3)


def test_product_leans_to_the_baseline_when_it_is_best(naive_bt):
    s = naive_bt.summary.groupby("model")["mape"].mean()
    assert s["ratio_yoy"] > 1.5 * s["naive_seasonal"]          # electricity is noise here
    assert s["product"] <= 1.05 * s["naive_seasonal"]
    for ch in naive_bt.settings["product_choices"].values():
        for c in ch.values():
            assert c["weights"].get("ratio_yoy", 0) == 0 and c["weights"].get("ratio_12m", 0) == 0


# --- calibrated bands with few residuals ------------------------------------------------------------

def test_small_sample_conformal_rank():
    z = np.arange(1, 20, dtype=float)               # n = 19: rank ceil(20 * 0.9) = 18
    assert I.conformal_quantile(z, 0.1) == 18.0
    assert I.conformal_quantile(np.array([1.0, 2.0, 3.0]), 0.1) == pytest.approx(3.0 * 4 / 3)


def test_coverage_with_few_residuals_and_a_horizon_scale():
    """30 regions x 1 origin at h1 and none at h2 (an annual target's first origins): bands from the
    pooled, horizon-scaled conformal rule cover 85-95% on average, at both horizons."""
    rng = np.random.default_rng(7)
    sigma = {1: 0.03, 2: 0.03 * np.sqrt(2)}
    cover = {1: [], 2: []}
    for _ in range(300):
        resid = pd.DataFrame({"model": "m", "horizon": 1, "r": rng.normal(0, sigma[1], 30)})
        cal = I.calibrate(resid, [1, 2])
        for h in (1, 2):
            q = cal.table.set_index("horizon").loc[h]
            r = rng.normal(0, sigma[h], 200)
            cover[h].append(np.mean((r >= q["q_lo90"]) & (r <= q["q_hi90"])))
    for h in (1, 2):
        assert 0.85 <= np.mean(cover[h]) <= 0.95, (h, np.mean(cover[h]))


def test_generated_annual_target_gets_bands_covering_85_to_95(annual_bt):
    p = annual_bt.predictions[annual_bt.predictions["model"] == "product"].dropna(subset=["lo90"])
    cov = ((p["actual"] >= p["lo90"]) & (p["actual"] <= p["hi90"])).mean()
    assert len(p) >= 60
    assert 0.80 <= cov <= 0.98, cov        # 3 origins x 30 regions: sampling error about +-4 points


def annual_world(n_regions=30, seed=11) -> pd.DataFrame:
    """Annual CO2 (2010-2018) = last year x electricity growth^0.5 x exp(N(0, 2%)); monthly electricity."""
    rng = np.random.default_rng(seed)
    months = pd.period_range("2009-01", "2018-12", freq="M")
    rows = []
    for r in range(n_regions):
        g = rng.normal(0.05, 0.04, 10)
        elec_year = 1e6 * (1 + r / 10) * np.exp(np.cumsum(g))
        elec = np.repeat(elec_year / 12, 12) * np.exp(rng.normal(0, 0.02, len(months)))
        co2 = [5000.0 * (1 + r / 10)]
        for y in range(1, 10):
            co2.append(co2[-1] * np.exp(0.5 * g[y] + rng.normal(0, 0.02)))
        rows.append(pd.DataFrame({"region": f"R{r:02d}", "period": [str(2009 + y) for y in range(10)],
                                  "indicator": "co2_total", "value": co2}))
        rows.append(pd.DataFrame({"region": f"R{r:02d}", "period": months.astype(str), "indicator": "elec_total",
                                  "value": elec}))
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def annual_bt():
    return nowcast.run_backtest(annual_world(), origins=3, horizons=2, last_origin="2017")


def test_pooled_model_learns_the_elasticity_with_few_annual_values(annual_bt):
    s = annual_bt.summary[annual_bt.summary["horizon"] == 1].set_index("model")["mape"]
    assert s["pooled"] < min(s["naive_seasonal"], s["ratio_yoy"])
    assert s["product"] <= 1.02 * min(s["naive_seasonal"], s["ratio_yoy"])


# --- coherent hierarchy ------------------------------------------------------------------------------

def test_reconcile_makes_the_parent_the_sum_of_its_children():
    est = pd.DataFrame({"region": ["P", "A", "B"], "period": "2024-01", "value": [310.0, 100.0, 200.0],
                        "lo80": [290.0, 95.0, 190.0], "hi80": [330.0, 105.0, 210.0],
                        "lo90": [280.0, 90.0, 180.0], "hi90": [340.0, 110.0, 220.0]})
    out, log = reconcile(est, {"P": ["A", "B"]})
    v = out.set_index("region")
    assert v.loc["P", "value"] == pytest.approx(v.loc["A", "value"] + v.loc["B", "value"])
    assert 300 < v.loc["P", "value"] < 310                      # between the children's sum and its own
    for c in ("lo90", "hi90", "lo80", "hi80"):
        assert v.loc["P", c] == pytest.approx(v.loc["A", c] + v.loc["B", c])
    assert (v["lo90"] <= v["value"]).all() and (v["value"] <= v["hi90"]).all()
    # the wider child (B) absorbs more of the incoherence
    assert v.loc["B", "value"] - 200 > v.loc["A", "value"] - 100 > 0
    assert log and log[0]["parent"] == "P"


def test_nowcast_with_a_hierarchy_stores_coherent_estimates():
    obs = naive_world(n_regions=4)
    co2 = obs[obs["indicator"] == "co2_total"]
    prov = co2.groupby("period", as_index=False)["value"].sum().assign(region="PROV", indicator="co2_total")
    elec = obs[obs["indicator"] == "elec_total"].groupby("period", as_index=False)["value"].sum() \
        .assign(region="PROV", indicator="elec_total")
    obs = pd.concat([obs, prov, elec], ignore_index=True)
    res = nowcast.nowcast(obs, origins=2, horizons=3,
                          hierarchy={"PROV": [f"R{r}" for r in range(4)]})
    est = res.estimates
    assert len(est[est["region"] == "PROV"]) > 0
    cities = est[est["region"] != "PROV"].groupby("period")[["value", "lo90", "hi90"]].sum()
    prov_est = est[est["region"] == "PROV"].set_index("period")[["value", "lo90", "hi90"]]
    pd.testing.assert_frame_equal(prov_est.sort_index(), cities.loc[prov_est.index].sort_index(), rtol=1e-9)
    assert res.settings["reconciliation"]["adjusted"]
    assert set(res.settings["product"]["choice"]) == {"1", "2", "3"}


# --- the accuracy page -------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, words", [
    ("zh", ["产品模型的选择与权重（按步长）", "产品模型区间覆盖率（按步长）", "含与不含火电发电量的对比"]),
    ("en", ["Product model: choice and weights by horizon", "Product model interval coverage by horizon",
            "With and without thermal generation"])])
def test_accuracy_page_shows_choice_weights_and_coverage_per_horizon(demo_db, env_db, lang, words):
    env_db(demo_db)
    at = open_page("accuracy", lang)
    assert not at.exception, at.exception
    body = texts(at)
    for w in words:
        assert w in body, w
    frames = [d.value for d in at.dataframe]
    col_h = "步长（月）" if lang == "zh" else "Horizon (months)"
    weights = "权重" if lang == "zh" else "Weights"
    choice = next(f for f in frames if weights in f.columns)
    assert list(choice[col_h]) == [1, 2, 3, 4, 5, 6]
    assert choice[weights].str.contains("%").all()
    cov = next(f for f in frames if ("90% 区间覆盖率" if lang == "zh" else "90% interval coverage") in f.columns
               and len(f.columns) == 4)
    assert len(cov) == 6 and cov.iloc[:, 2].str.endswith("%").all()
    assert cov[("平均半宽" if lang == "zh" else "Mean half-width")].str.endswith("%").all()   # the width beside it
    without = "不含火电发电量的 MAPE" if lang == "zh" else "MAPE without thermal generation"
    circ = next(f for f in frames if without in f.columns)
    assert circ[without].str.endswith("%").all()
    assert "nan" not in body and "None" not in body


def test_backtest_cli_predictions_include_the_product(tmp_path):
    from cli.main import main

    obs = naive_world(n_regions=3).assign(unit=lambda f: np.where(f["indicator"] == "co2_total", "万吨", "万千瓦时"))
    src, out = tmp_path / "obs.csv", tmp_path / "pred.csv"
    obs.to_csv(src, index=False)
    assert main(["backtest", "--input", str(src), "--origins", "2", "--predictions", str(out)]) == 0
    pred = pd.read_csv(out)
    assert list(pred.columns)[:11] == ["model", "region", "period", "origin", "horizon", "prediction", "lo80", "hi80",
                                       "lo90", "hi90", "actual"]
    months = pd.PeriodIndex(pred["period"], freq="M") - pd.PeriodIndex(pred["origin"], freq="M")
    assert (months.map(lambda d: d.n) == pred["horizon"]).all()
    assert "product" in set(pred["model"]) and pred.loc[pred["model"] == "product", "prediction"].notna().all()
