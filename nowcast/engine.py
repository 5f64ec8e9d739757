"""One forecast origin: mask what was unknown then, train, predict every model for the horizons.

A forecast origin says, per region, the last target period known and, per driver, the last month
known. Everything later is masked before any feature is built, so the backtest cannot look ahead.
Rows are predicted in batches of one seasonal lag: for an annual target two years ahead the
second year's "same period last year" is the model's own first-year prediction.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nowcast import models as M
from nowcast.features import GROUPS, FeatureBuilder, aggregate_drivers, feature_group, take
from nowcast.frames import Panel, first_month

MIN_DRIVER_COVERAGE = 0.10   # a driver must be known in >=10% of training rows to become a feature


@dataclass
class Origin:
    region_origin: np.ndarray          # per region: absolute index of the last known target period (-1: none)
    as_of: int                         # absolute month: the newest month any driver may come from
    known_until: dict[str, int]        # per driver: absolute last month known at this origin
    hp: int                            # horizons, in target periods


@dataclass
class ForecastOut:
    predictions: pd.DataFrame          # model, ri, p, horizon, prediction, base, (phi__<group>, yhat for lightgbm)
    info: dict = field(default_factory=dict)


def mask_target(panel: Panel, region_origin: np.ndarray) -> np.ndarray:
    rel = np.where(region_origin >= 0, region_origin - panel.p0, -1)
    tw = panel.target.copy()
    tw[np.arange(panel.n_periods)[None, :] > rel[:, None]] = np.nan
    return tw


def prediction_rows(panel: Panel, org: Origin) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rel = np.where(org.region_origin >= 0, org.region_origin - panel.p0, -1)
    ri, pi, hh = [], [], []
    regions = np.arange(len(panel.regions))
    for h in range(1, org.hp + 1):
        p = rel + h
        ok = (rel >= 0) & (p < panel.n_periods) & (first_month(p + panel.p0, panel.freq) <= org.as_of)
        ri.append(regions[ok]), pi.append(p[ok]), hh.append(np.full(ok.sum(), h))
    return np.concatenate(ri).astype(int), np.concatenate(pi).astype(int), np.concatenate(hh).astype(int)


def training_rows(tw: np.ndarray, L: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore", divide="ignore"):
        prev = np.full_like(tw, np.nan)
        prev[:, L:] = tw[:, :-L]
        ok = np.isfinite(tw) & np.isfinite(prev) & (tw > 0) & (prev > 0)
        ri, pi = np.nonzero(ok)
        y = np.log(tw[ri, pi] / prev[ri, pi])
    return ri, pi, y


def augment_horizons(ri: np.ndarray, pi: np.ndarray, y: np.ndarray, hp: int, seed: int):
    """Repeat each training row for the horizons 1..hp (the origin-dependent features differ by
    horizon); above MAX_TRAIN_ROWS each row keeps a seeded random subset of horizons."""
    if not M.HORIZON_FEATURES or len(y) == 0:
        return ri, pi, y, None
    n = len(y)
    if n * hp <= M.MAX_TRAIN_ROWS:
        h = np.tile(np.arange(1, hp + 1), n)
        idx = np.repeat(np.arange(n), hp)
    else:
        reps = max(1, M.MAX_TRAIN_ROWS // n)
        pick = np.random.default_rng(seed).random((n, hp)).argsort(axis=1)[:, :reps] + 1
        h = pick.reshape(-1)
        idx = np.repeat(np.arange(n), reps)
    return ri[idx], pi[idx], y[idx], h


def forecast(panel: Panel, fb: FeatureBuilder, org: Origin, seed: int = 0, explain: bool = False,
             models: tuple[str, ...] = M.MODELS) -> ForecastOut:
    L = panel.L
    tw = mask_target(panel, org.region_origin)
    rel_origin = np.where(org.region_origin >= 0, org.region_origin - panel.p0, -1)
    dp = aggregate_drivers(panel, org.known_until)
    ri, pi, hh = prediction_rows(panel, org)
    info: dict = {"n_predict": int(len(ri))}
    if len(ri) == 0:
        return ForecastOut(pd.DataFrame(columns=["model", "ri", "p", "horizon", "prediction", "base"]), info)
    tri, tpi, ty = training_rows(tw, L)
    info["n_train"] = int(len(ty))
    tri, tpi, ty, th = augment_horizons(tri, tpi, ty, org.hp, seed)
    weight = None
    if M.HALF_LIFE_MONTHS and len(ty):
        weight = 0.5 ** ((tpi.max() - tpi) * panel.k / M.HALF_LIFE_MONTHS)
    drivers = sorted(panel.drivers)
    Xtr_all = fb.build(dp, tw, tri, tpi, drivers, th) if len(ty) else None
    usable = [d for d in drivers if Xtr_all is not None and Xtr_all[f"yoy__{d}"].notna().mean() >= MIN_DRIVER_COVERAGE]
    info["drivers_unused"] = sorted(set(drivers) - set(usable))
    # Which drivers are known for each predicted period (a driver that stops early is left out).
    pm = first_month(pi + panel.p0, panel.freq)
    avail = {d: pm <= org.known_until.get(d, panel.driver_last[d]) for d in usable}
    pattern = [tuple(d for d in usable if avail[d][j]) for j in range(len(ri))]
    batches = (hh - 1) // L
    work = {m: tw for m in models}
    if batches.max() > 0:
        work = {m: tw.copy() for m in models}
    fitted: dict[tuple[str, tuple], M.LearnedModel | None] = {}
    info["features"] = {}
    out = []
    for b in range(int(batches.max()) + 1):
        sel = np.nonzero(batches == b)[0]
        r, p = ri[sel], pi[sel]
        for m in models:
            tgt = work[m]
            base = take(tgt, r, p - L)
            extra: dict[str, np.ndarray] = {}
            if m == "naive_seasonal":
                pred = M.naive_seasonal(tgt, r, p, L)
            elif m == "ratio_yoy":
                pred = M.ratio_yoy(tgt, dp, r, p, L)
            elif m == "ratio_12m":
                pred = M.ratio_12m(tw, dp, r, p, rel_origin, L)
            else:
                pred = np.full(len(sel), np.nan)
                for key in sorted({pattern[j] for j in sel}, key=len):
                    rows = np.array([i for i, j in enumerate(sel) if pattern[j] == key], dtype=int)
                    model = _fit(m, key, fitted, Xtr_all, ty, weight, seed, info)
                    if model is None:
                        continue
                    h_rows = hh[sel][rows] if th is not None else None
                    X = fb.build(dp, tgt, r[rows], p[rows], list(key), h_rows)[model.columns]
                    yhat = np.clip(model.predict(X), -M.Y_CLIP, M.Y_CLIP)
                    pred[rows] = base[rows] * np.exp(yhat)
                    if explain and m == "lightgbm":
                        _explain_into(extra, model, X, yhat, rows, len(sel))
            frame = pd.DataFrame({"model": m, "ri": r, "p": p + panel.p0, "horizon": hh[sel],
                                  "prediction": pred, "base": base, **extra})
            out.append(frame)
            if b < batches.max():
                fill = np.isfinite(pred)
                work[m][r[fill], p[fill]] = pred[fill]
    preds = pd.concat(out, ignore_index=True)
    return ForecastOut(preds, info)


def _fit(kind: str, key: tuple, fitted: dict, Xtr_all: pd.DataFrame | None, ty: np.ndarray,
         weight: np.ndarray | None, seed: int, info: dict) -> M.LearnedModel | None:
    if (kind, key) in fitted:
        return fitted[(kind, key)]
    model = None
    if Xtr_all is not None and len(ty) >= M.MIN_TRAIN_ROWS:
        X = Xtr_all[[c for c in Xtr_all.columns if "__" not in c or c.split("__", 1)[1] in key]]
        keep = [c for c in X.columns if c == "region" or X[c].notna().any()]
        reps = max(1, round(len(ty) / max(1, info.get("n_train", len(ty)))))
        model = M.LearnedModel(kind, seed).fit(X[keep], np.clip(ty, -M.Y_CLIP, M.Y_CLIP), weight, reps)
        info["features"][f"{kind}:{'+'.join(key) or 'no drivers'}"] = keep
        if kind == "lightgbm":
            info.setdefault("importance", {}).update(model.importance())
    fitted[(kind, key)] = model
    return model


def _explain_into(extra: dict, model: M.LearnedModel, X: pd.DataFrame, yhat: np.ndarray, rows: np.ndarray,
                  n: int) -> None:
    """Per-row driver-group contributions to the log ratio (SHAP), rescaled to sum to the clipped yhat."""
    phi = model.contributions(X)
    raw = phi.sum(axis=1).to_numpy()
    scale = np.where(np.abs(raw) > 1e-12, yhat / np.where(np.abs(raw) > 1e-12, raw, 1.0), 1.0)
    for g in GROUPS:
        extra.setdefault(f"phi__{g}", np.full(n, np.nan))
    extra.setdefault("yhat", np.full(n, np.nan))
    extra["yhat"][rows] = yhat
    groups = {c: ("region_other" if c == "bias" else feature_group(c)) for c in phi.columns}
    for g in GROUPS:
        cols = [c for c, gg in groups.items() if gg == g]
        val = phi[cols].sum(axis=1).to_numpy() * scale if cols else np.zeros(len(rows))
        extra[f"phi__{g}"][rows] = val
