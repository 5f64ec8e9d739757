"""Rolling-origin backtest with an expanding window and no look-ahead.

At origin T (a target period) the target is known up to T. The backtest emulates the real
publication lags: with ``lead_d`` = (last month of driver d) - (last month of the target) in the
data, driver d is known up to min(last month of T + offset, last month of T + lead_d), where
``offset`` is how far the drivers run ahead of the target (capped at the horizons). A fuel series
that ends with the target is therefore never available for the months being estimated, exactly
as in production. Intervals of an origin are calibrated only on residuals of earlier origins
whose actuals were known by then.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from nowcast import intervals as I
from nowcast.engine import Origin, forecast, mask_target, training_rows
from nowcast.features import FeatureBuilder
from nowcast.frames import Panel, last_month

PRED_COLS = ["model", "region", "period", "origin", "horizon", "prediction", "lo80", "hi80", "lo90", "hi90", "actual"]
METRIC_COLS = ["model", "horizon", "region", "n", "mape", "median_ape", "bias", "coverage80", "coverage90",
               "half_width90"]
ORIGIN_COLS = ["model", "origin", "n", "mape", "coverage80", "coverage90", "half_width90"]


def period_horizons(freq: str, horizons: int) -> int:
    """Monthly: ``horizons`` months; quarterly and annual targets: the next one or two periods."""
    return max(1, int(horizons)) if freq == "M" else max(1, min(2, int(horizons)))


def driver_leads(panel: Panel) -> dict[str, int]:
    """Months each driver runs ahead of (or behind, if negative) the target in these data."""
    tl = panel.target_last()
    if (tl < 0).all():
        return {d: 0 for d in panel.drivers}
    t_month = last_month(int(tl.max()), panel.freq)
    return {d: int(m - t_month) for d, m in panel.driver_last.items()}


def plan(panel: Panel, hp: int, offset: int | None = None) -> tuple[int, dict[str, int], list[str]]:
    """(offset in months, effective lead per driver, notes) for a backtest of ``hp`` periods."""
    notes: list[str] = []
    leads = driver_leads(panel)
    cap = panel.k * hp
    if offset is None:
        ahead = max([v for v in leads.values()] + [0])
        if ahead > 0:
            offset = min(ahead, cap)
        else:
            offset = cap
            leads = {d: (cap if v >= 0 else v) for d, v in leads.items()}
            notes.append(f"no driver runs ahead of the target in these data: the backtest assumes drivers that end "
                         f"with the target are published {cap} month(s) ahead of it")
    return int(min(offset, cap)), leads, notes


def make_origin(panel: Panel, cut: int, offset: int, leads: dict[str, int], hp: int,
                region_origin: np.ndarray | None = None) -> Origin:
    lm = int(last_month(cut, panel.freq))
    as_of = lm + offset
    known = {d: min(as_of, lm + leads.get(d, 0), panel.driver_last[d]) for d in panel.drivers}
    if region_origin is None:
        tl = panel.target_last()
        first = np.array([np.nonzero(np.isfinite(row))[0][0] + panel.p0 if np.isfinite(row).any() else 10**9
                          for row in panel.target])
        region_origin = np.where((tl >= 0) & (first <= cut), cut, -1)
    return Origin(region_origin=region_origin, as_of=as_of, known_until=known, hp=hp)


def choose_origins(panel: Panel, n_eval: int, n_warm: int, hp_eff: int,
                   last_origin: int | None = None) -> tuple[list[int], list[int]]:
    """(warm-up origins, evaluated origins). A monthly target: the latest origins whose every horizon
    has actuals. A quarterly or annual target (the contract of an annual backtest): the last ``n_eval``
    periods, each predicted one period ahead from what was known the period before (origins up to the
    second-to-last period; their second horizon is scored where its actual exists). ``last_origin``
    makes the evaluated origins end there instead (later horizons may lack actuals)."""
    tl = panel.target_last()
    if (tl < 0).all():
        return [], []
    last = int(tl.max())
    cands = []
    default = last - hp_eff if panel.freq == "M" else last - 1
    T = default if last_origin is None else min(int(last_origin), last - 1)
    while T >= panel.p0 and len(cands) < n_eval + n_warm:
        tw = mask_target(panel, np.full(len(panel.regions), T))
        _, tpi, ty = training_rows(tw, panel.L)
        if len(ty) < 12 or len(np.unique(tpi)) < 2:
            break
        cands.append(T)
        T -= 1
    cands = cands[::-1]
    n_e = min(n_eval, len(cands))
    return cands[: len(cands) - n_e], cands[len(cands) - n_e:]


def run_origins(panel: Panel, fb: FeatureBuilder, cuts: list[int], offset: int, leads: dict[str, int], hp: int,
                seed: int) -> tuple[pd.DataFrame, dict]:
    """Predictions of every model at every origin, with actuals (rows without an actual are dropped)."""
    frames, info = [], {}
    for cut in cuts:
        org = make_origin(panel, cut, offset, leads, hp)
        out = forecast(panel, fb, org, seed=seed)
        info[panel.label(cut)] = out.info
        df = out.predictions
        if df.empty:
            continue
        df = df.assign(origin_p=cut, actual=panel.target[df["ri"].to_numpy(), df["p"].to_numpy() - panel.p0])
        frames.append(df[np.isfinite(df["actual"].to_numpy())])
    if not frames:
        return pd.DataFrame(columns=["model", "ri", "p", "horizon", "prediction", "origin_p", "actual"]), info
    return pd.concat(frames, ignore_index=True), info


def replay_product(preds: pd.DataFrame, choice: dict) -> pd.DataFrame:
    """The product as it is now (``choice`` by horizon) replayed on every row of ``preds`` (every model's
    predictions with actuals): the residuals its band is calibrated on. The product's own nested history
    mixes earlier choices (often a baseline while the evidence was thin) and would size today's band by
    yesterday's model."""
    from nowcast import product as P

    models = preds[preds["model"] != P.PRODUCT]
    if models.empty or not choice:
        return preds[preds["model"] == P.PRODUCT]
    return P.apply(models, choice)


