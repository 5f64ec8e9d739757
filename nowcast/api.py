"""Public API: ``run_backtest`` and ``nowcast`` (pure DataFrames in and out)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nowcast import backtest as B
from nowcast import intervals as I
from nowcast import product as P
from nowcast.engine import Origin, forecast
from nowcast.explain import contributions
from nowcast.features import FeatureBuilder
from nowcast.frames import FREQ_NAMES, Panel, build_panel, clean_obs, first_month, last_month, parse_as_of, \
    period_index, period_label
from nowcast.models import MODELS, model_settings
from nowcast.reconcile import reconcile
from nowcast.shareout import month_weights

FALLBACK = (P.PRODUCT, "lightgbm", "ratio_12m", "ratio_yoy", "naive_seasonal")
EST_COLS = ["region", "period", "indicator", "value", "lo80", "hi80", "lo90", "hi90", "horizon", "contributions"]
INTERVAL_METHOD = ("split conformal on log(actual/prediction) residuals of the rolling backtest, per model: the "
                   "residuals of the last 4 months of target periods known at the origin (at least 60), divided by "
                   "the horizon's error profile; small-sample rank ceil((n+1)(1-a)) (nowcast.intervals, method "
                   "'recent')")
SHAREOUT_METHOD = "pro-rata by monthly elec_total (not Denton); calendar days where electricity is unknown"


@dataclass
class BacktestResult:
    predictions: pd.DataFrame
    metrics: pd.DataFrame
    summary: pd.DataFrame
    settings: dict = field(default_factory=dict)
    # Every origin's predictions with actuals (warm-up origins and the nested product included): model,
    # region, ri, p, origin_p, horizon, prediction, actual. What a comparison of interval methods needs.
    history: pd.DataFrame | None = None
    choices: dict | None = None        # origin index -> the product's choice by horizon (nowcast.product)


@dataclass
class NowcastResult:
    estimates: pd.DataFrame
    metrics: pd.DataFrame
    summary: pd.DataFrame
    skipped: pd.DataFrame
    settings: dict = field(default_factory=dict)
    backtest: BacktestResult | None = None
    # Estimates at the target's own frequency (equal to .estimates for a monthly target): region, period,
    # model, value, lo80, hi80, lo90, hi90, horizon. The monthly estimates add up to these.
    period_estimates: pd.DataFrame | None = None


def _prepare(obs, target, drop_indicators, as_of=None):
    df, notes = clean_obs(obs, target)
    drop = set(drop_indicators or ())
    if target in drop:
        raise ValueError(f"cannot drop the target {target!r}")
    df = df[~df["indicator"].isin(drop)]
    if as_of is not None:
        end = np.zeros(len(df), dtype=int)
        for f in ("M", "Q", "A"):
            sel = (df["freq"] == f).to_numpy()
            if sel.any():
                end[sel] = last_month(period_index(df.loc[sel, "period"], f), f)
        end = np.maximum(end, df["pair_end"].to_numpy(int)) if "pair_end" in df.columns else end
        late = end > as_of   # a combined Jan–Feb is known from February, both of its months or neither
        if late.any():
            notes.append(f"{int(late.sum())} rows after as_of were ignored")
        df = df[~late]
        if not (df["indicator"] == target).any():
            raise ValueError(f"no {target!r} value is known up to as_of {period_label(as_of, 'M')}")
    return df, notes


def _backtest(panel: Panel, origins: int, hp: int, seed: int, offset: int | None,
              last_origin: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(evaluated predictions with intervals, all predictions incl. warm-up origins and the nested
    product, settings)."""
    offset, leads, notes = B.plan(panel, hp, offset)
    hp_eff = max(1, min(hp, (panel.k - 1 + offset) // panel.k))
    warm, ev = B.choose_origins(panel, origins, origins, hp_eff, last_origin)
    settings = {"offset_months": offset, "driver_leads_months": leads, "notes": notes,
                "origins": [panel.label(c) for c in ev], "warmup_origins": [panel.label(c) for c in warm],
                "horizons": list(range(1, hp_eff + 1))}
    if not ev:
        return pd.DataFrame(), pd.DataFrame(), settings
    fb = FeatureBuilder(panel)
    allp, info = B.run_origins(panel, fb, warm + ev, offset, leads, hp_eff, seed)
    if allp.empty:
        return pd.DataFrame(), allp, settings
    allp["region"] = panel.regions[allp["ri"].to_numpy(int)]
    prod, choices = P.nested(allp, settings["horizons"])
    allp = pd.concat([allp, prod], ignore_index=True)
    settings["product_choices"] = {panel.label(o): {str(h): c for h, c in ch.items()} for o, ch in choices.items()
                                   if o in set(ev)}
    settings["_choices"] = choices
    pred = B.intervals_without_lookahead(allp, ev, settings["horizons"], months_per_period=panel.k, choices=choices)
    pred["period"] = [panel.label(p) for p in pred["p"]]
    pred["origin"] = [panel.label(p) for p in pred["origin_p"]]
    settings["training_rows"] = {k: v.get("n_train") for k, v in info.items()}
    return pred, allp, settings


def run_backtest(obs: pd.DataFrame, target: str = "co2_total", origins: int = 6, horizons: int = 6, seed: int = 0,
                 drop_indicators=(), last_origin: str | None = None) -> BacktestResult:
    """Rolling-origin backtest of every model (see ``nowcast.backtest`` for the no-look-ahead rules).

    ``origins`` origins are scored; as many earlier ones warm up the interval calibration. Horizons are
    1..``horizons`` months for a monthly target and the next 1-2 periods for quarterly/annual targets.
    mape / median_ape / bias are fractions (0.05 = 5 %), coverage80/90 the share of actuals inside.
    Model ``product`` is the estimate the product stores: at each origin the model or combination
    chosen on earlier origins only (``nowcast.product``). ``last_origin`` (a target period label)
    makes the scored origins end there, even if its later horizons have no actual yet.
    """
    df, notes = _prepare(obs, target, drop_indicators)
    panel = build_panel(df, target)
    hp = B.period_horizons(panel.freq, horizons)
    last = None if last_origin is None else int(period_index(pd.Series([str(last_origin)]), panel.freq)[0])
    pred, allp, settings = _backtest(panel, max(1, int(origins)), hp, seed, None, last)
    choices = settings.pop("_choices", None)
    if pred.empty:
        raise ValueError(f"not enough {target!r} history for a backtest: each origin needs at least two periods "
                         f"with a same-period-last-year value before it and an actual after it")
    metrics, summary = B.metrics(pred)
    settings.update(target=target, frequency=FREQ_NAMES[panel.freq], seed=seed, models=list(MODELS) + [P.PRODUCT],
                    model_params=model_settings(), interval_method=INTERVAL_METHOD,
                    dropped_indicators=sorted(drop_indicators or ()), notes=settings["notes"] + notes + panel.notes)
    hist = allp[["model", "region", "ri", "p", "origin_p", "horizon", "prediction", "actual"]].reset_index(drop=True)
    return BacktestResult(pred[B.PRED_COLS].reset_index(drop=True), metrics, summary, settings, hist, choices)


def _default_as_of(df: pd.DataFrame, target: str) -> int:
    drivers = df[df["indicator"] != target]
    use = drivers if not drivers.empty else df
    best = -1
    for f in ("M", "Q", "A"):
        sel = use[use["freq"] == f]
        if not sel.empty:
            best = max(best, int(last_month(period_index(sel["period"], f), f).max()))
    return best


def nowcast(obs: pd.DataFrame, target: str = "co2_total", as_of: str | None = None, origins: int = 6, seed: int = 0,
            horizons: int = 6, drop_indicators=(), hierarchy: dict[str, list[str]] | None = None) -> NowcastResult:
    """Estimate every month after each region's last known target up to ``as_of`` (default: the newest
    driver month), at most ``horizons`` months ahead (quarterly/annual targets: the next 1-2 periods,
    shared out to months). Intervals come from an internal ``origins``-origin backtest (``origins=0``
    skips it: estimates without intervals, e.g. for a quick look). The estimates are the product's
    (``nowcast.product``: the model or combination best on the backtest; settings["product"]).
    ``hierarchy`` (parent -> children) makes a parent's estimates the sum of its children's."""
    df0, notes = clean_obs(obs, target)
    as_of_m = parse_as_of(as_of) if as_of is not None else _default_as_of(df0, target)
    df, notes2 = _prepare(obs, target, drop_indicators, as_of=as_of_m)
    notes += notes2
    panel = build_panel(df, target)
    hp = B.period_horizons(panel.freq, horizons)
    tl = panel.target_last()
    cut = int(tl.max())
    offset = int(np.clip(as_of_m - last_month(cut, panel.freq), 0, panel.k * hp))
    skipped = [{"region": r, "reason": panel.target_freq_note.get(r, f"no {target} history for this region: "
                                                                  "a nowcast needs at least one known value")}
               for r, t in zip(panel.regions, tl) if t < 0]
    settings = {"as_of": period_label(as_of_m, "M"), "data_cut": panel.label(cut), "target": target,
                "frequency": FREQ_NAMES[panel.freq], "seed": seed, "models": list(MODELS),
                "model_params": model_settings(), "interval_method": INTERVAL_METHOD,
                "shareout_method": SHAREOUT_METHOD if panel.k > 1 else None,
                "drivers_last_period": {d: period_label(m, "M") for d, m in panel.driver_last.items()}}
    empty = pd.DataFrame(columns=EST_COLS)
    if offset <= 0:
        settings["notes"] = notes + panel.notes + [f"{target} is already known up to as_of: nothing to estimate"]
        return NowcastResult(empty, pd.DataFrame(columns=B.METRIC_COLS), pd.DataFrame(), _skipped(skipped), settings)
    if int(origins) > 0:
        pred, allp, bt_settings = _backtest(panel, int(origins), hp, seed, offset)
        bt_settings.pop("_choices", None)
    else:   # no calibration backtest: estimates without intervals
        pred, allp, bt_settings = pd.DataFrame(), pd.DataFrame(), {"notes": ["origins=0: no backtest, no intervals"]}
    metrics, summary = B.metrics(pred)
    if not pred.empty:
        bt_settings["by_origin"] = B.origin_metrics(pred).round(6).to_dict(orient="records")
    settings["backtest"] = bt_settings
    fb = FeatureBuilder(panel)
    known = {d: min(as_of_m, m) for d, m in panel.driver_last.items()}
    out = forecast(panel, fb, Origin(region_origin=tl, as_of=as_of_m, known_until=known, hp=hp), seed=seed,
                   explain=True)
    settings["features"] = out.info.get("features", {})
    imp = out.info.get("importance", {})
    settings["top_features"] = dict(sorted(imp.items(), key=lambda kv: -kv[1])[:12])
    settings["training_rows"] = out.info.get("n_train", 0)
    horizons_l = list(range(1, hp + 1))
    preds = out.predictions
    choice = None
    if not allp.empty and not preds.empty:
        choice = P.choose_by_horizon(allp[allp["model"] != P.PRODUCT], list(MODELS), horizons_l)
        preds = pd.concat([preds, _product_rows(preds, choice)], ignore_index=True)
        settings["product"] = {"choice": {str(h): c for h, c in choice.items()}, "rule": P.RULE}
    else:
        settings["product"] = {"choice": {}, "rule": "no backtest: LightGBM, else the first baseline with an estimate"}
    est, fallbacks = _choose(preds)
    settings["fallback_rows"] = fallbacks
    # The product's band: its final choice replayed on every backtest origin (B.replay_product), not its nested
    # history, which mixes earlier choices (a baseline while the evidence was thin) into today's band.
    if not allp.empty and choice:
        allp = pd.concat([allp[allp["model"] != P.PRODUCT], B.replay_product(allp, choice)], ignore_index=True)
    resid = allp.assign(r=I.log_residual(allp["actual"], allp["prediction"])) if not allp.empty else \
        pd.DataFrame(columns=["model", "region", "horizon", "r", "p"])
    cal = I.calibrate(resid[["model", "region", "horizon", "r", "p"]], list(range(1, hp + 1)), cut=cut,
                      months_per_period=panel.k)
    settings["interval_window"] = cal.info
    settings["calibration"] = cal.table.round(5).to_dict(orient="records")
    est = I.apply_intervals(est.assign(region=panel.regions[est["ri"].to_numpy(int)] if len(est) else []), cal)
    estimates = _to_months(panel, est, known.get("elec_total"), target)
    known_m = _known_months(panel, target) if hierarchy and panel.k == 1 else None
    estimates, rec_log = reconcile(estimates, hierarchy, known_m)
    settings["reconciliation"] = {"method": "MinT (diagonal, WLS) at the month level; parent band = sum of "
                                            "children's bounds", "adjusted": rec_log[:50]} if hierarchy else None
    period_est = pd.DataFrame({"region": panel.regions[est["ri"].to_numpy(int)] if len(est) else [],
                               "period": [panel.label(p) for p in est["p"]], "model": est["model"].to_numpy(object),
                               "value": est["prediction"].to_numpy(float),
                               **{c: est[c].to_numpy(float) for c in ("lo80", "hi80", "lo90", "hi90")},
                               "horizon": est["horizon"].to_numpy(int)})
    for r in panel.regions[tl >= 0]:
        if r not in set(estimates["region"]):
            last = panel.label(int(tl[list(panel.regions).index(r)]))
            skipped.append({"region": r, "reason": _why_none(out.predictions, panel, r, last, target, as_of_m)})
    settings["notes"] = notes + panel.notes + bt_settings.get("notes", [])
    bt = BacktestResult(pred[B.PRED_COLS].reset_index(drop=True) if not pred.empty else pd.DataFrame(columns=B.PRED_COLS),
                        metrics, summary, bt_settings)
    return NowcastResult(estimates, metrics, summary, _skipped(skipped), _jsonable(settings), bt, period_est)


def _product_rows(preds: pd.DataFrame, choice: dict) -> pd.DataFrame:
    """The product's rows, with LightGBM's SHAP groups rescaled to the product's own log ratio (so
    the contributions still add up to the product's change on last year)."""
    prod = P.apply(preds, choice)
    lgb = preds[preds["model"] == "lightgbm"].set_index(["ri", "p", "horizon"])
    phi = [c for c in lgb.columns if c.startswith("phi__")]
    if "yhat" in lgb.columns and phi:
        key = pd.MultiIndex.from_frame(prod[["ri", "p", "horizon"]])
        y_l = lgb["yhat"].reindex(key).to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            y_p = np.log(prod["prediction"].to_numpy(float) / prod["base"].to_numpy(float))
            scale = np.where(np.abs(y_l) > 1e-6, y_p / y_l, np.nan)
        prod["yhat"] = np.where(np.isfinite(scale), y_p, np.nan)
        for c in phi:
            prod[c] = lgb[c].reindex(key).to_numpy(float) * scale
    return prod


def _known_months(panel: Panel, target: str) -> pd.DataFrame:
    ri, pi = np.nonzero(np.isfinite(panel.target))
    return pd.DataFrame({"region": panel.regions[ri], "period": [panel.label(p + panel.p0) for p in pi],
                         "value": panel.target[ri, pi]})


def _choose(pred: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The product where it has an estimate, else LightGBM, else the first baseline that has one
    (FALLBACK order)."""
    if pred.empty:
        return pred.assign(model=pd.Series(dtype=object)), {}
    wide = {m: g.set_index(["ri", "p"]) for m, g in pred.groupby("model")}
    order = [m for m in FALLBACK if m in wide]
    chosen = wide[order[0]].copy()
    chosen["model"] = order[0]
    counts = {}
    for m in order[1:]:
        miss = chosen["prediction"].isna()
        if not miss.any() or m not in wide:
            break
        alt = wide[m].reindex(chosen.index[miss])
        ok = alt["prediction"].notna()
        idx = alt.index[ok]
        chosen.loc[idx, "prediction"] = alt.loc[idx, "prediction"]
        chosen.loc[idx, "base"] = alt.loc[idx, "base"]
        chosen.loc[idx, "model"] = m
        for c in [c for c in chosen.columns if c.startswith("phi__") or c == "yhat"]:
            chosen.loc[idx, c] = np.nan
        counts[m] = int(ok.sum())
    chosen = chosen[chosen["prediction"].notna()].reset_index()
    return chosen, counts


def _to_months(panel: Panel, est: pd.DataFrame, elec_known: int | None, target: str) -> pd.DataFrame:
    if est.empty:
        return pd.DataFrame(columns=EST_COLS)
    ri = est["ri"].to_numpy(int)
    p = est["p"].to_numpy(int)
    k = panel.k
    w = month_weights(panel, ri, p, elec_known) if k > 1 else np.ones((len(est), 1))
    n = len(est)
    rep = np.repeat(np.arange(n), k)
    share = w.reshape(-1)
    months = (first_month(p, panel.freq)[:, None] + np.arange(k)[None, :]).reshape(-1)
    out = pd.DataFrame({
        "region": panel.regions[ri[rep]],
        "period": [period_label(m, "M") for m in months],
        "indicator": target,
        "value": est["prediction"].to_numpy(float)[rep] * share,
    })
    for c in ("lo80", "hi80", "lo90", "hi90"):
        out[c] = est[c].to_numpy(float)[rep] * share
    out["horizon"] = est["horizon"].to_numpy(int)[rep]
    out["contributions"] = contributions(est.iloc[rep].reset_index(drop=True), share)
    return out.sort_values(["region", "period"]).reset_index(drop=True)[EST_COLS]


def _why_none(pred: pd.DataFrame, panel: Panel, region: str, last: str, target: str, as_of_m: int) -> str:
    lp = int(period_index(pd.Series([last]), panel.freq)[0])
    if last_month(lp, panel.freq) >= as_of_m:
        return f"{target} is already known up to {last}: nothing to estimate up to as_of"
    return (f"no estimate possible after {last}: no {target} value for the same period last year and no "
            "electricity (elec_total) data to scale")


def _skipped(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["region", "reason"])


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        return None if not np.isfinite(obj) else float(obj)
    return obj
