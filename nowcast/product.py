"""The product's estimate: the model or combination the rolling backtest shows best on PAST origins,
and only where the evidence says it beats the best simple baseline.

For each horizon, every model is scored on the backtest rows whose actual was known before the
origin being forecast (origin < o and period <= o: nested, rolling selection; the origin being
scored is never seen). Score = the median over regions of each region's mean |log(actual/pred)|
(the median-region MAPE the product is judged on), on the rows every model predicted.

Rule (candidates: every single model, and one combination):
1. A model scoring worse than ``DOMINANCE`` x the best model's score on those past origins is
   dominated and never gets weight.
2. The undominated models are combined in log space with inverse squared-score weights
   (w_m ~ 1/score_m^2, normalised), i.e. a geometric mean C = exp(sum w_m log C_m).
3. The candidate is the best single model or that combination, whichever scored better on the same past
   rows (the combination, being more robust, wins ties within COMBINE_TOLERANCE).
4. **Never worse than the best baseline, by evidence.** Unless the candidate *is* the best simple baseline,
   it must beat that baseline significantly: a one-sided Diebold–Mariano test on the mean loss differential
   per target period (|log error| of the candidate minus the baseline's, averaged over the regions and
   origins that predicted that period: one value per month, quarter or year, so that the regions' common
   shock counts once), with a Newey–West variance of lag ``DM_LAG`` and the Harvey–Leybourne–Newbold
   small-sample correction, against Student's t with n-1 degrees of freedom, at ``SIGNIFICANCE``. Without
   that evidence (fewer than ``MIN_PERIODS`` periods, or a gain within noise) the product is the best
   baseline. The choice records the test (``evidence``: baseline, candidate, gain, statistic, p-value, periods).
Horizons with fewer than ``MIN_ROWS`` past rows or ``MIN_PERIODS`` target periods are scored on all
horizons pooled. With no past
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
SIGNIFICANCE = 0.05        # one-sided level of the Diebold–Mariano test against the best baseline
MIN_PERIODS = 5            # fewer past target periods than this: no credible test, the product is the best baseline
DM_LAG = 1                 # Newey–West lag of the test (neighbouring months share part of their errors)
RULE = ("per horizon, on past backtest origins only: models scoring worse than 1.25 x the best are dropped; "
        "the rest combined geometrically with inverse squared-error weights; the candidate is the single model or "
        "that combination, whichever scored best; the product is that candidate only where a one-sided "
        "Diebold-Mariano test (HLN correction, 5%) over past origins shows it beats the best baseline, "
        "else the best baseline")


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


def dm_test(diff: np.ndarray, lag: int = DM_LAG) -> tuple[float, float]:
    """One-sided Diebold–Mariano test that the mean of ``diff`` (candidate loss minus baseline loss, one
    value per period, in time order) is below 0: (statistic, p-value). Newey–West variance with ``lag``
    (Bartlett weights), Harvey–Leybourne–Newbold correction for h = lag + 1, Student's t with n-1 degrees
    of freedom. (nan, 1.0) where it cannot be computed (fewer than MIN_PERIODS values, no variance)."""
    from scipy import stats

    d = np.asarray(diff, float)
    d = d[np.isfinite(d)]
    n = len(d)
    if n < MIN_PERIODS:
        return float("nan"), 1.0
    lag = max(0, min(int(lag), n - 2))
    e = d - d.mean()
    var = float(e @ e) / n
    for k in range(1, lag + 1):
        var += 2 * (1 - k / (lag + 1)) * float(e[k:] @ e[:-k]) / n
    hln = (n + 1 - 2 * (lag + 1) + (lag + 1) * lag / n) / n
    if var <= 1e-18 or hln <= 0:
        if np.all(d < 0):         # every origin better and no spread at all: as strong as evidence gets
            return float("-inf"), 0.0
        return float("nan"), 1.0
    stat = float(d.mean() / np.sqrt(var / n) * np.sqrt(hln))
    return stat, float(stats.t.cdf(stat, df=n - 1))


def _row_diff(cand_rows: pd.DataFrame, base_rows: pd.DataFrame) -> pd.DataFrame:
    """p, d = |log error| of the candidate minus the baseline's, per common row (region, p, origin_p)."""
    key = ["region", "p", "origin_p"]

    def loss(f):
        e = np.abs(np.log(f["actual"].to_numpy(float) / f["prediction"].to_numpy(float)))
        return pd.Series(e, index=pd.MultiIndex.from_frame(f[key]))
    d = (loss(cand_rows) - loss(base_rows)).dropna()
    p = d.index.get_level_values("p").to_numpy(int)
    return pd.DataFrame({"p": p, "h": p - d.index.get_level_values("origin_p").to_numpy(int), "d": d.to_numpy(float)})


