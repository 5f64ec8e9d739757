"""The product's estimate: the model or combination the rolling backtest shows best on PAST origins.

For each horizon, every model is scored on the backtest rows whose actual was known before the
origin being forecast (origin < o and period <= o: nested, rolling selection; the origin being
scored is never seen). Score = the median over regions of each region's mean |log(actual/pred)|
(the median-region MAPE the product is judged on), on the rows every model predicted.

Rule (candidates: every single model, and one combination):
1. A model scoring worse than ``DOMINANCE`` x the best model's score on those past origins is
   dominated and never gets weight.
2. The undominated models are combined in log space with inverse squared-score weights
   (w_m ~ 1/score_m^2, normalised), i.e. a geometric mean C = exp(sum w_m log C_m).
3. The product is the candidate (best single model or the combination) with the lowest score on
   the same past rows (the combination, being more robust, wins ties within COMBINE_TOLERANCE). The simple baselines are candidates, so the product is never knowingly
   worse than the best baseline; where a baseline is best, the product is that baseline.
Horizons with fewer than ``MIN_ROWS`` past rows are scored on all horizons pooled. With no past
rows at all (the first warm-up origin) the baselines get equal weights.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from nowcast.models import BASELINES

PRODUCT = "product"
MIN_ROWS = 20
DOMINANCE = 1.25
COMBINE_TOLERANCE = 1.02   # the combination is kept unless a single model beat it by more than 2% on the past
RULE = ("per horizon, on past backtest origins only: models scoring worse than 1.25 x the best are dropped; "
        "the rest combined geometrically with inverse squared-error weights; the product is the single model or "
        "that combination, whichever scored best (baselines included)")


def _score(frame: pd.DataFrame) -> pd.Series:
    """model -> median over regions of the region's mean |log(actual / prediction)|."""
    e = frame.assign(e=np.abs(np.log(frame["actual"] / frame["prediction"])))
    return e.groupby(["model", "region"])["e"].mean().groupby("model").median()


def _common(past: pd.DataFrame, models: list[str]) -> pd.DataFrame:
    ok = past[past["model"].isin(models) & (past["prediction"] > 0) & (past["actual"] > 0)]
    key = ["region", "p", "origin_p"]
    n = ok.groupby(key)["model"].transform("nunique")
    return ok[n == ok["model"].nunique()]


def combine(wide_pred: pd.DataFrame, weights: dict[str, float]) -> np.ndarray:
    """Geometric combination of the columns of ``wide_pred``; weights renormalised over the models
    predicting a row (NaN where none does)."""
    cols = [m for m in weights if m in wide_pred.columns and weights[m] > 0]
    if not cols:
        return np.full(len(wide_pred), np.nan)
    P = wide_pred[cols].to_numpy(float)
    w = np.array([weights[m] for m in cols], float)[None, :]
    ok = np.isfinite(P) & (P > 0)
    ws = np.where(ok, w, 0.0)
    tot = ws.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        logp = np.where(ok, np.log(np.where(ok, P, 1.0)), 0.0)
        out = np.exp((ws * logp).sum(axis=1) / tot)
    return np.where(tot > 0, out, np.nan)


def choose(past: pd.DataFrame, models: list[str]) -> dict:
    """Choice on ``past`` rows (model, region, p, origin_p, prediction, actual):
    {"chosen": model | "combination", "weights": {model: w}, "scores": {model: score}, "n": rows}."""
    models = [m for m in models if m != PRODUCT]
    base = [m for m in BASELINES if m in models] or models
    c = _common(past, models)
    if c.empty:
        return {"chosen": "combination", "weights": {m: round(1 / len(base), 6) for m in base}, "scores": {}, "n": 0,
                "rule": "no past origins: equal weights on the baselines"}
    scores = _score(c)
    keep = scores[scores <= DOMINANCE * scores.min() + 1e-12]
    inv = 1.0 / np.maximum(keep.to_numpy(float), 1e-9) ** 2
    weights = dict(zip(keep.index, inv / inv.sum()))
    wide = c.pivot_table(index=["region", "p", "origin_p"], columns="model", values="prediction")
    actual = c.groupby(["region", "p", "origin_p"])["actual"].first().reindex(wide.index)
    comb = pd.DataFrame({"model": "combination", "region": wide.index.get_level_values(0),
                         "prediction": combine(wide, weights), "actual": actual.to_numpy()})
    comb_score = float(_score(comb).iloc[0])
    best = keep.sort_values(kind="stable").index[0]
    out = {"scores": {m: round(float(v), 6) for m, v in scores.items()}, "n": int(len(wide)),
           "combination_score": round(comb_score, 6)}
    if len(keep) > 1 and comb_score <= COMBINE_TOLERANCE * float(keep.min()):
        out.update(chosen="combination", weights={m: round(float(w), 6) for m, w in weights.items()})
    else:
        out.update(chosen=str(best), weights={str(best): 1.0})
    return out


def choose_by_horizon(past: pd.DataFrame, models: list[str], horizons: list[int]) -> dict[int, dict]:
    out = {}
    pooled = None
    for h in horizons:
        sub = past[past["horizon"] == h]
        if _common(sub, [m for m in models if m != PRODUCT]).groupby(["region", "p", "origin_p"]).ngroups < MIN_ROWS:
            if pooled is None:
                pooled = choose(past, models)
                pooled["pooled_horizons"] = True
            out[h] = dict(pooled)
        else:
            out[h] = choose(sub, models)
    return out


def apply(pred: pd.DataFrame, choice: dict[int, dict]) -> pd.DataFrame:
    """Product rows for a frame of every model's predictions (model, ri, p, horizon, prediction, base ...)."""
    key = ["ri", "p", "horizon"]
    wide = pred.pivot_table(index=key, columns="model", values="prediction", aggfunc="first")
    h = wide.index.get_level_values("horizon").to_numpy(int)
    value = np.full(len(wide), np.nan)
    for hh in np.unique(h):
        ch = choice.get(int(hh)) or choice[max(choice)]
        sel = h == hh
        value[sel] = combine(wide[sel], ch["weights"])
    out = wide.index.to_frame(index=False)
    out["model"] = PRODUCT
    out["prediction"] = value
    extra = [c for c in pred.columns if c not in ("model", "prediction") and c not in key]
    first = pred.drop_duplicates(key).set_index(key)
    for c in extra:
        if c in ("base", "origin_p", "actual", "region"):
            out[c] = first[c].reindex(wide.index).to_numpy()
    return out


def nested(allp: pd.DataFrame, horizons: list[int]) -> tuple[pd.DataFrame, dict]:
    """Product predictions at every backtest origin from choices made on earlier origins only.
    Returns (product rows, {origin_p: choice by horizon})."""
    models = sorted(set(allp["model"]) - {PRODUCT})
    rows, choices = [], {}
    for o in sorted(allp["origin_p"].unique()):
        past = allp[(allp["origin_p"] < o) & (allp["p"] <= o)]
        ch = choose_by_horizon(past, models, horizons)
        choices[int(o)] = ch
        rows.append(apply(allp[allp["origin_p"] == o], ch))
    return (pd.concat(rows, ignore_index=True) if rows else allp.iloc[:0]), choices