def intervals_without_lookahead(preds: pd.DataFrame, eval_cuts: list[int], horizons: list[int],
                                method: str = I.METHOD, months_per_period: int = 1,
                                choices: dict | None = None) -> pd.DataFrame:
    """Intervals for each evaluated origin from residuals of earlier origins known by then. The product's
    residuals are its choice at that origin (``choices[origin]``) replayed on the earlier origins (else its
    own nested history)."""
    from nowcast import product as P

    out = []
    for cut in eval_cuts:
        rows = preds[preds["origin_p"] == cut]
        past = preds[(preds["origin_p"] < cut) & (preds["p"] <= cut)]
        if choices and cut in choices:
            past = pd.concat([past[past["model"] != P.PRODUCT], replay_product(past, choices[cut])], ignore_index=True)
        past = past.assign(r=I.log_residual(past["actual"], past["prediction"]))
        cal = I.calibrate(past[["model", "region", "horizon", "r", "p"]], horizons, method=method, cut=int(cut),
                          months_per_period=months_per_period)
        out.append(I.apply_intervals(rows, cal))
    return pd.concat(out, ignore_index=True) if out else preds.iloc[:0]


def metrics(pred: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per model x horizon x region (and region '*' pooled). mape, median_ape and bias are fractions
    (0.05 = 5 %); bias = mean of (prediction - actual) / actual; coverage = share of actuals inside;
    half_width90 = mean of the 90% band's half-width over the estimate."""
    if pred.empty:
        return pd.DataFrame(columns=METRIC_COLS), pd.DataFrame(columns=[c for c in METRIC_COLS if c != "region"])
    a = pred["actual"].to_numpy(float)
    p = pred["prediction"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        signed = np.where(np.isfinite(p) & (a != 0), (p - a) / np.abs(a), np.nan)
    d = pd.DataFrame({"model": pred["model"].to_numpy(), "horizon": pred["horizon"].to_numpy(int),
                      "region": pred["region"].to_numpy(object), "err": signed, "ape": np.abs(signed),
                      "c80": I.covered(a, pred["lo80"], pred["hi80"]), "c90": I.covered(a, pred["lo90"], pred["hi90"]),
                      "hw": I.half_width(p, pred["lo90"], pred["hi90"])})
    pooled = d.assign(region="*")
    both = pd.concat([d, pooled], ignore_index=True)
    g = both.groupby(["model", "horizon", "region"], sort=True)
    m = g.agg(n=("ape", "count"), mape=("ape", "mean"), median_ape=("ape", "median"), bias=("err", "mean"),
              coverage80=("c80", "mean"), coverage90=("c90", "mean"), half_width90=("hw", "mean")).reset_index()
    order = {k: i for i, k in enumerate(pd.unique(pred["model"]))}
    m = m.sort_values(["model", "horizon", "region"], key=lambda s: s.map(order) if s.name == "model" else s)
    m = m[METRIC_COLS].reset_index(drop=True)
    summary = m[m["region"] == "*"].drop(columns="region").reset_index(drop=True)
    return m, summary


def origin_metrics(pred: pd.DataFrame) -> pd.DataFrame:
    """Per model x rolling origin (all horizons and regions of that origin): n, mape, coverage80,
    coverage90 and the mean relative half-width of the 90% band (``ORIGIN_COLS``). Coverage is judged
    origin by origin, not pooled: a band that is right on average may be wrong at every origin."""
    if pred.empty:
        return pd.DataFrame(columns=ORIGIN_COLS)
    a = pred["actual"].to_numpy(float)
    p = pred["prediction"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ape = np.where(np.isfinite(p) & (a != 0), np.abs(p - a) / np.abs(a), np.nan)
    d = pd.DataFrame({"model": pred["model"].to_numpy(), "origin": pred["origin"].to_numpy(object), "ape": ape,
                      "c80": I.covered(a, pred["lo80"], pred["hi80"]), "c90": I.covered(a, pred["lo90"], pred["hi90"]),
                      "hw": I.half_width(p, pred["lo90"], pred["hi90"])})
    out = d.groupby(["model", "origin"], sort=True).agg(
        n=("ape", "count"), mape=("ape", "mean"), coverage80=("c80", "mean"), coverage90=("c90", "mean"),
        half_width90=("hw", "mean")).reset_index()
    return out[ORIGIN_COLS]