def _candidate(past: pd.DataFrame, models: list[str]) -> tuple[dict, pd.DataFrame]:
    """The candidate on ``past`` (steps 1-3 of the rule) and its loss differential rows against the best
    baseline (empty when the candidate is that baseline or nothing was scored)."""
    models = [m for m in models if m != PRODUCT]
    base = [m for m in BASELINES if m in models] or models
    c = _common(past, models)
    if c.empty:
        return ({"chosen": "combination", "weights": {m: round(1 / len(base), 6) for m in base}, "scores": {}, "n": 0,
                 "rule": "no past origins: equal weights on the baselines",
                 "evidence": {"baseline": None, "candidate": None, "significant": False, "n_periods": 0}},
                pd.DataFrame(columns=["p", "h", "d"]))
    scores = _score(c)
    keep = scores[scores <= DOMINANCE * scores.min() + 1e-12]
    inv = 1.0 / np.maximum(keep.to_numpy(float), 1e-9) ** 2
    weights = dict(zip(keep.index, inv / inv.sum()))
    wide = c.pivot_table(index=["region", "p", "origin_p"], columns="model", values="prediction")
    actual = c.groupby(["region", "p", "origin_p"])["actual"].first().reindex(wide.index)
    comb = pd.DataFrame({"model": "combination", "region": wide.index.get_level_values(0),
                         "p": wide.index.get_level_values(1), "origin_p": wide.index.get_level_values(2),
                         "prediction": combine(wide, weights), "actual": actual.to_numpy()})
    comb_score = float(_score(comb).iloc[0])
    best = keep.sort_values(kind="stable").index[0]
    out = {"scores": {m: round(float(v), 6) for m, v in scores.items()}, "n": int(len(wide)),
           "combination_score": round(comb_score, 6)}
    if len(keep) > 1 and comb_score <= COMBINE_TOLERANCE * float(keep.min()):
        cand, cand_w, cand_rows, cand_score = "combination", weights, comb, comb_score
    else:
        cand, cand_w, cand_rows, cand_score = str(best), {str(best): 1.0}, c[c["model"] == best], float(scores[best])
    bases = [m for m in base if m in scores.index]
    b = str(scores.reindex(bases).sort_values(kind="stable").index[0]) if bases else cand
    gain = 1 - cand_score / float(scores[b]) if scores[b] > 0 else 0.0
    out.update(chosen=cand, weights={m: round(float(w), 6) for m, w in cand_w.items()},
               evidence={"baseline": b, "candidate": cand, "baseline_score": round(float(scores[b]), 6),
                         "candidate_score": round(cand_score, 6), "gain": round(float(gain), 6)})
    if cand == b:
        out["evidence"].update(significant=True, statistic=None, p_value=None, n_periods=int(c["p"].nunique()),
                               note="the candidate is the best baseline")
        return out, pd.DataFrame(columns=["p", "h", "d"])
    return out, _row_diff(cand_rows, c[c["model"] == b])


def _decide(out: dict, diff_rows: pd.DataFrame, test: tuple[float, float, int] | None = None) -> dict:
    """Keep the candidate where the test (own differential, or the joint one given) is significant and the
    candidate gains on its own rows; else the best baseline."""
    ev = out.get("evidence") or {}
    if ev.get("candidate") is None or ev.get("note"):
        return out
    if test is None:
        d = diff_rows.groupby("p")["d"].mean().sort_index().to_numpy(float) if len(diff_rows) else np.array([])
        stat, pv = dm_test(d)
        test = (stat, pv, int(len(d)))
    stat, pv, n = test
    sig = bool(pv < SIGNIFICANCE and ev.get("gain", 0) > 0)
    ev.update(significant=sig, statistic=None if not np.isfinite(stat) else round(float(stat), 4),
              p_value=round(float(pv), 6), n_periods=int(n))
    if not sig:
        out.update(chosen=ev["baseline"], weights={ev["baseline"]: 1.0})
    out["evidence"] = ev
    return out


def choose(past: pd.DataFrame, models: list[str]) -> dict:
    """Choice on ``past`` rows (model, region, p, origin_p, prediction, actual):
    {"chosen": model | "combination", "weights": {model: w}, "scores": {model: score}, "n": rows,
    "evidence": {baseline, candidate, gain, significant, statistic, p_value, n_periods}}."""
    out, diff = _candidate(past, models)
    return _decide(out, diff)


def choose_by_horizon(past: pd.DataFrame, models: list[str], horizons: list[int]) -> dict[int, dict]:
    """Per horizon (or pooled, where a horizon has too little history) the candidate; one joint
    Diebold–Mariano test over every horizon's differential (each candidate against its own best baseline,
    averaged per target period) decides whether the product departs from the baselines at all: the
    horizons share the evidence, so the test has the power of all the rows, and a horizon whose candidate
    does not gain on its own rows stays with its baseline."""
    plain = [m for m in models if m != PRODUCT]
    groups: dict[int, tuple[dict, pd.DataFrame]] = {}
    pooled = None
    for h in horizons:
        sub = past[past["horizon"] == h]
        common = _common(sub, plain)
        if common.groupby(["region", "p", "origin_p"]).ngroups < MIN_ROWS or common["p"].nunique() < MIN_PERIODS:
            if pooled is None:
                pooled = _candidate(past, models)
                pooled[0]["pooled_horizons"] = True
            groups[h] = pooled
        else:
            groups[h] = _candidate(sub, models)
    diffs = []
    for h, (out, diff) in groups.items():   # each horizon's rows once (a pooled group: only its own horizon's)
        if (out.get("evidence") or {}).get("gain", 0) > 0 and len(diff):
            diffs.append(diff[diff["h"] == h])
    joint = pd.concat(diffs, ignore_index=True) if diffs else pd.DataFrame(columns=["p", "h", "d"])
    d = joint.groupby("p")["d"].mean().sort_index().to_numpy(float) if len(joint) else np.array([])
    stat, pv = dm_test(d)
    return {h: _decide(dict(out, evidence=dict(out.get("evidence") or {})), diff, (stat, pv, int(len(d))))
            for h, (out, diff) in groups.items()}


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
